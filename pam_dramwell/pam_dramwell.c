/*
 * pam_dramwell.c: the DramWell PAM module.
 *
 * auth     prompts for the password and then, always, for a verification
 *          code (the same two prompts whoever asks, so nothing can be
 *          probed); finds the admin entry through the service account,
 *          checks PAM_RHOST against the policy's allowlist, and binds as
 *          the entry with the password (the code appended when the
 *          account uses MFA, as slapo-otp does), passing PAM_RHOST in a
 *          Session Tracking control.  When the directory answers "MFA
 *          enrollment required" it enrolls the user (secret, otpauth URI
 *          and QR code, a code, the dwMfaEnroll operation, the recovery
 *          codes shown once).
 * account  looks the admin up again (no cache): state, allowlist,
 *          password age (PAM_NEW_AUTHTOK_REQD); with DRAMWELL_SESSION in
 *          the PAM environment, the session entry and its idle time (and
 *          refreshes it); exports DRAMWELL_ROLE and DRAMWELL_PERMISSIONS.
 * session  creates the ou=sessions entry and exports DRAMWELL_SESSION;
 *          deletes it again.
 * password changes the password with the RFC 3062 password-modify
 *          operation, on the connection authenticate kept when the
 *          password had expired (a second bind would replay the code).
 * setcred  nothing to set: success.
 *
 * Thin glue: the rules (e-mail form, account state, allowlist, idle
 * time, password age, permissions, TOTP secrets and URIs) come from
 * core/.  Every call parses its arguments into a const options struct and
 * opens its own connection; the only state kept between calls is that
 * one connection of an expired password (pam_set_data).  Every result is
 * an enum pd_status, turned into a PAM code in one place (pd_to_pam).
 * Everything is static but the pam_sm_* entry points.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <sodium.h>

#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "dw_account.h"
#include "dw_cidr.h"
#include "dw_conf.h"
#include "dw_email.h"
#include "dw_exop.h"
#include "dw_passwd.h"
#include "dw_perm.h"
#include "dw_policy.h"
#include "dw_qr.h"
#include "dw_session.h"
#include "dw_time.h"
#include "dw_totp.h"

#define PD_EXPORT	__attribute__((visibility("default")))

#define PD_DEFAULT_CONFIG	"/etc/dramwell/pam_dramwell.conf"
#define PD_PROMPT_PASSWORD	"Password: "
#define PD_PROMPT_CODE		"Verification code: "
#define PD_PROMPT_OLD		"Current password: "
#define PD_PROMPT_NEW		"New password: "
#define PD_PROMPT_RETYPE	"Retype new password: "
#define PD_ROLE_ENV		"DRAMWELL_ROLE"
#define PD_PERMS_ENV		"DRAMWELL_PERMISSIONS"
#define PD_SESSION_ENV		"DRAMWELL_SESSION"
#define PD_DATA_CONN		"pam_dramwell_conn"
#define PD_ISSUER		"DramWell"
/* Texts of the overlay (slapo-dramwell(5)) that the module acts on. */
#define PD_TEXT_EXPIRED		"password expired"
#define PD_TEXT_ENROLL		"MFA enrollment required"
#define PD_TEXT_REFUSED		"password refused: "
#define PD_ADMINS_RDN		"ou=admins"
#define PD_SESSIONS_RDN		"ou=sessions"
#define PD_ROLES_RDN		"ou=roles"
#define PD_POLICY_RDN		"cn=security,ou=policy"
#define PD_FILTER_FMT		"(&(objectClass=dwAdminUser)(uid=%s))"
#define PD_STATUS_MAX		16	/* longest state: 11 bytes */
#define PD_DN_MAX		2048
#define PD_CODE_MAX		64	/* bytes of a typed code, no blanks */
#define PD_RHOST_MAX		256	/* bytes of PAM_RHOST looked at */
#define PD_PERMS_MAX		1024	/* bytes of the permission list */
#define PD_SERVER_TEXT_MAX	256	/* bytes of a server text shown */

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
	PD_DENIED,	/* wrong credentials, no such account, bad name */
	PD_INACTIVE,	/* the account exists but may not log in (state,
			   role) */
	PD_NOT_ALLOWED,	/* PAM_RHOST is not in the allowlist */
	PD_EXPIRED,	/* the password is older than the policy allows */
	PD_SESSION_OVER, /* no such session, not the user's, idle too long */
	PD_AUTHTOK,	/* the new password was refused or mistyped */
	PD_UNAVAIL,	/* directory unreachable or answering unexpectedly */
	PD_NOMEM,
	PD_CONV_AGAIN,	/* the conversation asked to be called again */
	PD_CONV_ERR,
	PD_CONFIG,	/* bad argument or configuration file */
	PD_SYSTEM,
};

/* Which service is asking: the same outcome reads differently. */
enum pd_phase {
	PD_PHASE_AUTH,
	PD_PHASE_ACCOUNT,
	PD_PHASE_SESSION,
	PD_PHASE_PASSWORD,
};

/* Parsed arguments; const once parsed. */
struct pd_opts {
	struct dw_client_conf	conf;
	bool			debug;
};

/* What the directory says about one admin. */
struct pd_account {
	char	*dn;				/* ldap_memfree */
	char	 email[DW_EMAIL_MAX + 1];	/* normalised user name */
	char	 status[PD_STATUS_MAX];
	size_t	 statuslen;
	bool	 has_status;		/* exactly one sane value */
	char	 role[DW_ROLE_NAME_MAX + 1];
	size_t	 rolelen;
	bool	 has_role;		/* exactly one sane value */
	bool	 mfa;			/* dwMfaEnabled is TRUE */
	time_t	 changed;		/* dwPasswordChangedTime */
	bool	 has_changed;		/* exactly one well-formed value */
};

/*
 * The connection authenticate keeps when the directory said the password
 * had expired: bound as the user, restricted by the overlay to the
 * password change.  pam_set_data owns it; pd_kept_cleanup unbinds.
 */
