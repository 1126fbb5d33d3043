/* world: the site's places, ports and wires (see world.h). */
#include "verify/world.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

uint32_t
v4(const struct ipaddr *a)
{
	return ipaddr_v4(a);
}

struct ipaddr
v4addr(uint32_t x)
{
	return ipaddr_of_v4(x);
}

static uint32_t
mask_of(unsigned len)
{
	return len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
}

struct builder {
	struct world *w;
	size_t nodecap, portcap, wirecap;
};

static size_t
add_node(struct builder *bd, enum wnode_kind kind, char *name)
{
	struct world *w = bd->w;
	struct wnode *n;

	if (w->nnodes >= bd->nodecap)
		w->nodes = vec_grow(w->nodes, &bd->nodecap, sizeof(*w->nodes));
	n = &w->nodes[w->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->name = name;
	n->server = NO_INDEX;
	return w->nnodes++;
}

static size_t
add_wire(struct builder *bd, char *name)
{
	struct world *w = bd->w;

	if (w->nwires >= bd->wirecap)
		w->wires = vec_grow(w->wires, &bd->wirecap, sizeof(*w->wires));
	memset(&w->wires[w->nwires], 0, sizeof(w->wires[0]));
	w->wires[w->nwires].name = name;
	return w->nwires++;
}

static void
push_index(size_t **v, size_t *n, size_t x)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = x;
}

static size_t
add_port(struct builder *bd, size_t node, const char *ifname, size_t wire)
{
	struct world *w = bd->w;
	struct wport *p;
	size_t i = w->nports;

	if (w->nports >= bd->portcap)
		w->ports = vec_grow(w->ports, &bd->portcap, sizeof(*w->ports));
	p = &w->ports[w->nports++];
	memset(p, 0, sizeof(*p));
	p->node = node;
	p->ifname = xstrdup(ifname);
	p->wire = wire;
	p->bridge = NO_INDEX;
	push_index(&w->nodes[node].ports, &w->nodes[node].nports, i);
	if (wire != NO_INDEX)
		push_index(&w->wires[wire].ports, &w->wires[wire].nports, i);
	return i;
}

static void
port_addr(struct world *w, size_t port, const struct ipprefix *pfx)
{
	struct wport *p = &w->ports[port];

	if (pfx->addr.family != AF_INET)
		return;
	p->addrs = xrealloc(p->addrs, (p->naddrs + 1) * sizeof(*p->addrs));
	p->lens = xrealloc(p->lens, (p->naddrs + 1) * sizeof(*p->lens));
	p->addrs[p->naddrs] = v4(&pfx->addr);
	p->lens[p->naddrs++] = (uint8_t)pfx->len;
}

/* The wire of a NIC or host on network ${nw}: the network's, or for an
   internet network the wire of the router subnet holding ${a}. */
static size_t
net_wire(const struct site *site, const size_t *wire_of_net,
    const size_t *first_subnet_wire, size_t nw, const struct ipprefix *a)
{
	const struct network *n = &site->networks[nw];
	size_t j;

	if (n->kind == NETWORK_SWITCH)
		return wire_of_net[nw];
	for (j = 0; a != NULL && j < n->nrouters; j++)
		if (a->addr.family == AF_INET &&
		    ipprefix_contains(&n->routers[j], &a->addr))
			return first_subnet_wire[nw] + j;
	return NO_INDEX;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct wroute *x = a, *y = b;

	return (int)y->len - (int)x->len;
}

/* Connected routes of every address of ${node}'s ports, then the default
   route via ${gw} out of the port whose subnet holds it. */
static void
node_routes(struct world *w, size_t node, bool has_gw, uint32_t gw)
{
	struct wnode *n = &w->nodes[node];
	size_t i, j, dflt = NO_INDEX;

	for (i = 0; i < n->nports; i++) {
		const struct wport *p = &w->ports[n->ports[i]];

		for (j = 0; j < p->naddrs; j++) {
			struct wroute r = {
				.dst = p->addrs[j] & mask_of(p->lens[j]),
				.len = p->lens[j],
				.port = n->ports[i],
			};

			n->routes = xrealloc(n->routes,
			    (n->nroutes + 1) * sizeof(*n->routes));
			n->routes[n->nroutes++] = r;
			if (has_gw && dflt == NO_INDEX &&
			    ((gw ^ p->addrs[j]) & mask_of(p->lens[j])) == 0)
				dflt = n->ports[i];
		}
	}
	if (n->nroutes > 0)
		qsort(n->routes, n->nroutes, sizeof(*n->routes), route_cmp);
	if (dflt != NO_INDEX) {
		n->routes = xrealloc(n->routes,
		    (n->nroutes + 1) * sizeof(*n->routes));
		n->routes[n->nroutes++] = (struct wroute){
			.dst = 0, .len = 0, .has_gateway = true,
			.gateway = gw, .port = dflt,
		};
	}
}

