/*
 * nl_link: link requests (RTM_NEWLINK, RTM_SETLINK, RTM_DELLINK) and link
 * queries (RTM_GETLINK).
 */
#include "kernel/nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "lib/util.h"
#include "kernel/nl_internal.h"

/* <linux/if.h> has it, but clashes with <net/if.h>. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif

/*
 * Start a link request of ${type} in ${buf} about the link with index
 * ${ifindex} (0: the link is named by IFLA_IFNAME); return its header.
 */
static struct nlmsghdr *
link_msg(union nl_msgbuf *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = nl_msg_start(buf, type, flags, sizeof(*ifi));
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/*
 * Start a request of ${type} changing the existing link ${name}, which the
 * kernel looks up by name.
 */
static struct nlmsghdr *
link_change_msg(union nl_msgbuf *buf, uint16_t type, const char *name)
{
	struct nlmsghdr *nlh = link_msg(buf, type, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/*
 * Open IFLA_LINKINFO with IFLA_INFO_KIND ${kind} and IFLA_INFO_DATA in
 * ${nlh}; store the two nests in ${info} and ${data}.
 */
static void
linkinfo_start(struct nlmsghdr *nlh, const char *kind, struct nlattr **info,
    struct nlattr **data)
{
	*info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	*data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
}

/* Close the nests opened by linkinfo_start(). */
static void
linkinfo_end(struct nlmsghdr *nlh, struct nlattr *info, struct nlattr *data)
{
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

int
nl_link_add_veth(struct nl_batch *b, const char *name, int netns_fd,
    const char *peer, int peer_netns_fd, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct nlattr *info, *data, *peer_nest;
	struct ifinfomsg *peer_ifi;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "create veth pair %s / %s", name,
	    peer != NULL ? peer : "(null)");
	if (nl_ifname_check(name, desc, err) != 0 ||
	    nl_ifname_check(peer, desc, err) != 0)
		return -1;
	nlh = link_msg(&buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	linkinfo_start(nlh, "veth", &info, &data);
	/* The peer is described like a link of its own: ifinfomsg + attrs. */
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD,
		    (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, peer_nest);
	linkinfo_end(nlh, info, data);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_add_bridge(struct nl_batch *b, const char *name,
    bool vlan_filtering, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "create bridge %s", name);
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	nlh = link_msg(&buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo_start(nlh, "bridge", &info, &data);
	/*
	 * Off is the default; saying so would fail on kernels built without
	 * VLAN filtering, which refuse the attribute whatever its value.
	 */
	if (vlan_filtering)
		mnl_attr_put_u8(nlh, IFLA_BR_VLAN_FILTERING, 1);
	linkinfo_end(nlh, info, data);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_add_vlan(struct nl_batch *b, const char *name, const char *parent,
    unsigned vlan_id, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;
	char desc[NL_DESC_MAX];
	int parent_index;

	snprintf(desc, sizeof(desc), "create vlan %s (id %u) on %s", name,
	    vlan_id, parent != NULL ? parent : "(null)");
	if (nl_ifname_check(name, desc, err) != 0 ||
	    nl_ifname_check(parent, desc, err) != 0)
		return -1;
	if (vlan_id < 1 || vlan_id > 4094) {
		if (err != NULL) {
			err->errnum = EINVAL;
			snprintf(err->msg, sizeof(err->msg),
			    "%s: %s (VLAN ids are 1 to 4094)", desc,
			    strerror(EINVAL));
		}
		return -1;
	}
	if (nl_resolve(nl_batch_sock(b), parent, 0, &parent_index, desc,
	    err) != 0)
		return -1;
	nlh = link_msg(&buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_index);
	linkinfo_start(nlh, "vlan", &info, &data);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t)vlan_id);
	linkinfo_end(nlh, info, data);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_set_master(struct nl_batch *b, const char *name, const char *master,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];
	int master_index = 0;

	if (master != NULL)
		snprintf(desc, sizeof(desc), "add %s to bridge %s", name,
		    master);
	else
		snprintf(desc, sizeof(desc), "remove %s from its bridge",
		    name);
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	if (master != NULL && (nl_ifname_check(master, desc, err) != 0 ||
	    nl_resolve(nl_batch_sock(b), master, 0, &master_index, desc,
	    err) != 0))
		return -1;
	nlh = link_change_msg(&buf, RTM_SETLINK, name);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_index);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_set_up(struct nl_batch *b, const char *name, bool up,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "set link %s %s", name,
	    up ? "up" : "down");
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	nlh = link_change_msg(&buf, RTM_SETLINK, name);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_set_mtu(struct nl_batch *b, const char *name, unsigned mtu,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "set mtu of %s to %u", name, mtu);
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	nlh = link_change_msg(&buf, RTM_SETLINK, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_rename(struct nl_batch *b, const char *name, const char *new_name,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];
	int ifindex;

	snprintf(desc, sizeof(desc), "rename link %s to %s", name,
	    new_name != NULL ? new_name : "(null)");
	if (nl_ifname_check(name, desc, err) != 0 ||
	    nl_ifname_check(new_name, desc, err) != 0 ||
	    nl_resolve(nl_batch_sock(b), name, 0, &ifindex, desc, err) != 0)
		return -1;
	/* With an index, IFLA_IFNAME is the new name. */
	nlh = link_msg(&buf, RTM_SETLINK, 0, ifindex);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_set_netns(struct nl_batch *b, const char *name, int netns_fd,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "move link %s to namespace fd %d", name,
	    netns_fd);
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	if (netns_fd < 0) {
		nl_error_set(err, EBADF, "%s", desc);
		return -1;
	}
	nlh = link_change_msg(&buf, RTM_SETLINK, name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	nl_batch_add(b, nlh, desc);
	return 0;
}

int
nl_link_delete(struct nl_batch *b, const char *name, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "delete link %s", name);
	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	nlh = link_change_msg(&buf, RTM_DELLINK, name);
	nl_batch_add(b, nlh, desc);
	return 0;
}

/*
 * Copy the string attribute ${attr} into ${out} of ${size} bytes; a longer
 * string fails unless ${may_cut}.
 */
static int
copy_str_attr(const struct nlattr *attr, char *out, size_t size,
    bool may_cut)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) != 0 ||
	    (!may_cut && strlen(mnl_attr_get_str(attr)) >= size))
		return -1;
	snprintf(out, size, "%s", mnl_attr_get_str(attr));
	return 0;
}

/* Read the kind-specific IFLA_INFO_DATA ${data} of a ${out->kind} link. */
static int
parse_info_data(const struct nlattr *data, struct nl_link_info *out)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, data) {
		uint16_t type = mnl_attr_get_type(attr);

		if (strcmp(out->kind, "vlan") == 0 && type == IFLA_VLAN_ID) {
			if (mnl_attr_validate(attr, MNL_TYPE_U16) != 0)
				return -1;
			out->vlan_id = mnl_attr_get_u16(attr);
		} else if (strcmp(out->kind, "bridge") == 0 &&
		    type == IFLA_BR_VLAN_FILTERING) {
			if (mnl_attr_validate(attr, MNL_TYPE_U8) != 0)
				return -1;
			out->vlan_filtering = mnl_attr_get_u8(attr) != 0;
		}
	}
	return 0;
}

