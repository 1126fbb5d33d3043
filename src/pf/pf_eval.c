/*
 * pf_eval: the path of a packet through a server, and its explanation.
 * Rule matching is in pf_eval_match.c, the rules resolved for the server
 * in pf_eval_rules.c; tables, states and source nodes in pf_eval_state.c.
 * The seams point one way: this file uses all three, matching uses the
 * rules and the states, the rules the tables, the states none.
 */
#include "pf/pf_eval.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval_int.h"

/* The context. */

/* The host's addresses, for is_local(). */
static void
locals_init(struct pf_eval *ctx)
{
	const struct pf_bound *b = ctx->b;
	size_t i, j, cap4 = 0, cap6 = 0;

	for (i = 0; i < b->nifaces; i++)
		for (j = 0; j < b->ifaces[i].naddrs; j++) {
			const struct ipaddr *a = &b->ifaces[i].addrs[j].addr;

			if (a->family == AF_INET)
				memcpy(VEC_PUSH(ctx->local4, ctx->nlocal4,
				    cap4), a->bytes, 4);
			else
				*VEC_PUSH(ctx->local6, ctx->nlocal6, cap6) =
				    *a;
		}
}

/* pf_bound_is_local(), on the addresses gathered once. */
static bool
is_local(const struct pf_eval *ctx, const struct ipaddr *a)
{
	uint32_t x;
	size_t i;

	if (a->family == AF_INET) {
		memcpy(&x, a->bytes, 4);
		for (i = 0; i < ctx->nlocal4; i++)
			if (ctx->local4[i] == x)
				return true;
		return false;
	}
	for (i = 0; i < ctx->nlocal6; i++)
		if (ipaddr_eq(&ctx->local6[i], a))
			return true;
	return false;
}

struct pf_eval *
pf_eval_new(const struct pf_bound *b)
{
	struct pf_eval *ctx = xcalloc(1, sizeof(*ctx));

	ctx->b = b;
	eval_state_init(ctx);
	eval_rules_init(ctx);
	locals_init(ctx);
	return ctx;
}

void
pf_eval_reset(struct pf_eval *ctx)
{
	eval_state_reset(ctx);
}

void
pf_eval_free(struct pf_eval *ctx)
{
	if (ctx == NULL)
		return;
	eval_rules_free(ctx);
	eval_state_free(ctx);
	free(ctx->local4);
	free(ctx->local6);
	free(ctx);
}

/* The path through the server. */

/* Copy interface ${i}'s name into ${out} (PF_EVAL_IFNAMSIZ bytes). */
static void
ifname_copy(const struct pf_eval *ctx, size_t i, char *out)
{
	size_t n = ctx->ifnamelen[i];

	if (n >= PF_EVAL_IFNAMSIZ)
		n = PF_EVAL_IFNAMSIZ - 1;
	memcpy(out, ctx->b->ifaces[i].name, n);
	out[n] = '\0';
}

/* pf_bound_iface(), with the names' lengths known. */
static size_t
iface_find(const struct pf_eval *ctx, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < ctx->b->nifaces; i++)
		if (ctx->ifnamelen[i] == n &&
		    memcmp(ctx->b->ifaces[i].name, name, n) == 0)
			return i;
	return NO_INDEX;
}

static bool
iface_has_addr(const struct pf_iface *pi, const struct ipaddr *a)
{
	size_t i;

	for (i = 0; i < pi->naddrs; i++)
		if (ipaddr_eq(&pi->addrs[i].addr, a))
			return true;
	return false;
}

/* Is ${i} the bridge ${br} or one of its members? */
static bool
on_bridge(const struct pf_bound *b, size_t i, size_t br)
{
	return i == br || b->ifaces[i].bridge == br;
}

/* Run one filter pass; return true if the packet passes. */
static bool
stage_run(struct pf_eval *ctx, struct pf_eval_result *res, enum pf_dir dir,
    size_t ifidx, struct pf_packet *p, uint32_t now_s)
{
	struct pf_eval_stage *st = &res->stages[res->nstages++];

	/* Field by field: the stage is large, most of it a note. */
	st->dir = dir;
	ifname_copy(ctx, ifidx, st->ifname);
	st->xlate = NULL;
	st->how = PF_EVAL_BY_RULE;
	st->rule = NULL;
	st->pass = st->state_created = st->state_matched = false;
	st->state_id = 0;
	st->note[0] = '\0';
	st->before = *p;
	eval_filter_pass(ctx, st, dir, ifidx, p, now_s);
	st->after = *p;
	return st->pass;
}

static int
fail(struct pf_eval_result *res, enum pf_eval_fate fate, const char *why)
{
	res->fate = fate;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
	return fate == PF_FATE_ERROR ? -1 : 0;
}

/* Routed out of the host, after the inbound pass (or for its own packet). */
static int
route_out(struct pf_eval *ctx, struct pf_eval_result *res,
    struct pf_packet *p, uint32_t now_s, bool own)
{
	const struct pf_bound *b = ctx->b;
	size_t r, oif;

