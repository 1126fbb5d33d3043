/*
 * site.conf: the world around the servers, in jail.conf's grammar with
 * typed blocks:
 *
 *   network NAME { kind = internet|switch; router = A/N, ...; vlan = N; }
 *   server NAME  { overlay = DIR; nic.IF = NETWORK; linux.IF = DEV;
 *                  pfil_member = 0|1; pfil_bridge = 0|1; }
 *   host NAME    { network = NET; address = A/N; gateway = A;
 *                  service = S, ...; description = TEXT;
 *                  manage.tcp = PORT|LO-HI, ...; }
 *   service NAME { command = "..."; [kind = daemon | oneshot;] }
 *                  (stands for NAME_enable in rc.conf)
 *   zone DOMAIN  { server = HOST; ttl = N; records = SERVER, ...; }
 *
 * site.conf is jailnet's own format, so anything unknown is an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site_build.h"

static const char *const block_kinds[] = {
	"network", "server", "host", "service", "zone",
};

/* Where a name of some kind was declared, to find and to report twice. */
static size_t
find_network(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nnetworks; i++)
		if (strcmp(site->networks[i].name, name) == 0)
			return i;
	return NO_INDEX;
}

static size_t
find_service(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nservices; i++)
		if (strcmp(site->services[i].name, name) == 0)
			return i;
	return NO_INDEX;
}

static size_t
find_host(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nhosts; i++)
		if (strcmp(site->hosts[i].name, name) == 0)
			return i;
	return NO_INDEX;
}

/* Report parameter ${p} as unknown in a block of ${kind}, with a hint. */
static void
unknown_param(const struct jc_resolved *p, const char *kind,
    const char *const *known, size_t nknown, struct diags *diags)
{
	const char *hint = closest_word(p->name, known, nknown);

	if (hint != NULL)
		diag_error(diags, p->loc, "unknown %s parameter '%s'; did you "
		    "mean '%s'?", kind, p->name, hint);
	else
		diag_error(diags, p->loc, "unknown %s parameter '%s'", kind,
		    p->name);
}

/* Parse value ${k} of ${p} as an address with a length. */
static int
value_prefix(const struct jc_resolved *p, size_t k, struct ipprefix *out,
    struct diags *diags)
{
	if (ipprefix_parse(p->values[k].s, out) != 0 ||
	    strchr(p->values[k].s, '/') == NULL) {
		diag_error(diags, p->value_locs[k], "'%s' is not an address "
		    "with a prefix length (like 192.0.2.1/24)",
		    p->values[k].s);
		return -1;
	}
	return 0;
}

static int
value_uint(const struct jc_resolved *p, unsigned long min, unsigned long max,
    unsigned long *out, struct diags *diags)
{
	const char *s = jc_one_value(p, diags);

	if (s == NULL)
		return -1;
	if (parse_uint(s, min, max, out) != 0) {
		diag_error(diags, p->value_locs[0], "'%s' must be a number "
		    "from %lu to %lu", p->name, min, max);
		return -1;
	}
	return 0;
}

static int
value_bool(const struct jc_resolved *p, bool *out, struct diags *diags)
{
	const char *s;
	int yes;

	if (p->is_bool) {
		*out = true;
		return 0;
	}
	if ((s = jc_one_value(p, diags)) == NULL)
		return -1;
	if ((yes = rc_yesno(s)) < 0) {
		diag_error(diags, p->value_locs[0], "'%s' must be yes or no",
		    p->name);
		return -1;
	}
	*out = yes;
	return 0;
}

