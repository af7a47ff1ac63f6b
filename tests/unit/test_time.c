/*
 * test_time.c: GeneralizedTime formatting and parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dw_time.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

/* A fixed "now": 2023-11-14T22:13:20Z. */
#define NOW	((time_t)1700000000)

static void
test_format(void **state)
{
	static const struct {
		int		 line;
		long long	 t;
		long		 usec;
		int		 rc;
		const char	*out;
	} t[] = {
		ROW(0, -1, DW_OK, "19700101000000Z"),
		ROW(0, 0, DW_OK, "19700101000000.000000Z"),
		ROW(1700000000, -1, DW_OK, "20231114221320Z"),
		ROW(1700000000, 123456, DW_OK, "20231114221320.123456Z"),
		ROW(1700000000, 7, DW_OK, "20231114221320.000007Z"),
		ROW(1700000000, 999999, DW_OK, "20231114221320.999999Z"),
		ROW(1700000000, 1000000, DW_ERR_RANGE, NULL),
		ROW(1700000000, -2, DW_OK, "20231114221320Z"),
		ROW(-1, -1, DW_OK, "19691231235959Z"),
		ROW(1709164800, -1, DW_OK, "20240229000000Z"),
		ROW(2147483648LL, -1, DW_OK, "20380119031408Z"),
		ROW(-62167219200LL, -1, DW_OK, "00000101000000Z"),
		ROW(-62167219201LL, -1, DW_ERR_RANGE, NULL),
		ROW(253402300799LL, 999999, DW_OK, "99991231235959.999999Z"),
		ROW(253402300800LL, -1, DW_ERR_RANGE, NULL),
		ROW(INT64_MAX, -1, DW_ERR_RANGE, NULL),
		ROW(INT64_MIN, -1, DW_ERR_RANGE, NULL),
	};
	char	out[DW_GENTIME_MAX];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		rc = dw_gentime_format((time_t)t[i].t, t[i].usec, out,
		    sizeof(out));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && strcmp(out, t[i].out) != 0)
			fail_msg("row at line %d: got %s", t[i].line, out);
		if (rc != DW_OK && out[0] != 'Z')
			fail_msg("row at line %d: out written", t[i].line);
	}
}

static void
test_format_buffer(void **state)
{
	char	out[DW_GENTIME_MAX];

	/* 15 characters need 16 bytes; 22 need 23. */
	assert_int_equal(dw_gentime_format(NOW, -1, out, 16), DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_gentime_format(NOW, -1, out, 15), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_gentime_format(NOW, 0, out, 23), DW_OK);
	assert_int_equal(dw_gentime_format(NOW, 0, out, 22), DW_ERR_TOOLONG);
	assert_int_equal(dw_gentime_format(NOW, 0, out, 0), DW_ERR_TOOLONG);
	assert_int_equal(dw_gentime_format(NOW, 0, NULL, 23), DW_ERR_INVAL);
}

static void
test_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		long long	 t;
	} t[] = {
		ROW(S("19700101000000Z"), DW_OK, 0),
		ROW(S("20231114221320Z"), DW_OK, 1700000000),
		ROW(S("20231114221320.123456Z"), DW_OK, 1700000000),
		ROW(S("20231114221320.9Z"), DW_OK, 1700000000),
		ROW(S("20231114221320.000000000000001Z"), DW_OK, 1700000000),
		ROW(S("19691231235959Z"), DW_OK, -1),
		ROW(S("20240229000000Z"), DW_OK, 1709164800),
		ROW(S("20000229120000Z"), DW_OK, 951825600),
		ROW(S("20380119031408Z"), DW_OK, 2147483648LL),
		ROW(S("00000101000000Z"), DW_OK, -62167219200LL),
		ROW(S("99991231235959Z"), DW_OK, 253402300799LL),
		/* a leap second carries into the next minute */
		ROW(S("20231114221360Z"), DW_OK, 1700000040),
		/* ranges */
		ROW(S("20230001000000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231301000000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231100000000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231131000000Z"), DW_ERR_RANGE, 0),
		ROW(S("20230229000000Z"), DW_ERR_RANGE, 0),
		ROW(S("19000229000000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231114240000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231114226000Z"), DW_ERR_RANGE, 0),
		ROW(S("20231114221361Z"), DW_ERR_RANGE, 0),
		ROW(S("20231114229999Z"), DW_ERR_RANGE, 0),
		/* malformed */
		ROW(S(""), DW_ERR_INVAL, 0),
		ROW(S("-1"), DW_ERR_INVAL, 0),
		ROW(S("0"), DW_ERR_INVAL, 0),
		ROW(S("Z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320"), DW_ERR_INVAL, 0),
		ROW(S("2023111422132Z"), DW_ERR_INVAL, 0),
		ROW(S("202311142213Z"), DW_ERR_INVAL, 0),
		ROW(S("202311142213200Z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320+0100"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320-0000"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320.Z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320,5Z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320.5"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320.5ZZ"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320ZZ"), DW_ERR_INVAL, 0),
		ROW(S("2023-11-14T22:13:20Z"), DW_ERR_INVAL, 0),
		ROW(S(" 20231114221320Z"), DW_ERR_INVAL, 0),
		ROW(S("2023111422132OZ"), DW_ERR_INVAL, 0),
		ROW(S("-0231114221320Z"), DW_ERR_INVAL, 0),
		ROW(S("+0231114221320Z"), DW_ERR_INVAL, 0),
		ROW(S("20231114221320Z\0"), DW_ERR_INVAL, 0),
		ROW(S("2023111422\0320Z"), DW_ERR_INVAL, 0),
		ROW(S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		    "Z"), DW_ERR_INVAL, 0),
	};
	time_t	out;
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = (time_t)12345;
		rc = dw_gentime_parse(t[i].s, t[i].len, &out);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && (long long)out != t[i].t)
			fail_msg("row at line %d: got %lld", t[i].line,
			    (long long)out);
		if (rc != DW_OK && out != (time_t)12345)
			fail_msg("row at line %d: out written", t[i].line);
	}
	assert_int_equal(dw_gentime_parse(NULL, 15, &out), DW_ERR_INVAL);
	assert_int_equal(dw_gentime_parse(S("20231114221320Z"), NULL),
	    DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_gentime_parse("20231114221320Zjunk", 15, &out),
	    DW_OK);
	assert_int_equal(out, NOW);
}