static void
build_server(struct builder *bd, const struct site *site, size_t si,
    const size_t *wire_of_net, const size_t *first_subnet_wire)
{
	struct world *w = bd->w;
	const struct server *srv = &site->servers[si];
	size_t *port_of = xcalloc(srv->nifaces + 1, sizeof(*port_of));
	size_t *epair_wire = xcalloc(srv->nifaces + 1, sizeof(*epair_wire));
	size_t node, i, j, wire, jn;

	node = add_node(bd, WNODE_SERVER, xstrdup(srv->name));
	w->nodes[node].srv = srv;
	w->nodes[node].server = si;
	w->nodes[node].pf = pf_site_bound(w->ps, srv) != NULL ?
	    pf_site_bound(w->ps, srv) : w->own[si];
	/* One wire per epair, shared by its halves (the lower index makes it). */
	for (i = 0; i < srv->nifaces; i++) {
		const struct iface *f = &srv->ifaces[i];

		epair_wire[i] = NO_INDEX;
		if (f->kind != IFACE_EPAIR)
			continue;
		if (f->peer < i && f->peer < srv->nifaces)
			epair_wire[i] = epair_wire[f->peer];
		else
			epair_wire[i] = add_wire(bd, xasprintf("%s:epair%u",
			    srv->name, f->epair_unit));
	}
	for (i = 0; i < srv->nifaces; i++) {
		const struct iface *f = &srv->ifaces[i];

		port_of[i] = NO_INDEX;
		if (f->jail != NO_INDEX)
			continue;
		wire = NO_INDEX;
		if (f->kind == IFACE_EPAIR)
			wire = epair_wire[i];
		else if (f->kind == IFACE_NIC && f->network < site->nnetworks)
			wire = net_wire(site, wire_of_net, first_subnet_wire,
			    f->network, f->naddrs > 0 ? &f->addrs[0].prefix :
			    NULL);
		port_of[i] = add_port(bd, node, f->name, wire);
		w->ports[port_of[i]].is_bridge = f->kind == IFACE_BRIDGE;
		for (j = 0; j < f->naddrs; j++)
			port_addr(w, port_of[i], &f->addrs[j].prefix);
	}
	for (i = 0; i < srv->nifaces; i++)
		if (port_of[i] != NO_INDEX && srv->ifaces[i].bridge <
		    srv->nifaces)
			w->ports[port_of[i]].bridge =
			    port_of[srv->ifaces[i].bridge];
	for (j = 0; j < srv->njails; j++) {
		const struct jail *jl = &srv->jails[j];

		jn = add_node(bd, WNODE_JAIL, xasprintf("%s/%s", srv->name,
		    jl->name));
		w->nodes[jn].srv = srv;
		w->nodes[jn].jail = jl;
		w->nodes[jn].server = si;
		for (i = 0; i < srv->nifaces; i++) {
			const struct iface *f = &srv->ifaces[i];
			size_t p;

			if (f->jail != j)
				continue;
			p = add_port(bd, jn, f->name, f->kind == IFACE_EPAIR ?
			    epair_wire[i] : NO_INDEX);
			for (size_t k = 0; k < f->naddrs; k++)
				port_addr(w, p, &f->addrs[k].prefix);
		}
		node_routes(w, jn, jl->has_defaultrouter,
		    jl->has_defaultrouter ? v4(&jl->defaultrouter) : 0);
	}
	free(port_of);
	free(epair_wire);
}

