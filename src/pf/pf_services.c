/*
 * pf_services: the names pf.conf uses for ports, protocols, ICMP types and
 * codes, and state timeouts.
 *
 * The services are the whole of FreeBSD's /etc/services (the table
 * pf_services_table.c, generated from data/freebsd/services), searched in
 * the file's order so that each lookup finds the first match as
 * getservbyname(3) and getservbyport(3) do.  The protocols are the
 * commonly used part of FreeBSD's /etc/protocols, in its order; ICMP names
 * and timeouts are pfctl's own.
 */
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf.h"
#include "pf/pf_services_table.h"

/* Return true if ${name} is one of the space-separated ${words}. */
static int
in_words(const char *name, const char *words)
{
	size_t n = strlen(name);
	const char *p = words;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* The table's protocol named ${proto} ("tcp" or "udp"), or 0. */
static enum pf_service_proto
service_proto(const char *proto)
{
	if (strcmp(proto, "tcp") == 0)
		return PF_SERVICE_TCP;
	if (strcmp(proto, "udp") == 0)
		return PF_SERVICE_UDP;
	return 0;
}

int
pf_service_lookup(const char *name, const char *proto)
{
	enum pf_service_proto want = service_proto(proto);
	const struct pf_service_entry *e;
	unsigned i;

	for (i = 0; i < pf_service_table_len; i++) {
		e = &pf_service_table[i];
		if (e->proto != want)
			continue;
		if (strcmp(e->name, name) == 0 || in_words(name, e->aliases))
			return (int)e->port;
	}
	return -1;
}

int
pf_service_port(const char *name)
{
	int port;

	if ((port = pf_service_lookup(name, "tcp")) >= 0)
		return port;
	return pf_service_lookup(name, "udp");
}

const char *
pf_service_name(unsigned port, const char *proto)
{
	enum pf_service_proto want = service_proto(proto);
	unsigned i;

	for (i = 0; i < pf_service_table_len; i++)
		if (pf_service_table[i].port == port &&
		    pf_service_table[i].proto == want)
			return pf_service_table[i].name;
	return NULL;
}

struct protocol {
	const char *name;
	int number;
	const char *aliases;
};

static const struct protocol protocols[] = {
	{ "ip", 0, "IP" },
	{ "icmp", 1, "ICMP" },
	{ "igmp", 2, "IGMP" },
	{ "ggp", 3, "GGP" },
	{ "ipencap", 4, "IP-ENCAP" },
	{ "st2", 5, "ST2" },
	{ "tcp", 6, "TCP" },
	{ "cbt", 7, "CBT" },
	{ "egp", 8, "EGP" },
	{ "igp", 9, "IGP" },
	{ "pup", 12, "PUP" },
	{ "udp", 17, "UDP" },
	{ "hmp", 20, "HMP" },
	{ "xns-idp", 22, "XNS-IDP" },
	{ "rdp", 27, "RDP" },
	{ "iso-tp4", 29, "ISO-TP4" },
	{ "dccp", 33, "DCCP" },
	{ "xtp", 36, "XTP" },
	{ "ddp", 37, "DDP" },
	{ "idpr-cmtp", 38, "IDPR-CMTP" },
	{ "ipv6", 41, "IPV6" },
	{ "ipv6-route", 43, "IPV6-ROUTE" },
	{ "ipv6-frag", 44, "IPV6-FRAG" },
	{ "idrp", 45, "IDRP" },
	{ "rsvp", 46, "RSVP" },
	{ "gre", 47, "GRE" },
	{ "esp", 50, "ESP" },
	{ "ah", 51, "AH" },
	{ "skip", 57, "SKIP" },
	{ "ipv6-icmp", 58, "IPV6-ICMP icmp6" },
	{ "ipv6-nonxt", 59, "IPV6-NONXT" },
	{ "ipv6-opts", 60, "IPV6-OPTS" },
	{ "rspf", 73, "RSPF" },
	{ "vmtp", 81, "VMTP" },
	{ "eigrp", 88, "EIGRP" },
	{ "ospf", 89, "OSPFIGP" },
	{ "ax.25", 93, "AX.25" },
	{ "ipip", 94, "IPIP" },
	{ "etherip", 97, "ETHERIP" },
	{ "encap", 98, "ENCAP" },
	{ "pim", 103, "PIM" },
	{ "ipcomp", 108, "IPCOMP" },
	{ "vrrp", 112, "VRRP" },
	{ "carp", 112, "CARP" },
	{ "l2tp", 115, "L2TP" },
	{ "isis", 124, "ISIS" },
	{ "sctp", 132, "SCTP" },
	{ "fc", 133, "FC" },
	{ "mobility-header", 135, "Mobility-Header" },
	{ "udplite", 136, "UDPLite" },
	{ "mpls-in-ip", 137, "MPLS-IN-IP" },
	{ "hip", 139, "HIP" },
	{ "shim6", 140, "SHIM6" },
	{ "wesp", 141, "WESP" },
	{ "rohc", 142, "ROHC" },
	{ "pfsync", 240, "PFSYNC" },
};

int
pf_proto_number(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcmp(protocols[i].name, name) == 0 ||
		    in_words(name, protocols[i].aliases))
			return protocols[i].number;
	return -1;
}

