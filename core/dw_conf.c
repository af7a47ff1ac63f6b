/*
 * dw_conf.c: the client configuration of pam_dramwell and dwadm, and
 * secret files.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "dw_conf.h"
#include "dw_str.h"
#include "dw_invite.h"

#define DEFAULT_BINDDN_PREFIX	"cn=portal,ou=services,"
#define DEFAULT_BINDPW_FILE	"/etc/dramwell/portal.secret"
#define DEFAULT_TIMEOUT		5
#define TIMEOUT_MIN		1
#define TIMEOUT_MAX		60
#define VALUE_MAX		1024	/* bytes of a URI, DN */
#define PATH_VALUE_MAX		4096	/* bytes of a file name */
#define LINE_MAX_BYTES		4096	/* bytes of one config line */
#define KEY_SHOW_MAX		32

static void	seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	/* A truncated message is still a message; a failed one is none. */
	if (n < 0)
		err[0] = '\0';
}

void
dw_client_conf_init(struct dw_client_conf *c)
{
	if (c == NULL)
		return;
	memset(c, 0, sizeof(*c));
	/* Out of memory leaves base NULL; dw_client_conf_finish retries. */
	c->base = strdup(DW_DEFAULT_BASE);
	c->timeout = DEFAULT_TIMEOUT;
}

void
dw_client_conf_free(struct dw_client_conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nuris && i < DW_CONF_MAX_URIS; i++)
		free(c->uris[i]);
	free(c->base);
	free(c->binddn);
	free(c->bindpw_file);
	free(c->sendmail);
	free(c->portal_url);
	memset(c, 0, sizeof(*c));
}

