/* cmd_diff: `jailnet diff` (see cmd_diff.h). */
#include "cli/cmd_diff.h"

#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_verify.h"
#include "cli/git_site.h"
#include "cli/trace_text.h"
#include "lib/util.h"
#include "pf/pf.h"
#include "verify/lockout.h"
#include "verify/space.h"
#include "verify/vdiff.h"
#include "verify/world.h"

/* One site: its directory, model, world and space. */
struct diff_site {
	const char *dir;
	struct verify_site v;
};

/* Printing. */

/* ${path} relative to the site directory ${dir}. */
static const char *
site_path(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) == 0 && path[n] == '/')
		path += n;
	while (*path == '/')
		path++;
	return path;
}

static void
add_rule(const struct diff_site *s, const struct pf_rule *r,
    struct strbuf *out)
{
	if (r != NULL && r->loc.src != NULL)
		strbuf_addf(out, "%s:%u", site_path(s->dir, r->loc.src->path),
		    r->loc.line);
	else
		strbuf_adds(out, "?");
}

static void
add_flow_name(const struct vdiff_flow *f, struct strbuf *out)
{
	flow_format(f->proto, &f->ports, f->via, f->via_node, out);
}

/* The source addresses of ${f}'s packets, "" when the place picks. */
static void
add_sources(const struct vdiff_flow *f, struct strbuf *out)
{
	struct ipaddr lo = v4addr(f->src_lo), hi = v4addr(f->src_hi);
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN];

	if (f->src_lo == 0 && f->src_hi == 0)
		return;
	strbuf_adds(out, ipaddr_format(&lo, a));
	if (f->src_hi != f->src_lo)
		strbuf_addf(out, "-%s", ipaddr_format(&hi, b));
}

/* One step of a walk, as "where: what". */
static void
add_step(const struct diff_site *s, const struct vstep *st,
    const struct vstep *other, struct strbuf *out)
{
	const struct world *w = s->v.w;
	const struct whop *h = st->hop;
	const struct pf_eval_stage *ps = st->st;
	char buf[IPADDR_STRLEN];
	struct ipaddr nh;

	switch (st->kind) {
	case VSTEP_SEND:
		strbuf_addf(out, "%s sends ", w->nodes[st->leg->from].name);
		trace_add_packet(&st->leg->sent, out);
		if (st->prev != NULL && st->prev->pipe != NULL) {
			const struct pipe *p = st->prev->pipe;
			/* Where its target is set, else its name. */
			const struct loc *l = p->target.loc.src != NULL ?
			    &p->target.loc : &p->loc;

			strbuf_addf(out, " by pipe %s", p->name);
			if (l->src != NULL)
				strbuf_addf(out, " (%s:%u)", site_path(s->dir,
				    l->src->path), l->line);
		}
		return;
	case VSTEP_PASS:
		strbuf_addf(out, "%s pf %s on %s", w->nodes[h->node].name,
		    ps->dir == PF_DIR_IN ? "in" : "out", ps->ifname);
		if (st->reply)
			strbuf_adds(out, " (reply)");
		strbuf_adds(out, ": ");
		if (ps->xlate != NULL) {
			strbuf_addf(out, "%s by ",
			    pf_action_name(ps->xlate->action));
			add_rule(s, ps->xlate, out);
			strbuf_adds(out, ", ");
		} else if (other != NULL && other->kind == VSTEP_PASS &&
		    other->st->xlate != NULL)
			strbuf_adds(out, "no translation, ");
		strbuf_adds(out, ps->pass ? "pass" : "block");
		switch (ps->how) {
		case PF_EVAL_BY_RULE:
			strbuf_adds(out, " by ");
			add_rule(s, ps->rule, out);
			break;
		case PF_EVAL_BY_DEFAULT:
			strbuf_adds(out, " by default");
			break;
		case PF_EVAL_BY_STATE:
			strbuf_adds(out, " on a state");
			break;
		case PF_EVAL_BY_XLATE_PASS:
			strbuf_adds(out, " by the translation");
			break;
		case PF_EVAL_SKIPPED:
			strbuf_adds(out, " (skipped interface)");
			break;
		}
		return;
	case VSTEP_FATE:
		strbuf_addf(out, "%s", w->nodes[h->node].name);
		if (st->reply)
			strbuf_adds(out, " (reply)");
		strbuf_adds(out, ": ");
		switch (h->fate) {
		case WHOP_DELIVERED:
			strbuf_adds(out, "delivered");
			break;
		case WHOP_ONWARD:
			nh = v4addr(h->nexthop);
			strbuf_addf(out, "out of %s to %s, reaching %s",
			    w->ports[h->out_port].ifname,
			    ipaddr_format(&nh, buf),
			    w->nodes[w->ports[h->next_port].node].name);
			break;
		case WHOP_BEYOND:
			strbuf_adds(out, "sent on to the internet beyond");
			break;
		case WHOP_BLOCKED:
			strbuf_adds(out, "blocked");
			break;
		case WHOP_DROPPED:
			strbuf_addf(out, "dropped: %s", h->reason);
			break;
		case WHOP_UNSUPPORTED:
			strbuf_addf(out, "cannot say: %s", h->reason);
			break;
		}
		return;
	}
}

