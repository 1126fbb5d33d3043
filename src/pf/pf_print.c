/*
 * pf_print: a ruleset as `pfctl -o none -nvf` prints it, following
 * pfctl's print_rule(), print_fromto(), print_pool(), print_tabledef()
 * and print_addr().
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf.h"

/* Append ${s} in double quotes, with a backslash before each quote. */
static void
print_quoted(struct strbuf *out, const char *s)
{
	strbuf_addc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			strbuf_addc(out, '\\');
		strbuf_addc(out, *s);
	}
	strbuf_addc(out, '"');
}

static unsigned
full_bits(int af)
{
	return af == AF_INET ? 32 : 128;
}

static void
print_ifmods(unsigned mods, struct strbuf *out)
{
	if (mods & PF_IFMOD_NETWORK)
		strbuf_adds(out, ":network");
	if (mods & PF_IFMOD_BROADCAST)
		strbuf_adds(out, ":broadcast");
	if (mods & PF_IFMOD_PEER)
		strbuf_adds(out, ":peer");
	if (mods & PF_IFMOD_NOALIAS)
		strbuf_adds(out, ":0");
}

/*
 * pfctl prints an all-zero address and mask as "any", which reads back
 * the same only in a rule and without "!"; elsewhere print the prefix.
 */
static void
print_addr(const struct pf_addr *a, int af, int any_ok, struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	int mask;

	switch (a->kind) {
	case PF_ADDR_ANY:
		strbuf_adds(out, "any");
		break;
	case PF_ADDR_PREFIX:
		if (a->prefix.len == 0 && any_ok && !a->neg) {
			strbuf_adds(out, "any");
			break;
		}
		strbuf_adds(out, ipaddr_format(&a->prefix.addr, buf));
		if (a->prefix.len != ipaddr_bits(&a->prefix.addr))
			strbuf_addf(out, "/%u", a->prefix.len);
		break;
	case PF_ADDR_RANGE:
		strbuf_adds(out, ipaddr_format(&a->prefix.addr, buf));
		strbuf_addf(out, " - %s", ipaddr_format(&a->last, buf));
		break;
	case PF_ADDR_TABLE:
		strbuf_addf(out, "<%s>", a->name);
		break;
	case PF_ADDR_IFACE:
		strbuf_adds(out, a->name);
		print_ifmods(a->ifmods, out);
		if (a->mask >= 0)
			strbuf_addf(out, "/%d", a->mask);
		break;
	case PF_ADDR_DYNIFACE:
		strbuf_addf(out, "(%s", a->name);
		print_ifmods(a->ifmods, out);
		strbuf_addc(out, ')');
		/* pfctl's check_netmask() caps it at 32 for IPv4. */
		mask = a->mask;
		if (af == AF_INET && mask > 32)
			mask = -1;
		if (mask >= 0 && (unsigned)mask != full_bits(af))
			strbuf_addf(out, "/%d", mask);
		break;
	case PF_ADDR_NOROUTE:
		strbuf_adds(out, "no-route");
		break;
	case PF_ADDR_URPF_FAILED:
		strbuf_adds(out, "urpf-failed");
		break;
	}
}

void
pf_print_addr(const struct pf_addr *a, int af, struct strbuf *out)
{
	print_addr(a, af, 1, out);
}

/* Return non-zero if ${a} prints as "any" without a "!". */
static int
is_any(const struct pf_addr *a)
{
	return !a->neg && (a->kind == PF_ADDR_ANY ||
	    (a->kind == PF_ADDR_PREFIX && a->prefix.len == 0));
}

static void
print_port(const struct pf_port *p, int proto, struct strbuf *out)
{
	const char *name = NULL;

	if (p->op == PF_PORT_EQ || p->op == PF_PORT_NE)
		name = pf_service_name(p->a,
		    proto == IPPROTO_TCP ? "tcp" : "udp");
	strbuf_adds(out, " port");
	switch (p->op) {
	case PF_PORT_NONE:
		break;
	case PF_PORT_EQ:
	case PF_PORT_NE:
		strbuf_addf(out, " %s ", p->op == PF_PORT_EQ ? "=" : "!=");
		if (name != NULL)
			strbuf_adds(out, name);
		else
			strbuf_addf(out, "%u", p->a);
		break;
	case PF_PORT_LT:
		strbuf_addf(out, " < %u", p->a);
		break;
	case PF_PORT_LE:
		strbuf_addf(out, " <= %u", p->a);
		break;
	case PF_PORT_GT:
		strbuf_addf(out, " > %u", p->a);
		break;
	case PF_PORT_GE:
		strbuf_addf(out, " >= %u", p->a);
		break;
	case PF_PORT_RANGE:
		strbuf_addf(out, " %u:%u", p->a, p->b);
		break;
	case PF_PORT_INSIDE:
		strbuf_addf(out, " %u >< %u", p->a, p->b);
		break;
	case PF_PORT_OUTSIDE:
		strbuf_addf(out, " %u <> %u", p->a, p->b);
		break;
	}
}

