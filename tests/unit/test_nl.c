/*
 * Tests of nl (netlink) and netns (named namespaces) against the running
 * kernel.  They need root: without it they fail, saying so.
 *
 * Each test works only inside namespaces it creates, named
 * "jnt-test-PID-TEST-X", never touches the namespace it runs in, deletes
 * its namespaces at the end, also after a failed check, and then checks
 * that no namespace with its prefix is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "lib/addr.h"
#include "lib/util.h"
#include "kernel/netns.h"
#include "kernel/nl.h"
#include "test.h"

#define MAX_NS 3

/* The namespaces of one test, a socket and a batch in each. */
struct world {
	char prefix[64];
	char names[MAX_NS][80];
	int fds[MAX_NS];
	struct nl_sock *sk[MAX_NS];
	struct nl_batch *b[MAX_NS];
	size_t n;
};

/* Fail with the nl_error's text unless ${expr} is 0. */
#define CHECK_NL(expr, err)                                            \
	do {                                                           \
		if ((expr) != 0)                                       \
			test_fail(__FILE__, __LINE__, "%s: %s", #expr, \
			    (err).msg);                                \
	} while (0)

/* Fail unless ${s} starts with ${prefix}. */
#define CHECK_PREFIX(s, prefix)                                        \
	do {                                                           \
		if (!str_has_prefix((s), (prefix)))                    \
			test_fail(__FILE__, __LINE__,                  \
			    "\"%s\" does not start with \"%s\"", (s),  \
			    (prefix));                                 \
	} while (0)

/* Fail unless ${s} contains ${part}. */
#define CHECK_CONTAINS(s, part)                                        \
	do {                                                           \
		if (strstr((s), (part)) == NULL)                       \
			test_fail(__FILE__, __LINE__,                  \
			    "\"%s\" does not contain \"%s\"", (s),     \
			    (part));                                   \
	} while (0)

/* Set ${w}'s prefix for ${test} without creating anything. */
static void
world_name(struct world *w, const char *test)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->prefix, sizeof(w->prefix), "jnt-test-%ld-%s-",
	    (long)getpid(), test);
}

/*
 * Delete the namespaces left by test runs that died (a crash skips their
 * cleanup): those named "jnt-test-PID-" whose PID no longer runs.
 */
static void
remove_dead_runs(void)
{
	struct nl_error err;
	unsigned long pid;
	char **names, *digits;
	const char *start, *end;
	size_t i, n;

	if (netns_list("jnt-test-", &names, &n, &err) != 0)
		return;
	for (i = 0; i < n; i++) {
		start = names[i] + strlen("jnt-test-");
		end = strchr(start, '-');
		if (end == NULL)
			continue;
		digits = xstrndup(start, (size_t)(end - start));
		if (parse_uint(digits, 1, 1UL << 22, &pid) == 0 &&
		    kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			(void)netns_delete(names[i], &err);
		free(digits);
	}
	netns_list_free(names, n);
}

/*
 * Check that we are root and create ${n} namespaces for ${test}, named
 * PREFIX "a", "b"..., with a socket and a batch in each.  Return false
 * (the failure recorded) if any step fails; world_close() cleans up either
 * way.
 */
static bool
world_open(struct world *w, const char *test, size_t n)
{
	struct nl_error err;
	size_t i;

	world_name(w, test);
	for (i = 0; i < MAX_NS; i++)
		w->fds[i] = -1;
	if (geteuid() != 0) {
		test_fail(__FILE__, __LINE__, "this test needs root and "
		    "network namespaces: run the unit tests as root (CI does)");
		return false;
	}
	remove_dead_runs();
	for (i = 0; i < n; i++) {
		snprintf(w->names[i], sizeof(w->names[i]), "%s%c", w->prefix,
		    (char)('a' + i));
		if (netns_create(w->names[i], &w->fds[i], &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s", err.msg);
			return false;
		}
		w->n = i + 1;
		if (nl_open_netns(w->fds[i], &w->sk[i], &err) != 0) {
			test_fail(__FILE__, __LINE__, "%s", err.msg);
			return false;
		}
		w->b[i] = nl_batch_new(w->sk[i]);
	}
	return true;
}

/* Undo world_open(), then check that no namespace of the test is left. */
static void
world_close(struct world *w)
{
	struct nl_error err;
	char **names;
	size_t i, n;

	for (i = 0; i < w->n; i++) {
		nl_batch_free(w->b[i]);
		nl_close(w->sk[i]);
		if (w->fds[i] >= 0)
			close(w->fds[i]);
		if (netns_delete(w->names[i], &err) != 0)
			test_fail(__FILE__, __LINE__, "%s", err.msg);
	}
	if (netns_list(w->prefix, &names, &n, &err) != 0) {
		test_fail(__FILE__, __LINE__, "%s", err.msg);
		return;
	}
	if (n != 0)
		test_fail(__FILE__, __LINE__, "namespace %s left behind",
		    names[0]);
	netns_list_free(names, n);
}

/* Return the link ${name} of ${links}, or NULL. */
static const struct nl_link_info *
find_link(const struct nl_link_info *links, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(links[i].name, name) == 0)
			return &links[i];
	return NULL;
}

/* Return the route to ${dst} ("0.0.0.0/0" for default) of ${routes}. */
static const struct nl_route_info *
find_route(const struct nl_route_info *routes, size_t n, const char *dst)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ipprefix_format(&routes[i].dst, buf), dst) == 0)
			return &routes[i];
	return NULL;
}

