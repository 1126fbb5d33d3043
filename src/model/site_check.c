/*
 * Checks across servers and jails, once every file is read.
 *
 * L2 segments are computed with a union-find over every interface of every
 * server, every network and every outside host: a bridge joins its members,
 * an epair joins its halves, a NIC joins its network.  ibridge on server a,
 * the LAN and ibridge on server b are then one segment, as they are on the
 * wire.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site_build.h"

struct uf {
	size_t *parent;
	size_t n;
};

static size_t
uf_find(struct uf *uf, size_t x)
{
	while (uf->parent[x] != x) {
		uf->parent[x] = uf->parent[uf->parent[x]];
		x = uf->parent[x];
	}
	return x;
}

static void
uf_join(struct uf *uf, size_t a, size_t b)
{
	a = uf_find(uf, a);
	b = uf_find(uf, b);
	if (a != b)
		uf->parent[a] = b;
}

/* Node numbers: every server's interfaces, then networks, then hosts. */
struct nodes {
	size_t *server_base;
	size_t network_base;
	size_t host_base;
	size_t total;
};

static void
number_nodes(const struct site *site, struct nodes *nd)
{
	size_t i, n = 0;

	nd->server_base = xcalloc(site->nservers, sizeof(size_t));
	for (i = 0; i < site->nservers; i++) {
		nd->server_base[i] = n;
		n += site->servers[i].nifaces;
	}
	nd->network_base = n;
	n += site->nnetworks;
	nd->host_base = n;
	n += site->nhosts;
	nd->total = n;
}

/* An address seen in a segment, for the duplicate check. */
struct seen_addr {
	size_t segment;
	const struct ipaddr *addr;
	struct loc loc;
	const char *owner;	/* "a/ngx_b", "host client1" */
	size_t order;		/* when it was seen: file order */
};

static int
by_segment_then_addr(const void *pa, const void *pb)
{
	const struct seen_addr *a = pa, *b = pb;
	int c;

	if (a->segment != b->segment)
		return a->segment < b->segment ? -1 : 1;
	if (a->addr->family != b->addr->family)
		return a->addr->family < b->addr->family ? -1 : 1;
	c = memcmp(a->addr->bytes, b->addr->bytes, 16);
	if (c != 0)
		return c;
	/* Among equals, the first seen is reported as the first. */
	return a->order < b->order ? -1 : a->order > b->order;
}

