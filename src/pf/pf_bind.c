/*
 * pf_bind: resolve a parsed pf.conf against one server (see pf_bind.h).
 */
#include "pf/pf_bind.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lib/util.h"

/* State of one pf_bind() call. */
struct binder {
	const struct site *site;
	const struct server *srv;
	struct pf_bound *b;
	struct diags *diags;
	const char *hosts;	/* /etc/hosts, while pf.conf is parsed */
};

/* Interfaces. */

static struct pf_iface *
add_iface(struct pf_bound *b, const char *name)
{
	struct pf_iface *pi = VEC_PUSH(b->ifaces, b->nifaces, b->ifacecap);

	pi->name = xstrdup(name);
	pi->bridge = NO_INDEX;
	return pi;
}

/*
 * FreeBSD's lo0: 127.0.0.1 (rc.conf's default ifconfig_lo0), ::1 and
 * fe80::1 (fe80::1%lo0, which the kernel gives every loopback).
 */
static const char *const lo0_addrs[3] = {
	"127.0.0.1/8", "::1/128", "fe80::1/64"
};

/*
 * lo0, with FreeBSD's addresses and then those rc.conf adds, and the
 * server's interfaces that no jail holds, in rc.conf order.
 */
static void
bind_ifaces(struct pf_bound *b, const struct server *srv)
{
	struct pf_iface *pi;
	size_t i, j, *map;

	pi = add_iface(b, "lo0");
	pi->is_loopback = true;
	pi->addrs = xcalloc(3 + srv->nlo_addrs, sizeof(*pi->addrs));
	for (i = 0; i < 3; i++)
		ipprefix_parse(lo0_addrs[i], &pi->addrs[pi->naddrs++]);
	for (i = 0; i < srv->nlo_addrs; i++) {
		for (j = 0; j < pi->naddrs; j++)
			if (ipaddr_eq(&pi->addrs[j].addr,
			    &srv->lo_addrs[i].prefix.addr))
				break;
		if (j == pi->naddrs)
			pi->addrs[pi->naddrs++] = srv->lo_addrs[i].prefix;
	}

	map = xcalloc(srv->nifaces + 1, sizeof(*map));
	for (i = 0; i < srv->nifaces; i++) {
		const struct iface *ifp = &srv->ifaces[i];

		map[i] = NO_INDEX;
		if (ifp->jail != NO_INDEX)
			continue;
		map[i] = b->nifaces;
		pi = add_iface(b, ifp->name);
		pi->is_bridge = ifp->kind == IFACE_BRIDGE;
		pi->naddrs = ifp->naddrs;
		pi->addrs = xcalloc(ifp->naddrs + 1, sizeof(*pi->addrs));
		for (j = 0; j < ifp->naddrs; j++)
			pi->addrs[j] = ifp->addrs[j].prefix;
	}
	for (i = 0; i < srv->nifaces; i++)
		if (map[i] != NO_INDEX && srv->ifaces[i].bridge != NO_INDEX &&
		    srv->ifaces[i].bridge < srv->nifaces)
			b->ifaces[map[i]].bridge = map[srv->ifaces[i].bridge];
	free(map);
}

