/*
 * The site model as JSON, built with jansson (which keeps keys in insertion
 * order, so the output is stable for scripts and golden tests).
 */
#include <jansson.h>
#include <stdlib.h>

#include "lib/util.h"
#include "cli/show.h"

static json_t *
json_addr(const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	return json_string(ipaddr_format(a, buf));
}

static json_t *
json_prefix(const struct ipprefix *p)
{
	char buf[IPADDR_STRLEN];

	return json_string(ipprefix_format(p, buf));
}

static json_t *
json_endpoint(const struct endpoint *ep)
{
	return json_pack("{s:o, s:i}", "address", json_addr(&ep->addr),
	    "port", (json_int_t)ep->port);
}

static json_t *
json_iface(const struct server *srv, const struct site *site,
    const struct iface *ifc)
{
	json_t *o = json_object(), *addrs = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(ifc->name));
	json_object_set_new(o, "kind", json_string(iface_kind_name(ifc->kind)));
	if (ifc->clone_name != NULL)
		json_object_set_new(o, "clone", json_string(ifc->clone_name));
	if (ifc->kind == IFACE_EPAIR) {
		json_object_set_new(o, "epair", json_integer(ifc->epair_unit));
		json_object_set_new(o, "side", json_stringn(&ifc->epair_side,
		    1));
		json_object_set_new(o, "peer",
		    json_string(srv->ifaces[ifc->peer].name));
	}
	for (i = 0; i < ifc->naddrs; i++)
		json_array_append_new(addrs, json_prefix(&ifc->addrs[i].prefix));
	json_object_set_new(o, "addresses", addrs);
	json_object_set_new(o, "up", json_boolean(ifc->up));
	json_object_set_new(o, "bridge", ifc->bridge == NO_INDEX ?
	    json_null() : json_string(srv->ifaces[ifc->bridge].name));
	json_object_set_new(o, "jail", ifc->jail == NO_INDEX ? json_null() :
	    json_string(srv->jails[ifc->jail].name));
	if (ifc->vlan)
		json_object_set_new(o, "vlan", json_integer(ifc->vlan));
	if (ifc->mtu)
		json_object_set_new(o, "mtu", json_integer(ifc->mtu));
	if (ifc->network != NO_INDEX)
		json_object_set_new(o, "network",
		    json_string(site->networks[ifc->network].name));
	if (ifc->linux_dev != NULL)
		json_object_set_new(o, "linux_dev",
		    json_string(ifc->linux_dev));
	return o;
}

static json_t *
json_services(const struct site *site, const struct enabled_service *es,
    size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a,
		    json_string(site->services[es[i].service].name));
	return a;
}

static json_t *
json_jail(const struct site *site, const struct server *srv,
    const struct jail *j)
{
	json_t *o = json_object(), *ifs = json_array(), *pipes = json_array();
	const struct pipe *p;
	size_t i;

	json_object_set_new(o, "name", json_string(j->name));
	json_object_set_new(o, "path", j->path ? json_string(j->path) :
	    json_null());
	json_object_set_new(o, "hostname", json_string(j->hostname));
	json_object_set_new(o, "vnet", json_boolean(j->vnet));
	json_object_set_new(o, "sysvshm", json_string(sysvshm_name(j->sysvshm)));
	json_object_set_new(o, "exec_start", j->exec_start ?
	    json_string(j->exec_start) : json_null());
	json_object_set_new(o, "exec_stop", j->exec_stop ?
	    json_string(j->exec_stop) : json_null());
	for (i = 0; i < j->nifaces; i++)
		json_array_append_new(ifs,
		    json_string(srv->ifaces[j->ifaces[i]].name));
	json_object_set_new(o, "interfaces", ifs);
	json_object_set_new(o, "defaultrouter", j->has_defaultrouter ?
	    json_addr(&j->defaultrouter) : json_null());
	for (i = 0; i < j->npipes; i++) {
		p = &j->pipes[i];
		json_array_append_new(pipes, json_pack("{s:s, s:s, s:o, s:o, "
		    "s:s?}", "name", p->name, "mode", pipe_mode_name(p->mode),
		    "source", json_endpoint(&p->source), "target",
		    json_endpoint(&p->target), "key", p->key_path));
	}
	json_object_set_new(o, "pipes", pipes);
	json_object_set_new(o, "services",
	    json_services(site, j->services, j->nservices));
	return o;
}

