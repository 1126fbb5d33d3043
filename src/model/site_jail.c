/*
 * A server's jails: jail.conf (which jails, in which order, with which
 * interfaces) and each jail's own rc.conf (addresses, router, spiped pipes,
 * services), read in the jail's view of the files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "model/site_build.h"

/* jail.conf parameters jailnet implements, or takes as they are meant. */
static const char *const jail_params[] = {
	"path", "vnet", "vnet.interface", "sysvshm", "exec.start",
	"exec.stop", "host.hostname", "devfs_ruleset", "mount.devfs",
	"persist", "name",
};

/* jail.conf(5) parameters jailnet knows and does not implement. */
static const char *const jail_unimplemented[] = {
	"allow.chflags", "allow.mount", "allow.mount.devfs",
	"allow.mount.nullfs", "allow.mount.procfs", "allow.mount.tmpfs",
	"allow.mount.zfs", "allow.raw_sockets", "allow.set_hostname",
	"allow.socket_af", "allow.sysvipc", "allow.mlock", "allow.reserved_ports",
	"allow.unprivileged_proc_debug", "allow.nfsd", "allow.vmm",
	"children.max", "enforce_statfs", "securelevel", "mount",
	"mount.fstab", "mount.procfs", "mount.fdescfs", "exec.prestart",
	"exec.poststart", "exec.prestop", "exec.poststop", "exec.clean",
	"exec.consolelog", "exec.timeout", "exec.jail_user",
	"exec.system_user", "exec.system_jail_user", "exec.fib",
	"exec.created", "stop.timeout", "ip4", "ip4.addr", "ip6", "ip6.addr",
	"ip4.saddrsel", "interface", "depend", "osrelease", "osreldate",
	"sysvmsg", "sysvsem", "jid", "host.domainname", "host.hostuuid",
	"host.hostid", "cpuset.id", "linux", "zfs.dataset",
};

/* jail rc.conf knobs jailnet knows and does not do. */
static const char *const jail_rc_unimplemented[] = {
	"syslogd_flags", "sshd_flags", "nginx_flags", "postgresql_flags",
	"postgresql_data", "postgresql_initdb_flags", "postgresql_user",
	"postgresql_class", "node_flags", "rc_startmsgs", "clear_tmp_X",
	"cron_flags", "ipv6_defaultrouter",
};


/* Warn once per written parameter that jailnet does not take. */
static void
check_param_names(const struct jc_param *ps, size_t n, struct diags *diags)
{
	const char *hint, *name;
	size_t i;

	for (i = 0; i < n; i++) {
		name = ps[i].name;
		if (ps[i].is_var || site_word_in(name, jail_params,
		    NELEM(jail_params)))
			continue;
		/* "nopersist;" is the false form of a boolean. */
		if (str_has_prefix(name, "no") && site_word_in(name + 2,
		    jail_params, NELEM(jail_params)))
			continue;
		if (site_word_in(name, jail_unimplemented,
		    NELEM(jail_unimplemented)) || str_has_prefix(name,
		    "allow.")) {
			diag_warning(diags, ps[i].loc, "jail parameter '%s' "
			    "is not implemented by jailnet; ignored", name);
			continue;
		}
		hint = closest_word(name, jail_params, NELEM(jail_params));
		if (hint != NULL)
			diag_warning(diags, ps[i].loc, "unknown jail parameter "
			    "'%s'; did you mean '%s'?", name, hint);
		else
			diag_warning(diags, ps[i].loc, "unknown jail parameter "
			    "'%s'; ignored", name);
	}
}

/* The single value of parameter ${name}, or NULL if unset. */
static const char *
param_str(const struct jc_params *ps, const char *name, struct loc *loc,
    struct diags *diags)
{
	const struct jc_resolved *p = jc_params_get(ps, name);

	if (p == NULL)
		return NULL;
	if (loc != NULL)
		*loc = p->nvalues > 0 ? p->value_locs[0] : p->loc;
	return jc_one_value(p, diags);
}

