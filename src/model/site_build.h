/*
 * site_build: what the parts of site_load() share.  Internal to the site_*
 * files; the public interface is site.h.
 */
#ifndef JAILNET_SITE_BUILD_H
#define JAILNET_SITE_BUILD_H

#include <stdbool.h>

#include "lib/util.h"
#include "conf/jailconf.h"
#include "conf/rc_knobs.h"
#include "conf/rcconf.h"
#include "model/site.h"

/**
 * site_adopt_source(site, src):
 * Keep ${src} alive as long as ${site} (locations point into it); the site
 * owns it afterwards.  Return ${src}.
 */
struct source *site_adopt_source(struct site *site, struct source *src);

/**
 * site_read_file(site, view, path, what, at, diags):
 * Read ${path} in ${view} as a source owned by ${site}.  If it cannot be
 * read, record an error at ${at} ("cannot read WHAT PATH: reason") and
 * return NULL.
 */
struct source *site_read_file(struct site *site, const struct fsview *view,
    const char *path, const char *what, struct loc at, struct diags *diags);

/**
 * site_eval_rcconf(site, view, path, vars, at, diags):
 * Read, parse and expand the rc.conf ${path} of ${view} into ${vars},
 * reading backtick files in the same view; every source read is adopted by
 * ${site}.  Return 0, or -1 if the file is missing (error at ${at}) or had
 * errors.
 */
int site_eval_rcconf(struct site *site, const struct fsview *view,
    const char *path, struct rc_vars *vars, struct loc at,
    struct diags *diags);

/**
 * site_hostname_ok(name, whose, at, diags):
 * Whether ${name} can be a server's or jail's hostname on Linux: 1 to 64
 * bytes (sethostname's limit) of letters, digits, '-', '_' and '.'.  If not,
 * report an error at ${at} naming ${whose} ("server a") but never the
 * hostname itself (it may hold control bytes), and return false.
 */
bool site_hostname_ok(const char *name, const char *whose, struct loc at,
    struct diags *diags);

/**
 * site_conf_load(site, diags):
 * Read ${site}->dir/site.conf into the networks, hosts, services, zones and
 * server declarations of ${site}.  Return 0, or -1 if an error was recorded
 * in what the servers' files rest on: the file itself, its syntax, block
 * kinds and names, its networks or its servers.  Errors in service, host
 * and zone blocks are recorded and do not fail it.
 */
int site_conf_load(struct site *site, struct diags *diags);

/**
 * site_conf_finish(site, diags):
 * Resolve what site.conf says about servers' addresses once the servers are
 * loaded: the DNS records (their addresses only if no host rc.conf had an
 * error, ${site}->failed.hosts).  Return 0, or -1 if an error was recorded.
 */
int site_conf_finish(struct site *site, struct diags *diags);

/**
 * server_load_host(site, srv, diags):
 * Read ${srv}'s /etc/rc.conf: cloned and physical interfaces, renames,
 * addresses, bridge members, default router and host switches.  Return 0,
 * or -1 if an error was recorded.
 */
int server_load_host(struct site *site, struct server *srv,
    struct diags *diags);

/**
 * server_load_jails(site, srv, diags):
 * Read ${srv}'s /etc/jail.conf and each jail's /etc/rc.conf.  Set
 * ${site}->failed.jail_ifaces if an error was recorded about which
 * interfaces the jails take.  Return 0, or -1 if an error was recorded.
 */
int server_load_jails(struct site *site, struct server *srv,
    struct diags *diags);

/**
 * site_check(site, diags):
 * The checks that look across servers and jails: duplicate addresses in an
 * L2 segment, default routers, pipe ends, bridge-member addresses.  Each
 * is left out when a stage it rests on failed (${site}->failed; site.h's
 * site_load_partial() lists them).  Return 0, or -1 if an error was
 * recorded.
 */
int site_check(struct site *site, struct diags *diags);

/*
 * An rc.d service jailnet knows by name (site_rcd.c): the Debian command
 * line that stands for it and the package that holds the program, or why a
 * simulation runs nothing for it.
 */
