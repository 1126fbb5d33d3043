/*
 * show_dot: a site as a Graphviz drawing, like the write-up's diagram.
 */
#ifndef JAILNET_SHOW_DOT_H
#define JAILNET_SHOW_DOT_H

#include "model/site.h"

struct strbuf;

/**
 * show_dot(site, server, out):
 * Append to ${out} a Graphviz digraph of ${site} (only server ${server} if
 * not NULL): the networks of site.conf and the outside hosts on them (with
 * their services and the zones they serve); one cluster per server holding
 * its NICs (cabled to their networks), bridges (with their member NICs)
 * and jails (with their services); one edge per epair, between the places
 * of its two halves (a bridge, a jail or the host), labelled with the
 * epair's and both halves' names and addresses; and the spiped tunnels as
 * dashed arrows from the client end's jail to the server end's, labelled
 * with the pipes' names and ports.  Deterministic (site order); render
 * with `dot -Tsvg`.
 */
void show_dot(const struct site *site, const struct server *server,
    struct strbuf *out);

#endif
