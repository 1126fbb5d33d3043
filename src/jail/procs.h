/*
 * procs: the processes of a site's jails, computed from the model: every
 * spiped pipe of a jail's rc.conf and every service it enables, and every
 * service of an outside host of site.conf, with the argument vector and
 * the view (jail_view.h) each runs in.  The supervisor (supervise.h) runs
 * them inside the namespaces of their jail's init (jail_init.h).
 *
 * Service commands of site.conf are split into words with shell-like
 * quoting (see procs_split_command()); no shell runs them.
 */
#ifndef JAILNET_PROCS_H
#define JAILNET_PROCS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "model/site.h"
#include "jail/jail_view.h"

enum proc_kind {
	PROC_PIPE,		/* a spiped pipe */
	PROC_SERVICE,		/* an enabled service: site.conf's or built in */
};

struct proc_spec {
	bool host;		/* runs on an outside host */
	char *server;		/* the server's name; "host" for an outside host */
	char *jail;		/* the jail's name, the outside host's, or
				   SITE_SERVER_SELF */
	enum proc_kind kind;
	char *name;		/* the pipe's or the service's name */
	char **argv;		/* NULL-terminated; argv[0] as written */
	size_t argc;
	char *path;		/* the program to execute: a path in the view,
				   absolute once procs_resolve() found it */
	char *netns;		/* "SITE-SERVER-JAIL", "SITE-host-HOST",
				   "SITE-SERVER" */
	char *hostname;		/* the jail's hostname */
	bool new_ipc;		/* a new IPC namespace (all but sysvshm = inherit) */
	struct jail_view *view;	/* the files it sees */
	const struct fsview *tree;	/* its jail's, server's or outside
					   host's site tree (borrowed from
					   the site) */
	long init_pid;		/* its jail's init (jail_init_bind_procs()), */
	unsigned long long init_start;	/* ... 0 until known */
	struct loc loc;		/* the pipe, the service's command, or the
				   NAME_enable of a built-in service */
	const char *package;	/* a built-in service: the Debian package
				   of its program (static), else NULL */
	const char *rundir;	/* made (0755, root's) in the jail's /run
				   before each start, or NULL (static) */
	bool oneshot;		/* runs once (supervise.h) */
	const char *files_dir;	/* a built-in whose files are this directory
				   of the jail alone (proc_marks.h), or NULL
				   (static) */
};

struct proc_list {
	struct proc_spec *procs;	/* boot order: servers, jails, pipes then services */
	size_t n, cap;
};

/**
 * procs_split_command(line, argv, argc, why):
 * Split the command line ${line} into words as sh(1) would without
 * expansions: blanks separate words, '...' is literal, "..." is literal
 * but for \" \\ \$ \` and an escaped newline, and a backslash outside
 * quotes takes the next character literally.  Store in ${argv} a
 * NULL-terminated array of ${argc} new strings (the caller frees it with
 * procs_free_argv()).  Return 0, or -1 with ${why} pointing to a static
 * sentence (unterminated quote, empty command).
 */
int procs_split_command(const char *line, char ***argv, size_t *argc,
    const char **why);

/**
 * procs_free_argv(argv):
 * Free a NULL-terminated array of strings and its strings; NULL is a no-op.
 */
void procs_free_argv(char **argv);

/**
 * procs_build(site, services, list, diags):
 * Fill ${list} (zeroed by the caller; its contents owned by it, freed with
 * procs_free()) with the processes of ${site} in boot order: if
 * ${services}, the services of each outside host that has some; then, for
 * each server, if ${services}, those its host rc.conf enables (jail
 * SITE_SERVER_SELF), and each jail's pipes and, if ${services}, its
 * enabled services.  Pipes run
 * "spiped -e|-d -s [SRC]:PORT -t [DST]:PORT -k KEY -F" with the key's
 * path in the jail (as rc.conf gives it).  A built-in service that takes
 * NAME_flags (sshd, openssh, openntpd) gets them after its command, as
 * rc.subr puts them.  Record in ${diags} a command or NAME_flags that
 * cannot be split or a key that is not in the jail's files.  Return
 * 0, or -1 if an error was recorded.  Reads the file system only to find
 * keys and make the views' paths absolute.
 */
int procs_build(const struct site *site, bool services,
    struct proc_list *list, struct diags *diags);

/**
 * procs_resolve(list, diags):
 * Find the program of every process in the view it runs in
 * (jail_view_which(): argv[0] if it contains '/', else the first
 * executable of that name in JAIL_VIEW_PATH), and store its path in the
 * view in its ${path}.  Record in ${diags}, for each one not found or not
 * executable, an error naming the service or pipe, the jail and the
 * command, with a note naming the Debian package of a built-in service.
 * Return 0, or -1 if any is missing.
 */
int procs_resolve(struct proc_list *list, struct diags *diags);

/**
 * procs_free(list):
 * Free the contents of ${list} (not ${list} itself) and zero it.
 */
void procs_free(struct proc_list *list);

/**
 * proc_kind_name(kind):
 * "pipe" or "service".
 */
const char *proc_kind_name(enum proc_kind kind);

/**
 * procs_netns_name(site, server, jail):
 * Return the name of the namespace of ${jail} (or of ${server} if NULL
 * or SITE_SERVER_SELF): "SITE-SERVER-JAIL", owned by the caller; the
 * naming of plan.h.
 */
char *procs_netns_name(const char *site, const char *server,
    const char *jail);

#endif
