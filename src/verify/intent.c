/* intent: expectations, parsed and checked (see intent.h). */
#include "verify/intent.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf.h"

/* Parsing. */

struct word {
	char *s;
	struct loc loc;
};

/* Split line ${line} (at byte ${off} of ${src}) into words, up to '#'. */
static size_t
split_line(const struct source *src, size_t off, size_t len,
    struct word *v, size_t max)
{
	size_t i = 0, n = 0, start;
	const char *t = src->text + off;

	while (i < len && n < max) {
		while (i < len && isspace((unsigned char)t[i]))
			i++;
		if (i >= len || t[i] == '#')
			break;
		start = i;
		while (i < len && !isspace((unsigned char)t[i]) && t[i] != '#')
			i++;
		v[n].s = xstrndup(t + start, i - start);
		v[n].loc = loc_at(src, off + start, i - start);
		n++;
	}
	return n;
}

static bool
printable_word(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

/* An unknown name: say so, with the closest place name. */
static void
unknown_place(const struct world *w, const struct word *wd,
    struct diags *diags)
{
	const char **names = xcalloc(w->nnodes + 2, sizeof(*names));
	const char *hint;
	size_t i;

	for (i = 0; i < w->nnodes; i++)
		names[i] = w->nodes[i].name;
	names[w->nnodes] = "internet";
	hint = printable_word(wd->s) ? closest_word(wd->s, names,
	    w->nnodes + 1) : NULL;
	if (!printable_word(wd->s))
		diag_error(diags, wd->loc, "not a place: control or non-ASCII "
		    "bytes");
	else if (hint != NULL)
		diag_error(diags, wd->loc, "no place '%s'; did you mean '%s'?",
		    wd->s, hint);
	else
		diag_error(diags, wd->loc, "no place '%s': an outside host, "
		    "SERVER, SERVER/JAIL, */JAIL, internet, an address or a "
		    "CIDR", wd->s);
	free(names);
}

static uint32_t
mask_of(unsigned len)
{
	return len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
}

static int
parse_end(const struct world *w, const struct word *wd, struct iend *e,
    struct diags *diags)
{
	struct ipprefix p;
	struct ipaddr a;
	size_t i;

	memset(e, 0, sizeof(*e));
	e->text = xstrdup(wd->s);
	e->loc = wd->loc;
	e->node = NO_INDEX;
	if (str_eq(wd->s, "internet") && world_node(w, "internet") !=
	    NO_INDEX && w->nodes[world_node(w, "internet")].kind ==
	    WNODE_ROUTER) {
		e->kind = IEND_INTERNET;
		return 0;
	}
	if (ipaddr_parse(wd->s, &a) == 0 || ipprefix_parse(wd->s, &p) == 0) {
		if (ipaddr_parse(wd->s, &a) == 0) {
			p.addr = a;
			p.len = a.family == AF_INET ? 32 : 128;
		}
		if (p.addr.family != AF_INET) {
			diag_error(diags, wd->loc, "IPv6 is not analysed: the "
			    "site-wide model covers IPv4");
			return -1;
		}
		e->kind = IEND_CIDR;
		e->lo = v4(&p.addr) & mask_of(p.len);
		e->hi = e->lo | ~mask_of(p.len);
		return 0;
	}
	if (str_has_prefix(wd->s, "*/")) {
		e->kind = IEND_EVERY_JAIL;
		e->jail = xstrdup(wd->s + 2);
		for (i = 0; i < w->nnodes; i++)
			if (w->nodes[i].kind == WNODE_JAIL &&
			    str_eq(w->nodes[i].jail->name, e->jail))
				return 0;
		unknown_place(w, wd, diags);
		return -1;
	}
	e->kind = IEND_PLACE;
	e->node = world_node(w, wd->s);
	if (e->node == NO_INDEX) {
		unknown_place(w, wd, diags);
		return -1;
	}
	return 0;
}

static int
parse_ports(const struct word *wd, int proto, struct portset *ps,
    struct diags *diags)
{
	char *s = wd->s, *end;
	unsigned long lo, hi;
	int n;

	if (str_eq(s, "any")) {
		portset_add(ps, 0, 65535);
		return 0;
	}
	while (*s != '\0') {
		if (isdigit((unsigned char)*s)) {
			lo = strtoul(s, &end, 10);
		} else {
			char name[64];
			size_t k = strcspn(s, ",-");

			if (k == 0 || k >= sizeof(name))
				goto bad;
			memcpy(name, s, k);
			name[k] = '\0';
			n = pf_service_lookup(name, proto == IPPROTO_UDP ?
			    "udp" : "tcp");
			if (n < 0)
				goto bad;
			lo = (unsigned long)n;
			end = s + k;
		}
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				goto bad;
			hi = strtoul(s, &end, 10);
		}
		if (lo > 65535 || hi > 65535 || lo > hi)
			goto bad;
		portset_add(ps, (uint32_t)lo, (uint32_t)hi);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			goto bad;
		s = end;
	}
	return 0;
bad:
	diag_error(diags, wd->loc, "bad ports: a number, a-b with a <= b, a "
	    "service name, a comma list of those, or 'any'");
	return -1;
}