/* Hand the interfaces of vnet.interface to jail ${ji}. */
static void
hand_over_ifaces(struct server *srv, size_t ji, const struct jc_resolved *p,
    struct diags *diags)
{
	struct jail *j = &srv->jails[ji];
	struct iface *ifc;
	const char *hint;
	size_t k;

	j->ifaces = xcalloc(p->nvalues, sizeof(*j->ifaces));
	for (k = 0; k < p->nvalues; k++) {
		const char *name = p->values[k].s;
		struct loc at = p->value_locs[k];

		if ((ifc = server_iface(srv, name)) == NULL) {
			hint = server_iface_hint(srv, name, ALL_IFACES);
			diag_error(diags, at, "vnet.interface '%s' of %s: "
			    "nothing creates an interface '%s' on server "
			    "%s%s%s%s", name, j->name, name, srv->name,
			    hint ? "; did you mean '" : "", hint ? hint : "",
			    hint ? "'?" : "");
			continue;
		}
		if (ifc->jail != NO_INDEX) {
			diag_error(diags, at, "interface '%s' is handed to "
			    "both %s and %s", name,
			    srv->jails[ifc->jail].name, j->name);
			diag_note(diags, ifc->jail_loc, "first handed over "
			    "here");
			continue;
		}
		if (ifc->bridge != NO_INDEX) {
			diag_error(diags, at, "interface '%s' is a member of "
			    "%s and cannot also be handed to %s", name,
			    srv->ifaces[ifc->bridge].name, j->name);
			diag_note(diags, ifc->member_loc, "added to the bridge "
			    "here");
			continue;
		}
		if (ifc->kind == IFACE_BRIDGE) {
			diag_error(diags, at, "bridge '%s' cannot be handed "
			    "to a jail by jailnet", name);
			continue;
		}
		if (ifc->naddrs > 0)
			diag_warning(diags, ifc->addrs[0].loc, "the host gives "
			    "'%s' an address, but it moves into %s, where "
			    "it arrives without it", name, j->name);
		ifc->jail = ji;
		ifc->jail_loc = at;
		/* Moving an interface into a vnet drops its addresses. */
		free(ifc->addrs);
		ifc->addrs = NULL;
		ifc->naddrs = 0;
		j->ifaces[j->nifaces++] = (size_t)(ifc - srv->ifaces);
	}
}

/* Parse "[ADDR]:PORT" or "ADDR:PORT" (IPv4) of a pipe end. */
static int
parse_endpoint(struct rc_value *v, struct endpoint *ep, struct diags *diags)
{
	const char *s = v->value.s, *colon;
	unsigned long port;
	char *host;
	int rc;

	ep->loc = ltext_loc(&v->value, 0, v->value.len);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':') {
			diag_error(diags, ep->loc, "'%s' is not [ADDRESS]:PORT",
			    s);
			return -1;
		}
		host = xstrndup(s + 1, (size_t)(close - s - 1));
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL) {
			diag_error(diags, ep->loc, "'%s' is not [ADDRESS]:PORT",
			    s);
			return -1;
		}
		host = xstrndup(s, (size_t)(colon - s));
	}
	rc = ipaddr_parse(host, &ep->addr);
	if (rc != 0)
		diag_error(diags, ep->loc, "'%s' is not an address; jailnet "
		    "needs addresses, not host names, for pipe ends", host);
	free(host);
	if (rc != 0)
		return -1;
	if (parse_uint(colon + 1, 1, 65535, &port) != 0) {
		diag_error(diags, ep->loc, "'%s' is not a port (1-65535)",
		    colon + 1);
		return -1;
	}
	ep->port = (unsigned)port;
	return 0;
}

/* Return 1 if jail ${ji} of ${srv} has address ${a} on one of its NICs. */
static int
jail_owns(const struct server *srv, size_t ji, const struct ipaddr *a)
{
	const struct iface *ifc;
	size_t i, k;
	struct ipaddr lo;

	ipaddr_parse("127.0.0.1", &lo);
	if (ipaddr_eq(a, &lo))
		return 1;
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->jail != ji)
			continue;
		for (k = 0; k < ifc->naddrs; k++)
			if (ipaddr_eq(&ifc->addrs[k].prefix.addr, a))
				return 1;
	}
	return 0;
}

