/*
 * dw_policy.h: the organisation-wide security policy (cn=security,
 * ou=policy) as values, their defaults and their validation.
 *
 * Attribute          meaning                         default    range
 * dwMfaRequired      TRUE/FALSE                      FALSE
 * dwSessionIdleTimeout  seconds                      3600       60..86400
 * dwIpAllowlist      CIDR, repeatable; none=everyone (none)
 * dwPasswordMinLength   characters                   12         8..256
 * dwPasswordMinClasses  of lower/upper/digit/other   3          1..4
 * dwPasswordMaxAge   seconds, 0 = never              0          0, 86400..
 *                                                               3153600000
 * dwInviteLifetime   seconds                         86400      300..2592000
 * dwAuditRetentionMonths  calendar months            12         1..120
 *
 * Integers are LDAP INTEGERs (no '+', no leading zero); a negative or
 * too large one is DW_ERR_RANGE.  Booleans are exactly "TRUE" or "FALSE".
 * The password max age is capped at 100 years so that adding it to a
 * time cannot overflow.  An allowlist value is an IPv4 or IPv6 address
 * with an optional "/prefix" and no host bits set.
 */
#ifndef DW_POLICY_H
#define DW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_err.h"

#define DW_POLICY_IDLE_MIN		60
#define DW_POLICY_IDLE_MAX		86400
#define DW_POLICY_PW_LEN_MIN		8
#define DW_POLICY_PW_LEN_MAX		256
#define DW_POLICY_PW_CLASSES_MIN	1
#define DW_POLICY_PW_CLASSES_MAX	4
#define DW_POLICY_PW_MAX_AGE_MIN	86400		/* or 0 = never */
#define DW_POLICY_PW_MAX_AGE_MAX	3153600000UL	/* 100 years */
#define DW_POLICY_INVITE_MIN		300
#define DW_POLICY_INVITE_MAX		2592000
#define DW_POLICY_RETENTION_MIN		1
#define DW_POLICY_RETENTION_MAX		120

struct dw_policy {
	bool mfa_required;
	unsigned idle_timeout;		/* seconds */
	unsigned pw_min_length;
	unsigned pw_min_classes;
	unsigned long pw_max_age;	/* seconds; 0 = never */
	unsigned invite_lifetime;	/* seconds */
	unsigned audit_retention_months;
};

enum dw_policy_key {
	DW_POL_MFA_REQUIRED,
	DW_POL_IDLE_TIMEOUT,
	DW_POL_IP_ALLOWLIST,
	DW_POL_PW_MIN_LENGTH,
	DW_POL_PW_MIN_CLASSES,
	DW_POL_PW_MAX_AGE,
	DW_POL_INVITE_LIFETIME,
	DW_POL_AUDIT_RETENTION,
	DW_POL__COUNT
};

void dw_policy_default(struct dw_policy *p);

/* LDAP attribute name of a key ("dwMfaRequired", ...). */
const char *dw_policy_attr(enum dw_policy_key k);

/* Key from an attribute name (ASCII case-insensitive); DW_ERR_NOTFOUND
 * for a name that is no policy attribute. */
int dw_policy_key_from_attr(const char *name, size_t len,
    enum dw_policy_key *out);

/*
 * Validate one stored value of key k and apply it to *p (the allowlist
 * is not held in struct dw_policy; its values are only validated here,
 * as CIDR syntax).  DW_ERR_INVAL for a malformed value, DW_ERR_RANGE out
 * of range; *p unchanged then.
 */
int dw_policy_set(struct dw_policy *p, enum dw_policy_key k,
    const char *v, size_t len);

/* Write the LDAP form of key k's value from *p into out ("TRUE", "3600").
 * DW_ERR_INVAL for DW_POL_IP_ALLOWLIST (not held in *p), DW_ERR_TOOLONG
 * when out is too small. */
int dw_policy_format(const struct dw_policy *p, enum dw_policy_key k,
    char *out, size_t outsz);

#endif
