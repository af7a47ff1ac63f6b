/*
 * dwadm.c: the DramWell admin CLI: global options, configuration,
 * dispatch to the commands, and the one-line error reporting.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dwadm.h"

#ifndef DW_SYSCONFDIR
#define DW_SYSCONFDIR "/etc"
#endif
#define DWADM_CONF_DEFAULT	DW_SYSCONFDIR "/dramwell/dwadm.conf"

static void
vfail(const char *fmt, va_list ap)
{
	char	buf[2048];
	size_t	i;
	int	n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		(void)snprintf(buf, sizeof(buf), "error (message unavailable)");
	/* One line, whatever a server or a file put into the text. */
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	(void)fflush(stdout);
	(void)fprintf(stderr, "dwadm: %s\n", buf);
}

int
dwadm_fail(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	return DWADM_EXIT_FAIL;
}

int
dwadm_usage_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	return DWADM_EXIT_USAGE;
}

static const char usage_text[] =
"usage: dwadm [-H URI]... [-b BASE] [-c CONFIG]\n"
"             [-Y EXTERNAL | --as EMAIL [--mfa] [--password-stdin]]\n"
"             [--json] COMMAND [ARGS]\n"
"\n"
"Administer the DramWell admin directory.\n"
"\n"
"Commands:\n"
"  init      create the directory tree, the built-in roles, the default\n"
"            security policy, the portal service account and the first\n"
"            Super Admin\n"
"  user      list and show admins; invite, resend-invite, revoke-invite,\n"
"            accept-invite; set-role, deactivate, reactivate\n"
"  role      list, show, create, set and delete roles\n"
"  authz     check EMAIL SECTION read|write: allow or deny, live\n"
"  security  show or set the security policy (password rules, MFA, IP\n"
"            allowlist, idle timeout, lockout)\n"
"  mfa       enroll in TOTP MFA, new recovery codes, reset an admin's MFA\n"
"  session   list and kill live portal sessions\n"
"  audit     search, export (CSV), verify and status of the audit log;\n"
"            record an event\n"
"  server    start, stop or inspect a local directory server\n"
"\n"
"Global options (before the command):\n"
"  -H URI             LDAP URI; repeat for a list tried in order\n"
"                     (default: the config file's uri, then ldap.conf)\n"
"  -b BASE            directory suffix (default: config, dc=dramwell,dc=ai)\n"
"  -c CONFIG          config file (default " DWADM_CONF_DEFAULT ")\n"
"  -Y EXTERNAL        bind with SASL EXTERNAL (root over ldapi)\n"
"  --as EMAIL         act as this admin; the password is prompted for\n"
"  --mfa              the --as admin uses MFA: a verification code (or a\n"
"                     recovery code) is asked for after the password\n"
"  --password-stdin   read passwords (and codes) from standard input, one\n"
"                     per line\n"
"  --json             machine-readable output where a command prints data\n"
"  -h, --help         this help; \"dwadm COMMAND --help\" for a command\n"
"  --version          print the version\n"
"\n"
"See dwadm(8).\n";

static int
usage_ok(void)
{
	(void)fputs(usage_text, stdout);
	return DWADM_EXIT_OK;
}

/* The values given on the command line, applied over the config file. */
struct cmdline {
	const char *conf_path;
	bool conf_explicit;
	struct dw_client_conf hconf;	/* -H values (uris only) */
	const char *base;		/* -b */
	const char *as;			/* --as */
	const char *mech;		/* -Y */
};

static struct cmdline cl;

int
dwadm_setup(struct dwadm *d)
{
	char	err[256];
	size_t	i;
	int	rc;

	err[0] = '\0';
	rc = dw_client_conf_load(&d->conf, cl.conf_path, !cl.conf_explicit,
	    err, sizeof(err));
	/* dw_client_conf_load's messages already name the file. */
	if (rc != DW_OK && err[0] != '\0')
		return dwadm_fail("%s", err);
	if (rc != DW_OK)
		return dwadm_fail("%s: %s", cl.conf_path, dw_strerror(rc));
	if (cl.base != NULL) {
		rc = dw_client_conf_set(&d->conf, "base", cl.base, err,
		    sizeof(err));
		if (rc != DW_OK)
			return dwadm_usage_error("-b: %s", err);
	}
	if (d->conf.base == NULL)
		return dwadm_fail("out of memory");
	if (dwadm_check_base(d->conf.base) != 0)
		return DWADM_EXIT_USAGE;
	d->base = d->conf.base;
	if (cl.hconf.nuris > 0) {
		for (i = 0; i < cl.hconf.nuris; i++)
			d->uris[i] = cl.hconf.uris[i];
		d->nuris = cl.hconf.nuris;
	} else {
		for (i = 0; i < d->conf.nuris; i++)
			d->uris[i] = d->conf.uris[i];
		d->nuris = d->conf.nuris;
	}
	return 0;
}

