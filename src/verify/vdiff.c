/* vdiff: reachability changes between two sites (see vdiff.h). */
#include "verify/vdiff.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

const char *
vdiff_place_name(const struct world *w, size_t node)
{
	return w->nodes[node].kind == WNODE_ROUTER ? "internet" :
	    w->nodes[node].name;
}

static bool
has_ports(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

static bool
name_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* What one class reaches at one place, as the matrix counts it. */
struct fact {
	const char *to;
	int proto;
	const char *via, *via_node;
	uint32_t plo, phi;
};

static bool
fact_eq(const struct fact *a, const struct fact *b)
{
	return a->proto == b->proto && a->plo == b->plo && a->phi == b->phi &&
	    name_eq(a->to, b->to) && name_eq(a->via, b->via) &&
	    name_eq(a->via_node, b->via_node);
}

/* ${lf} narrowed to its packets of ${part} (inside its box): the
   delivered ports of each connection narrowed with them when they follow
   the destination port (shifted or not), kept when rdr sends them all to
   one port. */
static void
leaf_narrow(const struct vleaf *lf, const struct vbox *part,
    struct vleaf *out)
{
	size_t k;

	*out = *lf;
	out->box = *part;
	for (k = 0; k < lf->nd; k++) {
		const struct vdeliv *d = &lf->d[k];

		if (!has_ports(lf->proto) || d->phi == d->plo)
			continue;
		out->d[k].plo = d->plo + (part->lo[VD_DPORT] -
		    lf->box.lo[VD_DPORT]);
		out->d[k].phi = d->plo + (part->hi[VD_DPORT] -
		    lf->box.lo[VD_DPORT]);
	}
}

/* The facts of the packets of ${part} (inside ${lf}'s box) from ${from}. */
static size_t
facts_of(const struct world *w, size_t from, const struct vleaf *lf,
    const struct vbox *part, struct fact *f)
{
	struct vleaf nl;
	size_t k, n = 0;

	leaf_narrow(lf, part, &nl);
	for (k = 0; k < nl.nd; k++) {
		const struct vdeliv *d = &nl.d[k];

		if (!d->replied || d->beyond || d->to == from)
			continue;
		f[n].to = vdiff_place_name(w, d->to);
		f[n].proto = nl.proto;
		f[n].via = d->via != NULL ? d->via->name : NULL;
		f[n].via_node = d->via != NULL ? w->nodes[d->via_node].name :
		    NULL;
		f[n].plo = has_ports(nl.proto) ? d->plo : 0;
		f[n].phi = has_ports(nl.proto) ? d->phi : 0;
		n++;
	}
	return n;
}

static void
row_add(struct vdiff_row *row, bool gained, const struct fact *f,
    const struct pf_packet *pkt, const struct vbox *src)
{
	struct vdiff_flow *fl;
	size_t i;

	for (i = 0; i < row->n; i++) {
		fl = &row->v[i];
		if (fl->gained == gained && fl->proto == f->proto &&
		    name_eq(fl->to, f->to) && name_eq(fl->via, f->via) &&
		    name_eq(fl->via_node, f->via_node))
			break;
	}
	if (i == row->n) {
		if (row->n >= row->cap)
			row->v = vec_grow(row->v, &row->cap, sizeof(*row->v));
		fl = &row->v[row->n++];
		memset(fl, 0, sizeof(*fl));
		fl->gained = gained;
		fl->to = f->to;
		fl->proto = f->proto;
		fl->via = f->via;
		fl->via_node = f->via_node;
		fl->pkt = *pkt;
	}
	fl = &row->v[i];
	if (fl->classes == 0 || src->lo[VD_SRC] < fl->src_lo)
		fl->src_lo = src->lo[VD_SRC];
	if (fl->classes == 0 || src->hi[VD_SRC] > fl->src_hi)
		fl->src_hi = src->hi[VD_SRC];
	fl->classes++;
	if (has_ports(f->proto))
		portset_add(&fl->ports, f->plo, f->phi);
}

static int
flow_cmp(const void *x, const void *y)
{
	const struct vdiff_flow *a = x, *b = y;
	int c = strcmp(a->to, b->to);

	if (c != 0)
		return c;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if ((a->via == NULL) != (b->via == NULL))
		return a->via == NULL ? -1 : 1;
	if (a->via != NULL && (c = strcmp(a->via_node, b->via_node)) != 0)
		return c;
	if (a->via != NULL && (c = strcmp(a->via, b->via)) != 0)
		return c;
	return a->gained == b->gained ? 0 : a->gained ? 1 : -1;
}

/* How many addresses of intervals ${a} are in none of ${b}; one of them
   in *${eg}. */
static uint64_t
ivals_minus(const uint32_t (*a)[2], size_t na, const uint32_t (*b)[2],
    size_t nb, uint32_t *eg)
{
	uint64_t n = 0;
	size_t i, j;

	for (i = 0; i < na; i++) {
		uint64_t lo = a[i][0];

		/* b is sorted and disjoint: walk it across a[i]. */
		for (j = 0; j < nb && lo <= a[i][1]; j++) {
			if (b[j][1] < lo || b[j][0] > a[i][1])
				continue;
			if (b[j][0] > lo) {
				if (n == 0)
					*eg = (uint32_t)lo;
				n += b[j][0] - lo;
			}
			lo = (uint64_t)b[j][1] + 1;
		}
		if (lo <= a[i][1]) {
			if (n == 0)
				*eg = (uint32_t)lo;
			n += a[i][1] - lo + 1;
		}
	}
	return n;
}

/* Does ${m} (over world ${w}) reach every port of ${f} as ${f} does? */
static bool
matrix_has(const struct world *w, const struct mrow *m,
    const struct vdiff_flow *f)
{
	size_t i, j;

	for (i = 0; i < m->ncells; i++) {
		const struct mcell *c = &m->cells[i];

		if (c->to == m->from || c->proto != f->proto ||
		    !name_eq(vdiff_place_name(w, c->to), f->to) ||
		    !name_eq(c->via != NULL ? c->via->name : NULL, f->via) ||
		    !name_eq(c->via != NULL ? w->nodes[c->via_node].name :
		    NULL, f->via_node))
			continue;
		for (j = 0; j < f->ports.n; j++)
			if (!portset_has(&c->ports, f->ports.v[j][0],
			    f->ports.v[j][1]))
				return false;
		return true;
	}
	return false;
}

/* Compare one class ${part} of NEW, inside class ${o} of OLD. */
static void
compare_part(const struct world *wo, size_t fo, const struct vleaf *o,
    const struct world *wn, size_t fn, const struct vleaf *nl,
    const struct pf_packet *pkt, struct vdiff_row *row)
{
	struct fact a[WALK_MAXLEGS], b[WALK_MAXLEGS];
	size_t na, nb, i, j;

	na = facts_of(wo, fo, o, &nl->box, a);
	nb = facts_of(wn, fn, nl, &nl->box, b);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && !fact_eq(&a[i], &b[j]); j++)
			;
		if (j == nb)
			row_add(row, false, &a[i], pkt, &nl->box);
	}
	for (j = 0; j < nb; j++) {
		for (i = 0; i < na && !fact_eq(&a[i], &b[j]); i++)
			;
		if (i == na)
			row_add(row, true, &b[j], pkt, &nl->box);
	}
}

