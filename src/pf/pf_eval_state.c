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

/* Hashes of array entries (struct eval_hash). */

#define HASH_MUL 0x9e3779b97f4a7c15ull

/* Buckets and entries a hash starts with: a context's first thousand
   states should not wait for the table to double. */
#define HASH_MIN 1024

static uint64_t
hash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * HASH_MUL;
	return h ^ (h >> 29);
}

/* Mix in the bytes of ${a} that count (4 for IPv4, 16 for IPv6). */
static uint64_t
hash_addr(uint64_t h, const struct ipaddr *a)
{
	uint64_t w[2] = { 0, 0 };

	if (a->family == AF_INET6) {
		memcpy(w, a->bytes, 16);
		return hash_mix(hash_mix(h, w[0]), w[1]);
	}
	memcpy(w, a->bytes, 4);
	return hash_mix(h, w[0] | (uint64_t)a->family << 32);
}

static void
hash_link(struct eval_hash *h, size_t i)
{
	size_t b = h->hv[i] & (h->nbuckets - 1);

	h->next[i] = h->head[b];
	h->head[b] = (uint32_t)(i + 1);
}

/* Add entry ${i} (of ${n} the array holds) with hash ${hv}; the table
   doubles when it holds as many entries as buckets. */
static void
hash_add(struct eval_hash *h, size_t i, uint32_t hv, size_t n)
{
	size_t j;

	if (i >= h->cap) {
		size_t cap = h->cap ? h->cap : HASH_MIN;

		while (cap <= i)
			cap *= 2;
		h->next = xrealloc(h->next, cap * sizeof(*h->next));
		h->hv = xrealloc(h->hv, cap * sizeof(*h->hv));
		for (j = h->cap; j < cap; j++)
			h->next[j] = EVAL_HASH_OUT;
		h->cap = cap;
	}
	h->hv[i] = hv;
	if (h->count + 1 > h->nbuckets) {
		size_t nb = h->nbuckets ? 2 * h->nbuckets : HASH_MIN;

		free(h->head);
		h->head = xcalloc(nb, sizeof(*h->head));
		h->nbuckets = nb;
		for (j = 0; j < n; j++)
			if (j != i && h->next[j] != EVAL_HASH_OUT)
				hash_link(h, j);
	}
	hash_link(h, i);
	h->count++;
}

static void
hash_del(struct eval_hash *h, size_t i)
{
	uint32_t *link;

	if (i >= h->cap || h->next[i] == EVAL_HASH_OUT)
		return;
	for (link = &h->head[h->hv[i] & (h->nbuckets - 1)]; *link != 0;
	    link = &h->next[*link - 1]) {
		if (*link - 1 == i) {
			*link = h->next[i];
			break;
		}
	}
	h->next[i] = EVAL_HASH_OUT;
	h->count--;
}

/* Empty ${h} of the first ${n} entries of its array, bucket by bucket of
   those entries only. */
static void
hash_clear(struct eval_hash *h, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < h->cap; i++) {
		if (h->next[i] == EVAL_HASH_OUT)
			continue;
		h->head[h->hv[i] & (h->nbuckets - 1)] = 0;
		h->next[i] = EVAL_HASH_OUT;
	}
	h->count = 0;
}

static void
hash_free(struct eval_hash *h)
{
	free(h->head);
	free(h->next);
	free(h->hv);
	memset(h, 0, sizeof(*h));
}

/* The entries of bucket ${hv}, as indexes plus one. */
static uint32_t
hash_first(const struct eval_hash *h, uint32_t hv)
{
	return h->nbuckets ? h->head[hv & (h->nbuckets - 1)] : 0;
}

/* Tables. */

