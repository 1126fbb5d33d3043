#include "conf/fsview.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util.h"

struct fsview *
fsview_new(const char *const *roots, size_t nroots)
{
	struct fsview *view = xcalloc(1, sizeof(*view));
	size_t i;

	view->roots = xcalloc(nroots, sizeof(*view->roots));
	for (i = 0; i < nroots; i++)
		view->roots[i] = xstrdup(roots[i]);
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
	sub = fsview_new((const char *const *)view->roots, view->nroots);
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
	for (i = 0; i < view->nroots; i++)
		free(view->roots[i]);
	free(view->roots);
	free(view->prefix);
	free(view);
}

char *
fsview_resolve(const struct fsview *view, const char *path, int *errnum)
{
	struct stat st;
	size_t i;
	char *p;

	if (!path_is_clean(path)) {
		*errnum = EINVAL;
		return NULL;
	}
	for (i = 0; i < view->nroots; i++) {
		p = xasprintf("%s%s%s", view->roots[i], view->prefix, path);
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	*errnum = ENOENT;
	return NULL;
}

struct source *
fsview_read(const struct fsview *view, const char *path, int *errnum)
{
	struct source *src;
	char *p;

	if ((p = fsview_resolve(view, path, errnum)) == NULL)
		return NULL;
	src = source_read(p, p, errnum);
	free(p);
	return src;
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
