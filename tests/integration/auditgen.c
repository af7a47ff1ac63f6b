/*
 * auditgen: print an LDIF of chained audit entries, as the overlay would
 * write them (valid ids of one server id, dwAuditTime, dwAuditHash and
 * dwAuditPrevHash from dw_audit_hash), for slapadd into the audit
 * database of a stopped server.  Streaming and fast: it also feeds the
 * benchmarks (a million entries).
 *
 * usage: auditgen -b BASE [-s SERVER-ID] [-e] [-n N] [-t EPOCH] [-i SECS]
 *                 [-f SPEC] [-c K]
 *   -b BASE   the suffix (entries go below ou=audit,BASE)
 *   -s ID     server id (default 1)
 *   -e        print the audit base entry ou=audit,BASE first
 *   -n N      N generated entries (default 0): time EPOCH + k * SECS,
 *             actions, categories and actors in turn
 *   -f SPEC   entries from SPEC (after the generated ones), one a line,
 *             fields separated by TAB:
 *               TIME CATEGORY ACTION ACTOR TARGET ONBEHALF RESULT CLIENT
 *               DETAIL...
 *             TIME is seconds since the epoch; an empty field is absent;
 *             \n, \r, \t and \\ in a field stand for LF, CR, TAB and \.
 *             Times must not go backwards.
 *   -c K      last, a retention-purge checkpoint anchored at entry K
 *             (1 = the first entry printed)
 *   -P HASH   the first entry's predecessor (default: genesis), to forge
 *             an entry that claims a place in an existing chain
 *   -q SEQ    the first sequence number (default 1)
 * Ids are TIME.000000-SERVER-SEQ.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dw_auditlog.h"
#include "dw_time.h"

#define FIELD_MAX	16
#define LINE_MAX_LEN	65536

struct gen {
	const char	*base;
	unsigned	 sid;
	unsigned long	 seq;
	time_t		 last;
	char		 prev[DW_AUDIT_HASH_LEN + 1];
	unsigned long	 count;		/* entries printed */
	unsigned long	 anchor_at;	/* -c K */
	char		 anchor[DW_AUDIT_ID_MAX + DW_AUDIT_HASH_LEN + 2];
};

static void
die(const char *msg)
{
	(void)fprintf(stderr, "auditgen: %s\n", msg);
	exit(2);
}

/* RFC 2849 SAFE-STRING (and no white space at either end): else the
 * value goes base64. */
static int
ldif_safe(const struct dw_bytes *b)
{
	size_t	i;

	if (b->len == 0)
		return 1;
	/* slapadd's parser also trims other white space (TAB) at the ends. */
	if ((unsigned char)b->p[0] <= ' ' || b->p[0] == ':' ||
	    b->p[0] == '<' || (unsigned char)b->p[b->len - 1] <= ' ')
		return 0;
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];

		if (c == 0 || c == '\n' || c == '\r' || c >= 0x80)
			return 0;
	}
	return 1;
}

static void
ldif_attr(const char *attr, const struct dw_bytes *b)
{
	char	*enc;
	size_t	 sz;

	if (b->len == 0)
		return;
	if (ldif_safe(b)) {
		(void)printf("%s: %.*s\n", attr, (int)b->len, b->p);
		return;
	}
	sz = sodium_base64_ENCODED_LEN(b->len,
	    sodium_base64_VARIANT_ORIGINAL);
	if ((enc = malloc(sz)) == NULL)
		die("out of memory");
	(void)sodium_bin2base64(enc, sz, (const unsigned char *)b->p, b->len,
	    sodium_base64_VARIANT_ORIGINAL);
	(void)printf("%s:: %s\n", attr, enc);
	free(enc);
}

static struct dw_bytes
str(const char *s)
{
	struct dw_bytes	b = { s, s != NULL ? strlen(s) : 0 };

	return b;
}

/* Hash r (id and time filled here), print it, and chain on. */
static void
emit(struct gen *g, struct dw_audit_rec *r, time_t t)
{
	char	id[DW_AUDIT_ID_MAX], gt[DW_GENTIME_MAX];
	char	hash[DW_AUDIT_HASH_LEN + 1];
	size_t	i;

	if (t < g->last)
		die("times go backwards");
	g->last = t;
	if (dw_audit_id_format(t, 0, g->sid, ++g->seq, id, sizeof(id)) !=
	    DW_OK || dw_gentime_format(t, -1, gt, sizeof(gt)) != DW_OK)
		die("time or server id out of range");
	r->id = str(id);
	r->time = str(gt);
	r->prev = str(g->prev);
	if (dw_audit_hash(r, hash) != DW_OK)
		die("dw_audit_hash failed");
	(void)printf("dn: dwAuditId=%s,ou=audit,%s\n"
	    "objectClass: dwAuditEvent\n", id, g->base);
	ldif_attr("dwAuditId", &r->id);
	ldif_attr("dwAuditTime", &r->time);
	ldif_attr("dwAuditCategory", &r->category);
	ldif_attr("dwAuditAction", &r->action);
	ldif_attr("dwAuditActor", &r->actor);
	ldif_attr("dwAuditTarget", &r->target);
	ldif_attr("dwAuditOnBehalfOf", &r->onbehalf);
	ldif_attr("dwAuditResult", &r->result);
	ldif_attr("dwAuditClient", &r->client);
	ldif_attr("dwAuditAnchor", &r->anchor);
	for (i = 0; i < r->ndetail; i++)
		ldif_attr("dwAuditDetail", &r->detail[i]);
	(void)printf("dwAuditHash: %s\ndwAuditPrevHash: %s\n\n", hash,
	    g->prev);
	if (g->seq == g->anchor_at)
		(void)snprintf(g->anchor, sizeof(g->anchor), "%s %s", id, hash);
	memcpy(g->prev, hash, sizeof(g->prev));
}

