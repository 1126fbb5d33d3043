/* site: the model's lookups, names and destructors (site_load.c builds it). */
#include "model/site.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site_build.h"

struct source *
site_adopt_source(struct site *site, struct source *src)
{
	*VEC_PUSH(site->sources, site->nsources, site->srccap) = src;
	return src;
}

struct source *
site_read_file(struct site *site, const struct fsview *view, const char *path,
    const char *what, struct loc at, struct diags *diags)
{
	struct source *src;
	int errnum = 0;

	if ((src = fsview_read(view, path, &errnum)) == NULL) {
		diag_error(diags, at, "cannot read %s '%s': %s", what, path,
		    fsview_strerror(errnum));
		return NULL;
	}
	return site_adopt_source(site, src);
}

static struct source *
view_reader(void *ctx, const char *path, int *errnum)
{
	return fsview_read(ctx, path, errnum);
}

int
site_eval_rcconf(struct site *site, const struct fsview *view,
    const char *path, struct rc_vars *vars, struct loc at,
    struct diags *diags)
{
	struct rc_conf *conf;
	struct source *src;
	size_t i, nerr = diags->nerrors;
	int rc;

	if ((src = site_read_file(site, view, path, "rc.conf", at,
	    diags)) == NULL)
		return -1;
	conf = rcconf_parse(src, diags);
	rc = rcconf_eval(conf, view_reader, (void *)view, vars, diags);
	rcconf_free(conf);
	/* The files read for backticks must live as long as the site. */
	for (i = 0; i < vars->nfiles; i++)
		site_adopt_source(site, vars->files[i]);
	vars->nfiles = 0;
	return rc == 0 && diags->nerrors == nerr ? 0 : -1;
}

struct rc_value *
rc_get(struct rc_vars *vars, const char *name)
{
	struct rc_value *v = rc_vars_get(vars, name);

	if (v != NULL)
		v->used = 1;
	return v;
}

int
site_word_in(const char *word, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(word, list[i]) == 0)
			return 1;
	return 0;
}

const char *
jc_one_value(const struct jc_resolved *p, struct diags *diags)
{
	if (p->nvalues != 1) {
		diag_error(diags, p->loc, "'%s' takes exactly one value",
		    p->name);
		return NULL;
	}
	return p->values[0].s;
}

struct server *
site_server(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nservers; i++)
		if (strcmp(site->servers[i].name, name) == 0)
			return &site->servers[i];
	return NULL;
}

struct iface *
server_iface(const struct server *srv, const char *name)
{
	size_t i;

	for (i = 0; i < srv->nifaces; i++)
		if (strcmp(srv->ifaces[i].name, name) == 0)
			return &srv->ifaces[i];
	return NULL;
}

struct jail *
server_jail(const struct server *srv, const char *name)
{
	size_t i;

	for (i = 0; i < srv->njails; i++)
		if (strcmp(srv->jails[i].name, name) == 0)
			return &srv->jails[i];
	return NULL;
}

const char *
server_iface_hint(const struct server *srv, const char *name, size_t jail)
{
	const char **names = xcalloc(srv->nifaces, sizeof(*names));
	const char *hint;
	size_t i, n = 0;

	for (i = 0; i < srv->nifaces; i++)
		if (jail == ALL_IFACES || srv->ifaces[i].jail == jail)
			names[n++] = srv->ifaces[i].name;
	hint = closest_word(name, names, n);
	free(names);
	return hint;
}

int
server_public_addr(const struct site *site, const struct server *srv,
    struct ipaddr *out)
{
	const struct iface *ifc;
	size_t i;

	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->kind != IFACE_NIC || ifc->naddrs == 0 ||
		    ifc->network == NO_INDEX ||
		    site->networks[ifc->network].kind != NETWORK_INTERNET)
			continue;
		*out = ifc->addrs[0].prefix.addr;
		return 0;
	}
	return -1;
}

/* Fill in the server end of ${t}: the decrypting pipe listening where its
   pipe sends; left NULL if there is none. */
static void
find_server_end(const struct site *site, struct tunnel *t)
{
	const struct pipe *q;
	size_t s, j, k;

	for (s = 0; s < site->nservers; s++)
	for (j = 0; j < site->servers[s].njails; j++)
	for (k = 0; k < site->servers[s].jails[j].npipes; k++) {
		q = &site->servers[s].jails[j].pipes[k];
		if (q->mode == PIPE_DECRYPT &&
		    q->source.port == t->pipe->target.port &&
		    ipaddr_eq(&q->source.addr, &t->pipe->target.addr)) {
			t->peer_server = &site->servers[s];
			t->peer_jail = &site->servers[s].jails[j];
			t->peer = q;
			return;
		}
	}
}

size_t
site_tunnels(const struct site *site, const struct server *only,
    struct tunnel **out)
{
	const struct server *srv;
	struct tunnel *t;
	size_t n = 0, cap = 0, s, j, k;

	*out = NULL;
	for (s = 0; s < site->nservers; s++) {
		srv = &site->servers[s];
		if (only != NULL && srv != only)
			continue;
		for (j = 0; j < srv->njails; j++)
		for (k = 0; k < srv->jails[j].npipes; k++) {
			if (srv->jails[j].pipes[k].mode != PIPE_ENCRYPT)
				continue;
			t = VEC_PUSH(*out, n, cap);
			t->server = srv;
			t->jail = &srv->jails[j];
			t->pipe = &srv->jails[j].pipes[k];
			find_server_end(site, t);
		}
	}
	return n;
}

