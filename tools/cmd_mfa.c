/*
 * cmd_mfa.c: "dwadm mfa enroll", "dwadm mfa recovery-codes" and
 * "dwadm mfa reset": TOTP MFA through the overlay's extended operations
 * (core/dw_exop.h).
 *
 * Enrollment never binds: an admin who must enroll cannot bind yet.  The
 * request carries the password, the new secret and a code for it, and the
 * overlay runs the same checks as a bind before it stores anything.  The
 * secret exists only here (sodium memory) and in the otpauth:// URI and
 * QR code shown once to its owner; the ten recovery codes that come back
 * are shown once too.  Passwords, secrets and codes are never on argv and
 * never in an error line.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "dw_exop.h"
#include "dw_qr.h"
#include "dw_totp.h"
#include "dwadm.h"

#define ISSUER		"DramWell"
#define PW_BUF		(DW_PASSWD_MAX + 2)
#define B32_BUF		(DW_TOTP_SECRET_B32_LEN + 8)
/* Request: a DN, a password, a secret, a code and the BER overhead. */
#define REQ_BUF		(DWADM_DN_MAX + PW_BUF + B32_BUF + DWADM_CODE_BUF + 32)

static const char mfa_help[] =
"usage: dwadm [global options] mfa enroll [EMAIL] [--password-stdin] [--no-qr]\n"
"       dwadm [global options] --as EMAIL mfa recovery-codes [--json]\n"
"       dwadm [global options] mfa reset EMAIL\n"
"\n"
"  enroll           set up TOTP MFA for EMAIL (default: the --as admin):\n"
"                   asks for the password, shows a new secret as an\n"
"                   otpauth:// URI and a QR code for an authenticator app,\n"
"                   asks for the app's 6-digit code, and prints the ten\n"
"                   recovery codes once.  No bind: it works while MFA is\n"
"                   required and not yet set up.\n"
"  recovery-codes   replace your recovery codes (the old ones stop\n"
"                   working) and print the new ones once; binds as the\n"
"                   --as admin with the password and a verification code\n"
"  reset            clear EMAIL's MFA (secret, recovery codes); they enroll\n"
"                   again.  Needs admin-users:write (Super Admin) or root.\n"
"\n"
"  --password-stdin  enroll: read the password, then (after the URI is\n"
"                    printed) the code, one line each from standard input\n"
"  --no-qr           enroll: print the URI and the key, not the QR code\n"
"  --json            recovery-codes: print {\"recovery_codes\": [...]}\n"
"  -h, --help        this help\n";

/* ---- BER, written and read here so that secrets stay in sodium memory */

/* Read a tag and a definite length at *p (end e); 0 or -1. */
static int
ber_get(const unsigned char **p, const unsigned char *e, unsigned char tag,
    size_t *len)
{
	const unsigned char	*q = *p;
	size_t			 n;

	if (e - q < 2 || q[0] != tag)
		return -1;
	q++;
	if (*q < 0x80)
		n = *q++;
	else if (*q == 0x81 && e - q >= 2) {
		n = q[1];
		q += 2;
	} else if (*q == 0x82 && e - q >= 3) {
		n = ((size_t)q[1] << 8) | q[2];
		q += 3;
	} else
		return -1;
	if ((size_t)(e - q) < n)
		return -1;
	*p = q;
	*len = n;
	return 0;
}

struct codes {
	char v[DW_RECOVERY_CODES][DW_RECOVERY_CODE_LEN + 1];
};

/* The response: SEQUENCE OF OCTET STRING, exactly the ten codes. */
static int
parse_codes(const struct berval *bv, struct codes *c)
{
	const unsigned char	*p, *e;
	size_t			 len, n = 0;

	if (bv == NULL || bv->bv_val == NULL)
		return -1;
	p = (const unsigned char *)bv->bv_val;
	e = p + bv->bv_len;
	if (ber_get(&p, e, 0x30, &len) != 0 || p + len != e)
		return -1;
	while (p < e) {
		if (n >= DW_RECOVERY_CODES || ber_get(&p, e, 0x04, &len) != 0 ||
		    len != DW_RECOVERY_CODE_LEN ||
		    !dw_recovery_code_form((const char *)p, len))
			return -1;
		memcpy(c->v[n], p, len);
		c->v[n][len] = '\0';
		p += len;
		n++;
	}
	return n == DW_RECOVERY_CODES ? 0 : -1;
}

