/*
 * dw_passwd.h: password storage ({ARGON2} argon2id) and the pre-hashed
 * check.  Hashing uses libsodium's crypto_pwhash (argon2id, p = 1: libsodium
 * has no lanes parameter); the string is the standard PHC encoding that
 * Debian's slapd argon2 module verifies at bind.
 */
#ifndef DW_PASSWD_H
#define DW_PASSWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dw_err.h"

#define DW_PASSWD_MAX		1024	/* bytes of a cleartext password */
#define DW_PASSWD_HASH_MAX	256	/* bytes of "{ARGON2}$argon2id$..." + NUL */
#define DW_ARGON2_SCHEME	"{ARGON2}"

/* OWASP's minimum for argon2id; configuration may not go below it. */
#define DW_ARGON2_MIN_T		2
#define DW_ARGON2_MIN_M_KIB	19456
#define DW_ARGON2_MAX_T		64
#define DW_ARGON2_MAX_M_KIB	(4u * 1024u * 1024u)	/* 4 GiB */

struct dw_argon2_params {
	unsigned t_cost;	/* iterations */
	unsigned m_cost_kib;	/* memory, KiB */
};

/* Defaults: t=2, m=19456 KiB (19 MiB). */
void dw_argon2_params_default(struct dw_argon2_params *p);

/* 0, or DW_ERR_RANGE when below the minimum or above the maximum. */
int dw_argon2_params_check(const struct dw_argon2_params *p);

enum dw_pw_form {
	DW_PW_CLEARTEXT = 1,
	DW_PW_PREHASHED,
};

/*
 * Is this userPassword value a "{SCHEME}..." string?  A value that starts
 * with '{', then 1..32 characters of [A-Za-z0-9._-], then '}' is taken as
 * pre-hashed (this includes a cleartext password that merely looks like
 * one; such a password is refused, and the error says so).
 */
enum dw_pw_form dw_passwd_form(const char *v, size_t len);

/*
 * Hash pw (pwlen bytes, 1..DW_PASSWD_MAX, may contain any byte but NUL)
 * into out as a NUL-terminated "{ARGON2}$argon2id$v=19$m=..,t=..,p=1$..$.."
 * string.  out must hold DW_PASSWD_HASH_MAX bytes.
 * Errors: DW_ERR_INVAL (empty, NUL byte), DW_ERR_TOOLONG, DW_ERR_RANGE
 * (params), DW_ERR_CRYPTO.
 */
int dw_passwd_hash(const char *pw, size_t pwlen,
    const struct dw_argon2_params *p, char *out, size_t outsz);

/*
 * Verify pw against a stored "{ARGON2}$argon2id$..." value.  0 on match,
 * DW_ERR_DENIED on mismatch, DW_ERR_INVAL if the stored value is not an
 * argon2id string (fail closed).  The scheme name matches in any case;
 * the rest must be the PHC form with v=19, m <= DW_ARGON2_MAX_M_KIB and
 * t <= DW_ARGON2_MAX_T (so that a stored value cannot demand absurd
 * work).  An empty pw, one over DW_PASSWD_MAX or one with a NUL byte never
 * matches (DW_ERR_DENIED).  DW_ERR_CRYPTO if libsodium cannot start.
 */
int dw_passwd_verify(const char *stored, size_t storedlen,
    const char *pw, size_t pwlen);

/*
 * Password quality (length in UTF-8 characters, character classes:
 * lower, upper, digit, other).  Only characters a person sees count, for
 * the length and for the classes: combining marks (U+0300-036F,
 * U+1AB0-1AFF, U+1DC0-1DFF, U+20D0-20FF, U+FE20-FE2F), zero-width and
 * other format characters (U+00AD, U+200B-200F, U+202A-202E,
 * U+2060-2064, U+2066-206F, U+FEFF, U+E0000-E007F), and variation
 * selectors (U+180B-180F, U+FE00-FE0F, U+E0100-E01EF) are not counted.
 * A control character (C0, DEL, C1) is refused.  0 if it passes;
 * DW_ERR_INVAL for invalid UTF-8 or a NUL byte; DW_ERR_DENIED otherwise,
 * with *why set to a static text naming the failed rule (never the
 * password).  Overlong forms,
 * surrogates and code points above U+10FFFF are invalid UTF-8.  An empty
 * password and one over DW_PASSWD_MAX bytes are denied whatever the
 * limits.  min_classes above 4: DW_ERR_RANGE.  why may be NULL and is
 * written only on DW_ERR_DENIED.
 */
