#!/bin/sh
# dwadm role list|show|create|set|delete against the overlay's rules:
# built-in roles fixed, custom roles validated against the grammar
# (super-admin-only sections refused, locally and by the directory), a
# role still assigned cannot be deleted, only the Super Admin changes
# roles; a custom role's change is seen at once by authz check; --help
# for every command; every action and refusal audited.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
PW_SAM='Yf8^Cw3n-Hd6!Rb2k'
SAM=sam@dramwell.ai
SAM_DN=uid=$SAM,ou=admins,$B
BILLING_DN=cn=billing,ou=roles,$B

# --help everywhere: exit 0, usage on stdout, nothing on stderr.
for c in "" "user" "user list" "user show" "user invite" "user resend-invite" \
    "user revoke-invite" "user accept-invite" "user set-role" \
    "user deactivate" "user reactivate" "role" "authz" "authz check" \
    "init" "server"; do
	# shellcheck disable=SC2086
	"$DWADM" $c --help >"$T/h.out" 2>"$T/h.err"
	check_eq "dwadm $c --help: exit 0, usage, no error" "0 usage: " \
	    "$? $(head -c 7 "$T/h.out")$(cat "$T/h.err")"
done

# A Support admin (accepted invitation) for the refusals.
as "$BOSS" "$PW_BOSS" user invite "$SAM" --role support --print-link \
    >"$T/sam.link" 2>/dev/null
printf '%s\n%s\n' "$(cat "$T/sam.link")" "$PW_SAM" | "$DWADM" -c "$T/dw.conf" \
    user accept-invite --password-stdin >/dev/null 2>&1
check_eq "sam is an active support admin" "active support" \
    "$(admin_attr "$SAM" dwAccountStatus) $(admin_attr "$SAM" dwRole)"

# ------------------------------------------------------------- list/show
as "$BOSS" "$PW_BOSS" role list >"$T/rl.out" 2>"$T/rl.err"
check_eq "role list: exit 0" 0 "$?"
check_match "role list: header" '^NAME +BUILT-IN +USERS +DESCRIPTION$' \
    "$(head -n 1 "$T/rl.out")"
check_eq "role list: the five built-in roles" \
    "developer finance operations super-admin support" \
    "$(sed 1d "$T/rl.out" | awk '{ print $1 }' | paste -sd' ')"
check_match "role list: super-admin built in, one user" '^super-admin +yes +1 ' \
    "$(grep '^super-admin' "$T/rl.out")"
as "$BOSS" "$PW_BOSS" role show support >"$T/rs.out"
check_eq "role show support: exit 0" 0 "$?"
check_eq "role show support: permissions" \
    "customer-users:read customers:read logs:read" \
    "$(sed -n 's/^permission *: //p' "$T/rs.out" | sort | paste -sd' ')"
check_eq "role show support: its user" "$SAM" \
    "$(sed -n 's/^user *: //p' "$T/rs.out")"
as "$BOSS" "$PW_BOSS" role show nosuch >/dev/null 2>"$T/e.err"
check_eq "role show of a missing role: exit 1" 1 "$?"
check "role show of a missing role: one line" one_line "$T/e.err"
as "$BOSS" "$PW_BOSS" role list --json >"$T/rl.json"
check "role list --json: valid JSON" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert {r["name"] for r in v} == {"super-admin", "operations", "finance",
    "support", "developer"}
assert all(r["builtin"] for r in v)
' "$T/rl.json"

# ---------------------------------------------------------------- create
as "$BOSS" "$PW_BOSS" role create billing --permission finance-dashboard:read \
    --permission subscriptions:write,plans:read --description 'Billing desk' \
    >"$T/c.out" 2>"$T/c.err"
check_eq "role create: exit 0" 0 "$?"
check_eq "role create: stored permissions" \
    "finance-dashboard:read plans:read subscriptions:write" \
    "$(root_search -b "$BILLING_DN" -s base dwPermission |
    sed -n 's/^dwPermission: //p' | sort | paste -sd' ')"
check_eq "role create: audited" 1 \
    "$(audit_n "(&(dwAuditAction=role-create)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BILLING_DN)(dwAuditResult=0))")"
as "$BOSS" "$PW_BOSS" role create billing --permission plans:read \
    >/dev/null 2>"$T/e.err"
check_eq "role create twice: exit 1" 1 "$?"
as "$BOSS" "$PW_BOSS" role create hr --permission admin-users:write \
    >/dev/null 2>"$T/e.err"
check_eq "role create with a super-admin-only section: usage error" 2 "$?"
check_match "role create with a super-admin-only section: says so" \
    'super-admin role only' "$(cat "$T/e.err")"
as "$BOSS" "$PW_BOSS" role create hr --permission payroll:read \
    >/dev/null 2>"$T/e.err"
check_eq "role create with an unknown section: usage error" 2 "$?"
# The directory enforces the same grammar whatever the client.
printf '%s' "$PW_BOSS" >"$T/boss.pw"
ldapadd -x -H "$DW_URI" -D "$BOSS_DN" -y "$T/boss.pw" >"$T/la.out" 2>&1 <<EOL
dn: cn=hr,ou=roles,$B
objectClass: dwRole
cn: hr
dwPermission: admin-users:write
EOL
check "ldapadd of a role with admin-users:write: refused" \
    test "$?" -ne 0
