/*
 * jailnet pfctl: pfctl's table commands, against the kernel's sets while
 * the site is up (pf_live.h), else against the table files.
 */
#include "cli/cmd_pf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "conf/fsview.h"
#include "pf/pf_bind.h"
#include "kernel/netns.h"
#include "kernel/pf_live.h"
#include "kernel/state.h"
#include "jail/procs.h"
#include "cli/cli.h"

/* jailnet pfctl */

enum tbl_cmd {
	TBL_SHOW,
	TBL_TEST,
	TBL_ADD,
	TBL_DELETE,
	TBL_FLUSH,
	TBL_REPLACE,
	TBL_EXPIRE,
};

static const char *const tbl_cmd_names[] = {
	"show", "test", "add", "delete", "flush", "replace", "expire",
};
#define NTBL_CMDS (sizeof(tbl_cmd_names) / sizeof(*tbl_cmd_names))

struct pfctl_args {
	const char *site;
	const char *server;
	const char *table;
	const char *command;
	enum tbl_cmd cmd;
	const char *file;	/* -f FILE */
	char **words;		/* addresses, or expire's seconds */
	size_t nwords;
};

/* The entries a command works with, in one array. */
struct entries {
	struct pf_table_entry *v;
	size_t n, cap;
};

static int
pfctl_usage(const char *fmt, const char *arg)
{
	return cli_usage("pfctl", CMD_PFCTL_USAGE, fmt, arg);
}

/* Parse the command line into ${a}; return 0 or an exit status. */
static int
pfctl_parse(int argc, char **argv, struct pfctl_args *a)
{
	const char *hint;
	unsigned long secs;
	int i;
	size_t k;

	memset(a, 0, sizeof(*a));
	a->words = xcalloc((size_t)argc + 1, sizeof(*a->words));
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;

		if (str_eq(s, "--server"))
			slot = &a->server;
		else if (str_eq(s, "-t"))
			slot = &a->table;
		else if (str_eq(s, "-T"))
			slot = &a->command;
		else if (str_eq(s, "-f"))
			slot = &a->file;
		if (slot != NULL) {
			if (i + 1 >= argc)
				return pfctl_usage("%s needs a value", s);
			if (*slot != NULL)
				return pfctl_usage("%s is given twice", s);
			*slot = argv[++i];
		} else if (s[0] == '-' && a->command == NULL) {
			return pfctl_usage("unknown option '%s'", s);
		} else if (a->site == NULL) {
			a->site = s;
		} else if (a->command != NULL) {
			a->words[a->nwords++] = argv[i];
		} else {
			return pfctl_usage("unexpected argument '%s'", s);
		}
	}
	if (a->site == NULL)
		return pfctl_usage("%s", "missing the SITE directory");
	if (a->server == NULL)
		return pfctl_usage("%s", "--server NAME is required: each "
		    "server has its own tables");
	if (a->table == NULL)
		return pfctl_usage("%s", "-t TABLE is required");
	if (a->command == NULL)
		return pfctl_usage("%s", "-T COMMAND is required");
	for (k = 0; k < NTBL_CMDS; k++)
		if (str_eq(a->command, tbl_cmd_names[k]))
			break;
	if (k == NTBL_CMDS) {
		hint = closest_word(a->command, tbl_cmd_names, NTBL_CMDS);
		fprintf(stderr, "jailnet pfctl: -T %s: unknown table command",
		    a->command);
		if (hint != NULL)
			fprintf(stderr, "; did you mean '%s'?", hint);
		fprintf(stderr, "\nusage: jailnet %s\n", CMD_PFCTL_USAGE);
		return EXIT_USAGE;
	}
	a->cmd = (enum tbl_cmd)k;
	switch (a->cmd) {
	case TBL_SHOW:
	case TBL_FLUSH:
		if (a->nwords > 0)
			return pfctl_usage("unexpected argument '%s'",
			    a->words[0]);
		if (a->file != NULL)
			return pfctl_usage("-f %s: -T show and -T flush read "
			    "no file", a->file);
		break;
	case TBL_TEST:
	case TBL_ADD:
	case TBL_DELETE:
	case TBL_REPLACE:
		/* Refuse an empty replace rather than flush by accident. */
		if (a->nwords == 0 && a->file == NULL)
			return pfctl_usage("-T %s needs addresses or -f FILE",
			    a->command);
		break;
	case TBL_EXPIRE:
		if (a->nwords != 1 || a->file != NULL)
			return pfctl_usage("%s", "-T expire needs SECONDS");
		if (parse_uint(a->words[0], 0, 0xffffffffUL, &secs) != 0)
			return pfctl_usage("-T expire %s: not a number of "
			    "seconds", a->words[0]);
		break;
	}
	return 0;
}

