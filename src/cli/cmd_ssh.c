/* jailnet ssh: an operator's ssh into a jail or a server, the way the
   model says. */
#include "cli/cmd_ssh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "jail/supervise.h"
#include "jail/procs.h"
#include "jail/jail_init.h"
#include "kernel/netns.h"
#include "kernel/state.h"
#include "lib/util.h"
#include "pf/pf.h"
#include "pf/pf_site.h"
#include "services/ssh_keys.h"
#include "verify/walk.h"
#include "verify/world.h"

#define SSH_PROGRAM "/usr/bin/ssh"
/* The manage ports tried per address at most: manage.tcp is a few ports. */
#define SSH_MAX_TRIES 4096

/* The way found: the address and port the operator's ssh connects to. */
struct ssh_way {
	uint32_t addr;
	unsigned port;
	unsigned to_port;	/* the jail's sshd port it is delivered to */
};

static int
ssh_usage(const char *fmt, const char *arg)
{
	return cli_usage("ssh", CMD_SSH_USAGE, fmt, arg);
}

/* Whether ${flow}'s first connection reached ${to} at one of ${ports}
   and its reply came back. */
static bool
reaches(const struct wflow *flow, size_t to, const unsigned *ports,
    size_t nports, unsigned *to_port)
{
	const struct wleg *leg = &flow->legs[0];
	size_t i;

	if (flow->nlegs == 0 || flow->unsupported ||
	    leg->end != WHOP_DELIVERED || leg->to != to || !leg->replied)
		return false;
	for (i = 0; i < nports; i++)
		if (leg->got.dport == ports[i]) {
			*to_port = ports[i];
			return true;
		}
	return false;
}

/* What find_way() walks with, and what it looks for. */
struct way_search {
	struct walker *wk;
	struct wflow flow;
	size_t from, to;		/* the manage host's node, the jail's */
	const struct outside_host *host;
	const unsigned *ports;		/* the jail's sshd ports */
	size_t nports;
	size_t tries;			/* walks so far, SSH_MAX_TRIES at most */
};

/*
 * The first port of the host's manage.tcp by which a SYN to ${addr}
 * reaches the jail's sshd and back: return 0 with ${way} set, or -1.
 */
static int
try_addr(struct way_search *ws, uint32_t addr, struct ssh_way *way)
{
	struct pf_packet pkt;
	uint32_t port;
	size_t m;

	memset(&pkt, 0, sizeof(pkt));
	pkt.af = AF_INET;
	pkt.proto = IPPROTO_TCP;
	pkt.src = v4addr(0);
	pkt.dst = v4addr(addr);
	pkt.sport = WALK_EPHEMERAL;
	pkt.flags = PF_TH_SYN;
	pkt.icmp_type = -1;
	pkt.icmp_code = -1;
	for (m = 0; m < ws->host->nmanage_tcp; m++)
		for (port = ws->host->manage_tcp[m][0];
		    port <= ws->host->manage_tcp[m][1] &&
		    ws->tries < SSH_MAX_TRIES; port++, ws->tries++) {
			pkt.dport = (uint16_t)port;
			if (walker_run(ws->wk, ws->from, &pkt, &ws->flow) == 0 &&
			    reaches(&ws->flow, ws->to, ws->ports, ws->nports,
			    &way->to_port)) {
				way->addr = addr;
				way->port = port;
				return 0;
			}
		}
	return -1;
}

/*
 * Find in ${w} the first address of ${srv}'s node (then of the jail's
 * own, unless ${to} is the server) and port of ${host}'s manage.tcp by which a SYN from ${from}
 * reaches node ${to} at one of ${ports}.  Return 0 with ${way} set, or -1.
 */
static int
find_way(const struct world *w, size_t from, const struct outside_host *host,
    size_t srv, size_t to, const unsigned *ports, size_t nports,
    struct ssh_way *way)
{
	struct way_search ws = { .wk = walker_new(w), .from = from, .to = to,
		.host = host, .ports = ports, .nports = nports };
	const size_t nodes[2] = { srv, to };
	const struct wnode *n;
	const struct wport *pt;
	size_t k, p, a;
	int rc = -1;

