# overlay-lib.sh: helpers for the overlay tests; source it after lib.sh
# and dw_start.
#
# ov_pwfile NAME PASSWORD  write $T/NAME.pw (mode 0600; a shell builtin
#                          writes it, so the password is on no argv)
# ov_seed                  the tree of DESIGN.md with a few admins, every
#                          password in cleartext (the overlay hashes them
#                          and checks them against the policy: no password
#                          contains its owner's e-mail name), and the
#                          policy values dwadm init writes (the issue 4
#                          keys absent: their defaults hold):
#   ann  active super-admin     (password in $T/ann.pw)
#   ivy  invited                ($T/ivy.pw)
#   dan  deactivated            ($T/dan.pw)
#   mia  under ou=admins, no dwAdminUser (no account status) ($T/mia.pw)
#   sam  deactivated here; ov_sam_malformed makes it "suspended"
#        (malformed) offline: no LDAP write may store that ($T/sam.pw)
#   cn=portal,ou=services       the service account          ($T/portal.pw)
# ov_dn NAME               uid=NAME@dramwell.ai,ou=admins,BASE
# ov_audit FILTER ATTR     the values of ATTR in the audit entries matching
#                          FILTER, one per line
# ov_whoami DN PWFILE [URI]  ldapwhoami over TCP (or URI); stdout+stderr

OVPROBE=${DW_TOP_BUILDDIR:?}/tests/integration/ovprobe

ov_pwfile() {
	(umask 077 && printf '%s' "$2" >"$T/$1.pw")
}

ov_dn() {
	printf 'uid=%s@dramwell.ai,ou=admins,%s' "$1" "$DW_BASE"
}

ov_admin_ldif() {
	# name status role password
	cat <<EOF
dn: $(ov_dn "$1")
objectClass: inetOrgPerson
objectClass: dwAdminUser
uid: $1@dramwell.ai
mail: $1@dramwell.ai
cn: $1
sn: $1
dwRole: $3
dwAccountStatus: $2
userPassword: $4

EOF
}

ov_seed() {
	ov_pwfile ann 'Gold-Secret-0001'
	ov_pwfile ivy 'Teal-Secret-0002'
	ov_pwfile dan 'Rust-Secret-0003'
	ov_pwfile mia 'Jade-Secret-0004'
	ov_pwfile sam 'Opal-Secret-0005'
	ov_pwfile portal 'Portal-Secret-0006'
	{
		cat <<EOF
dn: $DW_BASE
objectClass: dcObject
objectClass: organization
dc: dramwell
o: DramWell

dn: ou=admins,$DW_BASE
objectClass: organizationalUnit
ou: admins

dn: ou=roles,$DW_BASE
objectClass: organizationalUnit
ou: roles

dn: cn=super-admin,ou=roles,$DW_BASE
objectClass: dwRole
cn: super-admin
dwBuiltin: TRUE
dwPermission: admin-users:write
dwPermission: security:write
dwPermission: audit-log:write

dn: cn=support,ou=roles,$DW_BASE
objectClass: dwRole
cn: support
dwBuiltin: TRUE
dwPermission: customers:read
dwPermission: customer-users:read
dwPermission: logs:read

dn: ou=policy,$DW_BASE
objectClass: organizationalUnit
ou: policy

dn: cn=security,ou=policy,$DW_BASE
objectClass: dwSecurityPolicy
cn: security
dwMfaRequired: FALSE
dwSessionIdleTimeout: 3600
dwPasswordMinLength: 12
dwPasswordMinClasses: 3
dwPasswordMaxAge: 0
dwInviteLifetime: 86400
dwAuditRetentionMonths: 12

dn: ou=services,$DW_BASE
objectClass: organizationalUnit
ou: services

dn: cn=portal,ou=services,$DW_BASE
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: portal
userPassword: $(cat "$T/portal.pw")

dn: ou=sessions,$DW_BASE
objectClass: organizationalUnit
ou: sessions

EOF
		ov_admin_ldif ann active super-admin "$(cat "$T/ann.pw")"
		ov_admin_ldif ivy invited support "$(cat "$T/ivy.pw")"
		ov_admin_ldif dan deactivated support "$(cat "$T/dan.pw")"
		ov_admin_ldif sam deactivated support "$(cat "$T/sam.pw")"
		cat <<EOF
dn: $(ov_dn mia)
objectClass: inetOrgPerson
uid: mia@dramwell.ai
cn: mia
sn: mia
userPassword: $(cat "$T/mia.pw")

EOF
	} >"$T/seed.ldif"
	root_add -c -f "$T/seed.ldif" >"$T/seed.out" 2>&1
}

ov_audit() {
	root_search -b "ou=audit,$DW_BASE" -o ldif-wrap=no "$1" "$2" |
	    sed -n "s/^$2: //p"
}

ov_whoami() {
	ldapwhoami -H "${3:-$DW_URI}" -x -D "$1" -y "$2" 2>&1
}

# ov_sam_malformed: stop slapd, give sam the malformed dwAccountStatus
# "suspended" with slapmodify (the overlay refuses it on every LDAP write,
# the rootdn's too), start slapd again (a new port: DW_URI changes).
# slapmodify -g: the main database alone; slapd 2.5.13's slapmodify hands
# the glue overlay an entry without its DN when the audit subordinate is
# glued (a read of uninitialised memory that sometimes crashes).
ov_sam_malformed() {
	dw_stop &&
	printf 'dn: %s\nchangetype: modify\nreplace: dwAccountStatus\ndwAccountStatus: suspended\n' \
	    "$(ov_dn sam)" >"$T/sam-bad.ldif" &&
	slapmodify -g -q -f "$T/srv/slapd.conf" -b "$DW_BASE" -l "$T/sam-bad.ldif" &&
	dw_start
}