const char *
pf_proto_name(int number)
{
	size_t i;

	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].number == number)
			return protocols[i].name;
	return NULL;
}

struct icmp_name {
	const char *name;
	int type;
	int code;		/* -1 in the type tables */
};

static const struct icmp_name icmp_types[] = {
	{ "echoreq", 8, -1 }, { "echorep", 0, -1 }, { "unreach", 3, -1 },
	{ "squench", 4, -1 }, { "redir", 5, -1 }, { "althost", 6, -1 },
	{ "routeradv", 9, -1 }, { "routersol", 10, -1 }, { "timex", 11, -1 },
	{ "paramprob", 12, -1 }, { "timereq", 13, -1 },
	{ "timerep", 14, -1 }, { "inforeq", 15, -1 }, { "inforep", 16, -1 },
	{ "maskreq", 17, -1 }, { "maskrep", 18, -1 }, { "trace", 30, -1 },
	{ "dataconv", 31, -1 }, { "mobredir", 32, -1 },
	{ "ipv6-where", 33, -1 }, { "ipv6-here", 34, -1 },
	{ "mobregreq", 35, -1 }, { "mobregrep", 36, -1 }, { "skip", 39, -1 },
	{ "photuris", 40, -1 },
};

static const struct icmp_name icmp6_types[] = {
	{ "unreach", 1, -1 }, { "toobig", 2, -1 }, { "timex", 3, -1 },
	{ "paramprob", 4, -1 }, { "echoreq", 128, -1 },
	{ "echorep", 129, -1 }, { "groupqry", 130, -1 },
	{ "listqry", 130, -1 }, { "grouprep", 131, -1 },
	{ "listenrep", 131, -1 }, { "groupterm", 132, -1 },
	{ "listendone", 132, -1 }, { "routersol", 133, -1 },
	{ "routeradv", 134, -1 }, { "neighbrsol", 135, -1 },
	{ "neighbradv", 136, -1 }, { "redir", 137, -1 },
	{ "routrrenum", 138, -1 }, { "wrureq", 139, -1 },
	{ "wrurep", 140, -1 }, { "fqdnreq", 139, -1 }, { "fqdnrep", 140, -1 },
	{ "niqry", 139, -1 }, { "nirep", 140, -1 }, { "mtraceresp", 200, -1 },
	{ "mtrace", 201, -1 },
};

static const struct icmp_name icmp_codes[] = {
	{ "net-unr", 3, 0 }, { "host-unr", 3, 1 }, { "proto-unr", 3, 2 },
	{ "port-unr", 3, 3 }, { "needfrag", 3, 4 }, { "srcfail", 3, 5 },
	{ "net-unk", 3, 6 }, { "host-unk", 3, 7 }, { "isolate", 3, 8 },
	{ "net-prohib", 3, 9 }, { "host-prohib", 3, 10 },
	{ "net-tos", 3, 11 }, { "host-tos", 3, 12 },
	{ "filter-prohib", 3, 13 }, { "host-preced", 3, 14 },
	{ "cutoff-preced", 3, 15 }, { "redir-net", 5, 0 },
	{ "redir-host", 5, 1 }, { "redir-tos-net", 5, 2 },
	{ "redir-tos-host", 5, 3 }, { "normal-adv", 9, 0 },
	{ "common-adv", 9, 16 }, { "transit", 11, 0 }, { "reassemb", 11, 1 },
	{ "badhead", 12, 0 }, { "optmiss", 12, 1 }, { "badlen", 12, 2 },
	{ "unknown-ind", 40, 1 }, { "auth-fail", 40, 2 },
	{ "decrypt-fail", 40, 3 },
};

