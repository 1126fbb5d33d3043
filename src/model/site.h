/*
 * site: the validated model of a jailnet site.
 *
 * A site directory holds site.conf (the world around the servers), a common
 * tree that every server shares and one overlay per server (see
 * doc/jailnet.8).  site_load() reads all of it, builds this model and checks
 * it; everything after it (show, pf, plan) reads only the model.  pf.conf is
 * not part of it: pf/pf_site.h binds it to the model.
 *
 * The model says what FreeBSD would do with the files: addresses stay where
 * rc.conf puts them even where Linux needs another place (an address on a
 * bridge member); the plan does such translations and the loader reports
 * them as notes.
 */
#ifndef JAILNET_SITE_H
#define JAILNET_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/diag.h"
#include "conf/fsview.h"

#define NO_INDEX ((size_t)-1)

enum network_kind {
	NETWORK_INTERNET,	/* a router joining the listed subnets */
	NETWORK_SWITCH,		/* one L2 segment (a LAN, optionally a VLAN) */
};

struct network {
	char *name;
	struct loc loc;
	enum network_kind kind;
	unsigned vlan;			/* 0: untagged */
	struct loc vlan_loc;
	struct ipprefix *routers;	/* INTERNET: router address/subnet */
	struct loc *router_locs;
	size_t nrouters;
};

/* A machine outside the servers: a client, the orchestration host... */
struct outside_host {
	char *name;
	struct loc loc;
	size_t network;			/* index in site->networks */
	struct ipprefix addr;
	struct loc addr_loc;
	struct ipaddr gateway;		/* its router's address, if any */
	bool has_gateway;
	size_t *services;		/* indices in site->services */
	size_t nservices;
	char *description;
	/* manage.tcp: the TCP ports (as this host sends them) by which it
	   manages the servers; a change must not take them away (the
	   lockout check of `diff` and `up --host`).  Sorted, merged
	   intervals; none when the host manages nothing. */
	uint32_t (*manage_tcp)[2];
	size_t nmanage_tcp;
	struct loc manage_loc;
	/* Its files: hosts/NAME of the site (which need not exist), the
	   layer beneath its services' writes, as a jail's tree is. */
	struct fsview *view;
};

/* The Linux command that stands for an rc.conf service (NAME_enable). */
struct service {
	char *name;
	struct loc loc;			/* its block in site.conf; a built-in:
					   the NAME_enable that added it */
	char *command;
	struct loc command_loc;		/* a built-in: as loc */
	const char *package;		/* a built-in (no block in site.conf):
					   the Debian package of its program;
					   NULL otherwise */
	const char *rundir;		/* a built-in: the directory of /run
					   made before it starts (static), or
					   NULL */
	const char *needs;		/* a built-in: the file of the jail
					   its command reads (static), or
					   NULL */
	bool flags;			/* a built-in that takes NAME_flags */
	bool oneshot;			/* kind = oneshot: runs once and
					   finishes, as a boot script */
	const char *files_dir;		/* a built-in: the directory of the
					   jail that holds all its files
					   (static), or NULL */
};

/* An A record of a zone: a server's (round robin, drained by `jailnet dns
   drain`), or an outside host's (a provider's name, as payments'). */
struct dns_record {
	char *name;			/* the server's or the host's */
	size_t server;			/* index in site->servers, or NO_INDEX */
	size_t host;			/* index in site->hosts, or NO_INDEX */
	struct ipaddr addr;		/* the server's public address, or the
					   host's */
	struct loc loc;
};

struct dns_zone {
	char *name;			/* the domain */
	struct loc loc;
	unsigned long ttl;
	size_t host;			/* the outside host serving it */
	struct dns_record *records;
	size_t nrecords;
};

enum iface_kind {
	IFACE_NIC,		/* physical, declared in site.conf */
	IFACE_BRIDGE,		/* cloned bridgeN */
	IFACE_EPAIR,		/* one half of a cloned epairN */
};

struct iface_addr {
	struct ipprefix prefix;
	struct loc loc;
};

struct iface {
	char *name;			/* final name */
	char *clone_name;		/* bridge0, epair3a; NULL for a NIC */
	enum iface_kind kind;
	struct loc loc;			/* where it is created or declared */
	struct loc rename_loc;		/* its ifconfig_X_name, if renamed */
	unsigned epair_unit;		/* EPAIR: N of epairN */
	char epair_side;		/* EPAIR: 'a' or 'b' */
	size_t peer;			/* EPAIR: the other half */
	size_t bridge;			/* the bridge it is a member of */
	struct loc member_loc;
	size_t jail;			/* the jail it is handed to */
	struct loc jail_loc;
	struct iface_addr *addrs;
	size_t naddrs;
	bool up;
	unsigned vlan;			/* vlanhwtag; 0 if none */
	struct loc vlan_loc;
	unsigned mtu;			/* 0: default */
	size_t network;			/* NIC: index in site->networks */
	char *linux_dev;		/* NIC: Linux device for --host, or NULL */
	struct loc config_loc;		/* its ifconfig_X value, if any */
};

