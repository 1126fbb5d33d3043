/* jailnet exec: a command inside a server or jail of a running site. */
#include "cmd_exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "procs.h"
#include "supervise.h"
#include "util.h"

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
	struct site *site;
	char *where, *slash, *ns, *hostname;
	bool new_ipc;
	int first = 2;

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
	site = site_load(argv[0], &diags);
	if (site == NULL)
		diags_print(&diags, stderr);
	diags_free(&diags);
	if (site == NULL)
		return EXIT_INVALID;
	where = xstrdup(argv[1]);
	if ((slash = strchr(where, '/')) != NULL)
		*slash++ = '\0';
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
	ns = procs_netns_name(site->name, srv->name, j != NULL ? j->name :
	    NULL);
	hostname = xstrdup(j != NULL ? (j->hostname != NULL ? j->hostname :
	    j->name) : (srv->hostname != NULL ? srv->hostname : srv->name));
	new_ipc = j != NULL && j->sysvshm == SYSV_NEW;
	free(where);
	if (!netns_exists(ns)) {
		fprintf(stderr, "jailnet exec: %s is not up (no namespace "
		    "%s)\n", site->name, ns);
		site_free(site);
		free(ns);
		free(hostname);
		return EXIT_INVALID;
	}
	site_free(site);
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
fail:
	free(where);
	site_free(site);
	return EXIT_INVALID;
}
