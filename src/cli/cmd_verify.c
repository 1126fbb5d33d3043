/* cmd_verify: `jailnet verify` and `jailnet trace` (see cmd_verify.h). */
#include "cli/cmd_verify.h"

#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/trace_text.h"
#include "cli/verify_live.h"
#include "lib/util.h"
#include "pf/pf.h"
#include "verify/intent.h"
#include "verify/matrix.h"
#include "verify/space.h"
#include "verify/walk.h"
#include "verify/world.h"

/* The biggest intent file read. */
#define INTENT_MAX (1024 * 1024)

static const char *
fate_name(enum whop_fate f)
{
	static const char *const names[] = { "delivered", "onward",
	    "beyond", "blocked", "dropped", "unsupported" };

	return names[f];
}

static json_t *
packet_json(const struct pf_packet *p)
{
	struct strbuf sb = { 0 };
	json_t *o;

	trace_add_packet(p, &sb);
	o = json_string(strbuf_cstr(&sb));
	strbuf_free(&sb);
	return o;
}

static json_t *
hop_json(const struct world *w, const struct whop *h)
{
	json_t *o = json_object(), *passes = json_array();
	size_t i;

	json_object_set_new(o, "place", json_string(w->nodes[h->node].name));
	json_object_set_new(o, "in", h->in_port == NO_INDEX ? json_null() :
	    json_string(w->ports[h->in_port].ifname));
	json_object_set_new(o, "packet", packet_json(&h->pkt));
	json_object_set_new(o, "out_packet", packet_json(&h->out));
	json_object_set_new(o, "fate", json_string(fate_name(h->fate)));
	if (h->fate == WHOP_ONWARD) {
		struct ipaddr nh = v4addr(h->nexthop);
		char buf[IPADDR_STRLEN];

		json_object_set_new(o, "out", json_string(
		    w->ports[h->out_port].ifname));
		json_object_set_new(o, "nexthop", json_string(
		    ipaddr_format(&nh, buf)));
		json_object_set_new(o, "next", json_string(
		    w->nodes[w->ports[h->next_port].node].name));
	}
	if (h->reason[0] != '\0')
		json_object_set_new(o, "reason", json_string(h->reason));
	for (i = 0; h->has_pf && i < h->pf.nstages; i++) {
		const struct pf_eval_stage *st = &h->pf.stages[i];
		json_t *s = json_object();
		const struct pf_rule *r = st->rule != NULL ? st->rule :
		    st->xlate;

		json_object_set_new(s, "dir", json_string(st->dir ==
		    PF_DIR_IN ? "in" : "out"));
		json_object_set_new(s, "interface", json_string(st->ifname));
		json_object_set_new(s, "pass", json_boolean(st->pass));
		json_object_set_new(s, "by", json_string(
		    st->how == PF_EVAL_BY_RULE ? "rule" :
		    st->how == PF_EVAL_BY_DEFAULT ? "default" :
		    st->how == PF_EVAL_BY_STATE ? "state" :
		    st->how == PF_EVAL_BY_XLATE_PASS ? "translation" :
		    "skip"));
		if (r != NULL && r->loc.src != NULL &&
		    st->how != PF_EVAL_BY_STATE) {
			json_object_set_new(s, "file",
			    json_string(r->loc.src->path));
			json_object_set_new(s, "line",
			    json_integer(r->loc.line));
			json_object_set_new(s, "rule", json_integer(r->nr));
		}
		if (st->xlate != NULL) {
			json_object_set_new(s, "translation", json_string(
			    pf_action_name(st->xlate->action)));
			json_object_set_new(s, "translated",
			    packet_json(&st->after));
		}
		json_array_append_new(passes, s);
	}
	json_object_set_new(o, "pf", passes);
	return o;
}

