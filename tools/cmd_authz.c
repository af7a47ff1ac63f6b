/*
 * cmd_authz.c: "dwadm authz check EMAIL SECTION read|write": may this
 * admin use this portal section?  Answered from the live directory on
 * every call (nothing cached), with the same rules the overlay applies:
 * the account-state rule (only an active account acts), the actor rule
 * (dw_authz_actor_ok: one well-formed role that exists and parses) and
 * the permission rule (dw_perm_allows over the role's dwPermission
 * values).
 * Anything missing or malformed denies.
 *
 * Exit status: 0 allow, 1 deny, 2 bad command line, 3 no answer (the
 * directory could not be read); stdout holds exactly "allow" or "deny".
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
#include "dw_authz.h"
#include "dw_perm.h"
#include "dwadm.h"

#define DWADM_EXIT_DENY	1

static const char authz_help[] =
"usage: dwadm [global options] authz check EMAIL SECTION read|write\n"
"\n"
"Print allow or deny: may the admin EMAIL read or write the portal\n"
"section SECTION?  Read from the live directory on every call: the\n"
"account must be active and its role must grant the access (write\n"
"implies read).  A missing account or role, or a malformed one, denies.\n"
"\n"
"Exit status: 0 allow, 1 deny, 2 bad command line, 3 the directory could\n"
"not be read (no answer; treat as deny).\n"
"\n"
"Sections: command-center, monitoring, logs, telephony,\n"
"finance-dashboard, subscriptions, plans, promotions, customers,\n"
"customer-users, feature-flags, api-settings, admin-users, security,\n"
"audit-log.\n";

static const struct option authz_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
answer(enum dw_decision dec)
{
	(void)printf("%s\n", dec == DW_ALLOW ? "allow" : "deny");
	return dec == DW_ALLOW ? DWADM_EXIT_OK : DWADM_EXIT_DENY;
}

/*
 * The permissions of role NAME, read now: *found when the role entry
 * exists, *parsed when every dwPermission value parses (dw_perm_parse,
 * as the overlay reads an actor's role).
 */
static int
read_role(struct dwadm *d, const char *name, struct dw_perms *p,
    bool *found, bool *parsed)
{
	static char	 *attrs[] = { "dwPermission", NULL };
	struct berval	**vals = NULL;
	LDAPMessage	 *res = NULL, *e;
	char		  dn[DWADM_DN_MAX];
	size_t		  i;
	int		  rc, ret = DWADM_EXIT_UNDECIDED, n;

	*found = *parsed = false;
	dw_perms_init(p);
	/* Only a well-formed name is looked up (it becomes a DN). */
	if (dw_role_name_check(name, strlen(name)) != DW_OK)
		return 0;
	n = snprintf(dn, sizeof(dn), "cn=%s,ou=roles,%s", name, d->base);
	if (n < 0 || (size_t)n >= sizeof(dn)) {
		(void)dwadm_fail("role DN too long");
		return DWADM_EXIT_UNDECIDED;
	}
	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwRole)", attrs, &res,
	    &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = 0;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		(void)dwadm_ldap_fail(d->ld, rc, "cannot read the role");
		goto out;
	}
	*found = true;
	vals = ldap_get_values_len(d->ld, e, "dwPermission");
	for (i = 0; vals != NULL && vals[i] != NULL; i++)
		if (dw_perm_parse(vals[i]->bv_val, vals[i]->bv_len, p) !=
		    DW_OK) {
			dw_perms_init(p);
			ret = 0;
			goto out;
		}
	*parsed = true;
	ret = 0;
out:
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	return ret;
}

static int
authz_check(struct dwadm *d, const char *arg, enum dw_section sec,
    enum dw_access want)
{
	static char		 *attrs[] = { "dwAccountStatus", "dwRole",
	    NULL };
	struct dw_authz_actor_facts f;
	struct dw_authz_denial	  why;
	struct dw_perms		  perms;
	struct berval		**st = NULL, **rv = NULL;
	LDAPMessage		 *res = NULL, *e;
	char			  email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char			 *role = NULL;
	enum dw_decision	  dec = DW_DENY;
	int			  rc, ret = DWADM_EXIT_UNDECIDED;

