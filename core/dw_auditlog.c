/*
 * dw_auditlog.c: the audit log's hash chain, its verification, CSV rows
 * and the time points of a query (see dw_auditlog.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dw_auditlog.h"
#include "dw_time.h"

#define CANON_MAGIC	"dwaudit-v1\n"
/* YYYYMMDDHHMMSSuuuuuu-SSS-NNNNNNNNNN, '9' for a digit */
#define AUDIT_ID_SHAPE	"99999999999999999999-999-9999999999"
#define YEAR0_START	((time_t)-62167219200)	/* 0000-01-01T00:00:00Z */

/* ---- the canonical form and its hash */

/* One record "TAG:LEN:VALUE\n" into the hash state. */
static int
canon_field(crypto_generichash_state *st, char tag,
    const struct dw_bytes *b)
{
	char	head[32];
	size_t	len = b != NULL ? b->len : 0;
	int	n;

	n = snprintf(head, sizeof(head), "%c:%zu:", tag, len);
	if (n < 0 || (size_t)n >= sizeof(head))
		return DW_ERR_CRYPTO;
	if (crypto_generichash_update(st, (const unsigned char *)head,
	    (unsigned long long)n) != 0)
		return DW_ERR_CRYPTO;
	if (len > 0 && crypto_generichash_update(st,
	    (const unsigned char *)b->p, (unsigned long long)len) != 0)
		return DW_ERR_CRYPTO;
	if (crypto_generichash_update(st, (const unsigned char *)"\n", 1) !=
	    0)
		return DW_ERR_CRYPTO;
	return DW_OK;
}

/* Bytewise order; of two values where one is a prefix, the shorter first. */
static int
bytes_cmp(const void *a, const void *b)
{
	const struct dw_bytes	*x = *(const struct dw_bytes *const *)a;
	const struct dw_bytes	*y = *(const struct dw_bytes *const *)b;
	size_t			 n = x->len < y->len ? x->len : y->len;
	int			 c = n > 0 ? memcmp(x->p, y->p, n) : 0;

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

int
dw_audit_hash(const struct dw_audit_rec *r, char out[DW_AUDIT_HASH_LEN + 1])
{
	static const char	  tags[] = "itcaATrCok";
	const struct dw_bytes	 *fields[sizeof(tags) - 1];
	crypto_generichash_state  st;
	const struct dw_bytes	**sorted = NULL;
	unsigned char		  bin[DW_AUDIT_HASH_BYTES];
	size_t			  i;
	int			  rc = DW_ERR_INVAL;

	if (r == NULL || out == NULL ||
	    (r->ndetail > 0 && r->detail == NULL))
		goto out;
	fields[0] = &r->id;
	fields[1] = &r->time;
	fields[2] = &r->category;
	fields[3] = &r->action;
	fields[4] = &r->actor;
	fields[5] = &r->target;
	fields[6] = &r->result;
	fields[7] = &r->client;
	fields[8] = &r->onbehalf;
	fields[9] = &r->anchor;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0 ||
	    crypto_generichash_init(&st, NULL, 0, sizeof(bin)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)CANON_MAGIC,
	    sizeof(CANON_MAGIC) - 1) != 0)
		goto out;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((rc = canon_field(&st, tags[i], fields[i])) != DW_OK)
			goto out;
	if (r->ndetail > 0) {
		rc = DW_ERR_NOMEM;
		if ((sorted = calloc(r->ndetail, sizeof(*sorted))) == NULL)
			goto out;
		for (i = 0; i < r->ndetail; i++)
			sorted[i] = &r->detail[i];
		qsort(sorted, r->ndetail, sizeof(*sorted), bytes_cmp);
		for (i = 0; i < r->ndetail; i++)
			if ((rc = canon_field(&st, 'd', sorted[i])) != DW_OK)
				goto out;
	}
	if ((rc = canon_field(&st, 'p', &r->prev)) != DW_OK)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (crypto_generichash_final(&st, bin, sizeof(bin)) != 0)
		goto out;
	(void)sodium_bin2hex(out, DW_AUDIT_HASH_LEN + 1, bin, sizeof(bin));
	rc = DW_OK;
out:
	free(sorted);
	return rc;
}

