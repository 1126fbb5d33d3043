#include "services/ssh_keys.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

#define SSH_KEYGEN "/usr/bin/ssh-keygen"
#define HOST_KEY "ssh_host_ed25519_key"
#define AUTHORIZED "/root/.ssh/authorized_keys"
/* What is kept of ssh-keygen's complaint. */
#define KEYGEN_ERR_MAX 240

/* The files of ${place}. */
static const struct fsview *
place_view(const struct ssh_place *place)
{
	return place->jail != NULL ? place->jail->view : place->server->view;
}

char *
ssh_keys_place_name(const struct ssh_place *place)
{
	if (place->jail == NULL)
		return xstrdup(place->server->name);
	return xasprintf("%s/%s", place->server->name, place->jail->name);
}

const char *
ssh_keys_sshd_dir(const struct site *site, const struct ssh_place *place)
{
	const struct enabled_service *es = place->jail != NULL ?
	    place->jail->services : place->server->services;
	size_t i, n = place->jail != NULL ? place->jail->nservices :
	    place->server->nservices;
	const char *name;

	for (i = 0; i < n; i++) {
		name = site->services[es[i].service].name;
		if (str_eq(name, "sshd"))
			return SSH_KEYS_DIR_BASE;
		if (str_eq(name, "openssh"))
			return SSH_KEYS_DIR_PORT;
	}
	return NULL;
}

void
ssh_keys_sshd_ports(const struct ssh_place *place, const char *dir,
    unsigned *ports, size_t *nports)
{
	struct source *src = NULL;
	char *path = xasprintf("%s/sshd_config", dir);
	const char *p, *end;
	unsigned long v;
	int errnum;

	*nports = 0;
	if (place_view(place) != NULL)
		src = fsview_read(place_view(place), path, &errnum);
	for (p = src != NULL ? src->text : NULL; p != NULL && *p != '\0';
	    p = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(p, '\n')) == NULL)
			end = p + strlen(p);
		while (p < end && isblank((unsigned char)*p))
			p++;
		/* sshd_config(5): keywords are case-insensitive. */
		if (end - p < 5 || strncasecmp(p, "port", 4) != 0 ||
		    !isblank((unsigned char)p[4]))
			continue;
		p += 4;
		while (p < end && isblank((unsigned char)*p))
			p++;
		v = 0;
		while (p < end && isdigit((unsigned char)*p) && v <= 65535)
			v = v * 10 + (unsigned long)(*p++ - '0');
		if (v >= 1 && v <= 65535 && *nports < SSH_KEYS_MAX_PORTS)
			ports[(*nports)++] = (unsigned)v;
	}
	if (*nports == 0)
		ports[(*nports)++] = 22;
	source_free(src);
	free(path);
}

char *
ssh_keys_operator(const char *data_root, const char *site)
{
	return xasprintf("%s/%s/ssh/operator", data_root, site);
}

char *
ssh_keys_known_hosts(const char *data_root, const char *site)
{
	return xasprintf("%s/%s/ssh/known_hosts", data_root, site);
}

/*
 * Run ssh-keygen to make the ed25519 key ${path} (and ${path}.pub) with
 * the comment ${comment}: made at a temporary name, then renamed, the
 * public key first, so that a private key is never there without its
 * public one.
 */
static int
keygen(const char *path, const char *comment, struct nl_error *err)
{
	char *tmp = xasprintf("%s.new", path), *tmppub, *pub, buf[KEYGEN_ERR_MAX];
	char *argv[] = { SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C",
		(char *)comment, "-f", tmp, NULL };
	struct strbuf msg = { 0 };
	int fds[2], status, rc = -1, devnull;
	ssize_t n;
	pid_t pid;

	tmppub = xasprintf("%s.pub", tmp);
	pub = xasprintf("%s.pub", path);
	remove_file(tmp);
	remove_file(tmppub);
	if (access(SSH_KEYGEN, X_OK) != 0) {
		nl_error_set(err, errno, "%s is missing (Debian's package "
		    "openssh-client: sh tools/install-deps.sh)", SSH_KEYGEN);
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		nl_error_set(err, errno, "pipe");
		goto out;
	}
	if ((pid = fork()) < 0) {
		nl_error_set(err, errno, "fork");
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		if (devnull < 0)
			_exit(126);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(fds[1], 2);
		close_fds_except(NULL, 0);
		execv(SSH_KEYGEN, argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0 && msg.len < KEYGEN_ERR_MAX)
			strbuf_add_printable(&msg, buf, (size_t)n, "");
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status != 0) {
		if (msg.len == 0)
			strbuf_adds(&msg, "it said nothing");
		err->errnum = EIO;
		snprintf(err->msg, sizeof(err->msg), "%s -f %s %s: %.*s",
		    SSH_KEYGEN, tmp, WIFEXITED(status) ? "failed" :
		    "was killed", KEYGEN_ERR_MAX, strbuf_cstr(&msg));
	} else if (rename(tmppub, pub) != 0 || rename(tmp, path) != 0) {
		nl_error_set(err, errno, "rename %s", tmp);
	} else
		rc = 0;
	if (rc != 0) {
		remove_file(tmp);
		remove_file(tmppub);
	}
out:
	strbuf_free(&msg);
	free(tmp);
	free(tmppub);
	free(pub);
	return rc;
}

