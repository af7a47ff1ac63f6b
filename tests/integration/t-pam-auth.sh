#!/bin/sh
# pam_dramwell against a real directory: password login, wrong and empty
# passwords, filter injection in the user name, account states, the role
# and permission export, the conversation (always the password and the
# verification code prompts) and its codes; with pamdrive
# (pam_start_confdir) and pamtester (/etc/pam.d).
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
alice_dn=uid=alice@dramwell.ai,ou=admins,$DW_BASE
alice_ok="(dwAuditTarget=$alice_dn)(dwAuditResult=0)"
alice_bad="(dwAuditTarget=$alice_dn)(dwAuditResult=49)"
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5

# --- correct password: authenticate and account succeed
u0=$(user_bind_count)
ok0=$(audit_binds "$alice_ok")
drive dw alice@dramwell.ai "$PW_ALICE" -e -U authenticate acct_mgmt
check_eq "correct password: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "correct password: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "correct password: two prompts" 2 "$DRIVE_PROMPTS"
check_eq "correct password: password, then code" "$SEQ_LOGIN" "$DRIVE_SEQ"
check_eq "both prompts are echo off" 2 \
    "$(grep -c '^prompt echo_off ' "$T/drive.out")"
check_match "acct_mgmt exports the role" '^env DRAMWELL_ROLE=super-admin$' \
    "$DRIVE_OUT"
check_match "acct_mgmt exports the permissions" \
    '^env DRAMWELL_PERMISSIONS=command-center:write,.*,audit-log:write,pii,destructive$' \
    "$DRIVE_OUT"
check_eq "correct password: one user bind" $((u0 + 1)) "$(user_bind_count)"
check_match "PAM_USER is the account name" '^user alice@dramwell.ai$' \
    "$DRIVE_OUT"
check_eq "correct password: audited as a successful bind of alice" \
    $((ok0 + 1)) "$(audit_wait $((ok0 + 1)) "$alice_ok")"

# The name is normalised: another spelling is the same account, and the
# application sees the canonical name.
drive dw ' Alice@DramWell.AI' "$PW_ALICE" authenticate
check_eq "a name with a blank is not an address" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
drive dw 'Alice@DramWell.AI' "$PW_ALICE" -U authenticate
check_eq "upper-case spelling: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_match "upper-case spelling: PAM_USER canonical" \
    '^user alice@dramwell.ai$' "$DRIVE_OUT"

# --- wrong password
u0=$(user_bind_count)
bad0=$(audit_binds "$alice_bad")
drive dw alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "wrong password: audited as invalidCredentials" $((bad0 + 1)) \
    "$(audit_wait $((bad0 + 1)) "$alice_bad")"
check_eq "wrong password: PAM_AUTH_ERR" PAM_AUTH_ERR "$DRIVE_authenticate"
check_eq "wrong password: the bind was tried" $((u0 + 1)) "$(user_bind_count)"
wrong_prompts=$DRIVE_PROMPTS
check_eq "wrong password: two prompts" 2 "$wrong_prompts"
check_eq "wrong password: the same prompts in order" "$SEQ_LOGIN" \
    "$DRIVE_SEQ"

# --- unknown (well-formed) user: same prompts, same failure; the attempt
# is a bind to the name's DN, which the overlay refuses, records ("unknown
# entry") and counts against the client address (its throttle).  Only a
# name of the admin address form gets this far.
au0=$(audit_binds)
u0=$(user_bind_count)
b0=$(bind_count)
drive dw bob@dramwell.ai "$PW_ALICE" authenticate
check_eq "unknown user: PAM_AUTH_ERR (never USER_UNKNOWN)" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
check_eq "unknown user: same prompts as a wrong password" "$wrong_prompts" \
    "$DRIVE_PROMPTS"
check_eq "unknown user: same prompt texts" "$SEQ_LOGIN" "$DRIVE_SEQ"
check_eq "unknown user: one user bind, to the name's DN" $((u0 + 1)) \
    "$(user_bind_count)"
check_eq "unknown user: the service bind and that one" $((b0 + 2)) \
    "$(bind_count)"
check_eq "unknown user: two audited binds" \
    $((au0 + 2)) "$(audit_wait $((au0 + 2)))"
check_eq "unknown user: the attempt on the record, refused as unknown" 1 \
    "$(audit_binds '(&(dwAuditActor=uid=bob@dramwell.ai,ou=admins,*)(dwAuditResult=49)(dwAuditDetail=unknown entry))')"
drive dw bob@dramwell.ai "$PW_ALICE" acct_mgmt
check_eq "unknown user: acct_mgmt PAM_PERM_DENIED" PAM_PERM_DENIED \
    "$DRIVE_acct_mgmt"

