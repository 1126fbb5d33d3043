/*
 * cmd_ssh: `jailnet ssh SITE SERVER[/JAIL] [COMMAND...]`, an operator's
 * ssh from the orchestration host into a jail, or a server, of a running
 * site.
 */
#ifndef JAILNET_CMD_SSH_H
#define JAILNET_CMD_SSH_H

#define CMD_SSH_USAGE "ssh SITE SERVER[/JAIL] [-n] [--from HOST] [--] " \
	"[COMMAND [ARG...]]"

/**
 * cmd_ssh(argc, argv):
 * Connect as root, with the site's operator key (ssh_keys.h), from the
 * outside host HOST (by default the first one whose manage.tcp is set) to
 * the sshd of the jail (or of the server itself, with no /JAIL), by the
 * first address of its server and port of HOST's manage.tcp that the
 * site-wide model (walk.h) delivers to that sshd's port and back:
 * through rdr to a jail, as the operator's ssh would go.
 * The host key is checked against the site's known_hosts.  With -n, print
 * the command and the way instead of running it.  The process becomes
 * ssh(1) in HOST's network namespace, so its exit status is ssh's (255
 * when it cannot connect); returns only on failure: EXIT_USAGE for a bad
 * command line, EXIT_INVALID for a site or place that is wrong or not up,
 * or an sshd that no manage port reaches, 127 if ssh cannot be executed.
 */
int cmd_ssh(int argc, char **argv);

#endif
