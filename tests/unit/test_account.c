/*
 * test_account.c: account state parsing and the authentication rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_account.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

static const struct {
	int			 line;
	const char		*s;
	size_t			 len;
	int			 rc;
	enum dw_account_state	 st;
	enum dw_decision	 may_auth;
} rows[] = {
	ROW(S("invited"), DW_OK, DW_ACCOUNT_INVITED, DW_DENY),
	ROW(S("active"), DW_OK, DW_ACCOUNT_ACTIVE, DW_ALLOW),
	ROW(S("deactivated"), DW_OK, DW_ACCOUNT_DEACTIVATED, DW_DENY),
	ROW(S("ACTIVE"), DW_OK, DW_ACCOUNT_ACTIVE, DW_ALLOW),
	ROW(S("Active"), DW_OK, DW_ACCOUNT_ACTIVE, DW_ALLOW),
	ROW(S("INVITED"), DW_OK, DW_ACCOUNT_INVITED, DW_DENY),
	ROW(S("DeActivated"), DW_OK, DW_ACCOUNT_DEACTIVATED, DW_DENY),
	ROW(S(""), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("activ"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("actives"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S(" active"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("active "), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("active\0"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("act\0ve"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("inactive"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("enabled"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("TRUE"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("1"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("0"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("-1"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("\xc3\xa1\x63tive"), DW_ERR_INVAL, 0, DW_DENY),
	ROW(S("\xff\xfe\xfd\xfc\xfb\xfa"), DW_ERR_INVAL, 0, DW_DENY),
	/* a dotless i (U+0131) must not fold to ASCII 'i' */
	ROW(S("act\xc4\xb1ve"), DW_ERR_INVAL, 0, DW_DENY),
};

static void
test_parse(void **state)
{
	enum dw_account_state	st;
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		st = (enum dw_account_state)77;
		rc = dw_account_state_parse(rows[i].s, rows[i].len, &st);
		if (rc != rows[i].rc)
			fail_msg("row at line %d: rc %d, want %d",
			    rows[i].line, rc, rows[i].rc);
		if (rc == DW_OK && st != rows[i].st)
			fail_msg("row at line %d: state %d", rows[i].line,
			    (int)st);
		if (rc != DW_OK && st != (enum dw_account_state)77)
			fail_msg("row at line %d: out written on error",
			    rows[i].line);
	}
	assert_int_equal(dw_account_state_parse(NULL, 0, &st), DW_ERR_INVAL);
	assert_int_equal(dw_account_state_parse(S("active"), NULL),
	    DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_account_state_parse("activeX", 6, &st), DW_OK);
	assert_int_equal(st, DW_ACCOUNT_ACTIVE);
	assert_int_equal(dw_account_state_parse("active", 5, &st),
	    DW_ERR_INVAL);
}

static void
test_may_authenticate(void **state)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (dw_account_may_authenticate(rows[i].s, rows[i].len) !=
		    rows[i].may_auth)
			fail_msg("row at line %d: wrong decision",
			    rows[i].line);
	assert_int_equal(dw_account_may_authenticate(NULL, 0), DW_DENY);
	assert_int_equal(dw_account_may_authenticate(NULL, 6), DW_DENY);
}

static void
test_name(void **state)
{
	static const struct {
		int			 st;
		const char		*name;
	} t[] = {
		{ DW_ACCOUNT_INVITED, "invited" },
		{ DW_ACCOUNT_ACTIVE, "active" },
		{ DW_ACCOUNT_DEACTIVATED, "deactivated" },
		{ 0, "invalid" },
		{ -1, "invalid" },
		{ DW_ACCOUNT_DEACTIVATED + 1, "invalid" },
		{ 1000, "invalid" },
	};
	enum dw_account_state	st;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_string_equal(
		    dw_account_state_name((enum dw_account_state)t[i].st),
		    t[i].name);
		if (strcmp(t[i].name, "invalid") == 0)
			continue;
		/* The name parses back to the state. */
		assert_int_equal(dw_account_state_parse(t[i].name,
		    strlen(t[i].name), &st), DW_OK);
		assert_int_equal(st, t[i].st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_may_authenticate),
		cmocka_unit_test(test_name),
	};

	return cmocka_run_group_tests_name("dw_account", tests, NULL, NULL);
}
