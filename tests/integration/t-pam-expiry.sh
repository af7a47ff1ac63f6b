#!/bin/sh
# pam_dramwell and password rotation: with a maximum age in the policy, a
# password older than it makes acct_mgmt answer PAM_NEW_AUTHTOK_REQD (the
# boundary: exactly the maximum age is expired); authenticate still
# succeeds (the overlay restricts the connection to the password change)
# and chauthtok changes the password on that connection with the RFC 3062
# operation and the old password; a weak new password is refused with the
# overlay's rule shown to the user; the next login takes the new password.
# Without a kept connection chauthtok asks for the current password and a
# code and binds itself.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
alice_dn=uid=alice@dramwell.ai,ou=admins,$DW_BASE
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5
PW_NEW1='Vk3#pWz8-Rt6mQx'
PW_NEW2='Lq9@cVn4-Jh2sWd'
PW_NEW3='Dm8!zKr5-Xp3fTb'
SEQ_CHANGE='Current password: |New password: |Retype new password: |'

set_changed() {
	root_modify >"$T/changed.out" 2>&1 <<EOF
dn: $alice_dn
changetype: modify
replace: dwPasswordChangedTime
dwPasswordChangedTime: $1
EOF
}

# --- no maximum age: an old password is fine
set_changed 20200101000000Z
drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt
check_eq "no maximum age: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"

policy_set dwPasswordMaxAge 86400
set_changed "$(gentime -86000)"
drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt
check_eq "younger than the maximum age: acct_mgmt" PAM_SUCCESS \
    "$DRIVE_acct_mgmt"

# Exactly the maximum age is expired (the stored time is whole seconds:
# a change of second between the two commands only makes it older).
set_changed "$(gentime -86400)"
drive dw alice@dramwell.ai "$PW_ALICE" -e -k authenticate acct_mgmt
check_eq "expired: authenticate succeeds" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "expired: acct_mgmt PAM_NEW_AUTHTOK_REQD" PAM_NEW_AUTHTOK_REQD \
    "$DRIVE_acct_mgmt"
check_fail "expired: no role exported" grep -Eq "DRAMWELL_(ROLE|PERMISSIONS)" \
    "$T/drive.out"
drive dw alice@dramwell.ai "" -e acct_mgmt
check_eq "expired: acct_mgmt alone too" PAM_NEW_AUTHTOK_REQD \
    "$DRIVE_acct_mgmt"
root_modify >/dev/null <<EOF
dn: $alice_dn
changetype: modify
delete: dwPasswordChangedTime
EOF
drive dw alice@dramwell.ai "" acct_mgmt
check_eq "no change time with a maximum age: expired" PAM_NEW_AUTHTOK_REQD \
    "$DRIVE_acct_mgmt"
set_changed "$(gentime -90000)"

# --- one handle: login, told to change, weak passwords refused, change
# change_answers FILE NEW...: the login, then for each NEW one chauthtok
# (current password, NEW twice).
{
	printf '%s\n\n' "$PW_ALICE"
	for p in 'Ab1!xyz' 'alice-Kq7#vWm2zp' "$PW_ALICE" "$PW_NEW1"; do
		printf '%s\n%s\n%s\n' "$PW_ALICE" "$p" "$p"
	done
} >"$T/answers"
drive_file dw alice@dramwell.ai "$T/answers" -k -e authenticate acct_mgmt \
    chauthtok chauthtok chauthtok chauthtok acct_mgmt
check_eq "login with an expired password" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "the prompts: login, then current/new/retype each time" \
    "$SEQ_LOGIN$SEQ_CHANGE$SEQ_CHANGE$SEQ_CHANGE$SEQ_CHANGE" "$DRIVE_SEQ"
check_eq "three refused, one changed" \
    "PAM_AUTHTOK_ERR PAM_AUTHTOK_ERR PAM_AUTHTOK_ERR PAM_SUCCESS" \
    "$(sed -n 's/^chauthtok //p' "$T/drive.out" | tr '\n' ' ' | sed 's/ $//')"
check_match "too short: the rule shown" '^error password refused: .*short' \
    "$DRIVE_OUT"
check_match "the e-mail name: the rule shown" \
    '^error password refused: .*e-mail' "$DRIVE_OUT"
check_match "the current password again: the rule shown" \
    '^error password refused: .*(used|recent|history)' "$DRIVE_OUT"
check_eq "three refusals shown" 3 \
    "$(grep -c '^error password refused: ' "$T/drive.out")"
check_fail "no refusal text holds a password" grep -Eq \
    'Ab1!xyz|Kq7#vWm2zp|Qz7-kVm2' "$T/drive.out"
check_eq "after the change: acct_mgmt in the same handle" PAM_SUCCESS \
    "$(sed -n 's/^acct_mgmt //p' "$T/drive.out" | tail -n 1)"
