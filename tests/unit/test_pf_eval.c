/*
 * Tests of the static pf model: every rule of the seed ruleset
 * (examples/uxtely) on servers a and b, the path through bridges and
 * routing, states and replies, translation, the max-src-conn-rate counter
 * with overload and flush, table expiry, and the test-spec parser.  Every
 * expectation is worked out by hand from pf.conf (rule numbers are those
 * of `pfctl -vv`, lines those of examples/uxtely/common/etc/pf.conf).
 * Run from the repository's root.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "fixture.h"
#include "test.h"


static char *
addr_str(const struct ipaddr *a, char *buf)
{
	return ipaddr_format(a, buf);
}

/* Shorthands for the stages. */
#define STAGE(r, i) (&(r)->stages[i])

static bool
stage_is(const struct pf_eval_stage *s, enum pf_dir dir, const char *ifname)
{
	return s->dir == dir && str_eq(s->ifname, ifname);
}

static int
rule_nr(const struct pf_eval_stage *s)
{
	return s->how == PF_EVAL_BY_RULE && s->rule != NULL ?
	    (int)s->rule->nr : -1;
}

static int
rule_line(const struct pf_eval_stage *s)
{
	return s->rule != NULL ? (int)s->rule->loc.line : -1;
}

/* Client to nginx: rdr on xnic, pass in quick on xnic (rule 8, line 44),
   routed to xbridge, pass out quick on xbridge (rule 10, line 47). */
TEST(pf_eval_seed_nginx_https)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char buf[IPADDR_STRLEN];

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags S", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xbridge");
	CHECK_INT_EQ(r->nstages, 2);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "xnic"));
	CHECK(STAGE(r, 0)->xlate != NULL);
	CHECK_INT_EQ(STAGE(r, 0)->xlate->action, PF_ACT_RDR);
	CHECK_INT_EQ(STAGE(r, 0)->xlate->nr, 0);
	CHECK_INT_EQ(STAGE(r, 0)->xlate->loc.line, 32);
	CHECK_STR_EQ(addr_str(&STAGE(r, 0)->after.dst, buf), "10.0.2.20");
	CHECK_INT_EQ(STAGE(r, 0)->after.dport, 443);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 8);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 44);
	CHECK(STAGE(r, 0)->state_created);
	CHECK(stage_is(STAGE(r, 1), PF_DIR_OUT, "xbridge"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 1)), 10);
	CHECK_INT_EQ(rule_line(STAGE(r, 1)), 47);
	CHECK(STAGE(r, 1)->state_created);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 2);

	/* The SYN-ACK comes back through ngx_a: seen in on xbridge only
	   (routed by the host), on the out state; out on xnic on the rdr
	   state, whose wire key puts 192.0.2.155:443 back as the source. */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 443 to "
	    "198.51.100.7 port 40000 flags SA", 10);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_INT_EQ(r->nstages, 2);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "xbridge"));
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 0)->state_id, 2);
	CHECK(stage_is(STAGE(r, 1), PF_DIR_OUT, "xnic"));
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 1)->state_id, 1);
	CHECK_STR_EQ(addr_str(&r->final.src, buf), "192.0.2.155");
	CHECK_INT_EQ(r->final.sport, 443);
	CHECK_STR_EQ(addr_str(&r->final.dst, buf), "198.51.100.7");

	/* The client's ACK now passes on the state, translated again. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags A", 20);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	CHECK_STR_EQ(addr_str(&r->final.dst, buf), "10.0.2.20");
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 2);
	pf_fx_close(&f);
}

TEST(pf_eval_seed_explain)
{
	struct pf_fx f;
	struct strbuf sb = { 0 };

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	pf_eval_explain(pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port "
	    "40000 to 192.0.2.155 port 80 flags S", 0), &sb);
#define SEED "examples/uxtely/common/etc/pf.conf"
	CHECK_STR_EQ(strbuf_cstr(&sb),
	    "in on xnic: rdr rule 1 (" SEED ":32) -> 10.0.2.20 port 80\n"
	    "in on xnic: pass by rule 9 (" SEED ":44), state 1 created\n"
	    "out on xbridge: pass by rule 11 (" SEED ":47), state 2 "
	    "created\n"
	    "verdict: pass, forwarded out of xbridge\n");
	strbuf_free(&sb);
	pf_eval_explain(pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port "
	    "40001 to 192.0.2.155 port 22", 0), &sb);
	CHECK_STR_EQ(strbuf_cstr(&sb),
	    "in on xnic: block by rule 7 (" SEED ":41)\n"
	    "verdict: block\n");
#undef SEED
	strbuf_free(&sb);
	pf_fx_close(&f);
}

/* SSH: refused from a client, rdr'd from <xpeers> on 2220/2230/2240. */
TEST(pf_eval_seed_ssh)
{
	static const struct {
		const char *port, *jail;
		unsigned rdr;
		unsigned line;
	} cases[] = {
		{ "2220", "10.0.2.20", 2, 33 },
		{ "2230", "10.0.2.30", 3, 34 },
		{ "2240", "10.0.2.40", 4, 35 },
	};
	struct pf_fx f;
	const struct pf_eval_result *r;
	char spec[200], buf[IPADDR_STRLEN];
	size_t i;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* Port 22 from a client: no rdr, only "block all" matches. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 22",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* 2220 from a client: the rdr wants <xpeers>. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "2220", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK(STAGE(r, 0)->xlate == NULL);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(spec, sizeof(spec), "in on xnic tcp from 203.0.113.10 "
		    "port %zu to 192.0.2.155 port %s", 50000 + i,
		    cases[i].port);
		r = pf_fx_run(&f, spec, 0);
		CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
		CHECK_STR_EQ(r->out_ifname, "xbridge");
		CHECK(STAGE(r, 0)->xlate != NULL &&
		    STAGE(r, 0)->xlate->nr == cases[i].rdr &&
		    STAGE(r, 0)->xlate->loc.line == cases[i].line);
		CHECK_STR_EQ(addr_str(&r->final.dst, buf), cases[i].jail);
		CHECK_INT_EQ(r->final.dport, 22);
		/* pass in on xnic ... <xpeers> port 22 (rule 26, line 64),
		   pass out on xbridge ... port 22 (rule 27, line 65). */
		CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 26);
		CHECK_INT_EQ(rule_line(STAGE(r, 0)), 64);
		CHECK_INT_EQ(rule_nr(STAGE(r, 1)), 27);
		CHECK_INT_EQ(rule_line(STAGE(r, 1)), 65);
	}
	pf_fx_close(&f);
}

