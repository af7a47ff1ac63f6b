#!/bin/sh
# The admin lifecycle through dwadm against a real slapd with the overlay:
# invite (mail captured by a test sendmail: headers, link, expiry), a
# duplicate invite, --print-link, list --pending (expired yes/no, the
# expiry moved into the past offline), resend (the first token dies),
# revoke, accept (weak password refused and the token still usable; then
# accepted; a second use refused with the one generic error), PAM login
# through the shared config file, a Support user's writes refused,
# deactivate (binds refused, sessions removed), reactivate, the last
# Super Admin protected; every action and refusal audited with actor,
# target and change, and no token or password in ou=audit or the log.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
PW_IVY='Jm2@Ls9v-Te4!Wq8g'
WEAK='qzjxwv7'
IVY=ivy@dramwell.ai
IVY_DN=uid=$IVY,ou=admins,$B
CARL_DN=uid=carl@dramwell.ai,ou=admins,$B
OLD_DN=uid=old@dramwell.ai,ou=admins,$B

# accept TOKEN-OR-LINK PASSWORD: dwadm user accept-invite, both on stdin.
accept() {
	printf '%s\n%s\n' "$1" "$2" | "$DWADM" -c "$T/dw.conf" \
	    user accept-invite --password-stdin
}

# ---------------------------------------------------------------- invite
t0=$(date -u +%s)
as "$BOSS" "$PW_BOSS" user invite Ivy@DramWell.AI --role support \
    --name 'Ivy Invitee' >"$T/inv.out" 2>"$T/inv.err"
check_eq "invite: exit 0" 0 "$?"
check_eq "invite: nothing on stderr" "" "$(cat "$T/inv.err")"
check_match "invite: says what it did" "^invited $IVY \\(support\\)" \
    "$(cat "$T/inv.out")"
check_eq "invite: one mail captured" 1 "$(mails)"
M1=$(mail_file 1)
check_eq "invite: sendmail ran as sendmail -t -i" "-t -i" \
    "$(paste -sd' ' "$MAILDIR/1.args")"
check_eq "invite mail: To is the normalised address" "To: $IVY" \
    "$(grep '^To:' "$M1")"
check_eq "invite mail: Subject" \
    "Subject: Your invitation to the DramWell admin portal" \
    "$(grep '^Subject:' "$M1")"
check_match "invite mail: headers end before the body" '^$' \
    "$(sed -n '7p' "$M1")"
LINK1=$(link_of "$M1")
TOK1=$(token_of "$LINK1")
check_match "invite mail: the accept link on its own line" \
    "^$PORTAL_URL/invite/accept\\?token=[A-Za-z0-9_-]{43}\$" "$LINK1"
no_secret "$MAILDIR/1.args" "$TOK1" "invite: the token is not in sendmail's argv"
cat "$T/inv.out" "$T/inv.err" >"$T/inv.all"
no_secret "$T/inv.all" "$TOK1" "invite: the token is not in dwadm's output"

exp1=$(admin_attr "$IVY" dwInviteExpires)
exp1_iso=$(printf '%s' "$exp1" |
    sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\).*/\1-\2-\3T\4:\5:\6Z/')
check_match "invite mail: states the stored expiry" \
    "expires at $exp1_iso \\(UTC\\)" "$(cat "$M1")"
e1=$(gentime_epoch "$exp1")
t1=$(date -u +%s)
check "invite: expiry is now + 24 h (server-stamped)" \
    test "$e1" -ge $((t0 + 86400 - 5)) -a "$e1" -le $((t1 + 86400 + 5))
check_eq "invite: status invited" invited "$(admin_attr "$IVY" dwAccountStatus)"
check_eq "invite: role support" support "$(admin_attr "$IVY" dwRole)"
check_eq "invite: no password" "" "$(admin_attr "$IVY" userPassword)"
check_eq "invite: dwInvitedBy is the actor" "$BOSS_DN" \
    "$(admin_attr "$IVY" dwInvitedBy)"
check_eq "invite: the token itself is not stored" "" \
    "$(admin_attr "$IVY" dwInviteToken)"
check_eq "invite: stored hash = BLAKE2b-256 of the token" \
    "$(printf '%s' "$TOK1" | b2sum -l 256 | cut -d' ' -f1)" \
    "$(admin_attr "$IVY" dwInviteTokenHash)"
