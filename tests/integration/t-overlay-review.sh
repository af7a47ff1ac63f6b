#!/bin/sh
# Regressions from the hostile review of the overlay's write rules:
# 1. dwRole values are exact lower-case role names: a case variant is a
#    role change (self rule, role must exist, last Super Admin, set-role
#    audit), and is refused as no role;
# 2. the whole policy subtree needs security:write, holds only
#    cn=security, and is audited;
# 3. admin entries are uid=<e-mail> directly below the admin base, with
#    that one uid (and mail) value; uid and mail cannot be modified;
# 4. dwAccountStatus values are exact, the rootdn's too; the last-Super-
#    Admin count reads the candidates instead of trusting the filter;
# 5. the only status changes are active <-> deactivated; nobody changes
#    their own status;
# 6. policy values are validated on every write.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start
check "seed the tree" ov_seed
B=$DW_BASE
ANN=$(ov_dn ann)
POL="cn=security,ou=policy,$B"

ov_pwfile sue 'Mint-Secret-0011'
ov_pwfile bob 'Sage-Secret-0013'
{
	ov_admin_ldif sue active support "$(cat "$T/sue.pw")"
	ov_admin_ldif bob active super-admin "$(cat "$T/bob.pw")"
} >"$T/more.ldif"
check "seed: sue (support), bob (super-admin)" root_add -f "$T/more.ldif"

as() {
	u=$1
	shift
	"$@" -H "$DW_URI" -x -D "$(ov_dn "$u")" -y "$T/$u.pw"
}
attr() { root_search -b "$1" -s base "$2" | sed -n "s/^$2: //p"; }
n() { audit_count "$1"; }
mod() { printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
    "$1" "$2" "$2" "$3"; }
code() { "$@" >"$T/o" 2>&1; echo $?; }

# --- 1. role names are exact -------------------------------------------
check_eq "1: own role SUPER-ADMIN (case variant): refused (19)" 19 \
    "$(mod "$ANN" dwRole SUPER-ADMIN | code as ann ldapmodify)"
check_eq "1: ann keeps super-admin" super-admin "$(attr "$ANN" dwRole)"
check "1: ann can still write" sh -c \
    "printf 'dn: %s\nchangetype: modify\nreplace: cn\ncn: ann\n' '$(ov_dn sue)' |
     ldapmodify -H '$DW_URI' -x -D '$ANN' -y '$T/ann.pw'"
check_eq "1: another's role SUPER-ADMIN: refused (19)" 19 \
    "$(mod "$(ov_dn bob)" dwRole SUPER-ADMIN | code as ann ldapmodify)"
check_eq "1: rootdn SUPER-ADMIN: refused too (19)" 19 \
    "$(mod "$(ov_dn bob)" dwRole Super-Admin | code root_modify)"
check_eq "1: rootdn 'super-admin ' (space): refused (19)" 19 \
    "$(mod "$(ov_dn bob)" dwRole 'super-admin ' | code root_modify)"
check_eq "1: bob keeps super-admin" super-admin "$(attr "$(ov_dn bob)" dwRole)"
ov_pwfile cy 'Cy-Secret-000042'
ov_admin_ldif cy active SUPPORT "$(cat "$T/cy.pw")" >"$T/cy.ldif"
check_eq "1: rootdn add with dwRole SUPPORT: refused (19)" 19 \
    "$(code root_add -f "$T/cy.ldif")"
check_eq "1: the case-variant attempts audited as set-role" 4 \
    "$(n "(&(dwAuditAction=set-role)(!(dwAuditResult=0)))")"

# --- 4. exact account status; a robust last-Super-Admin count -----------
ov_admin_ldif dee 'active ' super-admin 'Fern-Secret-000044' >"$T/dee.ldif"
check_eq "4: rootdn adds status 'active ' (space): refused (19)" 19 \
    "$(code root_add -f "$T/dee.ldif")"
ov_admin_ldif dee Active super-admin 'Fern-Secret-000044' >"$T/dee.ldif"
check_eq "4: rootdn adds status 'Active': refused (19)" 19 \
    "$(code root_add -f "$T/dee.ldif")"
check_eq "4: rootdn sets status 'suspended': refused (19)" 19 \
    "$(mod "$(ov_dn sue)" dwAccountStatus suspended | code root_modify)"
check_eq "4: sue still active" active "$(attr "$(ov_dn sue)" dwAccountStatus)"
# A decoy, seeded offline, that the filter counts but binds refuse.
check "4: bob demoted (two super-admins)" sh -c \
    "printf 'dn: %s\nchangetype: modify\nreplace: dwRole\ndwRole: support\n' '$(ov_dn bob)' |
     ldapmodify -H '$DW_LDAPI_URI' -Y EXTERNAL -Q"