struct pd_kept {
	LDAP	*ld;
	char	 dn[PD_DN_MAX];
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
	case PD_INACTIVE:
	case PD_NOT_ALLOWED:
		/* Never PAM_USER_UNKNOWN: nothing to probe. */
		switch (phase) {
		case PD_PHASE_AUTH:
			return PAM_AUTH_ERR;
		case PD_PHASE_ACCOUNT:
			return PAM_PERM_DENIED;
		case PD_PHASE_SESSION:
			return PAM_SESSION_ERR;
		case PD_PHASE_PASSWORD:
			return st == PD_DENIED ? PAM_AUTH_ERR :
			    PAM_PERM_DENIED;
		}
		break;
	case PD_EXPIRED:
		return phase == PD_PHASE_ACCOUNT ? PAM_NEW_AUTHTOK_REQD :
		    PAM_AUTH_ERR;
	case PD_SESSION_OVER:
		/* The portal's answer: authenticate again. */
		return phase == PD_PHASE_SESSION ? PAM_SESSION_ERR :
		    PAM_AUTH_ERR;
	case PD_AUTHTOK:
		return PAM_AUTHTOK_ERR;
	case PD_UNAVAIL:
		return phase == PD_PHASE_SESSION ? PAM_SESSION_ERR :
		    PAM_AUTHINFO_UNAVAIL;
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

/* A libldap failure as a status. */
static enum pd_status
pd_status_from_ldap(int lrc)
{
	return lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
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

/* snprintf into a fixed buffer; false when it does not fit. */
static bool
pd_fmt(char *buf, size_t bufsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
pd_fmt(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < bufsz;
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
			st = pd_status_from_ldap(lrc);
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
			st = pd_status_from_ldap(lrc);
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

/*
 * Wait for the result of request msgid and parse it: *lrcp the result
 * code, *textp (if not NULL) the server's diagnostic text (ldap_memfree,
 * NULL when empty), *resp (if not NULL) the message itself for the caller
 * to parse further (ldap_msgfree).  PD_UNAVAIL when no result came.
 */
static enum pd_status
pd_dir_wait(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    int msgid, const char *what, int *lrcp, char **textp,
    LDAPMessage **resp)
{
	struct timeval	 tv;
	LDAPMessage	*res = NULL;
	char		*text = NULL;
	int		 rc, err = LDAP_OTHER;

	if (textp != NULL)
		*textp = NULL;
	if (resp != NULL)
		*resp = NULL;
	tv.tv_sec = (time_t)o->conf.timeout;
	tv.tv_usec = 0;
	rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
	if (rc <= 0) {
		if (rc == 0)
			(void)ldap_abandon_ext(ld, msgid, NULL, NULL);
		(void)ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &err);
		pam_syslog(pamh, LOG_ERR, "%s: no answer: %s", what,
		    rc == 0 ? "timed out" : ldap_err2string(err));
		if (res != NULL)
			ldap_msgfree(res);
		return PD_UNAVAIL;
	}
	rc = ldap_parse_result(ld, res, &err, NULL, &text, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "%s: unreadable answer: %s", what,
		    ldap_err2string(rc));
		ldap_msgfree(res);
		return pd_status_from_ldap(rc);
	}
	if (text != NULL && text[0] == '\0') {
		ldap_memfree(text);
		text = NULL;
	}
	*lrcp = err;
	if (textp != NULL)
		*textp = text;
	else if (text != NULL)
		ldap_memfree(text);
	if (resp != NULL)
		*resp = res;
	else
		ldap_msgfree(res);
	return PD_OK;
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

/* The single GeneralizedTime value of attr; false if absent or bad. */
static bool
pd_time_value(LDAP *ld, LDAPMessage *e, const char *attr, time_t *out)
{
	char	buf[DW_GENTIME_MAX];
	size_t	len;

	if (!pd_single_value(ld, e, attr, buf, sizeof(buf), &len))
		return false;
	return dw_gentime_parse(buf, len, out) == DW_OK;
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
	char		*attrs[] = { "dwAccountStatus", "dwRole",
			    "dwMfaEnabled", "dwPasswordChangedTime", NULL };
	char		 searchbase[PD_DN_MAX], mfa[8];
	char		*filter = NULL;
	struct berval	 in, esc = { 0, NULL };
	struct timeval	 tv;
	LDAPMessage	*res = NULL, *e;
	enum pd_status	 st = PD_UNAVAIL;
	size_t		 flen, mfalen;
	int		 lrc, n;

	memset(acct, 0, sizeof(*acct));
	if (!pd_fmt(searchbase, sizeof(searchbase), "%s,%s", PD_ADMINS_RDN,
	    o->conf.base) || !pd_fmt(acct->email, sizeof(acct->email), "%s",
	    email)) {
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
		st = pd_status_from_ldap(lrc);
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
	acct->mfa = pd_single_value(ld, e, "dwMfaEnabled", mfa, sizeof(mfa),
	    &mfalen) && strcmp(mfa, "TRUE") == 0;
	acct->has_changed = pd_time_value(ld, e, "dwPasswordChangedTime",
	    &acct->changed);
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

/*
 * Read the security policy (cn=security,ou=policy,BASE) into *p.  Every
 * value goes through dw_policy_set; a missing entry, a malformed value or
 * a second value of a single-valued key is PD_UNAVAIL (fail closed).
 */
static enum pd_status
pd_dir_policy(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    struct dw_policy *p)
{
	char			*attrs[DW_POL__COUNT + 1];
	char			 dn[PD_DN_MAX];
	char			*a;
	struct berval		**vals = NULL;
	struct timeval		 tv;
	BerElement		*ber = NULL;
	LDAPMessage		*res = NULL, *e;
	enum dw_policy_key	 k;
	enum pd_status		 st = PD_UNAVAIL;
	size_t			 i;
	int			 lrc;

	dw_policy_default(p);
	for (i = 0; i < DW_POL__COUNT; i++)
		attrs[i] = (char *)dw_policy_attr((enum dw_policy_key)i);
	attrs[DW_POL__COUNT] = NULL;
	if (!pd_fmt(dn, sizeof(dn), "%s,%s", PD_POLICY_RDN, o->conf.base)) {
		st = PD_CONFIG;
		goto out;
	}
	tv.tv_sec = (time_t)o->conf.timeout;
	tv.tv_usec = 0;
	lrc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
	    "(objectClass=dwSecurityPolicy)", attrs, 0, NULL, NULL, &tv, 1,
	    &res);
	if (lrc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		pam_syslog(pamh, LOG_ERR, "cannot read the security policy "
		    "%s: %s", dn, lrc == LDAP_SUCCESS ? "no such entry" :
		    ldap_err2string(lrc));
		st = lrc == LDAP_NO_MEMORY ? PD_NOMEM : PD_UNAVAIL;
		goto out;
	}
	for (a = ldap_first_attribute(ld, e, &ber); a != NULL;
	    a = ldap_next_attribute(ld, e, ber)) {
		if (dw_policy_key_from_attr(a, strlen(a), &k) != DW_OK) {
			ldap_memfree(a);
			continue;
		}
		if ((vals = ldap_get_values_len(ld, e, a)) == NULL ||
		    vals[0] == NULL ||
		    (vals[1] != NULL && !dw_policy_multi(k))) {
			pam_syslog(pamh, LOG_ERR, "security policy: %s does "
			    "not have exactly one value", dw_policy_attr(k));
			ldap_memfree(a);
			goto out;
		}
		for (i = 0; vals[i] != NULL; i++) {
			if (dw_policy_set(p, k, vals[i]->bv_val,
			    vals[i]->bv_len) != DW_OK) {
				pam_syslog(pamh, LOG_ERR, "security policy: "
				    "malformed value of %s", dw_policy_attr(k));
				ldap_memfree(a);
				goto out;
			}
		}
		ldap_value_free_len(vals);
		vals = NULL;
		ldap_memfree(a);
	}
	st = PD_OK;
out:
	if (vals != NULL)
		ldap_value_free_len(vals);
	if (ber != NULL)
		ber_free(ber, 0);
	if (res != NULL)
		ldap_msgfree(res);
	return st;
}

/*
 * The permissions of a role, as the canonical comma list of dwPermission
 * values ("logs:read,monitoring:write,pii"; write implies read).  The
 * built-in roles are defined by core (dw_builtin_roles); a custom role is
 * read from cn=ROLE,ou=roles,BASE.  A missing custom role or a malformed
 * value refuses the account (PD_INACTIVE).
 */
static enum pd_status
pd_dir_role_perms(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *role, char *out, size_t outsz)
{
	const struct dw_builtin_role	*b;
	const char			*sep = "";
	char				*attrs[] = { "dwPermission", NULL };
	char				 dn[PD_DN_MAX];
	struct berval			**vals = NULL;
	struct dw_perms			 perms;
	struct timeval			 tv;
	LDAPMessage			*res = NULL, *e;
	enum pd_status			 st = PD_INACTIVE;
	size_t				 nb, i, used = 0;
	int				 lrc, sec;
	bool				 builtin = false;

	dw_perms_init(&perms);
	b = dw_builtin_roles(&nb);
	for (i = 0; i < nb; i++) {
		if (strcmp(b[i].name, role) != 0)
			continue;
		builtin = true;
		for (sec = 0; b[i].perms[sec] != NULL; sec++)
			if (dw_perm_parse(b[i].perms[sec],
			    strlen(b[i].perms[sec]), &perms) != DW_OK) {
				st = PD_SYSTEM;
				goto out;
			}
	}
	if (!builtin) {
		/* The name passed dw_role_name_check: [a-z0-9-] only. */
		if (!pd_fmt(dn, sizeof(dn), "cn=%s,%s,%s", role, PD_ROLES_RDN,
		    o->conf.base)) {
			st = PD_CONFIG;
			goto out;
		}
		tv.tv_sec = (time_t)o->conf.timeout;
		tv.tv_usec = 0;
		lrc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE,
		    "(objectClass=dwRole)", attrs, 0, NULL, NULL, &tv, 1, &res);
		if (lrc == LDAP_NO_SUCH_OBJECT ||
		    (lrc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 0)) {
			pam_syslog(pamh, LOG_ERR, "role %s has no entry", role);
			goto out;
		}
		if (lrc != LDAP_SUCCESS ||
		    (e = ldap_first_entry(ld, res)) == NULL) {
			pam_syslog(pamh, LOG_ERR, "cannot read role %s: %s",
			    role, ldap_err2string(lrc));
			st = pd_status_from_ldap(lrc);
			goto out;
		}
		vals = ldap_get_values_len(ld, e, "dwPermission");
		for (i = 0; vals != NULL && vals[i] != NULL; i++) {
			if (dw_perm_parse_custom(vals[i]->bv_val,
			    vals[i]->bv_len, &perms) != DW_OK) {
				pam_syslog(pamh, LOG_ERR, "role %s has a "
				    "malformed permission", role);
				goto out;
			}
		}
	}

	out[0] = '\0';
	for (sec = 0; sec < DW_SEC__COUNT; sec++) {
		if (perms.level[sec] == DW_ACCESS_NONE)
			continue;
		if (!pd_fmt(out + used, outsz - used, "%s%s:%s", sep,
		    dw_section_name((enum dw_section)sec),
		    perms.level[sec] == DW_ACCESS_WRITE ? "write" : "read")) {
			st = PD_SYSTEM;
			goto out;
		}
		used += strlen(out + used);
		sep = ",";
	}
	if (perms.pii) {
		if (!pd_fmt(out + used, outsz - used, "%spii", sep)) {
			st = PD_SYSTEM;
			goto out;
		}
		used += strlen(out + used);
		sep = ",";
	}
	if (perms.destructive &&
	    !pd_fmt(out + used, outsz - used, "%sdestructive", sep)) {
		st = PD_SYSTEM;
		goto out;
	}
	st = PD_OK;
out:
	if (vals != NULL)
		ldap_value_free_len(vals);
	if (res != NULL)
		ldap_msgfree(res);
	return st;
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
 * One ECHO_OFF prompt.  *resp is the answer (malloc'd; the caller wipes
 * and frees it with pd_answer_free).  A conversation failure is a status
 * of its own, PAM_CONV_AGAIN included.
 */
static enum pd_status
pd_ask(pam_handle_t *pamh, const char *prompt, char **resp)
{
	enum pd_status	st;
	int		prc;

	*resp = NULL;
	prc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, resp, "%s", prompt);
	if (prc != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		if (*resp != NULL) {
			sodium_memzero(*resp, strlen(*resp));
			free(*resp);
			*resp = NULL;
		}
		return st == PD_SYSTEM ? PD_CONV_ERR : st;
	}
	return *resp == NULL ? PD_CONV_ERR : PD_OK;
}

static void
pd_answer_free(char *resp)
{
	if (resp != NULL) {
		sodium_memzero(resp, strlen(resp));
		free(resp);
	}
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
pd_get_password(pam_handle_t *pamh, int item_type, const char *prompt,
    const char **pw)
{
	const void	*item = NULL;
	char		*resp = NULL;
	enum pd_status	 st;
	int		 prc;

	*pw = NULL;
	prc = pam_get_item(pamh, item_type, &item);
	if (prc == PAM_SUCCESS && item != NULL) {
		*pw = item;
		return PD_OK;
	}
	if ((st = pd_ask(pamh, prompt, &resp)) != PD_OK)
		goto out;
	prc = pam_set_item(pamh, item_type, resp);
	if (prc != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto out;
	}
	prc = pam_get_item(pamh, item_type, &item);
	if (prc != PAM_SUCCESS || item == NULL) {
		st = PD_SYSTEM;
		goto out;
	}
	*pw = item;
	st = PD_OK;
out:
	pd_answer_free(resp);
	return st;
}

/*
 * Ask for the verification code (always: the same prompts for every
 * user).  Blanks are dropped ("123 456" as authenticator apps show it).
 * *form is true when the code is empty, six digits or a recovery code;
 * code (PD_CODE_MAX + 1 bytes) receives it, NUL-terminated.
 */
static enum pd_status
pd_get_code(pam_handle_t *pamh, char *code, size_t codesz, size_t *codelen,
    bool *form)
{
	char		*resp = NULL;
	enum pd_status	 st;
	size_t		 i, n = 0;

	*form = false;
	*codelen = 0;
	code[0] = '\0';
	if ((st = pd_ask(pamh, PD_PROMPT_CODE, &resp)) != PD_OK)
		goto out;
	for (i = 0; resp[i] != '\0'; i++) {
		if (resp[i] == ' ' || resp[i] == '\t')
			continue;
		if (n + 1 >= codesz)
			goto out;	/* too long: not a code */
		code[n++] = resp[i];
	}
	code[n] = '\0';
	*codelen = n;
	*form = n == 0 || dw_totp_code_form(code, n) ||
	    dw_recovery_code_form(code, n);
out:
	pd_answer_free(resp);
	return st;
}

/* Spend about the time of a password check, for a name with no account. */
static void
pd_dummy_work(const char *pw, size_t pwlen)
{
	(void)dw_passwd_verify(pd_dummy_hash, sizeof(pd_dummy_hash) - 1, pw,
	    pwlen);
}

/* PAM_RHOST, or "" when unset (capped; never NULL). */
static const char *
pd_rhost(pam_handle_t *pamh, size_t *lenp)
{
	const void	*item = NULL;
	const char	*r = "";

	if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS &&
	    item != NULL)
		r = item;
	*lenp = strnlen(r, PD_RHOST_MAX + 1);
	return r;
}

/* PAM_RHOST when it is an IP address, else NULL. */
static const char *
pd_rhost_ip(pam_handle_t *pamh)
{
	struct dw_addr	 a;
	const char	*r;
	size_t		 len;

	r = pd_rhost(pamh, &len);
	if (len == 0 || len > PD_RHOST_MAX || dw_addr_parse(r, len, &a) !=
	    DW_OK)
		return NULL;
	return r;
}

/* The allowlist rule on PAM_RHOST: missing or not an address is refused
 * whenever the list is not empty. */
static enum pd_status
pd_check_rhost(pam_handle_t *pamh, const struct dw_policy *p,
    const char *dn)
{
	const char	*r, *ip;
	size_t		 len;

	r = pd_rhost(pamh, &len);
	if (len > PD_RHOST_MAX) {
		/* Too long to be an address; dw_allowlist_check decides
		 * (an empty list admits it all the same). */
		r = "";
		len = 0;
	}
	if (dw_allowlist_check(p->allow, p->nallow, r, len) == DW_ALLOW)
		return PD_OK;
	ip = pd_rhost_ip(pamh);
	pam_syslog(pamh, LOG_NOTICE, "%s refused: client address %s is not "
	    "in the allowlist", dn, ip != NULL ? ip : "(none or not an IP)");
	return PD_NOT_ALLOWED;
}

/* Remove a PAM environment variable if it is set.  (libpam logs an error
 * when asked to delete a variable that is not set.) */
static enum pd_status
pd_unsetenv(pam_handle_t *pamh, const char *name)
{
	int	prc;

	if (pam_getenv(pamh, name) == NULL)
		return PD_OK;
	if ((prc = pam_putenv(pamh, name)) != PAM_SUCCESS)
		return pd_status_from_pam(prc);
	return PD_OK;
}

static enum pd_status
pd_setenv(pam_handle_t *pamh, const char *name, const char *value)
{
	char	*s = NULL;
	int	 prc;

	if (asprintf(&s, "%s=%s", name, value) < 0)
		return PD_NOMEM;
	prc = pam_putenv(pamh, s);
	free(s);
	return prc == PAM_SUCCESS ? PD_OK : pd_status_from_pam(prc);
}

/* ------------------------------------------------------ user connections */

/*
 * The Session Tracking control of the user's requests: sessionSourceIp is
 * PAM_RHOST when it is an IP address (else empty, which the overlay's
 * allowlist refuses whenever a list is set), the identifier the account
 * name.  The overlay believes it only from trusted portal hosts.
 */
static enum pd_status
pd_tracking_control(pam_handle_t *pamh, LDAP *ld, const char *email,
    LDAPControl **ctrlp)
{
	struct berval	id;
	int		lrc;

	id.bv_val = (char *)email;
	id.bv_len = strlen(email);
	lrc = ldap_create_session_tracking_control(ld,
	    (char *)pd_rhost_ip(pamh), NULL,
	    LDAP_CONTROL_X_SESSION_TRACKING_USERNAME, &id, ctrlp);
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot build the session tracking "
		    "control: %s", ldap_err2string(lrc));
		*ctrlp = NULL;
		return pd_status_from_ldap(lrc);
	}
	return PD_OK;
}

enum pd_bind {
	PD_BIND_OK,
	PD_BIND_EXPIRED,	/* success, restricted to the password change */
	PD_BIND_ENROLL,		/* refused: MFA enrollment required */
	PD_BIND_DENIED,		/* invalid credentials, whatever the reason */
};

/*
 * Bind as dn with cred and the tracking control.  invalidCredentials is a
 * denial (the overlay gives no reason, except "MFA enrollment required"
 * once the password was right); anything else but success means the
 * directory cannot answer.
 */
static enum pd_status
pd_dir_user_bind(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *dn, const struct berval *cred, LDAPControl *ctrl,
    enum pd_bind *outcome)
{
	LDAPControl	*sctrls[2] = { ctrl, NULL };
	char		*text = NULL;
	enum pd_status	 st;
	int		 msgid, lrc;

