#include "services/tls_ca.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lib/util.h"

#define CA_DAYS 3650L		/* the CA lives as long as the site */
#define CERT_DAYS 397L		/* what browsers accept for a server */
#define RENEW_DAYS 30L		/* replace a certificate this close to its end */

/* Fill ${err} with ${errnum} and the formatted text, cut if too long. */
static void __attribute__((format(printf, 3, 4)))
fail(struct nl_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* Fill ${err} for an OpenSSL failure of ${what}, with OpenSSL's reason. */
static void
fail_ssl(struct nl_error *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char why[256];

	if (e != 0)
		ERR_error_string_n(e, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "no reason given by OpenSSL");
	ERR_clear_error();
	fail(err, EPROTO, "%s: %s", what, why);
}

/* mkdir -p ${path} with ${mode} for what it creates. */
static int
mkdir_p(const char *path, mode_t mode, struct nl_error *err)
{
	if (make_dir_p(path, mode) != 0) {
		fail(err, errno, "create directory %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Return 1 if ${path} exists, 0 if not, -1 (with ${err}) if stat fails. */
static int
exists(const char *path, struct nl_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	fail(err, errno, "stat %s: %s", path, strerror(errno));
	return -1;
}

/* Write ${len} bytes of ${data} to ${path} with ${mode}, atomically
   (write_file_atomic()): a reader never sees half a key. */
static int
write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct nl_error *err)
{
	int errnum;

	if (write_file_atomic(path, data, len, mode, &errnum) != 0) {
		fail(err, errnum, "write %s: %s", path, strerror(errnum));
		return -1;
	}
	return 0;
}

/*
 * Write the PEM of ${cert} to ${crt} (0644) and of ${key} to ${keyfile}
 * (0600).  The key goes first: a certificate without its key is never
 * left behind as if complete.
 */
static int
write_pair(const char *crt, X509 *cert, const char *keyfile, EVP_PKEY *key,
    struct nl_error *err)
{
	BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
	char *kd, *cd;
	long kn, cn;
	int rc = -1;

	if (kb == NULL || cb == NULL ||
	    !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, cert)) {
		fail_ssl(err, "encode certificate and key as PEM");
		goto out;
	}
	kn = BIO_get_mem_data(kb, &kd);
	cn = BIO_get_mem_data(cb, &cd);
	if (write_atomic(keyfile, kd, (size_t)kn, 0600, err) != 0 ||
	    write_atomic(crt, cd, (size_t)cn, 0644, err) != 0)
		goto out;
	rc = 0;
out:
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}

/*
 * Read a PEM private key (${key}) or certificate from ${path}: an
 * EVP_PKEY or an X509, owned by the caller; NULL with ${err} filled if it
 * cannot.
 */
static void *
load_pem(const char *path, bool key, struct nl_error *err)
{
	BIO *b = BIO_new_file(path, "r");
	void *v = NULL;
	char what[320];

	if (b != NULL)
		v = key ? (void *)PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
		    (void *)PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (v == NULL) {
		snprintf(what, sizeof(what), "read %s %s",
		    key ? "private key" : "certificate", path);
		fail_ssl(err, what);
	}
	return v;
}

/* Add the extension ${nid} = ${value} (openssl's config syntax) to ${x}. */
static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value,
    struct nl_error *err)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	char what[320];

	if (ext == NULL || !X509_add_ext(x, ext, -1)) {
		X509_EXTENSION_free(ext);
		snprintf(what, sizeof(what), "add extension %s = %s",
		    OBJ_nid2sn(nid), value);
		fail_ssl(err, what);
		return -1;
	}
	X509_EXTENSION_free(ext);
	return 0;
}

/*
 * Return a new certificate for ${key} named ${cn}, valid for ${days} from
 * an hour ago, issued by ${issuer} with ${issuer_key} (self-signed by
 * ${key} if ${issuer} is NULL).  A CA certificate if ${domain} is NULL,
 * else a TLS server certificate for ${domain}.
 */