static void
print_fromto(const struct pf_rule *r, struct strbuf *out)
{
	if (is_any(&r->src) && is_any(&r->dst) && !r->src_port.op &&
	    !r->dst_port.op) {
		strbuf_adds(out, " all");
		return;
	}
	strbuf_adds(out, r->src.neg ? " from ! " : " from ");
	pf_print_addr(&r->src, r->af, out);
	if (r->src_port.op)
		print_port(&r->src_port, r->proto, out);
	strbuf_adds(out, r->dst.neg ? " to ! " : " to ");
	pf_print_addr(&r->dst, r->af, out);
	if (r->dst_port.op)
		print_port(&r->dst_port, r->proto, out);
}

void
pf_print_flags(uint8_t f, struct strbuf *out)
{
	static const char letters[] = "FSRPAUEW";
	int i;

	for (i = 0; letters[i] != '\0'; i++)
		if (f & (1u << i))
			strbuf_addc(out, letters[i]);
}

/* An ICMP error to return: the name of its code, or its number. */
static void
print_icmp_code(uint16_t v, int af, struct strbuf *out)
{
	const char *name = pf_icmp_code_name(v >> 8, v & 255, af);

	if (name != NULL)
		strbuf_adds(out, name);
	else
		strbuf_addf(out, "%u", v & 255);
}

static void
print_block(const struct pf_rule *r, struct strbuf *out)
{
	switch (r->block) {
	case PF_BLOCK_DROP:
		strbuf_adds(out, " drop");
		break;
	case PF_BLOCK_RETURN:
		strbuf_adds(out, " return");
		break;
	case PF_BLOCK_RETURN_RST:
		if (r->return_ttl)
			strbuf_addf(out, " return-rst(ttl %u)", r->return_ttl);
		else
			strbuf_adds(out, " return-rst");
		break;
	case PF_BLOCK_RETURN_ICMP:
		if (r->af == AF_INET6) {
			strbuf_adds(out, " return-icmp6(");
			print_icmp_code(r->return_icmp6, AF_INET6, out);
		} else {
			strbuf_adds(out, " return-icmp(");
			print_icmp_code(r->return_icmp, AF_INET, out);
			if (r->af != AF_INET) {
				strbuf_adds(out, ", ");
				print_icmp_code(r->return_icmp6, AF_INET6,
				    out);
			}
		}
		strbuf_addc(out, ')');
		break;
	}
}

static void
print_log(const struct pf_rule *r, struct strbuf *out)
{
	int n = 0;

	if (!r->log)
		return;
	strbuf_adds(out, " log");
	if (!(r->log & ~PF_LOG) && !r->logif)
		return;
	strbuf_adds(out, " (");
	if (r->log & PF_LOG_ALL)
		strbuf_addf(out, "%sall", n++ ? ", " : "");
	if (r->log & PF_LOG_USER)
		strbuf_addf(out, "%suser", n++ ? ", " : "");
	if (r->logif)
		strbuf_addf(out, "%sto pflog%u", n++ ? ", " : "", r->logif);
	strbuf_addc(out, ')');
}

