#!/bin/sh
# dwadm init undoes a half-done bootstrap: on a server whose schema lacks
# the dwSecurityPolicy object class, adding cn=security fails after nine
# entries were added; init deletes them again, removes its temporary
# secret file, leaves an existing secret file alone, and says so in one
# line.  A base whose parent is missing fails on the first entry.
. "$DW_TEST_LIB"

# The schema without dwSecurityPolicy (everything else, indexed attributes
# included, stays).
awk '/^objectclass \( DwOC:3 /{skip=1} skip && /\) \)$/{skip=0; next} !skip' \
    "$DW_SCHEMA_FILE" >"$T/nopolicy.schema"
if cmp -s "$DW_SCHEMA_FILE" "$T/nopolicy.schema" ||
    grep -q dwSecurityPolicy "$T/nopolicy.schema"; then
	say "Bail out! could not remove dwSecurityPolicy from the schema copy"
	exit 1
fi
DW_SCHEMA_FILE=$T/nopolicy.schema
export DW_SCHEMA_FILE
dw_start
B=$DW_BASE
PW='Corr3ct-Horse-Battery'
mkdir -p "$T/etc"
printf 'previous secret' >"$T/etc/portal.secret"
chmod 600 "$T/etc/portal.secret"

one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^dwadm: ' "$1"
}

printf '%s\n' "$PW" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init \
    --admin boss@dramwell.ai --service-secret "$T/etc/portal.secret" \
    --password-stdin >"$T/init.out" 2>"$T/init.err"
check_eq "failed init: exit 1" 1 "$?"
check "failed init: one error line" one_line "$T/init.err"
check_match "failed init: names the entry and the reason" \
    "cannot add cn=security,ou=policy,$B: .*objectClass" \
    "$(cat "$T/init.err")"
check_match "failed init: says the added entries were removed" \
    'the 9 entries added before were removed; nothing changed' \
    "$(cat "$T/init.err")"
check_fail "failed init: no base entry left" root_search -b "$B" -s base dn
check_eq "failed init: the old secret file is untouched" "previous secret" \
    "$(cat "$T/etc/portal.secret")"
check_eq "failed init: no temporary file left" "portal.secret" \
    "$(ls -A "$T/etc")"
check_fail "failed init: the password is not in the error" \
    grep -qF "$PW" "$T/init.err"

# Listing a directory that was never initialised says so.
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL user list >/dev/null 2>"$T/list.err"
check_eq "user list before init: exit 1" 1 "$?"
check_match "user list before init: no such entry" \
    'cannot list admins \(is the directory initialised\?\): no such entry' \
    "$(cat "$T/list.err")"

# A base whose parent does not exist: the first add fails.
printf '%s\n' "$PW" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
    -b "ou=sub,dc=nowhere,$B" init --admin boss@dramwell.ai \
    --service-secret "$T/etc/other.secret" --password-stdin \
    >/dev/null 2>"$T/first.err"
check_eq "first entry refused: exit 1" 1 "$?"
check "first entry refused: one error line" one_line "$T/first.err"
check_match "first entry refused: nothing changed" \
    "cannot add ou=sub,dc=nowhere,$B: .*nothing changed" \
    "$(cat "$T/first.err")"
check_fail "first entry refused: no secret file" \
    test -e "$T/etc/other.secret"

dw_done
