/*
 * cmd_session.c: "dwadm session list [EMAIL]" and "dwadm session kill
 * ID|EMAIL": the live portal sessions, dwSessionId=ID,ou=sessions,BASE.
 *
 * A session id lets whoever holds it act in the portal as its user, so
 * the directory's access rules let only Super Admins (and root) read or
 * delete sessions; dwadm asks and shows what the directory answers.
 * Deleting a session ends it at the portal's next request (pam_dramwell
 * acct_mgmt); the overlay audits the delete.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_session.h"
#include "dwadm.h"

#define SESSIONS_RDN	"ou=sessions"
#define SESSION_FILTER	"(objectClass=dwSession)"
#define ROWS_MAX	1000000
#define FILTER_MAX	(3 * DWADM_DN_MAX + 64)

static const char session_help[] =
"usage: dwadm [global options] session list [EMAIL] [--json]\n"
"       dwadm [global options] session kill ID|EMAIL\n"
"\n"
"  list   live portal sessions (of EMAIL only, if given): id, user, start,\n"
"         last activity and client address, by user and start; --json\n"
"         prints an array of objects\n"
"  kill   end one session by its id, or every session of EMAIL; the\n"
"         portal refuses the session at its next request\n"
"\n"
"Session ids act as credentials: only Super Admins and root may read or\n"
"delete sessions (the directory's access rules decide).\n"
"\n"
"  --json       list: print JSON\n"
"  -h, --help   this help\n";

static char *session_attrs[] = {
	"dwSessionId", "dwSessionUser", "dwSessionStart",
	"dwSessionLastActivity", "dwClientAddress", NULL,
};

struct row {
	char *id, *user, *start, *last, *client;
	char *email;			/* user as an address when it is one */
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void
rows_free(struct rows *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].user);
		free(r->v[i].start);
		free(r->v[i].last);
		free(r->v[i].client);
		free(r->v[i].email);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int
rows_add(struct rows *r, struct dwadm *d, LDAPMessage *e)
{
	struct row	*nv, *row;
	char		 email[DWADM_DN_MAX];
	size_t		 cap;

	if (r->n == r->cap) {
		if (r->cap >= ROWS_MAX)
			return -1;
		cap = r->cap == 0 ? 32 : r->cap * 2;
		if ((nv = reallocarray(r->v, cap, sizeof(*nv))) == NULL)
			return -1;
		r->v = nv;
		r->cap = cap;
	}
	row = &r->v[r->n++];
	memset(row, 0, sizeof(*row));
	row->id = dwadm_first_value(d->ld, e, "dwSessionId");
	row->user = dwadm_first_value(d->ld, e, "dwSessionUser");
	row->start = dwadm_first_value(d->ld, e, "dwSessionStart");
	row->last = dwadm_first_value(d->ld, e, "dwSessionLastActivity");
	row->client = dwadm_first_value(d->ld, e, "dwClientAddress");
	if (row->user != NULL) {
		dwadm_dn_to_email(row->user, d->base, email, sizeof(email));
		row->email = strdup(email);
	}
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row	*x = a, *y = b;
	int			 c;

	c = strcmp(x->email != NULL ? x->email : "",
	    y->email != NULL ? y->email : "");
	if (c != 0)
		return c;
	/* GeneralizedTime of one form sorts as text. */
	c = strcmp(x->start != NULL ? x->start : "",
	    y->start != NULL ? y->start : "");
	if (c != 0)
		return c;
	return strcmp(x->id != NULL ? x->id : "", y->id != NULL ? y->id : "");
}

static int
sessions_base(const struct dwadm *d, char *out, size_t outsz)
{
	return dwadm_child_dn(SESSIONS_RDN, d->base, out, outsz);
}

/* (&(objectClass=dwSession)(dwSessionUser=DN)) or all sessions. */
static int
session_filter(const struct dwadm *d, const char *email, char *out,
    size_t outsz)
{
	struct berval	 bv, esc = { 0, NULL };
	char		 dn[DWADM_DN_MAX];
	int		 n;

	if (email == NULL) {
		(void)snprintf(out, outsz, "%s", SESSION_FILTER);
		return 0;
	}
	if (dwadm_admin_dn(d->base, email, dn, sizeof(dn)) != 0)
		return DWADM_EXIT_FAIL;
	bv.bv_val = dn;
	bv.bv_len = strlen(dn);
	if (ldap_bv2escaped_filter_value(&bv, &esc) != 0)
		return dwadm_fail("out of memory");
	n = snprintf(out, outsz, "(&%s(dwSessionUser=%s))", SESSION_FILTER,
	    esc.bv_val);
	ldap_memfree(esc.bv_val);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("search filter too long");
	return 0;
}