/* The quick blockers on xnic, antispoof, no-route and urpf-failed. */
TEST(pf_eval_seed_blockers)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* <blocklist>: 198.51.100.66 and 203.0.113.200/29 (rule 2). */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.66 to 192.0.2.155 port "
	    "443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 2);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 39);
	r = pf_fx_run(&f, "in on xnic tcp from 203.0.113.207 to 192.0.2.155 port "
	    "443", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 2);
	r = pf_fx_run(&f, "in on xnic tcp from 203.0.113.208 to 192.0.2.155 port "
	    "443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	/* <martians> (rule 4): 10.0.0.0/8, 172.16.0.0/12. */
	r = pf_fx_run(&f, "in on xnic tcp from 10.9.9.9 to 192.0.2.155 port 443",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 4);
	r = pf_fx_run(&f, "in on xnic udp from 172.31.0.1 to 192.0.2.155 port 53",
	    0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 4);
	/* antispoof: xnic's own address in on xnic (rule 1), xnic's
	   network arriving on another interface (rule 0, line 38). */
	r = pf_fx_run(&f, "in on xnic tcp from 192.0.2.155 to 192.0.2.155 port 443",
	    0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 1);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 38);
	r = pf_fx_run(&f, "in on ngx_a tcp from 192.0.2.77 to 203.0.113.80 port "
	    "443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "xbridge"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 0);
	CHECK_INT_EQ(STAGE(r, 0)->rule->origin, PF_ORIGIN_ANTISPOOF_NET);
	/* urpf-failed (rule 6): with <martians> emptied (expire 0), a
	   source routed via xbridge arriving on xnic. */
	CHECK_INT_EQ(pf_eval_table_expire(f.ctx, "martians", 0, 0), 11);
	r = pf_fx_run(&f, "in on xnic tcp from 10.0.2.99 to 192.0.2.155 port 443",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 6);
	pf_fx_close(&f);

	/* no-route (rule 5): without the default route. */
	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK(f.b->nroutes > 0 && f.b->routes[f.b->nroutes - 1].dst.len == 0);
	f.b->nroutes--;
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 5);
	f.b->nroutes++;
	pf_fx_close(&f);
}

/* antispoof for lo0 is one rule, "block in on ! lo0 from lo0:network":
   the host's packets to 127.0.0.1 pass in on lo0, and 127.0.0.1 arriving
   on xnic is blocked. */
