/*
 * jailnet pf: a server's pf.conf as pfctl reads it, the model's decision
 * on a packet, and the ruleset compiled to nftables.
 */
#include "cli/cmd_pf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "pf/pf_lint.h"
#include "pf/pf_nft.h"
#include "pf/pf_site.h"
#include "cli/cli.h"
#include "verify/space.h"
#include "verify/topo.h"
#include "verify/world.h"

/* jailnet pf */

/* What `jailnet pf` prints for each server. */
enum pf_mode {
	PF_MODE_RULES,		/* the ruleset, as pfctl -nv */
	PF_MODE_TEST,		/* --test SPEC: what the model does with it */
	PF_MODE_BATCH,		/* --test -: the same for each line of stdin */
	PF_MODE_NFT,		/* --nft: the nftables ruleset for Linux */
	PF_MODE_LINT,		/* --lint: rules and tables that do nothing */
};

struct pf_args {
	const char *site;
	const char *file;	/* -f FILE: this pf.conf instead */
	const char *server;
	enum pf_mode mode;
	struct pf_test test;	/* PF_MODE_TEST */
	bool lint_error;	/* --lint=error: a finding fails */
	size_t findings;	/* --lint: counted over the servers */
	struct topo_result topo;	/* --lint: the site's topology
					   findings */
};

/*
 * --lint: append the ${n} findings of ${d} to ${out} as diags_print()
 * prints them, then "SERVER: N WHAT(s)", and add ${n} to ${count}.  ${d}
 * is freed.  Return 0, or -1 if the text cannot be made.
 */
static int
pf_put_findings(struct diags *d, size_t n, const char *server,
    const char *what, struct strbuf *out, size_t *count)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&text, &len)) == NULL) {
		diags_free(d);
		return -1;
	}
	diags_print(d, f);
	fclose(f);
	diags_free(d);
	strbuf_add(out, text, len);
	free(text);
	strbuf_addf(out, "%s: %zu %s%s\n", server, n, what, n == 1 ? "" : "s");
	*count += n;
	return 0;
}

/* --lint: the findings of pf_lint(), located; how many in ${count}. */
static int
pf_show_lint(const struct pf_bound *pf, struct strbuf *out, size_t *count)
{
	struct diags d;
	size_t n;

	diags_init(&d);
	n = pf_lint(pf, &d);
	return pf_put_findings(&d, n, pf->server->name, "finding", out, count);
}

/* --lint: the topology findings of ${topo} about the server of ${pf}. */
static int
pf_show_topo(const struct pf_site *ps, const struct pf_bound *pf,
    const struct topo_result *topo, struct strbuf *out, size_t *count)
{
	struct diags d;
	size_t n;

	if (!topo->searched) {
		strbuf_addf(out, "%s: topology not searched: %s\n",
		    pf->server->name, topo->why);
		return 0;
	}
	diags_init(&d);
	n = topo_report(topo, (size_t)(pf->server - ps->site->servers), &d);
	return pf_put_findings(&d, n, pf->server->name, "topology finding",
	    out, count);
}

/* --lint: search the site's topology once, for every server. */
static int
pf_search_topo(const struct pf_site *ps, struct topo_result *topo)
{
	struct vspace *vs;
	struct world *w;

	if ((w = cli_world_new(ps)) == NULL)
		return -1;
	vs = vspace_new(w);
	topo_search(vs, topo);
	vspace_free(vs);
	world_free(w);
	return 0;
}

/* The ruleset ${pf} as `pfctl -o none -nvf` prints it. */
static int
pf_show_rules(const struct pf_bound *pf, struct strbuf *out)
{
	pf_bound_print(pf, out);
	return 0;
}

/*
 * The answer of --test, which is also its exit status: scripts read it to
 * test reachability, and must never take "cannot say" for a block.
 */
enum pf_verdict {
	PF_VERDICT_PASS = 0,		/* the packet gets through */
	PF_VERDICT_BLOCK = 1,		/* a rule blocks it, or routing drops it */
	PF_VERDICT_CANNOT_SAY = 2,	/* = EXIT_USAGE: no answer */
};

/*
 * Print the machine-readable last line of --test, "verdict: cannot-say
 * (${why})", to stdout (the details are on stderr).  Return
 * PF_VERDICT_CANNOT_SAY.
 */
static int
pf_cannot_say(const char *why)
{
	fflush(stderr);
	printf("verdict: cannot-say (%s)\n", why);
	return PF_VERDICT_CANNOT_SAY;
}

