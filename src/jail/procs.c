/*
 * procs: the list of processes of a site's jails.
 */
#include "jail/procs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/state.h"
#include "jail/jail_init.h"

void
procs_free_argv(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int
procs_split_command(const char *line, char ***argv_out, size_t *argc_out,
    const char **why)
{
	struct strbuf word = { 0 };
	char **argv = NULL;
	size_t argc = 0, cap = 0;
	const char *p = line;
	bool in_word = false;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		in_word = true;
		while (*p != '\0' && !is_blank(*p)) {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (end == NULL) {
					*why = "unterminated single quote";
					goto fail;
				}
				strbuf_add(&word, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					if (*p == '\0') {
						*why = "unterminated double quote";
						goto fail;
					}
					if (*p == '\\' && p[1] == '\n') {
						p++;
						continue;
					}
					if (*p == '\\' && p[1] != '\0' &&
					    strchr("\"\\$`", p[1]) != NULL)
						p++;
					strbuf_addc(&word, *p);
				}
				p++;
			} else if (*p == '\\') {
				if (p[1] == '\0') {
					*why = "backslash at the end";
					goto fail;
				}
				if (p[1] != '\n')
					strbuf_addc(&word, p[1]);
				p += 2;
			} else {
				strbuf_addc(&word, *p++);
			}
		}
		*VEC_PUSH(argv, argc, cap) = xstrdup(strbuf_cstr(&word));
		strbuf_free(&word);
		in_word = false;
	}
	(void)in_word;
	if (argc == 0) {
		*why = "empty command";
		goto fail;
	}
	*VEC_PUSH(argv, argc, cap) = NULL;
	*argv_out = argv;
	*argc_out = argc - 1;
	return 0;
fail:
	strbuf_free(&word);
	*VEC_PUSH(argv, argc, cap) = NULL;
	procs_free_argv(argv);
	return -1;
}

char *
procs_netns_name(const char *site, const char *server, const char *jail)
{
	if (jail == NULL || strcmp(jail, SITE_SERVER_SELF) == 0)
		return xasprintf("%s-%s", site, server);
	return xasprintf("%s-%s-%s", site, server, jail);
}

/* A process of jail ${j} of ${srv}, or of ${srv} itself if ${j} is NULL. */
static struct proc_spec *
add_proc(struct proc_list *list, const struct site *site,
    const struct server *srv, const struct jail *j, enum proc_kind kind,
    const char *name, struct loc loc)
{
	struct proc_spec *p = VEC_PUSH(list->procs, list->n, list->cap);
	const char *jail = j != NULL ? j->name : SITE_SERVER_SELF;
	const char *hostname;

	if (j != NULL)
		hostname = j->hostname != NULL ? j->hostname : j->name;
	else
		hostname = srv->hostname != NULL ? srv->hostname : srv->name;
	memset(p, 0, sizeof(*p));
	p->server = xstrdup(srv->name);
	p->jail = xstrdup(jail);
	p->kind = kind;
	p->name = xstrdup(name);
	p->netns = procs_netns_name(site->name, srv->name, jail);
	p->hostname = xstrdup(hostname);
	p->new_ipc = j == NULL || j->sysvshm != SYSV_INHERIT;
	p->tree = j != NULL ? j->view : srv->view;
	p->view = jail_view_new(DATA_ROOT, site->name, srv->name, jail,
	    p->tree, site->dir);
	p->loc = loc;
	return p;
}

static char *
endpoint_arg(const struct endpoint *e)
{
	char buf[IPADDR_STRLEN];

	return xasprintf("[%s]:%u", ipaddr_format(&e->addr, buf), e->port);
}

static int
add_pipe(struct proc_list *list, const struct site *site,
    const struct server *srv, const struct jail *j, const struct pipe *pp,
    struct diags *diags)
{
	struct proc_spec *p;
	char *key;
	int errnum;

	/* The jail reads it at its own path, from the site's files. */
	key = fsview_resolve(j->view, pp->key_path, &errnum);
	if (key == NULL) {
		diag_error(diags, pp->key_loc, "key %s of pipe %s of jail "
		    "%s/%s: %s", pp->key_path, pp->name, srv->name, j->name,
		    fsview_strerror(errnum));
		return -1;
	}
	free(key);
	p = add_proc(list, site, srv, j, PROC_PIPE, pp->name, pp->loc);
	p->argc = 9;
	p->argv = xcalloc(p->argc + 1, sizeof(*p->argv));
	p->argv[0] = xstrdup("spiped");
	p->argv[1] = xstrdup(pp->mode == PIPE_ENCRYPT ? "-e" : "-d");
	p->argv[2] = xstrdup("-s");
	p->argv[3] = endpoint_arg(&pp->source);
	p->argv[4] = xstrdup("-t");
	p->argv[5] = endpoint_arg(&pp->target);
	p->argv[6] = xstrdup("-k");
	p->argv[7] = xstrdup(pp->key_path);
	p->argv[8] = xstrdup("-F");
	return 0;
}

/* Split the command of ${svc} into ${argv}; record why it cannot be. */
static int
split_service(const struct service *svc, char ***argv, size_t *argc,
    struct diags *diags)
{
	const char *why;

	if (procs_split_command(svc->command, argv, argc, &why) != 0) {
		diag_error(diags, svc->command_loc, "command of service %s: "
		    "%s", svc->name, why);
		return -1;
	}
	return 0;
}

