/*
 * test_auditlog.c: the audit chain hash, ids and anchors, chain
 * verification, CSV rows and the time points of a query.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_auditlog.h"

#define S(x)		x, sizeof(x) - 1
#define B(x)		{ x, sizeof(x) - 1 }
#define ROW(...)	{ __LINE__, __VA_ARGS__ }
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define ADMIN	"uid=ann@dramwell.ai,ou=admins,dc=dramwell,dc=ai"

/* ---- hash */

static const struct dw_bytes details[] = { B("reason: ok"), B("mfa: totp") };

static void
sample(struct dw_audit_rec *r)
{
	static const struct dw_audit_rec	base = {
		.id = B("20260115093000123456-001-0000000042"),
		.time = B("20260115093000Z"),
		.category = B("authentication"),
		.action = B("bind"),
		.actor = B(ADMIN),
		.target = B(ADMIN),
		.result = B("0"),
		.client = B("192.0.2.7"),
		.prev = B(DW_AUDIT_GENESIS),
		.detail = details,
		.ndetail = 2,
	};

	*r = base;
}

static void
test_hash_vector(void **state)
{
	struct dw_audit_rec	r;
	char			h[DW_AUDIT_HASH_LEN + 1];

	/* Pinned: computed once from the canonical form in the header with
	 * an independent implementation (Python hashlib.blake2b). */
	sample(&r);
	assert_int_equal(dw_audit_hash(&r, h), DW_OK);
	assert_string_equal(h,
	    "12899a0194539e24d21b646659e26a7446929e5d2f1577add637e9900cae6e23");
	assert_true(dw_audit_hash_valid(h, strlen(h)));
	assert_int_equal(dw_audit_hash(NULL, h), DW_ERR_INVAL);
	assert_int_equal(dw_audit_hash(&r, NULL), DW_ERR_INVAL);
	r.detail = NULL;
	assert_int_equal(dw_audit_hash(&r, h), DW_ERR_INVAL);
}

static void
test_hash_detail_order(void **state)
{
	static const struct dw_bytes	 a[] = {
		B("x"), B("xy"), B("b"), B(""), B("x"),
	};
	static const struct dw_bytes	 b[] = {
		B("xy"), B("x"), B(""), B("x"), B("b"),
	};
	static const struct dw_bytes	 swapped[] = {
		B("mfa: totp"), B("reason: ok"),
	};
	struct dw_audit_rec		 r;
	char				 h1[DW_AUDIT_HASH_LEN + 1];
	char				 h2[DW_AUDIT_HASH_LEN + 1];

	sample(&r);
	assert_int_equal(dw_audit_hash(&r, h1), DW_OK);
	r.detail = swapped;
	assert_int_equal(dw_audit_hash(&r, h2), DW_OK);
	assert_string_equal(h1, h2);
	r.detail = a;
	r.ndetail = NITEMS(a);
	assert_int_equal(dw_audit_hash(&r, h1), DW_OK);
	r.detail = b;
	assert_int_equal(dw_audit_hash(&r, h2), DW_OK);
	assert_string_equal(h1, h2);
	/* One detail fewer is another record. */
	r.ndetail--;
	assert_int_equal(dw_audit_hash(&r, h1), DW_OK);
	assert_string_not_equal(h1, h2);
}

/* Every field of r, detail values included, as writable copies. */
struct rec_copy {
	char			 buf[12][128];
	struct dw_bytes		*f[12];
	struct dw_bytes		 det[2];
	struct dw_audit_rec	 r;
};

static void
rec_copy_init(struct rec_copy *c)
{
	size_t	i;

	sample(&c->r);
	c->det[0] = details[0];
	c->det[1] = details[1];
	c->r.detail = c->det;
	c->f[0] = &c->r.id;
	c->f[1] = &c->r.time;
	c->f[2] = &c->r.category;
	c->f[3] = &c->r.action;
	c->f[4] = &c->r.actor;
	c->f[5] = &c->r.target;
	c->f[6] = &c->r.result;
	c->f[7] = &c->r.client;
	c->f[8] = &c->r.onbehalf;
	c->f[9] = &c->r.anchor;
	c->f[10] = &c->det[0];
	c->f[11] = &c->det[1];
	for (i = 0; i < 12; i++) {
		if (c->f[i]->len > 0)
			memcpy(c->buf[i], c->f[i]->p, c->f[i]->len);
		c->f[i]->p = c->buf[i];
	}
}

