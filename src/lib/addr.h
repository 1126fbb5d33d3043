/*
 * addr: IPv4 and IPv6 addresses and prefixes, parsed and printed exactly.
 */
#ifndef JAILNET_ADDR_H
#define JAILNET_ADDR_H

#include <stdbool.h>
#include <stdint.h>

/* Big enough for any address printed by ipaddr_format() with a "/128". */
#define IPADDR_STRLEN 52

struct ipaddr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 uses the first 4 */
};

struct ipprefix {
	struct ipaddr addr;
	unsigned len;		/* prefix length in bits */
};

/**
 * ipaddr_parse(s, out):
 * Parse the whole of ${s} as a dotted-quad IPv4 or an IPv6 address.  Return
 * 0 on success, -1 otherwise.
 */
int ipaddr_parse(const char *s, struct ipaddr *out);

/**
 * ipprefix_parse(s, out):
 * Parse "ADDR" (a host: full-length prefix) or "ADDR/LEN".  Return 0 on
 * success, -1 otherwise.  Host bits are kept ("10.0.2.1/24" is an address
 * with its subnet length).
 */
int ipprefix_parse(const char *s, struct ipprefix *out);

/**
 * ipmask_parse(s, family, len):
 * Parse a netmask written as a dotted quad ("255.255.255.0") or in hex
 * ("0xffffff00") into a prefix length.  Return 0 on success, -1 if ${s} is
 * not a contiguous mask.
 */
int ipmask_parse(const char *s, unsigned *len);

/**
 * ipaddr_format(a, buf), ipprefix_format(p, buf):
 * Write ${a} (or "ADDR/LEN") into ${buf} of IPADDR_STRLEN bytes and return
 * ${buf}.
 */
char *ipaddr_format(const struct ipaddr *a, char *buf);
char *ipprefix_format(const struct ipprefix *p, char *buf);

/**
 * ipaddr_bits(a):
 * Return 32 or 128, the length of ${a}'s family.
 */
unsigned ipaddr_bits(const struct ipaddr *a);

/**
 * ipaddr_eq(a, b):
 * Return true if ${a} and ${b} are the same address of the same family.
 */
bool ipaddr_eq(const struct ipaddr *a, const struct ipaddr *b);

/**
 * ipaddr_cmp(a, b):
 * Compare ${a} and ${b}, of one family, as unsigned numbers: <0, 0, >0.
 */
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);

/**
 * ipprefix_contains(p, a):
 * Return true if ${a} lies in the subnet ${p} (same family, same first
 * p->len bits).
 */
bool ipprefix_contains(const struct ipprefix *p, const struct ipaddr *a);

/**
 * ipprefix_network(p):
 * Return ${p} with its host bits cleared.
 */
struct ipprefix ipprefix_network(const struct ipprefix *p);

/**
 * ipprefix_overlap(a, b):
 * Return true if the subnets ${a} and ${b} share at least one address.
 */
bool ipprefix_overlap(const struct ipprefix *a, const struct ipprefix *b);

/**
 * ipaddr_v4(a), ipaddr_of_v4(x):
 * The IPv4 address ${a} as a host-order integer; the IPv4 address of the
 * host-order integer ${x}.
 */
uint32_t ipaddr_v4(const struct ipaddr *a);
struct ipaddr ipaddr_of_v4(uint32_t x);

/**
 * ipprefix_v4_span(p, first, last):
 * Store the first and last address of the IPv4 subnet ${p} as host-order
 * integers.  Return false (nothing stored) if ${p} is not IPv4.
 */
bool ipprefix_v4_span(const struct ipprefix *p, uint32_t *first,
    uint32_t *last);

#endif
