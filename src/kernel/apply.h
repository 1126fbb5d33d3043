/*
 * apply: carry out a plan in the kernel, through netns and nl, and undo it.
 *
 * Consecutive operations of one phase in one namespace go to the kernel as
 * one netlink batch.  Every namespace is recorded in the state before it
 * is created.  On a failure apply deletes every namespace this run
 * created (which deletes every link in them: nothing of the simulation
 * lives elsewhere), and reports the step.
 */
#ifndef JAILNET_APPLY_H
#define JAILNET_APPLY_H

#include <stddef.h>

#include "kernel/plan.h"
#include "kernel/state.h"
#include "kernel/undo.h"

/*
 * Test hooks, read from the environment by apply_hooks_from_env():
 *   JAILNET_TEST_CRASH_AFTER=N  _exit(137) once N steps are done, as if
 *                               killed (steps are then sent one by one);
 *   JAILNET_TEST_FAIL_AT=N      step N fails, as if the kernel refused it.
 * 0 means off.
 */
struct apply_hooks {
	unsigned long crash_after;
	unsigned long fail_at;
};

/**
 * apply_hooks_from_env(hooks):
 * Fill ${hooks} from the environment; a malformed value counts as off.
 */
void apply_hooks_from_env(struct apply_hooks *hooks);

/* Why apply failed. */
struct apply_error {
	size_t step;		/* 1-based step that failed; 0 if none */
	char msg[1024];		/* "step N (OP OBJECT in NS, from FILE:LINE):
				   REASON" */
};

/**
 * apply_plan(plan, st, undo, hooks, err):
 * Carry out ${plan}, recording each namespace in ${st} (which must be
 * begun) before creating it, and, for a --host plan, how to undo each
 * change of the host's own namespace in ${undo} before making it
 * (undo.h; NULL for a simulation).  A --host plan first looks at the
 * host, before any change: a default route of a route step's family that
 * is not the one the step asks for fails the run, nothing done; the one
 * it asks for is the host's and kept (put back as it was if a rename
 * dropped it); an address the host has already is not added nor logged.
 * What the renames will drop (the routes through the NICs, their IPv6
 * addresses) is logged so that the replay puts it back.  Return 0 when
 * every step succeeded.
 * Otherwise delete every namespace this call created, and return -1 with
 * ${err} filled; the state file still lists them (the caller removes it,
 * and replays ${undo}).  ${hooks} may be NULL.
 */
int apply_plan(const struct plan *plan, struct state *st,
    struct undo_log *undo, const struct apply_hooks *hooks,
    struct apply_error *err);

/**
 * apply_teardown(names, n, deleted, err):
 * Delete the named namespaces ${names}[0..${n}) in that order; names that
 * do not exist are skipped.  Store in ${deleted} how many were deleted.
 * Return 0, or -1 with ${err} describing the first failure (the others
 * are still tried).
 */
int apply_teardown(char *const *names, size_t n, size_t *deleted,
    struct nl_error *err);

#endif
