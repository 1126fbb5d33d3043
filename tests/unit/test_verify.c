/*
 * The site-wide engine against the concrete model: every class of packets
 * the engine says has one fate is tried with random packets of it, each
 * walked on its own, and the classes of each source must cover its whole
 * packet space, once.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pf/pf_site.h"
#include "fixture.h"
#include "test.h"
#include "verify/intent.h"
#include "verify/space.h"
#include "verify/walk.h"
#include "verify/world.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* A value of [lo, hi]: an end, next to one, or anywhere. */
static uint32_t
pick(uint32_t lo, uint32_t hi)
{
	uint64_t span = (uint64_t)hi - lo + 1;

	switch (rnd() % 4) {
	case 0:
		return lo;
	case 1:
		return hi;
	case 2:
		return span > 2 ? lo + 1 + (uint32_t)(rnd() % 2) : lo;
	default:
		return lo + (uint32_t)(((uint64_t)rnd() << 21 ^ rnd()) % span);
	}
}

/* Does the concrete walk of ${pkt} meet the fate of its ${leaf}? */
static bool
same_fate(struct walker *wk, size_t from, const struct vleaf *leaf,
    const struct pf_packet *pkt, struct wflow *flow, char *why, size_t len)
{
	size_t i, n = 0;

	if (walker_run(wk, from, pkt, flow) != 0) {
		snprintf(why, len, "walker_run failed");
		return leaf->nd == 0;
	}
	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];
		const struct vdeliv *d;

		if (l->end != WHOP_DELIVERED && l->end != WHOP_BEYOND)
			continue;
		if (n >= leaf->nd) {
			snprintf(why, len, "connection %zu arrives, the class "
			    "says it does not", i + 1);
			return false;
		}
		d = &leaf->d[n];
		if (d->to != l->to || d->beyond != (l->end == WHOP_BEYOND) ||
		    d->replied != l->replied || d->has_reply != l->has_reply ||
		    vdeliv_port(leaf, n, pkt) != l->got.dport ||
		    (d->via == NULL) != (i == 0)) {
			snprintf(why, len, "connection %zu: class to %zu port "
			    "%u replied %d, walk to %zu port %u replied %d",
			    i + 1, d->to, vdeliv_port(leaf, n, pkt),
			    d->replied, l->to, l->got.dport, l->replied);
			return false;
		}
		n++;
	}
	if (n != leaf->nd) {
		snprintf(why, len, "the class delivers %u connections, the "
		    "walk %zu", leaf->nd, n);
		return false;
	}
	return true;
}

/* The volume of ${box} (source x destination x ports), exactly. */
__extension__ typedef unsigned __int128 u128;

static u128
volume(const struct vbox *b)
{
	u128 v = 1;
	int d;

	for (d = 0; d < VD_NDIMS; d++)
		v *= (u128)b->hi[d] - b->lo[d] + 1;
	return v;
}

/* Every boundary of the site: where a wrong class would show. */
struct edges {
	uint32_t *a, *p;
	size_t na, np;
};

/* A value of [lo, hi]: half the time at a boundary inside it (or just
   below one), else pick(). */