const char *
iface_kind_name(enum iface_kind kind)
{
	switch (kind) {
	case IFACE_NIC:
		return "nic";
	case IFACE_BRIDGE:
		return "bridge";
	case IFACE_EPAIR:
		return "epair";
	}
	return "?";
}

const char *
pipe_mode_name(enum pipe_mode mode)
{
	switch (mode) {
	case PIPE_ENCRYPT:
		return "encrypt";
	case PIPE_DECRYPT:
		return "decrypt";
	}
	return "?";
}

const char *
sysvshm_name(enum sysvshm_mode mode)
{
	switch (mode) {
	case SYSV_DISABLE:
		return "disable";
	case SYSV_INHERIT:
		return "inherit";
	case SYSV_NEW:
		return "new";
	}
	return "?";
}

const char *
network_kind_name(enum network_kind kind)
{
	switch (kind) {
	case NETWORK_INTERNET:
		return "internet";
	case NETWORK_SWITCH:
		return "switch";
	}
	return "?";
}

static void
jail_fini(struct jail *j)
{
	size_t i;

	free(j->name);
	free(j->path);
	free(j->exec_start);
	free(j->exec_stop);
	free(j->hostname);
	free(j->ifaces);
	for (i = 0; i < j->npipes; i++) {
		free(j->pipes[i].name);
		free(j->pipes[i].key_path);
	}
	free(j->pipes);
	for (i = 0; i < j->nservices; i++)
		free(j->services[i].flags);
	free(j->services);
	fsview_free(j->view);
}

static void
server_fini(struct server *srv)
{
	size_t i;

	free(srv->name);
	free(srv->overlay);
	free(srv->hostname);
	for (i = 0; i < srv->nifaces; i++) {
		free(srv->ifaces[i].name);
		free(srv->ifaces[i].clone_name);
		free(srv->ifaces[i].addrs);
		free(srv->ifaces[i].linux_dev);
	}
	free(srv->ifaces);
	free(srv->lo_addrs);
	for (i = 0; i < srv->njails; i++)
		jail_fini(&srv->jails[i]);
	free(srv->jails);
	for (i = 0; i < srv->njail_list; i++)
		free(srv->jail_list[i]);
	free(srv->jail_list);
	free(srv->jail_list_locs);
	free(srv->pf_rules);
	for (i = 0; i < srv->nservices; i++)
		free(srv->services[i].flags);
	free(srv->services);
	fsview_free(srv->view);
}

void
site_free(struct site *site)
{
	size_t i, j;

	if (site == NULL)
		return;
	for (i = 0; i < site->nnetworks; i++) {
		free(site->networks[i].name);
		free(site->networks[i].routers);
		free(site->networks[i].router_locs);
	}
	free(site->networks);
	for (i = 0; i < site->nhosts; i++) {
		free(site->hosts[i].name);
		free(site->hosts[i].services);
		free(site->hosts[i].description);
		free(site->hosts[i].manage_tcp);
		fsview_free(site->hosts[i].view);
	}
	free(site->hosts);
	for (i = 0; i < site->nservices; i++) {
		free(site->services[i].name);
		free(site->services[i].command);
	}
	free(site->services);
	for (i = 0; i < site->nzones; i++) {
		for (j = 0; j < site->zones[i].nrecords; j++)
			free(site->zones[i].records[j].name);
		free(site->zones[i].name);
		free(site->zones[i].records);
	}
	free(site->zones);
	for (i = 0; i < site->nservers; i++)
		server_fini(&site->servers[i]);
	free(site->servers);
	for (i = 0; i < site->nsources; i++)
		source_free(site->sources[i]);
	free(site->sources);
	free(site->dir);
	free(site->name);
	free(site);
}

char *
site_name_of(const char *dir, const char **why)
{
	char *real = realpath(dir, NULL), *name, *slash, *p;
	size_t len;

	name = xstrdup(real != NULL ? real : dir);
	free(real);
	len = strlen(name);
	while (len > 1 && name[len - 1] == '/')
		name[--len] = '\0';
	if ((slash = strrchr(name, '/')) != NULL)
		memmove(name, slash + 1, strlen(slash + 1) + 1);
	*why = NULL;
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		*why = "the directory's name is empty, '.' or '..'";
	else if (strlen(name) > SITE_NAME_MAX)
		*why = "longer than 32 characters";
	else if (!isalnum((unsigned char)name[0]))
		*why = "it must begin with a letter or a digit";
	for (p = name; *why == NULL && *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' &&
		    *p != '-')
			*why = "only letters, digits, '.', '_' and '-'";
	if (*why != NULL) {
		free(name);
		return NULL;
	}
	return name;
}

bool
site_hostname_ok(const char *name, const char *whose, struct loc at,
    struct diags *diags)
{
	size_t len = strlen(name), i;

	if (len == 0 || len > 64) {
		diag_error(diags, at, "hostname of %s: Linux allows 1 to 64 "
		    "bytes (sethostname); it has %zu", whose, len);
		return false;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' &&
		    name[i] != '.' && name[i] != '_') {
			diag_error(diags, at, "hostname of %s: only letters, "
			    "digits, '-', '_' and '.'; byte %zu is not one",
			    whose, i + 1);
			return false;
		}
	return true;
}