struct world *
world_new(const struct pf_site *ps, struct diags *diags)
{
	const struct site *site = ps->site;
	struct builder bd = { 0 };
	struct world *w = xcalloc(1, sizeof(*w));
	size_t *wire_of_net = xcalloc(site->nnetworks + 1, sizeof(size_t));
	size_t *first_subnet = xcalloc(site->nnetworks + 1, sizeof(size_t));
	size_t i, j, n, p;
	char buf[IPADDR_STRLEN];

	bd.w = w;
	w->ps = ps;
	w->own = xcalloc(site->nservers + 1, sizeof(*w->own));
	for (i = 0; i < site->nservers; i++) {
		if (pf_site_bound(ps, &site->servers[i]) != NULL)
			continue;
		w->own[i] = pf_bind_source(site, &site->servers[i],
		    source_new("(no pf)", "", 0), diags);
		if (w->own[i] == NULL) {
			free(wire_of_net);
			free(first_subnet);
			world_free(w);
			return NULL;
		}
	}
	for (i = 0; i < site->nnetworks; i++) {
		const struct network *nw = &site->networks[i];

		wire_of_net[i] = NO_INDEX;
		first_subnet[i] = w->nwires;
		if (nw->kind == NETWORK_SWITCH) {
			wire_of_net[i] = add_wire(&bd, xstrdup(nw->name));
			continue;
		}
		for (j = 0; j < nw->nrouters; j++)
			add_wire(&bd, xasprintf("%s %s", nw->name,
			    ipprefix_format(&(struct ipprefix){
			    ipprefix_network(&nw->routers[j]).addr,
			    nw->routers[j].len }, buf)));
	}
	for (i = 0; i < site->nservers; i++)
		build_server(&bd, site, i, wire_of_net, first_subnet);
	for (i = 0; i < site->nhosts; i++) {
		const struct outside_host *h = &site->hosts[i];

		n = add_node(&bd, WNODE_HOST, xstrdup(h->name));
		w->nodes[n].host = h;
		p = add_port(&bd, n, "net0", net_wire(site, wire_of_net,
		    first_subnet, h->network, &h->addr));
		port_addr(w, p, &h->addr);
		node_routes(w, n, h->has_gateway,
		    h->has_gateway ? v4(&h->gateway) : 0);
	}
	for (i = 0; i < site->nnetworks; i++) {
		const struct network *nw = &site->networks[i];

		if (nw->kind != NETWORK_INTERNET)
			continue;
		n = add_node(&bd, WNODE_ROUTER, xstrdup(nw->name));
		w->nodes[n].net = nw;
		for (j = 0; j < nw->nrouters; j++) {
			char ifn[32];

			snprintf(ifn, sizeof(ifn), "r%zu", j);
			p = add_port(&bd, n, ifn, first_subnet[i] + j);
			port_addr(w, p, &nw->routers[j]);
		}
		node_routes(w, n, false, 0);
	}
	free(wire_of_net);
	free(first_subnet);
	return w;
}

void
world_free(struct world *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nnodes; i++) {
		free(w->nodes[i].name);
		free(w->nodes[i].ports);
		free(w->nodes[i].routes);
	}
	for (i = 0; i < w->nports; i++) {
		free(w->ports[i].ifname);
		free(w->ports[i].addrs);
		free(w->ports[i].lens);
	}
	for (i = 0; i < w->nwires; i++) {
		free(w->wires[i].name);
		free(w->wires[i].ports);
	}
	if (w->own != NULL && w->ps != NULL)
		for (i = 0; i < w->ps->site->nservers; i++)
			pf_bound_free(w->own[i]);
	free(w->own);
	free(w->nodes);
	free(w->ports);
	free(w->wires);
	free(w);
}

size_t
world_node(const struct world *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nnodes; i++)
		if (str_eq(w->nodes[i].name, name))
			return i;
	if (str_eq(name, "internet"))
		for (i = 0; i < w->nnodes; i++)
			if (w->nodes[i].kind == WNODE_ROUTER)
				return i;
	return NO_INDEX;
}

static bool
port_owns(const struct wport *p, uint32_t a)
{
	size_t i;

	for (i = 0; i < p->naddrs; i++)
		if (p->addrs[i] == a)
			return true;
	return false;
}

bool
world_is_local(const struct world *w, size_t node, uint32_t a)
{
	const struct wnode *n = &w->nodes[node];
	struct ipaddr x;
	size_t i;

	if (n->kind == WNODE_SERVER) {
		x = v4addr(a);
		return pf_bound_is_local(n->pf, &x);
	}
	if (n->kind != WNODE_ROUTER && (a >> 24) == 127)
		return true;
	for (i = 0; i < n->nports; i++)
		if (port_owns(&w->ports[n->ports[i]], a))
			return true;
	return false;
}

