#!/bin/sh
# The overlay authorizes every write under the admin, role and policy
# bases, whatever the client (plain ldapmodify/ldapadd/ldapdelete here):
# admin-users:write for admin changes, the super-admin role for
# reactivation and roles, security:write for the policy; nobody demotes
# or deactivates themselves; the last active Super Admin stays, even
# against the rootdn and two concurrent demotions; a deactivation ends the
# user's sessions in the same operation.  Every refusal leaves the
# directory as it was and is audited with its reason.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start
check "seed the tree" ov_seed
B=$DW_BASE
ANN=$(ov_dn ann)

# More admins: sue (support), oli (operations), bob (super-admin, later).
ov_pwfile sue 'Mint-Secret-0011'
ov_pwfile oli 'Plum-Secret-0012'
ov_pwfile bob 'Sage-Secret-0013'
{
	cat <<EOF
dn: cn=operations,ou=roles,$B
objectClass: dwRole
cn: operations
dwBuiltin: TRUE
dwPermission: command-center:write
dwPermission: monitoring:write

EOF
	ov_admin_ldif sue active support "$(cat "$T/sue.pw")"
	ov_admin_ldif oli active operations "$(cat "$T/oli.pw")"
	for s in s1 s2; do
		printf 'dn: dwSessionId=%s,ou=sessions,%s\n' "$s" "$B"
		printf 'objectClass: dwSession\ndwSessionId: %s\n' "$s"
		printf 'dwSessionUser: %s\n\n' "$(ov_dn sue)"
	done
	printf 'dn: dwSessionId=o1,ou=sessions,%s\n' "$B"
	printf 'objectClass: dwSession\ndwSessionId: o1\n'
	printf 'dwSessionUser: %s\n\n' "$(ov_dn oli)"
} >"$T/more.ldif"
check "seed: roles, admins and sessions" root_add -f "$T/more.ldif"

# as USER TOOL ARGS...: an ldap tool bound as USER over TCP.
as() {
	u=$1
	shift
	"$@" -H "$DW_URI" -x -D "$(ov_dn "$u")" -y "$T/$u.pw"
}
attr() { root_search -b "$1" -s base "$2" | sed -n "s/^$2: //p"; }
# The directory minus the audit log, to show that a refusal changed
# nothing.
snap() {
	root_search -b "$B" -o ldif-wrap=no \
	    '(!(|(objectClass=dwAuditEvent)(ou=audit)))' '*' >"$T/$1.snap"
}
same() { snap after && cmp -s "$T/$1.snap" "$T/after.snap"; }
n() { audit_count "$1"; }
# nr FILTER PREFIX: audit entries matching FILTER with a detail that
# starts with PREFIX (dwAuditDetail has no substring rule).
nr() {
	root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no "$1" dwAuditDetail |
	    grep -cF "dwAuditDetail: $2" || true
}
mod() {
	# mod DN ATTR VALUE: an LDIF replace
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
	    "$1" "$2" "$2" "$3"
}
sessions_of() {
	root_search -b "ou=sessions,$B" "(dwSessionUser=$(ov_dn "$1"))" dn |
	    grep -c '^dn:' || true
}

# --- a Support user cannot change another user's role ------------------
snap before
mod "$ANN" dwRole support | as sue ldapmodify >"$T/o" 2>&1
check_eq "support: set-role of another user: exit 50" 50 "$?"
check_match "support: insufficientAccess, says which rule" \
    'Insufficient access \(50\).*changing a role needs admin-users:write' \
    "$(tr '\n' ' ' <"$T/o")"
check "support: nothing changed" same before
check_eq "support: refusal audited (action, actor, target, change, reason)" 1 \
    "$(n "(&(dwAuditAction=set-role)(dwAuditActor=$(ov_dn sue))(dwAuditTarget=$ANN)(dwAuditResult=50)(dwAuditDetail=role: super-admin -> support)(dwAuditDetail=refused: changing a role needs admin-users:write))")"
mod "$(ov_dn oli)" dwAccountStatus deactivated | as sue ldapmodify \
    >/dev/null 2>&1
check_eq "support: deactivate another user: exit 50" 50 "$?"
printf 'dn: %s\nchangetype: modify\nreplace: cn\ncn: x\n' "$(ov_dn oli)" |
    as sue ldapmodify >/dev/null 2>&1
check_eq "support: any other change to another admin: exit 50" 50 "$?"
as sue ldapdelete "$(ov_dn oli)" >/dev/null 2>&1
check_eq "support: delete another admin: exit 50" 50 "$?"
check "support: still nothing changed" same before

