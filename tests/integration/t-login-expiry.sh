#!/bin/sh
# An expired password (dwPasswordChangedTime older than the policy's
# maximum age, or none at all): the bind succeeds with the text "password
# expired", and the connection may only change that password with the
# RFC 3062 operation (own entry, old password); every other request is
# refused until then.  Changed times are set directly (as the rootdn).
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/login-lib.sh"

dw_start
check "seed the tree" lg_seed
ANN=$(ov_dn ann)
BOB=$(ov_dn bob)
CAT=$(ov_dn cat)
ov_pwfile new 'Zq4!rTb8-Mv2kXs7'
ov_pwfile new2 'Jp5^wHd3-Nc9gQt6'
ov_pwfile wrong 'Not-The-Password-1'
bf="(dwAuditAction=bind)(dwAuditCategory=authentication)"
EXP='password expired: change it with the password modify operation'

check "policy: passwords expire after one day" lg_policy dwPasswordMaxAge 86400
check_eq "a fresh password: not expired" "bind: 0 -
search: 0 -" "$(lg_probe bind "$BOB" "$T/bob.pw" search "$BOB")"
check "rootdn: bob's password changed a day and a second ago" \
    lg_set "$BOB" dwPasswordChangedTime \
    "$(date -u -d "@$(( $(date -u +%s) - 86401 ))" +%Y%m%d%H%M%SZ)"

lg_probe bind "$BOB" "$T/bob.pw" whoami search "$BOB" search "$DW_BASE" \
    compare "$BOB" uid "bob@dramwell.ai" passwd "$ANN" "$T/ann.pw" "$T/new.pw" \
    passwd - - "$T/new.pw" recovery >"$T/restricted.out"
check_eq "expired: the bind succeeds and says so; everything else refused" \
    "bind: 0 password expired
whoami: dn:$BOB
search: 53 $EXP
search: 53 $EXP
compare: 53 $EXP
passwd: 53 $EXP
passwd: 53 $EXP
recovery: 53 $EXP" "$(cat "$T/restricted.out")"
check_eq "audit: the bind, password expired" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=0)(dwAuditDetail=password expired))")"
check_eq "a wrong password is still just wrong" "bind: 49 -" \
    "$(lg_probe bind "$BOB" "$T/wrong.pw")"

# Writes are refused too (ldapmodify binds, then modifies).
printf 'dn: %s\nchangetype: modify\nreplace: cn\ncn: Bob\n' "$BOB" >"$T/m.ldif"
check_fail "expired: a modify is refused" ldapmodify -H "$DW_URI" -x \
    -D "$BOB" -y "$T/bob.pw" -f "$T/m.ldif"

# The new password must pass the policy, restricted or not.
ov_pwfile weak 'password'
check_match "expired: a weak new password is refused with the rule" \
    '^passwd: 19 password refused: ' \
    "$(lg_probe bind "$BOB" "$T/bob.pw" passwd - "$T/bob.pw" "$T/weak.pw" |
    tail -n 1)"

# The change, with the old password, on the same connection: then the
# connection works.
lg_probe bind "$BOB" "$T/bob.pw" search "$BOB" passwd - "$T/bob.pw" \
    "$T/new.pw" search "$BOB" >"$T/change.out"
check_eq "expired: change with the old password, then the connection works" \
    "bind: 0 password expired
search: 53 $EXP
passwd: 0 -
search: 0 -" "$(cat "$T/change.out")"
check_eq "the new password binds, not expired" "bind: 0 -
search: 0 -" "$(lg_probe bind "$BOB" "$T/new.pw" search "$BOB")"
check_eq "the old one is gone" "bind: 49 -" "$(lg_probe bind "$BOB" "$T/bob.pw")"

# Another bind on the connection drops the restriction with the identity.
check "rootdn: cat's password is old" lg_set "$CAT" dwPasswordChangedTime \
    20200101000000Z
check_eq "expired bind, then the service account binds: no restriction" \
    "bind: 0 password expired
bind: 0 -
search: 0 -" "$(lg_probe bind "$CAT" "$T/cat.pw" \
    bind "cn=portal,ou=services,$DW_BASE" "$T/portal.pw" search "$CAT")"
check_eq "expired bind, then a failed bind: anonymous, not restricted to cat" \
    "bind: 0 password expired
bind: 49 -
whoami: anonymous" "$(lg_probe bind "$CAT" "$T/cat.pw" \
    bind "$CAT" "$T/wrong.pw" whoami)"

# No changed time at all, with a maximum age: expired (fail closed).
check "rootdn: delete ann's changed time" lg_set "$ANN" dwPasswordChangedTime ""
check_eq "no changed time: expired" "bind: 0 password expired
search: 53 $EXP" "$(lg_probe bind "$ANN" "$T/ann.pw" search "$ANN")"

# Max age 0: never expires.
check "policy: no maximum age" lg_policy dwPasswordMaxAge 0
check_eq "max age 0: cat's old password is fine" "bind: 0 -
search: 0 -" "$(lg_probe bind "$CAT" "$T/cat.pw" search "$CAT")"

dw_done
