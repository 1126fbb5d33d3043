/* walk: a connection through the site, hop by hop (see walk.h). */
#include "verify/walk.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

/* More hops than any path through a site of bridges and routers takes:
   a forwarding loop ends here. */
#define WALK_MAXHOPS 32

struct walker {
	const struct world *w;
	struct pf_eval **ctx;	/* [site->nservers] */
	size_t nctx;
	/* The servers whose context a walk used since its last reset: a
	   walk meets a few of a site's servers, and resetting all of them
	   per walk would cost more than the walk at 50 servers. */
	size_t *used;		/* [nctx] */
	bool *is_used;		/* [nctx] */
	size_t nused;
};

struct walker *
walker_new(const struct world *w)
{
	struct walker *wk = xcalloc(1, sizeof(*wk));
	size_t i;

	wk->w = w;
	wk->nctx = w->ps->site->nservers;
	wk->ctx = xcalloc(wk->nctx + 1, sizeof(*wk->ctx));
	wk->used = xcalloc(wk->nctx + 1, sizeof(*wk->used));
	wk->is_used = xcalloc(wk->nctx + 1, sizeof(*wk->is_used));
	for (i = 0; i < w->nnodes; i++)
		if (w->nodes[i].kind == WNODE_SERVER)
			wk->ctx[w->nodes[i].server] =
			    pf_eval_new(w->nodes[i].pf);
	return wk;
}

void
walker_free(struct walker *wk)
{
	size_t i;

	if (wk == NULL)
		return;
	for (i = 0; i < wk->nctx; i++)
		pf_eval_free(wk->ctx[i]);
	free(wk->ctx);
	free(wk->used);
	free(wk->is_used);
	free(wk);
}

void
wflow_free(struct wflow *flow)
{
	free(flow->hops);
	flow->hops = NULL;
	flow->nhops = flow->cap = 0;
}

bool
walk_reply_of(const struct pf_packet *got, struct pf_packet *reply)
{
	static const int queries[][2] = {
		{ 8, 0 }, { 13, 14 }, { 15, 16 }, { 17, 18 }, { 10, 9 },
	};
	size_t i;

	*reply = *got;
	reply->src = got->dst;
	reply->dst = got->src;
	reply->sport = got->dport;
	reply->dport = got->sport;
	switch (got->proto) {
	case IPPROTO_TCP:
		if ((got->flags & (PF_TH_SYN | PF_TH_ACK | PF_TH_RST)) !=
		    PF_TH_SYN)
			return false;
		reply->flags = PF_TH_SYN | PF_TH_ACK;
		return true;
	case IPPROTO_UDP:
		return true;
	case IPPROTO_ICMP:
		for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
			if (got->icmp_type == queries[i][0]) {
				reply->icmp_type = queries[i][1];
				return true;
			}
		return false;
	default:
		return true;
	}
}

static struct whop *
new_hop(struct wflow *flow, size_t node, size_t in_port, uint32_t for_addr,
    const struct pf_packet *p)
{
	struct whop *h;

	if (flow->nhops >= flow->cap)
		flow->hops = vec_grow(flow->hops, &flow->cap,
		    sizeof(*flow->hops));
	h = &flow->hops[flow->nhops++];
	h->node = node;
	h->in_port = in_port;
	h->for_addr = for_addr;
	h->pkt = *p;
	h->out = *p;
	h->fate = WHOP_DROPPED;
	h->out_port = h->next_port = NO_INDEX;
	h->nexthop = 0;
	h->has_pf = false;
	h->pf.nstages = 0;
	h->reason[0] = '\0';
	return h;
}

static void
hop_fail(struct whop *h, enum whop_fate fate, const char *fmt, const char *arg)
{
	h->fate = fate;
	snprintf(h->reason, sizeof(h->reason), fmt, arg);
}