/* Read IFLA_LINKINFO ${linkinfo} into ${out}'s kind and kind data. */
static int
parse_linkinfo(const struct nlattr *linkinfo, struct nl_link_info *out)
{
	const struct nlattr *attr, *data = NULL;

	if (mnl_attr_validate(linkinfo, MNL_TYPE_NESTED) != 0)
		return -1;
	mnl_attr_for_each_nested(attr, linkinfo) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_INFO_KIND:
			if (copy_str_attr(attr, out->kind,
			    sizeof(out->kind), true) != 0)
				return -1;
			break;
		case IFLA_INFO_DATA:
			if (mnl_attr_validate(attr, MNL_TYPE_NESTED) != 0)
				return -1;
			data = attr;
			break;
		default:
			break;
		}
	}
	/* The data's meaning depends on the kind, which may come later. */
	return data != NULL ? parse_info_data(data, out) : 0;
}

/* Read the RTM_NEWLINK message ${nlh} into ${out}; return 0 or -1. */
static int
parse_link(const struct nlmsghdr *nlh, struct nl_link_info *out)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -1;
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->up = (ifi->ifi_flags & IFF_UP) != 0;
	out->lower_up = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
	out->link_netnsid = -1;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		uint16_t type = mnl_attr_get_type(attr);

		if (type == IFLA_IFNAME) {
			if (copy_str_attr(attr, out->name,
			    sizeof(out->name), false) != 0)
				return -1;
		} else if (type == IFLA_LINKINFO) {
			if (parse_linkinfo(attr, out) != 0)
				return -1;
		} else if (type == IFLA_MTU || type == IFLA_MASTER ||
		    type == IFLA_LINK || type == IFLA_LINK_NETNSID) {
			uint32_t v;

			if (mnl_attr_validate(attr, MNL_TYPE_U32) != 0)
				return -1;
			v = mnl_attr_get_u32(attr);
			if (type == IFLA_MTU)
				out->mtu = v;
			else if (type == IFLA_MASTER)
				out->master = (int)v;
			else if (type == IFLA_LINK)
				out->link = (int)v;
			else
				out->link_netnsid = (int)v;
		}
	}
	return out->name[0] != '\0' ? 0 : -1;
}

