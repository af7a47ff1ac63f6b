/*
 * cmd_invite.c: invitations: "dwadm user invite", "resend-invite",
 * "revoke-invite", "accept-invite" and "user list --pending".
 *
 * The token is made here (dw_invite_token_generate: 256 bits from
 * libsodium), sent once to the directory in dwInviteToken (the overlay
 * keeps only its hash and stamps the expiry), and then either mailed
 * through sendmail (message on a pipe) or printed with --print-link.  It
 * lives in sodium_malloc memory, is wiped after use, and never reaches
 * argv, an error line or a log.  Accepting is the overlay's extended
 * operation, sent without a bind.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "dw_invite.h"
#include "dw_perm.h"
#include "dw_time.h"
#include "dwadm.h"

/* dwAcceptInvite, under the project arc (see slapo-dramwell(5)). */
#define OID_ACCEPT_INVITE \
	"2.25.145692219182018795104315938007758473821.3.1"
#define NAME_MAX_BYTES		256
#define TOKEN_BUF		(DW_INVITE_TOKEN_LEN + 1)
#define LINK_BUF		(DW_INVITE_URL_MAX + 64 + DW_INVITE_TOKEN_LEN)
#define MAIL_BUF		8192
#define PW_BUF			(DW_PASSWD_MAX + 2)
/* A pasted line may be the whole link; this much is read. */
#define TOKEN_LINE_BUF		(LINK_BUF + 2)
#define GENERIC_ACCEPT_ERROR	"invalid or expired invitation"
#define PENDING_FILTER	\
	"(&(objectClass=dwAdminUser)(dwAccountStatus=invited))"

static const char invite_help[] =
"usage: dwadm [global options] user invite EMAIL --role ROLE [--name NAME]\n"
"                                  [--print-link] [--sendmail CMD]\n"
"\n"
"Invite a new admin: create uid=EMAIL,ou=admins in the invited state with\n"
"a fresh invitation token (the directory keeps only its hash and stamps\n"
"the expiry from the security policy), then mail the accept link\n"
"(<portal-url>/invite/accept?token=...) and its expiry to EMAIL through\n"
"sendmail.  Needs the admin-users:write permission.\n"
"\n"
"  --role ROLE      the role the new admin will hold (must exist)\n"
"  --name NAME      full name (default: the address's local part)\n"
"  --print-link     print the accept link instead of mailing it\n"
"  --sendmail CMD   mail command (default: the config file's sendmail,\n"
"                   else " DW_DEFAULT_SENDMAIL "); run without a shell,\n"
"                   the message on its standard input\n"
"  -h, --help       this help\n";

static const char resend_help[] =
"usage: dwadm [global options] user resend-invite EMAIL [--print-link]\n"
"                                  [--sendmail CMD]\n"
"\n"
"Give a pending invitation a new token and a new expiry and mail (or\n"
"print) the new link.  The previous link stops working at once.\n"
"\n"
"  --print-link     print the accept link instead of mailing it\n"
"  --sendmail CMD   mail command (see dwadm user invite --help)\n"
"  -h, --help       this help\n";

static const char revoke_help[] =
"usage: dwadm [global options] user revoke-invite EMAIL\n"
"\n"
"Withdraw a pending invitation: its entry is deleted and its link stops\n"
"working.  Refused for an account that is not a pending invitation.\n";

static const char accept_help[] =
"usage: dwadm [-H URI]... [-c CONFIG] user accept-invite [--password-stdin]\n"
"\n"
"Accept an invitation: asks for the invitation token (or the whole link)\n"
"and the new password, and sends both to the directory, which checks the\n"
"token and its expiry, checks the password against the security policy,\n"
"sets it and activates the account, in one step.  No bind is needed.\n"
"With --password-stdin, standard input holds two lines: the token (or\n"
"link), then the password.  An unknown, expired, revoked or already used\n"
"token gets one error: \"" GENERIC_ACCEPT_ERROR "\".\n";

enum {
	OPT_ROLE = 256,
	OPT_NAME,
	OPT_PRINT_LINK,
	OPT_SENDMAIL,
	OPT_PWSTDIN,
};

