#!/bin/sh
# dwadm session list|kill against sessions the portal service account
# wrote (as pam_dramwell does): the table (id, user, start, last activity,
# client) sorted by user, one user's sessions, JSON; kill by id and by
# e-mail (other users' sessions kept); an unknown id; only Super Admins
# and root see or end sessions; the deletes are audited.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
ANN=ann@dramwell.ai
ANN_DN=uid=$ANN,ou=admins,$B
PW_ANN='Hv3$Qp8w-Mx2!Tk5r'
mk_admin "$ANN" support "$PW_ANN"

# nsessions [FILTER]: session entries (as root).
nsessions() {
	root_search -b "ou=sessions,$B" -s one "${1:-(objectClass=dwSession)}" \
	    dn | grep -c '^dn:' || true
}

for c in "session" "session list" "session kill"; do
	# shellcheck disable=SC2086
	"$DWADM" $c --help >"$T/h.out" 2>"$T/h.err"
	check_eq "dwadm $c --help: exit 0, usage, no error" "0 usage: " \
	    "$? $(head -c 7 "$T/h.out")$(cat "$T/h.err")"
done

# Three sessions of boss, two of ann, as the portal writes them.
S1=$(new_session_id)
S2=$(new_session_id)
S3=$(new_session_id)
A1=$(new_session_id)
A2=$(new_session_id)
check_match "session ids: 43 base64url characters" '^[A-Za-z0-9_-]{43}$' "$S1"
T1=$(gentime -300)
T2=$(gentime -200)
T3=$(gentime -100)
check "the portal adds sessions" session_add "$S2" "$BOSS_DN" "$T2" 192.0.2.10
session_add "$S1" "$BOSS_DN" "$T1" 2001:db8::7
session_add "$S3" "$BOSS_DN" "$T3" 10.0.0.5
session_add "$A1" "$ANN_DN" "$T1" 198.51.100.4
session_add "$A2" "$ANN_DN" "$T2" 198.51.100.5
check_eq "five sessions" 5 "$(nsessions)"

# ------------------------------------------------------------------- list
as "$BOSS" "$PW_BOSS" session list >"$T/l.out" 2>"$T/l.err"
check_eq "list: exit 0, nothing on stderr" "0 " "$? $(cat "$T/l.err")"
check_match "list: header" '^ID +USER +STARTED +LAST ACTIVITY +CLIENT$' \
    "$(head -n 1 "$T/l.out")"
check_eq "list: every session, by user then start" \
    "$A1 $A2 $S1 $S2 $S3" "$(sed 1d "$T/l.out" | awk '{ print $1 }' | paste -sd' ')"
iso1=$(printf '%s' "$T1" |
    sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)Z$/\1-\2-\3T\4:\5:\6Z/')
check_eq "list: a row" "$S1 $BOSS $iso1 $iso1 2001:db8::7" \
    "$(grep "^$S1 " "$T/l.out" | tr -s ' ')"
as "$BOSS" "$PW_BOSS" session list Ann@DramWell.ai >"$T/l.out" 2>&1
check_eq "list EMAIL: that admin's sessions only" "$A1 $A2" \
    "$(sed 1d "$T/l.out" | awk '{ print $1 }' | paste -sd' ')"
as "$BOSS" "$PW_BOSS" --json session list >"$T/l.json"
check "list --json" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert [s["id"] for s in v] == sys.argv[2].split(), v
s = v[2]
assert s["user"] == "boss@dramwell.ai", s
assert s["user_dn"].startswith("uid=boss@dramwell.ai,ou=admins,"), s
assert s["client"] == "2001:db8::7", s
assert s["started"] == s["last_activity"] == sys.argv[3], s
' "$T/l.json" "$A1 $A2 $S1 $S2 $S3" "$iso1"
as "$BOSS" "$PW_BOSS" session list nobody@dramwell.ai >"$T/l.out" 2>&1
check_eq "list of an admin without sessions: the header only" "0 1" \
    "$? $(wc -l <"$T/l.out")"
