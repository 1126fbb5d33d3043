/* The model against the kernel, with real connections: see verify_live.h. */
#include "cli/verify_live.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/trace_text.h"
#include "kernel/netns.h"
#include "kernel/probe.h"
#include "pf/pf.h"

/* Ports tried per range of an expectation, at most. */
#define LIVE_PORTS_PER_EXPECT 8
/* Source ports of the probes: LIVE_SPORT_BASE + n. */
#define LIVE_SPORT_BASE 40000
#define LIVE_SPORT_SPAN 20000

/* What one packet should do, by the model. */
struct lcase {
	size_t from, to;	/* places; to: where the expectation points */
	struct pf_packet pkt;	/* as the probe sends it */
	bool heard;		/* the model delivers it, and all replies
				   that the bytes need come back */
	size_t heard_at;	/* the place, when heard */
	bool replied;		/* the last connection's reply comes back */
	bool first;		/* the first connection is delivered and its
				   reply comes back (a TCP handshake) */
	size_t listener;	/* the listener that judges it */
	const char *file;	/* where the expectation is */
	unsigned line;
	const char *skip;	/* not tried: why (static text), or */
	bool skip_own;		/* not tried: why is in skipbuf */
	char skipbuf[160];
};

/* Why case ${c} was not tried, or NULL. */
static const char *
skip_text(const struct lcase *c)
{
	return c->skip_own ? c->skipbuf : c->skip;
}

struct live {
	const char *site;
	const struct world *w;
	struct walker *wk;
	struct lcase *v;
	size_t n, cap;
	struct probe_listener *ls;
	size_t nls, lcap;
	char **netns;		/* one per place, owned */
	/* Probes passing a rule with a source limit, per source address. */
	struct limit_count {
		uint32_t src;
		const struct pf_rule *rule;
		unsigned n;
	} *lim;
	size_t nlim, limcap;
};

/* The namespace of place ${node}, as plan_build() names it. */
static char *
netns_of(const struct live *lv, size_t node)
{
	const struct wnode *n = &lv->w->nodes[node];

	switch (n->kind) {
	case WNODE_SERVER:
		return xasprintf("%s-%s", lv->site, n->srv->name);
	case WNODE_JAIL:
		return xasprintf("%s-%s-%s", lv->site, n->srv->name,
		    n->jail->name);
	case WNODE_HOST:
		return xasprintf("%s-host-%s", lv->site, n->host->name);
	case WNODE_ROUTER:
		return xasprintf("%s-net-%s", lv->site, n->net->name);
	}
	return xstrdup("?");
}

/* Whether outside host ${node} sits on a wire with an internet router. */
static bool
on_internet(const struct world *w, size_t node)
{
	const struct wnode *n = &w->nodes[node];
	size_t i, k;

	for (i = 0; i < n->nports; i++) {
		const struct wport *p = &w->ports[n->ports[i]];

		if (p->wire == NO_INDEX)
			continue;
		for (k = 0; k < w->wires[p->wire].nports; k++)
			if (w->nodes[w->ports[w->wires[p->wire].ports[k]].node]
			    .kind == WNODE_ROUTER)
				return true;
	}
	return false;
}

/* The places an endpoint of an expectation stands for, as a source
   (${as_src}) or a destination; appended to ${v}. */
static void
places_of(const struct world *w, const struct iend *e, bool as_src,
    size_t **v, size_t *n, size_t *cap)
{
	size_t i, k;

	switch (e->kind) {
	case IEND_PLACE:
		*VEC_PUSH(*v, *n, *cap) = e->node;
		return;
	case IEND_EVERY_JAIL:
		for (i = 0; i < w->nnodes; i++)
			if (w->nodes[i].kind == WNODE_JAIL &&
			    str_eq(w->nodes[i].jail->name, e->jail))
				*VEC_PUSH(*v, *n, *cap) = i;
		return;
	case IEND_INTERNET:
	case IEND_CIDR:
		if (!as_src)
			return;
		for (i = 0; i < w->nnodes; i++) {
			const struct wnode *nd = &w->nodes[i];
			bool in = false;

			if (nd->kind != WNODE_HOST || !on_internet(w, i))
				continue;
			for (k = 0; k < nd->nports && !in; k++) {
				const struct wport *p = &w->ports[nd->ports[k]];
				size_t a;

				for (a = 0; a < p->naddrs; a++)
					if (e->kind == IEND_INTERNET ||
					    (p->addrs[a] >= e->lo &&
					    p->addrs[a] <= e->hi))
						in = true;
			}
			if (in)
				*VEC_PUSH(*v, *n, *cap) = i;
		}
		return;
	}
}