# --- empty password: refused before any connection or bind
au0=$(audit_binds)
b0=$(bind_count)
a0=$(accept_count)
drive dw alice@dramwell.ai '' authenticate
check_eq "empty password: PAM_AUTH_ERR" PAM_AUTH_ERR "$DRIVE_authenticate"
check_eq "empty password: still both prompts" 2 "$DRIVE_PROMPTS"
check_eq "empty password: no bind reached slapd" "$b0" "$(bind_count)"
check_eq "empty password: no connection either" "$a0" "$(accept_count)"
# A control login after it (two binds: service, user) must be all the
# audit log gained.
drive dw alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "empty password: no audited bind (only the control's two)" \
    $((au0 + 2)) "$(audit_wait $((au0 + 2)))"

# --- filter injection in the user name: never authenticates, no lookup
au0=$(audit_binds)
for name in '*' 'adm*' 'a*)(uid=*' 'x)(|(uid=*' '*@dramwell.ai' \
    'alice@dramwell.ai)(uid=*' 'alice@dramwell.ai*'; do
	for pw in "$PW_ALICE" "$PW_WRONG"; do
		b0=$(bind_count)
		a0=$(accept_count)
		drive dw "$name" "$pw" authenticate
		check_eq "name '$name': PAM_AUTH_ERR" PAM_AUTH_ERR \
		    "$DRIVE_authenticate"
		check_eq "name '$name': same prompts" "$wrong_prompts" \
		    "$DRIVE_PROMPTS"
		check_eq "name '$name': no bind" "$b0" "$(bind_count)"
		check_eq "name '$name': no connection" "$a0" "$(accept_count)"
	done
	drive dw "$name" '' acct_mgmt
	check_eq "name '$name': acct_mgmt PAM_PERM_DENIED" PAM_PERM_DENIED \
	    "$DRIVE_acct_mgmt"
done
drive dw alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "injected names: no audited bind (only the control's two)" \
    $((au0 + 2)) "$(audit_wait $((au0 + 2)))"

