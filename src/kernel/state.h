/*
 * state: what `jailnet up` created for a site, kept in ROOT/SITE/state
 * (ROOT is /run/jailnet) so that `down` can remove it and a later `up` can
 * finish or clean up after a run that was killed.
 *
 * The file is text, one line per fact, each written with one write(2) as
 * the fact becomes true (before it is relied on), so that a crash leaves a
 * usable record:
 *   jailnet-state 1
 *   netns uxtely-net-internet
 *   ...
 *   jail a pg_j 4240 123450
 *   host ns 4241 123455
 *   supervisor 4242 123456
 *   complete
 * /run is a tmpfs: what was written survives the process, not a reboot,
 * and after a reboot there is nothing to clean.  Unknown lines are ignored
 * (later layers add their own kinds).
 *
 * ROOT/SITE/lock is flock()ed by whoever changes the site, so that two runs
 * do not race.
 *
 * Functions that can fail return 0, or -1 with ${err} filled (struct
 * nl_error: an errno value and a sentence); they never print or exit.
 */
#ifndef JAILNET_STATE_H
#define JAILNET_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/nl.h"

#define STATE_ROOT "/run/jailnet"

/*
 * Where the jails' files live, DATA_ROOT/SITE (jail_view.h): data/ holds
 * each jail's writes (SERVER/JAIL, or host/HOST for an outside host), gen/
 * what other parts of `up` generate for it (certificates, configuration),
 * work/ overlayfs' work directories.  Unlike STATE_ROOT it survives `down`
 * (a database's files are there) and a reboot; `down --purge` removes it.
 */
#define DATA_ROOT "/var/lib/jailnet"

/*
 * The init of a jail (or of an outside host with services): the PID 1 of
 * its namespaces (jail_init.h).  "jail SERVER JAIL PID START" or
 * "host HOST PID START"; the last line for a jail wins.
 */
struct state_init {
	bool host;		/* an outside host; ${server} is NULL */
	char *server;
	char *name;		/* the jail's or the host's */
	long pid;
	unsigned long long start;	/* its /proc/PID/stat start time */
};

struct state {
	char *dir;		/* ROOT/SITE */
	int lock_fd;		/* -1 if not locked */
	int fd;			/* the state file while writing, else -1 */
	bool exists;		/* a state file was found */
	bool complete;		/* ... and it ends with "complete" */
	char **netns;		/* namespaces it lists, in creation order */
	size_t nnetns, cap;
	long supervisor;	/* the last supervisor it lists, or 0 */
	unsigned long long supervisor_start;	/* its start time */
	struct state_init *inits;	/* in the order first recorded */
	size_t ninits, initcap;
};

/**
 * state_read(root, site, out, err):
 * Read ROOT/SITE/state without locking into a new state stored in
 * ${out} (owned by the caller, freed with state_close()).  A missing file
 * gives a state with ${exists} false.
 */
int state_read(const char *root, const char *site, struct state **out,
    struct nl_error *err);

/**
 * state_lock(root, site, out, err):
 * Create ROOT/SITE if needed, take an exclusive lock on ROOT/SITE/lock
 * (waiting for another run to finish), then read the state as
 * state_read() does.  The lock is held until state_close().
 */
int state_lock(const char *root, const char *site, struct state **out,
    struct nl_error *err);

/**
 * state_begin(st, err):
 * Start a new state file (replacing any), empty but for its header;
 * forget the namespaces read.
 */
int state_begin(struct state *st, struct nl_error *err);

/**
 * state_continue(st, err):
 * Open the existing state file to append more facts to it (after
 * state_lock() found it), keeping what it says.
 */
int state_continue(struct state *st, struct nl_error *err);

/**
 * state_add_netns(st, name, err):
 * Record that the namespace ${name} is being created (call it before
 * creating it).  Requires state_begin().
 */
int state_add_netns(struct state *st, const char *name,
    struct nl_error *err);

/**
 * state_add_supervisor(st, pid, start, err):
 * Record that the supervisor ${pid}, started at ${start} (its
 * /proc/PID/stat start time, which tells it from a later process with the
 * same pid), runs the site's processes: "supervisor PID START".  The last
 * such line wins.  Requires state_begin().
 */
int state_add_supervisor(struct state *st, long pid,
    unsigned long long start, struct nl_error *err);

/**
 * state_add_init(st, host, server, name, pid, start, err):
 * Record that the init of jail ${name} of ${server} (or of the outside
 * host ${name} if ${host}; ${server} is then ignored) is ${pid}, started
 * at ${start}: "jail SERVER NAME PID START" or "host NAME PID START".
 * Replaces what ${st} held for it.  Requires state_begin() or
 * state_continue().
 */
int state_add_init(struct state *st, bool host, const char *server,
    const char *name, long pid, unsigned long long start,
    struct nl_error *err);

/**
 * state_find_init(st, host, server, name):
 * Return the init recorded for jail ${name} of ${server} (or the outside
 * host ${name} if ${host}), or NULL.  It belongs to ${st}.
 */
const struct state_init *state_find_init(const struct state *st, bool host,
    const char *server, const char *name);

/**
 * state_purge_data(root, site, err):
 * Remove the directory ${root}/${site} (DATA_ROOT/SITE) and everything
 * in it, without crossing into other mounts.  A missing directory is not
 * an error; EINVAL for a ${site} that is empty, "." or "..", or contains
 * '/'.  Call it only when no jail of the site runs.
 */
int state_purge_data(const char *root, const char *site,
    struct nl_error *err);

/**
 * state_complete(st, err):
 * Record that the site is fully up.
 */
int state_complete(struct state *st, struct nl_error *err);

/**
 * state_remove_file(root, site, name, err):
 * Remove the file ROOT/SITE/NAME that a command keeps beside the state
 * (the plan, the services' marks) if it is there.  Return 0, or -1 with
 * ${err} naming it.
 */
int state_remove_file(const char *root, const char *site, const char *name,
    struct nl_error *err);

/**
 * state_remove(st, err):
 * Remove the state file, the lock file and the directory ROOT/SITE (the
 * lock stays held until state_close()).  Missing files are not an error.
 */
int state_remove(struct state *st, struct nl_error *err);

/**
 * state_close(st):
 * Close the files, release the lock and free ${st}.  Does nothing if NULL.
 */
void state_close(struct state *st);

/**
 * state_make_dir(path, err):
 * Create the directory ${path} (mode 0755) of jailnet's run-time state
 * unless it exists.  Return 0, or -1 with ${err} naming the path.
 */
int state_make_dir(const char *path, struct nl_error *err);

#endif
