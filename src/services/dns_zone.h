/*
 * dns_zone: the DNS of a site, as files for NSD.
 *
 * site.conf's zones (struct dns_zone) say which outside host serves each
 * domain, at which TTL, with one A (or AAAA) record per server.  From them
 * and the set of drained servers this module makes the text of nsd.conf
 * for a host and of each zone file (pure functions), and writes them
 * atomically under DATA_ROOT/SITE/gen/host/HOST/etc/nsd/, the generated
 * layer of the host's file system view: NSD, started there with
 * "-c /etc/nsd/nsd.conf", reads /etc/nsd/nsd.conf and /etc/nsd/ZONE.zone.
 *
 * The drained set lives in DATA_ROOT/SITE/dns, one "drained SERVER" line
 * per server, so that it survives `down`/`up` and reboots.
 *
 * A zone file's SOA serial is kept in the zone file itself: a rewrite that
 * changes anything gives max(old + 1, now) (seconds since the epoch, as a
 * 32-bit serial), a rewrite that changes nothing keeps the file as it is.
 *
 * Functions that touch files return 0, or -1 with ${err} filled; they never
 * print or exit.
 */
#ifndef JAILNET_DNS_ZONE_H
#define JAILNET_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/site.h"
#include "kernel/nl.h"


/* The SOA timers of every zone jailnet writes (seconds). */
#define DNS_SOA_REFRESH 3600
#define DNS_SOA_RETRY 600
#define DNS_SOA_EXPIRE 86400

/* The set of drained servers, by name; sorted, no duplicates. */
struct dns_drained {
	char **names;
	size_t n, cap;
};

/**
 * dns_drained_has(d, name):
 * Return true if server ${name} is in ${d}.
 */
bool dns_drained_has(const struct dns_drained *d, const char *name);

/**
 * dns_drained_add(d, name), dns_drained_remove(d, name):
 * Add ${name} to ${d} (a copy), or remove it.  Return true if ${d}
 * changed, false if it was already (not) there.
 */
bool dns_drained_add(struct dns_drained *d, const char *name);
bool dns_drained_remove(struct dns_drained *d, const char *name);

/**
 * dns_drained_free(d):
 * Free the names of ${d} and leave it empty.
 */
void dns_drained_free(struct dns_drained *d);

/**
 * dns_zone_text(site, zone, drained, serial):
 * Return the zone file of ${zone} of ${site} (owned by the caller): $ORIGIN
 * and $TTL (the zone's TTL), the SOA with serial ${serial} naming
 * ns.ZONE as primary, one NS record (ns.ZONE), ns.ZONE's A record (the
 * serving host's address), then one A (AAAA for IPv6) record at the apex
 * per server of the zone not in ${drained}, in site.conf's order; each
 * drained server is a comment.  Deterministic.
 */
char *dns_zone_text(const struct site *site, const struct dns_zone *zone,
    const struct dns_drained *drained, uint32_t serial);

/**
 * dns_zone_serial(text, out):
 * Find the serial of a zone file made by dns_zone_text() (its line
 * "\t\tNUMBER\t; serial") in ${text}.  Return 0 with it in ${out}, or -1
 * if there is none.
 */
int dns_zone_serial(const char *text, uint32_t *out);

/**
 * dns_next_serial(old, now):
 * Return the serial after ${old} at time ${now}: max(old + 1, now), as an
 * unsigned 32-bit number.
 */
uint32_t dns_next_serial(uint32_t old, time_t now);

/**
 * dns_nsd_conf_text(site, host):
 * Return nsd.conf (owned by the caller) for outside host ${host} (index in
 * site->hosts): listen on its address, port 53, UDP and TCP; no database,
 * pid file, xfrd state or remote control (reloads are by SIGHUP); keep
 * root (no chroot, no user change: the files belong to jailnet); rotate
 * RRsets in answers (round-robin: yes); one zone: section per zone the
 * host serves, with zonefile /etc/nsd/ZONE.zone.
 */
char *dns_nsd_conf_text(const struct site *site, size_t host);

/**
 * dns_host_serves(site, host):
 * Return true if outside host ${host} serves a zone of ${site}.
 */
bool dns_host_serves(const struct site *site, size_t host);

/**
 * dns_gen_dir(data_root, site, host):
 * Return DATA_ROOT/SITE/gen/host/HOST/etc/nsd (owned by the caller), where
 * ${data_root} is DATA_ROOT, ${site} the site's name and ${host} the
 * outside host's.
 */
char *dns_gen_dir(const char *data_root, const char *site, const char *host);

/**
 * dns_state_read(data_root, site, out, err):
 * Read the drained servers of site ${site} from DATA_ROOT/SITE/dns into
 * ${out} (empty before; the caller frees it with dns_drained_free()).  A
 * missing file gives an empty set.  Fails (EINVAL) on a line that is not
 * "drained NAME", a comment or blank.
 */
int dns_state_read(const char *data_root, const char *site,
    struct dns_drained *out, struct nl_error *err);

/**
 * dns_state_write(data_root, site, drained, err):
 * Replace DATA_ROOT/SITE/dns atomically with the set ${drained}, creating
 * the directories it needs.
 */
int dns_state_write(const char *data_root, const char *site,
    const struct dns_drained *drained, struct nl_error *err);

/**
 * dns_lock(data_root, site, fd, err):
 * Create DATA_ROOT/SITE if needed and take an exclusive lock on
 * DATA_ROOT/SITE/dns.lock (waiting for another run that holds it), so that
 * two drains do not race.  Store the descriptor that holds it in ${fd};
 * closing it releases the lock.
 */
int dns_lock(const char *data_root, const char *site, int *fd,
    struct nl_error *err);

/**
 * dns_write_host(data_root, site, host, drained, now, changed, err):
 * Write nsd.conf and the zone files of outside host ${host} of ${site}
 * under dns_gen_dir(), each atomically (a temporary file renamed over
 * it), creating the directories.  A zone file whose text would not change
 * is left alone; one that changes gets dns_next_serial(old serial, ${now})
 * (old serial 0 if there is no file).  Store in ${changed} (if not NULL)
 * whether any file was written.
 */
int dns_write_host(const char *data_root, const struct site *site,
    size_t host, const struct dns_drained *drained, time_t now,
    bool *changed, struct nl_error *err);

/**
 * dns_generate(data_root, site, err):
 * What `up` calls: read the drained set of ${site} (dns_state_read()) and
 * dns_write_host() every outside host that serves a zone, at the current
 * time.  Stops at the first error.
 */
int dns_generate(const char *data_root, const struct site *site,
    struct nl_error *err);

#endif
