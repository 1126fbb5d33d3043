/*
 * pf_lint_shadow: rules that never decide because other rules take every
 * packet they match (see pf_lint.h).
 *
 * The static model is the semantics.  For a rule R, its packets are
 * split first by what takes few values (interface, an interface the
 * server does not have included; direction; family; protocol; TCP flags
 * over the bits some rule tests; ICMP type and code a rule names, and one
 * other), then as boxes of source and destination address and port.  In
 * a box, a rule whose boundaries (prefix, range, table entry and
 * interface address ends, port values) all lie outside it matches all of
 * it or none of it, which the model tells from one packet
 * (pf_eval_rule_matches()); a box is split at a boundary of a rule that
 * could change who decides, until the decision over the box follows from
 * such rules alone.  That decision must be the model's for the box's
 * packet (pf_eval_decide(), pf_eval_xlate_rule()), or the rule is left
 * out.  R is dead if, in every box where it matches, another rule
 * decides.
 *
 * The model runs on a view of the ruleset without the rules whose match
 * it does not know exactly: a rule that may match a packet only takes it
 * from R (an earlier quick rule decides it first, a later rule is the
 * last match), so without them R decides at least the packets it decides
 * with them, and a rule found dead without them is dead with them.  Only
 * a quick match rule could give R packets (it ends the search with R as
 * the last match), so R is left out where one could match.
 *
 * Translation rules are searched within their set: nat and rdr as pf
 * applies them outbound and inbound, binat in both directions (outbound
 * its source, inbound its pool as the destination and its source as the
 * packet's source).  Where a rule of another set decides first (rdr
 * before binat inbound, binat before nat outbound), R is left out.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf.h"
#include "pf/pf_eval.h"
#include "pf/pf_lint_int.h"

/* Addresses and ports as numbers: IPv4 in lo, IPv6 in hi:lo. */
struct u128 {
	uint64_t hi, lo;
};

