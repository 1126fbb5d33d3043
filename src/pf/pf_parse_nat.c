/*
 * pf_parse_nat: pf.conf translation rules (nat, rdr, binat and their "no"
 * forms), following pfctl's parse.y: the target addresses and ports, the
 * pool options, and pfctl's checks of them.
 */
#include "pf/pf_parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Translation rules. */

/* pool_opts: bitmask | random | round-robin | static-port | sticky-address */
static int
parse_pool_opts(struct pf_parser *p, struct pf_pool *pool, int *staticport)
{
	const struct pf_tok *t;
	enum pf_pool_type type;

	for (;;) {
		t = pf_peek(p);
		if (pf_is_kw(t, "bitmask"))
			type = PF_POOL_BITMASK;
		else if (pf_is_kw(t, "random"))
			type = PF_POOL_RANDOM;
		else if (pf_is_kw(t, "round-robin"))
			type = PF_POOL_ROUNDROBIN;
		else if (pf_is_kw(t, "source-hash"))
			return pf_unsupported(p, t);
		else if (pf_is_kw(t, "static-port")) {
			if (*staticport)
				return pf_error(p, t->loc, t->macro_loc,
				    "static-port cannot be redefined");
			*staticport = 1;
			pf_advance(p);
			continue;
		} else if (pf_accept_kw(p, "sticky-address")) {
			/* pfctl never refuses a second one. */
			pool->sticky_address = 1;
			continue;
		} else {
			return 0;
		}
		if (pool->type != PF_POOL_NONE)
			return pf_error(p, t->loc, t->macro_loc,
			    "pool type cannot be redefined");
		pool->type = type;
		pf_advance(p);
	}
}

/* Return non-zero if ${a} is pfctl's DYNIF_MULTIADDR: a dynamic
   interface address that may stand for several addresses. */
static int
dynif_multiaddr(const struct pf_addr *a)
{
	size_t n;

	if (a->kind != PF_ADDR_DYNIFACE)
		return 0;
	n = strlen(a->name);
	return !(a->ifmods & PF_IFMOD_NOALIAS) || n == 0 ||
	    !isdigit((unsigned char)a->name[n - 1]);
}

/*
 * Check the translation targets of ${r} and settle its address family
 * and pool type, as pfctl does before expanding.
 */
static int
settle_pool(struct pf_parser *p, struct pf_rule *r, struct pf_addrlist *pool)
{
	size_t i, j;
	int af;

	/* remove_invalid_hosts(): drop targets of another family. */
	for (i = j = 0; i < pool->n; i++) {
		af = pf_addr_af(&pool->v[i]);
		if (r->af && af && af != r->af) {
			pf_addr_clear(&pool->v[i]);
			continue;
		}
		if (af && !r->af)
			r->af = af;
		pool->v[j++] = pool->v[i];
	}
	pool->n = j;
	if (pool->n == 0)
		return pf_error(p, r->rpool.loc, (struct loc){ 0 },
		    "no translation address with matching address family "
		    "found.");
	if (!r->af)
		for (i = 0; i < pool->n; i++)
			if (pool->v[i].kind != PF_ADDR_TABLE &&
			    pool->v[i].kind != PF_ADDR_DYNIFACE &&
			    pool->v[i].kind != PF_ADDR_IFACE)
				return pf_error(p, pool->v[i].loc,
				    pool->v[i].macro_loc, "address family "
				    "not given and translation address "
				    "expands to multiple address families");
	if (r->rpool.type == PF_POOL_NONE && (pool->n > 1 ||
	    pool->v[0].kind == PF_ADDR_TABLE || dynif_multiaddr(&pool->v[0])))
		r->rpool.type = PF_POOL_ROUNDROBIN;
	if (r->rpool.type != PF_POOL_ROUNDROBIN)
		for (i = 0; i < pool->n; i++) {
			if (pool->v[i].kind == PF_ADDR_TABLE)
				return pf_error(p, pool->v[i].loc,
				    pool->v[i].macro_loc, "tables are only "
				    "supported in round-robin redirection "
				    "pools");
			if (dynif_multiaddr(&pool->v[i]))
				return pf_error(p, pool->v[i].loc,
				    pool->v[i].macro_loc, "interface (%s) is "
				    "only supported in round-robin "
				    "redirection pools", pool->v[i].name);
		}
	if (pool->n > 1 && r->rpool.type != PF_POOL_ROUNDROBIN)
		return pf_error(p, r->rpool.loc, (struct loc){ 0 }, "only "
		    "round-robin valid for multiple redirection addresses");
	return 0;
}

