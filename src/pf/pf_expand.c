/*
 * pf_expand: rules from templates and lists, as pfctl's expand_rule(), with
 * its consistency checks; and the syntax tree's copy and free functions.
 */
#include "pf/pf_parse.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

/* The tree. */

int
pf_addr_af(const struct pf_addr *a)
{
	switch (a->kind) {
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
		return a->prefix.addr.family;
	case PF_ADDR_ANY:
	case PF_ADDR_TABLE:
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		return 0;
	}
	return 0;
}

void
pf_addr_copy(struct pf_addr *dst, const struct pf_addr *src)
{
	*dst = *src;
	dst->name = xstrdup(src->name);
}

void
pf_addr_clear(struct pf_addr *a)
{
	free(a->name);
	memset(a, 0, sizeof(*a));
	a->mask = -1;
}

void
pf_rule_init(struct pf_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->icmp_type = r->icmp_code = -1;
	r->src.mask = r->dst.mask = -1;
}

void
pf_rule_copy(struct pf_rule *dst, const struct pf_rule *src)
{
	size_t i;

	*dst = *src;
	dst->ifspec.name = xstrdup(src->ifspec.name);
	pf_addr_copy(&dst->src, &src->src);
	pf_addr_copy(&dst->dst, &src->dst);
	dst->anchor = xstrdup(src->anchor);
	dst->label = xstrdup(src->label);
	dst->label_macros = xstrdup(src->label_macros);
	dst->tag = xstrdup(src->tag);
	dst->tagged = xstrdup(src->tagged);
	dst->state.overload = xstrdup(src->state.overload);
	dst->rpool.addrs = NULL;
	if (src->rpool.naddrs > 0) {
		dst->rpool.addrs = xcalloc(src->rpool.naddrs,
		    sizeof(*dst->rpool.addrs));
		for (i = 0; i < src->rpool.naddrs; i++)
			pf_addr_copy(&dst->rpool.addrs[i],
			    &src->rpool.addrs[i]);
	}
}

void
pf_rule_clear(struct pf_rule *r)
{
	size_t i;

	free(r->ifspec.name);
	pf_addr_clear(&r->src);
	pf_addr_clear(&r->dst);
	free(r->anchor);
	free(r->label);
	free(r->label_macros);
	free(r->tag);
	free(r->tagged);
	free(r->state.overload);
	for (i = 0; i < r->rpool.naddrs; i++)
		pf_addr_clear(&r->rpool.addrs[i]);
	free(r->rpool.addrs);
	pf_rule_init(r);
}

static void
table_clear(struct pf_table *t)
{
	size_t i, j;

	free(t->name);
	for (i = 0; i < t->ninits; i++) {
		free(t->inits[i].file);
		for (j = 0; j < t->inits[i].naddrs; j++)
			pf_addr_clear(&t->inits[i].addrs[j]);
		free(t->inits[i].addrs);
	}
	free(t->inits);
}

void
pf_ruleset_free(struct pf_ruleset *rs)
{
	size_t i, j;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nmacros; i++) {
		free(rs->macros[i].name);
		free(rs->macros[i].value);
	}
	free(rs->macros);
	for (i = 0; i < rs->noptions; i++) {
		free(rs->options[i].name);
		for (j = 0; j < rs->options[i].nifnames; j++)
			free(rs->options[i].ifnames[j]);
		free(rs->options[i].ifnames);
	}
	free(rs->options);
	for (i = 0; i < rs->ntables; i++)
		table_clear(&rs->tables[i]);
	free(rs->tables);
	free(rs->stmts);
	for (i = 0; i < rs->nincludes; i++)
		source_free(rs->includes[i]);
	free(rs->includes);
	for (i = 0; i < PF_RS_COUNT; i++) {
		for (j = 0; j < rs->rules[i].n; j++)
			pf_rule_clear(&rs->rules[i].v[j]);
		free(rs->rules[i].v);
		for (j = 0; j < rs->anchors[i].n; j++)
			pf_rule_clear(&rs->anchors[i].v[j]);
		free(rs->anchors[i].v);
	}
	for (i = 0; i < rs->nskip; i++)
		free(rs->skip[i]);
	free(rs->skip);
	free(rs);
}