static int
u_cmp(struct u128 a, struct u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static struct u128
u_add(struct u128 a, int d)
{
	if (d > 0) {
		if (++a.lo == 0)
			a.hi++;
	} else {
		if (a.lo-- == 0)
			a.hi--;
	}
	return a;
}

static bool
u_is_zero(struct u128 a)
{
	return a.hi == 0 && a.lo == 0;
}

static struct u128
u_of_addr(const struct ipaddr *a)
{
	struct u128 u = { 0, 0 };
	int i;

	if (a->family == AF_INET) {
		for (i = 0; i < 4; i++)
			u.lo = u.lo << 8 | a->bytes[i];
		return u;
	}
	for (i = 0; i < 8; i++)
		u.hi = u.hi << 8 | a->bytes[i];
	for (i = 8; i < 16; i++)
		u.lo = u.lo << 8 | a->bytes[i];
	return u;
}

static void
u_to_addr(struct u128 u, int af, struct ipaddr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->family = af;
	if (af == AF_INET) {
		for (i = 3; i >= 0; i--, u.lo >>= 8)
			a->bytes[i] = (uint8_t)u.lo;
		return;
	}
	for (i = 15; i >= 8; i--, u.lo >>= 8)
		a->bytes[i] = (uint8_t)u.lo;
	for (i = 7; i >= 0; i--, u.hi >>= 8)
		a->bytes[i] = (uint8_t)u.hi;
}

/* The highest address of family index ${f} (0 IPv4, 1 IPv6). */
static struct u128
u_top(int f)
{
	struct u128 u = { f ? UINT64_MAX : 0, f ? UINT64_MAX : UINT32_MAX };

	return u;
}

/* The last address of the prefix ${p}. */
static struct u128
u_prefix_last(const struct ipprefix *p)
{
	struct u128 u = u_of_addr(&p->addr);
	unsigned bits = p->addr.family == AF_INET ? 32 : 128;
	unsigned host = bits - (p->len > bits ? bits : p->len);

	if (host >= 128)
		return u_top(1);
	if (host >= 64) {
		u.lo = UINT64_MAX;
		u.hi |= host == 64 ? 0 : (UINT64_MAX >> (128 - host));
	} else if (host > 0) {
		u.lo |= UINT64_MAX >> (64 - host);
	}
	return u;
}

enum { D_SRC, D_DST, D_SPORT, D_DPORT, D_N };

/* A box of packets: an interval of each dimension, inclusive. */
struct box {
	struct u128 lo[D_N], hi[D_N];
};

/* Where the values of a dimension change for one rule: the sorted first
   values of its classes (never 0). */
struct bounds {
	struct u128 *v;
	size_t n, cap;
};

/* A rule of the view, resolved for the search. */
struct lrule {
	const struct pf_rule *r;	/* in the view */
	size_t orig;			/* its index in the binding's set */
	size_t ifidx;			/* its interface, NO_INDEX if none */
	struct bounds bnd[2][D_N];	/* per family index */
};

/* One rule set of the view: the rules the model knows exactly. */
struct lset {
	struct lrule *v;
	size_t n;
	struct pf_rule *rules;		/* shallow copies, for the view */
};

/* What the search works on. */
struct lint {
	const struct pf_bound *b;
	struct pf_bound view;		/* b with its ruleset replaced */
	struct pf_ruleset rs;		/* b->rs with the sets below */
	struct lset set[PF_RS_COUNT];
	struct pf_eval *ctx;		/* on the view */
	size_t other_if;		/* b->nifaces: an interface the server
					   lacks */
	uint8_t flagbits;		/* every TCP flag a filter rule tests */
	size_t max_cells;
	struct pf_lint_stats *st;
};

/* One point of the dimensions that take few values. */
struct lpoint {
	size_t ifidx;
	enum pf_dir dir;
	int af, proto;
	uint8_t flags;
	int icmp_type, icmp_code;
};

static void
bounds_add(struct bounds *bs, struct u128 v)
{
	if (!u_is_zero(v))
		*VEC_PUSH(bs->v, bs->n, bs->cap) = v;
}

static int
u_qcmp(const void *a, const void *b)
{
	return u_cmp(*(const struct u128 *)a, *(const struct u128 *)b);
}

static void
bounds_sort(struct bounds *bs)
{
	size_t i, k = 0;

	if (bs->n == 0)
		return;
	qsort(bs->v, bs->n, sizeof(*bs->v), u_qcmp);
	for (i = 0; i < bs->n; i++)
		if (k == 0 || u_cmp(bs->v[i], bs->v[k - 1]) != 0)
			bs->v[k++] = bs->v[i];
	bs->n = k;
}

/* A boundary of ${bs} in (lo, hi], stored in ${at}: the box is split
   there.  False if none. */
static bool
bounds_inside(const struct bounds *bs, struct u128 lo, struct u128 hi,
    struct u128 *at)
{
	size_t l = 0, h = bs->n;

	/* The first boundary > lo. */
	while (l < h) {
		size_t m = l + (h - l) / 2;

		if (u_cmp(bs->v[m], lo) <= 0)
			l = m + 1;
		else
			h = m;
	}
	if (l == bs->n || u_cmp(bs->v[l], hi) > 0)
		return false;
	*at = bs->v[l];
	return true;
}

/* The prefix ${p} as the boundaries of its first and one past its last
   address, if it is of family ${af}. */
static void
bounds_prefix(struct bounds *bs, const struct ipprefix *p, int af)
{
	struct ipprefix net;
	struct u128 last;

	if (p->addr.family != af)
		return;
	net = ipprefix_network(p);
	bounds_add(bs, u_of_addr(&net.addr));
	last = u_prefix_last(p);
	if (u_cmp(last, u_top(af == AF_INET6)) != 0)
		bounds_add(bs, u_add(last, 1));
}

/* The boundaries of the rule address ${a} for family ${af}; its "!" draws
   the same ones. */
static void
bounds_addr(const struct pf_bound *b, const struct pf_addr *a, int af,
    struct bounds *bs)
{
	const struct pf_bound_table *t;
	struct ipprefix *pfx;
	struct u128 last;
	size_t i, n;

	switch (a->kind) {
	case PF_ADDR_PREFIX:
		bounds_prefix(bs, &a->prefix, af);
		break;
	case PF_ADDR_RANGE:
		if (a->prefix.addr.family != af)
			break;
		bounds_add(bs, u_of_addr(&a->prefix.addr));
		last = u_of_addr(&a->last);
		if (u_cmp(last, u_top(af == AF_INET6)) != 0)
			bounds_add(bs, u_add(last, 1));
		break;
	case PF_ADDR_TABLE:
		if ((t = pf_bound_table(b, a->name)) == NULL)
			break;
		for (i = 0; i < t->nentries; i++)
			bounds_prefix(bs, &t->entries[i].prefix, af);
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(b, a, af, &pfx, &n) != 0)
			break;
		for (i = 0; i < n; i++)
			bounds_prefix(bs, &pfx[i], af);
		free(pfx);
		break;
	case PF_ADDR_ANY:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		break;
	}
}

