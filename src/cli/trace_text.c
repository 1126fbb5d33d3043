/* trace_text: packets and walked connections as text (see trace_text.h). */
#include "cli/trace_text.h"

#include <netinet/in.h>
#include <string.h>

#include "pf/pf.h"

void
trace_add_packet(const struct pf_packet *p, struct strbuf *out)
{
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN];
	const char *name = pf_proto_name(p->proto);

	if (name != NULL)
		strbuf_adds(out, name);
	else
		strbuf_addf(out, "proto %d", p->proto);
	strbuf_addf(out, " from %s", ipaddr_format(&p->src, a));
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP)
		strbuf_addf(out, " port %u", p->sport);
	strbuf_addf(out, " to %s", ipaddr_format(&p->dst, b));
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP)
		strbuf_addf(out, " port %u", p->dport);
	if (p->proto == IPPROTO_TCP) {
		strbuf_adds(out, " flags ");
		pf_print_flags(p->flags, out);
	}
	if (p->proto == IPPROTO_ICMP)
		strbuf_addf(out, " type %d code %d", p->icmp_type,
		    p->icmp_code);
}

static bool
same_packet(const struct pf_packet *a, const struct pf_packet *b)
{
	return ipaddr_eq(&a->src, &b->src) && ipaddr_eq(&a->dst, &b->dst) &&
	    a->sport == b->sport && a->dport == b->dport;
}

static void
add_hop(const struct world *w, const struct whop *h, struct strbuf *out)
{
	const struct wnode *n = &w->nodes[h->node];
	char buf[IPADDR_STRLEN];
	struct ipaddr nh;
	struct strbuf st = { 0 };
	const char *s, *e;

	strbuf_addf(out, "  %s: ", n->name);
	if (h->in_port != NO_INDEX)
		strbuf_addf(out, "in on %s\n", w->ports[h->in_port].ifname);
	else
		strbuf_adds(out, "sends\n");
	if (h->has_pf) {
		pf_eval_explain(&h->pf, &st);
		/* Every line but the verdict, which the hop's fate says. */
		for (s = strbuf_cstr(&st); *s != '\0'; s = e + 1) {
			e = strchr(s, '\n');
			if (e == NULL)
				break;
			if (str_has_prefix(s, "verdict:") ||
			    str_has_prefix(s, "error:"))
				continue;
			strbuf_adds(out, "    pf ");
			strbuf_add(out, s, (size_t)(e - s) + 1);
		}
		strbuf_free(&st);
	}
	if (!same_packet(&h->pkt, &h->out)) {
		strbuf_adds(out, "    now ");
		trace_add_packet(&h->out, out);
		strbuf_addc(out, '\n');
	}
	switch (h->fate) {
	case WHOP_DELIVERED:
		strbuf_adds(out, "    delivered\n");
		break;
	case WHOP_ONWARD:
		nh = v4addr(h->nexthop);
		strbuf_addf(out, "    out of %s to %s, reaching %s by %s\n",
		    w->ports[h->out_port].ifname, ipaddr_format(&nh, buf),
		    w->nodes[w->ports[h->next_port].node].name,
		    w->ports[h->next_port].ifname);
		break;
	case WHOP_BEYOND:
		strbuf_adds(out, "    sent on to the internet beyond\n");
		break;
	case WHOP_BLOCKED:
		strbuf_adds(out, "    blocked\n");
		break;
	case WHOP_DROPPED:
		strbuf_addf(out, "    dropped: %s\n", h->reason);
		break;
	case WHOP_UNSUPPORTED:
		strbuf_addf(out, "    cannot say: %s\n", h->reason);
		break;
	}
}

void
trace_add_flow(const struct world *w, const struct wflow *flow,
    struct strbuf *out)
{
	size_t i, k;

	for (i = 0; i < flow->nlegs; i++) {
		const struct wleg *l = &flow->legs[i];

		strbuf_addf(out, "connection %zu, from %s: ", i + 1,
		    w->nodes[l->from].name);
		trace_add_packet(&l->sent, out);
		if (i > 0 && flow->legs[i - 1].pipe != NULL)
			strbuf_addf(out, " (spiped pipe %s)",
			    flow->legs[i - 1].pipe->name);
		strbuf_addc(out, '\n');
		for (k = l->fwd; k < l->fwd + l->nfwd; k++)
			add_hop(w, &flow->hops[k], out);
		if (l->nrep > 0) {
			strbuf_adds(out, " reply: ");
			trace_add_packet(&flow->hops[l->rep].pkt, out);
			strbuf_addc(out, '\n');
		}
		for (k = l->rep; k < l->rep + l->nrep; k++)
			add_hop(w, &flow->hops[k], out);
		if (l->end == WHOP_DELIVERED || l->end == WHOP_BEYOND)
			strbuf_addf(out, " %s %s, %s\n", l->end ==
			    WHOP_BEYOND ? "left for the internet beyond" :
			    "delivered to", l->end == WHOP_BEYOND ? "" :
			    w->nodes[l->to].name, !l->has_reply ? "no reply" :
			    l->replied ? "its reply came back" :
			    "its reply did not come back");
		if (l->pipe != NULL)
			strbuf_addf(out, " pipe %s takes it on\n",
			    l->pipe->name);
	}
}

