#!/bin/sh
# bench/run.sh: the benchmarks of issue 7 that exist so far, run by
# "make bench" (never by "make check").  Each benchmark runs against a
# baseline in the same run, alternating (A B A B ...), BENCH_RUNS times
# each; the tables give the medians.  Every counted operation is checked.
#
#   A: the dramwell server (tools/dwadm-server, every bind audited)
#   B: stock slapd with the same configuration, schema, access rules and
#      data (copied LMDB files), less the overlay: no module, no audit
#
# Benchmarks (the issue's numbering):
#   1  simple binds/s on open connections at each of BENCH_CLIENTS
#      concurrent clients (bench/ldapload), p50/p99; passwords {ARGON2}
#      argon2id stored identically on both sides, at a low cost
#      (BENCH_ARGON2_M KiB, BENCH_ARGON2_T iterations: the rest of the
#      server's work is what is compared) and at OWASP's minimum
#      (m=19456, t=2) with BENCH_OWASP=1.  A's audit log must gain one
#      bind entry per successful bind.
#   4  audit search on BENCH_AUDIT_N generated entries (auditgen, one
#      every 31 s: a year at 1 M), the filters dwadm audit search builds:
#      one user over one week, one action over one day; BENCH_SEARCHES
#      searches a run on one connection (ldapi, root), each must return
#      the expected number of entries.
#   5  CSV export of the whole log: dwadm audit export against
#      ldapsearch -LLL of the same entries and attributes (both over
#      ldapi as root, to files); dwadm's peak RSS (bench/maxrss) for the
#      whole log and for BENCH_EXPORT_SMALL entries.
#
# Environment (defaults): BENCH_RUNS (3), BENCH_USERS (1000),
# BENCH_CLIENTS ("4 32"), BENCH_BIND_SECS (5), BENCH_WARMUP (1),
# BENCH_ARGON2_M (8), BENCH_ARGON2_T (1), BENCH_OWASP (1),
# BENCH_AUDIT_N (1000000), BENCH_SEARCHES (10), BENCH_EXPORT_SMALL
# (100000), BENCH_OUT (where to write; make bench: BENCHMARKS.md at the
# top of the source tree).
. "${DW_TEST_LIB:?run through make bench}"

set -e
RUNS=${BENCH_RUNS:-3}
USERS=${BENCH_USERS:-1000}
CLIENTS=${BENCH_CLIENTS:-4 32}
SECS=${BENCH_BIND_SECS:-5}
WARM=${BENCH_WARMUP:-1}
A2M=${BENCH_ARGON2_M:-8}
A2T=${BENCH_ARGON2_T:-1}
OWASP=${BENCH_OWASP:-1}
NAUDIT=${BENCH_AUDIT_N:-1000000}
NSEARCH=${BENCH_SEARCHES:-10}
NSMALL=${BENCH_EXPORT_SMALL:-100000}
OUT=${BENCH_OUT:-$DW_TOP_BUILDDIR/BENCHMARKS.md}
BIN=$DW_TOP_BUILDDIR/bench
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

T_BEGIN=$(date -u +%s)
RAW=$T/raw.txt
RES=$T/results.txt
: >"$RAW"
: >"$RES"
STOCK=$T/stock
STOCK_PID=

bench_cleanup() {
	if [ -n "$STOCK_PID" ]; then
		kill "$STOCK_PID" 2>/dev/null || true
		wait "$STOCK_PID" 2>/dev/null || true
	fi
	dw_cleanup
}
trap bench_cleanup EXIT

die() { say "Bail out! $*" >&2; exit 1; }
log() { say "[$(date -u +%H:%M:%S)] $*"; }
clock() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# row BENCH METRIC A B RATIO TARGET
row() { printf '%s|%s|%s|%s|%s|%s\n' "$@" >>"$RES"; }

