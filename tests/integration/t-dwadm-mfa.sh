#!/bin/sh
# dwadm mfa enroll|recovery-codes|reset and --mfa binds, end to end with
# oathtool as the independent code calculator: enrollment driven through
# standard input (the code computed from the URI dwadm prints), a wrong
# code or password changes nothing, the secret stored encrypted, ten
# recovery codes shown once and usable once, a replayed code refused,
# new recovery codes replace the old, reset by a Super Admin or root and
# refused for an operations admin, enrollment when MFA is required;
# everything audited, no secret, code or password in ou=audit or the log.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
ANN=ann@dramwell.ai
ANN_DN=uid=$ANN,ou=admins,$B
PW_ANN='Hv3$Qp8w-Mx2!Tk5r'
OTTO=otto@dramwell.ai
PW_OTTO='Gz6&Rc1m-Pw8!Fs3d'
ZED=zed@dramwell.ai
ZED_DN=uid=$ZED,ou=admins,$B
PW_ZED='Nb5*Jt9e-Xk4!Qv7h'
mk_admin "$ANN" support "$PW_ANN"
mk_admin "$OTTO" operations "$PW_OTTO"
mk_admin "$ZED" finance "$PW_ZED"

# mfa_as USER PW CODE ARGS...: dwadm --as USER --mfa, password and code
# on standard input.
mfa_as() {
	ma_u=$1 ma_p=$2 ma_c=$3
	shift 3
	printf '%s\n%s\n' "$ma_p" "$ma_c" | "$DWADM" -c "$T/dw.conf" \
	    --as "$ma_u" --mfa --password-stdin "$@"
}

# codes_of FILE: the recovery codes printed in FILE, one a line.
codes_of() {
	sed -n 's/^  \([a-z2-7]\{5\}-[a-z2-7]\{5\}\)$/\1/p' "$1"
}

# nvals DN ATTR: how many values ATTR has (as root).
nvals() {
	root_search -o ldif-wrap=no -b "$1" -s base '(objectClass=*)' "$2" |
	    grep -c "^$2:" || true
}

# ---------------------------------------------------------- the command line
for c in "mfa" "mfa enroll" "mfa recovery-codes" "mfa reset"; do
	# shellcheck disable=SC2086
	"$DWADM" $c --help >"$T/h.out" 2>"$T/h.err"
	check_eq "dwadm $c --help: exit 0, usage, no error" "0 usage: " \
	    "$? $(head -c 7 "$T/h.out")$(cat "$T/h.err")"
done
"$DWADM" -c "$T/dw.conf" mfa enroll </dev/null >/dev/null 2>"$T/e.err"
check_eq "mfa enroll without an address: exit 2" "2 1" \
    "$? $(wc -l <"$T/e.err")"
as_root mfa enroll "$ANN" </dev/null >/dev/null 2>"$T/e.err"
check_eq "mfa enroll as root: exit 2 (each admin enrolls themself)" 2 "$?"
"$DWADM" -c "$T/dw.conf" --as "$ANN" mfa enroll "$ZED" </dev/null \
    >/dev/null 2>&1
check_eq "mfa enroll of another admin than --as: exit 2" 2 "$?"
"$DWADM" -c "$T/dw.conf" --mfa user list </dev/null >/dev/null 2>&1
check_eq "--mfa without --as: exit 2" 2 "$?"
as_root mfa recovery-codes </dev/null >/dev/null 2>&1
check_eq "mfa recovery-codes as root: exit 2" 2 "$?"
as_root mfa reset >/dev/null 2>&1
check_eq "mfa reset without an address: exit 2" 2 "$?"
as_root mfa reset not-an-address >/dev/null 2>&1
check_eq "mfa reset of a bad address: exit 2" 2 "$?"

# ------------------------------------ enrollment that must change nothing
mfa_enroll "$ZED" "$PW_ZED" 000000
r=$?
check_eq "enroll with a wrong code: exit 1" 1 "$r"
check "... one error line" one_line "$T/enroll.err"
check_match "... says refused, not which factor" \
    'mfa enroll: refused: wrong password or code' "$(cat "$T/enroll.err")"