/* NAME_flags of ${es} after the built-in's ${argv}, as rc.subr puts them. */
static int
add_flags(const struct service *svc, const struct enabled_service *es,
    char ***argv, size_t *argc, struct diags *diags)
{
	char **flags;
	size_t n, i;
	const char *why;

	if (procs_split_command(es->flags, &flags, &n, &why) != 0) {
		diag_error(diags, es->flags_loc, "%s_flags: %s", svc->name,
		    why);
		procs_free_argv(*argv);
		return -1;
	}
	*argv = xrealloc(*argv, (*argc + n + 1) * sizeof(**argv));
	for (i = 0; i < n; i++)
		(*argv)[(*argc)++] = flags[i];
	(*argv)[*argc] = NULL;
	free(flags);
	return 0;
}

static int
add_service(struct proc_list *list, const struct site *site,
    const struct server *srv, const struct jail *j,
    const struct enabled_service *es, struct diags *diags)
{
	const struct service *svc = &site->services[es->service];
	struct proc_spec *p;
	char **argv;
	size_t argc;

	if (split_service(svc, &argv, &argc, diags) != 0)
		return -1;
	if (es->flags != NULL && add_flags(svc, es, &argv, &argc, diags) != 0)
		return -1;
	/* A built-in is said where this jail (or server) enables it. */
	p = add_proc(list, site, srv, j, PROC_SERVICE, svc->name,
	    svc->package != NULL ? es->loc : svc->command_loc);
	p->package = svc->package;
	p->rundir = svc->rundir;
	p->files_dir = svc->files_dir;
	p->oneshot = svc->oneshot;
	p->argv = argv;
	p->argc = argc;
	return 0;
}

/* A service of the outside host ${h}, in its own view (its site tree is
   hosts/NAME). */
static int
add_host_service(struct proc_list *list, const struct site *site,
    const struct outside_host *h, const struct service *svc,
    struct diags *diags)
{
	struct proc_spec *p;
	char **argv;
	size_t argc;

	if (split_service(svc, &argv, &argc, diags) != 0)
		return -1;
	p = VEC_PUSH(list->procs, list->n, list->cap);
	memset(p, 0, sizeof(*p));
	p->host = true;
	p->server = xstrdup(JAIL_INIT_HOST);
	p->jail = xstrdup(h->name);
	p->kind = PROC_SERVICE;
	p->name = xstrdup(svc->name);
	p->netns = procs_netns_name(site->name, JAIL_INIT_HOST, h->name);
	p->hostname = xstrdup(h->name);
	p->new_ipc = true;
	p->tree = h->view;
	p->view = jail_view_new(DATA_ROOT, site->name, JAIL_INIT_HOST,
	    h->name, h->view, site->dir);
	p->loc = svc->command_loc;
	p->argv = argv;
	p->argc = argc;
	return 0;
}

int
procs_build(const struct site *site, bool services, struct proc_list *list,
    struct diags *diags)
{
	size_t s, k, i;
	int rc = 0;

	for (s = 0; services && s < site->nhosts; s++)
		for (i = 0; i < site->hosts[s].nservices; i++)
			if (add_host_service(list, site, &site->hosts[s],
			    &site->services[site->hosts[s].services[i]],
			    diags) != 0)
				rc = -1;
	for (s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		for (i = 0; services && i < srv->nservices; i++)
			if (add_service(list, site, srv, NULL,
			    &srv->services[i], diags) != 0)
				rc = -1;
		for (k = 0; k < srv->njails; k++) {
			const struct jail *j = &srv->jails[k];

			for (i = 0; i < j->npipes; i++)
				if (add_pipe(list, site, srv, j, &j->pipes[i],
				    diags) != 0)
					rc = -1;
			for (i = 0; services && i < j->nservices; i++)
				if (add_service(list, site, srv, j,
				    &j->services[i], diags) != 0)
					rc = -1;
		}
	}
	return rc;
}

int
procs_resolve(struct proc_list *list, struct diags *diags)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < list->n; i++) {
		struct proc_spec *p = &list->procs[i];
		const char *cmd = p->argv[0];

		free(p->path);
		p->path = jail_view_which(p->view, cmd);
		if (p->path == NULL) {
			diag_error(diags, p->loc, "%s %s of %s %s/%s: "
			    "command '%s' not found%s", proc_kind_name(p->kind),
			    p->name, p->host ? "host" : "jail", p->server,
			    p->jail, cmd, strchr(cmd, '/') != NULL ?
			    " or not executable in its view" :
			    " in its view's " JAIL_VIEW_PATH);
			if (p->package != NULL)
				diag_note(diags, p->loc, "jailnet's built-in "
				    "%s is Debian's package %s: apt-get "
				    "install %s, or give site.conf a service "
				    "%s block", p->name, p->package,
				    p->package, p->name);
			rc = -1;
		}
	}
	return rc;
}

void
procs_free(struct proc_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		struct proc_spec *p = &list->procs[i];

		free(p->server);
		free(p->jail);
		free(p->name);
		procs_free_argv(p->argv);
		free(p->path);
		free(p->netns);
		free(p->hostname);
		jail_view_free(p->view);
	}
	free(list->procs);
	memset(list, 0, sizeof(*list));
}

const char *
proc_kind_name(enum proc_kind kind)
{
	switch (kind) {
	case PROC_PIPE:
		return "pipe";
	case PROC_SERVICE:
		return "service";
	}
	return "?";
}
