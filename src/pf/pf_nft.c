/*
 * pf_nft: assemble the nft script of a bound pf ruleset (see pf_nft.h).
 *
 * Layout of the inet table (priorities relative to the nat hooks):
 *
 *   nat_rdr      nat prerouting (dstnat)    rdr, first match in file order
 *   filter_in    filter prerouting (-90)    rate-limit bookkeeping, then
 *                                           pf's "in" stage on the input
 *                                           interface (after rdr: rules
 *                                           see the new destination); not
 *                                           for packets that came by a
 *                                           bridge port, whose in stages
 *                                           wait until it is known whether
 *                                           they are bridged:
 *   filter_local filter input (0)           those for the host: "in" on
 *                                           the bridge
 *   filter_fwd   filter forward (0)         those routed: "in" on the
 *                                           bridge; those bridged: pf's
 *                                           four stages in FreeBSD's order
 *   nat_out      nat postrouting (srcnat)   nat, first match in file order
 *   filter_out   filter postrouting (110)   pf's "out" stage on the output
 *                                           interface: sees the nat'ed
 *                                           source, as pf's out rules do
 *
 * The stage chains (stage_in_if, stage_out_if, stage_in_port,
 * stage_out_port, and stage_in_l3, stage_out_l3 for the traffic the host
 * receives, sends or routes by a bridge one of whose members holds an
 * address: pf sees it on that member) set the "current interface" field
 * of the packet mark and jump to rules_in or rules_out, the pf rules in first-match order, where
 * pass is "return" (the next stage still has to pass the packet) and block
 * is drop/reject.  A pass with state marks the connection (ct mark) with
 * a state of its direction, which later stages of that direction match
 * first, as pf's floating states do: a forwarded connection needs a pass
 * in and a pass out; replies and later packets are accepted by conntrack
 * ("ct state established").
 *
 * Reloading: the script first makes sure the inet table and its overload
 * sets exist (declaring an existing set keeps its elements), then flushes
 * the table (rules only), empties the static sets and fills them again.
 * Overload sets are never flushed, so addresses pf would keep in an
 * overload table survive a reload.  The bridge table holds no state and is
 * deleted and made again.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_nft.h"
#include "pf/pf_nft_int.h"

/* Header comments for the scrub rules: Linux always reassembles. */
static void
add_scrub_notes(const struct pf_ruleset *rs, struct strbuf *out)
{
	const struct pf_rules *sr = &rs->rules[PF_RS_SCRUB];
	size_t i;

	for (i = 0; i < sr->n; i++) {
		const struct pf_rule *r = &sr->v[i];

		strbuf_addf(out, "# @%u line %u: ", r->nr, r->loc.line);
		pf_print_rule(r, out);
		strbuf_adds(out, "\n# jailnet: fragments are always "
		    "reassembled on Linux (conntrack defragments every "
		    "packet it tracks)");
		if (r->scrub.no_df)
			strbuf_adds(out, "; no-df: approximate, Linux "
			    "ignores DF on the fragments it reassembles but "
			    "does not clear the bit");
		if (r->scrub.random_id || r->scrub.min_ttl ||
		    r->scrub.max_mss || r->scrub.reassemble_tcp)
			strbuf_adds(out, "; random-id, min-ttl, max-mss and "
			    "reassemble tcp are not compiled");
		strbuf_addc(out, '\n');
	}
}

/* Header comments for the anchor calls: empty at load, nothing to compile;
   rules pfctl -a would add have no place in the script. */
static void
add_anchor_notes(const struct pf_ruleset *rs, struct strbuf *out)
{
	size_t k, i;

	for (k = 0; k < PF_RS_COUNT; k++)
		for (i = 0; i < rs->anchors[k].n; i++) {
			const struct pf_rule *r = &rs->anchors[k].v[i];

			strbuf_addf(out, "# @%u line %u: ", r->nr,
			    r->loc.line);
			pf_print_rule(r, out);
			strbuf_adds(out, "\n# jailnet: the anchor holds no "
			    "rules at load, so nothing is compiled; rules "
			    "added to it with pfctl -a are not in this "
			    "script\n");
		}
}

/* Overload tables some rule flushes states for. */
static bool
table_flushes(const struct pf_ruleset *rs, const char *name)
{
	const struct pf_rules *fr = &rs->rules[PF_RS_FILTER];
	size_t i;

	for (i = 0; i < fr->n; i++)
		if (fr->v[i].state.overload != NULL &&
		    (fr->v[i].state.flush || fr->v[i].state.flush_global) &&
		    str_eq(fr->v[i].state.overload, name))
			return true;
	return false;
}

static const char *
set_type(unsigned fam)
{
	return fam == NFT_FAM_6 ? "ipv6_addr" : "ipv4_addr";
}

