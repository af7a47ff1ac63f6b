/*
 * test_policy.c: security policy values, defaults and validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dw_policy.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

static const char *const attrs[DW_POL__COUNT] = {
	"dwMfaRequired", "dwSessionIdleTimeout", "dwIpAllowlist",
	"dwPasswordMinLength", "dwPasswordMinClasses", "dwPasswordMaxAge",
	"dwInviteLifetime", "dwAuditRetentionMonths",
	"dwPasswordHistoryCount", "dwLockoutThreshold", "dwLockoutWindow",
	"dwLockoutDuration", "dwAddressThrottle",
};

static void
test_default(void **state)
{
	struct dw_policy	p;

	memset(&p, 0xa5, sizeof(p));
	dw_policy_default(&p);
	assert_false(p.mfa_required);
	assert_int_equal(p.idle_timeout, 3600);
	assert_int_equal(p.pw_min_length, 12);
	assert_int_equal(p.pw_min_classes, 3);
	assert_int_equal(p.pw_max_age, 0);
	assert_int_equal(p.invite_lifetime, 86400);
	assert_int_equal(p.audit_retention_months, 12);
	assert_int_equal(p.pw_history, 5);
	assert_int_equal(p.lockout_threshold, 5);
	assert_int_equal(p.lockout_window, 900);
	assert_int_equal(p.lockout_duration, 900);
	assert_int_equal(p.address_throttle, 30);
	assert_int_equal(p.nallow, 0);
	dw_policy_default(NULL);
}

static void
test_attrs(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
		int		 k;
	} t[] = {
		ROW(S("dwMfaRequired"), DW_OK, DW_POL_MFA_REQUIRED),
		ROW(S("DWMFAREQUIRED"), DW_OK, DW_POL_MFA_REQUIRED),
		ROW(S("dwmfarequired"), DW_OK, DW_POL_MFA_REQUIRED),
		ROW(S("dwIPALLOWLIST"), DW_OK, DW_POL_IP_ALLOWLIST),
		ROW(S(""), DW_ERR_NOTFOUND, 0),
		ROW(S("-1"), DW_ERR_NOTFOUND, 0),
		ROW(S("dwMfa"), DW_ERR_NOTFOUND, 0),
		ROW(S("dwMfaRequiredX"), DW_ERR_NOTFOUND, 0),
		ROW(S("dwMfaRequired\0"), DW_ERR_NOTFOUND, 0),
		ROW(S(" dwMfaRequired"), DW_ERR_NOTFOUND, 0),
		ROW(S("userPassword"), DW_ERR_NOTFOUND, 0),
		ROW(S("dw\xc4\xb1pAllowlist"), DW_ERR_NOTFOUND, 0),
	};
	enum dw_policy_key	k;
	size_t			i;
	int			rc;

	for (i = 0; i < DW_POL__COUNT; i++) {
		assert_string_equal(dw_policy_attr((enum dw_policy_key)i),
		    attrs[i]);
		assert_int_equal(dw_policy_key_from_attr(attrs[i],
		    strlen(attrs[i]), &k), DW_OK);
		assert_int_equal(k, i);
	}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		k = DW_POL__COUNT;
		rc = dw_policy_key_from_attr(t[i].s, t[i].len, &k);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && (int)k != t[i].k)
			fail_msg("row at line %d: key %d", t[i].line, (int)k);
		if (rc != DW_OK && k != DW_POL__COUNT)
			fail_msg("row at line %d: out written", t[i].line);
	}
	assert_string_equal(dw_policy_attr(DW_POL__COUNT), "invalid");
	assert_string_equal(dw_policy_attr((enum dw_policy_key)-1),
	    "invalid");
	assert_int_equal(dw_policy_key_from_attr(NULL, 0, &k), DW_ERR_INVAL);
	assert_int_equal(dw_policy_key_from_attr(S("dwMfaRequired"), NULL),
	    DW_ERR_INVAL);
}

/* The value of key k in *p, as a number (booleans as 0/1). */
static unsigned long
field(const struct dw_policy *p, int k)
{
	switch (k) {
	case DW_POL_MFA_REQUIRED:
		return p->mfa_required;
	case DW_POL_IDLE_TIMEOUT:
		return p->idle_timeout;
	case DW_POL_PW_MIN_LENGTH:
		return p->pw_min_length;
	case DW_POL_PW_MIN_CLASSES:
		return p->pw_min_classes;
	case DW_POL_PW_MAX_AGE:
		return p->pw_max_age;
	case DW_POL_INVITE_LIFETIME:
		return p->invite_lifetime;
	case DW_POL_AUDIT_RETENTION:
		return p->audit_retention_months;
	case DW_POL_PW_HISTORY:
		return p->pw_history;
	case DW_POL_LOCKOUT_THRESHOLD:
		return p->lockout_threshold;
	case DW_POL_LOCKOUT_WINDOW:
		return p->lockout_window;
	case DW_POL_LOCKOUT_DURATION:
		return p->lockout_duration;
	case DW_POL_ADDRESS_THROTTLE:
		return p->address_throttle;
	default:
		return 0;
	}
}