static struct ipprefix
prefix(const char *s)
{
	struct ipprefix p;

	if (ipprefix_parse(s, &p) != 0)
		abort();
	return p;
}

static struct ipaddr
address(const char *s)
{
	struct ipaddr a;

	if (ipaddr_parse(s, &a) != 0)
		abort();
	return a;
}

/* Return the inode of the calling thread's network namespace. */
static ino_t
current_netns(void)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) != 0)
		return 0;
	return st.st_ino;
}

/* Run ${cmd} and return its standard output, owned by the caller. */
static char *
run(const char *cmd)
{
	struct strbuf sb = { 0 };
	char buf[512];
	size_t got;
	FILE *f = popen(cmd, "r");

	if (f == NULL)
		return xstrdup("");
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, got);
	pclose(f);
	return strbuf_steal(&sb);
}

TEST(netns_create_open_list_delete)
{
	struct world w;
	struct nl_error err;
	struct nl_link_info *links = NULL;
	struct nl_sock *sk = NULL;
	char name[96] = "", stale[128] = "", **names = NULL, *out;
	size_t n = 0;
	int fd = -1, fd2 = -1;

	if (!world_open(&w, "life", 0))
		goto done;
	snprintf(name, sizeof(name), "%sa", w.prefix);
	CHECK(!netns_exists(name));
	CHECK_NL(netns_create(name, &fd, &err), err);
	CHECK(fd >= 0);
	CHECK(netns_exists(name));

	/* A second namespace of the same name is refused, naming it. */
	CHECK_INT_EQ(netns_create(name, &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_CONTAINS(err.msg, name);
	CHECK_INT_EQ(fd2, -1);

	/* ip(8) sees it, and /run/netns is a shared mount. */
	out = run("ip netns list");
	CHECK_CONTAINS(out, name);
	free(out);
	out = run("grep ' /run/netns ' /proc/self/mountinfo");
	CHECK_CONTAINS(out, "shared:");
	free(out);

	CHECK_NL(netns_list(w.prefix, &names, &n, &err), err);
	CHECK_INT_EQ(n, 1);
	if (n == 1)
		CHECK_STR_EQ(names[0], name);
	netns_list_free(names, n);

	/* A new namespace holds exactly one link: lo, down. */
	CHECK_NL(netns_open(name, &fd2, &err), err);
	if (fd2 >= 0 && nl_open_netns(fd2, &sk, &err) == 0) {
		CHECK_NL(nl_link_list(sk, &links, &n, &err), err);
		CHECK_INT_EQ(n, 1);
		if (n == 1) {
			CHECK_STR_EQ(links[0].name, "lo");
			CHECK_INT_EQ(links[0].ifindex, 1);
			CHECK(!links[0].up);
			CHECK_STR_EQ(links[0].kind, "");
			CHECK_INT_EQ(links[0].master, 0);
		}
		free(links);
		nl_close(sk);
	} else {
		test_fail(__FILE__, __LINE__, "%s", err.msg);
	}
	if (fd2 >= 0)
		close(fd2);
	close(fd);

	CHECK_NL(netns_delete(name, &err), err);
	CHECK(!netns_exists(name));
	CHECK_INT_EQ(netns_delete(name, &err), -1);
	CHECK_INT_EQ(err.errnum, ENOENT);
	CHECK_INT_EQ(netns_open(name, &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, ENOENT);
	CHECK_CONTAINS(err.msg, name);

	/* A file left by a crash is not a namespace, but can be deleted. */
	snprintf(stale, sizeof(stale), "%s/%sstale", NETNS_DIR, w.prefix);
	fd2 = open(stale, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	CHECK(fd2 >= 0);
	if (fd2 >= 0)
		close(fd2);
	CHECK_INT_EQ(netns_open(strrchr(stale, '/') + 1, &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_CONTAINS(err.msg, "is not a network namespace");
	CHECK(netns_exists(strrchr(stale, '/') + 1));
	CHECK_NL(netns_delete(strrchr(stale, '/') + 1, &err), err);
	CHECK(access(stale, F_OK) != 0);

	/* Names that are not file names are refused before anything. */
	CHECK_INT_EQ(netns_create("a/b", &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(netns_create("..", &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(netns_create("", &fd2, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
done:
	if (netns_exists(name))
		(void)netns_delete(name, &err);
	if (stale[0] != '\0')
		(void)unlink(stale);
	world_close(&w);
}

TEST(netns_enter_and_nl_open_return_home)
{
	struct world w;
	struct nl_error err;
	struct nl_sock *sk = NULL;
	struct nl_batch *b;
	struct nl_link_info info = { 0 };
	ino_t home = current_netns();
	int saved;

	if (!world_open(&w, "home", 1))
		goto done;
	CHECK(home != 0);
	CHECK(current_netns() == home);

	/* A socket opened after entering acts in the namespace entered. */
	CHECK_NL(netns_enter(w.fds[0], &saved, &err), err);
	CHECK(current_netns() != home);
	CHECK_NL(nl_open(&sk, &err), err);
	CHECK_NL(netns_restore(saved, &err), err);
	CHECK(current_netns() == home);
	if (sk != NULL) {
		b = nl_batch_new(sk);
		CHECK_NL(nl_link_add_bridge(b, "homebr", false, &err), err);
		CHECK_NL(nl_batch_commit(b, &err), err);
		nl_batch_free(b);
		nl_close(sk);
	}
	CHECK_NL(nl_link_get(w.sk[0], "homebr", &info, &err), err);
	CHECK_STR_EQ(info.kind, "bridge");

	/* A bad descriptor fails and leaves the thread where it was. */
	CHECK_INT_EQ(nl_open_netns(-1, &sk, &err), -1);
	CHECK(sk == NULL);
	CHECK(err.errnum != 0);
	CHECK(current_netns() == home);
	CHECK_INT_EQ(netns_enter(-1, &saved, &err), -1);
	CHECK(current_netns() == home);
done:
	world_close(&w);
}

TEST(nl_link_index_and_get)
{
	struct world w;
	struct nl_error err;
	int ifindex = 0;

	if (!world_open(&w, "index", 1))
		goto done;
	CHECK_NL(nl_link_index(w.sk[0], "lo", &ifindex, &err), err);
	CHECK_INT_EQ(ifindex, 1);
	CHECK_INT_EQ(nl_link_index(w.sk[0], "nosuch0", &ifindex, &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "get link nosuch0: No such device");
	CHECK_INT_EQ(nl_link_index(w.sk[0], "much-too-long-name", &ifindex,
	    &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
done:
	world_close(&w);
}

TEST(nl_veth_across_namespaces)
{
	struct world w;
	struct nl_error err;
	struct nl_link_info *la = NULL, *lb = NULL, *lc = NULL;
	const struct nl_link_info *va, *vb, *xa, *xc;
	size_t na = 0, nb = 0, nc = 0;

	if (!world_open(&w, "veth", 3))
		goto done;
	/* va here, vb created directly in b. */
	CHECK_NL(nl_link_add_veth(w.b[0], "va", -1, "vb", w.fds[1], &err),
	    err);
	/* Both ends elsewhere: xa in b, xc in c, from a's socket. */
	CHECK_NL(nl_link_add_veth(w.b[0], "xa", w.fds[1], "xc", w.fds[2],
	    &err), err);
	CHECK_INT_EQ(nl_batch_count(w.b[0]), 2);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_INT_EQ(nl_batch_count(w.b[0]), 0);

	CHECK_NL(nl_link_list(w.sk[0], &la, &na, &err), err);
	CHECK_NL(nl_link_list(w.sk[1], &lb, &nb, &err), err);
	CHECK_NL(nl_link_list(w.sk[2], &lc, &nc, &err), err);
	CHECK_INT_EQ(na, 2);	/* lo, va */
	CHECK_INT_EQ(nb, 3);	/* lo, vb, xa */
	CHECK_INT_EQ(nc, 2);	/* lo, xc */
	va = find_link(la, na, "va");
	vb = find_link(lb, nb, "vb");
	xa = find_link(lb, nb, "xa");
	xc = find_link(lc, nc, "xc");
	CHECK(va != NULL && vb != NULL && xa != NULL && xc != NULL);
	if (va != NULL && vb != NULL) {
		CHECK_STR_EQ(va->kind, "veth");
		CHECK_STR_EQ(vb->kind, "veth");
		CHECK_INT_EQ(va->link, vb->ifindex);
		CHECK_INT_EQ(vb->link, va->ifindex);
		CHECK(va->link_netnsid >= 0);
		CHECK(vb->link_netnsid >= 0);
		CHECK(!va->up);
		CHECK_INT_EQ(va->mtu, 1500);
		CHECK_INT_EQ(va->master, 0);
	}
	if (xa != NULL && xc != NULL) {
		CHECK_INT_EQ(xa->link, xc->ifindex);
		CHECK_INT_EQ(xc->link, xa->ifindex);
	}
	CHECK(find_link(la, na, "xa") == NULL);
	CHECK(find_link(la, na, "vb") == NULL);
done:
	free(la);
	free(lb);
	free(lc);
	world_close(&w);
}

TEST(nl_bridge_with_two_ports)
{
	struct world w;
	struct nl_error err;
	struct nl_link_info *links = NULL;
	const struct nl_link_info *br0, *br1, *p1, *p2;
	struct nl_link_info info;
	size_t n = 0;
	int n_index;

	if (!world_open(&w, "bridge", 1))
		goto done;
	CHECK_NL(nl_link_add_bridge(w.b[0], "br0", false, &err), err);
	CHECK_NL(nl_link_add_bridge(w.b[0], "br1", false, &err), err);
	CHECK_NL(nl_link_add_veth(w.b[0], "p1", -1, "p1x", -1, &err), err);
	CHECK_NL(nl_link_add_veth(w.b[0], "p2", -1, "p2x", -1, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	/* The masters exist now: their indexes can be looked up. */
	CHECK_NL(nl_link_set_master(w.b[0], "p1", "br0", &err), err);
	CHECK_NL(nl_link_set_master(w.b[0], "p2", "br0", &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "br0", true, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);

	CHECK_NL(nl_link_list(w.sk[0], &links, &n, &err), err);
	CHECK_INT_EQ(n, 7);	/* lo, br0, br1, p1, p1x, p2, p2x */
	br0 = find_link(links, n, "br0");
	br1 = find_link(links, n, "br1");
	p1 = find_link(links, n, "p1");
	p2 = find_link(links, n, "p2");
	CHECK(br0 != NULL && br1 != NULL && p1 != NULL && p2 != NULL);
	if (br0 != NULL && br1 != NULL && p1 != NULL && p2 != NULL) {
		CHECK_STR_EQ(br0->kind, "bridge");
		CHECK(!br0->vlan_filtering);
		CHECK(!br1->vlan_filtering);
		CHECK(br0->up);
		CHECK(!br1->up);
		CHECK_INT_EQ(p1->master, br0->ifindex);
		CHECK_INT_EQ(p2->master, br0->ifindex);
		CHECK_INT_EQ(br0->master, 0);
	}
	free(links);
	links = NULL;

	/* No master. */
	CHECK_NL(nl_link_set_master(w.b[0], "p2", NULL, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_list(w.sk[0], &links, &n, &err), err);
	p2 = find_link(links, n, "p2");
	CHECK(p2 != NULL && p2->master == 0);
	p1 = find_link(links, n, "p1");
	CHECK(p1 != NULL && p1->master != 0);

	/* The kernel's own words travel with its refusal. */
	CHECK_NL(nl_link_set_master(w.b[0], "br1", "br0", &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, ELOOP);
	CHECK_PREFIX(err.msg, "add br1 to bridge br0: ");
	CHECK_CONTAINS(err.msg, "(kernel: ");

	/* A second bridge of the same name. */
	CHECK_NL(nl_link_add_bridge(w.b[0], "br0", false, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "create bridge br0: File exists");

	/* A master that does not exist is caught when the request is added. */
	CHECK_INT_EQ(nl_link_set_master(w.b[0], "p1", "nobr", &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "add p1 to bridge nobr: No such device");
	CHECK_INT_EQ(nl_batch_count(w.b[0]), 0);

	/*
	 * VLAN filtering: reported when the kernel has it, refused plainly
	 * when it was built without (as on the machine this was written on).
	 */
	CHECK_NL(nl_link_add_bridge(w.b[0], "brv", true, &err), err);
	if (nl_batch_commit(w.b[0], &err) == 0) {
		memset(&info, 0, sizeof(info));
		CHECK_NL(nl_link_get(w.sk[0], "brv", &info, &err), err);
		CHECK(info.vlan_filtering);
	} else {
		CHECK_INT_EQ(err.errnum, EOPNOTSUPP);
		CHECK_PREFIX(err.msg, "create bridge brv: Operation not "
		    "supported");
		CHECK_INT_EQ(nl_link_index(w.sk[0], "brv", &n_index, &err),
		    -1);
	}
done:
	free(links);
	world_close(&w);
}

TEST(nl_addresses)
{
	struct world w;
	struct nl_error err;
	struct nl_addr_info *addrs = NULL;
	struct ipprefix v4 = prefix("10.0.2.1/24"), v6 = prefix("fd00:2::1/64");
	struct ipprefix v4b = prefix("10.0.3.1/24");
	char buf[IPADDR_STRLEN], cmd[256], *out;
	size_t n = 0;
	int ifindex = 0;

	if (!world_open(&w, "addr", 1))
		goto done;
	CHECK_NL(nl_link_add_bridge(w.b[0], "xbridge", false, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_index(w.sk[0], "xbridge", &ifindex, &err), err);
	CHECK_NL(nl_addr_add(w.b[0], "xbridge", 0, &v4, 0, &err), err);
	CHECK_NL(nl_addr_add(w.b[0], "xbridge", 0, &v6, NL_ADDR_NODAD, &err),
	    err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);

	CHECK_NL(nl_addr_list(w.sk[0], "xbridge", 0, AF_UNSPEC, &addrs, &n,
	    &err), err);
	CHECK_INT_EQ(n, 2);
	if (n == 2) {
		CHECK_STR_EQ(ipprefix_format(&addrs[0].addr, buf),
		    "10.0.2.1/24");
		CHECK_STR_EQ(ipprefix_format(&addrs[1].addr, buf),
		    "fd00:2::1/64");
		CHECK_INT_EQ(addrs[0].ifindex, ifindex);
		CHECK_INT_EQ(addrs[1].ifindex, ifindex);
		CHECK_INT_EQ(addrs[0].scope, RT_SCOPE_UNIVERSE);
		CHECK((addrs[1].flags & IFA_F_NODAD) != 0);
		CHECK((addrs[1].flags & IFA_F_TENTATIVE) == 0);
	}
	free(addrs);
	addrs = NULL;

	/* The IPv4 address got its broadcast address, as on FreeBSD. */
	snprintf(cmd, sizeof(cmd), "ip -n %s -o -4 addr show dev xbridge",
	    w.names[0]);
	out = run(cmd);
	CHECK_CONTAINS(out, "brd 10.0.2.255");
	free(out);

	/* Adding it again: EEXIST, with the address and the link named. */
	CHECK_NL(nl_addr_add(w.b[0], "xbridge", 0, &v4, 0, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "add address 10.0.2.1/24 to xbridge: "
	    "File exists");

	/* By index, and listing one family. */
	CHECK_NL(nl_addr_add(w.b[0], NULL, ifindex, &v4b, 0, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_addr_list(w.sk[0], NULL, ifindex, AF_INET, &addrs, &n,
	    &err), err);
	CHECK_INT_EQ(n, 2);
	free(addrs);
	addrs = NULL;

	/* Delete, and delete what is not there. */
	CHECK_NL(nl_addr_delete(w.b[0], "xbridge", 0, &v4, &err), err);
	CHECK_NL(nl_addr_delete(w.b[0], NULL, ifindex, &v4b, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_addr_list(w.sk[0], "xbridge", 0, AF_UNSPEC, &addrs, &n,
	    &err), err);
	CHECK_INT_EQ(n, 1);
	if (n == 1)
		CHECK_STR_EQ(ipprefix_format(&addrs[0].addr, buf),
		    "fd00:2::1/64");
	CHECK_NL(nl_addr_delete(w.b[0], "xbridge", 0, &v4, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EADDRNOTAVAIL);
	CHECK_PREFIX(err.msg, "delete address 10.0.2.1/24 from xbridge: ");

	/* A missing link is caught when the request is added. */
	CHECK_INT_EQ(nl_addr_add(w.b[0], "nosuch0", 0, &v4, 0, &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "add address 10.0.2.1/24 to nosuch0: "
	    "No such device");
	CHECK_INT_EQ(nl_addr_add(w.b[0], NULL, 0, &v4, 0, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
done:
	free(addrs);
	world_close(&w);
}

TEST(nl_routes_in_one_batch)
{
	struct world w;
	struct nl_error err;
	struct nl_route_info *routes = NULL;
	const struct nl_route_info *r;
	struct ipprefix a4 = prefix("10.0.2.1/24"), a6 = prefix("fd00:2::1/64");
	struct ipprefix net5 = prefix("192.168.5.0/24");
	struct ipprefix net16 = prefix("172.16.0.0/16");
	struct ipprefix bad = prefix("10.0.2.1/24");
	struct ipaddr gw4 = address("10.0.2.254"), gw5 = address("10.0.2.253");
	struct ipaddr gw6 = address("fd00:2::fe");
	char buf[IPADDR_STRLEN];
	size_t n = 0, i;
	int ra = 0;

	if (!world_open(&w, "route", 2))
		goto done;
	CHECK_NL(nl_link_add_veth(w.b[0], "ra", -1, "rb", w.fds[1], &err),
	    err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_index(w.sk[0], "ra", &ra, &err), err);
	CHECK_NL(nl_link_set_up(w.b[1], "rb", true, &err), err);
	CHECK_NL(nl_batch_commit(w.b[1], &err), err);

	/* Addresses, link up, then routes through them: one sendmsg. */
	CHECK_NL(nl_addr_add(w.b[0], "ra", 0, &a4, 0, &err), err);
	CHECK_NL(nl_addr_add(w.b[0], "ra", 0, &a6, NL_ADDR_NODAD, &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "ra", true, &err), err);
	CHECK_NL(nl_route_add(w.b[0], NULL, &gw4, NULL, 0, &err), err);
	CHECK_NL(nl_route_add(w.b[0], &net5, &gw5, NULL, 0, &err), err);
	CHECK_NL(nl_route_add(w.b[0], &net16, NULL, "ra", 0, &err), err);
	CHECK_NL(nl_route_add(w.b[0], NULL, &gw6, "ra", 0, &err), err);
	CHECK_INT_EQ(nl_batch_count(w.b[0]), 7);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	for (i = 0; i < 7; i++)
		CHECK_INT_EQ(nl_batch_result(w.b[0], i), 0);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 7), -1);

	CHECK_NL(nl_route_list(w.sk[0], AF_INET, &routes, &n, &err), err);
	CHECK_INT_EQ(n, 4);
	r = find_route(routes, n, "10.0.2.0/24");
	CHECK(r != NULL && r->protocol == RTPROT_KERNEL && r->oif == ra &&
	    !r->has_gateway && r->scope == RT_SCOPE_LINK);
	r = find_route(routes, n, "0.0.0.0/0");
	CHECK(r != NULL && r->has_gateway && r->oif == ra &&
	    r->protocol == RTPROT_STATIC && r->type == RTN_UNICAST);
	if (r != NULL)
		CHECK_STR_EQ(ipaddr_format(&r->gateway, buf), "10.0.2.254");
	r = find_route(routes, n, "192.168.5.0/24");
	CHECK(r != NULL && r->has_gateway && r->oif == ra);
	if (r != NULL)
		CHECK_STR_EQ(ipaddr_format(&r->gateway, buf), "10.0.2.253");
	r = find_route(routes, n, "172.16.0.0/16");
	CHECK(r != NULL && !r->has_gateway && r->oif == ra &&
	    r->scope == RT_SCOPE_LINK);
	free(routes);
	routes = NULL;

	CHECK_NL(nl_route_list(w.sk[0], AF_INET6, &routes, &n, &err), err);
	r = find_route(routes, n, "::/0");
	CHECK(r != NULL && r->has_gateway && r->oif == ra);
	if (r != NULL)
		CHECK_STR_EQ(ipaddr_format(&r->gateway, buf), "fd00:2::fe");
	CHECK(find_route(routes, n, "fd00:2::/64") != NULL);
	free(routes);
	routes = NULL;

	/* Delete the default route; deleting it again is ESRCH. */
	CHECK_NL(nl_route_delete(w.b[0], NULL, &gw4, NULL, 0, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_route_list(w.sk[0], AF_INET, &routes, &n, &err), err);
	CHECK_INT_EQ(n, 3);
	CHECK(find_route(routes, n, "0.0.0.0/0") == NULL);
	CHECK_NL(nl_route_delete(w.b[0], NULL, &gw4, NULL, 0, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, ESRCH);
	CHECK_PREFIX(err.msg, "delete route default via 10.0.2.254: ");

	/* Adding an existing route; a destination with host bits. */
	CHECK_NL(nl_route_add(w.b[0], &net5, &gw5, NULL, 0, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "add route 192.168.5.0/24 via 10.0.2.253: ");
	CHECK_INT_EQ(nl_route_add(w.b[0], &bad, &gw5, NULL, 0, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(nl_route_add(w.b[0], NULL, NULL, "ra", 0, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(nl_route_add(w.b[0], &net5, &gw6, NULL, 0, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
done:
	free(routes);
	world_close(&w);
}

TEST(nl_route_dropped_with_the_link_comes_back_as_it_was)
{
	struct world w;
	struct nl_error err;
	struct nl_route_info *before = NULL, *after = NULL, *gone = NULL;
	const struct nl_route_info *r, *r2;
	struct ipprefix a4 = prefix("10.0.2.1/24");
	struct ipaddr gw = address("192.0.2.1"), src = address("10.0.2.1");
	char cmd[256];
	size_t nb = 0, na = 0, ng = 0;

	if (!world_open(&w, "listed", 1))
		goto done;
	CHECK_NL(nl_link_add_veth(w.b[0], "la", -1, "lb", -1, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_addr_add(w.b[0], "la", 0, &a4, 0, &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "lb", true, &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "la", true, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	/* A default route as `ip route add` makes it: proto boot, onlink
	   (its gateway is outside la's subnet), a metric, a source. */
	snprintf(cmd, sizeof(cmd), "ip -n %s route add default via 192.0.2.1 "
	    "dev la onlink metric 7 src 10.0.2.1", w.names[0]);
	CHECK_INT_EQ(system(cmd), 0);
	CHECK_NL(nl_route_list(w.sk[0], AF_INET, &before, &nb, &err), err);
	r = find_route(before, nb, "0.0.0.0/0");
	CHECK(r != NULL && r->protocol == RTPROT_BOOT &&
	    (r->flags & RTNH_F_ONLINK) && r->priority == 7 &&
	    r->has_prefsrc && ipaddr_eq(&r->prefsrc, &src) &&
	    r->has_gateway && ipaddr_eq(&r->gateway, &gw) && !r->multipath);
	if (r == NULL)
		goto done;

	/* Down drops it; up does not bring it back. */
	CHECK_NL(nl_link_set_up(w.b[0], "la", false, &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "la", true, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_route_list(w.sk[0], AF_INET, &gone, &ng, &err), err);
	CHECK(find_route(gone, ng, "0.0.0.0/0") == NULL);

	/* Put back as listed, by its link's name: the same route. */
	CHECK_NL(nl_route_add_listed(w.b[0], r, "la", &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_route_list(w.sk[0], AF_INET, &after, &na, &err), err);
	r2 = find_route(after, na, "0.0.0.0/0");
	CHECK(r2 != NULL && r2->protocol == r->protocol &&
	    r2->scope == r->scope && r2->type == r->type &&
	    r2->flags == r->flags && r2->priority == r->priority &&
	    r2->oif == r->oif && r2->has_prefsrc &&
	    ipaddr_eq(&r2->prefsrc, &r->prefsrc) &&
	    ipaddr_eq(&r2->gateway, &r->gateway));

	/* Again: it exists.  By its ifindex the request is the same. */
	CHECK_NL(nl_route_add_listed(w.b[0], r, NULL, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "add route default via 192.0.2.1 dev ");
done:
	free(before);
	free(gone);
	free(after);
	world_close(&w);
}

TEST(nl_rename_mtu_move_delete)
{
	struct world w;
	struct nl_error err;
	struct nl_link_info *la = NULL, *lb = NULL;
	const struct nl_link_info *l;
	size_t na = 0, nb = 0;

	if (!world_open(&w, "move", 2))
		goto done;
	CHECK_NL(nl_link_add_veth(w.b[0], "m1", -1, "m2", -1, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_rename(w.b[0], "m1", "n1", &err), err);
	CHECK_NL(nl_link_set_mtu(w.b[0], "m2", 1400, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_list(w.sk[0], &la, &na, &err), err);
	CHECK(find_link(la, na, "m1") == NULL);
	CHECK(find_link(la, na, "n1") != NULL);
	l = find_link(la, na, "m2");
	CHECK(l != NULL && l->mtu == 1400);
	free(la);
	la = NULL;

	/* Move n1 into b: gone from a, there in b, still m2's peer. */
	CHECK_NL(nl_link_set_netns(w.b[0], "n1", w.fds[1], &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_list(w.sk[0], &la, &na, &err), err);
	CHECK_NL(nl_link_list(w.sk[1], &lb, &nb, &err), err);
	CHECK_INT_EQ(na, 2);	/* lo, m2 */
	CHECK_INT_EQ(nb, 2);	/* lo, n1 */
	CHECK(find_link(la, na, "n1") == NULL);
	l = find_link(lb, nb, "n1");
	CHECK(l != NULL && l->link_netnsid >= 0);
	free(la);
	free(lb);
	la = lb = NULL;

	/* Deleting n1 in b takes its peer m2 in a with it. */
	CHECK_NL(nl_link_delete(w.b[1], "n1", &err), err);
	CHECK_NL(nl_batch_commit(w.b[1], &err), err);
	CHECK_NL(nl_link_list(w.sk[0], &la, &na, &err), err);
	CHECK_NL(nl_link_list(w.sk[1], &lb, &nb, &err), err);
	CHECK_INT_EQ(na, 1);
	CHECK_INT_EQ(nb, 1);

	/* Missing links: ENODEV, named. */
	CHECK_NL(nl_link_delete(w.b[0], "m2", &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "delete link m2: No such device");
	CHECK_INT_EQ(nl_link_rename(w.b[0], "m2", "m3", &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "rename link m2 to m3: No such device");
	CHECK_INT_EQ(nl_link_rename(w.b[0], "lo", "sixteen-chars-xx", &err),
	    -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
done:
	free(la);
	free(lb);
	world_close(&w);
}

TEST(nl_vlan_on_a_link)
{
	struct world w;
	struct nl_error err;
	struct nl_link_info info = { 0 };
	bool vlan = true;
	int parent = 0;

	if (!world_open(&w, "vlan", 1))
		goto done;
	CHECK_NL(nl_link_add_veth(w.b[0], "inic", -1, "inicx", -1, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_NL(nl_link_index(w.sk[0], "inic", &parent, &err), err);
	CHECK_NL(nl_link_add_vlan(w.b[0], "inic.2222", "inic", 2222, &err),
	    err);
	if (nl_batch_commit(w.b[0], &err) != 0) {
		/* Refused plainly by a kernel built without 802.1Q. */
		CHECK_INT_EQ(err.errnum, EOPNOTSUPP);
		CHECK_STR_EQ(err.msg, "create vlan inic.2222 (id 2222) on inic: "
		    "Operation not supported (kernel: Unknown device type)");
		vlan = false;
	}
	if (vlan) {
		CHECK_NL(nl_link_get(w.sk[0], "inic.2222", &info, &err), err);
		CHECK_STR_EQ(info.kind, "vlan");
		CHECK_INT_EQ(info.vlan_id, 2222);
		CHECK_INT_EQ(info.link, parent);
		CHECK_INT_EQ(info.link_netnsid, -1);
	}

	CHECK_INT_EQ(nl_link_add_vlan(w.b[0], "inic.0", "inic", 4095, &err),
	    -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(nl_link_add_vlan(w.b[0], "v", "nosuch0", 2, &err), -1);
	CHECK_INT_EQ(err.errnum, ENODEV);
	CHECK_PREFIX(err.msg, "create vlan v (id 2) on nosuch0: ");
	/* The same VLAN twice on one parent. */
	CHECK_NL(nl_link_add_vlan(w.b[0], "again", "inic", 2222, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, vlan ? EEXIST : EOPNOTSUPP);
	CHECK_PREFIX(err.msg, "create vlan again (id 2222) on inic: ");
done:
	world_close(&w);
}

TEST(nl_batch_reports_each_request)
{
	struct world w;
	struct nl_error err;
	struct nl_addr_info *addrs = NULL;
	struct nl_link_info info = { 0 };
	struct ipprefix p = prefix("10.0.5.1/24");
	char text[32];
	size_t n = 0, i;

	if (!world_open(&w, "batch", 1))
		goto done;
	CHECK_NL(nl_link_add_bridge(w.b[0], "bb", false, &err), err);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);

	/* The kernel goes on after the failed request of a sendmsg. */
	CHECK_NL(nl_addr_add(w.b[0], "bb", 0, &p, 0, &err), err);
	CHECK_NL(nl_addr_add(w.b[0], "bb", 0, &p, 0, &err), err);
	CHECK_NL(nl_link_set_up(w.b[0], "bb", true, &err), err);
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "add address 10.0.5.1/24 to bb: File exists");
	CHECK_INT_EQ(nl_batch_result(w.b[0], 0), 0);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 1), EEXIST);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 2), 0);
	CHECK_INT_EQ(nl_batch_count(w.b[0]), 0);
	CHECK_NL(nl_link_get(w.sk[0], "bb", &info, &err), err);
	CHECK(info.up);

	/* 300 requests: three sendmsg()s, every one acknowledged. */
	for (i = 0; i < 300; i++) {
		snprintf(text, sizeof(text), "10.1.%zu.%zu/32", i / 250,
		    i % 250 + 1);
		p = prefix(text);
		CHECK_NL(nl_addr_add(w.b[0], "bb", 0, &p, 0, &err), err);
	}
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	for (i = 0; i < 300; i++)
		CHECK_INT_EQ(nl_batch_result(w.b[0], i), 0);
	CHECK_NL(nl_addr_list(w.sk[0], "bb", 0, AF_INET, &addrs, &n, &err),
	    err);
	CHECK_INT_EQ(n, 301);
	free(addrs);
	addrs = NULL;

	/* A failure in the first group: the second group is not sent. */
	for (i = 0; i < 130; i++) {
		snprintf(text, sizeof(text), "10.2.0.%zu/32",
		    i == 5 ? (size_t)4 : i + 1);
		p = prefix(text);
		CHECK_NL(nl_addr_add(w.b[0], "bb", 0, &p, 0, &err), err);
	}
	CHECK_INT_EQ(nl_batch_commit(w.b[0], &err), -1);
	CHECK_INT_EQ(err.errnum, EEXIST);
	CHECK_PREFIX(err.msg, "add address 10.2.0.4/32 to bb: ");
	CHECK_INT_EQ(nl_batch_result(w.b[0], 4), 0);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 5), EEXIST);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 127), 0);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 128), -1);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 129), -1);
	CHECK_NL(nl_addr_list(w.sk[0], "bb", 0, AF_INET, &addrs, &n, &err),
	    err);
	CHECK_INT_EQ(n, 301 + 127);

	/* Discarded requests are never sent; an empty commit succeeds. */
	p = prefix("10.3.0.1/32");
	CHECK_NL(nl_addr_add(w.b[0], "bb", 0, &p, 0, &err), err);
	nl_batch_discard(w.b[0]);
	CHECK_NL(nl_batch_commit(w.b[0], &err), err);
	CHECK_INT_EQ(nl_batch_result(w.b[0], 0), -1);
done:
	free(addrs);
	world_close(&w);
}

TEST(netns_sysctls)
{
	struct world w;
	struct nl_error err;
	char home[16], value[16];

	if (!world_open(&w, "sysctl", 1))
		goto done;
	CHECK_NL(netns_sysctl_get(-1, "net.ipv4.ip_forward", home,
	    sizeof(home), &err), err);
	CHECK_NL(netns_sysctl_get(w.fds[0], "net.ipv4.ip_forward", value,
	    sizeof(value), &err), err);
	CHECK_STR_EQ(value, "0");
	CHECK_NL(netns_sysctl_set(w.fds[0], "net.ipv4.ip_forward", "1", &err),
	    err);
	CHECK_NL(netns_sysctl_get(w.fds[0], "net/ipv4/ip_forward", value,
	    sizeof(value), &err), err);
	CHECK_STR_EQ(value, "1");
	/* Our own namespace did not change. */
	CHECK_NL(netns_sysctl_get(-1, "net.ipv4.ip_forward", value,
	    sizeof(value), &err), err);
	CHECK_STR_EQ(value, home);

	/* Keys with dots in a component go with slashes. */
	CHECK_NL(netns_sysctl_get(w.fds[0], "net/ipv4/conf/lo/forwarding",
	    value, sizeof(value), &err), err);
	CHECK_STR_EQ(value, "1");

	CHECK_INT_EQ(netns_sysctl_set(w.fds[0], "net.ipv4.no_such_knob", "1",
	    &err), -1);
	CHECK_INT_EQ(err.errnum, ENOENT);
	CHECK_PREFIX(err.msg, "set sysctl net.ipv4.no_such_knob: ");
	CHECK_INT_EQ(netns_sysctl_set(w.fds[0], "net/../../etc", "1", &err),
	    -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK_INT_EQ(netns_sysctl_get(w.fds[0], "net.ipv4.ip_forward", value,
	    1, &err), -1);
	CHECK_INT_EQ(err.errnum, ERANGE);
done:
	world_close(&w);
}