/* The "(...)" of keep state, with pfctl's separators. */
static void
print_state_opts(const struct pf_state_opts *o, struct strbuf *out)
{
	int first = 0, i;

	if (o->max_states || o->max_src_nodes || o->max_src_states ||
	    o->no_sync || o->src_track != PF_SRCTRACK_NONE || o->if_bound ||
	    o->floating || o->sloppy)
		first = 1;
	for (i = 0; !first && i < PF_TM_COUNT; i++)
		if (o->timeout[i])
			first = 1;
	if (!first)
		return;
	strbuf_adds(out, " (");
#define SEP() do { if (!first) strbuf_adds(out, ", "); first = 0; } while (0)
	if (o->max_states) {
		strbuf_addf(out, "max %u", o->max_states);
		first = 0;
	}
	if (o->no_sync) {
		SEP();
		strbuf_adds(out, "no-sync");
	}
	if (o->src_track != PF_SRCTRACK_NONE) {
		SEP();
		strbuf_addf(out, "source-track %s",
		    o->src_track == PF_SRCTRACK_RULE ? "rule" : "global");
	}
	if (o->max_src_states) {
		SEP();
		strbuf_addf(out, "max-src-states %u", o->max_src_states);
	}
	if (o->max_src_conn) {
		SEP();
		strbuf_addf(out, "max-src-conn %u", o->max_src_conn);
	}
	if (o->max_src_conn_rate) {
		SEP();
		strbuf_addf(out, "max-src-conn-rate %u/%u",
		    o->max_src_conn_rate, o->max_src_conn_secs);
	}
	if (o->max_src_nodes) {
		SEP();
		strbuf_addf(out, "max-src-nodes %u", o->max_src_nodes);
	}
	if (o->overload != NULL) {
		/* pfctl does not clear its "first" flag here. */
		if (!first)
			strbuf_adds(out, ", ");
		strbuf_addf(out, "overload <%s>", o->overload);
		if (o->flush)
			strbuf_adds(out, " flush");
		if (o->flush_global)
			strbuf_adds(out, " global");
	}
	if (o->if_bound) {
		SEP();
		strbuf_adds(out, "if-bound");
	}
	if (o->floating) {
		SEP();
		strbuf_adds(out, "floating");
	}
	if (o->sloppy) {
		SEP();
		strbuf_adds(out, "sloppy");
	}
	for (i = 0; i < PF_TM_COUNT; i++)
		if (o->timeout[i]) {
			SEP();
			strbuf_addf(out, "%s %u",
			    pf_timeout_name((enum pf_timeout)i), o->timeout[i]);
		}
#undef SEP
	strbuf_addc(out, ')');
}

static void
print_pool(const struct pf_rule *r, struct strbuf *out)
{
	const struct pf_pool *pool = &r->rpool;
	unsigned p1 = pool->port_lo, p2 = pool->port_hi;
	size_t i;

	if (pool->naddrs > 1)
		strbuf_adds(out, "{ ");
	for (i = 0; i < pool->naddrs; i++) {
		pf_print_addr(&pool->addrs[i], r->af, out);
		if (i + 1 < pool->naddrs)
			strbuf_adds(out, ", ");
		else if (pool->naddrs > 1)
			strbuf_adds(out, " }");
	}
	if (r->action == PF_ACT_NAT) {
		if ((p1 != 50001 || p2 != 65535) && (p1 || p2)) {
			if (p1 == p2)
				strbuf_addf(out, " port %u", p1);
			else
				strbuf_addf(out, " port %u:%u", p1, p2);
		}
	} else if (r->action == PF_ACT_RDR && p1) {
		strbuf_addf(out, " port %u", p1);
		if (p2 && p2 != p1)
			strbuf_addf(out, ":%u", p2);
	}
	switch (pool->type) {
	case PF_POOL_NONE:
		break;
	case PF_POOL_BITMASK:
		strbuf_adds(out, " bitmask");
		break;
	case PF_POOL_RANDOM:
		strbuf_adds(out, " random");
		break;
	case PF_POOL_SRCHASH:
		strbuf_adds(out, " source-hash");
		break;
	case PF_POOL_ROUNDROBIN:
		strbuf_adds(out, " round-robin");
		break;
	}
	if (pool->sticky_address)
		strbuf_adds(out, " sticky-address");
	if (r->action == PF_ACT_NAT && p1 == 0 && p2 == 0)
		strbuf_adds(out, " static-port");
}

const char *
pf_action_name(enum pf_action a)
{
	static const char *const actions[] = {
		"pass", "block", "scrub", "no scrub", "nat", "no nat",
		"binat", "no binat", "rdr", "no rdr", "match",
	};

	return actions[a];
}

/* pfctl's anchortypes[]: the word of an anchor call of ${a}'s ruleset. */
static const char *
anchor_word(enum pf_action a)
{
	switch (a) {
	case PF_ACT_NAT:
	case PF_ACT_NO_NAT:
		return "nat-anchor";
	case PF_ACT_BINAT:
	case PF_ACT_NO_BINAT:
		return "binat-anchor";
	case PF_ACT_RDR:
	case PF_ACT_NO_RDR:
		return "rdr-anchor";
	default:
		return "anchor";
	}
}

