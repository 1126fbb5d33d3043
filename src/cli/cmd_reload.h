/*
 * cmd_reload: jailnet reload, the edited files of a running site applied
 * to it without bringing it down.  Returns the exit status (0,
 * EXIT_INVALID or EXIT_USAGE of cli.h).
 */
#ifndef JAILNET_CMD_RELOAD_H
#define JAILNET_CMD_RELOAD_H

#define CMD_RELOAD_USAGE "reload SITE [-n] [--server NAME] [--rebuild] " \
	"[--force]"

/**
 * cmd_reload(argc, argv):
 * `jailnet reload SITE`: load and check the site as `up` does (on an
 * error nothing is applied), compare its plan with the one `up` saved
 * (plan_diff.h), print the changes and carry out those that need no new
 * topology (reload.h), then save the new plan.  A change of topology is
 * refused (exit 1, nothing done) unless --rebuild, which brings the site
 * down and up again (its data kept).  With -n only print; with --server
 * NAME only that server's changes.  A site up with --host is a real
 * host's: first, also with -n, the lockout check of `up --host`
 * (diff_check_lockout()), EXIT_LOCKOUT unless --force.
 */
int cmd_reload(int argc, char **argv);

#endif
