/*
 * reload: carry out, in a running site's namespaces, the changes of a
 * plan_diff that need no new topology (plan_diff.h): addresses and
 * default routes added or removed, MTUs, links set up and sysctls set,
 * and each changed firewall replaced by its new ruleset in one nft
 * transaction.
 *
 * A ruleset is loaded as `up` loads it (pf_nft.h): the inet table's rules
 * are flushed and written again in the same transaction, so the
 * connections conntrack tracks keep their entries (and the new rules
 * accept established flows first), and the overload sets, which the script
 * declares but never flushes, keep the addresses pf put in them.
 */
#ifndef JAILNET_RELOAD_H
#define JAILNET_RELOAD_H

#include <stddef.h>

#include "kernel/nl.h"
#include "kernel/plan_diff.h"

/**
 * reload_apply(diff, done, err):
 * Check every new ruleset of ${diff} in its namespace (nft --check),
 * then carry out every change that is not CHANGE_TOPOLOGY (the caller
 * refuses those), in ${diff}'s order: removals, then additions.  A
 * ruleset the kernel refuses fails the call before any change.  A
 * removed MTU, up or sysctl is left as it is; a removed firewall's tables
 * are deleted.  Each change is idempotent: an address or route added that
 * is there already, or removed that is gone, counts as done.  Store in ${done} how many changes were carried out.
 * Return 0, or -1 with ${err} naming the change that failed (the ones
 * before it stay done; each ruleset is all or nothing).
 */
int reload_apply(const struct plan_diff *diff, size_t *done,
    struct nl_error *err);

#endif
