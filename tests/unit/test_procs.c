/*
 * Tests of procs (the jail processes of a site, command splitting) and of
 * the supervisor's line in the state file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "model/site.h"
#include "kernel/state.h"
#include "jail/pidref.h"
#include "jail/procs.h"
#include "jail/supervise.h"
#include "fixture.h"
#include "test.h"

/* Split ${line} and return its words joined by '|', or "ERR: why". */
static char *
split(const char *line)
{
	struct strbuf sb = { 0 };
	const char *why;
	char **argv;
	size_t argc, i;

	if (procs_split_command(line, &argv, &argc, &why) != 0)
		return xasprintf("ERR: %s", why);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strbuf_addc(&sb, '|');
		strbuf_adds(&sb, argv[i]);
	}
	if (argv[argc] != NULL)
		strbuf_adds(&sb, "NOT-NULL-TERMINATED");
	procs_free_argv(argv);
	return strbuf_steal(&sb);
}

#define CHECK_SPLIT(line, want) do {					\
	char *split_ = split(line);					\
	CHECK_STR_EQ(split_, want);					\
	free(split_);							\
} while (0)

TEST(procs_split_words)
{
	CHECK_SPLIT("/bin/sleep 1000", "/bin/sleep|1000");
	CHECK_SPLIT("  a\t b \n c  ", "a|b|c");
	CHECK_SPLIT("nginx -g 'daemon off;'", "nginx|-g|daemon off;");
	CHECK_SPLIT("sh -c \"echo \\\"hi\\\" \\$HOME\"",
	    "sh|-c|echo \"hi\" $HOME");
	CHECK_SPLIT("a\\ b c", "a b|c");
	CHECK_SPLIT("x'y'\"z\"w", "xyzw");
	CHECK_SPLIT("'' b", "|b");
	CHECK_SPLIT("\"a\\nb\"", "a\\nb");
	CHECK_SPLIT("'a\\b'", "a\\b");
}

TEST(procs_split_errors)
{
	CHECK_SPLIT("", "ERR: empty command");
	CHECK_SPLIT("   ", "ERR: empty command");
	CHECK_SPLIT("a 'b", "ERR: unterminated single quote");
	CHECK_SPLIT("a \"b", "ERR: unterminated double quote");
	CHECK_SPLIT("a \\", "ERR: backslash at the end");
}

