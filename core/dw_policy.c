/*
 * dw_policy.c: the security policy's values, defaults and validation.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "dw_policy.h"
#include "dw_str.h"

#define CIDR_TEXT_MAX	(INET6_ADDRSTRLEN + 4)

static const struct {
	const char		*attr;
	unsigned long long	 min, max;	/* integer keys */
} policy_keys[DW_POL__COUNT] = {
	[DW_POL_MFA_REQUIRED] = { "dwMfaRequired", 0, 0 },
	[DW_POL_IDLE_TIMEOUT] = { "dwSessionIdleTimeout",
	    DW_POLICY_IDLE_MIN, DW_POLICY_IDLE_MAX },
	[DW_POL_IP_ALLOWLIST] = { "dwIpAllowlist", 0, 0 },
	[DW_POL_PW_MIN_LENGTH] = { "dwPasswordMinLength",
	    DW_POLICY_PW_LEN_MIN, DW_POLICY_PW_LEN_MAX },
	[DW_POL_PW_MIN_CLASSES] = { "dwPasswordMinClasses",
	    DW_POLICY_PW_CLASSES_MIN, DW_POLICY_PW_CLASSES_MAX },
	[DW_POL_PW_MAX_AGE] = { "dwPasswordMaxAge",
	    DW_POLICY_PW_MAX_AGE_MIN, DW_POLICY_PW_MAX_AGE_MAX },
	[DW_POL_INVITE_LIFETIME] = { "dwInviteLifetime",
	    DW_POLICY_INVITE_MIN, DW_POLICY_INVITE_MAX },
	[DW_POL_AUDIT_RETENTION] = { "dwAuditRetentionMonths",
	    DW_POLICY_RETENTION_MIN, DW_POLICY_RETENTION_MAX },
};

void
dw_policy_default(struct dw_policy *p)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof(*p));
	p->mfa_required = false;
	p->idle_timeout = 3600;
	p->pw_min_length = 12;
	p->pw_min_classes = 3;
	p->pw_max_age = 0;
	p->invite_lifetime = 86400;
	p->audit_retention_months = 12;
}

const char *
dw_policy_attr(enum dw_policy_key k)
{
	if ((unsigned)k >= DW_POL__COUNT)
		return "invalid";
	return policy_keys[k].attr;
}

int
dw_policy_key_from_attr(const char *name, size_t len,
    enum dw_policy_key *out)
{
	size_t	i;

	if (name == NULL || out == NULL)
		return DW_ERR_INVAL;
	for (i = 0; i < DW_POL__COUNT; i++) {
		if (dw_ascii_caseeq(name, len, policy_keys[i].attr)) {
			*out = (enum dw_policy_key)i;
			return DW_OK;
		}
	}
	return DW_ERR_NOTFOUND;
}

/*
 * An LDAP INTEGER (RFC 4517: optional '-', digits, no leading zero).
 * Malformed: DW_ERR_INVAL.  Negative or above max: DW_ERR_RANGE.
 */
static int
parse_integer(const char *v, size_t len, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long	n = 0;
	size_t			i = 0;
	unsigned		d;
	int			neg = 0, over = 0;

	if (len > 0 && v[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return DW_ERR_INVAL;
	if (v[i] == '0' && (len - i > 1 || neg))
		return DW_ERR_INVAL;
	for (; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return DW_ERR_INVAL;
		d = (unsigned)(v[i] - '0');
		if (over || n > max / 10 || (n == max / 10 && d > max % 10))
			over = 1;
		else
			n = n * 10 + d;
	}
	if (neg || over)
		return DW_ERR_RANGE;
	*out = n;
	return DW_OK;
}

/*
 * An allowlist entry: an IPv4 or IPv6 address with an optional "/prefix"
 * (decimal, no leading zero, at most 32 or 128) and no host bits set.
 */
static int
cidr_check(const char *v, size_t len)
{
	char			 text[CIDR_TEXT_MAX];
	unsigned char		 bin[sizeof(struct in6_addr)];
	unsigned long long	 prefix;
	const char		*slash;
	size_t			 alen, bits, i;
	int			 af, rc;

	if (len == 0 || memchr(v, '\0', len) != NULL)
		return DW_ERR_INVAL;
	slash = memchr(v, '/', len);
	alen = slash != NULL ? (size_t)(slash - v) : len;
	if (alen == 0 || alen >= sizeof(text))
		return DW_ERR_INVAL;
	memcpy(text, v, alen);
	text[alen] = '\0';
	af = memchr(text, ':', alen) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, text, bin) != 1)
		return DW_ERR_INVAL;
	bits = af == AF_INET ? 32 : 128;
	if (slash == NULL)
		return DW_OK;
	if (slash + 1 == v + len || slash[1] == '-')
		return DW_ERR_INVAL;
	rc = parse_integer(slash + 1, len - alen - 1, bits, &prefix);
	if (rc != DW_OK)
		return rc;
	for (i = (size_t)prefix; i < bits; i++)
		if (bin[i / 8] & (0x80 >> (i % 8)))
			return DW_ERR_INVAL;
	return DW_OK;
}