static bool
pipe_exists(const struct world *w, const char *name)
{
	size_t i, j;

	for (i = 0; i < w->nnodes; i++)
		if (w->nodes[i].kind == WNODE_JAIL)
			for (j = 0; j < w->nodes[i].jail->npipes; j++)
				if (str_eq(w->nodes[i].jail->pipes[j].name,
				    name))
					return true;
	return false;
}

static void
expect_free(struct expect *e)
{
	free(e->from.text);
	free(e->from.jail);
	free(e->to.text);
	free(e->to.jail);
	portset_free(&e->ports);
	free(e->via);
	free(e->text);
}

/* Parse the words of one line; return 0 or -1 (errors in ${diags}). */
static int
parse_expect(const struct world *w, struct word *v, size_t n,
    struct expect *e, struct diags *diags)
{
	size_t i = 4;
	int rc = 0;

	memset(e, 0, sizeof(*e));
	e->loc = v[0].loc;
	if (!str_eq(v[0].s, "reach") && !str_eq(v[0].s, "deny")) {
		diag_error(diags, v[0].loc, "an expectation starts with "
		    "'reach' or 'deny'");
		return -1;
	}
	e->reach = str_eq(v[0].s, "reach");
	if (n < 5 || !str_eq(v[2].s, "->")) {
		diag_error(diags, n > 2 ? v[2].loc : v[n - 1].loc, "expected "
		    "'%s FROM -> TO PROTO [PORTS]'", v[0].s);
		return -1;
	}
	rc |= parse_end(w, &v[1], &e->from, diags);
	rc |= parse_end(w, &v[3], &e->to, diags);
	if (str_eq(v[i].s, "tcp"))
		e->proto = IPPROTO_TCP;
	else if (str_eq(v[i].s, "udp"))
		e->proto = IPPROTO_UDP;
	else if (str_eq(v[i].s, "icmp"))
		e->proto = IPPROTO_ICMP;
	else if (str_eq(v[i].s, "any"))
		e->proto = 0;
	else {
		diag_error(diags, v[i].loc, "expected a protocol: tcp, udp, "
		    "icmp or any");
		return -1;
	}
	i++;
	if (e->proto == IPPROTO_TCP || e->proto == IPPROTO_UDP) {
		if (i >= n || str_eq(v[i].s, "via")) {
			diag_error(diags, v[i - 1].loc, "%s needs ports: a "
			    "number, a-b, a comma list, or any", v[i - 1].s);
			return -1;
		}
		rc |= parse_ports(&v[i], e->proto, &e->ports, diags);
		i++;
	}
	if (e->proto == 0 && e->reach) {
		diag_error(diags, v[i - 1].loc, "reach needs one protocol "
		    "(tcp, udp or icmp): some connection of it is opened");
		return -1;
	}
	if (i < n && str_eq(v[i].s, "via")) {
		if (!e->reach) {
			diag_error(diags, v[i].loc, "via goes with reach only");
			return -1;
		}
		if (i + 1 >= n) {
			diag_error(diags, v[i].loc, "via needs a pipe's name");
			return -1;
		}
		e->via = xstrdup(v[i + 1].s);
		e->via_loc = v[i + 1].loc;
		if (!pipe_exists(w, e->via)) {
			diag_error(diags, v[i + 1].loc, "no spiped pipe '%s' "
			    "in any jail", printable_word(e->via) ? e->via :
			    "?");
			rc = -1;
		}
		i += 2;
	}
	if (i < n) {
		diag_error(diags, v[i].loc, "unexpected word after the "
		    "expectation");
		rc = -1;
	}
	return rc;
}

