/*
 * tlsmake DIR NAME DOMAIN: make the CA and DOMAIN's certificate in DIR with
 * jailnet's own tls_ca module, as `up` does (for tools/loopback.sh).
 */
#include <stdio.h>

#include "services/tls_ca.h"

int
main(int argc, char **argv)
{
	struct nl_error err = { 0, "" };

	if (argc != 4) {
		fprintf(stderr, "usage: tlsmake DIR NAME DOMAIN\n");
		return 2;
	}
	if (tls_ca_ensure(argv[1], argv[2], &err) != 0 ||
	    tls_cert_ensure(argv[1], argv[3], &err) != 0) {
		fprintf(stderr, "tlsmake: %s\n", err.msg);
		return 1;
	}
	return 0;
}
