/*
 * The rc.d services jailnet knows by name: for each, the Debian program
 * that stands for it, run in the foreground with the jail's own
 * configuration at its FreeBSD path, or why a simulation has nothing to
 * run.  A service block of site.conf of the same name overrides the entry.
 */
#include <string.h>

#include "model/site_build.h"

const struct rcd_service rcd_table[] = {
	/* Base system.  Debian's sshd wants its privilege separation
	   directory, which its systemd unit makes; the host key is
	   services/ssh_keys.h's. */
	{ .name = "sshd",
	    .command = "/usr/sbin/sshd -D -e -f /etc/ssh/sshd_config",
	    .package = "openssh-server", .rundir = "/run/sshd",
	    .files_dir = "/etc/ssh", .needs = "/etc/ssh/sshd_config",
	    .flags = true },
	{ .name = "cron", .command = "/usr/sbin/cron -f", .package = "cron" },
	{ .name = "ntpd", .command = "/usr/sbin/ntpd -n -g -c /etc/ntp.conf",
	    .package = "ntpsec", .needs = "/etc/ntp.conf" },
	/* rsyslog reads the traditional syslog.conf selector lines. */
	{ .name = "syslogd",
	    .command = "/usr/sbin/rsyslogd -n -iNONE -f /etc/syslog.conf",
	    .package = "rsyslog", .needs = "/etc/syslog.conf" },
	/* Ports: their configuration is under /usr/local/etc.  Debian's
	   sshd looks for host keys in /etc/ssh, the port's in
	   /usr/local/etc/ssh. */
	{ .name = "openssh",
	    .command = "/usr/sbin/sshd -D -e -f /usr/local/etc/ssh/sshd_config "
	    "-h /usr/local/etc/ssh/ssh_host_ed25519_key",
	    .package = "openssh-server", .rundir = "/run/sshd",
	    .files_dir = "/usr/local/etc/ssh",
	    .needs = "/usr/local/etc/ssh/sshd_config", .flags = true },
	{ .name = "openntpd",
	    .command = "/usr/sbin/ntpd -d -f /usr/local/etc/ntpd.conf",
	    .package = "openntpd", .needs = "/usr/local/etc/ntpd.conf",
	    .flags = true },
	{ .name = "nginx",
	    .command = "/usr/sbin/nginx -c /usr/local/etc/nginx/nginx.conf "
	    "-g 'daemon off;'", .package = "nginx",
	    .needs = "/usr/local/etc/nginx/nginx.conf" },
	/* databases/postgresql15-server's rc.d: postgres as the user
	   postgres, its data in /var/db/postgres/data15. */
	{ .name = "postgresql",
	    .command = "/usr/sbin/runuser -u postgres -- "
	    "/usr/lib/postgresql/15/bin/postgres -D /var/db/postgres/data15",
	    .package = "postgresql-15" },
	/* www/node ships no rc.d; a node_enable names the site's own
	   script, so the built-in runs the conventional app.js. */
	{ .name = "node", .command = "/usr/bin/node /usr/local/www/app.js",
	    .package = "nodejs", .needs = "/usr/local/www/app.js" },
	/* FreeBSD's pflogd: jailnet's own (pflogd/), from the helpers'
	   directory in every view; the rules log to NFLOG group 0.  It
	   reads no file of the site: no edit restarts it. */
	{ .name = "pflog",
	    .command = "/usr/local/libexec/jailnet/pflogd -f /var/log/pflog "
	    "-i pflog0", .package = "jailnet",
	    .files_dir = "/usr/local/libexec/jailnet" },
	/* What a simulation has no use for. */
	{ .name = "microcode_update", .why = "CPU microcode is loaded by the "
	    "machine that runs the simulation, not by a jail or a simulated "
	    "server" },
	{ .name = "zfs", .why = "the jails' files are directories of the "
	    "site, not ZFS datasets" },
	{ .name = "zfsd", .why = "there are no ZFS pools to watch" },
	{ .name = "clear_tmp", .why = "what a jail writes in /tmp is kept "
	    "with its other writes under /var/lib/jailnet, which down --purge "
	    "clears" },
	{ .name = "mixer", .why = "there is no sound device" },
	{ .name = "moused", .why = "there is no console mouse" },
	{ .name = "powerd", .why = "CPU power is the real machine's business" },
	{ .name = "growfs", .why = "there is no disk to grow" },
	{ .name = "fsck_y", .why = "there are no file systems to check" },
	{ .name = "dumpon", .why = "there is no crash dump device" },
	{ .name = "ntpdate", .why = "the clock is the real machine's (jails "
	    "cannot set it)" },
	{ .name = "update_motd", .why = "/etc/motd is the site's file as it "
	    "is" },
	{ .name = "savecore", .why = "there is no crash dump device" },
	{ .name = "kldxref", .why = "there are no FreeBSD kernel modules" },
	{ .name = "devmatch", .why = "there are no FreeBSD kernel modules" },
	{ .name = "devd", .why = "there are no devices to watch" },
	{ .name = "cleanvar", .why = "each jail's /var is the site's tree as "
	    "it is" },
};

const size_t rcd_table_len = sizeof(rcd_table) / sizeof(rcd_table[0]);

const struct rcd_service *
rcd_find(const char *name)
{
	size_t i;

	for (i = 0; i < rcd_table_len; i++)
		if (strcmp(rcd_table[i].name, name) == 0)
			return &rcd_table[i];
	return NULL;
}
