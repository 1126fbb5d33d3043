/*
 * jail_view_resolve() and jail_view_which(): where a path of a jail's view
 * is found on disk, without building the view.  The layers, first wins:
 * upper, generated, the site's trees, then the host, of which only the
 * system directories show, and neither jailnet's data (DATA_ROOT), the
 * host's /var/tmp nor the site directory.  The layers are made under a
 * temporary directory; the host's side is read from this machine's /.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/fsview.h"
#include "jail/jail_view.h"
#include "kernel/state.h"
#include "lib/util.h"
#include "test.h"

/* Create the file ${dir}${path} (and its directories) with mode ${mode}. */
static void
put(const char *dir, const char *path, mode_t mode)
{
	char *p = xasprintf("%s%s", dir, path), *s;
	int fd;

	for (s = p + strlen(dir) + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	chmod(p, mode);
	free(p);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Resolve ${path}; return the file or "" (freed by the next call; a
   NULL ${path} only frees), and the errno in ${errnum}. */
static const char *
res(const struct jail_view *v, const char *path, int *errnum)
{
	static char *last;

	free(last);
	last = NULL;
	*errnum = 0;
	if (path != NULL)
		last = jail_view_resolve(v, path, errnum);
	return last != NULL ? last : "";
}

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

TEST(jail_view_resolve_layers)
{
	char tmpl[] = "/tmp/jnm-view.XXXXXX";
	char *root = mkdtemp(tmpl), *data, *upper, *gen, *t1, *t2, *want;
	const char *roots[2];
	struct fsview *tree;
	struct jail_view *v;
	bool made;
	int e;

	CHECK(root != NULL);
	if (root == NULL)
		return;
	data = xasprintf("%s/data", root);
	upper = xasprintf("%s/s/data/a/j", data);
	gen = xasprintf("%s/s/gen/a/j", data);
	t1 = xasprintf("%s/t1", root);
	t2 = xasprintf("%s/t2", root);
	mkdir(data, 0755);
	mkdir(t1, 0755);
	mkdir(t2, 0755);
	put(data, "/s/data/a/j/etc/x", 0644);
	put(data, "/s/gen/a/j/etc/x", 0644);
	put(data, "/s/gen/a/j/etc/y", 0644);
	put(t1, "/etc/y", 0644);
	put(t1, "/etc/z", 0644);
	put(t2, "/etc/z", 0644);
	put(t2, "/etc/w", 0644);
	put(t2, "/usr/local/bin/jnm-tool", 0755);
	put(t1, "/usr/local/bin/jnm-data", 0644);
	roots[0] = "t1";
	roots[1] = "t2";
	tree = fsview_new(root, roots, 2);
	v = jail_view_new(data, "s", "a", "j", tree, root);

	/* The layers in order: upper, generated, the trees in order. */
	want = xasprintf("%s/etc/x", upper);
	CHECK_STR_EQ(res(v, "/etc/x", &e), want);
	free(want);
	want = xasprintf("%s/etc/y", gen);
	CHECK_STR_EQ(res(v, "/etc/y", &e), want);
	free(want);
	want = xasprintf("%s/etc/z", t1);
	CHECK_STR_EQ(res(v, "/etc/z", &e), want);
	free(want);
	want = xasprintf("%s/etc/w", t2);
	CHECK_STR_EQ(res(v, "/etc/w", &e), want);
	free(want);
	CHECK_STR_EQ(res(v, "/etc/nonexistent-jnm", &e), "");
	CHECK_INT_EQ(e, ENOENT);

	/* Not clean, not absolute. */
	CHECK_STR_EQ(res(v, "/etc/../root", &e), "");
	CHECK_INT_EQ(e, EINVAL);
	CHECK_STR_EQ(res(v, "etc/x", &e), "");
	CHECK_INT_EQ(e, EINVAL);
	CHECK_STR_EQ(res(v, "/etc/./x", &e), "");
	CHECK_INT_EQ(e, EINVAL);

	/* The host: its system directories show, the rest does not. */
	CHECK(exists("/etc/passwd"));
	CHECK_STR_EQ(res(v, "/etc/passwd", &e), "/etc/passwd");
	CHECK(exists("/usr/bin"));
	CHECK_STR_EQ(res(v, "/usr/bin", &e), "/usr/bin");
	CHECK(exists("/tmp") && exists("/proc/self"));
	CHECK_STR_EQ(res(v, "/tmp", &e), "");
	CHECK_INT_EQ(e, ENOENT);
	CHECK_STR_EQ(res(v, "/proc/self", &e), "");
	if (exists("/root"))
		CHECK_STR_EQ(res(v, "/root", &e), "");
	/* The site directory (here under /tmp) and the host's /var/tmp. */
	want = xasprintf("%s/t1", root);
	CHECK_STR_EQ(res(v, want, &e), "");
	free(want);
	CHECK(exists("/var/tmp"));
	CHECK_STR_EQ(res(v, "/var/tmp", &e), "");
	CHECK_INT_EQ(e, ENOENT);
	/* jailnet's data, beside /var/lib which shows (as root the test
	   makes DATA_ROOT, as `jailnet up` would, to see it hidden). */
	made = !exists(DATA_ROOT) && getuid() == 0 && mkdir(DATA_ROOT, 0755) == 0;
	if (exists("/var/lib"))
		CHECK_STR_EQ(res(v, "/var/lib", &e), "/var/lib");
	if (exists(DATA_ROOT)) {
		CHECK_STR_EQ(res(v, DATA_ROOT, &e), "");
		CHECK_INT_EQ(e, ENOENT);
	}
	if (made)
		rmdir(DATA_ROOT);

	/* which: the first executable of the path; a plain file is not. */
	want = jail_view_which(v, "jnm-tool");
	CHECK_STR_EQ(want, "/usr/local/bin/jnm-tool");
	free(want);
	want = jail_view_which(v, "/usr/local/bin/jnm-tool");
	CHECK_STR_EQ(want, "/usr/local/bin/jnm-tool");
	free(want);
	CHECK(jail_view_which(v, "jnm-data") == NULL);
	CHECK(jail_view_which(v, "jnm-nonexistent") == NULL);

	res(v, NULL, &e);
	jail_view_free(v);
	fsview_free(tree);
	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(data);
	free(upper);
	free(gen);
	free(t1);
	free(t2);
}

/*
 * A jail directory of the site that is a link out of it (check refuses
 * it) is left out of layer (c) rather than mapped into the jail; one that
 * links elsewhere inside the site is used, at its real place.
 */
TEST(jail_view_tree_links_stay_in_the_site)
{
	char tmpl[] = "/tmp/jnm-view.XXXXXX";
	char *root = mkdtemp(tmpl), *site, *p, *want;
	const char *roots[2] = { "servers/a", "common" };
	struct fsview *tree, *jail;
	struct jail_view *v;

	CHECK(root != NULL);
	if (root == NULL)
		return;
	site = xasprintf("%s/site", root);
	CHECK_INT_EQ(mkdir(site, 0755), 0);
	put(site, "/servers/a/jails/keep", 0644);
	put(site, "/common/real/etc/rc.conf", 0644);
	p = xasprintf("%s/servers/a/jails/j", site);
	CHECK_INT_EQ(symlink("/root", p), 0);
	free(p);
	p = xasprintf("%s/common/jails", site);
	CHECK_INT_EQ(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/common/jails/j", site);
	CHECK_INT_EQ(symlink("../real", p), 0);
	free(p);
	tree = fsview_new(site, roots, 2);
	jail = fsview_enter(tree, "/jails/j");
	v = jail_view_new(root, "s", "a", "j", jail, site);
	CHECK_INT_EQ(v->ntrees, 1);
	want = realpath(site, NULL);
	p = want != NULL ? xasprintf("%s/common/real", want) : NULL;
	CHECK_STR_EQ(v->ntrees == 1 ? v->trees[0] : "", p);
	free(p);
	free(want);
	jail_view_free(v);
	fsview_free(jail);
	fsview_free(tree);
	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(site);
}

/*
 * A data directory on a read-only file system is named as such by
 * jail_view_prepare(), before the overlay mount would fail with a bare
 * "Invalid argument".  In a child with its own mount namespace, the
 * temporary directory bound read-only on itself (root only).
 */
TEST(jail_view_prepare_read_only)
{
	char tmpl[] = "/tmp/jnm-view.XXXXXX";
	char *root = mkdtemp(tmpl);
	struct jail_view *v;
	int status = -1;
	pid_t pid;

	CHECK(root != NULL);
	if (root == NULL || geteuid() != 0)
		return;
	v = jail_view_new(root, "s", "a", "j", NULL, root);
	CHECK_INT_EQ(jail_view_prepare(v, NULL), 0);
	if ((pid = fork()) == 0) {
		struct nl_error err = { 0, "" };

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(root, root, NULL, MS_BIND, NULL) != 0 ||
		    mount(NULL, root, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY,
		    NULL) != 0)
			_exit(2);
		_exit(jail_view_prepare(v, &err) == -1 && err.errnum == EROFS &&
		    strstr(err.msg, "the jail's data directory ") != NULL &&
		    strstr(err.msg, "Read-only file system") != NULL ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	jail_view_free(v);
	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/*
 * jail_view_helpers(): the helpers are found beside the binary in a build
 * tree (build/libexec) and in the installed layout (PREFIX/sbin/jailnet,
 * PREFIX/libexec/jailnet); the build tree's wins; neither is NULL.
 */
TEST(jail_view_helpers_build_and_installed)
{
	char tmpl[] = "/tmp/jnm-helpers.XXXXXX";
	char *made = mkdtemp(tmpl), *root, *p, *want, *got;

	CHECK(made != NULL);
	if (made == NULL || (root = realpath(made, NULL)) == NULL)
		return;
	put(root, "/build/libexec/uxapp", 0755);
	put(root, "/usr/sbin/jailnet", 0755);
	put(root, "/usr/libexec/jailnet/uxapp", 0755);
	put(root, "/bare/bin/jailnet", 0755);

	p = xasprintf("%s/build", root);
	want = xasprintf("%s/build/libexec", root);
	got = jail_view_helpers(p);
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);
	free(p);

	p = xasprintf("%s/usr/sbin", root);
	want = xasprintf("%s/usr/libexec/jailnet", root);
	got = jail_view_helpers(p);
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);

	/* A libexec beside the binary comes first. */
	put(root, "/usr/sbin/libexec/uxapp", 0755);
	want = xasprintf("%s/usr/sbin/libexec", root);
	got = jail_view_helpers(p);
	CHECK_STR_EQ(got, want);
	free(got);
	free(want);
	free(p);

	p = xasprintf("%s/bare/bin", root);
	CHECK(jail_view_helpers(p) == NULL);
	free(p);

	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(root);
}

/* The first line of ${path}, or "" (owned by the caller). */
static char *
first_line(const char *path)
{
	char *data, *nl;
	int errnum;

	if ((data = read_file(path, NULL, &errnum)) == NULL)
		return xstrdup("");
	if ((nl = strchr(data, '\n')) != NULL)
		*nl = '\0';
	return data;
}

/*
 * The race of layer (c), forced: once the view is made, the jail's
 * directory in the site is renamed away and a link to a directory outside
 * the site put in its place, before the view is built, as someone who can
 * write the site could do between check and up.  The jail must still see
 * the directory found when the view was made, never what the link points
 * to.  In a child with its own mount and pid namespaces (root only), as
 * the jail's init builds it; the child reports what /etc/marker holds.
 */
TEST(jail_view_tree_swapped_after_open)
{
	char tmpl[] = "/tmp/jnm-race.XXXXXX";
	char *root = mkdtemp(tmpl), *site, *p, *q, *got;
	const char *roots[2] = { "servers/a", "common" };
	struct fsview *tree, *jail;
	struct nl_error err = { 0, "" };
	struct jail_view *v;
	int fds[2], status = -1;
	pid_t pid;

	CHECK(root != NULL);
	if (root == NULL || geteuid() != 0)
		return;
	site = xasprintf("%s/site", root);
	CHECK_INT_EQ(mkdir(site, 0755), 0);
	put(site, "/servers/a/jails/j/etc/marker", 0644);
	p = xasprintf("%s/servers/a/jails/j/etc/marker", site);
	CHECK_INT_EQ(write_file_atomic(p, "site\n", 5, 0644, &status), 0);
	free(p);
	put(root, "/outside/etc/marker", 0644);
	p = xasprintf("%s/outside/etc/marker", root);
	CHECK_INT_EQ(write_file_atomic(p, "outside\n", 8, 0644, &status), 0);
	free(p);
	tree = fsview_new(site, roots, 2);
	jail = fsview_enter(tree, "/jails/j");
	v = jail_view_new(root, "s", "a", "j", jail, site);
	CHECK_INT_EQ(v->ntrees, 1);

	/* The swap. */
	p = xasprintf("%s/servers/a/jails/j", site);
	q = xasprintf("%s/servers/a/jails/j.old", site);
	CHECK_INT_EQ(rename(p, q), 0);
	free(q);
	q = xasprintf("%s/outside", root);
	CHECK_INT_EQ(symlink(q, p), 0);
	free(q);
	free(p);

	CHECK_INT_EQ(jail_view_prepare(v, &err), 0);
	CHECK_INT_EQ(jail_view_clone_trees(v, &err), 0);
	CHECK_INT_EQ(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) != 0)
			_exit(2);
		if ((pid = fork()) == 0) {
			char *m;

			if (jail_view_enter(v, &err) != 0)
				_exit(3);
			m = first_line("/etc/marker");
			dprintf(fds[1], "%s\n", m);
			_exit(0);
		}
		_exit(pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) ? WEXITSTATUS(status) : 4);
	}
	close(fds[1]);
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		char buf[64] = "";
		ssize_t n = read(fds[0], buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		got = xstrdup(buf);
	}
	close(fds[0]);
	CHECK_STR_EQ(got, "site\n");
	free(got);
	jail_view_free(v);
	fsview_free(jail);
	fsview_free(tree);
	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(site);
}