/* Routes: connected subnets, longest first, then the default route. */
static void
bind_routes(struct pf_bound *b, const struct server *srv)
{
	struct pf_route r, *rt;
	size_t i, j, k, cap = 0;

	for (i = 0; i < b->nifaces; i++)
		for (j = 0; j < b->ifaces[i].naddrs; j++) {
			memset(&r, 0, sizeof(r));
			r.dst = ipprefix_network(&b->ifaces[i].addrs[j]);
			r.iface = i;
			for (k = 0; k < b->nroutes; k++)
				if (b->routes[k].dst.len == r.dst.len &&
				    ipaddr_eq(&b->routes[k].dst.addr,
				    &r.dst.addr))
					break;
			if (k < b->nroutes)
				continue;	/* the first holder wins */
			/* Insert after every route at least as long. */
			for (k = 0; k < b->nroutes; k++)
				if (b->routes[k].dst.len < r.dst.len)
					break;
			VEC_PUSH(b->routes, b->nroutes, cap);
			memmove(&b->routes[k + 1], &b->routes[k],
			    (b->nroutes - 1 - k) * sizeof(*b->routes));
			b->routes[k] = r;
		}
	if (!srv->has_defaultrouter)
		return;
	for (k = 0; k < b->nroutes; k++)
		if (ipprefix_contains(&b->routes[k].dst, &srv->defaultrouter))
			break;
	if (k == b->nroutes)
		return;		/* site_check reports a router off-subnet */
	rt = VEC_PUSH(b->routes, b->nroutes, cap);
	memset(rt, 0, sizeof(*rt));
	rt->dst.addr.family = srv->defaultrouter.family;
	rt->dst.len = 0;
	rt->has_gateway = true;
	rt->gateway = srv->defaultrouter;
	rt->iface = b->routes[k].iface;
}

/* Diagnostics. */

static void
note_macro(struct binder *bd, struct loc macro_loc)
{
	if (macro_loc.src != NULL)
		diag_note(bd->diags, macro_loc, "the value comes from this "
		    "macro");
}

/* If ${name} is a jail's interface, say so. */
static void
note_jail_iface(struct binder *bd, const char *name)
{
	const struct iface *ifp = server_iface(bd->srv, name);

	if (ifp != NULL && ifp->jail != NO_INDEX &&
	    ifp->jail < bd->srv->njails)
		diag_note(bd->diags, ifp->jail_loc, "%s is handed to jail %s; "
		    "the host's pf does not see it", name,
		    bd->srv->jails[ifp->jail].name);
}

/* If ${name} looks like a typo of a host interface, say which. */
static void
note_hint(struct binder *bd, const char *name, struct loc loc)
{
	const char **names;
	const char *hint;
	size_t i;

	if (server_iface(bd->srv, name) != NULL)
		return;		/* a jail's: note_jail_iface() explains */
	names = xcalloc(bd->b->nifaces + 1, sizeof(*names));
	for (i = 0; i < bd->b->nifaces; i++)
		names[i] = bd->b->ifaces[i].name;
	hint = closest_word(name, names, bd->b->nifaces);
	if (hint != NULL)
		diag_note(bd->diags, loc, "did you mean '%s'?", hint);
	free(names);
}

static void
no_such_iface(struct binder *bd, const char *name, struct loc loc,
    struct loc macro_loc)
{
	diag_error(bd->diags, loc, "interface %s does not exist on server %s",
	    name, bd->srv->name);
	note_macro(bd, macro_loc);
	note_jail_iface(bd, name);
	note_hint(bd, name, loc);
}

/*
 * "on IF": a host interface (pf also accepts names of interfaces yet to
 * come, but on a modelled server every interface is known; on a bare one,
 * none is, and the name is taken as pfctl takes it, without addresses).
 * Return whether ${name} names one now.
 */
static bool
known_iface(struct binder *bd, const char *name)
{
	if (pf_bound_iface(bd->b, name) != NO_INDEX)
		return true;
	if (!bd->srv->bare || str_eq(name, "self"))
		return false;
	add_iface(bd->b, name);
	return true;
}

static void
check_ifspec(struct binder *bd, const struct pf_ifspec *is)
{
	if (is->name == NULL || known_iface(bd, is->name))
		return;
	no_such_iface(bd, is->name, is->loc, is->macro_loc);
}

