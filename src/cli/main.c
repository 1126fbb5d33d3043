/*
 * jailnet: run a FreeBSD two-server jail system on Linux.  main() finds the
 * command and runs it; each command lives in its own cmd_*.c file.  This is
 * the one place that exits.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "jail/jail_init.h"
#include "cli/cli.h"
#include "cli/cmd_bundle.h"
#include "cli/cmd_dns.h"
#include "cli/cmd_exec.h"
#include "cli/cmd_ssh.h"
#include "cli/cmd_pf.h"
#include "cli/cmd_pflog.h"
#include "cli/cmd_up.h"
#include "cli/cmd_reload.h"
#include "cli/cmd_diff.h"
#include "cli/cmd_verify.h"

/* The Makefile passes the version from the file VERSION, its one place. */
#ifndef JAILNET_VERSION
#error "JAILNET_VERSION must be defined (the Makefile reads it from VERSION)"
#endif

struct command {
	const char *name;
	const char *usage;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "check", "check SITE", cmd_check },
	{ "show", "show SITE [--server NAME] [--json | --dot]", cmd_show },
	{ "up", CMD_UP_USAGE, cmd_up },
	{ "confirm", CMD_CONFIRM_USAGE, cmd_confirm },
	{ "down", CMD_DOWN_USAGE, cmd_down },
	{ "reload", CMD_RELOAD_USAGE, cmd_reload },
	{ "status", CMD_STATUS_USAGE, cmd_status },
	{ "exec", CMD_EXEC_USAGE, cmd_exec },
	{ "ssh", CMD_SSH_USAGE, cmd_ssh },
	{ "pf", CMD_PF_USAGE, cmd_pf },
	{ "pfctl", CMD_PFCTL_USAGE, cmd_pfctl },
	{ "pflog", CMD_PFLOG_USAGE, cmd_pflog },
	{ "dns", CMD_DNS_USAGE, cmd_dns },
	{ "health", CMD_HEALTH_USAGE, cmd_health },
	{ "bundle", CMD_BUNDLE_USAGE, cmd_bundle },
	{ "verify", CMD_VERIFY_USAGE, cmd_verify },
	{ "trace", CMD_TRACE_USAGE, cmd_trace },
	{ "diff", CMD_DIFF_USAGE, cmd_diff },
};
#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  jailnet %s\n", commands[i].usage);
	fprintf(f, "  jailnet help\n  jailnet --version\n\n"
	    "See jailnet(8): man jailnet, or man ./doc/jailnet.8 in the "
	    "source tree\n");
}

int
main(int argc, char **argv)
{
	const char *names[NCOMMANDS], *hint;
	size_t i;

	/* A jail's init, executed again by itself (jail_init.h). */
	if (argc == 1 && strcmp(argv[0], JAIL_INIT_ARGV0) == 0 &&
	    getpid() == 1)
		jail_init_main();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		if (argc > 2) {
			fprintf(stderr, "jailnet: %s takes no argument\n",
			    argv[1]);
			return EXIT_USAGE;
		}
		printf("jailnet %s\n", JAILNET_VERSION);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		names[i] = commands[i].name;
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	}
	/* Exact verbs only: a near miss gets a hint, never a guess. */
	hint = closest_word(argv[1], names, NCOMMANDS);
	if (hint != NULL)
		fprintf(stderr, "jailnet: unknown command '%s'; did you mean "
		    "'%s'?\n", argv[1], hint);
	else
		fprintf(stderr, "jailnet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
