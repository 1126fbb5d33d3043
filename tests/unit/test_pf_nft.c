/*
 * The nftables compiler: names, first-match order, the constructs one by
 * one, and goldens (tests/golden/nft/NAME.conf compiled for server a of
 * examples/uxtely must give NAME.nft, or the diagnostics NAME.err; the
 * example's own pf.conf gives uxtely-a.nft and uxtely-b.nft, which
 * tests/pf_nft.test loads into a kernel).  JAILNET_REGEN=1 rewrites them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_nft.h"
#include "pf/pf_nft_name.h"
#include "test.h"

static struct site *example_site;	/* loaded once, when first needed */

static struct site *
example(void)
{
	struct diags d;

	if (example_site != NULL)
		return example_site;
	diags_init(&d);
	example_site = site_load("examples/uxtely", &d);
	diags_free(&d);
	return example_site;
}

__attribute__((destructor)) static void
free_example(void)
{
	site_free(example_site);
}

/* Compile ${text} for server ${srv}; the nft text, or the diagnostics. */
static char *
compile_text(const char *srv, const char *path, const char *text, int *rc)
{
	struct site *site = example();
	struct strbuf out = { 0 };
	struct pf_bound *b;
	struct diags d;
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	*rc = -1;
	if (site == NULL || site_server(site, srv) == NULL)
		return xstrdup("(no example site)");
	diags_init(&d);
	b = pf_bind_source(site, site_server(site, srv),
	    source_new(path, text, strlen(text)), &d);
	if (b != NULL)
		*rc = pf_nft_compile(b, &out, &d);
	if (d.n > 0) {
		f = open_memstream(&buf, &len);
		diags_print(&d, f);
		fclose(f);
		strbuf_free(&out);
		strbuf_adds(&out, buf);
		free(buf);
	}
	pf_bound_free(b);
	diags_free(&d);
	return strbuf_steal(&out);
}

static char *
compile_a(const char *text, int *rc)
{
	return compile_text("a", "pf.conf", text, rc);
}

TEST(pf_nft_name)
{
	struct strbuf sb = { 0 };

	pf_nft_name("t_", "fwd", &sb);
	CHECK_STR_EQ(strbuf_cstr(&sb), "t_fwd");
	strbuf_free(&sb);
	pf_nft_name("t_", "a-b", &sb);
	CHECK(str_has_prefix(strbuf_cstr(&sb), "t_a_b_"));
	CHECK_INT_EQ(strlen(strbuf_cstr(&sb)), strlen("t_a_b_") + 8);
	strbuf_free(&sb);
	pf_nft_name("t_", "a_b", &sb);
	CHECK_STR_EQ(strbuf_cstr(&sb), "t_a_b");
	strbuf_free(&sb);
}

/* Every name the compiler makes has a "_": nft keywords never do. */
TEST(pf_nft_names_not_keywords)
{
	static const char *const keywords[] = {
		"fwd", "ip", "filter", "nat", "table", "chain", "set", "map",
		"flush", "jump", "accept", "drop", "counter", "limit", "meta",
	};
	const char *text = "table <fwd> { 10.1.0.0/16 }\n"
	    "table <ip> { 10.2.0.0/16 }\n"
	    "pass in on xnic from <fwd> to <ip>\n";
	char *got, *p, *line;
	size_t i;
	int rc;

	got = compile_a(text, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK(strstr(got, "set t_fwd_v4 {") != NULL);
	CHECK(strstr(got, "ip saddr @t_fwd_v4 ip daddr @t_ip_v4") != NULL);
	/* No set or chain is named like a keyword. */
	for (line = got; (p = strchr(line, '\n')) != NULL; line = p + 1) {
		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
			char *w = xasprintf("\tset %s {", keywords[i]);
			char *c = xasprintf("\tchain %s {", keywords[i]);

			CHECK(strncmp(line, w, strlen(w)) != 0);
			CHECK(strncmp(line, c, strlen(c)) != 0);
			free(w);
			free(c);
		}
	}
	free(got);
}