	*outcome = PD_BIND_DENIED;
	lrc = ldap_sasl_bind(ld, dn, LDAP_SASL_SIMPLE, (struct berval *)cred,
	    sctrls, NULL, &msgid);
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "bind as %s failed: %s", dn,
		    ldap_err2string(lrc));
		return pd_status_from_ldap(lrc);
	}
	if ((st = pd_dir_wait(pamh, o, ld, msgid, "user bind", &lrc, &text,
	    NULL)) != PD_OK)
		return st;
	if (lrc == LDAP_SUCCESS) {
		*outcome = text != NULL && strcmp(text, PD_TEXT_EXPIRED) == 0 ?
		    PD_BIND_EXPIRED : PD_BIND_OK;
	} else if (lrc == LDAP_INVALID_CREDENTIALS) {
		*outcome = text != NULL && strcmp(text, PD_TEXT_ENROLL) == 0 ?
		    PD_BIND_ENROLL : PD_BIND_DENIED;
	} else {
		pam_syslog(pamh, LOG_ERR, "bind as %s failed: %s", dn,
		    ldap_err2string(lrc));
		st = pd_status_from_ldap(lrc);
	}
	if (text != NULL)
		ldap_memfree(text);
	return st;
}

/*
 * The credential of a bind: the password, with the code appended when the
 * account uses MFA (the overlay splits it again, as slapo-otp does).
 * cred->bv_val is sodium_malloc'd: free with pd_cred_free.
 */
static enum pd_status
pd_cred_make(const char *pw, size_t pwlen, const char *code, size_t codelen,
    bool mfa, struct berval *cred)
{
	size_t	len = pwlen + (mfa ? codelen : 0);

	cred->bv_len = 0;
	if ((cred->bv_val = sodium_malloc(len + 1)) == NULL)
		return PD_NOMEM;
	memcpy(cred->bv_val, pw, pwlen);
	if (mfa)
		memcpy(cred->bv_val + pwlen, code, codelen);
	cred->bv_val[len] = '\0';
	cred->bv_len = len;
	return PD_OK;
}

