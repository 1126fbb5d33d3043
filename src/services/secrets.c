#include "services/secrets.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

/* Directories of a jail's tree are walked this deep at most. */
#define SECRETS_DEPTH 32

/* Return true if the file name ${name} is a secret's. */
static bool
secret_name(const char *name)
{
	/* sshd's host keys: ssh_host_ed25519_key, ssh_host_rsa_key... */
	if (str_has_prefix(name, "ssh_host_") && str_has_suffix(name, "_key"))
		return true;
	return str_has_suffix(name, ".key") || str_has_suffix(name, ".password");
}

/*
 * Make the directory ${gen}${path} and those above it down from ${gen}
 * (which exists), each with the mode and owner of the same directory of
 * ${view} (0755 root if the view has none).
 */
static int
make_parents(const char *gen, const struct fsview *view, const char *path,
    struct nl_error *err)
{
	char *p = xstrdup(path), *disk, *site;
	struct stat st;
	int rc = 0, errnum;

	for (char *s = p + 1; rc == 0 && *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		disk = xasprintf("%s%s", gen, p);
		if (lstat(disk, &st) != 0) {
			st.st_mode = 0755;
			st.st_uid = st.st_gid = 0;
			site = fsview_resolve(view, p, &errnum);
			if (site != NULL && stat(site, &st) == 0 &&
			    !S_ISDIR(st.st_mode)) {
				st.st_mode = 0755;
				st.st_uid = st.st_gid = 0;
			}
			free(site);
			if (mkdir(disk, st.st_mode & 07777) != 0 ||
			    chown(disk, st.st_uid, st.st_gid) != 0 ||
			    chmod(disk, st.st_mode & 07777) != 0) {
				nl_error_set(err, errno, "create %s", disk);
				rc = -1;
			}
		}
		free(disk);
		*s = '/';
	}
	free(p);
	return rc;
}

/* Copy the file ${path} of ${view} to ${gen}${path}, SECRET_MODE. */
static int
install(const char *gen, const struct fsview *view, const char *path,
    struct nl_error *err)
{
	struct source *src;
	struct stat st;
	char *to, *have;
	size_t n;
	int errnum = 0, rc = 0;

	if ((src = fsview_read(view, path, &errnum)) == NULL) {
		nl_error_set(err, errnum, "read secret %s: %s", path,
		    fsview_strerror(errnum));
		return -1;
	}
	to = xasprintf("%s%s", gen, path);
	have = read_file(to, &n, &errnum);
	if (have == NULL || n != src->len || memcmp(have, src->text, n) != 0 ||
	    lstat(to, &st) != 0 || (st.st_mode & 07777) != SECRET_MODE ||
	    st.st_uid != 0) {
		/* The generated layer's root, as tls_ca makes it. */
		if (make_dir_p(gen, 0755) != 0) {
			nl_error_set(err, errno, "create %s", gen);
			rc = -1;
		} else if (make_parents(gen, view, path, err) != 0)
			rc = -1;
		else if (write_file_atomic(to, src->text, src->len, SECRET_MODE,
		    &errnum) != 0 || chown(to, 0, 0) != 0) {
			nl_error_set(err, errnum ? errnum : errno, "write %s",
			    to);
			rc = -1;
		}
	}
	free(have);
	free(to);
	source_free(src);
	return rc;
}

/*
 * Install every secret-named regular file under the directory ${dir} on
 * disk, which is ${path} ("" for /) of ${view}; links are not followed.
 */
static int
walk(const char *gen, const struct fsview *view, const char *dir,
    const char *path, int depth, struct nl_error *err)
{
	struct dirent *de;
	struct stat st;
	char *disk, *sub;
	DIR *d;
	int rc = 0;

	if (depth > SECRETS_DEPTH || (d = opendir(dir)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		disk = xasprintf("%s/%s", dir, de->d_name);
		sub = xasprintf("%s/%s", path, de->d_name);
		if (lstat(disk, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = walk(gen, view, disk, sub, depth + 1, err);
			else if (S_ISREG(st.st_mode) && secret_name(de->d_name))
				rc = install(gen, view, sub, err);
		}
		free(disk);
		free(sub);
	}
	closedir(d);
	return rc;
}

/* Every secret-named file of the site's trees of ${view}, into ${gen}. */
static int
tree_secrets(const char *gen, const struct fsview *view,
    struct nl_error *err)
{
	char *dir;
	size_t i;
	int rc = 0, errnum;

	for (i = 0; rc == 0 && i < view->nroots; i++) {
		errnum = 0;
		if ((dir = fsview_dir(view, i, &errnum)) == NULL)
			continue;
		rc = walk(gen, view, dir, "", 0, err);
		free(dir);
	}
	return rc;
}

/* The secrets of jail ${j} of server ${srv}. */
static int
jail_secrets(const char *data_root, const struct site *site,
    const struct server *srv, const struct jail *j, struct nl_error *err)
{
	char *gen;
	size_t i;
	int rc = 0;

	if (j->view == NULL)
		return 0;
	gen = xasprintf("%s/%s/gen/%s/%s", data_root, site->name, srv->name,
	    j->name);
	for (i = 0; rc == 0 && i < j->npipes; i++) {
		if (j->pipes[i].key_path == NULL)
			continue;
		rc = install(gen, j->view, j->pipes[i].key_path, err);
	}
	if (rc == 0)
		rc = tree_secrets(gen, j->view, err);
	free(gen);
	return rc;
}

/*
 * The secrets of server ${srv}'s own view, if it runs services there: its
 * files hold the jails' trees too (/jails/NAME), keys included, which its
 * unprivileged users (sshd's) must not read either.
 */
static int
server_secrets(const char *data_root, const struct site *site,
    const struct server *srv, struct nl_error *err)
{
	char *gen;
	int rc;

	if (srv->view == NULL || srv->nservices == 0)
		return 0;
	gen = xasprintf("%s/%s/gen/%s/%s", data_root, site->name, srv->name,
	    SITE_SERVER_SELF);
	rc = tree_secrets(gen, srv->view, err);
	free(gen);
	return rc;
}

int
secrets_ensure(const char *data_root, const struct site *site,
    struct nl_error *err)
{
	size_t s, j;
	int rc = 0;

	for (s = 0; rc == 0 && s < site->nservers; s++) {
		rc = server_secrets(data_root, site, &site->servers[s], err);
		for (j = 0; rc == 0 && j < site->servers[s].njails; j++)
			rc = jail_secrets(data_root, site, &site->servers[s],
			    &site->servers[s].jails[j], err);
	}
	return rc;
}
