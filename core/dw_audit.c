/*
 * dw_audit.c: audit entry identifiers and the client address of a record.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "dw_audit.h"

#define AUDIT_SERVER_ID_MAX	999u
#define AUDIT_SEQ_MAX		9999999999ull

int
dw_audit_id_format(time_t t, long usec, unsigned server_id,
    unsigned long seq, char *out, size_t outsz)
{
	struct tm	tm;
	char		buf[DW_AUDIT_ID_MAX];
	int		n, rc = DW_ERR_INVAL;

	if (out == NULL)
		goto out;
	rc = DW_ERR_RANGE;
	if (usec < 0 || usec > 999999 || server_id > AUDIT_SERVER_ID_MAX ||
	    (unsigned long long)seq > AUDIT_SEQ_MAX)
		goto out;
	if (gmtime_r(&t, &tm) == NULL)
		goto out;
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		goto out;
	n = snprintf(buf, sizeof(buf),
	    "%04d%02d%02d%02d%02d%02d%06ld-%03u-%010lu",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, usec, server_id, seq);
	if (n < 0 || (size_t)n >= sizeof(buf))
		goto out;
	rc = DW_ERR_TOOLONG;
	if ((size_t)n >= outsz)
		goto out;
	memcpy(out, buf, (size_t)n + 1);
	rc = DW_OK;
out:
	return rc;
}

static int
copy_out(const char *s, char *out, size_t outsz)
{
	size_t	n = strlen(s);

	if (n >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, s, n + 1);
	return DW_OK;
}

static int
all_digits(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * slapd names a peer "IP=a.b.c.d:port", "IP=[v6]:port" or "PATH=socket".
 * The address is checked with inet_pton and written back in its canonical
 * form by inet_ntop, so that nothing but an address reaches the record.
 */
int
dw_peer_to_addr(const char *peer, size_t len, char *out, size_t outsz)
{
	char		 buf[INET6_ADDRSTRLEN];
	char		 addr[INET6_ADDRSTRLEN];
	unsigned char	 bin[sizeof(struct in6_addr)];
	const char	*p, *end, *colon;
	size_t		 alen;
	int		 af;

	if (out == NULL)
		return DW_ERR_INVAL;
	if (peer == NULL || len == 0 || memchr(peer, '\0', len) != NULL)
		return copy_out("unknown", out, outsz);
	if (len >= 5 && memcmp(peer, "PATH=", 5) == 0)
		return copy_out("ldapi", out, outsz);
	if (len < 4 || memcmp(peer, "IP=", 3) != 0)
		return copy_out("unknown", out, outsz);
	p = peer + 3;
	end = peer + len;
	if (*p == '[') {
		af = AF_INET6;
		p++;
		if ((colon = memchr(p, ']', (size_t)(end - p))) == NULL)
			return copy_out("unknown", out, outsz);
		alen = (size_t)(colon - p);
		colon++;
		if (colon != end && (*colon != ':' ||
		    !all_digits(colon + 1, (size_t)(end - colon - 1))))
			return copy_out("unknown", out, outsz);
	} else {
		af = AF_INET;
		colon = memchr(p, ':', (size_t)(end - p));
		alen = colon != NULL ? (size_t)(colon - p) : (size_t)(end - p);
		if (colon != NULL &&
		    !all_digits(colon + 1, (size_t)(end - colon - 1)))
			return copy_out("unknown", out, outsz);
	}
	if (alen == 0 || alen >= sizeof(addr))
		return copy_out("unknown", out, outsz);
	memcpy(addr, p, alen);
	addr[alen] = '\0';
	if (inet_pton(af, addr, bin) != 1 ||
	    inet_ntop(af, bin, buf, sizeof(buf)) == NULL)
		return copy_out("unknown", out, outsz);
	return copy_out(buf, out, outsz);
}
