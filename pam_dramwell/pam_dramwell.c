/*
 * pam_dramwell.c: the DramWell PAM module.
 *
 * auth     prompts for the password, finds the admin entry through the
 *          service account with an escaped filter, and binds as that
 *          entry with the password.
 * account  looks the admin up again (no cache), allows only an active
 *          account, and exports its role as DRAMWELL_ROLE.
 * setcred  nothing to set: success.
 *
 * Thin glue: the rules (e-mail form, account state, role names) come from
 * core/.  Every call parses its arguments into a const options struct,
 * opens its own connection and keeps nothing afterwards.  Every result is
 * an enum pd_status, turned into a PAM code in one place (pd_to_pam).
 * Everything is static but the pam_sm_* entry points.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <ldap.h>
#include <sodium.h>

#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "dw_account.h"
#include "dw_conf.h"
#include "dw_email.h"
#include "dw_passwd.h"
#include "dw_perm.h"

#define PD_EXPORT	__attribute__((visibility("default")))

#define PD_DEFAULT_CONFIG	"/etc/dramwell/pam_dramwell.conf"
#define PD_PROMPT		"Password: "
#define PD_ROLE_ENV		"DRAMWELL_ROLE"
#define PD_ADMINS_RDN		"ou=admins"
#define PD_FILTER_FMT		"(&(objectClass=dwAdminUser)(uid=%s))"
#define PD_STATUS_MAX		16	/* longest state: 11 bytes */
#define PD_DN_MAX		2048

/*
 * An argon2id hash of a random password nobody knows, at the default
 * parameters.  When no account matches, the module verifies the typed
 * password against it, so that an unknown name costs about the same time
 * as a known one (no bind is sent for it).
 */
static const char pd_dummy_hash[] =
    "{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$X+Knz/keDArgn5TZftwKhA$"
    "Xw1RrJiWCgKYKjq5NL9WPnTDon5XH8VeltaUGcyvb+c";

/* Outcomes inside the module; pd_to_pam() is the only mapper. */
enum pd_status {
	PD_OK = 0,
	PD_DENIED,	/* wrong password, no such account, bad name */
	PD_INACTIVE,	/* the account exists but is not active */
	PD_UNAVAIL,	/* directory unreachable or answering unexpectedly */
	PD_NOMEM,
	PD_CONV_AGAIN,	/* the conversation asked to be called again */
	PD_CONV_ERR,
	PD_CONFIG,	/* bad argument or configuration file */
	PD_SYSTEM,
};

/* Which entry point is asking: the same denial reads differently. */
enum pd_phase {
	PD_PHASE_AUTH,
	PD_PHASE_ACCOUNT,
};

/* Parsed arguments; const once parsed. */
struct pd_opts {
	struct dw_client_conf	conf;
	bool			debug;
};

/* What the directory says about one admin. */
struct pd_account {
	char	*dn;				/* ldap_memfree */
	char	 status[PD_STATUS_MAX];
	size_t	 statuslen;
	bool	 has_status;		/* exactly one sane value */
	char	 role[DW_ROLE_NAME_MAX + 1];
	size_t	 rolelen;
	bool	 has_role;		/* exactly one sane value */
};

/* SIGPIPE is blocked while libldap writes to sockets in the host process. */
struct pd_sigpipe {
	sigset_t	old;
	bool		blocked;
	bool		was_pending;
};

static int
pd_to_pam(enum pd_phase phase, enum pd_status st)
{
	switch (st) {
	case PD_OK:
		return PAM_SUCCESS;
	case PD_DENIED:
		/* Never PAM_USER_UNKNOWN: nothing to probe. */
		return phase == PD_PHASE_AUTH ? PAM_AUTH_ERR : PAM_PERM_DENIED;
	case PD_INACTIVE:
		return phase == PD_PHASE_AUTH ? PAM_AUTH_ERR : PAM_PERM_DENIED;
	case PD_UNAVAIL:
		return PAM_AUTHINFO_UNAVAIL;
	case PD_NOMEM:
		return PAM_BUF_ERR;
	case PD_CONV_AGAIN:
		return PAM_INCOMPLETE;
	case PD_CONV_ERR:
		return PAM_CONV_ERR;
	case PD_CONFIG:
		return PAM_SERVICE_ERR;
	case PD_SYSTEM:
		break;
	}
	return PAM_SYSTEM_ERR;
}

