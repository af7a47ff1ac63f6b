/*
 * test_err.c: dw_strerror.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_err.h"

static void
test_every_code_has_distinct_text(void **state)
{
	static const int codes[] = {
		DW_OK, DW_ERR_INVAL, DW_ERR_RANGE, DW_ERR_NOMEM,
		DW_ERR_TOOLONG, DW_ERR_CRYPTO, DW_ERR_DENIED, DW_ERR_PREHASHED,
		DW_ERR_IO, DW_ERR_NOTFOUND, DW_ERR_UNSAFE, DW_ERR_REPLAY,
	};
	const char	*unknown = dw_strerror(1);
	size_t		 i, j, n = sizeof(codes) / sizeof(codes[0]);

	for (i = 0; i < n; i++) {
		const char *t = dw_strerror(codes[i]);

		assert_non_null(t);
		assert_true(strlen(t) > 0);
		if (strcmp(t, unknown) == 0)
			fail_msg("code %d has the unknown-code text", codes[i]);
		for (j = 0; j < i; j++)
			if (strcmp(t, dw_strerror(codes[j])) == 0)
				fail_msg("codes %d and %d share a text",
				    codes[i], codes[j]);
	}
}

static void
test_unknown_codes(void **state)
{
	static const int codes[] = { 1, -12, -1000, INT_MIN, INT_MAX };
	size_t	i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_string_equal(dw_strerror(codes[i]), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_distinct_text),
		cmocka_unit_test(test_unknown_codes),
	};

	return cmocka_run_group_tests_name("dw_err", tests, NULL, NULL);
}
