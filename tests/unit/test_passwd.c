/*
 * test_passwd.c: argon2id hashing and verification, the pre-hashed check,
 * password quality, the password policy and dictionary, rotation, history
 * values and generated passwords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_passwd.h"

/* A string literal and its length (embedded NULs included). */
#define S(x)	x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

/* Nine U+200B (zero-width space), nine U+0301 (combining acute). */
#define ZWSP9	"\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b" \
		"\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b"
#define COMB9	"\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81" \
		"\xcc\x81\xcc\x81\xcc\x81"

static const struct dw_argon2_params min_params = {
	DW_ARGON2_MIN_T, DW_ARGON2_MIN_M_KIB
};

/*
 * Reference vectors made with libargon2 (the library behind Debian's
 * slapd argon2 module): argon2id, m=19456, t=2, p=1,
 * salt "dramwell-salt-16", 32-byte tag.
 */
#define REF_PW1		"correct horse battery staple"
#define REF_HASH1	"{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$" \
			"ZHJhbXdlbGwtc2FsdC0xNg$" \
			"YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww"
#define REF_PW2		"P\xc3\xa4ssw\xc3\xb6rd-\xf0\x9f\x94\x91"
#define REF_HASH2	"{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$" \
			"ZHJhbXdlbGwtc2FsdC0xNg$" \
			"kT5OigRarUe31LpWcbYmvgS15FSCkp8Rs6UBw/AcFRc"

static void
test_params(void **state)
{
	static const struct {
		int				line;
		struct dw_argon2_params		p;
		int				rc;
	} t[] = {
		ROW({ 2, 19456 }, DW_OK),
		ROW({ 3, 65536 }, DW_OK),
		ROW({ DW_ARGON2_MAX_T, DW_ARGON2_MAX_M_KIB }, DW_OK),
		ROW({ 0, 0 }, DW_ERR_RANGE),
		ROW({ 1, 19456 }, DW_ERR_RANGE),
		ROW({ 2, 19455 }, DW_ERR_RANGE),
		ROW({ DW_ARGON2_MAX_T + 1, 19456 }, DW_ERR_RANGE),
		ROW({ 2, DW_ARGON2_MAX_M_KIB + 1 }, DW_ERR_RANGE),
		ROW({ (unsigned)-1, (unsigned)-1 }, DW_ERR_RANGE),
	};
	struct dw_argon2_params	d;
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dw_argon2_params_check(&t[i].p);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
	}
	assert_int_equal(dw_argon2_params_check(NULL), DW_ERR_INVAL);
	memset(&d, 0xff, sizeof(d));
	dw_argon2_params_default(&d);
	assert_int_equal(d.t_cost, 2);
	assert_int_equal(d.m_cost_kib, 19456);
	assert_int_equal(dw_argon2_params_check(&d), DW_OK);
	dw_argon2_params_default(NULL);
}

static void
test_form(void **state)
{
	static const struct {
		int		 line;
		const char	*v;
		size_t		 len;
		enum dw_pw_form	 form;
	} t[] = {
		ROW(S("{SSHA}abcdef"), DW_PW_PREHASHED),
		ROW(S("{ARGON2}$argon2id$v=19$m=1,t=1,p=1$a$b"),
		    DW_PW_PREHASHED),
		ROW(S("{CRYPT}$6$x$y"), DW_PW_PREHASHED),
		ROW(S("{cleartext}secret"), DW_PW_PREHASHED),
		ROW(S("{x}"), DW_PW_PREHASHED),
		ROW(S("{a.b_c-9}"), DW_PW_PREHASHED),
		/* 32 scheme characters: the maximum */
		ROW(S("{AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}x"), DW_PW_PREHASHED),
		/* 33: too long to be a scheme */
		ROW(S("{AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}x"), DW_PW_CLEARTEXT),
		ROW(S("{}"), DW_PW_CLEARTEXT),
		ROW(S("{}abc"), DW_PW_CLEARTEXT),
		ROW(S("{"), DW_PW_CLEARTEXT),
		ROW(S("{SSHA"), DW_PW_CLEARTEXT),
		ROW(S("{SS HA}x"), DW_PW_CLEARTEXT),
		ROW(S("{SS\0A}x"), DW_PW_CLEARTEXT),
		ROW(S("{SS/A}x"), DW_PW_CLEARTEXT),
		ROW(S(" {SSHA}x"), DW_PW_CLEARTEXT),
		ROW(S("x{SSHA}"), DW_PW_CLEARTEXT),
		ROW(S("password"), DW_PW_CLEARTEXT),
		ROW(S("-1"), DW_PW_CLEARTEXT),
		ROW(S(""), DW_PW_CLEARTEXT),
		ROW(S("\xff\xfe{"), DW_PW_CLEARTEXT),
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_passwd_form(t[i].v, t[i].len) != t[i].form)
			fail_msg("row at line %d: wrong form", t[i].line);
	/* Only the given length counts. */
	assert_int_equal(dw_passwd_form("{SSHA}x", 5), DW_PW_CLEARTEXT);
	assert_int_equal(dw_passwd_form(NULL, 0), DW_PW_CLEARTEXT);
}

