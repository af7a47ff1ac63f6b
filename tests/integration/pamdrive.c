/*
 * pamdrive: drive a PAM service from a private configuration directory
 * (pam_start_confdir), with a scripted conversation, for the tests.
 *
 *   pamdrive -d CONFDIR -s SERVICE [-u USER] [-a FILE] [-c MODE] [-r RHOST]
 *            [-R] [-E NAME=VALUE]... [-m FILE] [-k] [-e] [-U] OP...
 *
 *   -d CONFDIR  directory holding the service file (instead of /etc/pam.d)
 *   -s SERVICE  service name (file name in CONFDIR)
 *   -u USER     user name given to pam_start (else PAM prompts for it)
 *   -a FILE     answers, one per line, consumed by prompts in order
 *               ("-" or no -a: standard input).  Secrets stay out of argv.
 *               A line "!COMMAND" is answered with the first output line
 *               of "sh -c COMMAND", run when the prompt comes (so that a
 *               code can be computed from a secret shown earlier in the
 *               conversation; see -m).  A leading backslash is dropped
 *               and makes the rest literal ("\!x" answers "!x").
 *   -c MODE     conversation mode: "answer" (default), "again" (every
 *               prompt returns PAM_CONV_AGAIN), "error" (PAM_CONV_ERR)
 *   -r RHOST    set PAM_RHOST (may be empty: set to "")
 *   -E N=V      pam_putenv before the operations (repeatable)
 *   -m FILE     append the text of every message (info and error) to
 *               FILE as it arrives
 *   -k          keep going after an operation fails
 *   -e          after the operations, print the PAM environment ("env X")
 *   -U          after the operations, print PAM_USER ("user NAME")
 *   OP          authenticate, acct_mgmt, setcred, open_session,
 *               close_session, chauthtok, chauthtok_expired (with
 *               PAM_CHANGE_EXPIRED_AUTHTOK), putenv:NAME=VALUE,
 *               putenv:NAME (removes NAME); run in order, stopping at the
 *               first that fails unless -k
 *
 * Output (stdout), one line each, in the order things happened:
 *   prompt echo_off TEXT      a prompt (the answer is never printed)
 *   prompt echo_on TEXT
 *   info LINE / error LINE    every line of an info or error message
 *   OP PAM_CODE_NAME          for every operation run
 *   prompts N                 prompts the conversation received
 *   messages N                error and info messages it received
 * Exit status: 0 when every operation succeeded, 1 when one failed,
 * 2 on a usage or system error.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define ANSWERS_MAX	32
#define ANSWER_MAX	4096
#define PUTENV_MAX	16

enum conv_mode {
	CONV_ANSWER,
	CONV_AGAIN,
	CONV_ERROR,
};

struct script {
	char		*answers[ANSWERS_MAX];
	size_t		 nanswers;
	size_t		 next;
	unsigned	 prompts;
	unsigned	 messages;
	enum conv_mode	 mode;
	FILE		*msgfile;
};

static const struct {
	int		 code;
	const char	*name;
} pam_codes[] = {
	{ PAM_SUCCESS, "PAM_SUCCESS" },
	{ PAM_OPEN_ERR, "PAM_OPEN_ERR" },
	{ PAM_SYMBOL_ERR, "PAM_SYMBOL_ERR" },
	{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
	{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
	{ PAM_BUF_ERR, "PAM_BUF_ERR" },
	{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
	{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
	{ PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT" },
	{ PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
	{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
	{ PAM_MAXTRIES, "PAM_MAXTRIES" },
	{ PAM_NEW_AUTHTOK_REQD, "PAM_NEW_AUTHTOK_REQD" },
	{ PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED" },
	{ PAM_SESSION_ERR, "PAM_SESSION_ERR" },
	{ PAM_CRED_UNAVAIL, "PAM_CRED_UNAVAIL" },
	{ PAM_CRED_EXPIRED, "PAM_CRED_EXPIRED" },
	{ PAM_CRED_ERR, "PAM_CRED_ERR" },
	{ PAM_NO_MODULE_DATA, "PAM_NO_MODULE_DATA" },
	{ PAM_CONV_ERR, "PAM_CONV_ERR" },
	{ PAM_AUTHTOK_ERR, "PAM_AUTHTOK_ERR" },
	{ PAM_AUTHTOK_RECOVERY_ERR, "PAM_AUTHTOK_RECOVERY_ERR" },
	{ PAM_AUTHTOK_LOCK_BUSY, "PAM_AUTHTOK_LOCK_BUSY" },
	{ PAM_AUTHTOK_DISABLE_AGING, "PAM_AUTHTOK_DISABLE_AGING" },
	{ PAM_TRY_AGAIN, "PAM_TRY_AGAIN" },
	{ PAM_IGNORE, "PAM_IGNORE" },
	{ PAM_ABORT, "PAM_ABORT" },
	{ PAM_AUTHTOK_EXPIRED, "PAM_AUTHTOK_EXPIRED" },
	{ PAM_MODULE_UNKNOWN, "PAM_MODULE_UNKNOWN" },
	{ PAM_BAD_ITEM, "PAM_BAD_ITEM" },
	{ PAM_CONV_AGAIN, "PAM_CONV_AGAIN" },
	{ PAM_INCOMPLETE, "PAM_INCOMPLETE" },
};

static const char *
pam_code_name(int code)
{
	size_t	i;

	for (i = 0; i < sizeof(pam_codes) / sizeof(pam_codes[0]); i++)
		if (pam_codes[i].code == code)
			return pam_codes[i].name;
	return "PAM_UNKNOWN_CODE";
}

static void
free_responses(struct pam_response *r, int n)
{
	int	i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
}

/* Print each line of a message with a prefix ("info", "error"). */
static void
print_message(const char *kind, const char *text)
{
	const char	*p = text, *nl;

	do {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			printf("%s %s\n", kind, p);
			break;
		}
		printf("%s %.*s\n", kind, (int)(nl - p), p);
		p = nl + 1;
	} while (*p != '\0');
}