/* The addresses a probe to place ${to} is sent to: its own, and those
   of every server's NICs (an rdr there may take it in). */
static void
targets_of(const struct world *w, size_t to, uint32_t **v, size_t *n,
    size_t *cap)
{
	size_t i, k, a, j;

	for (i = 0; i < w->nnodes; i++) {
		const struct wnode *nd = &w->nodes[i];

		if (i != to && nd->kind != WNODE_SERVER)
			continue;
		for (k = 0; k < nd->nports; k++) {
			const struct wport *p = &w->ports[nd->ports[k]];

			if (i != to && p->wire == NO_INDEX)
				continue;
			for (a = 0; a < p->naddrs; a++) {
				if ((p->addrs[a] >> 24) == 127)
					continue;
				for (j = 0; j < *n && (*v)[j] != p->addrs[a];
				    j++)
					;
				if (j == *n)
					*VEC_PUSH(*v, *n, *cap) = p->addrs[a];
			}
		}
	}
}

/* Up to LIVE_PORTS_PER_EXPECT ports of ${ps}: each range's first, last
   and middle port. */
static size_t
ports_of(const struct portset *ps, uint16_t *out)
{
	size_t i, k, n = 0;

	for (i = 0; i < ps->n; i++) {
		uint32_t lo = ps->v[i][0] > 0 ? ps->v[i][0] : 1,
		    hi = ps->v[i][1];
		uint32_t c[3] = { lo, hi, lo + (hi - lo) / 2 };

		if (hi < lo)
			continue;
		for (k = 0; k < 3 && n < LIVE_PORTS_PER_EXPECT; k++) {
			size_t j;

			for (j = 0; j < n && out[j] != c[k]; j++)
				;
			if (j == n)
				out[n++] = (uint16_t)c[k];
		}
	}
	return n;
}

static size_t
listener_for(struct live *lv, size_t node, uint16_t port, int proto)
{
	char *ns = lv->netns[node];
	size_t i;

	for (i = 0; i < lv->nls; i++)
		if (lv->ls[i].port == port && lv->ls[i].proto == proto &&
		    str_eq(lv->ls[i].netns, ns))
			return i;
	*VEC_PUSH(lv->ls, lv->nls, lv->lcap) = (struct probe_listener){
		.netns = ns, .port = port, .proto = proto };
	return lv->nls - 1;
}

/* The rules with a source limit that the connections of ${f} pass, one
   of which the probe would count against: return the first whose
   quarter is used up (with the text in ${c}), counting it if none is. */
static bool
within_limits(struct live *lv, const struct wflow *f, struct lcase *c)
{
	const struct pf_rule *hit[16];
	uint32_t hsrc[16];
	size_t nhit = 0, i, k, s;

	for (i = 0; i < f->nhops && nhit < 16; i++) {
		const struct whop *h = &f->hops[i];

		if (!h->has_pf)
			continue;
		for (s = 0; s < h->pf.nstages && nhit < 16; s++) {
			const struct pf_rule *r = h->pf.stages[s].rule;
			unsigned lim = 0;

			if (r == NULL || !h->pf.stages[s].state_created)
				continue;
			if (r->state.max_src_conn_rate > 0)
				lim = r->state.max_src_conn_rate;
			if (r->state.max_src_conn > 0 && (lim == 0 ||
			    r->state.max_src_conn < lim))
				lim = r->state.max_src_conn;
			if (r->state.max_src_states > 0 && (lim == 0 ||
			    r->state.max_src_states < lim))
				lim = r->state.max_src_states;
			if (r->state.max_states > 0 && (lim == 0 ||
			    r->state.max_states < lim))
				lim = r->state.max_states;
			if (lim == 0)
				continue;
			hsrc[nhit] = v4(&h->pf.stages[s].before.src);
			hit[nhit++] = r;
			for (k = 0; k < lv->nlim; k++)
				if (lv->lim[k].rule == r &&
				    lv->lim[k].src == hsrc[nhit - 1])
					break;
			if (k < lv->nlim && lv->lim[k].n + 1 > lim / 4) {
				snprintf(c->skipbuf, sizeof(c->skipbuf),
				    "more would pass a quarter of the source "
				    "limit of %s:%u", r->loc.src != NULL ?
				    r->loc.src->path : "?", r->loc.line);
				c->skip_own = true;
				return false;
			}
		}
	}
	for (i = 0; i < nhit; i++) {
		for (k = 0; k < lv->nlim; k++)
			if (lv->lim[k].rule == hit[i] &&
			    lv->lim[k].src == hsrc[i])
				break;
		if (k == lv->nlim)
			*VEC_PUSH(lv->lim, lv->nlim, lv->limcap) =
			    (struct limit_count){ hsrc[i], hit[i], 0 };
		lv->lim[k].n++;
	}
	return true;
}

