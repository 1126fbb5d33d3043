#include "conf/fsview.h"

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"

struct fsview *
fsview_new(const char *base, const char *const *rel, size_t nroots)
{
	struct fsview *view = xcalloc(1, sizeof(*view));
	size_t i;

	view->base = xstrdup(base);
	view->roots = xcalloc(nroots, sizeof(*view->roots));
	view->rel = xcalloc(nroots, sizeof(*view->rel));
	for (i = 0; i < nroots; i++) {
		view->rel[i] = xstrdup(rel[i]);
		/* "." is the base itself, named as it was given. */
		view->roots[i] = str_eq(rel[i], ".") ? xstrdup(base) :
		    xasprintf("%s/%s", base, rel[i]);
	}
	view->nroots = nroots;
	view->prefix = xstrdup("");
	return view;
}

/* Return true if ${path} is absolute without empty, "." or ".." parts. */
static int
path_is_clean(const char *path)
{
	const char *p = path, *end;
	size_t n;

	if (*p != '/')
		return 0;
	while (*p == '/') {
		p++;
		if (*p == '\0')
			return 1;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
	}
	return 1;
}

struct fsview *
fsview_enter(const struct fsview *view, const char *path)
{
	struct fsview *sub;
	size_t len;

	if (!path_is_clean(path))
		return NULL;
	sub = fsview_new(view->base, (const char *const *)view->rel,
	    view->nroots);
	free(sub->prefix);
	len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	sub->prefix = xasprintf("%s%.*s", view->prefix, (int)len, path);
	return sub;
}

void
fsview_free(struct fsview *view)
{
	size_t i;

	if (view == NULL)
		return;
	for (i = 0; i < view->nroots; i++) {
		free(view->roots[i]);
		free(view->rel[i]);
	}
	free(view->roots);
	free(view->rel);
	free(view->base);
	free(view->prefix);
	free(view);
}

/*
 * Open ${rel} (relative; "" is ${base} itself) beneath the directory
 * ${base} with ${flags}: no symbolic link, ".." or absolute path on the
 * way may leave ${base}.  Return the descriptor, or -1 with ${errnum} set
 * (EXDEV for a way out).
 */
