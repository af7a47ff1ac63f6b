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
 * dwPasswordHistoryCount  passwords remembered       5          0..24
 * dwLockoutThreshold  failed logins; 0 = off         5          0, 3..100
 * dwLockoutWindow    seconds failures are counted    900        60..86400
 * dwLockoutDuration  seconds of the first lock       900        60..86400
 * dwAddressThrottle  failures per address per window 30         0, 5..10000
 *
 * Integers are LDAP INTEGERs (no '+', no leading zero); a negative or
 * too large one is DW_ERR_RANGE.  Booleans are exactly "TRUE" or "FALSE".
 * The password max age is capped at 100 years so that adding it to a
 * time cannot overflow.  An allowlist value is an IPv4 or IPv6 range as
 * dw_cidr_parse() takes it (host bits set: refused); at most
 * DW_POLICY_ALLOW_MAX values.
 */
#ifndef DW_POLICY_H
#define DW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_cidr.h"
#include "dw_lockout.h"
#include "dw_passwd.h"
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
#define DW_POLICY_HISTORY_MAX		24
#define DW_POLICY_LOCKOUT_MIN		3		/* or 0 = off */
#define DW_POLICY_LOCKOUT_MAX		100
#define DW_POLICY_WINDOW_MIN		60
#define DW_POLICY_WINDOW_MAX		86400
#define DW_POLICY_THROTTLE_MIN		5		/* or 0 = off */
#define DW_POLICY_THROTTLE_MAX		10000
#define DW_POLICY_ALLOW_MAX		256

struct dw_policy {
	bool mfa_required;
	unsigned idle_timeout;		/* seconds */
	unsigned pw_min_length;
	unsigned pw_min_classes;
	unsigned long pw_max_age;	/* seconds; 0 = never */
	unsigned invite_lifetime;	/* seconds */
	unsigned audit_retention_months;
	unsigned pw_history;		/* passwords remembered */
	unsigned lockout_threshold;	/* 0 = off */
	unsigned lockout_window;	/* seconds */
	unsigned lockout_duration;	/* seconds */
	unsigned address_throttle;	/* 0 = off */
	size_t nallow;			/* 0 = everyone */
	struct dw_cidr allow[DW_POLICY_ALLOW_MAX];
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
	DW_POL_PW_HISTORY,
	DW_POL_LOCKOUT_THRESHOLD,
	DW_POL_LOCKOUT_WINDOW,
	DW_POL_LOCKOUT_DURATION,
	DW_POL_ADDRESS_THROTTLE,
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
 * Validate one stored value of key k and apply it to *p.  For the
 * allowlist (multi-valued) each call appends one range (DW_ERR_TOOLONG
 * past DW_POLICY_ALLOW_MAX; dw_policy_default leaves it empty).
 * DW_ERR_INVAL for a malformed value, DW_ERR_RANGE out of range; *p
 * unchanged then.
 */
int dw_policy_set(struct dw_policy *p, enum dw_policy_key k,
    const char *v, size_t len);

/* Write the LDAP form of key k's value from *p into out ("TRUE", "3600").
 * DW_ERR_INVAL for DW_POL_IP_ALLOWLIST (multi-valued: use
 * dw_cidr_format on p->allow[i]), DW_ERR_TOOLONG when out is too small. */
int dw_policy_format(const struct dw_policy *p, enum dw_policy_key k,
    char *out, size_t outsz);

/* Is key k multi-valued (only the allowlist)? */
bool dw_policy_multi(enum dw_policy_key k);

/* The password rules and the lockout rules of a policy. */
void dw_policy_pw_rules(const struct dw_policy *p, struct dw_pw_rules *r);
void dw_policy_lockout_rules(const struct dw_policy *p,
    struct dw_lockout_rules *r);

#endif
