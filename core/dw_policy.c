/*
 * dw_policy.c: the security policy's values, defaults and validation.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dw_policy.h"
#include "dw_str.h"

enum key_kind {
	KIND_BOOL,	/* bool: "TRUE" / "FALSE" */
	KIND_UINT,	/* unsigned: an LDAP INTEGER in [min, max] */
	KIND_ULONG,	/* unsigned long: the same */
	KIND_CIDR,	/* appended to allow[]: a dw_cidr_parse range */
};

/*
 * The one place the keys are defined: attribute name, kind, field,
 * range and default.  zero_ok: 0 is valid below min (means "off" or
 * "never").
 */
static const struct {
	const char		*attr;
	enum key_kind		 kind;
	size_t			 off;		/* field in struct dw_policy */
	unsigned long long	 min, max;	/* integer keys */
	bool			 zero_ok;
	unsigned long long	 def;
} policy_keys[DW_POL__COUNT] = {
	[DW_POL_MFA_REQUIRED] = { "dwMfaRequired", KIND_BOOL,
	    offsetof(struct dw_policy, mfa_required), 0, 1, true, 0 },
	[DW_POL_IDLE_TIMEOUT] = { "dwSessionIdleTimeout", KIND_UINT,
	    offsetof(struct dw_policy, idle_timeout),
	    DW_POLICY_IDLE_MIN, DW_POLICY_IDLE_MAX, false, 3600 },
	[DW_POL_IP_ALLOWLIST] = { "dwIpAllowlist", KIND_CIDR,
	    offsetof(struct dw_policy, allow), 0, 0, false, 0 },
	[DW_POL_PW_MIN_LENGTH] = { "dwPasswordMinLength", KIND_UINT,
	    offsetof(struct dw_policy, pw_min_length),
	    DW_POLICY_PW_LEN_MIN, DW_POLICY_PW_LEN_MAX, false, 12 },
	[DW_POL_PW_MIN_CLASSES] = { "dwPasswordMinClasses", KIND_UINT,
	    offsetof(struct dw_policy, pw_min_classes),
	    DW_POLICY_PW_CLASSES_MIN, DW_POLICY_PW_CLASSES_MAX, false, 3 },
	[DW_POL_PW_MAX_AGE] = { "dwPasswordMaxAge", KIND_ULONG,
	    offsetof(struct dw_policy, pw_max_age),
	    DW_POLICY_PW_MAX_AGE_MIN, DW_POLICY_PW_MAX_AGE_MAX, true, 0 },
	[DW_POL_INVITE_LIFETIME] = { "dwInviteLifetime", KIND_UINT,
	    offsetof(struct dw_policy, invite_lifetime),
	    DW_POLICY_INVITE_MIN, DW_POLICY_INVITE_MAX, false, 86400 },
	[DW_POL_AUDIT_RETENTION] = { "dwAuditRetentionMonths", KIND_UINT,
	    offsetof(struct dw_policy, audit_retention_months),
	    DW_POLICY_RETENTION_MIN, DW_POLICY_RETENTION_MAX, false, 12 },
	[DW_POL_PW_HISTORY] = { "dwPasswordHistoryCount", KIND_UINT,
	    offsetof(struct dw_policy, pw_history),
	    0, DW_POLICY_HISTORY_MAX, true, 5 },
	[DW_POL_LOCKOUT_THRESHOLD] = { "dwLockoutThreshold", KIND_UINT,
	    offsetof(struct dw_policy, lockout_threshold),
	    DW_POLICY_LOCKOUT_MIN, DW_POLICY_LOCKOUT_MAX, true, 5 },
	[DW_POL_LOCKOUT_WINDOW] = { "dwLockoutWindow", KIND_UINT,
	    offsetof(struct dw_policy, lockout_window),
	    DW_POLICY_WINDOW_MIN, DW_POLICY_WINDOW_MAX, false, 900 },
	[DW_POL_LOCKOUT_DURATION] = { "dwLockoutDuration", KIND_UINT,
	    offsetof(struct dw_policy, lockout_duration),
	    DW_POLICY_WINDOW_MIN, DW_POLICY_WINDOW_MAX, false, 900 },
	[DW_POL_ADDRESS_THROTTLE] = { "dwAddressThrottle", KIND_UINT,
	    offsetof(struct dw_policy, address_throttle),
	    DW_POLICY_THROTTLE_MIN, DW_POLICY_THROTTLE_MAX, true, 30 },
};

