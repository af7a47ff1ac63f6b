/*
 * dw_ldapconn.c: connecting to the directory (URI list failover), the
 * bind as an admin or as root with SASL EXTERNAL, admin DNs, and the
 * mapping of LDAP results to one clear error line.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "dwadm.h"

#define ADMINS_RDN	"ou=admins"
/* Synchronous operations may take this many network timeouts. */
#define OP_TIMEOUT_FACTOR	12
/* A password, an appended code and the NUL. */
#define PW_BUF			(DW_PASSWD_MAX + DWADM_CODE_BUF + 2)
/* The overlay's bind text for an admin who must enroll (design). */
#define DW_MFA_ENROLL_TEXT	"MFA enrollment required"

const char *
dwadm_ldap_words(int rc)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return "success";
	case LDAP_INVALID_CREDENTIALS:
		return "invalid credentials";
	case LDAP_INSUFFICIENT_ACCESS:
		return "insufficient access";
	case LDAP_NO_SUCH_OBJECT:
		return "no such entry";
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
		return "server unreachable";
	case LDAP_TIMEOUT:
		return "timed out waiting for the server";
	case LDAP_ALREADY_EXISTS:
		return "entry already exists";
	case LDAP_CONSTRAINT_VIOLATION:
		return "constraint violation";
	case LDAP_UNWILLING_TO_PERFORM:
		return "server unwilling to perform";
	case LDAP_OBJECT_CLASS_VIOLATION:
		return "object class violation";
	case LDAP_UNDEFINED_TYPE:
		return "undefined attribute type (is the DramWell schema "
		    "loaded?)";
	case LDAP_INVALID_SYNTAX:
		return "invalid attribute syntax";
	case LDAP_INVALID_DN_SYNTAX:
		return "invalid DN";
	case LDAP_INAPPROPRIATE_AUTH:
		return "inappropriate authentication";
	case LDAP_STRONG_AUTH_REQUIRED:
		return "stronger authentication required";
	case LDAP_AUTH_METHOD_NOT_SUPPORTED:
		return "authentication method not supported";
	case LDAP_SIZELIMIT_EXCEEDED:
		return "size limit exceeded";
	case LDAP_ADMINLIMIT_EXCEEDED:
		return "administrative limit exceeded";
	case LDAP_NOT_ALLOWED_ON_NONLEAF:
		return "entry has children";
	case LDAP_BUSY:
		return "server busy";
	case LDAP_UNAVAILABLE:
		return "server unavailable";
	case LDAP_NO_MEMORY:
		return "out of memory";
	default:
		return ldap_err2string(rc);
	}
}

void
dwadm_ldap_describe(LDAP *ld, int rc, char *out, size_t outsz)
{
	char	*diag = NULL;
	int	 n;

	if (ld != NULL && rc != LDAP_SERVER_DOWN && rc != LDAP_CONNECT_ERROR &&
	    ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) !=
	    LDAP_OPT_SUCCESS)
		diag = NULL;
	if (diag != NULL && diag[0] != '\0')
		n = snprintf(out, outsz, "%s (server said: %s)",
		    dwadm_ldap_words(rc), diag);
	else
		n = snprintf(out, outsz, "%s", dwadm_ldap_words(rc));
	if (n < 0 && outsz > 0)
		out[0] = '\0';
	ldap_memfree(diag);
}

int
dwadm_ldap_fail(LDAP *ld, int rc, const char *what)
{
	char	desc[1024];

	dwadm_ldap_describe(ld, rc, desc, sizeof(desc));
	return dwadm_fail("%s: %s", what, desc);
}

