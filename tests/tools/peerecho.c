/*
 * peerecho: tell each client the address it came from, and tell a probe
 * what became of it (tests/pf_packets.test).
 *   peerecho listen ADDR PORT
 *       listen on TCP and UDP ADDR:PORT until killed; print
 *       "listening on ADDR:PORT", then for each connection or datagram
 *       "from PEER_ADDR:PEER_PORT DATA" (flushed at once) and answer
 *       "PEER_ADDR:PEER_PORT" to its sender, closing a connection after
 *       the answer.
 *   peerecho tcp|udp SRC SPORT ADDR PORT DATA MS
 *       from SRC:SPORT (SRC an address of this namespace, or 0.0.0.0;
 *       SPORT 0 for any), send DATA to ADDR:PORT and wait at most MS
 *       milliseconds for the answer; print one line:
 *         "reply PEER_ADDR:PEER_PORT"   the answer (the listener's view
 *                                       of this probe's source)
 *         "refused MS"                  a TCP reset or an ICMP port
 *                                       unreachable (ECONNREFUSED)
 *         "unreachable MS"              another ICMP error
 *         "timeout MS"                  nothing came back in time
 *         "closed MS"                   the connection closed unanswered
 *         "sent"                        MS is 0: sent, nothing awaited
 *       where MS is the time taken.  Exit 0 for any of them.
 * IPv4 only.  Errors of the tool itself go to stderr as
 * "peerecho: WHAT: REASON", exit 1; a bad command line exits 2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int
die(const char *what)
{
	fprintf(stderr, "peerecho: %s: %s\n", what, strerror(errno));
	return 1;
}

/* Parse "ADDR" and "PORT" into ${sin}; return -1 if either is bad. */
static int
parse_addr(const char *addr, const char *port, struct sockaddr_in *sin)
{
	unsigned long p;
	char *end;

	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno != 0 || *end != '\0' || end == port || p > 65535) {
		fprintf(stderr, "peerecho: bad port %s\n", port);
		return -1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)p);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		fprintf(stderr, "peerecho: bad address %s\n", addr);
		return -1;
	}
	return 0;
}

/* Write "ADDR:PORT" of ${sin} into ${buf} of ${len} bytes. */
static void
format_addr(const struct sockaddr_in *sin, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, (unsigned)ntohs(sin->sin_port));
}

/* Milliseconds since ${t0}. */
static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Answer one TCP connection accepted from ${lfd}. */
static void
serve_tcp(int lfd)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	struct pollfd p;
	char data[256], who[64];
	ssize_t n = 0;
	int fd;

	if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) < 0)
		return;
	format_addr(&peer, who, sizeof(who));
	/* The probe sends its data at once; wait for it at most 1 s. */
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 1000) == 1 && (n = read(fd, data, sizeof(data) - 1)) < 0)
		n = 0;
	data[n > 0 ? n : 0] = '\0';
	data[strcspn(data, "\r\n")] = '\0';
	printf("from %s %s\n", who, data);
	fflush(stdout);
	if (write(fd, who, strlen(who)) < 0) {
		/* The probe has gone; nothing to tell it. */
	}
	close(fd);
}

/* Answer one datagram waiting on ${fd}. */
static void
serve_udp(int fd)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	char data[256], who[64];
	ssize_t n;

	n = recvfrom(fd, data, sizeof(data) - 1, 0, (struct sockaddr *)&peer,
	    &plen);
	if (n < 0)
		return;
	data[n] = '\0';
	format_addr(&peer, who, sizeof(who));
	printf("from %s %s\n", who, data);
	fflush(stdout);
	(void)sendto(fd, who, strlen(who), 0, (struct sockaddr *)&peer, plen);
}

static int
listen_both(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	struct pollfd p[2];
	int one = 1;

	if (parse_addr(addr, port, &sin) != 0)
		return 2;
	if ((p[0].fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    (p[1].fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return die("socket");
	(void)setsockopt(p[0].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(p[0].fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(p[0].fd, 64) != 0)
		return die("tcp bind");
	if (bind(p[1].fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return die("udp bind");
	printf("listening on %s:%s\n", addr, port);
	fflush(stdout);
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return die("poll");
		}
		if (p[0].revents & POLLIN)
			serve_tcp(p[0].fd);
		if (p[1].revents & POLLIN)
			serve_udp(p[1].fd);
	}
}

/* Print the outcome of an error ${err} after ${ms} milliseconds. */
static int
outcome_error(int err, long ms)
{
	if (err == ECONNREFUSED)
		printf("refused %ld\n", ms);
	else if (err == EHOSTUNREACH || err == ENETUNREACH ||
	    err == EHOSTDOWN || err == ENONET || err == EPROTO ||
	    err == EACCES || err == EPERM)
		printf("unreachable %ld\n", ms);
	else {
		errno = err;
		return die("probe");
	}
	return 0;
}

static int
probe(int tcp, char **argv)
{
	struct sockaddr_in src, dst;
	struct timespec t0;
	struct pollfd p;
	char buf[128];
	socklen_t elen = sizeof(int);
	long wait_ms, left;
	ssize_t n;
	char *end;
	int fd, err = 0, one = 1, rc;

	if (parse_addr(argv[0], argv[1], &src) != 0 ||
	    parse_addr(argv[2], argv[3], &dst) != 0)
		return 2;
	errno = 0;
	wait_ms = strtol(argv[5], &end, 10);
	if (errno != 0 || *end != '\0' || wait_ms < 0 || wait_ms > 60000) {
		fprintf(stderr, "peerecho: bad wait %s\n", argv[5]);
		return 2;
	}
	if ((fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0)) < 0)
		return die("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0)
		return die("bind");
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		return die("fcntl");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p.fd = fd;
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
		if (!tcp || errno != EINPROGRESS)
			return die("connect");
		/* The handshake: a SYN-ACK, a reset, an ICMP error or none. */
		p.events = POLLOUT;
		if ((rc = poll(&p, 1, (int)wait_ms)) < 0)
			return die("poll");
		if (rc == 0) {
			printf("timeout %ld\n", elapsed_ms(&t0));
			return 0;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			return die("getsockopt");
		if (err != 0)
			return outcome_error(err, elapsed_ms(&t0));
	}
	if (send(fd, argv[4], strlen(argv[4]), 0) < 0)
		return outcome_error(errno, elapsed_ms(&t0));
	if (wait_ms == 0) {
		printf("sent\n");
		return 0;
	}
	/* The answer: the listener's view of this probe's source. */
	p.events = POLLIN;
	for (;;) {
		left = wait_ms - elapsed_ms(&t0);
		if (left <= 0 || (rc = poll(&p, 1, (int)left)) == 0) {
			printf("timeout %ld\n", elapsed_ms(&t0));
			return 0;
		}
		if (rc < 0)
			return die("poll");
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			printf("reply %s\n", buf);
			return 0;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return outcome_error(errno, elapsed_ms(&t0));
		if (n == 0) {
			printf("closed %ld\n", elapsed_ms(&t0));
			return 0;
		}
	}
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "listen") == 0)
		return listen_both(argv[2], argv[3]);
	if (argc == 8 && (strcmp(argv[1], "tcp") == 0 ||
	    strcmp(argv[1], "udp") == 0))
		return probe(strcmp(argv[1], "tcp") == 0, argv + 2);
	fprintf(stderr, "usage: peerecho listen ADDR PORT | "
	    "peerecho tcp|udp SRC SPORT ADDR PORT DATA MS\n");
	return 2;
}
