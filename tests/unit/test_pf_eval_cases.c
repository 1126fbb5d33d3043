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
#include "test.h"

struct ofx {
	struct site *site;
	struct pf_bound *b;
	struct pf_eval *ctx;
	struct diags d;
	struct pf_eval_result res;
};

/* Server a of the example with the ruleset ${conf}. */
static int
ofx_open(struct ofx *f, const char *conf)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	diags_init(&f->d);
	f->site = site_load("examples/uxtely", &f->d);
	if (f->site == NULL)
		return -1;
	for (i = 0; i < f->site->nservers; i++)
		if (str_eq(f->site->servers[i].name, "a"))
			f->b = pf_bind_source(f->site, &f->site->servers[i],
			    source_new("order.conf", conf, strlen(conf)),
			    &f->d);
	if (f->b == NULL) {
		diags_print(&f->d, stderr);
		return -1;
	}
	f->ctx = pf_eval_new(f->b);
	return 0;
}

static void
ofx_close(struct ofx *f)
{
	pf_eval_free(f->ctx);
	pf_bound_free(f->b);
	site_free(f->site);
	diags_free(&f->d);
}

static const struct pf_eval_result *
orun(struct ofx *f, const char *spec, uint64_t ms)
{
	struct pf_test t;
	char *err = NULL;

	memset(&f->res, 0, sizeof(f->res));
	if (pf_test_parse(spec, &t, &err) != 0) {
		test_fail(__FILE__, __LINE__, "bad spec '%s': %s", spec, err);
		free(err);
		f->res.fate = PF_FATE_ERROR;
		return &f->res;
	}
	pf_eval_packet(f->ctx, t.in_ifname[0] != '\0' ? t.in_ifname : NULL,
	    t.out_member, &t.pkt, ms, &f->res);
	return &f->res;
}

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
	struct ofx f;
	const struct pf_eval_result *r;
	char buf[IPADDR_STRLEN];

	if (ofx_open(&f,
	    "nat on xnic from 10.0.2.20 -> 192.0.2.155\n"
	    "nat on xnic from 10.0.2.0/24 -> 192.0.2.156\n"
	    "no rdr on xnic proto tcp from 198.51.100.8\n"
	    "rdr on xnic proto tcp to port 8080 -> 10.0.2.20 port 80\n"
	    "rdr on xnic proto tcp to port 8000:8100 -> 10.0.2.20 port 81\n")
	    != 0) {
		CHECK(!"site loads");
		ofx_close(&f);
		return;
	}
	r = orun(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "8080", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(dst_of(r, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 80);
	r = orun(&f, "in on xnic tcp from 198.51.100.7 to 192.0.2.155 port "
	    "8081", 0);
	CHECK_STR_EQ(dst_of(r, buf), "10.0.2.20");
	CHECK_INT_EQ(r->final.dport, 81);
	/* "no rdr" first: not translated, delivered to the host. */
	r = orun(&f, "in on xnic tcp from 198.51.100.8 to 192.0.2.155 port "
	    "8080", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_STR_EQ(dst_of(r, buf), "192.0.2.155");
	CHECK_INT_EQ(r->final.dport, 8080);
	/* nat: the first matching rule's address. */
	r = orun(&f, "in on ngx_a tcp from 10.0.2.20 port 40000 to "
	    "203.0.113.80 port 443", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_FORWARDED);
	CHECK_STR_EQ(r->out_ifname, "xnic");
	CHECK_STR_EQ(ipaddr_format(&r->final.src, buf), "192.0.2.155");
	ofx_close(&f);
}

/* A handshake from ${client}:${sport} to the host's port ${dport}; return
   the fate of the client's final ACK. */
static enum pf_eval_fate
host_handshake(struct ofx *f, const char *client, unsigned sport,
    unsigned dport, uint64_t ms)
{
	char spec[200];
	const struct pf_eval_result *r;

	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags S", client, sport, dport);
	if ((r = orun(f, spec, ms))->fate != PF_FATE_DELIVERED)
		return r->fate;
	snprintf(spec, sizeof(spec), "out tcp from 192.0.2.155 port %u to %s "
	    "port %u flags SA", dport, client, sport);
	if ((r = orun(f, spec, ms))->fate != PF_FATE_SENT)
		return r->fate;
	snprintf(spec, sizeof(spec), "in on xnic tcp from %s port %u to "
	    "192.0.2.155 port %u flags A", client, sport, dport);
	return orun(f, spec, ms)->fate;
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
	struct ofx f;
	struct ipaddr c7 = oip("198.51.100.7"), c8 = oip("198.51.100.8");

	snprintf(conf, sizeof(conf),
	    "table <bad> persist\n"
	    "pass in on xnic proto tcp to port 22\n"
	    "pass in on xnic proto tcp to port 443 keep state "
	    "(max-src-conn-rate 2/10, overload <bad> %s)\n", how);
	if (ofx_open(&f, conf) != 0) {
		CHECK(!"site loads");
		ofx_close(&f);
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
	ofx_close(&f);
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
	struct ofx f;
	struct ipaddr c7 = oip("198.51.100.7");

	if (ofx_open(&f, "pass in on xnic proto tcp to port 443 keep state "
	    "(max-src-conn 2)\n") != 0) {
		CHECK(!"site loads");
		ofx_close(&f);
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
	ofx_close(&f);
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
	struct ofx f;
	const struct pf_eval_result *r;

	snprintf(conf, sizeof(conf),
	    "pass in on xnic proto tcp to port 22 %s\n"
	    "block in on ibridge\n", opts);
	if (ofx_open(&f, conf) != 0) {
		CHECK(!"site loads");
		ofx_close(&f);
		return;
	}
	r = orun(&f, "in on xnic tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags S", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK(STAGE_OF(r, 0)->state_created);
	r = orun(&f, "in on ibridge tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags A", 0);
	if (floats) {
		CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
		CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_STATE);
	} else {
		CHECK_INT_EQ(r->fate, PF_FATE_BLOCKED);
		CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_RULE);
	}
	r = orun(&f, "in on xnic tcp from 198.51.100.7 port 50000 to "
	    "192.0.2.155 port 22 flags A", 0);
	CHECK_INT_EQ(r->fate, PF_FATE_DELIVERED);
	CHECK_INT_EQ(STAGE_OF(r, 0)->how, PF_EVAL_BY_STATE);
	ofx_close(&f);
}

TEST(pf_eval_if_bound_state)
{
	check_bound("keep state", true);
	check_bound("keep state (if-bound)", false);
}
