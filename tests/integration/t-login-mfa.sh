#!/bin/sh
# TOTP MFA at bind (the code appended to the password), replay protection,
# concurrent use of one code, recovery codes, enrollment and reset through
# the extended operations, MFA required by the policy, unusable stored
# secrets and keys.  oathtool computes every code independently; stored
# steps are set directly (as the rootdn), never waited for.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/login-lib.sh"

dw_start
check "seed the tree" lg_seed
ANN=$(ov_dn ann)
BOB=$(ov_dn bob)
CAT=$(ov_dn cat)
DORA=$(ov_dn dora)
ov_pwfile wrong 'Not-The-Password-1'
bf="(dwAuditAction=bind)(dwAuditCategory=authentication)"
ef="(dwAuditAction=mfa-enroll)"
check "policy: lockout and throttle off (many refusals here)" \
    lg_policy dwLockoutThreshold 0 dwAddressThrottle 0

codefile() { (umask 077 && printf '%s' "$2" >"$T/$1.code"); }

# --- enrollment ------------------------------------------------------------
lg_secret bob
S=$(cat "$T/bob.secret")
lg_steady
codefile bad "$(lg_code "$S" 3600)"
check_eq "enroll with a code that does not match: refused, says so" \
    "enroll: 49 the verification code does not match the secret" \
    "$(lg_probe enroll "$BOB" "$T/bob.pw" "$T/bob.secret" "$T/bad.code")"
codefile now "$(lg_code "$S")"
check_eq "enroll with a wrong password: the answer of a wrong password" \
    "enroll: 49 -" \
    "$(lg_probe enroll "$BOB" "$T/wrong.pw" "$T/bob.secret" "$T/now.code")"
check_eq "enroll for an unknown admin: the same answer" "enroll: 49 -" \
    "$(lg_probe enroll "$(ov_dn nobody)" "$T/wrong.pw" "$T/bob.secret" "$T/now.code")"
printf 'NOT-BASE32!' >"$T/junk.secret"
check_match "enroll with a malformed secret: constraint violation" \
    '^enroll: 19 ' \
    "$(lg_probe enroll "$BOB" "$T/bob.pw" "$T/junk.secret" "$T/now.code")"
check_eq "enroll of a deactivated admin: refused like a wrong password" \
    "enroll: 49 -" \
    "$(lg_probe enroll "$(ov_dn dan)" "$T/dan.pw" "$T/bob.secret" "$T/now.code")"
check_eq "nothing stored by the refusals" "" "$(lg_get "$BOB" dwMfaEnabled)"

lg_probe enroll "$BOB" "$T/bob.pw" "$T/bob.secret" "$T/now.code" >"$T/enroll.out"
check_eq "enroll with the right code: success" "enroll: 0 -" \
    "$(head -n 1 "$T/enroll.out")"
sed -n 's/^code: //p' "$T/enroll.out" >"$T/bob.codes"
check_eq "ten recovery codes answered" 10 "$(wc -l <"$T/bob.codes")"
check_eq "recovery codes have the form xxxxx-xxxxx and differ" 10 \
    "$(grep -E '^[a-z2-7]{5}-[a-z2-7]{5}$' "$T/bob.codes" | sort -u | wc -l)"
check_eq "stored: dwMfaEnabled TRUE" TRUE "$(lg_get "$BOB" dwMfaEnabled)"
check_eq "stored: the step of the code used" "$(lg_step)" \
    "$(lg_get "$BOB" dwMfaLastStep)"
root_search -b "$BOB" -s base -o ldif-wrap=no dwMfaSecret dwRecoveryCodeHash \
    >"$T/bob.stored"
check_match "stored: the secret is sealed ({SB1} + base64)" \
    '^\{SB1\}[A-Za-z0-9+/]+=*$' \
    "$(sed -n 's/^dwMfaSecret: //p' "$T/bob.stored")"
check_fail "stored: the base32 secret itself is nowhere" \
    grep -q "$S" "$T/bob.stored"
