# lib.sh: shared helpers for the integration tests (POSIX sh + bash-isms
# avoided).  Source it from a test: . "$DW_TEST_LIB"
#
# Every test gets a private temporary directory ($T), its own slapd on a
# free loopback port, and a trap that stops that slapd and removes what
# the test installed (PAM service files), whatever happens.
#
# Checks: check DESC CMD...      CMD must succeed
#         check_fail DESC CMD... CMD must fail
#         check_eq DESC WANT GOT
#         check_match DESC REGEX TEXT
# dw_done prints "N passed, N failed" and exits non-zero on any failure.

set -u

: "${DW_SERVER:?run through make check (DW_SERVER unset)}"
: "${DWADM:?run through make check (DWADM unset)}"

DW_PASSED=0
DW_FAILED=0
DW_PAM_SERVICES=
T=$(mktemp -d "${TMPDIR:-/tmp}/dwtest.XXXXXX")
chmod 700 "$T"

# Sanitizer pass of build-aux/run-tests.sh (DW_SAN_REPORTS set): the
# ASan/LSan/UBSan reports of every process this test starts (its slapd
# included) go to $T/san; dw_cleanup fails the test if there is any.
if [ -n "${DW_SAN_REPORTS:-}" ]; then
	mkdir "$T/san"
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$T/san/asan"
	UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$T/san/ubsan"
	export ASAN_OPTIONS UBSAN_OPTIONS
fi

dw_cleanup() {
	rc=$?
	if [ -f "$T/srv/slapd.pid" ]; then
		"$DW_SERVER" stop --state "$T/srv" >/dev/null 2>&1 || true
	fi
	for s in $DW_PAM_SERVICES; do
		rm -f "/etc/pam.d/$s"
	done
	# After the stop: slapd's leak check runs when it exits.
	if [ -d "$T/san" ] && [ -n "$(ls -A "$T/san")" ]; then
		say "FAIL - sanitizer reports from this test:"
		for f in "$T/san"/*; do
			say "--- $f"
			head -n 80 "$f"
		done
		say "0 passed, 1 failed"
		[ "$rc" -ne 0 ] || rc=1
	fi
	if [ "$rc" -ne 0 ] || [ "$DW_FAILED" -ne 0 ]; then
		if [ -f "$T/srv/slapd.log" ]; then
			echo "--- last lines of slapd.log ($T/srv/slapd.log)"
			tail -n 40 "$T/srv/slapd.log"
		fi
	fi
	if [ -z "${DW_KEEP:-}" ]; then
		rm -rf "$T"
	else
		echo "kept $T"
	fi
	exit "$rc"
}
trap dw_cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }

pass() { DW_PASSED=$((DW_PASSED + 1)); say "ok - $1"; }
fail() { DW_FAILED=$((DW_FAILED + 1)); say "FAIL - $1"; }

check() {
	d=$1; shift
	if "$@" >"$T/last.out" 2>&1; then pass "$d"; else
		fail "$d"; sed 's/^/    /' "$T/last.out" | tail -n 15; fi
}

check_fail() {
	d=$1; shift
	if "$@" >"$T/last.out" 2>&1; then
		fail "$d (unexpectedly succeeded)"; sed 's/^/    /' "$T/last.out" | tail -n 15
	else pass "$d"; fi
}

check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"; say "    want: $2"; say "    got:  $3"; fi
}

check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else
		fail "$1"; say "    want match: $2"; say "    got: $3" | head -n 20; fi
}

dw_done() {
	say "$DW_PASSED passed, $DW_FAILED failed"
	[ "$DW_FAILED" -eq 0 ]
}

# A free TCP port on 127.0.0.1, chosen at random in 20000..31999: below
# Linux's ephemeral range (32768..60999), where outgoing client sockets of
# the tests themselves could take a port between the pick and slapd's bind.
dw_pick_port() {
	while :; do
		p=$(( ($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000) + 20000 ))
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
}

# dw_start [dwadm-server start options]: start this test's slapd in $T/srv
# and load its env (DW_URI, DW_LDAPI_URI, DW_BASE, DW_ROOTDN).
dw_start() {
	n=0
	while :; do
		DW_PORT=$(dw_pick_port)
		if "$DW_SERVER" start --state "$T/srv" --port "$DW_PORT" "$@" \
		    >"$T/start.out" 2>&1; then
			break
		fi
		n=$((n + 1))
		if [ $n -ge 5 ] || ! grep -q 'Address already in use' "$T/srv/slapd.log" 2>/dev/null; then
			cat "$T/start.out"
			say "Bail out! slapd did not start"
			exit 1
		fi
	done
	. "$T/srv/env"
	export DW_URI DW_LDAPI_URI DW_BASE DW_ROOTDN DW_PORT
}

dw_stop() {
	"$DW_SERVER" stop --state "$T/srv" >/dev/null
}

# LDAP tools as root over ldapi (SASL EXTERNAL, mapped to the rootdn).
root_search() { ldapsearch -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -LLL "$@"; }
root_modify() { ldapmodify -H "$DW_LDAPI_URI" -Y EXTERNAL -Q "$@"; }
root_add() { ldapadd -H "$DW_LDAPI_URI" -Y EXTERNAL -Q "$@"; }
root_delete() { ldapdelete -H "$DW_LDAPI_URI" -Y EXTERNAL -Q "$@"; }

# Count the audit entries matching an LDAP filter.
audit_count() {
	root_search -b "ou=audit,$DW_BASE" "$1" dn | grep -c '^dn:' || true
}

# dw_pam_service NAME LINES: install /etc/pam.d/NAME (removed by the trap).
# pamtester knows no private config directory; the C PAM tests use
# pam_start_confdir() instead.
dw_pam_service() {
	name=$1; shift
	DW_PAM_SERVICES="$DW_PAM_SERVICES $name"
	printf '%s\n' "$@" >"/etc/pam.d/$name"
}
