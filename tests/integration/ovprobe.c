/*
 * ovprobe: what identity does a connection have after a sequence of
 * simple binds?  The ldap tools give up after a failed bind, so they
 * cannot show that a refused bind leaves the connection unauthenticated;
 * this does, on one connection:
 *
 *   ovprobe URI DN PWFILE [DN PWFILE]...
 *
 * For each (DN, PWFILE) pair it sends a simple bind and prints
 *   bind <n>: <result code> <diagnostic text or "-">
 * then, on the same connection, a Who Am I? request:
 *   whoami: <authzid, or "anonymous" when empty>
 * The password is read from PWFILE (never argv); one trailing newline is
 * dropped.  Exit status 0 when every request was sent and answered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldap.h>

#define PW_MAX 1024

static int
read_pw(const char *path, char *buf, size_t bufsz, size_t *len)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "ovprobe: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, bufsz, f);
	if (ferror(f) || n == bufsz) {
		fprintf(stderr, "ovprobe: %s: unreadable or too long\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	*len = n;
	return 0;
}

int
main(int argc, char *argv[])
{
	LDAP *ld = NULL;
	struct berval cred, *authzid = NULL;
	char pw[PW_MAX];
	char *diag = NULL;
	int i, rc, version = LDAP_VERSION3, status = 1, n = 0;
	LDAPMessage *res = NULL;
	int msgid, err;

	if (argc < 4 || (argc - 2) % 2 != 0) {
		fprintf(
		    stderr, "usage: ovprobe URI DN PWFILE [DN PWFILE]...\n");
		return 2;
	}
	if ((rc = ldap_initialize(&ld, argv[1])) != LDAP_SUCCESS) {
		fprintf(stderr, "ovprobe: %s\n", ldap_err2string(rc));
		return 1;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);

	for (i = 2; i + 1 < argc; i += 2) {
		size_t len;

		if (read_pw(argv[i + 1], pw, sizeof(pw), &len) != 0)
			goto out;
		cred.bv_val = pw;
		cred.bv_len = len;
		rc = ldap_sasl_bind(
		    ld, argv[i], LDAP_SASL_SIMPLE, &cred, NULL, NULL, &msgid);
		memset(pw, 0, sizeof(pw));
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "ovprobe: bind not sent: %s\n",
			    ldap_err2string(rc));
			goto out;
		}
		if (ldap_result(ld, msgid, LDAP_MSG_ALL, NULL, &res) <= 0) {
			fprintf(stderr, "ovprobe: no bind result\n");
			goto out;
		}
		rc = ldap_parse_result(
		    ld, res, &err, NULL, &diag, NULL, NULL, 1);
		res = NULL;
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "ovprobe: bad bind result\n");
			goto out;
		}
		printf("bind %d: %d %s\n", ++n, err,
		    diag != NULL && *diag != '\0' ? diag : "-");
		ldap_memfree(diag);
		diag = NULL;
	}
	rc = ldap_whoami_s(ld, &authzid, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "ovprobe: whoami: %s\n", ldap_err2string(rc));
		goto out;
	}
	if (authzid == NULL || authzid->bv_len == 0)
		printf("whoami: anonymous\n");
	else
		printf("whoami: %.*s\n", (int)authzid->bv_len, authzid->bv_val);
	status = 0;
out:
	if (authzid != NULL)
		ber_bvfree(authzid);
	if (res != NULL)
		ldap_msgfree(res);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return status;
}