/* Send ${h}->out out of ${port} for the owner of ${nh}. */
static void
hop_send(const struct world *w, struct whop *h, size_t port, uint32_t nh,
    bool whole_bridge)
{
	char buf[IPADDR_STRLEN];
	struct ipaddr a = v4addr(nh);

	h->out_port = port;
	h->nexthop = nh;
	if (world_l2_next(w, port, nh, whole_bridge, &h->next_port) != 0) {
		hop_fail(h, WHOP_DROPPED, "no neighbour has %s (ARP)",
		    ipaddr_format(&a, buf));
		return;
	}
	h->fate = WHOP_ONWARD;
}

/* A server's traversal: the concrete model, then where the frame goes. */
static void
hop_server(struct walker *wk, struct whop *h)
{
	const struct world *w = wk->w;
	const struct wnode *n = &w->nodes[h->node];
	const char *in_name = NULL, *member = NULL;
	size_t m = NO_INDEX, oport, r;
	uint32_t nh;

	if (h->in_port != NO_INDEX) {
		in_name = w->ports[h->in_port].ifname;
		if (w->ports[h->in_port].bridge != NO_INDEX) {
			m = world_member_toward(w, h->in_port, h->for_addr);
			if (m != NO_INDEX)
				member = w->ports[m].ifname;
		}
	}
	h->has_pf = true;
	if (!wk->is_used[n->server]) {
		wk->is_used[n->server] = true;
		wk->used[wk->nused++] = n->server;
	}
	pf_eval_packet(wk->ctx[n->server], in_name, member, &h->pkt, 0,
	    &h->pf);
	h->out = h->pf.final;
	switch (h->pf.fate) {
	case PF_FATE_ERROR:
		hop_fail(h, WHOP_UNSUPPORTED, "%s", member == NULL ?
		    "the model bridges a frame that is for the server's own "
		    "address or nobody's (a route that disagrees with the "
		    "bridge)" : h->pf.reason);
		return;
	case PF_FATE_BLOCKED:
		h->fate = WHOP_BLOCKED;
		return;
	case PF_FATE_DROPPED:
		hop_fail(h, WHOP_DROPPED, "%s", h->pf.reason);
		return;
	case PF_FATE_DELIVERED:
		if (member != NULL) {
			hop_fail(h, WHOP_UNSUPPORTED, "%s", "a frame for the "
			    "address of a place behind the bridge carries one "
			    "of the server's own addresses");
			return;
		}
		h->fate = WHOP_DELIVERED;
		return;
	case PF_FATE_BRIDGED:
		oport = world_port_of(w, h->node, h->pf.out_ifname);
		hop_send(w, h, oport, h->for_addr, false);
		return;
	case PF_FATE_FORWARDED:
	case PF_FATE_SENT:
		if (member != NULL) {
			hop_fail(h, WHOP_UNSUPPORTED, "%s", "a frame for the "
			    "address of a place behind the bridge is routed by "
			    "the model (its destination is off the bridge's "
			    "subnet)");
			return;
		}
		r = pf_route_lookup(n->pf, &h->out.dst);
		if (r == NO_INDEX) {
			hop_fail(h, WHOP_DROPPED, "%s", "no route");
			return;
		}
		nh = n->pf->routes[r].has_gateway ?
		    v4(&n->pf->routes[r].gateway) : v4(&h->out.dst);
		oport = world_port_of(w, h->node, h->pf.out_ifname);
		if (oport == NO_INDEX) {
			hop_fail(h, WHOP_UNSUPPORTED, "no port %s",
			    h->pf.out_ifname);
			return;
		}
		hop_send(w, h, oport, nh, true);
		return;
	}
}