static void
test_hash_any_byte(void **state)
{
	struct rec_copy	c;
	char		ref[DW_AUDIT_HASH_LEN + 1], h[DW_AUDIT_HASH_LEN + 1];
	char		prev[DW_AUDIT_HASH_LEN];
	size_t		i, j;

	rec_copy_init(&c);
	assert_int_equal(dw_audit_hash(&c.r, ref), DW_OK);
	for (i = 0; i < 12; i++) {
		for (j = 0; j < c.f[i]->len; j++) {
			c.buf[i][j] ^= 0x01;
			assert_int_equal(dw_audit_hash(&c.r, h), DW_OK);
			if (strcmp(h, ref) == 0)
				fail_msg("field %zu byte %zu: same hash", i, j);
			c.buf[i][j] ^= 0x01;
		}
		/* An empty field made one byte long. */
		if (c.f[i]->len == 0) {
			c.buf[i][0] = 'x';
			c.f[i]->len = 1;
			assert_int_equal(dw_audit_hash(&c.r, h), DW_OK);
			if (strcmp(h, ref) == 0)
				fail_msg("field %zu filled: same hash", i);
			c.f[i]->len = 0;
		}
	}
	memcpy(prev, DW_AUDIT_GENESIS, sizeof(prev));
	c.r.prev.p = prev;
	for (j = 0; j < sizeof(prev); j++) {
		prev[j] = '1';
		assert_int_equal(dw_audit_hash(&c.r, h), DW_OK);
		if (strcmp(h, ref) == 0)
			fail_msg("prev byte %zu: same hash", j);
		prev[j] = '0';
	}
	assert_int_equal(dw_audit_hash(&c.r, h), DW_OK);
	assert_string_equal(h, ref);
}

static void
test_hash_ambiguity(void **state)
{
	static const struct dw_bytes	 d1[] = { B("ab"), B("c") };
	static const struct dw_bytes	 d2[] = { B("a"), B("bc") };
	static const struct dw_bytes	 d3[] = { B("abc") };
	struct dw_audit_rec		 r1, r2;
	char				 h1[DW_AUDIT_HASH_LEN + 1];
	char				 h2[DW_AUDIT_HASH_LEN + 1];

	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	r1.actor = (struct dw_bytes)B("ab");
	r1.target = (struct dw_bytes)B("c");
	r2.actor = (struct dw_bytes)B("a");
	r2.target = (struct dw_bytes)B("bc");
	assert_int_equal(dw_audit_hash(&r1, h1), DW_OK);
	assert_int_equal(dw_audit_hash(&r2, h2), DW_OK);
	assert_string_not_equal(h1, h2);
	/* A value moved to the neighbouring field. */
	r2.actor = (struct dw_bytes)B("");
	r2.target = (struct dw_bytes)B("abc");
	r1.actor = (struct dw_bytes)B("abc");
	r1.target = (struct dw_bytes)B("");
	assert_int_equal(dw_audit_hash(&r1, h1), DW_OK);
	assert_int_equal(dw_audit_hash(&r2, h2), DW_OK);
	assert_string_not_equal(h1, h2);
	/* Details split differently. */
	memset(&r1, 0, sizeof(r1));
	r2 = r1;
	r1.detail = d1;
	r1.ndetail = 2;
	r2.detail = d2;
	r2.ndetail = 2;
	assert_int_equal(dw_audit_hash(&r1, h1), DW_OK);
	assert_int_equal(dw_audit_hash(&r2, h2), DW_OK);
	assert_string_not_equal(h1, h2);
	r2.detail = d3;
	r2.ndetail = 1;
	assert_int_equal(dw_audit_hash(&r2, h2), DW_OK);
	assert_string_not_equal(h1, h2);
	/* A value that looks like a record of the canonical form. */
	memset(&r1, 0, sizeof(r1));
	r2 = r1;
	r1.action = (struct dw_bytes)B("x\nA:1:y");
	r2.action = (struct dw_bytes)B("x");
	r2.actor = (struct dw_bytes)B("y");
	assert_int_equal(dw_audit_hash(&r1, h1), DW_OK);
	assert_int_equal(dw_audit_hash(&r2, h2), DW_OK);
	assert_string_not_equal(h1, h2);
}

