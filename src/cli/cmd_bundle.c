/*
 * jailnet bundle SITE --server NAME DIR: write the file tree that one
 * server runs on FreeBSD, for an orchestration host to rsync to it.
 *
 * Which files make the tree is the server's view (fsview_list()): its
 * overlay over the common tree, the jails inside it at their paths.  This
 * file copies them below DIR and writes the manifest.  Every file is read
 * through a descriptor opened without following links, written only
 * below DIR, and hashed while it is copied (SHA-256, libcrypto's EVP).
 */
#include "cli/cmd_bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/util.h"
#include "conf/fsview.h"
#include "cli/cli.h"

/* The new bundle is written here in DIR, the old one moved here. */
#define BUNDLE_NEW ".bundle-new"
#define BUNDLE_OLD ".bundle-old"

struct bundle_args {
	const char *site;
	const char *server;
	const char *dir;
	int force;
};

/* What was written, for the summary line. */
struct bundle_count {
	size_t files, dirs, links;
	unsigned long long bytes;
};

static int
parse_args(int argc, char **argv, struct bundle_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0) {
			a->force = 1;
		} else if (strcmp(argv[i], "--server") == 0) {
			a->server = cli_option_value("bundle",
			    CMD_BUNDLE_USAGE, argc, argv, &i, "a server name");
			if (a->server == NULL)
				return -1;
		} else if (argv[i][0] == '-') {
			cli_usage("bundle", CMD_BUNDLE_USAGE,
			    "unknown option '%s'", argv[i]);
			return -1;
		} else if (a->site == NULL) {
			a->site = argv[i];
		} else if (a->dir == NULL) {
			a->dir = argv[i];
		} else {
			cli_usage("bundle", CMD_BUNDLE_USAGE,
			    "unexpected argument '%s'", argv[i]);
			return -1;
		}
	}
	if (a->site == NULL || a->dir == NULL || a->server == NULL) {
		cli_usage("bundle", CMD_BUNDLE_USAGE, "missing %s",
		    a->site == NULL ? "the SITE directory" :
		    a->server == NULL ? "--server NAME" : "the DIR to write");
		return -1;
	}
	return 0;
}

/* Whether the absolute real path ${p} is ${dir} or below it. */
static int
is_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/' ||
	    strcmp(dir, "/") == 0);
}

/*
 * Make ${dir} ready: create it if it does not exist (storing 1 in
 * ${created}), accept it empty, or, with ${force}, holding only what a
 * bundle holds.  Return 0, or -1 with ${why}.
 */
