#!/bin/sh
# run-tests.sh: install what the build and the tests need, build with
# warnings as errors, and run the whole test suite (cmocka unit tests and
# integration tests against real slapd instances).  Run as root on Debian 12
# from the top of a checkout.  Prints "checks: N passed, N failed" last.
#
# Environment: DW_BUILDDIR (default ./_build/check), DW_JOBS (default: cores),
# DW_CONFIGURE_FLAGS (extra configure flags, e.g. --enable-sanitizers).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
olsrc=$(sh build-aux/bootstrap.sh | tail -n 1)
builddir=${DW_BUILDDIR:-$top/_build/check}
jobs=${DW_JOBS:-$(nproc)}

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi
mkdir -p "$builddir"
cd "$builddir"
# shellcheck disable=SC2086
"$top/configure" -q --with-openldap-src="$olsrc" --enable-werror \
    ${DW_CONFIGURE_FLAGS:-}
make -s -j"$jobs"

status=0
make -j"$jobs" check || status=$?

# One closing line over every test program and script: each integration
# script ends with "N passed, N failed", cmocka prints PASSED/FAILED lines.
awk '
	/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3; next }
	/^\[  PASSED  \] [0-9]+ test/ { p += $4; next }
	/^\[  FAILED  \] [0-9]+ test/ { f += $4; next }
	END { printf "checks: %d passed, %d failed\n", p, f }
' $(find tests -name '*.log' ! -name test-suite.log)
if [ "$status" -ne 0 ]; then
	echo "some tests failed; see $builddir/tests/test-suite.log" >&2
fi
exit "$status"
