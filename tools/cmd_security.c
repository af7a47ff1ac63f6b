/*
 * cmd_security.c: "dwadm security show" and "dwadm security set": the
 * organisation-wide security policy, cn=security,ou=policy,BASE.
 *
 * Every value is validated here with dw_policy_set, the function the
 * overlay uses, before anything is sent; the overlay validates again and
 * is the authority.  All the changes of one "set" go in one modify, so
 * the server applies all of them or none.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dw_policy.h"
#include "dwadm.h"

#define POLICY_RDN	"cn=security,ou=policy"
#define POLICY_FILTER	"(objectClass=dwSecurityPolicy)"
#define VALUE_MAX	64	/* bytes of a formatted single value */
#define CELL		512
#define MAX_IP_OPTS	DW_POLICY_ALLOW_MAX
#define EVERYONE	"(everyone)"	/* shown for an empty allowlist */

static const char security_help[] =
"usage: dwadm [global options] security show [--json]\n"
"       dwadm [global options] security set KEY=VALUE... [--add-ip CIDR]...\n"
"                                  [--remove-ip CIDR]...\n"
"\n"
"  show   every setting of the security policy with its value; values\n"
"         equal to the default are marked \"(default)\"; the IP allowlist\n"
"         one range a line\n"
"  set    change settings, all in one write: a bad value changes nothing\n"
"\n"
"Settings (KEY):\n"
"  mfa-required          true or false: admins must use TOTP MFA\n"
"  session-timeout       idle portal session timeout, 60..86400 seconds\n"
"  ip-allowlist          comma-separated IPv4/IPv6 CIDR ranges allowed to\n"
"                        log in; \"\" = everyone (no host bits below the\n"
"                        prefix: 10.0.0.0/8, not 10.0.0.1/8)\n"
"  password-min-length   8..256 characters\n"
"  password-min-classes  1..4 of lower case, upper case, digits, other\n"
"  password-max-age      rotation, seconds: 0 = never, or 86400..3153600000\n"
"  password-history      previous passwords that may not be reused, 0..24\n"
"  lockout-threshold     failed logins that lock an account, 0 = off or\n"
"                        3..100\n"
"  lockout-window        seconds within which failures count, 60..86400\n"
"  lockout-duration      seconds of the first lock (doubles with each\n"
"                        further lock, at most a day), 60..86400\n"
"  address-throttle      failed logins per client address per window\n"
"                        before the address is refused, 0 = off or\n"
"                        5..10000\n"
"  invite-lifetime       seconds an invitation stays valid, 300..2592000\n"
"  audit-retention       months the audit log is kept, 1..120\n"
"The LDAP attribute names (dwMfaRequired, ...) are accepted as keys too.\n"
"\n"
"  --add-ip CIDR      add a range to the allowlist (repeatable)\n"
"  --remove-ip CIDR   remove a range from the allowlist (repeatable)\n"
"  --json             show: print a JSON array\n"
"  -h, --help         this help\n";

/* ---- the settings */

enum kind {
	K_BOOL,
	K_INT,
	K_CIDR,
};

struct setting {
	const char		*name;		/* command-line key */
	enum dw_policy_key	 key;
	enum kind		 kind;
	unsigned long		 min, max;	/* K_INT range */
	int			 zero_ok;	/* 0 allowed below min */
	const char		*unit;
};

