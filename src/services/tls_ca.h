/*
 * tls_ca: the site's certificate authority and the certificates of its
 * domains, made once with OpenSSL's libcrypto and handed to the jails that
 * serve TLS.
 *
 * Files, under DATA_ROOT/SITE (DATA_ROOT is /var/lib/jailnet; tests pass
 * their own):
 *   tls/ca.crt, tls/ca.key            the site CA (key mode 0600); clients
 *                                     of the simulated world trust ca.crt
 *   tls/DOMAIN.crt, tls/DOMAIN.key    one per DNS zone of site.conf: the
 *                                     domain in the subject alternative
 *                                     name, signed by the CA
 *   gen/SERVER/JAIL/usr/local/etc/nginx/tls/DOMAIN.crt, DOMAIN.key
 *                                     copies in the generated layer of
 *                                     every jail that enables the service
 *                                     `nginx` (nginx_enable="YES"), for
 *                                     the zones whose records are servers
 *   gen/host/HOST/usr/local/etc/ssl/DOMAIN.crt, DOMAIN.key
 *                                     for an outside host with services,
 *                                     those of the zones naming it (a
 *                                     provider's name, as payments')
 *   gen/.../usr/local/etc/ssl/site-ca.crt
 *                                     the CA certificate, for every jail,
 *                                     every server with services of its
 *                                     own and outside host with services:
 *                                     what their TLS clients trust
 *
 * Nothing that exists and is valid is rewritten: a second run changes no
 * file.  A domain certificate that no longer verifies against the CA, lacks
 * its domain or expires within 30 days is replaced.  A CA with only one of
 * its two files is an error (jailnet never replaces a CA on its own).
 *
 * Functions return 0, or -1 with ${err} filled (an errno value and a
 * sentence; OpenSSL's reason where it failed); they never print or exit.
 */
#ifndef JAILNET_TLS_CA_H
#define JAILNET_TLS_CA_H

#include "model/site.h"
#include "kernel/nl.h"

/* The service whose jails get the servers' certificates, and where. */
#define TLS_SERVICE "nginx"
#define TLS_JAIL_DIR "usr/local/etc/nginx/tls"

/* Where every jail, server and outside host finds the CA certificate
   (TLS_CA_DIR/TLS_CA_FILE), and an outside host its certificates. */
#define TLS_CA_DIR "usr/local/etc/ssl"
#define TLS_CA_FILE "site-ca.crt"

/**
 * tls_ca_ensure(dir, name, err):
 * Make sure the directory ${dir} (created with mode 0755 if missing, its
 * parents too) holds a CA certificate ca.crt and its key ca.key (0600),
 * creating both, with the common name "${name} jailnet CA", if neither
 * exists.  Fail if only one exists or they do not belong together.
 */
int tls_ca_ensure(const char *dir, const char *name, struct nl_error *err);

/**
 * tls_cert_ensure(dir, domain, err):
 * Make sure ${dir} holds ${domain}.crt and ${domain}.key: a server
 * certificate for ${domain} (subject alternative name DNS:${domain}) signed
 * by the CA of ${dir}, which must exist (tls_ca_ensure()).  Keep valid
 * files; replace files that do not verify, lack the domain or expire
 * within 30 days.
 */
int tls_cert_ensure(const char *dir, const char *domain,
    struct nl_error *err);

/**
 * tls_site_ensure(data_root, site, outside, err):
 * For ${site}: the CA and one certificate per DNS zone under
 * ${data_root}/SITE/tls, then the copies listed above in the generated
 * layers, the outside hosts' only if ${outside} (a simulated world; `up
 * --host` has none).  A copy whose contents are already right is left
 * alone.
 */
int tls_site_ensure(const char *data_root, const struct site *site,
    bool outside, struct nl_error *err);

#endif
