/*
 * verify_live: `jailnet verify SITE --live INTENT...`: the model's answer
 * for concrete packets, tried with real connections in the namespaces of
 * the running site (kernel/probe.h).
 *
 * For each expectation, packets are made from each of its sources (a
 * place; for the internet or a CIDR, each outside host of an internet
 * network whose address is in it: the real hosts that can send from such
 * an address) to each address of each of its destinations and of every
 * server's NICs (where rdr may take it in), for a few ports of each range
 * (first, last, middle).  Each packet is walked in the model (walk.h),
 * with the source address and port the probe binds, and opened for real;
 * a listener waits where the model delivers it, or where the expectation
 * points when the model delivers it nowhere.  The two must agree: heard
 * at the same place, or not heard at all (TCP: the handshake and the
 * bytes; UDP: the datagram, and its echo when the model says the reply
 * comes back).  Any difference is a bug of the model or of the compiler
 * to nftables, and is reported with the packet and the model's trace.
 *
 * Not tried, and said: ICMP; destinations beyond the router; a packet the
 * model cannot say; a port that a running service holds where the
 * listener must be (`up --no-services` frees them); packets beyond a
 * quarter of a source limit (max-src-conn-rate, max-src-conn,
 * max-src-states, max-states) of a rule they pass, so that the check never
 * gets its source put into an overload table.
 */
#ifndef JAILNET_CLI_VERIFY_LIVE_H
#define JAILNET_CLI_VERIFY_LIVE_H

#include <stddef.h>

#include "lib/util.h"
#include "verify/intent.h"
#include "verify/walk.h"
#include "verify/world.h"

/* How long the real connections may take, in all. */
#define VERIFY_LIVE_TIMEOUT_MS 1500

/**
 * verify_live(site, w, wk, ins, files, nins, out, errout):
 * Try the expectations of the ${nins} intents ${ins} (read from
 * ${files}) of site ${site} (its name: the namespaces are SITE-...) over
 * world ${w} with walker ${wk}, appending the report to ${out}.  Return
 * the number of packets on which the model and the kernel disagree, or -1
 * with the reason in ${errout} when the site is not up in namespaces or
 * the probes cannot run.
 */
long verify_live(const char *site, const struct world *w, struct walker *wk,
    const struct intent *ins, char **files, size_t nins, struct strbuf *out,
    struct strbuf *errout);

#endif
