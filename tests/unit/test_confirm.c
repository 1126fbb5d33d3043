/*
 * Tests of the timer of `up --confirm` (confirm.h) in a state root of
 * their own, with a rollback that only writes a file: the timer runs out
 * and the rollback runs, once, with its log; a timer stopped in time runs
 * nothing and its process is gone; a moved deadline counts from then
 * (2 s after the arming, 59 s or more are left again); a
 * file that is not a timer's is refused, reads as nothing pending, and
 * is forgotten.  The namespaces' part (a host given back by `down`) is
 * tests/host.test's.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/state.h"
#include "jail/confirm.h"
#include "jail/pidref.h"
#include "test.h"

struct timer_fixture {
	char root[40];
	char *out;		/* what the rollback writes */
	char *log;
	char *cmd;
	char *argv[4];
};

static void
fixture_open(struct timer_fixture *f)
{
	snprintf(f->root, sizeof(f->root), "/tmp/jailnet-confirm-XXXXXX");
	CHECK(mkdtemp(f->root) != NULL);
	f->out = xasprintf("%s/rolled", f->root);
	f->log = xasprintf("%s/rollback.log", f->root);
	f->cmd = xasprintf("echo rolled >> %s", f->out);
	f->argv[0] = (char *)"/bin/sh";
	f->argv[1] = (char *)"-c";
	f->argv[2] = f->cmd;
	f->argv[3] = NULL;
}

static void
fixture_close(struct timer_fixture *f)
{
	char *cmd = xasprintf("rm -rf %s", f->root);

	CHECK_INT_EQ(system(cmd), 0);
	free(cmd);
	free(f->out);
	free(f->log);
	free(f->cmd);
}

/* Arm a timer of ${seconds} for site "s", under the lock as up does. */
static int
arm(struct timer_fixture *f, unsigned seconds)
{
	struct state *st;
	struct nl_error err;
	int rc;

	CHECK_INT_EQ(state_lock(f->root, "s", &st, &err), 0);
	rc = confirm_arm(f->root, "s", seconds, f->argv, f->log, &err);
	state_close(st);
	return rc;
}

static int
stop(struct timer_fixture *f, enum confirm_outcome *out, long *left)
{
	struct state *st;
	struct nl_error err;
	int rc;

	CHECK_INT_EQ(state_lock(f->root, "s", &st, &err), 0);
	rc = confirm_stop(f->root, "s", out, left, &err);
	state_close(st);
	return rc;
}

/* The pid the file names (pending or expired), or 0. */
static long
timer_pid(const struct timer_fixture *f)
{
	char *path = xasprintf("%s/s/confirm", f->root), *text;
	long pid = 0;
	int errnum;

	if ((text = read_file(path, NULL, &errnum)) != NULL &&
	    sscanf(text, "%*s %ld", &pid) != 1)
		pid = 0;
	free(text);
	free(path);
	return pid;
}

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

TEST(confirm_timer_runs_out)
{
	struct timer_fixture f;
	struct confirm_info ci;
	enum confirm_outcome outcome;
	char *log, *rolled;
	int i, errnum;

	fixture_open(&f);
	CHECK_INT_EQ(arm(&f, 1), 0);
	confirm_read(f.root, "s", &ci);
	CHECK(ci.pending && ci.alive && !ci.expired);
	CHECK_INT_EQ(ci.seconds, 1);
	CHECK(ci.left >= 0 && ci.left <= 1);
	for (i = 0; i < 100 && !exists(f.out); i++)
		sleep_ms(50);
	rolled = read_file(f.out, NULL, &errnum);
	CHECK_STR_EQ(rolled, "rolled\n");
	/* Once: the rollback ran and the timer is done. */
	sleep_ms(300);
	free(rolled);
	rolled = read_file(f.out, NULL, &errnum);
	CHECK_STR_EQ(rolled, "rolled\n");
	confirm_read(f.root, "s", &ci);
	CHECK(ci.expired && !ci.pending);
	CHECK_INT_EQ(stop(&f, &outcome, NULL), 0);
	CHECK_INT_EQ(outcome, CONFIRM_LATE);
	log = read_file(f.log, NULL, &errnum);
	CHECK(log != NULL && strstr(log, "jailnet confirm: s: rolls back in "
	    "1 s unless `jailnet confirm` stops it\n") != NULL);
	CHECK(log != NULL && strstr(log, "jailnet confirm: s: not confirmed "
	    "within 1 s: rolling back\n") != NULL);
	free(log);
	free(rolled);
	fixture_close(&f);
}

