# dwadm-lib.sh: helpers shared by the dwadm lifecycle tests
# (t-dwadm-lifecycle.sh, t-dwadm-roles.sh).  Source it after lib.sh and
# pam-lib.sh:
#   . "$DW_TEST_LIB"; . "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
#   . "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
#
# lc_setup          start slapd, dwadm init (boss@dramwell.ai, Super
#                   Admin, password $PW_BOSS), the test sendmail and the
#                   shared client configuration $T/dw.conf (uri,
#                   bindpwfile, sendmail, portal-url) used by dwadm -c and
#                   by the PAM module (config=)
# lc_conf           (re)write $T/dw.conf for the current $DW_URI
# as USER PW ARGS.. dwadm -c $T/dw.conf --as USER, the password on stdin
# as_root ARGS..    dwadm as root over ldapi (SASL EXTERNAL)
# mails             how many messages the test sendmail has captured
# mail_file N       the file of the Nth captured message
# link_of FILE      the accept link in a captured message
# token_of LINK     the token in a link
# one_line FILE     FILE is exactly one line "dwadm: ..."
# admin_attr EMAIL ATTR   the value of ATTR of an admin entry (as root)
# audit_n FILTER    audit entries matching FILTER (after polling briefly
#                   for at least one, as audit writes follow the reply)
# mk_admin EMAIL ROLE PW  invite (as boss) and accept: an active admin
# mfa_enroll EMAIL PW [CODE]  dwadm mfa enroll, driven through a fifo:
#                   the password, then (once the URI is printed) the code
#                   oathtool computes from it, or CODE; output in
#                   $T/enroll.out and .err, the secret in $MFA_SECRET,
#                   returns dwadm's exit status
# totp SECRET [OFFSET]    oathtool's code for now + OFFSET seconds
# new_session_id    a random session id (43 base64url characters)
# session_add ID USERDN GENTIME [CLIENT]  a session entry written as the
#                   portal service account
# gentime [OFFSET]  GeneralizedTime of now + OFFSET seconds

PW_BOSS='Kq7#Wn2x-Vr9!Lm4z'
BOSS=boss@dramwell.ai
PORTAL_URL=https://portal.test.example/admin
MAILDIR=$T/mail

lc_conf() {
	umask 077
	cat >"$T/dw.conf" <<EOC
# Shared by dwadm (-c) and the PAM module (config=).
uri $DW_URI
bindpwfile $T/portal.secret
timeout 5
sendmail $T/sendmail -t -i
portal-url $PORTAL_URL
EOC
}

lc_setup() {
	umask 077
	B=$DW_BASE
	BOSS_DN=uid=$BOSS,ou=admins,$B
	printf '%s\n' "$PW_BOSS" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
	    init --admin "$BOSS" --name "Boss Person" \
	    --service-secret "$T/portal.secret" --password-stdin \
	    >"$T/init.out" 2>&1 || {
		cat "$T/init.out"
		say "Bail out! dwadm init failed"
		exit 1
	}
	mkdir -p "$MAILDIR"
	# The test sendmail: its arguments and the message, one file each.
	cat >"$T/sendmail" <<EOS
#!/bin/sh
n=\$(( \$(ls "$MAILDIR" | grep -c '\.msg\$') + 1 ))
printf '%s\n' "\$@" >"$MAILDIR/\$n.args"
cat >"$MAILDIR/\$n.msg"
EOS
	chmod 700 "$T/sendmail"
	lc_conf
	pam_conf dwl "config=$T/dw.conf"
}

as() {
	as_u=$1 as_p=$2
	shift 2
	printf '%s\n' "$as_p" | "$DWADM" -c "$T/dw.conf" --as "$as_u" \
	    --password-stdin "$@"
}

as_root() {
	"$DWADM" -c "$T/dw.conf" -H "$DW_LDAPI_URI" -Y EXTERNAL "$@"
}

mails() {
	ls "$MAILDIR" | grep -c '\.msg$' || true
}

mail_file() {
	echo "$MAILDIR/$1.msg"
}

link_of() {
	grep -E "^$PORTAL_URL/invite/accept\\?token=[A-Za-z0-9_-]{43}\$" "$1" |
	    head -n 1
}

token_of() {
	printf '%s\n' "$1" | sed -n 's/.*token=\([A-Za-z0-9_-]\{43\}\)$/\1/p'
}

one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^dwadm: ' "$1"
}

