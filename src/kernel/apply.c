/*
 * apply: plan -> kernel, with rollback.
 */
#include "kernel/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "pf/pf_nft.h"
#include "pf/pf_nft_name.h"
#include "kernel/hostns.h"
#include "kernel/netns.h"
#include "kernel/nft_run.h"
#include "kernel/nl.h"
#include "kernel/undo.h"

/* One namespace of the plan while it is applied. */
struct ns_handle {
	int fd;			/* -1 until created */
	struct nl_sock *sk;
	struct nl_batch *b;
	bool created;		/* by this run: rollback deletes it */
};

struct applier {
	const struct plan *plan;
	struct state *st;
	struct apply_hooks hooks;
	struct ns_handle *ns;
	size_t batch_ns;	/* the namespace of the pending batch */
	enum op_phase batch_phase;
	size_t *pending;	/* steps (op indices) in the pending batch */
	size_t npending, pendcap;
	size_t done;		/* steps completed */
	struct undo_log *undo;	/* --host: the host's changes, else NULL */
	/* --host: what the host had before the first change */
	struct nl_addr_info *had_addrs;	/* its addresses */
	size_t nhad_addrs;
	struct nl_route_info *kept;	/* its default routes that rc.conf's
					   are: kept, not jailnet's */
	size_t nkept, keptcap;
	struct apply_error *err;
};

void
apply_hooks_from_env(struct apply_hooks *hooks)
{
	const char *v;

	memset(hooks, 0, sizeof(*hooks));
	if ((v = getenv("JAILNET_TEST_CRASH_AFTER")) != NULL &&
	    parse_uint(v, 1, 1000000, &hooks->crash_after) != 0)
		hooks->crash_after = 0;
	if ((v = getenv("JAILNET_TEST_FAIL_AT")) != NULL &&
	    parse_uint(v, 1, 1000000, &hooks->fail_at) != 0)
		hooks->fail_at = 0;
}

/* Fill the error for step ${i} (0-based) with ${reason}. */
static void
step_error(struct applier *ap, size_t i, const char *reason)
{
	const struct op *op = &ap->plan->ops[i];
	struct strbuf what = { 0 };
	char where[512];

	plan_describe_op(ap->plan, op, &what);
	ap->err->step = i + 1;
	snprintf(ap->err->msg, sizeof(ap->err->msg),
	    "step %zu (%s, from %s): %s", i + 1, strbuf_cstr(&what),
	    plan_loc_format(op->loc, where, sizeof(where)), reason);
	strbuf_free(&what);
}

/* A step is done: count it, and play dead if the test hook says so. */
static void
step_done(struct applier *ap, size_t n)
{
	ap->done += n;
	if (ap->hooks.crash_after != 0 && ap->done >= ap->hooks.crash_after)
		_exit(137);
}