check_eq "... nothing stored" "0 0 0" \
    "$(nvals "$ZED_DN" dwMfaSecret) $(nvals "$ZED_DN" dwRecoveryCodeHash) $(admin_attr "$ZED" dwMfaEnabled | grep -c TRUE)"
cp "$T/enroll.err" "$T/wrongcode.err"
mfa_enroll "$ZED" 'Not-the-Password-42'
r=$?
check_eq "enroll with a wrong password: exit 1" 1 "$r"
check_eq "... the same message as a wrong code" \
    "$(cat "$T/wrongcode.err")" "$(cat "$T/enroll.err")"
check_eq "... nothing stored" "0 0" \
    "$(nvals "$ZED_DN" dwMfaSecret) $(nvals "$ZED_DN" dwRecoveryCodeHash)"

# ------------------------------------------------- enrollment, end to end
mfa_enroll "$ANN" "$PW_ANN"
r=$?
check_eq "enroll: exit 0, nothing on stderr" "0 " "$r $(cat "$T/enroll.err")"
SECRET1=$MFA_SECRET
check_match "enroll: a 160-bit base32 secret" '^[A-Z2-7]{32}$' "$SECRET1"
check_match "enroll: the otpauth URI names issuer and account" \
    '^otpauth://totp/DramWell:ann%40dramwell\.ai\?secret=[A-Z2-7]{32}&issuer=DramWell&algorithm=SHA1&digits=6&period=30$' \
    "$(grep '^otpauth://' "$T/enroll.out")"
check_eq "enroll: the key to type by hand, in groups of four" \
    "$SECRET1" "$(sed -n 's/^Key: //p' "$T/enroll.out" | tr -d ' ')"
check "enroll: a QR code is drawn (block characters)" \
    test "$(grep -c '[█▀▄]' "$T/enroll.out")" -ge 10
codes_of "$T/enroll.out" >"$T/codes1"
check_eq "enroll: ten recovery codes, all different" "10 10" \
    "$(wc -l <"$T/codes1") $(sort -u "$T/codes1" | wc -l)"
check_match "enroll: says MFA is on" "^MFA is on for $ANN\\.\$" \
    "$(grep '^MFA is on' "$T/enroll.out")"
check_eq "enroll: dwMfaEnabled TRUE" TRUE "$(admin_attr "$ANN" dwMfaEnabled)"
check_match "enroll: the secret stored sealed ({SB1})" '^\{SB1\}' \
    "$(admin_attr "$ANN" dwMfaSecret)"
no_secret "$T/srv/slapd.log" "$SECRET1" "enroll: no secret in slapd's log"
root_search -o ldif-wrap=no -b "$ANN_DN" -s base '(objectClass=*)' '*' \
    >"$T/ann.ldif"
no_secret "$T/ann.ldif" "$SECRET1" "enroll: the stored entry holds no plain secret"
check_eq "enroll: ten recovery code hashes stored" 10 \
    "$(nvals "$ANN_DN" dwRecoveryCodeHash)"
no_secret "$T/ann.ldif" "$(head -n 1 "$T/codes1")" \
    "enroll: no plain recovery code stored"
check_eq "enroll: audited" 1 \
    "$(audit_n "(&(dwAuditAction=mfa-enroll)(dwAuditTarget=$ANN_DN)(dwAuditResult=0))")"
as "$BOSS" "$PW_BOSS" user show "$ANN" >"$T/show.out" 2>&1
check_match "user show: mfa enabled" '^mfa enabled +: yes$' \
    "$(grep '^mfa enabled' "$T/show.out")"
mfa_enroll "$ANN" "$PW_ANN"
r=$?
check_eq "enroll when MFA is on already: exit 1" 1 "$r"
check_match "... the same secret kept" '^\{SB1\}' \
    "$(admin_attr "$ANN" dwMfaSecret)"
check_eq "... the secret not replaced" "$(sed -n 's/^dwMfaSecret: //p' "$T/ann.ldif")" \
    "$(admin_attr "$ANN" dwMfaSecret)"

