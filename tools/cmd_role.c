/*
 * cmd_role.c: "dwadm role list|show|create|set|delete".
 *
 * Roles are entries cn=NAME,ou=roles,BASE (objectClass dwRole) holding
 * dwPermission values.  dwadm checks names and permissions with the core
 * grammar first for a clear message; the overlay enforces the rules
 * (super-admin only, built-in roles fixed, no delete while assigned).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dw_perm.h"
#include "dwadm.h"

#define ROLE_FILTER	"(objectClass=dwRole)"
#define MAX_PERMS	64		/* --permission values */
#define DESC_MAX	1024		/* bytes of a description */
#define CELL		1024

static const char role_help[] =
"usage: dwadm [global options] role list [--json]\n"
"       dwadm [global options] role show NAME [--json]\n"
"       dwadm [global options] role create NAME --permission P...\n"
"                                  [--description D]\n"
"       dwadm [global options] role set NAME [--permission P...]\n"
"                                  [--description D]\n"
"       dwadm [global options] role delete NAME\n"
"\n"
"  list     every role: name, built-in or not, how many admins hold it,\n"
"           description\n"
"  show     one role: its permissions and the admins who hold it\n"
"  create   a custom role (Super Admin only)\n"
"  set      replace a custom role's permissions and/or description\n"
"  delete   a custom role that nobody holds\n"
"\n"
"Permissions: SECTION:read, SECTION:write (implies read), pii and\n"
"destructive; repeat --permission (or separate values with commas).\n"
"Sections: command-center, monitoring, logs, telephony,\n"
"finance-dashboard, subscriptions, plans, promotions, customers,\n"
"customer-users, feature-flags, api-settings (admin-users, security and\n"
"audit-log belong to the built-in super-admin role only).  Built-in\n"
"roles cannot be changed or deleted.\n"
"\n"
"  --json       print JSON (list, show)\n"
"  -h, --help   this help\n";

enum { OPT_PERMISSION = 256, OPT_DESCRIPTION };

static const struct option role_opts[] = {
	{ "permission", required_argument, NULL, OPT_PERMISSION },
	{ "description", required_argument, NULL, OPT_DESCRIPTION },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct role_args {
	char *perms[MAX_PERMS + 1];	/* split values, owned */
	size_t nperms;
	const char *description;
	bool have_perm_opt;
};

static void
role_args_free(struct role_args *a)
{
	size_t	i;

	for (i = 0; i < a->nperms; i++)
		free(a->perms[i]);
	a->nperms = 0;
}

/* Add the comma-separated permissions of v, each checked with the
 * custom-role grammar. */
static int
add_perms(struct role_args *a, const char *v)
{
	struct dw_perms	 p;
	const char	*s = v, *c;
	size_t		 len, i;
	int		 rc;

	a->have_perm_opt = true;
	for (;;) {
		c = strchr(s, ',');
		len = c != NULL ? (size_t)(c - s) : strlen(s);
		while (len > 0 && s[0] == ' ') {
			s++;
			len--;
		}
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len == 0)
			return dwadm_usage_error("--permission: empty value");
		dw_perms_init(&p);
		rc = dw_perm_parse_custom(s, len, &p);
		if (rc == DW_ERR_DENIED)
			return dwadm_usage_error("--permission %.*s: that "
			    "section belongs to the super-admin role only",
			    (int)len, s);
		if (rc != DW_OK)
			return dwadm_usage_error("--permission %.*s: not "
			    "SECTION:read, SECTION:write, pii or destructive "
			    "with a known section", (int)len, s);
		for (i = 0; i < a->nperms; i++)
			if (strlen(a->perms[i]) == len &&
			    strncmp(a->perms[i], s, len) == 0)
				break;
		if (i == a->nperms) {
			if (a->nperms >= MAX_PERMS)
				return dwadm_usage_error("more than %d "
				    "permissions", MAX_PERMS);
			if ((a->perms[a->nperms] = strndup(s, len)) == NULL)
				return dwadm_fail("out of memory");
			a->nperms++;
			a->perms[a->nperms] = NULL;
		}
		if (c == NULL)
			break;
		s = c + 1;
	}
	return 0;
}

static int
check_description(const char *v)
{
	size_t	len = strlen(v);

	if (len == 0 || len > DESC_MAX || !dwadm_text_ok(v))
		return dwadm_usage_error("--description must be 1..%d bytes "
		    "of printable text", DESC_MAX);
	return 0;
}

/* ---- list and show */

struct role_row {
	char *name, *desc;
	bool builtin;
	char **perms;		/* ldap_get_values result, or NULL */
	size_t users;
};

static int
row_cmp(const void *a, const void *b)
{
	const struct role_row	*x = a, *y = b;

	return strcmp(x->name != NULL ? x->name : "",
	    y->name != NULL ? y->name : "");
}

