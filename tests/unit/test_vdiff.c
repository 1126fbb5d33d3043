/*
 * vdiff against single walks: the example against itself has no change;
 * against a copy whose block list holds another address (made in memory:
 * server a's 198.51.100.66 becomes 8.8.8.8), exactly the one flow the
 * matrix hides is lost (198.51.100.66 gets no reply either way), and every packet tried whose two walks reach
 * different things is inside a reported flow, and each reported flow's
 * packet does reach different things.
 *
 * The lockout check on the example (orchestration's manage.tcp = 22,
 * 2220, 2230, 2240): kept against itself and on each server; with
 * orchestration's own address in server a's block list, each of its four
 * ways into a (the server's sshd, each jail's through rdr) is lost, and
 * none into b; a declared port that reaches nothing is missed.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pf/pf_site.h"
#include "lib/util.h"
#include "fixture.h"
#include "test.h"
#include "verify/lockout.h"
#include "verify/vdiff.h"

/* Load the example; with ${block}, server a's block list entry
   198.51.100.66 becomes ${block}/32 before the analysis is made. */
static int
dfx_open(struct verify_fx *f, const char *block)
{
	if (verify_fx_load(f, "examples/uxtely") != 0)
		return -1;
	if (block != NULL) {
		/* The analysis reads the bound tables: change one. */
		struct pf_bound_table *t = (struct pf_bound_table *)
		    pf_bound_table(f->ps->bound[0], "blocklist");
		size_t i;
		int n = 0;

		for (i = 0; t != NULL && i < t->nentries; i++)
			if (t->entries[i].prefix.addr.family == AF_INET &&
			    v4(&t->entries[i].prefix.addr) == 0xc6336442) {
				struct ipaddr a;

				if (ipaddr_parse(block, &a) != 0)
					return -1;
				t->entries[i].prefix.addr = a;
				t->entries[i].prefix.len = 32;
				n++;
			}
		if (n != 1)
			return -1;
	}
	return verify_fx_build(f);
}

TEST(vdiff_site_against_itself_changes_nothing)
{
	struct verify_fx a, b;
	size_t i, flows = 0, unsure = 0, classes = 0;

	CHECK(dfx_open(&a, NULL) == 0);
	CHECK(dfx_open(&b, NULL) == 0);
	for (i = 0; a.vs != NULL && b.vs != NULL && i < a.w->nnodes; i++) {
		struct vdiff_row row;

		vdiff_source(a.vs, i, b.vs, i, &row);
		flows += row.n;
		unsure += row.unsupported + row.only_old + row.only_new;
		classes += row.classes;
		vdiff_row_free(&row);
	}
	CHECK_INT_EQ(flows, 0);
	CHECK_INT_EQ(unsure, 0);
	CHECK(classes > 100000);
	verify_fx_close(&a);
	verify_fx_close(&b);
}

/* What one walk reaches, as the matrix counts it. */
struct reach {
	const char *to, *via, *via_node;
	uint32_t port;
};

static size_t
reach_of(struct vspace *vs, size_t from, const struct pf_packet *pkt,
    struct reach *r)
{
	const struct world *w = vspace_world(vs);
	struct wflow flow = { 0 };
	size_t i, n = 0;

	if (walker_run(vspace_walker(vs), from, pkt, &flow) == 0)
		for (i = 0; i < flow.nlegs; i++) {
			const struct wleg *l = &flow.legs[i];

			if (l->end != WHOP_DELIVERED || !l->replied ||
			    l->to == from)
				continue;
			r[n].to = vdiff_place_name(w, l->to);
			r[n].via = i > 0 && flow.legs[i - 1].pipe != NULL ?
			    flow.legs[i - 1].pipe->name : NULL;
			r[n].via_node = r[n].via != NULL ?
			    w->nodes[flow.legs[i - 1].to].name : NULL;
			r[n].port = l->got.dport;
			n++;
		}
	wflow_free(&flow);
	return n;
}

