/*
 * pf_site: a site whose servers' pf.conf files are bound to them.
 *
 * The model (model/site.h) knows nothing of pf, and pf's parser knows
 * nothing of the model; binding a server's pf.conf to its interfaces,
 * addresses, routes and table files needs both, so it happens here, in the
 * layer above the two.  Everything that needs a server's firewall (pf,
 * pfctl, the plan) takes a struct pf_site.
 *
 * Pure: reads the site's files through its views, nothing else.
 */
#ifndef JAILNET_PF_SITE_H
#define JAILNET_PF_SITE_H

#include "lib/diag.h"
#include "model/site.h"
#include "pf/pf_bind.h"

struct pf_site {
	struct site *site;		/* the model, owned */
	struct pf_bound **bound;	/* [site->nservers]: server i's
					   pf.conf bound to it if its
					   pf_enable is on, else NULL */
};

/**
 * pf_site_load(dir, diags):
 * Load the site ${dir} as site_load_partial() does, then bind the pf.conf
 * of every server whose rc.conf enables pf.  Append every problem to
 * ${diags}.  Return the result, owned by the caller and freed with
 * pf_site_free(), or NULL if any error was recorded.  pf.conf is read
 * unless site.conf's foundations, a host rc.conf or jail.conf's choice of
 * the jails' interfaces had an error (the interfaces, addresses and routes
 * it is bound to come from them); errors in a jail's rc.conf, in the rest
 * of jail.conf and in the checks across files do not stop it.
 */
struct pf_site *pf_site_load(const char *dir, struct diags *diags);

/**
 * pf_site_bare(file, diags):
 * The lone pf.conf ${file} as site_bare() sees it, bound to its bare
 * server (pf_bind()).  Return the result, owned by the caller and freed
 * with pf_site_free(), or NULL with every problem in ${diags}.
 */
struct pf_site *pf_site_bare(const char *file, struct diags *diags);

/**
 * pf_site_free(ps):
 * Free ${ps} and its site; does nothing if NULL.
 */
void pf_site_free(struct pf_site *ps);

/**
 * pf_site_bound(ps, srv):
 * Return the bound pf.conf of ${srv}, a server of ${ps}->site (still owned
 * by ${ps}), or NULL if its pf is off.
 */
const struct pf_bound *pf_site_bound(const struct pf_site *ps,
    const struct server *srv);

#endif