ov_admin_ldif dee active super-admin 'Fern-Secret-000044' >"$T/dee.ldif"
check "4: dee added active" root_add -f "$T/dee.ldif"
dw_stop
printf 'dn: %s\nchangetype: modify\nreplace: dwAccountStatus\ndwAccountStatus: active \n' \
    "$(ov_dn dee)" >"$T/decoy.ldif"
check "4: slapmodify (stopped) gives dee 'active ' (a decoy)" \
    slapmodify -g -q -f "$T/srv/slapd.conf" -b "$B" -l "$T/decoy.ldif"
dw_start
check_eq "4: the filter counts two active super-admins" 2 \
    "$(root_search -b "ou=admins,$B" -s one '(&(dwRole=super-admin)(dwAccountStatus=active))' dn | grep -c '^dn:')"
check_eq "4: rootdn cannot demote the real last super-admin (53)" 53 \
    "$(mod "$ANN" dwRole support | code root_modify)"
check_eq "4: ann is still super-admin" super-admin "$(attr "$ANN" dwRole)"
check "4: the decoy is removed" root_delete "$(ov_dn dee)"
check "4: bob promoted again" sh -c \
    "printf 'dn: %s\nchangetype: modify\nreplace: dwRole\ndwRole: super-admin\n' '$(ov_dn bob)' |
     ldapmodify -H '$DW_LDAPI_URI' -Y EXTERNAL -Q"

# --- 3. uid is the name -------------------------------------------------
imp() {	# NAME EXTRA-LINES...
	nm=$1; shift
	printf 'dn: %s\nobjectClass: inetOrgPerson\nobjectClass: dwAdminUser\n' "$(ov_dn "$nm")"
	printf 'cn: %s\nsn: %s\ndwRole: support\ndwAccountStatus: active\n' "$nm" "$nm"
	printf 'userPassword: Onyx-Secret-000099\n'
	for l in "$@"; do printf '%s\n' "$l"; done
}
imp imp 'uid: imp@dramwell.ai' 'uid: ann@dramwell.ai' >"$T/imp.ldif"
check_eq "3: rootdn add with a second uid: refused (19)" 19 \
    "$(code root_add -f "$T/imp.ldif")"
imp imp 'uid: ann@dramwell.ai' >"$T/imp.ldif"
check_eq "3: uid other than the RDN: refused (19)" 19 \
    "$(code root_add -f "$T/imp.ldif")"
imp imp 'uid: imp@dramwell.ai' 'mail: ann@dramwell.ai' >"$T/imp.ldif"
check_eq "3: mail other than the RDN: refused (19)" 19 \
    "$(code root_add -f "$T/imp.ldif")"
printf 'dn: uid=hidden@dramwell.ai,%s\nobjectClass: inetOrgPerson\nobjectClass: dwAdminUser\nuid: hidden@dramwell.ai\ncn: h\nsn: h\ndwRole: support\ndwAccountStatus: active\n' \
    "$ANN" >"$T/nest.ldif"
check_eq "3: nested entry below an admin: refused (19)" 19 \
    "$(code root_add -f "$T/nest.ldif")"
printf 'dn: cn=x,ou=admins,%s\nobjectClass: inetOrgPerson\ncn: x\nsn: x\nuid: x@dramwell.ai\n' \
    "$B" >"$T/cnx.ldif"
check_eq "3: an entry not named by uid: refused (19)" 19 \
    "$(code root_add -f "$T/cnx.ldif")"
printf 'dn: %s\nchangetype: modify\nadd: uid\nuid: ann@dramwell.ai\n' \
    "$(ov_dn sue)" >"$T/adduid.ldif"
check_eq "3: adding a uid to sue (super-admin): refused (19)" 19 \
    "$(code as ann ldapmodify -f "$T/adduid.ldif")"
check_eq "3: adding a uid to sue (rootdn): refused (19)" 19 \
    "$(code root_modify -f "$T/adduid.ldif")"
check_eq "3: replacing sue's mail: refused (19)" 19 \
    "$(mod "$(ov_dn sue)" mail boss@dramwell.ai | code root_modify)"
check_eq "3: sue has one uid" "sue@dramwell.ai" "$(attr "$(ov_dn sue)" uid)"
check_eq "3: renaming an admin: refused (53)" 53 \
    "$(code as ann ldapmodrdn -r "$(ov_dn sue)" uid=boss@dramwell.ai)"

# --- 5. status transitions ----------------------------------------------
check_eq "5: own status -> invited: refused (53)" 53 \
    "$(mod "$ANN" dwAccountStatus invited | code as ann ldapmodify)"
check_eq "5: another's status -> invited: refused (53)" 53 \
    "$(mod "$(ov_dn sue)" dwAccountStatus invited | code as ann ldapmodify)"
