#!/bin/sh
# dwadm audit verify and status on audit databases that auditgen wrote and
# slapadd loaded: two intact chains; a checkpoint with entries awaiting
# purge, and after the purge.  Then tampering offline (slapcat, edit,
# slapadd into a fresh database): an altered value, a forged entry with a
# correct hash of its own, a removed entry, an entry without hash, a gap
# after a checkpoint; each named by its id and fault, exit 1.  status:
# entries, retention, each server's purge status.  An unreachable server:
# exit 2.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

dw_start
lc_setup
T0=$(epoch 2026-01-01)

# verify_is DESC STATUS OUTPUT: audit verify exits STATUS, prints OUTPUT.
verify_is() {
	as_root audit verify >"$T/v.out" 2>&1
	check_eq "$1" "$2 $3" "$? $(cat "$T/v.out")"
}

# ------------------------------------------------------------ intact
cat >"$T/a.ldif" <<EOL
dn: ou=audit,$B
objectClass: organizationalUnit
objectClass: dwAuditLog
ou: audit
dwAuditPurgeStatus: 003 20260301000000Z 12
dwAuditPurgeStatus: 007 20260302103000Z 1

EOL
"$AUDITGEN" -b "$B" -s 7 -n 20 -t "$T0" >>"$T/a.ldif"
"$AUDITGEN" -b "$B" -s 3 -n 5 -t "$T0" -i 3600 >>"$T/a.ldif"
check_eq "auditgen: 25 entries" 25 "$(grep -c '^dwAuditHash: ' "$T/a.ldif")"
audit_reload "$T/a.ldif"
verify_is "verify: two intact chains, by server id" 0 \
    "chain 003: 5 entries verified: intact
chain 007: 20 entries verified: intact"

RET=$(root_search -b "cn=security,ou=policy,$B" -s base '(objectClass=*)' \
    dwAuditRetentionMonths | sed -n 's/^dwAuditRetentionMonths: //p')
if [ -n "$RET" ]; then RET="$RET months"; else RET="12 months (the default)"; fi
as_root audit status >"$T/s.out" 2>&1
check_eq "status: base, entries, retention, purge per server" "0 audit base:  ou=audit,$B
entries:     25
retention:   $RET
last purge:  server 003 at 2026-03-01T00:00:00Z, 12 entries removed
last purge:  server 007 at 2026-03-02T10:30:00Z, 1 entry removed" "$? $(cat "$T/s.out")"

# ---------------------------------------------------- checkpoint, purge
"$AUDITGEN" -b "$B" -e -s 7 -n 10 -t "$T0" -c 4 >"$T/c.ldif"
check_eq "auditgen -c 4: the checkpoint anchors entry 4" \
    "$(ldif_id "$T/c.ldif" 4) $(ldif_hash "$T/c.ldif" 4)" \
    "$(sed -n 's/^dwAuditAnchor: //p' "$T/c.ldif")"
audit_reload "$T/c.ldif"
verify_is "verify: checkpoint, entries 1-4 awaiting purge" 0 \
    "chain 007: 11 entries verified, 4 awaiting purge: intact"
cp "$T/c.ldif" "$T/p.ldif"
for k in 1 2 3 4; do
	ldif_drop "$T/p.ldif" "$(ldif_id "$T/c.ldif" $k)"
done
audit_reload "$T/p.ldif"
verify_is "verify: after the purge, the chain starts at the anchor" 0 \
    "chain 007: 7 entries verified: intact"
ldif_drop "$T/p.ldif" "$(ldif_id "$T/c.ldif" 7)"
audit_reload "$T/p.ldif"
verify_is "verify: checkpoint, then entry 7 removed: gap at entry 8" 1 \
    "chain 007: 2 entries verified, then entry $(ldif_id "$T/c.ldif" 8): gap: one or more entries before it were removed"

# ------------------------------------------------- tampering, offline
"$AUDITGEN" -b "$B" -e -s 7 -n 10 -t "$T0" >"$T/g.ldif"
audit_reload "$T/g.ldif"
verify_is "verify: a fresh chain of 10" 0 \
    "chain 007: 10 entries verified: intact"
audit_slapcat "$T/base.ldif"
check_eq "slapcat: the 10 entries and the base" 11 \
    "$(grep -c '^dn: ' "$T/base.ldif")"
id() { ldif_id "$T/g.ldif" "$1"; }

cp "$T/base.ldif" "$T/t.ldif"
ldif_edit "$T/t.ldif" "$(id 5)" 'b.replace("192.0.2.5\n", "192.0.2.99\n")'
check_eq "edit: one client address changed" 1 \
    "$(grep -c '^dwAuditClient: 192.0.2.99$' "$T/t.ldif")"
