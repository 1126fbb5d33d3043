/*
 * nl_route: route requests (RTM_NEWROUTE, RTM_DELROUTE) and route dumps of
 * the main table.
 */
#include "kernel/nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "kernel/nl_internal.h"

/*
 * Describe the route to ${dst} via ${gateway} out of the link in ${desc}
 * ("add route 192.168.5.0/24 via 10.0.2.253 dev xbridge"), prefixed by
 * ${verb}.
 */
static void
route_desc(char *desc, size_t size, const char *verb,
    const struct ipprefix *dst, const struct ipaddr *gateway,
    const char *ifname, int ifindex)
{
	char dtext[IPADDR_STRLEN], gtext[IPADDR_STRLEN], label[IFNAMSIZ + 16];
	struct strbuf sb = { 0 };

	strbuf_addf(&sb, "%s route %s", verb, dst != NULL && dst->len > 0 ?
	    ipprefix_format(dst, dtext) : "default");
	if (gateway != NULL)
		strbuf_addf(&sb, " via %s", ipaddr_format(gateway, gtext));
	if (ifname != NULL || ifindex != 0)
		strbuf_addf(&sb, " dev %s",
		    nl_link_label(ifname, ifindex, label, sizeof(label)));
	snprintf(desc, size, "%s", strbuf_cstr(&sb));
	strbuf_free(&sb);
}

/* Fail with EINVAL and the reason ${why}. */
static int
invalid(const char *desc, const char *why, struct nl_error *err)
{
	if (err != NULL) {
		err->errnum = EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s: %s (%s)", desc,
		    strerror(EINVAL), why);
	}
	return -1;
}

/*
 * Check the route and build its request of ${type} in ${buf}, storing the
 * header in ${out}.  A new route gets ${scope}; a deleted one matches any.
 */
static int
route_msg(struct nl_batch *b, union nl_msgbuf *buf, uint16_t type,
    uint16_t flags, const struct ipprefix *dst, const struct ipaddr *gateway,
    const char *ifname, int ifindex, const char *desc, struct nlmsghdr **out,
    struct nl_error *err)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int family, oif = 0;

	if (dst != NULL)
		family = dst->addr.family;
	else if (gateway != NULL)
		family = gateway->family;
	else
		return invalid(desc, "a default route needs a gateway", err);
	if (family != AF_INET && family != AF_INET6)
		return invalid(desc, "not an IPv4 or IPv6 route", err);
	if (gateway != NULL && gateway->family != family)
		return invalid(desc, "gateway of another family", err);
	if (dst != NULL) {
		struct ipprefix net = ipprefix_network(dst);

		if (dst->len > ipaddr_bits(&dst->addr) ||
		    !ipaddr_eq(&net.addr, &dst->addr))
			return invalid(desc, "destination with host bits",
			    err);
	}
	if (type == RTM_NEWROUTE && gateway == NULL && ifname == NULL &&
	    ifindex == 0)
		return invalid(desc, "needs a gateway or a link", err);
	if ((ifname != NULL || ifindex != 0) &&
	    nl_resolve(nl_batch_sock(b), ifname, ifindex, &oif, desc, err) != 0)
		return -1;

	nlh = nl_msg_start(buf, type, flags, sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(dst != NULL ? dst->len : 0);
	rtm->rtm_table = RT_TABLE_MAIN;
	if (type == RTM_NEWROUTE) {
		rtm->rtm_protocol = RTPROT_STATIC;
		rtm->rtm_scope = gateway != NULL ? RT_SCOPE_UNIVERSE :
		    RT_SCOPE_LINK;
		rtm->rtm_type = RTN_UNICAST;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE;	/* any scope */
	}
	if (dst != NULL && dst->len > 0)
		mnl_attr_put(nlh, RTA_DST, ipaddr_bits(&dst->addr) / 8,
		    dst->addr.bytes);
	if (gateway != NULL)
		mnl_attr_put(nlh, RTA_GATEWAY, ipaddr_bits(gateway) / 8,
		    gateway->bytes);
	if (oif != 0)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	*out = nlh;
	return 0;
}