# ------------------------------------------------------------------ setup
log "setup: dramwell server, dwadm init"
dw_start --loglevel 0
B=$DW_BASE
AUD=ou=audit,$B
umask 077
BOSS=boss@dramwell.ai
printf 'Kq7#Wn2x-Vr9!Lm4z\n' >"$T/boss.pw"
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin "$BOSS" --name Boss \
    --service-secret "$T/portal.secret" --password-stdin <"$T/boss.pw" \
    >"$T/init.out" 2>&1 ||
    { cat "$T/init.out"; die "dwadm init failed"; }
dw_stop
printf 'Bench-Pw-7x!q2\n' >"$T/pw"
log "setup: $USERS admins at m=$A2M,t=$A2T and $USERS at m=19456,t=2"
{
	"$BIN/admingen" -b "$B" -p bench -n "$USERS" -m "$A2M" -t "$A2T" \
	    -y "$T/pw"
	"$BIN/admingen" -b "$B" -p owasp -n "$USERS" -m 19456 -t 2 -y "$T/pw"
} >"$T/admins.ldif"
"$SLAPADD" -q -f "$T/srv/slapd.conf" -b "$B" -l "$T/admins.ldif" ||
    die "slapadd refused the admins"

# The log: NAUDIT entries of server 1, one every 31 s, ending an hour ago.
STEP=31
NOW=$(date -u +%s)
END=$(( NOW - 3600 ))
T0=$(( END - (NAUDIT - 1) * STEP ))
log "setup: $NAUDIT audit entries (auditgen | slapadd)"
t1=$(clock)
"$AUDITGEN" -b "$B" -s 1 -n "$NAUDIT" -t "$T0" -i "$STEP" >"$T/audit.ldif"
t2=$(clock)
"$SLAPADD" -q -f "$T/srv/slapd.conf" -b "$AUD" -l "$T/audit.ldif" ||
    die "slapadd refused the audit LDIF"
t3=$(clock)
rm -f "$T/audit.ldif"
GEN_S=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')
LOAD_S=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.1f", b - a }')
AUDIT_MB=$(du -sm "$T/srv/audit" | cut -f1)

# B: the same files and configuration, less the overlay.
mkdir -m 700 "$STOCK"
cp -a "$T/srv/data" "$T/srv/audit" "$STOCK/"
sed -e "s|$T/srv/|$STOCK/|g" -e '/^moduleload.*dramwell\.so$/d' \
    -e '/^overlay[[:space:]]*dramwell$/d' -e '/^dramwell-/d' \
    "$T/srv/slapd.conf" >"$STOCK/slapd.conf"
! grep -qi '^[^#]*dramwell-\|^overlay' "$STOCK/slapd.conf" ||
    die "the stock configuration still names the overlay"
STOCK_LDAPI="ldapi://$(printf '%s' "$STOCK/ldapi" | sed 's|/|%2F|g')"

stock_start() {
	n=0
	while :; do
		STOCK_PORT=$(dw_pick_port)
		setsid /usr/sbin/slapd -d 0 -f "$STOCK/slapd.conf" \
		    -h "ldap://127.0.0.1:$STOCK_PORT/ $STOCK_LDAPI" \
		    </dev/null >>"$STOCK/slapd.log" 2>&1 &
		STOCK_PID=$!
		i=0
		while ! ldapwhoami -H "$STOCK_LDAPI" -Y EXTERNAL -Q \
		    >/dev/null 2>&1; do
			kill -0 "$STOCK_PID" 2>/dev/null || break
			i=$((i + 1))
			[ $i -lt 300 ] || die "stock slapd did not answer"
			sleep 0.1
		done
		kill -0 "$STOCK_PID" 2>/dev/null && return 0
		wait "$STOCK_PID" 2>/dev/null || true
		STOCK_PID=
		n=$((n + 1))
		[ $n -lt 5 ] || die "stock slapd did not start: $(tail -n 5 "$STOCK/slapd.log")"
	done
}

dw_start --loglevel 0
stock_start
STOCK_URI=ldap://127.0.0.1:$STOCK_PORT
log "A: dramwell $DW_URI   B: stock $STOCK_URI"