/* In the order of the portal's Settings page; one row per policy key. */
static const struct setting settings[] = {
	{ "mfa-required", DW_POL_MFA_REQUIRED, K_BOOL, 0, 0, 0, "" },
	{ "session-timeout", DW_POL_IDLE_TIMEOUT, K_INT,
	    DW_POLICY_IDLE_MIN, DW_POLICY_IDLE_MAX, 0, " seconds" },
	{ "ip-allowlist", DW_POL_IP_ALLOWLIST, K_CIDR, 0, 0, 0, "" },
	{ "password-min-length", DW_POL_PW_MIN_LENGTH, K_INT,
	    DW_POLICY_PW_LEN_MIN, DW_POLICY_PW_LEN_MAX, 0, " characters" },
	{ "password-min-classes", DW_POL_PW_MIN_CLASSES, K_INT,
	    DW_POLICY_PW_CLASSES_MIN, DW_POLICY_PW_CLASSES_MAX, 0, "" },
	{ "password-max-age", DW_POL_PW_MAX_AGE, K_INT,
	    DW_POLICY_PW_MAX_AGE_MIN, DW_POLICY_PW_MAX_AGE_MAX, 1,
	    " seconds" },
	{ "password-history", DW_POL_PW_HISTORY, K_INT,
	    0, DW_POLICY_HISTORY_MAX, 0, " passwords" },
	{ "lockout-threshold", DW_POL_LOCKOUT_THRESHOLD, K_INT,
	    DW_POLICY_LOCKOUT_MIN, DW_POLICY_LOCKOUT_MAX, 1, " failures" },
	{ "lockout-window", DW_POL_LOCKOUT_WINDOW, K_INT,
	    DW_POLICY_WINDOW_MIN, DW_POLICY_WINDOW_MAX, 0, " seconds" },
	/* dw_policy.h: the lock duration has the window's range. */
	{ "lockout-duration", DW_POL_LOCKOUT_DURATION, K_INT,
	    DW_POLICY_WINDOW_MIN, DW_POLICY_WINDOW_MAX, 0, " seconds" },
	{ "address-throttle", DW_POL_ADDRESS_THROTTLE, K_INT,
	    DW_POLICY_THROTTLE_MIN, DW_POLICY_THROTTLE_MAX, 1, " failures" },
	{ "invite-lifetime", DW_POL_INVITE_LIFETIME, K_INT,
	    DW_POLICY_INVITE_MIN, DW_POLICY_INVITE_MAX, 0, " seconds" },
	{ "audit-retention", DW_POL_AUDIT_RETENTION, K_INT,
	    DW_POLICY_RETENTION_MIN, DW_POLICY_RETENTION_MAX, 0, " months" },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

_Static_assert(NSETTINGS == DW_POL__COUNT,
    "every policy key needs a row in settings[]");

static const struct setting *
setting_by_name(const char *name, size_t len)
{
	enum dw_policy_key	k;
	size_t			i;

	for (i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].name) == len &&
		    strncasecmp(settings[i].name, name, len) == 0)
			return &settings[i];
	if (dw_policy_key_from_attr(name, len, &k) == DW_OK)
		for (i = 0; i < NSETTINGS; i++)
			if (settings[i].key == k)
				return &settings[i];
	return NULL;
}

/* Why a value of s was refused (err from dw_policy_set), for the error
 * line; the value itself is not secret and may be named. */
static void
why_refused(const struct setting *s, int err, char *out, size_t outsz)
{
	switch (s->kind) {
	case K_BOOL:
		(void)snprintf(out, outsz, "must be true or false");
		return;
	case K_CIDR:
		if (err == DW_ERR_RANGE)
			(void)snprintf(out, outsz, "prefix too long (at most "
			    "32 for IPv4, 128 for IPv6)");
		else if (err == DW_ERR_TOOLONG)
			(void)snprintf(out, outsz, "more than %d ranges",
			    DW_POLICY_ALLOW_MAX);
		else
			(void)snprintf(out, outsz, "not an IPv4 or IPv6 "
			    "address or ADDRESS/PREFIX range, or host bits set "
			    "below the prefix");
		return;
	case K_INT:
	default:
		if (err == DW_ERR_RANGE)
			(void)snprintf(out, outsz, "out of range (%s%lu..%lu%s)",
			    s->zero_ok ? "0 or " : "", s->min, s->max,
			    s->unit);
		else
			(void)snprintf(out, outsz, "not a whole number "
			    "(digits only, no sign or leading zero; %s%lu..%lu%s)",
			    s->zero_ok ? "0 or " : "", s->min, s->max,
			    s->unit);
		return;
	}
}

static int
policy_dn(const struct dwadm *d, char *out, size_t outsz)
{
	return dwadm_child_dn(POLICY_RDN, d->base, out, outsz);
}