/* The boundaries of a port condition: every value where it may change
   (a few more than needed do no harm). */
static void
bounds_port(const struct pf_port *pp, struct bounds *bs)
{
	const unsigned v[4] = { pp->a, pp->a + 1u, pp->b, pp->b + 1u };
	size_t i;

	if (pp->op == PF_PORT_NONE)
		return;
	for (i = 0; i < 4; i++)
		if (v[i] > 0 && v[i] <= 65535) {
			struct u128 u = { 0, v[i] };

			bounds_add(bs, u);
		}
}

/* Does the model know exactly which packets the rule address ${a}
   matches, in every ruleset pfctl would load? */
static bool
addr_known(const struct pf_bound *b, const struct pf_addr *a)
{
	const struct pf_bound_table *t;
	struct ipprefix *pfx;
	size_t n;
	int f;

	switch (a->kind) {
	case PF_ADDR_ANY:
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
		return true;
	case PF_ADDR_TABLE:
		/* Filled at run time (overload), or holding nothing yet
		   (pfctl -T add): not what the rule will meet. */
		t = pf_bound_table(b, a->name);
		return t != NULL && !t->is_dynamic && t->nentries > 0;
	case PF_ADDR_IFACE:
		for (f = 0; f < 2; f++) {
			if (pf_addr_expand(b, a, f ? AF_INET6 : AF_INET, &pfx,
			    &n) != 0)
				return false;
			free(pfx);
		}
		return true;
	case PF_ADDR_DYNIFACE:		/* follows the interface live */
	case PF_ADDR_NOROUTE:		/* routes change at run time */
	case PF_ADDR_URPF_FAILED:
		break;
	}
	return false;
}

/* Does the model know exactly which packets ${r} of set ${k} matches? */
static bool
rule_known(const struct pf_bound *b, int k, const struct pf_rule *r)
{
	if (r->ifspec.name != NULL &&
	    pf_bound_iface(b, r->ifspec.name) == NO_INDEX)
		return false;
	if (!addr_known(b, &r->src) || !addr_known(b, &r->dst))
		return false;
	if (k != PF_RS_FILTER)
		return true;
	return (r->action == PF_ACT_PASS || r->action == PF_ACT_BLOCK) &&
	    r->tagged == NULL && !r->fragment;
}

/* Build the view: each set with the rules the model knows exactly
   (filter: pass and block, and every quick match rule, which is kept to
   be seen), and the model on it. */
static void
lint_init(struct lint *l, const struct pf_bound *b, size_t max_cells,
    struct pf_lint_stats *st)
{
	size_t i, k, f, d;

