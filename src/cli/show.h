/*
 * show: pictures of a site model for people (text) and scripts (JSON).
 */
#ifndef JAILNET_SHOW_H
#define JAILNET_SHOW_H

#include "model/site.h"

struct strbuf;

/**
 * show_text(site, server, out):
 * Append to ${out} a readable picture of ${site}: for each server (only
 * ${server} if not NULL) its NICs, bridges with members, epairs with both
 * ends, jails in boot order with interfaces, addresses, router, pipes and
 * services; then the tunnels with arrows to their server ends, and the
 * world outside (networks, hosts, DNS).
 */
void show_text(const struct site *site, const struct server *server,
    struct strbuf *out);

/**
 * show_json(site, server, out):
 * Append the same facts to ${out} as one JSON document (keys in a fixed
 * order, two-space indentation, final newline).
 */
void show_json(const struct site *site, const struct server *server,
    struct strbuf *out);

/**
 * show_manage_ports(h, out):
 * Append host ${h}'s manage.tcp ports to ${out} as "22,2220-2240"
 * (nothing when it declares none).
 */
void show_manage_ports(const struct outside_host *h, struct strbuf *out);

#endif
