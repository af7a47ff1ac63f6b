/*
 * test_invite.c: invitation tokens, their hash, expiry and accept link.
 * Hash vectors computed independently with Python's hashlib.blake2b
 * (digest_size=32) over the token's characters.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dw_invite.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

/* base64url of the bytes 0x00..0x1f. */
#define TOK_SEQ		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define TOK_SEQ_HASH	\
	"ba285d7e0208bffd223ed32a2051a84f463d139b7e0d100a9b30efab23fbf04b"
#define TOK_ZERO	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define TOK_ZERO_HASH	\
	"6342b384e5d6294c5df1110132b93b97b395a2ff4cca498af637b3e06b3095dd"
#define TOK_ONES	"__________________________________________8"
#define TOK_ONES_HASH	\
	"6484a528c1a5b76ddd7aafb78c2be1edd200b3bc57328be443cce5a2c2288334"

static void
test_check(void **state)
{
	static const struct {
		int		 line;
		const char	*tok;
		size_t		 len;
		int		 rc;
	} t[] = {
		ROW(S(TOK_SEQ), DW_OK),
		ROW(S(TOK_ZERO), DW_OK),
		ROW(S(TOK_ONES), DW_OK),
		ROW(S("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_E"), DW_OK),
		/* the last character holds 4 bits: low 2 bits must be 0 */
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"),
		    DW_ERR_INVAL),
		ROW(S("___________________________________________"),
		    DW_ERR_INVAL),
		/* lengths */
		ROW(S(""), DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		    DW_ERR_INVAL),
		ROW(S(TOK_SEQ "="), DW_ERR_INVAL),
		/* padded or standard base64 alphabet */
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/AA"),
		    DW_ERR_INVAL),
		/* blanks, control bytes, NUL, non-ASCII, filter specials */
		ROW(S("AAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAA"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAA\0AAAAAAAAAAAAAAAAAAAAAA"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa4"),
		    DW_ERR_INVAL),
		ROW(S("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*)"),
		    DW_ERR_INVAL),
	};
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dw_invite_token_check(t[i].tok, t[i].len);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
	}
	assert_int_equal(dw_invite_token_check(NULL, 0), DW_ERR_INVAL);
	assert_int_equal(dw_invite_token_check(NULL, DW_INVITE_TOKEN_LEN),
	    DW_ERR_INVAL);
	/* The length is what counts, not a NUL. */
	assert_int_equal(dw_invite_token_check(TOK_SEQ "AAAA",
	    DW_INVITE_TOKEN_LEN), DW_OK);
}

static void
test_generate(void **state)
{
	char	a[DW_INVITE_TOKEN_LEN + 1], b[DW_INVITE_TOKEN_LEN + 1];
	char	big[128];
	int	i;

	for (i = 0; i < 64; i++) {
		memset(a, 'Z', sizeof(a));
		assert_int_equal(dw_invite_token_generate(a, sizeof(a)),
		    DW_OK);
		assert_int_equal(strlen(a), DW_INVITE_TOKEN_LEN);
		assert_int_equal(dw_invite_token_check(a, strlen(a)), DW_OK);
		assert_int_equal(dw_invite_token_generate(b, sizeof(b)),
		    DW_OK);
		assert_string_not_equal(a, b);
	}
	/* A larger buffer: NUL right after the token, rest untouched. */
	memset(big, 'Z', sizeof(big));
	assert_int_equal(dw_invite_token_generate(big, sizeof(big)), DW_OK);
	assert_int_equal(big[DW_INVITE_TOKEN_LEN], '\0');
	assert_int_equal(big[DW_INVITE_TOKEN_LEN + 1], 'Z');
	/* Too small (one byte short: no room for the NUL) or NULL. */
	memset(a, 'Z', sizeof(a));
	assert_int_equal(dw_invite_token_generate(a, DW_INVITE_TOKEN_LEN),
	    DW_ERR_TOOLONG);
	assert_int_equal(a[0], 'Z');
	assert_int_equal(dw_invite_token_generate(a, 0), DW_ERR_TOOLONG);
	assert_int_equal(dw_invite_token_generate(NULL, sizeof(a)),
	    DW_ERR_TOOLONG);
}