TEST(procs_build_example)
{
	struct proc_list list = { 0 };
	struct site *site = fixture_example();
	struct diags d;
	const struct proc_spec *p;
	size_t i, npipes = 0, nservices = 0;

	if (site == NULL)
		return;
	diags_init(&d);
	CHECK_INT_EQ(procs_build(site, false, &list, &d), 0);
	CHECK_INT_EQ(list.n, 8);
	/* Boot order: server a's pg_j first (jail.conf order). */
	p = &list.procs[0];
	CHECK_STR_EQ(p->server, "a");
	CHECK_STR_EQ(p->jail, "pg_j");
	CHECK_STR_EQ(p->name, "N2P");
	CHECK_STR_EQ(p->netns, "uxtely-a-pg_j");
	CHECK(p->new_ipc);
	CHECK_INT_EQ(p->argc, 9);
	CHECK_STR_EQ(p->argv[0], "spiped");
	CHECK_STR_EQ(p->argv[1], "-d");
	CHECK_STR_EQ(p->argv[3], "[192.168.56.40]:5433");
	CHECK_STR_EQ(p->argv[5], "[192.168.56.40]:5432");
	/* The key at its path in the jail, which sees its own files. */
	CHECK_STR_EQ(p->argv[7], "/etc/spiped.key");
	CHECK_STR_EQ(p->view->upper, "/var/lib/jailnet/uxtely/data/a/pg_j");
	CHECK_INT_EQ(p->view->ntrees, 2);
	CHECK(str_has_suffix(p->view->trees[0], "/servers/a/jails/pg_j"));
	CHECK(str_has_suffix(p->view->trees[1], "/common/jails/pg_j"));
	CHECK_STR_EQ(p->argv[8], "-F");
	CHECK(p->argv[9] == NULL);
	procs_free(&list);
	CHECK(list.procs == NULL && list.n == 0);

	CHECK_INT_EQ(procs_build(site, true, &list, &d), 0);
	for (i = 0; i < list.n; i++) {
		if (list.procs[i].kind == PROC_PIPE)
			npipes++;
		else
			nservices++;
	}
	CHECK_INT_EQ(npipes, 8);
	/* Each jail's service and its sshd, each server's own sshd and
	   pflogd, nsd on the host ns and the stand-ins on payments and
	   mail. */
	CHECK_INT_EQ(nservices, 19);
	CHECK(list.procs[0].host);
	CHECK_STR_EQ(list.procs[0].name, "nsd");
	CHECK_STR_EQ(list.procs[0].netns, "uxtely-host-ns");
	CHECK_STR_EQ(list.procs[0].view->upper,
	    "/var/lib/jailnet/uxtely/data/host/ns");
	/* An outside host's files: hosts/NAME, missing for ns. */
	CHECK_INT_EQ(list.procs[0].view->ntrees, 0);
	CHECK(list.procs[1].host);
	CHECK_STR_EQ(list.procs[1].name, "payments");
	CHECK(list.procs[1].view->ntrees == 1 &&
	    str_has_suffix(list.procs[1].view->trees[0], "/hosts/payments"));
	CHECK_STR_EQ(list.procs[2].name, "smtps");
	/* Server a's sshd: in a's own namespace, with a's files. */
	CHECK(!list.procs[3].host);
	CHECK_STR_EQ(list.procs[3].name, "sshd");
	CHECK_STR_EQ(list.procs[3].server, "a");
	CHECK_STR_EQ(list.procs[3].jail, SITE_SERVER_SELF);
	CHECK_STR_EQ(list.procs[3].netns, "uxtely-a");
	CHECK_STR_EQ(list.procs[3].hostname, "a.uxtely.example");
	CHECK(list.procs[3].tree == site->servers[0].view);
	CHECK_STR_EQ(list.procs[3].view->upper,
	    "/var/lib/jailnet/uxtely/data/a/-");
	CHECK_INT_EQ(list.procs[3].view->ntrees, 2);
	CHECK(list.procs[3].view->ntrees == 2 &&
	    str_has_suffix(list.procs[3].view->trees[0], "/servers/a") &&
	    str_has_suffix(list.procs[3].view->trees[1], "/common"));
	for (i = 0; i < list.n; i++)
		if (list.procs[i].kind == PROC_SERVICE &&
		    strcmp(list.procs[i].name, "nginx") == 0) {
			CHECK_INT_EQ(list.procs[i].argc, 5);
			CHECK_STR_EQ(list.procs[i].argv[4], "daemon off;");
			CHECK_STR_EQ(list.procs[i].hostname,
			    list.procs[i].server[0] == 'a' ?
			    "nginx.a.uxtely.example" : "nginx.b.uxtely.example");
		} else if (list.procs[i].kind == PROC_SERVICE &&
		    strcmp(list.procs[i].name, "sshd") == 0) {
			/* The built-in, with what Debian's unit would make. */
			CHECK_STR_EQ(list.procs[i].argv[0], "/usr/sbin/sshd");
			CHECK_STR_EQ(list.procs[i].package, "openssh-server");
			CHECK_STR_EQ(list.procs[i].rundir, "/run/sshd");
			CHECK_STR_EQ(list.procs[i].files_dir, "/etc/ssh");
		} else if (list.procs[i].kind == PROC_SERVICE &&
		    strcmp(list.procs[i].name, "pflog") == 0) {
			/* A server's own, jailnet's pflogd, no site file. */
			CHECK_STR_EQ(list.procs[i].argv[0],
			    "/usr/local/libexec/jailnet/pflogd");
			CHECK_STR_EQ(list.procs[i].files_dir,
			    "/usr/local/libexec/jailnet");
		} else if (list.procs[i].kind == PROC_SERVICE) {
			CHECK(list.procs[i].rundir == NULL);
			CHECK(list.procs[i].files_dir == NULL);
		}
	CHECK_INT_EQ(d.nerrors, 0);
	diags_free(&d);
	procs_free(&list);
	site_free(site);
}

TEST(procs_resolve_missing)
{
	struct proc_list list = { 0 };
	struct site *site = fixture_example();
	struct diags d;
	size_t i;

	if (site == NULL)
		return;
	diags_init(&d);
	CHECK_INT_EQ(procs_build(site, true, &list, &d), 0);
	for (i = 0; i < list.n; i++) {
		free(list.procs[i].argv[0]);
		list.procs[i].argv[0] = xstrdup(list.procs[i].kind ==
		    PROC_PIPE ? "sh" : "/nonexistent/prog");
	}
	CHECK_INT_EQ(procs_resolve(&list, &d), -1);
	CHECK_INT_EQ(d.nerrors, 19);
	/* nsd and the stand-ins first, then a's sshd and pflog; the first
	   pipe's sh found in its jail's view. */
	for (i = 0; i < 5; i++)
		CHECK(list.procs[i].path == NULL);
	CHECK(list.procs[5].kind == PROC_PIPE);
	CHECK(list.procs[5].path != NULL && list.procs[5].path[0] == '/' &&
	    str_has_suffix(list.procs[5].path, "/sh"));
	diags_free(&d);
	procs_free(&list);
	site_free(site);
}