/* The pf --test spec of a pass: its interface and the packet as it
   arrives there. */
static void
add_spec(const struct vstep *st, struct strbuf *out)
{
	strbuf_addf(out, "%s on %s ", st->st->dir == PF_DIR_IN ? "in" : "out",
	    st->st->ifname);
	trace_add_packet(&st->st->before, out);
}

/* Where the walks of ${pkt} from the source differ in the two sites. */
struct difference {
	struct strbuf packet;		/* as the source sends it */
	struct strbuf old, new_;	/* the differing step of each */
	struct strbuf spec;		/* pf --test spec, if a pass */
	const char *spec_server;
	const char *spec_site;
};

static void
difference_free(struct difference *d)
{
	strbuf_free(&d->packet);
	strbuf_free(&d->old);
	strbuf_free(&d->new_);
	strbuf_free(&d->spec);
}

/* ${d}'s packet and the two sites' steps, as members of ${x}. */
static void
difference_json(const struct difference *d, json_t *x)
{
	json_object_set_new(x, "packet", json_string(strbuf_cstr(&d->packet)));
	json_object_set_new(x, "old", json_string(strbuf_cstr(&d->old)));
	json_object_set_new(x, "new", json_string(strbuf_cstr(&d->new_)));
}

/* ${d}'s packet and the two sites' steps, as indented lines. */
static void
difference_text(const struct difference *d, struct strbuf *out)
{
	strbuf_addf(out, "    packet  %s\n", strbuf_cstr(&d->packet));
	strbuf_addf(out, "    old     %s\n", strbuf_cstr(&d->old));
	strbuf_addf(out, "    new     %s\n", strbuf_cstr(&d->new_));
}

static void
find_difference(struct diff_site *o, size_t fo, struct diff_site *n,
    size_t fn, const struct pf_packet *pkt, struct difference *d)
{
	struct wflow a = { 0 }, b = { 0 };
	struct vstep *sa = NULL, *sb = NULL;
	size_t na = 0, nb = 0, i;
	bool wa, wb;

	memset(d, 0, sizeof(*d));
	wa = walker_run(vspace_walker(o->v.vs), fo, pkt, &a) == 0;
	wb = walker_run(vspace_walker(n->v.vs), fn, pkt, &b) == 0;
	trace_add_packet(wb && b.nlegs > 0 ? &b.legs[0].sent : wa &&
	    a.nlegs > 0 ? &a.legs[0].sent : pkt, &d->packet);
	if (wa)
		na = vdiff_steps(&a, &sa);
	if (wb)
		nb = vdiff_steps(&b, &sb);
	i = vdiff_first_change(o->v.w, sa, na, n->v.w, sb, nb);
	if (i == NO_INDEX) {
		strbuf_adds(&d->old, "the same walk");
		strbuf_adds(&d->new_, "the same walk");
	} else {
		const struct vstep *x = i < na ? &sa[i] : NULL,
		    *y = i < nb ? &sb[i] : NULL;
		const struct vstep *pass = y != NULL && y->kind == VSTEP_PASS ?
		    y : x != NULL && x->kind == VSTEP_PASS ? x : NULL;

		if (x != NULL)
			add_step(o, x, y, &d->old);
		else
			strbuf_adds(&d->old, wa ? "the walk ends before" :
			    "no route to send it");
		if (y != NULL)
			add_step(n, y, x, &d->new_);
		else
			strbuf_adds(&d->new_, wb ? "the walk ends before" :
			    "no route to send it");
		if (pass != NULL) {
			const struct diff_site *s = pass == y ? n : o;

			add_spec(pass, &d->spec);
			d->spec_server = s->v.w->nodes[pass->hop->node].name;
			d->spec_site = pass == y ? "new" : "old";
		}
	}
	free(sa);
	free(sb);
	wflow_free(&a);
	wflow_free(&b);
}

