/*
 * pf_live: live pf tables on nft sets.
 */
#include "kernel/pf_live.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_nft.h"
#include "pf/pf_nft_name.h"
#include "kernel/netns.h"
#include "kernel/nft_run.h"

static void
push_entry(struct pf_live_table *t, const struct ipprefix *p, long age)
{
	struct pf_live_entry *e = VEC_PUSH(t->entries, t->n, t->cap);

	e->prefix = ipprefix_network(p);
	e->age = age;
}

struct range_sink {
	struct pf_live_table *t;
	long age;
};

static void
push_range_prefix(const struct ipprefix *p, void *arg)
{
	struct range_sink *rs = arg;

	push_entry(rs->t, p, rs->age);
}

/* Is bit ${i} (0 = most significant) of ${a} set? */
static bool
bit_at(const struct ipaddr *a, unsigned i)
{
	return (a->bytes[i / 8] >> (7 - i % 8)) & 1;
}

/* ${a} + 2^(bits - ${len}), the address after the /len block at ${a};
   false if it wraps past the end of the family. */
static bool
next_block(struct ipaddr *a, unsigned len)
{
	unsigned i;
	int carry = 1;

	for (i = len; i-- > 0 && carry;) {
		unsigned byte = i / 8, shift = 7 - i % 8;
		unsigned v = (a->bytes[byte] >> shift) & 1;

		a->bytes[byte] ^= (uint8_t)(1u << shift);
		carry = v;	/* 1 + 1 carries on */
	}
	return !carry;
}

void
pf_live_range_prefixes(const struct ipaddr *lo, const struct ipaddr *hi,
    void (*emit)(const struct ipprefix *, void *), void *arg)
{
	unsigned bits = ipaddr_bits(lo), len, i;
	struct ipaddr cur = *lo;

	for (;;) {
		struct ipprefix p;
		struct ipaddr last;

		/* The largest aligned block at cur that ends by hi. */
		for (len = 0; len < bits; len++) {
			bool aligned = true;

			for (i = len; i < bits && aligned; i++)
				aligned = !bit_at(&cur, i);
			if (!aligned)
				continue;
			last = cur;
			for (i = len; i < bits; i++)
				last.bytes[i / 8] |= (uint8_t)(1u <<
				    (7 - i % 8));
			if (ipaddr_cmp(&last, hi) <= 0)
				break;
		}
		if (len == bits)
			last = cur;
		p.addr = cur;
		p.len = len;
		emit(&p, arg);
		if (ipaddr_cmp(&last, hi) >= 0 || !next_block(&cur, len))
			return;
	}
}

/* Parse one element value: "ADDR", {"prefix": ...} or {"range": ...}. */
static int
add_value(struct pf_live_table *t, const json_t *val, long age)
{
	struct ipprefix p;
	const json_t *o;

	if (json_is_string(val)) {
		if (ipprefix_parse(json_string_value(val), &p) != 0)
			return -1;
		push_entry(t, &p, age);
		return 0;
	}
	if ((o = json_object_get(val, "prefix")) != NULL) {
		const json_t *len = json_object_get(o, "len");
		const char *addr = json_string_value(json_object_get(o,
		    "addr"));

		if (addr == NULL || ipaddr_parse(addr, &p.addr) != 0 ||
		    !json_is_integer(len) ||
		    json_integer_value(len) < 0 ||
		    json_integer_value(len) > (json_int_t)ipaddr_bits(&p.addr))
			return -1;
		p.len = (unsigned)json_integer_value(len);
		push_entry(t, &p, age);
		return 0;
	}
	if ((o = json_object_get(val, "range")) != NULL &&
	    json_array_size(o) == 2) {
		struct ipaddr lo, hi;
		struct range_sink rs = { t, age };
		const char *a = json_string_value(json_array_get(o, 0));
		const char *b = json_string_value(json_array_get(o, 1));

		if (a == NULL || b == NULL || ipaddr_parse(a, &lo) != 0 ||
		    ipaddr_parse(b, &hi) != 0 || lo.family != hi.family ||
		    ipaddr_cmp(&lo, &hi) > 0)
			return -1;
		pf_live_range_prefixes(&lo, &hi, push_range_prefix, &rs);
		return 0;
	}
	return -1;
}