static void
check_duplicate_addresses(const struct site *site, struct diags *diags)
{
	struct seen_addr *seen = NULL;
	size_t nseen = 0, cap = 0, s, i, k;
	char **owners = NULL;
	size_t nowners = 0, ocap = 0;
	struct nodes nd;
	struct uf uf;
	char buf[IPADDR_STRLEN];

	number_nodes(site, &nd);
	uf.n = nd.total;
	uf.parent = xcalloc(nd.total ? nd.total : 1, sizeof(size_t));
	for (i = 0; i < nd.total; i++)
		uf.parent[i] = i;
	for (s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		for (i = 0; i < srv->nifaces; i++) {
			const struct iface *ifc = &srv->ifaces[i];
			size_t node = nd.server_base[s] + i;

			if (ifc->bridge != NO_INDEX)
				uf_join(&uf, node, nd.server_base[s] +
				    ifc->bridge);
			if (ifc->peer != NO_INDEX)
				uf_join(&uf, node, nd.server_base[s] +
				    ifc->peer);
			if (ifc->network != NO_INDEX)
				uf_join(&uf, node, nd.network_base +
				    ifc->network);
		}
	}
	for (i = 0; i < site->nhosts; i++)
		if (site->hosts[i].network != NO_INDEX)
			uf_join(&uf, nd.host_base + i, nd.network_base +
			    site->hosts[i].network);

	for (s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		for (i = 0; i < srv->nifaces; i++) {
			const struct iface *ifc = &srv->ifaces[i];
			char *owner = xasprintf("%s/%s%s%s", srv->name,
			    ifc->jail != NO_INDEX ?
			    srv->jails[ifc->jail].name : "",
			    ifc->jail != NO_INDEX ? "/" : "", ifc->name);

			*VEC_PUSH(owners, nowners, ocap) = owner;
			for (k = 0; k < ifc->naddrs; k++) {
				struct seen_addr *sa = VEC_PUSH(seen, nseen,
				    cap);

				sa->segment = uf_find(&uf,
				    nd.server_base[s] + i);
				sa->addr = &ifc->addrs[k].prefix.addr;
				sa->loc = ifc->addrs[k].loc;
				sa->owner = owner;
			}
		}
	}
	for (i = 0; i < site->nhosts; i++) {
		struct seen_addr *sa;
		char *owner;

		/* A host whose address site.conf could not give. */
		if (site->hosts[i].addr_loc.src == NULL)
			continue;
		sa = VEC_PUSH(seen, nseen, cap);
		owner = xasprintf("host %s", site->hosts[i].name);

		*VEC_PUSH(owners, nowners, ocap) = owner;
		sa->segment = uf_find(&uf, nd.host_base + i);
		sa->addr = &site->hosts[i].addr.addr;
		sa->loc = site->hosts[i].addr_loc;
		sa->owner = owner;
	}
	for (i = 0; i < site->nnetworks; i++) {
		for (k = 0; k < site->networks[i].nrouters; k++) {
			struct seen_addr *sa = VEC_PUSH(seen, nseen, cap);

			sa->segment = uf_find(&uf, nd.network_base + i);
			sa->addr = &site->networks[i].routers[k].addr;
			sa->loc = site->networks[i].router_locs[k];
			sa->owner = "the router";
		}
	}
	for (i = 0; i < nseen; i++)
		seen[i].order = i;
	if (nseen > 1)		/* qsort() takes no NULL, even for 0 */
		qsort(seen, nseen, sizeof(*seen), by_segment_then_addr);
	for (i = 1; i < nseen; i++) {
		if (seen[i].segment != seen[i - 1].segment ||
		    !ipaddr_eq(seen[i].addr, seen[i - 1].addr))
			continue;
		/* Report each duplicate against the first holder. */
		for (k = i - 1; k > 0 && seen[k - 1].segment ==
		    seen[i].segment && ipaddr_eq(seen[k - 1].addr,
		    seen[i].addr); k--)
			;
		diag_error(diags, seen[i].loc, "duplicate address %s in one "
		    "L2 segment: %s and %s", ipaddr_format(seen[i].addr, buf),
		    seen[k].owner, seen[i].owner);
		diag_note(diags, seen[k].loc, "also given here");
	}
	for (i = 0; i < nowners; i++)
		free(owners[i]);
	free(owners);
	free(seen);
	free(uf.parent);
	free(nd.server_base);
}

/* Return 1 if ${a} is on the subnet of an address of the given holder. */
static int
on_connected_subnet(const struct server *srv, size_t jail,
    const struct ipaddr *a)
{
	const struct iface *ifc;
	size_t i, k;

	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->jail != jail)
			continue;
		for (k = 0; k < ifc->naddrs; k++)
			if (ipprefix_contains(&ifc->addrs[k].prefix, a))
				return 1;
	}
	return 0;
}

static void
check_routers(const struct site *site, struct diags *diags)
{
	const struct server *srv;
	const struct jail *j;
	char buf[IPADDR_STRLEN];
	size_t s, i;

	for (s = 0; s < site->nservers; s++) {
		srv = &site->servers[s];
		/* Each holder's addresses come from its own rc.conf. */
		if (!site->failed.hosts && srv->has_defaultrouter &&
		    !on_connected_subnet(srv, NO_INDEX, &srv->defaultrouter))
			diag_error(diags, srv->defaultrouter_loc, "default "
			    "router %s of server %s is not on any connected "
			    "subnet", ipaddr_format(&srv->defaultrouter, buf),
			    srv->name);
		for (i = 0; i < srv->njails && !site->failed.jails; i++) {
			j = &srv->jails[i];
			if (j->has_defaultrouter && !on_connected_subnet(srv,
			    i, &j->defaultrouter))
				diag_error(diags, j->defaultrouter_loc,
				    "default router %s of jail %s is not on "
				    "any connected subnet",
				    ipaddr_format(&j->defaultrouter, buf),
				    j->name);
		}
	}
}

