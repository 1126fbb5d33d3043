/* jailnet exec: a command inside a server or jail of a running site. */
#include "cli/cmd_exec.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/netns.h"
#include "kernel/state.h"
#include "jail/jail_init.h"
#include "jail/procs.h"
#include "jail/supervise.h"
#include "cli/cli.h"

static pid_t child_pid;

/* Pass SIGTERM and SIGHUP on to the command. */
static void
forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/*
 * Run ${argv} in the jail whose init ${site} records for ${host},
 * ${server}, ${name}: fork into its namespaces, wait, return the
 * command's exit status (128 + N if killed by signal N).
 */
static int
exec_in_jail(const char *site, bool host, const char *server,
    const char *name, char **argv)
{
	const struct state_init *in;
	struct sigaction sa;
	struct state *st;
	struct nl_error err;
	struct jail_ns ns;
	int status;
	pid_t pid;

	if (state_read(STATE_ROOT, site, &st, &err) != 0) {
		fprintf(stderr, "jailnet exec: %s\n", err.msg);
		return EXIT_INVALID;
	}
	in = state_find_init(st, host, server, name);
	if (in == NULL || jail_ns_open((pid_t)in->pid, in->start, &ns,
	    &err) != 0) {
		fprintf(stderr, "jailnet exec: %s is not up (%s %s%s%s has no "
		    "running init)\n", site, host ? "host" : "jail",
		    host ? "" : server, host ? "" : "/", name);
		state_close(st);
		return EXIT_INVALID;
	}
	state_close(st);
	fflush(NULL);
	if ((pid = jail_ns_fork(&ns, &err)) < 0) {
		fprintf(stderr, "jailnet exec: %s\n", err.msg);
		jail_ns_close(&ns);
		return EXIT_INVALID;
	}
	if (pid == 0) {
		jail_ns_close(&ns);
		setenv("PATH", JAIL_VIEW_PATH, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "jailnet exec: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	jail_ns_close(&ns);
	/* The terminal's ^C and ^\ reach the command's process group. */
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "jailnet exec: wait: %s\n",
			    strerror(errno));
			return EXIT_INVALID;
		}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int
usage(const char *why)
{
	fprintf(stderr, "jailnet exec: %s\nusage: jailnet %s\n", why,
	    CMD_EXEC_USAGE);
	return EXIT_USAGE;
}

int
cmd_exec(int argc, char **argv)
{
	const struct server *srv;
	const struct jail *j = NULL;
	struct nl_error err;
	struct diags diags;
	const struct site *site;
	struct pf_site *ps;
	char *where, *slash, *ns, *hostname, *name;
	bool new_ipc;
	int first = 2, rc;
	size_t h;

	if (argc < 3)
		return usage("needs SITE, SERVER[/JAIL] and a command");
	if (strcmp(argv[2], "--") == 0)
		first = 3;
	if (first >= argc)
		return usage("no command to run");
	if (argv[0][0] == '-' || argv[1][0] == '-')
		return usage("options come after SERVER[/JAIL] and --");
	/* Only errors: the notes of every load would drown CMD's output. */
	diags_init(&diags);
	ps = pf_site_load(argv[0], &diags);
	if (ps == NULL)
		diags_print(&diags, stderr);
	diags_free(&diags);
	if (ps == NULL)
		return EXIT_INVALID;
	site = ps->site;
	where = xstrdup(argv[1]);
	if ((slash = strchr(where, '/')) != NULL)
		*slash++ = '\0';
	/* host/NAME: an outside host, unless a server is called "host". */
	if (slash != NULL && strcmp(where, JAIL_INIT_HOST) == 0 &&
	    site_server(site, where) == NULL) {
		for (h = 0; h < site->nhosts; h++)
			if (strcmp(site->hosts[h].name, slash) == 0)
				break;
		if (h == site->nhosts) {
			fprintf(stderr, "jailnet exec: site %s has no outside "
			    "host '%s'\n", site->name, slash);
			goto fail;
		}
		if (site->hosts[h].nservices > 0) {
			name = xstrdup(site->name);
			rc = exec_in_jail(name, true, NULL, slash,
			    argv + first);
			free(name);
			goto done;
		}
		ns = procs_netns_name(site->name, JAIL_INIT_HOST, slash);
		hostname = xstrdup(slash);
		new_ipc = false;
		goto enter;
	}
	if ((srv = site_server(site, where)) == NULL) {
		fprintf(stderr, "jailnet exec: site %s has no server '%s'\n",
		    site->name, where);
		goto fail;
	}
	if (slash != NULL && (j = server_jail(srv, slash)) == NULL) {
		fprintf(stderr, "jailnet exec: server %s has no jail '%s'\n",
		    srv->name, slash);
		goto fail;
	}
	if (j != NULL) {
		rc = exec_in_jail(site->name, false, srv->name, j->name,
		    argv + first);
		goto done;
	}
	/* A server: its network namespace, a UTS namespace of its own. */
	ns = procs_netns_name(site->name, srv->name, NULL);
	hostname = xstrdup(srv->hostname != NULL ? srv->hostname : srv->name);
	new_ipc = false;
enter:
	free(where);
	if (!netns_exists(ns)) {
		fprintf(stderr, "jailnet exec: %s is not up (no namespace "
		    "%s)\n", site->name, ns);
		pf_site_free(ps);
		free(ns);
		free(hostname);
		return EXIT_INVALID;
	}
	pf_site_free(ps);
	if (supervise_enter(ns, hostname, new_ipc, &err) != 0) {
		fprintf(stderr, "jailnet exec: %s\n", err.msg);
		free(ns);
		free(hostname);
		return EXIT_INVALID;
	}
	free(ns);
	free(hostname);
	fflush(NULL);
	execvp(argv[first], argv + first);
	fprintf(stderr, "jailnet exec: %s: %s\n", argv[first],
	    strerror(errno));
	return 127;
done:
	free(where);
	pf_site_free(ps);
	return rc;
fail:
	free(where);
	pf_site_free(ps);
	return EXIT_INVALID;
}