const struct pf_table *
pf_ruleset_table(const struct pf_ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->ntables; i++)
		if (strcmp(rs->tables[i].name, name) == 0)
			return &rs->tables[i];
	return NULL;
}

void
pf_lists_free(struct pf_rule_lists *l)
{
	size_t i;

	for (i = 0; i < l->ifs.n; i++)
		free(l->ifs.v[i].name);
	free(l->ifs.v);
	free(l->protos.v);
	free(l->icmps.v);
	for (i = 0; i < l->src.n; i++)
		pf_addr_clear(&l->src.v[i]);
	free(l->src.v);
	for (i = 0; i < l->dst.n; i++)
		pf_addr_clear(&l->dst.v[i]);
	free(l->dst.v);
	free(l->sport.v);
	free(l->dport.v);
	for (i = 0; i < l->pool.n; i++)
		pf_addr_clear(&l->pool.v[i]);
	free(l->pool.v);
	memset(l, 0, sizeof(*l));
}

/* Expansion. */

struct pf_rule *
pf_add_rule(struct pf_parser *p, enum pf_ruleset_kind kind,
    const struct pf_rule *r)
{
	struct pf_rules *rules = r->anchor != NULL ? &p->rs->anchors[kind] :
	    &p->rs->rules[kind];
	struct pf_rule *nr = VEC_PUSH(rules->v, rules->n, rules->cap);

	pf_rule_copy(nr, r);
	/* Anchor calls take their numbers among the rules, as in pf. */
	nr->nr = (unsigned)(p->rs->rules[kind].n + p->rs->anchors[kind].n -
	    1);
	return nr;
}