	memset(l, 0, sizeof(*l));
	l->b = b;
	l->max_cells = max_cells;
	l->st = st;
	l->other_if = b->nifaces;
	l->rs = *b->rs;
	for (k = 0; k < PF_RS_COUNT; k++) {
		const struct pf_rules *rules = &b->rs->rules[k];
		struct lset *ls = &l->set[k];

		ls->v = xcalloc(rules->n + 1, sizeof(*ls->v));
		ls->rules = xcalloc(rules->n + 1, sizeof(*ls->rules));
		for (i = 0; i < rules->n; i++) {
			const struct pf_rule *r = &rules->v[i];
			bool keep = k == PF_RS_SCRUB || k == PF_RS_BINAT ||
			    rule_known(b, (int)k, r) ||
			    (k == PF_RS_FILTER && r->action == PF_ACT_MATCH &&
			    r->quick);

			if (!keep)
				continue;
			ls->rules[ls->n] = *r;
			ls->v[ls->n].orig = i;
			ls->n++;
		}
		l->rs.rules[k].v = ls->rules;
		l->rs.rules[k].n = l->rs.rules[k].cap = ls->n;
		for (i = 0; i < ls->n; i++) {
			struct lrule *lr = &ls->v[i];
			const struct pf_rule *r = &ls->rules[i];

			lr->r = r;
			lr->ifidx = r->ifspec.name != NULL ?
			    pf_bound_iface(b, r->ifspec.name) : NO_INDEX;
			if (k == PF_RS_FILTER && (r->proto == 0 ||
			    r->proto == IPPROTO_TCP))
				l->flagbits |= r->flagset;
			for (f = 0; f < 2; f++) {
				int af = f ? AF_INET6 : AF_INET;

				bounds_addr(b, &r->src, af,
				    &lr->bnd[f][D_SRC]);
				bounds_addr(b, &r->dst, af,
				    &lr->bnd[f][D_DST]);
				bounds_port(&r->src_port,
				    &lr->bnd[f][D_SPORT]);
				bounds_port(&r->dst_port,
				    &lr->bnd[f][D_DPORT]);
				/* Inbound, binat meets the source with its
				   destination, the destination with its
				   pool. */
				if (k == PF_RS_BINAT) {
					bounds_addr(b, &r->dst, af,
					    &lr->bnd[f][D_SRC]);
					if (r->rpool.naddrs > 0)
						bounds_addr(b,
						    &r->rpool.addrs[0], af,
						    &lr->bnd[f][D_DST]);
				}
				for (d = 0; d < D_N; d++)
					bounds_sort(&lr->bnd[f][d]);
			}
		}
	}
	l->view = *b;
	l->view.rs = &l->rs;
	l->ctx = pf_eval_new(&l->view);
}

static void
lint_fini(struct lint *l)
{
	size_t i, k, f, d;

	pf_eval_free(l->ctx);
	for (k = 0; k < PF_RS_COUNT; k++) {
		for (i = 0; i < l->set[k].n; i++)
			for (f = 0; f < 2; f++)
				for (d = 0; d < D_N; d++)
					free(l->set[k].v[i].bnd[f][d].v);
		free(l->set[k].v);
		free(l->set[k].rules);
	}
}

static bool
has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* Can ${lr} of set ${k} match a packet of the point ${pt}, by what takes
   few values? (Exact: the point holds one value of each, or one that
   stands for all no rule names.) */
static bool
point_live(const struct lrule *lr, int k, const struct lpoint *pt)
{
	const struct pf_rule *r = lr->r;

	if (k == PF_RS_FILTER && r->dir != PF_DIR_INOUT && r->dir != pt->dir)
		return false;
	if (r->ifspec.name != NULL &&
	    (lr->ifidx == pt->ifidx) == (r->ifspec.neg != 0))
		return false;
	if (r->af != 0 && r->af != pt->af)
		return false;
	if (r->proto != 0 && r->proto != pt->proto)
		return false;
	if ((r->src_port.op != PF_PORT_NONE ||
	    r->dst_port.op != PF_PORT_NONE) && !has_ports(pt->proto))
		return false;
	if (k != PF_RS_FILTER)
		return true;
	if (r->icmp_type >= 0 && (pt->proto != r->proto ||
	    pt->icmp_type != r->icmp_type ||
	    (r->icmp_code >= 0 && pt->icmp_code != r->icmp_code)))
		return false;
	if (pt->proto == IPPROTO_TCP && r->flagset != 0 &&
	    (pt->flags & r->flagset) != r->flags)
		return false;
	return true;
}

/* The packet at the low corner of ${bx} at ${pt}. */
static void
box_packet(const struct box *bx, const struct lpoint *pt,
    struct pf_packet *p)
{
	memset(p, 0, sizeof(*p));
	p->af = pt->af;
	p->proto = pt->proto;
	u_to_addr(bx->lo[D_SRC], pt->af, &p->src);
	u_to_addr(bx->lo[D_DST], pt->af, &p->dst);
	p->sport = (uint16_t)bx->lo[D_SPORT].lo;
	p->dport = (uint16_t)bx->lo[D_DPORT].lo;
	p->flags = pt->flags;
	p->icmp_type = pt->icmp_type;
	p->icmp_code = pt->icmp_code;
	p->tag = NULL;
}

enum lstatus { ST_NEVER, ST_ALWAYS, ST_MIXED };

