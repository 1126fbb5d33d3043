/*
 * pf_eval_int: what the three files of the static model share; not a
 * public interface.  pf_eval_state.c defines the tables and states (eval_
 * table*, eval_state_*), pf_eval_match.c the filter pass
 * (eval_filter_pass), pf_eval.c the path through the server; each uses
 * only those before it in this list.
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

struct eval_entry {
	struct ipprefix prefix;
	bool neg;
	uint32_t tzero;			/* seconds of the clock when added */
};

struct eval_table {
	char *name;
	struct eval_entry *v;
	size_t n, cap;
	bool sorted;			/* v is in entry_cmp() order */
	bool has_len[2][129];		/* [IPv6?][len]: some entry has it */
};

struct pf_eval {
	const struct pf_bound *b;
	struct eval_state *states;
	size_t nstates, statecap;
	struct eval_node *nodes;
	size_t nnodes, nodecap;
	struct eval_table *tables;
	size_t ntables, tablecap;
	unsigned next_id;
};

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
 * eval_filter_pass(ctx, st, dir, ifidx, p, now_s):
 * Run pf on ${p} in ${dir} on interface ${ifidx} as pf_test() does (skip,
 * state, translation, filter rules, state creation); record in ${st} how
 * it was decided and rewrite ${p} as translated.
 */
void eval_filter_pass(struct pf_eval *ctx, struct pf_eval_stage *st,
    enum pf_dir dir, size_t ifidx, struct pf_packet *p, uint32_t now_s);

#endif