struct rcd_service {
	const char *name;	/* NAME_enable; for a knob without _enable
				   (update_motd), the knob */
	const char *command;	/* NULL: nothing to run */
	const char *package;	/* the Debian package of the program */
	const char *why;	/* command == NULL: why */
	const char *rundir;	/* a directory of /run the program needs
				   and does not make (Debian's systemd unit
				   makes it), or NULL */
	const char *files_dir;	/* the directory of the jail that holds all
				   the files it reads at start, or NULL: the
				   whole tree (proc_marks.h) */
	const char *needs;	/* the configuration file its command reads,
				   which the jail's files must hold (Debian's
				   is not in a jail's view), or NULL */
	bool flags;		/* NAME_flags goes to the program, as
				   rc.subr passes it: the Debian program is
				   FreeBSD's (sshd, OpenBSD's ntpd), it
				   takes the same options */
};

extern const struct rcd_service rcd_table[];
extern const size_t rcd_table_len;

/**
 * rcd_find(name):
 * Return the built-in service ${name}, or NULL.
 */
const struct rcd_service *rcd_find(const char *name);

/**
 * rc_apply_ifconfig(site, srv, jail, vars, diags):
 * Apply every ifconfig_IF (and ifconfig_IF_aliasN) of ${vars} to the
 * interfaces of ${srv} that the host (${jail} == NO_INDEX) or that jail
 * holds, marking the variables used.  Return 0, or -1 on error.
 */
int rc_apply_ifconfig(struct site *site, struct server *srv, size_t jail,
    struct rc_vars *vars, struct diags *diags);

/**
 * rc_enabled_services(site, vars, out, nout, diags):
 * Collect the NAME_enable=YES of ${vars} that are services (not the knobs
 * jailnet handles itself) into a new array ${out} of ${nout} entries.  The
 * command is site.conf's service NAME, else the built-in of rcd_table
 * (added to ${site}->services the first time it is enabled); a built-in
 * with nothing to run is a remark saying why, and a service with neither
 * is an error.  A knob that is neither and is set to FreeBSD's default
 * (moused_nondefault_enable="YES") changes nothing and says nothing.  Marks them used, and every other
 * NAME_enable but a NO whose NAME is neither a service of site.conf, nor
 * built in, nor a knob jailnet knows: rc_report_unused() warns about that
 * one.  Return 0, or -1 on error.
 */
int rc_enabled_services(struct site *site, struct rc_vars *vars,
    struct enabled_service **out, size_t *nout, struct diags *diags);

/**
 * rc_check_needs(site, view, es, n, whose, diags):
 * Each built-in service of the ${n} entries of ${es} reads a configuration
 * file that FreeBSD's base or the port installs; in a jail or a server it
 * must be in ${view}, the site's files (Debian's own is not in the view),
 * or the service fails at its start.  Report each that is missing as an
 * error at its NAME_enable, naming ${whose} ("jail a/pg_j", "server a").
 * Nothing if ${view} is NULL.
 */
void rc_check_needs(const struct site *site, const struct fsview *view,
    const struct enabled_service *es, size_t n, const char *whose,
    struct diags *diags);

/**
 * rc_report_unused(site, vars, known, nknown, where, diags):
 * Report each variable of ${vars} no consumer used: nothing if it is a
 * knob of FreeBSD's /etc/defaults/rc.conf set to its default (it changes
 * nothing); a remark saying why if it is a knob of rcd_table that a
 * simulation has no use for (update_motd); a warning "not implemented by
 * jailnet" if it is in ${known} or a FreeBSD knob; otherwise a warning
 * "unknown rc.conf knob", with the closest name among those and the
 * NAME_enable of ${site}'s and the built-in services as a hint.  ${where}
 * names the file's role ("host", "jail pg_j").
 */
void rc_report_unused(const struct site *site, const struct rc_vars *vars,
    const char *const *known, size_t nknown, const char *where,
    struct diags *diags);

/**
 * rc_get(vars, name):
 * Return the expanded value of ${name} in ${vars}, marking it used, or NULL.
 */
struct rc_value *rc_get(struct rc_vars *vars, const char *name);

/**
 * site_word_in(word, list, n):
 * Return 1 if ${word} is one of the ${n} strings of ${list}, 0 otherwise.
 */
int site_word_in(const char *word, const char *const *list, size_t n);

/**
 * jc_one_value(p, what, diags):
 * Return the single value of parameter ${p} as a string, or NULL with an
 * error if it has none or several.
 */
const char *jc_one_value(const struct jc_resolved *p, struct diags *diags);

#endif
