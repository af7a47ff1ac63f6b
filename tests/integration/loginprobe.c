/*
 * loginprobe: drive the login side of the dramwell overlay through one
 * LDAP connection (libldap), where the ldap tools cannot: binds with the
 * Session Tracking control, the result text of a successful bind, the
 * operations a bound connection may still do, the MFA extended
 * operations, and the same steps from many processes at once.
 *
 *   loginprobe [-H URI] [-i IP]... [-n N] STEP...
 *
 *   -H URI   the server (default ldap://127.0.0.1:389)
 *   -i IP    attach a Session Tracking control (sessionSourceIp IP) to
 *            every request; give it twice for two controls
 *   -n N     run the steps in N processes, each on its own connection,
 *            connected first and released together (a pipe barrier), so
 *            that their first requests reach the server at the same time
 *
 * Steps (FILE arguments are read whole, one trailing newline dropped, so
 * that no secret is on the command line):
 *   bind DN FILE               simple bind, credential in FILE
 *   whoami                     Who Am I?
 *   search BASE                base-scope search of BASE
 *   compare DN ATTR VALUE      compare
 *   passwd DN|- OLD|- NEW      RFC 3062 password modify (DN "-": own
 *                              entry; OLD "-": no old password)
 *   enroll DN PWFILE SECRETFILE CODEFILE    dwMfaEnroll
 *   recovery                   dwMfaRecovery
 *   reset DN                   dwMfaReset
 *   exop OID FILE|-            any extended operation, raw value from
 *                              FILE ("-": none)
 *
 * Each step prints "STEP: CODE TEXT" (TEXT "-" when empty; whoami prints
 * the identity or "anonymous"); enroll and recovery then print each
 * recovery code answered as "code: xxxxx-xxxxx".  With -n, each process
 * prints its lines prefixed with "N: " in one write.  Exit status 0 when
 * every request was sent and answered (whatever the result codes).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "dw_exop.h"

#define FILE_MAX 4096
#define OUT_MAX 8192
#define IP_MAX 4

struct probe {
	LDAP *ld;
	char out[OUT_MAX];
	size_t outlen;
	const char *prefix;
};

static void
say(struct probe *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->prefix != NULL && (p->outlen == 0 ||
				     p->out[p->outlen - 1] == '\n')) {
		n = snprintf(p->out + p->outlen, sizeof(p->out) - p->outlen,
		    "%s: ", p->prefix);
		if (n > 0 && (size_t)n < sizeof(p->out) - p->outlen)
			p->outlen += (size_t)n;
	}
	va_start(ap, fmt);
	n = vsnprintf(p->out + p->outlen, sizeof(p->out) - p->outlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(p->out) - p->outlen)
		p->outlen += (size_t)n;
}

static void
flush_out(struct probe *p)
{
	size_t off = 0;
	ssize_t w;

	while (off < p->outlen) {
		w = write(STDOUT_FILENO, p->out + off, p->outlen - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	p->outlen = 0;
}

static int
read_file(const char *path, struct berval *bv)
{
	FILE *f;
	size_t n;
	char *buf;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "loginprobe: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(FILE_MAX);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, FILE_MAX, f);
	if (ferror(f) || n == FILE_MAX) {
		fprintf(stderr, "loginprobe: %s: unreadable or too long\n",
		    path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	bv->bv_val = buf;
	bv->bv_len = n;
	return 0;
}

static void
free_secret(struct berval *bv)
{
	if (bv->bv_val != NULL) {
		memset(bv->bv_val, 0, bv->bv_len);
		free(bv->bv_val);
	}
	bv->bv_val = NULL;
	bv->bv_len = 0;
}

/* Wait for msgid, print "name: code text"; keep the message in *resp. */
static int
result(struct probe *p, const char *name, int msgid, LDAPMessage **resp)
{
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int err = 0, rc;

	for (;;) {
		rc = ldap_result(p->ld, msgid, LDAP_MSG_ALL, NULL, &res);
		if (rc <= 0) {
			fprintf(stderr, "loginprobe: %s: no result\n", name);
			return -1;
		}
		if (rc == LDAP_RES_SEARCH_ENTRY ||
		    rc == LDAP_RES_SEARCH_REFERENCE) {
			ldap_msgfree(res);
			continue;
		}
		break;
	}
	rc = ldap_parse_result(p->ld, res, &err, NULL, &diag, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "loginprobe: %s: bad result\n", name);
		ldap_msgfree(res);
		return -1;
	}
	say(p, "%s: %d %s\n", name, err,
	    diag != NULL && *diag != '\0' ? diag : "-");
	ldap_memfree(diag);
	if (resp != NULL)
		*resp = res;
	else
		ldap_msgfree(res);
	return err;
}