/* An interface address of a rule, a pool or a table. */
static void
check_addr(struct binder *bd, const struct pf_addr *a, int af)
{
	struct ipprefix *v = NULL;
	size_t n = 0;

	switch (a->kind) {
	case PF_ADDR_ANY:
	case PF_ADDR_PREFIX:
	case PF_ADDR_RANGE:
	case PF_ADDR_TABLE:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		return;
	case PF_ADDR_IFACE:
		if (pf_addr_expand(bd->b, a, af, &v, &n) == 0 && n > 0) {
			free(v);
			return;
		}
		free(v);
		/* pfctl falls back to the DNS and fails so. */
		diag_error(bd->diags, a->loc, "no IP address found for %s",
		    a->name);
		note_macro(bd, a->macro_loc);
		if (bd->srv->bare) {
			diag_note(bd->diags, a->loc, "a lone pf.conf knows no "
			    "interface's addresses but lo0's: give --site DIR "
			    "--server NAME to read it on a server of a site, "
			    "or write (%s) to follow them as they change",
			    a->name);
			return;
		}
		if (pf_bound_iface(bd->b, a->name) == NO_INDEX &&
		    !str_eq(a->name, "self")) {
			diag_note(bd->diags, a->loc, "%s is no interface of "
			    "server %s nor a name in its /etc/hosts (jailnet "
			    "never asks the DNS)", a->name, bd->srv->name);
			note_jail_iface(bd, a->name);
			note_hint(bd, a->name, a->loc);
		} else {
			diag_note(bd->diags, a->loc, "%s has no %saddress on "
			    "server %s", a->name, af == AF_INET6 ? "IPv6 " :
			    af == AF_INET ? "IPv4 " : "", bd->srv->name);
		}
		return;
	case PF_ADDR_DYNIFACE:
		/* Followed as it changes: it may have no address yet. */
		if (!str_eq(a->name, "self") && !known_iface(bd, a->name))
			no_such_iface(bd, a->name, a->loc, a->macro_loc);
		return;
	}
}

/* Tables. */

static struct pf_bound_table *
find_table(struct pf_bound *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->ntables; i++)
		if (str_eq(b->tables[i].name, name))
			return &b->tables[i];
	return NULL;
}

static void
add_entry(struct pf_bound_table *t, const struct ipprefix *p, bool neg,
    struct loc loc, size_t *cap)
{
	struct pf_table_entry *e = VEC_PUSH(t->entries, t->nentries, *cap);

	e->prefix = *p;
	e->neg = neg;
	e->loc = loc;
}

char *
pf_table_path(const struct server *srv, const char *path)
{
	const char *conf = srv->pf_rules, *slash;

	/* A lone pf.conf's directory stands for /etc, its usual place. */
	if (srv->bare && str_has_prefix(path, "/etc/") && path[5] != '\0')
		path += 5;
	if (path[0] == '/' || conf == NULL ||
	    (slash = strrchr(conf, '/')) == NULL)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - conf), conf, path);
}

/* pf_reader over a server's view that remembers a failed read. */
struct table_reader {
	const struct server *srv;
	bool failed;
	int errnum;
	char *path;		/* the path looked up, when it failed */
};

static struct source *
table_reader(void *ctx, const char *path, int *errnum)
{
	struct table_reader *tr = ctx;
	char *abs = pf_table_path(tr->srv, path);
	struct source *src = fsview_read(tr->srv->view, abs, errnum);

	if (src == NULL) {
		tr->failed = true;
		tr->errnum = *errnum;
		free(tr->path);
		tr->path = abs;
		return NULL;
	}
	free(abs);
	return src;
}

/*
 * pf_reader of include "file": the file in the server's view, a relative
 * path beside pf.conf, bounded as table files are.
 */
static struct source *
include_reader(void *ctx, const char *path, int *errnum)
{
	const struct server *srv = ctx;
	char *abs = pf_table_path(srv, path);
	struct source *src = fsview_read(srv->view, abs, errnum);

	free(abs);
	return src;
}