/* Append the entries of table data ${td} to ${out}. */
static void
take_entries(const struct pf_table_data *td, struct entries *out)
{
	struct pf_table_entry *e;
	size_t i;

	for (i = 0; i < td->n; i++) {
		e = VEC_PUSH(out->v, out->n, out->cap);
		e->prefix = ipprefix_network(&td->v[i].prefix);
		e->neg = td->v[i].neg != 0;
		e->loc = td->v[i].loc;
	}
}

/*
 * The addresses of the command line and of -f FILE, parsed like a table
 * file.  Return 0, or an exit status after printing what is wrong.
 */
static int
read_arg_entries(const struct pfctl_args *a, struct entries *out)
{
	struct pf_table_data td;
	struct source *src;
	struct diags d;
	size_t i;
	int errnum = 0, rc = 0;

	memset(&td, 0, sizeof(td));
	diags_init(&d);
	for (i = 0; i < a->nwords && rc == 0; i++) {
		src = source_new("argument", a->words[i],
		    strlen(a->words[i]));
		td.n = 0;
		if (pf_table_file_parse(src, &td, &d) != 0 || td.n != 1) {
			fprintf(stderr, "jailnet pfctl: '%s' is not an "
			    "address\n", a->words[i]);
			rc = EXIT_USAGE;
		} else {
			take_entries(&td, out);
		}
		pf_table_data_free(&td);
		source_free(src);
	}
	if (rc == 0 && a->file != NULL) {
		if ((src = source_read(a->file, a->file, &errnum)) == NULL) {
			fprintf(stderr, "jailnet pfctl: -f %s: %s\n", a->file,
			    strerror(errnum));
			rc = EXIT_USAGE;
		} else {
			if (pf_table_file_parse(src, &td, &d) != 0) {
				diags_print(&d, stderr);
				rc = EXIT_USAGE;
			} else {
				take_entries(&td, out);
			}
			pf_table_data_free(&td);
			source_free(src);
		}
	}
	diags_free(&d);
	return rc;
}

/* Order as pfctl -T show lists a table: by family and address, then the
   longer prefix first. */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct pf_table_entry *a = pa, *b = pb;
	int c;

	if (a->prefix.addr.family != b->prefix.addr.family)
		return a->prefix.addr.family == AF_INET ? -1 : 1;
	if ((c = memcmp(a->prefix.addr.bytes, b->prefix.addr.bytes, 16)) != 0)
		return c;
	if (a->prefix.len != b->prefix.len)
		return a->prefix.len > b->prefix.len ? -1 : 1;
	return (int)a->neg - (int)b->neg;
}

static bool
same_prefix(const struct ipprefix *a, const struct ipprefix *b)
{
	return a->len == b->len && ipaddr_eq(&a->addr, &b->addr);
}

/* The index in ${v} of the entry for prefix ${p}, or NO_INDEX. */
static size_t
find_entry(const struct pf_table_entry *v, size_t n, const struct ipprefix *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_prefix(&v[i].prefix, p))
			return i;
	return NO_INDEX;
}

/* The entries of ${t} as the kernel holds them: host bits cleared, each
   prefix once (the first one wins, as pfr_add_addrs() keeps it). */
static void
table_entries(const struct pf_bound_table *t, struct entries *out)
{
	struct pf_table_entry e;
	size_t i;

	for (i = 0; i < t->nentries; i++) {
		e = t->entries[i];
		e.prefix = ipprefix_network(&e.prefix);
		if (find_entry(out->v, out->n, &e.prefix) == NO_INDEX)
			*VEC_PUSH(out->v, out->n, out->cap) = e;
	}
}

/* An entry as pfctl prints it: hosts without their length. */
static void
format_entry(const struct pf_table_entry *e, struct strbuf *out)
{
	char buf[IPADDR_STRLEN];

	if (e->prefix.len == ipaddr_bits(&e->prefix.addr))
		strbuf_adds(out, ipaddr_format(&e->prefix.addr, buf));
	else
		strbuf_adds(out, ipprefix_format(&e->prefix, buf));
}

