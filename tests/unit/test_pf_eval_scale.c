/*
 * Tests of the static pf model at scale and of pf_eval_reset(): states
 * found by hash after 10,000 of them, the first free nat port of a range
 * and its exhaustion, per-port rule indexing against the order of the
 * rules, and a reset that brings the context back to what pf_eval_new()
 * made (states, source nodes, overload entries, expired table entries,
 * state ids).  Lines and rule numbers are those of
 * examples/uxtely/common/etc/pf.conf, as in test_pf_eval.c.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval.h"
#include "fixture.h"
#include "test.h"

static struct ipaddr
addr(const char *s)
{
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	ipaddr_parse(s, &a);
	return a;
}

/* The client's SYN, nginx's SYN-ACK and the client's ACK of one web
   connection to server a; the fate of the ACK. */
static enum pf_eval_fate
web_handshake(struct pf_fx *f, unsigned sport, uint64_t ms)
{
	char spec[200];

	snprintf(spec, sizeof(spec), "in on xnic tcp from 198.51.100.7 port "
	    "%u to 192.0.2.155 port 443 flags S", sport);
	if (pf_fx_run(f, spec, ms)->fate != PF_FATE_FORWARDED)
		return f->res.fate;
	snprintf(spec, sizeof(spec), "in on ngx_a tcp from 10.0.2.20 port 443 "
	    "to 198.51.100.7 port %u flags SA", sport);
	if (pf_fx_run(f, spec, ms)->fate != PF_FATE_FORWARDED)
		return f->res.fate;
	snprintf(spec, sizeof(spec), "in on xnic tcp from 198.51.100.7 port "
	    "%u to 192.0.2.155 port 443 flags A", sport);
	return pf_fx_run(f, spec, ms)->fate;
}

/* 5,000 web connections make 10,000 states (in on xnic, out on
   xbridge); the replies of the first and the last find theirs. */
TEST(pf_eval_scale_10000_states)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char spec[200];
	unsigned i, created = 0;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	for (i = 0; i < 5000; i++) {
		snprintf(spec, sizeof(spec), "in on xnic tcp from "
		    "198.51.100.7 port %u to 192.0.2.155 port 443 flags S",
		    10000 + i);
		r = pf_fx_run(&f, spec, 0);
		created += r->fate == PF_FATE_FORWARDED && r->nstages == 2 &&
		    r->stages[0].state_created && r->stages[1].state_created;
	}
	CHECK_INT_EQ(created, 5000);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 10000);
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 443 to "
	    "198.51.100.7 port 10000 flags SA", 10);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_INT_EQ(r->stages[0].how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(r->stages[0].state_id, 2);
	CHECK_INT_EQ(r->stages[1].how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(r->stages[1].state_id, 1);
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 443 to "
	    "198.51.100.7 port 14999 flags SA", 10);
	CHECK_INT_EQ(r->stages[0].state_id, 10000);
	CHECK_INT_EQ(r->stages[1].state_id, 9999);
	CHECK_INT_EQ(r->final.sport, 443);
	/* A port no flow used has no state: rule 7 blocks the reply's
	   twin from outside. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 15000 to "
	    "192.0.2.155 port 443 flags A", 20);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &(struct ipaddr){ 0 }), 0);
	pf_fx_close(&f);
}

/* nat picks the first free port of its range; with all of them used it
   gives the range's end, as the scan it replaces did. */
TEST(pf_eval_scale_nat_ports)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char spec[200];
	unsigned i, want[] = { 50000, 50001, 50002, 50002, 50000 };

	if (pf_fx_open(&f, "a",
	    "nat on xnic from 10.0.2.0/24 -> (xnic:0) port 50000:50002\n"
	    "pass all\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	for (i = 0; i < 5; i++) {
		/* The fifth goes to another destination: its ports are
		   free again. */
		snprintf(spec, sizeof(spec), "in on xbridge udp from 10.0.2.30 "
		    "port %u to 203.0.113.%u port 53", 40000 + i,
		    i < 4 ? 53 : 54);
		r = pf_fx_run(&f, spec, 0);
		CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
		CHECK(r->nstages == 2 && r->stages[1].xlate != NULL);
		CHECK_INT_EQ(r->final.sport, want[i]);
	}
	/* The reply to the second finds its own state. */
	r = pf_fx_run(&f, "in on xnic udp from 203.0.113.53 port 53 to "
	    "192.0.2.155 port 50001", 10);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_INT_EQ(r->stages[0].how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(r->final.dport, 40001);
	pf_fx_close(&f);
}

/* Rules found by destination port still decide in their order: the last
   match wins, quick stops, whatever the port conditions are. */
TEST(pf_eval_scale_port_index_order)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a",
	    "block in on xnic proto tcp\n"
	    "pass in on xnic proto tcp to port 1000:2000\n"
	    "block in on xnic proto tcp to port 1500\n"
	    "pass in on xnic proto tcp to port != 1501\n"
	    "block in on xnic proto tcp to port > 1800\n"
	    "pass in quick on xnic proto tcp to port 1900 >< 1950\n"
	    "block in on xnic proto tcp to port 1920\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 "
	    "port 1500", 0);
	CHECK_INT_EQ(r->stages[0].rule->nr, 3);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 "
	    "port 1501", 0);
	CHECK_INT_EQ(r->stages[0].rule->nr, 1);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 "
	    "port 1920", 0);
	CHECK_INT_EQ(r->stages[0].rule->nr, 5);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 "
	    "port 1850", 0);
	CHECK_INT_EQ(r->stages[0].rule->nr, 4);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 "
	    "port 80", 0);
	CHECK_INT_EQ(r->stages[0].rule->nr, 3);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, "in on xnic udp from 198.51.100.7 to 192.0.2.155 "
	    "port 1500", 0);
	CHECK_INT_EQ(r->stages[0].how, PF_EVAL_BY_DEFAULT);
	pf_fx_close(&f);
}