/* Read the elements of one set from nft's JSON listing. */
static int
read_set(struct pf_live_table *t, const char *set, struct nl_error *err)
{
	struct strbuf cmd = { 0 }, out = { 0 };
	json_t *root = NULL, *items, *item, *s, *elems, *el;
	json_error_t jerr;
	json_int_t timeout = 0;
	size_t i, k;
	int rc = -1;

	strbuf_addf(&cmd, "list set inet %s %s", t->nft_table, set);
	if (nft_run_in_netns(t->fd, strbuf_cstr(&cmd), true, &out, err) != 0)
		goto out;
	if ((root = json_loads(strbuf_cstr(&out), 0, &jerr)) == NULL) {
		nl_error_set(err, EINVAL, "nft: unreadable JSON listing of "
		    "set %s: %s", set, jerr.text);
		goto out;
	}
	items = json_object_get(root, "nftables");
	json_array_foreach(items, i, item) {
		if ((s = json_object_get(item, "set")) == NULL)
			continue;
		if (json_is_integer(json_object_get(s, "timeout"))) {
			timeout = json_integer_value(json_object_get(s,
			    "timeout"));
			t->dated = true;
		}
		elems = json_object_get(s, "elem");
		json_array_foreach(elems, k, el) {
			const json_t *inner = json_object_get(el, "elem");
			const json_t *val = el;
			long age = -1;

			if (inner != NULL) {
				const json_t *exp = json_object_get(inner,
				    "expires");

				val = json_object_get(inner, "val");
				if (timeout > 0 && json_is_integer(exp))
					age = (long)(timeout -
					    json_integer_value(exp));
			}
			if (add_value(t, val, age) != 0) {
				nl_error_set(err, EINVAL, "nft: set %s has "
				    "an element jailnet cannot read", set);
				goto out;
			}
		}
	}
	rc = 0;
out:
	json_decref(root);
	strbuf_free(&cmd);
	strbuf_free(&out);
	return rc;
}

int
pf_live_read(struct pf_live_table *t, struct nl_error *err)
{
	t->n = 0;
	t->dated = false;
	if (read_set(t, t->set[0], err) != 0 ||
	    read_set(t, t->set[1], err) != 0)
		return -1;
	return 0;
}

int
pf_live_open(const char *netns, const char *server, const char *table,
    struct pf_live_table *out, struct nl_error *err)
{
	struct strbuf name = { 0 };
	unsigned fam;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (netns_open(netns, &out->fd, err) != 0)
		return -1;
	pf_nft_name("jailnet_", server, &name);
	out->nft_table = strbuf_steal(&name);
	for (fam = 0; fam < 2; fam++) {
		pf_nft_table_set(table, fam == 0 ? NFT_FAM_4 : NFT_FAM_6, &name);
		out->set[fam] = strbuf_steal(&name);
	}
	if (pf_live_read(out, err) != 0) {
		pf_live_close(out);
		return -1;
	}
	return 0;
}

/* Append "VERB element inet T SET { a, b }\n" for the prefixes of one
   family, if any. */
static void
add_elements(struct strbuf *cmd, const char *verb,
    const struct pf_live_table *t, int family,
    const struct ipprefix *v, size_t n)
{
	char buf[IPADDR_STRLEN];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct ipprefix net;

		if (v[i].addr.family != family)
			continue;
		net = ipprefix_network(&v[i]);
		strbuf_addf(cmd, k++ == 0 ? "%s element inet %s %s { " : ", ",
		    verb, t->nft_table, t->set[family == AF_INET6]);
		strbuf_adds(cmd, net.len == ipaddr_bits(&net.addr) ?
		    ipaddr_format(&net.addr, buf) : ipprefix_format(&net, buf));
	}
	if (k > 0)
		strbuf_adds(cmd, " }\n");
}

int
pf_live_change(struct pf_live_table *t, bool flush,
    const struct ipprefix *add, size_t nadd, const struct ipprefix *drop,
    size_t ndrop, struct nl_error *err)
{
	struct strbuf cmd = { 0 };
	int rc = 0;

	if (flush)
		strbuf_addf(&cmd, "flush set inet %s %s\nflush set inet %s "
		    "%s\n", t->nft_table, t->set[0], t->nft_table, t->set[1]);
	add_elements(&cmd, "delete", t, AF_INET, drop, ndrop);
	add_elements(&cmd, "delete", t, AF_INET6, drop, ndrop);
	add_elements(&cmd, "add", t, AF_INET, add, nadd);
	add_elements(&cmd, "add", t, AF_INET6, add, nadd);
	if (cmd.len > 0)
		rc = nft_run_in_netns(t->fd, strbuf_cstr(&cmd), false, NULL,
		    err);
	strbuf_free(&cmd);
	return rc;
}

void
pf_live_close(struct pf_live_table *t)
{
	if (t->fd >= 0)
		close(t->fd);
	free(t->nft_table);
	free(t->set[0]);
	free(t->set[1]);
	free(t->entries);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}