static void
pd_cred_free(struct berval *cred)
{
	if (cred->bv_val != NULL)
		sodium_free(cred->bv_val);	/* wipes */
	cred->bv_val = NULL;
	cred->bv_len = 0;
}

/*
 * A login for a name with no account: bind to the DN the name would have,
 * with the password and the end user's address, so that the overlay
 * records the attempt ("unknown entry") and counts it against that
 * address's throttle (it refuses, and does the same password work as for
 * a real account).  Without a DN that can be written plainly, or without
 * the tracking control, only the same work is done here.
 */
static void
pd_unknown_bind(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *email, const char *pw, size_t pwlen)
{
	char		 dn[PD_DN_MAX];
	struct berval	 cred = { 0, NULL };
	LDAPControl	*ctrl = NULL;
	enum pd_bind	 outcome;

	if (strpbrk(email, ",+\"\\<>;=#") != NULL ||
	    !pd_fmt(dn, sizeof(dn), "uid=%s,%s,%s", email, PD_ADMINS_RDN,
	    o->conf.base) ||
	    pd_tracking_control(pamh, ld, email, &ctrl) != PD_OK ||
	    pd_cred_make(pw, pwlen, NULL, 0, false, &cred) != PD_OK) {
		pd_dummy_work(pw, pwlen);
		goto out;
	}
	(void)pd_dir_user_bind(pamh, o, ld, dn, &cred, ctrl, &outcome);
out:
	pd_cred_free(&cred);
	if (ctrl != NULL)
		ldap_control_free(ctrl);
}

/*
 * pam_set_data cleanup of the kept connection.  In a child after fork
 * (PAM_DATA_SILENT) the socket is shared with the parent: point the
 * descriptor at /dev/null first, so that the unbind does not end the
 * parent's connection.
 */
static void
pd_kept_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
	struct pd_kept		*k = data;
	struct pd_sigpipe	 sp;
	int			 fd = -1, nul;

	if (k == NULL)
		return;
	if (k->ld != NULL) {
		if ((error_status & PAM_DATA_SILENT) &&
		    ldap_get_option(k->ld, LDAP_OPT_DESC, &fd) ==
		    LDAP_OPT_SUCCESS && fd >= 0 &&
		    (nul = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
			(void)dup2(nul, fd);
			(void)close(nul);
		}
		pd_sigpipe_block(&sp);
		(void)ldap_unbind_ext_s(k->ld, NULL, NULL);
		pd_sigpipe_restore(&sp);
	}
	free(k);
}

/* Keep *ldp (bound as dn, password expired) for chauthtok; takes it. */
static enum pd_status
pd_keep(pam_handle_t *pamh, LDAP **ldp, const char *dn)
{
	struct pd_kept	*k;
	int		 prc;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return PD_NOMEM;
	if (!pd_fmt(k->dn, sizeof(k->dn), "%s", dn)) {
		free(k);
		return PD_SYSTEM;
	}
	k->ld = *ldp;
	if ((prc = pam_set_data(pamh, PD_DATA_CONN, k, pd_kept_cleanup)) !=
	    PAM_SUCCESS) {
		free(k);
		return pd_status_from_pam(prc);
	}
	*ldp = NULL;
	return PD_OK;
}

/* The kept connection of dn, or NULL. */
static struct pd_kept *
pd_kept_get(pam_handle_t *pamh, const char *dn)
{
	const void	*data = NULL;
	const struct pd_kept *k;

	if (pam_get_data(pamh, PD_DATA_CONN, &data) != PAM_SUCCESS ||
	    data == NULL)
		return NULL;
	k = data;
	if (k->ld == NULL || strcasecmp(k->dn, dn) != 0)
		return NULL;
	return (struct pd_kept *)k;
}

/* Drop the kept connection (its cleanup unbinds). */
static void
pd_kept_drop(pam_handle_t *pamh)
{
	const void	*data = NULL;

	if (pam_get_data(pamh, PD_DATA_CONN, &data) == PAM_SUCCESS &&
	    data != NULL)
		(void)pam_set_data(pamh, PD_DATA_CONN, NULL, NULL);
}

/*
 * Send an extended operation and wait for its result: *lrcp, *textp
 * (ldap_memfree, may be NULL) and *retdata (ber_bvfree, may be NULL).
 */
static enum pd_status
pd_dir_exop(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *oid, struct berval *req, LDAPControl *ctrl, int *lrcp,
    char **textp, struct berval **retdata)
{
	LDAPControl	*sctrls[2] = { ctrl, NULL };
	LDAPMessage	*res = NULL;
	char		*retoid = NULL;
	enum pd_status	 st;
	int		 msgid, lrc;

	*retdata = NULL;
	*textp = NULL;
	lrc = ldap_extended_operation(ld, oid, req, sctrls, NULL, &msgid);
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "extended operation %s failed: %s",
		    oid, ldap_err2string(lrc));
		return pd_status_from_ldap(lrc);
	}
	if ((st = pd_dir_wait(pamh, o, ld, msgid, "extended operation",
	    lrcp, textp, &res)) != PD_OK)
		return st;
	lrc = ldap_parse_extended_result(ld, res, &retoid, retdata, 1);
	if (retoid != NULL)
		ldap_memfree(retoid);
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "extended operation %s: unreadable "
		    "answer: %s", oid, ldap_err2string(lrc));
		if (*textp != NULL)
			ldap_memfree(*textp);
		*textp = NULL;
		if (*retdata != NULL) {
			sodium_memzero((*retdata)->bv_val, (*retdata)->bv_len);
			ber_bvfree(*retdata);
			*retdata = NULL;
		}
		return pd_status_from_ldap(lrc);
	}
	return PD_OK;
}

/* A server text fit to show the user: printable ASCII, capped. */
static bool
pd_text_showable(const char *t)
{
	size_t	i;

	for (i = 0; t[i] != '\0'; i++)
		if (i >= PD_SERVER_TEXT_MAX || t[i] < 0x20 || t[i] > 0x7e)
			return false;
	return i > 0;
}

/* ------------------------------------------------------------ enrollment */

static void
pd_bvarray_wipe_free(BerVarray v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i].bv_val != NULL; i++)
		sodium_memzero(v[i].bv_val, v[i].bv_len);
	ber_bvarray_free(v);
}

/* Show the ten recovery codes of a dwMfaEnroll answer once. */
static enum pd_status
pd_show_recovery_codes(pam_handle_t *pamh, const struct berval *retdata)
{
	static const char	 head[] = "Recovery codes: each one works "
				    "once instead of a verification code. "
				    "Store them safely; they are not shown "
				    "again.";
	char			 text[sizeof(head) + DW_RECOVERY_CODES *
				    (DW_RECOVERY_CODE_LEN + 4)];
	struct berval		 in;
	BerElement		*ber = NULL;
	BerVarray		 codes = NULL;
	enum pd_status		 st = PD_UNAVAIL;
	size_t			 i, used;
	int			 prc;

	if (retdata == NULL || retdata->bv_val == NULL) {
		pam_syslog(pamh, LOG_ERR, "MFA enrollment: no recovery codes "
		    "in the answer");
		return PD_UNAVAIL;
	}
	/* ber_init would copy the codes into a buffer it frees unwiped:
	 * read them in place instead. */
	in = *retdata;
	if ((ber = ber_alloc_t(0)) == NULL)
		return PD_NOMEM;
	ber_init2(ber, &in, LBER_USE_DER);
	if (ber_scanf(ber, "{W}", &codes) == LBER_ERROR || codes == NULL)
		goto bad;
	memcpy(text, head, sizeof(head));
	used = sizeof(head) - 1;
	for (i = 0; codes[i].bv_val != NULL; i++) {
		if (i >= DW_RECOVERY_CODES ||
		    !dw_recovery_code_form(codes[i].bv_val, codes[i].bv_len))
			goto bad;
		if (!pd_fmt(text + used, sizeof(text) - used, "\n  %.*s",
		    (int)codes[i].bv_len, codes[i].bv_val))
			goto bad;
		used += strlen(text + used);
	}
	if (i != DW_RECOVERY_CODES)
		goto bad;
	prc = pam_info(pamh, "%s", text);
	st = prc == PAM_SUCCESS ? PD_OK : pd_status_from_pam(prc);
	goto out;
bad:
	pam_syslog(pamh, LOG_ERR, "MFA enrollment: malformed recovery codes "
	    "in the answer");
out:
	sodium_memzero(text, sizeof(text));
	pd_bvarray_wipe_free(codes);
	ber_free(ber, 0);	/* not the buffer: retdata's */
	return st;
}

/*
 * MFA enrollment, after the directory refused a bind with the right
 * password because MFA is required and the account has none: a new
 * secret, shown as an otpauth:// URI and a QR code, a code for it typed
 * by the user, then dwMfaEnroll on the same (now anonymous) connection.
 * The overlay checks the password and the code again and stores the
 * secret only then; its answer holds the recovery codes, shown once.
 * Proving both factors here completes the login.
 */
