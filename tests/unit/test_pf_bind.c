/*
 * pf_bind on the example site: interfaces, (xnic:0), tables, routes, and
 * the errors of a pf.conf that does not fit a server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "fixture.h"
#include "test.h"

/* The prefixes of ${v} as "a b c". */
static char *
prefixes(const struct ipprefix *v, size_t n)
{
	struct strbuf sb = { 0 };
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addc(&sb, ' ');
		strbuf_adds(&sb, ipprefix_format(&v[i], buf));
	}
	return sb.s ? strbuf_steal(&sb) : xstrdup("");
}

static char *
table_text(const struct pf_bound_table *t)
{
	struct strbuf sb = { 0 };
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < t->nentries; i++) {
		if (i > 0)
			strbuf_addc(&sb, ' ');
		if (t->entries[i].neg)
			strbuf_addc(&sb, '!');
		strbuf_adds(&sb, ipprefix_format(&t->entries[i].prefix, buf));
	}
	return sb.s ? strbuf_steal(&sb) : xstrdup("");
}

/* Expand the address written ${text} (a "pass from TEXT" rule's source). */
static char *
expand_text(const struct pf_bound *b, const struct site *site,
    const struct server *srv, const char *text, int af)
{
	char *conf = xasprintf("pass from %s\n", text), *s;
	struct source *src = source_new("t.conf", conf, strlen(conf));
	struct pf_bound *tb;
	struct ipprefix *v;
	struct diags d;
	size_t n;

	(void)b;
	diags_init(&d);
	tb = pf_bind_source(site, srv, src, &d);
	free(conf);
	if (tb == NULL) {
		diags_free(&d);
		return xstrdup("ERROR");
	}
	/* An interface's addresses are one rule each since parsing (as
	   pfctl prints them): gather the sources of every rule. */
	{
		struct strbuf all = { 0 };
		size_t i;

		for (i = 0; i < tb->rs->rules[PF_RS_FILTER].n; i++) {
			CHECK_INT_EQ(pf_addr_expand(tb,
			    &tb->rs->rules[PF_RS_FILTER].v[i].src, af, &v, &n),
			    0);
			s = prefixes(v, n);
			if (s[0] != '\0' && all.len > 0)
				strbuf_addc(&all, ' ');
			strbuf_adds(&all, s);
			free(s);
			free(v);
		}
		s = all.s ? strbuf_steal(&all) : xstrdup("");
	}
	pf_bound_free(tb);
	diags_free(&d);
	return s;
}

static void
check_expand(const struct site *site, const struct server *srv,
    const char *text, int af, const char *want)
{
	char *got = expand_text(NULL, site, srv, text, af);

	CHECK_STR_EQ(got, want);
	free(got);
}

TEST(pf_bind_example_ifaces)
{
	struct pf_site *ps = fixture_example_pf();
	struct site *site = ps != NULL ? ps->site : NULL;
	const struct pf_bound *b;
	const struct pf_iface *pi;
	size_t i;

	if (site == NULL)
		return;
	for (i = 0; i < site->nservers; i++)
		CHECK(pf_site_bound(ps, &site->servers[i]) != NULL);
	b = pf_site_bound(ps, site_server(site, "a"));
	CHECK_STR_EQ(b->ifaces[0].name, "lo0");
	CHECK(b->ifaces[0].is_loopback);
	/* FreeBSD's lo0: 127.0.0.1/8, ::1, fe80::1 (fe80::1%lo0). */
	pi = &b->ifaces[0];
	CHECK_INT_EQ(pi->naddrs, 3);
	if (pi->naddrs == 3) {
		char buf[IPADDR_STRLEN];

		CHECK_STR_EQ(ipprefix_format(&pi->addrs[0], buf),
		    "127.0.0.1/8");
		CHECK_STR_EQ(ipprefix_format(&pi->addrs[1], buf), "::1/128");
		CHECK_STR_EQ(ipprefix_format(&pi->addrs[2], buf),
		    "fe80::1/64");
	}
	CHECK(pf_bound_iface(b, "xnic") != NO_INDEX);
	CHECK(pf_bound_iface(b, "ipg_a") != NO_INDEX);
	CHECK(pf_bound_iface(b, "ipg_b") == NO_INDEX);	/* pg_j's */
	CHECK(pf_bound_iface(b, "ngx_b") == NO_INDEX);
	pi = &b->ifaces[pf_bound_iface(b, "xbridge")];
	CHECK(pi->is_bridge);
	CHECK_INT_EQ(pi->naddrs, 1);
	pi = &b->ifaces[pf_bound_iface(b, "inic")];
	CHECK(!pi->is_bridge);
	CHECK_INT_EQ(pi->bridge, pf_bound_iface(b, "ibridge"));
	pi = &b->ifaces[pf_bound_iface(b, "ngx_a")];
	CHECK_INT_EQ(pi->bridge, pf_bound_iface(b, "xbridge"));
	CHECK(pf_bound_iface(b, "nosuch") == NO_INDEX);
	pf_site_free(ps);
}

