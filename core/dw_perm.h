/*
 * dw_perm.h: the permission model.
 *
 * A role holds dwPermission values in this grammar:
 *   SECTION:read   SECTION:write   pii   destructive
 * write implies read.  SECTION is one of the portal sections below;
 * an unknown section or word is an error.  The sections admin-users,
 * security and audit-log belong to super-admin only (a custom role that
 * names them is refused by dw_perm_parse_custom).
 */
#ifndef DW_PERM_H
#define DW_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_err.h"

enum dw_section {
	DW_SEC_COMMAND_CENTER,
	DW_SEC_MONITORING,
	DW_SEC_LOGS,
	DW_SEC_TELEPHONY,
	DW_SEC_FINANCE_DASHBOARD,
	DW_SEC_SUBSCRIPTIONS,
	DW_SEC_PLANS,
	DW_SEC_PROMOTIONS,
	DW_SEC_CUSTOMERS,
	DW_SEC_CUSTOMER_USERS,
	DW_SEC_FEATURE_FLAGS,
	DW_SEC_API_SETTINGS,
	DW_SEC_ADMIN_USERS,
	DW_SEC_SECURITY,
	DW_SEC_AUDIT_LOG,
	DW_SEC__COUNT
};

enum dw_access {
	DW_ACCESS_NONE = 0,
	DW_ACCESS_READ = 1,
	DW_ACCESS_WRITE = 2,
};

struct dw_perms {
	unsigned char level[DW_SEC__COUNT];	/* enum dw_access */
	bool pii;
	bool destructive;
};

#define DW_ROLE_NAME_MAX	64
#define DW_ROLE_SUPER_ADMIN	"super-admin"

/* Section name <-> enum.  Names are lower-case, exact. */
int dw_section_parse(const char *s, size_t len, enum dw_section *out);
const char *dw_section_name(enum dw_section sec);

/* An empty set. */
void dw_perms_init(struct dw_perms *p);

/* Add one dwPermission value to *p.  DW_ERR_INVAL on a grammar error or
 * unknown section; *p unchanged then. */
int dw_perm_parse(const char *s, size_t len, struct dw_perms *p);

/* As dw_perm_parse, for a custom (not built-in) role: a value naming a
 * super-admin-only section is refused with DW_ERR_DENIED; *p unchanged. */
int dw_perm_parse_custom(const char *s, size_t len, struct dw_perms *p);

/* Is sec one of admin-users, security, audit-log (super-admin only)? */
bool dw_section_super_admin_only(enum dw_section sec);

/* The rule: does p grant want (READ or WRITE) on sec?  Default deny;
 * an out-of-range section, access or stored level denies. */
enum dw_decision dw_perm_allows(const struct dw_perms *p,
    enum dw_section sec, enum dw_access want);

/* Role names: 1..DW_ROLE_NAME_MAX of [a-z0-9-], starting with a letter.
 * DW_ERR_INVAL, or DW_ERR_TOOLONG over the maximum. */
int dw_role_name_check(const char *s, size_t len);

struct dw_builtin_role {
	const char *name;
	const char *description;
	const char *const *perms;	/* NULL-terminated dwPermission values */
};

/* The five built-in roles (super-admin, operations, finance, support,
 * developer); *n receives the count. */
const struct dw_builtin_role *dw_builtin_roles(size_t *n);

#endif
