/* jailnet reload: a running site's edited files applied in place. */
#include "cli/cmd_reload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/plan.h"
#include "kernel/plan_diff.h"
#include "kernel/plan_file.h"
#include "kernel/reload.h"
#include "kernel/state.h"
#include "kernel/undo.h"
#include "jail/proc_marks.h"
#include "jail/procs.h"
#include "jail/supervise.h"
#include "cli/cli.h"
#include "cli/cmd_diff.h"
#include "cli/cmd_up.h"

/* How long a restarted process may take to stop and start again. */
#define RELOAD_RESTART_MS (SUPERVISE_STOP_MS + 1000 * SUPERVISE_GROUP_WAIT_S + 2000)

/* What reload does with the site's processes. */
struct proc_changes {
	struct proc_list procs;		/* as the edited site has them */
	struct proc_marks marks;	/* ... and their marks */
	const struct proc_spec **restart;	/* of ${procs} */
	size_t nrestart, caprestart;
	size_t ntopology;	/* processes added or removed */
	struct strbuf lines;	/* what reload -n prints of them */
};

/*
 * --rebuild: `down` then `up` of ${dir} as it was brought up (${tag}: up's
 * option, or NULL; ${host}: the server of a --host site, or NULL; ${force}:
 * reload's --force, for up's lockout check).  Down without --purge keeps
 * the jails' data.
 */
static int
rebuild(const char *dir, const char *tag, const char *host, bool force)
{
	char *down[] = { (char *)dir };
	char *up[6] = { (char *)dir };
	int n = 1, rc;

	if ((rc = cmd_down(1, down)) != 0)
		return rc;
	if (tag != NULL)
		up[n++] = (char *)tag;
	if (host != NULL) {
		up[n++] = "--server";
		up[n++] = (char *)host;
		up[n++] = "--host";
		/* reload's lockout check was up's: the same site. */
		if (force)
			up[n++] = "--force";
	}
	return cmd_up(n, up);
}

/*
 * Fill ${pc} with what differs between the processes the site runs (their
 * marks ${old}) and those of its edited files ${site}, brought up as
 * ${tag} says, on ${host} only if not NULL; only server ${server}'s if it
 * is not NULL.  Return 0, or -1 after printing why.
 */
static int
compare_procs(const struct site *site, const char *tag, const char *host,
    const char *server, const struct proc_marks *old,
    struct proc_changes *pc)
{
	struct nl_error err;
	size_t i;