static char *policy_attrs[DW_POL__COUNT + 1];

static char **
attrs_all(void)
{
	size_t	i;

	for (i = 0; i < NSETTINGS; i++)
		policy_attrs[i] = (char *)dw_policy_attr(settings[i].key);
	policy_attrs[NSETTINGS] = NULL;
	return policy_attrs;
}

/* Read cn=security.  0 with *res and *e set, or an error line printed. */
static int
read_policy(struct dwadm *d, const char *what, LDAPMessage **res,
    LDAPMessage **e)
{
	char	dn[DWADM_DN_MAX];
	int	rc;

	if ((rc = policy_dn(d, dn, sizeof(dn))) != 0)
		return rc;
	rc = dwadm_read_entry(d->ld, dn, POLICY_FILTER, attrs_all(), res, e);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("%s: the policy entry %s is missing or not "
		    "readable by this identity (is the directory initialised? "
		    "Super Admins and root read it)", what, dn);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, what);
	return 0;
}

/* ---- show */

struct shown {
	const struct setting *s;
	char **vals;		/* stored values (NULL-terminated), or NULL */
	size_t nvals;
	char value[VALUE_MAX];	/* single: the canonical value */
	int valid;
	int is_default;
};

static void
cell(const char *s, size_t width, int last)
{
	char	buf[CELL];
	size_t	w;

	w = dwadm_term_clean(s, buf, sizeof(buf));
	(void)fputs(buf, stdout);
	if (last)
		return;
	while (w++ < width + 2)
		(void)fputc(' ', stdout);
}

static void
print_table(const struct shown *sh)
{
	char		 vbuf[CELL];
	const char	*v, *mark;
	size_t		 i, j, wk = strlen("SETTING"), wv = strlen("VALUE"), w;

	for (i = 0; i < NSETTINGS; i++) {
		if ((w = strlen(sh[i].s->name)) > wk)
			wk = w;
		for (j = 0; j < (sh[i].vals != NULL ? sh[i].nvals : 0); j++)
			if ((w = dwadm_term_clean(sh[i].vals[j], vbuf,
			    sizeof(vbuf))) > wv)
				wv = w;
		if ((w = strlen(sh[i].value)) > wv)
			wv = w;
	}
	if (wv < strlen(EVERYONE))
		wv = strlen(EVERYONE);
	cell("SETTING", wk, 0);
	cell("VALUE", wv, 1);
	(void)fputc('\n', stdout);
	for (i = 0; i < NSETTINGS; i++) {
		mark = !sh[i].valid ? "(invalid: the server refuses "
		    "logins until it is fixed)" : sh[i].is_default ?
		    "(default)" : "";
		if (sh[i].s->kind == K_CIDR && sh[i].nvals > 0) {
			for (j = 0; j < sh[i].nvals; j++) {
				cell(sh[i].s->name, wk, 0);
				cell(sh[i].vals[j], wv, 0);
				cell(mark, 0, 1);
				(void)fputc('\n', stdout);
			}
			continue;
		}
		v = sh[i].s->kind == K_CIDR ? EVERYONE : sh[i].value;
		cell(sh[i].s->name, wk, 0);
		cell(v, wv, 0);
		cell(mark, 0, 1);
		(void)fputc('\n', stdout);
	}
}

static void
print_json(const struct shown *sh)
{
	size_t	i, j;

	(void)fputs("[", stdout);
	for (i = 0; i < NSETTINGS; i++) {
		(void)fputs(i == 0 ? "\n  {\"setting\": " :
		    ",\n  {\"setting\": ", stdout);
		dwadm_json_str(stdout, sh[i].s->name);
		(void)fputs(", \"attribute\": ", stdout);
		dwadm_json_str(stdout, dw_policy_attr(sh[i].s->key));
		(void)fputs(", \"value\": ", stdout);
		if (sh[i].s->kind == K_CIDR) {
			(void)fputs("[", stdout);
			for (j = 0; j < sh[i].nvals; j++) {
				if (j > 0)
					(void)fputs(", ", stdout);
				dwadm_json_str(stdout, sh[i].vals[j]);
			}
			(void)fputs("]", stdout);
		} else if (!sh[i].valid) {
			dwadm_json_str(stdout, sh[i].value);
		} else if (sh[i].s->kind == K_BOOL) {
			(void)fputs(strcmp(sh[i].value, "TRUE") == 0 ? "true" :
			    "false", stdout);
		} else {
			/* Validated: digits only. */
			(void)fputs(sh[i].value, stdout);
		}
		(void)fprintf(stdout, ", \"default\": %s, \"valid\": %s}",
		    sh[i].is_default ? "true" : "false",
		    sh[i].valid ? "true" : "false");
	}
	(void)fputs("\n]\n", stdout);
}