/* Whether a probe like ${p} from ${from} is already in the list. */
static bool
have_case(const struct live *lv, size_t from, const struct pf_packet *p)
{
	size_t i;

	for (i = 0; i < lv->n; i++)
		if (lv->v[i].from == from && lv->v[i].pkt.proto == p->proto &&
		    ipaddr_eq(&lv->v[i].pkt.dst, &p->dst) &&
		    lv->v[i].pkt.dport == p->dport)
			return true;
	return false;
}

/* Add the case of one packet: walked in the model, with its listener. */
static void
add_case(struct live *lv, size_t from, size_t to, int proto, uint32_t dst,
    uint16_t dport, const char *file, unsigned line)
{
	struct wflow f = { 0 };
	struct pf_packet p;
	struct lcase *c;
	size_t i;
	bool all_replied = true;

	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	p.proto = proto;
	p.icmp_type = p.icmp_code = -1;
	p.dst = v4addr(dst);
	p.dport = dport;
	p.flags = proto == IPPROTO_TCP ? PF_TH_SYN : 0;
	if (have_case(lv, from, &p))
		return;
	c = VEC_PUSH(lv->v, lv->n, lv->cap);
	memset(c, 0, sizeof(*c));
	c->from = from;
	c->to = to;
	c->file = file;
	c->line = line;
	c->listener = NO_INDEX;
	p.sport = (uint16_t)(LIVE_SPORT_BASE + (lv->n - 1) % LIVE_SPORT_SPAN);
	c->pkt = p;
	/* The source address the model's place picks, bound by the probe. */
	if (walker_run(lv->wk, from, &p, &f) != 0 || f.nlegs == 0) {
		/* No route to send it by: the kernel must not either. */
		c->listener = listener_for(lv, to, dport, proto);
		wflow_free(&f);
		return;
	}
	c->pkt.src = f.legs[0].sent.src;
	if (f.unsupported) {
		c->skip = "the model cannot say";
		wflow_free(&f);
		return;
	}
	for (i = 0; i < f.nlegs; i++)
		if (!f.legs[i].replied)
			all_replied = false;
	{
		const struct wleg *l = &f.legs[f.nlegs - 1];

		c->replied = l->replied;
		c->first = f.legs[0].end == WHOP_DELIVERED &&
		    f.legs[0].replied;
		c->heard = l->end == WHOP_DELIVERED &&
		    (proto == IPPROTO_UDP || all_replied);
		c->heard_at = c->heard ? l->to : NO_INDEX;
		if (c->heard)
			c->listener = listener_for(lv, l->to, l->got.dport,
			    proto);
		else
			c->listener = listener_for(lv, to, dport, proto);
	}
	within_limits(lv, &f, c);
	wflow_free(&f);
}