	if (up_load_procs(site, tag != NULL, host, &pc->procs) != 0)
		return -1;
	if (proc_marks_of(&pc->procs, &pc->marks, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < pc->procs.n; i++) {
		const struct proc_spec *p = &pc->procs.procs[i];
		const struct proc_mark *m = &pc->marks.v[i], *was;
		const char *what;

		if (server != NULL && !str_eq(p->server, server))
			continue;
		was = proc_marks_find(old, m->server, m->jail, m->kind,
		    m->name);
		if (was == NULL) {
			strbuf_addf(&pc->lines, "  + %s %s in %s/%s  "
			    "[topology: needs --rebuild]\n", m->kind, m->name,
			    m->server, m->jail);
			pc->ntopology++;
			continue;
		}
		what = strcmp(was->cmd, m->cmd) != 0 ? strcmp(was->files,
		    m->files) != 0 ? "its command and files changed" :
		    "its command changed" : strcmp(was->files, m->files) != 0 ?
		    "its files changed" : NULL;
		if (what == NULL)
			continue;
		strbuf_addf(&pc->lines, "  ~ %s %s in %s/%s: %s  "
		    "[restarted]\n", m->kind, m->name, m->server, m->jail,
		    what);
		*VEC_PUSH(pc->restart, pc->nrestart, pc->caprestart) = p;
	}
	for (i = 0; i < old->n; i++) {
		const struct proc_mark *m = &old->v[i];

		if ((server != NULL && !str_eq(m->server, server)) ||
		    proc_marks_find(&pc->marks, m->server, m->jail, m->kind,
		    m->name) != NULL)
			continue;
		strbuf_addf(&pc->lines, "  - %s %s in %s/%s  "
		    "[topology: needs --rebuild]\n", m->kind, m->name,
		    m->server, m->jail);
		pc->ntopology++;
	}
	return 0;
}

/*
 * Record in ROOT/SITE/services that the processes of ${pc} to restart now
 * run with their new marks; the others' stay as ${marks} has them.
 */
static int
save_restarted(struct proc_marks *marks, const struct proc_changes *pc,
    const char *site, struct nl_error *err)
{
	size_t i;

	for (i = 0; i < pc->nrestart; i++)
		proc_marks_set(marks, &pc->marks.v[pc->restart[i] -
		    pc->procs.procs]);
	return proc_marks_save(marks, STATE_ROOT, site, err);
}

static void
proc_changes_free(struct proc_changes *pc)
{
	procs_free(&pc->procs);
	proc_marks_free(&pc->marks);
	free(pc->restart);
	strbuf_free(&pc->lines);
}

/*
 * A jail sees its site tree through overlayfs, which keeps the file it
 * looked up last: a file the edit replaced (renamed over it, as editors,
 * sed -i and git do) would still read as it was.  Dropping the kernel's
 * unused dentries and inodes makes the restarted service look it up
 * again.  It frees caches only; nothing is lost.
 */
static int
forget_cached_files(struct nl_error *err)
{
	const char *path = "/proc/sys/vm/drop_caches";
	int fd, rc = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, "2\n", 2) != 2) {
		nl_error_set(err, errno, "write %s", path);
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int
cmd_reload(int argc, char **argv)
{
	struct plan_diff diff = { 0 }, whole = { 0 };
	struct proc_changes pc = { 0 };
	struct proc_marks marks = { 0 };
	size_t nchanges, ntopology;
	struct cli_opts opts;
	struct diags diags;
	struct state *st = NULL;
	struct strbuf out = { 0 };
	struct nl_error err;
	struct plan *old = NULL, *plan = NULL;
	struct pf_site *ps;
	const struct server *srv;
	char *path = NULL, *tag = NULL, *host = NULL;
	double t0 = monotonic_ms();
	size_t done;
	bool rebuild_it, force;
	int rc = EXIT_INVALID;

	rebuild_it = cli_take_flag(&argc, argv, "--rebuild");
	force = cli_take_flag(&argc, argv, "--force");
	if (cli_parse("reload", CMD_RELOAD_USAGE, CLI_DRY_RUN | CLI_SERVER,
	    argc, argv, &opts) != 0)
		return EXIT_USAGE;
	/* The edited files are checked first, as `up` checks them. */
	if ((ps = cli_load_site(opts.site, 0)) == NULL) {
		fprintf(stderr, "jailnet reload: nothing was applied\n");
		return EXIT_INVALID;
	}
	if (cli_pick_server(ps->site, opts.server, &srv) != 0) {
		pf_site_free(ps);
		fprintf(stderr, "usage: jailnet %s\n", CMD_RELOAD_USAGE);
		return EXIT_USAGE;
	}
	/* A look first: the lock would make ROOT/SITE of a site not up. */
	if (state_read(STATE_ROOT, ps->site->name, &st, &err) == 0 &&
	    st->complete) {
		state_close(st);
		/* The lock keeps up, down and another reload out meanwhile. */
		if (state_lock(STATE_ROOT, ps->site->name, &st, &err) != 0) {
			st = NULL;
			fprintf(stderr, "jailnet reload: %s\n", err.msg);
			goto out;
		}
	}
	if (st == NULL || !st->complete) {
		fprintf(stderr, "jailnet reload: %s is not up (jailnet up %s "
		    "brings it up)\n", ps->site->name, opts.site);
		goto out;
	}
	path = plan_file_path(STATE_ROOT, ps->site->name);
	if (plan_load(path, &old, &tag, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s%s\n", err.msg,
		    err.errnum == ENOENT ? ": the site was brought up "
		    "without one; jailnet down and up bring it up with one" :
		    "");
		goto out;
	}
	host = old->host ? undo_read_server(STATE_ROOT, ps->site->name) :
	    NULL;
	if (old->host && host == NULL) {
		fprintf(stderr, "jailnet reload: %s is up with --host but "
		    "names no server in %s/%s/undo\n", ps->site->name,
		    STATE_ROOT, ps->site->name);
		goto out;
	}
	if (force && host == NULL) {
		rc = cli_usage("reload", CMD_RELOAD_USAGE, "--force is for a "
		    "site up with --host: the lockout check of a real host");
		goto out;
	}
	diags_init(&diags);
	plan = host != NULL ? plan_build_host(ps, host, &diags) :
	    plan_build(ps, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (plan == NULL) {
		fprintf(stderr, "jailnet reload: nothing was applied\n");
		goto out;
	}
	/* A real host's firewall: as `up --host`, before anything. */
	if (host != NULL && (rc = diff_check_lockout("reload", opts.site, ps,
	    host, force)) != 0)
		goto out;
	rc = EXIT_INVALID;
	plan_diff(old, plan, opts.server, &diff);
	/* A site brought up --network-only runs no process. */
	if (tag == NULL || !str_eq(tag, "--network-only")) {
		if (proc_marks_load(STATE_ROOT, ps->site->name, &marks,
		    &err) != 0) {
			fprintf(stderr, "jailnet reload: %s%s\n", err.msg,
			    err.errnum == ENOENT ? ": the site was brought "
			    "up without one; jailnet down and up bring it up "
			    "with one" : "");
			goto out;
		}
		if (compare_procs(ps->site, tag, host, opts.server, &marks,
		    &pc) != 0) {
			fprintf(stderr, "jailnet reload: nothing was "
			    "applied\n");
			goto out;
		}
	}
	nchanges = diff.n + pc.nrestart + pc.ntopology;
	ntopology = diff.ntopology + pc.ntopology;
	strbuf_addf(&out, "reload of site %s%s%s: %zu change%s%s\n",
	    plan->site, opts.server != NULL ? ", server " : "",
	    opts.server != NULL ? opts.server : "", nchanges,
	    nchanges == 1 ? "" : "s", opts.dry_run ? " (-n: none applied)" :
	    "");
	if (diff.n > 0)
		plan_diff_print(&diff, &out);
	strbuf_adds(&out, strbuf_cstr(&pc.lines));
	if (nchanges == 0)
		strbuf_adds(&out, "  (no change)\n");
	fputs(strbuf_cstr(&out), stdout);
	fflush(stdout);
	if (opts.dry_run) {
		rc = 0;
		goto out;
	}
	if (ntopology > 0 && !rebuild_it) {
		fprintf(stderr, "jailnet reload: %zu change%s need%s the "
		    "topology rebuilt (marked [topology] above); nothing was "
		    "applied; --rebuild brings the site down and up again, "
		    "keeping its data\n", ntopology,
		    ntopology == 1 ? "" : "s",
		    ntopology == 1 ? "s" : "");
		goto out;
	}
	if (ntopology > 0) {
		/* down and up take the lock themselves. */
		state_close(st);
		st = NULL;
		printf("%s: rebuilding: down, then up\n", plan->site);
		fflush(stdout);
		rc = rebuild(opts.site, tag, host, force);
		goto out;
	}
	if (nchanges == 0) {
		printf("%s: nothing to change\n", plan->site);
		rc = 0;
		goto out;
	}
	if (reload_apply(&diff, &done, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s (%zu of %zu changes "
		    "applied before it)\n", err.msg, done, nchanges);
		goto out;
	}
	if (pc.nrestart > 0 && (forget_cached_files(&err) != 0 ||
	    supervise_restart(STATE_ROOT, ps->site->name,
	    (pid_t)st->supervisor, st->supervisor_start, pc.restart,
	    pc.nrestart, RELOAD_RESTART_MS, &err) != 0 ||
	    save_restarted(&marks, &pc, ps->site->name, &err) != 0)) {
		fprintf(stderr, "jailnet reload: restarting: %s (%zu of %zu "
		    "changes applied before it)\n", err.msg, done, nchanges);
		goto out;
	}
	done += pc.nrestart;
	/*
	 * The new plan is the site's unless --server left another server's
	 * changes out: then the old stays, and a later reload does this
	 * server's again (every change is idempotent).
	 */
	plan_diff(old, plan, NULL, &whole);
	if (whole.n == diff.n && whole.n > 0 &&
	    plan_save(plan, tag, path, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s\n", err.msg);
		goto out;
	}
	printf("%s reloaded: %zu change%s applied in %.0f ms\n", plan->site,
	    done, done == 1 ? "" : "s", monotonic_ms() - t0);
	rc = 0;
out:
	proc_changes_free(&pc);
	proc_marks_free(&marks);
	plan_diff_free(&whole);
	plan_diff_free(&diff);
	strbuf_free(&out);
	free(host);
	free(tag);
	free(path);
	state_close(st);
	plan_free(old);
	plan_free(plan);
	pf_site_free(ps);
	return rc;
}