static int
tbl_show(struct entries *cur)
{
	struct strbuf out = { 0 };
	size_t i;

	if (cur->n > 0)
		qsort(cur->v, cur->n, sizeof(*cur->v), entry_cmp);
	for (i = 0; i < cur->n; i++) {
		strbuf_adds(&out, cur->v[i].neg ? "  !" : "   ");
		format_entry(&cur->v[i], &out);
		strbuf_addc(&out, '\n');
	}
	fputs(strbuf_cstr(&out), stdout);
	strbuf_free(&out);
	return 0;
}

/* Whether ${e} matches: the longest prefix holding a host decides (a
   negated one says no); a network matches only its own entry. */
static bool
entry_matches(const struct entries *cur, const struct pf_table_entry *e)
{
	const struct pf_table_entry *best = NULL;
	size_t i;

	if (e->prefix.len != ipaddr_bits(&e->prefix.addr)) {
		i = find_entry(cur->v, cur->n, &e->prefix);
		return i != NO_INDEX && !cur->v[i].neg;
	}
	for (i = 0; i < cur->n; i++)
		if (ipprefix_contains(&cur->v[i].prefix, &e->prefix.addr) &&
		    (best == NULL || cur->v[i].prefix.len > best->prefix.len))
			best = &cur->v[i];
	return best != NULL && !best->neg;
}

static int
tbl_test(const struct entries *cur, const struct entries *args)
{
	size_t i, nmatch = 0;

	for (i = 0; i < args->n; i++)
		if (entry_matches(cur, &args->v[i]))
			nmatch++;
	fprintf(stderr, "%zu/%zu addresses match.\n", nmatch, args->n);
	return nmatch == args->n ? 0 : EXIT_INVALID;
}

/*
 * The text of table file ${src} without the entries marked in ${drop} (by
 * their locations), a line left blank by that removed whole, and with
 * ${add} appended one per line.
 */
static char *
rewrite_text(const struct source *src, const struct pf_table_entry *drop,
    size_t ndrop, const struct pf_table_entry *add, size_t nadd)
{
	struct strbuf out = { 0 };
	char *gone = xcalloc(src->len + 1, 1);
	size_t i, j, start, end;
	bool touched, blank;

	for (i = 0; i < ndrop; i++) {
		start = loc_offset(drop[i].loc);
		for (j = 0; j < drop[i].loc.len && start + j < src->len; j++)
			gone[start + j] = 1;
	}
	for (start = 0; start < src->len; start = end) {
		for (end = start; end < src->len && src->text[end] != '\n';)
			end++;
		if (end < src->len)
			end++;		/* with its newline */
		touched = false;
		blank = true;
		for (j = start; j < end; j++) {
			if (gone[j])
				touched = true;
			else if (src->text[j] != ' ' &&
			    src->text[j] != '\t' && src->text[j] != '\n' &&
			    src->text[j] != '\r')
				blank = false;
		}
		if (touched && blank)
			continue;
		for (j = start; j < end; j++)
			if (!gone[j])
				strbuf_addc(&out, src->text[j]);
	}
	if (out.len > 0 && out.s[out.len - 1] != '\n' && nadd > 0)
		strbuf_addc(&out, '\n');
	for (i = 0; i < nadd; i++) {
		if (add[i].neg)
			strbuf_addc(&out, '!');
		format_entry(&add[i], &out);
		strbuf_addc(&out, '\n');
	}
	free(gone);
	return strbuf_steal(&out);
}

/* Replace the file ${path} with ${text}, through a temporary file so that
   a reader never sees half of it. */
static int
write_file(const char *path, const char *text)
{
	int errnum;

	if (write_file_atomic(path, text, strlen(text), 0644, &errnum) != 0) {
		fprintf(stderr, "jailnet pfctl: cannot write %s: %s\n", path,
		    strerror(errnum));
		return -1;
	}
	return 0;
}

/*
 * Find the file table ${t} of ${srv} (whose bound pf.conf is ${b}) is
 * loaded from, for a command that
 * changes it.  Return its on-disk path (owned by the caller) and its
 * source in ${srcp}, or NULL after saying why it cannot be changed.
 */
