/*
 * confirm: the timer of `up --host --confirm SECONDS`, what BIRD's
 * `configure timeout` and Juniper's `commit confirmed` are for a router.
 * A change that cuts the operator off cannot be undone by the operator, so
 * a watchdog process, detached from `up` and from its terminal (an SSH
 * session the new firewall drops takes `up` with it, not the watchdog),
 * runs a rollback command (`jailnet down SITE`: the undo log gives the host
 * back its own links, addresses, routes and ruleset) unless `jailnet
 * confirm SITE` stops it first.
 *
 * ROOT/SITE/confirm (ROOT is STATE_ROOT) holds one line:
 *   pending PID START DEADLINE SECONDS
 *       the watchdog PID (START: its start time, pidref.h) rolls back at
 *       DEADLINE (CLOCK_BOOTTIME seconds: no wall-clock step moves it) the
 *       timer of SECONDS;
 *   expired PID
 *       the watchdog found no confirmation at its deadline and has begun
 *       the rollback (as process PID).
 * Every reader and writer holds the site's lock (ROOT/SITE/lock, state.h),
 * so that a `confirm` and the deadline at the same moment have one
 * outcome: confirmed (nothing is rolled back) or too late (everything is).
 *
 * Functions that can fail return 0, or -1 with ${err} filled; they never
 * print or exit.
 */
#ifndef JAILNET_CONFIRM_H
#define JAILNET_CONFIRM_H

#include <stdbool.h>

#include "kernel/nl.h"

/* The longest timer: a day. */
#define CONFIRM_MAX_SECONDS 86400

/**
 * confirm_arm(root, site, seconds, rollback, log, err):
 * With the lock of ROOT/SITE held (state_lock()), start the watchdog: a
 * daemon (its own session, / as its directory, no descriptor of the
 * caller's but its output, appended to the file ${log}) that, ${seconds}
 * from now unless confirm_restart() moved its deadline or confirm_stop()
 * stopped it, executes ${rollback} (argv[0] a path, NULL-terminated; run
 * with the lock released and with the output going to ${log}).  Return
 * when ROOT/SITE/confirm names it; -1 if it could not be started (then
 * no watchdog runs).
 */
int confirm_arm(const char *root, const char *site, unsigned seconds,
    char *const rollback[], const char *log, struct nl_error *err);

/**
 * confirm_restart(root, site, err):
 * With the lock held, move the deadline of the pending watchdog to its
 * SECONDS from now: the timer counts from the end of `up`, however long
 * `up` took.  Return 0 (also when none is pending), or -1.
 */
int confirm_restart(const char *root, const char *site, struct nl_error *err);

/* What confirm_stop() found. */
enum confirm_outcome {
	CONFIRM_NONE,		/* no watchdog was pending */
	CONFIRM_DONE,		/* it was stopped in time: nothing rolls back */
	CONFIRM_ORPHAN,		/* the file said pending but its watchdog had
				   died: nothing would have rolled back */
	CONFIRM_LATE,		/* its deadline had passed: the rollback has
				   begun and goes on */
};

/**
 * confirm_stop(root, site, out, left, err):
 * With the lock held, stop the pending watchdog of ROOT/SITE and remove
 * the file; an expired one's file is left for the rollback (which then
 * runs as the watchdog's pid: nothing pending names it).  Store in ${out} what
 * was found, and in ${left} (if not NULL) the seconds its timer had left.
 * Return 0, or -1 (a file that cannot be read or removed).
 */
int confirm_stop(const char *root, const char *site,
    enum confirm_outcome *out, long *left, struct nl_error *err);

/**
 * confirm_forget(root, site, err):
 * With the lock held, as the site goes down: stop a pending watchdog
 * (confirm_stop()) and remove the file whatever it says (one that is not
 * ours included).  Return 0, or -1 if it cannot be removed.
 */
int confirm_forget(const char *root, const char *site, struct nl_error *err);

/* ROOT/SITE/confirm as confirm_read() found it. */
struct confirm_info {
	bool pending;		/* a timer runs... */
	bool expired;		/* ... or has run out: rollback under way */
	bool alive;		/* the watchdog process is there */
	long left;		/* seconds to its deadline (pending) */
	unsigned seconds;	/* the timer's length (pending) */
};

/**
 * confirm_read(root, site, out):
 * Read ROOT/SITE/confirm without locking (`status`) into ${out}; a missing
 * or unreadable file reads as nothing pending.
 */
void confirm_read(const char *root, const char *site,
    struct confirm_info *out);

#endif
