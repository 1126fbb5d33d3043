/*
 * cmd_diff: `jailnet diff`, what a change of the site does to what can
 * reach what.
 */
#ifndef JAILNET_CMD_DIFF_H
#define JAILNET_CMD_DIFF_H

#define CMD_DIFF_USAGE "diff [--json] [--force] OLD_SITE NEW_SITE | " \
	"--git REV SITE"

#include <stdbool.h>

struct lockout;
struct pf_site;
struct strbuf;

/**
 * diff_lockout_format(l, dir, server, out):
 * Append what lockout finding ${l} says to ${out}, in one line: the host,
 * its manage.tcp ports and where they are declared (relative to the site
 * directory ${dir} that declares them), what became of them (the place it
 * no longer reaches, the port that reaches no place of server ${server}).
 */
void diff_lockout_format(const struct lockout *l, const char *dir,
    const char *server, struct strbuf *out);

/**
 * diff_check_lockout(cmd, dir, ps, server, force):
 * Before `jailnet CMD` changes real host ${server} (`up --host`, `reload`
 * of a site up with --host): whether site ${ps} (from directory ${dir})
 * keeps the ways its operators manage that server (verify/lockout.h),
 * each way it takes away printed to stderr as "jailnet CMD: lockout:
 * ...".  Return 0 to go on (none, or ${force}, said loudly),
 * EXIT_LOCKOUT to refuse, EXIT_INVALID when the site-wide model cannot
 * be built (its diagnostics printed).
 */
int diff_check_lockout(const char *cmd, const char *dir,
    const struct pf_site *ps, const char *server, bool force);

/**
 * cmd_diff(argc, argv):
 * `jailnet diff [--json] OLD_SITE NEW_SITE` and `jailnet diff [--json]
 * --git REV SITE` (the site as of commit REV of the git repository SITE
 * is in, extracted into a private temporary directory that is removed
 * before it returns, against SITE as it is).  Print the flows that one
 * site delivers (with their replies) and the other does not, per source,
 * place, protocol and pipe, each with one packet and the first step of
 * its walk that differs (the rule, or the hop, in each site); places of
 * one site only; classes the model cannot say.  Then the lockout check
 * (verify/lockout.h): each way of managing the servers that the new site
 * takes away, with its packet and differing step.  Return 0 when nothing
 * changed, 1 when something did, 3 when a way of managing is taken away
 * (1, with a warning, under --force), 2 for a bad command line, a REV git
 * cannot extract, or a site with errors (after its diagnostics).
 */
int cmd_diff(int argc, char **argv);

#endif
