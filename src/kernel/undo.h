/*
 * undo: what `jailnet up --host` changed in a namespace it did not create,
 * written down before each change so that `down` (or a rollback, or a
 * later run after a crash) can put the host back as it was.
 *
 * In the simulation, deleting the namespaces jailnet created undoes
 * everything.  On a real host the server's namespace is the host's own:
 * its NICs are renamed and given addresses, bridges are created in it, its
 * sysctls, default route and nftables tables change.  The log is the text
 * file ROOT/SITE/undo, one fact per line, appended and fsync'ed before the
 * change it describes:
 *
 *   server NAME           the server this host is (first line; no change)
 *   link NAME             a link jailnet created: delete it
 *   rename NAME OLD UP    a NIC renamed from OLD (UP: 1 if it was up)
 *   mtu NAME MTU          a link whose MTU was MTU
 *   addr NAME PREFIX      an address jailnet added
 *   route GATEWAY         a default route jailnet added
 *   had-route DEV DST GATEWAY PROTO SCOPE METRIC ONLINK SRC
 *                         a route the host had, out of DEV: put it back
 *                         if it is gone (renaming a NIC sets it down,
 *                         which drops its routes); GATEWAY and SRC are
 *                         "-" when it has none
 *   had-addr NAME PREFIX  an IPv6 address the host had on a NIC jailnet
 *                         renames: put it back if it is gone (Linux drops
 *                         IPv6 addresses with the link)
 *   sysctl KEY VALUE      a sysctl whose value was VALUE
 *   nft FAMILY TABLE      an nftables table jailnet loaded
 *
 * Replaying runs the lines backwards; what is already gone is skipped.
 */
#ifndef JAILNET_UNDO_H
#define JAILNET_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "kernel/nl.h"

struct undo_log;

/**
 * undo_open(root, site, out, err):
 * Open ROOT/SITE/undo for appending (creating it; the directory must
 * exist) into ${out}, owned by the caller and closed with undo_close().
 */
int undo_open(const char *root, const char *site, struct undo_log **out,
    struct nl_error *err);

/**
 * undo_close(log):
 * Close ${log}; NULL is a no-op.
 */
void undo_close(struct undo_log *log);

/**
 * undo_server(log, name, err):
 * Append "server NAME": which server of the site this host is, for
 * `status` and `down` (undo_read_server()).
 */
int undo_server(struct undo_log *log, const char *name, struct nl_error *err);

/**
 * undo_read_server(root, site):
 * Return the server named in ROOT/SITE/undo (owned by the caller), or
 * NULL if there is no such file or line: the site is not up with --host.
 */
char *undo_read_server(const char *root, const char *site);

/**
 * undo_link(log, name, err), undo_rename(log, name, old, was_up, err),
 * undo_mtu(log, name, mtu, err), undo_addr(log, name, prefix, err),
 * undo_route(log, gateway, err), undo_sysctl(log, key, value, err),
 * undo_nft(log, family, table, err):
 * Append one fact (see above) and make it durable.  Return 0, or -1 with
 * ${err} set (then the change must not be made).
 */
int undo_link(struct undo_log *log, const char *name, struct nl_error *err);
int undo_rename(struct undo_log *log, const char *name, const char *old,
    bool was_up, struct nl_error *err);
int undo_mtu(struct undo_log *log, const char *name, unsigned mtu,
    struct nl_error *err);
int undo_addr(struct undo_log *log, const char *name,
    const struct ipprefix *prefix, struct nl_error *err);
int undo_route(struct undo_log *log, const struct ipaddr *gateway,
    struct nl_error *err);
int undo_sysctl(struct undo_log *log, const char *key, const char *value,
    struct nl_error *err);
int undo_nft(struct undo_log *log, const char *family, const char *table,
    struct nl_error *err);

/**
 * undo_had_route(log, dev, route, err), undo_had_addr(log, name, prefix,
 * err):
 * Append a fact that does not undo a change but keeps what the host had:
 * ${route} (as nl_route_list() gave it, out of the link ${dev}), or the
 * address ${prefix} of the link ${name}, is there again after the replay.
 * Logged before the first change, these are replayed last, after the
 * renames are put back.  Return 0, or -1 with ${err} set.
 */
int undo_had_route(struct undo_log *log, const char *dev,
    const struct nl_route_info *route, struct nl_error *err);
int undo_had_addr(struct undo_log *log, const char *name,
    const struct ipprefix *prefix, struct nl_error *err);

/**
 * undo_replay(root, site, undone, err):
 * Undo, in the calling thread's network namespace, the facts of
 * ROOT/SITE/undo from the last to the first, then remove the file.  What
 * is already gone (a deleted link, a missing address or table) is
 * skipped, and so is what the host had that is there already.  Store the
 * number of facts undone in ${undone}.  A missing
 * file undoes nothing.  Return 0, or -1 with ${err} describing the first
 * failure (the other facts are still undone; the file is kept).
 */
int undo_replay(const char *root, const char *site, size_t *undone,
    struct nl_error *err);

#endif