/* A place other than a server: no pf; jails and hosts do not forward. */
static void
hop_place(struct walker *wk, struct whop *h)
{
	const struct world *w = wk->w;
	const struct wnode *n = &w->nodes[h->node];
	uint32_t dst = v4(&h->pkt.dst), nh;
	size_t port;

	if (world_is_local(w, h->node, dst) &&
	    (h->in_port != NO_INDEX || n->kind != WNODE_ROUTER)) {
		h->fate = WHOP_DELIVERED;
		return;
	}
	if (h->in_port != NO_INDEX && n->kind != WNODE_ROUTER) {
		hop_fail(h, WHOP_DROPPED, "%s", n->kind == WNODE_JAIL ?
		    "not for the jail, and a jail does not forward" :
		    "not for the host, and it does not forward");
		return;
	}
	if (world_route(w, h->node, dst, &port, &nh) != 0) {
		if (n->kind == WNODE_ROUTER) {
			h->fate = WHOP_BEYOND;
			return;
		}
		hop_fail(h, WHOP_DROPPED, "%s", "no route");
		return;
	}
	hop_send(w, h, port, nh, false);
}

/* Follow ${p} from ${node} (sent by it) until it ends; return the index
   of the last hop. */
static size_t
walk_packet(struct walker *wk, struct wflow *flow, size_t node,
    const struct pf_packet *p)
{
	const struct world *w = wk->w;
	struct pf_packet cur = *p;
	size_t in_port = NO_INDEX, i;
	uint32_t for_addr = 0;
	struct whop *h;

	for (i = 0;; i++) {
		h = new_hop(flow, node, in_port, for_addr, &cur);
		if (i >= WALK_MAXHOPS) {
			hop_fail(h, WHOP_UNSUPPORTED, "%s",
			    "more than 32 hops: a forwarding loop");
			break;
		}
		if (w->nodes[node].kind == WNODE_SERVER)
			hop_server(wk, h);
		else
			hop_place(wk, h);
		if (h->fate != WHOP_ONWARD)
			break;
		cur = h->out;
		for_addr = h->nexthop;
		in_port = h->next_port;
		node = w->ports[in_port].node;
	}
	if (h->fate == WHOP_UNSUPPORTED)
		flow->unsupported = true;
	return flow->nhops - 1;
}

/* The address ${node} sends ${dst} from. */
static int
pick_source(const struct world *w, size_t node, const struct ipaddr *dst,
    struct ipaddr *src)
{
	const struct wnode *n = &w->nodes[node];
	size_t port, r;
	uint32_t nh, a;

	if (n->kind == WNODE_SERVER) {
		if (pf_bound_is_local(n->pf, dst)) {
			*src = *dst;
			return 0;
		}
		r = pf_route_lookup(n->pf, dst);
		if (r == NO_INDEX)
			return -1;
		port = world_port_of(w, node,
		    n->pf->ifaces[n->pf->routes[r].iface].name);
		if (port == NO_INDEX)
			return -1;
	} else {
		if (world_is_local(w, node, v4(dst))) {
			*src = *dst;
			return 0;
		}
		if (world_route(w, node, v4(dst), &port, &nh) != 0)
			return -1;
	}
	a = world_source_addr(w, port);
	if (a == 0)
		return -1;
	*src = v4addr(a);
	return 0;
}

static bool
sent_back(const struct wleg *l, const struct pf_packet *p)
{
	return ipaddr_eq(&p->src, &l->sent.dst) &&
	    ipaddr_eq(&p->dst, &l->sent.src) && p->sport == l->sent.dport &&
	    p->dport == l->sent.sport && p->proto == l->sent.proto;
}

/* Did the reply reach the sender of ${l}?  For the internet, any place
   of the internet will do: the sender stands for all of it. */
static bool
reply_home(const struct world *w, const struct wleg *l, const struct whop *h)
{
	enum wnode_kind from = w->nodes[l->from].kind;

	if (!sent_back(l, &h->out))
		return false;
	if (h->fate == WHOP_DELIVERED && h->node == l->from)
		return true;
	if (from != WNODE_ROUTER)
		return false;
	return (h->fate == WHOP_BEYOND || h->fate == WHOP_DELIVERED) &&
	    (w->nodes[h->node].kind == WNODE_ROUTER ||
	    w->nodes[h->node].kind == WNODE_HOST);
}