/* A failed libpam call, as a status. */
static enum pd_status
pd_status_from_pam(int pamrc)
{
	switch (pamrc) {
	case PAM_CONV_AGAIN:
	case PAM_INCOMPLETE:
		return PD_CONV_AGAIN;
	case PAM_BUF_ERR:
		return PD_NOMEM;
	case PAM_CONV_ERR:
		return PD_CONV_ERR;
	default:
		return PD_SYSTEM;
	}
}

/* Errors that mean "this server cannot be used now": try the next URI. */
static bool
pd_ldap_unreachable(int lrc)
{
	return lrc == LDAP_SERVER_DOWN || lrc == LDAP_CONNECT_ERROR ||
	    lrc == LDAP_TIMEOUT || lrc == LDAP_UNAVAILABLE ||
	    lrc == LDAP_BUSY;
}

static void
pd_sigpipe_block(struct pd_sigpipe *s)
{
	sigset_t	set, pend;

	s->blocked = false;
	s->was_pending = false;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (pthread_sigmask(SIG_BLOCK, &set, &s->old) != 0)
		return;
	s->blocked = true;
	if (sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE) == 1)
		s->was_pending = true;
}

static void
pd_sigpipe_restore(struct pd_sigpipe *s)
{
	const struct timespec	zero = { 0, 0 };
	sigset_t		set, pend;

	if (!s->blocked)
		return;
	/* Swallow a SIGPIPE that our own writes raised, then unblock. */
	if (!s->was_pending && sigpending(&pend) == 0 &&
	    sigismember(&pend, SIGPIPE) == 1) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) == -1 &&
		    errno == EINTR)
			;
	}
	(void)pthread_sigmask(SIG_SETMASK, &s->old, NULL);
	s->blocked = false;
}

/* ------------------------------------------------------------- arguments */

static bool
pd_arg_is(const char *arg, const char *key, const char **value)
{
	size_t	len = strlen(key);

	if (strncmp(arg, key, len) != 0 || arg[len] != '=')
		return false;
	*value = arg + len + 1;
	return true;
}

/* Log an argument by its key only: a value might be something secret. */
static void
pd_log_bad_arg(pam_handle_t *pamh, const char *arg, const char *why)
{
	size_t	keylen = strcspn(arg, "=");
	size_t	i;

	for (i = 0; i < keylen; i++)
		if (!((arg[i] >= 'a' && arg[i] <= 'z') || arg[i] == '_'))
			break;
	if (i == keylen && keylen > 0 && keylen <= 32)
		pam_syslog(pamh, LOG_ERR, "argument \"%.*s\": %s",
		    (int)keylen, arg, why);
	else
		pam_syslog(pamh, LOG_ERR, "argument %d chars long: %s",
		    (int)strlen(arg), why);
}

static enum pd_status
pd_check_uris(pam_handle_t *pamh, const struct dw_client_conf *c)
{
	LDAPURLDesc	*lud = NULL;
	size_t		 i;
	int		 lrc;

	if (c->nuris == 0) {
		pam_syslog(pamh, LOG_ERR, "no uri configured");
		return PD_CONFIG;
	}
	for (i = 0; i < c->nuris; i++) {
		lrc = ldap_url_parse(c->uris[i], &lud);
		if (lrc != LDAP_URL_SUCCESS) {
			pam_syslog(pamh, LOG_ERR, "uri %zu is not a valid "
			    "LDAP URL (error %d)", i + 1, lrc);
			return PD_CONFIG;
		}
		ldap_free_urldesc(lud);
		lud = NULL;
	}
	return PD_OK;
}

/*
 * Parse the module arguments into *o (initialised here; free with
 * dw_client_conf_free(&o->conf) whatever the result).  The file named by
 * config= (or the default file) is read first; arguments override it, and
 * uri= arguments replace the file's URI list.  The default file may be
 * missing only when the arguments name a uri.  Fails closed.
 */
static enum pd_status
pd_parse_args(pam_handle_t *pamh, int argc, const char **argv,
    struct pd_opts *o)
{
	const char	*config = NULL, *v;
	char		 err[512], key[16];
	bool		 have_uri_arg = false, cleared_uris = false;
	size_t		 i, keylen;
	int		 k, drc;