/* What vdiff_source() and vdiff_source_ports() compare: every packet
   (proto < 0), or those of one protocol to destination ports [lo, hi]. */
struct scope {
	int proto;
	uint32_t lo, hi;
};

/* Narrow ${b} to ${sc}; false if nothing of it is left. */
static bool
scope_box(const struct scope *sc, int proto, struct vbox *b)
{
	if (sc->proto < 0)
		return true;
	if (proto != sc->proto || b->hi[VD_DPORT] < sc->lo ||
	    b->lo[VD_DPORT] > sc->hi)
		return false;
	if (b->lo[VD_DPORT] < sc->lo)
		b->lo[VD_DPORT] = sc->lo;
	if (b->hi[VD_DPORT] > sc->hi)
		b->hi[VD_DPORT] = sc->hi;
	return true;
}

/* Keep of ${r} the leaves in ${sc}, narrowed to it. */
static void
scope_result(const struct scope *sc, struct vresult *r)
{
	struct vbox b;
	size_t i, n = 0;

	for (i = 0; i < r->nleaves; i++) {
		b = r->leaves[i].box;
		if (scope_box(sc, r->leaves[i].proto, &b))
			leaf_narrow(&r->leaves[i], &b, &r->leaves[n++]);
	}
	r->nleaves = n;
}

