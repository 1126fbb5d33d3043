/* Real connections between a site's namespaces: see probe.h. */
#include "kernel/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/netns.h"
#include "lib/util.h"
#include "model/site.h"

/* How many probes one process opens at once (descriptors). */
#define PROBE_BATCH 400
/* How long a listener waits for the rest of a token once connected. */
#define PROBE_READ_MS 500
/* Hard bound on a listener's life past the run's own timeout. */
#define PROBE_LISTENER_GRACE_MS 10000

const char *
probe_result_name(enum probe_result r)
{
	switch (r) {
	case PROBE_CONNECTED: return "connected";
	case PROBE_REFUSED: return "refused";
	case PROBE_UNREACHABLE: return "unreachable";
	case PROBE_TIMEOUT: return "timeout";
	case PROBE_ERROR: return "error";
	case PROBE_NOT_RUN: break;
	}
	return "not run";
}

/* Write one report line; lines are short, so the write is atomic. */
static void
report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(int fd, const char *fmt, ...)
{
	char line[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) < 0)
		_exit(125);
}

/* In a child: enter the named namespace or exit. */
static void
enter(const char *netns, int rfd)
{
	struct nl_error err;
	int fd, saved;

	if (netns_open(netns, &fd, &err) != 0 ||
	    netns_enter(fd, &saved, &err) != 0) {
		report(rfd, "E %d\n", err.errnum);
		_exit(124);
	}
	close(fd);
	close(saved);
}

static struct sockaddr_in
sin_of(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons(port);
	return sa;
}

/* The probe number of a token "jnp N\n", or -1. */
static long
token_of(const char *buf, size_t len)
{
	char tmp[32], *end;
	long k;

	if (len < 5 || len >= sizeof(tmp) || memcmp(buf, "jnp ", 4) != 0)
		return -1;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	k = strtol(tmp + 4, &end, 10);
	if (end == tmp + 4 || (*end != '\n' && *end != '\0') || k < 0)
		return -1;
	return k;
}

/*
 * A listener process: the listeners ${idx} (all of one namespace) bound
 * on every address; "B i errno" for a port it cannot take, "L i" for one
 * it listens on, "R" when ready; then "H i N" for each token N heard on
 * listener i, until ${ctl} is closed or ${deadline} passes.
 */
