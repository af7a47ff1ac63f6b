#!/bin/sh
# Invitations through plain LDAP tools and the dwAcceptInvite extended
# operation (tests/integration/dwaccept): the directory keeps only the
# token's hash, the server stamps the expiry, the accept sets the password
# and activates the account once, resend and revoke kill the old token,
# an expired invitation fails (time moved by editing the stored expiry
# offline, then the real accept path), a weak password leaves the token
# usable, 20 concurrent accepts of one token give exactly one success, and
# no token or password reaches the audit log or slapd's log.
. "$DW_TEST_LIB"

DWACCEPT=${DW_TOP_BUILDDIR:?}/tests/integration/dwaccept
GENERIC='invalid or expired invitation'

dw_start
B=$DW_BASE
ADMINS="ou=admins,$B"
ALICE="uid=alice@dramwell.ai,$ADMINS"

umask 077
printf '%s' 'Harbor-Pass-2024!' >"$T/alice.pw"
printf '%s\n' "$(cat "$T/alice.pw")" | "$DWADM" -H "$DW_LDAPI_URI" \
    -Y EXTERNAL init --admin alice@dramwell.ai --name "Alice Admin" \
    --service-secret "$T/portal.secret" --password-stdin \
    >"$T/init.out" 2>&1 || {
	cat "$T/init.out"
	say "Bail out! dwadm init failed"
	exit 1
}

# Every token and password of this test, to grep the logs for at the end.
: >"$T/secrets"
# newtok NAME: a fresh token (32 random bytes, unpadded base64url) in
# $T/NAME.tok; never on a command line.
newtok() {
	head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=\n' \
	    >"$T/$1.tok"
	cat "$T/$1.tok" >>"$T/secrets"
	echo >>"$T/secrets"
}
# tokhash NAME: BLAKE2b-256 of the token, computed independently.
tokhash() {
	python3 -c 'import hashlib, sys
print(hashlib.blake2b(sys.stdin.buffer.read(), digest_size=32).hexdigest())' \
	    <"$T/$1.tok"
}
newpw() {	# NAME PASSWORD
	printf '%s' "$2" >"$T/$1.pw"
	printf '%s\n' "$2" >>"$T/secrets"
}
dn_of() { printf 'uid=%s@dramwell.ai,%s' "$1" "$ADMINS"; }
as_alice() { "$@" -H "$DW_URI" -x -D "$ALICE" -y "$T/alice.pw"; }
attr_of() {	# DN ATTR: its values, as root
	root_search -b "$1" -s base -o ldif-wrap=no "$2" |
	    sed -n "s/^$2: //p"
}
# invite_ldif NAME TOKFILE [EXTRA LINE]...
invite_ldif() {
	n=$1 tf=$2
	shift 2
	printf 'dn: %s\nobjectClass: inetOrgPerson\nobjectClass: dwAdminUser\n' \
	    "$(dn_of "$n")"
	printf 'uid: %s@dramwell.ai\nmail: %s@dramwell.ai\ncn: %s\nsn: %s\n' \
	    "$n" "$n" "$n" "$n"
	printf 'dwRole: support\ndwAccountStatus: invited\n'
	[ -n "$tf" ] && printf 'dwInviteToken: %s\n' "$(cat "$tf")"
	for l in "$@"; do printf '%s\n' "$l"; done
}
invite() {	# NAME: alice invites NAME with a fresh token $T/NAME.tok
	newtok "$1"
	invite_ldif "$1" "$T/$1.tok" >"$T/$1.ldif"
	as_alice ldapadd -f "$T/$1.ldif"
}
# accept TOKFILE PWFILE: the exop, anonymous; prints "accept: CODE TEXT"
accept() {
	{ cat "$1"; echo; cat "$2"; echo; } | "$DWACCEPT" "$DW_URI" 2>&1
}
n() { audit_count "$1"; }
now() { date -u +%s; }
gt2epoch() {	# YYYYMMDDHHMMSSZ -> seconds
	echo "$1" | sed -E 's/^(....)(..)(..)(..)(..)(..)Z$/\1-\2-\3 \4:\5:\6 UTC/' |
	    xargs -I{} date -u -d {} +%s
}

# --- invite ------------------------------------------------------------
t0=$(now)
check "alice invites bob with ldapadd" invite bob
BOB=$(dn_of bob)
check_eq "the stored hash is BLAKE2b-256 of the token" "$(tokhash bob)" \
    "$(attr_of "$BOB" dwInviteTokenHash)"
