/*
 * pf_parse_host: the parts of pf.conf rules that can be lists: interfaces,
 * protocols, addresses, ports and icmp types; and tcp flags.  Follows
 * pfctl's parse.y and its host() family in pfctl_parser.c, except that
 * names (interfaces, "self") stay symbolic instead of being looked up.
 */
#include "pf/pf_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"

/* The location from the start of ${a} to the end of ${b}, on a line. */
static struct loc
join_loc(struct loc a, struct loc b)
{
	if (a.src == b.src && a.line == b.line && b.col >= a.col)
		a.len = b.col + b.len - a.col;
	return a;
}

/* Interfaces. */

/*
 * Return non-zero if ${name} can name an interface, a host or a table: a
 * letter or "_" (or, with ${digit}, a digit) first, then letters, digits,
 * "_", "-" and ".", and not a keyword.  pfctl takes any word and fails
 * later (or never, for an interface that does not exist yet); jailnet
 * refuses what cannot be a name now, and what it could not print back.
 */
int
pf_valid_name(const char *name, int digit)
{
	const char *c;
	int alpha = 0;

	if (!isalpha((unsigned char)name[0]) && name[0] != '_' &&
	    !(digit && isdigit((unsigned char)name[0])))
		return 0;
	for (c = name; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c) && strchr("_-.", *c) == NULL)
			return 0;
		alpha |= !isdigit((unsigned char)*c);
	}
	return alpha && !pf_lex_is_keyword(name);
}

/* if_item: STRING. */
int
pf_parse_if_item(struct pf_parser *p, struct pf_ifspec *out)
{
	const struct pf_tok *t = pf_peek(p);

	if (t->kind != PF_TOK_WORD)
		return pf_syntax_error(p);
	if (strlen(t->text) > PF_IFNAME_MAX)
		return pf_error(p, t->loc, t->macro_loc,
		    "interface name too long");
	if (!pf_valid_name(t->text, 0)) {
		pf_error(p, t->loc, t->macro_loc,
		    "invalid interface name '%s'", t->text);
		if (strchr(t->text, ';') != NULL)
			diag_note(p->diags, t->loc, "';' does not separate "
			    "statements in pf.conf: put each on its own "
			    "line");
		return -1;
	}
	out->name = xstrdup(t->text);
	out->loc = t->loc;
	out->macro_loc = t->macro_loc;
	pf_advance(p);
	return 0;
}

/* if_item_not: ["!"] if_item. */
static int
parse_if_item_not(struct pf_parser *p, void *arg)
{
	struct pf_iflist *out = arg;
	struct pf_ifspec *i = VEC_PUSH(out->v, out->n, out->cap);
	struct loc bang = pf_peek(p)->loc;

	i->neg = pf_accept_char(p, '!');
	if (pf_parse_if_item(p, i) != 0) {
		out->n--;
		return -1;
	}
	if (i->neg)
		i->loc = join_loc(bang, i->loc);
	return 0;
}

/* on if_item_not | on { if_item_not [,] ... } */
int
pf_parse_interface(struct pf_parser *p, struct pf_iflist *out)
{
	pf_advance(p);		/* "on" */
	return pf_parse_one_or_list(p, parse_if_item_not, out);
}

/* Protocols. */

static int
parse_proto_item(struct pf_parser *p, void *arg)
{
	struct pf_protolist *out = arg;
	const struct pf_tok *t = pf_peek(p);
	struct pf_proto_item *it;
	long long v;

	if (t->kind == PF_TOK_WORD) {
		if ((v = pf_proto_number(t->text)) < 0)
			return pf_error(p, t->loc, t->macro_loc,
			    "unknown protocol %s", t->text);
	} else if (t->kind == PF_TOK_NUMBER) {
		if (t->num < 0 || t->num > 255)
			return pf_error(p, t->loc, t->macro_loc,
			    "protocol outside range");
		v = t->num;
	} else {
		return pf_syntax_error(p);
	}
	if (v == 0)
		return pf_error(p, t->loc, t->macro_loc,
		    "proto 0 cannot be used");
	it = VEC_PUSH(out->v, out->n, out->cap);
	it->proto = (int)v;
	it->loc = t->loc;
	it->macro_loc = t->macro_loc;
	pf_advance(p);
	return 0;
}

