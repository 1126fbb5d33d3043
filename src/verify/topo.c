/* Rules no packet of the site meets: see topo.h. */
#include "verify/topo.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "pf/pf_eval.h"
#include "verify/walk.h"
#include "verify/world.h"

static const enum pf_ruleset_kind topo_sets[] = {
	PF_RS_FILTER, PF_RS_NAT, PF_RS_RDR, PF_RS_BINAT
};
#define NSETS (sizeof(topo_sets) / sizeof(topo_sets[0]))

/* What one server's rules have met so far. */
struct topo_server {
	const struct pf_bound *b;	/* NULL: not a server place */
	struct pf_eval *ctx;		/* for pf_eval_rule_meets() */
	bool *met[NSETS];		/* met, or never a finding */
	size_t *left;			/* the search's count of rules that
					   could still be findings */
};

struct topo {
	const struct world *w;
	struct topo_server *srv;	/* [w->nnodes] */
	size_t left;			/* rules not met that could be
					   findings: none left, the search
					   stops */
	size_t classes;
	bool unsupported;
};

static size_t
set_slot(enum pf_ruleset_kind k)
{
	size_t i;

	for (i = 0; i < NSETS; i++)
		if (topo_sets[i] == k)
			return i;
	return 0;
}

/*
 * What a connection (one leg of a walk) stands for: the packets its first
 * packet ${sent} represents, as an interval of each role (the first
 * packet's source, destination, source port, destination port), and the
 * roles a translation has changed so far.  At a pass, a packet's field is
 * the interval of its role (on a reply, the roles are swapped) while the
 * field still carries what was sent; once a translation changed a role,
 * every value (a pool or a port range may have chosen any), until the
 * reply's state gives the sent value back.
 */
enum { R_SRC = VD_SRC, R_DST = VD_DST, R_SPORT = VD_SPORT,
    R_DPORT = VD_DPORT, R_N = VD_NDIMS };

struct leg_set {
	uint32_t v[R_N];		/* the sent packet's fields */
	uint32_t lo[R_N], hi[R_N];
	bool changed[R_N];		/* by a translation on the way */
	bool back[R_N];			/* given back on the reply */
};

static void
fields_of(const struct pf_packet *p, uint32_t f[R_N])
{
	f[R_SRC] = v4(&p->src);
	f[R_DST] = v4(&p->dst);
	f[R_SPORT] = p->sport;
	f[R_DPORT] = p->dport;
}

/* The role of field ${pos} of a packet (a reply's roles are swapped). */
static size_t
role_of(size_t pos, bool reply)
{
	static const size_t swapped[R_N] = { R_DST, R_SRC, R_DPORT, R_SPORT };

	return reply ? swapped[pos] : pos;
}

static void
pbox_of(const struct leg_set *ls, const struct pf_packet *p, bool reply,
    struct pf_pbox *pb)
{
	uint32_t f[R_N], lo[R_N], hi[R_N];
	static const uint32_t max[R_N] = { UINT32_MAX, UINT32_MAX, 65535,
	    65535 };
	size_t i;

	fields_of(p, f);
	for (i = 0; i < R_N; i++) {
		size_t r = role_of(i, reply);

		lo[i] = 0;
		hi[i] = max[i];
		if (f[i] == ls->v[r] && (!ls->changed[r] || ls->back[r])) {
			lo[i] = ls->lo[r];
			hi[i] = ls->hi[r];
		}
	}
	memset(pb, 0, sizeof(*pb));
	pb->proto = p->proto;
	pb->src_lo = lo[R_SRC];
	pb->src_hi = hi[R_SRC];
	pb->dst_lo = lo[R_DST];
	pb->dst_hi = hi[R_DST];
	pb->sport_lo = (uint16_t)lo[R_SPORT];
	pb->sport_hi = (uint16_t)hi[R_SPORT];
	pb->dport_lo = (uint16_t)lo[R_DPORT];
	pb->dport_hi = (uint16_t)hi[R_DPORT];
}

/* A pass went from ${before} to ${after}: on the way out, a translation
   changes the roles of the fields it touches (nat: the source and its
   port, rdr: the destination and its port, whatever the representative
   got); on the reply, a field that comes back to its sent value is
   given back. */
