#!/bin/sh
# The dramwell overlay stores passwords only as {ARGON2} argon2id with the
# configured parameters: cleartext on add, on modify and through the
# RFC 3062 password-modify exop is hashed; pre-hashed values are refused;
# dwPasswordChangedTime is the server's to set.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

# Non-default parameters, to see that the overlay's settings are used.
dw_start --argon2-memory 20480 --argon2-iterations 3
check "seed the tree" ov_seed

ANN=$(ov_dn ann)
DAN=$(ov_dn dan)
n() { audit_count "$1"; }
PORTAL="cn=portal,ou=services,$DW_BASE"
A2='^\{ARGON2\}\$argon2id\$v=19\$m=20480,t=3,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$'

# Root can read the stored values (the ACLs hide them from everyone else).
pw_of() {
	root_search -b "$1" -s base -o ldif-wrap=no userPassword |
	    sed -n 's/^userPassword:: //p' | base64 -d
}
pct_of() {
	root_search -b "$1" -s base dwPasswordChangedTime |
	    sed -n 's/^dwPasswordChangedTime: //p'
}

check_match "add: admin password stored as argon2id (m=20480,t=3)" "$A2" \
    "$(pw_of "$ANN")"
check_match "add: service account password hashed too" "$A2" \
    "$(pw_of "$PORTAL")"
check_match "add: dwPasswordChangedTime stamped on the admin" \
    '^[0-9]{14}Z$' "$(pct_of "$ANN")"
check_eq "add: no dwPasswordChangedTime on a non-admin entry" "" \
    "$(pct_of "$PORTAL")"
check_match "hashed password binds" "^dn:$ANN\$" \
    "$(ov_whoami "$ANN" "$T/ann.pw")"

modify_as() {	# DN PWFILE LDAPMODIFY-ARGS...
	d=$1 p=$2
	shift 2
	ldapmodify -H "$DW_URI" -x -D "$d" -y "$p" "$@"
}

# --- modify ---------------------------------------------------------
ov_pwfile ann2 'Gold-Second-0007'
old=$(pw_of "$ANN")
old_pct=$(pct_of "$ANN")
{ printf 'dn: %s\nchangetype: modify\nreplace: userPassword\n' "$ANN"
  printf 'userPassword: %s\n' "$(cat "$T/ann2.pw")"; } >"$T/m1.ldif"
# dwPasswordChangedTime has one-second resolution: wait for the next
# second by polling the clock, so the new stamp must differ.
t0=$(date +%s); while [ "$(date +%s)" = "$t0" ]; do :; done
check "modify: self replaces the password in cleartext" \
    modify_as "$ANN" "$T/ann.pw" -f "$T/m1.ldif"
new=$(pw_of "$ANN")
check_match "modify: stored as argon2id" "$A2" "$new"
check_fail "modify: stored value changed" test "$old" = "$new"
check_fail "modify: dwPasswordChangedTime restamped" \
    test "$old_pct" = "$(pct_of "$ANN")"
check "modify: new password binds" \
    ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann2.pw"
check_fail "modify: old password no longer binds" \
    ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw"

# add (not replace) by root, on another admin
ov_pwfile dan2 'Rust-Second-0008'
{ printf 'dn: %s\nchangetype: modify\ndelete: userPassword\n-\n' "$DAN"
  printf 'add: userPassword\nuserPassword: %s\n' "$(cat "$T/dan2.pw")"; } \
    >"$T/m2.ldif"
check "modify: root deletes the attribute and adds a cleartext value" \
    root_modify -f "$T/m2.ldif"
check_match "modify add: stored as argon2id" "$A2" "$(pw_of "$DAN")"

# Pre-hashed values are refused, and the refusal never echoes the value.
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: {SSHA}c2VjcmV0c2VjcmV0c2FsdA==\n' \
    "$ANN" >"$T/ssha.ldif"
