/*
 * cli: what the command implementations share.  Each command is a function
 * cmd_NAME(argc, argv) in its own file, given the arguments after its name;
 * it prints its output and returns the process exit status.  Only main()
 * exits.
 */
#ifndef JAILNET_CLI_H
#define JAILNET_CLI_H

#include <stdbool.h>

#include <jansson.h>

#include "model/site.h"
#include "pf/pf_site.h"

#define EXIT_INVALID 1	/* the site has errors, or the operation failed */
#define EXIT_USAGE 2	/* the command line is wrong */
#define EXIT_LOCKOUT 3	/* refused: the change would take away a way
			   of managing the servers (manage.tcp) */

/* The options most commands take; a command rejects those it does not. */
struct cli_opts {
	const char *site;	/* the SITE directory (required) */
	const char *server;	/* --server NAME */
	int json;		/* --json */
	int dry_run;		/* -n */
};

/* Which of the common options a command accepts. */
#define CLI_SERVER	0x01
#define CLI_JSON	0x02
#define CLI_DRY_RUN	0x04

/**
 * cli_parse(cmd, usage, accepted, argc, argv, opts):
 * Parse the ${argc} arguments ${argv} of command ${cmd} into ${opts}: the
 * SITE and the options of ${accepted} (CLI_*).  Return 0, or -1 after
 * printing what is wrong and ${usage} to stderr.
 */
int cli_parse(const char *cmd, const char *usage, unsigned accepted,
    int argc, char **argv, struct cli_opts *opts);

/**
 * cli_take_flag(argc, argv, flag):
 * Remove every argument equal to ${flag} from the ${argc} arguments
 * ${argv} (updating ${argc}) and return whether there was one.  For the
 * flags of one command, before cli_parse().
 */
bool cli_take_flag(int *argc, char **argv, const char *flag);

/**
 * cli_take_uint(cmd, usage, argc, argv, option, min, max, found, out):
 * Remove ${option} and the number after it from the ${argc} arguments
 * ${argv} (updating ${argc}), storing whether it was there in ${found}
 * and the number, which must be in [${min}, ${max}], in ${out}.  Return
 * 0, or EXIT_USAGE after printing what is wrong and ${usage} (the option
 * twice, without a number, or with one out of range).
 */
int cli_take_uint(const char *cmd, const char *usage, int *argc, char **argv,
    const char *option, unsigned long min, unsigned long max, bool *found,
    unsigned long *out);

/**
 * cli_usage(cmd, usage, fmt, ...):
 * Print to stderr "jailnet CMD: MESSAGE" (unless it is empty), then
 * "usage: jailnet USAGE".  Return EXIT_USAGE, for the caller to return.
 */
int cli_usage(const char *cmd, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * cli_option_value(cmd, usage, argc, argv, i, what):
 * The value of the option ${argv}[*${i}]: the next argument, which must not
 * look like an option; *${i} then indexes it.  If there is none, print
 * "jailnet CMD: OPTION needs WHAT" and ${usage} to stderr and return NULL.
 */
const char *cli_option_value(const char *cmd, const char *usage, int argc,
    char **argv, int *i, const char *what);

/**
 * cli_print_json(root):
 * Print ${root} to stdout, indented, keys in their order, and a newline;
 * the reference to ${root} is given up.
 */
void cli_print_json(json_t *root);

/**
 * cli_load_site(dir, remarks):
 * Load the site ${dir} and print its diagnostics to stderr: all of them if
 * ${remarks} is non-zero (`check`); otherwise the errors with their notes
 * and, if there are warnings, one line "N warnings: jailnet check DIR
 * lists them" (the remarks, what jailnet does differently from FreeBSD,
 * are check's too; `up` says the same in its plan).
 * Return the model with every server's pf.conf bound (pf_site.h, owned by
 * the caller), or NULL if it has errors.
 */
struct pf_site *cli_load_site(const char *dir, int remarks);

struct world;

/**
 * cli_world_new(ps):
 * The site-wide model of ${ps} (verify/world.h, owned by the caller,
 * freed with world_free()), its diagnostics printed to stderr; NULL if
 * it cannot be built.
 */
struct world *cli_world_new(const struct pf_site *ps);

/**
 * cli_pick_server(site, name, out):
 * Store in ${out} the server ${name} of ${site}, or NULL if ${name} is NULL.
 * Return 0, or -1 after printing an error if there is no such server.
 */
int cli_pick_server(const struct site *site, const char *name,
    const struct server **out);

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);

#endif