static const struct icmp_name icmp6_codes[] = {
	{ "admin-unr", 1, 1 }, { "noroute-unr", 1, 0 },
	{ "notnbr-unr", 1, 2 }, { "beyond-unr", 1, 2 }, { "addr-unr", 1, 3 },
	{ "port-unr", 1, 4 }, { "transit", 3, 0 }, { "reassemb", 3, 1 },
	{ "badhead", 4, 0 }, { "nxthdr", 4, 1 }, { "redironlink", 137, 0 },
	{ "redirrouter", 137, 1 },
};


int
pf_icmp_type_number(const char *name, int af)
{
	const struct icmp_name *t = af == AF_INET6 ? icmp6_types : icmp_types;
	size_t n = af == AF_INET6 ? NELEM(icmp6_types) : NELEM(icmp_types);
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].type;
	return -1;
}

const char *
pf_icmp_type_name(int type, int af)
{
	const struct icmp_name *t = af == AF_INET6 ? icmp6_types : icmp_types;
	size_t n = af == AF_INET6 ? NELEM(icmp6_types) : NELEM(icmp_types);
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].type == type)
			return t[i].name;
	return NULL;
}

int
pf_icmp_code_number(int type, const char *name, int af)
{
	const struct icmp_name *t = af == AF_INET6 ? icmp6_codes : icmp_codes;
	size_t n = af == AF_INET6 ? NELEM(icmp6_codes) : NELEM(icmp_codes);
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].type == type && strcmp(t[i].name, name) == 0)
			return t[i].code;
	return -1;
}

const char *
pf_icmp_code_name(int type, int code, int af)
{
	const struct icmp_name *t = af == AF_INET6 ? icmp6_codes : icmp_codes;
	size_t n = af == AF_INET6 ? NELEM(icmp6_codes) : NELEM(icmp_codes);
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].type == type && t[i].code == code)
			return t[i].name;
	return NULL;
}

struct timeout_name {
	const char *name;
	enum pf_timeout t;
};

/* pfctl's table, in its order (which only matters for lookups). */
static const struct timeout_name timeouts[] = {
	{ "tcp.first", PF_TM_TCP_FIRST },
	{ "tcp.opening", PF_TM_TCP_OPENING },
	{ "tcp.established", PF_TM_TCP_ESTABLISHED },
	{ "tcp.closing", PF_TM_TCP_CLOSING },
	{ "tcp.finwait", PF_TM_TCP_FINWAIT },
	{ "tcp.closed", PF_TM_TCP_CLOSED },
	{ "tcp.tsdiff", PF_TM_TS_DIFF },
	{ "udp.first", PF_TM_UDP_FIRST },
	{ "udp.single", PF_TM_UDP_SINGLE },
	{ "udp.multiple", PF_TM_UDP_MULTIPLE },
	{ "icmp.first", PF_TM_ICMP_FIRST },
	{ "icmp.error", PF_TM_ICMP_ERROR },
	{ "other.first", PF_TM_OTHER_FIRST },
	{ "other.single", PF_TM_OTHER_SINGLE },
	{ "other.multiple", PF_TM_OTHER_MULTIPLE },
	{ "frag", PF_TM_FRAG },
	{ "interval", PF_TM_INTERVAL },
	{ "adaptive.start", PF_TM_ADAPTIVE_START },
	{ "adaptive.end", PF_TM_ADAPTIVE_END },
	{ "src.track", PF_TM_SRC_TRACK },
};

int
pf_timeout_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(timeouts); i++)
		if (strcmp(timeouts[i].name, name) == 0)
			return (int)timeouts[i].t;
	return -1;
}

const char *
pf_timeout_name(enum pf_timeout t)
{
	size_t i;

	for (i = 0; i < NELEM(timeouts); i++)
		if (timeouts[i].t == t)
			return timeouts[i].name;
	return "inv.timeout";
}