/* The places of ${a} that ${b} has not; return their number. */
static size_t
places_only(const struct world *a, const struct world *b, const char *which,
    struct strbuf *out, json_t *arr)
{
	size_t i, n = 0;

	for (i = 0; i < a->nnodes; i++) {
		if (world_node(b, a->nodes[i].name) != NO_INDEX)
			continue;
		n++;
		if (arr != NULL) {
			json_t *o = json_object();

			json_object_set_new(o, "place",
			    json_string(a->nodes[i].name));
			json_object_set_new(o, "site", json_string(which));
			json_array_append_new(arr, o);
		} else
			strbuf_addf(out, "only in %s: %s\n", which,
			    a->nodes[i].name);
	}
	return n;
}

/* Print change ${f} of source ${from} (place ${fo} of ${o}, ${fn} of
   ${n}) into ${out}, or as an object of ${arr} if not NULL. */
static void
add_change(struct diff_site *o, size_t fo, struct diff_site *n, size_t fn,
    const char *from, const struct vdiff_flow *f, json_t *arr,
    struct strbuf *out)
{
	struct strbuf what = { 0 }, src = { 0 };
	struct difference d;

	add_flow_name(f, &what);
	add_sources(f, &src);
	find_difference(o, fo, n, fn, &f->pkt, &d);
	if (arr != NULL) {
		json_t *x = json_object();

		json_object_set_new(x, "change", json_string(
		    f->gained ? "gained" : "lost"));
		json_object_set_new(x, "from", json_string(from));
		json_object_set_new(x, "to", json_string(f->to));
		json_object_set_new(x, "delivered",
		    json_string(strbuf_cstr(&what)));
		json_object_set_new(x, "classes", json_integer(
		    (json_int_t)f->classes));
		json_object_set_new(x, "partial",
		    json_boolean(f->partial));
		if (src.len > 0)
			json_object_set_new(x, "sources",
			    json_string(strbuf_cstr(&src)));
		else
			json_object_set_new(x, "sources",
			    json_null());
		difference_json(&d, x);
		if (d.spec_server != NULL) {
			json_t *t = json_object();

			json_object_set_new(t, "site",
			    json_string(d.spec_site));
			json_object_set_new(t, "server",
			    json_string(d.spec_server));
			json_object_set_new(t, "spec",
			    json_string(strbuf_cstr(&d.spec)));
			json_object_set_new(x, "pf_test", t);
		}
		json_array_append_new(arr, x);
	} else {
		strbuf_addf(out, "%c %s -> %s %s",
		    f->gained ? '+' : '-', from, f->to,
		    strbuf_cstr(&what));
		if (f->partial)
			strbuf_addf(out, " (some packets "
			    "only%s%s: others %s)",
			    src.len > 0 ? ", from " : "",
			    strbuf_cstr(&src), f->gained ?
			    "reached it before" :
			    "still reach it");
		strbuf_addc(out, '\n');
		difference_text(&d, out);
		if (d.spec_server != NULL)
			strbuf_addf(out, "    pf --test "
			    "(%s, --server %s) '%s'\n",
			    d.spec_site, d.spec_server,
			    strbuf_cstr(&d.spec));
	}
	difference_free(&d);
	strbuf_free(&what);
	strbuf_free(&src);
}

/* Print what of ${row} (source ${from}) was not compared: classes the
   model cannot say, source addresses of one site only, into ${out} or as
   objects of ${arr} if not NULL.  Return the classes the model cannot
   say, plus one if some source addresses were not compared. */