	memset(o, 0, sizeof(*o));
	dw_client_conf_init(&o->conf);
	for (k = 0; k < argc; k++) {
		if (argv[k] == NULL)
			continue;
		if (strcmp(argv[k], "debug") == 0) {
			o->debug = true;
		} else if (pd_arg_is(argv[k], "config", &v)) {
			if (config != NULL) {
				pd_log_bad_arg(pamh, argv[k], "given twice");
				return PD_CONFIG;
			}
			if (v[0] != '/') {
				pd_log_bad_arg(pamh, argv[k],
				    "not an absolute path");
				return PD_CONFIG;
			}
			config = v;
		} else if (pd_arg_is(argv[k], "uri", &v)) {
			have_uri_arg = true;
		} else if (!pd_arg_is(argv[k], "base", &v) &&
		    !pd_arg_is(argv[k], "binddn", &v) &&
		    !pd_arg_is(argv[k], "bindpwfile", &v) &&
		    !pd_arg_is(argv[k], "timeout", &v)) {
			pd_log_bad_arg(pamh, argv[k], "unknown argument");
			return PD_CONFIG;
		}
	}
	if (o->conf.base == NULL)
		return PD_NOMEM;

	err[0] = '\0';
	drc = dw_client_conf_load(&o->conf,
	    config != NULL ? config : PD_DEFAULT_CONFIG,
	    config == NULL && have_uri_arg, err, sizeof(err));
	if (drc != DW_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration: %s", err);
		return drc == DW_ERR_NOMEM ? PD_NOMEM : PD_CONFIG;
	}

	for (k = 0; k < argc; k++) {
		if (argv[k] == NULL || strcmp(argv[k], "debug") == 0 ||
		    pd_arg_is(argv[k], "config", &v))
			continue;
		if (pd_arg_is(argv[k], "uri", &v) && !cleared_uris) {
			for (i = 0; i < o->conf.nuris; i++) {
				free(o->conf.uris[i]);
				o->conf.uris[i] = NULL;
			}
			o->conf.nuris = 0;
			cleared_uris = true;
		}
		/* Only known keys reach here (checked above). */
		v = strchr(argv[k], '=');
		keylen = (size_t)(v - argv[k]);
		if (keylen >= sizeof(key))
			return PD_CONFIG;
		memcpy(key, argv[k], keylen);
		key[keylen] = '\0';
		err[0] = '\0';
		drc = dw_client_conf_set(&o->conf, key, v + 1, err,
		    sizeof(err));
		if (drc != DW_OK) {
			pam_syslog(pamh, LOG_ERR, "argument: %s", err);
			return drc == DW_ERR_NOMEM ? PD_NOMEM : PD_CONFIG;
		}
	}

	err[0] = '\0';
	if ((drc = dw_client_conf_finish(&o->conf, err, sizeof(err))) !=
	    DW_OK) {
		pam_syslog(pamh, LOG_ERR, "configuration: %s", err);
		return drc == DW_ERR_NOMEM ? PD_NOMEM : PD_CONFIG;
	}
	return pd_check_uris(pamh, &o->conf);
}

/* ------------------------------------------------------------- directory */

static enum pd_status
pd_set_options(pam_handle_t *pamh, LDAP *ld, const struct pd_opts *o)
{
	struct timeval	tv;
	int		version = LDAP_VERSION3;

	tv.tv_sec = (time_t)o->conf.timeout;
	tv.tv_usec = 0;
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON) !=
	    LDAP_OPT_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot set LDAP options");
		return PD_SYSTEM;
	}
	return PD_OK;
}

/*
 * Connect to the URIs in order and bind as the service account.  A server
 * that cannot be reached (connect failure, server down, timeout) moves on
 * to the next URI; any other failure of the service bind stops here.
 * On PD_OK *ldp is a bound handle for pd_dir_close().
 */
