/*
 * dw_passwd.c: {ARGON2} (argon2id) password storage, the pre-hashed
 * check, password quality and generated passwords.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "dw_passwd.h"
#include "dw_str.h"

#define ARGON2ID_PREFIX		"$argon2id$"
#define SCHEME_NAME_MAX		32

/* Characters of generated passwords, by class.  The symbols avoid quotes,
 * backslash, blanks, shell metacharacters, braces (a leading '{' reads as
 * a scheme), '#' (comments) and ':' and '<' (LDIF). */
static const char gen_lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char gen_upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char gen_digit[] = "0123456789";
static const char gen_other[] = "!%*+,-.=?@^_~";

enum pw_class {
	CLASS_LOWER = 1 << 0,
	CLASS_UPPER = 1 << 1,
	CLASS_DIGIT = 1 << 2,
	CLASS_OTHER = 1 << 3,
};

void
dw_argon2_params_default(struct dw_argon2_params *p)
{
	if (p == NULL)
		return;
	p->t_cost = DW_ARGON2_MIN_T;
	p->m_cost_kib = DW_ARGON2_MIN_M_KIB;
}

int
dw_argon2_params_check(const struct dw_argon2_params *p)
{
	if (p == NULL)
		return DW_ERR_INVAL;
	if (p->t_cost < DW_ARGON2_MIN_T || p->t_cost > DW_ARGON2_MAX_T)
		return DW_ERR_RANGE;
	if (p->m_cost_kib < DW_ARGON2_MIN_M_KIB ||
	    p->m_cost_kib > DW_ARGON2_MAX_M_KIB)
		return DW_ERR_RANGE;
#if SIZE_MAX / 1024 < DW_ARGON2_MAX_M_KIB
	if ((size_t)p->m_cost_kib > SIZE_MAX / 1024)
		return DW_ERR_RANGE;
#endif
	return DW_OK;
}

static int
is_scheme_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

enum dw_pw_form
dw_passwd_form(const char *v, size_t len)
{
	size_t i;

	if (v == NULL || len < 3 || v[0] != '{')
		return DW_PW_CLEARTEXT;
	for (i = 1; i < len && i <= SCHEME_NAME_MAX + 1; i++) {
		if (v[i] == '}')
			return i >= 2 ? DW_PW_PREHASHED : DW_PW_CLEARTEXT;
		if (!is_scheme_char((unsigned char)v[i]))
			return DW_PW_CLEARTEXT;
	}
	return DW_PW_CLEARTEXT;
}

