/*
 * dw_authz.h: who may change what in the directory.
 *
 * Pure decisions (no slapd or libldap types): the overlay gathers the
 * facts (the actor's role and permissions, the target's old and new
 * state, counts from internal searches) and asks one function per rule;
 * dwadm asks the same functions.  Every function denies by default and,
 * when it denies, fills a struct dw_authz_denial with a static English
 * text (no input in it) and the kind of refusal.
 */
#ifndef DW_AUTHZ_H
#define DW_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>
#include "dw_err.h"
#include "dw_account.h"
#include "dw_perm.h"
#include "dw_policy.h"

/* Why a write is refused: a missing permission, or a rule that holds
 * whoever asks (the LDAP side maps these to insufficientAccess,
 * constraintViolation and unwillingToPerform). */
enum dw_refusal {
	DW_REFUSE_ACCESS = 1,
	DW_REFUSE_CONSTRAINT,
	DW_REFUSE_UNWILLING,
};

struct dw_authz_denial {
	enum dw_refusal kind;
	const char *text; /* static, never NULL after a denial */
};

/* Who is writing. */
struct dw_authz_actor {
	bool root;	  /* the database's rootdn: role checks skipped */
	bool super_admin; /* holds the super-admin role */
	struct dw_perms perms;
};

/* What is known about an actor that is not the rootdn. */
struct dw_authz_actor_facts {
	bool admin_entry;   /* an entry directly below the admin base */
	const char *status; /* its dwAccountStatus (NULL: none) */
	size_t status_len;
	bool role_single;   /* exactly one dwRole value */
	const char *role;   /* that value */
	size_t role_len;
	bool role_found;    /* cn=<role> exists under the role base */
	bool perms_ok;	    /* every dwPermission value parsed */
};

/*
 * The actor rule: an identity other than the rootdn may write only as an
 * active admin entry whose single, well-formed dwRole names an existing
 * role whose permissions all parse.  Anything missing or malformed
 * denies (DW_REFUSE_ACCESS).
 */
enum dw_decision dw_authz_actor_ok(
    const struct dw_authz_actor_facts *f, struct dw_authz_denial *why);

/* Changes to an admin entry (one write may carry several). */
enum dw_admin_change {
	DW_ADMIN_CREATE = 1 << 0,     /* add (an invitation included) */
	DW_ADMIN_DELETE = 1 << 1,     /* delete (a revocation included) */
	DW_ADMIN_RENAME = 1 << 2,     /* modrdn, or a move */
	DW_ADMIN_SET_ROLE = 1 << 3,   /* dwRole changes */
	DW_ADMIN_DEACTIVATE = 1 << 4, /* dwAccountStatus becomes deactivated */
	DW_ADMIN_ACTIVATE = 1 << 5,   /* dwAccountStatus becomes active */
	DW_ADMIN_PASSWORD = 1 << 6,   /* userPassword (exop or modify) */
	DW_ADMIN_OTHER = 1 << 7,      /* anything else */
};

/*
 * Writes at or below the admin base.  changes is a set of
 * enum dw_admin_change; self: the actor is the target.
 * - Only a password change on one's own entry needs no permission.
 * - A user cannot change their own role, deactivate, delete or rename
 *   themselves (DW_REFUSE_UNWILLING).
 * - Everything else needs admin-users:write (DW_REFUSE_ACCESS).
 * - Making an account active (reactivation) needs the super-admin role.
 * - The rootdn is allowed (its invariants are checked apart).
 * An empty change set is allowed for nobody but the rootdn.
 */
enum dw_decision dw_authz_admin_write(const struct dw_authz_actor *a,
    unsigned changes, bool self, struct dw_authz_denial *why);

/*
 * The last-super-admin invariant, for everyone (the rootdn too): a write
 * that leaves the target no longer an active super-admin (it was one
 * before; it is deactivated, demoted, deleted or renamed) is refused
 * when active_super_admins (counted under the same lock that serialises
 * these writes) is 1 or less.  DW_REFUSE_UNWILLING.
 */
enum dw_decision dw_authz_last_super_admin(bool was_active_super_admin,
    bool stays_active_super_admin, unsigned long active_super_admins,
    struct dw_authz_denial *why);

/* Writes to the security policy entry: security:write. */
enum dw_decision dw_authz_policy_write(
    const struct dw_authz_actor *a, struct dw_authz_denial *why);

enum dw_role_change {
	DW_ROLE_CREATE = 1,
	DW_ROLE_MODIFY,
	DW_ROLE_DELETE,
	DW_ROLE_RENAME,
};

/*
 * Writes at or below the role base.
 * - Only the super-admin role may create, modify, delete or rename
 *   (DW_REFUSE_ACCESS); the rootdn may too.
 * - builtin (the entry has dwBuiltin TRUE, or the write would give it
 *   one): a built-in role cannot be modified or renamed by anyone, nor
 *   deleted, nor created, except by the rootdn (dwadm init creates them
 *   and deletes them when it rolls back).  DW_REFUSE_UNWILLING.
 * - A role assigned to any admin (assigned > 0) cannot be deleted or
 *   renamed, by anyone.  DW_REFUSE_UNWILLING.
 */
enum dw_decision dw_authz_role_write(const struct dw_authz_actor *a,
    enum dw_role_change change, bool builtin, unsigned long assigned,
    struct dw_authz_denial *why);

/*
 * Validate the dwPermission values of a role: vals[i] of lens[i] bytes,
 * n of them.  A custom role (builtin false) goes through
 * dw_perm_parse_custom: an unknown section or malformed value and a
 * super-admin-only section are refused (DW_REFUSE_CONSTRAINT); a
 * built-in role through dw_perm_parse.  On success *out (may be NULL)
 * holds the parsed set.
 */