static void __attribute__((noreturn))
listener_main(const struct probe_listener *ls, const size_t *idx, size_t n,
    int rfd, int ctl, double deadline)
{
	struct pollfd *pf = xcalloc(n + 1 + PROBE_BATCH, sizeof(*pf));
	size_t *owner = xcalloc(n + 1 + PROBE_BATCH, sizeof(*owner));
	double *since = xcalloc(n + 1 + PROBE_BATCH, sizeof(*since));
	size_t npf, i;
	int one = 1;

	enter(ls[idx[0]].netns, rfd);
	pf[0].fd = ctl;
	pf[0].events = POLLIN;
	npf = 1;
	for (i = 0; i < n; i++) {
		const struct probe_listener *l = &ls[idx[i]];
		struct sockaddr_in sa = sin_of(0, l->port);
		int s = socket(AF_INET, (l->proto == IPPROTO_TCP ?
		    SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) != 0 ||
		    bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    (l->proto == IPPROTO_TCP && listen(s, 512) != 0)) {
			report(rfd, "B %zu %d\n", idx[i], errno);
			if (s >= 0)
				close(s);
			continue;
		}
		report(rfd, "L %zu\n", idx[i]);
		pf[npf].fd = s;
		pf[npf].events = POLLIN;
		owner[npf] = i;
		since[npf] = -1;	/* a listening socket */
		npf++;
	}
	report(rfd, "R\n");
	while (monotonic_ms() < deadline) {
		size_t nls = npf;

		if (poll(pf, npf, 50) < 0 && errno != EINTR)
			break;
		if (pf[0].revents != 0)
			break;
		for (i = 1; i < nls; i++) {
			const struct probe_listener *l;
			char buf[32];
			ssize_t got;
			long k;

			if (since[i] >= 0) {	/* an accepted connection */
				if (pf[i].revents == 0 &&
				    monotonic_ms() - since[i] < PROBE_READ_MS)
					continue;
				got = pf[i].revents != 0 ?
				    read(pf[i].fd, buf, sizeof(buf)) : -1;
				if (got > 0 && (k = token_of(buf,
				    (size_t)got)) >= 0)
					report(rfd, "H %zu %ld\n",
					    idx[owner[i]], k);
				close(pf[i].fd);
				pf[i].fd = -1;
				continue;
			}
			if (pf[i].revents == 0)
				continue;
			l = &ls[idx[owner[i]]];
			if (l->proto == IPPROTO_UDP) {
				struct sockaddr_in from;
				socklen_t fl = sizeof(from);

				got = recvfrom(pf[i].fd, buf, sizeof(buf), 0,
				    (struct sockaddr *)&from, &fl);
				if (got > 0 && (k = token_of(buf,
				    (size_t)got)) >= 0) {
					report(rfd, "H %zu %ld\n",
					    idx[owner[i]], k);
					sendto(pf[i].fd, buf, (size_t)got, 0,
					    (struct sockaddr *)&from, fl);
				}
				continue;
			}
			while (npf < n + 1 + PROBE_BATCH) {
				int c = accept4(pf[i].fd, NULL, NULL,
				    SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (c < 0)
					break;
				pf[npf].fd = c;
				pf[npf].events = POLLIN;
				owner[npf] = owner[i];
				since[npf] = monotonic_ms();
				npf++;
			}
		}
		/* Drop the closed connections. */
		for (i = 1; i < npf;) {
			if (pf[i].fd >= 0) {
				i++;
				continue;
			}
			pf[i] = pf[npf - 1];
			owner[i] = owner[npf - 1];
			since[i] = since[npf - 1];
			npf--;
		}
	}
	_exit(0);
}

/* The outcome of a connect() that finished with ${e} (0: it worked). */
static enum probe_result
result_of(int e)
{
	if (e == 0)
		return PROBE_CONNECTED;
	if (e == ECONNREFUSED)
		return PROBE_REFUSED;
	if (e == EHOSTUNREACH || e == ENETUNREACH)
		return PROBE_UNREACHABLE;
	if (e == ETIMEDOUT)
		return PROBE_TIMEOUT;
	return PROBE_ERROR;
}

/*
 * A prober process: the probes ${idx} (all of one namespace, at most
 * PROBE_BATCH) opened at once; "P k result errno" for each.
 */
static void __attribute__((noreturn))
prober_main(const struct probe *ps, const size_t *idx, size_t n, int rfd,
    double deadline)
{
	struct pollfd *pf = xcalloc(n, sizeof(*pf));
	enum probe_result *res = xcalloc(n, sizeof(*res));
	int *errs = xcalloc(n, sizeof(*errs));
	bool *done = xcalloc(n, sizeof(*done));
	size_t i, left = n;
	int one = 1;

	enter(ps[idx[0]].netns, rfd);
	for (i = 0; i < n; i++) {
		const struct probe *p = &ps[idx[i]];
		struct sockaddr_in src = sin_of(p->src, p->sport);
		struct sockaddr_in dst = sin_of(p->dst, p->dport);
		char token[32];
		int s, tcp = p->proto == IPPROTO_TCP;

		pf[i].fd = -1;
		snprintf(token, sizeof(token), "jnp %zu\n", idx[i]);
		s = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) != 0 || ((p->src != 0 || p->sport != 0) &&
		    bind(s, (struct sockaddr *)&src, sizeof(src)) != 0) ||
		    (connect(s, (struct sockaddr *)&dst, sizeof(dst)) != 0 &&
		    errno != EINPROGRESS) ||
		    (!tcp && send(s, token, strlen(token), 0) < 0)) {
			res[i] = errno == ENETUNREACH || errno ==
			    EHOSTUNREACH ? PROBE_UNREACHABLE : PROBE_ERROR;
			errs[i] = errno;
			done[i] = true;
			left--;
			if (s >= 0)
				close(s);
			continue;
		}
		pf[i].fd = s;
		pf[i].events = tcp ? POLLOUT : POLLIN;
	}
	while (left > 0 && monotonic_ms() < deadline) {
		if (poll(pf, n, 20) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			const struct probe *p = &ps[idx[i]];
			int e = 0;
			socklen_t el = sizeof(e);

			if (done[i] || pf[i].revents == 0)
				continue;
			done[i] = true;
			left--;
			if (p->proto == IPPROTO_TCP) {
				char token[32];

				getsockopt(pf[i].fd, SOL_SOCKET, SO_ERROR, &e,
				    &el);
				res[i] = result_of(e);
				errs[i] = e;
				snprintf(token, sizeof(token), "jnp %zu\n",
				    idx[i]);
				if (e == 0 && send(pf[i].fd, token,
				    strlen(token), MSG_NOSIGNAL) < 0)
					errs[i] = errno;
			} else {
				char buf[32];
				ssize_t got = recv(pf[i].fd, buf, sizeof(buf),
				    0);

				res[i] = got > 0 ? PROBE_CONNECTED :
				    result_of(errno);
				errs[i] = got > 0 ? 0 : errno;
			}
			pf[i].events = 0;
		}
	}
	for (i = 0; i < n; i++)
		report(rfd, "P %zu %d %d\n", idx[i],
		    done[i] ? (int)res[i] : (int)PROBE_TIMEOUT, errs[i]);
	/* Kept open until here: the listeners read the tokens meanwhile. */
	usleep(100 * 1000);
	for (i = 0; i < n; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	_exit(0);
}

