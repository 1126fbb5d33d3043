/*
 * tcphold: one long TCP connection, for the tests that change a running
 * site under it (tests/reload.test).
 *   tcphold serve ADDR PORT      accept one connection and answer each
 *                                line "LINE" with "echo LINE" until it
 *                                closes; exit 0
 *   tcphold connect SRC DST PORT   connect from address SRC; then for
 *                                each line read on stdin send it and
 *                                print the answer (flushed); exit 0 at
 *                                the end of stdin, 1 if an answer is
 *                                missing or the connection breaks
 * IPv4 only.  Each gives up after 120 s (SIGALRM).  Errors go to stderr
 * as "tcphold: WHAT: REASON", exit 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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
fail(const char *what)
{
	fprintf(stderr, "tcphold: %s: %s\n", what, strerror(errno));
	return 1;
}

static int
serve(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	char line[512];
	FILE *in;
	int s, c, one = 1;

	if (sockaddr_of(addr, port, &sin) != 0 ||
	    (s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 4) != 0)
		return fail("serve");
	if ((c = accept(s, NULL, NULL)) < 0 || (in = fdopen(c, "r")) == NULL)
		return fail("accept");
	while (fgets(line, sizeof(line), in) != NULL) {
		char out[600];
		int n = snprintf(out, sizeof(out), "echo %s", line);

		if (write(c, out, (size_t)n) != n)
			return fail("write");
	}
	return 0;
}

static int
client(const char *src, const char *dst, const char *port)
{
	struct sockaddr_in from, to;
	char line[512], answer[600];
	FILE *in;
	int s;

	if (sockaddr_of(src, "0", &from) != 0 ||
	    sockaddr_of(dst, port, &to) != 0 ||
	    (s = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&from, sizeof(from)) != 0 ||
	    connect(s, (struct sockaddr *)&to, sizeof(to)) != 0 ||
	    (in = fdopen(s, "r")) == NULL)
		return fail("connect");
	printf("connected\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t n = strlen(line);

		if (write(s, line, n) != (ssize_t)n)
			return fail("send");
		if (fgets(answer, sizeof(answer), in) == NULL) {
			fprintf(stderr, "tcphold: no answer to %s", line);
			return 1;
		}
		fputs(answer, stdout);
		fflush(stdout);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	alarm(120);
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "connect") == 0)
		return client(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: tcphold serve ADDR PORT | "
	    "tcphold connect SRC DST PORT\n");
	return 2;
}
