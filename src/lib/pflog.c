/*
 * pflog: the pcap file of pflogd and the NFLOG prefix of a logged rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pflog.h"

static void
put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	put16le(p, (uint16_t)v);
	put16le(p + 2, (uint16_t)(v >> 16));
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint32_t
get32be(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[0] << 24;
}

static unsigned
get16be(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int
pflog_prefix_parse(const char *prefix, struct pflog_rec *rec)
{
	char act[8], dir[4], tail;
	unsigned long nr;
	int n = 0;

	if (sscanf(prefix, "pf @%lu %7s %3s%n%c", &nr, act, dir, &n,
	    &tail) != 3 || n == 0 || nr > UINT32_MAX)
		return -1;
	if (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0)
		return -1;
	if (strcmp(act, "pass") == 0)
		rec->action = PFLOG_ACT_PASS;
	else if (strcmp(act, "block") == 0)
		rec->action = PFLOG_ACT_DROP;
	else if (strcmp(act, "match") == 0)
		rec->action = PFLOG_ACT_MATCH;
	else
		return -1;
	rec->dir = dir[0] == 'i' ? PFLOG_DIR_IN : PFLOG_DIR_OUT;
	rec->rulenr = (uint32_t)nr;
	return 0;
}

void
pflog_file_header(uint8_t out[PFLOG_FILEHDR_LEN], uint32_t snaplen)
{
	put32le(out, 0xa1b2c3d4u);
	put16le(out + 4, 2);
	put16le(out + 6, 4);
	put32le(out + 8, 0);		/* thiszone */
	put32le(out + 12, 0);		/* sigfigs */
	put32le(out + 16, snaplen);
	put32le(out + 20, PFLOG_DLT);
}

void
pflog_record(struct strbuf *out, uint32_t sec, uint32_t usec,
    const struct pflog_rec *rec, const uint8_t *pkt, size_t len,
    uint32_t snaplen)
{
	uint8_t h[PFLOG_RECHDR_LEN + PFLOG_HDRLEN];
	uint8_t *p = h + PFLOG_RECHDR_LEN;
	size_t cap = len, room;

	room = snaplen > PFLOG_HDRLEN ? snaplen - PFLOG_HDRLEN : 0;
	if (cap > room)
		cap = room;
	put32le(h, sec);
	put32le(h + 4, usec);
	put32le(h + 8, (uint32_t)(PFLOG_HDRLEN + cap));
	put32le(h + 12, (uint32_t)(PFLOG_HDRLEN + len));

	/* struct pfloghdr, as FreeBSD's pflog_packet() fills it. */
	memset(p, 0, PFLOG_HDRLEN);
	p[0] = PFLOG_REAL_HDRLEN;
	p[1] = rec->af;
	p[2] = rec->action;
	p[3] = 0;				/* PFRES_MATCH */
	memcpy(p + 4, rec->ifname, strnlen(rec->ifname,
	    PFLOG_IFNAMSIZ - 1));
	put32be(p + 36, rec->rulenr);
	put32be(p + 40, UINT32_MAX);		/* subrulenr: no anchor */
	put32le(p + 44, UINT32_MAX);		/* uid: UID_MAX */
	put32le(p + 48, 100000);		/* pid: NO_PID */
	put32le(p + 52, 0);			/* rule_uid: root loaded it */
	put32le(p + 56, 0);			/* rule_pid */
	p[60] = rec->dir;
	strbuf_add(out, (const char *)h, sizeof(h));
	strbuf_add(out, (const char *)pkt, cap);
}

int
pflog_file_check(const uint8_t *hdr, size_t len)
{
	if (len < PFLOG_FILEHDR_LEN || get32le(hdr) != 0xa1b2c3d4u ||
	    get32le(hdr + 20) != PFLOG_DLT)
		return -1;
	return 0;
}

int
pflog_record_parse(const uint8_t *buf, size_t len, uint32_t *sec,
    uint32_t *usec, uint32_t *caplen)
{
	if (len < PFLOG_RECHDR_LEN)
		return -1;
	*sec = get32le(buf);
	*usec = get32le(buf + 4);
	*caplen = get32le(buf + 8);
	return *caplen > 65535 ? -1 : 0;
}