static int
is_tcp_udp(int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* pfctl's filter_consistent(), for filter and scrub rules. */
static int
filter_consistent(struct pf_parser *p, const struct pf_rule *r,
    const struct pf_rule_lists *l)
{
	if (!is_tcp_udp(r->proto) && (r->src_port.op || r->dst_port.op))
		return pf_error(p, r->src_port.op ? r->src_port.loc :
		    r->dst_port.loc, r->src_port.op ? r->src_port.macro_loc :
		    r->dst_port.macro_loc, "port only applies to tcp/udp");
	if (r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6 &&
	    r->icmp_type >= 0)
		return pf_error(p, r->icmp_loc, (struct loc){ 0 },
		    "icmp-type/code only applies to icmp");
	if (!r->af && r->icmp_type >= 0)
		return pf_error(p, r->icmp_loc, (struct loc){ 0 },
		    "must indicate address family with icmp-type/code");
	if (r->state.overload != NULL && r->state.max_src_conn == 0 &&
	    r->state.max_src_conn_secs == 0)
		return pf_error(p, r->state.overload_loc, (struct loc){ 0 },
		    "'overload' requires 'max-src-conn' or "
		    "'max-src-conn-rate'");
	if ((r->proto == IPPROTO_ICMP && r->af == AF_INET6) ||
	    (r->proto == IPPROTO_ICMPV6 && r->af == AF_INET))
		return pf_error(p, r->proto_loc, r->proto_macro_loc,
		    "proto %s doesn't match address family %s",
		    r->proto == IPPROTO_ICMP ? "icmp" : "icmp6",
		    r->af == AF_INET ? "inet" : "inet6");
	if (r->allow_opts && r->action != PF_ACT_PASS)
		return pf_error(p, r->loc, (struct loc){ 0 },
		    "allow-opts can only be specified for pass rules");
	if (r->fragment && (r->src_port.op || r->dst_port.op ||
	    r->flagset || r->icmp_type >= 0))
		return pf_error(p, r->loc, (struct loc){ 0 }, "fragments can "
		    "be filtered only on IP header fields");
	if (r->action == PF_ACT_BLOCK && r->block == PF_BLOCK_RETURN_RST &&
	    r->proto != IPPROTO_TCP)
		return pf_error(p, r->loc, (struct loc){ 0 },
		    "return-rst can only be applied to TCP rules");
	if (r->action == PF_ACT_MATCH && r->keep != PF_KEEP_NONE)
		return pf_error(p, l->keep_loc, (struct loc){ 0 },
		    "keep state is great, but only for pass rules");
	if (r->action == PF_ACT_BLOCK && r->keep != PF_KEEP_NONE)
		return pf_error(p, l->keep_loc, (struct loc){ 0 },
		    "keep state on block rules doesn't make sense");
	if (r->state.sloppy && (r->keep == PF_KEEP_MODULATE ||
	    r->keep == PF_KEEP_SYNPROXY))
		return pf_error(p, l->keep_loc, (struct loc){ 0 },
		    "sloppy state matching cannot be used with synproxy "
		    "state or modulate state");
	return 0;
}

/* pfctl's rdr_consistent(). */
static int
rdr_consistent(struct pf_parser *p, const struct pf_rule *r)
{
	if (!is_tcp_udp(r->proto)) {
		if (r->src_port.op)
			return pf_error(p, r->src_port.loc,
			    r->src_port.macro_loc,
			    "src port only applies to tcp/udp");
		if (r->dst_port.op)
			return pf_error(p, r->dst_port.loc,
			    r->dst_port.macro_loc,
			    "dst port only applies to tcp/udp");
		if (r->rpool.port_lo)
			return pf_error(p, r->rpool.loc, (struct loc){ 0 },
			    "rpool port only applies to tcp/udp");
	}
	if (r->dst_port.op && r->dst_port.op != PF_PORT_EQ &&
	    r->dst_port.op != PF_PORT_RANGE)
		return pf_error(p, r->dst_port.loc, r->dst_port.macro_loc,
		    "invalid port operator for rdr destination port");
	return 0;
}

static int
rule_consistent(struct pf_parser *p, const struct pf_rule *r,
    const struct pf_rule_lists *l)
{
	switch (r->action) {
	case PF_ACT_PASS:
	case PF_ACT_BLOCK:
	case PF_ACT_MATCH:
	case PF_ACT_SCRUB:
	case PF_ACT_NO_SCRUB:
		return filter_consistent(p, r, l);
	case PF_ACT_RDR:
	case PF_ACT_NO_RDR:
		return rdr_consistent(p, r);
	case PF_ACT_NAT:
	case PF_ACT_NO_NAT:
	case PF_ACT_BINAT:
	case PF_ACT_NO_BINAT:
		return 0;
	}
	return 0;
}

/* Label macros. */

/* Replace every "$name" in ${label} (owned, reallocated) with ${value}. */
static void
label_replace(char **label, const char *name, const char *value)
{
	struct strbuf sb = { 0 };
	const char *s = *label, *q;

	if (strstr(s, name) == NULL)
		return;
	while ((q = strstr(s, name)) != NULL) {
		strbuf_add(&sb, s, (size_t)(q - s));
		strbuf_adds(&sb, value);
		s = q + strlen(name);
	}
	strbuf_adds(&sb, s);
	free(*label);
	*label = strbuf_steal(&sb);
}

/*
 * How pfctl writes an address in a label: "any" for any address (also
 * 0/0, or when the rule has no family), ADDR or ADDR/LEN, "<table>",
 * "(if)" without its modifiers, "no-route", "urpf-failed", "?" for a
 * range; "! " before a negated one.  An interface used as an address
 * (pfctl writes the address each expanded rule has) is written as it
 * prints, its name with its modifiers: its addresses are bound later.
 */
static void
label_addr(const struct pf_addr *a, int af, struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	struct pf_addr plain;

	if (a->neg)
		strbuf_adds(out, "! ");
	switch (a->kind) {
	case PF_ADDR_ANY:
		strbuf_adds(out, "any");
		break;
	case PF_ADDR_PREFIX:
		if (!af || a->prefix.len == 0)
			strbuf_adds(out, "any");
		else if (a->prefix.len < ipaddr_bits(&a->prefix.addr))
			strbuf_adds(out, ipprefix_format(&a->prefix, buf));
		else
			strbuf_adds(out, ipaddr_format(&a->prefix.addr, buf));
		break;
	case PF_ADDR_RANGE:
		strbuf_adds(out, "?");
		break;
	case PF_ADDR_TABLE:
		strbuf_addf(out, "<%s>", a->name);
		break;
	case PF_ADDR_IFACE:
		plain = *a;
		plain.neg = 0;
		pf_print_addr(&plain, af, out);
		break;
	case PF_ADDR_DYNIFACE:
		strbuf_addf(out, "(%s)", a->name);
		break;
	case PF_ADDR_NOROUTE:
		strbuf_adds(out, "no-route");
		break;
	case PF_ADDR_URPF_FAILED:
		strbuf_adds(out, "urpf-failed");
		break;
	}
}

/*
 * How pfctl writes a port in a label: numbers, never names; nothing for
 * no port and for a:b (pfctl's label code knows no such operator).
 */
static void
label_port(const struct pf_port *pt, struct strbuf *out)
{
	switch (pt->op) {
	case PF_PORT_NONE:
	case PF_PORT_RANGE:
		break;
	case PF_PORT_EQ:
		strbuf_addf(out, "%u", pt->a);
		break;
	case PF_PORT_NE:
		strbuf_addf(out, "!=%u", pt->a);
		break;
	case PF_PORT_LT:
		strbuf_addf(out, "<%u", pt->a);
		break;
	case PF_PORT_LE:
		strbuf_addf(out, "<=%u", pt->a);
		break;
	case PF_PORT_GT:
		strbuf_addf(out, ">%u", pt->a);
		break;
	case PF_PORT_GE:
		strbuf_addf(out, ">=%u", pt->a);
		break;
	case PF_PORT_INSIDE:
		strbuf_addf(out, "%u><%u", pt->a, pt->b);
		break;
	case PF_PORT_OUTSIDE:
		strbuf_addf(out, "%u<>%u", pt->a, pt->b);
		break;
	}
}

char *
pf_label_expand(const struct pf_rule *r, const char *tmpl)
{
	struct strbuf sb;
	const char *name;
	char *label = xstrdup(tmpl), *value;
	int i;
	static const char *const macros[] = { "$if", "$srcaddr",
	    "$dstaddr", "$srcport", "$dstport", "$proto", "$nr" };

	for (i = 0; i < (int)(sizeof(macros) / sizeof(macros[0])); i++) {
		if (strstr(label, macros[i]) == NULL)
			continue;
		memset(&sb, 0, sizeof(sb));
		switch (i) {
		case 0:
			strbuf_adds(&sb, r->ifspec.name != NULL ?
			    r->ifspec.name : "any");
			break;
		case 1:
			label_addr(&r->src, r->af, &sb);
			break;
		case 2:
			label_addr(&r->dst, r->af, &sb);
			break;
		case 3:
			label_port(&r->src_port, &sb);
			break;
		case 4:
			label_port(&r->dst_port, &sb);
			break;
		case 5:
			if ((name = pf_proto_name(r->proto)) != NULL)
				strbuf_adds(&sb, name);
			else
				strbuf_addf(&sb, "%d", r->proto);
			break;
		default:
			strbuf_addf(&sb, "%u", r->nr);
			break;
		}
		value = strbuf_steal(&sb);
		label_replace(&label, macros[i], value);
		free(value);
	}
	return label;
}

/*
 * Expand the macros of ${r}'s label, keeping what was written in
 * label_macros.  Return 0, or -1 after recording an error if the result
 * is longer than a label may be.
 */
static int
expand_label(struct pf_parser *p, struct pf_rule *r)
{
	if (r->label == NULL || strchr(r->label, '$') == NULL)
		return 0;
	r->label_macros = r->label;
	r->label = pf_label_expand(r, r->label_macros);
	if (strlen(r->label) > PF_LABEL_MAX)
		return pf_error(p, r->label_loc, (struct loc){ 0 },
		    "expand_label: label too long");
	return 0;
}

/* An element of a list, or the empty element of an empty list. */
#define NTH(list, i, empty) ((list).n > 0 ? &(list).v[(i)] : (empty))
#define COUNT(list) ((list).n > 0 ? (list).n : 1)

/*
 * Add one rule per combination of ${l}'s lists to the ${kind} rules,
 * nested in pfctl's order: interface, protocol, icmp type, source address,
 * source port, destination address, destination port.  Combinations whose
 * address families disagree are left out, as pfctl does; none left is an
 * error.  Return 0, or -1 after recording an error.
 */
int
pf_expand(struct pf_parser *p, const struct pf_rule *tmpl,
    const struct pf_rule_lists *l, enum pf_ruleset_kind kind)
{
	static const struct pf_ifspec no_if;
	static const struct pf_proto_item no_proto;
	static const struct pf_icmp_item no_icmp = { .type = -1, .code = -1 };
	static const struct pf_addr any = { .kind = PF_ADDR_ANY, .mask = -1 };
	static const struct pf_port no_port;
	size_t ii, pi, ci, si, spi, di, dpi, added = 0;
	struct pf_rule r;
	int af, saf, daf;

	for (ii = 0; ii < COUNT(l->ifs); ii++)
	for (pi = 0; pi < COUNT(l->protos); pi++)
	for (ci = 0; ci < COUNT(l->icmps); ci++)
	for (si = 0; si < COUNT(l->src); si++)
	for (spi = 0; spi < COUNT(l->sport); spi++)
	for (di = 0; di < COUNT(l->dst); di++)
	for (dpi = 0; dpi < COUNT(l->dport); dpi++) {
		const struct pf_ifspec *ifs = NTH(l->ifs, ii, &no_if);
		const struct pf_proto_item *pr = NTH(l->protos, pi, &no_proto);
		const struct pf_icmp_item *ic = NTH(l->icmps, ci, &no_icmp);
		const struct pf_addr *src = NTH(l->src, si, &any);
		const struct pf_port *sp = NTH(l->sport, spi, &no_port);
		const struct pf_addr *dst = NTH(l->dst, di, &any);
		const struct pf_port *dp = NTH(l->dport, dpi, &no_port);

		af = tmpl->af;
		saf = pf_addr_af(src);
		daf = pf_addr_af(dst);
		if ((af && saf && af != saf) || (af && daf && af != daf) ||
		    (saf && daf && saf != daf))
			continue;
		if (!af)
			af = saf ? saf : daf;
		r = *tmpl;
		r.af = af;
		r.ifspec = *ifs;
		r.proto = pr->proto;
		r.proto_loc = pr->loc;
		r.proto_macro_loc = pr->macro_loc;
		r.icmp_type = ic->type;
		r.icmp_code = ic->code;
		r.icmp_loc = ic->loc;
		r.src = *src;
		r.src_port = *sp;
		r.dst = *dst;
		r.dst_port = *dp;
		r.rpool.addrs = l->pool.v;
		r.rpool.naddrs = l->pool.n;
		if (kind == PF_RS_BINAT)
			r.src.neg = 0;	/* pfctl ignores it */
		if ((r.keep == PF_KEEP_MODULATE || r.keep ==
		    PF_KEEP_SYNPROXY) && r.proto && r.proto != IPPROTO_TCP)
			r.keep = PF_KEEP_STATE;
		if (r.proto && r.proto != IPPROTO_TCP)
			r.flags = r.flagset = 0;
		if (ic->type >= 0 && r.proto != ic->proto)
			return pf_error(p, ic->loc, (struct loc){ 0 },
			    "icmp-type mismatch");
		if (rule_consistent(p, &r, l) != 0)
			return -1;
		if (expand_label(p, pf_add_rule(p, kind, &r)) != 0)
			return -1;
		added++;
	}
	if (added == 0)
		return pf_error(p, tmpl->loc, (struct loc){ 0 },
		    "rule expands to no valid combination");
	return 0;
}
