/*
 * pf_bench: how fast the static pf model decides, and how the compiled
 * nftables ruleset grows with the size of pf's tables.
 *
 *   pf_bench [-q] [-r RUNS] [-o FILE] SITE [SERVER]
 *
 * Measures, on SERVER (default "a") of SITE:
 *  - the seed ruleset (the server's own pf.conf): parse+bind and nft
 *    compile time, model evaluations per second for first packets of new
 *    flows and for later packets that match the states those created,
 *    and the cost of a new context;
 *  - the seed ruleset again with 1,000, 10,000 and 100,000 states of other
 *    connections made first: the same two rates (cost against states);
 *  - a generated ruleset of 10,000 filter rules over the server's
 *    interfaces with two inline tables of 100,000 entries each: the same;
 *  - the same generated ruleset with tables of 10, 1,000 and 100,000
 *    entries: the nft rule count (which must not grow: tables stay sets)
 *    next to the set element count (which does).
 * Each figure is measured RUNS times (default 5) and printed as minimum,
 * median and maximum.
 * -q is a quick run with small sizes (for a sanitizer check); -o FILE
 * writes the nft script of the generated ruleset to FILE (for nft -c).
 *
 * Wall-clock times from CLOCK_MONOTONIC, read once per batch of packets
 * (a whole flow set), never per evaluation; each rate is measured over at
 * least min_seconds of evaluation.  First packets start again from
 * pf_eval_reset() (untimed).  -DBENCH_NO_RESET builds it against the
 * model before pf_eval_reset() existed, for a comparison in one run.  Not
 * a library module: it prints.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "pf/pf_nft.h"

/* The sizes of a run. */
struct bench_conf {
	size_t nrules;		/* filter rules, generated ruleset */
	size_t nentries;	/* entries of each generated table */
	size_t sizes[3];	/* table sizes of the growth table */
	size_t nflows;		/* flows in the packet set */
	size_t flat[3];		/* states of the cost-against-states rows */
	size_t min_flows;	/* flows at least, however slow */
	double min_seconds;	/* per measured rate, at least */
};

static const struct bench_conf full_conf = {
	10000, 100000, { 10, 1000, 100000 }, 1000, { 1000, 10000, 100000 },
	100, 1.0,
};
static const struct bench_conf quick_conf = {
	300, 1000, { 10, 100, 1000 }, 64, { 100, 1000, 4000 }, 10, 0.05,
};

/* One packet of the set: where it arrives and what it is. */
struct flow {
	const char *in;		/* host interface, NULL: the host */
	const char *out_member;	/* bridged: the member it leaves by */
	struct pf_packet pkt;
};

struct flowset {
	struct flow *v;
	size_t n, cap;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A small deterministic generator, so that every run uses the same set. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

static struct ipaddr
v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	struct ipaddr x;

	memset(&x, 0, sizeof(x));
	x.family = AF_INET;
	x.bytes[0] = (uint8_t)a;
	x.bytes[1] = (uint8_t)b;
	x.bytes[2] = (uint8_t)c;
	x.bytes[3] = (uint8_t)d;
	return x;
}

static void
flow_add(struct flowset *fs, const char *in, const char *out_member,
    int proto, struct ipaddr src, uint16_t sport, struct ipaddr dst,
    uint16_t dport)
{
	struct flow *f = VEC_PUSH(fs->v, fs->n, fs->cap);

	memset(f, 0, sizeof(*f));
	f->in = in;
	f->out_member = out_member;
	f->pkt.af = AF_INET;
	f->pkt.proto = proto;
	f->pkt.src = src;
	f->pkt.dst = dst;
	f->pkt.icmp_type = f->pkt.icmp_code = -1;
	if (proto == IPPROTO_ICMP) {
		f->pkt.icmp_type = 8;	/* echo request */
		f->pkt.icmp_code = 0;
	} else {
		f->pkt.sport = sport;
		f->pkt.dport = dport;
	}
	if (proto == IPPROTO_TCP)
		f->pkt.flags = PF_TH_SYN;
}

/*
 * ${n} first packets of distinct flows through a server shaped like the
 * example's: web clients (rdr'ed to nginx), peers' ssh, denied ports,
 * sources in the generated tables, a jail's DNS and HTTPS (nat'ed), the
 * host's NTP, the pg tunnel bridged out of inic, pings.
 */
