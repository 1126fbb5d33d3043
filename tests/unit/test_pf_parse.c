/*
 * Tests of the pf.conf parser and printer: each construct, each error with
 * its exact position, the tree's fields, table files, and the golden files
 * of tests/golden/pf (run from the repository's root; JAILNET_REGEN=1
 * rewrites the expected files).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "pf/pf.h"
#include "test.h"

/* A parsed text, its printed form and its diagnostics. */
struct parsed {
	struct source *src;
	struct pf_ruleset *rs;
	struct diags d;
	char *printed;
	char *diag_text;
};

static char *
diags_text(const struct diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	diags_print(d, f);
	fclose(f);
	return buf;
}

static void
parse_text(struct parsed *p, const char *name, const char *text)
{
	struct strbuf sb = { 0 };

	p->src = source_new(name, text, strlen(text));
	diags_init(&p->d);
	p->rs = pf_parse(p->src, &p->d);
	pf_print(p->rs, &sb);
	p->printed = strbuf_steal(&sb);
	p->diag_text = diags_text(&p->d);
}

static void
parsed_free(struct parsed *p)
{
	pf_ruleset_free(p->rs);
	diags_free(&p->d);
	source_free(p->src);
	free(p->printed);
	free(p->diag_text);
}

/* Print, parse the printed text and print again: the same text. */
static int
fixed_point(const char *printed)
{
	struct parsed again;
	int ok;

	parse_text(&again, "printed.conf", printed);
	ok = again.d.nerrors == 0 && strcmp(again.printed, printed) == 0;
	if (!ok)
		printf("  not a fixed point:\n%s--- reprinted:\n%s%s", printed,
		    again.printed, again.diag_text);
	parsed_free(&again);
	return ok;
}

/* Each input prints as the expected text, without diagnostics. */
struct print_case {
	const char *in;
	const char *out;
};

static void
check_prints(const struct print_case *cases, size_t n)
{
	struct parsed p;
	size_t i;

	for (i = 0; i < n; i++) {
		parse_text(&p, "t.conf", cases[i].in);
		if (p.d.n != 0)
			printf("  input: %s\n%s", cases[i].in, p.diag_text);
		CHECK_INT_EQ(p.d.n, 0);
		CHECK_STR_EQ(p.printed, cases[i].out);
		CHECK(fixed_point(p.printed));
		parsed_free(&p);
	}
}

/* Each input's first error is the message at line:col. */
struct error_case {
	const char *in;
	unsigned line, col;
	const char *msg;
};

static void
check_errors(const struct error_case *cases, size_t n)
{
	struct parsed p;
	size_t i, j;

	for (i = 0; i < n; i++) {
		parse_text(&p, "t.conf", cases[i].in);
		for (j = 0; j < p.d.n; j++)
			if (p.d.v[j].severity == DIAG_ERROR)
				break;
		if (j == p.d.n) {
			printf("  no error for: %s\n", cases[i].in);
			CHECK(j < p.d.n);
		} else {
			if (strcmp(p.d.v[j].msg, cases[i].msg) != 0 ||
			    p.d.v[j].line != cases[i].line ||
			    p.d.v[j].col != cases[i].col)
				printf("  input: %s\n%s", cases[i].in,
				    p.diag_text);
			CHECK_STR_EQ(p.d.v[j].msg, cases[i].msg);
			CHECK_INT_EQ(p.d.v[j].line, cases[i].line);
			CHECK_INT_EQ(p.d.v[j].col, cases[i].col);
		}
		parsed_free(&p);
	}
}