int
dwadm_check_base(const char *base)
{
	LDAPDN	dn = NULL;
	int	ok;

	ok = ldap_str2dn(base, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    dn != NULL && dn[0] != NULL;
	ldap_dnfree(dn);
	if (!ok)
		return dwadm_usage_error("base \"%s\" is not a valid DN", base);
	return 0;
}

/* RFC 4514 section 2.4: escape one attribute value into out. */
static int
dn_escape(const char *v, char *out, size_t outsz)
{
	size_t	i, n = 0, len = strlen(v);
	char	c;
	int	esc;

	for (i = 0; i < len; i++) {
		c = v[i];
		esc = c == '"' || c == '+' || c == ',' || c == ';' ||
		    c == '<' || c == '>' || c == '\\' || c == '=' ||
		    (i == 0 && (c == ' ' || c == '#')) ||
		    (i == len - 1 && c == ' ');
		if (n + 3 >= outsz)
			return -1;
		if (esc)
			out[n++] = '\\';
		out[n++] = c;
	}
	if (n >= outsz)
		return -1;
	out[n] = '\0';
	return 0;
}

int
dwadm_admin_dn(const char *base, const char *email, char *out, size_t outsz)
{
	char		 val[2 * DW_EMAIL_MAX + 1];
	LDAPDN		 dn = NULL;
	LDAPAVA		*ava;
	int		 n, ok = 0;

	if (dn_escape(email, val, sizeof(val)) != 0)
		return dwadm_fail("e-mail address too long");
	n = snprintf(out, outsz, "uid=%s," ADMINS_RDN ",%s", val, base);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("admin DN too long");
	/* The DN must parse back to uid=<exactly the address> first. */
	if (ldap_str2dn(out, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    dn != NULL && dn[0] != NULL && dn[0][0] != NULL &&
	    dn[0][1] == NULL) {
		ava = dn[0][0];
		ok = ava->la_attr.bv_len == 3 &&
		    strncasecmp(ava->la_attr.bv_val, "uid", 3) == 0 &&
		    ava->la_value.bv_len == strlen(email) &&
		    memcmp(ava->la_value.bv_val, email,
		    ava->la_value.bv_len) == 0;
	}
	ldap_dnfree(dn);
	if (!ok)
		return dwadm_fail("cannot build the DN of %s", email);
	return 0;
}

void
dwadm_disconnect(struct dwadm *d)
{
	if (d->ld != NULL) {
		(void)ldap_unbind_ext_s(d->ld, NULL, NULL);
		d->ld = NULL;
	}
}

static int
unreachable(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_TIMEOUT;
}

/*
 * One attempt: initialise uri (NULL: libldap's default from ldap.conf /
 * LDAPURI), set the options, bind.  Returns the LDAP result; *ldp is the
 * handle in every case where one was created (the caller unbinds it on
 * failure).  *init_failed says that the URI itself was refused.
 */
static int
try_uri(const struct dwadm *d, const char *uri, const char *binddn,
    const char *pw, size_t pwlen, LDAP **ldp, int *init_failed)
{
	struct timeval	 net, op;
	struct berval	 cred;
	LDAP		*ld = NULL;
	int		 version = LDAP_VERSION3, rc;

	*ldp = NULL;
	*init_failed = 0;
	rc = ldap_initialize(&ld, uri);
	if (rc != LDAP_SUCCESS || ld == NULL) {
		*init_failed = 1;
		return rc != LDAP_SUCCESS ? rc : LDAP_NO_MEMORY;
	}
	*ldp = ld;
	net.tv_sec = d->conf.timeout;
	net.tv_usec = 0;
	op.tv_sec = (time_t)d->conf.timeout * OP_TIMEOUT_FACTOR;
	op.tv_usec = 0;
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &net) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &op) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS)
		return LDAP_LOCAL_ERROR;

	if (pw == NULL && binddn == NULL) {
		/* Anonymous: no bind, only the connection. */
		rc = ldap_connect(ld);
	} else if (d->auth == DWADM_AUTH_EXTERNAL) {
		/* The server takes the identity from the ldapi peer
		 * credentials.  An empty initial response (no authorisation
		 * identity) finishes the exchange in one step. */
		cred.bv_val = (char *)"";
		cred.bv_len = 0;
		rc = ldap_sasl_bind_s(ld, NULL, "EXTERNAL", &cred, NULL, NULL,
		    NULL);
	} else {
		cred.bv_val = (char *)pw;
		cred.bv_len = pwlen;
		rc = ldap_sasl_bind_s(ld, binddn, LDAP_SASL_SIMPLE, &cred,
		    NULL, NULL, NULL);
	}
	return rc;
}

static int connect_common(struct dwadm *, int);

/* Did the server refuse the bind because MFA must be set up first?  Its
 * text says so only after the password was right. */
static int
enrollment_required(LDAP *ld)
{
	char	*diag = NULL;
	int	 yes;

	if (ld == NULL || ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE,
	    &diag) != LDAP_OPT_SUCCESS)
		return 0;
	yes = diag != NULL && strstr(diag, DW_MFA_ENROLL_TEXT) != NULL;
	ldap_memfree(diag);
	return yes;
}

int
dwadm_connect(struct dwadm *d)
{
	return connect_common(d, 0);
}

int
dwadm_connect_anon(struct dwadm *d)
{
	return connect_common(d, 1);
}

