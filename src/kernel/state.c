/*
 * state: the record of what `up` created, under /run/jailnet/SITE.
 */
#include "kernel/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

#define STATE_HEADER "jailnet-state 1\n"

static struct state *
state_new(const char *root, const char *site)
{
	struct state *st = xcalloc(1, sizeof(*st));

	st->dir = xasprintf("%s/%s", root, site);
	st->lock_fd = -1;
	st->fd = -1;
	return st;
}

static void
forget_netns(struct state *st)
{
	size_t i;

	for (i = 0; i < st->nnetns; i++)
		free(st->netns[i]);
	st->nnetns = 0;
	for (i = 0; i < st->ninits; i++) {
		free(st->inits[i].server);
		free(st->inits[i].name);
	}
	st->ninits = 0;
	st->complete = false;
	st->supervisor = 0;
	st->supervisor_start = 0;
}

/* "PID START": a malformed line is ignored, like an unknown one. */
static void
parse_supervisor(struct state *st, const char *text)
{
	unsigned long long pid, start;
	char *end;

	errno = 0;
	pid = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != ' ' || pid == 0 ||
	    pid > 4194304)
		return;
	text = end + 1;
	start = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return;
	st->supervisor = (long)pid;
	st->supervisor_start = start;
}

/* Set the init of a jail or host in ${st}, replacing an earlier one. */
static void
set_init(struct state *st, bool host, const char *server, const char *name,
    long pid, unsigned long long start)
{
	struct state_init *in;
	size_t i;

	for (i = 0; i < st->ninits; i++) {
		in = &st->inits[i];
		if (in->host == host && strcmp(in->name, name) == 0 &&
		    (host || strcmp(in->server, server) == 0)) {
			in->pid = pid;
			in->start = start;
			return;
		}
	}
	in = VEC_PUSH(st->inits, st->ninits, st->initcap);
	in->host = host;
	in->server = host ? NULL : xstrdup(server);
	in->name = xstrdup(name);
	in->pid = pid;
	in->start = start;
}

/* "[SERVER] NAME PID START" of a jail or host line; malformed: ignored. */
static void
parse_init(struct state *st, bool host, char *text)
{
	char *w[4], *save = NULL, *end;
	unsigned long long pid, start;
	size_t n, want = host ? 3 : 4;

	for (n = 0; n < 4; n++)
		if ((w[n] = strtok_r(n == 0 ? text : NULL, " ", &save)) ==
		    NULL)
			break;
	if (n != want || strtok_r(NULL, " ", &save) != NULL)
		return;
	errno = 0;
	pid = strtoull(w[want - 2], &end, 10);
	if (errno != 0 || *end != '\0' || pid == 0 || pid > 4194304)
		return;
	start = strtoull(w[want - 1], &end, 10);
	if (errno != 0 || *end != '\0')
		return;
	set_init(st, host, host ? NULL : w[0], w[want - 3], (long)pid, start);
}

/* Read ${st->dir}/state into ${st}. */
static int
load(struct state *st, struct nl_error *err)
{
	char *path, *text, *line, *next;
	int errnum;

	path = xasprintf("%s/state", st->dir);
	text = read_file(path, NULL, &errnum);
	if (text == NULL) {
		if (errnum == ENOENT || errnum == ENOTDIR) {
			free(path);
			return 0;
		}
		nl_error_set(err, errnum, "read %s", path);
		free(path);
		return -1;
	}
	st->exists = true;
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next == NULL)
			break;		/* a torn last line: not a fact */
		*next++ = '\0';
		if (str_has_prefix(line, "netns ") && line[6] != '\0')
			*VEC_PUSH(st->netns, st->nnetns, st->cap) =
			    xstrdup(line + 6);
		else if (str_has_prefix(line, "supervisor "))
			parse_supervisor(st, line + 11);
		else if (str_has_prefix(line, "jail "))
			parse_init(st, false, line + 5);
		else if (str_has_prefix(line, "host "))
			parse_init(st, true, line + 5);
		else if (strcmp(line, "complete") == 0)
			st->complete = true;
	}
	free(text);
	free(path);
	return 0;
}

int
state_read(const char *root, const char *site, struct state **out,
    struct nl_error *err)
{
	struct state *st = state_new(root, site);