static size_t
add_notes(const char *from, const struct vdiff_row *row, json_t *arr,
    struct strbuf *out)
{
	if (row->unsupported > 0) {
		struct strbuf p = { 0 };

		trace_add_packet(&row->unsup_pkt, &p);
		if (arr != NULL) {
			json_t *x = json_object();

			json_object_set_new(x, "from", json_string(from));
			json_object_set_new(x, "classes", json_integer(
			    (json_int_t)row->unsupported));
			json_object_set_new(x, "why",
			    json_string(row->why));
			json_object_set_new(x, "packet",
			    json_string(strbuf_cstr(&p)));
			json_array_append_new(arr, x);
		} else
			strbuf_addf(out, "? %s: %zu classes not "
			    "supported by the model (%s), e.g. %s\n",
			    from, row->unsupported, row->why,
			    strbuf_cstr(&p));
		strbuf_free(&p);
	}
	if (row->only_old > 0 || row->only_new > 0) {
		struct ipaddr a = v4addr(row->only_old > 0 ?
		    row->only_old_eg : row->only_new_eg);
		char buf[IPADDR_STRLEN];
		char *s = xasprintf("%s: %llu source addresses in old "
		    "only, %llu in new only (e.g. %s), not compared",
		    from, (unsigned long long)row->only_old,
		    (unsigned long long)row->only_new,
		    ipaddr_format(&a, buf));

		if (arr != NULL) {
			json_t *x = json_object();

			json_object_set_new(x, "from", json_string(from));
			json_object_set_new(x, "why", json_string(s));
			json_array_append_new(arr, x);
		} else
			strbuf_addf(out, "? %s\n", s);
		free(s);
	}
	return row->unsupported + (row->only_old > 0 || row->only_new > 0);
}

void
diff_lockout_format(const struct lockout *l, const char *dir,
    const char *server, struct strbuf *out)
{
	strbuf_addf(out, "%s, manage.tcp ", l->host);
	if (l->lo == l->hi)
		strbuf_addf(out, "%u", l->lo);
	else
		strbuf_addf(out, "%u-%u", l->lo, l->hi);
	if (l->loc->src != NULL)
		strbuf_addf(out, " (%s:%u)", site_path(dir, l->loc->src->path),
		    l->loc->line);
	strbuf_adds(out, ": ");
	switch (l->kind) {
	case LOCKOUT_LOST:
		strbuf_addf(out, "no longer reaches %s ", l->flow->to);
		add_flow_name(l->flow, out);
		break;
	case LOCKOUT_GONE:
		strbuf_adds(out, "the host is not in the new site");
		break;
	case LOCKOUT_MISSED:
		strbuf_addf(out, "port %u reaches no place of server %s",
		    l->port, server);
		break;
	case LOCKOUT_UNSURE:
		strbuf_addf(out, "%zu classes the model cannot say (%s), "
		    "e.g. ", l->unsure, l->why);
		trace_add_packet(&l->pkt, out);
		break;
	}
}

/* Check that ${n} keeps ${o}'s ways of managing the servers; print the
   findings into ${out}, or as objects of ${arr} if not NULL.  Return
   their number. */
static size_t
diff_lockouts(struct diff_site *o, struct diff_site *n, json_t *arr,
    struct strbuf *out)
{
	struct lockouts lk;
	size_t i, found;

	lockout_diff(o->v.vs, n->v.vs, &lk);
	for (i = 0; i < lk.n; i++) {
		const struct lockout *l = &lk.v[i];
		struct strbuf head = { 0 };
		struct difference d;
		bool walked = l->kind == LOCKOUT_LOST;

		diff_lockout_format(l, l->in_new ? n->dir : o->dir, NULL,
		    &head);
		if (walked)
			find_difference(o, l->from_old, n, l->from_new,
			    &l->flow->pkt, &d);
		if (arr != NULL) {
			json_t *x = json_object();
			static const char *const kinds[] = {
				[LOCKOUT_LOST] = "lost",
				[LOCKOUT_GONE] = "gone",
				[LOCKOUT_MISSED] = "missed",
				[LOCKOUT_UNSURE] = "unsure",
			};

			json_object_set_new(x, "host", json_string(l->host));
			json_object_set_new(x, "ports_lo", json_integer(l->lo));
			json_object_set_new(x, "ports_hi", json_integer(l->hi));
			json_object_set_new(x, "kind",
			    json_string(kinds[l->kind]));
			json_object_set_new(x, "what",
			    json_string(strbuf_cstr(&head)));
			if (walked) {
				json_object_set_new(x, "to",
				    json_string(l->flow->to));
				difference_json(&d, x);
			}
			json_array_append_new(arr, x);
		} else {
			strbuf_addf(out, "! lockout: %s\n", strbuf_cstr(&head));
			if (walked)
				difference_text(&d, out);
		}
		if (walked)
			difference_free(&d);
		strbuf_free(&head);
	}
	if (arr == NULL && lk.checked == 0)
		strbuf_adds(out, "no host declares manage.tcp in site.conf: "
		    "the lockout check is off\n");
	found = lk.n;
	lockouts_free(&lk);
	return found;
}

