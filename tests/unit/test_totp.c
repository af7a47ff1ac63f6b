/*
 * test_totp.c: TOTP codes and their verification (RFC 6238 / RFC 4226
 * vectors, window, replay), base32, otpauth:// URIs, recovery codes and
 * the split of an MFA bind credential.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_totp.h"

#define S(x)	x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

/* The RFC 4226 / RFC 6238 SHA-1 test secret. */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEYLEN	20

/* A time well inside a step, and its step. */
#define NOW		1700000015
#define NOW_STEP	(NOW / DW_TOTP_STEP)

static void
test_rfc6238_vectors(void **state)
{
	static const struct {
		int		line;
		int64_t		t;
		const char	*code;
	} t[] = {
		ROW(59, "94287082"),
		ROW(1111111109, "07081804"),
		ROW(1111111111, "14050471"),
		ROW(1234567890, "89005924"),
		ROW(2000000000, "69279037"),
		ROW(20000000000LL, "65353130"),
	};
	char	out[9];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (dw_totp_generate(rfc_key, RFC_KEYLEN, t[i].t, 8, out,
		    sizeof(out)) != DW_OK || strcmp(out, t[i].code) != 0)
			fail_msg("line %d: got %s", t[i].line, out);
	}
}

static void
test_rfc4226_vectors(void **state)
{
	static const char *const hotp[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char	out[7];
	int64_t	c, step;

	(void)state;
	for (c = 0; c < 10; c++) {
		/* TOTP is HOTP over the step: counter c is time c * 30. */
		assert_int_equal(dw_totp_generate(rfc_key, RFC_KEYLEN,
		    c * DW_TOTP_STEP, 6, out, sizeof(out)), DW_OK);
		assert_string_equal(out, hotp[c]);
		/* And verification finds exactly that step (c >= 1 keeps
		 * step c-1 in range; step 0 has no predecessor). */
		assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
		    c * DW_TOTP_STEP + 7, hotp[c], 6, false, 0, &step), DW_OK);
		assert_int_equal(step, c);
	}
}

static void
test_generate_errors(void **state)
{
	char	out[9];

	(void)state;
	assert_int_equal(dw_totp_generate(NULL, 20, 0, 6, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_totp_generate(rfc_key, 0, 0, 6, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_totp_generate(rfc_key, 20, -1, 6, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_totp_generate(rfc_key, 20, 0, 7, out,
	    sizeof(out)), DW_ERR_RANGE);
	assert_int_equal(dw_totp_generate(rfc_key, 20, 0, 6, out, 6),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_totp_generate(rfc_key, 20, 0, 8, out, 8),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_totp_generate(rfc_key, DW_TOTP_SECRET_MAX + 1, 0,
	    6, out, sizeof(out)), DW_ERR_TOOLONG);
}

static void
code_at(int64_t t, char out[7])
{
	assert_int_equal(dw_totp_generate(rfc_key, RFC_KEYLEN, t, 6, out, 7),
	    DW_OK);
}

static void
test_step(void **state)
{
	(void)state;
	assert_int_equal(dw_totp_step(0), 0);
	assert_int_equal(dw_totp_step(29), 0);
	assert_int_equal(dw_totp_step(30), 1);
	assert_int_equal(dw_totp_step(59), 1);
	assert_int_equal(dw_totp_step(20000000000LL), 666666666);
}

static void
test_window(void **state)
{
	static const struct {
		int	line;
		int	delta;		/* steps from now */
		int	rc;
	} t[] = {
		ROW(-2, DW_ERR_DENIED),
		ROW(-1, DW_OK),
		ROW(0, DW_OK),
		ROW(1, DW_OK),
		ROW(2, DW_ERR_DENIED),
	};
	char	code[7];
	int64_t	step;
	size_t	i;
	int	rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		code_at(NOW + (int64_t)t[i].delta * DW_TOTP_STEP, code);
		step = -7;
		rc = dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, code, 6, false,
		    0, &step);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d", t[i].line, rc);
		if (rc == DW_OK && step != NOW_STEP + t[i].delta)
			fail_msg("line %d: step %lld", t[i].line,
			    (long long)step);
		if (rc != DW_OK && step != -7)
			fail_msg("line %d: step written on failure", t[i].line);
	}
	/* The edges of a step: the last second of step s-1 and the first
	 * of s+1 both still accept s. */
	code_at(NOW, code);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
	    (NOW_STEP - 1) * DW_TOTP_STEP, code, 6, false, 0, &step), DW_OK);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
	    (NOW_STEP + 2) * DW_TOTP_STEP - 1, code, 6, false, 0, &step),
	    DW_OK);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
	    (NOW_STEP + 2) * DW_TOTP_STEP, code, 6, false, 0, &step),
	    DW_ERR_DENIED);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
	    (NOW_STEP - 1) * DW_TOTP_STEP - 1, code, 6, false, 0, &step),
	    DW_ERR_DENIED);
}

