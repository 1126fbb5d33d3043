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
 * Not found yet: rules shadowed or overridden by rules that differ from
 * them, rules the topology never feeds, translations that match nothing.
 */
#ifndef JAILNET_PF_LINT_H
#define JAILNET_PF_LINT_H

#include <stddef.h>

#include "lib/diag.h"
#include "pf/pf_bind.h"

/**
 * pf_lint(b, out):
 * Append the findings about ${b} to ${out}, each a warning at the rule or
 * table it is about, with a note at the rule that takes its place.
 * Return how many there are.
 */
size_t pf_lint(const struct pf_bound *b, struct diags *out);

#endif