check_eq "stored: ten recovery code hashes" 10 \
    "$(grep -c '^dwRecoveryCodeHash' "$T/bob.stored")"
check_eq "enroll again: refused (reset first)" \
    "enroll: 53 MFA is already enabled for this account: an administrator must reset it first" \
    "$(lg_probe enroll "$BOB" "$T/bob.pw" "$T/bob.secret" "$T/now.code")"
check_eq "audit: one enrollment" 1 \
    "$(lg_n "(&$ef(dwAuditTarget=$BOB)(dwAuditResult=0)(dwAuditDetail=MFA enrolled))")"
check_eq "audit: the wrong code at enrollment" 1 \
    "$(lg_n "(&$ef(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=wrong code))")"
check_eq "audit: the wrong password at enrollment" 1 \
    "$(lg_n "(&$ef(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=wrong password))")"

# --- TOTP at bind ------------------------------------------------------------
ref=$(lg_probe bind "$BOB" "$T/wrong.pw")
check_eq "reference: a wrong password" "bind: 49 -" "$ref"
lg_steady
check_eq "password alone (code missing): refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/bob.pw")"
lg_cred next bob "$(lg_code "$S" 30)"
check_eq "password + the next step's code: in" "bind: 0 -
whoami: dn:$BOB" "$(lg_probe bind "$BOB" "$T/next.cred" whoami)"
check_eq "the same code again (replayed): refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/next.cred")"
lg_cred cur bob "$(lg_code "$S")"
check_eq "the code of the step before the last accepted one: refused" \
    "$ref" "$(lg_probe bind "$BOB" "$T/cur.cred")"
lg_cred prev bob "$(lg_code "$S" -30)"
check_eq "an older code in the window: refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/prev.cred")"
lg_cred far bob "$(lg_code "$S" 3600)"
check_eq "a code of another time (wrong code): refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/far.cred")"
lg_cred wrongpw wrong "$(lg_code "$S")"
check_eq "a wrong password with a right code: refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/wrongpw.cred")"
check_eq "audit: code missing (right password)" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=code missing)(!(dwAuditDetail=wrong password)))")"
check_eq "audit: code verified" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=0)(dwAuditDetail=code verified))")"
check_eq "audit: three replays" 3 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=code replayed))")"
check_eq "audit: wrong code" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=wrong code))")"

# The stored step set back (as the rootdn): the code for now is fresh.
lg_steady
check "rootdn sets the last step 5 steps back" \
    lg_set "$BOB" dwMfaLastStep "$(( $(lg_step) - 5 ))"
lg_cred cur bob "$(lg_code "$S")"
check_eq "oathtool's code for now: in" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/cur.cred")"
check_eq "the same code again: refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/cur.cred")"
# A stored step ahead of the clock (the clock moved back): nothing at or
# below it is accepted.
check "rootdn sets the last step 10 steps ahead" \
    lg_set "$BOB" dwMfaLastStep "$(( $(lg_step) + 10 ))"
lg_cred next bob "$(lg_code "$S" 30)"
check_eq "clock behind the last step: even the next code is refused" \
    "$ref" "$(lg_probe bind "$BOB" "$T/next.cred")"

# --- one code, two binds at once: exactly one gets in (10 rounds) ---------
rf="(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(|(dwAuditDetail=code replayed \\28concurrent\\29)(dwAuditDetail=code replayed)))"
before=$(lg_n "$rf")
good=0
r=0
while [ $r -lt 10 ]; do
	lg_steady
	lg_set "$BOB" dwMfaLastStep "$(( $(lg_step) - 5 ))" >/dev/null 2>&1
	lg_cred race bob "$(lg_code "$S")"
	lg_probe -n 2 bind "$BOB" "$T/race.cred" >"$T/race.out"
	[ "$(grep -c 'bind: 0 -$' "$T/race.out")" = 1 ] &&
	    [ "$(grep -c 'bind: 49 -$' "$T/race.out")" = 1 ] &&
	    good=$((good + 1))
	r=$((r + 1))