root_modify -f "$T/ssha.ldif" >"$T/ssha.out" 2>&1
check_match "modify: {SSHA} refused with constraintViolation" \
    'Constraint violation \(19\)' "$(cat "$T/ssha.out")"
check_match "modify: the refusal says why" 'pre-hashed' "$(cat "$T/ssha.out")"
check_fail "modify: the refusal does not echo the value" \
    grep -q 'c2VjcmV0' "$T/ssha.out"
check_match "modify: stored password unchanged after the refusal" "$A2" \
    "$(pw_of "$ANN")"
printf 'dn: %s\nchangetype: modify\nadd: userPassword\nuserPassword: {ARGON2}$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g\n' \
    "$PORTAL" >"$T/argon.ldif"
check_fail "modify: a client-made {ARGON2} value is refused too" \
    root_modify -f "$T/argon.ldif"

{ printf 'dn: uid=zed@dramwell.ai,ou=admins,%s\n' "$DW_BASE"
  printf 'objectClass: inetOrgPerson\nobjectClass: dwAdminUser\n'
  printf 'uid: zed@dramwell.ai\ncn: zed\nsn: zed\ndwRole: support\n'
  printf 'dwAccountStatus: active\nuserPassword: {CRYPT}abcdefgh\n'; } \
    >"$T/zed.ldif"
root_add -f "$T/zed.ldif" >"$T/zed.out" 2>&1
check_match "add: {CRYPT} value refused with constraintViolation" \
    'Constraint violation \(19\)' "$(cat "$T/zed.out")"
check_eq "add: the refused entry does not exist" "" \
    "$(root_search -b "uid=zed@dramwell.ai,ou=admins,$DW_BASE" -s base dn 2>/dev/null)"

# A password in an RDN would put it into every DN (and the audit log).
# (slapd's own stats log records every request DN: nothing to do there.)
printf 'dn: userPassword=Rdn-Value-0011,ou=admins,%s\nobjectClass: simpleSecurityObject\nobjectClass: account\nuid: x\nuserPassword: Rdn-Value-0011\n' \
    "$DW_BASE" >"$T/rdn.ldif"
root_add -f "$T/rdn.ldif" >"$T/rdn.out" 2>&1
check_match "add: a password in the RDN is refused" \
    'Constraint violation \(19\)' "$(cat "$T/rdn.out")"
check "modrdn to a password RDN is refused" sh -c "! ldapmodrdn \
    -H '$DW_LDAPI_URI' -Y EXTERNAL -Q '$PORTAL' userPassword=Rdn-Value-0011"
check_eq "audit: that refusal does not record the DN" 0 \
    "$(n "(dwAuditTarget=*Rdn-Value*)")"

# Deleting named values: the client cannot name a hash it never sent.
printf 'dn: %s\nchangetype: modify\ndelete: userPassword\nuserPassword: %s\n' \
    "$DAN" "$(cat "$T/dan2.pw")" >"$T/delval.ldif"
root_modify -f "$T/delval.ldif" >"$T/delval.out" 2>&1
check_match "modify: deleting a userPassword value is refused" \
    'unwilling to perform \(53\)' "$(cat "$T/delval.out")"
check_fail "modify: that refusal does not echo the value" \
    grep -q 'Rust-Second' "$T/delval.out"

# dwPasswordChangedTime belongs to the server: refused from clients (a
# super-admin here); the rootdn may set it (tests age a password so).
printf 'dn: %s\nchangetype: modify\nreplace: dwPasswordChangedTime\ndwPasswordChangedTime: 20000101000000Z\n' \
    "$DAN" >"$T/pct.ldif"
modify_as "$ANN" "$T/ann2.pw" -f "$T/pct.ldif" >"$T/pct.out" 2>&1
check_match "modify: client dwPasswordChangedTime refused" \
    'Constraint violation \(19\)' "$(cat "$T/pct.out")"
check_match "modify: the refusal names the attribute" \
    'dwPasswordChangedTime is maintained by the server' "$(cat "$T/pct.out")"
