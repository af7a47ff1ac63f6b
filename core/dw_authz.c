/*
 * dw_authz.c: the write rules of the directory, as pure functions.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_account.h"
#include "dw_authz.h"

static enum dw_decision
deny(struct dw_authz_denial *why, enum dw_refusal kind, const char *text)
{
	if (why != NULL) {
		why->kind = kind;
		why->text = text;
	}
	return DW_DENY;
}

enum dw_decision
dw_authz_actor_ok(const struct dw_authz_actor_facts *f,
    struct dw_authz_denial *why)
{
	enum dw_account_state st;

	if (f == NULL || !f->admin_entry)
		return deny(why, DW_REFUSE_ACCESS,
		    "only an active admin may write here");
	if (f->status == NULL ||
	    dw_account_state_parse(f->status, f->status_len, &st) != DW_OK ||
	    st != DW_ACCOUNT_ACTIVE)
		return deny(why, DW_REFUSE_ACCESS,
		    "the acting account is not active");
	if (!f->role_single || f->role == NULL ||
	    dw_role_name_check(f->role, f->role_len) != DW_OK)
		return deny(why, DW_REFUSE_ACCESS,
		    "the acting account has no valid role");
	if (!f->role_found)
		return deny(why, DW_REFUSE_ACCESS,
		    "the acting account's role does not exist");
	if (!f->perms_ok)
		return deny(why, DW_REFUSE_ACCESS,
		    "the acting account's role has malformed permissions");
	return DW_ALLOW;
}

#define DW_ADMIN_ALL                                                           \
	(DW_ADMIN_CREATE | DW_ADMIN_DELETE | DW_ADMIN_RENAME |                 \
	    DW_ADMIN_SET_ROLE | DW_ADMIN_DEACTIVATE | DW_ADMIN_ACTIVATE |      \
	    DW_ADMIN_PASSWORD | DW_ADMIN_OTHER)

static const char *
admin_write_need_text(unsigned changes)
{
	if (changes & DW_ADMIN_SET_ROLE)
		return "changing a role needs admin-users:write";
	if (changes & DW_ADMIN_DEACTIVATE)
		return "deactivating an account needs admin-users:write";
	if (changes & DW_ADMIN_ACTIVATE)
		return "activating an account needs admin-users:write";
	if (changes & DW_ADMIN_CREATE)
		return "inviting or adding an admin needs admin-users:write";
	if (changes & DW_ADMIN_DELETE)
		return "deleting an admin or revoking an invitation needs "
		       "admin-users:write";
	if (changes & DW_ADMIN_RENAME)
		return "renaming an admin needs admin-users:write";
	if (changes & DW_ADMIN_PASSWORD)
		return "setting another admin's password needs "
		       "admin-users:write";
	return "changing admin users needs admin-users:write";
}

enum dw_decision
dw_authz_admin_write(const struct dw_authz_actor *a, unsigned changes,
    bool self, struct dw_authz_denial *why)
{
	if (a == NULL || (changes & ~(unsigned)DW_ADMIN_ALL) != 0)
		return deny(why, DW_REFUSE_ACCESS, "malformed request");
	if (a->root)
		return DW_ALLOW;
	if (changes == 0)
		return deny(why, DW_REFUSE_ACCESS,
		    "changing admin users needs admin-users:write");
	if (self) {
		if (changes & DW_ADMIN_SET_ROLE)
			return deny(why, DW_REFUSE_UNWILLING,
			    "a user cannot change their own role");
		if (changes & DW_ADMIN_DEACTIVATE)
			return deny(why, DW_REFUSE_UNWILLING,
			    "a user cannot deactivate themselves");
		if (changes & DW_ADMIN_DELETE)
			return deny(why, DW_REFUSE_UNWILLING,
			    "a user cannot delete themselves");
		if (changes & DW_ADMIN_RENAME)
			return deny(why, DW_REFUSE_UNWILLING,
			    "a user cannot rename themselves");
		if (changes == DW_ADMIN_PASSWORD)
			return DW_ALLOW; /* one's own password */
	}
	if (dw_perm_allows(&a->perms, DW_SEC_ADMIN_USERS, DW_ACCESS_WRITE) !=
	    DW_ALLOW)
		return deny(why, DW_REFUSE_ACCESS,
		    admin_write_need_text(changes));
	if ((changes & DW_ADMIN_ACTIVATE) && !a->super_admin)
		return deny(why, DW_REFUSE_ACCESS,
		    "reactivating an account needs the super-admin role");
	return DW_ALLOW;
}

