#!/bin/sh
# bootstrap.sh: prepare a Debian 12 machine to build, test and benchmark
# DramWell.  Run as root.  Idempotent: a second run only checks.
#
#  1. installs the Debian packages the build, tests and benchmarks need;
#  2. adds a deb-src entry for the main archive if there is none;
#  3. fetches the OpenLDAP source of exactly the installed slapd version;
#  4. configures it with Debian's own options (the ones that change the
#     layout of slap.h: slapi, aci, dynacl, TLS, SASL) and generates its
#     headers, so that the overlay compiles against the running slapd.
#
# Prints the source tree's path on its last line (for --with-openldap-src).
# Environment: DW_SRC_ROOT (default /usr/local/src/dramwell).
set -eu

SRC_ROOT=${DW_SRC_ROOT:-/usr/local/src/dramwell}
STAMP_PKGS=/var/lib/dramwell-bootstrap.pkgs

PKGS="build-essential autoconf automake libtool pkg-config dpkg-dev
 slapd ldap-utils libldap-dev libpam0g-dev libpam-modules
 libsodium-dev liboath-dev oathtool libcmocka-dev pamtester
 libsasl2-dev libgnutls28-dev libwrap0-dev libargon2-dev libltdl-dev
 libqrencode-dev libpwquality-dev cracklib-runtime sasl2-bin
 python3 procps iproute2 groff-base"

log() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (apt-get and the source tree need it)"
command -v apt-get >/dev/null || die "this script is for Debian 12 (no apt-get)"

export DEBIAN_FRONTEND=noninteractive

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing:$missing"
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
else
	log "packages: all present"
fi

# The package's own slapd instance is not used by DramWell's local
# server; Debian starts it when the package is installed on a machine
# with an init system.  Leave it as the administrator configured it.

ver=$(dpkg-query -W -f='${Version}' slapd)
[ -n "$ver" ] || die "slapd is not installed"
upver=${ver%-*}
tree="$SRC_ROOT/openldap-$upver"
stamp="$tree/.dramwell-configured-$ver"

if [ -f "$stamp" ] && [ -f "$tree/include/ldap_config.h" ]; then
	log "OpenLDAP source $ver: already prepared"
	printf '%s\n' "$tree"
	exit 0
fi

if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list \
    /etc/apt/sources.list.d/; then
	log "adding a deb-src entry for Debian bookworm"
	cat >/etc/apt/sources.list.d/dramwell-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -q >/dev/null
fi

mkdir -p "$SRC_ROOT"
if [ ! -f "$tree/debian/changelog" ] ||
    ! head -n1 "$tree/debian/changelog" | grep -qF "($ver)"; then
	log "fetching OpenLDAP source $ver"
	rm -rf "$tree"
	work=$(mktemp -d "$SRC_ROOT/fetch.XXXXXX")
	(cd "$work" && apt-get source -q "openldap=$ver" >/dev/null 2>&1) ||
	    { rm -rf "$work"; die "apt-get source openldap=$ver failed"; }
	mv "$work"/openldap-*/ "$tree"
	rm -rf "$work"
fi

log "configuring OpenLDAP $ver with Debian's options"
cd "$tree"
# Debian replaces the non-free upstream schema files before configuring.
cp debian/schema/*.schema debian/schema/*.ldif servers/slapd/schema/ 2>/dev/null || true
# Debian's options, less the backends that need libraries we do not
# build against (perl, sql/odbc).  Everything that changes slap.h stays.
opts=$(grep -v '^#' debian/configure.options |
    grep -vE -- '--enable-(perl|sql)|--with-odbc' | tr '\n' ' ')
eval "set -- $opts"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
./configure -q --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
    --libdir="/usr/lib/$multiarch" "$@" >config.dramwell.log 2>&1 ||
    die "OpenLDAP configure failed; see $tree/config.dramwell.log"
make -C include ldap_config.h >/dev/null ||
    die "could not generate ldap_config.h"
for f in portable.h ldap_features.h lber_types.h ldap_config.h; do
	[ -f "include/$f" ] || die "missing include/$f after configure"
done
grep -q '^#define LDAP_SLAPI 1' include/portable.h ||
    die "slapi is not enabled: slap.h would not match Debian's slapd"
grep -q '^#define SLAP_DYNACL 1' include/portable.h ||
    die "dynacl is not enabled: slap.h would not match Debian's slapd"
touch "$stamp"
log "OpenLDAP source ready"
printf '%s\n' "$tree"
