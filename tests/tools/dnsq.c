/*
 * dnsq: a tiny DNS client for the tests, independent of jailnet's (which
 * uses libresolv): it builds the query and reads the answer by hand.
 *   dnsq SERVER NAME a      print the A records of the answer, one a line,
 *                           in the order the server sent them
 *   dnsq SERVER NAME soa    print the SOA serial
 * IPv4 only, UDP port 53, one query, 3 s timeout.  Exit 0 if the answer
 * came with RCODE 0, 1 otherwise (the reason on stderr).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Skip a possibly compressed name at ${p}; return the offset after it. */
static int
skip_name(const unsigned char *m, int len, int p)
{
	while (p < len) {
		if ((m[p] & 0xc0) == 0xc0)
			return p + 2;
		if (m[p] == 0)
			return p + 1;
		p += m[p] + 1;
	}
	return -1;
}

int
main(int argc, char **argv)
{
	unsigned char q[512], m[4096];
	struct sockaddr_in sin = { 0 };
	struct timeval tv = { 3, 0 };
	int fd, qlen = 12, len, p, i, an, qd, type, rdlen, want;
	char *name, *label;

	if (argc != 4 || (strcmp(argv[3], "a") && strcmp(argv[3], "soa"))) {
		fprintf(stderr, "usage: dnsq SERVER NAME a|soa\n");
		return 2;
	}
	want = strcmp(argv[3], "a") == 0 ? 1 : 6;
	memset(q, 0, sizeof(q));
	q[0] = 0x4a;		/* id */
	q[1] = 0x71;
	q[5] = 1;		/* one question; RD clear */
	name = strdup(argv[2]);
	for (label = strtok(name, "."); label != NULL;
	    label = strtok(NULL, ".")) {
		q[qlen++] = (unsigned char)strlen(label);
		memcpy(q + qlen, label, strlen(label));
		qlen += (int)strlen(label);
	}
	free(name);
	q[qlen++] = 0;
	q[qlen++] = 0;
	q[qlen++] = (unsigned char)want;
	q[qlen++] = 0;
	q[qlen++] = 1;		/* IN */
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "dnsq: bad address %s\n", argv[1]);
		return 2;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    sendto(fd, q, (size_t)qlen, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) != qlen) {
		perror("dnsq: send");
		return 1;
	}
	if ((len = (int)recv(fd, m, sizeof(m), 0)) < 12) {
		perror("dnsq: receive");
		return 1;
	}
	close(fd);
	if (m[0] != 0x4a || m[1] != 0x71 || (m[3] & 0x0f) != 0) {
		fprintf(stderr, "dnsq: bad answer (rcode %d)\n", m[3] & 0x0f);
		return 1;
	}
	qd = m[4] << 8 | m[5];
	an = m[6] << 8 | m[7];
	p = 12;
	for (i = 0; i < qd && p >= 0; i++)
		if ((p = skip_name(m, len, p)) >= 0)
			p += 4;
	for (i = 0; i < an && p >= 0 && p + 10 <= len; i++) {
		p = skip_name(m, len, p);
		if (p < 0 || p + 10 > len)
			break;
		type = m[p] << 8 | m[p + 1];
		rdlen = m[p + 8] << 8 | m[p + 9];
		p += 10;
		if (p + rdlen > len)
			break;
		if (type == 1 && rdlen == 4 && want == 1) {
			printf("%d.%d.%d.%d\n", m[p], m[p + 1], m[p + 2],
			    m[p + 3]);
		} else if (type == 6 && want == 6) {
			int r = skip_name(m, len, p);

			if (r >= 0)
				r = skip_name(m, len, r);
			if (r < 0 || r + 4 > len)
				break;
			printf("%lu\n", (unsigned long)m[r] << 24 |
			    (unsigned long)m[r + 1] << 16 |
			    (unsigned long)m[r + 2] << 8 | m[r + 3]);
		}
		p += rdlen;
	}
	return 0;
}
