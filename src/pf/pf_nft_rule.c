/*
 * pf_nft_rule: one pf rule (filter, rdr or nat) as nft rules.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_nft.h"
#include "pf/pf_nft_int.h"

/* Which packets of a rule without a protocol a variant covers. */
enum variant {
	V_PLAIN,		/* the rule's own protocol condition */
	V_TCP,			/* TCP only (flags, TCP reset) */
	V_NOT_TCP,		/* everything else */
	V_TCPUDP,		/* TCP and UDP (nat's port range) */
	V_NOT_TCPUDP,
};

unsigned
nft_iface_id(const struct pf_bound *b, const char *name)
{
	size_t i = pf_bound_iface(b, name);

	return i == NO_INDEX ? 0 : (unsigned)i + 1;
}

const char *
nft_linux_ifname(const char *name)
{
	return str_eq(name, "lo0") ? "lo" : name;
}

static unsigned
fam_of(int af)
{
	return af == AF_INET6 ? NFT_FAM_6 : NFT_FAM_4;
}

static const char *
fam_word(unsigned fam)
{
	return fam == NFT_FAM_6 ? "ip6" : "ip";
}

static int
fam_af(unsigned fam)
{
	return fam == NFT_FAM_6 ? AF_INET6 : AF_INET;
}

/* Print a prefix as nft wants it: a host without "/len". */
static void
add_prefix(const struct ipprefix *p, struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	struct ipprefix net = ipprefix_network(p);

	if (net.len == ipaddr_bits(&net.addr))
		strbuf_adds(out, ipaddr_format(&net.addr, buf));
	else
		strbuf_adds(out, ipprefix_format(&net, buf));
}

/*
 * The families an address can match on this server, in *fams, and whether
 * its nft expression names a family (*specific).  *fams is 0 when it
 * matches nothing here.
 */
static void
addr_fams(const struct pf_bound *b, const struct pf_addr *a, unsigned *fams,
    bool *specific)
{
	const struct pf_bound_table *t;
	struct ipprefix *v;
	size_t i, n;

	*fams = NFT_FAM_4 | NFT_FAM_6;
	*specific = true;
	switch (a->kind) {
	case PF_ADDR_ANY:
		*specific = false;
		if (a->neg)
			*fams = 0;
		return;
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		*specific = false;
		return;
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
		*fams = fam_of(a->prefix.addr.family);
		return;
	case PF_ADDR_TABLE:
		t = pf_bound_table(b, a->name);
		if (a->neg || (t != NULL && t->is_dynamic))
			return;
		*fams = 0;
		for (i = 0; t != NULL && i < t->nentries; i++)
			*fams |= fam_of(t->entries[i].prefix.addr.family);
		return;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		/* pfctl makes a rule on "IF" or "! IF" one per address of
		   IF, so of its families only; "(IF)" is looked up live and
		   "! (IF)" without addresses matches every address. */
		if (a->neg && a->kind == PF_ADDR_DYNIFACE)
			return;
		*fams = 0;
		if (pf_addr_expand(b, a, 0, &v, &n) == 0)
			for (i = 0; i < n; i++)
				*fams |= fam_of(v[i].addr.family);
		free(v);
		return;
	}
}

/*
 * Append the match of address ${a} (source if ${is_src}) for family ${fam}
 * (0: none named) to ${e}.  Return 0, or -1 if it matches nothing here or
 * cannot be evaluated in ${stage} (then *why says why, or is NULL).
 */
