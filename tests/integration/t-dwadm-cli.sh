#!/bin/sh
# dwadm's command line: --help everywhere (exit 0, on stdout), usage
# errors (exit 2, one line), and "dwadm server" running the runner
# ($DW_SERVER) for start, status and stop.
. "$DW_TEST_LIB"

# one_line FILE: exactly one line, starting "dwadm: ".
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^dwadm: ' "$1"
}

# help_ok NAME WORD ARGS...: "dwadm ARGS" exits 0, prints a usage text
# naming WORD on stdout and nothing on stderr.
help_ok() {
	name=$1 word=$2
	shift 2
	"$DWADM" "$@" >"$T/help.out" 2>"$T/help.err"
	check_eq "$name: exit 0" 0 "$?"
	check_match "$name: usage on stdout" "^usage: dwadm.*$word" \
	    "$(head -n3 "$T/help.out" | tr -s '\n ' '  ')"
	check_eq "$name: nothing on stderr" "" "$(cat "$T/help.err")"
}

help_ok "dwadm --help" COMMAND --help
help_ok "dwadm -h" COMMAND -h
help_ok "dwadm help" COMMAND help
help_ok "dwadm init --help" init init --help
help_ok "dwadm init -h" init init -h
help_ok "dwadm user --help" user user --help
help_ok "dwadm user list --help" 'user list' user list --help
help_ok "dwadm user show --help" 'user show' user show --help
help_ok "dwadm security --help" security security --help
help_ok "dwadm security set --help" 'security set' security set --help
help_ok "dwadm mfa --help" 'mfa enroll' mfa --help
help_ok "dwadm mfa reset --help" 'mfa reset' mfa reset --help
help_ok "dwadm session --help" 'session list' session --help
help_ok "dwadm session kill --help" 'session kill' session kill --help
help_ok "dwadm server --help" server server --help
help_ok "dwadm server start --help" server server start --help
# Help needs no configuration and no server.
help_ok "help with an unreadable config" user -c /nonexistent user --help

"$DWADM" --help >"$T/help.out"
for m in 'init' 'user' 'server' 'security' 'mfa' 'session' '--as EMAIL' \
    '-Y EXTERNAL' '--mfa' 'password-stdin' '--json' '-H URI' '-b BASE' \
    '-c CONFIG'; do
	check "dwadm --help mentions $m" grep -qF -- "$m" "$T/help.out"
done

"$DWADM" --version >"$T/version.out" 2>&1
check_eq "--version: exit 0" 0 "$?"
check_match "--version: names dwadm" '^dwadm ' "$(cat "$T/version.out")"

# usage_err NAME ARGS...: exit 2 and one error line.
usage_err() {
	name=$1
	shift
	"$DWADM" "$@" </dev/null >"$T/usage.out" 2>"$T/usage.err"
	check_eq "$name: exit 2" 2 "$?"
	check "$name: one error line" one_line "$T/usage.err"
	check_eq "$name: nothing on stdout" "" "$(cat "$T/usage.out")"
}
usage_err "no command"
usage_err "unknown command" frobnicate
usage_err "unknown global option" --frobnicate user list
usage_err "-H without a value" -H
usage_err "-H with a non-LDAP URI" -H http://example.com user list
usage_err "-Y with another mechanism" -Y PLAIN user list
usage_err "-Y EXTERNAL together with --as" -Y EXTERNAL --as a@dramwell.ai \
    user list
usage_err "user without a subcommand" user
usage_err "user with an unknown subcommand" user frob
usage_err "user list with an argument" -Y EXTERNAL user list extra
usage_err "user show without an address" -Y EXTERNAL user show
usage_err "user list with an unknown option" user list --frob
usage_err "init with an unknown option" init --frob
usage_err "init without --admin" init --service-secret "$T/x"
usage_err "server without an action" server
usage_err "server with an unknown action" server frob
usage_err "-b with an invalid DN" -b 'not a dn' -Y EXTERNAL user list
usage_err "--mfa without --as" --mfa -Y EXTERNAL user list
usage_err "security without a subcommand" security
usage_err "security with an unknown subcommand" security frob
usage_err "security set without settings" -Y EXTERNAL security set
usage_err "security set with a bad value" -Y EXTERNAL security set \
    ip-allowlist=10.0.0.0/33
usage_err "security show --add-ip" -Y EXTERNAL security show --add-ip ::1
usage_err "mfa with an unknown subcommand" mfa frob
usage_err "mfa reset without an address" -Y EXTERNAL mfa reset
usage_err "mfa enroll --json" --as a@dramwell.ai mfa enroll --json
usage_err "session kill of neither id nor address" -Y EXTERNAL session \
    kill frob
usage_err "session list --frob" session list --frob

# --- dwadm server: runs $DW_SERVER with the remaining arguments
# (A port taken between the pick and slapd's bind is retried, as dw_start
# does.)
n=0
while :; do
	PORT=$(dw_pick_port)
	"$DWADM" server start --state "$T/srv" --port "$PORT" >"$T/start.out" 2>&1
	rc=$?
	n=$((n + 1))
	[ "$rc" -ne 0 ] && [ "$n" -lt 5 ] &&
	    grep -q 'Address already in use' "$T/start.out" || break
done
check_eq "dwadm server start: exit 0" 0 "$rc"
check_match "dwadm server start: the runner's output" 'slapd running' \
    "$(cat "$T/start.out")"
. "$T/srv/env"
check "dwadm server start: slapd answers on ldapi" \
    ldapwhoami -H "$DW_LDAPI_URI" -Y EXTERNAL -Q
"$DWADM" server status --state "$T/srv" >"$T/status.out" 2>&1
check_eq "dwadm server status (running): exit 0" 0 "$?"
check_match "dwadm server status: running" '^running \(pid [0-9]+\)' \
    "$(cat "$T/status.out")"
"$DWADM" server stop --state "$T/srv" >"$T/stop.out" 2>&1
check_eq "dwadm server stop: exit 0" 0 "$?"
check_fail "dwadm server stop: slapd is gone" \
    ldapwhoami -H "$DW_LDAPI_URI" -Y EXTERNAL -Q
"$DWADM" server status --state "$T/srv" >/dev/null 2>&1
check_eq "dwadm server status (stopped): the runner's exit 3" 3 "$?"
DW_SERVER=$T/no-such-runner "$DWADM" server status --state "$T/srv" \
    >/dev/null 2>"$T/norunner.err"
check_eq "missing runner: exit 1" 1 "$?"
check "missing runner: one error line" one_line "$T/norunner.err"

dw_done