static enum pd_status
pd_enroll(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const struct pd_account *acct, const char *pw, size_t pwlen,
    LDAPControl *ctrl)
{
	unsigned char	 key[DW_TOTP_SECRET_BYTES];
	char		 b32[DW_TOTP_SECRET_B32_LEN + 1];
	char		 uri[DW_TOTP_URI_MAX];
	char		 code[PD_CODE_MAX + 1];
	char		*qr = NULL, *text = NULL;
	struct berval	 bdn, bpw, bsecret, bcode, req = { 0, NULL };
	struct berval	*retdata = NULL;
	BerElement	*ber = NULL;
	enum pd_status	 st = PD_SYSTEM;
	size_t		 codelen;
	int		 lrc = LDAP_OTHER, prc;
	bool		 form;

	if (dw_totp_secret_new(key, sizeof(key)) != DW_OK ||
	    dw_base32_encode(key, sizeof(key), b32, sizeof(b32)) != DW_OK ||
	    dw_totp_uri(PD_ISSUER, acct->email, b32, uri, sizeof(uri)) !=
	    DW_OK) {
		pam_syslog(pamh, LOG_ERR, "MFA enrollment: cannot make a "
		    "secret");
		goto out;
	}
	if (dw_qr_render(uri, &qr) != DW_OK) {
		pam_syslog(pamh, LOG_ERR, "MFA enrollment: cannot render the "
		    "QR code");
		goto out;
	}
	prc = pam_info(pamh, "Two-factor authentication is required for "
	    "this account. Add it to an authenticator app: scan the QR code "
	    "below, or enter the key %s, or open\n%s\nThen type the code the "
	    "app shows.", b32, uri);
	if (prc == PAM_SUCCESS)
		prc = pam_info(pamh, "%s", qr);
	if (prc != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto out;
	}
	if ((st = pd_get_code(pamh, code, sizeof(code), &codelen, &form)) !=
	    PD_OK)
		goto out;
	st = PD_DENIED;
	if (!dw_totp_code_form(code, codelen)) {
		pam_syslog(pamh, LOG_NOTICE, "MFA enrollment of %s failed: "
		    "not a six-digit code", acct->dn);
		(void)pam_error(pamh, "MFA enrollment failed.");
		goto out;
	}

	bdn.bv_val = acct->dn;
	bdn.bv_len = strlen(acct->dn);
	bpw.bv_val = (char *)pw;
	bpw.bv_len = pwlen;
	bsecret.bv_val = b32;
	bsecret.bv_len = strlen(b32);
	bcode.bv_val = code;
	bcode.bv_len = codelen;
	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL) {
		st = PD_NOMEM;
		goto out;
	}
	if (ber_printf(ber, "{OOOO}", &bdn, &bpw, &bsecret, &bcode) < 0 ||
	    ber_flatten2(ber, &req, 0) < 0) {
		st = PD_SYSTEM;
		goto out;
	}
	if ((st = pd_dir_exop(pamh, o, ld, DW_OID_MFA_ENROLL, &req, ctrl,
	    &lrc, &text, &retdata)) != PD_OK)
		goto out;
	if (lrc == LDAP_INVALID_CREDENTIALS) {
		pam_syslog(pamh, LOG_NOTICE, "MFA enrollment of %s refused",
		    acct->dn);
		(void)pam_error(pamh, "MFA enrollment failed.");
		st = PD_DENIED;
		goto out;
	}
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "MFA enrollment of %s failed: %s%s%s",
		    acct->dn, ldap_err2string(lrc), text != NULL ? ": " : "",
		    text != NULL && pd_text_showable(text) ? text : "");
		(void)pam_error(pamh, "MFA enrollment failed.");
		st = PD_UNAVAIL;
		goto out;
	}
	pam_syslog(pamh, LOG_INFO, "MFA enrolled for %s", acct->dn);
	st = pd_show_recovery_codes(pamh, retdata);
out:
	if (req.bv_val != NULL)
		sodium_memzero(req.bv_val, req.bv_len);
	if (ber != NULL)
		ber_free(ber, 1);
	if (retdata != NULL) {
		sodium_memzero(retdata->bv_val, retdata->bv_len);
		ber_bvfree(retdata);
	}
	if (text != NULL)
		ldap_memfree(text);
	if (qr != NULL) {
		sodium_memzero(qr, strlen(qr));
		free(qr);
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	sodium_memzero(code, sizeof(code));
	return st;
}

/* ---------------------------------------------------------- entry points */

/* Allocate and read the policy (free with free()). */
static enum pd_status
pd_policy_load(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    struct dw_policy **pp)
{
	enum pd_status	st;

	/* A few kilobytes (the allowlist): not on a host thread's stack. */
	if ((*pp = malloc(sizeof(**pp))) == NULL)
		return PD_NOMEM;
	if ((st = pd_dir_policy(pamh, o, ld, *pp)) != PD_OK) {
		free(*pp);
		*pp = NULL;
	}
	return st;
}

static bool
pd_password_expired(const struct pd_account *acct, const struct dw_policy *p,
    time_t now)
{
	if (p->pw_max_age == 0)
		return false;
	/* A missing or malformed changed time counts as expired. */
	if (!acct->has_changed)
		return true;
	return dw_passwd_expired((int64_t)acct->changed, p->pw_max_age,
	    (int64_t)now);
}

static enum pd_status
pd_authenticate(pam_handle_t *pamh, const struct pd_opts *o, int flags)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 code[PD_CODE_MAX + 1];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	struct dw_policy	*pol = NULL;
	struct berval		 cred = { 0, NULL };
	const char		*pw = NULL;
	LDAPControl		*ctrl = NULL;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;
	enum pd_bind		 outcome;
	size_t			 pwlen, codelen = 0;
	bool			 valid = false, form = false;
	int			 prc;

	memset(&acct, 0, sizeof(acct));
	code[0] = '\0';
	/* A connection kept by an earlier login in this handle goes, whatever
	 * this one gives. */
	pd_kept_drop(pamh);
	if ((st = pd_get_user(pamh, email, sizeof(email), &valid)) != PD_OK)
		goto out;
	/* Both prompts, always, before anything is decided. */
	if ((st = pd_get_password(pamh, PAM_AUTHTOK, PD_PROMPT_PASSWORD,
	    &pw)) != PD_OK)
		goto out;
	if ((st = pd_get_code(pamh, code, sizeof(code), &codelen, &form)) !=
	    PD_OK)
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
	if (!form) {
		pd_dummy_work(pw, pwlen);
		pam_syslog(pamh, LOG_NOTICE, "authentication failure: the "
		    "verification code is malformed");
		goto out;
	}

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_open(pamh, o, &ld)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_dir_find(pamh, o, ld, email, &acct)) != PD_OK) {
		if (r == PD_DENIED) {
			pd_unknown_bind(pamh, o, ld, email, pw, pwlen);
			pam_syslog(pamh, LOG_NOTICE, "authentication failure: "
			    "no such account");
		}
		st = r;
		goto unblock;
	}
	if ((r = pd_policy_load(pamh, o, ld, &pol)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_check_rhost(pamh, pol, acct.dn)) != PD_OK) {
		/* Refused before any user bind; the same work and answer. */
		pd_dummy_work(pw, pwlen);
		st = r;
		goto unblock;
	}
	if ((r = pd_tracking_control(pamh, ld, email, &ctrl)) != PD_OK ||
	    (r = pd_cred_make(pw, pwlen, code, codelen, acct.mfa, &cred)) !=
	    PD_OK) {
		st = r;
		goto unblock;
	}
	r = pd_dir_user_bind(pamh, o, ld, acct.dn, &cred, ctrl, &outcome);
	pd_cred_free(&cred);
	if (r != PD_OK) {
		st = r;
		goto unblock;
	}
	switch (outcome) {
	case PD_BIND_OK:
	case PD_BIND_EXPIRED:
		break;
	case PD_BIND_ENROLL:
		pam_syslog(pamh, LOG_NOTICE, "%s must enroll MFA", acct.dn);
		if ((r = pd_enroll(pamh, o, ld, &acct, pw, pwlen, ctrl)) !=
		    PD_OK) {
			st = r;
			goto unblock;
		}
		break;
	case PD_BIND_DENIED:
		pam_syslog(pamh, LOG_NOTICE, "authentication failure for %s",
		    acct.dn);
		st = PD_DENIED;
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
	if (outcome == PD_BIND_EXPIRED) {
		/* acct_mgmt will ask for a new password; chauthtok uses this
		 * connection, the only one the overlay lets change it. */
		pam_syslog(pamh, LOG_NOTICE, "authenticated %s; the password "
		    "has expired", acct.dn);
		if ((r = pd_keep(pamh, &ld, acct.dn)) != PD_OK) {
			st = r;
			goto unblock;
		}
	} else {
		pam_syslog(pamh, LOG_INFO, "authenticated %s", acct.dn);
	}
	st = PD_OK;
unblock:
	if (ctrl != NULL)
		ldap_control_free(ctrl);
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
out:
	free(pol);
	pd_account_free(&acct);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(email, sizeof(email));
	return st;
}