static json_t *
flow_json(const struct world *w, const struct wflow *flow)
{
	json_t *legs = json_array();
	size_t i, k;

	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];
		json_t *o = json_object(), *fwd = json_array(),
		    *rep = json_array();

		json_object_set_new(o, "from", json_string(
		    w->nodes[l->from].name));
		json_object_set_new(o, "packet", packet_json(&l->sent));
		if (i > 0 && flow->legs[i - 1].pipe != NULL)
			json_object_set_new(o, "pipe", json_string(
			    flow->legs[i - 1].pipe->name));
		for (k = l->fwd; k < l->fwd + l->nfwd; k++)
			json_array_append_new(fwd, hop_json(w,
			    &flow->hops[k]));
		for (k = l->rep; k < l->rep + l->nrep; k++)
			json_array_append_new(rep, hop_json(w,
			    &flow->hops[k]));
		json_object_set_new(o, "hops", fwd);
		json_object_set_new(o, "reply_hops", rep);
		json_object_set_new(o, "delivered", json_boolean(
		    l->end == WHOP_DELIVERED || l->end == WHOP_BEYOND));
		if (l->end == WHOP_DELIVERED)
			json_object_set_new(o, "to", json_string(
			    w->nodes[l->to].name));
		json_object_set_new(o, "replied", json_boolean(l->replied));
		json_array_append_new(legs, o);
	}
	return legs;
}

/* The site, its world and its space. */

int
verify_site_open(const char *dir, struct verify_site *c)
{
	memset(c, 0, sizeof(*c));
	c->ps = cli_load_site(dir, 0);
	if (c->ps == NULL)
		return -1;
	if ((c->w = cli_world_new(c->ps)) == NULL) {
		pf_site_free(c->ps);
		c->ps = NULL;
		return -1;
	}
	c->vs = vspace_new(c->w);
	return 0;
}

void
verify_site_close(struct verify_site *c)
{
	vspace_free(c->vs);
	world_free(c->w);
	pf_site_free(c->ps);
}

/* The matrix. */

static void
cell_text(const struct world *w, const struct mcell *c, struct strbuf *out)
{
	flow_format(c->proto, &c->ports, c->via != NULL ? c->via->name : NULL,
	    c->via != NULL ? w->nodes[c->via_node].name : NULL, out);
}

static int
run_matrix(struct verify_site *c, bool json)
{
	const struct world *w = c->w;
	json_t *root = json ? json_object() : NULL, *rows = json_array();
	struct strbuf out = { 0 };
	size_t i, j, walks = 0, classes = 0, unsupported = 0;
	double t0 = monotonic_ms();

	if (!json)
		strbuf_addf(&out, "%-16s %-16s %s\n", "FROM", "TO",
		    "DELIVERED, REPLY BACK");
	for (i = 0; i < w->nnodes; i++) {
		struct vresult r;
		struct mrow row;
		const char *from = w->nodes[i].kind == WNODE_ROUTER ?
		    "internet" : w->nodes[i].name;

		/* Folded as found: the internet row of a large site has
		   millions of classes. */
		mrow_init(&row, i);
		vspace_run_each(c->vs, i, VMODE_CONNECT, mrow_add, &row, &r);
		mrow_finish(&row, &r);
		walks += r.walks;
		classes += r.nleaves;
		unsupported += r.unsupported;
		for (j = 0; j < row.ncells; j++) {
			const struct mcell *m = &row.cells[j];
			const char *to = w->nodes[m->to].kind == WNODE_ROUTER ?
			    "internet" : w->nodes[m->to].name;
			struct strbuf cell = { 0 };

			if (m->to == i)
				continue;	/* itself, maybe by its own pipe */
			cell_text(w, m, &cell);
			if (json) {
				json_t *o = json_object();

				json_object_set_new(o, "from", json_string(from));
				json_object_set_new(o, "to", json_string(to));
				json_object_set_new(o, "delivered",
				    json_string(strbuf_cstr(&cell)));
				json_array_append_new(rows, o);
			} else {
				strbuf_addf(&out, "%-16s %-16s %s\n", from, to,
				    strbuf_cstr(&cell));
			}
			strbuf_free(&cell);
		}
		mrow_free(&row);
		vresult_free(&r);
	}
	if (json) {
		json_object_set_new(root, "reach", rows);
		json_object_set_new(root, "classes", json_integer(
		    (json_int_t)classes));
		json_object_set_new(root, "unsupported", json_integer(
		    (json_int_t)unsupported));
		cli_print_json(root);
	} else {
		json_decref(rows);
		strbuf_addf(&out, "%zu classes of packets, %zu walked, %zu the "
		    "model cannot say, in %.0f ms: every IPv4 connection "
		    "(TCP SYN, UDP, ICMP echo) of every source\n", classes,
		    walks, unsupported, monotonic_ms() - t0);
		fputs(strbuf_cstr(&out), stdout);
	}
	strbuf_free(&out);
	return unsupported > 0 ? EXIT_INVALID : 0;
}

