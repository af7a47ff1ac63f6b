#!/bin/sh
# pam_dramwell sessions: open_session creates the ou=sessions entry and
# exports DRAMWELL_SESSION; acct_mgmt with that id (the portal's call on
# every request) refuses a session idle for the policy's timeout or longer
# (899 s allowed and refreshed, 900 and 901 refused against 900, with the
# stored last activity set as the rootdn: no sleeping) and deletes it, so
# that raising the timeout later cannot revive it; it refuses (and
# deletes) one last active more than 60 s in the future; a deleted or
# killed session, another user's, a malformed id, a deactivated account
# and a disallowed address; it refreshes the last activity at most once a
# minute and exports the role and permissions fresh each time;
# close_session deletes the entry.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"

dw_start
pam_seed
alice_dn=uid=alice@dramwell.ai,ou=admins,$DW_BASE
dev_dn=uid=dev@dramwell.ai,ou=admins,$DW_BASE
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5
policy_set dwSessionIdleTimeout 900

sessions() {
	root_search -b "ou=sessions,$DW_BASE" -s one '(objectClass=dwSession)' \
	    dn | grep -c '^dn:' || true
}

# session_attr ID ATTR: the stored value (empty if none or no entry).
session_attr() {
	root_search -b "dwSessionId=$1,ou=sessions,$DW_BASE" -s base \
	    '(objectClass=*)' "$2" 2>/dev/null | sed -n "s/^$2: //p"
}

set_last() {
	root_modify >"$T/setlast.out" 2>&1 <<EOF
dn: dwSessionId=$1,ou=sessions,$DW_BASE
changetype: modify
replace: dwSessionLastActivity
dwSessionLastActivity: $2
EOF
}

# idle_try USER SECONDS: store a last activity SECONDS before now on the
# session $sid, run acct_mgmt with it, and repeat until the clock did not
# move to another second meanwhile (so that the module's now is the test's
# now); a session deleted as expired on such a run is replaced by a new
# one (new_session) first.  Sets IDLE_STAMP (what was stored) and IDLE_NOW
# (the time of the run).
idle_try() {
	it_n=0
	while :; do
		IDLE_NOW=$(date +%s)
		IDLE_STAMP=$(date -u -d "@$((IDLE_NOW - $2))" +%Y%m%d%H%M%SZ)
		set_last "$sid" "$IDLE_STAMP" || {
			cat "$T/setlast.out"
			fail "store the last activity"
			return
		}
		drive dw "$1" "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
		[ "$(date +%s)" = "$IDLE_NOW" ] && break
		it_n=$((it_n + 1))
		if [ $it_n -ge 30 ]; then
			fail "idle_try: the clock kept moving"
			break
		fi
		[ -n "$(session_attr "$sid" dwSessionUser)" ] || new_session
	done
}

# new_session: log alice in and open a session; its id in sid.
new_session() {
	drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate open_session
	check_eq "new session: open_session" PAM_SUCCESS "$DRIVE_open_session"
	sid=$DRIVE_SESSION
}

# --- open a session after a login, in one handle
s0=$(sessions)
drive dw alice@dramwell.ai "$PW_ALICE" -e -r 192.0.2.7 \
    authenticate acct_mgmt open_session
check_eq "login: authenticate" PAM_SUCCESS "$DRIVE_authenticate"
check_eq "login: open_session" PAM_SUCCESS "$DRIVE_open_session"
check_match "open_session exports a session id" '^[A-Za-z0-9_-]{43}$' \
    "$DRIVE_SESSION"
sid=$DRIVE_SESSION
check_eq "one session entry more" $((s0 + 1)) "$(sessions)"
check_eq "the session names its user" "$alice_dn" \
    "$(session_attr "$sid" dwSessionUser)"
check_eq "the session holds the client address" 192.0.2.7 \
    "$(session_attr "$sid" dwClientAddress)"
start=$(session_attr "$sid" dwSessionStart)
check_match "the session has a start time" '^[0-9]{14}Z$' "$start"
check_eq "last activity is the start" "$start" \
    "$(session_attr "$sid" dwSessionLastActivity)"

# --- the portal's per-request call, from a new handle
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "live session: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "live session: no prompt" 0 "$DRIVE_PROMPTS"
check_match "live session: role exported" '^env DRAMWELL_ROLE=super-admin$' \
    "$DRIVE_OUT"

# --- idle time against a 900-second timeout
idle_try alice@dramwell.ai 899
check_eq "idle 899 s: allowed" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "idle 899 s: last activity refreshed to now" \
    "$(date -u -d "@$IDLE_NOW" +%Y%m%d%H%M%SZ)" \
    "$(session_attr "$sid" dwSessionLastActivity)"
idle_try alice@dramwell.ai 900
check_eq "idle 900 s (the timeout): refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_fail "idle 900 s: no role exported" grep -Eq "DRAMWELL_(ROLE|PERMISSIONS)" "$T/drive.out"
check_eq "idle 900 s: the expired session is deleted" "" \
    "$(session_attr "$sid" dwSessionUser)"