# --- a Super Admin changes roles ---------------------------------------
mod "$(ov_dn sue)" dwRole operations | as ann ldapmodify >/dev/null 2>&1
check_eq "super-admin: set-role works" 0 "$?"
check_eq "set-role: stored" operations "$(attr "$(ov_dn sue)" dwRole)"
check_eq "set-role: audited role: support -> operations" 1 \
    "$(n "(&(dwAuditAction=set-role)(dwAuditActor=$ANN)(dwAuditTarget=$(ov_dn sue))(dwAuditResult=0)(dwAuditDetail=role: support -> operations))")"
snap before
mod "$(ov_dn sue)" dwRole nosuch | as ann ldapmodify >"$T/o" 2>&1
check_eq "set-role to a role that does not exist: exit 19" 19 "$?"
check_match "set-role to a missing role: says why" \
    'dwRole must name an existing role' "$(cat "$T/o")"
mod "$(ov_dn sue)" dwRole 'not a role!' | root_modify >/dev/null 2>&1
check_eq "rootdn: a malformed role is refused too (19)" 19 "$?"
check "missing or malformed role: nothing changed" same before

# --- nobody demotes or deactivates themselves ---------------------------
mod "$ANN" dwRole support | as ann ldapmodify >"$T/o" 2>&1
check_eq "self-demote: exit 53" 53 "$?"
check_match "self-demote: says why" 'cannot change their own role' \
    "$(cat "$T/o")"
mod "$ANN" dwAccountStatus deactivated | as ann ldapmodify >"$T/o" 2>&1
check_eq "self-deactivate: exit 53" 53 "$?"
check_match "self-deactivate: says why" 'cannot deactivate themselves' \
    "$(cat "$T/o")"
check "self changes: nothing changed" same before
check_eq "self changes: audited" 2 \
    "$(nr "(&(dwAuditActor=$ANN)(dwAuditTarget=$ANN)(dwAuditResult=53))" \
    'refused: a user cannot')"
ov_pwfile ann2 'Gold-Secret-0001-new'
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: %s\n' \
    "$ANN" "$(cat "$T/ann2.pw")" | as sue ldapmodify >/dev/null 2>&1
check_eq "another admin's password: exit 50" 50 "$?"
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: %s\n' \
    "$(ov_dn sue)" 'Mint-Secret-0011-new' | as sue ldapmodify >/dev/null 2>&1
check_eq "one's own password needs no permission" 0 "$?"
ov_pwfile sue 'Mint-Secret-0011-new'

# --- the last active Super Admin ----------------------------------------
snap before
mod "$ANN" dwAccountStatus deactivated | root_modify >"$T/o" 2>&1
check_eq "last super-admin: rootdn cannot deactivate (53)" 53 "$?"
check_match "last super-admin: says why" 'last active super-admin' \
    "$(cat "$T/o")"
mod "$ANN" dwRole operations | root_modify >/dev/null 2>&1
check_eq "last super-admin: rootdn cannot demote (53)" 53 "$?"
root_delete "$ANN" >/dev/null 2>&1
check_eq "last super-admin: rootdn cannot delete (53)" 53 "$?"
ldapmodrdn -H "$DW_LDAPI_URI" -Y EXTERNAL -Q -r "$ANN" \
    uid=ann2@dramwell.ai >/dev/null 2>&1
check_eq "last super-admin: rootdn cannot rename (53)" 53 "$?"
check "last super-admin: nothing changed" same before
check_eq "last super-admin: the four refusals audited" 4 \
    "$(nr "(&(dwAuditActor=$DW_ROOTDN)(dwAuditTarget=$ANN)(dwAuditResult=53))" \
    'refused: the last active super-admin')"

# A second one: now one of the two may go.
ov_admin_ldif bob active super-admin "$(cat "$T/bob.pw")" >"$T/bob.ldif"
check "add a second super-admin" root_add -f "$T/bob.ldif"
mod "$(ov_dn bob)" dwRole support | as ann ldapmodify >/dev/null 2>&1
check_eq "two super-admins: one can be demoted" 0 "$?"
mod "$(ov_dn bob)" dwRole super-admin | as ann ldapmodify >/dev/null 2>&1
check_eq "and promoted again" 0 "$?"

