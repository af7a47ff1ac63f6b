#!/bin/sh
# The password policy on every password write, through real clients:
# length in characters (not bytes), character classes, the e-mail name,
# the common-password dictionary, reuse of the current and of the newest
# dwPasswordHistoryCount previous passwords; on add, on every item and
# value of a modify (several "add: userPassword" in one request, replace,
# delete+add), the RFC 3062 exop (ldappasswd) and invite acceptance
# (dwaccept); one userPassword value at most; the rootdn is held to the
# rules too.  Server-managed attributes are refused from clients, naming
# the attribute.  No refusal text, audit entry or log line holds a
# password.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

DWACCEPT=${DW_TOP_BUILDDIR:?}/tests/integration/dwaccept

dw_start
check "seed the tree" ov_seed
B=$DW_BASE
ANN=$(ov_dn ann)
POL="cn=security,ou=policy,$B"

# Every password of this test, to grep the outputs and logs for.
: >"$T/secrets"
pw() {	# NAME PASSWORD: $T/NAME.pw, remembered in $T/secrets
	ov_pwfile "$1" "$2"
	printf '%s\n' "$2" >>"$T/secrets"
}
for f in "$T"/*.pw; do cat "$f"; echo; done >>"$T/secrets"
# Every client output of this test goes to $T/out/ (grepped at the end).
mkdir "$T/out"
k=0
code() {	# CMD...: run it, keep its output as $T/o, print its exit code
	k=$((k + 1))
	"$@" >"$T/out/$k" 2>&1
	rc=$?
	cp "$T/out/$k" "$T/o"
	echo $rc
}
out() { cat "$T/o"; }
as() {	# USER CMD...: CMD over TCP bound as USER (password $T/USER.pw)
	u=$1
	shift
	"$@" -H "$DW_URI" -x -D "$(ov_dn "$u")" -y "$T/$u.pw"
}
b64() { base64 -w0 <"$1"; }
set_pw() {	# DN PWFILE: LDIF replacing the password
	printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword:: %s\n' \
	    "$1" "$(b64 "$2")"
}
polset() {	# ATTR VALUE, as the rootdn
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
	    "$POL" "$1" "$1" "$2" | root_modify >/dev/null
}
pw_of() {
	root_search -b "$1" -s base -o ldif-wrap=no userPassword |
	    sed -n 's/^userPassword:: //p' | base64 -d
}
hist_of() {	# DN: the dwPasswordHistory values, one per line
	root_search -b "$1" -s base -o ldif-wrap=no dwPasswordHistory |
	    while read -r a v; do
		case $a in
		dwPasswordHistory::) printf '%s\n' "$v" | base64 -d; echo ;;
		dwPasswordHistory:) printf '%s\n' "$v" ;;
		esac
	    done
}
binds() { ov_whoami "$(ov_dn "$1")" "$2" >/dev/null 2>&1; }
n() { audit_count "$1"; }

# --- length in characters, classes, e-mail name, dictionary ---------------
pw u11 'Zq9-äöüéèàç'	# 11 characters, 19 bytes
pw u12 'Zq9-äöüéèàçñ'	# 12 characters, 20 bytes
check_eq "11 characters (19 bytes): refused (19)" 19 \
    "$(set_pw "$ANN" "$T/u11.pw" | code as ann ldapmodify)"
check_match "too short: the rule and the policy's numbers" \
    'password refused: too short \(the security policy asks for at least 12 characters' \
    "$(out)"
check_eq "12 characters of which 8 are two-byte letters: accepted" 0 \
    "$(set_pw "$ANN" "$T/u12.pw" | code as ann ldapmodify)"
cp "$T/u12.pw" "$T/ann.pw"
check "that password binds" binds ann "$T/ann.pw"

pw c1 'abcdefghjkmnpqrs'
check_eq "one character class: refused (19)" 19 \
    "$(set_pw "$ANN" "$T/c1.pw" | code as ann ldapmodify)"
check_match "classes: says so" 'password refused: has too few character classes' \
    "$(out)"
pw em 'Zz-ANN-4417-Kp'
check_eq "contains the e-mail name (any case): refused (19)" 19 \
    "$(set_pw "$ANN" "$T/em.pw" | code as ann ldapmodify)"
check_match "e-mail name: says so" 'password refused: contains the e-mail name' \
    "$(out)"
pw dict 'Basketball1!'
check_eq "a dictionary word: refused (19)" 19 \
    "$(set_pw "$ANN" "$T/dict.pw" | code as ann ldapmodify)"
check_match "dictionary: says so" \
    'password refused: in the common-password dictionary' "$(out)"
check "after the refusals the password is unchanged" binds ann "$T/ann.pw"

# The policy is read for each write: a longer minimum holds at once.
polset dwPasswordMinLength 16
pw p14 'Tarn-Vole-8812!'
check_eq "minimum raised to 16: a 15-character password refused" 19 \
    "$(set_pw "$ANN" "$T/p14.pw" | code as ann ldapmodify)"
check_match "the new minimum is named" 'at least 16 characters' "$(out)"
polset dwPasswordMinLength 12

# --- reuse: the current password and the history --------------------------
polset dwPasswordHistoryCount 2
check_eq "the current password again: refused (19)" 19 \
    "$(set_pw "$ANN" "$T/ann.pw" | code as ann ldapmodify)"
check_match "reuse: says so" 'password refused: password was used recently' \
    "$(out)"
cp "$T/ann.pw" "$T/p0.pw"
i=1
for p in 'Kelp-Moth-2290' 'Quay-Lynx-4471' 'Fjord-Newt-3307'; do
	pw "p$i" "$p"
	check_eq "history: change $i accepted" 0 \
	    "$(set_pw "$ANN" "$T/p$i.pw" | code as ann ldapmodify)"
	cp "$T/p$i.pw" "$T/ann.pw"
	i=$((i + 1))
done
hist_of "$ANN" >"$T/hist"
check_eq "history: dwPasswordHistory holds the newest 2" 2 \
    "$(grep -c . "$T/hist")"
check "history: each value is 'GENERALIZEDTIME {ARGON2}...'" sh -c \
    "! grep -Ev '^[0-9]{14}Z \\{ARGON2\\}\\\$argon2id\\\$' '$T/hist'"
check_eq "history: the newest-but-one previous (p2) refused" 19 \
    "$(set_pw "$ANN" "$T/p2.pw" | code as ann ldapmodify)"
check_eq "history: the second previous (p1) refused" 19 \
    "$(set_pw "$ANN" "$T/p1.pw" | code as ann ldapmodify)"
check_eq "history: the current one (p3) refused" 19 \
    "$(set_pw "$ANN" "$T/p3.pw" | code as ann ldapmodify)"
check_eq "history (count 2): the third previous (p0) allowed again" 0 \
    "$(set_pw "$ANN" "$T/p0.pw" | code as ann ldapmodify)"
cp "$T/p0.pw" "$T/ann.pw"
check_eq "history: still 2 values after the fourth change" 2 \
    "$(hist_of "$ANN" | grep -c .)"
# Count 0: no history kept, the current password still refused.
polset dwPasswordHistoryCount 0
pw p4 'Brim-Wasp-5563'
check_eq "count 0: a change accepted" 0 \
    "$(set_pw "$ANN" "$T/p4.pw" | code as ann ldapmodify)"
cp "$T/p4.pw" "$T/ann.pw"
check_eq "count 0: the history is emptied" 0 "$(hist_of "$ANN" | grep -c .)"
check_eq "count 0: the previous password (p0) allowed" 0 \
    "$(set_pw "$ANN" "$T/p0.pw" | code as ann ldapmodify)"
cp "$T/p0.pw" "$T/ann.pw"
check_eq "count 0: the current one still refused" 19 \
    "$(set_pw "$ANN" "$T/ann.pw" | code as ann ldapmodify)"
polset dwPasswordHistoryCount 5

# --- every item and value of a modify -------------------------------------
pw s1 'Sloe-Heron-6612'
pw s2 'Yarrow-Kite-3094'
# Two "add: userPassword" items after a delete: each is checked.
{ printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\n' "$ANN"
  printf 'add: userPassword\nuserPassword:: %s\n-\n' "$(b64 "$T/s1.pw")"
  printf 'delete: userPassword\n-\n'
  printf 'add: userPassword\nuserPassword:: %s\n-\n' "$(b64 "$T/dict.pw")"
} >"$T/two-adds.ldif"
check_eq "two add items, the second weak: refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/two-adds.ldif")"
check_match "two add items: the weak one named" \
    'in the common-password dictionary' "$(out)"
check "two add items: the password is unchanged" binds ann "$T/ann.pw"
# Two strong values in two items: the entry would hold two passwords.
{ printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\n' "$ANN"
  printf 'add: userPassword\nuserPassword:: %s\n-\n' "$(b64 "$T/s1.pw")"
  printf 'add: userPassword\nuserPassword:: %s\n-\n' "$(b64 "$T/s2.pw")"
} >"$T/two-vals.ldif"
check_eq "two add items, two strong values: refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/two-vals.ldif")"
check_match "two values: says one password" 'one password' "$(out)"
# One item with two values.
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword:: %s\nuserPassword:: %s\n' \
    "$ANN" "$(b64 "$T/s1.pw")" "$(b64 "$T/s2.pw")" >"$T/two-in-one.ldif"
check_eq "replace with two values: refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/two-in-one.ldif")"
# add: next to the stored value.
printf 'dn: %s\nchangetype: modify\nadd: userPassword\nuserPassword:: %s\n' \
    "$ANN" "$(b64 "$T/s1.pw")" >"$T/add-second.ldif"
check_eq "add a second value to the stored one: refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/add-second.ldif")"
check "after all that the password is unchanged" binds ann "$T/ann.pw"
check_eq "delete + add of a strong value: accepted" 0 \
    "$(printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\nadd: userPassword\nuserPassword:: %s\n' \
	"$ANN" "$(b64 "$T/s1.pw")" | code as ann ldapmodify)"
cp "$T/s1.pw" "$T/ann.pw"
check "delete + add: the new password binds" binds ann "$T/ann.pw"
check_eq "delete + add: the old one went into the history" 1 \
    "$(hist_of "$ANN" | grep -c .)"
check_eq "one userPassword value stored" 1 \
    "$(root_search -b "$ANN" -s base userPassword | grep -c '^userPassword')"

# --- the rootdn is held to the rules --------------------------------------
check_eq "rootdn: a dictionary password refused (19)" 19 \
    "$(set_pw "$(ov_dn dan)" "$T/dict.pw" | code root_modify)"
pw zed 'Zed-Rook-7741'
{ ov_admin_ldif zed active support "$(cat "$T/zed.pw")"; } >"$T/zed.ldif"
check_eq "rootdn: add of an admin whose password holds its name: 19" 19 \
    "$(code root_add -f "$T/zed.ldif")"
check_match "rootdn add: says why" 'contains the e-mail name' "$(out)"
pw zed2 'Ochre-Rook-7741'
ov_admin_ldif zed active support "$(cat "$T/zed2.pw")" >"$T/zed.ldif"
check_eq "rootdn: the same add with a good password" 0 \
    "$(code root_add -f "$T/zed.ldif")"
{ ov_admin_ldif yan active support "$(cat "$T/s2.pw")"
} | sed '/^userPassword/a userPassword: Second-Value-Oak-19' >"$T/yan.ldif"
printf 'Second-Value-Oak-19\n' >>"$T/secrets"
check_eq "add with two userPassword values: refused (19)" 19 \
    "$(code root_add -f "$T/yan.ldif")"

# --- the password-modify exop (ldappasswd) --------------------------------
pw x1 'Moss-Egret-5150'
check_eq "exop: a weak new password refused" 1 \
    "$(code ldappasswd -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" \
	-t "$T/ann.pw" -T "$T/dict.pw" "$ANN")"
check_match "exop: constraintViolation" 'Constraint violation \(19\)' "$(out)"
check_match "exop: the rule is named" \
    'password refused: in the common-password dictionary' "$(out)"
check_eq "exop: the current password again refused" 1 \
    "$(code ldappasswd -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" \
	-t "$T/ann.pw" -T "$T/ann.pw" "$ANN")"
check_match "exop: reuse named" 'password was used recently' "$(out)"
check_eq "exop: a previous password (history) refused" 1 \
    "$(code ldappasswd -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" \
	-t "$T/ann.pw" -T "$T/p0.pw" "$ANN")"
check_eq "exop: a good new password (-t old -T new)" 0 \
    "$(code ldappasswd -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" \
	-t "$T/ann.pw" -T "$T/x1.pw" "$ANN")"
cp "$T/x1.pw" "$T/ann.pw"
check "exop: the new password binds" binds ann "$T/ann.pw"
check_eq "exop: the history grew" 2 "$(hist_of "$ANN" | grep -c .)"

# --- invite acceptance ----------------------------------------------------
newtok() {
	head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=\n' \
	    >"$T/$1.tok"
	cat "$T/$1.tok" >>"$T/secrets"
	echo >>"$T/secrets"
}
newtok kim
{ printf 'dn: %s\nobjectClass: inetOrgPerson\nobjectClass: dwAdminUser\n' \
    "$(ov_dn kim)"
  printf 'uid: kim@dramwell.ai\nmail: kim@dramwell.ai\ncn: kim\nsn: kim\n'
  printf 'dwRole: support\ndwAccountStatus: invited\ndwInviteToken: %s\n' \
    "$(cat "$T/kim.tok")"; } >"$T/kim.ldif"
check_eq "ann invites kim" 0 "$(code as ann ldapadd -f "$T/kim.ldif")"
accept() { { cat "$1"; echo; cat "$2"; echo; } | "$DWACCEPT" "$DW_URI" 2>&1; }
pw kweak 'Kim-Cobalt-8820'
out=$(accept "$T/kim.tok" "$T/kweak.pw")
printf '%s\n' "$out" >"$T/out/accept1"
check_match "accept: a password with the e-mail name refused (19)" \
    '^accept: 19 password refused: contains the e-mail name' "$out"
out=$(accept "$T/kim.tok" "$T/dict.pw")
printf '%s\n' "$out" >"$T/out/accept2"
check_match "accept: a dictionary password refused (19)" \
    '^accept: 19 password refused: in the common-password dictionary' "$out"
pw kim 'Cobalt-Heron-8820'
check_eq "accept: a good password" "accept: 0 -" \
    "$(accept "$T/kim.tok" "$T/kim.pw")"
check "kim binds" binds kim "$T/kim.pw"
check_eq "audit: kim's refused accepts name the rule" 2 \
    "$(ov_audit "(&(dwAuditAction=accept-invite)(dwAuditTarget=$(ov_dn kim))(dwAuditResult=19))" \
	dwAuditDetail | grep -c '^password refused: ')"

# --- server-managed attributes ---------------------------------------------
DAN=$(ov_dn dan)
sm() {	# ATTR VALUE: LDIF replacing ATTR on dan
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
	    "$DAN" "$1" "$1" "$2"
}
for av in dwMfaEnabled:TRUE dwMfaSecret:abc dwMfaLastStep:5 \
    dwRecoveryCodeHash:abc dwPasswordHistory:abc dwLockout:'0 0 0 0' \
    dwPasswordChangedTime:20200101000000Z; do
	a=${av%%:*} v=${av#*:}
	check_eq "super-admin writes $a: refused (19)" 19 \
	    "$(sm "$a" "$v" | code as ann ldapmodify)"
	check_match "$a: the refusal names it" "$a is maintained by the server" \
	    "$(out)"
done
for av in dwMfaEnabled:TRUE dwMfaSecret:abc dwRecoveryCodeHash:abc \
    dwPasswordHistory:abc; do
	a=${av%%:*} v=${av#*:}
	check_eq "rootdn writes $a: refused (19)" 19 \
	    "$(sm "$a" "$v" | code root_modify)"
done
for av in dwMfaLastStep:5 dwLockout:'0 0 0 0' \
    dwPasswordChangedTime:20200101000000Z; do
	a=${av%%:*} v=${av#*:}
	check_eq "rootdn writes $a: allowed" 0 \
	    "$(sm "$a" "$v" | code root_modify)"
done
check_eq "rootdn: delete of dwPasswordHistory refused (19)" 19 \
    "$(printf 'dn: %s\nchangetype: modify\ndelete: dwPasswordHistory\n' \
	"$ANN" | code root_modify)"
{ ov_admin_ldif lee active support 'Umber-Finch-6610'
} | sed '/^dwAccountStatus/a dwMfaEnabled: TRUE' >"$T/lee.ldif"
printf 'Umber-Finch-6610\n' >>"$T/secrets"
check_eq "rootdn: add with dwMfaEnabled refused (19)" 19 \
    "$(code root_add -f "$T/lee.ldif")"
check_match "add: names the attribute" 'dwMfaEnabled is maintained by the server' \
    "$(out)"
check_eq "modrdn to a server-managed RDN refused (19)" 19 \
    "$(code ldapmodrdn -H "$DW_LDAPI_URI" -Y EXTERNAL -Q \
	"cn=portal,ou=services,$B" 'dwMfaSecret=abc')"

# --- audit and secrets ------------------------------------------------------
# Removing the password alone (to add one back later, around the history
# and the maximum age) is refused to everyone but the rootdn.
pw s3 'Quince-Plover-4471'
printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n' "$ANN" >"$T/del.ldif"
check_eq "deleting one's own password alone: refused (53)" 53 \
    "$(code as ann ldapmodify -f "$T/del.ldif")"
check_match "delete alone: says to change it in one request" \
    'cannot be removed' "$(out)"
check "delete alone: the password still binds" binds ann "$T/ann.pw"
printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\nadd: userPassword\nuserPassword:: %s\n' \
    "$ANN" "$(b64 "$T/ann.pw")" >"$T/readd.ldif"
check_eq "delete and re-add the current one in one request: refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/readd.ldif")"
printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\nadd: userPassword\nuserPassword:: %s\n' \
    "$ANN" "$(b64 "$T/s3.pw")" >"$T/change.ldif"
check_eq "delete and add a new one in one request: accepted" 0 \
    "$(code as ann ldapmodify -f "$T/change.ldif")"
cp "$T/s3.pw" "$T/ann.pw"
check "the new password binds" binds ann "$T/ann.pw"
check "audit: refused password writes are recorded with the rule" test \
    "$(ov_audit "(&(dwAuditTarget=$ANN)(dwAuditResult=19))" dwAuditDetail |
	grep -c '^password refused: ')" -ge 10
root_search -b "ou=audit,$B" -o ldif-wrap=no >"$T/audit.ldif"
grep -v '^$' "$T/secrets" | sort -u >"$T/secrets.u"
check_fail "no password in any client output" \
    grep -rF -f "$T/secrets.u" "$T/out"
check_fail "no password in the audit subtree" \
    grep -F -f "$T/secrets.u" "$T/audit.ldif"
check_fail "no password in slapd's log" \
    grep -F -f "$T/secrets.u" "$DW_STATE/slapd.log"
check_fail "no hash in the audit subtree" grep -E 'ARGON2|argon2id' \
    "$T/audit.ldif"

dw_done
