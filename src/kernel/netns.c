/*
 * netns: named network namespaces under /run/netns, entering them, and
 * their sysctls.
 */
#include "kernel/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "lib/util.h"

/* Return 0 if ${name} can name a namespace file, else -1 with EINVAL. */
static int
check_name(const char *name, const char *verb, struct nl_error *err)
{
	const char *why = NULL;

	if (name == NULL || name[0] == '\0')
		why = "empty name";
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strchr(name, '/') != NULL)
		why = "name is \".\", \"..\" or has a '/'";
	else if (strlen(name) > NAME_MAX)
		why = "name too long";
	if (why == NULL)
		return 0;
	if (err != NULL) {
		err->errnum = EINVAL;
		snprintf(err->msg, sizeof(err->msg),
		    "%s network namespace %s: %s (%s)", verb,
		    name != NULL ? name : "(null)", strerror(EINVAL), why);
	}
	return -1;
}

/* Return NETNS_DIR/${name}, owned by the caller. */
static char *
ns_path(const char *name)
{
	return xasprintf("%s/%s", NETNS_DIR, name);
}

/*
 * Create NETNS_DIR if needed and make it a shared mount point, binding it
 * onto itself first if it is not a mount point yet.
 */
static int
prepare_dir(const char *name, struct nl_error *err)
{
	if (mkdir("/run", 0755) != 0 && errno != EEXIST) {
		nl_error_set(err, errno, "create network namespace %s: "
		    "mkdir /run", name);
		return -1;
	}
	if (mkdir(NETNS_DIR, 0755) != 0 && errno != EEXIST) {
		nl_error_set(err, errno, "create network namespace %s: "
		    "mkdir %s", name, NETNS_DIR);
		return -1;
	}
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	/* EINVAL: not a mount point yet. */
	if (errno != EINVAL ||
	    mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) != 0 ||
	    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) != 0) {
		nl_error_set(err, errno, "create network namespace %s: "
		    "make %s a shared mount", name, NETNS_DIR);
		return -1;
	}
	return 0;
}

/* The work of the thread that makes a namespace, and how it went. */
struct make_job {
	const char *path;	/* the file to bind the namespace to */
	int errnum;		/* 0, or why it failed */
	const char *step;	/* which step failed */
};

/*
 * Thread body: unshare this thread's network namespace and bind the new
 * one to job->path.  The thread ends right after, so no thread of the
 * process is left in the new namespace.
 */
static void *
make_netns(void *arg)
{
	struct make_job *job = arg;

	if (unshare(CLONE_NEWNET) != 0) {
		job->errnum = errno;
		job->step = "unshare";
		return NULL;
	}
	if (mount("/proc/thread-self/ns/net", job->path, "none", MS_BIND,
	    NULL) != 0) {
		job->errnum = errno;
		job->step = "bind mount";
	}
	return NULL;
}