static int
addr_expr(const struct pf_bound *b, const struct pf_addr *a, unsigned fam,
    bool is_src, enum nft_stage stage, struct strbuf *e, const char **why)
{
	const char *field = is_src ? "saddr" : "daddr";
	const char *ne = a->neg ? "!= " : "";
	struct ipprefix *v = NULL;
	char buf[IPADDR_STRLEN];
	size_t i, n = 0;

	*why = NULL;
	switch (a->kind) {
	case PF_ADDR_ANY:
		return a->neg ? -1 : 0;
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		/* fib needs the input path: not after routing. */
		if (stage == NFT_STAGE_OUT || stage == NFT_STAGE_NAT) {
			*why = "fib (no-route, urpf-failed) cannot be "
			    "evaluated in postrouting, so this rule never "
			    "matches outbound";
			return -1;
		}
		if (a->kind == PF_ADDR_NOROUTE)
			strbuf_addf(e, " fib %s oif %s", field,
			    a->neg ? "exists" : "missing");
		else	/* the stage chain checked the route back */
			strbuf_addf(e, " meta mark & 0x%08x %s 0", NFT_MARK_URPF,
			    a->neg ? "!=" : "==");
		return 0;
	case PF_ADDR_PREFIX:
		strbuf_addf(e, " %s %s %s", fam_word(fam), field, ne);
		add_prefix(&a->prefix, e);
		return 0;
	case PF_ADDR_RANGE:
		strbuf_addf(e, " %s %s %s%s", fam_word(fam), field, ne,
		    ipaddr_format(&a->prefix.addr, buf));
		strbuf_addf(e, "-%s", ipaddr_format(&a->last, buf));
		return 0;
	case PF_ADDR_TABLE:
		strbuf_addf(e, " %s %s %s@", fam_word(fam), field, ne);
		pf_nft_table_set(a->name, fam, e);
		return 0;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(b, a, fam_af(fam), &v, &n) != 0 || n == 0) {
			free(v);
			return a->neg ? 0 : -1;
		}
		strbuf_addf(e, " %s %s %s%s", fam_word(fam), field, ne,
		    n > 1 ? "{ " : "");
		for (i = 0; i < n; i++) {
			if (i > 0)
				strbuf_adds(e, ", ");
			add_prefix(&v[i], e);
		}
		if (n > 1)
			strbuf_adds(e, " }");
		free(v);
		return 0;
	}
	return -1;
}

/* Append a port condition; return -1 if no port can match it. */
static int
port_expr(const char *l4, const char *field, const struct pf_port *p,
    struct strbuf *e)
{
	switch (p->op) {
	case PF_PORT_NONE:
		return 0;
	case PF_PORT_EQ:
		strbuf_addf(e, " %s %s %u", l4, field, p->a);
		return 0;
	case PF_PORT_NE:
		strbuf_addf(e, " %s %s != %u", l4, field, p->a);
		return 0;
	case PF_PORT_LT:
		strbuf_addf(e, " %s %s < %u", l4, field, p->a);
		return 0;
	case PF_PORT_LE:
		strbuf_addf(e, " %s %s <= %u", l4, field, p->a);
		return 0;
	case PF_PORT_GT:
		strbuf_addf(e, " %s %s > %u", l4, field, p->a);
		return 0;
	case PF_PORT_GE:
		strbuf_addf(e, " %s %s >= %u", l4, field, p->a);
		return 0;
	case PF_PORT_RANGE:
		if (p->a == p->b)
			strbuf_addf(e, " %s %s %u", l4, field, p->a);
		else
			strbuf_addf(e, " %s %s %u-%u", l4, field, p->a, p->b);
		return 0;
	case PF_PORT_INSIDE:
		if ((unsigned)p->a + 1 > (unsigned)p->b - 1 || p->b == 0)
			return -1;
		if (p->a + 1 == p->b - 1)
			strbuf_addf(e, " %s %s %u", l4, field, p->a + 1);
		else
			strbuf_addf(e, " %s %s %u-%u", l4, field, p->a + 1,
			    p->b - 1);
		return 0;
	case PF_PORT_OUTSIDE:
		strbuf_addf(e, " %s %s != %u-%u", l4, field, p->a, p->b);
		return 0;
	}
	return -1;
}

