/*
 * jail_view: build and enter the mount view of a jail.
 */
#include "jail/jail_view.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/state.h"

/* Top-level host directories that layer (d) lets through. */
static const char *const host_keep[] = {
	"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "var",
	"opt",
};

/*
 * Of the host's /etc and /var, all that a jail sees: what Debian's
 * programs need to run (the loader's, name service's, TLS's and the
 * shells' files, the alternatives' links, PAM's for su, the directories
 * its packaged daemons expect, the data files nginx's package ships
 * beside its configuration as FreeBSD's does), never the host's own
 * configuration, users' passwords, SSH host keys, package database, logs
 * or mail.  A FreeBSD jail has an /etc of its own: the site gives the
 * jail's files, in the layers above.  Every directory on the way to one
 * of these shows only the ones below it.
 */
static const char *const host_allow[] = {
	"/etc/alternatives", "/etc/bash.bashrc", "/etc/ca-certificates",
	"/etc/ca-certificates.conf", "/etc/debian_version", "/etc/gai.conf",
	"/etc/host.conf", "/etc/inputrc", "/etc/ld.so.cache",
	"/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/locale.alias",
	"/etc/localtime", "/etc/login.defs", "/etc/mime.types", "/etc/mtab",
	"/etc/nginx/fastcgi.conf", "/etc/nginx/fastcgi_params",
	"/etc/nginx/koi-utf", "/etc/nginx/koi-win", "/etc/nginx/mime.types",
	"/etc/nginx/proxy_params", "/etc/nginx/scgi_params",
	"/etc/nginx/uwsgi_params", "/etc/nginx/win-utf",
	"/etc/nsswitch.conf", "/etc/os-release", "/etc/pam.conf",
	"/etc/pam.d", "/etc/profile", "/etc/protocols", "/etc/rpc",
	"/etc/security", "/etc/services", "/etc/shells", "/etc/ssl",
	"/etc/terminfo", "/etc/timezone",
	"/var/cache/nginx", "/var/lib/nginx", "/var/lib/nsd",
	"/var/lib/postgresql", "/var/lock", "/var/log/nginx",
	"/var/log/nsd", "/var/log/postgresql", "/var/run", "/var/spool",
	"/var/tmp",
};

/* Under host_allow: the host's secrets there, hidden from every jail. */
static const char *const host_secrets[] = {
	"/etc/ssl/private",
};

/*
 * Made for the view rather than shown: the host's users and groups
 * without its people (an id from Debian's first user id, login.defs'
 * UID_MIN, up to but not including nobody's), a shadow file that gives
 * each of those users the password "*" (none can log in with a password,
 * none is locked: sshd lets a key in, as on a FreeBSD jail whose
 * master.passwd has no password for root), and a hosts file that knows
 * localhost only, as FreeBSD's default one.
 */
#define FIRST_USER_ID 1000
#define NOBODY_ID 65534
static const char *const host_made[] = {
	"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/hosts",
};

/* Top-level directories that are new and empty in every jail. */
static const char *const fresh_dirs[] = {
	"dev", "proc", "sys", "tmp", "run",
};

/* Read-only in the jail where they are directories. */
static const char *const ro_dirs[] = {
	"usr", "opt", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
};

/* Read-only in the jail's /proc. */
static const char *const proc_ro[] = {
	"sys", "sysrq-trigger", "irq", "bus",
};

/* Device nodes bound from the host's /dev. */
static const char *const dev_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty",
};


