/*
 * jailconf_resolve: the parameters one jail ends up with.
 *
 * Statements are applied in jail.conf(5)'s order (globals, "*" blocks, the
 * jail's own blocks) and each value is expanded when its statement is
 * applied, against the jail's name and what was set before it.  The result
 * is located text: every byte still points at the source that produced it,
 * through as many ${x} references as it went.
 */
#include "conf/jailconf.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/*
 * Expanding "$a = "$a$a";" repeatedly doubles a value each time; cap the
 * text one resolution may produce so that a small hostile file cannot
 * exhaust memory.
 */
#define JC_EXPAND_MAX	(1024 * 1024)

/*
 * A located text under construction.  ltext_add() cannot know the capacity
 * of the text it extends, so it reallocates on every call; a value built
 * from thousands of pieces is built here instead, then handed over.
 */
struct lt_builder {
	struct strbuf text;
	struct ltext_piece *pieces;
	size_t npieces, cap;
};

struct resolver {
	const struct jc_block *blk;	/* the jail, or NULL */
	int name_verbatim;		/* its name is its source bytes */
	struct jc_params *params;
	struct jc_params vars;		/* $x = ... */
	struct diags *diags;
	struct loc stmt_loc;		/* the statement being applied */
	size_t budget;			/* bytes still expandable */
	bool over_budget;		/* reported: expand nothing more */
	bool failed;
};

const struct jc_resolved *
jc_params_get(const struct jc_params *params, const char *name)
{
	size_t i;

	for (i = 0; i < params->n; i++) {
		if (strcmp(params->v[i].name, name) == 0)
			return &params->v[i];
	}
	return NULL;
}

static void
resolved_clear_values(struct jc_resolved *res)
{
	size_t i;

	for (i = 0; i < res->nvalues; i++)
		ltext_free(&res->values[i]);
	free(res->values);
	free(res->value_locs);
	res->values = NULL;
	res->value_locs = NULL;
	res->nvalues = 0;
}

void
jc_params_free(struct jc_params *params)
{
	size_t i;

	for (i = 0; i < params->n; i++) {
		free(params->v[i].name);
		resolved_clear_values(&params->v[i]);
	}
	free(params->v);
	memset(params, 0, sizeof(*params));
}

/* Move the text built in ${b} into ${lt}, leaving ${b} empty. */
static void
builder_finish(struct lt_builder *b, struct ltext *lt)
{
	lt->len = b->text.len;
	lt->s = strbuf_steal(&b->text);
	lt->scap = lt->len + 1;
	lt->pieces = b->pieces;
	lt->npieces = b->npieces;
	lt->cap = b->cap;
	memset(b, 0, sizeof(*b));
}

/* Append ${len} bytes to ${lt} within the budget; report running out once. */
static void
emit(struct resolver *r, struct lt_builder *lt, const char *data, size_t len,
    struct loc loc, int verbatim)
{
	struct ltext_piece *piece;

	if (len == 0 || r->over_budget)
		return;
	if (len > r->budget) {
		diag_error(r->diags, r->stmt_loc, "values grow beyond %d "
		    "bytes when variables are expanded", JC_EXPAND_MAX);
		r->over_budget = true;
		r->failed = true;
		/* Cut at the same byte however the text is split in pieces. */
		len = r->budget;
		if (len == 0)
			return;
	}
	r->budget -= len;
	piece = VEC_PUSH(lt->pieces, lt->npieces, lt->cap);
	piece->off = lt->text.len;
	piece->loc = loc;
	piece->verbatim = verbatim;
	strbuf_add(&lt->text, data, len);
}

/* Append a copy of ${src}, piece by piece, to ${lt}. */
static void
emit_copy(struct resolver *r, struct lt_builder *lt, const struct ltext *src)
{
	size_t i, end;

	for (i = 0; i < src->npieces; i++) {
		end = i + 1 < src->npieces ? src->pieces[i + 1].off : src->len;
		emit(r, lt, src->s + src->pieces[i].off,
		    end - src->pieces[i].off, src->pieces[i].loc,
		    src->pieces[i].verbatim);
	}
}

/* Append the value of the variable in ${seg} to ${lt}. */
static void
expand_var(struct resolver *r, struct lt_builder *lt,
    const struct jc_seg *seg)
{
	const struct jc_resolved *ref;
	size_t i;

	if (r->blk != NULL && strcmp(seg->text, "name") == 0) {
		emit(r, lt, r->blk->name, strlen(r->blk->name), r->blk->loc,
		    r->name_verbatim);
		return;
	}
	if ((ref = jc_params_get(&r->vars, seg->text)) == NULL &&
	    (ref = jc_params_get(r->params, seg->text)) == NULL) {
		diag_error(r->diags, seg->loc, "undefined variable '%s'",
		    seg->text);
		r->failed = true;
		return;
	}
	for (i = 0; i < ref->nvalues; i++) {
		if (i > 0)
			emit(r, lt, ", ", 2, seg->loc, 0);
		emit_copy(r, lt, &ref->values[i]);
	}
}

