/*
 * intent: the expectations of an intent file, and whether the site meets
 * them.
 *
 * One expectation a line, '#' to the end of a line is a comment:
 *
 *   reach  client1        ->  a/nginx_j  tcp 443
 *   deny   internet       ->  a/pg_j     tcp 5432-5435
 *   reach  b/node_j       ->  a/pg_j     tcp 5432   via N2P
 *
 * Endpoints: an outside host of site.conf; SERVER (its host); SERVER/JAIL;
 * a star for SERVER ("STAR/JAIL" below: that jail on every server, the
 * expectation holds for each);
 * "internet" (as a source: every address outside the site's servers and
 * jails, arriving from beyond the internet router; as a destination:
 * beyond the router, the router or an outside host of an internet
 * network); an address or CIDR (as a source: the internet's addresses in
 * it; as a destination: each place with an address in it).  Protocols:
 * tcp and udp with ports (a number, a-b, a comma list, or "any"), icmp
 * (echo), or "any" alone.
 *
 * reach A -> B P PORTS [via PIPE]: for each port, from every source
 * address of A (a place: the one it picks; the internet or a CIDR: each),
 * some connection opened to that port (TCP SYN, UDP, ICMP echo), to any
 * destination address, is delivered to B on that port after any
 * translation, directly or through pipes, and its reply comes back; with
 * via, every connection delivered to B on that port came through PIPE.
 * deny A -> B P PORTS: no packet at all (any flags, source port, ICMP
 * type, each of A's addresses) is delivered to B on those ports, directly
 * or through a pipe.
 */
#ifndef JAILNET_VERIFY_INTENT_H
#define JAILNET_VERIFY_INTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "verify/matrix.h"
#include "verify/space.h"
#include "verify/world.h"

enum iend_kind {
	IEND_PLACE,		/* one place */
	IEND_EVERY_JAIL,	/* STAR/JAIL */
	IEND_INTERNET,
	IEND_CIDR,
};

struct iend {
	enum iend_kind kind;
	char *text;		/* as written */
	struct loc loc;
	size_t node;		/* PLACE */
	char *jail;		/* EVERY_JAIL: the jail's name */
	uint32_t lo, hi;	/* CIDR */
};

struct expect {
	bool reach;
	struct loc loc;		/* the line's first word */
	struct iend from, to;
	int proto;		/* IPPROTO_*, 0: any */
	struct portset ports;	/* tcp, udp */
	char *via;		/* the pipe's name, or NULL */
	struct loc via_loc;
	char *text;		/* the line, for reports */
};

struct intent {
	struct source *src;	/* owned; locations point here */
	struct expect *v;
	size_t n, cap;
};

/**
 * intent_parse(w, src, out, diags):
 * Parse the intent file ${src} (ownership passes to ${out}) against the
 * places of ${w} into ${out} (freed with intent_free()).  Every error is
 * located in ${diags}: an unknown word, host, server, jail or pipe (with a
 * did-you-mean), a bad port or address.  Return 0, or -1 if any error was
 * recorded.
 */
int intent_parse(const struct world *w, struct source *src,
    struct intent *out, struct diags *diags);

/**
 * intent_free(in):
 * Free the storage of ${in}.
 */
void intent_free(struct intent *in);

enum verdict {
	VERDICT_HOLDS,
	VERDICT_FAILS,
	VERDICT_CANNOT_SAY,	/* the model cannot say for some packet */
};

/* The answer for one source and destination of an expectation. */
struct outcome {
	enum verdict verdict;
	size_t from, to;	/* places (to: NO_INDEX for internet/CIDR) */
	char *what;		/* "reach client1 -> a/nginx_j tcp 443" */
	char *why;		/* why it fails, or NULL */
	bool has_packet;	/* a packet that shows it */
	struct pf_packet packet;	/* sent by place from */
	size_t nprobes;		/* deny: classes checked */
};

/* The classes of each source, computed once. */
struct vcache;

/**
 * vcache_new(vs), vcache_free(vc), vcache_get(vc, from, mode):
 * A cache of vspace_run() results of ${vs} (which must outlive it); the
 * result for place ${from} in ${mode}, computed on first use, owned by
 * the cache.
 */
struct vcache *vcache_new(struct vspace *vs);
void vcache_free(struct vcache *vc);
const struct vresult *vcache_get(struct vcache *vc, size_t from,
    enum vmode mode);

/**
 * expect_check(vc, w, e, out, nout):
 * Check expectation ${e} for each of its sources and destinations (one
 * each, or one per server for STAR/JAIL).  Store a new array of outcomes in
 * ${out} (free each with outcome_free(), then the array) and their count
 * in ${nout}.  Return the worst verdict.
 */
enum verdict expect_check(struct vcache *vc, const struct world *w,
    const struct expect *e, struct outcome **out, size_t *nout);

/**
 * outcome_free(o):
 * Free the strings of ${o}.
 */
void outcome_free(struct outcome *o);

#endif
