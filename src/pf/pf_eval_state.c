/*
 * pf_eval_state: what the static pf model remembers between packets:
 * tables (with their entries' ages), states, source nodes and their
 * connection-rate counters, and the context that holds them.  Rule
 * matching (pf_eval_match.c) and the path through a server (pf_eval.c)
 * use it; it uses neither.
 */
#include "pf/pf_eval.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval_int.h"

/* Tables. */

static void
table_add(struct eval_table *t, const struct ipprefix *p, bool neg,
    uint32_t tzero)
{
	struct eval_entry *e = VEC_PUSH(t->v, t->n, t->cap);

	e->prefix = ipprefix_network(p);
	e->neg = neg;
	e->tzero = tzero;
	t->sorted = false;
	t->has_len[e->prefix.addr.family == AF_INET6][e->prefix.len] = true;
}

/* Order of entries: family, prefix length, then the network's bytes. */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct ipprefix *a = &((const struct eval_entry *)pa)->prefix;
	const struct ipprefix *b = &((const struct eval_entry *)pb)->prefix;

	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return ipaddr_cmp(&a->addr, &b->addr);
}

struct eval_table *
eval_table(const struct pf_eval *ctx, const char *name)
{
	size_t i;

	for (i = 0; i < ctx->ntables; i++)
		if (str_eq(ctx->tables[i].name, name))
			return &ctx->tables[i];
	return NULL;
}

int
eval_table_match(struct eval_table *t, const struct ipaddr *a)
{
	struct eval_entry key, *hit;
	int v6 = a->family == AF_INET6;
	int len;

	/*
	 * pfr_match_addr(): the longest prefix decides; a negated one means
	 * no match.  pf walks a radix tree; here the entries are sorted once
	 * (again after a change) and each prefix length present is looked up
	 * from the longest down, so a 100,000-entry table costs a few binary
	 * searches, not a scan.
	 */
	if (t->n == 0)
		return 0;
	if (!t->sorted) {
		qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
		t->sorted = true;
	}
	memset(&key, 0, sizeof(key));
	for (len = (int)ipaddr_bits(a); len >= 0; len--) {
		if (!t->has_len[v6][len])
			continue;
		key.prefix.addr = *a;
		key.prefix.len = (unsigned)len;
		key.prefix = ipprefix_network(&key.prefix);
		hit = bsearch(&key, t->v, t->n, sizeof(*t->v), entry_cmp);
		if (hit != NULL)
			return !hit->neg;
	}
	return 0;
}

int
pf_eval_table_test(const struct pf_eval *ctx, const char *table,
    const struct ipaddr *addr)
{
	struct eval_table *t = eval_table(ctx, table);

	if (t == NULL)
		return -1;
	return eval_table_match(t, addr);
}

int
pf_eval_table_expire(struct pf_eval *ctx, const char *table,
    unsigned seconds, uint64_t now_ms)
{
	struct eval_table *t = eval_table(ctx, table);
	int64_t limit = (int64_t)(now_ms / 1000) - (int64_t)seconds;
	size_t i, kept = 0;
	int removed = 0;

	if (t == NULL)
		return -1;
	/* pfctl_table.c, "expire": delete where pfras_tzero <= now - N. */
	for (i = 0; i < t->n; i++) {
		if ((int64_t)t->v[i].tzero <= limit) {
			removed++;
			continue;
		}
		t->v[kept++] = t->v[i];
	}
	t->n = kept;
	return removed;
}

/* Context. */

struct pf_eval *
pf_eval_new(const struct pf_bound *b)
{
	struct pf_eval *ctx = xcalloc(1, sizeof(*ctx));
	size_t i, j, cap = 0;

	ctx->b = b;
	for (i = 0; i < b->ntables; i++) {
		const struct pf_bound_table *bt = &b->tables[i];
		struct eval_table *t = VEC_PUSH(ctx->tables, ctx->ntables, cap);

		t->name = xstrdup(bt->name);
		for (j = 0; j < bt->nentries; j++)
			table_add(t, &bt->entries[j].prefix,
			    bt->entries[j].neg, 0);
	}
	ctx->tablecap = cap;
	ctx->next_id = 1;
	return ctx;
}

void
pf_eval_free(struct pf_eval *ctx)
{
	size_t i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->ntables; i++) {
		free(ctx->tables[i].name);
		free(ctx->tables[i].v);
	}
	free(ctx->tables);
	free(ctx->states);
	free(ctx->nodes);
	free(ctx);
}