done
check_eq "two concurrent binds with one code: exactly one succeeds, 10 of 10" \
    10 "$good"
check_eq "audit: the 10 losers were refused as replays" $((before + 10)) \
    "$(lg_n "$rf")"

# --- recovery codes -------------------------------------------------------
rc1=$(sed -n 1p "$T/bob.codes")
rc2=$(sed -n 2p "$T/bob.codes")
rc3=$(sed -n 3p "$T/bob.codes")
lg_cred rc1 bob "$rc1"
check_eq "password + a recovery code: in" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/rc1.cred")"
check_eq "the same recovery code again: refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/rc1.cred")"
lg_cred rc2 bob "$(printf '%s' "$rc2" | tr a-z A-Z)"
check_eq "a recovery code in upper case: in" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/rc2.cred")"
check_eq "two hashes used up, eight left" 8 \
    "$(root_search -b "$BOB" -s base dwRecoveryCodeHash | grep -c '^dwRecoveryCodeHash')"
lg_cred rcbad bob "aaaaa-bbbbb"
check_eq "a made-up recovery code: refused" "$ref" \
    "$(lg_probe bind "$BOB" "$T/rcbad.cred")"
check_eq "audit: recovery code used twice" 2 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=0)(dwAuditDetail=recovery code used))")"
check_eq "audit: wrong recovery code twice" 2 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=wrong recovery code))")"

# New codes (dwMfaRecovery), bound as bob: the old ones stop working.
lg_cred rc4 bob "$(sed -n 4p "$T/bob.codes")"
lg_probe bind "$BOB" "$T/rc4.cred" recovery >"$T/recovery.out"
check_eq "dwMfaRecovery: new codes" "bind: 0 -
recovery: 0 -" "$(grep -v '^code:' "$T/recovery.out")"
sed -n 's/^code: //p' "$T/recovery.out" >"$T/bob.codes2"
check_eq "ten new codes" 10 "$(sort -u "$T/bob.codes2" | wc -l)"
lg_cred rc3 bob "$rc3"
check_eq "an old unused code no longer works" "$ref" \
    "$(lg_probe bind "$BOB" "$T/rc3.cred")"
lg_cred new1 bob "$(sed -n 1p "$T/bob.codes2")"
check_eq "a new code works" "bind: 0 -" "$(lg_probe bind "$BOB" "$T/new1.cred")"
check_eq "audit: mfa-recovery-codes" 1 \
    "$(lg_n "(&(dwAuditAction=mfa-recovery-codes)(dwAuditTarget=$BOB)(dwAuditResult=0))")"
check_match "dwMfaRecovery for an admin without MFA: refused" \
    '^recovery: 53 MFA is not enabled' \
    "$(lg_probe bind "$ANN" "$T/ann.pw" recovery | tail -n 1)"
check_match "dwMfaRecovery anonymous: refused" '^recovery: 8 ' \
    "$(lg_probe recovery)"

# --- MFA required by the policy ------------------------------------------
check "policy: MFA required" lg_policy dwMfaRequired TRUE
check_eq "not enrolled, right password: MFA enrollment required" \
    "bind: 49 MFA enrollment required" "$(lg_probe bind "$CAT" "$T/cat.pw")"
check_eq "not enrolled, wrong password: just a wrong password" "$ref" \
    "$(lg_probe bind "$CAT" "$T/wrong.pw")"
check_eq "audit: MFA enrollment required" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$CAT)(dwAuditResult=49)(dwAuditDetail=MFA enrollment required))")"
# The portal's flow: the refused bind, then enrollment on that connection.
lg_secret cat
C=$(cat "$T/cat.secret")
lg_steady
codefile cat "$(lg_code "$C")"
lg_probe bind "$CAT" "$T/cat.pw" enroll "$CAT" "$T/cat.pw" "$T/cat.secret" \
    "$T/cat.code" >"$T/cat.out"