/*
 * Append to ${out} the account of pf_eval_explain() without its last line
 * (its own verdict, which pf_explain_test words for scripts).
 */
static void
pf_explain_stages(const struct pf_eval_result *res, struct strbuf *out)
{
	struct strbuf all = { 0 };
	const char *s;
	size_t keep;

	pf_eval_explain(res, &all);
	s = strbuf_cstr(&all);
	keep = all.len;
	if (keep > 0 && s[keep - 1] == '\n')
		keep--;
	while (keep > 0 && s[keep - 1] != '\n')
		keep--;
	strbuf_add(out, s, keep);
	strbuf_free(&all);
}

/*
 * Follow the packet of ${t} through the server with the static model in
 * ${ctx} and explain each stage, then what became of the packet, then one
 * machine-readable line: "verdict: pass", "verdict: block" (blocked by a
 * rule, or dropped by routing) or "verdict: cannot-say (REASON)" (an
 * unknown interface, a bridged frame without its member).  Return the
 * enum pf_verdict of that line.
 */
static int
pf_explain_packet(struct pf_eval *ctx, const struct pf_test *t,
    struct strbuf *out)
{
	struct pf_eval_result res;
	enum pf_verdict v = PF_VERDICT_CANNOT_SAY;
	int rc;

	rc = pf_eval_packet(ctx, t->in_ifname[0] ? t->in_ifname : NULL,
	    t->out_member[0] ? t->out_member : NULL, &t->pkt, 0, &res);
	pf_explain_stages(&res, out);
	if (rc != 0)
		res.fate = PF_FATE_ERROR;
	switch (res.fate) {
	case PF_FATE_DELIVERED:
		strbuf_adds(out, "delivered to the host\n");
		v = PF_VERDICT_PASS;
		break;
	case PF_FATE_FORWARDED:
		strbuf_addf(out, "forwarded out of %s\n", res.out_ifname);
		v = PF_VERDICT_PASS;
		break;
	case PF_FATE_BRIDGED:
		strbuf_addf(out, "bridged out of %s\n", res.out_ifname);
		v = PF_VERDICT_PASS;
		break;
	case PF_FATE_SENT:
		strbuf_addf(out, "sent out of %s\n", res.out_ifname);
		v = PF_VERDICT_PASS;
		break;
	case PF_FATE_BLOCKED:
		v = PF_VERDICT_BLOCK;
		break;
	case PF_FATE_DROPPED:
		strbuf_addf(out, "dropped: %s\n", res.reason);
		v = PF_VERDICT_BLOCK;
		break;
	case PF_FATE_ERROR:
		strbuf_addf(out, "verdict: cannot-say (%s)\n",
		    res.reason[0] != '\0' ? res.reason : "model error");
		return PF_VERDICT_CANNOT_SAY;
	}
	strbuf_addf(out, "verdict: %s\n", v == PF_VERDICT_PASS ? "pass" :
	    "block");
	return v;
}

/* --test SPEC: the packet of ${t} on a server with no states yet. */
static int
pf_explain_test(const struct pf_bound *pf, const struct pf_test *t,
    struct strbuf *out)
{
	struct pf_eval *ctx = pf_eval_new(pf);
	int v = pf_explain_packet(ctx, t, out);

	pf_eval_free(ctx);
	return v;
}

/* The bounds of --test -: bytes of a line (its newline not counted), and
   lines. */
#define PF_BATCH_LINE_MAX 1024
#define PF_BATCH_LINES_MAX 1000000

/*
 * Print the one line of --test - for input line ${n}: the account
 * ${text} of pf_explain_packet() with its verdict line first and every
 * line joined by " | ".
 */
static void
pf_batch_print(unsigned long n, const struct strbuf *text)
{
	const char *s = text->len ? strbuf_cstr(text) : "", *last, *p, *e;
	size_t len = text->len;

	if (len > 0 && s[len - 1] == '\n')
		len--;
	for (last = s + len; last > s && last[-1] != '\n'; last--)
		;
	printf("stdin:%lu: %.*s", n, (int)(s + len - last), last);
	for (p = s; p < last; p = e + 1) {
		e = memchr(p, '\n', (size_t)(last - p));
		printf(" | %.*s", (int)(e - p), p);
	}
	putchar('\n');
}

/* A located error of line ${n} column ${col}: on stderr, and the line's
   cannot-say result on stdout. */
static void
pf_batch_error(unsigned long n, unsigned col, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "jailnet pf: stdin:%lu:%u: %s\n", n, col, msg);
	fflush(stderr);
	printf("stdin:%lu: verdict: cannot-say (usage: %s)\n", n, msg);
}

