/*
 * test_lockout.c: account lockout state and the per-address throttle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dw_lockout.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

#define NOW		1700000000LL	/* a fixed "now" */

static const struct dw_lockout_rules rules = { 5, 900, 900 };

static void
test_threshold(void **state)
{
	struct dw_lockout	l;
	unsigned		i;

	dw_lockout_init(&l);
	assert_int_equal(dw_lockout_check(&l, NOW), DW_ALLOW);
	/* Failures 1..4 do not lock; the 5th does, at once. */
	for (i = 1; i < rules.threshold; i++) {
		assert_false(dw_lockout_fail(&l, &rules, NOW + i));
		assert_int_equal(l.failures, i);
		assert_int_equal(l.first, NOW + 1);
		assert_int_equal(dw_lockout_check(&l, NOW + i), DW_ALLOW);
	}
	assert_true(dw_lockout_fail(&l, &rules, NOW + 5));
	assert_int_equal(l.until, NOW + 5 + 900);
	assert_int_equal(l.level, 1);
	assert_int_equal(l.failures, 0);
	assert_int_equal(dw_lockout_check(&l, NOW + 5), DW_DENY);
	assert_int_equal(dw_lockout_check(&l, NOW + 5 + 899), DW_DENY);
	assert_int_equal(dw_lockout_check(&l, NOW + 5 + 900), DW_ALLOW);
	/* Failures while locked are not counted (the lock does not grow). */
	assert_false(dw_lockout_fail(&l, &rules, NOW + 100));
	assert_int_equal(l.failures, 0);
	assert_int_equal(l.until, NOW + 5 + 900);
	/* A success resets everything. */
	dw_lockout_success(&l);
	assert_int_equal(l.failures, 0);
	assert_int_equal(l.first, 0);
	assert_int_equal(l.until, 0);
	assert_int_equal(l.level, 0);
	assert_int_equal(dw_lockout_check(&l, NOW), DW_ALLOW);
}

static void
test_window(void **state)
{
	struct dw_lockout	l;
	unsigned		i;

	dw_lockout_init(&l);
	for (i = 0; i < 4; i++)
		assert_false(dw_lockout_fail(&l, &rules, NOW));
	/* The 5th failure at first + 899: still in the window, locks. */
	{
		struct dw_lockout	m = l;

		assert_true(dw_lockout_fail(&m, &rules, NOW + 899));
	}
	/* At first + 900 the window is over: a new count starts. */
	assert_false(dw_lockout_fail(&l, &rules, NOW + 900));
	assert_int_equal(l.failures, 1);
	assert_int_equal(l.first, NOW + 900);
	assert_int_equal(dw_lockout_check(&l, NOW + 900), DW_ALLOW);
	/* A first failure in the future (clock set back) restarts too. */
	l.failures = 4;
	l.first = NOW + 5000;
	assert_false(dw_lockout_fail(&l, &rules, NOW));
	assert_int_equal(l.failures, 1);
	assert_int_equal(l.first, NOW);
}

static void
test_doubling(void **state)
{
	static const struct {
		int		line;
		unsigned	duration;
		unsigned	level;		/* before */
		int64_t		lock;		/* seconds */
		unsigned	after;		/* level after */
	} t[] = {
		ROW(900, 0, 900, 1),
		ROW(900, 1, 1800, 2),
		ROW(900, 2, 3600, 3),
		ROW(900, 6, 57600, 7),
		ROW(900, 7, 86400, 8),		/* 115200: capped */
		ROW(900, 15, 86400, 16),
		ROW(900, 16, 86400, 16),	/* level capped */
		ROW(60, 10, 61440, 11),
		ROW(60, 11, 86400, 12),		/* 122880: capped */
		ROW(86400, 0, 86400, 1),
		ROW(86400, 16, 86400, 16),
		ROW(675, 7, 86400, 8),		/* exactly 86400 */
		ROW(675, 6, 43200, 7),
	};
	struct dw_lockout_rules	r;
	struct dw_lockout	l;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r.threshold = 3;
		r.window = 900;
		r.duration = t[i].duration;
		dw_lockout_init(&l);
		l.level = t[i].level;
		assert_false(dw_lockout_fail(&l, &r, NOW));
		assert_false(dw_lockout_fail(&l, &r, NOW));
		if (!dw_lockout_fail(&l, &r, NOW))
			fail_msg("row at line %d: not locked", t[i].line);
		if (l.until - NOW != t[i].lock || l.level != t[i].after)
			fail_msg("row at line %d: lock %lld level %u",
			    t[i].line, (long long)(l.until - NOW), l.level);
	}
	/* Locks in a row, without a success, double. */
	r.threshold = 3;
	r.window = 900;
	r.duration = 900;
	dw_lockout_init(&l);
	{
		int64_t	now = NOW, want = 900;
		int	n;

		for (n = 0; n < 10; n++) {
			assert_false(dw_lockout_fail(&l, &r, now));
			assert_false(dw_lockout_fail(&l, &r, now));
			assert_true(dw_lockout_fail(&l, &r, now));
			assert_int_equal(l.until - now, want);
			now = l.until;
			want = want * 2 > 86400 ? 86400 : want * 2;
		}
	}
}