int
world_route(const struct world *w, size_t node, uint32_t dst,
    size_t *out_port, uint32_t *nexthop)
{
	const struct wnode *n = &w->nodes[node];
	size_t i;

	for (i = 0; i < n->nroutes; i++) {
		const struct wroute *r = &n->routes[i];

		if (((dst ^ r->dst) & mask_of(r->len)) != 0)
			continue;
		*out_port = r->port;
		*nexthop = r->has_gateway ? r->gateway : dst;
		return 0;
	}
	return -1;
}

size_t
world_port_of(const struct world *w, size_t node, const char *ifname)
{
	const struct wnode *n = &w->nodes[node];
	size_t i;

	for (i = 0; i < n->nports; i++)
		if (str_eq(w->ports[n->ports[i]].ifname, ifname))
			return n->ports[i];
	return NO_INDEX;
}

uint32_t
world_source_addr(const struct world *w, size_t port)
{
	const struct wport *p = &w->ports[port];

	if (p->naddrs > 0)
		return p->addrs[0];
	if (p->bridge != NO_INDEX && w->ports[p->bridge].naddrs > 0)
		return w->ports[p->bridge].addrs[0];
	return 0;
}

/* Does the server of bridge port ${br} own ${nh} on that bridge (the
   bridge's or a member's address)? */
static bool
bridge_owns(const struct world *w, size_t br, uint32_t nh)
{
	const struct wnode *n = &w->nodes[w->ports[br].node];
	size_t i;

	for (i = 0; i < n->nports; i++) {
		const struct wport *p = &w->ports[n->ports[i]];

		if ((n->ports[i] == br || p->bridge == br) && port_owns(p, nh))
			return true;
	}
	return false;
}

static bool behind_bridge(const struct world *w, size_t br, size_t in,
    uint32_t nh, unsigned depth, size_t *member);

/* Is ${nh} owned beyond port ${from} on its wire?  Store the port of the
   wire through which it is reached in ${next}. */
static bool
on_wire(const struct world *w, size_t wire, size_t from, uint32_t nh,
    unsigned depth, size_t *next)
{
	const struct wwire *wi = &w->wires[wire];
	size_t i, q, m;

	if (depth > 8)
		return false;
	for (i = 0; i < wi->nports; i++) {
		q = wi->ports[i];
		if (q == from)
			continue;
		if (port_owns(&w->ports[q], nh)) {
			*next = q;
			return true;
		}
		if (w->ports[q].bridge != NO_INDEX &&
		    (bridge_owns(w, w->ports[q].bridge, nh) ||
		    behind_bridge(w, w->ports[q].bridge, q, nh, depth + 1,
		    &m))) {
			*next = q;
			return true;
		}
	}
	return false;
}

/* Is ${nh} owned behind a member of bridge ${br} other than ${in}? */
static bool
behind_bridge(const struct world *w, size_t br, size_t in, uint32_t nh,
    unsigned depth, size_t *member)
{
	const struct wnode *n = &w->nodes[w->ports[br].node];
	size_t i, next;

	for (i = 0; i < n->nports; i++) {
		const struct wport *p = &w->ports[n->ports[i]];

		if (p->bridge != br || n->ports[i] == in ||
		    p->wire == NO_INDEX)
			continue;
		if (on_wire(w, p->wire, n->ports[i], nh, depth, &next)) {
			*member = n->ports[i];
			return true;
		}
	}
	return false;
}

int
world_l2_next(const struct world *w, size_t from, uint32_t nh,
    bool whole_bridge, size_t *next)
{
	const struct wport *p = &w->ports[from];
	size_t br = p->is_bridge ? from : p->bridge, member;

	if (whole_bridge && br != NO_INDEX) {
		if (!behind_bridge(w, br, NO_INDEX, nh, 0, &member))
			return -1;
		return on_wire(w, w->ports[member].wire, member, nh, 0, next) ?
		    0 : -1;
	}
	if (p->wire == NO_INDEX)
		return -1;
	return on_wire(w, p->wire, from, nh, 0, next) ? 0 : -1;
}

size_t
world_member_toward(const struct world *w, size_t in_member, uint32_t nh)
{
	size_t br = w->ports[in_member].bridge, member;

	if (br == NO_INDEX || bridge_owns(w, br, nh))
		return NO_INDEX;
	if (!behind_bridge(w, br, in_member, nh, 0, &member))
		return NO_INDEX;
	return member;
}