static void
source_diff(struct vspace *old, size_t from_old, struct vspace *new_,
    size_t from_new, const struct scope *sc, struct vdiff_row *row)
{
	const struct world *wo = vspace_world(old), *wn = vspace_world(new_);
	uint32_t (*so)[2] = NULL, (*sn)[2] = NULL;
	size_t nso, nsn, i, j, k, first;
	struct vresult ro, rn;
	struct mrow mo, mn;

	memset(row, 0, sizeof(*row));
	memset(&rn, 0, sizeof(rn));
	rn.from = from_new;
	rn.mode = VMODE_CONNECT;
	nso = vspace_sources(old, from_old, VMODE_CONNECT, &so);
	nsn = vspace_sources(new_, from_new, VMODE_CONNECT, &sn);
	row->only_old = ivals_minus((const uint32_t (*)[2])so, nso,
	    (const uint32_t (*)[2])sn, nsn, &row->only_old_eg);
	row->only_new = ivals_minus((const uint32_t (*)[2])sn, nsn,
	    (const uint32_t (*)[2])so, nso, &row->only_new_eg);
	vspace_run(old, from_old, VMODE_CONNECT, &ro);
	for (i = 0; i < ro.nleaves; i++) {
		const struct vleaf *o = &ro.leaves[i];

		/* The part of the class that NEW splits too. */
		for (j = 0; j < nsn; j++) {
			struct vbox b = o->box, bn;

			if (sn[j][1] < b.lo[VD_SRC] || sn[j][0] > b.hi[VD_SRC])
				continue;
			if (sn[j][0] > b.lo[VD_SRC])
				b.lo[VD_SRC] = sn[j][0];
			if (sn[j][1] < b.hi[VD_SRC])
				b.hi[VD_SRC] = sn[j][1];
			if (!scope_box(sc, o->proto, &b) ||
			    vspace_box_map(old, new_, &b, &bn) != 0)
				continue;
			first = rn.nleaves;
			vspace_run_box(new_, from_new, &bn, &rn);
			for (k = first; k < rn.nleaves; k++) {
				const struct vleaf *nl = &rn.leaves[k];
				struct pf_packet pkt;

				row->classes++;
				vspace_packet(new_, &nl->box, &pkt);
				if (o->unsupported || nl->unsupported) {
					if (row->unsupported++ == 0) {
						snprintf(row->why,
						    sizeof(row->why), "%s",
						    o->unsupported ? ro.why :
						    rn.why);
						row->unsup_pkt = pkt;
					}
					continue;
				}
				compare_part(wo, from_old, o, wn, from_new, nl,
				    &pkt, row);
			}
		}
	}
	/* Which changes the matrices show: each site's, over the packets
	   both split (and the scope holds). */
	if (sc->proto >= 0)
		scope_result(sc, &ro);
	mrow_build(&ro, &mo);
	mrow_build(&rn, &mn);
	for (i = 0; i < row->n; i++) {
		struct vdiff_flow *f = &row->v[i];

		f->partial = f->gained ? matrix_has(wo, &mo, f) :
		    matrix_has(wn, &mn, f);
	}
	mrow_free(&mo);
	mrow_free(&mn);
	if (row->n > 0)
		qsort(row->v, row->n, sizeof(*row->v), flow_cmp);
	vresult_free(&ro);
	vresult_free(&rn);
	free(so);
	free(sn);
}

void
vdiff_source(struct vspace *old, size_t from_old, struct vspace *new_,
    size_t from_new, struct vdiff_row *row)
{
	struct scope all = { .proto = -1 };

	source_diff(old, from_old, new_, from_new, &all, row);
}

void
vdiff_source_ports(struct vspace *old, size_t from_old, struct vspace *new_,
    size_t from_new, int proto, uint32_t lo, uint32_t hi,
    struct vdiff_row *row)
{
	struct scope sc = { .proto = proto, .lo = lo, .hi = hi };

	source_diff(old, from_old, new_, from_new, &sc, row);
}

void
vdiff_row_free(struct vdiff_row *row)
{
	size_t i;

	for (i = 0; i < row->n; i++)
		portset_free(&row->v[i].ports);
	free(row->v);
	row->v = NULL;
	row->n = row->cap = 0;
}

/* Steps. */

static void
step_add(struct vstep **v, size_t *n, size_t *cap, const struct vstep *s)
{
	if (*n >= *cap)
		*v = vec_grow(*v, cap, sizeof(**v));
	(*v)[(*n)++] = *s;
}