check_eq "invite: audited (actor, target, success)" 1 \
    "$(audit_n "(&(dwAuditAction=invite)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$IVY_DN)(dwAuditResult=0))")"

# A second invite for the same address (another spelling) is refused.
as "$BOSS" "$PW_BOSS" user invite IVY@dramwell.ai --role finance \
    >"$T/dup.out" 2>"$T/dup.err"
check_eq "duplicate invite: exit 1" 1 "$?"
check "duplicate invite: one error line" one_line "$T/dup.err"
check_match "duplicate invite: clear reason" 'already exists or is invited' \
    "$(cat "$T/dup.err")"
check_eq "duplicate invite: no mail" 1 "$(mails)"
check_eq "duplicate invite: role unchanged" support "$(admin_attr "$IVY" dwRole)"
as "$BOSS" "$PW_BOSS" user invite nobody@dramwell.ai --role no-such-role \
    >/dev/null 2>"$T/norole.err"
check_eq "invite with an unknown role: exit 1" 1 "$?"
check_match "invite with an unknown role: says so" \
    '^dwadm: no such role: no-such-role' "$(cat "$T/norole.err")"
as "$BOSS" "$PW_BOSS" user invite 'not an address' --role support \
    >/dev/null 2>"$T/bad.err"
check_eq "invite with a bad address: usage error" 2 "$?"
check "invite with a bad address: one error line" one_line "$T/bad.err"

# --print-link prints instead of mailing.
as "$BOSS" "$PW_BOSS" user invite carl@dramwell.ai --role operations \
    --print-link >"$T/pl.out" 2>"$T/pl.err"
check_eq "--print-link: exit 0" 0 "$?"
check_eq "--print-link: no mail" 1 "$(mails)"
check_eq "--print-link: stdout is the link alone" 1 "$(wc -l <"$T/pl.out")"
LINKC=$(cat "$T/pl.out")
TOKC=$(token_of "$LINKC")
check_match "--print-link: a link with a token" \
    "^$PORTAL_URL/invite/accept\\?token=[A-Za-z0-9_-]{43}\$" "$LINKC"
check "--print-link: a different token" test "$TOKC" != "$TOK1"
check_eq "--print-link: stored hash matches" \
    "$(printf '%s' "$TOKC" | b2sum -l 256 | cut -d' ' -f1)" \
    "$(admin_attr carl@dramwell.ai dwInviteTokenHash)"

# ------------------------------------------------------- pending, expiry
as "$BOSS" "$PW_BOSS" user invite old@dramwell.ai --role finance \
    --print-link >"$T/old.out" 2>/dev/null
TOKO=$(token_of "$(cat "$T/old.out")")
# Move old's expiry into the past without waiting: stop slapd, rewrite the
# stored value offline (slapmodify: no overlay, no client), start again.
dw_stop
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteExpires\ndwInviteExpires: 20200101000000Z\n-\n' \
    "$OLD_DN" >"$T/expire.ldif"
check "expiry moved into the past offline" \
    slapmodify -q -f "$T/srv/slapd.conf" -b "$B" -l "$T/expire.ldif"
dw_start
lc_conf

as "$BOSS" "$PW_BOSS" user list --pending >"$T/pend.out" 2>"$T/pend.err"
check_eq "list --pending: exit 0" 0 "$?"
check_match "list --pending: header" \
    '^EMAIL +ROLE +INVITED BY +EXPIRES +EXPIRED$' "$(head -n 1 "$T/pend.out")"
check_eq "list --pending: the three invitations, sorted" \
    "carl@dramwell.ai ivy@dramwell.ai old@dramwell.ai" \
    "$(sed 1d "$T/pend.out" | awk '{ print $1 }' | paste -sd' ')"
check_match "list --pending: ivy, by boss, not expired" \
    "^ivy@dramwell\\.ai +support +$BOSS +$exp1_iso +no\$" \
    "$(grep '^ivy@' "$T/pend.out")"
check_match "list --pending: old has expired" \
    '^old@dramwell\.ai +finance +boss@dramwell\.ai +2020-01-01T00:00:00Z +yes$' \
    "$(grep '^old@' "$T/pend.out")"