/* Say where the table file of ${ti} was looked for, and why it failed. */
static void
note_table_file(struct binder *bd, const struct pf_table_init *ti,
    const struct table_reader *tr)
{
	const struct fsview *view = bd->srv->view;
	char *alt, *p;
	int errnum;

	if (tr->errnum == EFBIG)
		diag_note(bd->diags, ti->loc, "a table file is read up to "
		    "%u MiB", FSVIEW_FILE_MAX >> 20);
	if (bd->srv->bare) {
		/* One directory, which also stands for /etc. */
		p = fsview_name(view, 0, tr->path);
		diag_note(bd->diags, ti->loc, "a lone pf.conf's tables are "
		    "read beneath its directory (/etc/X as X beside it): %s",
		    p);
		free(p);
		return;
	}
	if (!str_eq(tr->path, ti->file))
		diag_note(bd->diags, ti->loc, "a relative path is read from "
		    "the directory of pf.conf: %s", tr->path);
	diag_note(bd->diags, ti->loc, "looked up in server %s's view: %s, "
	    "then %s", bd->srv->name, view->roots[0],
	    view->nroots > 1 ? view->roots[1] : "nothing else");
	/* pfctl run from / reads a relative path from there. */
	if (ti->file[0] != '/' && tr->errnum == ENOENT) {
		alt = xasprintf("/%s", ti->file);
		errnum = 0;
		p = fsview_resolve(view, alt, &errnum);
		if (p != NULL)
			diag_note(bd->diags, ti->loc, "%s exists: write "
			    "file \"%s\" if that is the one meant (pfctl "
			    "reads a relative path from its working "
			    "directory)", alt, alt);
		free(p);
		free(alt);
	}
}

/* Load table ${def}'s contents into ${t}, one file or list at a time so
   that a file missing from this server's view gets a note saying so. */
static void
load_table(struct binder *bd, const struct pf_table *def,
    struct pf_bound_table *t)
{
	struct table_reader tr = { bd->srv, false, 0, NULL };
	struct pf_table one;
	struct pf_table_data td;
	struct ipprefix *v;
	size_t i, j, k, nv, cap = 0;

	memset(&td, 0, sizeof(td));
	for (k = 0; k < def->ninits; k++) {
		one = *def;
		one.inits = &def->inits[k];
		one.ninits = 1;
		tr.failed = false;
		pf_table_load(&one, table_reader, &tr, &td, bd->diags);
		if (tr.failed)
			note_table_file(bd, &def->inits[k], &tr);
	}
	free(tr.path);
	for (i = 0; i < td.n; i++) {
		const struct pf_addr *a = &td.v[i];

		if (a->kind == PF_ADDR_PREFIX) {
			add_entry(t, &a->prefix, a->neg != 0, a->loc, &cap);
			continue;
		}
		check_addr(bd, a, 0);
		if (pf_addr_expand(bd->b, a, 0, &v, &nv) != 0)
			continue;
		for (j = 0; j < nv; j++)
			add_entry(t, &v[j], a->neg != 0, a->loc, &cap);
		free(v);
	}
	/* The table files outlive the loader: locations point into them. */
	for (i = 0; i < td.nfiles; i++)
		*VEC_PUSH(bd->b->sources, bd->b->nsources, bd->b->srccap) =
		    td.files[i];
	td.nfiles = 0;
	pf_table_data_free(&td);
}

/* If ${name} looks like a typo of a defined table, say which. */
static void
note_table_hint(struct binder *bd, const char *name, struct loc loc)
{
	const char **names;
	const char *hint;
	size_t i, n = 0;

	names = xcalloc(bd->b->ntables + 1, sizeof(*names));
	for (i = 0; i < bd->b->ntables; i++)
		if (bd->b->tables[i].def != NULL)
			names[n++] = bd->b->tables[i].name;
	hint = closest_word(name, names, n);
	if (hint != NULL)
		diag_note(bd->diags, loc, "did you mean <%s>?", hint);
	free(names);
}

/*
 * A table a rule uses.  pfctl does not complain about an undefined one:
 * the kernel creates it empty (matching nothing) when the ruleset is
 * loaded, and "pfctl -T add" fills it later.  Do the same, with a warning.
 */
