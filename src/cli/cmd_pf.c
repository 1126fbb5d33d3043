/*
 * jailnet pf: a server's pf.conf as pfctl reads it, the model's decision
 * on a packet, and the ruleset compiled to nftables.
 */
#include "cli/cmd_pf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "pf/pf_nft.h"
#include "pf/pf_site.h"
#include "cli/cli.h"

/* jailnet pf */

/* What `jailnet pf` prints for each server. */
enum pf_mode {
	PF_MODE_RULES,		/* the ruleset, as pfctl -nv */
	PF_MODE_TEST,		/* --test SPEC: what the model does with it */
	PF_MODE_NFT,		/* --nft: the nftables ruleset for Linux */
};

struct pf_args {
	const char *site;
	const char *server;
	enum pf_mode mode;
	struct pf_test test;	/* PF_MODE_TEST */
};

/* The ruleset ${pf} as `pfctl -o none -nvf` prints it. */
static int
pf_show_rules(const struct pf_bound *pf, struct strbuf *out)
{
	pf_print(pf->rs, out);
	return 0;
}

/*
 * Follow the packet of ${t} through the server of ${pf} with the static
 * model and
 * explain each stage.  Return 0 if it passes, 1 if it is blocked or
 * dropped (so scripts can test reachability), -1 if the model cannot say.
 */
static int
pf_explain_test(const struct pf_bound *pf, const struct pf_test *t,
    struct strbuf *out)
{
	struct pf_eval *ctx = pf_eval_new(pf);
	struct pf_eval_result res;
	int rc;

	rc = pf_eval_packet(ctx, t->in_ifname[0] ? t->in_ifname : NULL,
	    t->out_member[0] ? t->out_member : NULL, &t->pkt, 0, &res);
	pf_eval_explain(&res, out);
	pf_eval_free(ctx);
	if (rc != 0)
		return -1;
	return res.fate == PF_FATE_BLOCKED || res.fate == PF_FATE_DROPPED;
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

/* Print what ${a} asks for about the server of ${pf}.  Return 0, or -1 on failure
   (the reason printed to stderr). */
static int
pf_run_server(const struct pf_bound *pf, const struct pf_args *a,
    struct strbuf *out)
{
	if (a->mode == PF_MODE_RULES)
		return pf_show_rules(pf, out);
	if (a->mode == PF_MODE_TEST)
		return pf_explain_test(pf, &a->test, out);
	if (a->mode == PF_MODE_NFT)
		return pf_show_nft(pf, out);
	return -1;
}

static int
pf_usage(const char *fmt, const char *arg)
{
	return cli_usage("pf", CMD_PF_USAGE, fmt, arg);
}

int
cmd_pf(int argc, char **argv)
{
	struct pf_args a;
	struct strbuf out = { 0 };
	const struct server *srv;
	const struct site *site;
	struct pf_site *ps;
	size_t i;
	int i_arg, rc = 0;

	memset(&a, 0, sizeof(a));
	a.mode = PF_MODE_RULES;
	for (i_arg = 0; i_arg < argc; i_arg++) {
		const char *s = argv[i_arg];

		if (str_eq(s, "--server")) {
			if (i_arg + 1 >= argc || argv[i_arg + 1][0] == '-')
				return pf_usage("%s needs a server name", s);
			a.server = argv[++i_arg];
		} else if (str_eq(s, "--nft")) {
			a.mode = PF_MODE_NFT;
		} else if (str_eq(s, "--test")) {
			char *err = NULL;

			if (i_arg + 1 >= argc)
				return pf_usage("%s needs a packet, like 'in on "
				    "xnic tcp from 198.51.100.7 port 40000 to "
				    "192.0.2.155 port 443 flags S'", s);
			if (pf_test_parse(argv[++i_arg], &a.test, &err) != 0) {
				fprintf(stderr, "jailnet pf: --test: %s\n", err);
				free(err);
				return EXIT_USAGE;
			}
			a.mode = PF_MODE_TEST;
		} else if (str_eq(s, "-n") || str_eq(s, "-v") ||
		    str_eq(s, "-nv") || str_eq(s, "-vn")) {
			continue;	/* pfctl's words for what pf does */
		} else if (s[0] == '-') {
			return pf_usage("unknown option '%s'", s);
		} else if (a.site == NULL) {
			a.site = s;
		} else {
			return pf_usage("unexpected argument '%s'", s);
		}
	}
	if (a.site == NULL)
		return pf_usage("%s", "missing the SITE directory");
	if (a.mode == PF_MODE_TEST && a.server == NULL)
		return pf_usage("%s", "--test needs --server NAME: each server "
		    "has its own interfaces and tables");
	if ((ps = cli_load_site(a.site, 0)) == NULL)
		return EXIT_INVALID;
	site = ps->site;
	if (cli_pick_server(site, a.server, &srv) != 0) {
		pf_site_free(ps);
		return EXIT_USAGE;
	}
	if (srv != NULL && pf_site_bound(ps, srv) == NULL) {
		fprintf(stderr, "jailnet pf: server %s does not enable pf "
		    "(pf_enable)\n", srv->name);
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
		if (pf_run_server(pf_site_bound(ps, s), &a, &out) != 0)
			rc = EXIT_INVALID;
	}
	fputs(strbuf_cstr(&out), stdout);
	strbuf_free(&out);
	pf_site_free(ps);
	return rc;
}
