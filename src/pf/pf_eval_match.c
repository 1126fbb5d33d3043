/*
 * pf_eval_match: one filter pass of the static pf model, as pf_test() does
 * it: state lookup, then translation (pf_get_translation()'s order of the
 * binat, nat and rdr rules), then the filter rules (last match wins, quick
 * stops) on the translated packet.
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

/* PF_MISMATCHAW() negated: does ${x} match the rule address ${a}
   (resolved as ${ra})? */
static bool
addr_match(const struct pf_eval *ctx, const struct pf_addr *a,
    const struct eval_raddr *ra, const struct ipaddr *x, size_t ifidx)
{
	struct eval_table *t;
	int f = x->family == AF_INET6;
	size_t i;
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
		t = eval_table_at(ctx, ra->table, a->name);
		m = t != NULL && eval_table_match(t, x);
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (!ra->expanded[f])
			break;
		for (i = 0; i < ra->npfx[f] && !m; i++)
			m = ipprefix_contains(&ra->pfx[f][i], x);
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

/* ${er}: the rule resolved, its interface an index. */
static bool
ifspec_match(const struct pf_ifspec *is, const struct eval_rule *er,
    size_t ifidx)
{
	if (is->name == NULL)
		return true;
	return (er->ifidx == ifidx) != (is->neg != 0);
}

static bool
has_ports(const struct pf_packet *p)
{
	return p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP;
}

/* The interface, family and protocol of rule ${r}. */
static bool
rule_match_head(const struct pf_rule *r, const struct eval_rule *er,
    size_t ifidx, const struct pf_packet *p)
{
	return ifspec_match(&r->ifspec, er, ifidx) &&
	    (r->af == 0 || r->af == p->af) &&
	    (r->proto == 0 || r->proto == p->proto);
}

/* What filter and translation rules have in common: interface, family,
   protocol, addresses and ports. */
static bool
rule_match_common(const struct pf_eval *ctx, const struct pf_rule *r,
    const struct eval_rule *er, size_t ifidx, const struct pf_packet *p)
{
	if (!rule_match_head(r, er, ifidx, p))
		return false;
	if (!addr_match(ctx, &r->src, &er->src, &p->src, ifidx))
		return false;
	if (r->src_port.op != PF_PORT_NONE &&
	    (!has_ports(p) || !port_match(&r->src_port, p->sport)))
		return false;
	if (!addr_match(ctx, &r->dst, &er->dst, &p->dst, ifidx))
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
	if (!rule_match_common(ctx, r, eval_rule_of(ctx, PF_RS_FILTER, r),
	    ifidx, p))
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

/* The first address of a translation pool (its first address resolved
   as ${ra}), for family ${af}. */
static bool
pool_addr(const struct pf_eval *ctx, const struct pf_pool *pool,
    const struct eval_raddr *ra, int af, struct ipaddr *out)
{
	const struct pf_addr *a;
	const struct eval_table *t;
	int f = af == AF_INET6;

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
		t = eval_table_at(ctx, ra->table, a->name);
		return t != NULL && eval_table_first(t, af, out);
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (!ra->expanded[f] || ra->npfx[f] == 0)
			return false;
		*out = ra->pfx[f][0].addr;
		return true;
	case PF_ADDR_ANY:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		break;
	}
	return false;
}

/* ${x} with its first ${net}->len bits from ${net}: pf_poolmask(). */
static struct ipaddr
poolmask(const struct ipprefix *net, const struct ipaddr *x)
{
	struct ipaddr out = *x;
	unsigned i, bits = net->len, n = ipaddr_bits(x) / 8;

	for (i = 0; i < n; i++) {
		unsigned keep = bits >= 8 ? 8 : bits;
		uint8_t m = (uint8_t)(keep == 0 ? 0 : 0xff << (8 - keep));

		out.bytes[i] = (uint8_t)((net->addr.bytes[i] & m) |
		    (x->bytes[i] & (uint8_t)~m));
		bits -= keep;
	}
	return out;
}

/* The network a binat rule maps to or from: the address ${a} (its pool
   address or its source, resolved as ${ra}) with its mask, for family
   ${af}.  The parser leaves only a prefix or an interface of one
   address; an interface without an address of ${af} has none. */
static bool
binat_net(const struct pf_addr *a, const struct eval_raddr *ra, int af,
    struct ipprefix *out)
{
	int f = af == AF_INET6;

	switch (a->kind) {
	case PF_ADDR_PREFIX:
		if (a->prefix.addr.family != af)
			return false;
		*out = a->prefix;
		return true;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (!ra->expanded[f] || ra->npfx[f] == 0)
			return false;
		*out = ra->pfx[f][0];
		return true;
	default:
		return false;
	}
}

/*
 * Does binat rule ${r} match ${p} going ${dir}?  pf_match_translation():
 * outbound as any translation rule; inbound the packet's source meets the
 * rule's destination and its destination the pool address, as the
 * packet's reverse of an outbound match.
 */
static bool
binat_match(const struct pf_eval *ctx, const struct pf_rule *r,
    const struct eval_rule *er, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *p)
{
	if (dir == PF_DIR_OUT)
		return rule_match_common(ctx, r, er, ifidx, p);
	if (!rule_match_head(r, er, ifidx, p))
		return false;
	if (!addr_match(ctx, &r->dst, &er->dst, &p->src, ifidx))
		return false;
	/* "no binat" has no pool: only the source is checked, as pf does. */
	return r->rpool.naddrs == 0 ||
	    addr_match(ctx, &r->rpool.addrs[0], &er->pool, &p->dst, ifidx);
}

/*
 * The first rule of translation set ${set} that matches ${p} going
 * ${dir}, or NULL.  *${na} is set to the address it translates to: the
 * pool address (nat, rdr), the mapped address (binat); *${mapped} says
 * whether there is one ("no" rules and a binat or nat without an address
 * of the family have none).
 */
static const struct pf_rule *
xlate_in_set(const struct pf_eval *ctx, int set, enum pf_dir dir,
    size_t ifidx, const struct pf_packet *p, struct ipaddr *na,
    bool *mapped)
{
	const struct pf_rules *rules = &ctx->b->rs->rules[set];
	const struct eval_rule *er = ctx->rules[set];
	const struct pf_rule *r;
	struct ipprefix net;
	size_t i;

	*mapped = false;
	for (i = 0; i < rules->n; i++) {
		r = &rules->v[i];
		if (set == PF_RS_BINAT) {
			if (!binat_match(ctx, r, &er[i], dir, ifidx, p))
				continue;
			if (r->action == PF_ACT_NO_BINAT)
				return r;
			/* pf_get_translation(): outbound to the pool's
			   network, inbound back to the source's; none
			   (an interface without an address) translates
			   nothing, and no nat is tried after. */
			*mapped = dir == PF_DIR_OUT ?
			    binat_net(&r->rpool.addrs[0], &er[i].pool, p->af,
			    &net) : binat_net(&r->src, &er[i].src, p->af, &net);
			if (*mapped)
				*na = poolmask(&net, dir == PF_DIR_OUT ?
				    &p->src : &p->dst);
			return r;
		}
		if (!rule_match_common(ctx, r, &er[i], ifidx, p))
			continue;
		if (r->action == PF_ACT_NO_NAT || r->action == PF_ACT_NO_RDR)
			return r;
		if (pool_addr(ctx, &r->rpool, &er[i].pool, p->af, na)) {
			*mapped = true;
			return r;
		}
	}
	return NULL;
}

/*
 * The translation rule that takes ${p}, pf_get_translation()'s order:
 * outbound the first binat rule, else the first nat rule; inbound the
 * first rdr rule, else the first binat rule.  A "no" rule takes the
 * packet without translating it.  NULL if none; *${na} and *${mapped} as
 * xlate_in_set().
 */
static const struct pf_rule *
xlate_find(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *p, struct ipaddr *na, bool *mapped)
{
	int first = dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_BINAT;
	int second = dir == PF_DIR_IN ? PF_RS_BINAT : PF_RS_NAT;
	const struct pf_rule *r;

	r = xlate_in_set(ctx, first, dir, ifidx, p, na, mapped);
	if (r == NULL)
		r = xlate_in_set(ctx, second, dir, ifidx, p, na, mapped);
	return r;
}

/*
 * Apply the translation rule that takes ${p} (xlate_find()).  Return
 * it, or NULL if it translates nothing ("no nat", "no rdr", "no binat").
 */
static const struct pf_rule *
translate(struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    struct pf_packet *p)
{
	const struct pf_rule *r;
	struct ipaddr na;
	unsigned port;
	bool mapped;

	r = xlate_find(ctx, dir, ifidx, p, &na, &mapped);
	if (r == NULL || !mapped)
		return NULL;
	if (r->action == PF_ACT_BINAT) {
		/* One to one: addresses only, the ports as they are. */
		if (dir == PF_DIR_OUT)
			p->src = na;
		else
			p->dst = na;
		return r;
	}
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
	/* nat: the first free port of the range (pf: a random one); 0:0
	   is static-port. */
	if (has_ports(p) && r->rpool.port_lo != 0)
		p->sport = eval_nat_port(ctx, p, &na, r->rpool.port_lo,
		    r->rpool.port_hi);
	p->src = na;
	return r;
}

/* A filter rule ${r} matched ${p}: tag it, make ${r} the last match
   unless it is a match rule; return true if the pass stops (quick). */
static bool
decide_on(const struct pf_rule *r, struct pf_packet *p,
    const struct pf_rule **last)
{
	if (r->tag != NULL)
		p->tag = r->tag;
	if (r->action != PF_ACT_MATCH)
		*last = r;
	return r->quick != 0;
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
	struct eval_cand c;
	long i;

	/* Only the rules the index says can match, in order. */
	eval_cand_init(ctx, dir, ifidx, p, &c);
	while ((i = eval_cand_next(&c)) >= 0) {
		r = &rules->v[i];
		if (filter_match(ctx, r, dir, ifidx, p) &&
		    decide_on(r, p, &last))
			break;
	}
	return last;
}

/* The state numbered ${id} of ${ctx}.  States are numbered from 1 in the
   order they are made and never leave the array (a reset empties it and
   numbers again from 1), so state ${id} is at ${id} - 1: a scan here cost
   a state match 80% of its time with 1,300 states. */
static struct eval_state *
state_by_id(struct pf_eval *ctx, unsigned id)
{
	if (id == 0 || id > ctx->nstates || ctx->states[id - 1].id != id)
		return NULL;
	return &ctx->states[id - 1];
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

/* Single decisions (pf_eval.h), on every rule in order, without the
   index: ${ifidx} may be b->nifaces, an interface no rule names. */

bool
pf_eval_rule_matches(const struct pf_eval *ctx, int set,
    const struct pf_rule *r, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *pkt)
{
	if (set == PF_RS_FILTER)
		return filter_match(ctx, r, dir, ifidx, pkt);
	if (set == PF_RS_BINAT)
		return binat_match(ctx, r, eval_rule_of(ctx, set, r), dir,
		    ifidx, pkt);
	return rule_match_common(ctx, r, eval_rule_of(ctx, set, r), ifidx,
	    pkt);
}

const struct pf_rule *
pf_eval_decide(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *pkt)
{
	const struct pf_rules *rules = &ctx->b->rs->rules[PF_RS_FILTER];
	const struct pf_rule *last = NULL;
	struct pf_packet p = *pkt;
	size_t i;

	for (i = 0; i < rules->n; i++)
		if (filter_match(ctx, &rules->v[i], dir, ifidx, &p) &&
		    decide_on(&rules->v[i], &p, &last))
			break;
	return last;
}

const struct pf_rule *
pf_eval_xlate_rule(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *pkt)
{
	struct ipaddr na;
	bool mapped;

	return xlate_find(ctx, dir, ifidx, pkt, &na, &mapped);
}

/* pf_eval_rule_meets(): does some address of [lo, hi] match ${a}?  The
   match can change only where a prefix or table entry starts or ends, so
   the low end and each such point inside are tried. */
static bool
addr_try(const struct pf_eval *ctx, const struct pf_addr *a,
    const struct eval_raddr *ra, uint64_t x, uint32_t lo, uint32_t hi)
{
	struct ipaddr ip;

	if (x < lo || x > hi)
		return false;
	ip = ipaddr_of_v4((uint32_t)x);
	return addr_match(ctx, a, ra, &ip, NO_INDEX);
}

static bool
addr_try_prefix(const struct pf_eval *ctx, const struct pf_addr *a,
    const struct eval_raddr *ra, const struct ipprefix *p, uint32_t lo,
    uint32_t hi)
{
	uint32_t first, last;

	if (!ipprefix_v4_span(p, &first, &last))
		return false;
	return addr_try(ctx, a, ra, first, lo, hi) ||
	    addr_try(ctx, a, ra, (uint64_t)last + 1, lo, hi);
}

static bool
addr_meets(const struct pf_eval *ctx, const struct pf_addr *a,
    const struct eval_raddr *ra, uint32_t lo, uint32_t hi)
{
	const struct pf_bound_table *t = NULL;
	size_t i;

	switch (a->kind) {
	case PF_ADDR_ANY:
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
	case PF_ADDR_IFACE:
		break;
	case PF_ADDR_TABLE:
		t = pf_bound_table(ctx->b, a->name);
		if (t == NULL || t->is_dynamic || t->nentries == 0)
			return true;
		break;
	case PF_ADDR_DYNIFACE:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		return true;
	}
	if (addr_try(ctx, a, ra, lo, lo, hi))
		return true;
	switch (a->kind) {
	case PF_ADDR_PREFIX:
		return addr_try_prefix(ctx, a, ra, &a->prefix, lo, hi);
	case PF_ADDR_RANGE:
		return a->prefix.addr.family == AF_INET &&
		    (addr_try(ctx, a, ra, ipaddr_v4(&a->prefix.addr), lo,
		    hi) || addr_try(ctx, a, ra,
		    (uint64_t)ipaddr_v4(&a->last) + 1, lo, hi));
	case PF_ADDR_TABLE:
		for (i = 0; t != NULL && i < t->nentries; i++)
			if (addr_try_prefix(ctx, a, ra, &t->entries[i].prefix,
			    lo, hi))
				return true;
		return false;
	case PF_ADDR_IFACE:
		for (i = 0; ra->expanded[0] && i < ra->npfx[0]; i++)
			if (addr_try_prefix(ctx, a, ra, &ra->pfx[0][i], lo,
			    hi))
				return true;
		return false;
	default:
		return false;
	}
}

/* Does some port of [lo, hi] match ${pp}?  The low end and the points
   where its operator's answer can change are tried. */
static bool
port_meets(const struct pf_port *pp, uint16_t lo, uint16_t hi)
{
	uint32_t c[5] = { lo, pp->a, (uint32_t)pp->a + 1, pp->b,
	    (uint32_t)pp->b + 1 };
	size_t i;

	if (pp->op == PF_PORT_NONE)
		return true;
	for (i = 0; i < 5; i++)
		if (c[i] >= lo && c[i] <= hi && port_match(pp, (uint16_t)c[i]))
			return true;
	return false;
}

bool
pf_eval_rule_meets(const struct pf_eval *ctx, int set,
    const struct pf_rule *r, enum pf_dir dir, size_t ifidx,
    const struct pf_pbox *box)
{
	const struct eval_rule *er = eval_rule_of(ctx, set, r);
	bool ports = box->proto == 0 || box->proto == IPPROTO_TCP ||
	    box->proto == IPPROTO_UDP;

	if (set == PF_RS_FILTER && ((r->action != PF_ACT_PASS &&
	    r->action != PF_ACT_BLOCK && r->action != PF_ACT_MATCH) ||
	    (r->dir != PF_DIR_INOUT && r->dir != dir)))
		return false;
	if (!ifspec_match(&r->ifspec, er, ifidx))
		return false;
	if (r->af != 0 && r->af != AF_INET)
		return false;
	if (r->proto != 0 && box->proto != 0 && r->proto != box->proto)
		return false;
	if ((r->src_port.op != PF_PORT_NONE ||
	    r->dst_port.op != PF_PORT_NONE) && !ports)
		return false;
	/* binat_match() inbound: the source against the rule's destination,
	   the destination against the pool ("no binat": none). */
	if (set == PF_RS_BINAT && dir == PF_DIR_IN)
		return addr_meets(ctx, &r->dst, &er->dst, box->src_lo,
		    box->src_hi) && (r->rpool.naddrs == 0 ||
		    addr_meets(ctx, &r->rpool.addrs[0], &er->pool,
		    box->dst_lo, box->dst_hi));
	return addr_meets(ctx, &r->src, &er->src, box->src_lo, box->src_hi) &&
	    addr_meets(ctx, &r->dst, &er->dst, box->dst_lo, box->dst_hi) &&
	    port_meets(&r->src_port, box->sport_lo, box->sport_hi) &&
	    port_meets(&r->dst_port, box->dport_lo, box->dport_hi);
}
