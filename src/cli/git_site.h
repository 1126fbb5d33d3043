/*
 * git_site: a site directory as it was at a commit of the git repository
 * it is in, for `jailnet diff --git`.  Runs git and tar, never a shell.
 */
#ifndef JAILNET_CLI_GIT_SITE_H
#define JAILNET_CLI_GIT_SITE_H

#include <signal.h>

/**
 * git_site_extract(rev, site, tmp, mask):
 * Extract the directory ${site} as of commit ${rev} of its git repository
 * (`git archive REV:PATH`, then tar) into a new directory under $TMPDIR
 * (or /tmp) named jd.XXXXXX, as a directory of the same name as ${site},
 * so that the site keeps its name.  The programs run with the signal mask
 * ${mask} (NULL: ours).  Return that site directory (freed by the
 * caller), or NULL after printing why to stderr (not in a repository, a
 * REV git cannot give, a failed extraction).  In both cases *${tmp} is
 * the temporary directory that the caller removes and frees, or NULL if
 * none was made.
 */
char *git_site_extract(const char *rev, const char *site, char **tmp,
    const sigset_t *mask);

#endif