/*
 * What FreeBSD allows and Linux cannot mirror, unused cables and VLAN tags.
 * An epair half looks unused when the line that bridged it or handed it
 * to a jail had an error, and a tag may be on a line that had one: those
 * checks wait for clean files, and so do the remarks, which say what `up`
 * will do with a site it can bring up.
 */
static void
check_ifaces(const struct site *site, struct diags *diags)
{
	const struct server *srv;
	const struct iface *ifc;
	const struct network *net;
	char buf[IPADDR_STRLEN];
	size_t s, i;
	bool clean = !site->failed.hosts && !site->failed.jails;
	bool vlans = !site->failed.hosts;

	for (s = 0; s < site->nservers; s++) {
		srv = &site->servers[s];
		for (i = 0; i < srv->nifaces; i++) {
			ifc = &srv->ifaces[i];
			if (clean && ifc->bridge != NO_INDEX &&
			    ifc->naddrs > 0)
				diag_remark(diags, ifc->addrs[0].loc, "'%s' is a "
				    "member of %s and has address %s: FreeBSD "
				    "keeps it there, Linux ignores addresses "
				    "on bridge ports, so jailnet puts it on %s",
				    ifc->name, srv->ifaces[ifc->bridge].name,
				    ipprefix_format(&ifc->addrs[0].prefix,
				    buf), srv->ifaces[ifc->bridge].name);
			if (clean && ifc->kind == IFACE_EPAIR && ifc->jail ==
			    NO_INDEX && ifc->bridge == NO_INDEX &&
			    ifc->naddrs == 0 && !ifc->up)
				diag_warning(diags, ifc->rename_loc.src ?
				    ifc->rename_loc : ifc->loc, "epair half "
				    "'%s' is in no jail, no bridge and not "
				    "configured", ifc->name);
			if (!vlans || ifc->network == NO_INDEX)
				continue;
			net = &site->networks[ifc->network];
			if (net->vlan != 0 && ifc->vlan != net->vlan)
				diag_error(diags, ifc->vlan ? ifc->vlan_loc :
				    ifc->loc, "'%s' is on network %s, which "
				    "carries VLAN %u, but its port is tagged "
				    "%u", ifc->name, net->name, net->vlan,
				    ifc->vlan);
			else if (net->vlan == 0 && ifc->vlan != 0)
				diag_error(diags, ifc->vlan_loc, "'%s' is "
				    "tagged VLAN %u, but network %s has no "
				    "VLAN", ifc->name, ifc->vlan, net->name);
		}
	}
}

/* Each encrypting pipe should end at some decrypting pipe's source. */
static void
check_tunnels(const struct site *site, struct diags *diags)
{
	char buf[IPADDR_STRLEN];
	const struct pipe *p;
	struct tunnel *tun;
	size_t n, i;

	n = site_tunnels(site, NULL, &tun);
	for (i = 0; i < n; i++) {
		p = tun[i].pipe;
		if (tun[i].peer != NULL || p->target.port == 0)
			continue;
		diag_warning(diags, p->target.loc, "pipe %s encrypts to "
		    "[%s]:%u, where no decrypting pipe of the site listens",
		    p->name, ipaddr_format(&p->target.addr, buf),
		    p->target.port);
	}
	free(tun);
}

int
site_check(struct site *site, struct diags *diags)
{
	size_t nerr = diags->nerrors;

	/* Segments come from the hosts' files, addresses from all. */
	if (!site->failed.hosts && !site->failed.jails)
		check_duplicate_addresses(site, diags);
	check_routers(site, diags);
	check_ifaces(site, diags);
	/* A pipe whose source had an error would look like a lost end. */
	if (!site->failed.jails)
		check_tunnels(site, diags);
	return diags->nerrors == nerr ? 0 : -1;
}