/* How ${lr} of set ${k} matches the packets of ${bx}: all, none, or
   some (then ${dim} and ${at} say where to split). */
static enum lstatus
box_status(const struct lint *l, int k, const struct lrule *lr,
    const struct box *bx, const struct lpoint *pt, const struct pf_packet *p,
    int *dim, struct u128 *at)
{
	int f = pt->af == AF_INET6, d;

	for (d = 0; d < D_N; d++)
		if (bounds_inside(&lr->bnd[f][d], bx->lo[d], bx->hi[d], at)) {
			*dim = d;
			return ST_MIXED;
		}
	return pf_eval_rule_matches(l->ctx, k, lr->r, pt->dir, pt->ifidx, p) ?
	    ST_ALWAYS : ST_NEVER;
}

/* The search for one rule. */
struct search {
	struct lint *l;
	int k;				/* its set */
	size_t ri;			/* its index in the view's set */
	bool *culprit;			/* per rule of the view's set */
	size_t cells;
	enum { S_DEAD, S_ALIVE, S_LEFT_OUT, S_OVER } result;
	size_t *live;			/* the live rules at a point */
	size_t nlive;
	struct box *stack;
	size_t nstack, stackcap;
};

/*
 * Decide ${bx} at ${pt}: return true with ${*who} the deciding rule (an
 * index in the view's set, NO_INDEX for none) if the rules whose matches
 * are known over the box decide it, false with ${*dim} and ${*at} the
 * split of a rule that could change it.
 */
static bool
box_decide(struct search *s, const struct box *bx, const struct lpoint *pt,
    const struct pf_packet *p, size_t *who, int *dim, struct u128 *at)
{
	const struct lset *ls = &s->l->set[s->k];
	size_t i, last = NO_INDEX, pend = NO_INDEX;
	int pdim = 0;
	struct u128 pat = { 0, 0 };

	for (i = 0; i < s->nlive; i++) {
		const struct lrule *lr = &ls->v[s->live[i]];
		enum lstatus st = box_status(s->l, s->k, lr, bx, pt, p, dim,
		    at);

		if (s->k != PF_RS_FILTER) {
			/* Translation: the first match takes it. */
			if (st == ST_MIXED)
				return false;
			if (st == ST_ALWAYS) {
				*who = s->live[i];
				return true;
			}
			continue;
		}
		if (lr->r->quick) {
			if (st == ST_MIXED)
				return false;
			if (st == ST_ALWAYS) {
				*who = s->live[i];
				return true;
			}
			continue;
		}
		if (st == ST_ALWAYS) {
			last = s->live[i];
			pend = NO_INDEX;
		} else if (st == ST_MIXED && pend == NO_INDEX) {
			pend = s->live[i];
			pdim = *dim;
			pat = *at;
		}
	}
	if (pend != NO_INDEX) {
		*dim = pdim;
		*at = pat;
		return false;
	}
	*who = last;
	return true;
}

/* The view's index of ${r} in set ${k}, NO_INDEX for NULL, OTHER_SET for
   a rule of another set (binat takes a packet before nat, rdr before
   binat): no index of ${k} is that. */
#define OTHER_SET (NO_INDEX - 1)

static size_t
view_index(const struct lint *l, int k, const struct pf_rule *r)
{
	uintptr_t p = (uintptr_t)r, lo = (uintptr_t)l->set[k].rules;

	if (r == NULL)
		return NO_INDEX;
	if (p < lo || p >= lo + l->set[k].n * sizeof(*r))
		return OTHER_SET;
	return (size_t)(r - l->set[k].rules);
}

/* Search the boxes of point ${pt}; false when the search is over (the
   rule decides somewhere, or it is left out). */
