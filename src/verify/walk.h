/*
 * walk: one connection followed through the whole site, hop by hop.
 *
 * The concrete model is the semantics: each server a packet crosses is
 * pf_eval_packet() on that server's context (states kept for the whole
 * connection, so that replies and later passes see them); between places
 * the world says which port a frame reaches (routes, ARP owners, the
 * member of a bridge that leads there).  A connection delivered to the
 * source socket of a spiped pipe continues as a new connection from the
 * pipe's jail to the pipe's target, once its own reply came back (spiped
 * connects after it accepts); a decrypting pipe takes on only what an
 * encrypting pipe sends it.  Every connection's reply is walked back
 * from where it arrived.
 *
 * Jails and outside hosts run no pf and do not forward; a router forwards
 * between its subnets and sends everything else to the internet beyond.
 */
#ifndef JAILNET_VERIFY_WALK_H
#define JAILNET_VERIFY_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pf/pf_eval.h"
#include "verify/world.h"

enum whop_fate {
	WHOP_DELIVERED,		/* to a local address of the place */
	WHOP_ONWARD,		/* left by out_port, reached next_port */
	WHOP_BEYOND,		/* a router sent it to the internet beyond */
	WHOP_BLOCKED,		/* a pf pass blocked it */
	WHOP_DROPPED,		/* routing or ARP dropped it: reason */
	WHOP_UNSUPPORTED,	/* the model cannot say: reason */
};

/* One place crossed. */
struct whop {
	size_t node;
	size_t in_port;		/* NO_INDEX: the place sends it */
	uint32_t for_addr;	/* the address whose owner the frame is
				   for (its next hop) when in_port is set */
	struct pf_packet pkt;	/* as it arrives, or is sent */
	struct pf_packet out;	/* as it leaves, or is delivered */
	enum whop_fate fate;
	size_t out_port;	/* ONWARD */
	size_t next_port;	/* ONWARD */
	uint32_t nexthop;	/* ONWARD */
	bool has_pf;		/* a server: pf below is its account */
	struct pf_eval_result pf;
	char reason[160];	/* DROPPED, UNSUPPORTED */
};

/* One connection: its first packet and its reply. */
struct wleg {
	size_t from;		/* the place that sends it */
	struct pf_packet sent;
	size_t fwd, nfwd;	/* its hops in flow->hops */
	size_t rep, nrep;	/* the reply's hops */
	enum whop_fate end;	/* the last forward hop's fate */
	size_t to;		/* DELIVERED, BEYOND: the place */
	struct pf_packet got;	/* as it arrived there */
	bool has_reply;		/* a reply was sent back */
	bool replied;		/* and reached the sender, addresses
				   and ports as it sent them */
	const struct pipe *pipe;	/* the pipe whose source took it */
};

#define WALK_MAXLEGS 4

struct wflow {
	struct whop *hops;
	size_t nhops, cap;
	struct wleg legs[WALK_MAXLEGS];
	size_t nlegs;
	bool unsupported;	/* some hop could not be modelled */
};

/* The source port the model gives a connection a place opens itself. */
#define WALK_EPHEMERAL 49152

struct walker;

/**
 * walker_new(w):
 * Return a walker over world ${w} (which must outlive it) with one pf
 * context per server.  Owned by the caller, freed with walker_free().
 */
struct walker *walker_new(const struct world *w);

/**
 * walker_free(wk):
 * Free ${wk}; does nothing if NULL.
 */
void walker_free(struct walker *wk);

/**
 * walker_run(wk, from, pkt, flow):
 * Follow the connection whose first packet ${pkt} place ${from} sends (a
 * router: arriving from the internet beyond it), with every pf context
 * reset first, through pipes and replies, into ${flow} (cleared first;
 * its storage is reused).  A source address of 0.0.0.0 is the one the
 * place picks: the first address of the port its route leaves by (not
 * for a router: from the internet, 0.0.0.0 is an address like others).
 * Return 0 (the fates are in ${flow}), or -1 if ${from} has no such
 * address to pick.
 */
int walker_run(struct walker *wk, size_t from, const struct pf_packet *pkt,
    struct wflow *flow);

/**
 * wflow_free(flow):
 * Free the storage of ${flow} (not ${flow} itself).
 */
void wflow_free(struct wflow *flow);

/**
 * walk_reply_of(got, reply):
 * The reply to the first packet ${got} of a connection as its receiver
 * sends it: addresses and ports swapped, SYN+ACK to a SYN, the ICMP
 * reply to a query.  Return false if ${got} gets no reply (an ICMP
 * error, a TCP packet that opens nothing).
 */
bool walk_reply_of(const struct pf_packet *got, struct pf_packet *reply);

#endif