# ------------------------------------------------------ 1: simple binds
# Bind audit entries written since the benchmark began (A only).
BIND_T0=$(date -u -d "@$(( $(date -u +%s) - 1 ))" +%Y%m%d%H%M%S).999999Z
bind_audits() {
	ldapsearch -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -LLL -b "$AUD" -s one \
	    "(&(objectClass=dwAuditEvent)(dwAuditAction=bind)(dwAuditTime=*)(!(dwAuditTime<=$BIND_T0)))" \
	    1.1 | grep -c '^dn:' || true
}

# bind_run SIDE URI PREFIX C: one run; prints ldapload's line.
bind_run() {
	out=$("$BIN/ldapload" bind -H "$2" -c "$4" -d "$SECS" -w "$WARM" \
	    -D "uid=$3%u@dramwell.ai,ou=admins,$B" -n "$USERS" -y "$T/pw" \
	    2>"$T/load.err") || die "binds on $1 failed: $(cat "$T/load.err") $out"
	printf '%s\n' "$out"
}

bind_bench() {	# bind_bench PREFIX LABEL
	for c in $CLIENTS; do
		: >"$T/a" ; : >"$T/b"
		r=1
		while [ $r -le "$RUNS" ]; do
			before=$(bind_audits)
			la=$(bind_run dramwell "$DW_URI" "$1" "$c")
			after=$(bind_audits)
			[ $((after - before)) -eq "$(field total_ok "$la")" ] ||
			    die "A wrote $((after - before)) bind audit entries for $(field total_ok "$la") binds"
			lb=$(bind_run stock "$STOCK_URI" "$1" "$c")
			echo "binds $2 c=$c run $r A: $la audited=$((after - before))" >>"$RAW"
			echo "binds $2 c=$c run $r B: $lb" >>"$RAW"
			echo "$(field rate "$la") $(field p50_us "$la") $(field p99_us "$la")" >>"$T/a"
			echo "$(field rate "$lb") $(field p50_us "$lb") $(field p99_us "$lb")" >>"$T/b"
			log "binds $2 c=$c run $r: A $(field rate "$la")/s B $(field rate "$lb")/s"
			r=$((r + 1))
		done
		ra=$(cut -d' ' -f1 "$T/a" | median); rb=$(cut -d' ' -f1 "$T/b" | median)
		pa=$(cut -d' ' -f2 "$T/a" | median); pb=$(cut -d' ' -f2 "$T/b" | median)
		qa=$(cut -d' ' -f3 "$T/a" | median); qb=$(cut -d' ' -f3 "$T/b" | median)
		tgt=
		[ "$c" = 32 ] && [ "$1" = bench ] && tgt="≥ 0.5 (durable), ≥ 0.8 (weaker mode)"
		row "1 binds, $2" "binds/s, $c clients" "$ra" "$rb" "$(ratio "$ra" "$rb")" "$tgt"
		row "1 binds, $2" "p50 / p99 latency (ms), $c clients" \
		    "$(awk -v a="$pa" -v b="$qa" 'BEGIN { printf "%.2f / %.2f", a / 1000, b / 1000 }')" \
		    "$(awk -v a="$pb" -v b="$qb" 'BEGIN { printf "%.2f / %.2f", a / 1000, b / 1000 }')" \
		    "$(ratio "$qa" "$qb") (p99)" ""
	done
}

bind_bench bench "argon2id m=$A2M KiB t=$A2T"
[ "$OWASP" = 1 ] && bind_bench owasp "argon2id m=19456 KiB t=2"

