/*
 * The pflog file format (src/lib/pflog.c): the NFLOG prefix read back,
 * a record written and printed, FreeBSD's header layout byte by byte.
 */
#include <string.h>

#include "lib/pflog.h"
#include "test.h"

TEST(pflog_prefix)
{
	struct pflog_rec r;

	memset(&r, 0, sizeof(r));
	CHECK_INT_EQ(pflog_prefix_parse("pf @12 block in", &r), 0);
	CHECK_INT_EQ(r.rulenr, 12);
	CHECK_INT_EQ(r.action, PFLOG_ACT_DROP);
	CHECK_INT_EQ(r.dir, PFLOG_DIR_IN);
	CHECK_INT_EQ(pflog_prefix_parse("pf @0 pass out", &r), 0);
	CHECK_INT_EQ(r.action, PFLOG_ACT_PASS);
	CHECK_INT_EQ(r.dir, PFLOG_DIR_OUT);
	CHECK_INT_EQ(pflog_prefix_parse("pf @1 ", &r), -1);
	CHECK_INT_EQ(pflog_prefix_parse("pf @1 drop in", &r), -1);
	CHECK_INT_EQ(pflog_prefix_parse("pf @1 block sideways", &r), -1);
	CHECK_INT_EQ(pflog_prefix_parse("pf @1 block in x", &r), -1);
	CHECK_INT_EQ(pflog_prefix_parse("pf @99999999999 block in", &r), -1);
	CHECK_INT_EQ(pflog_prefix_parse("nft 1 block in", &r), -1);
}

TEST(pflog_record_layout_and_print)
{
	/* IPv4 TCP SYN 192.0.2.7:40000 -> 192.0.2.155:23 */
	static const uint8_t ip[40] = {
		0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0,
		192, 0, 2, 7, 192, 0, 2, 155,
		0x9c, 0x40, 0, 23, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02,
	};
	struct pflog_rec r = { .af = PFLOG_AF_INET, .action = PFLOG_ACT_DROP,
	    .dir = PFLOG_DIR_IN, .ifname = "xnic", .rulenr = 0x01020304 };
	struct strbuf sb = { 0 }, txt = { 0 };
	const uint8_t *p;
	uint32_t sec, usec, cap;
	uint8_t fh[PFLOG_FILEHDR_LEN];

	pflog_file_header(fh, PFLOG_SNAPLEN);
	CHECK_INT_EQ(pflog_file_check(fh, sizeof(fh)), 0);
	CHECK_INT_EQ(pflog_file_check(fh, 23), -1);
	pflog_record(&sb, 7, 8, &r, ip, sizeof(ip), PFLOG_SNAPLEN);
	CHECK_INT_EQ(sb.len, PFLOG_RECHDR_LEN + PFLOG_HDRLEN + sizeof(ip));
	p = (const uint8_t *)strbuf_cstr(&sb);
	CHECK_INT_EQ(pflog_record_parse(p, sb.len, &sec, &usec, &cap), 0);
	CHECK_INT_EQ(sec, 7);
	CHECK_INT_EQ(usec, 8);
	CHECK_INT_EQ(cap, PFLOG_HDRLEN + sizeof(ip));
	p += PFLOG_RECHDR_LEN;
	/* length, af, action, reason, ifname at 4, rulenr big endian at 36,
	 * subrulenr -1 at 40, dir at 60. */
	CHECK_INT_EQ(p[0], 61);
	CHECK_INT_EQ(p[1], 2);
	CHECK_INT_EQ(p[2], 1);
	CHECK(memcmp(p + 4, "xnic\0", 5) == 0);
	CHECK(memcmp(p + 36, "\x01\x02\x03\x04\xff\xff\xff\xff", 8) == 0);
	CHECK_INT_EQ(p[60], 1);
	CHECK_INT_EQ(pflog_format(&txt, p, cap), 0);
	CHECK_STR_EQ(strbuf_cstr(&txt), "rule 16909060/0(match): block in on "
	    "xnic: 192.0.2.7.40000 > 192.0.2.155.23: Flags [S]");
	/* The snaplen cuts the packet, never the header. */
	strbuf_free(&sb);
	pflog_record(&sb, 0, 0, &r, ip, sizeof(ip), PFLOG_HDRLEN + 20);
	CHECK_INT_EQ(sb.len, PFLOG_RECHDR_LEN + PFLOG_HDRLEN + 20);
	strbuf_free(&sb);
	strbuf_free(&txt);
}

TEST(pflog_format_hostile)
{
	uint8_t h[PFLOG_HDRLEN];
	struct strbuf txt = { 0 };

	memset(h, 0, sizeof(h));
	CHECK_INT_EQ(pflog_format(&txt, h, sizeof(h)), -1);
	h[0] = 61;
	memcpy(h + 4, "x\033[2Jn\nic", 9);
	CHECK_INT_EQ(pflog_format(&txt, h, sizeof(h) - 1), -1);
	CHECK_INT_EQ(pflog_format(&txt, h, sizeof(h)), 0);
	CHECK(strstr(strbuf_cstr(&txt), "on x??2Jn?ic: not IP") != NULL);
	strbuf_free(&txt);
}