static void
use_table(struct binder *bd, const char *name, struct loc loc, bool overload)
{
	struct pf_bound_table *t = find_table(bd->b, name);

	if (t == NULL) {
		if (!overload) {
			diag_warning(bd->diags, loc, "table <%s> is not "
			    "defined; pf creates it empty, so it matches "
			    "nothing until filled at run time", name);
			note_table_hint(bd, name, loc);
		}
		t = VEC_PUSH(bd->b->tables, bd->b->ntables,
		    bd->b->tablecap);
		memset(t, 0, sizeof(*t));
		t->name = xstrdup(name);
	}
	t->used = true;
	if (overload)
		t->is_dynamic = true;
}

static void
bind_rule_addr(struct binder *bd, const struct pf_addr *a, int af)
{
	if (a->kind == PF_ADDR_TABLE)
		use_table(bd, a->name, a->loc, false);
	else
		check_addr(bd, a, af);
}

static void
bind_rule(struct binder *bd, const struct pf_rule *r)
{
	size_t j;

	check_ifspec(bd, &r->ifspec);
	bind_rule_addr(bd, &r->src, r->af);
	bind_rule_addr(bd, &r->dst, r->af);
	for (j = 0; j < r->rpool.naddrs; j++)
		bind_rule_addr(bd, &r->rpool.addrs[j], r->af);
	if (r->state.overload != NULL)
		use_table(bd, r->state.overload, r->state.overload_loc, true);
}

static void
bind_rules(struct binder *bd)
{
	const struct pf_ruleset *rs = bd->b->rs;
	size_t k, i;

	/* Anchor calls too: their interfaces and addresses are checked as a
	   rule's are, though no packet meets them. */
	for (k = 0; k < PF_RS_COUNT; k++) {
		for (i = 0; i < rs->rules[k].n; i++)
			bind_rule(bd, &rs->rules[k].v[i]);
		for (i = 0; i < rs->anchors[k].n; i++)
			bind_rule(bd, &rs->anchors[k].v[i]);
	}
}

/* "set skip on": pf skips any name, even one that does not exist yet. */
static void
bind_skip(struct binder *bd)
{
	const struct pf_ruleset *rs = bd->b->rs;
	size_t i, j, k;

	for (i = 0; i < rs->nskip; i++) {
		if (known_iface(bd, rs->skip[i]))
			k = pf_bound_iface(bd->b, rs->skip[i]);
		else
			k = NO_INDEX;
		if (k != NO_INDEX) {
			bd->b->ifaces[k].skip = true;
			continue;
		}
		for (j = rs->noptions; j-- > 0;) {
			const struct pf_option *o = &rs->options[j];
			size_t m;

			if (o->kind != PF_OPT_SKIP)
				continue;
			for (m = 0; m < o->nifnames; m++)
				if (str_eq(o->ifnames[m], rs->skip[i]))
					break;
			if (m < o->nifnames) {
				diag_warning(bd->diags, o->loc, "set skip on "
				    "%s: no such interface on server %s",
				    rs->skip[i], bd->srv->name);
				break;
			}
		}
	}
}

/*
 * Host names.  pfctl looks a name that is no interface up with
 * getaddrinfo(3); jailnet reads only the server's own /etc/hosts in its
 * view (never the DNS), or, if the site has none, FreeBSD's default one.
 */
static const char freebsd_hosts[] =
    "::1\t\t\tlocalhost localhost.my.domain\n"
    "127.0.0.1\t\tlocalhost localhost.my.domain\n";

/* Whether the word of ${len} bytes at ${w} is ${name} (hosts(5) names
   are matched without regard to case). */
