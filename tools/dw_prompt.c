/*
 * dw_prompt.c: reading passwords, never from argv: a prompt with echo off
 * on /dev/tty, or one line of standard input (--password-stdin).
 *
 * Bytes are read one at a time with read(2) straight into the caller's
 * (sodium_malloc) buffer, so no stdio buffer keeps a copy.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "dw_totp.h"
#include "dwadm.h"

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* The signals that would otherwise leave the terminal with echo off. */
static const int tty_signals[] = {
	SIGINT, SIGHUP, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define NSIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

bool
dwadm_have_tty(void)
{
	int	fd;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	(void)close(fd);
	return true;
}

enum line_end {
	LINE_OK,
	LINE_EOF_EMPTY,		/* end of input before any byte */
	LINE_TOOLONG,
	LINE_NUL,
	LINE_ERROR,
	LINE_SIGNAL,
};

/* Read up to a newline or end of input from fd into out. */
static enum line_end
read_line(int fd, char *out, size_t outsz, size_t *outlen)
{
	size_t	n = 0;
	ssize_t	r;
	char	c;
	int	toolong = 0, nul = 0;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0) {
			if (errno == EINTR && got_signal == 0)
				continue;
			c = 0;
			return got_signal != 0 ? LINE_SIGNAL : LINE_ERROR;
		}
		if (r == 0) {
			if (n == 0 && !toolong)
				return LINE_EOF_EMPTY;
			break;
		}
		if (c == '\n')
			break;
		if (c == '\0')
			nul = 1;
		if (n + 1 >= outsz || n >= DW_PASSWD_MAX)
			toolong = 1;
		else
			out[n++] = c;
	}
	c = 0;
	out[n] = '\0';
	*outlen = n;
	if (toolong)
		return LINE_TOOLONG;
	if (nul)
		return LINE_NUL;
	return LINE_OK;
}

static int
tty_read(const char *prompt, char *out, size_t outsz, size_t *outlen,
    enum line_end *end)
{
	struct sigaction	sa, saved[NSIGNALS];
	struct termios		old, noecho;
	size_t			i;
	ssize_t			nl;
	int			fd, restore = 0, sig;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return dwadm_fail("no terminal to ask for the password on; "
		    "use --password-stdin");
	got_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a signal ends the read */
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &sa, &saved[i]);
	/* Never read a password with echo on. */
	if (tcgetattr(fd, &old) != 0) {
		*end = LINE_ERROR;
		goto restore_signals;
	}
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &noecho) != 0) {
		*end = LINE_ERROR;
		goto restore_signals;
	}
	restore = 1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		*end = LINE_ERROR;
		goto restore_tty;
	}
	*end = read_line(fd, out, outsz, outlen);
	/* The user's Enter was not echoed. */
	nl = write(fd, "\n", 1);
	(void)nl;
restore_tty:
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
restore_signals:
	for (i = 0; i < NSIGNALS; i++)
		(void)sigaction(tty_signals[i], &saved[i], NULL);
	(void)close(fd);
	sig = got_signal;
	if (sig != 0) {
		sodium_memzero(out, outsz);
		/* Now that the terminal is back, take the signal as usual. */
		(void)raise(sig);
		*end = LINE_SIGNAL;
	}
	return 0;
}

int
dwadm_read_password(bool from_stdin, const char *prompt, char *out,
    size_t outsz, size_t *outlen)
{
	return dwadm_read_secret(from_stdin, prompt, "password", out, outsz,
	    outlen);
}

int
dwadm_read_secret(bool from_stdin, const char *prompt, const char *what,
    char *out, size_t outsz, size_t *outlen)
{
	enum line_end	end = LINE_ERROR;
	size_t		len = 0;
	int		ret = DWADM_EXIT_FAIL;

	if (from_stdin)
		end = read_line(STDIN_FILENO, out, outsz, &len);
	else if (tty_read(prompt, out, outsz, &len, &end) != 0)
		goto out;
	switch (end) {
	case LINE_OK:
		if (len == 0) {
			ret = dwadm_fail("empty %s", what);
			goto out;
		}
		*outlen = len;
		return 0;
	case LINE_EOF_EMPTY:
		ret = dwadm_fail("no %s given (end of input)", what);
		break;
	case LINE_TOOLONG:
		ret = dwadm_fail("%s longer than %d bytes", what,
		    DW_PASSWD_MAX);
		break;
	case LINE_NUL:
		ret = dwadm_fail("%s contains a NUL byte", what);
		break;
	case LINE_SIGNAL:
		ret = dwadm_fail("interrupted");
		break;
	case LINE_ERROR:
	default:
		ret = dwadm_fail("cannot read the %s", what);
		break;
	}
out:
	sodium_memzero(out, outsz);
	return ret;
}

int
dwadm_read_code(bool from_stdin, const char *prompt, bool recovery_ok,
    char *out, size_t outsz, size_t *outlen)
{
	char	*line;
	size_t	 len = 0, i, n = 0;
	int	 ret = DWADM_EXIT_FAIL;

	if ((line = sodium_malloc(DW_PASSWD_MAX + 2)) == NULL)
		return dwadm_fail("out of memory");
	if (dwadm_read_secret(from_stdin, prompt, "verification code", line,
	    DW_PASSWD_MAX + 2, &len) != 0)
		goto out;
	/* Authenticator apps show "123 456": blanks are not part of it. */
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			line[n++] = line[i];
	line[n] = '\0';
	if (!dw_totp_code_form(line, n) &&
	    !(recovery_ok && dw_recovery_code_form(line, n))) {
		ret = dwadm_fail(recovery_ok ? "not a verification code (6 "
		    "digits) or a recovery code (xxxxx-xxxxx)" :
		    "not a verification code (6 digits)");
		goto out;
	}
	if (n + 1 > outsz) {
		ret = dwadm_fail("verification code too long");
		goto out;
	}
	memcpy(out, line, n + 1);
	*outlen = n;
	ret = 0;
out:
	sodium_memzero(line, DW_PASSWD_MAX + 2);
	sodium_free(line);
	if (ret != 0)
		sodium_memzero(out, outsz);
	return ret;
}

void
dwadm_secret_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	sodium_free(p);
}