void
pf_eval_reset(struct pf_eval *ctx)
{
	size_t i, j;

	ctx->nstates = 0;
	ctx->nnodes = 0;
	ctx->next_id = 1;
	/* Only overload adds entries: a table of another length is rebuilt. */
	for (i = 0; i < ctx->ntables; i++) {
		const struct pf_bound_table *bt = &ctx->b->tables[i];
		struct eval_table *t = &ctx->tables[i];

		if (t->n == bt->nentries)
			continue;
		t->n = 0;
		for (j = 0; j < bt->nentries; j++)
			table_add(t, &bt->entries[j].prefix,
			    bt->entries[j].neg, 0);
	}
}

size_t
pf_eval_nstates(const struct pf_eval *ctx)
{
	size_t i, n = 0;

	for (i = 0; i < ctx->nstates; i++)
		n += !ctx->states[i].dead;
	return n;
}

size_t
pf_eval_states_of(const struct pf_eval *ctx, const struct ipaddr *addr)
{
	size_t i, n = 0;

	for (i = 0; i < ctx->nstates; i++) {
		const struct eval_state *s = &ctx->states[i];

		if (!s->dead && (ipaddr_eq(&s->key[SK_WIRE].a[0], addr) ||
		    ipaddr_eq(&s->key[SK_WIRE].a[1], addr)))
			n++;
	}
	return n;
}

/* States. */

/* A packet's state key in direction ${dir}: pf_test() puts the source at
   index 0 inbound and at index 1 outbound (pd->sidx). */
static struct eval_key
packet_key(const struct pf_packet *p, enum pf_dir dir)
{
	struct eval_key k;
	int s = dir == PF_DIR_IN ? 0 : 1;

	memset(&k, 0, sizeof(k));
	k.a[s] = p->src;
	k.a[1 - s] = p->dst;
	k.p[s] = p->sport;
	k.p[1 - s] = p->dport;
	return k;
}

static bool
key_eq(const struct eval_key *x, const struct eval_key *y)
{
	return ipaddr_eq(&x->a[0], &y->a[0]) && ipaddr_eq(&x->a[1], &y->a[1]) &&
	    x->p[0] == y->p[0] && x->p[1] == y->p[1];
}

/*
 * pf_icmp_mapping(): an ICMP query and its reply share a state, keyed by
 * the query's type (the model has no ICMP ids).  Return that type, or -1
 * for a message that is not a query (an error, matched by pf against the
 * state of the packet it quotes, which the model does not carry).
 */
static int
icmp_virtual_type(const struct pf_packet *p)
{
	static const int v4[][2] = {
		{ 8, 0 }, { 13, 14 }, { 15, 16 }, { 17, 18 }, { 10, 9 },
	};
	static const int v6[][2] = {
		{ 128, 129 }, { 133, 134 }, { 135, 136 },
	};
	const int (*pairs)[2] = p->af == AF_INET6 ? v6 : v4;
	size_t i, n = p->af == AF_INET6 ? 3 : 5;

	for (i = 0; i < n; i++)
		if (p->icmp_type == pairs[i][0] || p->icmp_type == pairs[i][1])
			return pairs[i][0];
	return -1;
}

static bool
is_icmp(const struct pf_packet *p)
{
	return p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
}

/* The ports of a state key: ICMP queries use their type, other
   protocols without ports none. */
static void
packet_ports_for_key(struct pf_packet *p)
{
	if (is_icmp(p)) {
		int vt = icmp_virtual_type(p);

		p->sport = p->dport = vt < 0 ? 0 : (uint16_t)vt;
	} else if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP) {
		p->sport = p->dport = 0;
	}
}

/* pf_find_state(): inbound packets are looked up by wire key, outbound by
   stack key; a floating state matches on every interface. */
static struct eval_state *
state_find(struct pf_eval *ctx, const struct pf_packet *p, enum pf_dir dir,
    size_t ifidx, int *idx)
{
	struct pf_packet q = *p;
	struct eval_key k;
	size_t i;

	if (is_icmp(p) && icmp_virtual_type(p) < 0)
		return NULL;
	packet_ports_for_key(&q);
	k = packet_key(&q, dir);
	*idx = dir == PF_DIR_IN ? SK_WIRE : SK_STACK;
	for (i = 0; i < ctx->nstates; i++) {
		struct eval_state *s = &ctx->states[i];

		if (s->dead || s->af != p->af || s->proto != p->proto)
			continue;
		if (s->kif != NO_INDEX && s->kif != ifidx)
			continue;
		if (key_eq(&s->key[*idx], &k))
			return s;
	}
	return NULL;
}

/* Kill a state; pf_src_tree_remove_state() gives back its connection. */
static void
state_kill(struct pf_eval *ctx, struct eval_state *s)
{
	if (s->dead)
		return;
	s->dead = true;
	if (s->src_node != NO_INDEX && s->tcp_est &&
	    ctx->nodes[s->src_node].conn > 0)
		ctx->nodes[s->src_node].conn--;
}