/* Admins holding each role: one search, counted here.  With holders
 * (show), their e-mail addresses for role "only". */
static int
count_holders(struct dwadm *d, struct role_row *rows, size_t n,
    const char *only, char ***holders)
{
	static char	*attrs[] = { "uid", "dwRole", NULL };
	LDAPMessage	*res = NULL, *e;
	char		 base[DWADM_DN_MAX], *r, *uid, **hv = NULL, **nh;
	size_t		 i, nh_n = 0;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = dwadm_child_dn("ou=admins", d->base, base,
	    sizeof(base))) != 0)
		return rc;
	rc = ldap_search_ext_s(d->ld, base, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=dwAdminUser)(dwRole=*))", attrs, 0, NULL, NULL,
	    NULL, LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "cannot count role holders");
		goto out;
	}
	if (holders != NULL && (hv = calloc(1, sizeof(char *))) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	for (e = ldap_first_entry(d->ld, res); e != NULL;
	    e = ldap_next_entry(d->ld, e)) {
		if ((r = dwadm_first_value(d->ld, e, "dwRole")) == NULL)
			continue;
		for (i = 0; i < n; i++)
			if (rows[i].name != NULL &&
			    strcasecmp(rows[i].name, r) == 0)
				rows[i].users++;
		if (hv != NULL && only != NULL && strcasecmp(r, only) == 0 &&
		    (uid = dwadm_first_value(d->ld, e, "uid")) != NULL) {
			if ((nh = realloc(hv, (nh_n + 2) *
			    sizeof(char *))) == NULL) {
				free(uid);
				free(r);
				ret = dwadm_fail("out of memory");
				goto out;
			}
			hv = nh;
			hv[nh_n++] = uid;
			hv[nh_n] = NULL;
		}
		free(r);
	}
	if (holders != NULL) {
		*holders = hv;
		hv = NULL;
	}
	ret = 0;
out:
	dwadm_values_free(hv);
	ldap_msgfree(res);
	return ret;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
json_strv(char **v)
{
	size_t	i;

	(void)fputs("[", stdout);
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (i > 0)
			(void)fputs(", ", stdout);
		dwadm_json_str(stdout, v[i]);
	}
	(void)fputs("]", stdout);
}