new_session
idle_try alice@dramwell.ai 901
check_eq "idle 901 s: refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_eq "idle 901 s: deleted" "" "$(session_attr "$sid" dwSessionUser)"

# An expired session stays expired: raising the timeout (to a day, more
# than it was idle) before the overlay's purge runs does not bring it back.
new_session
idle_try alice@dramwell.ai 7200
check_eq "idle two hours: refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_eq "idle two hours: deleted" "" "$(session_attr "$sid" dwSessionUser)"
check "dwadm security set session-timeout=86400" "$DWADM" \
    -H "$DW_LDAPI_URI" -Y EXTERNAL security set session-timeout=86400
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "timeout raised afterwards: still refused" PAM_AUTH_ERR \
    "$DRIVE_acct_mgmt"
check_eq "timeout raised afterwards: no entry" "" \
    "$(session_attr "$sid" dwSessionUser)"
policy_set dwSessionIdleTimeout 900

# A last activity in the future: within the 60 s clock skew it is idle 0
# (and set back to now); beyond it the session is refused and deleted.
new_session
idle_try alice@dramwell.ai -60
check_eq "60 s in the future: allowed" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "60 s in the future: set back to now" \
    "$(date -u -d "@$IDLE_NOW" +%Y%m%d%H%M%SZ)" \
    "$(session_attr "$sid" dwSessionLastActivity)"
idle_try alice@dramwell.ai -61
check_eq "61 s in the future: refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_eq "61 s in the future: deleted" "" \
    "$(session_attr "$sid" dwSessionUser)"
new_session
set_last "$sid" 20991231235959Z
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "last activity in 2099: refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_eq "last activity in 2099: deleted" "" \
    "$(session_attr "$sid" dwSessionUser)"
new_session

# At most one write per minute: 59 s idle is left alone, 60 s refreshed.
idle_try alice@dramwell.ai 59
check_eq "idle 59 s: allowed" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "idle 59 s: not rewritten" "$IDLE_STAMP" \
    "$(session_attr "$sid" dwSessionLastActivity)"
idle_try alice@dramwell.ai 60
check_eq "idle 60 s: allowed" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_eq "idle 60 s: rewritten" "$(date -u -d "@$IDLE_NOW" +%Y%m%d%H%M%SZ)" \
    "$(session_attr "$sid" dwSessionLastActivity)"

# A shorter timeout holds for the next request.
idle_try alice@dramwell.ai 120
check_eq "idle 120 s, timeout 900: allowed" PAM_SUCCESS "$DRIVE_acct_mgmt"
policy_set dwSessionIdleTimeout 60
idle_try alice@dramwell.ai 120
check_eq "idle 120 s, timeout lowered to 60: refused" PAM_AUTH_ERR \
    "$DRIVE_acct_mgmt"
policy_set dwSessionIdleTimeout 900
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "timeout back to 900: the expired session stays refused" \
    PAM_AUTH_ERR "$DRIVE_acct_mgmt"
new_session

# --- ids that are not this user's live session
drive dw dev@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "another user's session: refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
check_fail "another user's session: no role" grep -Eq "DRAMWELL_(ROLE|PERMISSIONS)" "$T/drive.out"
for bad in abc 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,' \
    "$sid,ou=admins" 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*' ''; do
	drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$bad" acct_mgmt
	check_eq "session id '$bad': refused" PAM_AUTH_ERR "$DRIVE_acct_mgmt"
done
drive dw alice@dramwell.ai "" \
    -E DRAMWELL_SESSION=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA acct_mgmt
check_eq "well-formed id of no session: refused" PAM_AUTH_ERR \
    "$DRIVE_acct_mgmt"
drive dw dev@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" close_session
check_eq "close another user's session: PAM_SESSION_ERR" PAM_SESSION_ERR \
    "$DRIVE_close_session"
check_eq "another user's close left the session" "$alice_dn" \
    "$(session_attr "$sid" dwSessionUser)"

# --- the allowlist applies to every request of a session
policy_set dwIpAllowlist 10.0.0.0/8
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" -r 10.1.1.1 acct_mgmt
check_eq "session from an allowed address" PAM_SUCCESS "$DRIVE_acct_mgmt"
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" -r 8.8.8.8 acct_mgmt
check_eq "session from a disallowed address" PAM_PERM_DENIED \
    "$DRIVE_acct_mgmt"
policy_set dwIpAllowlist

# --- role changes show on the next request
drive dw dev@dramwell.ai "$PW_DEV" -e authenticate acct_mgmt open_session
check_eq "dev: session opened" PAM_SUCCESS "$DRIVE_open_session"
dsid=$DRIVE_SESSION
check_eq "no PAM_RHOST: no client address stored" "" \
    "$(session_attr "$dsid" dwClientAddress)"
drive dw dev@dramwell.ai "" -e -E "DRAMWELL_SESSION=$dsid" acct_mgmt
check_match "dev: developer role" '^env DRAMWELL_ROLE=developer$' "$DRIVE_OUT"
check_match "dev: developer permissions" \
    '^env DRAMWELL_PERMISSIONS=monitoring:write,logs:write,feature-flags:write,api-settings:write$' \
    "$DRIVE_OUT"
