/*
 * dw_email.c: validation and normalisation of admin e-mail addresses.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_email.h"
#include "dw_str.h"

#define LOCAL_MAX	64
#define DOMAIN_MAX	253
#define LABEL_MAX	63

static int
is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
local_ok(const char *s, size_t len)
{
	size_t	i;
	char	c;

	if (len == 0 || len > LOCAL_MAX)
		return 0;
	if (s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '.' && s[i + 1] == '.')
			return 0;
		if (!is_alnum_lower(c) && c != '.' && c != '_' && c != '%' &&
		    c != '+' && c != '-')
			return 0;
	}
	return 1;
}

static int
domain_ok(const char *s, size_t len)
{
	size_t	i, label = 0, labels = 0;
	char	c;

	if (len == 0 || len > DOMAIN_MAX)
		return 0;
	for (i = 0; i <= len; i++) {
		c = i < len ? s[i] : '.';
		if (c == '.') {
			if (label == 0 || label > LABEL_MAX ||
			    s[i - 1] == '-')
				return 0;
			labels++;
			label = 0;
			continue;
		}
		if (!is_alnum_lower(c) && c != '-')
			return 0;
		if (label == 0 && c == '-')
			return 0;
		label++;
	}
	return labels >= 2;
}

int
dw_email_normalize(const char *in, size_t len, char *out, size_t outsz)
{
	char	buf[DW_EMAIL_MAX + 1];
	char	*at;
	size_t	i;
	int	rc = DW_ERR_INVAL;

	if (in == NULL || out == NULL || len == 0)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (len > DW_EMAIL_MAX || outsz < len + 1)
		goto out;
	rc = DW_ERR_INVAL;
	for (i = 0; i < len; i++)
		buf[i] = dw_ascii_lower(in[i]);
	buf[len] = '\0';
	/* A NUL byte, or any byte outside the allowed sets, fails below. */
	if ((at = memchr(buf, '@', len)) == NULL ||
	    memchr(at + 1, '@', len - (size_t)(at - buf) - 1) != NULL)
		goto out;
	if (!local_ok(buf, (size_t)(at - buf)) ||
	    !domain_ok(at + 1, len - (size_t)(at - buf) - 1))
		goto out;
	memcpy(out, buf, len + 1);
	rc = DW_OK;
out:
	return rc;
}
