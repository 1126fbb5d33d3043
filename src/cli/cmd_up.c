/* jailnet up, down and status: the simulated network of a site. */
#include "cli/cmd_up.h"

#include <errno.h>
#include <jansson.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/apply.h"
#include "kernel/netns.h"
#include "kernel/plan.h"
#include "kernel/plan_file.h"
#include "kernel/state.h"
#include "kernel/undo.h"
#include "jail/confirm.h"
#include "jail/jail_init.h"
#include "jail/proc_marks.h"
#include "jail/pidref.h"
#include "jail/procs.h"
#include "jail/supervise.h"
#include "services/dns_zone.h"
#include "services/tls_ca.h"
#include "services/secrets.h"
#include "services/ssh_keys.h"
#include "cli/cli.h"
#include "cli/cmd_diff.h"

/*
 * Load ${dir} and plan it (only server ${host_server} on this host if not
 * NULL), printing the diagnostics.  Store the plan in ${plan_out} and the
 * site in ${ps_out} (both owned by the caller) and return 0; else return
 * EXIT_USAGE if ${host_server} names no server of the site (a command-line
 * error), EXIT_INVALID for any other error.
 */
static int
load_plan(const char *dir, const char *host_server, struct plan **plan_out,
    struct pf_site **ps_out)
{
	const struct server *srv;
	struct diags diags;
	struct plan *plan;
	struct pf_site *ps;

	*ps_out = NULL;
	*plan_out = NULL;
	if ((ps = cli_load_site(dir, 0)) == NULL)
		return EXIT_INVALID;
	if (host_server != NULL &&
	    cli_pick_server(ps->site, host_server, &srv) != 0) {
		pf_site_free(ps);
		return EXIT_USAGE;
	}
	diags_init(&diags);
	plan = host_server != NULL ? plan_build_host(ps, host_server,
	    &diags) : plan_build(ps, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (plan == NULL) {
		pf_site_free(ps);
		return EXIT_INVALID;
	}
	*ps_out = ps;
	*plan_out = plan;
	return 0;
}

static bool
all_exist(const struct state *st)
{
	size_t i;

	for (i = 0; i < st->nnetns; i++)
		if (!netns_exists(st->netns[i]))
			return false;
	return st->nnetns > 0;
}

/*
 * Stop the site's processes: its supervisor (which stops its own in
 * reverse order), the jails' inits in reverse order, then whatever still
 * runs in ${names} (left by a killed supervisor or init, or started by
 * `jailnet exec`).
 */
static void
stop_processes(const struct state *st, char *const *names, size_t n)
{
	size_t killed;

	supervise_stop((pid_t)st->supervisor, st->supervisor_start);
	jail_init_stop_all(st);
	supervise_kill_netns(names, n, &killed);
}

/*
 * Put back what `up --host` changed in this host's namespace (undo.h),
 * how many changes in ${undone} if not NULL, and stop the timer of
 * --confirm, which has nothing left to undo; nothing for a simulation.
 */
static int
undo_host(const char *site, size_t *undone, struct nl_error *err)
{
	size_t n;

	if (undo_replay(STATE_ROOT, site, undone != NULL ? undone : &n,
	    err) != 0)
		return -1;
	return confirm_forget(STATE_ROOT, site, err);
}

/*
 * The files `up` makes for the jails' and hosts' generated layers: the
 * site CA and the domain's certificate for the jails that run nginx, the
 * jails' key and password files made root's alone (secrets.h), sshd's
 * host keys and the operator's key (ssh_keys.h), and
 * NSD's configuration and zones for the outside hosts that serve them (a
 * simulation only: a single host has no outside world).  Idempotent.
 */
static int
generate_files(const struct site *site, bool host, struct nl_error *err)
{
	if (tls_site_ensure(DATA_ROOT, site, !host, err) != 0 ||
	    secrets_ensure(DATA_ROOT, site, err) != 0 ||
	    ssh_keys_ensure(DATA_ROOT, site, err) != 0)
		return -1;
	return host ? 0 : dns_generate(DATA_ROOT, site, err);
}

/*
 * Start the inits of ${site}'s jails and servers (only server
 * ${host_server}'s jails, if not NULL: --host, where the server is this
 * host), recorded in ${st}, and tell ${procs}.
 */
static int
start_jails(const struct site *site, const char *host_server,
    struct state *st, struct proc_list *procs, struct nl_error *err)
{
	struct jail_specs specs = { 0 }, drop = { 0 };
	size_t i, n = 0;
	int rc;

