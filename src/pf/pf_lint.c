/* Findings about a bound ruleset: see pf_lint.h. */
#include "pf/pf_lint.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "pf/pf.h"
#include "pf/pf_lint_int.h"

static size_t
lint_tables(const struct pf_bound *b, struct diags *out)
{
	size_t i, k, n = 0;

	for (i = 0; i < b->ntables; i++) {
		const struct pf_bound_table *t = &b->tables[i];
		bool file = false;

		if (t->def == NULL)
			continue;
		if (!t->used) {
			diag_warning(out, t->def->loc, "table <%s> is defined "
			    "but no rule uses it", t->name);
			n++;
			continue;
		}
		if (t->nentries > 0 || t->is_dynamic)
			continue;
		for (k = 0; k < t->def->ninits; k++)
			if (t->def->inits[k].file != NULL)
				file = true;
		diag_warning(out, t->def->loc, "table <%s> holds no entry%s: "
		    "the rules that use it match nothing from it until it is "
		    "filled at run time (pfctl -T add)", t->name, file ?
		    " (its file is empty)" : "");
		n++;
	}
	return n;
}

static bool
is_translation(enum pf_ruleset_kind k)
{
	return k == PF_RS_NAT || k == PF_RS_RDR || k == PF_RS_BINAT;
}

/* Rules given twice; the one that never decides is marked in
   ${told}[set][index]. */
static size_t
lint_duplicates(const struct pf_bound *b, bool *const told[PF_RS_COUNT],
    struct diags *out)
{
	const struct pf_ruleset *rs = b->rs;
	size_t k, i, j, n = 0;

	for (k = 0; k < PF_RS_COUNT; k++) {
		const struct pf_rules *rules = &rs->rules[k];
		bool *seen = told[k];
		char **text;

		if (k == PF_RS_SCRUB || rules->n < 2)
			continue;
		text = xcalloc(rules->n, sizeof(*text));
		for (i = 0; i < rules->n; i++) {
			struct strbuf sb = { 0 };

			pf_print_rule(&rules->v[i], &sb);
			text[i] = strbuf_steal(&sb);
		}
		for (i = 0; i < rules->n; i++) {
			const struct pf_rule *a = &rules->v[i];

			if (a->action == PF_ACT_MATCH)
				continue;
			for (j = i + 1; j < rules->n; j++) {
				const struct pf_rule *c = &rules->v[j];
				const struct pf_rule *dead, *other;

				if (strcmp(text[i], text[j]) != 0)
					continue;
				if (is_translation((enum pf_ruleset_kind)k) ||
				    a->quick) {
					dead = c;
					other = a;
				} else {
					dead = a;
					other = c;
				}
				if (seen[dead == a ? i : j])
					continue;
				seen[dead == a ? i : j] = true;
				n++;
				if (is_translation((enum pf_ruleset_kind)k))
					diag_warning(out, dead->loc, "rule "
					    "@%u never applies: the same rule "
					    "comes first (the first match "
					    "translates)", dead->nr);
				else if (dead == c)
					diag_warning(out, dead->loc, "rule "
					    "@%u never decides: the same rule, "
					    "quick, comes first and decides "
					    "every packet it matches", dead->nr);
				else
					diag_warning(out, dead->loc, "rule "
					    "@%u never decides: the same rule "
					    "comes later and, as the last "
					    "match, decides every packet it "
					    "matches", dead->nr);
				diag_note(out, other->loc, "the same rule: "
				    "@%u", other->nr);
			}
		}
		for (i = 0; i < rules->n; i++)
			free(text[i]);
		free(text);
	}
	return n;
}

size_t
pf_lint_with(const struct pf_bound *b, size_t max_cells, struct diags *out,
    struct pf_lint_stats *st)
{
	struct pf_lint_stats mine = { 0 };
	bool *told[PF_RS_COUNT];
	size_t k, n;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	for (k = 0; k < PF_RS_COUNT; k++)
		told[k] = xcalloc(b->rs->rules[k].n + 1, sizeof(*told[k]));
	n = lint_tables(b, out) + lint_duplicates(b, told, out);
	n += lint_shadow(b, told, max_cells, out, st != NULL ? st : &mine);
	for (k = 0; k < PF_RS_COUNT; k++)
		free(told[k]);
	return n;
}

size_t
pf_lint(const struct pf_bound *b, struct diags *out)
{
	return pf_lint_with(b, PF_LINT_MAX_CELLS, out, NULL);
}
