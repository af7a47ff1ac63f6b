#!/bin/sh
# The login side's settings: dramwell-mfa-keyfile (a configured file that
# cannot be used stops the database from opening, with a message that
# says why; none configured: MFA is refused) and dramwell-trusted-proxy
# (strict CIDR ranges; multi-valued in cn=config, changed live).
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/login-lib.sh"

# try_start DESC PATTERN [options]: slapd must not start, and its log (or
# the start output) must match PATTERN.
try_start() {
	d=$1 pat=$2
	shift 2
	rm -f "$T/srv/slapd.log"
	if "$DW_SERVER" start --state "$T/srv" --port "$(dw_pick_port)" "$@" \
	    >"$T/start.out" 2>&1; then
		fail "$d (slapd started)"
		dw_stop
		return
	fi
	check_match "$d" "$pat" "$(cat "$T/start.out" "$T/srv/slapd.log" 2>/dev/null)"
}

# --- the key file ---------------------------------------------------------
dw_start
check "the key file was made: 64 hex characters" grep -Eqx '[0-9a-f]{64}' \
    "$DW_STATE/mfa.key"
check_eq "mode 0600" 600 "$(stat -c %a "$DW_STATE/mfa.key")"
check "the configuration names it" grep -q \
    "^dramwell-mfa-keyfile	$DW_STATE/mfa.key\$" "$DW_STATE/slapd.conf"
check "the default trusted proxies" grep -q \
    '^dramwell-trusted-proxy	127.0.0.1/32 ::1/128$' "$DW_STATE/slapd.conf"
check "seed the tree" lg_seed
cp -p "$DW_STATE/mfa.key" "$T/key.orig"
dw_stop
check "a restart keeps the key" cmp -s "$DW_STATE/mfa.key" "$T/key.orig"

(umask 077 && printf 'abcdef\n' >"$T/short.key")
try_start "a malformed key file stops the start, saying why" \
    'dramwell-mfa-keyfile .*short.key.*64 hexadecimal' \
    --mfa-keyfile "$T/short.key"
cp "$T/key.orig" "$T/open.key"
chmod 644 "$T/open.key"
try_start "a key file readable by others stops the start" \
    'dramwell-mfa-keyfile .*open.key.*mode 0600' --mfa-keyfile "$T/open.key"
ln -s "$T/key.orig" "$T/link.key"
try_start "a symbolic link as the key file stops the start" \
    'dramwell-mfa-keyfile .*link.key' --mfa-keyfile "$T/link.key"
try_start "a missing key file stops the start" 'does not exist' \
    --mfa-keyfile "$T/missing.key"
check_fail "no key material in slapd.log" grep -qF "$(cat "$T/key.orig")" \
    "$T/srv/slapd.log"

# No key configured: MFA is refused, with a clear answer.
dw_start --mfa-keyfile none
check_fail "no dramwell-mfa-keyfile line" grep -q '^dramwell-mfa-keyfile' \
    "$DW_STATE/slapd.conf"
lg_secret bob
(umask 077 && lg_code "$(cat "$T/bob.secret")" | tr -d '\n' >"$T/bob.code")
check_eq "no key: enrollment refused" \
    "enroll: 53 MFA is not configured on this server" \
    "$(lg_probe enroll "$(ov_dn bob)" "$T/bob.pw" "$T/bob.secret" "$T/bob.code")"
dw_stop

# --- trusted proxies ------------------------------------------------------
try_start "a trusted proxy with host bits is refused" \
    'dramwell-trusted-proxy.*10.0.0.1/8.*not a CIDR range' \
    --trusted-proxy 10.0.0.1/8
try_start "a trusted proxy with a prefix too long is refused" \
    'dramwell-trusted-proxy.*::1/129.*prefix too long' --trusted-proxy ::1/129
try_start "a host name is refused" 'trusted-proxy' --trusted-proxy localhost

dw_start --format ldif --config-writable
cfg() { root_search -b cn=config -o ldif-wrap=no "$@"; }
vals() {	# ATTR: its values in the LDIF on stdin (base64 ones decoded)
	while IFS= read -r line; do
		case $line in
		"$1:: "*) printf '%s\n' "${line#"$1":: }" | base64 -d; echo ;;
		"$1: "*) printf '%s\n' "${line#"$1": }" ;;
		esac
	done
}
main=$(cfg "(&(objectClass=olcDramwellConfig)(olcDramwellAuditBase=ou=audit,$DW_BASE))" dn |
    sed -n 's/^dn: //p' | tail -n 1)
check_eq "cn=config: two trusted proxy values" "127.0.0.1/32
::1/128" "$(cfg -b "$main" -s base olcDramwellTrustedProxy |
    vals olcDramwellTrustedProxy)"
check_eq "cn=config: the key file" "$DW_STATE/mfa.key" \
    "$(cfg -b "$main" -s base olcDramwellMfaKeyfile |
    sed -n 's/^olcDramwellMfaKeyfile: //p')"
modcfg() {	# CHANGE ATTR VALUE
	printf 'dn: %s\nchangetype: modify\n%s: %s\n%s: %s\n' \
	    "$main" "$1" "$2" "$2" "$3" | root_modify
}
check "cn=config: add 192.0.2.0/24" modcfg add olcDramwellTrustedProxy 192.0.2.0/24
check_fail "cn=config: 10.0.0.0/33 refused" \
    modcfg add olcDramwellTrustedProxy 10.0.0.0/33
check_fail "cn=config: host bits refused" \
    modcfg add olcDramwellTrustedProxy 192.0.2.1/24
check "cn=config: delete 127.0.0.1/32" \
    modcfg delete olcDramwellTrustedProxy 127.0.0.1/32
check_eq "cn=config: the values now" "::1/128
192.0.2.0/24" "$(cfg -b "$main" -s base olcDramwellTrustedProxy |
    vals olcDramwellTrustedProxy)"
# The live change holds: 127.0.0.1 is no longer trusted.  (The tree was
# seeded by the first server of this test: same state directory.)
check "policy: allowlist 10.0.0.0/8" lg_policy dwIpAllowlist 10.0.0.0/8
check_eq "127.0.0.1 no longer relays an address: refused" "bind: 49 -" \
    "$(lg_probe -i 10.0.0.5 bind "$(ov_dn ann)" "$T/ann.pw")"
check "cn=config: trust 127.0.0.1 again" \
    modcfg add olcDramwellTrustedProxy 127.0.0.1
check_eq "trusted again: 10.0.0.5 is allowed" "bind: 0 -" \
    "$(lg_probe -i 10.0.0.5 bind "$(ov_dn ann)" "$T/ann.pw")"
check "cn=config: a key file that does not exist is refused" sh -c \
    "! printf 'dn: %s\nchangetype: modify\nreplace: olcDramwellMfaKeyfile\nolcDramwellMfaKeyfile: %s\n' '$main' '$T/missing.key' | ldapmodify -H '$DW_LDAPI_URI' -Y EXTERNAL -Q"
check_eq "and the old key file stays" "$DW_STATE/mfa.key" \
    "$(cfg -b "$main" -s base olcDramwellMfaKeyfile |
    sed -n 's/^olcDramwellMfaKeyfile: //p')"

dw_done