check_eq "list --pending: active accounts are not listed" "" \
    "$(grep '^boss@' "$T/pend.out")"
as "$BOSS" "$PW_BOSS" user list --pending --json >"$T/pend.json"
check "list --pending --json: valid JSON with expired flags" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
d = {r["email"]: r for r in v}
assert d["old@dramwell.ai"]["expired"] is True
assert d["ivy@dramwell.ai"]["expired"] is False
assert d["ivy@dramwell.ai"]["invited_by"] == "boss@dramwell.ai"
' "$T/pend.json"

accept "$TOKO" "$PW_IVY" >"$T/acc.out" 2>"$T/acc.err"
check_eq "accept after the expiry: exit 1" 1 "$?"
check_eq "accept after the expiry: the generic error" \
    "dwadm: invalid or expired invitation" "$(cat "$T/acc.err")"
check_eq "accept after the expiry: still invited" invited \
    "$(admin_attr old@dramwell.ai dwAccountStatus)"
check_match "accept after the expiry: audited as expired" 'expired' \
    "$(audit_details "(&(dwAuditAction=accept-invite)(dwAuditTarget=$OLD_DN)(dwAuditResult=49))")"

# ---------------------------------------------------------------- resend
as "$BOSS" "$PW_BOSS" user resend-invite ivy@dramwell.ai >"$T/rs.out" 2>&1
check_eq "resend: exit 0" 0 "$?"
check_eq "resend: a second mail" 2 "$(mails)"
LINK2=$(link_of "$(mail_file 2)")
TOK2=$(token_of "$LINK2")
check_match "resend: a link" "token=[A-Za-z0-9_-]{43}\$" "$LINK2"
check "resend: a new token" test "$TOK2" != "$TOK1"
check_eq "resend: the stored hash is the new token's" \
    "$(printf '%s' "$TOK2" | b2sum -l 256 | cut -d' ' -f1)" \
    "$(admin_attr "$IVY" dwInviteTokenHash)"
check_eq "resend: audited" 1 \
    "$(audit_n "(&(dwAuditAction=resend-invite)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$IVY_DN)(dwAuditResult=0))")"
accept "$TOK1" "$PW_IVY" >"$T/acc.out" 2>"$T/acc.err"
check_eq "resend: the first token fails" 1 "$?"
check_eq "resend: the first token gets the generic error" \
    "dwadm: invalid or expired invitation" "$(cat "$T/acc.err")"
as "$BOSS" "$PW_BOSS" user resend-invite boss@dramwell.ai >/dev/null \
    2>"$T/rsb.err"
check_eq "resend to an active account: refused" 1 "$?"
check_match "resend to an active account: not a pending invitation" \
    '^dwadm: .*not a pending invitation' "$(cat "$T/rsb.err")"

# ---------------------------------------------------------------- revoke
as "$BOSS" "$PW_BOSS" user revoke-invite carl@dramwell.ai >"$T/rv.out" 2>&1
check_eq "revoke: exit 0" 0 "$?"
check_eq "revoke: the entry is gone" "" \
    "$(root_search -b "ou=admins,$B" '(uid=carl@dramwell.ai)' dn)"
check_eq "revoke: audited" 1 \
    "$(audit_n "(&(dwAuditAction=revoke-invite)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$CARL_DN)(dwAuditResult=0))")"
accept "$LINKC" "$PW_IVY" >/dev/null 2>"$T/acc.err"
check_eq "revoked token: the generic error" \
    "dwadm: invalid or expired invitation" "$(cat "$T/acc.err")"
as "$BOSS" "$PW_BOSS" user revoke-invite boss@dramwell.ai >/dev/null \
    2>"$T/rvb.err"
check_eq "revoke of an active account: refused" 1 "$?"
check_eq "revoke of an active account: still there" active \
    "$(admin_attr "$BOSS" dwAccountStatus)"

# ---------------------------------------------------------------- accept
accept "$TOK2" "$WEAK" >/dev/null 2>"$T/weak.err"
check_eq "accept with a weak password: exit 1" 1 "$?"
check "accept with a weak password: one error line" one_line "$T/weak.err"
check_match "accept with a weak password: names the policy" \
    'password refused by the security policy' "$(cat "$T/weak.err")"