static void
hop_steps(const struct wleg *l, const struct whop *h, bool reply,
    struct vstep **v, size_t *n, size_t *cap)
{
	struct vstep s = { .leg = l, .hop = h, .reply = reply };
	size_t j;

	for (j = 0; h->has_pf && j < h->pf.nstages; j++) {
		s.kind = VSTEP_PASS;
		s.st = &h->pf.stages[j];
		step_add(v, n, cap, &s);
	}
	s.kind = VSTEP_FATE;
	s.st = NULL;
	step_add(v, n, cap, &s);
}

size_t
vdiff_steps(const struct wflow *flow, struct vstep **steps)
{
	struct vstep *v = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];
		struct vstep s = { .kind = VSTEP_SEND, .leg = l,
		    .prev = i > 0 ? &flow->legs[i - 1] : NULL };

		step_add(&v, &n, &cap, &s);
		for (k = l->fwd; k < l->fwd + l->nfwd; k++)
			hop_steps(l, &flow->hops[k], false, &v, &n, &cap);
		for (k = l->rep; k < l->rep + l->nrep; k++)
			hop_steps(l, &flow->hops[k], true, &v, &n, &cap);
	}
	*steps = v;
	return n;
}

static bool
packet_eq(const struct pf_packet *a, const struct pf_packet *b)
{
	return a->proto == b->proto && ipaddr_eq(&a->src, &b->src) &&
	    ipaddr_eq(&a->dst, &b->dst) && a->sport == b->sport &&
	    a->dport == b->dport && a->flags == b->flags &&
	    a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

static const char *
port_name(const struct world *w, size_t port)
{
	return port == NO_INDEX ? NULL : w->ports[port].ifname;
}

static int
xlate_kind(const struct pf_eval_stage *st)
{
	return st->xlate == NULL ? -1 : (int)st->xlate->action;
}

static bool
step_same(const struct world *wa, const struct vstep *a,
    const struct world *wb, const struct vstep *b)
{
	const struct whop *ha = a->hop, *hb = b->hop;

	if (a->kind != b->kind || a->reply != b->reply)
		return false;
	switch (a->kind) {
	case VSTEP_SEND:
		return packet_eq(&a->leg->sent, &b->leg->sent) &&
		    name_eq(wa->nodes[a->leg->from].name,
		    wb->nodes[b->leg->from].name) &&
		    name_eq(a->prev != NULL && a->prev->pipe != NULL ?
		    a->prev->pipe->name : NULL, b->prev != NULL &&
		    b->prev->pipe != NULL ? b->prev->pipe->name : NULL);
	case VSTEP_PASS:
		return name_eq(wa->nodes[ha->node].name,
		    wb->nodes[hb->node].name) && a->st->dir == b->st->dir &&
		    strcmp(a->st->ifname, b->st->ifname) == 0 &&
		    a->st->pass == b->st->pass && a->st->how == b->st->how &&
		    xlate_kind(a->st) == xlate_kind(b->st) &&
		    packet_eq(&a->st->before, &b->st->before) &&
		    packet_eq(&a->st->after, &b->st->after);
	case VSTEP_FATE:
		if (!name_eq(wa->nodes[ha->node].name,
		    wb->nodes[hb->node].name) || ha->fate != hb->fate ||
		    !name_eq(port_name(wa, ha->in_port),
		    port_name(wb, hb->in_port)) ||
		    !packet_eq(&ha->out, &hb->out))
			return false;
		if (ha->fate == WHOP_ONWARD)
			return name_eq(port_name(wa, ha->out_port),
			    port_name(wb, hb->out_port)) &&
			    name_eq(wa->nodes[wa->ports[ha->next_port].node]
			    .name, wb->nodes[wb->ports[hb->next_port].node]
			    .name);
		if (ha->fate == WHOP_DROPPED || ha->fate == WHOP_UNSUPPORTED)
			return strcmp(ha->reason, hb->reason) == 0;
		return true;
	}
	return false;
}

size_t
vdiff_first_change(const struct world *wa, const struct vstep *a,
    size_t na, const struct world *wb, const struct vstep *b, size_t nb)
{
	size_t i, n = na < nb ? na : nb;

	for (i = 0; i < n; i++)
		if (!step_same(wa, &a[i], wb, &b[i]))
			return i;
	return na != nb ? n : NO_INDEX;
}
