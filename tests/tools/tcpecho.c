/*
 * tcpecho: a tiny TCP listener and connector for the tests (no socat or
 * python3 on a fresh Debian).
 *   tcpecho listen ADDR PORT    accept one connection, print "peer A:P"
 *                               (the address it came from), read a line,
 *                               print "received LINE", answer "echo LINE",
 *                               exit 0
 *   tcpecho connect ADDR PORT MSG [SRC]   send "MSG\n" (from address SRC
 *                               if given), print the answer, exit 0 if
 *                               there was one
 * IPv4 only.  Each gives up after 10 s (SIGALRM).  Errors go to stderr as
 * "tcpecho: WHAT ADDR:PORT: REASON", exit 1.
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
die(const char *what, const char *addr, const char *port)
{
	fprintf(stderr, "tcpecho: %s %s:%s: %s\n", what, addr, port,
	    strerror(errno));
	return 1;
}

/* Read up to a newline or EOF into ${buf}; return the length. */
static size_t
read_line(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, buf + len, 1)) == 1 &&
	    buf[len] != '\n')
		len++;
	buf[len] = '\0';
	return len;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, peer;
	socklen_t peerlen = sizeof(peer);
	char line[512], reply[600], peeraddr[INET_ADDRSTRLEN];
	int fd, c, one = 1;

	if (argc < 4 || (strcmp(argv[1], "listen") != 0 &&
	    (strcmp(argv[1], "connect") != 0 || argc < 5))) {
		fprintf(stderr, "usage: tcpecho listen ADDR PORT | "
		    "tcpecho connect ADDR PORT MSG [SRC]\n");
		return 2;
	}
	alarm(10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "tcpecho: bad address %s\n", argv[2]);
		return 2;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return die("socket", argv[2], argv[3]);
	if (strcmp(argv[1], "listen") == 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			return die("bind", argv[2], argv[3]);
		if (listen(fd, 1) != 0)
			return die("listen", argv[2], argv[3]);
		printf("listening on %s:%s\n", argv[2], argv[3]);
		fflush(stdout);
		if ((c = accept(fd, (struct sockaddr *)&peer, &peerlen)) < 0)
			return die("accept", argv[2], argv[3]);
		printf("peer %s:%u\n", inet_ntop(AF_INET, &peer.sin_addr,
		    peeraddr, sizeof(peeraddr)), ntohs(peer.sin_port));
		fflush(stdout);
		read_line(c, line, sizeof(line));
		printf("received %s\n", line);
		snprintf(reply, sizeof(reply), "echo %s\n", line);
		if (write(c, reply, strlen(reply)) < 0)
			return die("write", argv[2], argv[3]);
		close(c);
		close(fd);
		return 0;
	}
	if (argc > 5) {
		/* From a given source address (a spoofed one, in pf_diff). */
		memset(&peer, 0, sizeof(peer));
		peer.sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[5], &peer.sin_addr) != 1) {
			fprintf(stderr, "tcpecho: bad address %s\n", argv[5]);
			return 2;
		}
		if (bind(fd, (struct sockaddr *)&peer, sizeof(peer)) != 0)
			return die("bind", argv[5], "0");
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return die("connect", argv[2], argv[3]);
	snprintf(line, sizeof(line), "%s\n", argv[4]);
	if (write(fd, line, strlen(line)) < 0)
		return die("write", argv[2], argv[3]);
	if (read_line(fd, reply, sizeof(reply)) == 0) {
		fprintf(stderr, "tcpecho: no answer from %s:%s\n", argv[2],
		    argv[3]);
		return 1;
	}
	printf("%s\n", reply);
	close(fd);
	return 0;
}
