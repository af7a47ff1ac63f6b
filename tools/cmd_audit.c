/*
 * cmd_audit.c: "dwadm audit search|export|verify|status|record": review,
 * export and check the audit log (dwAuditId=ID,ou=audit,BASE), and append
 * an event to it.
 *
 * Reading the log is left to the directory's access rules (Super Admins
 * and root).  Every search is paged (RFC 2696): search keeps only the
 * newest --limit entries, export streams each entry to the file as it
 * arrives.  An event is appended by adding dwAuditId=new,ou=audit,BASE
 * with the event's own attributes only: the overlay refuses anything
 * else and writes the real entry with its id, time, actor, client
 * address and chain hash.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dw_audit.h"
#include "dw_auditlog.h"
#include "dw_policy.h"
#include "dw_time.h"
#include "dwadm.h"

#define AUDIT_RDN	"ou=audit"
#define POLICY_RDN	"cn=security,ou=policy"
#define EVENT_FILTER	"(objectClass=dwAuditEvent)"
#define LIMIT_DEFAULT	50
#define LIMIT_MAX	10000
#define FILTER_MAX	(8 * DWADM_DN_MAX)
#define DETAILS_MAX	8		/* --detail values of one record (the overlay's limit) */
#define DETAIL_LEN_MAX	4096		/* the schema's bound */
#define TEXT_LEN_MAX	1024		/* --target, --action */
#define LINKS_MAX	200000000	/* a sanity cap on verify */
#define TIMESPEC_FORMS	"YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, YYYYMMDDHHMMSSZ " \
			"or a duration such as 30m, 12h, 7d, 2w"

static const char audit_help[] =
"usage: dwadm [global options] audit search [FILTERS] [--limit N]\n"
"                  [--before ID] [--format table|csv|json]\n"
"       dwadm [global options] audit export --csv FILE [FILTERS]\n"
"       dwadm [global options] audit verify\n"
"       dwadm [global options] audit status\n"
"       dwadm [global options] audit record --category C --action A\n"
"                  [--target T] [--on-behalf-of EMAIL] [--result N]\n"
"                  [--detail TEXT]...\n"
"\n"
"  search   the newest matching events first (--limit, default 50); with\n"
"           --before ID the events older than ID (the next page)\n"
"  export   every matching event to FILE as CSV (\"-\": standard output);\n"
"           the export is itself recorded in the audit log\n"
"  verify   check every server's hash chain; exit 0 intact, 1 fault,\n"
"           2 error\n"
"  status   entries, retention and the last purge of each server\n"
"  record   append an event (the server adds id, time, actor, client)\n"
"\n"
"FILTERS:\n"
"  --user EMAIL|DN    events by, on, or on behalf of this admin or DN\n"
"  --action A         e.g. bind, add, modify, delete, audit-export\n"
"  --category C       authentication, data-access, configuration or\n"
"                     destructive\n"
"  --since T          at or after T; --until T: at or before T; T is\n"
"                     " TIMESPEC_FORMS "\n"
"                     (before now), all UTC\n"
"  --before ID        events whose id is below ID\n"
"\n"
"  -h, --help   this help\n"
"\n"
"Only Super Admins and root read the audit log (the directory decides).\n";

/* ---- the columns of an event */

enum col {
	COL_ID, COL_TIME, COL_CATEGORY, COL_ACTION, COL_ACTOR, COL_TARGET,
	COL_ONBEHALF, COL_RESULT, COL_CLIENT, COL_DETAILS, NCOLS
};

static const struct {
	const char *attr, *head, *key;
} cols[NCOLS] = {
	{ "dwAuditId", "ID", "id" },
	{ "dwAuditTime", "TIME", "time" },
	{ "dwAuditCategory", "CATEGORY", "category" },
	{ "dwAuditAction", "ACTION", "action" },
	{ "dwAuditActor", "ACTOR", "actor" },
	{ "dwAuditTarget", "TARGET", "target" },
	{ "dwAuditOnBehalfOf", "ON BEHALF OF", "on_behalf_of" },
	{ "dwAuditResult", "RESULT", "result" },
	{ "dwAuditClient", "CLIENT", "client" },
	{ "dwAuditDetail", "DETAILS", "details" },
};

static char *event_attrs[] = {
	"dwAuditId", "dwAuditTime", "dwAuditCategory", "dwAuditAction",
	"dwAuditActor", "dwAuditTarget", "dwAuditOnBehalfOf", "dwAuditResult",
	"dwAuditClient", "dwAuditDetail", NULL,
};

/* One event as read: the single values (COL_DETAILS unused) and the
 * details. */
struct event {
	char	 *f[NCOLS];
	char	**det;
	size_t	  ndet;
};

static void
event_free(struct event *ev)
{
	size_t	i;

	for (i = 0; i < NCOLS; i++)
		free(ev->f[i]);
	for (i = 0; i < ev->ndet; i++)
		free(ev->det[i]);
	free(ev->det);
	memset(ev, 0, sizeof(*ev));
}

/* 0, or -1 when out of memory (ev freed). */
static int
event_read(LDAP *ld, LDAPMessage *e, struct event *ev)
{
	struct berval	**vals;
	size_t		  i, n;

	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < COL_DETAILS; i++)
		ev->f[i] = dwadm_first_value(ld, e, cols[i].attr);
	if ((vals = ldap_get_values_len(ld, e, "dwAuditDetail")) == NULL)
		return 0;
	n = (size_t)ldap_count_values_len(vals);
	if ((ev->det = calloc(n + 1, sizeof(*ev->det))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		ev->det[i] = strndup(vals[i]->bv_val, vals[i]->bv_len);
		if (ev->det[i] == NULL)
			goto nomem;
		ev->ndet++;
	}
	ldap_value_free_len(vals);
	return 0;
nomem:
	ldap_value_free_len(vals);
	event_free(ev);
	return -1;
}

