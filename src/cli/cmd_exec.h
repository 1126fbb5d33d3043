/*
 * cmd_exec: `jailnet exec SITE SERVER[/JAIL] -- CMD [ARG...]`, the jexec
 * of a simulated site.
 */
#ifndef JAILNET_CMD_EXEC_H
#define JAILNET_CMD_EXEC_H

#define CMD_EXEC_USAGE "exec SITE SERVER[/JAIL] [--] CMD [ARG...]"

/**
 * cmd_exec(argc, argv):
 * Run CMD in the network namespace of the server or jail of the site (up),
 * in a new UTS namespace with its hostname and, for a jail with
 * sysvshm = new, a new IPC namespace.  The process becomes CMD (exec), so
 * its exit status is CMD's; returns only on failure: EXIT_USAGE for a bad
 * command line, EXIT_INVALID for a site or place that is wrong or not up,
 * 127 if CMD cannot be executed.
 */
int cmd_exec(int argc, char **argv);

#endif