static X509 *
make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
    long days, const char *domain, struct nl_error *err)
{
	X509 *x = X509_new();
	BIGNUM *serial = BN_new();
	X509V3_CTX ctx;
	X509_NAME *name;
	char *san = NULL;

	if (x == NULL || serial == NULL || !X509_set_version(x, 2) ||
	    !BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L) == NULL ||
	    !X509_set_pubkey(x, key)) {
		fail_ssl(err, "build certificate");
		goto fail;
	}
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x,
	    issuer != NULL ? X509_get_subject_name(issuer) : name)) {
		fail_ssl(err, "name certificate");
		goto fail;
	}

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (domain == NULL) {
		if (add_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0", err) != 0 ||
		    add_ext(x, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign", err) != 0 ||
		    add_ext(x, &ctx, NID_subject_key_identifier, "hash",
		    err) != 0)
			goto fail;
	} else {
		san = xasprintf("DNS:%s", domain);
		if (add_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:FALSE", err) != 0 ||
		    add_ext(x, &ctx, NID_key_usage,
		    "critical,digitalSignature", err) != 0 ||
		    add_ext(x, &ctx, NID_ext_key_usage, "serverAuth",
		    err) != 0 ||
		    add_ext(x, &ctx, NID_subject_key_identifier, "hash",
		    err) != 0 ||
		    add_ext(x, &ctx, NID_authority_key_identifier,
		    "keyid:always", err) != 0 ||
		    add_ext(x, &ctx, NID_subject_alt_name, san, err) != 0)
			goto fail;
	}
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    EVP_sha256()) == 0) {
		fail_ssl(err, "sign certificate");
		goto fail;
	}
	free(san);
	BN_free(serial);
	return x;
fail:
	free(san);
	BN_free(serial);
	X509_free(x);
	return NULL;
}

/* Return a new P-256 key, or NULL with ${err} filled. */
static EVP_PKEY *
new_key(struct nl_error *err)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	if (k == NULL)
		fail_ssl(err, "generate an EC P-256 key");
	return k;
}