int
intent_parse(const struct world *w, struct source *src, struct intent *out,
    struct diags *diags)
{
	size_t off = 0, len, n, i;
	struct word words[16];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->src = src;
	while (off < src->len) {
		const char *nl = memchr(src->text + off, '\n', src->len - off);

		len = nl != NULL ? (size_t)(nl - (src->text + off)) :
		    src->len - off;
		n = split_line(src, off, len, words, 16);
		if (n > 0) {
			struct expect e;

			if (n == 16) {
				diag_error(diags, words[15].loc, "too many "
				    "words for an expectation");
				rc = -1;
			} else if (parse_expect(w, words, n, &e, diags) == 0) {
				e.text = xstrndup(src->text + off, len);
				if (out->n >= out->cap)
					out->v = vec_grow(out->v, &out->cap,
					    sizeof(*out->v));
				out->v[out->n++] = e;
			} else {
				expect_free(&e);
				rc = -1;
			}
		}
		for (i = 0; i < n; i++)
			free(words[i].s);
		off += len + 1;
	}
	return rc;
}

void
intent_free(struct intent *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		expect_free(&in->v[i]);
	free(in->v);
	source_free(in->src);
	memset(in, 0, sizeof(*in));
}

/* The cache of results. */

struct vcache {
	struct vspace *vs;
	struct vresult *res[2];		/* [mode == VMODE_ANY][node] */
	bool *done[2];
};

struct vcache *
vcache_new(struct vspace *vs)
{
	struct vcache *vc = xcalloc(1, sizeof(*vc));
	size_t n = vspace_world(vs)->nnodes + 1, m;

	vc->vs = vs;
	for (m = 0; m < 2; m++) {
		vc->res[m] = xcalloc(n, sizeof(*vc->res[m]));
		vc->done[m] = xcalloc(n, sizeof(*vc->done[m]));
	}
	return vc;
}

void
vcache_free(struct vcache *vc)
{
	size_t m, i;

	if (vc == NULL)
		return;
	for (m = 0; m < 2; m++) {
		for (i = 0; i < vspace_world(vc->vs)->nnodes; i++)
			vresult_free(&vc->res[m][i]);
		free(vc->res[m]);
		free(vc->done[m]);
	}
	free(vc);
}

const struct vresult *
vcache_get(struct vcache *vc, size_t from, enum vmode mode)
{
	size_t m = mode == VMODE_ANY;

	if (!vc->done[m][from]) {
		vspace_run(vc->vs, from, mode, &vc->res[m][from]);
		vc->done[m][from] = true;
	}
	return &vc->res[m][from];
}

/* Checking. */

static bool
dest_match(const struct world *w, const struct iend *to, size_t node,
    const struct vdeliv *d)
{
	const struct wnode *n = &w->nodes[d->to];
	size_t i, j;

	switch (to->kind) {
	case IEND_PLACE:
	case IEND_EVERY_JAIL:
		return !d->beyond && d->to == node;
	case IEND_INTERNET:
		return d->beyond || n->kind == WNODE_ROUTER ||
		    (n->kind == WNODE_HOST && n->host->network <
		    w->ps->site->nnetworks && w->ps->site->networks[
		    n->host->network].kind == NETWORK_INTERNET);
	case IEND_CIDR:
		if (d->beyond)
			return false;
		for (i = 0; i < n->nports; i++) {
			const struct wport *p = &w->ports[n->ports[i]];

			for (j = 0; j < p->naddrs; j++)
				if (p->addrs[j] >= to->lo &&
				    p->addrs[j] <= to->hi)
					return true;
		}
		return false;
	}
	return false;
}

