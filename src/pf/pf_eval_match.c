/*
 * pf_eval_match: one filter pass of the static pf model, as pf_test() does
 * it: state lookup, then translation (first match of the nat or rdr rules),
 * then the filter rules (last match wins, quick stops) on the translated
 * packet.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval_int.h"

static bool
port_match(const struct pf_port *pp, uint16_t port)
{
	switch (pp->op) {
	case PF_PORT_NONE:
		return true;
	case PF_PORT_EQ:
		return port == pp->a;
	case PF_PORT_NE:
		return port != pp->a;
	case PF_PORT_LT:
		return port < pp->a;
	case PF_PORT_LE:
		return port <= pp->a;
	case PF_PORT_GT:
		return port > pp->a;
	case PF_PORT_GE:
		return port >= pp->a;
	case PF_PORT_RANGE:
		return port >= pp->a && port <= pp->b;
	case PF_PORT_INSIDE:
		return port > pp->a && port < pp->b;
	case PF_PORT_OUTSIDE:
		return port < pp->a || port > pp->b;
	}
	return false;
}

/* pf_routable(): is there a route to ${a}; with ${ifidx} != NO_INDEX, does
   it leave by that interface (the uRPF check)? */
static bool
routable(const struct pf_bound *b, const struct ipaddr *a, size_t ifidx)
{
	size_t r = pf_route_lookup(b, a);

	if (r == NO_INDEX)
		return false;
	return ifidx == NO_INDEX || b->routes[r].iface == ifidx;
}

/* PF_MISMATCHAW() negated: does ${x} match the rule address ${a}? */
static bool
addr_match(const struct pf_eval *ctx, const struct pf_addr *a,
    const struct ipaddr *x, size_t ifidx)
{
	struct eval_table *t;
	struct ipprefix *v;
	size_t i, n;
	bool m = false;

	switch (a->kind) {
	case PF_ADDR_ANY:
		m = true;
		break;
	case PF_ADDR_PREFIX:
		m = ipprefix_contains(&a->prefix, x);
		break;
	case PF_ADDR_RANGE:
		m = a->prefix.addr.family == x->family &&
		    ipaddr_cmp(&a->prefix.addr, x) <= 0 &&
		    ipaddr_cmp(x, &a->last) <= 0;
		break;
	case PF_ADDR_TABLE:
		t = eval_table(ctx, a->name);
		m = t != NULL && eval_table_match(t, x);
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(ctx->b, a, x->family, &v, &n) != 0)
			break;
		for (i = 0; i < n && !m; i++)
			m = ipprefix_contains(&v[i], x);
		free(v);
		break;
	case PF_ADDR_NOROUTE:
		m = !routable(ctx->b, x, NO_INDEX);
		break;
	case PF_ADDR_URPF_FAILED:
		m = !routable(ctx->b, x, ifidx);
		break;
	}
	return m != (a->neg != 0);
}

static bool
ifspec_match(const struct pf_ifspec *is, const char *ifname)
{
	if (is->name == NULL)
		return true;
	return str_eq(is->name, ifname) != (is->neg != 0);
}

static bool
has_ports(const struct pf_packet *p)
{
	return p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP;
}

/* What filter and translation rules have in common: interface, family,
   protocol, addresses and ports. */
static bool
rule_match_common(const struct pf_eval *ctx, const struct pf_rule *r,
    size_t ifidx, const struct pf_packet *p)
{
	if (!ifspec_match(&r->ifspec, ctx->b->ifaces[ifidx].name))
		return false;
	if (r->af != 0 && r->af != p->af)
		return false;
	if (r->proto != 0 && r->proto != p->proto)
		return false;
	if (!addr_match(ctx, &r->src, &p->src, ifidx))
		return false;
	if (r->src_port.op != PF_PORT_NONE &&
	    (!has_ports(p) || !port_match(&r->src_port, p->sport)))
		return false;
	if (!addr_match(ctx, &r->dst, &p->dst, ifidx))
		return false;
	if (r->dst_port.op != PF_PORT_NONE &&
	    (!has_ports(p) || !port_match(&r->dst_port, p->dport)))
		return false;
	return true;
}

