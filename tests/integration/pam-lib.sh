# pam-lib.sh: helpers shared by the PAM tests (t-pam-*.sh).  Source it
# after lib.sh:  . "$DW_TEST_LIB"; . "$(dirname "$0")/pam-lib.sh"
#
# pam_seed          dwadm init (the tree, the portal service account with
#                   its password in $T/portal.secret, mode 0600, and alice)
#                   and three more admins
# pam_conf NAME ARG...
#                   $T/pam.d/NAME with auth, account, session and password
#                   lines for the built module with these arguments
# drive NAME USER PASSWORD [pamdrive options] OP...
#                   run pamdrive (pam_start_confdir on $T/pam.d); it answers
#                   the password prompt with PASSWORD and the verification
#                   code prompt with $DRIVE_CODE (empty unless set)
# drive_file NAME USER FILE [pamdrive options] OP...
#                   the same with every answer from FILE, one per line
#                   ("!CMD" lines: see pamdrive.c)
#   After either: $DRIVE_OUT (the whole output), $DRIVE_<op> (the code of
#   each operation), $DRIVE_PROMPTS (how many prompts), $DRIVE_SEQ (the
#   prompt texts in order, each followed by '|'), $DRIVE_MESSAGES (how
#   many messages), $DRIVE_SESSION (DRAMWELL_SESSION from "env" lines)
# policy_set ATTR VALUE...
#                   replace a cn=security attribute as the rootdn (no
#                   value: delete it)
# gentime OFFSET    GeneralizedTime of now + OFFSET seconds
# bind_count        simple BIND requests slapd logged so far (any DN)
# user_bind_count   simple BIND requests to an admin entry (uid=...)
# accept_count      TCP connections slapd accepted so far

: "${DW_PAM_MODULE:?run through make check (DW_PAM_MODULE unset)}"
PAMDRIVE=${DW_TOP_BUILDDIR:?}/tests/integration/pamdrive

# Admin passwords: test data, never on a command line (printf is a shell
# builtin; files are mode 0600 in the private $T).  They pass the default
# policy: 12 characters, 3 classes, no e-mail name, no dictionary word.
PW_ALICE='Qz7-kVm2#pLx9w'
PW_IVY='Rt4!nWq8@zHc3v'
PW_DAN='Jx2$fKp7-mVb9q'
PW_DEV='Hw6#tYc3!qNz8k'
PW_WRONG='Zb5#wrQn8-Tkv2'
SEQ_LOGIN='Password: |Verification code: |'

DRIVE_CODE=

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
	# More admins in other states and roles.
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
	: >"$T/pam.d/$name"
	for pc_type in auth account session password; do
		{
			printf '%s required %s' "$pc_type" "$DW_PAM_MODULE"
			printf ' %s' "$@"
			printf '\n'
		} >>"$T/pam.d/$name"
	done
}

drive() {
	dname=$1 duser=$2 dpw=$3
	shift 3
	printf '%s\n%s\n' "$dpw" "$DRIVE_CODE" >"$T/drive.answers"
	drive_file "$dname" "$duser" "$T/drive.answers" "$@"
}

drive_file() {
	dname=$1 duser=$2 dfile=$3
	shift 3
	"$PAMDRIVE" -d "$T/pam.d" -s "$dname" -u "$duser" -a "$dfile" "$@" \
	    >"$T/drive.out" 2>"$T/drive.err"
	DRIVE_RC=$?
	: >"$T/drive.answers"
	DRIVE_OUT=$(cat "$T/drive.out")
	DRIVE_authenticate=$(sed -n 's/^authenticate //p' "$T/drive.out")
	DRIVE_acct_mgmt=$(sed -n 's/^acct_mgmt //p' "$T/drive.out")
	DRIVE_setcred=$(sed -n 's/^setcred //p' "$T/drive.out")
	DRIVE_open_session=$(sed -n 's/^open_session //p' "$T/drive.out")
	DRIVE_close_session=$(sed -n 's/^close_session //p' "$T/drive.out")
	DRIVE_chauthtok=$(sed -n 's/^chauthtok //p' "$T/drive.out")
	DRIVE_chauthtok_expired=$(sed -n 's/^chauthtok_expired //p' \
	    "$T/drive.out")
	DRIVE_PROMPTS=$(sed -n 's/^prompts //p' "$T/drive.out")
	DRIVE_MESSAGES=$(sed -n 's/^messages //p' "$T/drive.out")
	DRIVE_SEQ=$(sed -n 's/^prompt [a-z_]* \(.*\)$/\1|/p' "$T/drive.out" |
	    tr -d '\n')
	DRIVE_SESSION=$(sed -n 's/^env DRAMWELL_SESSION=//p' "$T/drive.out")
}

policy_set() {
	ps_attr=$1; shift
	{
		printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\n' \
		    "$DW_BASE"
		if [ $# -eq 0 ]; then
			printf 'delete: %s\n' "$ps_attr"
		else
			printf 'replace: %s\n' "$ps_attr"
			for v in "$@"; do
				printf '%s: %s\n' "$ps_attr" "$v"
			done
		fi
	} | root_modify >"$T/policy.out" 2>&1 || {
		cat "$T/policy.out"
		fail "policy_set $ps_attr"
		return 1
	}
}

gentime() {
	date -u -d "@$(( $(date +%s) + $1 ))" +%Y%m%d%H%M%SZ
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
