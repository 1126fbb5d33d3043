/*
 * supervise: the supervisor of a site's jail processes, and what the
 * commands need to find, stop and clean up after it.
 *
 * `jailnet up` starts one supervisor per site: a detached process (double
 * fork, its own session, stdio to ROOT/SITE/supervisor.log) that starts
 * every process of a proc_list in order, each inside the namespaces of
 * its jail's init (jail_init.h: pid, net, uts, ipc, mount; the process's
 * parent is the supervisor, its program a path in the jail's view, its
 * environment only PATH=JAIL_VIEW_PATH and HOME=/), with stdout and
 * stderr appended to
 * ROOT/SITE/log/SERVER.JAIL.NAME.log.  A process whose jail's init is not
 * running counts as one that exited.  A process that exits is started
 * again after a delay doubling from 0.2 s to 5 s, and once the rest of
 * its process group (each process is the leader of its own) is gone: what
 * is left when the process exits gets SIGKILL, so that no worker of a
 * dead master keeps its ports from the next start; one that exits
 * SUPERVISE_MAX_FAILS times within SUPERVISE_FAIL_WINDOW seconds is marked
 * failed and left alone.  On SIGTERM the supervisor stops them in reverse
 * order (SIGTERM to a service, SIGKILL to a spiped pipe, which has nothing
 * to save; each given SUPERVISE_STOP_STEP_MS before the next is signalled;
 * SIGKILL to those left after SUPERVISE_STOP_MS) and exits.
 *
 * A one-shot service (site.conf's kind = oneshot) runs once, as rc runs a
 * boot script that finishes: the processes after it start once it exited
 * (or after SUPERVISE_ONESHOT_WAIT_S); it is done if it exited with status
 * 0, else failed, and never started again but by a restart request.
 *
 * It keeps ROOT/SITE/procs up to date (replaced atomically), one line per
 * process: "SERVER JAIL KIND NAME PID STATE RESTARTS", STATE one of
 * running, restarting, failed, stopped, done; PID 0 when none runs.
 *
 * Functions that can fail return 0, or -1 with ${err} filled; they never
 * print or exit (but the supervisor itself, once forked, only ever
 * _exit()s).
 */
#ifndef JAILNET_SUPERVISE_H
#define JAILNET_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "kernel/nl.h"
#include "jail/procs.h"

#define SUPERVISE_MAX_FAILS 5
#define SUPERVISE_FAIL_WINDOW 30.0
#define SUPERVISE_STOP_MS 3000
#define SUPERVISE_STOP_STEP_MS 20
/* How long the boot waits for a one-shot before it starts the rest. */
#define SUPERVISE_ONESHOT_WAIT_S 30.0
/* How long a restart waits for the rest of the last run's process group. */
#define SUPERVISE_GROUP_WAIT_S 5.0

/* One line of the procs file. */
struct proc_status {
	char *server, *jail, *kind, *name, *state;
	long pid;
	unsigned long restarts;
};

/**
 * supervise_start(root, site, list, pid, start, err):
 * Start the detached supervisor of ${site} for the processes of ${list}
 * (whose programs procs_resolve() found and whose inits
 * jail_init_bind_procs() set), creating ROOT/SITE/log.  Store
 * its pid in ${pid} and its start time (pidref_start()) in ${start}.
 * The supervisor inherits no descriptor but stdio.
 */
int supervise_start(const char *root, const char *site,
    const struct proc_list *list, pid_t *pid, unsigned long long *start,
    struct nl_error *err);

/**
 * supervise_stop(pid, start):
 * If the supervisor ${pid} of ${start} is alive, send it SIGTERM and wait
 * for it to stop its processes and exit; SIGKILL it if it takes longer than
 * twice SUPERVISE_STOP_MS.  Return true if it was alive.
 */
bool supervise_stop(pid_t pid, unsigned long long start);

/**
 * supervise_restart(root, site, pid, start, procs, n, wait_ms, err):
 * Ask the supervisor ${pid} of ${start} of ${site} to restart the ${n}
 * processes ${procs} (found by server, jail, kind and name) with their
 * program and arguments as ${procs} has them: each is stopped as `down`
 * stops it and started again at once, a failed one too, and its exit is
 * not counted towards SUPERVISE_MAX_FAILS.  The request goes through
 * ROOT/SITE/restart and SIGUSR1.  Wait up to ${wait_ms} for each to have
 * started again (the procs file counts its restart; it runs, or failed
 * for good).  Fails if the supervisor is not running, or with ETIMEDOUT.
 */
int supervise_restart(const char *root, const char *site, pid_t pid,
    unsigned long long start, const struct proc_spec *const *procs,
    size_t n, int wait_ms, struct nl_error *err);

/**
 * supervise_kill_netns(names, n, killed):
 * SIGKILL every process whose network namespace is one of the named
 * namespaces ${names} (those that exist), and wait up to a second for them
 * to go.  Store how many were killed in ${killed}.  What a killed
 * supervisor leaves, or `jailnet exec` started, ends here.
 */
void supervise_kill_netns(char *const *names, size_t n, size_t *killed);

/**
 * supervise_enter(netns, hostname, new_ipc, err):
 * Move the calling process into the named network namespace ${netns},
 * and into a new UTS namespace with the hostname ${hostname} (none if
 * NULL) and, if ${new_ipc}, a new IPC namespace.  For a process about to
 * exec in a server (which has no init); a single-threaded caller.
 */
int supervise_enter(const char *netns, const char *hostname, bool new_ipc,
    struct nl_error *err);

/**
 * supervise_read_status(root, site, out, n):
 * Read ROOT/SITE/procs into ${out}, an array of ${n} entries owned by the
 * caller (freed with supervise_status_free()).  A missing file gives none.
 * Malformed lines are skipped.
 */
void supervise_read_status(const char *root, const char *site,
    struct proc_status **out, size_t *n);

/**
 * supervise_status_free(st, n):
 * Free the ${n} entries of ${st} and the array; NULL is a no-op.
 */
void supervise_status_free(struct proc_status *st, size_t n);

/**
 * supervise_log_path(root, site, server, jail, name):
 * Return ROOT/SITE/log/SERVER.JAIL.NAME.log, owned by the caller.
 */
char *supervise_log_path(const char *root, const char *site,
    const char *server, const char *jail, const char *name);

/**
 * supervise_last_line(path):
 * Return the last non-empty line of the file ${path} (owned by the
 * caller; at most 200 bytes of it), or NULL if it has none.
 */
char *supervise_last_line(const char *path);

/**
 * supervise_remove_files(root, site, err):
 * Remove what the supervisor writes under ROOT/SITE: procs, its log, the
 * log directory and the logs in it.  Missing files are not an error.
 */
int supervise_remove_files(const char *root, const char *site,
    struct nl_error *err);

#endif