# Two Super Admins demote each other at the same time: never zero left.
active_sa() {
	root_search -b "ou=admins,$B" -s one \
	    '(&(dwRole=super-admin)(dwAccountStatus=active))' dn |
	    grep -c '^dn:' || true
}
ok_rounds=0
for i in 1 2 3 4 5 6; do
	mod "$(ov_dn bob)" dwRole support >"$T/a.ldif"
	mod "$ANN" dwRole support >"$T/b.ldif"
	as ann ldapmodify -f "$T/a.ldif" >/dev/null 2>&1 &
	p1=$!
	as bob ldapmodify -f "$T/b.ldif" >/dev/null 2>&1 &
	p2=$!
	wait "$p1"
	r1=$?
	wait "$p2"
	r2=$?
	left=$(active_sa)
	# exactly one of the two succeeded, and one super-admin is left
	if [ "$left" -eq 1 ] && [ $((r1 == 0)) -ne $((r2 == 0)) ]; then
		ok_rounds=$((ok_rounds + 1))
	else
		say "# round $i: ann=$r1 bob=$r2 left=$left"
	fi
	for u in ann bob; do
		mod "$(ov_dn "$u")" dwRole super-admin | root_modify \
		    >/dev/null 2>&1
	done
done
check_eq "concurrent demotions: one wins, one super-admin always left" 6 \
    "$ok_rounds"
# Harder: each demotes and re-promotes the other 40 times over one
# connection, both at once.  Were the check not serialised with the
# write, both demotions of some pair would pass and leave no Super Admin
# at all (nobody could then promote anyone: the final count would be 0).
for r in 1 2 3; do
	: >"$T/a.ldif"
	: >"$T/b.ldif"
	i=0
	while [ $i -lt 40 ]; do
		{ mod "$(ov_dn bob)" dwRole support; echo
		  mod "$(ov_dn bob)" dwRole super-admin; echo; } >>"$T/a.ldif"
		{ mod "$ANN" dwRole support; echo
		  mod "$ANN" dwRole super-admin; echo; } >>"$T/b.ldif"
		i=$((i + 1))
	done
	as ann ldapmodify -c -f "$T/a.ldif" >/dev/null 2>&1 &
	p1=$!
	as bob ldapmodify -c -f "$T/b.ldif" >/dev/null 2>&1 &
	p2=$!
	wait "$p1" "$p2"
	check "demotion storm $r: a super-admin is left" \
	    test "$(active_sa)" -ge 1
	for u in ann bob; do
		mod "$(ov_dn "$u")" dwRole super-admin | root_modify \
		    >/dev/null 2>&1
	done
done

# --- a role change takes effect on the very next operation ---------------
mod "$(ov_dn oli)" dwRole support | as oli ldapmodify >/dev/null 2>&1
check_eq "operations: cannot change roles" 53 "$?" # self: a rule first
mod "$(ov_dn sue)" dwRole support | as oli ldapmodify >/dev/null 2>&1
check_eq "operations: cannot change another's role" 50 "$?"
mod "$(ov_dn oli)" dwRole super-admin | as ann ldapmodify >/dev/null 2>&1
check_eq "ann promotes oli" 0 "$?"
mod "$(ov_dn sue)" dwRole support | as oli ldapmodify >/dev/null 2>&1
check_eq "oli, promoted, changes a role at once" 0 "$?"
mod "$(ov_dn oli)" dwRole operations | as ann ldapmodify >/dev/null 2>&1
check_eq "ann demotes oli" 0 "$?"
mod "$(ov_dn sue)" dwRole operations | as oli ldapmodify >/dev/null 2>&1
check_eq "oli, demoted, is refused at once" 50 "$?"

# --- deactivation ends the sessions; reactivation does not restore them --
check_eq "sue has two sessions" 2 "$(sessions_of sue)"
check_eq "oli has one session" 1 "$(sessions_of oli)"
root_search -b "ou=audit,$B" "(dwAuditActor=$(ov_dn sue))" dn |
    sort >"$T/sue-audit.before"
mod "$(ov_dn sue)" dwAccountStatus deactivated | as ann ldapmodify \
    >/dev/null 2>&1
check_eq "super-admin deactivates sue" 0 "$?"
check_eq "deactivate: sue's sessions are gone" 0 "$(sessions_of sue)"
check_eq "deactivate: other users' sessions stay" 1 "$(sessions_of oli)"
check_eq "deactivate: audited with the sessions ended" 1 \
    "$(n "(&(dwAuditAction=deactivate)(dwAuditActor=$ANN)(dwAuditTarget=$(ov_dn sue))(dwAuditResult=0)(dwAuditDetail=status: active -> deactivated)(dwAuditDetail=sessions ended: 2))")"
check_fail "deactivate: sue's bind is refused" as sue ldapwhoami
root_search -b "ou=audit,$B" "(dwAuditActor=$(ov_dn sue))" dn |
    sort >"$T/sue-audit.after"
