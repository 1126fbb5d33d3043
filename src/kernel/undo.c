/*
 * undo: the host changes of `up --host`, logged and replayed.
 */
#include "kernel/undo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "lib/util.h"
#include "kernel/netns.h"
#include "kernel/nft_run.h"

struct undo_log {
	int fd;
	char *path;
};

static char *
undo_path(const char *root, const char *site)
{
	return xasprintf("%s/%s/undo", root, site);
}

int
undo_open(const char *root, const char *site, struct undo_log **out,
    struct nl_error *err)
{
	struct undo_log *log = xcalloc(1, sizeof(*log));

	log->path = undo_path(root, site);
	log->fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644);
	if (log->fd < 0) {
		nl_error_set(err, errno, "open %s: %s", log->path,
		    strerror(errno));
		free(log->path);
		free(log);
		return -1;
	}
	*out = log;
	return 0;
}

void
undo_close(struct undo_log *log)
{
	if (log == NULL)
		return;
	close(log->fd);
	free(log->path);
	free(log);
}

static int
append(struct undo_log *log, struct nl_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
append(struct undo_log *log, struct nl_error *err, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		nl_error_set(err, ENAMETOOLONG, "%s: fact too long", log->path);
		return -1;
	}
	if (write(log->fd, line, (size_t)n) != n || fsync(log->fd) != 0) {
		nl_error_set(err, errno, "write %s: %s", log->path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
undo_link(struct undo_log *log, const char *name, struct nl_error *err)
{
	return append(log, err, "link %s\n", name);
}

int
undo_rename(struct undo_log *log, const char *name, const char *old,
    bool was_up, struct nl_error *err)
{
	return append(log, err, "rename %s %s %d\n", name, old, was_up);
}

int
undo_mtu(struct undo_log *log, const char *name, unsigned mtu,
    struct nl_error *err)
{
	return append(log, err, "mtu %s %u\n", name, mtu);
}

int
undo_addr(struct undo_log *log, const char *name,
    const struct ipprefix *prefix, struct nl_error *err)
{
	char buf[IPADDR_STRLEN];

	return append(log, err, "addr %s %s\n", name,
	    ipprefix_format(prefix, buf));
}

int
undo_route(struct undo_log *log, const struct ipaddr *gateway,
    struct nl_error *err)
{
	char buf[IPADDR_STRLEN];

	return append(log, err, "route %s\n", ipaddr_format(gateway, buf));
}

int
undo_had_route(struct undo_log *log, const char *dev,
    const struct nl_route_info *route, struct nl_error *err)
{
	char dst[IPADDR_STRLEN], gw[IPADDR_STRLEN], src[IPADDR_STRLEN];

	return append(log, err, "had-route %s %s %s %u %u %u %d %s\n", dev,
	    ipprefix_format(&route->dst, dst), route->has_gateway ?
	    ipaddr_format(&route->gateway, gw) : "-", route->protocol,
	    route->scope, route->priority,
	    (route->flags & RTNH_F_ONLINK) != 0, route->has_prefsrc ?
	    ipaddr_format(&route->prefsrc, src) : "-");
}

int
undo_had_addr(struct undo_log *log, const char *name,
    const struct ipprefix *prefix, struct nl_error *err)
{
	char buf[IPADDR_STRLEN];

	return append(log, err, "had-addr %s %s\n", name,
	    ipprefix_format(prefix, buf));
}

int
undo_sysctl(struct undo_log *log, const char *key, const char *value,
    struct nl_error *err)
{
	return append(log, err, "sysctl %s %s\n", key, value);
}

int
undo_nft(struct undo_log *log, const char *family, const char *table,
    struct nl_error *err)
{
	return append(log, err, "nft %s %s\n", family, table);
}

int
undo_server(struct undo_log *log, const char *name, struct nl_error *err)
{
	return append(log, err, "server %s\n", name);
}

char *
undo_read_server(const char *root, const char *site)
{
	char *path = undo_path(root, site), *text, *name = NULL;
	int errnum;

	text = read_file(path, NULL, &errnum);
	if (text != NULL && strncmp(text, "server ", 7) == 0)
		name = xstrndup(text + 7, strcspn(text + 7, "\n"));
	free(text);
	free(path);
	return name;
}

/* Send the one request of ${b}; what is already gone counts as done. */
static int
commit_one(struct nl_batch *b, int gone1, int gone2, struct nl_error *err)
{
	if (nl_batch_commit(b, err) == 0)
		return 0;
	return err->errnum == gone1 || err->errnum == gone2 ? 0 : -1;
}

/*
 * Read the route of the words ${w}[2..8] of a "had-route" fact into ${r};
 * return 0, or -1 if they are not one.
 */
static int
parse_had_route(char *const *w, struct nl_route_info *r)
{
	unsigned long proto, scope, metric, onlink;

	memset(r, 0, sizeof(*r));
	r->type = RTN_UNICAST;
	if (ipprefix_parse(w[2], &r->dst) != 0 ||
	    parse_uint(w[4], 0, 255, &proto) != 0 ||
	    parse_uint(w[5], 0, 255, &scope) != 0 ||
	    parse_uint(w[6], 0, 0xffffffffUL, &metric) != 0 ||
	    parse_uint(w[7], 0, 1, &onlink) != 0)
		return -1;
	if (!str_eq(w[3], "-")) {
		if (ipaddr_parse(w[3], &r->gateway) != 0)
			return -1;
		r->has_gateway = true;
	}
	if (!str_eq(w[8], "-")) {
		if (ipaddr_parse(w[8], &r->prefsrc) != 0)
			return -1;
		r->has_prefsrc = true;
	}
	r->protocol = (unsigned char)proto;
	r->scope = (unsigned char)scope;
	r->priority = (unsigned)metric;
	r->flags = onlink != 0 ? RTNH_F_ONLINK : 0;
	return 0;
}

/* Undo the fact ${line} (its words split in place). */
static int
undo_line(struct nl_sock *sk, char *line, struct nl_error *err)
{
	char *w[9] = { 0 }, *save = NULL, *tok;
	struct nl_batch *b = nl_batch_new(sk);
	struct nl_route_info route;
	struct ipprefix p;
	struct ipaddr gw;
	unsigned long mtu;
	size_t n = 0;
	int rc = -1;

	for (tok = strtok_r(line, " \n", &save); tok != NULL && n < 9;
	    tok = strtok_r(NULL, " \n", &save))
		w[n++] = tok;
	if (n == 2 && str_eq(w[0], "link")) {
		if (nl_link_delete(b, w[1], err) != 0)
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, ENODEV, ENODEV, err);
	} else if (n == 4 && str_eq(w[0], "rename")) {
		/* A name must be down to change; it is put back as it was. */
		if (nl_link_set_up(b, w[1], false, err) != 0 ||
		    nl_link_rename(b, w[1], w[2], err) != 0 ||
		    (str_eq(w[3], "1") && nl_link_set_up(b, w[2], true,
		    err) != 0))
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, ENODEV, ENODEV, err);
	} else if (n == 3 && str_eq(w[0], "mtu") &&
	    parse_uint(w[2], 68, 65535, &mtu) == 0) {
		if (nl_link_set_mtu(b, w[1], (unsigned)mtu, err) != 0)
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, ENODEV, ENODEV, err);
	} else if (n == 3 && str_eq(w[0], "addr") &&
	    ipprefix_parse(w[2], &p) == 0) {
		if (nl_addr_delete(b, w[1], 0, &p, err) != 0)
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, EADDRNOTAVAIL, ENODEV, err);
	} else if (n == 2 && str_eq(w[0], "route") &&
	    ipaddr_parse(w[1], &gw) == 0) {
		if (nl_route_delete(b, NULL, &gw, NULL, 0, err) == 0)
			rc = commit_one(b, ESRCH, ENETUNREACH, err);
	} else if (n == 9 && str_eq(w[0], "had-route") &&
	    parse_had_route(w, &route) == 0) {
		/* What the host had: there already is as good as put back. */
		if (nl_route_add_listed(b, &route, w[1], err) != 0)
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, EEXIST, EEXIST, err);
	} else if (n == 3 && str_eq(w[0], "had-addr") &&
	    ipprefix_parse(w[2], &p) == 0) {
		if (nl_addr_add(b, w[1], 0, &p, 0, err) != 0)
			rc = err->errnum == ENODEV ? 0 : -1;
		else
			rc = commit_one(b, EEXIST, EEXIST, err);
	} else if (n == 3 && str_eq(w[0], "sysctl")) {
		rc = netns_sysctl_set(-1, w[1], w[2], err);
		if (rc != 0 && err->errnum == ENOENT)
			rc = 0;
	} else if (n == 3 && str_eq(w[0], "nft")) {
		char *list = xasprintf("list table %s %s", w[1], w[2]);
		char *del = xasprintf("delete table %s %s", w[1], w[2]);
		struct nl_error missing;

		/* Listing first tells a missing table from a failure. */
		if (nft_run_in_netns(-1, list, false, NULL, &missing) != 0)
			rc = 0;
		else
			rc = nft_run_in_netns(-1, del, false, NULL, err);
		free(list);
		free(del);
	} else {
		nl_error_set(err, EINVAL, "undo: unreadable fact '%s'",
		    w[0] != NULL ? w[0] : "");
	}
	nl_batch_free(b);
	return rc;
}