static void
test_replay(void **state)
{
	static const struct {
		int	line;
		int	delta;		/* the code's step, from last_step */
		int	rc;
	} t[] = {
		ROW(-1, DW_ERR_REPLAY),
		ROW(0, DW_ERR_REPLAY),
		ROW(1, DW_OK),
	};
	const int64_t last = NOW_STEP;
	char	code[7];
	int64_t	step;
	size_t	i;
	int	rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		code_at((last + t[i].delta) * DW_TOTP_STEP, code);
		rc = dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, code, 6, true,
		    last, &step);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d", t[i].line, rc);
		if (rc == DW_OK)
			assert_int_equal(step, last + t[i].delta);
	}
	/* A wrong code (one outside the window) is DENIED, not REPLAY,
	 * even with a last step. */
	code_at(NOW + 5 * DW_TOTP_STEP, code);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, code, 6,
	    true, last, &step), DW_ERR_DENIED);
	/* The clock moved back: last_step is ahead of now; the code of now
	 * and of now+1 are at or below last_step + 1 ... */
	code_at(NOW, code);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, code, 6,
	    true, NOW_STEP + 5, &step), DW_ERR_REPLAY);
	code_at(NOW + DW_TOTP_STEP, code);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, code, 6,
	    true, NOW_STEP + 5, &step), DW_ERR_REPLAY);
	/* ... and once time passes last_step, codes work again. */
	code_at((NOW_STEP + 6) * DW_TOTP_STEP, code);
	assert_int_equal(dw_totp_verify(rfc_key, RFC_KEYLEN,
	    (NOW_STEP + 6) * DW_TOTP_STEP, code, 6, true, NOW_STEP + 5, &step),
	    DW_OK);
	assert_int_equal(step, NOW_STEP + 6);
}

static void
test_verify_malformed(void **state)
{
	static const struct {
		int		line;
		const char	*code;
		size_t		len;
	} t[] = {
		ROW(S("12345")),
		ROW(S("1234567")),
		ROW(S("12345a")),
		ROW(S(" 123456")),
		ROW(S(" 12345")),
		ROW(S("")),
		ROW(S("12345\0")),
		ROW(S("-12345")),
		ROW(S("\xd9\xa1" "2345")),	/* Arabic-Indic one */
	};
	int64_t	step = -7;
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (dw_totp_verify(rfc_key, RFC_KEYLEN, NOW, t[i].code,
		    t[i].len, false, 0, &step) != DW_ERR_INVAL)
			fail_msg("line %d", t[i].line);
		if (dw_totp_code_form(t[i].code, t[i].len))
			fail_msg("line %d: form", t[i].line);
	}
	assert_int_equal(step, -7);
	assert_true(dw_totp_code_form(S("000000")));
	assert_int_equal(dw_totp_verify(rfc_key, 0, NOW, S("123456"), false,
	    0, &step), DW_ERR_INVAL);
	assert_int_equal(dw_totp_verify(NULL, 20, NOW, S("123456"), false,
	    0, &step), DW_ERR_INVAL);
	assert_int_equal(dw_totp_verify(rfc_key, 20, NOW, NULL, 6, false,
	    0, &step), DW_ERR_INVAL);
}