static void
test_off(void **state)
{
	struct dw_lockout_rules	r = { 0, 900, 900 };
	struct dw_lockout	l;
	int			i;

	dw_lockout_init(&l);
	for (i = 0; i < 1000; i++)
		assert_false(dw_lockout_fail(&l, &r, NOW));
	assert_int_equal(l.failures, 0);
	assert_int_equal(dw_lockout_check(&l, NOW), DW_ALLOW);
	assert_false(dw_lockout_fail(NULL, &r, NOW));
	assert_false(dw_lockout_fail(&l, NULL, NOW));
	assert_int_equal(dw_lockout_check(NULL, NOW), DW_DENY);
	dw_lockout_init(NULL);
	dw_lockout_success(NULL);
}

/* The lock decision under a policy: threshold 0 holds no lock. */
static void
test_locked(void **state)
{
	static const struct dw_lockout_rules off = { 0, 900, 900 };
	static const struct dw_lockout locked = { 0, 0, NOW + 900, 1 };
	static const struct dw_lockout longest = { 3, NOW - 10, INT64_MAX,
	    16 };
	static const struct dw_lockout expired = { 0, 0, NOW, 1 };
	static const struct dw_lockout empty = { 0, 0, 0, 0 };
	static const struct {
		int				 line;
		const struct dw_lockout		*l;	/* NULL: malformed */
		const struct dw_lockout_rules	*r;
		int64_t				 now;
		enum dw_decision		 want;
	} t[] = {
		/* lockout on: the stored state decides */
		ROW(&locked, &rules, NOW, DW_DENY),
		ROW(&locked, &rules, NOW + 899, DW_DENY),
		ROW(&locked, &rules, NOW + 900, DW_ALLOW),
		ROW(&longest, &rules, NOW, DW_DENY),
		ROW(&expired, &rules, NOW, DW_ALLOW),
		ROW(&empty, &rules, NOW, DW_ALLOW),
		ROW(NULL, &rules, NOW, DW_DENY),	/* fail closed */
		/* lockout off: no lock holds, whatever is stored */
		ROW(&locked, &off, NOW, DW_ALLOW),
		ROW(&locked, &off, NOW + 899, DW_ALLOW),
		ROW(&longest, &off, NOW, DW_ALLOW),
		ROW(&empty, &off, NOW, DW_ALLOW),
		ROW(NULL, &off, NOW, DW_ALLOW),
		/* no policy: fail closed */
		ROW(&empty, NULL, NOW, DW_DENY),
		ROW(NULL, NULL, NOW, DW_DENY),
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_lockout_locked(t[i].l, t[i].r, t[i].now) != t[i].want)
			fail_msg("row at line %d: wrong decision", t[i].line);
}

