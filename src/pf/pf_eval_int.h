/*
 * pf_eval_int: what the four files of the static model share; not a
 * public interface.  pf_eval_state.c defines the tables and states (eval_
 * table*, eval_state_*, eval_nat_port), pf_eval_rules.c the rules resolved
 * for the server once per context (eval_rules_*, eval_cand_*),
 * pf_eval_match.c the filter pass (eval_filter_pass), pf_eval.c the path
 * through the server and the context's life (pf_eval_new, _reset, _free);
 * each uses only those before it in this list.
 */
#ifndef JAILNET_PF_EVAL_INT_H
#define JAILNET_PF_EVAL_INT_H

#include "pf/pf_eval.h"

/* pf's fixed-point scale of rate counters (pfvar.h). */
#define PF_THRESHOLD_MULT 1000

/* The TCP states of a state's peers that the model moves through. */
enum {
	TCPS_CLOSED = 0,
	TCPS_SYN_SENT = 2,
	TCPS_ESTABLISHED = 4,
	TCPS_CLOSING = 7,
	TCPS_FIN_WAIT_2 = 9,
	TCPS_TIME_WAIT = 10,
};

/* A state key, as pf's: two addresses and two ports. */
struct eval_key {
	struct ipaddr a[2];
	uint16_t p[2];
};

enum { SK_WIRE = 0, SK_STACK = 1 };

struct eval_state {
	unsigned id;
	int af, proto;
	struct eval_key key[2];		/* SK_WIRE, SK_STACK */
	enum pf_dir dir;		/* of the packet that created it */
	size_t kif;			/* if-bound interface, or NO_INDEX */
	const struct pf_rule *rule;	/* NULL: created by the default rule */
	uint8_t peer[2];		/* TCP: initiator, responder */
	size_t src_node;		/* or NO_INDEX */
	bool tcp_est;			/* counted as a connection */
	const char *tag;		/* the tag it gives its packets */
	bool dead;
};

/* A source node with its connection-rate counter (struct pf_threshold). */
struct eval_node {
	struct ipaddr addr;
	const struct pf_rule *rule;	/* NULL for source-track global */
	uint32_t limit, seconds, count, last;
	unsigned conn;
};

/*
 * A chained hash of the entries of an array (states, source nodes, nat
 * cursors), by index: head[hv & (nbuckets - 1)] is the first entry of a
 * bucket plus one (0: none), next[i] the one after entry i plus one
 * (EVAL_HASH_OUT: i is not in the hash), hv[i] entry i's hash.  Emptied
 * entry by entry, so that a reset costs what was added, not nbuckets.
 */
struct eval_hash {
	uint32_t *head;
	uint32_t *next, *hv;
	size_t nbuckets, cap, count;
};

#define EVAL_HASH_OUT UINT32_MAX

/* Where the first free nat port of a range was last found: every port
   from lo up to port was used then (by live states); valid while no
   state has died since (gen). */
struct eval_natcur {
	int proto;
	struct ipaddr na, dst;
	uint16_t dport, lo, port;
	unsigned gen;
};

struct eval_entry {
	struct ipprefix prefix;
	bool neg;
	uint32_t tzero;			/* seconds of the clock when added */
};

/* Entries of a table, sorted for lookup. */
struct eval_entries {
	struct eval_entry *v;
	size_t n, cap;
	bool sorted;			/* v is in entry_cmp() order */
	bool has_len[2][129];		/* [IPv6?][len]: some entry has it */
};

/*
 * A table: the entries it was loaded with (dated 0) and those overload
 * added since, apart, so that pf_eval_reset() drops the added ones without
 * touching (or sorting again) the loaded ones.
 */
struct eval_table {
	char *name;
	struct eval_entries base;	/* as loaded (less expired ones) */
	struct eval_entries added;	/* by overload */
	const struct pf_bound_table *bound;	/* its binding, or NULL */
	bool dirty;			/* changed since new or reset */
	bool base_cut;			/* expiry removed loaded entries */
};

/* What a rule's address stands for on the server, resolved once. */
struct eval_raddr {
	size_t table;			/* TABLE: index in ctx->tables, or
					   NO_INDEX: look it up by name */
	struct ipprefix *pfx[2];	/* IFACE, DYNIFACE: pf_addr_expand()
					   for AF_INET [0] and AF_INET6 [1] */
	size_t npfx[2];
	bool expanded[2];		/* pf_addr_expand() returned 0 */
};

/* A rule resolved for the server: its interface and addresses. */
struct eval_rule {
	size_t ifidx;			/* ifspec's interface, NO_INDEX if it
					   names none the server has */
	struct eval_raddr src, dst, pool;	/* pool: rpool.addrs[0] */
};

/*
 * The filter rules that can match a packet in one direction on one
 * interface with one protocol class (tcp, udp, icmp, icmp6, other): those
 * whose action, direction, interface, protocol and ports filter_match()
 * does not already rule out on those alone.  Rules with a narrow
 * destination port condition are found by port: segs[k] covers ports from
 * bound[k] to bound[k + 1] - 1 and lists rules seg_rules[seg_off[k]] to
 * seg_rules[seg_off[k + 1] - 1]; every other rule is in all.  Each list is
 * in rule order.
 */
struct eval_flist {
	uint32_t *all;
	size_t nall;
	uint32_t *bound;		/* nsegs + 1, from 0 to 65536 */
	uint32_t *seg_off;		/* nsegs + 1 */
	uint32_t *seg_rules;
	size_t nsegs;
};

#define EVAL_NCLASS 5