/* proto item | proto { item [,] ... } */
int
pf_parse_proto(struct pf_parser *p, struct pf_protolist *out)
{
	pf_advance(p);		/* "proto" */
	return pf_parse_one_or_list(p, parse_proto_item, out);
}

/* Addresses. */

/*
 * Parse ${s} as inet_net_pton(3) reads an IPv4 network: one to four
 * decimal parts, a "/" and a length: "10/8", "10.0.2/24".
 */
static int
parse_v4_net(const char *s, unsigned bits, struct ipprefix *out)
{
	unsigned part = 0, nparts = 0, v;

	memset(out, 0, sizeof(*out));
	out->addr.family = AF_INET;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s) || nparts == 4)
			return -1;
		for (v = 0; isdigit((unsigned char)*s); s++) {
			v = v * 10 + (unsigned)(*s - '0');
			if (v > 255)
				return -1;
		}
		out->addr.bytes[part++] = (uint8_t)v;
		nparts++;
		if (*s == '.') {
			s++;
			if (*s == '\0')
				return -1;
		} else if (*s != '\0') {
			return -1;
		}
	}
	if (nparts == 0 || bits > 32)
		return -1;
	out->len = bits;
	*out = ipprefix_network(out);
	return 0;
}

/* Parse interface modifiers ":network" ... off the end of ${name}. */
static int
parse_ifmods(char *name, unsigned *mods)
{
	char *c;

	*mods = 0;
	while ((c = strrchr(name, ':')) != NULL) {
		if (strcmp(c + 1, "network") == 0)
			*mods |= PF_IFMOD_NETWORK;
		else if (strcmp(c + 1, "broadcast") == 0)
			*mods |= PF_IFMOD_BROADCAST;
		else if (strcmp(c + 1, "peer") == 0)
			*mods |= PF_IFMOD_PEER;
		else if (strcmp(c + 1, "0") == 0)
			*mods |= PF_IFMOD_NOALIAS;
		else
			return -1;
		*c = '\0';
	}
	return 0;
}

/* Return non-zero if more than one of network, broadcast, peer is set. */
static int
bad_ifmods(unsigned mods)
{
	unsigned m = mods & (PF_IFMOD_NETWORK | PF_IFMOD_BROADCAST |
	    PF_IFMOD_PEER);

	return (m & (m - 1)) != 0;
}

/*
 * Parse ${text} as a literal address as pfctl's host() and the resolver
 * read one: IPv4 or IPv6 with an optional "/len" (IPv4 in inet_net_pton(3)
 * form: "10.0.2/24"), or an IPv4 address in inet_aton(3) form ("10.0.2" is
 * 10.0.0.2; ${aton} is then set).  Host bits are cleared.  Return 0, or -1
 * if ${text} is not such an address.
 */
int
pf_parse_address(const char *text, struct ipprefix *out, int *aton)
{
	const char *slash = strrchr(text, '/');
	unsigned long bits = 0;
	struct in_addr in;
	char *addr;
	int rc = -1;

	*aton = 0;
	memset(out, 0, sizeof(*out));
	if (slash != NULL) {
		if (parse_uint(slash + 1, 0, 128, &bits) != 0)
			return -1;
		addr = xstrndup(text, (size_t)(slash - text));
		if (parse_v4_net(addr, (unsigned)bits, out) == 0)
			rc = 0;
		else if (ipaddr_parse(addr, &out->addr) == 0 &&
		    bits <= ipaddr_bits(&out->addr)) {
			out->len = (unsigned)bits;
			*out = ipprefix_network(out);
			rc = 0;
		}
		free(addr);
		return rc;
	}
	if (ipaddr_parse(text, &out->addr) == 0) {
		out->len = ipaddr_bits(&out->addr);
		return 0;
	}
	if (isdigit((unsigned char)text[0]) && strchr(text, ':') == NULL &&
	    inet_aton(text, &in) != 0) {
		memset(out, 0, sizeof(*out));
		out->addr.family = AF_INET;
		memcpy(out->addr.bytes, &in, 4);
		out->len = 32;
		*aton = 1;
		return 0;
	}
	return -1;
}

/*
 * Parse ${text} as pfctl's host() does: a literal address (see
 * pf_parse_address()), or a name (an interface, or "self") with
 * modifiers and, if ${allow_mask}, a "/len".  ${out}'s location is set by
 * the caller.
 */
int
pf_host_from_text(struct pf_parser *p, const char *text, int allow_mask,
    struct pf_addr *out)
{
	const char *slash = strrchr(text, '/');
	char *name, buf[IPADDR_STRLEN];
	unsigned long bits = 0;
	int aton, mask = -1;