static bool
in_list(const char *word, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

/* The project tree of ${exe} (".../build/jailnet"): what precedes /build/. */
static char *
project_of(const char *exe)
{
	const char *b = strstr(exe, "/build/");

	return b != NULL && b != exe ? xstrndup(exe, (size_t)(b - exe)) : NULL;
}

char *
jail_view_helpers(const char *bindir)
{
	static const char *const beside[] = { "libexec", "../libexec/jailnet" };
	struct stat sb;
	char *p, *abs;
	size_t i;

	for (i = 0; i < NELEM(beside); i++) {
		p = xasprintf("%s/%s", bindir, beside[i]);
		abs = realpath(p, NULL);
		free(p);
		if (abs != NULL && stat(abs, &sb) == 0 && S_ISDIR(sb.st_mode))
			return abs;
		free(abs);
	}
	return NULL;
}

struct jail_view *
jail_view_new(const char *data_root, const char *site, const char *server,
    const char *name, const struct fsview *tree, const char *site_dir)
{
	struct jail_view *v = xcalloc(1, sizeof(*v));
	size_t cap = 0, hcap = 0, fcap = 0, nfds = 0, i;
	char exe[PATH_MAX], *p;
	ssize_t n;

	v->base = xasprintf("%s/%s", data_root, site);
	v->upper = xasprintf("%s/%s/data/%s/%s", data_root, site, server,
	    name);
	v->gen = xasprintf("%s/%s/gen/%s/%s", data_root, site, server, name);
	v->work = xasprintf("%s/%s/work/%s/%s", data_root, site, server,
	    name);
	/* Found beneath the site: a directory that is a link out of it
	   (refused by check) is left out rather than mapped in. */
	for (i = 0; tree != NULL && i < tree->nroots; i++) {
		int errnum = 0, fd;

		if ((fd = fsview_dir_open(tree, i, &errnum)) < 0)
			continue;
		if ((p = fsview_dir(tree, i, &errnum)) == NULL) {
			close(fd);
			continue;
		}
		*VEC_PUSH(v->tree_fds, nfds, fcap) = fd;
		*VEC_PUSH(v->trees, v->ntrees, cap) = p;
	}
	if ((p = realpath(site_dir, NULL)) != NULL)
		*VEC_PUSH(v->hide, v->nhide, hcap) = p;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((p = project_of(exe)) != NULL)
			*VEC_PUSH(v->hide, v->nhide, hcap) = p;
		p = strrchr(exe, '/');
		*p = '\0';
		v->libexec = jail_view_helpers(exe);
	}
	return v;
}

void
jail_view_free(struct jail_view *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->upper);
	free(v->gen);
	free(v->work);
	for (i = 0; i < v->ntrees; i++) {
		free(v->trees[i]);
		close(v->tree_fds[i]);
	}
	free(v->trees);
	free(v->tree_fds);
	free(v->base);
	for (i = 0; i < v->nhide; i++)
		free(v->hide[i]);
	free(v->hide);
	free(v->libexec);
	free(v);
}