static void
test_hash_valid(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		bool		 ok;
	} t[] = {
		ROW(S(DW_AUDIT_GENESIS), true),
		ROW(S("0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef"), true),
		ROW(S("0123456789ABCDEF0123456789abcdef"
		    "0123456789abcdef0123456789abcdef"), false),
		ROW(S("0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdeg"), false),
		ROW(S("0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcde"), false),
		ROW(S("0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0"), false),
		ROW(S(""), false),
	};
	size_t	i;

	for (i = 0; i < NITEMS(t); i++)
		if (dw_audit_hash_valid(t[i].s, t[i].len) != t[i].ok)
			fail_msg("row at line %d", t[i].line);
	assert_false(dw_audit_hash_valid(NULL, 64));
}

/* ---- ids and anchors */

#define ID1	"20260115093000123456-001-0000000042"

static void
test_id_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		unsigned	 sid;
	} t[] = {
		ROW(S(ID1), DW_OK, 1),
		ROW(S("00000101000000000000-000-0000000000"), DW_OK, 0),
		ROW(S("99991231235959999999-999-9999999999"), DW_OK, 999),
		ROW(S("20240229120000000000-042-0000000001"), DW_OK, 42),
		ROW(S("20250229120000000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20261301120000000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20260100120000000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20260101240000000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20260101236000000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20260101235960000000-042-0000000001"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-001-000000042"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-001-00000000420"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-01-00000000420"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456_001-0000000042"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-001+0000000042"), DW_ERR_INVAL, 0),
		ROW(S("2026011509300012345x-001-0000000042"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-0a1-0000000042"), DW_ERR_INVAL, 0),
		ROW(S("20260115093000123456-001-00000000 2"), DW_ERR_INVAL, 0),
		ROW(S(" 0260115093000123456-001-0000000042"), DW_ERR_INVAL, 0),
		ROW(S("new"), DW_ERR_INVAL, 0),
		ROW(S(""), DW_ERR_INVAL, 0),
	};
	char		buf[DW_AUDIT_ID_MAX];
	unsigned	sid;
	size_t		i;
	int		rc;

	for (i = 0; i < NITEMS(t); i++) {
		sid = 12345;
		rc = dw_audit_id_parse(t[i].s, t[i].len, &sid);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d", t[i].line, rc);
		if (rc == DW_OK && sid != t[i].sid)
			fail_msg("row at line %d: server %u", t[i].line, sid);
		if (rc != DW_OK && sid != 12345)
			fail_msg("row at line %d: out written", t[i].line);
	}
	assert_int_equal(dw_audit_id_parse(S(ID1), NULL), DW_OK);
	assert_int_equal(dw_audit_id_parse(NULL, 35, &sid), DW_ERR_INVAL);
	/* What dw_audit_id_format writes parses back. */
	assert_int_equal(dw_audit_id_format(1767225599, 999999, 7,
	    9999999999ul, buf, sizeof(buf)), DW_OK);
	assert_int_equal(dw_audit_id_parse(buf, strlen(buf), &sid), DW_OK);
	assert_int_equal(sid, 7);
}

#define H_A	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_anchor_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
	} t[] = {
		ROW(S(ID1 " " H_A), DW_OK),
		ROW(S(ID1 "  " H_A), DW_ERR_INVAL),
		ROW(S(ID1 " " H_A " "), DW_ERR_INVAL),
		ROW(S(ID1 H_A), DW_ERR_INVAL),
		ROW(S(ID1), DW_ERR_INVAL),
		ROW(S(ID1 " "), DW_ERR_INVAL),
		ROW(S(" " H_A), DW_ERR_INVAL),
		ROW(S(H_A " " ID1), DW_ERR_INVAL),
		ROW(S(ID1 " 0123456789ABCDEF0123456789abcdef0123456789abcdef"
		    "0123456789abcdef"), DW_ERR_INVAL),
		ROW(S("20261301093000123456-001-0000000042 " H_A), DW_ERR_INVAL),
		ROW(S(""), DW_ERR_INVAL),
	};
	char	id[DW_AUDIT_ID_MAX], hash[DW_AUDIT_HASH_LEN + 1];
	size_t	i;
	int	rc;

	for (i = 0; i < NITEMS(t); i++) {
		strcpy(id, "untouched");
		rc = dw_audit_anchor_parse(t[i].s, t[i].len, id, sizeof(id),
		    hash);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d", t[i].line, rc);
		if (rc != DW_OK && strcmp(id, "untouched") != 0)
			fail_msg("row at line %d: out written", t[i].line);
	}
	assert_int_equal(dw_audit_anchor_parse(S(ID1 " " H_A), id, sizeof(id),
	    hash), DW_OK);
	assert_string_equal(id, ID1);
	assert_string_equal(hash, H_A);
	/* Too small an id buffer; NULL arguments. */
	assert_int_equal(dw_audit_anchor_parse(S(ID1 " " H_A), id, 35, hash),
	    DW_ERR_INVAL);
	assert_int_equal(dw_audit_anchor_parse(S(ID1 " " H_A), id, 36, hash),
	    DW_OK);
	assert_int_equal(dw_audit_anchor_parse(S(ID1 " " H_A), NULL, 36,
	    hash), DW_ERR_INVAL);
	assert_int_equal(dw_audit_anchor_parse(NULL, 0, id, 36, hash),
	    DW_ERR_INVAL);
}

/* ---- chain verification */

#define CHAIN_MAX	16

/*
 * A chain of n links of server 5, hashed as the server would: each names
 * its predecessor's hash.  Ids: 20260101000000000000-005-00000000NN
 * (NN from 1).
 */
static void
chain_make(struct dw_audit_link *l, size_t n)
{
	struct dw_audit_rec	r;
	const char		*prev = DW_AUDIT_GENESIS;
	size_t			i;

	for (i = 0; i < n; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		assert_int_equal(dw_audit_id_format(1767225600, 0, 5, i + 1,
		    l[i].id, sizeof(l[i].id)), DW_OK);
		l[i].server_id = 5;
		memset(&r, 0, sizeof(r));
		r.id.p = l[i].id;
		r.id.len = strlen(l[i].id);
		r.action = (struct dw_bytes)B("bind");
		r.prev.p = prev;
		r.prev.len = DW_AUDIT_HASH_LEN;
		assert_int_equal(dw_audit_hash(&r, l[i].hash), DW_OK);
		memcpy(l[i].prev, prev, DW_AUDIT_HASH_LEN + 1);
		l[i].has_hash = true;
		l[i].hash_ok = true;
		prev = l[i].hash;
	}
}

/* Remove link i of n. */
static void
chain_remove(struct dw_audit_link *l, size_t *n, size_t i)
{
	memmove(&l[i], &l[i + 1], (*n - i - 1) * sizeof(l[0]));
	(*n)--;
}

/* Insert a forged link at i of n whose prev is prev (its own hash is
 * "correct": the forger recomputed it). */
static void
chain_insert(struct dw_audit_link *l, size_t *n, size_t i, const char *prev)
{
	memmove(&l[i + 1], &l[i], (*n - i) * sizeof(l[0]));
	(*n)++;
	memset(&l[i], 0, sizeof(l[i]));
	/* Its id is its successor's: only the order of the links counts. */
	memcpy(l[i].id, l[i + 1].id, sizeof(l[i].id));
	l[i].server_id = 5;
	l[i].has_hash = true;
	l[i].hash_ok = true;
	memset(l[i].hash, 'e', DW_AUDIT_HASH_LEN);
	(void)snprintf(l[i].prev, sizeof(l[i].prev), "%s", prev);
}

/* Make link i a checkpoint whose anchor is link a. */
static void
chain_checkpoint(struct dw_audit_link *l, size_t i, size_t a)
{
	l[i].is_checkpoint = true;
	memcpy(l[i].anchor_id, l[a].id, sizeof(l[i].anchor_id));
	memcpy(l[i].anchor_hash, l[a].hash, sizeof(l[i].anchor_hash));
}

enum tamper {
	T_NONE, T_ALTER, T_NOHASH, T_INS_MID, T_INS_MID_GENESIS, T_INS_FIRST,
	T_INS_FIRST_GENESIS, T_REMOVE_ONE, T_REMOVE_FIRST, T_REMOVE_SEVERAL,
	T_CHECKPOINT, T_CHECKPOINT_GAP, T_CHECKPOINT_ALTER_PENDING,
	T_REMOVE_LAST, T_PURGE_HALF, T_PURGE_DONE, T_FORGED_CHECKPOINT,
};

static void
test_chain(void **state)
{
	static const struct {
		int			line;
		enum tamper		tamper;
		size_t			n;
		enum dw_audit_fault	fault;
		size_t			index, checked, pending;
	} t[] = {
		ROW(T_NONE, 0, DW_AUDIT_INTACT, 0, 0, 0),
		ROW(T_NONE, 1, DW_AUDIT_INTACT, 0, 1, 0),
		ROW(T_NONE, 8, DW_AUDIT_INTACT, 0, 8, 0),
		ROW(T_ALTER, 8, DW_AUDIT_ALTERED, 3, 3, 0),
		ROW(T_NOHASH, 8, DW_AUDIT_NO_HASH, 5, 5, 0),
		ROW(T_INS_MID, 8, DW_AUDIT_INSERTED, 4, 4, 0),
		ROW(T_INS_MID_GENESIS, 8, DW_AUDIT_INSERTED, 4, 4, 0),
		ROW(T_INS_FIRST, 8, DW_AUDIT_INSERTED, 0, 0, 0),
		ROW(T_INS_FIRST_GENESIS, 8, DW_AUDIT_INSERTED, 0, 0, 0),
		ROW(T_REMOVE_ONE, 8, DW_AUDIT_GAP, 4, 4, 0),
		ROW(T_REMOVE_FIRST, 8, DW_AUDIT_GAP, 0, 0, 0),
		ROW(T_REMOVE_SEVERAL, 8, DW_AUDIT_GAP, 2, 2, 0),
		/* Undetectable without an outside witness. */
		ROW(T_REMOVE_LAST, 8, DW_AUDIT_INTACT, 0, 7, 0),
		/* Links awaiting purge are verified like the rest. */
		ROW(T_CHECKPOINT, 8, DW_AUDIT_INTACT, 0, 8, 3),
		ROW(T_CHECKPOINT_GAP, 8, DW_AUDIT_GAP, 4, 4, 3),
		ROW(T_CHECKPOINT_ALTER_PENDING, 8, DW_AUDIT_NO_HASH, 0, 0, 3),
		/* A round stopped half-way: the oldest awaits purge. */
		ROW(T_PURGE_HALF, 8, DW_AUDIT_INTACT, 0, 6, 1),
		/* Done: the oldest names the anchor. */
		ROW(T_PURGE_DONE, 8, DW_AUDIT_INTACT, 0, 5, 0),
		/* A checkpoint (forged) anchoring recent links hides nothing. */
		ROW(T_FORGED_CHECKPOINT, 8, DW_AUDIT_ALTERED, 3, 3, 6),
	};
	struct dw_audit_link	l[CHAIN_MAX];
	struct dw_audit_verdict	v;
	size_t			i, n;

	for (i = 0; i < NITEMS(t); i++) {
		n = t[i].n;
		chain_make(l, n);
		switch (t[i].tamper) {
		case T_NONE:
			break;
		case T_ALTER:
			l[3].hash_ok = false;
			break;
		case T_NOHASH:
			l[5].has_hash = false;
			break;
		case T_INS_MID:		/* names the real predecessor */
			chain_insert(l, &n, 4, l[3].hash);
			break;
		case T_INS_MID_GENESIS:	/* names something else */
			chain_insert(l, &n, 4, H_A);
			break;
		case T_INS_FIRST:
			chain_insert(l, &n, 0, H_A);
			break;
		case T_INS_FIRST_GENESIS:
			chain_insert(l, &n, 0, DW_AUDIT_GENESIS);
			break;
		case T_REMOVE_ONE:
			chain_remove(l, &n, 4);
			break;
		case T_REMOVE_FIRST:
			chain_remove(l, &n, 0);
			break;
		case T_REMOVE_SEVERAL:
			chain_remove(l, &n, 2);
			chain_remove(l, &n, 2);
			chain_remove(l, &n, 2);
			break;
		case T_REMOVE_LAST:
			n--;
			break;
		case T_CHECKPOINT:	/* 0..2 purged soon, 6 the checkpoint */
			chain_checkpoint(l, 6, 2);
			break;
		case T_CHECKPOINT_GAP:	/* then 4 removed */
			chain_checkpoint(l, 6, 2);
			chain_remove(l, &n, 4);
			break;
		case T_CHECKPOINT_ALTER_PENDING:
			chain_checkpoint(l, 6, 2);
			l[1].hash_ok = false;
			l[0].has_hash = false;
			break;
		case T_PURGE_HALF:	/* 0..2 anchored, 0 and 1 gone */
			chain_checkpoint(l, 6, 2);
			chain_remove(l, &n, 0);
			chain_remove(l, &n, 0);
			break;
		case T_PURGE_DONE:	/* 0..2 anchored and gone */
			chain_checkpoint(l, 6, 2);
			chain_remove(l, &n, 0);
			chain_remove(l, &n, 0);
			chain_remove(l, &n, 0);
			break;
		case T_FORGED_CHECKPOINT: /* anchors 5; 3 altered */
			chain_checkpoint(l, 7, 5);
			l[3].hash_ok = false;
			break;
		}
		memset(&v, 0x5a, sizeof(v));
		assert_int_equal(dw_audit_chain_check(l, n, &v), DW_OK);
		if (v.fault != t[i].fault || v.checked != t[i].checked ||
		    v.pending != t[i].pending ||
		    (v.fault != DW_AUDIT_INTACT && v.index != t[i].index))
			fail_msg("row at line %d: fault %d index %zu checked "
			    "%zu pending %zu", t[i].line, v.fault, v.index,
			    v.checked, v.pending);
	}
}

static void
test_chain_args(void **state)
{
	struct dw_audit_link	l[3];
	struct dw_audit_verdict	v;

	chain_make(l, 3);
	assert_int_equal(dw_audit_chain_check(NULL, 0, &v), DW_ERR_INVAL);
	assert_int_equal(dw_audit_chain_check(l, 3, NULL), DW_ERR_INVAL);
	l[2].server_id = 6;
	assert_int_equal(dw_audit_chain_check(l, 3, &v), DW_ERR_INVAL);
	/* Sorting: server id first, then id. */
	l[0].server_id = 7;
	assert_true(dw_audit_link_cmp(&l[1], &l[0]) < 0);
	assert_true(dw_audit_link_cmp(&l[0], &l[2]) > 0);
	l[0].server_id = 5;
	assert_true(dw_audit_link_cmp(&l[0], &l[1]) < 0);
	assert_int_equal(dw_audit_link_cmp(&l[1], &l[1]), 0);
}

static void
test_fault_str(void **state)
{
	assert_string_equal(dw_audit_fault_str(DW_AUDIT_INTACT), "intact");
	assert_non_null(strstr(dw_audit_fault_str(DW_AUDIT_GAP), "removed"));
	assert_non_null(strstr(dw_audit_fault_str(DW_AUDIT_INSERTED),
	    "inserted"));
	assert_non_null(strstr(dw_audit_fault_str(DW_AUDIT_ALTERED),
	    "altered"));
	assert_non_null(strstr(dw_audit_fault_str(DW_AUDIT_NO_HASH), "hash"));
	assert_non_null(dw_audit_fault_str((enum dw_audit_fault)99));
}

/* ---- CSV */

static void
test_csv(void **state)
{
	static const struct {
		int		 line;
		struct dw_bytes	 cells[3];
		size_t		 n;
		const char	*want;
		size_t		 wantlen;
	} t[] = {
		ROW({ B("a"), B("b"), B("c") }, 3, S("a,b,c\r\n")),
		ROW({ B("a,b") }, 1, S("\"a,b\"\r\n")),
		ROW({ B("say \"hi\"") }, 1, S("\"say \"\"hi\"\"\"\r\n")),
		ROW({ B("\"") }, 1, S("\"\"\"\"\r\n")),
		ROW({ B("a\nb"), B("c\rd") }, 2, S("\"a\nb\",\"c\rd\"\r\n")),
		ROW({ B("=HYPERLINK(\"http://x\",\"y\")") }, 1,
		    S("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n")),
		ROW({ B("+1+1") }, 1, S("\"'+1+1\"\r\n")),
		ROW({ B("-2") }, 1, S("\"'-2\"\r\n")),
		ROW({ B("@SUM(1)") }, 1, S("\"'@SUM(1)\"\r\n")),
		ROW({ B("\tx") }, 1, S("\"'\tx\"\r\n")),
		ROW({ B("\rx") }, 1, S("\"'\rx\"\r\n")),
		ROW({ B("a=b"), B("x-1") }, 2, S("a=b,x-1\r\n")),
		ROW({ B(""), B(""), B("") }, 3, S(",,\r\n")),
		ROW({ B("") }, 1, S("\r\n")),
		ROW({ B("'quoted") }, 1, S("'quoted\r\n")),
		ROW({ B("Zoë, 日本") }, 1, S("\"Zoë, 日本\"\r\n")),
		ROW({ B("Zoë") }, 1, S("Zoë\r\n")),
		ROW({ B("a\0b") }, 1, S("a\0b\r\n")),
		ROW({ B("") }, 0, S("\r\n")),
	};
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	for (i = 0; i < NITEMS(t); i++) {
		f = open_memstream(&buf, &len);
		assert_non_null(f);
		assert_int_equal(dw_csv_row(f, t[i].cells, t[i].n), DW_OK);
		assert_int_equal(fclose(f), 0);
		if (len != t[i].wantlen || memcmp(buf, t[i].want, len) != 0)
			fail_msg("row at line %d: got \"%.*s\"", t[i].line,
			    (int)len, buf);
		free(buf);
		buf = NULL;
	}
}

static void
test_csv_errors(void **state)
{
	struct dw_bytes	 c[1] = { { NULL, 0 } };
	FILE		*f;

	assert_int_equal(dw_csv_row(NULL, c, 1), DW_ERR_INVAL);
	f = tmpfile();
	assert_non_null(f);
	assert_int_equal(dw_csv_row(f, NULL, 1), DW_ERR_INVAL);
	/* An empty cell may have no bytes at all; a non-empty one must. */
	assert_int_equal(dw_csv_row(f, c, 1), DW_OK);
	c[0].len = 1;
	assert_int_equal(dw_csv_row(f, c, 1), DW_ERR_INVAL);
	(void)fclose(f);
	/* A stream that cannot be written. */
	f = fopen("/dev/full", "w");
	assert_non_null(f);
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	c[0] = (struct dw_bytes)B("x");
	assert_int_equal(dw_csv_row(f, c, 1), DW_ERR_IO);
	(void)fclose(f);
}

/* ---- time points */

#define NOW	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */

static void
test_timespec(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		int		 rc;
		time_t		 want;
	} t[] = {
		ROW("2026-01-01", DW_OK, NOW),
		ROW("2024-02-29", DW_OK, 1709164800),
		ROW("1970-01-01", DW_OK, 0),
		ROW("2026-01-01T12:34:56Z", DW_OK, NOW + 45296),
		ROW("20260101123456Z", DW_OK, NOW + 45296),
		ROW("20251231235959Z", DW_OK, NOW - 1),
		ROW("30s", DW_OK, NOW - 30),
		ROW("1s", DW_OK, NOW - 1),
		ROW("5m", DW_OK, NOW - 300),
		ROW("12h", DW_OK, NOW - 43200),
		ROW("7d", DW_OK, NOW - 604800),
		ROW("2w", DW_OK, NOW - 1209600),
		ROW("007d", DW_OK, NOW - 604800),
		ROW("", DW_ERR_INVAL, 0),
		ROW("7", DW_ERR_INVAL, 0),
		ROW("d", DW_ERR_INVAL, 0),
		ROW("0d", DW_ERR_INVAL, 0),
		ROW("-7d", DW_ERR_INVAL, 0),
		ROW("+7d", DW_ERR_INVAL, 0),
		ROW("7x", DW_ERR_INVAL, 0),
		ROW("7D", DW_ERR_INVAL, 0),
		ROW("7dd", DW_ERR_INVAL, 0),
		ROW("7 d", DW_ERR_INVAL, 0),
		ROW(" 7d", DW_ERR_INVAL, 0),
		ROW("7d ", DW_ERR_INVAL, 0),
		ROW("1.5d", DW_ERR_INVAL, 0),
		ROW("2026-02-30", DW_ERR_INVAL, 0),
		ROW("2025-02-29", DW_ERR_INVAL, 0),
		ROW("2026-13-01", DW_ERR_INVAL, 0),
		ROW("2026-00-10", DW_ERR_INVAL, 0),
		ROW("2026-1-01", DW_ERR_INVAL, 0),
		ROW("2026/01/01", DW_ERR_INVAL, 0),
		ROW("2026-01-01T24:00:00Z", DW_ERR_INVAL, 0),
		ROW("2026-01-01T12:34:56", DW_ERR_INVAL, 0),
		ROW("2026-01-01T12:34:56+01:00", DW_ERR_INVAL, 0),
		ROW("2026-01-01 12:34:56Z", DW_ERR_INVAL, 0),
		ROW("20260101123456", DW_ERR_INVAL, 0),
		ROW("20260101123456.5Z", DW_ERR_INVAL, 0),
		ROW("20261301123456Z", DW_ERR_INVAL, 0),
		ROW("yesterday", DW_ERR_INVAL, 0),
		ROW("99999999999999999999d", DW_ERR_RANGE, 0),
		ROW("9223372036854775807s", DW_ERR_RANGE, 0),
		ROW("15250284452471w", DW_ERR_RANGE, 0),
		ROW("15250284452472w", DW_ERR_RANGE, 0),
		ROW("106751991167300d", DW_ERR_RANGE, 0),
		/* The earliest GeneralizedTime is fine. */
		ROW("63934444800s", DW_OK, (time_t)-62167219200),
		ROW("63934444801s", DW_ERR_RANGE, 0),
	};
	time_t	out;
	size_t	i;
	int	rc;

	for (i = 0; i < NITEMS(t); i++) {
		out = 12345;
		rc = dw_timespec_parse(t[i].s, NOW, &out);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d", t[i].line, rc);
		if (rc == DW_OK && out != t[i].want)
			fail_msg("row at line %d: %lld", t[i].line,
			    (long long)out);
		if (rc != DW_OK && out != 12345)
			fail_msg("row at line %d: out written", t[i].line);
	}
	assert_int_equal(dw_timespec_parse(NULL, NOW, &out), DW_ERR_INVAL);
	assert_int_equal(dw_timespec_parse("7d", NOW, NULL), DW_ERR_INVAL);
}