enum dw_decision
dw_authz_last_super_admin(bool was_active_super_admin,
    bool stays_active_super_admin, unsigned long active_super_admins,
    struct dw_authz_denial *why)
{
	if (!was_active_super_admin || stays_active_super_admin)
		return DW_ALLOW;
	if (active_super_admins > 1)
		return DW_ALLOW;
	return deny(why, DW_REFUSE_UNWILLING,
	    "the last active super-admin cannot be deactivated, demoted, "
	    "deleted or renamed");
}

enum dw_decision
dw_authz_policy_write(
    const struct dw_authz_actor *a, struct dw_authz_denial *why)
{
	if (a == NULL)
		return deny(why, DW_REFUSE_ACCESS, "malformed request");
	if (a->root)
		return DW_ALLOW;
	if (dw_perm_allows(&a->perms, DW_SEC_SECURITY, DW_ACCESS_WRITE) !=
	    DW_ALLOW)
		return deny(why, DW_REFUSE_ACCESS,
		    "changing the security policy needs security:write");
	return DW_ALLOW;
}

enum dw_decision
dw_authz_role_write(const struct dw_authz_actor *a,
    enum dw_role_change change, bool builtin, unsigned long assigned,
    struct dw_authz_denial *why)
{
	if (a == NULL || change < DW_ROLE_CREATE || change > DW_ROLE_RENAME)
		return deny(why, DW_REFUSE_ACCESS, "malformed request");
	if (!a->root && !a->super_admin)
		return deny(why, DW_REFUSE_ACCESS,
		    "only the super-admin role may create, change or delete "
		    "roles");
	if (builtin) {
		switch (change) {
		case DW_ROLE_MODIFY:
			return deny(why, DW_REFUSE_UNWILLING,
			    "built-in roles cannot be changed");
		case DW_ROLE_RENAME:
			return deny(why, DW_REFUSE_UNWILLING,
			    "built-in roles cannot be renamed");
		case DW_ROLE_DELETE:
			if (!a->root)
				return deny(why, DW_REFUSE_UNWILLING,
				    "built-in roles cannot be deleted");
			break;
		case DW_ROLE_CREATE:
			if (!a->root)
				return deny(why, DW_REFUSE_UNWILLING,
				    "only dwadm init creates built-in roles");
			break;
		}
	}
	if ((change == DW_ROLE_DELETE || change == DW_ROLE_RENAME) &&
	    assigned > 0)
		return deny(why, DW_REFUSE_UNWILLING,
		    change == DW_ROLE_DELETE
			? "the role is still assigned to an admin and cannot "
			  "be deleted"
			: "the role is still assigned to an admin and cannot "
			  "be renamed");
	return DW_ALLOW;
}

enum dw_decision
dw_authz_role_perms(const char *const *vals, const size_t *lens, size_t n,
    bool builtin, struct dw_perms *out, struct dw_authz_denial *why)
{
	struct dw_perms p;
	size_t i;
	int rc;

	if (n > 0 && (vals == NULL || lens == NULL))
		return deny(why, DW_REFUSE_CONSTRAINT, "malformed request");
	dw_perms_init(&p);
	for (i = 0; i < n; i++) {
		if (vals[i] == NULL)
			return deny(why, DW_REFUSE_CONSTRAINT,
			    "malformed request");
		rc = builtin ? dw_perm_parse(vals[i], lens[i], &p)
			     : dw_perm_parse_custom(vals[i], lens[i], &p);
		if (rc == DW_ERR_DENIED)
			return deny(why, DW_REFUSE_CONSTRAINT,
			    "dwPermission: admin-users, security and "
			    "audit-log belong to the super-admin role only");
		if (rc != DW_OK)
			return deny(why, DW_REFUSE_CONSTRAINT,
			    "dwPermission: unknown section or malformed "
			    "value (SECTION:read, SECTION:write, pii or "
			    "destructive)");
	}
	if (out != NULL)
		*out = p;
	return DW_ALLOW;
}