/* Read report lines from ${rfd} into the results; "R" lines counted in
   ${ready}. */
static int
read_reports(int rfd, struct strbuf *pending, struct probe_listener *ls,
    size_t nls, struct probe *ps, size_t nps, size_t *ready, int *child_err)
{
	char buf[4096], *line, *nl;
	ssize_t got = read(rfd, buf, sizeof(buf));

	if (got <= 0)
		return got == 0 ? 0 : (errno == EINTR || errno == EAGAIN ?
		    1 : -1);
	strbuf_add(pending, buf, (size_t)got);
	line = pending->s;
	while ((nl = memchr(line, '\n', pending->len -
	    (size_t)(line - pending->s))) != NULL) {
		unsigned long a = 0, b = 0;
		int c = 0, d = 0;

		*nl = '\0';
		if (line[0] == 'R') {
			(*ready)++;
		} else if (sscanf(line, "B %lu %d", &a, &c) == 2 && a < nls) {
			ls[a].busy = true;
			ls[a].errnum = c;
		} else if (sscanf(line, "H %lu %lu", &a, &b) == 2 && a < nls &&
		    b < nps) {
			ps[b].heard_by = a;
		} else if (sscanf(line, "P %lu %d %d", &a, &c, &d) == 3 &&
		    a < nps) {
			ps[a].result = (enum probe_result)c;
			ps[a].errnum = d;
		} else if (sscanf(line, "E %d", &c) == 1) {
			*child_err = c;
		}
		line = nl + 1;
	}
	{
		size_t rest = pending->len - (size_t)(line - pending->s);

		memmove(pending->s, line, rest);
		pending->len = rest;
		pending->s[rest] = '\0';
	}
	return 1;
}

/*
 * Gather into ${idx} the indices, from ${first} on, of the ${n} names that
 * are not ${taken} yet and equal name ${first}, at most ${max}; mark them
 * taken and return how many.
 */
static size_t
group(const char *const *names, size_t n, size_t first, size_t max,
    bool *taken, size_t *idx)
{
	size_t j, k = 0;

	for (j = first; j < n && k < max; j++)
		if (!taken[j] && str_eq(names[j], names[first])) {
			taken[j] = true;
			idx[k++] = j;
		}
	return k;
}

/* Fork a probe process; -1 with ${err} filled if fork fails. */
static pid_t
spawn(struct nl_error *err)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		nl_error_set(err, errno, "fork a probe process");
	return pid;
}

