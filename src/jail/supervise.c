/*
 * supervise: the per-site supervisor of jail processes.
 */
#include "kernel/state.h"
#include "jail/supervise.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/netns.h"
#include "jail/jail_init.h"
#include "jail/jail_view.h"
#include "jail/pidref.h"

enum sproc_state {
	SP_RUNNING,
	SP_RESTARTING,	/* exited; waiting for its next start */
	SP_FAILED,
	SP_STOPPED,
	SP_DONE,	/* a one-shot that exited with status 0 */
};

struct sproc {
	const struct proc_spec *spec;
	char *log;
	pid_t pid;
	pid_t group;		/* its process group, until it is empty */
	enum sproc_state state;
	unsigned long restarts;
	double exits[SUPERVISE_MAX_FAILS];	/* ring of exit times */
	size_t nexits;
	double next_start;
	double group_killed;	/* when what was left of ${group} got SIGKILL */
	char *path;		/* a restart's new program and arguments */
	char **argv;		/*   (supervise_restart()), else NULL */
	bool restart;		/* asked to restart: its exit is no failure */
};

/* A restart request: SERVER JAIL KIND NAME PATH ARGC, then ARGC words. */
#define RESTART_FIELDS 6

struct supervisor {
	char *dir;		/* ROOT/SITE */
	struct sproc *procs;
	size_t n;
};

static const char *
sproc_state_name(enum sproc_state st)
{
	switch (st) {
	case SP_RUNNING:
		return "running";
	case SP_RESTARTING:
		return "restarting";
	case SP_FAILED:
		return "failed";
	case SP_STOPPED:
		return "stopped";
	case SP_DONE:
		return "done";
	}
	return "?";
}

/* A line of the supervisor's own log (its stderr), with the time. */
static void
say(const char *fmt, ...)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S",
	    gmtime_r(&t, &tm));
	fprintf(stderr, "%s ", stamp);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void
