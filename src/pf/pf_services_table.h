/*
 * pf_services_table: FreeBSD's /etc/services as data, for pf_services.c
 * (generated into pf_services_table.c by tools/gen-services.sh).
 */
#ifndef PF_SERVICES_TABLE_H
#define PF_SERVICES_TABLE_H

#include <stddef.h>

enum pf_service_proto { PF_SERVICE_TCP = 1, PF_SERVICE_UDP = 2 };

/* One line of the file: its name, port, protocol and other names. */
struct pf_service_entry {
	const char *name;
	unsigned port;
	enum pf_service_proto proto;
	const char *aliases;	/* separated by spaces, or NULL */
};

/* The tcp and udp lines of the file, in its order. */
extern const struct pf_service_entry pf_service_table[];
extern const unsigned pf_service_table_len;

#endif
