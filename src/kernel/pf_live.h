/*
 * pf_live: a pf table of a running server, as the nft sets its compiled
 * ruleset holds (pf_nft.h: table inet jailnet_SERVER, sets t_TABLE_v4 and
 * t_TABLE_v6), read and changed in the server's network namespace.
 *
 * This is what `jailnet pfctl -t T -T ...` acts on while the site is up,
 * as pfctl acts on the kernel's tables.  Every change is one nft
 * transaction over both sets.
 */
#ifndef JAILNET_PF_LIVE_H
#define JAILNET_PF_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "kernel/nl.h"

struct pf_live_entry {
	struct ipprefix prefix;	/* a network address (host bits zero) */
	long age;		/* seconds since it was added; -1: unknown */
};

struct pf_live_table {
	int fd;			/* the server's network namespace */
	char *nft_table;	/* "jailnet_a" */
	char *set[2];		/* IPv4 and IPv6 sets: "t_ratelimit_v4" */
	struct pf_live_entry *entries;	/* after pf_live_read() */
	size_t n, cap;
	bool dated;		/* its entries carry their age */
};

/**
 * pf_live_open(netns, server, table, out, err):
 * Open the live table ${table} of ${server} in the named network
 * namespace ${netns} into ${out} (zeroed by the caller; release it with
 * pf_live_close()) and read its entries (pf_live_read()).  Return 0, or
 * -1 with ${err} set: no such namespace, or no such set (ENOENT: the
 * ruleset is not loaded, or has no such table).
 */
int pf_live_open(const char *netns, const char *server, const char *table,
    struct pf_live_table *out, struct nl_error *err);

/**
 * pf_live_read(t, err):
 * Replace ${t}'s entries by the sets' current elements; ranges that an
 * interval set merged are given back as the fewest prefixes covering
 * them.  Return 0, or -1 with ${err} set.
 */
int pf_live_read(struct pf_live_table *t, struct nl_error *err);

/**
 * pf_live_change(t, flush, add, nadd, drop, ndrop, err):
 * In one transaction: if ${flush}, empty both sets; delete the prefixes
 * ${drop}; add the prefixes ${add} (each to the set of its family).
 * Return 0, or -1 with nft's reason in ${err} (then nothing changed).
 */
int pf_live_change(struct pf_live_table *t, bool flush,
    const struct ipprefix *add, size_t nadd, const struct ipprefix *drop,
    size_t ndrop, struct nl_error *err);

/**
 * pf_live_close(t):
 * Release what ${t} holds; it may then be reused.
 */
void pf_live_close(struct pf_live_table *t);

/**
 * pf_live_range_prefixes(lo, hi, emit, arg):
 * Call ${emit}(prefix, ${arg}) for each prefix of the fewest that cover
 * exactly the addresses ${lo} to ${hi} (same family, lo <= hi), in
 * order.  Exposed for its unit test.
 */
void pf_live_range_prefixes(const struct ipaddr *lo, const struct ipaddr *hi,
    void (*emit)(const struct ipprefix *, void *), void *arg);

#endif