check_eq "the token itself is not stored" "" \
    "$(root_search -b "$BOB" -s base -o ldif-wrap=no '*' + |
	grep -F -f "$T/bob.tok")"
check_eq "no dwInviteToken attribute" "" "$(attr_of "$BOB" dwInviteToken)"
check_eq "dwInvitedBy is the inviter" "$ALICE" "$(attr_of "$BOB" dwInvitedBy)"
check_eq "no password on the invitation" "" \
    "$(root_search -b "$BOB" -s base userPassword | grep -i '^userPassword')"
exp=$(gt2epoch "$(attr_of "$BOB" dwInviteExpires)")
t1=$(now)
check "expiry stamped by the server: now + 24 h (the default)" \
    test "$exp" -ge $((t0 + 86400)) -a "$exp" -le $((t1 + 86400))
check_eq "alice cannot read the hash (ACL)" "" \
    "$(as_alice ldapsearch -LLL -b "$BOB" -s base dwInviteTokenHash |
	grep -i '^dwInviteTokenHash')"
check_fail "the invited account cannot bind" \
    ldapwhoami -H "$DW_URI" -x -D "$BOB" -y "$T/alice.pw"

# --- refused invitations ---------------------------------------------------
refused() {	# DESC CODE-REGEX TEXT-REGEX NAME LDIF-FILE
	as_alice ldapadd -f "$5" >"$T/ref.out" 2>&1
	check_match "$1: refused" "$2" "$(cat "$T/ref.out")"
	check_match "$1: says why" "$3" "$(cat "$T/ref.out")"
	check_eq "$1: no entry" "" \
	    "$(root_search -b "$(dn_of "$4")" -s base dn 2>/dev/null)"
}
newtok x1
invite_ldif cy "$T/x1.tok" 'dwInviteExpires: 20991231000000Z' >"$T/r1.ldif"
refused "client-supplied dwInviteExpires" 'Constraint violation \(19\)' \
    'maintained by the server' cy "$T/r1.ldif"
invite_ldif cy "$T/x1.tok" "dwInviteTokenHash: $(tokhash x1)" >"$T/r2.ldif"
refused "client-supplied dwInviteTokenHash" 'Constraint violation \(19\)' \
    'maintained by the server' cy "$T/r2.ldif"
invite_ldif cy "$T/x1.tok" "dwInvitedBy: $ALICE" >"$T/r3.ldif"
refused "client-supplied dwInvitedBy" 'Constraint violation \(19\)' \
    'maintained by the server' cy "$T/r3.ldif"
invite_ldif cy "$T/x1.tok" 'userPassword: Cy-Password-2024!' >"$T/r4.ldif"
printf '%s\n' 'Cy-Password-2024!' >>"$T/secrets"
refused "invitation with a password" 'Constraint violation \(19\)' \
    'no password' cy "$T/r4.ldif"
printf 'short-token' >"$T/short.tok"
invite_ldif cy "$T/short.tok" >"$T/r5.ldif"
refused "a short token" 'Constraint violation \(19\)' \
    'must be 43 base64url characters \(256 bits\)' cy "$T/r5.ldif"
invite_ldif cy "" >"$T/r6.ldif"
refused "invited add without a token" 'Constraint violation \(19\)' \
    'invitation token' cy "$T/r6.ldif"
invite_ldif cy "$T/x1.tok" | sed 's/^dwAccountStatus: invited/dwAccountStatus: active/' \
    >"$T/r7.ldif"
# (refused by the status rule first: a client adds invited accounts only)
refused "a token on an active add" 'Server is unwilling to perform \(53\)' \
    'added only by invitation' cy "$T/r7.ldif"
invite_ldif cy "$T/x1.tok" | sed 's/^dn: uid=cy@/dn: uid=Cy@/' >"$T/r8.ldif"
refused "an upper-case e-mail DN" 'Constraint violation \(19\)' \
    'lower case' cy "$T/r8.ldif"
printf 'dn: cn=portal,ou=services,%s\nchangetype: modify\nreplace: dwInviteToken\ndwInviteToken: %s\n' \
    "$B" "$(cat "$T/x1.tok")" >"$T/r9.ldif"
root_modify -f "$T/r9.ldif" >"$T/r9.out" 2>&1
check_match "a token elsewhere (service account, even as root): refused" \
    'not a pending invitation|Constraint violation' "$(cat "$T/r9.out")"
