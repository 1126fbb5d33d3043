/*
 * plan_diff: what `jailnet reload` has to do, the difference between the
 * plan a running site was brought up with (plan_file.h) and the plan of
 * its edited files, op by op.  Pure: no kernel, no files.
 *
 * Two ops are the same when plan_describe_op() says the same of them
 * (kind, namespace, link, address...); a firewall is the same when its
 * nft script is.  What differs falls in three kinds:
 *   - topology: a namespace, bridge, veth, rename or bridge port added or
 *     removed, which only a new `up` builds (so is any change of a --host
 *     site but its firewall: the host's undo log would not know it),
 *     and what is done in a namespace or on a link that it adds;
 *   - in place: an address, a default route, an MTU, a link set up or a
 *     sysctl, which netlink changes in the running namespaces;
 *   - firewall: a server's compiled ruleset changed (its pf.conf or a
 *     table file), added or removed, loaded again in one transaction.
 */
#ifndef JAILNET_PLAN_DIFF_H
#define JAILNET_PLAN_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"
#include "kernel/plan.h"

enum change_kind {
	CHANGE_TOPOLOGY,
	CHANGE_IN_PLACE,
	CHANGE_FIREWALL,
};

struct plan_change {
	enum change_kind kind;
	bool add;		/* an op of the new plan to carry out; else an
				   op of the old plan to take back */
	const struct plan *plan;	/* the plan ${op} belongs to */
	const struct op *op;
};

struct plan_diff {
	struct plan_change *v;	/* removals (newest first), then additions
				   (in the new plan's order) */
	size_t n, cap;
	size_t ntopology;	/* how many of kind CHANGE_TOPOLOGY */
};

/**
 * plan_diff(old, new, server, out):
 * Fill ${out} (zeroed by the caller, freed with plan_diff_free()) with
 * what differs between ${old} and ${new}; only what belongs to the server
 * named ${server} (its namespace, its jails', its firewall) if it is not
 * NULL.  Notes are not compared.  The changes point into both plans,
 * which must outlive ${out}.
 */
void plan_diff(const struct plan *old, const struct plan *new,
    const char *server, struct plan_diff *out);

/**
 * plan_diff_print(diff, out):
 * Append to ${out} one line per change: "  + DESCRIPTION" for an addition,
 * "  - DESCRIPTION" for a removal, each followed by what reload does
 * with it; "  (no change)" if there is none.
 */
void plan_diff_print(const struct plan_diff *diff, struct strbuf *out);

/**
 * plan_diff_free(diff):
 * Free what ${diff} holds and zero it.
 */
void plan_diff_free(struct plan_diff *diff);

#endif