/* TCP flags as nft names: "syn", "(syn | ack)". */
static void
add_flags(uint8_t f, struct strbuf *e)
{
	static const char *const names[8] = {
		"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"
	};
	int i, n = 0, k = 0;

	if (f == 0) {
		strbuf_adds(e, "0x0");
		return;
	}
	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			n++;
	if (n > 1)
		strbuf_addc(e, '(');
	for (i = 0; i < 8; i++)
		if (f & (1u << i))
			strbuf_addf(e, "%s%s", k++ ? " | " : "", names[i]);
	if (n > 1)
		strbuf_addc(e, ')');
}

/* The interface condition of ${r} in ${stage}; -1 if it never holds. */
static int
iface_expr(const struct pf_bound *b, const struct pf_rule *r,
    enum nft_stage stage, struct strbuf *e)
{
	const char *name = r->ifspec.name, *op = r->ifspec.neg ? "!=" : "==";
	unsigned id;
	bool member;

	if (name == NULL)
		return 0;
	id = nft_iface_id(b, name);
	if (id == 0)
		return r->ifspec.neg ? 0 : -1;
	member = b->ifaces[id - 1].bridge != NO_INDEX;
	switch (stage) {
	case NFT_STAGE_IN:
	case NFT_STAGE_OUT:
		strbuf_addf(e, " meta mark & 0x%08x %s 0x%08x",
		    NFT_MARK_IFACE, op, id << 16);
		return 0;
	case NFT_STAGE_RDR:
		if (member)
			strbuf_addf(e, " meta mark & 0x%08x %s 0x%08x",
			    NFT_MARK_INPORT, op, id);
		else
			strbuf_addf(e, " iifname %s\"%s\"",
			    r->ifspec.neg ? "!= " : "", nft_linux_ifname(name));
		return 0;
	case NFT_STAGE_NAT:
		if (member)
			strbuf_addf(e, " meta mark & 0x%08x %s 0x%08x",
			    NFT_MARK_OUTPORT, op, id << 8);
		else
			strbuf_addf(e, " oifname %s\"%s\"",
			    r->ifspec.neg ? "!= " : "", nft_linux_ifname(name));
		return 0;
	}
	return -1;
}

static const char *
proto_word(int proto, char *buf, size_t size)
{
	const char *name = pf_proto_name(proto);

	if (name != NULL && (proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	    proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ||
	    proto == IPPROTO_SCTP || proto == IPPROTO_ESP ||
	    proto == IPPROTO_AH || proto == IPPROTO_GRE))
		return str_eq(name, "ipv6-icmp") ? "icmpv6" : name;
	snprintf(buf, size, "%d", proto);
	return buf;
}

/*
 * The match part of one nft rule: everything but the statements.  Return
 * -1 if it matches nothing (*why may say why).
 */