/* The answer to the next prompt: a literal line, or the first output
 * line of a command.  NULL on failure. */
static char *
next_answer(struct script *s)
{
	const char	*a = s->answers[s->next++];
	char		 line[ANSWER_MAX];
	FILE		*p;
	size_t		 len;
	int		 st;

	if (a[0] == '\\')
		return strdup(a + 1);
	if (a[0] != '!')
		return strdup(a);
	if (s->msgfile != NULL)
		fflush(s->msgfile);
	fflush(stdout);
	if ((p = popen(a + 1, "r")) == NULL) {
		perror("popen");
		return NULL;
	}
	line[0] = '\0';
	if (fgets(line, sizeof(line), p) == NULL)
		line[0] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	if (st != 0) {
		fprintf(stderr, "pamdrive: answer command failed (%d)\n", st);
		return NULL;
	}
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	return strdup(line);
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct script		*s = appdata;
	struct pam_response	*r;
	const char		*text;
	int			 i, echo;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		text = msg[i]->msg != NULL ? msg[i]->msg : "";
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			echo = msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
			s->prompts++;
			printf("prompt %s %s\n", echo ? "echo_on" : "echo_off",
			    text);
			if (s->mode == CONV_AGAIN) {
				free_responses(r, n);
				return PAM_CONV_AGAIN;
			}
			if (s->mode == CONV_ERROR || s->next >= s->nanswers) {
				free_responses(r, n);
				return PAM_CONV_ERR;
			}
			if ((r[i].resp = next_answer(s)) == NULL) {
				free_responses(r, n);
				return PAM_CONV_ERR;
			}
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			s->messages++;
			print_message(msg[i]->msg_style == PAM_ERROR_MSG ?
			    "error" : "info", text);
			if (s->msgfile != NULL) {
				fprintf(s->msgfile, "%s\n", text);
				fflush(s->msgfile);
			}
			break;
		default:
			free_responses(r, n);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static int
read_answers(struct script *s, const char *path)
{
	FILE	*f;
	char	 line[ANSWER_MAX];
	size_t	 len;
	int	 rc = -1;

	if (path == NULL || strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "re")) == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			fprintf(stderr, "pamdrive: answer line too long\n");
			goto out;
		}
		if (s->nanswers >= ANSWERS_MAX) {
			fprintf(stderr, "pamdrive: too many answers\n");
			goto out;
		}
		if ((s->answers[s->nanswers] = strdup(line)) == NULL) {
			perror("strdup");
			goto out;
		}
		s->nanswers++;
	}
	if (ferror(f)) {
		perror("read");
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(line, sizeof(line));
	if (f != stdin)
		fclose(f);
	return rc;
}

static const char *const op_names[] = {
	"authenticate", "acct_mgmt", "setcred", "open_session",
	"close_session", "chauthtok", "chauthtok_expired",
};

static int
op_known(const char *op)
{
	size_t	i;

	if (strncmp(op, "putenv:", 7) == 0 && op[7] != '\0' && op[7] != '=')
		return 1;
	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcmp(op, op_names[i]) == 0)
			return 1;
	return 0;
}