static void
print_codes(const struct codes *c, bool json)
{
	size_t	i;

	if (json) {
		(void)fputs("{\"recovery_codes\": [", stdout);
		for (i = 0; i < DW_RECOVERY_CODES; i++) {
			if (i > 0)
				(void)fputs(", ", stdout);
			dwadm_json_str(stdout, c->v[i]);
		}
		(void)fputs("]}\n", stdout);
		return;
	}
	(void)printf("Recovery codes: each works once in place of a "
	    "verification code.\nStore them safely; they are not shown "
	    "again.\n");
	for (i = 0; i < DW_RECOVERY_CODES; i++)
		(void)printf("  %s\n", c->v[i]);
}

static void
wipe_ret(struct berval *retdata)
{
	if (retdata == NULL)
		return;
	if (retdata->bv_val != NULL)
		sodium_memzero(retdata->bv_val, retdata->bv_len);
	ber_bvfree(retdata);
}

/* ---- enroll */

/* What the user sees to set up the app: QR code, URI, key by hand. */
static int
show_secret(const char *uri, const char *b32, bool qr)
{
	char	*art = NULL;
	size_t	 i, n;
	int	 rc;

	(void)printf("Add this account to an authenticator app (TOTP, 6 "
	    "digits, 30 seconds):\n");
	if (qr) {
		rc = dw_qr_render(uri, &art);
		if (rc != DW_OK || art == NULL)
			return dwadm_fail("mfa enroll: cannot draw the QR code: "
			    "%s (use --no-qr)", dw_strerror(rc));
		(void)fputs(art, stdout);
		n = strlen(art);
		if (n > 0 && art[n - 1] != '\n')
			(void)fputc('\n', stdout);
		sodium_memzero(art, n);
		free(art);
	}
	(void)printf("%s\nKey:", uri);
	for (i = 0; b32[i] != '\0'; i += 4)
		(void)printf(" %.4s", b32 + i);
	(void)printf("\n");
	/* A script reads the URI before it answers with the code. */
	if (fflush(stdout) != 0)
		return dwadm_fail("cannot write the output");
	return 0;
}