/* The details in one string, sep between values; caller frees. */
static char *
details_join(const struct event *ev, const char *sep)
{
	size_t	 i, len = 1, seplen = strlen(sep);
	char	*s, *p;

	for (i = 0; i < ev->ndet; i++)
		len += strlen(ev->det[i]) + seplen;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	*p = '\0';
	for (i = 0; i < ev->ndet; i++) {
		if (i > 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		len = strlen(ev->det[i]);
		memcpy(p, ev->det[i], len);
		p += len;
	}
	*p = '\0';
	return s;
}

/* ---- options and the filter */

struct audit_args {
	const char *user, *action, *category, *since, *until, *before;
	const char *format, *csv, *target, *onbehalf, *result;
	const char *detail[DETAILS_MAX];
	size_t ndetail;
	long limit;
};

/* Append "(ATTR OP VALUE)", VALUE escaped for a filter (RFC 4515). */
static int
filter_add(char *out, size_t outsz, const char *attr, const char *op,
    const char *value)
{
	struct berval	 bv, esc = { 0, NULL };
	size_t		 len = strlen(out);
	int		 n;

	bv.bv_val = (char *)value;
	bv.bv_len = strlen(value);
	if (ldap_bv2escaped_filter_value(&bv, &esc) != 0)
		return dwadm_fail("out of memory");
	n = snprintf(out + len, outsz - len, "(%s%s%s)", attr, op, esc.bv_val);
	ldap_memfree(esc.bv_val);
	if (n < 0 || (size_t)n >= outsz - len)
		return dwadm_usage_error("audit: the search filter is too "
		    "long");
	return 0;
}

static int
filter_raw(char *out, size_t outsz, const char *s)
{
	size_t	len = strlen(out);
	int	n;

	n = snprintf(out + len, outsz - len, "%s", s);
	if (n < 0 || (size_t)n >= outsz - len)
		return dwadm_usage_error("audit: the search filter is too "
		    "long");
	return 0;
}

/* --user: an e-mail address names the admin's DN; anything else must be
 * a DN. */
static int
user_dn(const struct dwadm *d, const char *user, char *out, size_t outsz)
{
	char	email[DW_EMAIL_MAX + 1];
	LDAPDN	dn = NULL;
	int	rc;

	if (strchr(user, '@') != NULL && strchr(user, '=') == NULL) {
		if ((rc = dwadm_email_arg("audit: --user", user, email,
		    sizeof(email))) != 0)
			return rc;
		return dwadm_admin_dn(d->base, email, out, outsz);
	}
	if (ldap_str2dn(user, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    dn == NULL) {
		ldap_dnfree(dn);
		return dwadm_usage_error("audit: --user: neither an e-mail "
		    "address nor a DN");
	}
	ldap_dnfree(dn);
	if (strlen(user) >= outsz)
		return dwadm_usage_error("audit: --user: DN too long");
	(void)snprintf(out, outsz, "%s", user);
	return 0;
}

/* "(!(ATTR OP VALUE))", VALUE escaped. */
static int
filter_not(char *out, size_t outsz, const char *attr, const char *op,
    const char *value)
{
	int	rc;

	if ((rc = filter_raw(out, outsz, "(!")) != 0 ||
	    (rc = filter_add(out, outsz, attr, op, value)) != 0)
		return rc;
	return filter_raw(out, outsz, ")");
}

/*
 * --since/--until into *t, and the GeneralizedTime just outside the
 * bound into out: a microsecond before --since, after --until (the
 * server writes at most microseconds).
 */
static int
time_arg(const char *opt, const char *s, time_t now, bool since, time_t *t,
    char *out, size_t outsz)
{
	int	rc;

	rc = dw_timespec_parse(s, now, t);
	if (rc == DW_ERR_RANGE || (rc == DW_OK && dw_gentime_format(since ?
	    *t - 1 : *t, since ? 999999 : 1, out, outsz) != DW_OK))
		return dwadm_usage_error("audit: %s: out of range", opt);
	if (rc != DW_OK)
		return dwadm_usage_error("audit: %s: not a point in time "
		    "(%s)", opt, TIMESPEC_FORMS);
	return 0;
}

/*
 * The time bounds.  Written as negations, "not at or before the
 * microsecond before --since": slapd's equality index on dwAuditTime
 * would otherwise drive the search, and back-mdb builds the candidates of
 * a range from it slowly and again for every page (200,000 entries: 30 s
 * a page even for one hour).  A negation is not taken from an index, so
 * the narrow terms drive and the time is checked on each candidate
 * (200,000 entries: a week in 1 s, one user's week in 0.5 s).
 */
static int
filter_times(char *out, size_t outsz, const char *since, const char *until)
{
	int	rc;

	if (since == NULL && until == NULL)
		return 0;
	if ((rc = filter_raw(out, outsz, "(dwAuditTime=*)")) != 0 ||
	    (since != NULL && (rc = filter_not(out, outsz, "dwAuditTime",
	    "<=", since)) != 0) ||
	    (until != NULL && (rc = filter_not(out, outsz, "dwAuditTime",
	    ">=", until)) != 0))
		return rc;
	return 0;
}

/* The filter of the FILTERS options, every value escaped. */
static int
query_filter(const struct dwadm *d, const struct audit_args *a, char *out,
    size_t outsz)
{
	char	dn[DWADM_DN_MAX], since[DW_GENTIME_MAX], until[DW_GENTIME_MAX];
	time_t	now = time(NULL), ts = 0, tu = 0;
	int	rc;

	if (a->category != NULL && !dw_audit_category_valid(a->category, strlen(a->category)))
		return dwadm_usage_error("audit: --category: one of "
		    "authentication, data-access, configuration, destructive");
	if (a->before != NULL &&
	    dw_audit_id_parse(a->before, strlen(a->before), NULL) != DW_OK)
		return dwadm_usage_error("audit: --before: not an audit id "
		    "(as printed in the ID column)");
	if ((a->since != NULL && (rc = time_arg("--since", a->since, now,
	    true, &ts, since, sizeof(since))) != 0) ||
	    (a->until != NULL && (rc = time_arg("--until", a->until, now,
	    false, &tu, until, sizeof(until))) != 0))
		return rc;
	if (a->since != NULL && a->until != NULL && ts > tu)
		return dwadm_usage_error("audit: --since is after --until");
	out[0] = '\0';
	if ((rc = filter_raw(out, outsz, "(&" EVENT_FILTER)) != 0)
		return rc;
	if (a->user != NULL) {
		if ((rc = user_dn(d, a->user, dn, sizeof(dn))) != 0 ||
		    (rc = filter_raw(out, outsz, "(|")) != 0 ||
		    (rc = filter_add(out, outsz, "dwAuditActor", "=", dn)) !=
		    0 ||
		    (rc = filter_add(out, outsz, "dwAuditTarget", "=", dn)) !=
		    0 ||
		    (rc = filter_add(out, outsz, "dwAuditOnBehalfOf", "=",
		    dn)) != 0 ||
		    (rc = filter_raw(out, outsz, ")")) != 0)
			return rc;
	}
	if ((a->action != NULL && (rc = filter_add(out, outsz,
	    "dwAuditAction", "=", a->action)) != 0) ||
	    (a->category != NULL && (rc = filter_add(out, outsz,
	    "dwAuditCategory", "=", a->category)) != 0) ||
	    (rc = filter_times(out, outsz, a->since != NULL ? since : NULL,
	    a->until != NULL ? until : NULL)) != 0 ||
	    (a->before != NULL && (rc = filter_not(out, outsz, "dwAuditId",
	    ">=", a->before)) != 0))
		return rc;
	return filter_raw(out, outsz, ")");
}

static int
audit_base(const struct dwadm *d, char *out, size_t outsz)
{
	return dwadm_child_dn(AUDIT_RDN, d->base, out, outsz);
}

/* Search the events matching filter, fn per entry.  0 or an exit status
 * (the error printed). */
static int
audit_search(struct dwadm *d, const char *filter, char **attrs,
    dwadm_entry_fn fn, void *arg, const char *what)
{
	char	base[DWADM_DN_MAX];
	int	rc, stop;

	if ((rc = audit_base(d, base, sizeof(base))) != 0)
		return rc;
	rc = dwadm_paged_search(d->ld, base, LDAP_SCOPE_ONELEVEL, filter,
	    attrs, fn, arg, &stop);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("%s: %s is missing or not readable by this "
		    "identity (only Super Admins and root read the audit log)",
		    what, base);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, what);
	return stop;
}

/* ---- output */

/* The cells of ev for a table (human: admins by address, details joined
 * by "; ") or a file (stored values, details one a line).  time holds
 * the ISO time; *joined (freed by the caller) the details.  -1 when out
 * of memory. */
static int
event_cells(const struct dwadm *d, const struct event *ev, bool human,
    const char *cells[NCOLS], char time_iso[64], char who[3][DWADM_DN_MAX],
    char **joined)
{
	static const enum col dn_cols[3] = {
		COL_ACTOR, COL_TARGET, COL_ONBEHALF,
	};
	size_t	i;

	for (i = 0; i < NCOLS; i++)
		cells[i] = ev->f[i];
	if (ev->f[COL_TIME] != NULL) {
		dwadm_time_iso(ev->f[COL_TIME], time_iso, 64);
		cells[COL_TIME] = time_iso;
	}
	for (i = 0; human && i < 3; i++)
		if (ev->f[dn_cols[i]] != NULL) {
			dwadm_dn_to_email(ev->f[dn_cols[i]], d->base, who[i],
			    DWADM_DN_MAX);
			cells[dn_cols[i]] = who[i];
		}
	*joined = details_join(ev, human ? "; " : "\n");
	cells[COL_DETAILS] = *joined;
	return *joined == NULL ? -1 : 0;
}

/* One CSV row of ev (or the header when ev is NULL); 0 or DW_ERR_*. */
static int
csv_event(const struct dwadm *d, FILE *f, const struct event *ev)
{
	struct dw_bytes	 cells[NCOLS];
	const char	*s[NCOLS];
	char		 t[64], who[3][DWADM_DN_MAX], *joined = NULL;
	size_t		 i;
	int		 rc;

	if (ev == NULL) {
		for (i = 0; i < NCOLS; i++)
			s[i] = cols[i].key;
	} else if (event_cells(d, ev, false, s, t, who, &joined) != 0)
		return DW_ERR_NOMEM;
	for (i = 0; i < NCOLS; i++) {
		cells[i].p = s[i];
		cells[i].len = s[i] != NULL ? strlen(s[i]) : 0;
	}
	rc = dw_csv_row(f, cells, NCOLS);
	free(joined);
	return rc;
}

static void
json_event(const struct dwadm *d, const struct event *ev, bool first)
{
	const char	*s[NCOLS];
	char		 t[64], who[3][DWADM_DN_MAX], *joined = NULL;
	size_t		 i;

	(void)event_cells(d, ev, false, s, t, who, &joined);
	free(joined);
	(void)fputs(first ? "\n  {" : ",\n  {", stdout);
	for (i = 0; i < COL_DETAILS; i++) {
		(void)printf("%s\"%s\": ", i > 0 ? ", " : "", cols[i].key);
		dwadm_json_str(stdout, s[i]);
	}
	(void)fputs(", \"details\": [", stdout);
	for (i = 0; i < ev->ndet; i++) {
		if (i > 0)
			(void)fputs(", ", stdout);
		dwadm_json_str(stdout, ev->det[i]);
	}
	(void)fputs("]}", stdout);
}

/* ---- search: the newest --limit events, in a bounded min-heap by id */

struct newest {
	struct dwadm *d;
	struct event *v;	/* v[0]: the oldest kept */
	size_t n, cap;
	size_t seen;		/* matching events */
	int oom;
};

static const char *
ev_id(const struct event *ev)
{
	return ev->f[COL_ID] != NULL ? ev->f[COL_ID] : "";
}

static void
heap_down(struct event *v, size_t n, size_t i)
{
	struct event	tmp;
	size_t		c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && strcmp(ev_id(&v[c + 1]), ev_id(&v[c])) < 0)
			c++;
		if (strcmp(ev_id(&v[c]), ev_id(&v[i])) >= 0)
			break;
		tmp = v[i];
		v[i] = v[c];
		v[c] = tmp;
		i = c;
	}
}