static bool
reach_eq(const struct reach *a, const struct reach *b)
{
	return strcmp(a->to, b->to) == 0 && a->port == b->port &&
	    (a->via == NULL ? b->via == NULL : b->via != NULL &&
	    strcmp(a->via, b->via) == 0 && strcmp(a->via_node,
	    b->via_node) == 0);
}

/* Is ${x}, gained or lost by ${pkt}, inside a flow of ${row}? */
static bool
in_row(const struct vdiff_row *row, bool gained, int proto,
    const struct reach *x)
{
	size_t i;

	for (i = 0; i < row->n; i++) {
		const struct vdiff_flow *f = &row->v[i];

		if (f->gained != gained || f->proto != proto ||
		    strcmp(f->to, x->to) != 0 || (f->via == NULL) !=
		    (x->via == NULL) || (f->via != NULL && (strcmp(f->via,
		    x->via) != 0 || strcmp(f->via_node, x->via_node) != 0)))
			continue;
		if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
			return true;
		if (portset_has(&f->ports, x->port, x->port))
			return true;
	}
	return false;
}

/* Do the walks of ${pkt} in the two sites reach different things?  Check
   every difference is in ${row}; count the differences not in it. */
static bool
walks_differ(struct verify_fx *a, struct verify_fx *b, size_t from,
    const struct pf_packet *pkt, const struct vdiff_row *row, size_t *missed)
{
	struct reach ra[WALK_MAXLEGS], rb[WALK_MAXLEGS];
	size_t na = reach_of(a->vs, from, pkt, ra);
	size_t nb = reach_of(b->vs, from, pkt, rb);
	size_t i, j;
	bool differ = false;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && !reach_eq(&ra[i], &rb[j]); j++)
			;
		if (j < nb)
			continue;
		differ = true;
		if (!in_row(row, false, pkt->proto, &ra[i]))
			++*missed;
	}
	for (j = 0; j < nb; j++) {
		for (i = 0; i < na && !reach_eq(&ra[i], &rb[j]); i++)
			;
		if (i < na)
			continue;
		differ = true;
		if (!in_row(row, true, pkt->proto, &rb[j]))
			++*missed;
	}
	return differ;
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* A value near one of ${v}, or anywhere. */
static uint32_t
near(const uint32_t *v, size_t n, uint32_t max)
{
	uint32_t x;

	if (n == 0 || rnd() % 4 == 0)
		return (uint32_t)(((uint64_t)rnd() << 21 ^ rnd()) %
		    ((uint64_t)max + 1));
	x = v[rnd() % n];
	return rnd() % 2 == 0 || x == 0 ? x : x - 1;
}