TEST(confirm_stopped_in_time)
{
	struct timer_fixture f;
	struct confirm_info ci;
	enum confirm_outcome outcome;
	struct state *st;
	struct nl_error err;
	long pid, left = -1;
	char *path;

	fixture_open(&f);
	CHECK_INT_EQ(arm(&f, 60), 0);
	pid = timer_pid(&f);
	CHECK(pid > 0 && pidref_alive((pid_t)pid, pidref_start((pid_t)pid)));
	sleep_ms(2100);
	confirm_read(f.root, "s", &ci);
	CHECK(ci.pending && ci.left <= 58);
	/* up's end moves the deadline: SECONDS from now. */
	CHECK_INT_EQ(state_lock(f.root, "s", &st, &err), 0);
	CHECK_INT_EQ(confirm_restart(f.root, "s", &err), 0);
	state_close(st);
	confirm_read(f.root, "s", &ci);
	CHECK(ci.pending && ci.alive && ci.left >= 59 && ci.left <= 60);
	CHECK_INT_EQ(timer_pid(&f), pid);
	CHECK_INT_EQ(stop(&f, &outcome, &left), 0);
	CHECK_INT_EQ(outcome, CONFIRM_DONE);
	CHECK(left >= 58 && left <= 60);
	CHECK(!pidref_alive((pid_t)pid, pidref_start((pid_t)pid)));
	path = xasprintf("%s/s/confirm", f.root);
	CHECK(!exists(path));
	free(path);
	/* Nothing pending any more; nothing ran. */
	CHECK_INT_EQ(stop(&f, &outcome, NULL), 0);
	CHECK_INT_EQ(outcome, CONFIRM_NONE);
	CHECK(!exists(f.out));
	confirm_read(f.root, "s", &ci);
	CHECK(!ci.pending && !ci.expired);
	fixture_close(&f);
}

/* Write ${text} as site s's confirm file. */
static void
put_file(const struct timer_fixture *f, const char *text)
{
	char *dir = xasprintf("%s/s", f->root);
	char *path = xasprintf("%s/confirm", dir);
	FILE *fp;

	(void)mkdir(dir, 0755);
	CHECK((fp = fopen(path, "w")) != NULL);
	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
	free(path);
	free(dir);
}

TEST(confirm_file_not_ours)
{
	static const char *const bad[] = {
		"pending 12 34\n", "pending x 1 2 3\n", "pending 0 1 2 3\n",
		"pending 12 1 2 0\n", "pending 12 1 2 3\nmore\n", "expired\n",
		"confirmed 12\n", "",
	};
	struct timer_fixture f;
	struct confirm_info ci;
	enum confirm_outcome outcome;
	struct state *st;
	struct nl_error err;
	char *path, *line;
	size_t i;
	pid_t gone;
	int status;

	fixture_open(&f);
	path = xasprintf("%s/s/confirm", f.root);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_file(&f, bad[i]);
		CHECK_INT_EQ(state_lock(f.root, "s", &st, &err), 0);
		CHECK_INT_EQ(confirm_stop(f.root, "s", &outcome, NULL, &err),
		    -1);
		CHECK(strstr(err.msg, "not a confirmation timer's file") !=
		    NULL);
		CHECK(exists(path));
		confirm_read(f.root, "s", &ci);
		CHECK(!ci.pending && !ci.expired);
		CHECK_INT_EQ(confirm_forget(f.root, "s", &err), 0);
		CHECK(!exists(path));
		state_close(st);
	}
	/* A pending timer whose process is gone: nothing to stop. */
	if ((gone = fork()) == 0)
		_exit(0);
	CHECK(gone > 0);
	waitpid(gone, &status, 0);
	line = xasprintf("pending %ld 1 1 5\n", (long)gone);
	put_file(&f, line);
	free(line);
	CHECK_INT_EQ(stop(&f, &outcome, NULL), 0);
	CHECK_INT_EQ(outcome, CONFIRM_ORPHAN);
	CHECK(!exists(path));
	/* A timer of 0 s, or of more than a day, is refused. */
	{
		struct state *lk;

		CHECK_INT_EQ(state_lock(f.root, "s", &lk, &err), 0);
		CHECK_INT_EQ(confirm_arm(f.root, "s", 0, f.argv, f.log, &err),
		    -1);
		CHECK_INT_EQ(confirm_arm(f.root, "s", CONFIRM_MAX_SECONDS + 1,
		    f.argv, f.log, &err), -1);
		state_close(lk);
	}
	CHECK(!exists(path));
	free(path);
	fixture_close(&f);
}
