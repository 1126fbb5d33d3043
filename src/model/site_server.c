/*
 * A server's host rc.conf: what FreeBSD's rc.d/netif and friends would make
 * of it.  Cloned interfaces are created, then renamed (ifconfig_X_name),
 * then configured under their final names (ifconfig_NAME), as rc.d does.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "conf/ifconfig.h"
#include "model/site_build.h"

/* rc.conf knobs of the base system that jailnet knows and does not do. */
static const char *const host_unimplemented[] = {
	"sshd_flags", "ntpd_flags", "syslogd_flags", "dumpdev", "kld_list",
	"keymap", "pf_flags", "pflog_logfile", "jail_parallel_start",
	"cloned_interfaces_sticky", "ipv6_activate_all_interfaces",
	"ipv6_defaultrouter", "static_routes", "devfs_system_ruleset",
	"rc_startmsgs", "background_fsck", "fsck_y_enable", "zfs_enable",
	"ifconfig_DEFAULT", "jail_conf", "moused_nondefault_enable",
};

static struct iface *
new_iface(struct server *srv, const char *name, enum iface_kind kind,
    struct loc loc)
{
	struct iface *ifc = VEC_PUSH(srv->ifaces, srv->nifaces, srv->ifcap);

	ifc->name = xstrdup(name);
	ifc->clone_name = xstrdup(name);
	ifc->kind = kind;
	ifc->loc = loc;
	ifc->peer = ifc->bridge = ifc->jail = ifc->network = NO_INDEX;
	return ifc;
}

/* Create what cloned_interfaces lists: bridgeN, and epairN as two halves. */
static void
create_clones(struct server *srv, struct rc_vars *vars, struct diags *diags)
{
	struct rc_value *v = rc_get(vars, "cloned_interfaces");
	struct lword *w;
	unsigned long unit;
	size_t n, i, a;
	char *name;

	if (v == NULL)
		return;
	n = ltext_split(&v->value, &w);
	for (i = 0; i < n; i++) {
		const char *digits = w[i].s + strspn(w[i].s,
		    "abcdefghijklmnopqrstuvwxyz");
		size_t typelen = (size_t)(digits - w[i].s);

		if (parse_uint(digits, 0, 32767, &unit) != 0) {
			diag_error(diags, w[i].loc, "'%s' is not a cloned "
			    "interface name (like bridge0 or epair3)",
			    w[i].s);
			continue;
		}
		if (typelen == 6 && strncmp(w[i].s, "bridge", 6) == 0) {
			if (server_iface(srv, w[i].s) != NULL) {
				diag_error(diags, w[i].loc, "'%s' is cloned "
				    "twice", w[i].s);
				continue;
			}
			new_iface(srv, w[i].s, IFACE_BRIDGE, w[i].loc);
		} else if (typelen == 5 && strncmp(w[i].s, "epair", 5) == 0) {
			name = xasprintf("%sa", w[i].s);
			if (server_iface(srv, name) != NULL) {
				diag_error(diags, w[i].loc, "'%s' is cloned "
				    "twice", w[i].s);
				free(name);
				continue;
			}
			a = srv->nifaces;
			new_iface(srv, name, IFACE_EPAIR, w[i].loc);
			name[strlen(name) - 1] = 'b';
			new_iface(srv, name, IFACE_EPAIR, w[i].loc);
			free(name);
			srv->ifaces[a].epair_unit = (unsigned)unit;
			srv->ifaces[a].epair_side = 'a';
			srv->ifaces[a].peer = a + 1;
			srv->ifaces[a + 1].epair_unit = (unsigned)unit;
			srv->ifaces[a + 1].epair_side = 'b';
			srv->ifaces[a + 1].peer = a;
		} else {
			diag_error(diags, w[i].loc, "cloning '%.*s' interfaces "
			    "is not supported by jailnet (bridge and epair "
			    "are)", (int)typelen, w[i].s);
		}
	}
	lwords_free(w, n);
}