static void
entries_add(struct eval_entries *es, const struct ipprefix *p, bool neg,
    uint32_t tzero)
{
	struct eval_entry *e = VEC_PUSH(es->v, es->n, es->cap);

	e->prefix = ipprefix_network(p);
	e->neg = neg;
	e->tzero = tzero;
	es->sorted = false;
	es->has_len[e->prefix.addr.family == AF_INET6][e->prefix.len] = true;
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

static void
entries_sort(struct eval_entries *es)
{
	if (!es->sorted) {
		if (es->n > 1)
			qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
		es->sorted = true;
	}
}

/* The binding's entries of ${t}, sorted (done once per context, and again
   only after an expiry removed some). */
static void
table_load(struct eval_table *t)
{
	size_t j;

	t->base.n = 0;
	memset(t->base.has_len, 0, sizeof(t->base.has_len));
	for (j = 0; t->bound != NULL && j < t->bound->nentries; j++)
		entries_add(&t->base, &t->bound->entries[j].prefix,
		    t->bound->entries[j].neg, 0);
	entries_sort(&t->base);
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

struct eval_table *
eval_table_at(const struct pf_eval *ctx, size_t idx, const char *name)
{
	return idx != NO_INDEX ? &ctx->tables[idx] : eval_table(ctx, name);
}

/* Look ${key} (a network of length len) up in ${es}: 1 match, 0 negated
   match, -1 none. */
static int
entries_find(struct eval_entries *es, int v6, const struct eval_entry *key)
{
	const struct eval_entry *hit;

	if (!es->has_len[v6][key->prefix.len])
		return -1;
	entries_sort(es);
	hit = bsearch(key, es->v, es->n, sizeof(*es->v), entry_cmp);
	if (hit == NULL)
		return -1;
	return !hit->neg;
}

int
eval_table_match(struct eval_table *t, const struct ipaddr *a)
{
	struct eval_entry key;
	int v6 = a->family == AF_INET6;
	int len, m;

	/*
	 * pfr_match_addr(): the longest prefix decides; a negated one means
	 * no match.  pf walks a radix tree; here the entries are sorted once
	 * (again after a change) and each prefix length present is looked up
	 * from the longest down, so a 100,000-entry table costs a few binary
	 * searches, not a scan.
	 */
	if (t->base.n == 0 && t->added.n == 0)
		return 0;
	memset(&key, 0, sizeof(key));
	for (len = (int)ipaddr_bits(a); len >= 0; len--) {
		if (!t->base.has_len[v6][len] && !t->added.has_len[v6][len])
			continue;
		key.prefix.addr = *a;
		key.prefix.len = (unsigned)len;
		key.prefix = ipprefix_network(&key.prefix);
		if ((m = entries_find(&t->base, v6, &key)) >= 0 ||
		    (m = entries_find(&t->added, v6, &key)) >= 0)
			return m;
	}
	return 0;
}

/* The smallest (entry_cmp()) non-negated entry of family ${af}. */
static const struct eval_entry *
entries_first(const struct eval_entries *es, int af)
{
	const struct eval_entry *best = NULL;
	size_t i;

	for (i = 0; i < es->n; i++) {
		const struct eval_entry *e = &es->v[i];

		if (e->neg || e->prefix.addr.family != af)
			continue;
		if (es->sorted)
			return e;
		if (best == NULL || entry_cmp(e, best) < 0)
			best = e;
	}
	return best;
}

bool
eval_table_first(const struct eval_table *t, int af, struct ipaddr *out)
{
	const struct eval_entry *a = entries_first(&t->base, af);
	const struct eval_entry *b = entries_first(&t->added, af);

	if (a == NULL || (b != NULL && entry_cmp(b, a) < 0))
		a = b;
	if (a == NULL)
		return false;
	*out = a->prefix.addr;
	return true;
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

/* Remove the entries dated at or before ${limit}; return how many. */
static int
entries_expire(struct eval_entries *es, int64_t limit)
{
	size_t i, kept = 0;
	int removed = 0;

	for (i = 0; i < es->n; i++) {
		if ((int64_t)es->v[i].tzero <= limit) {
			removed++;
			continue;
		}
		es->v[kept++] = es->v[i];
	}
	es->n = kept;
	return removed;
}

int
pf_eval_table_expire(struct pf_eval *ctx, const char *table,
    unsigned seconds, uint64_t now_ms)
{
	struct eval_table *t = eval_table(ctx, table);
	int64_t limit = (int64_t)(now_ms / 1000) - (int64_t)seconds;
	int base, added;

	if (t == NULL)
		return -1;
	/* pfctl_table.c, "expire": delete where pfras_tzero <= now - N. */
	base = entries_expire(&t->base, limit);
	added = entries_expire(&t->added, limit);
	if (base > 0)
		t->base_cut = true;
	if (base + added > 0)
		t->dirty = true;
	return base + added;
}

/* Context. */

void
eval_state_init(struct pf_eval *ctx)
{
	const struct pf_bound *b = ctx->b;
	size_t i;

	for (i = 0; i < b->ntables; i++) {
		struct eval_table *t = VEC_PUSH(ctx->tables, ctx->ntables,
		    ctx->tablecap);

		t->name = xstrdup(b->tables[i].name);
		t->bound = &b->tables[i];
		table_load(t);
	}
	ctx->ntables0 = ctx->ntables;
	ctx->next_id = 1;
}

static void
table_free(struct eval_table *t)
{
	free(t->name);
	free(t->base.v);
	free(t->added.v);
}

void
eval_state_reset(struct pf_eval *ctx)
{
	size_t i;

	hash_clear(&ctx->state_hash[SK_WIRE], ctx->nstates);
	hash_clear(&ctx->state_hash[SK_STACK], ctx->nstates);
	ctx->nstates = 0;
	hash_clear(&ctx->node_hash, ctx->nnodes);
	ctx->nnodes = 0;
	hash_clear(&ctx->natcur_hash, ctx->nnatcurs);
	ctx->nnatcurs = 0;
	ctx->next_id = 1;
	/* Tables overload made are gone; the others lose what overload
	   added, and get back what expiry took. */
	for (i = ctx->ntables0; i < ctx->ntables; i++)
		table_free(&ctx->tables[i]);
	ctx->ntables = ctx->ntables0;
	for (i = 0; i < ctx->ntables; i++) {
		struct eval_table *t = &ctx->tables[i];

		if (!t->dirty)
			continue;
		t->added.n = 0;
		t->added.sorted = false;
		memset(t->added.has_len, 0, sizeof(t->added.has_len));
		if (t->base_cut)
			table_load(t);
		t->dirty = t->base_cut = false;
	}
}

void
eval_state_free(struct pf_eval *ctx)
{
	size_t i;

	for (i = 0; i < ctx->ntables; i++)
		table_free(&ctx->tables[i]);
	free(ctx->tables);
	free(ctx->states);
	free(ctx->nodes);
	free(ctx->natcurs);
	hash_free(&ctx->state_hash[SK_WIRE]);
	hash_free(&ctx->state_hash[SK_STACK]);
	hash_free(&ctx->node_hash);
	hash_free(&ctx->natcur_hash);
}

size_t
pf_eval_nstates(const struct pf_eval *ctx)
{
	return ctx->state_hash[SK_WIRE].count;
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
static void
packet_key(const struct pf_packet *p, enum pf_dir dir, struct eval_key *k)
{
	/* Constant indexes: stores the compiler can forward to the loads of
	   the hash and the compare. */
	if (dir == PF_DIR_IN) {
		k->a[0] = p->src;
		k->a[1] = p->dst;
		k->p[0] = p->sport;
		k->p[1] = p->dport;
	} else {
		k->a[0] = p->dst;
		k->a[1] = p->src;
		k->p[0] = p->dport;
		k->p[1] = p->sport;
	}
}

/* ipaddr_eq(), with the lengths known to the compiler: a state lookup
   compares a few keys per stage. */
static bool
addr_same(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET6)
		return memcmp(a->bytes, b->bytes, 16) == 0;
	return memcmp(a->bytes, b->bytes, 4) == 0;
}

static bool
key_eq(const struct eval_key *x, const struct eval_key *y)
{
	return x->p[0] == y->p[0] && x->p[1] == y->p[1] &&
	    addr_same(&x->a[0], &y->a[0]) && addr_same(&x->a[1], &y->a[1]);
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

static uint32_t
key_hash(int af, int proto, const struct eval_key *k)
{
	uint64_t h = (uint64_t)af << 40 | (uint64_t)proto << 32 |
	    (uint64_t)k->p[0] << 16 | k->p[1];

	h = hash_addr(hash_mix(0, h), &k->a[0]);
	h = hash_addr(h, &k->a[1]);
	return (uint32_t)(h ^ h >> 32);
}

/* The state (if-bound on ${ifidx}, or floating) of the first created, of
   those live with key ${k} of kind ${idx}, or NULL. */
static struct eval_state *
state_by_key(struct pf_eval *ctx, int af, int proto, const struct eval_key *k,
    int idx, size_t ifidx)
{
	const struct eval_hash *h = &ctx->state_hash[idx];
	struct eval_state *best = NULL;
	uint32_t hv = key_hash(af, proto, k), j;

	/* A key may be shared (states bound to other interfaces): the
	   oldest that matches is the one a scan in creation order finds. */
	for (j = hash_first(h, hv); j != 0; j = h->next[j - 1]) {
		struct eval_state *s = &ctx->states[j - 1];

		if (h->hv[j - 1] != hv || s->dead || s->af != af ||
		    s->proto != proto)
			continue;
		if (s->kif != NO_INDEX && s->kif != ifidx)
			continue;
		if (key_eq(&s->key[idx], k) && (best == NULL || s < best))
			best = s;
	}
	return best;
}

/* pf_find_state(): inbound packets are looked up by wire key, outbound by
   stack key; a floating state matches on every interface. */
static struct eval_state *
state_find(struct pf_eval *ctx, const struct pf_packet *p, enum pf_dir dir,
    size_t ifidx, int *idx)
{
	struct eval_key k;

	if (is_icmp(p) && icmp_virtual_type(p) < 0)
		return NULL;
	packet_key(p, dir, &k);
	if (is_icmp(p) || (p->proto != IPPROTO_TCP &&
	    p->proto != IPPROTO_UDP)) {
		/* packet_ports_for_key(), on the key. */
		k.p[0] = k.p[1] = is_icmp(p) ?
		    (uint16_t)icmp_virtual_type(p) : 0;
	}
	*idx = dir == PF_DIR_IN ? SK_WIRE : SK_STACK;
	return state_by_key(ctx, p->af, p->proto, &k, *idx, ifidx);
}

/* Kill a state; pf_src_tree_remove_state() gives back its connection. */
static void
state_kill(struct pf_eval *ctx, struct eval_state *s)
{
	size_t i = (size_t)(s - ctx->states);

	if (s->dead)
		return;
	s->dead = true;
	hash_del(&ctx->state_hash[SK_WIRE], i);
	hash_del(&ctx->state_hash[SK_STACK], i);
	ctx->kill_gen++;
	if (s->src_node != NO_INDEX && s->tcp_est &&
	    ctx->nodes[s->src_node].conn > 0)
		ctx->nodes[s->src_node].conn--;
}

/* Does a live outbound state of ${proto} have the wire key ${k}? */
static bool
wire_key_used(const struct pf_eval *ctx, int af, int proto,
    const struct eval_key *k)
{
	const struct eval_hash *h = &ctx->state_hash[SK_WIRE];
	uint32_t hv = key_hash(af, proto, k), j;

	for (j = hash_first(h, hv); j != 0; j = h->next[j - 1]) {
		const struct eval_state *s = &ctx->states[j - 1];

		if (h->hv[j - 1] == hv && !s->dead && s->proto == proto &&
		    s->dir == PF_DIR_OUT && key_eq(&s->key[SK_WIRE], k))
			return true;
	}
	return false;
}

static uint32_t
natcur_hash(int proto, const struct ipaddr *na, const struct ipaddr *dst,
    uint16_t dport, uint16_t lo)
{
	uint64_t h = hash_mix(0, (uint64_t)proto << 32 | (uint64_t)dport << 16 |
	    lo);

	h = hash_addr(hash_addr(h, na), dst);
	return (uint32_t)(h ^ h >> 32);
}

uint16_t
eval_nat_port(struct pf_eval *ctx, const struct pf_packet *p,
    const struct ipaddr *na, uint16_t lo, uint16_t hi)
{
	const struct eval_hash *h = &ctx->natcur_hash;
	struct eval_natcur *c = NULL;
	struct eval_key k;
	uint32_t hv = natcur_hash(p->proto, na, &p->dst, p->dport, lo), j;
	unsigned port = lo;

	for (j = hash_first(h, hv); j != 0; j = h->next[j - 1]) {
		struct eval_natcur *x = &ctx->natcurs[j - 1];

		if (x->proto == p->proto && x->dport == p->dport &&
		    x->lo == lo && ipaddr_eq(&x->na, na) &&
		    ipaddr_eq(&x->dst, &p->dst)) {
			c = x;
			break;
		}
	}
	/* Ports below the cursor were all used when it was set, and stay
	   so unless a state died since. */
	if (hi <= lo)
		return lo;
	if (c != NULL && c->gen == ctx->kill_gen)
		port = c->port < hi ? c->port : hi;
	/* The wire key of an outbound state: the destination at index 0,
	   the translated source at 1. */
	memset(&k, 0, sizeof(k));
	k.a[0] = p->dst;
	k.a[1] = *na;
	k.p[0] = p->dport;
	for (; port < hi; port++) {
		k.p[1] = (uint16_t)port;
		if (!wire_key_used(ctx, p->af, p->proto, &k))
			break;
	}
	if (c == NULL) {
		c = VEC_PUSH(ctx->natcurs, ctx->nnatcurs, ctx->natcurcap);
		c->proto = p->proto;
		c->na = *na;
		c->dst = p->dst;
		c->dport = p->dport;
		c->lo = lo;
		hash_add(&ctx->natcur_hash, ctx->nnatcurs - 1, hv,
		    ctx->nnatcurs);
	}
	c->port = (uint16_t)port;
	c->gen = ctx->kill_gen;
	return (uint16_t)port;
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
	const struct eval_hash *h = &ctx->node_hash;
	uint64_t hk = hash_addr(hash_mix(0, (uint64_t)(uintptr_t)key), src);
	uint32_t hv = (uint32_t)(hk ^ hk >> 32), j;
	struct eval_node *n;

	for (j = hash_first(h, hv); j != 0; j = h->next[j - 1])
		if (ctx->nodes[j - 1].rule == key &&
		    ipaddr_eq(&ctx->nodes[j - 1].addr, src))
			return j - 1;
	n = VEC_PUSH(ctx->nodes, ctx->nnodes, ctx->nodecap);
	n->addr = *src;
	n->rule = key;
	threshold_init(n, r->state.max_src_conn_rate,
	    r->state.max_src_conn_secs, now_s);
	hash_add(&ctx->node_hash, ctx->nnodes - 1, hv, ctx->nnodes);
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
	packet_key(dir == PF_DIR_IN ? &o : &x, dir, &s->key[SK_WIRE]);
	packet_key(dir == PF_DIR_IN ? &x : &o, dir, &s->key[SK_STACK]);
	s->kif = r != NULL && r->state.if_bound ? ifidx : NO_INDEX;
	s->src_node = NO_INDEX;
	if (r != NULL && r->state.src_track != PF_SRCTRACK_NONE)
		s->src_node = src_node_get(ctx, r, &orig->src, now_s);
	if (orig->proto == IPPROTO_TCP) {
		/* pf_create_state(): the initiator has sent its SYN. */
		s->peer[0] = TCPS_SYN_SENT;
		s->peer[1] = TCPS_CLOSED;
	}
	hash_add(&ctx->state_hash[SK_WIRE], ctx->nstates - 1,
	    key_hash(s->af, s->proto, &s->key[SK_WIRE]), ctx->nstates);
	hash_add(&ctx->state_hash[SK_STACK], ctx->nstates - 1,
	    key_hash(s->af, s->proto, &s->key[SK_STACK]), ctx->nstates);
	return s->id;
}

/* Has ${es} the non-negated entry ${p}? */
static bool
entries_has_host(const struct eval_entries *es, const struct ipprefix *p)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (!es->v[i].neg && es->v[i].prefix.len == p->len &&
		    ipaddr_eq(&es->v[i].prefix.addr, &p->addr))
			return true;
	return false;
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
	if (!entries_has_host(&t->base, &p) &&
	    !entries_has_host(&t->added, &p)) {
		entries_add(&t->added, &p, false, now_s);
		t->dirty = true;
	}
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