static enum pd_status
pd_dir_open(pam_handle_t *pamh, const struct pd_opts *o, LDAP **ldp)
{
	char		 secret[DW_SECRET_MAX + 1];
	struct berval	 cred;
	LDAP		*ld = NULL;
	size_t		 secretlen = 0, i;
	enum pd_status	 st = PD_UNAVAIL;
	int		 lrc, drc;

	*ldp = NULL;
	if ((drc = dw_secret_file_read(o->conf.bindpw_file, secret,
	    sizeof(secret), &secretlen)) != DW_OK) {
		pam_syslog(pamh, LOG_ERR, "cannot read the service password "
		    "file %s: %s", o->conf.bindpw_file, dw_strerror(drc));
		goto out;
	}
	cred.bv_val = secret;
	cred.bv_len = secretlen;
	for (i = 0; i < o->conf.nuris; i++) {
		if ((lrc = ldap_initialize(&ld, o->conf.uris[i])) !=
		    LDAP_SUCCESS) {
			pam_syslog(pamh, LOG_ERR, "ldap_initialize(%s): %s",
			    o->conf.uris[i], ldap_err2string(lrc));
			st = lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
			ld = NULL;
			goto out;
		}
		if ((st = pd_set_options(pamh, ld, o)) != PD_OK)
			goto out;
		st = PD_UNAVAIL;
		lrc = ldap_sasl_bind_s(ld, o->conf.binddn, LDAP_SASL_SIMPLE,
		    &cred, NULL, NULL, NULL);
		if (lrc == LDAP_SUCCESS) {
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG, "bound as %s at %s",
				    o->conf.binddn, o->conf.uris[i]);
			*ldp = ld;
			ld = NULL;
			st = PD_OK;
			goto out;
		}
		if (!pd_ldap_unreachable(lrc)) {
			pam_syslog(pamh, LOG_ERR, "service bind as %s at %s "
			    "failed: %s", o->conf.binddn, o->conf.uris[i],
			    ldap_err2string(lrc));
			st = lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
			goto out;
		}
		pam_syslog(pamh, LOG_WARNING, "directory at %s unreachable: %s",
		    o->conf.uris[i], ldap_err2string(lrc));
		(void)ldap_unbind_ext_s(ld, NULL, NULL);
		ld = NULL;
	}
	pam_syslog(pamh, LOG_ERR, "no directory server reachable "
	    "(%zu tried)", o->conf.nuris);
out:
	if (ld != NULL)
		(void)ldap_unbind_ext_s(ld, NULL, NULL);
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(&cred, sizeof(cred));
	return st;
}

static void
pd_dir_close(LDAP *ld)
{
	if (ld != NULL)
		(void)ldap_unbind_ext_s(ld, NULL, NULL);
}

static void
pd_account_free(struct pd_account *a)
{
	if (a == NULL)
		return;
	if (a->dn != NULL)
		ldap_memfree(a->dn);
	memset(a, 0, sizeof(*a));
}

/* Copy the single value of attr into buf if there is exactly one that fits
 * and has no NUL byte; false otherwise (absent, multi-valued, too long). */
static bool
pd_single_value(LDAP *ld, LDAPMessage *e, const char *attr, char *buf,
    size_t bufsz, size_t *lenp)
{
	struct berval	**vals;
	bool		  ok = false;

	if ((vals = ldap_get_values_len(ld, e, attr)) == NULL)
		return false;
	if (vals[0] != NULL && vals[1] == NULL &&
	    vals[0]->bv_len < bufsz &&
	    memchr(vals[0]->bv_val, '\0', vals[0]->bv_len) == NULL) {
		memcpy(buf, vals[0]->bv_val, vals[0]->bv_len);
		buf[vals[0]->bv_len] = '\0';
		*lenp = vals[0]->bv_len;
		ok = true;
	}
	ldap_value_free_len(vals);
	return ok;
}

/*
 * Find the admin entry for the normalised address email below
 * ou=admins,BASE (one level, escaped filter, size limit 2).  PD_OK with
 * *acct filled when exactly one entry matches; PD_DENIED when none or
 * more than one does.
 */
