/*
 * What host and jail rc.conf files share: ifconfig_IF values and
 * NAME_enable services.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "conf/ifconfig.h"
#include "model/site_build.h"

/*
 * NAME_enable knobs that are not services with a Linux command: jailnet does
 * them itself, or knows them and does not do them (reported when YES).
 * The services it runs by name, or knows a simulation has no use for, are
 * rcd_table's (site_rcd.c).
 */
static const char *const builtin_enables[] = {
	"jail", "pf", "gateway", "spiped",
};
static const char *const unimplemented_enables[] = {
	"ipv6_gateway", "sendmail", "sendmail_submit",
	"sendmail_outbound", "sendmail_msp_queue", "firewall",
	"local_unbound",
};

/* The classful length FreeBSD's ifconfig assumes for a bare IPv4 address. */
static unsigned
classful_len(const struct ipaddr *a)
{
	if (a->bytes[0] < 128)
		return 8;
	if (a->bytes[0] < 192)
		return 16;
	return 24;
}

static void
add_member(struct server *srv, struct iface *bridge, const struct ifc_word *w,
    struct diags *diags)
{
	struct iface *m = server_iface(srv, w->arg);
	size_t bi = (size_t)(bridge - srv->ifaces);
	const char *hint;

	if (m == NULL) {
		hint = server_iface_hint(srv, w->arg, ALL_IFACES);
		if (hint != NULL)
			diag_error(diags, w->arg_loc, "addm of unknown "
			    "interface '%s'; did you mean '%s'?", w->arg,
			    hint);
		else
			diag_error(diags, w->arg_loc, "addm of unknown "
			    "interface '%s'", w->arg);
		return;
	}
	if (m == bridge || m->kind == IFACE_BRIDGE) {
		diag_error(diags, w->arg_loc, "a bridge cannot be a member of "
		    "a bridge");
		return;
	}
	if (m->bridge != NO_INDEX) {
		diag_error(diags, w->arg_loc, "'%s' is already a member of "
		    "%s", m->name, srv->ifaces[m->bridge].name);
		diag_note(diags, m->member_loc, "added here");
		return;
	}
	m->bridge = bi;
	m->member_loc = w->arg_loc;
}

/*
 * "broadcast ${w}" after the address ${a} (NULL if none came before): the
 * kernel is given the usual broadcast of each IPv4 subnet, as FreeBSD's
 * ifconfig computes it; another one is said not to be used.
 */
static void
check_broadcast(const struct iface_addr *a, const struct ifc_word *w,
    struct diags *diags)
{
	char want[IPADDR_STRLEN], got[IPADDR_STRLEN];
	struct ipaddr brd;
	unsigned i;

	ipaddr_format(&w->prefix.addr, got);
	if (a == NULL) {
		diag_remark(diags, w->loc, "'broadcast %s' follows no IPv4 "
		    "address; ignored", got);
		return;
	}
	brd = a->prefix.addr;
	for (i = a->prefix.len; i < 32; i++)
		brd.bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	if (a->prefix.len >= 31 || !ipaddr_eq(&brd, &w->prefix.addr)) {
		if (a->prefix.len < 31)
			ipaddr_format(&brd, want);
		else
			snprintf(want, sizeof(want), "none");
		diag_remark(diags, w->loc, "'broadcast %s' is not the usual "
		    "one of its subnet; jailnet gives the kernel %s",
		    got, want);
	}
}

/* Apply the parsed words ${cmd} to ${ifc}. */
static void
apply_words(struct server *srv, struct iface *ifc, const struct ifc_cmd *cmd,
    struct diags *diags)
{
	const struct iface_addr *last_inet = NULL;
	const struct ifc_word *w;
	struct iface_addr *a;
	size_t i;