static int
prepare_dir(const char *dir, int force, int *created, char **why)
{
	static const char *const ours[] = {
		BUNDLE_TREE, BUNDLE_MANIFEST, BUNDLE_NEW, BUNDLE_OLD,
	};
	struct dirent *de;
	struct stat sb;
	size_t i;
	int other = 0, bundle = 0;
	DIR *d;

	*created = 0;
	if (lstat(dir, &sb) != 0) {
		if (errno != ENOENT || mkdir(dir, 0755) != 0) {
			*why = xasprintf("%s: %s", dir, strerror(errno));
			return -1;
		}
		*created = 1;
		return 0;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*why = xasprintf("%s exists and is not a directory", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		*why = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (i = 0; i < sizeof(ours) / sizeof(*ours); i++)
			if (strcmp(de->d_name, ours[i]) == 0)
				break;
		if (i < sizeof(ours) / sizeof(*ours))
			bundle = 1;
		else
			other = 1;
	}
	closedir(d);
	if (other) {
		*why = xasprintf("%s is not empty and not a bundle: give a "
		    "new or empty directory", dir);
		return -1;
	}
	if (bundle && !force) {
		*why = xasprintf("%s holds a bundle already: --force replaces "
		    "it", dir);
		return -1;
	}
	return 0;
}

/*
 * Check that the server's roots are inside the site and do not meet the
 * bundle's directory ${dir} (which exists): never read through a link out
 * of the site, never write where the tree is read.
 */
static int
check_places(const struct site *site, const struct server *srv,
    const char *dir, char **why)
{
	char *top, *out, *r;
	size_t i;
	int rc = 0;

	top = realpath(site->dir, NULL);
	out = realpath(dir, NULL);
	if (top == NULL || out == NULL) {
		*why = xasprintf("%s: %s", top == NULL ? site->dir : dir,
		    strerror(errno));
		free(top);
		free(out);
		return -1;
	}
	for (i = 0; rc == 0 && i < srv->view->nroots; i++) {
		if ((r = realpath(srv->view->roots[i], NULL)) == NULL)
			continue;	/* no such root: it adds nothing */
		if (!is_under(r, top)) {
			*why = xasprintf("%s is %s, outside the site: a "
			    "bundle holds only the site's files",
			    srv->view->roots[i], r);
			rc = -1;
		} else if (is_under(out, r) || is_under(r, out)) {
			*why = xasprintf("%s and the server's files %s "
			    "overlap: write the bundle elsewhere", dir, r);
			rc = -1;
		}
		free(r);
	}
	free(top);
	free(out);
	return rc;
}

/* Hex of the ${n} bytes ${md} into ${hex} (2 * n + 1 bytes). */
static void
to_hex(const unsigned char *md, unsigned n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

/*
 * Copy the regular file ${src} to the new file ${dst} with ${mode} and the
 * source's times; its SHA-256 in hex into ${hex} (65 bytes), its size
 * into ${size}.  Return 0, or -1 with ${why} (${dst} may be left, inside
 * the new bundle, which the caller removes).
 */
static int
copy_file(const char *src, const char *dst, unsigned mode, char *hex,
    unsigned long long *size, char **why)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	struct timespec times[2];
	EVP_MD_CTX *ctx = NULL;
	const char *failed = src;
	unsigned mdlen = 0;
	struct stat sb;
	int in, out = -1, rc = -1;
	ssize_t n, w, off;

	*size = 0;
	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto done;
	if (fstat(in, &sb) != 0)
		goto done;
	if (!S_ISREG(sb.st_mode)) {
		*why = xasprintf("%s changed while being bundled", src);
		goto done;
	}
	failed = dst;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (out < 0)
		goto done;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		*why = xasprintf("%s: SHA-256 is not available", src);
		goto done;
	}
	for (;;) {
		failed = src;
		if ((n = read(in, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			goto done;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		*size += (unsigned long long)n;
		failed = dst;
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0 &&
			    errno != EINTR)
				goto done;
			else if (w < 0)
				w = 0;
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	to_hex(md, mdlen, hex);
	times[0] = sb.st_atim;
	times[1] = sb.st_mtim;
	if (fchmod(out, (mode_t)mode) != 0 || futimens(out, times) != 0)
		goto done;
	rc = 0;
done:
	if (rc != 0 && *why == NULL)
		*why = xasprintf("%s: %s", failed, strerror(errno));
	EVP_MD_CTX_free(ctx);
	if (out >= 0 && close(out) != 0 && rc == 0) {
		*why = xasprintf("%s: %s", dst, strerror(errno));
		rc = -1;
	}
	if (in >= 0)
		close(in);
	return rc;
}

/*
 * Make the jail path ${path} (clean and absolute) a directory of the tree
 * ${tree}, with mode 0755 where it does not exist yet.  Return 0, or -1
 * with ${why} if a part of it is not a directory.
 */
static int
make_jail_dir(const char *tree, const char *jail, const char *path,
    char **why)
{
	char *p = xasprintf("%s%s", tree, path), *s, c;
	size_t start = strlen(tree);
	struct stat sb;
	int rc = 0;

	/* Each part of the path in turn: p cut at each '/', then whole. */
	for (s = p + start + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (lstat(p, &sb) == 0) {
			if (!S_ISDIR(sb.st_mode)) {
				*why = xasprintf("jail %s's path %s: %s is "
				    "not a directory in the server's files",
				    jail, path, p + start);
				rc = -1;
			}
		} else if (mkdir(p, 0755) != 0) {
			*why = xasprintf("%s: %s", p, strerror(errno));
			rc = -1;
		}
		*s = c;
		if (rc != 0 || c == '\0')
			break;
	}
	free(p);
	return rc;
}

/*
 * Write the server's files into ${tree} (a new, empty directory) and the
 * manifest ${manifest}; count them in ${count}.  Return 0, or -1 with ${why}.
 */
static int
write_tree(const struct server *srv, const char *tree, const char *manifest,
    struct bundle_count *count, char **why)
{
	struct fsview_entry *v;
	struct strbuf sums = { 0 };
	char hex[2 * EVP_MAX_MD_SIZE + 1], target[PATH_MAX], *dst;
	unsigned long long size;
	size_t n, i;
	ssize_t len;
	int rc = 0, errnum;

	if (fsview_list(srv->view, &v, &n, why) != 0)
		return -1;
	for (i = 0; rc == 0 && i < n; i++) {
		/* sha256sum would escape these; a FreeBSD tree has none. */
		if (strpbrk(v[i].path, "\\\n") != NULL) {
			*why = xasprintf("%s: a backslash or a newline in a "
			    "name cannot be written in the manifest",
			    v[i].source);
			rc = -1;
			break;
		}
		dst = xasprintf("%s%s", tree, v[i].path);
		switch (v[i].kind) {
		case FSVIEW_DIR:
			/* Its mode once its entries are in (below). */
			if (mkdir(dst, 0700) != 0) {
				*why = xasprintf("%s: %s", dst,
				    strerror(errno));
				rc = -1;
			}
			count->dirs++;
			break;
		case FSVIEW_FILE:
			rc = copy_file(v[i].source, dst, v[i].mode, hex,
			    &size, why);
			if (rc == 0) {
				strbuf_addf(&sums, "%s  %s\n", hex,
				    v[i].path + 1);
				count->files++;
				count->bytes += size;
			}
			break;
		case FSVIEW_LINK:
			len = readlink(v[i].source, target,
			    sizeof(target) - 1);
			if (len < 0 || (target[len] = '\0',
			    symlink(target, dst) != 0)) {
				*why = xasprintf("%s: %s", len < 0 ?
				    v[i].source : dst, strerror(errno));
				rc = -1;
			}
			count->links++;
			break;
		}
		free(dst);
	}
	for (i = 0; rc == 0 && i < srv->njails; i++)
		if (srv->jails[i].path != NULL)
			rc = make_jail_dir(tree, srv->jails[i].name,
			    srv->jails[i].path, why);
	/* Directories' modes last, deepest first, so that each was writable
	   while it was filled. */
	for (i = n; rc == 0 && i-- > 0;) {
		if (v[i].kind != FSVIEW_DIR)
			continue;
		dst = xasprintf("%s%s", tree, v[i].path);
		if (chmod(dst, (mode_t)v[i].mode) != 0) {
			*why = xasprintf("%s: %s", dst, strerror(errno));
			rc = -1;
		}
		free(dst);
	}
	if (rc == 0 && write_file_atomic(manifest, sums.s == NULL ? "" :
	    sums.s, sums.len, 0644, &errnum) != 0) {
		*why = xasprintf("%s: %s", manifest, strerror(errnum));
		rc = -1;
	}
	strbuf_free(&sums);
	fsview_entries_free(v, n);
	return rc;
}

/*
 * Put the complete new bundle of ${dir} (in BUNDLE_NEW) in place of the
 * old one, if any.  Return 0, or -1 with ${why}.
 */
static int
move_into_place(const char *dir, char **why)
{
	char *new_tree = xasprintf("%s/%s/%s", dir, BUNDLE_NEW, BUNDLE_TREE);
	char *new_sums = xasprintf("%s/%s/%s", dir, BUNDLE_NEW,
	    BUNDLE_MANIFEST);
	char *tree = xasprintf("%s/%s", dir, BUNDLE_TREE);
	char *sums = xasprintf("%s/%s", dir, BUNDLE_MANIFEST);
	char *old = xasprintf("%s/%s", dir, BUNDLE_OLD);
	char *newdir = xasprintf("%s/%s", dir, BUNDLE_NEW);
	const char *failed = NULL;

	if (remove_tree(old) != 0)
		failed = old;
	else if (rename(tree, old) != 0 && errno != ENOENT)
		failed = tree;
	else if (rename(new_tree, tree) != 0)
		failed = new_tree;
	else if (rename(new_sums, sums) != 0)
		failed = new_sums;
	else if (rmdir(newdir) != 0)
		failed = newdir;
	else if (remove_tree(old) != 0)
		failed = old;
	if (failed != NULL)
		*why = xasprintf("%s: %s", failed, strerror(errno));
	free(new_tree);
	free(new_sums);
	free(tree);
	free(sums);
	free(old);
	free(newdir);
	return failed != NULL ? -1 : 0;
}

int
cmd_bundle(int argc, char **argv)
{
	struct bundle_count count = { 0 };
	const struct server *srv;
	struct bundle_args a;
	struct pf_site *ps;
	char *why = NULL, *newdir = NULL, *tree = NULL, *manifest = NULL;
	int created = 0, rc = EXIT_INVALID;

	if (parse_args(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if ((ps = cli_load_site(a.site, 0)) == NULL)
		return EXIT_INVALID;
	if (cli_pick_server(ps->site, a.server, &srv) != 0) {
		pf_site_free(ps);
		return EXIT_USAGE;
	}
	if (prepare_dir(a.dir, a.force, &created, &why) != 0)
		goto out;
	if (check_places(ps->site, srv, a.dir, &why) != 0)
		goto out;
	newdir = xasprintf("%s/%s", a.dir, BUNDLE_NEW);
	tree = xasprintf("%s/%s", newdir, BUNDLE_TREE);
	manifest = xasprintf("%s/%s", newdir, BUNDLE_MANIFEST);
	/* A new bundle left by an interrupted run is ours to drop. */
	if (remove_tree(newdir) != 0 || mkdir(newdir, 0700) != 0 ||
	    mkdir(tree, 0755) != 0) {
		why = xasprintf("%s: %s", newdir, strerror(errno));
		goto out;
	}
	if (write_tree(srv, tree, manifest, &count, &why) != 0 ||
	    move_into_place(a.dir, &why) != 0)
		goto out;
	printf("bundle of server %s of %s: %zu files (%llu bytes), %zu "
	    "directories, %zu links in %s/%s; checksums in %s/%s\n",
	    srv->name, ps->site->name, count.files, count.bytes, count.dirs,
	    count.links, a.dir, BUNDLE_TREE, a.dir, BUNDLE_MANIFEST);
	rc = 0;
out:
	if (rc != 0) {
		fprintf(stderr, "jailnet bundle: %s\n", why);
		if (newdir != NULL)
			remove_tree(newdir);
		if (created)
			rmdir(a.dir);
	}
	free(why);
	free(newdir);
	free(tree);
	free(manifest);
	pf_site_free(ps);
	return rc;
}