/* Printable text: no control bytes (C0, DEL); UTF-8 in DNs is allowed. */
static int
text_ok(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

/* One LDAP URI: ldap://, ldaps:// or ldapi://, printable ASCII, no blank. */
static int
uri_ok(const char *s, size_t len)
{
	size_t	i;

	if (len > VALUE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return dw_ascii_caseprefix(s, strlen(s), "ldap://") ||
	    dw_ascii_caseprefix(s, strlen(s), "ldaps://") ||
	    dw_ascii_caseprefix(s, strlen(s), "ldapi://");
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
set_uris(struct dw_client_conf *c, const char *v, char *err, size_t errsz)
{
	char		*add[DW_CONF_MAX_URIS];
	const char	*p = v, *start;
	size_t		 n = 0, i, len;
	int		 rc = DW_ERR_INVAL;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		len = (size_t)(p - start);
		if (!uri_ok(start, len)) {
			seterr(err, errsz, "uri: not an ldap://, ldaps:// or "
			    "ldapi:// URI");
			rc = DW_ERR_INVAL;
			goto out;
		}
		if (c->nuris + n >= DW_CONF_MAX_URIS) {
			seterr(err, errsz, "uri: more than %d URIs",
			    DW_CONF_MAX_URIS);
			rc = DW_ERR_TOOLONG;
			goto out;
		}
		if ((add[n] = strndup(start, len)) == NULL) {
			seterr(err, errsz, "out of memory");
			rc = DW_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (n == 0) {
		seterr(err, errsz, "uri: missing value");
		goto out;
	}
	for (i = 0; i < n; i++)
		c->uris[c->nuris++] = add[i];
	n = 0;
	rc = DW_OK;
out:
	for (i = 0; i < n; i++)
		free(add[i]);
	return rc;
}

static int
set_string(char **dst, const char *key, const char *v, size_t max,
    int is_path, char *err, size_t errsz)
{
	size_t	len = strlen(v);
	char	*s;

	if (len == 0) {
		seterr(err, errsz, "%s: missing value", key);
		return DW_ERR_INVAL;
	}
	if (len > max) {
		seterr(err, errsz, "%s: value longer than %zu bytes", key, max);
		return DW_ERR_TOOLONG;
	}
	if (!text_ok(v, len)) {
		seterr(err, errsz, "%s: control character in value", key);
		return DW_ERR_INVAL;
	}
	if (is_path && v[0] != '/') {
		seterr(err, errsz, "%s: not an absolute path", key);
		return DW_ERR_INVAL;
	}
	if ((s = strdup(v)) == NULL) {
		seterr(err, errsz, "out of memory");
		return DW_ERR_NOMEM;
	}
	free(*dst);
	*dst = s;
	return DW_OK;
}

static int
set_timeout(struct dw_client_conf *c, const char *v, char *err,
    size_t errsz)
{
	unsigned long	n = 0;
	size_t		i;

	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9' || i >= 9) {
			seterr(err, errsz, "timeout: not a number of seconds");
			return DW_ERR_INVAL;
		}
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	if (i == 0) {
		seterr(err, errsz, "timeout: missing value");
		return DW_ERR_INVAL;
	}
	if (n < TIMEOUT_MIN || n > TIMEOUT_MAX) {
		seterr(err, errsz, "timeout: out of range %d..%d",
		    TIMEOUT_MIN, TIMEOUT_MAX);
		return DW_ERR_RANGE;
	}
	c->timeout = (unsigned)n;
	return DW_OK;
}

/*
 * A command line: 1..DW_CONF_CMD_MAX bytes, no control bytes, words
 * separated by blanks, the first an absolute path, at most
 * DW_CONF_CMD_MAX_ARGS words.  *nwords receives the count.
 */
static int
cmd_check(const char *cmd, size_t *nwords)
{
	size_t	len, i, n = 0;

	if (cmd == NULL)
		return DW_ERR_INVAL;
	len = strlen(cmd);
	if (len > DW_CONF_CMD_MAX)
		return DW_ERR_TOOLONG;
	for (i = 0; i < len; i++)
		if (!is_blank(cmd[i]) && !text_ok(cmd + i, 1))
			return DW_ERR_INVAL;
	for (i = 0; i < len; i++)
		if (!is_blank(cmd[i]) && (i == 0 || is_blank(cmd[i - 1]))) {
			if (n == 0 && cmd[i] != '/')
				return DW_ERR_INVAL;
			n++;
		}
	if (n == 0)
		return DW_ERR_INVAL;
	if (n > DW_CONF_CMD_MAX_ARGS)
		return DW_ERR_TOOLONG;
	*nwords = n;
	return DW_OK;
}

static int
set_sendmail(struct dw_client_conf *c, const char *v, char *err,
    size_t errsz)
{
	char	*s;
	size_t	 n;
	int	 rc;

	if ((rc = cmd_check(v, &n)) == DW_ERR_TOOLONG) {
		seterr(err, errsz, "sendmail: longer than %d bytes or more "
		    "than %d words", DW_CONF_CMD_MAX, DW_CONF_CMD_MAX_ARGS);
		return rc;
	}
	if (rc != DW_OK) {
		seterr(err, errsz, "sendmail: not a command line starting "
		    "with an absolute path");
		return rc;
	}
	if ((s = strdup(v)) == NULL) {
		seterr(err, errsz, "out of memory");
		return DW_ERR_NOMEM;
	}
	free(c->sendmail);
	c->sendmail = s;
	return DW_OK;
}

static int
set_portal_url(struct dw_client_conf *c, const char *v, char *err,
    size_t errsz)
{
	int	rc;

	if ((rc = dw_invite_url_check(v, strlen(v))) == DW_ERR_TOOLONG) {
		seterr(err, errsz, "portal-url: longer than %d bytes",
		    DW_INVITE_URL_MAX);
		return rc;
	}
	if (rc != DW_OK) {
		seterr(err, errsz, "portal-url: not an HTTPS URL (host and "
		    "optional path; no query, fragment, blank or quote)");
		return rc;
	}
	return set_string(&c->portal_url, "portal-url", v, DW_INVITE_URL_MAX,
	    0, err, errsz);
}

int
dw_command_split(const char *cmd, char *buf, size_t bufsz, char **argv,
    size_t argvn, size_t *argc)
{
	size_t	n = 0, i, len, k = 0;
	int	rc;

	if ((rc = cmd_check(cmd, &n)) != DW_OK)
		return rc;
	if (buf == NULL || argv == NULL || argc == NULL)
		return DW_ERR_INVAL;
	len = strlen(cmd);
	if (bufsz < len + 1 || argvn < n + 1)
		return DW_ERR_TOOLONG;
	memcpy(buf, cmd, len + 1);
	for (i = 0; i < len; i++) {
		if (is_blank(buf[i]))
			buf[i] = '\0';
		else if (i == 0 || buf[i - 1] == '\0')
			argv[k++] = buf + i;
	}
	argv[k] = NULL;
	*argc = k;
	return DW_OK;
}

/* Show a key in a message only when it is a plausible key name. */
static int
key_showable(const char *key)
{
	size_t	i;

	for (i = 0; key[i] != '\0'; i++)
		if (i >= KEY_SHOW_MAX || !((key[i] >= 'a' && key[i] <= 'z') ||
		    (key[i] >= 'A' && key[i] <= 'Z') ||
		    (key[i] >= '0' && key[i] <= '9') || key[i] == '_' ||
		    key[i] == '-'))
			return 0;
	return i > 0;
}

int
dw_client_conf_set(struct dw_client_conf *c, const char *key,
    const char *value, char *err, size_t errsz)
{
	if (c == NULL || key == NULL) {
		seterr(err, errsz, "no configuration key");
		return DW_ERR_INVAL;
	}
	if (strcmp(key, "uri") != 0 && strcmp(key, "base") != 0 &&
	    strcmp(key, "binddn") != 0 && strcmp(key, "bindpwfile") != 0 &&
	    strcmp(key, "timeout") != 0 && strcmp(key, "sendmail") != 0 &&
	    strcmp(key, "portal-url") != 0) {
		if (key_showable(key))
			seterr(err, errsz, "unknown key \"%s\"", key);
		else
			seterr(err, errsz, "unknown key");
		return DW_ERR_INVAL;
	}
	if (value == NULL) {
		seterr(err, errsz, "%s: missing value", key);
		return DW_ERR_INVAL;
	}
	if (strcmp(key, "uri") == 0)
		return set_uris(c, value, err, errsz);
	if (strcmp(key, "base") == 0)
		return set_string(&c->base, "base", value, VALUE_MAX, 0,
		    err, errsz);
	if (strcmp(key, "binddn") == 0)
		return set_string(&c->binddn, "binddn", value, VALUE_MAX, 0,
		    err, errsz);
	if (strcmp(key, "bindpwfile") == 0)
		return set_string(&c->bindpw_file, "bindpwfile", value,
		    PATH_VALUE_MAX, 1, err, errsz);
	if (strcmp(key, "sendmail") == 0)
		return set_sendmail(c, value, err, errsz);
	if (strcmp(key, "portal-url") == 0)
		return set_portal_url(c, value, err, errsz);
	return set_timeout(c, value, err, errsz);
}

static int
dup_or_null(char **dst, const char *src)
{
	*dst = NULL;
	if (src != NULL && (*dst = strdup(src)) == NULL)
		return DW_ERR_NOMEM;
	return DW_OK;
}

/* Deep copy of src into dst; dst is freed-safe on failure. */
static int
conf_copy(struct dw_client_conf *dst, const struct dw_client_conf *src)
{
	size_t	i;

	memset(dst, 0, sizeof(*dst));
	dst->timeout = src->timeout;
	for (i = 0; i < src->nuris && i < DW_CONF_MAX_URIS; i++) {
		if ((dst->uris[i] = strdup(src->uris[i])) == NULL)
			return DW_ERR_NOMEM;
		dst->nuris = i + 1;
	}
	if (dup_or_null(&dst->base, src->base) != DW_OK ||
	    dup_or_null(&dst->binddn, src->binddn) != DW_OK ||
	    dup_or_null(&dst->bindpw_file, src->bindpw_file) != DW_OK ||
	    dup_or_null(&dst->sendmail, src->sendmail) != DW_OK ||
	    dup_or_null(&dst->portal_url, src->portal_url) != DW_OK)
		return DW_ERR_NOMEM;
	return DW_OK;
}

int
dw_client_conf_parse(struct dw_client_conf *c, const char *text,
    size_t len, char *err, size_t errsz)
{
	struct dw_client_conf	 tmp;
	char			 line[LINE_MAX_BYTES];
	char			 msg[256];
	const char		*p, *nl, *end;
	char			*key, *val, *q;
	size_t			 lineno = 0, n;
	int			 rc;

	memset(&tmp, 0, sizeof(tmp));
	if (c == NULL || (text == NULL && len != 0)) {
		seterr(err, errsz, "no configuration");
		return DW_ERR_INVAL;
	}
	if ((rc = conf_copy(&tmp, c)) != DW_OK) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	p = text;
	end = text + len;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (nl != NULL ? nl : end) - p;
		rc = DW_ERR_TOOLONG;
		if (n >= sizeof(line)) {
			seterr(err, errsz, "line %zu: line too long", lineno);
			goto out;
		}
		rc = DW_ERR_INVAL;
		if (memchr(p, '\0', n) != NULL) {
			seterr(err, errsz, "line %zu: NUL byte", lineno);
			goto out;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl != NULL ? nl + 1 : end;

		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		while (n > 0 && is_blank(line[n - 1]))
			line[--n] = '\0';
		key = line;
		while (is_blank(*key))
			key++;
		if (*key == '\0' || *key == '#')
			continue;
		for (q = key; *q != '\0' && !is_blank(*q); q++)
			;
		val = NULL;
		if (*q != '\0') {
			*q++ = '\0';
			while (is_blank(*q))
				q++;
			if (*q != '\0')
				val = q;
		}
		msg[0] = '\0';
		if ((rc = dw_client_conf_set(&tmp, key, val, msg,
		    sizeof(msg))) != DW_OK) {
			seterr(err, errsz, "line %zu: %s", lineno, msg);
			goto out;
		}
	}
	dw_client_conf_free(c);
	*c = tmp;
	memset(&tmp, 0, sizeof(tmp));
	rc = DW_OK;
out:
	dw_client_conf_free(&tmp);
	return rc;
}

/*
 * Open path for reading without following a final symbolic link and
 * without blocking on a FIFO; check that it is a regular file owned by
 * root or the effective user and writable by nobody else.
 */
static int
open_checked(const char *path, int *fdp, struct stat *st, mode_t forbid)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return DW_ERR_NOTFOUND;
		if (errno == ELOOP)
			return DW_ERR_UNSAFE;
		return DW_ERR_IO;
	}
	if (fstat(fd, st) == -1) {
		close(fd);
		return DW_ERR_IO;
	}
	if (!S_ISREG(st->st_mode) ||
	    (st->st_uid != 0 && st->st_uid != geteuid()) ||
	    (st->st_mode & forbid) != 0) {
		close(fd);
		return DW_ERR_UNSAFE;
	}
	*fdp = fd;
	return DW_OK;
}

/* Read at most cap + 1 bytes of fd into buf (bufsz > cap). */
static int
read_all(int fd, char *buf, size_t cap, size_t *np)
{
	size_t	n = 0;
	ssize_t	r;

	while (n <= cap) {
		r = read(fd, buf + n, cap + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return DW_ERR_IO;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > cap)
		return DW_ERR_TOOLONG;
	*np = n;
	return DW_OK;
}

int
dw_client_conf_load(struct dw_client_conf *c, const char *path,
    int missing_ok, char *err, size_t errsz)
{
	struct stat	 st;
	char		*buf = NULL;
	char		 msg[256];
	size_t		 n = 0;
	int		 fd = -1, rc = DW_ERR_INVAL;

	if (c == NULL || path == NULL) {
		seterr(err, errsz, "no configuration file");
		goto out;
	}
	rc = open_checked(path, &fd, &st, S_IWGRP | S_IWOTH);
	if (rc == DW_ERR_NOTFOUND && missing_ok) {
		rc = DW_OK;
		goto out;
	}
	if (rc == DW_ERR_UNSAFE) {
		seterr(err, errsz, "%s: not a regular file owned by root or "
		    "the current user and writable only by its owner", path);
		goto out;
	}
	if (rc != DW_OK) {
		seterr(err, errsz, "%s: cannot open: %s", path,
		    rc == DW_ERR_NOTFOUND ? "no such file" : "I/O error");
		goto out;
	}
	rc = DW_ERR_TOOLONG;
	if (st.st_size > DW_CONF_FILE_MAX) {
		seterr(err, errsz, "%s: larger than %d bytes", path,
		    DW_CONF_FILE_MAX);
		goto out;
	}
	rc = DW_ERR_NOMEM;
	if ((buf = malloc(DW_CONF_FILE_MAX + 1)) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	if ((rc = read_all(fd, buf, DW_CONF_FILE_MAX, &n)) != DW_OK) {
		seterr(err, errsz, "%s: %s", path, rc == DW_ERR_TOOLONG ?
		    "file too large" : "read error");
		goto out;
	}
	msg[0] = '\0';
	if ((rc = dw_client_conf_parse(c, buf, n, msg, sizeof(msg))) !=
	    DW_OK)
		seterr(err, errsz, "%s: %s", path, msg);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}

int
dw_client_conf_finish(struct dw_client_conf *c, char *err, size_t errsz)
{
	const char	*b;
	char		*base = NULL, *binddn = NULL, *pwfile = NULL;
	char		*sendmail = NULL, *url = NULL;
	size_t		 len;
	int		 n, rc = DW_ERR_INVAL;

	if (c == NULL) {
		seterr(err, errsz, "no configuration");
		goto out;
	}
	if (c->timeout < TIMEOUT_MIN || c->timeout > TIMEOUT_MAX) {
		seterr(err, errsz, "timeout: out of range %d..%d",
		    TIMEOUT_MIN, TIMEOUT_MAX);
		rc = DW_ERR_RANGE;
		goto out;
	}
	rc = DW_ERR_NOMEM;
	if (c->base == NULL && (base = strdup(DW_DEFAULT_BASE)) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	b = base != NULL ? base : c->base;
	if (c->binddn == NULL) {
		len = sizeof(DEFAULT_BINDDN_PREFIX) + strlen(b);
		if ((binddn = malloc(len)) == NULL) {
			seterr(err, errsz, "out of memory");
			goto out;
		}
		n = snprintf(binddn, len, "%s%s", DEFAULT_BINDDN_PREFIX, b);
		if (n < 0 || (size_t)n != len - 1) {
			seterr(err, errsz, "binddn: cannot be derived");
			rc = DW_ERR_INVAL;
			goto out;
		}
	}
	if (c->bindpw_file == NULL &&
	    (pwfile = strdup(DEFAULT_BINDPW_FILE)) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	if (c->sendmail == NULL &&
	    (sendmail = strdup(DW_DEFAULT_SENDMAIL)) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	if (c->portal_url == NULL &&
	    (url = strdup(DW_DEFAULT_PORTAL_URL)) == NULL) {
		seterr(err, errsz, "out of memory");
		goto out;
	}
	if (base != NULL)
		c->base = base;
	if (binddn != NULL)
		c->binddn = binddn;
	if (pwfile != NULL)
		c->bindpw_file = pwfile;
	if (sendmail != NULL)
		c->sendmail = sendmail;
	if (url != NULL)
		c->portal_url = url;
	base = binddn = pwfile = sendmail = url = NULL;
	rc = DW_OK;
out:
	free(base);
	free(binddn);
	free(pwfile);
	free(sendmail);
	free(url);
	return rc;
}

int
dw_secret_file_read(const char *path, char *out, size_t outsz,
    size_t *outlen)
{
	struct stat	st;
	char		buf[DW_SECRET_MAX + 1];
	size_t		n = 0;
	int		fd = -1, rc = DW_ERR_INVAL;

	if (path == NULL || out == NULL)
		goto out;
	if ((rc = open_checked(path, &fd, &st, S_IRWXG | S_IRWXO)) != DW_OK)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (st.st_size > DW_SECRET_MAX)
		goto out;
	if ((rc = read_all(fd, buf, DW_SECRET_MAX, &n)) != DW_OK)
		goto out;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	rc = DW_ERR_INVAL;
	if (n == 0 || memchr(buf, '\0', n) != NULL)
		goto out;
	rc = DW_ERR_TOOLONG;
	if (outsz < n + 1)
		goto out;
	memcpy(out, buf, n);
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	rc = DW_OK;
out:
	if (fd != -1)
		close(fd);
	sodium_memzero(buf, sizeof(buf));
	return rc;
}
