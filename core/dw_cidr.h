/*
 * dw_cidr.h: IPv4 and IPv6 addresses and CIDR ranges, strictly parsed,
 * for the IP allowlist (policy) and the overlay's trusted portal hosts.
 *
 * Parsing uses inet_pton only: no name lookups, ever.  A range is
 * "ADDRESS" (a single host: /32 or /128) or "ADDRESS/PREFIX" where PREFIX
 * is 0..32 for IPv4 and 0..128 for IPv6, in decimal without sign, leading
 * zeros or spaces.  Host bits set below the prefix ("10.0.0.1/8") are
 * refused (DW_ERR_INVAL): a range means what it says, or it is an error.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are taken as the IPv4
 * address, both as client addresses and in ranges (::ffff:10.0.0.0/104 is
 * 10.0.0.0/8), so that a dual-stack listener matches IPv4 ranges.
 */
#ifndef DW_CIDR_H
#define DW_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_err.h"

/* Longest text form of a range: an IPv6 address, '/', 3 digits, NUL. */
#define DW_CIDR_TEXT_MAX	(46 + 5)

struct dw_addr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	bytes[16];	/* 4 used for AF_INET */
};

struct dw_cidr {
	struct dw_addr	addr;		/* host bits are zero */
	unsigned	prefix;		/* 0..32 or 0..128 */
};

/*
 * A client address: a bare IPv4 or IPv6 address (no prefix, no port, no
 * brackets, no zone "%eth0"); IPv4-mapped IPv6 becomes AF_INET.
 * DW_ERR_INVAL for anything else ("localhost", "LOCAL", "", "1.2.3").
 */
int dw_addr_parse(const char *s, size_t len, struct dw_addr *out);

/* a in canonical text (inet_ntop): DW_ERR_INVAL for a bad family,
 * DW_ERR_TOOLONG if out is too small. */
int dw_addr_format(const struct dw_addr *a, char *out, size_t outsz);

/* A range as described above; DW_ERR_INVAL (malformed, host bits set),
 * DW_ERR_RANGE (prefix above the family's width). */
int dw_cidr_parse(const char *s, size_t len, struct dw_cidr *out);

/* Text form of a range ("10.0.0.0/8", "2001:db8::/32"). */
int dw_cidr_format(const struct dw_cidr *c, char *out, size_t outsz);

/* Is a inside c?  Different families never match. */
bool dw_cidr_match(const struct dw_cidr *c, const struct dw_addr *a);

/*
 * The allowlist rule: n == 0 allows everyone (even a NULL or unparsable
 * address); otherwise the address text must parse (dw_addr_parse) and
 * fall inside one of the ranges.
 */
enum dw_decision dw_allowlist_check(const struct dw_cidr *list, size_t n,
    const char *addr, size_t addrlen);

#endif
