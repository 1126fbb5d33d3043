/*
 * pf_eval_rules: the rules of the static pf model resolved for one server,
 * once per context: each rule's interface as an index, its tables as
 * indexes, its interface addresses expanded; and the filter rules indexed
 * by interface, direction, protocol class and destination port, as pf's
 * skip steps let it pass over rules that cannot match.  Rule matching
 * (pf_eval_match.c) reads it; it uses the tables (pf_eval_state.c).
 *
 * The index only leaves out a rule that filter_match() would reject on its
 * action, direction, interface, protocol or ports alone; every rule it
 * gives is still matched in full, so a new match condition there needs
 * nothing here.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval_int.h"

/* A rule with a destination port interval spanning more segments than this
   is tried for every port (a "port != 80" would otherwise be in all). */
#define SEG_SPAN_MAX 64

/* The protocol classes of the index. */
enum { CL_TCP, CL_UDP, CL_ICMP, CL_ICMP6, CL_OTHER };

static int
proto_class(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return CL_TCP;
	case IPPROTO_UDP:
		return CL_UDP;
	case IPPROTO_ICMP:
		return CL_ICMP;
	case IPPROTO_ICMPV6:
		return CL_ICMP6;
	}
	return CL_OTHER;
}

static void
raddr_resolve(struct pf_eval *ctx, const struct pf_addr *a,
    struct eval_raddr *ra)
{
	struct eval_table *t;
	int f;

	ra->table = NO_INDEX;
	if (a->kind == PF_ADDR_TABLE && (t = eval_table(ctx, a->name)) != NULL)
		ra->table = (size_t)(t - ctx->tables);
	if (a->kind != PF_ADDR_IFACE && a->kind != PF_ADDR_DYNIFACE)
		return;
	for (f = 0; f < 2; f++)
		ra->expanded[f] = pf_addr_expand(ctx->b, a,
		    f ? AF_INET6 : AF_INET, &ra->pfx[f], &ra->npfx[f]) == 0;
}

static void
raddr_free(struct eval_raddr *ra)
{
	free(ra->pfx[0]);
	free(ra->pfx[1]);
}

/* The destination ports of ${pp} as one interval [lo, hi]; false if it is
   two (!=, <>) or all. */
static bool
port_interval(const struct pf_port *pp, unsigned *lo, unsigned *hi)
{
	*lo = 0;
	*hi = 65535;
	switch (pp->op) {
	case PF_PORT_EQ:
		*lo = *hi = pp->a;
		return true;
	case PF_PORT_LT:
		if (pp->a == 0)
			return false;
		*hi = pp->a - 1u;
		return true;
	case PF_PORT_LE:
		*hi = pp->a;
		return true;
	case PF_PORT_GT:
		if (pp->a == 65535)
			return false;
		*lo = pp->a + 1u;
		return true;
	case PF_PORT_GE:
		*lo = pp->a;
		return true;
	case PF_PORT_RANGE:
		if (pp->a > pp->b)
			return false;
		*lo = pp->a;
		*hi = pp->b;
		return true;
	case PF_PORT_INSIDE:
		if ((unsigned)pp->a + 1 > (unsigned)pp->b - 1 || pp->b == 0)
			return false;
		*lo = pp->a + 1u;
		*hi = pp->b - 1u;
		return true;
	case PF_PORT_NONE:
	case PF_PORT_NE:
	case PF_PORT_OUTSIDE:
		break;
	}
	return false;
}

/* Can filter rule ${r} match in ${out} on interface ${ifidx}, a packet of
   class ${cl}, by what the index looks at? */
static bool
rule_fits(const struct pf_rule *r, const struct eval_rule *er, bool out,
    size_t ifidx, int cl)
{
	if (r->action != PF_ACT_PASS && r->action != PF_ACT_BLOCK &&
	    r->action != PF_ACT_MATCH)
		return false;
	if (r->dir != PF_DIR_INOUT && r->dir != (out ? PF_DIR_OUT : PF_DIR_IN))
		return false;
	if (r->ifspec.name != NULL && (er->ifidx == ifidx) ==
	    (r->ifspec.neg != 0))
		return false;
	if (r->proto != 0 && proto_class(r->proto) != cl)
		return false;
	/* Without ports, a port condition never matches. */
	return cl == CL_TCP || cl == CL_UDP ||
	    (r->src_port.op == PF_PORT_NONE && r->dst_port.op == PF_PORT_NONE);
}

