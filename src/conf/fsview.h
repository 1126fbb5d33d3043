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

/* Every file of a site is read up to this size (pfctl and rc(8) have no
   bound but memory; a site's files are not trusted to be small). */
#define FSVIEW_FILE_MAX	(64u << 20)

/*
 * A site's tree is untrusted input: every file a view names is opened
 * beneath the site directory (openat2(2) with RESOLVE_BENEATH), so that a
 * symbolic link may lead from one place of the site to another but never
 * out of it (an absolute link always leaves it); and only a regular file
 * of at most FSVIEW_FILE_MAX bytes is read (a FIFO or a device is refused
 * without being opened for reading).  The errors: EINVAL (not a clean
 * absolute path), EXDEV (a link leads outside the site), ENODEV (not a
 * regular file), EISDIR, EFBIG; fsview_strerror() words them.
 */
struct fsview {
	char *base;		/* the site directory, that no path leaves */
	char **roots;		/* base/rel[i]: directories, first wins */
	char **rel;		/* the roots relative to base */
	size_t nroots;
	char *prefix;		/* path of the view's / in the roots, "" for a host */
};

/**
 * fsview_new(base, rel, nroots):
 * Return a view whose / is the stack of directories ${base}/${rel[i]}
 * (first wins), none of which is followed out of ${base}; the strings are
 * copied.  Owned by the caller, freed with fsview_free().
 */
struct fsview *fsview_new(const char *base, const char *const *rel,
    size_t nroots);

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
 * in ${view}: the first root holding it, found beneath the site.  Return
 * NULL with ${errnum} set to EINVAL if ${path} is not absolute or has a "."
 * or ".." component, EXDEV if a symbolic link on the way leaves the site,
 * or ENOENT if no root holds it.
 */
char *fsview_resolve(const struct fsview *view, const char *path, int *errnum);

/**
 * fsview_read(view, path, errnum):
 * Read the regular file ${path} of ${view} (at most FSVIEW_FILE_MAX bytes)
 * into a source named by its on-disk path.  Return it (owned by the
 * caller), or NULL with ${errnum} set as by fsview_resolve(), or to ENODEV,
 * EISDIR, EFBIG or the failed read's errno.
 */
struct source *fsview_read(const struct fsview *view, const char *path,
    int *errnum);

/**
 * fsview_read_site(dir, name, errnum):
 * Read the regular file ${name} (relative) beneath the directory ${dir}
 * with fsview_read()'s rules, into a source named "${dir}/${name}".
 * Return it (owned by the caller), or NULL with ${errnum} set.
 */
struct source *fsview_read_site(const char *dir, const char *name,
    int *errnum);

/**
 * fsview_dir(view, i, errnum):
 * Return the real path on disk (owned by the caller) of the view's / in
 * its root ${i}, a directory beneath the site; or NULL with ${errnum} set
 * to ENOENT (the root has none), ENOTDIR, EXDEV (a link leads outside the
 * site) or another errno.
 */
char *fsview_dir(const struct fsview *view, size_t i, int *errnum);

/**
 * fsview_strerror(errnum):
 * Return the words for an error of this module (a static string): the
 * meanings above for EINVAL, EXDEV and ENODEV, strerror() for others.
 */
const char *fsview_strerror(int errnum);

#endif