static void
test_secret_new(void **state)
{
	unsigned char a[DW_TOTP_SECRET_BYTES], b[DW_TOTP_SECRET_BYTES];

	(void)state;
	assert_int_equal(dw_totp_secret_new(a, sizeof(a)), DW_OK);
	assert_int_equal(dw_totp_secret_new(b, sizeof(b)), DW_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(dw_totp_secret_new(a, sizeof(a) - 1), DW_ERR_TOOLONG);
}

static void
test_base32(void **state)
{
	/* RFC 4648 section 10, padding removed. */
	static const struct {
		int		line;
		const char	*raw;
		const char	*b32;
	} t[] = {
		ROW("", ""),
		ROW("f", "MY"),
		ROW("fo", "MZXQ"),
		ROW("foo", "MZXW6"),
		ROW("foob", "MZXW6YQ"),
		ROW("fooba", "MZXW6YTB"),
		ROW("foobar", "MZXW6YTBOI"),
	};
	unsigned char	secret[DW_TOTP_SECRET_BYTES], back[DW_TOTP_SECRET_MAX];
	char		enc[DW_TOTP_SECRET_B32_LEN + 1], lower[64];
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].raw);
		if (dw_base32_encode((const unsigned char *)t[i].raw, n, enc,
		    sizeof(enc)) != DW_OK || strcmp(enc, t[i].b32) != 0)
			fail_msg("line %d: encode", t[i].line);
		if (n == 0)
			continue;
		if (dw_base32_decode(enc, strlen(enc), back, sizeof(back), &n)
		    != DW_OK || n != strlen(t[i].raw) ||
		    memcmp(back, t[i].raw, n) != 0)
			fail_msg("line %d: decode", t[i].line);
	}
	/* A 20-byte secret is exactly 32 characters, and round-trips. */
	assert_int_equal(dw_totp_secret_new(secret, sizeof(secret)), DW_OK);
	assert_int_equal(dw_base32_encode(secret, sizeof(secret), enc,
	    sizeof(enc)), DW_OK);
	assert_int_equal(strlen(enc), DW_TOTP_SECRET_B32_LEN);
	assert_int_equal(dw_base32_decode(enc, strlen(enc), back, sizeof(back),
	    &n), DW_OK);
	assert_int_equal(n, sizeof(secret));
	assert_memory_equal(back, secret, n);
	/* Lower case is accepted. */
	for (i = 0; enc[i] != '\0'; i++)
		lower[i] = (char)(enc[i] >= 'A' && enc[i] <= 'Z' ?
		    enc[i] - 'A' + 'a' : enc[i]);
	lower[i] = '\0';
	assert_int_equal(dw_base32_decode(lower, i, back, sizeof(back), &n),
	    DW_OK);
	assert_memory_equal(back, secret, n);
	/* Output too small. */
	assert_int_equal(dw_base32_encode(secret, sizeof(secret), enc,
	    DW_TOTP_SECRET_B32_LEN), DW_ERR_TOOLONG);
	assert_int_equal(dw_base32_decode(S("MZXW6YTBOI"), back, 5, &n),
	    DW_ERR_TOOLONG);
}

static void
test_base32_junk(void **state)
{
	static const struct {
		int		line;
		const char	*in;
		size_t		len;
	} t[] = {
		ROW(S("")),
		ROW(S("MY======")),		/* padding */
		ROW(S("MZXW6===")),
		ROW(S("MZXW1")),		/* '1' is not base32 */
		ROW(S("MZXW8")),		/* nor '8' */
		ROW(S("MZXW0")),		/* nor '0' */
		ROW(S("MZ XW6")),		/* space */
		ROW(S("MZXW6\n")),
		ROW(S("MZX\0W6")),
		ROW(S("M")),			/* 5 bits: no whole byte */
		ROW(S("MZX")),			/* 15 bits */
		ROW(S("MZXW6Y")),		/* 30 bits */
		ROW(S("MZ")),			/* bits left over: 'MY' is "f" */
		ROW(S("MZXW7")),		/* trailing bit set */
		ROW(S("\xc3\x84" "AAA")),
	};
	unsigned char	out[DW_TOTP_SECRET_MAX];
	size_t		i, n = 12345;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_base32_decode(t[i].in, t[i].len, out, sizeof(out), &n) !=
		    DW_ERR_INVAL)
			fail_msg("line %d", t[i].line);
	assert_int_equal(n, 12345);
}

