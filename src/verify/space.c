/* space: classes of packets of one fate (see space.h). */
#include "verify/space.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

/* FreeBSD's net.inet.ip.portrange.first and .last: where the source port
   of a connection a program opens without binding (spiped's) comes from. */
#define EPHEMERAL_LO 10000
#define EPHEMERAL_HI 65535

/*
 * A set of boundaries: a value p means "p-1 and p may differ".  Sorted,
 * without duplicates; 0 never appears.
 */
struct pts {
	uint32_t *v;
	size_t n, cap;
};

static void
pts_add(struct pts *s, uint64_t p, uint64_t max)
{
	if (p == 0 || p > max)
		return;
	if (s->n >= s->cap)
		s->v = vec_grow(s->v, &s->cap, sizeof(*s->v));
	s->v[s->n++] = (uint32_t)p;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
pts_finish(struct pts *s)
{
	size_t i, j = 0;

	if (s->n > 0)
		qsort(s->v, s->n, sizeof(*s->v), u32_cmp);
	for (i = 0; i < s->n; i++)
		if (j == 0 || s->v[j - 1] != s->v[i])
			s->v[j++] = s->v[i];
	s->n = j;
}

static void
pts_range(struct pts *s, uint64_t lo, uint64_t hi, uint64_t max)
{
	pts_add(s, lo, max);
	pts_add(s, hi + 1, max);
}

static uint32_t
mask_of(unsigned len)
{
	return len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
}

static void
pts_prefix(struct pts *s, const struct ipprefix *p)
{
	uint32_t lo;

	if (p->addr.family != AF_INET)
		return;
	lo = v4(&p->addr) & mask_of(p->len);
	pts_range(s, lo, (uint64_t)lo | ~mask_of(p->len), UINT32_MAX);
}

/* The first boundary p with lo < p - k <= hi, or NULL. */
static const uint32_t *
pts_inside(const struct pts *s, uint32_t lo, uint32_t hi, int64_t k)
{
	size_t a = 0, b = s->n, m;
	int64_t want = (int64_t)lo + k;	/* first p > want */

	while (a < b) {
		m = (a + b) / 2;
		if ((int64_t)s->v[m] <= want)
			a = m + 1;
		else
			b = m;
	}
	if (a < s->n && (int64_t)s->v[a] - k <= (int64_t)hi)
		return &s->v[a];
	return NULL;
}

/* The boundaries of one rule. */
struct rule_pts {
	struct pts a[2];	/* source, destination address */
	struct pts p[2];	/* source, destination port */
	struct pts in[2];	/* binat inbound: the source against the
				   rule's destination, the destination
				   against its pool */
	bool done;
};

struct server_pts {
	struct rule_pts *rules[PF_RS_COUNT];
};

struct vspace {
	const struct world *w;
	struct walker *wk;
	struct server_pts *srv;		/* [site->nservers] */
	struct pts places;		/* every address, route and subnet */
	struct pts pipes;		/* every pipe's ports */
	int protos[64];
	size_t nprotos;
	uint8_t flagrep[256];
	size_t nflags;
	uint8_t masks[512][2];		/* the flag tests of every rule */
	size_t nmasks;
	size_t syn_class;		/* the class of a bare SYN */
	struct icmp_class {
		int type, code;
	} icmp[128];
	size_t nicmp;
	size_t echo_class;		/* echo request, code 0 */
	vspace_visit_fn *visit;		/* told of each class, or NULL */
	void *visit_arg;
	bool stopped;			/* visit asked to stop this run */
};

static void
addr_pts(const struct pf_bound *b, const struct pf_addr *a, struct pts *s)
{
	const struct pf_bound_table *t;
	struct ipprefix *v;
	size_t i, n;

	switch (a->kind) {
	case PF_ADDR_ANY:
		break;
	case PF_ADDR_PREFIX:
		pts_prefix(s, &a->prefix);
		break;
	case PF_ADDR_RANGE:
		if (a->prefix.addr.family == AF_INET)
			pts_range(s, v4(&a->prefix.addr), v4(&a->last),
			    UINT32_MAX);
		break;
	case PF_ADDR_TABLE:
		t = pf_bound_table(b, a->name);
		for (i = 0; t != NULL && i < t->nentries; i++)
			pts_prefix(s, &t->entries[i].prefix);
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(b, a, AF_INET, &v, &n) != 0)
			break;
		for (i = 0; i < n; i++)
			pts_prefix(s, &v[i]);
		free(v);
		break;
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		for (i = 0; i < b->nroutes; i++)
			pts_prefix(s, &b->routes[i].dst);
		break;
	}
	pts_finish(s);
}

static void
port_pts(const struct pf_port *pp, struct pts *s)
{
	switch (pp->op) {
	case PF_PORT_NONE:
		break;
	case PF_PORT_EQ:
	case PF_PORT_NE:
		pts_range(s, pp->a, pp->a, 65535);
		break;
	case PF_PORT_LT:
	case PF_PORT_GE:
		pts_add(s, pp->a, 65535);
		break;
	case PF_PORT_LE:
	case PF_PORT_GT:
		pts_add(s, (uint64_t)pp->a + 1, 65535);
		break;
	case PF_PORT_RANGE:
		pts_range(s, pp->a, pp->b, 65535);
		break;
	case PF_PORT_INSIDE:
		pts_add(s, (uint64_t)pp->a + 1, 65535);
		pts_add(s, pp->b, 65535);
		break;
	case PF_PORT_OUTSIDE:
		pts_range(s, pp->a, pp->b, 65535);
		break;
	}
	pts_finish(s);
}

