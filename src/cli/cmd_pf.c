/*
 * jailnet pf: a server's pf.conf as pfctl reads it, the model's decision
 * on a packet, and the ruleset compiled to nftables.
 */
#include "cmd_pf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "pf_bind.h"
#include "pf_eval.h"
#include "pf_nft.h"
#include "util.h"

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

/* The ruleset of ${srv} as `pfctl -o none -nvf` prints it. */
static int
pf_show_rules(const struct server *srv, struct strbuf *out)
{
	pf_print(srv->pf->rs, out);
	return 0;
}

/*
 * Follow the packet of ${t} through ${srv} with the static model and
 * explain each stage.  Return 0 if it passes, 1 if it is blocked or
 * dropped (so scripts can test reachability), -1 if the model cannot say.
 */
static int
pf_explain_test(const struct server *srv, const struct pf_test *t,
    struct strbuf *out)
{
	struct pf_eval *ctx = pf_eval_new(srv->pf);
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

/* The nftables ruleset that makes Linux filter like ${srv}'s pf. */
static int
pf_show_nft(const struct server *srv, struct strbuf *out)
{
	struct diags diags;
	int rc;

	diags_init(&diags);
	rc = pf_nft_compile(srv->pf, out, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	return rc;
}

/* Print what ${a} asks for about ${srv}.  Return 0, or -1 on failure
   (the reason printed to stderr). */
static int
pf_run_server(const struct server *srv, const struct pf_args *a,
    struct strbuf *out)
{
	if (a->mode == PF_MODE_RULES)
		return pf_show_rules(srv, out);
	if (a->mode == PF_MODE_TEST)
		return pf_explain_test(srv, &a->test, out);
	if (a->mode == PF_MODE_NFT)
		return pf_show_nft(srv, out);
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
	struct site *site;
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
	if ((site = cli_load_site(a.site, 0)) == NULL)
		return EXIT_INVALID;
	if (cli_pick_server(site, a.server, &srv) != 0) {
		site_free(site);
		return EXIT_USAGE;
	}
	if (srv != NULL && srv->pf == NULL) {
		fprintf(stderr, "jailnet pf: server %s does not enable pf "
		    "(pf_enable)\n", srv->name);
		site_free(site);
		return EXIT_INVALID;
	}
	for (i = 0; i < site->nservers && rc == 0; i++) {
		const struct server *s = &site->servers[i];

		if (srv != NULL && s != srv)
			continue;
		if (srv == NULL) {
			strbuf_addf(&out, "%s# server %s\n", i > 0 ? "\n" : "",
			    s->name);
			if (s->pf == NULL) {
				strbuf_adds(&out, "# pf is not enabled\n");
				continue;
			}
		}
		if (pf_run_server(s, &a, &out) != 0)
			rc = EXIT_INVALID;
	}
	fputs(strbuf_cstr(&out), stdout);
	strbuf_free(&out);
	site_free(site);
	return rc;
}