static int
security_show(struct dwadm *d)
{
	struct dw_policy	 def, one;
	struct shown		 sh[NSETTINGS];
	LDAPMessage		*res = NULL, *e;
	const char		*attr;
	char			 defv[VALUE_MAX];
	size_t			 i, j;
	int			 rc, ret = DWADM_EXIT_FAIL;

	memset(sh, 0, sizeof(sh));
	dw_policy_default(&def);
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = read_policy(d, "cannot read the security policy", &res,
	    &e)) != 0) {
		ret = rc;
		goto out;
	}
	for (i = 0; i < NSETTINGS; i++) {
		sh[i].s = &settings[i];
		attr = dw_policy_attr(settings[i].key);
		sh[i].vals = dwadm_values(d->ld, e, attr, &sh[i].nvals);
		sh[i].valid = 1;
		if (settings[i].kind == K_CIDR) {
			/* Each range as the server would parse it. */
			dw_policy_default(&one);
			for (j = 0; j < sh[i].nvals; j++)
				if (dw_policy_set(&one, settings[i].key,
				    sh[i].vals[j], strlen(sh[i].vals[j])) !=
				    DW_OK)
					sh[i].valid = 0;
			sh[i].is_default = sh[i].nvals == 0;
			continue;
		}
		if (dw_policy_format(&def, settings[i].key, defv,
		    sizeof(defv)) != DW_OK) {
			ret = dwadm_fail("cannot format the default of %s",
			    settings[i].name);
			goto out;
		}
		if (sh[i].nvals == 0) {
			/* Not stored: the server applies the default. */
			(void)snprintf(sh[i].value, sizeof(sh[i].value), "%s",
			    defv);
			sh[i].is_default = 1;
			continue;
		}
		dw_policy_default(&one);
		if (sh[i].nvals != 1 || dw_policy_set(&one, settings[i].key,
		    sh[i].vals[0], strlen(sh[i].vals[0])) != DW_OK ||
		    dw_policy_format(&one, settings[i].key, sh[i].value,
		    sizeof(sh[i].value)) != DW_OK) {
			sh[i].valid = 0;
			(void)dwadm_term_clean(sh[i].vals[0], sh[i].value,
			    sizeof(sh[i].value));
			continue;
		}
		sh[i].is_default = strcmp(sh[i].value, defv) == 0;
	}
	if (d->json)
		print_json(sh);
	else
		print_table(sh);
	ret = 0;
out:
	for (i = 0; i < NSETTINGS; i++)
		dwadm_values_free(sh[i].vals);
	ldap_msgfree(res);
	return ret;
}

/* ---- set */

struct change {
	const struct setting *s;
	char value[VALUE_MAX];		/* single-valued: canonical */
	char **ranges;			/* allowlist: canonical ranges */
	size_t nranges;
};

struct set_args {
	struct change ch[NSETTINGS];
	size_t nch;
	char *add_ip[MAX_IP_OPTS + 1];	/* canonical, malloc */
	size_t nadd;
	char *rm_ip[MAX_IP_OPTS + 1];	/* as given, malloc */
	struct dw_cidr rm_cidr[MAX_IP_OPTS];
	size_t nrm;
};

