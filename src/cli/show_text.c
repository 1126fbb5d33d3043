#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "cli/show.h"

/* "inet 10.0.2.1/24, ..." or "no address". */
static void
add_addrs(struct strbuf *out, const struct iface *ifc)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	if (ifc->naddrs == 0)
		strbuf_adds(out, "-");
	for (i = 0; i < ifc->naddrs; i++)
		strbuf_addf(out, "%s%s", i ? "," : "",
		    ipprefix_format(&ifc->addrs[i].prefix, buf));
}

/* Where an interface is: "host", "bridge xbridge" or "jail pg_j". */
static void
add_place(struct strbuf *out, const struct server *srv,
    const struct iface *ifc)
{
	if (ifc->jail != NO_INDEX)
		strbuf_addf(out, "jail %s", srv->jails[ifc->jail].name);
	else if (ifc->bridge != NO_INDEX)
		strbuf_addf(out, "bridge %s", srv->ifaces[ifc->bridge].name);
	else
		strbuf_adds(out, "host");
}

static void
add_endpoint(struct strbuf *out, const struct endpoint *ep)
{
	char buf[IPADDR_STRLEN];

	strbuf_addf(out, "[%s]:%u", ipaddr_format(&ep->addr, buf), ep->port);
}

/* "${indent}services: NAME..." of the ${n} of ${es}, if any. */
static void
add_services(struct strbuf *out, const char *indent, const struct site *site,
    const struct enabled_service *es, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	strbuf_addf(out, "%sservices:", indent);
	for (i = 0; i < n; i++)
		strbuf_addf(out, " %s", site->services[es[i].service].name);
	strbuf_addc(out, '\n');
}

static void
show_server(const struct site *site, const struct server *srv,
    struct strbuf *out)
{
	const struct iface *ifc, *peer;
	const struct jail *j;
	const struct pipe *p;
	char buf[IPADDR_STRLEN];
	size_t i, k;

	strbuf_addf(out, "server %s  hostname %s\n", srv->name,
	    srv->hostname ? srv->hostname : "-");
	strbuf_addf(out, "  forwarding %s, pf %s (%s), jails %s%s\n",
	    srv->gateway_enable ? "on" : "off", srv->pf_enable ? "on" : "off",
	    srv->pf_rules, srv->jail_enable ? "on" : "off",
	    srv->jail_reverse_stop ? ", stopped in reverse order" : "");
	if (srv->has_defaultrouter)
		strbuf_addf(out, "  default router %s\n",
		    ipaddr_format(&srv->defaultrouter, buf));
	strbuf_addf(out, "  bridge sysctls: pfil_member=%d pfil_bridge=%d\n",
	    srv->pfil_member, srv->pfil_bridge);
	/* Its own, run in its namespace (the jails' are under each). */
	add_services(out, "  ", site, srv->services, srv->nservices);
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_NIC)
			continue;
		strbuf_addf(out, "  nic %-8s ", ifc->name);
		add_addrs(out, ifc);
		strbuf_addf(out, " %s", ifc->up ? "up" : "down");
		if (ifc->vlan)
			strbuf_addf(out, " vlan %u", ifc->vlan);
		strbuf_addf(out, " -> network %s",
		    site->networks[ifc->network].name);
		if (ifc->bridge != NO_INDEX)
			strbuf_addf(out, ", member of %s",
			    srv->ifaces[ifc->bridge].name);
		strbuf_addc(out, '\n');
	}
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_BRIDGE)
			continue;
		strbuf_addf(out, "  bridge %s (%s) ", ifc->name,
		    ifc->clone_name);
		add_addrs(out, ifc);
		strbuf_addf(out, " %s\n    members:", ifc->up ? "up" : "down");
		for (k = 0; k < srv->nifaces; k++)
			if (srv->ifaces[k].bridge == i)
				strbuf_addf(out, " %s", srv->ifaces[k].name);
		strbuf_addc(out, '\n');
	}
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_EPAIR || ifc->epair_side != 'a')
			continue;
		peer = &srv->ifaces[ifc->peer];
		strbuf_addf(out, "  epair%u %s (", ifc->epair_unit, ifc->name);
		add_place(out, srv, ifc);
		strbuf_adds(out, ") <-> ");
		strbuf_addf(out, "%s (", peer->name);
		add_place(out, srv, peer);
		strbuf_adds(out, ")\n");
	}
	strbuf_adds(out, "  jails, in boot order:\n");
	for (i = 0; i < srv->njails; i++) {
		j = &srv->jails[i];
		strbuf_addf(out, "  %zu. %s  path %s  hostname %s  sysvshm %s\n",
		    i + 1, j->name, j->path ? j->path : "-",
		    j->hostname ? j->hostname : "-", sysvshm_name(j->sysvshm));
		for (k = 0; k < j->nifaces; k++) {
			ifc = &srv->ifaces[j->ifaces[k]];
			strbuf_addf(out, "       %-10s ", ifc->name);
			add_addrs(out, ifc);
			strbuf_addf(out, " %s\n", ifc->up ? "up" : "down");
		}
		if (j->has_defaultrouter)
			strbuf_addf(out, "       default router %s\n",
			    ipaddr_format(&j->defaultrouter, buf));
		for (k = 0; k < j->npipes; k++) {
			p = &j->pipes[k];
			strbuf_addf(out, "       pipe %s %s ", p->name,
			    pipe_mode_name(p->mode));
			add_endpoint(out, &p->source);
			strbuf_adds(out, " -> ");
			add_endpoint(out, &p->target);
			strbuf_addf(out, " key %s\n",
			    p->key_path ? p->key_path : "-");
		}
		add_services(out, "       ", site, j->services, j->nservices);
	}
}

