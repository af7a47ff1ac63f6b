/*
 * dw_totp.c: TOTP codes (liboath), base32 secrets, otpauth:// URIs,
 * recovery codes and the split of an MFA bind credential.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "dw_totp.h"

#define RECOVERY_PREFIX		"{B2R}"
#define RECOVERY_SALT_BYTES	16
#define RECOVERY_HASH_BYTES	32

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char rc_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_state = OATH_OK;

/* liboath wants oath_init() before use; it is process-wide, so once. */
static void
oath_start(void)
{
	oath_state = oath_init();
}

static int
oath_ready(void)
{
	if (pthread_once(&oath_once, oath_start) != 0)
		return DW_ERR_CRYPTO;
	return oath_state == OATH_OK ? DW_OK : DW_ERR_CRYPTO;
}

int
dw_totp_secret_new(unsigned char *out, size_t outsz)
{
	if (out == NULL)
		return DW_ERR_INVAL;
	if (outsz < DW_TOTP_SECRET_BYTES)
		return DW_ERR_TOOLONG;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	randombytes_buf(out, DW_TOTP_SECRET_BYTES);
	return DW_OK;
}

int
dw_base32_encode(const unsigned char *in, size_t len, char *out,
    size_t outsz)
{
	size_t need, i, o = 0;
	unsigned buf = 0, bits = 0;

	if ((in == NULL && len > 0) || out == NULL)
		return DW_ERR_INVAL;
	if (len > (SIZE_MAX - 5) / 8)
		return DW_ERR_TOOLONG;
	need = (len * 8 + 4) / 5 + 1;
	if (outsz < need)
		return DW_ERR_TOOLONG;
	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alphabet[(buf >> bits) & 31];
		}
		buf &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(buf << (5 - bits)) & 31];
	out[o] = '\0';
	return DW_OK;
}

static int
b32_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
dw_base32_decode(const char *in, size_t len, unsigned char *out,
    size_t outsz, size_t *outlen)
{
	unsigned char tmp[DW_TOTP_SECRET_MAX];
	size_t i, n = 0, rem;
	unsigned buf = 0, bits = 0;
	int v, rc = DW_ERR_INVAL;

	if (in == NULL || out == NULL || outlen == NULL)
		return DW_ERR_INVAL;
	/* Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes. */
	rem = len % 8;
	if (len == 0 || rem == 1 || rem == 3 || rem == 6)
		return DW_ERR_INVAL;
	if (len / 8 * 5 + rem * 5 / 8 > sizeof(tmp))
		return DW_ERR_TOOLONG;
	for (i = 0; i < len; i++) {
		if ((v = b32_value((unsigned char)in[i])) < 0)
			goto out;
		buf = (buf << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			tmp[n++] = (unsigned char)(buf >> bits);
			buf &= (1u << bits) - 1;
		}
	}
	/* Non-zero leftover bits: not the canonical encoding of any bytes. */
	if (buf != 0)
		goto out;
	if (n > outsz) {
		rc = DW_ERR_TOOLONG;
		goto out;
	}
	memcpy(out, tmp, n);
	*outlen = n;
	rc = DW_OK;
out:
	sodium_memzero(tmp, sizeof(tmp));
	return rc;
}