static int
run_op(pam_handle_t *pamh, const char *op, int *code)
{
	if (strcmp(op, "authenticate") == 0)
		*code = pam_authenticate(pamh, 0);
	else if (strcmp(op, "acct_mgmt") == 0)
		*code = pam_acct_mgmt(pamh, 0);
	else if (strcmp(op, "setcred") == 0)
		*code = pam_setcred(pamh, PAM_ESTABLISH_CRED);
	else if (strcmp(op, "open_session") == 0)
		*code = pam_open_session(pamh, 0);
	else if (strcmp(op, "close_session") == 0)
		*code = pam_close_session(pamh, 0);
	else if (strcmp(op, "chauthtok") == 0)
		*code = pam_chauthtok(pamh, 0);
	else if (strcmp(op, "chauthtok_expired") == 0)
		*code = pam_chauthtok(pamh, PAM_CHANGE_EXPIRED_AUTHTOK);
	else if (strncmp(op, "putenv:", 7) == 0)
		*code = pam_putenv(pamh, op + 7);
	else
		return -1;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: pamdrive -d CONFDIR -s SERVICE [-u USER] "
	    "[-a FILE] [-c answer|again|error] [-r RHOST] [-E NAME=VALUE]... "
	    "[-m FILE] [-k] [-e] [-U] OP...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct script	 s;
	struct pam_conv	 pc;
	pam_handle_t	*pamh = NULL;
	const char	*confdir = NULL, *service = NULL, *user = NULL;
	const char	*answers = NULL, *rhost = NULL, *msgpath = NULL;
	const char	*putenvs[PUTENV_MAX];
	const void	*item;
	char		**env, **ep;
	int		 ch, i, code = PAM_SUCCESS, last = PAM_SUCCESS;
	int		 print_env = 0, print_user = 0, keep_going = 0;
	int		 status = 2;
	size_t		 k, nputenv = 0;

	memset(&s, 0, sizeof(s));
	s.mode = CONV_ANSWER;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt(argc, argv, "d:s:u:a:c:r:E:m:keU")) != -1) {
		switch (ch) {
		case 'd':
			confdir = optarg;
			break;
		case 's':
			service = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'a':
			answers = optarg;
			break;
		case 'c':
			if (strcmp(optarg, "answer") == 0)
				s.mode = CONV_ANSWER;
			else if (strcmp(optarg, "again") == 0)
				s.mode = CONV_AGAIN;
			else if (strcmp(optarg, "error") == 0)
				s.mode = CONV_ERROR;
			else
				usage();
			break;
		case 'r':
			rhost = optarg;
			break;
		case 'E':
			if (nputenv >= PUTENV_MAX ||
			    strchr(optarg, '=') == NULL)
				usage();
			putenvs[nputenv++] = optarg;
			break;
		case 'm':
			msgpath = optarg;
			break;
		case 'k':
			keep_going = 1;
			break;
		case 'e':
			print_env = 1;
			break;
		case 'U':
			print_user = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (confdir == NULL || service == NULL || argc == 0)
		usage();
	for (i = 0; i < argc; i++)
		if (!op_known(argv[i]))
			usage();
	if (s.mode == CONV_ANSWER && read_answers(&s, answers) == -1)
		goto out;
	if (msgpath != NULL && (s.msgfile = fopen(msgpath, "ae")) == NULL) {
		perror(msgpath);
		goto out;
	}

	pc.conv = conv;
	pc.appdata_ptr = &s;
	if ((code = pam_start_confdir(service, user, &pc, confdir, &pamh)) !=
	    PAM_SUCCESS) {
		fprintf(stderr, "pamdrive: pam_start_confdir: %s\n",
		    pam_code_name(code));
		goto out;
	}
	if (rhost != NULL &&
	    (code = pam_set_item(pamh, PAM_RHOST, rhost)) != PAM_SUCCESS) {
		fprintf(stderr, "pamdrive: PAM_RHOST: %s\n",
		    pam_code_name(code));
		pam_end(pamh, code);
		goto out;
	}
	for (k = 0; k < nputenv; k++) {
		if ((code = pam_putenv(pamh, putenvs[k])) != PAM_SUCCESS) {
			fprintf(stderr, "pamdrive: pam_putenv: %s\n",
			    pam_code_name(code));
			pam_end(pamh, code);
			goto out;
		}
	}
	status = 0;
	for (i = 0; i < argc; i++) {
		(void)run_op(pamh, argv[i], &code);
		printf("%s %s\n", argv[i], pam_code_name(code));
		if (code != PAM_SUCCESS) {
			last = code;
			status = 1;
			if (!keep_going)
				break;
		}
	}
	printf("prompts %u\n", s.prompts);
	printf("messages %u\n", s.messages);
	if (print_user) {
		if (pam_get_item(pamh, PAM_USER, &item) == PAM_SUCCESS &&
		    item != NULL)
			printf("user %s\n", (const char *)item);
		else
			printf("user -\n");
	}
	if (print_env && (env = pam_getenvlist(pamh)) != NULL) {
		for (ep = env; *ep != NULL; ep++) {
			printf("env %s\n", *ep);
			free(*ep);
		}
		free(env);
	}
	pam_end(pamh, last);
out:
	if (s.msgfile != NULL)
		fclose(s.msgfile);
	for (k = 0; k < s.nanswers; k++) {
		explicit_bzero(s.answers[k], strlen(s.answers[k]));
		free(s.answers[k]);
	}
	return status;
}