/*
 * The user name of a service that acts on an existing account (not
 * authenticate), normalised into email (DW_EMAIL_MAX + 1 bytes).  A name
 * that is not an admin address is PD_DENIED, logged as "WHAT refused:
 * ..." without the name.
 */
static enum pd_status
pd_get_admin(pam_handle_t *pamh, const char *what, char *email,
    size_t emailsz)
{
	enum pd_status	 st;
	bool		 valid = false;

	if ((st = pd_get_user(pamh, email, emailsz, &valid)) != PD_OK)
		return st;
	if (!valid) {
		pam_syslog(pamh, LOG_NOTICE, "%s refused: the user name is "
		    "not an admin address", what);
		return PD_DENIED;
	}
	return PD_OK;
}

/*
 * Open the directory on *ldp (the caller closes it with pd_dir_close,
 * whatever this returns) and find the account of email into *acct.  With
 * whatfor not NULL the account must also be active.  Refusals are logged
 * as "WHAT refused: no such account" and "WHATFOR DN refused: not
 * active" (PD_INACTIVE).
 */
static enum pd_status
pd_dir_account(pam_handle_t *pamh, const struct pd_opts *o,
    const char *email, const char *what, const char *whatfor, LDAP **ldp,
    struct pd_account *acct)
{
	enum pd_status	 r;

	if ((r = pd_dir_open(pamh, o, ldp)) != PD_OK)
		return r;
	if ((r = pd_dir_find(pamh, o, *ldp, email, acct)) != PD_OK) {
		if (r == PD_DENIED)
			pam_syslog(pamh, LOG_NOTICE, "%s refused: no such "
			    "account", what);
		return r;
	}
	if (whatfor != NULL && dw_account_may_authenticate(
	    acct->has_status ? acct->status : NULL,
	    acct->has_status ? acct->statuslen : 0) != DW_ALLOW) {
		pam_syslog(pamh, LOG_NOTICE, "%s %s refused: not active",
		    whatfor, acct->dn);
		return PD_INACTIVE;
	}
	return PD_OK;
}

/*
 * Delete the expired session sdn of dn, so that a longer timeout set
 * later cannot bring it back.  The refusal stands whatever happens here;
 * a failure is logged.  The log names the user, never the session id.
 */
static void
pd_session_drop(pam_handle_t *pamh, LDAP *ld, const char *sdn,
    const char *dn)
{
	int	lrc;

	lrc = ldap_delete_ext_s(ld, sdn, NULL, NULL);
	if (lrc == LDAP_SUCCESS)
		pam_syslog(pamh, LOG_INFO, "expired session of %s deleted",
		    dn);
	else if (lrc != LDAP_NO_SUCH_OBJECT)
		pam_syslog(pamh, LOG_ERR, "cannot delete the expired session "
		    "of %s: %s", dn, ldap_err2string(lrc));
}

/*
 * The session named by DRAMWELL_SESSION: it must exist, belong to dn and
 * not be expired (dw_session_idle_check: idle for the policy's timeout or
 * longer, or dated in the future beyond the clock skew); an expired one is
 * deleted.  Its last activity is rewritten when dw_session_refresh_due
 * says so.
 */
static enum pd_status
pd_session_check(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *id, const char *dn, const struct dw_policy *pol)
{
	char		*attrs[] = { "dwSessionLastActivity", "dwSessionStart",
			    NULL };
	char		 sdn[PD_DN_MAX], stamp[DW_GENTIME_MAX];
	char		*vals[2] = { stamp, NULL };
	LDAPMod		 mod, *mods[2] = { &mod, NULL };
	struct berval	 bdn;
	struct timeval	 tv;
	LDAPMessage	*res = NULL, *e;
	enum pd_status	 st = PD_SESSION_OVER;
	time_t		 last, now;
	int		 lrc;

	if (!dw_session_id_form(id, strlen(id))) {
		pam_syslog(pamh, LOG_NOTICE, "%s refused: malformed session "
		    "id", dn);
		goto out;
	}
	if (!pd_fmt(sdn, sizeof(sdn), "dwSessionId=%s,%s,%s", id,
	    PD_SESSIONS_RDN, o->conf.base)) {
		st = PD_CONFIG;
		goto out;
	}
	tv.tv_sec = (time_t)o->conf.timeout;
	tv.tv_usec = 0;
	lrc = ldap_search_ext_s(ld, sdn, LDAP_SCOPE_BASE,
	    "(objectClass=dwSession)", attrs, 0, NULL, NULL, &tv, 1, &res);
	if (lrc == LDAP_NO_SUCH_OBJECT ||
	    (lrc == LDAP_SUCCESS && ldap_count_entries(ld, res) == 0)) {
		pam_syslog(pamh, LOG_NOTICE, "%s refused: no such session "
		    "(ended, killed or expired)", dn);
		goto out;
	}
	if (lrc != LDAP_SUCCESS || (e = ldap_first_entry(ld, res)) == NULL) {
		pam_syslog(pamh, LOG_ERR, "cannot read session of %s: %s", dn,
		    ldap_err2string(lrc));
		st = pd_status_from_ldap(lrc);
		goto out;
	}
	/* The directory compares DNs (case, spacing). */
	bdn.bv_val = (char *)dn;
	bdn.bv_len = strlen(dn);
	lrc = ldap_compare_ext_s(ld, sdn, "dwSessionUser", &bdn, NULL, NULL);
	if (lrc != LDAP_COMPARE_TRUE) {
		if (lrc != LDAP_COMPARE_FALSE &&
		    lrc != LDAP_NO_SUCH_ATTRIBUTE &&
		    lrc != LDAP_NO_SUCH_OBJECT) {
			pam_syslog(pamh, LOG_ERR, "cannot compare the session "
			    "user: %s", ldap_err2string(lrc));
			st = pd_status_from_ldap(lrc);
			goto out;
		}
		pam_syslog(pamh, LOG_NOTICE, "%s refused: the session belongs "
		    "to someone else", dn);
		goto out;
	}
	if (!pd_time_value(ld, e, "dwSessionLastActivity", &last) &&
	    !pd_time_value(ld, e, "dwSessionStart", &last)) {
		pam_syslog(pamh, LOG_ERR, "%s refused: the session has no "
		    "valid activity time", dn);
		goto out;
	}
	now = time(NULL);
	if (dw_session_idle_check((int64_t)last, (int64_t)now,
	    pol->idle_timeout) != DW_ALLOW) {
		if (last > now)
			pam_syslog(pamh, LOG_NOTICE, "%s refused: the session's "
			    "last activity is %lld seconds in the future", dn,
			    (long long)(last - now));
		else
			pam_syslog(pamh, LOG_NOTICE, "%s refused: the session "
			    "was idle for %lld seconds (timeout %u)", dn,
			    (long long)(now - last), pol->idle_timeout);
		pd_session_drop(pamh, ld, sdn, dn);
		goto out;
	}
	if (dw_session_refresh_due((int64_t)last, (int64_t)now)) {
		if (dw_gentime_format(now, -1, stamp, sizeof(stamp)) != DW_OK) {
			st = PD_SYSTEM;
			goto out;
		}
		mod.mod_op = LDAP_MOD_REPLACE;
		mod.mod_type = "dwSessionLastActivity";
		mod.mod_values = vals;
		lrc = ldap_modify_ext_s(ld, sdn, mods, NULL, NULL);
		if (lrc == LDAP_NO_SUCH_OBJECT) {
			pam_syslog(pamh, LOG_NOTICE, "%s refused: the session "
			    "ended meanwhile", dn);
			goto out;
		}
		if (lrc != LDAP_SUCCESS) {
			pam_syslog(pamh, LOG_ERR, "cannot refresh the session "
			    "of %s: %s", dn, ldap_err2string(lrc));
			st = pd_status_from_ldap(lrc);
			goto out;
		}
	}
	st = PD_OK;
out:
	if (res != NULL)
		ldap_msgfree(res);
	return st;
}