int dw_passwd_quality(const char *pw, size_t pwlen, unsigned min_len,
    unsigned min_classes, const char **why);

/*
 * Generate a random password of len characters (len >= 16, < outsz) from
 * all four classes, NUL-terminated, for service accounts.  The "other"
 * characters are !%*+,-.=?@^_~ (nothing that needs quoting in a shell,
 * LDIF or a config file).  DW_ERR_RANGE if len < 16 or > DW_PASSWD_MAX,
 * DW_ERR_TOOLONG if outsz <= len.  The caller wipes out.
 */
int dw_passwd_generate(char *out, size_t outsz, size_t len);

/* ---- the password policy (issue 4) ------------------------------------ */

struct dw_pw_rules {
	unsigned min_length;	/* characters */
	unsigned min_classes;	/* 1..4 */
};

/*
 * Every quality rule for a new password, in this order, stopping at the
 * first that fails: dw_passwd_quality (UTF-8, control characters, length,
 * classes); then, on the password without its invisible characters (those
 * dw_passwd_quality does not count): the e-mail local part (the text
 * before the last '@' of email, if email is not NULL and the local part
 * has 3 or more characters) must not occur in it, nor the first label of
 * the e-mail domain (after the last '@', up to the first '.', if it has 4
 * or more characters: "dramwell" of "x@dramwell.ai"), both compared ASCII
 * case-insensitively; it must not be in the common-password dictionary
 * (dw_passwd_dictionary).  0 if it passes; DW_ERR_DENIED with *why
 * naming the rule ("too short", "contains the e-mail name", "contains the
 * e-mail domain", "is in the common-password dictionary", ...), never
 * the password; DW_ERR_INVAL (bad UTF-8, NUL); DW_ERR_IO when the
 * dictionary cannot be read (fail closed: the password is refused).
 */
int dw_passwd_policy_check(const char *pw, size_t pwlen,
    const struct dw_pw_rules *r, const char *email, size_t emaillen,
    const char **why);

/*
 * The common-password dictionary: Debian's cracklib dictionary
 * (cracklib-runtime, /var/cache/cracklib/cracklib_dict.*) through
 * libpwquality's cracklib check, serialised by a lock inside (cracklib is
 * not thread-safe).  0: not found in it; DW_ERR_DENIED: found (or based on
 * a dictionary word); DW_ERR_IO: the dictionary is missing.
 * DW_PASSWD_DICT_ENV, when set in the environment, names another
 * dictionary path prefix (tests).
 */
#define DW_PASSWD_DICT_ENV	"DW_CRACKLIB_DICT"
int dw_passwd_dictionary(const char *pw, size_t pwlen, const char **why);

/* Rotation: true when max_age > 0 and now - changed >= max_age. */
bool dw_passwd_expired(int64_t changed, unsigned long max_age, int64_t now);

/*
 * Password history values (dwPasswordHistory): "GENERALIZEDTIME HASH",
 * e.g. "20261203101500Z {ARGON2}$argon2id$...".  Make one from a time and
 * a stored hash; parse one back (pointers into s).  The overlay keeps the
 * newest N (policy) and refuses a new password that verifies against any
 * of them or against the current one.
 */
#define DW_PWHIST_MAX		(16 + DW_PASSWD_HASH_MAX)
int dw_pwhist_format(int64_t t, const char *hash, size_t hashlen, char *out,
    size_t outsz);
int dw_pwhist_parse(const char *s, size_t len, int64_t *t,
    const char **hash, size_t *hashlen);

#endif