	jail_specs_build(site, &specs);
	for (i = 0; host_server != NULL && i < specs.n; i++) {
		if (!specs.v[i].host && str_eq(specs.v[i].server,
		    host_server) && !str_eq(specs.v[i].name,
		    SITE_SERVER_SELF))
			specs.v[n++] = specs.v[i];
		else
			*VEC_PUSH(drop.v, drop.n, drop.cap) = specs.v[i];
	}
	if (host_server != NULL)
		specs.n = n;
	jail_specs_free(&drop);
	rc = jail_init_start_all(&specs, st, err);
	jail_specs_free(&specs);
	jail_init_bind_procs(st, procs);
	return rc;
}

/* Stop the processes, then delete what ${st} lists, newest first, then
   undo the host's changes. */
static int
teardown_listed(const struct state *st, size_t *deleted, struct nl_error *err)
{
	char **rev = xcalloc(st->nnetns + 1, sizeof(*rev));
	size_t i;
	int rc;

	for (i = 0; i < st->nnetns; i++)
		rev[i] = st->netns[st->nnetns - 1 - i];
	stop_processes(st, rev, st->nnetns);
	rc = apply_teardown(rev, st->nnetns, deleted, err);
	if (rc == 0)
		rc = undo_host(strrchr(st->dir, '/') + 1, NULL, err);
	if (rc == 0)
		rc = supervise_remove_files(STATE_ROOT, strrchr(st->dir,
		    '/') + 1, err);
	free(rev);
	return rc;
}

/*
 * --confirm: start the timer (jail/confirm.h) that runs `jailnet down DIR`
 * (${dir} made absolute: the timer runs from /) unless `jailnet confirm`
 * comes within ${seconds}.  Its log, DATA_ROOT/SITE/rollback.log,
 * outlives down, to say afterwards what happened.
 */
static int
arm_confirm(const char *dir, const char *site, unsigned seconds,
    struct nl_error *err)
{
	char *abs, *data, *log, *rollback[4];
	int rc = -1;

	if ((abs = realpath(dir, NULL)) == NULL) {
		nl_error_set(err, errno, "%s", dir);
		return -1;
	}
	data = xasprintf("%s/%s", DATA_ROOT, site);
	log = xasprintf("%s/rollback.log", data);
	if (make_dir_p(data, 0755) != 0)
		nl_error_set(err, errno, "create %s", data);
	else {
		/* The binary that runs now, even if replaced since. */
		rollback[0] = (char *)"/proc/self/exe";
		rollback[1] = (char *)"down";
		rollback[2] = abs;
		rollback[3] = NULL;
		rc = confirm_arm(STATE_ROOT, site, seconds, rollback, log,
		    err);
	}
	free(log);
	free(data);
	free(abs);
	return rc;
}

/*
 * --host: keep only the processes of server ${server}'s jails.  The
 * server's own services are this real host's (its sshd, cron): jailnet
 * never starts a second one beside them.
 */
static void
keep_server_procs(struct proc_list *list, const char *server)
{
	struct proc_list drop = { 0 };
	size_t i, n = 0;

	for (i = 0; i < list->n; i++) {
		if (str_eq(list->procs[i].server, server) &&
		    !str_eq(list->procs[i].jail, SITE_SERVER_SELF))
			list->procs[n++] = list->procs[i];
		else
			*VEC_PUSH(drop.procs, drop.n, drop.cap) =
			    list->procs[i];
	}
	list->n = n;
	procs_free(&drop);
}

int
up_load_procs(const struct site *site, bool no_services, const char *server,
    struct proc_list *list)
{
	struct diags diags;
	int rc;

