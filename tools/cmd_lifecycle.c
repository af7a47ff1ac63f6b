/*
 * cmd_lifecycle.c: "dwadm user set-role", "user deactivate" and "user
 * reactivate".  The overlay decides who may do what (admin-users:write,
 * super-admin for reactivation, never the last active Super Admin,
 * never oneself) and audits it; dwadm reads the current state first for
 * a clear message and writes with an RFC 4528 assertion on that state,
 * so that a concurrent change makes the write fail instead of being
 * overwritten.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dw_account.h"
#include "dw_perm.h"
#include "dwadm.h"

static const char set_role_help[] =
"usage: dwadm [global options] user set-role EMAIL ROLE\n"
"\n"
"Give the admin EMAIL the role ROLE (an existing role; see dwadm role\n"
"list).  Takes effect on the admin's next operation.  Needs the\n"
"admin-users:write permission; nobody can demote themselves or the last\n"
"active Super Admin.\n";

static const char deactivate_help[] =
"usage: dwadm [global options] user deactivate EMAIL\n"
"\n"
"Deactivate an active admin: the directory refuses their binds from now\n"
"on and ends their live sessions in the same operation.  Their audit\n"
"entries stay.  Needs admin-users:write; nobody can deactivate themselves\n"
"or the last active Super Admin.\n";

static const char reactivate_help[] =
"usage: dwadm [global options] user reactivate EMAIL\n"
"\n"
"Make a deactivated admin active again (Super Admin only).  Sessions\n"
"ended by the deactivation do not come back.\n";

static const struct option opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Options: only --help.  *help set when given. */
static int
parse(const char *sub, const char *help, int argc, char **argv,
    int nargs, int *done)
{
	int	c;

	*done = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			(void)fputs(help, stdout);
			*done = 1;
			return DWADM_EXIT_OK;
		}
		return dwadm_usage_error("user %s: unknown option %s (see "
		    "dwadm user %s --help)", sub, argv[optind - 1], sub);
	}
	if (argc - optind != nargs)
		return dwadm_usage_error("user %s takes %s (see dwadm user %s "
		    "--help)", sub, nargs == 1 ? "one e-mail address" :
		    "an e-mail address and a role", sub);
	return 0;
}

/*
 * Read dwRole and dwAccountStatus of the admin at dn.  An entry the caller
 * may not read looks absent; *hidden is then set and 0 returned, so that
 * the caller still sends its change and the directory decides (and
 * audits the refusal) instead of dwadm refusing on its own.
 */
static int
read_admin(struct dwadm *d, const char *dn, char **role, char **status,
    bool *hidden)
{
	static char	*attrs[] = { "dwRole", "dwAccountStatus", NULL };
	LDAPMessage	*res = NULL, *e;
	int		 rc, ret = DWADM_EXIT_FAIL;

	*role = *status = NULL;
	*hidden = false;
	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwAdminUser)", attrs,
	    &res, &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		*hidden = true;
		ret = 0;
	} else if (rc != LDAP_SUCCESS)
		ret = dwadm_ldap_fail(d->ld, rc, "cannot read the account");
	else {
		*role = dwadm_first_value(d->ld, e, "dwRole");
		*status = dwadm_first_value(d->ld, e, "dwAccountStatus");
		ret = 0;
	}
	ldap_msgfree(res);
	return ret;
}

/*
 * Replace attr with value on dn.  With check set, only if (attr=old) still
 * holds (old NULL: the attribute must be absent); old is a role name or an
 * account state, both validated to [a-z0-9-].  Returns the LDAP result.
 */
static int
replace_asserted(LDAP *ld, const char *dn, const char *attr, bool check,
    const char *old, const char *value)
{
	LDAPControl	*ctrl = NULL, *ctrls[2];
	LDAPMod		 mod, *mods[2];
	char		 filter[256], *vals[2];
	int		 n, rc;

	if (check) {
		if (old != NULL)
			n = snprintf(filter, sizeof(filter), "(%s=%s)", attr,
			    old);
		else
			n = snprintf(filter, sizeof(filter), "(!(%s=*))",
			    attr);
		if (n < 0 || (size_t)n >= sizeof(filter))
			return LDAP_FILTER_ERROR;
		if ((rc = ldap_create_assertion_control(ld, filter, 1,
		    &ctrl)) != LDAP_SUCCESS)
			return rc;
	}
	vals[0] = (char *)value;
	vals[1] = NULL;
	mod.mod_op = LDAP_MOD_REPLACE;
	mod.mod_type = (char *)attr;
	mod.mod_values = vals;
	mods[0] = &mod;
	mods[1] = NULL;
	ctrls[0] = ctrl;
	ctrls[1] = NULL;
	rc = ldap_modify_ext_s(ld, dn, mods, ctrl != NULL ? ctrls : NULL, NULL);
	ldap_control_free(ctrl);
	return rc;
}