static const struct option invite_opts[] = {
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "print-link", no_argument, NULL, OPT_PRINT_LINK },
	{ "sendmail", required_argument, NULL, OPT_SENDMAIL },
	{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct invite_args {
	const char *role;
	const char *name;
	const char *sendmail;
	bool print_link;
	bool pw_stdin;
	const char *email;	/* the one operand, or NULL */
	int help;
};

/* Parse the options of one invite subcommand; "allowed" lists the long
 * options it takes (by id).  Returns 0, or the exit status. */
static int
parse_opts(const char *sub, int argc, char **argv, const int *allowed,
    size_t nallowed, int want_operand, struct invite_args *a)
{
	size_t	i;
	int	c, ok;

	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", invite_opts, NULL)) != -1) {
		if (c == 'h') {
			a->help = 1;
			return 0;
		}
		if (c == ':')
			return dwadm_usage_error("user %s: option %s needs a "
			    "value", sub, argv[optind - 1]);
		ok = 0;
		for (i = 0; i < nallowed; i++)
			if (allowed[i] == c)
				ok = 1;
		if (c == '?' || !ok)
			return dwadm_usage_error("user %s: unknown option %s "
			    "(see dwadm user %s --help)", sub,
			    argv[optind - 1], sub);
		switch (c) {
		case OPT_ROLE:
			a->role = optarg;
			break;
		case OPT_NAME:
			a->name = optarg;
			break;
		case OPT_PRINT_LINK:
			a->print_link = true;
			break;
		case OPT_SENDMAIL:
			a->sendmail = optarg;
			break;
		case OPT_PWSTDIN:
			a->pw_stdin = true;
			break;
		}
	}
	if (want_operand) {
		if (optind + 1 != argc)
			return dwadm_usage_error("user %s takes one e-mail "
			    "address", sub);
		a->email = argv[optind];
	} else if (optind != argc)
		return dwadm_usage_error("user %s takes no arguments", sub);
	return 0;
}

/* Apply --sendmail over the configuration and find the mail command
 * and the portal URL (defaults when the configuration names none). */
static int
mail_settings(struct dwadm *d, const struct invite_args *a,
    const char **cmd, const char **url)
{
	char	err[256];

	if (a->sendmail != NULL) {
		err[0] = '\0';
		if (dw_client_conf_set(&d->conf, "sendmail", a->sendmail, err,
		    sizeof(err)) != DW_OK)
			return dwadm_usage_error("--sendmail: %s", err);
	}
	*cmd = d->conf.sendmail != NULL ? d->conf.sendmail :
	    DW_DEFAULT_SENDMAIL;
	*url = d->conf.portal_url != NULL ? d->conf.portal_url :
	    DW_DEFAULT_PORTAL_URL;
	if (dw_invite_url_check(*url, strlen(*url)) != DW_OK)
		return dwadm_fail("portal-url: not a usable https:// URL");
	if (!a->print_link)
		return dwadm_sendmail_check(*cmd);
	return 0;
}

/* The invitation message; out (MAIL_BUF, sodium memory) holds the link. */
static int
compose_mail(const char *email, const char *name, const char *role,
    const char *expires_iso, const char *link, char *out, size_t outsz,
    size_t *outlen)
{
	int	n;

	n = snprintf(out, outsz,
	    "To: %s\n"
	    "Subject: Your invitation to the DramWell admin portal\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n"
	    "\n"
	    "Hello %s,\n"
	    "\n"
	    "you have been invited to the DramWell admin portal with the\n"
	    "role %s.  To accept, open this link and choose your password:\n"
	    "\n"
	    "%s\n"
	    "\n"
	    "The link works once and expires at %s (UTC).\n"
	    "If you did not expect this invitation, ignore this message.\n",
	    email, name, role, link, expires_iso);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("invitation message too long");
	*outlen = (size_t)n;
	return 0;
}

/*
 * Read back the entry just written: its expiry (stamped by the server),
 * name and role.  Fails when the entry is not a pending invitation with
 * an expiry (an overlay that stamped none must not yield a link).
 */
