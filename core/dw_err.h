/*
 * dw_err.h: error codes and decisions shared by every core module.
 *
 * Core functions return 0 (DW_OK) or a negative DW_ERR_* code and write
 * their out-parameters only on success.  Rules answer with an enum
 * dw_decision, never a tri-state int: anything but DW_ALLOW is a denial.
 */
#ifndef DW_ERR_H
#define DW_ERR_H

enum dw_err {
	DW_OK = 0,
	DW_ERR_INVAL = -1,	/* malformed input */
	DW_ERR_RANGE = -2,	/* well-formed but out of range */
	DW_ERR_NOMEM = -3,
	DW_ERR_TOOLONG = -4,	/* input or output over its cap */
	DW_ERR_CRYPTO = -5,	/* libsodium / liboath failure */
	DW_ERR_DENIED = -6,	/* a check failed (wrong password, ...) */
	DW_ERR_PREHASHED = -7,	/* a client supplied a hashed password */
	DW_ERR_IO = -8,		/* file could not be read or written */
	DW_ERR_NOTFOUND = -9,
	DW_ERR_UNSAFE = -10,	/* file owner or mode too open */
	DW_ERR_REPLAY = -11,	/* a one-time code that was already used */
};

enum dw_decision {
	DW_DENY = 0,
	DW_ALLOW = 1,
};

/* A short English text for err; never NULL, never contains input. */
const char *dw_strerror(int err);

#endif
