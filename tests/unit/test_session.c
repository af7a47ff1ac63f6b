/*
 * test_session.c: session identifiers, the idle rule and the refresh
 * interval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_session.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

#define NOW		1700000000LL

static void
test_id(void **state)
{
	char	a[DW_SESSION_ID_LEN + 1], b[DW_SESSION_ID_LEN + 1];

	assert_int_equal(dw_session_id_new(a, sizeof(a)), DW_OK);
	assert_int_equal(strlen(a), DW_SESSION_ID_LEN);
	assert_true(dw_session_id_form(a, strlen(a)));
	assert_int_equal(dw_session_id_new(b, sizeof(b)), DW_OK);
	assert_string_not_equal(a, b);
	memset(b, 'Z', sizeof(b));
	assert_int_equal(dw_session_id_new(b, sizeof(b) - 1), DW_ERR_TOOLONG);
	assert_int_equal(b[0], 'Z');
	assert_int_equal(dw_session_id_new(NULL, sizeof(b)), DW_ERR_TOOLONG);
}

/* An id never starts with '-' (it would read as an option after
 * "dwadm session kill"); 4096 draws would meet one 1 - (63/64)^4096
 * of the time (all but certainly) if it could. */
static void
test_id_no_dash(void **state)
{
	char	a[DW_SESSION_ID_LEN + 1];
	int	i, seen_dash_inside = 0;

	(void)state;
	for (i = 0; i < 4096; i++) {
		assert_int_equal(dw_session_id_new(a, sizeof(a)), DW_OK);
		assert_int_not_equal(a[0], '-');
		if (strchr(a + 1, '-') != NULL)
			seen_dash_inside = 1;
	}
	/* '-' is still part of the alphabet elsewhere. */
	assert_true(seen_dash_inside);
}

static void
test_id_form(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		bool		 ok;
	} t[] = {
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"), true),
		ROW(S("0123456789-_0123456789-_0123456789-_0123456"), true),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR"), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP="), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+"), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP/"), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP,"), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP "), false),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP\0"), false),
		ROW(S("*bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"), false),
		ROW(S(""), false),
		ROW(S("-1"), false),
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_session_id_form(t[i].s, t[i].len) != t[i].ok)
			fail_msg("row at line %d: wrong answer", t[i].line);
	assert_false(dw_session_id_form(NULL, DW_SESSION_ID_LEN));
}

static void
test_idle(void **state)
{
	static const struct {
		int		 line;
		int64_t		 last;
		int64_t		 now;
		unsigned	 timeout;
		enum dw_decision want;
	} t[] = {
		ROW(NOW, NOW, 900, DW_ALLOW),
		ROW(NOW - 899, NOW, 900, DW_ALLOW),
		ROW(NOW - 900, NOW, 900, DW_DENY),
		ROW(NOW - 901, NOW, 900, DW_DENY),
		/* In the future: idle 0 within the clock skew, refused
		 * beyond it (whatever the timeout). */
		ROW(NOW + 1, NOW, 900, DW_ALLOW),
		ROW(NOW + 60, NOW, 900, DW_ALLOW),
		ROW(NOW + 61, NOW, 900, DW_DENY),
		ROW(NOW + 61, NOW, 86400, DW_DENY),
		ROW(NOW + 3600, NOW, 900, DW_DENY),
		ROW(NOW + 100000, NOW, 900, DW_DENY),
		ROW(NOW + 60, NOW, 1, DW_ALLOW),
		ROW(INT64_MAX, NOW, 86400, DW_DENY),
		ROW(NOW, NOW, 0, DW_DENY),		/* fail closed */
		ROW(NOW + 10, NOW, 0, DW_DENY),
		ROW(NOW - 59, NOW, 60, DW_ALLOW),
		ROW(NOW - 60, NOW, 60, DW_DENY),
		ROW(NOW - 86399, NOW, 86400, DW_ALLOW),
		ROW(0, NOW, 86400, DW_DENY),
		ROW(INT64_MIN, INT64_MAX, 86400, DW_DENY),	/* no overflow */
		ROW(INT64_MAX, INT64_MIN, 86400, DW_DENY),
		ROW(0, -60, 2, DW_ALLOW),
		ROW(0, -61, 2, DW_DENY),
		ROW(INT64_MIN, INT64_MIN + 1, 1, DW_DENY),
		ROW(-1, 0, 2, DW_ALLOW),
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_session_idle_check(t[i].last, t[i].now, t[i].timeout) !=
		    t[i].want)
			fail_msg("row at line %d: wrong decision", t[i].line);
}

static void
test_refresh(void **state)
{
	static const struct {
		int	 line;
		int64_t	 last;
		int64_t	 now;
		bool	 due;
	} t[] = {
		ROW(NOW, NOW, false),
		ROW(NOW - 59, NOW, false),
		ROW(NOW - 60, NOW, true),
		ROW(NOW - 61, NOW, true),
		ROW(0, NOW, true),
		/* A last activity in the future is corrected at once. */
		ROW(NOW + 1, NOW, true),
		ROW(INT64_MIN, INT64_MAX, true),
		ROW(INT64_MAX, INT64_MIN, true),
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_session_refresh_due(t[i].last, t[i].now) != t[i].due)
			fail_msg("row at line %d: wrong answer", t[i].line);
	assert_int_equal(DW_SESSION_REFRESH, 60);
	assert_int_equal(DW_SESSION_SKEW, 60);
}

static void
test_time_check(void **state)
{
	static const struct {
		int		 line;
		int64_t		 t, now;
		enum dw_decision want;
	} t[] = {
		ROW(1000, 1000, DW_ALLOW),
		ROW(0, 1000, DW_ALLOW),
		ROW(1060, 1000, DW_ALLOW),
		ROW(1061, 1000, DW_DENY),
		ROW(INT64_MAX, 1000, DW_DENY),
		ROW(INT64_MIN, 1000, DW_ALLOW),
		ROW(1000, INT64_MIN, DW_DENY),
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_session_time_check(t[i].t, t[i].now) != t[i].want)
			fail_msg("line %d", t[i].line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_id_no_dash),
		cmocka_unit_test(test_time_check),
		cmocka_unit_test(test_id_form),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_refresh),
	};

	return cmocka_run_group_tests_name("dw_session", tests, NULL, NULL);
}