check_eq "deactivate: sue's audit entries are untouched" "" \
    "$(comm -23 "$T/sue-audit.before" "$T/sue-audit.after")"
check "deactivate: (there were some)" test -s "$T/sue-audit.before"
snap before
mod "$(ov_dn sue)" dwAccountStatus active | as oli ldapmodify >/dev/null 2>&1
check_eq "reactivate by operations: refused (50)" 50 "$?"
check "refused reactivation: nothing changed" same before
mod "$(ov_dn sue)" dwAccountStatus active | as ann ldapmodify >/dev/null 2>&1
check_eq "reactivate by a super-admin" 0 "$?"
check_eq "reactivate: audited" 1 \
    "$(n "(&(dwAuditAction=reactivate)(dwAuditActor=$ANN)(dwAuditTarget=$(ov_dn sue))(dwAuditResult=0)(dwAuditDetail=status: deactivated -> active))")"
check_eq "reactivate: the sessions do not come back" 0 "$(sessions_of sue)"
check "reactivate: sue binds again" as sue ldapwhoami

# Deleting an admin ends its sessions too.
printf 'dn: dwSessionId=b1,ou=sessions,%s\nobjectClass: dwSession\ndwSessionId: b1\ndwSessionUser: %s\n' \
    "$B" "$(ov_dn bob)" | root_add >/dev/null 2>&1
check_eq "bob has a session" 1 "$(sessions_of bob)"
as ann ldapdelete "$(ov_dn bob)" >/dev/null 2>&1
check_eq "super-admin deletes bob (another super-admin is left)" 0 "$?"
check_eq "delete: bob's session is gone" 0 "$(sessions_of bob)"
check_eq "delete: other sessions stay" 1 "$(sessions_of oli)"

# --- the policy: security:write ----------------------------------------
POL="cn=security,ou=policy,$B"
mod "$POL" dwMfaRequired FALSE | root_modify >/dev/null 2>&1
snap before
mod "$POL" dwMfaRequired TRUE | as sue ldapmodify >"$T/o" 2>&1
check_eq "support: policy write refused (50)" 50 "$?"
check_match "policy: says which permission" 'security:write' "$(cat "$T/o")"
check "policy refusal: nothing changed" same before
check_eq "policy refusal: audited" 1 \
    "$(nr "(&(dwAuditAction=policy-modify)(dwAuditActor=$(ov_dn sue))(dwAuditResult=50))" \
    'refused: changing the security policy needs security:write')"
mod "$POL" dwMfaRequired TRUE | as ann ldapmodify >/dev/null 2>&1
check_eq "super-admin: policy write" 0 "$?"
check_eq "policy-modify: audited old -> new" 1 \
    "$(n "(&(dwAuditAction=policy-modify)(dwAuditActor=$ANN)(dwAuditResult=0)(dwAuditDetail=dwMfaRequired: FALSE -> TRUE))")"
# MFA required holds for the next login: nobody here is enrolled.
mod "$POL" dwMfaRequired FALSE | root_modify >/dev/null 2>&1

# --- roles ----------------------------------------------------------------
role_ldif() {
	printf 'dn: cn=%s,ou=roles,%s\nobjectClass: dwRole\ncn: %s\n' \
	    "$1" "$B" "$1"
	shift
	for p in "$@"; do printf 'dwPermission: %s\n' "$p"; done
}
snap before
role_ldif billing plans:write | as sue ldapadd >"$T/o" 2>&1
check_eq "support: role create refused (50)" 50 "$?"
check_match "role create: says why" 'only the super-admin role' \
    "$(cat "$T/o")"
role_ldif hr payroll:read | as ann ldapadd >"$T/o" 2>&1
check_eq "unknown section refused (19)" 19 "$?"
check_match "unknown section: says why" 'unknown section' "$(cat "$T/o")"
role_ldif hr logs:read admin-users:read | as ann ldapadd >"$T/o" 2>&1
check_eq "a super-admin-only section refused (19)" 19 "$?"
{ role_ldif fake logs:read; printf 'dwBuiltin: TRUE\n'; } |
    as ann ldapadd >/dev/null 2>&1
check_eq "a client-made built-in role refused (53)" 53 "$?"
mod "cn=support,ou=roles,$B" dwPermission logs:write |
    as ann ldapmodify >"$T/o" 2>&1
check_eq "built-in role modify refused (53)" 53 "$?"
check_match "built-in: says why" 'built-in roles cannot be changed' \
    "$(cat "$T/o")"
mod "cn=support,ou=roles,$B" dwPermission logs:write | root_modify \
    >/dev/null 2>&1