# --------------------------------------------------------- binds with MFA
as "$ANN" "$PW_ANN" user show "$ANN" >/dev/null 2>"$T/e.err"
check_eq "the password alone no longer binds: exit 1" 1 "$?"
C1=$(totp "$SECRET1" 30)
mfa_as "$ANN" "$PW_ANN" "$C1" user show "$ANN" >"$T/b.out" 2>&1
check_eq "--mfa with the next oathtool code: exit 0" 0 "$?"
mfa_as "$ANN" "$PW_ANN" "$C1" user show "$ANN" >/dev/null 2>&1
check_eq "--mfa with the same code again (replay): exit 1" 1 "$?"
RC1=$(sed -n 1p "$T/codes1")
RC2=$(sed -n 2p "$T/codes1")
mfa_as "$ANN" "$PW_ANN" "$RC1" user show "$ANN" >/dev/null 2>&1
check_eq "--mfa with a recovery code: exit 0" 0 "$?"
mfa_as "$ANN" "$PW_ANN" "$RC1" user show "$ANN" >/dev/null 2>&1
check_eq "--mfa with the same recovery code again: exit 1" 1 "$?"
check_eq "the used recovery code is gone" 9 \
    "$(nvals "$ANN_DN" dwRecoveryCodeHash)"
printf '%s%s' "$PW_ANN" "$(printf '%s' "$RC2" | tr 'a-z' 'A-Z')" >"$T/ann.cred"
check_eq "ldapwhoami with password + upper-case recovery code" \
    "dn:$ANN_DN" "$(ldapwhoami -x -H "$DW_URI" -D "$ANN_DN" -y "$T/ann.cred" 2>&1)"
mfa_as "$ANN" "$PW_ANN" "12345" user show "$ANN" >/dev/null 2>"$T/e.err"
check_eq "--mfa with a malformed code: exit 1 before any bind" "1 1" \
    "$? $(wc -l <"$T/e.err")"
check_match "... says what a code looks like" 'not a verification code' \
    "$(cat "$T/e.err")"

# ------------------------------------------------------- recovery-codes
RC3=$(sed -n 3p "$T/codes1")
RC4=$(sed -n 4p "$T/codes1")
printf '%s\n%s\n' "$PW_ANN" "$RC3" | "$DWADM" -c "$T/dw.conf" --as "$ANN" \
    --password-stdin mfa recovery-codes >"$T/rc.out" 2>"$T/rc.err"
check_eq "recovery-codes: exit 0, nothing on stderr" "0 " \
    "$? $(cat "$T/rc.err")"
codes_of "$T/rc.out" >"$T/codes2"
check_eq "recovery-codes: ten new codes" "10 10" \
    "$(wc -l <"$T/codes2") $(sort -u "$T/codes2" | wc -l)"
check_eq "recovery-codes: none of the old ones" "" \
    "$(sort "$T/codes1" "$T/codes2" | uniq -d)"
check_eq "recovery-codes: ten hashes stored" 10 \
    "$(nvals "$ANN_DN" dwRecoveryCodeHash)"
mfa_as "$ANN" "$PW_ANN" "$RC4" user show "$ANN" >/dev/null 2>&1
check_eq "an old recovery code no longer works" 1 "$?"
mfa_as "$ANN" "$PW_ANN" "$(sed -n 1p "$T/codes2")" user show "$ANN" \
    >/dev/null 2>&1
check_eq "a new recovery code works" 0 "$?"
printf '%s\n%s\n' "$PW_ANN" "$(sed -n 2p "$T/codes2")" | "$DWADM" \
    -c "$T/dw.conf" --as "$ANN" --password-stdin --json mfa recovery-codes \
    >"$T/rc.json" 2>&1
check "recovery-codes --json: ten codes" python3 -c '
import json, re, sys
v = json.load(open(sys.argv[1]))["recovery_codes"]
assert len(v) == len(set(v)) == 10, v
assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in v), v
' "$T/rc.json"
check "recovery-codes: audited" test "$(audit_n \
    "(&(dwAuditAction=mfa-recovery-codes)(dwAuditTarget=$ANN_DN)(dwAuditResult=0))")" -ge 1
printf '%s\n%s\n' "$PW_ZED" 123456 | "$DWADM" -c "$T/dw.conf" --as "$ZED" \
    --password-stdin mfa recovery-codes >/dev/null 2>"$T/e.err"