static uint32_t
pick_edge(const uint32_t *v, size_t n, uint32_t lo, uint32_t hi)
{
	size_t a = 0, b = n, first, m;

	while (a < b) {
		m = (a + b) / 2;
		if (v[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	first = a;
	for (b = first; b < n && v[b] <= hi; b++)
		;
	if (b > first && rnd() % 2 == 0) {
		uint32_t x = v[first + rnd() % (b - first)];

		return rnd() % 2 == 0 || x == lo ? x : x - 1;
	}
	return pick(lo, hi);
}

/* The packets of a class's box: its fields at random. */
static void
packet_in(struct vspace *vs, const struct edges *e, const struct vleaf *lf,
    struct pf_packet *p)
{
	vspace_packet(vs, &lf->box, p);
	p->src = v4addr(pick_edge(e->a, e->na, lf->box.lo[VD_SRC],
	    lf->box.hi[VD_SRC]));
	p->dst = v4addr(pick_edge(e->a, e->na, lf->box.lo[VD_DST],
	    lf->box.hi[VD_DST]));
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) {
		p->sport = (uint16_t)pick_edge(e->p, e->np,
		    lf->box.lo[VD_SPORT], lf->box.hi[VD_SPORT]);
		p->dport = (uint16_t)pick_edge(e->p, e->np,
		    lf->box.lo[VD_DPORT], lf->box.hi[VD_DPORT]);
	}
}

/* The number of distinct addresses of the servers and jails. */
static uint64_t
site_addrs(const struct world *w)
{
	uint32_t *v = calloc(w->nports * 8 + 1, sizeof(*v));
	size_t i, j, n = 0, k, u = 0;

	for (i = 0; i < w->nports; i++) {
		enum wnode_kind kind = w->nodes[w->ports[i].node].kind;

		if (kind != WNODE_SERVER && kind != WNODE_JAIL)
			continue;
		for (j = 0; j < w->ports[i].naddrs; j++)
			v[n++] = w->ports[i].addrs[j];
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && v[k] != v[i]; k++)
			;
		u += k == i;
	}
	free(v);
	return u;
}

static const struct vresult *sort_res;

static int
by_volume(const void *a, const void *b)
{
	u128 x = volume(&sort_res->leaves[*(const size_t *)a].box);
	u128 y = volume(&sort_res->leaves[*(const size_t *)b].box);

	return x > y ? -1 : x < y;
}

/* The indices of the ${n} biggest classes of ${r} (repeating if fewer). */
static size_t *
biggest(const struct vresult *r, size_t n)
{
	size_t *v = calloc(r->nleaves + 1, sizeof(*v)), *out, i;

	out = calloc(n + 1, sizeof(*out));
	for (i = 0; i < r->nleaves; i++)
		v[i] = i;
	sort_res = r;
	if (r->nleaves > 0)
		qsort(v, r->nleaves, sizeof(*v), by_volume);
	for (i = 0; i < n && r->nleaves > 0; i++)
		out[i] = v[i % r->nleaves];
	free(v);
	return out;
}

/* Every class of each source of the site in ${dir} against packets of
   it walked alone. */
static void
classes_agree(const char *dir)
{
	struct verify_fx f;
	struct wflow flow = { 0 };
	size_t node, k, tried = 0, bad = 0;
	int mode;
	char why[200];

	struct edges e;

	CHECK(verify_fx_load(&f, dir) == 0 &&
	    verify_fx_build(&f) == 0);
	if (f.vs == NULL)
		return;
	vspace_boundaries(f.vs, &e.a, &e.na, &e.p, &e.np);
	for (node = 0; node < f.w->nnodes; node++)
		for (mode = 0; mode < 2; mode++) {
			struct vresult r;
			size_t want = f.w->nodes[node].kind == WNODE_ROUTER ?
			    20000 : 3000;

			vspace_run(f.vs, node, mode == 0 ? VMODE_CONNECT :
			    VMODE_ANY, &r);
			CHECK(r.nleaves > 0);
			CHECK_INT_EQ(r.unsupported, 0);
			/* The biggest classes first (a hole a class hides is
			   likeliest there), then any. */
			size_t *big = biggest(&r, want / 8);

			for (k = 0; k < want && r.nleaves > 0; k++) {
				const struct vleaf *lf = k < want / 2 ?
				    &r.leaves[big[k % (want / 8)]] :
				    &r.leaves[rnd() % r.nleaves];
				struct pf_packet p;

				if (lf->unsupported)
					continue;
				packet_in(f.vs, &e, lf, &p);
				tried++;
				if (!same_fate(vspace_walker(f.vs), node, lf, &p,
				    &flow, why, sizeof(why)) && bad++ < 5) {
					char a[IPADDR_STRLEN], b[IPADDR_STRLEN];
					struct pf_packet rep;

					vspace_packet(f.vs, &lf->box, &rep);
					test_fail(__FILE__, __LINE__, "from %s: "
					    "proto %d %s:%u -> %s:%u flags %x: "
					    "%s", f.w->nodes[node].name,
					    p.proto, ipaddr_format(&p.src, a),
					    p.sport, ipaddr_format(&p.dst, b),
					    p.dport, p.flags, why);
					test_fail(__FILE__, __LINE__, "  its "
					    "class's packet %s:%u -> %s:%u",
					    ipaddr_format(&rep.src, a),
					    rep.sport, ipaddr_format(&rep.dst,
					    b), rep.dport);
				}
			}
			free(big);
			vresult_free(&r);
		}
	CHECK(tried >= 100000);
	CHECK_INT_EQ(bad, 0);
	printf("# %zu packets, %zu disagreements\n", tried, bad);
	wflow_free(&flow);
	free(e.a);
	free(e.p);
	verify_fx_close(&f);
}

TEST(verify_classes_agree_with_concrete_walks)
{
	classes_agree("examples/uxtely");
}

/*
 * A copy of the example with binat on both servers: one jail's address
 * to one public address (a owns it: inbound reaches the jail), a network
 * with the others' (shifted address by address), a "to" that leaves
 * some out, a "no binat" first, the clients' network mapped on its way
 * to nginx_j, and filter rules that look at the translated addresses.  Written under ${dir} (of ${len} bytes): 0, or -1.
 */
static int
binat_site(char *dir, size_t len)
{
	char cmd[2048];

	snprintf(dir, len, "/tmp/jailnet-binat.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r examples/uxtely %s/s && cd %s/s && "
	    "sed -i 's|^nat on xnic|"
	    "no binat on xnic from $node_j to 203.0.113.80\\n"
	    "binat on xnic from $node_j to any -> 192.0.2.99\\n"
	    "binat on xnic from 10.0.2.16/28 to ! 198.51.100.0/25 -> "
	    "192.0.2.112/28\\n"
	    "binat on xbridge from 198.51.100.0/24 to $nginx_j -> "
	    "10.0.9.0/24\\n&|; "
	    "s|^pass out quick on xbridge proto tcp to \\$nginx_j|"
	    "block out quick on xbridge proto tcp from 10.0.9.64/27\\n&|; "
	    "s|^# Tunnels|"
	    "pass in quick on xnic proto tcp to $node_j port 3000\\n"
	    "pass out quick on xbridge proto tcp to $node_j port 3000\\n"
	    "pass in quick on xbridge proto tcp from $nginx_j port > 1023\\n"
	    "pass out quick on xnic proto tcp from 192.0.2.116 to port 8080\\n"
	    "block out quick on xnic proto tcp from 192.0.2.112/29\\n&|' "
	    "common/etc/pf.conf && "
	    "cp common/etc/rc.conf servers/a/etc/rc.conf && "
	    "echo 'ifconfig_xnic_alias0=\"inet 192.0.2.99/32\"' "
	    ">>servers/a/etc/rc.conf && grep -q '^binat' common/etc/pf.conf",
	    dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Every source address of the clients' network (one at a time) to each
 * of ${ndst} destinations: the class's fate against the walk's.  Random
 * packets rarely land where binat moves a boundary into a class (the
 * filter's 10.0.9.64/27 is 198.51.100.64/27 before the mapping); this
 * tries each address.  Return the disagreements.
 */
static size_t
sweep_clients(const char *site, const char *const *dst, const uint16_t *dport,
    size_t ndst, size_t *tried)
{
	struct verify_fx f;
	struct wflow flow = { 0 };
	struct vresult r;
	size_t node, i, k, bad = 0;
	char why[200];

	if (verify_fx_load(&f, site) != 0 || verify_fx_build(&f) != 0) {
		verify_fx_close(&f);
		return 1;
	}
	for (node = 0; node < f.w->nnodes; node++)
		if (f.w->nodes[node].kind == WNODE_ROUTER)
			break;
	vspace_run(f.vs, node, VMODE_CONNECT, &r);
	for (k = 0; k < ndst; k++)
		for (i = 0; i < 256; i++) {
			struct pf_packet p = { 0 };
			char a[IPADDR_STRLEN];
			size_t leaf;

			p.af = AF_INET;
			p.proto = IPPROTO_TCP;
			p.flags = PF_TH_SYN;
			p.sport = 40000;
			p.dport = dport[k];
			snprintf(a, sizeof(a), "198.51.100.%zu", i);
			if (ipaddr_parse(a, &p.src) != 0 ||
			    ipaddr_parse(dst[k], &p.dst) != 0)
				return bad + 1;
			leaf = vspace_find(f.vs, &r, &p);
			if (leaf == NO_INDEX || r.leaves[leaf].unsupported)
				continue;	/* a host's own address */
			(*tried)++;
			if (!same_fate(vspace_walker(f.vs), node,
			    &r.leaves[leaf], &p, &flow, why, sizeof(why)) &&
			    bad++ < 5)
				test_fail(__FILE__, __LINE__, "%s -> %s:%u: %s",
				    a, dst[k], dport[k], why);
		}
	vresult_free(&r);
	wflow_free(&flow);
	verify_fx_close(&f);
	return bad;
}

TEST(verify_classes_agree_with_concrete_walks_binat)
{
	static const char *const dst[] = { "192.0.2.155", "192.0.2.99",
		"192.0.2.116", "192.0.2.155" };
	static const uint16_t dport[] = { 80, 3000, 8080, 22 };
	char dir[64], site[80], cmd[128];
	size_t tried = 0;

	if (binat_site(dir, sizeof(dir)) != 0) {
		CHECK(!"the binat copy of the example is made");
		return;
	}
	snprintf(site, sizeof(site), "%s/s", dir);
	classes_agree(site);
	CHECK_INT_EQ(sweep_clients(site, dst, dport, 4, &tried), 0);
	CHECK(tried >= 900);
	printf("# %zu client addresses swept\n", tried);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(verify_classes_cover_each_source_once)
{
	struct verify_fx f;
	size_t node, i;

	CHECK(verify_fx_load(&f, "examples/uxtely") == 0 &&
	    verify_fx_build(&f) == 0);
	if (f.vs == NULL)
		return;
	for (node = 0; node < f.w->nnodes; node++) {
		struct vresult r;
		u128 tcp = 0, want;

		vspace_run(f.vs, node, VMODE_CONNECT, &r);
		for (i = 0; i < r.nleaves; i++)
			if (r.leaves[i].proto == IPPROTO_TCP)
				tcp += volume(&r.leaves[i].box);
		/* One source address (or the one it picks, or the
		   internet's), every destination, the ports. */
		if (f.w->nodes[node].kind == WNODE_ROUTER)
			want = ((u128)1 << 32) - site_addrs(f.w);
		else
			want = 1;
		want *= (u128)1 << 32;
		want *= f.w->nodes[node].kind == WNODE_ROUTER ? 65536 : 55536;
		want *= 65536;
		CHECK(tcp == want);
		vresult_free(&r);
	}
	verify_fx_close(&f);
}
