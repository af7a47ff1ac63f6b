#!/bin/sh
# Retention: the overlay's background purge removes this server's audit
# entries older than the policy's months (calendar months), in batches,
# after a checkpoint entry that carries the chain forward; what is newer
# stays; dwadm audit verify passes before and after; dwadm audit status
# tells when and how many.  Waits poll with a deadline, never a fixed
# sleep.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/audit-lib.sh"

# dw_start takes the options anew on every start (the configuration is
# regenerated); audit_restart is the suite's plain restart.
start() { dw_start --overlay-option 'audit-purge-interval 2'; }
audit_restart() { start; lc_conf; }
start
lc_setup
check "retention 13 months" as_root security set audit-retention=13

# Server 000's chain (the overlay's own): 600 entries 15 months old, a
# minute apart (more than two purge batches), 3 entries 12.5 months old,
# 4 of last week.  Loaded offline into a fresh audit database.
now=$(date -u +%s)
old=$(date -u -d '15 months ago' +%s)
mid=$(date -u -d '12 months ago 15 days ago' +%s)
recent=$(date -u -d '7 days ago' +%s)
"$AUDITGEN" -b "$B" -s 0 -e -n 600 -t "$old" -i 60 >"$T/gen.ldif"
"$AUDITGEN" -b "$B" -s 0 -n 3 -t "$mid" -i 60 -q 601 \
    -P "$(ldif_hash "$T/gen.ldif" 600)" >>"$T/gen.ldif"
"$AUDITGEN" -b "$B" -s 0 -n 4 -t "$recent" -i 60 -q 604 \
    -P "$(ldif_hash "$T/gen.ldif" 603)" >>"$T/gen.ldif"
check_eq "607 generated entries" 607 "$(grep -c '^dwAuditId: ' "$T/gen.ldif")"
# Server 007's chain, as old: replicated here, never purged here.
"$AUDITGEN" -b "$B" -s 7 -n 5 -t "$old" -i 60 >"$T/s7.ldif"
cat "$T/s7.ldif" >>"$T/gen.ldif"
OLD_LAST=$(ldif_id "$T/gen.ldif" 600)
OLD_LAST_HASH=$(ldif_hash "$T/gen.ldif" 600)
MID_LAST=$(ldif_id "$T/gen.ldif" 603)

anchors() {
	root_search -b "ou=audit,$B" -o ldif-wrap=no \
	    '(dwAuditAction=retention-purge)' dwAuditAnchor |
	    sed -n 's/^dwAuditAnchor: //p' | sort
}

# Stop, load, start: the purge's first run comes at once.
audit_reload "$T/gen.ldif"
deadline() { [ "$(date -u +%s)" -lt "$1" ]; }
wait_for() {	# SECONDS CMD...: poll CMD until it succeeds or time is up
	until_t=$(( $(date -u +%s) + $1 ))
	shift
	while ! "$@"; do
		deadline "$until_t" || return 1
		sleep 0.2
	done
}
# server 000's entries older than 15 months + 700 minutes
ids_of() {	# SERVER FILTER: how many of SERVER's entries match FILTER
	root_search -b "ou=audit,$B" "$2" dwAuditId | grep -c "^dwAuditId: .*-$1-" || true
}
n_old() { ids_of 000 "(dwAuditId<=$OLD_LAST)"; }
gone() { [ "$(n_old)" -eq 0 ]; }
check "the 600 entries 15 months old are purged (deadline 60 s)" \
    wait_for 60 gone
st_done() { as_root audit status 2>/dev/null | grep -q '^last purge:  server 000'; }
check "the round's status is written (deadline 20 s)" wait_for 20 st_done
as_root audit status >"$T/st.out" 2>&1
check_match "status: when and how many" \
    '^last purge:  server 000 at .*, 600 entries' "$(cat "$T/st.out")"
check_match "status: the retention" '^retention:   13 months' "$(cat "$T/st.out")"
check_eq "the 12.5-month-old and last week's entries stay (3 + 4, by id)" 7 "$(audit_count "(&(dwAuditId>=$(ldif_id "$T/gen.ldif" 601))(dwAuditId<=$(ldif_id "$T/gen.ldif" 607)))")"
check_eq "one checkpoint, anchored at the newest purged entry" \
    "$OLD_LAST $OLD_LAST_HASH" \
    "$(anchors)"
