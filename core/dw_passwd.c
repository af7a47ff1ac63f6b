/*
 * dw_passwd.c: {ARGON2} (argon2id) password storage, the pre-hashed
 * check, password quality and policy, the common-password dictionary,
 * rotation, history values and generated passwords.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pwquality.h>
#include <sodium.h>

#include "dw_passwd.h"
#include "dw_str.h"
#include "dw_time.h"

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

/*
 * Code points a reader does not see as characters of their own: combining
 * marks, zero-width and other format characters, variation selectors and
 * tag characters.  Sorted, inclusive.
 */
static const struct {
	uint32_t lo, hi;
} invisible_ranges[] = {
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x0300, 0x036f },	/* combining diacritical marks */
	{ 0x180b, 0x180f },	/* Mongolian variation selectors */
	{ 0x1ab0, 0x1aff },	/* combining diacritical marks extended */
	{ 0x1dc0, 0x1dff },	/* combining diacritical marks supplement */
	{ 0x200b, 0x200f },	/* zero-width space .. right-to-left mark */
	{ 0x202a, 0x202e },	/* bidirectional embeddings, overrides */
	{ 0x2060, 0x2064 },	/* word joiner, invisible operators */
	{ 0x2066, 0x206f },	/* bidirectional isolates, deprecated */
	{ 0x20d0, 0x20ff },	/* combining marks for symbols */
	{ 0xfe00, 0xfe0f },	/* variation selectors */
	{ 0xfe20, 0xfe2f },	/* combining half marks */
	{ 0xfeff, 0xfeff },	/* zero-width no-break space (BOM) */
	{ 0xe0000, 0xe007f },	/* tags */
	{ 0xe0100, 0xe01ef },	/* variation selectors supplement */
};

static bool
cp_invisible(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof(invisible_ranges) /
	    sizeof(invisible_ranges[0]); i++) {
		if (cp < invisible_ranges[i].lo)
			return false;
		if (cp <= invisible_ranges[i].hi)
			return true;
	}
	return false;
}

/* C0 (NUL is refused before), DEL and C1. */
static bool
cp_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
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
	bool			 control = false;
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
		if (cp_control(cp))
			control = true;
		/* Only what a person sees counts, as length and class. */
		if (cp_invisible(cp))
			continue;
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
	else if (control)
		reason = "password contains a control character";
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

/* ---- the password policy ----------------------------------------------- */

#define CRACKLIB_DEFAULT_DICT	"/var/cache/cracklib/cracklib_dict"
#define LOCAL_PART_MIN		3
#define DOMAIN_LABEL_MIN	4

/* cracklib is not thread-safe (static state in its dictionary code), and
 * slapd calls us from many threads. */
static pthread_mutex_t dict_lock = PTHREAD_MUTEX_INITIALIZER;

/* cracklib's (untranslated) answers and what we say instead.  An answer
 * not listed (a translated one, a new one) still refuses, as dictionary. */
static const struct {
	const char *crack;
	const char *why;
} crack_why[] = {
	{ "it is based on a dictionary word",
	    "password is in the common-password dictionary" },
	{ "it is based on a (reversed) dictionary word",
	    "password is in the common-password dictionary (reversed)" },
	{ "it is too simplistic/systematic",
	    "password is too simplistic/systematic" },
	{ "it does not contain enough DIFFERENT characters",
	    "password does not contain enough different characters" },
	{ "it is all whitespace", "password is all whitespace" },
	{ "it is WAY too short", "password is too short" },
	{ "it is too short", "password is too short" },
	{ "it looks like a National Insurance number.",
	    "password looks like a National Insurance number" },
};

/*
 * A libpwquality handle that runs the cracklib check and nothing that
 * could refuse what our own rules allow: no credits, classes, repeats,
 * sequences, user or GECOS checks, and the lowest minimum length it takes
 * (6; our own minimum is at least 8).  The palindrome test cannot be
 * turned off; see dw_passwd_dictionary.  Not read from
 * /etc/security/pwquality.conf: the directory's policy is ours.
 */