static void
test_round_trip(void **state)
{
	static const long long	times[] = {
		0, 1, -1, 59, 60, 86399, 86400, 951782400, 1700000000,
		1709164800, 2147483647LL, 2147483648LL, 4102444800LL,
		-62167219200LL, 253402300799LL,
	};
	char	buf[DW_GENTIME_MAX];
	time_t	back;
	size_t	i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		assert_int_equal(dw_gentime_format((time_t)times[i], -1, buf,
		    sizeof(buf)), DW_OK);
		assert_int_equal(dw_gentime_parse(buf, strlen(buf), &back),
		    DW_OK);
		assert_true((long long)back == times[i]);
		assert_int_equal(dw_gentime_format((time_t)times[i], 500000,
		    buf, sizeof(buf)), DW_OK);
		assert_int_equal(dw_gentime_parse(buf, strlen(buf), &back),
		    DW_OK);
		assert_true((long long)back == times[i]);
	}
	/* Lexical order is time order within four-digit years. */
	{
		char a[DW_GENTIME_MAX], b[DW_GENTIME_MAX];

		assert_int_equal(dw_gentime_format(NOW, -1, a, sizeof(a)),
		    DW_OK);
		assert_int_equal(dw_gentime_format(NOW + 1, -1, b, sizeof(b)),
		    DW_OK);
		assert_true(strcmp(a, b) < 0);
	}
}

/* dw_months_before: calendar months, day clamped, via GeneralizedTime. */
static void
test_months_before(void **state)
{
	static const struct {
		int		 line;
		const char	*from;
		unsigned	 months;
		int		 rc;
		const char	*to;
	} t[] = {
		ROW("20261204120000Z", 12, DW_OK, "20251204120000Z"),
		ROW("20261204120000Z", 0, DW_OK, "20261204120000Z"),
		ROW("20260115000001Z", 1, DW_OK, "20251215000001Z"),
		ROW("20260331235959Z", 1, DW_OK, "20260228235959Z"),
		ROW("20240331000000Z", 1, DW_OK, "20240229000000Z"),
		ROW("20250229000000Z", 0, DW_ERR_RANGE, NULL), /* bad from */
		ROW("20270131000000Z", 23, DW_OK, "20250228000000Z"),
		ROW("20261204120000Z", 120, DW_OK, "20161204120000Z"),
		ROW("20261204120000Z", 120001, DW_ERR_RANGE, NULL),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[DW_GENTIME_MAX];
		time_t from, to = 0;
		int rc;

		rc = dw_gentime_parse(t[i].from, strlen(t[i].from), &from);
		if (rc != DW_OK) {
			assert_int_equal(t[i].rc, rc);
			continue;
		}
		rc = dw_months_before(from, t[i].months, &to);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d, want %d", t[i].line, rc,
			    t[i].rc);
		if (rc != DW_OK)
			continue;
		assert_int_equal(dw_gentime_format(to, -1, out, sizeof(out)),
		    DW_OK);
		if (strcmp(out, t[i].to) != 0)
			fail_msg("line %d: %s, want %s", t[i].line, out,
			    t[i].to);
	}
	assert_int_equal(dw_months_before(0, 1, NULL), DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_buffer),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_months_before),
	};

	return cmocka_run_group_tests_name("dw_time", tests, NULL, NULL);
}
