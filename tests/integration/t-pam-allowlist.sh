#!/bin/sh
# pam_dramwell and the IP allowlist: PAM_RHOST is checked against the
# policy's dwIpAllowlist by authenticate and by acct_mgmt (missing or not
# an IP address: refused whenever a list is set; IPv4-mapped IPv6 matches
# IPv4 ranges); a refused address gets the same prompts and PAM_AUTH_ERR
# and no user bind; an allowed one reaches the overlay in the Session
# Tracking control (the audit names the end user's address); a policy
# change holds for the very next attempt.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
alice_dn=uid=alice@dramwell.ai,ou=admins,$DW_BASE
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5

# expect_allowed DESC RHOST...: authenticate and acct_mgmt succeed.
expect_allowed() {
	ea_desc=$1; shift
	drive dw alice@dramwell.ai "$PW_ALICE" -e "$@" authenticate acct_mgmt
	check_eq "$ea_desc: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
	check_eq "$ea_desc: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
	check_match "$ea_desc: role exported" '^env DRAMWELL_ROLE=super-admin$' \
	    "$DRIVE_OUT"
}

# expect_refused DESC PAMDRIVE-OPTION...: authenticate refused with the
# same prompts and no user bind; acct_mgmt refused, nothing exported.
expect_refused() {
	er_desc=$1; shift
	er_u0=$(user_bind_count)
	drive dw alice@dramwell.ai "$PW_ALICE" "$@" authenticate
	check_eq "$er_desc: authenticate PAM_AUTH_ERR" PAM_AUTH_ERR \
	    "$DRIVE_authenticate"
	check_eq "$er_desc: the usual prompts" "$SEQ_LOGIN" "$DRIVE_SEQ"
	check_eq "$er_desc: no user bind" "$er_u0" "$(user_bind_count)"
	drive dw alice@dramwell.ai "" -e "$@" acct_mgmt
	check_eq "$er_desc: acct_mgmt PAM_PERM_DENIED" PAM_PERM_DENIED \
	    "$DRIVE_acct_mgmt"
	check_fail "$er_desc: no role exported" grep -Eq "DRAMWELL_(ROLE|PERMISSIONS)" "$T/drive.out"
}

# --- no list: everyone, even without an address
expect_allowed "no list, PAM_RHOST LOCAL" -r LOCAL
expect_allowed "no list, PAM_RHOST unset"

# --- 10.0.0.0/8
policy_set dwIpAllowlist 10.0.0.0/8
expect_allowed "10.0.0.0/8: ::ffff:10.0.0.5" -r ::ffff:10.0.0.5
expect_allowed "10.0.0.0/8: 10.255.255.255" -r 10.255.255.255
expect_refused "10.0.0.0/8: ::ffff:8.8.8.8" -r ::ffff:8.8.8.8
expect_refused "10.0.0.0/8: LOCAL" -r LOCAL
expect_refused "10.0.0.0/8: localhost" -r localhost
expect_refused "10.0.0.0/8: empty PAM_RHOST" -r ''
expect_refused "10.0.0.0/8: PAM_RHOST unset"
expect_refused "10.0.0.0/8: 11.0.0.1" -r 11.0.0.1
expect_refused "10.0.0.0/8: a range is no address" -r 10.0.0.0/8
expect_refused "10.0.0.0/8: an address with a port" -r 10.0.0.5:22
expect_refused "10.0.0.0/8: a blank after the address" -r '10.0.0.5 '
expect_refused "10.0.0.0/8: a name that looks like an address" \
    -r 10.0.0.5.example.com

# The overlay saw the end user's address (Session Tracking control from a
# trusted portal host), not the module's own 127.0.0.1.
root_search -b "ou=audit,$DW_BASE" \
    "(&(dwAuditAction=bind)(dwAuditTarget=$alice_dn)(dwAuditResult=0))" \
    dwAuditClient >"$T/clients.out"
check_match "the audit names the end user's address" \
    '^dwAuditClient: (::ffff:)?10\.0\.0\.5$' "$(cat "$T/clients.out")"
check_match "the audit names the other allowed address" \
    '^dwAuditClient: 10\.255\.255\.255$' "$(cat "$T/clients.out")"

# Refused addresses never reached a bind: no audited bind of alice from
# them, and the module's refusals did not count towards a lockout.
check_eq "refused addresses: no audited bind from 8.8.8.8" 0 \
    "$(audit_binds "(dwAuditTarget=$alice_dn)(dwAuditClient=*8.8.8.8)")"

# --- a change holds for the next attempt
policy_set dwIpAllowlist 8.8.8.0/24 2001:db8::/32
expect_refused "list changed: ::ffff:10.0.0.5 now refused" -r ::ffff:10.0.0.5
expect_allowed "list changed: ::ffff:8.8.8.8 now allowed" -r ::ffff:8.8.8.8
expect_allowed "list changed: 2001:db8::1 (IPv6)" -r 2001:db8::1
expect_allowed "list changed: 2001:DB8:0:0::ff (spelling)" -r 2001:DB8:0:0::ff
expect_refused "list changed: 2001:db9::1" -r 2001:db9::1
expect_refused "list changed: [2001:db8::1] (brackets)" -r '[2001:db8::1]'
expect_refused "list changed: 2001:db8::1%eth0 (zone)" -r '2001:db8::1%eth0'

# --- a list the directory refuses leaves the old one in force
printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\nreplace: dwIpAllowlist\ndwIpAllowlist: 10.0.0.0/33\n' \
    "$DW_BASE" | root_modify >"$T/bad.out" 2>&1
rc=$?
check_fail "10.0.0.0/33 refused by the directory" test "$rc" -eq 0
expect_allowed "after the refused change: 8.8.8.8 still allowed" -r 8.8.8.8

# --- the list cleared: everyone again
policy_set dwIpAllowlist
expect_allowed "list cleared: LOCAL" -r LOCAL

dw_done