# ------------------------------------------------------ 4: audit search
# The filters of dwadm audit search --user/--action --since --until.
gt() { date -u -d "@$1" +%Y%m%d%H%M%S; }
DAY=$(( END / 86400 * 86400 ))
U="uid=user0@dramwell.ai,ou=admins,$B"
tfilter() {	# tfilter SINCE UNTIL (seconds; both inclusive)
	printf '(dwAuditTime=*)(!(dwAuditTime<=%s.999999Z))(!(dwAuditTime>=%s.000001Z))' \
	    "$(gt $(( $1 - 1 )))" "$(gt "$2")"
}
WS=$(( DAY - 8 * 86400 )); WU=$(( DAY - 86400 ))
DS=$(( DAY - 2 * 86400 )); DU=$(( DAY - 86400 ))
F_USER="(&(objectClass=dwAuditEvent)(|(dwAuditActor=$U)(dwAuditTarget=$U)(dwAuditOnBehalfOf=$U))$(tfilter $WS $WU))"
F_ACTION="(&(objectClass=dwAuditEvent)(dwAuditAction=bind)$(tfilter $DS $DU))"
# The expected counts, from auditgen's sequence: entry k at T0 + 31 k,
# actor user(k % 3), target user((k + 1) % 7), action bind when k % 5 == 0.
expect() {	# expect SINCE UNTIL KIND
	awk -v t0="$T0" -v st="$STEP" -v n="$NAUDIT" -v s="$1" -v u="$2" \
	    -v kind="$3" 'BEGIN {
		c = 0
		k = int((s - t0) / st); if (k < 0) k = 0
		for (; k < n; k++) {
			t = t0 + k * st
			if (t < s) continue
			if (t > u) break
			if (kind == "user" && (k % 3 == 0 || (k + 1) % 7 == 0)) c++
			if (kind == "action" && k % 5 == 0) c++
		}
		print c }'
}
E_USER=$(expect $WS $WU user)
E_ACTION=$(expect $DS $DU action)

search_run() {	# search_run SIDE LDAPI FILTER EXPECT REPEAT
	out=$("$BIN/ldapload" search -H "$2" -b "$AUD" -f "$3" -e "$4" \
	    -r "$5" 2>"$T/load.err") ||
	    die "searches on $1 failed: $(cat "$T/load.err") $out"
	printf '%s\n' "$out"
}

search_bench() {	# search_bench LABEL FILTER EXPECT
	: >"$T/a" ; : >"$T/b"
	search_run dramwell "$DW_LDAPI_URI" "$2" "$3" 1 >/dev/null
	search_run stock "$STOCK_LDAPI" "$2" "$3" 1 >/dev/null
	r=1
	while [ $r -le "$RUNS" ]; do
		la=$(search_run dramwell "$DW_LDAPI_URI" "$2" "$3" "$NSEARCH")
		lb=$(search_run stock "$STOCK_LDAPI" "$2" "$3" "$NSEARCH")
		echo "search $1 run $r A: $la" >>"$RAW"
		echo "search $1 run $r B: $lb" >>"$RAW"
		echo "$(field p50_us "$la") $(field p99_us "$la")" >>"$T/a"
		echo "$(field p50_us "$lb") $(field p99_us "$lb")" >>"$T/b"
		log "search $1 run $r: A p99 $(field p99_us "$la") us B p99 $(field p99_us "$lb") us"
		r=$((r + 1))
	done
	pa=$(cut -d' ' -f1 "$T/a" | median); pb=$(cut -d' ' -f1 "$T/b" | median)
	qa=$(cut -d' ' -f2 "$T/a" | median); qb=$(cut -d' ' -f2 "$T/b" | median)
	row "4 audit search" "$1 ($3 entries): p50 (ms)" \
	    "$(awk -v a="$pa" 'BEGIN { printf "%.1f", a / 1000 }')" \
	    "$(awk -v a="$pb" 'BEGIN { printf "%.1f", a / 1000 }')" "$(ratio "$pa" "$pb")" ""
	row "4 audit search" "$1 ($3 entries): p99 (ms)" \
	    "$(awk -v a="$qa" 'BEGIN { printf "%.1f", a / 1000 }')" \
	    "$(awk -v a="$qb" 'BEGIN { printf "%.1f", a / 1000 }')" "$(ratio "$qa" "$qb")" \
	    "p99 ≤ 5 ms (A: $(awk -v a="$qa" 'BEGIN { printf "%.0f", a / 5000 }')× over)"
}

