#!/bin/sh
# dwadm security show|set: every setting shown (defaults marked, the
# allowlist one range a line, JSON); set round-trips every key in one
# modify; a bad value among good ones exits 2 with "security set: KEY:
# why" and changes nothing; 10.0.0.0/33, ::1/129 and host bits refused by
# dwadm and, through ldapmodify, by the overlay; --add-ip/--remove-ip;
# only Super Admins and root read or change the policy; changes audited;
# a policy change holds for the very next bind.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
POL=cn=security,ou=policy,$B
PW_SUE='Wd4%Hy8q-Zt3!Np6c'
SUE=sue@dramwell.ai

# stored ATTR: the values of a policy attribute, sorted, space-separated
# (LDIF gives a value that starts with ':', such as ::1/128, in base64).
stored() {
	root_search -o ldif-wrap=no -b "$POL" -s base '(objectClass=*)' "$1" |
	while IFS= read -r line; do
		case $line in
		"$1:: "*) printf '%s' "${line#*:: }" | base64 -d; echo ;;
		"$1: "*) printf '%s\n' "${line#*: }" ;;
		esac
	done | LC_ALL=C sort | paste -sd' '
}

# snapshot: every policy attribute and value, for "nothing changed".
snapshot() {
	root_search -o ldif-wrap=no -b "$POL" -s base '(objectClass=*)' |
	    grep '^dw' | LC_ALL=C sort
}

# audit_wait FILTER N: the count of audit entries matching FILTER once it
# reaches N (audit writes follow the reply), or what it is after 3 s.
audit_wait() {
	aw_i=0
	while aw_c=$(audit_count "$1"); [ "$aw_c" -lt "$2" ]; do
		aw_i=$((aw_i + 1))
		[ $aw_i -ge 30 ] && break
		sleep 0.1
	done
	echo "$aw_c"
}

# shown KEY: the VALUE column of "security show" for a setting.
shown() {
	awk -v k="$1" '$1 == k { print $2 }' "$T/show.out" | paste -sd' '
}

KEYS="mfa-required session-timeout ip-allowlist password-min-length
password-min-classes password-max-age password-history lockout-threshold
lockout-window lockout-duration address-throttle invite-lifetime
audit-retention"

# --help: exit 0, usage on stdout.
for c in "security" "security show" "security set"; do
	# shellcheck disable=SC2086
	"$DWADM" $c --help >"$T/h.out" 2>"$T/h.err"
	check_eq "dwadm $c --help: exit 0, usage, no error" "0 usage: " \
	    "$? $(head -c 7 "$T/h.out")$(cat "$T/h.err")"
done
check_match "security --help names every key" \
    "$(printf '%s' "$KEYS" | tr '\n' ' ' | sed 's/ /.*/g')" \
    "$("$DWADM" security --help | tr '\n' ' ')"

# ------------------------------------------------------------------ show
as "$BOSS" "$PW_BOSS" security show >"$T/show.out" 2>"$T/show.err"
check_eq "show: exit 0, nothing on stderr" "0 " "$? $(cat "$T/show.err")"
check_match "show: header" '^SETTING +VALUE$' "$(head -n 1 "$T/show.out")"
check_eq "show: every setting, in order, one line each" \
    "$(printf '%s' "$KEYS" | tr '\n' ' ')" \
    "$(sed 1d "$T/show.out" | awk '{ print $1 }' | paste -sd' ')"
check_eq "show: a fresh directory has every default, marked" 13 \
    "$(grep -c ' (default)$' "$T/show.out")"
check_eq "show: default values" \
    "FALSE 3600 (everyone) 12 3 0 5 5 900 900 30 86400 12" \
    "$(for k in $KEYS; do shown "$k"; done | paste -sd' ')"

as "$BOSS" "$PW_BOSS" --json security show >"$T/show.json"
check "show --json: valid JSON, typed values, all default" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert [s["setting"] for s in v] == sys.argv[2].split(), v
d = {s["setting"]: s for s in v}
assert d["mfa-required"]["value"] is False
assert d["session-timeout"]["value"] == 3600
assert d["ip-allowlist"]["value"] == []
assert d["lockout-threshold"]["attribute"] == "dwLockoutThreshold"
assert all(s["default"] and s["valid"] for s in v)
' "$T/show.json" "$(printf '%s' "$KEYS" | tr '\n' ' ')"