/* One host of a redirection pool, appended to the pool ${arg}. */
static int
parse_pool_host(struct pf_parser *p, void *arg)
{
	struct pf_addrlist *pool = arg;

	if (pf_parse_host(p, VEC_PUSH(pool->v, pool->n, pool->cap)) != 0)
		return -1;
	pf_host_names(p, pool, pool->n - 1);
	return 0;
}

/* -> host | -> { host [,] ... }, then [port portstar] if ${port}. */
static int
parse_redirection(struct pf_parser *p, struct pf_rule *r,
    struct pf_addrlist *pool, int list, uint16_t *a, uint16_t *b,
    int *range, struct loc *ploc)
{
	r->rpool.loc = pf_peek(p)->loc;
	pf_advance(p);		/* "->" */
	if ((list ? pf_parse_one_or_list(p, parse_pool_host, pool) :
	    parse_pool_host(p, pool)) != 0)
		return -1;
	if (!pf_accept_kw(p, "port"))
		return 0;
	return pf_parse_portrange(p, 1, a, b, range, ploc);
}

/* natpasslog: [pass [log] | log] */
static int
parse_natpasslog(struct pf_parser *p, struct pf_rule *r, int no)
{
	struct loc loc = pf_peek(p)->loc;

	if (pf_accept_kw(p, "pass")) {
		if (no)
			return pf_error(p, loc, (struct loc){ 0 },
			    "\"pass\" not valid with \"no\"");
		r->natpass = 1;
	}
	if (pf_is_kw(pf_peek(p), "log"))
		return pf_parse_log(p, &r->log, &r->logif);
	return 0;
}

/* tag, tagged and rtable are not supported after a translation rule's
   addresses. */
static int
refuse_tags(struct pf_parser *p)
{
	const struct pf_tok *t = pf_peek(p);

	if (pf_is_kw(t, "tag") || pf_is_kw(t, "tagged") ||
	    pf_is_kw(t, "rtable"))
		return pf_unsupported(p, t);
	if (pf_is_char(t, '!') && pf_is_kw(pf_peek2(p), "tagged"))
		return pf_unsupported(p, pf_peek2(p));
	return 0;
}

/* pfctl's address family of a translation rule given none: the first
   source or destination's. */
static void
nat_af(struct pf_rule *r, const struct pf_rule_lists *l)
{
	if (!r->af && l->src.n > 0)
		r->af = pf_addr_af(&l->src.v[0]);
	if (!r->af && l->dst.n > 0)
		r->af = pf_addr_af(&l->dst.v[0]);
}

/* nat-anchor|rdr-anchor|binat-anchor NAME interface af proto fromto:
   pfctl's natanchor, rdranchor and binatanchor, without inline rules. */
int
pf_parse_natanchor(struct pf_parser *p)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	enum pf_ruleset_kind kind;
	int rc = -1;

	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	if (pf_is_kw(pf_peek(p), "rdr-anchor")) {
		r.action = PF_ACT_RDR;
		kind = PF_RS_RDR;
	} else if (pf_is_kw(pf_peek(p), "binat-anchor")) {
		r.action = PF_ACT_BINAT;
		kind = PF_RS_BINAT;
	} else {
		r.action = PF_ACT_NAT;
		kind = PF_RS_NAT;
	}
	pf_advance(p);
	if (pf_parse_anchor_name(p, &r) != 0 ||
	    pf_parse_if_af_proto(p, &r, &l, 0) != 0 ||
	    pf_parse_fromto(p, &l) != 0 || pf_anchor_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_NAT, r.loc) != 0)
		goto out;
	nat_af(&r, &l);
	rc = pf_expand(p, &r, &l, kind);
	if (rc == 0)
		pf_anchor_note(p, &r);
out:
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}

