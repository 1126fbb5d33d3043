/*
 * trace_text: packets and connections walked through the site (walk.h)
 * as `jailnet trace` and `jailnet verify` print them.
 */
#ifndef JAILNET_CLI_TRACE_TEXT_H
#define JAILNET_CLI_TRACE_TEXT_H

#include "lib/util.h"
#include "pf/pf_eval.h"
#include "verify/walk.h"
#include "verify/world.h"

/**
 * trace_add_packet(p, out):
 * Append ${p} to ${out} as "tcp from A port N to B port M flags S".
 */
void trace_add_packet(const struct pf_packet *p, struct strbuf *out);

/**
 * trace_add_flow(w, flow, out):
 * Append to ${out} every connection of ${flow} (over world ${w}), hop by
 * hop: each pf pass with its rule, translations, where it went, and its
 * reply.
 */
void trace_add_flow(const struct world *w, const struct wflow *flow,
    struct strbuf *out);

#endif