/* The places an endpoint stands for, as sources or destinations. */
static size_t
end_nodes(const struct world *w, const struct iend *e, size_t *v, size_t max)
{
	size_t i, n = 0;

	switch (e->kind) {
	case IEND_PLACE:
		v[n++] = e->node;
		break;
	case IEND_EVERY_JAIL:
		for (i = 0; i < w->nnodes && n < max; i++)
			if (w->nodes[i].kind == WNODE_JAIL &&
			    str_eq(w->nodes[i].jail->name, e->jail))
				v[n++] = i;
		break;
	case IEND_INTERNET:
	case IEND_CIDR:
		for (i = 0; i < w->nnodes && n < max; i++)
			if (w->nodes[i].kind == WNODE_ROUTER)
				v[n++] = i;
		break;
	}
	return n;
}

static bool
ports_meet(const struct portset *s, uint32_t lo, uint32_t hi, uint32_t *at)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i][0] <= hi && lo <= s->v[i][1]) {
			*at = lo > s->v[i][0] ? lo : s->v[i][0];
			return true;
		}
	return false;
}

static bool
via_chain(const struct vleaf *lf, size_t k, const char *name)
{
	size_t i;

	for (i = 0; i <= k && i < lf->nd; i++)
		if (lf->d[i].via != NULL && str_eq(lf->d[i].via->name, name))
			return true;
	return false;
}

static char *
what_of(const struct world *w, const struct expect *e, size_t from,
    size_t to)
{
	struct strbuf sb = { 0 };

	strbuf_addf(&sb, "%s %s -> %s ", e->reach ? "reach" : "deny",
	    e->from.kind == IEND_PLACE || e->from.kind == IEND_EVERY_JAIL ?
	    w->nodes[from].name : e->from.text,
	    to != NO_INDEX ? w->nodes[to].name : e->to.text);
	strbuf_adds(&sb, e->proto == IPPROTO_TCP ? "tcp" :
	    e->proto == IPPROTO_UDP ? "udp" : e->proto == IPPROTO_ICMP ?
	    "icmp" : "any");
	if (e->proto == IPPROTO_TCP || e->proto == IPPROTO_UDP) {
		strbuf_addc(&sb, ' ');
		portset_format(&e->ports, &sb);
	}
	if (e->via != NULL)
		strbuf_addf(&sb, " via %s", e->via);
	return strbuf_steal(&sb);
}

/* A destination address for a packet to ${to}: its first address. */
static uint32_t
first_addr(const struct world *w, size_t to)
{
	const struct wnode *n = &w->nodes[to];
	size_t i;

	for (i = 0; i < n->nports; i++)
		if (w->ports[n->ports[i]].naddrs > 0)
			return w->ports[n->ports[i]].addrs[0];
	return 0;
}

static void
packet_of(const struct vspace *vs, const struct vleaf *lf, uint32_t src,
    uint32_t dport, struct pf_packet *p)
{
	vspace_packet(vs, &lf->box, p);
	if (src != 0)
		p->src = v4addr(src);
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP)
		p->dport = (uint16_t)dport;
}

static void
check_deny(struct vcache *vc, const struct world *w, const struct expect *e,
    struct outcome *o)
{
	const struct vresult *r = vcache_get(vc, o->from, VMODE_ANY);
	size_t i, j;
	uint32_t at, lo, dport;

	o->verdict = VERDICT_HOLDS;
	for (i = 0; i < r->nleaves; i++) {
		const struct vleaf *lf = &r->leaves[i];

		if (e->from.kind == IEND_CIDR && (lf->box.hi[VD_SRC] <
		    e->from.lo || lf->box.lo[VD_SRC] > e->from.hi))
			continue;
		if (e->proto != 0 && lf->proto != e->proto)
			continue;
		o->nprobes++;
		if (lf->unsupported) {
			o->verdict = VERDICT_CANNOT_SAY;
			free(o->why);
			o->why = xasprintf("the model cannot say for some "
			    "packets: %s", r->why);
			continue;
		}
		for (j = 0; j < lf->nd; j++) {
			const struct vdeliv *d = &lf->d[j];

			if (!dest_match(w, &e->to, o->to, d))
				continue;
			at = d->plo;
			if ((lf->proto == IPPROTO_TCP ||
			    lf->proto == IPPROTO_UDP) && e->proto != 0 &&
			    !ports_meet(&e->ports, d->plo, d->phi, &at))
				continue;
			lo = lf->box.lo[VD_SRC];
			if (e->from.kind == IEND_CIDR && lo < e->from.lo)
				lo = e->from.lo;
			dport = j == 0 && d->phi > d->plo ?
			    lf->box.lo[VD_DPORT] + (at - d->plo) :
			    lf->box.lo[VD_DPORT];
			o->verdict = VERDICT_FAILS;
			o->has_packet = true;
			packet_of(vc->vs, lf, lo, dport, &o->packet);
			free(o->why);
			o->why = xasprintf("delivered%s%s", d->via != NULL ?
			    " through pipe " : "", d->via != NULL ?
			    d->via->name : "");
			return;
		}
	}
}