/* What link_get_one() collects. */
struct link_get {
	struct nl_link_info *out;
	bool found;
};

static int
link_get_one(const struct nlmsghdr *nlh, void *arg)
{
	struct link_get *g = arg;

	if (nlh == NULL) {
		g->found = false;
		return 0;
	}
	if (g->found || parse_link(nlh, g->out) != 0)
		return -1;
	g->found = true;
	return 0;
}

/*
 * Fill ${out} with the link ${name}; name the query ${desc} in errors.
 * Statistics are left out of the reply: nobody reads them.
 */
static int
link_get(struct nl_sock *sk, const char *name, struct nl_link_info *out,
    const char *desc, struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct link_get g = { .out = out };

	if (nl_ifname_check(name, desc, err) != 0)
		return -1;
	nlh = link_msg(&buf, RTM_GETLINK, 0, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (nl_query(sk, nlh, link_get_one, &g, desc, err) != 0)
		return -1;
	if (!g.found) {
		nl_error_set(err, EPROTO, "%s: no link in the reply", desc);
		return -1;
	}
	return 0;
}

int
nl_link_get(struct nl_sock *sk, const char *name, struct nl_link_info *out,
    struct nl_error *err)
{
	char desc[NL_DESC_MAX];

	snprintf(desc, sizeof(desc), "get link %s", name);
	return link_get(sk, name, out, desc, err);
}

int
nl_link_index(struct nl_sock *sk, const char *name, int *ifindex,
    struct nl_error *err)
{
	struct nl_link_info info;

	if (nl_link_get(sk, name, &info, err) != 0)
		return -1;
	*ifindex = info.ifindex;
	return 0;
}

int
nl_resolve(struct nl_sock *sk, const char *ifname, int ifindex, int *out,
    const char *desc, struct nl_error *err)
{
	struct nl_link_info info;

	if (ifname == NULL) {
		if (ifindex <= 0) {
			if (err != NULL) {
				err->errnum = EINVAL;
				snprintf(err->msg, sizeof(err->msg),
				    "%s: %s (no link given)", desc,
				    strerror(EINVAL));
			}
			return -1;
		}
		*out = ifindex;
		return 0;
	}
	if (link_get(sk, ifname, &info, desc, err) != 0)
		return -1;
	*out = info.ifindex;
	return 0;
}

/* What link_list_one() collects. */
struct link_list {
	struct nl_link_info *links;
	size_t n, cap;
};

static int
link_list_one(const struct nlmsghdr *nlh, void *arg)
{
	struct link_list *l = arg;
	struct nl_link_info info;

	if (nlh == NULL) {
		l->n = 0;
		return 0;
	}
	if (parse_link(nlh, &info) != 0)
		return -1;
	*VEC_PUSH(l->links, l->n, l->cap) = info;
	return 0;
}

static int
by_ifindex(const void *a, const void *b)
{
	const struct nl_link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int
nl_link_list(struct nl_sock *sk, struct nl_link_info **links, size_t *n,
    struct nl_error *err)
{
	union nl_msgbuf buf;
	struct nlmsghdr *nlh;
	struct link_list l = { 0 };

	*links = NULL;
	*n = 0;
	nlh = link_msg(&buf, RTM_GETLINK, NLM_F_DUMP, 0);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (nl_query(sk, nlh, link_list_one, &l, "list links", err) != 0) {
		free(l.links);
		return -1;
	}
	if (l.n > 1)
		qsort(l.links, l.n, sizeof(*l.links), by_ifindex);
	*links = l.links;
	*n = l.n;
	return 0;
}