static bool
search_point(struct search *s, const struct lpoint *pt)
{
	struct lint *l = s->l;
	const struct lset *ls = &l->set[s->k];
	const struct lrule *me = &ls->v[s->ri];
	int f = pt->af == AF_INET6, dim;
	struct box bx, hi;
	struct pf_packet p;
	struct u128 at;
	size_t i, who, model;

	if (!point_live(me, s->k, pt))
		return true;
	s->nlive = 0;
	for (i = 0; i < ls->n; i++) {
		if (!point_live(&ls->v[i], s->k, pt))
			continue;
		/* A quick match rule ends the search without deciding: it
		   could leave this rule the last match. */
		if (ls->v[i].r->action == PF_ACT_MATCH) {
			s->result = S_LEFT_OUT;
			return false;
		}
		s->live[s->nlive++] = i;
	}
	memset(&bx, 0, sizeof(bx));
	bx.hi[D_SRC] = bx.hi[D_DST] = u_top(f);
	if (has_ports(pt->proto))
		bx.hi[D_SPORT].lo = bx.hi[D_DPORT].lo = 65535;
	s->nstack = 0;
	*VEC_PUSH(s->stack, s->nstack, s->stackcap) = bx;
	while (s->nstack > 0) {
		bx = s->stack[--s->nstack];
		if (++s->cells > l->max_cells) {
			s->result = S_OVER;
			return false;
		}
		box_packet(&bx, pt, &p);
		switch (box_status(l, s->k, me, &bx, pt, &p, &dim, &at)) {
		case ST_NEVER:
			continue;
		case ST_MIXED:
			goto split;
		case ST_ALWAYS:
			break;
		}
		if (!box_decide(s, &bx, pt, &p, &who, &dim, &at))
			goto split;
		l->st->cells++;
		model = s->k == PF_RS_FILTER ?
		    view_index(l, s->k, pf_eval_decide(l->ctx, pt->dir,
		    pt->ifidx, &p)) :
		    view_index(l, s->k, pf_eval_xlate_rule(l->ctx, pt->dir,
		    pt->ifidx, &p));
		if (model != who) {
			l->st->disagreements++;
			s->result = S_LEFT_OUT;
			return false;
		}
		/* Dead only where another rule decides; for a translation,
		   an earlier one (none, or a later one, means the rule's
		   own pool failed in the model: pf would apply it). */
		if (who == s->ri || who == NO_INDEX ||
		    (s->k != PF_RS_FILTER && who > s->ri)) {
			s->result = S_ALIVE;
			return false;
		}
		s->culprit[who] = true;
		continue;
split:
		hi = bx;
		bx.hi[dim] = u_add(at, -1);
		hi.lo[dim] = at;
		*VEC_PUSH(s->stack, s->nstack, s->stackcap) = hi;
		*VEC_PUSH(s->stack, s->nstack, s->stackcap) = bx;
	}
	return true;
}

/* The value of 0..255 that no element of ${used} (${n} of them, -1 for
   none) is, from ${from}; -1 if all are. */
static int
unused_value(const int *used, size_t n, int from)
{
	int v;
	size_t i;

	for (v = from; v < 256; v++) {
		for (i = 0; i < n && used[i] != v; i++)
			;
		if (i == n)
			return v;
	}
	return -1;
}

/* Search point ${pt} for each ICMP type and code of its protocol that a
   rule names, and one other of each. */
static bool
search_icmp(struct search *s, struct lpoint *pt)
{
	const struct lset *ls = &s->l->set[s->k];
	int *types = xcalloc(ls->n + 1, sizeof(*types));
	int *codes = xcalloc(ls->n + 1, sizeof(*codes));
	size_t i, j, nt = 0, nc;
	bool go = true;
	int other;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].r->proto == pt->proto &&
		    ls->v[i].r->icmp_type >= 0)
			types[nt++] = ls->v[i].r->icmp_type;
	other = unused_value(types, nt, 0);
	if (other >= 0)
		types[nt++] = other;
	for (j = 0; j < nt && go; j++) {
		if (unused_value(types, j, types[j]) != types[j])
			continue;	/* seen */
		pt->icmp_type = types[j];
		nc = 0;
		for (i = 0; i < ls->n; i++)
			if (ls->v[i].r->proto == pt->proto &&
			    ls->v[i].r->icmp_type == types[j] &&
			    ls->v[i].r->icmp_code >= 0)
				codes[nc++] = ls->v[i].r->icmp_code;
		other = unused_value(codes, nc, 0);
		if (other >= 0)
			codes[nc++] = other;
		for (i = 0; i < nc && go; i++) {
			if (unused_value(codes, i, codes[i]) != codes[i])
				continue;	/* seen */
			pt->icmp_code = codes[i];
			go = search_point(s, pt);
		}
	}
	free(types);
	free(codes);
	return go;
}