/* The spiped pipes of jail ${ji}'s rc.conf. */
static void
load_pipes(struct site *site, struct server *srv, size_t ji,
    struct rc_vars *vars, struct diags *diags)
{
	struct jail *j = &srv->jails[ji];
	struct rc_value *list = rc_get(vars, "spiped_pipes"), *en, *v;
	struct lword *w;
	struct pipe *p;
	size_t n, i;
	char *key;
	int yes;

	en = rc_get(vars, "spiped_enable");
	if (list == NULL) {
		return;
	}
	yes = en ? rc_yesno(en->value.s) : 0;
	if (yes != 1)
		diag_warning(diags, list->name_loc, "spiped_pipes is set but "
		    "spiped_enable is not YES; the pipes will not run");
	n = ltext_split(&list->value, &w);
	j->pipes = xcalloc(n, sizeof(*j->pipes));
	for (i = 0; i < n; i++) {
		p = &j->pipes[j->npipes];
		p->name = w[i].s;
		w[i].s = NULL;
		p->loc = w[i].loc;
		j->npipes++;

		key = xasprintf("spiped_pipe_%s_mode", p->name);
		v = rc_get(vars, key);
		if (v == NULL)
			diag_error(diags, p->loc, "pipe %s has no mode (%s)",
			    p->name, key);
		else if (strcmp(v->value.s, "encrypt") == 0)
			p->mode = PIPE_ENCRYPT;
		else if (strcmp(v->value.s, "decrypt") == 0)
			p->mode = PIPE_DECRYPT;
		else
			diag_error(diags, ltext_loc(&v->value, 0,
			    v->value.len), "pipe mode must be 'encrypt' or "
			    "'decrypt'");
		free(key);

		key = xasprintf("spiped_pipe_%s_source", p->name);
		if ((v = rc_get(vars, key)) == NULL)
			diag_error(diags, p->loc, "pipe %s has no source (%s)",
			    p->name, key);
		else if (parse_endpoint(v, &p->source, diags) == 0 &&
		    !jail_owns(srv, ji, &p->source.addr)) {
			char buf[IPADDR_STRLEN];

			diag_error(diags, p->source.loc, "pipe %s listens on "
			    "%s, which %s does not own", p->name,
			    ipaddr_format(&p->source.addr, buf), j->name);
		}
		free(key);

		key = xasprintf("spiped_pipe_%s_target", p->name);
		if ((v = rc_get(vars, key)) == NULL)
			diag_error(diags, p->loc, "pipe %s has no target (%s)",
			    p->name, key);
		else
			parse_endpoint(v, &p->target, diags);
		free(key);

		key = xasprintf("spiped_pipe_%s_key", p->name);
		if ((v = rc_get(vars, key)) == NULL || v->value.len == 0) {
			diag_error(diags, p->loc, "pipe %s has no key (%s)",
			    p->name, key);
		} else {
			p->key_path = xstrdup(v->value.s);
			p->key_loc = ltext_loc(&v->value, 0, v->value.len);
			site_read_file(site, j->view, p->key_path, "key file",
			    p->key_loc, diags);
		}
		free(key);
	}
	lwords_free(w, n);
}

static void
load_jail_rc(struct site *site, struct server *srv, size_t ji,
    struct diags *diags)
{
	struct jail *j = &srv->jails[ji];
	struct rc_vars vars = { 0 };
	struct rc_value *v;
	char *where, *path;
	int errnum;

