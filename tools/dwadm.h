/*
 * dwadm.h: shared declarations of the dwadm admin CLI.
 *
 * dwadm is a thin libldap client: it connects to the first URI that
 * answers, binds as a named admin (or as root with SASL EXTERNAL over
 * ldapi), and does one command.  Every failure ends in exactly one line
 * "dwadm: <reason>" on stderr; secrets never reach argv, output or errors.
 */
#ifndef DWADM_H
#define DWADM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ldap.h>

#include "dw_conf.h"
#include "dw_email.h"
#include "dw_passwd.h"

/* Exit statuses (see dwadm(8)). */
#define DWADM_EXIT_OK		0
#define DWADM_EXIT_FAIL		1	/* the command failed */
#define DWADM_EXIT_USAGE	2	/* bad command line */

#define DWADM_DN_MAX		1024	/* bytes of a DN we build */

enum dwadm_auth {
	DWADM_AUTH_NONE = 0,	/* no identity given */
	DWADM_AUTH_EXTERNAL,	/* -Y EXTERNAL */
	DWADM_AUTH_ADMIN,	/* --as EMAIL */
};

/* Global options and the state shared by the commands. */
struct dwadm {
	struct dw_client_conf conf;	/* uris, base, timeout */
	const char *uris[DW_CONF_MAX_URIS]; /* -H values, or the config's */
	size_t nuris;
	const char *base;		/* -b, or the config's base */
	enum dwadm_auth auth;
	char as_email[DW_EMAIL_MAX + 1]; /* normalised --as address */
	bool password_stdin;		/* --password-stdin */
	bool mfa;			/* --mfa: a code follows the password */
	bool json;			/* --json (global form) */
	LDAP *ld;			/* bound connection, or NULL */
	char uri_used[512];		/* the URI that answered */
};

/* ---- errors (dwadm.c) */

/* Print "dwadm: <fmt>" as one line on stderr (control characters in the
 * formatted text become spaces).  Returns DWADM_EXIT_FAIL. */
int dwadm_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* The same for a bad command line; returns DWADM_EXIT_USAGE. */
int dwadm_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* ---- set-up (dwadm.c) */

/*
 * Load the config file, apply -H and -b over it and check the base.
 * Commands that talk to the directory call it first.  0, or an error
 * line printed and a non-zero exit status.
 */
int dwadm_setup(struct dwadm *d);

/* ---- connection (dw_ldapconn.c) */

/*
 * Connect to the first URI that answers and bind with the identity of
 * the global options.  An admin password is read once (prompt or stdin)
 * before the first attempt and wiped after the bind; with d->mfa a
 * verification code (or recovery code) is read after it and appended to
 * the password, as the overlay expects of an MFA user.  On failure prints
 * the error line and returns DWADM_EXIT_FAIL; on success 0, d->ld set.
 */
int dwadm_connect(struct dwadm *d);

/* Unbind and forget the connection.  Accepts d->ld == NULL. */
void dwadm_disconnect(struct dwadm *d);

/*
 * Print the error line for an LDAP result: "<what>: <clear words>" and
 * the server's diagnostic text when it sent one.  ld may be NULL.
 * Returns DWADM_EXIT_FAIL.
 */
int dwadm_ldap_fail(LDAP *ld, int rc, const char *what);

/* The same text without printing it: clear words and the diagnostic. */
void dwadm_ldap_describe(LDAP *ld, int rc, char *out, size_t outsz);

/* Clear English words for an LDAP result code. */
const char *dwadm_ldap_words(int rc);

/*
 * The DN of admin EMAIL (already normalised): uid=EMAIL,ou=admins,BASE,
 * the value escaped as RFC 4514 says.  0, or an error line printed and
 * DWADM_EXIT_FAIL.
 */
int dwadm_admin_dn(const char *base, const char *email, char *out,
    size_t outsz);

/* Check that base is a valid LDAPv3 DN.  0 or DWADM_EXIT_USAGE (printed). */
int dwadm_check_base(const char *base);