as "$BOSS" "$PW_BOSS" session list not-an-address >/dev/null 2>&1
check_eq "list of a bad address: exit 2" 2 "$?"

# Only Super Admins and root see sessions.
as "$ANN" "$PW_ANN" session list >"$T/ann.out" 2>"$T/ann.err"
check_eq "a support admin cannot list sessions: exit 1" 1 "$?"
check "... one error line" one_line "$T/ann.err"
check_eq "... and sees no session id" "" \
    "$(grep -F -e "$S1" -e "$A1" "$T/ann.out" "$T/ann.err")"

# ------------------------------------------------------------------- kill
as "$ANN" "$PW_ANN" session kill "$BOSS" >/dev/null 2>"$T/e.err"
check_eq "a support admin cannot kill sessions: exit 1" 1 "$?"
as "$ANN" "$PW_ANN" session kill "$S1" >/dev/null 2>"$T/e.err"
check_eq "... not even by id: exit 1" 1 "$?"
check_eq "... all sessions kept" 5 "$(nsessions)"

as "$BOSS" "$PW_BOSS" session kill "$S2" >"$T/k.out" 2>"$T/k.err"
check_eq "kill ID: exit 0, nothing on stderr" "0 " "$? $(cat "$T/k.err")"
check_eq "kill ID: says so" "killed 1 session" "$(cat "$T/k.out")"
check_eq "kill ID: that session is gone, the others kept" "0 4" \
    "$(nsessions "(dwSessionId=$S2)") $(nsessions)"
check_eq "kill ID: audited as a session kill of the session's user" 1 \
    "$(audit_n "(&(dwAuditAction=session-kill)(dwAuditCategory=destructive)(dwAuditActor=$BOSS_DN)(dwAuditTarget=$BOSS_DN)(dwAuditResult=0))")"
check_eq "kill ID: the session id (a bearer value) is nowhere in the log" 0 \
    "$(ldapsearch -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -LLL -o ldif-wrap=no \
        -b "ou=audit,$B" '(objectClass=*)' '*' | grep -c -- "$S2")"
as "$BOSS" "$PW_BOSS" session kill "$S2" >/dev/null 2>"$T/e.err"
check_eq "kill of an unknown id: exit 1, one line" "1 1" \
    "$? $(wc -l <"$T/e.err")"
check_match "... says no such session" 'no such session' "$(cat "$T/e.err")"

as "$BOSS" "$PW_BOSS" session kill BOSS@dramwell.ai >"$T/k.out" 2>"$T/k.err"
check_eq "kill EMAIL: exit 0" "0 " "$? $(cat "$T/k.err")"
check_eq "kill EMAIL: says how many" "killed 2 sessions of $BOSS" \
    "$(cat "$T/k.out")"
check_eq "kill EMAIL: that admin's sessions gone, ann's kept" "0 2" \
    "$(nsessions "(dwSessionUser=$BOSS_DN)") $(nsessions "(dwSessionUser=$ANN_DN)")"
as "$BOSS" "$PW_BOSS" session kill "$BOSS" >"$T/k.out" 2>&1
check_eq "kill EMAIL without sessions: exit 0, none killed" \
    "0 killed 0 sessions of $BOSS" "$? $(cat "$T/k.out")"

as_root session kill "$A1" >/dev/null 2>&1
check_eq "root kills by id" "0 1" "$? $(nsessions)"
as_root session kill "$ANN" >"$T/k.out" 2>&1
check_eq "root kills by e-mail" "0 0 killed 1 session of $ANN" \
    "$? $(nsessions) $(cat "$T/k.out")"

as_root session kill not-an-id >/dev/null 2>"$T/e.err"
check_eq "kill of neither an id nor an address: exit 2" 2 "$?"
as_root session kill >/dev/null 2>&1
check_eq "kill without an argument: exit 2" 2 "$?"
as_root session kill "$S1" "$S3" >/dev/null 2>&1
check_eq "kill with two arguments: exit 2" 2 "$?"