static bool
word_is(const char *w, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

/* pf_host_lookup over the hosts text of a binder: every address of a line
   that names ${name}, in file order, each once. */
static int
hosts_lookup(void *ctx, const struct pf_addr *a, struct ipprefix **out,
    size_t *nout)
{
	struct binder *bd = ctx;
	const char *t = bd->hosts, *line, *end, *w, *name = a->name;
	struct ipprefix *v = NULL, pfx;
	size_t n = 0, cap = 0, len, i;
	char *addr;
	bool ok;

	/*
	 * A host interface, or self: its addresses now, as pfctl prints
	 * them (one rule each, which means the same as the interface).
	 * Negated, pfctl's rules per address would each match what the
	 * others exclude: the model keeps "! xnic" as the negated set, and
	 * so it stays symbolic.  One without addresses is left for
	 * check_addr() to report.
	 */
	if (str_eq(name, "self") || pf_bound_iface(bd->b, name) != NO_INDEX) {
		if (a->neg)
			return -1;
		if (pf_addr_expand(bd->b, a, 0, &v, &n) != 0 || n == 0) {
			free(v);
			return -1;
		}
		*out = v;
		*nout = n;
		return 0;
	}
	/* A jail's interface is reported by check_addr(). */
	if (server_iface(bd->srv, name) != NULL || a->ifmods != 0)
		return -1;
	for (line = t; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		len = end ? (size_t)(end - line) : strlen(line);
		if (end != NULL)
			end++;
		if (memchr(line, '#', len) != NULL)
			len = (size_t)((const char *)memchr(line, '#', len) - line);
		/* The address, then the names. */
		w = line;
		while (w < line + len && isspace((unsigned char)*w))
			w++;
		for (i = 0; w + i < line + len &&
		    !isspace((unsigned char)w[i]); i++)
			;
		if (i == 0)
			continue;
		addr = xstrndup(w, i);
		memset(&pfx, 0, sizeof(pfx));
		ok = ipaddr_parse(addr, &pfx.addr) == 0;
		free(addr);
		if (!ok)
			continue;
		pfx.len = ipaddr_bits(&pfx.addr);
		if (a->mask >= 0 && (unsigned)a->mask <= pfx.len) {
			pfx.len = (unsigned)a->mask;
			pfx = ipprefix_network(&pfx);
		}
		for (w += i;;) {
			while (w < line + len && isspace((unsigned char)*w))
				w++;
			for (i = 0; w + i < line + len &&
			    !isspace((unsigned char)w[i]); i++)
				;
			if (i == 0)
				break;
			if (word_is(w, i, name))
				break;
			w += i;
		}
		if (i == 0)
			continue;
		for (i = 0; i < n; i++)
			if (ipaddr_eq(&v[i].addr, &pfx.addr))
				break;
		if (i == n)
			*VEC_PUSH(v, n, cap) = pfx;
	}
	if (n == 0)
		return -1;
	*out = v;
	*nout = n;
	return 0;
}

/* Read the server's /etc/hosts into ${bd} (FreeBSD's default if the site
   has none); return the source to keep, or NULL. */
static struct source *
read_hosts(struct binder *bd)
{
	struct source *hs;
	int errnum = 0;

	bd->hosts = freebsd_hosts;
	if ((hs = fsview_read(bd->srv->view, "/etc/hosts", &errnum)) == NULL) {
		if (errnum != ENOENT)
			diag_warning(bd->diags, bd->srv->loc, "cannot read "
			    "/etc/hosts of server %s: %s; host names in "
			    "pf.conf are looked up in FreeBSD's default one",
			    bd->srv->name, fsview_strerror(errnum));
		return NULL;
	}
	bd->hosts = hs->text;
	return hs;
}

struct pf_bound *
pf_bind_source(const struct site *site, const struct server *srv,
    struct source *src, struct diags *diags)
{
	struct binder bd;
	struct pf_bound *b = xcalloc(1, sizeof(*b));
	struct source *hosts;
	size_t i, nerr = diags->nerrors;

	b->server = srv;
	*VEC_PUSH(b->sources, b->nsources, b->srccap) = src;
	bd.site = site;
	bd.srv = srv;
	bd.b = b;
	bd.diags = diags;

	bind_ifaces(b, srv);
	hosts = read_hosts(&bd);
	b->rs = pf_parse_files(src, hosts_lookup, &bd, include_reader,
	    (void *)srv, diags);
	source_free(hosts);
	bd.hosts = NULL;
	if (diags->nerrors != nerr)
		goto fail;
	bind_routes(b, srv);
	bind_skip(&bd);

	b->tablecap = b->rs->ntables + 1;
	b->tables = xcalloc(b->tablecap, sizeof(*b->tables));
	for (i = 0; i < b->rs->ntables; i++) {
		const struct pf_table *def = &b->rs->tables[i];
		struct pf_bound_table *t = &b->tables[b->ntables++];

		t->def = def;
		t->name = xstrdup(def->name);
		t->is_const = (def->flags & PF_TABLE_CONST) != 0;
		load_table(&bd, def, t);
	}
	bind_rules(&bd);
	if (diags->nerrors != nerr)
		goto fail;
	return b;
fail:
	pf_bound_free(b);
	return NULL;
}

struct pf_bound *
pf_bind(const struct site *site, const struct server *srv,
    struct diags *diags)
{
	struct source *src;
	int errnum = 0;

	if (srv->pf_rules == NULL) {
		diag_error(diags, srv->loc, "server %s has no pf rules file",
		    srv->name);
		return NULL;
	}
	if ((src = fsview_read(srv->view, srv->pf_rules, &errnum)) == NULL &&
	    srv->bare) {
		char *path = fsview_name(srv->view, 0, srv->pf_rules);
		struct source file = { .path = path, .text = (char *)"" };

		diag_error(diags, loc_file(&file), "cannot read it: %s",
		    errnum == EXDEV ? "a symbolic link leads outside its "
		    "directory" : fsview_strerror(errnum));
		free(path);
		return NULL;
	}
	if (src == NULL) {
		diag_error(diags, srv->loc, "cannot read pf.conf '%s' of "
		    "server %s: %s", srv->pf_rules, srv->name,
		    fsview_strerror(errnum));
		return NULL;
	}
	return pf_bind_source(site, srv, src, diags);
}

void
pf_bound_free(struct pf_bound *b)
{
	size_t i;

	if (b == NULL)
		return;
	pf_ruleset_free(b->rs);
	for (i = 0; i < b->nifaces; i++) {
		free(b->ifaces[i].name);
		free(b->ifaces[i].addrs);
	}
	free(b->ifaces);
	free(b->routes);
	for (i = 0; i < b->ntables; i++) {
		free(b->tables[i].name);
		free(b->tables[i].entries);
	}
	free(b->tables);
	for (i = 0; i < b->nsources; i++)
		source_free(b->sources[i]);
	free(b->sources);
	free(b);
}

size_t
pf_bound_iface(const struct pf_bound *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nifaces; i++)
		if (str_eq(b->ifaces[i].name, name))
			return i;
	return NO_INDEX;
}

