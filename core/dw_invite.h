/*
 * dw_invite.h: invitation tokens.
 *
 * A token is 32 bytes from libsodium's generator (256 bits), encoded as
 * unpadded base64url: exactly DW_INVITE_TOKEN_LEN characters of
 * [A-Za-z0-9_-].  The client (dwadm) generates it and sends it once, in
 * dwInviteToken; the directory keeps only dwInviteTokenHash, the
 * lower-case hex of the unkeyed BLAKE2b-256 of the token's characters.
 * The accept link carries the token itself.
 */
#ifndef DW_INVITE_H
#define DW_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "dw_err.h"

#define DW_INVITE_TOKEN_BYTES	32	/* raw random bytes */
#define DW_INVITE_TOKEN_LEN	43	/* base64url characters, no padding */
#define DW_INVITE_HASH_BYTES	32	/* BLAKE2b-256 */
#define DW_INVITE_HASH_HEX_LEN	64	/* lower-case hex characters */
#define DW_INVITE_URL_MAX	1024	/* bytes of a portal base URL */
#define DW_INVITE_LINK_PATH	"/invite/accept?token="

/*
 * Generate a fresh token into out (NUL-terminated; outsz >=
 * DW_INVITE_TOKEN_LEN + 1).  Calls sodium_init().  The caller wipes out
 * with sodium_memzero.  DW_ERR_TOOLONG if out is too small (or NULL),
 * DW_ERR_CRYPTO if libsodium cannot be initialised.
 */
int dw_invite_token_generate(char *out, size_t outsz);

/*
 * Format check: exactly DW_INVITE_TOKEN_LEN characters of [A-Za-z0-9_-]
 * that decode (unpadded base64url) to DW_INVITE_TOKEN_BYTES bytes (the
 * last character carries only 4 bits, so its low 2 bits must be zero).
 * DW_OK or DW_ERR_INVAL (also for NULL).  tok need not be NUL-terminated.
 */
int dw_invite_token_check(const char *tok, size_t len);

/*
 * out := lower-case hex of crypto_generichash (unkeyed, 32 bytes) of the
 * len characters of tok (NUL-terminated; outsz >= DW_INVITE_HASH_HEX_LEN
 * + 1).  The token must pass dw_invite_token_check (DW_ERR_INVAL
 * otherwise); DW_ERR_TOOLONG if out is too small; DW_ERR_CRYPTO if
 * libsodium cannot be initialised.  out is written only on success.
 */
int dw_invite_token_hash_hex(const char *tok, size_t len, char *out,
    size_t outsz);

/*
 * The expiry rule: an invitation is usable only while now < expires.
 * At the expiry second it is expired.
 */
enum dw_decision dw_invite_usable(time_t expires, time_t now);

/* Convenience: true when dw_invite_usable() denies. */
bool dw_invite_expired(time_t expires, time_t now);

/*
 * Portal base URL check: "https://" followed by a host and an optional
 * path, printable ASCII without blanks, quotes, '<', '>', '\\', '?' or
 * '#', at most DW_INVITE_URL_MAX bytes.  A trailing '/' is allowed.
 * DW_OK, DW_ERR_INVAL, or DW_ERR_TOOLONG.
 */
int dw_invite_url_check(const char *url, size_t len);

/*
 * out := URL "/invite/accept?token=" TOKEN (one '/' between the base and
 * the path even when url ends with '/').  url must pass
 * dw_invite_url_check, tok dw_invite_token_check (DW_ERR_INVAL);
 * DW_ERR_TOOLONG if out is too small.  out holds the token: the caller
 * wipes it with sodium_memzero.  out is written only on success.
 */
int dw_invite_link(const char *url, const char *tok, size_t toklen,
    char *out, size_t outsz);

#endif