static void
flows_make(struct flowset *fs, size_t n)
{
	const struct ipaddr self = v4(192, 0, 2, 155);
	const struct ipaddr node_j = v4(10, 0, 2, 30);
	uint32_t seed = 2463534242u;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t r = rnd(&seed);
		uint16_t sport = (uint16_t)(20000 + i % 40000);
		struct ipaddr client = v4(198, 51, 100, 2 + r % 250);
		/* An entry of the generated tables (stride 2 from
		   100.64.0.0) or a neighbour that is not in them. */
		uint32_t k = (r >> 8) % 1000;
		struct ipaddr tabled = v4(100, 64, (2 * k) >> 8,
		    ((2 * k) & 255) + (r & 1));

		switch (i % 10) {
		case 0:
			flow_add(fs, "xnic", NULL, IPPROTO_TCP, client, sport,
			    self, 443);
			break;
		case 1:
			flow_add(fs, "xnic", NULL, IPPROTO_TCP, client, sport,
			    self, 80);
			break;
		case 2:
			flow_add(fs, "xnic", NULL, IPPROTO_TCP,
			    v4(203, 0, 113, 10), sport, self,
			    (uint16_t)(2220 + 10 * (r % 3)));
			break;
		case 3:
			flow_add(fs, "xnic", NULL, IPPROTO_TCP, client, sport,
			    self, (uint16_t)(1 + r % 30000));
			break;
		case 4:
			flow_add(fs, "xnic", NULL, IPPROTO_TCP, tabled, sport,
			    self, (uint16_t)(10000 + r % 5000));
			break;
		case 5:
			flow_add(fs, "node_a", NULL, IPPROTO_UDP, node_j, sport,
			    v4(203, 0, 113, 53 + r % 2), 53);
			break;
		case 6:
			flow_add(fs, "node_a", NULL, IPPROTO_TCP, node_j, sport,
			    v4(203, 0, 113, 80), 443);
			break;
		case 7:
			flow_add(fs, NULL, NULL, IPPROTO_UDP,
			    v4(192, 168, 56, 110), sport, v4(192, 168, 56, 2),
			    123);
			break;
		case 8:
			flow_add(fs, "ipg_a", "inic", IPPROTO_TCP,
			    v4(192, 168, 56, 40), sport, v4(192, 168, 56, 41),
			    5434);
			break;
		default:
			flow_add(fs, "xnic", NULL, r & 1 ? IPPROTO_UDP :
			    IPPROTO_ICMP, client, sport, self,
			    (uint16_t)(1 + r % 60000));
			break;
		}
	}
}

/* Did any stage of ${res} create a state? */
static bool
created_state(const struct pf_eval_result *res)
{
	size_t i;

	for (i = 0; i < res->nstages; i++)
		if (res->stages[i].state_created)
			return true;
	return false;
}

/* Did every filter stage of ${res} pass by a state? */
static bool
all_by_state(const struct pf_eval_result *res)
{
	size_t i;

	for (i = 0; i < res->nstages; i++)
		if (res->stages[i].how != PF_EVAL_BY_STATE &&
		    res->stages[i].how != PF_EVAL_SKIPPED)
			return false;
	return res->nstages > 0;
}

static bool
passed(const struct pf_eval_result *res)
{
	return res->fate != PF_FATE_BLOCKED && res->fate != PF_FATE_DROPPED &&
	    res->fate != PF_FATE_ERROR;
}

struct rate {
	size_t evals;
	double seconds;
};

static double
rate_per_second(const struct rate *r)
{
	return r->seconds > 0 ? (double)r->evals / r->seconds : 0;
}

/*
 * Make ${*ctx} a context with no states: pf_eval_reset() (new the first
 * time).  Built with -DBENCH_NO_RESET, for the model before it had one (to
 * compare in one run): a new context each time.  Never timed.
 */
static void
ctx_fresh(struct pf_eval **ctx, const struct pf_bound *b)
{
#ifdef BENCH_NO_RESET
	pf_eval_free(*ctx);
	*ctx = pf_eval_new(b);
#else
	if (*ctx == NULL)
		*ctx = pf_eval_new(b);
	else
		pf_eval_reset(*ctx);
#endif
}

/*
 * First packets: send the flows of ${fs} in turn to a context with no
 * states, timing the set as one batch (no clock read per packet); when the
 * set is used up, start again from a context without states (ctx_fresh(),
 * outside the timing).  Stop after ${min} seconds of evaluation and
 * ${min_flows} packets (or the set) at least; a ruleset too slow for a
 * whole set in a quarter of ${min} is timed in batches of ${min_flows}.
 * Count the passes and blocks of the first round (of the flows evaluated,
 * when a slow ruleset does not get through the set) in ${npass} and
 * ${nblock}.  Return -1 if the model could not evaluate a packet.
 */
