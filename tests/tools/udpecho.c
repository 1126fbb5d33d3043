/*
 * udpecho: tcpecho's twin for UDP (tests/pf_diff.test).
 *   udpecho listen ADDR PORT        wait for one datagram, print "peer
 *                                   A:P" (its sender) and "received DATA",
 *                                   answer "echo DATA" to the sender, exit 0
 *   udpecho connect ADDR PORT MSG [SRC]   send MSG (from address SRC if
 *                                   given), print the answer, exit 0 if
 *                                   there was one
 * IPv4 only.  Each gives up after 10 s (SIGALRM).  Errors go to stderr as
 * "udpecho: WHAT ADDR:PORT: REASON", exit 1.
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
	fprintf(stderr, "udpecho: %s %s:%s: %s\n", what, addr, port,
	    strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, peer;
	socklen_t peerlen = sizeof(peer);
	char data[512], reply[600], peeraddr[INET_ADDRSTRLEN];
	unsigned long port;
	char *end;
	ssize_t n;
	int fd;

	if (argc < 4 || (strcmp(argv[1], "listen") != 0 &&
	    (strcmp(argv[1], "connect") != 0 || argc < 5))) {
		fprintf(stderr, "usage: udpecho listen ADDR PORT | "
		    "udpecho connect ADDR PORT MSG [SRC]\n");
		return 2;
	}
	alarm(10);
	errno = 0;
	port = strtoul(argv[3], &end, 10);
	if (errno != 0 || *end != '\0' || port > 65535) {
		fprintf(stderr, "udpecho: bad port %s\n", argv[3]);
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "udpecho: bad address %s\n", argv[2]);
		return 2;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return die("socket", argv[2], argv[3]);
	if (strcmp(argv[1], "listen") == 0) {
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			return die("bind", argv[2], argv[3]);
		printf("listening on %s:%s\n", argv[2], argv[3]);
		fflush(stdout);
		n = recvfrom(fd, data, sizeof(data) - 1, 0,
		    (struct sockaddr *)&peer, &peerlen);
		if (n < 0)
			return die("recvfrom", argv[2], argv[3]);
		data[n] = '\0';
		printf("peer %s:%u\n", inet_ntop(AF_INET, &peer.sin_addr,
		    peeraddr, sizeof(peeraddr)), ntohs(peer.sin_port));
		printf("received %s\n", data);
		snprintf(reply, sizeof(reply), "echo %s", data);
		if (sendto(fd, reply, strlen(reply), 0,
		    (struct sockaddr *)&peer, peerlen) < 0)
			return die("sendto", argv[2], argv[3]);
		close(fd);
		return 0;
	}
	if (argc > 5) {
		/* From a given source address (a spoofed one, in pf_diff). */
		memset(&peer, 0, sizeof(peer));
		peer.sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[5], &peer.sin_addr) != 1) {
			fprintf(stderr, "udpecho: bad address %s\n", argv[5]);
			return 2;
		}
		if (bind(fd, (struct sockaddr *)&peer, sizeof(peer)) != 0)
			return die("bind", argv[5], "0");
	}
	/* A connected socket: only the peer's answer is received. */
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return die("connect", argv[2], argv[3]);
	if (send(fd, argv[4], strlen(argv[4]), 0) < 0)
		return die("send", argv[2], argv[3]);
	if ((n = recv(fd, reply, sizeof(reply) - 1, 0)) <= 0) {
		fprintf(stderr, "udpecho: no answer from %s:%s\n", argv[2],
		    argv[3]);
		return 1;
	}
	reply[n] = '\0';
	printf("%s\n", reply);
	close(fd);
	return 0;
}
