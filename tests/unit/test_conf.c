/*
 * test_conf.c: the client configuration and secret files.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dw_conf.h"

#define S(x)		x, sizeof(x) - 1
#define ROW(...)	{ __LINE__, __VA_ARGS__ }

struct fixture {
	char	dir[64];
	char	path[128];
};

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dw-test-conf-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct dirent	*de;
	DIR		*d;
	char		 p[512];
	int		 n;

	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			n = snprintf(p, sizeof(p), "%s/%s", f->dir,
			    de->d_name);
			if (n < 0 || (size_t)n >= sizeof(p))
				continue;
			if (unlink(p) != 0)
				rmdir(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* f->path := the fixture directory's file name. */
static const char *
at(struct fixture *f, const char *name)
{
	int	n;

	n = snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	assert_true(n > 0 && (size_t)n < sizeof(f->path));
	return f->path;
}

/* Write a file in the fixture directory; f->path names it. */
static const char *
put(struct fixture *f, const char *name, const char *data, size_t len,
    mode_t mode)
{
	int	fd;

	at(f, name);
	unlink(f->path);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return f->path;
}

static void
test_init_free(void **state)
{
	struct dw_client_conf	c;

	memset(&c, 0xa5, sizeof(c));
	dw_client_conf_init(&c);
	assert_int_equal(c.nuris, 0);
	assert_string_equal(c.base, DW_DEFAULT_BASE);
	assert_null(c.binddn);
	assert_null(c.bindpw_file);
	assert_null(c.sendmail);
	assert_null(c.portal_url);
	assert_int_equal(c.timeout, 5);
	dw_client_conf_free(&c);
	assert_null(c.base);
	dw_client_conf_free(&c);	/* twice is harmless */
	dw_client_conf_free(NULL);
	dw_client_conf_init(NULL);
}