/* Search every point of interface, direction, family, protocol, flags
   and ICMP type the rule may match. */
static void
search_rule(struct search *s)
{
	struct lint *l = s->l;
	const struct lset *ls = &l->set[s->k];
	const struct pf_rule *me = ls->v[s->ri].r;
	int *protos = xcalloc(ls->n + 5, sizeof(*protos));
	size_t i, np = 0, d, a, pi;
	struct lpoint pt;
	unsigned sub;
	int other;
	bool go = true;

	/* The protocols: those a rule names, those the model treats
	   apart, one other. */
	protos[np++] = IPPROTO_TCP;
	protos[np++] = IPPROTO_UDP;
	protos[np++] = IPPROTO_ICMP;
	protos[np++] = IPPROTO_ICMPV6;
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].r->proto != 0)
			protos[np++] = ls->v[i].r->proto;
	other = unused_value(protos, np, 1);
	if (other >= 0)
		protos[np++] = other;
	memset(&pt, 0, sizeof(pt));
	for (i = 0; i <= l->other_if && go; i++)
		for (d = 0; d < 2 && go; d++)
			for (a = 0; a < 2 && go; a++)
				for (pi = 0; pi < np && go; pi++) {
		if (unused_value(protos, pi, protos[pi]) != protos[pi])
			continue;	/* seen */
		if (me->proto != 0 && me->proto != protos[pi])
			continue;
		pt.ifidx = i;
		pt.dir = s->k == PF_RS_RDR ? PF_DIR_IN : s->k == PF_RS_NAT ?
		    PF_DIR_OUT : d ? PF_DIR_OUT : PF_DIR_IN;
		/* nat and rdr look one way; binat and filter rules both. */
		if ((s->k == PF_RS_NAT || s->k == PF_RS_RDR) && d > 0)
			continue;
		pt.af = a ? AF_INET6 : AF_INET;
		pt.proto = protos[pi];
		pt.flags = 0;
		pt.icmp_type = pt.icmp_code = -1;
		if (s->k == PF_RS_FILTER && (pt.proto == IPPROTO_ICMP ||
		    pt.proto == IPPROTO_ICMPV6)) {
			go = search_icmp(s, &pt);
			continue;
		}
		if (s->k != PF_RS_FILTER || pt.proto != IPPROTO_TCP) {
			go = search_point(s, &pt);
			continue;
		}
		/* Each set of the flags some rule tests. */
		sub = 0;
		do {
			pt.flags = (uint8_t)sub;
			go = search_point(s, &pt);
			sub = (sub - l->flagbits) & l->flagbits;
		} while (sub != 0 && go);
	}
	free(protos);
}

/* Join the numbers of the culprits of one kind into ${sb}: "@3, @4". */
static size_t
culprit_list(const struct lint *l, const struct search *s, bool before,
    struct strbuf *sb)
{
	const struct lset *ls = &l->set[s->k];
	size_t i, n = 0;

	for (i = 0; i < ls->n; i++) {
		if (!s->culprit[i] || (i < s->ri) != before)
			continue;
		if (n < 4)
			strbuf_addf(sb, "%s@%u", n ? ", " : "", ls->v[i].r->nr);
		else if (n == 4)
			strbuf_adds(sb, ", ...");
		n++;
	}
	return n;
}