check_eq "enrollment on the refused connection" "bind: 49 MFA enrollment required
enroll: 0 -" "$(grep -v '^code:' "$T/cat.out")"
lg_cred cat cat "$(lg_code "$C" 30)"
check_eq "then password + a new code: in" "bind: 0 -" \
    "$(lg_probe bind "$CAT" "$T/cat.cred")"
lg_cred catold cat "$(cat "$T/cat.code")"
check_eq "the enrollment code cannot be replayed" "$ref" \
    "$(lg_probe bind "$CAT" "$T/catold.cred")"

# --- reset ------------------------------------------------------------------
check "policy: MFA not required (otto has none)" lg_policy dwMfaRequired FALSE
check_match "an operations admin cannot reset MFA" '^reset: 50 ' \
    "$(lg_probe bind "$(ov_dn otto)" "$T/otto.pw" reset "$BOB" | tail -n 1)"
check_eq "bob's MFA untouched" TRUE "$(lg_get "$BOB" dwMfaEnabled)"
check_match "anonymous cannot reset MFA" '^reset: 8 ' "$(lg_probe reset "$BOB")"
# ann, a Super Admin, with MFA too.
lg_steady
lg_secret ann
A=$(cat "$T/ann.secret")
codefile ann "$(lg_code "$A")"
lg_probe enroll "$ANN" "$T/ann.pw" "$T/ann.secret" "$T/ann.code" >/dev/null
lg_cred ann ann "$(lg_code "$A" 30)"
lg_probe bind "$ANN" "$T/ann.cred" reset "$BOB" \
    reset "cn=portal,ou=services,$DW_BASE" reset "$ANN" >"$T/reset.out"
check_eq "a super admin resets bob's MFA" "bind: 0 -
reset: 0 -" "$(head -n 2 "$T/reset.out")"
check_match "reset of a non-admin DN: no such object" '^reset: 32 ' \
    "$(sed -n 3p "$T/reset.out")"
check_eq "a super admin resets her own MFA" "reset: 0 -" \
    "$(sed -n 4p "$T/reset.out")"
check_eq "reset: dwMfaEnabled FALSE" FALSE "$(lg_get "$BOB" dwMfaEnabled)"
check_eq "reset: no secret, step or recovery codes left" "" \
    "$(root_search -b "$BOB" -s base dwMfaSecret dwMfaLastStep dwRecoveryCodeHash | grep '^dw')"
check "policy: MFA required" lg_policy dwMfaRequired TRUE
check_eq "after the reset, with MFA required: enrollment required" \
    "bind: 49 MFA enrollment required" "$(lg_probe bind "$BOB" "$T/bob.pw")"
check_eq "audit: the reset, actor ann" 1 \
    "$(lg_n "(&(dwAuditAction=mfa-reset)(dwAuditActor=$ANN)(dwAuditTarget=$BOB)(dwAuditResult=0))")"
check_eq "audit: otto's refused reset" 1 \
    "$(lg_n "(&(dwAuditAction=mfa-reset)(dwAuditActor=$(ov_dn otto))(dwAuditTarget=$BOB)(dwAuditResult=50))")"
check "policy: MFA not required" lg_policy dwMfaRequired FALSE
check_eq "not required: bob's password alone again" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/bob.pw")"

# --- clients never write the MFA state -----------------------------------
for a in "dwMfaEnabled: TRUE" "dwMfaSecret: x" "dwMfaLastStep: 1" \
    "dwRecoveryCodeHash: x"; do
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s\n' "$BOB" \
	    "${a%%:*}" "$a" >"$T/w.ldif"
	check_fail "a super admin cannot write ${a%%:*}" ldapmodify \
	    -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" -f "$T/w.ldif"
