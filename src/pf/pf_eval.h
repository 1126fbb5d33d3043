/*
 * pf_eval: the static model of pf on FreeBSD 13/14 for one server.
 *
 * A context holds what pf keeps between packets: its states, its source
 * nodes (with their connection-rate counters) and the tables, including
 * the entries overload adds at run time.  pf_eval_packet() follows one
 * packet through the server: in on the interface it arrives on (and, for a
 * frame bridged between two members, in on the member, in on the bridge,
 * out on the bridge, out on the other member, as net.link.bridge.pfil_member
 * and pfil_bridge say), then routing (delivered to the host, forwarded if
 * gateway_enable, or dropped), then out on the route's interface.  Each
 * filter pass does what pf_test() does: look up a state (floating unless
 * if-bound; replies and translated addresses included); without one, apply
 * the first matching rdr (inbound) or nat (outbound) rule, then evaluate the
 * filter rules on the translated packet (last match wins, quick stops,
 * default pass without state) and create a state for a stateful pass or a
 * translated packet.
 *
 * The clock is the caller's: every call takes "now" in milliseconds; pf's
 * counters use whole seconds of it, as pf uses time_uptime.
 *
 * Not modelled (documented deviations): states never time out and TCP
 * sequence windows are not tracked (only SYN/ACK/FIN/RST move a state's
 * peers); source nodes never expire; nat picks the first free port of its
 * range where pf picks a random one; a round-robin pool uses its first
 * address; binat is ignored; ICMP errors are not matched to the state of
 * the packet they quote; fragments, max, max-src-states, max-src-nodes and
 * scrub have no effect.
 */
#ifndef JAILNET_PF_EVAL_H
#define JAILNET_PF_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "pf/pf.h"
#include "pf/pf_bind.h"

struct strbuf;

/* Interface names in results and test specs (FreeBSD's are at most 15). */
#define PF_EVAL_IFNAMSIZ 32

/* A packet as it is on the wire at one point. */
struct pf_packet {
	int af;			/* AF_INET or AF_INET6 */
	int proto;		/* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP... */
	struct ipaddr src, dst;
	uint16_t sport, dport;	/* tcp and udp; 0 otherwise */
	uint8_t flags;		/* tcp: PF_TH_* */
	int icmp_type;		/* icmp: type and code; -1 otherwise */
	int icmp_code;
	const char *tag;	/* pf's tag: set by a filter pass (a rule's
				   "tag", or the state's), kept as the packet
				   goes on through the server; NULL: none */
};

enum pf_eval_how {
	PF_EVAL_BY_RULE,	/* a filter rule decided */
	PF_EVAL_BY_DEFAULT,	/* no rule matched: pf's default pass */
	PF_EVAL_BY_STATE,	/* an existing state matched */
	PF_EVAL_BY_XLATE_PASS,	/* "rdr pass" / "nat pass": no filtering */
	PF_EVAL_SKIPPED,	/* "set skip on" this interface */
};

/* One filter pass: a direction on an interface. */
struct pf_eval_stage {
	enum pf_dir dir;	/* PF_DIR_IN or PF_DIR_OUT */
	char ifname[PF_EVAL_IFNAMSIZ];
	struct pf_packet before;	/* the packet arriving at this pass */
	struct pf_packet after;		/* after translation (equal if none) */
	const struct pf_rule *xlate;	/* the nat, rdr or binat rule applied,
					   or NULL */
	enum pf_eval_how how;
	const struct pf_rule *rule;	/* BY_RULE: the deciding filter rule */
	bool pass;
	bool state_created;
	bool state_matched;
	unsigned state_id;		/* the state created or matched */
	char note[160];			/* e.g. an overload, or "" */
};

enum pf_eval_fate {
	PF_FATE_DELIVERED,	/* to a local address of the host */
	PF_FATE_FORWARDED,	/* routed out of out_ifname */
	PF_FATE_BRIDGED,	/* bridged out of member out_ifname */
	PF_FATE_SENT,		/* sent by the host out of out_ifname */
	PF_FATE_BLOCKED,	/* a filter pass blocked it */
	PF_FATE_DROPPED,	/* routing dropped it (reason says why) */
	PF_FATE_ERROR,		/* the model cannot say (reason says why) */
};

#define PF_EVAL_MAXSTAGES 6

