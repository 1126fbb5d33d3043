/*
 * nft_run: nft commands run through libnftables inside a network namespace.
 *
 * libnftables parses nft's own language and sends every command of one
 * call as a single netlink transaction: a ruleset loads completely or not
 * at all, which is how `up` loads a server's firewall and how the live
 * table commands change a set.  The calling thread enters the namespace
 * for the duration of the call and comes back.
 */
#ifndef JAILNET_NFT_RUN_H
#define JAILNET_NFT_RUN_H

#include <stdbool.h>

#include "lib/util.h"
#include "kernel/nl.h"

/**
 * nft_run_in_netns(fd, cmds, json, out, err):
 * Run the nft commands ${cmds} (nft -f syntax) in the network namespace
 * of ${fd} (the calling thread's if -1), as one transaction.  If ${out}
 * is not NULL, append what nft prints to it (JSON if ${json}).  Return 0,
 * or -1 with ${err} holding nft's first error lines (EINVAL), or the
 * reason the namespace could not be entered or left.  A single-threaded
 * caller: the thread's namespace changes during the call.
 */
int nft_run_in_netns(int fd, const char *cmds, bool json, struct strbuf *out,
    struct nl_error *err);

/**
 * nft_check_in_netns(fd, cmds, err):
 * Check the nft commands ${cmds} as nft_run_in_netns() would run them
 * (nft --check: the kernel sees the transaction and discards it),
 * changing nothing.  Return 0, or -1 with ${err} as nft_run_in_netns().
 */
int nft_check_in_netns(int fd, const char *cmds, struct nl_error *err);

#endif