static void
load_network(struct network *net, const struct jc_params *ps,
    struct diags *diags)
{
	static const char *const keys[] = { "kind", "router", "vlan" };
	const struct jc_resolved *p;
	unsigned long n;
	const char *s;
	size_t i, k;
	bool has_kind = false;

	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (strcmp(p->name, "kind") == 0) {
			if ((s = jc_one_value(p, diags)) == NULL)
				continue;
			has_kind = true;
			if (strcmp(s, "internet") == 0)
				net->kind = NETWORK_INTERNET;
			else if (strcmp(s, "switch") == 0)
				net->kind = NETWORK_SWITCH;
			else
				diag_error(diags, p->value_locs[0], "network "
				    "kind must be 'internet' or 'switch'");
		} else if (strcmp(p->name, "router") == 0) {
			net->routers = xcalloc(p->nvalues,
			    sizeof(*net->routers));
			net->router_locs = xcalloc(p->nvalues,
			    sizeof(*net->router_locs));
			for (k = 0; k < p->nvalues; k++) {
				if (value_prefix(p, k,
				    &net->routers[net->nrouters], diags) != 0)
					continue;
				net->router_locs[net->nrouters++] =
				    p->value_locs[k];
			}
		} else if (strcmp(p->name, "vlan") == 0) {
			if (value_uint(p, 1, 4094, &n, diags) == 0) {
				net->vlan = (unsigned)n;
				net->vlan_loc = p->value_locs[0];
			}
		} else {
			unknown_param(p, "network", keys, 3, diags);
		}
	}
	if (!has_kind)
		diag_error(diags, net->loc, "network '%s' has no kind "
		    "(internet or switch)", net->name);
	else if (net->kind == NETWORK_INTERNET && net->nrouters == 0)
		diag_error(diags, net->loc, "internet network '%s' needs at "
		    "least one router address", net->name);
	else if (net->kind == NETWORK_SWITCH && net->nrouters > 0)
		diag_error(diags, net->router_locs[0], "a switch has no "
		    "router; make '%s' an internet network or add a host",
		    net->name);
}

/* A NIC declared by nic.IF = NETWORK in a server block. */
static void
declare_nic(struct site *site, struct server *srv, const struct jc_resolved *p,
    struct diags *diags)
{
	const char *ifname = p->name + strlen("nic."), *net;
	struct iface *ifc;
	size_t n;

	if ((net = jc_one_value(p, diags)) == NULL)
		return;
	if (*ifname == '\0') {
		diag_error(diags, p->loc, "'nic.' needs an interface name, "
		    "like nic.xnic");
		return;
	}
	if ((n = find_network(site, net)) == NO_INDEX) {
		diag_error(diags, p->value_locs[0], "no network '%s' in "
		    "site.conf", net);
		return;
	}
	if ((ifc = server_iface(srv, ifname)) != NULL) {
		diag_error(diags, p->loc, "NIC '%s' is declared twice",
		    ifname);
		return;
	}
	ifc = VEC_PUSH(srv->ifaces, srv->nifaces, srv->ifcap);
	ifc->name = xstrdup(ifname);
	ifc->kind = IFACE_NIC;
	ifc->loc = p->loc;
	ifc->network = n;
	ifc->peer = ifc->bridge = ifc->jail = NO_INDEX;
}

static void
load_server(struct site *site, struct server *srv, const struct jc_params *ps,
    struct diags *diags)
{
	static const char *const keys[] = { "overlay", "nic.IF", "linux.IF",
		"pfil_member", "pfil_bridge" };
	const struct jc_resolved *p;
	const char *s, *overlay = NULL;
	struct iface *ifc;
	const char *roots[2];
	size_t i;

	srv->pfil_member = srv->pfil_bridge = true;	/* FreeBSD 13/14 */
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (str_has_prefix(p->name, "nic.")) {
			declare_nic(site, srv, p, diags);
		} else if (strcmp(p->name, "overlay") == 0) {
			if ((s = jc_one_value(p, diags)) == NULL)
				continue;
			if (s[0] == '/' || strstr(s, "..") != NULL)
				diag_error(diags, p->value_locs[0], "the "
				    "overlay must be a directory inside the "
				    "site");
			else
				overlay = s;
		} else if (strcmp(p->name, "pfil_member") == 0) {
			value_bool(p, &srv->pfil_member, diags);
		} else if (strcmp(p->name, "pfil_bridge") == 0) {
			value_bool(p, &srv->pfil_bridge, diags);
		} else if (!str_has_prefix(p->name, "linux.")) {
			unknown_param(p, "server", keys, 5, diags);
		}
	}
	/* linux.IF names a NIC declared above, in any order. */
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (!str_has_prefix(p->name, "linux.") ||
		    (s = jc_one_value(p, diags)) == NULL)
			continue;
		if ((ifc = server_iface(srv, p->name + 6)) == NULL)
			diag_error(diags, p->loc, "'%s' names no NIC of "
			    "server %s (declare it with nic.%s)", p->name,
			    srv->name, p->name + 6);
		else
			ifc->linux_dev = xstrdup(s);
	}
	roots[0] = overlay ? xstrdup(overlay) :
	    xasprintf("servers/%s", srv->name);
	roots[1] = "common";
	srv->view = fsview_new(site->dir, roots, 2);
	srv->overlay = xstrdup(srv->view->roots[0]);
	free((char *)roots[0]);
}