static char *
table_file(const struct server *srv, const struct pf_bound *b,
    const struct pf_bound_table *t, const struct source **srcp)
{
	const struct pf_table_init *ti = NULL;
	size_t i, nfiles = 0, ninline = 0, len;
	char *path, *abs;
	int errnum = 0;

	for (i = 0; i < t->def->ninits; i++) {
		if (t->def->inits[i].file == NULL) {
			ninline++;
		} else {
			ti = &t->def->inits[i];
			nfiles++;
		}
	}
	if (nfiles == 0) {
		fprintf(stderr, "jailnet pfctl: table <%s> has no file (its "
		    "entries are written in pf.conf); changes to it live in "
		    "the kernel; run jailnet up first\n", t->name);
		return NULL;
	}
	if (nfiles > 1 || ninline > 0) {
		fprintf(stderr, "jailnet pfctl: table <%s> is loaded from "
		    "more than one file or list; edit them by hand\n",
		    t->name);
		return NULL;
	}
	abs = pf_table_path(srv, ti->file);
	path = fsview_resolve(srv->view, abs, &errnum);
	if (path == NULL) {
		fprintf(stderr, "jailnet pfctl: table <%s>: cannot find %s in "
		    "server %s's view: %s\n", t->name, abs, srv->name,
		    fsview_strerror(errnum));
		free(abs);
		return NULL;
	}
	free(abs);
	len = strlen(srv->overlay);
	if (strncmp(path, srv->overlay, len) != 0 || path[len] != '/') {
		fprintf(stderr, "jailnet pfctl: table <%s> is loaded from "
		    "%s, which every server shares; refusing to change it "
		    "for server %s alone (copy it into %s/ first, or edit it "
		    "by hand)\n", t->name, path, srv->name, srv->overlay);
		free(path);
		return NULL;
	}
	/* The source bind read it into, which the entries point into. */
	*srcp = NULL;
	for (i = 0; i < b->nsources; i++)
		if (str_eq(b->sources[i]->path, path))
			*srcp = b->sources[i];
	if (*srcp == NULL) {
		fprintf(stderr, "jailnet pfctl: table <%s>: %s was not read\n",
		    t->name, path);
		free(path);
		return NULL;
	}
	return path;
}

/* What a change does to a table: entries to add and to drop, and how many
   of those are one prefix changing sign (replace). */
struct tbl_delta {
	struct entries add, drop;
	size_t nchange;
};

/*
 * add, delete, flush, replace: compute the change of ${cur} that the
 * command asks for with ${args}, as pfctl does: an add that conflicts
 * with an entry of the other sign is left out (and said), a delete or add
 * of what is (not) there counts out, repeats count once.
 */
static void
tbl_delta(const struct pfctl_args *a, const char *table,
    const struct entries *cur, const struct entries *args,
    struct tbl_delta *d)
{
	size_t i, k;

	memset(d, 0, sizeof(*d));
	switch (a->cmd) {
	case TBL_ADD:
		for (i = 0; i < args->n; i++) {
			k = find_entry(cur->v, cur->n, &args->v[i].prefix);
			if (k != NO_INDEX && cur->v[k].neg != args->v[i].neg) {
				struct strbuf sb = { 0 };

				format_entry(&args->v[i], &sb);
				/* pf leaves it alone and counts it out. */
				fprintf(stderr, "jailnet pfctl: %s%s conflicts "
				    "with %s%s in table <%s>; not added\n",
				    args->v[i].neg ? "!" : "", sb.s,
				    cur->v[k].neg ? "!" : "", sb.s, table);
				strbuf_free(&sb);
			} else if (k == NO_INDEX && find_entry(d->add.v,
			    d->add.n, &args->v[i].prefix) == NO_INDEX) {
				*VEC_PUSH(d->add.v, d->add.n, d->add.cap) =
				    args->v[i];
			}
		}
		break;
	case TBL_DELETE:
		for (i = 0; i < args->n; i++) {
			k = find_entry(cur->v, cur->n, &args->v[i].prefix);
			if (k != NO_INDEX && cur->v[k].neg == args->v[i].neg &&
			    find_entry(d->drop.v, d->drop.n,
			    &args->v[i].prefix) == NO_INDEX)
				*VEC_PUSH(d->drop.v, d->drop.n, d->drop.cap) =
				    cur->v[k];
		}
		break;
	case TBL_FLUSH:
		for (i = 0; i < cur->n; i++)
			*VEC_PUSH(d->drop.v, d->drop.n, d->drop.cap) =
			    cur->v[i];
		break;
	case TBL_REPLACE:
		for (i = 0; i < cur->n; i++) {
			k = find_entry(args->v, args->n, &cur->v[i].prefix);
			if (k == NO_INDEX || args->v[k].neg != cur->v[i].neg)
				*VEC_PUSH(d->drop.v, d->drop.n, d->drop.cap) =
				    cur->v[i];
			if (k != NO_INDEX && args->v[k].neg != cur->v[i].neg)
				d->nchange++;
		}
		for (i = 0; i < args->n; i++) {
			k = find_entry(cur->v, cur->n, &args->v[i].prefix);
			if ((k == NO_INDEX || cur->v[k].neg !=
			    args->v[i].neg) && find_entry(d->add.v, d->add.n,
			    &args->v[i].prefix) == NO_INDEX)
				*VEC_PUSH(d->add.v, d->add.n, d->add.cap) =
				    args->v[i];
		}
		break;
	case TBL_SHOW:
	case TBL_TEST:
	case TBL_EXPIRE:
		break;
	}
}