search_bench "one user, one week" "$F_USER" "$E_USER"
search_bench "one action, one day" "$F_ACTION" "$E_ACTION"

# ------------------------------------------------------ 5: CSV export
printf '%s' "$(cat "$T/boss.pw")" >"$T/boss.pw1"	# ldapsearch -y: no newline
ATTRS="dwAuditId dwAuditTime dwAuditCategory dwAuditAction dwAuditActor dwAuditTarget dwAuditOnBehalfOf dwAuditResult dwAuditClient dwAuditDetail"
export_run() {	# export_run FILE [FILTERS]: seconds, rows, peak RSS KiB
	f=$1; shift
	rm -f "$f"
	s=$(clock)
	"$BIN/maxrss" "$DWADM" -H "$DW_URI" --as "$BOSS" --password-stdin \
	    audit export --csv "$f" "$@" <"$T/boss.pw" >"$T/x.out" \
	    2>"$T/x.err" ||
	    die "dwadm audit export failed: $(cat "$T/x.out" "$T/x.err")"
	e=$(clock)
	rows=$(sed -n 's/^exported \([0-9]*\) events to .*/\1/p' "$T/x.out")
	[ -n "$rows" ] || die "dwadm audit export said: $(cat "$T/x.out")"
	echo "$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }') $rows $(sed -n 's/^maxrss_kib=//p' "$T/x.err")"
}
: >"$T/a" ; : >"$T/b" ; : >"$T/c"
r=1
while [ $r -le "$RUNS" ]; do
	xa=$(export_run "$T/all.csv")
	rm -f "$T/all.csv"
	s=$(clock)
	ldapsearch -H "$DW_URI" -D "uid=$BOSS,ou=admins,$B" -y "$T/boss.pw1" \
	    -z max -LLL -b "$AUD" -s one '(objectClass=dwAuditEvent)' $ATTRS \
	    >"$T/all.ldif" ||
	    die "ldapsearch of the log failed"
	e=$(clock)
	nb=$(grep -c '^dn:' "$T/all.ldif")
	rm -f "$T/all.ldif"
	tb=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }')
	# After dwadm's search: its export record and ldapsearch's bind.
	[ "$nb" -eq $(( $(echo "$xa" | cut -d' ' -f2) + 2 )) ] ||
	    die "dwadm exported $(echo "$xa" | cut -d' ' -f2) rows, ldapsearch then found $nb"
	xc=$(export_run "$T/small.csv" --since "$(gt $(( END - (NSMALL - 1) * STEP )))Z" \
	    --until "$(gt "$END")Z")
	rm -f "$T/small.csv"
	[ "$(echo "$xc" | cut -d' ' -f2)" -eq "$NSMALL" ] ||
	    die "the small export has $(echo "$xc" | cut -d' ' -f2) rows, not $NSMALL"
	echo "export run $r A (dwadm, all): secs rows maxrss_kib = $xa" >>"$RAW"
	echo "export run $r B (ldapsearch -LLL): secs=$tb entries=$nb" >>"$RAW"
	echo "export run $r A (dwadm, $NSMALL): secs rows maxrss_kib = $xc" >>"$RAW"
	echo "$xa" >>"$T/a"; echo "$tb" >>"$T/b"; echo "$xc" >>"$T/c"
	log "export run $r: dwadm $(echo "$xa" | cut -d' ' -f1) s, ldapsearch $tb s"
	r=$((r + 1))
done
ta=$(cut -d' ' -f1 "$T/a" | median); tb=$(median <"$T/b")
na=$(cut -d' ' -f2 "$T/a" | median)
ma=$(cut -d' ' -f3 "$T/a" | median); mc=$(cut -d' ' -f3 "$T/c" | median)
row "5 CSV export" "whole log (~$na entries): seconds (B: ldapsearch -LLL)" "$ta" "$tb" \
    "$(ratio "$tb" "$ta") (B/A)" "B/A ≥ 1.0"