/* The body of a table's set for ${fam}, with ${elements} if asked. */
static void
add_table_set(const struct pf_bound_table *t, unsigned fam, bool elements,
    struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	size_t i, n = 0, neg = 0;
	int af = fam == NFT_FAM_6 ? AF_INET6 : AF_INET;

	strbuf_adds(out, "\tset ");
	pf_nft_table_set(t->name, fam, out);
	strbuf_addf(out, " {\n\t\ttype %s\n", set_type(fam));
	/* The timeout only dates entries, for pfctl -T expire: it is
	   longer than any server's uptime (pf never ages them out). */
	if (t->is_dynamic)
		strbuf_addf(out, "\t\tflags dynamic,timeout\n\t\ttimeout "
		    "%ud\n", PF_NFT_OVERLOAD_DAYS);
	else
		strbuf_adds(out, "\t\tflags interval\n\t\tauto-merge\n");
	for (i = 0; elements && i < t->nentries; i++) {
		const struct pf_table_entry *en = &t->entries[i];
		struct ipprefix net;

		if (en->prefix.addr.family != af)
			continue;
		net = ipprefix_network(&en->prefix);
		if (t->is_dynamic && net.len != ipaddr_bits(&net.addr)) {
			neg++;	/* a hash set holds addresses only */
			continue;
		}
		if (en->neg) {
			neg++;
			continue;
		}
		strbuf_adds(out, n++ == 0 ? "\t\telements = { " : ",\n\t\t\t");
		if (net.len == ipaddr_bits(&net.addr))
			strbuf_adds(out, ipaddr_format(&net.addr, buf));
		else
			strbuf_adds(out, ipprefix_format(&net, buf));
	}
	if (n > 0)
		strbuf_adds(out, " }\n");
	if (neg > 0)
		strbuf_addf(out, "\t\t# jailnet: %zu entr%s left out: an nft "
		    "set cannot except addresses (negated entries), an "
		    "overload set holds addresses only (networks)\n", neg,
		    neg == 1 ? "y" : "ies");
	strbuf_adds(out, "\t}\n");
}

/*
 * nft's refill rate for N per S seconds: a whole number per second,
 * minute, hour, day or week.  Return true if exact, false if rounded.
 */
static bool
add_rate(unsigned n, unsigned secs, struct strbuf *out)
{
	static const struct {
		const char *name;
		unsigned long secs;
	} units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 },
		{ "day", 86400 }, { "week", 604800 },
	};
	size_t i;
	unsigned long r;

	if (secs == 0)
		secs = 1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (((unsigned long)n * units[i].secs) % secs == 0) {
			r = (unsigned long)n * units[i].secs / secs;
			strbuf_addf(out, "%lu/%s", r, units[i].name);
			return true;
		}
	r = ((unsigned long)n * 604800 + secs / 2) / secs;
	strbuf_addf(out, "%lu/week", r == 0 ? 1 : r);
	return false;
}

/*
 * The per-rule meters of max-src-conn-rate (sets rate_N_vF).  No size:
 * the kernel bounds a set filled from the packet path to 65535 entries
 * anyway, and an explicit size makes it allocate the hash for all of
 * them at once (measured: 20 ms more per ruleset's first load).
 */
static void
add_rate_sets(const struct nft_ctx *ctx, struct strbuf *out)
{
	size_t i;
	unsigned f;

	for (i = 0; i < ctx->nrated; i++)
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1) {
			if (!(ctx->rated[i].fams & f))
				continue;
			strbuf_addf(out, "\tset rate_%u_%s {\n\t\ttype %s\n"
			    "\t\tflags dynamic,timeout\n"
			    "\t\ttimeout %us\n\t}\n", ctx->rated[i].id,
			    f == NFT_FAM_6 ? "v6" : "v4", set_type(f),
			    ctx->rated[i].rule->state.max_src_conn_secs ?
			    ctx->rated[i].rule->state.max_src_conn_secs : 1);
		}
}

/*
 * Counting a rate-limited rule's handshakes: the first packet of the
 * client in an established connection is its final ACK; it is counted
 * once (ct mark bit) in the source's token bucket, and a source over the
 * limit is added to the overload table and the ACK dropped.
 */
