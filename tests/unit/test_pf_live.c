/*
 * Tests of pf_live's pure part: an address range given back as the
 * fewest prefixes covering it (nft's interval sets merge prefixes into
 * ranges; pfctl -T show lists prefixes).
 */
#include <string.h>

#include "lib/addr.h"
#include "lib/util.h"
#include "kernel/pf_live.h"
#include "test.h"

static void
collect(const struct ipprefix *p, void *arg)
{
	char buf[IPADDR_STRLEN];
	struct strbuf *sb = arg;

	if (sb->len > 0)
		strbuf_addc(sb, ' ');
	strbuf_adds(sb, ipprefix_format(p, buf));
}

/* The prefixes of the range LO-HI, space-separated. */
static void
check_range(const char *lo, const char *hi, const char *want)
{
	struct ipaddr a, b;
	struct strbuf sb = { 0 };

	CHECK_INT_EQ(ipaddr_parse(lo, &a), 0);
	CHECK_INT_EQ(ipaddr_parse(hi, &b), 0);
	pf_live_range_prefixes(&a, &b, collect, &sb);
	CHECK_STR_EQ(strbuf_cstr(&sb), want);
	strbuf_free(&sb);
}

TEST(pf_live_range_prefixes)
{
	check_range("203.0.113.200", "203.0.113.207", "203.0.113.200/29");
	check_range("198.51.100.66", "198.51.100.66", "198.51.100.66/32");
	check_range("10.0.0.1", "10.0.0.6",
	    "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32");
	check_range("0.0.0.0", "255.255.255.255", "0.0.0.0/0");
	check_range("255.255.255.254", "255.255.255.255",
	    "255.255.255.254/31");
	check_range("192.168.0.0", "192.169.255.255", "192.168.0.0/15");
	check_range("2001:db8::", "2001:db8::ffff", "2001:db8::/112");
	check_range("2001:db8::1", "2001:db8::2", "2001:db8::1/128 2001:db8::2/128");
}
