/*
 * tcpload: many short TCP connections, for the rate-limit tests.
 *   tcpload serve ADDR PORT       accept and close connections for at most
 *                                 120 s, then exit 0
 *   tcpload connect SRC DST PORT N   open N connections one after the
 *                                 other from address SRC (each given 0.5 s
 *                                 to be established, then closed); print
 *                                 how many were established; exit 0
 * IPv4 only; bounded in count and time.  Errors: "tcpload: ...", exit 1.
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
#include <unistd.h>

static int
sockaddr_of(const char *addr, const char *port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)atoi(port));
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

static int
serve(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int s, c, one = 1;

	if (sockaddr_of(addr, port, &sin) != 0 ||
	    (s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 256) != 0) {
		fprintf(stderr, "tcpload: serve %s:%s: %s\n", addr, port,
		    strerror(errno));
		return 1;
	}
	alarm(120);
	for (;;)
		if ((c = accept(s, NULL, NULL)) >= 0)
			close(c);
}

/* One connection from ${src} to ${dst}: 1 if established within 0.5 s. */
static int
connect_once(const struct sockaddr_in *src, const struct sockaddr_in *dst)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int s, soerr = 0, ok = 0;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		return 0;
	if (bind(s, (const struct sockaddr *)src, sizeof(*src)) != 0)
		goto out;
	if (connect(s, (const struct sockaddr *)dst, sizeof(*dst)) == 0) {
		ok = 1;
		goto out;
	}
	if (errno != EINPROGRESS)
		goto out;
	pfd.fd = s;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 500) == 1 &&
	    getsockopt(s, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 &&
	    soerr == 0)
		ok = 1;
out:
	close(s);
	return ok;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in src, dst;
	int i, n, good = 0;

	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc != 6 || strcmp(argv[1], "connect") != 0) {
		fprintf(stderr, "usage: tcpload serve ADDR PORT | "
		    "tcpload connect SRC DST PORT N\n");
		return 1;
	}
	n = atoi(argv[5]);
	if (sockaddr_of(argv[2], "0", &src) != 0 ||
	    sockaddr_of(argv[3], argv[4], &dst) != 0 || n < 0 || n > 10000) {
		fprintf(stderr, "tcpload: bad address or count\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		good += connect_once(&src, &dst);
	printf("%d\n", good);
	return 0;
}