static int
bench_first(const struct pf_bound *b, const struct flowset *fs, double min,
    size_t min_flows, struct rate *out, size_t *npass, size_t *nblock)
{
	struct pf_eval_result res;
	struct pf_eval *ctx = NULL;
	size_t i = fs->n, start, end, rounds = 0, batch = fs->n;
	double t0, t;

	out->evals = 0;
	out->seconds = 0;
	*npass = *nblock = 0;
	if (min_flows > fs->n)
		min_flows = fs->n;
	if (min_flows == 0)
		return 0;
	while (out->seconds < min || out->evals < min_flows) {
		if (i == fs->n) {
			ctx_fresh(&ctx, b);
			i = 0;
			rounds++;
		}
		start = i;
		end = i + batch < fs->n ? i + batch : fs->n;
		t0 = now_seconds();
		for (; i < end; i++) {
			if (pf_eval_packet(ctx, fs->v[i].in,
			    fs->v[i].out_member, &fs->v[i].pkt,
			    out->evals + (i - start), &res) != 0) {
				fprintf(stderr, "pf_bench: flow %zu: %s\n", i,
				    res.reason);
				pf_eval_free(ctx);
				return -1;
			}
			if (rounds == 1) {
				if (passed(&res))
					(*npass)++;
				else
					(*nblock)++;
			}
			/* Slow: a first batch of min_flows only. */
			if (rounds == 1 && i + 1 == min_flows &&
			    now_seconds() - t0 > min / 4) {
				i++;
				break;
			}
		}
		t = now_seconds() - t0;
		out->seconds += t;
		out->evals += i - start;
		if (rounds == 1 && start == 0 && i < end)
			batch = min_flows;
	}
	pf_eval_free(ctx);
	return 0;
}

/* Keep in ${next} the flows of ${fs} that passed and made a state in
   ${ctx}, each as its next packet (TCP with ACK), sending at most the
   first ${limit} flows or, after ${min_flows}, those that fit in ${secs}
   seconds; return how many were sent. */
static size_t
flows_stateful(struct pf_eval *ctx, const struct flowset *fs, size_t limit,
    size_t min_flows, double secs, struct flowset *next)
{
	struct pf_eval_result res;
	double setup = now_seconds() + secs;
	size_t i;

	for (i = 0; i < fs->n && i < limit &&
	    (i < min_flows || (i % 64 != 0 || now_seconds() < setup)); i++) {
		struct flow *f;

		pf_eval_packet(ctx, fs->v[i].in, fs->v[i].out_member,
		    &fs->v[i].pkt, 0, &res);
		if (!passed(&res) || !created_state(&res))
			continue;
		f = VEC_PUSH(next->v, next->n, next->cap);
		*f = fs->v[i];
		if (f->pkt.proto == IPPROTO_TCP)
			f->pkt.flags = PF_TH_ACK;
	}
	return i;
}

/* Time the packets of ${next} against ${ctx} in batches of the whole set
   for ${min} seconds at least; -1 if one did not match its state. */
static int
time_matches(struct pf_eval *ctx, const struct flowset *next, double min,
    struct rate *out)
{
	struct pf_eval_result res;
	size_t i;
	double t0;
	int rc = 0;

	out->evals = 0;
	out->seconds = 0;
	while (next->n > 0 && out->seconds < min && rc == 0) {
		t0 = now_seconds();
		for (i = 0; i < next->n; i++) {
			pf_eval_packet(ctx, next->v[i].in,
			    next->v[i].out_member, &next->v[i].pkt, 1000,
			    &res);
			if (!all_by_state(&res)) {
				fprintf(stderr, "pf_bench: flow %zu did not "
				    "match its state\n", i);
				rc = -1;
				break;
			}
		}
		out->seconds += now_seconds() - t0;
		out->evals += i;
	}
	return rc;
}

/*
 * Packets matching states: send the flows once (untimed; when the ruleset
 * is slow, as many as fit in ${min} seconds but ${min_flows} at least),
 * keep those that passed and created a state, and time their next packet
 * (TCP with ACK) over and over, in batches of the whole set.  Store the
 * number of flows sent in ${nsent}, of those kept in ${nflows} and the
 * context's states in ${nstates}.  Return -1 if a packet meant to match a
 * state did not.
 */
static int
bench_states(const struct pf_bound *b, const struct flowset *fs, double min,
    size_t min_flows, struct rate *out, size_t *nsent, size_t *nflows,
    size_t *nstates)
{
	struct pf_eval *ctx = pf_eval_new(b);
	struct flowset next = { 0 };
	int rc;

	*nsent = flows_stateful(ctx, fs, fs->n, min_flows, min, &next);
	*nflows = next.n;
	*nstates = pf_eval_nstates(ctx);
	rc = time_matches(ctx, &next, min, out);
	free(next.v);
	pf_eval_free(ctx);
	return rc;
}

/*
 * ${n} first packets of distinct web connections (198.51.100.252 to .254,
 * every source port from 1024), each of which the seed ruleset passes
 * with two states: the background of bench_flat().
 */