static void
test_set(void **state)
{
	static const struct {
		int		 line;
		const char	*key, *value;
		int		 rc;
		size_t		 nuris;		/* after */
		unsigned	 timeout;	/* after */
	} t[] = {
		ROW("uri", "ldap://127.0.0.1:389", DW_OK, 1, 5),
		ROW("uri", "ldaps://a.example ldapi://%2Frun%2Fslapd",
		    DW_OK, 2, 5),
		ROW("uri", "LDAP://A.EXAMPLE", DW_OK, 1, 5),
		ROW("uri", " \tldap://a\t ldap://b  ", DW_OK, 2, 5),
		ROW("uri", "", DW_ERR_INVAL, 0, 5),
		ROW("uri", "   ", DW_ERR_INVAL, 0, 5),
		ROW("uri", NULL, DW_ERR_INVAL, 0, 5),
		ROW("uri", "http://a", DW_ERR_INVAL, 0, 5),
		ROW("uri", "ldap:/a", DW_ERR_INVAL, 0, 5),
		ROW("uri", "a.example", DW_ERR_INVAL, 0, 5),
		ROW("uri", "ldap://a\x01", DW_ERR_INVAL, 0, 5),
		ROW("uri", "ldap://\xc3\xa4", DW_ERR_INVAL, 0, 5),
		/* one bad URI rejects the whole value */
		ROW("uri", "ldap://a -1", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "1", DW_OK, 0, 1),
		ROW("timeout", "60", DW_OK, 0, 60),
		ROW("timeout", "30", DW_OK, 0, 30),
		ROW("timeout", "0", DW_ERR_RANGE, 0, 5),
		ROW("timeout", "61", DW_ERR_RANGE, 0, 5),
		ROW("timeout", "999999999", DW_ERR_RANGE, 0, 5),
		ROW("timeout", "9999999999", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "-1", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "+5", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "5s", DW_ERR_INVAL, 0, 5),
		ROW("timeout", " 5", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "", DW_ERR_INVAL, 0, 5),
		ROW("timeout", "abc", DW_ERR_INVAL, 0, 5),
		ROW("base", "dc=example,dc=com", DW_OK, 0, 5),
		ROW("base", "", DW_ERR_INVAL, 0, 5),
		ROW("base", "dc=a\n", DW_ERR_INVAL, 0, 5),
		ROW("binddn", "cn=pam,ou=services,dc=dramwell,dc=ai", DW_OK, 0,
		    5),
		ROW("binddn", "cn=x\x7f", DW_ERR_INVAL, 0, 5),
		ROW("bindpwfile", "/etc/dramwell/pam.secret", DW_OK, 0, 5),
		ROW("bindpwfile", "pam.secret", DW_ERR_INVAL, 0, 5),
		ROW("bindpwfile", "", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "/usr/sbin/sendmail -t -i", DW_OK, 0, 5),
		ROW("sendmail", "/bin/true", DW_OK, 0, 5),
		ROW("sendmail", "\t/usr/sbin/sendmail\t-t  -i ", DW_OK, 0, 5),
		ROW("sendmail", "/a 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
		    DW_OK, 0, 5),
		ROW("sendmail", "/a 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
		    DW_ERR_TOOLONG, 0, 5),
		ROW("sendmail", "sendmail -t -i", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "./sendmail", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "   ", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "/usr/sbin/sendmail\n-t", DW_ERR_INVAL, 0, 5),
		ROW("sendmail", "/usr/sbin/sendmail -t\x7f", DW_ERR_INVAL, 0,
		    5),
		ROW("sendmail", NULL, DW_ERR_INVAL, 0, 5),
		ROW("portal-url", "https://admin.dramwell.ai", DW_OK, 0, 5),
		ROW("portal-url", "https://127.0.0.1:8443/p/", DW_OK, 0, 5),
		ROW("portal-url", "http://admin.dramwell.ai", DW_ERR_INVAL, 0,
		    5),
		ROW("portal-url", "https://a/?next=x", DW_ERR_INVAL, 0, 5),
		ROW("portal-url", "https://a b", DW_ERR_INVAL, 0, 5),
		ROW("portal-url", "https://", DW_ERR_INVAL, 0, 5),
		ROW("portal-url", "", DW_ERR_INVAL, 0, 5),
		ROW("portal_url", "https://a", DW_ERR_INVAL, 0, 5),
		ROW("password", "hunter2", DW_ERR_INVAL, 0, 5),
		ROW("URI", "ldap://a", DW_ERR_INVAL, 0, 5),
		ROW("", "x", DW_ERR_INVAL, 0, 5),
		ROW("uri ", "ldap://a", DW_ERR_INVAL, 0, 5),
	};
	struct dw_client_conf	c;
	char			err[256];
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dw_client_conf_init(&c);
		err[0] = '\0';
		rc = dw_client_conf_set(&c, t[i].key, t[i].value, err,
		    sizeof(err));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d (%s)",
			    t[i].line, rc, t[i].rc, err);
		if (c.nuris != t[i].nuris || c.timeout != t[i].timeout)
			fail_msg("row at line %d: nuris %zu timeout %u",
			    t[i].line, c.nuris, c.timeout);
		if (rc != DW_OK && err[0] == '\0')
			fail_msg("row at line %d: no message", t[i].line);
		/* Messages never repeat a value (short ones may occur by
		 * chance, as "0" in "1..60"). */
		if (rc != DW_OK && t[i].value != NULL &&
		    strlen(t[i].value) > 2 && strstr(err, t[i].value) != NULL)
			fail_msg("row at line %d: value in message",
			    t[i].line);
		/* err may be NULL */
		dw_client_conf_free(&c);
		dw_client_conf_init(&c);
		assert_int_equal(dw_client_conf_set(&c, t[i].key,
		    t[i].value, NULL, 0), t[i].rc);
		dw_client_conf_free(&c);
	}

	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_set(&c, "base", "dc=x", err,
	    sizeof(err)), DW_OK);
	assert_string_equal(c.base, "dc=x");
	assert_int_equal(dw_client_conf_set(&c, "base", "", err,
	    sizeof(err)), DW_ERR_INVAL);
	assert_string_equal(c.base, "dc=x");
	assert_int_equal(dw_client_conf_set(&c, "password", "x", err,
	    sizeof(err)), DW_ERR_INVAL);
	assert_non_null(strstr(err, "password"));
	assert_int_equal(dw_client_conf_set(NULL, "uri", "ldap://a", err,
	    sizeof(err)), DW_ERR_INVAL);
	assert_int_equal(dw_client_conf_set(&c, NULL, "ldap://a", err,
	    sizeof(err)), DW_ERR_INVAL);
	/* A tiny err buffer truncates, never overflows. */
	err[1] = 'Z';
	assert_int_equal(dw_client_conf_set(&c, "timeout", "0", err, 1),
	    DW_ERR_RANGE);
	assert_int_equal(err[0], '\0');
	assert_int_equal(err[1], 'Z');
	dw_client_conf_free(&c);
}