static int
read_invite(struct dwadm *d, const char *dn, const char *email,
    char *expires_iso, size_t isosz, char **name, char **role)
{
	static char	*attrs[] = { "cn", "dwRole", "dwAccountStatus",
	    "dwInviteExpires", NULL };
	LDAPMessage	*res = NULL, *e;
	char		*status = NULL, *exp = NULL;
	time_t		 t;
	int		 rc, ret = DWADM_EXIT_FAIL;

	*name = *role = NULL;
	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwAdminUser)", attrs,
	    &res, &e);
	if (rc == LDAP_NO_SUCH_OBJECT) {
		ret = dwadm_fail("no such admin: %s", email);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "cannot read the invitation");
		goto out;
	}
	status = dwadm_first_value(d->ld, e, "dwAccountStatus");
	exp = dwadm_first_value(d->ld, e, "dwInviteExpires");
	*name = dwadm_first_value(d->ld, e, "cn");
	*role = dwadm_first_value(d->ld, e, "dwRole");
	if (status == NULL || strcasecmp(status, "invited") != 0) {
		ret = dwadm_fail("%s: not a pending invitation", email);
		goto out;
	}
	if (exp == NULL || dw_gentime_parse(exp, strlen(exp), &t) != DW_OK) {
		ret = dwadm_fail("%s: the directory stamped no invitation "
		    "expiry (is the dramwell overlay loaded?)", email);
		goto out;
	}
	if (*name == NULL || *role == NULL) {
		ret = dwadm_fail("%s: the invitation has no name or role",
		    email);
		goto out;
	}
	dwadm_time_iso(exp, expires_iso, isosz);
	ret = 0;
out:
	if (ret != 0) {
		free(*name);
		free(*role);
		*name = *role = NULL;
	}
	free(status);
	free(exp);
	ldap_msgfree(res);
	return ret;
}

/* Mail or print the link of a fresh token; prints what happened. */
static int
deliver(struct dwadm *d, const struct invite_args *a, const char *cmd,
    const char *url, const char *dn, const char *email, const char *tok,
    const char *done)
{
	char	 iso[64], what[DW_EMAIL_MAX + 64];
	char	*link = NULL, *mail = NULL, *name = NULL, *role = NULL;
	size_t	 len = 0;
	int	 ret = DWADM_EXIT_FAIL;

	if ((ret = read_invite(d, dn, email, iso, sizeof(iso), &name,
	    &role)) != 0)
		return ret;
	ret = DWADM_EXIT_FAIL;
	if ((link = sodium_malloc(LINK_BUF)) == NULL ||
	    (mail = sodium_malloc(MAIL_BUF)) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	if (dw_invite_link(url, tok, strlen(tok), link, LINK_BUF) != DW_OK) {
		ret = dwadm_fail("cannot build the invitation link");
		goto out;
	}
	if (a->print_link) {
		(void)printf("%s\n", link);
		(void)fprintf(stderr, "%s %s (%s); the link expires at %s\n",
		    done, email, role, iso);
		ret = 0;
		goto out;
	}
	/* Directory values go into the message only when they are plain
	 * text (never a header: To is the checked address). */
	if ((ret = compose_mail(email, dwadm_text_ok(name) ? name : "there",
	    dwadm_text_ok(role) ? role : "(see the portal)", iso, link, mail,
	    MAIL_BUF, &len)) != 0)
		goto out;
	(void)snprintf(what, sizeof(what), "%s %s, but the mail was not sent "
	    "(dwadm user resend-invite sends a new link)", done, email);
	if ((ret = dwadm_sendmail(cmd, mail, len, what)) != 0)
		goto out;
	(void)printf("%s %s (%s); invitation mailed, expires at %s\n", done,
	    email, role, iso);
	ret = 0;
out:
	dwadm_secret_free(link, LINK_BUF);
	dwadm_secret_free(mail, MAIL_BUF);
	free(name);
	free(role);
	return ret;
}

static int
check_name(const char *name, char *cn, char *sn, size_t sz,
    const char *email)
{
	const char	*sp, *at;
	size_t		 len;

	if (name != NULL) {
		len = strlen(name);
		if (len == 0 || len > NAME_MAX_BYTES || !dwadm_text_ok(name) ||
		    name[0] == ' ' || name[len - 1] == ' ')
			return dwadm_usage_error("user invite: --name must be "
			    "1..%d bytes of printable text without leading or "
			    "trailing blanks", NAME_MAX_BYTES);
		(void)snprintf(cn, sz, "%s", name);
		sp = strrchr(name, ' ');
		(void)snprintf(sn, sz, "%s", sp != NULL ? sp + 1 : name);
		return 0;
	}
	at = strchr(email, '@');
	len = at != NULL ? (size_t)(at - email) : strlen(email);
	(void)snprintf(cn, sz, "%.*s", (int)len, email);
	(void)snprintf(sn, sz, "%s", cn);
	return 0;
}

/* Does role NAME exist?  0, or an error line printed. */
static int
role_exists(struct dwadm *d, const char *role)
{
	static char	*attrs[] = { "cn", NULL };
	LDAPMessage	*res = NULL, *e;
	char		 dn[DWADM_DN_MAX];
	int		 rc;

	if ((rc = dwadm_role_dn(d->base, role, dn, sizeof(dn))) != 0)
		return rc;
	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwRole)", attrs, &res,
	    &e);
	ldap_msgfree(res);
	if (rc == LDAP_NO_SUCH_OBJECT)
		return dwadm_fail("no such role: %s (see dwadm role list)",
		    role);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, "cannot read the role");
	return 0;
}