static void
flows_background(struct flowset *fs, size_t n)
{
	const struct ipaddr self = v4(192, 0, 2, 155);
	size_t i;

	for (i = 0; i < n; i++)
		flow_add(fs, "xnic", NULL, IPPROTO_TCP,
		    v4(198, 51, 100, 252 + (unsigned)(i / 64512 % 3)),
		    (uint16_t)(1024 + i % 64512), self, 443);
}

/*
 * The generated ruleset: ${nrules} filter rules (after expansion) over the
 * example server's interfaces, tables <bench_clients> and <bench_servers>
 * of ${nentries} entries each, written inline.  One rule in 100 uses a
 * table, as firewalls do: a few rules, large tables.  Store the number of
 * rules naming a table in ${ntabled}.
 */
static void
ruleset_make(struct strbuf *out, size_t nrules, size_t nentries,
    size_t *ntabled)
{
	static const char *const tables[] = { "bench_clients",
	    "bench_servers" };
	size_t t, k, i, nfixed = 12;	/* antispoof's 2, 2 blocks and the
					   8 quick passes at the end */

	strbuf_addf(out, "# generated by pf_bench: %zu filter rules, tables "
	    "of %zu entries\n", nrules, nentries);
	strbuf_adds(out, "jail_net = \"10.0.2/24\"\nnginx_j = \"10.0.2.20\"\n"
	    "table <ratelimit> persist\n");
	for (t = 0; t < 2; t++) {
		/* Hosts two apart, so that no two entries merge into a
		   range; every 64th a /31 (networks too, not overlapping). */
		strbuf_addf(out, "table <%s> persist {", tables[t]);
		for (k = 0; k < nentries; k++) {
			uint32_t a = 2 * (uint32_t)k;

			strbuf_addf(out, "%s%u.%u.%u.%u%s", k % 8 ? " " :
			    " \\\n   ", t == 0 ? 100 : 172,
			    t == 0 ? 64 + (a >> 16) : 16 + (a >> 16),
			    (a >> 8) & 255, a & 255, k % 64 ? "" : "/31");
		}
		strbuf_adds(out, " }\n");
	}
	strbuf_adds(out, "scrub in all fragment reassemble no-df\n"
	    "nat on xnic from $jail_net -> (xnic:0)\n"
	    "rdr on xnic proto tcp from any to port { 443 80 } -> $nginx_j\n"
	    "antispoof quick for xnic\n"
	    "block in quick on xnic from <ratelimit>\n"
	    "block all\n");
	*ntabled = 0;
	for (i = 0; i + nfixed < nrules; i++) {
		unsigned p = 1024 + (unsigned)(i * 7 % 60000);
		unsigned a = (unsigned)(i / 250 % 256), h = (unsigned)(i % 250);

		if (i % 100 == 0) {
			strbuf_addf(out, "pass in on xnic proto tcp from <%s> "
			    "to any port %u:%u\n", tables[i / 100 % 2],
			    10000 + (unsigned)(i % 5000),
			    10100 + (unsigned)(i % 5000));
			(*ntabled)++;
			continue;
		}
		if (i % 100 == 50) {
			strbuf_addf(out, "pass out on xnic proto tcp from any "
			    "to <%s> port %u\n", tables[i / 100 % 2], p);
			(*ntabled)++;
			continue;
		}
		switch (i % 8) {
		case 0:
			strbuf_addf(out, "pass in on xnic proto tcp from "
			    "198.51.%u.%u to 192.0.2.155 port %u\n", a, h + 1,
			    p);
			break;
		case 1:
			strbuf_addf(out, "block in on xnic proto udp from any "
			    "to any port %u\n", p);
			break;
		case 2:
			strbuf_addf(out, "pass in on xbridge proto tcp from "
			    "10.0.2.%u to any port %u keep state\n",
			    h % 200 + 2, p);
			break;
		case 3:
			strbuf_addf(out, "block out on inic proto tcp from any "
			    "to 192.168.%u.0/24 port != %u\n", a, p);
			break;
		case 4:
			strbuf_addf(out, "pass in on xnic proto udp from "
			    "203.0.%u.0/24 to any port %u\n", a, p);
			break;
		case 5:
			strbuf_addf(out, "pass in on xnic proto tcp from any "
			    "to any port %u >< %u flags S/SA modulate state\n",
			    p, p + 10);
			break;
		case 6:
			strbuf_addf(out, "pass out on xnic proto udp from "
			    "$jail_net to any port %u\n", p);
			break;
		default:
			strbuf_addf(out, "block return in on ! inic proto icmp "
			    "from 198.18.%u.%u\n", a, h);
			break;
		}
	}
	/* What the web and jail flows need to pass, last so that they win
	   (nfixed counts these rules too). */
	strbuf_adds(out, "pass in quick on xnic proto tcp to port { 443 80 } "
	    "keep state (max-src-conn-rate 100/10, overload <ratelimit> "
	    "flush global)\n"
	    "pass out quick on xbridge proto tcp to $nginx_j port { 443 80 }\n"
	    "pass in quick on { node_a xbridge } from 10.0.2.30\n"
	    "pass out quick on xnic proto { tcp udp }\n");
}