row "5 CSV export" "dwadm peak RSS (MiB): $NSMALL entries (B column) vs whole log (A)" \
    "$(awk -v a="$ma" 'BEGIN { printf "%.1f", a / 1024 }')" \
    "$(awk -v a="$mc" 'BEGIN { printf "%.1f", a / 1024 }')" "$(ratio "$ma" "$mc")" \
    "flat (1.0), < 32 MiB"

# ------------------------------------------------------ BENCHMARKS.md
T_END=$(date -u +%s)
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC');"
	echo "the whole run took $(( (T_END - T_BEGIN) / 60 )) min $(( (T_END - T_BEGIN) % 60 )) s."
	echo "A is the dramwell server (every bind audited, one synchronous LMDB"
	echo "commit per audit entry); B is stock slapd with the same configuration,"
	echo "schema, access rules and data, less the overlay. Runs alternate A, B, A, B ..."
	echo "($RUNS each); every value is the median of the runs' values. Ratio is A/B"
	echo "unless marked."
	echo
	echo "| benchmark | metric | A | B | ratio | issue 7 target |"
	echo "|---|---|---|---|---|---|"
	awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$RES"
	echo
	echo "## Machine"
	echo
	echo "- nproc: $(nproc)"
	echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "- kernel: $(uname -sr)"
	echo "- slapd: $(/usr/sbin/slapd -VV 2>&1 | sed -n 's/.*\$OpenLDAP: \(.*\) \$.*/\1/p' | head -n 1)"
	echo "- the clients run on the same machine and share its cores with slapd"
	echo
	echo "## Data and method"
	echo
	echo "- $USERS admins (role support, active, no MFA) with argon2id at m=$A2M KiB,"
	echo "  t=$A2T, and $USERS with m=19456 KiB, t=2, stored as {ARGON2} and loaded by"
	echo "  slapadd (one hash string each: a bind costs one verification). A verifies"
	echo "  with libsodium (the overlay), B with Debian's argon2 module (libargon2)."
	echo "- Binds: bench/ldapload, one open connection per client, ${WARM} s warm-up then"
	echo "  $SECS s counted per run; A's audit log gained exactly one bind entry per"
	echo "  successful bind in every run, and no bind failed on either side."
	echo "- Audit log: $NAUDIT entries from tests/integration/auditgen, one every"
	echo "  $STEP s, ending an hour before the run; generation ${GEN_S} s, slapadd"
	echo "  ${LOAD_S} s, $AUDIT_MB MiB of LMDB. B has a copy of the same files."
	echo "- Searches: the filters \`dwadm audit search\` builds (time bounds as"
	echo "  negations), unpaged, all user attributes, one ldapi connection as root,"
	echo "  $NSEARCH searches a run after one untimed search; each returned exactly"
	echo "  the expected count. User week: $(gt $WS)Z to $(gt $WU)Z, $U;"
	echo "  action day: bind, $(gt $DS)Z to $(gt $DU)Z."
	echo "- Export: \`dwadm --as SUPER-ADMIN audit export --csv FILE\` (paged) against"
	echo "  \`ldapsearch -LLL -z max\` (unpaged) of the same filter and attributes to a"
	echo "  file, both bound as the same Super Admin over TCP (the access rules apply"
	echo "  to every entry); the row counts agree. Peak RSS from wait4() (bench/maxrss);"
	echo "  the small export is the last $NSMALL generated entries (--since/--until)."
	echo
	echo "## Reproduce"
	echo
	echo '```sh'
	echo 'autoreconf -fi && mkdir -p _build && cd _build'
	echo '../configure --with-openldap-src=/usr/local/src/dramwell/openldap-2.5.13+dfsg'
	echo "make && make bench          # sizes: BENCH_AUDIT_N=$NAUDIT BENCH_RUNS=$RUNS ..."
	echo '```'
	echo
	echo "## Every run"
	echo
	echo '```'
	cat "$RAW"
	echo '```'
} >"$OUT"
log "wrote $OUT"
dw_done