/* The boundaries of rule ${i} of ${kind} of server place ${n}, made on
   first use. */
static const struct rule_pts *
rule_pts_of(struct vspace *vs, const struct wnode *n,
    enum pf_ruleset_kind kind, size_t i)
{
	size_t server = n->server;
	struct rule_pts *rp;
	const struct pf_rule *r;

	if (vs->srv[server].rules[kind] == NULL)
		vs->srv[server].rules[kind] = xcalloc(
		    n->pf->rs->rules[kind].n + 1, sizeof(struct rule_pts));
	rp = &vs->srv[server].rules[kind][i];
	if (rp->done)
		return rp;
	r = &n->pf->rs->rules[kind].v[i];
	addr_pts(n->pf, &r->src, &rp->a[0]);
	addr_pts(n->pf, &r->dst, &rp->a[1]);
	port_pts(&r->src_port, &rp->p[0]);
	port_pts(&r->dst_port, &rp->p[1]);
	if (kind == PF_RS_BINAT) {
		addr_pts(n->pf, &r->dst, &rp->in[0]);
		if (r->rpool.naddrs > 0)
			addr_pts(n->pf, &r->rpool.addrs[0], &rp->in[1]);
	}
	rp->done = true;
	return rp;
}

/* Could ${r} match packets of protocol ${proto} on ${ifname} in ${dir}?
   These conditions hold for a whole box or for none of it. */
static bool
rule_applies(const struct pf_rule *r, const char *ifname, enum pf_dir dir,
    int proto, bool filter)
{
	if (filter && ((r->action != PF_ACT_PASS &&
	    r->action != PF_ACT_BLOCK) ||
	    (r->dir != PF_DIR_INOUT && r->dir != dir)))
		return false;
	if (r->ifspec.name != NULL &&
	    str_eq(r->ifspec.name, ifname) == (r->ifspec.neg != 0))
		return false;
	if (r->af != 0 && r->af != AF_INET)
		return false;
	return r->proto == 0 || r->proto == proto;
}

/* Classes. */

static void
add_proto(struct vspace *vs, int p)
{
	size_t i;

	for (i = 0; i < vs->nprotos; i++)
		if (vs->protos[i] == p)
			return;
	if (vs->nprotos < sizeof(vs->protos) / sizeof(vs->protos[0]) - 1)
		vs->protos[vs->nprotos++] = p;
}

static void
add_icmp(struct vspace *vs, int type, int code)
{
	size_t i;

	for (i = 0; i < vs->nicmp; i++)
		if (vs->icmp[i].type == type && vs->icmp[i].code == code)
			return;
	if (vs->nicmp < sizeof(vs->icmp) / sizeof(vs->icmp[0]))
		vs->icmp[vs->nicmp++] = (struct icmp_class){ type, code };
}

static void
make_classes(struct vspace *vs)
{
	static const int queries[] = { 0, 8, 9, 10, 13, 14, 15, 16, 17, 18 };
	/* Flag masks of every rule, and the bits the state machine reads. */
	uint8_t (*masks)[2] = vs->masks;
	size_t nmasks = 0, i, j, k, kind;
	int sig_of[256], nsig = 0, p;
	uint64_t sigs[256][8];
	bool named[256] = { false };

	add_proto(vs, IPPROTO_TCP);
	add_proto(vs, IPPROTO_UDP);
	add_proto(vs, IPPROTO_ICMP);
	static const uint8_t machine[] = { PF_TH_SYN, PF_TH_ACK, PF_TH_FIN,
	    PF_TH_RST };
	for (i = 0; i < sizeof(machine); i++) {
		masks[nmasks][0] = machine[i];
		masks[nmasks++][1] = machine[i];
	}
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		named[queries[i]] = true;
	for (k = 0; k < vs->w->nnodes; k++) {
		const struct wnode *n = &vs->w->nodes[k];

		if (n->kind != WNODE_SERVER)
			continue;
		for (kind = 0; kind < PF_RS_COUNT; kind++)
			for (i = 0; i < n->pf->rs->rules[kind].n; i++) {
				const struct pf_rule *r =
				    &n->pf->rs->rules[kind].v[i];

				if (r->af == AF_INET6)
					continue;
				if (r->proto != 0)
					add_proto(vs, r->proto);
				if (r->flagset != 0 && nmasks < 512) {
					masks[nmasks][0] = r->flags;
					masks[nmasks++][1] = r->flagset;
				}
				if (r->icmp_type >= 0 && r->icmp_type < 256) {
					named[r->icmp_type] = true;
					if (r->icmp_code >= 0)
						add_icmp(vs, r->icmp_type,
						    r->icmp_code);
				}
			}
	}
	/* Every other protocol: the first number no rule names. */
	for (p = 2; p < 255; p++) {
		for (i = 0; i < vs->nprotos && vs->protos[i] != p; i++)
			;
		if (i == vs->nprotos)
			break;
	}
	add_proto(vs, p);
	/* TCP flags: values are one class when every mask says the same. */
	for (i = 0; i < 256; i++) {
		uint64_t s[8] = { 0 };

		for (j = 0; j < nmasks; j++)
			if ((i & masks[j][1]) == masks[j][0])
				s[j / 64] |= (uint64_t)1 << (j % 64);
		for (j = 0; j < (size_t)nsig; j++)
			if (memcmp(sigs[j], s, sizeof(s)) == 0)
				break;
		if (j == (size_t)nsig) {
			memcpy(sigs[nsig], s, sizeof(s));
			vs->flagrep[nsig++] = (uint8_t)i;
		}
		sig_of[i] = (int)j;
	}
	vs->nflags = (size_t)nsig;
	vs->nmasks = nmasks;
	vs->syn_class = (size_t)sig_of[PF_TH_SYN];
	vs->flagrep[vs->syn_class] = PF_TH_SYN;
	/* ICMP: each named type with each code named for it, and code
	   "other"; then one class for every other type. */
	for (i = 0; i < 256; i++) {
		if (!named[i])
			continue;
		for (j = 0; j < 256; j++) {
			for (k = 0; k < vs->nicmp; k++)
				if (vs->icmp[k].type == (int)i &&
				    vs->icmp[k].code == (int)j)
					break;
			if (k == vs->nicmp)
				break;
		}
		add_icmp(vs, (int)i, (int)j);
	}
	for (i = 0; i < 256 && named[i]; i++)
		;
	if (i < 256)
		add_icmp(vs, (int)i, 0);
	vs->echo_class = 0;
	for (k = 0; k < vs->nicmp; k++)
		if (vs->icmp[k].type == 8 && vs->icmp[k].code == 0)
			vs->echo_class = k;
}