/* Compiled nft text: rules inside chains, those using a set, elements. */
struct nft_counts {
	size_t rules;
	size_t set_rules;
	size_t elements;
};

static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void
nft_count(const char *text, struct nft_counts *c)
{
	const char *line = text, *end, *s;
	bool in_chain = false, in_elems = false;

	memset(c, 0, sizeof(*c));
	for (; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		s = skip_blank(line);
		if (in_elems) {
			const char *q;

			for (q = s; q < end; q++)
				if (*q == ',')
					c->elements++;
			if (end > s && end[-1] == '}') {
				c->elements++;
				in_elems = false;
			}
			continue;
		}
		if (str_has_prefix(s, "elements = {")) {
			in_elems = true;
			/* The first element shares the line. */
			line = s + strlen("elements = {");
			end = line - 1;
			continue;
		}
		if (str_has_prefix(s, "chain ")) {
			in_chain = true;
			continue;
		}
		if (!in_chain || s == end || *s == '#' ||
		    str_has_prefix(s, "type "))
			continue;
		if (*s == '}') {
			in_chain = false;
			continue;
		}
		c->rules++;
		/* Table sets are t_NAME_v4/6 ("pf @N" is a comment). */
		if (memmem(s, (size_t)(end - s), "@t_", 3) != NULL)
			c->set_rules++;
	}
}

static size_t
table_entries(const struct pf_bound *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->ntables; i++)
		n += b->tables[i].nentries;
	return n;
}

/* Bind ${text} to ${srv} and time it; NULL (diagnostics printed) if it
   does not bind. */
static struct pf_bound *
bind_text(const struct site *site, const struct server *srv,
    const struct strbuf *text, double *seconds)
{
	struct pf_bound *b;
	struct diags d;
	double t0;

	diags_init(&d);
	t0 = now_seconds();
	b = pf_bind_source(site, srv, source_new("generated.pf.conf",
	    strbuf_cstr(text), text->len), &d);
	*seconds = now_seconds() - t0;
	if (b == NULL || diags_has_errors(&d))
		diags_print(&d, stderr);
	diags_free(&d);
	return b;
}

/* Bind the server's own pf.conf and time it; NULL (diagnostics printed)
   if it does not bind. */