/* Expand ${v} into ${out} (zeroed). */
static void
expand_value(struct resolver *r, struct ltext *out, const struct jc_value *v)
{
	struct lt_builder b = { 0 }, *lt = &b;
	const struct jc_seg *seg;
	size_t i;

	for (i = 0; i < v->nsegs; i++) {
		seg = &v->segs[i];
		switch (seg->kind) {
		case JC_SEG_TEXT:
			emit(r, lt, seg->text, strlen(seg->text), seg->loc,
			    seg->verbatim);
			break;
		case JC_SEG_VAR:
			expand_var(r, lt, seg);
			break;
		}
	}
	builder_finish(&b, out);
}

/* Return the entry ${name} of ${set}, created (with ${loc}) if absent. */
static struct jc_resolved *
lookup_or_add(struct jc_params *set, const char *name, struct loc loc)
{
	struct jc_resolved *res;
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	}
	res = VEC_PUSH(set->v, set->n, set->cap);
	res->name = xstrdup(name);
	res->first_loc = loc;
	return res;
}

/* Apply one statement: expand its values, then set, append or flag. */
static void
apply_param(struct resolver *r, const struct jc_param *prm)
{
	struct ltext *vals = NULL;
	struct loc *locs = NULL;
	struct jc_resolved *res;
	size_t i;

	r->stmt_loc = prm->loc;
	if (prm->nvalues > 0) {
		vals = xcalloc(prm->nvalues, sizeof(*vals));
		locs = xcalloc(prm->nvalues, sizeof(*locs));
	}
	/* Expand first: "x = ${x}/sub" sees the old x. */
	for (i = 0; i < prm->nvalues; i++) {
		expand_value(r, &vals[i], &prm->values[i]);
		locs[i] = prm->values[i].loc;
	}
	res = lookup_or_add(prm->is_var ? &r->vars : r->params, prm->name,
	    prm->loc);
	res->loc = prm->loc;
	switch (prm->op) {
	case JC_SET:
	case JC_BOOL:
		resolved_clear_values(res);
		res->values = vals;
		res->value_locs = locs;
		res->nvalues = prm->nvalues;
		res->is_bool = prm->op == JC_BOOL;
		return;
	case JC_APPEND:
		res->values = xrealloc(res->values,
		    (res->nvalues + prm->nvalues) * sizeof(*res->values));
		res->value_locs = xrealloc(res->value_locs,
		    (res->nvalues + prm->nvalues) * sizeof(*res->value_locs));
		for (i = 0; i < prm->nvalues; i++) {
			res->values[res->nvalues + i] = vals[i];
			res->value_locs[res->nvalues + i] = locs[i];
		}
		res->nvalues += prm->nvalues;
		res->is_bool = false;
		free(vals);
		free(locs);
		return;
	}
}

static void
apply_params(struct resolver *r, const struct jc_param *prms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		apply_param(r, &prms[i]);
}

/* Return 1 if the block name's location covers exactly its bytes. */
static int
name_is_verbatim(const struct jc_block *blk)
{
	const struct source *src = blk->loc.src;
	size_t off, len = strlen(blk->name);

	if (src == NULL || blk->loc.line == 0 || blk->loc.len != len)
		return 0;
	off = loc_offset(blk->loc);
	return off <= src->len && len <= src->len - off &&
	    memcmp(src->text + off, blk->name, len) == 0;
}

int
jailconf_resolve(const struct jail_conf *conf, const struct jc_block *blk,
    struct jc_params *params, struct diags *diags)
{
	struct resolver r;
	const struct jc_block *b;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.blk = blk;
	r.name_verbatim = blk != NULL ? name_is_verbatim(blk) : 0;
	r.params = params;
	r.diags = diags;
	r.budget = JC_EXPAND_MAX;
	apply_params(&r, conf->globals, conf->nglobals);
	if (blk != NULL) {
		/* "*" blocks of the same kind apply to every block. */
		for (i = 0; i < conf->nblocks; i++) {
			b = &conf->blocks[i];
			if (strcmp(b->name, "*") == 0 &&
			    str_eq(b->kind, blk->kind))
				apply_params(&r, b->params, b->nparams);
		}
		for (i = 0; i < conf->nblocks && strcmp(blk->name, "*") != 0;
		    i++) {
			b = &conf->blocks[i];
			if (strcmp(b->name, blk->name) == 0 &&
			    str_eq(b->kind, blk->kind))
				apply_params(&r, b->params, b->nparams);
		}
	}
	jc_params_free(&r.vars);
	return r.failed ? -1 : 0;
}
