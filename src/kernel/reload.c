/* reload: a plan_diff carried out in the running namespaces (reload.h). */
#include "kernel/reload.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/netns.h"
#include "kernel/nft_run.h"
#include "pf/pf_nft_name.h"

/* The script that deletes the tables of ${server}'s ruleset, if any. */
static char *
delete_firewall_script(const char *server)
{
	struct strbuf name = { 0 }, out = { 0 };

	pf_nft_name("jailnet_", server, &name);
	/* Declaring first makes the delete succeed if one is absent. */
	strbuf_addf(&out, "table inet %s {\n}\ndelete table inet %s\n"
	    "table bridge %s_br {\n}\ndelete table bridge %s_br\n",
	    strbuf_cstr(&name), strbuf_cstr(&name), strbuf_cstr(&name),
	    strbuf_cstr(&name));
	strbuf_free(&name);
	return strbuf_steal(&out);
}

/* One netlink request of change ${c} in the namespace ${fd}. */
static int
netlink_change(const struct plan_change *c, int fd, struct nl_error *err)
{
	const struct op *op = c->op;
	struct nl_sock *sk = NULL;
	struct nl_batch *b;
	int rc = -1;

	if (nl_open_netns(fd, &sk, err) != 0)
		return -1;
	b = nl_batch_new(sk);
	switch (op->kind) {
	case OP_ADDR:
		rc = c->add ? nl_addr_add(b, op->link, 0, &op->prefix,
		    NL_ADDR_NODAD, err) : nl_addr_delete(b, op->link, 0,
		    &op->prefix, err);
		break;
	case OP_ROUTE:
		rc = c->add ? nl_route_add(b, NULL, &op->gateway, NULL, 0,
		    err) : nl_route_delete(b, NULL, &op->gateway, NULL, 0, err);
		break;
	case OP_MTU:
		rc = nl_link_set_mtu(b, op->link, op->mtu, err);
		break;
	case OP_UP:
		rc = nl_link_set_up(b, op->link, true, err);
		break;
	default:
		nl_error_set(err, EINVAL, "not a netlink step");
		break;
	}
	if (rc == 0)
		rc = nl_batch_commit(b, err);
	/* Done already (by a reload that --server limited): idempotent. */
	if (rc != 0 && (op->kind == OP_ADDR || op->kind == OP_ROUTE) &&
	    (c->add ? err->errnum == EEXIST : err->errnum == EADDRNOTAVAIL ||
	    err->errnum == ESRCH))
		rc = 0;
	nl_batch_free(b);
	nl_close(sk);
	return rc;
}

/* Carry out change ${c}; -1 with ${err} set (without the change's name). */
static int
run_change(const struct plan_change *c, struct nl_error *err)
{
	const struct op *op = c->op;
	const struct plan_ns *ns = &c->plan->ns[op->ns];
	char *script;
	int fd = -1, rc;

	/* A removed MTU, up or sysctl: nothing to take back. */
	if (!c->add && (op->kind == OP_MTU || op->kind == OP_UP ||
	    op->kind == OP_SYSCTL))
		return 0;
	if (!ns->current && netns_open(ns->name, &fd, err) != 0)
		return -1;
	switch (op->kind) {
	case OP_FIREWALL:
		if (c->add) {
			rc = nft_run_in_netns(fd, op->text, false, NULL, err);
			break;
		}
		script = delete_firewall_script(op->server);
		rc = nft_run_in_netns(fd, script, false, NULL, err);
		free(script);
		break;
	case OP_SYSCTL:
		rc = netns_sysctl_set(fd, op->key, op->value, err);
		break;
	default:
		rc = netlink_change(c, fd, err);
		break;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Check the new ruleset of change ${c} in its namespace, changing nothing. */
static int
check_change(const struct plan_change *c, struct nl_error *err)
{
	const struct plan_ns *ns = &c->plan->ns[c->op->ns];
	int fd = -1, rc;

	if (c->kind != CHANGE_FIREWALL || !c->add)
		return 0;
	if (!ns->current && netns_open(ns->name, &fd, err) != 0)
		return -1;
	rc = nft_check_in_netns(fd, c->op->text, err);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Check (${apply} false) or carry out every change of ${diff} that is not
 * of topology, counting those carried out in ${done}; stop at the first
 * that fails, naming it in ${err}.
 */
static int
each_change(const struct plan_diff *diff, bool apply, size_t *done,
    struct nl_error *err)
{
	struct strbuf what = { 0 };
	struct nl_error nle;
	size_t i;

	for (i = 0; i < diff->n; i++) {
		const struct plan_change *c = &diff->v[i];

		if (c->kind == CHANGE_TOPOLOGY)
			continue;
		if ((apply ? run_change(c, &nle) : check_change(c, &nle)) ==
		    0) {
			*done += apply;
			continue;
		}
		strbuf_adds(&what, !apply ? "checking " : c->add ? "adding " :
		    "removing ");
		plan_describe_op(c->plan, c->op, &what);
		nl_error_set(err, nle.errnum, "%s: %s", strbuf_cstr(&what),
		    nle.msg);
		strbuf_free(&what);
		return -1;
	}
	return 0;
}

int
reload_apply(const struct plan_diff *diff, size_t *done, struct nl_error *err)
{
	*done = 0;
	/* Every new ruleset passes the kernel's check before any change. */
	if (each_change(diff, false, done, err) != 0)
		return -1;
	return each_change(diff, true, done, err);
}