static json_t *
json_server(const struct site *site, const struct server *srv)
{
	json_t *o = json_object(), *ifs = json_array(), *jails = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(srv->name));
	json_object_set_new(o, "hostname", srv->hostname ?
	    json_string(srv->hostname) : json_null());
	json_object_set_new(o, "defaultrouter", srv->has_defaultrouter ?
	    json_addr(&srv->defaultrouter) : json_null());
	json_object_set_new(o, "gateway_enable",
	    json_boolean(srv->gateway_enable));
	json_object_set_new(o, "pf_enable", json_boolean(srv->pf_enable));
	json_object_set_new(o, "pf_rules", json_string(srv->pf_rules));
	json_object_set_new(o, "jail_enable", json_boolean(srv->jail_enable));
	json_object_set_new(o, "jail_reverse_stop",
	    json_boolean(srv->jail_reverse_stop));
	json_object_set_new(o, "pfil_member", json_boolean(srv->pfil_member));
	json_object_set_new(o, "pfil_bridge", json_boolean(srv->pfil_bridge));
	for (i = 0; i < srv->nifaces; i++)
		json_array_append_new(ifs, json_iface(srv, site,
		    &srv->ifaces[i]));
	json_object_set_new(o, "interfaces", ifs);
	for (i = 0; i < srv->njails; i++)
		json_array_append_new(jails, json_jail(site, srv,
		    &srv->jails[i]));
	json_object_set_new(o, "jails", jails);
	json_object_set_new(o, "services",
	    json_services(site, srv->services, srv->nservices));
	return o;
}

static json_t *
json_tunnels(const struct site *site, const struct server *only)
{
	json_t *a = json_array(), *o;
	struct tunnel *tun, *t;
	size_t n, i;

	n = site_tunnels(site, only, &tun);
	for (i = 0; i < n; i++) {
		t = &tun[i];
		o = json_pack("{s:s, s:s, s:s, s:o}", "server", t->server->name,
		    "jail", t->jail->name, "pipe", t->pipe->name, "listen",
		    json_endpoint(&t->pipe->source));
		json_object_set_new(o, "server_end", t->peer == NULL ?
		    json_null() : json_pack("{s:s, s:s, s:s, s:o, s:o}",
		    "server", t->peer_server->name, "jail", t->peer_jail->name,
		    "pipe", t->peer->name, "listen",
		    json_endpoint(&t->peer->source), "target",
		    json_endpoint(&t->peer->target)));
		json_array_append_new(a, o);
	}
	free(tun);
	return a;
}

static json_t *
json_world(const struct site *site)
{
	json_t *o = json_object(), *nets = json_array(), *hosts = json_array();
	json_t *zones = json_array(), *svcs = json_array(), *a;
	size_t i, k;

	for (i = 0; i < site->nnetworks; i++) {
		const struct network *n = &site->networks[i];

		a = json_array();
		for (k = 0; k < n->nrouters; k++)
			json_array_append_new(a, json_prefix(&n->routers[k]));
		json_array_append_new(nets, json_pack("{s:s, s:s, s:o, s:o}",
		    "name", n->name, "kind", network_kind_name(n->kind),
		    "vlan", n->vlan ? json_integer(n->vlan) : json_null(),
		    "routers", a));
	}
	for (i = 0; i < site->nhosts; i++) {
		const struct outside_host *h = &site->hosts[i];
		struct strbuf manage = { 0 };

		a = json_array();
		for (k = 0; k < h->nservices; k++)
			json_array_append_new(a, json_string(
			    site->services[h->services[k]].name));
		show_manage_ports(h, &manage);
		json_array_append_new(hosts, json_pack("{s:s, s:s, s:o, s:o, "
		    "s:o, s:s?, s:s?}", "name", h->name, "network",
		    site->networks[h->network].name, "address",
		    json_prefix(&h->addr), "gateway", h->has_gateway ?
		    json_addr(&h->gateway) : json_null(), "services", a,
		    "description", h->description, "manage_tcp",
		    h->nmanage_tcp > 0 ? strbuf_cstr(&manage) : NULL));
		strbuf_free(&manage);
	}
	for (i = 0; i < site->nzones; i++) {
		const struct dns_zone *z = &site->zones[i];

		a = json_array();
		for (k = 0; k < z->nrecords; k++)
			json_array_append_new(a, json_pack("{s:s, s:s, s:o}",
			    "type", "A", z->records[k].host != NO_INDEX ?
			    "host" : "server", z->records[k].name,
			    "address", json_addr(&z->records[k].addr)));
		json_array_append_new(zones, json_pack("{s:s, s:I, s:s, s:o}",
		    "name", z->name, "ttl", (json_int_t)z->ttl, "served_by",
		    site->hosts[z->host].name, "records", a));
	}
	for (i = 0; i < site->nservices; i++)
		json_array_append_new(svcs, json_pack("{s:s, s:s}", "name",
		    site->services[i].name, "command",
		    site->services[i].command));
	json_object_set_new(o, "networks", nets);
	json_object_set_new(o, "hosts", hosts);
	json_object_set_new(o, "zones", zones);
	json_object_set_new(o, "services", svcs);
	return o;
}

void
show_json(const struct site *site, const struct server *server,
    struct strbuf *out)
{
	json_t *root = json_object(), *servers = json_array();
	char *text;
	size_t i;

	json_object_set_new(root, "site", json_string(site->name));
	for (i = 0; i < site->nservers; i++)
		if (server == NULL || server == &site->servers[i])
			json_array_append_new(servers, json_server(site,
			    &site->servers[i]));
	json_object_set_new(root, "servers", servers);
	json_object_set_new(root, "tunnels", json_tunnels(site, server));
	json_object_set_new(root, "world", json_world(site));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	strbuf_adds(out, text);
	strbuf_addc(out, '\n');
	free(text);
	json_decref(root);
}