static void
place_pts(struct vspace *vs)
{
	const struct world *w = vs->w;
	const struct site *site = w->ps->site;
	size_t i, j;

	for (i = 0; i < w->nports; i++)
		for (j = 0; j < w->ports[i].naddrs; j++) {
			struct ipprefix p = { v4addr(w->ports[i].addrs[j]),
			    w->ports[i].lens[j] };

			pts_range(&vs->places, w->ports[i].addrs[j],
			    w->ports[i].addrs[j], UINT32_MAX);
			pts_prefix(&vs->places, &p);
		}
	for (i = 0; i < w->nnodes; i++) {
		const struct wnode *n = &w->nodes[i];

		for (j = 0; j < n->nroutes; j++) {
			struct ipprefix p = { v4addr(n->routes[j].dst),
			    n->routes[j].len };

			pts_prefix(&vs->places, &p);
		}
		if (n->kind != WNODE_SERVER)
			continue;
		for (j = 0; j < n->pf->nroutes; j++)
			pts_prefix(&vs->places, &n->pf->routes[j].dst);
		for (j = 0; j < n->pf->nifaces; j++)
			for (size_t k = 0; k < n->pf->ifaces[j].naddrs; k++) {
				const struct ipprefix *p =
				    &n->pf->ifaces[j].addrs[k];

				pts_prefix(&vs->places, p);
				if (p->addr.family == AF_INET)
					pts_range(&vs->places, v4(&p->addr),
					    v4(&p->addr), UINT32_MAX);
			}
	}
	pts_range(&vs->places, 127u << 24, (127u << 24) | 0xffffff,
	    UINT32_MAX);
	pts_finish(&vs->places);
	for (i = 0; i < site->nservers; i++)
		for (j = 0; j < site->servers[i].njails; j++) {
			const struct jail *jl = &site->servers[i].jails[j];

			for (size_t k = 0; k < jl->npipes; k++) {
				pts_range(&vs->pipes, jl->pipes[k].source.port,
				    jl->pipes[k].source.port, 65535);
				pts_range(&vs->pipes, jl->pipes[k].target.port,
				    jl->pipes[k].target.port, 65535);
			}
		}
	pts_finish(&vs->pipes);
}

struct vspace *
vspace_new(const struct world *w)
{
	struct vspace *vs = xcalloc(1, sizeof(*vs));

	vs->w = w;
	vs->wk = walker_new(w);
	vs->srv = xcalloc(w->ps->site->nservers + 1, sizeof(*vs->srv));
	make_classes(vs);
	place_pts(vs);
	return vs;
}

void
vspace_free(struct vspace *vs)
{
	size_t i, k, j, n;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->w->nnodes; i++) {
		const struct wnode *nd = &vs->w->nodes[i];

		if (nd->kind != WNODE_SERVER)
			continue;
		for (k = 0; k < PF_RS_COUNT; k++) {
			struct rule_pts *rp = vs->srv[nd->server].rules[k];

			if (rp == NULL)
				continue;
			n = nd->pf->rs->rules[k].n;
			for (j = 0; j < n; j++) {
				free(rp[j].a[0].v);
				free(rp[j].a[1].v);
				free(rp[j].p[0].v);
				free(rp[j].p[1].v);
				free(rp[j].in[0].v);
				free(rp[j].in[1].v);
			}
			free(rp);
		}
	}
	free(vs->srv);
	free(vs->places.v);
	free(vs->pipes.v);
	walker_free(vs->wk);
	free(vs);
}

const struct world *
vspace_world(const struct vspace *vs)
{
	return vs->w;
}

struct walker *
vspace_walker(struct vspace *vs)
{
	return vs->wk;
}

int
vspace_proto(const struct vspace *vs, const struct vbox *box)
{
	return vs->protos[box->proto];
}

static bool
has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

void
vspace_packet(const struct vspace *vs, const struct vbox *box,
    struct pf_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->af = AF_INET;
	pkt->proto = vs->protos[box->proto];
	pkt->src = v4addr(box->lo[VD_SRC]);
	pkt->dst = v4addr(box->lo[VD_DST]);
	pkt->icmp_type = pkt->icmp_code = -1;
	if (has_ports(pkt->proto)) {
		pkt->sport = (uint16_t)box->lo[VD_SPORT];
		pkt->dport = (uint16_t)box->lo[VD_DPORT];
	}
	if (pkt->proto == IPPROTO_TCP)
		pkt->flags = vs->flagrep[box->flags];
	if (pkt->proto == IPPROTO_ICMP) {
		pkt->icmp_type = vs->icmp[box->icmp].type;
		pkt->icmp_code = vs->icmp[box->icmp].code;
	}
}

