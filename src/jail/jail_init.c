/*
 * jail_init: the init process of each jail, and entering its namespaces.
 */
#include "jail/jail_init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/netns.h"
#include "jail/jail_seccomp.h"
#include "jail/pidref.h"

static const struct {
	const char *name;
	int type;
} ns_kinds[JAIL_NS_N] = {
	{ "pid", CLONE_NEWPID },
	{ "net", CLONE_NEWNET },
	{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS },
};

/*
 * What root may not do in a jail, as on FreeBSD, where a jail's root
 * cannot mount, load modules, create devices or set the clock: the
 * capabilities that would reach past its namespaces.  Dropped from the
 * bounding set of every process entering a jail, so that no program it
 * runs gets them.
 */
static const int jail_dropped_caps[] = {
	CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_BOOT,
	CAP_SYS_TIME, CAP_MKNOD, CAP_DAC_READ_SEARCH, CAP_LINUX_IMMUTABLE,
	CAP_MAC_ADMIN, CAP_MAC_OVERRIDE, CAP_AUDIT_CONTROL, CAP_SYSLOG,
	CAP_SYS_PACCT, CAP_SYS_TTY_CONFIG, CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND,
	CAP_BPF, CAP_PERFMON, CAP_CHECKPOINT_RESTORE,
};

const char *
jail_ns_name(size_t i)
{
	return i < JAIL_NS_N ? ns_kinds[i].name : "?";
}

static struct jail_spec *
add_spec(struct jail_specs *out, const struct site *site, bool host,
    const char *server, const char *name, const char *hostname,
    bool new_ipc, const struct fsview *tree, struct loc loc)
{
	struct jail_spec *s = VEC_PUSH(out->v, out->n, out->cap);

	memset(s, 0, sizeof(*s));
	s->host = host;
	s->server = xstrdup(server);
	s->name = xstrdup(name);
	s->netns = procs_netns_name(site->name, server, name);
	s->hostname = xstrdup(hostname);
	s->new_ipc = new_ipc;
	s->view = jail_view_new(DATA_ROOT, site->name, server, name, tree,
	    site->dir);
	s->loc = loc;
	return s;
}

void
jail_specs_build(const struct site *site, struct jail_specs *out)
{
	size_t h, s, k;

	for (h = 0; h < site->nhosts; h++) {
		const struct outside_host *oh = &site->hosts[h];

		if (oh->nservices > 0)
			add_spec(out, site, true, JAIL_INIT_HOST, oh->name,
			    oh->name, true, oh->view, oh->loc);
	}
	for (s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		/* Its own services, in its namespace, with its files. */
		if (srv->nservices > 0)
			add_spec(out, site, false, srv->name,
			    SITE_SERVER_SELF, srv->hostname != NULL ?
			    srv->hostname : srv->name, true, srv->view,
			    srv->loc);
		for (k = 0; k < srv->njails; k++) {
			const struct jail *j = &srv->jails[k];

			add_spec(out, site, false, srv->name, j->name,
			    j->hostname != NULL ? j->hostname : j->name,
			    j->sysvshm != SYSV_INHERIT, j->view, j->loc);
		}
	}
}

void
jail_specs_free(struct jail_specs *specs)
{
	size_t i;

	for (i = 0; i < specs->n; i++) {
		free(specs->v[i].server);
		free(specs->v[i].name);
		free(specs->v[i].netns);
		free(specs->v[i].hostname);
		jail_view_free(specs->v[i].view);
	}
	free(specs->v);
	memset(specs, 0, sizeof(*specs));
}

static void
noop_handler(int sig)
{
	(void)sig;
}

/* Reap every exited child; return false once there are none left. */
static bool
reap_all(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		;
	return !(pid < 0 && errno == ECHILD);
}

/*
 * The init's life once its view is built: reap, and on SIGTERM (or INT,
 * HUP) stop everything in the jail and exit.  Never returns.
 */
static void __attribute__((noreturn))
init_loop(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct sigaction sa;
	siginfo_t info;
	sigset_t set;
	double deadline;
	int sig;

	/*
	 * A pid namespace's init gets only the signals it handles (but
	 * SIGKILL from outside): handlers make them deliverable, the mask
	 * keeps them for sigtimedwait().
	 */
	block_lifecycle_signals(&set);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	for (;;) {
		sig = sigwaitinfo(&set, &info);
		reap_all();
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
			break;
	}
	kill(-1, SIGTERM);
	deadline = monotonic_s() + JAIL_INIT_STOP_MS / 1000.0;
	while (reap_all() && monotonic_s() < deadline)
		sigtimedwait(&set, &info, &ts);
	kill(-1, SIGKILL);
	_exit(0);
}

