/*
 * dw_entry.c: small directory helpers shared by the dwadm commands:
 * reading one entry, first values, DNs of admins and roles.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dw_perm.h"
#include "dwadm.h"

#define ROLES_RDN	"ou=roles"
#define ADMINS_RDN	"ou=admins"

char *
dwadm_first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval	**vals;
	char		 *s = NULL;

	vals = ldap_get_values_len(ld, e, attr);
	if (vals == NULL)
		return NULL;
	if (vals[0] != NULL)
		s = strndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return s;
}

int
dwadm_child_dn(const char *rdn, const char *base, char *out, size_t outsz)
{
	int	n;

	n = snprintf(out, outsz, "%s,%s", rdn, base);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("DN too long");
	return 0;
}

int
dwadm_role_dn(const char *base, const char *name, char *out, size_t outsz)
{
	int	n;

	/* [a-z0-9-] only: nothing to escape in a DN or a filter. */
	if (dw_role_name_check(name, strlen(name)) != DW_OK)
		return dwadm_usage_error("not a valid role name (1..%d of "
		    "a-z, 0-9 and '-', starting with a letter)",
		    DW_ROLE_NAME_MAX);
	n = snprintf(out, outsz, "cn=%s," ROLES_RDN ",%s", name, base);
	if (n < 0 || (size_t)n >= outsz)
		return dwadm_fail("role DN too long");
	return 0;
}

int
dwadm_read_entry(LDAP *ld, const char *dn, const char *filter, char **attrs,
    LDAPMessage **res, LDAPMessage **e)
{
	int	rc;

	*res = NULL;
	*e = NULL;
	rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, filter, attrs, 0,
	    NULL, NULL, NULL, 1, res);
	if (rc != LDAP_SUCCESS)
		return rc;
	if ((*e = ldap_first_entry(ld, *res)) == NULL)
		return LDAP_NO_SUCH_OBJECT;
	return LDAP_SUCCESS;
}

int
dwadm_email_arg(const char *cmd, const char *arg, char *out, size_t outsz)
{
	if (dw_email_normalize(arg, strlen(arg), out, outsz) != DW_OK)
		return dwadm_usage_error("%s: not a valid e-mail address",
		    cmd);
	return 0;
}

void
dwadm_dn_to_email(const char *dn, const char *base, char *out, size_t outsz)
{
	LDAPDN	 parsed = NULL;
	LDAPAVA	*ava;
	char	 admins[DWADM_DN_MAX], *rest = NULL;
	int	 n, ok = 0;

	(void)snprintf(out, outsz, "%s", dn);
	n = snprintf(admins, sizeof(admins), ADMINS_RDN ",%s", base);
	if (n < 0 || (size_t)n >= sizeof(admins))
		return;
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    parsed == NULL || parsed[0] == NULL || parsed[0][0] == NULL ||
	    parsed[0][1] != NULL)
		goto out;
	ava = parsed[0][0];
	if (ava->la_attr.bv_len != 3 ||
	    strncasecmp(ava->la_attr.bv_val, "uid", 3) != 0)
		goto out;
	/* The parent must be the admin base (compared as strings, after
	 * the library's own re-serialisation of both). */
	if (ldap_dn2str(parsed + 1, &rest,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || rest == NULL)
		goto out;
	ok = strcasecmp(rest, admins) == 0 && ava->la_value.bv_len < outsz &&
	    memchr(ava->la_value.bv_val, '\0', ava->la_value.bv_len) == NULL;
	if (ok) {
		memcpy(out, ava->la_value.bv_val, ava->la_value.bv_len);
		out[ava->la_value.bv_len] = '\0';
	}
out:
	ldap_memfree(rest);
	ldap_dnfree(parsed);
}

/* One page request: the control with the cookie of the last page. */
static int
paged_page(LDAP *ld, const char *base, int scope, const char *filter,
    char **attrs, struct berval *cookie, LDAPMessage **res)
{
	LDAPControl	*pctrl = NULL, *ctrls[2];
	int		 rc;

	rc = ldap_create_page_control(ld, DWADM_PAGE_SIZE, cookie, 0, &pctrl);
	if (rc != LDAP_SUCCESS)
		return rc;
	ctrls[0] = pctrl;
	ctrls[1] = NULL;
	rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 0, ctrls, NULL,
	    NULL, LDAP_NO_LIMIT, res);
	ldap_control_free(pctrl);
	return rc;
}