static void
note_pass(struct leg_set *ls, const struct pf_eval_stage *st, bool reply)
{
	uint32_t b[R_N], a[R_N];
	const struct pf_rule *x = st->xlate;
	size_t i;

	fields_of(&st->before, b);
	fields_of(&st->after, a);
	for (i = 0; i < R_N; i++) {
		size_t r = role_of(i, reply);

		if (reply && b[i] != a[i] && a[i] == ls->v[r])
			ls->back[r] = true;
		else if (b[i] != a[i])
			ls->changed[r] = true;
	}
	if (reply || x == NULL)
		return;
	if (x->action == PF_ACT_NAT)
		ls->changed[R_SRC] = ls->changed[R_SPORT] = true;
	if (x->action == PF_ACT_RDR)
		ls->changed[R_DST] = ls->changed[R_DPORT] = true;
	if (x->action == PF_ACT_BINAT)
		ls->changed[st->dir == PF_DIR_OUT ? R_SRC : R_DST] = true;
}

/* Mark the rules of set ${k} that may match a packet of ${pb} in ${dir}
   on interface ${ifidx} of server ${ts}. */
static void
mark(struct topo_server *ts, enum pf_ruleset_kind k, enum pf_dir dir,
    size_t ifidx, const struct pf_pbox *pb)
{
	const struct pf_rules *rules = &ts->b->rs->rules[k];
	bool *met = ts->met[set_slot(k)];
	size_t i;

	for (i = 0; i < rules->n; i++)
		if (!met[i] && pf_eval_rule_meets(ts->ctx, (int)k,
		    &rules->v[i], dir, ifidx, pb)) {
			met[i] = true;
			(*ts->left)--;
		}
}

/* One pass: translation rules on the packet before it, filter rules
   after. */
static void
mark_stage(struct topo_server *ts, const struct pf_eval_stage *st,
    struct leg_set *ls, bool reply)
{
	struct pf_pbox pb;
	size_t ifidx = pf_bound_iface(ts->b, st->ifname);

	if (ifidx == NO_INDEX)
		ifidx = ts->b->nifaces;
	pbox_of(ls, &st->before, reply, &pb);
	mark(ts, st->dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_NAT, st->dir, ifidx,
	    &pb);
	mark(ts, PF_RS_BINAT, st->dir, ifidx, &pb);
	note_pass(ls, st, reply);
	pbox_of(ls, &st->after, reply, &pb);
	mark(ts, PF_RS_FILTER, st->dir, ifidx, &pb);
}

static void
mark_hops(struct topo *t, const struct wflow *flow, size_t first, size_t n,
    struct leg_set *ls, bool reply)
{
	size_t i, j;

	for (i = first; i < first + n; i++) {
		const struct whop *h = &flow->hops[i];
		struct topo_server *ts = &t->srv[h->node];

		if (!h->has_pf || ts->b == NULL)
			continue;
		for (j = 0; j < h->pf.nstages; j++)
			mark_stage(ts, &h->pf.stages[j], ls, reply);
	}
}

/* Leg 0 stands for the class's box; a pipe's connection for its one
   packet, from any source port (the pipe's is chosen). */
static void
leg_set_init(struct leg_set *ls, const struct vbox *box, const struct wleg *l,
    bool first)
{
	size_t i;

	memset(ls, 0, sizeof(*ls));
	fields_of(&l->sent, ls->v);
	for (i = 0; i < R_N; i++) {
		ls->lo[i] = first ? box->lo[i] : ls->v[i];
		ls->hi[i] = first ? box->hi[i] : ls->v[i];
	}
	if (!first) {
		ls->lo[R_SPORT] = 0;
		ls->hi[R_SPORT] = 65535;
	}
}

static bool
visit(void *arg, const struct vbox *box, const struct pf_packet *rep,
    const struct wflow *flow, bool unsupported)
{
	struct topo *t = arg;
	struct leg_set ls;
	size_t i;

	(void)rep;
	t->classes++;
	if (unsupported || flow->unsupported) {
		t->unsupported = true;
		return true;
	}
	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];

		leg_set_init(&ls, box, l, i == 0);
		mark_hops(t, flow, l->fwd, l->nfwd, &ls, false);
		mark_hops(t, flow, l->rep, l->nrep, &ls, true);
	}
	return t->left == 0;
}

/* lo0's passes, which the walk does not make: any packet to a local
   address of the host, in and out. */