int
dwadm_user_set_role(struct dwadm *d, int argc, char **argv)
{
	static char	*rattrs[] = { "cn", NULL };
	LDAPMessage	*res = NULL, *e;
	char		 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char		 rdn[DWADM_DN_MAX], what[DW_EMAIL_MAX + 64];
	char		*old = NULL, *status = NULL;
	const char	*role;
	bool		 hidden;
	int		 rc, done, ret = DWADM_EXIT_FAIL;

	if ((rc = parse("set-role", set_role_help, argc, argv, 2, &done)) !=
	    0 || done)
		return rc;
	if ((rc = dwadm_email_arg("user set-role", argv[optind], email,
	    sizeof(email))) != 0)
		return rc;
	role = argv[optind + 1];
	if (dw_role_name_check(role, strlen(role)) != DW_OK)
		return dwadm_usage_error("user set-role: not a valid role "
		    "name");
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0 ||
	    (rc = dwadm_role_dn(d->base, role, rdn, sizeof(rdn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = dwadm_read_entry(d->ld, rdn, "(objectClass=dwRole)", rattrs,
	    &res, &e);
	ldap_msgfree(res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("no such role: %s (see dwadm role list)",
		    role);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, "cannot read the role");
	if ((rc = read_admin(d, dn, &old, &status, &hidden)) != 0)
		return rc;
	if (old != NULL && strcmp(old, role) == 0) {
		(void)printf("%s already has the role %s\n", email, role);
		ret = 0;
		goto out;
	}
	if (old != NULL && dw_role_name_check(old, strlen(old)) != DW_OK) {
		ret = dwadm_fail("%s holds a malformed role name; ask root to "
		    "repair the entry", email);
		goto out;
	}
	rc = replace_asserted(d->ld, dn, "dwRole", !hidden, old, role);
	if (rc == LDAP_ASSERTION_FAILED) {
		ret = dwadm_fail("%s: the role changed meanwhile; try again",
		    email);
		goto out;
	}
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = dwadm_fail("no such admin: %s", email);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot change the role of "
		    "%s", email);
		ret = dwadm_ldap_fail(d->ld, rc, what);
		goto out;
	}
	(void)printf("%s: role %s -> %s\n", email, old != NULL ? old : "(none)",
	    role);
	ret = 0;
out:
	free(old);
	free(status);
	return ret;
}

int
dwadm_user_set_status(struct dwadm *d, int argc, char **argv)
{
	enum dw_account_state	 st;
	const char		*sub = argv[0], *want, *from, *help;
	char			 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char			 what[DW_EMAIL_MAX + 64];
	char			*role = NULL, *status = NULL;
	bool			 deact = strcmp(sub, "deactivate") == 0;
	bool			 hidden;
	int			 rc, done, ret = DWADM_EXIT_FAIL;

	help = deact ? deactivate_help : reactivate_help;
	want = deact ? "deactivated" : "active";
	from = deact ? "active" : "deactivated";
	if ((rc = parse(sub, help, argc, argv, 1, &done)) != 0 || done)
		return rc;
	if ((rc = dwadm_email_arg(deact ? "user deactivate" :
	    "user reactivate", argv[optind], email, sizeof(email))) != 0)
		return rc;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = read_admin(d, dn, &role, &status, &hidden)) != 0)
		return rc;
	if (hidden)
		goto send;
	if (status == NULL ||
	    dw_account_state_parse(status, strlen(status), &st) != DW_OK) {
		ret = dwadm_fail("%s has no valid account status; ask root to "
		    "repair the entry", email);
		goto out;
	}
	if (strcmp(dw_account_state_name(st), from) != 0) {
		if (st == DW_ACCOUNT_INVITED)
			ret = dwadm_fail("%s is a pending invitation (dwadm "
			    "user revoke-invite withdraws it)", email);
		else
			ret = dwadm_fail("%s is already %s", email,
			    dw_account_state_name(st));
		goto out;
	}
send:
	rc = replace_asserted(d->ld, dn, "dwAccountStatus", !hidden, from,
	    want);
	if (rc == LDAP_ASSERTION_FAILED) {
		ret = dwadm_fail("%s: the account changed meanwhile; try "
		    "again", email);
		goto out;
	}
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = dwadm_fail("no such admin: %s", email);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot %s %s", sub, email);
		ret = dwadm_ldap_fail(d->ld, rc, what);
		goto out;
	}
	if (deact)
		(void)printf("deactivated %s; their sessions were ended\n",
		    email);
	else
		(void)printf("reactivated %s\n", email);
	ret = 0;
out:
	free(role);
	free(status);
	return ret;
}