static void
load_service(struct service *svc, const struct jc_params *ps,
    struct diags *diags)
{
	static const char *const keys[] = { "command", "kind" };
	const struct jc_resolved *p;
	const char *s;
	size_t i;

	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (strcmp(p->name, "command") != 0 &&
		    strcmp(p->name, "kind") != 0) {
			unknown_param(p, "service", keys, 2, diags);
			continue;
		}
		if ((s = jc_one_value(p, diags)) == NULL)
			continue;
		if (strcmp(p->name, "kind") == 0) {
			/* daemon: supervised, started again when it exits;
			   oneshot: a boot script that runs once. */
			if (strcmp(s, "oneshot") == 0 ||
			    strcmp(s, "daemon") == 0)
				svc->oneshot = strcmp(s, "oneshot") == 0;
			else
				diag_error(diags, p->value_locs[0], "service "
				    "kind '%s' must be daemon or oneshot", s);
			continue;
		}
		if (*s == '\0') {
			diag_error(diags, p->value_locs[0], "empty command");
			continue;
		}
		free(svc->command);
		svc->command = xstrdup(s);
		svc->command_loc = p->value_locs[0];
	}
	if (svc->command == NULL)
		diag_error(diags, svc->loc, "service '%s' has no command",
		    svc->name);
}

/* The router address of ${net} on the subnet of ${addr}, if any. */
static const struct ipprefix *
network_router_for(const struct network *net, const struct ipprefix *addr)
{
	size_t i;

	for (i = 0; i < net->nrouters; i++)
		if (ipprefix_contains(&net->routers[i], &addr->addr))
			return &net->routers[i];
	return NULL;
}