/* The search for a boundary inside the box. */

struct ranged {
	uint16_t value, lo, hi;
};

/* An address the walk carries as the box's dimension ${dim} shifted by
   ${k}: what binat makes of an address of its network. */
struct addr_shift {
	int dim;
	int64_t k;
};

struct split {
	const struct vbox *box;
	const struct pf_packet *rep;
	int64_t shifts[8];	/* destination port shifts of rdr */
	size_t nshifts;
	struct addr_shift ashifts[8];
	size_t nashifts;
	struct ranged ranged[16];
	size_t nranged;
	/* The answer: */
	int dim;		/* -1: none yet */
	const struct pts *at;
	int64_t k;		/* boundaries are at p - k */
	bool inexact;
	char why[200];
};

static bool
need_addr(struct split *sp, const struct ipaddr *a, const struct pts *s)
{
	uint32_t x;
	size_t i;
	int d;

	if (s->n == 0 || a->family != AF_INET)
		return false;
	x = v4(a);
	for (d = VD_SRC; d <= VD_DST; d++) {
		uint32_t r = d == VD_SRC ? v4(&sp->rep->src) : v4(&sp->rep->dst);

		if (x == r && pts_inside(s, sp->box->lo[d], sp->box->hi[d], 0)) {
			sp->dim = d;
			sp->at = s;
			sp->k = 0;
			return true;
		}
	}
	for (i = 0; i < sp->nashifts; i++) {
		const struct addr_shift *as = &sp->ashifts[i];
		uint32_t r = as->dim == VD_SRC ? v4(&sp->rep->src) :
		    v4(&sp->rep->dst);

		if ((int64_t)x == (int64_t)r + as->k && pts_inside(s,
		    sp->box->lo[as->dim], sp->box->hi[as->dim], as->k)) {
			sp->dim = as->dim;
			sp->at = s;
			sp->k = as->k;
			return true;
		}
	}
	return false;
}

static bool
need_port(struct split *sp, int proto, uint16_t v, const struct pts *s)
{
	size_t i;

	if (s->n == 0 || !has_ports(proto))
		return false;
	if (v == sp->rep->sport && pts_inside(s, sp->box->lo[VD_SPORT],
	    sp->box->hi[VD_SPORT], 0)) {
		sp->dim = VD_SPORT;
		sp->at = s;
		sp->k = 0;
		return true;
	}
	if (v == sp->rep->dport && pts_inside(s, sp->box->lo[VD_DPORT],
	    sp->box->hi[VD_DPORT], 0)) {
		sp->dim = VD_DPORT;
		sp->at = s;
		sp->k = 0;
		return true;
	}
	for (i = 0; i < sp->nshifts; i++)
		if ((int64_t)v == (int64_t)sp->rep->dport + sp->shifts[i] &&
		    pts_inside(s, sp->box->lo[VD_DPORT], sp->box->hi[VD_DPORT],
		    sp->shifts[i])) {
			sp->dim = VD_DPORT;
			sp->at = s;
			sp->k = sp->shifts[i];
			return true;
		}
	for (i = 0; i < sp->nranged; i++) {
		const uint32_t *p;

		if (v != sp->ranged[i].value)
			continue;
		p = pts_inside(s, sp->ranged[i].lo, sp->ranged[i].hi, 0);
		if (p == NULL)
			continue;
		sp->inexact = true;
		snprintf(sp->why, sizeof(sp->why), "a port chosen from "
		    "%u-%u meets a rule that tells %u from %u apart: which "
		    "port is chosen decides", sp->ranged[i].lo,
		    sp->ranged[i].hi, *p - 1, *p);
		return true;
	}
	return false;
}

static bool
need_packet(struct split *sp, const struct pf_packet *p,
    const struct pts *a0, const struct pts *a1, const struct pts *p0,
    const struct pts *p1)
{
	return need_addr(sp, &p->src, a0) || need_addr(sp, &p->dst, a1) ||
	    need_port(sp, p->proto, p->sport, p0) ||
	    need_port(sp, p->proto, p->dport, p1);
}

/* The rules one pass looked at. */
static bool
need_stage(struct vspace *vs, struct split *sp, const struct wnode *n,
    const struct pf_eval_stage *st)
{
	const struct pf_ruleset *rs = n->pf->rs;
	/* pf_eval_xlate_rule()'s order of the translation sets. */
	enum pf_ruleset_kind sets[2] = {
		st->dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_BINAT,
		st->dir == PF_DIR_IN ? PF_RS_BINAT : PF_RS_NAT };
	const struct rule_pts *rp;
	bool taken = false;
	size_t i, s;

	if (st->how == PF_EVAL_SKIPPED || st->how == PF_EVAL_BY_STATE)
		return false;
	for (s = 0; s < 2 && !taken; s++) {
		enum pf_ruleset_kind kind = sets[s];
		bool in = kind == PF_RS_BINAT && st->dir == PF_DIR_IN;

		for (i = 0; i < rs->rules[kind].n && !taken; i++) {
			const struct pf_rule *r = &rs->rules[kind].v[i];

			if (!rule_applies(r, st->ifname, st->dir,
			    st->before.proto, false))
				continue;
			rp = rule_pts_of(vs, n, kind, i);
			if (need_packet(sp, &st->before, in ? &rp->in[0] :
			    &rp->a[0], in ? &rp->in[1] : &rp->a[1], &rp->p[0],
			    &rp->p[1]))
				return true;
			taken = r == st->xlate;
		}
	}
	if (st->how == PF_EVAL_BY_XLATE_PASS)
		return false;
	for (i = 0; i < rs->rules[PF_RS_FILTER].n; i++) {
		const struct pf_rule *r = &rs->rules[PF_RS_FILTER].v[i];

		if (!rule_applies(r, st->ifname, st->dir, st->after.proto,
		    true))
			continue;
		rp = rule_pts_of(vs, n, PF_RS_FILTER, i);
		if (need_packet(sp, &st->after, &rp->a[0], &rp->a[1],
		    &rp->p[0], &rp->p[1]))
			return true;
		if (r == st->rule && r->quick)
			break;
	}
	return false;
}