static int
diff_sites(struct diff_site *o, struct diff_site *n, const char *old_name,
    bool json, bool force)
{
	json_t *root = json ? json_object() : NULL;
	json_t *flows = json_array(), *only = json_array(),
	    *unsure = json_array(), *locks = json_array();
	struct strbuf out = { 0 };
	size_t i, j, classes = 0, gained = 0, lost = 0, unsupported = 0;
	size_t nonly = 0, nlocks;

	if (!json)
		strbuf_addf(&out, "--- %s\n+++ %s\n", old_name, n->dir);
	nonly = places_only(o->v.w, n->v.w, "old", &out, json ? only : NULL) +
	    places_only(n->v.w, o->v.w, "new", &out, json ? only : NULL);
	for (i = 0; i < o->v.w->nnodes; i++) {
		size_t fn = world_node(n->v.w, o->v.w->nodes[i].name);
		const char *from = vdiff_place_name(o->v.w, i);
		struct vdiff_row row;

		if (fn == NO_INDEX)
			continue;
		if (o->v.w->nodes[i].kind == WNODE_ROUTER &&
		    world_node(o->v.w, "internet") != i)
			from = o->v.w->nodes[i].name;
		vdiff_source(o->v.vs, i, n->v.vs, fn, &row);
		classes += row.classes;
		for (j = 0; j < row.n; j++) {
			gained += row.v[j].gained;
			lost += !row.v[j].gained;
			add_change(o, i, n, fn, from, &row.v[j],
			    json ? flows : NULL, &out);
		}
		unsupported += add_notes(from, &row, json ? unsure : NULL,
		    &out);
		vdiff_row_free(&row);
	}
	nlocks = diff_lockouts(o, n, json ? locks : NULL, &out);
	if (json) {
		json_object_set_new(root, "lockouts", locks);
		json_object_set_new(root, "forced", json_boolean(force &&
		    nlocks > 0));
		json_object_set_new(root, "old", json_string(old_name));
		json_object_set_new(root, "new", json_string(n->dir));
		json_object_set_new(root, "changes", flows);
		json_object_set_new(root, "places_in_one_site", only);
		json_object_set_new(root, "not_supported", unsure);
		json_object_set_new(root, "classes",
		    json_integer((json_int_t)classes));
		json_object_set_new(root, "gained",
		    json_integer((json_int_t)gained));
		json_object_set_new(root, "lost", json_integer((json_int_t)lost));
		cli_print_json(root);
	} else {
		json_decref(flows);
		json_decref(only);
		json_decref(unsure);
		json_decref(locks);
		strbuf_addf(&out, "%zu classes compared: %zu flows gained, %zu "
		    "lost, %zu places in one site only, %zu the model cannot "
		    "say\n", classes, gained, lost, nonly, unsupported);
		fputs(strbuf_cstr(&out), stdout);
	}
	strbuf_free(&out);
	if (nlocks > 0 && !force) {
		fprintf(stderr, "jailnet diff: refused: the new site takes "
		    "away a way of managing the servers (%zu lockout%s); "
		    "--force accepts it\n", nlocks, nlocks == 1 ? "" : "s");
		return EXIT_LOCKOUT;
	}
	if (nlocks > 0)
		fprintf(stderr, "jailnet diff: WARNING: --force: the new site "
		    "takes away a way of managing the servers (%zu "
		    "lockout%s), accepted\n", nlocks, nlocks == 1 ? "" : "s");
	return gained + lost + nonly + unsupported + nlocks > 0 ?
	    EXIT_INVALID : 0;
}

