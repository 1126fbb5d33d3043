/*
 * site_load: the driver of the loader.  site.conf first, then every
 * server's host files, then their jails, then the checks across all of
 * them.  Each step records its errors; a step runs whenever the steps it
 * rests on succeeded, so that one run reports every problem that can be
 * told apart from the consequences of another (site.h says which step
 * stops which).
 */
#include <ctype.h>
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "model/site_build.h"

struct site *
site_load_partial(const char *dir, struct diags *diags)
{
	struct site *site = xcalloc(1, sizeof(*site));
	size_t i, nerr, len = strlen(dir);
	const char *why;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	site->dir = xstrndup(dir, len);
	site->name = site_name_of(site->dir, &why);
	if (site->name == NULL) {
		struct source d = { .path = site->dir, .text = (char *)"" };

		diag_error(diags, loc_file(&d), "this directory cannot name a "
		    "site (its namespaces and /run/jailnet/NAME): %s", why);
		site_free(site);
		return NULL;
	}

	/* The servers, their NICs and networks come from site.conf. */
	if (site_conf_load(site, diags) != 0) {
		site_free(site);
		return NULL;
	}
	/*
	 * Counted over all servers: a file that every server shares reports
	 * its error once, for the first server only.
	 */
	nerr = diags->nerrors;
	for (i = 0; i < site->nservers; i++)
		server_load_host(site, &site->servers[i], diags);
	site->failed.hosts = diags->nerrors != nerr;
	nerr = diags->nerrors;
	for (i = 0; i < site->nservers; i++)
		server_load_jails(site, &site->servers[i], diags);
	site->failed.jails = diags->nerrors != nerr;
	site_conf_finish(site, diags);
	site_check(site, diags);
	return site;
}

struct site *
site_bare(const char *file, struct diags *diags)
{
	const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 :
	    file, *rel[1] = { "." };
	struct site *site;
	struct server *srv;
	size_t i, n;

	if (*base == '\0' || str_eq(base, ".") || str_eq(base, "..")) {
		struct source d = { .path = (char *)file, .text = (char *)"" };

		diag_error(diags, loc_file(&d), "not a file name");
		return NULL;
	}
	site = xcalloc(1, sizeof(*site));
	site->dir = slash == NULL ? xstrdup(".") : slash == file ?
	    xstrdup("/") : xstrndup(file, (size_t)(slash - file));
	site->name = xstrdup("pf");
	site->servers = xcalloc(1, sizeof(*site->servers));
	site->nservers = 1;
	srv = &site->servers[0];
	/* pfctl names no server: the file's stem names the nft table. */
	n = strcspn(base, ".");
	srv->name = xstrndup(base, n > 0 ? n : strlen(base));
	for (i = 0; srv->name[i] != '\0'; i++)
		if (!isalnum((unsigned char)srv->name[i]) && srv->name[i] != '-' &&
		    srv->name[i] != '_')
			srv->name[i] = '_';
	srv->view = fsview_new(site->dir, rel, 1);
	srv->overlay = xstrdup(srv->view->roots[0]);
	srv->pf_enable = true;
	srv->pf_rules = xasprintf("/%s", base);
	srv->pfil_member = true;
	srv->bare = true;
	return site;
}

struct site *
site_load(const char *dir, struct diags *diags)
{
	struct site *site = site_load_partial(dir, diags);

	if (diags_has_errors(diags)) {
		site_free(site);
		return NULL;
	}
	return site;
}