struct collect {
	struct dwadm *d;
	struct rows *r;
};

static int
collect_one(void *arg, LDAP *ld, LDAPMessage *e)
{
	struct collect	*c = arg;

	return rows_add(c->r, c->d, e) != 0 ? dwadm_fail("out of memory") : 0;
}

/* Every session matching filter into r (paged).  0 or an error line. */
static int
search_sessions(struct dwadm *d, const char *filter, const char *what,
    struct rows *r)
{
	struct collect	 c = { d, r };
	char		 base[DWADM_DN_MAX];
	int		 rc, stop;

	if ((rc = sessions_base(d, base, sizeof(base))) != 0)
		return rc;
	rc = dwadm_paged_search(d->ld, base, LDAP_SCOPE_ONELEVEL, filter,
	    session_attrs, collect_one, &c, &stop);
	/* Hidden and missing look the same, by design. */
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("%s: %s is missing or not readable by this "
		    "identity (only Super Admins and root see sessions)",
		    what, base);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, what);
	return stop;
}

/* ---- list */

#define NCOLS 5

static void
row_cells(const struct row *r, const char **cells, char *start,
    char *last, size_t tsz)
{
	if (r->start != NULL)
		dwadm_time_iso(r->start, start, tsz);
	if (r->last != NULL)
		dwadm_time_iso(r->last, last, tsz);
	cells[0] = r->id;
	cells[1] = r->email;
	cells[2] = r->start != NULL ? start : NULL;
	cells[3] = r->last != NULL ? last : NULL;
	cells[4] = r->client;
}

static void
print_table(const struct rows *r)
{
	static const char *const head[NCOLS] = {
		"ID", "USER", "STARTED", "LAST ACTIVITY", "CLIENT",
	};
	const char	*cells[NCOLS];
	char		 start[64], last[64];
	size_t		 width[NCOLS], i, j, w;

	for (j = 0; j < NCOLS; j++)
		width[j] = strlen(head[j]);
	for (i = 0; i < r->n; i++) {
		row_cells(&r->v[i], cells, start, last, sizeof(start));
		for (j = 0; j < NCOLS; j++) {
			w = dwadm_cell_width(cells[j]);
			if (w > width[j])
				width[j] = w;
		}
	}
	for (j = 0; j < NCOLS; j++)
		dwadm_cell(head[j], width[j], j == NCOLS - 1);
	for (i = 0; i < r->n; i++) {
		row_cells(&r->v[i], cells, start, last, sizeof(start));
		for (j = 0; j < NCOLS; j++)
			dwadm_cell(cells[j], width[j], j == NCOLS - 1);
	}
}

static void
print_json(const struct rows *r)
{
	size_t	i;

	(void)fputs("[", stdout);
	for (i = 0; i < r->n; i++) {
		(void)fputs(i == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ",
		    stdout);
		dwadm_json_str(stdout, r->v[i].id);
		(void)fputs(", \"user\": ", stdout);
		dwadm_json_str(stdout, r->v[i].email);
		(void)fputs(", \"user_dn\": ", stdout);
		dwadm_json_str(stdout, r->v[i].user);
		(void)fputs(", \"started\": ", stdout);
		dwadm_json_time(r->v[i].start);
		(void)fputs(", \"last_activity\": ", stdout);
		dwadm_json_time(r->v[i].last);
		(void)fputs(", \"client\": ", stdout);
		dwadm_json_str(stdout, r->v[i].client);
		(void)fputs("}", stdout);
	}
	(void)fputs(r->n > 0 ? "\n]\n" : "]\n", stdout);
}