enum pipe_mode {
	PIPE_ENCRYPT,
	PIPE_DECRYPT,
};

struct endpoint {
	struct ipaddr addr;
	unsigned port;
	struct loc loc;
};

/* One spiped pipe of a jail's rc.conf (spiped_pipe_NAME_*). */
struct pipe {
	char *name;
	struct loc loc;			/* its name in spiped_pipes */
	enum pipe_mode mode;
	struct endpoint source;		/* where it listens */
	struct endpoint target;		/* where it connects */
	char *key_path;			/* in the jail's view */
	struct loc key_loc;
};

enum sysvshm_mode {
	SYSV_DISABLE,
	SYSV_INHERIT,
	SYSV_NEW,
};

struct enabled_service {
	size_t service;			/* index in site->services */
	struct loc loc;			/* its NAME_enable */
	/* NAME_flags of a built-in that takes them (owned; NULL if none or
	   empty), split by procs.h as a command line is */
	char *flags;
	struct loc flags_loc;
};

struct jail {
	char *name;
	struct loc loc;			/* its block in jail.conf */
	char *path;
	bool vnet;
	enum sysvshm_mode sysvshm;
	char *exec_start;
	char *exec_stop;
	char *hostname;
	struct loc hostname_loc;
	size_t *ifaces;			/* vnet.interface, in order */
	size_t nifaces;
	struct ipaddr defaultrouter;
	bool has_defaultrouter;
	struct loc defaultrouter_loc;
	struct pipe *pipes;
	size_t npipes;
	struct enabled_service *services;
	size_t nservices;
	struct fsview *view;
};

/*
 * The jail name under which a server's own services go: those its host
 * rc.conf enables, run in the server's namespace with the server's view
 * (FreeBSD's host sshd, cron...).  No jail can be called that (a jail's
 * name cannot begin with '-').
 */
#define SITE_SERVER_SELF "-"

/* The server name under which outside hosts' generated files, data, logs
   and processes go (DATA_ROOT/SITE/gen/host/HOST...). */
#define SITE_OUTSIDE_HOSTS "host"

struct server {
	char *name;
	struct loc loc;
	char *overlay;			/* directory on disk */
	char *hostname;
	struct iface *ifaces;
	size_t nifaces, ifcap;
	struct iface_addr *lo_addrs;	/* lo0's addresses from ifconfig_lo0
					   and ifconfig_lo0_aliasN, in
					   rc.conf order (FreeBSD's own,
					   127.0.0.1/8, ::1 and fe80::1, are
					   implied: see pf_bind) */
	size_t nlo_addrs;
	struct jail *jails;		/* boot order */
	size_t njails;
	struct ipaddr defaultrouter;
	bool has_defaultrouter;
	struct loc defaultrouter_loc;
	bool gateway_enable;
	bool pf_enable;
	char *pf_rules;			/* path in the server's view */
	bool jail_enable;
	bool jail_reverse_stop;
	char **jail_list;		/* rc.conf jail_list, or NULL: all */
	struct loc *jail_list_locs;
	size_t njail_list;
	bool pfil_member;		/* net.link.bridge.pfil_member */
	bool pfil_bridge;		/* net.link.bridge.pfil_bridge */
	struct enabled_service *services;
	size_t nservices;
	struct fsview *view;
	/* A lone pf.conf's server (site_bare()): no interface known but
	   lo0, none of their addresses; pf takes the names its rules use,
	   as pfctl takes names of interfaces yet to come. */
	bool bare;
};

struct site {
	char *dir;
	char *name;			/* the directory's base name */
	struct network *networks;
	size_t nnetworks;
	struct outside_host *hosts;
	size_t nhosts;
	struct service *services;
	size_t nservices;
	struct dns_zone *zones;
	size_t nzones;
	struct server *servers;
	size_t nservers;
	struct source **sources;	/* every file read; locations point here */
	size_t nsources, srccap;
	/*
	 * Which stages of the loader recorded errors (see
	 * site_load_partial()); all false in a site from site_load().
	 */
	struct site_failed {
		bool hosts;		/* a server's host rc.conf */
		bool jail_ifaces;	/* which interfaces the jails take:
					   jail.conf's syntax, the jails of
					   jail_list, vnet, vnet.interface */
		bool jails;		/* anything in jail.conf or a jail's
					   rc.conf (jail_ifaces included) */
	} failed;
};

/**
 * site_bare(file, diags):
 * A site for the lone pf.conf ${file} (`jailnet pf -f FILE`, no site):
 * one server, named after the file (its name up to the first '.'), with
 * pf enabled, pf.conf at /NAME of a view whose / is the file's directory
 * (which stands for /etc as well: /etc/ips_foo is ips_foo beside it),
 * FreeBSD's defaults for the rest (pfil_member on, pfil_bridge off, no
 * gateway) and srv->bare set.  Return it (owned by the caller, freed with
 * site_free()), or NULL with an error in ${diags} if ${file} names no
 * file name.
 */
