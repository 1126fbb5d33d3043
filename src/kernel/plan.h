/*
 * plan: the operations that bring a site up, computed from the model
 * alone.  plan_build() is pure (no kernel, no files): the same site gives
 * the same plan, which `jailnet up -n` prints and apply executes.
 *
 * The simulated world of a site S has one named network namespace per
 * server ("S-SERVER"), per jail ("S-SERVER-JAIL"), per network of site.conf
 * ("S-net-NETWORK") and per outside host ("S-host-HOST").  Every veth has
 * both ends in namespaces of the plan: nothing links to the namespace jailnet
 * runs in.
 *
 * Operations come in phases (all namespaces, then all links, then bridge
 * ports...), and inside a phase grouped by namespace, so that apply can
 * send one netlink batch per namespace per phase and every link a request
 * names exists when the request is built.
 *
 * Each server with pf_enable gets its pf.conf compiled to nftables
 * (pf_nft.h) as one firewall step, after its network exists.
 */
#ifndef JAILNET_PLAN_H
#define JAILNET_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_site.h"

/* Longest interface name Linux accepts (IFNAMSIZ - 1). */
#define PLAN_IFNAMSIZ 15

enum op_kind {
	OP_NETNS,	/* create the named namespace ${ns} */
	OP_BRIDGE,	/* create bridge ${link} in ${ns} */
	OP_VETH,	/* veth ${link} in ${ns}, its peer ${peer} in ${peer_ns} */
	OP_RENAME,	/* --host: the NIC ${link} becomes ${peer} (set down
			   first: Linux renames only links that are down) */
	OP_MASTER,	/* make ${link} a port of bridge ${master} */
	OP_MTU,		/* set the MTU of ${link} to ${mtu} */
	OP_ADDR,	/* add ${prefix} to ${link} */
	OP_UP,		/* set ${link} up */
	OP_ROUTE,	/* default route via ${gateway} */
	OP_SYSCTL,	/* set the sysctl ${key} to ${value} in ${ns} */
	OP_FIREWALL,	/* load the nft script ${text} in ${ns}, atomically:
			   the server's pf.conf compiled (pf_nft.h) */
	OP_NOTE,	/* nothing to do: a translation said aloud (${text}) */
};

/* The phases, in the order they run; each op belongs to one. */
enum op_phase {
	PHASE_NETNS,
	PHASE_LINK,
	PHASE_MASTER,
	PHASE_CONFIG,	/* MTU, addresses, up */
	PHASE_ROUTE,
	PHASE_SYSCTL,
	PHASE_FIREWALL,
	PHASE_NOTE,
};

/* Whose namespace it is. */
enum ns_role {
	NS_NETWORK,	/* a network of site.conf: a router or a switch */
	NS_HOST,	/* an outside host */
	NS_SERVER,
	NS_JAIL,
};

struct plan_ns {
	char *name;		/* "S-a-pg_j"; "(host)" if ${current} */
	bool current;		/* --host: the namespace jailnet runs in, not
				   created nor deleted by it */
	enum ns_role role;
	struct loc loc;		/* the server, jail, network or host */
};

struct op {
	enum op_kind kind;
	enum op_phase phase;
	size_t ns;		/* index in plan->ns */
	char *link;		/* the link acted on */
	char *peer;		/* VETH: the other end */
	size_t peer_ns;		/* VETH: its namespace */
	char *master;		/* MASTER: the bridge */
	unsigned mtu;		/* MTU */
	struct ipprefix prefix;	/* ADDR */
	struct ipaddr gateway;	/* ROUTE */
	char *key, *value;	/* SYSCTL */
	char *text;		/* NOTE: the note; FIREWALL: the nft script */
	char *server;		/* FIREWALL: the server's name */
	struct loc loc;		/* where in the site's files it comes from */
};

struct plan {
	char *site;		/* the site's name: the namespaces' prefix */
	bool host;		/* one server on this host (plan_build_host) */
	struct plan_ns *ns;	/* in creation order; teardown is reverse */
	size_t nns, nscap;
	struct op *ops;		/* in execution order */
	size_t nops, opcap;
};

/**
 * plan_build(ps, diags):
 * Compute the operations that build the simulated world of the site of
 * ${ps}, each server's firewall compiled from its bound pf.conf.
 * Record in ${diags} what cannot be planned (an address outside every
 * router subnet, a name too long for Linux, two namespaces with one name).
 * Return the plan, owned by the caller and freed with plan_free(), or NULL
 * if an error was recorded.
 */
struct plan *plan_build(const struct pf_site *ps, struct diags *diags);

/**
 * plan_build_host(ps, server, diags):
 * Compute the operations that set up the server named ${server} of the
 * site of ${ps} in the namespace jailnet runs in (a real host): its NICs are the
 * Linux devices that site.conf maps to them (linux.NIC = DEV), renamed to
 * the names pf.conf and rc.conf use; its bridges, epairs, addresses,
 * routes, sysctls and firewall as plan_build() makes them; its jails in
 * namespaces of their own.  No network, outside host or other server.
 * Record in ${diags} a NIC without a Linux device, an unknown server, and
 * what plan_build() records.  Return the plan (caller frees) or NULL.
 */
struct plan *plan_build_host(const struct pf_site *ps, const char *server,
    struct diags *diags);

/**
 * plan_free(plan):
 * Free ${plan}; does nothing if NULL.
 */
void plan_free(struct plan *plan);

/**
 * plan_find_ns(plan, name):
 * Return the index of the namespace ${name} of ${plan}, or NO_INDEX.
 */
size_t plan_find_ns(const struct plan *plan, const char *name);

/**
 * op_kind_name(kind):
 * Return the word naming ${kind} in the plan's text ("netns", "veth"...).
 */
const char *op_kind_name(enum op_kind kind);

/**
 * plan_describe_op(plan, op, out):
 * Append to ${out} what ${op} does, in words, without its location:
 * "veth ngx_a in uxtely-a <-> ngx_b in uxtely-a-nginx_j".  Used by the
 * plan's text and by apply's errors.
 */
void plan_describe_op(const struct plan *plan, const struct op *op,
    struct strbuf *out);

/**
 * plan_print(plan, out):
 * Append the text of ${plan} to ${out}: a header, then one line per
 * operation, "STEP DESCRIPTION  (FILE:LINE)", deterministic.
 */
void plan_print(const struct plan *plan, struct strbuf *out);

/**
 * plan_print_firewalls(plan, out):
 * Append to ${out} the nft script of each firewall step of ${plan}, each
 * after a comment line naming the step, the server and the namespace.
 */
void plan_print_firewalls(const struct plan *plan, struct strbuf *out);

/**
 * plan_loc_format(loc, buf, size):
 * Write "FILE:LINE" (or "FILE", or "-" for no place) of ${loc} into ${buf}
 * of ${size} bytes and return ${buf}.
 */
const char *plan_loc_format(struct loc loc, char *buf, size_t size);

#endif
