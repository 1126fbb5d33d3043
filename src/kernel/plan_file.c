/* plan_file: a plan saved as text and read back (plan_file.h). */
#include "kernel/plan_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/state.h"

#define PLAN_FILE_HEADER "jailnet-plan 1\n"

/* A string as LENGTH:BYTES, or "-" for NULL, then a space. */
static void
put_str(struct strbuf *out, const char *s)
{
	if (s == NULL)
		strbuf_adds(out, "- ");
	else
		strbuf_addf(out, "%zu:%s ", strlen(s), s);
}

static void
put_addr(struct strbuf *out, const struct ipaddr *a)
{
	char buf[IPADDR_STRLEN];

	if (a->family == 0)
		strbuf_adds(out, "- ");
	else
		strbuf_addf(out, "%s ", ipaddr_format(a, buf));
}

char *
plan_file_path(const char *root, const char *site)
{
	return xasprintf("%s/%s/plan", root, site);
}

int
plan_file_remove(const char *root, const char *site, struct nl_error *err)
{
	return state_remove_file(root, site, "plan", err);
}

int
plan_save(const struct plan *plan, const char *tag, const char *path,
    struct nl_error *err)
{
	struct strbuf out = { 0 };
	size_t i;
	int errnum, rc;

	strbuf_adds(&out, PLAN_FILE_HEADER);
	strbuf_adds(&out, "site ");
	put_str(&out, plan->site);
	strbuf_addf(&out, "%d ", plan->host ? 1 : 0);
	put_str(&out, tag);
	strbuf_addc(&out, '\n');
	for (i = 0; i < plan->nns; i++) {
		strbuf_addf(&out, "ns %d %d ", (int)plan->ns[i].role,
		    plan->ns[i].current ? 1 : 0);
		put_str(&out, plan->ns[i].name);
		strbuf_addc(&out, '\n');
	}
	for (i = 0; i < plan->nops; i++) {
		const struct op *op = &plan->ops[i];

		strbuf_addf(&out, "op %d %d %zu %zu %u %u ", (int)op->kind,
		    (int)op->phase, op->ns, op->peer_ns, op->mtu,
		    op->prefix.len);
		put_addr(&out, &op->prefix.addr);
		put_addr(&out, &op->gateway);
		put_str(&out, op->link);
		put_str(&out, op->peer);
		put_str(&out, op->master);
		put_str(&out, op->key);
		put_str(&out, op->value);
		put_str(&out, op->server);
		put_str(&out, op->text);
		strbuf_addc(&out, '\n');
	}
	rc = write_file_atomic(path, out.s, out.len, 0600, &errnum);
	strbuf_free(&out);
	if (rc != 0) {
		nl_error_set(err, errnum, "write %s", path);
		return -1;
	}
	return 0;
}

/* A cursor over the file's text. */
struct reader {
	const char *p, *end;
	unsigned line;
	bool bad;
};

/* The next word up to a space or newline (not consumed), as a copy. */
static char *
get_word(struct reader *r)
{
	const char *s = r->p;

	while (r->p < r->end && *r->p != ' ' && *r->p != '\n')
		r->p++;
	if (r->p == s || r->p == r->end || *r->p != ' ') {
		r->bad = true;
		return NULL;
	}
	r->p++;
	return xstrndup(s, (size_t)(r->p - 1 - s));
}

static unsigned long
get_num(struct reader *r)
{
	char *w = get_word(r), *end;
	unsigned long v = 0;

	if (w != NULL) {
		errno = 0;
		v = strtoul(w, &end, 10);
		if (*end != '\0' || errno != 0)
			r->bad = true;
	}
	free(w);
	return v;
}

