/*
 * world: the whole site as places joined by wires, for the site-wide
 * analysis.
 *
 * A place (struct wnode) is somewhere packets start and end: a server's
 * host, a jail, an outside host of site.conf, or the router of an internet
 * network (which stands for the internet beyond it).  A port is one of a
 * place's interfaces; a wire joins ports at layer 2: the two halves of an
 * epair, a switch network with the NICs and hosts on it, one subnet of an
 * internet network with its router.  A server's bridge joins its members'
 * wires inside the server, where its pf sees the frames (pf_eval does
 * that part); the world only says which member leads to an address.
 *
 * IPv4 only: the analysis answers for every IPv4 packet.  Pure: built from
 * a loaded pf_site, reads nothing.
 */
#ifndef JAILNET_VERIFY_WORLD_H
#define JAILNET_VERIFY_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "pf/pf_bind.h"
#include "pf/pf_site.h"

enum wnode_kind {
	WNODE_SERVER,
	WNODE_JAIL,
	WNODE_HOST,		/* an outside host of site.conf */
	WNODE_ROUTER,		/* an internet network's router: the
				   internet beyond it */
};

struct wport {
	size_t node;
	char *ifname;
	uint32_t *addrs;	/* its IPv4 addresses, host order */
	uint8_t *lens;		/* and their prefix lengths */
	size_t naddrs;
	size_t wire;		/* NO_INDEX: none (a bridge, lo0) */
	size_t bridge;		/* a server's bridge member: the port of
				   its bridge; else NO_INDEX */
	bool is_bridge;
};

/* A route of a place that is not a server (servers use pf_bound's). */
struct wroute {
	uint32_t dst;
	unsigned len;
	bool has_gateway;
	uint32_t gateway;
	size_t port;		/* index in world->ports */
};

struct wnode {
	enum wnode_kind kind;
	char *name;		/* "a", "a/nginx_j", "client1", "internet" */
	const struct server *srv;	/* SERVER, JAIL */
	const struct jail *jail;	/* JAIL */
	const struct outside_host *host;	/* HOST */
	const struct network *net;	/* ROUTER */
	size_t server;		/* SERVER, JAIL: index in site->servers */
	const struct pf_bound *pf;	/* SERVER: its pf (an empty ruleset
					   when pf_enable is off) */
	size_t *ports;		/* indices in world->ports */
	size_t nports;
	struct wroute *routes;	/* longest prefix first */
	size_t nroutes;
};

struct wwire {
	char *name;		/* for traces: "epair3", "lan", "internet 192.0.2.0/24" */
	size_t *ports;
	size_t nports;
};

struct world {
	const struct pf_site *ps;
	struct wnode *nodes;
	size_t nnodes;
	struct wport *ports;
	size_t nports;
	struct wwire *wires;
	size_t nwires;
	struct pf_bound **own;	/* the empty rulesets made for servers
				   without pf, owned; [site->nservers] */
};

/**
 * world_new(ps, diags):
 * Build the world of the loaded site ${ps} (which must outlive it).
 * Return it (owned by the caller, freed with world_free()), or NULL with
 * an error in ${diags} when a server's pf could not be bound.
 */
struct world *world_new(const struct pf_site *ps, struct diags *diags);

/**
 * world_free(w):
 * Free ${w}; does nothing if NULL.
 */
void world_free(struct world *w);

/**
 * world_node(w, name):
 * Return the index of the place called ${name} ("a", "a/pg_j",
 * "client1", or "internet" for the first internet router), or NO_INDEX.
 */
size_t world_node(const struct world *w, const char *name);

/**
 * world_is_local(w, node, a):
 * Return true if ${a} is an address of place ${node}: one of its ports'
 * addresses, or 127.0.0.0/8 (servers: pf_bound_is_local(); a router: its
 * own addresses only).
 */
bool world_is_local(const struct world *w, size_t node, uint32_t a);

/**
 * world_route(w, node, dst, out_port, nexthop):
 * Route ${dst} from place ${node} (not a server): store the port it
 * leaves by and the next hop (the gateway, or ${dst} on a connected
 * subnet).  Return 0, or -1 when there is no route.
 */
int world_route(const struct world *w, size_t node, uint32_t dst,
    size_t *out_port, uint32_t *nexthop);

/**
 * world_port_of(w, node, ifname):
 * Return the index of port ${ifname} of place ${node}, or NO_INDEX.
 */
size_t world_port_of(const struct world *w, size_t node, const char *ifname);

/**
 * world_source_addr(w, port):
 * The source address a place picks for a packet it sends out of ${port}:
 * the port's first IPv4 address; for a bridge member without one, its
 * bridge's.  Return it, or 0 if the port has none.
 */
uint32_t world_source_addr(const struct world *w, size_t port);

/**
 * world_l2_next(w, from, nh, whole_bridge, next):
 * A frame for the owner of address ${nh} leaves by port ${from}: store in
 * ${next} the port it enters next, on ${from}'s wire (or, with
 * ${whole_bridge} and ${from} a bridge or a bridge member, on the wire of
 * any member of that bridge, as bridge_output() sends a routed packet):
 * the owner itself, or the member of another server's bridge behind which
 * the owner is, or which that server owns.  Return 0, or -1 if nobody on
 * the segment owns ${nh} (no neighbour answers ARP).
 */
int world_l2_next(const struct world *w, size_t from, uint32_t nh,
    bool whole_bridge, size_t *next);

/**
 * world_member_toward(w, in_member, nh):
 * A frame for the owner of ${nh} enters a server by bridge member
 * ${in_member}: return the other member of that bridge it leaves by, or
 * NO_INDEX if the server itself owns ${nh} (on the bridge or a member) or
 * nobody behind the bridge does.
 */
size_t world_member_toward(const struct world *w, size_t in_member,
    uint32_t nh);

/**
 * v4(a), v4addr(x):
 * An IPv4 ipaddr as a host-order integer, and back.
 */
uint32_t v4(const struct ipaddr *a);
struct ipaddr v4addr(uint32_t x);

#endif
