/*
 * dw_secretbox.h: secrets stored encrypted at rest (TOTP secrets) with
 * libsodium's crypto_secretbox (XSalsa20-Poly1305), under a 32-byte key
 * kept in a root-only file named in the overlay's configuration.
 *
 * Key file: exactly 64 hexadecimal characters, optionally followed by one
 * newline.  It must be a regular file (no symlink), owned by root or by
 * the reading process's effective user, with no group or other
 * permission bits (DW_ERR_UNSAFE otherwise).
 *
 * Stored form: "{SB1}" then standard base64 (with padding) of
 * nonce (24 bytes) || MAC + ciphertext.  A new random nonce per seal.
 */
#ifndef DW_SECRETBOX_H
#define DW_SECRETBOX_H

#include <stddef.h>
#include "dw_err.h"

#define DW_SECRETBOX_KEY_BYTES	32
#define DW_SECRETBOX_PREFIX	"{SB1}"
#define DW_SECRETBOX_MAX	256	/* stored form of up to 128 bytes */

/* Load and check the key file.  DW_ERR_IO (missing, unreadable),
 * DW_ERR_UNSAFE (owner, mode, not regular), DW_ERR_INVAL (content).
 * The caller wipes key (sodium_memzero) when done. */
int dw_secretbox_key_load(const char *path,
    unsigned char key[DW_SECRETBOX_KEY_BYTES]);

/* Create a new key file (mode 0600, O_EXCL: never overwrites). */
int dw_secretbox_key_create(const char *path);

/* Encrypt msg into the stored form (NUL-terminated). */
int dw_secretbox_seal(const unsigned char key[DW_SECRETBOX_KEY_BYTES],
    const unsigned char *msg, size_t len, char *out, size_t outsz);

/* Decrypt a stored form.  DW_ERR_INVAL (malformed), DW_ERR_DENIED
 * (authentication failed: wrong key or altered), DW_ERR_TOOLONG. */
int dw_secretbox_open(const unsigned char key[DW_SECRETBOX_KEY_BYTES],
    const char *in, size_t inlen, unsigned char *out, size_t outsz,
    size_t *outlen);

#endif
