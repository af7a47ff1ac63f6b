# audit-lib.sh: helpers of the audit log tests (t-audit-*.sh).  Source it
# after lib.sh (and dwadm-lib.sh when the test runs lc_setup).
#
# AUDITGEN            the LDIF generator (tests/integration/auditgen.c)
# audit_start         dw_start, lc_setup and a support admin $ANN
#                     ($ANN_DN, password $PW_ANN)
# audit_reload LDIF   (after lc_setup) stop slapd, replace the audit database by LDIF
#                     (slapadd into a fresh mdb), start again
# audit_append LDIF   stop slapd, slapadd LDIF into the audit database
#                     as it is, start again
# audit_slapcat FILE  the audit database as LDIF (slapd stopped), unwrapped
# ldif_id FILE K      the dwAuditId of the Kth audit entry of FILE
# ldif_hash FILE K    its dwAuditHash
# ldif_edit FILE ID PY  run the python expression PY on the text of the
#                     entry ID of FILE (as b); its value replaces it
# ldif_drop FILE ID   remove the entry ID from FILE
# epoch DATE          seconds since the epoch of a date(1) string (UTC)

AUDITGEN=${DW_TOP_BUILDDIR:?}/tests/integration/auditgen
SLAPADD=$(dirname "$(command -v slaptest 2>/dev/null || echo /usr/sbin/slaptest)")/slapadd
SLAPCAT=$(dirname "$SLAPADD")/slapcat
[ -x "$SLAPADD" ] || SLAPADD=/usr/sbin/slapadd
[ -x "$SLAPCAT" ] || SLAPCAT=/usr/sbin/slapcat

ANN=ann@dramwell.ai
PW_ANN='Hv3$Qp8w-Mx2!Tk5r'

audit_start() {
	dw_start
	lc_setup
	ANN_DN=uid=$ANN,ou=admins,$B
	mk_admin "$ANN" support "$PW_ANN"
}

audit_restart() {
	dw_start
	# The client configuration follows the new port.
	if [ -f "$T/dw.conf" ]; then lc_conf; fi
}

audit_reload() {
	dw_stop
	rm -rf "$T/srv/audit"
	mkdir -m 700 "$T/srv/audit"
	"$SLAPADD" -q -f "$T/srv/slapd.conf" -b "ou=audit,$DW_BASE" -l "$1" ||
	    { say "Bail out! slapadd refused $1"; exit 1; }
	audit_restart
}

audit_append() {
	dw_stop
	"$SLAPADD" -q -f "$T/srv/slapd.conf" -b "ou=audit,$DW_BASE" -l "$1" ||
	    { say "Bail out! slapadd refused $1"; exit 1; }
	audit_restart
}

audit_slapcat() {
	"$SLAPCAT" -f "$T/srv/slapd.conf" -b "ou=audit,$DW_BASE" \
	    -o ldif-wrap=no -l "$1"
}

ldif_id() {
	sed -n 's/^dwAuditId: //p' "$1" | sed -n "${2}p"
}

ldif_hash() {
	sed -n 's/^dwAuditHash: //p' "$1" | sed -n "${2}p"
}

ldif_edit() {
	python3 - "$1" "$2" "$3" <<'PYEOF'
import sys
path, ident, expr = sys.argv[1:]
blocks = open(path).read().split("\n\n")
hits = 0
for i, b in enumerate(blocks):
    if ("\ndwAuditId: %s\n" % ident) in "\n" + b + "\n":
        blocks[i] = eval(expr)
        hits += 1
if hits != 1:
    sys.exit("ldif_edit: %d entries with id %s" % (hits, ident))
open(path, "w").write("\n\n".join(x for x in blocks if x.strip()) + "\n\n")
PYEOF
}

ldif_drop() {
	ldif_edit "$1" "$2" '""'
}

epoch() {
	date -u -d "$1" +%s
}