static void
test_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		unsigned	 failures;
		int64_t		 first, until;
		unsigned	 level;
	} t[] = {
		ROW(S("0 0 0 0"), DW_OK, 0, 0, 0, 0),
		ROW(S("3 1700000000 0 0"), DW_OK, 3, 1700000000, 0, 0),
		ROW(S("0 0 1700000900 2"), DW_OK, 0, 0, 1700000900, 2),
		ROW(S("4294967295 9223372036854775807 9223372036854775807 16"),
		    DW_OK, 4294967295U, INT64_MAX, INT64_MAX, 16),
		ROW(S("4294967296 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 9223372036854775808 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0 17"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 -1 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("+1 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("01 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("00 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0  0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S(" 0 0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0 0 "), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0\t0 0 0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0 0\0"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("a b c d"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("1 2 3 x"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S(""), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("-1"), DW_ERR_INVAL, 0, 0, 0, 0),
		ROW(S("0 0 0 00000000000000000000000000000000000000000000000"
		    "000000000000000000000000000000000000000000000000000"),
		    DW_ERR_INVAL, 0, 0, 0, 0),
	};
	struct dw_lockout	l, back;
	char			out[DW_LOCKOUT_TEXT_MAX];
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&l, 0x5a, sizeof(l));
		rc = dw_lockout_parse(t[i].s, t[i].len, &l);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc != DW_OK) {
			if (l.failures != 0x5a5a5a5a)
				fail_msg("row at line %d: out written",
				    t[i].line);
			continue;
		}
		if (l.failures != t[i].failures || l.first != t[i].first ||
		    l.until != t[i].until || l.level != t[i].level)
			fail_msg("row at line %d: parsed wrong", t[i].line);
		/* Round trip: the same text, the same state. */
		assert_int_equal(dw_lockout_format(&l, out, sizeof(out)),
		    DW_OK);
		assert_int_equal(strlen(out), t[i].len);
		assert_memory_equal(out, t[i].s, t[i].len);
		assert_int_equal(dw_lockout_parse(out, strlen(out), &back),
		    DW_OK);
		assert_int_equal(back.failures, l.failures);
		assert_true(back.first == l.first && back.until == l.until);
		assert_int_equal(back.level, l.level);
	}
	assert_int_equal(dw_lockout_parse(NULL, 0, &l), DW_ERR_INVAL);
	assert_int_equal(dw_lockout_parse(S("0 0 0 0"), NULL), DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_lockout_parse("1 2 3 4junk", 7, &l), DW_OK);
	assert_int_equal(l.level, 4);
}

static void
test_format(void **state)
{
	struct dw_lockout	l;
	char			out[DW_LOCKOUT_TEXT_MAX];

	dw_lockout_init(&l);
	assert_int_equal(dw_lockout_format(&l, out, sizeof(out)), DW_OK);
	assert_string_equal(out, "0 0 0 0");
	assert_int_equal(dw_lockout_format(&l, out, 8), DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_lockout_format(&l, out, 7), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_lockout_format(&l, out, 0), DW_ERR_TOOLONG);
	assert_true(dw_lockout_fail(&l, &(struct dw_lockout_rules){ 3, 60,
	    60 }, NOW) == false);
	assert_int_equal(dw_lockout_format(&l, out, sizeof(out)), DW_OK);
	assert_string_equal(out, "1 1700000000 0 0");
	l.first = -1;
	assert_int_equal(dw_lockout_format(&l, out, sizeof(out)),
	    DW_ERR_INVAL);
	l.first = 0;
	l.level = 17;
	assert_int_equal(dw_lockout_format(&l, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_lockout_format(NULL, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_lockout_format(&l, NULL, sizeof(out)),
	    DW_ERR_INVAL);
}

static struct dw_addr
v4(unsigned char a, unsigned char b, unsigned char c, unsigned char d)
{
	struct dw_addr	r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.bytes[0] = a;
	r.bytes[1] = b;
	r.bytes[2] = c;
	r.bytes[3] = d;
	return r;
}

static void
test_throttle(void **state)
{
	struct dw_throttle	*t;
	struct dw_addr		 a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);
	struct dw_addr		 a6;
	int			 i;

	assert_null(dw_throttle_new(0));
	assert_non_null(t = dw_throttle_new(16));
	assert_int_equal(dw_throttle_check(t, &a, 5, 900, NOW), DW_ALLOW);
	for (i = 0; i < 4; i++)
		dw_throttle_fail(t, &a, 900, NOW + i);
	assert_int_equal(dw_throttle_check(t, &a, 5, 900, NOW + 4), DW_ALLOW);
	dw_throttle_fail(t, &a, 900, NOW + 4);
	/* threshold failures inside the window: refused. */
	assert_int_equal(dw_throttle_check(t, &a, 5, 900, NOW + 4), DW_DENY);
	assert_int_equal(dw_throttle_check(t, &a, 5, 900, NOW + 899),
	    DW_DENY);
	/* Until the window has passed since the first counted failure. */
	assert_int_equal(dw_throttle_check(t, &a, 5, 900, NOW + 900),
	    DW_ALLOW);
	/* A lower threshold refuses sooner; 0 is off. */
	assert_int_equal(dw_throttle_check(t, &a, 6, 900, NOW + 5), DW_ALLOW);
	assert_int_equal(dw_throttle_check(t, &a, 0, 900, NOW + 5), DW_ALLOW);
	/* Other addresses are not affected, nor the same bytes as IPv6. */
	assert_int_equal(dw_throttle_check(t, &b, 5, 900, NOW + 5), DW_ALLOW);
	memset(&a6, 0, sizeof(a6));
	a6.family = AF_INET6;
	memcpy(a6.bytes, a.bytes, 4);
	assert_int_equal(dw_throttle_check(t, &a6, 5, 900, NOW + 5),
	    DW_ALLOW);
	/* After the window a failure starts a new count. */
	dw_throttle_fail(t, &a, 900, NOW + 900);
	assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 900),
	    DW_ALLOW);
	dw_throttle_fail(t, &a, 900, NOW + 901);
	assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 901),
	    DW_DENY);
	/* NULL: fail closed unless off. */
	assert_int_equal(dw_throttle_check(NULL, &a, 5, 900, NOW), DW_DENY);
	assert_int_equal(dw_throttle_check(t, NULL, 5, 900, NOW), DW_DENY);
	assert_int_equal(dw_throttle_check(NULL, NULL, 0, 900, NOW),
	    DW_ALLOW);
	dw_throttle_fail(NULL, &a, 900, NOW);
	dw_throttle_fail(t, NULL, 900, NOW);
	dw_throttle_free(t);
	dw_throttle_free(NULL);
}