ldapadd -x -H "$DW_URI" -D "$BOSS_DN" -y "$T/boss.pw" >"$T/la.out" 2>&1 <<EOL
dn: cn=hr,ou=roles,$B
objectClass: dwRole
cn: hr
dwPermission: payroll:read
EOL
check "ldapadd of a role with an unknown section: refused" test "$?" -ne 0
check_eq "no hr role" "" "$(root_search -b "ou=roles,$B" '(cn=hr)' dn)"
as "$SAM" "$PW_SAM" role create ops2 --permission logs:read >/dev/null \
    2>"$T/e.err"
check_eq "support: role create refused" 1 "$?"
check_match "support: role create insufficient access" 'insufficient access' \
    "$(cat "$T/e.err")"
check_eq "support: refused role create audited" 1 \
    "$(audit_n "(&(dwAuditActor=$SAM_DN)(dwAuditTarget=cn=ops2,ou=roles,$B)(dwAuditResult=50)(dwAuditDetail=*))")"

# ------------------------------------------------- set, authz at once
as "$BOSS" "$PW_BOSS" user set-role "$SAM" billing >/dev/null 2>&1
check_eq "sam now holds billing" billing "$(admin_attr "$SAM" dwRole)"
as "$BOSS" "$PW_BOSS" authz check "$SAM" plans write >"$T/az.out"
check_eq "authz: billing may not write plans yet" "1 deny" \
    "$? $(cat "$T/az.out")"
as "$BOSS" "$PW_BOSS" role set billing --permission plans:write \
    --permission subscriptions:write >"$T/s.out" 2>&1
check_eq "role set: exit 0" 0 "$?"
as "$BOSS" "$PW_BOSS" authz check "$SAM" plans write >"$T/az.out"
check_eq "authz right after role set: plans write allowed" "0 allow" \
    "$? $(cat "$T/az.out")"
as "$BOSS" "$PW_BOSS" authz check "$SAM" finance-dashboard read >"$T/az.out"
check_eq "authz right after role set: dropped permission denied" "1 deny" \
    "$? $(cat "$T/az.out")"
check_eq "role set: audited" 1 \
    "$(audit_n "(&(dwAuditAction=role-modify)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BILLING_DN)(dwAuditResult=0))")"
as "$SAM" "$PW_SAM" role set billing --permission plans:write \
    --permission promotions:write >/dev/null 2>&1
check_eq "support/billing: role set refused" 1 "$?"
as "$BOSS" "$PW_BOSS" role set support --permission logs:read >/dev/null \
    2>"$T/e.err"
check_eq "built-in role set: refused" 1 "$?"
check "built-in role set: one line" one_line "$T/e.err"
check_eq "built-in role set: unchanged" 3 \
    "$(root_search -b "cn=support,ou=roles,$B" -s base dwPermission | grep -c '^dwPermission:')"
as "$BOSS" "$PW_BOSS" role delete operations >/dev/null 2>"$T/e.err"
check_eq "built-in role delete: refused" 1 "$?"
check_eq "built-in role delete: audited refusal" 1 \
    "$(audit_n "(&(dwAuditActor=$BOSS_DN)(dwAuditTarget=cn=operations,ou=roles,$B)(!(dwAuditResult=0))(dwAuditDetail=*))")"

# --------------------------------------------------------------- delete
as "$BOSS" "$PW_BOSS" role delete billing >/dev/null 2>"$T/e.err"
check_eq "delete of an assigned role: refused" 1 "$?"
check "delete of an assigned role: one line" one_line "$T/e.err"
check_match "delete of an assigned role: audited with a reason" '.' \
    "$(audit_details "(&(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BILLING_DN)(!(dwAuditResult=0)))")"
as "$BOSS" "$PW_BOSS" user set-role "$SAM" support >/dev/null 2>&1
as "$BOSS" "$PW_BOSS" role delete billing >"$T/d.out" 2>&1
check_eq "delete of an unassigned custom role: exit 0" 0 "$?"
check_eq "role gone" "" "$(root_search -b "ou=roles,$B" '(cn=billing)' dn)"
check_eq "role delete: audited" 1 \
    "$(audit_n "(&(dwAuditAction=role-delete)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BILLING_DN)(dwAuditResult=0))")"
as "$BOSS" "$PW_BOSS" user set-role "$SAM" billing >/dev/null 2>"$T/e.err"
check_eq "set-role to a deleted role: refused" 1 "$?"
check_match "set-role to a deleted role: says so" 'no such role: billing' \
    "$(cat "$T/e.err")"

# ----------------------------------------------- authz check edge cases
as_root authz check nobody@dramwell.ai logs read >"$T/az.out"
check_eq "authz: unknown account denies" "1 deny" "$? $(cat "$T/az.out")"
as_root authz check "$SAM" nonsense read >/dev/null 2>"$T/e.err"
check_eq "authz: unknown section is a usage error" 2 "$?"
"$DWADM" -H ldap://127.0.0.1:1 -Y EXTERNAL authz check "$SAM" logs read \
    >"$T/az.out" 2>"$T/e.err"
check_eq "authz: unreachable directory: exit 3, no answer" "3 " \
    "$? $(cat "$T/az.out")"
check "authz: unreachable directory: one line" one_line "$T/e.err"

audit_dump >"$T/audit.txt"
n=0
for s in "$PW_SAM" "$PW_BOSS" "$(token_of "$(cat "$T/sam.link")")"; do
	n=$((n + 1))
	no_secret "$T/audit.txt" "$s" "no token or password in ou=audit ($n)"
done

dw_done