TEST(pf_eval_antispoof_loopback)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", "antispoof quick for { lo0 xnic }\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK_INT_EQ(f.b->rs->rules[PF_RS_FILTER].n, 3);
	r = pf_fx_run(&f, "in on lo0 udp from 127.0.0.1 to 127.0.0.1 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_DEFAULT);
	r = pf_fx_run(&f, "in on xnic udp from 127.0.0.1 to 192.0.2.155 port 53",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 0);
	CHECK_INT_EQ(STAGE(r, 0)->rule->origin, PF_ORIGIN_ANTISPOOF_NET);
	/* xnic keeps both rules: its own address in on xnic (rule 2). */
	r = pf_fx_run(&f, "in on xnic udp from 192.0.2.155 to 192.0.2.155 port "
	    "53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 2);
	pf_fx_close(&f);
}

/* Anchors empty at load: no packet meets them, quick or not, whatever
   their conditions; they take their numbers among the rules (pfctl's @nr),
   and an rdr-anchor before the rdr rules translates nothing. */
TEST(pf_eval_empty_anchors)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", "rdr-anchor \"rdr/*\"\n"
	    "rdr on xnic proto tcp to port 80 -> 10.0.1.2\n"
	    "block all\n"
	    "anchor \"f2b/*\" in quick on xnic\n"
	    "anchor \"x\" quick\n"
	    "pass in on xnic proto tcp to port 80\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK_INT_EQ(f.b->rs->rules[PF_RS_FILTER].n, 2);
	CHECK_INT_EQ(f.b->rs->anchors[PF_RS_FILTER].n, 2);
	CHECK_INT_EQ(f.b->rs->anchors[PF_RS_RDR].n, 1);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 1234 to "
	    "192.0.2.155 port 80 flags S", 0);
	CHECK_INT_EQ(STAGE(r, 0)->pass, true);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 3);
	CHECK(STAGE(r, 0)->xlate != NULL);
	if (STAGE(r, 0)->xlate != NULL)
		CHECK_INT_EQ(STAGE(r, 0)->xlate->nr, 1);
	r = pf_fx_run(&f, "in on xnic udp from 198.51.100.7 port 1234 to "
	    "192.0.2.155 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 0);
	pf_fx_close(&f);
}

/* A non-SYN packet without state does not match "flags S/SA keep state":
   "block all" decides. */
TEST(pf_eval_seed_no_state_ack)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags A", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags SA", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* SYN with ECE and CWR still matches S/SA. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags SEW", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 8);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 2);
	pf_fx_close(&f);
}

/* The spiped tunnels: bridged between ibridge's members, filtered in on
   the member, in on the bridge (the member's floating state), out on the
   bridge (rules 16/17), out on the other member (that state). */
TEST(pf_eval_seed_tunnels_a)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* a/pg_j PGC -> b/pg_j PGS 5434. */
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 port 40000 to "
	    "192.168.56.41 port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_STR_EQ(r->out_ifname, "inic");
	CHECK_INT_EQ(r->nstages, 4);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "ipg_a"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 12);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 50);
	CHECK(stage_is(STAGE(r, 1), PF_DIR_IN, "ibridge"));
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 1)->state_id, STAGE(r, 0)->state_id);
	CHECK(stage_is(STAGE(r, 2), PF_DIR_OUT, "ibridge"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 2)), 16);
	CHECK_INT_EQ(rule_line(STAGE(r, 2)), 54);
	CHECK(stage_is(STAGE(r, 3), PF_DIR_OUT, "inic"));
	CHECK_INT_EQ(STAGE(r, 3)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 3)->state_id, STAGE(r, 2)->state_id);
	/* Its reply, all four passes on the two states. */
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.41 port 5434 to "
	    "192.168.56.40 port 40000 flags SA out on ipg_a", 1);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(r->nstages, 4);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 2)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 3)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 2);
	/* b/pg_j PGC -> a/pg_j PGS (rule 13, line 51). */
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.41 to 192.168.56.40 port "
	    "5434 out on ipg_a", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 13);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 51);
	CHECK_INT_EQ(rule_nr(STAGE(r, 2)), 16);
	/* a/node_j N2P -> b/pg_j 5433 (rule 14, line 52; 17). */
	r = pf_fx_run(&f, "in on inode_a tcp from 192.168.56.30 to 192.168.56.41 "
	    "port 5433 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 14);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 52);
	CHECK_INT_EQ(rule_nr(STAGE(r, 2)), 17);
	/* b/node_j N2P -> a/pg_j 5433 (rule 15, line 53). */
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.31 to 192.168.56.40 port "
	    "5433 out on ipg_a", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 15);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 53);
	/* Wrong ports and wrong addresses: block all, in on the member. */
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 to 192.168.56.41 "
	    "port 5432 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(r->nstages, 1);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	r = pf_fx_run(&f, "in on inode_a tcp from 192.168.56.30 to 192.168.56.41 "
	    "port 5434 out on inic", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.30 to 192.168.56.41 "
	    "port 5434 out on inic", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.99 to 192.168.56.40 port "
	    "5434 out on ipg_a", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* A bridged destination needs the member it leaves by. */
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 to 192.168.56.41 "
	    "port 5434", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_ERROR);
	pf_fx_close(&f);
}