write_status(const struct supervisor *sv)
{
	char *tmp = xasprintf("%s/procs.tmp", sv->dir);
	char *path = xasprintf("%s/procs", sv->dir);
	FILE *f = fopen(tmp, "w");
	size_t i;

	if (f == NULL) {
		say("cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	for (i = 0; i < sv->n; i++) {
		const struct sproc *sp = &sv->procs[i];

		fprintf(f, "%s %s %s %s %ld %s %lu\n", sp->spec->server,
		    sp->spec->jail, proc_kind_name(sp->spec->kind),
		    sp->spec->name, (long)sp->pid,
		    sproc_state_name(sp->state), sp->restarts);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		say("cannot write %s: %s", path, strerror(errno));
out:
	free(tmp);
	free(path);
}

int
supervise_enter(const char *netns, const char *hostname, bool new_ipc,
    struct nl_error *err)
{
	int fd, flags = CLONE_NEWUTS | (new_ipc ? CLONE_NEWIPC : 0);

	if (netns_open(netns, &fd, err) != 0)
		return -1;
	if (setns(fd, CLONE_NEWNET) != 0) {
		nl_error_set(err, errno, "enter namespace %s", netns);
		close(fd);
		return -1;
	}
	close(fd);
	if (unshare(flags) != 0) {
		nl_error_set(err, errno, "unshare uts%s", new_ipc ?
		    " and ipc" : "");
		return -1;
	}
	if (hostname != NULL && sethostname(hostname, strlen(hostname)) != 0) {
		nl_error_set(err, errno, "set hostname %s", hostname);
		return -1;
	}
	return 0;
}

/*
 * In the forked child, already in its jail: become the process of ${sp};
 * never returns.
 */
static void
exec_child(const struct sproc *sp)
{
	sigset_t none;
	int devnull, sig;

	/* Its own process group: what it leaves behind is found by it. */
	setpgid(0, 0);
	sigemptyset(&none);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* The jail's /dev/null. */
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	/* As the program's systemd unit would (the jail's /run is new). */
	if (sp->spec->rundir != NULL && mkdir(sp->spec->rundir, 0755) != 0 &&
	    errno != EEXIST)
		fprintf(stderr, "jailnet: mkdir %s: %s\n", sp->spec->rundir,
		    strerror(errno));
	/* Nothing of the environment `up` ran in reaches the jail. */
	clearenv();
	setenv("PATH", JAIL_VIEW_PATH, 1);
	setenv("HOME", "/", 1);
	execv(sp->path != NULL ? sp->path : sp->spec->path,
	    sp->argv != NULL ? sp->argv : sp->spec->argv);
	fprintf(stderr, "jailnet: exec %s: %s\n", sp->path != NULL ?
	    sp->path : sp->spec->path, strerror(errno));
	_exit(127);
}

static void proc_exited(struct sproc *sp, int status, bool stopping);

/*
 * Whether what ${sp}'s last run left in its process group (the workers of
 * a master killed by SIGKILL, still holding its ports) is still there: it
 * was sent SIGKILL when the process exited, and the jail's init reaps it.
 * The next start waits for that, SUPERVISE_GROUP_WAIT_S at most; a start
 * into a port they hold would fail, and look failed while they serve.
 */
static bool
group_left(struct sproc *sp)
{
	if (sp->group == 0)
		return false;
	if (kill(-sp->group, 0) != 0 ||
	    monotonic_s() - sp->group_killed >= SUPERVISE_GROUP_WAIT_S) {
		if (kill(-sp->group, 0) == 0)
			say("%s/%s %s: process group %ld still there after "
			    "%.0f s: starting anyway", sp->spec->server,
			    sp->spec->jail, sp->spec->name, (long)sp->group,
			    SUPERVISE_GROUP_WAIT_S);
		sp->group = 0;
		return false;
	}
	sp->state = SP_RESTARTING;
	sp->next_start = monotonic_s() + 0.05;
	return true;
}

static void
start_proc(struct sproc *sp)
{
	struct nl_error err;
	struct jail_ns ns;
	int logfd;
	pid_t pid;

	logfd = open(sp->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0) {
		say("%s: cannot open: %s", sp->log, strerror(errno));
		logfd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	}
	if (jail_ns_open((pid_t)sp->spec->init_pid, sp->spec->init_start,
	    &ns, &err) != 0) {
		/* Counted as an exit: it fails for good if this lasts. */
		say("%s/%s %s: cannot enter the jail: %s", sp->spec->server,
		    sp->spec->jail, sp->spec->name, err.msg);
		if (logfd >= 0) {
			dprintf(logfd, "jailnet: cannot enter the jail: %s\n",
			    err.msg);
			close(logfd);
		}
		proc_exited(sp, 126 << 8, false);
		return;
	}
	ns.packet_filter = str_eq(sp->spec->jail, SITE_SERVER_SELF);
	fflush(NULL);
	pid = jail_ns_fork(&ns, &err);
	if (pid == 0) {
		if (logfd >= 0) {
			dup2(logfd, 1);
			dup2(logfd, 2);
			if (logfd > 2)
				close(logfd);
		}
		exec_child(sp);
	}
	jail_ns_close(&ns);
	if (logfd >= 0)
		close(logfd);
	if (pid < 0) {
		say("%s/%s %s: %s", sp->spec->server, sp->spec->jail,
		    sp->spec->name, err.msg);
		sp->state = SP_RESTARTING;
		sp->next_start = monotonic_s() + 1;
		return;
	}
	/* Also here, so that no kill of the group races the child's own. */
	setpgid(pid, pid);
	sp->pid = pid;
	sp->group = pid;
	sp->state = SP_RUNNING;
	say("%s/%s %s %s: started, pid %ld", sp->spec->server,
	    sp->spec->jail, proc_kind_name(sp->spec->kind), sp->spec->name,
	    (long)pid);
}

/* ${sp} exited with ${status}: schedule its restart, or give up. */
static void
proc_exited(struct sproc *sp, int status, bool stopping)
{
	double t = monotonic_s(), delay;
	size_t recent = 0, i;

	if (WIFSIGNALED(status))
		say("%s/%s %s: pid %ld killed by signal %d", sp->spec->server,
		    sp->spec->jail, sp->spec->name, (long)sp->pid,
		    WTERMSIG(status));
	else
		say("%s/%s %s: pid %ld exited with status %d",
		    sp->spec->server, sp->spec->jail, sp->spec->name,
		    (long)sp->pid, WEXITSTATUS(status));
	sp->pid = 0;
	/* Nothing it started outlives it (nginx's workers after its master). */
	if (sp->group != 0 && kill(-sp->group, SIGKILL) == 0) {
		say("%s/%s %s: killed what was left of process group %ld",
		    sp->spec->server, sp->spec->jail, sp->spec->name,
		    (long)sp->group);
		sp->group_killed = monotonic_s();
	} else {
		sp->group = 0;
	}
	if (stopping) {
		sp->state = SP_STOPPED;
		return;
	}
	if (sp->restart) {
		sp->restart = false;
		sp->state = SP_RESTARTING;
		sp->next_start = t;
		return;
	}
	/* As rc runs a boot script once: done, or failed, never again. */
	if (sp->spec->oneshot) {
		sp->state = WIFEXITED(status) && WEXITSTATUS(status) == 0 ?
		    SP_DONE : SP_FAILED;
		say("%s/%s %s: one-shot %s", sp->spec->server, sp->spec->jail,
		    sp->spec->name, sproc_state_name(sp->state));
		return;
	}
	sp->exits[sp->nexits++ % SUPERVISE_MAX_FAILS] = t;
	for (i = 0; i < SUPERVISE_MAX_FAILS && i < sp->nexits; i++)
		if (t - sp->exits[i] <= SUPERVISE_FAIL_WINDOW)
			recent++;
	if (recent >= SUPERVISE_MAX_FAILS) {
		sp->state = SP_FAILED;
		say("%s/%s %s: failed: %zu exits within %.0f s, not "
		    "restarting", sp->spec->server, sp->spec->jail,
		    sp->spec->name, recent, SUPERVISE_FAIL_WINDOW);
		return;
	}
	/* 0.2 s, doubling with each recent exit, at most 5 s. */
	for (delay = 0.2, i = 1; i < recent && delay < 5.0; i++)
		delay *= 2;
	if (delay > 5.0)
		delay = 5.0;
	sp->state = SP_RESTARTING;
	sp->next_start = t + delay;
}

/* Reap every exited child; return true if any was ours. */
static bool
reap(struct supervisor *sv, bool stopping)
{
	bool changed = false;
	int status;
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < sv->n; i++)
			if (sv->procs[i].pid == pid) {
				proc_exited(&sv->procs[i], status, stopping);
				changed = true;
			}
	return changed;
}

/* Wait until no process of ${sv} runs or ${deadline} passes. */
static void
wait_all(struct supervisor *sv, const sigset_t *set, double deadline)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	siginfo_t info;
	size_t i;

	for (;;) {
		reap(sv, true);
		for (i = 0; i < sv->n && sv->procs[i].pid == 0; i++)
			;
		if (i == sv->n || monotonic_s() >= deadline)
			return;
		sigtimedwait(set, &info, &ts);
	}
}