as_alice ldapadd -f "$T/bob.ldif" >"$T/dup.out" 2>&1
check_match "a second invitation for the same address" \
    'Already exists \(68\)' "$(cat "$T/dup.out")"
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteExpires\ndwInviteExpires: 20991231000000Z\n' \
    "$BOB" >"$T/m1.ldif"
root_modify -f "$T/m1.ldif" >"$T/m1.out" 2>&1
check_match "root cannot extend an invitation (modify dwInviteExpires)" \
    'Constraint violation \(19\).*|maintained by the server' \
    "$(cat "$T/m1.out")"

# --- accept ----------------------------------------------------------
newtok junk
newpw weak 'Wk-1x'
newpw bob 'Pine-Accepted-2024!'
check_eq "an unknown token: the generic error" "accept: 49 $GENERIC" \
    "$(accept "$T/junk.tok" "$T/bob.pw")"
printf 'not-a-token' >"$T/bad.tok"
check_eq "a malformed token: the same generic error" "accept: 49 $GENERIC" \
    "$(accept "$T/bad.tok" "$T/bob.pw")"
out=$(accept "$T/bob.tok" "$T/weak.pw")
check_match "a weak password: constraintViolation naming the rule" \
    '^accept: 19 password refused: [a-z ]*too short \(the security policy asks for at least 12 characters' \
    "$out"
check_eq "after the weak password bob is still invited" invited \
    "$(attr_of "$BOB" dwAccountStatus)"
check_eq "bob accepts with his token" "accept: 0 -" \
    "$(accept "$T/bob.tok" "$T/bob.pw")"
check_eq "bob is active" active "$(attr_of "$BOB" dwAccountStatus)"
check_eq "hash and expiry are gone" "" \
    "$(attr_of "$BOB" dwInviteTokenHash)$(attr_of "$BOB" dwInviteExpires)"
check_match "the password is stored as argon2id" '^\{ARGON2\}\$argon2id\$' \
    "$(root_search -b "$BOB" -s base -o ldif-wrap=no userPassword |
	sed -n 's/^userPassword:: //p' | base64 -d)"
check_match "dwPasswordChangedTime stamped" '^[0-9]{14}Z$' \
    "$(attr_of "$BOB" dwPasswordChangedTime)"
check_match "bob binds with the new password" "^dn:$BOB\$" \
    "$(ldapwhoami -H "$DW_URI" -x -D "$BOB" -y "$T/bob.pw" 2>&1)"
check_eq "the token fails a second time" "accept: 49 $GENERIC" \
    "$(accept "$T/bob.tok" "$T/bob.pw")"
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteToken\ndwInviteToken: %s\n' \
    "$BOB" "$(cat "$T/x1.tok")" >"$T/rs0.ldif"
as_alice ldapmodify -f "$T/rs0.ldif" >"$T/rs0.out" 2>&1
check_match "a resend to an active account: not a pending invitation" \
    'unwilling to perform \(53\).*|not a pending invitation' \
    "$(cat "$T/rs0.out")"

# malformed requests (hex of the request value)
accept_raw() { printf '%s' "$1" | "$DWACCEPT" -x "$DW_URI" 2>&1; }
check_match "a request without the password: protocolError" '^accept: 2 ' \
    "$(accept_raw 3003040141)"
check_match "trailing bytes after the sequence: protocolError" \
    '^accept: 2 ' "$(accept_raw 3006040141040142ff)"
check_match "a wrong inner tag: protocolError" '^accept: 2 ' \
    "$(accept_raw 3006020141040142)"
check_match "an empty request value: protocolError" '^accept: 2 ' \
    "$(accept_raw '')"

# --- resend ------------------------------------------------------------
check "alice invites carol" invite carol
CAROL=$(dn_of carol)
cp "$T/carol.tok" "$T/carol1.tok"
old_exp=$(attr_of "$CAROL" dwInviteExpires)
newtok carol2
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteToken\ndwInviteToken: %s\n' \
    "$CAROL" "$(cat "$T/carol2.tok")" >"$T/rs1.ldif"
# one-second resolution: wait for the next second (polling the clock)
s0=$(now); while [ "$(now)" = "$s0" ]; do :; done
check "alice resends with ldapmodify (replace: dwInviteToken)" \
    as_alice ldapmodify -f "$T/rs1.ldif"
