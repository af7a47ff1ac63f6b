# pam-lib.sh: helpers shared by the PAM tests (t-pam-*.sh).  Source it
# after lib.sh:  . "$DW_TEST_LIB"; . "$(dirname "$0")/pam-lib.sh"
#
# pam_seed          dwadm init (the tree, the portal service account with
#                   its password in $T/portal.secret, mode 0600, and alice)
#                   and three more admins
# pam_conf NAME ARG...
#                   $T/pam.d/NAME with auth and account lines for the
#                   built module with these arguments
# drive NAME USER PASSWORD [pamdrive options] OP...
#                   run pamdrive (pam_start_confdir on $T/pam.d), the
#                   password on its standard input; output in $DRIVE_OUT,
#                   the code of each operation in $DRIVE_<op>, the prompt
#                   count in $DRIVE_PROMPTS
# bind_count        simple BIND requests slapd logged so far (any DN)
# user_bind_count   simple BIND requests to an admin entry (uid=...)
# accept_count      TCP connections slapd accepted so far

: "${DW_PAM_MODULE:?run through make check (DW_PAM_MODULE unset)}"
PAMDRIVE=${DW_TOP_BUILDDIR:?}/tests/integration/pamdrive

# Admin passwords: test data, never on a command line (printf is a shell
# builtin; files are mode 0600 in the private $T).
PW_ALICE='Alice-Pass-2024!'
PW_IVY='Ivy-Invited-2024!'
PW_DAN='Dan-Deactivated-24!'
PW_DEV='Dev-Eloper-2024#'

pam_seed() {
	umask 077
	# dwadm init: the tree, roles, policy, the portal service account (its
	# generated password in $T/portal.secret) and alice, the Super Admin.
	printf '%s\n' "$PW_ALICE" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
	    init --admin alice@dramwell.ai --name "Alice Admin" \
	    --service-secret "$T/portal.secret" --password-stdin \
	    >"$T/seed.out" 2>&1 || {
		cat "$T/seed.out"
		say "Bail out! dwadm init failed"
		exit 1
	}
	# More admins in other states and roles (dwadm has no invite yet).
	: >"$T/seed.ldif"
	pam_seed_admin ivy@dramwell.ai Ivy operations invited "$PW_IVY"
	pam_seed_admin dan@dramwell.ai Dan finance deactivated "$PW_DAN"
	pam_seed_admin dev@dramwell.ai Dev developer active "$PW_DEV"
	root_add -f "$T/seed.ldif" >"$T/seed.out" 2>&1 || {
		cat "$T/seed.out"
		say "Bail out! could not seed the directory"
		exit 1
	}
}

pam_seed_admin() {
	cat >>"$T/seed.ldif" <<EOF
dn: uid=$1,ou=admins,$DW_BASE
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: $1
cn: $2
sn: $2
mail: $1
dwRole: $3
dwAccountStatus: $4
userPassword: $5

EOF
}

pam_conf() {
	name=$1; shift
	mkdir -p "$T/pam.d"
	{
		printf 'auth required %s' "$DW_PAM_MODULE"
		printf ' %s' "$@"
		printf '\naccount required %s' "$DW_PAM_MODULE"
		printf ' %s' "$@"
		printf '\n'
	} >"$T/pam.d/$name"
}

drive() {
	dname=$1 duser=$2 dpw=$3
	shift 3
	printf '%s\n' "$dpw" | "$PAMDRIVE" -d "$T/pam.d" -s "$dname" \
	    -u "$duser" "$@" >"$T/drive.out" 2>"$T/drive.err"
	DRIVE_RC=$?
	DRIVE_OUT=$(cat "$T/drive.out")
	DRIVE_authenticate=$(sed -n 's/^authenticate //p' "$T/drive.out")
	DRIVE_acct_mgmt=$(sed -n 's/^acct_mgmt //p' "$T/drive.out")
	DRIVE_setcred=$(sed -n 's/^setcred //p' "$T/drive.out")
	DRIVE_open_session=$(sed -n 's/^open_session //p' "$T/drive.out")
	DRIVE_chauthtok=$(sed -n 's/^chauthtok //p' "$T/drive.out")
	DRIVE_PROMPTS=$(sed -n 's/^prompts //p' "$T/drive.out")
}

# Simple binds and TCP connections only: the root_* helpers (SASL EXTERNAL
# over ldapi, method=163, ACCEPT from PATH=) do not count.
bind_count() {
	grep -c ' BIND dn="[^"]*" method=128$' "$T/srv/slapd.log" || true
}

user_bind_count() {
	grep -c ' BIND dn="uid=[^"]*" method=128$' "$T/srv/slapd.log" || true
}

accept_count() {
	grep -c ' ACCEPT from IP=' "$T/srv/slapd.log" || true
}

# Audit entries of binds (the overlay writes one for every bind, success or
# failure).  audit_binds [FILTER]: how many match (&(dwAuditAction=bind)
# FILTER).  audit_wait WANT [FILTER]: poll (10 s deadline) until at least
# WANT match, then print the count.
audit_binds() {
	audit_count "(&(dwAuditAction=bind)${1:-})"
}

audit_wait() {
	aw_n=0
	while aw_c=$(audit_binds "${2:-}"); [ "$aw_c" -lt "$1" ]; do
		aw_n=$((aw_n + 1))
		[ $aw_n -ge 100 ] && break
		sleep 0.1
	done
	echo "$aw_c"
}