static void
mark_loopback(struct topo_server *ts)
{
	const struct pf_bound *b = ts->b;
	size_t lo0 = pf_bound_iface(b, "lo0"), i, j;
	struct pf_pbox pb;

	if (lo0 == NO_INDEX)
		return;
	memset(&pb, 0, sizeof(pb));
	pb.src_hi = UINT32_MAX;
	pb.sport_hi = pb.dport_hi = 65535;
	for (i = 0; i < b->nifaces; i++)
		for (j = 0; j < b->ifaces[i].naddrs; j++) {
			uint32_t first, last;

			if (!ipprefix_v4_span(&b->ifaces[i].addrs[j], &first,
			    &last))
				continue;
			/* 127/8 is on lo0 whole; elsewhere the address. */
			pb.dst_lo = v4(&b->ifaces[i].addrs[j].addr);
			pb.dst_hi = pb.dst_lo;
			if (b->ifaces[i].is_loopback) {
				pb.dst_lo = first;
				pb.dst_hi = last;
			}
			mark(ts, PF_RS_RDR, PF_DIR_IN, lo0, &pb);
			mark(ts, PF_RS_BINAT, PF_DIR_IN, lo0, &pb);
			mark(ts, PF_RS_FILTER, PF_DIR_IN, lo0, &pb);
			mark(ts, PF_RS_NAT, PF_DIR_OUT, lo0, &pb);
			mark(ts, PF_RS_BINAT, PF_DIR_OUT, lo0, &pb);
			mark(ts, PF_RS_FILTER, PF_DIR_OUT, lo0, &pb);
		}
}

/* An interface ${r} looks at (for the checks that are not about
   interfaces). */
static size_t
rule_iface(const struct pf_bound *b, const struct pf_rule *r)
{
	size_t i;

	if (r->ifspec.name == NULL)
		return 0;
	i = pf_bound_iface(b, r->ifspec.name);
	if (r->ifspec.neg || i == NO_INDEX)
		return b->nifaces;	/* no interface of the server */
	return i;
}

/* May ${r} match a packet to a broadcast or multicast address, which a
   bridge floods beyond what the walk follows (to every member, the host
   too)? */
static bool
rule_floods_dir(const struct world *w, const struct topo_server *ts,
    enum pf_ruleset_kind k, const struct pf_rule *r, enum pf_dir dir)
{
	size_t ifidx = rule_iface(ts->b, r), i, j;
	struct pf_pbox pb;

	if (r->proto == IPPROTO_TCP)
		return false;	/* TCP is never broadcast nor multicast */
	memset(&pb, 0, sizeof(pb));
	pb.src_hi = UINT32_MAX;
	pb.sport_hi = pb.dport_hi = 65535;
	pb.dst_lo = 0xe0000000u;	/* 224/4, 240/4, 255.255.255.255 */
	pb.dst_hi = UINT32_MAX;
	if (pf_eval_rule_meets(ts->ctx, (int)k, r, dir, ifidx, &pb))
		return true;
	for (i = 0; i < w->nports; i++)
		for (j = 0; j < w->ports[i].naddrs; j++) {
			unsigned len = w->ports[i].lens[j];
			uint32_t host = len >= 32 ? 0 : UINT32_MAX >> len;

			pb.dst_lo = pb.dst_hi = w->ports[i].addrs[j] | host;
			if (pf_eval_rule_meets(ts->ctx, (int)k, r, dir, ifidx,
			    &pb))
				return true;
		}
	return false;
}

static bool
rule_floods(const struct world *w, const struct topo_server *ts,
    enum pf_ruleset_kind k, const struct pf_rule *r)
{
	/* binat looks both ways, each with its own addresses. */
	if (k == PF_RS_BINAT)
		return rule_floods_dir(w, ts, k, r, PF_DIR_IN) ||
		    rule_floods_dir(w, ts, k, r, PF_DIR_OUT);
	return rule_floods_dir(w, ts, k, r, k == PF_RS_NAT ? PF_DIR_OUT :
	    k == PF_RS_RDR || r->dir == PF_DIR_INOUT ? PF_DIR_IN : r->dir);
}

/* Set ${ts}'s rules of set ${k} (slot ${s}) that can never be findings
   as met, and count the others. */
static void
candidates(struct topo *t, struct topo_server *ts, enum pf_ruleset_kind k,
    size_t s)
{
	const struct pf_rules *rules = &ts->b->rs->rules[k];
	size_t i;

	ts->met[s] = xcalloc(rules->n + 1, sizeof(bool));
	for (i = 0; i < rules->n; i++) {
		const struct pf_rule *r = &rules->v[i];

		if (r->af != AF_INET || rule_floods(t->w, ts, k, r))
			ts->met[s][i] = true;
		else
			t->left++;
	}
}

static void
finding_add(struct topo_result *out, size_t server, enum pf_ruleset_kind k,
    const struct pf_rule *r)
{
	if (out->n >= out->cap)
		out->v = vec_grow(out->v, &out->cap, sizeof(*out->v));
	out->v[out->n++] = (struct topo_finding){ server, k, r };
}