TEST(pf_bind_example_addresses)
{
	struct pf_site *ps = fixture_example_pf();
	struct site *site = ps != NULL ? ps->site : NULL;
	const struct server *a, *bs;

	if (site == NULL)
		return;
	a = site_server(site, "a");
	bs = site_server(site, "b");
	check_expand(site, a, "(xnic:0)", AF_INET, "192.0.2.155/32");
	check_expand(site, bs, "(xnic:0)", AF_INET, "192.0.2.165/32");
	check_expand(site, a, "xnic", AF_INET, "192.0.2.155/32");
	check_expand(site, a, "xnic", AF_INET6, "");
	check_expand(site, a, "xnic:network", 0, "192.0.2.0/24");
	check_expand(site, a, "xbridge:network", AF_INET, "10.0.2.0/24");
	check_expand(site, a, "xbridge", AF_INET, "10.0.2.1/32");
	check_expand(site, a, "xnic:broadcast", AF_INET, "192.0.2.255/32");
	check_expand(site, a, "xnic/16", AF_INET, "192.0.0.0/16");
	check_expand(site, a, "10.0.2/24", AF_INET, "10.0.2.0/24");
	check_expand(site, a, "10.0.2/24", AF_INET6, "");
	check_expand(site, a, "self", AF_INET, "127.0.0.1/32 192.0.2.155/32 "
	    "192.168.56.110/32 10.0.2.1/32");
	check_expand(site, a, "(self)", AF_INET, "127.0.0.1/32 "
	    "192.0.2.155/32 192.168.56.110/32 10.0.2.1/32");
	/* Nothing to expand. */
	{
		struct pf_addr any = { .kind = PF_ADDR_ANY };
		struct ipprefix *v;
		size_t n;

		CHECK_INT_EQ(pf_addr_expand(pf_site_bound(ps, a), &any,
		    AF_INET, &v, &n), -1);
		CHECK(v == NULL);
		CHECK_INT_EQ(n, 0);
	}
	pf_site_free(ps);
}

TEST(pf_bind_example_tables)
{
	struct pf_site *ps = fixture_example_pf();
	struct site *site = ps != NULL ? ps->site : NULL;
	const struct pf_bound_table *t;
	size_t i;
	char *s;

	if (site == NULL)
		return;
	for (i = 0; i < site->nservers; i++) {
		const struct pf_bound *b = pf_site_bound(ps, &site->servers[i]);

		t = pf_bound_table(b, "xpeers");
		CHECK(t != NULL && t->def != NULL && !t->is_dynamic);
		s = table_text(t);
		CHECK_STR_EQ(s, "203.0.113.10/32");
		free(s);
		t = pf_bound_table(b, "ipg_j");
		s = table_text(t);
		CHECK_STR_EQ(s, i == 0 ? "192.168.56.40/32" :
		    "192.168.56.41/32");
		free(s);
		t = pf_bound_table(b, "martians");
		CHECK_INT_EQ(t->nentries, 11);
		s = table_text(t);
		CHECK(str_has_prefix(s, "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 "));
		free(s);
		CHECK_INT_EQ(t->entries[1].loc.line, 6);
		CHECK(strstr(t->entries[1].loc.src->path, "common/etc/"
		    "ips_martians") != NULL);
		t = pf_bound_table(b, "ratelimit");
		CHECK(t != NULL && t->def != NULL);
		CHECK(t->is_dynamic);
		CHECK_INT_EQ(t->nentries, 0);
		CHECK(pf_bound_table(b, "nosuch") == NULL);
		CHECK_INT_EQ(b->ntables, 10);
	}
	pf_site_free(ps);
}

