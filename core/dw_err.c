/*
 * dw_err.c: error texts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dw_err.h"

const char *
dw_strerror(int err)
{
	switch (err) {
	case DW_OK:
		return "success";
	case DW_ERR_INVAL:
		return "malformed input";
	case DW_ERR_RANGE:
		return "value out of range";
	case DW_ERR_NOMEM:
		return "out of memory";
	case DW_ERR_TOOLONG:
		return "input or output too long";
	case DW_ERR_CRYPTO:
		return "cryptographic library failure";
	case DW_ERR_DENIED:
		return "check failed";
	case DW_ERR_PREHASHED:
		return "pre-hashed password values are not accepted";
	case DW_ERR_IO:
		return "file could not be read or written";
	case DW_ERR_NOTFOUND:
		return "not found";
	case DW_ERR_UNSAFE:
		return "file owner or permissions are unsafe";
	case DW_ERR_REPLAY:
		return "one-time code already used";
	default:
		return "unknown error";
	}
}
