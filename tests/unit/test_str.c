/*
 * test_str.c: the locale-independent ASCII helpers of core/dw_str.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dw_str.h"

static void
test_lower(void **state)
{
	(void)state;
	assert_int_equal(dw_ascii_lower('A'), 'a');
	assert_int_equal(dw_ascii_lower('Z'), 'z');
	assert_int_equal(dw_ascii_lower('a'), 'a');
	assert_int_equal(dw_ascii_lower('@'), '@');
	assert_int_equal(dw_ascii_lower('['), '[');
	/* Non-ASCII bytes are never folded, whatever the locale. */
	assert_int_equal((unsigned char)dw_ascii_lower((char)0xC4), 0xC4);
}

static void
test_caseeq(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *lit;
		int want;
	} t[] = {
		{ "active", 6, "active", 1 },
		{ "ACTIVE", 6, "active", 1 },
		{ "AcTiVe", 6, "active", 1 },
		{ "active ", 7, "active", 0 },	/* trailing blank */
		{ "activ", 5, "active", 0 },
		{ "active", 5, "active", 0 },	/* explicit length wins */
		{ "act\0ve", 6, "active", 0 },	/* embedded NUL */
		{ "", 0, "", 1 },
		{ "x", 1, "", 0 },
		{ NULL, 0, "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(dw_ascii_caseeq(t[i].s, t[i].len, t[i].lit),
		    t[i].want);
}

static void
test_caseprefix(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *lit;
		int want;
	} t[] = {
		{ "{ARGON2}$argon2id$", 18, "{ARGON2}", 1 },
		{ "{argon2}$argon2id$", 18, "{ARGON2}", 1 },
		{ "{ARGON2", 7, "{ARGON2}", 0 },	/* shorter than lit */
		{ "{ARGON2}", 8, "{ARGON2}", 1 },
		{ "{SSHA}abc", 9, "{ARGON2}", 0 },
		{ "LDAPI://x", 9, "ldapi://", 1 },
		{ "ldap://", 7, "ldaps://", 0 },
		{ NULL, 0, "x", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(
		    dw_ascii_caseprefix(t[i].s, t[i].len, t[i].lit), t[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower),
		cmocka_unit_test(test_caseeq),
		cmocka_unit_test(test_caseprefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
