/*
 * pf_test_spec: the packet description of `jailnet pf --test`.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_eval.h"

#define MAXWORDS 32

struct words {
	char *v[MAXWORDS];
	size_t n, i;
	char *buf;
	size_t len;		/* of the spec */
	unsigned col;		/* of the word an error names, from 1 */
};

static int
err_at(char **err, struct words *w, const char *what)
{
	w->col = w->i < w->n ? (unsigned)(w->v[w->i] - w->buf) + 1 :
	    (unsigned)w->len + 1;
	if (w->i < w->n)
		*err = xasprintf("%s, found '%s' (word %zu)", what, w->v[w->i],
		    w->i + 1);
	else
		*err = xasprintf("%s, found the end of the test", what);
	return -1;
}

static const char *
peek(const struct words *w)
{
	return w->i < w->n ? w->v[w->i] : NULL;
}

static bool
word_accept(struct words *w, const char *word)
{
	if (w->i < w->n && str_eq(w->v[w->i], word)) {
		w->i++;
		return true;
	}
	return false;
}

static int
expect(struct words *w, const char *word, char **err)
{
	char *what;
	int rc;

	if (word_accept(w, word))
		return 0;
	what = xasprintf("expected '%s'", word);
	rc = err_at(err, w, what);
	free(what);
	return rc;
}

static int
parse_ifname(struct words *w, char *out, char **err)
{
	const char *s = peek(w);

	if (s == NULL || strlen(s) >= PF_EVAL_IFNAMSIZ || *s == '\0')
		return err_at(err, w, "expected an interface name");
	snprintf(out, PF_EVAL_IFNAMSIZ, "%s", s);
	w->i++;
	return 0;
}

static int
parse_address(struct words *w, struct ipaddr *a, char **err)
{
	const char *s = peek(w);

	if (s == NULL || ipaddr_parse(s, a) != 0)
		return err_at(err, w, "expected an IPv4 or IPv6 address");
	w->i++;
	return 0;
}

static int
parse_port(struct words *w, uint16_t *port, char **err)
{
	const char *s = peek(w);
	unsigned long v;
	int sp;

	if (s != NULL && parse_uint(s, 0, 65535, &v) == 0) {
		*port = (uint16_t)v;
		w->i++;
		return 0;
	}
	if (s != NULL && (sp = pf_service_port(s)) >= 0) {
		*port = (uint16_t)sp;
		w->i++;
		return 0;
	}
	return err_at(err, w, "expected a port number (0-65535) or a "
	    "service name");
}

static int
parse_flags(struct words *w, uint8_t *flags, char **err)
{
	static const char letters[] = "FSRPAUEW";
	const char *s = peek(w), *c, *q;

	if (s == NULL || *s == '\0')
		return err_at(err, w, "expected TCP flags (letters of "
		    "FSRPAUEW)");
	*flags = 0;
	for (c = s; *c != '\0'; c++) {
		q = strchr(letters, *c);
		if (q == NULL)
			return err_at(err, w, "expected TCP flags (letters "
			    "of FSRPAUEW)");
		*flags |= (uint8_t)(1u << (q - letters));
	}
	w->i++;
	return 0;
}

static int
parse_icmp(struct words *w, struct pf_packet *p, int af, char **err)
{
	const char *s = peek(w);
	unsigned long v;
	int n;

	if (s != NULL && parse_uint(s, 0, 255, &v) == 0)
		n = (int)v;
	else if (s != NULL)
		n = pf_icmp_type_number(s, af);
	else
		n = -1;
	if (n < 0)
		return err_at(err, w, "expected an ICMP type (echoreq, "
		    "unreach, ... or a number)");
	p->icmp_type = n;
	w->i++;
	p->icmp_code = 0;
	if (!word_accept(w, "code"))
		return 0;
	s = peek(w);
	if (s != NULL && parse_uint(s, 0, 255, &v) == 0)
		n = (int)v;
	else if (s != NULL)
		n = pf_icmp_code_number(p->icmp_type, s, af);
	else
		n = -1;
	if (n < 0)
		return err_at(err, w, "expected an ICMP code");
	p->icmp_code = n;
	w->i++;
	return 0;
}