static void
test_uri_cap(void **state)
{
	struct dw_client_conf	c;
	char			v[32];
	size_t			i;

	dw_client_conf_init(&c);
	for (i = 0; i < DW_CONF_MAX_URIS; i++) {
		snprintf(v, sizeof(v), "ldap://h%zu", i);
		assert_int_equal(dw_client_conf_set(&c, "uri", v, NULL, 0),
		    DW_OK);
	}
	assert_int_equal(c.nuris, DW_CONF_MAX_URIS);
	assert_string_equal(c.uris[0], "ldap://h0");
	assert_string_equal(c.uris[15], "ldap://h15");
	assert_int_equal(dw_client_conf_set(&c, "uri", "ldap://x", NULL, 0),
	    DW_ERR_TOOLONG);
	assert_int_equal(c.nuris, DW_CONF_MAX_URIS);
	dw_client_conf_free(&c);

	/* 15 + 2 in one value: refused whole. */
	dw_client_conf_init(&c);
	for (i = 0; i < DW_CONF_MAX_URIS - 1; i++)
		assert_int_equal(dw_client_conf_set(&c, "uri", "ldap://a",
		    NULL, 0), DW_OK);
	assert_int_equal(dw_client_conf_set(&c, "uri", "ldap://b ldap://c",
	    NULL, 0), DW_ERR_TOOLONG);
	assert_int_equal(c.nuris, DW_CONF_MAX_URIS - 1);
	dw_client_conf_free(&c);
}