/* [no] nat|rdr natpasslog interface af proto fromto redirpool pool_opts */
int
pf_parse_natrule(struct pf_parser *p, int no)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	uint16_t pa = 0, pb = 0;
	int rdr, range = 0, staticport = 0, rc = -1;
	struct loc ploc = { 0 };
	enum pf_ruleset_kind kind;

	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	if (no)
		pf_advance(p);
	rdr = pf_is_kw(pf_peek(p), "rdr");
	pf_advance(p);
	r.action = rdr ? (no ? PF_ACT_NO_RDR : PF_ACT_RDR) :
	    (no ? PF_ACT_NO_NAT : PF_ACT_NAT);
	kind = rdr ? PF_RS_RDR : PF_RS_NAT;
	if (parse_natpasslog(p, &r, no) != 0 ||
	    pf_parse_if_af_proto(p, &r, &l, 0) != 0 ||
	    pf_parse_fromto(p, &l) != 0 || refuse_tags(p) != 0)
		goto out;
	if (pf_peek(p)->kind == PF_TOK_ARROW &&
	    parse_redirection(p, &r, &l.pool, 1, &pa, &pb, &range,
	    &ploc) != 0)
		goto out;
	if (parse_pool_opts(p, &r.rpool, &staticport) != 0 ||
	    pf_at_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_NAT, r.loc) != 0)
		goto out;
	nat_af(&r, &l);
	if (no) {
		if (l.pool.n > 0) {
			pf_error(p, r.rpool.loc, (struct loc){ 0 },
			    "translation rule with 'no' does not need '->'");
			goto out;
		}
	} else {
		if (l.pool.n == 0) {
			pf_error(p, r.loc, (struct loc){ 0 },
			    "translation rule requires '-> address'");
			goto out;
		}
		if (!r.af)
			r.af = pf_addr_af(&l.pool.v[0]);
		if (settle_pool(p, &r, &l.pool) != 0)
			goto out;
		r.rpool.port_lo = pa;
		if (rdr) {
			/* "port a:*": the destination range, shifted. */
			if (pb == 0 && range == 2 && l.dport.n > 0)
				r.rpool.port_hi = (uint16_t)(pa +
				    (l.dport.v[0].b - l.dport.v[0].a));
			else
				r.rpool.port_hi = pb;
		} else {
			r.rpool.port_hi = pb;
			if (!pa && !pb) {
				r.rpool.port_lo = PF_NAT_PROXY_PORT_LOW;
				r.rpool.port_hi = PF_NAT_PROXY_PORT_HIGH;
			} else if (!pb) {
				r.rpool.port_hi = pa;
			}
		}
	}
	if (staticport) {
		if (r.action != PF_ACT_NAT) {
			pf_error(p, r.loc, (struct loc){ 0 }, "the "
			    "'static-port' option is only valid with nat "
			    "rules");
			goto out;
		}
		if (r.rpool.port_lo != PF_NAT_PROXY_PORT_LOW &&
		    r.rpool.port_hi != PF_NAT_PROXY_PORT_HIGH) {
			pf_error(p, ploc, (struct loc){ 0 }, "the "
			    "'static-port' option can't be used when "
			    "specifying a port range");
			goto out;
		}
		r.rpool.port_lo = r.rpool.port_hi = 0;
	}
	rc = pf_expand(p, &r, &l, kind);
out:
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}

/* The one element of a binat rule's list, or an error. */
static int
binat_single(struct pf_parser *p, size_t n, struct loc loc, const char *what)
{
	if (n <= 1)
		return 0;
	return pf_error(p, loc, (struct loc){ 0 },
	    "a binat rule takes a single %s, not a list", what);
}

/* [no] binat natpasslog interface af proto from ipspec [to ipspec]
   [-> host] */