	out->mask = -1;
	if ((slash == NULL || allow_mask) &&
	    pf_parse_address(text, &out->prefix, &aton) == 0) {
		out->kind = PF_ADDR_PREFIX;
		if (aton)
			/* pfctl falls back to getaddrinfo(3), which reads
			   it as inet_aton(3) does. */
			diag_warning(p->diags, out->loc, "'%s' is read as "
			    "%s, as inet_aton(3) reads it", text,
			    ipaddr_format(&out->prefix.addr, buf));
		return 0;
	}
	if (slash != NULL) {
		if (!allow_mask || parse_uint(slash + 1, 0, 128, &bits) != 0)
			goto bad0;
		mask = (int)bits;
		name = xstrndup(text, (size_t)(slash - text));
	} else {
		name = xstrdup(text);
	}
	if ((!isalpha((unsigned char)name[0]) && name[0] != '_') ||
	    parse_ifmods(name, &out->ifmods) != 0 || !pf_valid_name(name, 0))
		goto bad;
	if (bad_ifmods(out->ifmods)) {
		free(name);
		return pf_error(p, out->loc, out->macro_loc,
		    "illegal combination of interface modifiers");
	}
	if (mask >= 0 && (out->ifmods &
	    (PF_IFMOD_NETWORK | PF_IFMOD_BROADCAST))) {
		free(name);
		return pf_error(p, out->loc, out->macro_loc, "network or "
		    "broadcast lookup, but extra netmask given");
	}
	out->kind = PF_ADDR_IFACE;
	out->name = name;
	out->mask = mask;
	return 0;
bad:
	free(name);
bad0:
	pf_error(p, out->loc, out->macro_loc,
	    "could not parse host specification");
	if (strchr(text, ';') != NULL)
		diag_note(p->diags, out->loc, "';' does not separate "
		    "statements in pf.conf: put each on its own line");
	return -1;
}

/* "(" STRING ")" ["/" NUMBER]: a dynamic interface address. */
static int
parse_dynaddr(struct pf_parser *p, struct pf_addr *out)
{
	struct loc open = pf_peek(p)->loc, nloc;
	const struct pf_tok *t;
	char *name;
	long long v;

	pf_advance(p);		/* "(" */
	t = pf_peek(p);
	out->macro_loc = t->macro_loc;
	if (pf_take_string(p, &name, &nloc) != 0)
		return -1;
	out->loc = join_loc(open, nloc);
	if (!isalpha((unsigned char)name[0])) {
		pf_error(p, nloc, out->macro_loc,
		    "invalid interface name '%s'", name);
		free(name);
		return -1;
	}
	if (parse_ifmods(name, &out->ifmods) != 0) {
		pf_error(p, nloc, out->macro_loc,
		    "interface %s has bad modifier", name);
		free(name);
		return -1;
	}
	out->kind = PF_ADDR_DYNIFACE;
	out->name = name;
	out->mask = -1;
	if (!pf_valid_name(name, 0))
		return pf_error(p, nloc, out->macro_loc,
		    "invalid interface name '%s'", name);
	if (bad_ifmods(out->ifmods))
		return pf_error(p, out->loc, out->macro_loc,
		    "illegal combination of interface modifiers");
	if (strlen(name) > PF_IFNAME_MAX)
		return pf_error(p, nloc, out->macro_loc,
		    "interface name too long");
	t = pf_peek(p);
	if (!pf_is_char(t, ')'))
		return pf_syntax_error(p);
	out->loc = join_loc(open, t->loc);
	pf_advance(p);
	if (!pf_accept_char(p, '/'))
		return 0;
	t = pf_peek(p);
	if (t->kind != PF_TOK_NUMBER)
		return pf_syntax_error(p);
	out->loc = join_loc(out->loc, t->loc);
	if (pf_take_number(p, 0, 128, "bit number too big", &v) != 0)
		return -1;
	out->mask = (int)v;
	return 0;
}

/* host: STRING, STRING - STRING, STRING/NUMBER, NUMBER/NUMBER, dynaddr,
   <table>. */