void
jail_init_main(void)
{
	/* execveat() named it after its descriptor. */
	prctl(PR_SET_NAME, JAIL_INIT_ARGV0, 0, 0, 0);
	init_loop();
}

/* In the init (PID 1 of the new namespaces): build the jail; never returns. */
static void
become_init(const struct jail_spec *spec, int report)
{
	static const char *const keep_env[] = { "ASAN_OPTIONS",
	    "UBSAN_OPTIONS" };
	char *argv[] = { (char *)JAIL_INIT_ARGV0, NULL }, *envp[4], *v;
	struct nl_error err;
	size_t i, n = 0;
	int fd, exe;

	setsid();
	prctl(PR_SET_NAME, JAIL_INIT_ARGV0, 0, 0, 0);
	/* Our own program, to run again once inside (it is not in the view). */
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (sethostname(spec->hostname, strlen(spec->hostname)) != 0) {
		dprintf(report, "error set hostname %s: %s\n", spec->hostname,
		    strerror(errno));
		_exit(1);
	}
	if (jail_view_enter(spec->view, &err) != 0) {
		dprintf(report, "error %s\n", err.msg);
		_exit(1);
	}
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	dprintf(report, "ok\n");
	close(report);
	/*
	 * Become a fresh `jailnet-init` (main() calls jail_init_main()):
	 * nothing of `up`'s memory, arguments or environment stays in the
	 * jail.  If that fails, go on as we are.
	 */
	envp[n++] = (char *)"PATH=" JAIL_VIEW_PATH;
	for (i = 0; i < sizeof(keep_env) / sizeof(*keep_env); i++)
		if ((v = getenv(keep_env[i])) != NULL)
			envp[n++] = xasprintf("%s=%s", keep_env[i], v);
	envp[n] = NULL;
	if (exe >= 0)
		execveat(exe, "", argv, envp, AT_EMPTY_PATH);
	init_loop();
}

/*
 * The first child: into the jail's network namespace, new namespaces,
 * then fork the init; report its pid and exit.  Never returns.
 */