/* An address and, for TCP and UDP, a port: "192.0.2.1.1234". */
static void
add_addr(struct strbuf *out, const uint8_t *a, int v6)
{
	int i;

	if (!v6) {
		strbuf_addf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	/* IPv6 in full, groups without leading zeros (no :: shortening). */
	for (i = 0; i < 16; i += 2)
		strbuf_addf(out, "%s%x", i ? ":" : "", get16be(a + i));
}

/* The IP packet of ${len} bytes at ${ip}: addresses, ports, protocol. */
static void
add_packet(struct strbuf *out, const uint8_t *ip, size_t len)
{
	const uint8_t *src, *dst, *l4;
	unsigned proto, hl;
	size_t l4len;
	int v6;

	if (len < 1 || (ip[0] >> 4 != 4 && ip[0] >> 4 != 6)) {
		strbuf_adds(out, "not IP");
		return;
	}
	v6 = ip[0] >> 4 == 6;
	hl = v6 ? 40 : (ip[0] & 0x0f) * 4u;
	if (hl < 20 || len < hl) {
		strbuf_adds(out, "truncated IP");
		return;
	}
	proto = ip[v6 ? 6 : 9];
	src = ip + (v6 ? 8 : 12);
	dst = ip + (v6 ? 24 : 16);
	l4 = ip + hl;
	l4len = len - hl;
	add_addr(out, src, v6);
	if ((proto == 6 || proto == 17) && l4len >= 4)
		strbuf_addf(out, ".%u", get16be(l4));
	strbuf_adds(out, " > ");
	add_addr(out, dst, v6);
	if ((proto == 6 || proto == 17) && l4len >= 4)
		strbuf_addf(out, ".%u", get16be(l4 + 2));
	switch (proto) {
	case 6:
		strbuf_adds(out, ":");
		if (l4len >= 14) {
			static const char fl[] = "FSRP.UEW";
			unsigned f = l4[13], i;

			strbuf_adds(out, " Flags [");
			/* tcpdump's letters in bit order, "." for ACK */
			for (i = 0; i < 8; i++)
				if (f & (1u << i))
					strbuf_addc(out, fl[i]);
			strbuf_adds(out, "]");
		}
		break;
	case 17:
		strbuf_adds(out, ": UDP");
		break;
	case 1:
	case 58:
		strbuf_addf(out, ": %s", proto == 1 ? "ICMP" : "ICMP6");
		if (l4len >= 2)
			strbuf_addf(out, " type %u code %u", l4[0], l4[1]);
		break;
	default:
		strbuf_addf(out, ": ip-proto-%u", proto);
		break;
	}
}

int
pflog_format(struct strbuf *out, const uint8_t *data, size_t len)
{
	char ifname[PFLOG_IFNAMSIZ];
	const char *act, *dir;
	size_t i;

	if (len < PFLOG_HDRLEN || data[0] != PFLOG_REAL_HDRLEN)
		return -1;
	for (i = 0; i < PFLOG_IFNAMSIZ - 1 && data[4 + i]; i++) {
		char c = (char)data[4 + i];

		ifname[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' ? c : '?';
	}
	ifname[i] = '\0';
	switch (data[2]) {
	case PFLOG_ACT_PASS:
		act = "pass";
		break;
	case PFLOG_ACT_DROP:
		act = "block";
		break;
	case PFLOG_ACT_MATCH:
		act = "match";
		break;
	default:
		act = "unkn";
		break;
	}
	dir = data[60] == PFLOG_DIR_IN ? "in" : data[60] == PFLOG_DIR_OUT ?
	    "out" : "in-out";
	/* tcpdump prints the reason's number and name: 0, match. */
	strbuf_addf(out, "rule %u/0(match): %s %s on %s: ",
	    (unsigned)get32be(data + 36), act, dir, ifname);
	add_packet(out, data + PFLOG_HDRLEN, len - PFLOG_HDRLEN);
	return 0;
}

int
pflog_scan(const uint8_t *buf, size_t len, struct strbuf *out,
    size_t *used, const char **bad)
{
	uint32_t sec, usec, cap;
	size_t off = 0;

	while (len - off >= PFLOG_RECHDR_LEN) {
		if (pflog_record_parse(buf + off, len - off, &sec, &usec,
		    &cap) != 0 || usec > 999999) {
			*used = off;
			*bad = "not a pcap record header";
			return -1;
		}
		if (len - off - PFLOG_RECHDR_LEN < cap)
			break;
		strbuf_addf(out, "%02u:%02u:%02u.%06u ", sec / 3600 % 24,
		    sec / 60 % 60, sec % 60, usec);
		if (pflog_format(out, buf + off + PFLOG_RECHDR_LEN, cap) != 0) {
			*used = off;
			*bad = "not a pflog header";
			return -1;
		}
		strbuf_addc(out, '\n');
		off += PFLOG_RECHDR_LEN + cap;
	}
	*used = off;
	return 0;
}
