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

/* Print ${d} into a string (freed by the caller). */
static char *
printed_diags(const struct diags *d)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	diags_print(d, f);
	fclose(f);
	return out;
}

/*
 * A site's line may be any length and hold any byte: the quoted line is
 * DIAG_LINE_MAX bytes around the column with "..." where cut, the caret
 * still under the span; control bytes of the file name, the message and
 * the line come out as \xHH.
 */
TEST(diag_long_lines_and_control_bytes)
{
	struct strbuf sb = { 0 }, want = { 0 };
	struct source *src;
	struct diags d;
	size_t i, off;
	char *out;

	for (i = 0; i < 5000; i++)
		strbuf_adds(&sb, "up ");
	off = sb.len;
	strbuf_adds(&sb, "upp");
	for (i = 0; i < 5000; i++)
		strbuf_adds(&sb, " up");
	strbuf_adds(&sb, "\n");
	src = source_new("rc\x1b[2J.conf", sb.s, sb.len);
	diags_init(&d);
	diag_error(&d, loc_at(src, off, 3), "unknown word '%s'", "upp\x1b]0;t\x07");
	out = printed_diags(&d);
	/* 40 bytes before the word, 117 after: 160 in all. */
	strbuf_adds(&want, "rc\\x1b[2J.conf:1:15001: error: unknown word "
	    "'upp\\x1b]0;t\\x07'\n  ...");
	strbuf_add(&want, sb.s + off - 40, 40);
	strbuf_add(&want, sb.s + off, 120);
	strbuf_adds(&want, "...\n  ");
	for (i = 0; i < 43; i++)
		strbuf_addc(&want, ' ');
	strbuf_adds(&want, "^~~\n");
	CHECK_STR_EQ(out, strbuf_cstr(&want));
	free(out);
	diags_free(&d);
	source_free(src);

	/* An escaped byte before the span moves the caret by its width. */
	src = source_new("x", "a\x01" "b bad\n", 7);
	diags_init(&d);
	diag_error(&d, loc_at(src, 4, 3), "bad");
	out = printed_diags(&d);
	CHECK_STR_EQ(out, "x:1:5: error: bad\n  a\\x01b bad\n         ^~~\n");
	free(out);
	diags_free(&d);
	source_free(src);
	strbuf_free(&sb);
	strbuf_free(&want);
}

/* Past DIAG_FILE_MAX diagnostics of a file, one line counts the rest; a
   note goes with its diagnostic; other files have their own count. */
/*
 * What reaches a terminal from a site's files: valid UTF-8 passes whole,
 * C1 controls (U+0080..U+009F) and bytes that are not UTF-8 (a raw 0x9b
 * is CSI to an 8-bit terminal, overlong forms, surrogates, a cut
 * sequence) come out as \xHH, as the C0 controls do.
 */
TEST(printable_escapes_c1_and_invalid_utf8)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9f" },
		{ "a\xc2\x9b" "2J", "a\\xc2\\x9b2J" },
		{ "\xc2\x80\xc2\x9f\xc2\xa0", "\\xc2\\x80\\xc2\\x9f\xc2\xa0" },
		{ "x\x9b" "31m", "x\\x9b31m" },
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "\xe2\x82", "\\xe2\\x82" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
		{ "\x1b[0m\t", "\\x1b[0m\t" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct strbuf sb = { 0 };

		strbuf_add_printable(&sb, cases[i].in, strlen(cases[i].in),
		    "\t");
		CHECK_STR_EQ(strbuf_cstr(&sb), cases[i].want);
		strbuf_free(&sb);
	}
}

TEST(diag_cap_per_file)
{
	struct source *a = source_new("a", "x\n", 2), *b;
	struct diags d;
	char *out, *p;
	size_t i, n;

	b = source_new("b", "y\n", 2);
	diags_init(&d);
	for (i = 0; i < DIAG_FILE_MAX + 7; i++) {
		diag_warning(&d, loc_at(a, 0, 1), "warning %zu", i);
		diag_note(&d, loc_file(a), "note %zu", i);
	}
	diag_error(&d, loc_at(b, 0, 1), "an error of b");
	out = printed_diags(&d);
	for (n = 0, p = out; (p = strstr(p, ": warning ")) != NULL; p++)
		n++;
	CHECK_INT_EQ(n, DIAG_FILE_MAX);
	CHECK(strstr(out, "a: note: note 99\n") != NULL);
	CHECK(strstr(out, "note 100\n") == NULL);
	CHECK(strstr(out, "b:1:1: error: an error of b\n") != NULL);
	CHECK(strstr(out, "a: note: ... and 7 more errors and warnings in "
	    "this file (the first 100 are shown)\n") != NULL);
	CHECK_INT_EQ(d.nwarnings, DIAG_FILE_MAX + 7);
	free(out);
	diags_free(&d);
	source_free(a);
	source_free(b);
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

/*
 * Locations in a long source are found from its marks (every
 * SOURCE_MARK_LINES-th line): the same line and column as counting from
 * the start, on both sides of each mark, at the end without a newline,
 * and in a source made by hand (no marks).
 */
TEST(source_marks_find_locations)
{
	struct strbuf sb = { 0 };
	struct source *src, bare;
	struct loc loc;
	size_t off, i, line = 1, col = 1;
	int bad = 0;

	for (i = 0; i < 300; i++)
		strbuf_addf(&sb, "%*s\n", (int)(i % 7), "x");
	strbuf_adds(&sb, "last");
	src = source_new("m.conf", strbuf_cstr(&sb), sb.len);
	CHECK(src->nmarks == (301 + SOURCE_MARK_LINES - 1) / SOURCE_MARK_LINES);
	bare = *src;
	bare.marks = NULL;
	bare.nmarks = 0;
	for (off = 0; off <= src->len; off++) {
		loc = loc_at(src, off, 1);
		if (loc.line != line || loc.col != col ||
		    loc_offset(loc) != off || loc_at(&bare, off, 1).line != line)
			bad++;
		if (off < src->len && src->text[off] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	CHECK_INT_EQ(bad, 0);
	loc = loc_at(src, src->len - 2, 2);
	CHECK_INT_EQ((int)loc.line, 301);
	CHECK_INT_EQ((int)loc.col, 3);
	source_free(src);
	strbuf_free(&sb);
}
