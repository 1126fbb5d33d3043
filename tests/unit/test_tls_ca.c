/*
 * The site CA and the domain certificates: they verify as a TLS client
 * would check them, the domain is in the SAN, keys are private, and a
 * second run changes no file.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "lib/util.h"
#include "services/tls_ca.h"
#include "fixture.h"
#include "test.h"

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static X509 *
read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;

	if (f != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

/* Verify ${crt} against ${ca} for ${host} as a TLS client does. */
static int
verifies(const char *ca, const char *crt, const char *host)
{
	X509 *cax = read_cert(ca), *x = read_cert(crt);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	if (cax != NULL && x != NULL && store != NULL && ctx != NULL &&
	    X509_STORE_add_cert(store, cax) == 1 &&
	    X509_STORE_CTX_init(ctx, store, x, NULL) == 1) {
		X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set1_host(p, host, 0);
		X509_VERIFY_PARAM_set_purpose(p, X509_PURPOSE_SSL_SERVER);
		ok = X509_verify_cert(ctx) == 1;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(cax);
	X509_free(x);
	return ok;
}

/* Return true if the SAN of ${crt} lists exactly DNS:${domain}. */
static int
san_is(const char *crt, const char *domain)
{
	X509 *x = read_cert(crt);
	GENERAL_NAMES *names;
	int ok = 0;

	if (x == NULL)
		return 0;
	names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (names != NULL && sk_GENERAL_NAME_num(names) == 1) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, 0);
		if (g->type == GEN_DNS) {
			const unsigned char *s = ASN1_STRING_get0_data(g->d.dNSName);
			int n = ASN1_STRING_length(g->d.dNSName);
			ok = (size_t)n == strlen(domain) &&
			    memcmp(s, domain, (size_t)n) == 0;
		}
	}
	GENERAL_NAMES_free(names);
	X509_free(x);
	return ok;
}

/* Do ${a} and ${b} hold the same bytes (both readable)? */
static int
same_file(const char *a, const char *b)
{
	size_t na, nb;
	int errnum;
	char *x = read_file(a, &na, &errnum), *y = read_file(b, &nb, &errnum);
	int same = x != NULL && y != NULL && na == nb &&
	    memcmp(x, y, na) == 0;

	free(x);
	free(y);
	return same;
}

static unsigned
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0;
}