int
probe_run(struct probe_listener *ls, size_t nls, struct probe *ps,
    size_t nps, unsigned timeout_ms, struct nl_error *err)
{
	struct strbuf pending = { 0 };
	pid_t *kids = xcalloc(nls + nps + 1, sizeof(*kids));
	size_t *idx = xcalloc(nls + nps + 1, sizeof(*idx));
	bool *taken = xcalloc(nls + nps + 1, sizeof(*taken));
	const char **names = xcalloc(nls + nps + 1, sizeof(*names));
	size_t nkids = 0, nlisteners = 0, ready = 0, i, n;
	double deadline = monotonic_ms() + timeout_ms, hard;
	int rp[2], cp[2], rc = 0, child_err = 0, status;

	for (i = 0; i < nps; i++) {
		ps[i].result = PROBE_NOT_RUN;
		ps[i].heard_by = NO_INDEX;
		ps[i].errnum = 0;
		names[nls + i] = ps[i].netns;
	}
	for (i = 0; i < nls; i++) {
		ls[i].busy = false;
		names[i] = ls[i].netns;
	}
	if (pipe2(rp, O_CLOEXEC) != 0 || pipe2(cp, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		free(kids);
		free(idx);
		free(taken);
		free(names);
		return -1;
	}
	hard = deadline + PROBE_LISTENER_GRACE_MS;
	/* One listener process per namespace. */
	for (i = 0; i < nls && rc == 0; i++) {
		if (taken[i])
			continue;
		n = group(names, nls, i, SIZE_MAX, taken, idx);
		if ((kids[nkids] = spawn(err)) < 0) {
			rc = -1;
			break;
		}
		if (kids[nkids] == 0) {
			close(rp[0]);
			close(cp[1]);
			listener_main(ls, idx, n, rp[1], cp[0], hard);
		}
		nkids++;
		nlisteners++;
	}
	close(cp[0]);
	/* Wait until every listener is ready (or has failed). */
	while (rc == 0 && ready < nlisteners && child_err == 0 &&
	    monotonic_ms() < deadline) {
		struct pollfd p = { rp[0], POLLIN, 0 };

		if (poll(&p, 1, 50) > 0 && read_reports(rp[0], &pending, ls,
		    nls, ps, nps, &ready, &child_err) < 0)
			break;
	}
	if (child_err != 0 || ready < nlisteners) {
		nl_error_set(err, child_err != 0 ? child_err : ETIMEDOUT,
		    "start the listeners of the probes");
		rc = -1;
	}
	/* Then the probes, by namespace, PROBE_BATCH at a time. */
	memset(taken, 0, (nls + nps + 1) * sizeof(*taken));
	for (i = 0; i < nps && rc == 0; i++) {
		if (taken[i])
			continue;
		n = group(names + nls, nps, i, PROBE_BATCH, taken, idx);
		if ((kids[nkids] = spawn(err)) < 0) {
			rc = -1;
			break;
		}
		if (kids[nkids] == 0) {
			close(rp[0]);
			close(cp[1]);
			prober_main(ps, idx, n, rp[1], deadline);
		}
		nkids++;
	}
	close(rp[1]);
	/* Read until the probers are done, then let the listeners go. */
	for (;;) {
		struct pollfd p = { rp[0], POLLIN, 0 };
		bool probers_left = false;

		for (i = nlisteners; i < nkids; i++)
			if (kids[i] > 0) {
				if (waitpid(kids[i], &status, WNOHANG) ==
				    kids[i])
					kids[i] = 0;
				else
					probers_left = true;
			}
		if (!probers_left && cp[1] >= 0) {
			/* The last tokens are on their way: 200 ms. */
			double until = monotonic_ms() + 200;

			while (monotonic_ms() < until) {
				p.revents = 0;
				if (poll(&p, 1, 20) > 0)
					read_reports(rp[0], &pending, ls, nls,
					    ps, nps, &ready, &child_err);
			}
			close(cp[1]);
			cp[1] = -1;
		}
		p.revents = 0;
		if (poll(&p, 1, 50) > 0 && read_reports(rp[0], &pending, ls,
		    nls, ps, nps, &ready, &child_err) <= 0)
			break;
		if (monotonic_ms() > hard + 1000)
			break;
	}
	if (cp[1] >= 0)
		close(cp[1]);
	close(rp[0]);
	for (i = 0; i < nkids; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], &status, 0);
		}
	strbuf_free(&pending);
	free(kids);
	free(idx);
	free(taken);
	free(names);
	return rc;
}
