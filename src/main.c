/*
 * jailnet: run a FreeBSD two-server jail system on Linux.  This file only
 * reads the command line, calls the library and prints; it is the one
 * place that exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "show.h"
#include "site.h"
#include "util.h"

#define EXIT_INVALID 1	/* the site has errors */
#define EXIT_USAGE 2	/* the command line is wrong */

struct options {
	const char *site;
	const char *server;
	int json;
};

struct command {
	const char *name;
	const char *usage;
	int (*run)(const struct options *opts);
};

static int cmd_check(const struct options *opts);
static int cmd_show(const struct options *opts);

static const struct command commands[] = {
	{ "check", "check SITE", cmd_check },
	{ "show", "show SITE [--server NAME] [--json]", cmd_show },
};
#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  jailnet %s\n", commands[i].usage);
	fprintf(f, "  jailnet help\n\nSee jailnet(8): man ./doc/jailnet.8\n");
}

/* Load the site of ${opts}, printing every diagnostic to stderr. */
static struct site *
load(const struct options *opts)
{
	struct diags diags;
	struct site *site;

	diags_init(&diags);
	site = site_load(opts->site, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	return site;
}

/* The server named by --server, or NULL with a message if it is unknown. */
static int
pick_server(const struct site *site, const struct options *opts,
    const struct server **out)
{
	*out = NULL;
	if (opts->server == NULL)
		return 0;
	if ((*out = site_server(site, opts->server)) == NULL) {
		fprintf(stderr, "jailnet: --server %s: site %s has no server "
		    "'%s'\n", opts->server, site->name, opts->server);
		return -1;
	}
	return 0;
}

static int
cmd_check(const struct options *opts)
{
	struct site *site = load(opts);
	size_t i, njails = 0, npipes = 0, k;

	if (site == NULL)
		return EXIT_INVALID;
	for (i = 0; i < site->nservers; i++) {
		njails += site->servers[i].njails;
		for (k = 0; k < site->servers[i].njails; k++)
			npipes += site->servers[i].jails[k].npipes;
	}
	printf("%s: ok: %zu servers, %zu jails, %zu spiped pipes\n",
	    site->dir, site->nservers, njails, npipes);
	site_free(site);
	return 0;
}

static int
cmd_show(const struct options *opts)
{
	struct site *site = load(opts);
	const struct server *srv;
	struct strbuf out = { 0 };

	if (site == NULL)
		return EXIT_INVALID;
	if (pick_server(site, opts, &srv) != 0) {
		site_free(site);
		return EXIT_USAGE;
	}
	if (opts->json)
		show_json(site, srv, &out);
	else
		show_text(site, srv, &out);
	fputs(strbuf_cstr(&out), stdout);
	strbuf_free(&out);
	site_free(site);
	return 0;
}

/* Parse the arguments after the command into ${opts}. */
static int
parse_args(const struct command *cmd, int argc, char **argv,
    struct options *opts)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0 && cmd->run == cmd_show) {
			opts->json = 1;
		} else if (strcmp(a, "--server") == 0 &&
		    cmd->run == cmd_show) {
			if (i + 1 >= argc) {
				fprintf(stderr, "jailnet: --server needs a "
				    "server name\n");
				return -1;
			}
			opts->server = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "jailnet %s: unknown option '%s'\n",
			    cmd->name, a);
			return -1;
		} else if (opts->site == NULL) {
			opts->site = a;
		} else {
			fprintf(stderr, "jailnet %s: unexpected argument "
			    "'%s'\n", cmd->name, a);
			return -1;
		}
	}
	if (opts->site == NULL) {
		fprintf(stderr, "jailnet %s: missing the SITE directory\n"
		    "usage: jailnet %s\n", cmd->name, cmd->usage);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *names[NCOMMANDS], *hint;
	struct options opts = { 0 };
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		names[i] = commands[i].name;
		if (strcmp(argv[1], commands[i].name) == 0) {
			if (parse_args(&commands[i], argc - 2, argv + 2,
			    &opts) != 0)
				return EXIT_USAGE;
			return commands[i].run(&opts);
		}
	}
	hint = closest_word(argv[1], names, NCOMMANDS);
	if (hint != NULL)
		fprintf(stderr, "jailnet: unknown command '%s'; did you mean "
		    "'%s'?\n", argv[1], hint);
	else
		fprintf(stderr, "jailnet: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