static void
set_args_free(struct set_args *a)
{
	size_t	i, j;

	for (i = 0; i < a->nch; i++) {
		for (j = 0; j < a->ch[i].nranges; j++)
			free(a->ch[i].ranges[j]);
		free(a->ch[i].ranges);
	}
	for (i = 0; i < a->nadd; i++)
		free(a->add_ip[i]);
	for (i = 0; i < a->nrm; i++)
		free(a->rm_ip[i]);
	memset(a, 0, sizeof(*a));
}

static int
cidr_same(const struct dw_cidr *x, const struct dw_cidr *y)
{
	if (x->addr.family != y->addr.family || x->prefix != y->prefix)
		return 0;
	/* Host bits are zero in both: the address bytes decide. */
	return memcmp(x->addr.bytes, y->addr.bytes,
	    x->addr.family == AF_INET ? 4 : 16) == 0;
}

/*
 * One range for the allowlist: validated as dw_policy_set takes it (into
 * *scratch, which counts the ranges), returned in canonical text.
 */
static int
parse_range(const struct setting *s, struct dw_policy *scratch,
    const char *v, size_t len, char *out, size_t outsz,
    struct dw_cidr *cidr)
{
	char	why[160];
	int	rc;

	rc = dw_policy_set(scratch, s->key, v, len);
	if (rc != DW_OK) {
		why_refused(s, rc, why, sizeof(why));
		return dwadm_usage_error("security set: %s: %.*s: %s",
		    s->name, (int)len, v, why);
	}
	*cidr = scratch->allow[scratch->nallow - 1];
	if (dw_cidr_format(cidr, out, outsz) != DW_OK)
		return dwadm_fail("security set: %s: cannot format %.*s",
		    s->name, (int)len, v);
	return 0;
}