/*
 * Make the key ${path} unless it and its public key are there; return
 * the public key's line (without its newline) in ${publine}.
 */
static int
ensure_key(const char *path, const char *comment, char **publine,
    struct nl_error *err)
{
	char *pub = xasprintf("%s.pub", path), *text;
	struct stat st;
	size_t len;
	int errnum = 0, rc = 0;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    lstat(pub, &st) != 0 || !S_ISREG(st.st_mode)) {
		remove_file(path);
		remove_file(pub);
		rc = keygen(path, comment, err);
	}
	*publine = NULL;
	if (rc == 0) {
		if ((text = read_file(pub, &len, &errnum)) == NULL) {
			nl_error_set(err, errnum, "read %s", pub);
			rc = -1;
		} else {
			text[strcspn(text, "\r\n")] = '\0';
			*publine = text;
		}
	}
	free(pub);
	return rc;
}

/* Make the directory ${path} (its parent exists) with ${mode}, root's. */
static int
owned_dir(const char *path, unsigned mode, struct nl_error *err)
{
	if (make_dir(path, mode) != 0 || chown(path, 0, 0) != 0 ||
	    chmod(path, mode) != 0) {
		nl_error_set(err, errno, "create %s", path);
		return -1;
	}
	return 0;
}

/* Write ${text} to ${path}, root's, ${mode}, unless it holds it already. */
static int
write_if_changed(const char *path, const char *text, unsigned mode,
    struct nl_error *err)
{
	struct stat st;
	char *have;
	size_t n, len = strlen(text);
	int errnum = 0, same;

	have = read_file(path, &n, &errnum);
	same = have != NULL && n == len && memcmp(have, text, n) == 0 &&
	    lstat(path, &st) == 0 && (st.st_mode & 07777) == mode &&
	    st.st_uid == 0;
	free(have);
	if (same)
		return 0;
	if (write_file_atomic(path, text, len, mode, &errnum) != 0 ||
	    chown(path, 0, 0) != 0) {
		nl_error_set(err, errnum ? errnum : errno, "write %s", path);
		return -1;
	}
	return 0;
}

/* Make each directory of ${gen}${path} that is missing, 0755 root. */
static int
gen_dirs(const char *gen, const char *path, struct nl_error *err)
{
	char *p = xasprintf("%s%s", gen, path);
	int rc = 0;

	if (make_dir_p(p, 0755) != 0) {
		nl_error_set(err, errno, "create %s", p);
		rc = -1;
	}
	free(p);
	return rc;
}

/*
 * The host key and root's authorized_keys of ${place}, whose sshd reads
 * ${dir}; its known_hosts line added to ${known}.
 */