/* Source intervals, gathered then merged once. */
struct ivs {
	uint32_t (*v)[2];
	size_t n, cap;
};

static void
ivs_add(struct ivs *s, uint32_t lo, uint32_t hi)
{
	if (s->n >= s->cap)
		s->v = vec_grow(s->v, &s->cap, sizeof(*s->v));
	s->v[s->n][0] = lo;
	s->v[s->n++][1] = hi;
}

static int
iv_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void
ivs_merge(struct ivs *s)
{
	size_t i, j = 0;

	if (s->n > 0)
		qsort(s->v, s->n, sizeof(*s->v), iv_cmp);
	for (i = 0; i < s->n; i++) {
		if (j > 0 && (uint64_t)s->v[j - 1][1] + 1 >= s->v[i][0]) {
			if (s->v[i][1] > s->v[j - 1][1])
				s->v[j - 1][1] = s->v[i][1];
			continue;
		}
		s->v[j][0] = s->v[i][0];
		s->v[j++][1] = s->v[i][1];
	}
	s->n = j;
}

/* The first address of ${all} that ${some} lacks; false if none. */
static bool
ivs_missing(const struct ivs *all, const struct ivs *some, uint32_t *x)
{
	size_t i, j = 0;
	uint64_t at;

	for (i = 0; i < all->n; i++) {
		at = all->v[i][0];
		while (at <= all->v[i][1]) {
			while (j < some->n && some->v[j][1] < at)
				j++;
			if (j >= some->n || some->v[j][0] > at) {
				*x = (uint32_t)at;
				return true;
			}
			at = (uint64_t)some->v[j][1] + 1;
		}
	}
	return false;
}

/* reach for one port range [plo, phi] (one port, or some port of it). */
static void
check_reach_ports(struct vcache *vc, const struct world *w,
    const struct expect *e, struct outcome *o, uint32_t plo, uint32_t phi)
{
	const struct vresult *r = vcache_get(vc, o->from, VMODE_CONNECT);
	struct ivs all = { 0 }, got = { 0 };
	bool unsupported = false;
	size_t i, j;
	uint32_t x, at, lo, hi;

	for (i = 0; i < r->nleaves; i++) {
		const struct vleaf *lf = &r->leaves[i];
		bool hit = false;

		if (lf->proto != e->proto)
			continue;
		lo = lf->box.lo[VD_SRC];
		hi = lf->box.hi[VD_SRC];
		if (e->from.kind == IEND_CIDR) {
			if (hi < e->from.lo || lo > e->from.hi)
				continue;
			lo = lo < e->from.lo ? e->from.lo : lo;
			hi = hi > e->from.hi ? e->from.hi : hi;
		}
		ivs_add(&all, lo, hi);
		if (lf->unsupported) {
			unsupported = true;
			continue;
		}
		for (j = 0; j < lf->nd; j++) {
			const struct vdeliv *d = &lf->d[j];

			if (!dest_match(w, &e->to, o->to, d))
				continue;
			if ((e->proto == IPPROTO_TCP ||
			    e->proto == IPPROTO_UDP) &&
			    !(d->plo <= phi && plo <= d->phi))
				continue;
			if (e->via != NULL && !via_chain(lf, j, e->via) &&
			    o->verdict == VERDICT_HOLDS) {
				at = d->plo < plo ? plo : d->plo;
				o->verdict = VERDICT_FAILS;
				o->has_packet = true;
				packet_of(vc->vs, lf, lo, j == 0 &&
				    d->phi > d->plo ? lf->box.lo[VD_DPORT] +
				    (at - d->plo) : lf->box.lo[VD_DPORT],
				    &o->packet);
				o->why = xasprintf("a connection is delivered "
				    "on port %u without going through %s",
				    at, e->via);
			}
			if (d->replied)
				hit = true;
		}
		if (hit)
			ivs_add(&got, lo, hi);
	}
	ivs_merge(&all);
	ivs_merge(&got);
	if (o->verdict == VERDICT_HOLDS && ivs_missing(&all, &got, &x)) {
		o->verdict = unsupported ? VERDICT_CANNOT_SAY : VERDICT_FAILS;
		o->has_packet = true;
		memset(&o->packet, 0, sizeof(o->packet));
		o->packet.af = AF_INET;
		o->packet.proto = e->proto;
		o->packet.src = v4addr(x);
		o->packet.dst = v4addr(o->to != NO_INDEX ? first_addr(w, o->to) :
		    e->to.kind == IEND_CIDR ? e->to.lo : 0);
		o->packet.icmp_type = o->packet.icmp_code = -1;
		if (e->proto == IPPROTO_TCP || e->proto == IPPROTO_UDP) {
			o->packet.sport = WALK_EPHEMERAL;
			o->packet.dport = (uint16_t)plo;
		}
		if (e->proto == IPPROTO_TCP)
			o->packet.flags = PF_TH_SYN;
		if (e->proto == IPPROTO_ICMP) {
			o->packet.icmp_type = 8;
			o->packet.icmp_code = 0;
		}
		o->why = unsupported ? xasprintf("the model cannot say for "
		    "some packets: %s", r->why) : plo == phi ?
		    xasprintf("no connection to port %u is delivered with "
		    "its reply back", plo) : xasprintf("no connection to a "
		    "port of %u-%u is delivered with its reply back", plo,
		    phi);
	}
	free(all.v);
	free(got.v);
}