void
pf_print_rule(const struct pf_rule *r, struct strbuf *out)
{
	const char *name;

	if (r->anchor != NULL) {
		strbuf_addf(out, "%s ", anchor_word(r->action));
		print_quoted(out, r->anchor);
	} else {
		strbuf_adds(out, pf_action_name(r->action));
	}
	if (r->natpass)
		strbuf_adds(out, " pass");
	if (r->action == PF_ACT_BLOCK)
		print_block(r, out);
	if (r->dir == PF_DIR_IN)
		strbuf_adds(out, " in");
	else if (r->dir == PF_DIR_OUT)
		strbuf_adds(out, " out");
	print_log(r, out);
	if (r->quick)
		strbuf_adds(out, " quick");
	if (r->ifspec.name != NULL)
		strbuf_addf(out, " on %s%s", r->ifspec.neg ? "! " : "",
		    r->ifspec.name);
	if (r->af)
		strbuf_adds(out, r->af == AF_INET ? " inet" : " inet6");
	if (r->proto) {
		if ((name = pf_proto_name(r->proto)) != NULL)
			strbuf_addf(out, " proto %s", name);
		else
			strbuf_addf(out, " proto %d", r->proto);
	}
	print_fromto(r, out);
	if (r->flags || r->flagset) {
		strbuf_adds(out, " flags ");
		pf_print_flags(r->flags, out);
		strbuf_addc(out, '/');
		pf_print_flags(r->flagset, out);
	} else if (r->action == PF_ACT_PASS && (!r->proto ||
	    r->proto == IPPROTO_TCP) && !r->fragment &&
	    r->keep != PF_KEEP_NONE) {
		strbuf_adds(out, " flags any");
	}
	if (r->icmp_type >= 0) {
		strbuf_adds(out, r->af != AF_INET6 ? " icmp-type" :
		    " icmp6-type");
		if ((name = pf_icmp_type_name(r->icmp_type, r->af)) != NULL)
			strbuf_addf(out, " %s", name);
		else
			strbuf_addf(out, " %d", r->icmp_type);
		if (r->icmp_code >= 0) {
			name = pf_icmp_code_name(r->icmp_type, r->icmp_code,
			    r->af);
			if (name != NULL)
				strbuf_addf(out, " code %s", name);
			else
				strbuf_addf(out, " code %d", r->icmp_code);
		}
	}
	switch (r->keep) {
	case PF_KEEP_NONE:
		if (r->action == PF_ACT_PASS && r->anchor == NULL)
			strbuf_adds(out, " no state");
		break;
	case PF_KEEP_STATE:
		strbuf_adds(out, " keep state");
		break;
	case PF_KEEP_MODULATE:
		strbuf_adds(out, " modulate state");
		break;
	case PF_KEEP_SYNPROXY:
		strbuf_adds(out, " synproxy state");
		break;
	}
	print_state_opts(&r->state, out);
	if (r->fragment)
		strbuf_adds(out, " fragment");
	if (r->scrub.no_df)
		strbuf_adds(out, " no-df");
	if (r->scrub.random_id)
		strbuf_adds(out, " random-id");
	if (r->scrub.min_ttl)
		strbuf_addf(out, " min-ttl %u", r->scrub.min_ttl);
	if (r->scrub.max_mss)
		strbuf_addf(out, " max-mss %u", r->scrub.max_mss);
	if (r->scrub.set_tos)
		strbuf_addf(out, " set-tos 0x%2.2x", r->scrub.tos);
	if (r->allow_opts)
		strbuf_adds(out, " allow-opts");
	if (r->action == PF_ACT_SCRUB) {
		if (r->scrub.reassemble_tcp)
			strbuf_adds(out, " reassemble tcp");
		strbuf_adds(out, " fragment reassemble");
	}
	if (r->label != NULL) {
		strbuf_adds(out, " label ");
		print_quoted(out, r->label);
	}
	if (r->tag != NULL)
		strbuf_addf(out, " tag %s", r->tag);
	if (r->tagged != NULL)
		strbuf_addf(out, "%s tagged %s", r->tagged_neg ? " !" : "",
		    r->tagged);
	if ((r->action == PF_ACT_NAT || r->action == PF_ACT_BINAT ||
	    r->action == PF_ACT_RDR) && r->anchor == NULL) {
		strbuf_adds(out, " -> ");
		print_pool(r, out);
	}
}