	for (i = 0; i < cmd->n; i++) {
		w = &cmd->v[i];
		switch (w->op) {
		case IFC_ADDR:
			if (!w->prefix_given && w->prefix.addr.family ==
			    AF_INET) {
				diag_warning(diags, w->loc, "no netmask given; "
				    "FreeBSD assumes the classful /%u",
				    classful_len(&w->prefix.addr));
			}
			ifc->addrs = xrealloc(ifc->addrs, (ifc->naddrs + 1) *
			    sizeof(*ifc->addrs));
			a = &ifc->addrs[ifc->naddrs++];
			a->prefix = w->prefix;
			if (!w->prefix_given && w->prefix.addr.family ==
			    AF_INET)
				a->prefix.len = classful_len(&w->prefix.addr);
			a->loc = w->loc;
			last_inet = a->prefix.addr.family == AF_INET ? a :
			    last_inet;
			break;
		case IFC_BROADCAST:
			check_broadcast(last_inet, w, diags);
			break;
		case IFC_UP:
			ifc->up = true;
			break;
		case IFC_DOWN:
			ifc->up = false;
			break;
		case IFC_ADDM:
			if (ifc->kind != IFACE_BRIDGE) {
				diag_error(diags, w->loc, "'addm' applies to "
				    "bridges; '%s' is a%s %s", ifc->name,
				    ifc->kind == IFACE_EPAIR ? "n" : "",
				    iface_kind_name(ifc->kind));
				break;
			}
			add_member(srv, ifc, w, diags);
			break;
		case IFC_DELETEM: {
			struct iface *m = server_iface(srv, w->arg);

			if (m == NULL || m->bridge !=
			    (size_t)(ifc - srv->ifaces))
				diag_error(diags, w->arg_loc, "'%s' is not a "
				    "member of %s", w->arg, ifc->name);
			else
				m->bridge = NO_INDEX;
			break;
		}
		case IFC_NAME:
			diag_error(diags, w->loc, "rename with "
			    "ifconfig_%s_name=\"%s\", as rc.conf(5) does",
			    ifc->name, w->arg);
			break;
		case IFC_VLAN:
		case IFC_VLANDEV:
			diag_error(diags, w->loc, "vlan interfaces are not "
			    "supported by jailnet; tag the NIC's port with "
			    "vlanhwtag and the network with vlan");
			break;
		case IFC_VLANHWTAG:
			ifc->vlan = (unsigned)w->num;
			ifc->vlan_loc = w->loc;
			break;
		case IFC_MTU:
			ifc->mtu = (unsigned)w->num;
			break;
		case IFC_DESCRIPTION:
			/* A label for people; Linux's ifalias is not needed. */
			break;
		case IFC_ETHER:
			diag_warning(diags, w->loc, "setting the MAC address "
			    "is not implemented by jailnet; Linux picks one");
			break;
		}
	}
}

/* Return the interface configured by variable ${v}, or NULL. */
static struct iface *
ifconfig_target(struct server *srv, size_t jail, const struct rc_value *v,
    const char *ifname, struct diags *diags)
{
	struct iface *ifc = server_iface(srv, ifname);
	const char *hint;
	size_t i;

	if (ifc != NULL && (jail == NO_INDEX || ifc->jail == jail))
		return ifc;
	if (jail == NO_INDEX) {
		for (i = 0; i < srv->nifaces; i++) {
			if (str_eq(srv->ifaces[i].clone_name, ifname) &&
			    srv->ifaces[i].rename_loc.src != NULL) {
				diag_error(diags, v->name_loc, "'%s' was "
				    "renamed to '%s'; configure it as "
				    "ifconfig_%s", ifname,
				    srv->ifaces[i].name, srv->ifaces[i].name);
				diag_note(diags, srv->ifaces[i].rename_loc,
				    "renamed here");
				return NULL;
			}
		}
	}
	hint = server_iface_hint(srv, ifname, jail == NO_INDEX ? ALL_IFACES :
	    jail);
	if (ifc != NULL)
		diag_error(diags, v->name_loc, "'%s' configures '%s', which "
		    "this jail does not hold (vnet.interface)", v->name,
		    ifname);
	else if (hint != NULL)
		diag_error(diags, v->name_loc, "'%s' configures '%s', which "
		    "does not exist; did you mean '%s'?", v->name, ifname,
		    hint);
	else
		diag_error(diags, v->name_loc, "'%s' configures '%s', which "
		    "does not exist", v->name, ifname);
	return NULL;
}