bool
dw_totp_code_form(const char *code, size_t len)
{
	size_t i;

	if (code == NULL || len != DW_TOTP_DIGITS)
		return false;
	for (i = 0; i < len; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

int64_t
dw_totp_step(int64_t t)
{
	/* Floor division, so that a (not expected) negative time still
	 * maps to the step that contains it. */
	if (t < 0)
		return -((-t + DW_TOTP_STEP - 1) / DW_TOTP_STEP);
	return t / DW_TOTP_STEP;
}

/* The HOTP value of one step (RFC 6238 is HOTP over the step counter). */
static int
code_at_step(const unsigned char *key, size_t keylen, int64_t step,
    unsigned digits, char out[9])
{
	int rc;

	if (step < 0)
		return DW_ERR_RANGE;
	if ((rc = oath_ready()) != DW_OK)
		return rc;
	if (oath_hotp_generate((const char *)key, keylen, (uint64_t)step,
	    digits, false, OATH_HOTP_DYNAMIC_TRUNCATION, out) != OATH_OK)
		return DW_ERR_CRYPTO;
	return DW_OK;
}

int
dw_totp_generate(const unsigned char *key, size_t keylen, int64_t t,
    unsigned digits, char *out, size_t outsz)
{
	char buf[9];
	int rc;

	if (key == NULL || keylen == 0 || out == NULL || t < 0)
		return DW_ERR_INVAL;
	if (keylen > DW_TOTP_SECRET_MAX)
		return DW_ERR_TOOLONG;
	if (digits != 6 && digits != 8)
		return DW_ERR_RANGE;
	if (outsz < digits + 1)
		return DW_ERR_TOOLONG;
	if ((rc = code_at_step(key, keylen, dw_totp_step(t), digits, buf)) !=
	    DW_OK)
		goto out;
	memcpy(out, buf, digits + 1);
	rc = DW_OK;
out:
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

int
dw_totp_verify(const unsigned char *key, size_t keylen, int64_t now,
    const char *code, size_t codelen, bool has_last, int64_t last_step,
    int64_t *step)
{
	char want[9];
	int64_t base, s, fresh = -1;
	bool stale = false;
	int rc = DW_ERR_INVAL, d, eq;

	if (key == NULL || keylen == 0 || step == NULL || now < 0)
		return DW_ERR_INVAL;
	if (keylen > DW_TOTP_SECRET_MAX)
		return DW_ERR_INVAL;
	if (!dw_totp_code_form(code, codelen))
		return DW_ERR_INVAL;
	base = dw_totp_step(now);
	/* Every step of the window is computed and compared in full, so
	 * the work does not depend on where (or whether) the code matches. */
	for (d = -DW_TOTP_WINDOW; d <= DW_TOTP_WINDOW; d++) {
		s = base + d;
		if (s < 0)
			continue;
		if ((rc = code_at_step(key, keylen, s, DW_TOTP_DIGITS, want)) !=
		    DW_OK)
			goto out;
		eq = sodium_memcmp(want, code, DW_TOTP_DIGITS) == 0;
		if (eq && has_last && s <= last_step)
			stale = true;
		else if (eq && s > fresh)
			fresh = s;
	}
	if (fresh >= 0) {
		*step = fresh;
		rc = DW_OK;
	} else
		rc = stale ? DW_ERR_REPLAY : DW_ERR_DENIED;
out:
	sodium_memzero(want, sizeof(want));
	return rc;
}

static bool
uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Append s percent-encoded at out[*o]; false when it does not fit. */
static bool
uri_put(char *out, size_t outsz, size_t *o, const char *s, bool escape)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (!escape || uri_unreserved(c)) {
			if (outsz - *o < 2)
				return false;
			out[(*o)++] = (char)c;
		} else {
			if (outsz - *o < 4)
				return false;
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
	out[*o] = '\0';
	return true;
}

int
dw_totp_uri(const char *issuer, const char *account, const char *b32,
    char *out, size_t outsz)
{
	size_t o = 0, i;
	bool ok;

	if (issuer == NULL || account == NULL || b32 == NULL || out == NULL ||
	    *issuer == '\0' || *account == '\0' || *b32 == '\0')
		return DW_ERR_INVAL;
	for (i = 0; b32[i] != '\0'; i++)
		if (b32_value((unsigned char)b32[i]) < 0)
			return DW_ERR_INVAL;
	if (outsz == 0)
		return DW_ERR_TOOLONG;
	ok = uri_put(out, outsz, &o, "otpauth://totp/", false) &&
	    uri_put(out, outsz, &o, issuer, true) &&
	    uri_put(out, outsz, &o, ":", false) &&
	    uri_put(out, outsz, &o, account, true) &&
	    uri_put(out, outsz, &o, "?secret=", false) &&
	    uri_put(out, outsz, &o, b32, false) &&
	    uri_put(out, outsz, &o, "&issuer=", false) &&
	    uri_put(out, outsz, &o, issuer, true) &&
	    uri_put(out, outsz, &o, "&algorithm=SHA1&digits=6&period=30",
	    false);
	if (!ok) {
		/* Do not leave a partial URI (with the secret) behind. */
		sodium_memzero(out, outsz);
		return DW_ERR_TOOLONG;
	}
	return DW_OK;
}

/* ---- recovery codes ---------------------------------------------------- */

int
dw_recovery_code_new(char *out, size_t outsz)
{
	size_t i, o = 0;

	if (out == NULL)
		return DW_ERR_INVAL;
	if (outsz < DW_RECOVERY_CODE_LEN + 1)
		return DW_ERR_TOOLONG;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	for (i = 0; i < 10; i++) {
		if (i == 5)
			out[o++] = '-';
		out[o++] = rc_alphabet[randombytes_uniform(32)];
	}
	out[o] = '\0';
	return DW_OK;
}

static bool
rc_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '2' && c <= '7');
}

bool
dw_recovery_code_form(const char *code, size_t len)
{
	size_t i;

	if (code == NULL || len != DW_RECOVERY_CODE_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (i == 5) {
			if (code[i] != '-')
				return false;
		} else if (!rc_char((unsigned char)code[i]))
			return false;
	}
	return true;
}

static int
rc_digest(const unsigned char salt[RECOVERY_SALT_BYTES], const char *code,
    unsigned char out[RECOVERY_HASH_BYTES])
{
	char low[DW_RECOVERY_CODE_LEN];
	size_t i;
	int rc;

	for (i = 0; i < DW_RECOVERY_CODE_LEN; i++) {
		low[i] = code[i];
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] = (char)(low[i] - 'A' + 'a');
	}
	rc = crypto_generichash(out, RECOVERY_HASH_BYTES,
	    (const unsigned char *)low, sizeof(low), salt,
	    RECOVERY_SALT_BYTES) == 0 ? DW_OK : DW_ERR_CRYPTO;
	sodium_memzero(low, sizeof(low));
	return rc;
}