# ------------------------------------------- set: every key, one modify
n0=$(audit_count '(dwAuditAction=policy-modify)')
as_root security set mfa-required=true session-timeout=900 \
    ip-allowlist='10.0.0.0/8, 2001:DB8::/32,192.0.2.7' \
    password-min-length=14 password-min-classes=4 password-max-age=7776000 \
    password-history=7 lockout-threshold=10 lockout-window=600 \
    lockout-duration=1200 address-throttle=50 invite-lifetime=3600 \
    audit-retention=24 >"$T/set.out" 2>"$T/set.err"
check_eq "set every key: exit 0, nothing on stderr" "0 " \
    "$? $(cat "$T/set.err")"
check_eq "set: says what it set" 13 "$(grep -c ' = ' "$T/set.out")"
check_eq "set: stored values" \
    "TRUE|900|10.0.0.0/8 192.0.2.7/32 2001:db8::/32|14|4|7776000|7|10|600|1200|50|3600|24" \
    "$(for a in dwMfaRequired dwSessionIdleTimeout dwIpAllowlist \
    dwPasswordMinLength dwPasswordMinClasses dwPasswordMaxAge \
    dwPasswordHistoryCount dwLockoutThreshold dwLockoutWindow \
    dwLockoutDuration dwAddressThrottle dwInviteLifetime \
    dwAuditRetentionMonths; do stored "$a"; done | paste -sd'|')"
check_eq "set: one modify, audited once" "$((n0 + 1))" \
    "$(audit_wait '(dwAuditAction=policy-modify)' "$((n0 + 1))")"
as_root security show >"$T/show.out"
check_eq "show after set: the new values, the list in the given order" \
    "TRUE 900 10.0.0.0/8 2001:db8::/32 192.0.2.7/32 14 4 7776000 7 10 600 1200 50 3600 24" \
    "$(for k in $KEYS; do shown "$k"; done | paste -sd' ')"
check_eq "show after set: nothing marked default" 0 \
    "$(grep -c '(default)' "$T/show.out")"
check_eq "show: the allowlist one range a line" 3 \
    "$(grep -c '^ip-allowlist ' "$T/show.out")"
as_root --json security show >"$T/show.json"
check "show --json after set" python3 -c '
import json, sys
d = {s["setting"]: s for s in json.load(open(sys.argv[1]))}
assert d["mfa-required"]["value"] is True
assert d["password-max-age"]["value"] == 7776000
assert sorted(d["ip-allowlist"]["value"]) == ["10.0.0.0/8", "192.0.2.7/32",
    "2001:db8::/32"]
assert not any(s["default"] for s in d.values())
' "$T/show.json"

# The change holds for the very next bind: boss (127.0.0.1, not in the
# list, no MFA) is refused now; root is not subject to it.
as "$BOSS" "$PW_BOSS" security show >/dev/null 2>"$T/e.err"
check_eq "the next bind of the Super Admin is refused" 1 "$?"

# Back to the defaults, by short name and by attribute name; values equal
# to the default are marked again.
as_root security set mfa-required=FALSE ip-allowlist= dwSessionIdleTimeout=3600 \
    password-min-length=12 password-min-classes=3 password-max-age=0 \
    password-history=5 lockout-threshold=5 lockout-window=900 \
    lockout-duration=900 address-throttle=30 invite-lifetime=86400 \
    audit-retention=12 >"$T/set.out" 2>"$T/set.err"
check_eq "set back to the defaults: exit 0" "0 " "$? $(cat "$T/set.err")"
check_eq "ip-allowlist= removes the list" "" "$(stored dwIpAllowlist)"
check_match "set: the empty list is reported as everyone" \
    '^ip-allowlist = \(empty: everyone may log in\)$' \
    "$(grep '^ip-allowlist' "$T/set.out")"
as "$BOSS" "$PW_BOSS" security show >"$T/show.out" 2>"$T/e.err"
check_eq "the Super Admin binds again, every value default" "0 13" \
    "$? $(grep -c ' (default)$' "$T/show.out")"

# Boolean spellings.
for v in yes on TRUE True; do
	as_root security set mfa-required="$v" >/dev/null 2>&1
	r=$?
	check_eq "mfa-required=$v is stored as TRUE" "0 TRUE" \
	    "$r $(stored dwMfaRequired)"
	as_root security set mfa-required=no >/dev/null 2>&1
done
check_eq "mfa-required=no is stored as FALSE" FALSE "$(stored dwMfaRequired)"