/* Intent files. */

static int
read_intent(const struct world *w, const char *path, struct intent *in,
    struct diags *diags)
{
	struct source *src;
	int err = 0;

	src = source_read(path, path, &err);
	if (src == NULL) {
		fprintf(stderr, "jailnet verify: %s: %s\n", path,
		    strerror(err));
		return -1;
	}
	if (src->len > INTENT_MAX) {
		fprintf(stderr, "jailnet verify: %s: larger than %d bytes\n",
		    path, INTENT_MAX);
		source_free(src);
		return -1;
	}
	return intent_parse(w, src, in, diags);
}

static void
show_counterexample(struct verify_site *c, const struct outcome *o,
    struct strbuf *out)
{
	struct wflow flow = { 0 };
	bool walked = walker_run(vspace_walker(c->vs), o->from, &o->packet,
	    &flow) == 0;

	/* The packet as sent: with the source address the place picks. */
	strbuf_adds(out, "  for example: ");
	trace_add_packet(walked && flow.nlegs > 0 ? &flow.legs[0].sent :
	    &o->packet, out);
	strbuf_addc(out, '\n');
	if (walked)
		trace_add_flow(c->w, &flow, out);
	wflow_free(&flow);
}

static int
run_intents(struct verify_site *c, char **files, int nfiles, bool json,
    bool live)
{
	long disagree = 0;
	struct intent *ins = xcalloc((size_t)nfiles + 1, sizeof(*ins));
	struct diags diags;
	struct vcache *vc;
	struct strbuf out = { 0 };
	json_t *arr = json_array();
	size_t held = 0, failed = 0, unsure = 0;
	int i, rc = 0;

	diags_init(&diags);
	for (i = 0; i < nfiles; i++)
		if (read_intent(c->w, files[i], &ins[i], &diags) != 0)
			rc = EXIT_USAGE;
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (rc != 0) {
		for (i = 0; i < nfiles; i++)
			intent_free(&ins[i]);
		free(ins);
		json_decref(arr);
		return rc;
	}
	vc = vcache_new(c->vs);
	for (i = 0; i < nfiles; i++) {
		size_t k, j, n;

		for (k = 0; k < ins[i].n; k++) {
			const struct expect *e = &ins[i].v[k];
			struct outcome *o;

			expect_check(vc, c->w, e, &o, &n);
			for (j = 0; j < n; j++) {
				const char *word = o[j].verdict ==
				    VERDICT_HOLDS ? "ok" : o[j].verdict ==
				    VERDICT_FAILS ? "FAIL" : "CANNOT-SAY";

				held += o[j].verdict == VERDICT_HOLDS;
				failed += o[j].verdict == VERDICT_FAILS;
				unsure += o[j].verdict == VERDICT_CANNOT_SAY;
				if (json) {
					json_t *x = json_object();
					struct strbuf p = { 0 };

					json_object_set_new(x, "file",
					    json_string(files[i]));
					json_object_set_new(x, "line",
					    json_integer(e->loc.line));
					json_object_set_new(x, "expect",
					    json_string(o[j].what));
					json_object_set_new(x, "verdict",
					    json_string(word));
					if (o[j].why != NULL)
						json_object_set_new(x, "why",
						    json_string(o[j].why));
					if (o[j].has_packet) {
						struct wflow flow = { 0 };

						trace_add_packet(&o[j].packet, &p);
						json_object_set_new(x,
						    "packet", json_string(
						    strbuf_cstr(&p)));
						if (walker_run(vspace_walker(
						    c->vs), o[j].from,
						    &o[j].packet, &flow) == 0)
							json_object_set_new(x,
							    "trace", flow_json(
							    c->w, &flow));
						wflow_free(&flow);
					}
					strbuf_free(&p);
					json_array_append_new(arr, x);
				} else {
					strbuf_addf(&out, "%-10s %s:%u: %s", word,
					    files[i], e->loc.line, o[j].what);
					if (!e->reach && o[j].nprobes > 0)
						strbuf_addf(&out, " (%zu classes)",
						    o[j].nprobes);
					strbuf_addc(&out, '\n');
					if (o[j].why != NULL)
						strbuf_addf(&out, "  %s\n",
						    o[j].why);
					if (o[j].verdict != VERDICT_HOLDS &&
					    o[j].has_packet)
						show_counterexample(c, &o[j],
						    &out);
				}
				outcome_free(&o[j]);
			}
			free(o);
		}
	}
	vcache_free(vc);
	if (live) {
		struct strbuf err = { 0 };

		disagree = verify_live(c->ps->site->name, c->w,
		    vspace_walker(c->vs), ins, files, (size_t)nfiles, &out,
		    &err);
		fputs(strbuf_cstr(&err), stderr);
		strbuf_free(&err);
	}
	if (json) {
		json_t *root = json_object();

		json_object_set_new(root, "expectations", arr);
		json_object_set_new(root, "held", json_integer((json_int_t)held));
		json_object_set_new(root, "failed",
		    json_integer((json_int_t)failed));
		json_object_set_new(root, "cannot_say",
		    json_integer((json_int_t)unsure));
		cli_print_json(root);
	} else {
		json_decref(arr);
		strbuf_addf(&out, "%zu held, %zu failed, %zu the model cannot "
		    "say\n", held, failed, unsure);
		fputs(strbuf_cstr(&out), stdout);
	}
	strbuf_free(&out);
	for (i = 0; i < nfiles; i++)
		intent_free(&ins[i]);
	free(ins);
	return failed > 0 || unsure > 0 || disagree != 0 ? EXIT_INVALID : 0;
}

