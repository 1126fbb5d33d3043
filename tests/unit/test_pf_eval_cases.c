/*
 * The static pf model, choices that tools/mutants.sh showed no other test
 * pinned down: translation rules are first-match (rdr, nat and their "no"
 * forms, in file order); overload with "flush global" kills every state
 * of the source while plain "flush" kills only the states of the rule
 * that tripped; max-src-conn N admits N established connections; an
 * if-bound state matches only on its interface, a floating one on any.
 * On server a of examples/uxtely (xnic 192.0.2.155, ibridge, nginx_j
 * 10.0.2.20 behind ngx_a); expectations worked out by hand.  Run
 * from the repository's root.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "fixture.h"
#include "test.h"


#define STAGE_OF(r, i) (&(r)->stages[i])

static const char *
dst_of(const struct pf_eval_result *r, char *buf)
{
	return ipaddr_format(&r->final.dst, buf);
}

static struct ipaddr
oip(const char *s)
{
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	ipaddr_parse(s, &a);
	return a;
}

/*
 * Both rdr rules match port 8080 and the "no rdr" matches every packet of
 * 198.51.100.8: the first in file order decides.  Both nat rules match
 * 10.0.2.20: the first gives 192.0.2.155.
 */
TEST(pf_eval_translation_first_match)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char buf[IPADDR_STRLEN];

	if (pf_fx_open(&f, "a",
	    "nat on xnic from 10.0.2.20 -> 192.0.2.155\n"
	    "nat on xnic from 10.0.2.0/24 -> 192.0.2.156\n"
	    "no rdr on xnic proto tcp from 198.51.100.8\n"
	    "rdr on xnic proto tcp to port 8080 -> 10.0.2.20 port 80\n"
	    "rdr on xnic proto tcp to port 8000:8100 -> 10.0.2.20 port 81\n")
	    != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "8080", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(dst_of(r, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 80);
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "8081", 0);
	CHECK_STR_EQ(dst_of(r, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 81);
	/* "no rdr" first: not translated, delivered to the host. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.8 to 192.0.2.155 port "
	    "8080", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_STR_EQ(dst_of(r, buf), "192.0.2.155");
	CHECK_INT_EQ(r->final.dport, 8080);
	/* nat: the first matching rule's address. */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 40000 to "
	    "203.0.113.80 port 443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "192.0.2.155");
	pf_fx_close(&f);
}

/* A handshake from ${client}:${sport} to the host's port ${dport}; return
   the fate of the client's final ACK. */
static enum pf_eval_fate
host_handshake(struct pf_fx *f, const char *client, unsigned sport,
    unsigned dport, uint64_t ms)
{
	char spec[200];
	const struct pf_eval_result *r;

	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags S", client, sport, dport);
	if ((r = pf_fx_run(f, spec, ms))->fate != PF_FATE_DELIVERED)
		return r->fate;
	snprintf(spec, sizeof(spec), "out tcp from 192.0.2.155 port %u to %s "
	    "port %u flags SA", dport, client, sport);
	if ((r = pf_fx_run(f, spec, ms))->fate != PF_FATE_SENT)
		return r->fate;
	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags A", client, sport, dport);
	return pf_fx_run(f, spec, ms)->fate;
}

/*
 * max-src-conn-rate 2/10: the third handshake's final ACK trips.  Before
 * it, 198.51.100.7 has an ssh state (rule 0) and two https states (rule
 * 1), 198.51.100.8 an ssh state.  "flush global" kills the three states of
 * .7; "flush" only its two https states.  The other source keeps its own.
 */
static void
check_flush(const char *how, size_t left, const char *note)
{
	char conf[400];
	struct pf_fx f;
	struct ipaddr c7 = oip("198.51.100.7"), c8 = oip("198.51.100.8");

	snprintf(conf, sizeof(conf),
	    "table <bad> persist\n"
	    "pass in on xnic proto tcp to port 22\n"
	    "pass in on xnic proto tcp to port 443 keep state "
	    "(max-src-conn-rate 2/10, overload <bad> %s)\n", how);
	if (pf_fx_open(&f, "a", conf) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 50000, 22, 0),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.8", 50000, 22, 0),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40000, 443, 100),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40001, 443, 200),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &c7), 3);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "bad", &c7), 0);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40002, 443, 300),
	    PF_FATE_BLOCKED);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "bad", &c7), 1);
	CHECK(strstr(f.res.stages[0].note, note) != NULL);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &c7), left);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &c8), 1);
	CHECK_INT_EQ(pf_eval_table_test(f.ctx, "bad", &c8), 0);
	pf_fx_close(&f);
}

TEST(pf_eval_overload_flush_global)
{
	check_flush("flush global", 0, "added to <bad>, 3 states flushed");
	check_flush("flush", 1, "added to <bad>, 2 states flushed");
}

/*
 * max-src-conn 2 (pf_src_connlimit(): bad once the count exceeds the
 * limit): two established connections of a source, the third's final ACK
 * is dropped and its state killed; another source has its own count.
 */
