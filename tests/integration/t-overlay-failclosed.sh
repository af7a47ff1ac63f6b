#!/bin/sh
# When the audit entry cannot be written, the dramwell overlay fails
# closed: no bind succeeds (and a correct password answers exactly like a
# wrong one), and a write that the backend already applied is reported
# as LDAP_OTHER "audit log unavailable (the change was applied but not
# audited)", never as success.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

# An audit base that no database holds: every audit write fails.  (In
# slapd.conf the later setting wins.)
dw_start --overlay-option 'audit-base ou=audit,dc=nowhere'

ov_seed
check_match "seed: in-scope adds report the missing audit" \
    'Other \(e.g., implementation specific\) error \(80\)' "$(cat "$T/seed.out")"
check_match "seed: ... and say the change was applied" \
    'audit log unavailable \(the change was applied but not audited\)' \
    "$(cat "$T/seed.out")"
ANN=$(ov_dn ann)
check_match "seed: the entries were applied all the same" "^dn: $ANN" \
    "$(root_search -b "$ANN" -s base dn)"

ov_pwfile wrong 'Not-The-Password-1'
right=$(ov_whoami "$ANN" "$T/ann.pw")
check_match "bind with the right password fails (80)" \
    'ldap_bind: Other \(e.g., implementation specific\) error \(80\)' "$right"
check_match "... because the audit log is unavailable" \
    'audit log unavailable' "$right"
check_eq "a wrong password gets the very same answer" "$right" \
    "$(ov_whoami "$ANN" "$T/wrong.pw")"
check_eq "a deactivated account gets the very same answer" "$right" \
    "$(ov_whoami "$(ov_dn dan)" "$T/dan.pw")"
check_eq "probe: the failed bind leaves the connection anonymous" \
    "bind 1: 80 audit log unavailable
whoami: anonymous" "$("$OVPROBE" "$DW_URI" "$ANN" "$T/ann.pw")"

printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\nreplace: dwPasswordMinLength\ndwPasswordMinLength: 16\n' \
    "$DW_BASE" >"$T/pol.ldif"
root_modify -f "$T/pol.ldif" >"$T/pol.out" 2>&1
check_match "in-scope modify: applied but reported as LDAP_OTHER" \
    'error \(80\)' "$(cat "$T/pol.out")"
check_eq "the policy change was applied" "dwPasswordMinLength: 16" \
    "$(root_search -b "cn=security,ou=policy,$DW_BASE" -s base dwPasswordMinLength | grep '^dwP')"
printf 'dn: ou=sessions,%s\nchangetype: modify\nreplace: description\ndescription: x\n' \
    "$DW_BASE" >"$T/sess.ldif"
check "out-of-scope modify still succeeds" root_modify -f "$T/sess.ldif"
check "slapd logs why (no secrets)" grep -q \
    'dramwell: audit write under "ou=audit,dc=nowhere" failed' \
    "$DW_STATE/slapd.log"
check_fail "slapd log holds no password" grep -E \
    'Secret-000|Not-The-Password' "$DW_STATE/slapd.log"

# An audit base inside the audited database itself is a configuration
# error (an audit write would wait for the client write's own
# transaction): slapd does not start.
bad_port=$(dw_pick_port)
"$DW_SERVER" start --state "$T/bad" --port "$bad_port" \
    --overlay-option "audit-base ou=log,$DW_BASE" >"$T/bad.out" 2>&1
bad_rc=$?
[ "$bad_rc" -eq 0 ] && "$DW_SERVER" stop --state "$T/bad" >/dev/null 2>&1
check_fail "audit base inside the main database: slapd refuses to start" \
    test "$bad_rc" -eq 0
check "... and says why" grep -q \
    'must be the suffix of its own database' "$T/bad/slapd.log"

dw_done
