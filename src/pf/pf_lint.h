/*
 * pf_lint: findings about a server's bound ruleset that pfctl users can
 * act on, each exact (a finding is never a guess):
 *   - a table defined and used by no rule (nor as an overload target);
 *   - a table rules use whose definition holds no entry (its files
 *     empty, its list empty): those rules match nothing from it until
 *     something fills it at run time (pfctl -T add);
 *   - a rule that never decides because another rule is the same rule:
 *     with quick first, the later one never decides; without quick, the
 *     earlier one never does (the later matches every packet it matches,
 *     and the last match decides); of two equal translation rules the
 *     later never applies (the first match translates).  Rules are equal
 *     when pfctl prints them the same (pf_print_rule()); match rules are
 *     left out (each one applies).
 *   - a filter rule that never decides because other rules take every
 *     packet it matches: earlier quick rules (shadowing), later rules
 *     (the last match decides: overriding), or both, one rule or several
 *     together (a wider address or port range, a table holding its
 *     addresses); a nat or rdr rule that never applies because earlier
 *     ones take all its packets.  Decided exactly: the rule's packets are
 *     split into cells at every boundary the rules draw inside them
 *     (interface, direction, family, protocol, TCP flags, ICMP type and
 *     code, addresses with tables and negations, ports), each cell's
 *     uniformity is proved and one packet of it is decided by the static
 *     model (pf_eval_decide(), pf_eval_xlate_rule()); the rule is dead
 *     only if it decides in no cell.  Packets are taken without states
 *     (a state only takes packets away from rules).  A rule whose own
 *     match the model does not know exactly (tagged, fragment, no-route,
 *     urpf-failed, "(if)", a table that is filled at run time or holds
 *     no entry, binat) is not searched; such a rule never counts as
 *     taking packets (so no finding rests on it); a quick match rule that
 *     could see the packets, or more cells than the bound, leaves the
 *     rule out too.  Silence is never a claim that a rule is alive.
 * Rules the topology never feeds and translations that match nothing are
 * found site-wide, by verify/topo.h.  Not found yet: dead binat rules.
 */
#ifndef JAILNET_PF_LINT_H
#define JAILNET_PF_LINT_H

#include <stddef.h>

#include "lib/diag.h"
#include "pf/pf_bind.h"

/* How many cells of one rule's packets are searched before the rule is
   left out (the example's rules need at most a few hundred). */
#define PF_LINT_MAX_CELLS 100000

/* What the search for rules that never decide did. */
struct pf_lint_stats {
	size_t searched;	/* rules searched to the end */
	size_t left_out;	/* rules not searched: outside the model,
				   or a quick match rule could see their
				   packets, or a disagreement below */
	size_t over_bound;	/* rules left out: more cells than the
				   bound */
	size_t cells;		/* cells decided by the model */
	size_t disagreements;	/* cells whose proved decision the model
				   did not give (never expected; the rule
				   is then left out) */
};

/**
 * pf_lint(b, out):
 * Append the findings about ${b} to ${out}, each a warning at the rule or
 * table it is about, with a note at each rule that takes its place.
 * Return how many there are.
 */
size_t pf_lint(const struct pf_bound *b, struct diags *out);

/**
 * pf_lint_with(b, max_cells, out, st):
 * The same as pf_lint() with at most ${max_cells} cells searched per rule;
 * what the search did is stored in ${st} (may be NULL).
 */
size_t pf_lint_with(const struct pf_bound *b, size_t max_cells,
    struct diags *out, struct pf_lint_stats *st);

#endif
