#include "kernel/hostns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/netns.h"

char *
hostns_name(const char *site, const char *host)
{
	return xasprintf("%s-host-%s", site, host);
}

size_t
hostns_default_client(const struct site *site)
{
	const struct outside_host *h;
	size_t i;

	for (i = 0; i < site->nhosts; i++) {
		h = &site->hosts[i];
		if (h->nservices == 0 &&
		    site->networks[h->network].kind == NETWORK_INTERNET)
			return i;
	}
	return NO_INDEX;
}

/* The child: enter ${netns} (if any), run ${fn}, never return. */
static void
child_main(const char *netns, int (*fn)(void *, FILE *), void *arg, int wfd)
{
	struct nl_error err;
	FILE *f;
	int fd, rc;

	/* Interrupting jailnet ends its child at once. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if ((f = fdopen(wfd, "w")) == NULL)
		_exit(127);
	if (netns != NULL && netns_open(netns, &fd, &err) != 0) {
		fprintf(f, "%s\n", err.msg);
		fclose(f);
		_exit(127);
	}
	if (netns != NULL && setns(fd, CLONE_NEWNET) != 0) {
		fprintf(f, "enter namespace %s: %s\n", netns, strerror(errno));
		fclose(f);
		_exit(127);
	}
	if (netns != NULL)
		close(fd);
	rc = fn(arg, f);
	if (fclose(f) != 0 && rc == 0)
		rc = 1;
	_exit(rc & 0xff);
}

int
hostns_spawn(const char *netns, int (*fn)(void *arg, FILE *f), void *arg,
    struct hostns_child *child, struct nl_error *err)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		return -1;
	}
	fflush(NULL);
	if ((child->pid = fork()) < 0) {
		nl_error_set(err, errno, "fork");
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (child->pid == 0) {
		close(pfd[0]);
		child_main(netns, fn, arg, pfd[1]);
	}
	close(pfd[1]);
	child->fd = pfd[0];
	return 0;
}

int
hostns_wait(struct hostns_child *child, struct strbuf *out, int *status,
    struct nl_error *err)
{
	char buf[4096];
	ssize_t n;
	int ws;

	for (;;) {
		n = read(child->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(out, buf, (size_t)n);
	}
	close(child->fd);
	child->fd = -1;
	while (waitpid(child->pid, &ws, 0) < 0) {
		if (errno != EINTR) {
			nl_error_set(err, errno, "wait for child %ld",
			    (long)child->pid);
			return -1;
		}
	}
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return 0;
}

int
hostns_call(const char *netns, int (*fn)(void *arg, FILE *f), void *arg,
    struct strbuf *out, int *status, struct nl_error *err)
{
	struct hostns_child child;

	if (hostns_spawn(netns, fn, arg, &child, err) != 0)
		return -1;
	return hostns_wait(&child, out, status, err);
}