	/* A jail without rc.conf is valid: it starts with nothing set. */
	path = fsview_resolve(j->view, "/etc/rc.conf", &errnum);
	if (path == NULL && errnum == ENOENT) {
		diag_warning(diags, j->loc, "jail %s has no /etc/rc.conf; it "
		    "starts without addresses or services", j->name);
		return;
	}
	free(path);
	if (site_eval_rcconf(site, j->view, "/etc/rc.conf", &vars, j->loc,
	    diags) != 0 && vars.n == 0)
		goto out;
	if ((v = rc_get(&vars, "hostname")) != NULL) {
		char *whose = xasprintf("jail %s of server %s", j->name,
		    srv->name);

		if (site_hostname_ok(v->value.s, whose, v->value_loc, diags)) {
			free(j->hostname);
			j->hostname = xstrdup(v->value.s);
			j->hostname_loc = v->value_loc;
		}
		free(whose);
	}
	rc_apply_ifconfig(site, srv, ji, &vars, diags);
	if ((v = rc_get(&vars, "defaultrouter")) != NULL &&
	    strcasecmp(v->value.s, "NO") != 0) {
		j->defaultrouter_loc = ltext_loc(&v->value, 0, v->value.len);
		if (ipaddr_parse(v->value.s, &j->defaultrouter) != 0)
			diag_error(diags, j->defaultrouter_loc, "defaultrouter "
			    "'%s' is not an address", v->value.s);
		else
			j->has_defaultrouter = true;
	}
	load_pipes(site, srv, ji, &vars, diags);
	rc_enabled_services(site, &vars, &j->services, &j->nservices, diags);
	{
		char *whose = xasprintf("jail %s/%s", srv->name, j->name);

		rc_check_needs(site, j->view, j->services, j->nservices,
		    whose, diags);
		free(whose);
	}
	where = xasprintf("jail %s", j->name);
	rc_report_unused(site, &vars, jail_rc_unimplemented,
	    NELEM(jail_rc_unimplemented), where, diags);
	free(where);
out:
	rc_vars_free(&vars);
}

/*
 * The jail's directories in the site become layers of its file system at
 * `up`: one that is (or passes through) a symbolic link out of the site
 * would map a host directory into the jail.  A root without the
 * directory is fine (the other root, or none, provides it).
 */
static void
check_jail_dirs(const struct jail *j, struct loc at, struct diags *diags)
{
	size_t i;
	char *dir;
	int errnum;

	for (i = 0; i < j->view->nroots; i++) {
		errnum = 0;
		if ((dir = fsview_dir(j->view, i, &errnum)) != NULL) {
			free(dir);
			continue;
		}
		if (errnum != ENOENT)
			diag_error(diags, at, "directory %s%s of jail %s: %s",
			    j->view->roots[i], j->view->prefix, j->name,
			    fsview_strerror(errnum));
	}
}

/*
 * Fill jail ${ji} from its resolved jail.conf parameters.  Return the
 * number of errors recorded about the interfaces it takes (vnet and
 * vnet.interface).
 */
static size_t
load_jail_params(struct server *srv, size_t ji, const struct jc_params *ps,
    struct diags *diags)
{
	struct jail *j = &srv->jails[ji];
	const struct jc_resolved *p;
	unsigned long ruleset;
	struct loc at;
	const char *s;
	size_t nerr;