static int
cmp_interval(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* manage.tcp = PORT|LO-HI, ...: the ports into ${h}, sorted and merged;
   a port listed twice is an error (a typo, most likely). */
static void
load_manage(struct outside_host *h, const struct jc_resolved *p,
    struct diags *diags)
{
	uint32_t (*v)[2];
	unsigned long lo, hi;
	size_t k, j, n = 0;
	char *dash, *s;
	int bad;

	v = xcalloc(p->nvalues + 1, sizeof(*v));
	for (k = 0; k < p->nvalues; k++) {
		s = xstrdup(p->values[k].s);
		if ((dash = strchr(s, '-')) != NULL)
			*dash = '\0';
		bad = parse_uint(s, 1, 65535, &lo) != 0 || (dash != NULL ?
		    parse_uint(dash + 1, 1, 65535, &hi) != 0 :
		    (hi = lo, 0)) || hi < lo;
		free(s);
		if (bad) {
			diag_error(diags, p->value_locs[k], "'%s' is not a "
			    "TCP port (1-65535) or a range of them (LO-HI)",
			    p->values[k].s);
			continue;
		}
		for (j = 0; j < n && (hi < v[j][0] || lo > v[j][1]); j++)
			;
		if (j < n) {
			diag_error(diags, p->value_locs[k], "'%s' repeats "
			    "ports listed before", p->values[k].s);
			continue;
		}
		v[n][0] = (uint32_t)lo;
		v[n][1] = (uint32_t)hi;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_interval);
	/* Adjacent ranges are one. */
	for (k = j = 0; k < n; k++) {
		if (j > 0 && v[k][0] == v[j - 1][1] + 1)
			v[j - 1][1] = v[k][1];
		else
			memmove(v[j++], v[k], sizeof(*v));
	}
	free(h->manage_tcp);
	h->manage_tcp = v;
	h->nmanage_tcp = j;
	h->manage_loc = p->loc;
}

/*
 * ${h}'s files, hosts/NAME of the site: its view, and an error at its
 * block if that directory is there but no directory beneath the site (a
 * link out of it, a file).  Missing is fine: then its services see only
 * the machine's system files.
 */
static void
check_host_dir(const struct site *site, struct outside_host *h,
    struct diags *diags)
{
	const char *rel[1];
	char *dir;
	int errnum = 0;

	rel[0] = xasprintf("hosts/%s", h->name);
	h->view = fsview_new(site->dir, rel, 1);
	free((char *)rel[0]);
	if ((dir = fsview_dir(h->view, 0, &errnum)) != NULL)
		free(dir);
	else if (errnum != ENOENT)
		diag_error(diags, h->loc, "directory %s of host %s: %s",
		    h->view->roots[0], h->name, fsview_strerror(errnum));
}

static void
load_host(struct site *site, struct outside_host *h, const struct jc_params *ps,
    struct diags *diags)
{
	static const char *const keys[] = { "network", "address", "gateway",
		"service", "description", "manage.tcp" };
	const struct jc_resolved *p, *net_p = NULL;
	const struct ipprefix *router;
	const char *s;
	size_t i, k, n;
	bool has_addr = false;

	h->network = NO_INDEX;
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (strcmp(p->name, "network") == 0) {
			if ((s = jc_one_value(p, diags)) == NULL)
				continue;
			net_p = p;
			if ((h->network = find_network(site, s)) == NO_INDEX)
				diag_error(diags, p->value_locs[0], "no "
				    "network '%s' in site.conf", s);
		} else if (strcmp(p->name, "address") == 0) {
			if (jc_one_value(p, diags) != NULL &&
			    value_prefix(p, 0, &h->addr, diags) == 0) {
				has_addr = true;
				h->addr_loc = p->value_locs[0];
			}
		} else if (strcmp(p->name, "gateway") == 0) {
			if ((s = jc_one_value(p, diags)) == NULL)
				continue;
			if (ipaddr_parse(s, &h->gateway) != 0)
				diag_error(diags, p->value_locs[0], "'%s' is "
				    "not an address", s);
			else
				h->has_gateway = true;
		} else if (strcmp(p->name, "service") == 0) {
			h->services = xcalloc(p->nvalues, sizeof(size_t));
			for (k = 0; k < p->nvalues; k++) {
				n = find_service(site, p->values[k].s);
				if (n == NO_INDEX)
					diag_error(diags, p->value_locs[k],
					    "no service '%s' in site.conf",
					    p->values[k].s);
				else
					h->services[h->nservices++] = n;
			}
		} else if (strcmp(p->name, "description") == 0) {
			if ((s = jc_one_value(p, diags)) != NULL) {
				free(h->description);
				h->description = xstrdup(s);
			}
		} else if (strcmp(p->name, "manage.tcp") == 0) {
			load_manage(h, p, diags);
		} else {
			unknown_param(p, "host", keys, 6, diags);
		}
	}
	check_host_dir(site, h, diags);
	if (net_p == NULL || !has_addr) {
		diag_error(diags, h->loc, "host '%s' needs a network and an "
		    "address", h->name);
		return;
	}
	if (h->network == NO_INDEX)
		return;
	/* On the internet, a host's gateway is the router of its subnet. */
	if (site->networks[h->network].kind == NETWORK_INTERNET &&
	    !h->has_gateway) {
		router = network_router_for(&site->networks[h->network],
		    &h->addr);
		if (router == NULL) {
			diag_error(diags, h->addr_loc, "the address is on "
			    "none of the subnets of network '%s'",
			    site->networks[h->network].name);
			return;
		}
		h->gateway = router->addr;
		h->has_gateway = true;
	}
}

static void
load_zone(struct site *site, struct dns_zone *z, const struct jc_params *ps,
    struct diags *diags)
{
	static const char *const keys[] = { "server", "ttl", "records" };
	const struct jc_resolved *p;
	const char *s;
	size_t i, k;

