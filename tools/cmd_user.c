/*
 * cmd_user.c: "dwadm user list", "dwadm user show EMAIL" and "dwadm user
 * unlock EMAIL", and the dispatch of the other user commands
 * (cmd_invite.c, cmd_lifecycle.c).
 *
 * Only named, non-secret attributes are requested: never userPassword,
 * dwMfaSecret, dwRecoveryCodeHash or dwInviteTokenHash (not even "*").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dwadm.h"

#define ADMIN_FILTER	"(objectClass=dwAdminUser)"
#define CELL_MAX	1024	/* bytes of one cleaned table cell */
#define ROWS_MAX	1000000	/* a sanity cap on the listing */

static const char user_help[] =
"usage: dwadm [global options] user list [--pending] [--json]\n"
"       dwadm [global options] user show EMAIL [--json]\n"
"       dwadm [global options] user invite EMAIL --role ROLE [--name NAME]\n"
"                                  [--print-link] [--sendmail CMD]\n"
"       dwadm [global options] user resend-invite EMAIL [--print-link]\n"
"                                  [--sendmail CMD]\n"
"       dwadm [global options] user revoke-invite EMAIL\n"
"       dwadm [-H URI]... user accept-invite [--password-stdin]\n"
"       dwadm [global options] user set-role EMAIL ROLE\n"
"       dwadm [global options] user deactivate EMAIL\n"
"       dwadm [global options] user reactivate EMAIL\n"
"       dwadm [global options] user unlock EMAIL\n"
"\n"
"  list            every admin: e-mail, name, role, status and when the\n"
"                  password was last changed, sorted by e-mail; with\n"
"                  --pending the pending invitations: e-mail, role, who\n"
"                  invited, expiry and whether it has expired\n"
"  show            one admin's attributes (never passwords or other secrets)\n"
"  invite          create an invited admin and mail the accept link\n"
"  resend-invite   a new link and expiry; the old link stops working\n"
"  revoke-invite   withdraw a pending invitation\n"
"  accept-invite   accept with the token and a new password (no bind)\n"
"  set-role        change an admin's role\n"
"  deactivate      refuse an admin's binds and end their sessions\n"
"  reactivate      make a deactivated admin active again (Super Admin)\n"
"  unlock          lift a lockout after failed logins and clear the count\n"
"\n"
"  --json       print JSON instead of a table (list, show)\n"
"  -h, --help   this help; \"dwadm user COMMAND --help\" for a command\n"
"\n"
"Acts as the admin named by --as EMAIL (password prompted for, or read\n"
"from standard input with --password-stdin), or as root with -Y EXTERNAL.\n";

static const char list_help[] =
"usage: dwadm [global options] user list [--pending] [--json]\n"
"\n"
"List every admin (e-mail, name, role, status, password changed), sorted\n"
"by e-mail.  With --pending, list the pending invitations instead:\n"
"e-mail, role, who invited, when the invitation expires and whether it\n"
"has expired (yes/no).  --json prints an array of objects.\n";

static const char show_help[] =
"usage: dwadm [global options] user show EMAIL [--json]\n"
"\n"
"Show one admin's attributes.  Secrets are never requested or shown.\n"
"--json prints one object.\n";

static const char unlock_help[] =
"usage: dwadm [global options] user unlock EMAIL\n"
"\n"
"Lift the admin's lockout after failed logins and clear their count of\n"
"failures (the dwLockout attribute).  Needs admin-users:write.\n";

/* ---- values */

/* The first value of attr in entry e as a NUL-terminated string (a NUL
 * inside the value ends it), or NULL.  Caller frees. */
static char *
first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval	**vals;
	char		 *s = NULL;

	vals = ldap_get_values_len(ld, e, attr);
	if (vals == NULL)
		return NULL;
	if (vals[0] != NULL)
		s = strndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return s;
}

/* ---- list */

struct admin_row {
	char *email;
	char *name;
	char *role;
	char *status;
	char *pwchanged;	/* GeneralizedTime as stored, or NULL */
};

struct admin_rows {
	struct admin_row *v;
	size_t n;
	size_t cap;
};

static void
rows_free(struct admin_rows *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].email);
		free(r->v[i].name);
		free(r->v[i].role);
		free(r->v[i].status);
		free(r->v[i].pwchanged);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int