# ---------------------------------- a bad value: exit 2, nothing changed
snapshot >"$T/before"
# bad KEY=VALUE  WHY-REGEX: refused by dwadm, nothing changed.
bad() {
	as_root security set session-timeout=1200 "$1" lockout-threshold=20 \
	    >"$T/bad.out" 2>"$T/bad.err"
	r=$?
	check_eq "set $1 among good values: exit 2" 2 "$r"
	check "set $1: one error line" one_line "$T/bad.err"
	check_match "set $1: names the key and says why" "$2" \
	    "$(cat "$T/bad.err")"
	check_eq "set $1: nothing printed on stdout" "" "$(cat "$T/bad.out")"
}
bad password-min-length=7 \
    '^dwadm: security set: password-min-length: out of range \(8\.\.256 characters\)$'
bad password-min-length=257 'password-min-length: out of range'
bad session-timeout=59 'session-timeout: given twice'
bad lockout-window=59 'lockout-window: out of range \(60\.\.86400 seconds\)$'
bad lockout-duration=86401 'lockout-duration: out of range'
bad lockout-threshold=2 'lockout-threshold: out of range \(0 or 3\.\.100 failures\)$'
bad password-history=25 'password-history: out of range \(0\.\.24'
bad address-throttle=4 'address-throttle: out of range \(0 or 5\.\.10000'
bad password-max-age=86399 'password-max-age: out of range \(0 or 86400\.\.3153600000'
bad invite-lifetime=-1 'invite-lifetime: out of range'
bad invite-lifetime=+300 'invite-lifetime: not a whole number'
bad audit-retention=012 'audit-retention: not a whole number'
bad audit-retention= 'audit-retention: not a whole number'
bad mfa-required=maybe 'mfa-required: must be true or false$'
bad ip-allowlist=10.0.0.0/33 \
    '^dwadm: security set: ip-allowlist: 10\.0\.0\.0/33: prefix too long'
bad ip-allowlist=::1/129 'ip-allowlist: ::1/129: prefix too long'
bad ip-allowlist=192.168.0.0/24,::1/129 'ip-allowlist: ::1/129: prefix too long'
bad ip-allowlist=10.0.0.1/8 \
    'ip-allowlist: 10\.0\.0\.1/8: .*host bits set below the prefix'
bad ip-allowlist=localhost 'ip-allowlist: localhost: not an IPv4 or IPv6'
bad ip-allowlist=10.0.0.0/08 'ip-allowlist: 10\.0\.0\.0/08: '
bad ip-allowlist=fe80::1%eth0 'ip-allowlist: fe80::1%eth0: not an IPv4'
bad ip-allowlist=10.0.0.0/8,,::1 'ip-allowlist: empty range'
bad ip-allowlist=10.0.0.0/8,10.0.0.0/8 'ip-allowlist: 10\.0\.0\.0/8: given twice'
bad no-such-key=1 'no-such-key: unknown setting'
bad session-timeout 'session-timeout: give KEY=VALUE'
check_eq "bad values: the policy is unchanged" "$(cat "$T/before")" \
    "$(snapshot)"

as_root security set >/dev/null 2>"$T/e.err"
check_eq "set with nothing to set: exit 2" "2 1" "$? $(wc -l <"$T/e.err")"
as_root security set ip-allowlist=10.0.0.0/8 --add-ip 192.0.2.0/24 \
    >/dev/null 2>"$T/e.err"
check_eq "ip-allowlist= with --add-ip: exit 2" 2 "$?"
as_root security set --add-ip 10.0.0.0/33 >/dev/null 2>"$T/e.err"
check_match "--add-ip 10.0.0.0/33: refused by dwadm" \
    '^dwadm: security set: ip-allowlist: 10\.0\.0\.0/33: prefix too long' \
    "$(cat "$T/e.err")"
as_root security show extra >/dev/null 2>&1
check_eq "show takes no arguments: exit 2" 2 "$?"

# ------------------------- the overlay refuses the same values by itself
printf '%s' "$PW_BOSS" >"$T/boss.pw"
# boss_modify LDIF-BODY: ldapmodify of the policy entry as the Super Admin.
boss_modify() {
	printf 'dn: %s\nchangetype: modify\n%s\n' "$POL" "$1" |
	    ldapmodify -H "$DW_URI" -D "$BOSS_DN" -y "$T/boss.pw" \
	    >"$T/lm.out" 2>&1
}
for v in 10.0.0.0/33 ::1/129 10.0.0.1/8 'not-an-address'; do
	boss_modify "replace: dwIpAllowlist
