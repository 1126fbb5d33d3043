/* pf_site: the site model and every server's bound pf.conf. */
#include <stdlib.h>

#include "lib/util.h"
#include "pf/pf_site.h"

struct pf_site *
pf_site_load(const char *dir, struct diags *diags)
{
	struct pf_site *ps;
	struct site *site;
	size_t i;

	if ((site = site_load_partial(dir, diags)) == NULL)
		return NULL;
	ps = xcalloc(1, sizeof(*ps));
	ps->site = site;
	ps->bound = xcalloc(site->nservers + 1, sizeof(*ps->bound));
	/*
	 * pf.conf is read against each server's interfaces and files: the
	 * host rc.conf makes them and jail.conf takes some away; nothing
	 * else that the loader may have failed on matters to it.
	 */
	for (i = 0; i < site->nservers; i++)
		if (site->servers[i].pf_enable && !site->failed.hosts &&
		    !site->failed.jail_ifaces)
			ps->bound[i] = pf_bind(site, &site->servers[i], diags);
	if (diags_has_errors(diags)) {
		pf_site_free(ps);
		return NULL;
	}
	return ps;
}

struct pf_site *
pf_site_bare(const char *file, struct diags *diags)
{
	struct pf_site *ps;
	struct site *site;

	if ((site = site_bare(file, diags)) == NULL)
		return NULL;
	ps = xcalloc(1, sizeof(*ps));
	ps->site = site;
	ps->bound = xcalloc(2, sizeof(*ps->bound));
	ps->bound[0] = pf_bind(site, &site->servers[0], diags);
	if (ps->bound[0] == NULL) {
		pf_site_free(ps);
		return NULL;
	}
	return ps;
}

void
pf_site_free(struct pf_site *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->site->nservers; i++)
		pf_bound_free(ps->bound[i]);
	free(ps->bound);
	site_free(ps->site);
	free(ps);
}

const struct pf_bound *
pf_site_bound(const struct pf_site *ps, const struct server *srv)
{
	size_t i = (size_t)(srv - ps->site->servers);

	return i < ps->site->nservers ? ps->bound[i] : NULL;
}