static void
add_rate_rules(const struct nft_ctx *ctx, struct strbuf *out)
{
	size_t i;
	unsigned f;
	bool exact;

	for (i = 0; i < ctx->nrated; i++) {
		const struct pf_rule *r = ctx->rated[i].rule;
		const struct pf_state_opts *so = &r->state;

		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1) {
			const char *w = f == NFT_FAM_6 ? "ip6" : "ip";

			if (!(ctx->rated[i].fams & f))
				continue;
			strbuf_addf(out, "\t\tmeta nfproto %s ct direction "
			    "original ct state established ct mark & 0x%08x "
			    "== 0x%08x ct mark set ct mark | 0x%08x update "
			    "@rate_%u_%s { %s saddr limit rate over ",
			    f == NFT_FAM_6 ? "ipv6" : "ipv4",
			    NFT_CT_RATE | NFT_CT_COUNTED, ctx->rated[i].id,
			    NFT_CT_COUNTED, ctx->rated[i].id,
			    f == NFT_FAM_6 ? "v6" : "v4", w);
			exact = add_rate(so->max_src_conn_rate,
			    so->max_src_conn_secs, out);
			/* The bucket holds "burst" (checked on 6.18): N. */
			strbuf_addf(out, " burst %u packets",
			    so->max_src_conn_rate);
			strbuf_adds(out, " }");
			if (so->overload != NULL) {
				strbuf_adds(out, " add @");
				pf_nft_table_set(so->overload, f, out);
				strbuf_addf(out, " { %s saddr }", w);
			}
			strbuf_addf(out, " drop comment \"pf @%u line %u "
			    "max-src-conn-rate\"\n", r->nr, r->loc.line);
			if (!exact)
				strbuf_addf(out, "\t\t# jailnet: %u/%u is "
				    "no whole rate of an nft unit: the refill "
				    "is rounded\n", so->max_src_conn_rate,
				    so->max_src_conn_secs);
		}
	}
}

/* Drop the traffic of connections of sources in flushing overload tables. */
static void
add_flush_rules(const struct pf_bound *b, struct strbuf *out)
{
	size_t i;
	unsigned f;

	for (i = 0; i < b->ntables; i++) {
		const struct pf_bound_table *t = &b->tables[i];

		if (!t->is_dynamic || !table_flushes(b->rs, t->name))
			continue;
		strbuf_addf(out, "\t\t# jailnet: overload <%s> flush: "
		    "connections of a listed source are dropped while it is "
		    "listed, not killed once\n", t->name);
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1) {
			const char *w = f == NFT_FAM_6 ? "ip6" : "ip";

			strbuf_addf(out, "\t\tct state established,related "
			    "%s saddr @", w);
			pf_nft_table_set(t->name, f, out);
			strbuf_adds(out, " drop\n");
			strbuf_addf(out, "\t\tct state established,related "
			    "%s daddr @", w);
			pf_nft_table_set(t->name, f, out);
			strbuf_adds(out, " drop\n");
		}
	}
}

/* Set the current-interface field from iifname or oifname. */
static void
add_set_iface(const struct pf_bound *b, const char *field, struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "\t\tmeta mark set meta mark & 0x%08x\n",
	    ~NFT_MARK_IFACE);
	for (i = 0; i < b->nifaces; i++) {
		if (b->ifaces[i].bridge != NO_INDEX)
			continue;	/* a port: seen as its bridge here */
		strbuf_addf(out, "\t\t%s \"%s\" meta mark set meta mark | "
		    "0x%08x\n", field, nft_linux_ifname(b->ifaces[i].name),
		    (unsigned)(i + 1) << 16);
	}
}

/* Set the current-interface field from a port field of the mark. */
static void
add_set_port(const struct pf_bound *b, unsigned mask, unsigned shift,
    struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "\t\tmeta mark set meta mark & 0x%08x\n",
	    ~NFT_MARK_IFACE);
	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge != NO_INDEX)
			strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0x%08x "
			    "meta mark set meta mark | 0x%08x\n", mask,
			    (unsigned)(i + 1) << shift,
			    (unsigned)(i + 1) << 16);
}

/* Is ${i} the bridge ${br} or one of its members? */
static bool
on_bridge(const struct pf_bound *b, size_t i, size_t br)
{
	return i == br || b->ifaces[i].bridge == br;
}

/* Does a member of bridge ${br} have an address (as inic on ibridge)? */
static bool
member_has_addr(const struct pf_bound *b, size_t br)
{
	size_t i;

	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge == br && b->ifaces[i].naddrs > 0)
			return true;
	return false;
}

static bool
has_member_addr(const struct pf_bound *b)
{
	size_t i;

	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].is_bridge && member_has_addr(b, i))
			return true;
	return false;
}

/* "meta mark set" of the current-interface field to interface ${i}. */
static void
add_iface_set(size_t i, struct strbuf *out)
{
	strbuf_addf(out, " meta mark set meta mark & 0x%08x | 0x%08x\n",
	    ~NFT_MARK_IFACE, (unsigned)(i + 1) << 16);
}

/* " ip saddr PREFIX" (or daddr), "meta nfproto" for a /0. */
static void
add_prefix_match(const struct ipprefix *p, const char *field,
    struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	bool v6 = p->addr.family == AF_INET6;

	if (p->len == 0)
		strbuf_addf(out, " meta nfproto %s", v6 ? "ipv6" : "ipv4");
	else
		strbuf_addf(out, " %s %s %s", v6 ? "ip6" : "ip", field,
		    ipprefix_format(p, buf));
}

