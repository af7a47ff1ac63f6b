/*
 * dw_perm.c: sections, the dwPermission grammar, the permission rule and
 * the built-in roles.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_perm.h"

static const char *const section_names[DW_SEC__COUNT] = {
	[DW_SEC_COMMAND_CENTER] = "command-center",
	[DW_SEC_MONITORING] = "monitoring",
	[DW_SEC_LOGS] = "logs",
	[DW_SEC_TELEPHONY] = "telephony",
	[DW_SEC_FINANCE_DASHBOARD] = "finance-dashboard",
	[DW_SEC_SUBSCRIPTIONS] = "subscriptions",
	[DW_SEC_PLANS] = "plans",
	[DW_SEC_PROMOTIONS] = "promotions",
	[DW_SEC_CUSTOMERS] = "customers",
	[DW_SEC_CUSTOMER_USERS] = "customer-users",
	[DW_SEC_FEATURE_FLAGS] = "feature-flags",
	[DW_SEC_API_SETTINGS] = "api-settings",
	[DW_SEC_ADMIN_USERS] = "admin-users",
	[DW_SEC_SECURITY] = "security",
	[DW_SEC_AUDIT_LOG] = "audit-log",
};

static const char *const perms_super_admin[] = {
	"command-center:write", "monitoring:write", "logs:write",
	"telephony:write", "finance-dashboard:write", "subscriptions:write",
	"plans:write", "promotions:write", "customers:write",
	"customer-users:write", "feature-flags:write", "api-settings:write",
	"admin-users:write", "security:write", "audit-log:write",
	"pii", "destructive", NULL
};
static const char *const perms_operations[] = {
	"command-center:write", "monitoring:write", "logs:write",
	"telephony:write", NULL
};
static const char *const perms_finance[] = {
	"finance-dashboard:write", "subscriptions:write", "plans:write",
	"promotions:write", NULL
};
static const char *const perms_support[] = {
	"customers:read", "customer-users:read", "logs:read", NULL
};
static const char *const perms_developer[] = {
	"feature-flags:write", "monitoring:write", "logs:write",
	"api-settings:write", NULL
};

static const struct dw_builtin_role builtin_roles[] = {
	{ DW_ROLE_SUPER_ADMIN,
	  "Full access to every section, including admin users, security "
	  "settings and the audit log", perms_super_admin },
	{ "operations",
	  "Command center, monitoring, logs and telephony", perms_operations },
	{ "finance",
	  "Finance dashboard, subscriptions, plans and promotions",
	  perms_finance },
	{ "support",
	  "Read-only access to customers, customer users and logs",
	  perms_support },
	{ "developer",
	  "Feature flags, monitoring, logs and API settings", perms_developer },
};

int
dw_section_parse(const char *s, size_t len, enum dw_section *out)
{
	size_t	i;

	if (s == NULL || out == NULL)
		return DW_ERR_INVAL;
	for (i = 0; i < DW_SEC__COUNT; i++) {
		if (strlen(section_names[i]) == len &&
		    memcmp(s, section_names[i], len) == 0) {
			*out = (enum dw_section)i;
			return DW_OK;
		}
	}
	return DW_ERR_INVAL;
}

const char *
dw_section_name(enum dw_section sec)
{
	if ((unsigned)sec >= DW_SEC__COUNT)
		return "invalid";
	return section_names[sec];
}

bool
dw_section_super_admin_only(enum dw_section sec)
{
	return sec == DW_SEC_ADMIN_USERS || sec == DW_SEC_SECURITY ||
	    sec == DW_SEC_AUDIT_LOG;
}

void
dw_perms_init(struct dw_perms *p)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof(*p));
}

static int
lit_eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int
perm_parse(const char *s, size_t len, struct dw_perms *p, int custom)
{
	const char	*colon;
	enum dw_section	 sec;
	enum dw_access	 acc;
	size_t		 slen;

	if (s == NULL || p == NULL || len == 0)
		return DW_ERR_INVAL;
	if (lit_eq(s, len, "pii")) {
		p->pii = true;
		return DW_OK;
	}
	if (lit_eq(s, len, "destructive")) {
		p->destructive = true;
		return DW_OK;
	}
	if ((colon = memchr(s, ':', len)) == NULL)
		return DW_ERR_INVAL;
	slen = (size_t)(colon - s);
	if (dw_section_parse(s, slen, &sec) != DW_OK)
		return DW_ERR_INVAL;
	if (lit_eq(colon + 1, len - slen - 1, "read"))
		acc = DW_ACCESS_READ;
	else if (lit_eq(colon + 1, len - slen - 1, "write"))
		acc = DW_ACCESS_WRITE;
	else
		return DW_ERR_INVAL;
	if (custom && dw_section_super_admin_only(sec))
		return DW_ERR_DENIED;
	if (p->level[sec] < acc)
		p->level[sec] = (unsigned char)acc;
	return DW_OK;
}

int
dw_perm_parse(const char *s, size_t len, struct dw_perms *p)
{
	return perm_parse(s, len, p, 0);
}

int
dw_perm_parse_custom(const char *s, size_t len, struct dw_perms *p)
{
	return perm_parse(s, len, p, 1);
}

enum dw_decision
dw_perm_allows(const struct dw_perms *p, enum dw_section sec,
    enum dw_access want)
{
	if (p == NULL || (unsigned)sec >= DW_SEC__COUNT)
		return DW_DENY;
	if (want != DW_ACCESS_READ && want != DW_ACCESS_WRITE)
		return DW_DENY;
	/* A level outside the enum is corrupt: fail closed. */
	if (p->level[sec] > DW_ACCESS_WRITE)
		return DW_DENY;
	return p->level[sec] >= (unsigned)want ? DW_ALLOW : DW_DENY;
}

int
dw_role_name_check(const char *s, size_t len)
{
	size_t	i;

	if (s == NULL || len == 0)
		return DW_ERR_INVAL;
	if (len > DW_ROLE_NAME_MAX)
		return DW_ERR_TOOLONG;
	if (s[0] < 'a' || s[0] > 'z')
		return DW_ERR_INVAL;
	for (i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return DW_ERR_INVAL;
	return DW_OK;
}

const struct dw_builtin_role *
dw_builtin_roles(size_t *n)
{
	if (n != NULL)
		*n = sizeof(builtin_roles) / sizeof(builtin_roles[0]);
	return builtin_roles;
}