done
lg_steady
lg_set "$CAT" dwMfaLastStep "$(( $(lg_step) - 5 ))" >/dev/null 2>&1
lg_cred cat cat "$(lg_code "$C")"
ldapsearch -H "$DW_URI" -x -D "$CAT" -y "$T/cat.cred" -LLL -b "$CAT" \
    -s base uid dwMfaEnabled dwMfaSecret dwRecoveryCodeHash >"$T/self.out" 2>&1
check "cat reads her own entry (MFA flag included)" \
    grep -q '^dwMfaEnabled: TRUE' "$T/self.out"
check_fail "but not her sealed secret or recovery hashes" \
    grep -qE '^(dwMfaSecret|dwRecoveryCodeHash)' "$T/self.out"

# --- unusable stored secrets and keys (fail closed) ----------------------
lg_secret dora
D=$(cat "$T/dora.secret")
lg_steady
codefile dora "$(lg_code "$D")"
check_match "dora enrolls" '^enroll: 0 -' \
    "$(lg_probe enroll "$DORA" "$T/dora.pw" "$T/dora.secret" "$T/dora.code" | head -n 1)"

# dora_try DESC: a fresh code (the stored step set back) must be refused
# with "MFA secret unusable" in the audit.
dora_try() {
	lg_steady
	lg_set "$DORA" dwMfaLastStep "$(( $(lg_step) - 5 ))" >/dev/null 2>&1
	lg_cred dora dora "$(lg_code "$D")"
	before=$(lg_n "(&$bf(dwAuditTarget=$DORA)(dwAuditDetail=MFA secret unusable))")
	check_eq "$1: refused" "$ref" "$(lg_probe bind "$DORA" "$T/dora.cred")"
	check_eq "$1: audit says MFA secret unusable" $((before + 1)) \
	    "$(lg_n "(&$bf(dwAuditTarget=$DORA)(dwAuditDetail=MFA secret unusable))")"
}
stored() {	# offline: replace dwMfaSecret with the LDIF line $1
	dw_stop
	printf 'dn: %s\nchangetype: modify\nreplace: dwMfaSecret\n%s\n' \
	    "$DORA" "$1" >"$T/sec.ldif"
	slapmodify -q -f "$DW_STATE/slapd.conf" -b "$DW_BASE" -l "$T/sec.ldif"
	dw_start
}
cp -p "$DW_STATE/mfa.key" "$T/mfa.key.orig"
# Another key in the same place: the sealed secret does not open.
dw_stop
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$DW_STATE/mfa.key")
dw_start
dora_try "a different key file"
dw_stop
cp -p "$T/mfa.key.orig" "$DW_STATE/mfa.key"
dw_start
lg_steady
lg_set "$DORA" dwMfaLastStep "$(( $(lg_step) - 5 ))" >/dev/null 2>&1
lg_cred dora dora "$(lg_code "$D")"
check_eq "the right key again: dora gets in" "bind: 0 -" \
    "$(lg_probe bind "$DORA" "$T/dora.cred")"
check "offline: a malformed sealed secret" stored "dwMfaSecret: {SB1}garbage"
dora_try "a malformed stored secret"
check "offline: an altered sealed secret" stored \
    "dwMfaSecret: {SB1}$(head -c 60 /dev/urandom | base64 -w0)"
dora_try "an altered stored secret"
check "offline: an empty stored secret" stored "dwMfaSecret:"
dora_try "an empty stored secret"

# --- no secret, code or password on the record ---------------------------
root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no >"$T/audit.ldif"
for s in "$S" "$C" "$A" "$D" $(cat "$T/bob.codes" "$T/bob.codes2") \
    "$(cat "$T/bob.pw")" "$(cat "$T/cat.pw")"; do
	if grep -qiF -- "$s" "$T/audit.ldif" "$DW_STATE/slapd.log"; then
		fail "a secret is on the record: ${s%????????}..."
	fi
done
pass "no TOTP secret, recovery code or password in the audit or slapd.log"
check_eq "no audit detail carries six digits" "" \
    "$(sed -n 's/^dwAuditDetail: //p' "$T/audit.ldif" | grep -E '[0-9]{6}' || true)"

dw_done