static void
test_hash_round_trip(void **state)
{
	char	h1[DW_PASSWD_HASH_MAX], h2[DW_PASSWD_HASH_MAX];
	const char	*prefix = "{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$";

	assert_int_equal(dw_passwd_hash(S(REF_PW1), &min_params, h1,
	    sizeof(h1)), DW_OK);
	assert_true(strncmp(h1, prefix, strlen(prefix)) == 0);
	assert_int_equal(dw_passwd_form(h1, strlen(h1)), DW_PW_PREHASHED);
	assert_int_equal(dw_passwd_verify(h1, strlen(h1), S(REF_PW1)), DW_OK);
	assert_int_equal(dw_passwd_verify(h1, strlen(h1),
	    S("correct horse battery stapl")), DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(h1, strlen(h1),
	    S("correct horse battery staplE")), DW_ERR_DENIED);
	/* An embedded NUL is not a prefix match. */
	assert_int_equal(dw_passwd_verify(h1, strlen(h1),
	    S("correct horse battery staple\0x")), DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(h1, strlen(h1), S("")),
	    DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(h1, strlen(h1), NULL, 0),
	    DW_ERR_DENIED);

	/* A fresh salt each time. */
	assert_int_equal(dw_passwd_hash(S(REF_PW1), &min_params, h2,
	    sizeof(h2)), DW_OK);
	assert_string_not_equal(h1, h2);
	assert_int_equal(dw_passwd_verify(h2, strlen(h2), S(REF_PW1)), DW_OK);

	/* Non-ASCII bytes are hashed as given; other parameters encode. */
	{
		struct dw_argon2_params	p = { 3, 20480 };

		assert_int_equal(dw_passwd_hash(S(REF_PW2), &p, h1,
		    sizeof(h1)), DW_OK);
		assert_non_null(strstr(h1, "$m=20480,t=3,p=1$"));
		assert_int_equal(dw_passwd_verify(h1, strlen(h1),
		    S(REF_PW2)), DW_OK);
		assert_int_equal(dw_passwd_verify(h1, strlen(h1),
		    S(REF_PW1)), DW_ERR_DENIED);
	}
}

static void
test_hash_max_length(void **state)
{
	char	pw[DW_PASSWD_MAX + 1];
	char	h[DW_PASSWD_HASH_MAX];

	memset(pw, 'x', sizeof(pw));
	assert_int_equal(dw_passwd_hash(pw, DW_PASSWD_MAX, &min_params, h,
	    sizeof(h)), DW_OK);
	assert_int_equal(dw_passwd_verify(h, strlen(h), pw, DW_PASSWD_MAX),
	    DW_OK);
	assert_int_equal(dw_passwd_verify(h, strlen(h), pw,
	    DW_PASSWD_MAX - 1), DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(h, strlen(h), pw,
	    DW_PASSWD_MAX + 1), DW_ERR_DENIED);
}

