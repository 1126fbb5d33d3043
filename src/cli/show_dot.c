#include "cli/show_dot.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Colours of the drawing. */
#define DOT_FONT	"Helvetica"
#define DOT_JAIL_FILL	"#e8f0fe"
#define DOT_BRIDGE_FILL	"#fff4d6"
#define DOT_NIC_FILL	"#e6f4ea"
#define DOT_JAIL_CABLE	"#e8710a"	/* jail-to-jail: orange, as drawn */
#define DOT_TUNNEL	"#1a73e8"

/* Append ${s} as the inside of a DOT double-quoted string. */
static void
add_escaped(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addc(out, '\\');
		strbuf_addc(out, *s);
	}
}

/* A node's ID: "KIND/A/B", quoted. */
static void
add_id(struct strbuf *out, const char *kind, const char *a, const char *b)
{
	strbuf_addc(out, '"');
	add_escaped(out, kind);
	strbuf_addc(out, '/');
	add_escaped(out, a);
	if (b != NULL) {
		strbuf_addc(out, '/');
		add_escaped(out, b);
	}
	strbuf_addc(out, '"');
}

/* The addresses of ${ifc}, comma-separated, or "-". */
static void
add_addrs(struct strbuf *out, const struct iface *ifc)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	if (ifc->naddrs == 0)
		strbuf_addc(out, '-');
	for (i = 0; i < ifc->naddrs; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "",
		    ipprefix_format(&ifc->addrs[i].prefix, buf));
}

/* The node an interface of ${srv} hangs on: its jail, bridge or itself. */
static void
add_place_id(struct strbuf *out, const struct server *srv,
    const struct iface *ifc)
{
	if (ifc->jail != NO_INDEX)
		add_id(out, "jail", srv->name, srv->jails[ifc->jail].name);
	else if (ifc->bridge != NO_INDEX)
		add_id(out, "if", srv->name, srv->ifaces[ifc->bridge].name);
	else
		add_id(out, "if", srv->name, ifc->name);
}

static void
dot_world(const struct site *site, struct strbuf *out)
{
	const struct network *net;
	const struct outside_host *h;
	char buf[IPADDR_STRLEN];
	size_t i, k;

	strbuf_adds(out, "\n\t/* The world around the servers. */\n");
	for (i = 0; i < site->nnetworks; i++) {
		net = &site->networks[i];
		strbuf_adds(out, "\t");
		add_id(out, "net", net->name, NULL);
		strbuf_adds(out, " [shape=ellipse, style=filled, "
		    "fillcolor=\"#f1f3f4\", label=\"");
		add_escaped(out, net->name);
		if (strcmp(net->name, network_kind_name(net->kind)) != 0)
			strbuf_addf(out, "\\n%s", network_kind_name(net->kind));
		if (net->vlan)
			strbuf_addf(out, ", VLAN %u", net->vlan);
		for (k = 0; k < net->nrouters; k++)
			strbuf_addf(out, "\\nrouter %s",
			    ipprefix_format(&net->routers[k], buf));
		strbuf_adds(out, "\"];\n");
	}
	for (i = 0; i < site->nhosts; i++) {
		h = &site->hosts[i];
		strbuf_adds(out, "\t");
		add_id(out, "host", h->name, NULL);
		strbuf_adds(out, " [shape=box, style=rounded, label=\"");
		add_escaped(out, h->name);
		strbuf_addf(out, "\\n%s", ipaddr_format(&h->addr.addr, buf));
		for (k = 0; k < h->nservices; k++) {
			strbuf_adds(out, k ? ", " : "\\nruns ");
			add_escaped(out, site->services[h->services[k]].name);
		}
		for (k = 0; k < site->nzones; k++) {
			if (site->zones[k].host != i)
				continue;
			strbuf_adds(out, "\\nzone ");
			add_escaped(out, site->zones[k].name);
			strbuf_addf(out, " (TTL %lu s)", site->zones[k].ttl);
		}
		strbuf_adds(out, "\"];\n\t");
		add_id(out, "host", h->name, NULL);
		strbuf_adds(out, " -> ");
		add_id(out, "net", site->networks[h->network].name, NULL);
		strbuf_adds(out, ";\n");
	}
}

static void
dot_server(const struct site *site, const struct server *srv,
    struct strbuf *out)
{
	const struct iface *ifc, *peer;
	const struct jail *j;
	size_t i, k;