/*
 * A fresh invitation token in guarded memory (sodium_malloc); the caller
 * releases it with token_free, which wipes it.  0, or dwadm's failure.
 */
static int
token_new(char **out)
{
	char	*tok;

	if ((tok = sodium_malloc(TOKEN_BUF)) == NULL)
		return dwadm_fail("out of memory");
	if (dw_invite_token_generate(tok, TOKEN_BUF) != DW_OK) {
		sodium_free(tok);
		return dwadm_fail("cannot generate an invitation token");
	}
	*out = tok;
	return 0;
}

static void
token_free(char *tok)
{
	dwadm_secret_free(tok, TOKEN_BUF);
}

int
dwadm_user_invite(struct dwadm *d, int argc, char **argv)
{
	static const int allowed[] = { OPT_ROLE, OPT_NAME, OPT_PRINT_LINK,
	    OPT_SENDMAIL };
	struct invite_args	 a;
	LDAPMod			 mod[9], *mods[10];
	char			*oc[] = { "inetOrgPerson", "dwAdminUser",
	    NULL };
	char			*v_uid[2], *v_mail[2], *v_cn[2], *v_sn[2];
	char			*v_role[2], *v_st[2] = { "invited", NULL };
	char			*v_tok[2];
	char			 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char			 cn[NAME_MAX_BYTES + 1], sn[NAME_MAX_BYTES + 1];
	char			 what[DW_EMAIL_MAX + 32];
	char			*tok = NULL;
	const char		*cmd, *url;
	size_t			 i;
	int			 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = parse_opts("invite", argc, argv, allowed,
	    sizeof(allowed) / sizeof(allowed[0]), 1, &a)) != 0)
		return rc;
	if (a.help) {
		(void)fputs(invite_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (a.role == NULL)
		return dwadm_usage_error("user invite: --role ROLE is "
		    "required");
	if ((rc = dwadm_email_arg("user invite", a.email, email,
	    sizeof(email))) != 0)
		return rc;
	if (dw_role_name_check(a.role, strlen(a.role)) != DW_OK)
		return dwadm_usage_error("user invite: --role: not a valid "
		    "role name");
	if ((rc = check_name(a.name, cn, sn, sizeof(cn), email)) != 0)
		return rc;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if ((rc = mail_settings(d, &a, &cmd, &url)) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = role_exists(d, a.role)) != 0)
		return rc;

	if ((rc = token_new(&tok)) != 0)
		return rc;
	v_uid[0] = email;
	v_mail[0] = email;
	v_cn[0] = cn;
	v_sn[0] = sn;
	v_role[0] = (char *)a.role;
	v_tok[0] = tok;
	v_uid[1] = v_mail[1] = v_cn[1] = v_sn[1] = v_role[1] = v_tok[1] =
	    NULL;
	memset(mod, 0, sizeof(mod));
	mod[0].mod_type = "objectClass";
	mod[0].mod_values = oc;
	mod[1].mod_type = "uid";
	mod[1].mod_values = v_uid;
	mod[2].mod_type = "mail";
	mod[2].mod_values = v_mail;
	mod[3].mod_type = "cn";
	mod[3].mod_values = v_cn;
	mod[4].mod_type = "sn";
	mod[4].mod_values = v_sn;
	mod[5].mod_type = "dwRole";
	mod[5].mod_values = v_role;
	mod[6].mod_type = "dwAccountStatus";
	mod[6].mod_values = v_st;
	mod[7].mod_type = "dwInviteToken";
	mod[7].mod_values = v_tok;
	for (i = 0; i < 8; i++) {
		mod[i].mod_op = LDAP_MOD_ADD;
		mods[i] = &mod[i];
	}
	mods[8] = NULL;
	rc = ldap_add_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc == LDAP_ALREADY_EXISTS) {
		ret = dwadm_fail("cannot invite %s: an admin with this e-mail "
		    "address already exists or is invited", email);
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot invite %s", email);
		ret = dwadm_ldap_fail(d->ld, rc, what);
		goto out;
	}
	ret = deliver(d, &a, cmd, url, dn, email, tok, "invited");