static int
mfa_enroll(struct dwadm *d, const char *arg, bool from_stdin, bool qr)
{
	struct berval	 req, *retdata = NULL;
	struct codes	*codes = NULL;
	unsigned char	*key = NULL, *ber = NULL;
	char		*pw = NULL, *b32 = NULL, *uri = NULL, *code = NULL;
	char		*retoid = NULL, email[DW_EMAIL_MAX + 1];
	char		 dn[DWADM_DN_MAX], prompt[DW_EMAIL_MAX + 32];
	const char	*s[4];
	size_t		 l[4], pwlen = 0, codelen = 0;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if (arg != NULL) {
		if ((rc = dwadm_email_arg("mfa enroll", arg, email,
		    sizeof(email))) != 0)
			return rc;
		if (d->auth == DWADM_AUTH_ADMIN &&
		    strcmp(email, d->as_email) != 0)
			return dwadm_usage_error("mfa enroll: each admin "
			    "enrolls themself: EMAIL and --as differ");
	} else if (d->auth == DWADM_AUTH_ADMIN) {
		(void)snprintf(email, sizeof(email), "%s", d->as_email);
	} else
		return dwadm_usage_error("mfa enroll: give the admin's "
		    "EMAIL (or --as EMAIL)");
	if (d->auth == DWADM_AUTH_EXTERNAL)
		return dwadm_usage_error("mfa enroll: each admin enrolls "
		    "themself with their password; drop -Y EXTERNAL");
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if (dwadm_admin_dn(d->base, email, dn, sizeof(dn)) != 0)
		return DWADM_EXIT_FAIL;
	if ((pw = sodium_malloc(PW_BUF)) == NULL ||
	    (key = sodium_malloc(DW_TOTP_SECRET_BYTES)) == NULL ||
	    (b32 = sodium_malloc(B32_BUF)) == NULL ||
	    (uri = sodium_malloc(DW_TOTP_URI_MAX)) == NULL ||
	    (code = sodium_malloc(DWADM_CODE_BUF)) == NULL ||
	    (ber = sodium_malloc(REQ_BUF)) == NULL ||
	    (codes = sodium_malloc(sizeof(*codes))) == NULL) {
		ret = dwadm_fail("out of memory");
		goto out;
	}
	(void)snprintf(prompt, sizeof(prompt), "Password for %s: ", email);
	if (dwadm_read_password(from_stdin, prompt, pw, PW_BUF, &pwlen) != 0)
		goto out;
	/* Reach the server before a secret is shown that cannot be used. */
	if ((rc = dwadm_connect_anon(d)) != 0) {
		ret = rc;
		goto out;
	}
	if ((rc = dw_totp_secret_new(key, DW_TOTP_SECRET_BYTES)) != DW_OK ||
	    (rc = dw_base32_encode(key, DW_TOTP_SECRET_BYTES, b32,
	    B32_BUF)) != DW_OK ||
	    (rc = dw_totp_uri(ISSUER, email, b32, uri,
	    DW_TOTP_URI_MAX)) != DW_OK) {
		ret = dwadm_fail("mfa enroll: cannot make a secret: %s",
		    dw_strerror(rc));
		goto out;
	}
	if (show_secret(uri, b32, qr) != 0)
		goto out;
	if (dwadm_read_code(from_stdin, "Verification code: ", false, code,
	    DWADM_CODE_BUF, &codelen) != 0)
		goto out;
	s[0] = dn;
	l[0] = strlen(dn);
	s[1] = pw;
	l[1] = pwlen;
	s[2] = b32;
	l[2] = strlen(b32);
	s[3] = code;
	l[3] = codelen;
	if ((req.bv_len = dwadm_ber_strings(s, l, 4, ber, REQ_BUF)) == 0) {
		ret = dwadm_fail("mfa enroll: request too large");
		goto out;
	}
	req.bv_val = (char *)ber;
	rc = ldap_extended_operation_s(d->ld, DW_OID_MFA_ENROLL, &req, NULL,
	    NULL, &retoid, &retdata);
	switch (rc) {
	case LDAP_SUCCESS:
		break;
	case LDAP_INVALID_CREDENTIALS:
		/* The server does not say which check failed; neither do
		 * we. */
		ret = dwadm_fail("mfa enroll: refused: wrong password or "
		    "code, or the account may not log in now (nothing "
		    "changed; run it again for a new secret)");
		goto out;
	case LDAP_PROTOCOL_ERROR:
		ret = dwadm_ldap_fail(d->ld, rc, "mfa enroll (does the server "
		    "run the dramwell overlay?)");
		goto out;
	default:
		ret = dwadm_ldap_fail(d->ld, rc, "mfa enroll");
		goto out;
	}
	if (parse_codes(retdata, codes) != 0) {
		ret = dwadm_fail("mfa enroll: MFA is on for %s, but the "
		    "server's recovery codes could not be read: make new ones "
		    "with dwadm --as %s --mfa mfa recovery-codes", email,
		    email);
		goto out;
	}
	(void)printf("MFA is on for %s.\n", email);
	print_codes(codes, false);
	ret = 0;
out:
	ldap_memfree(retoid);
	wipe_ret(retdata);
	dwadm_secret_free(pw, PW_BUF);
	dwadm_secret_free(key, DW_TOTP_SECRET_BYTES);
	dwadm_secret_free(b32, B32_BUF);
	dwadm_secret_free(uri, DW_TOTP_URI_MAX);
	dwadm_secret_free(code, DWADM_CODE_BUF);
	dwadm_secret_free(ber, REQ_BUF);
	dwadm_secret_free(codes, sizeof(*codes));
	return ret;
}

/* ---- recovery-codes */

static int
mfa_recovery(struct dwadm *d)
{
	struct berval	*retdata = NULL;
	struct codes	*codes = NULL;
	char		*retoid = NULL;
	int		 rc, ret = DWADM_EXIT_FAIL;

	if (d->auth != DWADM_AUTH_ADMIN)
		return dwadm_usage_error("mfa recovery-codes: acts for the "
		    "--as admin (their password and a verification code)");
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	/* Only an admin with MFA has recovery codes: the bind needs a
	 * code (or a recovery code) after the password. */
	d->mfa = true;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	if ((codes = sodium_malloc(sizeof(*codes))) == NULL)
		return dwadm_fail("out of memory");
	rc = ldap_extended_operation_s(d->ld, DW_OID_MFA_RECOVERY, NULL, NULL,
	    NULL, &retoid, &retdata);
	if (rc != LDAP_SUCCESS) {
		ret = dwadm_ldap_fail(d->ld, rc, "mfa recovery-codes (the old "
		    "codes still work)");
		goto out;
	}
	if (parse_codes(retdata, codes) != 0) {
		ret = dwadm_fail("mfa recovery-codes: the server's answer "
		    "could not be read; the old codes no longer work: run it "
		    "again");
		goto out;
	}
	print_codes(codes, d->json);
	ret = 0;
out:
	ldap_memfree(retoid);
	wipe_ret(retdata);
	dwadm_secret_free(codes, sizeof(*codes));
	return ret;
}

