/*
 * dwaccept: send the dwAcceptInvite extended operation
 * (2.25.145692219182018795104315938007758473821.3.1) anonymously, with no
 * bind, and print the answer:
 *
 *   dwaccept [-w GOFILE] URI        token and new password: two lines
 *                                   on standard input
 *   dwaccept -x URI                 the request value: hex on stdin
 *                                   (to send malformed requests)
 *
 * Output: "accept: <result code> <diagnostic text or ->".  With -w the
 * connection is made first (a Who Am I? request), then dwaccept polls
 * for GOFILE to exist (10 s deadline) before it sends the request, so
 * that many processes can fire at once.  Secrets never go on argv; the
 * buffers are wiped.  Exit status 0 when the request was answered.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#define OID_ACCEPT "2.25.145692219182018795104315938007758473821.3.1"
#define LINE_MAX_ 2048

static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* One line of stdin without its newline; -1 at EOF or when too long. */
static int
read_line(char *buf, size_t sz, size_t *len)
{
	size_t n;

	if (fgets(buf, (int)sz, stdin) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(stdin))
		return -1;
	*len = n;
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The request value from hex on stdin (white space ignored). */
static int
read_hex(struct berval *out)
{
	static char buf[65536];
	size_t n = 0;
	int c, hi = -1, v;

	while ((c = getchar()) != EOF) {
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
			continue;
		if ((v = hexval(c)) < 0 || n >= sizeof(buf))
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		return -1;
	out->bv_val = buf;
	out->bv_len = n;
	return 0;
}

static int
wait_for(const char *path)
{
	struct timespec ts = {0, 2 * 1000 * 1000}; /* 2 ms */
	int i;

	for (i = 0; i < 5000; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "dwaccept: %s did not appear within 10 s\n", path);
	return -1;
}

int
main(int argc, char *argv[])
{
	static char tok[LINE_MAX_], pw[LINE_MAX_];
	LDAP *ld = NULL;
	BerElement *ber = NULL;
	struct berval *req = NULL, raw, *authzid = NULL, *data = NULL;
	char *diag = NULL, *retoid = NULL;
	const char *go = NULL;
	size_t toklen = 0, pwlen = 0;
	int c, rc, err = LDAP_OTHER, msgid, version = LDAP_VERSION3;
	int rawmode = 0, status = 1;
	LDAPMessage *res = NULL;

	while ((c = getopt(argc, argv, "w:x")) != -1) {
		switch (c) {
		case 'w':
			go = optarg;
			break;
		case 'x':
			rawmode = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;

	if (rawmode) {
		if (read_hex(&raw) != 0) {
			fprintf(stderr, "dwaccept: bad hex on stdin\n");
			return 2;
		}
	} else {
		if (read_line(tok, sizeof(tok), &toklen) != 0 ||
		    read_line(pw, sizeof(pw), &pwlen) != 0) {
			fprintf(stderr, "dwaccept: need a token line and a "
					"password line on stdin\n");
			return 2;
		}
		if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL ||
		    ber_printf(ber, "{oo}", tok, (ber_len_t)toklen, pw,
			(ber_len_t)pwlen) == -1 ||
		    ber_flatten(ber, &req) == -1) {
			fprintf(stderr, "dwaccept: cannot encode\n");
			goto out;
		}
		raw = *req;
	}

	if ((rc = ldap_initialize(&ld, argv[optind])) != LDAP_SUCCESS) {
		fprintf(stderr, "dwaccept: %s\n", ldap_err2string(rc));
		goto out;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	if (go != NULL) {
		rc = ldap_whoami_s(ld, &authzid, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "dwaccept: connect: %s\n",
			    ldap_err2string(rc));
			goto out;
		}
		if (wait_for(go) != 0)
			goto out;
	}
	rc = ldap_extended_operation(ld, OID_ACCEPT, &raw, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "dwaccept: send: %s\n", ldap_err2string(rc));
		goto out;
	}
	if (ldap_result(ld, msgid, LDAP_MSG_ALL, NULL, &res) <= 0) {
		fprintf(stderr, "dwaccept: no answer\n");
		goto out;
	}
	rc = ldap_parse_extended_result(ld, res, &retoid, &data, 0);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "dwaccept: parse: %s\n", ldap_err2string(rc));
		goto out;
	}
	rc = ldap_parse_result(ld, res, &err, NULL, &diag, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "dwaccept: parse: %s\n", ldap_err2string(rc));
		goto out;
	}
	printf("accept: %d %s\n", err, diag != NULL && *diag ? diag : "-");
	if (retoid != NULL || data != NULL)
		printf("response value present\n");
	status = 0;
out:
	wipe(tok, sizeof(tok));
	wipe(pw, sizeof(pw));
	if (req != NULL) {
		wipe(req->bv_val, req->bv_len);
		ber_bvfree(req);
	}
	if (ber != NULL)
		ber_free(ber, 1);
	ber_bvfree(authzid);
	ber_bvfree(data);
	ldap_memfree(retoid);
	ldap_memfree(diag);
	if (res != NULL)
		ldap_msgfree(res);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return status;
usage:
	fprintf(stderr, "usage: dwaccept [-w GOFILE] URI  (token and "
			"password lines on stdin)\n"
			"       dwaccept -x URI  (request value as hex on "
			"stdin)\n");
	return 2;
}