static void
show_tunnels(const struct site *site, const struct server *only,
    struct strbuf *out)
{
	struct tunnel *tun, *t;
	size_t n, i;

	strbuf_adds(out, "tunnels (client end ==> server end -> target):\n");
	n = site_tunnels(site, only, &tun);
	for (i = 0; i < n; i++) {
		t = &tun[i];
		strbuf_addf(out, "  %s/%s %s ", t->server->name, t->jail->name,
		    t->pipe->name);
		add_endpoint(out, &t->pipe->source);
		strbuf_adds(out, " ==> ");
		if (t->peer == NULL) {
			add_endpoint(out, &t->pipe->target);
			strbuf_adds(out, " (no pipe of the site)\n");
			continue;
		}
		strbuf_addf(out, "%s/%s %s ", t->peer_server->name,
		    t->peer_jail->name, t->peer->name);
		add_endpoint(out, &t->peer->source);
		strbuf_adds(out, " -> ");
		add_endpoint(out, &t->peer->target);
		strbuf_addc(out, '\n');
	}
	free(tun);
}

static void
show_world(const struct site *site, struct strbuf *out)
{
	const struct network *net;
	const struct outside_host *h;
	const struct dns_zone *z;
	char buf[IPADDR_STRLEN];
	size_t i, k;

	strbuf_adds(out, "world:\n");
	for (i = 0; i < site->nnetworks; i++) {
		net = &site->networks[i];
		strbuf_addf(out, "  network %s (%s)", net->name,
		    network_kind_name(net->kind));
		if (net->vlan)
			strbuf_addf(out, " vlan %u", net->vlan);
		for (k = 0; k < net->nrouters; k++)
			strbuf_addf(out, "%s%s", k ? ", " : " router ",
			    ipprefix_format(&net->routers[k], buf));
		strbuf_addc(out, '\n');
	}
	for (i = 0; i < site->nhosts; i++) {
		h = &site->hosts[i];
		strbuf_addf(out, "  host %s %s on %s", h->name,
		    ipprefix_format(&h->addr, buf),
		    site->networks[h->network].name);
		if (h->has_gateway)
			strbuf_addf(out, " via %s",
			    ipaddr_format(&h->gateway, buf));
		for (k = 0; k < h->nservices; k++)
			strbuf_addf(out, "%s%s", k ? " " : ", runs ",
			    site->services[h->services[k]].name);
		if (h->nmanage_tcp > 0) {
			strbuf_adds(out, ", manages by tcp ");
			show_manage_ports(h, out);
		}
		strbuf_addc(out, '\n');
	}
	for (i = 0; i < site->nzones; i++) {
		z = &site->zones[i];
		strbuf_addf(out, "  zone %s ttl %lu served by %s:", z->name,
		    z->ttl, site->hosts[z->host].name);
		for (k = 0; k < z->nrecords; k++)
			strbuf_addf(out, "%s A %s (%s%s)", k ? "," : "",
			    ipaddr_format(&z->records[k].addr, buf),
			    z->records[k].host != NO_INDEX ? "host " : "",
			    z->records[k].name);
		strbuf_addc(out, '\n');
	}
	for (i = 0; i < site->nservices; i++)
		strbuf_addf(out, "  service %s: %s\n", site->services[i].name,
		    site->services[i].command);
}

void
show_text(const struct site *site, const struct server *server,
    struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "site %s\n\n", site->name);
	for (i = 0; i < site->nservers; i++) {
		if (server != NULL && &site->servers[i] != server)
			continue;
		show_server(site, &site->servers[i], out);
		strbuf_addc(out, '\n');
	}
	show_tunnels(site, server, out);
	strbuf_addc(out, '\n');
	show_world(site, out);
}

void
show_manage_ports(const struct outside_host *h, struct strbuf *out)
{
	size_t k;

	for (k = 0; k < h->nmanage_tcp; k++) {
		strbuf_addf(out, "%s%u", k > 0 ? "," : "", h->manage_tcp[k][0]);
		if (h->manage_tcp[k][1] != h->manage_tcp[k][0])
			strbuf_addf(out, "-%u", h->manage_tcp[k][1]);
	}
}