TEST(vdiff_agrees_with_single_walks)
{
	static const char *const sources[] = { "internet", "client1",
	    "orchestration", "a/node_j", "b" };
	struct verify_fx a, b;
	uint32_t *addrs = NULL, *ports = NULL;
	size_t naddrs = 0, nports = 0, s, k, tried = 0, missed = 0,
	    differing = 0, invented = 0;

	CHECK(dfx_open(&a, NULL) == 0);
	CHECK(dfx_open(&b, "8.8.8.8") == 0);
	if (a.vs == NULL || b.vs == NULL)
		return;
	vspace_boundaries(b.vs, &addrs, &naddrs, &ports, &nports);
	for (s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
		size_t fa = world_node(a.w, sources[s]);
		size_t fb = world_node(b.w, sources[s]);
		bool router = a.w->nodes[fa].kind == WNODE_ROUTER;
		uint32_t (*iv)[2] = NULL;
		size_t niv, i;
		struct vdiff_row row;

		CHECK(fa != NO_INDEX && fb != NO_INDEX);
		if (fa == NO_INDEX || fb == NO_INDEX)
			continue;
		vdiff_source(a.vs, fa, b.vs, fb, &row);
		if (router) {
			/* The one change: the internet loses a's nginx on
			   80 and 443, from 8.8.8.8 only. */
			CHECK_INT_EQ(row.n, 1);
			for (i = 0; i < row.n; i++) {
				struct strbuf p = { 0 };

				portset_format(&row.v[i].ports, &p);
				CHECK(!row.v[i].gained && row.v[i].partial);
				CHECK_STR_EQ(strbuf_cstr(&p), "80,443");
				CHECK_INT_EQ(row.v[i].src_lo, 0x08080808);
				CHECK_INT_EQ(row.v[i].src_hi, 0x08080808);
				strbuf_free(&p);
			}
			if (row.n == 1)
				CHECK_STR_EQ(row.v[0].to, "a/nginx_j");
		} else
			CHECK_INT_EQ(row.n, 0);
		CHECK_INT_EQ(row.unsupported, 0);
		/* No flow is made up: each one's packet reaches
		   different things in the two sites. */
		for (i = 0; i < row.n; i++) {
			size_t m = 0;

			if (!walks_differ(&a, &b, fa, &row.v[i].pkt, &row, &m))
				invented++;
		}
		/* None is missed: packets near every boundary. */
		niv = vspace_sources(b.vs, fb, VMODE_CONNECT, &iv);
		for (k = 0; k < 4000; k++) {
			struct pf_packet pkt;
			static const int protos[] = { IPPROTO_TCP,
			    IPPROTO_UDP, IPPROTO_ICMP };

			memset(&pkt, 0, sizeof(pkt));
			pkt.af = AF_INET;
			pkt.proto = protos[rnd() % 3];
			pkt.icmp_type = pkt.icmp_code = -1;
			if (router) {
				uint32_t x = k % 8 == 0 ? 0x08080808 :
				    near(addrs, naddrs, UINT32_MAX);

				for (i = 0; i < niv; i++)
					if (x >= iv[i][0] && x <= iv[i][1])
						break;
				if (i == niv)
					continue;	/* a site's own */
				pkt.src = v4addr(x);
			} else
				pkt.src = v4addr(iv[0][0]);
			pkt.dst = v4addr(near(addrs, naddrs, UINT32_MAX));
			if (pkt.proto == IPPROTO_ICMP) {
				pkt.icmp_type = 8;
				pkt.icmp_code = 0;
			} else {
				pkt.sport = (uint16_t)(router ?
				    near(ports, nports, 65535) :
				    10000 + rnd() % 55536);
				pkt.dport = (uint16_t)near(ports, nports, 65535);
				if (pkt.proto == IPPROTO_TCP)
					pkt.flags = PF_TH_SYN;
			}
			/* Some aimed at the change itself. */
			if (router && k % 8 == 0) {
				pkt.proto = IPPROTO_TCP;
				pkt.flags = PF_TH_SYN;
				pkt.icmp_type = pkt.icmp_code = -1;
				pkt.dst = v4addr(0xc000029b);	/* a's xnic */
				pkt.dport = (uint16_t)(k % 16 == 0 ? 443 : 80);
			}
			tried++;
			if (walks_differ(&a, &b, fa, &pkt, &row, &missed))
				differing++;
		}
		free(iv);
		vdiff_row_free(&row);
	}
	printf("    vdiff: %zu packets tried, %zu reach differently, %zu "
	    "of them missed\n", tried, differing, missed);
	CHECK(tried > 15000);
	CHECK(differing > 0);
	CHECK_INT_EQ(missed, 0);
	CHECK_INT_EQ(invented, 0);
	free(addrs);
	free(ports);
	verify_fx_close(&a);
	verify_fx_close(&b);
}

/* The findings of ${l} for ${port}: their number; the place of the first
   in *${to}. */
static size_t
findings_at(const struct lockouts *l, uint32_t port, enum lockout_kind kind,
    const char **to)
{
	size_t i, n = 0;

	*to = NULL;
	for (i = 0; i < l->n; i++)
		if (l->v[i].lo == port && l->v[i].kind == kind) {
			if (n++ == 0 && kind == LOCKOUT_LOST)
				*to = l->v[i].flow->to;
		}
	return n;
}