int
dw_recovery_code_hash(const char *code, size_t len, char *out, size_t outsz)
{
	unsigned char salt[RECOVERY_SALT_BYTES];
	unsigned char h[RECOVERY_HASH_BYTES];
	size_t need, pl = sizeof(RECOVERY_PREFIX) - 1;
	int rc = DW_ERR_INVAL;

	if (out == NULL || !dw_recovery_code_form(code, len))
		return DW_ERR_INVAL;
	need = pl + 2 * sizeof(salt) + 1 + 2 * sizeof(h) + 1;
	if (outsz < need)
		return DW_ERR_TOOLONG;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	randombytes_buf(salt, sizeof(salt));
	if ((rc = rc_digest(salt, code, h)) != DW_OK)
		goto out;
	memcpy(out, RECOVERY_PREFIX, pl);
	sodium_bin2hex(out + pl, 2 * sizeof(salt) + 1, salt, sizeof(salt));
	out[pl + 2 * sizeof(salt)] = '$';
	sodium_bin2hex(out + pl + 2 * sizeof(salt) + 1, 2 * sizeof(h) + 1, h,
	    sizeof(h));
	rc = DW_OK;
out:
	sodium_memzero(h, sizeof(h));
	return rc;
}

/* Exactly n lower- or upper-case hex digits into n/2 bytes. */
static bool
hex_exact(const char *s, size_t n, unsigned char *out)
{
	size_t bl = 0;
	const char *end = NULL;

	if (sodium_hex2bin(out, n / 2, s, n, NULL, &bl, &end) != 0)
		return false;
	return bl == n / 2 && end == s + n;
}

int
dw_recovery_code_verify(const char *stored, size_t storedlen,
    const char *code, size_t len)
{
	unsigned char salt[RECOVERY_SALT_BYTES];
	unsigned char want[RECOVERY_HASH_BYTES], got[RECOVERY_HASH_BYTES];
	size_t pl = sizeof(RECOVERY_PREFIX) - 1;
	size_t slen = 2 * sizeof(salt), hlen = 2 * sizeof(want);
	int rc = DW_ERR_INVAL;

	if (stored == NULL || !dw_recovery_code_form(code, len))
		return DW_ERR_INVAL;
	if (storedlen != pl + slen + 1 + hlen ||
	    memcmp(stored, RECOVERY_PREFIX, pl) != 0 ||
	    stored[pl + slen] != '$')
		return DW_ERR_INVAL;
	if (sodium_init() < 0)
		return DW_ERR_CRYPTO;
	if (!hex_exact(stored + pl, slen, salt) ||
	    !hex_exact(stored + pl + slen + 1, hlen, want))
		goto out;
	if ((rc = rc_digest(salt, code, got)) != DW_OK)
		goto out;
	rc = sodium_memcmp(want, got, sizeof(want)) == 0 ? DW_OK :
	    DW_ERR_DENIED;
out:
	sodium_memzero(got, sizeof(got));
	return rc;
}

/* ---- the MFA bind credential ------------------------------------------- */

enum dw_cred_kind
dw_cred_split(const char *cred, size_t len, size_t *pwlen)
{
	enum dw_cred_kind kind = DW_CRED_NONE;
	size_t n = len;

	if (cred == NULL) {
		n = 0;
		goto out;
	}
	/* A recovery code's last six bytes hold its dash, so the two forms
	 * never both match. */
	if (len > DW_TOTP_DIGITS &&
	    dw_totp_code_form(cred + len - DW_TOTP_DIGITS, DW_TOTP_DIGITS)) {
		kind = DW_CRED_TOTP;
		n = len - DW_TOTP_DIGITS;
	} else if (len > DW_RECOVERY_CODE_LEN &&
	    dw_recovery_code_form(cred + len - DW_RECOVERY_CODE_LEN,
	    DW_RECOVERY_CODE_LEN)) {
		kind = DW_CRED_RECOVERY;
		n = len - DW_RECOVERY_CODE_LEN;
	}
out:
	if (pwlen != NULL)
		*pwlen = n;
	return kind;
}