int
pf_parse_host(struct pf_parser *p, struct pf_addr *out)
{
	const struct pf_tok *t = pf_peek(p);
	struct pf_tok first;
	struct pf_addr last = { 0 };
	char *text;
	int rc;

	out->macro_loc = t->macro_loc;
	out->loc = t->loc;
	if (pf_is_char(t, '('))
		return parse_dynaddr(p, out);
	if (pf_is_char(t, '<')) {
		pf_advance(p);
		t = pf_peek(p);
		if (pf_take_string(p, &out->name, NULL) != 0)
			return -1;
		out->kind = PF_ADDR_TABLE;
		if (strlen(out->name) > PF_TABLE_NAME_MAX)
			return pf_error(p, out->loc, out->macro_loc,
			    "table name '%s' too long", out->name);
		if (!pf_valid_name(out->name, 1))
			return pf_error(p, out->loc, out->macro_loc,
			    "invalid table name '%s'", out->name);
		t = pf_peek(p);
		if (!pf_is_char(t, '>'))
			return pf_syntax_error(p);
		out->loc = join_loc(out->loc, t->loc);
		pf_advance(p);
		return 0;
	}
	if (t->kind != PF_TOK_WORD && t->kind != PF_TOK_NUMBER)
		return pf_syntax_error(p);
	if (t->kind == PF_TOK_NUMBER && !pf_is_char(pf_peek2(p), '/'))
		return pf_syntax_error(p);	/* a number is not a host */
	pf_take(p, &first);
	if (pf_accept_char(p, '/')) {
		t = pf_peek(p);
		if (t->kind != PF_TOK_NUMBER) {
			pf_tok_clear(&first);
			return pf_syntax_error(p);
		}
		text = xasprintf("%s/%lld", first.text, t->num);
		out->loc = join_loc(first.loc, t->loc);
		pf_advance(p);
		rc = pf_host_from_text(p, text, 1, out);
		free(text);
		pf_tok_clear(&first);
		return rc;
	}
	if (!pf_is_char(pf_peek(p), '-')) {
		rc = pf_host_from_text(p, first.text, 0, out);
		pf_tok_clear(&first);
		return rc;
	}
	/* An address range. */
	pf_advance(p);
	t = pf_peek(p);
	if (t->kind != PF_TOK_WORD) {
		pf_tok_clear(&first);
		return pf_syntax_error(p);
	}
	last.loc = t->loc;
	last.macro_loc = t->macro_loc;
	rc = pf_host_from_text(p, first.text, 0, out) != 0 ||
	    pf_host_from_text(p, t->text, 0, &last) != 0;
	out->loc = join_loc(first.loc, t->loc);
	pf_advance(p);
	pf_tok_clear(&first);
	if (rc != 0) {
		pf_addr_clear(&last);
		return -1;
	}
	if (out->kind != PF_ADDR_PREFIX || last.kind != PF_ADDR_PREFIX ||
	    out->prefix.addr.family != last.prefix.addr.family ||
	    out->prefix.len != ipaddr_bits(&out->prefix.addr) ||
	    last.prefix.len != ipaddr_bits(&last.prefix.addr)) {
		pf_addr_clear(&last);
		return pf_error(p, out->loc, out->macro_loc,
		    "invalid address range");
	}
	out->kind = PF_ADDR_RANGE;
	out->last = last.prefix.addr;
	return 0;
}

/*
 * If ${l}->v[${i}] is a host name that the parser's lookup knows, put its
 * addresses in its place, as pfctl's host() does, each with the name's
 * "!", "/len" and location.
 */
void
pf_host_names(struct pf_parser *p, struct pf_addrlist *l, size_t i)
{
	struct pf_addr a = l->v[i], *e;
	struct ipprefix *v;
	size_t j, n;

	if (p->lookup == NULL || a.kind != PF_ADDR_IFACE ||
	    p->lookup(p->lookup_ctx, &a, &v, &n) != 0)
		return;
	if (n == 0) {
		free(v);
		return;
	}
	for (j = 1; j < n; j++)
		VEC_PUSH(l->v, l->n, l->cap);
	memmove(&l->v[i + n], &l->v[i + 1],
	    (l->n - n - i) * sizeof(*l->v));
	for (j = 0; j < n; j++) {
		e = &l->v[i + j];
		memset(e, 0, sizeof(*e));
		e->kind = PF_ADDR_PREFIX;
		e->neg = a.neg;
		e->prefix = v[j];
		e->mask = -1;
		e->loc = a.loc;
		e->macro_loc = a.macro_loc;
	}
	free(a.name);
	free(v);
}