/* What a report may say: the four categories; actions of the grammar
 * that are not the server's own. */
static void
test_report_rules(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		bool		 category, action;
	} t[] = {
		ROW(S("authentication"), true, true),
		ROW(S("data-access"), true, true),
		ROW(S("configuration"), true, true),
		ROW(S("destructive"), true, true),
		ROW(S("Destructive"), false, false),
		ROW(S("destructive "), false, false),
		ROW(S("pii-view"), false, true),
		ROW(S("report.download_2"), false, true),
		ROW(S("a"), false, true),
		ROW(S("bind"), false, false),
		ROW(S("logout"), false, false),
		ROW(S("session-kill"), false, false),
		ROW(S("retention-purge"), false, false),
		ROW(S("mfa-reset"), false, false),
		ROW(S("bindx"), false, true),
		ROW(S("1abc"), false, false),
		ROW(S("-abc"), false, false),
		ROW(S("rm -rf"), false, false),
		ROW(S("Abc"), false, false),
		ROW(S(""), false, false),
		ROW(S("a\0b"), false, false),
		ROW(S("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"),
		    false, true),
		ROW(S("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde"),
		    false, false),
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NITEMS(t); i++) {
		if (dw_audit_category_valid(t[i].s, t[i].len) != t[i].category)
			fail_msg("line %d: category", t[i].line);
		if (dw_audit_action_reportable(t[i].s, t[i].len) != t[i].action)
			fail_msg("line %d: action", t[i].line);
	}
	assert_false(dw_audit_category_valid(NULL, 0));
	assert_false(dw_audit_action_reportable(NULL, 0));
}

