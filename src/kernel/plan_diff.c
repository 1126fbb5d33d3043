/* plan_diff: the difference of two plans, op by op (plan_diff.h). */
#include "kernel/plan_diff.h"

#include <stdlib.h>
#include <string.h>

/* What identifies an op across plans; owned by the caller. */
static char *
op_key(const struct plan *plan, const struct op *op)
{
	struct strbuf sb = { 0 };

	if (op->kind == OP_FIREWALL)
		/* The step's line counts its script's lines: not its name. */
		strbuf_addf(&sb, "firewall %s in %s", op->server,
		    plan->ns[op->ns].name);
	else
		plan_describe_op(plan, op, &sb);
	return strbuf_steal(&sb);
}

/* Does ${op} belong to the server ${server} (any if NULL)? */
static bool
of_server(const struct plan *plan, const struct op *op, const char *server)
{
	const struct plan_ns *ns = &plan->ns[op->ns];
	size_t n;

	if (server == NULL)
		return true;
	if (op->kind == OP_FIREWALL)
		return str_eq(op->server, server);
	if (ns->role != NS_SERVER && ns->role != NS_JAIL)
		return false;
	if (ns->current)
		return plan->host;
	/* "SITE-SERVER" or "SITE-SERVER-JAIL" (plan.h's naming) */
	n = strlen(plan->site);
	if (strncmp(ns->name, plan->site, n) != 0 || ns->name[n] != '-' ||
	    strncmp(ns->name + n + 1, server, strlen(server)) != 0)
		return false;
	n += 1 + strlen(server);
	return ns->name[n] == '\0' ||
	    (ns->role == NS_JAIL && ns->name[n] == '-');
}

static enum change_kind
kind_of(const struct plan *plan, const struct op *op)
{
	switch (op->kind) {
	case OP_FIREWALL:
		return CHANGE_FIREWALL;
	case OP_ADDR:
	case OP_ROUTE:
	case OP_MTU:
	case OP_UP:
	case OP_SYSCTL:
		return plan->host ? CHANGE_TOPOLOGY : CHANGE_IN_PLACE;
	case OP_NETNS:
	case OP_BRIDGE:
	case OP_VETH:
	case OP_RENAME:
	case OP_MASTER:
	case OP_NOTE:
		break;
	}
	return CHANGE_TOPOLOGY;
}

static void
push(struct plan_diff *d, const struct plan *plan, const struct op *op,
    bool add)
{
	struct plan_change *c = VEC_PUSH(d->v, d->n, d->cap);

	c->kind = kind_of(plan, op);
	c->add = add;
	c->plan = plan;
	c->op = op;
	d->ntopology += c->kind == CHANGE_TOPOLOGY;
}

/* Does an added topology change of ${d} make link ${link} of ${ns}? */
static bool
new_link(const struct plan_diff *d, size_t ns, const char *link)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct op *op = d->v[i].op;

		if (!d->v[i].add || d->v[i].kind != CHANGE_TOPOLOGY)
			continue;
		if ((op->kind == OP_BRIDGE || op->kind == OP_VETH) &&
		    op->ns == ns && str_eq(op->link, link))
			return true;
		if (op->kind == OP_VETH && op->peer_ns == ns &&
		    str_eq(op->peer, link))
			return true;
	}
	return false;
}

/*
 * An in-place change in a namespace or on a link that the new topology
 * makes is part of that topology: only `up` can do it.
 */
static void
follow_topology(const struct plan *old, struct plan_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct plan_change *c = &d->v[i];

		if (!c->add || c->kind != CHANGE_IN_PLACE)
			continue;
		if (plan_find_ns(old, c->plan->ns[c->op->ns].name) !=
		    NO_INDEX && (c->op->link == NULL || c->op->kind ==
		    OP_SYSCTL || !new_link(d, c->op->ns, c->op->link)))
			continue;
		c->kind = CHANGE_TOPOLOGY;
		d->ntopology++;
	}
}

void
plan_diff(const struct plan *old, const struct plan *new, const char *server,
    struct plan_diff *out)
{
	char **okeys = xcalloc(old->nops + 1, sizeof(*okeys));
	char **nkeys = xcalloc(new->nops + 1, sizeof(*nkeys));
	bool *matched = xcalloc(new->nops + 1, sizeof(*matched));
	bool *same = xcalloc(old->nops + 1, sizeof(*same));
	size_t i, k;

	for (i = 0; i < old->nops; i++)
		okeys[i] = op_key(old, &old->ops[i]);
	for (k = 0; k < new->nops; k++)
		nkeys[k] = op_key(new, &new->ops[k]);
	/* Pair each old op with an unpaired new op of the same key. */
	for (i = 0; i < old->nops; i++) {
		if (old->ops[i].kind == OP_NOTE)
			continue;
		for (k = 0; k < new->nops; k++)
			if (!matched[k] && str_eq(okeys[i], nkeys[k]))
				break;
		if (k == new->nops)
			continue;
		matched[k] = true;
		same[i] = true;
		/* A changed ruleset: the new one replaces it. */
		if (old->ops[i].kind == OP_FIREWALL &&
		    !str_eq(old->ops[i].text, new->ops[k].text) &&
		    of_server(new, &new->ops[k], server))
			push(out, new, &new->ops[k], true);
	}
	for (i = old->nops; i-- > 0;)
		if (!same[i] && old->ops[i].kind != OP_NOTE &&
		    of_server(old, &old->ops[i], server))
			push(out, old, &old->ops[i], false);
	for (k = 0; k < new->nops; k++)
		if (!matched[k] && new->ops[k].kind != OP_NOTE &&
		    of_server(new, &new->ops[k], server))
			push(out, new, &new->ops[k], true);
	follow_topology(old, out);
	for (i = 0; i < old->nops; i++)
		free(okeys[i]);
	for (k = 0; k < new->nops; k++)
		free(nkeys[k]);
	free(okeys);
	free(nkeys);
	free(matched);
	free(same);
}

void
plan_diff_print(const struct plan_diff *diff, struct strbuf *out)
{
	size_t i;

	if (diff->n == 0) {
		strbuf_adds(out, "  (no change)\n");
		return;
	}
	for (i = 0; i < diff->n; i++) {
		const struct plan_change *c = &diff->v[i];

		strbuf_addf(out, "  %c ", c->add ? '+' : '-');
		if (c->kind == CHANGE_FIREWALL && !c->add)
			strbuf_addf(out, "firewall of server %s in %s",
			    c->op->server, c->plan->ns[c->op->ns].name);
		else
			plan_describe_op(c->plan, c->op, out);
		switch (c->kind) {
		case CHANGE_TOPOLOGY:
			strbuf_adds(out, "  [topology: needs --rebuild]\n");
			break;
		case CHANGE_IN_PLACE:
			strbuf_adds(out, c->add ? "  [applied in place]\n" :
			    c->op->kind == OP_ADDR || c->op->kind == OP_ROUTE ?
			    "  [removed in place]\n" :
			    "  [left as it is]\n");
			break;
		case CHANGE_FIREWALL:
			strbuf_adds(out, c->add ? "  [ruleset replaced in one "
			    "transaction]\n" : "  [ruleset deleted]\n");
			break;
		}
	}
}

void
plan_diff_free(struct plan_diff *diff)
{
	free(diff->v);
	memset(diff, 0, sizeof(*diff));
}