bool
dw_audit_hash_valid(const char *s, size_t len)
{
	size_t	i;

	if (s == NULL || len != DW_AUDIT_HASH_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ---- ids and anchors */

/* Does s match pat, where '9' in pat stands for any digit? */
static bool
shape(const char *s, size_t len, const char *pat)
{
	size_t	i;

	if (len != strlen(pat))
		return false;
	for (i = 0; i < len; i++) {
		if (pat[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return false;
	}
	return true;
}

int
dw_audit_id_time(const char *s, size_t len, time_t *t, long *usec)
{
	char	gt[16];
	time_t	tt;
	long	u = 0;
	int	i;

	if (s == NULL || !shape(s, len, AUDIT_ID_SHAPE))
		return DW_ERR_INVAL;
	/* The time part must be a real date and time (no leap second: the
	 * server never writes one). */
	memcpy(gt, s, 14);
	gt[14] = 'Z';
	gt[15] = '\0';
	if (dw_gentime_parse(gt, 15, &tt) != DW_OK || memcmp(s + 12, "60", 2) ==
	    0)
		return DW_ERR_INVAL;
	for (i = 14; i < 20; i++)
		u = u * 10 + (s[i] - '0');
	if (t != NULL)
		*t = tt;
	if (usec != NULL)
		*usec = u;
	return DW_OK;
}

int
dw_audit_id_parse(const char *s, size_t len, unsigned *server_id)
{
	if (dw_audit_id_time(s, len, NULL, NULL) != DW_OK)
		return DW_ERR_INVAL;
	if (server_id != NULL)
		*server_id = (unsigned)((s[21] - '0') * 100 + (s[22] - '0') * 10 +
		    (s[23] - '0'));
	return DW_OK;
}

int
dw_audit_anchor_parse(const char *s, size_t len, char *id, size_t idsz,
    char hash[DW_AUDIT_HASH_LEN + 1])
{
	const char	*sp;
	size_t		 idlen;

	if (s == NULL || id == NULL || hash == NULL)
		return DW_ERR_INVAL;
	if ((sp = memchr(s, ' ', len)) == NULL)
		return DW_ERR_INVAL;
	idlen = (size_t)(sp - s);
	if (dw_audit_id_parse(s, idlen, NULL) != DW_OK || idlen >= idsz ||
	    !dw_audit_hash_valid(sp + 1, len - idlen - 1))
		return DW_ERR_INVAL;
	memcpy(id, s, idlen);
	id[idlen] = '\0';
	memcpy(hash, sp + 1, DW_AUDIT_HASH_LEN);
	hash[DW_AUDIT_HASH_LEN] = '\0';
	return DW_OK;
}

/* ---- chain verification */

int
dw_audit_link_cmp(const void *a, const void *b)
{
	const struct dw_audit_link	*x = a, *y = b;

	if (x->server_id != y->server_id)
		return x->server_id < y->server_id ? -1 : 1;
	return strcmp(x->id, y->id);
}

const char *
dw_audit_fault_str(enum dw_audit_fault f)
{
	switch (f) {
	case DW_AUDIT_INTACT:
		return "intact";
	case DW_AUDIT_NO_HASH:
		return "no hash: added or edited outside the server";
	case DW_AUDIT_ALTERED:
		return "altered: its content does not match its hash";
	case DW_AUDIT_INSERTED:
		return "inserted: it does not belong between its neighbours";
	case DW_AUDIT_GAP:
		return "gap: one or more entries before it were removed";
	}
	return "unknown fault";
}

/*
 * Where the chain starts, and how many links await a purge.  Every link
 * is verified, those awaiting purge too: a checkpoint (even a forged one)
 * never hides a link from the check.  The oldest link names as its
 * predecessor the anchor of the newest checkpoint that anchors an older
 * id (the purge removed everything up to it), or genesis.  When the
 * oldest link itself awaits purge (a round stopped half-way), its own
 * predecessor is gone: the chain is checked from it on.
 */
static size_t
chain_start(const struct dw_audit_link *links, size_t n,
    const char **expected)
{
	const struct dw_audit_link	*latest = NULL, *before = NULL;
	size_t				 i, pending = 0;

	*expected = DW_AUDIT_GENESIS;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!links[i].is_checkpoint)
			continue;
		if (latest == NULL ||
		    strcmp(links[i].anchor_id, latest->anchor_id) > 0)
			latest = &links[i];
		if (strcmp(links[i].anchor_id, links[0].id) < 0 &&
		    (before == NULL ||
		    strcmp(links[i].anchor_id, before->anchor_id) > 0))
			before = &links[i];
	}
	if (before != NULL)
		*expected = before->anchor_hash;
	if (latest == NULL)
		return 0;
	while (pending < n &&
	    strcmp(links[pending].id, latest->anchor_id) <= 0)
		pending++;
	if (pending > 0 && links[0].has_hash &&
	    strcmp(links[0].prev, *expected) != 0)
		*expected = links[0].prev;
	return pending;
}

/* links[i] does not name the expected predecessor: which link is out of
 * place?  Sets v->index and returns the fault. */
static enum dw_audit_fault
chain_break(const struct dw_audit_link *links, size_t n, size_t i,
    size_t first, const char *expected, const char *prev_expected,
    struct dw_audit_verdict *v)
{
	v->index = i;
	if (i > first && strcmp(links[i].prev, prev_expected) == 0) {
		v->index = i - 1;
		return DW_AUDIT_INSERTED;
	}
	if (i + 1 < n && links[i + 1].has_hash &&
	    strcmp(links[i + 1].prev, expected) == 0)
		return DW_AUDIT_INSERTED;
	return DW_AUDIT_GAP;
}

int
dw_audit_chain_check(const struct dw_audit_link *links, size_t n,
    struct dw_audit_verdict *v)
{
	struct dw_audit_verdict	 r;
	const char		*expected, *prev_expected = NULL;
	size_t			 i, first;

	if (links == NULL || v == NULL)
		return DW_ERR_INVAL;
	for (i = 1; i < n; i++)
		if (links[i].server_id != links[0].server_id)
			return DW_ERR_INVAL;
	memset(&r, 0, sizeof(r));
	r.pending = chain_start(links, n, &expected);
	first = 0;
	for (i = first; i < n; i++) {
		r.index = i;
		if (!links[i].has_hash) {
			r.fault = DW_AUDIT_NO_HASH;
			break;
		}
		if (!links[i].hash_ok) {
			r.fault = DW_AUDIT_ALTERED;
			break;
		}
		if (strcmp(links[i].prev, expected) != 0) {
			r.fault = chain_break(links, n, i, first, expected,
			    prev_expected, &r);
			/* An inserted link before this one was not sound. */
			r.checked = r.index - first;
			break;
		}
		prev_expected = expected;
		expected = links[i].hash;
		r.checked++;
	}
	if (r.fault == DW_AUDIT_INTACT)
		r.index = 0;
	*v = r;
	return DW_OK;
}

/* ---- CSV */

static bool
csv_neutralise(const struct dw_bytes *c)
{
	static const char	lead[] = "=+-@\t\r";

	return c->len > 0 && memchr(lead, c->p[0], sizeof(lead) - 1) != NULL;
}

static bool
csv_needs_quotes(const struct dw_bytes *c)
{
	size_t	i;

	for (i = 0; i < c->len; i++)
		if (c->p[i] == ',' || c->p[i] == '"' || c->p[i] == '\r' ||
		    c->p[i] == '\n')
			return true;
	return false;
}

static int
csv_cell(FILE *f, const struct dw_bytes *c)
{
	const char	*p, *q, *end;
	bool		 neut;

	if (c->len > 0 && c->p == NULL)
		return DW_ERR_INVAL;
	neut = csv_neutralise(c);
	if (!neut && !csv_needs_quotes(c))
		return c->len == 0 || fwrite(c->p, 1, c->len, f) == c->len ?
		    DW_OK : DW_ERR_IO;
	if (fputc('"', f) == EOF || (neut && fputc('\'', f) == EOF))
		return DW_ERR_IO;
	/* Each run up to and including a quote, then the quote again. */
	for (p = c->p, end = c->p + c->len; p < end; p = q) {
		q = memchr(p, '"', (size_t)(end - p));
		q = q != NULL ? q + 1 : end;
		if (fwrite(p, 1, (size_t)(q - p), f) != (size_t)(q - p))
			return DW_ERR_IO;
		if (q[-1] == '"' && fputc('"', f) == EOF)
			return DW_ERR_IO;
	}
	return fputc('"', f) == EOF ? DW_ERR_IO : DW_OK;
}

int
dw_csv_row(FILE *f, const struct dw_bytes *cells, size_t n)
{
	size_t	i;
	int	rc;

	if (f == NULL || cells == NULL)
		return DW_ERR_INVAL;
	for (i = 0; i < n; i++) {
		if (i > 0 && fputc(',', f) == EOF)
			return DW_ERR_IO;
		if ((rc = csv_cell(f, &cells[i])) != DW_OK)
			return rc;
	}
	return fputs("\r\n", f) == EOF ? DW_ERR_IO : DW_OK;
}

/* ---- time points of a query */

/* "7d" and the like: a positive count of seconds, minutes, hours, days
 * or weeks before now; before year 0 (no GeneralizedTime) is out of
 * range. */
static int
timespec_duration(const char *s, size_t len, time_t now, time_t *out)
{
	static const struct {
		char	unit;
		time_t	secs;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 604800 },
	};
	time_t	count = 0, secs, t;
	size_t	i, u;

	if (len < 2)
		return DW_ERR_INVAL;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (units[u].unit == s[len - 1])
			break;
	if (u == sizeof(units) / sizeof(units[0]))
		return DW_ERR_INVAL;
	for (i = 0; i < len - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return DW_ERR_INVAL;
	for (i = 0; i < len - 1; i++)
		if (__builtin_mul_overflow(count, 10, &count) ||
		    __builtin_add_overflow(count, s[i] - '0', &count))
			return DW_ERR_RANGE;
	if (count == 0)
		return DW_ERR_INVAL;
	if (__builtin_mul_overflow(count, units[u].secs, &secs) ||
	    __builtin_sub_overflow(now, secs, &t) || t < YEAR0_START)
		return DW_ERR_RANGE;
	*out = t;
	return DW_OK;
}

int
dw_timespec_parse(const char *s, time_t now, time_t *out)
{
	char	gt[16];
	size_t	len;
	time_t	t;

	if (s == NULL || out == NULL)
		return DW_ERR_INVAL;
	len = strlen(s);
	/* Every absolute form becomes "YYYYMMDDHHMMSSZ", checked once. */
	if (shape(s, len, "9999-99-99"))
		(void)snprintf(gt, sizeof(gt), "%.4s%.2s%.2s000000Z", s, s + 5,
		    s + 8);
	else if (shape(s, len, "9999-99-99T99:99:99Z"))
		(void)snprintf(gt, sizeof(gt), "%.4s%.2s%.2s%.2s%.2s%.2sZ", s,
		    s + 5, s + 8, s + 11, s + 14, s + 17);
	else if (shape(s, len, "99999999999999Z"))
		memcpy(gt, s, sizeof(gt));
	else
		return timespec_duration(s, len, now, out);
	if (dw_gentime_parse(gt, 15, &t) != DW_OK)
		return DW_ERR_INVAL;
	*out = t;
	return DW_OK;
}

/* ---- what a report may say */

static const char *const audit_categories[] = {
	DW_AUDIT_CAT_AUTH, DW_AUDIT_CAT_ACCESS, DW_AUDIT_CAT_CONFIG,
	DW_AUDIT_CAT_DESTRUCT,
};

/* The server's own actions (overlay/, slapo-dramwell(5)). */
static const char *const audit_server_actions[] = {
	"bind", "add", "modify", "delete", "modrdn", "passwd", "invite",
	"resend-invite", "revoke-invite", "accept-invite", "set-role",
	"deactivate", "reactivate", "role-create", "role-modify",
	"role-delete", "policy-modify", "mfa-enroll", "mfa-recovery-codes",
	"mfa-reset", "session-open", "session-modify", "logout",
	"session-kill", "session-timeout", DW_AUDIT_PURGE_ACTION,
};

#define AUDIT_ACTION_MAX	64

static bool
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return true;
	return false;
}

bool
dw_audit_category_valid(const char *s, size_t len)
{
	return s != NULL && in_list(audit_categories,
	    sizeof(audit_categories) / sizeof(audit_categories[0]), s, len);
}

bool
dw_audit_action_reportable(const char *s, size_t len)
{
	size_t	i;

	if (s == NULL || len == 0 || len > AUDIT_ACTION_MAX ||
	    s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return false;
	return !in_list(audit_server_actions, sizeof(audit_server_actions) /
	    sizeof(audit_server_actions[0]), s, len);
}