static void
test_hash(void **state)
{
	static const struct {
		int		 line;
		const char	*tok;
		const char	*hex;
	} t[] = {
		ROW(TOK_SEQ, TOK_SEQ_HASH),
		ROW(TOK_ZERO, TOK_ZERO_HASH),
		ROW(TOK_ONES, TOK_ONES_HASH),
	};
	char	out[DW_INVITE_HASH_HEX_LEN + 1];
	char	gen[DW_INVITE_TOKEN_LEN + 1], out2[sizeof(out)];
	size_t	i, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		assert_int_equal(dw_invite_token_hash_hex(t[i].tok,
		    strlen(t[i].tok), out, sizeof(out)), DW_OK);
		if (strcmp(out, t[i].hex) != 0)
			fail_msg("row at line %d: %s", t[i].line, out);
	}
	/* Generated tokens: 64 lower-case hex digits, deterministic. */
	assert_int_equal(dw_invite_token_generate(gen, sizeof(gen)), DW_OK);
	assert_int_equal(dw_invite_token_hash_hex(gen, strlen(gen), out,
	    sizeof(out)), DW_OK);
	assert_int_equal(dw_invite_token_hash_hex(gen, strlen(gen), out2,
	    sizeof(out2)), DW_OK);
	assert_string_equal(out, out2);
	assert_int_equal(strlen(out), DW_INVITE_HASH_HEX_LEN);
	for (j = 0; j < DW_INVITE_HASH_HEX_LEN; j++)
		assert_true((out[j] >= '0' && out[j] <= '9') ||
		    (out[j] >= 'a' && out[j] <= 'f'));
	assert_string_not_equal(out, TOK_SEQ_HASH);

	/* Bad token: refused, out untouched. */
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_invite_token_hash_hex(S("short"), out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_invite_token_hash_hex(NULL, 43, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_invite_token_hash_hex(S(TOK_SEQ "A"), out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(out[0], 'Z');
	/* Output too small by one, or NULL. */
	assert_int_equal(dw_invite_token_hash_hex(S(TOK_SEQ), out,
	    DW_INVITE_HASH_HEX_LEN), DW_ERR_TOOLONG);
	assert_int_equal(dw_invite_token_hash_hex(S(TOK_SEQ), NULL,
	    sizeof(out)), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
}

static void
test_usable(void **state)
{
	static const struct {
		int		 line;
		time_t		 expires, now;
		enum dw_decision want;
	} t[] = {
		ROW(1700086400, 1700000000, DW_ALLOW),
		ROW(1700086400, 1700086399, DW_ALLOW),
		ROW(1700086400, 1700086400, DW_DENY),	/* at expiry */
		ROW(1700086400, 1700086401, DW_DENY),
		ROW(0, 0, DW_DENY),
		ROW(0, -1, DW_ALLOW),
		ROW(1, 0, DW_ALLOW),
		ROW(-1, 0, DW_DENY),
		ROW(0, 1700000000, DW_DENY),
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (dw_invite_usable(t[i].expires, t[i].now) != t[i].want)
			fail_msg("row at line %d", t[i].line);
		if (dw_invite_expired(t[i].expires, t[i].now) !=
		    (t[i].want != DW_ALLOW))
			fail_msg("row at line %d: expired", t[i].line);
	}
}

static void
test_url(void **state)
{
	static const struct {
		int		 line;
		const char	*url;
		int		 rc;
	} t[] = {
		ROW("https://admin.dramwell.ai", DW_OK),
		ROW("https://admin.dramwell.ai/", DW_OK),
		ROW("https://127.0.0.1:8443/portal", DW_OK),
		ROW("https://a", DW_OK),
		ROW("http://admin.dramwell.ai", DW_ERR_INVAL),
		ROW("HTTPS://admin.dramwell.ai", DW_ERR_INVAL),
		ROW("https://", DW_ERR_INVAL),
		ROW("https:///x", DW_ERR_INVAL),
		ROW("", DW_ERR_INVAL),
		ROW("admin.dramwell.ai", DW_ERR_INVAL),
		ROW("https://a b", DW_ERR_INVAL),
		ROW("https://a\n", DW_ERR_INVAL),
		ROW("https://a/?x=1", DW_ERR_INVAL),
		ROW("https://a/#f", DW_ERR_INVAL),
		ROW("https://a/\"", DW_ERR_INVAL),
		ROW("https://a/<script>", DW_ERR_INVAL),
		ROW("https://\xc3\xa4.example", DW_ERR_INVAL),
	};
	char	long_url[DW_INVITE_URL_MAX + 2];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_invite_url_check(t[i].url, strlen(t[i].url)) !=
		    t[i].rc)
			fail_msg("row at line %d", t[i].line);
	assert_int_equal(dw_invite_url_check(NULL, 0), DW_ERR_INVAL);
	memset(long_url, 'a', sizeof(long_url));
	memcpy(long_url, "https://", 8);
	assert_int_equal(dw_invite_url_check(long_url, DW_INVITE_URL_MAX),
	    DW_OK);
	assert_int_equal(dw_invite_url_check(long_url, DW_INVITE_URL_MAX + 1),
	    DW_ERR_TOOLONG);
}

static void
test_link(void **state)
{
	static const char	want[] = "https://admin.dramwell.ai"
	    "/invite/accept?token=" TOK_SEQ;
	char			out[256];

	assert_int_equal(dw_invite_link("https://admin.dramwell.ai",
	    S(TOK_SEQ), out, sizeof(out)), DW_OK);
	assert_string_equal(out, want);
	assert_int_equal(dw_invite_link("https://admin.dramwell.ai//",
	    S(TOK_SEQ), out, sizeof(out)), DW_OK);
	assert_string_equal(out, want);
	assert_int_equal(dw_invite_link("https://h:1/p/", S(TOK_ZERO), out,
	    sizeof(out)), DW_OK);
	assert_string_equal(out, "https://h:1/p/invite/accept?token="
	    TOK_ZERO);
	/* Exact fit, one byte short. */
	assert_int_equal(dw_invite_link("https://admin.dramwell.ai",
	    S(TOK_SEQ), out, sizeof(want)), DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_invite_link("https://admin.dramwell.ai",
	    S(TOK_SEQ), out, sizeof(want) - 1), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	/* Bad URL, bad token, NULLs. */
	assert_int_equal(dw_invite_link("http://a", S(TOK_SEQ), out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_invite_link("https://a", S("x"), out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_invite_link(NULL, S(TOK_SEQ), out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_invite_link("https://a", NULL, 43, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_invite_link("https://a", S(TOK_SEQ), NULL,
	    sizeof(out)), DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_usable),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_link),
	};

	return cmocka_run_group_tests_name("dw_invite", tests, NULL, NULL);
}