/* ---- secrets (dw_prompt.c) */

/*
 * Read a password: with from_stdin, one line of standard input (the
 * newline dropped); otherwise with echo off from /dev/tty after prompt.
 * out (outsz bytes, from sodium_malloc) is NUL-terminated, *outlen set.
 * An empty password, a NUL byte or more than DW_PASSWD_MAX bytes is an
 * error.  0, or an error line printed and DWADM_EXIT_FAIL; out is wiped
 * on failure.
 */
int dwadm_read_password(bool from_stdin, const char *prompt, char *out,
    size_t outsz, size_t *outlen);

/* The same for another secret; what ("password", "invitation token")
 * names it in the error lines. */
int dwadm_read_secret(bool from_stdin, const char *prompt, const char *what,
    char *out, size_t outsz, size_t *outlen);

/*
 * Read a second factor for a bind or an enrollment: with from_stdin the
 * next line of standard input, otherwise prompt on /dev/tty with echo
 * off.  Accepts a 6-digit TOTP code, and with recovery_ok also a
 * recovery code ("xxxxx-xxxxx").  out holds at least
 * DWADM_CODE_BUF bytes.  0, or an error line printed and
 * DWADM_EXIT_FAIL (out wiped).
 */
#define DWADM_CODE_BUF		32
int dwadm_read_code(bool from_stdin, const char *prompt, bool recovery_ok,
    char *out, size_t outsz, size_t *outlen);

/* Is there a terminal to prompt on? */
bool dwadm_have_tty(void);

/* Wipe the len bytes of p (from sodium_malloc) and free it; NULL is
 * nothing. */
void dwadm_secret_free(void *p, size_t len);

/* ---- output (dw_output.c) */

/* Write s as a JSON string (quotes included), escaping as RFC 8259
 * requires; invalid UTF-8 becomes U+FFFD.  s == NULL writes null. */
void dwadm_json_str(FILE *f, const char *s);

/* Copy s into out for a terminal: control characters and invalid UTF-8
 * become '?'.  Returns the display width in characters. */
size_t dwadm_term_clean(const char *s, char *out, size_t outsz);

/* Is s valid UTF-8 without control characters? */
bool dwadm_text_ok(const char *s);

/* "YYYYMMDDHHMMSSZ" -> "YYYY-MM-DDTHH:MM:SSZ"; a value that does not
 * parse is copied as it is. */
void dwadm_time_iso(const char *gentime, char *out, size_t outsz);

/* gentime as an ISO 8601 JSON string (dwadm_time_iso) on stdout; NULL
 * writes null. */
void dwadm_json_time(const char *gentime);

/* Table cells on stdout: s cleaned (dwadm_term_clean; NULL shows "-",
 * at most DWADM_CELL_MAX bytes), then padded to width + 2 display
 * characters, or with last a newline instead.  dwadm_cell_width is the
 * display width dwadm_cell gives s. */
#define DWADM_CELL_MAX		1024
void dwadm_cell(const char *s, size_t width, bool last);
size_t dwadm_cell_width(const char *s);

/* ---- directory helpers (dw_entry.c) */

/* Exit status of "authz check" when no answer could be had. */
#define DWADM_EXIT_UNDECIDED	3

/* The first value of attr in entry e, NUL-terminated (a NUL inside the
 * value ends it), or NULL.  Caller frees. */
char *dwadm_first_value(LDAP *ld, LDAPMessage *e, const char *attr);

/* "RDN,BASE" into out; 0, or an error line printed and DWADM_EXIT_FAIL. */
int dwadm_child_dn(const char *rdn, const char *base, char *out,
    size_t outsz);

/* The DN of role NAME (checked with dw_role_name_check: a usage error
 * otherwise): cn=NAME,ou=roles,BASE. */
int dwadm_role_dn(const char *base, const char *name, char *out,
    size_t outsz);