static pwquality_settings_t *
dict_settings(const char *path)
{
	static const struct {
		int setting;
		int value;
	} ints[] = {
		{ PWQ_SETTING_DIFF_OK, 0 },
		{ PWQ_SETTING_MIN_LENGTH, 0 },
		{ PWQ_SETTING_DIG_CREDIT, 0 },
		{ PWQ_SETTING_UP_CREDIT, 0 },
		{ PWQ_SETTING_LOW_CREDIT, 0 },
		{ PWQ_SETTING_OTH_CREDIT, 0 },
		{ PWQ_SETTING_MIN_CLASS, 0 },
		{ PWQ_SETTING_MAX_REPEAT, 0 },
		{ PWQ_SETTING_MAX_CLASS_REPEAT, 0 },
		{ PWQ_SETTING_MAX_SEQUENCE, 0 },
		{ PWQ_SETTING_GECOS_CHECK, 0 },
		{ PWQ_SETTING_USER_CHECK, 0 },
		{ PWQ_SETTING_DICT_CHECK, 1 },
		{ PWQ_SETTING_ENFORCING, 1 },
	};
	pwquality_settings_t *pwq;
	size_t i;

	if ((pwq = pwquality_default_settings()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (pwquality_set_int_value(pwq, ints[i].setting,
		    ints[i].value) != 0)
			goto fail;
	if (pwquality_set_str_value(pwq, PWQ_SETTING_DICT_PATH, path) != 0)
		goto fail;
	return pwq;
fail:
	pwquality_free_settings(pwq);
	return NULL;
}

int
dw_passwd_dictionary(const char *pw, size_t pwlen, const char **why)
{
	pwquality_settings_t *pwq = NULL;
	const char *reason = NULL, *env, *path;
	char *buf = NULL, probe[4096];
	void *aux = NULL;
	struct stat st;
	size_t i;
	int n, r, rc = DW_ERR_INVAL;

	if (pw == NULL || pwlen == 0 || memchr(pw, '\0', pwlen) != NULL)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (pwlen > DW_PASSWD_MAX)
		goto out;
	/* secure_getenv: a set-id program never takes the override. */
	env = secure_getenv(DW_PASSWD_DICT_ENV);
	path = env != NULL && *env != '\0' ? env : CRACKLIB_DEFAULT_DICT;
	/* Fail closed, and before cracklib: a missing dictionary would
	 * otherwise be reported (at best) as an error string. */
	rc = DW_ERR_IO;
	n = snprintf(probe, sizeof(probe), "%s.pwd", path);
	if (n < 0 || (size_t)n >= sizeof(probe))
		goto out;
	if (stat(probe, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	rc = DW_ERR_NOMEM;
	if ((buf = sodium_malloc(pwlen + 1)) == NULL)
		goto out;
	memcpy(buf, pw, pwlen);
	buf[pwlen] = '\0';

	if (pthread_mutex_lock(&dict_lock) != 0) {
		rc = DW_ERR_IO;
		goto out;
	}
	if ((pwq = dict_settings(path)) == NULL) {
		pthread_mutex_unlock(&dict_lock);
		goto out;
	}
	r = pwquality_check(pwq, buf, NULL, NULL, &aux);
	rc = DW_ERR_DENIED;
	if (r >= 0)
		rc = DW_OK;
	else if (r == PWQ_ERROR_MEM_ALLOC)
		rc = DW_ERR_NOMEM;
	else if (r == PWQ_ERROR_CRACKLIB_CHECK) {
		reason = "password is in the common-password dictionary";
		for (i = 0; aux != NULL &&
		    i < sizeof(crack_why) / sizeof(crack_why[0]); i++)
			if (strcmp(aux, crack_why[i].crack) == 0)
				reason = crack_why[i].why;
		if (aux != NULL && strcmp(aux, "error loading dictionary") == 0)
			rc = DW_ERR_IO;
	} else if (r == PWQ_ERROR_PALINDROME)
		/* libpwquality tests this before the dictionary and cannot
		 * be told not to: refuse (half a password's entropy). */
		reason = "password is a palindrome";
	else if (r == PWQ_ERROR_MIN_LENGTH || r == PWQ_ERROR_EMPTY_PASSWORD)
		reason = "password is too short";
	else
		reason = "password failed the dictionary check";
	/* cracklib's answers are static strings: aux needs no freeing. */
	pwquality_free_settings(pwq);
	pthread_mutex_unlock(&dict_lock);
out:
	if (buf != NULL) {
		sodium_memzero(buf, pwlen + 1);
		sodium_free(buf);
	}
	if (rc == DW_ERR_DENIED && why != NULL)
		*why = reason;
	return rc;
}

/* Does needle (nlen >= 1) occur in hay, ASCII case-insensitively? */
static bool
ascii_casestr(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t i, j;

	for (i = 0; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (dw_ascii_lower(hay[i + j]) !=
			    dw_ascii_lower(needle[j]))
				break;
		if (j == nlen)
			return true;
	}
	return false;
}

/*
 * pw (valid UTF-8: dw_passwd_quality passed) without its invisible code
 * points, NUL-terminated, into *out (sodium_malloc, pwlen + 1 bytes; the
 * caller wipes and frees it) and *outlen.
 */
static int
visible_copy(const char *pw, size_t pwlen, char **out, size_t *outlen)
{
	const unsigned char	*s = (const unsigned char *)pw;
	char			*buf;
	size_t			 i = 0, start, n = 0;
	uint32_t		 cp;

	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	if ((buf = sodium_malloc(pwlen + 1)) == NULL)
		return DW_ERR_NOMEM;
	while (i < pwlen) {
		start = i;
		if (utf8_next(s, pwlen, &i, &cp) != 0) {
			sodium_memzero(buf, pwlen + 1);
			sodium_free(buf);
			return DW_ERR_INVAL;
		}
		if (!cp_invisible(cp)) {
			memcpy(buf + n, pw + start, i - start);
			n += i - start;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return DW_OK;
}

/*
 * Does pw contain a part of the e-mail address: the local part (the text
 * before the last '@'; without '@' the whole value) of LOCAL_PART_MIN or
 * more characters, or the first label of the domain (up to the first '.'
 * after the last '@') of DOMAIN_LABEL_MIN or more?  NULL, or the reason.
 */
static const char *
email_part_in(const char *pw, size_t pwlen, const char *email,
    size_t emaillen)
{
	size_t	local, label;

	for (local = emaillen; local > 0 && email[local - 1] != '@'; local--)
		;
	if (local == 0) {
		/* No '@': the whole value is the name. */
		return emaillen >= LOCAL_PART_MIN &&
		    ascii_casestr(pw, pwlen, email, emaillen) ?
		    "password contains the e-mail name" : NULL;
	}
	if (local - 1 >= LOCAL_PART_MIN &&
	    ascii_casestr(pw, pwlen, email, local - 1))
		return "password contains the e-mail name";
	for (label = 0; local + label < emaillen &&
	    email[local + label] != '.'; label++)
		;
	if (label >= DOMAIN_LABEL_MIN &&
	    ascii_casestr(pw, pwlen, email + local, label))
		return "password contains the e-mail domain";
	return NULL;
}

int
dw_passwd_policy_check(const char *pw, size_t pwlen,
    const struct dw_pw_rules *r, const char *email, size_t emaillen,
    const char **why)
{
	const char *reason = NULL;
	char *vis = NULL;
	size_t vislen = 0;
	int rc;

	if (r == NULL || (email == NULL && emaillen != 0))
		return DW_ERR_INVAL;
	rc = dw_passwd_quality(pw, pwlen, r->min_length, r->min_classes,
	    &reason);
	if (rc != DW_OK)
		goto out;
	/* The remaining rules see what a person sees: an invisible
	 * character inside a name or a word does not hide it. */
	if ((rc = visible_copy(pw, pwlen, &vis, &vislen)) != DW_OK)
		goto out;
	if (email != NULL &&
	    (reason = email_part_in(vis, vislen, email, emaillen)) != NULL) {
		rc = DW_ERR_DENIED;
		goto out;
	}
	if (vislen == 0) {
		/* Possible only with a minimum length of 0. */
		rc = DW_ERR_DENIED;
		reason = "password has no visible character";
		goto out;
	}
	rc = dw_passwd_dictionary(vis, vislen, &reason);
out:
	if (vis != NULL) {
		sodium_memzero(vis, pwlen + 1);
		sodium_free(vis);
	}
	if (rc == DW_ERR_DENIED && why != NULL)
		*why = reason;
	return rc;
}

bool
dw_passwd_expired(int64_t changed, unsigned long max_age, int64_t now)
{
	if (max_age == 0 || now < changed)
		return false;
	/* now >= changed: the difference fits in 64 unsigned bits. */
	return (uint64_t)now - (uint64_t)changed >= (uint64_t)max_age;
}

int
dw_pwhist_format(int64_t t, const char *hash, size_t hashlen, char *out,
    size_t outsz)
{
	char ts[DW_GENTIME_MAX];
	size_t tl;
	int rc;

	if (hash == NULL || out == NULL || hashlen == 0 ||
	    memchr(hash, '\0', hashlen) != NULL)
		return DW_ERR_INVAL;
	if (hashlen >= DW_PASSWD_HASH_MAX)
		return DW_ERR_TOOLONG;
	if ((rc = dw_gentime_format((time_t)t, -1, ts, sizeof(ts))) != DW_OK)
		return rc;
	tl = strlen(ts);
	if (outsz < tl + 1 + hashlen + 1)
		return DW_ERR_TOOLONG;
	memcpy(out, ts, tl);
	out[tl] = ' ';
	memcpy(out + tl + 1, hash, hashlen);
	out[tl + 1 + hashlen] = '\0';
	return DW_OK;
}

int
dw_pwhist_parse(const char *s, size_t len, int64_t *t, const char **hash,
    size_t *hashlen)
{
	const char *sp;
	time_t when;
	size_t tl, hl;
	int rc;

	if (s == NULL || t == NULL || hash == NULL || hashlen == NULL)
		return DW_ERR_INVAL;
	if ((sp = memchr(s, ' ', len)) == NULL)
		return DW_ERR_INVAL;
	tl = (size_t)(sp - s);
	hl = len - tl - 1;
	if (tl == 0 || hl == 0 || memchr(s, '\0', len) != NULL ||
	    memchr(sp + 1, ' ', hl) != NULL)
		return DW_ERR_INVAL;
	if (hl >= DW_PASSWD_HASH_MAX)
		return DW_ERR_TOOLONG;
	if ((rc = dw_gentime_parse(s, tl, &when)) != DW_OK)
		return rc;
	*t = (int64_t)when;
	*hash = sp + 1;
	*hashlen = hl;
	return DW_OK;
}