# --- who may write sessions, and when they may say they were active ------
# Only the portal (and the rootdn) opens and refreshes sessions; an admin
# may end one, not make one for someone else.  No time in the future.
S9=$(new_session_id)
(umask 077 && printf '%s' "$PW_BOSS" >"$T/boss.pw")
printf 'dn: dwSessionId=%s,ou=sessions,%s\nobjectClass: dwSession\ndwSessionId: %s\ndwSessionUser: %s\ndwSessionStart: %s\ndwSessionLastActivity: %s\n' \
    "$S9" "$B" "$S9" "$ANN_DN" "$(gentime 0)" "$(gentime 0)" >"$T/mint.ldif"
ldapadd -H "$DW_URI" -x -D "$BOSS_DN" -y "$T/boss.pw" -f "$T/mint.ldif" \
    >"$T/mint.out" 2>&1
check_match "a Super Admin cannot open a session for ann (50)" \
    'Insufficient access \(50\)' "$(cat "$T/mint.out")"
check_eq "... and none was made" 0 "$(nsessions "(dwSessionId=$S9)")"
session_add "$S9" "$ANN_DN" "$(gentime 3600)" 2>"$T/fut.err"
check_eq "the portal cannot open a session active in the future" \
    "1 0" "$(grep -c 'Constraint violation (19)' "$T/fut.err") $(nsessions "(dwSessionId=$S9)")"
check "the portal opens one that is active now" \
    session_add "$S9" "$ANN_DN" "$(gentime 30)"
printf 'dn: dwSessionId=%s,ou=sessions,%s\nchangetype: modify\nreplace: dwSessionLastActivity\ndwSessionLastActivity: %s\n' \
    "$S9" "$B" "$(gentime 86400)" >"$T/fwd.ldif"
ldapmodify -H "$DW_URI" -D "cn=portal,ou=services,$B" -y "$T/portal.secret" \
    -f "$T/fwd.ldif" >"$T/fwd.out" 2>&1
check_match "the portal cannot refresh a session into the future (19)" \
    'Constraint violation \(19\)' "$(cat "$T/fwd.out")"
ldapmodify -H "$DW_URI" -x -D "$BOSS_DN" -y "$T/boss.pw" -f "$T/fwd.ldif" \
    >"$T/fwd.out" 2>&1
check_match "a Super Admin cannot refresh one at all (50)" \
    'Insufficient access \(50\)' "$(cat "$T/fwd.out")"
check_eq "the refusals are on the record, without the session id" 0 \
    "$(ldapsearch -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -LLL -o ldif-wrap=no \
        -b "ou=audit,$B" '(objectClass=*)' '*' | grep -c -- "$S9")"


# Below the session base there are sessions only; audit events live below
# the audit base only (else they would sit beside the real ones).
printf 'dn: cn=x,ou=sessions,%s\nobjectClass: dwAuditEvent\nobjectClass: extensibleObject\ncn: x\ndwAuditId: x\ndwAuditTime: 20261204000000Z\ndwAuditAction: bind\n' \
    "$B" >"$T/fake.ldif"
ldapadd -H "$DW_URI" -D "cn=portal,ou=services,$B" -y "$T/portal.secret" \
    -f "$T/fake.ldif" >"$T/fake.out" 2>&1
check_match "the portal cannot put an audit-looking entry below ou=sessions" \
    'Object class violation \(65\)' "$(cat "$T/fake.out")"
printf 'dn: dwAuditId=x,%s\nobjectClass: dwAuditEvent\ndwAuditId: x\ndwAuditTime: 20261204000000Z\ndwAuditAction: bind\n' \
    "$B" >"$T/fake2.ldif"
ldapadd -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -f "$T/fake2.ldif" >"$T/fake2.out" 2>&1
check_match "not even the rootdn adds an audit event at the suffix" \
    'Object class violation \(65\)' "$(cat "$T/fake2.out")"

dw_done