check_eq "the stored hash is the new token's" "$(tokhash carol2)" \
    "$(attr_of "$CAROL" dwInviteTokenHash)"
check_fail "a new expiry" test "$old_exp" = "$(attr_of "$CAROL" dwInviteExpires)"
check_eq "carol still invited" invited "$(attr_of "$CAROL" dwAccountStatus)"
newpw carol 'Cedar-Accepted-2024!'
check_eq "the old token fails at once" "accept: 49 $GENERIC" \
    "$(accept "$T/carol1.tok" "$T/carol.pw")"
{ printf 'dn: %s\nchangetype: modify\nreplace: dwInviteToken\ndwInviteToken: %s\n-\n' \
    "$CAROL" "$(cat "$T/x1.tok")"
  printf 'replace: cn\ncn: Carol\n'; } >"$T/rs2.ldif"
as_alice ldapmodify -f "$T/rs2.ldif" >"$T/rs2.out" 2>&1
check_match "a resend combined with another change is refused" \
    'Constraint violation \(19\)' "$(cat "$T/rs2.out")"
check_eq "the new token works" "accept: 0 -" \
    "$(accept "$T/carol2.tok" "$T/carol.pw")"

# --- revoke ----------------------------------------------------------
check "alice invites dave" invite dave
check "alice revokes dave's invitation (ldapdelete)" \
    as_alice ldapdelete "$(dn_of dave)"
newpw dave 'Maple-Accepted-2024!'
check_eq "a revoked token fails" "accept: 49 $GENERIC" \
    "$(accept "$T/dave.tok" "$T/dave.pw")"

# --- the policy's lifetime, read on every invite ---------------------------
printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\nreplace: dwInviteLifetime\ndwInviteLifetime: 300\n' \
    "$B" >"$T/pol.ldif"
check "root sets dwInviteLifetime to its minimum (300 s)" \
    root_modify -f "$T/pol.ldif"
t0=$(now)
check "alice invites frank" invite frank
exp=$(gt2epoch "$(attr_of "$(dn_of frank)" dwInviteExpires)")
t1=$(now)
check "frank's invitation expires in 300 s" \
    test "$exp" -ge $((t0 + 300)) -a "$exp" -le $((t1 + 300))

# --- expiry: move erin's stored expiry into the past offline ------------
check "alice invites erin" invite erin
ERIN=$(dn_of erin)
newpw erin 'Birch-Accepted-2024!'
dw_stop
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteExpires\ndwInviteExpires: 20200101000000Z\n' \
    "$ERIN" >"$T/past.ldif"
check "slapmodify (server stopped) moves erin's expiry into the past" \
    slapmodify -g -q -f "$T/srv/slapd.conf" -b "$B" -l "$T/past.ldif"
dw_start
check_eq "the expired token: the generic error" "accept: 49 $GENERIC" \
    "$(accept "$T/erin.tok" "$T/erin.pw")"
check_eq "erin still invited" invited "$(attr_of "$ERIN" dwAccountStatus)"
newtok erin2
printf 'dn: %s\nchangetype: modify\nreplace: dwInviteToken\ndwInviteToken: %s\n' \
    "$ERIN" "$(cat "$T/erin2.tok")" >"$T/rs3.ldif"
check "a resend renews the expired invitation" as_alice ldapmodify -f "$T/rs3.ldif"
check_eq "the renewed token works" "accept: 0 -" \
    "$(accept "$T/erin2.tok" "$T/erin.pw")"

# --- 20 concurrent accepts of one token ----------------------------------
check "alice invites gina" invite gina
newpw gina 'Aspen-Accepted-2024!'
rm -f "$T/go"
i=0
pids=
while [ $i -lt 20 ]; do
	{ cat "$T/gina.tok"; echo; cat "$T/gina.pw"; echo; } |
	    "$DWACCEPT" -w "$T/go" "$DW_URI" >"$T/race.$i" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
: >"$T/go"
for p in $pids; do wait "$p"; done
check_eq "20 concurrent accepts: exactly one success" 1 \
    "$(cat "$T"/race.* | grep -c '^accept: 0 -$')"
check_eq "20 concurrent accepts: 19 get the generic error" 19 \
    "$(cat "$T"/race.* | grep -c "^accept: 49 $GENERIC\$")"