/*
 * A binat pass ${st} maps an address of its network to the same place in
 * the other network: where the address it maps is the box's (or one
 * shifted before), every address of the box moves by the same amount (the
 * rule's boundaries keep the box inside the network), and the boundaries
 * the address meets later are the box's shifted.
 */
static void
note_binat(struct split *sp, const struct pf_eval_stage *st)
{
	bool out = st->dir == PF_DIR_OUT;
	int64_t b = v4(out ? &st->before.src : &st->before.dst);
	int64_t a = v4(out ? &st->after.src : &st->after.dst);
	int64_t base[VD_DST + 1];
	size_t i, n = sp->nashifts;
	int d;

	if (st->before.af != AF_INET || a == b)
		return;
	base[VD_SRC] = v4(&sp->rep->src);
	base[VD_DST] = v4(&sp->rep->dst);
	for (d = VD_SRC; d <= VD_DST; d++)
		for (i = 0; i <= n; i++) {
			int64_t k = i < n && sp->ashifts[i].dim == d ?
			    sp->ashifts[i].k : 0;

			if (i < n && sp->ashifts[i].dim != d)
				continue;
			if (b != base[d] + k)
				continue;
			if (sp->nashifts >= 8) {
				sp->inexact = true;
				snprintf(sp->why, sizeof(sp->why), "%s",
				    "more than 8 binat mappings on one way");
				return;
			}
			sp->ashifts[sp->nashifts++] = (struct addr_shift){
				d, a - base[d] };
		}
}

/* Note what translations did: shifted destination ports, ports chosen
   from a range, addresses binat moved. */
static void
note_shifts(struct split *sp, const struct wflow *flow)
{
	size_t i, j;

	for (i = 0; i < flow->nhops; i++) {
		const struct whop *h = &flow->hops[i];

		for (j = 0; h->has_pf && j < h->pf.nstages; j++) {
			const struct pf_eval_stage *st = &h->pf.stages[j];
			const struct pf_rule *x = st->xlate;

			if (x != NULL && x->action == PF_ACT_BINAT)
				note_binat(sp, st);
			if (x == NULL || !has_ports(st->before.proto))
				continue;
			if (x->action == PF_ACT_RDR &&
			    x->rpool.port_hi > x->rpool.port_lo &&
			    x->dst_port.op == PF_PORT_RANGE &&
			    sp->nshifts < 8)
				sp->shifts[sp->nshifts++] =
				    (int64_t)st->after.dport -
				    st->before.dport;
			if (x->action == PF_ACT_NAT && x->rpool.port_lo != 0 &&
			    sp->nranged < 16)
				sp->ranged[sp->nranged++] = (struct ranged){
				    st->after.sport, x->rpool.port_lo,
				    x->rpool.port_hi };
		}
	}
	for (i = 1; i < flow->nlegs && sp->nranged < 16; i++)
		sp->ranged[sp->nranged++] = (struct ranged){
		    flow->legs[i].sent.sport, EPHEMERAL_LO, EPHEMERAL_HI };
}

static void
find_split(struct vspace *vs, struct split *sp, const struct wflow *flow)
{
	const struct world *w = vs->w;
	size_t i, j;

	sp->dim = -1;
	sp->inexact = false;
	note_shifts(sp, flow);
	if (sp->inexact)
		return;
	for (i = 0; i < flow->nhops; i++) {
		const struct whop *h = &flow->hops[i];
		const struct wnode *n = &w->nodes[h->node];

		if (need_packet(sp, &h->pkt, &vs->places, &vs->places,
		    &vs->pipes, &vs->pipes))
			return;
		if (need_packet(sp, &h->out, &vs->places, &vs->places,
		    &vs->pipes, &vs->pipes))
			return;
		for (j = 0; h->has_pf && j < h->pf.nstages; j++)
			if (need_stage(vs, sp, n, &h->pf.stages[j]))
				return;
	}
}

/* Results. */

static bool classes_of(const struct vspace *vs, const struct pf_packet *pkt,
    size_t *pr, size_t *fl, size_t *ic);

static void
leaf_add(struct vresult *r, const struct vleaf *lf)
{
	if (r->sink != NULL) {
		r->nleaves++;
		r->sink(r->sink_arg, lf);
		return;
	}
	if (r->nleaves >= r->cap)
		r->leaves = vec_grow(r->leaves, &r->cap, sizeof(*r->leaves));
	r->leaves[r->nleaves++] = *lf;
}

