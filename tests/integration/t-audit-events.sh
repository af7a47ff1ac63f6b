#!/bin/sh
# One event of every kind of issue 5, made through real clients (ldapwhoami,
# ldapadd, the PAM module through pamdrive, dwadm), each found with the
# right fields by ldapsearch and by dwadm audit search; then the filters of
# dwadm audit search (user, action, category, date range) return exactly
# what the same ldapsearch returns; the log verifies.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

audit_start	# boss (super-admin), ann (support)
PORTAL="cn=portal,ou=services,$B"
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5
PW_CARL='Rb4!Tz8q-Wm3#Hx6k'; mk_admin carl@dramwell.ai support "$PW_CARL"
PW_DAN='Ny5!Kd2w-Qs7#Pv9j'; mk_admin dan@dramwell.ai support "$PW_DAN"
PW_EVE='Jc6!Lr3m-Fb8#Gt4y'; mk_admin eve@dramwell.ai support "$PW_EVE"
CARL_DN=uid=carl@dramwell.ai,ou=admins,$B
DAN_DN=uid=dan@dramwell.ai,ou=admins,$B
EVE_DN=uid=eve@dramwell.ai,ou=admins,$B
START=$(date -u +%s)

pwf() { (umask 077 && printf '%s' "$2" >"$T/$1.pw"); }
bind_as() {	# DN PASSWORD: ldapwhoami over TCP (simple bind)
	pwf bind "$2"
	ldapwhoami -H "$DW_URI" -x -D "$1" -y "$T/bind.pw" >/dev/null 2>&1
}
ids() {	# FILTER: the ids of the matching events, sorted
	root_search -b "ou=audit,$B" "$1" dwAuditId |
	    sed -n 's/^dwAuditId: //p' | sort
}
search() {	# ARGS: ids dwadm audit search lists (CSV), sorted
	as "$BOSS" "$PW_BOSS" audit search --format csv --limit 10000 "$@" \
	    2>"$T/search.err" | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
for r in rows[1:]:
    print(r[0])' | sort
}
# ev NAME FILTER SEARCH-ARGS...: FILTER finds the event (ldapsearch), and
# dwadm audit search with SEARCH-ARGS lists it.
ev() {
	ev_name=$1 ev_f=$2
	shift 2
	ev_ids=$(ids "$ev_f")
	check "$ev_name: ldapsearch finds it" test -n "$ev_ids"
	ev_one=$(printf '%s\n' "$ev_ids" | tail -n 1)
	search "$@" >"$T/ev.ids"
	check "$ev_name: dwadm audit search $* lists it" \
	    grep -qx -- "$ev_one" "$T/ev.ids"
}

# ------------------------------------------------------ authentication
check "login over LDAP" bind_as "$BOSS_DN" "$PW_BOSS"
ev "login (bind)" \
    "(&(dwAuditAction=bind)(dwAuditCategory=authentication)(dwAuditActor=$BOSS_DN)(dwAuditResult=0)(dwAuditClient=127.0.0.1)(dwAuditDetail=password verified))" \
    --action bind --user "$BOSS" --category authentication

drive dw "$ANN" "$PW_ANN" -e -r 192.0.2.7 \
    authenticate acct_mgmt open_session close_session
check_eq "portal login through PAM, session opened and closed" \
    "PAM_SUCCESS PAM_SUCCESS PAM_SUCCESS" \
    "$DRIVE_authenticate $DRIVE_open_session $DRIVE_close_session"
ev "portal login (the end user's address)" \
    "(&(dwAuditAction=bind)(dwAuditActor=$ANN_DN)(dwAuditResult=0)(dwAuditClient=192.0.2.7))" \
    --action bind --user "$ANN"
ev "session open" \
    "(&(dwAuditAction=session-open)(dwAuditCategory=authentication)(dwAuditActor=$PORTAL)(dwAuditTarget=$ANN_DN)(dwAuditResult=0)(dwAuditClient=192.0.2.7))" \
    --action session-open --user "$ANN"
ev "logout" \
    "(&(dwAuditAction=logout)(dwAuditCategory=authentication)(dwAuditActor=$PORTAL)(dwAuditTarget=$ANN_DN)(dwAuditResult=0)(dwAuditClient=192.0.2.7))" \
    --action logout --user "$ANN" --category authentication

drive dw nobody@dramwell.ai 'Some-Guess-12345!' -r 203.0.113.9 authenticate
check_eq "a portal login for a name with no account" PAM_AUTH_ERR \
    "$DRIVE_authenticate"