check_eq "built-in role modify refused to the rootdn too (53)" 53 "$?"
as ann ldapdelete "cn=operations,ou=roles,$B" >/dev/null 2>&1
check_eq "built-in role delete refused (53)" 53 "$?"
as ann ldapmodrdn -r "cn=operations,ou=roles,$B" cn=ops >/dev/null 2>&1
check_eq "built-in role rename refused (53)" 53 "$?"
check "role refusals: nothing changed" same before
check_eq "role refusals audited with a reason" 7 \
    "$(nr "(&(!(dwAuditResult=0))(|(dwAuditActor=$ANN)(dwAuditActor=$(ov_dn sue)))(|(dwAuditTarget=cn=billing,ou=roles,$B)(dwAuditTarget=cn=hr,ou=roles,$B)(dwAuditTarget=cn=fake,ou=roles,$B)(dwAuditTarget=cn=support,ou=roles,$B)(dwAuditTarget=cn=operations,ou=roles,$B)))" \
    'refused: ')"

role_ldif billing plans:write | as ann ldapadd >/dev/null 2>&1
check_eq "super-admin: custom role created" 0 "$?"
check_eq "role-create: audited with its permissions" 1 \
    "$(n "(&(dwAuditAction=role-create)(dwAuditActor=$ANN)(dwAuditTarget=cn=billing,ou=roles,$B)(dwAuditResult=0)(dwAuditDetail=permissions: plans:write))")"
printf 'dn: cn=billing,ou=roles,%s\nchangetype: modify\nreplace: dwPermission\ndwPermission: plans:write\ndwPermission: promotions:read\n' \
    "$B" | as ann ldapmodify >/dev/null 2>&1
check_eq "super-admin: custom role modified" 0 "$?"
check_eq "role-modify: audited old -> new" 1 \
    "$(n "(&(dwAuditAction=role-modify)(dwAuditActor=$ANN)(dwAuditResult=0)(dwAuditDetail=dwPermission: plans:write -> plans:write, promotions:read))")"
mod "cn=billing,ou=roles,$B" dwPermission security:read |
    as ann ldapmodify >/dev/null 2>&1
check_eq "custom role modify to a super-admin-only section refused (19)" 19 \
    "$?"
mod "$(ov_dn sue)" dwRole billing | as ann ldapmodify >/dev/null 2>&1
check_eq "sue gets the custom role" 0 "$?"
snap before
as ann ldapdelete "cn=billing,ou=roles,$B" >"$T/o" 2>&1
check_eq "a role in use cannot be deleted (53)" 53 "$?"
check_match "role in use: says why" 'still assigned' "$(cat "$T/o")"
root_delete "cn=billing,ou=roles,$B" >/dev/null 2>&1
check_eq "not by the rootdn either (53)" 53 "$?"
as ann ldapmodrdn -r "cn=billing,ou=roles,$B" cn=money >/dev/null 2>&1
check_eq "a role in use cannot be renamed (53)" 53 "$?"
check "role in use: nothing changed" same before
mod "$(ov_dn sue)" dwRole support | as ann ldapmodify >/dev/null 2>&1
as ann ldapdelete "cn=billing,ou=roles,$B" >/dev/null 2>&1
check_eq "an unused custom role is deleted" 0 "$?"
check_eq "role-delete: audited" 1 \
    "$(n "(&(dwAuditAction=role-delete)(dwAuditActor=$ANN)(dwAuditTarget=cn=billing,ou=roles,$B)(dwAuditResult=0))")"

# --- inactive or role-less actors, anonymous ------------------------------
mod "$(ov_dn oli)" dwAccountStatus deactivated | as ann ldapmodify \
    >/dev/null 2>&1
mod "$(ov_dn sue)" cn x | ldapmodify -H "$DW_URI" -x >/dev/null 2>&1
check_fail "anonymous: refused" test "$?" -eq 0
check_eq "anonymous: sue unchanged" sue "$(attr "$(ov_dn sue)" cn)"
mod "$(ov_dn sue)" cn x | ldapmodify -H "$DW_URI" -x \
    -D "cn=portal,ou=services,$B" -y "$T/portal.pw" >/dev/null 2>&1
check_eq "the portal service account: refused (50)" 50 "$?"

# --- no secret in the audit log -------------------------------------------
root_search -b "ou=audit,$B" -o ldif-wrap=no >"$T/audit.txt"
for u in ann sue oli bob ann2; do
	check_fail "no password of $u in ou=audit" \
	    grep -qF "$(cat "$T/$u.pw")" "$T/audit.txt"
done

dw_done