static struct pf_bound *
bind_own(const struct site *site, const struct server *srv, double *seconds)
{
	struct pf_bound *b;
	struct diags d;
	double t0;

	diags_init(&d);
	t0 = now_seconds();
	b = pf_bind(site, srv, &d);
	*seconds = now_seconds() - t0;
	if (b == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	return b;
}

/* Compile ${b}, time it and count the result; write it to ${save}
   unless NULL. */
static int
compile(const struct pf_bound *b, double *seconds, struct nft_counts *c,
    size_t *bytes, const char *save)
{
	struct strbuf out = { 0 };
	struct diags d;
	double t0;
	int rc;

	diags_init(&d);
	t0 = now_seconds();
	rc = pf_nft_compile(b, &out, &d);
	*seconds = now_seconds() - t0;
	if (rc != 0)
		diags_print(&d, stderr);
	diags_free(&d);
	nft_count(out.len ? strbuf_cstr(&out) : "", c);
	*bytes = out.len;
	if (rc == 0 && save != NULL) {
		FILE *f = fopen(save, "w");

		if (f == NULL || fwrite(out.s, 1, out.len, f) != out.len) {
			fprintf(stderr, "pf_bench: cannot write %s\n", save);
			rc = -1;
		}
		if (f != NULL && fclose(f) != 0)
			rc = -1;
	}
	strbuf_free(&out);
	return rc;
}

/*
 * Every figure is measured ${runs} times; a row prints the minimum, the
 * median and the maximum, because one run on a shared machine says little.
 */
#define MAX_RUNS 50

struct spread {
	double v[MAX_RUNS];
	size_t n;
};

static void
spread_add(struct spread *s, double v)
{
	if (s->n < MAX_RUNS)
		s->v[s->n++] = v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The minimum, median and maximum of ${s} in ${out}[0..2]. */
static void
spread_stats(const struct spread *s, double out[3])
{
	double v[MAX_RUNS];

	out[0] = out[1] = out[2] = 0;
	if (s->n == 0)
		return;
	memcpy(v, s->v, s->n * sizeof(v[0]));
	qsort(v, s->n, sizeof(v[0]), cmp_double);
	out[0] = v[0];
	out[1] = s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
	out[2] = v[s->n - 1];
}

/* One row: LABEL, min, median and max with ${decimals}, then UNIT and
   ${note}. */
static void
spread_print(const char *label, const struct spread *s, int decimals,
    const char *unit, const char *note)
{
	double st[3];

	spread_stats(s, st);
	printf("  %-14s %12.*f %12.*f %12.*f %-7s %s\n", label, decimals,
	    st[0], decimals, st[1], decimals, st[2], unit, note);
}

static void
spread_header(size_t runs)
{
	printf("  %-14s %12s %12s %12s         (%zu runs each)\n", "", "min",
	    "median", "max", runs);
}

/*
 * Cost against the number of states: for each size, a context holding
 * about that many states of other connections (made untimed, at most
 * ${setup_max} seconds of it), then the flows of ${fs}: their first
 * packets as one batch (the median of three such contexts), and (in a
 * fourth) their state matches timed in batches as in bench_states().  One
 * row per size.
 */
static int
bench_flat(const struct pf_bound *b, const struct flowset *fs,
    const struct bench_conf *conf, double setup_max)
{
	struct flowset bg = { 0 };
	size_t k;
	int rc = 0;

	flows_background(&bg, conf->flat[2] / 2);
	printf("cost against live states (the seed ruleset; other "
	    "connections' states made first, untimed):\n");
	printf("  %14s %14s %16s %18s\n", "states wanted", "states live",
	    "first evals/s", "state matches/s");
	for (k = 0; k < 3 && rc == 0; k++) {
		struct pf_eval *ctx = NULL;
		struct pf_eval_result res;
		struct flowset next = { 0 }, junk = { 0 };
		struct spread fr = { 0 };
		struct rate hits, first;
		size_t i, r, live = 0;
		double t0, st[3];

		/* First packets: one batch of the set on each of three such
		   contexts, the median (one batch is short). */
		for (r = 0; r < 3; r++) {
			pf_eval_free(ctx);
			ctx = pf_eval_new(b);
			junk.n = 0;
			flows_stateful(ctx, &bg, conf->flat[k] / 2, 0,
			    setup_max, &junk);
			live = pf_eval_nstates(ctx);
			t0 = now_seconds();
			for (i = 0; i < fs->n; i++)
				pf_eval_packet(ctx, fs->v[i].in,
				    fs->v[i].out_member, &fs->v[i].pkt, 0,
				    &res);
			first.seconds = now_seconds() - t0;
			first.evals = fs->n;
			spread_add(&fr, rate_per_second(&first));
		}
		spread_stats(&fr, st);
		first.evals = (size_t)st[1];
		first.seconds = 1;
		pf_eval_free(ctx);
		ctx = pf_eval_new(b);
		junk.n = 0;
		flows_stateful(ctx, &bg, conf->flat[k] / 2, 0, setup_max,
		    &junk);
		flows_stateful(ctx, fs, fs->n, fs->n, 0, &next);
		rc = time_matches(ctx, &next, conf->min_seconds, &hits);
		printf("  %14zu %14zu %16.0f %18.0f%s\n", conf->flat[k], live,
		    rate_per_second(&first), rate_per_second(&hits),
		    live + 10 < conf->flat[k] ? "  (setup stopped: too slow)" :
		    "");
		free(next.v);
		free(junk.v);
		pf_eval_free(ctx);
	}
	free(bg.v);
	return rc;
}

/* Both rates for ${b}, each ${runs} times, printed; -1 if the model
   failed. */
static int
bench_rates(const struct pf_bound *b, const struct flowset *fs,
    const struct bench_conf *conf, size_t runs)
{
	struct spread first = { 0 }, hits = { 0 }, ctx_ms = { 0 };
	struct rate r;
	size_t npass = 0, nblock = 0, nsent = 0, nstateful = 0, nstates = 0;
	size_t i, nfirst = 0, nhits = 0;
	char note[256];

	for (i = 0; i < runs; i++) {
		double t0 = now_seconds();

		pf_eval_free(pf_eval_new(b));
		spread_add(&ctx_ms, (now_seconds() - t0) * 1e3);
		if (bench_first(b, fs, conf->min_seconds, conf->min_flows, &r,
		    &npass, &nblock) != 0)
			return -1;
		spread_add(&first, rate_per_second(&r));
		nfirst = r.evals;
		if (bench_states(b, fs, conf->min_seconds, conf->min_flows,
		    &r, &nsent, &nstateful, &nstates) != 0)
			return -1;
		spread_add(&hits, rate_per_second(&r));
		nhits = r.evals;
	}
	spread_print("new context", &ctx_ms, 3, "ms", "(pf_eval_new + "
	    "pf_eval_free, untimed in the rates)");
	snprintf(note, sizeof(note), "(>= %.2f s per run, %zu evals in the "
	    "last; new flows from a set of %zu, the first %zu: %zu pass, %zu "
	    "blocked)", conf->min_seconds, nfirst, fs->n, npass + nblock,
	    npass, nblock);
	spread_print("first packets", &first, 0, "evals/s", note);
	snprintf(note, sizeof(note), "(%zu evals in the last; next packet of "
	    "the %zu of %zu flows sent that made states; %zu states live)",
	    nhits, nstateful, nsent, nstates);
	spread_print("state matches", &hits, 0, "evals/s", note);
	return 0;
}

/*
 * Bind ${text} (or, NULL, the server's own pf.conf) and compile it, each
 * ${runs} times; print both rows and return the last binding (NULL on
 * failure, diagnostics printed).  The last compile's counts go to ${c}.
 */
static struct pf_bound *
bench_bind_compile(const struct site *site, const struct server *srv,
    const struct strbuf *text, size_t runs, int decimals, const char *save,
    struct nft_counts *c)
{
	struct spread tb = { 0 }, tc = { 0 };
	struct pf_bound *b = NULL;
	size_t i, bytes = 0;
	double t;
	char note[256];

	for (i = 0; i < runs; i++) {
		pf_bound_free(b);
		b = text != NULL ? bind_text(site, srv, text, &t) :
		    bind_own(site, srv, &t);
		if (b == NULL)
			return NULL;
		spread_add(&tb, t * 1e3);
		if (compile(b, &t, c, &bytes, i + 1 == runs ? save : NULL)
		    != 0) {
			pf_bound_free(b);
			return NULL;
		}
		spread_add(&tc, t * 1e3);
	}
	spread_print("parse+bind", &tb, decimals, "ms", "");
	snprintf(note, sizeof(note), "(%zu nft rules, %zu using sets, %zu set "
	    "elements, %zu bytes)", c->rules, c->set_rules, c->elements, bytes);
	spread_print("nft compile", &tc, decimals, "ms", note);
	return b;
}

static int
bench_seed(const struct site *site, const struct server *srv,
    const struct bench_conf *conf, const struct flowset *fs, size_t runs)
{
	struct nft_counts c;
	struct pf_bound *b;
	double t;
	int rc;


	b = bind_own(site, srv, &t);
	if (b == NULL)
		return -1;
	printf("seed ruleset (%s, server %s): %zu filter, %zu nat, %zu rdr "
	    "rules; %zu tables, %zu entries\n", site->dir, srv->name,
	    b->rs->rules[PF_RS_FILTER].n, b->rs->rules[PF_RS_NAT].n,
	    b->rs->rules[PF_RS_RDR].n, b->ntables, table_entries(b));
	pf_bound_free(b);
	spread_header(runs);
	b = bench_bind_compile(site, srv, NULL, runs, 3, NULL, &c);
	if (b == NULL)
		return -1;
	rc = bench_rates(b, fs, conf, runs);
	pf_bound_free(b);
	return rc;
}

static int
bench_flat_seed(const struct site *site, const struct server *srv,
    const struct bench_conf *conf, const struct flowset *fs)
{
	struct pf_bound *b;
	double t;
	int rc;

	b = bind_own(site, srv, &t);
	if (b == NULL)
		return -1;
	rc = bench_flat(b, fs, conf, conf == &quick_conf ? 1 : 2);
	pf_bound_free(b);
	return rc;
}

static int
bench_big(const struct site *site, const struct server *srv,
    const struct bench_conf *conf, const struct flowset *fs, const char *save,
    size_t runs)
{
	struct strbuf text = { 0 };
	struct nft_counts c;
	struct pf_bound *b;
	size_t ntabled;
	double tbind;
	int rc = -1;

	ruleset_make(&text, conf->nrules, conf->nentries, &ntabled);
	b = bind_text(site, srv, &text, &tbind);
	if (b == NULL)
		goto out;
	printf("generated ruleset: %zu filter rules (%zu naming a table), "
	    "%zu nat, %zu rdr; %zu tables, %zu entries; %zu bytes of "
	    "pf.conf\n", b->rs->rules[PF_RS_FILTER].n, ntabled,
	    b->rs->rules[PF_RS_NAT].n, b->rs->rules[PF_RS_RDR].n, b->ntables,
	    table_entries(b), text.len);
	pf_bound_free(b);
	spread_header(runs);
	b = bench_bind_compile(site, srv, &text, runs, 1, save, &c);
	if (b == NULL)
		goto out;
	rc = bench_rates(b, fs, conf, runs);
out:
	pf_bound_free(b);
	strbuf_free(&text);
	return rc;
}

/* The nft rule count against table size, the rest of the ruleset fixed;
   the compile time and first-packet rate as median (min-max) of ${runs}. */
static int
bench_growth(const struct site *site, const struct server *srv,
    const struct bench_conf *conf, const struct flowset *fs, size_t runs)
{
	size_t i, r;

	printf("nft size vs table size (the generated %zu-rule ruleset, two "
	    "tables; times: median (min-max) of %zu runs):\n", conf->nrules,
	    runs);
	printf("  %14s %9s %10s %12s %14s %22s %28s\n", "entries/table",
	    "pf rules", "nft rules", "using sets", "set elements",
	    "compile ms", "first evals/s");
	for (i = 0; i < 3; i++) {
		struct spread tc = { 0 }, rf = { 0 };
		struct strbuf text = { 0 };
		struct nft_counts c;
		struct pf_bound *b = NULL;
		struct rate first;
		size_t ntabled, bytes, npass, nblock;
		double tbind, tnft, sc[3], sr[3];
		char col1[64], col2[64];
		int rc = 0;

		ruleset_make(&text, conf->nrules, conf->sizes[i], &ntabled);
		for (r = 0; r < runs && rc == 0; r++) {
			pf_bound_free(b);
			b = bind_text(site, srv, &text, &tbind);
			if (b == NULL || compile(b, &tnft, &c, &bytes, NULL) != 0 ||
			    bench_first(b, fs, conf->min_seconds,
			    conf->min_flows, &first, &npass, &nblock) != 0) {
				rc = -1;
				break;
			}
			spread_add(&tc, tnft * 1e3);
			spread_add(&rf, rate_per_second(&first));
		}
		if (rc == 0) {
			spread_stats(&tc, sc);
			spread_stats(&rf, sr);
			snprintf(col1, sizeof(col1), "%.1f (%.1f-%.1f)", sc[1],
			    sc[0], sc[2]);
			snprintf(col2, sizeof(col2), "%.0f (%.0f-%.0f)", sr[1],
			    sr[0], sr[2]);
			printf("  %14zu %9zu %10zu %12zu %14zu %22s %28s\n",
			    conf->sizes[i], b->rs->rules[PF_RS_FILTER].n,
			    c.rules, c.set_rules, c.elements, col1, col2);
		}
		pf_bound_free(b);
		strbuf_free(&text);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* RUNS of -r: 1 to MAX_RUNS. */
static bool
parse_runs(const char *s, size_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end != '\0' || v < 1 || v > MAX_RUNS)
		return false;
	*out = v;
	return true;
}

int
main(int argc, char **argv)
{
	const struct bench_conf *conf = &full_conf;
	const char *server_name = "a", *save = NULL;
	struct flowset fs = { 0 };
	struct server *srv;
	struct site *site;
	struct diags d;
	double load[3] = { 0, 0, 0 };
	size_t runs = 5;
	int argi = 1, rc = 1;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (str_eq(argv[argi], "-q"))
			conf = &quick_conf;
		else if (str_eq(argv[argi], "-o") && argi + 1 < argc)
			save = argv[++argi];
		else if (str_eq(argv[argi], "-r") && argi + 1 < argc) {
			if (!parse_runs(argv[++argi], &runs)) {
				fprintf(stderr, "pf_bench: -r %.20s: not a "
				    "number of runs from 1 to %d\n",
				    argv[argi], MAX_RUNS);
				return 2;
			}
		}
		else
			break;
	}
	if (argi >= argc || argc - argi > 2 || argv[argi][0] == '-') {
		fprintf(stderr, "usage: pf_bench [-q] [-r RUNS (1-%d)] "
		    "[-o FILE] SITE [SERVER]\n", MAX_RUNS);
		return 2;
	}
	if (argi + 1 < argc)
		server_name = argv[argi + 1];
	diags_init(&d);
	site = site_load(argv[argi], &d);
	if (site == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	if (site == NULL)
		return 1;
	srv = site_server(site, server_name);
	if (srv == NULL || !srv->pf_enable) {
		fprintf(stderr, "pf_bench: no server %s with pf in %s\n",
		    server_name, argv[argi]);
		goto out;
	}
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	printf("pf model and nft compiler benchmark%s: %ld CPUs online, load "
	    "average %.2f %.2f %.2f\n", conf == &quick_conf ? " (quick)" : "",
	    sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2]);
	printf("(a busy shared 2-core machine: wall-clock numbers vary from "
	    "run to run; single-threaded)\n");
	flows_make(&fs, conf->nflows);
	if (bench_seed(site, srv, conf, &fs, runs) != 0 ||
	    bench_flat_seed(site, srv, conf, &fs) != 0 ||
	    bench_big(site, srv, conf, &fs, save, runs) != 0 ||
	    bench_growth(site, srv, conf, &fs, runs) != 0)
		goto out;
	rc = 0;
out:
	free(fs.v);
	site_free(site);
	return rc;
}