/* After a reset the same packet is a first packet again, with state 1. */
TEST(pf_eval_reset_states)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	const char *syn = "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 443 flags S";

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, syn, 0);
	CHECK(r->stages[0].state_created);
	CHECK_INT_EQ(r->stages[0].state_id, 1);
	r = pf_fx_run(&f, syn, 0);
	CHECK_INT_EQ(r->stages[0].how, PF_EVAL_BY_STATE);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 2);
	pf_eval_reset(f.ctx);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 0);
	r = pf_fx_run(&f, syn, 0);
	CHECK_INT_EQ(r->stages[0].how, PF_EVAL_BY_RULE);
	CHECK_INT_EQ(r->stages[0].rule->nr, 8);
	CHECK(r->stages[0].state_created);
	CHECK_INT_EQ(r->stages[0].state_id, 1);
	CHECK_INT_EQ(r->stages[1].state_id, 2);
	/* Reset twice, and with nothing done since: still fresh. */
	pf_eval_reset(f.ctx);
	pf_eval_reset(f.ctx);
	r = pf_fx_run(&f, syn, 0);
	CHECK_INT_EQ(r->stages[0].state_id, 1);
	pf_fx_close(&f);
}

/* An overload entry and a source node are gone after a reset; an entry
   expiry removed from a loaded table is back. */
TEST(pf_eval_reset_tables_and_nodes)
{
	struct pf_fx f;
	struct ipaddr c1 = addr("198.51.100.7"), bad = addr("198.51.100.66");
	unsigned i;
	int ok = 0;

	if (pf_fx_open(&f, "a", NULL) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	for (i = 0; i < 100; i++)
		ok += web_handshake(&f, 40000 + i, 0) == PF_FATE_FORWARDED;
	CHECK_INT_EQ(ok, 100);
	CHECK_INT_EQ(web_handshake(&f, 40100, 0), PF_FATE_BLOCKED);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 1);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "blocklist", &bad), 1);
	CHECK(pf_eval_table_expire(f.ctx, "blocklist", 0, 1000) > 0);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "blocklist", &bad), 0);
	pf_eval_reset(f.ctx);
	CHECK_INT_EQ(pf_eval_nstates(f.ctx), 0);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "ratelimit", &c1), 0);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "blocklist", &bad), 1);
	/* The source node's counter starts again: 100 more pass, the
	   101st trips, as from a new context. */
	for (i = ok = 0; i < 100; i++)
		ok += web_handshake(&f, 41000 + i, 0) == PF_FATE_FORWARDED;
	CHECK_INT_EQ(ok, 100);
	CHECK_INT_EQ(web_handshake(&f, 41100, 0), PF_FATE_BLOCKED);
	pf_fx_close(&f);
}