static void
heap_up(struct event *v, size_t i)
{
	struct event	tmp;
	size_t		p;

	while (i > 0 && strcmp(ev_id(&v[(p = (i - 1) / 2)]),
	    ev_id(&v[i])) > 0) {
		tmp = v[i];
		v[i] = v[p];
		v[p] = tmp;
		i = p;
	}
}

static int
keep_newest(void *arg, LDAP *ld, LDAPMessage *e)
{
	struct newest	*h = arg;
	struct event	 ev;
	char		*id;

	h->seen++;
	if (h->n == h->cap) {
		/* Older than everything kept: not read any further. */
		id = dwadm_first_value(ld, e, "dwAuditId");
		if (id == NULL || strcmp(id, ev_id(&h->v[0])) <= 0) {
			free(id);
			return 0;
		}
		free(id);
	}
	if (event_read(ld, e, &ev) != 0)
		return dwadm_fail("out of memory");
	if (h->n < h->cap) {
		h->v[h->n] = ev;
		heap_up(h->v, h->n++);
		return 0;
	}
	event_free(&h->v[0]);
	h->v[0] = ev;
	heap_down(h->v, h->n, 0);
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	return strcmp(ev_id(b), ev_id(a));
}

/* Measure (width != NULL: widen it) or print one table row. */
static void
table_row(const struct dwadm *d, const struct event *ev, size_t *width,
    const size_t *print_width)
{
	const char	*s[NCOLS];
	char		 t[64], who[3][DWADM_DN_MAX], *joined = NULL;
	char		 buf[DWADM_CELL_MAX];
	size_t		 j, w;

	if (event_cells(d, ev, true, s, t, who, &joined) != 0)
		s[COL_DETAILS] = "?";
	for (j = 0; j < NCOLS; j++) {
		if (print_width != NULL) {
			dwadm_cell(s[j], print_width[j], j == NCOLS - 1);
			continue;
		}
		w = dwadm_term_clean(s[j] != NULL ? s[j] : "-", buf,
		    sizeof(buf));
		if (w > width[j])
			width[j] = w;
	}
	free(joined);
}