/* xhost: ["!"] host | ["!"] no-route | ["!"] urpf-failed. */
static int
parse_xhost(struct pf_parser *p, struct pf_addrlist *out)
{
	struct pf_addr *a = VEC_PUSH(out->v, out->n, out->cap);
	const struct pf_tok *t = pf_peek(p);
	struct loc bang = t->loc;

	a->neg = pf_accept_char(p, '!');
	t = pf_peek(p);
	if (pf_is_kw(t, "no-route") || pf_is_kw(t, "urpf-failed")) {
		a->kind = pf_is_kw(t, "no-route") ? PF_ADDR_NOROUTE :
		    PF_ADDR_URPF_FAILED;
		a->loc = t->loc;
		a->macro_loc = t->macro_loc;
		a->mask = -1;
		pf_advance(p);
	} else if (pf_parse_host(p, a) != 0) {
		pf_addr_clear(a);
		out->n--;
		return -1;
	}
	if (a->neg)
		a->loc = join_loc(bang, a->loc);
	pf_host_names(p, out, out->n - 1);
	return 0;
}

/*
 * ipspec: any | xhost | { ipspec [,] ... }: append the addresses to
 * ${out} ("any" adds none, as in pfctl, where it is a NULL host).
 */
int
pf_parse_ipspec(struct pf_parser *p, struct pf_addrlist *out)
{
	if (pf_accept_kw(p, "any"))
		return 0;
	if (!pf_accept_char(p, '{'))
		return parse_xhost(p, out);
	pf_skip_nl(p);
	return pf_parse_ipspec_list(p, out);
}

static int
parse_ipspec_item(struct pf_parser *p, void *arg)
{
	return pf_parse_ipspec(p, arg);
}

/* host_list "}", after "{" and newlines. */
int
pf_parse_ipspec_list(struct pf_parser *p, struct pf_addrlist *out)
{
	return pf_parse_list_rest(p, parse_ipspec_item, out);
}

/* Ports. */

/*
 * pfctl's getservice(): a number (as strtoul(3) with base 0 reads it) up
 * to 65535, or a service name.
 */
static int
getservice(struct pf_parser *p, const char *s, struct loc loc,
    struct loc mloc, uint16_t *out)
{
	unsigned long v;
	char *end;
	int port;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (s[0] != '\0' && *end == '\0' && !(errno == ERANGE &&
	    v == ULONG_MAX)) {
		if (v > 65535)
			return pf_error(p, loc, mloc,
			    "illegal port value %lu", v);
		*out = (uint16_t)v;
		return 0;
	}
	if ((port = pf_service_port(s)) < 0)
		return pf_error(p, loc, mloc, "unknown port %s", s);
	*out = (uint16_t)port;
	return 0;
}

/*
 * portrange (or portstar if ${star}): a port, a:b, or with ${star} a:*.
 * Set ${range} to 1 for a:b with a != b, 2 for a:*, else 0 (b is then 0).
 */
int
pf_parse_portrange(struct pf_parser *p, int star, uint16_t *a, uint16_t *b,
    int *range, struct loc *loc)
{
	const struct pf_tok *t = pf_peek(p);
	struct loc mloc = t->macro_loc;
	char *s, *colon;
	int rc;

	if (t->kind != PF_TOK_WORD && t->kind != PF_TOK_NUMBER)
		return pf_syntax_error(p);
	*loc = t->loc;
	s = t->kind == PF_TOK_NUMBER ? xasprintf("%lld", t->num) :
	    xstrdup(t->text);
	pf_advance(p);
	*b = 0;
	*range = 0;
	if ((colon = strchr(s, ':')) == NULL) {
		rc = getservice(p, s, *loc, mloc, a);
	} else if (star && strcmp(colon + 1, "*") == 0) {
		*colon = '\0';
		rc = getservice(p, s, *loc, mloc, a);
		*range = 2;
	} else {
		*colon = '\0';
		rc = getservice(p, s, *loc, mloc, a);
		if (rc == 0)
			rc = getservice(p, colon + 1, *loc, mloc, b);
		if (rc == 0 && *a == *b)
			*b = 0;
		else if (rc == 0)
			*range = 1;
	}
	free(s);
	return rc;
}

