/*
 * dw_email.h: admin identities are work e-mail addresses.
 *
 * Accepted: ASCII only; local part 1..64 of [a-z0-9._%+-] (after
 * lower-casing), no leading, trailing or doubled dot; domain 1..253 of
 * dot-separated labels of [a-z0-9-], each 1..63, not starting or ending
 * with '-', at least two labels.  Total at most DW_EMAIL_MAX.  Everything
 * else (spaces, quotes, LDAP filter or DN special characters, control
 * bytes, non-ASCII) is refused, so that two spellings never name two
 * accounts.
 */
#ifndef DW_EMAIL_H
#define DW_EMAIL_H

#include <stddef.h>
#include "dw_err.h"

#define DW_EMAIL_MAX	254

/* Validate and lower-case in into out (NUL-terminated; outsz >=
 * DW_EMAIL_MAX + 1 always suffices).  DW_ERR_INVAL or DW_ERR_TOOLONG on
 * bad input; DW_ERR_TOOLONG also when out cannot hold len + 1 bytes. */
int dw_email_normalize(const char *in, size_t len, char *out, size_t outsz);

#endif
