#!/bin/sh
# The local server runner (dwadm-server): cn=config is not writable over
# LDAP (whoever can write it can take the overlay, and the append-only
# audit rule, out of the server), stop ends only the slapd it started,
# status answers.
. "$DW_TEST_LIB"

dw_start
main_db=$(root_search -b cn=config -o ldif-wrap=no '(olcSuffix='"$DW_BASE"')' dn |
    sed -n 's/^dn: //p')
check_match "root can read cn=config" '^olcDatabase=' "$main_db"
ovl=$(root_search -b "$main_db" -o ldif-wrap=no '(objectClass=olcDramwellConfig)' dn |
    sed -n 's/^dn: //p')
check_match "the overlay is configured" '^olcOverlay=' "$ovl"

check_fail "root cannot delete the overlay from cn=config" \
    root_delete "$ovl"
printf 'dn: %s\nchangetype: modify\nreplace: olcDramwellAuditBase\nolcDramwellAuditBase: ou=elsewhere,%s\n' \
    "$ovl" "$DW_BASE" >"$T/m.ldif"
check_fail "root cannot change the overlay's settings" root_modify -f "$T/m.ldif"
printf 'dn: %s\nchangetype: modify\nadd: olcAccess\nolcAccess: to * by * write\n' \
    "$main_db" >"$T/acl.ldif"
check_fail "root cannot change the access rules" root_modify -f "$T/acl.ldif"
check "the overlay is still there" sh -c \
    "ldapsearch -H '$DW_LDAPI_URI' -Y EXTERNAL -Q -LLL -b '$ovl' -s base dn | grep -q '^dn:'"

check "status: running" "$DW_SERVER" status --state "$T/srv"

# A pid file that names another process: stop must not kill it.
sleep 300 &
victim=$!
cp "$T/srv/slapd.pid" "$T/real.pid"
echo "$victim" >"$T/srv/slapd.pid"
"$DW_SERVER" stop --state "$T/srv" >"$T/stop.out" 2>&1
check "stop leaves a process that is not its slapd alone" kill -0 "$victim"
kill "$victim" 2>/dev/null
cp "$T/real.pid" "$T/srv/slapd.pid"
check "stop ends its own slapd" "$DW_SERVER" stop --state "$T/srv"
check_fail "status: not running (exit 3)" "$DW_SERVER" status --state "$T/srv"
check_fail "a second start with a bad option fails clearly" \
    "$DW_SERVER" start --state "$T/srv" --port 99999

dw_done