/* The recovery codes of an enroll / recovery response. */
static void
print_codes(struct probe *p, LDAPMessage *res)
{
	struct berval *data = NULL, code;
	char *oid = NULL;
	BerElement *ber;
	ber_len_t len;
	ber_tag_t tag;
	char *last;

	if (ldap_parse_extended_result(p->ld, res, &oid, &data, 0) !=
		LDAP_SUCCESS ||
	    data == NULL)
		goto out;
	ber = ber_init(data);
	if (ber == NULL)
		goto out;
	for (tag = ber_first_element(ber, &len, &last); tag != LBER_DEFAULT;
	     tag = ber_next_element(ber, &len, last)) {
		if (ber_scanf(ber, "m", &code) == LBER_ERROR)
			break;
		say(p, "code: %.*s\n", (int)code.bv_len, code.bv_val);
	}
	ber_free(ber, 1);
out:
	ldap_memfree(oid);
	if (data != NULL) {
		memset(data->bv_val, 0, data->bv_len);
		ber_bvfree(data);
	}
}

static int
exop(struct probe *p, const char *name, const char *oid,
    struct berval *value, int codes)
{
	LDAPMessage *res = NULL;
	int msgid, rc;

	rc = ldap_extended_operation(p->ld, oid, value, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		fprintf(stderr, "loginprobe: %s: %s\n", name,
		    ldap_err2string(rc));
		return -1;
	}
	rc = result(p, name, msgid, &res);
	if (rc == LDAP_SUCCESS && codes)
		print_codes(p, res);
	if (res != NULL)
		ldap_msgfree(res);
	return rc < 0 ? -1 : 0;
}

