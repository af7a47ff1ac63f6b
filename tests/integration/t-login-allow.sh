#!/bin/sh
# The IP allowlist at bind, the client address (a trusted portal host's
# Session Tracking control, ignored from anyone else) and the throttle
# per client address.  Every refusal answers like a wrong password; the
# audit says which rule refused, and records the end user's address.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/login-lib.sh"

dw_start
check "seed the tree" lg_seed
ANN=$(ov_dn ann)
BOB=$(ov_dn bob)
ov_pwfile wrong 'Not-The-Password-1'
bf="(dwAuditAction=bind)(dwAuditCategory=authentication)"

# Lockout off: this test refuses the same accounts many times.
check "policy: lockout and throttle off, allowlist 10.0.0.0/8" \
    lg_policy dwLockoutThreshold 0 dwAddressThrottle 0 \
    dwIpAllowlist 10.0.0.0/8

ref=$(lg_probe bind "$ANN" "$T/wrong.pw")
check_eq "reference: a wrong password" "bind: 49 -" "$ref"

# --- direct binds: the peer address (127.0.0.1) --------------------------
check_eq "direct bind from 127.0.0.1, right password: refused like a wrong one" \
    "$ref" "$(lg_probe bind "$ANN" "$T/ann.pw")"
check_eq "audit: address not allowed (password right), client 127.0.0.1" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$ANN)(dwAuditResult=49)(dwAuditClient=127.0.0.1)(dwAuditDetail=address not allowed)(!(dwAuditDetail=wrong password)))")"
check_eq "over ldapi (no IP address): refused" "$ref" \
    "$("$LOGINPROBE" -H "$DW_LDAPI_URI" bind "$ANN" "$T/ann.pw")"
check_eq "the service account is not subject to the allowlist" \
    "bind: 0 -" "$(lg_probe bind "cn=portal,ou=services,$DW_BASE" "$T/portal.pw")"

# --- through the portal host (127.0.0.1 is trusted by default) -----------
check_eq "control 10.0.0.5 from a trusted host: allowed" "bind: 0 -
whoami: dn:$ANN" "$(lg_probe -i 10.0.0.5 bind "$ANN" "$T/ann.pw" whoami)"
check_eq "audit: the end user's address is the client" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$ANN)(dwAuditResult=0)(dwAuditClient=10.0.0.5))")"
check_eq "control ::ffff:10.0.0.5 (IPv4-mapped): allowed" "bind: 0 -" \
    "$(lg_probe -i ::ffff:10.0.0.5 bind "$ANN" "$T/ann.pw")"
for ip in ::ffff:8.8.8.8 8.8.8.8 11.0.0.1 LOCAL localhost 10.0.0.5/32 \
    '10.0.0.5 ' 2001:db8::1; do
	check_eq "control '$ip': refused like a wrong password" "$ref" \
	    "$(lg_probe -i "$ip" bind "$ANN" "$T/ann.pw")"
done
check_eq "control with an empty address: refused" "$ref" \
    "$(lg_probe -i '' bind "$ANN" "$T/ann.pw")"
check_eq "two controls (ambiguous): refused" "$ref" \
    "$(lg_probe -i 10.0.0.5 -i 10.0.0.6 bind "$ANN" "$T/ann.pw")"
check_eq "wrong password through the proxy: refused" "$ref" \
    "$(lg_probe -i 10.0.0.5 bind "$ANN" "$T/wrong.pw")"
check_eq "audit: ::ffff:8.8.8.8 recorded as 8.8.8.8, address not allowed" 2 \
    "$(lg_n "(&$bf(dwAuditTarget=$ANN)(dwAuditResult=49)(dwAuditClient=8.8.8.8)(dwAuditDetail=address not allowed))")"
check_eq "audit: allowed address, wrong password" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$ANN)(dwAuditResult=49)(dwAuditClient=10.0.0.5)(dwAuditDetail=wrong password))")"

# The list holds for the very next attempt.
check "allowlist now 10.0.0.0/8 and 127.0.0.1" \
    lg_policy dwIpAllowlist 10.0.0.0/8
printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\nadd: dwIpAllowlist\ndwIpAllowlist: 127.0.0.1\n' \
    "$DW_BASE" | root_modify >/dev/null 2>&1
check_eq "direct bind from 127.0.0.1 allowed at once" "bind: 0 -" \
    "$(lg_probe bind "$ANN" "$T/ann.pw")"
check "allowlist emptied: everyone" lg_policy dwIpAllowlist ''
check_eq "control 8.8.8.8 allowed with no list" "bind: 0 -" \
    "$(lg_probe -i 8.8.8.8 bind "$ANN" "$T/ann.pw")"

# --- the address throttle ------------------------------------------------
# Five failures from one address within the window: that address is
# refused, even with the right password; another address is not.
check "policy: throttle 5 per address" lg_policy dwAddressThrottle 5
for who in ann bob cat nobody ann; do
	lg_probe -i 198.51.100.7 bind "$(ov_dn "$who")" "$T/wrong.pw" >/dev/null
done
check_eq "throttled address: right password refused like a wrong one" \
    "$ref" "$(lg_probe -i 198.51.100.7 bind "$BOB" "$T/bob.pw")"
check_eq "audit: address throttled" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$BOB)(dwAuditResult=49)(dwAuditClient=198.51.100.7)(dwAuditDetail=address throttled))")"
check_eq "audit: the unknown entry counted (and said so)" 1 \
    "$(lg_n "(&$bf(dwAuditTarget=$(ov_dn nobody))(dwAuditClient=198.51.100.7)(dwAuditDetail=unknown entry))")"
check_eq "another address is not throttled" "bind: 0 -" \
    "$(lg_probe -i 198.51.100.8 bind "$BOB" "$T/bob.pw")"
check_eq "direct binds from the portal host itself still work" "bind: 0 -" \
    "$(lg_probe bind "$BOB" "$T/bob.pw")"
check "throttle off again" lg_policy dwAddressThrottle 0
check_eq "throttle 0: the address gets in" "bind: 0 -" \
    "$(lg_probe -i 198.51.100.7 bind "$BOB" "$T/bob.pw")"

# --- an untrusted peer's control is ignored -------------------------------
check "allowlist 10.0.0.0/8" lg_policy dwIpAllowlist 10.0.0.0/8
na="(&$bf(dwAuditTarget=$ANN)(dwAuditResult=49)(dwAuditClient=127.0.0.1)(dwAuditDetail=address not allowed))"
before=$(lg_n "$na")
dw_stop
dw_start --trusted-proxy 192.0.2.1/32
check_eq "control 10.0.0.5 from an untrusted peer: ignored, refused" "$ref" \
    "$(lg_probe -i 10.0.0.5 bind "$ANN" "$T/ann.pw")"
check_eq "audit: recorded with the peer's own address" $((before + 1)) \
    "$(lg_n "$na")"
check_eq "no audit entry names the forged address after the restart" 2 \
    "$(lg_n "(&$bf(dwAuditTarget=$ANN)(dwAuditClient=10.0.0.5)(dwAuditResult=0))")"

dw_done
