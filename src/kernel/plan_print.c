/*
 * plan_print: the text of a plan, for `jailnet up -n` and apply's errors.
 */
#include "kernel/plan.h"

#include <stdio.h>

const char *
op_kind_name(enum op_kind kind)
{
	switch (kind) {
	case OP_NETNS:
		return "netns";
	case OP_BRIDGE:
		return "bridge";
	case OP_VETH:
		return "veth";
	case OP_RENAME:
		return "rename";
	case OP_MASTER:
		return "master";
	case OP_MTU:
		return "mtu";
	case OP_ADDR:
		return "addr";
	case OP_UP:
		return "up";
	case OP_ROUTE:
		return "route";
	case OP_SYSCTL:
		return "sysctl";
	case OP_FIREWALL:
		return "firewall";
	case OP_NOTE:
		return "note";
	}
	return "?";
}

const char *
plan_loc_format(struct loc loc, char *buf, size_t size)
{
	if (loc.src == NULL)
		snprintf(buf, size, "-");
	else if (loc.line == 0)
		snprintf(buf, size, "%s", loc.src->path);
	else
		snprintf(buf, size, "%s:%u", loc.src->path, loc.line);
	return buf;
}

static const char *
ns_name(const struct plan *plan, size_t ns)
{
	return ns < plan->nns ? plan->ns[ns].name : "?";
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

void
plan_describe_op(const struct plan *plan, const struct op *op,
    struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	const char *in = ns_name(plan, op->ns);

	switch (op->kind) {
	case OP_NETNS:
		strbuf_addf(out, "netns %s", in);
		return;
	case OP_BRIDGE:
		strbuf_addf(out, "bridge %s in %s", op->link, in);
		return;
	case OP_VETH:
		strbuf_addf(out, "veth %s in %s <-> %s in %s", op->link, in,
		    op->peer, ns_name(plan, op->peer_ns));
		return;
	case OP_RENAME:
		strbuf_addf(out, "rename %s -> %s in %s", op->link, op->peer,
		    in);
		return;
	case OP_MASTER:
		strbuf_addf(out, "master %s -> %s in %s", op->link,
		    op->master, in);
		return;
	case OP_MTU:
		strbuf_addf(out, "mtu %s %u in %s", op->link, op->mtu, in);
		return;
	case OP_ADDR:
		strbuf_addf(out, "addr %s on %s in %s",
		    ipprefix_format(&op->prefix, buf), op->link, in);
		return;
	case OP_UP:
		strbuf_addf(out, "up %s in %s", op->link, in);
		return;
	case OP_ROUTE:
		strbuf_addf(out, "route default via %s in %s",
		    ipaddr_format(&op->gateway, buf), in);
		return;
	case OP_SYSCTL:
		strbuf_addf(out, "sysctl %s=%s in %s", op->key, op->value, in);
		return;
	case OP_FIREWALL:
		strbuf_addf(out, "firewall of server %s (pf.conf compiled, "
		    "%zu lines of nft) in %s", op->server, count_lines(op->text),
		    in);
		return;
	case OP_NOTE:
		strbuf_addf(out, "note: %s", op->text);
		return;
	}
}

void
plan_print(const struct plan *plan, struct strbuf *out)
{
	char where[512];
	size_t i, start;

	strbuf_addf(out, "plan of site %s: %zu namespaces, %zu steps\n",
	    plan->site, plan->nns, plan->nops);
	for (i = 0; i < plan->nops; i++) {
		start = out->len;
		strbuf_addf(out, "%4zu ", i + 1);
		plan_describe_op(plan, &plan->ops[i], out);
		/* Align the locations where the text allows. */
		while (out->len - start < 60)
			strbuf_addc(out, ' ');
		strbuf_addf(out, "  (%s)\n", plan_loc_format(plan->ops[i].loc,
		    where, sizeof(where)));
	}
}

void
plan_print_firewalls(const struct plan *plan, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < plan->nops; i++) {
		const struct op *op = &plan->ops[i];

		if (op->kind != OP_FIREWALL)
			continue;
		strbuf_addf(out, "\n# step %zu: the firewall of server %s, "
		    "loaded in %s as one transaction\n", i + 1, op->server,
		    ns_name(plan, op->ns));
		strbuf_adds(out, op->text);
	}
}