/* A full table forgets the oldest entry, keeps the others. */
static void
test_throttle_full(void **state)
{
	struct dw_throttle	*t;
	struct dw_addr		 a;
	int			 i, j;

	assert_non_null(t = dw_throttle_new(4));
	/* Four addresses, two failures each, oldest first. */
	for (i = 0; i < 4; i++) {
		a = v4(10, 0, 0, (unsigned char)i);
		for (j = 0; j < 2; j++)
			dw_throttle_fail(t, &a, 900, NOW + i);
	}
	for (i = 0; i < 4; i++) {
		a = v4(10, 0, 0, (unsigned char)i);
		assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 10),
		    DW_DENY);
	}
	/* A fifth address takes the slot of 10.0.0.0. */
	a = v4(10, 0, 0, 4);
	dw_throttle_fail(t, &a, 900, NOW + 10);
	dw_throttle_fail(t, &a, 900, NOW + 10);
	assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 10), DW_DENY);
	a = v4(10, 0, 0, 0);
	assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 10),
	    DW_ALLOW);
	for (i = 1; i < 5; i++) {
		a = v4(10, 0, 0, (unsigned char)i);
		assert_int_equal(dw_throttle_check(t, &a, 2, 900, NOW + 10),
		    DW_DENY);
	}
	/* An expired entry is reused before the oldest live one. */
	a = v4(10, 0, 0, 9);
	dw_throttle_fail(t, &a, 5, NOW + 14);	/* window 5: 1..4 expired */
	dw_throttle_fail(t, &a, 5, NOW + 14);
	assert_int_equal(dw_throttle_check(t, &a, 2, 5, NOW + 14), DW_DENY);
	dw_throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_doubling),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_throttle_full),
	};

	return cmocka_run_group_tests_name("dw_lockout", tests, NULL, NULL);
}