/* The pipe of ${n} that takes on connection ${p}, which the pipe
   ${from} opened (NULL: a program did).  A decrypting pipe relays only
   what an encrypting pipe sends it: spiped drops a connection that does
   not speak its protocol (the keys themselves are not compared). */
static const struct pipe *
pipe_at(const struct wnode *n, const struct pf_packet *p,
    const struct pipe *from)
{
	size_t i;

	if (n->kind != WNODE_JAIL || p->proto != IPPROTO_TCP)
		return NULL;
	for (i = 0; i < n->jail->npipes; i++) {
		const struct pipe *pp = &n->jail->pipes[i];

		if (pp->mode == PIPE_DECRYPT && (from == NULL ||
		    from->mode != PIPE_ENCRYPT))
			continue;
		if (pp->source.port == p->dport &&
		    (ipaddr_eq(&pp->source.addr, &p->dst) ||
		    (pp->source.addr.family == AF_INET &&
		    v4(&pp->source.addr) == 0)))
			return pp;
	}
	return NULL;
}

static void
walk_leg(struct walker *wk, struct wflow *flow, size_t from,
    const struct pf_packet *pkt)
{
	const struct world *w = wk->w;
	struct wleg *l = &flow->legs[flow->nlegs++];
	struct pf_packet reply;
	const struct whop *last;
	size_t end;

	memset(l, 0, sizeof(*l));
	l->from = from;
	l->sent = *pkt;
	l->fwd = flow->nhops;
	end = walk_packet(wk, flow, from, pkt);
	l->nfwd = flow->nhops - l->fwd;
	last = &flow->hops[end];
	l->end = last->fate;
	l->to = last->node;
	l->got = last->out;
	if (l->end != WHOP_DELIVERED && l->end != WHOP_BEYOND)
		return;
	l->has_reply = walk_reply_of(&l->got, &reply);
	if (!l->has_reply)
		return;
	l->rep = flow->nhops;
	end = walk_packet(wk, flow, l->to, &reply);
	l->nrep = flow->nhops - l->rep;
	l->replied = reply_home(w, l, &flow->hops[end]);
	if (!l->replied || l->end != WHOP_DELIVERED)
		return;
	l->pipe = pipe_at(&w->nodes[l->to], &l->got, flow->nlegs > 1 ?
	    flow->legs[flow->nlegs - 2].pipe : NULL);
}

int
walker_run(struct walker *wk, size_t from, const struct pf_packet *pkt,
    struct wflow *flow)
{
	const struct world *w = wk->w;
	struct pf_packet p = *pkt;
	size_t i, node;

	flow->nhops = 0;
	flow->nlegs = 0;
	flow->unsupported = false;
	for (i = 0; i < wk->nused; i++) {
		pf_eval_reset(wk->ctx[wk->used[i]]);
		wk->is_used[wk->used[i]] = false;
	}
	wk->nused = 0;
	if (v4(&p.src) == 0 && w->nodes[from].kind != WNODE_ROUTER &&
	    pick_source(w, from, &p.dst, &p.src) != 0)
		return -1;
	node = from;
	for (;;) {
		const struct wleg *l;
		const struct pipe *pp;

		walk_leg(wk, flow, node, &p);
		l = &flow->legs[flow->nlegs - 1];
		pp = l->pipe;
		if (pp == NULL || flow->nlegs == WALK_MAXLEGS)
			break;
		node = l->to;
		memset(&p, 0, sizeof(p));
		p.af = AF_INET;
		p.proto = IPPROTO_TCP;
		p.dst = pp->target.addr;
		p.dport = (uint16_t)pp->target.port;
		p.sport = WALK_EPHEMERAL;
		p.flags = PF_TH_SYN;
		p.icmp_type = p.icmp_code = -1;
		if (pick_source(w, node, &p.dst, &p.src) != 0)
			break;
	}
	return 0;
}
