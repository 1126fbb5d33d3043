/*
 * vdiff: what changes in reachability between two sites, exactly.
 *
 * The two sites' classes (space.h) are refined into classes of one fate
 * in both: every class of a source in the OLD site is split again by the
 * NEW site's analysis (vspace_run_box()), so each part is uniform in OLD
 * (it lies inside one OLD class) and in NEW (it is a NEW class).  For each
 * part, what it reaches in each site (as the matrix counts it: delivered,
 * its reply back, at a place other than the source, with the destination
 * ports as the receiver sees them and the pipe it came through) is
 * compared; places and pipes are matched by name.  Nothing is compared as
 * text of two matrices, so a change that a matrix cell hides (another
 * packet still reaches the same port) is still found.
 *
 * Then, for one packet of a changed flow, the walks of the two sites are
 * compared step by step (each pf pass, each hop's fate): the first step
 * that differs is where the change decides.
 */
#ifndef JAILNET_VERIFY_VDIFF_H
#define JAILNET_VERIFY_VDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/matrix.h"
#include "verify/space.h"
#include "verify/walk.h"
#include "verify/world.h"

/* One flow gained or lost: what a source reaches at one place, for one
   protocol and one way (directly, or through one pipe). */
struct vdiff_flow {
	bool gained;
	const char *to;			/* the place, by name ("internet"
					   for a router) */
	int proto;
	const char *via;		/* the pipe's name, or NULL */
	const char *via_node;		/* and its jail */
	struct portset ports;		/* tcp, udp: the ports, as delivered */
	struct pf_packet pkt;		/* one packet of it (source 0.0.0.0:
					   the place picks) */
	size_t classes;			/* the classes that make it up */
	uint32_t src_lo, src_hi;	/* their source addresses span this
					   (0, 0: the place picks) */
	bool partial;			/* the other site's matrix has it too:
					   other packets reach it there */
};

/* What changes for one source. */
struct vdiff_row {
	struct vdiff_flow *v;		/* ordered by sign, place, protocol,
					   pipe */
	size_t n, cap;
	size_t classes;			/* the classes compared */
	size_t unsupported;		/* of them, classes either site's model
					   cannot say */
	char why[200];			/* the first one's reason */
	struct pf_packet unsup_pkt;	/* and a packet of it */
	uint64_t only_old, only_new;	/* source addresses that one site
					   splits and the other does not */
	uint32_t only_old_eg, only_new_eg;	/* one of each */
};

/**
 * vdiff_source(old, from_old, new_, from_new, row):
 * Compare what place ${from_old} of space ${old} and place ${from_new} of
 * space ${new_} (the same source in two sites) reach, every connection
 * (VMODE_CONNECT), into ${row} (owned by the caller, freed with
 * vdiff_row_free()).  The packets of a source address that only one site
 * splits (an internet address that is a site's own in the other) are not
 * compared; they are counted in only_old, only_new.
 */
void vdiff_source(struct vspace *old, size_t from_old, struct vspace *new_,
    size_t from_new, struct vdiff_row *row);

/**
 * vdiff_source_ports(old, from_old, new_, from_new, proto, lo, hi, row):
 * The same as vdiff_source() for the connections of protocol ${proto}
 * (tcp or udp) to destination ports ${lo} to ${hi} as the source sends
 * them (before any rdr) only; ${row}'s matrices (partial) are those of
 * these connections.
 */
void vdiff_source_ports(struct vspace *old, size_t from_old,
    struct vspace *new_, size_t from_new, int proto, uint32_t lo,
    uint32_t hi, struct vdiff_row *row);

/**
 * vdiff_row_free(row):
 * Free the storage of ${row}.
 */
void vdiff_row_free(struct vdiff_row *row);

/* One step of a walk: a connection sent, a pf pass, a hop's fate. */
enum vstep_kind {
	VSTEP_SEND,
	VSTEP_PASS,
	VSTEP_FATE,
};

struct vstep {
	enum vstep_kind kind;
	bool reply;			/* of a reply */
	const struct wleg *leg;		/* its connection */
	const struct wleg *prev;	/* SEND: the leg whose pipe sends it,
					   or NULL */
	const struct whop *hop;		/* PASS, FATE */
	const struct pf_eval_stage *st;	/* PASS */
};

/**
 * vdiff_steps(flow, steps):
 * The steps of ${flow} in order, in a new array *${steps} (freed by the
 * caller; it points into ${flow}).  Return their number.
 */
size_t vdiff_steps(const struct wflow *flow, struct vstep **steps);

/**
 * vdiff_first_change(wa, a, na, wb, b, nb):
 * The index of the first step where the walk ${a} over world ${wa} and
 * the walk ${b} over world ${wb} differ: another place or interface,
 * another packet, another verdict, translation or fate (the rule's line
 * is not compared, so a rule that only moved is the same).  ${na} or
 * ${nb} when one walk ends first; NO_INDEX when they are the same.
 */
size_t vdiff_first_change(const struct world *wa, const struct vstep *a,
    size_t na, const struct world *wb, const struct vstep *b, size_t nb);

/**
 * vdiff_place_name(w, node):
 * The name the matrix gives place ${node}: "internet" for a router.
 */
const char *vdiff_place_name(const struct world *w, size_t node);

#endif
