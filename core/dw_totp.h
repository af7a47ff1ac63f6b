/*
 * dw_totp.h: TOTP (RFC 6238 with liboath: HMAC-SHA-1, 6 digits, 30 s
 * steps, a window of one step either side), base32 secrets, otpauth://
 * URIs, one-time recovery codes, and the split of a bind credential into
 * password and second factor (the code appended to the password, as
 * slapo-otp does).
 */
#ifndef DW_TOTP_H
#define DW_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dw_err.h"

#define DW_TOTP_DIGITS		6
#define DW_TOTP_STEP		30	/* seconds */
#define DW_TOTP_WINDOW		1	/* steps either side of now */
#define DW_TOTP_SECRET_BYTES	20	/* 160 bits, RFC 4226's advice */
#define DW_TOTP_SECRET_B32_LEN	32	/* base32 of 20 bytes, no padding */
#define DW_TOTP_SECRET_MAX	64	/* bytes of a decoded secret */
#define DW_TOTP_URI_MAX		512

/* Fill out with DW_TOTP_SECRET_BYTES random bytes (libsodium). */
int dw_totp_secret_new(unsigned char *out, size_t outsz);

/* RFC 4648 base32, upper case, no padding, NUL-terminated. */
int dw_base32_encode(const unsigned char *in, size_t len, char *out,
    size_t outsz);
/* Decode base32: case-insensitive, '=' padding and spaces are not
 * accepted; DW_ERR_INVAL for any other character or a length that is not
 * a whole number of bytes with zero trailing bits. */
int dw_base32_decode(const char *in, size_t len, unsigned char *out,
    size_t outsz, size_t *outlen);

/* Exactly DW_TOTP_DIGITS ASCII digits? */
bool dw_totp_code_form(const char *code, size_t len);

/* The TOTP step of a time: floor(t / DW_TOTP_STEP); t >= 0. */
int64_t dw_totp_step(int64_t t);

/*
 * The code for time t with `digits` digits (6 or 8; 8 for RFC 6238's
 * Appendix B vectors), NUL-terminated in out (digits + 1 bytes).
 */
int dw_totp_generate(const unsigned char *key, size_t keylen, int64_t t,
    unsigned digits, char *out, size_t outsz);

/*
 * Verify a 6-digit code for time now against steps now-1 .. now+1.
 * Replay protection: when has_last, a step at or below last_step is never
 * accepted.  Returns 0 and sets *step to the step that matched (the
 * highest one above last_step); DW_ERR_REPLAY when the code matches only
 * a step at or below last_step; DW_ERR_DENIED when it matches nothing;
 * DW_ERR_INVAL for a malformed code or an empty key; DW_ERR_CRYPTO if
 * liboath fails.  Constant work in the code's value.
 */
int dw_totp_verify(const unsigned char *key, size_t keylen, int64_t now,
    const char *code, size_t codelen, bool has_last, int64_t last_step,
    int64_t *step);

/*
 * otpauth://totp/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=SHA1&
 * digits=6&period=30, with issuer and account percent-encoded (RFC 3986
 * unreserved characters kept).  DW_ERR_TOOLONG if out is too small.
 */
int dw_totp_uri(const char *issuer, const char *account, const char *b32,
    char *out, size_t outsz);

/* ---- recovery codes ---------------------------------------------------
 * Ten per user, shown once.  Form: "xxxxx-xxxxx", 10 characters of the
 * lower-case base32 alphabet (a-z, 2-7; 50 bits) with a dash in the
 * middle; input is accepted in either case.  Stored as
 * "{B2R}" SALT-HEX "$" HASH-HEX: BLAKE2b-256 keyed with a random 16-byte
 * salt over the lower-cased code.  (A fast hash: 50 random bits, and
 * guessing goes through the lockout.)
 */
#define DW_RECOVERY_CODES	10
#define DW_RECOVERY_CODE_LEN	11
#define DW_RECOVERY_HASH_MAX	128

int dw_recovery_code_new(char *out, size_t outsz);
bool dw_recovery_code_form(const char *code, size_t len);
int dw_recovery_code_hash(const char *code, size_t len, char *out,
    size_t outsz);
/* 0 on match, DW_ERR_DENIED on mismatch, DW_ERR_INVAL for a malformed
 * stored value or code. */
int dw_recovery_code_verify(const char *stored, size_t storedlen,
    const char *code, size_t len);

/* ---- the bind credential of an MFA user ------------------------------ */
enum dw_cred_kind {
	DW_CRED_NONE = 0,	/* no second factor found */
	DW_CRED_TOTP,		/* the last 6 bytes are ASCII digits */
	DW_CRED_RECOVERY,	/* else the last 11 have the recovery form */
};

/*
 * Split cred into password (the first *pwlen bytes) and factor (the
 * rest).  The password part must be non-empty; otherwise DW_CRED_NONE
 * with *pwlen = len.
 */
enum dw_cred_kind dw_cred_split(const char *cred, size_t len, size_t *pwlen);

#endif