static void
test_parse(void **state)
{
	static const char text[] =
	    "# DramWell client configuration\n"
	    "\n"
	    "uri ldap://10.0.0.1 ldap://10.0.0.2\r\n"
	    "   uri\tldapi://%2Frun%2Fslapd\n"
	    "base   dc=example,dc=com  \n"
	    "\t# indented comment\n"
	    "timeout 10\n"
	    "sendmail  /usr/lib/sendmail -t -i -f dwadm@dramwell.ai \n"
	    "portal-url https://portal.example.com/admin\n"
	    "bindpwfile /etc/dramwell/portal.secret";	/* no final newline */
	struct dw_client_conf	c;
	char			err[256];

	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_parse(&c, S(text), err, sizeof(err)),
	    DW_OK);
	assert_int_equal(c.nuris, 3);
	assert_string_equal(c.uris[0], "ldap://10.0.0.1");
	assert_string_equal(c.uris[1], "ldap://10.0.0.2");
	assert_string_equal(c.uris[2], "ldapi://%2Frun%2Fslapd");
	assert_string_equal(c.base, "dc=example,dc=com");
	assert_int_equal(c.timeout, 10);
	assert_string_equal(c.bindpw_file, "/etc/dramwell/portal.secret");
	assert_string_equal(c.sendmail,
	    "/usr/lib/sendmail -t -i -f dwadm@dramwell.ai");
	assert_string_equal(c.portal_url, "https://portal.example.com/admin");
	assert_null(c.binddn);
	/* A second source adds to it; module arguments come last. */
	assert_int_equal(dw_client_conf_set(&c, "timeout", "3", err,
	    sizeof(err)), DW_OK);
	assert_int_equal(c.timeout, 3);
	assert_int_equal(dw_client_conf_parse(&c, S(""), err, sizeof(err)),
	    DW_OK);
	assert_int_equal(c.nuris, 3);
	dw_client_conf_free(&c);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		int		 line;
		const char	*text;
		size_t		 len;
		int		 rc;
		const char	*msg;	/* start of the message */
	} t[] = {
		ROW(S("frobnicate yes\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("uri ldap://a\n\nbase\n"), DW_ERR_INVAL, "line 3: "),
		ROW(S("uri ldap://a\ntimeout 0\n"), DW_ERR_RANGE, "line 2: "),
		ROW(S("uri ldap://a\ntimeout -1\n"), DW_ERR_INVAL, "line 2: "),
		ROW(S("uri ldap://a\ntimeout\n"), DW_ERR_INVAL, "line 2: "),
		ROW(S("uri ldap://a\ntimeout   \n"), DW_ERR_INVAL, "line 2: "),
		ROW(S("uri ftp://a\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("uri ldap://a\0\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("# c\nbase dc=a\0,dc=b\n"), DW_ERR_INVAL, "line 2: "),
		ROW(S("bindpwfile relative/path\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("base dc=a # comment\x01\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("\xff\xfe\n"), DW_ERR_INVAL, "line 1: "),
		ROW(S("uri ldap://a\nsendmail sendmail -t\n"), DW_ERR_INVAL,
		    "line 2: sendmail: "),
		ROW(S("portal-url http://a\n"), DW_ERR_INVAL,
		    "line 1: portal-url: "),
		ROW(S("portal-url\n"), DW_ERR_INVAL, "line 1: portal-url: "),
	};
	struct dw_client_conf	c;
	char			err[256];
	size_t			i;
	int			rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dw_client_conf_init(&c);
		assert_int_equal(dw_client_conf_set(&c, "uri", "ldap://keep",
		    NULL, 0), DW_OK);
		err[0] = '\0';
		rc = dw_client_conf_parse(&c, t[i].text, t[i].len, err,
		    sizeof(err));
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d (%s)",
			    t[i].line, rc, t[i].rc, err);
		if (strncmp(err, t[i].msg, strlen(t[i].msg)) != 0)
			fail_msg("row at line %d: message \"%s\"", t[i].line,
			    err);
		/* A failed parse changes nothing. */
		if (c.nuris != 1 || strcmp(c.uris[0], "ldap://keep") != 0 ||
		    c.timeout != 5 || strcmp(c.base, DW_DEFAULT_BASE) != 0 ||
		    c.bindpw_file != NULL)
			fail_msg("row at line %d: conf changed", t[i].line);
		dw_client_conf_free(&c);
	}
}

static void
test_parse_long_line(void **state)
{
	struct dw_client_conf	 c;
	char			*text;
	size_t			 n = 5000;

	text = malloc(n);
	assert_non_null(text);
	memset(text, 'a', n);
	memcpy(text, "base ", 5);
	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_parse(&c, text, n, NULL, 0),
	    DW_ERR_TOOLONG);
	assert_string_equal(c.base, DW_DEFAULT_BASE);
	/* A DN over the value cap on a line that fits. */
	assert_int_equal(dw_client_conf_parse(&c, text, 2000, NULL, 0),
	    DW_ERR_TOOLONG);
	free(text);
	assert_int_equal(dw_client_conf_parse(NULL, S("base dc=a"), NULL, 0),
	    DW_ERR_INVAL);
	assert_int_equal(dw_client_conf_parse(&c, NULL, 1, NULL, 0),
	    DW_ERR_INVAL);
	dw_client_conf_free(&c);
}

static void
test_finish(void **state)
{
	struct dw_client_conf	c;
	char			err[256];

	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_finish(&c, err, sizeof(err)), DW_OK);
	assert_string_equal(c.binddn,
	    "cn=portal,ou=services,dc=dramwell,dc=ai");
	assert_string_equal(c.bindpw_file, "/etc/dramwell/portal.secret");
	assert_string_equal(c.sendmail, DW_DEFAULT_SENDMAIL);
	assert_string_equal(c.sendmail, "/usr/sbin/sendmail -t -i");
	assert_string_equal(c.portal_url, "https://admin.dramwell.ai");
	assert_int_equal(c.nuris, 0);
	/* Idempotent. */
	assert_int_equal(dw_client_conf_finish(&c, err, sizeof(err)), DW_OK);
	assert_string_equal(c.binddn,
	    "cn=portal,ou=services,dc=dramwell,dc=ai");
	dw_client_conf_free(&c);

	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_set(&c, "base", "dc=example,dc=com",
	    NULL, 0), DW_OK);
	assert_int_equal(dw_client_conf_finish(&c, NULL, 0), DW_OK);
	assert_string_equal(c.binddn,
	    "cn=portal,ou=services,dc=example,dc=com");
	dw_client_conf_free(&c);

	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_set(&c, "binddn", "cn=x,dc=y", NULL,
	    0), DW_OK);
	assert_int_equal(dw_client_conf_set(&c, "bindpwfile", "/run/x",
	    NULL, 0), DW_OK);
	assert_int_equal(dw_client_conf_finish(&c, NULL, 0), DW_OK);
	assert_string_equal(c.binddn, "cn=x,dc=y");
	assert_string_equal(c.bindpw_file, "/run/x");
	dw_client_conf_free(&c);

	/* Set values survive finish. */
	dw_client_conf_init(&c);
	assert_int_equal(dw_client_conf_set(&c, "sendmail", "/t/sm -t", NULL,
	    0), DW_OK);
	assert_int_equal(dw_client_conf_set(&c, "portal-url", "https://p/",
	    NULL, 0), DW_OK);
	assert_int_equal(dw_client_conf_finish(&c, NULL, 0), DW_OK);
	assert_string_equal(c.sendmail, "/t/sm -t");
	assert_string_equal(c.portal_url, "https://p/");
	dw_client_conf_free(&c);

	dw_client_conf_init(&c);
	c.timeout = 0;
	assert_int_equal(dw_client_conf_finish(&c, err, sizeof(err)),
	    DW_ERR_RANGE);
	assert_null(c.binddn);
	dw_client_conf_free(&c);
	assert_int_equal(dw_client_conf_finish(NULL, NULL, 0), DW_ERR_INVAL);
}