enum {
	OPT_AS = 256,
	OPT_PASSWORD_STDIN,
	OPT_MFA,
	OPT_JSON,
	OPT_VERSION,
};

static const struct option global_opts[] = {
	{ "as", required_argument, NULL, OPT_AS },
	{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
	{ "mfa", no_argument, NULL, OPT_MFA },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

int
main(int argc, char **argv)
{
	struct dwadm	 d;
	const char	*cmd;
	char		 err[256];
	int		 c, rc = DWADM_EXIT_FAIL;

	memset(&d, 0, sizeof(d));
	memset(&cl, 0, sizeof(cl));
	dw_client_conf_init(&d.conf);
	dw_client_conf_init(&cl.hconf);
	cl.conf_path = DWADM_CONF_DEFAULT;

	if (sodium_init() < 0) {
		rc = dwadm_fail("libsodium could not be initialised");
		goto out;
	}

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:H:b:c:Y:h", global_opts,
	    NULL)) != -1) {
		switch (c) {
		case 'H':
			err[0] = '\0';
			if (dw_client_conf_set(&cl.hconf, "uri", optarg, err,
			    sizeof(err)) != DW_OK) {
				rc = dwadm_usage_error("-H: %s", err);
				goto out;
			}
			break;
		case 'b':
			cl.base = optarg;
			break;
		case 'c':
			cl.conf_path = optarg;
			cl.conf_explicit = true;
			break;
		case 'Y':
			if (strcmp(optarg, "EXTERNAL") != 0) {
				rc = dwadm_usage_error("-Y: only the EXTERNAL "
				    "mechanism is supported");
				goto out;
			}
			cl.mech = optarg;
			break;
		case OPT_AS:
			cl.as = optarg;
			break;
		case OPT_PASSWORD_STDIN:
			d.password_stdin = true;
			break;
		case OPT_MFA:
			d.mfa = true;
			break;
		case OPT_JSON:
			d.json = true;
			break;
		case 'h':
			rc = usage_ok();
			goto out;
		case OPT_VERSION:
			(void)printf("dwadm (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			rc = DWADM_EXIT_OK;
			goto out;
		case ':':
			rc = dwadm_usage_error("option %s needs a value "
			    "(see dwadm --help)", argv[optind - 1]);
			goto out;
		default:
			rc = dwadm_usage_error("unknown option %s "
			    "(see dwadm --help)", argv[optind - 1]);
			goto out;
		}
	}

	if (cl.mech != NULL && cl.as != NULL) {
		rc = dwadm_usage_error("-Y EXTERNAL and --as exclude each "
		    "other");
		goto out;
	}
	if (d.mfa && cl.as == NULL) {
		rc = dwadm_usage_error("--mfa belongs to --as EMAIL (an "
		    "admin's password and code)");
		goto out;
	}
	if (cl.mech != NULL)
		d.auth = DWADM_AUTH_EXTERNAL;
	if (cl.as != NULL) {
		if (dw_email_normalize(cl.as, strlen(cl.as), d.as_email,
		    sizeof(d.as_email)) != DW_OK) {
			rc = dwadm_usage_error("--as: not a valid e-mail "
			    "address");
			goto out;
		}
		d.auth = DWADM_AUTH_ADMIN;
	}

	if (optind >= argc) {
		rc = dwadm_usage_error("no command given (see dwadm --help)");
		goto out;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	/* Each command parses its own options from its own argv. */
	optind = 0;
	if (strcmp(cmd, "init") == 0)
		rc = dwadm_cmd_init(&d, argc, argv);
	else if (strcmp(cmd, "user") == 0)
		rc = dwadm_cmd_user(&d, argc, argv);
	else if (strcmp(cmd, "server") == 0)
		rc = dwadm_cmd_server(&d, argc, argv);
	else if (strcmp(cmd, "role") == 0)
		rc = dwadm_cmd_role(&d, argc, argv);
	else if (strcmp(cmd, "authz") == 0)
		rc = dwadm_cmd_authz(&d, argc, argv);
	else if (strcmp(cmd, "security") == 0)
		rc = dwadm_cmd_security(&d, argc, argv);
	else if (strcmp(cmd, "mfa") == 0)
		rc = dwadm_cmd_mfa(&d, argc, argv);
	else if (strcmp(cmd, "session") == 0)
		rc = dwadm_cmd_session(&d, argc, argv);
	else if (strcmp(cmd, "audit") == 0)
		rc = dwadm_cmd_audit(&d, argc, argv);
	else if (strcmp(cmd, "help") == 0)
		rc = usage_ok();
	else
		rc = dwadm_usage_error("unknown command \"%s\" (see dwadm "
		    "--help)", cmd);
out:
	dwadm_disconnect(&d);
	dw_client_conf_free(&d.conf);
	dw_client_conf_free(&cl.hconf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (rc == DWADM_EXIT_OK)
			rc = dwadm_fail("cannot write the output");
	}
	return rc;
}