static size_t
route_of(const struct pf_bound *b, const char *addr)
{
	struct ipaddr a;

	CHECK_INT_EQ(ipaddr_parse(addr, &a), 0);
	return pf_route_lookup(b, &a);
}

TEST(pf_bind_example_routes)
{
	struct pf_site *ps = fixture_example_pf();
	struct site *site = ps != NULL ? ps->site : NULL;
	const struct pf_bound *b;
	const struct pf_route *r;
	char buf[IPADDR_STRLEN];
	size_t i, k;
	struct ipaddr a;

	if (site == NULL)
		return;
	b = pf_site_bound(ps, site_server(site, "a"));
	for (i = 1; i < b->nroutes; i++)
		CHECK(b->routes[i - 1].dst.len >= b->routes[i].dst.len);
	r = &b->routes[b->nroutes - 1];
	CHECK_INT_EQ(r->dst.len, 0);
	CHECK(r->has_gateway);
	CHECK_STR_EQ(ipaddr_format(&r->gateway, buf), "192.0.2.1");
	CHECK_STR_EQ(b->ifaces[r->iface].name, "xnic");

	k = route_of(b, "10.0.2.20");
	CHECK(k != NO_INDEX && !b->routes[k].has_gateway);
	CHECK_STR_EQ(b->ifaces[b->routes[k].iface].name, "xbridge");
	k = route_of(b, "203.0.113.10");
	CHECK_INT_EQ(k, b->nroutes - 1);
	k = route_of(b, "192.168.56.41");
	CHECK_STR_EQ(b->ifaces[b->routes[k].iface].name, "inic");
	k = route_of(b, "127.0.0.1");
	CHECK_STR_EQ(b->ifaces[b->routes[k].iface].name, "lo0");
	k = route_of(b, "2001:db8::1");
	CHECK(k == NO_INDEX);

	CHECK_INT_EQ(ipaddr_parse("192.0.2.155", &a), 0);
	CHECK(pf_bound_is_local(b, &a));
	CHECK_INT_EQ(ipaddr_parse("192.0.2.165", &a), 0);
	CHECK(!pf_bound_is_local(b, &a));
	CHECK(pf_bound_is_local(pf_site_bound(ps, site_server(site, "b")), &a));
	CHECK_INT_EQ(ipaddr_parse("10.0.2.20", &a), 0);
	CHECK(!pf_bound_is_local(b, &a));	/* nginx_j's */
	pf_site_free(ps);
}

/* Bind ${text} to server a; return the diagnostics printed, or "OK". */
static char *
bind_text(const char *text, bool *bound)
{
	struct pf_site *ps = fixture_example_pf();
	struct site *site = ps != NULL ? ps->site : NULL;
	struct source *src;
	struct pf_bound *b;
	struct diags d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	*bound = false;
	if (site == NULL)
		return xstrdup("no site");
	src = source_new("pf.conf", text, strlen(text));
	diags_init(&d);
	b = pf_bind_source(site, site_server(site, "a"), src, &d);
	*bound = b != NULL;
	f = open_memstream(&buf, &len);
	diags_print(&d, f);
	fclose(f);
	pf_bound_free(b);
	diags_free(&d);
	pf_site_free(ps);
	if (len == 0) {
		free(buf);
		return xstrdup("OK");
	}
	return buf;
}