static bool
filter_match(const struct pf_eval *ctx, const struct pf_rule *r,
    enum pf_dir dir, size_t ifidx, const struct pf_packet *p)
{
	if (r->action != PF_ACT_PASS && r->action != PF_ACT_BLOCK &&
	    r->action != PF_ACT_MATCH)
		return false;
	if (r->dir != PF_DIR_INOUT && r->dir != dir)
		return false;
	if (!rule_match_common(ctx, r, ifidx, p))
		return false;
	if (r->icmp_type >= 0 && (p->proto != r->proto ||
	    p->icmp_type != r->icmp_type ||
	    (r->icmp_code >= 0 && p->icmp_code != r->icmp_code)))
		return false;
	/* Flags are checked on TCP packets only. */
	if (p->proto == IPPROTO_TCP && r->flagset != 0 &&
	    (p->flags & r->flagset) != r->flags)
		return false;
	if (r->fragment)
		return false;	/* the model's packets are never fragments */
	/* pf_match_tag(): the tag so far, set before or earlier in the pass */
	if (r->tagged != NULL && (p->tag != NULL &&
	    str_eq(p->tag, r->tagged)) == (r->tagged_neg != 0))
		return false;
	return true;
}

/* The first address of a translation pool, for family ${af}. */
static bool
pool_addr(const struct pf_eval *ctx, const struct pf_pool *pool, int af,
    struct ipaddr *out)
{
	const struct pf_addr *a;
	const struct eval_table *t;
	struct ipprefix *v;
	size_t i, n;
	bool ok = false;

	if (pool->naddrs == 0)
		return false;
	a = &pool->addrs[0];
	switch (a->kind) {
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
		if (a->prefix.addr.family != af)
			return false;
		*out = a->prefix.addr;
		return true;
	case PF_ADDR_TABLE:
		t = eval_table(ctx, a->name);
		for (i = 0; t != NULL && i < t->n; i++)
			if (!t->v[i].neg && t->v[i].prefix.addr.family == af) {
				*out = t->v[i].prefix.addr;
				return true;
			}
		return false;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(ctx->b, a, af, &v, &n) != 0)
			return false;
		if (n > 0) {
			*out = v[0].addr;
			ok = true;
		}
		free(v);
		return ok;
	case PF_ADDR_ANY:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		break;
	}
	return false;
}

/* Is the source ${a}:${port} already used on the wire by an outbound
   state to ${p}'s destination? */
static bool
nat_port_used(const struct pf_eval *ctx, const struct pf_packet *p,
    const struct ipaddr *a, uint16_t port)
{
	size_t i;

	for (i = 0; i < ctx->nstates; i++) {
		const struct eval_state *s = &ctx->states[i];
		const struct eval_key *k = &s->key[SK_WIRE];

		if (!s->dead && s->proto == p->proto && s->dir == PF_DIR_OUT &&
		    ipaddr_eq(&k->a[1], a) && k->p[1] == port &&
		    ipaddr_eq(&k->a[0], &p->dst) && k->p[0] == p->dport)
			return true;
	}
	return false;
}

/*
 * Apply the first matching nat (outbound) or rdr (inbound) rule to ${p}.
 * Return the rule, or NULL if none applies ("no nat"/"no rdr" included).
 */