int
tls_ca_ensure(const char *dir, const char *name, struct nl_error *err)
{
	char *crt = xasprintf("%s/ca.crt", dir);
	char *keyf = xasprintf("%s/ca.key", dir);
	char *cn = xasprintf("%s jailnet CA", name);
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	int have_crt, have_key, rc = -1;

	if (mkdir_p(dir, 0755, err) != 0)
		goto out;
	if ((have_crt = exists(crt, err)) < 0 ||
	    (have_key = exists(keyf, err)) < 0)
		goto out;
	if (have_crt && have_key) {
		/* Keep it, if it is one: the certificate goes with the key. */
		if ((x = load_pem(crt, false, err)) == NULL ||
		    (key = load_pem(keyf, true, err)) == NULL)
			goto out;
		if (X509_check_private_key(x, key) != 1) {
			ERR_clear_error();
			fail(err, EINVAL, "%s is not the certificate of the "
			    "key %s; remove both to make a new CA", crt, keyf);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (have_crt || have_key) {
		fail(err, EEXIST, "%s exists without %s; restore it or remove "
		    "it to make a new CA", have_crt ? crt : keyf,
		    have_crt ? keyf : crt);
		goto out;
	}
	if ((key = new_key(err)) == NULL ||
	    (x = make_cert(cn, key, NULL, NULL, CA_DAYS, NULL, err)) == NULL)
		goto out;
	rc = write_pair(crt, x, keyf, key, err);
out:
	X509_free(x);
	EVP_PKEY_free(key);
	free(crt);
	free(keyf);
	free(cn);
	return rc;
}

/* Return 1 if ${x} (with ${key}) is a good certificate for ${domain}. */
static int
cert_good(X509 *x, EVP_PKEY *key, X509 *ca, const char *domain)
{
	time_t renew = time(NULL) + RENEW_DAYS * 86400L;
	int good;

	good = X509_verify(x, X509_get0_pubkey(ca)) == 1 &&
	    X509_check_issued(ca, x) == X509_V_OK &&
	    X509_check_host(x, domain, 0, 0, NULL) == 1 &&
	    X509_check_private_key(x, key) == 1 &&
	    X509_cmp_time(X509_get0_notAfter(x), &renew) > 0;
	ERR_clear_error();
	return good;
}

/* Return 0 if ${domain} can be a file name in the TLS directory. */
static int
check_domain(const char *domain, struct nl_error *err)
{
	if (domain[0] == '\0' || domain[0] == '.' ||
	    strchr(domain, '/') != NULL) {
		fail(err, EINVAL, "domain '%s' cannot name a certificate file",
		    domain);
		return -1;
	}
	return 0;
}

int
tls_cert_ensure(const char *dir, const char *domain, struct nl_error *err)
{
	char *cacrt = xasprintf("%s/ca.crt", dir);
	char *cakeyf = xasprintf("%s/ca.key", dir);
	char *crt = xasprintf("%s/%s.crt", dir, domain);
	char *keyf = xasprintf("%s/%s.key", dir, domain);
	X509 *ca = NULL, *x = NULL;
	EVP_PKEY *cakey = NULL, *key = NULL;
	int have_crt, have_key, rc = -1;

	if (check_domain(domain, err) != 0)
		goto out;
	if ((ca = load_pem(cacrt, false, err)) == NULL)
		goto out;
	if ((have_crt = exists(crt, err)) < 0 ||
	    (have_key = exists(keyf, err)) < 0)
		goto out;
	if (have_crt && have_key) {
		x = load_pem(crt, false, NULL);
		key = load_pem(keyf, true, NULL);
		ERR_clear_error();
		if (x != NULL && key != NULL && cert_good(x, key, ca, domain)) {
			rc = 0;
			goto out;
		}
		X509_free(x);
		EVP_PKEY_free(key);
		x = NULL;
		key = NULL;
	}
	if ((cakey = load_pem(cakeyf, true, err)) == NULL ||
	    (key = new_key(err)) == NULL ||
	    (x = make_cert(domain, key, ca, cakey, CERT_DAYS, domain,
	    err)) == NULL)
		goto out;
	rc = write_pair(crt, x, keyf, key, err);
out:
	X509_free(ca);
	X509_free(x);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	free(cacrt);
	free(cakeyf);
	free(crt);
	free(keyf);
	return rc;
}

/* Copy ${from} to ${to} with ${mode} unless ${to} already holds the same. */
static int
copy_if_changed(const char *from, const char *to, mode_t mode,
    struct nl_error *err)
{
	size_t n, m;
	int errnum;
	char *want = read_file(from, &n, &errnum);
	char *have;
	int rc;

	if (want == NULL) {
		fail(err, errnum, "read %s: %s", from, strerror(errnum));
		return -1;
	}
	have = read_file(to, &m, &errnum);
	if (have != NULL && m == n && memcmp(have, want, n) == 0) {
		struct stat st;
		rc = 0;
		if (stat(to, &st) == 0 && (st.st_mode & 07777) != mode &&
		    chmod(to, mode) != 0) {
			fail(err, errno, "chmod %s: %s", to, strerror(errno));
			rc = -1;
		}
	} else {
		rc = write_atomic(to, want, n, mode, err);
	}
	free(want);
	free(have);
	return rc;
}

/* Return true if ${jail} enables the service that serves TLS. */
static bool
serves_tls(const struct site *site, const struct jail *jail)
{
	for (size_t i = 0; i < jail->nservices; i++)
		if (str_eq(site->services[jail->services[i].service].name,
		    TLS_SERVICE))
			return true;
	return false;
}

/* Does zone ${z} have a record of outside host ${h} (NO_INDEX: of any)? */
static bool
zone_names_host(const struct dns_zone *z, size_t h)
{
	for (size_t r = 0; r < z->nrecords; r++)
		if (z->records[r].host != NO_INDEX &&
		    (h == NO_INDEX || z->records[r].host == h))
			return true;
	return false;
}

/* Copy ${domain}'s certificate and key from ${dir} into ${to}. */
static int
copy_pair(const char *dir, const char *domain, const char *to,
    struct nl_error *err)
{
	char *f1 = xasprintf("%s/%s.crt", dir, domain);
	char *t1 = xasprintf("%s/%s.crt", to, domain);
	char *f2 = xasprintf("%s/%s.key", dir, domain);
	char *t2 = xasprintf("%s/%s.key", to, domain);
	int rc = copy_if_changed(f1, t1, 0644, err) != 0 ||
	    copy_if_changed(f2, t2, 0600, err) != 0 ? -1 : 0;

	free(f1);
	free(t1);
	free(f2);
	free(t2);
	return rc;
}

/*
 * Into the generated layer DATA_ROOT/SITE/gen/${server}/${name}: the CA
 * certificate, and when ${host} is not NO_INDEX (an outside host), the
 * pairs of the zones naming it; when ${nginx}, those of the servers'
 * zones (the ones naming no outside host) in nginx's directory.
 */
static int
hand_out(const char *data_root, const struct site *site, const char *dir,
    const char *server, const char *name, size_t host, bool nginx,
    struct nl_error *err)
{
	char *gen = xasprintf("%s/%s/gen/%s/%s", data_root, site->name,
	    server, name);
	char *ssl = xasprintf("%s/%s", gen, TLS_CA_DIR);
	char *tls = xasprintf("%s/%s", gen, TLS_JAIL_DIR);
	char *from = xasprintf("%s/ca.crt", dir);
	char *to = xasprintf("%s/%s", ssl, TLS_CA_FILE);
	int rc = -1;

	if (mkdir_p(ssl, 0755, err) != 0 ||
	    copy_if_changed(from, to, 0644, err) != 0 ||
	    (nginx && mkdir_p(tls, 0755, err) != 0))
		goto out;
	for (size_t z = 0; z < site->nzones; z++) {
		const struct dns_zone *zone = &site->zones[z];

		if (host != NO_INDEX && zone_names_host(zone, host) &&
		    copy_pair(dir, zone->name, ssl, err) != 0)
			goto out;
		if (nginx && !zone_names_host(zone, NO_INDEX) &&
		    copy_pair(dir, zone->name, tls, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(gen);
	free(ssl);
	free(tls);
	free(from);
	free(to);
	return rc;
}

int
tls_site_ensure(const char *data_root, const struct site *site,
    bool outside, struct nl_error *err)
{
	char *dir = xasprintf("%s/%s/tls", data_root, site->name);
	int rc = -1;

	if (tls_ca_ensure(dir, site->name, err) != 0)
		goto out;
	for (size_t z = 0; z < site->nzones; z++)
		if (tls_cert_ensure(dir, site->zones[z].name, err) != 0)
			goto out;
	for (size_t h = 0; outside && h < site->nhosts; h++)
		if (site->hosts[h].nservices > 0 && hand_out(data_root, site,
		    dir, SITE_OUTSIDE_HOSTS, site->hosts[h].name, h, false,
		    err) != 0)
			goto out;
	for (size_t s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		if (srv->nservices > 0 && hand_out(data_root, site, dir,
		    srv->name, SITE_SERVER_SELF, NO_INDEX, false, err) != 0)
			goto out;
		for (size_t j = 0; j < srv->njails; j++)
			if (hand_out(data_root, site, dir, srv->name,
			    srv->jails[j].name, NO_INDEX,
			    serves_tls(site, &srv->jails[j]), err) != 0)
				goto out;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}