/* The destination ports leg 0 delivered, for the whole box. */
static void
delivered_ports(const struct vbox *box, const struct wflow *flow,
    const struct wleg *l, struct vdeliv *d)
{
	bool changed = false, shifted = false;
	size_t i, j;

	d->plo = d->phi = l->got.dport;
	if (!has_ports(l->got.proto))
		return;
	for (i = l->fwd; i < l->fwd + l->nfwd; i++) {
		const struct whop *h = &flow->hops[i];

		if (h->pkt.dport != h->out.dport)
			changed = true;
		for (j = 0; h->has_pf && j < h->pf.nstages; j++) {
			const struct pf_eval_stage *st = &h->pf.stages[j];
			const struct pf_rule *x = st->xlate;

			if (st->before.dport == st->after.dport)
				continue;
			changed = true;
			if (x != NULL && x->action == PF_ACT_RDR &&
			    x->rpool.port_hi > x->rpool.port_lo &&
			    x->dst_port.op == PF_PORT_RANGE)
				shifted = true;
		}
	}
	if (!changed || shifted) {
		d->plo = (uint32_t)((int64_t)box->lo[VD_DPORT] +
		    ((int64_t)l->got.dport - l->sent.dport));
		d->phi = (uint32_t)((int64_t)box->hi[VD_DPORT] +
		    ((int64_t)l->got.dport - l->sent.dport));
	}
	if (changed && !shifted)
		d->plo = d->phi = l->got.dport;
}

static void
summarize(const struct vbox *box, const struct wflow *flow, struct vleaf *lf)
{
	size_t i;

	memset(lf, 0, sizeof(*lf));
	lf->box = *box;
	lf->unsupported = flow->unsupported;
	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];
		struct vdeliv *d;

		if (l->end != WHOP_DELIVERED && l->end != WHOP_BEYOND)
			continue;
		d = &lf->d[lf->nd++];
		d->to = l->to;
		d->beyond = l->end == WHOP_BEYOND;
		d->has_reply = l->has_reply;
		d->replied = l->replied;
		d->via = i > 0 ? flow->legs[i - 1].pipe : NULL;
		d->via_node = i > 0 ? flow->legs[i - 1].to : NO_INDEX;
		if (i == 0)
			delivered_ports(box, flow, l, d);
		else
			d->plo = d->phi = l->got.dport;
	}
}

/* Walk ${box} and its parts until each part has one fate. */
static void
explore(struct vspace *vs, size_t from, const struct vbox *start,
    struct vresult *r)
{
	struct vbox *stack = NULL;
	size_t n = 0, cap = 0, i;
	struct wflow flow = { 0 };
	struct pf_packet rep;
	struct split sp;
	struct vleaf lf;

	stack = vec_grow(stack, &cap, sizeof(*stack));
	stack[n++] = *start;
	while (n > 0) {
		struct vbox box = stack[--n];
		uint32_t lo, hi;

		vspace_packet(vs, &box, &rep);
		r->walks++;
		if (walker_run(vs->wk, from, &rep, &flow) != 0) {
			memset(&lf, 0, sizeof(lf));
			lf.box = box;
			lf.proto = rep.proto;
			leaf_add(r, &lf);
			continue;
		}
		memset(&sp, 0, sizeof(sp));
		sp.box = &box;
		sp.rep = &rep;
		find_split(vs, &sp, &flow);
		if (sp.dim < 0 || sp.inexact) {
			summarize(&box, &flow, &lf);
			lf.proto = rep.proto;
			if (sp.inexact)
				lf.unsupported = true;
			if (lf.unsupported) {
				if (r->unsupported++ == 0) {
					if (sp.inexact)
						snprintf(r->why, sizeof(r->why),
						    "%s", sp.why);
					else
						for (i = 0; i < flow.nhops; i++)
							if (flow.hops[i].fate ==
							    WHOP_UNSUPPORTED)
								snprintf(r->why,
								    sizeof(r->why),
								    "%s", flow.hops[i].reason);
				}
			}
			leaf_add(r, &lf);
			if (vs->visit != NULL && vs->visit(vs->visit_arg, &box,
			    &rep, &flow, lf.unsupported)) {
				vs->stopped = true;
				break;
			}
			continue;
		}
		/* Split the dimension at every boundary inside it. */
		lo = box.lo[sp.dim];
		hi = box.hi[sp.dim];
		for (;;) {
			const uint32_t *p = pts_inside(sp.at, lo, hi, sp.k);
			struct vbox part = box;

			if (n >= cap)
				stack = vec_grow(stack, &cap, sizeof(*stack));
			part.lo[sp.dim] = lo;
			if (p == NULL) {
				part.hi[sp.dim] = hi;
				stack[n++] = part;
				break;
			}
			part.hi[sp.dim] = (uint32_t)((int64_t)*p - sp.k - 1);
			stack[n++] = part;
			lo = (uint32_t)((int64_t)*p - sp.k);
		}
	}
	free(stack);
	wflow_free(&flow);
}

/* Source addresses: [lo, hi] intervals. */
struct ivals {
	uint32_t (*v)[2];
	size_t n, cap;
};

static void
ivals_add(struct ivals *iv, uint32_t lo, uint32_t hi)
{
	if (iv->n >= iv->cap)
		iv->v = vec_grow(iv->v, &iv->cap, sizeof(*iv->v));
	iv->v[iv->n][0] = lo;
	iv->v[iv->n++][1] = hi;
}

/* The internet's addresses: all but the servers' and jails'. */
static void
internet_sources(const struct world *w, struct ivals *iv)
{
	struct pts own = { 0 };
	uint64_t lo = 0;
	size_t i, j;

	for (i = 0; i < w->nports; i++) {
		enum wnode_kind k = w->nodes[w->ports[i].node].kind;

		if (k != WNODE_SERVER && k != WNODE_JAIL)
			continue;
		for (j = 0; j < w->ports[i].naddrs; j++) {
			if (own.n >= own.cap)
				own.v = vec_grow(own.v, &own.cap,
				    sizeof(*own.v));
			own.v[own.n++] = w->ports[i].addrs[j];
		}
	}
	if (own.n > 0)
		qsort(own.v, own.n, sizeof(*own.v), u32_cmp);
	for (i = 0; i < own.n; i++) {
		if (own.v[i] > lo)
			ivals_add(iv, (uint32_t)lo, own.v[i] - 1);
		lo = (uint64_t)own.v[i] + 1;
	}
	if (lo <= UINT32_MAX)
		ivals_add(iv, (uint32_t)lo, UINT32_MAX);
	free(own.v);
}

