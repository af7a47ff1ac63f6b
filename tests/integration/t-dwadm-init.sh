#!/bin/sh
# dwadm init: bootstraps the tree, the built-in roles, the default policy,
# the portal service account (password in a mode-0600 file) and the first
# Super Admin; refuses a weak password before writing anything; a second
# init fails and changes nothing; the password never shows.
. "$DW_TEST_LIB"

dw_start
B=$DW_BASE
PW='Corr3ct-Horse-Battery'
SECRET=$T/etc/portal.secret
mkdir -p "$T/etc"

# one_line FILE: exactly one line, starting "dwadm: ".
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^dwadm: ' "$1"
}

# --- a weak password is refused before anything is written
printf '%s\n' 'weakpassword' | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
    init --admin Boss@DramWell.ai --service-secret "$SECRET" \
    --password-stdin >"$T/weak.out" 2>"$T/weak.err"
check_eq "weak password: non-zero exit" 1 "$?"
check "weak password: one error line" one_line "$T/weak.err"
check_match "weak password: says why" 'password refused' "$(cat "$T/weak.err")"
check_fail "weak password: no base entry written" \
    root_search -b "$B" -s base dn
check_fail "weak password: no secret file written" test -e "$SECRET"
check_eq "weak password: no stray temporary file" "" "$(ls -A "$T/etc")"

# --- so is one containing the e-mail address's local part (any case)
printf '%s\n' 'xBoSs-Strong-2024#q' | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL \
    init --admin Boss@DramWell.ai --service-secret "$SECRET" \
    --password-stdin >"$T/weak.out" 2>"$T/weak.err"
check_eq "password with the e-mail name: exit 1" 1 "$?"
check_match "password with the e-mail name: says which rule" \
    '^dwadm: password refused: .*e-mail' "$(cat "$T/weak.err")"
check_fail "password with the e-mail name: no base entry written" \
    root_search -b "$B" -s base dn

# An empty standard input is refused the same way.
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin boss@dramwell.ai \
    --service-secret "$SECRET" --password-stdin </dev/null \
    >/dev/null 2>"$T/empty.err"
check_eq "no password on stdin: exit 1" 1 "$?"
check_fail "no password on stdin: nothing written" \
    root_search -b "$B" -s base dn

# On a terminal the password is asked twice, with echo off; two different
# answers write nothing.  ptydrive answers each prompt with the next line
# of its standard input.
cat >"$T/ptydrive.py" <<'EOF'
import os, pty, select, sys, time
answers = [l.rstrip("\n").encode() for l in sys.stdin]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, seen, deadline = b"", 0, time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if answers and out.count(b": ") > seen:
        seen += 1
        os.write(fd, answers.pop(0) + b"\n")
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("EXIT", os.waitstatus_to_exitcode(st))
EOF
printf '%s\n%s\n' "$PW" "${PW}x" | python3 "$T/ptydrive.py" "$DWADM" \
    -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin boss@dramwell.ai \
    --service-secret "$SECRET" >"$T/pty.out" 2>&1
check_match "terminal: asks for the password" \
    '^New password for boss@dramwell.ai: ' "$(cat "$T/pty.out")"
check_match "terminal: asks again" 'Repeat the password: ' \
    "$(cat "$T/pty.out")"
check_match "terminal: two different answers are refused" \
    'dwadm: the passwords do not match' "$(cat "$T/pty.out")"
check_match "terminal: exit 1" '^EXIT 1' "$(tail -n1 "$T/pty.out")"
check_fail "terminal: the password is not echoed" grep -qF "$PW" "$T/pty.out"
check_fail "terminal mismatch: nothing written" \
    root_search -b "$B" -s base dn
check_fail "terminal mismatch: no secret file" test -e "$SECRET"

# Bad arguments: usage errors, exit 2, nothing written.
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin 'not an address' \
    --service-secret "$SECRET" --password-stdin </dev/null 2>"$T/bad.err"