/*
 * The pf interface of a packet the host receives (${in}) or sends or
 * routes out (!${in}) by bridge ${br} one of whose members has an
 * address: on FreeBSD the address, and so the host's layer 3, is on the
 * member, on Linux on the bridge, whose name is all the inet hooks see.
 * pf_eval's choice, rule by rule, the last match winning:
 *
 *   out: the interface of the route to the destination (route_out());
 *   in:  the interface of the connected route back to the source if on
 *        this bridge, else the bridge; but the interface of this bridge
 *        owning the destination address before rdr (bridge_l3_iface()).
 *
 * Routes go from the least specific to the most, as pf_route_lookup()
 * takes the longest; one giving the bridge is written only inside one
 * giving a member.
 */
static void
add_l3_map(const struct pf_bound *b, size_t br, bool in, struct strbuf *out)
{
	const char *field = in ? "iifname" : "oifname";
	const char *brname = nft_linux_ifname(b->ifaces[br].name);
	char buf[IPADDR_STRLEN];
	size_t i, j, k, res;

	for (k = b->nroutes; k-- > 0;) {
		const struct pf_route *rt = &b->routes[k];

		res = br;
		if (on_bridge(b, rt->iface, br) && (!in || !rt->has_gateway))
			res = rt->iface;
		if (res == br) {
			/* Only to undo a less specific member's route. */
			for (j = k + 1; j < b->nroutes; j++)
				if (b->routes[j].iface != br &&
				    on_bridge(b, b->routes[j].iface, br) &&
				    (!in || !b->routes[j].has_gateway) &&
				    ipprefix_contains(&b->routes[j].dst,
				    &rt->dst.addr))
					break;
			if (j == b->nroutes)
				continue;
		}
		strbuf_addf(out, "\t\t%s \"%s\"", field, brname);
		add_prefix_match(&rt->dst, in ? "saddr" : "daddr", out);
		add_iface_set(res, out);
	}
	if (!in)
		return;
	for (i = b->nifaces; i-- > 0;) {
		if (!on_bridge(b, i, br))
			continue;
		for (j = 0; j < b->ifaces[i].naddrs; j++) {
			const struct ipaddr *a = &b->ifaces[i].addrs[j].addr;

			strbuf_addf(out, "\t\tiifname \"%s\" ct original "
			    "%s daddr %s", brname, a->family == AF_INET6 ?
			    "ip6" : "ip", ipaddr_format(a, buf));
			add_iface_set(i, out);
		}
	}
}

/* Does a filter rule of ${b} name urpf-failed? */
static bool
uses_urpf(const struct pf_bound *b)
{
	const struct pf_rules *fr = &b->rs->rules[PF_RS_FILTER];
	size_t k;

	for (k = 0; k < fr->n; k++)
		if (fr->v[k].src.kind == PF_ADDR_URPF_FAILED ||
		    fr->v[k].dst.kind == PF_ADDR_URPF_FAILED)
			return true;
	return false;
}

/*
 * pf's uRPF check for the interface of an in stage (pf_routable() with
 * it), for the interfaces the stage can give (${members}: bridge members,
 * ${others}: the rest): set NFT_MARK_URPF if the route back to the source
 * leaves by that interface.  On FreeBSD no route leaves by a bridge member
 * without an address, nor by a bridge whose member holds the address: the
 * bit stays clear there.  A member with an address has its routes on its
 * bridge on Linux, which is the input interface the inet hooks see for it
 * (bridged frames too).  So the stage's interface, if it can hold routes,
 * is checked against the Linux input interface.
 */
static void
add_urpf(const struct pf_bound *b, bool members, bool others,
    struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "\t\tmeta mark set meta mark & 0x%08x\n",
	    ~NFT_MARK_URPF);
	for (i = 0; i < b->nifaces; i++) {
		const struct pf_iface *f = &b->ifaces[i];

		if (f->bridge != NO_INDEX ? !members || f->naddrs == 0 :
		    !others || (f->is_bridge && member_has_addr(b, i)))
			continue;
		strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0x%08x fib saddr "
		    ". iif oif exists meta mark set meta mark | 0x%08x\n",
		    NFT_MARK_IFACE, (unsigned)(i + 1) << 16, NFT_MARK_URPF);
	}
}

static bool
has_members(const struct pf_bound *b)
{
	size_t i;

	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge != NO_INDEX)
			return true;
	return false;
}