const struct pf_bound_table *
pf_bound_table(const struct pf_bound *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->ntables; i++)
		if (str_eq(b->tables[i].name, name))
			return &b->tables[i];
	return NULL;
}

/* Append what ${a} makes of interface ${pi}'s addresses to ${out}. */
static void
expand_iface(const struct pf_iface *pi, const struct pf_addr *a, int af,
    struct ipprefix **out, size_t *n, size_t *cap)
{
	struct ipprefix p;
	bool seen4 = false, seen6 = false;
	unsigned i, bits;
	size_t j;

	for (j = 0; j < pi->naddrs; j++) {
		p = pi->addrs[j];
		if (af != 0 && p.addr.family != af)
			continue;
		/* :0 is the first address of each family. */
		if (a->ifmods & PF_IFMOD_NOALIAS) {
			bool *seen = p.addr.family == AF_INET ? &seen4 : &seen6;

			if (*seen)
				continue;
			*seen = true;
		}
		bits = ipaddr_bits(&p.addr);
		if (a->ifmods & PF_IFMOD_PEER)
			continue;	/* no point-to-point links here */
		if (a->ifmods & PF_IFMOD_BROADCAST) {
			if (p.addr.family != AF_INET || p.len >= 31)
				continue;
			for (i = p.len; i < bits; i++)
				p.addr.bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
			p.len = bits;
		} else if (a->ifmods & PF_IFMOD_NETWORK) {
			p = ipprefix_network(&p);
		} else {
			p.len = bits;
		}
		if (a->mask >= 0 && (unsigned)a->mask <= bits) {
			p.len = (unsigned)a->mask;
			p = ipprefix_network(&p);
		}
		*VEC_PUSH(*out, *n, *cap) = p;
	}
}