/* unaryop: = | != | < | <= | > | >=, or PF_PORT_NONE. */
static enum pf_port_op
parse_unaryop(struct pf_parser *p)
{
	const struct pf_tok *t = pf_peek(p);

	if (pf_is_char(t, '=')) {
		pf_advance(p);
		return PF_PORT_EQ;
	}
	if (pf_is_char(t, '!') && pf_is_char(pf_peek2(p), '=')) {
		pf_advance(p);
		pf_advance(p);
		return PF_PORT_NE;
	}
	if (pf_is_char(t, '<') || pf_is_char(t, '>')) {
		int lt = t->ch == '<';

		pf_advance(p);
		if (pf_accept_char(p, '='))
			return lt ? PF_PORT_LE : PF_PORT_GE;
		return lt ? PF_PORT_LT : PF_PORT_GT;
	}
	return PF_PORT_NONE;
}

static int
parse_port_item(struct pf_parser *p, void *arg)
{
	struct pf_portlist *out = arg;
	struct loc start = pf_peek(p)->loc, loc, loc2;
	struct loc mloc = pf_peek(p)->macro_loc;
	enum pf_port_op op = parse_unaryop(p);
	struct pf_port *pt;
	uint16_t a, b, a2, b2;
	int range, range2;
	const struct pf_tok *t;

	if (pf_parse_portrange(p, 0, &a, &b, &range, &loc) != 0)
		return -1;
	if (op != PF_PORT_NONE) {
		if (range)
			return pf_error(p, loc, mloc, "':' cannot be used "
			    "with an other port operator");
	} else if ((t = pf_peek(p))->kind == PF_TOK_PORTBINARY) {
		op = t->ch == '<' ? PF_PORT_OUTSIDE : PF_PORT_INSIDE;
		pf_advance(p);
		if (pf_parse_portrange(p, 0, &a2, &b2, &range2, &loc2) != 0)
			return -1;
		if (range || range2)
			return pf_error(p, join_loc(start, loc2), mloc,
			    "':' cannot be used with an other port "
			    "operator");
		b = a2;
		/*
		 * pfctl's "invalid port range" (its validate_range()): a><b
		 * matches the ports strictly between a and b, so none unless
		 * a is below b; a<>b the ports outside a..b, so all of them
		 * if a is above b.
		 */
		if (op == PF_PORT_INSIDE && a >= b)
			return pf_error(p, join_loc(start, loc2), mloc,
			    "invalid port range %u >< %u: no port lies "
			    "strictly between them", a, b);
		if (op == PF_PORT_OUTSIDE && a > b)
			return pf_error(p, join_loc(start, loc2), mloc,
			    "invalid port range %u <> %u: the first port is "
			    "above the last, so every port matches", a, b);
		loc = loc2;
	} else if (range && a > b) {
		/*
		 * pfctl's "invalid port range" (its port_item): a:b matches
		 * the ports from a to b, so none if a is above b.  A
		 * redirection's port range is not a port_item and keeps
		 * pfctl's arithmetic.
		 */
		return pf_error(p, loc, mloc, "invalid port range %u:%u: "
		    "the first port is above the last, so no port matches",
		    a, b);
	} else {
		op = range ? PF_PORT_RANGE : PF_PORT_EQ;
	}
	pt = VEC_PUSH(out->v, out->n, out->cap);
	pt->op = op;
	pt->a = a;
	pt->b = b;
	pt->loc = join_loc(start, loc);
	pt->macro_loc = mloc;
	return 0;
}

/* portspec: port_item | { port_item [,] ... } */
int
pf_parse_portspec(struct pf_parser *p, struct pf_portlist *out)
{
	return pf_parse_one_or_list(p, parse_port_item, out);
}

/* from / to. */

/* ipportspec: ipspec [port portspec] | port portspec */
static int
parse_ipportspec(struct pf_parser *p, struct pf_addrlist *hosts,
    struct pf_portlist *ports)
{
	if (!pf_is_kw(pf_peek(p), "port") &&
	    pf_parse_ipspec(p, hosts) != 0)
		return -1;
	if (!pf_accept_kw(p, "port"))
		return 0;
	return pf_parse_portspec(p, ports);
}