/* The bridge table: which port a frame came in by, and goes out by. */
static void
add_bridge_table(const struct pf_bound *b, const char *name,
    struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "table bridge %s {\n}\ndelete table bridge %s\n",
	    name, name);
	strbuf_addf(out, "table bridge %s {\n", name);
	strbuf_addf(out, "\tchain port_in {\n\t\ttype filter hook "
	    "prerouting priority -200; policy accept;\n\t\tmeta mark set "
	    "meta mark & 0x%08x\n", ~(NFT_MARK_INPORT | NFT_MARK_OUTPORT));
	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge != NO_INDEX)
			strbuf_addf(out, "\t\tiifname \"%s\" meta mark set "
			    "meta mark | 0x%08x\n", b->ifaces[i].name,
			    (unsigned)(i + 1));
	strbuf_adds(out, "\t}\n");
	strbuf_adds(out, "\tchain port_out {\n\t\ttype filter hook forward "
	    "priority -1; policy accept;\n");
	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge != NO_INDEX)
			strbuf_addf(out, "\t\toifname \"%s\" meta mark set "
			    "meta mark & 0x%08x | 0x%08x\n", b->ifaces[i].name,
			    ~NFT_MARK_OUTPORT, (unsigned)(i + 1) << 8);
	strbuf_adds(out, "\t}\n}\n");
}

/*
 * Whether the tags of the rules of direction ${want} can be compiled
 * exactly: the chain sets every tag first, in file order, then decides in
 * first-match order; so every rule that sets a tag must come before any
 * quick rule (pf stops tagging at the quick rule that matches), and any
 * pass or block rule that tests a tag after every rule that sets one (it
 * sees the tags set before it only).  Return 0, or -1 after an error at
 * the rule that breaks this.
 */
static int
tags_compilable(struct nft_ctx *ctx, enum pf_dir want)
{
	const struct pf_rules *fr = &ctx->b->rs->rules[PF_RS_FILTER];
	const struct pf_rule *r, *quick = NULL, *tester = NULL;
	unsigned ntags = 0;
	size_t k;

	for (k = 0; k < fr->n; k++) {
		r = &fr->v[k];
		if (r->dir != PF_DIR_INOUT && r->dir != want)
			continue;
		if (r->tag != NULL) {
			const char *why = NULL;

			if (nft_tag_id(ctx->b->rs, r->tag) > ntags)
				ntags = nft_tag_id(ctx->b->rs, r->tag);
			if (quick != NULL)
				why = "it comes after a quick rule (line %u), "
				    "where pf may stop before tagging";
			else if (tester != NULL)
				why = "a pass or block rule before it (line "
				    "%u) tests the tag, which pf gives it only "
				    "as set so far";
			else if (r->tagged != NULL &&
			    r->action != PF_ACT_MATCH) {
				why = "the rule (line %u) also tests a tag, "
				    "which pf does before it tags";
				tester = r;
			}
			if (why != NULL) {
				struct strbuf m = { 0 };

				strbuf_addf(&m, why, (quick != NULL ? quick :
				    tester)->loc.line);
				diag_error(ctx->diags, r->tag_loc, "cannot "
				    "compile this tag to nftables: %s (the "
				    "compiled chain sets all tags first, then "
				    "decides)", strbuf_cstr(&m));
				strbuf_free(&m);
				ctx->error = 1;
				return -1;
			}
		}
		if (r->quick)
			quick = r;
		if (r->tagged != NULL && r->action != PF_ACT_MATCH &&
		    tester == NULL)
			tester = r;
	}
	if (ntags > NFT_MAX_TAGS) {
		diag_error(ctx->diags, fr->v[0].loc, "more than %d tags: the "
		    "packet mark cannot number them", NFT_MAX_TAGS);
		ctx->error = 1;
		return -1;
	}
	return 0;
}

/* rules_in or rules_out: the filter rules of one direction, first match. */
static void
add_rules_chain(struct nft_ctx *ctx, enum nft_stage stage, struct strbuf *out)
{
	const struct pf_bound *b = ctx->b;
	const struct pf_rules *fr = &b->rs->rules[PF_RS_FILTER];
	enum pf_dir want = stage == NFT_STAGE_IN ? PF_DIR_IN : PF_DIR_OUT;
	size_t i, k;
	int pass;

	if (tags_compilable(ctx, want) != 0)
		return;
	strbuf_addf(out, "\tchain %s {\n", stage == NFT_STAGE_IN ?
	    "rules_in" : "rules_out");
	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].skip)
			strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0x%08x "
			    "return comment \"set skip on %s\"\n",
			    NFT_MARK_IFACE, (unsigned)(i + 1) << 16,
			    b->ifaces[i].name);
	/* The tags first, in file order, for the rules after to see (also
	   for a state's packets, which pf tags with the state's tag). */
	ctx->tagging = true;
	for (k = 0; k < fr->n; k++)
		if (fr->v[k].tag != NULL && (fr->v[k].dir == PF_DIR_INOUT ||
		    fr->v[k].dir == want))
			nft_rule(ctx, &fr->v[k], stage, out);
	ctx->tagging = false;
	strbuf_addf(out, "\t\tct mark & 0x%08x != 0 return comment \"a "
	    "floating state of this direction\"\n", stage == NFT_STAGE_IN ?
	    NFT_CT_INSTATE : NFT_CT_OUTSTATE);
	/* pf's last match with quick: quick rules in order, then the rest
	   backwards. */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < fr->n; k++) {
			const struct pf_rule *r;

			r = &fr->v[pass == 0 ? k : fr->n - 1 - k];
			if ((pass == 0) != (r->quick != 0))
				continue;
			if (r->dir != PF_DIR_INOUT && r->dir != want)
				continue;
			if (r->action == PF_ACT_MATCH)
				continue;	/* its tag is set above */
			nft_rule(ctx, r, stage, out);
		}
	strbuf_adds(out, "\t\t# no rule matched: pf passes without state\n"
	    "\t}\n");
}

