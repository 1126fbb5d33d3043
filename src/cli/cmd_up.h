/*
 * cmd_up: jailnet up, confirm, down and status: the site's simulated
 * network in the kernel.  Each takes the arguments after its name, prints, and returns
 * the exit status (0, EXIT_INVALID or EXIT_USAGE of cli.h).
 */
#ifndef JAILNET_CMD_UP_H
#define JAILNET_CMD_UP_H

#include <stdbool.h>

#include "model/site.h"
#include "jail/procs.h"

#define CMD_UP_USAGE "up SITE [-n] [--no-services | --network-only] " \
	"[--server NAME --host [--force] [--confirm SECONDS]]"
#define CMD_CONFIRM_USAGE "confirm SITE"
#define CMD_DOWN_USAGE "down SITE [--purge]"
#define CMD_STATUS_USAGE "status SITE [--json]"

/**
 * cmd_up(argc, argv):
 * `jailnet up SITE`: bring the site up (nothing changes if it is up; an
 * interrupted run is cleaned up first) and start its supervisor, which
 * runs the jails' spiped pipes and, without --no-services, their
 * services; every program is checked to exist before anything starts.
 * With -n print the plan instead.  With --host, first the lockout check
 * (verify/lockout.h): a site that leaves the server without a way of
 * being managed is refused, EXIT_LOCKOUT of cli.h, before anything is
 * applied or printed, unless --force.  With --confirm SECONDS (--host
 * only), a timer (jail/confirm.h) armed before the first change runs
 * `jailnet down SITE` SECONDS after `up` ends unless cmd_confirm() stops
 * it first.
 */
int cmd_up(int argc, char **argv);

/**
 * cmd_confirm(argc, argv):
 * `jailnet confirm SITE`: stop the timer of `up --confirm`, keeping the
 * change.  Exit 0 if it was stopped in time; EXIT_INVALID if no timer
 * runs or it has run out (the rollback is under way).
 */
int cmd_confirm(int argc, char **argv);

/**
 * cmd_down(argc, argv):
 * `jailnet down SITE`: stop the site's supervisor and every process in its
 * namespaces, delete every namespace, also those an interrupted run left,
 * and its state.
 */
int cmd_down(int argc, char **argv);

/**
 * cmd_status(argc, argv):
 * `jailnet status SITE [--json]`: the namespaces and the live interfaces
 * of each server and jail, and the supervised processes (state, pid,
 * restarts, the last log line of those not running); exit 1 if the
 * site's network is not fully up.
 */
int cmd_status(int argc, char **argv);

/**
 * up_load_procs(site, no_services, server, list):
 * Fill ${list} (zeroed by the caller, freed with procs_free()) with the
 * processes `up` starts for ${site}: without services if ${no_services},
 * only server ${server}'s if it is not NULL (--host), their programs
 * found.  Return 0, or -1 after printing the errors.
 */
int up_load_procs(const struct site *site, bool no_services,
    const char *server, struct proc_list *list);

#endif
