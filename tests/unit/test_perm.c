/*
 * test_perm.c: sections, the permission grammar, the rule and the
 * built-in roles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dw_perm.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

#define N	DW_ACCESS_NONE
#define R	DW_ACCESS_READ
#define W	DW_ACCESS_WRITE

static const char *const names[DW_SEC__COUNT] = {
	"command-center", "monitoring", "logs", "telephony",
	"finance-dashboard", "subscriptions", "plans", "promotions",
	"customers", "customer-users", "feature-flags", "api-settings",
	"admin-users", "security", "audit-log",
};

static void
test_sections(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
	} bad[] = {
		ROW(S("")), ROW(S("-1")), ROW(S("Logs")), ROW(S("LOGS")),
		ROW(S("logs ")), ROW(S(" logs")), ROW(S("log")),
		ROW(S("logs\0")), ROW(S("lo\0gs")), ROW(S("logs:read")),
		ROW(S("admin_users")), ROW(S("pii")), ROW(S("\xff")),
	};
	enum dw_section	sec;
	size_t		i;

	for (i = 0; i < DW_SEC__COUNT; i++) {
		assert_string_equal(dw_section_name((enum dw_section)i),
		    names[i]);
		sec = DW_SEC__COUNT;
		assert_int_equal(dw_section_parse(names[i], strlen(names[i]),
		    &sec), DW_OK);
		assert_int_equal(sec, i);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sec = DW_SEC__COUNT;
		if (dw_section_parse(bad[i].s, bad[i].len, &sec) !=
		    DW_ERR_INVAL || sec != DW_SEC__COUNT)
			fail_msg("row at line %d: accepted", bad[i].line);
	}
	assert_int_equal(dw_section_parse(NULL, 0, &sec), DW_ERR_INVAL);
	assert_int_equal(dw_section_parse(S("logs"), NULL), DW_ERR_INVAL);
	assert_string_equal(dw_section_name(DW_SEC__COUNT), "invalid");
	assert_string_equal(dw_section_name((enum dw_section)-1), "invalid");

	for (i = 0; i < DW_SEC__COUNT; i++)
		assert_int_equal(dw_section_super_admin_only(
		    (enum dw_section)i), i == DW_SEC_ADMIN_USERS ||
		    i == DW_SEC_SECURITY || i == DW_SEC_AUDIT_LOG);
}

static void
test_parse(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc, rc_custom;
		int		 sec;		/* -1: a flag */
		unsigned char	 level;
		bool		 pii, destructive;
	} t[] = {
		ROW(S("logs:read"), DW_OK, DW_OK, DW_SEC_LOGS, R, false,
		    false),
		ROW(S("logs:write"), DW_OK, DW_OK, DW_SEC_LOGS, W, false,
		    false),
		ROW(S("api-settings:write"), DW_OK, DW_OK,
		    DW_SEC_API_SETTINGS, W, false, false),
		ROW(S("pii"), DW_OK, DW_OK, -1, N, true, false),
		ROW(S("destructive"), DW_OK, DW_OK, -1, N, false, true),
		ROW(S("admin-users:read"), DW_OK, DW_ERR_DENIED,
		    DW_SEC_ADMIN_USERS, R, false, false),
		ROW(S("security:write"), DW_OK, DW_ERR_DENIED,
		    DW_SEC_SECURITY, W, false, false),
		ROW(S("audit-log:read"), DW_OK, DW_ERR_DENIED,
		    DW_SEC_AUDIT_LOG, R, false, false),
		ROW(S(""), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false, false),
		ROW(S("-1"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false, false),
		ROW(S("logs"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs:"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S(":read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S(":"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false, false),
		ROW(S("logs:READ"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("Logs:read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs:read:write"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N,
		    false, false),
		ROW(S("logs:readx"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs:none"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs: read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("nosuch:read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("*:write"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("PII"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false, false),
		ROW(S("pii "), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("pii\0"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs:read\0"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("logs\0:read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("super-admin"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
		ROW(S("\xff:read"), DW_ERR_INVAL, DW_ERR_INVAL, -1, N, false,
		    false),
	};
	struct dw_perms	p, before;
	size_t		i, k;
	int		custom, rc, want;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (custom = 0; custom < 2; custom++) {
			dw_perms_init(&p);
			memcpy(&before, &p, sizeof(p));
			rc = custom ? dw_perm_parse_custom(t[i].s, t[i].len,
			    &p) : dw_perm_parse(t[i].s, t[i].len, &p);
			want = custom ? t[i].rc_custom : t[i].rc;
			if (rc != want)
				fail_msg("row at line %d (custom %d): rc %d, "
				    "want %d", t[i].line, custom, rc, want);
			if (rc != DW_OK) {
				if (memcmp(&p, &before, sizeof(p)) != 0)
					fail_msg("row at line %d: changed on "
					    "error", t[i].line);
				continue;
			}
			for (k = 0; k < DW_SEC__COUNT; k++)
				if (p.level[k] != ((int)k == t[i].sec ?
				    t[i].level : N))
					fail_msg("row at line %d: level of %s",
					    t[i].line, names[k]);
			if (p.pii != t[i].pii ||
			    p.destructive != t[i].destructive)
				fail_msg("row at line %d: flags", t[i].line);
		}
	}
	assert_int_equal(dw_perm_parse(NULL, 0, &p), DW_ERR_INVAL);
	assert_int_equal(dw_perm_parse(S("pii"), NULL), DW_ERR_INVAL);

	/* write implies read; a later read does not lower it. */
	dw_perms_init(&p);
	assert_int_equal(dw_perm_parse(S("logs:write"), &p), DW_OK);
	assert_int_equal(dw_perm_parse(S("logs:read"), &p), DW_OK);
	assert_int_equal(p.level[DW_SEC_LOGS], W);
	dw_perms_init(&p);
	assert_int_equal(dw_perm_parse(S("logs:read"), &p), DW_OK);
	assert_int_equal(dw_perm_parse(S("logs:write"), &p), DW_OK);
	assert_int_equal(p.level[DW_SEC_LOGS], W);
	dw_perms_init(NULL);
}

static void
test_allows(void **state)
{
	static const struct {
		int			line;
		int			sec;
		int			want;
		enum dw_decision	d;
	} t[] = {
		ROW(DW_SEC_LOGS, R, DW_ALLOW),
		ROW(DW_SEC_LOGS, W, DW_DENY),
		ROW(DW_SEC_MONITORING, R, DW_ALLOW),
		ROW(DW_SEC_MONITORING, W, DW_ALLOW),
		ROW(DW_SEC_CUSTOMERS, R, DW_DENY),
		ROW(DW_SEC_CUSTOMERS, W, DW_DENY),
		ROW(DW_SEC_LOGS, N, DW_DENY),
		ROW(DW_SEC_MONITORING, N, DW_DENY),
		ROW(DW_SEC_MONITORING, 3, DW_DENY),
		ROW(DW_SEC_MONITORING, -1, DW_DENY),
		ROW(DW_SEC__COUNT, R, DW_DENY),
		ROW(-1, R, DW_DENY),
		ROW(1000, R, DW_DENY),
	};
	struct dw_perms	p, empty;
	size_t		i, k;

	dw_perms_init(&p);
	assert_int_equal(dw_perm_parse(S("logs:read"), &p), DW_OK);
	assert_int_equal(dw_perm_parse(S("monitoring:write"), &p), DW_OK);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_perm_allows(&p, (enum dw_section)t[i].sec,
		    (enum dw_access)t[i].want) != t[i].d)
			fail_msg("row at line %d: wrong decision", t[i].line);

	/* Nothing is granted by default, and pii grants no section. */
	dw_perms_init(&empty);
	assert_int_equal(dw_perm_parse(S("pii"), &empty), DW_OK);
	assert_int_equal(dw_perm_parse(S("destructive"), &empty), DW_OK);
	for (k = 0; k < DW_SEC__COUNT; k++) {
		assert_int_equal(dw_perm_allows(&empty, (enum dw_section)k, R),
		    DW_DENY);
		assert_int_equal(dw_perm_allows(&empty, (enum dw_section)k, W),
		    DW_DENY);
	}
	assert_int_equal(dw_perm_allows(NULL, DW_SEC_LOGS, R), DW_DENY);
	/* A corrupt level grants nothing. */
	p.level[DW_SEC_PLANS] = 200;
	assert_int_equal(dw_perm_allows(&p, DW_SEC_PLANS, R), DW_DENY);
	assert_int_equal(dw_perm_allows(&p, DW_SEC_PLANS, W), DW_DENY);
}

static void
test_role_names(void **state)
{
	static const struct {
		int		 line;
		const char	*s;
		size_t		 len;
		int		 rc;
	} t[] = {
		ROW(S("a"), DW_OK),
		ROW(S("super-admin"), DW_OK),
		ROW(S("tier2-support"), DW_OK),
		ROW(S("a1-"), DW_OK),
		ROW(S("a--b"), DW_OK),
		ROW(S(""), DW_ERR_INVAL),
		ROW(S("-1"), DW_ERR_INVAL),
		ROW(S("1a"), DW_ERR_INVAL),
		ROW(S("-a"), DW_ERR_INVAL),
		ROW(S("A"), DW_ERR_INVAL),
		ROW(S("Support"), DW_ERR_INVAL),
		ROW(S("a_b"), DW_ERR_INVAL),
		ROW(S("a b"), DW_ERR_INVAL),
		ROW(S("a,b"), DW_ERR_INVAL),
		ROW(S("a=b"), DW_ERR_INVAL),
		ROW(S("a*"), DW_ERR_INVAL),
		ROW(S("a\0b"), DW_ERR_INVAL),
		ROW(S("a\0"), DW_ERR_INVAL),
		ROW(S("\xc3\xa4"), DW_ERR_INVAL),
		ROW(S("a\xc3\xa4"), DW_ERR_INVAL),
	};
	char	name[DW_ROLE_NAME_MAX + 2];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dw_role_name_check(t[i].s, t[i].len) != t[i].rc)
			fail_msg("row at line %d: wrong answer", t[i].line);
	memset(name, 'r', sizeof(name));
	assert_int_equal(dw_role_name_check(name, DW_ROLE_NAME_MAX), DW_OK);
	assert_int_equal(dw_role_name_check(name, DW_ROLE_NAME_MAX + 1),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_role_name_check(NULL, 0), DW_ERR_INVAL);
}

/* The built-in roles, exactly as the issue lists them. */
static void
test_builtin_roles(void **state)
{
	static const struct {
		const char	*name;
		unsigned char	 level[DW_SEC__COUNT];
		bool		 pii, destructive;
	} want[] = {
		{ "super-admin",
		  { W, W, W, W, W, W, W, W, W, W, W, W, W, W, W },
		  true, true },
		{ "operations",
		  { W, W, W, W, N, N, N, N, N, N, N, N, N, N, N },
		  false, false },
		{ "finance",
		  { N, N, N, N, W, W, W, W, N, N, N, N, N, N, N },
		  false, false },
		{ "support",
		  { N, N, R, N, N, N, N, N, R, R, N, N, N, N, N },
		  false, false },
		{ "developer",
		  { N, W, W, N, N, N, N, N, N, N, W, W, N, N, N },
		  false, false },
	};
	const struct dw_builtin_role	*roles;
	const char *const		*v;
	struct dw_perms			 p;
	size_t				 n = 0, i, k;

	roles = dw_builtin_roles(&n);
	assert_non_null(roles);
	assert_int_equal(n, 5);
	assert_non_null(dw_builtin_roles(NULL));
	assert_string_equal(roles[0].name, DW_ROLE_SUPER_ADMIN);
	for (i = 0; i < n; i++) {
		assert_string_equal(roles[i].name, want[i].name);
		assert_int_equal(dw_role_name_check(roles[i].name,
		    strlen(roles[i].name)), DW_OK);
		assert_non_null(roles[i].description);
		assert_true(strlen(roles[i].description) > 0);
		dw_perms_init(&p);
		for (v = roles[i].perms; *v != NULL; v++) {
			if (dw_perm_parse(*v, strlen(*v), &p) != DW_OK)
				fail_msg("%s: bad value %s", roles[i].name,
				    *v);
			/* Only super-admin names the reserved sections. */
			if (i > 0 && dw_perm_parse_custom(*v, strlen(*v),
			    &p) != DW_OK)
				fail_msg("%s: reserved value %s",
				    roles[i].name, *v);
		}
		for (k = 0; k < DW_SEC__COUNT; k++)
			if (p.level[k] != want[i].level[k])
				fail_msg("%s: %s is %d, want %d",
				    roles[i].name, names[k], p.level[k],
				    want[i].level[k]);
		if (p.pii != want[i].pii ||
		    p.destructive != want[i].destructive)
			fail_msg("%s: wrong flags", roles[i].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_builtin_roles),
	};

	return cmocka_run_group_tests_name("dw_perm", tests, NULL, NULL);
}