static void
test_uri(void **state)
{
	char	uri[DW_TOTP_URI_MAX];

	(void)state;
	assert_int_equal(dw_totp_uri("DramWell", "alice@example.org",
	    "JBSWY3DPEHPK3PXP", uri, sizeof(uri)), DW_OK);
	assert_string_equal(uri, "otpauth://totp/DramWell:alice%40example.org"
	    "?secret=JBSWY3DPEHPK3PXP&issuer=DramWell&algorithm=SHA1"
	    "&digits=6&period=30");
	/* ':' '@' ' ' '&' '?' '%' '/' and UTF-8 are escaped in both; the
	 * unreserved - . _ ~ are kept. */
	assert_int_equal(dw_totp_uri("Acme Corp: IT/Ops", "b o:b@x&y?z%.-_~",
	    "JBSWY3DPEHPK3PXP", uri, sizeof(uri)), DW_OK);
	assert_string_equal(uri, "otpauth://totp/Acme%20Corp%3A%20IT%2FOps:"
	    "b%20o%3Ab%40x%26y%3Fz%25.-_~?secret=JBSWY3DPEHPK3PXP"
	    "&issuer=Acme%20Corp%3A%20IT%2FOps&algorithm=SHA1&digits=6"
	    "&period=30");
	assert_int_equal(dw_totp_uri("D\xc3\xa9", "a", "AA", uri,
	    sizeof(uri)), DW_OK);
	assert_string_equal(uri, "otpauth://totp/D%C3%A9:a?secret=AA"
	    "&issuer=D%C3%A9&algorithm=SHA1&digits=6&period=30");
	/* Too small: nothing of the secret is left in the buffer. */
	assert_int_equal(dw_totp_uri("DramWell", "alice@example.org",
	    "JBSWY3DPEHPK3PXP", uri, 60), DW_ERR_TOOLONG);
	assert_int_equal(uri[0], '\0');
	assert_null(memchr(uri, 'J', 60));
	assert_int_equal(dw_totp_uri("", "a", "AA", uri, sizeof(uri)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_totp_uri("x", "", "AA", uri, sizeof(uri)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_totp_uri("x", "a", "A&B", uri, sizeof(uri)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_totp_uri("x", "a", NULL, uri, sizeof(uri)),
	    DW_ERR_INVAL);
}

static void
test_recovery_codes(void **state)
{
	char	code[DW_RECOVERY_CODE_LEN + 1], other[DW_RECOVERY_CODE_LEN + 1];
	char	upper[DW_RECOVERY_CODE_LEN + 1];
	char	h1[DW_RECOVERY_HASH_MAX], h2[DW_RECOVERY_HASH_MAX];
	size_t	i;

	(void)state;
	assert_int_equal(dw_recovery_code_new(code, sizeof(code)), DW_OK);
	assert_int_equal(strlen(code), DW_RECOVERY_CODE_LEN);
	assert_int_equal(code[5], '-');
	for (i = 0; i < DW_RECOVERY_CODE_LEN; i++)
		if (i != 5)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz234567",
			    code[i]));
	assert_true(dw_recovery_code_form(code, strlen(code)));
	assert_int_equal(dw_recovery_code_new(other, sizeof(other)), DW_OK);
	assert_string_not_equal(code, other);
	assert_int_equal(dw_recovery_code_new(other, DW_RECOVERY_CODE_LEN),
	    DW_ERR_TOOLONG);

	/* Hash and verify; two hashes of one code differ (salt). */
	assert_int_equal(dw_recovery_code_hash(code, 11, h1, sizeof(h1)),
	    DW_OK);
	assert_int_equal(dw_recovery_code_hash(code, 11, h2, sizeof(h2)),
	    DW_OK);
	assert_string_not_equal(h1, h2);
	assert_int_equal(strncmp(h1, "{B2R}", 5), 0);
	assert_int_equal(strlen(h1), 5 + 32 + 1 + 64);
	assert_int_equal(dw_recovery_code_verify(h1, strlen(h1), code, 11),
	    DW_OK);
	assert_int_equal(dw_recovery_code_verify(h2, strlen(h2), code, 11),
	    DW_OK);
	/* Upper-case input is the same code. */
	for (i = 0; i <= DW_RECOVERY_CODE_LEN; i++)
		upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ?
		    code[i] - 'a' + 'A' : code[i]);
	assert_int_equal(dw_recovery_code_verify(h1, strlen(h1), upper, 11),
	    DW_OK);
	/* Another code does not match. */
	if (strcmp(other, code) != 0)
		assert_int_equal(dw_recovery_code_verify(h1, strlen(h1), other,
		    11), DW_ERR_DENIED);
	other[0] = code[0] == 'a' ? 'b' : 'a';
	memcpy(other + 1, code + 1, 11);
	assert_int_equal(dw_recovery_code_verify(h1, strlen(h1), other, 11),
	    DW_ERR_DENIED);
	assert_int_equal(dw_recovery_code_hash(code, 11, h2, 102),
	    DW_ERR_TOOLONG);
}

