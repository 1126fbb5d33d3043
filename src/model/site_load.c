/*
 * site_load: the driver of the loader.  site.conf first, then every
 * server's host files, then their jails, then the checks across all of
 * them; each step records its errors and the next runs only while there
 * are none that it would trip over.
 */
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "model/site_build.h"

struct site *
site_load(const char *dir, struct diags *diags)
{
	struct site *site = xcalloc(1, sizeof(*site));
	size_t i, len = strlen(dir);
	const char *base;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	site->dir = xstrndup(dir, len);
	base = strrchr(site->dir, '/');
	site->name = xstrdup(base ? base + 1 : site->dir);

	if (site_conf_load(site, diags) != 0)
		goto fail;
	for (i = 0; i < site->nservers; i++)
		server_load_host(site, &site->servers[i], diags);
	for (i = 0; i < site->nservers; i++)
		server_load_jails(site, &site->servers[i], diags);
	if (diags_has_errors(diags))
		goto fail;
	site_conf_finish(site, diags);
	site_check(site, diags);
	if (diags_has_errors(diags))
		goto fail;
	return site;
fail:
	site_free(site);
	return NULL;
}
