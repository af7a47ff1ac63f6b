/*
 * cmd_init.c: "dwadm init": bootstrap an empty directory.
 *
 * Creates the base entry, ou=admins, ou=roles with the five built-in
 * roles, ou=policy with cn=security holding every default, ou=services
 * with the portal service account, ou=sessions, and the first Super
 * Admin.  ou=audit is the overlay's.  Refuses to run when the base entry
 * exists, so a second init changes nothing.
 *
 * Order: connect; check the base is absent; read and check the new
 * password (nothing is written before this passes); write the portal
 * password to a temporary file next to FILE (mode 0600, fsync); add the
 * entries (on a failure, the entries added so far are deleted again);
 * rename the temporary file onto FILE.  Passwords go to the server in
 * cleartext, where the overlay hashes them, and are wiped here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "dw_perm.h"
#include "dw_policy.h"
#include "dwadm.h"

#define NAME_MAX_BYTES		256	/* --name */
#define PORTAL_PW_LEN		32
#define PW_BUF			(DW_PASSWD_MAX + 2)
#define E_MAXATTR		20	/* cn=security: every policy key */
#define E_MAXVAL		32
#define E_MAXENTRIES		24
#define ORG_NAME		"DramWell"

static const char init_help[] =
"usage: dwadm [global options] init --admin EMAIL [--name \"Full Name\"]\n"
"                                   --service-secret FILE [--password-stdin]\n"
"\n"
"Bootstrap an empty directory: the base entry, ou=admins, ou=roles with the\n"
"five built-in roles, ou=policy with cn=security (the default policy),\n"
"ou=services with the portal service account cn=portal, ou=sessions, and\n"
"the first Super Admin uid=EMAIL,ou=admins.  Refuses to run when the base\n"
"entry already exists.  Normally run as root over ldapi:\n"
"\n"
"  dwadm -H ldapi:// -Y EXTERNAL init --admin boss@dramwell.ai \\\n"
"        --service-secret /etc/dramwell/portal.secret\n"
"\n"
"  --admin EMAIL          the first Super Admin's work e-mail address\n"
"  --name NAME            their full name (default: the address's local part)\n"
"  --service-secret FILE  where the portal account's generated password is\n"
"                         written (mode 0600, replaced atomically)\n"
"  --password-stdin       read the Super Admin's password from one line of\n"
"                         standard input instead of prompting twice\n"
"  -h, --help             this help\n"
"\n"
"The password must meet the default policy: at least 12 characters from\n"
"3 of the 4 classes lower case, upper case, digits, other; not containing\n"
"the e-mail address's local part; not a common password.\n";

/* ---- entries */

struct entry {
	char dn[DWADM_DN_MAX];
	LDAPMod mod[E_MAXATTR];
	LDAPMod *mods[E_MAXATTR + 1];
	char *vals[E_MAXATTR][E_MAXVAL + 1];
	size_t nvals[E_MAXATTR];
	size_t n;
	int overflow;
};

struct tree {
	struct entry *e;	/* E_MAXENTRIES of them */
	size_t n;
};

static struct entry *tree_new(struct tree *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* A new entry whose DN is formatted from fmt, or NULL (full, too long). */
static struct entry *
tree_new(struct tree *t, const char *fmt, ...)
{
	struct entry	*e;
	va_list		 ap;
	int		 n;

	if (t->n >= E_MAXENTRIES)
		return NULL;
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	va_start(ap, fmt);
	n = vsnprintf(e->dn, sizeof(e->dn), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(e->dn))
		return NULL;
	t->n++;
	return e;
}

/* Add value v (not copied: it must outlive the add) to attribute attr. */
static void
e_add(struct entry *e, const char *attr, const char *v)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->mod[i].mod_type, attr) == 0)
			break;
	if (i == e->n) {
		if (e->n >= E_MAXATTR) {
			e->overflow = 1;
			return;
		}
		e->mod[i].mod_op = LDAP_MOD_ADD;
		e->mod[i].mod_type = (char *)attr;
		e->mod[i].mod_values = e->vals[i];
		e->n++;
	}
	if (e->nvals[i] >= E_MAXVAL) {
		e->overflow = 1;
		return;
	}
	e->vals[i][e->nvals[i]++] = (char *)v;
	e->vals[i][e->nvals[i]] = NULL;
}

