/*
 * test_authz.c: the write rules (dw_authz).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_authz.h"

#define S(x) x, sizeof(x) - 1
#define N(a) (sizeof(a) / sizeof((a)[0]))

enum who { ROOT, SUPER, SUPPORT, OPS, ADMINW, NOONE, SECW };

/* An actor from a built-in role, or a hand-made permission set. */
static struct dw_authz_actor
actor(enum who w)
{
	struct dw_authz_actor a;
	const struct dw_builtin_role *r;
	const char *name = NULL;
	size_t n, i, j;

	memset(&a, 0, sizeof(a));
	dw_perms_init(&a.perms);
	switch (w) {
	case ROOT:
		a.root = true;
		return a;
	case SUPER:
		name = DW_ROLE_SUPER_ADMIN;
		a.super_admin = true;
		break;
	case SUPPORT:
		name = "support";
		break;
	case OPS:
		name = "operations";
		break;
	case ADMINW: /* admin-users:write without being super-admin */
		assert_int_equal(
		    dw_perm_parse(S("admin-users:write"), &a.perms), DW_OK);
		return a;
	case SECW:
		assert_int_equal(
		    dw_perm_parse(S("security:write"), &a.perms), DW_OK);
		return a;
	case NOONE:
		return a;
	}
	r = dw_builtin_roles(&n);
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].name, name) != 0)
			continue;
		for (j = 0; r[i].perms[j] != NULL; j++)
			assert_int_equal(dw_perm_parse(r[i].perms[j],
					     strlen(r[i].perms[j]), &a.perms),
			    DW_OK);
		return a;
	}
	fail_msg("no built-in role %s", name);
	return a;
}