	if (load(st, err) != 0) {
		state_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
state_make_dir(const char *path, struct nl_error *err)
{
	if (make_dir(path, 0755) != 0) {
		nl_error_set(err, errno, "create %s", path);
		return -1;
	}
	return 0;
}

int
state_lock(const char *root, const char *site, struct state **out,
    struct nl_error *err)
{
	struct state *st = state_new(root, site);
	struct stat held, now;
	char *path = NULL;

	if (state_make_dir(root, err) != 0)
		goto fail;
	path = xasprintf("%s/lock", st->dir);
	/*
	 * A run that finishes `down` removes the lock file while holding
	 * it; whoever was waiting then holds a lock on a dead file, so it
	 * checks that the path still names the file it locked.
	 */
	for (;;) {
		if (state_make_dir(st->dir, err) != 0)
			goto fail;
		st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (st->lock_fd < 0) {
			nl_error_set(err, errno, "open %s", path);
			goto fail;
		}
		if (flock(st->lock_fd, LOCK_EX) != 0) {
			nl_error_set(err, errno, "lock %s", path);
			goto fail;
		}
		if (fstat(st->lock_fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_ino == now.st_ino && held.st_dev == now.st_dev)
			break;
		close(st->lock_fd);
		st->lock_fd = -1;
	}
	free(path);
	if (load(st, err) != 0) {
		state_close(st);
		return -1;
	}
	*out = st;
	return 0;
fail:
	free(path);
	state_close(st);
	return -1;
}

/* Append ${line} to the state file with one write(2). */
static int
append(struct state *st, const char *line, struct nl_error *err)
{
	size_t len = strlen(line);
	ssize_t n;

	if (st->fd < 0) {
		nl_error_set(err, EBADF, "write %s/state (not begun)",
		    st->dir);
		return -1;
	}
	n = write(st->fd, line, len);
	if (n < 0 || (size_t)n != len) {
		nl_error_set(err, n < 0 ? errno : EIO, "write %s/state",
		    st->dir);
		return -1;
	}
	return 0;
}

int
state_begin(struct state *st, struct nl_error *err)
{
	char *path = xasprintf("%s/state", st->dir);

	if (st->fd >= 0)
		close(st->fd);
	forget_netns(st);
	st->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0644);
	if (st->fd < 0) {
		nl_error_set(err, errno, "create %s", path);
		free(path);
		return -1;
	}
	free(path);
	st->exists = true;
	return append(st, STATE_HEADER, err);
}

int
state_continue(struct state *st, struct nl_error *err)
{
	char *path = xasprintf("%s/state", st->dir);

	if (st->fd >= 0)
		close(st->fd);
	st->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (st->fd < 0) {
		nl_error_set(err, errno, "open %s", path);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

int
state_add_netns(struct state *st, const char *name, struct nl_error *err)
{
	char *line = xasprintf("netns %s\n", name);
	int rc = append(st, line, err);

	free(line);
	if (rc == 0)
		*VEC_PUSH(st->netns, st->nnetns, st->cap) = xstrdup(name);
	return rc;
}

int
state_add_supervisor(struct state *st, long pid, unsigned long long start,
    struct nl_error *err)
{
	char *line = xasprintf("supervisor %ld %llu\n", pid, start);
	int rc = append(st, line, err);

	free(line);
	if (rc == 0) {
		st->supervisor = pid;
		st->supervisor_start = start;
	}
	return rc;
}

int
state_add_init(struct state *st, bool host, const char *server,
    const char *name, long pid, unsigned long long start,
    struct nl_error *err)
{
	char *line = host ? xasprintf("host %s %ld %llu\n", name, pid, start) :
	    xasprintf("jail %s %s %ld %llu\n", server, name, pid, start);
	int rc = append(st, line, err);

	free(line);
	if (rc == 0)
		set_init(st, host, server, name, pid, start);
	return rc;
}

const struct state_init *
state_find_init(const struct state *st, bool host, const char *server,
    const char *name)
{
	size_t i;

	for (i = 0; i < st->ninits; i++)
		if (st->inits[i].host == host &&
		    strcmp(st->inits[i].name, name) == 0 &&
		    (host || strcmp(st->inits[i].server, server) == 0))
			return &st->inits[i];
	return NULL;
}

int
state_purge_data(const char *root, const char *site, struct nl_error *err)
{
	char *dir;
	int rc = 0;

	if (*site == '\0' || strcmp(site, ".") == 0 ||
	    strcmp(site, "..") == 0 || strchr(site, '/') != NULL) {
		nl_error_set(err, EINVAL, "purge %s/%s: not a site name",
		    root, site);
		return -1;
	}
	dir = xasprintf("%s/%s", root, site);
	if (remove_tree(dir) != 0) {
		nl_error_set(err, errno, "remove %s", dir);
		rc = -1;
	}
	free(dir);
	return rc;
}

int
state_complete(struct state *st, struct nl_error *err)
{
	if (append(st, "complete\n", err) != 0)
		return -1;
	st->complete = true;
	return 0;
}

static int
remove_in(const char *dir, const char *name, struct nl_error *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = 0;

	if (remove_file(path) != 0) {
		nl_error_set(err, errno, "remove %s", path);
		rc = -1;
	}
	free(path);
	return rc;
}

int
state_remove_file(const char *root, const char *site, const char *name,
    struct nl_error *err)
{
	char *dir = xasprintf("%s/%s", root, site);
	int rc = remove_in(dir, name, err);

	free(dir);
	return rc;
}

int
state_remove(struct state *st, struct nl_error *err)
{
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
	if (remove_in(st->dir, "state", err) != 0 ||
	    remove_in(st->dir, "lock", err) != 0)
		return -1;
	if (rmdir(st->dir) != 0 && errno != ENOENT) {
		nl_error_set(err, errno, "remove %s", st->dir);
		return -1;
	}
	forget_netns(st);
	st->exists = false;
	return 0;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	if (st->fd >= 0)
		close(st->fd);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	forget_netns(st);
	free(st->netns);
	free(st->inits);
	free(st->dir);
	free(st);
}