static int
parse_proto(struct words *w, struct pf_packet *p, char **err)
{
	if (word_accept(w, "tcp")) {
		p->proto = IPPROTO_TCP;
		p->flags = PF_TH_SYN;
		return 0;
	}
	if (word_accept(w, "udp")) {
		p->proto = IPPROTO_UDP;
		return 0;
	}
	if (word_accept(w, "icmp")) {
		p->proto = IPPROTO_ICMP;
		return parse_icmp(w, p, AF_INET, err);
	}
	if (word_accept(w, "icmp6")) {
		p->proto = IPPROTO_ICMPV6;
		return parse_icmp(w, p, AF_INET6, err);
	}
	return err_at(err, w, "expected a protocol (tcp, udp, icmp or "
	    "icmp6)");
}

/* The words of the spec, split at white space. */
static int
split(const char *spec, struct words *w, char **err)
{
	char *s;

	memset(w, 0, sizeof(*w));
	w->buf = xstrdup(spec);
	w->len = strlen(spec);
	for (s = strtok(w->buf, " \t\n"); s != NULL;
	    s = strtok(NULL, " \t\n")) {
		if (w->n == MAXWORDS) {
			w->col = (unsigned)(s - w->buf) + 1;
			*err = xasprintf("too many words (more than %d)",
			    MAXWORDS);
			return -1;
		}
		w->v[w->n++] = s;
	}
	return 0;
}

static int
parse_words(struct words *w, struct pf_test *t, char **err)
{
	struct pf_packet *p = &t->pkt;
	bool in, icmp;

	if (word_accept(w, "in")) {
		in = true;
		if (expect(w, "on", err) != 0 ||
		    parse_ifname(w, t->in_ifname, err) != 0)
			return -1;
	} else if (word_accept(w, "out")) {
		in = false;
	} else {
		return err_at(err, w, "expected 'in on IF' or 'out'");
	}
	if (parse_proto(w, p, err) != 0 || expect(w, "from", err) != 0 ||
	    parse_address(w, &p->src, err) != 0)
		return -1;
	icmp = p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
	p->sport = icmp ? 0 : 49152;
	if (word_accept(w, "port")) {
		if (icmp) {
			w->i--;
			return err_at(err, w, "icmp has no ports");
		}
		if (parse_port(w, &p->sport, err) != 0)
			return -1;
	}
	if (expect(w, "to", err) != 0 ||
	    parse_address(w, &p->dst, err) != 0)
		return -1;
	if (p->dst.family != p->src.family) {
		w->i--;
		return err_at(err, w, "the addresses are of different "
		    "families");
	}
	p->af = p->src.family;
	if ((p->proto == IPPROTO_ICMP && p->af != AF_INET) ||
	    (p->proto == IPPROTO_ICMPV6 && p->af != AF_INET6)) {
		w->i--;
		return err_at(err, w, p->proto == IPPROTO_ICMP ?
		    "icmp needs IPv4 addresses (icmp6 for IPv6)" :
		    "icmp6 needs IPv6 addresses");
	}
	if (!icmp) {
		if (expect(w, "port", err) != 0 ||
		    parse_port(w, &p->dport, err) != 0)
			return -1;
	}
	if (word_accept(w, "flags")) {
		if (p->proto != IPPROTO_TCP) {
			w->i--;
			return err_at(err, w, "only tcp has flags");
		}
		if (parse_flags(w, &p->flags, err) != 0)
			return -1;
	}
	if (in && word_accept(w, "out")) {
		if (expect(w, "on", err) != 0 ||
		    parse_ifname(w, t->out_member, err) != 0)
			return -1;
	}
	if (w->i < w->n)
		return err_at(err, w, "expected the end of the test");
	return 0;
}

int
pf_test_parse(const char *spec, struct pf_test *t, char **err)
{
	unsigned col;

	return pf_test_parse_at(spec, t, err, &col);
}

int
pf_test_parse_at(const char *spec, struct pf_test *t, char **err,
    unsigned *col)
{
	struct words w;
	int rc;

	*err = NULL;
	*col = 0;
	memset(t, 0, sizeof(*t));
	t->pkt.icmp_type = t->pkt.icmp_code = -1;
	rc = split(spec, &w, err);
	if (rc == 0)
		rc = parse_words(&w, t, err);
	if (rc != 0)
		*col = w.col ? w.col : 1;
	free(w.buf);
	return rc;
}
