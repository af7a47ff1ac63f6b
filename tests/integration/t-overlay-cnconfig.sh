#!/bin/sh
# The dramwell overlay configured through cn=config (slapd -F): its
# olcDramwell* settings load, can be read and changed live, out-of-range
# values are refused with a message, and the rules are enforced.
. "$DW_TEST_LIB"
. "$DW_TOP_SRCDIR/tests/integration/overlay-lib.sh"

dw_start --format ldif --config-writable
check "slapd runs from slapd.d" test -d "$DW_STATE/slapd.d/cn=config"
check "seed the tree" ov_seed

cfg() { root_search -b cn=config -o ldif-wrap=no "$@"; }
main=$(cfg "(&(objectClass=olcDramwellConfig)(olcDramwellAuditBase=ou=audit,$DW_BASE))" dn |
    sed -n 's/^dn: //p' | tail -n 1)
check_match "overlay entries: one per database" '^2$' \
    "$(cfg '(objectClass=olcDramwellConfig)' dn | grep -c '^dn:')"
check_match "overlay entry found" '^olcOverlay=\{0\}dramwell,olcDatabase=' "$main"
cfg -b "$main" -s base >"$T/cfg.ldif"
for a in "olcDramwellAdminBase: ou=admins,$DW_BASE" \
    "olcDramwellRoleBase: ou=roles,$DW_BASE" \
    "olcDramwellPolicyDN: cn=security,ou=policy,$DW_BASE" \
    "olcDramwellSessionBase: ou=sessions,$DW_BASE" \
    "olcDramwellAuditBase: ou=audit,$DW_BASE" \
    "olcDramwellArgon2Memory: 19456" "olcDramwellArgon2Iterations: 2"; do
	check "cn=config shows $a" grep -qx "$a" "$T/cfg.ldif"
done

setcfg() {	# ATTR VALUE
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
	    "$main" "$1" "$1" "$2" | root_modify
}
for bad in "olcDramwellArgon2Memory 19455" "olcDramwellArgon2Memory 99999999999" \
    "olcDramwellArgon2Iterations 1" "olcDramwellArgon2Iterations 65" \
    "olcDramwellArgon2Iterations x"; do
	# shellcheck disable=SC2086
	setcfg $bad >"$T/bad.out" 2>&1
	check_match "refused: $bad" 'must be|unable to parse|invalid|syntax' \
	    "$(cat "$T/bad.out")"
done
check_fail "refused: an invalid DN" setcfg olcDramwellAdminBase 'not a dn'
check "argon2 parameters unchanged after the refusals" \
    grep -qx 'olcDramwellArgon2Memory: 19456' "$T/cfg.ldif"

check "live change: iterations 3, memory 24576" sh -c "
	printf 'dn: %s\nchangetype: modify\nreplace: olcDramwellArgon2Iterations\nolcDramwellArgon2Iterations: 3\n-\nreplace: olcDramwellArgon2Memory\nolcDramwellArgon2Memory: 24576\n' '$main' |
	ldapmodify -H '$DW_LDAPI_URI' -Y EXTERNAL -Q"
ANN=$(ov_dn ann)
ov_pwfile ann2 'Gold-Second-0007'
{ printf 'dn: %s\nchangetype: modify\nreplace: userPassword\n' "$ANN"
  printf 'userPassword: %s\n' "$(cat "$T/ann2.pw")"; } >"$T/m1.ldif"
check "ann sets a new password" ldapmodify -H "$DW_URI" -x -D "$ANN" \
    -y "$T/ann.pw" -f "$T/m1.ldif"
check_match "it is hashed with the new parameters" \
    '^\{ARGON2\}\$argon2id\$v=19\$m=24576,t=3,p=1\$' \
    "$(root_search -b "$ANN" -s base -o ldif-wrap=no userPassword |
    sed -n 's/^userPassword:: //p' | base64 -d)"
check "and binds" ldapwhoami -H "$DW_URI" -x -D "$ANN" -y "$T/ann2.pw"

# Enforcement under cn=config, in brief.
printf 'dn: %s\nchangetype: modify\nreplace: userPassword\nuserPassword: {SSHA}c2VjcmV0c2VjcmV0c2FsdA==\n' \
    "$ANN" >"$T/ssha.ldif"
check_fail "{SSHA} refused" root_modify -f "$T/ssha.ldif"
ov_pwfile wrong 'Not-The-Password-1'
check_eq "invited admin answers like a wrong password" \
    "$(ov_whoami "$ANN" "$T/wrong.pw")" "$(ov_whoami "$(ov_dn ivy)" "$T/ivy.pw")"
ID=$(root_search -b "ou=audit,$DW_BASE" -s one dn | sed -n 's/^dn: //p' | head -n 1)
check_fail "rootdn cannot delete an audit entry" root_delete "$ID"
check_eq "audit: the invited bind" 1 "$(audit_count \
    "(&(dwAuditAction=bind)(dwAuditTarget=$(ov_dn ivy))(dwAuditResult=49)(dwAuditDetail=account invited))")"
check_eq "audit: the refused delete" 1 "$(audit_count \
    "(&(dwAuditAction=delete)(dwAuditTarget=$ID)(dwAuditResult=53))")"

# The live change is written to slapd.d, for the next start.
check "slapd.d records the new iterations" grep -rqx \
    'olcDramwellArgon2Iterations: 3' "$DW_STATE/slapd.d"

dw_done
