#!/bin/sh
# dwadm user unlock EMAIL: one modify that deletes the admin's whole
# dwLockout (a lock and a failure count alike), after which the admin
# binds again; an admin without the attribute is "not locked" (exit 0),
# an unknown one "no such admin" (exit 1), a bad address or option a
# usage error (exit 2).  As root (-Y EXTERNAL: the rootdn) and as a Super
# Admin (admin-users:write); not by a support admin, not on oneself.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/pam-lib.sh"
. "$DW_TOP_SRCDIR/tests/integration/dwadm-lib.sh"

dw_start
lc_setup
PW_IVY='Jm2@Ls9v-Te4!Wq8g'
IVY=ivy@dramwell.ai
mk_admin "$IVY" support "$PW_IVY"

# set_lockout VALUE: store dwLockout on ivy's entry as the rootdn.
set_lockout() {
	root_modify >"$T/lock.out" 2>&1 <<EOL || cat "$T/lock.out"
dn: uid=$IVY,ou=admins,$B
changetype: modify
replace: dwLockout
dwLockout: $1
EOL
}

# ivy_binds: ivy can bind (and read her own entry).
ivy_binds() {
	as "$IVY" "$PW_IVY" user show "$IVY" >/dev/null 2>&1
}

check "ivy binds before any lock" ivy_binds

# --- a lock in force is lifted
set_lockout "0 0 $(($(date +%s) + 3600)) 1"
check_fail "locked: ivy's bind is refused" ivy_binds
as_root user unlock Ivy@DramWell.AI >"$T/u.out" 2>"$T/u.err"
check_eq "unlock: exit 0" 0 "$?"
check_eq "unlock: nothing on stderr" "" "$(cat "$T/u.err")"
check_eq "unlock: says so" "unlocked $IVY" "$(cat "$T/u.out")"
check_eq "unlock: dwLockout is gone" "" "$(admin_attr "$IVY" dwLockout)"
check "unlocked: ivy binds again" ivy_binds

# --- nothing stored: not locked, nothing changed
as_root user unlock "$IVY" >"$T/u.out" 2>"$T/u.err"
check_eq "not locked: exit 0" 0 "$?"
check_match "not locked: says so" "^$IVY is not locked" "$(cat "$T/u.out")"

# --- a failure count without a lock is cleared too
set_lockout "3 $(date +%s) 0 1"
as_root user unlock "$IVY" >"$T/u.out" 2>&1
check_eq "failure count: exit 0" 0 "$?"
check_eq "failure count: cleared" "" "$(admin_attr "$IVY" dwLockout)"

# --- as a Super Admin; not as a support admin
PW_SUE='Qd5@Hr8k-Nx2!Pz7c'
SUE=sue@dramwell.ai
mk_admin "$SUE" support "$PW_SUE"
set_lockout "0 0 $(($(date +%s) + 3600)) 1"
as "$SUE" "$PW_SUE" user unlock "$IVY" >"$T/u.out" 2>"$T/u.err"
check_eq "sue (support) cannot unlock: exit 1" 1 "$?"
check_fail "  ivy is still locked" ivy_binds
as "$BOSS" "$PW_BOSS" user unlock "$IVY" >"$T/u.out" 2>"$T/u.err"
check_eq "the Super Admin unlocks ivy: exit 0" "0 unlocked $IVY" \
    "$? $(cat "$T/u.out")"
check "  ivy binds again" ivy_binds
check_eq "  on the record, with the Super Admin as actor" 1 \
    "$(audit_n "(&(dwAuditActor=uid=$BOSS,ou=admins,$B)(dwAuditTarget=uid=$IVY,ou=admins,$B)(dwAuditDetail=attributes: dwLockout)(dwAuditResult=0))")"
as "$BOSS" "$PW_BOSS" user unlock "$BOSS" >"$T/u.out" 2>"$T/u.err"
check_eq "nobody unlocks themself (their failure count stays): exit 1" 1 "$?"

# --- lockout-threshold=0 holds no lock, also one stored before
set_lockout "0 0 $(($(date +%s) + 3600)) 1"
check_fail "locked again" ivy_binds
check "lockout off" as_root security set lockout-threshold=0
check "threshold 0: ivy binds though a lock is stored" ivy_binds
check "lockout on again" as_root security set lockout-threshold=5

# --- errors
as_root user unlock nobody@dramwell.ai >"$T/u.out" 2>"$T/u.err"
check_eq "unknown admin: exit 1" 1 "$?"
check "unknown admin: one error line" one_line "$T/u.err"
check_match "unknown admin: says so" "no such admin: nobody@dramwell.ai" \
    "$(cat "$T/u.err")"
for args in "not-an-address" "" "$IVY $BOSS" "--json $IVY" "--bogus $IVY"; do
	# shellcheck disable=SC2086
	as_root user unlock $args >"$T/u.out" 2>"$T/u.err"
	check_eq "unlock '$args': usage error (exit 2)" 2 "$?"
	check "unlock '$args': one error line" one_line "$T/u.err"
done
as_root user unlock --help >"$T/u.out" 2>&1
check_eq "unlock --help: exit 0" 0 "$?"
check_match "unlock --help: usage" "^usage: dwadm .*user unlock EMAIL" \
    "$(head -n 1 "$T/u.out")"
as_root user --help >"$T/u.out" 2>&1
check "user --help lists unlock" grep -q "user unlock EMAIL" "$T/u.out"

dw_done
