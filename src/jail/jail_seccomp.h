/*
 * jail_seccomp: the system calls that a jail's root may not make, as
 * FreeBSD refuses them to a jailed root, enforced by a seccomp filter
 * (libseccomp) that every process entering a jail gets and passes on.
 *
 * Dropping capabilities (jail_init.c) already takes mount, setns, modules,
 * devices and the clock.  Two things remain that capabilities cannot
 * take without taking too much:
 *   - New user namespaces need no capability at all, and inside one the
 *     jail's root would have every capability again (mount, ...):
 *     unshare(2) and clone(2) with CLONE_NEWUSER fail with EPERM; clone3(2)
 *     fails with ENOSYS, since its flags are behind a pointer that seccomp
 *     cannot read, and the C library then falls back to clone(2).
 *   - The packet filter: CAP_NET_ADMIN must stay (a VNET jail's root
 *     configures its own interfaces, addresses and routes on FreeBSD too),
 *     but FreeBSD's devfs ruleset 4 hides /dev/pf from a jail.  Here a
 *     netlink socket of the NETLINK_NETFILTER family (nftables, conntrack,
 *     the nft-based iptables) fails with EPERM, and so do the setsockopt(2)
 *     calls that replace the legacy iptables, ip6tables, arptables and
 *     ebtables tables.  NETLINK_ROUTE stays open.  A server's own
 *     services (jail_init.h) keep the packet filter: they are FreeBSD's
 *     host, whose root has /dev/pf (pflogd reads its log, pfctl its
 *     rules), and what they change is the simulated server's namespace.
 * System calls of another architecture than jailnet's own (a 32-bit
 * program on a 64-bit machine) kill the process: the filter could
 * otherwise be passed by.  A jail runs the host's own userland.
 *
 * The filter is loaded while the process still holds CAP_SYS_ADMIN in its
 * effective set (before it execs), so no_new_privs is not needed and the
 * jail's setuid programs keep working.
 */
#ifndef JAILNET_JAIL_SECCOMP_H
#define JAILNET_JAIL_SECCOMP_H

#include <stdbool.h>

#include "kernel/nl.h"

/**
 * jail_seccomp_load(packet_filter, err):
 * Install the jail's filter (the packet filter left open if
 * ${packet_filter}) in the calling process (it is inherited by
 * every child and kept across execve).  Needs CAP_SYS_ADMIN.  Returns 0, or
 * -1 with ${err} filled (the filter is then not installed, and the caller
 * must not go on into the jail).
 */
int jail_seccomp_load(bool packet_filter, struct nl_error *err);

#endif