static void
print_option(const struct pf_option *o, struct strbuf *out)
{
	size_t i;

	switch (o->kind) {
	case PF_OPT_SKIP:
		if (o->nifnames == 0) {
			strbuf_adds(out, "set skip on none\n");
			break;
		}
		strbuf_adds(out, "set skip on {");
		for (i = 0; i < o->nifnames; i++)
			strbuf_addf(out, " %s", o->ifnames[i]);
		strbuf_adds(out, " }\n");
		break;
	case PF_OPT_BLOCK_POLICY:
		strbuf_addf(out, "set block-policy %s\n",
		    o->value ? "return" : "drop");
		break;
	case PF_OPT_STATE_POLICY:
		strbuf_addf(out, "set state-policy %s\n",
		    o->value ? "if-bound" : "floating");
		break;
	case PF_OPT_TIMEOUT:
		strbuf_addf(out, "set timeout %s %u\n", o->name, o->value);
		break;
	case PF_OPT_LIMIT:
		strbuf_addf(out, "set limit %s %u\n", o->name, o->value);
		break;
	case PF_OPT_OPTIMIZATION:
		strbuf_addf(out, "set optimization %s\n", o->name);
		break;
	case PF_OPT_RULESET_OPTIMIZATION:
		break;		/* pfctl prints nothing */
	case PF_OPT_REQUIRE_ORDER:
		strbuf_addf(out, "set require-order %s\n",
		    o->value ? "yes" : "no");
		break;
	}
}

static void
print_table(const struct pf_table *t, struct strbuf *out)
{
	const struct pf_table_init *ti;
	size_t i, j;

	strbuf_addf(out, "table <%s>", t->name);
	if (t->flags & PF_TABLE_CONST)
		strbuf_adds(out, " const");
	if (t->flags & PF_TABLE_PERSIST)
		strbuf_adds(out, " persist");
	if (t->flags & PF_TABLE_COUNTERS)
		strbuf_adds(out, " counters");
	for (i = 0; i < t->ninits; i++) {
		ti = &t->inits[i];
		if (ti->file != NULL) {
			strbuf_adds(out, " file ");
			print_quoted(out, ti->file);
			continue;
		}
		/* Consecutive lists print as one, as pfctl merges them. */
		strbuf_adds(out, " {");
		for (;;) {
			for (j = 0; j < ti->naddrs; j++) {
				strbuf_adds(out, ti->addrs[j].neg ? " !" : " ");
				print_addr(&ti->addrs[j],
				    pf_addr_af(&ti->addrs[j]), 0, out);
			}
			if (i + 1 < t->ninits && t->inits[i + 1].file == NULL)
				ti = &t->inits[++i];
			else
				break;
		}
		strbuf_adds(out, " }");
	}
	if (t->has_init && t->ninits == 0)
		strbuf_adds(out, " { }");
	strbuf_addc(out, '\n');
}

/* The default of pf_print(): the rule as written, one line. */
static void
print_rule_line(const struct pf_rule *r, void *arg, struct strbuf *out)
{
	(void)arg;
	pf_print_rule(r, out);
	strbuf_addc(out, '\n');
}

void
pf_print(const struct pf_ruleset *rs, struct strbuf *out)
{
	pf_print_with(rs, print_rule_line, NULL, out);
}

void
pf_print_with(const struct pf_ruleset *rs, void (*rule)(const struct
    pf_rule *, void *, struct strbuf *), void *arg, struct strbuf *out)
{
	const struct pf_macro *m;
	size_t i, k;

	for (i = 0; i < rs->nstmts; i++) {
		switch (rs->stmts[i].kind) {
		case PF_STMT_MACRO:
			m = &rs->macros[rs->stmts[i].index];
			strbuf_addf(out, "%s = ", m->name);
			print_quoted(out, m->value);
			strbuf_addc(out, '\n');
			break;
		case PF_STMT_OPTION:
			print_option(&rs->options[rs->stmts[i].index], out);
			break;
		case PF_STMT_TABLE:
			print_table(&rs->tables[rs->stmts[i].index], out);
			break;
		}
	}
	/* Each ruleset's rules and anchor calls, in their numbers' order. */
	for (k = 0; k < PF_RS_COUNT; k++) {
		const struct pf_rules *rr = &rs->rules[k], *ra = &rs->anchors[k];
		size_t a = 0;

		i = 0;
		while (i < rr->n || a < ra->n) {
			if (a < ra->n && (i == rr->n ||
			    ra->v[a].nr < rr->v[i].nr))
				rule(&ra->v[a++], arg, out);
			else
				rule(&rr->v[i++], arg, out);
		}
	}
}