static void
print_table(const struct newest *h)
{
	size_t	width[NCOLS], i, j;

	for (j = 0; j < NCOLS; j++)
		width[j] = strlen(cols[j].head);
	for (i = 0; i < h->n; i++)
		table_row(h->d, &h->v[i], width, NULL);
	for (j = 0; j < NCOLS; j++)
		dwadm_cell(cols[j].head, width[j], j == NCOLS - 1);
	for (i = 0; i < h->n; i++)
		table_row(h->d, &h->v[i], NULL, width);
}

static int
search_cmd(struct dwadm *d, const struct audit_args *a)
{
	struct newest	 h;
	char		 filter[FILTER_MAX];
	const char	*format = a->format != NULL ? a->format :
			    d->json ? "json" : "table";
	size_t		 i;
	int		 rc, ret = DWADM_EXIT_FAIL;

	memset(&h, 0, sizeof(h));
	if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "json") != 0)
		return dwadm_usage_error("audit search: --format: table, csv "
		    "or json");
	if ((rc = query_filter(d, a, filter, sizeof(filter))) != 0)
		return rc;
	h.d = d;
	h.cap = (size_t)a->limit;
	if ((h.v = calloc(h.cap, sizeof(*h.v))) == NULL)
		return dwadm_fail("out of memory");
	if ((rc = dwadm_connect(d)) != 0 ||
	    (rc = audit_search(d, filter, event_attrs, keep_newest, &h,
	    "audit search")) != 0) {
		ret = rc;
		goto out;
	}
	qsort(h.v, h.n, sizeof(h.v[0]), newest_first);
	if (strcmp(format, "json") == 0) {
		(void)fputs("[", stdout);
		for (i = 0; i < h.n; i++)
			json_event(d, &h.v[i], i == 0);
		(void)fputs(h.n > 0 ? "\n]\n" : "]\n", stdout);
	} else if (strcmp(format, "csv") == 0) {
		for (i = 0; i <= h.n; i++)
			if (csv_event(d, stdout, i == 0 ? NULL :
			    &h.v[i - 1]) != DW_OK) {
				ret = dwadm_fail("cannot write the output");
				goto out;
			}
	} else
		print_table(&h);
	/* On standard error: standard output stays one document. */
	if (h.seen > h.n)
		(void)fprintf(stderr, "%zu older matching event%s; for the next "
		    "page add --before %s\n", h.seen - h.n,
		    h.seen - h.n == 1 ? "" : "s", ev_id(&h.v[h.n - 1]));
	ret = 0;
out:
	for (i = 0; i < h.n; i++)
		event_free(&h.v[i]);
	free(h.v);
	return ret;
}

/* ---- record: the append path */

struct record {
	const char *category, *action, *target, *onbehalf_dn, *result;
	const char *const *detail;
	size_t ndetail;
};

/* mod[*m] adds the value v of attr (arr holds it), when v is given. */
static void
mod_one(LDAPMod *mod, size_t *m, const char *attr, const char *v,
    char *arr[2])
{
	if (v == NULL)
		return;
	arr[0] = (char *)v;
	arr[1] = NULL;
	mod[*m].mod_type = (char *)attr;
	mod[*m].mod_values = arr;
	(*m)++;
}

/* Add dwAuditId=new,ou=audit,BASE with the event's own attributes: the
 * overlay writes the real entry.  An LDAP result code; nothing printed. */
static int
audit_append(struct dwadm *d, const struct record *r)
{
	LDAPMod	 mod[8], *mods[9];
	char	*oc[] = { "dwAuditEvent", NULL }, *id[] = { "new", NULL };
	char	*cat[2], *act[2], *tgt[2], *obo[2], *res[2];
	char	*det[DETAILS_MAX + 1], base[DWADM_DN_MAX], dn[DWADM_DN_MAX];
	size_t	 m = 0, i;
	int	 n;

	if (audit_base(d, base, sizeof(base)) != 0)
		return LDAP_PARAM_ERROR;
	n = snprintf(dn, sizeof(dn), "dwAuditId=new,%s", base);
	if (n < 0 || (size_t)n >= sizeof(dn) || r->ndetail > DETAILS_MAX)
		return LDAP_PARAM_ERROR;
	memset(mod, 0, sizeof(mod));
	mod[m].mod_type = "objectClass";
	mod[m++].mod_values = oc;
	mod[m].mod_type = "dwAuditId";
	mod[m++].mod_values = id;
	mod_one(mod, &m, "dwAuditCategory", r->category, cat);
	mod_one(mod, &m, "dwAuditAction", r->action, act);
	mod_one(mod, &m, "dwAuditTarget", r->target, tgt);
	mod_one(mod, &m, "dwAuditOnBehalfOf", r->onbehalf_dn, obo);
	mod_one(mod, &m, "dwAuditResult", r->result, res);
	if (r->ndetail > 0) {
		for (i = 0; i < r->ndetail; i++)
			det[i] = (char *)r->detail[i];
		det[i] = NULL;
		mod[m].mod_type = "dwAuditDetail";
		mod[m++].mod_values = det;
	}
	for (i = 0; i < m; i++) {
		mod[i].mod_op = LDAP_MOD_ADD;
		mods[i] = &mod[i];
	}
	mods[m] = NULL;
	return ldap_add_ext_s(d->ld, dn, mods, NULL, NULL);
}

/* A value for the log: valid UTF-8 without control characters, at most
 * max bytes. */
static int
text_arg(const char *opt, const char *s, size_t max)
{
	if (*s == '\0' || strlen(s) > max || !dwadm_text_ok(s))
		return dwadm_usage_error("audit record: %s: 1 to %zu bytes of "
		    "text without control characters", opt, max);
	return 0;
}

static int
record_cmd(struct dwadm *d, const struct audit_args *a)
{
	struct record	 r;
	char		 email[DW_EMAIL_MAX + 1], obo[DWADM_DN_MAX];
	char		*end;
	long		 res;
	size_t		 i;
	int		 rc;

	memset(&r, 0, sizeof(r));
	if (a->category == NULL || a->action == NULL)
		return dwadm_usage_error("audit record: give --category and "
		    "--action");
	if (!dw_audit_category_valid(a->category, strlen(a->category)))
		return dwadm_usage_error("audit record: --category: one of "
		    "authentication, data-access, configuration, destructive");
	if ((rc = text_arg("--action", a->action, 64)) != 0 ||
	    (a->target != NULL && (rc = text_arg("--target", a->target,
	    TEXT_LEN_MAX)) != 0))
		return rc;
	for (i = 0; i < a->ndetail; i++)
		if ((rc = text_arg("--detail", a->detail[i],
		    DETAIL_LEN_MAX)) != 0)
			return rc;
	if (a->result != NULL) {
		errno = 0;
		res = strtol(a->result, &end, 10);
		if (errno != 0 || end == a->result || *end != '\0' ||
		    res < 0 || res > INT_MAX || a->result[0] == '+')
			return dwadm_usage_error("audit record: --result: an "
			    "LDAP result code (a whole number, 0 or more)");
	}
	if (a->onbehalf != NULL &&
	    ((rc = dwadm_email_arg("audit record: --on-behalf-of",
	    a->onbehalf, email, sizeof(email))) != 0 ||
	    (rc = dwadm_admin_dn(d->base, email, obo, sizeof(obo))) != 0))
		return rc;
	r.category = a->category;
	r.action = a->action;
	r.target = a->target;
	r.onbehalf_dn = a->onbehalf != NULL ? obo : NULL;
	r.result = a->result;
	r.detail = a->detail;
	r.ndetail = a->ndetail;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = audit_append(d, &r)) != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, "audit record");
	(void)printf("recorded the event in the audit log\n");
	return 0;
}