	if (is_local(ctx, &p->dst)) {
		/* The host's packet to itself goes out and in on lo0. */
		if (own && (oif = pf_bound_iface(b, "lo0")) != NO_INDEX &&
		    (!stage_run(ctx, res, PF_DIR_OUT, oif, p, now_s) ||
		    !stage_run(ctx, res, PF_DIR_IN, oif, p, now_s))) {
			res->fate = PF_FATE_BLOCKED;
			res->final = *p;
			return 0;
		}
		res->fate = PF_FATE_DELIVERED;
		res->final = *p;
		return 0;
	}
	if (!own && !b->server->gateway_enable)
		return fail(res, PF_FATE_DROPPED,
		    "not forwarded: gateway_enable is off");
	r = pf_route_lookup(b, &p->dst);
	if (r == NO_INDEX)
		return fail(res, PF_FATE_DROPPED,
		    "no route to the destination");
	oif = b->routes[r].iface;
	/* Routed to a bridge or a member: seen only there (bridge_output()
	   runs no member filter). */
	if (!stage_run(ctx, res, PF_DIR_OUT, oif, p, now_s)) {
		res->fate = PF_FATE_BLOCKED;
		res->final = *p;
		return 0;
	}
	res->fate = own ? PF_FATE_SENT : PF_FATE_FORWARDED;
	ifname_copy(ctx, oif, res->out_ifname);
	res->final = *p;
	return 0;
}

/* A frame bridged from member ${in} to member ${out} of bridge ${br}:
   bridge_pfil() runs member in, bridge in, bridge out, member out. */
static int
bridge_path(struct pf_eval *ctx, struct pf_eval_result *res, size_t in,
    size_t br, size_t out, struct pf_packet *p, uint32_t now_s)
{
	const struct server *srv = ctx->b->server;
	struct {
		bool on;
		enum pf_dir dir;
		size_t ifidx;
	} steps[4] = {
		{ srv->pfil_member, PF_DIR_IN, in },
		{ srv->pfil_bridge, PF_DIR_IN, br },
		{ srv->pfil_bridge, PF_DIR_OUT, br },
		{ srv->pfil_member, PF_DIR_OUT, out },
	};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!steps[i].on)
			continue;
		if (!stage_run(ctx, res, steps[i].dir, steps[i].ifidx, p,
		    now_s)) {
			res->fate = PF_FATE_BLOCKED;
			res->final = *p;
			return 0;
		}
	}
	res->fate = PF_FATE_BRIDGED;
	ifname_copy(ctx, out, res->out_ifname);
	res->final = *p;
	return 0;
}

/*
 * The interface the host receives a routed frame on when it enters bridge
 * ${br}: the member that owns the destination address (its MAC is the
 * frame's), else the interface of the connected route back to the
 * sender if it is on this bridge, else the bridge.
 */
static size_t
bridge_l3_iface(const struct pf_bound *b, size_t br, const struct pf_packet *p)
{
	size_t i, r;

	for (i = 0; i < b->nifaces; i++)
		if (on_bridge(b, i, br) &&
		    iface_has_addr(&b->ifaces[i], &p->dst))
			return i;
	r = pf_route_lookup(b, &p->src);
	if (r != NO_INDEX && !b->routes[r].has_gateway &&
	    on_bridge(b, b->routes[r].iface, br))
		return b->routes[r].iface;
	return br;
}

int
pf_eval_packet(struct pf_eval *ctx, const char *in_ifname,
    const char *out_member, const struct pf_packet *pkt, uint64_t now_ms,
    struct pf_eval_result *res)
{
	const struct pf_bound *b = ctx->b;
	struct pf_packet p = *pkt;
	uint32_t now_s = (uint32_t)(now_ms / 1000);
	size_t in, br, r, out;
	char msg[128];

	/* Not the whole result (2.4 KB): what every path sets is set. */
	res->nstages = 0;
	res->fate = PF_FATE_ERROR;
	res->out_ifname[0] = res->reason[0] = '\0';
	memset(&res->final, 0, sizeof(res->final));
	if (in_ifname == NULL)
		return route_out(ctx, res, &p, now_s, true);
	in = iface_find(ctx, in_ifname);
	if (in == NO_INDEX) {
		snprintf(msg, sizeof(msg), "server %s has no interface %s",
		    b->server->name, in_ifname);
		return fail(res, PF_FATE_ERROR, msg);
	}
	br = b->ifaces[in].bridge;
	if (br != NO_INDEX && !is_local(ctx, &p.dst)) {
		r = pf_route_lookup(b, &p.dst);
		if (r != NO_INDEX && !b->routes[r].has_gateway &&
		    on_bridge(b, b->routes[r].iface, br)) {
			/* Same segment: bridged to another member. */
			out = out_member != NULL && *out_member != '\0' ?
			    iface_find(ctx, out_member) : NO_INDEX;
			if (out == NO_INDEX || out == in ||
			    b->ifaces[out].bridge != br) {
				snprintf(msg, sizeof(msg), "%s is bridged by "
				    "%s: name the member it leaves by "
				    "(out on MEMBER)", in_ifname,
				    b->ifaces[br].name);
				return fail(res, PF_FATE_ERROR, msg);
			}
			return bridge_path(ctx, res, in, br, out, &p, now_s);
		}
	}
	if (br != NO_INDEX)
		in = bridge_l3_iface(b, br, &p);
	if (!stage_run(ctx, res, PF_DIR_IN, in, &p, now_s)) {
		res->fate = PF_FATE_BLOCKED;
		res->final = p;
		return 0;
	}
	return route_out(ctx, res, &p, now_s, false);
}

