/*
 * test_email.c: e-mail validation and normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_email.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

static void
test_table(void **state)
{
	static const struct {
		int		 line;
		const char	*in;
		size_t		 len;
		int		 rc;
		const char	*out;
	} t[] = {
		ROW(S("alice@dramwell.ai"), DW_OK, "alice@dramwell.ai"),
		ROW(S("Alice@DramWell.AI"), DW_OK, "alice@dramwell.ai"),
		ROW(S("ALICE.SMITH@DRAMWELL.AI"), DW_OK,
		    "alice.smith@dramwell.ai"),
		ROW(S("a@b.co"), DW_OK, "a@b.co"),
		ROW(S("a.b-c_d%e+f@x-y.example.com"), DW_OK,
		    "a.b-c_d%e+f@x-y.example.com"),
		ROW(S("1@2.3"), DW_OK, "1@2.3"),
		ROW(S("a@b-c.d"), DW_OK, "a@b-c.d"),
		ROW(S("a@b--c.d"), DW_OK, "a@b--c.d"),
		ROW(S(""), DW_ERR_INVAL, NULL),
		ROW(S("-1"), DW_ERR_INVAL, NULL),
		ROW(S("@"), DW_ERR_INVAL, NULL),
		ROW(S("a@"), DW_ERR_INVAL, NULL),
		ROW(S("@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("alice"), DW_ERR_INVAL, NULL),
		ROW(S("a@b"), DW_ERR_INVAL, NULL),
		ROW(S("a@@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S(".a@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a.@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a..b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@.b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b..co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co."), DW_ERR_INVAL, NULL),
		ROW(S("a@-b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b-.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.-co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co-"), DW_ERR_INVAL, NULL),
		ROW(S("a@b_c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b%c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S(" a@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co "), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co\n"), DW_ERR_INVAL, NULL),
		ROW(S("\"a\"@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a'b@c.co"), DW_ERR_INVAL, NULL),
		/* LDAP filter and DN specials */
		ROW(S("*@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a*@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a(@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a)(uid=*@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a\\2a@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a,b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a=b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a;b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a<b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a#b@c.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co,dc=x"), DW_ERR_INVAL, NULL),
		/* non-ASCII, control bytes, embedded NUL */
		ROW(S("\xc3\xa4@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b\xc3\xa4.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@xn--bcher-kva.example"), DW_OK,
		    "a@xn--bcher-kva.example"),
		ROW(S("\x01@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a\0@b.co"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co\0"), DW_ERR_INVAL, NULL),
		ROW(S("a@b.co\0x"), DW_ERR_INVAL, NULL),
		ROW(S("\xff\xfe\xfd"), DW_ERR_INVAL, NULL),
	};
	char	out[DW_EMAIL_MAX + 1];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		rc = dw_email_normalize(t[i].in, t[i].len, out, sizeof(out));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && strcmp(out, t[i].out) != 0)
			fail_msg("row at line %d: got \"%s\"", t[i].line, out);
		if (rc != DW_OK && out[0] != 'Z')
			fail_msg("row at line %d: out written on error",
			    t[i].line);
	}
}

/* Build local@label.label... with the given part lengths. */
static size_t
build(char *buf, size_t local, const size_t *labels, size_t nlabels)
{
	size_t	n = 0, i;

	memset(buf, 'a', local);
	n = local;
	buf[n++] = '@';
	for (i = 0; i < nlabels; i++) {
		if (i > 0)
			buf[n++] = '.';
		memset(buf + n, 'b', labels[i]);
		n += labels[i];
	}
	buf[n] = '\0';
	return n;
}

static void
test_lengths(void **state)
{
	static const struct {
		int	line;
		size_t	local;
		size_t	labels[5];
		size_t	nlabels;
		int	rc;
	} t[] = {
		ROW(64, { 3, 2 }, 2, DW_OK),		/* local max */
		ROW(65, { 3, 2 }, 2, DW_ERR_INVAL),	/* local max + 1 */
		ROW(1, { 63, 2 }, 2, DW_OK),		/* label max */
		ROW(1, { 64, 2 }, 2, DW_ERR_INVAL),	/* label max + 1 */
		ROW(1, { 2, 63 }, 2, DW_OK),
		ROW(1, { 2, 64 }, 2, DW_ERR_INVAL),
		ROW(1, { 1, 1 }, 2, DW_OK),
		/* 1 + 1 + 252 = 254: total max, domain 252 */
		ROW(1, { 63, 63, 63, 60 }, 4, DW_OK),
		/* 255: over the total */
		ROW(1, { 63, 63, 63, 61 }, 4, DW_ERR_TOOLONG),
		/* 64 + 1 + 189 = 254 */
		ROW(64, { 63, 63, 61 }, 3, DW_OK),
		ROW(64, { 63, 63, 62 }, 3, DW_ERR_TOOLONG),
	};
	char	in[512], out[DW_EMAIL_MAX + 1];
	size_t	i, len;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = build(in, t[i].local, t[i].labels, t[i].nlabels);
		rc = dw_email_normalize(in, len, out, sizeof(out));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d (len %zu)",
			    t[i].line, rc, t[i].rc, len);
		if (rc == DW_OK)
			assert_string_equal(in, out);
	}
}

static void
test_buffers(void **state)
{
	char	out[DW_EMAIL_MAX + 1];

	/* out too small for the result */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_email_normalize(S("a@b.co"), out, 6),
	    DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_email_normalize(S("a@b.co"), out, 7), DW_OK);
	assert_string_equal(out, "a@b.co");
	assert_int_equal(dw_email_normalize(S("a@b.co"), out, 0),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_email_normalize(NULL, 0, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_email_normalize(S("a@b.co"), NULL, 7),
	    DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_email_normalize("a@b.cox", 6, out, sizeof(out)),
	    DW_OK);
	assert_string_equal(out, "a@b.co");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_buffers),
	};

	return cmocka_run_group_tests_name("dw_email", tests, NULL, NULL);
}