static enum pd_status
pd_account(pam_handle_t *pamh, const struct pd_opts *o, int flags)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 perms[PD_PERMS_MAX];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	struct dw_policy	*pol = NULL;
	const char		*sid;
	char			*id = NULL;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;

	memset(&acct, 0, sizeof(acct));
	/* Nothing from an earlier call may survive a denial. */
	if ((st = pd_unsetenv(pamh, PD_ROLE_ENV)) != PD_OK ||
	    (st = pd_unsetenv(pamh, PD_PERMS_ENV)) != PD_OK)
		goto out;
	if ((sid = pam_getenv(pamh, PD_SESSION_ENV)) != NULL &&
	    (id = strdup(sid)) == NULL) {
		st = PD_NOMEM;
		goto out;
	}
	if ((st = pd_get_admin(pamh, "account", email, sizeof(email))) !=
	    PD_OK)
		goto out;
	st = PD_DENIED;

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_account(pamh, o, email, "account", "account", &ld,
	    &acct)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_policy_load(pamh, o, ld, &pol)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if (id != NULL &&
	    (r = pd_session_check(pamh, o, ld, id, acct.dn, pol)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_check_rhost(pamh, pol, acct.dn)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if (!acct.has_role ||
	    dw_role_name_check(acct.role, acct.rolelen) != DW_OK) {
		pam_syslog(pamh, LOG_ERR, "account %s refused: no valid role",
		    acct.dn);
		st = PD_INACTIVE;
		goto unblock;
	}
	if ((r = pd_dir_role_perms(pamh, o, ld, acct.role, perms,
	    sizeof(perms))) != PD_OK) {
		st = r;
		goto unblock;
	}
	if (pd_password_expired(&acct, pol, time(NULL)) ||
	    pd_kept_get(pamh, acct.dn) != NULL) {
		pam_syslog(pamh, LOG_NOTICE, "account %s: the password has "
		    "expired", acct.dn);
		st = PD_EXPIRED;
		goto unblock;
	}
	if ((r = pd_setenv(pamh, PD_ROLE_ENV, acct.role)) != PD_OK ||
	    (r = pd_setenv(pamh, PD_PERMS_ENV, perms)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "account %s active, role %s%s",
		    acct.dn, acct.role, id != NULL ? ", session live" : "");
	st = PD_OK;
unblock:
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
out:
	if (st != PD_OK) {
		/* A refusal leaves neither variable behind. */
		(void)pd_unsetenv(pamh, PD_ROLE_ENV);
		(void)pd_unsetenv(pamh, PD_PERMS_ENV);
	}
	free(id);
	free(pol);
	pd_account_free(&acct);
	sodium_memzero(email, sizeof(email));
	return st;
}

/*
 * open_session: a dwSession entry for the (active) account, with a new
 * random id, start and last activity now, and PAM_RHOST when it is an IP
 * address; the id goes to the application as DRAMWELL_SESSION.
 */
static enum pd_status
pd_open_session(pam_handle_t *pamh, const struct pd_opts *o, int flags)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 id[DW_SESSION_ID_LEN + 1];
	char			 sdn[PD_DN_MAX], stamp[DW_GENTIME_MAX];
	char			*v_oc[] = { "dwSession", NULL };
	char			*v_id[] = { id, NULL };
	char			*v_user[2] = { NULL, NULL };
	char			*v_time[] = { stamp, NULL };
	char			*v_addr[2] = { NULL, NULL };
	LDAPMod			 m_oc, m_id, m_user, m_start, m_last, m_addr;
	LDAPMod			*mods[7];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;
	size_t			 n = 0;
	int			 lrc;

	memset(&acct, 0, sizeof(acct));
	if ((st = pd_get_admin(pamh, "session", email, sizeof(email))) !=
	    PD_OK)
		goto out;
	st = PD_DENIED;
	if (dw_session_id_new(id, sizeof(id)) != DW_OK ||
	    dw_gentime_format(time(NULL), -1, stamp, sizeof(stamp)) !=
	    DW_OK) {
		st = PD_SYSTEM;
		goto out;
	}

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_account(pamh, o, email, "session", "session for",
	    &ld, &acct)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if (!pd_fmt(sdn, sizeof(sdn), "dwSessionId=%s,%s,%s", id,
	    PD_SESSIONS_RDN, o->conf.base)) {
		st = PD_CONFIG;
		goto unblock;
	}
	v_user[0] = acct.dn;
	v_addr[0] = (char *)pd_rhost_ip(pamh);
	m_oc = (LDAPMod){ LDAP_MOD_ADD, "objectClass", { v_oc } };
	m_id = (LDAPMod){ LDAP_MOD_ADD, "dwSessionId", { v_id } };
	m_user = (LDAPMod){ LDAP_MOD_ADD, "dwSessionUser", { v_user } };
	m_start = (LDAPMod){ LDAP_MOD_ADD, "dwSessionStart", { v_time } };
	m_last = (LDAPMod){ LDAP_MOD_ADD, "dwSessionLastActivity",
	    { v_time } };
	m_addr = (LDAPMod){ LDAP_MOD_ADD, "dwClientAddress", { v_addr } };
	mods[n++] = &m_oc;
	mods[n++] = &m_id;
	mods[n++] = &m_user;
	mods[n++] = &m_start;
	mods[n++] = &m_last;
	if (v_addr[0] != NULL)
		mods[n++] = &m_addr;
	mods[n] = NULL;
	lrc = ldap_add_ext_s(ld, sdn, mods, NULL, NULL);
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot create a session for %s: %s",
		    acct.dn, ldap_err2string(lrc));
		st = pd_status_from_ldap(lrc);
		goto unblock;
	}
	if ((r = pd_setenv(pamh, PD_SESSION_ENV, id)) != PD_OK) {
		/* The application would never learn the id: remove it. */
		(void)ldap_delete_ext_s(ld, sdn, NULL, NULL);
		st = r;
		goto unblock;
	}
	pam_syslog(pamh, LOG_INFO, "session opened for %s", acct.dn);
	st = PD_OK;
unblock:
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
out:
	pd_account_free(&acct);
	sodium_memzero(id, sizeof(id));
	sodium_memzero(email, sizeof(email));
	return st;
}

/*
 * close_session: delete the session named by DRAMWELL_SESSION if it is
 * the user's (already gone: nothing to do) and remove the variable.
 */
static enum pd_status
pd_close_session(pam_handle_t *pamh, const struct pd_opts *o, int flags)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 sdn[PD_DN_MAX];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	struct berval		 bdn;
	const char		*sid;
	LDAP			*ld = NULL;
	enum pd_status		 st = PD_DENIED, r;
	int			 lrc;

	memset(&acct, 0, sizeof(acct));
	if ((sid = pam_getenv(pamh, PD_SESSION_ENV)) == NULL) {
		pam_syslog(pamh, LOG_ERR, "no session to close: %s is not set",
		    PD_SESSION_ENV);
		goto out;
	}
	if (!dw_session_id_form(sid, strlen(sid))) {
		pam_syslog(pamh, LOG_ERR, "cannot close a session: malformed "
		    "session id");
		goto out;
	}
	if (!pd_fmt(sdn, sizeof(sdn), "dwSessionId=%s,%s,%s", sid,
	    PD_SESSIONS_RDN, o->conf.base)) {
		st = PD_CONFIG;
		goto out;
	}
	if ((st = pd_get_admin(pamh, "session close", email,
	    sizeof(email))) != PD_OK)
		goto out;
	st = PD_DENIED;

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_account(pamh, o, email, "session close", NULL, &ld,
	    &acct)) != PD_OK) {
		st = r;
		goto unblock;
	}
	bdn.bv_val = acct.dn;
	bdn.bv_len = strlen(acct.dn);
	lrc = ldap_compare_ext_s(ld, sdn, "dwSessionUser", &bdn, NULL, NULL);
	if (lrc == LDAP_COMPARE_TRUE)
		lrc = ldap_delete_ext_s(ld, sdn, NULL, NULL);
	else if (lrc == LDAP_COMPARE_FALSE ||
	    lrc == LDAP_NO_SUCH_ATTRIBUTE) {
		pam_syslog(pamh, LOG_NOTICE, "session close for %s refused: "
		    "the session belongs to someone else", acct.dn);
		st = PD_DENIED;
		goto unblock;
	}
	if (lrc != LDAP_SUCCESS && lrc != LDAP_NO_SUCH_OBJECT) {
		pam_syslog(pamh, LOG_ERR, "cannot delete the session of %s: "
		    "%s", acct.dn, ldap_err2string(lrc));
		st = pd_status_from_ldap(lrc);
		goto unblock;
	}
	/* Gone already (killed, expired): the goal is reached. */
	if ((r = pd_unsetenv(pamh, PD_SESSION_ENV)) != PD_OK) {
		st = r;
		goto unblock;
	}
	pam_syslog(pamh, LOG_INFO, "session closed for %s", acct.dn);
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
 * Send the RFC 3062 password-modify operation (no user identity: the
 * connection's own entry; old and new password) on ld, bound as the user.
 * The overlay's refusal text ("password refused: RULE") is shown to the
 * user; it never contains the password.
 */
static enum pd_status
pd_passwd_exop(pam_handle_t *pamh, const struct pd_opts *o, LDAP *ld,
    const char *dn, const char *oldpw, const char *newpw)
{
	struct berval	 bold, bnew;
	char		*text = NULL;
	enum pd_status	 st;
	int		 msgid, lrc;

	bold.bv_val = (char *)oldpw;
	bold.bv_len = strlen(oldpw);
	bnew.bv_val = (char *)newpw;
	bnew.bv_len = strlen(newpw);
	lrc = ldap_passwd(ld, NULL, &bold, &bnew, NULL, NULL, &msgid);
	sodium_memzero(&bold, sizeof(bold));
	sodium_memzero(&bnew, sizeof(bnew));
	if (lrc != LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "password change of %s failed: %s",
		    dn, ldap_err2string(lrc));
		return pd_status_from_ldap(lrc);
	}
	if ((st = pd_dir_wait(pamh, o, ld, msgid, "password change", &lrc,
	    &text, NULL)) != PD_OK)
		return st;
	if (lrc == LDAP_SUCCESS) {
		pam_syslog(pamh, LOG_INFO, "password changed for %s", dn);
		st = PD_OK;
	} else if (text != NULL && strncmp(text, PD_TEXT_REFUSED,
	    sizeof(PD_TEXT_REFUSED) - 1) == 0 && pd_text_showable(text)) {
		pam_syslog(pamh, LOG_NOTICE, "password change of %s refused: "
		    "%s", dn, text);
		(void)pam_error(pamh, "%s", text);
		st = PD_AUTHTOK;
	} else {
		pam_syslog(pamh, LOG_NOTICE, "password change of %s failed: "
		    "%s%s%s", dn, ldap_err2string(lrc),
		    text != NULL && pd_text_showable(text) ? ": " : "",
		    text != NULL && pd_text_showable(text) ? text : "");
		(void)pam_error(pamh, "Password change failed.");
		st = pd_ldap_unreachable(lrc) ? PD_UNAVAIL : PD_AUTHTOK;
	}
	if (text != NULL)
		ldap_memfree(text);
	return st;
}

