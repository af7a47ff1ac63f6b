#!/bin/sh
# pam_dramwell configuration: module arguments and the config= file fail
# closed (PAM_SERVICE_ERR) on anything unknown or out of range, in every
# service; the file works, arguments override it.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
umask 077
ok_args="uri=$DW_URI bindpwfile=$T/portal.secret"

# expect_service_err DESC ARG...: every service refuses to run.
expect_service_err() {
	desc=$1; shift
	pam_conf bad "$@"
	drive bad alice@dramwell.ai "$PW_ALICE" authenticate
	check_eq "$desc: authenticate PAM_SERVICE_ERR" PAM_SERVICE_ERR \
	    "$DRIVE_authenticate"
	check_eq "$desc: no prompt before the arguments are good" 0 \
	    "$DRIVE_PROMPTS"
	drive bad alice@dramwell.ai "$PW_ALICE" acct_mgmt
	check_eq "$desc: acct_mgmt PAM_SERVICE_ERR" PAM_SERVICE_ERR \
	    "$DRIVE_acct_mgmt"
	drive bad alice@dramwell.ai "$PW_ALICE" open_session
	check_eq "$desc: open_session PAM_SERVICE_ERR" PAM_SERVICE_ERR \
	    "$DRIVE_open_session"
	drive bad alice@dramwell.ai "$PW_ALICE" \
	    -E DRAMWELL_SESSION=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	    close_session
	check_eq "$desc: close_session PAM_SERVICE_ERR" PAM_SERVICE_ERR \
	    "$DRIVE_close_session"
	drive bad alice@dramwell.ai "$PW_ALICE" chauthtok
	check_eq "$desc: chauthtok PAM_SERVICE_ERR" PAM_SERVICE_ERR \
	    "$DRIVE_chauthtok"
}

# The good arguments work (so that each failure below is the argument's).
# ($ok_args is split on purpose: $T has no blanks.)
# shellcheck disable=SC2086
pam_conf good $ok_args debug
drive good alice@dramwell.ai "$PW_ALICE" authenticate acct_mgmt
check_eq "good arguments: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "good arguments: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"

# shellcheck disable=SC2086
expect_service_err "unknown argument" $ok_args foo=bar
expect_service_err "unknown flag" $ok_args use_first_pass
expect_service_err "password as an argument" $ok_args bindpw=secret
expect_service_err "timeout=0" $ok_args timeout=0
expect_service_err "timeout=61" $ok_args timeout=61
expect_service_err "timeout=abc" $ok_args timeout=abc
expect_service_err "timeout=-1" $ok_args timeout=-1
expect_service_err "empty timeout" $ok_args timeout=
expect_service_err "empty base" $ok_args base=
expect_service_err "http URI" "uri=http://127.0.0.1/" \
    "bindpwfile=$T/portal.secret"
expect_service_err "empty uri" uri= "bindpwfile=$T/portal.secret"
expect_service_err "relative bindpwfile" "uri=$DW_URI" bindpwfile=portal.secret
expect_service_err "relative config" $ok_args config=dw.conf
expect_service_err "missing config file" $ok_args "config=$T/missing.conf"
expect_service_err "config given twice" $ok_args "config=$T/a.conf" \
    "config=$T/b.conf"

# --- the config file
cat >"$T/dw.conf" <<EOF
# pam_dramwell test configuration
uri	$DW_URI
base	$DW_BASE
binddn	cn=portal,ou=services,$DW_BASE
bindpwfile	$T/portal.secret
timeout	3
EOF
chmod 600 "$T/dw.conf"
pam_conf file "config=$T/dw.conf"
drive file alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt
check_eq "config file: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "config file: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
drive file alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "config file: wrong password" PAM_AUTH_ERR "$DRIVE_authenticate"

# Arguments override the file; uri= arguments replace its URI list.
dead=$(dw_pick_port)
sed "s|^uri.*|uri	ldap://127.0.0.1:$dead|" "$T/dw.conf" >"$T/dead.conf"
chmod 600 "$T/dead.conf"
pam_conf deadfile "config=$T/dead.conf" timeout=2
drive deadfile alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "file with a dead URI: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$DRIVE_authenticate"
pam_conf override "config=$T/dead.conf" "uri=$DW_URI"
drive override alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "uri= argument replaces the file's list" PAM_SUCCESS \
    "$DRIVE_authenticate"
pam_conf wrongbase "config=$T/dw.conf" base=dc=example,dc=com \
    "binddn=cn=portal,ou=services,$DW_BASE"
drive wrongbase alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "base argument overrides the file (no such base)" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"

printf 'uri %s\nbindpwfile %s\nverbose yes\n' "$DW_URI" "$T/portal.secret" \
    >"$T/unknown.conf"
chmod 600 "$T/unknown.conf"
expect_service_err "unknown key in the file" "config=$T/unknown.conf"
printf 'uri %s\nbindpwfile %s\ntimeout 0\n' "$DW_URI" "$T/portal.secret" \
    >"$T/range.conf"
chmod 600 "$T/range.conf"
expect_service_err "out-of-range timeout in the file" "config=$T/range.conf"
cp "$T/dw.conf" "$T/open.conf"
chmod 666 "$T/open.conf"
expect_service_err "world-writable config file" "config=$T/open.conf"
printf 'base %s\nbindpwfile %s\n' "$DW_BASE" "$T/portal.secret" \
    >"$T/nouri.conf"
chmod 600 "$T/nouri.conf"
expect_service_err "no URI at all" "config=$T/nouri.conf"

# --- the module exports pam_sm_* and nothing else
syms=$(nm -D --defined-only "$DW_PAM_MODULE" | awk '{ print $3 }' | sort |
    tr '\n' ' ')
check_eq "exported symbols" \
    "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred " \
    "$syms"

dw_done