/* pfctl's counts of a change that was made. */
static void
tbl_report(const struct pfctl_args *a, const struct tbl_delta *d,
    size_t nargs)
{
	size_t nadd = d->add.n, ndrop = d->drop.n, nchange = d->nchange;

	switch (a->cmd) {
	case TBL_ADD:
		fprintf(stderr, "%zu/%zu addresses added.\n", nadd, nargs);
		break;
	case TBL_DELETE:
		fprintf(stderr, "%zu/%zu addresses deleted.\n", ndrop, nargs);
		break;
	case TBL_FLUSH:
		fprintf(stderr, "%zu addresses deleted.\n", ndrop);
		break;
	case TBL_REPLACE:
		if (nadd > nchange)
			fprintf(stderr, "%zu addresses added.\n",
			    nadd - nchange);
		if (ndrop > nchange)
			fprintf(stderr, "%zu addresses deleted.\n",
			    ndrop - nchange);
		if (nchange > 0)
			fprintf(stderr, "%zu addresses changed.\n", nchange);
		if (nadd == 0 && ndrop == 0)
			fprintf(stderr, "no changes.\n");
		break;
	case TBL_SHOW:
	case TBL_TEST:
	case TBL_EXPIRE:
		break;
	}
}

static void
tbl_delta_free(struct tbl_delta *d)
{
	free(d->add.v);
	free(d->drop.v);
}

/* add, delete, flush, replace on the table's file. */
static int
tbl_change_file(const struct pfctl_args *a, const struct server *srv,
    const struct pf_bound *pf, const struct pf_bound_table *t, const struct entries *cur,
    const struct entries *args)
{
	struct entries spans = { 0 };
	struct tbl_delta d;
	const struct source *src;
	size_t i;
	char *path, *text;
	int rc = 0;

	if (t->is_const) {
		fprintf(stderr, "jailnet pfctl: table <%s> is const; pf "
		    "refuses to change it\n", t->name);
		return EXIT_INVALID;
	}
	if ((path = table_file(srv, pf, t, &src)) == NULL)
		return EXIT_INVALID;
	tbl_delta(a, t->name, cur, args, &d);
	/* Every copy of a dropped prefix goes (the file may repeat it). */
	for (i = 0; i < t->nentries; i++) {
		struct ipprefix p = ipprefix_network(&t->entries[i].prefix);

		if (t->entries[i].loc.src == src &&
		    find_entry(d.drop.v, d.drop.n, &p) != NO_INDEX)
			*VEC_PUSH(spans.v, spans.n, spans.cap) =
			    t->entries[i];
	}
	if (d.add.n > 0 || d.drop.n > 0) {
		text = rewrite_text(src, spans.v, spans.n, d.add.v, d.add.n);
		if (write_file(path, text) != 0)
			rc = EXIT_INVALID;
		free(text);
	}
	if (rc == 0)
		tbl_report(a, &d, args->n);
	tbl_delta_free(&d);
	free(spans.v);
	free(path);
	return rc;
}

/* Say what a table of ${srv} cannot be: unknown (with a hint). */
static const struct pf_bound_table *
find_table(const struct pfctl_args *a, const struct server *srv,
    const struct pf_bound *pf)
{
	const struct pf_bound_table *t;
	const char **names;
	const char *hint;
	size_t i;

	if ((t = pf_bound_table(pf, a->table)) != NULL)
		return t;
	names = xcalloc(pf->ntables + 1, sizeof(*names));
	for (i = 0; i < pf->ntables; i++)
		names[i] = pf->tables[i].name;
	hint = closest_word(a->table, names, pf->ntables);
	fprintf(stderr, "jailnet pfctl: -t %s: server %s has no table <%s>",
	    a->table, srv->name, a->table);
	if (hint != NULL)
		fprintf(stderr, "; did you mean <%s>?", hint);
	fputc('\n', stderr);
	free(names);
	return NULL;
}