int
undo_replay(const char *root, const char *site, size_t *undone,
    struct nl_error *err)
{
	char *path = undo_path(root, site), *text, *p;
	char **lines = NULL;
	size_t n = 0, cap = 0, i;
	struct nl_sock *sk = NULL;
	struct nl_error e;
	int errnum, rc = 0;

	*undone = 0;
	if ((text = read_file(path, NULL, &errnum)) == NULL) {
		if (errnum != ENOENT) {
			nl_error_set(err, errnum, "read %s: %s", path,
			    strerror(errnum));
			rc = -1;
		}
		free(path);
		return rc;
	}
	for (p = text; *p != '\0';) {
		char *nl = strchr(p, '\n');

		*VEC_PUSH(lines, n, cap) = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (nl_open(&sk, err) != 0) {
		rc = -1;
		goto out;
	}
	for (i = n; i-- > 0;) {
		/* Empty lines and "server NAME" undo nothing. */
		if (lines[i][0] == '\0' || strncmp(lines[i], "server ", 7) == 0)
			continue;
		if (undo_line(sk, lines[i], &e) != 0) {
			if (rc == 0)
				*err = e;
			rc = -1;
			continue;
		}
		(*undone)++;
	}
	if (rc == 0 && remove_file(path) != 0) {
		nl_error_set(err, errno, "remove %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
out:
	nl_close(sk);
	free(lines);
	free(text);
	free(path);
	return rc;
}
