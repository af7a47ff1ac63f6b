/*
 * dw_random.h: random identifiers shared by the core modules (portal
 * session identifiers, invitation tokens).
 *
 * An identifier is DW_RANDOM_ID_BYTES bytes from libsodium's generator
 * (256 bits), encoded as unpadded base64url: exactly DW_RANDOM_ID_LEN
 * characters of [A-Za-z0-9_-], never starting with '-' (so that it
 * cannot read as an option on a command line).
 */
#ifndef DW_RANDOM_H
#define DW_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_err.h"

#define DW_RANDOM_ID_BYTES	32	/* raw random bytes */
#define DW_RANDOM_ID_LEN	43	/* base64url characters, no padding */

/*
 * Generate a fresh identifier into out (NUL-terminated; outsz >=
 * DW_RANDOM_ID_LEN + 1).  Calls sodium_init().  The caller wipes out with
 * sodium_memzero when it is a secret.  DW_ERR_TOOLONG if out is too small
 * (or NULL), DW_ERR_CRYPTO if libsodium cannot be initialised.  out is
 * written only on success.
 */
int dw_random_id(char *out, size_t outsz);

/* Exactly DW_RANDOM_ID_LEN characters of [A-Za-z0-9_-] (false for NULL). */
bool dw_random_id_form(const char *s, size_t len);

#endif