check_eq "accept with a weak password: still invited" invited \
    "$(admin_attr "$IVY" dwAccountStatus)"
check_match "accept with a weak password: audited" 'weak password' \
    "$(audit_details "(&(dwAuditAction=accept-invite)(dwAuditTarget=$IVY_DN)(dwAuditResult=19))")"
# The link itself, pasted whole, works as the token.
accept "$LINK2" "$PW_IVY" >"$T/ok.out" 2>"$T/ok.err"
check_eq "accept: exit 0" 0 "$?"
check_eq "accept: nothing on stderr" "" "$(cat "$T/ok.err")"
check_eq "accept: active" active "$(admin_attr "$IVY" dwAccountStatus)"
check_eq "accept: token hash destroyed" "" "$(admin_attr "$IVY" dwInviteTokenHash)"
check_eq "accept: expiry removed" "" "$(admin_attr "$IVY" dwInviteExpires)"
check_match "accept: password stored hashed" '^\{ARGON2\}\$argon2id\$' \
    "$(root_search -o ldif-wrap=no -b "$IVY_DN" -s base userPassword |
    sed -n 's/^userPassword:: //p' | base64 -d)"
check_match "accept: password change stamped" '^[0-9]{14}' \
    "$(admin_attr "$IVY" dwPasswordChangedTime)"
check_eq "accept: audited" 1 \
    "$(audit_n "(&(dwAuditAction=accept-invite)(dwAuditTarget=$IVY_DN)(dwAuditResult=0))")"
accept "$TOK2" "$PW_IVY" >/dev/null 2>"$T/again.err"
check_eq "accept twice: exit 1" 1 "$?"
check_eq "accept twice: the one generic error" \
    "dwadm: invalid or expired invitation" "$(cat "$T/again.err")"
accept "$(printf 'A%.0s' $(seq 43))" "$PW_IVY" >/dev/null 2>"$T/unk.err"
check_eq "unknown token: the same generic error" \
    "dwadm: invalid or expired invitation" "$(cat "$T/unk.err")"
check_eq "unknown, resent, revoked, used tokens: audited as unknown token" 4 \
    "$(audit_details "(&(dwAuditAction=accept-invite)(dwAuditResult=49))" |
    grep -c 'unknown token')"

# PAM login with the new password, the module reading the shared file
# (it holds sendmail and portal-url too).
drive dwl "$IVY" "$PW_IVY" -e authenticate acct_mgmt
check_eq "PAM after accept: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "PAM after accept: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_match "PAM after accept: role exported" '^env DRAMWELL_ROLE=support$' \
    "$DRIVE_OUT"
check "PAM: the shared config file is accepted" test -z \
    "$(grep -i 'unknown key' "$T/drive.err")"

# ------------------------------------------------- Support user refused
as "$IVY" "$PW_IVY" user invite zed@dramwell.ai --role support \
    --print-link >"$T/s1.out" 2>"$T/s1.err"
check_eq "support: invite refused" 1 "$?"
check "support: invite refusal is one line" one_line "$T/s1.err"
check_match "support: insufficient access" 'insufficient access' \
    "$(cat "$T/s1.err")"
check_eq "support: no entry created" "" \
    "$(root_search -b "ou=admins,$B" '(uid=zed@dramwell.ai)' dn)"
as "$IVY" "$PW_IVY" user set-role "$BOSS" operations >/dev/null 2>"$T/s2.err"
check_eq "support: set-role refused" 1 "$?"
as "$IVY" "$PW_IVY" user deactivate "$BOSS" >/dev/null 2>"$T/s3.err"
check_eq "support: deactivate refused" 1 "$?"
printf '%s' "$PW_IVY" >"$T/ivy.pw"
printf 'dn: %s\nchangetype: modify\nreplace: dwRole\ndwRole: support\n-\n' \
    "$BOSS_DN" >"$T/demote.ldif"
ldapmodify -x -H "$DW_URI" -D "$IVY_DN" -y "$T/ivy.pw" -f "$T/demote.ldif" \
    >"$T/s4.out" 2>&1
check_eq "support: ldapmodify of another user's role refused (50)" 50 "$?"
check_eq "support: boss still super-admin" super-admin \
    "$(admin_attr "$BOSS" dwRole)"
