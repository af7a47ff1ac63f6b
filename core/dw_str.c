/*
 * dw_str.c: locale-independent ASCII helpers.  The host process (slapd, a
 * PAM application) may run in any locale: tolower() and strcasecmp() could
 * then fold non-ASCII bytes or Turkish dotless i, so the core never uses
 * them for names and keywords.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_str.h"

char
dw_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

int
dw_ascii_caseprefix(const char *s, size_t len, const char *lit)
{
	size_t	i, n = strlen(lit);

	if (s == NULL || len < n)
		return 0;
	for (i = 0; i < n; i++)
		if (dw_ascii_lower(s[i]) != dw_ascii_lower(lit[i]))
			return 0;
	return 1;
}

int
dw_ascii_caseeq(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && dw_ascii_caseprefix(s, len, lit);
}