int
cmd_verify(int argc, char **argv)
{
	const char *site = NULL;
	char **files = xcalloc((size_t)argc + 1, sizeof(*files));
	struct verify_site c;
	bool json = false, live = false;
	int i, nfiles = 0, rc;

	for (i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--json"))
			json = true;
		else if (str_eq(argv[i], "--live"))
			live = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			free(files);
			return cli_usage("verify", CMD_VERIFY_USAGE,
			    "unknown option '%s'", argv[i]);
		} else if (site == NULL)
			site = argv[i];
		else
			files[nfiles++] = argv[i];
	}
	if (site == NULL) {
		free(files);
		return cli_usage("verify", CMD_VERIFY_USAGE, "%s",
		    "missing the SITE directory");
	}
	if (live && (json || nfiles == 0)) {
		free(files);
		return cli_usage("verify", CMD_VERIFY_USAGE, "%s", json ?
		    "--live is not given in JSON yet" :
		    "--live tries the expectations of INTENT files: name one");
	}
	if (verify_site_open(site, &c) != 0) {
		free(files);
		return EXIT_INVALID;
	}
	rc = nfiles == 0 ? run_matrix(&c, json) :
	    run_intents(&c, files, nfiles, json, live);
	verify_site_close(&c);
	free(files);
	return rc;
}

/* trace */

static int
trace_usage(const char *fmt, const char *arg)
{
	return cli_usage("trace", CMD_TRACE_USAGE, fmt, arg);
}

/* FROM: a place, "internet", or an address (of a place: that place sends
   from it; else it arrives from the internet). */