int
diff_check_lockout(const char *cmd, const char *dir, const struct pf_site *ps,
    const char *server, bool force)
{
	const struct server *srv = site_server(ps->site, server);
	struct lockouts lk;
	struct world *w;
	struct vspace *vs;
	size_t i;
	int rc = 0;

	if ((w = cli_world_new(ps)) == NULL)
		return EXIT_INVALID;
	vs = vspace_new(w);
	lockout_server(vs, (size_t)(srv - ps->site->servers), &lk);
	for (i = 0; i < lk.n; i++) {
		struct strbuf line = { 0 };

		diff_lockout_format(&lk.v[i], dir, server, &line);
		fprintf(stderr, "jailnet %s: lockout: %s\n", cmd,
		    strbuf_cstr(&line));
		strbuf_free(&line);
	}
	if (lk.checked == 0)
		fprintf(stderr, "jailnet %s: note: no host declares manage.tcp "
		    "in site.conf: the lockout check is off\n", cmd);
	else if (lk.n > 0 && !force) {
		fprintf(stderr, "jailnet %s: refused: server %s would lose a "
		    "way of being managed (%zu lockout%s); nothing was "
		    "applied; --force applies it anyway\n", cmd, server, lk.n,
		    lk.n == 1 ? "" : "s");
		rc = EXIT_LOCKOUT;
	} else if (lk.n > 0)
		fprintf(stderr, "jailnet %s: WARNING: --force: server %s loses "
		    "a way of being managed (%zu lockout%s), applied all the "
		    "same\n", cmd, server, lk.n, lk.n == 1 ? "" : "s");
	lockouts_free(&lk);
	vspace_free(vs);
	world_free(w);
	return rc;
}

int
cmd_diff(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL }, *rev = NULL;
	char *tmp = NULL, *olddir = NULL;
	struct diff_site o, n;
	sigset_t mask;
	bool json = false, blocked = false, force = false;
	int i, npos = 0, rc, ro, rn;

	for (i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--json"))
			json = true;
		else if (str_eq(argv[i], "--force"))
			force = true;
		else if (str_eq(argv[i], "--git")) {
			rev = cli_option_value("diff", CMD_DIFF_USAGE, argc,
			    argv, &i, "a commit");
			if (rev == NULL)
				return EXIT_USAGE;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_usage("diff", CMD_DIFF_USAGE,
			    "unknown option '%s'", argv[i]);
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return cli_usage("diff", CMD_DIFF_USAGE,
			    "unexpected argument '%s'", argv[i]);
	}
	if (rev != NULL && npos != 1)
		return cli_usage("diff", CMD_DIFF_USAGE, "%s", npos == 0 ?
		    "--git REV needs the SITE directory" :
		    "--git REV takes one SITE, not two");
	if (rev == NULL && npos != 2)
		return cli_usage("diff", CMD_DIFF_USAGE, "%s", npos == 0 ?
		    "missing OLD_SITE and NEW_SITE" : "missing NEW_SITE");
	if (rev != NULL) {
		sigset_t set;

		/* Ended by a signal, the temporary directory would stay:
		   one that comes is taken once it is removed. */
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGQUIT);
		sigprocmask(SIG_BLOCK, &set, &mask);
		blocked = true;
		olddir = git_site_extract(rev, pos[0], &tmp, &mask);
		if (olddir == NULL) {
			rc = EXIT_USAGE;
			goto out;
		}
		pos[1] = pos[0];
		pos[0] = olddir;
	}
	/* Both sites' diagnostics, even when the first has errors. */
	o.dir = pos[0];
	n.dir = pos[1];
	ro = verify_site_open(pos[0], &o.v);
	rn = verify_site_open(pos[1], &n.v);
	if (ro != 0 || rn != 0)
		rc = EXIT_USAGE;
	else if (rev != NULL) {
		char *name = xasprintf("%s as of %s", pos[1], rev);

		rc = diff_sites(&o, &n, name, json, force);
		free(name);
	} else
		rc = diff_sites(&o, &n, pos[0], json, force);
	verify_site_close(&o.v);
	verify_site_close(&n.v);
out:
	if (tmp != NULL && remove_tree(tmp) != 0)
		fprintf(stderr, "jailnet diff: cannot remove %s: %s\n", tmp,
		    strerror(errno));
	free(tmp);
	free(olddir);
	if (blocked) {
		fflush(stdout);
		sigprocmask(SIG_SETMASK, &mask, NULL);
	}
	return rc;
}