static void
test_set(void **state)
{
	static const struct {
		int		 line;
		int		 k;
		const char	*v;
		size_t		 len;
		int		 rc;
		unsigned long	 after;
	} t[] = {
		ROW(DW_POL_MFA_REQUIRED, S("TRUE"), DW_OK, 1),
		ROW(DW_POL_MFA_REQUIRED, S("FALSE"), DW_OK, 0),
		ROW(DW_POL_MFA_REQUIRED, S("true"), DW_ERR_INVAL, 0),
		ROW(DW_POL_MFA_REQUIRED, S("1"), DW_ERR_INVAL, 0),
		ROW(DW_POL_MFA_REQUIRED, S("-1"), DW_ERR_INVAL, 0),
		ROW(DW_POL_MFA_REQUIRED, S(""), DW_ERR_INVAL, 0),
		ROW(DW_POL_MFA_REQUIRED, S("TRUE\0"), DW_ERR_INVAL, 0),
		ROW(DW_POL_MFA_REQUIRED, S("TRUEX"), DW_ERR_INVAL, 0),

		ROW(DW_POL_IDLE_TIMEOUT, S("60"), DW_OK, 60),
		ROW(DW_POL_IDLE_TIMEOUT, S("86400"), DW_OK, 86400),
		ROW(DW_POL_IDLE_TIMEOUT, S("59"), DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("86401"), DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("0"), DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("-1"), DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("-60"), DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("18446744073709551616"),
		    DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("99999999999999999999999999"),
		    DW_ERR_RANGE, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S(""), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("-"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("-0"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("+60"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("060"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S(" 60"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("60 "), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("60s"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("6\0" "0"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("0x3c"), DW_ERR_INVAL, 3600),
		ROW(DW_POL_IDLE_TIMEOUT, S("abc"), DW_ERR_INVAL, 3600),

		ROW(DW_POL_PW_MIN_LENGTH, S("8"), DW_OK, 8),
		ROW(DW_POL_PW_MIN_LENGTH, S("256"), DW_OK, 256),
		ROW(DW_POL_PW_MIN_LENGTH, S("7"), DW_ERR_RANGE, 12),
		ROW(DW_POL_PW_MIN_LENGTH, S("257"), DW_ERR_RANGE, 12),
		ROW(DW_POL_PW_MIN_LENGTH, S("0"), DW_ERR_RANGE, 12),

		ROW(DW_POL_PW_MIN_CLASSES, S("1"), DW_OK, 1),
		ROW(DW_POL_PW_MIN_CLASSES, S("4"), DW_OK, 4),
		ROW(DW_POL_PW_MIN_CLASSES, S("0"), DW_ERR_RANGE, 3),
		ROW(DW_POL_PW_MIN_CLASSES, S("5"), DW_ERR_RANGE, 3),
		ROW(DW_POL_PW_MIN_CLASSES, S("9"), DW_ERR_RANGE, 3),
		ROW(DW_POL_PW_MIN_CLASSES, S("10"), DW_ERR_RANGE, 3),

		ROW(DW_POL_PW_MAX_AGE, S("0"), DW_OK, 0),
		ROW(DW_POL_PW_MAX_AGE, S("86400"), DW_OK, 86400),
		ROW(DW_POL_PW_MAX_AGE, S("7776000"), DW_OK, 7776000),
		ROW(DW_POL_PW_MAX_AGE, S("3153600000"), DW_OK, 3153600000UL),
		ROW(DW_POL_PW_MAX_AGE, S("1"), DW_ERR_RANGE, 0),
		ROW(DW_POL_PW_MAX_AGE, S("86399"), DW_ERR_RANGE, 0),
		ROW(DW_POL_PW_MAX_AGE, S("3153600001"), DW_ERR_RANGE, 0),
		ROW(DW_POL_PW_MAX_AGE, S("-1"), DW_ERR_RANGE, 0),
		ROW(DW_POL_PW_MAX_AGE, S("00"), DW_ERR_INVAL, 0),

		ROW(DW_POL_INVITE_LIFETIME, S("300"), DW_OK, 300),
		ROW(DW_POL_INVITE_LIFETIME, S("2592000"), DW_OK, 2592000),
		ROW(DW_POL_INVITE_LIFETIME, S("299"), DW_ERR_RANGE, 86400),
		ROW(DW_POL_INVITE_LIFETIME, S("2592001"), DW_ERR_RANGE, 86400),

		ROW(DW_POL_AUDIT_RETENTION, S("1"), DW_OK, 1),
		ROW(DW_POL_AUDIT_RETENTION, S("120"), DW_OK, 120),
		ROW(DW_POL_AUDIT_RETENTION, S("0"), DW_ERR_RANGE, 12),
		ROW(DW_POL_AUDIT_RETENTION, S("121"), DW_ERR_RANGE, 12),

		ROW(DW_POL_PW_HISTORY, S("0"), DW_OK, 0),
		ROW(DW_POL_PW_HISTORY, S("1"), DW_OK, 1),
		ROW(DW_POL_PW_HISTORY, S("24"), DW_OK, 24),
		ROW(DW_POL_PW_HISTORY, S("25"), DW_ERR_RANGE, 5),
		ROW(DW_POL_PW_HISTORY, S("-1"), DW_ERR_RANGE, 5),
		ROW(DW_POL_PW_HISTORY, S("05"), DW_ERR_INVAL, 5),
		ROW(DW_POL_PW_HISTORY, S(""), DW_ERR_INVAL, 5),

		ROW(DW_POL_LOCKOUT_THRESHOLD, S("0"), DW_OK, 0),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("3"), DW_OK, 3),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("100"), DW_OK, 100),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("1"), DW_ERR_RANGE, 5),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("2"), DW_ERR_RANGE, 5),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("101"), DW_ERR_RANGE, 5),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("-1"), DW_ERR_RANGE, 5),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("-0"), DW_ERR_INVAL, 5),
		ROW(DW_POL_LOCKOUT_THRESHOLD, S("abc"), DW_ERR_INVAL, 5),

		ROW(DW_POL_LOCKOUT_WINDOW, S("60"), DW_OK, 60),
		ROW(DW_POL_LOCKOUT_WINDOW, S("86400"), DW_OK, 86400),
		ROW(DW_POL_LOCKOUT_WINDOW, S("0"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_WINDOW, S("59"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_WINDOW, S("86401"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_WINDOW, S("900s"), DW_ERR_INVAL, 900),

		ROW(DW_POL_LOCKOUT_DURATION, S("60"), DW_OK, 60),
		ROW(DW_POL_LOCKOUT_DURATION, S("86400"), DW_OK, 86400),
		ROW(DW_POL_LOCKOUT_DURATION, S("0"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_DURATION, S("59"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_DURATION, S("86401"), DW_ERR_RANGE, 900),
		ROW(DW_POL_LOCKOUT_DURATION, S("+900"), DW_ERR_INVAL, 900),

		ROW(DW_POL_ADDRESS_THROTTLE, S("0"), DW_OK, 0),
		ROW(DW_POL_ADDRESS_THROTTLE, S("5"), DW_OK, 5),
		ROW(DW_POL_ADDRESS_THROTTLE, S("10000"), DW_OK, 10000),
		ROW(DW_POL_ADDRESS_THROTTLE, S("4"), DW_ERR_RANGE, 30),
		ROW(DW_POL_ADDRESS_THROTTLE, S("1"), DW_ERR_RANGE, 30),
		ROW(DW_POL_ADDRESS_THROTTLE, S("10001"), DW_ERR_RANGE, 30),
		ROW(DW_POL_ADDRESS_THROTTLE, S("4294967296"), DW_ERR_RANGE,
		    30),
		ROW(DW_POL_ADDRESS_THROTTLE, S("00"), DW_ERR_INVAL, 30),
	};
	struct dw_policy	p, before;
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dw_policy_default(&p);
		memcpy(&before, &p, sizeof(p));
		rc = dw_policy_set(&p, (enum dw_policy_key)t[i].k, t[i].v,
		    t[i].len);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (field(&p, t[i].k) != t[i].after)
			fail_msg("row at line %d: value %lu", t[i].line,
			    field(&p, t[i].k));
		if (rc != DW_OK && memcmp(&p, &before, sizeof(p)) != 0)
			fail_msg("row at line %d: changed on error",
			    t[i].line);
	}
	dw_policy_default(&p);
	assert_int_equal(dw_policy_set(NULL, DW_POL_IDLE_TIMEOUT, S("60")),
	    DW_ERR_INVAL);
	assert_int_equal(dw_policy_set(&p, DW_POL_IDLE_TIMEOUT, NULL, 0),
	    DW_ERR_INVAL);
	assert_int_equal(dw_policy_set(&p, DW_POL__COUNT, S("60")),
	    DW_ERR_INVAL);
	assert_int_equal(dw_policy_set(&p, (enum dw_policy_key)-1, S("60")),
	    DW_ERR_INVAL);
	/* Only the given length counts. */
	assert_int_equal(dw_policy_set(&p, DW_POL_IDLE_TIMEOUT, "900junk", 3),
	    DW_OK);
	assert_int_equal(p.idle_timeout, 900);
}

static void
test_allowlist(void **state)
{
	static const struct {
		int		 line;
		const char	*v;
		size_t		 len;
		int		 rc;
		const char	*text;	/* stored range, formatted */
	} t[] = {
		ROW(S("10.0.0.0/8"), DW_OK, "10.0.0.0/8"),
		ROW(S("192.0.2.0/24"), DW_OK, "192.0.2.0/24"),
		ROW(S("192.0.2.7"), DW_OK, "192.0.2.7/32"),
		ROW(S("192.0.2.7/32"), DW_OK, "192.0.2.7/32"),
		ROW(S("0.0.0.0/0"), DW_OK, "0.0.0.0/0"),
		ROW(S("::/0"), DW_OK, "::/0"),
		ROW(S("::1"), DW_OK, "::1/128"),
		ROW(S("::1/128"), DW_OK, "::1/128"),
		ROW(S("2001:db8::/32"), DW_OK, "2001:db8::/32"),
		ROW(S("2001:DB8::/32"), DW_OK, "2001:db8::/32"),
		ROW(S("::ffff:192.0.2.0/120"), DW_OK, "192.0.2.0/24"),
		ROW(S("10.0.0.1/8"), DW_ERR_INVAL, NULL),	/* host bits */
		ROW(S("2001:db8::1/32"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/33"), DW_ERR_RANGE, NULL),
		ROW(S("::/129"), DW_ERR_RANGE, NULL),
		ROW(S("10.0.0.0/99999999999999999999999"), DW_ERR_RANGE, NULL),
		ROW(S(""), DW_ERR_INVAL, NULL),
		ROW(S("-1"), DW_ERR_INVAL, NULL),
		ROW(S("/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/-1"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/+8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/08"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0 /8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8 "), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.256"), DW_ERR_INVAL, NULL),
		ROW(S("010.0.0.0/8"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8\0"), DW_ERR_INVAL, NULL),
		ROW(S("10.0.\0.0/8"), DW_ERR_INVAL, NULL),
		ROW(S("fe80::1%eth0"), DW_ERR_INVAL, NULL),
		ROW(S("localhost"), DW_ERR_INVAL, NULL),
		ROW(S("*"), DW_ERR_INVAL, NULL),
		ROW(S("any"), DW_ERR_INVAL, NULL),
		ROW(S("\xff\xfe"), DW_ERR_INVAL, NULL),
		ROW(S("1111:2222:3333:4444:5555:6666:7777:8888:9999/64"),
		    DW_ERR_INVAL, NULL),
		ROW(S("10.0.0.0/8"), DW_OK, "10.0.0.0/8"),
		ROW(S("::ffff:10.0.0.0/104"), DW_OK, "10.0.0.0/8"),
		ROW(S("::ffff:0.0.0.0/96"), DW_OK, "0.0.0.0/0"),
		ROW(S("::ffff:0:0/95"), DW_ERR_INVAL, NULL),	/* host bits */
		ROW(S("[::1]"), DW_ERR_INVAL, NULL),
		ROW(S(" 10.0.0.0/8"), DW_ERR_INVAL, NULL),
	};
	struct dw_policy	p, before;
	char			text[DW_CIDR_TEXT_MAX];
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dw_policy_default(&p);
		memcpy(&before, &p, sizeof(p));
		rc = dw_policy_set(&p, DW_POL_IP_ALLOWLIST, t[i].v, t[i].len);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc != DW_OK) {
			if (memcmp(&p, &before, sizeof(p)) != 0)
				fail_msg("row at line %d: policy changed",
				    t[i].line);
			continue;
		}
		/* One range appended; nothing else changed. */
		if (p.nallow != 1)
			fail_msg("row at line %d: nallow %zu", t[i].line,
			    p.nallow);
		assert_int_equal(dw_cidr_format(&p.allow[0], text,
		    sizeof(text)), DW_OK);
		if (strcmp(text, t[i].text) != 0)
			fail_msg("row at line %d: stored %s", t[i].line, text);
		p.nallow = 0;
		memset(&p.allow[0], 0, sizeof(p.allow[0]));
		if (memcmp(&p, &before, sizeof(p)) != 0)
			fail_msg("row at line %d: other fields changed",
			    t[i].line);
	}
}

/* Values append, in order, up to DW_POLICY_ALLOW_MAX; then TOOLONG. */
static void
test_allowlist_full(void **state)
{
	struct dw_policy	p, before;
	char			v[DW_CIDR_TEXT_MAX], text[DW_CIDR_TEXT_MAX];
	size_t			i;
	int			n;

	dw_policy_default(&p);
	assert_false(dw_policy_multi(DW_POL_MFA_REQUIRED));
	assert_true(dw_policy_multi(DW_POL_IP_ALLOWLIST));
	for (i = 0; i < DW_POL__COUNT; i++)
		assert_int_equal(dw_policy_multi((enum dw_policy_key)i),
		    i == DW_POL_IP_ALLOWLIST);
	assert_false(dw_policy_multi(DW_POL__COUNT));
	assert_false(dw_policy_multi((enum dw_policy_key)-1));
	for (i = 0; i < DW_POLICY_ALLOW_MAX; i++) {
		n = snprintf(v, sizeof(v), "10.%zu.0.0/16", i);
		assert_true(n > 0 && (size_t)n < sizeof(v));
		assert_int_equal(dw_policy_set(&p, DW_POL_IP_ALLOWLIST, v,
		    (size_t)n), DW_OK);
		assert_int_equal(p.nallow, i + 1);
	}
	for (i = 0; i < DW_POLICY_ALLOW_MAX; i++) {
		n = snprintf(v, sizeof(v), "10.%zu.0.0/16", i);
		assert_int_equal(dw_cidr_format(&p.allow[i], text,
		    sizeof(text)), DW_OK);
		assert_string_equal(text, v);
	}
	memcpy(&before, &p, sizeof(p));
	assert_int_equal(dw_policy_set(&p, DW_POL_IP_ALLOWLIST,
	    S("192.0.2.0/24")), DW_ERR_TOOLONG);
	/* A malformed value is still reported as malformed. */
	assert_int_equal(dw_policy_set(&p, DW_POL_IP_ALLOWLIST,
	    S("10.0.0.1/8")), DW_ERR_INVAL);
	assert_int_equal(memcmp(&p, &before, sizeof(p)), 0);
	/* The other keys are still settable. */
	assert_int_equal(dw_policy_set(&p, DW_POL_LOCKOUT_THRESHOLD, S("0")),
	    DW_OK);
	assert_int_equal(p.lockout_threshold, 0);
}

static void
test_rules(void **state)
{
	struct dw_policy	p;
	struct dw_pw_rules	pr;
	struct dw_lockout_rules	lr;

	dw_policy_default(&p);
	memset(&pr, 0xa5, sizeof(pr));
	memset(&lr, 0xa5, sizeof(lr));
	dw_policy_pw_rules(&p, &pr);
	dw_policy_lockout_rules(&p, &lr);
	assert_int_equal(pr.min_length, 12);
	assert_int_equal(pr.min_classes, 3);
	assert_int_equal(lr.threshold, 5);
	assert_int_equal(lr.window, 900);
	assert_int_equal(lr.duration, 900);
	assert_int_equal(dw_policy_set(&p, DW_POL_PW_MIN_LENGTH, S("20")),
	    DW_OK);
	assert_int_equal(dw_policy_set(&p, DW_POL_PW_MIN_CLASSES, S("4")),
	    DW_OK);
	assert_int_equal(dw_policy_set(&p, DW_POL_LOCKOUT_THRESHOLD, S("3")),
	    DW_OK);
	assert_int_equal(dw_policy_set(&p, DW_POL_LOCKOUT_WINDOW, S("60")),
	    DW_OK);
	assert_int_equal(dw_policy_set(&p, DW_POL_LOCKOUT_DURATION,
	    S("86400")), DW_OK);
	dw_policy_pw_rules(&p, &pr);
	dw_policy_lockout_rules(&p, &lr);
	assert_int_equal(pr.min_length, 20);
	assert_int_equal(pr.min_classes, 4);
	assert_int_equal(lr.threshold, 3);
	assert_int_equal(lr.window, 60);
	assert_int_equal(lr.duration, 86400);
	/* NULL is ignored. */
	dw_policy_pw_rules(NULL, &pr);
	dw_policy_pw_rules(&p, NULL);
	dw_policy_lockout_rules(NULL, &lr);
	dw_policy_lockout_rules(&p, NULL);
	assert_int_equal(lr.threshold, 3);
}

static void
test_format(void **state)
{
	static const struct {
		int		 line;
		int		 k;
		const char	*out;
	} t[] = {
		ROW(DW_POL_MFA_REQUIRED, "FALSE"),
		ROW(DW_POL_IDLE_TIMEOUT, "3600"),
		ROW(DW_POL_PW_MIN_LENGTH, "12"),
		ROW(DW_POL_PW_MIN_CLASSES, "3"),
		ROW(DW_POL_PW_MAX_AGE, "0"),
		ROW(DW_POL_INVITE_LIFETIME, "86400"),
		ROW(DW_POL_AUDIT_RETENTION, "12"),
		ROW(DW_POL_PW_HISTORY, "5"),
		ROW(DW_POL_LOCKOUT_THRESHOLD, "5"),
		ROW(DW_POL_LOCKOUT_WINDOW, "900"),
		ROW(DW_POL_LOCKOUT_DURATION, "900"),
		ROW(DW_POL_ADDRESS_THROTTLE, "30"),
	};
	static const struct {
		int		 k;
		const char	*v;
	} rt[] = {
		{ DW_POL_MFA_REQUIRED, "TRUE" },
		{ DW_POL_IDLE_TIMEOUT, "86400" },
		{ DW_POL_PW_MIN_LENGTH, "256" },
		{ DW_POL_PW_MIN_CLASSES, "4" },
		{ DW_POL_PW_MAX_AGE, "3153600000" },
		{ DW_POL_INVITE_LIFETIME, "300" },
		{ DW_POL_AUDIT_RETENTION, "120" },
		{ DW_POL_PW_HISTORY, "0" },
		{ DW_POL_PW_HISTORY, "24" },
		{ DW_POL_LOCKOUT_THRESHOLD, "0" },
		{ DW_POL_LOCKOUT_THRESHOLD, "100" },
		{ DW_POL_LOCKOUT_WINDOW, "86400" },
		{ DW_POL_LOCKOUT_DURATION, "60" },
		{ DW_POL_ADDRESS_THROTTLE, "0" },
		{ DW_POL_ADDRESS_THROTTLE, "10000" },
	};
	struct dw_policy	p;
	char			out[32];
	size_t			i;

	/* Every key is in the default table. */
	assert_int_equal(sizeof(t) / sizeof(t[0]), DW_POL__COUNT - 1);
	dw_policy_default(&p);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dw_policy_format(&p,
		    (enum dw_policy_key)t[i].k, out, sizeof(out)), DW_OK);
		if (strcmp(out, t[i].out) != 0)
			fail_msg("row at line %d: got %s", t[i].line, out);
		/* The default parses back to the default. */
		assert_int_equal(dw_policy_set(&p, (enum dw_policy_key)t[i].k,
		    out, strlen(out)), DW_OK);
	}
	for (i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		assert_int_equal(dw_policy_set(&p, (enum dw_policy_key)rt[i].k,
		    rt[i].v, strlen(rt[i].v)), DW_OK);
		assert_int_equal(dw_policy_format(&p,
		    (enum dw_policy_key)rt[i].k, out, sizeof(out)), DW_OK);
		assert_string_equal(out, rt[i].v);
	}
	/* "86400" needs 6 bytes. */
	assert_int_equal(dw_policy_format(&p, DW_POL_IDLE_TIMEOUT, out, 6),
	    DW_OK);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_policy_format(&p, DW_POL_IDLE_TIMEOUT, out, 5),
	    DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_policy_format(&p, DW_POL_MFA_REQUIRED, out, 4),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_policy_format(&p, DW_POL_MFA_REQUIRED, out, 0),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_policy_format(&p, DW_POL_IP_ALLOWLIST, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_policy_format(&p, DW_POL__COUNT, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_policy_format(NULL, DW_POL_IDLE_TIMEOUT, out,
	    sizeof(out)), DW_ERR_INVAL);
	assert_int_equal(dw_policy_format(&p, DW_POL_IDLE_TIMEOUT, NULL, 6),
	    DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_allowlist),
		cmocka_unit_test(test_allowlist_full),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("dw_policy", tests, NULL, NULL);
}