check_eq "5: rootdn -> invited: refused (53)" 53 \
    "$(mod "$(ov_dn sue)" dwAccountStatus invited | code root_modify)"
check_eq "5: invited -> active by a client: refused (53)" 53 \
    "$(mod "$(ov_dn ivy)" dwAccountStatus active | code as ann ldapmodify)"
check_eq "5: ivy still invited" invited "$(attr "$(ov_dn ivy)" dwAccountStatus)"
printf 'dn: %s\nchangetype: modify\ndelete: dwAccountStatus\n' "$ANN" |
    code as ann ldapmodify >/dev/null
check_eq "5: deleting one's own status: refused" active \
    "$(attr "$ANN" dwAccountStatus)"
check_eq "5: deleting another's status: refused (19)" 19 \
    "$(printf 'dn: %s\nchangetype: modify\ndelete: dwAccountStatus\n' "$(ov_dn sue)" | code as ann ldapmodify)"
ov_admin_ldif eve active support 'Iris-Secret-000055' >"$T/eve.ldif"
check_eq "5: a client adds an active admin: refused (53)" 53 \
    "$(code as ann ldapadd -f "$T/eve.ldif")"
check_eq "5: deactivate still works" 0 \
    "$(mod "$(ov_dn sue)" dwAccountStatus deactivated | code as ann ldapmodify)"
check_eq "5: reactivate still works" 0 \
    "$(mod "$(ov_dn sue)" dwAccountStatus active | code as ann ldapmodify)"

# --- 2. the policy subtree ----------------------------------------------
printf 'dn: cn=x,ou=policy,%s\nobjectClass: dwSecurityPolicy\ncn: x\n' "$B" \
    >"$T/px.ldif"
check_eq "2: support adds cn=x,ou=policy: refused (50)" 50 \
    "$(code as sue ldapadd -f "$T/px.ldif")"
check_eq "2: super-admin adds cn=x,ou=policy: refused (53)" 53 \
    "$(code as ann ldapadd -f "$T/px.ldif")"
check_eq "2: support modifies ou=policy: refused (50)" 50 \
    "$(mod "ou=policy,$B" description x | code as sue ldapmodify)"
check_eq "2: the policy-base refusal is audited" 1 \
    "$(n "(&(dwAuditTarget=ou=policy,$B)(dwAuditActor=$(ov_dn sue))(dwAuditResult=50))")"
check_eq "2: super-admin modifies ou=policy" 0 \
    "$(mod "ou=policy,$B" description x | code as ann ldapmodify)"
check_eq "2: ...audited" 1 \
    "$(n "(&(dwAuditTarget=ou=policy,$B)(dwAuditActor=$ANN)(dwAuditResult=0))")"

check_eq "2: super-admin deletes the policy entry: refused (53)" 53 \
    "$(code as ann ldapdelete "$POL")"
check "2: the policy entry is still there" sh -c \
    "ldapsearch -H '$DW_LDAPI_URI' -Y EXTERNAL -Q -LLL -b '$POL' -s base dn | grep -q '^dn:'"
check_eq "2: ...the refusal is audited" 1 \
    "$(n "(&(dwAuditTarget=$POL)(dwAuditActor=$ANN)(dwAuditResult=53))")"

# --- 6. policy values ---------------------------------------------------
# (dwMfaRequired is a Boolean: slapd's syntax check refuses anything else.)
pv() {	# ATTR VALUE: replace on cn=security as ann; exit code
	mod "$POL" "$1" "$2" | code as ann ldapmodify
}
for kv in dwPasswordMinLength:0 dwPasswordMinClasses:9 dwInviteLifetime:-5 \
    dwIpAllowlist:garbage dwAuditRetentionMonths:0 dwSessionIdleTimeout:5 \
    dwPasswordMaxAge:5; do
	check_eq "6: ${kv%%:*}: ${kv#*:} refused (19)" 19 \
	    "$(pv "${kv%%:*}" "${kv#*:}")"
	check_match "6: ${kv%%:*}: names the attribute" "${kv%%:*}" \
	    "$(cat "$T/o")"
done
check_eq "6: deleting dwInviteLifetime refused (19)" 19 \
    "$(printf 'dn: %s\nchangetype: modify\ndelete: dwInviteLifetime\n' "$POL" | code root_modify)"
check_eq "6: good values accepted" 0 "$(pv dwPasswordMinLength 14)"
check_eq "6: a CIDR accepted" 0 "$(pv dwIpAllowlist 10.0.0.0/8)"
# (10.0.0.0/8 holds at once: ann, on 127.0.0.1, can no longer log in.)
check_eq "6: deleting the allowlist accepted" 0 \
    "$(printf 'dn: %s\nchangetype: modify\ndelete: dwIpAllowlist\n' "$POL" | code root_modify)"

dw_done
