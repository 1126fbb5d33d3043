/*
 * cmd_diff: `jailnet diff`, what a change of the site does to what can
 * reach what.
 */
#ifndef JAILNET_CMD_DIFF_H
#define JAILNET_CMD_DIFF_H

#define CMD_DIFF_USAGE "diff [--json] OLD_SITE NEW_SITE | --git REV SITE"

/**
 * cmd_diff(argc, argv):
 * `jailnet diff [--json] OLD_SITE NEW_SITE` and `jailnet diff [--json]
 * --git REV SITE` (the site as of commit REV of the git repository SITE
 * is in, extracted into a private temporary directory that is removed
 * before it returns, against SITE as it is).  Print the flows that one
 * site delivers (with their replies) and the other does not, per source,
 * place, protocol and pipe, each with one packet and the first step of
 * its walk that differs (the rule, or the hop, in each site); places of
 * one site only; classes the model cannot say.  Return 0 when nothing
 * changed, 1 when something did, 2 for a bad command line, a REV git
 * cannot extract, or a site with errors (after its diagnostics).
 */
int cmd_diff(int argc, char **argv);

#endif