/*
 * Wait for the one-shot ${sp} to finish before the processes after it
 * start, as rc runs the boot scripts one after the other; at most
 * SUPERVISE_ONESHOT_WAIT_S, then the rest start and it finishes when it
 * does.
 */
static void
wait_oneshot(struct supervisor *sv, struct sproc *sp, const sigset_t *set)
{
	double deadline = monotonic_s() + SUPERVISE_ONESHOT_WAIT_S;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	siginfo_t info;

	while (sp->pid != 0 && monotonic_s() < deadline) {
		sigtimedwait(set, &info, &ts);
		reap(sv, false);
	}
	if (sp->pid != 0)
		say("%s/%s %s: one-shot still running after %.0f s: starting "
		    "the rest", sp->spec->server, sp->spec->jail,
		    sp->spec->name, SUPERVISE_ONESHOT_WAIT_S);
}

/* The signal that makes a process of ${sp} go: a pipe has nothing to save. */
static int
stop_signal(const struct sproc *sp)
{
	return sp->spec->kind == PROC_PIPE ? SIGKILL : SIGTERM;
}

/*
 * Stop every process in reverse order: SIGTERM to each service, giving it
 * up to SUPERVISE_STOP_STEP_MS to go before the next is signalled, then
 * SIGKILL to what remains after SUPERVISE_STOP_MS.  A pipe gets SIGKILL at
 * once: spiped's SIGTERM is a graceful shutdown that stops accepting and
 * waits for its open connections to end, noticed only when its event
 * loop's one-second poll(2) times out (strace shows poll restarted with
 * 1000 ms after the signal), so every `down` waited a second for it.
 * spiped keeps no file nor state to save (run with -F, no pid file), and
 * the connections it would drain die with the namespaces a moment later.
 */
