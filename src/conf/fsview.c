#include "conf/fsview.h"

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