root_modify >/dev/null <<EOF
dn: $dev_dn
changetype: modify
replace: dwRole
dwRole: support
EOF
drive dw dev@dramwell.ai "" -e -E "DRAMWELL_SESSION=$dsid" acct_mgmt
check_eq "after the role change: acct_mgmt" PAM_SUCCESS "$DRIVE_acct_mgmt"
check_match "after the role change: new role" '^env DRAMWELL_ROLE=support$' \
    "$DRIVE_OUT"
check_match "after the role change: new permissions" \
    '^env DRAMWELL_PERMISSIONS=logs:read,customers:read,customer-users:read$' \
    "$DRIVE_OUT"

# A custom role: its permissions are read from its entry.
root_add >/dev/null <<EOF
dn: cn=auditors,ou=roles,$DW_BASE
objectClass: dwRole
cn: auditors
dwPermission: logs:read
dwPermission: pii
EOF
root_modify >/dev/null <<EOF
dn: $dev_dn
changetype: modify
replace: dwRole
dwRole: auditors
EOF
drive dw dev@dramwell.ai "" -e -E "DRAMWELL_SESSION=$dsid" acct_mgmt
check_match "custom role exported" '^env DRAMWELL_ROLE=auditors$' "$DRIVE_OUT"
check_match "custom role permissions" '^env DRAMWELL_PERMISSIONS=logs:read,pii$' \
    "$DRIVE_OUT"

# --- deactivation ends the session
root_modify >/dev/null <<EOF
dn: $dev_dn
changetype: modify
replace: dwAccountStatus
dwAccountStatus: deactivated
EOF
drive dw dev@dramwell.ai "" -e -E "DRAMWELL_SESSION=$dsid" acct_mgmt
check_eq "deactivated: the session is refused" PAM_PERM_DENIED \
    "$DRIVE_acct_mgmt"
check_fail "deactivated: no role" grep -Eq "DRAMWELL_(ROLE|PERMISSIONS)" "$T/drive.out"
s0=$(sessions)
drive dw dev@dramwell.ai "" -e open_session
check_eq "deactivated: open_session refused" PAM_SESSION_ERR \
    "$DRIVE_open_session"
check_eq "deactivated: no session created" "$s0" "$(sessions)"
drive dw bob@dramwell.ai "" -e open_session
check_eq "unknown user: open_session refused" PAM_SESSION_ERR \
    "$DRIVE_open_session"
check_eq "unknown user: no session created" "$s0" "$(sessions)"

# --- a killed session is refused at the next request
drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate open_session
ksid=$DRIVE_SESSION
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$ksid" acct_mgmt
check_eq "second session: live" PAM_SUCCESS "$DRIVE_acct_mgmt"
check "dwadm session kill" "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
    session kill "$ksid"
check_eq "killed: the entry is gone" "" \
    "$(session_attr "$ksid" dwSessionUser)"
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$ksid" acct_mgmt
check_eq "killed: the next request is refused" PAM_AUTH_ERR \
    "$DRIVE_acct_mgmt"
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "killing one session left the other" PAM_SUCCESS "$DRIVE_acct_mgmt"

# --- close_session deletes the entry (and is done once it is gone)
drive dw alice@dramwell.ai "" -e -E "DRAMWELL_SESSION=$sid" close_session
check_eq "close_session" PAM_SUCCESS "$DRIVE_close_session"
check_eq "closed: the entry is gone" "" "$(session_attr "$sid" dwSessionUser)"
check_fail "closed: DRAMWELL_SESSION removed" grep -q DRAMWELL_SESSION \
    "$T/drive.out"
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" acct_mgmt
check_eq "closed: the next request is refused" PAM_AUTH_ERR \
    "$DRIVE_acct_mgmt"
drive dw alice@dramwell.ai "" -E "DRAMWELL_SESSION=$sid" close_session
check_eq "closing again: nothing left to do" PAM_SUCCESS \
    "$DRIVE_close_session"
drive dw alice@dramwell.ai "" close_session
check_eq "close_session without DRAMWELL_SESSION" PAM_SESSION_ERR \
    "$DRIVE_close_session"

# Open and close in one handle leave nothing behind.
s0=$(sessions)
drive dw alice@dramwell.ai "$PW_ALICE" -e authenticate acct_mgmt \
    open_session close_session
check_eq "one handle: open_session" PAM_SUCCESS "$DRIVE_open_session"
check_eq "one handle: close_session" PAM_SUCCESS "$DRIVE_close_session"
check_eq "one handle: no session left" "$s0" "$(sessions)"

# --- pamtester drives the same session service
svc=dramwell-test-$$
dw_pam_service "$svc" "$(cat "$T/pam.d/dw")"
s0=$(sessions)
out=$(printf '%s\n\n' "$PW_ALICE" | pamtester "$svc" alice@dramwell.ai \
    authenticate open_session close_session 2>&1)
check_eq "pamtester: login, open and close" 0 $?
check_match "pamtester: session opened" 'successfully opened a session' "$out"
check_eq "pamtester: nothing left behind" "$s0" "$(sessions)"

dw_done