/* pf_init_threshold(): limit and count are scaled by PF_THRESHOLD_MULT. */
static void
threshold_init(struct eval_node *n, unsigned limit, unsigned seconds,
    uint32_t now_s)
{
	n->limit = (uint32_t)limit * PF_THRESHOLD_MULT;
	n->seconds = seconds;
	n->count = 0;
	n->last = now_s;
}

/*
 * pf_add_threshold() of FreeBSD's sys/netpfil/pf/pf.c: after a whole
 * window without events the count restarts from zero; otherwise it loses
 * the share of itself that the elapsed whole seconds are of the window
 * (integer division, 32-bit unsigned as in the kernel), then one event
 * (PF_THRESHOLD_MULT) is added.
 */
static void
threshold_add(struct eval_node *n, uint32_t now_s)
{
	uint32_t diff = now_s - n->last;

	if (diff >= n->seconds)
		n->count = 0;
	else
		n->count -= n->count * diff / n->seconds;
	n->count += PF_THRESHOLD_MULT;
	n->last = now_s;
}

/* pf_check_threshold(): tripped once the count exceeds the limit. */
static bool
threshold_check(const struct eval_node *n)
{
	return n->count > n->limit;
}

/* pf_insert_src_node(): one node per source and rule (source-track rule)
   or per source (global). */
static size_t
src_node_get(struct pf_eval *ctx, const struct pf_rule *r,
    const struct ipaddr *src, uint32_t now_s)
{
	const struct pf_rule *key = r->state.src_track == PF_SRCTRACK_RULE ?
	    r : NULL;
	struct eval_node *n;
	size_t i;

	for (i = 0; i < ctx->nnodes; i++)
		if (ctx->nodes[i].rule == key &&
		    ipaddr_eq(&ctx->nodes[i].addr, src))
			return i;
	n = VEC_PUSH(ctx->nodes, ctx->nnodes, ctx->nodecap);
	n->addr = *src;
	n->rule = key;
	threshold_init(n, r->state.max_src_conn_rate,
	    r->state.max_src_conn_secs, now_s);
	return ctx->nnodes - 1;
}

unsigned
eval_state_create(struct pf_eval *ctx, const struct pf_rule *r,
    const struct pf_packet *orig, const struct pf_packet *xlated,
    enum pf_dir dir, size_t ifidx, uint32_t now_s)
{
	struct pf_packet o = *orig, x = *xlated;
	struct eval_state *s;

	packet_ports_for_key(&o);
	packet_ports_for_key(&x);
	s = VEC_PUSH(ctx->states, ctx->nstates, ctx->statecap);
	s->id = ctx->next_id++;
	s->af = orig->af;
	s->proto = orig->proto;
	s->dir = dir;
	s->rule = r;
	/* pf_state_insert(): inbound the wire key is the packet as it came,
	   the stack key as translated; outbound the other way round. */
	s->key[SK_WIRE] = packet_key(dir == PF_DIR_IN ? &o : &x, dir);
	s->key[SK_STACK] = packet_key(dir == PF_DIR_IN ? &x : &o, dir);
	s->kif = r != NULL && r->state.if_bound ? ifidx : NO_INDEX;
	s->src_node = NO_INDEX;
	if (r != NULL && r->state.src_track != PF_SRCTRACK_NONE)
		s->src_node = src_node_get(ctx, r, &orig->src, now_s);
	if (orig->proto == IPPROTO_TCP) {
		/* pf_create_state(): the initiator has sent its SYN. */
		s->peer[0] = TCPS_SYN_SENT;
		s->peer[1] = TCPS_CLOSED;
	}
	return s->id;
}

/* Overload: add the source to the table and, with flush, kill its states
   as pf_overload_task() does (the state's direction decides which key
   address is compared). */
static size_t
overload(struct pf_eval *ctx, const struct eval_state *st,
    const struct ipaddr *addr, uint32_t now_s)
{
	const struct pf_rule *r = st->rule;
	struct eval_table *t = eval_table(ctx, r->state.overload);
	struct ipprefix p;
	size_t i, killed = 0;

	if (t == NULL) {
		t = VEC_PUSH(ctx->tables, ctx->ntables, ctx->tablecap);
		t->name = xstrdup(r->state.overload);
	}
	p.addr = *addr;
	p.len = ipaddr_bits(addr);
	for (i = 0; i < t->n; i++)
		if (!t->v[i].neg && t->v[i].prefix.len == p.len &&
		    ipaddr_eq(&t->v[i].prefix.addr, addr))
			break;
	if (i == t->n)
		table_add(t, &p, false, now_s);
	if (!r->state.flush && !r->state.flush_global)
		return 0;
	for (i = 0; i < ctx->nstates; i++) {
		struct eval_state *s = &ctx->states[i];
		const struct eval_key *wk = &s->key[SK_WIRE];

		if (s->dead || s->af != st->af)
			continue;
		if (!r->state.flush_global && s->rule != r)
			continue;
		if ((st->dir == PF_DIR_OUT && ipaddr_eq(addr, &wk->a[1])) ||
		    (st->dir == PF_DIR_IN && ipaddr_eq(addr, &wk->a[0]))) {
			state_kill(ctx, s);
			killed++;
		}
	}
	return killed;
}

