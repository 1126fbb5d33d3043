/*
 * jail_view: the file system a jail (or an outside host with services)
 * sees, built inside its own mount namespace: its files at their FreeBSD
 * paths over a read-only view of the host's userland, its writes kept in a
 * per-jail directory that survives `down`.
 *
 * The root is one overlayfs mount whose layers are, first wins:
 *   (a) upper, writable:  DATA_ROOT/SITE/data/SERVER/JAIL
 *   (b) generated:        DATA_ROOT/SITE/gen/SERVER/JAIL (if it exists)
 *   (c) the site's tree:  servers/SERVER/jails/JAIL over common/jails/JAIL
 *                         (the jail's fsview, entered at its path); none
 *                         for an outside host, whose SERVER is "host"
 *   (d) the host:         a read-only overlay of the host's / with a mask
 *                         on top that lets through only the system
 *                         directories (bin, sbin, lib*, usr, etc, var, opt),
 *                         and of /etc and /var only what programs need
 *                         to run (the loader's, name service's, TLS's,
 *                         PAM's and the shells' files, the alternatives,
 *                         the data files nginx ships, the directories the
 *                         packaged daemons expect: jail_view.c's
 *                         host_allow), less every entry of those that
 *                         others may not read (private keys, logs,
 *                         databases) and /etc/ssl/private; /etc/passwd and
 *                         /etc/group are the host's without its people
 *                         (ids 1000 to 65533), /etc/shadow gives each of
 *                         those users the password "*" (root's alone to
 *                         read), /etc/hosts knows localhost only.
 *                         DATA_ROOT, the host's /var/tmp, the site
 *                         directory, jailnet's project tree, /home,
 *                         /root, /run (so /run/jailnet and /run/netns),
 *                         /tmp, /srv, /mnt and whatever else is at the top
 *                         of the host's / are not there.
 * The overlay's work directory is DATA_ROOT/SITE/work/SERVER/JAIL/w.  The
 * layers are mounted under short relative names (g, t0, host, d/data/...),
 * so that the jail's /proc/mounts names no path of the host.
 *
 * On top of that root: /usr, /opt (and /bin, /sbin, /lib* where they are
 * directories rather than links into /usr) are read-only, as a thin
 * FreeBSD jail's base is; /etc, /var and the rest write into (a).  The
 * directory of jailnet's helpers, if there is one, appears read-only at
 * /usr/local/libexec/jailnet: `libexec` beside the running binary (the
 * build tree's build/libexec), else `../libexec/jailnet` from the binary's
 * directory (where `make install` puts them: PREFIX/libexec/jailnet).
 * /proc is a new proc of the jail's pid namespace (its sys, sysrq-trigger,
 * irq and bus read-only), /sys a read-only sysfs (its network part is the
 * jail's), /dev a tmpfs with null, zero, full, random, urandom and tty
 * (bound from the host's), a new devpts at /dev/pts and a tmpfs at
 * /dev/shm; /tmp and /run are new tmpfs mounts (emptied by `down`).
 *
 * The layers are fixed when the init mounts them: the generated layer
 * must be written before the jail's init starts (a change to it while the
 * jail runs may not be seen; `down` and `up` see it).
 *
 * Limits: a host directory of the list that is a separate mount on the
 * host (a /var on its own file system) shows only what is under its mount
 * point on the root file system.  The host's / must not itself be an
 * overlay (overlayfs nests two deep at most).
 */
#ifndef JAILNET_JAIL_VIEW_H
#define JAILNET_JAIL_VIEW_H

#include <stddef.h>

#include "conf/fsview.h"
#include "kernel/nl.h"

/* Where a jail's in-jail path search looks, in order. */
#define JAIL_VIEW_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Where the directory of jailnet's helpers appears in a jail. */
#define JAIL_VIEW_LIBEXEC "/usr/local/libexec/jailnet"

struct jail_view {
	char *base;		/* DATA_ROOT/SITE */
	char *upper;		/* (a): DATA_ROOT/SITE/data/SERVER/JAIL */
	char *gen;		/* (b): DATA_ROOT/SITE/gen/SERVER/JAIL */
	char *work;		/* DATA_ROOT/SITE/work/SERVER/JAIL */
	char **trees;		/* (c): absolute directories on disk, first wins */
	int *tree_fds;		/* ... each opened (O_PATH) when it was found */
	size_t ntrees;
	char **hide;		/* absolute host paths that (d) must not show */
	size_t nhide;
	char *libexec;		/* shown at JAIL_VIEW_LIBEXEC, or NULL */
};