static void
add_expect(struct live *lv, const struct expect *e, const char *file,
    size_t *no_icmp, size_t *beyond)
{
	size_t *srcs = NULL, *dsts = NULL, ns = 0, nd = 0, cs = 0, cd = 0;
	uint32_t *addrs = NULL;
	uint16_t ports[LIVE_PORTS_PER_EXPECT];
	size_t np, na, ca, i, j, k, q;
	int protos[2], nproto = 0;
	struct portset all = { 0 };
	const struct portset *ps = &e->ports;

	if (e->proto == IPPROTO_ICMP) {
		(*no_icmp)++;
		return;
	}
	if (e->proto == 0) {
		protos[nproto++] = IPPROTO_TCP;
		protos[nproto++] = IPPROTO_UDP;
		portset_add(&all, 0, 65535);
		ps = &all;
	} else {
		protos[nproto++] = e->proto;
	}
	places_of(lv->w, &e->from, true, &srcs, &ns, &cs);
	places_of(lv->w, &e->to, false, &dsts, &nd, &cd);
	if (nd == 0)
		(*beyond)++;
	np = ports_of(ps, ports);
	for (j = 0; j < nd; j++) {
		addrs = NULL;
		na = ca = 0;
		targets_of(lv->w, dsts[j], &addrs, &na, &ca);
		for (i = 0; i < ns; i++) {
			if (srcs[i] == dsts[j])
				continue;
			for (q = 0; q < (size_t)nproto; q++)
				for (k = 0; k < np; k++) {
					size_t a;

					for (a = 0; a < na; a++)
						add_case(lv, srcs[i], dsts[j],
						    protos[q], addrs[a],
						    ports[k], file,
						    e->loc.line);
				}
		}
		free(addrs);
	}
	portset_free(&all);
	free(srcs);
	free(dsts);
}

/* The model's and the kernel's words for case ${c} and probe ${p}. */
static void
say_case(const struct live *lv, const struct lcase *c, const struct probe *p,
    const char *word, struct strbuf *out)
{
	struct wflow f = { 0 };

	strbuf_addf(out, "%-10s %s:%u: %s -> %s: ", word, c->file, c->line,
	    lv->w->nodes[c->from].name, lv->w->nodes[c->to].name);
	trace_add_packet(&c->pkt, out);
	strbuf_adds(out, "\n  model: ");
	if (c->heard)
		strbuf_addf(out, "delivered to %s%s", lv->w->nodes[
		    c->heard_at].name, c->pkt.proto == IPPROTO_UDP ?
		    (c->replied ? ", its reply comes back" :
		    ", its reply does not come back") : "");
	else
		strbuf_adds(out, "not delivered");
	strbuf_adds(out, "\n  kernel: ");
	if (p->heard_by != NO_INDEX)
		strbuf_addf(out, "heard in %s port %u, ",
		    lv->ls[p->heard_by].netns, lv->ls[p->heard_by].port);
	else
		strbuf_adds(out, "not heard, ");
	strbuf_adds(out, probe_result_name(p->result));
	if (p->errnum != 0 && p->result != PROBE_CONNECTED)
		strbuf_addf(out, " (%s)", strerror(p->errnum));
	strbuf_addc(out, '\n');
	{
		struct pf_packet sent = c->pkt;

		if (walker_run(lv->wk, c->from, &sent, &f) == 0)
			trace_add_flow(lv->w, &f, out);
	}
	wflow_free(&f);
}

long
verify_live(const char *site, const struct world *w, struct walker *wk,
    const struct intent *ins, char **files, size_t nins, struct strbuf *out,
    struct strbuf *errout)
{
	struct live lv = { site, w, wk, NULL, 0, 0, NULL, 0, 0, NULL, NULL, 0,
	    0 };
	struct probe *ps;
	struct nl_error err;
	size_t i, k, no_icmp = 0, beyond = 0, tried = 0, agree = 0,
	    skipped = 0, heard = 0;
	long disagree = 0;