check_eq "invalid --admin: exit 2" 2 "$?"
check "invalid --admin: one error line" one_line "$T/bad.err"
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init --admin boss@dramwell.ai \
    --password-stdin </dev/null 2>/dev/null
check_eq "missing --service-secret: exit 2" 2 "$?"

# --- init
printf '%s\n' "$PW" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init \
    --admin Boss@DramWell.ai --service-secret "$SECRET" --password-stdin \
    >"$T/init.out" 2>"$T/init.err"
check_eq "init: exit 0" 0 "$?"
check_eq "init: nothing on stderr" "" "$(cat "$T/init.err")"
check_fail "init: password not in its output" \
    grep -qF "$PW" "$T/init.out" "$T/init.err"

# The tree of DESIGN.md (ou=audit is the overlay's business).
for ou in admins roles policy services sessions; do
	check "ou=$ou exists" root_search -b "ou=$ou,$B" -s base dn
done
check_eq "base entry is dcObject + organization, o: DramWell" \
    "dc: dramwell|o: DramWell|objectClass: dcObject|objectClass: organization|objectClass: top" \
    "$(root_search -b "$B" -s base objectClass dc o | grep -v '^dn:' |
        grep . | sort | paste -sd'|')"

# The five built-in roles and their permissions.
perms() {
	root_search -b "cn=$1,ou=roles,$B" -s base dwPermission |
	    sed -n 's/^dwPermission: //p' | sort | paste -sd' '
}
check_eq "super-admin permissions" \
    "admin-users:write api-settings:write audit-log:write command-center:write customer-users:write customers:write destructive feature-flags:write finance-dashboard:write logs:write monitoring:write pii plans:write promotions:write security:write subscriptions:write telephony:write" \
    "$(perms super-admin)"
check_eq "operations permissions" \
    "command-center:write logs:write monitoring:write telephony:write" \
    "$(perms operations)"
check_eq "finance permissions" \
    "finance-dashboard:write plans:write promotions:write subscriptions:write" \
    "$(perms finance)"
check_eq "support permissions (read only)" \
    "customer-users:read customers:read logs:read" "$(perms support)"
check_eq "developer permissions (no pii)" \
    "api-settings:write feature-flags:write logs:write monitoring:write" \
    "$(perms developer)"
check_eq "five roles, all built-in, all described" "5 5 5" \
    "$(root_search -b "ou=roles,$B" -s one '(objectClass=dwRole)' dn | grep -c '^dn:') $(root_search -b "ou=roles,$B" -s one '(dwBuiltin=TRUE)' dn | grep -c '^dn:') $(root_search -b "ou=roles,$B" -s one '(description=*)' dn | grep -c '^dn:')"

# The default security policy.
pol=$(root_search -b "cn=security,ou=policy,$B" -s base \
    '(objectClass=dwSecurityPolicy)' | grep '^dw' | sort | paste -sd'|')
check_eq "policy defaults" \
    "dwAddressThrottle: 30|dwAuditRetentionMonths: 12|dwInviteLifetime: 86400|dwLockoutDuration: 900|dwLockoutThreshold: 5|dwLockoutWindow: 900|dwMfaRequired: FALSE|dwPasswordHistoryCount: 5|dwPasswordMaxAge: 0|dwPasswordMinClasses: 3|dwPasswordMinLength: 12|dwSessionIdleTimeout: 3600" \
    "$pol"

# The portal service account.
portal="cn=portal,ou=services,$B"
check_eq "portal: applicationProcess + simpleSecurityObject" \
    "applicationProcess simpleSecurityObject" \
    "$(root_search -b "$portal" -s base objectClass |
        sed -n 's/^objectClass: //p' | grep -v '^top$' | sort | paste -sd' ')"
check_match "portal: has a userPassword" '^userPassword:: ' \
    "$(root_search -b "$portal" -s base userPassword | grep '^userPassword')"