struct pf_eval_result {
	struct pf_eval_stage stages[PF_EVAL_MAXSTAGES];
	size_t nstages;
	enum pf_eval_fate fate;
	char out_ifname[PF_EVAL_IFNAMSIZ];
	struct pf_packet final;		/* as it leaves or is delivered */
	char reason[160];		/* DROPPED, ERROR: why */
};

struct pf_eval;

/**
 * pf_eval_new(b):
 * Return a new context for the bound ruleset ${b}, which must outlive it:
 * no states, no source nodes, the tables as loaded (entries dated 0 ms).
 * Owned by the caller, freed with pf_eval_free().  Never NULL.
 */
struct pf_eval *pf_eval_new(const struct pf_bound *b);

/**
 * pf_eval_reset(ctx):
 * Put ${ctx} back as pf_eval_new() made it: no states (ids start at 1
 * again), no source nodes, the tables as loaded (what overload added
 * gone, what pf_eval_table_expire() removed back, tables overload made
 * removed).  Takes time in proportion to what changed since pf_eval_new()
 * or the last reset, not to the size of the tables, so that a caller can
 * evaluate each packet from a fresh context many times over.  Cannot fail.
 */
void pf_eval_reset(struct pf_eval *ctx);

/**
 * pf_eval_free(ctx):
 * Free ${ctx}; does nothing if NULL.
 */
void pf_eval_free(struct pf_eval *ctx);

/**
 * pf_eval_packet(ctx, in_ifname, out_member, pkt, now_ms, res):
 * Follow ${pkt} through the server at time ${now_ms}, updating the states,
 * source nodes and tables of ${ctx}, and describe what happened in
 * ${res}.  ${in_ifname} is the host interface the packet arrives on, or
 * NULL for a packet the host sends itself.  A frame that arrives on a
 * bridge member for an address on the same bridge is bridged: ${out_member}
 * names the member it leaves by (required then, ignored otherwise, may be
 * NULL).  Return 0, or -1 with res->fate PF_FATE_ERROR and res->reason
 * set (unknown interface, missing or wrong out_member).
 */
int pf_eval_packet(struct pf_eval *ctx, const char *in_ifname,
    const char *out_member, const struct pf_packet *pkt, uint64_t now_ms,
    struct pf_eval_result *res);

/**
 * pf_eval_explain(res, out):
 * Append to ${out} a readable account of ${res}, one line per stage
 * ("in on xnic: rdr rule 1 (pf.conf:30) -> 10.0.2.20 port 443", "in on
 * xnic: pass by rule 9 (pf.conf:40), state 1 created") and a last line
 * with the verdict.
 */
void pf_eval_explain(const struct pf_eval_result *res, struct strbuf *out);

/**
 * pf_eval_table_test(ctx, table, addr):
 * Return 1 if ${addr} matches table <${table}> as pf matches it (longest
 * prefix, a negated entry as the longest match is no match), 0 if not,
 * -1 if there is no such table.
 */
int pf_eval_table_test(const struct pf_eval *ctx, const char *table,
    const struct ipaddr *addr);

/**
 * pf_eval_table_expire(ctx, table, seconds, now_ms):
 * Remove from <${table}> every entry added at least ${seconds} seconds
 * before ${now_ms}, as `pfctl -t TABLE -T expire SECONDS` does (an entry
 * goes if its time <= now - seconds, in whole seconds).  Return the number
 * removed, or -1 if there is no such table.
 */
int pf_eval_table_expire(struct pf_eval *ctx, const char *table,
    unsigned seconds, uint64_t now_ms);

/**
 * pf_eval_nstates(ctx), pf_eval_states_of(ctx, addr):
 * Return the number of live states; the number whose wire key has ${addr}
 * as either address.
 */
size_t pf_eval_nstates(const struct pf_eval *ctx);
size_t pf_eval_states_of(const struct pf_eval *ctx, const struct ipaddr *addr);

/*
 * Single decisions, for analyses that reason over sets of packets (lint):
 * one filter pass as it goes when no state matches the packet, nothing
 * changed in ${ctx}.  ${ifidx} is an index in b->ifaces, or b->nifaces
 * for an interface the server does not have (none of its rules names it).
 */

/**
 * pf_eval_rule_matches(ctx, set, r, dir, ifidx, pkt):
 * Return true if rule ${r} of the rule set ${set} (PF_RS_FILTER, PF_RS_NAT,
 * PF_RS_RDR or PF_RS_BINAT) of ctx's binding matches ${pkt} seen in ${dir}
 * on interface ${ifidx}: a filter rule as a pass matches it (its "tagged"
 * against pkt->tag), a translation rule by its interface, family,
 * protocol, addresses and ports (an inbound packet meets a binat rule by
 * its source against the rule's destination and its destination against
 * the rule's pool, as pf does).
 */
