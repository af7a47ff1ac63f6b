/*
 * dw_mail.c: handing a message to the local mail system through the
 * sendmail interface ("sendmail -t -i": recipients from the headers, the
 * message on standard input).  The command line comes from the
 * configuration (key sendmail) or --sendmail; it is split on blanks and
 * run with execv, never through a shell.  The message (it holds an
 * invitation link) travels only through the pipe.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwadm.h"

#define ERRLINE_MAX	200	/* bytes of the command's error line shown */

struct split_cmd {
	char	 buf[DW_CONF_CMD_MAX + 1];
	char	*argv[DW_CONF_CMD_MAX_ARGS + 1];
	size_t	 argc;
};

static int
split(const char *cmd, struct split_cmd *sc)
{
	if (dw_command_split(cmd, sc->buf, sizeof(sc->buf), sc->argv,
	    DW_CONF_CMD_MAX_ARGS + 1, &sc->argc) != DW_OK)
		return dwadm_fail("sendmail: not a command line starting "
		    "with an absolute path");
	return 0;
}

int
dwadm_sendmail_check(const char *cmd)
{
	struct split_cmd	sc;
	int			rc;

	if ((rc = split(cmd, &sc)) != 0)
		return rc;
	if (access(sc.argv[0], X_OK) != 0)
		return dwadm_fail("sendmail: cannot run %s: %s", sc.argv[0],
		    strerror(errno));
	return 0;
}

/* Write all of buf to fd; 0 or -1 (errno set). */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	r;

	while (len > 0) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* The first line of what the command wrote to its standard error. */
static void
first_line(FILE *f, char *out, size_t outsz)
{
	size_t	n, i;

	out[0] = '\0';
	if (f == NULL || fseek(f, 0, SEEK_SET) != 0)
		return;
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (out[i] == '\n' || out[i] == '\r') {
			out[i] = '\0';
			break;
		}
}

int
dwadm_sendmail(const char *cmd, const char *msg, size_t len,
    const char *what)
{
	struct sigaction	 ign, old;
	struct split_cmd	 sc;
	char			 line[ERRLINE_MAX + 1];
	FILE			*errf = NULL;
	pid_t			 pid, w;
	int			 p[2] = { -1, -1 }, status, devnull = -1;
	int			 ret = DWADM_EXIT_FAIL, werr = 0, saved;

	if ((ret = split(cmd, &sc)) != 0)
		return ret;
	ret = DWADM_EXIT_FAIL;
	if ((errf = tmpfile()) == NULL ||
	    (devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0 ||
	    pipe2(p, O_CLOEXEC) != 0) {
		ret = dwadm_fail("%s: cannot prepare to run sendmail: %s",
		    what, strerror(errno));
		goto out;
	}
	(void)fflush(NULL);
	if ((pid = fork()) < 0) {
		ret = dwadm_fail("%s: cannot run sendmail: %s", what,
		    strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(p[0], STDIN_FILENO) < 0 ||
		    dup2(devnull, STDOUT_FILENO) < 0 ||
		    dup2(fileno(errf), STDERR_FILENO) < 0)
			_exit(126);
		execv(sc.argv[0], sc.argv);
		(void)dprintf(STDERR_FILENO, "cannot execute %s: %s\n",
		    sc.argv[0], strerror(errno));
		_exit(127);
	}
	(void)close(p[0]);
	p[0] = -1;
	/* A command that exits early must not kill dwadm with SIGPIPE. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	(void)sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGPIPE, &ign, &old);
	if (write_all(p[1], msg, len) != 0)
		werr = errno;
	(void)close(p[1]);
	p[1] = -1;
	(void)sigaction(SIGPIPE, &old, NULL);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0) {
		saved = errno;
		ret = dwadm_fail("%s: sendmail: %s", what, strerror(saved));
		goto out;
	}
	first_line(errf, line, sizeof(line));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && werr == 0) {
		ret = 0;
		goto out;
	}
	if (WIFSIGNALED(status))
		ret = dwadm_fail("%s: sendmail killed by signal %d%s%s", what,
		    WTERMSIG(status), line[0] != '\0' ? ": " : "", line);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		ret = dwadm_fail("%s: sendmail exited with status %d%s%s",
		    what, WEXITSTATUS(status), line[0] != '\0' ? ": " : "",
		    line);
	else
		ret = dwadm_fail("%s: sendmail did not read the message: %s",
		    what, strerror(werr));
out:
	if (p[0] >= 0)
		(void)close(p[0]);
	if (p[1] >= 0)
		(void)close(p[1]);
	if (devnull >= 0)
		(void)close(devnull);
	if (errf != NULL)
		(void)fclose(errf);
	return ret;
}
