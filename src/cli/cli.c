#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "verify/world.h"

int
cli_parse(const char *cmd, const char *usage, unsigned accepted, int argc,
    char **argv, struct cli_opts *opts)
{
	int i;

	memset(opts, 0, sizeof(*opts));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0 && (accepted & CLI_JSON)) {
			opts->json = 1;
		} else if (strcmp(a, "-n") == 0 && (accepted & CLI_DRY_RUN)) {
			opts->dry_run = 1;
		} else if (strcmp(a, "--server") == 0 &&
		    (accepted & CLI_SERVER)) {
			opts->server = cli_option_value(cmd, usage, argc,
			    argv, &i, "a server name");
			if (opts->server == NULL)
				return -1;
		} else if (a[0] == '-') {
			fprintf(stderr, "jailnet %s: unknown option '%s'\n",
			    cmd, a);
			goto usage;
		} else if (opts->site == NULL) {
			opts->site = a;
		} else {
			fprintf(stderr, "jailnet %s: unexpected argument "
			    "'%s'\n", cmd, a);
			goto usage;
		}
	}
	if (opts->site != NULL)
		return 0;
	fprintf(stderr, "jailnet %s: missing the SITE directory\n", cmd);
usage:
	fprintf(stderr, "usage: jailnet %s\n", usage);
	return -1;
}

bool
cli_take_flag(int *argc, char **argv, const char *flag)
{
	bool found = false;
	int i, k;

	for (i = k = 0; i < *argc; i++) {
		if (strcmp(argv[i], flag) == 0)
			found = true;
		else
			argv[k++] = argv[i];
	}
	*argc = k;
	return found;
}

struct world *
cli_world_new(const struct pf_site *ps)
{
	struct diags diags;
	struct world *w;

	diags_init(&diags);
	w = world_new(ps, &diags);
	diags_print(&diags, stderr);
	diags_free(&diags);
	return w;
}

int
cli_take_uint(const char *cmd, const char *usage, int *argc, char **argv,
    const char *option, unsigned long min, unsigned long max, bool *found,
    unsigned long *out)
{
	int i, k;

	*found = false;
	for (i = k = 0; i < *argc; i++) {
		if (strcmp(argv[i], option) != 0) {
			argv[k++] = argv[i];
			continue;
		}
		if (*found)
			return cli_usage(cmd, usage, "%s given twice", option);
		*found = true;
		if (i + 1 >= *argc)
			return cli_usage(cmd, usage, "%s needs a number from "
			    "%lu to %lu", option, min, max);
		if (parse_uint(argv[i + 1], min, max, out) != 0)
			return cli_usage(cmd, usage, "%s: expected a number "
			    "from %lu to %lu", option, min, max);
		i++;
	}
	*argc = k;
	return 0;
}

struct pf_site *
cli_load_site(const char *dir, int remarks)
{
	struct diags diags;
	struct pf_site *ps;

	diags_init(&diags);
	ps = pf_site_load(dir, &diags);
	if (remarks) {
		diags_print(&diags, stderr);
	} else {
		/* Warnings are check's to list; the others say they exist. */
		diags_print_errors(&diags, stderr);
		if (diags.nwarnings > 0)
			fprintf(stderr, "%zu warning%s: jailnet check %s lists "
			    "them\n", diags.nwarnings,
			    diags.nwarnings == 1 ? "" : "s", dir);
	}
	diags_free(&diags);
	return ps;
}

int
cli_pick_server(const struct site *site, const char *name,
    const struct server **out)
{
	*out = NULL;
	if (name == NULL)
		return 0;
	if ((*out = site_server(site, name)) == NULL) {
		fprintf(stderr, "jailnet: --server %s: site %s has no server "
		    "'%s'\n", name, site->name, name);
		return -1;
	}
	return 0;
}

const char *
cli_option_value(const char *cmd, const char *usage, int argc, char **argv,
    int *i, const char *what)
{
	if (*i + 1 >= argc || argv[*i + 1][0] == '-') {
		cli_usage(cmd, usage, "%s needs %s", argv[*i], what);
		return NULL;
	}
	return argv[++*i];
}

int
cli_usage(const char *cmd, const char *usage, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (msg[0] != '\0')
		fprintf(stderr, "jailnet %s: %s\n", cmd, msg);
	fprintf(stderr, "usage: jailnet %s\n", usage);
	return EXIT_USAGE;
}

void
cli_print_json(json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (text != NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
	}
	free(text);
	json_decref(root);
}