/*
 * A built-in service (site.conf has no block for it) whose program is
 * missing: the error is at the jail's NAME_enable, with a note naming the
 * Debian package.  The example's nginx is made one.
 */
TEST(procs_resolve_builtin_package)
{
	struct proc_list list = { 0 };
	struct site *site = fixture_example();
	struct service *svc = NULL;
	struct diags d;
	size_t i, nerr = 0, nnotes = 0;

	if (site == NULL)
		return;
	for (i = 0; i < site->nservices; i++)
		if (strcmp(site->services[i].name, "nginx") == 0)
			svc = &site->services[i];
	CHECK(svc != NULL);
	if (svc == NULL) {
		site_free(site);
		return;
	}
	free(svc->command);
	svc->command = xstrdup("/nonexistent/nginx -g 'daemon off;'");
	svc->package = "nginx";
	diags_init(&d);
	CHECK_INT_EQ(procs_build(site, true, &list, &d), 0);
	CHECK_INT_EQ(procs_resolve(&list, &d), -1);
	/* nginx_j on a and on b (node's uxapp may be missing too here). */
	for (i = 0; i < d.n; i++) {
		if (strstr(d.v[i].msg, "nginx") == NULL)
			continue;
		if (d.v[i].severity == DIAG_ERROR) {
			nerr++;
			CHECK(str_has_suffix(d.v[i].file,
			    "common/jails/nginx_j/etc/rc.conf"));
			CHECK(d.v[i].line_text != NULL && strcmp(
			    d.v[i].line_text, "nginx_enable=\"YES\"") == 0);
		} else if (d.v[i].severity == DIAG_NOTE) {
			nnotes++;
			CHECK_STR_EQ(d.v[i].msg, "jailnet's built-in nginx is "
			    "Debian's package nginx: apt-get install nginx, or "
			    "give site.conf a service nginx block");
		}
	}
	CHECK_INT_EQ(nerr, 2);
	CHECK_INT_EQ(nnotes, 2);
	diags_free(&d);
	procs_free(&list);
	site_free(site);
}

TEST(procs_netns_names)
{
	char *a = procs_netns_name("s", "a", "pg_j"), *b =
	    procs_netns_name("s", "a", NULL);

	CHECK_STR_EQ(a, "s-a-pg_j");
	CHECK_STR_EQ(b, "s-a");
	free(a);
	free(b);
}