static int
trace_from(const struct world *w, const char *s, size_t *node, uint32_t *src)
{
	struct ipaddr a;
	size_t i, j;

	*src = 0;
	if (ipaddr_parse(s, &a) == 0) {
		if (a.family != AF_INET)
			return -1;
		*src = v4(&a);
		for (i = 0; i < w->nports; i++)
			for (j = 0; j < w->ports[i].naddrs; j++)
				if (w->ports[i].addrs[j] == *src) {
					*node = w->ports[i].node;
					return 0;
				}
		*node = world_node(w, "internet");
		return *node == NO_INDEX ? -1 : 0;
	}
	*node = world_node(w, s);
	if (*node == NO_INDEX)
		return -1;
	if (w->nodes[*node].kind == WNODE_ROUTER || w->nodes[*node].kind ==
	    WNODE_HOST)
		*src = w->ports[w->nodes[*node].ports[0]].addrs[0];
	if (w->nodes[*node].kind == WNODE_ROUTER)
		*src = 0xc6336401;	/* 198.51.100.1: a documentation
					   address, for a packet from beyond */
	return 0;
}

int
cmd_trace(int argc, char **argv)
{
	const char *pos[5] = { 0 };
	struct verify_site c;
	struct pf_packet pkt;
	struct wflow flow = { 0 };
	struct strbuf out = { 0 };
	struct ipaddr a;
	size_t from, to = NO_INDEX, i;
	uint32_t src;
	unsigned long sport = WALK_EPHEMERAL, port = 0;
	uint8_t flags = PF_TH_SYN;
	bool json = false;
	int npos = 0, rc;

	for (i = 0; i < (size_t)argc; i++) {
		if (str_eq(argv[i], "--json"))
			json = true;
		else if (str_eq(argv[i], "--sport")) {
			int k = (int)i;
			const char *v = cli_option_value("trace",
			    CMD_TRACE_USAGE, argc, argv, &k, "a port");

			if (v == NULL)
				return EXIT_USAGE;
			i = (size_t)k;
			if (parse_uint(v, 0, 65535, &sport) != 0)
				return trace_usage("bad --sport '%s'", v);
		} else if (str_eq(argv[i], "--flags")) {
			int k = (int)i;
			const char *v = cli_option_value("trace",
			    CMD_TRACE_USAGE, argc, argv, &k, "TCP flags");
			const char *letters = "FSRPAUEW", *q;

			if (v == NULL)
				return EXIT_USAGE;
			i = (size_t)k;
			flags = 0;
			for (; *v != '\0'; v++) {
				q = strchr(letters, *v);
				if (q == NULL)
					return trace_usage("bad --flags: "
					    "letters of %s", letters);
				flags |= (uint8_t)(1u << (q - letters));
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return trace_usage("unknown option '%s'", argv[i]);
		else if (npos < 5)
			pos[npos++] = argv[i];
		else
			return trace_usage("unexpected argument '%s'", argv[i]);
	}
	if (npos < 4)
		return trace_usage("%s", "needs SITE FROM TO PROTO [PORT]");
	memset(&pkt, 0, sizeof(pkt));
	pkt.af = AF_INET;
	pkt.icmp_type = pkt.icmp_code = -1;
	if (str_eq(pos[3], "tcp") || str_eq(pos[3], "udp")) {
		pkt.proto = str_eq(pos[3], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
		if (npos < 5)
			return trace_usage("%s needs a PORT", pos[3]);
		if (parse_uint(pos[4], 0, 65535, &port) != 0) {
			int n = pf_service_lookup(pos[4], pos[3]);

			if (n < 0)
				return trace_usage("bad PORT '%s'", pos[4]);
			port = (unsigned long)n;
		}
		pkt.sport = (uint16_t)sport;
		pkt.dport = (uint16_t)port;
		if (pkt.proto == IPPROTO_TCP)
			pkt.flags = flags;
	} else if (str_eq(pos[3], "icmp")) {
		pkt.proto = IPPROTO_ICMP;
		pkt.icmp_type = 8;
		pkt.icmp_code = 0;
		if (npos > 4)
			return trace_usage("%s", "icmp takes no PORT (echo)");
	} else
		return trace_usage("bad PROTO '%s': tcp, udp or icmp", pos[3]);
	if (verify_site_open(pos[0], &c) != 0)
		return EXIT_INVALID;
	if (trace_from(c.w, pos[1], &from, &src) != 0) {
		verify_site_close(&c);
		return trace_usage("no place or address '%s' to send from",
		    pos[1]);
	}
	pkt.src = v4addr(src);
	if (ipaddr_parse(pos[2], &a) == 0 && a.family == AF_INET) {
		pkt.dst = a;
	} else if ((to = world_node(c.w, pos[2])) != NO_INDEX) {
		/* A destination address that delivers there, if any: the
		   place's own first, then any other (rdr). */
		struct vresult r;
		const struct vleaf *best = NULL;
		uint32_t first = 0;

		for (i = 0; i < c.w->nodes[to].nports && first == 0; i++)
			if (c.w->ports[c.w->nodes[to].ports[i]].naddrs > 0)
				first = c.w->ports[c.w->nodes[to].ports[i]]
				    .addrs[0];
		pkt.dst = v4addr(first);
		vspace_run(c.vs, from, VMODE_CONNECT, &r);
		for (i = 0; i < r.nleaves; i++) {
			const struct vleaf *lf = &r.leaves[i];
			size_t j;

			if (lf->proto != pkt.proto || lf->unsupported)
				continue;
			if (src != 0 && (src < lf->box.lo[VD_SRC] ||
			    src > lf->box.hi[VD_SRC]))
				continue;
			for (j = 0; j < lf->nd; j++) {
				const struct vdeliv *d = &lf->d[j];

				if (d->to != to || d->beyond || !d->replied ||
				    (pkt.proto != IPPROTO_ICMP &&
				    (port < d->plo || port > d->phi)))
					continue;
				if (best == NULL || (first >= lf->box.lo[VD_DST]
				    && first <= lf->box.hi[VD_DST]))
					best = lf;
			}
		}
		if (best != NULL) {
			uint32_t d = best->box.lo[VD_DST];

			if (first >= best->box.lo[VD_DST] &&
			    first <= best->box.hi[VD_DST])
				d = first;
			pkt.dst = v4addr(d);
			if (pkt.proto != IPPROTO_ICMP && best->nd > 0 &&
			    best->d[0].phi == best->d[0].plo &&
			    best->d[0].plo == port)
				pkt.dport = (uint16_t)best->box.lo[VD_DPORT];
			for (i = 0; i < best->nd; i++)
				if (best->d[i].to == to && i == 0 &&
				    best->d[0].phi > best->d[0].plo)
					pkt.dport = (uint16_t)(best->box.lo[
					    VD_DPORT] + (port - best->d[0].plo));
		}
		vresult_free(&r);
	} else {
		verify_site_close(&c);
		return trace_usage("no place or address '%s' to send to",
		    pos[2]);
	}
	if (walker_run(vspace_walker(c.vs), from, &pkt, &flow) != 0) {
		fprintf(stderr, "jailnet trace: %s has no route to send it\n",
		    pos[1]);
		verify_site_close(&c);
		return EXIT_INVALID;
	}
	rc = EXIT_INVALID;
	for (i = 0; i < flow.nlegs; i++) {
		const struct wleg *l = &flow.legs[i];

		if ((l->end == WHOP_DELIVERED || l->end == WHOP_BEYOND) &&
		    (to == NO_INDEX || l->to == to) &&
		    (!l->has_reply || l->replied))
			rc = 0;
	}
	if (json) {
		json_t *root = json_object();

		json_object_set_new(root, "connections", flow_json(c.w, &flow));
		json_object_set_new(root, "reached", json_boolean(rc == 0));
		cli_print_json(root);
	} else {
		trace_add_flow(c.w, &flow, &out);
		strbuf_addf(&out, "verdict: %s\n", rc == 0 ? "reached" :
		    "not reached");
		fputs(strbuf_cstr(&out), stdout);
	}
	strbuf_free(&out);
	wflow_free(&flow);
	verify_site_close(&c);
	return rc;
}