/*
 * pf_src_connlimit(): a completed handshake counts one connection and one
 * rate event for the state's source node; past max-src-conn or the rate,
 * the state dies, the source is overloaded, and the packet is dropped.
 * Return true if the packet is dropped.
 */
static bool
src_connlimit(struct pf_eval *ctx, struct eval_state *st, uint32_t now_s,
    struct pf_eval_stage *stage)
{
	struct eval_node *n = &ctx->nodes[st->src_node];
	const struct pf_rule *r = st->rule;
	struct ipaddr addr = n->addr;
	char buf[IPADDR_STRLEN];
	size_t killed;
	int bad = 0;

	n->conn++;
	st->tcp_est = true;
	threshold_add(n, now_s);
	if (r->state.max_src_conn && r->state.max_src_conn < n->conn)
		bad++;
	if (r->state.max_src_conn_rate && threshold_check(n))
		bad++;
	if (!bad)
		return false;
	state_kill(ctx, st);
	if (r->state.overload == NULL) {
		snprintf(stage->note, sizeof(stage->note),
		    "source %s over its connection limit: state killed",
		    ipaddr_format(&addr, buf));
		return true;
	}
	killed = overload(ctx, st, &addr, now_s);
	snprintf(stage->note, sizeof(stage->note),
	    "source %s over its connection limit: added to <%s>, "
	    "%zu state%s flushed", ipaddr_format(&addr, buf),
	    r->state.overload, killed, killed == 1 ? "" : "s");
	return true;
}

/*
 * The part of pf_tcp_track_full() that moves the peers' states through
 * the handshake; ${side} 0 is the state's initiator.  Return true if the
 * packet is dropped (connection limit).
 */
static bool
tcp_track(struct pf_eval *ctx, struct eval_state *st, int side, uint8_t flags,
    uint32_t now_s, struct pf_eval_stage *stage)
{
	uint8_t *src = &st->peer[side], *dst = &st->peer[1 - side];

	if (flags & PF_TH_SYN) {
		if (*src < TCPS_SYN_SENT)
			*src = TCPS_SYN_SENT;
	}
	if (flags & PF_TH_FIN) {
		if (*src < TCPS_CLOSING)
			*src = TCPS_CLOSING;
	}
	if (flags & PF_TH_ACK) {
		if (*dst == TCPS_SYN_SENT) {
			*dst = TCPS_ESTABLISHED;
			if (*src == TCPS_ESTABLISHED &&
			    st->src_node != NO_INDEX &&
			    src_connlimit(ctx, st, now_s, stage))
				return true;
		} else if (*dst == TCPS_CLOSING) {
			*dst = TCPS_FIN_WAIT_2;
		}
	}
	if (flags & PF_TH_RST)
		*src = *dst = TCPS_TIME_WAIT;
	return false;
}

/*
 * Look up a state for ${p} in ${dir} on interface ${ifidx}.  If one
 * matches, rewrite ${p} as the state translates it, track TCP, and return
 * the state's id (0 and stage->pass false if the packet is dropped).
 * Return -1 if there is no state.
 */
long
eval_state_lookup(struct pf_eval *ctx, struct pf_packet *p, enum pf_dir dir,
    size_t ifidx, uint32_t now_s, struct pf_eval_stage *stage)
{
	struct eval_state *st;
	const struct eval_key *nk;
	int idx, s = dir == PF_DIR_IN ? 0 : 1;
	unsigned id;

	st = state_find(ctx, p, dir, ifidx, &idx);
	if (st == NULL)
		return -1;
	id = st->id;
	/* The other key gives the addresses after the state's translation. */
	nk = &st->key[1 - idx];
	p->src = nk->a[s];
	p->dst = nk->a[1 - s];
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		p->sport = nk->p[s];
		p->dport = nk->p[1 - s];
	}
	stage->pass = true;
	if (p->proto == IPPROTO_TCP &&
	    tcp_track(ctx, st, dir == st->dir ? 0 : 1, p->flags, now_s, stage))
		stage->pass = false;
	return id;
}