# --- invited and deactivated accounts cannot log in
for who in ivy:"$PW_IVY":invited dan:"$PW_DAN":deactivated; do
	user=${who%%:*}@dramwell.ai
	rest=${who#*:}
	pw=${rest%:*}
	state=${rest##*:}
	f="(dwAuditTarget=uid=$user,ou=admins,$DW_BASE)(dwAuditResult=49)"
	r0=$(audit_binds "$f")
	drive dw "$user" "$pw" authenticate
	check_eq "$state account: authenticate refused" PAM_AUTH_ERR \
	    "$DRIVE_authenticate"
	check_eq "$state account: the refused bind was audited" $((r0 + 1)) \
	    "$(audit_wait $((r0 + 1)) "$f")"
	drive dw "$user" "$pw" -e acct_mgmt
	check_eq "$state account: acct_mgmt refused" PAM_PERM_DENIED \
	    "$DRIVE_acct_mgmt"
	check_fail "$state account: no role exported" \
	    grep -q DRAMWELL_ROLE "$T/drive.out"
done

# --- acct_mgmt reads the directory on every call (no cache)
drive dw dev@dramwell.ai "$PW_DEV" -e authenticate acct_mgmt
check_eq "developer: login" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_match "developer: role exported" '^env DRAMWELL_ROLE=developer$' \
    "$DRIVE_OUT"
root_modify >/dev/null <<EOF
dn: uid=dev@dramwell.ai,ou=admins,$DW_BASE
changetype: modify
replace: dwRole
dwRole: support
EOF
drive dw dev@dramwell.ai "" -e acct_mgmt
check_match "role change seen at once" '^env DRAMWELL_ROLE=support$' \
    "$DRIVE_OUT"
check_match "permissions change with the role" \
    '^env DRAMWELL_PERMISSIONS=logs:read,customers:read,customer-users:read$' \
    "$DRIVE_OUT"
root_modify >/dev/null <<EOF
dn: uid=dev@dramwell.ai,ou=admins,$DW_BASE
changetype: modify
replace: dwAccountStatus
dwAccountStatus: deactivated
EOF
drive dw dev@dramwell.ai "" -e acct_mgmt
check_eq "deactivation seen at once by acct_mgmt" PAM_PERM_DENIED \
    "$DRIVE_acct_mgmt"
check_fail "deactivated: no role exported" grep -q DRAMWELL_ROLE \
    "$T/drive.out"
check_fail "deactivated: no permissions exported" grep -q \
    DRAMWELL_PERMISSIONS "$T/drive.out"
drive dw dev@dramwell.ai "$PW_DEV" authenticate
check_eq "deactivation seen at once by authenticate" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
# A malformed role can no longer be stored: the overlay refuses a dwRole
# that names no role entry, for the rootdn too, and the account keeps its
# role.
root_modify >"$T/badrole.out" 2>&1 <<EOF
dn: uid=dev@dramwell.ai,ou=admins,$DW_BASE
changetype: modify
replace: dwAccountStatus
dwAccountStatus: active
-
replace: dwRole
dwRole: not a role!
EOF
check_match "malformed role: refused by the directory" \
    'Constraint violation \(19\)' "$(cat "$T/badrole.out")"
root_modify >/dev/null <<EOF
dn: uid=dev@dramwell.ai,ou=admins,$DW_BASE
changetype: modify
replace: dwAccountStatus
dwAccountStatus: active
EOF
drive dw dev@dramwell.ai "$PW_DEV" -e authenticate acct_mgmt
check_eq "malformed role refused: authenticate works" PAM_SUCCESS \
    "$DRIVE_authenticate"
check_match "malformed role refused: the old role stays" \
    '^env DRAMWELL_ROLE=support$' "$DRIVE_OUT"

# --- a code typed by a user without MFA is ignored; a malformed one is
# refused without a bind
DRIVE_CODE=123456
drive dw alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "no MFA: a typed code is ignored" PAM_SUCCESS "$DRIVE_authenticate"
u0=$(user_bind_count)
DRIVE_CODE='12345x'
drive dw alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "malformed code: PAM_AUTH_ERR" PAM_AUTH_ERR "$DRIVE_authenticate"
check_eq "malformed code: no user bind" "$u0" "$(user_bind_count)"
DRIVE_CODE=

# --- setcred, conversation codes
drive dw alice@dramwell.ai "$PW_ALICE" authenticate setcred
check_eq "setcred: PAM_SUCCESS" PAM_SUCCESS "$DRIVE_setcred"
drive dw alice@dramwell.ai "$PW_ALICE" -c again authenticate
check_eq "conversation PAM_CONV_AGAIN: PAM_INCOMPLETE" PAM_INCOMPLETE \
    "$DRIVE_authenticate"
drive dw alice@dramwell.ai "$PW_ALICE" -c error authenticate
check_eq "conversation error: PAM_CONV_ERR" PAM_CONV_ERR \
    "$DRIVE_authenticate"
# No -u: PAM asks for the name too (three prompts); answers from a file.
printf 'alice@dramwell.ai\n%s\n\n' "$PW_ALICE" >"$T/answers"
"$PAMDRIVE" -d "$T/pam.d" -s dw -a "$T/answers" authenticate \
    >"$T/drive.out" 2>&1
check_match "user name prompted: success" '^authenticate PAM_SUCCESS$' \
    "$(cat "$T/drive.out")"
check_match "user name prompted: three prompts" '^prompts 3$' \
    "$(cat "$T/drive.out")"

# --- the same with pamtester and a service file in /etc/pam.d
svc=dramwell-test-$$
dw_pam_service "$svc" "$(cat "$T/pam.d/dw")"
out=$(printf '%s\n\n' "$PW_ALICE" | pamtester "$svc" alice@dramwell.ai \
    authenticate acct_mgmt 2>&1)
check_eq "pamtester: correct password" 0 $?
check_match "pamtester: authenticated" 'successfully authenticated' "$out"
check_match "pamtester: account ok" 'account management done' "$out"
check_match "pamtester: asked for the code" 'Verification code: ' "$out"
out=$(printf '%s\n\n' "$PW_WRONG" | pamtester "$svc" alice@dramwell.ai \
    authenticate 2>&1)
check_eq "pamtester: wrong password fails" 1 $?
check_match "pamtester: wrong password is PAM_AUTH_ERR" \
    'Authentication failure' "$out"
b0=$(bind_count)
out=$(printf '\n\n' | pamtester "$svc" alice@dramwell.ai authenticate 2>&1)
check_eq "pamtester: empty password fails" 1 $?
check_match "pamtester: empty password is PAM_AUTH_ERR" \
    'Authentication failure' "$out"
check_eq "pamtester: empty password sent no bind" "$b0" "$(bind_count)"
for name in '*' 'adm*' 'a*)(uid=*' 'x)(|(uid=*'; do
	b0=$(bind_count)
	out=$(printf '%s\n\n' "$PW_ALICE" | pamtester "$svc" "$name" \
	    authenticate 2>&1)
	check_eq "pamtester: name '$name' fails" 1 $?
	check_match "pamtester: name '$name' is PAM_AUTH_ERR" \
	    'Authentication failure' "$out"
	check_eq "pamtester: name '$name' sent no bind" "$b0" "$(bind_count)"
done
out=$(printf '%s\n\n' "$PW_DAN" | pamtester "$svc" dan@dramwell.ai \
    authenticate 2>&1)
check_eq "pamtester: deactivated account fails" 1 $?
out=$(printf '%s\n\n' "$PW_IVY" | pamtester "$svc" ivy@dramwell.ai \
    acct_mgmt 2>&1)
check_eq "pamtester: invited account refused by acct_mgmt" 1 $?

dw_done