static enum pd_status
pd_dir_find(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *email, struct pd_account *acct)
{
	char		*attrs[] = { "dwAccountStatus", "dwRole", NULL };
	char		 searchbase[PD_DN_MAX];
	char		*filter = NULL;
	struct berval	 in, esc = { 0, NULL };
	struct timeval	 tv;
	LDAPMessage	*res = NULL, *e;
	enum pd_status	 st = PD_UNAVAIL;
	size_t		 flen;
	int		 lrc, n;

	memset(acct, 0, sizeof(*acct));
	n = snprintf(searchbase, sizeof(searchbase), "%s,%s", PD_ADMINS_RDN,
	    o->conf.base);
	if (n < 0 || (size_t)n >= sizeof(searchbase)) {
		pam_syslog(pamh, LOG_ERR, "base DN too long");
		st = PD_CONFIG;
		goto out;
	}
	in.bv_val = (char *)email;
	in.bv_len = strlen(email);
	if (ldap_bv2escaped_filter_value(&in, &esc) != 0) {
		st = PD_NOMEM;
		goto out;
	}
	flen = sizeof(PD_FILTER_FMT) + esc.bv_len;
	if ((filter = malloc(flen)) == NULL) {
		st = PD_NOMEM;
		goto out;
	}
	n = snprintf(filter, flen, PD_FILTER_FMT, esc.bv_val);
	if (n < 0 || (size_t)n >= flen) {
		st = PD_SYSTEM;
		goto out;
	}
	tv.tv_sec = (time_t)o->conf.timeout;
	tv.tv_usec = 0;
	lrc = ldap_search_ext_s(ld, searchbase, LDAP_SCOPE_ONELEVEL, filter,
	    attrs, 0, NULL, NULL, &tv, 2, &res);
	if (lrc == LDAP_SIZELIMIT_EXCEEDED) {
		pam_syslog(pamh, LOG_ERR, "more than one entry below %s for "
		    "one account", searchbase);
		st = PD_DENIED;
		goto out;
	}
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "search below %s failed: %s",
		    searchbase, ldap_err2string(lrc));
		st = lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
		goto out;
	}
	n = ldap_count_entries(ld, res);
	if (n < 0) {
		st = PD_UNAVAIL;
		goto out;
	}
	if (n != 1) {
		/* Do not name what was typed: it matched nothing. */
		if (n > 1)
			pam_syslog(pamh, LOG_ERR, "more than one entry below "
			    "%s for one account", searchbase);
		st = PD_DENIED;
		goto out;
	}
	if ((e = ldap_first_entry(ld, res)) == NULL ||
	    (acct->dn = ldap_get_dn(ld, e)) == NULL) {
		st = PD_UNAVAIL;
		goto out;
	}
	acct->has_status = pd_single_value(ld, e, "dwAccountStatus",
	    acct->status, sizeof(acct->status), &acct->statuslen);
	acct->has_role = pd_single_value(ld, e, "dwRole", acct->role,
	    sizeof(acct->role), &acct->rolelen);
	st = PD_OK;
out:
	if (st != PD_OK)
		pd_account_free(acct);
	if (res != NULL)
		ldap_msgfree(res);
	free(filter);
	if (esc.bv_val != NULL)
		ber_memfree(esc.bv_val);
	return st;
}

/* Bind as dn with the password: invalidCredentials is a denial, anything
 * else but success means the directory cannot answer. */
static enum pd_status
pd_dir_user_bind(pam_handle_t *pamh, LDAP *ld, const char *dn,
    const char *pw, size_t pwlen)
{
	struct berval	cred;
	int		lrc;

	cred.bv_val = (char *)pw;
	cred.bv_len = pwlen;
	lrc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL);
	sodium_memzero(&cred, sizeof(cred));
	if (lrc == LDAP_SUCCESS)
		return PD_OK;
	if (lrc == LDAP_INVALID_CREDENTIALS)
		return PD_DENIED;
	pam_syslog(pamh, LOG_ERR, "bind as %s failed: %s", dn,
	    ldap_err2string(lrc));
	return lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
}

/* ------------------------------------------------------------ PAM helpers */

/*
 * The user name, normalised into email (DW_EMAIL_MAX + 1 bytes).
 * *valid is false (and PD_OK returned) for a name that is not a valid
 * address: the caller then denies without any lookup.
 */
static enum pd_status
pd_get_user(pam_handle_t *pamh, char *email, size_t emailsz, bool *valid)
{
	const char	*user = NULL;
	size_t		 len;
	int		 prc;

	*valid = false;
	if ((prc = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot get the user name: %s",
		    pam_strerror(pamh, prc));
		return pd_status_from_pam(prc);
	}
	if (user == NULL)
		return PD_OK;
	len = strnlen(user, DW_EMAIL_MAX + 1);
	if (len == 0 || len > DW_EMAIL_MAX)
		return PD_OK;
	if (dw_email_normalize(user, len, email, emailsz) == DW_OK)
		*valid = true;
	return PD_OK;
}

