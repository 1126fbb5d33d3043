/*
 * fsview: the file system a server or a jail sees, made of site directories.
 *
 * A server's view is its overlay (servers/NAME) on top of the common tree
 * (common): /etc/inic is servers/a/etc/inic if that exists, else
 * common/etc/inic.  A jail's view is the same stack entered at the jail's
 * path, so /etc/ip_inode_b in node_j is servers/a/jails/node_j/etc/... or
 * common/jails/node_j/etc/...
 */
#ifndef JAILNET_FSVIEW_H
#define JAILNET_FSVIEW_H

#include <stddef.h>

#include "lib/diag.h"

struct fsview {
	char **roots;		/* directories on disk, first wins */
	size_t nroots;
	char *prefix;		/* path of the view's / in the roots, "" for a host */
};

/**
 * fsview_new(roots, nroots):
 * Return a view whose / is the stack of directories ${roots} (first wins);
 * the strings are copied.  Owned by the caller, freed with fsview_free().
 */
struct fsview *fsview_new(const char *const *roots, size_t nroots);

/**
 * fsview_enter(view, path):
 * Return a new view whose / is the directory ${path} (absolute, in ${view}),
 * as a jail whose path is ${path} sees it; NULL if ${path} is not a clean
 * absolute path (see fsview_resolve()).  Owned by the caller.
 */
struct fsview *fsview_enter(const struct fsview *view, const char *path);

/**
 * fsview_free(view):
 * Free ${view}; does nothing if NULL.
 */
void fsview_free(struct fsview *view);

/**
 * fsview_resolve(view, path, errnum):
 * Return the on-disk path (owned by the caller) of the absolute path ${path}
 * in ${view}: the first root holding it.  Return NULL with ${errnum} set to
 * EINVAL if ${path} is not absolute or has a "." or ".." component (a view
 * never reaches outside its site), or to ENOENT if no root holds it.
 */
char *fsview_resolve(const struct fsview *view, const char *path, int *errnum);

/**
 * fsview_read(view, path, errnum):
 * Read the file ${path} of ${view} into a source named by its on-disk path.
 * Return it (owned by the caller), or NULL with ${errnum} set as by
 * fsview_resolve() or by the failed read.
 */
struct source *fsview_read(const struct fsview *view, const char *path,
    int *errnum);

#endif