static void
stop_all(struct supervisor *sv, const sigset_t *set)
{
	double deadline;
	size_t i;

	for (i = sv->n; i-- > 0;) {
		struct sproc *sp = &sv->procs[i];

		if (sp->state == SP_RESTARTING)
			sp->state = SP_STOPPED;
		if (sp->pid == 0)
			continue;
		kill(sp->pid, stop_signal(sp));
		deadline = monotonic_s() + SUPERVISE_STOP_STEP_MS / 1000.0;
		while (sp->pid != 0 && monotonic_s() < deadline) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			siginfo_t info;

			sigtimedwait(set, &info, &ts);
			reap(sv, true);
		}
	}
	wait_all(sv, set, monotonic_s() + SUPERVISE_STOP_MS / 1000.0);
	for (i = sv->n; i-- > 0;)
		if (sv->procs[i].pid != 0) {
			say("%s/%s %s: still there after %d ms: SIGKILL",
			    sv->procs[i].spec->server, sv->procs[i].spec->jail,
			    sv->procs[i].spec->name, SUPERVISE_STOP_MS);
			kill(sv->procs[i].pid, SIGKILL);
		}
	wait_all(sv, set, monotonic_s() + 5);
}

/* Find the process of ${sv} named by the ${n} strings at ${f}. */
static struct sproc *
find_proc(struct supervisor *sv, char **f)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		const struct proc_spec *p = sv->procs[i].spec;

		if (str_eq(p->server, f[0]) && str_eq(p->jail, f[1]) &&
		    str_eq(proc_kind_name(p->kind), f[2]) &&
		    str_eq(p->name, f[3]))
			return &sv->procs[i];
	}
	return NULL;
}

/*
 * SIGUSR1: take the requests of ROOT/SITE/restart (supervise_restart()):
 * each named process gets its new command and is stopped as `down` stops
 * it, then started again at once (not counted as a failure; a failed one
 * is given a fresh start).
 */
static void
take_restarts(struct supervisor *sv)
{
	char *path = xasprintf("%s/restart", sv->dir), *text, *p, *end;
	char *f[RESTART_FIELDS];
	size_t len = 0, k, argc;
	int errnum;

	text = read_file(path, &len, &errnum);
	unlink(path);
	if (text == NULL) {
		say("restart request %s: %s", path, strerror(errnum));
		free(path);
		return;
	}
	for (p = text, end = text + len; p < end;) {
		struct sproc *sp;
		char **argv;

		for (k = 0; k < RESTART_FIELDS && p < end; k++,
		    p += strlen(p) + 1)
			f[k] = p;
		if (k < RESTART_FIELDS || sscanf(f[5], "%zu", &argc) != 1 ||
		    argc == 0 || argc > (size_t)(end - p)) {
			say("restart request %s: malformed", path);
			break;
		}
		argv = xcalloc(argc + 1, sizeof(*argv));
		for (k = 0; k < argc && p < end; k++, p += strlen(p) + 1)
			argv[k] = xstrdup(p);
		if ((sp = find_proc(sv, f)) == NULL || k < argc) {
			say("restart request: no process %s/%s %s %s", f[0],
			    f[1], f[2], f[3]);
			procs_free_argv(argv);
			continue;
		}
		procs_free_argv(sp->argv);
		free(sp->path);
		sp->argv = argv;
		sp->path = xstrdup(f[4]);
		sp->nexits = 0;
		say("%s/%s %s: restart asked", sp->spec->server,
		    sp->spec->jail, sp->spec->name);
		if (sp->pid != 0) {
			sp->restart = true;
			kill(sp->pid, stop_signal(sp));
		} else {
			sp->state = SP_RESTARTING;
			sp->next_start = monotonic_s();
		}
	}
	free(text);
	free(path);
}