static const struct pf_rule *
translate(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    struct pf_packet *p)
{
	const struct pf_rules *rules = &ctx->b->rs->rules[dir == PF_DIR_IN ?
	    PF_RS_RDR : PF_RS_NAT];
	const struct pf_rule *r;
	struct ipaddr na;
	unsigned port;
	size_t i;

	for (i = 0; i < rules->n; i++) {
		r = &rules->v[i];
		if (!rule_match_common(ctx, r, ifidx, p))
			continue;
		if (r->action == PF_ACT_NO_NAT || r->action == PF_ACT_NO_RDR)
			return NULL;
		if (!pool_addr(ctx, &r->rpool, p->af, &na))
			continue;
		if (r->action == PF_ACT_RDR) {
			p->dst = na;
			if (has_ports(p) && r->rpool.port_lo != 0) {
				port = r->rpool.port_lo;
				if (r->rpool.port_hi > r->rpool.port_lo &&
				    r->dst_port.op == PF_PORT_RANGE)
					port += p->dport - r->dst_port.a;
				p->dport = (uint16_t)port;
			}
			return r;
		}
		/* nat: the first free port of the range (pf: a random
		   one); 0:0 is static-port. */
		if (has_ports(p) && r->rpool.port_lo != 0) {
			for (port = r->rpool.port_lo;
			    port < r->rpool.port_hi &&
			    nat_port_used(ctx, p, &na, (uint16_t)port); port++)
				;
			p->sport = (uint16_t)port;
		}
		p->src = na;
		return r;
	}
	return NULL;
}

/*
 * The deciding filter rule: the first quick rule that matches, else the
 * last pass or block rule that matches, else NULL (the default).  As pf
 * does, every matching rule with "tag" (match rules too, which never
 * decide) tags ${p} for the rules after it and for the rest of its way.
 */
static const struct pf_rule *
filter_decide(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    struct pf_packet *p)
{
	const struct pf_rules *rules = &ctx->b->rs->rules[PF_RS_FILTER];
	const struct pf_rule *last = NULL, *r;
	size_t i;

	for (i = 0; i < rules->n; i++) {
		r = &rules->v[i];
		if (!filter_match(ctx, r, dir, ifidx, p))
			continue;
		if (r->tag != NULL)
			p->tag = r->tag;
		if (r->action != PF_ACT_MATCH)
			last = r;
		if (r->quick)
			break;
	}
	return last;
}

/* The state numbered ${id} of ${ctx}. */
static struct eval_state *
state_by_id(struct pf_eval *ctx, unsigned id)
{
	size_t i;

	for (i = ctx->nstates; i-- > 0;)
		if (ctx->states[i].id == id)
			return &ctx->states[i];
	return NULL;
}

void
eval_filter_pass(struct pf_eval *ctx, struct pf_eval_stage *st,
    enum pf_dir dir, size_t ifidx, struct pf_packet *p, uint32_t now_s)
{
	struct pf_packet orig = *p;
	const struct pf_rule *r;
	long id;

	if (ctx->b->ifaces[ifidx].skip) {
		st->how = PF_EVAL_SKIPPED;
		st->pass = true;
		return;
	}
	id = eval_state_lookup(ctx, p, dir, ifidx, now_s, st);
	if (id >= 0) {
		struct eval_state *s = state_by_id(ctx, (unsigned)id);

		/* A state tags the packets it matches with its rule's tag. */
		if (s != NULL && s->tag != NULL)
			p->tag = s->tag;
		st->how = PF_EVAL_BY_STATE;
		st->state_matched = true;
		st->state_id = (unsigned)id;
		return;
	}
	st->xlate = translate(ctx, dir, ifidx, p);
	if (st->xlate != NULL && st->xlate->natpass) {
		st->how = PF_EVAL_BY_XLATE_PASS;
		st->pass = true;
		st->state_created = true;
		st->state_id = eval_state_create(ctx, NULL, &orig, p, dir,
		    ifidx, now_s);
		return;
	}
	r = filter_decide(ctx, dir, ifidx, p);
	st->rule = r;
	st->how = r != NULL ? PF_EVAL_BY_RULE : PF_EVAL_BY_DEFAULT;
	st->pass = r == NULL || r->action == PF_ACT_PASS;
	if (!st->pass)
		return;
	/* A stateful pass keeps state; so does any translated packet, since
	   only a state can translate its replies. */
	if ((r != NULL && r->keep != PF_KEEP_NONE) || st->xlate != NULL) {
		st->state_created = true;
		st->state_id = eval_state_create(ctx, r, &orig, p, dir, ifidx,
		    now_s);
		if (p->tag != NULL)
			state_by_id(ctx, st->state_id)->tag = p->tag;
	}
}
