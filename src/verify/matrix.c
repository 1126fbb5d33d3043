/* matrix: what a source reaches (see matrix.h). */
#include "verify/matrix.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "pf/pf.h"

static int
ival_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void
portset_add(struct portset *s, uint32_t lo, uint32_t hi)
{
	size_t i, j;

	if (s->n >= s->cap)
		s->v = vec_grow(s->v, &s->cap, sizeof(*s->v));
	s->v[s->n][0] = lo;
	s->v[s->n++][1] = hi;
	if (s->n > 0)
		qsort(s->v, s->n, sizeof(*s->v), ival_cmp);
	for (i = 0, j = 0; i < s->n; i++) {
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

void
portset_free(struct portset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

bool
portset_has(const struct portset *s, uint32_t lo, uint32_t hi)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i][0] <= lo && hi <= s->v[i][1])
			return true;
	return false;
}

void
portset_format(const struct portset *s, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (i > 0)
			strbuf_addc(out, ',');
		if (s->v[i][0] == 0 && s->v[i][1] == 65535)
			strbuf_adds(out, "any");
		else if (s->v[i][0] == s->v[i][1])
			strbuf_addf(out, "%u", s->v[i][0]);
		else
			strbuf_addf(out, "%u-%u", s->v[i][0], s->v[i][1]);
	}
}

static struct mcell *
cell_of(struct mrow *row, size_t to, int proto, const struct pipe *via,
    size_t via_node)
{
	struct mcell *c;
	size_t i;

	for (i = 0; i < row->ncells; i++) {
		c = &row->cells[i];
		if (c->to == to && c->proto == proto && c->via == via)
			return c;
	}
	if (row->ncells >= row->cap)
		row->cells = vec_grow(row->cells, &row->cap,
		    sizeof(*row->cells));
	c = &row->cells[row->ncells++];
	memset(c, 0, sizeof(*c));
	c->to = to;
	c->proto = proto;
	c->via = via;
	c->via_node = via_node;
	return c;
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct mcell *x = a, *y = b;

	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if ((x->via == NULL) != (y->via == NULL))
		return x->via == NULL ? -1 : 1;
	if (x->via != NULL && x->via_node != y->via_node)
		return x->via_node < y->via_node ? -1 : 1;
	return x->via == NULL || y->via == NULL ? 0 :
	    strcmp(x->via->name, y->via->name);
}

void
mrow_init(struct mrow *row, size_t from)
{
	memset(row, 0, sizeof(*row));
	row->from = from;
}

void
mrow_add(void *arg, const struct vleaf *lf)
{
	struct mrow *row = arg;
	size_t j;

	if (lf->unsupported)
		return;
	for (j = 0; j < lf->nd; j++) {
		const struct vdeliv *d = &lf->d[j];
		struct mcell *c;

		if (!d->replied || d->beyond)
			continue;
		c = cell_of(row, d->to, lf->proto, d->via, d->via_node);
		if (lf->proto == IPPROTO_TCP || lf->proto == IPPROTO_UDP)
			portset_add(&c->ports, d->plo, d->phi);
	}
}

void
mrow_finish(struct mrow *row, const struct vresult *res)
{
	row->unsupported = res->unsupported;
	memcpy(row->why, res->why, sizeof(row->why));
	if (row->ncells > 0)
		qsort(row->cells, row->ncells, sizeof(*row->cells), cell_cmp);
}

void
mrow_build(const struct vresult *res, struct mrow *row)
{
	size_t i;

	mrow_init(row, res->from);
	for (i = 0; i < res->nleaves; i++)
		mrow_add(row, &res->leaves[i]);
	mrow_finish(row, res);
}

void
mrow_free(struct mrow *row)
{
	size_t i;

	for (i = 0; i < row->ncells; i++)
		portset_free(&row->cells[i].ports);
	free(row->cells);
	row->cells = NULL;
	row->ncells = row->cap = 0;
}

void
flow_format(int proto, const struct portset *ports, const char *via,
    const char *via_node, struct strbuf *out)
{
	const char *name = proto == IPPROTO_ICMP ? "icmp echo" :
	    pf_proto_name(proto);

	if (name != NULL)
		strbuf_adds(out, name);
	else
		strbuf_addf(out, "proto %d", proto);
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		strbuf_addc(out, ' ');
		portset_format(ports, out);
	}
	if (via != NULL)
		strbuf_addf(out, " (pipe %s of %s)", via, via_node);
}