/* The comma-separated allowlist of KEY=VALUE; "" clears it. */
static int
parse_allowlist(struct change *c, const char *v)
{
	struct dw_policy	*scratch;
	struct dw_cidr		 cidr, *seen = NULL;
	const char		*p, *comma;
	char			 text[DW_CIDR_TEXT_MAX], **nr;
	size_t			 len, i;
	int			 rc, ret = DWADM_EXIT_FAIL;

	if ((scratch = malloc(sizeof(*scratch))) == NULL ||
	    (seen = calloc(DW_POLICY_ALLOW_MAX + 1, sizeof(*seen))) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	dw_policy_default(scratch);
	if ((c->ranges = calloc(1, sizeof(char *))) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	for (p = v; *v != '\0'; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		/* Blanks around the commas are for readability. */
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0) {
			ret = dwadm_usage_error("security set: %s: empty range "
			    "in the list (give \"\" alone to allow everyone)",
			    c->s->name);
			goto out;
		}
		if ((rc = parse_range(c->s, scratch, p, len, text,
		    sizeof(text), &cidr)) != 0) {
			ret = rc;
			goto out;
		}
		for (i = 0; i < c->nranges; i++)
			if (cidr_same(&seen[i], &cidr)) {
				ret = dwadm_usage_error("security set: %s: "
				    "%.*s: given twice", c->s->name, (int)len,
				    p);
				goto out;
			}
		seen[c->nranges] = cidr;
		if ((nr = realloc(c->ranges, (c->nranges + 2) *
		    sizeof(char *))) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		c->ranges = nr;
		if ((c->ranges[c->nranges] = strdup(text)) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		c->nranges++;
		c->ranges[c->nranges] = NULL;
		if (comma == NULL)
			break;
	}
	ret = 0;
out:
	free(scratch);
	free(seen);
	return ret;
}

static int
parse_assignment(struct set_args *a, const char *arg)
{
	const struct setting	*s;
	struct dw_policy	*scratch = NULL;
	struct change		*c;
	const char		*eq, *v;
	char			 why[160];
	size_t			 i;
	int			 rc, ret = DWADM_EXIT_USAGE;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg)
		return dwadm_usage_error("security set: %s: give KEY=VALUE "
		    "(see dwadm security --help)", arg);
	if ((s = setting_by_name(arg, (size_t)(eq - arg))) == NULL)
		return dwadm_usage_error("security set: %.*s: unknown setting "
		    "(see dwadm security --help)", (int)(eq - arg), arg);
	for (i = 0; i < a->nch; i++)
		if (a->ch[i].s == s)
			return dwadm_usage_error("security set: %s: given "
			    "twice", s->name);
	v = eq + 1;
	c = &a->ch[a->nch++];
	memset(c, 0, sizeof(*c));
	c->s = s;
	if (s->kind == K_CIDR)
		return parse_allowlist(c, v);
	/* Booleans in any case, as people type them. */
	if (s->kind == K_BOOL) {
		if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
		    strcasecmp(v, "on") == 0)
			v = "TRUE";
		else if (strcasecmp(v, "false") == 0 ||
		    strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0)
			v = "FALSE";
	}
	if ((scratch = malloc(sizeof(*scratch))) == NULL)
		return dwadm_fail("out of memory");
	dw_policy_default(scratch);
	rc = dw_policy_set(scratch, s->key, v, strlen(v));
	if (rc != DW_OK) {
		why_refused(s, rc, why, sizeof(why));
		ret = dwadm_usage_error("security set: %s: %s", s->name, why);
		goto out;
	}
	if (dw_policy_format(scratch, s->key, c->value, sizeof(c->value)) !=
	    DW_OK) {
		ret = dwadm_fail("security set: %s: cannot format the value",
		    s->name);
		goto out;
	}
	ret = 0;
out:
	free(scratch);
	return ret;
}

static const struct setting *
allowlist_setting(void)
{
	size_t	i;

	for (i = 0; i < NSETTINGS; i++)
		if (settings[i].kind == K_CIDR)
			return &settings[i];
	return NULL;
}

static int
parse_ip_opt(struct set_args *a, const char *v, int add)
{
	const struct setting	*s = allowlist_setting();
	struct dw_policy	*scratch;
	struct dw_cidr		 cidr;
	char			 text[DW_CIDR_TEXT_MAX];
	size_t			 i;
	int			 rc;

	if (a->nadd + a->nrm >= MAX_IP_OPTS)
		return dwadm_usage_error("security set: too many --add-ip and "
		    "--remove-ip options");
	if ((scratch = malloc(sizeof(*scratch))) == NULL)
		return dwadm_fail("out of memory");
	dw_policy_default(scratch);
	rc = parse_range(s, scratch, v, strlen(v), text, sizeof(text), &cidr);
	free(scratch);
	if (rc != 0)
		return rc;
	if (add) {
		for (i = 0; i < a->nadd; i++)
			if (strcmp(a->add_ip[i], text) == 0)
				return dwadm_usage_error("security set: "
				    "--add-ip %s: given twice", v);
		if ((a->add_ip[a->nadd] = strdup(text)) == NULL)
			return dwadm_fail("out of memory");
		a->nadd++;
		a->add_ip[a->nadd] = NULL;
	} else {
		for (i = 0; i < a->nrm; i++)
			if (cidr_same(&a->rm_cidr[i], &cidr))
				return dwadm_usage_error("security set: "
				    "--remove-ip %s: given twice", v);
		if ((a->rm_ip[a->nrm] = strdup(v)) == NULL)
			return dwadm_fail("out of memory");
		a->rm_cidr[a->nrm] = cidr;
		a->nrm++;
		a->rm_ip[a->nrm] = NULL;
	}
	return 0;
}

/*
 * --add-ip/--remove-ip against the stored list: a range to remove must be
 * there (its stored spelling is what the delete names); a range to add
 * must not be.  *del receives the stored values to delete (pointers into
 * stored).
 */
static int
match_ip_opts(struct set_args *a, char **stored, size_t nstored,
    char **del)
{
	struct dw_policy	*scratch;
	struct dw_cidr		*have;
	const char		*name = allowlist_setting()->name;
	size_t			 i, j, nhave = 0;
	int			 ret = DWADM_EXIT_FAIL, found;

	scratch = malloc(sizeof(*scratch));
	have = calloc(nstored + 1, sizeof(*have));
	if (scratch == NULL || have == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	/* Stored values that do not parse cannot match any option. */
	for (i = 0; i < nstored; i++) {
		dw_policy_default(scratch);
		if (dw_policy_set(scratch, DW_POL_IP_ALLOWLIST, stored[i],
		    strlen(stored[i])) == DW_OK)
			have[i] = scratch->allow[0];
		else
			have[i].addr.family = -1;
		nhave++;
	}
	for (i = 0; i < a->nrm; i++) {
		found = 0;
		for (j = 0; j < nhave && !found; j++)
			if (cidr_same(&have[j], &a->rm_cidr[i])) {
				del[i] = stored[j];
				found = 1;
			}
		if (!found) {
			ret = dwadm_fail("security set: %s: %s is not in the "
			    "list; nothing changed", name, a->rm_ip[i]);
			goto out;
		}
	}
	del[a->nrm] = NULL;
	for (i = 0; i < a->nadd; i++) {
		dw_policy_default(scratch);
		if (dw_policy_set(scratch, DW_POL_IP_ALLOWLIST, a->add_ip[i],
		    strlen(a->add_ip[i])) != DW_OK)
			continue;
		for (j = 0; j < nhave; j++)
			if (cidr_same(&have[j], &scratch->allow[0])) {
				ret = dwadm_fail("security set: %s: %s is "
				    "already in the list; nothing changed",
				    name, a->add_ip[i]);
				goto out;
			}
	}
	ret = 0;
out:
	free(scratch);
	free(have);
	return ret;
}

static int
security_set(struct dwadm *d, struct set_args *a)
{
	LDAPMod		 mod[NSETTINGS + 2], *mods[NSETTINGS + 3];
	LDAPMessage	*res = NULL, *e;
	char		*single[NSETTINGS][2], *del[MAX_IP_OPTS + 1];
	char		 dn[DWADM_DN_MAX], **stored = NULL;
	const char	*attr;
	size_t		 i, j, m = 0, nstored = 0;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = policy_dn(d, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	memset(mod, 0, sizeof(mod));
	if (a->nadd > 0 || a->nrm > 0) {
		if ((rc = read_policy(d, "security set", &res, &e)) != 0) {
			ret = rc;
			goto out;
		}
		stored = dwadm_values(d->ld, e, dw_policy_attr(DW_POL_IP_ALLOWLIST),
		    &nstored);
		if (match_ip_opts(a, stored, nstored, del) != 0)
			goto out;
	}
	for (i = 0; i < a->nch; i++) {
		attr = dw_policy_attr(a->ch[i].s->key);
		mod[m].mod_op = LDAP_MOD_REPLACE;
		mod[m].mod_type = (char *)attr;
		if (a->ch[i].s->kind == K_CIDR) {
			/* No values: the attribute goes, everyone may log
			 * in. */
			mod[m].mod_values = a->ch[i].nranges > 0 ?
			    a->ch[i].ranges : NULL;
		} else {
			single[i][0] = a->ch[i].value;
			single[i][1] = NULL;
			mod[m].mod_values = single[i];
		}
		m++;
	}
	if (a->nrm > 0) {
		mod[m].mod_op = LDAP_MOD_DELETE;
		mod[m].mod_type = (char *)dw_policy_attr(DW_POL_IP_ALLOWLIST);
		mod[m].mod_values = del;
		m++;
	}
	if (a->nadd > 0) {
		mod[m].mod_op = LDAP_MOD_ADD;
		mod[m].mod_type = (char *)dw_policy_attr(DW_POL_IP_ALLOWLIST);
		mod[m].mod_values = a->add_ip;
		m++;
	}
	for (i = 0; i < m; i++)
		mods[i] = &mod[i];
	mods[m] = NULL;
	rc = ldap_modify_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = dwadm_fail("security set: the policy entry %s is "
		    "missing (is the directory initialised?)", dn);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "security set (nothing "
		    "changed)");
		goto out;
	}
	for (i = 0; i < a->nch; i++) {
		if (a->ch[i].s->kind != K_CIDR) {
			(void)printf("%s = %s\n", a->ch[i].s->name,
			    a->ch[i].value);
			continue;
		}
		(void)printf("%s =", a->ch[i].s->name);
		for (j = 0; j < a->ch[i].nranges; j++)
			(void)printf("%s%s", j > 0 ? "," : " ",
			    a->ch[i].ranges[j]);
		(void)printf("%s\n", a->ch[i].nranges == 0 ?
		    " (empty: everyone may log in)" : "");
	}
	for (i = 0; i < a->nrm; i++)
		(void)printf("%s: removed %s\n",
		    allowlist_setting()->name, a->rm_ip[i]);
	for (i = 0; i < a->nadd; i++)
		(void)printf("%s: added %s\n", allowlist_setting()->name,
		    a->add_ip[i]);
	ret = 0;
out:
	dwadm_values_free(stored);
	ldap_msgfree(res);
	return ret;
}

/* ---- dispatch */

enum {
	OPT_ADD_IP = 256,
	OPT_REMOVE_IP,
};

static const struct option security_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "add-ip", required_argument, NULL, OPT_ADD_IP },
	{ "remove-ip", required_argument, NULL, OPT_REMOVE_IP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
dwadm_cmd_security(struct dwadm *d, int argc, char **argv)
{
	struct set_args	*a = NULL;
	const char	*sub;
	bool		 set;
	int		 c, i, rc = DWADM_EXIT_USAGE;

	if (argc < 2)
		return dwadm_usage_error("security: give show or set (see "
		    "dwadm security --help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(security_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (strcmp(sub, "show") != 0 && strcmp(sub, "set") != 0)
		return dwadm_usage_error("security: unknown command \"%s\" "
		    "(see dwadm security --help)", sub);
	set = strcmp(sub, "set") == 0;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return dwadm_fail("out of memory");
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", security_opts, NULL)) !=
	    -1) {
		switch (c) {
		case 'h':
			(void)fputs(security_help, stdout);
			rc = DWADM_EXIT_OK;
			goto out;
		case 'j':
			if (set) {
				rc = dwadm_usage_error("security set: --json "
				    "belongs to security show");
				goto out;
			}
			d->json = true;
			break;
		case OPT_ADD_IP:
		case OPT_REMOVE_IP:
			if (!set) {
				rc = dwadm_usage_error("security show: "
				    "--add-ip and --remove-ip belong to "
				    "security set");
				goto out;
			}
			if ((rc = parse_ip_opt(a, optarg,
			    c == OPT_ADD_IP)) != 0)
				goto out;
			break;
		case ':':
			rc = dwadm_usage_error("security %s: option %s needs a "
			    "value", sub, argv[optind - 1]);
			goto out;
		default:
			rc = dwadm_usage_error("security %s: unknown option %s "
			    "(see dwadm security --help)", sub,
			    argv[optind - 1]);
			goto out;
		}
	}
	if (!set) {
		if (optind != argc) {
			rc = dwadm_usage_error("security show takes no "
			    "arguments");
			goto out;
		}
		if ((rc = dwadm_setup(d)) != 0)
			goto out;
		rc = security_show(d);
		goto out;
	}
	/* Every value is checked before anything is sent. */
	for (i = optind; i < argc; i++)
		if ((rc = parse_assignment(a, argv[i])) != 0)
			goto out;
	if (a->nch == 0 && a->nadd == 0 && a->nrm == 0) {
		rc = dwadm_usage_error("security set: give KEY=VALUE, "
		    "--add-ip or --remove-ip (see dwadm security --help)");
		goto out;
	}
	for (i = 0; (size_t)i < a->nch; i++)
		if (a->ch[i].s->kind == K_CIDR && (a->nadd > 0 ||
		    a->nrm > 0)) {
			rc = dwadm_usage_error("security set: %s=... replaces "
			    "the list: do not combine it with --add-ip or "
			    "--remove-ip", a->ch[i].s->name);
			goto out;
		}
	if ((rc = dwadm_setup(d)) != 0)
		goto out;
	rc = security_set(d, a);
out:
	if (a != NULL) {
		set_args_free(a);
		free(a);
	}
	return rc;
}
