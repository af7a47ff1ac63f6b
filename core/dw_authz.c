/*
 * dw_authz.c: the write rules of the directory, as pure functions.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "dw_account.h"
#include "dw_authz.h"
#include "dw_email.h"

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

/* ---- values and shapes ------------------------------------------------ */

#define DW_AUTHZ_ROLE_VALUE_TEXT                                               \
	"dwRole must name an existing role exactly (role names are lower "     \
	"case: a-z, 0-9 and '-', starting with a letter)"

enum dw_decision
dw_authz_role_value(const char *v, size_t len, bool role_exists,
    struct dw_authz_denial *why)
{
	if (v == NULL || dw_role_name_check(v, len) != DW_OK || !role_exists)
		return deny(why, DW_REFUSE_CONSTRAINT, DW_AUTHZ_ROLE_VALUE_TEXT);
	return DW_ALLOW;
}

bool
dw_authz_role_differs(const char *a, size_t alen, const char *b, size_t blen)
{
	if (a == NULL || b == NULL)
		return (a == NULL) != (b == NULL);
	return alen != blen || memcmp(a, b, alen) != 0;
}

bool
dw_authz_role_is_super_admin(const char *v, size_t len)
{
	return v != NULL && len == sizeof(DW_ROLE_SUPER_ADMIN) - 1 &&
	       memcmp(v, DW_ROLE_SUPER_ADMIN, len) == 0;
}

enum dw_decision
dw_authz_status_value(const char *v, size_t len, enum dw_account_state *out,
    struct dw_authz_denial *why)
{
	enum dw_account_state st;
	const char *name;

	if (v == NULL || dw_account_state_parse(v, len, &st) != DW_OK)
		goto bad;
	name = dw_account_state_name(st);
	if (strlen(name) != len || memcmp(name, v, len) != 0)
		goto bad; /* canonical lower case only */
	if (out != NULL)
		*out = st;
	return DW_ALLOW;
bad:
	return deny(why, DW_REFUSE_CONSTRAINT,
	    "dwAccountStatus must be exactly one of invited, active, "
	    "deactivated (lower case)");
}

enum dw_decision
dw_authz_status_change(const struct dw_authz_actor *a, bool create,
    bool has_old, enum dw_account_state old_st, bool has_new,
    enum dw_account_state new_st, bool self, struct dw_authz_denial *why)
{
	if (a == NULL)
		return deny(why, DW_REFUSE_ACCESS, "malformed request");
	if (create) {
		if (a->root || (has_new && new_st == DW_ACCOUNT_INVITED))
			return DW_ALLOW;
		return deny(why, DW_REFUSE_UNWILLING,
		    "an admin is added only by invitation (dwAccountStatus: "
		    "invited); accepting it makes the account active");
	}
	if (has_old == has_new && (!has_old || old_st == new_st))
		return DW_ALLOW; /* unchanged */
	if (self)
		return deny(why, DW_REFUSE_UNWILLING,
		    "a user cannot change their own account status");
	if (!has_new)
		return deny(why, DW_REFUSE_CONSTRAINT,
		    "dwAccountStatus cannot be removed");
	if (has_old && old_st == DW_ACCOUNT_ACTIVE &&
	    new_st == DW_ACCOUNT_DEACTIVATED)
		return DW_ALLOW;
	if (has_old && old_st == DW_ACCOUNT_DEACTIVATED &&
	    new_st == DW_ACCOUNT_ACTIVE)
		return DW_ALLOW;
	return deny(why, DW_REFUSE_UNWILLING,
	    "the only status changes are active -> deactivated and "
	    "deactivated -> active; an invitation becomes active only by "
	    "accepting it");
}

#define DW_AUTHZ_ADMIN_NAME_TEXT                                               \
	"an admin entry's DN must be uid=<e-mail address in lower case> "      \
	"directly below the admin base, with that one uid value (and mail, "   \
	"if any, equal to it)"

static bool
vals_all_eq(const struct dw_authz_vals *x, const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->v == NULL || x->len == NULL || x->v[i] == NULL ||
		    x->len[i] != len || memcmp(x->v[i], v, len) != 0)
			return false;
	return true;
}

enum dw_decision
dw_authz_admin_name(bool direct_child, bool rdn_is_uid, const char *rdn_val,
    size_t rdn_len, const struct dw_authz_vals *uid,
    const struct dw_authz_vals *mail, struct dw_authz_denial *why)
{
	char email[DW_EMAIL_MAX + 1];

	if (!direct_child || !rdn_is_uid || rdn_val == NULL ||
	    dw_email_normalize(rdn_val, rdn_len, email, sizeof(email)) !=
		DW_OK ||
	    strlen(email) != rdn_len || memcmp(email, rdn_val, rdn_len) != 0)
		return deny(why, DW_REFUSE_CONSTRAINT, DW_AUTHZ_ADMIN_NAME_TEXT);
	if (uid == NULL || uid->n != 1 || !vals_all_eq(uid, rdn_val, rdn_len))
		return deny(why, DW_REFUSE_CONSTRAINT, DW_AUTHZ_ADMIN_NAME_TEXT);
	if (mail != NULL && !vals_all_eq(mail, rdn_val, rdn_len))
		return deny(why, DW_REFUSE_CONSTRAINT, DW_AUTHZ_ADMIN_NAME_TEXT);
	return DW_ALLOW;
}

