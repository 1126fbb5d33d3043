/*
 * fsview: a server's files are its overlay over the common tree, first
 * wins, and a path with "." or ".." parts (or not absolute) names nothing,
 * so that no rc.conf substitution or table file reads outside the site.
 * The example site's overlays share no file with its common tree, so the
 * order is shown here, on a temporary tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/fsview.h"
#include "lib/diag.h"
#include "lib/util.h"
#include "test.h"

/* Write ${text} to ${dir}${path}, making its directories. */
static void
write_at(const char *dir, const char *path, const char *text)
{
	char *p = xasprintf("%s%s", dir, path), *s;
	FILE *f;

	for (s = p + strlen(dir) + 1; *s != '\0'; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

/* ${dir}${path} in a static buffer (valid until the next call). */
static const char *
path_in(const char *dir, const char *path)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", dir, path);
	return buf;
}

static int
remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The file ${path} of ${v} (under ${dir} if found), "" if none. */
static int
found_in(const struct fsview *v, const char *path, const char *dir,
    int *errnum)
{
	char *p, *want;
	int ok;

	*errnum = 0;
	p = fsview_resolve(v, path, errnum);
	if (p == NULL)
		return dir == NULL;
	want = dir != NULL ? xasprintf("%s%s", dir, path) : NULL;
	ok = want != NULL && strcmp(p, want) == 0;
	if (!ok)
		test_fail(__FILE__, __LINE__, "%s resolved to %s", path, p);
	free(want);
	free(p);
	return ok;
}

TEST(fsview_overlay_first_wins)
{
	char tmpl[] = "/tmp/jnm-fsview.XXXXXX";
	char *root = mkdtemp(tmpl), *over, *common, *jail;
	const char *roots[2];
	struct fsview *v, *j;
	struct source *src;
	int e;

	CHECK(root != NULL);
	if (root == NULL)
		return;
	over = xasprintf("%s/servers/a", root);
	roots[0] = "servers/a";
	roots[1] = "common";
	common = xasprintf("%s/common", root);
	jail = xasprintf("%s/jails/j", over);
	write_at(root, "/servers/a/etc/rc.conf", "over\n");
	write_at(root, "/common/etc/rc.conf", "common\n");
	write_at(root, "/common/etc/pf.conf", "common pf\n");
	write_at(root, "/common/jails/j/etc/rc.conf", "common jail\n");
	write_at(root, "/servers/a/jails/j/etc/rc.conf", "over jail\n");
	write_at(root, "/common/jails/j/etc/only-common", "x\n");
	write_at(root, "/secret", "outside the site\n");
	v = fsview_new(root, roots, 2);

	/* The overlay wins; what it lacks comes from the common tree. */
	CHECK(found_in(v, "/etc/rc.conf", over, &e));
	CHECK(found_in(v, "/etc/pf.conf", common, &e));
	CHECK(found_in(v, "/etc/none", NULL, &e));
	CHECK_INT_EQ(e, ENOENT);
	src = fsview_read(v, "/etc/rc.conf", &e);
	CHECK(src != NULL && src->len == 5 && memcmp(src->text, "over\n", 5) == 0);
	source_free(src);

	/* Nothing outside the roots: no "..", ".", empty part or relative
	   path. */
	CHECK(found_in(v, "/etc/../../secret", NULL, &e));
	CHECK_INT_EQ(e, EINVAL);
	CHECK(found_in(v, "/../secret", NULL, &e));
	CHECK_INT_EQ(e, EINVAL);
	CHECK(found_in(v, "/etc/./rc.conf", NULL, &e));
	CHECK_INT_EQ(e, EINVAL);
	CHECK(found_in(v, "//etc/rc.conf", NULL, &e));
	CHECK_INT_EQ(e, EINVAL);
	CHECK(found_in(v, "etc/rc.conf", NULL, &e));
	CHECK_INT_EQ(e, EINVAL);

	/* A jail's view: the same order below its path. */
	j = fsview_enter(v, "/jails/j");
	CHECK(j != NULL);
	if (j != NULL) {
		CHECK(found_in(j, "/etc/rc.conf", jail, &e));
		free(jail);
		jail = xasprintf("%s/jails/j", common);
		CHECK(found_in(j, "/etc/only-common", jail, &e));
		CHECK(found_in(j, "/../../../secret", NULL, &e));
		CHECK_INT_EQ(e, EINVAL);
	}
	fsview_free(j);
	CHECK(fsview_enter(v, "/jails/../..") == NULL);
	CHECK(fsview_enter(v, "jails/j") == NULL);

	fsview_free(v);
	CHECK_INT_EQ(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(over);
	free(common);
	free(jail);
}

/* Make ${dir}${path} a symbolic link to ${to}. */
static void
link_at(const char *dir, const char *path, const char *to)
{
	char *p = xasprintf("%s%s", dir, path);

	CHECK_INT_EQ(symlink(to, p), 0);
	free(p);
}

/*
 * A site's tree is untrusted: a symbolic link may lead from one place of
 * the site to another, never out of it (not even to a file that the view
 * would show), and only regular files are read, of bounded size.
 */
TEST(fsview_confined_to_the_site)
{
	char tmpl[] = "/tmp/jnm-fsview.XXXXXX";
	char *root = mkdtemp(tmpl), *site, *p;
	const char *roots[2] = { "servers/a", "common" };
	struct fsview *v, *j;
	struct source *src;
	int e, fd;

	CHECK(root != NULL);
	if (root == NULL)
		return;
	site = xasprintf("%s/site", root);
	CHECK_INT_EQ(mkdir(site, 0755), 0);
	write_at(root, "/secret", "outside the site\n");
	write_at(site, "/site.conf", "server a {}\n");
	write_at(site, "/common/etc/rc.conf", "common\n");
	write_at(site, "/common/jails/j/etc/rc.conf", "jail\n");
	write_at(site, "/servers/a/etc/inic", "vtnet0\n");
	write_at(site, "/elsewhere/d/f", "sibling\n");
	/* Inside the site, relative: followed. */
	link_at(site, "/servers/a/etc/in", "inic");
	link_at(site, "/servers/a/etc/up", "../../../common/etc/rc.conf");
	/* Out of it: relative, absolute, through a directory. */
	link_at(site, "/servers/a/etc/out", "../../../../secret");
	p = xasprintf("%s/secret", root);
	link_at(site, "/servers/a/etc/abs", p);
	free(p);
	link_at(site, "/servers/a/etc/shadow", "/etc/shadow");
	link_at(site, "/servers/a/etc/zero", "/dev/zero");
	link_at(site, "/servers/a/jails", root);
	link_at(site, "/common/etc/dir", "..");
	mkfifo(path_in(site, "/servers/a/etc/fifo"), 0644);
	fd = open(path_in(site, "/servers/a/etc/big"),
	    O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)FSVIEW_FILE_MAX + 1) == 0);
	close(fd);
	v = fsview_new(site, roots, 2);

	src = fsview_read(v, "/etc/in", &e);
	CHECK(src != NULL && src->len == 7);
	source_free(src);
	src = fsview_read(v, "/etc/up", &e);
	CHECK(src != NULL && src->len == 7 &&
	    memcmp(src->text, "common\n", 7) == 0);
	source_free(src);
	e = 0;
	CHECK(fsview_read(v, "/etc/out", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);
	CHECK(fsview_read(v, "/etc/abs", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);
	CHECK(fsview_read(v, "/etc/shadow", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);
	CHECK(fsview_resolve(v, "/etc/shadow", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);
	CHECK(fsview_read(v, "/etc/zero", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);
	CHECK_STR_EQ(fsview_strerror(EXDEV),
	    "a symbolic link leads outside the site");
	/* A FIFO is refused, not waited on; a directory; a huge file. */
	CHECK(fsview_read(v, "/etc/fifo", &e) == NULL);
	CHECK_INT_EQ(e, ENODEV);
	CHECK(fsview_read(v, "/etc/dir", &e) == NULL);
	CHECK_INT_EQ(e, EISDIR);
	CHECK(fsview_read(v, "/etc/big", &e) == NULL);
	CHECK_INT_EQ(e, EFBIG);
	/* servers/a/jails leads out: the jail's files there are refused,
	   not looked up in common instead. */
	j = fsview_enter(v, "/jails/j");
	CHECK(j != NULL);
	if (j != NULL) {
		CHECK(fsview_read(j, "/etc/rc.conf", &e) == NULL);
		CHECK_INT_EQ(e, EXDEV);
		CHECK(fsview_dir(j, 0, &e) == NULL);
		CHECK_INT_EQ(e, EXDEV);
		p = fsview_dir(j, 1, &e);
		CHECK(p != NULL && strstr(p, "/site/common/jails/j") != NULL);
		free(p);
	}
	fsview_free(j);
	fsview_free(v);

	/* site.conf, read beneath the site directory the same way. */
	src = fsview_read_site(site, "site.conf", &e);
	CHECK(src != NULL && src->len == 12);
	source_free(src);
	unlink(path_in(site, "/site.conf"));
	link_at(site, "/site.conf", "/etc/shadow");
	CHECK(fsview_read_site(site, "site.conf", &e) == NULL);
	CHECK_INT_EQ(e, EXDEV);

	CHECK_INT_EQ(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(site);
}

/*
 * fsview_list(): the tree of a view is every path as fsview_resolve()
 * finds it (the overlay's file over the common one, a directory held by
 * both listed once with the overlay's mode and the names of both), parents
 * first, names sorted; links are entries, not followed; a file hiding a
 * non-empty directory of a later root is refused, an empty one is not.
 */
TEST(fsview_list_merges_in_order)
{
	char tmpl[] = "/tmp/jnm-fslist.XXXXXX";
	char *root = mkdtemp(tmpl), *over, *common, *why, *p;
	const char *roots[2];
	struct fsview_entry *e;
	struct strbuf got = { 0 };
	struct fsview *v;
	size_t n, i;
	mode_t umask_was;

	CHECK(root != NULL);
	if (root == NULL)
		return;
	umask_was = umask(022);		/* the modes below are 0644, 0755 */
	over = xasprintf("%s/over", root);
	common = xasprintf("%s/common", root);
	mkdir(over, 0755);
	mkdir(common, 0755);
	write_at(over, "/etc/inic", "a\n");
	write_at(common, "/etc/inic", "common\n");
	write_at(common, "/etc/rc.conf", "x\n");
	write_at(common, "/jails/j/etc/rc.conf", "y\n");
	p = xasprintf("%s/etc", over);
	chmod(p, 0750);
	free(p);
	p = xasprintf("%s/etc/link", common);
	CHECK(symlink("/nonexistent-jnm", p) == 0);
	free(p);
	p = xasprintf("%s/empty", common);
	mkdir(p, 0755);
	free(p);
	write_at(over, "/empty", "file over an empty directory\n");
	roots[0] = "over";
	roots[1] = "common";
	v = fsview_new(root, roots, 2);
	CHECK_INT_EQ(fsview_list(v, &e, &n, &why), 0);
	for (i = 0; i < n; i++)
		strbuf_addf(&got, "%d %o %s %s\n", (int)e[i].kind, e[i].mode,
		    e[i].path, str_has_prefix(e[i].source, over) ? "over" :
		    str_has_prefix(e[i].source, common) ? "common" : "?");
	CHECK_STR_EQ(strbuf_cstr(&got),
	    "1 644 /empty over\n"
	    "0 750 /etc over\n"
	    "1 644 /etc/inic over\n"
	    "2 777 /etc/link common\n"
	    "1 644 /etc/rc.conf common\n"
	    "0 755 /jails common\n"
	    "0 755 /jails/j common\n"
	    "0 755 /jails/j/etc common\n"
	    "1 644 /jails/j/etc/rc.conf common\n");
	strbuf_free(&got);
	fsview_entries_free(e, n);

	/* A file of the overlay over a directory with entries: refused. */
	write_at(common, "/jails/x/y", "z\n");
	write_at(over, "/jails/x", "file\n");
	CHECK_INT_EQ(fsview_list(v, &e, &n, &why), -1);
	CHECK(e == NULL && n == 0);
	CHECK(why != NULL && strstr(why, "/over/jails/x hides the directory ") != NULL);
	free(why);

	fsview_free(v);
	CHECK_INT_EQ(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(over);
	free(common);
	umask(umask_was);
}