static int
session_list(struct dwadm *d, const char *arg)
{
	struct rows	 r;
	char		 email[DW_EMAIL_MAX + 1], filter[FILTER_MAX];
	int		 rc, ret = DWADM_EXIT_FAIL;

	memset(&r, 0, sizeof(r));
	if (arg != NULL && (rc = dwadm_email_arg("session list", arg, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = session_filter(d, arg != NULL ? email : NULL, filter,
	    sizeof(filter))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = search_sessions(d, filter, "cannot list the sessions",
	    &r)) != 0) {
		ret = rc;
		goto out;
	}
	if (r.n > 0)
		qsort(r.v, r.n, sizeof(r.v[0]), row_cmp);
	if (d->json)
		print_json(&r);
	else
		print_table(&r);
	ret = 0;
out:
	rows_free(&r);
	return ret;
}

/* ---- kill */

static int
kill_id(struct dwadm *d, const char *id)
{
	char	dn[DWADM_DN_MAX], rdn[DW_SESSION_ID_LEN + 32];
	int	rc;

	/* [A-Za-z0-9_-] only: nothing to escape. */
	(void)snprintf(rdn, sizeof(rdn), "dwSessionId=%s," SESSIONS_RDN, id);
	if ((rc = dwadm_child_dn(rdn, d->base, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = ldap_delete_ext_s(d->ld, dn, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("session kill: no such session (ended "
		    "already, or not visible to this identity)");
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, "session kill");
	(void)printf("killed 1 session\n");
	return 0;
}

static int
kill_user(struct dwadm *d, const char *arg)
{
	struct rows	 r;
	char		 email[DW_EMAIL_MAX + 1], filter[FILTER_MAX];
	char		 base[DWADM_DN_MAX], dn[DWADM_DN_MAX], what[64];
	size_t		 i, killed = 0;
	int		 rc, ret = DWADM_EXIT_FAIL;

	memset(&r, 0, sizeof(r));
	if ((rc = dwadm_email_arg("session kill", arg, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = session_filter(d, email, filter, sizeof(filter))) != 0 ||
	    (rc = sessions_base(d, base, sizeof(base))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = search_sessions(d, filter, "session kill", &r)) != 0) {
		ret = rc;
		goto out;
	}
	for (i = 0; i < r.n; i++) {
		if (r.v[i].id == NULL ||
		    !dw_session_id_form(r.v[i].id, strlen(r.v[i].id)))
			continue;
		rc = snprintf(dn, sizeof(dn), "dwSessionId=%s,%s", r.v[i].id,
		    base);
		if (rc < 0 || (size_t)rc >= sizeof(dn))
			continue;
		rc = ldap_delete_ext_s(d->ld, dn, NULL, NULL);
		/* Ended meanwhile (logout, idle purge): gone all the same. */
		if (rc == LDAP_NO_SUCH_OBJECT)
			continue;
		if (rc != LDAP_SUCCESS) {
			(void)snprintf(what, sizeof(what), "session kill "
			    "(%zu of %zu killed)", killed, r.n);
			ret = dwadm_ldap_fail(d->ld, rc, what);
			goto out;
		}
		killed++;
	}
	(void)printf("killed %zu session%s of %s\n", killed,
	    killed == 1 ? "" : "s", email);
	ret = 0;
out:
	rows_free(&r);
	return ret;
}

/* ---- dispatch */

static const struct option session_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
dwadm_cmd_session(struct dwadm *d, int argc, char **argv)
{
	const char	*sub, *arg;
	int		 c, rc, nargs;

	if (argc < 2)
		return dwadm_usage_error("session: give list or kill (see "
		    "dwadm session --help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(session_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "kill") != 0)
		return dwadm_usage_error("session: unknown command \"%s\" (see "
		    "dwadm session --help)", sub);
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", session_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			(void)fputs(session_help, stdout);
			return DWADM_EXIT_OK;
		case 'j':
			if (strcmp(sub, "list") != 0)
				return dwadm_usage_error("session %s: --json "
				    "belongs to session list", sub);
			d->json = true;
			break;
		default:
			return dwadm_usage_error("session %s: unknown option "
			    "%s (see dwadm session --help)", sub,
			    argv[optind - 1]);
		}
	}
	nargs = argc - optind;
	arg = nargs > 0 ? argv[optind] : NULL;
	if (strcmp(sub, "list") == 0) {
		if (nargs > 1)
			return dwadm_usage_error("session list takes at most "
			    "one e-mail address");
		if ((rc = dwadm_setup(d)) != 0)
			return rc;
		return session_list(d, arg);
	}
	if (nargs != 1)
		return dwadm_usage_error("session kill takes one session id or "
		    "e-mail address");
	/* An id has no '@'; an address always has one. */
	if (dw_session_id_form(arg, strlen(arg))) {
		if ((rc = dwadm_setup(d)) != 0)
			return rc;
		return kill_id(d, arg);
	}
	if (strchr(arg, '@') == NULL)
		return dwadm_usage_error("session kill: not a session id (%d "
		    "characters of A-Z, a-z, 0-9, '-', '_') or an e-mail "
		    "address", DW_SESSION_ID_LEN);
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	return kill_user(d, arg);
}
