#!/bin/sh
# dwadm audit export and record.  Export: events whose fields hold
# formula starters (=HYPERLINK, +1+1, @SUM, -2, TAB, CR), commas, quotes,
# embedded newlines and UTF-8 (auditgen, base64 in the LDIF) come back
# from python3's csv module exactly, neutralised by a leading apostrophe,
# no cell starting with = + - @ TAB CR; 2500 events over several pages:
# every row once; the file is 0600, written through FILE.tmp, nothing left
# behind on any error; "-" is standard output; the export records itself
# (or, while the overlay refuses client appends, says so and exits 1 with
# the file kept).  Bad arguments: exit 2, one line, nothing written.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

audit_start

# Five events of server 5 in March 2025 with hostile values (the spec's
# \n, \r, \t stand for LF, CR, TAB), 2500 plain ones of server 6 in 2024.
row() {
	printf '%s\tdata-access\treport\t%s\t%s\t\t0\t192.0.2.1' \
	    "$(epoch "$1")" "$BOSS_DN" "$2"
	shift 2
	for f; do printf '\t%s' "$f"; done
	printf '\n'
}
{
row '2025-03-01 10:00' '=HYPERLINK("http://x","y")' '+1+1'
row '2025-03-02 10:00' '@SUM(1)' '-2'
row '2025-03-03 10:00' 'a,b "quoted"' 'line1\nline2' 'tab\there'
row '2025-03-04 10:00' 'Zoë, 日本' '\rcr-start'
row '2025-03-05 10:00' '\tTAB-start' 'x=1, "y"\r\nz'
} >"$T/spec"
"$AUDITGEN" -b "$B" -s 5 -f "$T/spec" >"$T/x.ldif"
"$AUDITGEN" -b "$B" -s 6 -n 2500 -t "$(epoch 2024-01-01)" -i 600 >>"$T/x.ldif"
check_eq "the LDIF carries the hostile values in base64" 5 \
    "$(grep -c '^dwAuditDetail:: \|^dwAuditTarget:: ' "$T/x.ldif")"
audit_append "$T/x.ldif"
IDS=
for k in 1 2 3 4 5; do IDS="$IDS $(ldif_id "$T/x.ldif" $k)"; done

# Does the overlay take client appends yet (the lead's half of issue 5)?
as "$BOSS" "$PW_BOSS" audit record --category data-access \
    --action append-probe >"$T/probe.out" 2>&1
RECORD_OK=$?

mkdir -m 700 "$T/out"
OUT=$T/out/march.csv
X() { as "$BOSS" "$PW_BOSS" audit export "$@"; }

# ------------------------------------------------------- hostile values
X --csv "$OUT" --since 2025-03-01 --until 2025-03-31 >"$T/x.out" 2>"$T/x.err"
rc=$?
if [ "$RECORD_OK" -eq 0 ]; then
	check_eq "export: exit 0, the row count said" \
	    "0 exported 5 events to $OUT" "$rc $(cat "$T/x.out" "$T/x.err")"
else
	check_eq "export: exit 1 while the overlay refuses the record" 1 "$rc"
	check_match "  and says the file is written but not recorded" \
	    "^dwadm: audit export: 5 rows written to $OUT, but the export could not be recorded in the audit log" \
	    "$(cat "$T/x.err")"
	check "  in one line" one_line "$T/x.err"
fi
check_eq "export: the file is 0600, no FILE.tmp left" "600 march.csv" \
    "$(stat -c %a "$OUT") $(ls "$T/out" | paste -sd' ')"
check "export: RFC 4180, exact cells, neutralised" python3 -c '
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n"), raw[-10:]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 6, len(rows)
assert rows[0] == ["id", "time", "category", "action", "actor", "target",
    "on_behalf_of", "result", "client", "details"], rows[0]
ids = sys.argv[2].split()
got = {r[0]: r for r in rows[1:]}
assert sorted(got) == sorted(ids), got.keys()
want = [
    ("\x27=HYPERLINK(\"http://x\",\"y\")", "\x27+1+1"),
    ("\x27@SUM(1)", "\x27-2"),
    ("a,b \"quoted\"", "line1\nline2\ntab\there"),
    ("Zoë, 日本", "\x27\rcr-start"),
    ("\x27\tTAB-start", "x=1, \"y\"\r\nz"),
]
for i, (target, details) in enumerate(want):
    r = got[ids[i]]
    assert len(r) == 10, r
    assert r[5] == target, (i, r[5])
    assert r[9] == details, (i, r[9])
    assert r[4] == sys.argv[3], r[4]
    assert r[1] == "2025-03-0%dT10:00:00Z" % (i + 1), r[1]
    assert (r[2], r[3], r[6], r[7], r[8]) == ("data-access", "report", "",
        "0", "192.0.2.1"), r
for r in rows:
    for c in r:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r")), repr(c)
' "$OUT" "$IDS" "$BOSS_DN"

X --csv - --since 2025-03-01 --until 2025-03-31 >"$T/stdout.csv" \
    2>"$T/x.err"
rc=$?
check "export --csv -: the same CSV on standard output" \
    cmp "$OUT" "$T/stdout.csv"
if [ "$RECORD_OK" -eq 0 ]; then
	check_eq "export --csv -: the summary on standard error" \
	    "0 exported 5 events to standard output" "$rc $(cat "$T/x.err")"
