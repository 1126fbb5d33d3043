/*
 * nl: rtnetlink through libmnl: links, addresses and routes of one network
 * namespace.
 *
 * A struct nl_sock is a NETLINK_ROUTE socket bound to the network namespace
 * it was opened in; every request made through it acts there, whatever
 * namespace the calling thread is in later.
 *
 * Changes are requests collected in a struct nl_batch and sent together by
 * nl_batch_commit(): one sendmsg() for many requests, each acknowledged by
 * the kernel.  rtnetlink has no transactions: the kernel carries out the
 * requests of a batch in order and goes on after a failed one, so the
 * result of each request is kept (nl_batch_result()).  A single change is a
 * batch of one.
 *
 * Every request asks for an acknowledgement; replies are matched by
 * sequence number and port id, and a failure is reported with the
 * operation, the object and the kernel's extended-ack text, e.g.
 *   add address 10.0.2.1/24 to xbridge: File exists
 *   set mtu of a to 100000: Invalid argument (kernel: mtu greater than
 *     device maximum)
 *
 * Functions that can fail return 0 on success and -1 on failure with
 * ${err} filled; they never print and never exit.
 */
#ifndef JAILNET_NL_H
#define JAILNET_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"

/* Why an operation failed: an errno value and a sentence for the user. */
struct nl_error {
	int errnum;		/* errno value, e.g. EEXIST, ENODEV */
	char msg[512];		/* "OPERATION OBJECT: strerror (kernel: TEXT)" */
};

/**
 * nl_error_set(err, errnum, fmt, ...):
 * Fill ${err} with ${errnum} and the message "TEXT: strerror(errnum)" where
 * TEXT is formatted from ${fmt}.  ${err} may be NULL.  For the nl and netns
 * modules.
 */