/* The same tunnels seen from server b, whose files swap the addresses. */
TEST(pf_eval_seed_tunnels_b)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "b", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.41 to 192.168.56.40 "
	    "port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 12);
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.40 to 192.168.56.41 "
	    "port 5434 out on ipg_a", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 13);
	r = pf_fx_run(&f, "in on inode_a tcp from 192.168.56.31 to 192.168.56.40 "
	    "port 5433 out on inic", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 14);
	r = pf_fx_run(&f, "in on inic tcp from 192.168.56.30 to 192.168.56.41 "
	    "port 5433 out on ipg_a", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 15);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	/* a's addresses are not b's. */
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 port 40500 to "
	    "192.168.56.41 port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* But the same connection as the one that came in on inic matches
	   its floating state on ipg_a too. */
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 to 192.168.56.41 "
	    "port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BRIDGED);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	/* nginx on b's own address. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.165 port 443",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 8);
	CHECK_INT_EQ(rule_nr(STAGE(r, 1)), 10);
	pf_fx_close(&f);
}

/* node_j's outbound traffic: in on xbridge, nat on xnic to (xnic:0). */
TEST(pf_eval_seed_node_outbound)
{
	static const struct {
		const char *spec;
		unsigned in_rule, out_rule;
	} ok[] = {
		{ "udp from 10.0.2.30 port 5353 to 203.0.113.53 port 53",
		  18, 22 },
		{ "udp from 10.0.2.30 port 5354 to 203.0.113.54 port 53",
		  19, 23 },
		{ "tcp from 10.0.2.30 port 40000 to 203.0.113.80 port 443",
		  20, 24 },
		{ "tcp from 10.0.2.30 port 40001 to 203.0.113.25 port 465",
		  21, 25 },
	};
	static const char *const refused[] = {
		"udp from 10.0.2.30 to 203.0.113.10 port 53",
		"udp from 10.0.2.30 to 203.0.113.53 port 123",
		"tcp from 10.0.2.30 to 203.0.113.81 port 443",
		"tcp from 10.0.2.30 to 203.0.113.80 port 80",
		"tcp from 10.0.2.30 to 203.0.113.25 port 587",
		"tcp from 10.0.2.20 to 203.0.113.80 port 443",
		"udp from 10.0.2.40 to 203.0.113.53 port 53",
	};
	struct pf_fx f;
	const struct pf_eval_result *r;
	char spec[200], buf[IPADDR_STRLEN];
	size_t i;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(spec, sizeof(spec), "in on node_a %s", ok[i].spec);
		r = pf_fx_run(&f, spec, 0);
		CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
		CHECK_STR_EQ(r->out_ifname, "xnic");
		CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "xbridge"));
		CHECK_INT_EQ(rule_nr(STAGE(r, 0)), ok[i].in_rule);
		CHECK(stage_is(STAGE(r, 1), PF_DIR_OUT, "xnic"));
		CHECK(STAGE(r, 1)->xlate != NULL &&
		    STAGE(r, 1)->xlate->action == PF_ACT_NAT &&
		    STAGE(r, 1)->xlate->loc.line == 31);
		CHECK_INT_EQ(rule_nr(STAGE(r, 1)), ok[i].out_rule);
		CHECK_STR_EQ(addr_str(&r->final.src, buf), "192.0.2.155");
		/* nat's default range is 50001-65535. */
		CHECK(r->final.sport >= 50001);
	}
	/* The DNS reply: on the nat state in on xnic, back to node_j. */
	r = pf_fx_run(&f, "in on xnic udp from 203.0.113.53 port 53 to 192.0.2.155 "
	    "port 50001", 5);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xbridge");
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_STATE);
	CHECK_STR_EQ(addr_str(&r->final.dst, buf), "10.0.2.30");
	CHECK_INT_EQ(r->final.dport, 5353);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(spec, sizeof(spec), "in on node_a %s", refused[i]);
		r = pf_fx_run(&f, spec, 0);
		CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
		CHECK_INT_EQ(r->nstages, 1);
		CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	}
	pf_fx_close(&f);
}