/* The result of a page and the cookie of the next (empty: no more). */
static int
paged_next(LDAP *ld, LDAPMessage *res, struct berval *cookie)
{
	LDAPControl	**sctrls = NULL, *pr;
	ber_int_t	  total;
	int		  rc, err;

	ldap_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	rc = ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &sctrls, 0);
	if (rc == LDAP_SUCCESS)
		rc = err;
	if (rc == LDAP_SUCCESS && (pr = ldap_control_find(
	    LDAP_CONTROL_PAGEDRESULTS, sctrls, NULL)) != NULL)
		rc = ldap_parse_pageresponse_control(ld, pr, &total, cookie);
	ldap_controls_free(sctrls);
	return rc;
}

/* Stopped before the last page: tell the server to drop the search. */
static void
paged_abandon(LDAP *ld, const char *base, int scope, const char *filter,
    struct berval *cookie)
{
	LDAPControl	*pctrl = NULL, *ctrls[2] = { NULL, NULL };
	LDAPMessage	*res = NULL;
	char		*noattrs[] = { LDAP_NO_ATTRS, NULL };

	if (ldap_create_page_control(ld, 0, cookie, 0, &pctrl) !=
	    LDAP_SUCCESS)
		return;
	ctrls[0] = pctrl;
	(void)ldap_search_ext_s(ld, base, scope, filter, noattrs, 0, ctrls,
	    NULL, NULL, LDAP_NO_LIMIT, &res);
	ldap_msgfree(res);
	ldap_control_free(pctrl);
}

int
dwadm_paged_search(LDAP *ld, const char *base, int scope, const char *filter,
    char **attrs, dwadm_entry_fn fn, void *arg, int *stop)
{
	struct berval	 cookie = { 0, NULL };
	LDAPMessage	*res = NULL, *e;
	int		 rc;

	*stop = 0;
	do {
		rc = paged_page(ld, base, scope, filter, attrs, &cookie, &res);
		for (e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
		    e != NULL && *stop == 0; e = ldap_next_entry(ld, e))
			*stop = fn(arg, ld, e);
		if (rc == LDAP_SUCCESS)
			rc = paged_next(ld, res, &cookie);
		ldap_msgfree(res);
		res = NULL;
	} while (rc == LDAP_SUCCESS && *stop == 0 && cookie.bv_len > 0);
	if (rc == LDAP_SUCCESS && *stop != 0 && cookie.bv_len > 0)
		paged_abandon(ld, base, scope, filter, &cookie);
	ldap_memfree(cookie.bv_val);
	return rc;
}

/* ---- BER, written here so that secrets stay in the caller's (sodium)
 * memory */

/* BER definite length of n into p (at most 3 bytes); returns the count. */
static size_t
ber_len(unsigned char *p, size_t n)
{
	if (n < 0x80) {
		p[0] = (unsigned char)n;
		return 1;
	}
	if (n < 0x100) {
		p[0] = 0x81;
		p[1] = (unsigned char)n;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (unsigned char)(n >> 8);
	p[2] = (unsigned char)n;
	return 3;
}

/*
 * SEQUENCE { OCTET STRING... } of the n strings into out (outsz bytes).
 * Returns the length, or 0 when it does not fit (or is over 64 KiB).
 */
size_t
dwadm_ber_strings(const char *const *s, const size_t *len, size_t n,
    unsigned char *out, size_t outsz)
{
	unsigned char	hdr[4];
	size_t		i, body = 0, k = 0;

	for (i = 0; i < n; i++) {
		if (len[i] > 0xffff)
			return 0;
		body += 1 + ber_len(hdr, len[i]) + len[i];
	}
	if (body > 0xffff || body + 4 > outsz)
		return 0;
	out[k++] = 0x30;
	k += ber_len(out + k, body);
	for (i = 0; i < n; i++) {
		out[k++] = 0x04;
		k += ber_len(out + k, len[i]);
		memcpy(out + k, s[i], len[i]);
		k += len[i];
	}
	return k;
}

char **
dwadm_values(LDAP *ld, LDAPMessage *e, const char *attr, size_t *n)
{
	struct berval	**bv;
	char		**out;
	size_t		  k, i;

	if (n != NULL)
		*n = 0;
	if ((bv = ldap_get_values_len(ld, e, attr)) == NULL)
		return calloc(1, sizeof(char *));
	for (k = 0; bv[k] != NULL; k++)
		;
	if ((out = calloc(k + 1, sizeof(char *))) != NULL)
		for (i = 0; i < k; i++)
			if ((out[i] = strndup(bv[i]->bv_val,
			    bv[i]->bv_len)) == NULL) {
				dwadm_values_free(out);
				out = NULL;
				break;
			}
	ldap_value_free_len(bv);
	if (out != NULL && n != NULL)
		*n = k;
	return out;
}

void
dwadm_values_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