static char *
get_str(struct reader *r)
{
	unsigned long len;
	char *end, *s;

	if (r->bad || r->p >= r->end)
		goto bad;
	if (*r->p == '-') {
		if (r->end - r->p < 2 || r->p[1] != ' ')
			goto bad;
		r->p += 2;
		return NULL;
	}
	errno = 0;
	len = strtoul(r->p, &end, 10);
	if (end == r->p || errno != 0 || end >= r->end || *end != ':' ||
	    (size_t)(r->end - end - 1) < len + 1 || end[1 + len] != ' ')
		goto bad;
	s = xstrndup(end + 1, len);
	for (r->p = end + 1; r->p < end + 1 + len; r->p++)
		r->line += *r->p == '\n';
	r->p++;
	return s;
bad:
	r->bad = true;
	return NULL;
}

static void
get_addr(struct reader *r, struct ipaddr *a)
{
	char *w = get_word(r);

	memset(a, 0, sizeof(*a));
	if (w != NULL && strcmp(w, "-") != 0 && ipaddr_parse(w, a) != 0)
		r->bad = true;
	free(w);
}

/* The end of a line: nothing but the newline is left of it. */
static void
get_eol(struct reader *r)
{
	if (r->bad || r->p >= r->end || *r->p != '\n') {
		r->bad = true;
		return;
	}
	r->p++;
	r->line++;
}

static bool
get_tag(struct reader *r, const char *tag)
{
	size_t n = strlen(tag);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, tag, n) != 0)
		return false;
	r->p += n;
	return true;
}

int
plan_load(const char *path, struct plan **out, char **tag,
    struct nl_error *err)
{
	struct reader r = { 0 };
	struct plan *plan;
	size_t len;
	char *text;
	int errnum;

	*out = NULL;
	*tag = NULL;
	if ((text = read_file(path, &len, &errnum)) == NULL) {
		nl_error_set(err, errnum, "read %s", path);
		return -1;
	}
	plan = xcalloc(1, sizeof(*plan));
	r.p = text;
	r.end = text + len;
	r.line = 1;
	if (!get_tag(&r, PLAN_FILE_HEADER) || !get_tag(&r, "site ")) {
		r.bad = true;
		goto done;
	}
	r.line++;
	plan->site = get_str(&r);
	plan->host = get_num(&r) != 0;
	*tag = get_str(&r);
	if (plan->site == NULL)
		r.bad = true;
	get_eol(&r);
	while (!r.bad && get_tag(&r, "ns ")) {
		struct plan_ns *ns = VEC_PUSH(plan->ns, plan->nns,
		    plan->nscap);

		memset(ns, 0, sizeof(*ns));
		ns->role = (enum ns_role)get_num(&r);
		ns->current = get_num(&r) != 0;
		if ((ns->name = get_str(&r)) == NULL)
			r.bad = true;
		get_eol(&r);
	}
	while (!r.bad && get_tag(&r, "op ")) {
		struct op *op = VEC_PUSH(plan->ops, plan->nops, plan->opcap);

		memset(op, 0, sizeof(*op));
		op->kind = (enum op_kind)get_num(&r);
		op->phase = (enum op_phase)get_num(&r);
		op->ns = get_num(&r);
		op->peer_ns = get_num(&r);
		op->mtu = (unsigned)get_num(&r);
		op->prefix.len = (unsigned)get_num(&r);
		get_addr(&r, &op->prefix.addr);
		get_addr(&r, &op->gateway);
		op->link = get_str(&r);
		op->peer = get_str(&r);
		op->master = get_str(&r);
		op->key = get_str(&r);
		op->value = get_str(&r);
		op->server = get_str(&r);
		op->text = get_str(&r);
		/* A note belongs to no namespace. */
		if (op->kind > OP_NOTE ||
		    (op->kind != OP_NOTE && op->ns >= plan->nns) ||
		    (op->kind == OP_VETH && op->peer_ns >= plan->nns))
			r.bad = true;
		get_eol(&r);
	}
	if (r.p != r.end)
		r.bad = true;
done:
	free(text);
	if (r.bad) {
		plan_free(plan);
		free(*tag);
		*tag = NULL;
		nl_error_set(err, EINVAL, "%s:%u: not a plan jailnet saved",
		    path, r.line);
		return -1;
	}
	*out = plan;
	return 0;
}