static void
check_bind(const char *text, bool want_bound, const char *want_sub)
{
	bool bound;
	char *got = bind_text(text, &bound);

	CHECK_INT_EQ(bound, want_bound);
	if (strstr(got, want_sub) == NULL)
		test_fail(__FILE__, __LINE__, "diagnostics of \"%s\":\n%s\n"
		    "  want: %s", text, got, want_sub);
	free(got);
}

TEST(pf_bind_errors)
{
	check_bind("pass on xnic\n", true, "OK");
	check_bind("pass on ynic\n", false,
	    "pf.conf:1:9: error: interface ynic does not exist on server a");
	check_bind("pass on ! ynic\n", false, "interface ynic does not exist");
	check_bind("ext = \"ynic\"\npass on $ext\n", false,
	    "note: the value comes from this macro");
	check_bind("pass on ngx_b\n", false,
	    "note: ngx_b is handed to jail nginx_j");
	check_bind("pass from ynic\n", false,
	    "pf.conf:1:11: error: no IP address found for ynic");
	check_bind("pass from ipg_a\n", false, "no IP address found for ipg_a");
	check_bind("pass from (ipg_a)\n", true, "OK");
	check_bind("pass from (ynic:0)\n", false,
	    "interface ynic does not exist on server a");
	check_bind("pass to xnic:network\n", true, "OK");
	/* xnic's addresses are IPv4 only: pfctl's words. */
	check_bind("pass inet6 to xnic\n", false,
	    "error: rule expands to no valid combination");
	check_bind("nat on xnic from any -> (ynic:0)\n", false,
	    "interface ynic does not exist");
	check_bind("rdr on xnic proto tcp to port 80 -> ynic\n", false,
	    "no IP address found for ynic");
	check_bind("table <t> { ynic }\npass from <t>\n", false,
	    "no IP address found for ynic");
	check_bind("table <t> { xnic 10.1/16 !10.1.2.3 }\npass from <t>\n",
	    true, "OK");
	check_bind("table <t> file \"/etc/nosuch\"\npass from <t>\n", false,
	    "error: cannot load \"/etc/nosuch\"");
	/* A relative path is read beside pf.conf, in /etc of the view. */
	check_bind("table <t> file \"ips_stripe\"\npass from <t>\n", true,
	    "OK");
	check_bind("table <t> file \"nosuch\"\npass from <t>\n", false,
	    "note: a relative path is read from the directory of pf.conf: "
	    "/etc/nosuch");
	check_bind("table <t> file \"etc/ips_stripe\"\npass from <t>\n", false,
	    "note: /etc/ips_stripe exists: write file \"/etc/ips_stripe\"");
	check_bind("table <t> file \"../etc/ips_stripe\"\npass from <t>\n",
	    false, "cannot load \"../etc/ips_stripe\": a \".\" or \"..\" "
	    "part is refused");
	check_bind("table <t> file \"/etc\"\npass from <t>\n", false,
	    "cannot load \"/etc\": Is a directory");
	/* Host names come from the server's /etc/hosts (FreeBSD's default
	   here: the example has none), one rule per address. */
	check_bind("pass from localhost\n", true, "OK");
	check_bind("pass from nosuchhost\n", false,
	    "pf.conf:1:11: error: no IP address found for nosuchhost");
	check_bind("pass from nosuchhost\n", false,
	    "note: nosuchhost is no interface of server a nor a name in its "
	    "/etc/hosts (jailnet never asks the DNS)");
	check_bind("pass from <undef>\n", true,
	    "warning: table <undef> is not defined; pf creates it empty");
	check_bind("pass keep state (max-src-conn 3, overload <bad>)\n", true,
	    "OK");
	check_bind("set skip on ynic\npass\n", true,
	    "warning: set skip on ynic: no such interface on server a");
	check_bind("pass on\n", false, "error:");
}

/* The rules and tables pf.conf ${text} gives on server a, as printed. */
static char *
printed(const char *text)
{
	struct site *site = fixture_example();
	struct source *src = source_new("pf.conf", text, strlen(text));
	struct strbuf sb = { 0 };
	struct pf_bound *b;
	struct diags d;

	if (site == NULL)
		return xstrdup("NO SITE");
	diags_init(&d);
	b = pf_bind_source(site, site_server(site, "a"), src, &d);
	if (b != NULL)
		pf_print(b->rs, &sb);
	else
		strbuf_adds(&sb, "ERROR");
	pf_bound_free(b);
	diags_free(&d);
	site_free(site);
	return sb.s ? strbuf_steal(&sb) : xstrdup("");
}