out:
	token_free(tok);
	return ret;
}

/* Read dwAccountStatus of dn; a clear error unless it is "want". */
static int
expect_status(struct dwadm *d, const char *dn, const char *email,
    const char *want, const char *wrong)
{
	static char	*attrs[] = { "dwAccountStatus", NULL };
	LDAPMessage	*res = NULL, *e;
	char		*st = NULL;
	int		 rc, ret = DWADM_EXIT_FAIL;

	rc = dwadm_read_entry(d->ld, dn, "(objectClass=dwAdminUser)", attrs,
	    &res, &e);
	if (rc == LDAP_NO_SUCH_OBJECT)
		ret = dwadm_fail("no such admin: %s", email);
	else if (rc != LDAP_SUCCESS)
		ret = dwadm_ldap_fail(d->ld, rc, "cannot read the account");
	else if ((st = dwadm_first_value(d->ld, e, "dwAccountStatus")) ==
	    NULL || strcasecmp(st, want) != 0)
		ret = dwadm_fail("%s: %s", email, wrong);
	else
		ret = 0;
	free(st);
	ldap_msgfree(res);
	return ret;
}

int
dwadm_user_resend(struct dwadm *d, int argc, char **argv)
{
	static const int allowed[] = { OPT_PRINT_LINK, OPT_SENDMAIL };
	struct invite_args	 a;
	LDAPMod			 mod, *mods[2];
	char			*vals[2];
	char			 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char			 what[DW_EMAIL_MAX + 64];
	char			*tok = NULL;
	const char		*cmd, *url;
	int			 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = parse_opts("resend-invite", argc, argv, allowed,
	    sizeof(allowed) / sizeof(allowed[0]), 1, &a)) != 0)
		return rc;
	if (a.help) {
		(void)fputs(resend_help, stdout);
		return DWADM_EXIT_OK;
	}
	if ((rc = dwadm_email_arg("user resend-invite", a.email, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if ((rc = mail_settings(d, &a, &cmd, &url)) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = expect_status(d, dn, email, "invited",
	    "not a pending invitation")) != 0)
		return rc;
	if ((rc = token_new(&tok)) != 0)
		return rc;
	vals[0] = tok;
	vals[1] = NULL;
	mod.mod_op = LDAP_MOD_REPLACE;
	mod.mod_type = "dwInviteToken";
	mod.mod_values = vals;
	mods[0] = &mod;
	mods[1] = NULL;
	rc = ldap_modify_ext_s(d->ld, dn, mods, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot resend the "
		    "invitation of %s", email);
		ret = dwadm_ldap_fail(d->ld, rc, what);
		goto out;
	}
	ret = deliver(d, &a, cmd, url, dn, email, tok, "re-invited");
out:
	token_free(tok);
	return ret;
}