rows_add(struct admin_rows *r, LDAP *ld, LDAPMessage *e)
{
	struct admin_row	*nv, *row;
	size_t			 cap;

	if (r->n == r->cap) {
		if (r->cap >= ROWS_MAX)
			return -1;
		cap = r->cap == 0 ? 64 : r->cap * 2;
		if ((nv = reallocarray(r->v, cap, sizeof(*nv))) == NULL)
			return -1;
		r->v = nv;
		r->cap = cap;
	}
	row = &r->v[r->n];
	memset(row, 0, sizeof(*row));
	row->email = first_value(ld, e, "uid");
	if (row->email == NULL)
		row->email = first_value(ld, e, "mail");
	row->name = first_value(ld, e, "cn");
	row->role = first_value(ld, e, "dwRole");
	row->status = first_value(ld, e, "dwAccountStatus");
	row->pwchanged = first_value(ld, e, "dwPasswordChangedTime");
	r->n++;
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct admin_row	*x = a, *y = b;

	return strcmp(x->email != NULL ? x->email : "",
	    y->email != NULL ? y->email : "");
}

#define NCOLS 5

static void
print_table(const struct admin_rows *r)
{
	static const char *const head[NCOLS] = {
		"EMAIL", "NAME", "ROLE", "STATUS", "PASSWORD CHANGED",
	};
	const char	*cells[NCOLS];
	char		 when[64];
	size_t		 width[NCOLS], i, j, w;

	for (j = 0; j < NCOLS; j++)
		width[j] = strlen(head[j]);
	for (i = 0; i < r->n; i++) {
		if (r->v[i].pwchanged != NULL)
			dwadm_time_iso(r->v[i].pwchanged, when, sizeof(when));
		cells[0] = r->v[i].email;
		cells[1] = r->v[i].name;
		cells[2] = r->v[i].role;
		cells[3] = r->v[i].status;
		cells[4] = r->v[i].pwchanged != NULL ? when : NULL;
		for (j = 0; j < NCOLS; j++)
			if ((w = dwadm_cell_width(cells[j])) > width[j])
				width[j] = w;
	}
	for (j = 0; j < NCOLS; j++)
		dwadm_cell(head[j], width[j], j == NCOLS - 1);
	for (i = 0; i < r->n; i++) {
		if (r->v[i].pwchanged != NULL)
			dwadm_time_iso(r->v[i].pwchanged, when, sizeof(when));
		cells[0] = r->v[i].email;
		cells[1] = r->v[i].name;
		cells[2] = r->v[i].role;
		cells[3] = r->v[i].status;
		cells[4] = r->v[i].pwchanged != NULL ? when : NULL;
		for (j = 0; j < NCOLS; j++)
			dwadm_cell(cells[j], width[j], j == NCOLS - 1);
	}
}

static void
print_json_list(const struct admin_rows *r)
{
	size_t	i;

	(void)fputs("[", stdout);
	for (i = 0; i < r->n; i++) {
		(void)fputs(i == 0 ? "\n  {\"email\": " : ",\n  {\"email\": ",
		    stdout);
		dwadm_json_str(stdout, r->v[i].email);
		(void)fputs(", \"name\": ", stdout);
		dwadm_json_str(stdout, r->v[i].name);
		(void)fputs(", \"role\": ", stdout);
		dwadm_json_str(stdout, r->v[i].role);
		(void)fputs(", \"status\": ", stdout);
		dwadm_json_str(stdout, r->v[i].status);
		(void)fputs(", \"password_changed\": ", stdout);
		dwadm_json_time(r->v[i].pwchanged);
		(void)fputs("}", stdout);
	}
	(void)fputs(r->n > 0 ? "\n]\n" : "]\n", stdout);
}

static int
admins_base(const struct dwadm *d, char *out, size_t outsz)
{
	int	n;

	n = snprintf(out, outsz, "ou=admins,%s", d->base);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("base DN too long");
	return 0;
}

static int
collect_admin(void *arg, LDAP *ld, LDAPMessage *e)
{
	return rows_add(arg, ld, e) != 0 ? dwadm_fail("out of memory") : 0;
}

static int
user_list(struct dwadm *d)
{
	static char *attrs[] = {
		"uid", "mail", "cn", "dwRole", "dwAccountStatus",
		"dwPasswordChangedTime", NULL,
	};
	struct admin_rows	 rows;
	char			 base[DWADM_DN_MAX];
	int			 rc, stop, ret = DWADM_EXIT_FAIL;

	memset(&rows, 0, sizeof(rows));
	if (admins_base(d, base, sizeof(base)) != 0)
		return DWADM_EXIT_FAIL;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = dwadm_paged_search(d->ld, base, LDAP_SCOPE_ONELEVEL,
	    ADMIN_FILTER, attrs, collect_admin, &rows, &stop);
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, rc == LDAP_NO_SUCH_OBJECT ?
		    "cannot list admins (is the directory initialised?)" :
		    "cannot list admins");
		goto out;
	}
	if (stop != 0) {
		ret = stop;
		goto out;
	}
	if (rows.n > 0)
		qsort(rows.v, rows.n, sizeof(rows.v[0]), row_cmp);
	if (d->json)
		print_json_list(&rows);
	else
		print_table(&rows);
	ret = DWADM_EXIT_OK;