/* ---- export */

struct export {
	struct dwadm *d;
	FILE *f;
	const char *name;
	unsigned long long rows;
};

static int
export_one(void *arg, LDAP *ld, LDAPMessage *e)
{
	struct export	*x = arg;
	struct event	 ev;
	int		 rc;

	if (event_read(ld, e, &ev) != 0)
		return dwadm_fail("out of memory");
	rc = csv_event(x->d, x->f, &ev);
	event_free(&ev);
	if (rc == DW_ERR_NOMEM)
		return dwadm_fail("out of memory");
	if (rc != DW_OK)
		return dwadm_fail("audit export: cannot write %s: %s", x->name,
		    strerror(errno));
	x->rows++;
	return 0;
}

/* The directory FILE goes to must exist: checked before anything is
 * done. */
static int
export_dir_check(const char *file)
{
	struct stat	 st;
	const char	*slash = strrchr(file, '/');
	char		 dir[PATH_MAX];
	int		 n;

	if (slash == NULL)
		n = snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		n = snprintf(dir, sizeof(dir), "/");
	else
		n = snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file),
		    file);
	if (n < 0 || (size_t)n >= sizeof(dir) || slash == file + strlen(file) - 1)
		return dwadm_usage_error("audit export: --csv: not a file "
		    "name");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return dwadm_usage_error("audit export: cannot write %s: the "
		    "directory %s does not exist", file, dir);
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
		return dwadm_usage_error("audit export: %s is a directory",
		    file);
	return 0;
}

/* FILE.tmp, created new and private; NULL (the error printed) if not. */
static FILE *
export_open(const char *file, char *tmp, size_t tmpsz)
{
	FILE	*f;
	int	 fd, n;

	n = snprintf(tmp, tmpsz, "%s.tmp", file);
	if (n < 0 || (size_t)n >= tmpsz) {
		(void)dwadm_fail("audit export: file name too long");
		return NULL;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		(void)dwadm_fail("audit export: cannot create %s: %s%s", tmp,
		    strerror(errno), errno == EEXIST ? " (another export "
		    "running? if not, remove it)" : "");
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		(void)dwadm_fail("audit export: %s: %s", tmp, strerror(errno));
		(void)close(fd);
		(void)unlink(tmp);
	}
	return f;
}

/* Flush, sync and close FILE.tmp and rename it to FILE; on failure
 * FILE.tmp is removed. */
static int
export_commit(FILE *f, const char *tmp, const char *file)
{
	int	ok, err;

	ok = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, file) == 0)
		return 0;
	err = errno;
	(void)unlink(tmp);
	return dwadm_fail("audit export: cannot write %s: %s", file,
	    strerror(err));
}

static int
export_cmd(struct dwadm *d, const struct audit_args *a)
{
	struct export	 x;
	struct record	 r;
	const char	*det[2];
	char		 filter[FILTER_MAX], base[DWADM_DN_MAX];
	char		 tmp[PATH_MAX], dfilter[FILTER_MAX + 16], drows[64];
	bool		 to_stdout;
	int		 rc, ret = DWADM_EXIT_FAIL;

	memset(&x, 0, sizeof(x));
	if (a->csv == NULL)
		return dwadm_usage_error("audit export: give --csv FILE");
	to_stdout = strcmp(a->csv, "-") == 0;
	if ((rc = query_filter(d, a, filter, sizeof(filter))) != 0 ||
	    (!to_stdout && (rc = export_dir_check(a->csv)) != 0) ||
	    (rc = audit_base(d, base, sizeof(base))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	x.d = d;
	x.name = to_stdout ? "standard output" : a->csv;
	x.f = to_stdout ? stdout : export_open(a->csv, tmp, sizeof(tmp));
	if (x.f == NULL)
		return DWADM_EXIT_FAIL;
	if (csv_event(d, x.f, NULL) != DW_OK) {
		ret = dwadm_fail("audit export: cannot write %s: %s", x.name,
		    strerror(errno));
		goto out;
	}
	if ((rc = audit_search(d, filter, event_attrs, export_one, &x,
	    "audit export")) != 0) {
		ret = rc;
		goto out;
	}
	if (to_stdout) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ret = dwadm_fail("audit export: cannot write the "
			    "output");
			goto out;
		}
	} else {
		rc = export_commit(x.f, tmp, a->csv);
		x.f = NULL;
		if (rc != 0) {
			ret = rc;
			goto out;
		}
	}
	(void)snprintf(dfilter, sizeof(dfilter), "filter: %s", filter);
	(void)snprintf(drows, sizeof(drows), "rows: %llu", x.rows);
	det[0] = dfilter;
	det[1] = drows;
	memset(&r, 0, sizeof(r));
	r.category = DW_AUDIT_CAT_ACCESS;
	r.action = "audit-export";
	r.target = base;
	r.detail = det;
	r.ndetail = 2;
	ret = 0;
	if ((rc = audit_append(d, &r)) != LDAP_SUCCESS) {
		char	why[512];

		dwadm_ldap_describe(d->ld, rc, why, sizeof(why));
		ret = dwadm_fail("audit export: %llu rows written to %s, but "
		    "the export could not be recorded in the audit log: %s",
		    x.rows, x.name, why);
		goto out;
	}
	(void)fprintf(to_stdout ? stderr : stdout, "exported %llu event%s "
	    "to %s\n", x.rows, x.rows == 1 ? "" : "s", x.name);
out:
	if (x.f != NULL && !to_stdout) {
		(void)fclose(x.f);
		(void)unlink(tmp);
	}
	return ret;
}

/* ---- verify */

static char *verify_attrs[] = {
	"dwAuditId", "dwAuditTime", "dwAuditCategory", "dwAuditAction",
	"dwAuditActor", "dwAuditTarget", "dwAuditResult", "dwAuditClient",
	"dwAuditOnBehalfOf", "dwAuditAnchor", "dwAuditDetail", "dwAuditHash",
	"dwAuditPrevHash", NULL,
};