	strbuf_adds(out, "\n\tsubgraph ");
	add_id(out, "cluster", srv->name, NULL);
	strbuf_adds(out, " {\n\t\tlabel=\"server ");
	add_escaped(out, srv->name);
	if (srv->hostname != NULL) {
		strbuf_adds(out, " (");
		add_escaped(out, srv->hostname);
		strbuf_adds(out, ")");
	}
	strbuf_adds(out, "\";\n\t\tstyle=rounded;\n");
	/* NICs and bridges: the host's own interfaces that show. */
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind == IFACE_EPAIR)
			continue;
		strbuf_adds(out, "\t\t");
		add_id(out, "if", srv->name, ifc->name);
		strbuf_addf(out, " [shape=%s, style=filled, fillcolor=\"%s\", "
		    "label=\"%s ", ifc->kind == IFACE_NIC ? "box" : "box3d",
		    ifc->kind == IFACE_NIC ? DOT_NIC_FILL : DOT_BRIDGE_FILL,
		    ifc->kind == IFACE_NIC ? "nic" : "bridge");
		add_escaped(out, ifc->name);
		strbuf_adds(out, "\\n");
		add_addrs(out, ifc);
		if (ifc->vlan)
			strbuf_addf(out, "\\nVLAN %u", ifc->vlan);
		strbuf_adds(out, "\"];\n");
	}
	for (i = 0; i < srv->njails; i++) {
		j = &srv->jails[i];
		strbuf_adds(out, "\t\t");
		add_id(out, "jail", srv->name, j->name);
		strbuf_addf(out, " [shape=component, style=filled, "
		    "fillcolor=\"%s\", label=\"jail ", DOT_JAIL_FILL);
		add_escaped(out, j->name);
		strbuf_addf(out, "\\nboot %zu", i + 1);
		for (k = 0; k < j->nservices; k++) {
			strbuf_adds(out, k ? ", " : "\\nruns ");
			add_escaped(out,
			    site->services[j->services[k].service].name);
		}
		strbuf_adds(out, "\"];\n");
	}
	/* NICs to bridges. */
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind == IFACE_EPAIR || ifc->bridge == NO_INDEX)
			continue;
		strbuf_adds(out, "\t\t");
		add_id(out, "if", srv->name, ifc->name);
		strbuf_adds(out, " -> ");
		add_id(out, "if", srv->name, srv->ifaces[ifc->bridge].name);
		strbuf_adds(out, " [dir=none, label=\"member\"];\n");
	}
	/* One edge per epair, a half to b half. */
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_EPAIR || ifc->epair_side != 'a')
			continue;
		peer = &srv->ifaces[ifc->peer];
		strbuf_adds(out, "\t\t");
		add_place_id(out, srv, ifc);
		strbuf_adds(out, " -> ");
		add_place_id(out, srv, peer);
		strbuf_addf(out, " [dir=none, label=\"epair%u\\n",
		    ifc->epair_unit);
		add_escaped(out, ifc->name);
		strbuf_adds(out, " ");
		add_addrs(out, ifc);
		strbuf_adds(out, "\\n");
		add_escaped(out, peer->name);
		strbuf_adds(out, " ");
		add_addrs(out, peer);
		strbuf_adds(out, "\"");
		if (ifc->jail != NO_INDEX && peer->jail != NO_INDEX)
			strbuf_addf(out, ", color=\"%s\", fontcolor=\"%s\"",
			    DOT_JAIL_CABLE, DOT_JAIL_CABLE);
		strbuf_adds(out, "];\n");
	}
	strbuf_adds(out, "\t}\n");
	/* NICs to their networks (drawn below them), outside the cluster. */
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_NIC || ifc->network == NO_INDEX)
			continue;
		strbuf_adds(out, "\t");
		add_id(out, "net", site->networks[ifc->network].name, NULL);
		strbuf_adds(out, " -> ");
		add_id(out, "if", srv->name, ifc->name);
		strbuf_adds(out, " [dir=none");
		if (ifc->vlan)
			strbuf_addf(out, ", label=\"VLAN %u\"", ifc->vlan);
		strbuf_adds(out, "];\n");
	}
}

static void
dot_tunnels(const struct site *site, const struct server *only,
    struct strbuf *out)
{
	struct tunnel *tun, *t;
	size_t n, i;

	n = site_tunnels(site, only, &tun);
	if (n > 0)
		strbuf_adds(out, "\n\t/* spiped tunnels: client end -> "
		    "server end. */\n");
	for (i = 0; i < n; i++) {
		t = &tun[i];
		if (t->peer == NULL)
			continue;
		/* A server end outside the drawing is left out. */
		if (only != NULL && t->peer_server != only)
			continue;
		strbuf_adds(out, "\t");
		add_id(out, "jail", t->server->name, t->jail->name);
		strbuf_adds(out, " -> ");
		add_id(out, "jail", t->peer_server->name, t->peer_jail->name);
		strbuf_adds(out, " [style=dashed, constraint=false, label=\"");
		add_escaped(out, t->pipe->name);
		strbuf_addf(out, " :%u => ", t->pipe->source.port);
		add_escaped(out, t->peer->name);
		strbuf_addf(out, " :%u -> :%u\", color=\"%s\", "
		    "fontcolor=\"%s\"];\n", t->peer->source.port,
		    t->peer->target.port, DOT_TUNNEL, DOT_TUNNEL);
	}
	free(tun);
}

void
show_dot(const struct site *site, const struct server *server,
    struct strbuf *out)
{
	size_t i;

	strbuf_adds(out, "/* Site ");
	add_escaped(out, site->name);
	strbuf_adds(out, ", drawn by `jailnet show --dot`; render with "
	    "`dot -Tsvg`. */\ndigraph \"");
	add_escaped(out, site->name);
	strbuf_adds(out, "\" {\n");
	strbuf_addf(out, "\tgraph [fontname=\"%s\", fontsize=12, "
	    "newrank=true, nodesep=0.3, ranksep=0.6];\n", DOT_FONT);
	strbuf_addf(out, "\tnode [fontname=\"%s\", fontsize=10];\n", DOT_FONT);
	strbuf_addf(out, "\tedge [fontname=\"%s\", fontsize=8];\n", DOT_FONT);
	dot_world(site, out);
	for (i = 0; i < site->nservers; i++)
		if (server == NULL || &site->servers[i] == server)
			dot_server(site, &site->servers[i], out);
	dot_tunnels(site, server, out);
	strbuf_adds(out, "}\n");
}
