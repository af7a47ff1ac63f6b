/*
 * cmd_server.c: "dwadm server ...": run the local-server runner
 * (dwadm-server) with the remaining arguments.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwadm.h"

#ifndef DW_PKGLIBEXECDIR
#define DW_PKGLIBEXECDIR "/usr/libexec/dramwell"
#endif
#define RUNNER_NAME	"dwadm-server"

static const char server_help[] =
"usage: dwadm server start  --state DIR [--port N] [--suffix DN]\n"
"                           [--format conf|ldif] [--loglevel LEVEL]\n"
"                           [--argon2-memory KIB] [--argon2-iterations N]\n"
"                           [--overlay-option 'KEY VALUE']...\n"
"       dwadm server stop   --state DIR\n"
"       dwadm server status --state DIR\n"
"       dwadm server config --state DIR [start options]\n"
"\n"
"Run a local DramWell directory: Debian's slapd with the dramwell overlay\n"
"and schema, its LMDB databases in DIR, listening on ldap://127.0.0.1:PORT\n"
"and on the ldapi socket DIR/ldapi.  \"stop\" ends only the slapd started\n"
"in DIR.  \"config\" writes DIR/slapd.conf without starting.\n"
"\n"
"The runner is " DW_PKGLIBEXECDIR "/" RUNNER_NAME " ($DW_SERVER overrides).\n";

int
dwadm_cmd_server(struct dwadm *d, int argc, char **argv)
{
	const char	*runner;
	char		**args;
	int		 i;

	(void)d;
	if (argc < 2)
		return dwadm_usage_error("server: give start, stop, status or "
		    "config (see dwadm server --help)");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			(void)fputs(server_help, stdout);
			return DWADM_EXIT_OK;
		}
	}
	if (strcmp(argv[1], "start") != 0 && strcmp(argv[1], "stop") != 0 &&
	    strcmp(argv[1], "status") != 0 && strcmp(argv[1], "config") != 0)
		return dwadm_usage_error("server: unknown action \"%s\" (see "
		    "dwadm server --help)", argv[1]);

	/* secure_getenv: a set-id context never takes the runner from the
	 * environment. */
	runner = secure_getenv("DW_SERVER");
	if (runner == NULL || runner[0] == '\0')
		runner = DW_PKGLIBEXECDIR "/" RUNNER_NAME;

	/* argv[0] becomes the runner's name; the rest passes through. */
	if ((args = calloc((size_t)argc + 1, sizeof(*args))) == NULL)
		return dwadm_fail("out of memory");
	args[0] = (char *)RUNNER_NAME;
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	(void)fflush(stdout);
	execv(runner, args);
	i = errno;
	free(args);
	return dwadm_fail("cannot run %s: %s", runner, strerror(i));
}
