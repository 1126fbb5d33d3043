/*
 * matrix: what each source reaches, as sets of protocols and ports.
 *
 * From the classes of one source (space.h), the connections that arrived
 * at each place and whose reply came back, by protocol, with the
 * destination ports as the receiver sees them (after rdr), and the pipes
 * they came through.  ICMP is echo; other protocols are listed by number.
 */
#ifndef JAILNET_VERIFY_MATRIX_H
#define JAILNET_VERIFY_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "verify/space.h"

/* Port intervals, sorted and merged. */
struct portset {
	uint32_t (*v)[2];
	size_t n, cap;
};

/* What one source reaches at one place, for one protocol and one way
   (its own connection, or through one pipe). */
struct mcell {
	size_t to;
	int proto;
	const struct pipe *via;		/* NULL: directly */
	size_t via_node;
	struct portset ports;		/* tcp, udp: the ports */
};

struct mrow {
	size_t from;
	struct mcell *cells;
	size_t ncells, cap;
	size_t unsupported;		/* classes the model cannot say */
	char why[200];
};

/**
 * portset_add(s, lo, hi), portset_free(s), portset_has(s, lo, hi),
 * portset_format(s, out):
 * Add [${lo}, ${hi}] to ${s}; free its storage; whether it holds every
 * port of [${lo}, ${hi}]; append it to ${out} as "22,80,443,5432-5435".
 */
void portset_add(struct portset *s, uint32_t lo, uint32_t hi);
void portset_free(struct portset *s);
bool portset_has(const struct portset *s, uint32_t lo, uint32_t hi);
void portset_format(const struct portset *s, struct strbuf *out);

/**
 * flow_format(proto, ports, via, via_node, out):
 * Append what reaches a place as the matrix prints it to ${out}: the
 * protocol ("icmp echo", "tcp", "proto N"), for tcp and udp the ports
 * ${ports}, and " (pipe VIA of VIA_NODE)" when ${via} is not NULL.
 */
void flow_format(int proto, const struct portset *ports, const char *via,
    const char *via_node, struct strbuf *out);

/**
 * mrow_build(res, row):
 * Gather the replied connections of ${res} into ${row} (owned by the
 * caller, freed with mrow_free()), cells ordered by place, protocol and
 * pipe.
 */
void mrow_build(const struct vresult *res, struct mrow *row);

/**
 * mrow_init(row, from), mrow_add(row, leaf), mrow_finish(row, res):
 * mrow_build() in steps, for classes that are not kept (vspace_run_each()
 * with mrow_add as the sink and ${row} as its argument): start ${row}
 * (owned by the caller, freed with mrow_free()) for place ${from}; gather
 * the replied connections of ${leaf}; once the run ${res} is over, take its
 * count and reason of what the model cannot say and order the cells.
 */
void mrow_init(struct mrow *row, size_t from);
void mrow_add(void *row, const struct vleaf *leaf);
void mrow_finish(struct mrow *row, const struct vresult *res);

/**
 * mrow_free(row):
 * Free the storage of ${row}.
 */
void mrow_free(struct mrow *row);

#endif
