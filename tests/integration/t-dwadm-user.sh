#!/bin/sh
# dwadm user list / user show, acting as the bootstrapped Super Admin
# (--as, password on stdin or a terminal prompt) over ldap://: tables,
# valid JSON, escaped DNs, no secrets; clear one-line errors for a wrong
# password, an unknown admin and an unreachable server; -H failover, the
# config file and LDAPURI.
. "$DW_TEST_LIB"

dw_start
B=$DW_BASE
PW='Corr3ct-Horse-Battery'
BAD='Wr0ng-Horse-Battery'

# one_line FILE: exactly one line, starting "dwadm: ".
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^dwadm: ' "$1"
}

# as_boss ARGS...: dwadm as the Super Admin over ldap://, password on
# stdin (printf is a builtin: the password is on no command line).
as_boss() {
	printf '%s\n' "$PW" | "$DWADM" -H "$DW_URI" --as Boss@DramWell.ai \
	    --password-stdin "$@"
}

printf '%s\n' "$PW" | "$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL init \
    --admin boss@dramwell.ai --name 'Boss Person' \
    --service-secret "$T/portal.secret" --password-stdin >/dev/null ||
    { say "Bail out! init failed"; exit 1; }

# More admins, with names that need escaping (quotes, a backslash,
# non-ASCII, an ESC sequence) and an address with '+' (escaped in a DN).
zoe=$(printf 'Zo\303\253 "Q" \\ T\303\253ster' | base64 -w0)
evil=$(printf 'Evil\033[31mName' | base64 -w0)
root_add >/dev/null <<EOF || { say "Bail out! seeding failed"; exit 1; }
dn: uid=zoe@dramwell.ai,ou=admins,$B
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: zoe@dramwell.ai
mail: zoe@dramwell.ai
cn:: $zoe
sn: Tester
dwRole: support
dwAccountStatus: invited

dn: uid=a\+b@dramwell.ai,ou=admins,$B
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: a+b@dramwell.ai
mail: a+b@dramwell.ai
cn: Alpha Plus
sn: Plus
dwRole: developer
dwAccountStatus: deactivated

dn: uid=evil@dramwell.ai,ou=admins,$B
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: evil@dramwell.ai
mail: evil@dramwell.ai
cn:: $evil
sn: Name
dwRole: finance
dwAccountStatus: active
EOF

# --- user list, table
as_boss user list >"$T/list.out" 2>"$T/list.err"
check_eq "user list: exit 0" 0 "$?"
check_eq "user list: nothing on stderr" "" "$(cat "$T/list.err")"
check_match "user list: header" \
    '^EMAIL +NAME +ROLE +STATUS +PASSWORD CHANGED$' "$(head -n1 "$T/list.out")"
check_eq "user list: sorted by e-mail" \
    "a+b@dramwell.ai boss@dramwell.ai evil@dramwell.ai zoe@dramwell.ai" \
    "$(sed 1d "$T/list.out" | awk '{ print $1 }' | paste -sd' ')"
check_match "user list: the Super Admin's row" \
    '^boss@dramwell\.ai +Boss Person +super-admin +active ' \
    "$(grep '^boss@' "$T/list.out")"
check_match "user list: a UTF-8 name" 'Zoë "Q" \\ Tëster +support +invited' \
    "$(grep '^zoe@' "$T/list.out")"
check_eq "user list: no escape byte reaches the terminal" 0 \
    "$(tr -cd '\033' <"$T/list.out" | wc -c)"
check_fail "user list: no secret in the output" \
    grep -qiE 'argon2|userPassword' "$T/list.out"

# --- user list --json
cat >"$T/list.py" <<'EOF'
import json, sys
rows = json.load(sys.stdin)
print(" ".join(r["email"] for r in rows))
by = {r["email"]: r for r in rows}
print(by["zoe@dramwell.ai"]["name"] == 'Zo\u00eb "Q" \\ T\u00ebster',
      by["evil@dramwell.ai"]["name"] == "Evil\x1b[31mName",
      by["boss@dramwell.ai"]["role"], by["boss@dramwell.ai"]["status"],
      by["a+b@dramwell.ai"]["status"],
      sorted(by["boss@dramwell.ai"].keys()) ==
      ["email", "name", "password_changed", "role", "status"])
EOF
as_boss user list --json >"$T/list.json" 2>&1
check_eq "user list --json: exit 0" 0 "$?"
check "user list --json: valid JSON" \
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/list.json"
check_eq "user list --json: content" \
    "a+b@dramwell.ai boss@dramwell.ai evil@dramwell.ai zoe@dramwell.ai