TEST(state_supervisor_line)
{
	char dir[] = "/tmp/jailnet-test-state-XXXXXX";
	struct state *st = NULL;
	struct nl_error err;
	char *path;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT_EQ(state_lock(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(state_begin(st, &err), 0);
	CHECK_INT_EQ(state_add_netns(st, "s-a", &err), 0);
	CHECK_INT_EQ(state_add_supervisor(st, 4242, 99, &err), 0);
	CHECK_INT_EQ(state_complete(st, &err), 0);
	state_close(st);

	CHECK_INT_EQ(state_read(dir, "s", &st, &err), 0);
	CHECK(st->complete);
	CHECK_INT_EQ(st->supervisor, 4242);
	CHECK(st->supervisor_start == 99);
	state_close(st);

	/* Appended after the fact; the last one wins; junk is ignored. */
	CHECK_INT_EQ(state_lock(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(state_continue(st, &err), 0);
	CHECK_INT_EQ(state_add_supervisor(st, 77, 5, &err), 0);
	state_close(st);
	path = xasprintf("%s/s/state", dir);
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("supervisor x 1\nsupervisor 12\n", f);
		fclose(f);
	}
	free(path);
	CHECK_INT_EQ(state_lock(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(st->supervisor, 77);
	CHECK(st->supervisor_start == 5);
	CHECK_INT_EQ(st->nnetns, 1);
	CHECK_INT_EQ(supervise_remove_files(dir, "s", &err), 0);
	CHECK_INT_EQ(state_remove(st, &err), 0);
	state_close(st);
	CHECK_INT_EQ(rmdir(dir), 0);
}

TEST(state_init_lines)
{
	char dir[] = "/tmp/jailnet-test-init-XXXXXX";
	const struct state_init *in;
	struct state *st = NULL;
	struct nl_error err;
	char *path;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT_EQ(state_lock(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(state_begin(st, &err), 0);
	CHECK_INT_EQ(state_add_init(st, true, NULL, "ns", 10, 1, &err), 0);
	CHECK_INT_EQ(state_add_init(st, false, "a", "pg_j", 11, 2, &err), 0);
	CHECK_INT_EQ(state_add_init(st, false, "b", "pg_j", 12, 3, &err), 0);
	state_close(st);
	/* A restarted init replaces the first, keeping its place. */
	path = xasprintf("%s/s/state", dir);
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("jail a pg_j 21 4\njail a 1 2\nhost ns x 1\n"
		    "jail b node_j 0 1\n", f);
		fclose(f);
	}
	free(path);
	CHECK_INT_EQ(state_read(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(st->ninits, 3);
	CHECK(st->ninits == 3 && st->inits[0].host &&
	    st->inits[0].server == NULL && st->inits[1].pid == 21 &&
	    st->inits[1].start == 4 && st->inits[2].pid == 12);
	in = state_find_init(st, false, "b", "pg_j");
	CHECK(in != NULL && in->pid == 12);
	CHECK(state_find_init(st, true, NULL, "pg_j") == NULL);
	CHECK(state_find_init(st, false, "a", "ns") == NULL);
	state_close(st);
	CHECK_INT_EQ(state_lock(dir, "s", &st, &err), 0);
	CHECK_INT_EQ(state_remove(st, &err), 0);
	state_close(st);
	CHECK_INT_EQ(rmdir(dir), 0);
}

TEST(state_purge_data)
{
	char dir[] = "/tmp/jailnet-test-purge-XXXXXX";
	struct nl_error err;
	char *path;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	{
		static const char *const dirs[] = { "s", "s/data", "s/data/a",
		    "s/data/a/pg_j" };
		size_t k;

		for (k = 0; k < 4; k++) {
			path = xasprintf("%s/%s", dir, dirs[k]);
			CHECK_INT_EQ(mkdir(path, 0755), 0);
			free(path);
		}
	}
	path = xasprintf("%s/s/data/a/pg_j/f", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL)
		fclose(f);
	free(path);
	CHECK_INT_EQ(state_purge_data(dir, "..", &err), -1);
	CHECK_INT_EQ(state_purge_data(dir, "a/b", &err), -1);
	CHECK_INT_EQ(state_purge_data(dir, "", &err), -1);
	CHECK_INT_EQ(state_purge_data(dir, "s", &err), 0);
	CHECK_INT_EQ(state_purge_data(dir, "s", &err), 0);
	CHECK_INT_EQ(rmdir(dir), 0);
}

TEST(supervise_files)
{
	char dir[] = "/tmp/jailnet-test-sv-XXXXXX";
	struct proc_status *ps;
	struct nl_error err;
	char *path, *last;
	size_t n;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	path = xasprintf("%s/s", dir);
	CHECK_INT_EQ(mkdir(path, 0755), 0);
	free(path);
	path = xasprintf("%s/s/procs", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("a pg_j pipe N2P 123 running 0\nbad line\n"
		    "b node_j service node 0 failed 4\n", f);
		fclose(f);
	}
	free(path);
	supervise_read_status(dir, "s", &ps, &n);
	CHECK_INT_EQ(n, 2);
	if (n == 2) {
		CHECK_STR_EQ(ps[0].jail, "pg_j");
		CHECK_INT_EQ(ps[0].pid, 123);
		CHECK_STR_EQ(ps[1].state, "failed");
		CHECK_INT_EQ(ps[1].restarts, 4);
	}
	supervise_status_free(ps, n);

	path = xasprintf("%s/s/log", dir);
	CHECK_INT_EQ(mkdir(path, 0755), 0);
	free(path);
	path = supervise_log_path(dir, "s", "b", "node_j", "node");
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("first\nbind: Address already in use\n\n", f);
		fclose(f);
	}
	last = supervise_last_line(path);
	CHECK_STR_EQ(last, "bind: Address already in use");
	free(last);
	free(path);
	CHECK(supervise_last_line("/nonexistent/log") == NULL);
	CHECK_INT_EQ(supervise_remove_files(dir, "s", &err), 0);
	path = xasprintf("%s/s", dir);
	CHECK_INT_EQ(rmdir(path), 0);
	free(path);
	CHECK_INT_EQ(rmdir(dir), 0);
}

TEST(proc_start_time_self)
{
	CHECK(pidref_start(getpid()) > 0);
	CHECK(pidref_alive(getpid(), pidref_start(getpid())));
	CHECK(!pidref_alive(getpid(), pidref_start(getpid()) + 1));
	CHECK(!pidref_alive(0, 1));
}