/* Each IPv4 address of a place's ports (lo0 and 127/8 left out). */
static void
place_sources(const struct world *w, size_t from, struct ivals *iv)
{
	const struct wnode *n = &w->nodes[from];
	size_t i, j;

	for (i = 0; i < n->nports; i++) {
		const struct wport *p = &w->ports[n->ports[i]];

		for (j = 0; j < p->naddrs; j++)
			if ((p->addrs[j] >> 24) != 127)
				ivals_add(iv, p->addrs[j], p->addrs[j]);
	}
}

void
vspace_run(struct vspace *vs, size_t from, enum vmode mode,
    struct vresult *out)
{
	vspace_run_each(vs, from, mode, NULL, NULL, out);
}

void
vspace_run_each(struct vspace *vs, size_t from, enum vmode mode,
    vleaf_sink_fn *sink, void *arg, struct vresult *out)
{
	const struct world *w = vs->w;
	enum wnode_kind kind = w->nodes[from].kind;
	struct ivals src = { 0 };
	size_t i, pr, f, ic;

	memset(out, 0, sizeof(*out));
	out->sink = sink;
	out->sink_arg = arg;
	out->from = from;
	out->mode = mode;
	vs->stopped = false;
	if (kind == WNODE_ROUTER && mode == VMODE_FORGED)
		ivals_add(&src, 0, UINT32_MAX);
	else if (kind == WNODE_ROUTER)
		internet_sources(w, &src);
	else if (mode != VMODE_CONNECT || kind == WNODE_HOST)
		place_sources(w, from, &src);
	else
		ivals_add(&src, 0, 0);	/* the place picks its address */
	for (i = 0; i < src.n && !vs->stopped; i++)
		for (pr = 0; pr < vs->nprotos && !vs->stopped; pr++) {
			int proto = vs->protos[pr];
			size_t nf = 1, ni = 1;

			if (mode == VMODE_CONNECT && proto != IPPROTO_TCP &&
			    proto != IPPROTO_UDP && proto != IPPROTO_ICMP)
				continue;
			if (proto == IPPROTO_TCP && mode != VMODE_CONNECT)
				nf = vs->nflags;
			if (proto == IPPROTO_ICMP && mode != VMODE_CONNECT)
				ni = vs->nicmp;
			for (f = 0; f < nf && !vs->stopped; f++)
				for (ic = 0; ic < ni && !vs->stopped; ic++) {
					struct vbox b = { 0 };

					b.lo[VD_SRC] = src.v[i][0];
					b.hi[VD_SRC] = src.v[i][1];
					b.hi[VD_DST] = UINT32_MAX;
					b.proto = (uint8_t)pr;
					b.flags = (uint8_t)(mode != VMODE_CONNECT ?
					    f : vs->syn_class);
					b.icmp = (uint8_t)(mode != VMODE_CONNECT ?
					    ic : vs->echo_class);
					if (has_ports(proto)) {
						bool eph = mode ==
						    VMODE_CONNECT &&
						    kind != WNODE_ROUTER;

						b.lo[VD_SPORT] = eph ?
						    EPHEMERAL_LO : 0;
						b.hi[VD_SPORT] = 65535;
						b.hi[VD_DPORT] = 65535;
					}
					explore(vs, from, &b, out);
				}
		}
	free(src.v);
}

size_t
vspace_sources(const struct vspace *vs, size_t from, enum vmode mode,
    uint32_t (**iv)[2])
{
	const struct world *w = vs->w;
	enum wnode_kind kind = w->nodes[from].kind;
	struct ivals src = { 0 };

	if (kind == WNODE_ROUTER && mode == VMODE_FORGED)
		ivals_add(&src, 0, UINT32_MAX);
	else if (kind == WNODE_ROUTER)
		internet_sources(w, &src);
	else if (mode != VMODE_CONNECT || kind == WNODE_HOST)
		place_sources(w, from, &src);
	else
		ivals_add(&src, 0, 0);
	*iv = src.v;
	return src.n;
}

void
vspace_set_visit(struct vspace *vs, vspace_visit_fn *fn, void *arg)
{
	vs->visit = fn;
	vs->visit_arg = arg;
}

void
vspace_run_box(struct vspace *vs, size_t from, const struct vbox *box,
    struct vresult *out)
{
	vs->stopped = false;
	explore(vs, from, box, out);
}

int
vspace_box_map(const struct vspace *from, const struct vspace *to,
    const struct vbox *in, struct vbox *out)
{
	struct pf_packet rep;
	size_t pr, fl, ic;

	vspace_packet(from, in, &rep);
	classes_of(to, &rep, &pr, &fl, &ic);
	if (to->protos[pr] != rep.proto)
		return -1;
	*out = *in;
	out->proto = (uint8_t)pr;
	out->flags = (uint8_t)(rep.proto == IPPROTO_TCP ? fl : in->flags);
	out->icmp = (uint8_t)(rep.proto == IPPROTO_ICMP ? ic : in->icmp);
	/* A TCP SYN and an ICMP echo keep their class in both spaces. */
	if (rep.proto == IPPROTO_TCP && rep.flags == PF_TH_SYN)
		out->flags = (uint8_t)to->syn_class;
	if (rep.proto == IPPROTO_ICMP && rep.icmp_type == 8 &&
	    rep.icmp_code == 0)
		out->icmp = (uint8_t)to->echo_class;
	return 0;
}

