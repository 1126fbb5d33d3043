/* The table of FreeBSD's rc.conf knobs, and the rc.d services built in. */
#include <string.h>

#include "conf/rc_knobs.h"
#include "lib/util.h"
#include "model/site_build.h"
#include "test.h"

TEST(rc_knobs_lookup)
{
	const struct rc_knob *k;

	/* Knobs of the file, with their defaults. */
	CHECK((k = rc_knob_find("update_motd")) != NULL &&
	    strcmp(k->value, "YES") == 0);
	CHECK((k = rc_knob_find("cron_enable")) != NULL &&
	    strcmp(k->value, "YES") == 0);
	CHECK((k = rc_knob_find("sshd_enable")) != NULL &&
	    strcmp(k->value, "NO") == 0);
	CHECK((k = rc_knob_find("rc_conf_files")) != NULL &&
	    strcmp(k->value, "/etc/rc.conf /etc/rc.conf.local") == 0);
	/* Unquoted: ntp_leapfile_expiry_days=30. */
	CHECK((k = rc_knob_find("ntp_leapfile_expiry_days")) != NULL &&
	    strcmp(k->value, "30") == 0);
	/* Documented in a comment only: known, without a default. */
	CHECK((k = rc_knob_find("kld_list")) != NULL && k->value == NULL);
	/* A commented example of a knob that has a default keeps it. */
	CHECK((k = rc_knob_find("cloned_interfaces")) != NULL &&
	    k->value != NULL && strcmp(k->value, "") == 0);
	/* Not FreeBSD's: ports' services and the shell code's variables. */
	CHECK(rc_knob_find("nginx_enable") == NULL);
	CHECK(rc_knob_find("microcode_update_enable") == NULL);
	CHECK(rc_knob_find("source_rc_confs_defined") == NULL);
	CHECK(rc_knob_find("_localbase") == NULL);
	CHECK(rc_knob_find("") == NULL);
	CHECK(rc_knob_table_len > 450);
}

TEST(rc_knobs_default)
{
	CHECK_INT_EQ(rc_knob_is_default("cron_enable", "YES"), 1);
	CHECK_INT_EQ(rc_knob_is_default("cron_enable", "yes"), 1);
	CHECK_INT_EQ(rc_knob_is_default("cron_enable", "true"), 1);
	CHECK_INT_EQ(rc_knob_is_default("cron_enable", "NO"), 0);
	CHECK_INT_EQ(rc_knob_is_default("syslogd_flags", "-s"), 1);
	CHECK_INT_EQ(rc_knob_is_default("syslogd_flags", "-ss"), 0);
	CHECK_INT_EQ(rc_knob_is_default("kld_list", ""), 0);
	CHECK_INT_EQ(rc_knob_is_default("nginx_enable", "NO"), 0);
	CHECK_INT_EQ(rc_yesno("On"), 1);
	CHECK_INT_EQ(rc_yesno("0"), 0);
	CHECK_INT_EQ(rc_yesno("NONE"), -1);
}

TEST(rc_knobs_hint)
{
	static const char *const extra[] = { "nginx_enable", "spiped_pipes" };
	const char *h;

	CHECK((h = rc_knob_hint("update_motdd", NULL, 0)) != NULL &&
	    strcmp(h, "update_motd") == 0);
	CHECK((h = rc_knob_hint("sshd_enabel", NULL, 0)) != NULL &&
	    strcmp(h, "sshd_enable") == 0);
	CHECK((h = rc_knob_hint("ngnix_enable", extra, 2)) != NULL &&
	    strcmp(h, "nginx_enable") == 0);
	CHECK((h = rc_knob_hint("spiped_pipe", extra, 2)) != NULL &&
	    strcmp(h, "spiped_pipes") == 0);
	CHECK(rc_knob_hint("ngnix_enable", NULL, 0) == NULL ||
	    strcmp(rc_knob_hint("ngnix_enable", NULL, 0), "nginx_enable") != 0);
	CHECK(rc_knob_hint("zzzzzzzzzzzz", extra, 2) == NULL);
}

TEST(rcd_builtin_services)
{
	const struct rcd_service *r;
	size_t i;

	CHECK((r = rcd_find("sshd")) != NULL && r->command != NULL &&
	    strcmp(r->package, "openssh-server") == 0 &&
	    strstr(r->command, "-f /etc/ssh/sshd_config") != NULL);
	CHECK((r = rcd_find("openssh")) != NULL &&
	    strstr(r->command, "/usr/local/etc/ssh/sshd_config") != NULL);
	CHECK((r = rcd_find("openntpd")) != NULL &&
	    strcmp(r->package, "openntpd") == 0);
	CHECK((r = rcd_find("microcode_update")) != NULL &&
	    r->command == NULL && r->why != NULL);
	CHECK(rcd_find("spiped") == NULL);	/* jailnet's own pipes */
	CHECK(rcd_find("redis") == NULL);
	/* Each entry runs something from a package, or says why not. */
	for (i = 0; i < rcd_table_len; i++) {
		r = &rcd_table[i];
		CHECK(r->command != NULL ? r->package != NULL &&
		    r->why == NULL && r->command[0] == '/' :
		    r->package == NULL && r->why != NULL);
		CHECK(rcd_find(r->name) == r);
	}
}
