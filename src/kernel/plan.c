/*
 * plan: site model -> ordered operations.  Pure: reads only the model.
 */
#include "kernel/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf/pf_nft.h"
#include "pf/pf_site.h"

/* Names already used for links in one namespace, to keep them unique. */
struct name_set {
	char **names;
	size_t n, cap;
};

/* What plan_build() carries around while it builds. */
struct builder {
	const struct pf_site *ps;
	const struct site *site;	/* ps->site */
	struct plan *plan;
	struct diags *diags;
	size_t seq;			/* ops made so far: keeps sorting stable */
	size_t *seqs;			/* per op: its creation number */
	size_t seqcap;
	size_t *net_ns;			/* per network: its namespace */
	struct name_set *net_names;	/* per network: its link names */
};

static bool
name_set_has(const struct name_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

static void
name_set_add(struct name_set *s, const char *name)
{
	*VEC_PUSH(s->names, s->n, s->cap) = xstrdup(name);
}

static void
name_set_free(struct name_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
}

size_t
plan_find_ns(const struct plan *plan, const char *name)
{
	size_t i;

	for (i = 0; i < plan->nns; i++)
		if (strcmp(plan->ns[i].name, name) == 0)
			return i;
	return NO_INDEX;
}

static struct op *add_op(struct builder *, enum op_kind, enum op_phase,
    size_t, const char *, struct loc);

/* Add the namespace "SITE-SUFFIX" and return its index. */
static size_t
add_ns(struct builder *bld, enum ns_role role, struct loc loc,
    const char *fmt, const char *a, const char *b)
{
	struct plan *plan = bld->plan;
	struct plan_ns *ns;
	char *name, *suffix;

	suffix = xasprintf(fmt, a, b);
	name = xasprintf("%s-%s", plan->site, suffix);
	free(suffix);
	if (plan_find_ns(plan, name) != NO_INDEX)
		diag_error(bld->diags, loc, "namespace name '%s' is used "
		    "twice; rename a server, jail, network or host", name);
	ns = VEC_PUSH(plan->ns, plan->nns, plan->nscap);
	ns->name = name;
	ns->role = role;
	ns->loc = loc;
	add_op(bld, OP_NETNS, PHASE_NETNS, plan->nns - 1, NULL, loc);
	return plan->nns - 1;
}

/* Append an operation of ${kind} in namespace ${ns} and return it. */
static struct op *
add_op(struct builder *bld, enum op_kind kind, enum op_phase phase,
    size_t ns, const char *link, struct loc loc)
{
	struct plan *plan = bld->plan;
	size_t cap = plan->opcap;
	struct op *op;

	op = VEC_PUSH(plan->ops, plan->nops, plan->opcap);
	if (plan->opcap != cap || bld->seqs == NULL)
		bld->seqs = xrealloc(bld->seqs, plan->opcap * sizeof(size_t));
	bld->seqs[plan->nops - 1] = bld->seq++;
	op->kind = kind;
	op->phase = phase;
	op->ns = ns;
	op->peer_ns = NO_INDEX;
	op->link = xstrdup(link);
	op->loc = loc;
	if (link != NULL && strlen(link) > PLAN_IFNAMSIZ)
		diag_error(bld->diags, loc, "interface name '%s' is longer "
		    "than Linux's %d bytes", link, PLAN_IFNAMSIZ);
	return op;
}

static void
add_up(struct builder *bld, size_t ns, const char *link, struct loc loc)
{
	add_op(bld, OP_UP, PHASE_CONFIG, ns, link, loc);
}

static void
add_addr(struct builder *bld, size_t ns, const char *link,
    const struct ipprefix *p, struct loc loc)
{
	add_op(bld, OP_ADDR, PHASE_CONFIG, ns, link, loc)->prefix = *p;
}

static void
add_note(struct builder *bld, struct loc loc, char *text)
{
	add_op(bld, OP_NOTE, PHASE_NOTE, NO_INDEX, NULL, loc)->text = text;
}

static void
add_sysctl(struct builder *bld, size_t ns, const char *key,
    const char *value, struct loc loc)
{
	struct op *op;

	op = add_op(bld, OP_SYSCTL, PHASE_SYSCTL, ns, NULL, loc);
	op->key = xstrdup(key);
	op->value = xstrdup(value);
}

/*
 * The firewall of ${srv}: its pf.conf compiled to one nft script, loaded
 * in its namespace after the network exists (rules name interfaces), and
 * the bridge sysctls the compiled rules assume: bridged IPv4 and IPv6
 * frames pass the inet hooks, where pf's stages on a bridge run.
 */
static void
plan_firewall(struct builder *bld, const struct server *srv, size_t srv_ns)
{
	const struct pf_bound *pf = pf_site_bound(bld->ps, srv);
	struct strbuf script = { 0 };
	struct loc loc = srv->loc;
	struct op *op;
	size_t k;
	bool bridges = false;

	if (!srv->pf_enable || pf == NULL)
		return;
	/* Steps point at the server's pf.conf. */
	if (pf->nsources > 0) {
		memset(&loc, 0, sizeof(loc));
		loc.src = pf->sources[0];
	}
	for (k = 0; k < srv->nifaces; k++)
		if (srv->ifaces[k].kind == IFACE_BRIDGE)
			bridges = true;
	if (bridges) {
		add_sysctl(bld, srv_ns, "net.bridge.bridge-nf-call-iptables",
		    "1", loc);
		add_sysctl(bld, srv_ns, "net.bridge.bridge-nf-call-ip6tables",
		    "1", loc);
	}
	if (pf_nft_compile(pf, &script, bld->diags) != 0) {
		strbuf_free(&script);
		return;
	}
	op = add_op(bld, OP_FIREWALL, PHASE_FIREWALL, srv_ns, NULL, loc);
	op->text = strbuf_steal(&script);
	op->server = xstrdup(srv->name);
}

/*
 * Pick the name of the port that joins a machine to network ${net}:
 * ${want} if it fits and is free there, else "pN".
 */
static char *
port_name(struct builder *bld, size_t net, const char *want)
{
	struct name_set *set = &bld->net_names[net];
	char *name;
	size_t n;

	if (strlen(want) <= PLAN_IFNAMSIZ && !name_set_has(set, want)) {
		name = xstrdup(want);
	} else {
		for (n = set->n;; n++) {
			name = xasprintf("p%zu", n);
			if (!name_set_has(set, name))
				break;
			free(name);
		}
	}
	name_set_add(set, name);
	return name;
}

/* The bridge of network ${net} that a machine with ${addr} plugs into. */
static const char *
network_bridge(struct builder *bld, size_t net, const struct ipaddr *addr,
    struct loc loc, char *buf, size_t size)
{
	const struct network *nw = &bld->site->networks[net];
	size_t j;

	if (nw->kind == NETWORK_SWITCH)
		return "sw";
	for (j = 0; addr != NULL && j < nw->nrouters; j++)
		if (ipprefix_contains(&nw->routers[j], addr)) {
			snprintf(buf, size, "rt%zu", j);
			return buf;
		}
	diag_error(bld->diags, loc, "no router subnet of network '%s' holds "
	    "this address", nw->name);
	return "rt0";
}

/*
 * A veth from ${link} in namespace ${ns} to a port of network ${net}, named
 * ${want} there if possible, joined to the bridge for ${addr}, up.
 */
static void
plug_into_network(struct builder *bld, size_t ns, const char *link,
    size_t net, const char *want, const struct ipaddr *addr, struct loc loc)
{
	size_t net_ns = bld->net_ns[net];
	const char *bridge;
	char *port, buf[32];
	struct op *op;

	port = port_name(bld, net, want);
	op = add_op(bld, OP_VETH, PHASE_LINK, ns, link, loc);
	op->peer = xstrdup(port);
	op->peer_ns = net_ns;
	bridge = network_bridge(bld, net, addr, loc, buf, sizeof(buf));
	op = add_op(bld, OP_MASTER, PHASE_MASTER, net_ns, port, loc);
	op->master = xstrdup(bridge);
	add_up(bld, net_ns, port, loc);
	free(port);
}

static void
plan_network(struct builder *bld, size_t net)
{
	const struct network *nw = &bld->site->networks[net];
	size_t ns = bld->net_ns[net], j;
	char name[32];

	add_up(bld, ns, "lo", nw->loc);
	switch (nw->kind) {
	case NETWORK_INTERNET:
		/* One bridge per subnet, holding the router's address. */
		for (j = 0; j < nw->nrouters; j++) {
			snprintf(name, sizeof(name), "rt%zu", j);
			name_set_add(&bld->net_names[net], name);
			add_op(bld, OP_BRIDGE, PHASE_LINK, ns, name,
			    nw->router_locs[j]);
			add_addr(bld, ns, name, &nw->routers[j],
			    nw->router_locs[j]);
			add_up(bld, ns, name, nw->router_locs[j]);
		}
		add_sysctl(bld, ns, "net.ipv4.ip_forward", "1", nw->loc);
		break;
	case NETWORK_SWITCH:
		name_set_add(&bld->net_names[net], "sw");
		add_op(bld, OP_BRIDGE, PHASE_LINK, ns, "sw", nw->loc);
		add_up(bld, ns, "sw", nw->loc);
		if (nw->vlan != 0)
			add_note(bld, nw->vlan_loc, xasprintf("the simulated "
			    "network '%s' is dedicated to VLAN %u; tagging is "
			    "not applied", nw->name, nw->vlan));
		break;
	}
}

static void
plan_host(struct builder *bld, const struct outside_host *h, size_t ns)
{
	add_up(bld, ns, "lo", h->loc);
	plug_into_network(bld, ns, "eth0", h->network, h->name,
	    &h->addr.addr, h->addr_loc);
	add_addr(bld, ns, "eth0", &h->addr, h->addr_loc);
	add_up(bld, ns, "eth0", h->loc);
	if (h->has_gateway)
		add_op(bld, OP_ROUTE, PHASE_ROUTE, ns, NULL,
		    h->addr_loc)->gateway = h->gateway;
}

/* The namespace holding interface ${ifc} of a server. */
static size_t
iface_ns(const struct iface *ifc, size_t srv_ns, const size_t *jail_ns)
{
	return ifc->jail == NO_INDEX ? srv_ns : jail_ns[ifc->jail];
}

/*
 * --host: the NIC ${ifc} is the Linux device site.conf maps to it, renamed
 * to the name the server's files use unless it has it already.
 */
static void
plan_real_nic(struct builder *bld, const struct server *srv,
    const struct iface *ifc, size_t ns)
{
	struct op *op;

	if (ifc->linux_dev == NULL) {
		diag_error(bld->diags, ifc->loc, "--host: NIC %s of server %s "
		    "has no Linux device; say which in site.conf: linux.%s = "
		    "DEV;", ifc->name, srv->name, ifc->name);
		return;
	}
	if (str_eq(ifc->linux_dev, ifc->name))
		return;
	op = add_op(bld, OP_RENAME, PHASE_LINK, ns, ifc->linux_dev, ifc->loc);
	op->peer = xstrdup(ifc->name);
}

static void
plan_iface(struct builder *bld, const struct server *srv, size_t k,
    size_t srv_ns, const size_t *jail_ns)
{
	const struct iface *ifc = &srv->ifaces[k], *peer, *br = NULL;
	size_t ns = iface_ns(ifc, srv_ns, jail_ns), a;
	char want[64], buf[IPADDR_STRLEN];
	struct loc up_loc;
	struct op *op;

	switch (ifc->kind) {
	case IFACE_NIC:
		if (bld->plan->host) {
			plan_real_nic(bld, srv, ifc, ns);
			break;
		}
		snprintf(want, sizeof(want), "%s.%s", srv->name, ifc->name);
		plug_into_network(bld, ns, ifc->name, ifc->network, want,
		    ifc->naddrs > 0 ? &ifc->addrs[0].prefix.addr : NULL,
		    ifc->loc);
		break;
	case IFACE_BRIDGE:
		add_op(bld, OP_BRIDGE, PHASE_LINK, ns, ifc->name, ifc->loc);
		break;
	case IFACE_EPAIR:
		/*
		 * FreeBSD creates both halves in the host and vnet.interface
		 * moves one into the jail; creating each half directly in
		 * the namespace that holds it ends the same, in one step.
		 */
		if (ifc->epair_side != 'a' || ifc->peer == NO_INDEX)
			break;
		peer = &srv->ifaces[ifc->peer];
		op = add_op(bld, OP_VETH, PHASE_LINK, ns, ifc->name, ifc->loc);
		op->peer = xstrdup(peer->name);
		op->peer_ns = iface_ns(peer, srv_ns, jail_ns);
		break;
	}
	if (ifc->bridge != NO_INDEX) {
		br = &srv->ifaces[ifc->bridge];
		op = add_op(bld, OP_MASTER, PHASE_MASTER, ns, ifc->name,
		    ifc->member_loc);
		op->master = xstrdup(br->name);
	}
	if (ifc->mtu != 0)
		add_op(bld, OP_MTU, PHASE_CONFIG, ns, ifc->name,
		    ifc->config_loc)->mtu = ifc->mtu;
	for (a = 0; a < ifc->naddrs; a++) {
		/* Linux ignores addresses on bridge ports: use the bridge. */
		if (br != NULL) {
			add_addr(bld, ns, br->name, &ifc->addrs[a].prefix,
			    ifc->addrs[a].loc);
			add_note(bld, ifc->addrs[a].loc, xasprintf("%s of %s "
			    "goes on its bridge %s (Linux ignores addresses on "
			    "bridge ports)", ipprefix_format(
			    &ifc->addrs[a].prefix, buf), ifc->name, br->name));
		} else {
			add_addr(bld, ns, ifc->name, &ifc->addrs[a].prefix,
			    ifc->addrs[a].loc);
		}
	}
	up_loc = ifc->config_loc.src != NULL ? ifc->config_loc : ifc->loc;
	if (ifc->up)
		add_up(bld, ns, ifc->name, up_loc);
}

static void
plan_server(struct builder *bld, const struct server *srv)
{
	size_t srv_ns, *jail_ns, k;
	const struct jail *j;

	if (bld->plan->host) {
		struct plan_ns *cur = VEC_PUSH(bld->plan->ns, bld->plan->nns,
		    bld->plan->nscap);

		cur->name = xstrdup("(host)");
		cur->role = NS_SERVER;
		cur->loc = srv->loc;
		cur->current = true;
		srv_ns = bld->plan->nns - 1;
	} else {
		srv_ns = add_ns(bld, NS_SERVER, srv->loc, "%s%s", srv->name,
		    "");
	}
	jail_ns = xcalloc(srv->njails + 1, sizeof(*jail_ns));
	/* Boot order is jail order; teardown runs the plan backwards. */
	for (k = 0; k < srv->njails; k++) {
		j = &srv->jails[k];
		jail_ns[k] = add_ns(bld, NS_JAIL, j->loc, "%s-%s", srv->name,
		    j->name);
	}
	add_up(bld, srv_ns, "lo", srv->loc);
	for (k = 0; k < srv->nifaces; k++)
		plan_iface(bld, srv, k, srv_ns, jail_ns);
	if (srv->has_defaultrouter)
		add_op(bld, OP_ROUTE, PHASE_ROUTE, srv_ns, NULL,
		    srv->defaultrouter_loc)->gateway = srv->defaultrouter;
	if (srv->gateway_enable)
		add_sysctl(bld, srv_ns, "net.ipv4.ip_forward", "1", srv->loc);
	plan_firewall(bld, srv, srv_ns);
	for (k = 0; k < srv->njails; k++) {
		j = &srv->jails[k];
		add_up(bld, jail_ns[k], "lo", j->loc);
		if (j->has_defaultrouter)
			add_op(bld, OP_ROUTE, PHASE_ROUTE, jail_ns[k], NULL,
			    j->defaultrouter_loc)->gateway = j->defaultrouter;
	}
	free(jail_ns);
}

/* Sort key: phase, then namespace (creation order), then creation. */
struct sort_item {
	struct op op;
	size_t seq;
};

static int
by_phase_ns(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	size_t na = a->op.ns == NO_INDEX ? 0 : a->op.ns + 1;
	size_t nb = b->op.ns == NO_INDEX ? 0 : b->op.ns + 1;

	if (a->op.phase != b->op.phase)
		return a->op.phase < b->op.phase ? -1 : 1;
	if (na != nb)
		return na < nb ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
sort_ops(struct builder *bld)
{
	struct plan *plan = bld->plan;
	struct sort_item *items;
	size_t i;

	items = xcalloc(plan->nops + 1, sizeof(*items));
	for (i = 0; i < plan->nops; i++) {
		items[i].op = plan->ops[i];
		items[i].seq = bld->seqs[i];
	}
	qsort(items, plan->nops, sizeof(*items), by_phase_ns);
	for (i = 0; i < plan->nops; i++)
		plan->ops[i] = items[i].op;
	free(items);
}

static struct plan *
builder_start(struct builder *bld, const struct pf_site *ps,
    struct diags *diags)
{
	const struct site *site = ps->site;
	struct plan *plan = xcalloc(1, sizeof(*plan));

	plan->site = xstrdup(site->name);
	bld->ps = ps;
	bld->site = site;
	bld->plan = plan;
	bld->diags = diags;
	bld->net_ns = xcalloc(site->nnetworks + 1, sizeof(*bld->net_ns));
	bld->net_names = xcalloc(site->nnetworks + 1,
	    sizeof(*bld->net_names));
	return plan;
}

/* Sort the plan, free the builder; the plan, or NULL after errors. */
static struct plan *
builder_finish(struct builder *bld, size_t nerrors)
{
	size_t i;

	sort_ops(bld);
	for (i = 0; i < bld->site->nnetworks; i++)
		name_set_free(&bld->net_names[i]);
	free(bld->net_names);
	free(bld->net_ns);
	free(bld->seqs);
	if (bld->diags->nerrors > nerrors) {
		plan_free(bld->plan);
		return NULL;
	}
	return bld->plan;
}

struct plan *
plan_build_host(const struct pf_site *ps, const char *server,
    struct diags *diags)
{
	const struct site *site = ps->site;
	struct builder bld = { 0 };
	size_t i, nerrors = diags->nerrors;

	for (i = 0; i < site->nservers; i++)
		if (str_eq(site->servers[i].name, server))
			break;
	if (i == site->nservers) {
		struct loc none = { 0 };

		diag_error(diags, none, "--server %s: the site has no such "
		    "server", server);
		return NULL;
	}
	/* NICs are real devices here (plan_real_nic()). */
	builder_start(&bld, ps, diags)->host = true;
	plan_server(&bld, &site->servers[i]);
	return builder_finish(&bld, nerrors);
}

struct plan *
plan_build(const struct pf_site *ps, struct diags *diags)
{
	const struct site *site = ps->site;
	struct builder bld = { 0 };
	size_t i, nerrors = diags->nerrors;

	builder_start(&bld, ps, diags);
	for (i = 0; i < site->nnetworks; i++)
		bld.net_ns[i] = add_ns(&bld, NS_NETWORK, site->networks[i].loc,
		    "net-%s%s", site->networks[i].name, "");
	for (i = 0; i < site->nnetworks; i++)
		plan_network(&bld, i);
	for (i = 0; i < site->nhosts; i++)
		plan_host(&bld, &site->hosts[i], add_ns(&bld, NS_HOST,
		    site->hosts[i].loc, "host-%s%s", site->hosts[i].name, ""));
	for (i = 0; i < site->nservers; i++)
		plan_server(&bld, &site->servers[i]);
	return builder_finish(&bld, nerrors);
}

void
plan_free(struct plan *plan)
{
	size_t i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nns; i++)
		free(plan->ns[i].name);
	for (i = 0; i < plan->nops; i++) {
		free(plan->ops[i].link);
		free(plan->ops[i].peer);
		free(plan->ops[i].master);
		free(plan->ops[i].key);
		free(plan->ops[i].value);
		free(plan->ops[i].text);
		free(plan->ops[i].server);
	}
	free(plan->ns);
	free(plan->ops);
	free(plan->site);
	free(plan);
}