/* The time an id claims, to the microsecond. */
static void
test_id_time(void **state)
{
	time_t	t = 0;
	long	usec = 0;

	(void)state;
	assert_int_equal(dw_audit_id_time(S("20231114221320123456-007-0000000001"),
	    &t, &usec), DW_OK);
	assert_int_equal((long long)t, 1700000000LL);
	assert_int_equal(usec, 123456);
	assert_int_equal(dw_audit_id_time(S("20231114221320000000-007-0000000001"),
	    NULL, NULL), DW_OK);
	assert_int_equal(dw_audit_id_time(S("20230230221320123456-007-0000000001"),
	    &t, &usec), DW_ERR_INVAL);
	assert_int_equal(dw_audit_id_time(S("2023111422132012345-007-0000000001"),
	    &t, &usec), DW_ERR_INVAL);
	assert_int_equal(dw_audit_id_time(NULL, 0, &t, &usec), DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vector),
		cmocka_unit_test(test_hash_detail_order),
		cmocka_unit_test(test_hash_any_byte),
		cmocka_unit_test(test_hash_ambiguity),
		cmocka_unit_test(test_hash_valid),
		cmocka_unit_test(test_id_parse),
		cmocka_unit_test(test_anchor_parse),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_chain_args),
		cmocka_unit_test(test_fault_str),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_timespec),
		cmocka_unit_test(test_report_rules),
		cmocka_unit_test(test_id_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
