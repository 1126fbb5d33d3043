/*
 * The rc.d services jailnet knows by name: for each, the Debian program
 * that stands for it, run in the foreground with the jail's own
 * configuration at its FreeBSD path, or why a simulation has nothing to
 * run.  A service block of site.conf of the same name overrides the entry.
 */
#include <string.h>

#include "model/site_build.h"

const struct rcd_service rcd_table[] = {
	/* Base system. */
	/* Debian's sshd wants its privilege separation directory, which
	   its systemd unit makes; the host key is services/ssh_keys.h's. */
	{ "sshd", "/usr/sbin/sshd -D -e -f /etc/ssh/sshd_config",
	    "openssh-server", NULL, "/run/sshd" },
	{ "cron", "/usr/sbin/cron -f", "cron", NULL, NULL },
	{ "ntpd", "/usr/sbin/ntpd -n -g -c /etc/ntp.conf", "ntpsec", NULL,
	    NULL },
	/* rsyslog reads the traditional syslog.conf selector lines. */
	{ "syslogd", "/usr/sbin/rsyslogd -n -iNONE -f /etc/syslog.conf",
	    "rsyslog", NULL, NULL },
	/* Ports: their configuration is under /usr/local/etc. */
	/* Debian's sshd looks for host keys in /etc/ssh, the port's in
	   /usr/local/etc/ssh. */
	{ "openssh", "/usr/sbin/sshd -D -e -f /usr/local/etc/ssh/sshd_config "
	    "-h /usr/local/etc/ssh/ssh_host_ed25519_key",
	    "openssh-server", NULL, "/run/sshd" },
	{ "openntpd", "/usr/sbin/ntpd -d -f /usr/local/etc/ntpd.conf",
	    "openntpd", NULL, NULL },
	{ "nginx", "/usr/sbin/nginx -c /usr/local/etc/nginx/nginx.conf "
	    "-g 'daemon off;'", "nginx", NULL, NULL },
	/* databases/postgresql15-server's rc.d: postgres as the user
	   postgres, its data in /var/db/postgres/data15. */
	{ "postgresql", "/usr/sbin/runuser -u postgres -- "
	    "/usr/lib/postgresql/15/bin/postgres -D /var/db/postgres/data15",
	    "postgresql-15", NULL, NULL },
	/* www/node ships no rc.d; a node_enable names the site's own
	   script, so the built-in runs the conventional app.js. */
	{ "node", "/usr/bin/node /usr/local/www/app.js", "nodejs", NULL, NULL },
	/* What a simulation has no use for. */
	{ "microcode_update", NULL, NULL, "CPU microcode is loaded by the "
	    "machine that runs the simulation, not by a jail or a simulated "
	    "server", NULL },
	{ "zfs", NULL, NULL, "the jails' files are directories of the site, "
	    "not ZFS datasets", NULL },
	{ "zfsd", NULL, NULL, "there are no ZFS pools to watch", NULL },
	{ "clear_tmp", NULL, NULL, "what a jail writes in /tmp is kept "
	    "with its other writes under /var/lib/jailnet, which down --purge "
	    "clears", NULL },
	{ "mixer", NULL, NULL, "there is no sound device", NULL },
	{ "moused", NULL, NULL, "there is no console mouse", NULL },
	{ "powerd", NULL, NULL, "CPU power is the real machine's business", NULL },
	{ "growfs", NULL, NULL, "there is no disk to grow", NULL },
	{ "fsck_y", NULL, NULL, "there are no file systems to check", NULL },
	{ "dumpon", NULL, NULL, "there is no crash dump device", NULL },
	{ "ntpdate", NULL, NULL, "the clock is the real machine's (jails "
	    "cannot set it)", NULL },
	{ "update_motd", NULL, NULL, "/etc/motd is the site's file as it is", NULL },
	{ "savecore", NULL, NULL, "there is no crash dump device", NULL },
	{ "kldxref", NULL, NULL, "there are no FreeBSD kernel modules", NULL },
	{ "devmatch", NULL, NULL, "there are no FreeBSD kernel modules", NULL },
	{ "devd", NULL, NULL, "there are no devices to watch", NULL },
	{ "cleanvar", NULL, NULL, "each jail's /var is the site's tree as it "
	    "is", NULL },
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
