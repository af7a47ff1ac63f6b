/*
 * dw_cidr.c: strict IPv4/IPv6 address and CIDR range parsing and
 * matching for the allowlist and the trusted portal hosts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dw_cidr.h"

/* The ::ffff:0:0/96 prefix of IPv4-mapped IPv6 addresses. */
static const unsigned char mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/*
 * Only the characters an address can hold reach inet_pton: it is strict
 * already, but this keeps spaces, brackets, zone ids ("%eth0") and NULs
 * out whatever the C library accepts.
 */
static int
addr_chars_ok(const char *s, size_t len)
{
	size_t	i;
	char	c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == '.' || c == ':'))
			return 0;
	}
	return 1;
}

int
dw_addr_parse(const char *s, size_t len, struct dw_addr *out)
{
	char		text[INET6_ADDRSTRLEN];
	struct dw_addr	a;

	if (s == NULL || out == NULL || len == 0 || len >= sizeof(text) ||
	    !addr_chars_ok(s, len))
		return DW_ERR_INVAL;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(&a, 0, sizeof(a));
	if (memchr(text, ':', len) == NULL) {
		if (inet_pton(AF_INET, text, a.bytes) != 1)
			return DW_ERR_INVAL;
		a.family = AF_INET;
	} else {
		if (inet_pton(AF_INET6, text, a.bytes) != 1)
			return DW_ERR_INVAL;
		a.family = AF_INET6;
		/* A dual-stack listener reports IPv4 clients mapped. */
		if (memcmp(a.bytes, mapped_prefix,
		    sizeof(mapped_prefix)) == 0) {
			memmove(a.bytes, a.bytes + 12, 4);
			memset(a.bytes + 4, 0, 12);
			a.family = AF_INET;
		}
	}
	*out = a;
	return DW_OK;
}

static unsigned
family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Is any bit at or after position prefix set in bytes[0..bits/8)? */
static int
host_bits_set(const unsigned char *bytes, unsigned prefix, unsigned bits)
{
	unsigned	i;

	for (i = prefix; i < bits; i++)
		if (bytes[i / 8] & (0x80 >> (i % 8)))
			return 1;
	return 0;
}

int
dw_cidr_parse(const char *s, size_t len, struct dw_cidr *out)
{
	struct dw_cidr	 c;
	const char	*slash, *p;
	size_t		 alen, plen, i;
	unsigned	 prefix, bits;
	int		 rc;

	if (s == NULL || out == NULL || len == 0)
		return DW_ERR_INVAL;
	memset(&c, 0, sizeof(c));
	slash = memchr(s, '/', len);
	alen = slash != NULL ? (size_t)(slash - s) : len;
	/* Parse the address without the IPv4-mapped folding first: the
	 * prefix of a mapped range counts in IPv6 bits. */
	if ((rc = dw_addr_parse(s, alen, &c.addr)) != DW_OK)
		return rc;
	if (memchr(s, ':', alen) != NULL) {
		char	text[INET6_ADDRSTRLEN];

		memcpy(text, s, alen);
		text[alen] = '\0';
		if (inet_pton(AF_INET6, text, c.addr.bytes) != 1)
			return DW_ERR_INVAL;
		c.addr.family = AF_INET6;
	}
	bits = family_bits(c.addr.family);
	prefix = bits;
	if (slash != NULL) {
		p = slash + 1;
		plen = len - alen - 1;
		if (plen == 0 || (p[0] == '0' && plen > 1))
			return DW_ERR_INVAL;
		for (i = 0; i < plen; i++)
			if (p[i] < '0' || p[i] > '9')
				return DW_ERR_INVAL;
		/* Well-formed but too many digits: out of range. */
		if (plen > 3)
			return DW_ERR_RANGE;
		prefix = 0;
		for (i = 0; i < plen; i++)
			prefix = prefix * 10 + (unsigned)(p[i] - '0');
		if (prefix > bits)
			return DW_ERR_RANGE;
	}
	if (host_bits_set(c.addr.bytes, prefix, bits))
		return DW_ERR_INVAL;
	/* ::ffff:10.0.0.0/104 is 10.0.0.0/8.  Its prefix is 96 or more,
	 * as the mapped prefix's ones would otherwise be host bits. */
	if (c.addr.family == AF_INET6 && prefix >= 96 &&
	    memcmp(c.addr.bytes, mapped_prefix, sizeof(mapped_prefix)) == 0) {
		memmove(c.addr.bytes, c.addr.bytes + 12, 4);
		memset(c.addr.bytes + 4, 0, 12);
		c.addr.family = AF_INET;
		prefix -= 96;
	}
	c.prefix = prefix;
	*out = c;
	return DW_OK;
}

int
dw_cidr_format(const struct dw_cidr *c, char *out, size_t outsz)
{
	char	addr[INET6_ADDRSTRLEN];
	char	buf[DW_CIDR_TEXT_MAX];
	int	len;

	if (c == NULL || out == NULL ||
	    (c->addr.family != AF_INET && c->addr.family != AF_INET6) ||
	    c->prefix > family_bits(c->addr.family))
		return DW_ERR_INVAL;
	if (inet_ntop(c->addr.family, c->addr.bytes, addr,
	    sizeof(addr)) == NULL)
		return DW_ERR_INVAL;
	len = snprintf(buf, sizeof(buf), "%s/%u", addr, c->prefix);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return DW_ERR_INVAL;
	if ((size_t)len >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, buf, (size_t)len + 1);
	return DW_OK;
}

int
dw_addr_format(const struct dw_addr *a, char *out, size_t outsz)
{
	char	buf[INET6_ADDRSTRLEN];
	size_t	len;

	if (a == NULL || out == NULL ||
	    (a->family != AF_INET && a->family != AF_INET6) ||
	    inet_ntop(a->family, a->bytes, buf, sizeof(buf)) == NULL)
		return DW_ERR_INVAL;
	len = strlen(buf);
	if (len >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, buf, len + 1);
	return DW_OK;
}

bool
dw_cidr_match(const struct dw_cidr *c, const struct dw_addr *a)
{
	unsigned	full, rest;

	if (c == NULL || a == NULL || c->addr.family != a->family ||
	    (a->family != AF_INET && a->family != AF_INET6) ||
	    c->prefix > family_bits(a->family))
		return false;
	full = c->prefix / 8;
	rest = c->prefix % 8;
	if (memcmp(c->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest != 0) {
		unsigned char	mask = (unsigned char)(0xff << (8 - rest));

		if ((c->addr.bytes[full] & mask) != (a->bytes[full] & mask))
			return false;
	}
	return true;
}

enum dw_decision
dw_allowlist_check(const struct dw_cidr *list, size_t n, const char *addr,
    size_t addrlen)
{
	struct dw_addr	a;
	size_t		i;

	if (n == 0)
		return DW_ALLOW;
	if (list == NULL || addr == NULL ||
	    dw_addr_parse(addr, addrlen, &a) != DW_OK)
		return DW_DENY;
	for (i = 0; i < n; i++)
		if (dw_cidr_match(&list[i], &a))
			return DW_ALLOW;
	return DW_DENY;
}