/**
 * jail_view_helpers(bindir):
 * Return the directory of the helpers (uxapp) of a jailnet binary that is in
 * the directory ${bindir}: BINDIR/libexec in a build tree (build/jailnet
 * beside build/libexec), else BINDIR/../libexec/jailnet as `make install`
 * lays them out (PREFIX/sbin/jailnet, PREFIX/libexec/jailnet).  The path is
 * absolute and real, owned by the caller; NULL if neither is a directory.
 */
char *jail_view_helpers(const char *bindir);

/**
 * jail_view_new(data_root, site, server, name, tree, site_dir):
 * Return the view of jail ${name} of ${server} (or of the outside host
 * ${name} if ${server} is "host") of the site called ${site}, whose data
 * lives under ${data_root}/${site}.  ${tree} is the jail's fsview in the
 * site's files (NULL for an outside host): its roots that exist beneath
 * the site directory (fsview_dir(): a root that is a link out of the site
 * is left out, never mapped in), at their real paths, form layer (c);
 * each is opened (O_PATH) as it is found, and that directory is the one
 * mounted (jail_view_clone_trees()).  ${site_dir} (the site directory)
 * and the project tree of the running binary are hidden from layer (d).
 * Owned by the caller, freed with jail_view_free().  Changes no file.
 */
struct jail_view *jail_view_new(const char *data_root, const char *site,
    const char *server, const char *name, const struct fsview *tree,
    const char *site_dir);

/**
 * jail_view_free(view):
 * Free ${view}; does nothing if NULL.
 */
void jail_view_free(struct jail_view *view);

/**
 * jail_view_prepare(view, err):
 * Create (in the caller's mount namespace) the directories the view needs
 * that do not exist: the upper layer and the work directory with its
 * parents.  Return 0, or -1 with ${err} naming the directory (EROFS if
 * the data or work directory is on a read-only file system).
 */
int jail_view_prepare(const struct jail_view *view, struct nl_error *err);

/**
 * jail_view_clone_trees(view, err):
 * In the mount namespace the view was made in, before the caller leaves
 * it: replace the descriptor of each directory of layer (c) by a detached
 * copy of the mount at that directory (open_tree(2), OPEN_TREE_CLONE),
 * which jail_view_enter() attaches in the jail's new namespace (a mount
 * of another namespace cannot be bound there).  The layer is the
 * directory found when the view was made, whatever the site tree holds
 * at that path now.  Return 0, or -1 with ${err} naming the directory.
 */
int jail_view_clone_trees(struct jail_view *view, struct nl_error *err);

/**
 * jail_view_enter(view, err):
 * Build ${view} and make it the calling process's root.  The caller must
 * be alone in a new mount namespace (unshare(CLONE_NEWNS)) and be in the
 * pid namespace whose /proc the view mounts (the jail's init).  First
 * makes every mount private, so that nothing reaches the host's namespace;
 * then builds the layers under DATA_ROOT/.../work/.../m, pivots into the
 * root and detaches the old one.  Return 0, or -1 with ${err} naming the
 * step; after a failure the namespace is half built and the caller should
 * exit (nothing of it is visible outside).
 */
int jail_view_enter(const struct jail_view *view, struct nl_error *err);

/**
 * jail_view_resolve(view, path, errnum):
 * Return the file on disk (owned by the caller) that the absolute path
 * ${path} of the view names: the first layer holding it, following the
 * layer order above; or NULL with ${errnum} set to EINVAL (not absolute,
 * or with a "." or ".." part) or ENOENT.  Approximate where overlayfs
 * would differ: symbolic links are followed on the host, and files the
 * jail deleted (whiteouts in the upper layer) are still found below.
 */
char *jail_view_resolve(const struct jail_view *view, const char *path,
    int *errnum);

/**
 * jail_view_which(view, cmd):
 * Return the path in the view (owned by the caller) of the program ${cmd}:
 * ${cmd} itself if it contains a '/' (relative to the view's /), else the
 * first executable ${cmd} in JAIL_VIEW_PATH; NULL if there is none that
 * jail_view_resolve() finds executable.
 */
char *jail_view_which(const struct jail_view *view, const char *cmd);

#endif