int
pf_addr_expand(const struct pf_bound *b, const struct pf_addr *a, int af,
    struct ipprefix **out, size_t *nout)
{
	size_t i, n = 0, cap = 0;
	struct ipprefix *v = NULL;

	switch (a->kind) {
	case PF_ADDR_ANY:
	case PF_ADDR_RANGE:
	case PF_ADDR_TABLE:
	case PF_ADDR_NOROUTE:
	case PF_ADDR_URPF_FAILED:
		*out = NULL;
		*nout = 0;
		return -1;
	case PF_ADDR_PREFIX:
		if (af == 0 || a->prefix.addr.family == af)
			*VEC_PUSH(v, n, cap) = a->prefix;
		break;
	case PF_ADDR_IFACE:
	case PF_ADDR_DYNIFACE:
		if (str_eq(a->name, "self")) {
			for (i = 0; i < b->nifaces; i++)
				expand_iface(&b->ifaces[i], a, af, &v, &n,
				    &cap);
		} else if ((i = pf_bound_iface(b, a->name)) != NO_INDEX) {
			expand_iface(&b->ifaces[i], a, af, &v, &n, &cap);
		}
		break;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	*out = v;
	*nout = n;
	return 0;
}

size_t
pf_route_lookup(const struct pf_bound *b, const struct ipaddr *dst)
{
	size_t i;

	/* Routes are sorted longest first: the first match is the best. */
	for (i = 0; i < b->nroutes; i++)
		if (ipprefix_contains(&b->routes[i].dst, dst))
			return i;
	return NO_INDEX;
}

bool
pf_bound_is_local(const struct pf_bound *b, const struct ipaddr *a)
{
	size_t i, j;

	for (i = 0; i < b->nifaces; i++)
		for (j = 0; j < b->ifaces[i].naddrs; j++)
			if (ipaddr_eq(&b->ifaces[i].addrs[j].addr, a))
				return true;
	return false;
}

/* An antispoof rule as pfctl has it: one rule per address (see above). */
static void
print_bound_rule(const struct pf_rule *r, void *arg, struct strbuf *out)
{
	const struct pf_bound *b = arg;
	struct ipprefix *pfx = NULL;
	struct pf_rule one;
	size_t i, n = 0;

	if ((r->origin != PF_ORIGIN_ANTISPOOF_NET &&
	    r->origin != PF_ORIGIN_ANTISPOOF_ADDR) ||
	    r->src.kind != PF_ADDR_IFACE ||
	    pf_addr_expand(b, &r->src, r->af, &pfx, &n) != 0) {
		pf_print_rule(r, out);
		strbuf_addc(out, '\n');
		return;
	}
	for (i = 0; i < n; i++) {
		one = *r;
		one.af = pfx[i].addr.family;
		one.src.kind = PF_ADDR_PREFIX;
		one.src.prefix = pfx[i];
		one.src.name = NULL;
		one.src.ifmods = 0;
		one.src.mask = -1;
		if (r->label_macros != NULL)
			one.label = pf_label_expand(&one, r->label_macros);
		pf_print_rule(&one, out);
		strbuf_addc(out, '\n');
		if (one.label != r->label)
			free(one.label);
	}
	free(pfx);
}

void
pf_bound_print(const struct pf_bound *b, struct strbuf *out)
{
	pf_print_with(b->rs, print_bound_rule, (void *)b, out);
}