static void
test_command_split(void **state)
{
	static const struct {
		int		 line;
		const char	*cmd;
		int		 rc;
		size_t		 argc;
		const char	*w0, *wlast;
	} t[] = {
		ROW("/usr/sbin/sendmail -t -i", DW_OK, 3, "/usr/sbin/sendmail",
		    "-i"),
		ROW("/bin/cat", DW_OK, 1, "/bin/cat", "/bin/cat"),
		ROW("  /x\t\ta  b ", DW_OK, 3, "/x", "b"),
		ROW("/a 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", DW_OK, 16, "/a",
		    "16"),
		ROW("/a 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",
		    DW_ERR_TOOLONG, 0, NULL, NULL),
		ROW("x -t", DW_ERR_INVAL, 0, NULL, NULL),
		ROW("", DW_ERR_INVAL, 0, NULL, NULL),
		ROW(" \t ", DW_ERR_INVAL, 0, NULL, NULL),
		ROW("/x\ny", DW_ERR_INVAL, 0, NULL, NULL),
	};
	char	 buf[128];
	char	*argv[DW_CONF_CMD_MAX_ARGS + 1];
	size_t	 i, argc;
	int	 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		argc = 999;
		argv[0] = NULL;
		rc = dw_command_split(t[i].cmd, buf, sizeof(buf), argv,
		    DW_CONF_CMD_MAX_ARGS + 1, &argc);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc != DW_OK) {
			if (argc != 999 || argv[0] != NULL)
				fail_msg("row at line %d: written on error",
				    t[i].line);
			continue;
		}
		if (argc != t[i].argc || strcmp(argv[0], t[i].w0) != 0 ||
		    strcmp(argv[argc - 1], t[i].wlast) != 0 ||
		    argv[argc] != NULL)
			fail_msg("row at line %d: argc %zu", t[i].line, argc);
	}
	/* Buffers: exact fit passes, one short fails. */
	assert_int_equal(dw_command_split("/x -t", buf, 6, argv, 3, &argc),
	    DW_OK);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "-t");
	assert_int_equal(dw_command_split("/x -t", buf, 5, argv, 3, &argc),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_command_split("/x -t", buf, 6, argv, 2, &argc),
	    DW_ERR_TOOLONG);
	assert_int_equal(dw_command_split(NULL, buf, 6, argv, 3, &argc),
	    DW_ERR_INVAL);
	assert_int_equal(dw_command_split("/x", NULL, 6, argv, 3, &argc),
	    DW_ERR_INVAL);
	assert_int_equal(dw_command_split("/x", buf, 6, NULL, 3, &argc),
	    DW_ERR_INVAL);
	assert_int_equal(dw_command_split("/x", buf, 6, argv, 3, NULL),
	    DW_ERR_INVAL);
}

