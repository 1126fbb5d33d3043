/*
 * netns: named network namespaces, as `ip netns` knows them.
 *
 * A named namespace is a network namespace bind-mounted on the file
 * /run/netns/NAME, which keeps it alive with nothing running inside.  As
 * iproute2 does, /run/netns is made a shared mount so that namespaces
 * created later appear in mount namespaces copied from this one.
 *
 * Functions that can fail return 0 on success and -1 on failure with
 * ${err} filled (struct nl_error, from nl.h); they never print or exit.
 */
#ifndef JAILNET_NETNS_H
#define JAILNET_NETNS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/nl.h"

/* Where named namespaces live; iproute2's NETNS_RUN_DIR. */
#define NETNS_DIR	"/run/netns"

/**
 * netns_create(name, fd, err):
 * Create the directory NETNS_DIR if needed (a shared mount), a new network
 * namespace, and bind it to NETNS_DIR/${name}; store a file descriptor of
 * the namespace (close-on-exec, owned by the caller) in ${fd}.  The calling
 * thread's own namespace does not change: the namespace is made by a
 * short-lived thread.  Fails with EEXIST if the name is taken and EINVAL if
 * ${name} is empty, ".", "..", or contains '/'.  On failure nothing is
 * left behind.
 */
int netns_create(const char *name, int *fd, struct nl_error *err);

/**
 * netns_open(name, fd, err):
 * Store in ${fd} a file descriptor (close-on-exec, owned by the caller) of
 * the named network namespace ${name}.  Fails with ENOENT if there is none,
 * and EINVAL if NETNS_DIR/${name} is not a network namespace (a file left
 * behind, say).
 */
int netns_open(const char *name, int *fd, struct nl_error *err);

/**
 * netns_delete(name, err):
 * Unmount NETNS_DIR/${name} (lazily) and remove the file.  The namespace
 * itself goes away when nothing else holds it (open descriptors, processes
 * inside).  Fails with ENOENT if there is no such name.
 */
int netns_delete(const char *name, struct nl_error *err);

/**
 * netns_exists(name):
 * Return true if NETNS_DIR/${name} exists and ${name} is a valid name.
 */
bool netns_exists(const char *name);

/**
 * netns_list(prefix, names, n, err):
 * Store in ${names} the ${n} names in NETNS_DIR that start with ${prefix},
 * sorted; the array and the strings are owned by the caller and freed with
 * netns_list_free().  A missing NETNS_DIR gives an empty list.
 */
int netns_list(const char *prefix, char ***names, size_t *n,
    struct nl_error *err);

/**
 * netns_list_free(names, n):
 * Free the ${n} strings of ${names} and the array.  Does nothing for NULL.
 */
void netns_list_free(char **names, size_t n);

/**
 * netns_enter(fd, saved_fd, err):
 * Move the calling thread into the network namespace of ${fd}; store in
 * ${saved_fd} a descriptor of the namespace it was in, to hand to
 * netns_restore().
 */
int netns_enter(int fd, int *saved_fd, struct nl_error *err);

/**
 * netns_restore(saved_fd, err):
 * Move the calling thread back into the namespace of ${saved_fd} (from
 * netns_enter()) and close ${saved_fd}, also on failure.  If this fails the
 * thread stays where it is: the caller should give up.
 */
int netns_restore(int saved_fd, struct nl_error *err);

/**
 * netns_sysctl_set(fd, key, value, err):
 * Write ${value} to the sysctl ${key} ("net.ipv4.ip_forward", or with
 * slashes, "net/ipv4/conf/eth0.2222/forwarding") of the network namespace
 * of ${fd}, or of the calling thread's if ${fd} is -1.  Fails with ENOENT
 * for an unknown key (net.bridge.* exist only while br_netfilter is
 * loaded), EINVAL for a key with "..", spaces or a leading '/'.
 */
int netns_sysctl_set(int fd, const char *key, const char *value,
    struct nl_error *err);

/**
 * netns_sysctl_get(fd, key, buf, size, err):
 * Read the sysctl ${key} of the namespace of ${fd} (or the calling
 * thread's if -1) into ${buf} of ${size} bytes, without the final newline.
 * Fails with ERANGE if it does not fit.
 */
int netns_sysctl_get(int fd, const char *key, char *buf, size_t size,
    struct nl_error *err);

#endif