audit_reload "$T/t.ldif"
verify_is "verify: an altered value names its entry" 1 \
    "chain 007: 4 entries verified, then entry $(id 5): altered: its content does not match its hash"

# A forger who knows the scheme: a new entry between 4 and 5 that names
# entry 4 as its predecessor, with a correct hash of its own.
cp "$T/base.ldif" "$T/t.ldif"
"$AUDITGEN" -b "$B" -s 7 -n 1 -t $((T0 + 200)) -q 100 \
    -P "$(ldif_hash "$T/g.ldif" 4)" >"$T/forged.ldif"
FORGED=$(ldif_id "$T/forged.ldif" 1)
cat "$T/forged.ldif" >>"$T/t.ldif"
audit_reload "$T/t.ldif"
verify_is "verify: an inserted entry is named" 1 \
    "chain 007: 4 entries verified, then entry $FORGED: inserted: it does not belong between its neighbours"

cp "$T/base.ldif" "$T/t.ldif"
ldif_drop "$T/t.ldif" "$(id 6)"
audit_reload "$T/t.ldif"
verify_is "verify: a removed entry: gap at the next" 1 \
    "chain 007: 5 entries verified, then entry $(id 7): gap: one or more entries before it were removed"

cp "$T/base.ldif" "$T/t.ldif"
ldif_drop "$T/t.ldif" "$(id 1)"
ldif_drop "$T/t.ldif" "$(id 2)"
audit_reload "$T/t.ldif"
verify_is "verify: the first entries removed: gap at the first kept" 1 \
    "chain 007: 0 entries verified, then entry $(id 3): gap: one or more entries before it were removed"

cp "$T/base.ldif" "$T/t.ldif"
ldif_edit "$T/t.ldif" "$(id 3)" \
    '"\n".join(l for l in b.split("\n") if not l.startswith("dwAuditHash:"))'
audit_reload "$T/t.ldif"
verify_is "verify: an entry without hash" 1 \
    "chain 007: 2 entries verified, then entry $(id 3): no hash: added or edited outside the server"

# An entry nested below an audit entry (one level searches never show it)
# and an entry dated in the future (it would date every later one).
cp "$T/base.ldif" "$T/t.ldif"
nest=$(awk -v id="$(id 4)" 'BEGIN { RS = ""; ORS = "\n\n" }
	$0 ~ "\ndwAuditId: " id "\n" { print }' "$T/t.ldif" |
    sed "s/^dn: dwAuditId=\([^,]*\),/dn: dwAuditId=nested,dwAuditId=\1,/; s/^dwAuditId: .*/dwAuditId: nested/")
printf '%s\n\n' "$nest" >>"$T/t.ldif"
audit_reload "$T/t.ldif"
as_root audit verify >"$T/v.out" 2>&1
check_eq "verify: a nested entry is a fault (exit 1)" 1 "$?"
check_match "  named" "^entry dwAuditId=nested,dwAuditId=$(id 4),ou=audit,.*: not directly below the audit base" \
    "$(cat "$T/v.out")"
cp "$T/base.ldif" "$T/t.ldif"
"$AUDITGEN" -b "$B" -s 7 -n 1 -t "$(epoch '2099-12-31 23:59:00')" -q 11 \
    -P "$(ldif_hash "$T/g.ldif" 10)" >>"$T/t.ldif"
audit_reload "$T/t.ldif"
as_root audit verify >"$T/v.out" 2>&1
check_eq "verify: an entry dated in the future is a fault (exit 1)" 1 "$?"
check_match "  named" "^entry 20991231235900000000-007-0000000011: dated in the future" \
    "$(cat "$T/v.out")"

# The server's own chain (000) with a head dated in the future: its next
# entries take the clock's time, not the head's.
cp "$T/base.ldif" "$T/t.ldif"
"$AUDITGEN" -b "$B" -s 0 -n 1 -t "$(epoch '2099-12-31 23:59:00')" >>"$T/t.ldif"
audit_reload "$T/t.ldif"
as "$BOSS" "$PW_BOSS" audit status >/dev/null 2>&1
check_match "a bind after a future head is dated now, not in 2099" \
    "^$(date -u +%Y)" \
    "$(root_search -b "ou=audit,$B" '(dwAuditAction=bind)' dwAuditId |
	sed -n 's/^dwAuditId: \(.*-000-.*\)/\1/p' | grep -v '^2099' | sort | tail -n 1)"

# ---------------------------------------------------------------- errors
"$DWADM" -H ldap://127.0.0.1:9 -Y EXTERNAL audit verify >"$T/e.out" 2>&1
check_eq "verify: directory unreachable: exit 2" 2 "$?"
check "verify: unreachable: one error line" one_line "$T/e.out"
as_root audit verify --bogus >"$T/e.out" 2>&1
check_eq "verify --bogus: exit 2" 2 "$?"

dw_done