static void
test_actor_ok(void **state)
{
	static const struct {
		int line;
		struct dw_authz_actor_facts f;
		enum dw_decision want;
	} t[] = {
		{ __LINE__, { true, S("active"), true, S("support"), true,
				true }, DW_ALLOW },
		{ __LINE__, { true, S("ACTIVE"), true, S("super-admin"), true,
				true }, DW_ALLOW },
		{ __LINE__, { false, S("active"), true, S("support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("invited"), true, S("support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("deactivated"), true, S("support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("suspended"), true, S("support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, NULL, 0, true, S("support"), true, true },
		    DW_DENY },
		{ __LINE__, { true, S(""), true, S("support"), true, true },
		    DW_DENY },
		{ __LINE__, { true, S("active"), false, S("support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("active"), true, NULL, 0, true, true },
		    DW_DENY },
		{ __LINE__, { true, S("active"), true, S("not a role!"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("active"), true, S("Support"), true,
				true }, DW_DENY },
		{ __LINE__, { true, S("active"), true, S(""), true, true },
		    DW_DENY },
		{ __LINE__, { true, S("active"), true, S("support"), false,
				true }, DW_DENY },
		{ __LINE__, { true, S("active"), true, S("support"), true,
				false }, DW_DENY },
	};
	struct dw_authz_denial why;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&why, 0, sizeof(why));
		if (dw_authz_actor_ok(&t[i].f, &why) != t[i].want)
			fail_msg("line %d", t[i].line);
		if (t[i].want == DW_DENY) {
			assert_int_equal(why.kind, DW_REFUSE_ACCESS);
			assert_non_null(why.text);
		}
	}
	assert_int_equal(dw_authz_actor_ok(NULL, &why), DW_DENY);
	assert_int_equal(dw_authz_actor_ok(NULL, NULL), DW_DENY);
}

static void
test_admin_write(void **state)
{
	static const struct {
		int line;
		enum who who;
		unsigned changes;
		bool self;
		enum dw_decision want;
		enum dw_refusal kind;
		const char *text; /* a substring of the reason */
	} t[] = {
#define A DW_ALLOW, 0, NULL
#define D(k, s) DW_DENY, DW_REFUSE_##k, s
		/* Super Admin: everything on others. */
		{ __LINE__, SUPER, DW_ADMIN_SET_ROLE, false, A },
		{ __LINE__, SUPER, DW_ADMIN_DEACTIVATE, false, A },
		{ __LINE__, SUPER, DW_ADMIN_ACTIVATE, false, A },
		{ __LINE__, SUPER, DW_ADMIN_CREATE, false, A },
		{ __LINE__, SUPER, DW_ADMIN_DELETE, false, A },
		{ __LINE__, SUPER, DW_ADMIN_RENAME, false, A },
		{ __LINE__, SUPER, DW_ADMIN_PASSWORD, false, A },
		{ __LINE__, SUPER, DW_ADMIN_OTHER, false, A },
		{ __LINE__, SUPER, DW_ADMIN_SET_ROLE | DW_ADMIN_DEACTIVATE,
		    false, A },
		/* ... but not on themselves. */
		{ __LINE__, SUPER, DW_ADMIN_SET_ROLE, true,
		    D(UNWILLING, "own role") },
		{ __LINE__, SUPER, DW_ADMIN_DEACTIVATE, true,
		    D(UNWILLING, "deactivate themselves") },
		{ __LINE__, SUPER, DW_ADMIN_DELETE, true,
		    D(UNWILLING, "delete themselves") },
		{ __LINE__, SUPER, DW_ADMIN_RENAME, true,
		    D(UNWILLING, "rename themselves") },
		{ __LINE__, SUPER, DW_ADMIN_OTHER | DW_ADMIN_SET_ROLE, true,
		    D(UNWILLING, "own role") },
		{ __LINE__, SUPER, DW_ADMIN_PASSWORD, true, A },
		{ __LINE__, SUPER, DW_ADMIN_OTHER, true, A },
		/* Support: only its own password. */
		{ __LINE__, SUPPORT, DW_ADMIN_PASSWORD, true, A },
		{ __LINE__, SUPPORT, DW_ADMIN_PASSWORD | DW_ADMIN_OTHER, true,
		    D(ACCESS, "admin-users:write") },
		{ __LINE__, SUPPORT, DW_ADMIN_OTHER, true,
		    D(ACCESS, "admin-users:write") },
		{ __LINE__, SUPPORT, DW_ADMIN_SET_ROLE, false,
		    D(ACCESS, "changing a role needs admin-users:write") },
		{ __LINE__, SUPPORT, DW_ADMIN_SET_ROLE, true,
		    D(UNWILLING, "own role") },
		{ __LINE__, SUPPORT, DW_ADMIN_DEACTIVATE, false,
		    D(ACCESS, "deactivating") },
		{ __LINE__, SUPPORT, DW_ADMIN_ACTIVATE, false,
		    D(ACCESS, "admin-users:write") },
		{ __LINE__, SUPPORT, DW_ADMIN_CREATE, false,
		    D(ACCESS, "inviting") },
		{ __LINE__, SUPPORT, DW_ADMIN_DELETE, false,
		    D(ACCESS, "revoking") },
		{ __LINE__, SUPPORT, DW_ADMIN_RENAME, false,
		    D(ACCESS, "renaming") },
		{ __LINE__, SUPPORT, DW_ADMIN_PASSWORD, false,
		    D(ACCESS, "another admin's password") },
		{ __LINE__, OPS, DW_ADMIN_SET_ROLE, false,
		    D(ACCESS, "admin-users:write") },
		{ __LINE__, NOONE, DW_ADMIN_OTHER, false,
		    D(ACCESS, "admin-users:write") },
		/* admin-users:write without super-admin: no reactivation. */
		{ __LINE__, ADMINW, DW_ADMIN_SET_ROLE, false, A },
		{ __LINE__, ADMINW, DW_ADMIN_DEACTIVATE, false, A },
		{ __LINE__, ADMINW, DW_ADMIN_ACTIVATE, false,
		    D(ACCESS, "super-admin role") },
		{ __LINE__, ADMINW, DW_ADMIN_ACTIVATE | DW_ADMIN_SET_ROLE,
		    false, D(ACCESS, "super-admin role") },
		/* The rootdn skips these checks. */
		{ __LINE__, ROOT, DW_ADMIN_SET_ROLE, false, A },
		{ __LINE__, ROOT, DW_ADMIN_ACTIVATE, false, A },
		{ __LINE__, ROOT, 0, false, A },
		/* Nothing to do is still a write: only with permission. */
		{ __LINE__, SUPER, 0, false, D(ACCESS, "admin-users:write") },
		{ __LINE__, SUPPORT, 0, true, D(ACCESS, "admin-users:write") },
		/* Unknown bits: refused. */
		{ __LINE__, SUPER, 1u << 12, false, D(ACCESS, "malformed") },
		{ __LINE__, ROOT, 1u << 12, false, D(ACCESS, "malformed") },
#undef A
#undef D
	};
	struct dw_authz_denial why;
	struct dw_authz_actor a;
	size_t i;

	for (i = 0; i < N(t); i++) {
		a = actor(t[i].who);
		memset(&why, 0, sizeof(why));
		if (dw_authz_admin_write(&a, t[i].changes, t[i].self, &why) !=
		    t[i].want)
			fail_msg("line %d: wrong decision", t[i].line);
		if (t[i].want == DW_ALLOW)
			continue;
		if (why.kind != t[i].kind || why.text == NULL ||
		    strstr(why.text, t[i].text) == NULL)
			fail_msg("line %d: kind %d text \"%s\"", t[i].line,
			    (int)why.kind, why.text ? why.text : "(null)");
	}
	assert_int_equal(
	    dw_authz_admin_write(NULL, DW_ADMIN_OTHER, false, &why), DW_DENY);
	a = actor(SUPPORT);
	assert_int_equal(
	    dw_authz_admin_write(&a, DW_ADMIN_SET_ROLE, false, NULL), DW_DENY);
}

static void
test_last_super_admin(void **state)
{
	static const struct {
		int line;
		bool was, stays;
		unsigned long count;
		enum dw_decision want;
	} t[] = {
		{ __LINE__, true, false, 0, DW_DENY },
		{ __LINE__, true, false, 1, DW_DENY },
		{ __LINE__, true, false, 2, DW_ALLOW },
		{ __LINE__, true, false, 3, DW_ALLOW },
		{ __LINE__, true, false, (unsigned long)-1, DW_ALLOW },
		{ __LINE__, true, true, 1, DW_ALLOW },
		{ __LINE__, true, true, 0, DW_ALLOW },
		{ __LINE__, false, false, 0, DW_ALLOW },
		{ __LINE__, false, false, 1, DW_ALLOW },
		{ __LINE__, false, true, 1, DW_ALLOW },
	};
	struct dw_authz_denial why;
	size_t i;

	for (i = 0; i < N(t); i++) {
		memset(&why, 0, sizeof(why));
		if (dw_authz_last_super_admin(t[i].was, t[i].stays, t[i].count,
			&why) != t[i].want)
			fail_msg("line %d", t[i].line);
		if (t[i].want == DW_DENY) {
			assert_int_equal(why.kind, DW_REFUSE_UNWILLING);
			assert_non_null(strstr(why.text, "last active"));
		}
	}
}

/* Only the rootdn deletes the policy entry; a Super Admin changes values. */
static void
test_policy_delete(void **state)
{
	static const enum who who[] = { SUPER, SECW, ADMINW, SUPPORT, NOONE };
	struct dw_authz_denial why;
	struct dw_authz_actor a;
	size_t i;

	(void)state;
	a = actor(ROOT);
	assert_int_equal(dw_authz_policy_delete(&a, &why), DW_ALLOW);
	for (i = 0; i < N(who); i++) {
		a = actor(who[i]);
		memset(&why, 0, sizeof(why));
		assert_int_equal(dw_authz_policy_delete(&a, &why), DW_DENY);
		assert_int_equal(why.kind, DW_REFUSE_UNWILLING);
		assert_non_null(strstr(why.text, "cannot be deleted"));
	}
	assert_int_equal(dw_authz_policy_delete(NULL, &why), DW_DENY);
}

static void
test_policy_write(void **state)
{
	static const struct {
		enum who who;
		enum dw_decision want;
	} t[] = {
		{ ROOT, DW_ALLOW },
		{ SUPER, DW_ALLOW },
		{ SECW, DW_ALLOW },
		{ ADMINW, DW_DENY },
		{ SUPPORT, DW_DENY },
		{ OPS, DW_DENY },
		{ NOONE, DW_DENY },
	};
	struct dw_authz_denial why;
	struct dw_authz_actor a;
	size_t i;

	for (i = 0; i < N(t); i++) {
		a = actor(t[i].who);
		memset(&why, 0, sizeof(why));
		assert_int_equal(dw_authz_policy_write(&a, &why), t[i].want);
		if (t[i].want == DW_DENY) {
			assert_int_equal(why.kind, DW_REFUSE_ACCESS);
			assert_non_null(strstr(why.text, "security:write"));
		}
	}
	/* security:read is not enough. */
	a = actor(NOONE);
	assert_int_equal(dw_perm_parse(S("security:read"), &a.perms), DW_OK);
	assert_int_equal(dw_authz_policy_write(&a, &why), DW_DENY);
	assert_int_equal(dw_authz_policy_write(NULL, &why), DW_DENY);
}

static void
test_role_write(void **state)
{
	static const struct {
		int line;
		enum who who;
		enum dw_role_change change;
		bool builtin;
		unsigned long assigned;
		enum dw_decision want;
		enum dw_refusal kind;
		const char *text;
	} t[] = {
#define A DW_ALLOW, 0, NULL
#define D(k, s) DW_DENY, DW_REFUSE_##k, s
		{ __LINE__, SUPER, DW_ROLE_CREATE, false, 0, A },
		{ __LINE__, SUPER, DW_ROLE_MODIFY, false, 0, A },
		{ __LINE__, SUPER, DW_ROLE_MODIFY, false, 5, A },
		{ __LINE__, SUPER, DW_ROLE_DELETE, false, 0, A },
		{ __LINE__, SUPER, DW_ROLE_RENAME, false, 0, A },
		{ __LINE__, SUPER, DW_ROLE_DELETE, false, 1,
		    D(UNWILLING, "still assigned") },
		{ __LINE__, SUPER, DW_ROLE_RENAME, false, 2,
		    D(UNWILLING, "cannot be renamed") },
		{ __LINE__, SUPER, DW_ROLE_MODIFY, true, 0,
		    D(UNWILLING, "cannot be changed") },
		{ __LINE__, SUPER, DW_ROLE_RENAME, true, 0,
		    D(UNWILLING, "cannot be renamed") },
		{ __LINE__, SUPER, DW_ROLE_DELETE, true, 0,
		    D(UNWILLING, "cannot be deleted") },
		{ __LINE__, SUPER, DW_ROLE_CREATE, true, 0,
		    D(UNWILLING, "dwadm init") },
		/* Anyone else: not at all, not even with admin-users. */
		{ __LINE__, ADMINW, DW_ROLE_CREATE, false, 0,
		    D(ACCESS, "only the super-admin role") },
		{ __LINE__, SECW, DW_ROLE_MODIFY, false, 0,
		    D(ACCESS, "only the super-admin role") },
		{ __LINE__, SUPPORT, DW_ROLE_DELETE, false, 0,
		    D(ACCESS, "only the super-admin role") },
		{ __LINE__, OPS, DW_ROLE_RENAME, true, 3,
		    D(ACCESS, "only the super-admin role") },
		/* The rootdn: creates and deletes built-in roles (dwadm init
		 * and its rollback), never changes them, and the in-use rule
		 * holds for it too. */
		{ __LINE__, ROOT, DW_ROLE_CREATE, true, 0, A },
		{ __LINE__, ROOT, DW_ROLE_DELETE, true, 0, A },
		{ __LINE__, ROOT, DW_ROLE_CREATE, false, 0, A },
		{ __LINE__, ROOT, DW_ROLE_MODIFY, false, 0, A },
		{ __LINE__, ROOT, DW_ROLE_MODIFY, true, 0,
		    D(UNWILLING, "cannot be changed") },
		{ __LINE__, ROOT, DW_ROLE_RENAME, true, 0,
		    D(UNWILLING, "cannot be renamed") },
		{ __LINE__, ROOT, DW_ROLE_DELETE, true, 1,
		    D(UNWILLING, "still assigned") },
		{ __LINE__, ROOT, DW_ROLE_DELETE, false, 1,
		    D(UNWILLING, "still assigned") },
		{ __LINE__, SUPER, (enum dw_role_change)0, false, 0,
		    D(ACCESS, "malformed") },
		{ __LINE__, ROOT, (enum dw_role_change)99, false, 0,
		    D(ACCESS, "malformed") },
#undef A
#undef D
	};
	struct dw_authz_denial why;
	struct dw_authz_actor a;
	size_t i;

	for (i = 0; i < N(t); i++) {
		a = actor(t[i].who);
		memset(&why, 0, sizeof(why));
		if (dw_authz_role_write(&a, t[i].change, t[i].builtin,
			t[i].assigned, &why) != t[i].want)
			fail_msg("line %d: wrong decision", t[i].line);
		if (t[i].want == DW_ALLOW)
			continue;
		if (why.kind != t[i].kind || why.text == NULL ||
		    strstr(why.text, t[i].text) == NULL)
			fail_msg("line %d: kind %d text \"%s\"", t[i].line,
			    (int)why.kind, why.text ? why.text : "(null)");
	}
	assert_int_equal(dw_authz_role_write(NULL, DW_ROLE_CREATE, false, 0,
			     &why),
	    DW_DENY);
}

static void
test_role_perms(void **state)
{
	static const struct {
		int line;
		const char *v[4];
		bool builtin;
		enum dw_decision want;
		const char *text;
	} t[] = {
		{ __LINE__, { "logs:read", "customers:write" }, false,
		    DW_ALLOW, NULL },
		{ __LINE__, { "pii", "destructive", "plans:write" }, false,
		    DW_ALLOW, NULL },
		{ __LINE__, { NULL }, false, DW_ALLOW, NULL },
		{ __LINE__, { "logs:read", "nosuch:read" }, false, DW_DENY,
		    "unknown section" },
		{ __LINE__, { "logs" }, false, DW_DENY, "unknown section" },
		{ __LINE__, { "logs:admin" }, false, DW_DENY,
		    "unknown section" },
		{ __LINE__, { "" }, false, DW_DENY, "unknown section" },
		{ __LINE__, { "Logs:read" }, false, DW_DENY,
		    "unknown section" },
		{ __LINE__, { "admin-users:read" }, false, DW_DENY,
		    "super-admin role only" },
		{ __LINE__, { "logs:read", "security:write" }, false, DW_DENY,
		    "super-admin role only" },
		{ __LINE__, { "audit-log:read" }, false, DW_DENY,
		    "super-admin role only" },
		/* Built-in: the grammar only. */
		{ __LINE__, { "admin-users:write", "security:write" }, true,
		    DW_ALLOW, NULL },
		{ __LINE__, { "nosuch:write" }, true, DW_DENY,
		    "unknown section" },
	};
	struct dw_authz_denial why;
	struct dw_perms p;
	size_t i, n, lens[4];

	for (i = 0; i < N(t); i++) {
		for (n = 0; n < 4 && t[i].v[n] != NULL; n++)
			lens[n] = strlen(t[i].v[n]);
		memset(&why, 0, sizeof(why));
		memset(&p, 0xaa, sizeof(p));
		if (dw_authz_role_perms(t[i].v, lens, n, t[i].builtin, &p,
			&why) != t[i].want)
			fail_msg("line %d: wrong decision", t[i].line);
		if (t[i].want == DW_ALLOW)
			continue;
		if (why.kind != DW_REFUSE_CONSTRAINT ||
		    strstr(why.text, t[i].text) == NULL)
			fail_msg("line %d: \"%s\"", t[i].line, why.text);
		/* *out untouched on a denial. */
		assert_int_equal(((unsigned char *)&p)[0], 0xaa);
	}
	/* The parsed set comes back. */
	{
		const char *v[] = { "customers:write", "pii" };
		size_t l[] = { 15, 3 };

		assert_int_equal(
		    dw_authz_role_perms(v, l, 2, false, &p, &why), DW_ALLOW);
		assert_int_equal(dw_perm_allows(&p, DW_SEC_CUSTOMERS,
				     DW_ACCESS_WRITE),
		    DW_ALLOW);
		assert_int_equal(
		    dw_perm_allows(&p, DW_SEC_LOGS, DW_ACCESS_READ), DW_DENY);
		assert_true(p.pii);
		assert_false(p.destructive);
		/* A NUL inside a value is no section. */
		l[0] = 16;
		assert_int_equal(
		    dw_authz_role_perms(v, l, 1, false, &p, &why), DW_DENY);
		assert_int_equal(
		    dw_authz_role_perms(NULL, NULL, 1, false, &p, &why),
		    DW_DENY);
		assert_int_equal(
		    dw_authz_role_perms(NULL, NULL, 0, false, NULL, &why),
		    DW_ALLOW);
	}
}

static void
test_review_rules(void **state)
{
	struct dw_authz_denial why;
	struct dw_authz_actor root = actor(ROOT), sa = actor(SUPER);
	enum dw_account_state st;
	enum dw_policy_key k;
	const char *u1[] = { "a@x.io" }, *u2[] = { "a@x.io", "b@x.io" };
	const char *mb[] = { "b@x.io" };
	size_t l1[] = { 6 }, l2[] = { 6, 6 };
	struct dw_authz_vals uid1 = { u1, l1, 1 }, uid2 = { u2, l2, 2 };
	struct dw_authz_vals mail_bad = { mb, l1, 1 }, none = { NULL, NULL, 0 };

	(void)state;
	/* 1. roles are exact bytes */
	assert_int_equal(dw_authz_role_value(S("SUPER-ADMIN"), true, &why),
	    DW_DENY);
	assert_int_equal(why.kind, DW_REFUSE_CONSTRAINT);
	assert_int_equal(dw_authz_role_value(S("support"), false, &why),
	    DW_DENY);
	assert_int_equal(dw_authz_role_value(S("support"), true, &why),
	    DW_ALLOW);
	assert_true(dw_authz_role_differs(S("super-admin"), S("SUPER-ADMIN")));
	assert_false(dw_authz_role_differs(S("support"), S("support")));
	assert_true(dw_authz_role_differs(NULL, 0, S("support")));
	assert_true(dw_authz_role_is_super_admin(S("super-admin")));
	assert_false(dw_authz_role_is_super_admin(S("Super-Admin")));
	assert_false(dw_authz_role_is_super_admin(S("super-admin ")));
	/* 4. exact status */
	assert_int_equal(dw_authz_status_value(S("active"), &st, &why),
	    DW_ALLOW);
	assert_int_equal(st, DW_ACCOUNT_ACTIVE);
	assert_int_equal(dw_authz_status_value(S("active "), &st, &why),
	    DW_DENY);
	assert_int_equal(dw_authz_status_value(S("Active"), &st, &why),
	    DW_DENY);
	assert_int_equal(dw_authz_status_value(S("suspended"), &st, &why),
	    DW_DENY);
	/* 5. transitions */
	assert_int_equal(dw_authz_status_change(&sa, true, false, 0, true,
			     DW_ACCOUNT_INVITED, false, &why), DW_ALLOW);
	assert_int_equal(dw_authz_status_change(&sa, true, false, 0, true,
			     DW_ACCOUNT_ACTIVE, false, &why), DW_DENY);
	assert_int_equal(dw_authz_status_change(&root, true, false, 0, true,
			     DW_ACCOUNT_ACTIVE, false, &why), DW_ALLOW);
	assert_int_equal(dw_authz_status_change(&sa, false, true,
			     DW_ACCOUNT_ACTIVE, true, DW_ACCOUNT_INVITED,
			     false, &why), DW_DENY);
	assert_int_equal(dw_authz_status_change(&root, false, true,
			     DW_ACCOUNT_INVITED, true, DW_ACCOUNT_ACTIVE,
			     false, &why), DW_DENY);
	assert_int_equal(dw_authz_status_change(&sa, false, true,
			     DW_ACCOUNT_ACTIVE, true, DW_ACCOUNT_DEACTIVATED,
			     true, &why), DW_DENY);
	assert_int_equal(why.kind, DW_REFUSE_UNWILLING);
	assert_int_equal(dw_authz_status_change(&sa, false, true,
			     DW_ACCOUNT_ACTIVE, false, 0, false, &why), DW_DENY);
	assert_int_equal(dw_authz_status_change(&sa, false, true,
			     DW_ACCOUNT_ACTIVE, true, DW_ACCOUNT_DEACTIVATED,
			     false, &why), DW_ALLOW);
	assert_int_equal(dw_authz_status_change(&sa, false, true,
			     DW_ACCOUNT_DEACTIVATED, true, DW_ACCOUNT_ACTIVE,
			     false, &why), DW_ALLOW);
	/* 3. names */
	assert_int_equal(dw_authz_admin_name(true, true, S("a@x.io"), &uid1,
			     &none, &why), DW_ALLOW);
	assert_int_equal(dw_authz_admin_name(true, true, S("a@x.io"), &uid2,
			     &none, &why), DW_DENY);
	assert_int_equal(dw_authz_admin_name(true, true, S("a@x.io"), &uid1,
			     &mail_bad, &why), DW_DENY);
	assert_int_equal(dw_authz_admin_name(false, true, S("a@x.io"), &uid1,
			     &none, &why), DW_DENY);
	assert_int_equal(dw_authz_admin_name(true, true, S("A@x.io"), &uid1,
			     &none, &why), DW_DENY);
	/* 2, 6. policy */
	assert_int_equal(dw_authz_policy_add(false, false, true, &why),
	    DW_DENY);
	assert_int_equal(dw_authz_policy_add(false, true, true, &why),
	    DW_ALLOW);
	assert_int_equal(dw_authz_policy_attr(S("dwBogus"), &k, &why),
	    DW_DENY);
	assert_int_equal(dw_authz_policy_attr(S("description"), &k, &why),
	    DW_ALLOW);
	assert_int_equal(k, DW_POL__COUNT);
	assert_int_equal(dw_authz_policy_attr(S("dwPasswordMinLength"), &k,
			     &why), DW_ALLOW);
	assert_int_equal(dw_authz_policy_value(k, S("0"), &why), DW_DENY);
	assert_non_null(strstr(why.text, "dwPasswordMinLength"));
	assert_int_equal(dw_authz_policy_value(k, S("12"), &why), DW_ALLOW);
	assert_int_equal(dw_authz_policy_value(DW_POL_IP_ALLOWLIST,
			     S("garbage"), &why), DW_DENY);
	assert_int_equal(dw_authz_policy_remove(DW_POL_INVITE_LIFETIME, false,
			     &why), DW_DENY);
	assert_int_equal(dw_authz_policy_remove(DW_POL_IP_ALLOWLIST, false,
			     &why), DW_ALLOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actor_ok),
		cmocka_unit_test(test_admin_write),
		cmocka_unit_test(test_last_super_admin),
		cmocka_unit_test(test_policy_write),
		cmocka_unit_test(test_policy_delete),
		cmocka_unit_test(test_role_write),
		cmocka_unit_test(test_role_perms),
		cmocka_unit_test(test_review_rules),
	};

	return cmocka_run_group_tests_name("dw_authz", tests, NULL, NULL);
}