static int
role_list_show(struct dwadm *d, const char *only)
{
	static char	*attrs[] = { "cn", "description", "dwBuiltin",
	    "dwPermission", NULL };
	static const char *head[] = { "NAME", "BUILT-IN", "USERS",
	    "DESCRIPTION" };
	struct role_row	*rows = NULL, *nr;
	LDAPMessage	*res = NULL, *e;
	char		 base[DWADM_DN_MAX], dn[DWADM_DN_MAX], users[32];
	char		*b, **holders = NULL, buf[CELL];
	const char	*cells[4];
	size_t		 n = 0, i, j, k, w[4];
	int		 rc, pass, ret = DWADM_EXIT_FAIL;

	if ((rc = dwadm_child_dn("ou=roles", d->base, base,
	    sizeof(base))) != 0)
		return rc;
	if (only != NULL &&
	    (rc = dwadm_role_dn(d->base, only, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = ldap_search_ext_s(d->ld, only != NULL ? dn : base,
	    only != NULL ? LDAP_SCOPE_BASE : LDAP_SCOPE_ONELEVEL, ROLE_FILTER,
	    attrs, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (rc == LDAP_NO_SUCH_OBJECT && only != NULL) {
		ret = dwadm_fail("no such role: %s", only);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "cannot read the roles");
		goto out;
	}
	for (e = ldap_first_entry(d->ld, res); e != NULL;
	    e = ldap_next_entry(d->ld, e)) {
		if ((nr = realloc(rows, (n + 1) * sizeof(*rows))) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		rows = nr;
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].name = dwadm_first_value(d->ld, e, "cn");
		rows[n].desc = dwadm_first_value(d->ld, e, "description");
		b = dwadm_first_value(d->ld, e, "dwBuiltin");
		rows[n].builtin = b != NULL && strcasecmp(b, "TRUE") == 0;
		free(b);
		rows[n].perms = dwadm_values(d->ld, e, "dwPermission", NULL);
		n++;
		if (rows[n - 1].perms == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
	}
	if (only != NULL && n == 0) {
		ret = dwadm_fail("no such role: %s", only);
		goto out;
	}
	if ((rc = count_holders(d, rows, n, only, only != NULL ? &holders :
	    NULL)) != 0) {
		ret = rc;
		goto out;
	}
	if (n > 0)
		qsort(rows, n, sizeof(rows[0]), row_cmp);
	if (holders != NULL) {
		for (k = 0; holders[k] != NULL; k++)
			;
		qsort(holders, k, sizeof(char *), strp_cmp);
	}
	if (only != NULL) {
		if (d->json) {
			(void)fputs("{\"name\": ", stdout);
			dwadm_json_str(stdout, rows[0].name);
			(void)fprintf(stdout, ", \"builtin\": %s, "
			    "\"description\": ", rows[0].builtin ? "true" :
			    "false");
			dwadm_json_str(stdout, rows[0].desc);
			(void)fputs(", \"permissions\": ", stdout);
			json_strv(rows[0].perms);
			(void)fputs(", \"users\": ", stdout);
			json_strv(holders);
			(void)fputs("}\n", stdout);
		} else {
			(void)dwadm_term_clean(rows[0].name != NULL ?
			    rows[0].name : "-", buf, sizeof(buf));
			(void)printf("%-12s: %s\n", "name", buf);
			(void)printf("%-12s: %s\n", "built-in",
			    rows[0].builtin ? "yes" : "no");
			(void)dwadm_term_clean(rows[0].desc != NULL ?
			    rows[0].desc : "-", buf, sizeof(buf));
			(void)printf("%-12s: %s\n", "description", buf);
			for (j = 0; rows[0].perms[j] != NULL; j++) {
				(void)dwadm_term_clean(rows[0].perms[j], buf,
				    sizeof(buf));
				(void)printf("%-12s: %s\n", "permission",
				    buf);
			}
			for (j = 0; holders != NULL && holders[j] != NULL;
			    j++) {
				(void)dwadm_term_clean(holders[j], buf,
				    sizeof(buf));
				(void)printf("%-12s: %s\n", "user", buf);
			}
		}
		ret = 0;
		goto out;
	}
	if (d->json) {
		(void)fputs("[", stdout);
		for (i = 0; i < n; i++) {
			(void)fputs(i == 0 ? "\n  {\"name\": " :
			    ",\n  {\"name\": ", stdout);
			dwadm_json_str(stdout, rows[i].name);
			(void)fprintf(stdout, ", \"builtin\": %s, \"users\": "
			    "%zu, \"description\": ", rows[i].builtin ?
			    "true" : "false", rows[i].users);
			dwadm_json_str(stdout, rows[i].desc);
			(void)fputs(", \"permissions\": ", stdout);
			json_strv(rows[i].perms);
			(void)fputs("}", stdout);
		}
		(void)fputs(n > 0 ? "\n]\n" : "]\n", stdout);
		ret = 0;
		goto out;
	}
	for (j = 0; j < 4; j++)
		w[j] = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i <= n; i++) {
			k = pass == 0 ? i : (i + n) % (n + 1);
			if (k == n) {
				for (j = 0; j < 4; j++)
					cells[j] = head[j];
			} else {
				(void)snprintf(users, sizeof(users), "%zu",
				    rows[k].users);
				cells[0] = rows[k].name;
				cells[1] = rows[k].builtin ? "yes" : "no";
				cells[2] = users;
				cells[3] = rows[k].desc;
			}
			for (j = 0; j < 4; j++) {
				if (pass == 0 &&
				    dwadm_cell_width(cells[j]) > w[j])
					w[j] = dwadm_cell_width(cells[j]);
				else if (pass == 1)
					dwadm_cell(cells[j], w[j], j == 3);
			}
		}
	}
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].desc);
		dwadm_values_free(rows[i].perms);
	}
	free(rows);
	dwadm_values_free(holders);
	ldap_msgfree(res);
	return ret;
}

/* ---- create, set, delete */

static int
role_create(struct dwadm *d, const char *name, struct role_args *a)
{
	LDAPMod	 mod[4], *mods[5];
	char	*oc[] = { "dwRole", NULL }, *cn[2], *desc[2];
	char	 dn[DWADM_DN_MAX], what[DW_ROLE_NAME_MAX + 32];
	size_t	 i, m = 0;
	int	 rc;

	if ((rc = dwadm_role_dn(d->base, name, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	cn[0] = (char *)name;
	cn[1] = NULL;
	desc[0] = (char *)a->description;
	desc[1] = NULL;
	memset(mod, 0, sizeof(mod));
	mod[m].mod_type = "objectClass";
	mod[m++].mod_values = oc;
	mod[m].mod_type = "cn";
	mod[m++].mod_values = cn;
	mod[m].mod_type = "dwPermission";
	mod[m++].mod_values = a->perms;
	if (a->description != NULL) {
		mod[m].mod_type = "description";
		mod[m++].mod_values = desc;
	}
	for (i = 0; i < m; i++) {
		mod[i].mod_op = LDAP_MOD_ADD;
		mods[i] = &mod[i];
	}
	mods[m] = NULL;
	rc = ldap_add_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc == LDAP_ALREADY_EXISTS)
		return dwadm_fail("cannot create role %s: it already exists",
		    name);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot create role %s",
		    name);
		return dwadm_ldap_fail(d->ld, rc, what);
	}
	(void)printf("created role %s\n", name);
	return 0;
}