static int
match_expr(const struct pf_bound *b, const struct pf_rule *r,
    enum nft_stage stage, unsigned fam, enum variant v, struct strbuf *e,
    const char **why)
{
	struct strbuf a = { 0 };
	char buf[16];
	int proto = r->proto;
	const char *l4;

	*why = NULL;
	if (iface_expr(b, r, stage, e) != 0)
		return -1;
	if (fam == 0 && r->af != 0)
		strbuf_addf(e, " meta nfproto %s",
		    r->af == AF_INET6 ? "ipv6" : "ipv4");
	switch (v) {
	case V_PLAIN:
		break;
	case V_TCP:
		proto = IPPROTO_TCP;
		break;
	case V_NOT_TCP:
		strbuf_adds(e, " meta l4proto != tcp");
		break;
	case V_TCPUDP:
		strbuf_adds(e, " meta l4proto { tcp, udp }");
		break;
	case V_NOT_TCPUDP:
		strbuf_adds(e, " meta l4proto != { tcp, udp }");
		break;
	}
	if (proto != 0)
		strbuf_addf(e, " meta l4proto %s",
		    proto_word(proto, buf, sizeof(buf)));
	if (addr_expr(b, &r->src, fam, true, stage, &a, why) != 0 ||
	    addr_expr(b, &r->dst, fam, false, stage, &a, why) != 0) {
		strbuf_free(&a);
		return -1;
	}
	/* A family the addresses do not name (a negated interface
	   without such addresses, say) must still be matched. */
	if (fam != 0 && strstr(strbuf_cstr(&a), fam == NFT_FAM_6 ?
	    " ip6 " : " ip ") == NULL)
		strbuf_addf(e, " meta nfproto %s",
		    fam == NFT_FAM_6 ? "ipv6" : "ipv4");
	strbuf_adds(e, strbuf_cstr(&a));
	strbuf_free(&a);
	l4 = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
	    "th";
	if (port_expr(l4, "sport", &r->src_port, e) != 0 ||
	    port_expr(l4, "dport", &r->dst_port, e) != 0)
		return -1;
	if (proto == IPPROTO_TCP && r->flagset != 0) {
		strbuf_adds(e, " tcp flags & ");
		add_flags(r->flagset, e);
		strbuf_adds(e, " == ");
		add_flags(r->flags, e);
	}
	if (r->icmp_type >= 0) {
		const char *w = proto == IPPROTO_ICMPV6 ? "icmpv6" : "icmp";

		strbuf_addf(e, " %s type %d", w, r->icmp_type);
		if (r->icmp_code >= 0)
			strbuf_addf(e, " %s code %d", w, r->icmp_code);
	}
	if (r->tagged != NULL) {
		unsigned id = nft_tag_id(b->rs, r->tagged);

		if (id == 0 && !r->tagged_neg) {
			*why = "tagged: no rule sets this tag";
			return -1;
		}
		if (id != 0)
			strbuf_addf(e, " meta mark & 0x%08x %s 0x%08x",
			    NFT_MARK_TAG, r->tagged_neg ? "!=" : "==",
			    id << NFT_TAG_SHIFT);
	}
	return 0;
}

