#!/bin/sh
# run-tests.sh: install what the build and the tests need, and run the whole
# test suite (cmocka unit tests and integration tests against real slapd
# instances) twice:
#
#  1. the normal build, with warnings as errors;
#  2. a second build configured with --enable-sanitizers (ASan + UBSan),
#     whose unit tests, overlay (loaded into the stock slapd), PAM module
#     (loaded by pamtester and pamdrive) and dwadm are all instrumented.
#     A sanitizer report from any process fails the run (see below).
#
# Run as root on Debian 12 from the top of a checkout.  Prints
# "checks: N passed, N failed" last, summed over both passes; exits non-zero
# if either pass fails.
#
# Environment: DW_BUILDDIR (default ./_build/check), DW_SAN_BUILDDIR
# (default ./_build/check-san), DW_JOBS (default: cores), DW_CONFIGURE_FLAGS
# (extra configure flags for both builds), DW_SANITIZERS=no (skip pass 2).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
olsrc=$(sh build-aux/bootstrap.sh | tail -n 1)
builddir=${DW_BUILDDIR:-$top/_build/check}
sanbuilddir=${DW_SAN_BUILDDIR:-$top/_build/check-san}
jobs=${DW_JOBS:-$(nproc)}
san=$top/build-aux/sanitizer

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi

# build DIR CONFIGURE-ARGS...: configure and build in DIR (cwd stays DIR).
build() {
	mkdir -p "$1"
	cd "$1"
	shift
	# shellcheck disable=SC2086
	"$top/configure" -q --with-openldap-src="$olsrc" --enable-werror \
	    "$@" ${DW_CONFIGURE_FLAGS:-}
	make -s -j"$jobs"
}

# ---------------------------------------------------------- 1. normal build
echo "=== pass 1: normal build ($builddir)"
build "$builddir"
status=0
make -j"$jobs" check || status=$?
logdirs="$builddir/tests"

# ---------------------------------------------- 2. ASan + UBSan build
# Detection: every process writes its reports to files (log_path), not to
# its stderr (slapd's stderr is only its log).  tests/integration/lib.sh
# points log_path into each test's private directory, and its clean-up
# (after stopping the test's slapd, whose leak check runs at exit) fails the
# test if any report is there.  Everything else (unit tests) writes to
# $reports, checked below; each report there counts as one failed check.
# Instrumented programs also exit 86 on a report (UBSan: no recovery).
#
# Uninstrumented programs that load our modules (slapd, slaptest, slapadd,
# slapmodify, pamtester) run through wrappers in build-aux/sanitizer that
# preload the runtimes: DW_SLAPD and DW_SLAPTEST for tools/dwadm-server
# (which finds slapadd next to slaptest), PATH for the others.
#   -z nodelete: the PAM module (and with it libldap) stays mapped after
#     pam_end() dlcloses it, so the leak check at exit sees libldap's
#     globals as reachable and names our frames instead of
#     "<unknown module>" (no libpam/libldap suppressions needed).
#   fast_unwind_on_malloc=0: full stacks through Debian's libraries (built
#     without frame pointers), so that lsan.supp's function names match.
san_status=0
san_reports=0
if [ "${DW_SANITIZERS:-yes}" != no ]; then
	echo "=== pass 2: ASan + UBSan build ($sanbuilddir)"
	cd "$top"
	build "$sanbuilddir" --enable-sanitizers LDFLAGS=-Wl,-z,nodelete
	cc=${CC:-cc}
	asan_rt=$($cc -print-file-name=libasan.so)
	ubsan_rt=$($cc -print-file-name=libubsan.so)
	if [ ! -f "$asan_rt" ] || [ ! -f "$ubsan_rt" ]; then
		echo "run-tests.sh: no libasan.so/libubsan.so for $cc" >&2
		exit 1
	fi
	$cc -O2 -Wall -Wextra -Werror -shared -fPIC \
	    -o "$sanbuilddir/early-init.so" "$san/early-init.c" -ldl
	reports=$sanbuilddir/san-reports
	rm -rf "$reports"
	mkdir -p "$reports"
	(
		DW_SAN_PRELOAD="$asan_rt $ubsan_rt $sanbuilddir/early-init.so"
		DW_SAN_REPORTS=$reports
		DW_SLAPD=$san/slapd
		DW_SLAPTEST=$san/slaptest
		PATH=$san:$PATH
		ASAN_OPTIONS="halt_on_error=1:exitcode=86:detect_leaks=1"
		ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
		ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$reports/asan"
		LSAN_OPTIONS="suppressions=$san/lsan.supp:print_suppressions=0"
		UBSAN_OPTIONS="halt_on_error=1:exitcode=86:print_stacktrace=1"
		UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$reports/ubsan"
		export DW_SAN_PRELOAD DW_SAN_REPORTS DW_SLAPD DW_SLAPTEST PATH \
		    ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
		make -j"$jobs" check
	) || san_status=$?
	san_reports=$(find "$reports" -type f | wc -l)
	if [ "$san_reports" -ne 0 ]; then
		echo "--- sanitizer reports outside the integration tests:"
		for f in "$reports"/*; do
			echo "--- $f"
			head -n 60 "$f"
		done
		[ "$san_status" -ne 0 ] || san_status=1
	fi
	logdirs="$logdirs $sanbuilddir/tests"
fi

# One closing line over every test program and script of both passes: each
# integration script ends with "N passed, N failed" (plus "0 passed,
# 1 failed" from lib.sh for sanitizer reports), cmocka prints PASSED/FAILED
# lines; each report outside the integration tests is one failure.
cd "$top"
# shellcheck disable=SC2046,SC2086
awk -v extra="$san_reports" '
	/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3; next }
	/^\[  PASSED  \] [0-9]+ test/ { p += $4; next }
	/^\[  FAILED  \] [0-9]+ test/ { f += $4; next }
	END { printf "checks: %d passed, %d failed\n", p, f + extra }
' $(find $logdirs -name '*.log' ! -name test-suite.log)
if [ "$status" -ne 0 ]; then
	echo "some tests failed; see $builddir/tests/test-suite.log" >&2
fi
if [ "$san_status" -ne 0 ]; then
	echo "some tests failed under ASan/UBSan; see $sanbuilddir/tests/test-suite.log" >&2
fi
[ "$status" -eq 0 ] && [ "$san_status" -eq 0 ]
