/*
 * pf_nft: a pf ruleset bound to one server, compiled to nftables.
 *
 * The output is one nft script that replaces the server's previous ruleset
 * atomically: a "table bridge jailnet_<server>_br" that marks packets with
 * the bridge ports they enter and leave by, and a "table inet
 * jailnet_<server>" that does pf's work with conntrack: rdr and nat in nat
 * chains, then pf's "in" rules (before routing) and "out" rules (after
 * source nat), each as a first-match chain derived from pf's quick and
 * last-match order.  Overload tables are dynamic sets whose elements
 * survive reloads.  Every place where Linux cannot do exactly what pf does
 * carries a "# jailnet: ..." comment; doc/pf-on-nftables.md lists them.
 *
 * Pure: no I/O, no global state.
 */
#ifndef JAILNET_PF_NFT_H
#define JAILNET_PF_NFT_H

#include "lib/diag.h"
#include "pf/pf_bind.h"

struct strbuf;

/*
 * Overload tables are dynamic sets whose entries time out after this many
 * days: only so that each entry carries its age, which `pfctl -T expire`
 * reads (nft keeps no insertion time otherwise).
 */
#define PF_NFT_OVERLOAD_DAYS 3650

/**
 * pf_nft_compile(b, out, diags):
 * Append to ${out} the nft script for the bound ruleset ${b} (see above).
 * What cannot be compiled at all (binat, more interfaces than the packet
 * mark can number, round-robin pools) is an error in ${diags} at the rule;
 * approximations are only comments in the output.  Return 0 if no error
 * was recorded, -1 otherwise (${out} then holds a partial script).
 */
int pf_nft_compile(const struct pf_bound *b, struct strbuf *out,
    struct diags *diags);

#endif
