/*
 * space: every packet a source can send, split into classes whose packets
 * all meet the same fate, each followed once through the site.
 *
 * This is the atomic-predicates way (doc/verify.md says why it was chosen
 * over BDDs): a class is a box, an interval of each of source address,
 * destination address, source port and destination port, with one
 * protocol, one class of TCP flags and one class of ICMP type and code
 * (those three are split once for the whole site, at every value a rule
 * names).  A box is walked with one representative packet (walk.h, the
 * concrete model); then every decision the walk made is checked against
 * the box: the routes, addresses and pipes of each place crossed, and the
 * rules each pf pass looked at (the translation rules up to the one that
 * applied, the filter rules up to a deciding quick rule, all of them
 * otherwise; none after a state matched).  If one of their boundaries
 * falls inside the box, in a dimension the decision saw (a field that
 * still carries the sent value, or a shifted destination port), the box
 * is split there and each part walked again.  A box with no such boundary
 * has one fate for all its packets, so the answer holds for every packet.
 *
 * A field that pf or a pipe chose from a range (a nat source port, the
 * source port of a pipe's connection) is one value in the model: if a
 * later decision has a boundary inside that range, which port was chosen
 * would decide, and the box is "unsupported" rather than guessed.
 */
#ifndef JAILNET_VERIFY_SPACE_H
#define JAILNET_VERIFY_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/walk.h"
#include "verify/world.h"

enum { VD_SRC, VD_DST, VD_SPORT, VD_DPORT, VD_NDIMS };

struct vbox {
	uint32_t lo[VD_NDIMS], hi[VD_NDIMS];	/* inclusive */
	uint8_t proto;		/* index in vspace->protos */
	uint8_t flags;		/* index in vspace->flagrep (tcp) */
	uint8_t icmp;		/* index in vspace->icmp (icmp) */
};

/* Where one connection of a class arrived. */
struct vdeliv {
	size_t to;		/* the place */
	bool beyond;		/* a router sent it to the internet */
	uint32_t plo, phi;	/* destination ports as delivered */
	bool has_reply, replied;
	const struct pipe *via;	/* the pipe that opened this connection,
				   or NULL for the source's own */
	size_t via_node;	/* the pipe's jail */
};

struct vleaf {
	struct vbox box;
	int proto;		/* its protocol number */
	struct vdeliv d[WALK_MAXLEGS];
	uint8_t nd;		/* the connections that arrived somewhere */
	bool unsupported;
};

enum vmode {
	VMODE_CONNECT,		/* connections: TCP SYN, UDP, ICMP echo;
				   a place's own source address and an
				   ephemeral source port */
	VMODE_ANY,		/* every packet: every flag, ICMP type,
				   protocol, source port, and each of the
				   source's addresses */
	VMODE_FORGED,		/* VMODE_ANY, and the internet sends from
				   every address, the site's own included
				   (a forged source is a packet too) */
};

/* Told of each class of a run instead of its being kept (the class is
   valid during the call only). */
typedef void vleaf_sink_fn(void *arg, const struct vleaf *leaf);

/* The result of one source: its classes. */
struct vresult {
	size_t from;
	enum vmode mode;
	struct vleaf *leaves;	/* none when a sink took them */
	size_t nleaves, cap;	/* nleaves: the classes, also when sunk */
	vleaf_sink_fn *sink;	/* NULL: classes kept in leaves */
	void *sink_arg;
	size_t walks;		/* representatives walked */
	size_t unsupported;	/* leaves the model cannot say */
	char why[200];		/* the first unsupported leaf's reason */
};

struct vspace;

/**
 * vspace_new(w):
 * Prepare the analysis of world ${w} (which must outlive it): the
 * protocol, flag and ICMP classes of the whole site and the boundaries of
 * every rule, route and address.  Owned by the caller, freed with
 * vspace_free().
 */
struct vspace *vspace_new(const struct world *w);

/**
 * vspace_free(vs):
 * Free ${vs}; does nothing if NULL.
 */
void vspace_free(struct vspace *vs);

/**
 * vspace_run(vs, from, mode, out):
 * Split everything place ${from} can send in ${mode} into classes of one
 * fate, into ${out} (owned by the caller, freed with vresult_free()).  A
 * router ${from} is the internet: every address outside the site's
 * servers and jails, from beyond the router.
 */
void vspace_run(struct vspace *vs, size_t from, enum vmode mode,
    struct vresult *out);

