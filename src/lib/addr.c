#include "lib/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

int
ipaddr_parse(const char *s, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		out->family = AF_INET6;
		return inet_pton(AF_INET6, s, out->bytes) == 1 ? 0 : -1;
	}
	out->family = AF_INET;
	/* inet_pton(AF_INET) accepts exactly four decimal parts. */
	return inet_pton(AF_INET, s, out->bytes) == 1 ? 0 : -1;
}

int
ipprefix_parse(const char *s, struct ipprefix *out)
{
	const char *slash = strchr(s, '/');
	unsigned long len;
	char *addr;
	int rc;

	if (slash == NULL) {
		if (ipaddr_parse(s, &out->addr) != 0)
			return -1;
		out->len = ipaddr_bits(&out->addr);
		return 0;
	}
	addr = xstrndup(s, (size_t)(slash - s));
	rc = ipaddr_parse(addr, &out->addr);
	free(addr);
	if (rc != 0 ||
	    parse_uint(slash + 1, 0, ipaddr_bits(&out->addr), &len) != 0)
		return -1;
	out->len = (unsigned)len;
	return 0;
}

int
ipmask_parse(const char *s, unsigned *len)
{
	struct ipaddr a;
	uint32_t m;
	unsigned n;

	if (str_has_prefix(s, "0x") || str_has_prefix(s, "0X")) {
		const char *p = s + 2;

		if (strlen(p) != 8)
			return -1;
		m = 0;
		for (; *p != '\0'; p++) {
			unsigned d;

			if (*p >= '0' && *p <= '9')
				d = (unsigned)(*p - '0');
			else if (*p >= 'a' && *p <= 'f')
				d = (unsigned)(*p - 'a' + 10);
			else if (*p >= 'A' && *p <= 'F')
				d = (unsigned)(*p - 'A' + 10);
			else
				return -1;
			m = (m << 4) | d;
		}
	} else {
		if (ipaddr_parse(s, &a) != 0 || a.family != AF_INET)
			return -1;
		m = ((uint32_t)a.bytes[0] << 24) | ((uint32_t)a.bytes[1] << 16) |
		    ((uint32_t)a.bytes[2] << 8) | a.bytes[3];
	}
	/* Count leading ones; the rest must be zeros. */
	for (n = 0; n < 32 && (m & (0x80000000u >> n)); n++)
		;
	if (n < 32 && (m << n) != 0)
		return -1;
	*len = n;
	return 0;
}

char *
ipaddr_format(const struct ipaddr *a, char *buf)
{
	if (inet_ntop(a->family, a->bytes, buf, IPADDR_STRLEN) == NULL)
		snprintf(buf, IPADDR_STRLEN, "?");
	return buf;
}

char *
ipprefix_format(const struct ipprefix *p, char *buf)
{
	size_t n;

	ipaddr_format(&p->addr, buf);
	n = strlen(buf);
	snprintf(buf + n, IPADDR_STRLEN - n, "/%u", p->len);
	return buf;
}

unsigned
ipaddr_bits(const struct ipaddr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

bool
ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, ipaddr_bits(a) / 8) == 0;
}

int
ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	return memcmp(a->bytes, b->bytes, ipaddr_bits(a) / 8);
}

/* Return true if the first ${len} bits of ${a} and ${b} are equal. */
static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
ipprefix_contains(const struct ipprefix *p, const struct ipaddr *a)
{
	return p->addr.family == a->family &&
	    bits_equal(p->addr.bytes, a->bytes, p->len);
}

struct ipprefix
ipprefix_network(const struct ipprefix *p)
{
	struct ipprefix n = *p;
	unsigned i;

	for (i = p->len; i < ipaddr_bits(&p->addr); i++)
		n.addr.bytes[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return n;
}

bool
ipprefix_overlap(const struct ipprefix *a, const struct ipprefix *b)
{
	unsigned len = a->len < b->len ? a->len : b->len;

	return a->addr.family == b->addr.family &&
	    bits_equal(a->addr.bytes, b->addr.bytes, len);
}

uint32_t
ipaddr_v4(const struct ipaddr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	    (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

struct ipaddr
ipaddr_of_v4(uint32_t x)
{
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.bytes[0] = (uint8_t)(x >> 24);
	a.bytes[1] = (uint8_t)(x >> 16);
	a.bytes[2] = (uint8_t)(x >> 8);
	a.bytes[3] = (uint8_t)x;
	return a;
}

bool
ipprefix_v4_span(const struct ipprefix *p, uint32_t *first, uint32_t *last)
{
	uint32_t mask;

	if (p->addr.family != AF_INET || p->len > 32)
		return false;
	mask = p->len == 0 ? 0 : UINT32_MAX << (32 - p->len);
	*first = ipaddr_v4(&p->addr) & mask;
	*last = *first | ~mask;
	return true;
}