/* Quick rules in file order, then the others from the last one. */
TEST(pf_nft_first_match_order)
{
	const char *text = "block all\n"
	    "pass in quick proto tcp to port 1\n"
	    "pass in proto tcp to port 2\n"
	    "pass in quick proto tcp to port 3\n";
	char *got;
	const char *p1, *p2, *p3, *pb;
	int rc;

	got = compile_a(text, &rc);
	CHECK_INT_EQ(rc, 0);
	p1 = strstr(got, "tcp dport 1 ");
	p3 = strstr(got, "tcp dport 3 ");
	p2 = strstr(got, "tcp dport 2 ");
	pb = strstr(got, "drop comment \"pf @0 line 1\"");
	CHECK(p1 != NULL && p2 != NULL && p3 != NULL && pb != NULL);
	if (p1 && p2 && p3 && pb) {
		CHECK(p1 < p3);
		CHECK(p3 < p2);
		CHECK(p2 < pb);
	}
	free(got);
}

/* antispoof for lo0 compiles to its one rule: 127.0.0.0/8 from another
   interface is dropped, 127.0.0.1 from lo itself is not. */
TEST(pf_nft_antispoof_loopback)
{
	char *got;
	int rc;

	got = compile_a("antispoof for lo0\n", &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK(strstr(got, "ip saddr 127.0.0.0/8 drop comment \"pf @0 line 1\"")
	    != NULL);
	CHECK(strstr(got, "ip saddr 127.0.0.1 drop") == NULL);
	CHECK(strstr(got, "pf @1 ") == NULL);
	free(got);
}

TEST(pf_nft_rate_limit)
{
	const char *text = "table <rl>\n"
	    "pass in quick on xnic proto tcp to port { 443 80 } keep state "
	    "(max-src-conn-rate 100/10, overload <rl> flush global)\n";
	char *got;
	int rc;

	got = compile_a(text, &rc);
	CHECK_INT_EQ(rc, 0);
	/* Two expanded rules, two budgets. */
	CHECK(strstr(got, "update @rate_1_v4 { ip saddr limit rate over "
	    "10/second burst 100 packets } add @t_rl_v4 { ip saddr } drop")
	    != NULL);
	CHECK(strstr(got, "update @rate_2_v4") != NULL);
	CHECK(strstr(got, "ct mark set ct mark & 0xffffff00 | 0x00000401 "
	    "return") != NULL);
	/* The overload set is declared before the flush, never flushed. */
	CHECK(strstr(got, "flush set inet jailnet_a t_rl_v4") == NULL);
	CHECK(strstr(got, "ct state established,related ip saddr @t_rl_v4 "
	    "drop") != NULL);
	free(got);
}

TEST(pf_nft_binat_is_error)
{
	char *got;
	int rc;

	got = compile_a("binat on xnic from 10.0.2.20 to any -> "
	    "192.0.2.156\n", &rc);
	CHECK_INT_EQ(rc, -1);
	CHECK(strstr(got, "binat is not compiled") != NULL);
	free(got);
}

/* log: to NFLOG group N with what pflogd's header needs; log (all) on a
 * stateful pass is refused at its line, on a block it is log. */
TEST(pf_nft_log_nflog)
{
	char *got;
	int rc;

	got = compile_a("block in log (to pflog3) on xnic proto tcp to port 23\n"
	    "pass out log on xnic proto udp to port 53\n", &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK(strstr(got, "log group 3 prefix \"pf @0 block in\"") != NULL);
	CHECK(strstr(got, "log group 0 prefix \"pf @1 pass out\"") != NULL);
	free(got);
	got = compile_a("block in log (all) on xnic proto tcp to port 23\n",
	    &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK(strstr(got, "log group 0 prefix \"pf @0 block in\"") != NULL);
	free(got);
	got = compile_a("pass in log (all) on xnic proto tcp to port 22\n",
	    &rc);
	CHECK_INT_EQ(rc, -1);
	CHECK(strstr(got, "pf.conf:1:1: error: log (all) on a rule that keeps "
	    "state is not compiled") != NULL);
	free(got);
}

TEST(pf_nft_examples_compile)
{
	struct site *site = example();
	struct diags d;
	struct strbuf out = { 0 };
	struct pf_bound *b;
	size_t i;

	CHECK(site != NULL);
	for (i = 0; site != NULL && i < site->nservers; i++) {
		diags_init(&d);
		b = pf_bind(site, &site->servers[i], &d);
		CHECK(b != NULL);
		if (b != NULL)
			CHECK_INT_EQ(pf_nft_compile(b, &out, &d), 0);
		CHECK_INT_EQ(d.nerrors, 0);
		CHECK(strstr(strbuf_cstr(&out), "table inet jailnet_") !=
		    NULL);
		pf_bound_free(b);
		diags_free(&d);
		strbuf_free(&out);
	}
}

/*
 * An address on a bridge member (server a's inic on ibridge): the host's
 * traffic by ibridge takes pf's interface from the routes, the least
 * specific first, and a route giving the bridge is written only inside
 * one giving a member.  Routes of our own replace the bound ones.
 */
TEST(pf_nft_member_address_routes)
{
	struct site *site = example();
	struct pf_route rt[4], *saved;
	struct strbuf out = { 0 };
	struct pf_bound *b;
	struct diags d;
	size_t nsaved, inic, xbr;
	const char *got, *wide, *narrow;
	char *want;

	CHECK(site != NULL && site_server(site, "a") != NULL);
	if (site == NULL || site_server(site, "a") == NULL)
		return;
	diags_init(&d);
	b = pf_bind_source(site, site_server(site, "a"),
	    source_new("pf.conf", "block all\n", 10), &d);
	CHECK(b != NULL);
	if (b == NULL) {
		diags_free(&d);
		return;
	}
	inic = pf_bound_iface(b, "inic");
	xbr = pf_bound_iface(b, "xbridge");
	CHECK(inic != NO_INDEX && xbr != NO_INDEX);
	memset(rt, 0, sizeof(rt));
	/* Longest first, as pf_bind sorts them. */
	CHECK_INT_EQ(ipprefix_parse("192.168.56.128/25", &rt[0].dst), 0);
	rt[0].iface = xbr;
	CHECK_INT_EQ(ipprefix_parse("192.168.56.0/24", &rt[1].dst), 0);
	rt[1].iface = inic;
	CHECK_INT_EQ(ipprefix_parse("10.0.2.0/24", &rt[2].dst), 0);
	rt[2].iface = xbr;
	CHECK_INT_EQ(ipprefix_parse("0.0.0.0/0", &rt[3].dst), 0);
	rt[3].has_gateway = true;
	CHECK_INT_EQ(ipaddr_parse("192.168.56.1", &rt[3].gateway), 0);
	rt[3].iface = inic;
	saved = b->routes;
	nsaved = b->nroutes;
	b->routes = rt;
	b->nroutes = 4;
	CHECK_INT_EQ(pf_nft_compile(b, &out, &d), 0);
	b->routes = saved;
	b->nroutes = nsaved;
	got = strbuf_cstr(&out);

	/* In: the connected route on inic, then the /25 inside it back to
	   the bridge (0x5); the default route has a gateway: the bridge. */
	want = xasprintf("iifname \"ibridge\" ip saddr 192.168.56.0/24 meta "
	    "mark set meta mark & 0xff00ffff | 0x%08x\n", (unsigned)(inic +
	    1) << 16);
	wide = strstr(got, want);
	CHECK(wide != NULL);
	free(want);
	want = xasprintf("iifname \"ibridge\" ip saddr 192.168.56.128/25 "
	    "meta mark set meta mark & 0xff00ffff | 0x%08x\n",
	    (unsigned)(pf_bound_iface(b, "ibridge") + 1) << 16);
	narrow = strstr(got, want);
	CHECK(narrow != NULL);
	CHECK(wide == NULL || narrow == NULL || wide < narrow);
	free(want);
	CHECK(strstr(got, "iifname \"ibridge\" meta nfproto") == NULL);
	CHECK(strstr(got, "ibridge\" ip saddr 10.0.2.0/24") == NULL);
	/* The address of the member, before rdr. */
	CHECK(strstr(got, "iifname \"ibridge\" ct original ip daddr "
	    "192.168.56.110 meta mark set") != NULL);

	/* Out: the default route's gateway is on inic, so inic. */
	want = xasprintf("oifname \"ibridge\" meta nfproto ipv4 meta mark "
	    "set meta mark & 0xff00ffff | 0x%08x\n", (unsigned)(inic + 1) <<
	    16);
	wide = strstr(got, want);
	CHECK(wide != NULL);
	free(want);
	narrow = strstr(got, "oifname \"ibridge\" ip daddr 192.168.56.0/24 ");
	CHECK(narrow != NULL);
	CHECK(wide == NULL || narrow == NULL || wide < narrow);
	CHECK(strstr(got, "oifname \"ibridge\" ip daddr 192.168.56.128/25 ")
	    != NULL);
	/* The bridged path keeps the bridge's own name. */
	CHECK(strstr(got, "\t\tjump stage_in_port\n\t\tjump stage_in_if\n"
	    "\t\tjump stage_out_if\n") != NULL);

	strbuf_free(&out);
	pf_bound_free(b);
	diags_free(&d);
}

static char *
slurp(const char *path)
{
	int errnum;

	return read_file(path, NULL, &errnum);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		test_fail(__FILE__, __LINE__, "cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

/* Compare ${got} with the file ${path} (or write it when regenerating). */
static void
golden(const char *path, const char *got)
{
	char *want;

	if (test_regen()) {
		write_text(path, got);
		return;
	}
	want = slurp(path);
	if (want == NULL)
		test_fail(__FILE__, __LINE__, "cannot read %s", path);
	else if (strcmp(want, got) != 0)
		test_fail(__FILE__, __LINE__, "%s differs; got:\n%s", path,
		    got);
	free(want);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(pf_nft_golden)
{
	const char *dir = "tests/golden/nft";
	char **names = NULL, *path, *text, *got, *want;
	size_t n = 0, cap = 0, i, base;
	struct dirent *de;
	DIR *dp;
	int rc;

	if ((dp = opendir(dir)) == NULL) {
		test_fail(__FILE__, __LINE__, "cannot open %s", dir);
		return;
	}
	while ((de = readdir(dp)) != NULL)
		if (str_has_suffix(de->d_name, ".conf"))
			*VEC_PUSH(names, n, cap) = xstrdup(de->d_name);
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	CHECK(n >= 8);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		base = strlen(path) - strlen(".conf");
		text = slurp(path);
		if (text == NULL) {
			test_fail(__FILE__, __LINE__, "cannot read %s", path);
			free(path);
			continue;
		}
		got = compile_text("a", names[i], text, &rc);
		want = xasprintf("%.*s.%s", (int)base, path,
		    rc == 0 ? "nft" : "err");
		golden(want, got);
		free(want);
		free(got);
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);

	/* The example's servers, from their own pf.conf. */
	for (i = 0; example() != NULL && i < example()->nservers; i++) {
		struct server *srv = &example()->servers[i];
		struct strbuf out = { 0 };
		struct pf_bound *b;
		struct diags d;

		diags_init(&d);
		b = pf_bind(example(), srv, &d);
		if (b != NULL)
			pf_nft_compile(b, &out, &d);
		path = xasprintf("%s/uxtely-%s.nft", dir, srv->name);
		golden(path, strbuf_cstr(&out));
		free(path);
		pf_bound_free(b);
		diags_free(&d);
		strbuf_free(&out);
	}
}

/* Compile ${text} for a copy of server a with other bridge sysctls. */
static char *
compile_pfil(const char *text, bool member, bool bridge)
{
	struct site *site = example();
	struct server srv;
	struct strbuf out = { 0 };
	struct pf_bound *b;
	struct diags d;

	if (site == NULL || site_server(site, "a") == NULL)
		return xstrdup("");
	srv = *site_server(site, "a");
	srv.pfil_member = member;
	srv.pfil_bridge = bridge;
	diags_init(&d);
	b = pf_bind_source(site, &srv, source_new("pf.conf", text,
	    strlen(text)), &d);
	if (b != NULL)
		pf_nft_compile(b, &out, &d);
	pf_bound_free(b);
	diags_free(&d);
	return strbuf_steal(&out);
}

/* A bridged frame: in member, in bridge, out bridge, out member. */
TEST(pf_nft_bridge_stages)
{
	const char *text = "pass in quick on ipg_a proto tcp to port 5434\n"
	    "block all\n";
	char *got;
	const char *fwd, *a, *b, *c, *d;

	got = compile_pfil(text, true, true);
	fwd = strstr(got, "chain filter_fwd {");
	CHECK(fwd != NULL);
	if (fwd != NULL) {
		a = strstr(fwd, "\t\tjump stage_in_port\n");
		b = strstr(fwd, "\t\tjump stage_in_if\n");
		c = strstr(fwd, "\t\tjump stage_out_if\n");
		d = strstr(fwd, "\t\tjump stage_out_port\n");
		CHECK(a != NULL && b != NULL && c != NULL && d != NULL);
		CHECK(a < b && b < c && c < d);
	}
	/* The member's bit, and the floating state of the in direction. */
	CHECK(strstr(got, "meta mark & 0x00ff0000 == 0x000a0000 meta l4proto "
	    "tcp tcp dport 5434 tcp flags & (syn | ack) == syn ct mark set "
	    "ct mark | 0x00000400 return") != NULL);
	CHECK(strstr(got, "ct mark & 0x00000400 != 0 return") != NULL);
	CHECK(strstr(got, "ct mark & 0x00000800 != 0 return") != NULL);
	CHECK(strstr(got, "iifname \"ipg_a\" meta mark set meta mark | "
	    "0x0000000a") != NULL);
	free(got);

	/* pfil_member=0: no member stage; pfil_bridge=0: no bridge one. */
	got = compile_pfil(text, false, true);
	CHECK(strstr(got, "jump stage_in_port") == NULL);
	CHECK(strstr(got, "chain stage_out_port") == NULL);
	free(got);
	got = compile_pfil(text, true, false);
	fwd = strstr(got, "chain filter_fwd {");
	CHECK(fwd != NULL);
	if (fwd != NULL) {
		char *chain = xstrndup(fwd, (size_t)(strstr(fwd, "\n\t}\n") -
		    fwd));

		CHECK(strstr(chain, "\t\tjump stage_out_if\n") == NULL);
		CHECK(strstr(chain, "\t\tjump stage_in_port\n") != NULL);
		free(chain);
	}
	free(got);
}

/* The reload prologue: overload sets declared before the flush and never
   flushed; static sets flushed and filled again. */
TEST(pf_nft_reload)
{
	const char *text = "table <ol>\ntable <st> { 10.0.0.0/8 }\n"
	    "pass in proto tcp keep state (max-src-conn-rate 3/1, "
	    "overload <ol>)\nblock in from { <ol> <st> }\n";
	char *got;
	const char *flush;
	int rc;

	got = compile_a(text, &rc);
	CHECK_INT_EQ(rc, 0);
	flush = strstr(got, "flush table inet jailnet_a\n");
	CHECK(flush != NULL);
	CHECK(strstr(got, "set t_ol_v4 {\n\t\ttype ipv4_addr\n\t\tflags "
	    "dynamic,timeout\n") != NULL && strstr(got, "set t_ol_v4 {") < flush);
	CHECK(strstr(got, "flush set inet jailnet_a t_ol_v4") == NULL);
	CHECK(strstr(got, "flush set inet jailnet_a t_st_v4\n") != NULL);
	CHECK(strstr(got, "elements = { 10.0.0.0/8 }") > flush);
	CHECK(strstr(got, "table bridge jailnet_a_br {\n}\ndelete table "
	    "bridge jailnet_a_br\n") != NULL);
	CHECK(strstr(got, "limit rate over 3/second burst 3 packets") !=
	    NULL);
	free(got);
}
