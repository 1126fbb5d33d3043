/*
 * cmd_dns: jailnet dns (drain or restore a server's DNS record) and jailnet
 * health (an HTTPS request to each server from an outside host).  Each
 * takes the arguments after its name, prints, and returns the exit status
 * (0, EXIT_INVALID or EXIT_USAGE of cli.h).
 */
#ifndef JAILNET_CMD_DNS_H
#define JAILNET_CMD_DNS_H

#define CMD_DNS_USAGE "dns SITE drain|restore SERVER [--from HOST] [--wait]"
#define CMD_HEALTH_USAGE "health SITE [--from HOST] [--watch [SECONDS]]"

/**
 * cmd_dns(argc, argv):
 * `jailnet dns SITE drain|restore SERVER`: add the server to (remove it
 * from) the drained set kept in DATA_ROOT/SITE/dns, rewrite the zone files
 * and nsd.conf of the hosts serving its zones, and, if the site is up,
 * SIGHUP their nsd and check with DNS queries from an outside host that
 * the record is gone (back).  Says until when resolvers may still hand
 * the drained record out (now + the zone's TTL); --wait sleeps until then.
 */
int cmd_dns(int argc, char **argv);

/**
 * cmd_health(argc, argv):
 * `jailnet health SITE`: for every server of every zone, an HTTPS GET of
 * https://ZONE/ pinned to the server's address, from an outside host's
 * network namespace, trusting DATA_ROOT/SITE/tls/ca.crt, with a 2 s
 * timeout; one line per server; exit 1 if any fails.  --watch repeats
 * every SECONDS (default 2) until interrupted.
 */
int cmd_health(int argc, char **argv);

#endif