else
	check_eq "export --csv -: exit 1 (not recorded)" 1 "$rc"
fi

X --csv - --since 2025-03-01 >/dev/full 2>"$T/x.err"
check_eq "export --csv - to a full device: exit 1, one line" "1 1" \
    "$? $(wc -l <"$T/x.err")"

# ------------------------------------------------ many pages, every row
X --csv "$T/out/2024.csv" --until 2024-12-31 >/dev/null 2>&1
check "2500 events over several pages: each exactly once" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
ids = [r[0] for r in rows[1:]]
assert len(ids) == 2500 and len(set(ids)) == 2500, len(ids)
assert all("-006-" in i for i in ids)
' "$T/out/2024.csv"
as "$BOSS" "$PW_BOSS" audit search --until 2024-12-31 --limit 3 \
    >"$T/s.out" 2>"$T/s.err"
check_eq "search over several pages keeps the newest 3" \
    "$(ldif_id "$T/x.ldif" 2505) $(ldif_id "$T/x.ldif" 2504) $(ldif_id "$T/x.ldif" 2503)" \
    "$(sed 1d "$T/s.out" | awk '{ print $1 }' | paste -sd' ')"
check_match "  and names the next page" "^2497 older matching events" \
    "$(cat "$T/s.err")"

# ----------------------------------------------------------------- record
if [ "$RECORD_OK" -eq 0 ]; then
	check_eq "export: each of the three exports recorded as data-access/audit-export" 3 \
	    "$(audit_n '(&(dwAuditAction=audit-export)(dwAuditCategory=data-access))')"
	check_match "  with the filter and the row count" \
	    "^rows: 5$" "$(audit_details '(dwAuditAction=audit-export)')"
	check_match "  the actor is the exporting admin" "$BOSS_DN" \
	    "$(root_search -b "ou=audit,$B" '(dwAuditAction=audit-export)' dwAuditActor)"
else
	check_eq "record: refused while the overlay refuses client appends" \
	    "1 1" "$RECORD_OK $(wc -l <"$T/probe.out")"
	check_eq "  and nothing was added" 0 \
	    "$(audit_count '(dwAuditAction=append-probe)')"
fi

# ----------------------------------------------------------------- errors
# xbad DESC ARGS..: exit 2, one line on stderr, nothing on stdout, and
# nothing new in $T/out.
xbad() {
	d=$1
	shift
	before=$(ls "$T/out" | paste -sd' ')
	X "$@" >"$T/x.out" 2>"$T/x.err"
	check_eq "$d: exit 2, one line, nothing written" "2 1 0 $before" \
	    "$? $(wc -l <"$T/x.err") $(wc -c <"$T/x.out") $(ls "$T/out" | paste -sd' ')"
}
xbad "export into a missing directory" --csv "$T/out/nodir/x.csv"
check_match "  says which directory" "the directory $T/out/nodir does not exist" \
    "$(cat "$T/x.err")"
xbad "export --since 7" --csv "$T/out/bad.csv" --since 7
xbad "export --since 2026-02-30" --csv "$T/out/bad.csv" --since 2026-02-30
xbad "export --format (search only)" --csv "$T/out/bad.csv" --format json
xbad "export --limit (search only)" --csv "$T/out/bad.csv" --limit 5
xbad "export without --csv" --since 7d
xbad "export to a directory" --csv "$T/out"
xbad "export --category bogus" --csv "$T/out/bad.csv" --category bogus

printf 'someone else\n' >"$T/out/busy.csv.tmp"
X --csv "$T/out/busy.csv" >"$T/x.out" 2>"$T/x.err"
check_eq "export over an existing FILE.tmp: exit 1, nothing touched" \
    "1 2024.csv busy.csv.tmp march.csv someone else" \
    "$? $(ls "$T/out" | paste -sd' ') $(cat "$T/out/busy.csv.tmp")"
check_match "  it says so" 'busy.csv.tmp: File exists' "$(cat "$T/x.err")"
rm -f "$T/out/busy.csv.tmp"

as "$ANN" "$PW_ANN" audit export --csv "$T/out/ann.csv" >"$T/x.out" 2>"$T/x.err"
check_eq "export by a support admin: exit 1, no file, no FILE.tmp" \
    "1 2024.csv march.csv" "$? $(ls "$T/out" | paste -sd' ')"
check "  one error line" one_line "$T/x.err"

rbad() {
	d=$1
	shift
	as "$BOSS" "$PW_BOSS" audit record "$@" >"$T/x.out" 2>"$T/x.err"
	check_eq "record $d: exit 2, one line, no output" "2 1 0" \
	    "$? $(wc -l <"$T/x.err") $(wc -c <"$T/x.out")"
}
rbad "without --category" --action a
rbad "without --action" --category data-access
rbad "--category bogus" --category bogus --action a
rbad "--result abc" --category data-access --action a --result abc
rbad "--result -1" --category data-access --action a --result -1
rbad "--detail with a control character" --category data-access \
    --action a --detail "$(printf 'a\033b')"
rbad "--on-behalf-of not an address" --category data-access --action a \
    --on-behalf-of nobody
rbad "--user (search only)" --category data-access --action a --user "$ANN"
set --
i=0
while [ $i -lt 33 ]; do set -- "$@" --detail "d$i"; i=$((i + 1)); done
rbad "33 details" --category data-access --action a "$@"

dw_done