static void
collect(struct topo *t, struct topo_result *out)
{
	size_t i, s, k;

	for (i = 0; i < t->w->nnodes; i++) {
		struct topo_server *ts = &t->srv[i];

		if (ts->b == NULL)
			continue;
		for (s = 0; s < NSETS; s++) {
			const struct pf_rules *rules =
			    &ts->b->rs->rules[topo_sets[s]];

			for (k = 0; k < rules->n; k++) {
				const struct pf_rule *r = &rules->v[k];

				if (ts->met[s][k])
					continue;
				finding_add(out, t->w->nodes[i].server,
				    topo_sets[s], r);
			}
		}
	}
}

void
topo_search(struct vspace *vs, struct topo_result *out)
{
	const struct world *w = vspace_world(vs);
	struct topo t = { 0 };
	static const enum wnode_kind order[] = { WNODE_HOST, WNODE_SERVER,
		WNODE_JAIL, WNODE_ROUTER };
	struct vresult res;
	size_t i, s, pass;

	memset(out, 0, sizeof(*out));
	t.w = w;
	t.srv = xcalloc(w->nnodes + 1, sizeof(*t.srv));
	for (i = 0; i < w->nnodes; i++) {
		struct topo_server *ts = &t.srv[i];

		if (w->nodes[i].kind != WNODE_SERVER)
			continue;
		ts->b = w->nodes[i].pf;
		ts->ctx = pf_eval_new(ts->b);
		ts->left = &t.left;
		for (s = 0; s < NSETS; s++)
			candidates(&t, ts, topo_sets[s], s);
		mark_loopback(ts);
	}
	/* Connections first (few classes, most rules met), then every
	   packet: outside hosts, servers, jails, the internet last (the
	   most classes); the search stops when no rule is left. */
	vspace_set_visit(vs, visit, &t);
	for (pass = 0; pass < 5 && !t.unsupported && t.left > 0; pass++)
		for (i = 0; i < w->nnodes && !t.unsupported && t.left > 0;
		    i++) {
			if (pass > 0 && w->nodes[i].kind != order[pass - 1])
				continue;
			vspace_run(vs, i, pass == 0 ? VMODE_CONNECT :
			    VMODE_FORGED, &res);
			if (res.unsupported > 0 && out->why[0] == '\0')
				snprintf(out->why, sizeof(out->why), "the "
				    "model cannot say what some packets from "
				    "%s meet: %s", w->nodes[i].name, res.why);
			vresult_free(&res);
		}
	vspace_set_visit(vs, NULL, NULL);
	out->classes = t.classes;
	if (!t.unsupported) {
		out->searched = true;
		collect(&t, out);
	} else if (out->why[0] == '\0')
		snprintf(out->why, sizeof(out->why), "the model cannot say "
		    "what some packets meet");
	for (i = 0; i < w->nnodes; i++) {
		pf_eval_free(t.srv[i].ctx);
		for (s = 0; s < NSETS; s++)
			free(t.srv[i].met[s]);
	}
	free(t.srv);
}

/* Where ${r} looks: "in on epair2a", "out on any interface". */
static void
looks_at(enum pf_ruleset_kind k, const struct pf_rule *r, char *buf,
    size_t size)
{
	enum pf_dir dir = k == PF_RS_NAT ? PF_DIR_OUT : k == PF_RS_RDR ?
	    PF_DIR_IN : r->dir;
	const char *d = dir == PF_DIR_IN ? "in " : dir == PF_DIR_OUT ?
	    "out " : "";

	if (r->ifspec.name == NULL)
		snprintf(buf, size, "%son any interface", d);
	else if (r->ifspec.neg)
		snprintf(buf, size, "%son any interface but %s", d,
		    r->ifspec.name);
	else
		snprintf(buf, size, "%son %s", d, r->ifspec.name);
}

size_t
topo_report(const struct topo_result *r, size_t server, struct diags *out)
{
	size_t i, n = 0;
	char where[128];

	for (i = 0; i < r->n; i++) {
		const struct topo_finding *f = &r->v[i];

		if (f->server != server)
			continue;
		looks_at(f->set, f->rule, where, sizeof(where));
		diag_warning(out, f->rule->loc, "%s @%u %s: no packet that "
		    "the site sends arrives %s with its addresses and ports "
		    "(topology: jails, servers and hosts send from their own "
		    "addresses, the internet from any)",
		    f->set == PF_RS_FILTER ? "rule" : f->set == PF_RS_NAT ?
		    "nat rule" : f->set == PF_RS_RDR ? "rdr rule" :
		    "binat rule", f->rule->nr, f->set == PF_RS_FILTER ?
		    "meets no packet" : "translates nothing", where);
		n++;
	}
	return n;
}

void
topo_result_free(struct topo_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