/* nat_rdr or nat_out: translation rules, first match in file order. */
static void
add_nat_chain(struct nft_ctx *ctx, enum pf_ruleset_kind kind,
    struct strbuf *out)
{
	const struct pf_rules *rr = &ctx->b->rs->rules[kind];
	bool rdr = kind == PF_RS_RDR;
	size_t i;

	strbuf_addf(out, "\tchain %s {\n\t\ttype nat hook %s priority %s; "
	    "policy accept;\n", rdr ? "nat_rdr" : "nat_out",
	    rdr ? "prerouting" : "postrouting", rdr ? "dstnat" : "srcnat");
	/* pf does not look at a packet on a skipped interface at all: no
	   translation either.  Matched as "rdr on IF" ("nat on IF") is. */
	for (i = 0; i < ctx->b->nifaces && rr->n > 0; i++) {
		const struct pf_iface *f = &ctx->b->ifaces[i];

		if (!f->skip)
			continue;
		if (f->bridge != NO_INDEX)
			strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0x%08x",
			    rdr ? NFT_MARK_INPORT : NFT_MARK_OUTPORT,
			    (unsigned)(i + 1) << (rdr ? 0 : 8));
		else
			strbuf_addf(out, "\t\t%s \"%s\"", rdr ? "iifname" :
			    "oifname", nft_linux_ifname(f->name));
		strbuf_addf(out, " accept comment \"set skip on %s\"\n",
		    f->name);
	}
	for (i = 0; i < rr->n; i++) {
		if (rdr && rr->v[i].natpass)
			ctx->rdr_pass = true;
		nft_rule(ctx, &rr->v[i], rdr ? NFT_STAGE_RDR : NFT_STAGE_NAT,
		    out);
		if (rr->v[i].natpass && !rdr)
			strbuf_adds(out, "\t\t# jailnet: nat pass: the "
			    "outbound filter still applies\n");
	}
	strbuf_adds(out, "\t}\n");
}

/*
 * The stage chains: each sets the current-interface field of the mark and
 * runs the rules of its direction.  stage_in_if and stage_out_if take the
 * interface from iifname and oifname, stage_in_port and stage_out_port
 * from the bridge ports (bridged frames).
 */
static void
add_stage_chains(const struct pf_bound *b, bool members, struct strbuf *out)
{
	bool urpf = uses_urpf(b);
	size_t i;

	strbuf_adds(out, "\tchain stage_in_if {\n");
	add_set_iface(b, "iifname", out);
	if (urpf)
		add_urpf(b, false, true, out);
	strbuf_adds(out, "\t\tjump rules_in\n\t}\n");
	strbuf_adds(out, "\tchain stage_out_if {\n");
	add_set_iface(b, "oifname", out);
	strbuf_adds(out, "\t\tjump rules_out\n\t}\n");
	if (has_member_addr(b)) {
		strbuf_adds(out, "\tchain stage_in_l3 {\n");
		add_set_iface(b, "iifname", out);
		for (i = 0; i < b->nifaces; i++)
			if (b->ifaces[i].is_bridge && member_has_addr(b, i))
				add_l3_map(b, i, true, out);
		if (urpf)
			add_urpf(b, true, true, out);
		strbuf_adds(out, "\t\tjump rules_in\n\t}\n");
		strbuf_adds(out, "\tchain stage_out_l3 {\n");
		add_set_iface(b, "oifname", out);
		for (i = 0; i < b->nifaces; i++)
			if (b->ifaces[i].is_bridge && member_has_addr(b, i))
				add_l3_map(b, i, false, out);
		strbuf_adds(out, "\t\tjump rules_out\n\t}\n");
	}
	if (!members)
		return;
	strbuf_adds(out, "\tchain stage_in_port {\n");
	add_set_port(b, NFT_MARK_INPORT, 0, out);
	if (urpf)
		add_urpf(b, true, false, out);
	strbuf_adds(out, "\t\tjump rules_in\n\t}\n");
	strbuf_adds(out, "\tchain stage_out_port {\n");
	add_set_port(b, NFT_MARK_OUTPORT, 8, out);
	strbuf_adds(out, "\t\tjump rules_out\n\t}\n");
}

