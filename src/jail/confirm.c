/*
 * confirm: the watchdog of `up --host --confirm` (confirm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/state.h"
#include "jail/pidref.h"
#include "jail/confirm.h"

/* ROOT/SITE/CONFIRM_FILE; one short line, anything longer is not ours. */
#define CONFIRM_FILE "confirm"
#define CONFIRM_FILE_MAX 128

/* How long confirm_stop() waits for the watchdog to go after SIGTERM. */
#define CONFIRM_STOP_MS 2000

struct confirm_file {
	enum { CF_NONE, CF_PENDING, CF_EXPIRED } kind;
	long pid;
	unsigned long long start;
	long long deadline;	/* CLOCK_BOOTTIME seconds */
	unsigned seconds;
};

static long long
boot_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (long long)ts.tv_sec;
}

static char *
file_path(const char *root, const char *site)
{
	return xasprintf("%s/%s/" CONFIRM_FILE, root, site);
}

/*
 * Read ROOT/SITE/confirm into ${cf}: CF_NONE if it is missing.  Return 0,
 * or -1 with ${err} set if it cannot be read or is not a line of ours.
 */
static int
read_confirm(const char *root, const char *site, struct confirm_file *cf,
    struct nl_error *err)
{
	char *path = file_path(root, site), *text = NULL;
	size_t len;
	int fd, errnum = 0, rc = -1, end = 0;

	memset(cf, 0, sizeof(*cf));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		cf->kind = CF_NONE;
		rc = 0;
		goto out;
	}
	if (fd < 0 || (text = read_fd(fd, CONFIRM_FILE_MAX, &len,
	    &errnum)) == NULL) {
		nl_error_set(err, fd < 0 ? errno : errnum, "read %s", path);
		goto out;
	}
	if (sscanf(text, "pending %ld %llu %lld %u\n%n", &cf->pid, &cf->start,
	    &cf->deadline, &cf->seconds, &end) == 4 && end == (int)len &&
	    cf->pid > 0 && cf->seconds > 0) {
		cf->kind = CF_PENDING;
		rc = 0;
	} else if (sscanf(text, "expired %ld\n%n", &cf->pid, &end) == 1 &&
	    end == (int)len && cf->pid > 0) {
		cf->kind = CF_EXPIRED;
		rc = 0;
	} else
		nl_error_set(err, EINVAL, "%s: not a confirmation timer's "
		    "file", path);
out:
	if (fd >= 0)
		close(fd);
	free(text);
	free(path);
	return rc;
}

static int
write_confirm(const char *root, const char *site,
    const struct confirm_file *cf, struct nl_error *err)
{
	char *path = file_path(root, site), *line;
	int errnum = 0, rc = 0;

	line = cf->kind == CF_PENDING ? xasprintf("pending %ld %llu %lld %u\n",
	    cf->pid, cf->start, cf->deadline, cf->seconds) :
	    xasprintf("expired %ld\n", cf->pid);
	if (write_file_atomic(path, line, strlen(line), 0644, &errnum) != 0) {
		nl_error_set(err, errnum, "write %s", path);
		rc = -1;
	}
	free(line);
	free(path);
	return rc;
}

/* The watchdog's output: the log, opened by the parent. */
static void
log_line(const char *fmt, const char *site, unsigned seconds)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "?");
	fprintf(stderr, "%s jailnet confirm: ", stamp);
	fprintf(stderr, fmt, site, seconds);
	fputc('\n', stderr);
	fflush(stderr);
}

/*
 * The watchdog (the grandchild of confirm_arm()): report, then wait for
 * the deadline in the file, which confirm_restart() may move, and roll
 * back unless the file stops naming it.  Never returns.
 */