enum dw_decision dw_authz_role_perms(const char *const *vals,
    const size_t *lens, size_t n, bool builtin, struct dw_perms *out,
    struct dw_authz_denial *why);

/* ---- values and shapes (review fixes) ------------------------------- */

/*
 * Role values.  Role names are exact lower-case byte strings: a dwRole
 * value, whoever writes it (the rootdn too), must pass
 * dw_role_name_check and name an existing role entry exactly
 * (role_exists: the overlay found cn=<v> whose name is byte-for-byte v).
 * DW_REFUSE_CONSTRAINT.
 */
enum dw_decision dw_authz_role_value(const char *v, size_t len,
    bool role_exists, struct dw_authz_denial *why);

/* Do two dwRole values (NULL: none) differ?  Exact bytes: any write that
 * stores a different byte string is a role change. */
bool dw_authz_role_differs(
    const char *a, size_t alen, const char *b, size_t blen);

/* Is v exactly the super-admin role name (bytes)? */
bool dw_authz_role_is_super_admin(const char *v, size_t len);

/*
 * dwAccountStatus values: exactly "invited", "active" or "deactivated"
 * (canonical lower case, no spaces), on every write, the rootdn's too.
 * On success *out (may be NULL) is the state.  DW_REFUSE_CONSTRAINT.
 */
enum dw_decision dw_authz_status_value(const char *v, size_t len,
    enum dw_account_state *out, struct dw_authz_denial *why);

/*
 * Account status transitions of a client write (the accept-invite
 * operation is the overlay's own and never asks).  has_old/has_new:
 * the entry has a status before/after the write.
 * - create (an add): a client adds only an invited account (an
 *   invitation); the rootdn may add any state (dwadm init, seeding).
 * - modify, unchanged: allowed.
 * - a user never changes their own status (DW_REFUSE_UNWILLING).
 * - the status cannot be removed (DW_REFUSE_CONSTRAINT).
 * - the only changes are active -> deactivated and deactivated ->
 *   active (who may do them: dw_authz_admin_write), for the rootdn too;
 *   anything else (-> invited, invited -> active, none -> any) is
 *   DW_REFUSE_UNWILLING.
 */
enum dw_decision dw_authz_status_change(const struct dw_authz_actor *a,
    bool create, bool has_old, enum dw_account_state old_st, bool has_new,
    enum dw_account_state new_st, bool self, struct dw_authz_denial *why);

/* Values of one attribute, for the shape rules. */
struct dw_authz_vals {
	const char *const *v;
	const size_t *len;
	size_t n;
};

/*
 * The name of an entry added below the admin base: a direct child
 * (direct_child) named uid=<e-mail> (rdn_is_uid: one AVA, attribute uid)
 * whose value dw_email_normalize returns unchanged, with exactly one uid
 * value equal (bytes) to it and every mail value (if any) equal to it
 * too.  For everyone, the rootdn included.  DW_REFUSE_CONSTRAINT.
 */
enum dw_decision dw_authz_admin_name(bool direct_child, bool rdn_is_uid,
    const char *rdn_val, size_t rdn_len, const struct dw_authz_vals *uid,
    const struct dw_authz_vals *mail, struct dw_authz_denial *why);

/* A modify of an admin entry's uid or mail (they are its name):
 * refused for everyone.  DW_REFUSE_CONSTRAINT. */
enum dw_decision dw_authz_admin_name_modify(struct dw_authz_denial *why);

/*
 * The policy subtree (the policy base and everything below it): every
 * write needs security:write (dw_authz_policy_write).  An add is allowed
 * only of the policy base itself (is_base) or of the policy entry
 * (is_policy_entry) with object class dwSecurityPolicy
 * (has_policy_class); renames are refused.  DW_REFUSE_UNWILLING.
 */
enum dw_decision dw_authz_policy_add(bool is_base, bool is_policy_entry,
    bool has_policy_class, struct dw_authz_denial *why);
enum dw_decision dw_authz_policy_rename(struct dw_authz_denial *why);
/*
 * Deleting the policy entry or base: only the rootdn (dwadm init's
 * rollback).  Without the entry every invitation and policy read fails
 * closed, so an admin changes values instead.  DW_REFUSE_UNWILLING.
 */
enum dw_decision dw_authz_policy_delete(
    const struct dw_authz_actor *a, struct dw_authz_denial *why);

/*
 * An attribute written on the policy entry: a policy attribute (*key
 * set), or any other attribute whose name does not start with "dw"
 * (*key = DW_POL__COUNT).  An unknown dw* attribute is refused
 * (DW_REFUSE_CONSTRAINT).
 */
enum dw_decision dw_authz_policy_attr(const char *name, size_t len,
    enum dw_policy_key *key, struct dw_authz_denial *why);
/* One value written to key k, validated with dw_policy_set; the text
 * names the attribute and its rule.  DW_REFUSE_CONSTRAINT. */
enum dw_decision dw_authz_policy_value(enum dw_policy_key k, const char *v,
    size_t len, struct dw_authz_denial *why);
/* Removing key k's value (delete, or replace with nothing): allowed only
 * for dwIpAllowlist (every other key is required).  Incrementing (inc)
 * any policy key is refused too.  DW_REFUSE_CONSTRAINT. */
enum dw_decision dw_authz_policy_remove(
    enum dw_policy_key k, bool inc, struct dw_authz_denial *why);

#endif