int
netns_create(const char *name, int *fd, struct nl_error *err)
{
	struct make_job job = { 0 };
	pthread_t thread;
	char *path;
	int file, rc;

	*fd = -1;
	if (check_name(name, "create", err) != 0 ||
	    prepare_dir(name, err) != 0)
		return -1;
	path = ns_path(name);
	file = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (file == -1) {
		nl_error_set(err, errno, "create network namespace %s", name);
		free(path);
		return -1;
	}
	close(file);

	job.path = path;
	rc = pthread_create(&thread, NULL, make_netns, &job);
	if (rc != 0) {
		job.errnum = rc;
		job.step = "start thread";
	} else {
		(void)pthread_join(thread, NULL);
	}
	if (job.errnum == 0) {
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*fd == -1) {
			job.errnum = errno;
			job.step = "open";
			(void)umount2(path, MNT_DETACH);
		}
	}
	if (job.errnum != 0) {
		(void)unlink(path);
		nl_error_set(err, job.errnum, "create network namespace %s: %s",
		    name, job.step);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

int
netns_open(const char *name, int *fd, struct nl_error *err)
{
	char *path;
	int type;

	*fd = -1;
	if (check_name(name, "open", err) != 0)
		return -1;
	path = ns_path(name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (*fd == -1) {
		nl_error_set(err, errno, "open network namespace %s", name);
		return -1;
	}
	type = ioctl(*fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(*fd);
		*fd = -1;
		if (err != NULL) {
			err->errnum = EINVAL;
			snprintf(err->msg, sizeof(err->msg),
			    "open network namespace %s: %s (%s/%s is not a "
			    "network namespace)", name, strerror(EINVAL),
			    NETNS_DIR, name);
		}
		return -1;
	}
	return 0;
}

int
netns_delete(const char *name, struct nl_error *err)
{
	char *path;

	if (check_name(name, "delete", err) != 0)
		return -1;
	path = ns_path(name);
	/* EINVAL: not mounted (a file left by a crash); remove it anyway. */
	if (umount2(path, MNT_DETACH) != 0 && errno != EINVAL) {
		nl_error_set(err, errno, "delete network namespace %s: umount",
		    name);
		free(path);
		return -1;
	}
	if (unlink(path) != 0) {
		nl_error_set(err, errno, "delete network namespace %s", name);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

bool
netns_exists(const char *name)
{
	char *path;
	bool exists;

	if (check_name(name, "find", NULL) != 0)
		return false;
	path = ns_path(name);
	exists = access(path, F_OK) == 0;
	free(path);
	return exists;
}

static int
by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
netns_list(const char *prefix, char ***names, size_t *n,
    struct nl_error *err)
{
	struct dirent *ent;
	char **list = NULL;
	size_t count = 0, cap = 0;
	DIR *dir;

	*names = NULL;
	*n = 0;
	dir = opendir(NETNS_DIR);
	if (dir == NULL) {
		if (errno == ENOENT)
			return 0;
		nl_error_set(err, errno, "list network namespaces: open %s",
		    NETNS_DIR);
		return -1;
	}
	errno = 0;
	while ((ent = readdir(dir)) != NULL) {
		if (ent->d_name[0] == '.' ||
		    !str_has_prefix(ent->d_name, prefix))
			continue;
		*VEC_PUSH(list, count, cap) = xstrdup(ent->d_name);
		errno = 0;
	}
	if (errno != 0) {
		nl_error_set(err, errno, "list network namespaces: read %s",
		    NETNS_DIR);
		closedir(dir);
		netns_list_free(list, count);
		return -1;
	}
	closedir(dir);
	if (count > 1)
		qsort(list, count, sizeof(*list), by_string);
	*names = list;
	*n = count;
	return 0;
}

void
netns_list_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
netns_enter(int fd, int *saved_fd, struct nl_error *err)
{
	*saved_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved_fd == -1) {
		nl_error_set(err, errno, "open the current network namespace");
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) != 0) {
		nl_error_set(err, errno, "enter network namespace (fd %d)", fd);
		close(*saved_fd);
		*saved_fd = -1;
		return -1;
	}
	return 0;
}

int
netns_restore(int saved_fd, struct nl_error *err)
{
	int rc = 0;

	if (setns(saved_fd, CLONE_NEWNET) != 0) {
		nl_error_set(err, errno,
		    "return to the original network namespace");
		rc = -1;
	}
	close(saved_fd);
	return rc;
}

/*
 * Return the /proc/sys path of the sysctl ${key}, owned by the caller, or
 * NULL with ${err} filled if the key is not acceptable.
 */
static char *
sysctl_path(const char *key, const char *verb, struct nl_error *err)
{
	char *path, *p;
	bool dotted;

	if (key[0] == '\0' || key[0] == '/' || strstr(key, "..") != NULL ||
	    strpbrk(key, " \t\n") != NULL) {
		if (err != NULL) {
			err->errnum = EINVAL;
			snprintf(err->msg, sizeof(err->msg),
			    "%s sysctl %s: %s (not a sysctl name)", verb, key,
			    strerror(EINVAL));
		}
		return NULL;
	}
	/* "a.b.c" means a/b/c; a key with slashes keeps its dots. */
	dotted = strchr(key, '/') == NULL;
	path = xasprintf("/proc/sys/%s", key);
	if (dotted)
		for (p = path + strlen("/proc/sys/"); *p != '\0'; p++)
			if (*p == '.')
				*p = '/';
	return path;
}

/*
 * Open the sysctl ${key} with ${flags} in the namespace of ${fd} (the
 * calling thread's if -1) and return the descriptor, or -1 with ${err}
 * filled.  The file stays bound to that namespace after we leave it.
 */
static int
sysctl_open(int fd, const char *key, int flags, const char *verb,
    struct nl_error *err)
{
	char *path;
	int file, saved = -1, errnum;

	path = sysctl_path(key, verb, err);
	if (path == NULL)
		return -1;
	if (fd >= 0 && netns_enter(fd, &saved, err) != 0) {
		free(path);
		return -1;
	}
	file = open(path, flags | O_CLOEXEC);
	errnum = errno;
	free(path);
	if (saved >= 0 && netns_restore(saved, err) != 0) {
		if (file != -1)
			close(file);
		return -1;
	}
	if (file == -1)
		nl_error_set(err, errnum, "%s sysctl %s", verb, key);
	return file;
}

int
netns_sysctl_set(int fd, const char *key, const char *value,
    struct nl_error *err)
{
	size_t len = strlen(value);
	ssize_t done;
	int file;

	file = sysctl_open(fd, key, O_WRONLY, "set", err);
	if (file == -1)
		return -1;
	done = write(file, value, len);
	if (done < 0 || (size_t)done != len) {
		nl_error_set(err, done < 0 ? errno : EIO, "set sysctl %s to %s",
		    key, value);
		close(file);
		return -1;
	}
	if (close(file) != 0) {
		nl_error_set(err, errno, "set sysctl %s to %s", key, value);
		return -1;
	}
	return 0;
}

int
netns_sysctl_get(int fd, const char *key, char *buf, size_t size,
    struct nl_error *err)
{
	ssize_t got;
	size_t len = 0;
	int file;

	if (size == 0) {
		nl_error_set(err, ERANGE, "get sysctl %s", key);
		return -1;
	}
	file = sysctl_open(fd, key, O_RDONLY, "get", err);
	if (file == -1)
		return -1;
	for (;;) {
		got = read(file, buf + len, size - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			nl_error_set(err, errno, "get sysctl %s", key);
			close(file);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len == size) {
			nl_error_set(err, ERANGE, "get sysctl %s", key);
			close(file);
			return -1;
		}
	}
	close(file);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return 0;
}