/*
 * Record the addresses of ifconfig_lo0 or ifconfig_lo0_aliasN, ${value},
 * in ${srv}'s lo_addrs (an IPv4 address without a mask is classful, as
 * for any interface; FreeBSD's default "inet 127.0.0.1" is /8).
 */
static void
add_lo_addrs(struct server *srv, const struct ltext *value,
    struct diags *diags)
{
	struct ifc_cmd cmd;
	struct iface_addr *a;
	size_t i;

	memset(&cmd, 0, sizeof(cmd));
	ifconfig_parse(value, &cmd, diags);
	for (i = 0; i < cmd.n; i++) {
		if (cmd.v[i].op != IFC_ADDR)
			continue;
		srv->lo_addrs = xrealloc(srv->lo_addrs, (srv->nlo_addrs + 1) *
		    sizeof(*srv->lo_addrs));
		a = &srv->lo_addrs[srv->nlo_addrs++];
		a->prefix = cmd.v[i].prefix;
		if (!cmd.v[i].prefix_given &&
		    cmd.v[i].prefix.addr.family == AF_INET)
			a->prefix.len = classful_len(&cmd.v[i].prefix.addr);
		a->loc = cmd.v[i].loc;
	}
	ifc_cmd_free(&cmd);
}

int
rc_apply_ifconfig(struct site *site, struct server *srv, size_t jail,
    struct rc_vars *vars, struct diags *diags)
{
	size_t nerr = diags->nerrors, i, len;
	struct ifc_cmd cmd;
	struct rc_value *v;
	struct iface *ifc;
	const char *alias;
	char *ifname;

	(void)site;
	for (i = 0; i < vars->n; i++) {
		v = &vars->v[i];
		if (!str_has_prefix(v->name, "ifconfig_") || v->used)
			continue;
		len = strlen(v->name + 9);
		if (str_has_suffix(v->name, "_name") ||
		    str_has_suffix(v->name, "_ipv6") ||
		    str_has_suffix(v->name, "_descr") ||
		    strcmp(v->name, "ifconfig_DEFAULT") == 0)
			continue;	/* renames done; the rest reported */
		/* ifconfig_IF_aliasN adds an address. */
		alias = strstr(v->name + 9, "_alias");
		if (alias != NULL && alias[6] >= '0' && alias[6] <= '9' &&
		    strspn(alias + 6, "0123456789") == strlen(alias + 6))
			len = (size_t)(alias - (v->name + 9));
		else
			alias = NULL;
		ifname = xstrndup(v->name + 9, len);
		v->used = 1;
		if (strcmp(ifname, "lo0") == 0) {
			/* Every namespace has its loopback, up, with
			   FreeBSD's addresses; the host's rc.conf may add
			   more (a jail's lo0 is its own). */
			free(ifname);
			if (jail == NO_INDEX)
				add_lo_addrs(srv, &v->value, diags);
			continue;
		}
		ifc = ifconfig_target(srv, jail, v, ifname, diags);
		free(ifname);
		if (ifc == NULL)
			continue;
		/* rc.d/netif brings up every interface it configures. */
		if (alias == NULL) {
			ifc->up = true;
			ifc->config_loc = v->name_loc;
		}
		memset(&cmd, 0, sizeof(cmd));
		ifconfig_parse(&v->value, &cmd, diags);
		apply_words(srv, ifc, &cmd, diags);
		ifc_cmd_free(&cmd);
	}
	return diags->nerrors == nerr ? 0 : -1;
}

