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
 * fsview_name(view, i, path):
 * The on-disk name (owned by the caller) that messages give ${path}
 * (absolute, clean) of ${view} in its root ${i}: ROOT/PATH, PATH alone for
 * a root ".", whether or not the file is there.
 */
char *fsview_name(const struct fsview *view, size_t i, const char *path);

/**
 * fsview_read(view, path, errnum):
 * Read the regular file ${path} of ${view} (at most FSVIEW_FILE_MAX bytes)
 * into a source named by its on-disk path (fsview_name()).  Return it (owned by the
 * caller), or NULL with ${errnum} set as by fsview_resolve(), or to ENODEV,
 * EISDIR, EFBIG or the failed read's errno.
 */
struct source *fsview_read(const struct fsview *view, const char *path,
    int *errnum);

/* What an entry of a view's tree is. */
enum fsview_kind {
	FSVIEW_DIR,
	FSVIEW_FILE,
	FSVIEW_LINK,
};

/* One entry of the tree a view shows (fsview_list()). */
struct fsview_entry {
	char *path;		/* in the view: "/etc", "/etc/rc.conf" */
	char *source;		/* on disk, in the first root that holds it */
	enum fsview_kind kind;
	unsigned mode;		/* the source's permission bits (07777) */
};

/**
 * fsview_list(view, entries, nentries, why):
 * List every entry of the tree below the / of ${view}, as fsview_resolve()
 * finds each path (the first root holding it wins), parents before their
 * children and the names of a directory in strcmp() order.  A directory
 * held by several roots is one entry with the first one's mode, and lists
 * the names of all of them.  Symbolic links are entries of their own and
 * never followed; the roots themselves (and the view's prefix in them)
 * are, as fsview_resolve() does.  A root without the prefix adds nothing.
 * Store the array in ${entries} and its length in ${nentries}, owned by
 * the caller and freed with fsview_entries_free(), and return 0.
 * Return -1 with a message naming the path in ${why} (owned by the caller;
 * nothing stored in ${entries}) if a directory cannot be read, an entry
 * is neither a regular file, a directory nor a link, or a file or link
 * of one root hides a non-empty directory of a later one (fsview_resolve()
 * shows the directory's entries through it, which no real tree can).
 */
int fsview_list(const struct fsview *view, struct fsview_entry **entries,
    size_t *nentries, char **why);

/**
 * fsview_entries_free(entries, n):
 * Free the ${n} ${entries} of fsview_list() and the array; NULL does nothing.
 */
void fsview_entries_free(struct fsview_entry *entries, size_t n);
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
 * fsview_dir_open(view, i, errnum):
 * Open the directory that fsview_dir() names, as an O_PATH descriptor
 * (O_CLOEXEC, owned by the caller): what it refers to stays the directory
 * found beneath the site whatever is renamed or linked there later.
 * Return it, or -1 with ${errnum} set as fsview_dir() does.
 */
int fsview_dir_open(const struct fsview *view, size_t i, int *errnum);

/**
 * fsview_strerror(errnum):
 * Return the words for an error of this module (a static string): the
 * meanings above for EINVAL, EXDEV and ENODEV, strerror() for others.
 */
const char *fsview_strerror(int errnum);

#endif
