/*
 * hostns: run a piece of jailnet inside an outside host's network
 * namespace ("SITE-host-HOST", see plan.h) without moving jailnet itself:
 * a forked child enters the namespace with setns(2), runs a function that
 * writes its findings as text, and exits; the parent collects the text.
 * `jailnet dns` asks DNS questions and `jailnet health` makes HTTPS
 * requests this way, as a client of the simulated internet would; `up`
 * loads the servers' rulesets in such children at once.
 */
#ifndef JAILNET_HOSTNS_H
#define JAILNET_HOSTNS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/util.h"
#include "model/site.h"
#include "kernel/nl.h"

/**
 * hostns_name(site, host):
 * Return the name of the network namespace of outside host ${host} of the
 * site called ${site}: "SITE-host-HOST" (owned by the caller).
 */
char *hostns_name(const char *site, const char *host);

/**
 * hostns_default_client(site):
 * Return the index of the first outside host of ${site} on an internet
 * network that runs no service (a plain client), or NO_INDEX if none.
 */
size_t hostns_default_client(const struct site *site);

/* A child started by hostns_spawn(), until hostns_wait() collects it. */
struct hostns_child {
	pid_t pid;
	int fd;		/* the read end of the stream the child writes */
};

/**
 * hostns_spawn(netns, fn, arg, child, err):
 * Fork a child that enters the named network namespace ${netns} (stays in
 * the caller's if ${netns} is NULL) and calls ${fn}(${arg}, f), where f is
 * a stream to the parent, then exits with the value ${fn} returned
 * (0..255).  Several children may run at once.  Return 0 with ${child}
 * set, or -1 with ${err} filled if no child could be started.
 */
int hostns_spawn(const char *netns, int (*fn)(void *arg, FILE *f),
    void *arg, struct hostns_child *child, struct nl_error *err);

/**
 * hostns_wait(child, out, status, err):
 * Append what ${child} wrote to ${out} until it closes its stream, reap
 * it and store its exit status in ${status} (128 + signal if it was
 * killed; 127 if it could not enter the namespace, with the reason in
 * ${out}).  Return 0, or -1 with ${err} filled if it cannot be waited
 * for.  The child is collected either way.
 */
int hostns_wait(struct hostns_child *child, struct strbuf *out, int *status,
    struct nl_error *err);

/**
 * hostns_call(netns, fn, arg, out, status, err):
 * hostns_spawn(), then hostns_wait(): run ${fn} in ${netns} and collect
 * its text and status.  Return 0, or -1 with ${err} filled if no child
 * could be run.  The caller's namespace never changes.
 */
int hostns_call(const char *netns, int (*fn)(void *arg, FILE *f), void *arg,
    struct strbuf *out, int *status, struct nl_error *err);

#endif
