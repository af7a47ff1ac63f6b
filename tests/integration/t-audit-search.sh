#!/bin/sh
# dwadm audit search over six past events (auditgen, server 5, March
# 2025) and the events the overlay writes now: --user (e-mail, DN, any of
# actor, target, on-behalf-of), --action, --category, --since/--until
# (dates, times, GeneralizedTime, durations, the day boundary); newest
# first, --limit and the next page with --before; table, CSV and JSON;
# filter values escaped; bad arguments exit 2 with one line and no
# output; a support admin may not read the log; no secret in any output.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

audit_start
CARL_DN=uid=carl@dramwell.ai,ou=admins,$B
PORTAL_DN=cn=portal,ou=services,$B

# row TIME CATEGORY ACTION ACTOR TARGET ONBEHALF RESULT CLIENT DETAIL...
row() {
	printf '%s' "$(epoch "$1")"
	shift
	for f; do printf '\t%s' "$f"; done
	printf '\n'
}
{
row '2025-03-01 10:00' authentication bind "$ANN_DN" "$ANN_DN" "" 0 \
    198.51.100.1 "mfa: totp"
row '2025-03-02 10:00' configuration modify "$BOSS_DN" \
    "cn=security,ou=policy,$B" "" 0 198.51.100.2 "idle: 3600 -> 900"
row '2025-03-03 10:00' data-access audit-export "$BOSS_DN" "ou=audit,$B" \
    "" 0 198.51.100.2 "rows: 3"
row '2025-03-04 10:00' destructive delete "$BOSS_DN" "$ANN_DN" "" 0 \
    198.51.100.2
row '2025-03-05 10:00' data-access report-download "$PORTAL_DN" "" \
    "$ANN_DN" 0 203.0.113.9 "report: revenue" "format: pdf"
row '2025-03-06 10:00' authentication bind "$CARL_DN" "$CARL_DN" "" 49 \
    198.51.100.3 "reason: invalid credentials"
} >"$T/spec"
"$AUDITGEN" -b "$B" -s 5 -f "$T/spec" >"$T/past.ldif"
for k in 1 2 3 4 5 6; do
	eval "E$k=\$(ldif_id \"\$T/past.ldif\" $k)"
done
audit_append "$T/past.ldif"
check_eq "six past events loaded" 6 "$(root_search -b "ou=audit,$B" \
    '(objectClass=dwAuditEvent)' dwAuditId | grep -c '^dwAuditId: .*-005-')"

S=$T/s.out
srch() {
	as "$BOSS" "$PW_BOSS" audit search "$@" >"$S" 2>"$T/s.err"
}
# ids: the ID column of the table in $S.
ids() { sed 1d "$S" | awk '{ print $1 }' | paste -sd' '; }
# past ARGS..: search the 2025 events only.
past() { srch --until 2025-12-31 "$@"; }

# ----------------------------------------------------------------- filters
past --user "$ANN"
check_eq "--user EMAIL: actor, target or on-behalf-of, newest first" \
    "0 $E5 $E4 $E1" "$? $(ids)"
past --user "$ANN_DN"
check_eq "--user DN: the same" "$E5 $E4 $E1" "$(ids)"
past --user Ann@DramWell.AI
check_eq "--user: the address is normalised" "$E5 $E4 $E1" "$(ids)"
past --user "$CARL_DN"
check_eq "--user: another admin" "$E6" "$(ids)"
past --action delete
check_eq "--action" "$E4" "$(ids)"
past --action BIND
check_eq "--action: case-insensitive, as the schema says" "$E6 $E1" "$(ids)"
past --category configuration
check_eq "--category" "$E2" "$(ids)"
srch --since 2025-03-02 --until 2025-03-04T23:59:59Z
check_eq "--since DATE --until DATETIME" "$E4 $E3 $E2" "$(ids)"
srch --since 2025-03-02 --until 2025-03-04
check_eq "--until DATE: midnight, the day itself excluded" "$E3 $E2" "$(ids)"
srch --since 20250303100000Z --until 20250305100000Z --category data-access
check_eq "GeneralizedTime bounds are inclusive, with --category" \
    "$E5 $E3" "$(ids)"
past --user "$ANN" --category destructive --action delete
check_eq "filters combine with AND" "$E4" "$(ids)"

# --------------------------------------------------------- limit, paging
past --limit 2
check_eq "--limit 2: the newest two" "0 $E6 $E5" "$? $(ids)"
check_eq "--limit: the next page is named on stderr" \
    "4 older matching events; for the next page add --before $E5" \
    "$(cat "$T/s.err")"
past --limit 2 --before "$E5"
check_eq "--before: the next page" "$E4 $E3" "$(ids)"
check_eq "--before: and the one after" \
    "2 older matching events; for the next page add --before $E3" \
    "$(cat "$T/s.err")"
past --before "$E2"
check_eq "--before: the last page, nothing more" "$E1|" \
    "$(ids)|$(cat "$T/s.err")"

# ------------------------------------------------ what the overlay writes
srch --action bind --since 1h
check_eq "recent binds: exit 0" 0 "$?"
check_match "recent binds: the boss's, written by the overlay (server 0)" \
    "^[0-9]{20}-000-[0-9]{10} .* bind +$BOSS " "$(sed 1d "$S")"