check_fail "modify: dwPasswordChangedTime unchanged" \
    test "$(pct_of "$DAN")" = 20000101000000Z
check "modify: the rootdn may set dwPasswordChangedTime" \
    root_modify -f "$T/pct.ldif"
check_eq "modify: the rootdn's value stored" 20000101000000Z "$(pct_of "$DAN")"

# --- the password-modify exop (ldappasswd) ---------------------------
ov_pwfile ann3 'Gold-Third-0009'
before=$(pw_of "$ANN")
check "exop: ann changes her own password (old and new from files)" \
    ldappasswd -H "$DW_URI" -x -D "$ANN" -y "$T/ann2.pw" \
    -t "$T/ann2.pw" -T "$T/ann3.pw" "$ANN"
after=$(pw_of "$ANN")
check_match "exop: stored as argon2id with the overlay's parameters" \
    "$A2" "$after"
check_fail "exop: stored value changed" test "$before" = "$after"
check "exop: new password binds" \
    ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann3.pw"
check_fail "exop: old password no longer binds" \
    ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann2.pw"
ov_pwfile portal2 'Portal-Second-0010'
check "exop: root resets the service account's password over ldapi" \
    ldappasswd -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -T "$T/portal2.pw" "$PORTAL"
check_match "exop (root): stored as argon2id" "$A2" "$(pw_of "$PORTAL")"
check "exop (root): new service password binds" \
    ldapwhoami -H "$DW_URI" -x -D "$PORTAL" -y "$T/portal2.pw"
# A password that looks like "{SCHEME}..." is refused even through the
# exop?  No: the exop carries a password, never a stored form, so any
# text is hashed.
ov_pwfile braces '{SSHA}looks-like-a-hash'
check "exop: a password that merely looks hashed is hashed" \
    ldappasswd -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -T "$T/braces.pw" "$PORTAL"
check_match "exop: that one is stored as argon2id" "$A2" "$(pw_of "$PORTAL")"
check "exop: and binds" \
    ldapwhoami -H "$DW_URI" -x -D "$PORTAL" -y "$T/braces.pw"

# --- audit of these writes -------------------------------------------
check_eq "audit: ann's cleartext modify" 1 \
    "$(n "(&(dwAuditAction=modify)(dwAuditActor=$ANN)(dwAuditTarget=$ANN)(dwAuditResult=0)(dwAuditClient=127.0.0.1)(dwAuditDetail=attributes: userPassword))")"
check_eq "audit: ann's exop" 1 \
    "$(n "(&(dwAuditAction=passwd)(dwAuditCategory=configuration)(dwAuditActor=$ANN)(dwAuditTarget=$ANN)(dwAuditResult=0))")"
check_eq "audit: the refused {SSHA} modify (root, ldapi, 19)" 1 \
    "$(n "(&(dwAuditAction=modify)(dwAuditActor=$DW_ROOTDN)(dwAuditTarget=$ANN)(dwAuditResult=19)(dwAuditClient=ldapi))")"
check_eq "audit: the refused {CRYPT} add" 1 \
    "$(n "(&(dwAuditAction=add)(dwAuditTarget=uid=zed@dramwell.ai,ou=admins,$DW_BASE)(dwAuditResult=19))")"
check_eq "audit: the refused value delete" 1 \
    "$(n "(&(dwAuditAction=modify)(dwAuditTarget=$DAN)(dwAuditResult=53))")"
check_eq "audit: writes outside admins/roles/policy are not audited" 0 \
    "$(n "(&(dwAuditTarget=$PORTAL)(!(dwAuditAction=bind)))")"
root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no >"$T/audit.ldif"
check_fail "audit holds no password" grep -E \
    'Secret-00|-Second-00|Third-0009|looks-like|ARGON2|argon2id|SSHA\}c2' \
    "$T/audit.ldif"
check_fail "slapd log holds no password" grep -E \
    'Secret-00|-Second-00|Third-0009|looks-like' "$DW_STATE/slapd.log"

dw_done