	diags_init(&diags);
	rc = procs_build(site, !no_services, list, &diags);
	if (rc == 0)
		rc = procs_resolve(list, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (rc == 0 && server != NULL)
		keep_server_procs(list, server);
	return rc;
}

/*
 * Start the supervisor and record it in ${st}, and what each process
 * starts with, which reload compares (proc_marks.h).
 */
static int
start_supervisor(struct state *st, const char *name,
    const struct proc_list *procs, struct nl_error *err)
{
	struct proc_marks marks = { 0 };
	unsigned long long start;
	pid_t pid;
	int rc = -1;

	if (proc_marks_of(procs, &marks, err) != 0)
		goto out;
	if (supervise_start(STATE_ROOT, name, procs, &pid, &start, err) != 0)
		goto out;
	if (state_add_supervisor(st, (long)pid, start, err) != 0 ||
	    proc_marks_save(&marks, STATE_ROOT, name, err) != 0) {
		supervise_stop(pid, start);
		goto out;
	}
	rc = 0;
out:
	proc_marks_free(&marks);
	return rc;
}

/* Remove ${flag} from ${argv} (in place); return whether it was there. */
static void
print_notes(const struct plan *plan)
{
	char where[512];
	size_t i;

	for (i = 0; i < plan->nops; i++)
		if (plan->ops[i].kind == OP_NOTE)
			printf("note: %s (%s)\n", plan->ops[i].text,
			    plan_loc_format(plan->ops[i].loc, where,
			    sizeof(where)));
}

int
cmd_up(int argc, char **argv)
{
	struct apply_hooks hooks;
	struct apply_error aerr;
	struct cli_opts opts;
	struct proc_list procs = { 0 };
	struct state *st = NULL;
	struct strbuf out = { 0 };
	struct nl_error err;
	struct plan *plan;
	struct pf_site *ps;
	struct undo_log *undo = NULL;
	size_t deleted;
	double t0 = monotonic_ms();
	int rc = EXIT_INVALID;
	bool no_services, network_only, host, force, confirm;
	unsigned long confirm_s = 0;
	const char *what;
	char *path = NULL;

	no_services = cli_take_flag(&argc, argv, "--no-services");
	network_only = cli_take_flag(&argc, argv, "--network-only");
	host = cli_take_flag(&argc, argv, "--host");
	force = cli_take_flag(&argc, argv, "--force");
	if (cli_take_uint("up", CMD_UP_USAGE, &argc, argv, "--confirm", 1,
	    CONFIRM_MAX_SECONDS, &confirm, &confirm_s) != 0)
		return EXIT_USAGE;
	if (cli_parse("up", CMD_UP_USAGE, CLI_DRY_RUN | (host ? CLI_SERVER :
	    0), argc, argv, &opts) != 0)
		return EXIT_USAGE;
	if (no_services && network_only)
		return cli_usage("up", CMD_UP_USAGE, "--no-services and "
		    "--network-only: one or the other");
	if (host && opts.server == NULL)
		return cli_usage("up", CMD_UP_USAGE, "--host needs --server "
		    "NAME: which server this host is");
	if (force && !host)
		return cli_usage("up", CMD_UP_USAGE, "--force is for --host: "
		    "the lockout check of a real host");
	if (confirm && (!host || opts.dry_run))
		return cli_usage("up", CMD_UP_USAGE, "--confirm is for "
		    "applying --host: the timer of a real host's change");
	if ((rc = load_plan(opts.site, host ? opts.server : NULL, &plan,
	    &ps)) != 0)
		return rc;
	if (host && (rc = diff_check_lockout("up", opts.site, ps,
	    opts.server, force)) != 0)
		goto out;
	rc = EXIT_INVALID;
	/* Every program is found before anything starts. */
	if (!opts.dry_run && !network_only &&
	    up_load_procs(ps->site, no_services, host ? opts.server : NULL,
	    &procs) != 0) {
		fprintf(stderr, "jailnet up: nothing was started\n");
		goto out;
	}
	if (opts.dry_run) {
		plan_print(plan, &out);
		plan_print_firewalls(plan, &out);
		fputs(strbuf_cstr(&out), stdout);
		strbuf_free(&out);
		rc = 0;
		goto out;
	}
	if (state_lock(STATE_ROOT, plan->site, &st, &err) != 0) {
		fprintf(stderr, "jailnet up: %s\n", err.msg);
		goto out;
	}
	if (st->complete && all_exist(st)) {
		/* A network-only site has no supervisor nor inits. */
		if ((network_only && st->supervisor == 0) ||
		    (pidref_alive((pid_t)st->supervisor,
		    st->supervisor_start) && jail_init_all_alive(st))) {
			printf("%s is already up%s\n", plan->site, confirm ?
			    " (--confirm: nothing was applied, no timer "
			    "started)" : "");
			rc = 0;
			goto out;
		}
		/* The network is up but its supervisor or a jail died. */
		what = pidref_alive((pid_t)st->supervisor,
		    st->supervisor_start) ? "a jail's init" : "its supervisor";
		stop_processes(st, st->netns, st->nnetns);
		if (state_continue(st, &err) != 0 ||
		    generate_files(ps->site, host, &err) != 0 ||
		    start_jails(ps->site, host ? opts.server : NULL, st, &procs,
		    &err) != 0 ||
		    start_supervisor(st, plan->site, &procs, &err) != 0) {
			fprintf(stderr, "jailnet up: %s\n", err.msg);
			goto out;
		}
		printf("%s is up; %s was not running: jails and supervisor "
		    "started again, pid %ld\n", plan->site, what,
		    st->supervisor);
		rc = 0;
		goto out;
	}
	if (st->exists) {
		/* A run was killed half-way: start from nothing. */
		if (teardown_listed(st, &deleted, &err) != 0) {
			fprintf(stderr, "jailnet up: cleaning up an "
			    "interrupted run: %s\n", err.msg);
			goto out;
		}
		printf("%s: removed %zu namespaces left by an interrupted "
		    "run\n", plan->site, deleted);
	}
	if (state_begin(st, &err) != 0) {
		fprintf(stderr, "jailnet up: %s\n", err.msg);
		goto out;
	}
	if (host && (undo_open(STATE_ROOT, plan->site, &undo, &err) != 0 ||
	    undo_server(undo, opts.server, &err) != 0)) {
		fprintf(stderr, "jailnet up: %s\n", err.msg);
		goto out;
	}
	/* Armed before the first change: the change may end this session. */
	if (confirm && arm_confirm(opts.site, plan->site, (unsigned)confirm_s,
	    &err) != 0) {
		fprintf(stderr, "jailnet up: --confirm: %s; nothing was "
		    "applied\n", err.msg);
		if (undo_host(plan->site, NULL, &err) != 0 ||
		    state_remove(st, &err) != 0)
			fprintf(stderr, "jailnet up: %s\n", err.msg);
		goto out;
	}
	apply_hooks_from_env(&hooks);
	if (apply_plan(plan, st, undo, &hooks, &aerr) != 0) {
		fprintf(stderr, "jailnet up: %s\n", aerr.msg);
		if (undo_host(plan->site, NULL, &err) != 0 ||
		    state_remove(st, &err) != 0)
			fprintf(stderr, "jailnet up: %s\n", err.msg);
		fprintf(stderr, "jailnet up: rolled back: every namespace "
		    "this run created for %s is deleted%s\n", plan->site,
		    host ? ", and this host's changes are undone" : "");
		goto out;
	}
	if (!network_only && (generate_files(ps->site, host, &err) != 0 ||
	    start_jails(ps->site, host ? opts.server : NULL, st, &procs,
	    &err) != 0 ||
	    start_supervisor(st, plan->site, &procs, &err) != 0)) {
		fprintf(stderr, "jailnet up: %s\n", err.msg);
		if (teardown_listed(st, &deleted, &err) != 0 ||
		    state_remove(st, &err) != 0)
			fprintf(stderr, "jailnet up: %s\n", err.msg);
		else
			fprintf(stderr, "jailnet up: rolled back: every "
			    "namespace this run created for %s is deleted\n",
			    plan->site);
		goto out;
	}
	/* What reload compares the edited site with. */
	path = plan_file_path(STATE_ROOT, plan->site);
	if (plan_save(plan, network_only ? "--network-only" : no_services ?
	    "--no-services" : NULL, path, &err) != 0 ||
	    state_complete(st, &err) != 0 ||
	    (confirm && confirm_restart(STATE_ROOT, plan->site, &err) != 0)) {
		fprintf(stderr, "jailnet up: %s\n", err.msg);
		goto out;
	}
	print_notes(plan);
	if (confirm)
		printf("%s: rolls back in %lu s (down: the host as it was) "
		    "unless `jailnet confirm %s` stops the timer\n",
		    plan->site, confirm_s, opts.site);
	if (network_only) {
		printf("%s is up: %zu namespaces, %zu steps in %.0f ms; network "
		    "and firewall only: no jail inits, no processes\n",
		    plan->site, plan->nns, plan->nops, monotonic_ms() - t0);
		rc = 0;
		goto out;
	}
	printf("%s is up: %zu namespaces, %zu steps, %zu jail inits in %.0f "
	    "ms; supervisor %ld runs %zu processes%s\n", plan->site, plan->nns,
	    plan->nops, st->ninits, monotonic_ms() - t0, st->supervisor, procs.n,
	    no_services ?
	    " (no services)" : "");
	rc = 0;
out:
	free(path);
	undo_close(undo);
	procs_free(&procs);
	state_close(st);
	plan_free(plan);
	pf_site_free(ps);
	return rc;
}

int
cmd_down(int argc, char **argv)
{
	struct cli_opts opts;
	struct diags diags;
	struct state *st = NULL;
	struct nl_error err;
	struct plan *plan = NULL;
	struct pf_site *ps;
	char **names = NULL, *name, *host = NULL;
	size_t n = 0, cap = 0, i, deleted = 0, undone = 0;
	double t0 = monotonic_ms();
	const char *why;
	int rc = EXIT_INVALID;
	bool purge;

	purge = cli_take_flag(&argc, argv, "--purge");
	if (cli_parse("down", CMD_DOWN_USAGE, 0, argc, argv, &opts) != 0)
		return EXIT_USAGE;
	/* The state's name before anything: "/" or ".." name no site. */
	if ((name = site_name_of(opts.site, &why)) == NULL)
		return cli_usage("down", CMD_DOWN_USAGE, "%s: not a site "
		    "directory: %s", opts.site, why);
	/* A site broken since `up` must still come down: state suffices. */
	diags_init(&diags);
	if ((ps = pf_site_load(opts.site, &diags)) != NULL) {
		free(name);
		name = xstrdup(ps->site->name);
	}
	/*
	 * Up with --host, the names to look for are this server's jails
	 * only: machines played by namespaces of one kernel share
	 * /run/netns, and the other servers' jails and the outside hosts
	 * there are other jailnets' (or the test's), not this down's.
	 */
	host = undo_read_server(STATE_ROOT, name);
	if (ps != NULL)
		plan = host != NULL ? plan_build_host(ps, host, &diags) :
		    plan_build(ps, &diags);
	diags_free(&diags);
	if (state_lock(STATE_ROOT, name, &st, &err) != 0) {
		fprintf(stderr, "jailnet down: %s\n", err.msg);
		goto out;
	}
	/* What the state lists, newest first, then the naming scheme's. */
	for (i = st->nnetns; i-- > 0;)
		*VEC_PUSH(names, n, cap) = st->netns[i];
	for (i = plan != NULL ? plan->nns : 0; i-- > 0;)
		if (netns_exists(plan->ns[i].name))
			*VEC_PUSH(names, n, cap) = plan->ns[i].name;
	stop_processes(st, names, n);
	if (apply_teardown(names, n, &deleted, &err) != 0 ||
	    undo_host(name, &undone, &err) != 0 ||
	    supervise_remove_files(STATE_ROOT, name, &err) != 0 ||
	    plan_file_remove(STATE_ROOT, name, &err) != 0 ||
	    proc_marks_remove(STATE_ROOT, name, &err) != 0) {
		fprintf(stderr, "jailnet down: %s\n", err.msg);
		goto out;
	}
	if (state_remove(st, &err) != 0) {
		fprintf(stderr, "jailnet down: %s\n", err.msg);
		goto out;
	}
	if (purge && state_purge_data(DATA_ROOT, name, &err) != 0) {
		fprintf(stderr, "jailnet down: %s\n", err.msg);
		goto out;
	}
	if (host != NULL)
		printf("%s is down: server %s on this host, %zu changes "
		    "undone, %zu namespaces deleted in %.0f ms\n", name, host,
		    undone, deleted, monotonic_ms() - t0);
	else if (deleted == 0)
		printf("%s is not up\n", name);
	else
		printf("%s is down: %zu namespaces deleted in %.0f ms\n",
		    name, deleted, monotonic_ms() - t0);
	if (purge)
		printf("%s: removed %s/%s\n", name, DATA_ROOT, name);
	rc = 0;
out:
	free(host);
	free(names);
	free(name);
	state_close(st);
	plan_free(plan);
	pf_site_free(ps);
	return rc;
}

/* The live links of one namespace, for status. */
static json_t *
probe_links(const char *ns, bool *ok)
{
	struct nl_link_info *links = NULL;
	struct nl_addr_info *addrs = NULL;
	struct nl_sock *sk = NULL;
	struct nl_error err;
	json_t *arr = json_array();
	size_t nlinks = 0, naddrs = 0, i, k;
	char buf[IPADDR_STRLEN];
	int fd = -1;

	if (netns_open(ns, &fd, &err) != 0 || nl_open_netns(fd, &sk,
	    &err) != 0 || nl_link_list(sk, &links, &nlinks, &err) != 0 ||
	    nl_addr_list(sk, NULL, 0, AF_UNSPEC, &addrs, &naddrs,
	    &err) != 0) {
		*ok = false;
		goto out;
	}
	for (i = 0; i < nlinks; i++) {
		json_t *o = json_object(), *a = json_array();
		const char *master = NULL;

		for (k = 0; k < nlinks; k++)
			if (links[i].master != 0 &&
			    links[k].ifindex == links[i].master)
				master = links[k].name;
		for (k = 0; k < naddrs; k++)
			if (addrs[k].ifindex == links[i].ifindex &&
			    addrs[k].scope != RT_SCOPE_LINK)
				json_array_append_new(a, json_string(
				    ipprefix_format(&addrs[k].addr, buf)));
		json_object_set_new(o, "name", json_string(links[i].name));
		json_object_set_new(o, "kind", json_string(links[i].kind));
		json_object_set_new(o, "up", json_boolean(links[i].up));
		json_object_set_new(o, "master", master != NULL ?
		    json_string(master) : json_null());
		json_object_set_new(o, "addresses", a);
		json_array_append_new(arr, o);
	}
out:
	free(links);
	free(addrs);
	nl_close(sk);
	if (fd >= 0)
		close(fd);
	return arr;
}

static const char *
role_name(enum ns_role role)
{
	switch (role) {
	case NS_NETWORK:
		return "network";
	case NS_HOST:
		return "host";
	case NS_SERVER:
		return "server";
	case NS_JAIL:
		return "jail";
	}
	return "?";
}

static void
print_links(const json_t *links, const char *indent)
{
	const json_t *l, *a;
	size_t i, k;

	json_array_foreach(links, i, l) {
		printf("%s%-11s %-6s %-4s", indent,
		    json_string_value(json_object_get(l, "name")),
		    json_string_value(json_object_get(l, "kind"))[0] != '\0' ?
		    json_string_value(json_object_get(l, "kind")) : "-",
		    json_is_true(json_object_get(l, "up")) ? "up" : "down");
		json_array_foreach(json_object_get(l, "addresses"), k, a)
			printf(" %s", json_string_value(a));
		if (json_is_string(json_object_get(l, "master")))
			printf(" (port of %s)", json_string_value(
			    json_object_get(l, "master")));
		printf("\n");
	}
}

/* The processes the supervisor reports, with the last log line of those
 * not running. */
static json_t *
probe_processes(const char *site, const struct state *st)
{
	struct proc_status *ps;
	json_t *o = json_object(), *arr = json_array();
	size_t n, i;
	bool alive = pidref_alive((pid_t)st->supervisor,
	    st->supervisor_start);

	json_object_set_new(o, "pid", st->supervisor != 0 ?
	    json_integer(st->supervisor) : json_null());
	json_object_set_new(o, "running", json_boolean(alive));
	supervise_read_status(STATE_ROOT, site, &ps, &n);
	for (i = 0; i < n; i++) {
		json_t *p = json_object();
		char *log, *last;

		json_object_set_new(p, "server", json_string(ps[i].server));
		json_object_set_new(p, "jail", json_string(ps[i].jail));
		json_object_set_new(p, "kind", json_string(ps[i].kind));
		json_object_set_new(p, "name", json_string(ps[i].name));
		json_object_set_new(p, "pid", json_integer(ps[i].pid));
		/* A dead supervisor's file is stale: say so. */
		json_object_set_new(p, "state", json_string(alive ?
		    ps[i].state : "unsupervised"));
		json_object_set_new(p, "restarts",
		    json_integer((json_int_t)ps[i].restarts));
		log = supervise_log_path(STATE_ROOT, site, ps[i].server,
		    ps[i].jail, ps[i].name);
		json_object_set_new(p, "log", json_string(log));
		last = strcmp(ps[i].state, "running") != 0 ?
		    supervise_last_line(log) : NULL;
		json_object_set_new(p, "last_log_line", last != NULL ?
		    json_string(last) : json_null());
		free(last);
		free(log);
		json_array_append_new(arr, p);
	}
	supervise_status_free(ps, n);
	json_object_set_new(o, "processes", arr);
	return o;
}

/*
 * The jails' inits: pid, running, and each namespace ("pid:[4026...]")
 * with whether it is the jail's own or jailnet's.
 */
static json_t *
probe_jails(const struct state *st, bool *all_running)
{
	json_t *arr = json_array();
	char path[64], mine[64], theirs[64];
	size_t i, k;
	ssize_t n;

	*all_running = true;
	for (i = 0; i < st->ninits; i++) {
		const struct state_init *in = &st->inits[i];
		bool alive = pidref_alive((pid_t)in->pid, in->start);
		json_t *o = json_object(), *nss = json_object();

		json_object_set_new(o, "server", in->host ? json_null() :
		    json_string(in->server));
		json_object_set_new(o, in->host ? "host" : "jail",
		    json_string(in->name));
		json_object_set_new(o, "init_pid", json_integer(in->pid));
		json_object_set_new(o, "running", json_boolean(alive));
		for (k = 0; alive && k < JAIL_NS_N; k++) {
			json_t *ns = json_object();

			snprintf(path, sizeof(path), "/proc/%ld/ns/%s",
			    in->pid, jail_ns_name(k));
			n = readlink(path, theirs, sizeof(theirs) - 1);
			theirs[n > 0 ? n : 0] = '\0';
			snprintf(path, sizeof(path), "/proc/self/ns/%s",
			    jail_ns_name(k));
			n = readlink(path, mine, sizeof(mine) - 1);
			mine[n > 0 ? n : 0] = '\0';
			json_object_set_new(ns, "id", json_string(theirs));
			json_object_set_new(ns, "own", json_boolean(
			    strcmp(mine, theirs) != 0));
			json_object_set_new(nss, jail_ns_name(k), ns);
		}
		json_object_set_new(o, "namespaces", nss);
		json_array_append_new(arr, o);
		*all_running = *all_running && alive;
	}
	return arr;
}

static void
print_jails(const json_t *jails)
{
	const json_t *j, *ns;
	const char *k;
	char where[256];
	size_t i;

	json_array_foreach(jails, i, j) {
		if (json_is_string(json_object_get(j, "host")))
			snprintf(where, sizeof(where), "host/%s",
			    json_string_value(json_object_get(j, "host")));
		else
			snprintf(where, sizeof(where), "%s/%s",
			    json_string_value(json_object_get(j, "server")),
			    json_string_value(json_object_get(j, "jail")));
		printf("  jail %-14s init %-7lld %-11s", where,
		    json_integer_value(json_object_get(j, "init_pid")),
		    json_is_true(json_object_get(j, "running")) ? "running" :
		    "not running");
		json_object_foreach((json_t *)json_object_get(j, "namespaces"),
		    k, ns)
			printf(" %s%s", k, json_is_true(json_object_get(ns,
			    "own")) ? "" : "=host");
		printf("\n");
	}
}

static void
print_processes(const json_t *sv)
{
	const json_t *p, *last;
	size_t i;

	char where[256];

	if (json_is_integer(json_object_get(sv, "pid")))
		printf("  supervisor %lld %s\n", json_integer_value(
		    json_object_get(sv, "pid")), json_is_true(json_object_get(
		    sv, "running")) ? "running" : "not running");
	else
		printf("  supervisor none\n");
	json_array_foreach(json_object_get(sv, "processes"), i, p) {
		snprintf(where, sizeof(where), "%s/%s", json_string_value(
		    json_object_get(p, "server")), json_string_value(
		    json_object_get(p, "jail")));
		printf("    %-12s %-7s %-10s pid %-7lld %-10s restarts %lld\n",
		    where,
		    json_string_value(json_object_get(p, "kind")),
		    json_string_value(json_object_get(p, "name")),
		    json_integer_value(json_object_get(p, "pid")),
		    json_string_value(json_object_get(p, "state")),
		    json_integer_value(json_object_get(p, "restarts")));
		last = json_object_get(p, "last_log_line");
		if (json_is_string(last))
			printf("      last log line: %s\n",
			    json_string_value(last));
	}
}

/* status: the timer of `up --confirm`, if one runs or has run out. */
static json_t *
confirm_json(const char *site)
{
	struct confirm_info ci;
	json_t *o;

	confirm_read(STATE_ROOT, site, &ci);
	if (!ci.pending && !ci.expired)
		return json_null();
	o = json_object();
	json_object_set_new(o, "state", json_string(ci.expired ?
	    "rolling back" : ci.alive ? "pending" : "orphaned"));
	if (ci.pending) {
		json_object_set_new(o, "seconds", json_integer(ci.seconds));
		json_object_set_new(o, "left", json_integer(ci.left > 0 ?
		    ci.left : 0));
	}
	return o;
}

static void
print_confirm(const json_t *o, const char *dir)
{
	const char *state = json_string_value(json_object_get(o, "state"));

	if (state == NULL)
		return;
	if (str_eq(state, "pending"))
		printf("  confirm  rolls back in %lld s unless `jailnet "
		    "confirm %s`\n", (long long)json_integer_value(
		    json_object_get(o, "left")), dir);
	else if (str_eq(state, "orphaned"))
		printf("  confirm  the timer's process is gone: nothing will "
		    "roll back\n");
	else
		printf("  confirm  not confirmed in time: rolling back\n");
}

int
cmd_confirm(int argc, char **argv)
{
	enum confirm_outcome outcome;
	struct cli_opts opts;
	struct state *st = NULL;
	struct nl_error err;
	char *name, *log;
	const char *why;
	long left;
	int rc = EXIT_INVALID;
	bool had_log;

	if (cli_parse("confirm", CMD_CONFIRM_USAGE, 0, argc, argv,
	    &opts) != 0)
		return EXIT_USAGE;
	if ((name = site_name_of(opts.site, &why)) == NULL)
		return cli_usage("confirm", CMD_CONFIRM_USAGE, "%s: not a "
		    "site directory: %s", opts.site, why);
	log = xasprintf("%s/%s/rollback.log", DATA_ROOT, name);
	if (state_lock(STATE_ROOT, name, &st, &err) != 0 ||
	    confirm_stop(STATE_ROOT, name, &outcome, &left, &err) != 0) {
		fprintf(stderr, "jailnet confirm: %s\n", err.msg);
		goto out;
	}
	switch (outcome) {
	case CONFIRM_DONE:
		printf("%s: confirmed with %ld s left: the change stays\n",
		    name, left > 0 ? left : 0);
		rc = 0;
		break;
	case CONFIRM_ORPHAN:
		printf("%s: confirmed; its timer had stopped by itself (the "
		    "process was gone): the change stays\n", name);
		rc = 0;
		break;
	case CONFIRM_LATE:
		fprintf(stderr, "jailnet confirm: %s: too late: the timer ran "
		    "out and the rollback is under way (%s)\n", name, log);
		break;
	case CONFIRM_NONE:
		had_log = access(log, F_OK) == 0;
		fprintf(stderr, "jailnet confirm: %s: no timer runs (`up "
		    "--host --confirm SECONDS` starts one)%s%s\n", name,
		    had_log ? "; what the last one did: " : "",
		    had_log ? log : "");
		break;
	}
out:
	/* Nothing up: leave no lock behind (a rollback's files, if any,
	   keep the directory for it). */
	if (st != NULL && !st->exists)
		(void)state_remove(st, &err);
	state_close(st);
	free(log);
	free(name);
	return rc;
}

int
cmd_status(int argc, char **argv)
{
	struct cli_opts opts;
	struct state *st = NULL;
	struct nl_error err;
	struct plan *plan;
	struct pf_site *ps;
	json_t *root, *nss, *o, *sv, *jails;
	size_t i, nexist = 0;
	bool up, ok = true, jails_ok;
	char *text, *base, *host;
	const char *why;
	int rc;

	if (cli_parse("status", CMD_STATUS_USAGE, CLI_JSON, argc, argv,
	    &opts) != 0)
		return EXIT_USAGE;
	/* A server up on this host (--host) has its own plan. */
	if ((base = site_name_of(opts.site, &why)) == NULL)
		return cli_usage("status", CMD_STATUS_USAGE, "%s: not a site "
		    "directory: %s", opts.site, why);
	host = undo_read_server(STATE_ROOT, base);
	/* The server named by the undo log is not the command line's: an
	   unknown one is an invalid state, not a usage error. */
	rc = load_plan(opts.site, host, &plan, &ps);
	free(base);
	free(host);
	if (rc != 0)
		return EXIT_INVALID;
	if (state_read(STATE_ROOT, plan->site, &st, &err) != 0) {
		fprintf(stderr, "jailnet status: %s\n", err.msg);
		plan_free(plan);
		pf_site_free(ps);
		return EXIT_INVALID;
	}
	root = json_object();
	nss = json_array();
	for (i = 0; i < plan->nns; i++) {
		/* --host: the server is this host's own namespace. */
		bool exists = plan->ns[i].current ||
		    netns_exists(plan->ns[i].name);

		o = json_object();
		json_object_set_new(o, "name", json_string(plan->ns[i].name));
		json_object_set_new(o, "role",
		    json_string(role_name(plan->ns[i].role)));
		json_object_set_new(o, "exists", json_boolean(exists));
		if (exists && !plan->ns[i].current &&
		    (plan->ns[i].role == NS_SERVER ||
		    plan->ns[i].role == NS_JAIL))
			json_object_set_new(o, "links",
			    probe_links(plan->ns[i].name, &ok));
		json_array_append_new(nss, o);
		nexist += exists;
	}
	jails = probe_jails(st, &jails_ok);
	sv = probe_processes(plan->site, st);
	/* A site whose supervisor died is not up: nothing restarts its
	   services, and their states in the file are stale. */
	up = st->complete && nexist == plan->nns && ok && jails_ok &&
	    (st->supervisor == 0 ||
	    json_is_true(json_object_get(sv, "running")));
	json_object_set_new(root, "site", json_string(plan->site));
	json_object_set_new(root, "up", json_boolean(up));
	json_object_set_new(root, "state", json_string(!st->exists ? "none" :
	    st->complete ? "complete" : "incomplete"));
	json_object_set_new(root, "namespaces", nss);
	json_object_set_new(root, "jails", jails);
	json_object_set_new(root, "supervisor", sv);
	json_object_set_new(root, "confirm", confirm_json(plan->site));
	if (opts.json) {
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
	} else {
		printf("site %s: %s (state %s, %zu of %zu namespaces)\n",
		    plan->site, up ? "up" : "not up", !st->exists ? "none" :
		    st->complete ? "complete" : "incomplete", nexist,
		    plan->nns);
		json_array_foreach(nss, i, o) {
			printf("  %-8s %s%s\n", json_string_value(
			    json_object_get(o, "role")), json_string_value(
			    json_object_get(o, "name")), json_is_true(
			    json_object_get(o, "exists")) ? "" : " (missing)");
			if (json_object_get(o, "links") != NULL)
				print_links(json_object_get(o, "links"),
				    "      ");
		}
		print_jails(jails);
		print_processes(sv);
		print_confirm(json_object_get(root, "confirm"), opts.site);
	}
	json_decref(root);
	state_close(st);
	plan_free(plan);
	pf_site_free(ps);
	return up ? 0 : EXIT_INVALID;
}