static void
test_hash_errors(void **state)
{
	static const struct {
		int		 line;
		const char	*pw;
		size_t		 len;
		unsigned	 t, m;
		size_t		 outsz;
		int		 rc;
	} t[] = {
		ROW(S(""), 2, 19456, DW_PASSWD_HASH_MAX, DW_ERR_INVAL),
		ROW(S("a\0b"), 2, 19456, DW_PASSWD_HASH_MAX, DW_ERR_INVAL),
		ROW(S("\0"), 2, 19456, DW_PASSWD_HASH_MAX, DW_ERR_INVAL),
		ROW(S("password"), 1, 19456, DW_PASSWD_HASH_MAX, DW_ERR_RANGE),
		ROW(S("password"), 2, 8, DW_PASSWD_HASH_MAX, DW_ERR_RANGE),
		ROW(S("password"), 65, 19456, DW_PASSWD_HASH_MAX,
		    DW_ERR_RANGE),
		ROW(S("password"), 2, 19456, DW_PASSWD_HASH_MAX - 1,
		    DW_ERR_TOOLONG),
		ROW(S("password"), 2, 19456, 0, DW_ERR_TOOLONG),
	};
	char		 big[DW_PASSWD_MAX + 1];
	char		 out[DW_PASSWD_HASH_MAX];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct dw_argon2_params p = { t[i].t, t[i].m };

		memset(out, 'Z', sizeof(out));
		rc = dw_passwd_hash(t[i].pw, t[i].len, &p, out, t[i].outsz);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (out[0] != 'Z')
			fail_msg("row at line %d: out written on error",
			    t[i].line);
	}
	memset(big, 'a', sizeof(big));
	assert_int_equal(dw_passwd_hash(big, sizeof(big), &min_params, out,
	    sizeof(out)), DW_ERR_TOOLONG);
	assert_int_equal(dw_passwd_hash(NULL, 0, &min_params, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_passwd_hash(S("password"), NULL, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_passwd_hash(S("password"), &min_params, NULL,
	    DW_PASSWD_HASH_MAX), DW_ERR_INVAL);
}

/* Values made by the reference implementation verify here. */
static void
test_verify_reference_vectors(void **state)
{
	assert_int_equal(dw_passwd_verify(S(REF_HASH1), S(REF_PW1)), DW_OK);
	assert_int_equal(dw_passwd_verify(S(REF_HASH2), S(REF_PW2)), DW_OK);
	assert_int_equal(dw_passwd_verify(S(REF_HASH1), S(REF_PW2)),
	    DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(S(REF_HASH2), S(REF_PW1)),
	    DW_ERR_DENIED);
	/* The scheme name is case-insensitive, as in slapd. */
	assert_int_equal(dw_passwd_verify(S("{argon2}$argon2id$v=19$"
	    "m=19456,t=2,p=1$ZHJhbXdlbGwtc2FsdC0xNg$"
	    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww"), S(REF_PW1)),
	    DW_OK);
	/* A different tag with the same salt is a mismatch, not an error. */
	assert_int_equal(dw_passwd_verify(S("{ARGON2}$argon2id$v=19$"
	    "m=19456,t=2,p=1$ZHJhbXdlbGwtc2FsdC0xNg$"
	    "ZsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww"), S(REF_PW1)),
	    DW_ERR_DENIED);
}

static void
test_verify_malformed_stored(void **state)
{
	static const struct {
		int		 line;
		const char	*v;
		size_t		 len;
	} t[] = {
		ROW(S("")),
		ROW(S("-1")),
		ROW(S("{ARGON2}")),
		ROW(S("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")),
		ROW(S("correct horse battery staple")),
		ROW(S("$argon2id$v=19$m=19456,t=2,p=1$ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2i$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=16$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww$")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww\0")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2F\0dC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		/* absurd cost: refused before any work */
		ROW(S("{ARGON2}$argon2id$v=19$m=99999999999,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=65,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=019456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=0,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=-1,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$t=2,m=19456,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwt!2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
		ROW(S("{ARGON2} $argon2id$v=19$m=19456,t=2,p=1$"
		    "ZHJhbXdlbGwtc2FsdC0xNg$"
		    "YsuyGEKP1o5dAiNztD/vNCMgvxc/Zjlnxg4Nih679ww")),
	};
	char	long_value[300];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = dw_passwd_verify(t[i].v, t[i].len, S(REF_PW1));
		if (rc != DW_ERR_INVAL)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, DW_ERR_INVAL);
	}
	assert_int_equal(dw_passwd_verify(NULL, 0, S(REF_PW1)), DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_passwd_verify(REF_HASH1, sizeof(REF_HASH1) - 2,
	    S(REF_PW1)), DW_ERR_DENIED);
	assert_int_equal(dw_passwd_verify(REF_HASH1, 20, S(REF_PW1)),
	    DW_ERR_INVAL);
	/* Over the stored-value cap. */
	memset(long_value, 'A', sizeof(long_value));
	memcpy(long_value, REF_HASH1, sizeof(REF_HASH1) - 1);
	assert_int_equal(dw_passwd_verify(long_value, sizeof(long_value),
	    S(REF_PW1)), DW_ERR_INVAL);
}

static void
test_quality(void **state)
{
	static const struct {
		int		 line;
		const char	*pw;
		size_t		 len;
		unsigned	 min_len, min_classes;
		int		 rc;
		const char	*why;	/* a word of the reason */
	} t[] = {
		ROW(S("Abcdefgh1234"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123"), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh12345"), 12, 3, DW_OK, NULL),
		ROW(S("abcdefghijkl"), 12, 3, DW_ERR_DENIED, "classes"),
		ROW(S("abcdefghij12"), 12, 3, DW_ERR_DENIED, "classes"),
		ROW(S("abcdefghij1!"), 12, 3, DW_OK, NULL),
		ROW(S("ABCDEFGHIJ1 "), 12, 3, DW_OK, NULL),
		ROW(S("Ab1!"), 4, 4, DW_OK, NULL),
		ROW(S("Ab1a"), 4, 4, DW_ERR_DENIED, "classes"),
		ROW(S("aaaa"), 4, 1, DW_OK, NULL),
		ROW(S("aaaa"), 4, 0, DW_OK, NULL),
		ROW(S("a"), 0, 0, DW_OK, NULL),
		ROW(S(""), 12, 3, DW_ERR_DENIED, "empty"),
		ROW(S(""), 0, 0, DW_ERR_DENIED, "empty"),
		ROW(S("-1"), 12, 3, DW_ERR_DENIED, "short"),
		/* length counts code points, not bytes: 12 x U+00E4 */
		ROW(S("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
		    "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"),
		    12, 1, DW_OK, NULL),
		/* 11 code points in 22 bytes */
		ROW(S("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
		    "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"),
		    12, 1, DW_ERR_DENIED, "short"),
		/* non-ASCII is "other": a, A, 1 and U+00E4 */
		ROW(S("aA1\xc3\xa4"), 4, 4, DW_OK, NULL),
		/* a four-byte character is one: U+1F511 */
		ROW(S("aA1\xf0\x9f\x94\x91"), 4, 4, DW_OK, NULL),
		ROW(S("aA1\xf0\x9f\x94\x91"), 5, 4, DW_ERR_DENIED, "short"),
		/* U+10FFFF and U+E000: the edges of valid ranges */
		ROW(S("\xf4\x8f\xbf\xbf\xee\x80\x80"), 2, 1, DW_OK, NULL),
		/* invalid UTF-8 */
		ROW(S("Abcdefgh123\xc3"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xc0\xaf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xc1\xbf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xe0\x80\xaf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xe0\x9f\xbf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xf0\x80\x80\xaf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xf0\x8f\xbf\xbf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xed\xa0\x80"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xed\xbf\xbf"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xf4\x90\x80\x80"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xf8\x88\x80\x80\x80"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xff"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\x80"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xc3\x28"), 1, 1, DW_ERR_INVAL, NULL),
		ROW(S("\xe2\x82"), 1, 1, DW_ERR_INVAL, NULL),
		/* an embedded NUL, via the explicit length */
		ROW(S("Abcdefgh\0" "1234"), 12, 3, DW_ERR_INVAL, NULL),
		ROW(S("Abcdefgh1234\0"), 12, 3, DW_ERR_INVAL, NULL),
		/* classes beyond four cannot be met */
		ROW(S("Abcdefgh1234!"), 12, 5, DW_ERR_RANGE, NULL),
		/* Invisible code points count neither as length nor as a
		 * class: "Aa1" and nine of each is 3 characters. */
		ROW(S("Aa1" ZWSP9), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Aa1" COMB9), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Aa1" ZWSP9), 3, 3, DW_OK, NULL),
		ROW(S("Aa1" ZWSP9), 3, 4, DW_ERR_DENIED, "classes"),
		/* the edges of each range, after 12 visible characters */
		ROW(S("Abcdefgh123" "\xcc\x80"), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh123" "\xcd\xaf"), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh123" "\xe1\xaa\xb0"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe1\xab\xbf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe1\xb7\x80"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe1\xb7\xbf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x83\x90"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x83\xbf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xef\xb8\xa0"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xef\xb8\xaf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xc2\xad"), 12, 3, DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh123" "\xe2\x80\x8b"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x80\x8f"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x80\xaa"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x80\xae"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x81\xa0"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x81\xa4"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x81\xa6"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe2\x81\xaf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xef\xbb\xbf"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xef\xb8\x80"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xef\xb8\x8f"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xe1\xa0\x8b"), 12, 3, DW_ERR_DENIED,
		    "short"),
		ROW(S("Abcdefgh123" "\xf3\xa0\x80\x81"), 12, 3,
		    DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh123" "\xf3\xa0\x84\x80"), 12, 3,
		    DW_ERR_DENIED, "short"),
		ROW(S("Abcdefgh123" "\xf3\xa0\x87\xaf"), 12, 3,
		    DW_ERR_DENIED, "short"),
		/* just outside the ranges: visible, counted */
		ROW(S("Abcdefgh123" "\xcb\xbf"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xcd\xb0"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xe2\x80\x90"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xe2\x80\xaf"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xe2\x81\x9f"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xe2\x84\x80"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xef\xb8\x90"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xef\xbb\xbe"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh123" "\xc2\xac"), 12, 3, DW_OK, NULL),
		/* nothing visible at all */
		ROW(S(ZWSP9), 1, 1, DW_ERR_DENIED, "short"),
		ROW(S(ZWSP9), 0, 0, DW_OK, NULL),
		/* control characters: C0, DEL, C1, whatever the length */
		ROW(S("Abcdefgh1234\x01"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\t"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\n"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\r"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("\x1b[0mAbcdefgh1234"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\x1f"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\x7f"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\xc2\x80"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("Abcdefgh1234\xc2\x9f"), 12, 3, DW_ERR_DENIED, "control"),
		ROW(S("\x7f"), 0, 0, DW_ERR_DENIED, "control"),
		/* their neighbours are ordinary */
		ROW(S("Abcdefgh1234 "), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh1234~"), 12, 3, DW_OK, NULL),
		ROW(S("Abcdefgh1234\xc2\xa0"), 12, 3, DW_OK, NULL),
	};
	char		 big[DW_PASSWD_MAX + 1];
	const char	*why;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = "unchanged";
		rc = dw_passwd_quality(t[i].pw, t[i].len, t[i].min_len,
		    t[i].min_classes, &why);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (t[i].why != NULL && strstr(why, t[i].why) == NULL)
			fail_msg("row at line %d: reason \"%s\"", t[i].line,
			    why);
		if (t[i].why == NULL && strcmp(why, "unchanged") != 0)
			fail_msg("row at line %d: reason written", t[i].line);
		/* why may be NULL */
		assert_int_equal(dw_passwd_quality(t[i].pw, t[i].len,
		    t[i].min_len, t[i].min_classes, NULL), t[i].rc);
	}
	/* DW_PASSWD_MAX bytes pass; one more is too long. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "A1!", 3);
	assert_int_equal(dw_passwd_quality(big, DW_PASSWD_MAX, 12, 4, &why),
	    DW_OK);
	assert_int_equal(dw_passwd_quality(big, DW_PASSWD_MAX + 1, 12, 4,
	    &why), DW_ERR_DENIED);
	assert_non_null(strstr(why, "long"));
	/* A reason never contains the password. */
	assert_int_equal(dw_passwd_quality(S("hunter2"), 12, 3, &why),
	    DW_ERR_DENIED);
	assert_null(strstr(why, "hunter2"));
	assert_int_equal(dw_passwd_quality(NULL, 1, 1, 1, &why), DW_ERR_INVAL);
}

static void
test_generate(void **state)
{
	static const size_t lens[] = { 16, 17, 24, 64, DW_PASSWD_MAX };
	char	a[DW_PASSWD_MAX + 1], b[DW_PASSWD_MAX + 1];
	size_t	i, j;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < 50; j++) {
			assert_int_equal(dw_passwd_generate(a, lens[i] + 1,
			    lens[i]), DW_OK);
			assert_int_equal(strlen(a), lens[i]);
			assert_int_equal(dw_passwd_quality(a, lens[i],
			    (unsigned)lens[i], 4, NULL), DW_OK);
			assert_int_equal(dw_passwd_form(a, lens[i]),
			    DW_PW_CLEARTEXT);
			assert_null(strpbrk(a, " \t\"'\\$`{}#:<&|;()"));
		}
	}
	assert_int_equal(dw_passwd_generate(a, sizeof(a), 32), DW_OK);
	assert_int_equal(dw_passwd_generate(b, sizeof(b), 32), DW_OK);
	assert_string_not_equal(a, b);

	memset(a, 'Z', sizeof(a));
	assert_int_equal(dw_passwd_generate(a, sizeof(a), 15), DW_ERR_RANGE);
	assert_int_equal(dw_passwd_generate(a, sizeof(a), 0), DW_ERR_RANGE);
	assert_int_equal(dw_passwd_generate(a, sizeof(a), DW_PASSWD_MAX + 1),
	    DW_ERR_RANGE);
	assert_int_equal(dw_passwd_generate(a, 16, 16), DW_ERR_TOOLONG);
	assert_int_equal(dw_passwd_generate(a, 0, 16), DW_ERR_TOOLONG);
	assert_int_equal(a[0], 'Z');
	assert_int_equal(dw_passwd_generate(NULL, 17, 16), DW_ERR_INVAL);
}

static const struct dw_pw_rules rules12_3 = { 12, 3 };

static void
test_policy_check(void **state)
{
	static const struct {
		int		line;
		const char	*pw;
		size_t		pwlen;
		const char	*email;
		int		rc;
		const char	*why;
	} t[] = {
		/* Order: quality first, even when the e-mail name or a
		 * dictionary word is in it too. */
		ROW(S("alice"), "alice@example.org", DW_ERR_DENIED,
		    "password is too short"),
		ROW(S("alicealicealice"), "alice@example.org", DW_ERR_DENIED,
		    "password has too few character classes "
		    "(lower-case, upper-case, digit, other)"),
		ROW(S("Password1234567"), "bob@example.org", DW_ERR_DENIED,
		    "password is too simplistic/systematic"),
		ROW(S("Pass\xff" "word-2026-x"), NULL, DW_ERR_INVAL, NULL),
		ROW(S("Pass\0word-2026-x"), NULL, DW_ERR_INVAL, NULL),
		/* The e-mail local part, ASCII case-insensitive. */
		ROW(S("xAlIcE-2026-long!"), "Alice@example.org", DW_ERR_DENIED,
		    "password contains the e-mail name"),
		ROW(S("xAlIcE-2026-long!"), "alice@example.org", DW_ERR_DENIED,
		    "password contains the e-mail name"),
		ROW(S("Ok-2026-long!alice"), "ALICE@example.org", DW_ERR_DENIED,
		    "password contains the e-mail name"),
		ROW(S("xAlIcE-2026-long!"), "bob@example.org", DW_OK, NULL),
		/* The domain's first label (4 characters or more), ASCII
		 * case-insensitive; the rest of the domain is not checked. */
		ROW(S("Example-2026-org!"), "bob@example.org", DW_ERR_DENIED,
		    "password contains the e-mail domain"),
		ROW(S("x-DramWell-2026!"), "x@dramwell.ai", DW_ERR_DENIED,
		    "password contains the e-mail domain"),
		ROW(S("Zz-2026-DRAMWELL"), "xy@DramWell.ai", DW_ERR_DENIED,
		    "password contains the e-mail domain"),
		ROW(S("Zz-2026-acme-x!"), "bob@acme.example.org",
		    DW_ERR_DENIED, "password contains the e-mail domain"),
		ROW(S("Zz-2026-example!"), "bob@acme.example.org", DW_OK,
		    NULL),
		ROW(S("Zz-2026-dramwel!"), "x@dramwell.ai", DW_OK, NULL),
		ROW(S("Zz-2026-ai-long!"), "x@dramwell.ai", DW_OK, NULL),
		/* under 4 characters: ignored; exactly 4: checked */
		ROW(S("Zz-2026-ibm-long!"), "bob@ibm.com", DW_OK, NULL),
		ROW(S("Zz-2026-acme-long!"), "bob@acme.com", DW_ERR_DENIED,
		    "password contains the e-mail domain"),
		/* a domain without a dot is its own first label */
		ROW(S("Zz-2026-localhost"), "bob@localhost", DW_ERR_DENIED,
		    "password contains the e-mail domain"),
		/* no domain: nothing to check */
		ROW(S("Zz-2026-long-pw!"), "bob@", DW_OK, NULL),
		ROW(S("Zz-2026-long-pw!"), "bob@.org", DW_OK, NULL),
		/* Invisible characters hide neither a name nor a word. */
		ROW(S("xAl\xe2\x80\x8biCe-2026-long!"), "alice@example.org",
		    DW_ERR_DENIED, "password contains the e-mail name"),
		ROW(S("xDram\xcc\x81well-2026-long!"), "x@dramwell.ai",
		    DW_ERR_DENIED, "password contains the e-mail domain"),
		ROW(S("Abcd\xef\xbb\xbf" "efgh1234!"), NULL, DW_ERR_DENIED,
		    "password is too simplistic/systematic"),
		/* Under 3 characters: ignored. */
		ROW(S("xAl-2026-longer!"), "al@example.org", DW_OK, NULL),
		ROW(S("xAli-2026-longer!"), "ali@example.org", DW_ERR_DENIED,
		    "password contains the e-mail name"),
		/* The last '@' ends the local part. */
		ROW(S("Zz\"a@b\"-2026-long"), "\"a@b\"@example.org",
		    DW_ERR_DENIED, "password contains the e-mail name"),
		/* The dictionary, last. */
		ROW(S("Password12!"), NULL, DW_ERR_DENIED,
		    "password is in the common-password dictionary"),
		ROW(S("Qwerty1!"), "q@example.org", DW_ERR_DENIED,
		    "password is in the common-password dictionary"),
		ROW(S("tK7#vQ2-mW9!zR4"), "alice@example.org", DW_OK, NULL),
	};
	const struct dw_pw_rules r8 = { 8, 3 }, r0 = { 0, 0 };
	const char *why;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = "unset";
		rc = dw_passwd_policy_check(t[i].pw, t[i].pwlen,
		    t[i].pwlen < 12 ? &r8 : &rules12_3, t[i].email,
		    t[i].email != NULL ? strlen(t[i].email) : 0, &why);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d", t[i].line, rc);
		if (t[i].why != NULL && strcmp(why, t[i].why) != 0)
			fail_msg("line %d: why \"%s\"", t[i].line, why);
		if (t[i].why == NULL && strcmp(why, "unset") != 0)
			fail_msg("line %d: why written", t[i].line);
	}
	assert_int_equal(dw_passwd_policy_check(S("tK7#vQ2-mW9!zR4"), NULL,
	    NULL, 0, NULL), DW_ERR_INVAL);
	/* Nothing visible is refused even without a minimum length. */
	assert_int_equal(dw_passwd_policy_check(S(ZWSP9), &r0, NULL, 0,
	    &why), DW_ERR_DENIED);
	assert_string_equal(why, "password has no visible character");
	/* The e-mail is compared over its given length only. */
	assert_int_equal(dw_passwd_policy_check(S("xAlIcE-2026-long!"),
	    &rules12_3, "alice@example.org", 2, &why), DW_OK);
}

static void
test_dictionary(void **state)
{
	static const struct {
		int		line;
		const char	*pw;
		int		rc;
	} t[] = {
		ROW("password", DW_ERR_DENIED),
		ROW("Password1", DW_ERR_DENIED),
		ROW("password12", DW_ERR_DENIED),
		ROW("Password12!", DW_ERR_DENIED),
		ROW("Welcome1!", DW_ERR_DENIED),
		ROW("Sunshine1", DW_ERR_DENIED),
		ROW("iloveyou1", DW_ERR_DENIED),
		ROW("drowssap1", DW_ERR_DENIED),	/* reversed */
		ROW("qwertyuiop", DW_ERR_DENIED),
		ROW("Abcdefgh1234!", DW_ERR_DENIED),	/* systematic */
		ROW("Ab1!xyzzyx!1bA", DW_ERR_DENIED),	/* palindrome */
		ROW("tK7#vQ2-mW9!zR4", DW_OK),
		ROW("Correct-Horse-Battery-Staple-9", DW_OK),
		ROW("Zebra-Lamp-Orbit-42", DW_OK),
	};
	const char *why;
	char *old;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = NULL;
		rc = dw_passwd_dictionary(t[i].pw, strlen(t[i].pw), &why);
		if (rc != t[i].rc)
			fail_msg("line %d: rc %d", t[i].line, rc);
		if (rc == DW_ERR_DENIED && (why == NULL ||
		    strncmp(why, "password ", 9) != 0))
			fail_msg("line %d: why", t[i].line);
	}
	assert_int_equal(dw_passwd_dictionary("", 0, &why), DW_ERR_INVAL);
	assert_int_equal(dw_passwd_dictionary(S("pass\0word1"), &why),
	    DW_ERR_INVAL);

	/* A missing dictionary fails closed, for any password. */
	old = getenv(DW_PASSWD_DICT_ENV);
	assert_int_equal(setenv(DW_PASSWD_DICT_ENV, "/nonexistent/dw/dict",
	    1), 0);
	assert_int_equal(dw_passwd_dictionary(S("tK7#vQ2-mW9!zR4"), &why),
	    DW_ERR_IO);
	assert_int_equal(dw_passwd_policy_check(S("tK7#vQ2-mW9!zR4"),
	    &rules12_3, NULL, 0, &why), DW_ERR_IO);
	/* The override names a dictionary that is used. */
	assert_int_equal(setenv(DW_PASSWD_DICT_ENV,
	    "/var/cache/cracklib/cracklib_dict", 1), 0);
	assert_int_equal(dw_passwd_dictionary(S("Password1"), &why),
	    DW_ERR_DENIED);
	if (old != NULL)
		assert_int_equal(setenv(DW_PASSWD_DICT_ENV, old, 1), 0);
	else
		assert_int_equal(unsetenv(DW_PASSWD_DICT_ENV), 0);
}

static void
test_expired(void **state)
{
	static const struct {
		int		line;
		int64_t		changed;
		unsigned long	max_age;
		int64_t		now;
		bool		expired;
	} t[] = {
		ROW(1000, 0, 1000000, false),		/* never */
		ROW(1000, 86400, 1000 + 86399, false),
		ROW(1000, 86400, 1000 + 86400, true),
		ROW(1000, 86400, 1000 + 86401, true),
		ROW(1000, 86400, 1000, false),
		ROW(1000, 86400, 999, false),		/* clock behind */
		ROW(0, 86400, 86400, true),
		ROW(INT64_MIN, 86400, INT64_MAX, true),	/* no overflow */
		ROW(INT64_MAX, 86400, INT64_MIN, false),
		ROW(0, ULONG_MAX, INT64_MAX, false),
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_passwd_expired(t[i].changed, t[i].max_age, t[i].now) !=
		    t[i].expired)
			fail_msg("line %d", t[i].line);
}

static void
test_pwhist(void **state)
{
	static const struct {
		int		line;
		const char	*s;
		size_t		len;
		int		rc;
	} bad[] = {
		ROW(S(""), DW_ERR_INVAL),
		ROW(S("20261203101500Z"), DW_ERR_INVAL),
		ROW(S("20261203101500Z "), DW_ERR_INVAL),
		ROW(S(" {ARGON2}$x"), DW_ERR_INVAL),
		ROW(S("20261203101500Z {ARGON2} $x"), DW_ERR_INVAL),
		ROW(S("20261203101500Z  {ARGON2}$x"), DW_ERR_INVAL),
		ROW(S("20261203101500 {ARGON2}$x"), DW_ERR_INVAL),
		ROW(S("20261203101500+0100 {ARGON2}$x"), DW_ERR_INVAL),
		ROW(S("yesterday {ARGON2}$x"), DW_ERR_INVAL),
		ROW(S("20261303101500Z {ARGON2}$x"), DW_ERR_RANGE),
		ROW(S("20261203101500Z {ARGON2}\0x"), DW_ERR_INVAL),
	};
	char		out[DW_PWHIST_MAX], big[DW_PASSWD_HASH_MAX + 20];
	const char	*hash;
	size_t		hashlen, i;
	int64_t		t;

	(void)state;
	assert_int_equal(dw_pwhist_format(1796292900, S(REF_HASH1), out,
	    sizeof(out)), DW_OK);
	assert_int_equal(strncmp(out, "20261203101500Z {ARGON2}$", 25), 0);
	assert_int_equal(dw_pwhist_parse(out, strlen(out), &t, &hash,
	    &hashlen), DW_OK);
	assert_int_equal(t, 1796292900);
	assert_int_equal(hashlen, sizeof(REF_HASH1) - 1);
	assert_memory_equal(hash, REF_HASH1, hashlen);
	/* The hash parsed back still verifies. */
	assert_int_equal(dw_passwd_verify(hash, hashlen, S(REF_PW1)), DW_OK);
	/* Fractions of a second in a stored time are accepted. */
	assert_int_equal(dw_pwhist_parse(S("20261203101500.5Z {ARGON2}$x"),
	    &t, &hash, &hashlen), DW_OK);
	assert_int_equal(t, 1796292900);
	assert_int_equal(hashlen, 10);

	t = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dw_pwhist_parse(bad[i].s, bad[i].len, &t, &hash, &hashlen)
		    != bad[i].rc)
			fail_msg("line %d", bad[i].line);
	assert_int_equal(t, 7);

	/* Format errors. */
	assert_int_equal(dw_pwhist_format(0, S(REF_HASH1), out, 16 +
	    sizeof(REF_HASH1) - 1), DW_ERR_TOOLONG);
	assert_int_equal(dw_pwhist_format(0, S(REF_HASH1), out, 17 +
	    sizeof(REF_HASH1) - 1), DW_OK);
	assert_int_equal(dw_pwhist_format(0, "", 0, out, sizeof(out)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_pwhist_format(0, S("a\0b"), out, sizeof(out)),
	    DW_ERR_INVAL);
	memset(big, 'a', sizeof(big));
	assert_int_equal(dw_pwhist_format(0, big, DW_PASSWD_HASH_MAX, out,
	    sizeof(out)), DW_ERR_TOOLONG);
	assert_int_equal(dw_pwhist_format(-1, S(REF_HASH1), out, sizeof(out)),
	    DW_OK);
	assert_int_equal(dw_pwhist_format(400000000000LL, S(REF_HASH1), out,
	    sizeof(out)), DW_ERR_RANGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_hash_round_trip),
		cmocka_unit_test(test_hash_max_length),
		cmocka_unit_test(test_hash_errors),
		cmocka_unit_test(test_verify_reference_vectors),
		cmocka_unit_test(test_verify_malformed_stored),
		cmocka_unit_test(test_quality),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_policy_check),
		cmocka_unit_test(test_dictionary),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_pwhist),
	};

	return cmocka_run_group_tests_name("dw_passwd", tests, NULL, NULL);
}
