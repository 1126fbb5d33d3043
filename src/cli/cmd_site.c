/* jailnet check and jailnet show: the site model, validated and shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "jail/procs.h"
#include "cli/cli.h"
#include "cli/show.h"
#include "cli/show_dot.h"

int
cmd_check(int argc, char **argv)
{
	struct cli_opts opts;
	const struct site *site;
	struct pf_site *ps;
	struct proc_list list = { 0 };
	struct diags diags;
	size_t i, k, njails = 0, npipes = 0;
	int rc;

	if (cli_parse("check", "check SITE", 0, argc, argv, &opts) != 0)
		return EXIT_USAGE;
	if ((ps = cli_load_site(opts.site, 1)) == NULL)
		return EXIT_INVALID;
	site = ps->site;
	/* The commands split as up splits them (NAME_flags included). */
	diags_init(&diags);
	rc = procs_build(site, true, &list, &diags);
	procs_free(&list);
	diags_print(&diags, stderr);
	diags_free(&diags);
	if (rc != 0) {
		pf_site_free(ps);
		return EXIT_INVALID;
	}
	for (i = 0; i < site->nservers; i++) {
		njails += site->servers[i].njails;
		for (k = 0; k < site->servers[i].njails; k++)
			npipes += site->servers[i].jails[k].npipes;
	}
	printf("%s: ok: %zu servers, %zu jails, %zu spiped pipes\n",
	    site->dir, site->nservers, njails, npipes);
	pf_site_free(ps);
	return 0;
}

#define SHOW_USAGE "show SITE [--server NAME] [--json | --dot]"

int
cmd_show(int argc, char **argv)
{
	const struct server *srv;
	struct strbuf out = { 0 }, printable = { 0 };
	struct cli_opts opts;
	const struct site *site;
	struct pf_site *ps;
	char **args;
	int i, nargs = 0, dot = 0, rc;

	/* --dot is show's own; the rest are the common options. */
	args = xcalloc((size_t)argc + 1, sizeof(*args));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--dot") == 0)
			dot = 1;
		else
			args[nargs++] = argv[i];
	}
	rc = cli_parse("show", SHOW_USAGE, CLI_SERVER | CLI_JSON, nargs, args,
	    &opts);
	free(args);
	if (rc != 0)
		return EXIT_USAGE;
	if (dot && opts.json) {
		fprintf(stderr, "jailnet show: --json and --dot exclude each "
		    "other\nusage: jailnet %s\n", SHOW_USAGE);
		return EXIT_USAGE;
	}
	if ((ps = cli_load_site(opts.site, 0)) == NULL)
		return EXIT_INVALID;
	site = ps->site;
	if (cli_pick_server(site, opts.server, &srv) != 0) {
		pf_site_free(ps);
		return EXIT_USAGE;
	}
	if (dot)
		show_dot(site, srv, &out);
	else if (opts.json)
		show_json(site, srv, &out);
	else
		show_text(site, srv, &out);
	/* Names and values come from the site's files: no control byte of
	   theirs reaches the terminal (JSON has them escaped already). */
	strbuf_add_printable(&printable, out.s != NULL ? out.s : "", out.len,
	    "\t\n");
	fputs(strbuf_cstr(&printable), stdout);
	strbuf_free(&printable);
	strbuf_free(&out);
	pf_site_free(ps);
	return 0;
}