int
dw_policy_set(struct dw_policy *p, enum dw_policy_key k,
    const char *v, size_t len)
{
	unsigned long long	n;
	int			rc;

	if (p == NULL || v == NULL || (unsigned)k >= DW_POL__COUNT)
		return DW_ERR_INVAL;
	switch (k) {
	case DW_POL_MFA_REQUIRED:
		if (len == 4 && memcmp(v, "TRUE", 4) == 0)
			p->mfa_required = true;
		else if (len == 5 && memcmp(v, "FALSE", 5) == 0)
			p->mfa_required = false;
		else
			return DW_ERR_INVAL;
		return DW_OK;
	case DW_POL_IP_ALLOWLIST:
		return cidr_check(v, len);
	default:
		break;
	}
	if ((rc = parse_integer(v, len, policy_keys[k].max, &n)) != DW_OK)
		return rc;
	if (n < policy_keys[k].min &&
	    !(k == DW_POL_PW_MAX_AGE && n == 0))
		return DW_ERR_RANGE;
	switch (k) {
	case DW_POL_IDLE_TIMEOUT:
		p->idle_timeout = (unsigned)n;
		break;
	case DW_POL_PW_MIN_LENGTH:
		p->pw_min_length = (unsigned)n;
		break;
	case DW_POL_PW_MIN_CLASSES:
		p->pw_min_classes = (unsigned)n;
		break;
	case DW_POL_PW_MAX_AGE:
		p->pw_max_age = (unsigned long)n;
		break;
	case DW_POL_INVITE_LIFETIME:
		p->invite_lifetime = (unsigned)n;
		break;
	case DW_POL_AUDIT_RETENTION:
		p->audit_retention_months = (unsigned)n;
		break;
	default:
		return DW_ERR_INVAL;
	}
	return DW_OK;
}

int
dw_policy_format(const struct dw_policy *p, enum dw_policy_key k,
    char *out, size_t outsz)
{
	char			buf[32];
	unsigned long long	n;
	int			len;

	if (p == NULL || out == NULL)
		return DW_ERR_INVAL;
	switch (k) {
	case DW_POL_MFA_REQUIRED:
		len = snprintf(buf, sizeof(buf), "%s",
		    p->mfa_required ? "TRUE" : "FALSE");
		goto copy;
	case DW_POL_IDLE_TIMEOUT:
		n = p->idle_timeout;
		break;
	case DW_POL_PW_MIN_LENGTH:
		n = p->pw_min_length;
		break;
	case DW_POL_PW_MIN_CLASSES:
		n = p->pw_min_classes;
		break;
	case DW_POL_PW_MAX_AGE:
		n = p->pw_max_age;
		break;
	case DW_POL_INVITE_LIFETIME:
		n = p->invite_lifetime;
		break;
	case DW_POL_AUDIT_RETENTION:
		n = p->audit_retention_months;
		break;
	default:
		/* The allowlist is not held in struct dw_policy. */
		return DW_ERR_INVAL;
	}
	len = snprintf(buf, sizeof(buf), "%llu", n);
copy:
	if (len < 0 || (size_t)len >= sizeof(buf))
		return DW_ERR_INVAL;
	if ((size_t)len >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, buf, (size_t)len + 1);
	return DW_OK;
}