static void
test_recovery_malformed(void **state)
{
	static const struct {
		int		line;
		const char	*code;
		size_t		len;
	} badcodes[] = {
		ROW(S("")),
		ROW(S("abcde-fghi")),
		ROW(S("abcde-fghijk")),
		ROW(S("abcdefghijk")),
		ROW(S("abcde_fghij")),
		ROW(S("abcd1-fghij")),		/* '1' not in the alphabet */
		ROW(S("abcd8-fghij")),
		ROW(S("abcde-fgh j")),
		ROW(S("abcde-fgh\0j")),
	};
	char	h[DW_RECOVERY_HASH_MAX], bad[DW_RECOVERY_HASH_MAX];
	size_t	i, n;

	(void)state;
	assert_int_equal(dw_recovery_code_hash(S("abcde-fghij"), h, sizeof(h)),
	    DW_OK);
	n = strlen(h);
	for (i = 0; i < sizeof(badcodes) / sizeof(badcodes[0]); i++) {
		if (dw_recovery_code_form(badcodes[i].code, badcodes[i].len))
			fail_msg("line %d: form", badcodes[i].line);
		if (dw_recovery_code_verify(h, n, badcodes[i].code,
		    badcodes[i].len) != DW_ERR_INVAL)
			fail_msg("line %d: verify", badcodes[i].line);
		if (dw_recovery_code_hash(badcodes[i].code, badcodes[i].len,
		    bad, sizeof(bad)) != DW_ERR_INVAL)
			fail_msg("line %d: hash", badcodes[i].line);
	}
	/* Malformed stored values. */
	assert_int_equal(dw_recovery_code_verify(h, n - 1, S("abcde-fghij")),
	    DW_ERR_INVAL);
	assert_int_equal(dw_recovery_code_verify("", 0, S("abcde-fghij")),
	    DW_ERR_INVAL);
	memcpy(bad, h, n + 1);
	bad[1] = 'X';				/* prefix */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_INVAL);
	memcpy(bad, h, n + 1);
	bad[5 + 32] = ':';			/* separator */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_INVAL);
	memcpy(bad, h, n + 1);
	bad[10] = 'g';				/* not hex in the salt */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_INVAL);
	memcpy(bad, h, n + 1);
	bad[n - 1] = 'z';			/* not hex in the hash */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_INVAL);
	memcpy(bad, h, n + 1);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';	/* altered hash */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_DENIED);
	memcpy(bad, h, n + 1);
	bad[6] = bad[6] == '0' ? '1' : '0';	/* altered salt */
	assert_int_equal(dw_recovery_code_verify(bad, n, S("abcde-fghij")),
	    DW_ERR_DENIED);
}

static void
test_cred_split(void **state)
{
	static const struct {
		int			line;
		const char		*cred;
		size_t			len;
		enum dw_cred_kind	kind;
		size_t			pwlen;
	} t[] = {
		ROW(S("pw123456"), DW_CRED_TOTP, 2),
		ROW(S("p123456"), DW_CRED_TOTP, 1),
		ROW(S("123456"), DW_CRED_NONE, 6),
		ROW(S("pwabcde-fghij"), DW_CRED_RECOVERY, 2),
		ROW(S("pwABCDE-fghij"), DW_CRED_RECOVERY, 2),
		ROW(S("abcde-fghij"), DW_CRED_NONE, 11),
		ROW(S("pw12345"), DW_CRED_NONE, 7),
		ROW(S("pw"), DW_CRED_NONE, 2),
		ROW(S(""), DW_CRED_NONE, 0),
		/* Digits inside the password stay in the password. */
		ROW(S("S3cret-2026-pass999111222"), DW_CRED_TOTP, 19),
		ROW(S("S3cret-2026-pass999"), DW_CRED_NONE, 19),
		ROW(S("pw22222-22222"), DW_CRED_RECOVERY, 2),
		ROW(S("pwabcde-fghi1"), DW_CRED_NONE, 13),
		ROW(S("pw12345a"), DW_CRED_NONE, 8),
	};
	size_t	i, pwlen;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pwlen = 9999;
		if (dw_cred_split(t[i].cred, t[i].len, &pwlen) != t[i].kind ||
		    pwlen != t[i].pwlen)
			fail_msg("line %d: pwlen %zu", t[i].line, pwlen);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_rfc4226_vectors),
		cmocka_unit_test(test_generate_errors),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_secret_new),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_base32_junk),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_recovery_codes),
		cmocka_unit_test(test_recovery_malformed),
		cmocka_unit_test(test_cred_split),
	};

	return cmocka_run_group_tests_name("dw_totp", tests, NULL, NULL);
}