/*
 * Read one entry (base scope, filter, attrs) into *res / *e.  Returns
 * LDAP_SUCCESS with *e set, LDAP_NO_SUCH_OBJECT when the entry does not
 * exist or does not match (nothing printed), or another LDAP code (not
 * printed).  The caller frees *res with ldap_msgfree in every case.
 */
int dwadm_read_entry(LDAP *ld, const char *dn, const char *filter,
    char **attrs, LDAPMessage **res, LDAPMessage **e);

/* Normalise an e-mail argument; a usage error "CMD: not a valid e-mail
 * address" otherwise. */
int dwadm_email_arg(const char *cmd, const char *arg, char *out,
    size_t outsz);

/*
 * Connect to the first URI that answers, without binding (anonymous).
 * The same failover and error lines as dwadm_connect.
 */
int dwadm_connect_anon(struct dwadm *d);

/* "uid=EMAIL,ou=admins,..." -> EMAIL when dn names an admin entry under
 * base; otherwise dn itself.  out always NUL-terminated. */
void dwadm_dn_to_email(const char *dn, const char *base, char *out,
    size_t outsz);

/*
 * Search with the paged-results control (RFC 2696, DWADM_PAGE_SIZE
 * entries a page), so that memory stays flat at any size: fn(arg, ld, e)
 * is called for each entry; a non-zero return stops the search (the
 * server is told to drop the rest) and is stored in *stop.  Returns the
 * LDAP result code of the search (LDAP_SUCCESS after a stop); prints
 * nothing.
 */
#define DWADM_PAGE_SIZE		500
typedef int (*dwadm_entry_fn)(void *arg, LDAP *ld, LDAPMessage *e);
int dwadm_paged_search(LDAP *ld, const char *base, int scope,
    const char *filter, char **attrs, dwadm_entry_fn fn, void *arg,
    int *stop);

/* The values of attr in e as C strings: a NULL-terminated array (empty
 * when e has no such attribute), their count in *n (n may be NULL); NULL
 * when out of memory.  Free with dwadm_values_free. */
char **dwadm_values(LDAP *ld, LDAPMessage *e, const char *attr, size_t *n);
void dwadm_values_free(char **v);

/*
 * SEQUENCE { OCTET STRING... } of the n strings into out (outsz bytes),
 * the request value of the accept-invite and MFA extended operations,
 * built in the caller's memory (sodium memory for secrets).  Returns the
 * length, or 0 when it does not fit (or a string is over 64 KiB).
 */
size_t dwadm_ber_strings(const char *const *s, const size_t *len, size_t n,
    unsigned char *out, size_t outsz);

/* ---- mail (dw_mail.c) */

/*
 * Run the command line cmd (dw_command_split: no shell) with msg on its
 * standard input, its standard output discarded.  0 when it exits 0;
 * otherwise an error line "what: reason" printed (with the first line of
 * the command's standard error, which never holds msg) and
 * DWADM_EXIT_FAIL.
 */
int dwadm_sendmail(const char *cmd, const char *msg, size_t len,
    const char *what);

/* Check, before anything is written, that cmd can be run. */
int dwadm_sendmail_check(const char *cmd);

/* ---- commands */
int dwadm_cmd_init(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_user(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_server(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_role(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_authz(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_security(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_mfa(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_session(struct dwadm *d, int argc, char **argv);
int dwadm_cmd_audit(struct dwadm *d, int argc, char **argv);

/* user subcommands (cmd_invite.c, cmd_lifecycle.c): argv[0] is the
 * subcommand name. */
int dwadm_user_invite(struct dwadm *d, int argc, char **argv);
int dwadm_user_resend(struct dwadm *d, int argc, char **argv);
int dwadm_user_revoke(struct dwadm *d, int argc, char **argv);
int dwadm_user_accept(struct dwadm *d, int argc, char **argv);
int dwadm_user_list_pending(struct dwadm *d);
int dwadm_user_set_role(struct dwadm *d, int argc, char **argv);
int dwadm_user_set_status(struct dwadm *d, int argc, char **argv);

#endif