/* The interface called ${name}, or a helpful error at ${at}. */
static struct iface *
find_iface_or_report(struct server *srv, const char *name, struct loc at,
    const char *what, struct diags *diags)
{
	const char *hint;
	struct iface *ifc;
	size_t i;

	if ((ifc = server_iface(srv, name)) != NULL)
		return ifc;
	for (i = 0; i < srv->nifaces; i++) {
		ifc = &srv->ifaces[i];
		if (ifc->clone_name != NULL &&
		    strcmp(ifc->clone_name, name) == 0) {
			diag_error(diags, at, "%s: '%s' was renamed to '%s'",
			    what, name, ifc->name);
			diag_note(diags, ifc->rename_loc, "renamed here");
			return NULL;
		}
	}
	hint = server_iface_hint(srv, name, ALL_IFACES);
	if (hint != NULL)
		diag_error(diags, at, "%s: no interface '%s' on server %s; did "
		    "you mean '%s'?", what, name, srv->name, hint);
	else
		diag_error(diags, at, "%s: no interface '%s' on server %s",
		    what, name, srv->name);
	return NULL;
}

/* Give ${ifc} the name ${newname} (from ${v}), checking for clashes. */
static void
rename_iface(struct server *srv, struct iface *ifc, const char *newname,
    struct loc at, struct diags *diags)
{
	struct iface *other = server_iface(srv, newname);

	if (ifc->rename_loc.src != NULL) {
		diag_error(diags, at, "'%s' is renamed twice", ifc->clone_name
		    ? ifc->clone_name : ifc->name);
		diag_note(diags, ifc->rename_loc, "first renamed here");
		return;
	}
	if (other != NULL && other != ifc) {
		diag_error(diags, at, "the name '%s' is already taken by %s",
		    newname, other->clone_name ? other->clone_name :
		    other->name);
		if (other->rename_loc.src != NULL)
			diag_note(diags, other->rename_loc, "named here");
		return;
	}
	if (newname[0] == '\0' || strlen(newname) >= 16 ||
	    strpbrk(newname, " /:\t") != NULL) {
		diag_error(diags, at, "'%s' is not a valid interface name "
		    "(1 to 15 characters, no '/', ':' or space)", newname);
		return;
	}
	free(ifc->name);
	ifc->name = xstrdup(newname);
	ifc->rename_loc = at;
}

/* Apply every ifconfig_X_name of ${vars}, in rc.conf order. */
static void
apply_renames(struct server *srv, struct rc_vars *vars, struct diags *diags)
{
	struct rc_value *v;
	struct iface *ifc;
	struct lword *w;
	size_t i, n, len;
	char *ifname;

	for (i = 0; i < vars->n; i++) {
		v = &vars->v[i];
		len = strlen(v->name);
		if (!str_has_prefix(v->name, "ifconfig_") ||
		    !str_has_suffix(v->name, "_name") || len <= 14)
			continue;
		v->used = 1;
		ifname = xstrndup(v->name + 9, len - 14);
		n = ltext_split(&v->value, &w);
		if (n != 1) {
			diag_error(diags, v->value_loc, "'%s' takes one new "
			    "interface name", v->name);
		} else if ((ifc = server_iface(srv, ifname)) == NULL) {
			if (str_has_prefix(ifname, "epair") ||
			    str_has_prefix(ifname, "bridge"))
				diag_error(diags, v->name_loc, "'%s' renames "
				    "'%s', which cloned_interfaces does not "
				    "create", v->name, ifname);
			else
				find_iface_or_report(srv, ifname, v->name_loc,
				    v->name, diags);
		} else if (ifc->rename_loc.src != NULL ||
		    ifc->clone_name == NULL ||
		    strcmp(ifc->clone_name, ifname) == 0) {
			rename_iface(srv, ifc, w[0].s, w[0].loc, diags);
		} else {
			diag_error(diags, v->name_loc, "'%s' renames '%s', "
			    "which is already the new name of %s; rename %s "
			    "once", v->name, ifname, ifc->clone_name,
			    ifc->clone_name);
		}
		lwords_free(w, n);
		free(ifname);
	}
}

