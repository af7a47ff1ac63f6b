#!/bin/sh
# pam_dramwell and TOTP MFA, end to end with oathtool as the independent
# code calculator: enrollment when the policy requires MFA (the otpauth://
# URI and the QR code shown, a code asked, dwMfaEnroll, the ten recovery
# codes shown once), then logins with the password and a code; replayed
# codes, a code of a step before the last accepted one, wrong and missing
# codes, an unknown user, a wrong password and a locked account all get
# the same two prompts and PAM_AUTH_ERR; recovery codes work once; no
# secret, code or password reaches the audit log or slapd's log.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
alice_dn=uid=alice@dramwell.ai,ou=admins,$DW_BASE
dev_dn=uid=dev@dramwell.ai,ou=admins,$DW_BASE
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5

# totp.sh MSGFILE OFFSET [LOG]: oathtool's code for the secret of the last
# otpauth:// URI in MSGFILE, at now + OFFSET seconds (also appended to LOG).
cat >"$T/totp.sh" <<'EOF'
secret=$(sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p' "$1" | tail -n 1)
[ -n "$secret" ] || exit 1
code=$(oathtool --totp -b -N "now + $2 seconds" "$secret") || exit 1
[ -z "${3:-}" ] || printf '%s\n' "$code" >>"$3"
printf '%s\n' "$code"
EOF
mfa_attr() {
	root_search -b "$1" -s base '(objectClass=*)' "$2" | sed -n "s/^$2: //p"
}

# --- lockout (no MFA yet): a locked account answers like a wrong password
policy_set dwLockoutThreshold 3
for i in 1 2 3; do
	drive dw dev@dramwell.ai "$PW_WRONG" authenticate
done
check_eq "three wrong passwords: PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
drive dw dev@dramwell.ai "$PW_DEV" authenticate
check_eq "locked: the right password is refused" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
check_eq "locked: the usual prompts" "$SEQ_LOGIN" "$DRIVE_SEQ"
check_eq "locked: no message" 0 "$DRIVE_MESSAGES"
check_match "locked: the audit says why" 'account locked' \
    "$(root_search -b "ou=audit,$DW_BASE" \
    "(&(dwAuditAction=bind)(dwAuditTarget=$dev_dn))" dwAuditDetail)"
root_modify >/dev/null <<EOF
dn: $dev_dn
changetype: modify
delete: dwLockout
EOF
drive dw dev@dramwell.ai "$PW_DEV" authenticate
check_eq "unlocked by the rootdn: the login works" PAM_SUCCESS \
    "$DRIVE_authenticate"
# The failures below would lock alice: lockout off from here on.
policy_set dwLockoutThreshold 0

# --- MFA required: a wrong password gets no enrollment, and no hint
policy_set dwMfaRequired TRUE
drive dw alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "MFA required, wrong password: PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
check_eq "MFA required, wrong password: the usual prompts" "$SEQ_LOGIN" \
    "$DRIVE_SEQ"
check_eq "MFA required, wrong password: no message" 0 "$DRIVE_MESSAGES"

# --- enrollment with a wrong code stores nothing
printf '%s\n\n!sh %s %s 0 | tr 0123456789 1234567890\n' "$PW_DEV" \
    "$T/totp.sh" "$T/devmsgs" >"$T/answers"
drive_file dw dev@dramwell.ai "$T/answers" -m "$T/devmsgs" authenticate
check_eq "enrollment, wrong code: PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
check_eq "enrollment, wrong code: three prompts" \
    "Password: |Verification code: |Verification code: |" "$DRIVE_SEQ"
check_match "enrollment, wrong code: said so" '^error MFA enrollment failed\.$' \
    "$DRIVE_OUT"
check_fail "enrollment, wrong code: no recovery codes shown" \
    grep -Eq '^info +[a-z2-7]{5}-[a-z2-7]{5}$' "$T/drive.out"
check_eq "enrollment, wrong code: MFA not enabled" "" \
    "$(mfa_attr "$dev_dn" dwMfaEnabled | grep TRUE)"

# --- enrollment end to end
printf '%s\n\n!sh %s %s 0 %s\n' "$PW_ALICE" "$T/totp.sh" "$T/msgs" \
    "$T/codes" >"$T/answers"
drive_file dw alice@dramwell.ai "$T/answers" -m "$T/msgs" -e \
    authenticate acct_mgmt
check_eq "enrollment: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "enrollment: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "enrollment: password, code, then the new code" \
    "Password: |Verification code: |Verification code: |" "$DRIVE_SEQ"
check_eq "enrollment: three messages (URI, QR, recovery codes)" 3 \
    "$DRIVE_MESSAGES"
uri=$(grep -o 'otpauth://[^ ]*' "$T/msgs" | tail -n 1)
check_match "the otpauth URI names the issuer and the account" \
    '^otpauth://totp/DramWell:alice%40dramwell\.ai\?secret=[A-Z2-7]{32}&issuer=DramWell' \
    "$uri"
check_match "a QR code drawn with half blocks" '^info .*[▀▄█]' "$DRIVE_OUT"
check "the QR code has at least 21 module rows (11 lines)" \
    test "$(grep -c '[▀▄█]' "$T/drive.out")" -ge 11
grep -Eo '^info +[a-z2-7]{5}-[a-z2-7]{5}$' "$T/drive.out" |
    awk '{ print $2 }' >"$T/recovery"
check_eq "ten recovery codes shown" 10 "$(wc -l <"$T/recovery")"
check_eq "the recovery codes differ" 10 "$(sort -u "$T/recovery" | wc -l)"
secret=$(printf '%s\n' "$uri" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
enroll_code=$(tail -n 1 "$T/codes")
check_match "oathtool computed the enrollment code" '^[0-9]{6}$' \
    "$enroll_code"
check_eq "MFA enabled" TRUE "$(mfa_attr "$alice_dn" dwMfaEnabled)"
stored=$(mfa_attr "$alice_dn" dwMfaSecret)
check_match "the secret is stored sealed" '^\{SB1\}' "$stored"
check_fail "the secret is not stored in the clear" \
    sh -c "printf '%s' '$stored' | grep -q '$secret'"

# --- logins after enrollment
DRIVE_CODE=$(oathtool --totp -b -N 'now + 30 seconds' "$secret")
fresh_code=$DRIVE_CODE
drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt
check_eq "a fresh oathtool code: authenticate" PAM_SUCCESS \
    "$DRIVE_authenticate"
check_eq "a fresh oathtool code: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "a fresh oathtool code: two prompts, no enrollment" "$SEQ_LOGIN" \
    "$DRIVE_SEQ"

# same_failure DESC USER PASSWORD CODE: PAM_AUTH_ERR, the usual prompts,
# no message.
same_failure() {
	DRIVE_CODE=$4
	drive dw "$2" "$3" authenticate
	check_eq "$1: PAM_AUTH_ERR" PAM_AUTH_ERR "$DRIVE_authenticate"
	check_eq "$1: the usual prompts" "$SEQ_LOGIN" "$DRIVE_SEQ"
	check_eq "$1: no message" 0 "$DRIVE_MESSAGES"
	DRIVE_CODE=
}
same_failure "the enrollment code replayed" alice@dramwell.ai "$PW_ALICE" \
    "$enroll_code"
same_failure "the login's code replayed" alice@dramwell.ai "$PW_ALICE" \
    "$fresh_code"
same_failure "the code of the step before the last accepted" \
    alice@dramwell.ai "$PW_ALICE" \
    "$(oathtool --totp -b -N 'now' "$secret")"
same_failure "a wrong code" alice@dramwell.ai "$PW_ALICE" \
    "$(printf '%s' "$fresh_code" | tr 0123456789 5678901234)"
same_failure "no code" alice@dramwell.ai "$PW_ALICE" ""
same_failure "a wrong password with a code" alice@dramwell.ai "$PW_WRONG" \
    "$(oathtool --totp -b -N 'now + 30 seconds' "$secret")"
same_failure "an unknown user" bob@dramwell.ai "$PW_ALICE" "$fresh_code"
same_failure "the code glued to the password" alice@dramwell.ai \
    "$PW_ALICE$fresh_code" ""

# The audit log says which factor failed; the client never learns it.
details=$(root_search -b "ou=audit,$DW_BASE" \
    "(&(dwAuditAction=bind)(dwAuditTarget=$alice_dn))" dwAuditDetail)
check_match "audit: a replayed code" 'replayed' "$details"
check_match "audit: a wrong code" 'wrong code' "$details"
check_match "audit: a missing code" 'code missing' "$details"

# --- recovery codes: each works once, in either case
rc1=$(sed -n 1p "$T/recovery")
rc2=$(sed -n 2p "$T/recovery")
DRIVE_CODE=$rc1
drive dw alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "a recovery code: login" PAM_SUCCESS "$DRIVE_authenticate"
same_failure "the same recovery code again" alice@dramwell.ai "$PW_ALICE" \
    "$rc1"
DRIVE_CODE=$(printf '%s' "$rc2" | tr a-z A-Z)
drive dw alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "a recovery code in upper case: login" PAM_SUCCESS \
    "$DRIVE_authenticate"
DRIVE_CODE=

# pamtester: the password and a recovery code on standard input
svc=dramwell-test-$$
dw_pam_service "$svc" "$(cat "$T/pam.d/dw")"
rc3=$(sed -n 3p "$T/recovery")
out=$(printf '%s\n%s\n' "$PW_ALICE" "$rc3" | pamtester "$svc" \
    alice@dramwell.ai authenticate acct_mgmt 2>&1)
check_eq "pamtester: password and recovery code" 0 $?
check_match "pamtester: asked for the code" 'Verification code: ' "$out"
out=$(printf '%s\n%s\n' "$PW_ALICE" "$rc3" | pamtester "$svc" \
    alice@dramwell.ai authenticate 2>&1)
check_eq "pamtester: the recovery code again fails" 1 $?
check_match "pamtester: PAM_AUTH_ERR" 'Authentication failure' "$out"

# --- no secret, code or password in the audit log or slapd's log
root_search -b "ou=audit,$DW_BASE" >"$T/audit.ldif"
for s in "$secret" "$enroll_code" "$fresh_code" "$rc1" "$rc2" "$rc3" \
    "$PW_ALICE"; do
	check_eq "audit log free of a secret" 0 \
	    "$(grep -cF -- "$s" "$T/audit.ldif" || true)"
	check_eq "slapd log free of a secret" 0 \
	    "$(grep -cF -- "$s" "$T/srv/slapd.log" || true)"
done

# --- MFA no longer required: alice still needs her code, dev none
policy_set dwMfaRequired FALSE
same_failure "MFA enabled, not required: no code" alice@dramwell.ai \
    "$PW_ALICE" ""
drive dw dev@dramwell.ai "$PW_DEV" authenticate
check_eq "not enrolled, not required: password alone" PAM_SUCCESS \
    "$DRIVE_authenticate"
check_eq "not enrolled, not required: the usual prompts" "$SEQ_LOGIN" \
    "$DRIVE_SEQ"

dw_done
