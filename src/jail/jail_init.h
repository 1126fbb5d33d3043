/*
 * jail_init: one set of namespaces per jail, held by a small init process.
 *
 * Every jail of a site, every server whose host rc.conf enables services
 * (its name is then SITE_SERVER_SELF, its namespace the server's own, its
 * view the server's files), and every outside host that runs services,
 * gets an init: the PID 1 of a new pid namespace, in the jail's named network
 * namespace, with a new UTS namespace (the jail's hostname), a new mount
 * namespace holding the jail's view (jail_view.h), and a new IPC namespace
 * unless jail.conf says sysvshm = inherit.  FreeBSD's "inherit" lets the
 * jail see the host's System V objects: here the host is the machine
 * jailnet runs on, so the jail shares jailnet's IPC namespace.  "new" and
 * "disable" (the default) both get a new, empty IPC namespace: Linux cannot
 * forbid System V IPC to a process, the nearest is that it shares nothing.
 *
 * The init reaps the orphans of its jail and lives until it is told to
 * stop (SIGTERM: it sends SIGTERM to everything in the jail, waits up to
 * JAIL_INIT_STOP_MS, then exits, which makes the kernel kill the rest).
 * The supervisor and `jailnet exec` enter its namespaces (setns on
 * /proc/PID/ns/NS; the pid namespace applies to the child they fork), as
 * jexec enters a FreeBSD jail.  What enters a jail loses, as FreeBSD's
 * jailed root does, the capabilities that reach past the namespaces
 * (CAP_SYS_ADMIN: mount, setns; CAP_MKNOD, CAP_SYS_MODULE, CAP_SYS_RAWIO,
 * CAP_SYS_TIME, CAP_DAC_READ_SEARCH and the like); it keeps those a
 * service needs (CAP_SETUID, CAP_NET_BIND_SERVICE, CAP_NET_ADMIN...).
 *
 * Functions that can fail return 0, or -1 with ${err} filled; they never
 * print or exit (the init itself, once forked, only ever _exit()s).
 */
#ifndef JAILNET_JAIL_INIT_H
#define JAILNET_JAIL_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "model/site.h"
#include "kernel/nl.h"
#include "kernel/state.h"
#include "jail/jail_view.h"
#include "jail/procs.h"

#define JAIL_INIT_STOP_MS 1000
#define JAIL_INIT_STEP_MS 2

/* The init's program name, in `ps` of a jail. */
#define JAIL_INIT_ARGV0 "jailnet-init"

/* The server name under which outside hosts' data, logs and procs go. */
#define JAIL_INIT_HOST SITE_OUTSIDE_HOSTS

/* What an init is started with. */
struct jail_spec {
	bool host;		/* an outside host; ${server} is JAIL_INIT_HOST */
	char *server;
	char *name;		/* the jail's or the host's */
	char *netns;		/* "SITE-SERVER-JAIL", "SITE-SERVER" (name
				   SITE_SERVER_SELF), "SITE-host-HOST" */
	char *hostname;
	bool new_ipc;
	struct jail_view *view;
	struct loc loc;		/* the jail's block, or the host's */
};

struct jail_specs {
	struct jail_spec *v;	/* outside hosts, then servers and jails */
	size_t n, cap;
};

/**
 * jail_specs_build(site, out):
 * Fill ${out} (zeroed by the caller; freed with jail_specs_free()) with
 * what the inits of ${site} are started with, in start order: the outside
 * hosts that have services in site order, then, servers in site order,
 * the server itself if its rc.conf enables services and its jails in
 * jail.conf order.  Touches no file but to make
 * the view's paths absolute.
 */
void jail_specs_build(const struct site *site, struct jail_specs *out);

/**
 * jail_specs_free(specs):
 * Free the contents of ${specs} and zero it.
 */
void jail_specs_free(struct jail_specs *specs);

/**
 * jail_init_start(spec, pid, start, err):
 * Create the view's directories, then start the detached init of
 * ${spec} (it inherits no descriptor) and wait until its view is built.
 * Store its pid (in jailnet's pid namespace) in ${pid} and its start time
 * in ${start}.  On failure the init's reason is in ${err} and it is gone.
 */