out:
	rows_free(&rows);
	return ret;
}

/* ---- show */

struct show_field {
	const char *attr;	/* LDAP attribute */
	const char *label;	/* table label */
	const char *key;	/* JSON key */
	enum { F_TEXT, F_TIME, F_BOOL } kind;
};

static const struct show_field show_fields[] = {
	{ "uid", "e-mail", "email", F_TEXT },
	{ "cn", "name", "name", F_TEXT },
	{ "sn", "surname", "surname", F_TEXT },
	{ "mail", "mail", "mail", F_TEXT },
	{ "dwRole", "role", "role", F_TEXT },
	{ "dwAccountStatus", "status", "status", F_TEXT },
	{ "dwMfaEnabled", "mfa enabled", "mfa_enabled", F_BOOL },
	{ "dwPasswordChangedTime", "password changed", "password_changed",
	    F_TIME },
	{ "dwInviteExpires", "invite expires", "invite_expires", F_TIME },
	{ "dwInvitedBy", "invited by", "invited_by", F_TEXT },
	{ "createTimestamp", "created", "created", F_TIME },
	{ "modifyTimestamp", "modified", "modified", F_TIME },
};
#define NFIELDS (sizeof(show_fields) / sizeof(show_fields[0]))

static void
print_show(const char *dn, char *const *vals, bool json)
{
	const struct show_field	*f;
	char			 buf[CELL_MAX], when[64];
	const char		*v;
	size_t			 i;

	if (json) {
		(void)fputs("{\"dn\": ", stdout);
		dwadm_json_str(stdout, dn);
		for (i = 0; i < NFIELDS; i++) {
			f = &show_fields[i];
			(void)fprintf(stdout, ", \"%s\": ", f->key);
			if (f->kind == F_BOOL)
				(void)fputs(vals[i] != NULL &&
				    strcasecmp(vals[i], "TRUE") == 0 ? "true" :
				    "false", stdout);
			else if (f->kind == F_TIME)
				dwadm_json_time(vals[i]);
			else
				dwadm_json_str(stdout, vals[i]);
		}
		(void)fputs("}\n", stdout);
		return;
	}
	(void)dwadm_term_clean(dn, buf, sizeof(buf));
	(void)printf("%-16s: %s\n", "dn", buf);
	for (i = 0; i < NFIELDS; i++) {
		f = &show_fields[i];
		v = vals[i];
		if (f->kind == F_BOOL)
			v = v != NULL && strcasecmp(v, "TRUE") == 0 ? "yes" :
			    "no";
		else if (v == NULL)
			v = "-";
		else if (f->kind == F_TIME) {
			dwadm_time_iso(v, when, sizeof(when));
			v = when;
		}
		(void)dwadm_term_clean(v, buf, sizeof(buf));
		(void)printf("%-16s: %s\n", f->label, buf);
	}
}

static int
user_show(struct dwadm *d, const char *arg)
{
	char		*attrs[NFIELDS + 1], *vals[NFIELDS], *dn = NULL;
	char		 email[DW_EMAIL_MAX + 1], entrydn[DWADM_DN_MAX];
	char		 what[DW_EMAIL_MAX + 64];
	LDAPMessage	*res = NULL, *e;
	size_t		 i;
	int		 rc, ret = DWADM_EXIT_FAIL;

	memset(vals, 0, sizeof(vals));
	if (dw_email_normalize(arg, strlen(arg), email, sizeof(email)) !=
	    DW_OK)
		return dwadm_usage_error("user show: not a valid e-mail "
		    "address");
	if (dwadm_admin_dn(d->base, email, entrydn, sizeof(entrydn)) != 0)
		return DWADM_EXIT_FAIL;
	for (i = 0; i < NFIELDS; i++)
		attrs[i] = (char *)show_fields[i].attr;
	attrs[NFIELDS] = NULL;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	(void)snprintf(what, sizeof(what), "cannot show %s", email);
	rc = ldap_search_ext_s(d->ld, entrydn, LDAP_SCOPE_BASE,
	    ADMIN_FILTER, attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = dwadm_fail("no such admin: %s", email);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, what);
		goto out;
	}
	if ((e = ldap_first_entry(d->ld, res)) == NULL) {
		/* Not an admin entry, or hidden from this identity. */
		ret = dwadm_fail("no such admin: %s", email);
		goto out;
	}
	if ((dn = ldap_get_dn(d->ld, e)) == NULL) {
		ret = dwadm_ldap_fail(d->ld, LDAP_DECODING_ERROR, what);
		goto out;
	}
	for (i = 0; i < NFIELDS; i++)
		vals[i] = first_value(d->ld, e, show_fields[i].attr);
	print_show(dn, vals, d->json);
	ret = DWADM_EXIT_OK;
