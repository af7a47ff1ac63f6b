# login-lib.sh: helpers for the login tests (t-login-*.sh); source it after
# lib.sh, overlay-lib.sh and dw_start.
#
# lg_seed                 ov_seed, the operations role, and active admins
#                         bob, cat, carl, dora (support) and otto
#                         (operations); passwords in $T/NAME.pw
# lg_policy ATTR VALUE... replace policy attributes (as the rootdn); an
#                         empty VALUE deletes the attribute
# lg_set DN ATTR VALUE    replace one attribute of an entry as the rootdn
#                         (empty VALUE: delete it)
# lg_get DN ATTR          the value(s) of ATTR, as the rootdn
# lg_cred NAME PWNAME CODE  write $T/NAME.cred: the password of $T/PWNAME.pw
#                         with CODE appended
# lg_code SECRET [OFFSET] oathtool's TOTP code for now + OFFSET seconds
# lg_step [OFFSET]        the TOTP step of now + OFFSET seconds
# lg_steady               if the current 30-second step ends within 4
#                         seconds, wait for the next one: a check that
#                         compares a code with "now" must not straddle a
#                         step boundary (this waits out no rule of the
#                         server; every time the rules use is set directly)
# lg_probe ARGS...        tests/integration/loginprobe -H $DW_URI ARGS
# lg_n FILTER             the number of audit entries matching FILTER
# lg_secret NAME          a fresh base32 TOTP secret in $T/NAME.secret

LOGINPROBE=${DW_TOP_BUILDDIR:?}/tests/integration/loginprobe

lg_seed() {
	ov_seed || return 1
	ov_pwfile bob 'Qv7#mLp2-Zr9xWt4'
	ov_pwfile cat 'Hx3$kRn8-Pw5yVb2'
	ov_pwfile carl 'Tm6%jDs4-Fq8zLc1'
	ov_pwfile dora 'Wy2&gNc7-Bk4rMh9'
	ov_pwfile otto 'Ls9*vTq3-Cx6nJd5'
	{
		cat <<EOF
dn: cn=operations,ou=roles,$DW_BASE
objectClass: dwRole
cn: operations
dwBuiltin: TRUE
dwPermission: command-center:write
dwPermission: monitoring:write
dwPermission: logs:write
dwPermission: telephony:write

EOF
		ov_admin_ldif bob active support "$(cat "$T/bob.pw")"
		ov_admin_ldif cat active support "$(cat "$T/cat.pw")"
		ov_admin_ldif carl active support "$(cat "$T/carl.pw")"
		ov_admin_ldif dora active support "$(cat "$T/dora.pw")"
		ov_admin_ldif otto active operations "$(cat "$T/otto.pw")"
	} >"$T/seed2.ldif"
	root_add -f "$T/seed2.ldif" >"$T/seed2.out" 2>&1 || {
		cat "$T/seed2.out"
		return 1
	}
}

lg_policy() {
	{
		printf 'dn: cn=security,ou=policy,%s\nchangetype: modify\n' \
		    "$DW_BASE"
		while [ $# -ge 2 ]; do
			if [ -z "$2" ]; then
				printf 'delete: %s\n-\n' "$1"
			else
				printf 'replace: %s\n%s: %s\n-\n' "$1" "$1" "$2"
			fi
			shift 2
		done
	} | root_modify >"$T/policy.out" 2>&1 || {
		cat "$T/policy.out"
		return 1
	}
}

lg_set() {
	if [ -z "$3" ]; then
		printf 'dn: %s\nchangetype: modify\ndelete: %s\n' "$1" "$2"
	else
		printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
		    "$1" "$2" "$2" "$3"
	fi | root_modify
}

lg_get() {
	root_search -b "$1" -s base -o ldif-wrap=no "$2" | sed -n "s/^$2: //p"
}

lg_cred() {
	(umask 077 && printf '%s%s' "$(cat "$T/$2.pw")" "$3" >"$T/$1.cred")
}

lg_code() {
	oathtool --totp -b -N "@$(( $(date -u +%s) + ${2:-0} ))" "$1"
}

lg_step() {
	echo $(( ($(date -u +%s) + ${1:-0}) / 30 ))
}

lg_steady() {
	while [ $(( $(date -u +%s) % 30 )) -ge 26 ]; do
		sleep 1
	done
}

lg_probe() {
	"$LOGINPROBE" -H "$DW_URI" "$@"
}

lg_n() {
	audit_count "$1"
}

lg_secret() {
	(umask 077 && head -c 20 /dev/urandom | base32 | tr -d '=\n' \
	    >"$T/$1.secret")
}