int jail_init_start(const struct jail_spec *spec, pid_t *pid,
    unsigned long long *start, struct nl_error *err);

/**
 * jail_init_start_all(specs, st, err):
 * Start the init of each of ${specs}: forked in order, up to 32 at a time
 * building their views at once, each recorded in ${st} (state_add_init())
 * in order as soon as its view is built.  On failure, stop those this
 * call started and return -1 with ${err} naming the first jail that
 * failed.
 */
int jail_init_start_all(const struct jail_specs *specs, struct state *st,
    struct nl_error *err);

/**
 * jail_init_stop_all(st):
 * Stop the inits that ${st} lists: SIGTERM to each in reverse order,
 * each given JAIL_INIT_STEP_MS to go before the next is signalled; then
 * wait up to twice JAIL_INIT_STOP_MS for all, and SIGKILL what is left.
 * Return how many were running.
 */
size_t jail_init_stop_all(const struct state *st);

/**
 * jail_init_stop(pid, start):
 * If the init ${pid} of ${start} is alive, send it SIGTERM, wait up to
 * twice JAIL_INIT_STOP_MS for it to go, then SIGKILL it.  Return true if
 * it was alive.
 */
bool jail_init_stop(pid_t pid, unsigned long long start);

/**
 * jail_init_all_alive(st):
 * Return true if every init ${st} lists is alive.
 */
bool jail_init_all_alive(const struct state *st);

/**
 * jail_init_bind_procs(st, list):
 * Store in each process of ${list} the pid and start time of its jail's
 * init as ${st} records it (0 if none).
 */
void jail_init_bind_procs(const struct state *st, struct proc_list *list);

/**
 * jail_init_main():
 * The life of a jail's init once its jail is built: the init executes
 * jailnet again as JAIL_INIT_ARGV0 with no argument, and main() calls
 * this when it sees that name as PID 1.  Reaps orphans; on SIGTERM, INT
 * or HUP stops what runs in the jail and exits.  Never returns.
 */
void jail_init_main(void) __attribute__((noreturn));

/* The namespaces of a running init, open. */
#define JAIL_NS_N 5
struct jail_ns {
	int fd[JAIL_NS_N];	/* pid, net, uts, ipc, mnt */
	bool packet_filter;	/* a server's own init (SITE_SERVER_SELF):
				   its root may use the packet filter, as
				   FreeBSD's host root has /dev/pf (pflogd);
				   false from jail_ns_open() */
};

/**
 * jail_ns_open(pid, start, ns, err):
 * Open the namespaces of the init ${pid} (close-on-exec descriptors),
 * checking that it is still the one started at ${start}.  Fails with
 * ESRCH if it is not running.  Close with jail_ns_close().
 */
int jail_ns_open(pid_t pid, unsigned long long start, struct jail_ns *ns,
    struct nl_error *err);

/**
 * jail_ns_close(ns):
 * Close the descriptors of ${ns}.
 */
void jail_ns_close(struct jail_ns *ns);

/**
 * jail_ns_fork(ns, err):
 * fork() a child into the jail of ${ns}: the child is in the jail's pid
 * namespace (the caller's own is unchanged) and joins its network, UTS,
 * IPC and mount namespaces, with / and the working directory the jail's
 * root, drops from its bounding set the capabilities a jail's root
 * does not have (see above) and loads the jail's seccomp filter
 * (jail_seccomp.h; the packet filter allowed if ${ns}->packet_filter).
 * Return as fork() does: the child's pid to the parent, 0 to the
 * child, -1 with ${err} filled on failure (in the parent; a child that
 * cannot join writes the reason to its stderr and exits 126).
 */
pid_t jail_ns_fork(const struct jail_ns *ns, struct nl_error *err);

/**
 * jail_ns_name(i):
 * The name of the ${i}th namespace of struct jail_ns ("pid", "net"...).
 */
const char *jail_ns_name(size_t i);

#endif