/*
 * Return the index in ${site}->services of the service ${name}: its block
 * in site.conf, else the built-in ${rcd} (added on first use, located at
 * ${at}), else NO_INDEX.
 */
static size_t
service_index(struct site *site, const char *name,
    const struct rcd_service *rcd, struct loc at)
{
	struct service *svc;
	size_t k;

	for (k = 0; k < site->nservices; k++)
		if (strcmp(site->services[k].name, name) == 0)
			return k;
	if (rcd == NULL || rcd->command == NULL)
		return NO_INDEX;
	site->services = xrealloc(site->services, (site->nservices + 1) *
	    sizeof(*site->services));
	svc = &site->services[site->nservices];
	memset(svc, 0, sizeof(*svc));
	svc->name = xstrdup(name);
	svc->loc = svc->command_loc = at;
	svc->command = xstrdup(rcd->command);
	svc->package = rcd->package;
	svc->rundir = rcd->rundir;
	svc->files_dir = rcd->files_dir;
	svc->needs = rcd->needs;
	svc->flags = rcd->flags;
	return site->nservices++;
}


/*
 * NAME_flags of ${es}, service ${name}, if it is a built-in that takes
 * them (procs.h splits them, as site.conf's commands).  Left alone
 * otherwise: rc_report_unused() says it is not implemented.
 */
static void
take_flags(const struct site *site, struct rc_vars *vars, const char *name,
    struct enabled_service *es)
{
	const struct service *svc = &site->services[es->service];
	struct rc_value *v;
	char *knob;

	if (!svc->flags)
		return;		/* a site.conf block's command is its own */
	knob = xasprintf("%s_flags", name);
	if ((v = rc_get(vars, knob)) != NULL &&
	    v->value.s[strspn(v->value.s, " \t\n")] != '\0') {
		es->flags = xstrdup(v->value.s);
		es->flags_loc = v->value_loc;
	}
	free(knob);
}

int
rc_enabled_services(struct site *site, struct rc_vars *vars,
    struct enabled_service **out, size_t *nout, struct diags *diags)
{
	size_t nerr = diags->nerrors, i, k, cap = 0;
	const struct rcd_service *rcd;
	struct enabled_service *es;
	struct rc_value *v;
	char *svc;
	int yes;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < vars->n; i++) {
		v = &vars->v[i];
		if (!str_has_suffix(v->name, "_enable") ||
		    strlen(v->name) <= 7)
			continue;
		svc = xstrndup(v->name, strlen(v->name) - 7);
		if (site_word_in(svc, builtin_enables,
		    NELEM(builtin_enables))) {
			free(svc);
			continue;	/* read by its own consumer */
		}
		v->used = 1;
		rcd = rcd_find(svc);
		k = service_index(site, svc, NULL, v->name_loc);
		if (k == NO_INDEX && (rcd == NULL || rcd->command == NULL) &&
		    rc_knob_is_default(v->name, v->value.s)) {
			/* As on any FreeBSD: nothing to run or to say. */
			free(svc);
			continue;
		}
		/* rc.sendmail: NONE is NO, and its other daemons off too. */
		if (str_eq(svc, "sendmail") &&
		    strcasecmp(v->value.s, "NONE") == 0) {
			free(svc);
			continue;
		}
		if ((yes = rc_yesno(v->value.s)) < 0) {
			diag_error(diags, ltext_loc(&v->value, 0,
			    v->value.len), "'%s' must be YES or NO, not '%s'",
			    v->name, v->value.s);
			free(svc);
			continue;
		}
		if (k == NO_INDEX && rcd != NULL && rcd->command == NULL) {
			if (yes)
				diag_remark(diags, v->name_loc, "'%s': "
				    "nothing to run in a simulation: %s",
				    v->name, rcd->why);
		} else if (k == NO_INDEX && rcd == NULL &&
		    site_word_in(svc, unimplemented_enables,
		    NELEM(unimplemented_enables))) {
			if (yes)
				diag_warning(diags, v->name_loc, "'%s' is not "
				    "implemented by jailnet; ignored",
				    v->name);
		} else if (!yes && k == NO_INDEX && rcd == NULL) {
			/*
			 * NO for a name that is neither a service of
			 * site.conf nor one of the services above (a typo,
			 * or a knob like moused_nondefault_enable): left
			 * for rc_report_unused() to report, as it does any
			 * other knob no one reads.
			 */
			v->used = 0;
		} else if (yes) {
			k = service_index(site, svc, rcd, v->name_loc);
			if (k == NO_INDEX) {
				diag_error(diags, v->name_loc, "service '%s' "
				    "is enabled, but site.conf has no Linux "
				    "command for it", svc);
				diag_note(diags, loc_file(site->sources[0]),
				    "add: service %s { command = \"...\"; }",
				    svc);
			} else {
				es = VEC_PUSH(*out, *nout, cap);
				memset(es, 0, sizeof(*es));
				es->service = k;
				es->loc = v->name_loc;
				take_flags(site, vars, svc, es);
			}
		}
		free(svc);
	}
	return diags->nerrors == nerr ? 0 : -1;
}