struct site *site_bare(const char *file, struct diags *diags);

/**
 * site_load(dir, diags):
 * Read the site directory ${dir}: its site.conf, the common tree and every
 * server's overlay.  Append every problem found to ${diags}.  Return the
 * site model, owned by the caller and freed with site_free(), or NULL if
 * any error was recorded.
 */
struct site *site_load(const char *dir, struct diags *diags);

/**
 * site_load_partial(dir, diags):
 * Read ${dir} as site_load() does, but keep the model when errors were
 * recorded, so that a layer above can still run what does not rest on the
 * failed parts (pf/pf_site.c binds pf.conf this way).  The stages:
 *   1. site.conf.  An error in its syntax, block kinds and names, networks
 *      or servers stops everything: the servers' files, NICs and networks
 *      come from there, and NULL is returned.  Errors in service, host and
 *      zone blocks stop nothing.
 *   2. Every server's host rc.conf, then every server's jail.conf and its
 *      jails' rc.conf: all read, whatever the others hold.
 *   3. The checks across files, each left out when a file it rests on had
 *      an error: default routers of servers, VLAN tags and the addresses
 *      of DNS records need the host rc.conf files; default routers of
 *      jails and the ends of tunnels need jail.conf and the jails'
 *      rc.conf; duplicate addresses and unused epair halves need both.
 * The stages of 2 and 3 are judged for all servers at once: a file that
 * servers share reports its error for the first only.  Return the site,
 * owned by the caller and freed with site_free(), with ${site}->failed
 * saying which of stage 2's parts had errors; or NULL.  A site for which
 * ${diags} holds errors is for reporting only.
 */
struct site *site_load_partial(const char *dir, struct diags *diags);

/**
 * site_free(site):
 * Free ${site}; does nothing if NULL.
 */
void site_free(struct site *site);

/* The longest site name: namespaces are named SITE-SERVER-JAIL. */
#define SITE_NAME_MAX 32

/**
 * site_name_of(dir, why):
 * The name of the site in directory ${dir}, which names its namespaces,
 * /run/jailnet/NAME and /var/lib/jailnet/NAME: the last component of
 * ${dir}'s real path, or of ${dir} as written when it does not resolve (a
 * site directory removed since `up`).  Return it, owned by the caller; or
 * NULL with ${why} set to a static reason when it cannot name a site:
 * empty, ".", "..", longer than SITE_NAME_MAX, or not letters, digits,
 * '.', '_' and '-' beginning with a letter or digit.
 */
char *site_name_of(const char *dir, const char **why);

/**
 * site_server(site, name), server_iface(srv, name), server_jail(srv, name):
 * Return the server, interface or jail called ${name}, or NULL.
 */
struct server *site_server(const struct site *site, const char *name);
struct iface *server_iface(const struct server *srv, const char *name);
struct jail *server_jail(const struct server *srv, const char *name);

/**
 * server_iface_hint(srv, name, jail):
 * Return the name of the interface of ${srv} closest to the unknown
 * ${name} (a likely typo), among those jail ${jail} holds, or among all if
 * ${jail} is ALL_IFACES; NULL if none is close.  The string belongs to
 * ${srv}.
 */
#define ALL_IFACES ((size_t)-2)
const char *server_iface_hint(const struct server *srv, const char *name,
    size_t jail);

/**
 * server_public_addr(site, srv, out):
 * Store in ${out} the first address of ${srv}'s NIC on an internet network
 * (what its DNS record points at).  Return 0, or -1 if it has none.
 */
int server_public_addr(const struct site *site, const struct server *srv,
    struct ipaddr *out);

/* A tunnel: an encrypting pipe and the decrypting pipe it sends to. */
struct tunnel {
	const struct server *server;	/* the client end */
	const struct jail *jail;
	const struct pipe *pipe;
	const struct server *peer_server;	/* the server end, or NULLs */
	const struct jail *peer_jail;
	const struct pipe *peer;
};

/**
 * site_tunnels(site, only, out):
 * List the tunnels of ${site} whose client end runs on server ${only} (all
 * if NULL), in server, jail and pipe order, into a new array ${out} (freed
 * by the caller).  A decrypting pipe listening where an encrypting pipe
 * sends is its server end; an encrypting pipe with none gets NULL peers.
 * Return the number of tunnels.
 */
size_t site_tunnels(const struct site *site, const struct server *only,
    struct tunnel **out);

/**
 * iface_kind_name(kind), pipe_mode_name(mode), sysvshm_name(mode),
 * network_kind_name(kind):
 * Return the name used in jailnet's output for each enumeration value.
 */
const char *iface_kind_name(enum iface_kind kind);
const char *pipe_mode_name(enum pipe_mode mode);
const char *sysvshm_name(enum sysvshm_mode mode);
const char *network_kind_name(enum network_kind kind);

#endif