/* What identifies a file's version: inode, size and change time. */
struct version {
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

static struct version
version_of(const char *path)
{
	struct stat st;
	struct version v;

	memset(&v, 0, sizeof(v));
	if (stat(path, &st) == 0) {
		v.ino = st.st_ino;
		v.size = st.st_size;
		v.mtime = st.st_mtim;
		v.ctime = st.st_ctim;
	}
	return v;
}

static int
same_version(struct version a, struct version b)
{
	return a.ino != 0 && a.ino == b.ino && a.size == b.size &&
	    a.mtime.tv_sec == b.mtime.tv_sec &&
	    a.mtime.tv_nsec == b.mtime.tv_nsec &&
	    a.ctime.tv_sec == b.ctime.tv_sec &&
	    a.ctime.tv_nsec == b.ctime.tv_nsec;
}

TEST(tls_ca_and_cert)
{
	char root[] = "/tmp/jailnet-tls-XXXXXX";
	struct nl_error err = { 0, "" };

	CHECK(mkdtemp(root) != NULL);
	char *dir = xasprintf("%s/s/tls", root);
	char *ca = xasprintf("%s/ca.crt", dir);
	char *cakey = xasprintf("%s/ca.key", dir);
	char *crt = xasprintf("%s/example.test.crt", dir);
	char *key = xasprintf("%s/example.test.key", dir);

	CHECK_INT_EQ(tls_ca_ensure(dir, "s", &err), 0);
	CHECK_INT_EQ(tls_cert_ensure(dir, "example.test", &err), 0);
	CHECK_STR_EQ(err.msg, "");
	CHECK(verifies(ca, crt, "example.test"));
	CHECK(!verifies(ca, crt, "other.test"));
	CHECK(san_is(crt, "example.test"));
	CHECK_INT_EQ(mode_of(cakey), 0600);
	CHECK_INT_EQ(mode_of(key), 0600);
	CHECK_INT_EQ(mode_of(ca), 0644);

	/* A second run changes nothing. */
	struct version v[4] = { version_of(ca), version_of(cakey),
		version_of(crt), version_of(key) };
	CHECK_INT_EQ(tls_ca_ensure(dir, "s", &err), 0);
	CHECK_INT_EQ(tls_cert_ensure(dir, "example.test", &err), 0);
	CHECK(same_version(v[0], version_of(ca)));
	CHECK(same_version(v[1], version_of(cakey)));
	CHECK(same_version(v[2], version_of(crt)));
	CHECK(same_version(v[3], version_of(key)));

	/* A certificate for another domain in its place is replaced. */
	CHECK_INT_EQ(tls_cert_ensure(dir, "other.test", &err), 0);
	char *other = xasprintf("%s/other.test.crt", dir);
	char *otherkey = xasprintf("%s/other.test.key", dir);
	CHECK(rename(other, crt) == 0);
	CHECK(rename(otherkey, key) == 0);
	CHECK(!verifies(ca, crt, "example.test"));
	CHECK_INT_EQ(tls_cert_ensure(dir, "example.test", &err), 0);
	CHECK(verifies(ca, crt, "example.test"));

	/* A CA with its key missing is an error, and is not replaced. */
	CHECK(unlink(cakey) == 0);
	struct version cav = version_of(ca);
	CHECK_INT_EQ(tls_ca_ensure(dir, "s", &err), -1);
	CHECK(strstr(err.msg, "exists without") != NULL);
	CHECK(same_version(cav, version_of(ca)));

	/* A domain that cannot be a file name. */
	CHECK_INT_EQ(tls_cert_ensure(dir, "../x", &err), -1);

	rm_tree(root);
	free(dir);
	free(ca);
	free(cakey);
	free(crt);
	free(key);
	free(other);
	free(otherkey);
}

TEST(tls_site_example)
{
	char root[] = "/tmp/jailnet-tls-XXXXXX";
	struct nl_error err = { 0, "" };
	struct site *site = fixture_example();

	CHECK(mkdtemp(root) != NULL);
	if (site == NULL)
		return;
	CHECK_INT_EQ(tls_site_ensure(root, site, true, &err), 0);
	CHECK_STR_EQ(err.msg, "");

	char *ca = xasprintf("%s/uxtely/tls/ca.crt", root);
	const char *files[] = {
		"a/nginx_j/usr/local/etc/nginx/tls/uxtely.example.crt",
		"a/nginx_j/usr/local/etc/nginx/tls/uxtely.example.key",
		"b/nginx_j/usr/local/etc/nginx/tls/uxtely.example.crt",
		"b/nginx_j/usr/local/etc/nginx/tls/uxtely.example.key",
	};
	struct version v[4];
	for (size_t i = 0; i < 4; i++) {
		char *p = xasprintf("%s/uxtely/gen/%s", root, files[i]);
		v[i] = version_of(p);
		CHECK(v[i].ino != 0);
		if (i % 2 == 0)
			CHECK(verifies(ca, p, "uxtely.example"));
		else
			CHECK_INT_EQ(mode_of(p), 0600);
		free(p);
	}
	/* Only the jails that enable nginx get them, and only the servers'
	   zone; every jail gets the CA, an outside host its own zone. */
	const char *absent[] = {
		"a/node_j/usr/local/etc/nginx",
		"a/nginx_j/usr/local/etc/nginx/tls/api.payments.example.crt",
		"host/payments/usr/local/etc/ssl/uxtely.example.crt",
		"host/payments/usr/local/etc/ssl/smtp.mail.example.key",
		"host/client1",
	};
	for (size_t i = 0; i < NELEM(absent); i++) {
		char *p = xasprintf("%s/uxtely/gen/%s", root, absent[i]);
		CHECK_INT_EQ(access(p, F_OK), -1);
		free(p);
	}
	const char *cas[] = {
		"a/node_j", "b/pg_j", "a/-", "host/payments", "host/mail",
	};
	for (size_t i = 0; i < NELEM(cas); i++) {
		char *p = xasprintf("%s/uxtely/gen/%s/usr/local/etc/ssl/"
		    "site-ca.crt", root, cas[i]);
		CHECK(same_file(p, ca));
		free(p);
	}
	char *pay = xasprintf("%s/uxtely/gen/host/payments/usr/local/etc/ssl/"
	    "api.payments.example.crt", root);
	char *paykey = xasprintf("%s/uxtely/gen/host/payments/usr/local/etc/"
	    "ssl/api.payments.example.key", root);
	CHECK(verifies(ca, pay, "api.payments.example"));
	CHECK_INT_EQ(mode_of(paykey), 0600);
	free(pay);
	free(paykey);

	/* A second run changes nothing. */
	CHECK_INT_EQ(tls_site_ensure(root, site, true, &err), 0);
	for (size_t i = 0; i < 4; i++) {
		char *p = xasprintf("%s/uxtely/gen/%s", root, files[i]);
		CHECK(same_version(v[i], version_of(p)));
		free(p);
	}
	rm_tree(root);

	/* up --host: no outside world, no outside host's files. */
	CHECK(mkdtemp(strcpy(root, "/tmp/jailnet-tls-XXXXXX")) != NULL);
	CHECK_INT_EQ(tls_site_ensure(root, site, false, &err), 0);
	char *hosts = xasprintf("%s/uxtely/gen/host", root);
	char *node = xasprintf("%s/uxtely/gen/a/node_j/usr/local/etc/ssl/"
	    "site-ca.crt", root);
	CHECK_INT_EQ(access(hosts, F_OK), -1);
	CHECK_INT_EQ(access(node, F_OK), 0);
	free(hosts);
	free(node);

	rm_tree(root);
	free(ca);
	site_free(site);
}