TEST(lockout_example_keeps_its_management)
{
	struct verify_fx a, b;
	struct lockouts l;

	CHECK(dfx_open(&a, NULL) == 0);
	CHECK(dfx_open(&b, NULL) == 0);
	if (a.vs != NULL && b.vs != NULL) {
		lockout_diff(a.vs, b.vs, &l);
		CHECK_INT_EQ(l.n, 0);
		CHECK_INT_EQ(l.checked, 4);	/* 22, 2220, 2230, 2240 */
		lockouts_free(&l);
		lockout_server(a.vs, 0, &l);
		CHECK_INT_EQ(l.n, 0);
		CHECK_INT_EQ(l.checked, 4);
		lockouts_free(&l);
		lockout_server(a.vs, 1, &l);
		CHECK_INT_EQ(l.n, 0);
		lockouts_free(&l);
	}
	verify_fx_close(&a);
	verify_fx_close(&b);
}

TEST(lockout_blocked_manager_is_found)
{
	static const struct {
		uint32_t port;
		const char *to;
	} want[] = {
		{ 22, "a" }, { 2220, "a/nginx_j" }, { 2230, "a/node_j" },
		{ 2240, "a/pg_j" },
	};
	struct verify_fx a, b;
	struct lockouts l;
	const char *to;
	size_t i;

	CHECK(dfx_open(&a, NULL) == 0);
	/* Orchestration's own address in a's block list. */
	CHECK(dfx_open(&b, "203.0.113.10") == 0);
	if (a.vs != NULL && b.vs != NULL) {
		lockout_diff(a.vs, b.vs, &l);
		CHECK_INT_EQ(l.n, 4);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			CHECK_INT_EQ(findings_at(&l, want[i].port,
			    LOCKOUT_LOST, &to), 1);
			CHECK_STR_EQ(to != NULL ? to : "(none)", want[i].to);
		}
		for (i = 0; i < l.n; i++)
			CHECK_STR_EQ(l.v[i].host, "orchestration");
		lockouts_free(&l);
		/* The other way round, it is all gained: no lockout. */
		lockout_diff(b.vs, a.vs, &l);
		CHECK_INT_EQ(l.n, 0);
		lockouts_free(&l);
		/* Alone: a is out of reach on every port, b is not. */
		lockout_server(b.vs, 0, &l);
		CHECK_INT_EQ(l.n, 4);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			CHECK_INT_EQ(findings_at(&l, want[i].port,
			    LOCKOUT_MISSED, &to), 1);
		lockouts_free(&l);
		lockout_server(b.vs, 1, &l);
		CHECK_INT_EQ(l.n, 0);
		lockouts_free(&l);
	}
	verify_fx_close(&a);
	verify_fx_close(&b);
}

TEST(lockout_port_reaching_nothing_is_missed)
{
	struct verify_fx a;
	struct outside_host *h;
	struct lockouts l;
	size_t i;

	CHECK(verify_fx_load(&a, "examples/uxtely") == 0);
	h = NULL;
	for (i = 0; a.ps != NULL && i < a.ps->site->nhosts; i++)
		if (strcmp(a.ps->site->hosts[i].name, "orchestration") == 0)
			h = &a.ps->site->hosts[i];
	CHECK(h != NULL && h->nmanage_tcp == 4);
	if (h != NULL && h->nmanage_tcp == 4) {
		/* 2219-2221: 2219 reaches nothing, 2220 does. */
		h->manage_tcp[1][0] = 2219;
		h->manage_tcp[1][1] = 2221;
	}
	CHECK(verify_fx_build(&a) == 0);
	if (a.vs != NULL) {
		for (i = 0; i < 2; i++) {
			lockout_server(a.vs, i, &l);
			CHECK_INT_EQ(l.n, 1);
			if (l.n == 1) {
				CHECK_INT_EQ(l.v[0].kind, LOCKOUT_MISSED);
				CHECK_INT_EQ(l.v[0].lo, 2219);
				CHECK_INT_EQ(l.v[0].port, 2219);
			}
			lockouts_free(&l);
		}
	}
	verify_fx_close(&a);
}
