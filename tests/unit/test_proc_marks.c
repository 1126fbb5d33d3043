/*
 * Tests of the marks reload compares to restart only what changed
 * (proc_marks.h): on a copy of the example, nginx.conf replaced by
 * rename changes the files of both nginx services and of nothing else;
 * a changed command changes the command's digest only; a pipe's key
 * changes that pipe's files and not its jail's service; the file saved
 * reads back the same, and a malformed one is refused with its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "jail/proc_marks.h"
#include "jail/procs.h"
#include "test.h"

/* The marks of the site at ${dir} into ${out}. */
static void
marks_of_dir(const char *dir, struct proc_marks *out)
{
	struct proc_list list = { 0 };
	struct nl_error err;
	struct diags d;
	struct site *site;

	diags_init(&d);
	site = site_load(dir, &d);
	diags_free(&d);
	CHECK(site != NULL);
	if (site == NULL)
		return;
	diags_init(&d);
	CHECK_INT_EQ(procs_build(site, true, &list, &d), 0);
	diags_free(&d);
	CHECK_INT_EQ(proc_marks_of(&list, out, &err), 0);
	procs_free(&list);
	site_free(site);
}

/* "SERVER/JAIL KIND NAME" of each mark whose ${what} differs. */
static char *
differing(const struct proc_marks *a, const struct proc_marks *b, bool cmd)
{
	struct strbuf out = { 0 };
	size_t i;

	CHECK_INT_EQ((long long)a->n, (long long)b->n);
	for (i = 0; i < a->n && i < b->n; i++)
		if (strcmp(cmd ? a->v[i].cmd : a->v[i].files,
		    cmd ? b->v[i].cmd : b->v[i].files) != 0)
			strbuf_addf(&out, "%s/%s %s %s;", a->v[i].server,
			    a->v[i].jail, a->v[i].kind, a->v[i].name);
	return strbuf_steal(&out);
}

static void
run(const char *cmd)
{
	CHECK_INT_EQ(system(cmd), 0);
}

TEST(proc_marks_changes)
{
	char dir[] = "/tmp/jailnet-marks-XXXXXX", *cmdline, *d;
	struct proc_marks before = { 0 }, after = { 0 }, again = { 0 };
	struct proc_marks key = { 0 };

	CHECK(mkdtemp(dir) != NULL);
	cmdline = xasprintf("cp -r examples/uxtely %s/s", dir);
	run(cmdline);
	free(cmdline);
	d = xasprintf("%s/s", dir);
	marks_of_dir(d, &before);
	CHECK(before.n > 0);
	marks_of_dir(d, &again);
	{
		char *none = differing(&before, &again, false);

		CHECK_STR_EQ(none, "");
		free(none);
	}

	/* nginx.conf replaced by rename, as sed -i does. */
	cmdline = xasprintf("sed -i 's/worker_processes 2;/worker_processes "
	    "1;/' %s/common/jails/nginx_j/usr/local/etc/nginx/nginx.conf", d);
	run(cmdline);
	free(cmdline);
	marks_of_dir(d, &after);
	{
		char *files = differing(&before, &after, false);
		char *cmds = differing(&before, &after, true);

		CHECK_STR_EQ(files, "a/nginx_j service nginx;"
		    "b/nginx_j service nginx;");
		CHECK_STR_EQ(cmds, "");
		free(files);
		free(cmds);
	}

	/* A command of site.conf: the command's digest, not the files'. */
	cmdline = xasprintf("sed -i 's|nginx.conf -g|nginx.conf -q -g|' "
	    "%s/site.conf", d);
	run(cmdline);
	free(cmdline);
	proc_marks_free(&after);
	marks_of_dir(d, &after);
	{
		char *cmds = differing(&before, &after, true);

		CHECK_STR_EQ(cmds, "a/nginx_j service nginx;"
		    "b/nginx_j service nginx;");
		free(cmds);
	}

	/* The built-in node's app.js: a file of node_j, so node's files. */
	cmdline = xasprintf("echo '// x' >> "
	    "%s/common/jails/node_j/usr/local/www/app.js", d);
	run(cmdline);
	free(cmdline);
	proc_marks_free(&after);
	marks_of_dir(d, &after);
	{
		char *files = differing(&before, &after, false);

		CHECK(strstr(files, "a/node_j service node;") != NULL);
		CHECK(strstr(files, "b/node_j service node;") != NULL);
		CHECK(strstr(files, "pg_j") == NULL);
		free(files);
	}

	/* A pipe's key: the pipes that name it, not pg_j's service. */
	cmdline = xasprintf("echo x >> %s/common/jails/pg_j/etc/spiped.key",
	    d);
	run(cmdline);
	free(cmdline);
	marks_of_dir(d, &key);
	{
		char *files = differing(&after, &key, false);

		CHECK(strstr(files, " pipe ") != NULL);
		CHECK(strstr(files, "postgresql") == NULL);
		free(files);
	}

	/* sshd's files are its /etc/ssh alone, which no other service of
	   its jail counts: an sshd_config edit restarts sshd only. */
	cmdline = xasprintf("echo 'LogLevel VERBOSE' >> "
	    "%s/common/jails/node_j/etc/ssh/sshd_config", d);
	run(cmdline);
	free(cmdline);
	proc_marks_free(&after);
	marks_of_dir(d, &after);
	{
		char *files = differing(&key, &after, false);

		CHECK_STR_EQ(files, "a/node_j service sshd;"
		    "b/node_j service sshd;");
		free(files);
	}

	cmdline = xasprintf("rm -rf %s", dir);
	run(cmdline);
	free(cmdline);
	free(d);
	proc_marks_free(&before);
	proc_marks_free(&after);
	proc_marks_free(&again);
	proc_marks_free(&key);
}

