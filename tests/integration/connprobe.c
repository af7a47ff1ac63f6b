/*
 * connprobe: what does one open connection still see after the directory
 * changed under it?  The ldap tools open a new connection per run, so
 * they cannot show that a deactivated admin's open connection loses its
 * access at once; this does:
 *
 *   connprobe URI DN PWFILE BASE
 *
 * binds once (the password read from PWFILE, never argv; one trailing
 * newline dropped), prints "bound", then for every line read on stdin
 * searches BASE (subtree, attribute "1.1") on the same connection and
 * prints "entries: N" or "error: CODE".  Exit status 0 at end of input.
 */
#include <stdio.h>
#include <string.h>

#include <ldap.h>

#define PW_MAX 1024

int
main(int argc, char *argv[])
{
	LDAP		*ld = NULL;
	LDAPMessage	*res = NULL;
	struct berval	 cred;
	char		 pw[PW_MAX + 2], line[64];
	char		*attrs[] = { LDAP_NO_ATTRS, NULL };
	size_t		 n;
	FILE		*f;
	int		 rc, version = LDAP_VERSION3;

	if (argc != 5) {
		fprintf(stderr, "usage: connprobe URI DN PWFILE BASE\n");
		return 2;
	}
	if ((f = fopen(argv[3], "r")) == NULL) {
		perror(argv[3]);
		return 2;
	}
	n = fread(pw, 1, PW_MAX + 1, f);
	fclose(f);
	if (n > PW_MAX)
		return 2;
	if (n > 0 && pw[n - 1] == '\n')
		n--;
	pw[n] = '\0';
	if (ldap_initialize(&ld, argv[1]) != LDAP_SUCCESS)
		return 1;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	cred.bv_val = pw;
	cred.bv_len = n;
	rc = ldap_sasl_bind_s(ld, argv[2], LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	memset(pw, 0, sizeof(pw));
	if (rc != LDAP_SUCCESS) {
		printf("bind: %d\n", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return 1;
	}
	printf("bound\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		rc = ldap_search_ext_s(ld, argv[4], LDAP_SCOPE_SUBTREE,
		    "(objectClass=*)", attrs, 1, NULL, NULL, NULL, 0, &res);
		if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED)
			printf("entries: %d\n", ldap_count_entries(ld, res));
		else
			printf("error: %d\n", rc);
		ldap_msgfree(res);
		res = NULL;
		fflush(stdout);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	return 0;
}