	memset(&f, 0, sizeof(f));
	dw_perms_init(&perms);
	if (dw_email_normalize(arg, strlen(arg), email, sizeof(email)) !=
	    DW_OK)
		return dwadm_usage_error("authz check: not a valid e-mail "
		    "address");
	if (dwadm_setup(d) != 0 ||
	    dwadm_admin_dn(d->base, email, dn, sizeof(dn)) != 0 ||
	    dwadm_connect(d) != 0)
		return DWADM_EXIT_UNDECIDED;
	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwAdminUser)", attrs,
	    &res, &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = answer(DW_DENY);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		(void)dwadm_ldap_fail(d->ld, rc, "cannot read the account");
		goto out;
	}
	/* The facts the overlay gathers for an actor, from the live
	 * entries; then the same rules: the account-state rule, the actor
	 * rule (dw_authz_actor_ok) and the permission rule. */
	f.admin_entry = true;	/* uid=EMAIL directly below ou=admins */
	st = ldap_get_values_len(d->ld, e, "dwAccountStatus");
	if (st != NULL && st[0] != NULL && st[1] == NULL) {
		f.status = st[0]->bv_val;
		f.status_len = st[0]->bv_len;
	}
	rv = ldap_get_values_len(d->ld, e, "dwRole");
	f.role_single = rv != NULL && rv[0] != NULL && rv[1] == NULL;
	if (f.role_single &&
	    (role = strndup(rv[0]->bv_val, rv[0]->bv_len)) == NULL) {
		(void)dwadm_fail("out of memory");
		goto out;
	}
	if (role != NULL) {
		f.role = role;
		f.role_len = strlen(role);
		if ((rc = read_role(d, role, &perms, &f.role_found,
		    &f.perms_ok)) != 0)
			goto out;
	}
	if (f.status != NULL &&
	    dw_account_may_authenticate(f.status, f.status_len) == DW_ALLOW &&
	    dw_authz_actor_ok(&f, &why) == DW_ALLOW)
		dec = dw_perm_allows(&perms, sec, want);
	ret = answer(dec);
out:
	ldap_value_free_len(st);
	ldap_value_free_len(rv);
	free(role);
	ldap_msgfree(res);
	return ret;
}

int
dwadm_cmd_authz(struct dwadm *d, int argc, char **argv)
{
	enum dw_section	 sec;
	enum dw_access	 want;
	const char	*s, *acc;
	int		 c;

	if (argc < 2)
		return dwadm_usage_error("authz: give check (see dwadm authz "
		    "--help)");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		(void)fputs(authz_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (strcmp(argv[1], "check") != 0)
		return dwadm_usage_error("authz: unknown command \"%s\" (see "
		    "dwadm authz --help)", argv[1]);
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", authz_opts, NULL)) != -1) {
		if (c == 'h') {
			(void)fputs(authz_help, stdout);
			return DWADM_EXIT_OK;
		}
		return dwadm_usage_error("authz check: unknown option %s (see "
		    "dwadm authz --help)", argv[optind - 1]);
	}
	if (argc - optind != 3)
		return dwadm_usage_error("authz check takes EMAIL SECTION "
		    "read|write");
	s = argv[optind + 1];
	acc = argv[optind + 2];
	if (dw_section_parse(s, strlen(s), &sec) != DW_OK)
		return dwadm_usage_error("authz check: unknown section \"%s\" "
		    "(see dwadm authz --help)", s);
	if (strcmp(acc, "read") == 0)
		want = DW_ACCESS_READ;
	else if (strcmp(acc, "write") == 0)
		want = DW_ACCESS_WRITE;
	else
		return dwadm_usage_error("authz check: the access is read or "
		    "write");
	return authz_check(d, argv[optind], sec, want);
}