ev "failed: unknown name through the portal (the end user's address)" \
    "(&(dwAuditAction=bind)(dwAuditActor=uid=nobody@dramwell.ai,ou=admins,$B)(dwAuditResult=49)(dwAuditClient=203.0.113.9)(dwAuditDetail=unknown entry))" \
    --action bind --category authentication

check_fail "a wrong password" bind_as "$ANN_DN" 'Not-The-Password-1!'
ev "failed: wrong password" \
    "(&(dwAuditAction=bind)(dwAuditActor=$ANN_DN)(dwAuditResult=49)(dwAuditDetail=wrong password))" \
    --action bind --user "$ANN"

check "carl deactivated" as "$BOSS" "$PW_BOSS" user deactivate carl@dramwell.ai
check_fail "carl's login" bind_as "$CARL_DN" "$PW_CARL"
ev "failed: deactivated" \
    "(&(dwAuditAction=bind)(dwAuditActor=$CARL_DN)(dwAuditResult=49)(dwAuditDetail=account deactivated))" \
    --user carl@dramwell.ai --action bind

check "allowlist 10.0.0.0/8" as_root security set ip-allowlist=10.0.0.0/8
check_fail "dan's login from 127.0.0.1" bind_as "$DAN_DN" "$PW_DAN"
check "allowlist emptied" as_root security set ip-allowlist=
ev "failed: address not allowed" \
    "(&(dwAuditAction=bind)(dwAuditActor=$DAN_DN)(dwAuditResult=49)(dwAuditDetail=address not allowed))" \
    --user dan@dramwell.ai

check "lockout after 3 failures" as_root security set lockout-threshold=3
bind_as "$DAN_DN" 'Wrong-Password-01!' || :
bind_as "$DAN_DN" 'Wrong-Password-02!' || :
bind_as "$DAN_DN" 'Wrong-Password-03!' || :
check_fail "dan, locked, with the right password" bind_as "$DAN_DN" "$PW_DAN"
check "lockout back to 5" as_root security set lockout-threshold=5
ev "failed: locked" \
    "(&(dwAuditAction=bind)(dwAuditActor=$DAN_DN)(dwAuditResult=49)(dwAuditDetail=account locked))" \
    --user dan@dramwell.ai --category authentication

root_modify >/dev/null <<EOF
dn: $EVE_DN
changetype: modify
replace: dwPasswordChangedTime
dwPasswordChangedTime: 20200101000000Z
EOF
check "maximum age 90 days" as_root security set password-max-age=7776000
check "eve's login with an expired password (only a change allowed)" \
    bind_as "$EVE_DN" "$PW_EVE"
check "maximum age off" as_root security set password-max-age=0
ev "expired password" \
    "(&(dwAuditAction=bind)(dwAuditActor=$EVE_DN)(dwAuditDetail=password expired))" \
    --user eve@dramwell.ai --action bind

mfa_enroll "$ANN" "$PW_ANN"
check "ann enrolls in MFA" test -n "$MFA_SECRET"
ev "MFA enrollment" \
    "(&(dwAuditAction=mfa-enroll)(dwAuditCategory=authentication)(dwAuditTarget=$ANN_DN)(dwAuditResult=0))" \
    --action mfa-enroll --user "$ANN"