static int
role_set(struct dwadm *d, const char *name, struct role_args *a)
{
	LDAPMod	 mod[2], *mods[3];
	char	*desc[2];
	char	 dn[DWADM_DN_MAX], what[DW_ROLE_NAME_MAX + 32];
	size_t	 m = 0;
	int	 rc;

	if ((rc = dwadm_role_dn(d->base, name, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	memset(mod, 0, sizeof(mod));
	if (a->nperms > 0) {
		mod[m].mod_op = LDAP_MOD_REPLACE;
		mod[m].mod_type = "dwPermission";
		mod[m].mod_values = a->perms;
		mods[m] = &mod[m];
		m++;
	}
	if (a->description != NULL) {
		desc[0] = (char *)a->description;
		desc[1] = NULL;
		mod[m].mod_op = LDAP_MOD_REPLACE;
		mod[m].mod_type = "description";
		mod[m].mod_values = desc;
		mods[m] = &mod[m];
		m++;
	}
	mods[m] = NULL;
	rc = ldap_modify_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("no such role: %s", name);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot change role %s",
		    name);
		return dwadm_ldap_fail(d->ld, rc, what);
	}
	(void)printf("changed role %s\n", name);
	return 0;
}

static int
role_delete(struct dwadm *d, const char *name)
{
	char	dn[DWADM_DN_MAX], what[DW_ROLE_NAME_MAX + 32];
	int	rc;

	if ((rc = dwadm_role_dn(d->base, name, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = ldap_delete_ext_s(d->ld, dn, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("no such role: %s", name);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot delete role %s",
		    name);
		return dwadm_ldap_fail(d->ld, rc, what);
	}
	(void)printf("deleted role %s\n", name);
	return 0;
}

int
dwadm_cmd_role(struct dwadm *d, int argc, char **argv)
{
	struct role_args	 a;
	const char		*sub;
	int			 c, rc = DWADM_EXIT_USAGE, nargs;

	memset(&a, 0, sizeof(a));
	if (argc < 2)
		return dwadm_usage_error("role: give list, show, create, set "
		    "or delete (see dwadm role --help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(role_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "create") != 0 && strcmp(sub, "set") != 0 &&
	    strcmp(sub, "delete") != 0)
		return dwadm_usage_error("role: unknown command \"%s\" (see "
		    "dwadm role --help)", sub);
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", role_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			(void)fputs(role_help, stdout);
			rc = DWADM_EXIT_OK;
			goto out;
		case 'j':
			d->json = true;
			break;
		case OPT_PERMISSION:
			if ((rc = add_perms(&a, optarg)) != 0)
				goto out;
			break;
		case OPT_DESCRIPTION:
			if ((rc = check_description(optarg)) != 0)
				goto out;
			a.description = optarg;
			break;
		case ':':
			rc = dwadm_usage_error("role %s: option %s needs a "
			    "value", sub, argv[optind - 1]);
			goto out;
		default:
			rc = dwadm_usage_error("role %s: unknown option %s "
			    "(see dwadm role --help)", sub, argv[optind - 1]);
			goto out;
		}
	}
	nargs = strcmp(sub, "list") == 0 ? 0 : 1;
	if (argc - optind != nargs) {
		rc = dwadm_usage_error("role %s takes %s", sub, nargs == 0 ?
		    "no arguments" : "one role name");
		goto out;
	}
	if ((a.have_perm_opt || a.description != NULL) &&
	    strcmp(sub, "create") != 0 && strcmp(sub, "set") != 0) {
		rc = dwadm_usage_error("role %s: --permission and "
		    "--description belong to create and set", sub);
		goto out;
	}
	if (strcmp(sub, "create") == 0 && a.nperms == 0) {
		rc = dwadm_usage_error("role create: give at least one "
		    "--permission");
		goto out;
	}
	if (strcmp(sub, "set") == 0 && a.nperms == 0 &&
	    a.description == NULL) {
		rc = dwadm_usage_error("role set: give --permission and/or "
		    "--description");
		goto out;
	}
	if ((rc = dwadm_setup(d)) != 0)
		goto out;
	if (strcmp(sub, "list") == 0)
		rc = role_list_show(d, NULL);
	else if (strcmp(sub, "show") == 0)
		rc = role_list_show(d, argv[optind]);
	else if (strcmp(sub, "create") == 0)
		rc = role_create(d, argv[optind], &a);
	else if (strcmp(sub, "set") == 0)
		rc = role_set(d, argv[optind], &a);
	else
		rc = role_delete(d, argv[optind]);
out:
	role_args_free(&a);
	return rc;
}