static void
run(struct supervisor *sv)
{
	struct timespec ts;
	siginfo_t info;
	sigset_t set;
	double t, next;
	size_t i;
	int sig;

	block_lifecycle_signals(&set);
	/* SIGUSR1: restart requests; its default would end the supervisor. */
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	say("supervisor %ld: %zu processes", (long)getpid(), sv->n);
	for (i = 0; i < sv->n; i++) {
		start_proc(&sv->procs[i]);
		if (sv->procs[i].spec->oneshot)
			wait_oneshot(sv, &sv->procs[i], &set);
	}
	write_status(sv);
	for (;;) {
		t = monotonic_s();
		next = -1;
		for (i = 0; i < sv->n; i++)
			if (sv->procs[i].state == SP_RESTARTING &&
			    (next < 0 || sv->procs[i].next_start < next))
				next = sv->procs[i].next_start;
		if (next >= 0) {
			next = next > t ? next - t : 0;
			ts.tv_sec = (time_t)next;
			ts.tv_nsec = (long)((next - ts.tv_sec) * 1e9);
		}
		sig = sigtimedwait(&set, &info, next >= 0 ? &ts : NULL);
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			break;
		if (sig == SIGCHLD && reap(sv, false))
			write_status(sv);
		if (sig == SIGUSR1) {
			take_restarts(sv);
			reap(sv, false);
			write_status(sv);
		}
		t = monotonic_s();
		for (i = 0; i < sv->n; i++)
			if (sv->procs[i].state == SP_RESTARTING &&
			    sv->procs[i].next_start <= t &&
			    !group_left(&sv->procs[i])) {
				sv->procs[i].restarts++;
				start_proc(&sv->procs[i]);
				write_status(sv);
			}
	}
	say("supervisor: signal %d: stopping in reverse order", sig);
	reap(sv, false);
	stop_all(sv, &set);
	write_status(sv);
	say("supervisor: stopped");
}

char *
supervise_log_path(const char *root, const char *site, const char *server,
    const char *jail, const char *name)
{
	return xasprintf("%s/%s/log/%s.%s.%s.log", root, site, server, jail,
	    name);
}

/* The grandchild: set up the daemon and run; never returns. */
static void
become_supervisor(const char *root, const char *site,
    const struct proc_list *list, int report_fd)
{
	struct supervisor sv;
	char *logpath, line[32];
	size_t i;
	int fd;

	setsid();
	/* So that ps(1) tells it from the `jailnet up` it was forked from. */
	prctl(PR_SET_NAME, "jailnet-super", 0, 0, 0);
	if (chdir("/") != 0)
		_exit(1);
	umask(022);
	close_range(3, (unsigned)report_fd - 1, 0);
	close_range((unsigned)report_fd + 1, ~0U, 0);
	sv.dir = xasprintf("%s/%s", root, site);
	logpath = xasprintf("%s/supervisor.log", sv.dir);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		_exit(1);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	free(logpath);
	sv.n = list->n;
	sv.procs = xcalloc(list->n + 1, sizeof(*sv.procs));
	for (i = 0; i < list->n; i++) {
		sv.procs[i].spec = &list->procs[i];
		sv.procs[i].log = supervise_log_path(root, site,
		    list->procs[i].server, list->procs[i].jail,
		    list->procs[i].name);
	}
	snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (write(report_fd, line, strlen(line)) < 0)
		_exit(1);
	close(report_fd);
	run(&sv);
	_exit(0);
}

int
supervise_start(const char *root, const char *site,
    const struct proc_list *list, pid_t *pid_out, unsigned long long *start,
    struct nl_error *err)
{
	char *dir = xasprintf("%s/%s", root, site);
	char *logdir = xasprintf("%s/log", dir);
	char buf[32];
	size_t len = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;
	long got;