/* The column (from 1) of the first byte of ${s} that is neither printable
   ASCII nor a tab, or 0. */
static unsigned
pf_batch_bad_byte(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '\t' && (s[i] < 0x20 || s[i] > 0x7e))
			return (unsigned)i + 1;
	return 0;
}

/*
 * --test -: each line of stdin is a test spec, evaluated from a context
 * with no states (pf_eval_reset() between lines, as each --test starts
 * afresh); blank lines and lines starting with "#" are skipped.  One line
 * out per spec (pf_batch_print()).  Return the worst verdict: cannot-say
 * for any bad line (too long, a byte that is not printable, a spec that
 * does not parse, more than PF_BATCH_LINES_MAX lines: located errors on
 * stderr), else block for any block, else pass.
 */
static int
pf_batch(const struct pf_bound *pf)
{
	struct pf_eval *ctx = pf_eval_new(pf);
	struct strbuf text = { 0 };
	char line[PF_BATCH_LINE_MAX + 2], msg[160];
	unsigned long n = 0;
	int worst = PF_VERDICT_PASS, v, c;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t len = strlen(line);
		const char *s = line;
		struct pf_test t;
		unsigned col;
		char *err = NULL;

		if (++n > PF_BATCH_LINES_MAX) {
			snprintf(msg, sizeof(msg), "more than %d lines",
			    PF_BATCH_LINES_MAX);
			pf_batch_error(n, 1, msg);
			worst = PF_VERDICT_CANNOT_SAY;
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (len > PF_BATCH_LINE_MAX) {
			/* Too long: the rest of the line is skipped. */
			while ((c = getchar()) != EOF && c != '\n')
				;
			snprintf(msg, sizeof(msg), "a line longer than %d "
			    "bytes", PF_BATCH_LINE_MAX);
			pf_batch_error(n, PF_BATCH_LINE_MAX + 1, msg);
			worst = PF_VERDICT_CANNOT_SAY;
			continue;
		}
		if ((col = pf_batch_bad_byte(line, len)) != 0) {
			pf_batch_error(n, col, "a byte that is not printable "
			    "ASCII");
			worst = PF_VERDICT_CANNOT_SAY;
			continue;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (pf_test_parse_at(line, &t, &err, &col) != 0) {
			pf_batch_error(n, col, err);
			free(err);
			worst = PF_VERDICT_CANNOT_SAY;
			continue;
		}
		pf_eval_reset(ctx);
		text.len = 0;
		if (text.s != NULL)
			text.s[0] = '\0';
		v = pf_explain_packet(ctx, &t, &text);
		pf_batch_print(n, &text);
		if (v > worst)
			worst = v;
	}
	if (ferror(stdin)) {
		fflush(stdout);
		fprintf(stderr, "jailnet pf: stdin: %s\n", strerror(errno));
		worst = PF_VERDICT_CANNOT_SAY;
	}
	strbuf_free(&text);
	pf_eval_free(ctx);
	return worst;
}

/* The nftables ruleset that makes Linux filter like the bound ${pf}. */
static int
pf_show_nft(const struct pf_bound *pf, struct strbuf *out)
{
	struct diags diags;
	int rc;

	diags_init(&diags);
	rc = pf_nft_compile(pf, out, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	return rc;
}

/* -f FILE without a site: its bare server, every remark printed. */
static struct pf_site *
pf_lone_file(const char *file)
{
	struct diags diags;
	struct pf_site *ps;

	diags_init(&diags);
	ps = pf_site_bare(file, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	return ps;
}

/*
 * -f FILE with a site: bind ${file} (read as a lone pf.conf is, beneath
 * its directory) to ${server}, or to every server of ${ps} that enables
 * pf if NULL, in place of its own pf.conf.  Return 0, or -1 with the
 * problems printed.
 */
static int
pf_rebind(struct pf_site *ps, const char *file, const char *server)
{
	struct diags diags;
	struct site *lone;
	struct source *src;
	size_t i;
	int errnum = 0, rc = 0;

	diags_init(&diags);
	if ((lone = site_bare(file, &diags)) == NULL) {
		diags_print(&diags, stderr);
		diags_free(&diags);
		return -1;
	}
	for (i = 0; i < ps->site->nservers && rc == 0; i++) {
		const struct server *s = &ps->site->servers[i];

		if ((server != NULL && !str_eq(s->name, server)) ||
		    ps->bound[i] == NULL)
			continue;
		src = fsview_read(lone->servers[0].view,
		    lone->servers[0].pf_rules, &errnum);
		if (src == NULL) {
			fprintf(stderr, "jailnet pf: -f %s: %s\n", file,
			    fsview_strerror(errnum));
			rc = -1;
			break;
		}
		pf_bound_free(ps->bound[i]);
		ps->bound[i] = pf_bind_source(ps->site, s, src, &diags);
		if (ps->bound[i] == NULL)
			rc = -1;
	}
	diags_print(&diags, stderr);
	diags_free(&diags);
	site_free(lone);
	return rc;
}

/*
 * Print what ${a} asks for about the server of ${pf}.  Return 0, or -1 on
 * failure (the reason printed to stderr); for --test, the enum pf_verdict.
 */
static int
pf_run_server(const struct pf_site *ps, const struct pf_bound *pf,
    struct pf_args *a, struct strbuf *out)
{
	switch (a->mode) {
	case PF_MODE_RULES:
		return pf_show_rules(pf, out);
	case PF_MODE_TEST:
		return pf_explain_test(pf, &a->test, out);
	case PF_MODE_BATCH:
		return pf_batch(pf);
	case PF_MODE_NFT:
		return pf_show_nft(pf, out);
	case PF_MODE_LINT:
		if (pf_show_lint(pf, out, &a->findings) != 0)
			return -1;
		return pf_show_topo(ps, pf, &a->topo, out, &a->findings);
	}
	return -1;
}

/*
 * Print "jailnet pf: MESSAGE" (${fmt} with ${arg}) and the usage to stderr;
 * if ${testing} (the command line has --test), also the verdict line.
 * Return EXIT_USAGE.
 */
static int
pf_usage(bool testing, const char *fmt, const char *arg)
{
	char msg[256], why[300];

	cli_usage("pf", CMD_PF_USAGE, fmt, arg);
	if (testing) {
		snprintf(msg, sizeof(msg), fmt, arg);
		snprintf(why, sizeof(why), "usage: %s", msg);
		pf_cannot_say(why);
	}
	return EXIT_USAGE;
}

/* Whether ${argv} asks for --test (the verdict line is owed from the start). */
static bool
pf_argv_tests(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (str_eq(argv[i], "--test"))
			return true;
	return false;
}

int
cmd_pf(int argc, char **argv)
{
	struct pf_args a;
	struct strbuf out = { 0 };
	const struct server *srv;
	const struct site *site;
	struct pf_site *ps;
	char why[300];
	bool testing = pf_argv_tests(argc, argv);
	size_t i;
	int i_arg, rc = 0, r;

	memset(&a, 0, sizeof(a));
	a.mode = PF_MODE_RULES;
	for (i_arg = 0; i_arg < argc; i_arg++) {
		const char *s = argv[i_arg];

		if (str_eq(s, "--server")) {
			if (i_arg + 1 >= argc || argv[i_arg + 1][0] == '-')
				return pf_usage(testing, "%s needs a server "
				    "name", s);
			a.server = argv[++i_arg];
		} else if (str_eq(s, "--nft")) {
			if (a.mode == PF_MODE_LINT)
				return pf_usage(testing, "%s", "--lint goes "
				    "alone, without --nft or --test");
			if (testing)
				return pf_usage(testing, "%s", "--nft and "
				    "--test exclude each other");
			a.mode = PF_MODE_NFT;
		} else if (str_eq(s, "--lint") || str_eq(s, "--lint=error")) {
			if (testing || a.mode == PF_MODE_NFT)
				return pf_usage(testing, "%s", "--lint goes "
				    "alone, without --nft or --test");
			a.mode = PF_MODE_LINT;
			a.lint_error = str_eq(s, "--lint=error");
		} else if (str_eq(s, "--test")) {
			char *err = NULL;

			if (i_arg + 1 >= argc)
				return pf_usage(testing, "%s needs a packet, "
				    "like 'in on xnic tcp from 198.51.100.7 "
				    "port 40000 to 192.0.2.155 port 443 flags "
				    "S'", s);
			if (str_eq(argv[i_arg + 1], "-")) {
				i_arg++;
				a.mode = PF_MODE_BATCH;
				continue;
			}
			if (pf_test_parse(argv[++i_arg], &a.test, &err) != 0) {
				fprintf(stderr, "jailnet pf: --test: %s\n", err);
				snprintf(why, sizeof(why), "usage: %s", err);
				free(err);
				return pf_cannot_say(why);
			}
			a.mode = PF_MODE_TEST;
		} else if (str_eq(s, "--site")) {
			if (i_arg + 1 >= argc || argv[i_arg + 1][0] == '-')
				return pf_usage(testing, "%s needs a site "
				    "directory", s);
			if (a.site != NULL)
				return pf_usage(testing, "%s", "one site only");
			a.site = argv[++i_arg];
		} else if (s[0] == '-' && s[1] != '-' && s[1] != '\0' &&
		    strspn(s + 1, "nvf") == strlen(s + 1)) {
			/* pfctl's -n, -v and -f FILE, alone or as -nvf. */
			const char *f = strchr(s, 'f');

			if (f == NULL)
				continue;
			if (f[1] != '\0' || strchr(s, 'f') != strrchr(s, 'f'))
				return pf_usage(testing, "%s: -f comes last, "
				    "once, then the file", s);
			if (i_arg + 1 >= argc)
				return pf_usage(testing, "%s needs a pf.conf "
				    "file", s);
			if (a.file != NULL)
				return pf_usage(testing, "%s", "one -f FILE "
				    "only");
			a.file = argv[++i_arg];
		} else if (s[0] == '-') {
			return pf_usage(testing, "unknown option '%s'", s);
		} else if (a.site == NULL) {
			a.site = s;
		} else {
			return pf_usage(testing, "unexpected argument '%s'", s);
		}
	}
	if (a.site == NULL && a.file == NULL)
		return pf_usage(testing, "%s", "missing the SITE directory "
		    "(or -f FILE)");
	if (a.site == NULL && a.server != NULL)
		return pf_usage(testing, "%s", "--server needs a site: a lone "
		    "pf.conf (-f FILE) has no servers");
	if (a.site == NULL && (testing || a.mode == PF_MODE_LINT))
		return pf_usage(testing, "%s", "a lone pf.conf (-f FILE) "
		    "knows no interface's addresses nor the routes that "
		    "--test and --lint decide by: give --site DIR --server "
		    "NAME");
	if (testing && a.server == NULL)
		return pf_usage(testing, "%s", "--test needs --server NAME: "
		    "each server has its own interfaces and tables");
	if (a.site == NULL)
		ps = pf_lone_file(a.file);
	else if ((ps = cli_load_site(a.site, 0)) != NULL && a.file != NULL &&
	    pf_rebind(ps, a.file, a.server) != 0) {
		pf_site_free(ps);
		ps = NULL;
	}
	if (ps == NULL)
		return testing ? pf_cannot_say("the site has errors") :
		    EXIT_INVALID;
	site = ps->site;
	if (a.site == NULL)
		a.server = site->servers[0].name;	/* the only one */
	if (cli_pick_server(site, a.server, &srv) != 0) {
		pf_site_free(ps);
		if (testing) {
			snprintf(why, sizeof(why), "usage: no server '%s'",
			    a.server);
			pf_cannot_say(why);
		}
		return EXIT_USAGE;
	}
	if (srv != NULL && pf_site_bound(ps, srv) == NULL) {
		fprintf(stderr, "jailnet pf: server %s does not enable pf "
		    "(pf_enable)\n", srv->name);
		pf_site_free(ps);
		if (testing) {
			snprintf(why, sizeof(why), "server %s does not enable "
			    "pf", srv->name);
			return pf_cannot_say(why);
		}
		return EXIT_INVALID;
	}
	if (a.mode == PF_MODE_LINT && pf_search_topo(ps, &a.topo) != 0) {
		pf_site_free(ps);
		return EXIT_INVALID;
	}
	for (i = 0; i < site->nservers && rc == 0; i++) {
		const struct server *s = &site->servers[i];

		if (srv != NULL && s != srv)
			continue;
		if (srv == NULL) {
			strbuf_addf(&out, "%s# server %s\n", i > 0 ? "\n" : "",
			    s->name);
			if (pf_site_bound(ps, s) == NULL) {
				strbuf_adds(&out, "# pf is not enabled\n");
				continue;
			}
		}
		r = pf_run_server(ps, pf_site_bound(ps, s), &a, &out);
		if (a.mode == PF_MODE_TEST || a.mode == PF_MODE_BATCH)
			rc = r;		/* one server: its verdict */
		else if (r != 0)
			rc = EXIT_INVALID;
	}
	fputs(strbuf_cstr(&out), stdout);
	strbuf_free(&out);
	topo_result_free(&a.topo);
	pf_site_free(ps);
	if (rc == 0 && a.mode == PF_MODE_LINT && a.lint_error &&
	    a.findings > 0)
		rc = EXIT_INVALID;
	return rc;
}