static void
check_reach(struct vcache *vc, const struct world *w, const struct expect *e,
    struct outcome *o)
{
	size_t i;
	uint32_t p;

	o->verdict = VERDICT_HOLDS;
	if (e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP) {
		check_reach_ports(vc, w, e, o, 0, 0);
		return;
	}
	for (i = 0; i < e->ports.n && o->verdict == VERDICT_HOLDS; i++) {
		if (e->ports.v[i][1] - e->ports.v[i][0] >= 64) {
			check_reach_ports(vc, w, e, o, e->ports.v[i][0],
			    e->ports.v[i][1]);
			continue;
		}
		for (p = e->ports.v[i][0]; p <= e->ports.v[i][1] &&
		    o->verdict == VERDICT_HOLDS; p++)
			check_reach_ports(vc, w, e, o, p, p);
	}
}

enum verdict
expect_check(struct vcache *vc, const struct world *w,
    const struct expect *e, struct outcome **out, size_t *nout)
{
	size_t *from = xcalloc(w->nnodes + 1, sizeof(*from));
	size_t *to = xcalloc(w->nnodes + 1, sizeof(*to));
	size_t nf, nt, i, j, n = 0;
	enum verdict worst = VERDICT_HOLDS;
	struct outcome *v;

	nf = end_nodes(w, &e->from, from, w->nnodes);
	if (e->to.kind == IEND_PLACE || e->to.kind == IEND_EVERY_JAIL)
		nt = end_nodes(w, &e->to, to, w->nnodes);
	else {
		to[0] = NO_INDEX;
		nt = 1;
	}
	v = xcalloc(nf * nt + 1, sizeof(*v));
	for (i = 0; i < nf; i++)
		for (j = 0; j < nt; j++) {
			struct outcome *o;

			if (from[i] == to[j])
				continue;
			o = &v[n++];
			o->from = from[i];
			o->to = to[j];
			o->what = what_of(w, e, from[i], to[j]);
			if (e->reach)
				check_reach(vc, w, e, o);
			else
				check_deny(vc, w, e, o);
			if (o->verdict == VERDICT_CANNOT_SAY &&
			    worst == VERDICT_HOLDS)
				worst = VERDICT_CANNOT_SAY;
			if (o->verdict == VERDICT_FAILS)
				worst = VERDICT_FAILS;
		}
	free(from);
	free(to);
	*out = v;
	*nout = n;
	return worst;
}

void
outcome_free(struct outcome *o)
{
	free(o->what);
	free(o->why);
}
