/*
 * nl_internal: what nl.c shares with nl_link.c, nl_addr.c and nl_route.c.
 * Not for other modules: they use nl.h.
 */
#ifndef JAILNET_NL_INTERNAL_H
#define JAILNET_NL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#include "kernel/nl.h"

/* Room for one request: ours are a few hundred bytes at most. */
#define NL_MSG_MAX	1024

/* Room for the description of a request ("add address ... to ..."). */
#define NL_DESC_MAX	160

/* A buffer to build one request in, aligned for struct nlmsghdr. */
union nl_msgbuf {
	struct nlmsghdr hdr;
	char bytes[NL_MSG_MAX];
};

/**
 * nl_msg_start(buf, type, flags, family_hdr_size):
 * Start a request of ${type} in ${buf} with NLM_F_REQUEST | ${flags} and a
 * zeroed family header of ${family_hdr_size} bytes after the netlink
 * header; return the netlink header.  The sequence number is set when the
 * request is sent.
 */
struct nlmsghdr *nl_msg_start(union nl_msgbuf *buf, uint16_t type,
    uint16_t flags, size_t family_hdr_size);

/**
 * nl_batch_add(b, nlh, desc):
 * Append a copy of the finished request ${nlh} to ${b}, with NLM_F_ACK
 * added; ${desc} ("add address 10.0.2.1/24 to xbridge") names it in
 * errors.
 */
void nl_batch_add(struct nl_batch *b, const struct nlmsghdr *nlh,
    const char *desc);

/**
 * nl_batch_sock(b):
 * Return the socket of ${b}.
 */
struct nl_sock *nl_batch_sock(const struct nl_batch *b);

/*
 * A function called with each data message (not NLMSG_ERROR or
 * NLMSG_DONE) replying to a request; it returns 0, or -1 if the message is
 * malformed.
 */
typedef int nl_reply_fn(const struct nlmsghdr *nlh, void *arg);

/**
 * nl_query(sk, nlh, on_reply, arg, desc, err):
 * Send the request ${nlh} (a get, or a dump if it has NLM_F_DUMP), call
 * ${on_reply} with each message of the reply, and wait for its end (the
 * acknowledgement, or NLMSG_DONE for a dump).  A dump that the kernel
 * reports as interrupted by a change is run again, a few times at most.
 * ${on_reply} must therefore be ready to start over: it is called with NULL
 * before each new run.  Return 0, or -1 with ${err} naming ${desc}.
 */
int nl_query(struct nl_sock *sk, struct nlmsghdr *nlh, nl_reply_fn *on_reply,
    void *arg, const char *desc, struct nl_error *err);

/**
 * nl_ifname_check(name, desc, err):
 * Return 0 if ${name} is a valid interface name (1 to IFNAMSIZ - 1 bytes,
 * no '/', ':' or white space, not "." or ".."), or -1 with ${err} naming
 * ${desc} and EINVAL.
 */
int nl_ifname_check(const char *name, const char *desc,
    struct nl_error *err);

/**
 * nl_resolve(sk, ifname, ifindex, out, desc, err):
 * Store in ${out} the index of the link ${ifname}, or ${ifindex} if
 * ${ifname} is NULL (which must then be positive).  Return 0, or -1 with
 * ${err} naming ${desc} (ENODEV for a missing link).
 */
int nl_resolve(struct nl_sock *sk, const char *ifname, int ifindex, int *out,
    const char *desc, struct nl_error *err);

/**
 * nl_link_label(ifname, ifindex, buf, size):
 * Write into ${buf} how errors name the link: ${ifname}, or "ifindex N" if
 * ${ifname} is NULL; return ${buf}.
 */
const char *nl_link_label(const char *ifname, int ifindex, char *buf,
    size_t size);

/**
 * nl_attr_ipaddr(attr, family, out):
 * Store the address of family ${family} held by the attribute ${attr} in
 * ${out}.  Return 0, or -1 if the attribute has the wrong length.
 */
int nl_attr_ipaddr(const struct nlattr *attr, int family,
    struct ipaddr *out);

#endif