enum dw_decision
dw_authz_admin_name_modify(struct dw_authz_denial *why)
{
	return deny(why, DW_REFUSE_CONSTRAINT,
	    "uid and mail of an admin are its e-mail address and name: they "
	    "cannot be changed (invite the new address instead)");
}

enum dw_decision
dw_authz_policy_add(bool is_base, bool is_policy_entry, bool has_policy_class,
    struct dw_authz_denial *why)
{
	if (is_base)
		return DW_ALLOW;
	if (is_policy_entry && has_policy_class)
		return DW_ALLOW;
	return deny(why, DW_REFUSE_UNWILLING,
	    "only the security policy entry (cn=security, object class "
	    "dwSecurityPolicy) may be added below the policy base");
}

enum dw_decision
dw_authz_policy_rename(struct dw_authz_denial *why)
{
	return deny(why, DW_REFUSE_UNWILLING,
	    "entries of the policy subtree cannot be renamed or moved");
}

enum dw_decision
dw_authz_policy_delete(const struct dw_authz_actor *a,
    struct dw_authz_denial *why)
{
	if (a != NULL && a->root)
		return DW_ALLOW;
	return deny(why, DW_REFUSE_UNWILLING,
	    "the security policy cannot be deleted; change its values");
}

enum dw_decision
dw_authz_policy_attr(const char *name, size_t len, enum dw_policy_key *key,
    struct dw_authz_denial *why)
{
	enum dw_policy_key k;

	if (name == NULL)
		return deny(why, DW_REFUSE_CONSTRAINT, "malformed request");
	if (dw_policy_key_from_attr(name, len, &k) == DW_OK) {
		*key = k;
		return DW_ALLOW;
	}
	if (len >= 2 && (name[0] == 'd' || name[0] == 'D') &&
	    (name[1] == 'w' || name[1] == 'W'))
		return deny(why, DW_REFUSE_CONSTRAINT,
		    "the security policy entry holds no such dw attribute "
		    "(unknown policy attribute)");
	*key = DW_POL__COUNT;
	return DW_ALLOW;
}

static const char *const policy_rule_text[DW_POL__COUNT] = {
	[DW_POL_MFA_REQUIRED] = "dwMfaRequired: must be TRUE or FALSE",
	[DW_POL_IDLE_TIMEOUT] =
	    "dwSessionIdleTimeout: must be an integer from 60 to 86400 seconds",
	[DW_POL_IP_ALLOWLIST] = "dwIpAllowlist: must be an IPv4 or IPv6 "
				"address with an optional /prefix and no host "
				"bits set",
	[DW_POL_PW_MIN_LENGTH] =
	    "dwPasswordMinLength: must be an integer from 8 to 256",
	[DW_POL_PW_MIN_CLASSES] =
	    "dwPasswordMinClasses: must be an integer from 1 to 4",
	[DW_POL_PW_MAX_AGE] = "dwPasswordMaxAge: must be 0 (never) or an "
			      "integer from 86400 to 3153600000 seconds",
	[DW_POL_INVITE_LIFETIME] =
	    "dwInviteLifetime: must be an integer from 300 to 2592000 seconds",
	[DW_POL_AUDIT_RETENTION] =
	    "dwAuditRetentionMonths: must be an integer from 1 to 120",
};

static const char *const policy_required_text[DW_POL__COUNT] = {
	[DW_POL_MFA_REQUIRED] = "dwMfaRequired: required, cannot be deleted",
	[DW_POL_IDLE_TIMEOUT] =
	    "dwSessionIdleTimeout: required, cannot be deleted",
	[DW_POL_PW_MIN_LENGTH] =
	    "dwPasswordMinLength: required, cannot be deleted",
	[DW_POL_PW_MIN_CLASSES] =
	    "dwPasswordMinClasses: required, cannot be deleted",
	[DW_POL_PW_MAX_AGE] = "dwPasswordMaxAge: required, cannot be deleted",
	[DW_POL_INVITE_LIFETIME] =
	    "dwInviteLifetime: required, cannot be deleted",
	[DW_POL_AUDIT_RETENTION] =
	    "dwAuditRetentionMonths: required, cannot be deleted",
};

enum dw_decision
dw_authz_policy_value(enum dw_policy_key k, const char *v, size_t len,
    struct dw_authz_denial *why)
{
	struct dw_policy p;

	if ((int)k < 0 || k >= DW_POL__COUNT || v == NULL)
		return deny(why, DW_REFUSE_CONSTRAINT, "malformed request");
	dw_policy_default(&p);
	if (dw_policy_set(&p, k, v, len) != DW_OK)
		return deny(why, DW_REFUSE_CONSTRAINT, policy_rule_text[k]);
	return DW_ALLOW;
}

enum dw_decision
dw_authz_policy_remove(
    enum dw_policy_key k, bool inc, struct dw_authz_denial *why)
{
	if ((int)k < 0 || k >= DW_POL__COUNT)
		return deny(why, DW_REFUSE_CONSTRAINT, "malformed request");
	if (inc)
		return deny(why, DW_REFUSE_CONSTRAINT, policy_rule_text[k]);
	if (k == DW_POL_IP_ALLOWLIST)
		return DW_ALLOW;
	return deny(why, DW_REFUSE_CONSTRAINT, policy_required_text[k]);
}
