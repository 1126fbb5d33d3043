/* jailnet reload: a running site's edited files applied in place. */
#include "cli/cmd_reload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"
#include "kernel/plan.h"
#include "kernel/plan_diff.h"
#include "kernel/plan_file.h"
#include "kernel/reload.h"
#include "kernel/state.h"
#include "kernel/undo.h"
#include "cli/cli.h"
#include "cli/cmd_up.h"

/*
 * --rebuild: `down` then `up` of ${dir} as it was brought up (${tag}: up's
 * option, or NULL; ${host}: the server of a --host site, or NULL).  Down
 * without --purge keeps the jails' data.
 */
static int
rebuild(const char *dir, const char *tag, const char *host)
{
	char *down[] = { (char *)dir };
	char *up[5] = { (char *)dir };
	int n = 1, rc;

	if ((rc = cmd_down(1, down)) != 0)
		return rc;
	if (tag != NULL)
		up[n++] = (char *)tag;
	if (host != NULL) {
		up[n++] = "--server";
		up[n++] = (char *)host;
		up[n++] = "--host";
	}
	return cmd_up(n, up);
}

int
cmd_reload(int argc, char **argv)
{
	struct plan_diff diff = { 0 }, whole = { 0 };
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
	bool rebuild_it;
	int rc = EXIT_INVALID;

	rebuild_it = cli_take_flag(&argc, argv, "--rebuild");
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
	diags_init(&diags);
	plan = host != NULL ? plan_build_host(ps, host, &diags) :
	    plan_build(ps, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (plan == NULL) {
		fprintf(stderr, "jailnet reload: nothing was applied\n");
		goto out;
	}
	plan_diff(old, plan, opts.server, &diff);
	strbuf_addf(&out, "reload of site %s%s%s: %zu change%s%s\n",
	    plan->site, opts.server != NULL ? ", server " : "",
	    opts.server != NULL ? opts.server : "", diff.n,
	    diff.n == 1 ? "" : "s", opts.dry_run ? " (-n: none applied)" : "");
	plan_diff_print(&diff, &out);
	fputs(strbuf_cstr(&out), stdout);
	fflush(stdout);
	if (opts.dry_run) {
		rc = 0;
		goto out;
	}
	if (diff.ntopology > 0 && !rebuild_it) {
		fprintf(stderr, "jailnet reload: %zu change%s need%s the "
		    "topology rebuilt (marked [topology] above); nothing was "
		    "applied; --rebuild brings the site down and up again, "
		    "keeping its data\n", diff.ntopology,
		    diff.ntopology == 1 ? "" : "s",
		    diff.ntopology == 1 ? "s" : "");
		goto out;
	}
	if (diff.ntopology > 0) {
		/* down and up take the lock themselves. */
		state_close(st);
		st = NULL;
		printf("%s: rebuilding: down, then up\n", plan->site);
		fflush(stdout);
		rc = rebuild(opts.site, tag, host);
		goto out;
	}
	if (diff.n == 0) {
		printf("%s: nothing to change\n", plan->site);
		rc = 0;
		goto out;
	}
	if (reload_apply(&diff, &done, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s (%zu of %zu changes "
		    "applied before it)\n", err.msg, done, diff.n);
		goto out;
	}
	/*
	 * The new plan is the site's unless --server left another server's
	 * changes out: then the old stays, and a later reload does this
	 * server's again (every change is idempotent).
	 */
	plan_diff(old, plan, NULL, &whole);
	if (whole.n == diff.n && plan_save(plan, tag, path, &err) != 0) {
		fprintf(stderr, "jailnet reload: %s\n", err.msg);
		goto out;
	}
	printf("%s reloaded: %zu change%s applied in %.0f ms\n", plan->site,
	    done, done == 1 ? "" : "s", monotonic_ms() - t0);
	rc = 0;
out:
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
