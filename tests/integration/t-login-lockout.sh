#!/bin/sh
# Account lockout: after the policy's threshold of failed binds within the
# window the account is locked (the right password is refused with the
# very answer of a wrong one), each further lock lasts twice as long (24 h
# at most), concurrent failures are all counted, a success resets the
# state.  Times are set directly in dwLockout (as the rootdn), never
# waited for.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/login-lib.sh"

dw_start
check "seed the tree" lg_seed
BOB=$(ov_dn bob)
CAT=$(ov_dn cat)
CARL=$(ov_dn carl)
ov_pwfile wrong 'Not-The-Password-1'
bf="(dwAuditAction=bind)(dwAuditCategory=authentication)"
check "policy: threshold 3, window 900 s, first lock 600 s, no throttle" \
    lg_policy dwLockoutThreshold 3 dwLockoutWindow 900 \
    dwLockoutDuration 600 dwAddressThrottle 0

ref=$(ov_whoami "$BOB" "$T/wrong.pw")
check_match "reference: a wrong password is err 49" \
    'Invalid credentials \(49\)' "$ref"

# fields N: the Nth number of bob's dwLockout ("FAILURES FIRST UNTIL LEVEL")
fields() { lg_get "$1" dwLockout | awk -v n="$2" '{ print $n }'; }

check_eq "one failure counted" 1 "$(fields "$BOB" 1)"
ov_whoami "$BOB" "$T/wrong.pw" >/dev/null
check_eq "two failures counted" 2 "$(fields "$BOB" 1)"
check_eq "bob still gets in with the right password below the threshold" \
    "bind: 0 -" "$(lg_probe bind "$BOB" "$T/bob.pw")"
check_eq "a success resets the state (no dwLockout left)" "" \
    "$(lg_get "$BOB" dwLockout)"

for i in 1 2 3; do ov_whoami "$BOB" "$T/wrong.pw" >/dev/null; done
now=$(date -u +%s)
until=$(fields "$BOB" 3)
check_eq "three failures: locked, level 1 (the count starts again)" "0 1" \
    "$(fields "$BOB" 1) $(fields "$BOB" 4)"
check "locked for the first duration (600 s)" \
    test $((until - now)) -ge 595 -a $((until - now)) -le 601
check_eq "locked: the right password gets the wrong-password answer" \
    "$ref" "$(ov_whoami "$BOB" "$T/bob.pw")"
check_eq "locked: no identity is left on the connection" "bind: 49 -
whoami: anonymous" "$(lg_probe bind "$BOB" "$T/bob.pw" whoami)"
check_eq "audit: the third failure locked the account" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=wrong password)(dwAuditDetail=account locked now))")"
check_eq "audit: the right password refused as locked (2 binds)" 2 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditDetail=account locked)(!(dwAuditDetail=wrong password)))")"
check_eq "failures while locked are not counted, the lock does not grow" \
    "0 $until" "$(fields "$BOB" 1) $(fields "$BOB" 3)"

# The lock ends at UNTIL: move it into the past (the rootdn may).
past=$((now - 10))
check "rootdn ends the lock (UNTIL in the past)" \
    lg_set "$BOB" dwLockout "3 $((now - 100)) $past 1"
check_eq "after the lock: the right password works" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/bob.pw")"
check_eq "and resets everything" "" "$(lg_get "$BOB" dwLockout)"

# --- a growing delay ------------------------------------------------------
# Level 1 kept from an earlier lock (no success since): the next lock
# lasts twice as long.
check "rootdn: level 1, not locked" lg_set "$CAT" dwLockout "0 0 0 1"
for i in 1 2 3; do ov_whoami "$CAT" "$T/wrong.pw" >/dev/null; done
now=$(date -u +%s)
until=$(fields "$CAT" 3)
check_eq "second lock: level 2" 2 "$(fields "$CAT" 4)"
check "second lock lasts 2 x 600 s" \
    test $((until - now)) -ge 1195 -a $((until - now)) -le 1201
check "rootdn: level 9, not locked" lg_set "$CAT" dwLockout "0 0 0 9"
for i in 1 2 3; do ov_whoami "$CAT" "$T/wrong.pw" >/dev/null; done
now=$(date -u +%s)
until=$(fields "$CAT" 3)
check "600 s x 2^9 is capped at 24 h" \
    test $((until - now)) -ge 86395 -a $((until - now)) -le 86401
check_eq "locked cat: right password refused" "$ref" \
    "$(ov_whoami "$CAT" "$T/cat.pw")"

# Failures older than the window start a new count.
check "rootdn: 2 failures, the first 901 s ago" \
    lg_set "$CAT" dwLockout "2 $(( $(date -u +%s) - 901 )) 0 0"
ov_whoami "$CAT" "$T/wrong.pw" >/dev/null
check_eq "the old failures expired: a new count of 1" 1 "$(fields "$CAT" 1)"

# A malformed stored state locks (fail closed), and says so.
check "rootdn: a malformed dwLockout" lg_set "$CAT" dwLockout "garbage"
check_eq "malformed state: refused" "$ref" "$(ov_whoami "$CAT" "$T/cat.pw")"
check "rootdn: clear it" lg_set "$CAT" dwLockout ""
check_eq "cleared: cat gets in" "bind: 0 -" "$(lg_probe bind "$CAT" "$T/cat.pw")"