/* The host's NTP on inic (rule 28, line 67), its reply on the state. */
TEST(pf_eval_seed_ntp)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "out udp from 192.168.56.110 port 123 to 192.168.56.2 "
	    "port 123", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_SENT);
	CHECK_STR_EQ(r->out_ifname, "inic");
	CHECK_INT_EQ(r->nstages, 1);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_OUT, "inic"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 28);
	CHECK_INT_EQ(rule_line(STAGE(r, 0)), 67);
	r = pf_fx_run(&f, "in on inic udp from 192.168.56.2 port 123 to "
	    "192.168.56.110 port 123", 100);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "inic"));
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	/* Another server's NTP, or the host's DNS on inic: block all. */
	r = pf_fx_run(&f, "out udp from 192.168.56.110 to 192.168.56.3 port 123",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* An unsolicited packet to the host. */
	r = pf_fx_run(&f, "in on inic udp from 192.168.56.2 port 123 to "
	    "192.168.56.110 port 124", 100);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	pf_fx_close(&f);
}

/* gateway_enable and the bridge sysctls are inputs of the model. */
TEST(pf_eval_seed_sysctls)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	f.srv->gateway_enable = false;
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 443",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_DROPPED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 8);
	f.srv->gateway_enable = true;
	/* Without member filtering the frame is seen on ibridge only, where
	   nothing passes it in. */
	f.srv->pfil_member = false;
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 to 192.168.56.41 "
	    "port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "ibridge"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* Without bridge filtering: in on ipg_a passes, out on inic has no
	   rule of its own. */
	f.srv->pfil_member = true;
	f.srv->pfil_bridge = false;
	r = pf_fx_run(&f, "in on ipg_a tcp from 192.168.56.40 port 41000 to "
	    "192.168.56.41 port 5434 out on inic", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(r->nstages, 2);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 12);
	CHECK(stage_is(STAGE(r, 1), PF_DIR_OUT, "inic"));
	CHECK_INT_EQ(rule_nr(STAGE(r, 1)), 7);
	pf_fx_close(&f);
}

/* One handshake from ${client}:${sport} to a's nginx at ${ms}; return
   the fate of the client's final ACK. */
static enum pf_eval_fate
handshake(struct pf_fx *f, const char *client, unsigned sport, unsigned dport,
    uint64_t ms)
{
	char spec[200];
	const struct pf_eval_result *r;

	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags S", client, sport, dport);
	r = pf_fx_run(f, spec, ms);
	if (r->fate != PF_FATE_FORWARDED)
		return r->fate;
	snprintf(spec, sizeof(spec), "in on ngx_a tcp from 10.0.2.20 port %u "
	    "to %s port %u flags SA", dport, client, sport);
	r = pf_fx_run(f, spec, ms);
	if (r->fate != PF_FATE_FORWARDED)
		return r->fate;
	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags A", client, sport, dport);
	return pf_fx_run(f, spec, ms)->fate;
}

static struct ipaddr
ip(const char *s)
{
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	ipaddr_parse(s, &a);
	return a;
}

/*
 * max-src-conn-rate 100/10: pf's counter (count in thousandths) is 1000
 * per handshake, trips above 100000.  101 handshakes within one second:
 * the 101st reaches 101000 and trips.
 */