int
jail_view_prepare(const struct jail_view *v, struct nl_error *err)
{
	const char *dirs[3];
	char *w = xasprintf("%s/w", v->work), *m = xasprintf("%s/m", v->work);
	struct statvfs vfs;
	size_t i;
	int rc = 0;

	dirs[0] = v->upper;
	dirs[1] = w;
	dirs[2] = m;
	for (i = 0; i < 3 && rc == 0; i++)
		if (make_dir_p(dirs[i], 0755) != 0) {
			nl_error_set(err, errno, "create %s", dirs[i]);
			rc = -1;
		}
	/* Existing directories on a read-only file system pass mkdir; the
	   overlay mount would then fail with a bare EINVAL. */
	for (i = 0; i < 2 && rc == 0; i++)
		if (statvfs(dirs[i], &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
			nl_error_set(err, EROFS, "the jail's %s directory %s",
			    i == 0 ? "data" : "work", dirs[i]);
			rc = -1;
		}
	free(w);
	free(m);
	return rc;
}

/* Return true if ${path} is absolute without empty, "." or ".." parts. */
static bool
clean_path(const char *path)
{
	const char *p = path;
	size_t n;

	if (*p != '/')
		return false;
	while (*p == '/') {
		p++;
		n = strcspn(p, "/");
		if (n == 0)
			return *p == '\0';
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

/* ${path} is one of host_allow, below one, or a directory on the way to
   one (${*on_way} set then). */
static bool
host_allowed(const char *path, bool *on_way)
{
	size_t i, n = strlen(path);

	*on_way = false;
	for (i = 0; i < NELEM(host_allow); i++) {
		if (path_is_under(path, host_allow[i]))
			return true;
		if (strncmp(host_allow[i], path, n) == 0 &&
		    host_allow[i][n] == '/')
			*on_way = true;
	}
	return *on_way;
}

/* Return true if layer (d) shows the host's ${path} (clean, absolute). */
static bool
host_shows(const struct jail_view *v, const char *path)
{
	char top[NAME_MAX + 1];
	size_t n = strcspn(path + 1, "/"), i;
	bool on_way;

	if (n == 0 || n > NAME_MAX)
		return false;
	memcpy(top, path + 1, n);
	top[n] = '\0';
	/* DATA_ROOT and /var/tmp are outside host_allow too; named here as
	   at the mount, so that no entry added there can show them. */
	if (!in_list(top, host_keep, NELEM(host_keep)) ||
	    path_is_under(path, DATA_ROOT) || path_is_under(path, "/var/tmp"))
		return false;
	if ((strcmp(top, "etc") == 0 || strcmp(top, "var") == 0) &&
	    path[1 + n] != '\0' && !host_allowed(path, &on_way) &&
	    !in_list(path, host_made, NELEM(host_made)))
		return false;
	for (i = 0; i < v->nhide; i++)
		if (path_is_under(path, v->hide[i]))
			return false;
	return true;
}

char *
jail_view_resolve(const struct jail_view *v, const char *path, int *errnum)
{
	struct stat sb;
	size_t i, n = strlen(JAIL_VIEW_LIBEXEC);
	char *p;

	if (!clean_path(path)) {
		*errnum = EINVAL;
		return NULL;
	}
	if (v->libexec != NULL && path_is_under(path, JAIL_VIEW_LIBEXEC)) {
		/* The bind mount covers whatever the layers hold there. */
		p = xasprintf("%s%s", v->libexec, path + n);
		if (stat(p, &sb) == 0)
			return p;
		free(p);
		*errnum = ENOENT;
		return NULL;
	}
	p = xasprintf("%s%s", v->upper, path);
	if (stat(p, &sb) == 0)
		return p;
	free(p);
	p = xasprintf("%s%s", v->gen, path);
	if (stat(p, &sb) == 0)
		return p;
	free(p);
	for (i = 0; i < v->ntrees; i++) {
		p = xasprintf("%s%s", v->trees[i], path);
		if (stat(p, &sb) == 0)
			return p;
		free(p);
	}
	if (host_shows(v, path) && stat(path, &sb) == 0)
		return xstrdup(path);
	*errnum = ENOENT;
	return NULL;
}

/* ${path} of the view is an executable regular file. */
static bool
view_executable(const struct jail_view *v, const char *path)
{
	struct stat sb;
	char *disk;
	int errnum;
	bool ok;

	if ((disk = jail_view_resolve(v, path, &errnum)) == NULL)
		return false;
	ok = stat(disk, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    access(disk, X_OK) == 0;
	free(disk);
	return ok;
}

char *
jail_view_which(const struct jail_view *v, const char *cmd)
{
	const char *dir = JAIL_VIEW_PATH, *end;
	char *cand;

	if (strchr(cmd, '/') != NULL) {
		cand = cmd[0] == '/' ? xstrdup(cmd) : xasprintf("/%s", cmd);
		if (view_executable(v, cand))
			return cand;
		free(cand);
		return NULL;
	}
	for (;;) {
		end = dir + strcspn(dir, ":");
		cand = xasprintf("%.*s/%s", (int)(end - dir), dir, cmd);
		if (view_executable(v, cand))
			return cand;
		free(cand);
		if (*end == '\0')
			return NULL;
		dir = end + 1;
	}
}

/* --- Building the view (in the jail's init). --- */

/* Append ${path} to ${sb} with overlayfs' escapes for ':' ',' and '\'. */
static void
add_layer(struct strbuf *sb, const char *path)
{
	const char *p;

	for (p = path; *p != '\0'; p++) {
		if (*p == ':' || *p == ',' || *p == '\\')
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *p);
	}
}

static int
do_mount(const char *src, const char *dst, const char *type,
    unsigned long flags, const char *data, struct nl_error *err)
{
	if (mount(src, dst, type, flags, data) != 0) {
		nl_error_set(err, errno, "mount %s on %s", type != NULL ?
		    type : src, dst);
		return -1;
	}
	return 0;
}

/* Bind ${src} on ${dst} read-only (nosuid, nodev unless ${dev}). */
static int
bind_ro(const char *src, const char *dst, bool dev, struct nl_error *err)
{
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
	    (dev ? 0 : MS_NODEV);

	if (do_mount(src, dst, NULL, MS_BIND | MS_REC, NULL, err) != 0)
		return -1;
	if (mount(NULL, dst, NULL, flags, NULL) != 0) {
		nl_error_set(err, errno, "make %s read-only", dst);
		return -1;
	}
	return 0;
}

/* Make ${path} (in the mask) a whiteout: the layers below do not show it. */
static int
mask_whiteout(const char *path, struct nl_error *err)
{
	if (mknod(path, S_IFCHR | 0000, makedev(0, 0)) != 0 &&
	    errno != EEXIST) {
		nl_error_set(err, errno, "create whiteout %s", path);
		return -1;
	}
	return 0;
}

/* Make ${path} (in the mask) an empty opaque directory. */
static int
mask_opaque(const char *path, struct nl_error *err)
{
	if (make_dir(path, 0755) != 0) {
		nl_error_set(err, errno, "create %s", path);
		return -1;
	}
	if (setxattr(path, "trusted.overlay.opaque", "y", 1, 0) != 0) {
		nl_error_set(err, errno, "mark %s opaque", path);
		return -1;
	}
	return 0;
}

/*
 * Hide the host path ${path} under the mask ${mask}: a whiteout at its
 * place, its parents as plain directories (merged with the host's).
 * Nothing to do if its top directory is not shown anyway.  A path of the
 * list of shown top directories itself is never hidden.
 */
static int
mask_hide(const char *mask, const char *path, struct nl_error *err)
{
	struct stat sb;
	char *copy, *p;
	size_t n;
	int rc = 0;

	if (!clean_path(path) || path[1] == '\0')
		return 0;
	n = strcspn(path + 1, "/");
	copy = xstrndup(path + 1, n);
	if (!in_list(copy, host_keep, NELEM(host_keep)) ||
	    path[1 + n] == '\0') {
		free(copy);
		return 0;
	}
	free(copy);
	copy = xasprintf("%s%s", mask, path);
	for (p = copy + strlen(mask) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (make_dir(copy, 0755) != 0) {
			nl_error_set(err, errno, "create %s", copy);
			rc = -1;
		} else if (lstat(copy, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			rc = 1;		/* a whiteout hides an ancestor */
		}
		*p = '/';
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = mask_whiteout(copy, err);
	free(copy);
	return rc < 0 ? -1 : 0;
}

/*
 * Hide in ${mask} what ${dir} of the host holds beyond host_allow and
 * host_made, and do so again in each of its directories on the way to an
 * entry of host_allow.  A directory the host lacks shows nothing anyway.
 */
static int
hide_all_but_allowed(const char *mask, const char *dir, struct nl_error *err)
{
	struct dirent *de;
	struct stat sb;
	bool on_way;
	char *p;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (!host_allowed(p, &on_way)) {
			if (!in_list(p, host_made, NELEM(host_made)))
				rc = mask_hide(mask, p, err);
		} else if (on_way && lstat(p, &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			rc = hide_all_but_allowed(mask, p, err);
		}
		free(p);
	}
	closedir(d);
	return rc;
}

/* Keep the lines of the host's ${path} (passwd(5) or group(5)) whose
   third field, the id, is not a person's; append them to ${out}. */
static int
copy_system_ids(const char *path, struct strbuf *out, struct nl_error *err)
{
	char *data, *line, *end, *f;
	int errnum = 0;
	unsigned long id;
	size_t len;

	if ((data = read_file(path, &len, &errnum)) == NULL) {
		if (errnum == ENOENT)
			return 0;
		nl_error_set(err, errnum, "read %s", path);
		return -1;
	}
	for (line = data; *line != '\0'; line = end) {
		end = line + strcspn(line, "\n");
		if (*end == '\n')
			end++;
		f = line;
		if ((f = memchr(f, ':', (size_t)(end - f))) == NULL ||
		    (f = memchr(f + 1, ':', (size_t)(end - f - 1))) == NULL)
			continue;
		id = strtoul(f + 1, NULL, 10);
		if (id >= FIRST_USER_ID && id != NOBODY_ID)
			continue;
		strbuf_add(out, line, (size_t)(end - line));
		if (end[-1] != '\n')
			strbuf_addc(out, '\n');
	}
	free(data);
	return 0;
}

/* Append to ${out} a shadow(5) line with the password "*" for each user
   of the passwd(5) text ${passwd}. */
static void
shadow_of(const char *passwd, struct strbuf *out)
{
	const char *line, *end;
	size_t n;

	for (line = passwd; *line != '\0'; line = end) {
		end = line + strcspn(line, "\n");
		n = strcspn(line, ":\n");
		if (n > 0 && line[n] == ':') {
			strbuf_add(out, line, n);
			strbuf_adds(out, ":*:::::::\n");
		}
		if (*end == '\n')
			end++;
	}
}

/* Write the files of host_made into ${mask}. */
static int
make_host_files(const char *mask, struct nl_error *err)
{
	static const char hosts[] =
	    "::1\t\tlocalhost\n127.0.0.1\tlocalhost\n";
	struct strbuf users = { 0 };	/* passwd, for shadow */
	size_t i;
	char *p;
	int errnum = 0, rc = 0;

	p = xasprintf("%s/etc", mask);
	if (make_dir(p, 0755) != 0) {
		nl_error_set(err, errno, "create %s", p);
		rc = -1;
	}
	free(p);
	for (i = 0; rc == 0 && i < NELEM(host_made); i++) {
		struct strbuf sb = { 0 };
		bool shadow = strcmp(host_made[i], "/etc/shadow") == 0;

		if (strcmp(host_made[i], "/etc/hosts") == 0)
			strbuf_adds(&sb, hosts);
		else if (shadow)
			shadow_of(strbuf_cstr(&users), &sb);
		else if (strcmp(host_made[i], "/etc/passwd") == 0) {
			rc = copy_system_ids(host_made[i], &users, err);
			strbuf_adds(&sb, strbuf_cstr(&users));
		} else
			rc = copy_system_ids(host_made[i], &sb, err);
		p = xasprintf("%s%s", mask, host_made[i]);
		if (rc == 0 && write_file_atomic(p, strbuf_cstr(&sb), sb.len,
		    shadow ? 0600 : 0644, &errnum) != 0) {
			nl_error_set(err, errnum, "write %s", p);
			rc = -1;
		}
		free(p);
		strbuf_free(&sb);
	}
	strbuf_free(&users);
	return rc;
}

/* Others (not the owner, not the group) may read ${st}; a directory
   they must also be able to search. */
static bool
readable_by_others(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return (st->st_mode & (S_IROTH | S_IXOTH)) ==
		    (S_IROTH | S_IXOTH);
	return (st->st_mode & S_IROTH) != 0;
}

/*
 * Hide in ${mask} every entry of host_allow that the host's own
 * unprivileged users cannot read (a directory is hidden whole): private
 * keys, logs, databases' files.  A jail's root holds
 * CAP_DAC_OVERRIDE in its jail; a FreeBSD jail's root sees none of the
 * host's files, so it must not read here what the host keeps from its
 * users.  DATA_ROOT and /var/tmp are hidden already and not walked.
 * Entries that vanish during the walk are passed over.
 */
static int
hide_host_private(const char *mask, struct nl_error *err)
{
	char *roots[NELEM(host_allow) + 1];
	FTSENT *e;
	FTS *fts;
	size_t i;
	int rc = 0;

	for (i = 0; i < NELEM(host_allow); i++)
		roots[i] = (char *)host_allow[i];
	roots[i] = NULL;
	if ((fts = fts_open(roots, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR,
	    NULL)) == NULL) {
		nl_error_set(err, errno, "read the host's /etc and /var");
		return -1;
	}
	while (rc == 0 && (e = fts_read(fts)) != NULL) {
		switch (e->fts_info) {
		case FTS_D:
			if (path_is_under(e->fts_path, DATA_ROOT) ||
			    path_is_under(e->fts_path, "/var/tmp")) {
				fts_set(fts, e, FTS_SKIP);
				break;
			}
			/* FALLTHROUGH */
		case FTS_F:
		case FTS_DEFAULT:
			if (!readable_by_others(e->fts_statp)) {
				rc = mask_hide(mask, e->fts_path, err);
				fts_set(fts, e, FTS_SKIP);
			}
			break;
		case FTS_DNR:
			rc = mask_hide(mask, e->fts_path, err);
			break;
		default:	/* links (shown as links), post-order, vanished */
			break;
		}
	}
	if (rc == 0 && errno != 0 && e == NULL) {
		nl_error_set(err, errno, "read the host's /etc and /var");
		rc = -1;
	}
	fts_close(fts);
	return rc;
}

/* Fill the directory ${mask}: what layer (d) hides of the host's /. */
static int
build_mask(const struct jail_view *v, const char *mask, struct nl_error *err)
{
	struct dirent *de;
	char *p;
	size_t i;
	DIR *d;
	int rc = 0;

	if ((d = opendir("/")) == NULL) {
		nl_error_set(err, errno, "read /");
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    in_list(de->d_name, host_keep, NELEM(host_keep)) ||
		    in_list(de->d_name, fresh_dirs, NELEM(fresh_dirs)))
			continue;
		p = xasprintf("%s/%s", mask, de->d_name);
		rc = mask_whiteout(p, err);
		free(p);
	}
	closedir(d);
	for (i = 0; rc == 0 && i < NELEM(fresh_dirs); i++) {
		p = xasprintf("%s/%s", mask, fresh_dirs[i]);
		rc = mask_opaque(p, err);
		free(p);
	}
	if (rc == 0) {
		p = xasprintf("%s/var", mask);
		if (make_dir(p, 0755) != 0) {
			nl_error_set(err, errno, "create %s", p);
			rc = -1;
		}
		free(p);
	}
	if (rc == 0) {
		p = xasprintf("%s/var/tmp", mask);
		rc = mask_opaque(p, err);
		if (rc == 0 && chmod(p, 01777) != 0) {
			nl_error_set(err, errno, "chmod %s", p);
			rc = -1;
		}
		free(p);
	}
	/* Not under host_allow; hidden by name all the same, so that no
	   entry added there can show jailnet's state. */
	if (rc == 0)
		rc = mask_hide(mask, DATA_ROOT, err);
	if (rc == 0)
		rc = hide_all_but_allowed(mask, "/etc", err);
	if (rc == 0)
		rc = hide_all_but_allowed(mask, "/var", err);
	for (i = 0; rc == 0 && i < NELEM(host_secrets); i++)
		rc = mask_hide(mask, host_secrets[i], err);
	if (rc == 0)
		rc = hide_host_private(mask, err);
	if (rc == 0)
		rc = make_host_files(mask, err);
	for (i = 0; rc == 0 && i < v->nhide; i++)
		rc = mask_hide(mask, v->hide[i], err);
	if (rc == 0 && v->libexec != NULL) {
		p = xasprintf("%s%s", mask, JAIL_VIEW_LIBEXEC);
		if (make_dir_p(p, 0755) != 0) {
			nl_error_set(err, errno, "create %s", p);
			rc = -1;
		}
		free(p);
	}
	return rc;
}

/* /dev of the jail at ${root}/dev. */
static int
build_dev(const char *root, struct nl_error *err)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	char *dev = xasprintf("%s/dev", root), *p, *src;
	size_t i;
	int rc, fd;

	rc = do_mount("jailnet", dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "mode=0755,size=1m", err);
	for (i = 0; rc == 0 && i < NELEM(dev_nodes); i++) {
		p = xasprintf("%s/%s", dev, dev_nodes[i]);
		src = xasprintf("/dev/%s", dev_nodes[i]);
		if ((fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666)) < 0) {
			nl_error_set(err, errno, "create %s", p);
			rc = -1;
		} else {
			close(fd);
			rc = do_mount(src, p, NULL, MS_BIND, NULL, err);
			if (rc == 0 && mount(NULL, p, NULL, MS_BIND |
			    MS_REMOUNT | MS_NOSUID | MS_NOEXEC, NULL) != 0) {
				nl_error_set(err, errno, "remount %s", p);
				rc = -1;
			}
		}
		free(src);
		free(p);
	}
	for (i = 0; rc == 0 && i < NELEM(links); i++) {
		p = xasprintf("%s/%s", dev, links[i][0]);
		if (symlink(links[i][1], p) != 0) {
			nl_error_set(err, errno, "create %s", p);
			rc = -1;
		}
		free(p);
	}
	for (i = 0; rc == 0 && i < 2; i++) {
		p = xasprintf("%s/%s", dev, i == 0 ? "pts" : "shm");
		if (make_dir(p, 0755) != 0) {
			nl_error_set(err, errno, "create %s", p);
			rc = -1;
		} else if (i == 0) {
			rc = do_mount("devpts", p, "devpts", MS_NOSUID |
			    MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620",
			    err);
		} else {
			rc = do_mount("jailnet", p, "tmpfs", MS_NOSUID |
			    MS_NODEV, "mode=1777", err);
		}
		free(p);
	}
	free(dev);
	return rc;
}

/*
 * Bind ${src} on the new directory ${dst} (relative to the working
 * directory, the tmpfs of jail_view_enter()), without what is mounted
 * below ${src}: overlayfs takes a layer's own file system only anyway.
 */
static int
bind_layer(const char *src, const char *dst, struct nl_error *err)
{
	if (make_dir(dst, 0755) != 0) {
		nl_error_set(err, errno, "create %s", dst);
		return -1;
	}
	return do_mount(src, dst, NULL, MS_BIND, NULL, err);
}

/* Show jailnet's helpers at ${root}/JAIL_VIEW_LIBEXEC, read-only: a small
   overlay (of them and an empty directory), so that the jail's
   /proc/self/mountinfo names no host path as a bind mount's would. */
static int
mount_libexec(const struct jail_view *v, const char *root,
    struct nl_error *err)
{
	char *p;
	int rc;

	rc = bind_layer(v->libexec, "x", err);
	if (rc == 0 && make_dir("e", 0755) != 0) {
		nl_error_set(err, errno, "create e");
		rc = -1;
	}
	if (rc == 0) {
		p = xasprintf("%s%s", root, JAIL_VIEW_LIBEXEC);
		rc = do_mount("jailnet", p, "overlay", MS_RDONLY | MS_NOSUID |
		    MS_NODEV, "lowerdir=x:e", err);
		free(p);
	}
	return rc;
}

/* The read-only directories, libexec, and the new file systems. */
static int
finish_root(const struct jail_view *v, const char *root,
    struct nl_error *err)
{
	struct stat sb;
	char *p;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < NELEM(ro_dirs); i++) {
		p = xasprintf("%s/%s", root, ro_dirs[i]);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = bind_ro(p, p, true, err);
		free(p);
	}
	if (rc == 0 && v->libexec != NULL)
		rc = mount_libexec(v, root, err);
	if (rc == 0) {
		p = xasprintf("%s/proc", root);
		rc = do_mount("proc", p, "proc", MS_NOSUID | MS_NODEV |
		    MS_NOEXEC, NULL, err);
		free(p);
	}
	/* Host-wide knobs stay out of reach (/proc/sys/net too). */
	for (i = 0; rc == 0 && i < NELEM(proc_ro); i++) {
		p = xasprintf("%s/proc/%s", root, proc_ro[i]);
		if (lstat(p, &sb) == 0)
			rc = bind_ro(p, p, false, err);
		free(p);
	}
	if (rc == 0) {
		p = xasprintf("%s/sys", root);
		rc = do_mount("sysfs", p, "sysfs", MS_RDONLY | MS_NOSUID |
		    MS_NODEV | MS_NOEXEC, NULL, err);
		free(p);
	}
	if (rc == 0)
		rc = build_dev(root, err);
	if (rc == 0) {
		p = xasprintf("%s/tmp", root);
		rc = do_mount("jailnet", p, "tmpfs", MS_NOSUID | MS_NODEV,
		    "mode=1777", err);
		free(p);
	}
	if (rc == 0) {
		p = xasprintf("%s/run", root);
		rc = do_mount("jailnet", p, "tmpfs", MS_NOSUID | MS_NODEV,
		    "mode=0755", err);
		free(p);
	}
	return rc;
}

/* Make ${root} the root and forget the old one. */
static int
pivot(const char *root, struct nl_error *err)
{
	if (chdir(root) != 0) {
		nl_error_set(err, errno, "chdir %s", root);
		return -1;
	}
	if (syscall(SYS_pivot_root, ".", ".") != 0) {
		nl_error_set(err, errno, "pivot_root into %s", root);
		return -1;
	}
	if (umount2(".", MNT_DETACH) != 0) {
		nl_error_set(err, errno, "detach the old root");
		return -1;
	}
	if (chdir("/") != 0) {
		nl_error_set(err, errno, "chdir /");
		return -1;
	}
	return 0;
}

/*
 * Bind each layer of the root into the working directory under a short
 * name and append those names to ${opts}: the lower layers (b) and (c),
 * then "host", then (a) and the work directory below "d", the data
 * directory of the site (overlayfs wants both on one mount).  The options
 * of an overlay mount show in the jail's /proc/mounts as given, so they
 * name no host path.  Layer (c) is attached from the copies that
 * jail_view_clone_trees() made, not looked up again by path.
 */
static int
bind_root_layers(const struct jail_view *v, struct strbuf *opts,
    struct nl_error *err)
{
	char name[32];
	struct stat sb;
	size_t i, n = strlen(v->base);
	int rc = 0;

	strbuf_adds(opts, "lowerdir=");
	if (stat(v->gen, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rc = bind_layer(v->gen, "g", err);
		strbuf_adds(opts, "g:");
	}
	for (i = 0; rc == 0 && i < v->ntrees; i++) {
		snprintf(name, sizeof(name), "t%zu", i);
		if (make_dir(name, 0755) != 0 || move_mount(v->tree_fds[i],
		    "", AT_FDCWD, name, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
			nl_error_set(err, errno, "mount the jail's tree %s",
			    v->trees[i]);
			rc = -1;
		}
		strbuf_adds(opts, name);
		strbuf_addc(opts, ':');
	}
	if (rc == 0)
		rc = bind_layer(v->base, "d", err);
	/* upper and work are below base (jail_view_new()). */
	strbuf_adds(opts, "host,upperdir=d");
	add_layer(opts, v->upper + n);
	strbuf_adds(opts, ",workdir=d");
	add_layer(opts, v->work + n);
	strbuf_adds(opts, "/w");
	return rc;
}

int
jail_view_clone_trees(struct jail_view *v, struct nl_error *err)
{
	size_t i;
	int fd;

	for (i = 0; i < v->ntrees; i++) {
		fd = open_tree(v->tree_fds[i], "", OPEN_TREE_CLONE |
		    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (fd < 0) {
			nl_error_set(err, errno, "copy the mount of %s",
			    v->trees[i]);
			return -1;
		}
		close(v->tree_fds[i]);
		v->tree_fds[i] = fd;
	}
	return 0;
}

int
jail_view_enter(const struct jail_view *v, struct nl_error *err)
{
	char *m = xasprintf("%s/m", v->work);
	struct strbuf opts = { 0 };
	int rc;

	/* Nothing mounted from here on reaches the host's namespace. */
	rc = do_mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL, err);
	if (rc == 0)
		rc = do_mount("jailnet", m, "tmpfs", MS_NOSUID | MS_NODEV,
		    "mode=0755", err);
	/* The layers are named relative to it from here on. */
	if (rc == 0 && chdir(m) != 0) {
		nl_error_set(err, errno, "chdir %s", m);
		rc = -1;
	}
	if (rc == 0 && (make_dir("mask", 0755) != 0 ||
	    make_dir("host", 0755) != 0 || make_dir("root", 0755) != 0)) {
		nl_error_set(err, errno, "create the mount points in %s", m);
		rc = -1;
	}
	if (rc == 0)
		rc = build_mask(v, "mask", err);
	/* (d): the host's / under the mask, read-only. */
	if (rc == 0)
		rc = bind_layer("/", "r", err);
	if (rc == 0)
		rc = do_mount("jailnet-host", "host", "overlay", MS_RDONLY |
		    MS_NOSUID | MS_NODEV, "lowerdir=mask:r", err);
	/* The root: (a) over (b), (c) and (d). */
	if (rc == 0)
		rc = bind_root_layers(v, &opts, err);
	if (rc == 0)
		rc = do_mount("jailnet", "root", "overlay", MS_NOSUID,
		    strbuf_cstr(&opts), err);
	strbuf_free(&opts);
	if (rc == 0)
		rc = finish_root(v, "root", err);
	if (rc == 0)
		rc = pivot("root", err);
	free(m);
	return rc;
}