/* fromto: all | [from ipportspec] [os ...] [to ipportspec] */
int
pf_parse_fromto(struct pf_parser *p, struct pf_rule_lists *l)
{
	size_t i;

	if (pf_accept_kw(p, "all"))
		return 0;
	if (pf_accept_kw(p, "from") &&
	    parse_ipportspec(p, &l->src, &l->sport) != 0)
		return -1;
	if (pf_is_kw(pf_peek(p), "os"))
		return pf_unsupported(p, pf_peek(p));
	if (!pf_accept_kw(p, "to"))
		return 0;
	if (parse_ipportspec(p, &l->dst, &l->dport) != 0)
		return -1;
	for (i = 0; i < l->dst.n; i++)
		if (l->dst.v[i].kind == PF_ADDR_URPF_FAILED)
			return pf_error(p, l->dst.v[i].loc,
			    l->dst.v[i].macro_loc, "\"urpf-failed\" is not "
			    "permitted in a destination address");
	return 0;
}

/* ICMP types. */

/* The list an icmp-type or icmp6-type item goes to, and its family. */
struct icmp_item_ctx {
	int af;
	struct pf_icmplist *out;
};

static int
parse_icmp_item(struct pf_parser *p, void *arg)
{
	const struct icmp_item_ctx *ctx = arg;
	int af = ctx->af;
	struct pf_icmplist *out = ctx->out;
	const struct pf_tok *t = pf_peek(p);
	const char *v6 = af == AF_INET6 ? "6" : "";
	struct pf_icmp_item *it;
	int type, code = -1;
	struct loc loc = t->loc;

	if (t->kind == PF_TOK_WORD) {
		if ((type = pf_icmp_type_number(t->text, af)) < 0)
			return pf_error(p, t->loc, t->macro_loc,
			    "unknown icmp%s-type %s", v6, t->text);
	} else if (t->kind == PF_TOK_NUMBER) {
		if (t->num < 0 || t->num > 255)
			return pf_error(p, t->loc, t->macro_loc,
			    "illegal icmp%s-type %lld", v6, t->num);
		type = (int)t->num;
	} else {
		return pf_syntax_error(p);
	}
	pf_advance(p);
	if (pf_accept_kw(p, "code")) {
		t = pf_peek(p);
		if (t->kind == PF_TOK_WORD) {
			if ((code = pf_icmp_code_number(type, t->text,
			    af)) < 0)
				return pf_error(p, t->loc, t->macro_loc,
				    "unknown icmp%s-code %s", v6, t->text);
		} else if (t->kind == PF_TOK_NUMBER) {
			if (t->num < 0 || t->num > 255)
				return pf_error(p, t->loc, t->macro_loc,
				    "illegal icmp-code %lld", t->num);
			code = (int)t->num;
		} else {
			return pf_syntax_error(p);
		}
		loc = join_loc(loc, t->loc);
		pf_advance(p);
	}
	it = VEC_PUSH(out->v, out->n, out->cap);
	it->type = type;
	it->code = code;
	it->proto = af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	it->loc = loc;
	return 0;
}

/* icmp-type item | icmp-type { item [,] ... }, and icmp6-type. */
int
pf_parse_icmpspec(struct pf_parser *p, struct pf_icmplist *out)
{
	struct icmp_item_ctx ctx = {
		pf_is_kw(pf_peek(p), "icmp6-type") ? AF_INET6 : AF_INET, out
	};

	pf_advance(p);
	return pf_parse_one_or_list(p, parse_icmp_item, &ctx);
}

/* TCP flags. */

/* pfctl's parse_flags(): letters of "FSRPAUEW". */
static int
flag_bits(struct pf_parser *p, uint8_t *out)
{
	static const char letters[] = "FSRPAUEW";
	const struct pf_tok *t = pf_peek(p);
	const char *c, *l;
	unsigned f = 0;

	if (t->kind != PF_TOK_WORD)
		return pf_syntax_error(p);
	for (c = t->text; *c != '\0'; c++) {
		if ((l = strchr(letters, *c)) == NULL)
			return pf_error(p, t->loc, t->macro_loc,
			    "bad flags %s", t->text);
		f |= 1u << (l - letters);
	}
	*out = (uint8_t)(f ? f : 0xff);
	pf_advance(p);
	return 0;
}

/* flags F/M | flags /M | flags any */
int
pf_parse_flags(struct pf_parser *p, uint8_t *flags, uint8_t *flagset)
{
	pf_advance(p);		/* "flags" */
	*flags = *flagset = 0;
	if (pf_accept_kw(p, "any"))
		return 0;
	if (!pf_is_char(pf_peek(p), '/') && flag_bits(p, flags) != 0)
		return -1;
	if (pf_expect_char(p, '/') != 0)
		return -1;
	return flag_bits(p, flagset);
}
