#!/bin/sh
# The dramwell overlay at bind: only "active" admins authenticate; every
# other state answers exactly like a wrong password, leaves the connection
# unauthenticated, and every simple bind is audited.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start
check "seed the tree" ov_seed
check "sam's malformed status, seeded offline" ov_sam_malformed

ANN=$(ov_dn ann)
ov_pwfile wrong 'Not-The-Password-1'

check_match "active admin binds" "^dn:$ANN\$" \
    "$(ov_whoami "$ANN" "$T/ann.pw")"

# Wrong password: the reference answer.
ref=$(ov_whoami "$ANN" "$T/wrong.pw")
check_match "wrong password: invalidCredentials" \
    'ldap_bind: Invalid credentials \(49\)' "$ref"
check_eq "wrong password: no diagnostic text" "" \
    "$(printf '%s\n' "$ref" | grep -i 'additional info' || true)"

for who in ivy dan mia sam; do
	dn=$(ov_dn "$who")
	check_eq "$who (right password) gets the wrong-password answer" \
	    "$ref" "$(ov_whoami "$dn" "$T/$who.pw")"
	check_eq "$who (wrong password) gets the wrong-password answer" \
	    "$ref" "$(ov_whoami "$dn" "$T/wrong.pw")"
done
check_eq "unknown admin gets the wrong-password answer" "$ref" \
    "$(ov_whoami "$(ov_dn nobody)" "$T/wrong.pw")"

# One connection: what identity is left after a refused bind?
check_eq "probe: active admin is bound" \
    "bind 1: 0 -
whoami: dn:$ANN" "$("$OVPROBE" "$DW_URI" "$ANN" "$T/ann.pw")"
check_eq "probe: refused (deactivated) bind leaves the connection anonymous" \
    "bind 1: 49 -
whoami: anonymous" "$("$OVPROBE" "$DW_URI" "$(ov_dn dan)" "$T/dan.pw")"
check_eq "probe: refused (invited) bind leaves the connection anonymous" \
    "bind 1: 49 -
whoami: anonymous" "$("$OVPROBE" "$DW_URI" "$(ov_dn ivy)" "$T/ivy.pw")"
check_eq "probe: bound, then a refused bind: anonymous, not either DN" \
    "bind 1: 0 -
bind 2: 49 -
whoami: anonymous" "$("$OVPROBE" "$DW_URI" "$ANN" "$T/ann.pw" \
    "$(ov_dn dan)" "$T/dan.pw")"

# The refused accounts cannot do anything as themselves either: a search
# bound with their password fails at the bind.
check_fail "deactivated admin cannot search" \
    ldapsearch -H "$DW_URI" -x -D "$(ov_dn dan)" -y "$T/dan.pw" \
    -b "$DW_BASE" -s base dn

# Non-admin entries bind through the backend (service account), audited.
check_match "service account binds" "^dn:cn=portal,ou=services" \
    "$(ov_whoami "cn=portal,ou=services,$DW_BASE" "$T/portal.pw")"

# --- the audit record of every bind ----------------------------------
n() { audit_count "$1"; }
bf="(dwAuditAction=bind)(dwAuditCategory=authentication)"
check_eq "audit: ann's three successful binds by TCP" 3 \
    "$(n "(&$bf(dwAuditActor=$ANN)(dwAuditTarget=$ANN)(dwAuditResult=0)(dwAuditClient=127.0.0.1)(dwAuditDetail=password verified))")"
check_eq "audit: ann's wrong password (1 ldapwhoami)" 1 \
    "$(n "(&$bf(dwAuditTarget=$ANN)(dwAuditResult=49)(dwAuditDetail=wrong password))")"
check_eq "audit: dan refused as deactivated (2 whoami, 2 probes, 1 search)" 5 \
    "$(n "(&$bf(dwAuditActor=$(ov_dn dan))(dwAuditResult=49)(dwAuditDetail=account deactivated))")"
check_eq "audit: dan's wrong password is recorded as such too" 1 \
    "$(n "(&$bf(dwAuditActor=$(ov_dn dan))(dwAuditDetail=account deactivated)(dwAuditDetail=wrong password))")"
check_eq "audit: ivy refused as invited" 3 \
    "$(n "(&$bf(dwAuditTarget=$(ov_dn ivy))(dwAuditResult=49)(dwAuditDetail=account invited))")"
check_eq "audit: mia refused, status missing" 2 \
    "$(n "(&$bf(dwAuditTarget=$(ov_dn mia))(dwAuditResult=49)(dwAuditDetail=account status missing))")"
check_eq "audit: sam refused, status malformed" 2 \
    "$(n "(&$bf(dwAuditTarget=$(ov_dn sam))(dwAuditResult=49)(dwAuditDetail=account status malformed))")"
check_eq "audit: unknown entry" 1 \
    "$(n "(&$bf(dwAuditTarget=$(ov_dn nobody))(dwAuditResult=49))")"
check_eq "audit: service account bind" 1 \
    "$(n "(&$bf(dwAuditTarget=cn=portal,ou=services,$DW_BASE)(dwAuditResult=0))")"

# A simple bind over ldapi is recorded with client "ldapi".
ldapwhoami -H "$DW_LDAPI_URI" -x -D "$ANN" -y "$T/ann.pw" >/dev/null 2>&1
check_eq "audit: ldapi bind has client ldapi" 1 \
    "$(n "(&$bf(dwAuditTarget=$ANN)(dwAuditClient=ldapi))")"

# No password, cleartext or hashed, in any audit entry.
root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no >"$T/audit.ldif"
check_fail "audit holds no password" grep -E \
    'Secret-000|Not-The-Password|ARGON2|argon2id' "$T/audit.ldif"

# Every audit id is unique and the entries are dwAuditEvents.
check_eq "audit ids unique" "" \
    "$(ov_audit '(objectClass=dwAuditEvent)' dwAuditId | sort | uniq -d)"
check_match "audit time has microseconds" \
    '^[0-9]{14}\.[0-9]{6}Z$' "$(ov_audit "(dwAuditTarget=$ANN)" dwAuditTime | head -n 1)"

# Concurrent binds: one entry each, all ids distinct.
before=$(n "(&$bf(dwAuditTarget=$ANN))")
i=0
pids=
while [ $i -lt 16 ]; do
	ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw" >/dev/null 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
okc=0
for p in $pids; do wait "$p" && okc=$((okc + 1)); done
check_eq "16 concurrent binds succeed" 16 "$okc"
check_eq "16 concurrent binds, 16 audit entries" $((before + 16)) \
    "$(n "(&$bf(dwAuditTarget=$ANN))")"
check_eq "audit ids still unique" "" \
    "$(ov_audit '(objectClass=dwAuditEvent)' dwAuditId | sort | uniq -d)"

dw_done