check_match "portal: the stored value decodes to {ARGON2}\$argon2id" \
    '^\{ARGON2\}\$argon2id\$' \
    "$(root_search -b "$portal" -s base userPassword |
        sed -n 's/^userPassword:: //p' | base64 -d)"

# The secret file: mode 600, no trailing newline, and it binds.
check_eq "secret file mode 600" 600 "$(stat -c %a "$SECRET")"
check_eq "secret file owned by root" root "$(stat -c %U "$SECRET")"
check_eq "secret file: 32 characters, no newline" 32 "$(wc -c <"$SECRET")"
check_eq "no temporary file left next to it" "portal.secret" \
    "$(ls -A "$T/etc")"
check_eq "portal binds with the secret file over ldap://" \
    "dn:$portal" \
    "$(ldapwhoami -x -H "$DW_URI" -D "$portal" -y "$SECRET" 2>&1)"

# The first Super Admin, stored lower-case, password hashed.
admin="uid=boss@dramwell.ai,ou=admins,$B"
a=$(root_search -b "$admin" -s base)
check_match "admin stored lower-case" "^dn: $admin\$" "$a"
check_match "admin uid lower-case" '^uid: boss@dramwell.ai$' "$a"
check_match "admin mail lower-case" '^mail: boss@dramwell.ai$' "$a"
check_match "admin is a dwAdminUser" '^objectClass: dwAdminUser$' "$a"
check_match "admin is an inetOrgPerson" '^objectClass: inetOrgPerson$' "$a"
check_match "admin role super-admin" '^dwRole: super-admin$' "$a"
check_match "admin status active" '^dwAccountStatus: active$' "$a"
check_match "admin cn defaults to the local part" '^cn: boss$' "$a"
check_match "admin password stored as {ARGON2}\$argon2id" \
    '^\{ARGON2\}\$argon2id\$' \
    "$(printf '%s\n' "$a" | sed -n 's/^userPassword:: //p' | base64 -d)"
umask 077
printf '%s' "$PW" >"$T/admin.pw"
check_eq "the admin binds with the chosen password" "dn:$admin" \
    "$(ldapwhoami -x -H "$DW_URI" -D "$admin" -y "$T/admin.pw" 2>&1)"
check_fail "the password is not in slapd's log" \
    grep -qF "$PW" "$T/srv/slapd.log"

# --- a second init fails and changes nothing
# Every entry outside ou=audit (the overlay appends there on each bind),
# with its timestamps, one record per paragraph.
snapshot() {
	root_search -o ldif_wrap=no -b "$B" '(objectClass=*)' '*' \
	    createTimestamp modifyTimestamp entryCSN |
	    awk -v RS= -v ORS='\n\n' '{
		split($0, l, "\n")
		if (tolower(l[1]) ~ /^dn: (.*,)?ou=audit,/)
			next
		print
	    }' | sort
}
snapshot >"$T/before.ldif"
cp "$SECRET" "$T/secret.before"
printf '%s\n' 'An0ther-Str0ng-Pass' | "$DWADM" -H "$DW_LDAPI_URI" \
    -Y EXTERNAL init --admin other@dramwell.ai --service-secret "$SECRET" \
    --password-stdin >"$T/again.out" 2>"$T/again.err"
check_eq "second init: exit 1" 1 "$?"
check "second init: one error line" one_line "$T/again.err"
check_match "second init: already initialised" 'already initialised' \
    "$(cat "$T/again.err")"
snapshot >"$T/after.ldif"
check "second init: the tree is unchanged" cmp -s "$T/before.ldif" \
    "$T/after.ldif"
check "second init: the secret file is unchanged" cmp -s "$SECRET" \
    "$T/secret.before"
check_fail "second init: no other admin" \
    root_search -b "uid=other@dramwell.ai,ou=admins,$B" -s base dn
check_eq "second init: no stray temporary file" \
    "portal.secret" "$(ls -A "$T/etc")"

dw_done
