#!/bin/sh
# The dramwell overlay audits every write under the admin, role and policy
# bases, and keeps the audit subtree append-only for every client, the
# rootdn included.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start
check "seed the tree" ov_seed

ANN=$(ov_dn ann)
AUDIT="ou=audit,$DW_BASE"
n() { audit_count "$1"; }
as_ann() { "$@" -H "$DW_URI" -x -D "$ANN" -y "$T/ann.pw"; }

check_eq "seed: the audit base was created on demand" "$AUDIT" \
    "$(root_search -b "$AUDIT" -s base dn | sed -n 's/^dn: //p')"
# (role entries are audited as role-create, the invited ivy as invite;
# the whole policy subtree is audited: ou=policy and cn=security)
check_eq "seed: each add under admins/roles/policy audited (root, ldapi)" 11 \
    "$(n "(&(|(dwAuditAction=add)(dwAuditAction=role-create)(dwAuditAction=invite))(dwAuditCategory=configuration)(dwAuditActor=$DW_ROOTDN)(dwAuditResult=0)(dwAuditClient=ldapi))")"
check_eq "seed: adds elsewhere (suffix, services, sessions) not audited" 0 \
    "$(n "(|(dwAuditTarget=$DW_BASE)(dwAuditTarget=ou=services,$DW_BASE)(dwAuditTarget=ou=sessions,$DW_BASE))")"
check_eq "seed: the add records attribute names only" 1 \
    "$(n "(&(dwAuditTarget=$ANN)(dwAuditDetail=attributes: objectClass, uid, mail, cn, sn, dwRole, dwAccountStatus, userPassword))")"

# --- writes by an admin over TCP --------------------------------------
cat >"$T/role.ldif" <<EOF
dn: cn=finance,ou=roles,$DW_BASE
objectClass: dwRole
cn: finance
dwPermission: finance-dashboard:write
EOF
check "ann adds a role" as_ann ldapadd -f "$T/role.ldif"
check_eq "audit: role add (actor, target, result, client)" 1 \
    "$(n "(&(dwAuditAction=role-create)(dwAuditCategory=configuration)(dwAuditActor=$ANN)(dwAuditTarget=cn=finance,ou=roles,$DW_BASE)(dwAuditResult=0)(dwAuditClient=127.0.0.1))")"

printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\nreplace: dwPasswordMinLength\ndwPasswordMinLength: 14\n' \
    "$DW_BASE" >"$T/pol.ldif"
check "ann modifies the policy" as_ann ldapmodify -f "$T/pol.ldif"
check_eq "audit: policy modify names the attribute" 1 \
    "$(n "(&(dwAuditAction=policy-modify)(dwAuditActor=$ANN)(dwAuditTarget=cn=security,ou=policy,$DW_BASE)(dwAuditResult=0)(dwAuditDetail=attributes: dwPasswordMinLength))")"

check "ann renames the role" as_ann ldapmodrdn -r \
    "cn=finance,ou=roles,$DW_BASE" cn=billing
check_eq "audit: modrdn with its new RDN" 1 \
    "$(n "(&(dwAuditAction=modrdn)(dwAuditCategory=configuration)(dwAuditActor=$ANN)(dwAuditTarget=cn=finance,ou=roles,$DW_BASE)(dwAuditResult=0)(dwAuditDetail=new rdn: cn=billing))")"

check "ann deletes the role" as_ann ldapdelete "cn=billing,ou=roles,$DW_BASE"
check_eq "audit: delete is destructive" 1 \
    "$(n "(&(dwAuditAction=role-delete)(dwAuditCategory=destructive)(dwAuditActor=$ANN)(dwAuditTarget=cn=billing,ou=roles,$DW_BASE)(dwAuditResult=0))")"

check_fail "ann deletes a role that does not exist" as_ann ldapdelete \
    "cn=ghost,ou=roles,$DW_BASE"
check_eq "audit: the failed delete, with its result code (32)" 1 \
    "$(n "(&(dwAuditAction=role-delete)(dwAuditTarget=cn=ghost,ou=roles,$DW_BASE)(dwAuditResult=32))")"

printf 'dn: ou=sessions,%s\nchangetype: modify\nreplace: description\ndescription: x\n' \
    "$DW_BASE" >"$T/sess.ldif"
check "root modifies ou=sessions" root_modify -f "$T/sess.ldif"
check_eq "audit: writes outside admins/roles/policy are not audited" 0 \
    "$(n "(dwAuditTarget=ou=sessions,$DW_BASE)")"

# --- the audit subtree is append-only ---------------------------------
ID=$(root_search -b "$AUDIT" -s one "(dwAuditTarget=$ANN)" dn |
    sed -n 's/^dn: //p' | head -n 1)