TEST(pf_eval_seed_rate_limit)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	struct ipaddr c1 = ip("198.51.100.7");
	unsigned i;
	int ok = 0;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	for (i = 0; i < 100; i++)
		ok += handshake(&f, "198.51.100.7", 40000 + i, 443, i * 5) ==
		    PF_FATE_FORWARDED;
	CHECK_INT_EQ(ok, 100);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 0);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 200);
	/* The 101st final ACK trips: dropped, the source overloaded, its
	   101 states on xnic flushed (their wire keys start with it); the
	   100 + 1 states out on xbridge start with 10.0.2.20 and stay. */
	CHECK_INT_EQ(handshake(&f, "198.51.100.7", 40100, 443, 600),
	    PF_FATE_BLOCKED);
	CHECK_INT_EQ(f.res.stages[0].how, PF_EVAL_BY_STATE);
	CHECK(!f.res.stages[0].pass);
	CHECK(strstr(f.res.stages[0].note, "<ratelimit>") != NULL);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 1);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 101);
	/* An established connection of that source is now blocked by
	   <ratelimit> (rule 3): its state is gone. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40005 to "
	    "192.0.2.155 port 443 flags A", 700);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 3);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 41000 to "
	    "192.0.2.155 port 443", 800);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 3);
	/* A second source has its own node. */
	CHECK_INT_EQ(handshake(&f, "198.51.100.8", 40000, 443, 900),
	    PF_FATE_FORWARDED);
	/* Tables never expire on their own; -T expire 60 at 59 s keeps
	   the entry (added at 0 s: 0 <= -1 is false), at 60 s removes it. */
	CHECK_INT_EQ(pf_eval_table_expire(f.ctx, "ratelimit", 60, 59999), 0);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 1);
	CHECK_INT_EQ(pf_eval_table_expire(f.ctx, "ratelimit", 60, 60000), 1);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 0);
	/* Back in: the window has passed, the count restarts. */
	CHECK_INT_EQ(handshake(&f, "198.51.100.7", 42000, 443, 60000),
	    PF_FATE_FORWARDED);
	CHECK_INT_EQ(pf_eval_table_expire(f.ctx, "nosuch", 1, 0), -1);
	pf_fx_close(&f);
}

/*
 * The decay: one handshake at 0 s (count 1000); at 9 s the count loses
 * 1000 * 9 / 10 = 900 before adding 1000 (1100); 98 more at 9 s make
 * 99100; the 101st within 10 s makes 100100 > 100000 and trips.
 * Separately: 100 at 0 s (100000), then at 5 s 100000 - 50000 + 1000 =
 * 51000, 49 more reach 100000 (not over), the next trips.
 */
TEST(pf_eval_seed_rate_decay)
{
	struct pf_fx f;
	unsigned i;
	int ok = 0;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK_INT_EQ(handshake(&f, "198.51.100.7", 40000, 443, 0),
	    PF_FATE_FORWARDED);
	for (i = 1; i < 100; i++)
		ok += handshake(&f, "198.51.100.7", 40000 + i, 443, 9000) ==
		    PF_FATE_FORWARDED;
	CHECK_INT_EQ(ok, 99);
	CHECK_INT_EQ(handshake(&f, "198.51.100.7", 40100, 443, 9500),
	    PF_FATE_BLOCKED);
	pf_fx_close(&f);

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	ok = 0;
	for (i = 0; i < 100; i++)
		ok += handshake(&f, "198.51.100.7", 40000 + i, 443, 0) ==
		    PF_FATE_FORWARDED;
	for (i = 0; i < 50; i++)
		ok += handshake(&f, "198.51.100.7", 41000 + i, 443, 5000) ==
		    PF_FATE_FORWARDED;
	CHECK_INT_EQ(ok, 150);
	CHECK_INT_EQ(handshake(&f, "198.51.100.7", 42000, 443, 5000),
	    PF_FATE_BLOCKED);
	pf_fx_close(&f);

	/* port { 443 80 } is two rules, so two budgets per source. */
	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	ok = 0;
	for (i = 0; i < 100; i++) {
		ok += handshake(&f, "198.51.100.7", 40000 + i, 443, 0) ==
		    PF_FATE_FORWARDED;
		ok += handshake(&f, "198.51.100.7", 40000 + i, 80, 0) ==
		    PF_FATE_FORWARDED;
	}
	CHECK_INT_EQ(ok, 200);
	pf_fx_close(&f);
}

