/*
 * lockout: whether a site keeps the way its operators manage the servers.
 *
 * site.conf names it per outside host: `manage.tcp = 22, 2220-2240;` on
 * host orchestration says that the TCP connections that host sends to
 * those destination ports (before any rdr) are how it manages the
 * servers and jails.  A change keeps a way when, for each place of a
 * server (the server itself or one of its jails) that some such
 * connection reaches in the old site, delivered and replied, some such
 * connection still reaches it in the new site, at the same delivered
 * ports, directly or through the same pipe (vdiff.h compares them,
 * exactly, for every packet).  A place that the new site no longer has
 * (a jail or server removed) is nothing to manage.  A site kept for one server alone (`up
 * --host`) keeps a way when each declared port reaches some place of
 * that server.
 *
 * Classes either model cannot say make the check unsure, never passed.
 */
#ifndef JAILNET_VERIFY_LOCKOUT_H
#define JAILNET_VERIFY_LOCKOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/space.h"
#include "verify/vdiff.h"

/* What became of one host's ports [lo, hi] of manage.tcp. */
enum lockout_kind {
	LOCKOUT_LOST,		/* places it reached no longer (diff) */
	LOCKOUT_GONE,		/* the host is not in the new site (diff) */
	LOCKOUT_MISSED,		/* ports that reach no place of the server
				   (one site) */
	LOCKOUT_UNSURE,		/* classes the model cannot say */
};

struct lockout {
	enum lockout_kind kind;
	const char *host;		/* its name (in the site that declares
					   it) */
	const struct loc *loc;		/* where manage.tcp is set */
	bool in_new;			/* in the new site (diff), else the
					   old (or the one site) */
	uint32_t lo, hi;		/* the ports declared */
	size_t from_old, from_new;	/* the host's place in each site
					   (NO_INDEX if none) */
	const struct vdiff_flow *flow;	/* LOST: the flow lost, in row */
	uint32_t port;			/* MISSED: the first port that
					   reaches no place of the server */
	size_t unsure;			/* UNSURE: the classes */
	char why[200];			/* UNSURE: the first one's reason */
	struct pf_packet pkt;		/* UNSURE: a packet of it */
};

/* The findings of one check, and the rows their flows point into. */
struct lockouts {
	struct lockout *v;
	size_t n, cap;
	struct vdiff_row *rows;		/* owned */
	size_t nrows;
	size_t checked;			/* the host port intervals checked */
};

/**
 * lockout_diff(old, new_, out):
 * Check that the site of space ${new_} keeps every way of managing the
 * servers that the site of space ${old} has, for the manage.tcp of every
 * outside host of either site (a host declared in the new site only is
 * checked against what it reaches in the old one).  Fill ${out} (owned by
 * the caller, freed with lockouts_free()); no finding means the way is
 * kept.
 */
void lockout_diff(struct vspace *old, struct vspace *new_,
    struct lockouts *out);

/**
 * lockout_server(vs, server, out):
 * Check that in the site of space ${vs}, every port of every manage.tcp
 * reaches some place of server ${server} (its index in the site), the
 * server or one of its jails, delivered and replied.  Fill ${out} as
 * lockout_diff() does.
 */
void lockout_server(struct vspace *vs, size_t server, struct lockouts *out);

/**
 * lockouts_free(l):
 * Free the storage of ${l}.
 */
void lockouts_free(struct lockouts *l);

#endif