struct links {
	struct dw_audit_link *v;
	size_t n, cap;
	size_t malformed;	/* entries without a valid dwAuditId */
	size_t misplaced;	/* entries not directly below the base */
	size_t future;		/* entries dated in the future */
	LDAPDN base;		/* the audit base, parsed */
	time_t now;
};

/* Seconds an entry's time may lie ahead of this host's clock. */
#define FUTURE_SKEW	60

/* The first value of attr as bytes (empty when absent); *vals to free. */
static struct dw_bytes
one_value(LDAP *ld, LDAPMessage *e, const char *attr, struct berval ***vals)
{
	struct dw_bytes	b = { NULL, 0 };

	*vals = ldap_get_values_len(ld, e, attr);
	if (*vals != NULL && (*vals)[0] != NULL) {
		b.p = (*vals)[0]->bv_val;
		b.len = (*vals)[0]->bv_len;
	}
	return b;
}

/* Copy a stored hash into h when it is well-formed. */
static bool
hash_copy(const struct dw_bytes *b, char h[DW_AUDIT_HASH_LEN + 1])
{
	if (!dw_audit_hash_valid(b->p, b->len))
		return false;
	memcpy(h, b->p, DW_AUDIT_HASH_LEN);
	h[DW_AUDIT_HASH_LEN] = '\0';
	return true;
}

/* Reduce an entry to its link: recompute its hash from what is stored. */
static int
link_of(struct dw_audit_link *l, LDAP *ld, LDAPMessage *e)
{
	/* verify_attrs[0..9]: the fields of a record, in its order. */
	struct berval		**vals[12], **dvals;
	struct dw_bytes		  f[12], *det = NULL;
	struct dw_audit_rec	  r;
	char			  h[DW_AUDIT_HASH_LEN + 1];
	size_t			  i, nd = 0;
	int			  rc = -1;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < 12; i++)
		f[i] = one_value(ld, e, verify_attrs[i < 10 ? i : i + 1],
		    &vals[i]);
	dvals = ldap_get_values_len(ld, e, "dwAuditDetail");
	nd = dvals != NULL ? (size_t)ldap_count_values_len(dvals) : 0;
	if (nd > 0 && (det = calloc(nd, sizeof(*det))) == NULL)
		goto out;
	for (i = 0; i < nd; i++) {
		det[i].p = dvals[i]->bv_val;
		det[i].len = dvals[i]->bv_len;
	}
	rc = 1;
	if (dw_audit_id_parse(f[0].p, f[0].len, &l->server_id) != DW_OK)
		goto out;
	memcpy(l->id, f[0].p, f[0].len);
	l->id[f[0].len] = '\0';
	l->is_checkpoint = f[9].len > 0 && dw_audit_anchor_parse(f[9].p,
	    f[9].len, l->anchor_id, sizeof(l->anchor_id), l->anchor_hash) ==
	    DW_OK;
	l->has_hash = hash_copy(&f[10], l->hash) && hash_copy(&f[11], l->prev);
	memset(&r, 0, sizeof(r));
	r.id = f[0];
	r.time = f[1];
	r.category = f[2];
	r.action = f[3];
	r.actor = f[4];
	r.target = f[5];
	r.result = f[6];
	r.client = f[7];
	r.onbehalf = f[8];
	r.anchor = f[9];
	r.prev = f[11];
	r.detail = det;
	r.ndetail = nd;
	rc = -1;
	if (l->has_hash && dw_audit_hash(&r, h) != DW_OK)
		goto out;
	l->hash_ok = l->has_hash && strcmp(h, l->hash) == 0;
	rc = 0;
out:
	for (i = 0; i < 12; i++)
		ldap_value_free_len(vals[i]);
	ldap_value_free_len(dvals);
	free(det);
	return rc;
}

/* Are a and b the same DN?  Attribute names and values compared without
 * ASCII case (the question is only where an entry sits). */
static bool
dn_equal(LDAPDN a, LDAPDN b)
{
	size_t	i, j;

	for (i = 0; a[i] != NULL && b[i] != NULL; i++) {
		for (j = 0; a[i][j] != NULL && b[i][j] != NULL; j++) {
			struct berval *an = &a[i][j]->la_attr;
			struct berval *bn = &b[i][j]->la_attr;
			struct berval *av = &a[i][j]->la_value;
			struct berval *bv = &b[i][j]->la_value;

			if (an->bv_len != bn->bv_len ||
			    strncasecmp(an->bv_val, bn->bv_val, an->bv_len) !=
			    0 || av->bv_len != bv->bv_len ||
			    strncasecmp(av->bv_val, bv->bv_val, av->bv_len) != 0)
				return false;
		}
		if (a[i][j] != NULL || b[i][j] != NULL)
			return false;
	}
	return a[i] == NULL && b[i] == NULL;
}

/* Every entry below the base: one that is not the base or directly below
 * it was not written by the server (and nothing else shows it: the
 * searches are one level). */