static int
place_keys(const char *data_root, const struct site *site,
    const struct ssh_place *place, const char *dir,
    const char *operator_pub, struct strbuf *known, struct nl_error *err)
{
	const struct fsview *view = place_view(place);
	char *gen, *key, *path, *publine = NULL, *comment, *disk, *name;
	struct source *src;
	struct strbuf auth = { 0 };
	int errnum = 0, rc = 0;

	name = ssh_keys_place_name(place);
	gen = xasprintf("%s/%s/gen/%s/%s", data_root, site->name,
	    place->server->name, place->jail != NULL ? place->jail->name :
	    SITE_SERVER_SELF);
	key = xasprintf("%s/" HOST_KEY, dir);
	disk = view != NULL ? fsview_resolve(view, key, &errnum) : NULL;
	if (disk != NULL) {
		/* The site's own host key: its public half, if it has one. */
		path = xasprintf("%s.pub", key);
		if ((src = fsview_read(view, path, &errnum)) != NULL) {
			publine = xstrndup(src->text, strcspn(src->text,
			    "\r\n"));
			source_free(src);
		}
		free(path);
	} else {
		comment = xasprintf("jailnet %s %s", site->name, name);
		path = xasprintf("%s%s", gen, key);
		rc = gen_dirs(gen, dir, err);
		if (rc == 0)
			rc = ensure_key(path, comment, &publine, err);
		free(path);
		free(comment);
	}
	free(disk);
	if (rc == 0 && publine != NULL)
		strbuf_addf(known, "%s %s\n", name, publine);
	/* root's authorized_keys: the site's lines, then the operator's. */
	if (rc == 0 && view != NULL &&
	    (src = fsview_read(view, AUTHORIZED, &errnum)) != NULL) {
		strbuf_add(&auth, src->text, src->len);
		if (src->len > 0 && src->text[src->len - 1] != '\n')
			strbuf_addc(&auth, '\n');
		source_free(src);
	}
	strbuf_addf(&auth, "%s\n", operator_pub);
	if (rc == 0) {
		path = xasprintf("%s/root", gen);
		rc = owned_dir(path, 0700, err);
		free(path);
	}
	if (rc == 0) {
		path = xasprintf("%s/root/.ssh", gen);
		rc = owned_dir(path, 0700, err);
		free(path);
	}
	if (rc == 0) {
		path = xasprintf("%s" AUTHORIZED, gen);
		rc = write_if_changed(path, strbuf_cstr(&auth), 0600, err);
		free(path);
	}
	strbuf_free(&auth);
	free(publine);
	free(key);
	free(gen);
	free(name);
	return rc;
}

/* Call ${fn} for each place of ${site} (servers, each then its jails)
   until it returns non-zero; return that, or 0. */
static int
each_place(const struct site *site, int (*fn)(const struct ssh_place *,
    void *), void *arg)
{
	struct ssh_place place;
	size_t s, j;
	int rc = 0;

	for (s = 0; rc == 0 && s < site->nservers; s++) {
		place.server = &site->servers[s];
		place.jail = NULL;
		rc = fn(&place, arg);
		for (j = 0; rc == 0 && j < site->servers[s].njails; j++) {
			place.jail = &site->servers[s].jails[j];
			rc = fn(&place, arg);
		}
	}
	return rc;
}

/* What ssh_keys_ensure() walks each place with. */
struct ensure_walk {
	const char *data_root;
	const struct site *site;
	const char *operator_pub;
	struct strbuf known;
	struct nl_error *err;
};

static int
runs_sshd(const struct ssh_place *place, void *arg)
{
	return ssh_keys_sshd_dir(arg, place) != NULL;
}

static int
ensure_place(const struct ssh_place *place, void *arg)
{
	struct ensure_walk *ew = arg;
	const char *sshd = ssh_keys_sshd_dir(ew->site, place);

	if (sshd == NULL)
		return 0;
	return place_keys(ew->data_root, ew->site, place, sshd,
	    ew->operator_pub, &ew->known, ew->err);
}

int
ssh_keys_ensure(const char *data_root, const struct site *site,
    struct nl_error *err)
{
	struct ensure_walk ew = { .data_root = data_root, .site = site,
		.err = err };
	char *dir, *op, *oppub = NULL, *comment, *path;
	int rc = 0;

	if (each_place(site, runs_sshd, (void *)site) == 0)
		return 0;
	dir = xasprintf("%s/%s/ssh", data_root, site->name);
	op = ssh_keys_operator(data_root, site->name);
	comment = xasprintf("jailnet %s operator", site->name);
	if (make_dir_p(dir, 0700) != 0 || chmod(dir, 0700) != 0) {
		nl_error_set(err, errno, "create %s", dir);
		rc = -1;
	}
	if (rc == 0)
		rc = ensure_key(op, comment, &oppub, err);
	ew.operator_pub = oppub;
	if (rc == 0)
		rc = each_place(site, ensure_place, &ew);
	if (rc == 0) {
		path = ssh_keys_known_hosts(data_root, site->name);
		rc = write_if_changed(path, strbuf_cstr(&ew.known), 0644,
		    err);
		free(path);
	}
	strbuf_free(&ew.known);
	free(oppub);
	free(comment);
	free(op);
	free(dir);
	return rc;
}
