/*
 * nl_addr: address requests (RTM_NEWADDR, RTM_DELADDR) and address dumps.
 */
#include "kernel/nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "kernel/nl_internal.h"

/* Fail with EINVAL unless ${p} is an IPv4 or IPv6 prefix of sane length. */
static int
check_prefix(const struct ipprefix *p, const char *desc, struct nl_error *err)
{
	if ((p->addr.family == AF_INET || p->addr.family == AF_INET6) &&
	    p->len <= ipaddr_bits(&p->addr))
		return 0;
	if (err != NULL) {
		err->errnum = EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s: %s (not an IPv4 or "
		    "IPv6 prefix)", desc, strerror(EINVAL));
	}
	return -1;
}

/*
 * Build an address request of ${type} for ${addr} on the link ${ifindex}
 * in ${buf}; return its header.
 */
static struct nlmsghdr *
addr_msg(union nl_msgbuf *buf, uint16_t type, uint16_t flags, int ifindex,
    const struct ipprefix *addr)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	size_t size = ipaddr_bits(&addr->addr) / 8;

	nlh = nl_msg_start(buf, type, flags, sizeof(*ifa));
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (unsigned char)addr->addr.family;
	ifa->ifa_prefixlen = (unsigned char)addr->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, size, addr->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, size, addr->addr.bytes);
	return nlh;
}

int
nl_addr_add(struct nl_batch *b, const char *ifname, int ifindex,
    const struct ipprefix *addr, unsigned flags, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX], text[IPADDR_STRLEN], label[IFNAMSIZ + 16];
	int index;

	snprintf(desc, sizeof(desc), "add address %s to %s",
	    ipprefix_format(addr, text),
	    nl_link_label(ifname, ifindex, label, sizeof(label)));
	if (check_prefix(addr, desc, err) != 0 ||
	    nl_resolve(nl_batch_sock(b), ifname, ifindex, &index, desc,
	    err) != 0)
		return -1;
	nlh = addr_msg(&buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, index,
	    addr);
	/* FreeBSD's ifconfig gives an IPv4 subnet its broadcast address. */
	if (addr->addr.family == AF_INET && addr->len < 31) {
		uint8_t brd[4];
		unsigned i;

		memcpy(brd, addr->addr.bytes, sizeof(brd));
		for (i = addr->len; i < 32; i++)
			brd[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), brd);
	}
	if ((flags & NL_ADDR_NODAD) && addr->addr.family == AF_INET6) {
		((struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_flags =
		    IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_addr_delete(struct nl_batch *b, const char *ifname, int ifindex,
    const struct ipprefix *addr, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX], text[IPADDR_STRLEN], label[IFNAMSIZ + 16];
	int index;

	snprintf(desc, sizeof(desc), "delete address %s from %s",
	    ipprefix_format(addr, text),
	    nl_link_label(ifname, ifindex, label, sizeof(label)));
	if (check_prefix(addr, desc, err) != 0 ||
	    nl_resolve(nl_batch_sock(b), ifname, ifindex, &index, desc,
	    err) != 0)
		return -1;
	nlh = addr_msg(&buf, RTM_DELADDR, 0, index, addr);
	nl_batch_add(b, nlh, desc);
	return 0;
}

/* What addr_list_one() collects. */
struct addr_list {
	int ifindex;		/* only this link's, or 0 for all */
	int family;		/* only this family's, or AF_UNSPEC */
	struct nl_addr_info *addrs;
	size_t n, cap;
};

static int
addr_list_one(const struct nlmsghdr *nlh, void *arg)
{
	struct addr_list *l = arg;
	const struct ifaddrmsg *ifa;
	const struct nlattr *attr, *local = NULL, *address = NULL;
	struct nl_addr_info info;

	if (nlh == NULL) {
		l->n = 0;
		return 0;
	}
	ifa = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -1;
	if ((ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    (l->family != AF_UNSPEC && ifa->ifa_family != l->family) ||
	    (l->ifindex != 0 && (int)ifa->ifa_index != l->ifindex))
		return 0;
	memset(&info, 0, sizeof(info));
	info.ifindex = (int)ifa->ifa_index;
	info.addr.len = ifa->ifa_prefixlen;
	info.scope = ifa->ifa_scope;
	info.flags = ifa->ifa_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		switch (mnl_attr_get_type(attr)) {
		case IFA_LOCAL:
			local = attr;
			break;
		case IFA_ADDRESS:
			address = attr;
			break;
		case IFA_FLAGS:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) != 0)
				return -1;
			info.flags = mnl_attr_get_u32(attr);
			break;
		default:
			break;
		}
	}
	/* IFA_ADDRESS is the peer's on a point-to-point link: prefer local. */
	if (local == NULL)
		local = address;
	if (local == NULL ||
	    nl_attr_ipaddr(local, ifa->ifa_family, &info.addr.addr) != 0)
		return -1;
	*VEC_PUSH(l->addrs, l->n, l->cap) = info;
	return 0;
}

int
nl_addr_list(struct nl_sock *sk, const char *ifname, int ifindex,
    int family, struct nl_addr_info **addrs, size_t *n,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct addr_list l = { .family = family };
	char desc[NL_DESC_MAX], label[IFNAMSIZ + 16];

	*addrs = NULL;
	*n = 0;
	if (ifname == NULL && ifindex == 0)
		snprintf(desc, sizeof(desc), "list addresses");
	else
		snprintf(desc, sizeof(desc), "list addresses of %s",
		    nl_link_label(ifname, ifindex, label, sizeof(label)));
	if ((ifname != NULL || ifindex != 0) &&
	    nl_resolve(sk, ifname, ifindex, &l.ifindex, desc, err) != 0)
		return -1;
	nlh = nl_msg_start(&buf, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa));
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = (unsigned char)family;
	if (nl_query(sk, nlh, addr_list_one, &l, desc, err) != 0) {
		free(l.addrs);
		return -1;
	}
	*addrs = l.addrs;
	*n = l.n;
	return 0;
}
