/*
 * dw_session.c: portal session identifiers and the idle-timeout rule.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <sodium.h>

#include "dw_session.h"

#define ID_BYTES	32

int
dw_session_id_new(char *out, size_t outsz)
{
	unsigned char	raw[ID_BYTES];
	char		enc[DW_SESSION_ID_LEN + 1];
	int		rc = DW_ERR_TOOLONG;

	if (out == NULL || outsz < DW_SESSION_ID_LEN + 1)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	randombytes_buf(raw, sizeof(raw));
	if (sodium_bin2base64(enc, sizeof(enc), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == NULL ||
	    strlen(enc) != DW_SESSION_ID_LEN)
		goto out;
	memcpy(out, enc, sizeof(enc));
	rc = DW_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(enc, sizeof(enc));
	return rc;
}

bool
dw_session_id_form(const char *s, size_t len)
{
	size_t	i;
	char	c;

	if (s == NULL || len != DW_SESSION_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* now - last, 0 when last is not in the past; no signed overflow. */
static uint64_t
elapsed(int64_t last, int64_t now)
{
	if (now <= last)
		return 0;
	return (uint64_t)now - (uint64_t)last;
}

enum dw_decision
dw_session_idle_check(int64_t last, int64_t now, unsigned timeout)
{
	if (timeout == 0)
		return DW_DENY;
	return elapsed(last, now) >= timeout ? DW_DENY : DW_ALLOW;
}

bool
dw_session_refresh_due(int64_t last, int64_t now)
{
	/* A last activity in the future (clock skew, a forged value) is
	 * rewritten at once: left alone it would keep the session from
	 * ever expiring. */
	if (last > now)
		return true;
	return elapsed(last, now) >= DW_SESSION_REFRESH;
}