/* The default: no rules pass everything, without state. */
TEST(pf_eval_default_pass)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a", "# nothing\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 22 "
	    "flags A", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_DEFAULT);
	CHECK(!STAGE(r, 0)->state_created);
	r = pf_fx_run(&f, "in on xnic icmp echoreq from 198.51.100.7 to 10.0.2.20",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xbridge");
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 0);
	r = pf_fx_run(&f, "in on ngx_a udp from 10.0.2.20 to 10.0.2.1 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_IN, "xbridge"));
	r = pf_fx_run(&f, "in on nosuch udp from 10.0.2.20 to 10.0.2.1 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_ERROR);
	pf_fx_close(&f);
}

/* Last match wins, quick stops; negated table entries; rdr with a port
   range; icmp types; states in both directions; if-bound states. */
TEST(pf_eval_constructs)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char buf[IPADDR_STRLEN];

	if (pf_fx_open(&f, "a",
	    "table <t> { 198.51.100.0/24 !198.51.100.128/25 198.51.100.200 }\n"
	    "rdr on xnic proto tcp to port 8000:8009 -> 10.0.2.20 port 9000:*\n"
	    "pass in on xnic proto tcp to port 22\n"
	    "block in on xnic proto tcp to port 22\n"
	    "pass in quick on xnic proto tcp from <t> to port 23\n"
	    "block in quick on xnic proto tcp to port 23\n"
	    "block in on xnic inet proto icmp\n"
	    "pass in on xnic inet proto icmp icmp-type echoreq\n"
	    "block in on xnic proto tcp to port 9000:9009\n"
	    "pass in on xnic proto tcp from any to port 9005 keep state "
	    "(if-bound)\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* Last match: the block after the pass (rule 1). */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 22",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 1);
	/* Quick: the first matching quick rule; <t> longest match. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 23",
	    0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 2);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.130 to 192.0.2.155 port "
	    "23", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 3);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.200 to 192.0.2.155 port "
	    "23", 0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 2);
	r = pf_fx_run(&f, "in on xnic tcp from 203.0.113.9 to 192.0.2.155 port 23",
	    0);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 3);
	/* icmp types. */
	r = pf_fx_run(&f, "in on xnic icmp echoreq from 198.51.100.7 to "
	    "192.0.2.155", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 5);
	CHECK(STAGE(r, 0)->state_created);
	/* The host's echo reply leaves on that state. */
	r = pf_fx_run(&f, "out icmp echorep from 192.0.2.155 to 198.51.100.7", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_SENT);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_STATE);
	/* An ICMP error is not a reply to the echo state. */
	r = pf_fx_run(&f, "in on xnic icmp unreach code port-unr from 198.51.100.7 "
	    "to 192.0.2.155", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 4);
	/* rdr of a range: 8005 -> 9005, after which rule 7 (last) passes
	   and binds its state to xnic. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 1234 to "
	    "192.0.2.155 port 8005", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(addr_str(&r->final.dst, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 9005);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 7);
	/* Out on xbridge: no rule matches, default pass. */
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_DEFAULT);
	/* 8009 -> 9009: blocked by rule 6. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 1234 to "
	    "192.0.2.155 port 8009", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(rule_nr(STAGE(r, 0)), 6);
	/* The reply of 8005 leaves by xnic on the if-bound state. */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 9005 to "
	    "198.51.100.7 port 1234 flags SA", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(r->final.sport, 8005);
	pf_fx_close(&f);
}