TEST(proc_marks_file)
{
	char dir[] = "/tmp/jailnet-marks-XXXXXX", *path, *sub;
	struct proc_marks m = { 0 }, back = { 0 }, bad = { 0 };
	struct proc_mark one = { 0 };
	struct nl_error err;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	sub = xasprintf("%s/s", dir);
	CHECK_INT_EQ(mkdir(sub, 0755), 0);
	one.server = "a";
	one.jail = "pg_j";
	one.kind = "pipe";
	one.name = "N2P";
	memset(one.cmd, '1', 64);
	memset(one.files, '2', 64);
	proc_marks_set(&m, &one);
	memset(one.files, '3', 64);
	proc_marks_set(&m, &one);
	CHECK_INT_EQ((long long)m.n, 1);
	CHECK_STR_EQ(m.v[0].files, one.files);
	CHECK_INT_EQ(proc_marks_save(&m, dir, "s", &err), 0);
	CHECK_INT_EQ(proc_marks_load(dir, "s", &back, &err), 0);
	CHECK_INT_EQ((long long)back.n, 1);
	CHECK(proc_marks_find(&back, "a", "pg_j", "pipe", "N2P") != NULL);
	CHECK(proc_marks_find(&back, "b", "pg_j", "pipe", "N2P") == NULL);
	CHECK_STR_EQ(back.v[0].cmd, m.v[0].cmd);

	path = xasprintf("%s/s/services", dir);
	CHECK((f = fopen(path, "a")) != NULL);
	if (f != NULL) {
		fputs("a pg_j pipe short 12\n", f);
		fclose(f);
	}
	CHECK_INT_EQ(proc_marks_load(dir, "s", &bad, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK(strstr(err.msg, "services:2: not a line jailnet wrote") != NULL);
	CHECK_INT_EQ(proc_marks_remove(dir, "s", &err), 0);
	CHECK_INT_EQ(proc_marks_remove(dir, "s", &err), 0);
	CHECK_INT_EQ(proc_marks_load(dir, "s", &bad, &err), -1);
	CHECK_INT_EQ(err.errnum, ENOENT);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(path);
	proc_marks_free(&m);
	proc_marks_free(&back);
	proc_marks_free(&bad);
}