unsigned
nft_tag_id(const struct pf_ruleset *rs, const char *name)
{
	const struct pf_rules *fr = &rs->rules[PF_RS_FILTER];
	unsigned id = 0;
	size_t i, j;

	for (i = 0; i < fr->n; i++) {
		if (fr->v[i].tag == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (fr->v[j].tag != NULL &&
			    strcmp(fr->v[j].tag, fr->v[i].tag) == 0)
				break;
		if (j < i)
			continue;	/* not a new tag */
		id++;
		if (strcmp(fr->v[i].tag, name) == 0)
			return id;
	}
	return 0;
}

static void
note(struct strbuf *out, const char *text)
{
	strbuf_addf(out, "\t\t# jailnet: %s\n", text);
}

/* The id of a rate-limited rule, registered for family set ${fams}. */
static unsigned
rated_id(struct nft_ctx *ctx, const struct pf_rule *r, unsigned fams)
{
	size_t i;
	struct nft_rated *nr;

	for (i = 0; i < ctx->nrated; i++)
		if (ctx->rated[i].rule == r) {
			ctx->rated[i].fams |= fams;
			return ctx->rated[i].id;
		}
	if (ctx->nrated >= NFT_MAX_RATED) {
		diag_error(ctx->diags, r->loc, "more than %d rules with "
		    "max-src-conn-rate: the conntrack mark cannot number "
		    "them", NFT_MAX_RATED);
		ctx->error = 1;
		return 0;
	}
	nr = VEC_PUSH(ctx->rated, ctx->nrated, ctx->ratedcap);
	nr->rule = r;
	nr->id = (unsigned)ctx->nrated;
	nr->fams = fams;
	return nr->id;
}

/*
 * The log statement of rule ${r} at ${stage}: to NFLOG group N for
 * "log (to pflogN)" (0 for pflog0), its prefix what pflogd's header needs
 * besides the interface (NFLOG's in or out device): "pf @NR ACTION DIR",
 * parsed back by pflogd (src/pflog/pflog_prefix.c).
 */
static void
nft_log_stmt(const struct pf_rule *r, enum nft_stage stage, struct strbuf *s)
{
	strbuf_addf(s, " log group %u prefix \"pf @%u %s %s\"", r->logif,
	    r->nr, r->action == PF_ACT_PASS ? "pass" :
	    r->action == PF_ACT_MATCH ? "match" : "block",
	    stage == NFT_STAGE_OUT ? "out" : "in");
}

/* The statements of a filter rule. */
static void
filter_stmt(struct nft_ctx *ctx, const struct pf_rule *r,
    enum nft_stage stage, unsigned fam, enum variant v, struct strbuf *s)
{
	bool tcp = v == V_TCP || (v == V_PLAIN && r->proto == IPPROTO_TCP);
	unsigned id;

	if (ctx->tagging) {
		strbuf_addf(s, " meta mark set meta mark & 0x%08x | 0x%08x",
		    ~NFT_MARK_TAG, nft_tag_id(ctx->b->rs, r->tag) <<
		    NFT_TAG_SHIFT);
		return;
	}
	if (r->log)
		nft_log_stmt(r, stage, s);
	if (r->action == PF_ACT_PASS) {
		unsigned st = stage == NFT_STAGE_IN ? NFT_CT_INSTATE :
		    NFT_CT_OUTSTATE;

		if (r->keep != PF_KEEP_NONE && r->state.max_src_conn_rate) {
			id = rated_id(ctx, r, fam == 0 ?
			    NFT_FAM_4 | NFT_FAM_6 : fam);
			strbuf_addf(s, " ct mark set ct mark & 0x%08x | "
			    "0x%08x", ~NFT_CT_RATE, id | st);
		} else if (r->keep != PF_KEEP_NONE) {
			strbuf_addf(s, " ct mark set ct mark | 0x%08x", st);
		}
		strbuf_adds(s, " return");
		return;
	}
	switch (r->block) {
	case PF_BLOCK_DROP:
		strbuf_adds(s, " drop");
		return;
	case PF_BLOCK_RETURN:
	case PF_BLOCK_RETURN_RST:
	case PF_BLOCK_RETURN_ICMP:
		if (stage == NFT_STAGE_OUT)
			strbuf_adds(s, " drop");
		else if (tcp && r->block != PF_BLOCK_RETURN_ICMP)
			strbuf_adds(s, " reject with tcp reset");
		else if (r->block == PF_BLOCK_RETURN_RST)
			strbuf_adds(s, " drop");
		else
			strbuf_adds(s, " reject");
		return;
	}
}

/* Where a rule's translation cannot be expressed: an error at it. */
static void
untranslatable(struct nft_ctx *ctx, const struct pf_rule *r, const char *why)
{
	diag_error(ctx->diags, r->rpool.loc.src ? r->rpool.loc : r->loc,
	    "cannot compile this translation to nftables: %s", why);
	ctx->error = 1;
}

/*
 * Whether ${a} is "(IF)" of an interface whose addresses a lone pf.conf's
 * server does not know (site_bare()): not an interface without addresses,
 * one whose addresses are unknown, which nftables would need written out.
 */
static bool
unknown_addrs(const struct pf_bound *b, const struct pf_addr *a)
{
	size_t k;

	if (!b->server->bare || a->kind != PF_ADDR_DYNIFACE ||
	    str_eq(a->name, "self"))
		return false;
	k = pf_bound_iface(b, a->name);
	return k != NO_INDEX && b->ifaces[k].naddrs == 0;
}

/* nat on IF ... -> (IF:0): what masquerade does, with IF's live address. */
static bool
is_masquerade(const struct pf_rule *r)
{
	const struct pf_addr *t = r->rpool.naddrs == 1 ? &r->rpool.addrs[0] :
	    NULL;

	return r->action == PF_ACT_NAT && t != NULL &&
	    t->kind == PF_ADDR_DYNIFACE && r->ifspec.name != NULL &&
	    !r->ifspec.neg && str_eq(t->name, r->ifspec.name);
}

/* Refuse ${a}, of rule ${r}, if unknown_addrs(); return whether it was. */
static bool
refuse_unknown(struct nft_ctx *ctx, const struct pf_rule *r,
    const struct pf_addr *a)
{
	if (!unknown_addrs(ctx->b, a))
		return false;
	diag_error(ctx->diags, a->loc.src ? a->loc : r->loc, "cannot compile "
	    "this rule to nftables: (%s) stands for %s's addresses, which a "
	    "lone pf.conf does not know and nftables does not follow; give "
	    "--site DIR --server NAME", a->name, a->name);
	ctx->error = 1;
	return true;
}

/*
 * The statements of an rdr or nat rule for family ${fam}; return -1 (after
 * an error) if the target cannot be expressed.
 */
static int
nat_stmt(struct nft_ctx *ctx, const struct pf_rule *r, unsigned fam,
    enum variant v, struct strbuf *s, struct strbuf *notes)
{
	const struct pf_addr *t;
	struct ipprefix *addrs = NULL;
	size_t n = 0;
	bool ports = v == V_TCPUDP || r->proto == IPPROTO_TCP ||
	    r->proto == IPPROTO_UDP, with_port;

	if (r->action == PF_ACT_NO_RDR || r->action == PF_ACT_NO_NAT) {
		strbuf_adds(s, " accept");
		return 0;
	}
	if (r->rpool.naddrs != 1) {
		untranslatable(ctx, r, "several target addresses "
		    "(round-robin)");
		return -1;
	}
	t = &r->rpool.addrs[0];
	if (is_masquerade(r)) {
		/* (IF:0) followed live: the address the kernel picks. */
		if (!(t->ifmods & PF_IFMOD_NOALIAS))
			note(notes, "masquerade uses one address of the "
			    "interface, pf round-robins over all of them");
		strbuf_adds(s, " masquerade");
		if (ports && r->rpool.port_lo != 0)
			strbuf_addf(s, " to :%u-%u", r->rpool.port_lo,
			    r->rpool.port_hi);
		return 0;
	}
	switch (t->kind) {
	case PF_ADDR_PREFIX:
		if (t->prefix.len != ipaddr_bits(&t->prefix.addr)) {
			untranslatable(ctx, r, "a network as target "
			    "(bitmask pool)");
			return -1;
		}
		addrs = xcalloc(1, sizeof(*addrs));
		addrs[0] = t->prefix;
		n = 1;
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (pf_addr_expand(ctx->b, t, fam_af(fam), &addrs, &n) != 0 ||
		    n == 0) {
			free(addrs);
			untranslatable(ctx, r, "the interface has no address "
			    "of this family");
			return -1;
		}
		if (t->kind == PF_ADDR_DYNIFACE)
			note(notes, "the target interface's address is "
			    "taken when compiling, not followed live");
		if (n > 1)
			note(notes, "only the interface's first address is "
			    "used, pf round-robins over all of them");
		break;
	case PF_ADDR_ANY:
	case PF_ADDR_RANGE:
	case PF_ADDR_TABLE:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		untranslatable(ctx, r, "only an address or an interface can "
		    "be a target here");
		return -1;
	}
	if (r->action == PF_ACT_RDR && r->natpass)
		strbuf_addf(s, " ct mark set ct mark | 0x%08x", NFT_CT_RDRPASS);
	strbuf_addf(s, " %s %s to ", r->action == PF_ACT_RDR ? "dnat" : "snat",
	    fam_word(fam));
	with_port = ports && r->rpool.port_lo != 0;
	if (fam == NFT_FAM_6 && with_port)
		strbuf_addc(s, '[');
	add_prefix(&addrs[0], s);
	if (fam == NFT_FAM_6 && with_port)
		strbuf_addc(s, ']');
	free(addrs);
	if (!ports || r->rpool.port_lo == 0)
		return 0;
	if (r->action == PF_ACT_NAT || (r->rpool.port_hi != 0 &&
	    r->rpool.port_hi != r->rpool.port_lo)) {
		if (r->action == PF_ACT_RDR)
			note(notes, "a port range is mapped by the kernel's "
			    "choice, not offset by offset as pf does");
		strbuf_addf(s, ":%u-%u", r->rpool.port_lo, r->rpool.port_hi);
	} else {
		strbuf_addf(s, ":%u", r->rpool.port_lo);
	}
	return 0;
}

/* Comments for what a filter rule asks that nft does not do the same. */
static void
filter_notes(const struct pf_rule *r, enum nft_stage stage,
    struct strbuf *notes)
{
	const struct pf_state_opts *so = &r->state;
	int t;

	if (r->action == PF_ACT_PASS && r->keep == PF_KEEP_NONE)
		note(notes, "no state: conntrack still tracks the "
		    "connection and its replies are passed as established");
	if (r->keep == PF_KEEP_MODULATE)
		note(notes, "modulate state: sequence numbers are not "
		    "modulated");
	if (r->keep == PF_KEEP_SYNPROXY)
		note(notes, "synproxy state: compiled as keep state");
	if (r->action == PF_ACT_PASS && so->max_src_conn_rate)
		note(notes, "max-src-conn-rate: a token bucket per source "
		    "(refilled at N/S per second, burst N) counts completed "
		    "handshakes; pf's counter decays linearly; at most 65535 "
		    "sources per rule are counted (pf refuses new sources' "
		    "states at its src-nodes limit instead)");
	if (so->overload != NULL && so->flush && !so->flush_global)
		note(notes, "overload flush: all established traffic of the "
		    "source is dropped, as with flush global");
	if (so->max_states || so->max_src_conn || so->max_src_states ||
	    so->max_src_nodes)
		note(notes, "max, max-src-conn, max-src-states and "
		    "max-src-nodes are not compiled");
	for (t = 0; t < PF_TM_COUNT; t++)
		if (so->timeout[t] != 0 && t != PF_TM_SRC_TRACK &&
		    t != PF_TM_ADAPTIVE_START && t != PF_TM_ADAPTIVE_END) {
			note(notes, "state timeouts are not compiled: "
			    "conntrack's own apply");
			break;
		}
	if (so->if_bound)
		note(notes, "if-bound: states float on Linux");
	if (so->sloppy)
		note(notes, "sloppy: conntrack's own TCP tracking applies");
	if (r->block != PF_BLOCK_DROP && r->action == PF_ACT_BLOCK &&
	    stage == NFT_STAGE_OUT)
		note(notes, "block return out: dropped, Linux cannot reject "
		    "in postrouting");
	if (r->allow_opts)
		note(notes, "allow-opts: Linux passes IP options anyway");
	if (r->fragment)
		note(notes, "fragment: conntrack reassembles, no fragment "
		    "reaches the filter");
}

/* The variants a rule needs in ${stage}. */
static size_t
variants(const struct pf_rule *r, enum nft_stage stage, enum variant *v)
{
	if (r->proto != 0) {
		v[0] = V_PLAIN;
		return 1;
	}
	if (stage == NFT_STAGE_NAT && r->rpool.port_lo != 0 &&
	    r->action == PF_ACT_NAT) {
		v[0] = V_TCPUDP;
		v[1] = V_NOT_TCPUDP;
		return 2;
	}
	if ((stage == NFT_STAGE_IN || stage == NFT_STAGE_OUT) &&
	    (r->flagset != 0 || (r->action == PF_ACT_BLOCK &&
	    r->block != PF_BLOCK_DROP && stage == NFT_STAGE_IN))) {
		v[0] = V_TCP;
		v[1] = V_NOT_TCP;
		return 2;
	}
	v[0] = V_PLAIN;
	return 1;
}

void
nft_rule(struct nft_ctx *ctx, const struct pf_rule *r, enum nft_stage stage,
    struct strbuf *out)
{
	struct strbuf notes = { 0 }, body = { 0 };
	unsigned sfams, dfams, fams, fam, f;
	bool sspec, dspec, filter, failed = false;
	enum variant v[2];
	size_t nv, i;
	const char *why = NULL;
	int emitted = 0;

	filter = stage == NFT_STAGE_IN || stage == NFT_STAGE_OUT;
	strbuf_addf(out, "\t\t# @%u line %u: ", r->nr, r->loc.line);
	pf_print_rule(r, out);
	strbuf_addc(out, '\n');
	if (filter && ctx->tagging)
		note(&notes, "tagging: sets the tag if it matches, in file "
		    "order, before the rules decide");
	else if (filter)
		filter_notes(r, stage, &notes);

	if (refuse_unknown(ctx, r, &r->src) || refuse_unknown(ctx, r, &r->dst) ||
	    (!filter && r->rpool.naddrs == 1 && !is_masquerade(r) &&
	    refuse_unknown(ctx, r, &r->rpool.addrs[0]))) {
		strbuf_free(&notes);
		return;
	}
	addr_fams(ctx->b, &r->src, &sfams, &sspec);
	addr_fams(ctx->b, &r->dst, &dfams, &dspec);
	fams = sfams & dfams;
	if (r->af != 0)
		fams &= fam_of(r->af);
	if (!filter && r->action != PF_ACT_NO_RDR &&
	    r->action != PF_ACT_NO_NAT) {
		/* snat and dnat name a family: the target's. */
		unsigned tfams = NFT_FAM_4 | NFT_FAM_6;
		bool tspec;

		/* Masquerade takes the live address: any family. */
		if (r->rpool.naddrs == 1 && !(is_masquerade(r) &&
		    unknown_addrs(ctx->b, &r->rpool.addrs[0])))
			addr_fams(ctx->b, &r->rpool.addrs[0], &tfams, &tspec);
		fams &= tfams;
		sspec = true;
	}
	nv = variants(r, stage, v);
	for (f = NFT_FAM_4; f <= NFT_FAM_6 && !failed; f <<= 1) {
		if (!(fams & f))
			continue;
		fam = (sspec || dspec) ? f : 0;
		for (i = 0; i < nv; i++) {
			struct strbuf m = { 0 }, s = { 0 };

			if (match_expr(ctx->b, r, stage, fam, v[i], &m,
			    &why) != 0) {
				strbuf_free(&m);
				continue;
			}
			if (filter)
				filter_stmt(ctx, r, stage, fam, v[i], &s);
			else if (nat_stmt(ctx, r, fam, v[i], &s, &notes) != 0) {
				strbuf_free(&m);
				strbuf_free(&s);
				failed = true;	/* reported once */
				break;
			}
			/* Both parts start with a space. */
			strbuf_adds(&m, strbuf_cstr(&s));
			strbuf_addf(&body, "\t\t%s comment \"pf @%u line "
			    "%u\"\n", strbuf_cstr(&m) + 1, r->nr, r->loc.line);
			emitted++;
			strbuf_free(&m);
			strbuf_free(&s);
		}
		if (fam == 0)
			break;
	}
	if (emitted == 0 && !failed)
		note(&notes, why != NULL ? why : "matches no packet on this "
		    "server (no address of a family it needs)");
	strbuf_adds(out, strbuf_cstr(&notes));
	strbuf_adds(out, strbuf_cstr(&body));
	strbuf_free(&notes);
	strbuf_free(&body);
}