/*
 * The password: PAM_AUTHTOK if an earlier module set it, else one
 * ECHO_OFF prompt through the conversation (stored as PAM_AUTHTOK for
 * later modules).  pam_get_authtok() is not used because it turns every
 * conversation failure, PAM_CONV_AGAIN included, into PAM_AUTHTOK_ERR and
 * prints "Password change aborted."; here PAM_CONV_AGAIN stays distinct.
 * *pw points into libpam's copy (libpam wipes it at pam_end).
 */
static enum pd_status
pd_get_password(pam_handle_t *pamh, const char **pw)
{
	const void	*item = NULL;
	char		*resp = NULL;
	enum pd_status	 st = PD_CONV_ERR;
	int		 prc;

	*pw = NULL;
	prc = pam_get_item(pamh, PAM_AUTHTOK, &item);
	if (prc == PAM_SUCCESS && item != NULL) {
		*pw = item;
		return PD_OK;
	}
	prc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s", PD_PROMPT);
	if (prc != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		if (st == PD_SYSTEM)
			st = PD_CONV_ERR;
		goto out;
	}
	if (resp == NULL) {
		st = PD_CONV_ERR;
		goto out;
	}
	prc = pam_set_item(pamh, PAM_AUTHTOK, resp);
	if (prc != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto out;
	}
	prc = pam_get_item(pamh, PAM_AUTHTOK, &item);
	if (prc != PAM_SUCCESS || item == NULL) {
		st = PD_SYSTEM;
		goto out;
	}
	*pw = item;
	st = PD_OK;
out:
	if (resp != NULL) {
		sodium_memzero(resp, strlen(resp));
		free(resp);
	}
	return st;
}

/* Spend about the time of a password check, for a name with no account. */
static void
pd_dummy_work(const char *pw, size_t pwlen)
{
	(void)dw_passwd_verify(pd_dummy_hash, sizeof(pd_dummy_hash) - 1, pw,
	    pwlen);
}

/* ---------------------------------------------------------- entry points */

static enum pd_status
pd_authenticate(pam_handle_t *pamh, const struct pd_opts *o)
{
	char			 email[DW_EMAIL_MAX + 1];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	const char		*pw = NULL;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;
	size_t			 pwlen;
	bool			 valid = false;
	int			 prc;

	memset(&acct, 0, sizeof(acct));
	if ((st = pd_get_user(pamh, email, sizeof(email), &valid)) != PD_OK)
		goto out;
	if ((st = pd_get_password(pamh, &pw)) != PD_OK)
		goto out;
	st = PD_DENIED;
	pwlen = strnlen(pw, DW_PASSWD_MAX + 1);
	if (pwlen == 0) {
		pam_syslog(pamh, LOG_NOTICE, "empty password refused");
		goto out;
	}
	if (pwlen > DW_PASSWD_MAX) {
		pam_syslog(pamh, LOG_NOTICE, "password longer than %d bytes "
		    "refused", DW_PASSWD_MAX);
		goto out;
	}
	if (!valid) {
		pd_dummy_work(pw, pwlen);
		pam_syslog(pamh, LOG_NOTICE, "authentication failure: the "
		    "user name is not an admin address");
		goto out;
	}

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_open(pamh, o, &ld)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_dir_find(pamh, o, ld, email, &acct)) != PD_OK) {
		if (r == PD_DENIED) {
			pd_dummy_work(pw, pwlen);
			pam_syslog(pamh, LOG_NOTICE, "authentication failure: "
			    "no such account");
		}
		st = r;
		goto unblock;
	}
	r = pd_dir_user_bind(pamh, ld, acct.dn, pw, pwlen);
	if (r == PD_DENIED) {
		pam_syslog(pamh, LOG_NOTICE, "authentication failure for %s",
		    acct.dn);
		st = r;
		goto unblock;
	}
	if (r != PD_OK) {
		st = r;
		goto unblock;
	}
	/* The overlay refuses such binds; check again here all the same. */
	if (dw_account_may_authenticate(acct.has_status ? acct.status : NULL,
	    acct.has_status ? acct.statuslen : 0) != DW_ALLOW) {
		pam_syslog(pamh, LOG_NOTICE, "authentication refused for %s: "
		    "account not active", acct.dn);
		st = PD_INACTIVE;
		goto unblock;
	}
	/* Later modules and the application see the canonical name. */
	if ((prc = pam_set_item(pamh, PAM_USER, email)) != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto unblock;
	}
	pam_syslog(pamh, LOG_INFO, "authenticated %s", acct.dn);
	st = PD_OK;