/* Send the pending batch, if any. */
static int
flush(struct applier *ap)
{
	struct ns_handle *h;
	struct nl_error nle;
	size_t i, n = ap->npending;

	if (n == 0)
		return 0;
	h = &ap->ns[ap->batch_ns];
	ap->npending = 0;
	if (nl_batch_commit(h->b, &nle) == 0) {
		step_done(ap, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (nl_batch_result(h->b, i) != 0)
			break;
	step_error(ap, ap->pending[i < n ? i : 0], nle.msg);
	return -1;
}

static int
create_ns(struct applier *ap, size_t i)
{
	const struct op *op = &ap->plan->ops[i];
	const char *name = ap->plan->ns[op->ns].name;
	struct ns_handle *h = &ap->ns[op->ns];
	struct nl_error nle;

	/* Recorded first: a crash after the creation still finds it. */
	if (state_add_netns(ap->st, name, &nle) != 0 ||
	    netns_create(name, &h->fd, &nle) != 0) {
		step_error(ap, i, nle.msg);
		return -1;
	}
	h->created = true;
	if (nl_open_netns(h->fd, &h->sk, &nle) != 0) {
		step_error(ap, i, nle.msg);
		return -1;
	}
	h->b = nl_batch_new(h->sk);
	step_done(ap, 1);
	return 0;
}

/* Is the step ${op} in the namespace jailnet runs in (--host)? */
static bool
in_host(const struct applier *ap, const struct op *op)
{
	return ap->undo != NULL && op->ns < ap->plan->nns &&
	    ap->plan->ns[op->ns].current;
}

/* Is ${r} a default route of the family of route step ${op}'s gateway? */
static bool
is_default_of(const struct nl_route_info *r, const struct op *op)
{
	return r->dst.len == 0 && r->dst.addr.family == op->gateway.family;
}

/* Is ${r} the default route that route step ${op} asks for? */
static bool
is_planned_route(const struct nl_route_info *r, const struct op *op)
{
	return is_default_of(r, op) && !r->multipath && r->has_gateway &&
	    ipaddr_eq(&r->gateway, &op->gateway);
}

/*
 * The host's default route that route step ${op} asks for, if the host
 * had it before the first change (inspect_host()), else NULL.
 */
static const struct nl_route_info *
kept_route(const struct applier *ap, const struct op *op)
{
	size_t k;

	if (!in_host(ap, op))
		return NULL;
	for (k = 0; k < ap->nkept; k++)
		if (is_planned_route(&ap->kept[k], op))
			return &ap->kept[k];
	return NULL;
}

/*
 * Write in ${buf} of ${size} bytes why the host's default route ${r}
 * stops route step ${op}.
 */
static void
route_conflict(const struct nl_route_info *r, const struct op *op,
    char *buf, size_t size)
{
	char want[IPADDR_STRLEN], have[IPADDR_STRLEN + 32];
	char dev[IF_NAMESIZE];

	if (r->multipath)
		snprintf(have, sizeof(have), "of several next hops");
	else if (r->has_gateway)
		snprintf(have, sizeof(have), "via %s",
		    ipaddr_format(&r->gateway, want));
	else
		snprintf(have, sizeof(have), "out of %s (no gateway)",
		    if_indextoname((unsigned)r->oif, dev) != NULL ? dev :
		    "a link");
	snprintf(buf, size, "this host has a default route %s, rc.conf "
	    "says %s; remove it first", have, ipaddr_format(&op->gateway,
	    want));
}

/* Add the request of netlink step ${i} to its namespace's batch. */
static int
add_request(struct applier *ap, size_t i)
{
	const struct op *op = &ap->plan->ops[i];
	struct ns_handle *h = &ap->ns[op->ns];
	const struct nl_route_info *kept;
	struct nl_error nle;
	int rc = -1;

	if (ap->npending > 0 &&
	    (ap->batch_ns != op->ns || ap->batch_phase != op->phase))
		if (flush(ap) != 0)
			return -1;
	switch (op->kind) {
	case OP_BRIDGE:
		rc = nl_link_add_bridge(h->b, op->link, false, &nle);
		break;
	case OP_VETH:
		rc = nl_link_add_veth(h->b, op->link, h->fd, op->peer,
		    ap->ns[op->peer_ns].fd, &nle);
		break;
	case OP_MASTER:
		rc = nl_link_set_master(h->b, op->link, op->master, &nle);
		break;
	case OP_MTU:
		rc = nl_link_set_mtu(h->b, op->link, op->mtu, &nle);
		break;
	case OP_ADDR:
		rc = nl_addr_add(h->b, op->link, 0, &op->prefix,
		    NL_ADDR_NODAD, &nle);
		break;
	case OP_UP:
		rc = nl_link_set_up(h->b, op->link, true, &nle);
		break;
	case OP_ROUTE:
		/* The host's own route, if it had this one, as it had it. */
		if ((kept = kept_route(ap, op)) != NULL)
			rc = nl_route_add_listed(h->b, kept, NULL, &nle);
		else
			rc = nl_route_add(h->b, NULL, &op->gateway, NULL, 0,
			    &nle);
		break;
	case OP_NETNS:
	case OP_RENAME:
	case OP_SYSCTL:
	case OP_FIREWALL:
	case OP_NOTE:
		nl_error_set(&nle, EINVAL, "not a netlink step");
		break;
	}
	if (rc != 0) {
		step_error(ap, i, nle.msg);
		return -1;
	}
	ap->batch_ns = op->ns;
	ap->batch_phase = op->phase;
	*VEC_PUSH(ap->pending, ap->npending, ap->pendcap) = i;
	/* With the crash hook on, each step is sent alone. */
	if (ap->hooks.crash_after != 0)
		return flush(ap);
	return 0;
}

/*
 * --host: the default route of step ${i} at the time it runs.  The host's
 * routes were checked before the first change (inspect_host()), but the
 * renames since have dropped those through the NICs, and something else
 * (a DHCP client) may have added one.  The one asked for, there already,
 * is left alone; another is an error.  Return 1 if the step has nothing
 * to do, 0 if it must run, -1 with ${nle} set on error.
 */
static int
host_route_present(struct applier *ap, size_t i, struct nl_error *nle)
{
	const struct op *op = &ap->plan->ops[i];
	struct nl_route_info *routes = NULL;
	size_t n = 0, k;
	int rc = 0;

	if (nl_route_list(ap->ns[op->ns].sk, op->gateway.family, &routes, &n,
	    nle) != 0)
		return -1;
	for (k = 0; k < n && rc == 0; k++) {
		if (!is_default_of(&routes[k], op))
			continue;
		if (is_planned_route(&routes[k], op)) {
			rc = 1;
		} else {
			nle->errnum = EEXIST;
			route_conflict(&routes[k], op, nle->msg,
			    sizeof(nle->msg));
			rc = -1;
		}
	}
	free(routes);
	return rc;
}

/*
 * --host: did the link ${name} have the address ${prefix} before the
 * first change?  Links are compared by index, which a rename keeps.
 * Return 1 if so, 0 if not, -1 with ${nle} set on error.
 */
static int
host_had_addr(struct applier *ap, size_t ns, const char *name,
    const struct ipprefix *prefix, struct nl_error *nle)
{
	int ifindex;
	size_t k;

	if (nl_link_index(ap->ns[ns].sk, name, &ifindex, nle) != 0)
		return -1;
	for (k = 0; k < ap->nhad_addrs; k++)
		if (ap->had_addrs[k].ifindex == ifindex &&
		    ap->had_addrs[k].addr.len == prefix->len &&
		    ipaddr_eq(&ap->had_addrs[k].addr.addr, &prefix->addr))
			return 1;
	return 0;
}

/*
 * --host: address step ${i}.  An address the host had is its own: left in
 * place and not logged, so that neither down nor a rollback removes it.
 * Return 1 if the step has nothing to do, 0 if it must run, -1 with
 * ${nle} set on error.
 */
static int
host_addr(struct applier *ap, size_t i, struct nl_error *nle)
{
	const struct op *op = &ap->plan->ops[i];
	struct nl_addr_info *addrs = NULL;
	size_t n = 0, k;
	int rc;

	if ((rc = host_had_addr(ap, op->ns, op->link, &op->prefix, nle)) < 0)
		return -1;
	if (rc == 0)
		return undo_addr(ap->undo, op->link, &op->prefix, nle);
	/* Still there: nothing to do.  Gone (an IPv6 address, dropped by
	   the rename): added back, and its had-addr fact keeps it. */
	if (nl_addr_list(ap->ns[op->ns].sk, op->link, 0, op->prefix.addr.family,
	    &addrs, &n, nle) != 0)
		return -1;
	for (k = 0, rc = 0; k < n && rc == 0; k++)
		if (addrs[k].addr.len == op->prefix.len &&
		    ipaddr_eq(&addrs[k].addr.addr, &op->prefix.addr))
			rc = 1;
	free(addrs);
	return rc;
}

/*
 * --host: write down how to undo step ${i} in the host's namespace before
 * it runs.  Return 1 if the step has nothing to do, 0 if it must run, -1
 * with ${nle} set on error.
 */
static int
record_undo(struct applier *ap, size_t i, struct nl_error *nle)
{
	const struct op *op = &ap->plan->ops[i];
	struct ns_handle *h = &ap->ns[op->ns];
	struct nl_link_info info;
	struct strbuf name = { 0 };
	char old[256];
	int rc = 0;

	if (!in_host(ap, op))
		return 0;
	switch (op->kind) {
	case OP_BRIDGE:
	case OP_VETH:
		return undo_link(ap->undo, op->link, nle);
	case OP_RENAME:
		if (nl_link_get(h->sk, op->link, &info, nle) != 0)
			return -1;
		return undo_rename(ap->undo, op->peer, op->link, info.up, nle);
	case OP_MTU:
		if (nl_link_get(h->sk, op->link, &info, nle) != 0)
			return -1;
		return undo_mtu(ap->undo, op->link, info.mtu, nle);
	case OP_ADDR:
		return host_addr(ap, i, nle);
	case OP_ROUTE:
		if ((rc = host_route_present(ap, i, nle)) != 0)
			return rc;
		/* The host's own route: its had-route fact keeps it. */
		if (kept_route(ap, op) != NULL)
			return 0;
		return undo_route(ap->undo, &op->gateway, nle);
	case OP_SYSCTL:
		if (netns_sysctl_get(h->fd, op->key, old, sizeof(old),
		    nle) != 0)
			return -1;
		return str_eq(old, op->value) ? 1 :
		    undo_sysctl(ap->undo, op->key, old, nle);
	case OP_FIREWALL:
		pf_nft_name("jailnet_", op->server, &name);
		rc = undo_nft(ap->undo, "inet", strbuf_cstr(&name), nle);
		strbuf_adds(&name, "_br");
		if (rc == 0)
			rc = undo_nft(ap->undo, "bridge", strbuf_cstr(&name),
			    nle);
		strbuf_free(&name);
		return rc;
	case OP_UP:
	case OP_MASTER:
	case OP_NETNS:
	case OP_NOTE:
		/* A renamed NIC is put back up or down as it was; the rest
		   goes with the links jailnet created. */
		return 0;
	}
	return 0;
}

/* --host: rename a NIC, which Linux allows only while it is down. */
static int
rename_link(struct applier *ap, size_t i)
{
	const struct op *op = &ap->plan->ops[i];
	struct ns_handle *h = &ap->ns[op->ns];
	struct nl_error nle;

	if (flush(ap) != 0)
		return -1;
	if (nl_link_set_up(h->b, op->link, false, &nle) != 0 ||
	    nl_link_rename(h->b, op->link, op->peer, &nle) != 0 ||
	    nl_batch_commit(h->b, &nle) != 0) {
		nl_batch_discard(h->b);
		step_error(ap, i, nle.msg);
		return -1;
	}
	step_done(ap, 1);
	return 0;
}

static int
run_step(struct applier *ap, size_t i)
{
	const struct op *op = &ap->plan->ops[i];
	struct nl_error nle;
	int skip;

	if (ap->hooks.fail_at == i + 1) {
		if (flush(ap) != 0)
			return -1;
		step_error(ap, i, "injected failure (JAILNET_TEST_FAIL_AT)");
		return -1;
	}
	if (op->kind != OP_NETNS) {
		/* The undo line is durable before the change is sent. */
		if ((skip = record_undo(ap, i, &nle)) < 0) {
			step_error(ap, i, nle.msg);
			return -1;
		}
		if (skip > 0) {
			step_done(ap, 1);
			return 0;
		}
	}
	switch (op->kind) {
	case OP_NETNS:
		if (flush(ap) != 0)
			return -1;
		return create_ns(ap, i);
	case OP_RENAME:
		return rename_link(ap, i);
	case OP_SYSCTL:
		if (flush(ap) != 0)
			return -1;
		if (netns_sysctl_set(ap->ns[op->ns].fd, op->key, op->value,
		    &nle) != 0) {
			step_error(ap, i, nle.msg);
			return -1;
		}
		step_done(ap, 1);
		return 0;
	case OP_FIREWALL:
		if (flush(ap) != 0)
			return -1;
		if (nft_run_in_netns(ap->ns[op->ns].fd, op->text, false, NULL,
		    &nle) != 0) {
			step_error(ap, i, nle.msg);
			return -1;
		}
		step_done(ap, 1);
		return 0;
	case OP_NOTE:
		step_done(ap, 1);
		return 0;
	case OP_BRIDGE:
	case OP_VETH:
	case OP_MASTER:
	case OP_MTU:
	case OP_ADDR:
	case OP_UP:
	case OP_ROUTE:
		return add_request(ap, i);
	}
	return 0;
}

/* Close every handle; with ${rollback}, delete what this run created. */
static void
finish(struct applier *ap, bool rollback)
{
	struct nl_error nle;
	size_t i;

	for (i = ap->plan->nns; i-- > 0;) {
		struct ns_handle *h = &ap->ns[i];

		nl_batch_free(h->b);
		nl_close(h->sk);
		if (h->fd >= 0)
			close(h->fd);
		if (rollback && h->created)
			(void)netns_delete(ap->plan->ns[i].name, &nle);
	}
	free(ap->ns);
	free(ap->pending);
	free(ap->had_addrs);
	free(ap->kept);
}

/*
 * The end of the run of firewall steps that starts at step ${i} and can be
 * loaded at once: only in a simulation (a --host plan writes its undo log
 * step by step) and without the test hooks, which count single steps.
 * Return ${i} + 1 or less when step ${i} runs alone.
 */
static size_t
firewall_run(const struct applier *ap, size_t i)
{
	size_t end = i;

	if (ap->undo != NULL || ap->hooks.crash_after != 0 ||
	    ap->hooks.fail_at != 0)
		return i + 1;
	while (end < ap->plan->nops && ap->plan->ops[end].kind == OP_FIREWALL)
		end++;
	return end;
}

/* At most this many rulesets load at once. */
#define FIREWALL_PARALLEL 32

/* What a child loading one ruleset needs: its namespace and its text. */
struct firewall_load {
	int ns_fd;
	const char *text;
};

/* In a child: load one ruleset, writing nft's reason to ${f} if it fails. */
static int
load_firewall(void *arg, FILE *f)
{
	const struct firewall_load *fl = arg;
	struct nl_error nle;

	if (nft_run_in_netns(fl->ns_fd, fl->text, false, NULL, &nle) == 0)
		return 0;
	fputs(nle.msg, f);
	return 1;
}

/*
 * Load the rulesets of steps [${i}, ${end}), each in its own namespace, in
 * child processes running at the same time: most of a load is the kernel
 * waiting for its commit to be safe (RCU), which overlaps.  Return 0, or
 * -1 with the first failing step in the error.
 */
static int
load_firewalls(struct applier *ap, size_t i, size_t end)
{
	size_t start, k;
	int rc = 0;

	for (start = i; start < end; start += FIREWALL_PARALLEL) {
		size_t stop = start + FIREWALL_PARALLEL < end ?
		    start + FIREWALL_PARALLEL : end;
		struct firewall_load loads[FIREWALL_PARALLEL];
		struct hostns_child kids[FIREWALL_PARALLEL];
		bool started[FIREWALL_PARALLEL];
		struct nl_error nle;

		for (k = start; k < stop; k++) {
			const struct op *op = &ap->plan->ops[k];

			loads[k - start].ns_fd = ap->ns[op->ns].fd;
			loads[k - start].text = op->text;
			started[k - start] = hostns_spawn(NULL, load_firewall,
			    &loads[k - start], &kids[k - start], &nle) == 0;
		}
		for (k = start; k < stop; k++) {
			struct strbuf msg = { 0 };
			int status = -1;

			if (started[k - start] &&
			    hostns_wait(&kids[k - start], &msg, &status,
			    &nle) == 0 && status == 0) {
				step_done(ap, 1);
				strbuf_free(&msg);
				continue;
			}
			if (rc == 0)
				step_error(ap, k, !started[k - start] ?
				    "cannot start a process to load it" :
				    msg.len > 0 ? strbuf_cstr(&msg) :
				    "nft failed");
			strbuf_free(&msg);
			rc = -1;
		}
	}
	return rc;
}

/* Open the namespace jailnet runs in, for a --host plan. */
static int
open_current(struct applier *ap, size_t i)
{
	struct ns_handle *h = &ap->ns[i];
	struct nl_error nle;

	if ((h->fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(ap->err->msg, sizeof(ap->err->msg), "open "
		    "/proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if (nl_open_netns(h->fd, &h->sk, &nle) != 0) {
		snprintf(ap->err->msg, sizeof(ap->err->msg), "%s", nle.msg);
		return -1;
	}
	h->b = nl_batch_new(h->sk);
	return 0;
}

/* Is the link ${ifindex} one that a rename step of namespace ${ns} sets
   down?  Its name is looked up in ${links}[0..${n}). */
static bool
renamed(const struct applier *ap, size_t ns, const struct nl_link_info *links,
    size_t n, int ifindex)
{
	size_t i, k;

	for (k = 0; k < n; k++)
		if (links[k].ifindex == ifindex)
			break;
	for (i = 0; k < n && i < ap->plan->nops; i++)
		if (ap->plan->ops[i].kind == OP_RENAME &&
		    ap->plan->ops[i].ns == ns &&
		    str_eq(ap->plan->ops[i].link, links[k].name))
			return true;
	return false;
}

/* The name of the link ${ifindex} in ${links}[0..${n}), or NULL. */
static const char *
link_name(const struct nl_link_info *links, size_t n, int ifindex)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (links[k].ifindex == ifindex)
			return links[k].name;
	return NULL;
}

/*
 * Should a route ${r} that the host had be put back by the replay?  The
 * default route a route step of namespace ${ns} asks for, always; else a
 * unicast route through a NIC that a rename sets down, which the kernel
 * would not make again by itself: not a subnet's own route, nor one from
 * a router advertisement or a redirect.
 */
static bool
worth_keeping(const struct applier *ap, size_t ns,
    const struct nl_link_info *links, size_t n, const struct nl_route_info *r)
{
	size_t i;

	for (i = 0; i < ap->plan->nops; i++)
		if (ap->plan->ops[i].kind == OP_ROUTE &&
		    ap->plan->ops[i].ns == ns &&
		    is_planned_route(r, &ap->plan->ops[i]))
			return true;
	return r->type == RTN_UNICAST && !r->multipath && r->oif != 0 &&
	    r->protocol != RTPROT_KERNEL && r->protocol != RTPROT_RA &&
	    r->protocol != RTPROT_REDIRECT &&
	    renamed(ap, ns, links, n, r->oif);
}

/*
 * --host: look at the host's namespace ${ns} before the first change.  A
 * default route of the family of a route step is refused unless it is the
 * one the step asks for, which is kept (ap->kept).  Write down what the
 * renames will take away and the replay must put back: the routes through
 * the renamed NICs (setting a link down drops them) and the IPv6
 * addresses on them (dropped likewise).  Remember every address, which
 * the address steps leave alone (ap->had_addrs).  Return 0, or -1 with
 * the error filled and nothing changed.
 */
static int
inspect_host(struct applier *ap, size_t ns)
{
	struct ns_handle *h = &ap->ns[ns];
	struct nl_route_info *routes = NULL;
	struct nl_link_info *links = NULL;
	struct nl_error nle;
	char why[400], reason[512];
	size_t nroutes = 0, nlinks = 0, i, k;
	int rc = -1;

	if (nl_link_list(h->sk, &links, &nlinks, &nle) != 0 ||
	    nl_route_list(h->sk, AF_UNSPEC, &routes, &nroutes, &nle) != 0 ||
	    nl_addr_list(h->sk, NULL, 0, AF_UNSPEC, &ap->had_addrs,
	    &ap->nhad_addrs, &nle) != 0)
		goto fail;

	/* Every default route first: a refusal leaves no trace. */
	for (i = 0; i < ap->plan->nops; i++) {
		const struct op *op = &ap->plan->ops[i];

		if (op->kind != OP_ROUTE || op->ns != ns)
			continue;
		for (k = 0; k < nroutes; k++) {
			if (!is_default_of(&routes[k], op))
				continue;
			if (is_planned_route(&routes[k], op)) {
				*VEC_PUSH(ap->kept, ap->nkept, ap->keptcap) =
				    routes[k];
				continue;
			}
			route_conflict(&routes[k], op, why, sizeof(why));
			snprintf(reason, sizeof(reason), "%s; nothing was "
			    "changed", why);
			step_error(ap, i, reason);
			goto out;
		}
	}

	/* Routes before addresses: the replay runs backwards, and a route
	   may need its address. */
	for (k = 0; k < nroutes; k++) {
		const struct nl_route_info *r = &routes[k];
		const char *dev = link_name(links, nlinks, r->oif);

		if (dev == NULL || !worth_keeping(ap, ns, links, nlinks, r))
			continue;
		if (undo_had_route(ap->undo, dev, r, &nle) != 0)
			goto fail;
	}
	for (k = 0; k < ap->nhad_addrs; k++) {
		const struct nl_addr_info *a = &ap->had_addrs[k];
		const char *dev = link_name(links, nlinks, a->ifindex);

		if (dev == NULL || a->addr.addr.family != AF_INET6 ||
		    a->scope != RT_SCOPE_UNIVERSE ||
		    !(a->flags & IFA_F_PERMANENT) ||
		    !renamed(ap, ns, links, nlinks, a->ifindex))
			continue;
		if (undo_had_addr(ap->undo, dev, &a->addr, &nle) != 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	snprintf(ap->err->msg, sizeof(ap->err->msg), "before the first "
	    "change: %s", nle.msg);
out:
	free(routes);
	free(links);
	return rc;
}

int
apply_plan(const struct plan *plan, struct state *st, struct undo_log *undo,
    const struct apply_hooks *hooks, struct apply_error *err)
{
	struct applier ap = { 0 };
	size_t i;

	memset(err, 0, sizeof(*err));
	ap.plan = plan;
	ap.st = st;
	ap.undo = undo;
	ap.err = err;
	if (hooks != NULL)
		ap.hooks = *hooks;
	ap.ns = xcalloc(plan->nns + 1, sizeof(*ap.ns));
	for (i = 0; i < plan->nns; i++)
		ap.ns[i].fd = -1;
	for (i = 0; i < plan->nns; i++)
		if (plan->ns[i].current && (open_current(&ap, i) != 0 ||
		    (undo != NULL && inspect_host(&ap, i) != 0)))
			goto fail;
	for (i = 0; i < plan->nops; i++) {
		size_t end = firewall_run(&ap, i);

		if (end > i + 1) {
			if (flush(&ap) != 0 || load_firewalls(&ap, i, end) != 0)
				goto fail;
			i = end - 1;
		} else if (run_step(&ap, i) != 0) {
			goto fail;
		}
	}
	if (flush(&ap) != 0)
		goto fail;
	finish(&ap, false);
	return 0;
fail:
	finish(&ap, true);
	return -1;
}

int
apply_teardown(char *const *names, size_t n, size_t *deleted,
    struct nl_error *err)
{
	struct nl_error nle;
	size_t i;
	int rc = 0;

	*deleted = 0;
	for (i = 0; i < n; i++) {
		if (!netns_exists(names[i]))
			continue;
		if (netns_delete(names[i], &nle) != 0) {
			if (nle.errnum == ENOENT)
				continue;
			if (rc == 0 && err != NULL)
				*err = nle;
			rc = -1;
			continue;
		}
		(*deleted)++;
	}
	return rc;
}
