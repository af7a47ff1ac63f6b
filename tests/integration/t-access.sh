#!/bin/sh
# Read access of the local server's rules: the sections admin-users,
# security and audit-log belong to super-admin, so only an active Super
# Admin reads other admins, the policy, the sessions and the audit log; an
# admin reads their own entry and the roles.  Role and state come from the
# directory on every operation: a deactivated admin's open connection
# loses its access at once.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
B=$DW_BASE
PW_SUP='Kelp-Vault-2024!x'

# A support admin, through the real invite and accept path.
link=$(as "$BOSS" "$PW_BOSS" user invite sup@dramwell.ai --role support \
    --print-link 2>/dev/null)
tok=$(token_of "$link")
printf '%s\n%s\n' "$tok" "$PW_SUP" |
    "$DWADM" -c "$T/dw.conf" user accept-invite --password-stdin >/dev/null
SUP_DN=uid=sup@dramwell.ai,ou=admins,$B
printf '%s' "$PW_SUP" >"$T/sup.pw"
printf '%s' "$PW_BOSS" >"$T/boss.pw"

count() {	# DN PWFILE BASE [SCOPE]: entries visible
	ldapsearch -H "$DW_URI" -x -D "$1" -y "$2" -b "$3" -s "${4:-sub}" \
	    -LLL 1.1 2>/dev/null | grep -c '^dn:' || true
}

n=$(count "$BOSS_DN" "$T/boss.pw" "ou=audit,$B")
check "the Super Admin reads the audit log ($n entries)" test "$n" -gt 5
check_eq "support reads no audit entry" 0 \
    "$(count "$SUP_DN" "$T/sup.pw" "ou=audit,$B")"
check_eq "support does not read another admin" 0 \
    "$(count "$SUP_DN" "$T/sup.pw" "$BOSS_DN" base)"
check_eq "support reads their own entry" 1 \
    "$(count "$SUP_DN" "$T/sup.pw" "$SUP_DN" base)"
check_eq "support reads the six roles and their container" 6 \
    "$(count "$SUP_DN" "$T/sup.pw" "ou=roles,$B")"
check_eq "support does not read the policy" 0 \
    "$(count "$SUP_DN" "$T/sup.pw" "ou=policy,$B")"
check_eq "the Super Admin reads the policy" 2 \
    "$(count "$BOSS_DN" "$T/boss.pw" "ou=policy,$B")"
check_eq "the portal account reads no audit entry" 0 \
    "$(count "cn=portal,ou=services,$B" "$T/portal.secret" "ou=audit,$B")"

# The Super Admin rules hold only for an entry directly below ou=admins
# (where the overlay decides what an admin entry may hold): an entry that
# merely carries dwRole super-admin elsewhere reads nothing.  The portal
# account may write ou=sessions, so it could plant such an entry there.
cat >"$T/ghost.ldif" <<EOG
dn: uid=ghost@dramwell.ai,ou=sessions,$B
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: ghost@dramwell.ai
cn: ghost
sn: ghost
dwRole: super-admin
dwAccountStatus: active
userPassword: Ghost-Pass-2024!x
EOG
ldapadd -H "$DW_URI" -x -D "cn=portal,ou=services,$B" -y "$T/portal.secret" \
    -f "$T/ghost.ldif" >/dev/null 2>&1
printf '%s' 'Ghost-Pass-2024!x' >"$T/ghost.pw"
GHOST=uid=ghost@dramwell.ai,ou=sessions,$B
if ldapwhoami -H "$DW_URI" -x -D "$GHOST" -y "$T/ghost.pw" >/dev/null 2>&1; then
	check_eq "a planted super-admin outside ou=admins reads no audit entry" \
	    0 "$(count "$GHOST" "$T/ghost.pw" "ou=audit,$B")"
	check_eq "nor the admins" 0 "$(count "$GHOST" "$T/ghost.pw" "ou=admins,$B")"
	check_eq "nor the policy" 0 "$(count "$GHOST" "$T/ghost.pw" "ou=policy,$B")"
else
	pass "a planted super-admin outside ou=admins cannot even bind"
fi

# One open connection of the Super Admin's, then a second Super Admin
# deactivates it: its next search sees nothing.
link=$(as "$BOSS" "$PW_BOSS" user invite sa2@dramwell.ai \
    --role super-admin --print-link 2>/dev/null)
printf '%s\n%s\n' "$(token_of "$link")" "Quartz-Lamp-88!xy" |
    "$DWADM" -c "$T/dw.conf" user accept-invite --password-stdin >/dev/null
mkfifo "$T/in"
"$DW_TOP_BUILDDIR/tests/integration/connprobe" "$DW_URI" "$BOSS_DN" \
    "$T/boss.pw" "ou=audit,$B" <"$T/in" >"$T/probe.out" 2>&1 &
probe=$!
exec 3>"$T/in"
echo go >&3
deadline=$(($(date +%s) + 20))
until grep -q '^entries:' "$T/probe.out" || [ "$(date +%s)" -gt "$deadline" ]; do
	sleep 0.05
done
check_match "the open connection reads the audit log" '^entries: [1-9]' \
    "$(grep '^entries:' "$T/probe.out")"
as sa2@dramwell.ai 'Quartz-Lamp-88!xy' user deactivate "$BOSS" >/dev/null
echo go >&3
until [ "$(grep -cE "^(entries|error):" "$T/probe.out")" -ge 2 ] ||
    [ "$(date +%s)" -gt "$deadline" ]; do
	sleep 0.05
done
check_match "after deactivation the same connection reads nothing" \
    '^(entries: 0|error: 32)$' "$(sed -n 3p "$T/probe.out")"
exec 3>&-
wait "$probe"

dw_done