struct pf_eval {
	const struct pf_bound *b;
	struct eval_state *states;
	size_t nstates, statecap;
	struct eval_hash state_hash[2];	/* by SK_WIRE and SK_STACK key */
	struct eval_node *nodes;
	size_t nnodes, nodecap;
	struct eval_hash node_hash;
	struct eval_natcur *natcurs;
	size_t nnatcurs, natcurcap;
	struct eval_hash natcur_hash;
	unsigned kill_gen;		/* states killed so far */
	struct eval_table *tables;
	size_t ntables, tablecap;
	size_t ntables0;		/* those of the binding */
	unsigned next_id;
	struct eval_rule *rules[PF_RS_COUNT];	/* per rule of each set */
	struct eval_flist *flists;	/* [(ifidx * 2 + out) * EVAL_NCLASS
					   + class] */
	size_t *ifnamelen;		/* strlen of each interface's name */
	uint32_t *local4;		/* the host's IPv4 addresses (bytes
					   as in struct ipaddr) */
	size_t nlocal4;
	struct ipaddr *local6;		/* and IPv6 ones */
	size_t nlocal6;
};

/**
 * eval_state_init(ctx), eval_state_reset(ctx), eval_state_free(ctx):
 * Fill the tables of ${ctx} (ctx->b set) as loaded, no states, no nodes;
 * go back to that in time proportional to what changed; free what the
 * first two made (not ${ctx}).
 */
void eval_state_init(struct pf_eval *ctx);
void eval_state_reset(struct pf_eval *ctx);
void eval_state_free(struct pf_eval *ctx);

/**
 * eval_table(ctx, name):
 * Return the table <${name}> of ${ctx} (still owned by it), or NULL.
 */
struct eval_table *eval_table(const struct pf_eval *ctx, const char *name);

/**
 * eval_table_match(t, a):
 * Return 1 if ${a} matches ${t} as pfr_match_addr() decides (the longest
 * matching prefix, no match if it is negated), 0 otherwise.
 */
int eval_table_match(struct eval_table *t, const struct ipaddr *a);

/**
 * eval_table_at(ctx, idx, name):
 * Return table ${idx} of ${ctx} or, for NO_INDEX, eval_table(ctx, name).
 */
struct eval_table *eval_table_at(const struct pf_eval *ctx, size_t idx,
    const char *name);

/**
 * eval_table_first(t, af, out):
 * Store in ${out} the first (as loaded, then as added) address of family
 * ${af} of a non-negated entry of ${t} and return true; false if none.
 */
bool eval_table_first(const struct eval_table *t, int af,
    struct ipaddr *out);

/**
 * eval_nat_port(ctx, p, na, lo, hi):
 * Return the first port from ${lo} below ${hi} that no live outbound state
 * uses on the wire as source ${na} towards ${p}'s destination and port,
 * or ${hi} if all are (a hash lookup per port tried, resumed where the
 * last search of the same range ended while no state died).
 */
uint16_t eval_nat_port(struct pf_eval *ctx, const struct pf_packet *p,
    const struct ipaddr *na, uint16_t lo, uint16_t hi);

/**
 * eval_state_create(ctx, r, orig, xlated, dir, ifidx, now_s):
 * Create a state for the packet ${orig} seen in ${dir} on interface
 * ${ifidx}, translated to ${xlated} (equal to ${orig} if not), by rule
 * ${r} (NULL for the default rule or a translation rule with pass), with
 * its source node if ${r} tracks sources.  Return the new state's id.
 */
unsigned eval_state_create(struct pf_eval *ctx, const struct pf_rule *r,
    const struct pf_packet *orig, const struct pf_packet *xlated,
    enum pf_dir dir, size_t ifidx, uint32_t now_s);

/**
 * eval_state_lookup(ctx, p, dir, ifidx, now_s, stage):
 * Find the state ${p} belongs to in ${dir} on interface ${ifidx}.  If there
 * is one, rewrite ${p} as the state translates it, move its TCP peers
 * (which may drop the packet on a connection limit: stage->pass false and
 * stage->note set) and return its id; otherwise return -1.
 */
long eval_state_lookup(struct pf_eval *ctx, struct pf_packet *p,
    enum pf_dir dir, size_t ifidx, uint32_t now_s,
    struct pf_eval_stage *stage);

/**
 * eval_rules_init(ctx), eval_rules_free(ctx):
 * Resolve every rule of ctx->b for ${ctx} (interfaces, tables, interface
 * addresses) and index the filter rules by interface, direction, protocol
 * class and destination port (ctx's tables made); free that.
 */
void eval_rules_init(struct pf_eval *ctx);
void eval_rules_free(struct pf_eval *ctx);

/**
 * eval_rule_of(ctx, set, r):
 * Return the resolved form of rule ${r} of rule set ${set}.
 */
const struct eval_rule *eval_rule_of(const struct pf_eval *ctx, int set,
    const struct pf_rule *r);

/* The filter rules to try for one packet, in rule order (eval_cand_*). */
struct eval_cand {
	const uint32_t *a, *b;
	size_t na, nb, i, j;
};

/**
 * eval_cand_init(ctx, dir, ifidx, p, c), eval_cand_next(c):
 * Start ${c} on the filter rules that can match ${p} in ${dir} on
 * interface ${ifidx}; return the index of the next one in the filter
 * rules, or -1 at the end.
 */
void eval_cand_init(const struct pf_eval *ctx, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *p, struct eval_cand *c);
long eval_cand_next(struct eval_cand *c);

/**
 * eval_filter_pass(ctx, st, dir, ifidx, p, now_s):
 * Run pf on ${p} in ${dir} on interface ${ifidx} as pf_test() does (skip,
 * state, translation, filter rules, state creation); record in ${st} how
 * it was decided and rewrite ${p} as translated.
 */
void eval_filter_pass(struct pf_eval *ctx, struct pf_eval_stage *st,
    enum pf_dir dir, size_t ifidx, struct pf_packet *p, uint32_t now_s);

#endif
