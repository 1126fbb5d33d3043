/*
 * tcpprobe: what one TCP handshake to each port meets, for the closed-port
 * checks, which must tell a firewall's drop from a host's reset.
 *   tcpprobe SRC DST MS PORT...   start a connection from address SRC to
 *                                 DST:PORT for every PORT at once, wait at
 *                                 most MS milliseconds in all, and print
 *                                 one word per port, "PORT:WORD" separated
 *                                 by spaces, in the order given:
 *     open         the handshake completed (a listener answered)
 *     refused      a reset came back (ECONNREFUSED: nothing listens, or
 *                  a "block return" or reject)
 *     timeout      nothing came back within MS (a drop)
 *     unreachable  an ICMP error came back (EHOSTUNREACH, ENETUNREACH)
 *     error:ERRNO  anything else
 * IPv4 only; at most 64 ports, MS from 1 to 60000.  Exit 0 once the words
 * are printed; bad arguments or a failed socket: "tcpprobe: ...", exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPORTS 64

/* Parse ${s} as an integer in [${lo}, ${hi}] into ${v}; 0 or -1. */
static int
number(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno == 0 && end != s && *end == '\0' && *v >= lo &&
	    *v <= hi) ? 0 : -1;
}

/* Milliseconds on the monotonic clock. */
static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The word for a connection that ended with errno ${e} (0: open). */
static void
word(int e, char *buf, size_t len)
{
	switch (e) {
	case 0:
		snprintf(buf, len, "open");
		break;
	case ECONNREFUSED:
		snprintf(buf, len, "refused");
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
		snprintf(buf, len, "unreachable");
		break;
	default:
		snprintf(buf, len, "error:%d", e);
		break;
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	struct pollfd pfd[MAXPORTS];
	char res[MAXPORTS][32];
	long ms, port[MAXPORTS], deadline, left;
	int n, i, pending, soerr;
	socklen_t len;

	if (argc < 5 || argc - 4 > MAXPORTS) {
		fprintf(stderr, "usage: tcpprobe SRC DST MS PORT...\n");
		return 1;
	}
	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	src.sin_family = dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[1], &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 ||
	    number(argv[3], 1, 60000, &ms) != 0) {
		fprintf(stderr, "tcpprobe: bad address or time\n");
		return 1;
	}
	n = argc - 4;
	for (i = 0; i < n; i++)
		if (number(argv[4 + i], 1, 65535, &port[i]) != 0) {
			fprintf(stderr, "tcpprobe: bad port %s\n", argv[4 + i]);
			return 1;
		}

	/* Every handshake starts at once: the wait is MS, not n * MS. */
	pending = 0;
	for (i = 0; i < n; i++) {
		snprintf(res[i], sizeof(res[i]), "timeout");
		pfd[i].events = POLLOUT;
		pfd[i].revents = 0;
		if ((pfd[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
		    0)) < 0 || bind(pfd[i].fd, (struct sockaddr *)&src,
		    sizeof(src)) != 0) {
			fprintf(stderr, "tcpprobe: socket from %s: %s\n",
			    argv[1], strerror(errno));
			return 1;
		}
		dst.sin_port = htons((unsigned short)port[i]);
		if (connect(pfd[i].fd, (struct sockaddr *)&dst,
		    sizeof(dst)) == 0 || errno != EINPROGRESS) {
			word(errno == EINPROGRESS ? 0 : errno, res[i],
			    sizeof(res[i]));
			close(pfd[i].fd);
			pfd[i].fd = -1;
		} else
			pending++;
	}

	/* Collect each answer until all came or the time is up. */
	deadline = now_ms() + ms;
	while (pending > 0 && (left = deadline - now_ms()) > 0) {
		if (poll(pfd, (nfds_t)n, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "tcpprobe: poll: %s\n",
			    strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			soerr = 0;
			len = sizeof(soerr);
			if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &soerr,
			    &len) != 0)
				soerr = errno;
			word(soerr, res[i], sizeof(res[i]));
			close(pfd[i].fd);
			pfd[i].fd = -1;
			pending--;
		}
	}
	for (i = 0; i < n; i++) {
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
		printf("%s%ld:%s", i > 0 ? " " : "", port[i], res[i]);
	}
	printf("\n");
	return 0;
}