static int
check_place(void *arg, LDAP *ld, LDAPMessage *e)
{
	struct links	*ls = arg;
	char		*dn = ldap_get_dn(ld, e), buf[DWADM_CELL_MAX];
	LDAPDN		 pdn = NULL;
	bool		 ok;

	if (dn == NULL)
		return dwadm_fail("out of memory");
	ok = ldap_str2dn(dn, &pdn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    pdn != NULL && (dn_equal(pdn, ls->base) ||
	    (pdn[0] != NULL && dn_equal(&pdn[1], ls->base)));
	if (pdn != NULL)
		ldap_dnfree(pdn);
	if (!ok) {
		(void)dwadm_term_clean(dn, buf, sizeof(buf));
		(void)printf("entry %s: not directly below the audit base: "
		    "not written by the server\n", buf);
		ls->misplaced++;
	}
	ldap_memfree(dn);
	return 0;
}

static int
collect_link(void *arg, LDAP *ld, LDAPMessage *e)
{
	struct links		*ls = arg;
	struct dw_audit_link	*nv;
	size_t			 cap;
	time_t			 t;
	int			 rc;

	if (ls->n == ls->cap) {
		if (ls->cap >= LINKS_MAX)
			return dwadm_fail("audit verify: more than %d entries",
			    LINKS_MAX);
		cap = ls->cap == 0 ? 1024 : ls->cap * 2;
		if ((nv = reallocarray(ls->v, cap, sizeof(*nv))) == NULL)
			return dwadm_fail("out of memory");
		ls->v = nv;
		ls->cap = cap;
	}
	rc = link_of(&ls->v[ls->n], ld, e);
	if (rc < 0)
		return dwadm_fail("out of memory");
	if (rc > 0) {
		char	*dn = ldap_get_dn(ld, e), buf[DWADM_CELL_MAX];

		(void)dwadm_term_clean(dn != NULL ? dn : "?", buf, sizeof(buf));
		(void)printf("entry %s: no valid dwAuditId: not written by "
		    "the server\n", buf);
		ldap_memfree(dn);
		ls->malformed++;
		return 0;
	}
	/* A clock (or a forger) ahead of time would stamp every later
	 * entry of its chain with that future time. */
	if (dw_audit_id_time(ls->v[ls->n].id, strlen(ls->v[ls->n].id), &t,
	    NULL) == DW_OK && t > ls->now + FUTURE_SKEW) {
		(void)printf("entry %s: dated in the future\n",
		    ls->v[ls->n].id);
		ls->future++;
	}
	ls->n++;
	return 0;
}

/* verify's own exit statuses: 0 intact, 1 a fault, 2 could not check. */
#define VERIFY_ERROR	2

/* Check one chain and print its line; 1 on a fault, VERIFY_ERROR. */
static int
verify_chain(const struct dw_audit_link *l, size_t n)
{
	struct dw_audit_verdict	v;
	char			pending[64] = "";

	if (dw_audit_chain_check(l, n, &v) != DW_OK) {
		(void)dwadm_fail("audit verify: chain %03u could not be "
		    "checked", l[0].server_id);
		return VERIFY_ERROR;
	}
	if (v.pending > 0)
		(void)snprintf(pending, sizeof(pending), ", %zu awaiting purge",
		    v.pending);
	if (v.fault == DW_AUDIT_INTACT) {
		(void)printf("chain %03u: %zu entr%s verified%s: intact\n",
		    l[0].server_id, v.checked, v.checked == 1 ? "y" : "ies",
		    pending);
		return 0;
	}
	(void)printf("chain %03u: %zu entr%s verified%s, then entry %s: %s\n",
	    l[0].server_id, v.checked, v.checked == 1 ? "y" : "ies", pending,
	    l[v.index].id, dw_audit_fault_str(v.fault));
	return 1;
}

static int
verify_cmd(struct dwadm *d)
{
	static char	*place_attrs[] = { "1.1", NULL };
	struct links	ls;
	char		base[DWADM_DN_MAX];
	size_t		i, j;
	int		rc, stop = 0, ret = VERIFY_ERROR, fault = 0;

	memset(&ls, 0, sizeof(ls));
	ls.now = time(NULL);
	if (dwadm_connect(d) != 0 || audit_base(d, base, sizeof(base)) != 0)
		goto out;
	if (ldap_str2dn(base, &ls.base, LDAP_DN_FORMAT_LDAPV3) !=
	    LDAP_SUCCESS || ls.base == NULL) {
		(void)dwadm_fail("audit verify: cannot parse %s", base);
		goto out;
	}
	if ((rc = dwadm_paged_search(d->ld, base, LDAP_SCOPE_SUBTREE,
	    "(objectClass=*)", place_attrs, check_place, &ls, &stop)) !=
	    LDAP_SUCCESS) {
		if (rc == LDAP_NO_SUCH_OBJECT)
			(void)dwadm_fail("audit verify: %s is missing or not "
			    "readable by this identity (only Super Admins "
			    "and root read the audit log)", base);
		else
			(void)dwadm_ldap_fail(d->ld, rc, "audit verify");
		goto out;
	}
	if (stop != 0 ||
	    audit_search(d, EVENT_FILTER, verify_attrs, collect_link, &ls,
	    "audit verify") != 0)
		goto out;
	if (ls.n == 0 && ls.malformed == 0 && ls.misplaced == 0) {
		(void)printf("no audit entries\n");
		ret = 0;
		goto out;
	}
	qsort(ls.v, ls.n, sizeof(ls.v[0]), dw_audit_link_cmp);
	for (i = 0; i < ls.n; i = j) {
		for (j = i + 1; j < ls.n && ls.v[j].server_id ==
		    ls.v[i].server_id; j++)
			;
		if ((rc = verify_chain(&ls.v[i], j - i)) == VERIFY_ERROR)
			goto out;
		fault |= rc;
	}
	ret = fault || ls.malformed > 0 || ls.misplaced > 0 || ls.future > 0 ?
	    1 : 0;
out:
	free(ls.v);
	if (ls.base != NULL)
		ldap_dnfree(ls.base);
	return ret;
}

/* ---- status */

static int
count_one(void *arg, LDAP *ld, LDAPMessage *e)
{
	(*(unsigned long long *)arg)++;
	return 0;
}

/* "SERVER-ID GENTIME COUNT" as words; malformed values as they are. */
static void
print_purge(const char *v)
{
	char		 when[64], buf[DWADM_CELL_MAX], gt[DW_GENTIME_MAX];
	unsigned	 sid;
	unsigned long	 count;
	int		 end = 0;

	if (sscanf(v, "%3u %31s %lu%n", &sid, gt, &count, &end) == 3 &&
	    v[end] == '\0') {
		dwadm_time_iso(gt, when, sizeof(when));
		(void)dwadm_term_clean(when, buf, sizeof(buf));
		(void)printf("last purge:  server %03u at %s, %lu entr%s "
		    "removed\n", sid, buf, count, count == 1 ? "y" : "ies");
		return;
	}
	(void)dwadm_term_clean(v, buf, sizeof(buf));
	(void)printf("last purge:  %s (malformed)\n", buf);
}

/* The retention in force: the policy's value, or the core default. */
static void
print_retention(int rc, const char *months)
{
	struct dw_policy	pol;
	char			buf[DWADM_CELL_MAX];

	dw_policy_default(&pol);
	if (rc != LDAP_SUCCESS)
		(void)printf("retention:   unknown (the policy is not "
		    "readable: %s)\n", dwadm_ldap_words(rc));
	else if (months != NULL && dw_policy_set(&pol, DW_POL_AUDIT_RETENTION,
	    months, strlen(months)) != DW_OK) {
		(void)dwadm_term_clean(months, buf, sizeof(buf));
		(void)printf("retention:   malformed value \"%s\" in the "
		    "policy\n", buf);
	} else
		(void)printf("retention:   %u months%s\n",
		    pol.audit_retention_months,
		    months == NULL ? " (the default)" : "");
}

static int
status_cmd(struct dwadm *d)
{
	char		*base_attrs[] = { "dwAuditPurgeStatus", NULL };
	char		*pol_attrs[] = { "dwAuditRetentionMonths", NULL };
	char		*count_attrs[] = { LDAP_NO_ATTRS, NULL };
	char		 base[DWADM_DN_MAX], pdn[DWADM_DN_MAX], *months = NULL;
	LDAPMessage	*res = NULL, *e;
	struct berval	**vals = NULL;
	unsigned long long n = 0;
	size_t		 i;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = audit_base(d, base, sizeof(base))) != 0 ||
	    (rc = dwadm_child_dn(POLICY_RDN, d->base, pdn, sizeof(pdn))) !=
	    0 || (rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = audit_search(d, EVENT_FILTER, count_attrs, count_one, &n,
	    "audit status")) != 0)
		return rc;
	rc = dwadm_read_entry(d->ld, base, "(objectClass=*)", base_attrs,
	    &res, &e);
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "audit status");
		goto out;
	}
	vals = ldap_get_values_len(d->ld, e, "dwAuditPurgeStatus");
	ldap_msgfree(res);
	rc = dwadm_read_entry(d->ld, pdn, "(objectClass=dwSecurityPolicy)",
	    pol_attrs, &res, &e);
	if (rc == LDAP_SUCCESS)
		months = dwadm_first_value(d->ld, e, "dwAuditRetentionMonths");
	(void)printf("audit base:  %s\n", base);
	(void)printf("entries:     %llu\n", n);
	print_retention(rc, months);
	for (i = 0; vals != NULL && vals[i] != NULL; i++) {
		char	*v = strndup(vals[i]->bv_val, vals[i]->bv_len);

		if (v == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		print_purge(v);
		free(v);
	}
	if (vals == NULL || vals[0] == NULL)
		(void)printf("last purge:  none yet\n");
	ret = 0;
out:
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	free(months);
	return ret;
}