static void
generated(struct gen *g, unsigned long n, time_t start, time_t step)
{
	static const char *const cats[] = {
		"authentication", "data-access", "configuration", "destructive",
	};
	static const char *const acts[] = {
		"bind", "add", "modify", "delete", "passwd",
	};
	struct dw_audit_rec	r;
	struct dw_bytes		det;
	char			actor[256], target[256], client[32], d[64];
	unsigned long		k;

	for (k = 0; k < n; k++) {
		memset(&r, 0, sizeof(r));
		(void)snprintf(actor, sizeof(actor),
		    "uid=user%lu@dramwell.ai,ou=admins,%s", k % 3, g->base);
		(void)snprintf(target, sizeof(target),
		    "uid=user%lu@dramwell.ai,ou=admins,%s", (k + 1) % 7,
		    g->base);
		(void)snprintf(client, sizeof(client), "192.0.2.%lu",
		    k % 250 + 1);
		(void)snprintf(d, sizeof(d), "generated: %lu", k + 1);
		r.category = str(cats[k % 4]);
		r.action = str(acts[k % 5]);
		r.actor = str(actor);
		r.target = str(target);
		r.result = str("0");
		r.client = str(client);
		det = str(d);
		r.detail = &det;
		r.ndetail = 1;
		emit(g, &r, start + (time_t)k * step);
	}
}

/* Decode the escapes of a spec field in place. */
static size_t
unescape(char *s)
{
	char	*w = s, *p;

	for (p = s; *p != '\0'; p++) {
		if (*p != '\\' || p[1] == '\0') {
			*w++ = *p;
			continue;
		}
		p++;
		*w++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' :
		    *p;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void
from_spec(struct gen *g, FILE *f)
{
	struct dw_audit_rec	 r;
	struct dw_bytes		 fld[FIELD_MAX];
	char			 line[LINE_MAX_LEN], *p, *tab, *end;
	size_t			 n, len;
	long long		 t;

	while (fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		for (n = 0, p = line; p != NULL && n < FIELD_MAX; n++) {
			if ((tab = strchr(p, '\t')) != NULL)
				*tab++ = '\0';
			fld[n].p = p;
			fld[n].len = unescape(p);
			p = tab;
		}
		if (n < 8 || p != NULL)
			die("a spec line needs 8 to 16 fields");
		errno = 0;
		t = strtoll(fld[0].p, &end, 10);
		if (errno != 0 || *end != '\0' || end == fld[0].p)
			die("a spec line's TIME is not a number");
		memset(&r, 0, sizeof(r));
		r.category = fld[1];
		r.action = fld[2];
		r.actor = fld[3];
		r.target = fld[4];
		r.onbehalf = fld[5];
		r.result = fld[6];
		r.client = fld[7];
		r.detail = fld + 8;
		r.ndetail = n - 8;
		emit(g, &r, (time_t)t);
	}
	if (ferror(f))
		die("cannot read the spec");
}

int
main(int argc, char **argv)
{
	struct gen		 g;
	struct dw_audit_rec	 r;
	struct dw_bytes		 det;
	const char		*spec = NULL;
	unsigned long		 n = 0;
	time_t			 start = 1767225600, step = 60;
	FILE			*f;
	int			 c, base_entry = 0;
	static char		 buf[1 << 16];

	memset(&g, 0, sizeof(g));
	g.sid = 1;
	memcpy(g.prev, DW_AUDIT_GENESIS, sizeof(g.prev));
	while ((c = getopt(argc, argv, "b:s:en:t:i:f:c:P:q:")) != -1) {
		switch (c) {
		case 'b': g.base = optarg; break;
		case 's': g.sid = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'e': base_entry = 1; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 't': start = (time_t)strtoll(optarg, NULL, 10); break;
		case 'i': step = (time_t)strtoll(optarg, NULL, 10); break;
		case 'f': spec = optarg; break;
		case 'c': g.anchor_at = strtoul(optarg, NULL, 10); break;
		case 'P':
			if (!dw_audit_hash_valid(optarg, strlen(optarg)))
				die("-P: not a hash");
			memcpy(g.prev, optarg, sizeof(g.prev));
			break;
		case 'q': g.seq = strtoul(optarg, NULL, 10) - 1; break;
		default: die("usage: auditgen -b BASE [-s ID] [-e] [-n N] "
		    "[-t EPOCH] [-i SECS] [-f SPEC] [-c K] [-P HASH] [-q SEQ]");
		}
	}
	if (g.base == NULL || sodium_init() < 0)
		die("give -b BASE");
	(void)setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	if (base_entry)
		(void)printf("dn: ou=audit,%s\nobjectClass: organizationalUnit"
		    "\nobjectClass: dwAuditLog\nou: audit\n\n", g.base);
	generated(&g, n, start, step);
	if (spec != NULL) {
		if ((f = fopen(spec, "r")) == NULL)
			die("cannot open the spec");
		from_spec(&g, f);
		(void)fclose(f);
	}
	if (g.anchor_at > 0) {
		if (g.anchor[0] == '\0')
			die("-c K: no entry K");
		memset(&r, 0, sizeof(r));
		r.category = str("configuration");
		r.action = str(DW_AUDIT_PURGE_ACTION);
		r.anchor = str(g.anchor);
		det = str("checkpoint");
		r.detail = &det;
		r.ndetail = 1;
		emit(&g, &r, g.last);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the output");
	return 0;
}