check_match "the checkpoint says what it purged" \
    'purging 600 entries older than .* \(retention 13 months\)' \
    "$(root_search -b "ou=audit,$B" -o ldif-wrap=no '(dwAuditAction=retention-purge)' dwAuditDetail)"
as_root audit verify >"$T/v.out" 2>&1
check_eq "verify after the purge: both chains intact, 000 from the checkpoint on" \
    "0 chain 000: intact chain 007: intact" \
    "$? $(sed 's/:.*: intact$/: intact/' "$T/v.out" | paste -sd' ')"

# Shorter retention: the 12.5-month-old entries go too, on a later run.
check "retention 12 months" as_root security set audit-retention=12
gone_mid() { [ "$(ids_of 000 "(dwAuditId<=$MID_LAST)")" -eq 0 ]; }
check "the 12.5-month-old entries are purged (deadline 30 s)" \
    wait_for 30 gone_mid
check_eq "last week's 4 stay" 4 "$(audit_count "(&(dwAuditId>=$(ldif_id "$T/gen.ldif" 604))(dwAuditId<=$(ldif_id "$T/gen.ldif" 607)))")"
check_eq "two checkpoints now" 2 "$(audit_count '(dwAuditAction=retention-purge)')"
check_eq "the second is anchored at the newest 12.5-month-old entry" \
    "$MID_LAST $(ldif_hash "$T/gen.ldif" 603)" "$(anchors | tail -n 1)"
check "a login after the purge (audited, chained on)" \
    as "$BOSS" "$PW_BOSS" security show
as_root audit verify >"$T/v.out" 2>&1
check_eq "verify after the second purge: intact" 0 "$?"
st3() { as_root audit status 2>/dev/null | grep -q '^last purge:  server 000 at .*, 3 entries'; }
check "status: the second round's count (deadline 20 s)" wait_for 20 st3

check_eq "server 007's old entries are left to server 007" 5 \
    "$(ids_of 007 '(objectClass=dwAuditEvent)')"

# A checkpoint forged offline (correctly chained and hashed, as anyone
# with the files and the documented canonical form can make one) that
# anchors last week's entries: the purge deletes nothing younger than the
# retention, and verify still checks every entry it "anchors".
audit_slapcat "$T/before-forge.ldif"
head_id=$(sed -n 's/^dwAuditId: \(.*-000-.*\)$/\1/p' "$T/before-forge.ldif" | sort | tail -n 1)
head_hash=$(awk -v id="$head_id" '
	/^dwAuditId: / { cur = $2 }
	/^dwAuditHash: / && cur == id { print $2 }' "$T/before-forge.ldif")
check_match "the chain's head" '^[0-9a-f]{64}$' "$head_hash"
idlist() {	# every id of server 000, sorted
	root_search -b "ou=audit,$B" '(objectClass=dwAuditEvent)' dwAuditId |
	    sed -n 's/^dwAuditId: \(.*-000-.*\)$/\1/p' | sort
}
idlist >"$T/ids-before"
"$AUDITGEN" -b "$B" -s 0 -n 1 -t "$(date -u +%s)" -q 900 -P "$head_hash" \
    -c 900 >"$T/forge.ldif"
check_eq "the forged checkpoint anchors a fresh entry" 1 \
    "$(grep -c '^dwAuditAction: retention-purge' "$T/forge.ldif")"
runs() { grep -c 'audit retention run: done' "$T/srv/slapd.log" || true; }
audit_append "$T/forge.ldif"
r0=$(runs)
ran() { [ "$(runs)" -gt "$r0" ]; }
check "a purge run after the restart (deadline 20 s)" wait_for 20 ran
idlist >"$T/ids-after"
check_eq "every entry there before is still there" "" \
    "$(comm -23 "$T/ids-before" "$T/ids-after")"
check_eq "  last week's 4 among them" 4 \
    "$(grep -c -x -F "$(ldif_id "$T/gen.ldif" 604)
$(ldif_id "$T/gen.ldif" 605)
$(ldif_id "$T/gen.ldif" 606)
$(ldif_id "$T/gen.ldif" 607)" "$T/ids-after")"
as_root audit verify >"$T/v.out" 2>&1
check_eq "verify: intact, every entry checked" 0 "$?"
dw_done