True True super-admin active deactivated True" \
    "$(python3 "$T/list.py" <"$T/list.json" 2>&1)"
printf '%s\n' "$PW" | "$DWADM" -H "$DW_URI" --as boss@dramwell.ai \
    --password-stdin --json user list >"$T/list2.json" 2>&1
check "global --json: valid JSON" \
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/list2.json"

# --- user show
as_boss user show BOSS@dramwell.ai >"$T/show.out" 2>&1
check_eq "user show: exit 0" 0 "$?"
check_match "user show: dn" "^dn +: uid=boss@dramwell.ai,ou=admins,$B\$" \
    "$(cat "$T/show.out")"
check_match "user show: name" '^name +: Boss Person$' "$(cat "$T/show.out")"
check_match "user show: surname" '^surname +: Person$' "$(cat "$T/show.out")"
check_match "user show: role" '^role +: super-admin$' "$(cat "$T/show.out")"
check_match "user show: status" '^status +: active$' "$(cat "$T/show.out")"
check_fail "user show: no secret in the output" \
    grep -qiE 'argon2|userPassword|secret' "$T/show.out"
as_boss user show 'a+b@dramwell.ai' >"$T/plus.out" 2>&1
check_eq "user show of an address with '+': exit 0" 0 "$?"
check_match "user show of an address with '+': its entry" \
    '^role +: developer$' "$(cat "$T/plus.out")"

as_boss user show boss@dramwell.ai --json >"$T/show.json" 2>&1
check "user show --json: valid JSON" \
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$T/show.json"
check_eq "user show --json: content" \
    "boss@dramwell.ai Boss Person Person super-admin active False" \
    "$(python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["email"], o["name"], o["surname"], o["role"], o["status"],
      o["mfa_enabled"])' <"$T/show.json" 2>&1)"
check_fail "user show --json: no secret attribute" \
    grep -qiE 'argon2|userPassword|secret|hash' "$T/show.json"
# dwadm asks for named attributes only, never userPassword or "*".
check_fail "user show requests no password or all attributes" \
    grep -Ei 'SRCH attr=(.* )?(\*|userPassword|dwMfaSecret|dwInviteTokenHash|dwRecoveryCodeHash)( |$)' \
    "$T/srv/slapd.log"

as_boss user show nobody@dramwell.ai >"$T/nobody.out" 2>"$T/nobody.err"
check_eq "unknown admin: exit 1" 1 "$?"
check "unknown admin: one error line" one_line "$T/nobody.err"
check_match "unknown admin: says so" 'no such admin: nobody@dramwell.ai' \
    "$(cat "$T/nobody.err")"
as_boss user show 'x)(uid=*' >/dev/null 2>"$T/inval.err"
check_eq "invalid address: usage error, exit 2" 2 "$?"
check "invalid address: one error line" one_line "$T/inval.err"

# --- wrong password: one line, non-zero, nothing on stdout, no password
printf '%s\n' "$BAD" | "$DWADM" -H "$DW_URI" --as boss@dramwell.ai \
    --password-stdin user list >"$T/bad.out" 2>"$T/bad.err"
check_eq "wrong password: exit 1" 1 "$?"
check "wrong password: one error line" one_line "$T/bad.err"
check_match "wrong password: invalid credentials" \
    '^dwadm: cannot bind as boss@dramwell.ai: invalid credentials' \
    "$(cat "$T/bad.err")"
check_eq "wrong password: nothing on stdout" "" "$(cat "$T/bad.out")"
check_fail "wrong password: the password is not echoed" \
    grep -qF "$BAD" "$T/bad.err"
"$DWADM" -H "$DW_URI" --as boss@dramwell.ai --password-stdin user list \
    </dev/null >/dev/null 2>"$T/nopw.err"
check_eq "no password on stdin: exit 1" 1 "$?"
check "no password on stdin: one error line" one_line "$T/nopw.err"

# --- a terminal prompt, echo off
cat >"$T/ptydrive.py" <<'EOF'
import os, pty, select, sys, time
pw = sys.stdin.readline().rstrip("\n").encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, sent, deadline = b"", False, time.time() + 20
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
    if not sent and b"Password for boss@dramwell.ai: " in out:
        os.write(fd, pw + b"\n")
        sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("EXIT", os.waitstatus_to_exitcode(st))