	if ((s = param_str(ps, "path", &at, diags)) == NULL) {
		diag_error(diags, j->loc, "jail %s has no path", j->name);
	} else if ((j->view = fsview_enter(srv->view, s)) == NULL) {
		diag_error(diags, at, "jail path '%s' must be a clean absolute "
		    "path", s);
	} else {
		j->path = xstrdup(s);
		check_jail_dirs(j, at, diags);
	}
	nerr = diags->nerrors;
	p = jc_params_get(ps, "vnet");
	if (p != NULL && (p->is_bool || (p->nvalues == 1 &&
	    (strcmp(p->values[0].s, "new") == 0 ||
	    rc_yesno(p->values[0].s) == 1))))
		j->vnet = true;
	else if (p != NULL && !(p->nvalues == 1 &&
	    (strcmp(p->values[0].s, "inherit") == 0 ||
	    rc_yesno(p->values[0].s) == 0)))
		diag_error(diags, p->loc, "vnet must be 'new' or 'inherit'");
	if ((p = jc_params_get(ps, "vnet.interface")) != NULL) {
		if (!j->vnet)
			diag_error(diags, p->loc, "vnet.interface needs 'vnet' "
			    "(a jail without its own network stack cannot "
			    "hold interfaces)");
		else
			hand_over_ifaces(srv, ji, p, diags);
	}
	if (!j->vnet)
		diag_error(diags, j->loc, "jail %s is not a vnet jail; jailnet "
		    "only runs vnet jails (add 'vnet;')", j->name);
	nerr = diags->nerrors - nerr;
	j->sysvshm = SYSV_DISABLE;
	if ((s = param_str(ps, "sysvshm", &at, diags)) != NULL) {
		if (strcmp(s, "new") == 0)
			j->sysvshm = SYSV_NEW;
		else if (strcmp(s, "inherit") == 0)
			j->sysvshm = SYSV_INHERIT;
		else if (strcmp(s, "disable") != 0)
			diag_error(diags, at, "sysvshm must be new, inherit or "
			    "disable");
	}
	if ((s = param_str(ps, "exec.start", &at, diags)) != NULL) {
		j->exec_start = xstrdup(s);
		if (strcmp(s, "/bin/sh /etc/rc") != 0)
			diag_warning(diags, at, "jailnet starts a jail by "
			    "applying its rc.conf, as /bin/sh /etc/rc would; "
			    "'%s' is not run", s);
	}
	if ((s = param_str(ps, "exec.stop", &at, diags)) != NULL) {
		j->exec_stop = xstrdup(s);
		if (strcmp(s, "/bin/sh /etc/rc.shutdown") != 0)
			diag_warning(diags, at, "jailnet stops a jail's "
			    "services itself; '%s' is not run", s);
	}
	if ((s = param_str(ps, "host.hostname", &at, diags)) != NULL) {
		char *whose = xasprintf("jail %s of server %s", j->name,
		    srv->name);

		if (site_hostname_ok(s, whose, at, diags))
			j->hostname = xstrdup(s);
		free(whose);
	}
	if ((s = param_str(ps, "devfs_ruleset", &at, diags)) != NULL &&
	    (parse_uint(s, 0, 65535, &ruleset) != 0 || ruleset != 4))
		diag_warning(diags, at, "every jailnet jail gets the minimal "
		    "/dev of ruleset 4 (devfsrules_jail); ruleset '%s' is not "
		    "applied", s);
	return nerr;
}

/* The jail names of ${conf}, in boot order. */
static size_t
jail_order(const struct server *srv, const struct jail_conf *conf,
    const char ***names_out, struct diags *diags)
{
	const char **names = xcalloc(conf->nblocks + srv->njail_list + 1,
	    sizeof(*names));
	size_t n = 0, i, k;

	for (i = 0; i < conf->nblocks; i++) {
		const struct jc_block *b = &conf->blocks[i];

		if (strcmp(b->name, "*") == 0 || b->kind != NULL)
			continue;
		if (b->name[0] == '-') {
			diag_error(diags, b->loc, "a jail's name cannot begin "
			    "with '-': jail(8) and jexec(8) would read it as "
			    "an option (and jailnet's '-' is the server "
			    "itself)");
			continue;
		}
		for (k = 0; k < n; k++)
			if (strcmp(names[k], b->name) == 0)
				break;
		if (k == n)
			names[n++] = b->name;
	}
	if (srv->jail_list != NULL) {
		size_t m = 0;
		const char **sel = xcalloc(srv->njail_list + 1,
		    sizeof(*sel));

		for (i = 0; i < srv->njail_list; i++) {
			for (k = 0; k < n; k++)
				if (strcmp(names[k], srv->jail_list[i]) == 0)
					break;
			if (k == n)
				diag_error(diags, srv->jail_list_locs[i],
				    "jail_list names '%s', which jail.conf "
				    "does not define", srv->jail_list[i]);
			else
				sel[m++] = names[k];
		}
		free(names);
		names = sel;
		n = m;
	}
	*names_out = names;
	return n;
}

