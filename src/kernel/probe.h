/*
 * probe: real connections between the network namespaces of a running
 * site, to try what the model says with the kernel's own pf (nftables),
 * routes and bridges.
 *
 * A probe is one TCP connection or UDP datagram opened from a named
 * network namespace, from a given source address and port, carrying a
 * token ("jnp N\n").  Listeners (TCP and UDP, on every address of their
 * namespace) that probe_run() starts for the time of the run report each
 * token they receive: a probe is heard where the kernel delivered it,
 * after any translation, and through any relay that passes its bytes on
 * (spiped).  A UDP listener sends the datagram back, so that its reply is
 * seen too.  Nothing is sent to any address but those given, and only
 * from namespaces that the caller names; all that is started is gone when
 * probe_run() returns.
 *
 * Needs root (setns into named namespaces).  The sockets of a probe are
 * plain ones: what a program in that namespace could do.
 */
#ifndef JAILNET_KERNEL_PROBE_H
#define JAILNET_KERNEL_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/nl.h"

enum probe_result {
	PROBE_NOT_RUN,
	PROBE_CONNECTED,	/* TCP: handshake done; UDP: the echo came */
	PROBE_REFUSED,		/* a reset, or ICMP port unreachable */
	PROBE_UNREACHABLE,	/* ICMP host or net unreachable, no route */
	PROBE_TIMEOUT,		/* no answer in time */
	PROBE_ERROR,		/* the socket could not be set up: errnum */
};

struct probe_listener {
	const char *netns;	/* a named network namespace */
	uint16_t port;
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	/* Filled by probe_run(): */
	bool busy;		/* the port was taken there: not listened on */
	int errnum;		/* why, when busy */
};

struct probe {
	const char *netns;	/* where it is opened */
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint32_t src;		/* host order; 0: the kernel picks */
	uint16_t sport;		/* 0: the kernel picks */
	uint32_t dst;		/* host order */
	uint16_t dport;
	/* Filled by probe_run(): */
	enum probe_result result;
	int errnum;		/* PROBE_ERROR, PROBE_UNREACHABLE */
	size_t heard_by;	/* the listener that got its token, or
				   NO_INDEX */
};

/**
 * probe_run(ls, nls, ps, nps, timeout_ms, err):
 * Start the ${nls} listeners ${ls}, then open the ${nps} probes ${ps}
 * (all those of one namespace at once), wait up to ${timeout_ms} for
 * their answers, and fill in the results.  Every process and socket it
 * starts is gone when it returns.  Return 0, or -1 with ${err} filled when
 * a namespace cannot be entered or a process cannot be started (the
 * results are then not to be used).
 */
int probe_run(struct probe_listener *ls, size_t nls, struct probe *ps,
    size_t nps, unsigned timeout_ms, struct nl_error *err);

/**
 * probe_result_name(r):
 * "connected", "refused", "unreachable", "timeout", "error", "not run".
 */
const char *probe_result_name(enum probe_result r);

#endif