check "support: refusals audited with actor, target and reason" test \
    "$(audit_count "(&(dwAuditActor=$IVY_DN)(dwAuditTarget=$BOSS_DN)(dwAuditResult=50)(dwAuditDetail=*))")" -ge 3
check_eq "support: both refused role changes audited as set-role" 2 \
    "$(audit_n "(&(dwAuditAction=set-role)(dwAuditActor=$IVY_DN)(dwAuditTarget=$BOSS_DN)(dwAuditResult=50))")"

# ----------------------------------------------- set-role, authz, PAM
as_root authz check "$IVY" customers read >"$T/az.out"
check_eq "authz: support may read customers (exit 0)" "0 allow" \
    "$? $(cat "$T/az.out")"
as_root authz check "$IVY" telephony write >"$T/az.out"
check_eq "authz: support may not write telephony (exit 1)" "1 deny" \
    "$? $(cat "$T/az.out")"
as "$BOSS" "$PW_BOSS" user set-role "$IVY" operations >"$T/sr.out" 2>&1
check_eq "set-role: exit 0" 0 "$?"
check_eq "set-role: says old -> new" "$IVY: role support -> operations" \
    "$(cat "$T/sr.out")"
as "$BOSS" "$PW_BOSS" authz check "$IVY" telephony write >"$T/az.out"
check_eq "authz right after set-role: telephony write allowed" "0 allow" \
    "$? $(cat "$T/az.out")"
as "$BOSS" "$PW_BOSS" authz check "$IVY" customers read >"$T/az.out"
check_eq "authz right after set-role: customers read denied" "1 deny" \
    "$? $(cat "$T/az.out")"
drive dwl "$IVY" "$PW_IVY" -e authenticate acct_mgmt
check_match "PAM acct_mgmt right after set-role: new role" \
    '^env DRAMWELL_ROLE=operations$' "$DRIVE_OUT"
check_eq "set-role: audited with old -> new" 1 \
    "$(audit_n "(&(dwAuditAction=set-role)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$IVY_DN)(dwAuditResult=0)(dwAuditDetail=role: support -> operations))")"

# ------------------------------------------- deactivate and reactivate
root_add >/dev/null <<EOL
dn: dwSessionId=s-ivy-1,ou=sessions,$B
objectClass: dwSession
dwSessionId: s-ivy-1
dwSessionUser: $IVY_DN

dn: dwSessionId=s-boss-1,ou=sessions,$B
objectClass: dwSession
dwSessionId: s-boss-1
dwSessionUser: $BOSS_DN
EOL
check_eq "sessions seeded" 2 \
    "$(root_search -b "ou=sessions,$B" '(objectClass=dwSession)' dn | grep -c '^dn:')"
as "$BOSS" "$PW_BOSS" user deactivate "$IVY" >"$T/de.out" 2>&1
check_eq "deactivate: exit 0" 0 "$?"
check_eq "deactivate: status" deactivated "$(admin_attr "$IVY" dwAccountStatus)"
check_eq "deactivate: ivy's session removed" "" \
    "$(root_search -b "ou=sessions,$B" "(dwSessionUser=$IVY_DN)" dn)"
check_eq "deactivate: other sessions kept" 1 \
    "$(root_search -b "ou=sessions,$B" "(dwSessionUser=$BOSS_DN)" dn | grep -c '^dn:')"
drive dwl "$IVY" "$PW_IVY" authenticate
check_eq "deactivated: PAM login refused" PAM_AUTH_ERR "$DRIVE_authenticate"
ldapwhoami -x -H "$DW_URI" -D "$IVY_DN" -y "$T/ivy.pw" >/dev/null 2>&1
check_eq "deactivated: bind refused (49)" 49 "$?"
as_root authz check "$IVY" telephony write >"$T/az.out"
check_eq "deactivated: authz denies" "1 deny" "$? $(cat "$T/az.out")"
check_eq "deactivate: audited" 1 \
    "$(audit_n "(&(dwAuditAction=deactivate)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$IVY_DN)(dwAuditResult=0))")"
check "deactivate: ivy's audit entries kept" test \
    "$(audit_count "(dwAuditTarget=$IVY_DN)")" -ge 5
