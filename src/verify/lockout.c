/* lockout: whether a site keeps the way of managing it (see lockout.h). */
#include "verify/lockout.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "verify/matrix.h"

/* One host's declared port interval, from one site or the other. */
struct decl {
	const char *host;
	const struct loc *loc;
	uint32_t lo, hi;
	bool in_new;
};

/* Whether place ${node} of ${w} is a server or one of its jails. */
static bool
is_server_place(const struct world *w, size_t node)
{
	return node != NO_INDEX && (w->nodes[node].kind == WNODE_SERVER ||
	    w->nodes[node].kind == WNODE_JAIL);
}

/* Append the manage.tcp intervals of ${s}'s hosts to ${d} (${n}, ${cap}),
   but those of a host that ${d} already holds the same. */
static void
add_decls(const struct site *s, bool in_new, struct decl **d, size_t *n,
    size_t *cap)
{
	size_t i, k, j, before = *n;

	for (i = 0; i < s->nhosts; i++) {
		const struct outside_host *h = &s->hosts[i];

		for (k = 0; k < h->nmanage_tcp; k++) {
			struct decl *x;

			for (j = 0; j < before; j++)
				if (strcmp((*d)[j].host, h->name) == 0 &&
				    (*d)[j].lo == h->manage_tcp[k][0] &&
				    (*d)[j].hi == h->manage_tcp[k][1])
					break;
			if (j < before)
				continue;
			x = VEC_PUSH(*d, *n, *cap);
			x->host = h->name;
			x->loc = &h->manage_loc;
			x->lo = h->manage_tcp[k][0];
			x->hi = h->manage_tcp[k][1];
			x->in_new = in_new;
		}
	}
}

static struct lockout *
add_finding(struct lockouts *out, enum lockout_kind kind,
    const struct decl *d, size_t fo, size_t fn)
{
	struct lockout *l = VEC_PUSH(out->v, out->n, out->cap);

	l->kind = kind;
	l->host = d->host;
	l->loc = d->loc;
	l->lo = d->lo;
	l->hi = d->hi;
	l->in_new = d->in_new;
	l->from_old = fo;
	l->from_new = fn;
	return l;
}

void
lockout_diff(struct vspace *old, struct vspace *new_, struct lockouts *out)
{
	const struct world *wo = vspace_world(old), *wn = vspace_world(new_);
	struct decl *d = NULL;
	size_t nd = 0, cap = 0, i, k;

	memset(out, 0, sizeof(*out));
	add_decls(wo->ps->site, false, &d, &nd, &cap);
	add_decls(wn->ps->site, true, &d, &nd, &cap);
	/* One row per declaration, allocated at once: the flows that
	   findings point to stay where they are. */
	out->rows = xcalloc(nd > 0 ? nd : 1, sizeof(*out->rows));
	for (i = 0; i < nd; i++) {
		size_t fo = world_node(wo, d[i].host),
		    fn = world_node(wn, d[i].host);
		struct vdiff_row *row;

		out->checked++;
		if (fo == NO_INDEX || wo->nodes[fo].kind != WNODE_HOST)
			continue;	/* nothing reached before */
		if (fn == NO_INDEX || wn->nodes[fn].kind != WNODE_HOST) {
			add_finding(out, LOCKOUT_GONE, &d[i], fo, NO_INDEX);
			continue;
		}
		row = &out->rows[out->nrows++];
		vdiff_source_ports(old, fo, new_, fn, IPPROTO_TCP, d[i].lo,
		    d[i].hi, row);
		for (k = 0; k < row->n; k++) {
			const struct vdiff_flow *f = &row->v[k];

			/* A place the new site has no more is not managed
			   there: diff lists it as a place of one site. */
			if (f->gained || f->partial ||
			    !is_server_place(wo, world_node(wo, f->to)) ||
			    world_node(wn, f->to) == NO_INDEX)
				continue;
			add_finding(out, LOCKOUT_LOST, &d[i], fo, fn)->flow = f;
		}
		if (row->unsupported > 0) {
			struct lockout *l = add_finding(out, LOCKOUT_UNSURE,
			    &d[i], fo, fn);

			l->unsure = row->unsupported;
			snprintf(l->why, sizeof(l->why), "%s", row->why);
			l->pkt = row->unsup_pkt;
		}
	}
	free(d);
}

/* The first port of [${lo}, ${hi}] that ${s} lacks, or 0 if none. */
static uint32_t
first_missing(const struct portset *s, uint32_t lo, uint32_t hi)
{
	uint32_t p = lo;
	size_t i;

	for (i = 0; i < s->n && p <= hi; i++)
		if (s->v[i][0] <= p && s->v[i][1] >= p)
			p = s->v[i][1] + 1;
	return p <= hi ? p : 0;
}

void
lockout_server(struct vspace *vs, size_t server, struct lockouts *out)
{
	const struct world *w = vspace_world(vs);
	struct decl *d = NULL;
	size_t nd = 0, cap = 0, i, j, k;

	memset(out, 0, sizeof(*out));
	add_decls(w->ps->site, false, &d, &nd, &cap);
	for (i = 0; i < nd; i++) {
		size_t from = world_node(w, d[i].host), unsure = 0;
		struct portset kept = { 0 };
		struct vresult res = { 0 };
		const struct vleaf *eg = NULL;
		struct lockout *l;
		uint32_t miss;

		out->checked++;
		if (from == NO_INDEX || w->nodes[from].kind != WNODE_HOST)
			continue;
		vspace_run(vs, from, VMODE_CONNECT, &res);
		for (j = 0; j < res.nleaves; j++) {
			const struct vleaf *lf = &res.leaves[j];
			uint32_t lo = lf->box.lo[VD_DPORT],
			    hi = lf->box.hi[VD_DPORT];

			if (lf->proto != IPPROTO_TCP || hi < d[i].lo ||
			    lo > d[i].hi)
				continue;
			if (lf->unsupported) {
				if (unsure++ == 0)
					eg = lf;
				continue;
			}
			if (lo < d[i].lo)
				lo = d[i].lo;
			if (hi > d[i].hi)
				hi = d[i].hi;
			for (k = 0; k < lf->nd; k++) {
				const struct vdeliv *dv = &lf->d[k];

				if (dv->replied && !dv->beyond &&
				    is_server_place(w, dv->to) &&
				    w->nodes[dv->to].server == server)
					portset_add(&kept, lo, hi);
			}
		}
		miss = first_missing(&kept, d[i].lo, d[i].hi);
		if (miss != 0 && unsure > 0) {
			l = add_finding(out, LOCKOUT_UNSURE, &d[i], from,
			    from);
			l->unsure = unsure;
			snprintf(l->why, sizeof(l->why), "%s", res.why);
			vspace_packet(vs, &eg->box, &l->pkt);
		} else if (miss != 0) {
			l = add_finding(out, LOCKOUT_MISSED, &d[i], from,
			    from);
			l->port = miss;
		}
		portset_free(&kept);
		vresult_free(&res);
	}
	free(d);
}

void
lockouts_free(struct lockouts *l)
{
	size_t i;

	for (i = 0; i < l->nrows; i++)
		vdiff_row_free(&l->rows[i]);
	free(l->rows);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