code=$(totp "$MFA_SECRET")
last=${code#?????}
wrong=${code%?}$(( (last + 5) % 10 ))
check_fail "a wrong code" bind_as "$ANN_DN" "$PW_ANN$wrong"
ev "failed: wrong code" \
    "(&(dwAuditAction=bind)(dwAuditActor=$ANN_DN)(dwAuditResult=49)(dwAuditDetail=wrong code))" \
    --user "$ANN" --action bind
# The enrollment used this step's code: wait for the next step, use it
# once, then again.
while [ "$(totp "$MFA_SECRET")" = "$code" ]; do sleep 0.2; done
code=$(totp "$MFA_SECRET")
check "a fresh code" bind_as "$ANN_DN" "$PW_ANN$code"
check_fail "the same code again" bind_as "$ANN_DN" "$PW_ANN$code"
ev "failed: replayed code" \
    "(&(dwAuditAction=bind)(dwAuditActor=$ANN_DN)(dwAuditResult=49)(dwAuditDetail=code replayed))" \
    --user "$ANN" --action bind
check "boss resets ann's MFA" as "$BOSS" "$PW_BOSS" mfa reset "$ANN"
ev "MFA reset (destructive)" \
    "(&(dwAuditAction=mfa-reset)(dwAuditCategory=destructive)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$ANN_DN)(dwAuditResult=0))" \
    --action mfa-reset --category destructive --user "$ANN"

# Session timeout: an idle session, found by the purge that runs when
# slapd starts.
S_IDLE=$(new_session_id)
check "the portal holds an idle session of eve" \
    session_add "$S_IDLE" "$EVE_DN" "$(gentime -7200)"
dw_stop
dw_start
lc_conf
pam_conf dw "uri=$DW_URI" "bindpwfile=$T/portal.secret" timeout=5
timed_out() { [ -n "$(ids "(&(dwAuditAction=session-timeout)(dwAuditTarget=$EVE_DN))")" ]; }
n=0
while ! timed_out && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
ev "session timeout" \
    "(&(dwAuditAction=session-timeout)(dwAuditCategory=authentication)(dwAuditTarget=$EVE_DN)(dwAuditResult=0))" \
    --action session-timeout --user eve@dramwell.ai

# ------------------------------------------------------- data access
check "an export" as "$BOSS" "$PW_BOSS" audit export --csv "$T/x.csv" \
    --category authentication
ev "export (recorded by dwadm)" \
    "(&(dwAuditAction=audit-export)(dwAuditCategory=data-access)(dwAuditActor=$BOSS_DN)(dwAuditResult=0))" \
    --action audit-export --category data-access --user "$BOSS"
check "an export as root over ldapi (local maintenance)" \
    as_root audit export --csv "$T/root.csv" --category destructive
ev "export by the rootdn, recorded as itself" \
    "(&(dwAuditAction=audit-export)(dwAuditActor=$DW_ROOTDN)(dwAuditClient=ldapi))" \
    --action audit-export
check "a report download, reported" as "$BOSS" "$PW_BOSS" audit record \
    --category data-access --action report-download \
    --target reports/finance-2026-11.pdf
ev "report download" \
    "(&(dwAuditAction=report-download)(dwAuditActor=$BOSS_DN)(dwAuditTarget=reports/finance-2026-11.pdf))" \
    --action report-download --category data-access
printf 'dn: dwAuditId=new,ou=audit,%s\nobjectClass: dwAuditEvent\ndwAuditId: new\ndwAuditCategory: data-access\ndwAuditAction: pii-view\ndwAuditTarget: customers/4711\ndwAuditOnBehalfOf: %s\ndwAuditDetail: fields: phone, address\n' \
    "$B" "$DAN_DN" >"$T/pii.ldif"
check "a PII view, reported by the portal (ldapadd)" ldapadd -H "$DW_URI" \
    -x -D "$PORTAL" -y "$T/portal.secret" -f "$T/pii.ldif"
ev "PII view (on behalf of dan)" \
    "(&(dwAuditAction=pii-view)(dwAuditActor=$PORTAL)(dwAuditOnBehalfOf=$DAN_DN)(dwAuditTarget=customers/4711)(dwAuditDetail=fields: phone, address))" \
    --action pii-view --user dan@dramwell.ai

# A reported value with a right-to-left override (U+202E) and a line
# separator (U+2028): stored as sent, shown as '?' in the table.
printf 'dn: dwAuditId=new,ou=audit,%s\nobjectClass: dwAuditEvent\ndwAuditId: new\ndwAuditCategory: data-access\ndwAuditAction: pii-view\ndwAuditTarget:: %s\n' \
    "$B" "$(printf 'customers/\342\200\256fdp.exe\342\200\250x' | base64 -w0)" >"$T/rtl.ldif"
check "a report with bidi and separator characters" ldapadd -H "$DW_URI" \
    -x -D "$PORTAL" -y "$T/portal.secret" -f "$T/rtl.ldif"
as "$BOSS" "$PW_BOSS" audit search --action pii-view >"$T/rtl.out" 2>&1
check_fail "the table shows no bidi or separator character" \
    grep -q "$(printf '\342\200\256\|\342\200\250')" "$T/rtl.out"
check "  but '?' in their place" grep -q 'customers/?fdp.exe?x' "$T/rtl.out"

# ----------------------------------------------------- configuration
check "ann's role: support -> developer" \
    as "$BOSS" "$PW_BOSS" user set-role "$ANN" developer
ev "role change (old -> new)" \
    "(&(dwAuditAction=set-role)(dwAuditCategory=configuration)(dwAuditTarget=$ANN_DN)(dwAuditDetail=role: support -> developer))" \
    --action set-role --user "$ANN" --category configuration
check "policy: minimum length 14" \
    as "$BOSS" "$PW_BOSS" security set password-min-length=14
ev "policy change" \
    "(&(dwAuditAction=policy-modify)(dwAuditCategory=configuration)(dwAuditActor=$BOSS_DN))" \
    --action policy-modify --category configuration
check_match "  names the setting, old -> new" \
    'dwPasswordMinLength: 12 -> 14' \
    "$(root_search -b "ou=audit,$B" -o ldif-wrap=no '(dwAuditAction=policy-modify)' dwAuditDetail)"
check "a role defined" as "$BOSS" "$PW_BOSS" role create auditors \
    --permission logs:read
ev "role definition" \
    "(&(dwAuditAction=role-create)(dwAuditTarget=cn=auditors,ou=roles,$B)(dwAuditResult=0))" \
    --action role-create
check "an invitation" as "$BOSS" "$PW_BOSS" user invite fay@dramwell.ai \
    --role support --print-link
ev "invitation" \
    "(&(dwAuditAction=invite)(dwAuditActor=$BOSS_DN)(dwAuditTarget=uid=fay@dramwell.ai,ou=admins,$B))" \
    --action invite --user fay@dramwell.ai
check "a feature flag change, reported" as "$BOSS" "$PW_BOSS" audit record \
    --category configuration --action feature-flag --target flags/new-billing \
    --detail 'off -> on'
ev "feature flag" \
    "(&(dwAuditAction=feature-flag)(dwAuditCategory=configuration)(dwAuditDetail=off -> on))" \
    --action feature-flag

# -------------------------------------------------------- destructive
ev "deactivation" \
    "(&(dwAuditAction=deactivate)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$CARL_DN)(dwAuditResult=0))" \
    --action deactivate --user carl@dramwell.ai
check "the role deleted" as "$BOSS" "$PW_BOSS" role delete auditors
ev "deletion" \
    "(&(dwAuditAction=role-delete)(dwAuditCategory=destructive)(dwAuditTarget=cn=auditors,ou=roles,$B))" \
    --action role-delete --category destructive
S_K=$(new_session_id)
check "a session of dan" session_add "$S_K" "$DAN_DN" "$(gentime 0)"
check "boss kills it" as "$BOSS" "$PW_BOSS" session kill "$S_K"
ev "session kill" \
    "(&(dwAuditAction=session-kill)(dwAuditCategory=destructive)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$DAN_DN))" \
    --action session-kill --category destructive --user dan@dramwell.ai

# ------------------------------------------ filters: exactly the same set
same() {	# NAME FILTER SEARCH-ARGS...
	s_name=$1 s_f=$2
	shift 2
	# dwadm's own bind (as boss) is audited after ldapsearch looked.
	ids "$s_f" >"$T/want"
	search "$@" >"$T/got.all"
	grep -vxF -f "$T/want" "$T/got.all" >"$T/extra"
	# ... except dwadm's own binds since: they are boss's, newer.
	grep -xF -f "$T/want" "$T/got.all" >"$T/got"
	check_eq "  ... what it adds is only newer than what ldapsearch saw" "" \
	    "$(awk -v last="$(tail -n 1 "$T/want")" '$0 < last' "$T/extra")"
	check_eq "filter $s_name: the same $(wc -l <"$T/want") events as ldapsearch" \
	    "$(cat "$T/want")" "$(cat "$T/got")"
	check "  ... and not none" test -s "$T/want"
}
same "by user" \
    "(&(objectClass=dwAuditEvent)(|(dwAuditActor=$DAN_DN)(dwAuditTarget=$DAN_DN)(dwAuditOnBehalfOf=$DAN_DN)))" \
    --user dan@dramwell.ai
same "by action" '(&(objectClass=dwAuditEvent)(dwAuditAction=bind))' \
    --action bind
same "by category" \
    '(&(objectClass=dwAuditEvent)(dwAuditCategory=destructive))' \
    --category destructive
same "by user, action and category" \
    "(&(objectClass=dwAuditEvent)(|(dwAuditActor=$ANN_DN)(dwAuditTarget=$ANN_DN)(dwAuditOnBehalfOf=$ANN_DN))(dwAuditAction=bind)(dwAuditCategory=authentication))" \
    --user "$ANN" --action bind --category authentication
since=$(date -u -d "@$START" +%Y%m%d%H%M%SZ)
same "since the test started" \
    "(&(objectClass=dwAuditEvent)(dwAuditTime>=$since))" \
    --since "$(date -u -d "@$START" +%Y-%m-%dT%H:%M:%SZ)"
search --until 2000-01-01 >"$T/got"
check_eq "until 2000: none" 0 "$(grep -c . "$T/got")"
search --since 1d --action logout >"$T/got"
check_eq "since 1d, logouts: exactly the one" "$(ids '(dwAuditAction=logout)')" \
    "$(cat "$T/got")"

as_root audit verify >"$T/v.out" 2>&1
check_eq "the log verifies" 0 "$?"
no_secret "$T/x.csv" "$PW_ANN" "no password in the export"
dw_done