/*
 * The new password, typed twice ("New password: ", "Retype new
 * password: "); stored as PAM_AUTHTOK once it is sent.  *newpw is
 * malloc'd (pd_answer_free).
 */
static enum pd_status
pd_get_new_password(pam_handle_t *pamh, char **newpw)
{
	char		*a = NULL, *b = NULL;
	enum pd_status	 st;
	size_t		 len;

	*newpw = NULL;
	if ((st = pd_ask(pamh, PD_PROMPT_NEW, &a)) != PD_OK ||
	    (st = pd_ask(pamh, PD_PROMPT_RETYPE, &b)) != PD_OK)
		goto out;
	st = PD_AUTHTOK;
	if (sodium_memcmp(a, b, strlen(a) + 1) != 0 ||
	    strlen(a) != strlen(b)) {
		(void)pam_error(pamh, "Passwords do not match.");
		goto out;
	}
	len = strnlen(a, DW_PASSWD_MAX + 1);
	if (len == 0 || len > DW_PASSWD_MAX) {
		(void)pam_error(pamh, "Password change failed: the password "
		    "is empty or longer than %d bytes.", DW_PASSWD_MAX);
		goto out;
	}
	*newpw = a;
	a = NULL;
	st = PD_OK;
out:
	pd_answer_free(a);
	pd_answer_free(b);
	return st;
}

/*
 * chauthtok.  PRELIM_CHECK: the directory must be reachable.
 * UPDATE_AUTHTOK: the current password (PAM_OLDAUTHTOK or a prompt), a
 * connection bound as the user (the one authenticate kept for an expired
 * password; else a new bind, with a verification code prompt), the new
 * password twice, the password-modify operation.  With
 * PAM_CHANGE_EXPIRED_AUTHTOK a password that has not expired is left
 * alone.
 */
static enum pd_status
pd_chauthtok(pam_handle_t *pamh, const struct pd_opts *o, int flags)
{
	char			 email[DW_EMAIL_MAX + 1];
	char			 code[PD_CODE_MAX + 1];
	struct pd_account	 acct;
	struct pd_sigpipe	 sp;
	struct pd_kept		*kept;
	struct dw_policy	*pol = NULL;
	struct berval		 cred = { 0, NULL };
	const char		*oldpw = NULL;
	const void		*item = NULL;
	char			*newpw = NULL;
	LDAPControl		*ctrl = NULL;
	LDAP			*ld = NULL, *userld;
	enum pd_status		 st = PD_DENIED, r;
	enum pd_bind		 outcome;
	size_t			 codelen = 0, oldlen;
	bool			 form = false;
	bool			 prompted_old = false;
	int			 prc;

	memset(&acct, 0, sizeof(acct));
	code[0] = '\0';
	if (flags & PAM_PRELIM_CHECK) {
		pd_sigpipe_block(&sp);
		st = pd_dir_open(pamh, o, &ld);
		pd_dir_close(ld);
		ld = NULL;
		pd_sigpipe_restore(&sp);
		goto out;
	}
	if (!(flags & PAM_UPDATE_AUTHTOK)) {
		st = PD_SYSTEM;
		goto out;
	}
	if ((st = pd_get_admin(pamh, "password change", email,
	    sizeof(email))) != PD_OK)
		goto out;
	st = PD_DENIED;

	pd_sigpipe_block(&sp);
	if ((r = pd_dir_account(pamh, o, email, "password change",
	    "password change for", &ld, &acct)) != PD_OK) {
		st = r;
		goto unblock;
	}
	kept = pd_kept_get(pamh, acct.dn);
	if ((flags & PAM_CHANGE_EXPIRED_AUTHTOK) && kept == NULL) {
		if ((r = pd_policy_load(pamh, o, ld, &pol)) != PD_OK) {
			st = r;
			goto unblock;
		}
		if (!pd_password_expired(&acct, pol, time(NULL))) {
			if (o->debug)
				pam_syslog(pamh, LOG_DEBUG, "password of %s "
				    "has not expired: unchanged", acct.dn);
			st = PD_OK;
			goto unblock;
		}
	}
	prompted_old = pam_get_item(pamh, PAM_OLDAUTHTOK, &item) !=
	    PAM_SUCCESS || item == NULL;
	if ((r = pd_get_password(pamh, PAM_OLDAUTHTOK, PD_PROMPT_OLD,
	    &oldpw)) != PD_OK) {
		st = r;
		goto unblock;
	}
	oldlen = strnlen(oldpw, DW_PASSWD_MAX + 1);
	if (kept != NULL) {
		userld = kept->ld;
	} else {
		/* A new bind needs a new code (the login's is used up). */
		if ((r = pd_get_code(pamh, code, sizeof(code), &codelen,
		    &form)) != PD_OK) {
			st = r;
			goto unblock;
		}
		st = PD_DENIED;
		if (oldlen == 0 || oldlen > DW_PASSWD_MAX || !form) {
			pam_syslog(pamh, LOG_NOTICE, "password change for %s "
			    "refused: malformed current credentials", acct.dn);
			goto unblock;
		}
		if ((r = pd_tracking_control(pamh, ld, email, &ctrl)) !=
		    PD_OK || (r = pd_cred_make(oldpw, oldlen, code, codelen,
		    acct.mfa, &cred)) != PD_OK) {
			st = r;
			goto unblock;
		}
		r = pd_dir_user_bind(pamh, o, ld, acct.dn, &cred, ctrl,
		    &outcome);
		pd_cred_free(&cred);
		if (r != PD_OK) {
			st = r;
			goto unblock;
		}
		if (outcome != PD_BIND_OK && outcome != PD_BIND_EXPIRED) {
			pam_syslog(pamh, LOG_NOTICE, "password change for %s "
			    "refused: the current credentials are wrong%s",
			    acct.dn, outcome == PD_BIND_ENROLL ?
			    " (MFA enrollment required: log in first)" : "");
			st = PD_DENIED;
			goto unblock;
		}
		userld = ld;
	}
	if ((r = pd_get_new_password(pamh, &newpw)) != PD_OK) {
		st = r;
		goto unblock;
	}
	if ((r = pd_passwd_exop(pamh, o, userld, acct.dn, oldpw, newpw)) !=
	    PD_OK) {
		st = r;
		goto unblock;
	}
	/* As other password modules leave them, for later modules. */
	if ((prc = pam_set_item(pamh, PAM_AUTHTOK, newpw)) != PAM_SUCCESS) {
		st = pd_status_from_pam(prc);
		goto unblock;
	}
	pd_kept_drop(pamh);
	st = PD_OK;
unblock:
	if (ctrl != NULL)
		ldap_control_free(ctrl);
	pd_dir_close(ld);
	pd_sigpipe_restore(&sp);
	/* A current password typed here and not accepted is asked again
	 * next time, not reused. */
	if (st != PD_OK && prompted_old && oldpw != NULL)
		(void)pam_set_item(pamh, PAM_OLDAUTHTOK, NULL);
out:
	pd_answer_free(newpw);
	free(pol);
	pd_account_free(&acct);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(email, sizeof(email));
	return st;
}

/*
 * The frame of every service: initialise libsodium, parse the arguments,
 * run fn, free the options, map the status once.
 */
static int
pd_run(pam_handle_t *pamh, int flags, int argc, const char **argv,
    enum pd_status (*fn)(pam_handle_t *, const struct pd_opts *, int),
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
	st = fn(pamh, &o, flags);
out:
	dw_client_conf_free(&o.conf);
	return pd_to_pam(phase, st);
}

PD_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return pd_run(pamh, flags, argc, argv, pd_authenticate,
	    PD_PHASE_AUTH);
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
	return pd_run(pamh, flags, argc, argv, pd_account,
	    PD_PHASE_ACCOUNT);
}

PD_EXPORT int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return pd_run(pamh, flags, argc, argv, pd_open_session,
	    PD_PHASE_SESSION);
}

PD_EXPORT int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
    const char **argv)
{
	return pd_run(pamh, flags, argc, argv, pd_close_session,
	    PD_PHASE_SESSION);
}

PD_EXPORT int
pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return pd_run(pamh, flags, argc, argv, pd_chauthtok,
	    PD_PHASE_PASSWORD);
}