TEST(pf_eval_max_src_conn)
{
	struct pf_fx f;
	struct ipaddr c7 = oip("198.51.100.7");

	if (pf_fx_open(&f, "a", "pass in on xnic proto tcp to port 443 keep state "
	    "(max-src-conn 2)\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40000, 443, 0),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40001, 443, 0),
	    PF_FATE_DELIVERED);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &c7), 2);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.7", 40002, 443, 0),
	    PF_FATE_BLOCKED);
	CHECK(strstr(f.res.stages[0].note, "over its connection limit: "
	    "state killed") != NULL);
	CHECK_INT_EQ(pf_eval_states_of(f.ctx, &c7), 2);
	CHECK_INT_EQ(host_handshake(&f, "198.51.100.8", 40000, 443, 0),
	    PF_FATE_DELIVERED);
	pf_fx_close(&f);
}

/*
 * A state made in on xnic: a packet of the same connection arriving on
 * ibridge matches it if it floats (the default), not if it is if-bound;
 * it then meets "block in on ibridge" (rule 1).  On xnic both match.
 */
static void
check_bound(const char *opts, bool floats)
{
	char conf[300];
	struct pf_fx f;
	const struct pf_eval_result *r;

	snprintf(conf, sizeof(conf),
	    "pass in on xnic proto tcp to port 22 %s\n"
	    "block in on ibridge\n", opts);
	if (pf_fx_open(&f, "a", conf) != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags S", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK(STAGE_OF(r, 0)->state_created);
	r = pf_fx_run(&f, "in on ibridge tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags A", 0);
	if (floats) {
		CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
		CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_STATE);
	} else {
		CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
		CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_RULE);
	}
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags A", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_STATE);
	pf_fx_close(&f);
}

TEST(pf_eval_if_bound_state)
{
	check_bound("keep state", true);
	check_bound("keep state (if-bound)", false);
}

/*
 * binat in pf's order (pf_get_translation): out, binat before nat; in,
 * rdr before binat.  The reply of a binat'ed connection comes back
 * through its state; a network binat maps host by host; "no binat"
 * keeps a source as it is, and, having no pool, matches every inbound
 * packet whose source its "to" covers (pf_match_translation() checks
 * only that), so that a "no binat ... to any" first stops every inbound
 * binat after it.
 */
TEST(pf_eval_binat_order_and_state)
{
	struct pf_fx f;
	const struct pf_eval_result *r;
	char buf[IPADDR_STRLEN];

	if (pf_fx_open(&f, "a",
	    "binat on xnic from 10.0.2.20 to any -> 192.0.2.20\n"
	    "nat on xnic from 10.0.2.0/24 -> 192.0.2.155\n"
	    "rdr on xnic proto tcp to 192.0.2.20 port 2222 -> 10.0.2.30 "
	    "port 22\n"
	    "pass all\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* Out: binat takes nginx_j's packets before nat can. */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 40000 to "
	    "203.0.113.80 port 443 flags S", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "192.0.2.20");
	CHECK_INT_EQ(r->final.sport, 40000);
	/* Its reply: through the state, back to 10.0.2.20:40000. */
	r = pf_fx_run(&f, "in on xnic tcp from 203.0.113.80 port 443 to "
	    "192.0.2.20 port 40000 flags SA", 1);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK(r->nstages > 0 && STAGE_OF(r, 0)->how == PF_EVAL_BY_STATE);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 40000);
	/* Another jail: binat does not match, nat does. */
	r = pf_fx_run(&f, "in on node_a tcp from 10.0.2.30 port 40000 to "
	    "203.0.113.80 port 443 flags S", 2);
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "192.0.2.155");
	/* In: binat maps 192.0.2.20 back to nginx_j, port kept... */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40001 to "
	    "192.0.2.20 port 443 flags S", 3);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 443);
	/* ... but rdr is looked at first. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40002 to "
	    "192.0.2.20 port 2222 flags S", 4);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "10.0.2.30");
	CHECK_INT_EQ(r->final.dport, 22);
	pf_fx_close(&f);

	if (pf_fx_open(&f, "a",
	    "no binat on xnic from 10.0.2.21\n"
	    "binat on xnic from 10.0.2.16/28 to any -> 192.0.2.112/28\n"
	    "pass all\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* A network binat keeps the host part: .20 is .116 outside. */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.20 port 40000 to "
	    "203.0.113.80 port 443 flags S", 0);
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "192.0.2.116");
	/* "no binat" first: .21 leaves as it is... */
	r = pf_fx_run(&f, "in on ngx_a tcp from 10.0.2.21 port 40000 to "
	    "203.0.113.80 port 443 flags S", 2);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "10.0.2.21");
	/* ... and, inbound, it matches first: .116 is not mapped back. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40001 to "
	    "192.0.2.116 port 443 flags S", 1);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "192.0.2.116");
	pf_fx_close(&f);

	if (pf_fx_open(&f, "a",
	    "binat on xnic from 10.0.2.16/28 to any -> 192.0.2.112/28\n"
	    "pass all\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* Without it, the network maps back host by host. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40001 to "
	    "192.0.2.116 port 443 flags S", 0);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "10.0.2.20");
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40002 to "
	    "192.0.2.127 port 443 flags S", 1);
	CHECK_STR_EQ(ipaddr_format(&r->final.dst, buf), "10.0.2.31");
	pf_fx_close(&f);
}