static void
test_load(void **state)
{
	struct fixture		*f = *state;
	struct dw_client_conf	 c;
	char			 err[512];
	char			*big;
	const char		*p;

	dw_client_conf_init(&c);
	p = put(f, "ok.conf", S("uri ldap://a\ntimeout 7\n"), 0644);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_OK);
	assert_int_equal(c.nuris, 1);
	assert_int_equal(c.timeout, 7);
	dw_client_conf_free(&c);

	/* Owner-only modes and read-only modes are fine. */
	dw_client_conf_init(&c);
	p = put(f, "ro.conf", S("timeout 8\n"), 0400);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_OK);
	assert_int_equal(c.timeout, 8);

	/* Writable by group or others: unsafe. */
	p = put(f, "gw.conf", S("timeout 9\n"), 0664);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_ERR_UNSAFE);
	assert_non_null(strstr(err, "gw.conf"));
	p = put(f, "ow.conf", S("timeout 9\n"), 0646);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_ERR_UNSAFE);
	assert_int_equal(c.timeout, 8);

	/* Missing. */
	at(f, "missing.conf");
	assert_int_equal(dw_client_conf_load(&c, f->path, 1, err,
	    sizeof(err)), DW_OK);
	assert_int_equal(dw_client_conf_load(&c, f->path, 0, err,
	    sizeof(err)), DW_ERR_NOTFOUND);

	/* A symbolic link is not followed, even to a good file. */
	{
		char target[sizeof(f->path)];

		memcpy(target, at(f, "ok.conf"), sizeof(target));
		assert_int_equal(symlink(target, at(f, "link.conf")), 0);
	}
	assert_int_equal(dw_client_conf_load(&c, f->path, 1, err,
	    sizeof(err)), DW_ERR_UNSAFE);

	/* A directory is not a regular file. */
	assert_int_equal(dw_client_conf_load(&c, f->dir, 0, err,
	    sizeof(err)), DW_ERR_UNSAFE);

	/* A parse error names the file and the line. */
	p = put(f, "bad.conf", S("uri ldap://a\nbogus 1\n"), 0644);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_ERR_INVAL);
	assert_non_null(strstr(err, "bad.conf"));
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(c.nuris, 0);

	/* Size: the cap passes (all comment), one byte more does not. */
	big = malloc(DW_CONF_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '#', DW_CONF_FILE_MAX + 1);
	p = put(f, "max.conf", big, DW_CONF_FILE_MAX, 0644);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_ERR_TOOLONG);	/* one line longer than a line may be */
	memset(big, '\n', DW_CONF_FILE_MAX + 1);
	p = put(f, "max.conf", big, DW_CONF_FILE_MAX, 0644);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_OK);
	p = put(f, "over.conf", big, DW_CONF_FILE_MAX + 1, 0644);
	assert_int_equal(dw_client_conf_load(&c, p, 0, err, sizeof(err)),
	    DW_ERR_TOOLONG);
	free(big);

	/* Owned by someone else: unsafe (needs root to set up). */
	if (geteuid() == 0) {
		p = put(f, "other.conf", S("timeout 9\n"), 0644);
		assert_int_equal(chown(p, 65534, 65534), 0);
		assert_int_equal(dw_client_conf_load(&c, p, 0, err,
		    sizeof(err)), DW_ERR_UNSAFE);
	}
	assert_int_equal(dw_client_conf_load(NULL, p, 0, err, sizeof(err)),
	    DW_ERR_INVAL);
	assert_int_equal(dw_client_conf_load(&c, NULL, 0, err, sizeof(err)),
	    DW_ERR_INVAL);
	dw_client_conf_free(&c);
}