static LDAPMod **
e_mods(struct entry *e)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		e->mods[i] = &e->mod[i];
	e->mods[e->n] = NULL;
	return e->mods;
}

/* The values that the entries point at and that are not static. */
struct init_vals {
	char *base_rdn_value;		/* from ldap_str2dn; malloc */
	char policy[DW_POL__COUNT][32];
	char email[DW_EMAIL_MAX + 1];
	char name[NAME_MAX_BYTES + 1];
	char sn[NAME_MAX_BYTES + 1];
	char *admin_pw;			/* sodium_malloc, PW_BUF */
	char *portal_pw;		/* sodium_malloc, PW_BUF */
};

/* The base entry's object classes, from the type of its first RDN. */
static int
add_base_entry(struct tree *t, struct init_vals *iv, const char *base)
{
	LDAPDN		 dn = NULL;
	LDAPAVA		*ava;
	struct entry	*e;
	int		 ret = DWADM_EXIT_FAIL;

	if (ldap_str2dn(base, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    dn == NULL || dn[0] == NULL || dn[0][0] == NULL ||
	    dn[0][1] != NULL) {
		ret = dwadm_fail("base \"%s\": the first RDN must be one "
		    "dc=, o= or ou= value", base);
		goto out;
	}
	ava = dn[0][0];
	if ((ava->la_flags & LDAP_AVA_BINARY) != 0 ||
	    memchr(ava->la_value.bv_val, '\0', ava->la_value.bv_len) != NULL) {
		ret = dwadm_fail("base \"%s\": unsupported RDN value", base);
		goto out;
	}
	iv->base_rdn_value = strndup(ava->la_value.bv_val,
	    ava->la_value.bv_len);
	if (iv->base_rdn_value == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	if ((e = tree_new(t, "%s", base)) == NULL) {
		ret = dwadm_fail("base DN too long");
		goto out;
	}
	if (ava->la_attr.bv_len == 2 &&
	    strncasecmp(ava->la_attr.bv_val, "dc", 2) == 0) {
		e_add(e, "objectClass", "top");
		e_add(e, "objectClass", "dcObject");
		e_add(e, "objectClass", "organization");
		e_add(e, "dc", iv->base_rdn_value);
		e_add(e, "o", ORG_NAME);
	} else if (ava->la_attr.bv_len == 1 &&
	    strncasecmp(ava->la_attr.bv_val, "o", 1) == 0) {
		e_add(e, "objectClass", "top");
		e_add(e, "objectClass", "organization");
		e_add(e, "o", iv->base_rdn_value);
	} else if (ava->la_attr.bv_len == 2 &&
	    strncasecmp(ava->la_attr.bv_val, "ou", 2) == 0) {
		e_add(e, "objectClass", "top");
		e_add(e, "objectClass", "organizationalUnit");
		e_add(e, "ou", iv->base_rdn_value);
	} else {
		ret = dwadm_fail("base \"%s\": the first RDN must be dc=, o= "
		    "or ou=", base);
		goto out;
	}
	ret = 0;
out:
	ldap_dnfree(dn);
	return ret;
}

static struct entry *
add_ou(struct tree *t, const char *base, const char *ou, const char *desc)
{
	struct entry	*e;

	if ((e = tree_new(t, "ou=%s,%s", ou, base)) == NULL)
		return NULL;
	e_add(e, "objectClass", "top");
	e_add(e, "objectClass", "organizationalUnit");
	e_add(e, "ou", ou);
	e_add(e, "description", desc);
	return e;
}

static int
build_tree(struct tree *t, struct init_vals *iv, const char *base,
    const char *admin_dn)
{
	const struct dw_builtin_role	*roles;
	struct dw_policy		 pol;
	struct entry			*e;
	char				 rolebase[DWADM_DN_MAX];
	size_t				 nroles, i, j;
	int				 k;

	if (add_base_entry(t, iv, base) != 0)
		return DWADM_EXIT_FAIL;
	if (add_ou(t, base, "admins", "DramWell portal admin users") == NULL ||
	    add_ou(t, base, "roles", "DramWell admin roles") == NULL)
		goto toolong;

	k = snprintf(rolebase, sizeof(rolebase), "ou=roles,%s", base);
	if (k < 0 || (size_t)k >= sizeof(rolebase))
		goto toolong;
	roles = dw_builtin_roles(&nroles);
	if (roles == NULL || nroles == 0)
		return dwadm_fail("no built-in roles defined");
	for (i = 0; i < nroles; i++) {
		if (dw_role_name_check(roles[i].name,
		    strlen(roles[i].name)) != DW_OK)
			return dwadm_fail("built-in role name is invalid");
		if ((e = tree_new(t, "cn=%s,%s", roles[i].name,
		    rolebase)) == NULL)
			goto toolong;
		e_add(e, "objectClass", "top");
		e_add(e, "objectClass", "dwRole");
		e_add(e, "cn", roles[i].name);
		for (j = 0; roles[i].perms != NULL && roles[i].perms[j] != NULL;
		    j++)
			e_add(e, "dwPermission", roles[i].perms[j]);
		e_add(e, "dwBuiltin", "TRUE");
		if (roles[i].description != NULL)
			e_add(e, "description", roles[i].description);
	}

	if (add_ou(t, base, "policy", "DramWell security policy") == NULL)
		goto toolong;
	if ((e = tree_new(t, "cn=security,ou=policy,%s", base)) == NULL)
		goto toolong;
	e_add(e, "objectClass", "top");
	e_add(e, "objectClass", "dwSecurityPolicy");
	e_add(e, "cn", "security");
	e_add(e, "description", "Organisation-wide security policy");
	dw_policy_default(&pol);
	for (k = 0; k < DW_POL__COUNT; k++) {
		/* The allowlist starts empty: everyone may log in. */
		if (k == DW_POL_IP_ALLOWLIST)
			continue;
		if (dw_policy_format(&pol, (enum dw_policy_key)k,
		    iv->policy[k], sizeof(iv->policy[k])) != DW_OK ||
		    dw_policy_attr((enum dw_policy_key)k) == NULL)
			return dwadm_fail("cannot format the default policy");
		e_add(e, dw_policy_attr((enum dw_policy_key)k), iv->policy[k]);
	}

	if (add_ou(t, base, "services", "DramWell service accounts") == NULL)
		goto toolong;
	if ((e = tree_new(t, "cn=portal,ou=services,%s", base)) == NULL)
		goto toolong;
	e_add(e, "objectClass", "top");
	e_add(e, "objectClass", "applicationProcess");
	e_add(e, "objectClass", "simpleSecurityObject");
	e_add(e, "cn", "portal");
	e_add(e, "description", "Admin portal service account (pam_dramwell)");
	e_add(e, "userPassword", iv->portal_pw);

	if (add_ou(t, base, "sessions", "Live admin portal sessions") == NULL)
		goto toolong;

	if ((e = tree_new(t, "%s", admin_dn)) == NULL)
		goto toolong;
	e_add(e, "objectClass", "top");
	e_add(e, "objectClass", "person");
	e_add(e, "objectClass", "organizationalPerson");
	e_add(e, "objectClass", "inetOrgPerson");
	e_add(e, "objectClass", "dwAdminUser");
	e_add(e, "uid", iv->email);
	e_add(e, "cn", iv->name);
	e_add(e, "sn", iv->sn);
	e_add(e, "mail", iv->email);
	e_add(e, "dwRole", DW_ROLE_SUPER_ADMIN);
	e_add(e, "dwAccountStatus", "active");
	e_add(e, "userPassword", iv->admin_pw);

	for (i = 0; i < t->n; i++)
		if (t->e[i].overflow)
			return dwadm_fail("internal error: entry %s too large",
			    t->e[i].dn);
	return 0;
toolong:
	return dwadm_fail("base DN too long");
}

/* ---- the secret file */

/* Write secret to a new temporary file next to path: mode 0600, synced.
 * tmp receives its name. */
static int
secret_tmp_write(const char *path, const char *secret, char *tmp,
    size_t tmpsz)
{
	char		*dcopy = NULL, *bcopy = NULL;
	const char	*p;
	size_t		 len, off = 0;
	ssize_t		 w;
	int		 fd = -1, n, ret = DWADM_EXIT_FAIL, e;

	tmp[0] = '\0';
	if ((dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	n = snprintf(tmp, tmpsz, "%s/.%s.XXXXXX", dirname(dcopy),
	    basename(bcopy));
	if (n < 0 || (size_t)n >= tmpsz) {
		tmp[0] = '\0';
		ret = dwadm_fail("%s: file name too long", path);
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		e = errno;
		tmp[0] = '\0';
		ret = dwadm_fail("cannot create a file next to %s: %s", path,
		    strerror(e));
		goto out;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) != 0)
		goto ioerr;
	/* No trailing newline: "ldapwhoami -y FILE" sends every byte. */
	p = secret;
	len = strlen(secret);
	while (off < len) {
		w = write(fd, p + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto ioerr;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto ioerr;
	n = close(fd);
	fd = -1;
	if (n != 0)
		goto ioerr;
	ret = 0;
	goto out;
ioerr:
	e = errno;
	ret = dwadm_fail("cannot write %s: %s", tmp, strerror(e));
	(void)unlink(tmp);
	tmp[0] = '\0';
out:
	if (fd >= 0)
		(void)close(fd);
	free(dcopy);
	free(bcopy);
	return ret;
}

/* Rename tmp onto path and sync the directory. */
static int
secret_commit(const char *tmp, const char *path)
{
	char	*dcopy;
	int	 dfd, e;

	if (rename(tmp, path) != 0) {
		e = errno;
		return dwadm_fail("cannot rename %s to %s: %s (the portal "
		    "password is in %s)", tmp, path, strerror(e), tmp);
	}
	if ((dcopy = strdup(path)) != NULL) {
		dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			(void)close(dfd);
		}
		free(dcopy);
	}
	return 0;
}

/* ---- the new Super Admin's password */

static int
read_admin_password(bool from_stdin, struct init_vals *iv)
{
	const char	*why = NULL;
	char		 prompt[DW_EMAIL_MAX + 64];
	char		*again = NULL;
	size_t		 len = 0, len2 = 0;
	struct dw_policy pol;
	struct dw_pw_rules rules;
	int		 rc, ret = DWADM_EXIT_FAIL;

	rc = snprintf(prompt, sizeof(prompt), "New password for %s: ",
	    iv->email);
	if (rc < 0 || (size_t)rc >= sizeof(prompt))
		return dwadm_fail("e-mail address too long");
	if (dwadm_read_password(from_stdin, prompt, iv->admin_pw, PW_BUF,
	    &len) != 0)
		goto out;
	if (!from_stdin) {
		if ((again = sodium_malloc(PW_BUF)) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		if (dwadm_read_password(false, "Repeat the password: ", again,
		    PW_BUF, &len2) != 0)
			goto out;
		if (len != len2 || sodium_memcmp(iv->admin_pw, again,
		    len) != 0) {
			ret = dwadm_fail("the passwords do not match");
			goto out;
		}
	}
	if (dw_passwd_form(iv->admin_pw, len) == DW_PW_PREHASHED) {
		ret = dwadm_fail("password refused: it looks like a hashed "
		    "value ({SCHEME}...); choose another");
		goto out;
	}
	/* The overlay checks it again; checking first means that nothing
	 * is written for a password it would refuse. */
	dw_policy_default(&pol);
	dw_policy_pw_rules(&pol, &rules);
	rc = dw_passwd_policy_check(iv->admin_pw, len, &rules, iv->email,
	    strlen(iv->email), &why);
	if (rc == DW_ERR_IO) {
		ret = dwadm_fail("cannot check the password: the "
		    "common-password dictionary is missing (install "
		    "cracklib-runtime)");
		goto out;
	}
	if (rc != DW_OK) {
		ret = dwadm_fail("password refused: %s", rc == DW_ERR_DENIED &&
		    why != NULL ? why : dw_strerror(rc));
		goto out;
	}
	ret = 0;
out:
	if (ret != 0)
		sodium_memzero(iv->admin_pw, PW_BUF);
	if (again != NULL) {
		sodium_memzero(again, PW_BUF);
		sodium_free(again);
	}
	return ret;
}

/* ---- the command */

static int
check_absent(struct dwadm *d)
{
	static char	*attrs[] = { LDAP_NO_ATTRS, NULL };
	LDAPMessage	*res = NULL;
	char		 what[DWADM_DN_MAX + 32];
	int		 rc, ret;

	rc = ldap_search_ext_s(d->ld, d->base, LDAP_SCOPE_BASE,
	    "(objectClass=*)", attrs, 0, NULL, NULL, NULL, 1, &res);
	ldap_msgfree(res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return 0;
	if (rc == LDAP_SUCCESS)
		return dwadm_fail("already initialised: %s exists; nothing "
		    "changed", d->base);
	ret = snprintf(what, sizeof(what), "cannot read %s", d->base);
	if (ret < 0 || (size_t)ret >= sizeof(what))
		what[0] = '\0';
	return dwadm_ldap_fail(d->ld, rc, what);
}

/* Delete the entries added so far, newest first.  Returns how many
 * could not be deleted. */
static size_t
rollback(struct dwadm *d, struct tree *t, size_t added)
{
	size_t	left = 0;

	while (added-- > 0)
		if (ldap_delete_ext_s(d->ld, t->e[added].dn, NULL, NULL) !=
		    LDAP_SUCCESS)
			left++;
	return left;
}

static int
add_all(struct dwadm *d, struct tree *t)
{
	char	desc[1024];
	size_t	i, left;
	int	rc;

	for (i = 0; i < t->n; i++) {
		rc = ldap_add_ext_s(d->ld, t->e[i].dn, e_mods(&t->e[i]), NULL,
		    NULL);
		if (rc == LDAP_SUCCESS)
			continue;
		dwadm_ldap_describe(d->ld, rc, desc, sizeof(desc));
		if (i == 0)
			return dwadm_fail("cannot add %s: %s; nothing changed",
			    t->e[i].dn, desc);
		left = rollback(d, t, i);
		if (left == 0)
			return dwadm_fail("cannot add %s: %s (the %zu entries "
			    "added before were removed; nothing changed)",
			    t->e[i].dn, desc, i);
		return dwadm_fail("cannot add %s: %s (%zu of the %zu entries "
		    "added before could not be removed)", t->e[i].dn, desc,
		    left, i);
	}
	return 0;
}

static const struct option init_opts[] = {
	{ "admin", required_argument, NULL, 'a' },
	{ "name", required_argument, NULL, 'n' },
	{ "service-secret", required_argument, NULL, 's' },
	{ "password-stdin", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
dwadm_cmd_init(struct dwadm *d, int argc, char **argv)
{
	struct init_vals	 iv;
	struct tree		 t;
	struct stat		 st;
	const char		*admin = NULL, *name = NULL, *secret = NULL;
	const char		*at, *sp;
	char			 admin_dn[DWADM_DN_MAX], tmp[4096];
	bool			 from_stdin = d->password_stdin;
	size_t			 len;
	int			 c, rc, ret = DWADM_EXIT_FAIL;

	memset(&iv, 0, sizeof(iv));
	memset(&t, 0, sizeof(t));
	tmp[0] = '\0';

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", init_opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			admin = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 's':
			secret = optarg;
			break;
		case 'p':
			from_stdin = true;
			break;
		case 'h':
			(void)fputs(init_help, stdout);
			return DWADM_EXIT_OK;
		case ':':
			return dwadm_usage_error("init: option %s needs a "
			    "value (see dwadm init --help)", argv[optind - 1]);
		default:
			return dwadm_usage_error("init: unknown option %s "
			    "(see dwadm init --help)", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return dwadm_usage_error("init: unexpected argument (see "
		    "dwadm init --help)");
	if (admin == NULL)
		return dwadm_usage_error("init: --admin EMAIL is required");
	if (secret == NULL || secret[0] == '\0')
		return dwadm_usage_error("init: --service-secret FILE is "
		    "required");
	if (dw_email_normalize(admin, strlen(admin), iv.email,
	    sizeof(iv.email)) != DW_OK)
		return dwadm_usage_error("init: --admin: not a valid e-mail "
		    "address");
	if (name != NULL) {
		len = strlen(name);
		if (len == 0 || len > NAME_MAX_BYTES || !dwadm_text_ok(name) ||
		    name[0] == ' ' || name[len - 1] == ' ')
			return dwadm_usage_error("init: --name must be 1..%d "
			    "bytes of UTF-8 text without control characters "
			    "or outer blanks", NAME_MAX_BYTES);
		(void)snprintf(iv.name, sizeof(iv.name), "%s", name);
		/* The surname: the last word of the name. */
		sp = strrchr(name, ' ');
		(void)snprintf(iv.sn, sizeof(iv.sn), "%s",
		    sp != NULL ? sp + 1 : name);
	} else {
		at = strchr(iv.email, '@');
		len = at != NULL ? (size_t)(at - iv.email) : strlen(iv.email);
		(void)snprintf(iv.name, sizeof(iv.name), "%.*s", (int)len,
		    iv.email);
		(void)snprintf(iv.sn, sizeof(iv.sn), "%s", iv.name);
	}

	if (lstat(secret, &st) == 0 && !S_ISREG(st.st_mode))
		return dwadm_usage_error("init: --service-secret: %s exists "
		    "and is not a regular file", secret);

	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if (dwadm_admin_dn(d->base, iv.email, admin_dn, sizeof(admin_dn)) != 0)
		return DWADM_EXIT_FAIL;
	if ((t.e = calloc(E_MAXENTRIES, sizeof(*t.e))) == NULL ||
	    (iv.admin_pw = sodium_malloc(PW_BUF)) == NULL ||
	    (iv.portal_pw = sodium_malloc(PW_BUF)) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	sodium_memzero(iv.admin_pw, PW_BUF);
	sodium_memzero(iv.portal_pw, PW_BUF);

	if ((rc = dwadm_connect(d)) != 0) {
		ret = rc;
		goto out;
	}
	if (check_absent(d) != 0)
		goto out;
	if (read_admin_password(from_stdin, &iv) != 0)
		goto out;
	if ((rc = dw_passwd_generate(iv.portal_pw, PW_BUF,
	    PORTAL_PW_LEN)) != DW_OK) {
		ret = dwadm_fail("cannot generate the portal password: %s",
		    dw_strerror(rc));
		goto out;
	}
	if (build_tree(&t, &iv, d->base, admin_dn) != 0)
		goto out;
	if (secret_tmp_write(secret, iv.portal_pw, tmp, sizeof(tmp)) != 0)
		goto out;
	if (add_all(d, &t) != 0)
		goto out;
	if (secret_commit(tmp, secret) != 0) {
		tmp[0] = '\0';	/* keep it: it holds the only copy */
		goto out;
	}
	tmp[0] = '\0';
	(void)printf("initialised %s: %zu entries\n", d->base, t.n);
	(void)printf("Super Admin: %s\n", admin_dn);
	(void)printf("portal service account: cn=portal,ou=services,%s "
	    "(password in %s)\n", d->base, secret);
	ret = DWADM_EXIT_OK;
out:
	if (tmp[0] != '\0')
		(void)unlink(tmp);
	if (iv.admin_pw != NULL) {
		sodium_memzero(iv.admin_pw, PW_BUF);
		sodium_free(iv.admin_pw);
	}
	if (iv.portal_pw != NULL) {
		sodium_memzero(iv.portal_pw, PW_BUF);
		sodium_free(iv.portal_pw);
	}
	free(iv.base_rdn_value);
	free(t.e);
	return ret;
}