/* ---- reset */

static int
mfa_reset(struct dwadm *d, const char *arg)
{
	struct berval	 req, *retdata = NULL;
	unsigned char	 ber[DWADM_DN_MAX + 16];
	char		 email[DW_EMAIL_MAX + 1], dn[DWADM_DN_MAX];
	char		 what[DW_EMAIL_MAX + 32], *retoid = NULL;
	const char	*s[1];
	size_t		 l[1];
	int		 rc, ret = DWADM_EXIT_FAIL;

	if ((rc = dwadm_email_arg("mfa reset", arg, email,
	    sizeof(email))) != 0)
		return rc;
	if ((rc = dwadm_setup(d)) != 0)
		return rc;
	if (dwadm_admin_dn(d->base, email, dn, sizeof(dn)) != 0)
		return DWADM_EXIT_FAIL;
	s[0] = dn;
	l[0] = strlen(dn);
	if ((req.bv_len = dwadm_ber_strings(s, l, 1, ber, sizeof(ber))) == 0)
		return dwadm_fail("mfa reset: DN too long");
	req.bv_val = (char *)ber;
	if ((rc = dwadm_connect(d)) != 0)
		return rc;
	(void)snprintf(what, sizeof(what), "mfa reset %s", email);
	rc = ldap_extended_operation_s(d->ld, DW_OID_MFA_RESET, &req, NULL,
	    NULL, &retoid, &retdata);
	if (rc == LDAP_NO_SUCH_OBJECT)
		ret = dwadm_fail("%s: no such admin", what);
	else if (rc != LDAP_SUCCESS)
		ret = dwadm_ldap_fail(d->ld, rc, what);
	else {
		(void)printf("MFA reset for %s: their secret and recovery "
		    "codes are gone; they enroll again (dwadm mfa enroll, or "
		    "at the next portal login)\n", email);
		ret = 0;
	}
	ldap_memfree(retoid);
	ber_bvfree(retdata);
	return ret;
}

/* ---- dispatch */

enum {
	OPT_NO_QR = 256,
	OPT_PWSTDIN,
};

static const struct option mfa_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "no-qr", no_argument, NULL, OPT_NO_QR },
	{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int
dwadm_cmd_mfa(struct dwadm *d, int argc, char **argv)
{
	const char	*sub;
	bool		 qr = true, from_stdin = d->password_stdin;
	int		 c, nargs;

	if (argc < 2)
		return dwadm_usage_error("mfa: give enroll, recovery-codes or "
		    "reset (see dwadm mfa --help)");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		(void)fputs(mfa_help, stdout);
		return DWADM_EXIT_OK;
	}
	if (strcmp(sub, "enroll") != 0 && strcmp(sub, "recovery-codes") != 0 &&
	    strcmp(sub, "reset") != 0)
		return dwadm_usage_error("mfa: unknown command \"%s\" (see "
		    "dwadm mfa --help)", sub);
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", mfa_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			(void)fputs(mfa_help, stdout);
			return DWADM_EXIT_OK;
		case 'j':
			if (strcmp(sub, "recovery-codes") != 0)
				return dwadm_usage_error("mfa %s: --json "
				    "belongs to mfa recovery-codes", sub);
			d->json = true;
			break;
		case OPT_NO_QR:
		case OPT_PWSTDIN:
			if (strcmp(sub, "enroll") != 0)
				return dwadm_usage_error("mfa %s: %s belongs "
				    "to mfa enroll", sub, argv[optind - 1]);
			if (c == OPT_NO_QR)
				qr = false;
			else
				from_stdin = true;
			break;
		default:
			return dwadm_usage_error("mfa %s: unknown option %s "
			    "(see dwadm mfa --help)", sub, argv[optind - 1]);
		}
	}
	nargs = argc - optind;
	if (strcmp(sub, "enroll") == 0) {
		if (nargs > 1)
			return dwadm_usage_error("mfa enroll takes at most one "
			    "e-mail address");
		return mfa_enroll(d, nargs == 1 ? argv[optind] : NULL,
		    from_stdin, qr);
	}
	if (strcmp(sub, "recovery-codes") == 0) {
		if (nargs != 0)
			return dwadm_usage_error("mfa recovery-codes takes no "
			    "arguments");
		return mfa_recovery(d);
	}
	if (nargs != 1)
		return dwadm_usage_error("mfa reset takes one e-mail address");
	return mfa_reset(d, argv[optind]);
}
