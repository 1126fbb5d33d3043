/*
 * portprobe: one TCP connection attempt that tells a firewall's drop from
 * a closed port, for the tests' negative checks and their controls.
 *   portprobe SRC DST PORT MS   connect from address SRC (0.0.0.0: any)
 *                               to DST:PORT, waiting at most MS ms; print
 *                               one word and exit 0:
 *     open         the connection was established (something listens and
 *                  nothing in between stops it)
 *     refused      a reset came back (nothing listens, or a "block return")
 *     unreachable  an ICMP error came back (host or network unreachable,
 *                  administratively prohibited)
 *     timeout      nothing came back within MS ms: the SYN, or its answer,
 *                  was dropped
 * IPv4 only; MS from 1 to 60000.  Errors: "portprobe: ...", exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fill ${sin} with ${addr}:${port}; return 0, or -1 if either is bad. */
static int
sockaddr_of(const char *addr, const char *port, struct sockaddr_in *sin)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(port, &end, 10);
	if (errno != 0 || *port == '\0' || *end != '\0' || n < 0 || n > 65535)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)n);
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

/* The word for a connection attempt that ended with ${err} (0: success). */
static const char *
outcome(int err)
{
	switch (err) {
	case 0:
		return "open";
	case ECONNREFUSED:
		return "refused";
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EACCES:
	case EPERM:
		return "unreachable";
	case ETIMEDOUT:
		return "timeout";
	default:
		return NULL;
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	const char *word;
	char *end;
	long ms;
	int s, err = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: portprobe SRC DST PORT MS\n");
		return 1;
	}
	errno = 0;
	ms = strtol(argv[4], &end, 10);
	if (sockaddr_of(argv[1], "0", &src) != 0 ||
	    sockaddr_of(argv[2], argv[3], &dst) != 0 || errno != 0 ||
	    *end != '\0' || ms < 1 || ms > 60000) {
		fprintf(stderr, "portprobe: bad address, port or time\n");
		return 1;
	}
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&src, sizeof(src)) != 0) {
		fprintf(stderr, "portprobe: socket from %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if (connect(s, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
		err = errno;
		if (err == EINPROGRESS) {
			/* Wait for the answer, or for none. */
			pfd.fd = s;
			pfd.events = POLLOUT;
			switch (poll(&pfd, 1, (int)ms)) {
			case 0:
				err = ETIMEDOUT;
				break;
			case 1:
				if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err,
				    &len) != 0)
					err = errno;
				break;
			default:
				err = errno;
				break;
			}
		}
	}
	close(s);
	if ((word = outcome(err)) == NULL) {
		fprintf(stderr, "portprobe: connect %s:%s: %s\n", argv[2],
		    argv[3], strerror(err));
		return 1;
	}
	printf("%s\n", word);
	return 0;
}