check_match "gina binds" "^dn:$(dn_of gina)\$" \
    "$(ldapwhoami -H "$DW_URI" -x -D "$(dn_of gina)" -y "$T/gina.pw" 2>&1)"

# --- a policy without the values needed: fail closed (edited offline) ----
check "alice invites ivan" invite ivan
newpw ivan 'Larch-Accepted-2024!'
dw_stop
printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\ndelete: dwInviteLifetime\n-\ndelete: dwPasswordMinLength\n' \
    "$B" >"$T/pol2.ldif"
check "slapmodify (server stopped) deletes two policy values" \
    slapmodify -g -q -f "$T/srv/slapd.conf" -b "$B" -l "$T/pol2.ldif"
dw_start
newtok hal
invite_ldif hal "$T/hal.tok" >"$T/hal.ldif"
# A damaged policy stops admin logins too (fail closed): the rootdn, the
# one writer left, is refused the invitation.
check_fail "no dwPasswordMinLength: alice cannot log in" \
    ldapwhoami -H "$DW_URI" -x -D "$ALICE" -y "$T/alice.pw"
root_add -f "$T/hal.ldif" >"$T/hal.out" 2>&1
check_match "no dwInviteLifetime: invitations refused" \
    'unwilling to perform \(53\)' "$(cat "$T/hal.out")"
check_match "no dwInviteLifetime: the refusal says why" \
    'security policy is missing or malformed' "$(cat "$T/hal.out")"
check_match "no dwPasswordMinLength: accepts refused (53)" \
    '^accept: 53 the security policy is missing or malformed' \
    "$(accept "$T/ivan.tok" "$T/ivan.pw")"
check_eq "ivan still invited" invited "$(attr_of "$(dn_of ivan)" dwAccountStatus)"

# --- audit -----------------------------------------------------------------
check_eq "audit: bob's invitation (actor alice)" 1 \
    "$(n "(&(dwAuditAction=invite)(dwAuditActor=$ALICE)(dwAuditTarget=$BOB)(dwAuditResult=0))")"
check "audit: the refused invitations are recorded with their reason" \
    test "$(n "(&(dwAuditAction=invite)(dwAuditResult=19)(dwAuditDetail=dwInviteTokenHash, dwInviteExpires and dwInvitedBy are maintained by the server))")" -eq 3
check_eq "audit: carol's resend" 1 \
    "$(n "(&(dwAuditAction=resend-invite)(dwAuditActor=$ALICE)(dwAuditTarget=$CAROL)(dwAuditResult=0))")"
check_eq "audit: the refused resend to bob" 1 \
    "$(n "(&(dwAuditAction=resend-invite)(dwAuditTarget=$BOB)(dwAuditResult=53))")"
check_eq "audit: dave's revocation" 1 \
    "$(n "(&(dwAuditAction=revoke-invite)(dwAuditActor=$ALICE)(dwAuditTarget=$(dn_of dave))(dwAuditResult=0))")"
check_eq "audit: bob's accept (actor and target bob)" 1 \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditActor=$BOB)(dwAuditTarget=$BOB)(dwAuditResult=0))")"
check_eq "audit: the weak password" 1 \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditTarget=$BOB)(dwAuditResult=19)(dwAuditDetail=weak password))")"
check_eq "audit: the expired token" 1 \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditTarget=$ERIN)(dwAuditResult=49)(dwAuditDetail=expired))")"
check "audit: unknown tokens" test \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditResult=49)(dwAuditDetail=unknown token))")" -ge 24
check_eq "audit: gina's race, one success" 1 \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditTarget=$(dn_of gina))(dwAuditResult=0))")"
check_eq "audit: malformed requests" 4 \
    "$(n "(&(dwAuditAction=accept-invite)(dwAuditResult=2)(dwAuditDetail=malformed request))")"

# --- no secret anywhere ------------------------------------------------
root_search -b "ou=audit,$B" -o ldif-wrap=no '*' + >"$T/audit.ldif"
root_search -b "$B" -o ldif-wrap=no '*' + >"$T/all.ldif"
sed -i '/^$/d' "$T/secrets"
check_fail "no token or password in the audit subtree" \
    grep -F -f "$T/secrets" "$T/audit.ldif"
check_fail "no token or password in the directory" \
    grep -F -f "$T/secrets" "$T/all.ldif"
check_fail "no token or password in slapd.log" \
    grep -F -f "$T/secrets" "$DW_STATE/slapd.log"

dw_done