	lv.netns = xcalloc(w->nnodes + 1, sizeof(*lv.netns));
	for (i = 0; i < w->nnodes; i++)
		lv.netns[i] = netns_of(&lv, i);
	for (i = 0; i < nins; i++)
		for (k = 0; k < ins[i].n; k++)
			add_expect(&lv, &ins[i].v[k], files[i], &no_icmp,
			    &beyond);
	/* Every namespace a probe needs must be there: the site is up. */
	for (i = 0; i < lv.n; i++) {
		const char *need = lv.netns[lv.v[i].from];

		if (skip_text(&lv.v[i]) == NULL && !netns_exists(need)) {
			strbuf_addf(errout, "jailnet verify --live: namespace "
			    "%s is missing: is %s up, on this machine (jailnet "
			    "up SITE --no-services)?\n", need, site);
			disagree = -1;
			goto done;
		}
	}
	for (i = 0; i < lv.nls; i++)
		if (!netns_exists(lv.ls[i].netns)) {
			strbuf_addf(errout, "jailnet verify --live: namespace "
			    "%s is missing: is %s up, on this machine?\n",
			    lv.ls[i].netns, site);
			disagree = -1;
			goto done;
		}
	ps = xcalloc(lv.n + 1, sizeof(*ps));
	for (i = 0, k = 0; i < lv.n; i++) {
		const struct lcase *c = &lv.v[i];

		if (skip_text(c) != NULL)
			continue;
		ps[k].netns = lv.netns[c->from];
		ps[k].proto = c->pkt.proto;
		ps[k].src = v4(&c->pkt.src);
		ps[k].sport = c->pkt.sport;
		ps[k].dst = v4(&c->pkt.dst);
		ps[k].dport = c->pkt.dport;
		k++;
	}
	if (probe_run(lv.ls, lv.nls, ps, k, VERIFY_LIVE_TIMEOUT_MS,
	    &err) != 0) {
		strbuf_addf(errout, "jailnet verify --live: %s\n", err.msg);
		free(ps);
		disagree = -1;
		goto done;
	}
	for (i = 0, k = 0; i < lv.n; i++) {
		struct lcase *c = &lv.v[i];
		const struct probe *p;
		const struct probe_listener *l;
		bool same;

		if (skip_text(c) != NULL) {
			skipped++;
			continue;
		}
		p = &ps[k++];
		l = &lv.ls[c->listener];
		if (l->busy && (c->heard || c->first ||
		    c->pkt.proto != IPPROTO_TCP)) {
			snprintf(c->skipbuf, sizeof(c->skipbuf), "port %u is "
			    "taken in %s (a pipe or a service listens there; "
			    "up --no-services frees a service's)", l->port,
			    l->netns);
			c->skip_own = true;
			skipped++;
			continue;
		}
		tried++;
		if (l->busy)
			/* Nobody may accept it: the model delivers its first
			   connection nowhere. */
			same = p->result != PROBE_CONNECTED;
		else if (c->heard)
			same = p->heard_by == c->listener &&
			    (c->pkt.proto == IPPROTO_TCP ||
			    c->replied == (p->result == PROBE_CONNECTED));
		else
			same = p->heard_by == NO_INDEX;
		if (same) {
			agree++;
			heard += c->heard;
			continue;
		}
		disagree++;
		say_case(&lv, c, p, "DISAGREE", out);
	}
	free(ps);
	{
		/* Reasons for what was not tried, each with its count. */
		const char **why = xcalloc(lv.n + 1, sizeof(*why));
		size_t *cnt = xcalloc(lv.n + 1, sizeof(*cnt)), nw = 0, j;
		size_t *first = xcalloc(lv.n + 1, sizeof(*first));

		for (i = 0; i < lv.n; i++) {
			const char *t = skip_text(&lv.v[i]);

			if (t == NULL)
				continue;
			for (j = 0; j < nw && strcmp(why[j], t) != 0; j++)
				;
			if (j == nw) {
				first[nw] = i;
				why[nw++] = t;
			}
			cnt[j]++;
		}
		for (j = 0; j < nw; j++) {
			const struct lcase *c = &lv.v[first[j]];

			strbuf_addf(out, "not tried: %zu packet%s: %s; for "
			    "example %s -> %s: ", cnt[j], cnt[j] == 1 ? "" :
			    "s", why[j], w->nodes[c->from].name,
			    w->nodes[c->to].name);
			trace_add_packet(&c->pkt, out);
			strbuf_addc(out, '\n');
		}
		free(first);
		free(why);
		free(cnt);
	}
	if (no_icmp > 0)
		strbuf_addf(out, "not tried: %zu ICMP expectation%s (only TCP "
		    "and UDP are sent)\n", no_icmp, no_icmp == 1 ? "" : "s");
	if (beyond > 0)
		strbuf_addf(out, "not tried: %zu expectation%s whose "
		    "destination is beyond the router\n", beyond,
		    beyond == 1 ? "" : "s");
	strbuf_addf(out, "live: %zu packets sent, %zu as the model says "
	    "(%zu delivered, %zu not), %ld not, %zu not tried\n", tried, agree,
	    heard, agree - heard, disagree, skipped);
done:
	for (i = 0; i < w->nnodes; i++)
		free(lv.netns[i]);
	free(lv.netns);
	free(lv.v);
	free(lv.ls);
	free(lv.lim);
	return disagree;
}