as "$BOSS" "$PW_BOSS" user deactivate "$IVY" >/dev/null 2>"$T/de2.err"
check_eq "deactivate twice: refused" 1 "$?"
check_match "deactivate twice: says so" 'already deactivated' \
    "$(cat "$T/de2.err")"

as "$BOSS" "$PW_BOSS" user reactivate "$IVY" >"$T/re.out" 2>&1
check_eq "reactivate: exit 0" 0 "$?"
check_eq "reactivate: active" active "$(admin_attr "$IVY" dwAccountStatus)"
drive dwl "$IVY" "$PW_IVY" authenticate acct_mgmt
check_eq "reactivated: PAM login works" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "reactivated: old sessions stay gone" "" \
    "$(root_search -b "ou=sessions,$B" "(dwSessionUser=$IVY_DN)" dn)"
check_eq "reactivate: audited" 1 \
    "$(audit_n "(&(dwAuditAction=reactivate)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$IVY_DN)(dwAuditResult=0))")"

# Root (local maintenance) bypasses the role checks.
as "$BOSS" "$PW_BOSS" user deactivate "$IVY" >/dev/null 2>&1
as_root user reactivate "$IVY" >/dev/null 2>&1
check_eq "root may reactivate" active "$(admin_attr "$IVY" dwAccountStatus)"

# ------------------------------------------- the last Super Admin
as "$BOSS" "$PW_BOSS" user deactivate "$BOSS" >/dev/null 2>"$T/ls1.err"
check_eq "self-deactivation refused" 1 "$?"
check "self-deactivation: one line" one_line "$T/ls1.err"
as_root user deactivate "$BOSS" >/dev/null 2>"$T/ls2.err"
check_eq "last Super Admin: root cannot deactivate" 1 "$?"
check_match "last Super Admin: reason given" 'last' "$(cat "$T/ls2.err")"
as_root user set-role "$BOSS" operations >/dev/null 2>"$T/ls3.err"
check_eq "last Super Admin: root cannot demote" 1 "$?"
as "$BOSS" "$PW_BOSS" user set-role "$BOSS" operations >/dev/null 2>&1
check_eq "self-demotion refused" 1 "$?"
check_eq "last Super Admin: still active super-admin" "active super-admin" \
    "$(admin_attr "$BOSS" dwAccountStatus) $(admin_attr "$BOSS" dwRole)"
check "last Super Admin: refusals audited" test \
    "$(audit_count "(&(dwAuditActor=$DW_ROOTDN)(dwAuditTarget=$BOSS_DN)(!(dwAuditResult=0))(dwAuditDetail=*))")" -ge 2
check "self-refusals audited" test \
    "$(audit_count "(&(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BOSS_DN)(!(dwAuditResult=0))(dwAuditDetail=*))")" -ge 2
# With a second Super Admin, boss may be demoted by it; then ivy is the
# last one and is protected in turn.
as "$BOSS" "$PW_BOSS" user set-role "$IVY" super-admin >/dev/null 2>&1
check_eq "second Super Admin" super-admin "$(admin_attr "$IVY" dwRole)"
as "$IVY" "$PW_IVY" user set-role "$BOSS" operations >/dev/null 2>&1
check_eq "not the last: demotion allowed" operations "$(admin_attr "$BOSS" dwRole)"
check_eq "demotion audited" 1 \
    "$(audit_n "(&(dwAuditAction=set-role)(dwAuditActor=$IVY_DN)(dwAuditTarget=$BOSS_DN)(dwAuditResult=0)(dwAuditDetail=role: super-admin -> operations))")"
as_root user deactivate "$IVY" >/dev/null 2>&1
check_eq "the new last Super Admin is protected" active \
    "$(admin_attr "$IVY" dwAccountStatus)"

# --------------------------------------- no secret in the audit or log
audit_dump >"$T/audit.txt"
check "audit dump is not empty" test -s "$T/audit.txt"
n=0
for s in "$TOK1" "$TOK2" "$TOKC" "$TOKO" "$PW_IVY" "$PW_BOSS" "$WEAK"; do
	n=$((n + 1))
	no_secret "$T/audit.txt" "$s" "no token or password in ou=audit ($n)"
	no_secret "$T/srv/slapd.log" "$s" "no token or password in slapd.log ($n)"
done

dw_done
