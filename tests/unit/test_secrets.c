/*
 * secrets_ensure(): the example's spiped keys and password files are
 * copied, root's alone (0600), into the generated layer of their jails
 * (and of the servers, whose views hold the jails' trees);
 * the site's files keep their modes; a second run rewrites nothing.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "lib/util.h"
#include "services/secrets.h"
#include "test.h"

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

TEST(secrets_example)
{
	static const char *const files[] = {
		"a/node_j/etc/spiped.key",
		"a/node_j/usr/local/etc/uxapp.password",
		"b/pg_j/etc/spiped.key",
		"b/pg_j/usr/local/etc/postgresql/replicator.password",
		"b/pg_j/usr/local/etc/postgresql/uxapp.password",
	};
	char root[] = "/tmp/jnm-secrets-XXXXXX";
	struct nl_error err = { 0, "" };
	struct site *site = fixture_example();
	struct stat st, first[5];
	char *p, *want, *have;
	size_t i, n, m;
	int e;

	CHECK(site != NULL && mkdtemp(root) != NULL);
	/* The copies are root's: only root can make them so. */
	if (site == NULL || geteuid() != 0) {
		site_free(site);
		rmdir(root);
		return;
	}
	CHECK_INT_EQ(secrets_ensure(root, site, &err), 0);
	CHECK_STR_EQ(err.msg, "");
	for (i = 0; i < 5; i++) {
		p = xasprintf("%s/uxtely/gen/%s", root, files[i]);
		CHECK_INT_EQ(lstat(p, &first[i]), 0);
		CHECK_INT_EQ(first[i].st_mode & 07777, 0600);
		CHECK_INT_EQ(first[i].st_uid, 0);
		/* The same bytes as the site's, which stays 0644. */
		want = xasprintf("examples/uxtely/common/jails/%s",
		    strchr(files[i], '/') + 1);
		have = read_file(p, &n, &e);
		free(p);
		p = read_file(want, &m, &e);
		CHECK(have != NULL && p != NULL && n == m &&
		    memcmp(have, p, n) == 0);
		CHECK(stat(want, &st) == 0 && (st.st_mode & 0044) != 0);
		free(have);
		free(p);
		free(want);
	}
	/* A server that runs services (sshd) sees the jails' trees in its
	   view: their keys are root's alone there too. */
	p = xasprintf("%s/uxtely/gen/b/-/jails/node_j/etc/spiped.key", root);
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	    st.st_uid == 0);
	free(p);
	/* A directory made on the way has the site's mode. */
	p = xasprintf("%s/uxtely/gen/a/node_j/usr/local/etc", root);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0755);
	free(p);
	/* nginx_j has no secret in the site (its TLS key is tls_ca's). */
	p = xasprintf("%s/uxtely/gen/a/nginx_j", root);
	CHECK_INT_EQ(access(p, F_OK), -1);
	free(p);

	/* A second run rewrites nothing. */
	CHECK_INT_EQ(secrets_ensure(root, site, &err), 0);
	for (i = 0; i < 5; i++) {
		p = xasprintf("%s/uxtely/gen/%s", root, files[i]);
		CHECK(lstat(p, &st) == 0 && st.st_ino == first[i].st_ino);
		free(p);
	}
	CHECK_INT_EQ(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	site_free(site);
}
