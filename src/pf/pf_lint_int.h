/*
 * pf_lint_int: what the two files of lint share; not a public interface.
 * pf_lint.c finds unused and empty tables and rules given twice, then
 * calls lint_shadow() (pf_lint_shadow.c) for the rules that never decide
 * because other rules take their packets.
 */
#ifndef JAILNET_PF_LINT_INT_H
#define JAILNET_PF_LINT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "pf/pf_bind.h"
#include "pf/pf_lint.h"

/**
 * lint_shadow(b, told, max_cells, out, st):
 * Append to ${out} a warning for each filter, nat or rdr rule of ${b}
 * that never decides (never applies) because other rules take every
 * packet it matches, with a note at each of them; rules with told[set][i]
 * set (already reported) are left out.  Search at most ${max_cells} cells
 * per rule.  Add to ${st}.  Return the number of warnings.
 */
size_t lint_shadow(const struct pf_bound *b, bool *const told[PF_RS_COUNT],
    size_t max_cells, struct diags *out, struct pf_lint_stats *st);

#endif