out:
	for (i = 0; i < NFIELDS; i++)
		free(vals[i]);
	ldap_memfree(dn);
	ldap_msgfree(res);
	return ret;
}

/*
 * Delete the admin's whole dwLockout attribute (an LDAP modify with one
 * "delete: dwLockout" item and no values); the overlay decides who may.
 */
static int
user_unlock(struct dwadm *d, const char *arg)
{
	char		 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char		 what[DW_EMAIL_MAX + 64];
	LDAPMod		 mod, *mods[2] = { &mod, NULL };
	int		 rc;

	if ((rc = dwadm_email_arg("user unlock", arg, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	mod.mod_op = LDAP_MOD_DELETE;
	mod.mod_type = "dwLockout";
	mod.mod_values = NULL;
	rc = ldap_modify_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc == LDAP_NO_SUCH_ATTRIBUTE) {
		(void)printf("%s is not locked (no failed logins counted)\n",
		    email);
		return DWADM_EXIT_OK;
	}
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("no such admin: %s", email);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot unlock %s", email);
		return dwadm_ldap_fail(d->ld, rc, what);
	}
	(void)printf("unlocked %s\n", email);
	return DWADM_EXIT_OK;
}

/* ---- dispatch */

static const struct option user_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pending", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
dwadm_cmd_user(struct dwadm *d, int argc, char **argv)
{
	const char	*sub, *help;
	bool		 pending = false;
	int		 c, rc;

	if (argc < 2)
		return dwadm_usage_error("user: give a command (see dwadm user "
		    "--help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(user_help, stdout);
		return DWADM_EXIT_OK;
	}
	/* The lifecycle commands parse their own options. */
	if (strcmp(sub, "invite") == 0)
		return dwadm_user_invite(d, argc - 1, argv + 1);
	if (strcmp(sub, "resend-invite") == 0)
		return dwadm_user_resend(d, argc - 1, argv + 1);
	if (strcmp(sub, "revoke-invite") == 0)
		return dwadm_user_revoke(d, argc - 1, argv + 1);
	if (strcmp(sub, "accept-invite") == 0)
		return dwadm_user_accept(d, argc - 1, argv + 1);
	if (strcmp(sub, "set-role") == 0)
		return dwadm_user_set_role(d, argc - 1, argv + 1);
	if (strcmp(sub, "deactivate") == 0 || strcmp(sub, "reactivate") == 0)
		return dwadm_user_set_status(d, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		help = list_help;
	else if (strcmp(sub, "show") == 0)
		help = show_help;
	else if (strcmp(sub, "unlock") == 0)
		help = unlock_help;
	else
		return dwadm_usage_error("user: unknown command \"%s\" (see "
		    "dwadm user --help)", sub);
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", user_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (strcmp(sub, "unlock") == 0)
				return dwadm_usage_error("user unlock: --json "
				    "belongs to user list and user show");
			d->json = true;
			break;
		case 'p':
			if (strcmp(sub, "list") != 0)
				return dwadm_usage_error("user %s: --pending "
				    "belongs to user list", sub);
			pending = true;
			break;
		case 'h':
			(void)fputs(help, stdout);
			return DWADM_EXIT_OK;
		default:
			return dwadm_usage_error("user %s: unknown option %s "
			    "(see dwadm user --help)", sub, argv[optind - 1]);
		}
	}
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if (strcmp(sub, "list") == 0) {
		if (optind != argc)
			return dwadm_usage_error("user list takes no "
			    "arguments");
		return pending ? dwadm_user_list_pending(d) : user_list(d);
	}
	if (optind + 1 != argc)
		return dwadm_usage_error("user %s takes one e-mail address",
		    sub);
	if (strcmp(sub, "unlock") == 0)
		return user_unlock(d, argv[optind]);
	return user_show(d, argv[optind]);
}