	/* A server's own sshd: its addresses once. */
	for (k = 0; rc != 0 && k < (srv == to ? 1 : 2); k++) {
		n = &w->nodes[nodes[k]];
		for (p = 0; rc != 0 && p < n->nports; p++) {
			pt = &w->ports[n->ports[p]];
			for (a = 0; rc != 0 && a < pt->naddrs; a++)
				rc = try_addr(&ws, pt->addrs[a], way);
		}
	}
	wflow_free(&ws.flow);
	walker_free(ws.wk);
	return rc;
}

/* The outside host called ${name}, or the first that manages (NULL). */
static const struct outside_host *
manage_host(const struct site *site, const char *name)
{
	size_t h;

	for (h = 0; h < site->nhosts; h++)
		if (name != NULL ? str_eq(site->hosts[h].name, name) :
		    site->hosts[h].nmanage_tcp > 0)
			return &site->hosts[h];
	return NULL;
}

int
cmd_ssh(int argc, char **argv)
{
	const char *from_name = NULL, *dir;
	const struct outside_host *host;
	struct ssh_place at = { 0 };
	struct diags diags;
	struct pf_site *ps;
	struct world *w;
	struct ssh_way way;
	struct nl_error err;
	struct strbuf args = { 0 };
	char *where, *slash, *ns, *key, *known, *place = NULL;
	char *aliasopt = NULL, *kh = NULL, *dest = NULL, *portarg = NULL;
	char addr[INET_ADDRSTRLEN], **sargv = NULL;
	const char *pos[2];
	int npos = 0;
	unsigned ports[SSH_KEYS_MAX_PORTS];
	size_t nports, from, to, srvnode, i, n;
	bool dry = false;
	int first = 0, rc = EXIT_INVALID;
	struct in_addr ia;

	/* Options anywhere before the command: SITE, SERVER[/JAIL], then
	   it. */
	for (; first < argc; first++) {
		if (str_eq(argv[first], "--")) {
			first++;
			break;
		} else if (str_eq(argv[first], "-n"))
			dry = true;
		else if (str_eq(argv[first], "--from")) {
			if (++first == argc)
				return ssh_usage("--from needs a host", NULL);
			from_name = argv[first];
		} else if (argv[first][0] == '-' && npos < 2)
			return ssh_usage("unknown option '%s'", argv[first]);
		else if (npos < 2)
			pos[npos++] = argv[first];
		else
			break;
	}
	if (npos < 2)
		return ssh_usage("needs SITE and SERVER or SERVER/JAIL", NULL);
	diags_init(&diags);
	ps = pf_site_load(pos[0], &diags);
	if (ps == NULL)
		diags_print(&diags, stderr);
	diags_free(&diags);
	if (ps == NULL)
		return EXIT_INVALID;
	where = xstrdup(pos[1]);
	if ((slash = strchr(where, '/')) != NULL)
		*slash++ = '\0';
	ns = key = known = NULL;
	w = NULL;
	if ((at.server = site_server(ps->site, where)) == NULL) {
		fprintf(stderr, "jailnet ssh: site %s has no server '%s'\n",
		    ps->site->name, where);
		goto out;
	}
	if (slash != NULL &&
	    (at.jail = server_jail(at.server, slash)) == NULL) {
		fprintf(stderr, "jailnet ssh: server %s has no jail '%s'\n",
		    at.server->name, slash);
		goto out;
	}
	place = ssh_keys_place_name(&at);
	if ((dir = ssh_keys_sshd_dir(ps->site, &at)) == NULL) {
		fprintf(stderr, "jailnet ssh: %s runs no sshd (its rc.conf "
		    "enables neither sshd nor openssh)\n", place);
		goto out;
	}
	if ((host = manage_host(ps->site, from_name)) == NULL) {
		if (from_name != NULL)
			fprintf(stderr, "jailnet ssh: site %s has no outside "
			    "host '%s'\n", ps->site->name, from_name);
		else
			fprintf(stderr, "jailnet ssh: no outside host of %s "
			    "sets manage.tcp: name one with --from HOST\n",
			    ps->site->name);
		goto out;
	}
	if (host->nmanage_tcp == 0) {
		fprintf(stderr, "jailnet ssh: host %s sets no manage.tcp: the "
		    "ports it manages by are not known\n", host->name);
		goto out;
	}
	ssh_keys_sshd_ports(&at, dir, ports, &nports);
	if ((w = cli_world_new(ps)) == NULL)
		goto out;
	from = world_node(w, host->name);
	to = world_node(w, place);
	srvnode = world_node(w, at.server->name);
	if (from == NO_INDEX || to == NO_INDEX || srvnode == NO_INDEX ||
	    find_way(w, from, host, srvnode, to, ports, nports, &way) != 0) {
		fprintf(stderr, "jailnet ssh: no port of %s's manage.tcp "
		    "reaches the sshd of %s (port %u) and back in the "
		    "model; jailnet trace %s %s %s tcp %u shows the way\n",
		    host->name, place, ports[0], pos[0], host->name, place,
		    ports[0]);
		goto out;
	}
	ia.s_addr = htonl(way.addr);
	inet_ntop(AF_INET, &ia, addr, sizeof(addr));
	ns = procs_netns_name(ps->site->name, JAIL_INIT_HOST, host->name);
	key = ssh_keys_operator(DATA_ROOT, ps->site->name);
	known = ssh_keys_known_hosts(DATA_ROOT, ps->site->name);
	if (!dry && (!netns_exists(ns) || access(key, R_OK) != 0)) {
		fprintf(stderr, "jailnet ssh: %s is not up (%s)\n",
		    ps->site->name, !netns_exists(ns) ?
		    "no namespace for its outside hosts" :
		    "no operator key: up makes it");
		goto out;
	}
	kh = xasprintf("UserKnownHostsFile=%s", known);
	aliasopt = xasprintf("HostKeyAlias=%s", place);
	portarg = xasprintf("%u", way.port);
	dest = xasprintf("root@%s", addr);
	{
		char *fixed[] = { SSH_PROGRAM, "-F", "/dev/null", "-i", key,
			"-o", "IdentitiesOnly=yes", "-o", kh, "-o",
			"GlobalKnownHostsFile=/dev/null", "-o", aliasopt, "-o",
			"StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
			"-p", portarg, dest };
		n = sizeof(fixed) / sizeof(fixed[0]);
		sargv = xcalloc(n + (size_t)(argc - first) + 2,
		    sizeof(*sargv));
		memcpy(sargv, fixed, sizeof(fixed));
		if (first < argc)
			sargv[n++] = "--";
		for (i = (size_t)first; i < (size_t)argc; i++)
			sargv[n++] = argv[i];
	}
	if (dry) {
		printf("%s -> %s port %u -> %s port %u\n", host->name, addr,
		    way.port, place, way.to_port);
		for (i = 0; i < n; i++) {
			strbuf_adds(&args, i > 0 ? " " : "");
			strbuf_adds(&args, sargv[i]);
		}
		printf("ip netns exec %s %s\n", ns, strbuf_cstr(&args));
		strbuf_free(&args);
		rc = 0;
	} else if (supervise_enter(ns, host->name, false, &err) != 0) {
		fprintf(stderr, "jailnet ssh: %s\n", err.msg);
	} else {
		fflush(NULL);
		execv(SSH_PROGRAM, sargv);
		fprintf(stderr, "jailnet ssh: %s: %s\n", SSH_PROGRAM,
		    strerror(errno));
		rc = 127;
	}
out:
	free(sargv);
	free(kh);
	free(aliasopt);
	free(portarg);
	free(dest);
	free(place);
	world_free(w);
	free(ns);
	free(key);
	free(known);
	free(where);
	pf_site_free(ps);
	return rc;
}