	if (state_make_dir(root, err) != 0 || state_make_dir(dir, err) != 0 ||
	    state_make_dir(logdir, err) != 0)
		goto fail;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		nl_error_set(err, errno, "fork the supervisor");
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (pid == 0) {
		close(fds[0]);
		if (fork() == 0)
			become_supervisor(root, site, list, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while (len < sizeof(buf) - 1 && (n = read(fds[0], buf + len,
	    sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	buf[len] = '\0';
	if (len == 0 || sscanf(buf, "%ld", &got) != 1 || got <= 0) {
		nl_error_set(err, ECHILD, "start the supervisor (see %s/"
		    "supervisor.log)", dir);
		goto fail;
	}
	*pid_out = (pid_t)got;
	*start = pidref_start(*pid_out);
	free(dir);
	free(logdir);
	return 0;
fail:
	free(dir);
	free(logdir);
	return -1;
}

bool
supervise_stop(pid_t pid, unsigned long long start)
{
	return pidref_terminate(pid, start, 2 * SUPERVISE_STOP_MS);
}

struct ns_id {
	dev_t dev;
	ino_t ino;
};

/* Kill what runs in ${ids}; return how many were signalled. */
static size_t
kill_in(const struct ns_id *ids, size_t nids, pid_t *pids, size_t maxpids)
{
	struct dirent *de;
	struct stat sb;
	char path[300];
	size_t killed = 0, i;
	DIR *d;
	long pid;
	char *end;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 1 || pid == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (stat(path, &sb) != 0)
			continue;
		for (i = 0; i < nids; i++)
			if (sb.st_dev == ids[i].dev && sb.st_ino == ids[i].ino &&
			    kill((pid_t)pid, SIGKILL) == 0) {
				if (killed < maxpids)
					pids[killed] = (pid_t)pid;
				killed++;
				break;
			}
	}
	closedir(d);
	return killed;
}

void
supervise_kill_netns(char *const *names, size_t n, size_t *killed)
{
	struct ns_id *ids = xcalloc(n + 1, sizeof(*ids));
	pid_t pids[256];
	struct stat sb;
	size_t nids = 0, i, k, npids;
	char *path;
	int waited;

	*killed = 0;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", NETNS_DIR, names[i]);
		/* The bind mount's inode is the namespace's (nsfs). */
		if (stat(path, &sb) == 0 && sb.st_ino != 0) {
			ids[nids].dev = sb.st_dev;
			ids[nids].ino = sb.st_ino;
			nids++;
		}
		free(path);
	}
	if (nids > 0) {
		*killed = kill_in(ids, nids, pids, 256);
		npids = *killed < 256 ? *killed : 256;
		for (k = 0; k < npids; k++)
			for (waited = 0; waited < 1000; waited += 10) {
				/* Gone, or a zombie: not alive. */
				if (!pidref_alive(pids[k], pidref_start(pids[k])))
					break;
				sleep_ms(10);
			}
	}
	free(ids);
}

void
supervise_read_status(const char *root, const char *site,
    struct proc_status **out, size_t *nout)
{
	char *path = xasprintf("%s/%s/procs", root, site);
	char *text, *line, *next, *w[7], *save;
	struct proc_status *st = NULL;
	size_t n = 0, cap = 0, k;
	int errnum;

	*out = NULL;
	*nout = 0;
	text = read_file(path, NULL, &errnum);
	free(path);
	if (text == NULL)
		return;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		struct proc_status *ps;
		char *end;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		for (k = 0; k < 7; k++)
			if ((w[k] = strtok_r(k == 0 ? line : NULL, " ",
			    &save)) == NULL)
				break;
		if (k < 7)
			continue;
		ps = VEC_PUSH(st, n, cap);
		memset(ps, 0, sizeof(*ps));
		ps->server = xstrdup(w[0]);
		ps->jail = xstrdup(w[1]);
		ps->kind = xstrdup(w[2]);
		ps->name = xstrdup(w[3]);
		ps->pid = strtol(w[4], &end, 10);
		ps->state = xstrdup(w[5]);
		ps->restarts = strtoul(w[6], &end, 10);
	}
	free(text);
	*out = st;
	*nout = n;
}

/* The status line of ${p} in ${st}, or NULL. */
static const struct proc_status *
status_of(const struct proc_status *st, size_t n, const struct proc_spec *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (str_eq(st[i].server, p->server) &&
		    str_eq(st[i].jail, p->jail) &&
		    str_eq(st[i].kind, proc_kind_name(p->kind)) &&
		    str_eq(st[i].name, p->name))
			return &st[i];
	return NULL;
}

int
supervise_restart(const char *root, const char *site, pid_t pid,
    unsigned long long start, const struct proc_spec *const *procs,
    size_t n, int wait_ms, struct nl_error *err)
{
	struct strbuf req = { 0 };
	struct proc_status *st = NULL;
	unsigned long *before = xcalloc(n + 1, sizeof(*before));
	char *path = xasprintf("%s/%s/restart", root, site);
	const struct proc_status *ps;
	double deadline;
	size_t nst = 0, i, k, done;
	int errnum, rc = -1;

	supervise_read_status(root, site, &st, &nst);
	for (i = 0; i < n; i++) {
		const struct proc_spec *p = procs[i];
		const char *head[RESTART_FIELDS - 1] = { p->server, p->jail,
		    proc_kind_name(p->kind), p->name, p->path };

		if ((ps = status_of(st, nst, p)) != NULL)
			before[i] = ps->restarts;
		/* NUL-separated: an argument may hold any other byte. */
		for (k = 0; k < RESTART_FIELDS - 1; k++)
			strbuf_add(&req, head[k], strlen(head[k]) + 1);
		strbuf_addf(&req, "%zu", p->argc);
		strbuf_addc(&req, '\0');
		for (k = 0; k < p->argc; k++)
			strbuf_add(&req, p->argv[k], strlen(p->argv[k]) + 1);
	}
	supervise_status_free(st, nst);
	st = NULL;
	nst = 0;
	if (!pidref_alive(pid, start)) {
		nl_error_set(err, ESRCH, "the supervisor of %s (pid %ld) is "
		    "not running", site, (long)pid);
		goto out;
	}
	if (write_file_atomic(path, req.s != NULL ? req.s : "", req.len, 0600,
	    &errnum) != 0) {
		nl_error_set(err, errnum, "write %s", path);
		goto out;
	}
	if (kill(pid, SIGUSR1) != 0) {
		nl_error_set(err, errno, "signal the supervisor of %s", site);
		unlink(path);
		goto out;
	}
	/* Each is done once it started again: restarts counts its start. */
	deadline = monotonic_ms() + wait_ms;
	for (;;) {
		supervise_read_status(root, site, &st, &nst);
		for (i = done = 0; i < n; i++) {
			ps = status_of(st, nst, procs[i]);
			if (ps != NULL && ps->restarts > before[i] &&
			    (str_eq(ps->state, "running") ||
			    str_eq(ps->state, "failed") ||
			    str_eq(ps->state, "done")))
				done++;
		}
		if (done == n) {
			rc = 0;
			break;
		}
		if (monotonic_ms() >= deadline) {
			nl_error_set(err, ETIMEDOUT, "%zu of %zu processes did "
			    "not start again within %d ms (see %s/%s/"
			    "supervisor.log)", n - done, n, wait_ms, root,
			    site);
			break;
		}
		supervise_status_free(st, nst);
		st = NULL;
		nst = 0;
		sleep_ms(20);
	}
out:
	supervise_status_free(st, nst);
	strbuf_free(&req);
	free(before);
	free(path);
	return rc;
}

void
supervise_status_free(struct proc_status *st, size_t n)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(st[i].server);
		free(st[i].jail);
		free(st[i].kind);
		free(st[i].name);
		free(st[i].state);
	}
	free(st);
}