/* The command on the table files (the site is not up). */
static int
pfctl_run_files(const struct pfctl_args *a, const struct server *srv,
    const struct pf_bound *pf, const struct pf_bound_table *t)
{
	struct entries cur = { 0 }, args = { 0 };
	int rc;

	if (t->def == NULL || t->is_dynamic) {
		fprintf(stderr, "jailnet pfctl: table <%s> lives in the "
		    "kernel; run jailnet up first\n", t->name);
		return EXIT_INVALID;
	}
	if (a->cmd == TBL_EXPIRE) {
		/* Entries age only in the kernel: a file has no times. */
		fprintf(stderr, "jailnet pfctl: -T expire works on the "
		    "kernel's table <%s>; run jailnet up first\n", t->name);
		return EXIT_INVALID;
	}
	if ((rc = read_arg_entries(a, &args)) != 0) {
		free(args.v);
		return rc;
	}
	table_entries(t, &cur);
	switch (a->cmd) {
	case TBL_SHOW:
		rc = tbl_show(&cur);
		break;
	case TBL_TEST:
		rc = tbl_test(&cur, &args);
		break;
	case TBL_ADD:
	case TBL_DELETE:
	case TBL_FLUSH:
	case TBL_REPLACE:
		rc = tbl_change_file(a, srv, pf, t, &cur, &args);
		break;
	case TBL_EXPIRE:
		rc = EXIT_INVALID;	/* refused above */
		break;
	}
	free(cur.v);
	free(args.v);
	return rc;
}

/*
 * What the kernel's sets cannot hold, said before anything changes: a
 * negated entry (no nft set excepts addresses) and, in an overload
 * table's hash set, a network.
 */