/* ---- dispatch */

enum {
	OPT_USER = 256, OPT_ACTION, OPT_CATEGORY, OPT_SINCE, OPT_UNTIL,
	OPT_LIMIT, OPT_BEFORE, OPT_FORMAT, OPT_CSV, OPT_TARGET, OPT_ONBEHALF,
	OPT_RESULT, OPT_DETAIL,
};

static const struct option audit_opts[] = {
	{ "user", required_argument, NULL, OPT_USER },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "before", required_argument, NULL, OPT_BEFORE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "csv", required_argument, NULL, OPT_CSV },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "on-behalf-of", required_argument, NULL, OPT_ONBEHALF },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "detail", required_argument, NULL, OPT_DETAIL },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Which options each command takes. */
static const struct {
	const char *name;
	int opts[10];
} subs[] = {
	{ "search", { OPT_USER, OPT_ACTION, OPT_CATEGORY, OPT_SINCE,
	    OPT_UNTIL, OPT_LIMIT, OPT_BEFORE, OPT_FORMAT } },
	{ "export", { OPT_CSV, OPT_USER, OPT_ACTION, OPT_CATEGORY, OPT_SINCE,
	    OPT_UNTIL, OPT_BEFORE } },
	{ "verify", { 0 } },
	{ "status", { 0 } },
	{ "record", { OPT_CATEGORY, OPT_ACTION, OPT_TARGET, OPT_ONBEHALF,
	    OPT_RESULT, OPT_DETAIL } },
};

static bool
takes(size_t sub, int opt)
{
	size_t	i;

	for (i = 0; i < 10 && subs[sub].opts[i] != 0; i++)
		if (subs[sub].opts[i] == opt)
			return true;
	return false;
}

static int
set_limit(struct audit_args *a, const char *v)
{
	char	*end;

	errno = 0;
	a->limit = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || v[0] < '0' ||
	    v[0] > '9' ||
	    a->limit < 1 || a->limit > LIMIT_MAX)
		return dwadm_usage_error("audit search: --limit: a whole "
		    "number from 1 to %d", LIMIT_MAX);
	return 0;
}

/* The value of option c into a; 0 or a usage error. */
static int
audit_opt(struct audit_args *a, int c, const char *v)
{
	const char	**slot[] = {
		[OPT_USER - OPT_USER] = &a->user,
		[OPT_ACTION - OPT_USER] = &a->action,
		[OPT_CATEGORY - OPT_USER] = &a->category,
		[OPT_SINCE - OPT_USER] = &a->since,
		[OPT_UNTIL - OPT_USER] = &a->until,
		[OPT_BEFORE - OPT_USER] = &a->before,
		[OPT_FORMAT - OPT_USER] = &a->format,
		[OPT_CSV - OPT_USER] = &a->csv,
		[OPT_TARGET - OPT_USER] = &a->target,
		[OPT_ONBEHALF - OPT_USER] = &a->onbehalf,
		[OPT_RESULT - OPT_USER] = &a->result,
	};

	/* No option means anything when empty ("--action ''" would be a
	 * filter syntax error at the server). */
	if (v[0] == '\0')
		return dwadm_usage_error("audit: an option's value is empty");
	if (c == OPT_LIMIT)
		return set_limit(a, v);
	if (c == OPT_DETAIL) {
		if (a->ndetail == DETAILS_MAX)
			return dwadm_usage_error("audit record: at most %d "
			    "--detail values", DETAILS_MAX);
		a->detail[a->ndetail++] = v;
		return 0;
	}
	*slot[c - OPT_USER] = v;
	return 0;
}

int
dwadm_cmd_audit(struct dwadm *d, int argc, char **argv)
{
	struct audit_args	 a;
	const char		*sub;
	size_t			 s;
	int			 c, rc;

	if (argc < 2)
		return dwadm_usage_error("audit: give search, export, verify, "
		    "status or record (see dwadm audit --help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(audit_help, stdout);
		return DWADM_EXIT_OK;
	}
	for (s = 0; s < sizeof(subs) / sizeof(subs[0]); s++)
		if (strcmp(sub, subs[s].name) == 0)
			break;
	if (s == sizeof(subs) / sizeof(subs[0]))
		return dwadm_usage_error("audit: unknown command \"%s\" (see "
		    "dwadm audit --help)", sub);
	memset(&a, 0, sizeof(a));
	a.limit = LIMIT_DEFAULT;
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", audit_opts, NULL)) != -1) {
		if (c == 'h') {
			(void)fputs(audit_help, stdout);
			return DWADM_EXIT_OK;
		}
		if (c == ':')
			return dwadm_usage_error("audit %s: option %s needs a "
			    "value", sub, argv[optind - 1]);
		if (c == '?' || !takes(s, c))
			return dwadm_usage_error("audit %s: unknown option %s "
			    "(see dwadm audit --help)", sub, argv[optind - 1]);
		if ((rc = audit_opt(&a, c, optarg)) != 0)
			return rc;
	}
	if (optind < argc)
		return dwadm_usage_error("audit %s: unexpected argument \"%s\"",
		    sub, argv[optind]);
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	switch (s) {
	case 0:
		return search_cmd(d, &a);
	case 1:
		return export_cmd(d, &a);
	case 2:
		return verify_cmd(d);
	case 3:
		return status_cmd(d);
	default:
		return record_cmd(d, &a);
	}
}
