/*
 * dw_random.c: random base64url identifiers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <sodium.h>

#include "dw_random.h"

int
dw_random_id(char *out, size_t outsz)
{
	unsigned char	raw[DW_RANDOM_ID_BYTES];
	char		enc[DW_RANDOM_ID_LEN + 1];
	int		rc = DW_ERR_TOOLONG;

	if (out == NULL || outsz < DW_RANDOM_ID_LEN + 1)
		goto out;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	/* Never a leading '-': an identifier is typed after a command
	 * (dwadm session kill ID), where it would read as an option.  Drawing
	 * again keeps the others uniform (about 0.02 bits fewer). */
	do {
		randombytes_buf(raw, sizeof(raw));
		if (sodium_bin2base64(enc, sizeof(enc), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == NULL ||
		    strlen(enc) != DW_RANDOM_ID_LEN)
			goto out;
	} while (enc[0] == '-');
	memcpy(out, enc, sizeof(enc));
	rc = DW_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(enc, sizeof(enc));
	return rc;
}

bool
dw_random_id_form(const char *s, size_t len)
{
	size_t	i;
	char	c;

	if (s == NULL || len != DW_RANDOM_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}
