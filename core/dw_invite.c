/*
 * dw_invite.c: invitation tokens, their hash, expiry and accept link.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <sodium.h>

#include "dw_invite.h"
#include "dw_random.h"

_Static_assert(DW_INVITE_TOKEN_BYTES == DW_RANDOM_ID_BYTES &&
    DW_INVITE_TOKEN_LEN == DW_RANDOM_ID_LEN,
    "an invitation token is a dw_random identifier");

int
dw_invite_token_generate(char *out, size_t outsz)
{
	return dw_random_id(out, outsz);
}

int
dw_invite_token_check(const char *tok, size_t len)
{
	unsigned char	raw[DW_INVITE_TOKEN_BYTES];
	size_t		rawlen = 0;
	const char	*end = NULL;
	int		rc = DW_ERR_INVAL;

	if (!dw_random_id_form(tok, len))
		return DW_ERR_INVAL;
	/* libsodium refuses non-zero padding bits in the last character. */
	if (sodium_base642bin(raw, sizeof(raw), tok, len, NULL, &rawlen, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    rawlen != DW_INVITE_TOKEN_BYTES || end != tok + len)
		goto out;
	rc = DW_OK;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int
dw_invite_token_hash_hex(const char *tok, size_t len, char *out,
    size_t outsz)
{
	unsigned char	h[DW_INVITE_HASH_BYTES];
	int		rc;

	if ((rc = dw_invite_token_check(tok, len)) != DW_OK)
		return rc;
	if (out == NULL || outsz < DW_INVITE_HASH_HEX_LEN + 1)
		return DW_ERR_TOOLONG;
	rc = DW_ERR_CRYPTO;
	if (sodium_init() < 0)
		goto out;
	if (crypto_generichash(h, sizeof(h), (const unsigned char *)tok, len,
	    NULL, 0) != 0)
		goto out;
	/* sodium_bin2hex writes lower-case hex and a NUL. */
	sodium_bin2hex(out, outsz, h, sizeof(h));
	rc = DW_OK;
out:
	sodium_memzero(h, sizeof(h));
	return rc;
}

enum dw_decision
dw_invite_usable(time_t expires, time_t now)
{
	if (now < expires)
		return DW_ALLOW;
	return DW_DENY;
}

bool
dw_invite_expired(time_t expires, time_t now)
{
	return dw_invite_usable(expires, now) != DW_ALLOW;
}

static int
url_char_ok(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("\"'<>\\?#`{}|^", c) == NULL;
}

int
dw_invite_url_check(const char *url, size_t len)
{
	static const char	scheme[] = "https://";
	size_t			i, sl = sizeof(scheme) - 1;

	if (url == NULL)
		return DW_ERR_INVAL;
	if (len > DW_INVITE_URL_MAX)
		return DW_ERR_TOOLONG;
	if (len <= sl || strncmp(url, scheme, sl) != 0)
		return DW_ERR_INVAL;
	for (i = 0; i < len; i++)
		if (!url_char_ok((unsigned char)url[i]))
			return DW_ERR_INVAL;
	/* A host must follow the scheme. */
	if (url[sl] == '/')
		return DW_ERR_INVAL;
	return DW_OK;
}

int
dw_invite_link(const char *url, const char *tok, size_t toklen, char *out,
    size_t outsz)
{
	size_t	ul, pl = sizeof(DW_INVITE_LINK_PATH) - 1;
	int	rc;

	if (url == NULL)
		return DW_ERR_INVAL;
	ul = strlen(url);
	if ((rc = dw_invite_url_check(url, ul)) != DW_OK)
		return rc;
	if (dw_invite_token_check(tok, toklen) != DW_OK)
		return DW_ERR_INVAL;
	while (ul > 0 && url[ul - 1] == '/')
		ul--;
	if (out == NULL || outsz < ul + pl + toklen + 1)
		return DW_ERR_TOOLONG;
	memcpy(out, url, ul);
	memcpy(out + ul, DW_INVITE_LINK_PATH, pl);
	memcpy(out + ul + pl, tok, toklen);
	out[ul + pl + toklen] = '\0';
	return DW_OK;
}
