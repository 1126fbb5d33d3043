/*
 * topo: the rules of each server that no packet the site sends ever
 * meets where the rule looks (the topology findings of pf --lint).
 *
 * Every packet each place can send (vspace_run() in VMODE_FORGED: jails,
 * servers and outside hosts from their own addresses, the internet from
 * every address, the site's own included) is followed through the site,
 * replies and pipes included.  At each pf pass a class crosses, each rule
 * of that server that may match some packet of the class as it is there
 * is marked (pf_eval_rule_meets(): translation rules on the packet before
 * the pass translates it, filter rules after).  The packets of a class at
 * a pass are a box: the class's own intervals while the packet still
 * carries what its source sent (on a reply, the sent fields swapped), the
 * whole range for every field once a translation changed the packet, and
 * on the connections pipes open.  The passes of lo0, which the walk does
 * not make, are added whole (any packet to a local address of the host).
 * A rule never marked is a finding: a fact about the topology and about
 * who sends, not about pf's syntax.
 *
 * Never a finding: a rule that may match IPv6 (no "inet" and no IPv4
 * address: the analysis is IPv4 only), a rule whose destinations include
 * a broadcast or multicast address (a bridge floods those to every member,
 * which the walk does not follow), binat rules.  No finding at all when a
 * server has binat rules (the model ignores binat) or the model cannot
 * say what some class of packets meets.  Rate limits and states do not
 * matter here: a rule meets a packet when the packet arrives where it
 * looks and matches it, whatever decides it.
 */
#ifndef JAILNET_VERIFY_TOPO_H
#define JAILNET_VERIFY_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "pf/pf.h"
#include "verify/space.h"

struct topo_finding {
	size_t server;			/* index in site->servers */
	enum pf_ruleset_kind set;	/* PF_RS_FILTER, _NAT or _RDR */
	const struct pf_rule *rule;
};

struct topo_result {
	bool searched;		/* false: no finding can be given, why says
				   why */
	char why[320];
	struct topo_finding *v;	/* in server, set and rule order */
	size_t n, cap;
	size_t classes;		/* classes of packets followed */
};

/**
 * topo_search(vs, out):
 * Search the world of ${vs} for rules no packet meets, into ${out}
 * (cleared first; freed with topo_result_free()).  Uses ${vs}'s visit
 * hook while it runs (left unset after).  Cannot fail: when no claim can
 * be made, out->searched is false and out->why says why.
 */
void topo_search(struct vspace *vs, struct topo_result *out);

/**
 * topo_report(r, server, out):
 * Append to ${out} a warning at each rule of server ${server} (an index in
 * site->servers) that ${r} found, saying where the rule looks and what the
 * finding assumes of who sends what.  Return how many.
 */
size_t topo_report(const struct topo_result *r, size_t server,
    struct diags *out);

/**
 * topo_result_free(r):
 * Free what ${r} holds (not ${r} itself).
 */
void topo_result_free(struct topo_result *r);

#endif