check_match "after the change: role exported" '^env DRAMWELL_ROLE=super-admin$' \
    "$DRIVE_OUT"

drive dw alice@dramwell.ai "$PW_NEW1" -e authenticate acct_mgmt
check_eq "the new password logs in" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "the new password is not expired" PAM_SUCCESS "$DRIVE_acct_mgmt"
drive dw alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "the old password no longer works" PAM_AUTH_ERR "$DRIVE_authenticate"

# --- mistyped retype, wrong current password
set_changed "$(gentime -90000)"
printf '%s\n\n%s\n%s\n%s\n%s\n%s\n%s\n' "$PW_NEW1" \
    "$PW_NEW1" "$PW_NEW2" "$PW_NEW3" \
    "$PW_WRONG" "$PW_NEW2" "$PW_NEW2" >"$T/answers"
drive_file dw alice@dramwell.ai "$T/answers" -k authenticate chauthtok \
    chauthtok
check_eq "mismatch, then a wrong current password: both refused" \
    "PAM_AUTHTOK_ERR PAM_AUTHTOK_ERR" \
    "$(sed -n 's/^chauthtok //p' "$T/drive.out" | tr '\n' ' ' | sed 's/ $//')"
check_match "mismatch: said so" '^error Passwords do not match\.$' \
    "$DRIVE_OUT"
drive dw alice@dramwell.ai "$PW_NEW1" authenticate
check_eq "nothing changed: the password still works" PAM_SUCCESS \
    "$DRIVE_authenticate"

# --- chauthtok in a new handle: current password and a code, own bind
printf '%s\n\n%s\n%s\n' "$PW_NEW1" "$PW_NEW2" "$PW_NEW2" >"$T/answers"
drive_file dw alice@dramwell.ai "$T/answers" chauthtok
check_eq "new handle: chauthtok" PAM_SUCCESS "$DRIVE_chauthtok"
check_eq "new handle: current password, code, new twice" \
    "Current password: |Verification code: |New password: |Retype new password: |" \
    "$DRIVE_SEQ"
drive dw alice@dramwell.ai "$PW_NEW2" -e authenticate acct_mgmt
check_eq "new handle: the new password logs in" PAM_SUCCESS \
    "$DRIVE_authenticate"
check_eq "new handle: not expired any more" PAM_SUCCESS "$DRIVE_acct_mgmt"
printf '%s\n\n%s\n%s\n' "$PW_WRONG" "$PW_NEW3" "$PW_NEW3" >"$T/answers"
drive_file dw alice@dramwell.ai "$T/answers" chauthtok
check_eq "new handle, wrong current password: PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$DRIVE_chauthtok"
check_eq "new handle, wrong current password: not asked for a new one" \
    "Current password: |Verification code: |" "$DRIVE_SEQ"

# PAM_CHANGE_EXPIRED_AUTHTOK leaves a password that has not expired alone.
drive dw alice@dramwell.ai "" chauthtok_expired
check_eq "not expired, PAM_CHANGE_EXPIRED_AUTHTOK: success" PAM_SUCCESS \
    "$DRIVE_chauthtok_expired"
check_eq "not expired, PAM_CHANGE_EXPIRED_AUTHTOK: nothing asked" 0 \
    "$DRIVE_PROMPTS"

# --- pamtester: authenticate, acct_mgmt refuses, chauthtok changes it
set_changed "$(gentime -90000)"
svc=dramwell-test-$$
dw_pam_service "$svc" "$(cat "$T/pam.d/dw")"
out=$(printf '%s\n\n' "$PW_NEW2" | pamtester "$svc" alice@dramwell.ai \
    authenticate acct_mgmt 2>&1)
check_eq "pamtester: expired password refused by acct_mgmt" 1 $?
check_match "pamtester: new token required" \
    'new one required' "$out"
out=$(printf '%s\n\n%s\n%s\n' "$PW_NEW2" "$PW_NEW3" "$PW_NEW3" |
    pamtester "$svc" alice@dramwell.ai chauthtok 2>&1)
check_eq "pamtester: chauthtok" 0 $?
out=$(printf '%s\n\n' "$PW_NEW3" | pamtester "$svc" alice@dramwell.ai \
    authenticate acct_mgmt 2>&1)
check_eq "pamtester: the changed password logs in" 0 $?

# The audit log and slapd's log never hold a password.
root_search -b "ou=audit,$DW_BASE" >"$T/audit.ldif"
for p in "$PW_ALICE" "$PW_NEW1" "$PW_NEW2" "$PW_NEW3" 'Ab1!xyz'; do
	check_eq "audit log free of a password" 0 \
	    "$(grep -cF -- "$p" "$T/audit.ldif" || true)"
	check_eq "slapd log free of a password" 0 \
	    "$(grep -cF -- "$p" "$T/srv/slapd.log" || true)"
done

dw_done