unblock:
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
out:
	pd_account_free(&acct);
	sodium_memzero(email, sizeof(email));
	return st;
}

static enum pd_status
pd_account(pam_handle_t *pamh, const struct pd_opts *o)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 env[sizeof(PD_ROLE_ENV "=") + DW_ROLE_NAME_MAX];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;
	bool			 valid = false;
	int			 prc, n;

	memset(&acct, 0, sizeof(acct));
	/* Nothing from an earlier call may survive a denial.  (libpam logs
	 * an error when asked to delete a variable that is not set.) */
	if (pam_getenv(pamh, PD_ROLE_ENV) != NULL &&
	    (prc = pam_putenv(pamh, PD_ROLE_ENV)) != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto out;
	}
	if ((st = pd_get_user(pamh, email, sizeof(email), &valid)) != PD_OK)
		goto out;
	st = PD_DENIED;
	if (!valid) {
		pam_syslog(pamh, LOG_NOTICE, "account refused: the user name "
		    "is not an admin address");
		goto out;
	}

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_open(pamh, o, &ld)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_dir_find(pamh, o, ld, email, &acct)) != PD_OK) {
		if (r == PD_DENIED)
			pam_syslog(pamh, LOG_NOTICE, "account refused: no such "
			    "account");
		st = r;
		goto unblock;
	}
	if (dw_account_may_authenticate(acct.has_status ? acct.status : NULL,
	    acct.has_status ? acct.statuslen : 0) != DW_ALLOW) {
		pam_syslog(pamh, LOG_NOTICE, "account %s refused: not active",
		    acct.dn);
		st = PD_INACTIVE;
		goto unblock;
	}
	if (!acct.has_role ||
	    dw_role_name_check(acct.role, acct.rolelen) != DW_OK) {
		pam_syslog(pamh, LOG_ERR, "account %s refused: no valid role",
		    acct.dn);
		st = PD_INACTIVE;
		goto unblock;
	}
	n = snprintf(env, sizeof(env), "%s=%s", PD_ROLE_ENV, acct.role);
	if (n < 0 || (size_t)n >= sizeof(env)) {
		st = PD_SYSTEM;
		goto unblock;
	}
	if ((prc = pam_putenv(pamh, env)) != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto unblock;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "account %s active, role %s",
		    acct.dn, acct.role);
	st = PD_OK;
unblock:
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
out:
	pd_account_free(&acct);
	sodium_memzero(email, sizeof(email));
	return st;
}

/*
 * The frame of every service: initialise libsodium, parse the arguments,
 * run fn, free the options, map the status once.
 */
static int
pd_run(pam_handle_t *pamh, int argc, const char **argv,
    enum pd_status (*fn)(pam_handle_t *, const struct pd_opts *),
    enum pd_phase phase)
{
	struct pd_opts	o;
	enum pd_status	st = PD_DENIED;

	if (sodium_init() < 0) {
		pam_syslog(pamh, LOG_ERR, "sodium_init failed");
		st = PD_SYSTEM;
		memset(&o, 0, sizeof(o));
		goto out;
	}
	if ((st = pd_parse_args(pamh, argc, argv, &o)) != PD_OK)
		goto out;
	st = fn(pamh, &o);
out:
	dw_client_conf_free(&o.conf);
	return pd_to_pam(phase, st);
}

PD_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return pd_run(pamh, argc, argv, pd_authenticate, PD_PHASE_AUTH);
}

PD_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* The module sets no credentials: authentication is all it does. */
	return PAM_SUCCESS;
}

PD_EXPORT int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return pd_run(pamh, argc, argv, pd_account, PD_PHASE_ACCOUNT);
}