/* The segment of ${fl} holding ${port} (fl->nsegs > 0). */
static size_t
seg_of(const struct eval_flist *fl, unsigned port)
{
	size_t lo = 0, hi = fl->nsegs;

	/* The last segment whose first port is <= port. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (fl->bound[mid] <= port)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Build the list of ${out} on ${ifidx} for class ${cl}. */
static void
flist_build(struct pf_eval *ctx, struct eval_flist *fl, bool out,
    size_t ifidx, int cl)
{
	const struct pf_rules *rules = &ctx->b->rs->rules[PF_RS_FILTER];
	const struct eval_rule *er = ctx->rules[PF_RS_FILTER];
	bool ports = cl == CL_TCP || cl == CL_UDP;
	uint32_t *narrow = NULL, *bounds = NULL;
	size_t i, k, nnarrow = 0, ncap = 0, nb = 0, bcap = 0, acap = 0;
	size_t total = 0, *fill;
	unsigned lo, hi;

	memset(fl, 0, sizeof(*fl));
	for (i = 0; i < rules->n; i++) {
		const struct pf_rule *r = &rules->v[i];

		if (!rule_fits(r, &er[i], out, ifidx, cl))
			continue;
		if (ports && port_interval(&r->dst_port, &lo, &hi)) {
			*VEC_PUSH(narrow, nnarrow, ncap) = (uint32_t)i;
			*VEC_PUSH(bounds, nb, bcap) = lo;
			*VEC_PUSH(bounds, nb, bcap) = hi + 1;
		} else {
			*VEC_PUSH(fl->all, fl->nall, acap) = (uint32_t)i;
		}
	}
	if (nnarrow == 0)
		goto out;
	/* Segments between the interval ends. */
	*VEC_PUSH(bounds, nb, bcap) = 0;
	*VEC_PUSH(bounds, nb, bcap) = 65536;
	qsort(bounds, nb, sizeof(*bounds), cmp_u32);
	for (i = k = 0; i < nb; i++)
		if (k == 0 || bounds[i] != bounds[k - 1])
			bounds[k++] = bounds[i];
	fl->bound = bounds;
	fl->nsegs = k - 1;
	bounds = NULL;
	fl->seg_off = xcalloc(fl->nsegs + 1, sizeof(*fl->seg_off));
	/* Count, then fill (rules in order); one spanning too many
	   segments joins all instead. */
	for (i = 0; i < nnarrow; i++) {
		size_t first, last;

		port_interval(&rules->v[narrow[i]].dst_port, &lo, &hi);
		first = seg_of(fl, lo);
		last = seg_of(fl, hi);
		if (last - first + 1 > SEG_SPAN_MAX) {
			*VEC_PUSH(fl->all, fl->nall, acap) = narrow[i];
			narrow[i] = UINT32_MAX;
			continue;
		}
		for (k = first; k <= last; k++)
			fl->seg_off[k + 1]++;
		total += last - first + 1;
	}
	for (k = 0; k < fl->nsegs; k++)
		fl->seg_off[k + 1] += fl->seg_off[k];
	fl->seg_rules = xcalloc(total ? total : 1, sizeof(*fl->seg_rules));
	fill = xcalloc(fl->nsegs, sizeof(*fill));
	for (i = 0; i < nnarrow; i++) {
		if (narrow[i] == UINT32_MAX)
			continue;
		port_interval(&rules->v[narrow[i]].dst_port, &lo, &hi);
		for (k = seg_of(fl, lo); k <= seg_of(fl, hi); k++)
			fl->seg_rules[fl->seg_off[k] + fill[k]++] = narrow[i];
	}
	free(fill);
	if (fl->nall > 1)
		qsort(fl->all, fl->nall, sizeof(*fl->all), cmp_u32);
out:
	free(narrow);
	free(bounds);
}

void
eval_rules_init(struct pf_eval *ctx)
{
	const struct pf_bound *b = ctx->b;
	size_t i, set, n;
	int cl;

	for (set = 0; set < PF_RS_COUNT; set++) {
		const struct pf_rules *rules = &b->rs->rules[set];

		ctx->rules[set] = xcalloc(rules->n ? rules->n : 1,
		    sizeof(*ctx->rules[set]));
		for (i = 0; i < rules->n; i++) {
			const struct pf_rule *r = &rules->v[i];
			struct eval_rule *er = &ctx->rules[set][i];

			er->ifidx = r->ifspec.name != NULL ?
			    pf_bound_iface(b, r->ifspec.name) : NO_INDEX;
			raddr_resolve(ctx, &r->src, &er->src);
			raddr_resolve(ctx, &r->dst, &er->dst);
			if (r->rpool.naddrs > 0)
				raddr_resolve(ctx, &r->rpool.addrs[0],
				    &er->pool);
			else
				er->pool.table = NO_INDEX;
		}
	}
	ctx->ifnamelen = xcalloc(b->nifaces ? b->nifaces : 1,
	    sizeof(*ctx->ifnamelen));
	for (i = 0; i < b->nifaces; i++)
		ctx->ifnamelen[i] = strlen(b->ifaces[i].name);
	n = b->nifaces * 2 * EVAL_NCLASS;
	ctx->flists = xcalloc(n ? n : 1, sizeof(*ctx->flists));
	for (i = 0; i < b->nifaces; i++)
		for (cl = 0; cl < EVAL_NCLASS; cl++) {
			flist_build(ctx, &ctx->flists[(i * 2) * EVAL_NCLASS +
			    (size_t)cl], false, i, cl);
			flist_build(ctx, &ctx->flists[(i * 2 + 1) *
			    EVAL_NCLASS + (size_t)cl], true, i, cl);
		}
}

void
eval_rules_free(struct pf_eval *ctx)
{
	size_t i, set, n = ctx->b->nifaces * 2 * EVAL_NCLASS;

	for (set = 0; set < PF_RS_COUNT; set++) {
		for (i = 0; ctx->rules[set] != NULL &&
		    i < ctx->b->rs->rules[set].n; i++) {
			raddr_free(&ctx->rules[set][i].src);
			raddr_free(&ctx->rules[set][i].dst);
			raddr_free(&ctx->rules[set][i].pool);
		}
		free(ctx->rules[set]);
	}
	for (i = 0; ctx->flists != NULL && i < n; i++) {
		free(ctx->flists[i].all);
		free(ctx->flists[i].bound);
		free(ctx->flists[i].seg_off);
		free(ctx->flists[i].seg_rules);
	}
	free(ctx->flists);
	free(ctx->ifnamelen);
}

const struct eval_rule *
eval_rule_of(const struct pf_eval *ctx, int set, const struct pf_rule *r)
{
	return &ctx->rules[set][r - ctx->b->rs->rules[set].v];
}

void
eval_cand_init(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *p, struct eval_cand *c)
{
	int cl = proto_class(p->proto);
	const struct eval_flist *fl = &ctx->flists[(ifidx * 2 +
	    (dir == PF_DIR_OUT)) * EVAL_NCLASS + (size_t)cl];
	size_t k;

	c->a = fl->all;
	c->na = fl->nall;
	c->b = NULL;
	c->nb = 0;
	c->i = c->j = 0;
	if (fl->nsegs > 0) {
		k = seg_of(fl, p->dport);
		c->b = fl->seg_rules + fl->seg_off[k];
		c->nb = fl->seg_off[k + 1] - fl->seg_off[k];
	}
}

long
eval_cand_next(struct eval_cand *c)
{
	/* Merge the two lists, both in rule order. */
	if (c->i < c->na && (c->j >= c->nb || c->a[c->i] < c->b[c->j]))
		return c->a[c->i++];
	if (c->j < c->nb)
		return c->b[c->j++];
	return -1;
}