char *
supervise_last_line(const char *path)
{
	char buf[4096], *end, *start;
	struct stat sb;
	ssize_t n;
	off_t off;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	off = fstat(fd, &sb) == 0 && sb.st_size > (off_t)sizeof(buf) - 1 ?
	    sb.st_size - (off_t)sizeof(buf) + 1 : 0;
	n = pread(fd, buf, sizeof(buf) - 1, off);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	end = buf + n;
	while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	if (end == buf)
		return NULL;
	start = end;
	while (start > buf && start[-1] != '\n')
		start--;
	return xstrndup(start, (size_t)(end - start) > 200 ? 200 :
	    (size_t)(end - start));
}

static int
remove_path(const char *path, bool dir, struct nl_error *err)
{
	if ((dir ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT) {
		nl_error_set(err, errno, "remove %s", path);
		return -1;
	}
	return 0;
}

int
supervise_remove_files(const char *root, const char *site,
    struct nl_error *err)
{
	static const char *const files[] = { "procs", "procs.tmp",
	    "supervisor.log" };
	char *dir = xasprintf("%s/%s", root, site), *path;
	struct dirent *de;
	size_t i;
	DIR *d;
	int rc = 0;

	for (i = 0; i < sizeof(files) / sizeof(*files) && rc == 0; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		rc = remove_path(path, false, err);
		free(path);
	}
	path = xasprintf("%s/log", dir);
	if (rc == 0 && (d = opendir(path)) != NULL) {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			char *file;

			if (!str_has_suffix(de->d_name, ".log"))
				continue;
			file = xasprintf("%s/%s", path, de->d_name);
			rc = remove_path(file, false, err);
			free(file);
		}
		closedir(d);
	}
	if (rc == 0)
		rc = remove_path(path, true, err);
	free(path);
	free(dir);
	return rc;
}
