#!/bin/sh
# Events the portal reports: an add below the audit base by an identity
# allowed to append (the portal's service account, an admin whose role
# has audit-log:write).  The overlay writes the event itself, stamping id,
# time, actor and client address; a report that tries to set them, from
# anyone else, or malformed, is refused, writes nothing, and is itself on
# the record.  Every entry carries its chain hash.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start
check "seed the tree" ov_seed

ANN=$(ov_dn ann)
PORTAL="cn=portal,ou=services,$DW_BASE"
AUDIT="ou=audit,$DW_BASE"
n() { audit_count "$1"; }
as() { dn=$1 pw=$2; shift 2; "$@" -H "$DW_URI" -x -D "$dn" -y "$pw"; }
# (each simple bind over TCP is audited too: count the rest)
total() { n '(&(objectClass=dwAuditEvent)(!(dwAuditAction=bind)))'; }

# sue: an active support admin (no audit-log permission).
ov_pwfile sue 'Moss-Secret-0007'
ov_admin_ldif sue active support "$(cat "$T/sue.pw")" >"$T/sue.ldif"
check "add sue (support)" root_add -f "$T/sue.ldif"

report() {
	# report FILE [attribute lines...]: an event LDIF
	f=$1; shift
	{
		printf 'dn: dwAuditId=new,%s\nobjectClass: dwAuditEvent\ndwAuditId: new\n' "$AUDIT"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$T/$f.ldif"
}

# --- the portal reports a PII view for an end user -----------------------
report pii 'dwAuditCategory: data-access' 'dwAuditAction: pii-view' \
    'dwAuditTarget: customer=4711' "dwAuditOnBehalfOf: $ANN" \
    'dwAuditDetail: viewed fields: phone, address'
before=$(total)
check "the portal reports a PII view" as "$PORTAL" "$T/portal.pw" \
    ldapadd -f "$T/pii.ldif"
check_eq "exactly one entry more" $((before + 1)) "$(total)"
F="(&(dwAuditAction=pii-view)(dwAuditCategory=data-access)(dwAuditTarget=customer=4711)(dwAuditOnBehalfOf=$ANN)(dwAuditDetail=viewed fields: phone, address)(dwAuditResult=0)(dwAuditClient=127.0.0.1))"
check_eq "the event, with the reporter as actor" "$PORTAL" \
    "$(ov_audit "$F" dwAuditActor)"
id=$(ov_audit "$F" dwAuditId)
check_match "the server chose the id (not 'new')" \
    '^[0-9]{20}-[0-9]{3}-[0-9]{10}$' "$id"
check_eq "no entry named by the reporter" "" \
    "$(root_search -b "$AUDIT" '(dwAuditId=new)' dn)"
check_match "its time is the server's (fractional GeneralizedTime)" \
    '^[0-9]{14}\.[0-9]{6}Z$' "$(ov_audit "$F" dwAuditTime)"
check_match "it carries its chain hash" '^[0-9a-f]{64}$' \
    "$(ov_audit "$F" dwAuditHash)"
check_match "and its predecessor's" '^[0-9a-f]{64}$' \
    "$(ov_audit "$F" dwAuditPrevHash)"

# --- an admin whose role has audit-log:write may report too ---------------
report exp 'dwAuditCategory: data-access' 'dwAuditAction: report-download' \
    'dwAuditTarget: finance/2026-11.pdf'
check "ann (super-admin) reports a download" as "$ANN" "$T/ann.pw" \
    ldapadd -f "$T/exp.ldif"
check_eq "recorded with ann as actor" "$ANN" \
    "$(ov_audit '(dwAuditAction=report-download)' dwAuditActor)"

# --- refused: who ---------------------------------------------------------
refused() {
	# refused NAME CODE-REGEX CMD...: the add fails with that code and
	# the log grows by exactly one entry (the refusal's own record).
	name=$1 want=$2; shift 2
	b=$(total)
	"$@" >"$T/ref.out" 2>&1
	check_match "$name: refused" "$want" "$(cat "$T/ref.out")"
	check_eq "$name: only the refusal is recorded" $((b + 1)) "$(total)"
}
refused "sue (support) reports" 'Insufficient access \(50\)' \
    as "$(ov_dn sue)" "$T/sue.pw" ldapadd -f "$T/exp.ldif"
b=$(total)
ldapadd -H "$DW_URI" -x -f "$T/exp.ldif" >"$T/anon.out" 2>&1
check_fail "an anonymous report fails" test $? -eq 0
check_eq "no report by sue or anonymous was written" 1 \
    "$(n '(&(dwAuditAction=report-download)(dwAuditResult=0))')"
# The rootdn (local maintenance) reports as itself, stamped like anyone.
check "the rootdn reports" root_add -f "$T/exp.ldif"
check_eq "  recorded with the rootdn as actor, over ldapi" 1 \
    "$(n "(&(dwAuditAction=report-download)(dwAuditActor=$DW_ROOTDN)(dwAuditClient=ldapi)(dwAuditResult=0))")"

# --- refused: what --------------------------------------------------------
P="as $PORTAL $T/portal.pw ldapadd -f"
for attr in 'dwAuditTime: 19990101000000.000000Z' \
    "dwAuditActor: $ANN" 'dwAuditClient: 10.9.9.9' \
    'dwAuditHash: 0000000000000000000000000000000000000000000000000000000000000000' \
    'dwAuditPrevHash: 0000000000000000000000000000000000000000000000000000000000000000' \
    'dwAuditAnchor: x y' 'description: hello'; do
	name=${attr%%:*}
	report forge 'dwAuditCategory: data-access' 'dwAuditAction: forged' "$attr"
	refused "a report that sets $name" 'Constraint violation \(19\)' \
	    $P "$T/forge.ldif"
done
report forgeid 'dwAuditCategory: data-access' 'dwAuditAction: forged'
sed -i 's/^dwAuditId: new$/dwAuditId: 20990101000000000000-000-0000000001/' \
    "$T/forgeid.ldif"
refused "a report with its own dwAuditId value" 'Constraint violation \(19\)' \
    $P "$T/forgeid.ldif"
report cat 'dwAuditCategory: gossip' 'dwAuditAction: forged'
refused "an unknown category" 'Constraint violation \(19\)' $P "$T/cat.ldif"
report act 'dwAuditCategory: data-access' 'dwAuditAction: Rm -rf'
refused "a malformed action" 'Constraint violation \(19\)' $P "$T/act.ldif"
report res 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
    'dwAuditResult: -1'
refused "a negative result" 'Constraint violation \(19\)' $P "$T/res.ldif"
report noact 'dwAuditCategory: data-access'
refused "no action" 'Constraint violation \(19\)' $P "$T/noact.ldif"
report many 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
    'dwAuditDetail: 1' 'dwAuditDetail: 2' 'dwAuditDetail: 3' \
    'dwAuditDetail: 4' 'dwAuditDetail: 5' 'dwAuditDetail: 6' \
    'dwAuditDetail: 7' 'dwAuditDetail: 8' 'dwAuditDetail: 9'
refused "nine details" 'Constraint violation \(19\)' $P "$T/many.ldif"
printf 'dn: dwAuditId=new,ou=x,%s\nobjectClass: dwAuditEvent\ndwAuditId: new\ndwAuditCategory: data-access\ndwAuditAction: forged\n' \
    "$AUDIT" >"$T/deep.ldif"
refused "a report below an entry of the log" 'unwilling to perform \(53\)' \
    $P "$T/deep.ldif"
# A reporter cannot imitate the server's own events, nor flood the log.
for act in bind retention-purge session-kill logout mfa-reset set-role; do
	report srv 'dwAuditCategory: authentication' "dwAuditAction: $act"
	refused "a report of the server's own action $act" \
	    'Constraint violation \(19\)' $P "$T/srv.ldif"
done
big=$(head -c 4097 /dev/zero | tr '\0' x)
report big 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
    "dwAuditDetail: $big"
refused "a 4097-byte detail" 'Constraint violation \(19\)' $P "$T/big.ldif"
report bigt 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
    "dwAuditTarget: $(head -c 1025 /dev/zero | tr '\0' y)"
refused "a 1025-byte target" 'Constraint violation \(19\)' $P "$T/bigt.ldif"
for cc in '\033[31m' '\r' '\n' '\t' '\177' '\302\205'; do
	report ctl 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
	    "dwAuditDetail:: $(printf "a${cc}b" | base64 -w0)"
	refused "a control character ($cc) in a detail" \
	    'Invalid syntax \(21\)' $P "$T/ctl.ldif"
done
report obo 'dwAuditCategory: data-access' 'dwAuditAction: forged' \
    'dwAuditOnBehalfOf: not a dn'
refused "on behalf of something that is not a DN" 'Invalid syntax \(21\)' \
    $P "$T/obo.ldif"
check_eq "a refusal records its reason" 1 \
    "$(n '(&(dwAuditResult=19)(dwAuditDetail=dwAuditDetail: longer than 4096 bytes))')"
check_eq "no forged event was written" 0 \
    "$(n '(&(dwAuditAction=forged)(dwAuditResult=0))')"
check_eq "the refusals are on the record, reporter as actor" 21 \
    "$(n "(&(dwAuditActor=$PORTAL)(dwAuditResult=19))")"

# --- the log cannot be rewritten, by the reporter either ------------------
DN=$(root_search -b "$AUDIT" "(dwAuditId=$id)" dn | sed -n 's/^dn: //p')
printf 'dn: %s\nchangetype: modify\nreplace: dwAuditOnBehalfOf\ndwAuditOnBehalfOf: eve@dramwell.ai\n' \
    "$DN" >"$T/mod.ldif"
as "$PORTAL" "$T/portal.pw" ldapmodify -f "$T/mod.ldif" >"$T/mod.out" 2>&1
check_match "the reporter cannot modify its event" '\(53\)' "$(cat "$T/mod.out")"
check_eq "unchanged" "$ANN" \
    "$(ov_audit "(dwAuditId=$id)" dwAuditOnBehalfOf)"

# --- the chain: each entry names the one before it ------------------------
root_search -b "$AUDIT" -s one -o ldif-wrap=no '(objectClass=dwAuditEvent)' \
    dwAuditId dwAuditHash dwAuditPrevHash >"$T/chain.ldif"
awk '
	/^dwAuditId: / { id = $2 }
	/^dwAuditHash: / { h = $2 }
	/^dwAuditPrevHash: / { p = $2 }
	/^$/ { if (id != "") print id, h, p; id = h = p = "" }
	END { if (id != "") print id, h, p }
' "$T/chain.ldif" | sort >"$T/chain.txt"
check_eq "every entry has a hash and a predecessor" "$(wc -l <"$T/chain.txt")" \
    "$(awk 'NF == 3' "$T/chain.txt" | wc -l)"
check_eq "the first entry follows genesis" \
    0000000000000000000000000000000000000000000000000000000000000000 \
    "$(head -n 1 "$T/chain.txt" | cut -d' ' -f3)"
check_eq "each entry's predecessor is the entry before it (by id)" 0 \
    "$(awk 'NR > 1 && $3 != prev { bad++ } { prev = $2 } END { print bad + 0 }' "$T/chain.txt")"
check_eq "hashes are unique" "$(wc -l <"$T/chain.txt")" \
    "$(cut -d' ' -f2 "$T/chain.txt" | sort -u | wc -l)"

# --- the chain goes on across a restart ----------------------------------
last=$(tail -n 1 "$T/chain.txt" | cut -d' ' -f2)
check "restart slapd" dw_stop
dw_start
check "a bind after the restart (audited)" ov_whoami "$ANN" "$T/ann.pw"
root_search -b "$AUDIT" -s one -o ldif-wrap=no '(objectClass=dwAuditEvent)' \
    dwAuditId dwAuditPrevHash | awk '
	/^dwAuditId: / { id = $2 } /^dwAuditPrevHash: / { p = $2 }
	/^$/ { if (id != "") print id, p; id = p = "" }
	END { if (id != "") print id, p }' | sort >"$T/chain2.txt"
check_eq "the first entry after the restart follows the last before it" \
    "$last" "$(awk -v n="$(wc -l <"$T/chain.txt")" 'NR == n + 1 { print $2 }' "$T/chain2.txt")"

dw_done