void
vresult_free(struct vresult *r)
{
	free(r->leaves);
	r->leaves = NULL;
	r->nleaves = r->cap = 0;
}

/* Do flags ${a} and ${b} meet every flag test alike? */
static bool
flag_sig_eq(const struct vspace *vs, uint8_t a, uint8_t b)
{
	size_t j;

	for (j = 0; j < vs->nmasks; j++)
		if (((a & vs->masks[j][1]) == vs->masks[j][0]) !=
		    ((b & vs->masks[j][1]) == vs->masks[j][0]))
			return false;
	return true;
}

/* Is ICMP class ${i} the "every other code" class of its type: the
   last class of that type? */
static bool
icmp_other_code(const struct vspace *vs, size_t i)
{
	size_t k;

	for (k = i + 1; k < vs->nicmp; k++)
		if (vs->icmp[k].type == vs->icmp[i].type)
			return false;
	return true;
}

/* The class of ${pkt}'s protocol, flags and ICMP type in ${vs}. */
static bool
classes_of(const struct vspace *vs, const struct pf_packet *pkt,
    size_t *pr, size_t *fl, size_t *ic)
{
	size_t i, other = NO_INDEX;

	*pr = NO_INDEX;
	for (i = 0; i < vs->nprotos; i++)
		if (vs->protos[i] == pkt->proto)
			*pr = i;
	/* Every protocol no rule names shares the last class. */
	if (*pr == NO_INDEX)
		*pr = vs->nprotos - 1;
	*fl = 0;
	if (pkt->proto == IPPROTO_TCP) {
		for (i = 0; i < vs->nflags; i++)
			if (flag_sig_eq(vs, vs->flagrep[i], pkt->flags))
				*fl = i;
	}
	*ic = 0;
	if (pkt->proto == IPPROTO_ICMP) {
		*ic = NO_INDEX;
		for (i = 0; i < vs->nicmp; i++) {
			if (vs->icmp[i].type == pkt->icmp_type &&
			    vs->icmp[i].code == pkt->icmp_code)
				*ic = i;
			if (vs->icmp[i].type == pkt->icmp_type &&
			    icmp_other_code(vs, i))
				other = i;
		}
		if (*ic == NO_INDEX)
			*ic = other != NO_INDEX ? other : vs->nicmp - 1;
	}
	return true;
}

size_t
vspace_find(const struct vspace *vs, const struct vresult *res,
    const struct pf_packet *pkt)
{
	size_t i, pr, fl, ic;
	uint32_t v[VD_NDIMS];

	classes_of(vs, pkt, &pr, &fl, &ic);
	v[VD_SRC] = v4(&pkt->src);
	v[VD_DST] = v4(&pkt->dst);
	v[VD_SPORT] = has_ports(pkt->proto) ? pkt->sport : 0;
	v[VD_DPORT] = has_ports(pkt->proto) ? pkt->dport : 0;
	for (i = 0; i < res->nleaves; i++) {
		const struct vbox *b = &res->leaves[i].box;
		int d;

		if (b->proto != pr)
			continue;
		if (pkt->proto == IPPROTO_TCP && b->flags != fl)
			continue;
		if (pkt->proto == IPPROTO_ICMP && b->icmp != ic)
			continue;
		for (d = 0; d < VD_NDIMS; d++)
			if (v[d] < b->lo[d] || v[d] > b->hi[d])
				break;
		if (d == VD_NDIMS)
			return i;
	}
	return NO_INDEX;
}

uint32_t
vdeliv_port(const struct vleaf *leaf, size_t k, const struct pf_packet *pkt)
{
	const struct vdeliv *d = &leaf->d[k];

	if (k == 0 && d->phi > d->plo)
		return d->plo + (pkt->dport - leaf->box.lo[VD_DPORT]);
	return d->plo;
}

void
vspace_boundaries(struct vspace *vs, uint32_t **addrs, size_t *naddrs,
    uint32_t **ports, size_t *nports)
{
	struct pts a = { 0 }, p = { 0 };
	size_t i, k, j, x;

	for (i = 0; i < vs->places.n; i++)
		pts_add(&a, vs->places.v[i], UINT32_MAX);
	for (i = 0; i < vs->pipes.n; i++)
		pts_add(&p, vs->pipes.v[i], 65535);
	for (i = 0; i < vs->w->nnodes; i++) {
		const struct wnode *n = &vs->w->nodes[i];

		if (n->kind != WNODE_SERVER)
			continue;
		for (k = 0; k < PF_RS_COUNT; k++)
			for (j = 0; j < n->pf->rs->rules[k].n; j++) {
				const struct rule_pts *rp = rule_pts_of(vs,
				    n, (enum pf_ruleset_kind)k, j);

				for (x = 0; x < 2; x++) {
					for (size_t y = 0; y < rp->a[x].n; y++)
						pts_add(&a, rp->a[x].v[y],
						    UINT32_MAX);
					for (size_t y = 0; y < rp->p[x].n; y++)
						pts_add(&p, rp->p[x].v[y],
						    65535);
				}
			}
	}
	pts_finish(&a);
	pts_finish(&p);
	*addrs = a.v;
	*naddrs = a.n;
	*ports = p.v;
	*nports = p.n;
}
