/*
 * maxrss: run a command and print its peak resident set size, in KiB,
 * on standard error as "maxrss_kib=N" (getrusage of the child, wait4).
 * Exit status: the command's.
 *
 * usage: maxrss COMMAND [ARG]...
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage	ru;
	pid_t		pid;
	int		st;

	if (argc < 2) {
		(void)fprintf(stderr, "usage: maxrss COMMAND [ARG]...\n");
		return 2;
	}
	if ((pid = fork()) < 0) {
		perror("maxrss: fork");
		return 2;
	}
	if (pid == 0) {
		(void)execvp(argv[1], argv + 1);
		perror("maxrss: exec");
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("maxrss: wait4");
		return 2;
	}
	(void)fprintf(stderr, "maxrss_kib=%ld\n", ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