/* BER SEQUENCE of n OCTET STRINGs. */
static int
seq_of(struct berval *out, struct berval *v, int n)
{
	BerElement *ber;
	struct berval *bv = NULL;
	int i, rc = -1;

	ber = ber_alloc_t(LBER_USE_DER);
	if (ber == NULL)
		return -1;
	if (ber_printf(ber, "{") == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (ber_printf(ber, "O", &v[i]) == -1)
			goto out;
	if (ber_printf(ber, "N}") == -1 || ber_flatten(ber, &bv) == -1)
		goto out;
	*out = *bv;
	ber_memfree(bv);
	rc = 0;
out:
	ber_free(ber, 1);
	return rc;
}

static int
need(int argc, int i, int n, const char *step)
{
	if (i + n >= argc) {
		fprintf(stderr, "loginprobe: %s needs %d arguments\n", step, n);
		return -1;
	}
	return 0;
}

/* Run the steps argv[i..]; 0 when every request was answered. */
static int
run(struct probe *p, int argc, char *argv[], int i)
{
	struct berval a = {0, NULL}, b = {0, NULL}, c = {0, NULL};
	struct berval v[4], val = {0, NULL};
	int msgid, rc, status = -1;

	while (i < argc) {
		const char *step = argv[i];

		if (strcmp(step, "bind") == 0) {
			if (need(argc, i, 2, step) ||
			    read_file(argv[i + 2], &a))
				goto out;
			rc = ldap_sasl_bind(p->ld, argv[i + 1],
			    LDAP_SASL_SIMPLE, &a, NULL, NULL, &msgid);
			free_secret(&a);
			if (rc != LDAP_SUCCESS ||
			    result(p, "bind", msgid, NULL) < 0)
				goto out;
			i += 3;
		} else if (strcmp(step, "whoami") == 0) {
			struct berval *id = NULL;

			rc = ldap_whoami_s(p->ld, &id, NULL, NULL);
			if (rc != LDAP_SUCCESS)
				say(p, "whoami: %d %s\n", rc,
				    ldap_err2string(rc));
			else if (id == NULL || id->bv_len == 0)
				say(p, "whoami: anonymous\n");
			else
				say(p, "whoami: %.*s\n", (int)id->bv_len,
				    id->bv_val);
			if (id != NULL)
				ber_bvfree(id);
			i += 1;
		} else if (strcmp(step, "search") == 0) {
			char *attrs[] = {"1.1", NULL};

			if (need(argc, i, 1, step))
				goto out;
			rc = ldap_search_ext(p->ld, argv[i + 1],
			    LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL,
			    NULL, NULL, 0, &msgid);
			if (rc != LDAP_SUCCESS ||
			    result(p, "search", msgid, NULL) < 0)
				goto out;
			i += 2;
		} else if (strcmp(step, "compare") == 0) {
			struct berval cv;

			if (need(argc, i, 3, step))
				goto out;
			cv.bv_val = argv[i + 3];
			cv.bv_len = strlen(argv[i + 3]);
			rc = ldap_compare_ext(p->ld, argv[i + 1], argv[i + 2],
			    &cv, NULL, NULL, &msgid);
			if (rc != LDAP_SUCCESS ||
			    result(p, "compare", msgid, NULL) < 0)
				goto out;
			i += 4;
		} else if (strcmp(step, "passwd") == 0) {
			struct berval user;

			if (need(argc, i, 3, step))
				goto out;
			if (strcmp(argv[i + 2], "-") != 0 &&
			    read_file(argv[i + 2], &a))
				goto out;
			if (read_file(argv[i + 3], &b))
				goto out;
			user.bv_val = argv[i + 1];
			user.bv_len = strlen(argv[i + 1]);
			rc = ldap_passwd(p->ld,
			    strcmp(argv[i + 1], "-") == 0 ? NULL : &user,
			    a.bv_val != NULL ? &a : NULL, &b, NULL, NULL,
			    &msgid);
			free_secret(&a);
			free_secret(&b);
			if (rc != LDAP_SUCCESS ||
			    result(p, "passwd", msgid, NULL) < 0)
				goto out;
			i += 4;
		} else if (strcmp(step, "enroll") == 0) {
			if (need(argc, i, 4, step) ||
			    read_file(argv[i + 2], &a) ||
			    read_file(argv[i + 3], &b) ||
			    read_file(argv[i + 4], &c))
				goto out;
			v[0].bv_val = argv[i + 1];
			v[0].bv_len = strlen(argv[i + 1]);
			v[1] = a;
			v[2] = b;
			v[3] = c;
			rc = seq_of(&val, v, 4);
			free_secret(&a);
			free_secret(&b);
			free_secret(&c);
			if (rc != 0 ||
			    exop(p, "enroll", DW_OID_MFA_ENROLL, &val, 1) != 0)
				goto out;
			free_secret(&val);
			i += 5;
		} else if (strcmp(step, "recovery") == 0) {
			if (exop(p, "recovery", DW_OID_MFA_RECOVERY, NULL, 1) !=
			    0)
				goto out;
			i += 1;
		} else if (strcmp(step, "reset") == 0) {
			if (need(argc, i, 1, step))
				goto out;
			v[0].bv_val = argv[i + 1];
			v[0].bv_len = strlen(argv[i + 1]);
			if (seq_of(&val, v, 1) != 0 ||
			    exop(p, "reset", DW_OID_MFA_RESET, &val, 0) != 0)
				goto out;
			free_secret(&val);
			i += 2;
		} else if (strcmp(step, "exop") == 0) {
			int has;

			if (need(argc, i, 2, step))
				goto out;
			has = strcmp(argv[i + 2], "-") != 0;
			if (has && read_file(argv[i + 2], &a))
				goto out;
			rc = exop(p, "exop", argv[i + 1], has ? &a : NULL, 0);
			free_secret(&a);
			if (rc != 0)
				goto out;
			i += 3;
		} else {
			fprintf(stderr, "loginprobe: unknown step %s\n", step);
			goto out;
		}
	}
	status = 0;
out:
	free_secret(&a);
	free_secret(&b);
	free_secret(&c);
	free_secret(&val);
	return status;
}

static int
setup(struct probe *p, const char *uri, char **ips, int nips)
{
	LDAPControl *ctrls[IP_MAX + 1];
	struct berval id = {5, "probe"};
	int version = LDAP_VERSION3, rc, k;

	if ((rc = ldap_initialize(&p->ld, uri)) != LDAP_SUCCESS) {
		fprintf(stderr, "loginprobe: %s\n", ldap_err2string(rc));
		return -1;
	}
	ldap_set_option(p->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	for (k = 0; k < nips; k++) {
		rc = ldap_create_session_tracking_control(p->ld, ips[k],
		    "loginprobe", LDAP_CONTROL_X_SESSION_TRACKING_USERNAME, &id,
		    &ctrls[k]);
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "loginprobe: control: %s\n",
			    ldap_err2string(rc));
			return -1;
		}
	}
	ctrls[nips] = NULL;
	if (nips > 0) {
		rc = ldap_set_option(p->ld, LDAP_OPT_SERVER_CONTROLS, ctrls);
		for (k = 0; k < nips; k++)
			ldap_control_free(ctrls[k]);
		if (rc != LDAP_OPT_SUCCESS) {
			fprintf(stderr, "loginprobe: cannot set controls\n");
			return -1;
		}
	}
	return 0;
}

