/*
 * dw_conf.h: the client configuration shared by pam_dramwell and dwadm.
 *
 * File form: one "key value" per line, '#' comments, blank lines.  PAM
 * module arguments use the same keys as "key=value".  Keys:
 *   uri         LDAP URI list, space separated, tried in order (repeatable)
 *   base        directory suffix            (default dc=dramwell,dc=ai)
 *   binddn      service account DN          (default cn=portal,ou=services,BASE)
 *   bindpwfile  file holding its password   (default /etc/dramwell/portal.secret)
 *               an absolute path
 *   timeout     network timeout, seconds, 1..60 (default 5)
 *   sendmail    mail command of dwadm, words separated by blanks (no
 *               quoting, no shell), the first an absolute path, at most
 *               DW_CONF_CMD_MAX_ARGS words  (default DW_DEFAULT_SENDMAIL)
 *   portal-url  portal base URL of invitation links, https only (see
 *               dw_invite_url_check)        (default DW_DEFAULT_PORTAL_URL)
 * The PAM module ignores sendmail and portal-url (a file shared with dwadm
 * may hold them) but does not accept them as module arguments.
 * An unknown key, a missing value or an out-of-range value is an error
 * naming the line: configuration fails closed.
 */
#ifndef DW_CONF_H
#define DW_CONF_H

#include <stddef.h>
#include "dw_err.h"

#define DW_CONF_MAX_URIS	16
#define DW_CONF_FILE_MAX	65536	/* bytes of a config file */
#define DW_SECRET_MAX		1024	/* bytes of a secret file */
#define DW_DEFAULT_BASE		"dc=dramwell,dc=ai"
#define DW_DEFAULT_SENDMAIL	"/usr/sbin/sendmail -t -i"
#define DW_DEFAULT_PORTAL_URL	"https://admin.dramwell.ai"
#define DW_CONF_CMD_MAX		4096	/* bytes of a command line */
#define DW_CONF_CMD_MAX_ARGS	16	/* words of a command line */

struct dw_client_conf {
	char *uris[DW_CONF_MAX_URIS];	/* each one URI */
	size_t nuris;
	char *base;
	char *binddn;
	char *bindpw_file;
	unsigned timeout;
	char *sendmail;		/* command line */
	char *portal_url;
};

/* Zero and set defaults (uris empty; base, timeout set; binddn,
 * bindpw_file, sendmail and portal_url NULL until dw_client_conf_finish). */
void dw_client_conf_init(struct dw_client_conf *c);

/* Set one key.  err (may be NULL) receives a message for the caller. */
int dw_client_conf_set(struct dw_client_conf *c, const char *key,
    const char *value, char *err, size_t errsz);

/* Parse a file's text; errors name the line number. */
int dw_client_conf_parse(struct dw_client_conf *c, const char *text,
    size_t len, char *err, size_t errsz);

/* Read and parse path (O_NOFOLLOW, regular file, at most
 * DW_CONF_FILE_MAX).  A missing file with missing_ok set is not an error.
 * The file must be owned by root or the effective user and not writable
 * by group or others (it names the directory the PAM module trusts):
 * DW_ERR_UNSAFE otherwise.  Parsing fails whole: *c unchanged on error. */
int dw_client_conf_load(struct dw_client_conf *c, const char *path,
    int missing_ok, char *err, size_t errsz);

/* Fill derived defaults (binddn from base, bindpw_file, sendmail,
 * portal_url).  Call last.
 * uris may still be empty: the caller then uses libldap's own default
 * (ldap.conf, LDAPURI) or refuses to run. */
int dw_client_conf_finish(struct dw_client_conf *c, char *err, size_t errsz);

/* Free everything inside c (not c itself).  Accepts NULL. */
void dw_client_conf_free(struct dw_client_conf *c);

/*
 * Split a command line (as checked for the sendmail key: blanks separate
 * words, no quoting) for execv: buf receives a copy of cmd with a NUL
 * after each word, argv[0..*argc-1] point into buf and argv[*argc] is
 * NULL.  argvn counts the slots of argv including the final NULL.
 * DW_ERR_INVAL for a line that the sendmail key refuses (empty, control
 * bytes, first word not an absolute path); DW_ERR_TOOLONG when buf or
 * argv is too small or there are more than DW_CONF_CMD_MAX_ARGS words.
 * Nothing is written on error.
 */
int dw_command_split(const char *cmd, char *buf, size_t bufsz, char **argv,
    size_t argvn, size_t *argc);

/*
 * Read a secret (password) file: O_NOFOLLOW|O_CLOEXEC, must be a regular
 * file owned by root or the effective user, mode without group/other
 * permissions (DW_ERR_UNSAFE otherwise), at most DW_SECRET_MAX bytes.
 * One trailing newline is dropped.  out is NUL-terminated; *outlen set
 * (outlen may be NULL).  The caller wipes out with sodium_memzero.
 * Errors: DW_ERR_NOTFOUND (no such file), DW_ERR_UNSAFE (also a symbolic
 * link or not a regular file), DW_ERR_TOOLONG (file over the cap or out
 * too small), DW_ERR_INVAL (empty, or a NUL byte), DW_ERR_IO.
 */
int dw_secret_file_read(const char *path, char *out, size_t outsz,
    size_t *outlen);

#endif