/* Store n into key k's field of *p (k is not the allowlist). */
static void
field_store(struct dw_policy *p, enum dw_policy_key k, unsigned long long n)
{
	char	*f = (char *)p + policy_keys[k].off;

	switch (policy_keys[k].kind) {
	case KIND_BOOL:
		*(bool *)(void *)f = n != 0;
		break;
	case KIND_UINT:
		*(unsigned *)(void *)f = (unsigned)n;
		break;
	case KIND_ULONG:
		*(unsigned long *)(void *)f = (unsigned long)n;
		break;
	case KIND_CIDR:
		break;
	}
}

static unsigned long long
field_load(const struct dw_policy *p, enum dw_policy_key k)
{
	const char	*f = (const char *)p + policy_keys[k].off;

	switch (policy_keys[k].kind) {
	case KIND_BOOL:
		return *(const bool *)(const void *)f;
	case KIND_UINT:
		return *(const unsigned *)(const void *)f;
	case KIND_ULONG:
		return *(const unsigned long *)(const void *)f;
	case KIND_CIDR:
		break;
	}
	return 0;
}

void
dw_policy_default(struct dw_policy *p)
{
	size_t	k;

	if (p == NULL)
		return;
	/* nallow 0: everyone is allowed until a range is set. */
	memset(p, 0, sizeof(*p));
	for (k = 0; k < DW_POL__COUNT; k++)
		field_store(p, (enum dw_policy_key)k, policy_keys[k].def);
}

bool
dw_policy_multi(enum dw_policy_key k)
{
	return (unsigned)k < DW_POL__COUNT &&
	    policy_keys[k].kind == KIND_CIDR;
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

int
dw_policy_set(struct dw_policy *p, enum dw_policy_key k,
    const char *v, size_t len)
{
	struct dw_cidr		c;
	unsigned long long	n;
	int			rc;

	if (p == NULL || v == NULL || (unsigned)k >= DW_POL__COUNT)
		return DW_ERR_INVAL;
	switch (policy_keys[k].kind) {
	case KIND_BOOL:
		if (len == 4 && memcmp(v, "TRUE", 4) == 0)
			n = 1;
		else if (len == 5 && memcmp(v, "FALSE", 5) == 0)
			n = 0;
		else
			return DW_ERR_INVAL;
		break;
	case KIND_CIDR:
		if ((rc = dw_cidr_parse(v, len, &c)) != DW_OK)
			return rc;
		if (p->nallow >= DW_POLICY_ALLOW_MAX)
			return DW_ERR_TOOLONG;
		p->allow[p->nallow++] = c;
		return DW_OK;
	case KIND_UINT:
	case KIND_ULONG:
		rc = parse_integer(v, len, policy_keys[k].max, &n);
		if (rc != DW_OK)
			return rc;
		if (n < policy_keys[k].min &&
		    !(n == 0 && policy_keys[k].zero_ok))
			return DW_ERR_RANGE;
		break;
	default:
		return DW_ERR_INVAL;
	}
	field_store(p, k, n);
	return DW_OK;
}

int
dw_policy_format(const struct dw_policy *p, enum dw_policy_key k,
    char *out, size_t outsz)
{
	char			buf[32];
	unsigned long long	n;
	int			len;

	if (p == NULL || out == NULL || (unsigned)k >= DW_POL__COUNT)
		return DW_ERR_INVAL;
	switch (policy_keys[k].kind) {
	case KIND_BOOL:
		len = snprintf(buf, sizeof(buf), "%s",
		    field_load(p, k) ? "TRUE" : "FALSE");
		break;
	case KIND_UINT:
	case KIND_ULONG:
		n = field_load(p, k);
		len = snprintf(buf, sizeof(buf), "%llu", n);
		break;
	default:
		/* Multi-valued: the caller formats p->allow[i]. */
		return DW_ERR_INVAL;
	}
	if (len < 0 || (size_t)len >= sizeof(buf))
		return DW_ERR_INVAL;
	if ((size_t)len >= outsz)
		return DW_ERR_TOOLONG;
	memcpy(out, buf, (size_t)len + 1);
	return DW_OK;
}

void
dw_policy_pw_rules(const struct dw_policy *p, struct dw_pw_rules *r)
{
	if (p == NULL || r == NULL)
		return;
	memset(r, 0, sizeof(*r));
	r->min_length = p->pw_min_length;
	r->min_classes = p->pw_min_classes;
}

void
dw_policy_lockout_rules(const struct dw_policy *p,
    struct dw_lockout_rules *r)
{
	if (p == NULL || r == NULL)
		return;
	memset(r, 0, sizeof(*r));
	r->threshold = p->lockout_threshold;
	r->window = p->lockout_window;
	r->duration = p->lockout_duration;
}
