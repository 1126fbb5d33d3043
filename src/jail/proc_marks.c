/* proc_marks: the command and files each process started with. */
#include "jail/proc_marks.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/util.h"
#include "lib/diag.h"
#include "conf/fsview.h"
#include "kernel/state.h"

/* One item of a digest: its length first, so "ab","c" is not "a","bc". */
static void
digest_item(EVP_MD_CTX *ctx, const void *data, size_t len)
{
	uint64_t n = len;

	EVP_DigestUpdate(ctx, &n, sizeof(n));
	EVP_DigestUpdate(ctx, data, len);
}

static void
digest_str(EVP_MD_CTX *ctx, const char *s)
{
	digest_item(ctx, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* Finish ${ctx} into ${hex}. */
static void
digest_hex(EVP_MD_CTX *ctx, char hex[PROC_MARK_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;

	EVP_DigestFinal_ex(ctx, md, &len);
	for (i = 0; i < len && 2 * i + 2 < PROC_MARK_HEX; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static EVP_MD_CTX *
digest_new(struct nl_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		nl_error_set(err, ENOSYS, "SHA-256 is not available");
		return NULL;
	}
	return ctx;
}

/* The path and content of the regular file ${path} of ${tree}. */
static int
digest_file(EVP_MD_CTX *ctx, const struct fsview *tree, const char *path,
    struct nl_error *err)
{
	struct source *src;
	int errnum;

	if ((src = fsview_read(tree, path, &errnum)) == NULL) {
		nl_error_set(err, errnum, "%s: %s", path,
		    fsview_strerror(errnum));
		return -1;
	}
	digest_str(ctx, path);
	digest_item(ctx, src->text, src->len);
	source_free(src);
	return 0;
}

/* Whether a pipe of ${list} in the jail of ${tree} names ${path}. */
static bool
pipe_names(const struct proc_list *list, const struct fsview *tree,
    const char *path)
{
	size_t i, k;

	for (i = 0; i < list->n; i++)
		if (list->procs[i].kind == PROC_PIPE &&
		    list->procs[i].tree == tree)
			for (k = 1; k < list->procs[i].argc; k++)
				if (str_eq(list->procs[i].argv[k], path))
					return true;
	return false;
}

/* Whether ${path} is beneath the own directory of a service of ${list}
   in the jail of ${tree}. */
static bool
service_owns(const struct proc_list *list, const struct fsview *tree,
    const char *path)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (list->procs[i].kind == PROC_SERVICE &&
		    list->procs[i].tree == tree &&
		    list->procs[i].files_dir != NULL &&
		    path_is_under(path, list->procs[i].files_dir))
			return true;
	return false;
}

/*
 * Every entry of ${tree}: path, kind, a link's target, a file's bytes;
 * only those beneath ${dir} if not NULL, else all but the files the
 * jail's pipes of ${list} name and those beneath a service's own
 * directory, which are theirs.
 */
static int
digest_tree(EVP_MD_CTX *ctx, const struct proc_list *list,
    const struct fsview *tree, const char *dir, struct nl_error *err)
{
	struct fsview_entry *e = NULL;
	char *why = NULL, target[4096];
	size_t n = 0, i;
	ssize_t len;
	int rc = 0;

	if (fsview_list(tree, &e, &n, &why) != 0) {
		nl_error_set(err, EINVAL, "%s", why);
		free(why);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (dir != NULL ? !path_is_under(e[i].path, dir) :
		    pipe_names(list, tree, e[i].path) ||
		    service_owns(list, tree, e[i].path))
			continue;
		digest_str(ctx, e[i].path);
		digest_item(ctx, &e[i].kind, sizeof(e[i].kind));
		if (e[i].kind == FSVIEW_FILE) {
			rc = digest_file(ctx, tree, e[i].path, err);
		} else if (e[i].kind == FSVIEW_LINK) {
			if ((len = readlink(e[i].source, target,
			    sizeof(target))) < 0) {
				nl_error_set(err, errno, "%s: cannot read the "
				    "link", e[i].path);
				rc = -1;
			} else {
				digest_item(ctx, target, (size_t)len);
			}
		}
	}
	fsview_entries_free(e, n);
	return rc;
}

/* The regular files of ${tree} that the arguments of ${p} name. */
static int
digest_named(EVP_MD_CTX *ctx, const struct proc_spec *p,
    struct nl_error *err)
{
	size_t k;

	for (k = 1; k < p->argc; k++) {
		char *file;
		int errnum;

		if (p->argv[k][0] != '/' || (file = fsview_resolve(p->tree,
		    p->argv[k], &errnum)) == NULL)
			continue;
		free(file);
		if (digest_file(ctx, p->tree, p->argv[k], err) != 0 &&
		    err->errnum != EISDIR && err->errnum != ENODEV)
			return -1;
	}
	return 0;
}

/* The mark of ${p} of ${list} into ${m}; its files only if ${files}. */
static int
mark_of(const struct proc_list *list, const struct proc_spec *p, bool files,
    struct proc_mark *m, struct nl_error *err)
{
	EVP_MD_CTX *ctx;
	size_t k;
	int rc = 0;

	if ((ctx = digest_new(err)) == NULL)
		return -1;
	digest_str(ctx, p->path);
	for (k = 0; k < p->argc; k++)
		digest_str(ctx, p->argv[k]);
	digest_hex(ctx, m->cmd);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	if (files && p->tree != NULL)
		rc = p->kind == PROC_PIPE ? digest_named(ctx, p, err) :
		    digest_tree(ctx, list, p->tree, p->files_dir, err);
	digest_hex(ctx, m->files);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int
proc_marks_of(const struct proc_list *list, struct proc_marks *out,
    struct nl_error *err)
{
	struct nl_error why;
	size_t i, k;

	for (i = 0; i < list->n; i++) {
		const struct proc_spec *p = &list->procs[i];
		struct proc_mark *m = VEC_PUSH(out->v, out->n, out->cap);

		memset(m, 0, sizeof(*m));
		m->server = xstrdup(p->server);
		m->jail = xstrdup(p->jail);
		m->kind = xstrdup(proc_kind_name(p->kind));
		m->name = xstrdup(p->name);
		/* The services of one jail share its tree's digest, but
		   those with a directory of their own. */
		for (k = 0; k < i; k++)
			if (p->kind == PROC_SERVICE && p->tree != NULL &&
			    p->files_dir == NULL &&
			    list->procs[k].kind == PROC_SERVICE &&
			    list->procs[k].files_dir == NULL &&
			    list->procs[k].tree == p->tree)
				break;
		if (mark_of(list, p, k == i, m, &why) != 0) {
			nl_error_set(err, why.errnum, "files of %s %s of "
			    "%s/%s: %s", m->kind, m->name, m->server, m->jail,
			    why.msg);
			return -1;
		}
		if (k < i)
			memcpy(m->files, out->v[k].files, sizeof(m->files));
	}
	return 0;
}

static char *
marks_path(const char *root, const char *site)
{
	return xasprintf("%s/%s/services", root, site);
}

int
proc_marks_save(const struct proc_marks *marks, const char *root,
    const char *site, struct nl_error *err)
{
	struct strbuf out = { 0 };
	char *path = marks_path(root, site);
	size_t i;
	int errnum, rc = 0;

	for (i = 0; i < marks->n; i++) {
		const struct proc_mark *m = &marks->v[i];

		strbuf_addf(&out, "%s %s %s %s %s %s\n", m->server, m->jail,
		    m->kind, m->name, m->cmd, m->files);
	}
	if (write_file_atomic(path, out.s != NULL ? out.s : "", out.len, 0644,
	    &errnum) != 0) {
		nl_error_set(err, errnum, "write %s", path);
		rc = -1;
	}
	strbuf_free(&out);
	free(path);
	return rc;
}

int
proc_marks_load(const char *root, const char *site, struct proc_marks *out,
    struct nl_error *err)
{
	char *path = marks_path(root, site), *text, *line, *next;
	unsigned n = 0;
	int errnum, rc = 0;

	if ((text = read_file(path, NULL, &errnum)) == NULL) {
		nl_error_set(err, errnum, "read %s", path);
		free(path);
		return -1;
	}
	for (line = text; *line != '\0'; line = next) {
		char server[256], jail[256], kind[16], name[256];
		char cmd[PROC_MARK_HEX], files[PROC_MARK_HEX];
		struct proc_mark *m;

		n++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (sscanf(line, "%255s %255s %15s %255s %64s %64s", server,
		    jail, kind, name, cmd, files) != 6 || strlen(cmd) != 64 ||
		    strlen(files) != 64) {
			nl_error_set(err, EINVAL, "%s:%u: not a line jailnet "
			    "wrote", path, n);
			rc = -1;
			break;
		}
		m = VEC_PUSH(out->v, out->n, out->cap);
		m->server = xstrdup(server);
		m->jail = xstrdup(jail);
		m->kind = xstrdup(kind);
		m->name = xstrdup(name);
		memcpy(m->cmd, cmd, sizeof(m->cmd));
		memcpy(m->files, files, sizeof(m->files));
	}
	free(text);
	free(path);
	return rc;
}

/* The index in ${marks} of that process's mark, or marks->n. */
static size_t
mark_index(const struct proc_marks *marks, const char *server,
    const char *jail, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < marks->n; i++)
		if (str_eq(marks->v[i].server, server) &&
		    str_eq(marks->v[i].jail, jail) &&
		    str_eq(marks->v[i].kind, kind) &&
		    str_eq(marks->v[i].name, name))
			break;
	return i;
}

const struct proc_mark *
proc_marks_find(const struct proc_marks *marks, const char *server,
    const char *jail, const char *kind, const char *name)
{
	size_t i = mark_index(marks, server, jail, kind, name);

	return i < marks->n ? &marks->v[i] : NULL;
}

void
proc_marks_set(struct proc_marks *marks, const struct proc_mark *m)
{
	size_t i = mark_index(marks, m->server, m->jail, m->kind, m->name);
	struct proc_mark *w;

	if (i == marks->n) {
		w = VEC_PUSH(marks->v, marks->n, marks->cap);
		w->server = xstrdup(m->server);
		w->jail = xstrdup(m->jail);
		w->kind = xstrdup(m->kind);
		w->name = xstrdup(m->name);
	} else {
		w = &marks->v[i];
	}
	memcpy(w->cmd, m->cmd, sizeof(w->cmd));
	memcpy(w->files, m->files, sizeof(w->files));
}

int
proc_marks_remove(const char *root, const char *site, struct nl_error *err)
{
	return state_remove_file(root, site, "services", err);
}

void
proc_marks_free(struct proc_marks *marks)
{
	size_t i;

	for (i = 0; i < marks->n; i++) {
		free(marks->v[i].server);
		free(marks->v[i].jail);
		free(marks->v[i].kind);
		free(marks->v[i].name);
	}
	free(marks->v);
	memset(marks, 0, sizeof(*marks));
}
