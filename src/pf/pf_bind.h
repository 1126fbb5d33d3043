/*
 * pf_bind: a parsed pf.conf bound to one server.
 *
 * pf.conf is the same file on every server; what its rules mean depends on
 * the server: the interfaces it names, their addresses (xnic, (xnic:0),
 * xnic:network, self), the table files in that server's view, and the
 * routes the host has (no-route, urpf-failed, which interface a packet
 * leaves on).  pf_bind() resolves all of that once, so that the static
 * model (pf_eval) and the nftables compiler (pf_nft) read the same facts.
 *
 * The host's view is FreeBSD's: an address rc.conf puts on a bridge member
 * (inic) stays on that member here, because that is what pf on FreeBSD
 * sees; only the Linux plan moves it to the bridge.
 */
#ifndef JAILNET_PF_BIND_H
#define JAILNET_PF_BIND_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/diag.h"
#include "model/site.h"
#include "pf/pf.h"

/* One interface of the server's host (not the jails' ends). */
struct pf_iface {
	char *name;
	struct ipprefix *addrs;		/* in rc.conf order; [0] is IF:0 */
	size_t naddrs;
	bool is_bridge;
	size_t bridge;			/* index in pf_bound.ifaces of its
					   bridge, or NO_INDEX */
	bool is_loopback;		/* lo0: 127.0.0.1/8, ::1, fe80::1,
					   then ifconfig_lo0's */
	bool skip;			/* named by "set skip on" */
};

/* A route of the host: connected subnets and the default route. */
struct pf_route {
	struct ipprefix dst;		/* 0.0.0.0/0 for the default */
	bool has_gateway;
	struct ipaddr gateway;
	size_t iface;			/* index in pf_bound.ifaces */
};

/* One entry of a table: an address or network, possibly negated. */
struct pf_table_entry {
	struct ipprefix prefix;
	bool neg;
	struct loc loc;			/* in the table file or pf.conf */
};

struct pf_bound_table {
	const struct pf_table *def;	/* its definition, or NULL if only
					   used (an overload target, or a
					   table a rule names without
					   defining it: pf creates those
					   empty, and so does pf_bind) */
	char *name;
	struct pf_table_entry *entries;
	size_t nentries;
	bool is_const;
	bool is_dynamic;		/* an overload target: filled at run
					   time, kept across reloads */
	bool used;			/* a rule names it (or overloads it) */
};

struct pf_bound {
	const struct server *server;
	struct pf_ruleset *rs;		/* owned */
	struct pf_iface *ifaces;	/* lo0 first, then the host's (on
					   a bare server, the rules' names) */
	size_t nifaces, ifacecap;
	struct pf_route *routes;	/* longest prefix first */
	size_t nroutes;
	struct pf_bound_table *tables;	/* the defined ones in file order,
					   then those only used */
	size_t ntables, tablecap;
	struct source **sources;	/* pf.conf and table files read */
	size_t nsources, srccap;
};

/**
 * pf_bind(site, srv, diags):
 * Read ${srv}'s pf.conf (srv->pf_rules in its view), parse it with the
 * host names of its /etc/hosts (FreeBSD's default one if the view has
 * none; never the DNS), load its tables and resolve it against the
 * server.  Errors at their place in
 * pf.conf or the table files: an interface the server does not have ("on
 * ifx", "ifx:network", "(ifx:0)"; pfctl's "no IP address found for ifx"
 * when used as an address), a table file missing in the server's view, an
 * interface address with no address.  A table used but not defined is
 * created empty, as pf does, with a warning (none for an overload target).
 * "set skip on" a name the server lacks is a warning.  Return the bound
 * ruleset (owned by the caller, freed with pf_bound_free())
 * or NULL if any error was recorded.
 */
struct pf_bound *pf_bind(const struct site *site, const struct server *srv,
    struct diags *diags);

/**
 * pf_bind_source(site, srv, src, diags):
 * The same as pf_bind() with the pf.conf text ${src} instead of the
 * server's file (for tests and tools); takes ownership of ${src} (freed
 * with the result, or before returning NULL).
 */
struct pf_bound *pf_bind_source(const struct site *site,
    const struct server *srv, struct source *src, struct diags *diags);

/**
 * pf_table_path(srv, path):
 * Return the absolute path in ${srv}'s view (owned by the caller) of the
 * table file written as ${path} in its pf.conf.  An absolute path is
 * itself; a relative one is taken from the directory of pf.conf
 * (srv->pf_rules, /etc for /etc/pf.conf): pfctl takes it from its working
 * directory, which is / at boot, but a site is read as one server's files,
 * and "ips_foo" beside pf.conf is what such a path means there.  On a
 * bare server (site_bare()), /etc/X is X beside pf.conf.
 */
char *pf_table_path(const struct server *srv, const char *path);

/**
 * pf_bound_free(b):
 * Free ${b}; does nothing if NULL.
 */
void pf_bound_free(struct pf_bound *b);

/**
 * pf_bound_iface(b, name):
 * Return the index of interface ${name} in b->ifaces, or NO_INDEX.
 */
size_t pf_bound_iface(const struct pf_bound *b, const char *name);

/**
 * pf_bound_table(b, name):
 * Return the table ${name} of ${b}, or NULL.
 */
const struct pf_bound_table *pf_bound_table(const struct pf_bound *b,
    const char *name);

/**
 * pf_addr_expand(b, a, af, out, nout):
 * The concrete prefixes a rule address ${a} stands for on this server, for
 * address family ${af} (AF_INET or AF_INET6): a PREFIX itself; IFACE and
 * DYNIFACE the interface's addresses as hosts (/32), its networks with
 * :network, only the first with :0; "self" every address of every host
 * interface (lo0 included).  Also: ":broadcast" the IPv4 broadcast
 * addresses, ":peer" nothing (no point-to-point links), "/N" the length N
 * with host bits cleared; an ${af} of 0 keeps both families; a name that is
 * no host interface gives nothing.  ANY, TABLE, RANGE, NOROUTE and
 * URPF_FAILED are not expanded (return -1, ${out} NULL).  Store a new
 * array in ${out} (freed by the caller) and its length in ${nout}; return
 * 0.
 */
int pf_addr_expand(const struct pf_bound *b, const struct pf_addr *a, int af,
    struct ipprefix **out, size_t *nout);

/**
 * pf_bound_print(b, out):
 * Append ${b}'s ruleset to ${out} as pfctl -nv prints it on that server:
 * as pf_print(), except that an antispoof rule for an interface (not
 * "(IF)") is one line per network, or per address, of the interface, in
 * its order, each with its family (pfctl expands them when it parses);
 * an interface without addresses prints none.
 */
void pf_bound_print(const struct pf_bound *b, struct strbuf *out);

/**
 * pf_route_lookup(b, dst):
 * Return the index in b->routes of the route the host would use for
 * ${dst} (longest prefix), or NO_INDEX if there is none (no-route).
 */
size_t pf_route_lookup(const struct pf_bound *b, const struct ipaddr *dst);

/**
 * pf_bound_is_local(b, a):
 * Return true if ${a} is an address of one of the host's interfaces (the
 * packet is for the host itself, not forwarded).
 */
bool pf_bound_is_local(const struct pf_bound *b, const struct ipaddr *a);

#endif