static int
open_beneath(const char *base, const char *rel, int flags, int *errnum)
{
	struct open_how how;
	int dir, fd, tries;

	if ((dir = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		*errnum = errno;
		return -1;
	}
	while (*rel == '/')
		rel++;
	memset(&how, 0, sizeof(how));
	/* openat2() refuses O_PATH with flags other than these. */
	how.flags = (unsigned long long)(flags | O_CLOEXEC |
	    ((flags & O_PATH) ? 0 : O_NOCTTY));
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename elsewhere in the tree raced the lookup. */
	for (tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, dir, *rel != '\0' ? rel : ".",
		    &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0)
		*errnum = errno;
	close(dir);
	return fd;
}

/* The path of ${path} of ${view} in root ${i}, relative to the site. */
static char *
view_rel(const struct fsview *view, size_t i, const char *path)
{
	return xasprintf("%s%s%s", view->rel[i], view->prefix, path);
}

/*
 * Find ${path} in ${view}: the first root where it exists beneath the
 * site.  Return an O_PATH descriptor of it and its root's index in
 * ${root}, or -1 with ${errnum} set.
 */
static int
view_find(const struct fsview *view, const char *path, size_t *root,
    int *errnum)
{
	size_t i;
	char *rel;
	int fd;

	if (!path_is_clean(path)) {
		*errnum = EINVAL;
		return -1;
	}
	for (i = 0; i < view->nroots; i++) {
		rel = view_rel(view, i, path);
		fd = open_beneath(view->base, rel, O_PATH, errnum);
		free(rel);
		if (fd >= 0) {
			*root = i;
			return fd;
		}
		/* Not in this root (or a file where a directory would be):
		   the next one may hold it.  Anything else is an answer. */
		if (*errnum != ENOENT && *errnum != ENOTDIR)
			return -1;
	}
	*errnum = ENOENT;
	return -1;
}

char *
fsview_resolve(const struct fsview *view, const char *path, int *errnum)
{
	size_t i;
	int fd;

	if ((fd = view_find(view, path, &i, errnum)) < 0)
		return NULL;
	close(fd);
	return xasprintf("%s%s%s", view->roots[i], view->prefix, path);
}

/*
 * Read the regular file ${rel} beneath ${base} into a source named
 * ${name}: looked at first through an O_PATH descriptor, so that a FIFO or
 * a device is refused without being opened, then opened for reading
 * (non-blocking, should it have been swapped meanwhile) and checked to be
 * the same file.
 */
static struct source *
read_beneath(const char *base, const char *rel, const char *name,
    int *errnum)
{
	struct source *src;
	struct stat st, st2;
	size_t len;
	char *text;
	int fd;

	if ((fd = open_beneath(base, rel, O_PATH, errnum)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		*errnum = errno;
		close(fd);
		return NULL;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		*errnum = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		return NULL;
	}
	if ((uintmax_t)st.st_size > FSVIEW_FILE_MAX) {
		*errnum = EFBIG;
		return NULL;
	}
	if ((fd = open_beneath(base, rel, O_RDONLY | O_NONBLOCK, errnum)) < 0)
		return NULL;
	if (fstat(fd, &st2) != 0 || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino || !S_ISREG(st2.st_mode)) {
		*errnum = ENODEV;
		close(fd);
		return NULL;
	}
	text = read_fd(fd, FSVIEW_FILE_MAX, &len, errnum);
	close(fd);
	if (text == NULL)
		return NULL;
	src = source_new(name, text, len);
	free(text);
	return src;
}

char *
fsview_name(const struct fsview *view, size_t i, const char *path)
{
	const char *root = view->roots[i];

	if (view->prefix[0] != '\0')
		return xasprintf("%s%s%s", root, view->prefix, path);
	/* A root "." (a lone pf.conf's directory) names files as given. */
	if (str_eq(root, "."))
		return xstrdup(path + 1);
	return xasprintf("%s%s", root, str_eq(root, "/") ? path + 1 : path);
}

struct source *
fsview_read(const struct fsview *view, const char *path, int *errnum)
{
	struct source *src;
	char *rel, *name;
	size_t root;
	int fd;

	if ((fd = view_find(view, path, &root, errnum)) < 0)
		return NULL;
	close(fd);
	rel = view_rel(view, root, path);
	name = fsview_name(view, root, path);
	src = read_beneath(view->base, rel, name, errnum);
	free(rel);
	free(name);
	return src;
}

struct source *
fsview_read_site(const char *dir, const char *name, int *errnum)
{
	struct source *src;
	char *path = xasprintf("%s/%s", dir, name);

	src = read_beneath(dir, name, path, errnum);
	free(path);
	return src;
}

int
fsview_dir_open(const struct fsview *view, size_t i, int *errnum)
{
	struct stat st;
	char *rel;
	int fd;

	rel = xasprintf("%s%s", view->rel[i], view->prefix);
	fd = open_beneath(view->base, rel, O_PATH, errnum);
	free(rel);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*errnum = ENOTDIR;
		close(fd);
		return -1;
	}
	return fd;
}

char *
fsview_dir(const struct fsview *view, size_t i, int *errnum)
{
	char link[64], real[PATH_MAX];
	ssize_t n;
	int fd;

	if ((fd = fsview_dir_open(view, i, errnum)) < 0)
		return NULL;
	/* The directory found, not a path that a link could redirect. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0)
		*errnum = errno;
	close(fd);
	if (n < 0)
		return NULL;
	real[n] = '\0';
	return xstrdup(real);
}

/* The words of EFBIG below must follow the bound. */
_Static_assert(FSVIEW_FILE_MAX == 64u << 20, "FSVIEW_FILE_MAX");

const char *
fsview_strerror(int errnum)
{
	switch (errnum) {
	case EINVAL:
		return "not a clean absolute path";
	case EXDEV:
		return "a symbolic link leads outside the site";
	case ENODEV:
		return "not a regular file";
	case EFBIG:
		return "larger than the 64 MiB a site's file may hold";
	default:
		return strerror(errnum);
	}
}

/* The listing under way: its entries and the first error. */
struct listing {
	const struct fsview *view;
	struct fsview_entry *v;
	size_t n, cap;
	char *why;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The on-disk path of the view's ${path} ("" for its /) in root ${i}. */
static char *
in_root(const struct listing *ls, size_t i, const char *path)
{
	return xasprintf("%s%s%s", ls->view->roots[i], ls->view->prefix, path);
}

/* Whether the directory ${dir} has an entry; -1 if it cannot be read. */
static int
dir_has_entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int any = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (!any && (de = readdir(d)) != NULL)
		any = strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return any;
}

/*
 * Add to ${names} the names in the directory ${dir} of the view, from each
 * root where it is a directory.  The roots before the first one that holds
 * it never do: list_dir() is called only for a path whose first holder is
 * a directory; a later root's non-directory at that path is hidden.
 */
static int
collect_names(struct listing *ls, const char *dir, char ***names,
    size_t *nnames)
{
	struct dirent *de;
	struct stat sb;
	size_t i, cap = 0;
	char *p;
	DIR *d;

	for (i = 0; i < ls->view->nroots; i++) {
		p = in_root(ls, i, dir);
		/* The roots are followed, as fsview_resolve() does. */
		if ((*dir == '\0' ? stat(p, &sb) : lstat(p, &sb)) != 0 ||
		    !S_ISDIR(sb.st_mode)) {
			free(p);
			continue;
		}
		if ((d = opendir(p)) == NULL) {
			ls->why = xasprintf("%s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				*VEC_PUSH(*names, *nnames, cap) =
				    xstrdup(de->d_name);
		closedir(d);
		free(p);
	}
	if (*nnames > 1)
		qsort(*names, *nnames, sizeof(**names), cmp_names);
	return 0;
}

/* The entry ${path} of the view: the first root holding it, then below. */
static int list_dir(struct listing *ls, const char *dir);

static int
list_entry(struct listing *ls, const char *path)
{
	struct fsview_entry *e;
	struct stat sb, lower;
	size_t i, k;
	char *p = NULL;
	int full;

	for (k = 0; k < ls->view->nroots; k++) {
		p = in_root(ls, k, path);
		if (lstat(p, &sb) == 0)
			break;
		free(p);
		p = NULL;
	}
	if (p == NULL)
		return 0;	/* a name read from a directory, since removed */
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode) &&
	    !S_ISLNK(sb.st_mode)) {
		ls->why = xasprintf("%s: neither a file, a directory nor a "
		    "symbolic link", p);
		free(p);
		return -1;
	}
	/* A file or link over a directory with entries: no real tree. */
	for (i = k + 1; !S_ISDIR(sb.st_mode) && i < ls->view->nroots; i++) {
		char *q = in_root(ls, i, path);

		if (lstat(q, &lower) == 0 && S_ISDIR(lower.st_mode) &&
		    (full = dir_has_entries(q)) != 0) {
			ls->why = full < 0 ? xasprintf("%s: %s", q,
			    strerror(errno)) : xasprintf("%s hides the "
			    "directory %s, whose entries the view still "
			    "shows: a tree cannot hold both", p, q);
			free(q);
			free(p);
			return -1;
		}
		free(q);
	}
	e = VEC_PUSH(ls->v, ls->n, ls->cap);
	e->path = xstrdup(path);
	e->source = p;
	e->mode = (unsigned)sb.st_mode & 07777;
	if (S_ISDIR(sb.st_mode)) {
		e->kind = FSVIEW_DIR;
		return list_dir(ls, path);
	}
	e->kind = S_ISLNK(sb.st_mode) ? FSVIEW_LINK : FSVIEW_FILE;
	return 0;
}

static int
list_dir(struct listing *ls, const char *dir)
{
	char **names = NULL, *path;
	size_t n = 0, i;
	int rc;

	rc = collect_names(ls, dir, &names, &n);
	for (i = 0; i < n; i++) {
		/* Each name once, though several roots hold it. */
		if (rc == 0 && (i == 0 || strcmp(names[i], names[i - 1]) != 0)) {
			path = xasprintf("%s/%s", dir, names[i]);
			rc = list_entry(ls, path);
			free(path);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
fsview_list(const struct fsview *view, struct fsview_entry **entries,
    size_t *nentries, char **why)
{
	struct listing ls = { .view = view };

	*entries = NULL;
	*nentries = 0;
	*why = NULL;
	if (list_dir(&ls, "") != 0) {
		fsview_entries_free(ls.v, ls.n);
		*why = ls.why;
		return -1;
	}
	*entries = ls.v;
	*nentries = ls.n;
	return 0;
}

void
fsview_entries_free(struct fsview_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(entries[i].path);
		free(entries[i].source);
	}
	free(entries);
}