/*
 * The base chains.  A packet that came in by a bridge port has its in
 * stages run in forward (bridged or routed) or input (for the host),
 * where it is known whether it is bridged: a bridged frame gets pf's four
 * stages in FreeBSD's order (in on the member, in on the bridge, out on
 * the bridge, out on the member) so that the floating state the first
 * pass of a direction creates covers the later stages of that direction.
 */
static void
add_base_chains(struct nft_ctx *ctx, struct strbuf *out)
{
	const struct pf_bound *b = ctx->b;
	bool members = has_members(b) && b->server->pfil_member;
	bool bridges = b->server->pfil_bridge;
	const char *l3_in = has_member_addr(b) ? "stage_in_l3" :
	    "stage_in_if";
	const char *l3_out = has_member_addr(b) ? "stage_out_l3" :
	    "stage_out_if";

	add_stage_chains(b, members, out);

	strbuf_adds(out, "\tchain filter_in {\n\t\ttype filter hook "
	    "prerouting priority -90; policy accept;\n");
	add_flush_rules(b, out);
	add_rate_rules(ctx, out);
	strbuf_adds(out, "\t\tct state established,related accept\n");
	if (ctx->rdr_pass)
		strbuf_addf(out, "\t\tct mark & 0x%08x != 0 accept comment "
		    "\"rdr pass\"\n", NFT_CT_RDRPASS);
	strbuf_addf(out, "\t\tmeta mark & 0x%08x != 0 accept comment "
	    "\"by a bridge port: filtered in forward or input\"\n",
	    NFT_MARK_INPORT);
	strbuf_adds(out, "\t\tjump stage_in_if\n\t}\n");

	strbuf_adds(out, "\tchain filter_local {\n\t\ttype filter hook "
	    "input priority 0; policy accept;\n");
	strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0 accept\n",
	    NFT_MARK_INPORT);
	strbuf_adds(out, "\t\tct state established,related accept\n");
	if (ctx->rdr_pass)
		strbuf_addf(out, "\t\tct mark & 0x%08x != 0 accept comment "
		    "\"rdr pass\"\n", NFT_CT_RDRPASS);
	strbuf_addf(out, "\t\tjump %s\n\t}\n", l3_in);

	strbuf_adds(out, "\tchain filter_fwd {\n\t\ttype filter hook "
	    "forward priority 0; policy accept;\n");
	strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0 accept\n",
	    NFT_MARK_INPORT);
	strbuf_adds(out, "\t\tct state established,related accept\n");
	if (ctx->rdr_pass)
		strbuf_addf(out, "\t\tct mark & 0x%08x != 0 accept comment "
		    "\"rdr pass\"\n", NFT_CT_RDRPASS);
	strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0 jump %s "
	    "comment \"routed from a bridge\"\n", NFT_MARK_OUTPORT, l3_in);
	strbuf_addf(out, "\t\tmeta mark & 0x%08x == 0 accept\n",
	    NFT_MARK_OUTPORT);
	if (members)
		strbuf_adds(out, "\t\tjump stage_in_port\n");
	if (bridges)
		strbuf_adds(out, "\t\tjump stage_in_if\n"
		    "\t\tjump stage_out_if\n");
	if (members)
		strbuf_adds(out, "\t\tjump stage_out_port\n");
	strbuf_adds(out, "\t}\n");

	strbuf_adds(out, "\tchain filter_out {\n\t\ttype filter hook "
	    "postrouting priority 110; policy accept;\n");
	add_flush_rules(b, out);
	strbuf_adds(out, "\t\tct state established,related accept\n");
	strbuf_addf(out, "\t\tmeta mark & 0x%08x != 0 accept comment "
	    "\"bridged: filtered in forward\"\n", NFT_MARK_OUTPORT);
	strbuf_addf(out, "\t\tjump %s\n\t}\n", l3_out);
}

/* Header comments on the server as a whole. */
static void
add_server_notes(const struct pf_bound *b, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < b->nifaces; i++)
		if (b->ifaces[i].bridge != NO_INDEX && b->ifaces[i].naddrs > 0)
			strbuf_addf(out, "# jailnet: %s has an address while "
			    "a member of %s; on Linux the address is on the "
			    "bridge: traffic the host receives, sends or "
			    "routes by %s is filtered on the interface pf "
			    "sees (stage_in_l3, stage_out_l3: by its "
			    "addresses and routes); translation there is "
			    "approximate: rdr on %s matches the frames that "
			    "enter by that port, nat on %s the frames "
			    "bridged out of it, rdr and nat on %s all "
			    "traffic by the bridge\n", b->ifaces[i].name,
			    b->ifaces[b->ifaces[i].bridge].name,
			    b->ifaces[b->ifaces[i].bridge].name,
			    b->ifaces[i].name, b->ifaces[i].name,
			    b->ifaces[b->ifaces[i].bridge].name);
}