TEST(pf_bind_host_names)
{
	char *s;

	s = printed("pass in from localhost to any\n");
	CHECK_STR_EQ(s, "pass in inet6 from ::1 to any flags S/SA "
	    "keep state\npass in inet from 127.0.0.1 to any flags S/SA "
	    "keep state\n");
	free(s);
	/* An inet rule keeps the IPv4 address only; "/len" and "!" apply
	   to each address; a table holds them all. */
	s = printed("table <t> { localhost }\n"
	    "block in inet from ! localhost/8 to <t>\n");
	CHECK(strstr(s, "table <t> { ::1 127.0.0.1 }\n") != NULL);
	CHECK(strstr(s, "block drop in inet from ! 127.0.0.0/8 to <t>\n") !=
	    NULL);
	CHECK(strstr(s, "::1 to") == NULL);
	free(s);
	/* An interface prints as its addresses, as pfctl prints it, but
	   "(xnic)" and a negated "! xnic" stay as written. */
	s = printed("rdr on xnic proto tcp to port 80 -> xbridge\n"
	    "pass in from xnic to (xnic)\n"
	    "pass in from ! xnic:network\n");
	CHECK(strstr(s, "pass in inet from 192.0.2.155 to (xnic) ") != NULL);
	CHECK(strstr(s, "from ! xnic:network to any") != NULL);
	CHECK(strstr(s, "-> 10.0.2.1") != NULL);
	free(s);
}

TEST(pf_table_path_relative_to_pf_conf)
{
	struct site *site = fixture_example();
	const struct server *srv;
	char *p;

	if (site == NULL)
		return;
	srv = site_server(site, "a");
	p = pf_table_path(srv, "/etc/ips_stripe");
	CHECK_STR_EQ(p, "/etc/ips_stripe");
	free(p);
	p = pf_table_path(srv, "ips_stripe");
	CHECK_STR_EQ(p, "/etc/ips_stripe");
	free(p);
	p = pf_table_path(srv, "etc/ips_stripe");
	CHECK_STR_EQ(p, "/etc/etc/ips_stripe");
	free(p);
	site_free(site);
}

TEST(pf_bind_source_tables_and_skip)
{
	struct site *site = fixture_example();
	const char *text = "set skip on { lo0 ipg_a }\n"
	    "table <t> { xnic 10.1/16 !10.1.2.3 }\n"
	    "pass from <t> to <undef> keep state "
	    "(max-src-conn 3, overload <bad>)\n";
	struct source *src;
	struct pf_bound *b;
	const struct pf_bound_table *t;
	struct diags d;
	char *s;

	if (site == NULL)
		return;
	src = source_new("pf.conf", text, strlen(text));
	diags_init(&d);
	b = pf_bind_source(site, site_server(site, "b"), src, &d);
	CHECK(b != NULL);
	if (b != NULL) {
		CHECK(b->ifaces[0].skip);
		CHECK(b->ifaces[pf_bound_iface(b, "ipg_a")].skip);
		CHECK(!b->ifaces[pf_bound_iface(b, "xnic")].skip);
		t = pf_bound_table(b, "t");
		s = table_text(t);
		CHECK_STR_EQ(s, "192.0.2.165/32 10.1.0.0/16 !10.1.2.3/32");
		free(s);
		t = pf_bound_table(b, "undef");
		CHECK(t != NULL && t->def == NULL && !t->is_dynamic);
		t = pf_bound_table(b, "bad");
		CHECK(t != NULL && t->def == NULL && t->is_dynamic);
		CHECK_INT_EQ(b->ntables, 3);
	}
	CHECK_INT_EQ(d.nwarnings, 1);
	pf_bound_free(b);
	diags_free(&d);
	site_free(site);
}