static int
one(const char *uri, char **ips, int nips, int argc, char *argv[], int i,
    const char *prefix, int ready, int go)
{
	struct probe p;
	char byte;
	int status;

	memset(&p, 0, sizeof(p));
	p.prefix = prefix;
	if (setup(&p, uri, ips, nips) != 0)
		return 1;
	if (go >= 0) {
		/* Connected before the barrier: the requests race, not the
		 * TCP handshakes. */
		if (ldap_connect(p.ld) != LDAP_SUCCESS) {
			fprintf(stderr, "loginprobe: cannot connect\n");
			return 1;
		}
		byte = 'r';
		if (write(ready, &byte, 1) != 1)
			return 1;
		close(ready);
		while (read(go, &byte, 1) < 0 && errno == EINTR)
			;
	}
	status = run(&p, argc, argv, i) == 0 ? 0 : 1;
	flush_out(&p);
	ldap_unbind_ext_s(p.ld, NULL, NULL);
	return status;
}

int
main(int argc, char *argv[])
{
	const char *uri = "ldap://127.0.0.1:389";
	char *ips[IP_MAX];
	int nips = 0, n = 0, opt, k, st, failed = 0;
	int ready[2], go[2];
	char prefix[16], byte;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+H:i:n:")) != -1) {
		switch (opt) {
		case 'H':
			uri = optarg;
			break;
		case 'i':
			if (nips == IP_MAX) {
				fprintf(stderr, "loginprobe: too many -i\n");
				return 2;
			}
			ips[nips++] = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			if (n < 1 || n > 200) {
				fprintf(stderr, "loginprobe: -n 1..200\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: loginprobe [-H URI] [-i IP]... "
					"[-n N] STEP...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "loginprobe: no steps\n");
		return 2;
	}
	if (n == 0)
		return one(uri, ips, nips, argc, argv, optind, NULL, -1, -1);

	if (pipe(ready) != 0 || pipe(go) != 0) {
		perror("loginprobe: pipe");
		return 1;
	}
	for (k = 0; k < n; k++) {
		pid = fork();
		if (pid < 0) {
			perror("loginprobe: fork");
			return 1;
		}
		if (pid == 0) {
			close(ready[0]);
			close(go[1]);
			snprintf(prefix, sizeof(prefix), "%d", k);
			_exit(one(uri, ips, nips, argc, argv, optind, prefix,
			    ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	for (k = 0; k < n; k++)
		if (read(ready[0], &byte, 1) != 1)
			break; /* a child failed: release the others anyway */
	close(go[1]);
	while ((pid = wait(&st)) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	return failed;
}