static void
make_init(const struct jail_spec *spec, int report, pid_t parent)
{
	struct nl_error err;
	int fd, flags, *keep;
	pid_t pid;

	/* The report, and the directories of the view's layer (c). */
	keep = xcalloc(spec->view->ntrees + 1, sizeof(*keep));
	keep[0] = report;
	if (spec->view->ntrees > 0)
		memcpy(keep + 1, spec->view->tree_fds, spec->view->ntrees *
		    sizeof(*keep));
	close_fds_except(keep, spec->view->ntrees + 1);
	free(keep);
	/*
	 * If `up` is killed now, this child must not go on to make an init
	 * after the next run has cleaned up: it dies with `up`.  (The init
	 * is in the jail's network namespace from its birth, where `down`
	 * and a later `up` find it.)
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != parent)
		_exit(1);
	flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
	    (spec->new_ipc ? CLONE_NEWIPC : 0);
	if (netns_open(spec->netns, &fd, &err) != 0) {
		dprintf(report, "error %s\n", err.msg);
		_exit(1);
	}
	if (setns(fd, CLONE_NEWNET) != 0) {
		dprintf(report, "error enter namespace %s: %s\n", spec->netns,
		    strerror(errno));
		_exit(1);
	}
	close(fd);
	if (jail_view_clone_trees(spec->view, &err) != 0) {
		dprintf(report, "error %s\n", err.msg);
		_exit(1);
	}
	if (unshare(flags) != 0) {
		dprintf(report, "error unshare pid, mount, uts%s namespaces: "
		    "%s\n", spec->new_ipc ? ", ipc" : "", strerror(errno));
		_exit(1);
	}
	pid = fork();
	if (pid == 0)
		become_init(spec, report);
	if (pid < 0)
		dprintf(report, "error fork the init: %s\n", strerror(errno));
	else
		dprintf(report, "pid %ld\n", (long)pid);
	_exit(pid < 0);
}

/* An init being made: the first child and the pipe of its report. */
struct spawn {
	pid_t child;
	int fd;
};

/* Prepare the view and fork the first child of ${spec}'s init. */
static int
spawn_init(const struct jail_spec *spec, struct spawn *sp,
    struct nl_error *err)
{
	int fds[2];
	pid_t parent;

	sp->child = -1;
	sp->fd = -1;
	if (jail_view_prepare(spec->view, err) != 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		return -1;
	}
	fflush(NULL);
	parent = getpid();
	sp->child = fork();
	if (sp->child < 0) {
		nl_error_set(err, errno, "fork");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (sp->child == 0)
		make_init(spec, fds[1], parent);
	close(fds[1]);
	sp->fd = fds[0];
	return 0;
}

/* Read the report of ${sp} to its end; the init's pid and start, or -1. */
static int
collect_init(const struct jail_spec *spec, struct spawn *sp, pid_t *pid_out,
    unsigned long long *start, struct nl_error *err)
{
	char buf[600], *line, *next;
	size_t len = 0;
	ssize_t n;
	int status;
	long pid = 0;
	bool ok = false;

	while (len < sizeof(buf) - 1 && (n = read(sp->fd, buf + len,
	    sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(sp->fd);
	sp->fd = -1;
	while (waitpid(sp->child, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	nl_error_set(err, ECHILD, "the init of %s %s/%s said nothing",
	    spec->host ? "host" : "jail", spec->server, spec->name);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (str_has_prefix(line, "pid "))
			pid = strtol(line + 4, NULL, 10);
		else if (strcmp(line, "ok") == 0)
			ok = true;
		else if (str_has_prefix(line, "error ") && err != NULL) {
			/* The init's words end with its own strerror(): no
			   second one ("Invalid argument: Input/output
			   error"). */
			err->errnum = EIO;
			snprintf(err->msg, sizeof(err->msg), "%s %s: %s",
			    spec->host ? "host" : "jail", spec->host ?
			    spec->name : spec->netns, line + 6);
		}
	}
	if (!ok || pid <= 0) {
		/* A failed init exits by itself; make sure. */
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
		return -1;
	}
	*pid_out = (pid_t)pid;
	*start = pidref_start(*pid_out);
	return 0;
}

int
jail_init_start(const struct jail_spec *spec, pid_t *pid_out,
    unsigned long long *start, struct nl_error *err)
{
	struct spawn sp;

	if (spawn_init(spec, &sp, err) != 0)
		return -1;
	return collect_init(spec, &sp, pid_out, start, err);
}

/* How many inits are made at once: their mounts overlap. */
#define JAIL_INIT_WINDOW 32

int
jail_init_start_all(const struct jail_specs *specs, struct state *st,
    struct nl_error *err)
{
	struct spawn sp[JAIL_INIT_WINDOW];
	unsigned long long start;
	struct nl_error e;
	size_t base, i, k, end;
	bool failed = false;
	pid_t pid;

	/*
	 * Forked in order, a window at a time; each recorded, in order, as
	 * soon as its view is built.
	 */
	for (base = 0; base < specs->n && !failed; base = end) {
		end = base + JAIL_INIT_WINDOW < specs->n ?
		    base + JAIL_INIT_WINDOW : specs->n;
		for (i = base; i < end; i++)
			if (spawn_init(&specs->v[i], &sp[i - base],
			    failed ? &e : err) != 0)
				failed = true;
		for (i = base; i < end; i++) {
			const struct jail_spec *s = &specs->v[i];

			if (sp[i - base].child <= 0)
				continue;
			if (collect_init(s, &sp[i - base], &pid, &start,
			    failed ? &e : err) != 0 ||
			    state_add_init(st, s->host, s->server, s->name,
			    (long)pid, start, failed ? &e : err) != 0)
				failed = true;
		}
	}
	if (!failed)
		return 0;
	for (k = end; k-- > 0;) {
		const struct state_init *in = state_find_init(st,
		    specs->v[k].host, specs->v[k].server, specs->v[k].name);

		if (in != NULL)
			jail_init_stop((pid_t)in->pid, in->start);
	}
	return -1;
}

bool
jail_init_stop(pid_t pid, unsigned long long start)
{
	return pidref_terminate(pid, start, 2 * JAIL_INIT_STOP_MS);
}

size_t
jail_init_stop_all(const struct state *st)
{
	size_t i, n = 0, left;
	int waited;

	/*
	 * SIGTERM in reverse order, each given JAIL_INIT_STEP_MS before the
	 * next (an init waits up to JAIL_INIT_STOP_MS for its processes:
	 * waiting for each in turn would add up), then wait for all.
	 */
	for (i = st->ninits; i-- > 0;) {
		const struct state_init *in = &st->inits[i];

		if (!pidref_alive((pid_t)in->pid, in->start))
			continue;
		n++;
		kill((pid_t)in->pid, SIGTERM);
		for (waited = 0; waited < JAIL_INIT_STEP_MS &&
		    pidref_alive((pid_t)in->pid, in->start); waited++)
			sleep_ms(1);
	}
	for (waited = 0; waited < 2 * JAIL_INIT_STOP_MS; waited += 5) {
		for (i = left = 0; i < st->ninits; i++)
			left += pidref_alive((pid_t)st->inits[i].pid,
			    st->inits[i].start);
		if (left == 0)
			return n;
		sleep_ms(5);
	}
	for (i = st->ninits; i-- > 0;)
		jail_init_stop((pid_t)st->inits[i].pid, st->inits[i].start);
	return n;
}

bool
jail_init_all_alive(const struct state *st)
{
	size_t i;

	for (i = 0; i < st->ninits; i++)
		if (!pidref_alive((pid_t)st->inits[i].pid,
		    st->inits[i].start))
			return false;
	return true;
}

void
jail_init_bind_procs(const struct state *st, struct proc_list *list)
{
	const struct state_init *in;
	size_t i;

	for (i = 0; i < list->n; i++) {
		struct proc_spec *p = &list->procs[i];

		in = state_find_init(st, p->host, p->server, p->jail);
		p->init_pid = in != NULL ? in->pid : 0;
		p->init_start = in != NULL ? in->start : 0;
	}
}

int
jail_ns_open(pid_t pid, unsigned long long start, struct jail_ns *ns,
    struct nl_error *err)
{
	char path[64];
	size_t i;

	for (i = 0; i < JAIL_NS_N; i++)
		ns->fd[i] = -1;
	ns->packet_filter = false;
	if (!pidref_alive(pid, start)) {
		nl_error_set(err, ESRCH, "the jail's init %ld is not running",
		    (long)pid);
		return -1;
	}
	for (i = 0; i < JAIL_NS_N; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)pid,
		    ns_kinds[i].name);
		if ((ns->fd[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			nl_error_set(err, errno, "open %s", path);
			jail_ns_close(ns);
			return -1;
		}
	}
	/* Still the same process: the descriptors are its namespaces. */
	if (!pidref_alive(pid, start)) {
		jail_ns_close(ns);
		nl_error_set(err, ESRCH, "the jail's init %ld is not running",
		    (long)pid);
		return -1;
	}
	return 0;
}

void
jail_ns_close(struct jail_ns *ns)
{
	size_t i;

	for (i = 0; i < JAIL_NS_N; i++)
		if (ns->fd[i] >= 0) {
			close(ns->fd[i]);
			ns->fd[i] = -1;
		}
}

pid_t
jail_ns_fork(const struct jail_ns *ns, struct nl_error *err)
{
	struct nl_error serr;
	int own, saved_errno;
	size_t i;
	pid_t pid;

	if ((own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC)) < 0) {
		nl_error_set(err, errno, "open /proc/self/ns/pid");
		return -1;
	}
	if (setns(ns->fd[0], CLONE_NEWPID) != 0) {
		nl_error_set(err, errno, "enter the jail's pid namespace");
		close(own);
		return -1;
	}
	pid = fork();
	saved_errno = errno;
	if (pid != 0) {
		/* Back to our own for later children; cannot fail. */
		if (setns(own, CLONE_NEWPID) != 0)
			abort();
		close(own);
		if (pid < 0)
			nl_error_set(err, saved_errno, "fork into the jail");
		return pid;
	}
	close(own);
	for (i = 1; i < JAIL_NS_N; i++)
		if (setns(ns->fd[i], ns_kinds[i].type) != 0) {
			fprintf(stderr, "jailnet: enter the jail's %s "
			    "namespace: %s\n", ns_kinds[i].name,
			    strerror(errno));
			_exit(126);
		}
	if (chdir("/") != 0) {
		fprintf(stderr, "jailnet: chdir / in the jail: %s\n",
		    strerror(errno));
		_exit(126);
	}
	for (i = 0; i < sizeof(jail_dropped_caps) /
	    sizeof(*jail_dropped_caps); i++)
		if (prctl(PR_CAPBSET_DROP, jail_dropped_caps[i], 0, 0, 0) != 0 &&
		    errno != EINVAL) {
			fprintf(stderr, "jailnet: drop capability %d: %s\n",
			    jail_dropped_caps[i], strerror(errno));
			_exit(126);
		}
	/* While CAP_SYS_ADMIN is still effective (see jail_seccomp.h). */
	if (jail_seccomp_load(ns->packet_filter, &serr) != 0) {
		fprintf(stderr, "jailnet: %s\n", serr.msg);
		_exit(126);
	}
	return 0;
}