check_match "an audit entry to attack" '^dwAuditId=' "$ID"
root_search -b "$ID" -s base -o ldif-wrap=no '*' + >"$T/before.ldif"
total_before=$(n '(objectClass=dwAuditEvent)')

printf 'dn: %s\nchangetype: modify\nreplace: dwAuditResult\ndwAuditResult: 49\n' \
    "$ID" >"$T/amod.ldif"
root_modify -f "$T/amod.ldif" >"$T/amod.out" 2>&1
check_match "rootdn cannot modify an audit entry" \
    'unwilling to perform \(53\)' "$(cat "$T/amod.out")"
check_match "the refusal says why" 'append-only' "$(cat "$T/amod.out")"
root_modify -f "$T/amod.ldif" -e relax >/dev/null 2>&1
check_fail "not even with the relax control" test $? -eq 0
root_delete "$ID" >"$T/adel.out" 2>&1
check_match "rootdn cannot delete an audit entry" \
    'unwilling to perform \(53\)' "$(cat "$T/adel.out")"
check_fail "rootdn cannot delete the audit subtree (-r)" root_delete -r "$AUDIT"
ldapmodrdn -H "$DW_LDAPI_URI" -Y EXTERNAL -Q "$ID" dwAuditId=forged \
    >"$T/amodrdn.out" 2>&1
check_match "rootdn cannot rename an audit entry" \
    'unwilling to perform \(53\)' "$(cat "$T/amodrdn.out")"
cat >"$T/aadd.ldif" <<EOF
dn: dwAuditId=19990101000000000000-000-0000000001,$AUDIT
objectClass: dwAuditEvent
dwAuditId: 19990101000000000000-000-0000000001
dwAuditTime: 19990101000000.000000Z
dwAuditAction: bind
EOF
root_add -f "$T/aadd.ldif" >"$T/aadd.out" 2>&1
check_match "rootdn cannot add an audit entry of its own making (time, id)" \
    'Constraint violation \(19\)' "$(cat "$T/aadd.out")"
check_fail "an admin cannot delete an audit entry" as_ann ldapdelete "$ID"
printf 'dn: %s\nobjectClass: organizationalUnit\nou: audit\n' "$AUDIT" >"$T/abase.ldif"
root_add -f "$T/abase.ldif" >"$T/abase.out" 2>&1
check_match "rootdn cannot add the audit base (the overlay made it)" \
    'unwilling to perform \(53\)' "$(cat "$T/abase.out")"

root_search -b "$ID" -s base -o ldif-wrap=no '*' + >"$T/after.ldif"
check "the attacked entry is unchanged" cmp "$T/before.ldif" "$T/after.ldif"
total_after=$(n '(objectClass=dwAuditEvent)')
check "no audit entry went away (only appended)" \
    test "$total_after" -gt "$total_before"
check_eq "no forged entry" "" "$(root_search -b "$AUDIT" \
    '(|(dwAuditId=forged)(dwAuditId=19990101000000000000-000-0000000001))' dn)"

# Every refusal is itself on the record.
check_eq "audit: refused modify (root, ldapi, 53)" 2 \
    "$(n "(&(dwAuditAction=modify)(dwAuditActor=$DW_ROOTDN)(dwAuditTarget=$ID)(dwAuditResult=53)(dwAuditClient=ldapi)(dwAuditDetail=refused: audit log is append-only))")"
check_eq "audit: root's refused delete of the entry" 1 \
    "$(n "(&(dwAuditAction=delete)(dwAuditCategory=destructive)(dwAuditActor=$DW_ROOTDN)(dwAuditTarget=$ID)(dwAuditResult=53)(dwAuditDetail=refused: audit log is append-only))")"
check_eq "audit: no delete under the audit base ever succeeded" 0 \
    "$(n "(&(dwAuditAction=delete)(dwAuditTarget=*,$AUDIT)(!(dwAuditResult=53)))")"
check_eq "audit: ann's refused delete, from TCP" 1 \
    "$(n "(&(dwAuditAction=delete)(dwAuditActor=$ANN)(dwAuditTarget=$ID)(dwAuditClient=127.0.0.1)(dwAuditResult=53))")"
check_eq "audit: refused modrdn" 1 \
    "$(n "(&(dwAuditAction=modrdn)(dwAuditTarget=$ID)(dwAuditResult=53))")"
check_eq "audit: refused add" 1 \
    "$(n "(&(dwAuditAction=add)(dwAuditTarget=dwAuditId=19990101000000000000-000-0000000001,$AUDIT)(dwAuditResult=19))")"

dw_done