/* Errors for what cannot be compiled at all. */
static void
check_compilable(struct nft_ctx *ctx)
{
	const struct pf_rules *br = &ctx->b->rs->rules[PF_RS_BINAT];
	const struct pf_rules *fr = &ctx->b->rs->rules[PF_RS_FILTER];
	size_t i;

	if (ctx->b->nifaces > NFT_MAX_IFACES) {
		diag_error(ctx->diags, ctx->b->server->loc, "server %s has "
		    "more than %d interfaces: the packet mark cannot number "
		    "them", ctx->b->server->name, NFT_MAX_IFACES);
		ctx->error = 1;
	}
	for (i = 0; i < fr->n; i++) {
		const struct pf_rule *r = &fr->v[i];

		/* NFLOG sees the packets a rule decides, not a state's. */
		if ((r->log & PF_LOG_ALL) && r->action == PF_ACT_PASS &&
		    r->keep != PF_KEEP_NONE) {
			diag_error(ctx->diags, r->loc, "log (all) on a rule "
			    "that keeps state is not compiled to nftables: "
			    "only the packet that creates the state is "
			    "logged; write 'log' or add 'no state'");
			ctx->error = 1;
		}
	}
	for (i = 0; i < br->n; i++) {
		diag_error(ctx->diags, br->v[i].loc, "binat is not compiled "
		    "to nftables yet; write it as a nat and an rdr rule");
		ctx->error = 1;
	}
}

int
pf_nft_compile(const struct pf_bound *b, struct strbuf *out,
    struct diags *diags)
{
	struct nft_ctx ctx;
	struct strbuf name = { 0 }, brname = { 0 }, chains = { 0 };
	size_t i;
	unsigned f;

	memset(&ctx, 0, sizeof(ctx));
	ctx.b = b;
	ctx.diags = diags;
	check_compilable(&ctx);
	pf_nft_name("jailnet_", b->server->name, &name);
	pf_nft_name("jailnet_", b->server->name, &brname);
	strbuf_adds(&brname, "_br");

	/* The chains first: they decide the rate meters. */
	add_rules_chain(&ctx, NFT_STAGE_IN, &chains);
	add_rules_chain(&ctx, NFT_STAGE_OUT, &chains);
	add_nat_chain(&ctx, PF_RS_RDR, &chains);
	add_nat_chain(&ctx, PF_RS_NAT, &chains);
	add_base_chains(&ctx, &chains);

	if (b->server->bare)
		strbuf_addf(out, "# jailnet: the lone pf.conf %s compiled to "
		    "nftables: each interface it names taken as a routed one "
		    "(none a bridge or a bridge's member)\n",
		    b->sources[0]->path);
	else
		strbuf_addf(out, "# jailnet: pf.conf of server %s compiled to "
		    "nftables\n", b->server->name);
	add_server_notes(b, out);
	add_scrub_notes(b->rs, out);
	add_anchor_notes(b->rs, out);
	add_bridge_table(b, strbuf_cstr(&brname), out);

	/* Make sure of the table and every set; keep overload sets. */
	strbuf_addf(out, "table inet %s {\n", strbuf_cstr(&name));
	for (i = 0; i < b->ntables; i++)
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1)
			add_table_set(&b->tables[i], f,
			    b->tables[i].is_dynamic, out);
	add_rate_sets(&ctx, out);
	strbuf_addf(out, "}\nflush table inet %s\n", strbuf_cstr(&name));
	for (i = 0; i < b->ntables; i++)
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1) {
			if (b->tables[i].is_dynamic)
				continue;
			strbuf_addf(out, "flush set inet %s ",
			    strbuf_cstr(&name));
			pf_nft_table_set(b->tables[i].name, f, out);
			strbuf_addc(out, '\n');
		}
	for (i = 0; i < ctx.nrated; i++)
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1)
			if (ctx.rated[i].fams & f)
				strbuf_addf(out, "flush set inet %s "
				    "rate_%u_%s\n", strbuf_cstr(&name),
				    ctx.rated[i].id,
				    f == NFT_FAM_6 ? "v6" : "v4");

	strbuf_addf(out, "table inet %s {\n", strbuf_cstr(&name));
	for (i = 0; i < b->ntables; i++)
		for (f = NFT_FAM_4; f <= NFT_FAM_6; f <<= 1)
			if (!b->tables[i].is_dynamic)
				add_table_set(&b->tables[i], f, true, out);
	strbuf_adds(out, strbuf_cstr(&chains));
	strbuf_adds(out, "}\n");

	strbuf_free(&name);
	strbuf_free(&brname);
	strbuf_free(&chains);
	free(ctx.rated);
	return ctx.error ? -1 : 0;
}