dwIpAllowlist: 192.0.2.0/24
dwIpAllowlist: $v"
	r=$?
	check_eq "ldapmodify dwIpAllowlist $v: constraint violation (19)" 19 "$r"
	check_match "ldapmodify dwIpAllowlist $v: the reason names the key" \
	    'dwIpAllowlist' "$(cat "$T/lm.out")"
done
boss_modify "replace: dwSessionIdleTimeout
dwSessionIdleTimeout: 1200
-
replace: dwLockoutThreshold
dwLockoutThreshold: 2"
check_eq "ldapmodify lockout threshold 2 with a good value: refused" 19 "$?"
check_match "ldapmodify: the reason names dwLockoutThreshold" \
    'dwLockoutThreshold' "$(cat "$T/lm.out")"
for a in 'dwPasswordHistoryCount: 25' 'dwLockoutWindow: 59' \
    'dwLockoutDuration: 86401' 'dwAddressThrottle: 4'; do
	boss_modify "replace: ${a%%:*}
$a"
	check_eq "ldapmodify $a: refused" 19 "$?"
done
check_eq "overlay refusals: the policy is unchanged" "$(cat "$T/before")" \
    "$(snapshot)"

# ------------------------------------------- --add-ip and --remove-ip
as_root security set ip-allowlist=10.0.0.0/8,2001:db8::/32 >/dev/null
# Keep the Super Admin able to bind (loopback in the list).
as_root security set --add-ip 127.0.0.0/8 --add-ip ::1 \
    >"$T/add.out" 2>"$T/add.err"
check_eq "--add-ip twice: exit 0" "0 " "$? $(cat "$T/add.err")"
check_eq "--add-ip: added, canonical" \
    "10.0.0.0/8 127.0.0.0/8 2001:db8::/32 ::1/128" "$(stored dwIpAllowlist)"
as "$BOSS" "$PW_BOSS" security set --remove-ip 2001:DB8::/32 \
    --add-ip 192.0.2.0/24 >"$T/rm.out" 2>"$T/rm.err"
check_eq "--remove-ip (other spelling) with --add-ip: exit 0" "0 " \
    "$? $(cat "$T/rm.err")"
check_eq "--remove-ip: matched by value" \
    "10.0.0.0/8 127.0.0.0/8 192.0.2.0/24 ::1/128" "$(stored dwIpAllowlist)"
snapshot >"$T/before"
as "$BOSS" "$PW_BOSS" security set --remove-ip 198.51.100.0/24 \
    --add-ip 203.0.113.0/24 >/dev/null 2>"$T/e.err"
check_eq "--remove-ip of a range not in the list: exit 1" 1 "$?"
check_match "--remove-ip: says so" 'is not in the list; nothing changed' \
    "$(cat "$T/e.err")"
as "$BOSS" "$PW_BOSS" security set --add-ip 10.0.0.0/8 >/dev/null 2>"$T/e.err"
check_eq "--add-ip of a range already there: exit 1" 1 "$?"
check_eq "--add-ip/--remove-ip refusals: nothing changed" "$(cat "$T/before")" \
    "$(snapshot)"
as_root security set ip-allowlist= >/dev/null

# ------------------------------------- only Super Admins and root
mk_admin "$SUE" operations "$PW_SUE"
snapshot >"$T/before"
as "$SUE" "$PW_SUE" security show >"$T/sue.out" 2>"$T/sue.err"
check_eq "an operations admin cannot read the policy: exit 1" 1 "$?"
check "... one error line" one_line "$T/sue.err"
as "$SUE" "$PW_SUE" security set session-timeout=600 >/dev/null \
    2>"$T/sue.err"
check_eq "an operations admin cannot change the policy: exit 1" 1 "$?"
check_match "... insufficient access" 'insufficient access' \
    "$(cat "$T/sue.err")"
check_eq "... nothing changed" "$(cat "$T/before")" "$(snapshot)"
"$DWADM" -c "$T/dw.conf" security show >/dev/null 2>"$T/e.err"
check_eq "no identity: exit 2" 2 "$?"

# ---------------------------------------------------------------- audit
audit_dump >"$T/audit.txt"
check_match "policy changes audited with the actor" "dwAuditActor: $BOSS_DN" \
    "$(grep -B3 -A12 'dwAuditAction: policy-modify' "$T/audit.txt")"
no_secret "$T/audit.txt" "$PW_BOSS" "no password in ou=audit"
no_secret "$T/srv/slapd.log" "$PW_BOSS" "no password in slapd's log"

dw_done