void
rc_check_needs(const struct site *site, const struct fsview *view,
    const struct enabled_service *es, size_t n, const char *whose,
    struct diags *diags)
{
	const struct service *svc;
	char *disk;
	size_t i;
	int errnum;

	for (i = 0; view != NULL && i < n; i++) {
		svc = &site->services[es[i].service];
		/* Only a built-in has needs (a site.conf block: none). */
		if (svc->needs == NULL)
			continue;
		if ((disk = fsview_resolve(view, svc->needs, &errnum)) !=
		    NULL) {
			free(disk);
			continue;
		}
		diag_error(diags, es[i].loc, "the built-in %s reads %s, which "
		    "%s does not have", svc->name, svc->needs, whose);
		diag_note(diags, es[i].loc, "add it to the files of %s, or a "
		    "service %s block to site.conf", whose, svc->name);
	}
}

void
rc_report_unused(const struct site *site, const struct rc_vars *vars,
    const char *const *known, size_t nknown, const char *where,
    struct diags *diags)
{
	const struct rcd_service *rcd;
	const struct rc_value *v;
	const char **names, *hint;
	size_t i, k, n = 0;

	/* The hints: NAME_enable of every service jailnet can run. */
	names = xcalloc(site->nservices + rcd_table_len + nknown + 1,
	    sizeof(*names));
	for (k = 0; k < site->nservices; k++)
		names[n++] = xasprintf("%s_enable", site->services[k].name);
	for (k = 0; k < rcd_table_len; k++)
		names[n++] = xasprintf("%s_enable", rcd_table[k].name);
	for (i = 0; i < vars->n; i++) {
		v = &vars->v[i];
		if (v->used || rc_knob_is_default(v->name, v->value.s))
			continue;
		if ((rcd = rcd_find(v->name)) != NULL && rcd->command == NULL) {
			diag_remark(diags, v->name_loc, "'%s': nothing to do "
			    "in a simulation: %s", v->name, rcd->why);
		} else if (site_word_in(v->name, known, nknown) ||
		    rc_knob_find(v->name) != NULL) {
			diag_warning(diags, v->name_loc,
			    "'%s' is not implemented by jailnet for the %s; "
			    "ignored", v->name, where);
		} else {
			for (k = 0; k < nknown; k++)
				names[n + k] = known[k];
			hint = rc_knob_hint(v->name, names, n + nknown);
			if (hint != NULL)
				diag_warning(diags, v->name_loc, "unknown "
				    "rc.conf knob '%s' for the %s; did you "
				    "mean '%s'?", v->name, where, hint);
			else
				diag_warning(diags, v->name_loc, "unknown "
				    "rc.conf knob '%s' for the %s; ignored",
				    v->name, where);
		}
	}
	for (k = 0; k < n; k++)
		free((char *)names[k]);
	free(names);
}