	z->host = NO_INDEX;
	z->ttl = 300;
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (strcmp(p->name, "server") == 0) {
			if ((s = jc_one_value(p, diags)) == NULL)
				continue;
			if ((z->host = find_host(site, s)) == NO_INDEX)
				diag_error(diags, p->value_locs[0], "no host "
				    "'%s' in site.conf to serve the zone", s);
		} else if (strcmp(p->name, "ttl") == 0) {
			value_uint(p, 1, 604800, &z->ttl, diags);
		} else if (strcmp(p->name, "records") == 0) {
			z->records = xcalloc(p->nvalues, sizeof(*z->records));
			for (k = 0; k < p->nvalues; k++) {
				/* Resolved to a server or a host in
				   site_conf_finish(). */
				z->records[k].server = NO_INDEX;
				z->records[k].host = NO_INDEX;
				z->records[k].name =
				    xstrdup(p->values[k].s);
				z->records[k].loc = p->value_locs[k];
			}
			z->nrecords = p->nvalues;
		} else {
			unknown_param(p, "zone", keys, 3, diags);
		}
	}
	if (z->host == NO_INDEX)
		diag_error(diags, z->loc, "zone '%s' needs the host that "
		    "serves it (server = HOST)", z->name);
}

/* A block's kind as an index in block_kinds, or -1 with an error. */
static int
block_kind(const struct jc_block *blk, struct diags *diags)
{
	const char *hint;
	size_t i;

	if (blk->kind == NULL) {
		diag_error(diags, blk->loc, "a site.conf block needs a kind: "
		    "'network %s {', 'server %s {', ...", blk->name,
		    blk->name);
		return -1;
	}
	for (i = 0; i < 5; i++)
		if (strcmp(blk->kind, block_kinds[i]) == 0)
			return (int)i;
	hint = closest_word(blk->kind, block_kinds, 5);
	if (hint != NULL)
		diag_error(diags, blk->kind_loc, "unknown block kind '%s'; "
		    "did you mean '%s'?", blk->kind, hint);
	else
		diag_error(diags, blk->kind_loc, "unknown block kind '%s' "
		    "(network, server, host, service or zone)", blk->kind);
	return -1;
}

/* Record block ${blk} of kind ${kind} in ${site}; error if named twice. */
static void
declare_block(struct site *site, const struct jc_block *blk, int kind)
{
	struct loc *l;
	char **name;
	size_t n;

	switch (kind) {
	case 0:
		n = site->nnetworks;
		site->networks = xrealloc(site->networks,
		    (n + 1) * sizeof(*site->networks));
		memset(&site->networks[n], 0, sizeof(site->networks[n]));
		name = &site->networks[n].name;
		l = &site->networks[n].loc;
		site->nnetworks++;
		break;
	case 1:
		n = site->nservers;
		site->servers = xrealloc(site->servers,
		    (n + 1) * sizeof(*site->servers));
		memset(&site->servers[n], 0, sizeof(site->servers[n]));
		name = &site->servers[n].name;
		l = &site->servers[n].loc;
		site->nservers++;
		break;
	case 2:
		n = site->nhosts;
		site->hosts = xrealloc(site->hosts,
		    (n + 1) * sizeof(*site->hosts));
		memset(&site->hosts[n], 0, sizeof(site->hosts[n]));
		name = &site->hosts[n].name;
		l = &site->hosts[n].loc;
		site->nhosts++;
		break;
	case 3:
		n = site->nservices;
		site->services = xrealloc(site->services,
		    (n + 1) * sizeof(*site->services));
		memset(&site->services[n], 0, sizeof(site->services[n]));
		name = &site->services[n].name;
		l = &site->services[n].loc;
		site->nservices++;
		break;
	default:
		n = site->nzones;
		site->zones = xrealloc(site->zones,
		    (n + 1) * sizeof(*site->zones));
		memset(&site->zones[n], 0, sizeof(site->zones[n]));
		name = &site->zones[n].name;
		l = &site->zones[n].loc;
		site->nzones++;
		break;
	}
	*name = xstrdup(blk->name);
	*l = blk->loc;
}

