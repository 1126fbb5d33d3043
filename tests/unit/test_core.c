#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/addr.h"
#include "lib/diag.h"
#include "lib/util.h"
#include "test.h"

TEST(parse_uint_ranges)
{
	unsigned long v = 7;

	CHECK_INT_EQ(parse_uint("0", 0, 10, &v), 0);
	CHECK_INT_EQ(v, 0);
	CHECK_INT_EQ(parse_uint("65535", 0, 65535, &v), 0);
	CHECK_INT_EQ(parse_uint("65536", 0, 65535, &v), -1);
	CHECK_INT_EQ(parse_uint("", 0, 10, &v), -1);
	CHECK_INT_EQ(parse_uint("-1", 0, 10, &v), -1);
	CHECK_INT_EQ(parse_uint("1x", 0, 10, &v), -1);
	CHECK_INT_EQ(parse_uint("99999999999999999999999", 0, ~0UL, &v), -1);
	CHECK_INT_EQ(parse_uint("3", 4, 10, &v), -1);
}

TEST(closest_word_hints)
{
	static const char *const words[] = { "check", "show", "pf" };

	CHECK_STR_EQ(closest_word("chek", words, 3), "check");
	CHECK_STR_EQ(closest_word("shwo", words, 3), "show");
	CHECK(closest_word("zzzzzz", words, 3) == NULL);
}

TEST(addr_parse_and_format)
{
	char buf[IPADDR_STRLEN];
	struct ipprefix p;
	struct ipaddr a;
	unsigned len;

	CHECK_INT_EQ(ipprefix_parse("10.0.2.1/24", &p), 0);
	CHECK_STR_EQ(ipprefix_format(&p, buf), "10.0.2.1/24");
	CHECK_INT_EQ(ipaddr_parse("10.0.2.77", &a), 0);
	CHECK(ipprefix_contains(&p, &a));
	CHECK_INT_EQ(ipaddr_parse("10.0.3.1", &a), 0);
	CHECK(!ipprefix_contains(&p, &a));
	CHECK_INT_EQ(ipprefix_parse("10.0.2.1/33", &p), -1);
	CHECK_INT_EQ(ipprefix_parse("10.0.2/24", &p), -1);
	CHECK_INT_EQ(ipprefix_parse("2001:db8::1/64", &p), 0);
	CHECK_INT_EQ(p.addr.family, AF_INET6);
	CHECK_STR_EQ(ipprefix_format(&p, buf), "2001:db8::1/64");
	CHECK_INT_EQ(ipmask_parse("255.255.255.0", &len), 0);
	CHECK_INT_EQ(len, 24);
	CHECK_INT_EQ(ipmask_parse("0xffff0000", &len), 0);
	CHECK_INT_EQ(len, 16);
	CHECK_INT_EQ(ipmask_parse("255.0.255.0", &len), -1);
	CHECK_INT_EQ(ipprefix_parse("192.168.56.110/24", &p), 0);
	p = ipprefix_network(&p);
	CHECK_STR_EQ(ipprefix_format(&p, buf), "192.168.56.0/24");
}

TEST(diag_caret_output)
{
	static const char text[] = "a = 1;\n\tvnet.interface = ngx_b;\n";
	struct source *src = source_new("x.conf", text, sizeof(text) - 1);
	struct diags d;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	diags_init(&d);
	diag_error(&d, loc_at(src, 25, 5), "interface '%s' is handed twice",
	    "ngx_b");
	diag_note(&d, loc_file(src), "first handed over here");
	source_free(src);	/* diagnostics keep their own copies */
	f = open_memstream(&out, &outlen);
	diags_print(&d, f);
	fclose(f);
	CHECK_STR_EQ(out,
	    "x.conf:2:19: error: interface 'ngx_b' is handed twice\n"
	    "  \tvnet.interface = ngx_b;\n"
	    "  \t                 ^~~~~\n"
	    "x.conf: note: first handed over here\n");
	CHECK_INT_EQ(diags_has_errors(&d), 1);
	free(out);
	diags_free(&d);
}

TEST(ltext_locates_pieces)
{
	static const char a[] = "ifconfig_x=\"`/bin/cat /etc/x` up\"\n";
	static const char b[] = "inet 10.0.0.1/24\n";
	struct source *sa = source_new("rc.conf", a, sizeof(a) - 1);
	struct source *sb = source_new("etc/x", b, sizeof(b) - 1);
	struct ltext lt = { 0 };
	struct loc l;

	ltext_add(&lt, "inet 10.0.0.1/24", 16, loc_at(sb, 0, 16), 1);
	ltext_add(&lt, " up", 3, loc_at(sa, 29, 3), 1);
	CHECK_STR_EQ(lt.s, "inet 10.0.0.1/24 up");
	l = ltext_loc(&lt, 5, 11);
	CHECK(l.src == sb);
	CHECK_INT_EQ(l.col, 6);
	CHECK_INT_EQ(l.len, 11);
	l = ltext_loc(&lt, 17, 2);
	CHECK(l.src == sa);
	CHECK_INT_EQ(l.col, 31);
	ltext_free(&lt);
	source_free(sa);
	source_free(sb);
}