admin_attr() {
	root_search -o ldif-wrap=no -b "uid=$1,ou=admins,$B" -s base \
	    "(objectClass=*)" "$2" | sed -n "s/^$2: //p"
}

audit_n() {
	an_i=0
	while an_c=$(audit_count "$1"); [ "$an_c" -lt 1 ]; do
		an_i=$((an_i + 1))
		[ $an_i -ge 30 ] && break
		sleep 0.1
	done
	echo "$an_c"
}

# The whole audit subtree as text, base64 values decoded, for grepping.
audit_dump() {
	root_search -o ldif-wrap=no -b "ou=audit,$B" '(objectClass=*)' |
	while IFS= read -r line; do
		case $line in
		*::\ *)
			printf '%s: ' "${line%%::*}"
			printf '%s' "${line#*:: }" | base64 -d
			printf '\n' ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
}

# A GeneralizedTime YYYYMMDDHHMMSSZ as seconds since the epoch.
gentime_epoch() {
	date -u -d "$(printf '%s' "$1" |
	    sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\).*/\1-\2-\3 \4:\5:\6/')" +%s
}

# The dwAuditDetail values of the audit entries matching FILTER, one a
# line (dwAuditDetail has no substring rule: grep them here).
audit_details() {
	audit_n "$1" >/dev/null
	root_search -o ldif-wrap=no -b "ou=audit,$B" "$1" dwAuditDetail |
	    sed -n 's/^dwAuditDetail: //p'
}

# no_secret FILE SECRET DESC: SECRET (which must be known) is not in FILE.
no_secret() {
	if [ -z "$2" ]; then
		fail "$3 (the secret to look for is unknown)"
	else
		check_eq "$3" "" "$(grep -F -- "$2" "$1" | head -n 1)"
	fi
}

mk_admin() {
	mk_link=$(as "$BOSS" "$PW_BOSS" user invite "$1" --role "$2" \
	    --print-link 2>"$T/mk.err") || {
		cat "$T/mk.err"
		say "Bail out! could not invite $1"
		exit 1
	}
	printf '%s\n%s\n' "$mk_link" "$3" | "$DWADM" -c "$T/dw.conf" \
	    user accept-invite --password-stdin >"$T/mk.out" 2>&1 || {
		cat "$T/mk.out"
		say "Bail out! $1 could not accept the invitation"
		exit 1
	}
}

totp() {
	oathtool --totp -b -N "@$(( $(date -u +%s) + ${2:-0} ))" "$1"
}

mfa_enroll() {
	rm -f "$T/enroll.in"
	mkfifo "$T/enroll.in"
	"$DWADM" -c "$T/dw.conf" mfa enroll "$1" --password-stdin \
	    <"$T/enroll.in" >"$T/enroll.out" 2>"$T/enroll.err" &
	me_pid=$!
	exec 3>"$T/enroll.in"
	# In a subshell: if dwadm is gone, SIGPIPE ends only the subshell.
	( printf '%s\n' "$2" >&3 ) 2>/dev/null
	MFA_SECRET=
	me_i=0
	while [ $me_i -lt 200 ]; do
		MFA_SECRET=$(sed -n \
		    's/^otpauth:.*[?&]secret=\([A-Z2-7]*\).*/\1/p' \
		    "$T/enroll.out")
		[ -n "$MFA_SECRET" ] && break
		kill -0 "$me_pid" 2>/dev/null || break
		me_i=$((me_i + 1))
		sleep 0.05
	done
	if [ -n "${3:-}" ]; then
		( printf '%s\n' "$3" >&3 ) 2>/dev/null
	elif [ -n "$MFA_SECRET" ]; then
		( totp "$MFA_SECRET" >&3 ) 2>/dev/null
	fi
	exec 3>&-
	wait "$me_pid"
}

# A random id of the server's form (never a leading '-', which dwadm
# would read as an option).
new_session_id() {
	while :; do
		nsi=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		case $nsi in -*) ;; *) printf '%s\n' "$nsi"; return ;; esac
	done
}

gentime() {
	date -u -d "@$(( $(date -u +%s) + ${1:-0} ))" +%Y%m%d%H%M%SZ
}

session_add() {
	ldapadd -H "$DW_URI" -D "cn=portal,ou=services,$B" \
	    -y "$T/portal.secret" >/dev/null <<EOF
dn: dwSessionId=$1,ou=sessions,$B
objectClass: dwSession
dwSessionId: $1
dwSessionUser: $2
dwSessionStart: $3
dwSessionLastActivity: $3
dwClientAddress: ${4:-192.0.2.10}
EOF
}