void nl_error_set(struct nl_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A netlink route socket bound to one network namespace. */
struct nl_sock;

/**
 * nl_open(out, err):
 * Open a netlink route socket in the calling thread's network namespace,
 * with extended acks on, and store it in ${out}; it is owned by the caller
 * and closed with nl_close().
 */
int nl_open(struct nl_sock **out, struct nl_error *err);

/**
 * nl_open_netns(netns_fd, out, err):
 * Like nl_open(), but the socket is bound to the network namespace of the
 * file descriptor ${netns_fd} (a /run/netns file or /proc/PID/ns/net).  The
 * calling thread enters that namespace for the time of the call and returns
 * to its own on every path.  If it cannot return, ${err} says so and the
 * thread is left in ${netns_fd}'s namespace: the caller should give up.
 */
int nl_open_netns(int netns_fd, struct nl_sock **out, struct nl_error *err);

/**
 * nl_close(sk):
 * Close ${sk}.  nl_close(NULL) does nothing.
 */
void nl_close(struct nl_sock *sk);

/* Requests collected for one nl_batch_commit(). */
struct nl_batch;

/**
 * nl_batch_new(sk):
 * Return an empty batch of requests for ${sk}, owned by the caller and
 * freed with nl_batch_free().  ${sk} must outlive it.
 */
struct nl_batch *nl_batch_new(struct nl_sock *sk);

/**
 * nl_batch_free(b):
 * Free ${b} and the requests not committed.  nl_batch_free(NULL) does
 * nothing.
 */
void nl_batch_free(struct nl_batch *b);

/**
 * nl_batch_count(b):
 * Return the number of requests waiting in ${b}.
 */
size_t nl_batch_count(const struct nl_batch *b);

/**
 * nl_batch_discard(b):
 * Drop the requests waiting in ${b} without sending them.
 */
void nl_batch_discard(struct nl_batch *b);

/**
 * nl_batch_commit(b, err):
 * Send the requests of ${b} to the kernel, in order, as few sendmsg() calls
 * as possible (one for up to 128 requests), and wait for every
 * acknowledgement.  Return 0 if all succeeded; otherwise -1 with ${err}
 * describing the first request that failed, or the socket failure.  Either
 * way ${b} is empty afterwards, and nl_batch_result() tells what happened
 * to each request of this commit.  The kernel goes on with the requests
 * after a failed one in the same sendmsg(); the following groups of 128 are
 * not sent.  An empty batch commits successfully.
 */
int nl_batch_commit(struct nl_batch *b, struct nl_error *err);

/**
 * nl_batch_result(b, i):
 * Return the outcome of the ${i}th request (counting from 0) of the last
 * nl_batch_commit() of ${b}: 0 if the kernel acknowledged it, the errno
 * value it failed with, or -1 if it was not sent or not acknowledged (a
 * socket failure interrupted the commit, an earlier group of 128 requests
 * had a failure, or ${i} is out of range).
 */
int nl_batch_result(const struct nl_batch *b, size_t i);

/*
 * Requests.  Each nl_link_*, nl_addr_* and nl_route_* function that changes
 * something appends one request to a batch and returns 0, or returns -1
 * with ${err} filled if the request cannot be built (an invalid name, an
 * unknown link).  Nothing changes before nl_batch_commit().
 *
 * Links are named by their interface name.  Where the kernel wants an
 * index (the master of a port, the parent of a VLAN, the link to rename, the
 * link of an address or a route), the name is looked up through the
 * batch's socket when the request is added: that link must exist then, so
 * commit the request that creates it first.  Other links named in a
 * request are looked up by the kernel when the batch is committed.
 */

/**
 * nl_link_add_veth(b, name, netns_fd, peer, peer_netns_fd, err):
 * Request a veth pair ${name} / ${peer}.  ${name} is created in the
 * namespace of ${netns_fd}, or in the socket's if ${netns_fd} is -1; ${peer}
 * likewise in ${peer_netns_fd}'s.  The file descriptors are read when the
 * batch is committed and must stay open until then.
 */
int nl_link_add_veth(struct nl_batch *b, const char *name, int netns_fd,
    const char *peer, int peer_netns_fd, struct nl_error *err);

/**
 * nl_link_add_bridge(b, name, vlan_filtering, err):
 * Request a bridge ${name}, with VLAN filtering on or off.  Kernels built
 * without CONFIG_BRIDGE_VLAN_FILTERING refuse VLAN filtering with
 * EOPNOTSUPP (a bridge without it still forwards tagged frames as they
 * are).
 */
int nl_link_add_bridge(struct nl_batch *b, const char *name,
    bool vlan_filtering, struct nl_error *err);

/**
 * nl_link_add_vlan(b, name, parent, vlan_id, err):
 * Request an 802.1Q sub-interface ${name} of the link ${parent} (which
 * must exist now) for VLAN ${vlan_id} (1 to 4094).
 */
int nl_link_add_vlan(struct nl_batch *b, const char *name,
    const char *parent, unsigned vlan_id, struct nl_error *err);

/**
 * nl_link_set_master(b, name, master, err):
 * Request that the link ${name} become a port of the bridge ${master}
 * (which must exist now), or, if ${master} is NULL, of no bridge.
 */
int nl_link_set_master(struct nl_batch *b, const char *name,
    const char *master, struct nl_error *err);

/**
 * nl_link_set_up(b, name, up, err):
 * Request that the link ${name} be set administratively up or down.
 */
int nl_link_set_up(struct nl_batch *b, const char *name, bool up,
    struct nl_error *err);

/**
 * nl_link_set_mtu(b, name, mtu, err):
 * Request that the link ${name} get the MTU ${mtu}.
 */
int nl_link_set_mtu(struct nl_batch *b, const char *name, unsigned mtu,
    struct nl_error *err);

/**
 * nl_link_rename(b, name, new_name, err):
 * Request that the link ${name} (which must exist now) be renamed to
 * ${new_name}.  The kernel refuses to rename a link that is up.
 */
int nl_link_rename(struct nl_batch *b, const char *name,
    const char *new_name, struct nl_error *err);

/**
 * nl_link_set_netns(b, name, netns_fd, err):
 * Request that the link ${name} move to the namespace of ${netns_fd}; the
 * descriptor must stay open until the batch is committed.  The link keeps
 * its name, loses its addresses and goes down.
 */
int nl_link_set_netns(struct nl_batch *b, const char *name, int netns_fd,
    struct nl_error *err);

/**
 * nl_link_delete(b, name, err):
 * Request that the link ${name} be deleted (with a veth, its peer too).
 * Deleting a missing link fails with ENODEV.
 */
int nl_link_delete(struct nl_batch *b, const char *name,
    struct nl_error *err);

/* What nl_link_get() and nl_link_list() tell about a link. */
struct nl_link_info {
	char name[IFNAMSIZ];
	int ifindex;
	char kind[32];		/* "veth", "bridge", "vlan"...; "" if none
				   (cut to 31 bytes) */
	int master;		/* ifindex of its bridge, 0 if none */
	bool up;		/* administratively up (IFF_UP) */
	bool lower_up;		/* carrier present (IFF_LOWER_UP) */
	unsigned mtu;
	int link;		/* the veth peer's or VLAN parent's ifindex,
				   in the namespace link_netnsid names; 0 if
				   none */
	int link_netnsid;	/* id (in this namespace) of the namespace
				   holding ${link}, -1 if it is this one */
	unsigned vlan_id;	/* kind "vlan": its VLAN id; 0 otherwise */
	bool vlan_filtering;	/* kind "bridge": VLAN filtering on */
};

/**
 * nl_link_get(sk, name, out, err):
 * Fill ${out} with the link ${name} of ${sk}'s namespace.  A missing link
 * fails with ENODEV.
 */
int nl_link_get(struct nl_sock *sk, const char *name,
    struct nl_link_info *out, struct nl_error *err);

/**
 * nl_link_index(sk, name, ifindex, err):
 * Store the index of the link ${name} in ${ifindex}.  A missing link fails
 * with ENODEV.
 */
int nl_link_index(struct nl_sock *sk, const char *name, int *ifindex,
    struct nl_error *err);

/**
 * nl_link_list(sk, links, n, err):
 * Store in ${links} an array of the ${n} links of ${sk}'s namespace, in
 * ifindex order, owned by the caller and freed with free().
 */
int nl_link_list(struct nl_sock *sk, struct nl_link_info **links, size_t *n,
    struct nl_error *err);

/* Flags of nl_addr_add(). */
#define NL_ADDR_NODAD	0x1	/* IPv6: usable at once, no duplicate
				   address detection */

/*
 * The address and route functions name a link by ${ifname}, or, if
 * ${ifname} is NULL, by its index ${ifindex}.
 */

/**
 * nl_addr_add(b, ifname, ifindex, addr, flags, err):
 * Request that the address ${addr} (host bits and prefix length, e.g.
 * 10.0.2.1/24) be added to the link.  IPv4 addresses shorter than /31 get
 * the subnet's broadcast address, as on FreeBSD.  ${flags} is 0 or
 * NL_ADDR_NODAD.  Adding an address the link has fails with EEXIST.
 */
int nl_addr_add(struct nl_batch *b, const char *ifname, int ifindex,
    const struct ipprefix *addr, unsigned flags, struct nl_error *err);

/**
 * nl_addr_delete(b, ifname, ifindex, addr, err):
 * Request that the address ${addr} be removed from the link.  Removing an
 * address the link does not have fails with EADDRNOTAVAIL.
 */
int nl_addr_delete(struct nl_batch *b, const char *ifname, int ifindex,
    const struct ipprefix *addr, struct nl_error *err);

/* What nl_addr_list() tells about an address. */
struct nl_addr_info {
	int ifindex;
	struct ipprefix addr;	/* the local address and its prefix length */
	unsigned char scope;	/* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK (fe80::),
				   RT_SCOPE_HOST (127.0.0.1) */
	unsigned flags;		/* IFA_F_* (IFA_F_NODAD, IFA_F_TENTATIVE...) */
};

/**
 * nl_addr_list(sk, ifname, ifindex, family, addrs, n, err):
 * Store in ${addrs} an array of the ${n} addresses of the link (of every
 * link if ${ifname} is NULL and ${ifindex} is 0) of family ${family}
 * (AF_INET, AF_INET6, or AF_UNSPEC for both), in the kernel's order, owned
 * by the caller and freed with free().
 */
int nl_addr_list(struct nl_sock *sk, const char *ifname, int ifindex,
    int family, struct nl_addr_info **addrs, size_t *n,
    struct nl_error *err);

/**
 * nl_route_add(b, dst, gateway, ifname, ifindex, err):
 * Request a unicast route in the main table to ${dst}, or, if ${dst} is
 * NULL, the default route of ${gateway}'s family.  ${dst} must have no host
 * bits.  The route goes via ${gateway} if not NULL, and out of the link if
 * ${ifname} is not NULL or ${ifindex} is not 0; it needs one of them.  A
 * route without a gateway has link scope.  Adding a route that exists fails
 * with EEXIST.
 */
int nl_route_add(struct nl_batch *b, const struct ipprefix *dst,
    const struct ipaddr *gateway, const char *ifname, int ifindex,
    struct nl_error *err);

/**
 * nl_route_delete(b, dst, gateway, ifname, ifindex, err):
 * Request that the route to ${dst} (the default route of ${gateway}'s
 * family if ${dst} is NULL) be removed from the main table; ${gateway} and
 * the link, where given, must match too.  A missing route fails with ESRCH.
 */
int nl_route_delete(struct nl_batch *b, const struct ipprefix *dst,
    const struct ipaddr *gateway, const char *ifname, int ifindex,
    struct nl_error *err);

/* What nl_route_list() tells about a route. */
struct nl_route_info {
	struct ipprefix dst;	/* 0.0.0.0/0 or ::/0 for a default route */
	bool has_gateway;
	struct ipaddr gateway;	/* if has_gateway */
	int oif;		/* output link's ifindex, 0 if none */
	unsigned char protocol;	/* RTPROT_KERNEL for a subnet's own route,
				   RTPROT_STATIC for nl_route_add()'s... */
	unsigned char scope;	/* RT_SCOPE_UNIVERSE, RT_SCOPE_LINK... */
	unsigned char type;	/* RTN_UNICAST, RTN_MULTICAST... */
	unsigned flags;		/* rtm_flags: RTNH_F_ONLINK... */
	unsigned priority;	/* metric */
	bool has_prefsrc;
	struct ipaddr prefsrc;	/* its preferred source (ip route ... src),
				   if has_prefsrc */
	bool multipath;		/* several next hops (RTA_MULTIPATH), not
				   listed: no gateway nor oif */
};

/**
 * nl_route_add_listed(b, route, ifname, err):
 * Request the route ${route} as nl_route_list() reported it: its
 * destination, gateway, protocol, scope, type, metric, preferred source
 * and onlink flag, out of the link ${ifname}, or, if ${ifname} is NULL,
 * out of the link of ${route}->oif.  For putting back a route the kernel
 * dropped (setting a link down drops the routes through it).  A multipath
 * route cannot be given.  Adding a route that exists fails with EEXIST.
 */
int nl_route_add_listed(struct nl_batch *b, const struct nl_route_info *route,
    const char *ifname, struct nl_error *err);

/**
 * nl_route_list(sk, family, routes, n, err):
 * Store in ${routes} an array of the ${n} routes of the main table of
 * family ${family} (AF_INET, AF_INET6, or AF_UNSPEC for both), in the
 * kernel's order, owned by the caller and freed with free().  A multipath
 * route is reported with its destination only.
 */
int nl_route_list(struct nl_sock *sk, int family,
    struct nl_route_info **routes, size_t *n, struct nl_error *err);

#endif