int
site_conf_load(struct site *site, struct diags *diags)
{
	size_t nerr = diags->nerrors, nother = 0, n0, i, j, idx[5] = { 0 };
	bool *declared;
	struct jail_conf *conf;
	struct jc_params ps;
	struct source *src;
	char *path;
	int errnum = 0, kind;

	src = fsview_read_site(site->dir, "site.conf", &errnum);
	if (src == NULL) {
		struct source dir = { .path = site->dir, .text = (char *)"" };

		path = xasprintf("%s/site.conf", site->dir);
		diag_error(diags, loc_file(&dir), "not a jailnet site: cannot "
		    "read %s: %s", path, fsview_strerror(errnum));
		free(path);
		return -1;
	}
	site_adopt_source(site, src);
	conf = jailconf_parse(src, diags);
	for (i = 0; i < conf->nglobals; i++)
		diag_error(diags, conf->globals[i].loc, "site.conf parameters "
		    "belong in a block (network, server, host, service, "
		    "zone)");

	/* First every name, so that blocks may refer to later ones. */
	declared = xcalloc(conf->nblocks, sizeof(*declared));
	for (i = 0; i < conf->nblocks; i++) {
		const struct jc_block *blk = &conf->blocks[i];

		if ((kind = block_kind(blk, diags)) < 0)
			continue;
		for (j = 0; j < i; j++) {
			if (str_eq(conf->blocks[j].kind, blk->kind) &&
			    strcmp(conf->blocks[j].name, blk->name) == 0)
				break;
		}
		if (j < i) {
			diag_error(diags, blk->loc, "%s '%s' is defined "
			    "twice", blk->kind, blk->name);
			diag_note(diags, conf->blocks[j].loc, "first defined "
			    "here");
			continue;
		}
		declare_block(site, blk, kind);
		declared[i] = true;
	}

	/* Services, networks and hosts before the servers that use them. */
	for (kind = 0; kind < 5; kind++) {
		static const int order[5] = { 3, 0, 2, 1, 4 };
		int k = order[kind];

		for (i = 0; i < conf->nblocks; i++) {
			const struct jc_block *blk = &conf->blocks[i];

			if (!declared[i] ||
			    strcmp(blk->kind, block_kinds[k]) != 0)
				continue;
			n0 = diags->nerrors;
			memset(&ps, 0, sizeof(ps));
			jailconf_resolve(conf, blk, &ps, diags);
			switch (k) {
			case 0:
				load_network(&site->networks[idx[k]], &ps,
				    diags);
				break;
			case 1:
				load_server(site, &site->servers[idx[k]], &ps,
				    diags);
				break;
			case 2:
				load_host(site, &site->hosts[idx[k]], &ps,
				    diags);
				break;
			case 3:
				load_service(&site->services[idx[k]], &ps,
				    diags);
				break;
			default:
				load_zone(site, &site->zones[idx[k]], &ps,
				    diags);
				break;
			}
			idx[k]++;
			jc_params_free(&ps);
			/* Nothing but site.conf rests on these three. */
			if (k == 2 || k == 3 || k == 4)
				nother += diags->nerrors - n0;
		}
	}
	if (site->nservers == 0 && diags->nerrors - nother == nerr)
		diag_error(diags, loc_file(src), "site.conf declares no "
		    "server");
	free(declared);
	jailconf_free(conf);
	return diags->nerrors - nother == nerr ? 0 : -1;
}

int
site_conf_finish(struct site *site, struct diags *diags)
{
	size_t nerr = diags->nerrors, z, r, h;
	struct dns_record *rec;
	struct server *srv;

	/* trace, verify, intent files and zone records name both alone. */
	for (h = 0; h < site->nhosts; h++)
		if (site_server(site, site->hosts[h].name) != NULL)
			diag_error(diags, site->hosts[h].loc, "host '%s' has "
			    "the name of a server: the names of servers and "
			    "hosts must differ", site->hosts[h].name);
	for (z = 0; z < site->nzones; z++) {
		for (r = 0; r < site->zones[z].nrecords; r++) {
			rec = &site->zones[z].records[r];
			if ((srv = site_server(site, rec->name)) == NULL &&
			    (h = find_host(site, rec->name)) != NO_INDEX) {
				/* A provider's name: the host's address. */
				rec->host = h;
				rec->addr = site->hosts[h].addr.addr;
				continue;
			}
			if (srv == NULL) {
				diag_error(diags, rec->loc, "no server or host "
				    "'%s' in site.conf", rec->name);
				continue;
			}
			rec->server = (size_t)(srv - site->servers);
			/* The address comes from a host rc.conf. */
			if (site->failed.hosts)
				continue;
			if (server_public_addr(site, srv, &rec->addr) != 0)
				diag_error(diags, rec->loc, "server %s has no "
				    "address on an internet network for its "
				    "record", srv->name);
		}
	}
	return diags->nerrors == nerr ? 0 : -1;
}
