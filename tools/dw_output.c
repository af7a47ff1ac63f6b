/*
 * dw_output.c: output helpers: JSON strings (RFC 8259), text made safe
 * for a terminal, GeneralizedTime shown as ISO 8601.
 *
 * Directory values are untrusted: a name may carry escape sequences or
 * invalid UTF-8.  Neither reaches a terminal or a JSON document as is.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dw_time.h"
#include "dwadm.h"

/*
 * Decode one UTF-8 sequence at s (len > 0 bytes left).  Returns the code
 * point and sets *adv, or returns -1 (invalid: overlong, surrogate, out
 * of range, truncated) with *adv = 1.
 */
static long
utf8_next(const unsigned char *s, size_t len, size_t *adv)
{
	unsigned long	cp;
	size_t		need, i;

	*adv = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		cp = s[0] & 0x07;
	} else
		return -1;
	if (len < need + 1)
		return -1;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*adv = need + 1;
	return (long)cp;
}

void
dwadm_json_str(FILE *f, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 len, i, adv;
	long			 cp;

	if (str == NULL) {
		(void)fputs("null", f);
		return;
	}
	len = strlen(str);
	(void)fputc('"', f);
	for (i = 0; i < len; i += adv) {
		cp = utf8_next(s + i, len - i, &adv);
		if (cp < 0)
			(void)fputs("\\ufffd", f);
		else if (cp == '"')
			(void)fputs("\\\"", f);
		else if (cp == '\\')
			(void)fputs("\\\\", f);
		else if (cp == '\n')
			(void)fputs("\\n", f);
		else if (cp == '\t')
			(void)fputs("\\t", f);
		else if (cp < 0x20 || cp == 0x7f)
			(void)fprintf(f, "\\u%04lx", (unsigned long)cp);
		else
			(void)fwrite(s + i, 1, adv, f);
	}
	(void)fputc('"', f);
}

/* Code points that could drive or mislead a terminal: C0, DEL, C1, the
 * line and paragraph separators and the bidirectional controls (which
 * reorder what follows them on the line). */
static bool
term_control(long cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    cp == 0x061c || cp == 0x200e || cp == 0x200f || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

size_t
dwadm_term_clean(const char *str, char *out, size_t outsz)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 len, i, adv, n = 0, width = 0;
	long			 cp;

	if (outsz == 0)
		return 0;
	len = strlen(str);
	for (i = 0; i < len; i += adv) {
		cp = utf8_next(s + i, len - i, &adv);
		if (term_control(cp)) {
			if (n + 1 >= outsz)
				break;
			out[n++] = '?';
		} else {
			if (n + adv >= outsz)
				break;
			memcpy(out + n, s + i, adv);
			n += adv;
		}
		width++;
	}
	out[n] = '\0';
	return width;
}

bool
dwadm_text_ok(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 len, i, adv;
	long			 cp;

	len = strlen(str);
	for (i = 0; i < len; i += adv) {
		cp = utf8_next(s + i, len - i, &adv);
		if (term_control(cp))
			return false;
	}
	return true;
}

void
dwadm_time_iso(const char *gentime, char *out, size_t outsz)
{
	struct tm	tm;
	time_t		t;

	if (dw_gentime_parse(gentime, strlen(gentime), &t) == DW_OK &&
	    gmtime_r(&t, &tm) != NULL &&
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		return;
	(void)snprintf(out, outsz, "%s", gentime);
}

void
dwadm_json_time(const char *gentime)
{
	char	when[64];

	if (gentime == NULL) {
		dwadm_json_str(stdout, NULL);
		return;
	}
	dwadm_time_iso(gentime, when, sizeof(when));
	dwadm_json_str(stdout, when);
}

void
dwadm_cell(const char *s, size_t width, bool last)
{
	char	buf[DWADM_CELL_MAX];
	size_t	w;

	w = dwadm_term_clean(s != NULL ? s : "-", buf, sizeof(buf));
	(void)fputs(buf, stdout);
	if (last) {
		(void)fputc('\n', stdout);
		return;
	}
	while (w++ < width + 2)
		(void)fputc(' ', stdout);
}

size_t
dwadm_cell_width(const char *s)
{
	char	buf[DWADM_CELL_MAX];

	return dwadm_term_clean(s != NULL ? s : "-", buf, sizeof(buf));
}