bool pf_eval_rule_matches(const struct pf_eval *ctx, int set,
    const struct pf_rule *r, enum pf_dir dir, size_t ifidx,
    const struct pf_packet *pkt);

/**
 * pf_eval_decide(ctx, dir, ifidx, pkt):
 * Return the filter rule that decides ${pkt} (as translated) in ${dir}
 * on interface ${ifidx}: the first quick rule that matches, else the last
 * pass or block rule that matches; NULL for pf's default pass.
 */
const struct pf_rule *pf_eval_decide(const struct pf_eval *ctx,
    enum pf_dir dir, size_t ifidx, const struct pf_packet *pkt);

/**
 * pf_eval_xlate_rule(ctx, dir, ifidx, pkt):
 * Return the translation rule that takes ${pkt} in ${dir} on interface
 * ${ifidx}, in pf's order: inbound the first rdr rule, else the first
 * binat rule; outbound the first binat rule, else the first nat rule;
 * each one that matches and can translate it, a matching "no" rule
 * included; NULL if none does.
 */
const struct pf_rule *pf_eval_xlate_rule(const struct pf_eval *ctx,
    enum pf_dir dir, size_t ifidx, const struct pf_packet *pkt);

/* A set of IPv4 packets at one filter pass: each field one interval. */
struct pf_pbox {
	int proto;			/* 0: every protocol */
	uint32_t src_lo, src_hi;	/* host order */
	uint32_t dst_lo, dst_hi;
	uint16_t sport_lo, sport_hi;	/* tcp and udp */
	uint16_t dport_lo, dport_hi;
};

/**
 * pf_eval_rule_meets(ctx, set, r, dir, ifidx, box):
 * Return true if some packet of ${box}, seen in ${dir} on interface
 * ${ifidx}, may match rule ${r} of the rule set ${set} (PF_RS_FILTER,
 * PF_RS_NAT, PF_RS_RDR or PF_RS_BINAT, as pf_eval_rule_matches()): its
 * interface, direction (filter rules), family,
 * protocol, addresses and ports are checked exactly, each address against
 * every piece of the box that its prefixes and table entries cut out;
 * what TCP flags, an ICMP type, a tag or a fragment would add is taken as
 * met, and so is an address the model cannot know ahead (a table filled
 * at run time or holding no entry, "(if)", no-route, urpf-failed).  False
 * is exact: no packet of the box matches ${r}.
 */
bool pf_eval_rule_meets(const struct pf_eval *ctx, int set,
    const struct pf_rule *r, enum pf_dir dir, size_t ifidx,
    const struct pf_pbox *box);

/*
 * Test specifications (pf_test_spec.c): the text of `jailnet pf --test`.
 *
 *   in on IF PROTO from ADDR [port P] to ADDR [port P] [flags F]
 *       [out on MEMBER]
 *   out PROTO from ADDR [port P] to ADDR [port P] [flags F]
 *
 * "out" without "on" is a packet the host sends.  PROTO is tcp, udp, or
 * icmp TYPE [code CODE] (icmp names or numbers).  P is a number or a
 * service name; a missing source port is 49152; tcp and udp need a
 * destination port.  F is a set of the letters FSRPAUEW; tcp defaults to
 * S.  "out on MEMBER" names the bridge member a bridged frame leaves by.
 */
struct pf_test {
	char in_ifname[PF_EVAL_IFNAMSIZ];	/* "" for "out" */
	char out_member[PF_EVAL_IFNAMSIZ];	/* "" if not given */
	struct pf_packet pkt;
};

/**
 * pf_test_parse(spec, t, err):
 * Parse the test specification ${spec} into ${t}.  Return 0, or -1 with
 * ${*err} set to a message naming the offending word (owned by the
 * caller, freed with free()).
 */
int pf_test_parse(const char *spec, struct pf_test *t, char **err);

/**
 * pf_test_parse_at(spec, t, err, col):
 * The same as pf_test_parse(), and on failure also store in ${*col} the
 * column (from 1) of the offending word in ${spec}, or one past its end
 * when the spec stops short.
 */
int pf_test_parse_at(const char *spec, struct pf_test *t, char **err,
    unsigned *col);

#endif