check_eq "recovery-codes for an admin without MFA: exit 1" "1 1" \
    "$? $(wc -l <"$T/e.err")"

# ------------------------------------------------------------------ reset
as "$OTTO" "$PW_OTTO" mfa reset "$ANN" >/dev/null 2>"$T/e.err"
check_eq "reset by an operations admin (no admin-users:write): exit 1" 1 "$?"
check "... one error line" one_line "$T/e.err"
check_eq "... MFA still on" "TRUE 1" \
    "$(admin_attr "$ANN" dwMfaEnabled) $(nvals "$ANN_DN" dwMfaSecret)"
as "$BOSS" "$PW_BOSS" mfa reset Ann@DramWell.ai >"$T/reset.out" 2>"$T/reset.err"
check_eq "reset by the Super Admin: exit 0, nothing on stderr" "0 " \
    "$? $(cat "$T/reset.err")"
check_match "reset: says so" "^MFA reset for $ANN" "$(cat "$T/reset.out")"
check_eq "reset: MFA off, secret, last step and codes gone" "0 0 0 0" \
    "$(admin_attr "$ANN" dwMfaEnabled | grep -c TRUE) $(nvals "$ANN_DN" dwMfaSecret) $(nvals "$ANN_DN" dwMfaLastStep) $(nvals "$ANN_DN" dwRecoveryCodeHash)"
check_eq "reset: audited with the actor" 1 \
    "$(audit_n "(&(dwAuditAction=mfa-reset)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$ANN_DN)(dwAuditResult=0))")"
as "$ANN" "$PW_ANN" user show "$ANN" >/dev/null 2>&1
check_eq "after reset the password alone binds again" 0 "$?"
as "$BOSS" "$PW_BOSS" mfa reset nobody@dramwell.ai >/dev/null 2>"$T/e.err"
check_eq "reset of an unknown admin: exit 1" "1 1" "$? $(wc -l <"$T/e.err")"

mfa_enroll "$ZED" "$PW_ZED"
check_eq "zed enrolls" "0 TRUE" "$? $(admin_attr "$ZED" dwMfaEnabled)"
SECRET_ZED=$MFA_SECRET
as_root mfa reset "$ZED" >/dev/null 2>"$T/e.err"
check_eq "reset by root: exit 0" "0 0" \
    "$? $(nvals "$ZED_DN" dwMfaSecret)"

# ------------------------------------------------- MFA required by policy
as_root security set mfa-required=true >/dev/null
as "$ANN" "$PW_ANN" user show "$ANN" >/dev/null 2>"$T/e.err"
check_eq "MFA required, not enrolled: exit 1" 1 "$?"
check_match "... told to enroll" \
    "MFA enrollment required \\(enroll first: dwadm mfa enroll $ANN\\)" \
    "$(cat "$T/e.err")"
as "$ANN" 'Not-the-Password-42' user show "$ANN" >/dev/null 2>"$T/e.err"
check_eq "... a wrong password is not told about enrollment" "1 0" \
    "$? $(grep -c -i 'enrol' "$T/e.err")"
mfa_enroll "$ANN" "$PW_ANN"
check_eq "enroll while MFA is required (no bind possible): exit 0" 0 "$?"
SECRET2=$MFA_SECRET
check_fail "a new secret after the reset" test "$SECRET2" = "$SECRET1"
mfa_as "$ANN" "$PW_ANN" "$(totp "$SECRET2" 30)" user show "$ANN" \
    >/dev/null 2>&1
check_eq "then --mfa with an oathtool code binds" 0 "$?"
as_root security set mfa-required=false >/dev/null

# ------------------------------------------------------------ no secrets
audit_dump >"$T/audit.txt"
# (A 6-digit code alone could occur in any number: look for it after the
# password, as the bind carried it.)
for s in "$SECRET1" "$SECRET2" "$SECRET_ZED" "$PW_ANN" "$PW_ZED" \
    "$PW_ANN$C1" "$RC1" "$RC2" "$(sed -n 1p "$T/codes2")"; do
	no_secret "$T/audit.txt" "$s" "no secret, code or password in ou=audit"
	no_secret "$T/srv/slapd.log" "$s" "no secret, code or password in the log"
done

dw_done