TEST(pf_macros)
{
	static const struct print_case cases[] = {
		{ "a = \"10.0.2.20\"\npass in from $a\n",
		  "a = \"10.0.2.20\"\n"
		  "pass in inet from 10.0.2.20 to any flags S/SA keep state\n" },
		/* A token runs from a macro into the file. */
		{ "ext = \"xnic\"\npass in from $ext:network to $ext\n",
		  "ext = \"xnic\"\n"
		  "pass in from xnic:network to xnic flags S/SA keep state\n" },
		/* Lists in macros; words and numbers joined by spaces. */
		{ "p = \"{ 443 80 }\"\nn = 010 x\n"
		  "pass in proto tcp to port $p\n",
		  "p = \"{ 443 80 }\"\nn = \"10 x\"\n"
		  "pass in proto tcp from any to any port = https flags S/SA "
		  "keep state\n"
		  "pass in proto tcp from any to any port = http flags S/SA "
		  "keep state\n" },
		/* A later definition replaces the value for later rules. */
		{ "a = \"1.1.1.1\"\npass from $a\na = \"2.2.2.2\"\npass from $a\n",
		  "a = \"1.1.1.1\"\na = \"2.2.2.2\"\n"
		  "pass inet from 1.1.1.1 to any flags S/SA keep state\n"
		  "pass inet from 2.2.2.2 to any flags S/SA keep state\n" },
		/* Macros are not expanded in quotes; quotes are escaped. */
		{ "q = 'say \"hi\"'\npass all label \"$q\"\n",
		  "q = \"say \\\"hi\\\"\"\n"
		  "pass all flags S/SA keep state label \"$q\"\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_macro_locations)
{
	struct parsed p;
	const struct pf_rule *r;

	parse_text(&p, "t.conf", "web = \"10.0.2.20\"\n"
	    "pass in proto tcp to $web port 80\n");
	CHECK_INT_EQ(p.d.n, 0);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].n, 1);
	r = &p.rs->rules[PF_RS_FILTER].v[0];
	/* The address is at the use of the macro ... */
	CHECK_INT_EQ(r->dst.loc.line, 2);
	CHECK_INT_EQ(r->dst.loc.col, 22);
	CHECK_INT_EQ(r->dst.loc.len, 4);
	/* ... and its value in the definition. */
	CHECK_INT_EQ(r->dst.macro_loc.line, 1);
	CHECK_INT_EQ(r->dst.macro_loc.col, 8);
	CHECK_INT_EQ(r->dst.macro_loc.len, 9);
	CHECK_INT_EQ(r->dst_port.loc.col, 32);
	CHECK(r->dst_port.macro_loc.src == NULL);
	CHECK_INT_EQ(r->loc.line, 2);
	CHECK_INT_EQ(r->loc.col, 1);
	CHECK(p.rs->macros[0].used);
	parsed_free(&p);
}

TEST(pf_lexing)
{
	static const struct print_case cases[] = {
		/* Backslash-newline joins lines, even inside a word. */
		{ "pass in \\\n  qu\\\nick all\n",
		  "pass in quick all flags S/SA keep state\n" },
		/* Comments; a comment's backslash continues it. */
		{ "# a comment \\\npass out all\npass in all # end\n",
		  "pass in all flags S/SA keep state\n" },
		/* Newlines inside braces. */
		{ "pass in on {\n em0\n em1 } all\n",
		  "pass in on em0 all flags S/SA keep state\n"
		  "pass in on em1 all flags S/SA keep state\n" },
		/* Commas are optional. */
		{ "pass proto { tcp, udp } to port { 1, 2 }\n",
		  "pass proto tcp from any to any port = tcpmux flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port = compressnet flags "
		  "S/SA keep state\n"
		  "pass proto udp from any to any port = tcpmux keep state\n"
		  "pass proto udp from any to any port = compressnet keep "
		  "state\n" },
		{ "", "" },
		{ "\n\n# only comments\n", "" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_expansion_order)
{
	static const struct print_case cases[] = {
		/* interface, proto, source, source port, destination,
		   destination port */
		{ "pass on { a b } proto { tcp udp } from { 1.1.1.1 2.2.2.2 } "
		  "port { 1 2 } to { 3.3.3.3 4.4.4.4 } port { 5 6 } no state\n",
		  NULL },
	};
	struct parsed p;
	const struct pf_rules *rules;
	char buf[IPADDR_STRLEN];

	parse_text(&p, "t.conf", cases[0].in);
	rules = &p.rs->rules[PF_RS_FILTER];
	CHECK_INT_EQ(p.d.n, 0);
	CHECK_INT_EQ(rules->n, 64);
	if (rules->n == 64) {
		CHECK_STR_EQ(rules->v[0].ifspec.name, "a");
		CHECK_STR_EQ(rules->v[32].ifspec.name, "b");
		CHECK_INT_EQ(rules->v[16].proto, 17);
		CHECK_STR_EQ(ipaddr_format(&rules->v[8].src.prefix.addr, buf),
		    "2.2.2.2");
		CHECK_INT_EQ(rules->v[4].src_port.a, 2);
		CHECK_STR_EQ(ipaddr_format(&rules->v[2].dst.prefix.addr, buf),
		    "4.4.4.4");
		CHECK_INT_EQ(rules->v[1].dst_port.a, 6);
		CHECK_INT_EQ(rules->v[63].nr, 63);
	}
	CHECK(fixed_point(p.printed));
	parsed_free(&p);
}

TEST(pf_addresses)
{
	static const struct print_case cases[] = {
		{ "pass from 10.0.2/24 to 10/8\n",
		  "pass inet from 10.0.2.0/24 to 10.0.0.0/8 flags S/SA keep "
		  "state\n" },
		{ "pass from 10.0.2.77/24 to 10.1.2.3/8\n",
		  "pass inet from 10.0.2.0/24 to 10.0.0.0/8 flags S/SA keep "
		  "state\n" },
		{ "pass from 2001:db8::1/32 to fe80::/10\n",
		  "pass inet6 from 2001:db8::/32 to fe80::/10 flags S/SA keep "
		  "state\n" },
		{ "pass from ! 10.0.0.1 to ! <t>\n",
		  "pass inet from ! 10.0.0.1 to ! <t> flags S/SA keep state\n" },
		{ "pass from 10.0.0.1 - 10.0.0.9 to self\n",
		  "pass inet from 10.0.0.1 - 10.0.0.9 to self flags S/SA keep "
		  "state\n" },
		{ "pass from xnic:broadcast to xnic:peer:0\n",
		  "pass from xnic:broadcast to xnic:peer:0 flags S/SA keep "
		  "state\n" },
		{ "pass from xnic/24 to (xnic:network)\n",
		  "pass from xnic/24 to (xnic:network) flags S/SA keep state\n" },
		{ "pass inet from (xnic)/32 to (xnic)/24\n",
		  "pass inet from (xnic) to (xnic)/24 flags S/SA keep state\n" },
		{ "pass from (xnic)/32 to any\n",
		  "pass from (xnic)/32 to any flags S/SA keep state\n" },
		{ "block from { no-route ! urpf-failed any }\n",
		  "block drop from no-route to any\n"
		  "block drop from ! urpf-failed to any\n" },
		{ "pass from 0.0.0.0/0\n", "pass inet all flags S/SA keep "
		  "state\n" },
		/* Families that disagree leave combinations out. */
		{ "pass from { 10.0.0.1 ::1 } to { 10.0.0.2 ::2 }\n",
		  "pass inet from 10.0.0.1 to 10.0.0.2 flags S/SA keep state\n"
		  "pass inet6 from ::1 to ::2 flags S/SA keep state\n" },
		{ "pass inet6 from { 10.0.0.1 ::1 }\n",
		  "pass inet6 from ::1 to any flags S/SA keep state\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_short_form_warning)
{
	struct parsed p;

	parse_text(&p, "t.conf", "pass from 10.0.2 to 127.1\n");
	CHECK_INT_EQ(p.d.nerrors, 0);
	CHECK_INT_EQ(p.d.nwarnings, 2);
	CHECK_STR_EQ(p.printed, "pass inet from 10.0.0.2 to 127.0.0.1 flags "
	    "S/SA keep state\n");
	CHECK_STR_EQ(p.d.v[0].msg, "'10.0.2' is read as 10.0.0.2, as "
	    "inet_aton(3) reads it");
	CHECK_INT_EQ(p.d.v[0].col, 11);
	parsed_free(&p);
}

TEST(pf_ports)
{
	static const struct print_case cases[] = {
		{ "pass proto tcp to port { = 22, != 80, < 1024, <= 1024, "
		  "> 1023, >= 1024 }\n",
		  "pass proto tcp from any to any port = ssh flags S/SA keep "
		  "state\n"
		  "pass proto tcp from any to any port != http flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port < 1024 flags S/SA keep "
		  "state\n"
		  "pass proto tcp from any to any port <= 1024 flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port > 1023 flags S/SA keep "
		  "state\n"
		  "pass proto tcp from any to any port >= 1024 flags S/SA "
		  "keep state\n" },
		{ "pass proto tcp to port { 1000:2000 80><90 80<>90 5:5 }\n",
		  "pass proto tcp from any to any port 1000:2000 flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port 80 >< 90 flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port 80 <> 90 flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port = rje flags S/SA keep "
		  "state\n" },
		/* Names, in tcp then udp; printed per protocol. */
		{ "pass proto { tcp udp } to port { www submission "
		  "postgresql 465 512 }\n",
		  "pass proto tcp from any to any port = http flags S/SA keep "
		  "state\n"
		  "pass proto tcp from any to any port = submission flags "
		  "S/SA keep state\n"
		  "pass proto tcp from any to any port = postgresql flags "
		  "S/SA keep state\n"
		  "pass proto tcp from any to any port = smtps flags S/SA "
		  "keep state\n"
		  "pass proto tcp from any to any port = exec flags S/SA keep "
		  "state\n"
		  "pass proto udp from any to any port = http keep state\n"
		  "pass proto udp from any to any port = submission keep "
		  "state\n"
		  "pass proto udp from any to any port = postgresql keep "
		  "state\n"
		  "pass proto udp from any to any port = smtps keep state\n"
		  "pass proto udp from any to any port = biff keep state\n" },
		{ "pass proto tcp from port ssh:http\n",
		  "pass proto tcp from any port 22:80 to any flags S/SA keep "
		  "state\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_filter_rules)
{
	static const struct print_case cases[] = {
		{ "block all\n", "block drop all\n" },
		{ "set block-policy return\nblock in all\nblock drop out all\n",
		  "set block-policy return\nblock return in all\n"
		  "block drop out all\n" },
		{ "block return-rst proto tcp all\n"
		  "block return-rst(ttl 5) proto tcp all\n",
		  "block return-rst proto tcp all\n"
		  "block return-rst(ttl 5) proto tcp all\n" },
		{ "block return-icmp proto udp all\n"
		  "block return-icmp(net-unr) inet proto udp all\n"
		  "block return-icmp(host-unr, 3) proto udp all\n"
		  "block return-icmp6 inet6 proto udp all\n",
		  "block return-icmp(port-unr, port-unr) proto udp all\n"
		  "block return-icmp(net-unr) inet proto udp all\n"
		  "block return-icmp(host-unr, addr-unr) proto udp all\n"
		  "block return-icmp6(port-unr) inet6 proto udp all\n" },
		{ "pass in log quick on ! em0 inet proto tcp all\n"
		  "pass out quick log (all, user, to pflog2) all\n",
		  "pass in log quick on ! em0 inet proto tcp all flags S/SA "
		  "keep state\n"
		  "pass out log (all, user, to pflog2) quick all flags S/SA "
		  "keep state\n" },
		{ "pass all no state\npass proto tcp all flags any\n"
		  "pass proto tcp all flags A/SA modulate state\n"
		  "pass proto udp all synproxy state\n"
		  "pass proto tcp all flags /SAFR synproxy state\n",
		  "pass all no state\n"
		  "pass proto tcp all flags any keep state\n"
		  "pass proto tcp all flags A/SA modulate state\n"
		  "pass proto udp all keep state\n"
		  "pass proto tcp all flags /FSRA synproxy state\n" },
		{ "pass inet proto icmp icmp-type { echoreq unreach code "
		  "needfrag 42 code 3 }\n",
		  "pass inet proto icmp all icmp-type echoreq keep state\n"
		  "pass inet proto icmp all icmp-type unreach code needfrag "
		  "keep state\n"
		  "pass inet proto icmp all icmp-type 42 code 3 keep state\n" },
		{ "pass inet6 proto icmp6 icmp6-type neighbrsol\n",
		  "pass inet6 proto ipv6-icmp all icmp6-type neighbrsol keep "
		  "state\n" },
		{ "pass proto 253 all fragment allow-opts label \"x\"\n",
		  "pass proto 253 all keep state fragment allow-opts label "
		  "\"x\"\n" },
		{ "pass in fastroute all\n", "pass in all flags S/SA keep "
		  "state\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_state_options)
{
	static const struct print_case cases[] = {
		{ "pass proto tcp to port 443 keep state (max-src-conn-rate "
		  "100/10, overload <rl> flush global)\n",
		  "pass proto tcp from any to any port = https flags S/SA "
		  "keep state (source-track rule, max-src-conn-rate 100/10, "
		  "overload <rl> flush global, src.track 10)\n" },
		{ "pass all keep state (max 1000, no-sync, sloppy, "
		  "tcp.established 100)\n",
		  "pass all flags S/SA keep state (max 1000, no-sync, sloppy, "
		  "tcp.established 100, adaptive.start 600, adaptive.end "
		  "1200)\n" },
		{ "pass all keep state (max 5, adaptive.start 1 "
		  "adaptive.end 2)\n",
		  "pass all flags S/SA keep state (max 5, adaptive.start 1, "
		  "adaptive.end 2)\n" },
		{ "pass all keep state (source-track, max-src-states 3, "
		  "max-src-conn 10 max-src-nodes 5 overload <t> flush, "
		  "floating)\n",
		  "pass all flags S/SA keep state (source-track rule, "
		  "max-src-states 3, max-src-conn 10, max-src-nodes 5, "
		  "overload <t> flush)\n" },
		{ "pass all keep state (source-track global, max-src-states "
		  "3, src.track 30)\n",
		  "pass all flags S/SA keep state (source-track global, "
		  "max-src-states 3, src.track 30)\n" },
		{ "set state-policy if-bound\npass all\npass all keep state "
		  "(floating)\npass all no state\n",
		  "set state-policy if-bound\n"
		  "pass all flags S/SA keep state (if-bound)\n"
		  "pass all flags S/SA keep state (floating)\n"
		  "pass all no state\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_state_fields)
{
	struct parsed p;
	const struct pf_rule *r;

	parse_text(&p, "t.conf", "pass in on xnic proto tcp keep state "
	    "(max-src-conn-rate 100/10, overload <ratelimit> flush global)\n");
	CHECK_INT_EQ(p.d.n, 0);
	r = &p.rs->rules[PF_RS_FILTER].v[0];
	CHECK_INT_EQ(r->keep, PF_KEEP_STATE);
	CHECK_INT_EQ(r->flags, PF_TH_SYN);
	CHECK_INT_EQ(r->flagset, PF_TH_SYN | PF_TH_ACK);
	CHECK_INT_EQ(r->state.max_src_conn_rate, 100);
	CHECK_INT_EQ(r->state.max_src_conn_secs, 10);
	CHECK_INT_EQ(r->state.src_track, PF_SRCTRACK_RULE);
	CHECK_STR_EQ(r->state.overload, "ratelimit");
	CHECK_INT_EQ(r->state.overload_loc.col, 75);
	CHECK(r->state.flush && r->state.flush_global);
	CHECK_INT_EQ(r->state.timeout[PF_TM_SRC_TRACK], 10);
	CHECK_INT_EQ(r->dir, PF_DIR_IN);
	CHECK_STR_EQ(r->ifspec.name, "xnic");
	CHECK_INT_EQ(r->proto, 6);
	parsed_free(&p);
}

TEST(pf_options)
{
	static const struct print_case cases[] = {
		{ "set skip on lo0\nset skip on { lo0 em0 }\nset skip on none\n",
		  "set skip on { lo0 }\nset skip on { lo0 em0 }\n"
		  "set skip on none\n" },
		{ "set timeout { tcp.established 3600, udp.first 60 }\n"
		  "set timeout interval 10\nset limit { states 10000 frags 50 }\n"
		  "set optimization aggressive\nset ruleset-optimization none\n"
		  "set require-order no\nset state-policy floating\n",
		  "set timeout tcp.established 3600\nset timeout udp.first 60\n"
		  "set timeout interval 10\nset limit states 10000\n"
		  "set limit frags 50\nset optimization aggressive\n"
		  "set require-order no\nset state-policy floating\n" },
	};
	struct parsed p;

	check_prints(cases, NELEM(cases));
	parse_text(&p, "t.conf", "set skip on lo0\nset skip on { em0 em1 }\n");
	CHECK_INT_EQ(p.rs->nskip, 3);
	parsed_free(&p);
	parse_text(&p, "t.conf", "set skip on lo0\nset skip on none\n");
	CHECK_INT_EQ(p.rs->nskip, 0);
	parsed_free(&p);
	/* Without require-order, any order goes. */
	parse_text(&p, "t.conf", "set require-order no\npass all\n"
	    "nat on em0 from any to any -> 1.2.3.4\n");
	CHECK_INT_EQ(p.d.n, 0);
	parsed_free(&p);
}

TEST(pf_tables)
{
	static const struct print_case cases[] = {
		{ "table <a>\ntable <b> persist\ntable <c> { }\n"
		  "table <d> counters persist const { 10/8, !10.1.2.3 "
		  "2001:db8::/32 xnic self } file \"/etc/x\" { 1.1.1.1 } "
		  "{ 2.2.2.2 }\n",
		  "table <a>\ntable <b> persist\ntable <c> { }\n"
		  "table <d> const persist counters { 10.0.0.0/8 !10.1.2.3 "
		  "2001:db8::/32 xnic self } file \"/etc/x\" { 1.1.1.1 "
		  "2.2.2.2 }\n" },
		{ "table <e> file \"/etc/a\" file \"/etc/b\"\n",
		  "table <e> file \"/etc/a\" file \"/etc/b\"\n" },
	};
	struct parsed p;
	const struct pf_table *t;

	check_prints(cases, NELEM(cases));
	parse_text(&p, "t.conf", "table <x> file \"/etc/ips\"\n");
	t = pf_ruleset_table(p.rs, "x");
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT_EQ(t->ninits, 1);
		CHECK_STR_EQ(t->inits[0].file, "/etc/ips");
		CHECK_INT_EQ(t->inits[0].loc.col, 16);
		CHECK(t->has_init);
	}
	CHECK(pf_ruleset_table(p.rs, "y") == NULL);
	parsed_free(&p);
}

TEST(pf_scrub)
{
	static const struct print_case cases[] = {
		{ "scrub in all fragment reassemble no-df\n",
		  "scrub in all no-df fragment reassemble\n" },
		{ "scrub on em0 all random-id min-ttl 5 max-mss 1440 "
		  "reassemble tcp\nscrub out log all fragment crop\n"
		  "no scrub in from 10.0.0.1\n",
		  "scrub on em0 all random-id min-ttl 5 max-mss 1440 "
		  "reassemble tcp fragment reassemble\n"
		  "scrub out log all fragment reassemble\n"
		  "no scrub in inet from 10.0.0.1 to any\n" },
	};

	check_prints(cases, NELEM(cases));
}

TEST(pf_translation)
{
	static const struct print_case cases[] = {
		{ "nat on xnic from 10.0.2/24 -> (xnic:0)\n",
		  "nat on xnic inet from 10.0.2.0/24 to any -> (xnic:0) "
		  "round-robin\n" },
		/* A numbered interface's first address needs no pool. */
		{ "nat on em0 from 10.0.2/24 -> (em0:0)\n",
		  "nat on em0 inet from 10.0.2.0/24 to any -> (em0:0)\n" },
		{ "nat pass log on em0 inet from 10.0.2.0/24 to ! 10/8 -> "
		  "192.0.2.1 port 1024:65535\n"
		  "nat on em0 from 10.0.3/24 -> { 192.0.2.1, 192.0.2.2 } "
		  "static-port sticky-address\n"
		  "nat on em0 from 10.0.4/24 -> 192.0.2.1 port 2000\n"
		  "nat on em0 from 10.0.5/24 -> <pool>\n"
		  "no nat on em0 from 10.0.2.5\n",
		  "nat pass log on em0 inet from 10.0.2.0/24 to ! 10.0.0.0/8 "
		  "-> 192.0.2.1 port 1024:65535\n"
		  "nat on em0 inet from 10.0.3.0/24 to any -> { 192.0.2.1, "
		  "192.0.2.2 } round-robin sticky-address static-port\n"
		  "nat on em0 inet from 10.0.4.0/24 to any -> 192.0.2.1 port "
		  "2000\n"
		  "nat on em0 inet from 10.0.5.0/24 to any -> <pool> "
		  "round-robin\n"
		  "no nat on em0 inet from 10.0.2.5 to any\n" },
		{ "rdr pass on em0 proto tcp to port 8000:8010 -> 10.0.2.20 "
		  "port 9000:*\n"
		  "rdr on em0 proto tcp to port 80 -> 10.0.2.20 port 8080:*\n"
		  "rdr on em0 proto { tcp udp } to port 53 -> 10.0.2.53\n"
		  "rdr on em0 proto tcp from <peers> to port 2220 -> 10.0.2.20 "
		  "port 22\n"
		  "no rdr on em0 from 10.0.0.1\n",
		  "rdr pass on em0 inet proto tcp from any to any port "
		  "8000:8010 -> 10.0.2.20 port 9000:9010\n"
		  "rdr on em0 inet proto tcp from any to any port = http -> "
		  "10.0.2.20 port 8080:8000\n"
		  "rdr on em0 inet proto tcp from any to any port = domain -> "
		  "10.0.2.53\n"
		  "rdr on em0 inet proto udp from any to any port = domain -> "
		  "10.0.2.53\n"
		  "rdr on em0 inet proto tcp from <peers> to any port = 2220 "
		  "-> 10.0.2.20 port 22\n"
		  "no rdr on em0 inet from 10.0.0.1 to any\n" },
		{ "binat on em0 from 10.0.2.20 to any -> 192.0.2.20\n"
		  "binat pass on em0 inet6 from 2001:db8::/64 -> 2001:db8:1::/64\n"
		  "no binat on em0 from 10.0.2.21\n",
		  "binat on em0 inet from 10.0.2.20 to any -> 192.0.2.20\n"
		  "binat pass on em0 inet6 from 2001:db8::/64 to any -> "
		  "2001:db8:1::/64\n"
		  "no binat on em0 inet from 10.0.2.21 to any\n" },
	};
	struct parsed p;
	const struct pf_rule *r;

	check_prints(cases, NELEM(cases));
	parse_text(&p, "t.conf", "nat on em0 from 10.0.2/24 -> 192.0.2.1\n"
	    "rdr on em0 proto tcp to port 8000:8010 -> 10.0.2.20 port 9000:*\n");
	r = &p.rs->rules[PF_RS_NAT].v[0];
	CHECK_INT_EQ(r->rpool.port_lo, 50001);
	CHECK_INT_EQ(r->rpool.port_hi, 65535);
	CHECK_INT_EQ(r->rpool.naddrs, 1);
	CHECK_INT_EQ(r->rpool.type, PF_POOL_NONE);
	r = &p.rs->rules[PF_RS_RDR].v[0];
	CHECK_INT_EQ(r->rpool.port_lo, 9000);
	CHECK_INT_EQ(r->rpool.port_hi, 9010);
	CHECK_INT_EQ(r->dst_port.op, PF_PORT_RANGE);
	CHECK_INT_EQ(r->rpool.loc.col, 40);
	parsed_free(&p);
}

TEST(pf_antispoof)
{
	static const struct print_case cases[] = {
		{ "antispoof quick for xnic\n",
		  "block drop in quick on ! xnic from xnic:network to any\n"
		  "block drop in quick from xnic to any\n" },
		{ "set block-policy return\n"
		  "antispoof log for { lo0 (em0) } inet label \"spoof\"\n",
		  "set block-policy return\n"
		  "block drop in log on ! lo0 inet from lo0:network to any "
		  "label \"spoof\"\n"
		  "block drop in log on ! em0 inet from (em0:network) to any "
		  "label \"spoof\"\n"
		  "block drop in log inet from (em0) to any label \"spoof\"\n" },
	};
	struct parsed p;

	check_prints(cases, NELEM(cases));
	parse_text(&p, "t.conf", "antispoof for xnic\n");
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[0].origin,
	    PF_ORIGIN_ANTISPOOF_NET);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[1].origin,
	    PF_ORIGIN_ANTISPOOF_ADDR);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[0].src.kind, PF_ADDR_IFACE);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[0].src.ifmods,
	    PF_IFMOD_NETWORK);
	parsed_free(&p);
	/* A loopback interface has only the first rule (its own addresses
	   arrive on it); "lo" and "lo0x" are no loopback's names. */
	parse_text(&p, "t.conf", "antispoof for { lo1 lo lo0x }\n");
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].n, 5);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[0].origin,
	    PF_ORIGIN_ANTISPOOF_NET);
	CHECK_INT_EQ(p.rs->rules[PF_RS_FILTER].v[1].origin,
	    PF_ORIGIN_ANTISPOOF_NET);
	CHECK_STR_EQ(p.rs->rules[PF_RS_FILTER].v[1].ifspec.name, "lo");
	parsed_free(&p);
}

/* Label macros: each expanded rule's own values (tests/golden/pf/labels
   has every form); the expanded label is held to pfctl's length. */
TEST(pf_label_macros)
{
	static const struct print_case cases[] = {
		{ "pass in on xnic proto tcp from 1.2.3.4 to any "
		  "label \"$nr:$if:$proto:$srcaddr:$srcport:$dstaddr:"
		  "$dstport:\"\n",
		  "pass in on xnic inet proto tcp from 1.2.3.4 to any "
		  "flags S/SA keep state label "
		  "\"0:xnic:tcp:1.2.3.4::any::\"\n" },
		{ "block in on { a b } proto udp to port { 53 123 } "
		  "label \"$nr-$if-$dstport\"\n",
		  "block drop in on a proto udp from any to any port = domain "
		  "label \"0-a-53\"\n"
		  "block drop in on a proto udp from any to any port = ntp "
		  "label \"1-a-123\"\n"
		  "block drop in on b proto udp from any to any port = domain "
		  "label \"2-b-53\"\n"
		  "block drop in on b proto udp from any to any port = ntp "
		  "label \"3-b-123\"\n" },
		{ "pass from ! 10.1.0.0/16 label \"$srcaddr\"\n",
		  "pass inet from ! 10.1.0.0/16 to any flags S/SA keep state "
		  "label \"! 10.1.0.0/16\"\n" },
	};
	static const struct error_case errors[] = {
		{ "pass from 2001:db8:1:2:3:4:5:6 label "
		  "\"$srcaddr $srcaddr $srcaddr $srcaddr\"\n", 1, 38,
		  "expand_label: label too long" },
	};

	check_prints(cases, NELEM(cases));
	check_errors(errors, NELEM(errors));
}

TEST(pf_errors_lexical)
{
	static const struct error_case cases[] = {
		{ "pass in on $foo\n", 1, 12, "macro 'foo' not defined" },
		{ "a = \"1\"\npass from $a$b\n", 2, 11,
		  "could not parse host specification" },
		{ "pass in all; block all\n", 1, 9, "syntax error" },
		{ "pass in all ; block all\n", 1, 13, "syntax error" },
		{ "pass in \"unterminated\n", 1, 9,
		  "reached end of file while parsing quoted string" },
		{ "pass in all\r\n", 1, 12, "syntax error" },
		{ "pass proto tcp to port 99999999999999999999\n", 1, 24,
		  "\"99999999999999999999\" invalid number: too large" },
		{ "pass in all label a\\\\\n", 1, 19,
		  "a string ending in '\\' cannot be written in pf.conf" },
		{ "\"a b\" = 1\n", 1, 1, "macro name cannot contain whitespace" },
		{ "\"pass\" = 1\n", 1, 1, "invalid macro name 'pass'" },
		{ "x = \"1\" {\n", 1, 9, "syntax error" },
	};

	check_errors(cases, NELEM(cases));
}

TEST(pf_errors_statements)
{
	static const struct error_case cases[] = {
		{ "pss in all\n", 1, 1, "syntax error" },
		{ "pass in quik on xnic\n", 1, 9, "syntax error" },
		{ "pass all\nscrub in all\n", 2, 1, "Rules must be in order: "
		  "options, normalization, queueing, translation, filtering" },
		{ "pass all\nset block-policy drop\n", 2, 1, "Rules must be in "
		  "order: options, normalization, queueing, translation, "
		  "filtering" },
		{ "anchor \"foo\" {\n pass all\n}\n", 1, 14,
		  "an inline anchor ('{ ... }') is not supported by jailnet: "
		  "only an anchor that is empty at load, whose rules pfctl -a "
		  "adds at run time" },
		{ "pass all\nrdr-anchor \"rdr/*\"\n", 2, 1, "Rules must be "
		  "in order: options, normalization, queueing, translation, "
		  "filtering" },
		{ "altq on em0 cbq queue { a }\n", 1, 1,
		  "'altq' is not supported by jailnet" },
		{ "pass in route-to (em0 1.2.3.4) all\n", 1, 9,
		  "'route-to' is not supported by jailnet" },
		{ "pass in all tag foo bar\n", 1, 21, "syntax error" },
		{ "pass in all tag \"a b\"\n", 1, 17, "invalid tag name "
		  "'a b': pfctl prints it unquoted, so it must be a word" },
		{ "match in all keep state\n", 1, 14,
		  "keep state is great, but only for pass rules" },
		{ "pass in reply-to (em0 1.2.3.4) all\n", 1, 9,
		  "'reply-to' is not supported by jailnet" },
		{ "pass in dup-to (em0 1.2.3.4) all\n", 1, 9,
		  "'dup-to' is not supported by jailnet" },
		{ "ether pass in all\n", 1, 1,
		  "'ether' is not supported by jailnet" },
		{ "pass in all af-to inet6 from 2001:db8::1\n", 1, 13,
		  "'af-to' is not supported by jailnet" },
		{ "pass in proto tcp all divert-to 127.0.0.1 port 8080\n", 1,
		  23, "'divert-to' is not supported by jailnet" },
		{ "pass in all tos 0x10\n", 1, 13,
		  "'tos' is not supported by jailnet" },
		{ "pass in all group wheel\n", 1, 13,
		  "'group' is not supported by jailnet" },
		{ "pass in all prio 3\n", 1, 13,
		  "'prio' is not supported by jailnet" },
		{ "pass in all set prio 3\n", 1, 13,
		  "'set prio' is not supported by jailnet" },
		{ "pass in all probability 50%\n", 1, 13,
		  "'probability' is not supported by jailnet" },
		{ "pass in all once\n", 1, 13,
		  "'once' is not supported by jailnet" },
		{ "pass in all max-pkt-rate 100/10\n", 1, 13,
		  "'max-pkt-rate' is not supported by jailnet" },
		{ "pass in all max-pkt-size 1000\n", 1, 13,
		  "'max-pkt-size' is not supported by jailnet" },
		{ "pass in all keep state (pflow)\n", 1, 25,
		  "'pflow' is not supported by jailnet" },
		{ "pass in all received-on em0\n", 1, 13,
		  "'received-on' is not supported by jailnet" },
		{ "pass out all nat-to 192.0.2.1\n", 1, 14,
		  "'nat-to' is not supported by jailnet" },
		{ "pass in all rdr-to 10.0.0.1\n", 1, 13,
		  "'rdr-to' is not supported by jailnet" },
		{ "nat on em0 from any -> 192.0.2.1 endpoint-independent\n", 1,
		  34, "'endpoint-independent' is not supported by jailnet" },
		{ "nat on em0 from any -> 192.0.2.1 map-e-portset 6/8/0x34\n",
		  1, 34, "'map-e-portset' is not supported by jailnet" },
		{ "set hostid 1\n", 1, 5,
		  "'set hostid' is not supported by jailnet" },
		{ "pass in all user root\n", 1, 13,
		  "'user' is not supported by jailnet" },
		{ "pass in from any os \"Linux\"\n", 1, 18,
		  "'os' is not supported by jailnet" },
		{ "pass in all queue q\n", 1, 13,
		  "'queue' is not supported by jailnet" },
		{ "set loginterface em0\n", 1, 5,
		  "'set loginterface' is not supported by jailnet" },
		{ "set foo\n", 1, 5, "syntax error" },
		{ "set skip on ! lo0\n", 1, 13,
		  "skip on ! <interface> is not supported" },
		{ "set require-order maybe\n", 1, 19,
		  "invalid value 'maybe', expected 'yes' or 'no'" },
		{ "set timeout tcp.nope 5\n", 1, 13, "unknown timeout tcp.nope" },
		{ "set limit nope 5\n", 1, 11, "unable to set limit nope 5" },
		{ "set optimization fast\n", 1, 18, "unknown optimization fast" },
		{ "pass\nin all\n", 2, 1, "syntax error" },
		{ "pass in from { 1.2.3.4,\n 5.6.7.8 }\n", 1, 24,
		  "syntax error" },
	};

	check_errors(cases, NELEM(cases));
}

TEST(pf_errors_hosts_ports)
{
	static const struct error_case cases[] = {
		{ "pass in from 10.0.0.300\n", 1, 14,
		  "could not parse host specification" },
		{ "pass in from 10.0.0.1/33\n", 1, 14,
		  "could not parse host specification" },
		{ "pass in from xnic;\n", 1, 14,
		  "could not parse host specification" },
		{ "pass in from 10.0.0.1 - xnic\n", 1, 14,
		  "invalid address range" },
		{ "pass in from (1xnic)\n", 1, 15,
		  "invalid interface name '1xnic'" },
		{ "pass in from (xnic:foo)\n", 1, 15,
		  "interface xnic:foo has bad modifier" },
		{ "pass in from xnic:network:broadcast\n", 1, 14,
		  "illegal combination of interface modifiers" },
		{ "pass in from xnic:network/24\n", 1, 14, "network or "
		  "broadcast lookup, but extra netmask given" },
		{ "pass in from (xnic)/129\n", 1, 21, "bit number too big" },
		{ "pass in from <a_very_long_table_name_longer_than_31>\n",
		  1, 14, "table name 'a_very_long_table_name_longer_than_31' "
		  "too long" },
		{ "pass in on averyveryverylongifname\n", 1, 12,
		  "interface name too long" },
		{ "pass in to urpf-failed\n", 1, 12,
		  "\"urpf-failed\" is not permitted in a destination address" },
		{ "pass in from 10\n", 1, 14, "syntax error" },
		{ "pass proto tcp to port foo\n", 1, 24, "unknown port foo" },
		{ "pass proto tcp to port 70000\n", 1, 24,
		  "illegal port value 70000" },
		{ "pass proto tcp to port < 1:2\n", 1, 26,
		  "':' cannot be used with an other port operator" },
		{ "pass proto tcp to port 1:2 >< 3\n", 1, 24,
		  "':' cannot be used with an other port operator" },
		{ "pass to port 80\n", 1, 14, "port only applies to tcp/udp" },
		{ "pass proto icmp from port 80\n", 1, 27,
		  "port only applies to tcp/udp" },
		{ "pass proto foo\n", 1, 12, "unknown protocol foo" },
		{ "pass proto 256\n", 1, 12, "protocol outside range" },
		{ "pass proto 0\n", 1, 12, "proto 0 cannot be used" },
		{ "p = \"70000\"\npass proto tcp to port $p\n", 2, 24,
		  "illegal port value 70000" },
	};
	struct parsed p;

	check_errors(cases, NELEM(cases));
	/* A value from a macro: a note at its definition. */
	parse_text(&p, "t.conf", "p = \"70000\"\npass proto tcp to port $p\n");
	CHECK_INT_EQ(p.d.n, 2);
	if (p.d.n == 2) {
		CHECK_INT_EQ(p.d.v[1].severity, DIAG_NOTE);
		CHECK_INT_EQ(p.d.v[1].line, 1);
		CHECK_INT_EQ(p.d.v[1].col, 6);
	}
	parsed_free(&p);
}

TEST(pf_errors_rules)
{
	static const struct error_case cases[] = {
		{ "pass proto udp flags S/SA\n", 1, 16,
		  "flags only apply to tcp" },
		{ "pass proto tcp flags SA/S\n", 1, 16, "flags always false" },
		{ "pass proto tcp flags S/Z\n", 1, 24, "bad flags Z" },
		{ "pass proto tcp flags S/SA flags any\n", 1, 27,
		  "flags cannot be redefined" },
		{ "pass proto icmp icmp-type echoreq\n", 1, 27,
		  "must indicate address family with icmp-type/code" },
		{ "pass inet proto udp icmp-type echoreq\n", 1, 31,
		  "icmp-type mismatch" },
		{ "pass inet proto icmp icmp-type foo\n", 1, 32,
		  "unknown icmp-type foo" },
		{ "pass inet proto icmp icmp-type unreach code foo\n", 1, 45,
		  "unknown icmp-code foo" },
		{ "pass inet6 proto icmp all\n", 1, 18,
		  "proto icmp doesn't match address family inet6" },
		{ "block in all keep state\n", 1, 14,
		  "keep state on block rules doesn't make sense" },
		{ "block return-rst proto udp all\n", 1, 1,
		  "return-rst can only be applied to TCP rules" },
		{ "block all allow-opts\n", 1, 1,
		  "allow-opts can only be specified for pass rules" },
		{ "pass proto tcp to port 80 fragment\n", 1, 1,
		  "fragments can be filtered only on IP header fields" },
		{ "pass all keep state no state\n", 1, 21,
		  "modulate or keep cannot be redefined" },
		{ "pass all label \"a\" label \"b\"\n", 1, 20,
		  "label cannot be redefined" },
		{ "pass all label \"0123456789012345678901234567890123456789"
		  "012345678901234567890123\"\n", 1, 16,
		  "rule label too long (max 63 chars)" },
		{ "pass log (to em0) all\n", 1, 14,
		  "em0: should be a pflog interface" },
		{ "pass from 10.0.0.1 to ::1\n", 1, 1,
		  "rule expands to no valid combination" },
		{ "scrub in quick all\n", 1, 10,
		  "scrub rules do not support 'quick'" },
		{ "scrub out all reassemble tcp\n", 1, 1,
		  "reassemble tcp rules can not specify direction" },
		{ "scrub all reassemble udp\n", 1, 22,
		  "scrub reassemble supports only tcp, not 'udp'" },
		{ "scrub all no-df no-df\n", 1, 17,
		  "no-df cannot be respecified" },
		{ "scrub all min-ttl 256\n", 1, 19,
		  "illegal min-ttl value 256" },
	};

	check_errors(cases, NELEM(cases));
}

TEST(pf_errors_state)
{
	static const struct error_case cases[] = {
		{ "pass all keep state (max 1, max 2)\n", 1, 29,
		  "state option 'max' multiple definitions" },
		{ "pass all keep state (overload <t>)\n", 1, 32,
		  "'overload' requires 'max-src-conn' or 'max-src-conn-rate'" },
		{ "pass all keep state (max-src-conn-rate 100/0)\n", 1, 22,
		  "'max-src-conn-rate' values must be > 0" },
		{ "pass all keep state (max-src-conn-rate 5000000/1)\n", 1, 22,
		  "'max-src-conn-rate' maximum rate must be < 4294967" },
		{ "pass all keep state (max-src-conn 0)\n", 1, 22,
		  "'max-src-conn' must be > 0" },
		{ "pass all keep state (source-track global, max-src-conn 3)\n",
		  1, 10, "'max-src-conn' is incompatible with 'source-track "
		  "global'" },
		{ "pass all keep state (foo 3)\n", 1, 22,
		  "illegal timeout name foo" },
		{ "pass all keep state (frag 3)\n", 1, 22,
		  "illegal state timeout frag" },
		{ "pass all keep state (tcp.first 3, tcp.first 4)\n", 1, 35,
		  "state timeout tcp.first multiple definitions" },
		{ "pass all keep state (if-bound, floating)\n", 1, 32,
		  "state locking option: multiple definitions" },
		{ "pass all modulate state (sloppy)\n", 1, 10,
		  "sloppy state matching cannot be used with synproxy state "
		  "or modulate state" },
		{ "pass all keep state (overload <t> flush, max-src-conn 1, "
		  "overload <u>)\n", 1, 58,
		  "multiple 'overload' table definitions" },
		{ "pass all keep state (max -1)\n", 1, 26,
		  "only positive values permitted" },
	};

	check_errors(cases, NELEM(cases));
}

TEST(pf_errors_tables_translation)
{
	static const struct error_case cases[] = {
		{ "table <t> { 1.2.3.4 - 1.2.3.5 }\n", 1, 13,
		  "address ranges are not permitted inside tables" },
		{ "table <t> { (em0) }\n", 1, 13,
		  "dynamic addresses are not permitted inside tables" },
		{ "table <t> { <u> }\n", 1, 13, "tables cannot contain tables" },
		{ "table <t> { no-route }\n", 1, 13,
		  "\"no-route\" is not permitted inside tables" },
		{ "table <t> foo\n", 1, 11, "invalid table option 'foo'" },
		{ "table <t>\ntable <t>\n", 2, 8, "table <t> is already defined" },
		{ "table <0123456789012345678901234567890123>\n", 1, 8,
		  "table name too long, max 31 chars" },
		{ "nat on em0 from any to any\n", 1, 1,
		  "translation rule requires '-> address'" },
		{ "no nat on em0 from any -> 1.2.3.4\n", 1, 24,
		  "translation rule with 'no' does not need '->'" },
		{ "no nat pass on em0 all\n", 1, 8,
		  "\"pass\" not valid with \"no\"" },
		{ "nat on em0 inet6 from any -> 1.2.3.4\n", 1, 27,
		  "no translation address with matching address family "
		  "found." },
		{ "nat on em0 from any -> { 1.2.3.4 1.2.3.5 } random\n", 1, 21,
		  "only round-robin valid for multiple redirection addresses" },
		{ "nat on em0 from any -> <t> bitmask\n", 1, 24,
		  "tables are only supported in round-robin redirection pools" },
		{ "nat on em0 from any -> (em0) random\n", 1, 24,
		  "interface (em0) is only supported in round-robin "
		  "redirection pools" },
		{ "nat on em0 from any -> 1.2.3.4 random bitmask\n", 1, 39,
		  "pool type cannot be redefined" },
		{ "nat on em0 from any -> 1.2.3.4 port 1000 static-port\n", 1,
		  37, "the 'static-port' option can't be used when specifying "
		  "a port range" },
		{ "rdr on em0 from any -> 1.2.3.4 static-port\n", 1, 1,
		  "the 'static-port' option is only valid with nat rules" },
		{ "rdr on em0 proto tcp to port > 80 -> 1.2.3.4\n", 1, 30,
		  "invalid port operator for rdr destination port" },
		{ "rdr on em0 from any -> 1.2.3.4 port 80\n", 1, 21,
		  "rpool port only applies to tcp/udp" },
		{ "nat on em0 from any -> 1.2.3.4 source-hash\n", 1, 32,
		  "'source-hash' is not supported by jailnet" },
		{ "binat on em0 from 10.0.0.1 -> 1.2.3.4/24\n", 1, 31,
		  "'binat' source mask and redirect mask must be the same" },
		{ "binat on em0 from <t> -> 1.2.3.4\n", 1, 19, "invalid use of "
		  "table <t> as the source address of a binat rule" },
		{ "binat on em0 from xnic -> em1\n", 1, 1,
		  "address family (inet/inet6) undefined" },
		{ "binat on em0 from any -> 1.2.3.4\n", 1, 1, "a binat rule "
		  "needs a source address: 'from any' would map every "
		  "address" },
		{ "binat on em0 from { 10.0.0.1 10.0.0.2 } -> 1.2.3.4\n", 1,
		  30, "multiple binat ip addresses" },
		{ "binat on em0 from 10.0.0.1 to urpf-failed -> 1.2.3.4\n", 1,
		  31, "\"urpf-failed\" is not permitted as a binat "
		  "destination" },
	};

	check_errors(cases, NELEM(cases));
}

TEST(pf_statement_rollback)
{
	struct parsed p;

	/* A statement with an error adds nothing; the others are kept. */
	parse_text(&p, "t.conf", "pass on { a b } to port 80 proto tcp\n"
	    "pass proto { tcp icmp } to port 80\nblock all\n");
	CHECK_INT_EQ(p.d.nerrors, 2);
	CHECK_STR_EQ(p.printed, "block drop all\n");
	parsed_free(&p);
	parse_text(&p, "t.conf", "set timeout { tcp.first 5, bad 3 }\n"
	    "set timeout udp.first 6\n");
	CHECK_STR_EQ(p.printed, "set timeout udp.first 6\n");
	parsed_free(&p);
}

/* Table files. */

struct fake_files {
	const char *path;
	const char *text;
};

static struct source *
fake_read(void *ctx, const char *path, int *errnum)
{
	const struct fake_files *f;

	for (f = ctx; f->path != NULL; f++)
		if (strcmp(f->path, path) == 0)
			return source_new(path, f->text, strlen(f->text));
	*errnum = ENOENT;
	return NULL;
}

TEST(pf_table_load_files)
{
	static const struct fake_files files[] = {
		{ "/etc/ips", "# peers\n10.0.0.1  10.0.2/24\n\n!192.168.1.1 "
		  "# not this one\n2001:db8::/32\n" },
		{ "/etc/bad", "10.0.0.1\n  foo.example\n" },
		{ NULL, NULL },
	};
	struct pf_table_data td = { 0 };
	struct parsed p;
	const struct pf_table *t;
	char buf[IPADDR_STRLEN];
	struct diags d;

	parse_text(&p, "t.conf", "table <a> { 1.1.1.1 xnic } file \"/etc/ips\"\n"
	    "table <b> file \"/etc/bad\"\ntable <c> file \"/etc/none\"\n");
	CHECK_INT_EQ(p.d.n, 0);
	diags_init(&d);
	t = pf_ruleset_table(p.rs, "a");
	CHECK_INT_EQ(pf_table_load(t, fake_read, (void *)files, &td, &d), 0);
	CHECK_INT_EQ(td.n, 6);
	if (td.n == 6) {
		CHECK_STR_EQ(ipprefix_format(&td.v[0].prefix, buf),
		    "1.1.1.1/32");
		CHECK_INT_EQ(td.v[1].kind, PF_ADDR_IFACE);
		CHECK_STR_EQ(ipprefix_format(&td.v[3].prefix, buf),
		    "10.0.2.0/24");
		CHECK_INT_EQ(td.v[3].loc.line, 2);
		CHECK_INT_EQ(td.v[3].loc.col, 11);
		CHECK(td.v[4].neg);
		CHECK_INT_EQ(td.v[4].loc.line, 4);
		CHECK_INT_EQ(td.v[5].prefix.addr.family, AF_INET6);
	}
	CHECK_INT_EQ(td.nfiles, 1);
	pf_table_data_free(&td);
	CHECK_INT_EQ(pf_table_load(pf_ruleset_table(p.rs, "b"), fake_read,
	    (void *)files, &td, &d), -1);
	CHECK_INT_EQ(d.n, 1);
	CHECK_STR_EQ(d.v[0].msg, "file \"/etc/bad\" contains bad data: "
	    "'foo.example' is not an address");
	CHECK_INT_EQ(d.v[0].line, 2);
	CHECK_INT_EQ(d.v[0].col, 3);
	pf_table_data_free(&td);
	CHECK_INT_EQ(pf_table_load(pf_ruleset_table(p.rs, "c"), fake_read,
	    (void *)files, &td, &d), -1);
	CHECK_STR_EQ(d.v[1].msg, "cannot load \"/etc/none\": No such file or "
	    "directory");
	CHECK_INT_EQ(d.v[1].line, 3);
	CHECK_INT_EQ(d.v[1].col, 16);
	pf_table_data_free(&td);
	diags_free(&d);
	parsed_free(&p);
}

TEST(pf_services_lookup)
{
	CHECK_INT_EQ(pf_service_port("ssh"), 22);
	CHECK_INT_EQ(pf_service_port("www"), 80);
	CHECK_INT_EQ(pf_service_port("domain"), 53);
	CHECK_INT_EQ(pf_service_port("ntp"), 123);
	CHECK_INT_EQ(pf_service_port("submission"), 587);
	/* Not in the revision of the file that data/freebsd/ holds. */
	CHECK_INT_EQ(pf_service_port("submissions"), -1);
	CHECK_INT_EQ(pf_service_port("smtps"), 465);
	CHECK_INT_EQ(pf_service_port("postgresql"), 5432);
	CHECK_INT_EQ(pf_service_port("syslog"), 514);
	CHECK_INT_EQ(pf_service_port("nope"), -1);
	CHECK_STR_EQ(pf_service_name(465, "tcp"), "smtps");
	CHECK_STR_EQ(pf_service_name(514, "tcp"), "shell");
	CHECK_STR_EQ(pf_service_name(514, "udp"), "syslog");
	CHECK(pf_service_name(5434, "tcp") == NULL);
	CHECK_INT_EQ(pf_proto_number("icmp6"), 58);
	CHECK_INT_EQ(pf_proto_number("TCP"), 6);
	CHECK_STR_EQ(pf_proto_name(58), "ipv6-icmp");
	CHECK_INT_EQ(pf_icmp_type_number("echoreq", AF_INET), 8);
	CHECK_INT_EQ(pf_icmp_type_number("echoreq", AF_INET6), 128);
	CHECK_STR_EQ(pf_icmp_code_name(3, 3, AF_INET), "port-unr");
	CHECK_INT_EQ(pf_timeout_lookup("src.track"), PF_TM_SRC_TRACK);
	CHECK_STR_EQ(pf_timeout_name(PF_TM_TCP_ESTABLISHED),
	    "tcp.established");
}

/*
 * FreeBSD's /etc/services both ways, with its surprises: names outside the
 * common ones, a name that is an alias for tcp and a first name for udp,
 * ports named for one protocol only or differently for each, names that
 * are not words.
 */
TEST(pf_services_freebsd_table)
{
	CHECK_INT_EQ(pf_service_lookup("pip", "tcp"), 321);
	CHECK_INT_EQ(pf_service_lookup("msg-icp", "udp"), 29);
	CHECK_INT_EQ(pf_service_lookup("hosts2-ns", "tcp"), 81);
	/* An alias (the third field on) is a name too. */
	CHECK_INT_EQ(pf_service_lookup("wais", "tcp"), 210);
	CHECK_INT_EQ(pf_service_lookup("sink", "udp"), 9);
	/* 3com-tsmux: an alias of pop3pw on tcp, its own line on udp. */
	CHECK_INT_EQ(pf_service_lookup("3com-tsmux", "tcp"), 106);
	CHECK_STR_EQ(pf_service_name(106, "tcp"), "pop3pw");
	CHECK_STR_EQ(pf_service_name(106, "udp"), "3com-tsmux");
	/* rplay is udp only: not found for tcp, found by pfctl's fallback. */
	CHECK_INT_EQ(pf_service_lookup("rplay", "tcp"), -1);
	CHECK_INT_EQ(pf_service_lookup("rplay", "udp"), 5555);
	CHECK_INT_EQ(pf_service_port("rplay"), 5555);
	CHECK(pf_service_name(5555, "tcp") == NULL);
	CHECK_STR_EQ(pf_service_name(5555, "udp"), "rplay");
	/* One port, two names: cadlock for tcp, ock for udp. */
	CHECK_STR_EQ(pf_service_name(1000, "tcp"), "cadlock");
	CHECK_STR_EQ(pf_service_name(1000, "udp"), "ock");
	/* exec for tcp, biff (alias comsat) for udp. */
	CHECK_STR_EQ(pf_service_name(512, "tcp"), "exec");
	CHECK_INT_EQ(pf_service_lookup("comsat", "tcp"), -1);
	CHECK_INT_EQ(pf_service_port("comsat"), 512);
	/* Names that are not words, as the file spells them. */
	CHECK_STR_EQ(pf_service_name(66, "tcp"), "sql*net");
	CHECK_STR_EQ(pf_service_name(210, "udp"), "z39.50");
	CHECK_INT_EQ(pf_service_lookup("914c/g", "tcp"), 211);
	CHECK_INT_EQ(pf_service_lookup("9pfs", "tcp"), 564);
	/* The last tcp line; ddp lines and unknown protocols are not read. */
	CHECK_STR_EQ(pf_service_name(26208, "tcp"), "wnn6_DS");
	CHECK_INT_EQ(pf_service_lookup("rtmp", "tcp"), -1);
	CHECK_INT_EQ(pf_service_lookup("ssh", "sctp"), -1);
	CHECK_INT_EQ(pf_service_lookup("nope", "udp"), -1);
}

/* Golden files. */

/* Read a file, or return NULL. */
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

/* Split ${text} into lines (in place). */
static size_t
split_lines(char *text, char ***lines)
{
	size_t n = 0, cap = 0;
	char *p = text, *nl;

	*lines = NULL;
	while (*p != '\0') {
		*VEC_PUSH(*lines, n, cap) = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

/* Print a unified-style diff of ${want} and ${got} (longest common
   subsequence of lines). */
static void
print_diff(const char *name, const char *want, const char *got)
{
	char *w = xstrdup(want), *g = xstrdup(got), **wl, **gl;
	size_t nw = split_lines(w, &wl), ng = split_lines(g, &gl), i, j;
	unsigned *lcs = xcalloc((nw + 1) * (ng + 1), sizeof(*lcs));

#define L(i, j) lcs[(i) * (ng + 1) + (j)]
	for (i = nw; i-- > 0;)
		for (j = ng; j-- > 0;)
			L(i, j) = strcmp(wl[i], gl[j]) == 0 ? L(i + 1, j + 1) + 1 :
			    L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) : L(i, j + 1);
	printf("  --- %s (expected)\n  +++ %s (got)\n", name, name);
	for (i = j = 0; i < nw || j < ng;) {
		if (i < nw && j < ng && strcmp(wl[i], gl[j]) == 0) {
			i++;
			j++;
		} else if (j < ng && (i == nw || L(i, j + 1) >= L(i + 1, j))) {
			printf("  +%s\n", gl[j++]);
		} else {
			printf("  -%s\n", wl[i++]);
		}
	}
#undef L
	free(lcs);
	free(wl);
	free(gl);
	free(w);
	free(g);
}

/* Compare ${got} with the expected file ${path}, or write it if ${regen}. */
static void
golden_compare(const char *path, const char *got, int regen)
{
	char *want;

	if (regen) {
		write_text(path, got);
		return;
	}
	if ((want = slurp(path)) == NULL) {
		test_fail(__FILE__, __LINE__, "missing %s (JAILNET_REGEN=1 "
		    "writes it)", path);
		return;
	}
	if (strcmp(want, got) != 0) {
		test_fail(__FILE__, __LINE__, "%s differs", path);
		print_diff(path, want, got);
	}
	free(want);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Each tests/golden/pf/NAME.conf: its printed text is NAME.nv (when it
 * parses without errors, and is then a fixed point), its diagnostics are
 * NAME.err (when it has any).
 */
TEST(pf_golden)
{
	const char *dir = "tests/golden/pf";
	int regen = test_regen();
	char **names = NULL, *path, *text;
	size_t n = 0, cap = 0, i, len;
	struct parsed p;
	struct dirent *de;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		test_fail(__FILE__, __LINE__, "cannot open %s (run from the "
		    "repository's root)", dir);
		return;
	}
	while ((de = readdir(dp)) != NULL)
		if (str_has_suffix(de->d_name, ".conf"))
			*VEC_PUSH(names, n, cap) = xstrdup(de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	CHECK(n >= 10);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		text = slurp(path);
		len = strlen(path) - strlen(".conf");
		if (text == NULL) {
			test_fail(__FILE__, __LINE__, "cannot read %s", path);
			free(path);
			continue;
		}
		parse_text(&p, path, text);
		path[len] = '\0';
		if (p.d.nerrors == 0) {
			char *nv = xasprintf("%s.nv", path);

			golden_compare(nv, p.printed, regen);
			if (!fixed_point(p.printed))
				test_fail(__FILE__, __LINE__, "%s: print, "
				    "parse, print is not a fixed point", nv);
			free(nv);
		}
		if (p.d.n > 0) {
			char *err = xasprintf("%s.err", path);

			golden_compare(err, p.diag_text, regen);
			free(err);
		}
		parsed_free(&p);
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);
}
