/*
 * The static pf model's match rules and tags: a match rule's tag applies
 * although it does not decide; a rule sees only the tags of the rules
 * before it in the pass; a quick match stops the pass; a tag set inbound
 * is still the packet's when it leaves the server.  On server a of
 * examples/uxtely (xnic 192.0.2.155, nginx_j 10.0.2.20 behind xbridge);
 * expectations worked out by hand from pf's pf_test_rule().  Run from the
 * repository's root.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "pf/pf_eval.h"
#include "fixture.h"
#include "test.h"

#define WEB "in on xnic tcp from 198.51.100.7 port 40000 to 192.0.2.155 " \
	"port 80 flags S"
#define SSH "in on xnic tcp from 198.51.100.7 port 40001 to 192.0.2.155 " \
	"port 81 flags S"

/* Tagged inbound by a match rule, checked outbound on the way to the
   jail: the untagged packet is blocked out. */
TEST(pf_eval_tag_in_checked_out)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a",
	    "rdr on xnic proto tcp to port { 80 81 } -> 10.0.2.20\n"
	    "match in on xnic proto tcp to port 80 tag web\n"
	    "pass in on xnic\n"
	    "pass out on xbridge tagged web\n"
	    "block out on xbridge ! tagged web\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	r = pf_fx_run(&f, WEB, 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK(r->nstages == 2);
	CHECK_STR_EQ(r->stages[0].after.tag, "web");
	CHECK_INT_EQ(r->stages[0].rule->nr, 1);	/* the match did not decide */
	CHECK_INT_EQ(r->stages[1].rule->nr, 2);
	CHECK_STR_EQ(r->final.tag, "web");
	r = pf_fx_run(&f, SSH, 0);
	CHECK(r->fate != PF_FATE_FORWARDED);
	CHECK(r->stages[0].after.tag == NULL);
	CHECK_INT_EQ(r->stages[1].rule->nr, 3);
	pf_fx_close(&f);
}

/* A rule sees the tags of the rules before it only; a quick match ends
   the pass, the last pass or block before it decides. */
TEST(pf_eval_tag_order_and_quick_match)
{
	struct pf_fx f;
	const struct pf_eval_result *r;

	if (pf_fx_open(&f, "a",
	    "block in on xnic\n"
	    "pass in on xnic proto tcp tagged late\n"
	    "match in on xnic proto tcp tag late\n"
	    "pass in on xnic proto tcp to port 81\n"
	    "match in quick on xnic proto tcp to port 81 tag stop\n"
	    "block in on xnic proto tcp to port 81\n") != 0) {
		CHECK(!"site loads");
		pf_fx_close(&f);
		return;
	}
	/* port 80: "tagged late" is before the tag; the block decides. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 80 flags S", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
	CHECK_INT_EQ(r->stages[0].rule->nr, 0);
	CHECK_STR_EQ(r->stages[0].after.tag, "late");
	/* port 81: the quick match stops before the last block. */
	r = pf_fx_run(&f, "in on xnic tcp from 198.51.100.7 port 40000 to "
	    "192.0.2.155 port 81 flags S", 0);
	CHECK(r->fate != PF_FATE_BLOCKED);
	CHECK_INT_EQ(r->stages[0].rule->nr, 3);
	CHECK_STR_EQ(r->stages[0].after.tag, "stop");
	pf_fx_close(&f);
}