int
dwadm_user_revoke(struct dwadm *d, int argc, char **argv)
{
	struct invite_args	 a;
	LDAPControl		*ctrl = NULL, *ctrls[2];
	char			 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char			 what[DW_EMAIL_MAX + 64];
	int			 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = parse_opts("revoke-invite", argc, argv, NULL, 0, 1,
	    &a)) != 0)
		return rc;
	if (a.help) {
		(void)fputs(revoke_help, stdout);
		return DWADM_EXIT_OK;
	}
	if ((rc = dwadm_email_arg("user revoke-invite", a.email, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if ((rc = dwadm_admin_dn(d->base, email, dn, sizeof(dn))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((rc = expect_status(d, dn, email, "invited",
	    "not a pending invitation (dwadm user deactivate ends an "
	    "account)")) != 0)
		return rc;
	/* The entry may have been accepted since: delete it only while it
	 * is still an invitation (RFC 4528 assertion). */
	rc = ldap_create_assertion_control(d->ld,
	    "(dwAccountStatus=invited)", 1, &ctrl);
	if (rc != LDAP_SUCCESS)
		return dwadm_ldap_fail(d->ld, rc, "cannot revoke");
	ctrls[0] = ctrl;
	ctrls[1] = NULL;
	rc = ldap_delete_ext_s(d->ld, dn, ctrls, NULL);
	ldap_control_free(ctrl);
	if (rc == LDAP_ASSERTION_FAILED) {
		ret = dwadm_fail("%s: not a pending invitation", email);
	} else if (rc != LDAP_SUCCESS) {
		(void)snprintf(what, sizeof(what), "cannot revoke the "
		    "invitation of %s", email);
		ret = dwadm_ldap_fail(d->ld, rc, what);
	} else {
		(void)printf("revoked the invitation of %s\n", email);
		ret = 0;
	}
	return ret;
}

/* ---- accept */

/* The token from a line holding it or the whole link: what follows the
 * last "token=", up to '&' or '#'. */
static void
token_from_line(const char *line, const char **tok, size_t *len)
{
	const char	*p, *q;

	p = line;
	while ((q = strstr(p, "token=")) != NULL)
		p = q + 6;
	if (p == line) {
		while (*p == ' ' || *p == '\t')
			p++;
	}
	*tok = p;
	*len = strcspn(p, "&# \t\r");
}

int
dwadm_user_accept(struct dwadm *d, int argc, char **argv)
{
	struct invite_args	 a;
	struct berval		 req, *retdata = NULL;
	char			*line = NULL, *pw = NULL, *again = NULL;
	char			*retoid = NULL, desc[1024];
	unsigned char		*ber = NULL;
	const char		*tok;
	size_t			 toklen, linelen = 0, pwlen = 0, len2 = 0;
	size_t			 bersz = 0;
	bool			 from_stdin;
	int			 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = parse_opts("accept-invite", argc, argv,
	    (const int[]){ OPT_PWSTDIN }, 1, 0, &a)) != 0)
		return rc;
	if (a.help) {
		(void)fputs(accept_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (d->auth != DWADM_AUTH_NONE)
		return dwadm_usage_error("user accept-invite binds as nobody: "
		    "drop --as and -Y");
	from_stdin = a.pw_stdin || d->password_stdin;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	bersz = TOKEN_LINE_BUF + PW_BUF + 16;
	if ((line = sodium_malloc(TOKEN_LINE_BUF)) == NULL ||
	    (pw = sodium_malloc(PW_BUF)) == NULL ||
	    (ber = sodium_malloc(bersz)) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	/* The token is a secret too: no echo, never in argv. */
	if (dwadm_read_secret(from_stdin, "Invitation token or link: ",
	    "invitation token", line, TOKEN_LINE_BUF, &linelen) != 0)
		goto out;
	token_from_line(line, &tok, &toklen);
	if (dw_invite_token_check(tok, toklen) != DW_OK) {
		ret = dwadm_fail("not an invitation token (give the %d "
		    "characters after token= in the link, or the link)",
		    DW_INVITE_TOKEN_LEN);
		goto out;
	}
	if (dwadm_read_password(from_stdin, "New password: ", pw, PW_BUF,
	    &pwlen) != 0)
		goto out;
	if (!from_stdin) {
		if ((again = sodium_malloc(PW_BUF)) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		if (dwadm_read_password(false, "Repeat the new password: ",
		    again, PW_BUF, &len2) != 0)
			goto out;
		if (len2 != pwlen || sodium_memcmp(pw, again, pwlen) != 0) {
			ret = dwadm_fail("the passwords do not match");
			goto out;
		}
	}
	{
		const char	*s[2] = { tok, pw };
		size_t		 l[2] = { toklen, pwlen };

		/* SEQUENCE { token OCTET STRING, newPassword OCTET STRING } */
		if ((req.bv_len = dwadm_ber_strings(s, l, 2, ber, bersz)) ==
		    0) {
			ret = dwadm_fail("invitation token or password too "
			    "long");
			goto out;
		}
	}
	req.bv_val = (char *)ber;
	if ((rc = dwadm_connect_anon(d)) != 0) {
		ret = rc;
		goto out;
	}
	rc = ldap_extended_operation_s(d->ld, OID_ACCEPT_INVITE, &req, NULL,
	    NULL, &retoid, &retdata);
	switch (rc) {
	case LDAP_SUCCESS:
		(void)printf("invitation accepted: the account is active; "
		    "sign in with the new password\n");
		ret = 0;
		break;
	case LDAP_INVALID_CREDENTIALS:
		ret = dwadm_fail(GENERIC_ACCEPT_ERROR);
		break;
	case LDAP_CONSTRAINT_VIOLATION:
		dwadm_ldap_describe(d->ld, rc, desc, sizeof(desc));
		ret = dwadm_fail("password refused by the security policy: %s "
		    "(the invitation is still valid)", desc);
		break;
	case LDAP_PROTOCOL_ERROR:
	case LDAP_UNWILLING_TO_PERFORM:
		ret = dwadm_ldap_fail(d->ld, rc, "cannot accept the "
		    "invitation (does the server run the dramwell overlay?)");
		break;
	default:
		ret = dwadm_ldap_fail(d->ld, rc, "cannot accept the "
		    "invitation");
		break;
	}
out:
	ldap_memfree(retoid);
	ber_bvfree(retdata);
	dwadm_secret_free(line, TOKEN_LINE_BUF);
	dwadm_secret_free(pw, PW_BUF);
	dwadm_secret_free(again, PW_BUF);
	dwadm_secret_free(ber, bersz);
	return ret;
}

/* ---- list --pending */

struct pending {
	char *email, *role, *by, *expires;
	bool expired;
};

static int
pending_cmp(const void *a, const void *b)
{
	const struct pending	*x = a, *y = b;

	return strcmp(x->email != NULL ? x->email : "",
	    y->email != NULL ? y->email : "");
}

static void
pad(const char *s, size_t width)
{
	char	buf[1024];
	size_t	w;

	w = dwadm_term_clean(s != NULL ? s : "-", buf, sizeof(buf));
	(void)fputs(buf, stdout);
	while (w++ < width + 2)
		(void)fputc(' ', stdout);
}

static size_t
width_of(const char *s)
{
	char	buf[1024];

	return dwadm_term_clean(s != NULL ? s : "-", buf, sizeof(buf));
}

int
dwadm_user_list_pending(struct dwadm *d)
{
	static char	*attrs[] = { "uid", "mail", "dwRole", "dwInvitedBy",
	    "dwInviteExpires", NULL };
	static const char *head[] = { "EMAIL", "ROLE", "INVITED BY",
	    "EXPIRES", "EXPIRED" };
	struct pending	*v = NULL, *nv;
	LDAPMessage	*res = NULL, *e;
	char		 base[DWADM_DN_MAX], by[DWADM_DN_MAX], iso[64];
	char		*dn;
	const char	*cells[5];
	size_t		 n = 0, cap = 0, i, j, k, w[5];
	int		 pass;
	time_t		 now = time(NULL), t;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = dwadm_child_dn("ou=admins", d->base, base,
	    sizeof(base))) != 0)
		return rc;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	rc = ldap_search_ext_s(d->ld, base, LDAP_SCOPE_ONELEVEL,
	    PENDING_FILTER, attrs, 0, NULL, NULL, NULL, LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "cannot list invitations");
		goto out;
	}
	for (e = ldap_first_entry(d->ld, res); e != NULL;
	    e = ldap_next_entry(d->ld, e)) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				ret = dwadm_fail("out of memory");
				goto out;
			}
			v = nv;
		}
		memset(&v[n], 0, sizeof(v[n]));
		if ((v[n].email = dwadm_first_value(d->ld, e, "uid")) == NULL)
			v[n].email = dwadm_first_value(d->ld, e, "mail");
		v[n].role = dwadm_first_value(d->ld, e, "dwRole");
		if ((dn = dwadm_first_value(d->ld, e, "dwInvitedBy")) !=
		    NULL) {
			dwadm_dn_to_email(dn, d->base, by, sizeof(by));
			v[n].by = strdup(by);
			free(dn);
		}
		v[n].expires = dwadm_first_value(d->ld, e,
		    "dwInviteExpires");
		/* No or a malformed expiry: unusable, so expired. */
		v[n].expired = v[n].expires == NULL ||
		    dw_gentime_parse(v[n].expires, strlen(v[n].expires),
		    &t) != DW_OK || dw_invite_expired(t, now);
		n++;
	}
	if (n > 0)
		qsort(v, n, sizeof(v[0]), pending_cmp);
	if (d->json) {
		(void)fputs("[", stdout);
		for (i = 0; i < n; i++) {
			(void)fputs(i == 0 ? "\n  {\"email\": " :
			    ",\n  {\"email\": ", stdout);
			dwadm_json_str(stdout, v[i].email);
			(void)fputs(", \"role\": ", stdout);
			dwadm_json_str(stdout, v[i].role);
			(void)fputs(", \"invited_by\": ", stdout);
			dwadm_json_str(stdout, v[i].by);
			(void)fputs(", \"expires\": ", stdout);
			if (v[i].expires != NULL) {
				dwadm_time_iso(v[i].expires, iso,
				    sizeof(iso));
				dwadm_json_str(stdout, iso);
			} else
				dwadm_json_str(stdout, NULL);
			(void)fprintf(stdout, ", \"expired\": %s}",
			    v[i].expired ? "true" : "false");
		}
		(void)fputs(n > 0 ? "\n]\n" : "]\n", stdout);
		ret = 0;
		goto out;
	}
	for (j = 0; j < 5; j++)
		w[j] = 0;
	/* Two passes: column widths, then the rows (row n = the header). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i <= n; i++) {
			k = pass == 0 ? i : (i + n) % (n + 1);
			if (k == n) {
				for (j = 0; j < 5; j++)
					cells[j] = head[j];
			} else {
				if (v[k].expires != NULL)
					dwadm_time_iso(v[k].expires, iso,
					    sizeof(iso));
				cells[0] = v[k].email;
				cells[1] = v[k].role;
				cells[2] = v[k].by;
				cells[3] = v[k].expires != NULL ? iso : NULL;
				cells[4] = v[k].expired ? "yes" : "no";
			}
			for (j = 0; j < 5; j++) {
				if (pass == 0 && width_of(cells[j]) > w[j])
					w[j] = width_of(cells[j]);
				else if (pass == 1 && j < 4)
					pad(cells[j], w[j]);
			}
			if (pass == 1)
				(void)printf("%s\n", cells[4]);
		}
	}
	ret = 0;
out:
	for (i = 0; i < n; i++) {
		free(v[i].email);
		free(v[i].role);
		free(v[i].by);
		free(v[i].expires);
	}
	free(v);
	ldap_msgfree(res);
	return ret;
}