static int
live_check_args(const struct pf_bound_table *t, const struct entries *args)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < args->n; i++) {
		const struct ipprefix *p = &args->v[i].prefix;

		if (args->v[i].neg) {
			fprintf(stderr, "jailnet pfctl: !%s: the kernel's set "
			    "of table <%s> cannot hold a negated entry\n",
			    ipprefix_format(p, buf), t->name);
			return EXIT_USAGE;
		}
		if (t->is_dynamic && p->len != ipaddr_bits(&p->addr)) {
			fprintf(stderr, "jailnet pfctl: %s: table <%s> is an "
			    "overload table, whose set holds addresses only\n",
			    ipprefix_format(p, buf), t->name);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* -T expire SECONDS: drop the entries at least that old. */
static int
live_expire(const struct pfctl_args *a, struct pf_live_table *lt,
    const char *table)
{
	struct ipprefix *drop = NULL;
	struct nl_error err;
	unsigned long secs;
	size_t i, n = 0, cap = 0;
	int rc = 0;

	if (!lt->dated) {
		fprintf(stderr, "jailnet pfctl: -T expire: the entries of "
		    "table <%s> carry no age in the kernel (only overload "
		    "tables are dated)\n", table);
		return EXIT_INVALID;
	}
	(void)parse_uint(a->words[0], 0, 0xffffffffUL, &secs);
	for (i = 0; i < lt->n; i++)
		if (lt->entries[i].age >= 0 &&
		    (unsigned long)lt->entries[i].age >= secs)
			*VEC_PUSH(drop, n, cap) = lt->entries[i].prefix;
	if (n > 0 && pf_live_change(lt, false, NULL, 0, drop, n, &err) != 0) {
		fprintf(stderr, "jailnet pfctl: table <%s>: %s\n", table,
		    err.msg);
		rc = EXIT_INVALID;
	} else {
		fprintf(stderr, "%zu/%zu addresses expired.\n", n, lt->n);
	}
	free(drop);
	return rc;
}

/* The kernel's entries as table entries (never negated). */
static void
live_entries(const struct pf_live_table *lt, struct entries *out)
{
	size_t i;

	for (i = 0; i < lt->n; i++) {
		struct pf_table_entry *e = VEC_PUSH(out->v, out->n, out->cap);

		memset(e, 0, sizeof(*e));
		e->prefix = lt->entries[i].prefix;
	}
}

/* Prefixes of ${e} for pf_live_change(). */
static struct ipprefix *
entry_prefixes(const struct entries *e)
{
	struct ipprefix *v = xcalloc(e->n + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < e->n; i++)
		v[i] = e->v[i].prefix;
	return v;
}

/* The command on the live sets of the running server. */
static int
pfctl_run_live(const struct pfctl_args *a, const struct server *srv,
    const struct pf_bound_table *t, const char *netns)
{
	struct entries cur = { 0 }, args = { 0 };
	struct pf_live_table lt;
	struct tbl_delta d;
	struct nl_error err;
	struct ipprefix *add, *drop;
	int rc;

	if (t->is_const && a->cmd != TBL_SHOW && a->cmd != TBL_TEST) {
		fprintf(stderr, "jailnet pfctl: table <%s> is const; pf "
		    "refuses to change it\n", t->name);
		return EXIT_INVALID;
	}
	if ((rc = read_arg_entries(a, &args)) != 0 ||
	    (rc = live_check_args(t, &args)) != 0) {
		free(args.v);
		return rc;
	}
	if (pf_live_open(netns, srv->name, t->name, &lt, &err) != 0) {
		fprintf(stderr, "jailnet pfctl: table <%s> of server %s in "
		    "%s: %s\n", t->name, srv->name, netns, err.msg);
		free(args.v);
		return EXIT_INVALID;
	}
	live_entries(&lt, &cur);
	switch (a->cmd) {
	case TBL_SHOW:
		rc = tbl_show(&cur);
		break;
	case TBL_TEST:
		rc = tbl_test(&cur, &args);
		break;
	case TBL_EXPIRE:
		rc = live_expire(a, &lt, t->name);
		break;
	case TBL_ADD:
	case TBL_DELETE:
	case TBL_FLUSH:
	case TBL_REPLACE:
		tbl_delta(a, t->name, &cur, &args, &d);
		add = entry_prefixes(&d.add);
		drop = entry_prefixes(&d.drop);
		if (pf_live_change(&lt, false, add, d.add.n, drop, d.drop.n,
		    &err) != 0) {
			fprintf(stderr, "jailnet pfctl: table <%s>: %s\n",
			    t->name, err.msg);
			rc = EXIT_INVALID;
		} else {
			tbl_report(a, &d, args.n);
		}
		free(add);
		free(drop);
		tbl_delta_free(&d);
		break;
	}
	pf_live_close(&lt);
	free(cur.v);
	free(args.v);
	return rc;
}

/*
 * The namespace of ${srv} if its site is up (its state complete and the
 * namespace there), else NULL.  Owned by the caller.
 */
static char *
live_netns(const struct site *site, const struct server *srv)
{
	struct state *st = NULL;
	struct nl_error err;
	char *ns = NULL;

	if (state_read(STATE_ROOT, site->name, &st, &err) != 0)
		return NULL;
	if (st->complete) {
		ns = procs_netns_name(site->name, srv->name, NULL);
		if (!netns_exists(ns)) {
			free(ns);
			ns = NULL;
		}
	}
	state_close(st);
	return ns;
}

int
cmd_pfctl(int argc, char **argv)
{
	struct pfctl_args a;
	const struct pf_bound_table *t;
	const struct pf_bound *pf = NULL;
	const struct server *srv;
	struct pf_site *ps;
	char *ns;
	int rc;

	if ((rc = pfctl_parse(argc, argv, &a)) != 0) {
		free(a.words);
		return rc;
	}
	if ((ps = cli_load_site(a.site, 0)) == NULL) {
		free(a.words);
		return EXIT_INVALID;
	}
	if (cli_pick_server(ps->site, a.server, &srv) != 0) {
		rc = EXIT_USAGE;
	} else if ((pf = pf_site_bound(ps, srv)) == NULL) {
		fprintf(stderr, "jailnet pfctl: server %s does not enable pf "
		    "(pf_enable)\n", srv->name);
		rc = EXIT_INVALID;
	} else if ((t = find_table(&a, srv, pf)) == NULL) {
		rc = EXIT_USAGE;
	} else if ((ns = live_netns(ps->site, srv)) != NULL) {
		rc = pfctl_run_live(&a, srv, t, ns);
		free(ns);
	} else {
		rc = pfctl_run_files(&a, srv, pf, t);
	}
	pf_site_free(ps);
	free(a.words);
	return rc;
}
