#!/bin/sh
# pam_dramwell fails closed and fails over: with the directory stopped a
# login answers PAM_AUTHINFO_UNAVAIL and nothing else; with the first URI
# of the list down (nothing listening, or a server that never answers)
# and the second up, it logs in; a service account that cannot bind is
# PAM_AUTHINFO_UNAVAIL too.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed

# A loopback port where nothing listens.
dead=$(dw_pick_port)
dead_uri=ldap://127.0.0.1:$dead

# A server that accepts connections and never answers: a listening socket
# nobody reads (the kernel completes the handshake).
hang_pid=
stop_hang() {
	if [ -n "$hang_pid" ]; then
		kill "$hang_pid" 2>/dev/null || true
		wait "$hang_pid" 2>/dev/null || true
		hang_pid=
	fi
}
trap 'rc=$?; stop_hang; (exit $rc); dw_cleanup' EXIT
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
while True:
    time.sleep(60)
' >"$T/hang.port" &
hang_pid=$!
n=0
until [ -s "$T/hang.port" ]; do
	n=$((n + 1))
	if [ $n -ge 100 ] || ! kill -0 "$hang_pid" 2>/dev/null; then
		say "Bail out! the silent listener did not start"
		exit 1
	fi
	sleep 0.05
done
hang_uri=ldap://127.0.0.1:$(cat "$T/hang.port")

# --- first URI down, second up: the login works
pam_conf list "[uri=$dead_uri $DW_URI]" "bindpwfile=$T/portal.secret" \
    timeout=2
drive list alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt
check_eq "dead first URI: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "dead first URI: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "dead first URI: two prompts" 2 "$DRIVE_PROMPTS"
drive list alice@dramwell.ai "$PW_WRONG" authenticate
check_eq "dead first URI: wrong password still PAM_AUTH_ERR" PAM_AUTH_ERR \
    "$DRIVE_authenticate"

pam_conf repeated "uri=$dead_uri" "uri=$DW_URI" \
    "bindpwfile=$T/portal.secret" timeout=2
drive repeated alice@dramwell.ai "$PW_ALICE" authenticate acct_mgmt
check_eq "repeated uri= arguments: authenticate" PAM_SUCCESS \
    "$DRIVE_authenticate"
check_eq "repeated uri= arguments: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"

# A first server that accepts and never answers: the timeout moves on.
pam_conf hang "[uri=$hang_uri $DW_URI]" "bindpwfile=$T/portal.secret" \
    timeout=1
t0=$(date +%s)
drive hang alice@dramwell.ai "$PW_ALICE" authenticate
t1=$(date +%s)
check_eq "silent first URI: authenticate after the timeout" PAM_SUCCESS \
    "$DRIVE_authenticate"
check "silent first URI: waited at most a few seconds" \
    test $((t1 - t0)) -le 5

# --- no URI answers: PAM_AUTHINFO_UNAVAIL, never success
pam_conf silent "uri=$hang_uri" "bindpwfile=$T/portal.secret" timeout=1
drive silent alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "only a silent server: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$DRIVE_authenticate"
drive silent alice@dramwell.ai "$PW_ALICE" acct_mgmt
check_eq "only a silent server: acct_mgmt PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_acct_mgmt"

# --- the service account cannot bind: PAM_AUTHINFO_UNAVAIL
umask 077
printf 'not-the-service-password\n' >"$T/wrong.secret"
pam_conf badsvc "uri=$DW_URI" "bindpwfile=$T/wrong.secret"
drive badsvc alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "wrong service password: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"
drive badsvc alice@dramwell.ai "$PW_ALICE" acct_mgmt
check_eq "wrong service password: acct_mgmt PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_acct_mgmt"
cp "$T/portal.secret" "$T/open.secret"
chmod 644 "$T/open.secret"
pam_conf opensecret "uri=$DW_URI" "bindpwfile=$T/open.secret"
drive opensecret alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "secret file readable by others: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"
pam_conf nosecret "uri=$DW_URI" "bindpwfile=$T/missing.secret"
drive nosecret alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "missing secret file: PAM_AUTHINFO_UNAVAIL" PAM_AUTHINFO_UNAVAIL \
    "$DRIVE_authenticate"
ln -s "$T/portal.secret" "$T/link.secret"
pam_conf linksecret "uri=$DW_URI" "bindpwfile=$T/link.secret"
drive linksecret alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "secret file is a symlink: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"

# --- the directory stopped: PAM_AUTHINFO_UNAVAIL and nothing else
svc=dramwell-test-$$
dw_pam_service "$svc" "$(cat "$T/pam.d/list")"
drive list alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "before the stop: the login works" PAM_SUCCESS "$DRIVE_authenticate"
dw_stop
for pw in "$PW_ALICE" "$PW_WRONG"; do
	drive list alice@dramwell.ai "$pw" authenticate
	check_eq "directory stopped: authenticate PAM_AUTHINFO_UNAVAIL" \
	    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"
	check_eq "directory stopped: the same two prompts" "$SEQ_LOGIN" \
	    "$DRIVE_SEQ"
done
drive list bob@dramwell.ai "$PW_ALICE" authenticate
check_eq "directory stopped, unknown user: PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"
drive list alice@dramwell.ai "$PW_ALICE" acct_mgmt
check_eq "directory stopped: acct_mgmt PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_acct_mgmt"
sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
drive list alice@dramwell.ai "$PW_ALICE" -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "directory stopped: acct_mgmt of a session PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_acct_mgmt"
drive list alice@dramwell.ai "$PW_ALICE" -e open_session
check_eq "directory stopped: open_session PAM_SESSION_ERR" PAM_SESSION_ERR \
    "$DRIVE_open_session"
check_fail "directory stopped: no session id exported" \
    grep -q DRAMWELL_SESSION "$T/drive.out"
drive list alice@dramwell.ai "$PW_ALICE" -E "DRAMWELL_SESSION=$sid" \
    close_session
check_eq "directory stopped: close_session PAM_SESSION_ERR" PAM_SESSION_ERR \
    "$DRIVE_close_session"
drive list alice@dramwell.ai "$PW_ALICE" chauthtok
check_eq "directory stopped: chauthtok PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_chauthtok"
check_eq "directory stopped: chauthtok asked nothing" 0 "$DRIVE_PROMPTS"
pam_conf ldapi "uri=$DW_LDAPI_URI" "bindpwfile=$T/portal.secret"
drive ldapi alice@dramwell.ai "$PW_ALICE" authenticate
check_eq "directory stopped (ldapi): PAM_AUTHINFO_UNAVAIL" \
    PAM_AUTHINFO_UNAVAIL "$DRIVE_authenticate"
out=$(printf '%s\n\n' "$PW_ALICE" | pamtester "$svc" alice@dramwell.ai \
    authenticate 2>&1)
check_eq "pamtester, directory stopped: fails" 1 $?
check_match "pamtester, directory stopped: PAM_AUTHINFO_UNAVAIL" \
    'cannot retrieve authentication info' "$out"
out=$(printf '%s\n\n' "$PW_ALICE" | pamtester "$svc" alice@dramwell.ai \
    acct_mgmt 2>&1)
check_eq "pamtester acct_mgmt, directory stopped: fails" 1 $?

stop_hang
dw_done