int
server_load_jails(struct site *site, struct server *srv, struct diags *diags)
{
	size_t nerr = diags->nerrors, nifaces, n0, i, k, n;
	struct jail_conf *conf;
	const struct jc_block *blk;
	struct jc_params ps;
	const char **names;
	struct source *src;
	char *path;
	int errnum;

	/*
	 * Up to the jails' rc.conf, an error is about which interfaces the
	 * jails take (their file, its syntax, the jails, vnet.interface)
	 * unless load_jail_params() says otherwise.
	 */
	path = fsview_resolve(srv->view, "/etc/jail.conf", &errnum);
	if (path == NULL && errnum == ENOENT) {
		if (srv->jail_enable) {
			diag_error(diags, srv->loc, "server %s enables jails "
			    "but has no /etc/jail.conf", srv->name);
			site->failed.jail_ifaces = true;
		}
		return diags->nerrors == nerr ? 0 : -1;
	}
	free(path);
	src = site_read_file(site, srv->view, "/etc/jail.conf", "jail.conf",
	    srv->loc, diags);
	if (src == NULL) {
		site->failed.jail_ifaces = true;
		return -1;
	}
	conf = jailconf_parse(src, diags);
	check_param_names(conf->globals, conf->nglobals, diags);
	for (i = 0; i < conf->nblocks; i++) {
		if (conf->blocks[i].kind != NULL)
			diag_error(diags, conf->blocks[i].kind_loc, "a jail "
			    "block has one name: '%s {'",
			    conf->blocks[i].name);
		check_param_names(conf->blocks[i].params,
		    conf->blocks[i].nparams, diags);
		/*
		 * FreeBSD's jail(8) keeps each block as a jail of its own
		 * (config.c: add_jail() per block, never merged): the
		 * second of one name would fail to be created, as the
		 * first exists.  Wildcard blocks may repeat.
		 */
		for (k = 0; k < i; k++)
			if (strcmp(conf->blocks[k].name,
			    conf->blocks[i].name) == 0 &&
			    strchr(conf->blocks[i].name, '*') == NULL)
				break;
		if (k < i) {
			diag_error(diags, conf->blocks[i].loc, "jail %s is "
			    "defined twice (FreeBSD's jail(8) does not merge "
			    "the blocks: it would try to create a second jail "
			    "of that name)", conf->blocks[i].name);
			diag_note(diags, conf->blocks[k].loc, "first defined "
			    "here");
		}
	}
	n = jail_order(srv, conf, &names, diags);
	nifaces = diags->nerrors - nerr;
	srv->jails = xcalloc(n, sizeof(*srv->jails));
	for (i = 0; i < n; i++) {
		struct jail *j = &srv->jails[srv->njails++];

		for (k = 0; k < conf->nblocks; k++)
			if (strcmp(conf->blocks[k].name, names[i]) == 0)
				break;
		blk = &conf->blocks[k];
		j->name = xstrdup(names[i]);
		j->loc = blk->loc;
		memset(&ps, 0, sizeof(ps));
		/* A parameter that cannot be resolved may be vnet.interface. */
		n0 = diags->nerrors;
		jailconf_resolve(conf, blk, &ps, diags);
		nifaces += diags->nerrors - n0;
		nifaces += load_jail_params(srv, srv->njails - 1, &ps,
		    diags);
		jc_params_free(&ps);
		if (j->hostname == NULL)
			j->hostname = xstrdup(j->name);
	}
	free(names);
	jailconf_free(conf);
	if (nifaces > 0)
		site->failed.jail_ifaces = true;
	/* Only now that every jail holds its interfaces. */
	for (i = 0; i < srv->njails; i++)
		if (srv->jails[i].view != NULL)
			load_jail_rc(site, srv, i, diags);
	return diags->nerrors == nerr ? 0 : -1;
}