static void
watchdog(const char *root, const char *site, unsigned seconds,
    char *const rollback[], int log_fd, int report_fd)
{
	struct confirm_file cf = { 0 };
	struct timespec at;
	struct state *st;
	struct nl_error err;
	char *path = file_path(root, site);
	int keep[2] = { log_fd, report_fd }, fd;

	setsid();
	prctl(PR_SET_NAME, "jailnet-confirm", 0, 0, 0);
	close_fds_except(keep, 2);
	if (chdir("/") != 0)
		_exit(1);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(log_fd, 1);
	dup2(log_fd, 2);
	close(log_fd);
	/* The caller holds the site's lock: the file is written under it. */
	cf.kind = CF_PENDING;
	cf.pid = (long)getpid();
	cf.start = pidref_start(getpid());
	cf.deadline = boot_seconds() + (long long)seconds;
	cf.seconds = seconds;
	if (write_confirm(root, site, &cf, &err) != 0) {
		fprintf(stderr, "jailnet confirm: %s\n", err.msg);
		_exit(1);
	}
	if (write(report_fd, "ok\n", 3) != 3)
		_exit(1);
	close(report_fd);
	log_line("%s: rolls back in %u s unless `jailnet confirm` stops it",
	    site, seconds);
	for (;;) {
		at.tv_sec = (time_t)cf.deadline;
		at.tv_nsec = 0;
		while (clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &at,
		    NULL) == EINTR)
			;
		/* Gone with the site (down stops us first; this is a net). */
		if (access(path, F_OK) != 0)
			_exit(0);
		if (state_lock(root, site, &st, &err) != 0) {
			fprintf(stderr, "jailnet confirm: %s\n", err.msg);
			_exit(1);
		}
		if (read_confirm(root, site, &cf, &err) != 0 ||
		    cf.kind != CF_PENDING || cf.pid != (long)getpid())
			_exit(0);
		if (boot_seconds() < cf.deadline) {
			/* up moved the deadline: wait on. */
			state_close(st);
			continue;
		}
		cf.kind = CF_EXPIRED;
		if (write_confirm(root, site, &cf, &err) != 0) {
			fprintf(stderr, "jailnet confirm: %s\n", err.msg);
			_exit(1);
		}
		log_line("%s: not confirmed within %u s: rolling back", site,
		    cf.seconds);
		/* The lock's descriptor is close-on-exec: the rollback takes
		   the lock itself. */
		execv(rollback[0], rollback);
		fprintf(stderr, "jailnet confirm: run %s: %s\n", rollback[0],
		    strerror(errno));
		_exit(1);
	}
}

int
confirm_arm(const char *root, const char *site, unsigned seconds,
    char *const rollback[], const char *log, struct nl_error *err)
{
	char buf[8];
	ssize_t n;
	int fds[2], log_fd, status;
	pid_t pid;

	if (seconds == 0 || seconds > CONFIRM_MAX_SECONDS) {
		nl_error_set(err, EINVAL, "a confirmation timer of %u s: "
		    "expected 1 to %u", seconds, CONFIRM_MAX_SECONDS);
		return -1;
	}
	log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (log_fd < 0) {
		nl_error_set(err, errno, "open %s", log);
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		close(log_fd);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		nl_error_set(err, errno, "fork the confirmation timer");
		close(fds[0]);
		close(fds[1]);
		close(log_fd);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		/* Twice: init, not `up`, is its parent. */
		if (fork() == 0)
			watchdog(root, site, seconds, rollback, log_fd,
			    fds[1]);
		_exit(0);
	}
	close(fds[1]);
	close(log_fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while ((n = read(fds[0], buf, sizeof(buf))) < 0 && errno == EINTR)
		;
	close(fds[0]);
	if (n != 3 || memcmp(buf, "ok\n", 3) != 0) {
		nl_error_set(err, EIO, "the confirmation timer did not start "
		    "(%s says why)", log);
		return -1;
	}
	return 0;
}

int
confirm_restart(const char *root, const char *site, struct nl_error *err)
{
	struct confirm_file cf;

	if (read_confirm(root, site, &cf, err) != 0)
		return -1;
	if (cf.kind != CF_PENDING)
		return 0;
	cf.deadline = boot_seconds() + (long long)cf.seconds;
	return write_confirm(root, site, &cf, err);
}

int
confirm_stop(const char *root, const char *site, enum confirm_outcome *out,
    long *left, struct nl_error *err)
{
	struct confirm_file cf;
	bool alive;

	*out = CONFIRM_NONE;
	if (left != NULL)
		*left = 0;
	if (read_confirm(root, site, &cf, err) != 0)
		return -1;
	if (cf.kind == CF_NONE)
		return 0;
	if (cf.kind == CF_EXPIRED) {
		*out = CONFIRM_LATE;
		return 0;
	}
	if (left != NULL)
		*left = (long)(cf.deadline - boot_seconds());
	alive = pidref_terminate((pid_t)cf.pid, cf.start, CONFIRM_STOP_MS);
	*out = alive ? CONFIRM_DONE : CONFIRM_ORPHAN;
	return state_remove_file(root, site, CONFIRM_FILE, err);
}

int
confirm_forget(const char *root, const char *site, struct nl_error *err)
{
	enum confirm_outcome outcome;

	/* A file that is not ours stops nothing: the watchdog, if any,
	   finds it gone and leaves. */
	(void)confirm_stop(root, site, &outcome, NULL, err);
	return state_remove_file(root, site, CONFIRM_FILE, err);
}

void
confirm_read(const char *root, const char *site, struct confirm_info *out)
{
	struct confirm_file cf;
	struct nl_error err;

	memset(out, 0, sizeof(*out));
	if (read_confirm(root, site, &cf, &err) != 0 || cf.kind == CF_NONE)
		return;
	out->pending = cf.kind == CF_PENDING;
	out->expired = cf.kind == CF_EXPIRED;
	out->alive = cf.kind == CF_PENDING ?
	    pidref_alive((pid_t)cf.pid, cf.start) :
	    pidref_start((pid_t)cf.pid) != 0;
	if (out->pending) {
		out->left = (long)(cf.deadline - boot_seconds());
		out->seconds = cf.seconds;
	}
}