TEST(pf_test_parse_specs)
{
	struct pf_test t;
	char *err = NULL;
	char buf[IPADDR_STRLEN];

	CHECK_INT_EQ(pf_test_parse("in on xnic tcp from 198.51.100.7 port "
	    "40000 to 192.0.2.155 port 443 flags S", &t, &err), 0);
	CHECK_STR_EQ(t.in_ifname, "xnic");
	CHECK_INT_EQ(t.pkt.proto, IPPROTO_TCP);
	CHECK_INT_EQ(t.pkt.af, AF_INET);
	CHECK_STR_EQ(ipaddr_format(&t.pkt.src, buf), "198.51.100.7");
	CHECK_INT_EQ(t.pkt.sport, 40000);
	CHECK_INT_EQ(t.pkt.dport, 443);
	CHECK_INT_EQ(t.pkt.flags, PF_TH_SYN);
	CHECK_INT_EQ(pf_test_parse("in on xnic tcp from 1.2.3.4 to 5.6.7.8 "
	    "port https flags SA", &t, &err), 0);
	CHECK_INT_EQ(t.pkt.flags, PF_TH_SYN | PF_TH_ACK);
	CHECK_INT_EQ(t.pkt.sport, 49152);
	CHECK_INT_EQ(t.pkt.dport, 443);
	CHECK_INT_EQ(pf_test_parse("in on inic udp from 1.2.3.4 to 5.6.7.8 "
	    "port domain out on ipg_a", &t, &err), 0);
	CHECK_INT_EQ(t.pkt.proto, IPPROTO_UDP);
	CHECK_INT_EQ(t.pkt.dport, 53);
	CHECK_STR_EQ(t.out_member, "ipg_a");
	CHECK_INT_EQ(pf_test_parse("out icmp echoreq from 1.2.3.4 to "
	    "2001:db8::1", &t, &err), -1);
	CHECK_STR_EQ(err, "the addresses are of different families, found "
	    "'2001:db8::1' (word 7)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("out icmp echoreq from 1.2.3.4 to 5.6.7.8",
	    &t, &err), 0);
	CHECK_STR_EQ(t.in_ifname, "");
	CHECK_INT_EQ(t.pkt.icmp_type, 8);
	CHECK_INT_EQ(pf_test_parse("in on xnic icmp6 echoreq from 2001:db8::1 "
	    "to 2001:db8::2", &t, &err), 0);
	CHECK_INT_EQ(t.pkt.proto, IPPROTO_ICMPV6);
	CHECK_INT_EQ(t.pkt.af, AF_INET6);
	CHECK_INT_EQ(t.pkt.icmp_type, 128);
	CHECK_INT_EQ(pf_test_parse("in on xnic icmp echoreq from 2001:db8::1 "
	    "to 2001:db8::2", &t, &err), -1);
	CHECK_STR_EQ(err, "icmp needs IPv4 addresses (icmp6 for IPv6), found "
	    "'2001:db8::2' (word 9)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic tcp form 1.2.3.4", &t, &err),
	    -1);
	CHECK_STR_EQ(err, "expected 'from', found 'form' (word 5)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic tcp from 1.2.3.4 to 5.6.7.8 "
	    "port 70000", &t, &err), -1);
	CHECK_STR_EQ(err, "expected a port number (0-65535) or a service "
	    "name, found '70000' (word 10)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic tcp from 1.2.3.4 to 5.6.7.8 "
	    "port 80 flags SX", &t, &err), -1);
	CHECK_STR_EQ(err, "expected TCP flags (letters of FSRPAUEW), found "
	    "'SX' (word 12)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic udp from 1.2.3.4 to 5.6.7.8",
	    &t, &err), -1);
	CHECK_STR_EQ(err, "expected 'port', found the end of the test");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic sctp from 1.2.3.4", &t, &err),
	    -1);
	CHECK_STR_EQ(err, "expected a protocol (tcp, udp, icmp or icmp6), "
	    "found 'sctp' (word 4)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic udp from 1.2.3.4 to 5.6.7.8 "
	    "port 53 flags S", &t, &err), -1);
	CHECK_STR_EQ(err, "only tcp has flags, found 'flags' (word 11)");
	free(err);
	CHECK_INT_EQ(pf_test_parse("", &t, &err), -1);
	CHECK_STR_EQ(err, "expected 'in on IF' or 'out', found the end of the "
	    "test");
	free(err);
	CHECK_INT_EQ(pf_test_parse("in on xnic udp from 1.2.3.4 to 5.6.7.8 "
	    "port 53 extra", &t, &err), -1);
	CHECK_STR_EQ(err, "expected the end of the test, found 'extra' "
	    "(word 11)");
	free(err);
}

/* rdr pass skips the inbound filter only; block return; set skip. */
TEST(pf_eval_rdr_pass_skip_return)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	struct strbuf sb = { 0 };

	if (pf_fx_open(&f, "a",
	    "set skip on lo0\n"
	    "rdr pass on xnic proto tcp to port 8080 -> 10.0.2.20 port 80\n"
	    "block return in quick on xnic proto tcp to port 25\n"
	    "block all\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "8080", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(r->nstages, 2);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_BY_XLATE_PASS);
	CHECK(STAGE(r, 0)->state_created);
	CHECK_INT_EQ(rule_nr(STAGE(r, 1)), 1);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port 25",
	    0);
	pf_eval_explain(r, &sb);
	CHECK_STR_EQ(strbuf_cstr(&sb),
	    "in on xnic: block by rule 0 (test.conf:3) (return)\n"
	    "verdict: block\n");
	strbuf_free(&sb);
	r = pf_fx_run(&f, "in on lo0 udp from 127.0.0.1 to 127.0.0.1 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(STAGE(r, 0)->how, PF_EVAL_SKIPPED);
	/* The host to itself: out and in on lo0 (skipped). */
	r = pf_fx_run(&f, "out udp from 192.0.2.155 to 10.0.2.1 port 53", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(r->nstages, 2);
	CHECK(stage_is(STAGE(r, 0), PF_DIR_OUT, "lo0"));
	CHECK(stage_is(STAGE(r, 1), PF_DIR_IN, "lo0"));
	CHECK_INT_EQ(STAGE(r, 1)->how, PF_EVAL_SKIPPED);
	pf_fx_close(&f);
}