static void
test_secret(void **state)
{
	static const struct {
		int		 line;
		const char	*data;
		size_t		 len;
		mode_t		 mode;
		int		 rc;
		const char	*out;
		size_t		 outlen;
	} t[] = {
		ROW(S("s3cret\n"), 0600, DW_OK, S("s3cret")),
		ROW(S("s3cret"), 0600, DW_OK, S("s3cret")),
		ROW(S("s3cret"), 0400, DW_OK, S("s3cret")),
		ROW(S("s3cret\n\n"), 0600, DW_OK, S("s3cret\n")),
		ROW(S("s3 cret\r\n"), 0600, DW_OK, S("s3 cret\r")),
		ROW(S("\xc3\xa4\n"), 0600, DW_OK, S("\xc3\xa4")),
		ROW(S("x"), 0600, DW_OK, S("x")),
		ROW(S(""), 0600, DW_ERR_INVAL, NULL, 0),
		ROW(S("\n"), 0600, DW_ERR_INVAL, NULL, 0),
		ROW(S("s3\0cret\n"), 0600, DW_ERR_INVAL, NULL, 0),
		ROW(S("s3cret\0"), 0600, DW_ERR_INVAL, NULL, 0),
		ROW(S("s3cret\n"), 0640, DW_ERR_UNSAFE, NULL, 0),
		ROW(S("s3cret\n"), 0604, DW_ERR_UNSAFE, NULL, 0),
		ROW(S("s3cret\n"), 0610, DW_ERR_UNSAFE, NULL, 0),
		ROW(S("s3cret\n"), 0601, DW_ERR_UNSAFE, NULL, 0),
		ROW(S("s3cret\n"), 0644, DW_ERR_UNSAFE, NULL, 0),
	};
	struct fixture	*f = *state;
	char		 out[DW_SECRET_MAX + 1];
	size_t		 i, outlen;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		put(f, "secret", t[i].data, t[i].len, t[i].mode);
		memset(out, 'Z', sizeof(out));
		outlen = 12345;
		rc = dw_secret_file_read(f->path, out, sizeof(out), &outlen);
		if (rc != t[i].rc)
			fail_msg("row at line %d: rc %d, want %d", t[i].line,
			    rc, t[i].rc);
		if (rc == DW_OK && (outlen != t[i].outlen ||
		    memcmp(out, t[i].out, outlen + 1) != 0))
			fail_msg("row at line %d: wrong secret", t[i].line);
		if (rc != DW_OK && (out[0] != 'Z' || outlen != 12345))
			fail_msg("row at line %d: out written on error",
			    t[i].line);
	}
}

static void
test_secret_files(void **state)
{
	struct fixture	*f = *state;
	char		 data[DW_SECRET_MAX + 2];
	char		 out[DW_SECRET_MAX + 1], target[sizeof(f->path)];
	size_t		 outlen;

	/* DW_SECRET_MAX bytes pass; one more does not, newline or not. */
	memset(data, 'k', sizeof(data));
	put(f, "max", data, DW_SECRET_MAX, 0600);
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_OK);
	assert_int_equal(outlen, DW_SECRET_MAX);
	put(f, "max1", data, DW_SECRET_MAX + 1, 0600);
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_ERR_TOOLONG);
	data[DW_SECRET_MAX] = '\n';
	put(f, "maxnl", data, DW_SECRET_MAX + 1, 0600);
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_ERR_TOOLONG);

	/* out too small: "abcdef" needs 7 bytes. */
	put(f, "small", S("abcdef\n"), 0600);
	memset(out, 'Z', sizeof(out));
	assert_int_equal(dw_secret_file_read(f->path, out, 6, &outlen),
	    DW_ERR_TOOLONG);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(dw_secret_file_read(f->path, out, 7, NULL), DW_OK);
	assert_string_equal(out, "abcdef");

	/* Missing, a directory, a symbolic link, a FIFO. */
	at(f, "missing");
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_ERR_NOTFOUND);
	assert_int_equal(dw_secret_file_read(f->dir, out, sizeof(out),
	    &outlen), DW_ERR_UNSAFE);
	memcpy(target, at(f, "small"), sizeof(target));
	at(f, "link");
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_ERR_UNSAFE);
	at(f, "fifo");
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(dw_secret_file_read(f->path, out, sizeof(out),
	    &outlen), DW_ERR_UNSAFE);

	/* Owned by someone else (needs root to set up). */
	if (geteuid() == 0) {
		put(f, "other", S("abc\n"), 0600);
		assert_int_equal(chown(f->path, 65534, 65534), 0);
		assert_int_equal(dw_secret_file_read(f->path, out,
		    sizeof(out), &outlen), DW_ERR_UNSAFE);
	}
	assert_int_equal(dw_secret_file_read(NULL, out, sizeof(out),
	    &outlen), DW_ERR_INVAL);
	assert_int_equal(dw_secret_file_read(target, NULL, 0, &outlen),
	    DW_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_free),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_uri_cap),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_long_line),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_command_split),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_files, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("dw_conf", tests, NULL, NULL);
}