/* Explanation. */

static void
explain_rule(const struct pf_rule *r, struct strbuf *out)
{
	if (r->loc.src != NULL)
		strbuf_addf(out, "rule %u (%s:%u)", r->nr, r->loc.src->path,
		    r->loc.line);
	else
		strbuf_addf(out, "rule %u", r->nr);
}

static void
explain_endpoint(const struct pf_packet *p, const struct ipaddr *a,
    uint16_t port, struct strbuf *out)
{
	char buf[IPADDR_STRLEN];

	strbuf_adds(out, ipaddr_format(a, buf));
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP)
		strbuf_addf(out, " port %u", port);
}

static void
explain_stage(const struct pf_eval_stage *st, struct strbuf *out)
{
	const char *dir = st->dir == PF_DIR_IN ? "in" : "out";
	const struct pf_packet *a = &st->after;

	if (st->xlate != NULL) {
		enum pf_action x = st->xlate->action;

		strbuf_addf(out, "%s on %s: %s ", dir, st->ifname,
		    pf_action_name(x));
		explain_rule(st->xlate, out);
		strbuf_adds(out, " -> ");
		if (x == PF_ACT_NAT || (x == PF_ACT_BINAT &&
		    st->dir == PF_DIR_OUT))
			explain_endpoint(a, &a->src, a->sport, out);
		else
			explain_endpoint(a, &a->dst, a->dport, out);
		strbuf_addc(out, '\n');
	}
	strbuf_addf(out, "%s on %s: ", dir, st->ifname);
	switch (st->how) {
	case PF_EVAL_BY_RULE:
		strbuf_addf(out, "%s by ", st->pass ? "pass" : "block");
		explain_rule(st->rule, out);
		if (!st->pass && st->rule->block != PF_BLOCK_DROP)
			strbuf_adds(out, " (return)");
		break;
	case PF_EVAL_BY_DEFAULT:
		strbuf_adds(out, "pass by default (no rule matches)");
		break;
	case PF_EVAL_BY_STATE:
		strbuf_addf(out, "%s on state %u", st->pass ? "pass" : "drop",
		    st->state_id);
		if (!ipaddr_eq(&st->before.src, &a->src) ||
		    !ipaddr_eq(&st->before.dst, &a->dst) ||
		    st->before.sport != a->sport ||
		    st->before.dport != a->dport) {
			strbuf_adds(out, ", translated to ");
			explain_endpoint(a, &a->src, a->sport, out);
			strbuf_adds(out, " -> ");
			explain_endpoint(a, &a->dst, a->dport, out);
		}
		break;
	case PF_EVAL_BY_XLATE_PASS:
		strbuf_adds(out, "pass by ");
		explain_rule(st->xlate, out);
		strbuf_adds(out, " (pass on the translation rule)");
		break;
	case PF_EVAL_SKIPPED:
		strbuf_adds(out, "pass (set skip on this interface)");
		break;
	}
	if (st->state_created)
		strbuf_addf(out, ", state %u created", st->state_id);
	if (a->tag != NULL && a->tag != st->before.tag)
		strbuf_addf(out, ", tagged %s", a->tag);
	if (st->note[0] != '\0')
		strbuf_addf(out, "; %s", st->note);
	strbuf_addc(out, '\n');
}

void
pf_eval_explain(const struct pf_eval_result *res, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < res->nstages; i++)
		explain_stage(&res->stages[i], out);
	switch (res->fate) {
	case PF_FATE_DELIVERED:
		strbuf_adds(out, "verdict: pass, delivered to the host\n");
		break;
	case PF_FATE_FORWARDED:
		strbuf_addf(out, "verdict: pass, forwarded out of %s\n",
		    res->out_ifname);
		break;
	case PF_FATE_BRIDGED:
		strbuf_addf(out, "verdict: pass, bridged out of %s\n",
		    res->out_ifname);
		break;
	case PF_FATE_SENT:
		strbuf_addf(out, "verdict: pass, sent out of %s\n",
		    res->out_ifname);
		break;
	case PF_FATE_BLOCKED:
		strbuf_adds(out, "verdict: block\n");
		break;
	case PF_FATE_DROPPED:
		strbuf_addf(out, "verdict: dropped, %s\n", res->reason);
		break;
	case PF_FATE_ERROR:
		strbuf_addf(out, "error: %s\n", res->reason);
		break;
	}
}