/* The warning about a rule found dead, and a note at each culprit. */
static void
report(const struct lint *l, const struct search *s, struct diags *out)
{
	const struct lset *ls = &l->set[s->k];
	const struct pf_rule *me = &l->b->rs->rules[s->k].v[ls->v[s->ri].orig];
	struct strbuf bef = { 0 }, aft = { 0 };
	size_t nb, na, i;

	nb = culprit_list(l, s, true, &bef);
	na = culprit_list(l, s, false, &aft);
	if (s->k != PF_RS_FILTER)
		diag_warning(out, me->loc, "rule @%u never applies: %s %s "
		    "before it take%s every packet it matches%s (the first "
		    "match translates); delete it, or move it above %s if it "
		    "should apply", me->nr, nb == 1 ? "the translation rule" :
		    "the translation rules", strbuf_cstr(&bef),
		    nb == 1 ? "s" : "", nb == 1 ? "" : " between them",
		    nb == 1 ? strbuf_cstr(&bef) : "them");
	else if (na == 0)
		diag_warning(out, me->loc, "rule @%u never decides: %s %s "
		    "before it decide%s every packet it matches%s; delete "
		    "it, or move it above %s if it should decide", me->nr,
		    nb == 1 ? "the quick rule" : "the quick rules",
		    strbuf_cstr(&bef), nb == 1 ? "s" : "",
		    nb == 1 ? "" : " between them",
		    nb == 1 ? strbuf_cstr(&bef) : "them");
	else if (nb == 0)
		diag_warning(out, me->loc, "rule @%u never decides: %s %s "
		    "after it match%s every packet it matches%s and decide%s "
		    "(the last match wins); delete it, or move it below %s "
		    "if it should decide", me->nr, na == 1 ? "the rule" :
		    "the rules", strbuf_cstr(&aft), na == 1 ? "es" : "",
		    na == 1 ? "" : " between them", na == 1 ? "s" : "",
		    na == 1 ? strbuf_cstr(&aft) : "them");
	else
		diag_warning(out, me->loc, "rule @%u never decides: the quick "
		    "rule%s %s before it and the rule%s %s after it (the last "
		    "match wins) decide every packet it matches between them; "
		    "delete it", me->nr, nb == 1 ? "" : "s", strbuf_cstr(&bef),
		    na == 1 ? "" : "s", strbuf_cstr(&aft));
	for (i = 0; i < ls->n; i++) {
		const struct pf_rule *c;

		if (!s->culprit[i])
			continue;
		c = &l->b->rs->rules[s->k].v[ls->v[i].orig];
		if (s->k != PF_RS_FILTER)
			diag_note(out, c->loc, "rule @%u takes its packets first",
			    c->nr);
		else if (i < s->ri)
			diag_note(out, c->loc, "rule @%u, quick, decides its "
			    "packets first", c->nr);
		else
			diag_note(out, c->loc, "rule @%u matches its packets "
			    "later and decides them (%s)", c->nr, c->quick ?
			    "quick" : "the last match");
	}
	strbuf_free(&bef);
	strbuf_free(&aft);
}

size_t
lint_shadow(const struct pf_bound *b, bool *const told[PF_RS_COUNT],
    size_t max_cells, struct diags *out, struct pf_lint_stats *st)
{
	static const int sets[] = { PF_RS_NAT, PF_RS_RDR, PF_RS_BINAT,
		PF_RS_FILTER };
	struct lint l;
	struct search s;
	size_t si, i, j, k, n = 0;

	lint_init(&l, b, max_cells, st);
	memset(&s, 0, sizeof(s));
	s.l = &l;
	for (si = 0; si < sizeof(sets) / sizeof(sets[0]); si++) {
		const struct pf_rules *rules = &b->rs->rules[sets[si]];
		const struct lset *ls = &l.set[sets[si]];

		s.k = sets[si];
		s.culprit = xcalloc(ls->n + 1, sizeof(*s.culprit));
		s.live = xcalloc(ls->n + 1, sizeof(*s.live));
		for (i = j = 0; i < rules->n; i++) {
			const struct pf_rule *r = &rules->v[i];

			/* Its index in the view, if it is there. */
			while (j < ls->n && ls->v[j].orig < i)
				j++;
			if (r->action == PF_ACT_MATCH || told[s.k][i])
				continue;
			if (j == ls->n || ls->v[j].orig != i) {
				st->left_out++;
				continue;
			}
			s.ri = j;
			s.cells = 0;
			s.result = S_DEAD;
			memset(s.culprit, 0, (ls->n + 1) * sizeof(*s.culprit));
			search_rule(&s);
			if (s.result == S_OVER || s.result == S_LEFT_OUT) {
				if (s.result == S_OVER)
					st->over_bound++;
				else
					st->left_out++;
				continue;
			}
			st->searched++;
			/* A rule that matches nothing has no culprit: not this
			   finding. */
			for (k = 0; k < ls->n && !s.culprit[k]; k++)
				;
			if (s.result == S_ALIVE || k == ls->n)
				continue;
			report(&l, &s, out);
			told[s.k][i] = true;
			n++;
		}
		free(s.culprit);
		free(s.live);
	}
	free(s.stack);
	lint_fini(&l);
	return n;
}