/**
 * vspace_run_each(vs, from, mode, sink, arg, out):
 * As vspace_run(), but each class goes to ${sink}(${arg}, leaf) as it is
 * found and is not kept: ${out} holds the counts and the first reason the
 * model cannot say, and no leaves.  For a caller that folds the classes
 * (the matrix): the internet row of a large site has millions.
 */
void vspace_run_each(struct vspace *vs, size_t from, enum vmode mode,
    vleaf_sink_fn *sink, void *arg, struct vresult *out);

/**
 * vspace_sources(vs, from, mode, iv):
 * The source addresses vspace_run() splits for place ${from} in ${mode},
 * as sorted, disjoint [lo, hi] intervals in a new array *${iv} (freed by
 * the caller); [0, 0] when the place picks its address.  Return their
 * number.
 */
size_t vspace_sources(const struct vspace *vs, size_t from, enum vmode mode,
    uint32_t (**iv)[2]);

/*
 * Told of each class of one fate as it is found: its box, the packet that
 * was walked for it and the walk (valid during the call only), and
 * whether the model cannot say what the class's packets meet.  Return
 * true to stop: the run returns at once, its result left partial.
 */
typedef bool vspace_visit_fn(void *arg, const struct vbox *box,
    const struct pf_packet *rep, const struct wflow *flow,
    bool unsupported);

/**
 * vspace_set_visit(vs, fn, arg):
 * Have ${fn}(${arg}, ...) called for each class that vspace_run() and
 * vspace_run_box() find from now on (NULL: none).
 */
void vspace_set_visit(struct vspace *vs, vspace_visit_fn *fn, void *arg);

/**
 * vspace_run_box(vs, from, box, out):
 * Split the packets of ${box} (in ${vs}'s classes) that place ${from}
 * sends into classes of one fate, appended to ${out} (which the caller
 * zeroed or filled before; freed with vresult_free()).
 */
void vspace_run_box(struct vspace *vs, size_t from, const struct vbox *box,
    struct vresult *out);

/**
 * vspace_box_map(from, to, in, out):
 * The box ${in} of space ${from} in the classes of space ${to}: the same
 * intervals, the protocol, flags and ICMP class of its representative
 * packet in ${to}.  Exact for the boxes of VMODE_CONNECT, whose TCP and
 * ICMP classes stand for one packet (a SYN, an echo request) in every
 * space.  Return 0, or -1 if ${to} has no class of that protocol.
 */
int vspace_box_map(const struct vspace *from, const struct vspace *to,
    const struct vbox *in, struct vbox *out);

/**
 * vresult_free(r):
 * Free the storage of ${r}.
 */
void vresult_free(struct vresult *r);

/**
 * vspace_packet(vs, box, pkt):
 * The representative packet of ${box}: the low end of each interval, its
 * protocol, flags and ICMP type.  A source address of 0.0.0.0 means the
 * one the sender picks (walker_run()).
 */
void vspace_packet(const struct vspace *vs, const struct vbox *box,
    struct pf_packet *pkt);

/**
 * vspace_find(vs, res, from_picks, pkt):
 * The index in ${res} of the leaf whose class holds ${pkt} (its source
 * address 0.0.0.0 when the place picks it), or NO_INDEX if none does (a
 * packet outside what ${res} covers).
 */
size_t vspace_find(const struct vspace *vs, const struct vresult *res,
    const struct pf_packet *pkt);

/**
 * vdeliv_port(leaf, k, pkt):
 * The destination port at which connection ${k} of ${leaf} arrives for
 * the packet ${pkt} of its class.
 */
uint32_t vdeliv_port(const struct vleaf *leaf, size_t k,
    const struct pf_packet *pkt);

/**
 * vspace_boundaries(vs, addrs, naddrs, ports, nports):
 * Every address and port boundary that any rule, route, address or pipe
 * of the site draws (new arrays, freed by the caller): the values where
 * classes may start.  For tests that aim random packets at the edges.
 */
void vspace_boundaries(struct vspace *vs, uint32_t **addrs, size_t *naddrs,
    uint32_t **ports, size_t *nports);

/**
 * vspace_world(vs):
 * The world ${vs} analyses.
 */
const struct world *vspace_world(const struct vspace *vs);

/**
 * vspace_walker(vs):
 * The walker vs uses (to walk one more packet, for a trace).
 */
struct walker *vspace_walker(struct vspace *vs);

/**
 * vspace_proto(vs, box), vspace_flags_name(vs, box, buf, len):
 * The protocol number of ${box}; the TCP flags of its class, as pfctl
 * writes them ("S", "SA", "" for none).
 */
int vspace_proto(const struct vspace *vs, const struct vbox *box);

#endif