int
dw_passwd_hash(const char *pw, size_t pwlen,
    const struct dw_argon2_params *p, char *out, size_t outsz)
{
	char	 str[crypto_pwhash_STRBYTES];
	size_t	 slen, plen = sizeof(DW_ARGON2_SCHEME) - 1;
	int	 rc = DW_ERR_INVAL;

	if (pw == NULL || pwlen == 0 || out == NULL)
		goto out;
	if (pwlen > DW_PASSWD_MAX) {
		rc = DW_ERR_TOOLONG;
		goto out;
	}
	if (memchr(pw, '\0', pwlen) != NULL)
		goto out;
	if ((rc = dw_argon2_params_check(p)) != DW_OK)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (outsz < DW_PASSWD_HASH_MAX)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	if (crypto_pwhash_str_alg(str, pw, pwlen, p->t_cost,
	    (size_t)p->m_cost_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
		goto out;
	slen = strnlen(str, sizeof(str));
	if (slen == sizeof(str) || plen + slen + 1 > outsz ||
	    strncmp(str, ARGON2ID_PREFIX, sizeof(ARGON2ID_PREFIX) - 1) != 0)
		goto out;
	memcpy(out, DW_ARGON2_SCHEME, plen);
	memcpy(out + plen, str, slen + 1);
	rc = DW_OK;
out:
	sodium_memzero(str, sizeof(str));
	return rc;
}

/* Parse a decimal number at s[*i..]: 1..max, no leading zero. */
static int
phc_number(const char *s, size_t len, size_t *i, unsigned long max)
{
	unsigned long	v = 0;
	size_t		start = *i;
	unsigned	d;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		d = (unsigned)(s[*i] - '0');
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return -1;
		v = v * 10 + d;
		(*i)++;
	}
	if (*i == start || (*i - start > 1 && s[start] == '0') || v == 0)
		return -1;
	return 0;
}

static int
phc_expect(const char *s, size_t len, size_t *i, const char *lit)
{
	size_t	n = strlen(lit);

	if (len - *i < n || memcmp(s + *i, lit, n) != 0)
		return -1;
	*i += n;
	return 0;
}

static int
phc_b64(const char *s, size_t len, size_t *i)
{
	size_t		start = *i;
	unsigned char	c;

	while (*i < len) {
		c = (unsigned char)s[*i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			break;
		(*i)++;
	}
	return *i > start ? 0 : -1;
}

/*
 * Is s the standard encoding "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH" with
 * parameters that libsodium may be asked to verify without an absurd
 * cost?  A stored value outside this form is malformed: fail closed.
 */
static int
phc_argon2id_ok(const char *s, size_t len)
{
	size_t	i = 0;

	if (phc_expect(s, len, &i, ARGON2ID_PREFIX "v=19$m=") != 0 ||
	    phc_number(s, len, &i, DW_ARGON2_MAX_M_KIB) != 0 ||
	    phc_expect(s, len, &i, ",t=") != 0 ||
	    phc_number(s, len, &i, DW_ARGON2_MAX_T) != 0 ||
	    phc_expect(s, len, &i, ",p=") != 0 ||
	    phc_number(s, len, &i, 255) != 0 ||
	    phc_expect(s, len, &i, "$") != 0 ||
	    phc_b64(s, len, &i) != 0 ||
	    phc_expect(s, len, &i, "$") != 0 ||
	    phc_b64(s, len, &i) != 0)
		return -1;
	return i == len ? 0 : -1;
}

int
dw_passwd_verify(const char *stored, size_t storedlen,
    const char *pw, size_t pwlen)
{
	char		 str[crypto_pwhash_STRBYTES];
	const char	*h;
	size_t		 hlen, plen = sizeof(DW_ARGON2_SCHEME) - 1;
	int		 rc = DW_ERR_INVAL;

	memset(str, 0, sizeof(str));
	if (stored == NULL || storedlen <= plen ||
	    !dw_ascii_caseprefix(stored, storedlen, DW_ARGON2_SCHEME))
		goto out;
	h = stored + plen;
	hlen = storedlen - plen;
	if (hlen >= sizeof(str) || memchr(h, '\0', hlen) != NULL ||
	    phc_argon2id_ok(h, hlen) != 0)
		goto out;
	rc = DW_ERR_DENIED;
	if (pw == NULL || pwlen == 0 || pwlen > DW_PASSWD_MAX ||
	    memchr(pw, '\0', pwlen) != NULL)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	memcpy(str, h, hlen);
	str[hlen] = '\0';
	rc = DW_ERR_DENIED;
	if (crypto_pwhash_str_verify(str, pw, pwlen) != 0)
		goto out;
	rc = DW_OK;
out:
	sodium_memzero(str, sizeof(str));
	return rc;
}

/*
 * Decode one UTF-8 sequence at s[*i]; reject overlongs, surrogates,
 * code points above U+10FFFF and truncated sequences.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char	b = s[*i];
	uint32_t	v, min;
	size_t		n, k;

	if (b < 0x80) {
		*cp = b;
		(*i)++;
		return 0;
	} else if ((b & 0xe0) == 0xc0) {
		n = 2;
		v = b & 0x1f;
		min = 0x80;
	} else if ((b & 0xf0) == 0xe0) {
		n = 3;
		v = b & 0x0f;
		min = 0x800;
	} else if ((b & 0xf8) == 0xf0) {
		n = 4;
		v = b & 0x07;
		min = 0x10000;
	} else
		return -1;
	if (len - *i < n)
		return -1;
	for (k = 1; k < n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (s[*i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	*i += n;
	return 0;
}

static unsigned
popcount4(unsigned m)
{
	return (m & 1) + (m >> 1 & 1) + (m >> 2 & 1) + (m >> 3 & 1);
}

int
dw_passwd_quality(const char *pw, size_t pwlen, unsigned min_len,
    unsigned min_classes, const char **why)
{
	const unsigned char	*s = (const unsigned char *)pw;
	const char		*reason = NULL;
	size_t			 i = 0, chars = 0;
	uint32_t		 cp;
	unsigned		 classes = 0;
	int			 rc = DW_ERR_INVAL;

	if (pw == NULL && pwlen != 0)
		goto out;
	if (min_classes > 4) {
		rc = DW_ERR_RANGE;
		goto out;
	}
	while (i < pwlen) {
		if (s[i] == '\0' || utf8_next(s, pwlen, &i, &cp) != 0)
			goto out;
		chars++;
		if (cp >= 'a' && cp <= 'z')
			classes |= CLASS_LOWER;
		else if (cp >= 'A' && cp <= 'Z')
			classes |= CLASS_UPPER;
		else if (cp >= '0' && cp <= '9')
			classes |= CLASS_DIGIT;
		else
			classes |= CLASS_OTHER;
	}
	rc = DW_ERR_DENIED;
	if (pwlen == 0)
		reason = "password is empty";
	else if (pwlen > DW_PASSWD_MAX)
		reason = "password is too long";
	else if (chars < min_len)
		reason = "password is too short";
	else if (popcount4(classes) < min_classes)
		reason = "password has too few character classes "
		    "(lower-case, upper-case, digit, other)";
	else
		rc = DW_OK;
out:
	if (rc == DW_ERR_DENIED && why != NULL)
		*why = reason;
	return rc;
}

static unsigned
class_of(char c)
{
	if (c >= 'a' && c <= 'z')
		return CLASS_LOWER;
	if (c >= 'A' && c <= 'Z')
		return CLASS_UPPER;
	if (c >= '0' && c <= '9')
		return CLASS_DIGIT;
	return CLASS_OTHER;
}

int
dw_passwd_generate(char *out, size_t outsz, size_t len)
{
	char		alphabet[sizeof(gen_lower) + sizeof(gen_upper) +
			    sizeof(gen_digit) + sizeof(gen_other)];
	char		buf[DW_PASSWD_MAX + 1];
	size_t		n = 0, i;
	unsigned	classes, tries;
	int		rc = DW_ERR_RANGE;

	if (out == NULL) {
		rc = DW_ERR_INVAL;
		goto out;
	}
	if (len < 16 || len > DW_PASSWD_MAX)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (outsz <= len)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	memcpy(alphabet + n, gen_lower, sizeof(gen_lower) - 1);
	n += sizeof(gen_lower) - 1;
	memcpy(alphabet + n, gen_upper, sizeof(gen_upper) - 1);
	n += sizeof(gen_upper) - 1;
	memcpy(alphabet + n, gen_digit, sizeof(gen_digit) - 1);
	n += sizeof(gen_digit) - 1;
	memcpy(alphabet + n, gen_other, sizeof(gen_other) - 1);
	n += sizeof(gen_other) - 1;

	/* Uniform over the alphabet; redraw until all four classes occur
	 * (for len >= 16 a redraw is needed about one time in six). */
	for (tries = 0; tries < 1000; tries++) {
		classes = 0;
		for (i = 0; i < len; i++) {
			buf[i] = alphabet[randombytes_uniform((uint32_t)n)];
			classes |= class_of(buf[i]);
		}
		if (classes == (CLASS_LOWER | CLASS_UPPER | CLASS_DIGIT |
		    CLASS_OTHER))
			break;
	}
	if (tries == 1000)
		goto out;
	buf[len] = '\0';
	memcpy(out, buf, len + 1);
	rc = DW_OK;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}