static int
connect_common(struct dwadm *d, int anon)
{
	char		 binddn[DWADM_DN_MAX], what[DWADM_DN_MAX + 64];
	char		 tried[1024], prompt[DW_EMAIL_MAX + 32];
	char		*pw = NULL, *defuri = NULL;
	const char	*uri;
	LDAP		*ld = NULL;
	size_t		 pwlen = 0, codelen = 0, i, n, tlen = 0;
	int		 rc, ret = DWADM_EXIT_FAIL, init_failed, k;

	binddn[0] = '\0';
	tried[0] = '\0';
	if (!anon && d->auth == DWADM_AUTH_NONE) {
		ret = dwadm_usage_error("say who acts: --as EMAIL (an admin) "
		    "or -Y EXTERNAL (root over ldapi)");
		goto out;
	}
	if (!anon && d->auth == DWADM_AUTH_ADMIN) {
		if (dwadm_admin_dn(d->base, d->as_email, binddn,
		    sizeof(binddn)) != 0)
			goto out;
		if ((pw = sodium_malloc(PW_BUF)) == NULL) {
			ret = dwadm_fail("out of memory");
			goto out;
		}
		k = snprintf(prompt, sizeof(prompt), "Password for %s: ",
		    d->as_email);
		if (k < 0 || (size_t)k >= sizeof(prompt))
			goto out;
		if (dwadm_read_password(d->password_stdin, prompt, pw,
		    DW_PASSWD_MAX + 2, &pwlen) != 0)
			goto out;
		/* The overlay takes the second factor appended to the
		 * password (as slapo-otp does). */
		if (d->mfa && (dwadm_read_code(d->password_stdin,
		    "Verification code: ", true, pw + pwlen,
		    PW_BUF - pwlen, &codelen) != 0))
			goto out;
		pwlen += codelen;
	}

	n = d->nuris > 0 ? d->nuris : 1;
	for (i = 0; i < n; i++) {
		uri = d->nuris > 0 ? d->uris[i] : NULL;
		rc = try_uri(d, uri, anon ? NULL : binddn, anon ? NULL : pw,
		    pwlen, &ld, &init_failed);
		if (uri == NULL && ld != NULL && ldap_get_option(ld,
		    LDAP_OPT_URI, &defuri) != LDAP_OPT_SUCCESS)
			defuri = NULL;
		if (init_failed) {
			ret = dwadm_fail("%s: not a usable LDAP URI",
			    uri != NULL ? uri : "default URI");
			goto out;
		}
		if (rc == LDAP_SUCCESS) {
			d->ld = ld;
			ld = NULL;
			(void)snprintf(d->uri_used, sizeof(d->uri_used), "%s",
			    uri != NULL ? uri :
			    defuri != NULL ? defuri : "default URI");
			ret = 0;
			goto out;
		}
		if (!unreachable(rc)) {
			if (anon)
				k = snprintf(what, sizeof(what),
				    "cannot connect");
			else if (d->auth == DWADM_AUTH_ADMIN)
				k = snprintf(what, sizeof(what),
				    "cannot bind as %s", d->as_email);
			else
				k = snprintf(what, sizeof(what),
				    "cannot bind with SASL EXTERNAL");
			if (k < 0 || (size_t)k >= sizeof(what))
				what[0] = '\0';
			if (rc == LDAP_INVALID_CREDENTIALS &&
			    d->auth == DWADM_AUTH_ADMIN &&
			    enrollment_required(ld)) {
				ret = dwadm_fail("%s: MFA enrollment required "
				    "(enroll first: dwadm mfa enroll %s)",
				    what, d->as_email);
				goto out;
			}
			ret = dwadm_ldap_fail(ld, rc, what);
			goto out;
		}
		k = snprintf(tried + tlen, sizeof(tried) - tlen, "%s%s",
		    tlen > 0 ? ", " : "",
		    uri != NULL ? uri : defuri != NULL ? defuri :
		    "libldap default");
		if (k > 0 && (size_t)k < sizeof(tried) - tlen)
			tlen += (size_t)k;
		(void)ldap_unbind_ext_s(ld, NULL, NULL);
		ld = NULL;
		ldap_memfree(defuri);
		defuri = NULL;
	}
	ret = dwadm_fail("server unreachable at every URI (%s)", tried);
out:
	if (ld != NULL)
		(void)ldap_unbind_ext_s(ld, NULL, NULL);
	ldap_memfree(defuri);
	if (pw != NULL) {
		sodium_memzero(pw, PW_BUF);
		sodium_free(pw);
	}
	return ret;
}