int
pf_parse_binatrule(struct pf_parser *p, int no)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	struct pf_addr *src = NULL, *dst = NULL, *to;
	uint16_t pa, pb;
	int range, rc = -1;
	struct loc ploc = { 0 };

	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	if (no)
		pf_advance(p);
	pf_advance(p);		/* "binat" */
	r.action = no ? PF_ACT_NO_BINAT : PF_ACT_BINAT;
	if (parse_natpasslog(p, &r, no) != 0 ||
	    pf_parse_if_af_proto(p, &r, &l, 0) != 0)
		goto out;
	if (!pf_accept_kw(p, "from")) {
		pf_syntax_error(p);
		goto out;
	}
	if (pf_parse_ipspec(p, &l.src) != 0)
		goto out;
	if (pf_accept_kw(p, "to") && pf_parse_ipspec(p, &l.dst) != 0)
		goto out;
	if (refuse_tags(p) != 0)
		goto out;
	if (pf_peek(p)->kind == PF_TOK_ARROW) {
		if (parse_redirection(p, &r, &l.pool, 0, &pa, &pb, &range,
		    &ploc) != 0)
			goto out;
		if (ploc.src != NULL)
			diag_warning(p->diags, ploc, "binat ignores the port");
	}
	if (pf_at_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_NAT, r.loc) != 0)
		goto out;
	if (binat_single(p, l.ifs.n, r.loc, "interface") != 0 ||
	    binat_single(p, l.protos.n, r.loc, "protocol") != 0)
		goto out;
	src = l.src.n > 0 ? &l.src.v[0] : NULL;
	dst = l.dst.n > 0 ? &l.dst.v[0] : NULL;
	if (dst != NULL && dst->kind == PF_ADDR_URPF_FAILED) {
		pf_error(p, dst->loc, dst->macro_loc, "\"urpf-failed\" is "
		    "not permitted as a binat destination");
		goto out;
	}
	if (!r.af && src != NULL)
		r.af = pf_addr_af(src);
	if (!r.af && dst != NULL)
		r.af = pf_addr_af(dst);
	if (!r.af && l.pool.n > 0)
		r.af = pf_addr_af(&l.pool.v[0]);
	if (!r.af) {
		pf_error(p, r.loc, (struct loc){ 0 },
		    "address family (inet/inet6) undefined");
		goto out;
	}
	if (src == NULL || src->kind == PF_ADDR_ANY) {
		pf_error(p, r.loc, (struct loc){ 0 }, "a binat rule needs "
		    "a source address: 'from any' would map every address");
		goto out;
	}
	if (src->kind == PF_ADDR_TABLE) {
		pf_error(p, src->loc, src->macro_loc, "invalid use of table "
		    "<%s> as the source address of a binat rule", src->name);
		goto out;
	}
	if (dynif_multiaddr(src)) {
		pf_error(p, src->loc, src->macro_loc, "invalid use of "
		    "interface (%s) as the source address of a binat rule",
		    src->name);
		goto out;
	}
	if (l.src.n > 1 || l.dst.n > 1) {
		pf_error(p, l.src.n > 1 ? l.src.v[1].loc : l.dst.v[1].loc,
		    (struct loc){ 0 }, "multiple binat ip addresses");
		goto out;
	}
	if ((pf_addr_af(src) && pf_addr_af(src) != r.af) ||
	    (dst != NULL && pf_addr_af(dst) && pf_addr_af(dst) != r.af)) {
		pf_error(p, r.loc, (struct loc){ 0 },
		    "binat ip versions must match");
		goto out;
	}
	if (no) {
		if (l.pool.n > 0) {
			pf_error(p, r.rpool.loc, (struct loc){ 0 },
			    "'no binat' rule does not need '->'");
			goto out;
		}
	} else {
		if (l.pool.n == 0) {
			pf_error(p, r.loc, (struct loc){ 0 },
			    "'binat' rule requires '-> address'");
			goto out;
		}
		to = &l.pool.v[0];
		if (to->kind == PF_ADDR_TABLE) {
			pf_error(p, to->loc, to->macro_loc, "invalid use of "
			    "table <%s> as the redirect address of a binat "
			    "rule", to->name);
			goto out;
		}
		if (dynif_multiaddr(to)) {
			pf_error(p, to->loc, to->macro_loc, "invalid use of "
			    "interface (%s) as the redirect address of a "
			    "binat rule", to->name);
			goto out;
		}
		if (pf_addr_af(to) && pf_addr_af(to) != r.af) {
			pf_error(p, to->loc, to->macro_loc, "no translation "
			    "address with matching address family found.");
			goto out;
		}
		if (src->kind == PF_ADDR_PREFIX && to->kind ==
		    PF_ADDR_PREFIX && src->prefix.len != to->prefix.len) {
			pf_error(p, to->loc, to->macro_loc, "'binat' source "
			    "mask and redirect mask must be the same");
			goto out;
		}
	}
	rc = pf_expand(p, &r, &l, PF_RS_BINAT);
out:
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}