EOF
printf '%s\n' "$PW" | python3 "$T/ptydrive.py" "$DWADM" -H "$DW_URI" \
    --as boss@dramwell.ai user list >"$T/pty.out" 2>&1
check_match "prompt on the terminal: succeeds" '^EXIT 0' "$(tail -n1 "$T/pty.out")"
check_match "prompt on the terminal: lists" '^boss@dramwell\.ai ' \
    "$(tr -d '\r' <"$T/pty.out")"
check_fail "prompt on the terminal: the password is not echoed" \
    grep -qF "$PW" "$T/pty.out"
# setsid: a new session has no controlling terminal, so no /dev/tty.
setsid -w "$DWADM" -H "$DW_URI" --as boss@dramwell.ai user list \
    </dev/null >/dev/null 2>"$T/notty.err"
check_eq "no terminal and no --password-stdin: exit 1" 1 "$?"
check_match "no terminal: says to use --password-stdin" \
    'use --password-stdin' "$(cat "$T/notty.err")"

# --- unreachable server, failover, config file, LDAPURI
DEAD=$(dw_pick_port)
printf '%s\n' "$PW" | "$DWADM" -H "ldap://127.0.0.1:$DEAD" \
    --as boss@dramwell.ai --password-stdin user list >"$T/dead.out" \
    2>"$T/dead.err"
check_eq "unreachable: exit 1" 1 "$?"
check "unreachable: one error line" one_line "$T/dead.err"
check_match "unreachable: says so and names the URI" \
    "server unreachable at every URI \\(ldap://127.0.0.1:$DEAD\\)" \
    "$(cat "$T/dead.err")"

printf '%s\n' "$PW" | "$DWADM" -H "ldap://127.0.0.1:$DEAD" -H "$DW_URI" \
    --as boss@dramwell.ai --password-stdin user list >"$T/fo.out" 2>&1
check_eq "failover: first URI dead, second live: exit 0" 0 "$?"
check_match "failover: lists" '^boss@dramwell\.ai ' "$(cat "$T/fo.out")"

printf 'uri ldap://127.0.0.1:%s %s\nbase %s\ntimeout 5\n' "$DEAD" \
    "$DW_URI" "$B" >"$T/dwadm.conf"
printf '%s\n' "$PW" | "$DWADM" -c "$T/dwadm.conf" --as boss@dramwell.ai \
    --password-stdin user list >"$T/conf.out" 2>&1
check_eq "config file URI list with failover: exit 0" 0 "$?"
printf 'uri ldap://127.0.0.1:%s\n' "$DEAD" >"$T/dead.conf"
printf '%s\n' "$PW" | "$DWADM" -c "$T/dead.conf" -H "$DW_URI" \
    --as boss@dramwell.ai --password-stdin user list >/dev/null 2>&1
check_eq "-H overrides the config file's uri" 0 "$?"
"$DWADM" -c "$T/missing.conf" -Y EXTERNAL user list >/dev/null \
    2>"$T/missing.err"
check_eq "a missing -c file: exit 1" 1 "$?"
check "a missing -c file: one error line" one_line "$T/missing.err"
printf 'bogus value\n' >"$T/bogus.conf"
"$DWADM" -c "$T/bogus.conf" -Y EXTERNAL user list >/dev/null \
    2>"$T/bogus.err"
check_eq "an unknown config key: exit 1" 1 "$?"
check "an unknown config key: one error line" one_line "$T/bogus.err"
: >"$T/empty.conf"
printf '%s\n' "$PW" | LDAPURI="$DW_URI" "$DWADM" -c "$T/empty.conf" \
    --as boss@dramwell.ai --password-stdin user list >"$T/env.out" 2>&1
check_eq "LDAPURI when neither -H nor the config names a URI" 0 "$?"

# --- root over ldapi, and no identity at all
"$DWADM" -H "$DW_LDAPI_URI" -Y EXTERNAL user list >"$T/root.out" 2>&1
check_eq "root with -Y EXTERNAL over ldapi: exit 0" 0 "$?"
check_eq "root sees the four admins" 5 "$(wc -l <"$T/root.out")"
"$DWADM" -H "$DW_URI" user list >/dev/null 2>"$T/noid.err"
check_eq "no identity: usage error, exit 2" 2 "$?"
check "no identity: one error line" one_line "$T/noid.err"
"$DWADM" -H "$DW_URI" --as 'not an address' user list >/dev/null \
    2>"$T/badas.err"
check_eq "invalid --as: usage error, exit 2" 2 "$?"

dw_done
