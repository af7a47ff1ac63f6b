#!/bin/sh
# run-product.sh: install, build and run DramWell on this machine, then log
# in as the bootstrapped Super Admin through PAM.  Run as root on Debian 12
# from the top of a checkout.  Safe to run again.
#
#  1. build-aux/bootstrap.sh: Debian packages and the matching OpenLDAP tree;
#  2. configure, make, make install (prefix /usr/local);
#  3. a local directory in $DW_STATE (default /var/lib/dramwell-demo): stock
#     slapd with the overlay, on ldap://127.0.0.1:$DW_PORT (default 13389)
#     and an ldapi socket;
#  4. dwadm init: the tree, roles, policy, the portal service account and
#     the first Super Admin ($DW_ADMIN, default admin@dramwell.ai) with a
#     random password kept in $DW_STATE/admin.password (mode 0600);
#  5. a PAM service "dramwell-demo" using pam_dramwell, and a real login
#     with pamtester (authenticate + acct_mgmt + open_session +
#     close_session): the password, then an empty verification code (the
#     module always asks for one; MFA is not required by default and this
#     admin has none yet).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
state=${DW_STATE:-/var/lib/dramwell-demo}
port=${DW_PORT:-13389}
admin=${DW_ADMIN:-admin@dramwell.ai}
prefix=/usr/local

say() { printf '\n==> %s\n' "$*"; }

cd "$top"
say "Installing dependencies (build-aux/bootstrap.sh)"
olsrc=$(sh build-aux/bootstrap.sh | tail -n 1)

say "Building and installing DramWell into $prefix"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi
mkdir -p _build/product
cd _build/product
"$top/configure" -q --prefix="$prefix" --sysconfdir=/etc \
    --with-openldap-src="$olsrc"
make -s -j"$(nproc)"
make -s install
cd "$top"
dwadm=$prefix/sbin/dwadm
pammod=$prefix/lib/security/pam_dramwell.so

say "Starting the directory in $state"
mkdir -p "$state"
chmod 700 "$state"
"$dwadm" server stop --state "$state" >/dev/null
"$dwadm" server start --state "$state" --port "$port"
. "$state/env"

if [ ! -s "$state/admin.password" ]; then
	say "Bootstrapping: dwadm init (Super Admin $admin)"
	umask 077
	# A random demo password that meets the default policy; it is only
	# ever passed through files and standard input, never argv.
	{ head -c 18 /dev/urandom | base64 | tr -d '\n/+='; printf 'Aa1!'; } \
	    >"$state/admin.password.tmp"
	"$dwadm" -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin "$admin" \
	    --name "DramWell Admin" --service-secret "$state/portal.secret" \
	    --password-stdin <"$state/admin.password.tmp"
	mv "$state/admin.password.tmp" "$state/admin.password"
else
	say "Already initialised; Super Admin password in $state/admin.password"
fi

say "Configuring PAM service dramwell-demo"
cat >"$state/pam_dramwell.conf" <<CONF
uri $DW_URI
base $DW_BASE
binddn cn=portal,ou=services,$DW_BASE
bindpwfile $state/portal.secret
timeout 5
CONF
cat >/etc/pam.d/dramwell-demo <<PAM
# DramWell demo portal login (written by build-aux/run-product.sh)
auth     required $pammod config=$state/pam_dramwell.conf
account  required $pammod config=$state/pam_dramwell.conf
password required $pammod config=$state/pam_dramwell.conf
session  required $pammod config=$state/pam_dramwell.conf
PAM

say "Logging in as $admin with pamtester"
# Answers: the password, then an empty "Verification code: ".
{ cat "$state/admin.password"; printf '\n\n'; } |
    pamtester -v dramwell-demo "$admin" authenticate acct_mgmt \
    open_session close_session

say "The audit entry of that login"
ldapsearch -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -LLL -b "ou=audit,$DW_BASE" \
    "(&(dwAuditAction=bind)(dwAuditActor=uid=$admin,ou=admins,$DW_BASE))" \
    dwAuditTime dwAuditActor dwAuditResult dwAuditClient dwAuditDetail |
    awk 'BEGIN { RS = ""; ORS = "\n\n" } { last = $0 } END { print last }'

cat <<EOF
DramWell is running.
  directory:   $DW_URI  and  $DW_LDAPI_URI
  Super Admin: $admin (password in $state/admin.password)
  PAM service: /etc/pam.d/dramwell-demo
  users:       $dwadm -H $DW_URI --as $admin user list
  security:    $dwadm -H $DW_URI --as $admin security show
  MFA:         $dwadm -H $DW_URI --as $admin mfa enroll
  stop it:     $dwadm server stop --state $state
EOF