/* Set a switch like gateway_enable from ${vars}; report a bad value. */
static void
rc_switch(struct rc_vars *vars, const char *name, bool *out,
    struct diags *diags)
{
	struct rc_value *v = rc_get(vars, name);
	int yes;

	if (v == NULL)
		return;
	if ((yes = rc_yesno(v->value.s)) < 0) {
		diag_error(diags, v->value_loc, "'%s' must be YES or NO, not "
		    "'%s'", name, v->value.s);
		return;
	}
	*out = yes;
}

/* Parse defaultrouter of ${vars} into ${addr}; return 1 if set. */
static int
rc_defaultrouter(struct rc_vars *vars, struct ipaddr *addr, struct loc *loc,
    struct diags *diags)
{
	struct rc_value *v = rc_get(vars, "defaultrouter");

	if (v == NULL || strcasecmp(v->value.s, "NO") == 0)
		return 0;
	*loc = ltext_loc(&v->value, 0, v->value.len);
	if (ipaddr_parse(v->value.s, addr) != 0) {
		diag_error(diags, *loc, "defaultrouter '%s' is not an "
		    "address", v->value.s);
		return 0;
	}
	return 1;
}

int
server_load_host(struct site *site, struct server *srv, struct diags *diags)
{
	size_t nerr = diags->nerrors, n, i;
	struct rc_vars vars = { 0 };
	struct rc_value *v;
	struct lword *w;

	if (site_eval_rcconf(site, srv->view, "/etc/rc.conf", &vars,
	    srv->loc, diags) != 0 && vars.n == 0)
		goto out;
	if ((v = rc_get(&vars, "hostname")) != NULL) {
		char *whose = xasprintf("server %s", srv->name);

		if (site_hostname_ok(v->value.s, whose, v->value_loc, diags))
			srv->hostname = xstrdup(v->value.s);
		free(whose);
	}
	create_clones(srv, &vars, diags);
	apply_renames(srv, &vars, diags);
	rc_apply_ifconfig(site, srv, NO_INDEX, &vars, diags);
	srv->has_defaultrouter = rc_defaultrouter(&vars, &srv->defaultrouter,
	    &srv->defaultrouter_loc, diags);
	rc_switch(&vars, "gateway_enable", &srv->gateway_enable, diags);
	rc_switch(&vars, "pf_enable", &srv->pf_enable, diags);
	rc_switch(&vars, "jail_enable", &srv->jail_enable, diags);
	rc_switch(&vars, "jail_reverse_stop", &srv->jail_reverse_stop, diags);
	v = rc_get(&vars, "pf_rules");
	srv->pf_rules = xstrdup(v ? v->value.s : "/etc/pf.conf");
	if ((v = rc_get(&vars, "jail_list")) != NULL) {
		n = ltext_split(&v->value, &w);
		srv->jail_list = xcalloc(n, sizeof(char *));
		srv->jail_list_locs = xcalloc(n, sizeof(struct loc));
		for (i = 0; i < n; i++) {
			srv->jail_list[i] = w[i].s;
			w[i].s = NULL;
			srv->jail_list_locs[i] = w[i].loc;
		}
		srv->njail_list = n;
		lwords_free(w, n);
	}
	rc_enabled_services(site, &vars, &srv->services, &srv->nservices,
	    diags);
	{
		char *whose = xasprintf("server %s", srv->name);

		rc_check_needs(site, srv->view, srv->services, srv->nservices,
		    whose, diags);
		free(whose);
	}
	rc_report_unused(site, &vars, host_unimplemented,
	    sizeof(host_unimplemented) / sizeof(*host_unimplemented), "host",
	    diags);
out:
	rc_vars_free(&vars);
	return diags->nerrors == nerr ? 0 : -1;
}