# --- concurrency: 20 parallel wrong binds are 20 failures ----------------
check "policy: threshold 50" lg_policy dwLockoutThreshold 50
lg_probe -n 20 bind "$CARL" "$T/wrong.pw" >"$T/par.out"
check_eq "20 parallel wrong binds all refused" 20 \
    "$(grep -c 'bind: 49 -$' "$T/par.out")"
check_eq "20 parallel wrong binds: 20 failures counted" 20 \
    "$(fields "$CARL" 1)"
check_eq "audit: 20 wrong-password entries for carl" 20 \
    "$(lg_n "(&$bf(dwAuditTarget=$CARL)(dwAuditResult=49)(dwAuditDetail=wrong password))")"

# Lockout off: nothing is counted.
check "policy: lockout off" lg_policy dwLockoutThreshold 0
check "rootdn: clear carl" lg_set "$CARL" dwLockout ""
for i in 1 2 3 4 5 6; do ov_whoami "$CARL" "$T/wrong.pw" >/dev/null; done
check_eq "threshold 0: no state written" "" "$(lg_get "$CARL" dwLockout)"

# Nobody but the server writes it, and only Super Admins read it.
printf 'dn: %s\nchangetype: modify\nreplace: dwLockout\ndwLockout: 0 0 0 0\n' \
    "$BOB" >"$T/lo.ldif"
check_fail "an admin cannot write dwLockout (own entry)" \
    ldapmodify -H "$DW_URI" -x -D "$BOB" -y "$T/bob.pw" -f "$T/lo.ldif"
check_fail "a super admin cannot write dwLockout" \
    ldapmodify -H "$DW_URI" -x -D "$(ov_dn ann)" -y "$T/ann.pw" -f "$T/lo.ldif"
check "rootdn: lock bob for an hour" \
    lg_set "$BOB" dwLockout "3 $(date -u +%s) $(( $(date -u +%s) + 3600 )) 1"
check_match "a super admin reads bob's dwLockout" '^3 ' \
    "$(ldapsearch -H "$DW_URI" -x -D "$(ov_dn ann)" -y "$T/ann.pw" -LLL \
    -b "$BOB" -s base dwLockout | sed -n 's/^dwLockout: //p')"
ldapsearch -H "$DW_URI" -x -D "cn=portal,ou=services,$DW_BASE" \
    -y "$T/portal.pw" -LLL -b "$BOB" -s base uid dwLockout >"$T/portal.out" 2>&1
check "the portal reads bob's entry" grep -q '^uid: bob@' "$T/portal.out"
check_fail "but not bob's dwLockout" grep -q '^dwLockout' "$T/portal.out"

# No password in any audit entry or log line.
root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no >"$T/audit.ldif"
# --- unlock: an admin with admin-users:write deletes another admin's
# dwLockout (dwadm user unlock); nobody else, and never one's own state
# (that would reset one's own failure count).
ANN=$(ov_dn ann)
now=$(date -u +%s)
check "policy: threshold 3" lg_policy dwLockoutThreshold 3
check "lock carl for an hour" lg_set "$CARL" dwLockout "3 $now $((now + 3600)) 1"
check_match "carl is locked" 'Invalid credentials \(49\)' \
    "$(ov_whoami "$CARL" "$T/carl.pw")"
printf 'dn: %s\nchangetype: modify\ndelete: dwLockout\n' "$CARL" >"$T/unlock.ldif"
ldapmodify -H "$DW_URI" -x -D "$(ov_dn dora)" -y "$T/dora.pw" \
    -f "$T/unlock.ldif" >"$T/unlock.out" 2>&1
check_fail "dora (support) cannot unlock carl" test $? -eq 0
check_match "  carl is still locked" 'Invalid credentials \(49\)' \
    "$(ov_whoami "$CARL" "$T/carl.pw")"
check "ann (super-admin) unlocks carl" ldapmodify -H "$DW_URI" -x \
    -D "$ANN" -y "$T/ann.pw" -f "$T/unlock.ldif"
check_eq "  no dwLockout left" "" "$(lg_get "$CARL" dwLockout)"
check_match "  carl gets in" "dn:$CARL" "$(ov_whoami "$CARL" "$T/carl.pw")"
check_eq "  the unlock is audited" 1 "$(audit_count "(&(dwAuditActor=$ANN)(dwAuditTarget=$CARL)(dwAuditResult=0)(dwAuditDetail=attributes: dwLockout))")"
check "ann has two failures on record" lg_set "$ANN" dwLockout "2 $now 0 0"
printf 'dn: %s\nchangetype: modify\ndelete: dwLockout\n' "$ANN" >"$T/self.ldif"
ldapmodify -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" -f "$T/self.ldif" \
    >"$T/self.out" 2>&1
check_match "ann cannot clear her own failure count" \
    'Constraint violation \(19\)' "$(cat "$T/self.out")"
printf 'dn: %s\nchangetype: modify\nreplace: dwLockout\ndwLockout: 0 0 0 0\n' "$CARL" >"$T/set.ldif"
ldapmodify -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" -f "$T/set.ldif" \
    >"$T/set.out" 2>&1
check_match "nor may an admin write a lockout value" \
    'Constraint violation \(19\)' "$(cat "$T/set.out")"

for f in bob cat carl wrong; do
	check_fail "audit holds no $f password" grep -qF "$(cat "$T/$f.pw")" \
	    "$T/audit.ldif"
	check_fail "slapd.log holds no $f password" grep -qF \
	    "$(cat "$T/$f.pw")" "$DW_STATE/slapd.log"
done

dw_done