srch
check_eq "no filter: newest first" "$(ids | tr ' ' '\n' | sort -r | paste -sd' ')" \
    "$(ids)"
check_match "no filter: the past events are older than today's" \
    "^[0-9]{20}-000-" "$(ids)"

# ------------------------------------------------------------ formats
past --user "$ANN"
check_match "table: header" \
    '^ID +TIME +CATEGORY +ACTION +ACTOR +TARGET +ON BEHALF OF +RESULT +CLIENT +DETAILS$' \
    "$(head -n 1 "$S")"
check_eq "table: a row (admins by address, details joined)" \
    "$E5 2025-03-05T10:00:00Z data-access report-download $PORTAL_DN - $ANN 0 203.0.113.9 report: revenue; format: pdf" \
    "$(grep "^$E5 " "$S" | tr -s ' ')"
past --format json
check "--format json: stored values, details as an array" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
ids = sys.argv[2].split()
assert [e["id"] for e in v] == ids[::-1], v
e = v[1]
assert e == {"id": ids[4], "time": "2025-03-05T10:00:00Z",
    "category": "data-access", "action": "report-download",
    "actor": sys.argv[3], "target": None, "on_behalf_of": sys.argv[4],
    "result": "0", "client": "203.0.113.9",
    "details": ["report: revenue", "format: pdf"]}, e
assert v[2]["details"] == [], v[2]
' "$S" "$E1 $E2 $E3 $E4 $E5 $E6" "$PORTAL_DN" "$ANN_DN"
printf '%s\n' "$PW_BOSS" | "$DWADM" -c "$T/dw.conf" --as "$BOSS" \
    --password-stdin --json audit search --until 2025-12-31 --limit 1 \
    >"$S" 2>"$T/s.err"
check "global --json: the same JSON" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert [e["id"] for e in v] == [sys.argv[2]], v
' "$S" "$E6"
past --format csv
check "--format csv: header and six rows" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["id", "time", "category", "action", "actor", "target",
    "on_behalf_of", "result", "client", "details"], rows[0]
assert [r[0] for r in rows[1:]] == sys.argv[2].split()[::-1], rows
assert rows[2][9] == "report: revenue\nformat: pdf", rows[2]
' "$S" "$E1 $E2 $E3 $E4 $E5 $E6"

# ------------------------------------------------- values are escaped
srch --action '*'
check_eq "--action '*' is a value, not a wildcard" "0 1" "$? $(wc -l <"$S")"
srch --action 'x)(objectClass=*'
check_eq "--action with filter syntax: no match, no error" "0 1" \
    "$? $(wc -l <"$S")"
srch --user 'uid=*,ou=admins,'"$B"
check_eq "--user DN with '*': no match" "0 1" "$? $(wc -l <"$S")"

# ----------------------------------------------------------------- errors
bad() {
	d=$1
	shift
	srch "$@"
	check_eq "$d: exit 2, one line, no output" "2 1 0" \
	    "$? $(wc -l <"$T/s.err") $(wc -c <"$S")"
}
bad "--since 2026-02-30" --since 2026-02-30
bad "--since 2026-13-01" --since 2026-13-01
bad "--since 7" --since 7
bad "--since ' 7d'" --since ' 7d'
bad "--until -7d" --until -7d
bad "--since 99999999999999999999d" --since 99999999999999999999d
bad "--since after --until" --since 2025-03-05 --until 2025-03-01
bad "--format xml" --format xml
bad "--limit 0" --limit 0
bad "--limit 10001" --limit 10001
bad "--limit 5x" --limit 5x
bad "--limit ' 5'" --limit ' 5'
bad "--action ''" --action ''
bad "--user ''" --user ''
bad "--category bogus" --category bogus
bad "--user not-a-dn" --user 'not a dn'
bad "--user bad address" --user 'a@@b'
bad "--before not-an-id" --before 123
bad "--csv belongs to export" --csv "$T/x.csv"
bad "an extra argument" extra
srch --since 2026-02-30
check_match "a bad date: says what is accepted" \
    '^dwadm: audit: --since: not a point in time \(YYYY-MM-DD, ' \
    "$(cat "$T/s.err")"
as "$BOSS" "$PW_BOSS" audit bogus >"$S" 2>&1
check_eq "audit bogus: exit 2" 2 "$?"
"$DWADM" audit --help >"$S" 2>&1
check_match "audit --help: usage" '^usage: dwadm .* audit search' \
    "$(head -n 1 "$S")"

# ------------------------------------------------------ access, secrets
as "$ANN" "$PW_ANN" audit search >"$S" 2>"$T/s.err"
check_eq "a support admin may not read the log: exit 1, no output" "1 0" \
    "$? $(wc -c <"$S")"
check "  one error line" one_line "$T/s.err"
check_match "  that says why" 'not readable by this identity' \
    "$(cat "$T/s.err")"
as_root audit search --limit 10000 --format json >"$T/all.json"
check_eq "root reads the whole log" 0 "$?"
cat "$T"/*.out "$T"/*.err "$T/all.json" >"$T/everything" 2>/dev/null
no_secret "$T/everything" "$PW_BOSS" "no admin password in any output"
no_secret "$T/everything" "$PW_ANN" "no other password in any output"
check_eq "no password hash in any output" "" \
    "$(grep -F '{ARGON2}' "$T/everything" | head -n 1)"

dw_done