int
nl_route_add(struct nl_batch *b, const struct ipprefix *dst,
    const struct ipaddr *gateway, const char *ifname, int ifindex,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];

	route_desc(desc, sizeof(desc), "add", dst, gateway, ifname, ifindex);
	if (route_msg(b, &buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, dst,
	    gateway, ifname, ifindex, desc, &nlh, err) != 0)
		return -1;
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_route_delete(struct nl_batch *b, const struct ipprefix *dst,
    const struct ipaddr *gateway, const char *ifname, int ifindex,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];

	route_desc(desc, sizeof(desc), "delete", dst, gateway, ifname,
	    ifindex);
	if (route_msg(b, &buf, RTM_DELROUTE, 0, dst, gateway, ifname,
	    ifindex, desc, &nlh, err) != 0)
		return -1;
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_route_add_listed(struct nl_batch *b, const struct nl_route_info *route,
    const char *ifname, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	const struct ipaddr *gateway = route->has_gateway ? &route->gateway :
	    NULL;
	int ifindex = ifname != NULL ? 0 : route->oif;
	char desc[NL_DESC_MAX];

	route_desc(desc, sizeof(desc), "add", &route->dst, gateway, ifname,
	    ifindex);
	if (route->multipath)
		return invalid(desc, "a route of several next hops", err);
	if (route_msg(b, &buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
	    &route->dst, gateway, ifname, ifindex, desc, &nlh, err) != 0)
		return -1;
	/* As it was listed, not as nl_route_add() would make it. */
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_protocol = route->protocol;
	rtm->rtm_scope = route->scope;
	rtm->rtm_type = route->type;
	rtm->rtm_flags = route->flags & RTNH_F_ONLINK;
	if (route->priority != 0)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, route->priority);
	if (route->has_prefsrc)
		mnl_attr_put(nlh, RTA_PREFSRC, ipaddr_bits(&route->prefsrc) / 8,
		    route->prefsrc.bytes);
	nl_batch_add(b, nlh, desc);
	return 0;
}

/* What route_list_one() collects. */
struct route_list {
	int family;		/* only this family's, or AF_UNSPEC */
	struct nl_route_info *routes;
	size_t n, cap;
};

static int
route_list_one(const struct nlmsghdr *nlh, void *arg)
{
	struct route_list *l = arg;
	const struct rtmsg *rtm;
	const struct nlattr *attr;
	struct nl_route_info info;
	unsigned table;

	if (nlh == NULL) {
		l->n = 0;
		return 0;
	}
	rtm = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -1;
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (l->family != AF_UNSPEC && rtm->rtm_family != l->family))
		return 0;
	memset(&info, 0, sizeof(info));
	info.dst.addr.family = rtm->rtm_family;
	info.dst.len = rtm->rtm_dst_len;
	info.protocol = rtm->rtm_protocol;
	info.scope = rtm->rtm_scope;
	info.type = rtm->rtm_type;
	info.flags = rtm->rtm_flags;
	table = rtm->rtm_table;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_DST:
			if (nl_attr_ipaddr(attr, rtm->rtm_family,
			    &info.dst.addr) != 0)
				return -1;
			break;
		case RTA_GATEWAY:
			if (nl_attr_ipaddr(attr, rtm->rtm_family,
			    &info.gateway) != 0)
				return -1;
			info.has_gateway = true;
			break;
		case RTA_PREFSRC:
			if (nl_attr_ipaddr(attr, rtm->rtm_family,
			    &info.prefsrc) != 0)
				return -1;
			info.has_prefsrc = true;
			break;
		case RTA_MULTIPATH:
			info.multipath = true;
			break;
		case RTA_OIF:
		case RTA_PRIORITY:
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) != 0)
				return -1;
			if (mnl_attr_get_type(attr) == RTA_OIF)
				info.oif = (int)mnl_attr_get_u32(attr);
			else if (mnl_attr_get_type(attr) == RTA_PRIORITY)
				info.priority = mnl_attr_get_u32(attr);
			else
				table = mnl_attr_get_u32(attr);
			break;
		default:
			break;
		}
	}
	/* rtm_table is 8 bits; RTA_TABLE, when present, is the truth. */
	if (table != RT_TABLE_MAIN)
		return 0;
	*VEC_PUSH(l->routes, l->n, l->cap) = info;
	return 0;
}

int
nl_route_list(struct nl_sock *sk, int family, struct nl_route_info **routes,
    size_t *n, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct route_list l = { .family = family };

	*routes = NULL;
	*n = 0;
	nlh = nl_msg_start(&buf, RTM_GETROUTE, NLM_F_DUMP, sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)family;
	if (nl_query(sk, nlh, route_list_one, &l, "list routes", err) != 0) {
		free(l.routes);
		return -1;
	}
	*routes = l.routes;
	*n = l.n;
	return 0;
}
