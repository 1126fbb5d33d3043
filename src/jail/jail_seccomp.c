/* The seccomp filter of a jail's processes: see jail_seccomp.h. */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "jail/jail_seccomp.h"

/* The setsockopt(2) options that replace a legacy table, from the
   kernel's uapi headers (IPT_SO_SET_REPLACE, IPT_SO_SET_ADD_COUNTERS,
   their ip6t, arpt and ebt counterparts): level, option. */
static const struct {
	int level;
	int opt;
} legacy_table_opts[] = {
	{ 0 /* SOL_IP */, 64 }, { 0, 65 },		/* iptables */
	{ 41 /* SOL_IPV6 */, 64 }, { 41, 65 },		/* ip6tables */
	{ 0, 96 }, { 0, 97 },				/* arptables */
	{ 0, 128 }, { 0, 129 },				/* ebtables */
};

/* A comparison of argument ${arg}, every field set (libseccomp's SCMP_A*
   macros leave datum_b out, which clang's -Wextra refuses). */
static struct scmp_arg_cmp
arg_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp c = { .arg = arg, .op = op, .datum_a = a,
	    .datum_b = b };

	return c;
}

/* Add one rule; returns libseccomp's negative errno or 0. */
#define RULE(ctx, action, name, ...)                                        \
	seccomp_rule_add((ctx), (action), SCMP_SYS(name), __VA_ARGS__)

int
jail_seccomp_load(bool packet_filter, struct nl_error *err)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		nl_error_set(err, ENOMEM, "seccomp_init");
		return -1;
	}
	/* Loaded with CAP_SYS_ADMIN: no_new_privs would break setuid. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
		    SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = RULE(ctx, SCMP_ACT_ERRNO(EPERM), unshare, 1,
		    arg_cmp(0, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
		    CLONE_NEWUSER));
	if (rc == 0)
		rc = RULE(ctx, SCMP_ACT_ERRNO(EPERM), clone, 1,
		    arg_cmp(0, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
		    CLONE_NEWUSER));
	if (rc == 0)
		rc = RULE(ctx, SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
	if (rc == 0 && !packet_filter)
		rc = RULE(ctx, SCMP_ACT_ERRNO(EPERM), socket, 2,
		    arg_cmp(0, SCMP_CMP_EQ, AF_NETLINK, 0),
		    arg_cmp(2, SCMP_CMP_EQ, NETLINK_NETFILTER, 0));
	for (i = 0; rc == 0 && !packet_filter &&
	    i < sizeof(legacy_table_opts) /
	    sizeof(*legacy_table_opts); i++)
		rc = RULE(ctx, SCMP_ACT_ERRNO(EPERM), setsockopt, 2,
		    arg_cmp(1, SCMP_CMP_EQ,
		    (scmp_datum_t)legacy_table_opts[i].level, 0),
		    arg_cmp(2, SCMP_CMP_EQ,
		    (scmp_datum_t)legacy_table_opts[i].opt, 0));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		nl_error_set(err, -rc, "load the jail's seccomp filter");
		return -1;
	}
	return 0;
}
