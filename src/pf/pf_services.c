/*
 * pf_services: the names pf.conf uses for ports, protocols, ICMP types and
 * codes, and state timeouts.
 *
 * The services and protocols are the commonly used part of FreeBSD's
 * /etc/services and /etc/protocols, in those files' order, so that a
 * reverse lookup finds the first name as getservbyport(3) does; ICMP names
 * and timeouts are pfctl's own.
 */
#include <string.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "pf/pf.h"

#define TCP	0x01
#define UDP	0x02
#define BOTH	(TCP | UDP)

struct service {
	const char *name;
	unsigned port;
	unsigned protos;
	const char *aliases;	/* separated by spaces, or NULL */
};

static const struct service services[] = {
	{ "tcpmux", 1, BOTH, NULL },
	{ "echo", 7, BOTH, NULL },
	{ "discard", 9, BOTH, "sink null" },
	{ "systat", 11, BOTH, "users" },
	{ "daytime", 13, BOTH, NULL },
	{ "qotd", 17, BOTH, "quote" },
	{ "chargen", 19, BOTH, "ttytst source" },
	{ "ftp-data", 20, BOTH, NULL },
	{ "ftp", 21, BOTH, NULL },
	{ "ssh", 22, BOTH, NULL },
	{ "telnet", 23, BOTH, NULL },
	{ "smtp", 25, BOTH, "mail" },
	{ "time", 37, BOTH, "timserver" },
	{ "nameserver", 42, BOTH, "name" },
	{ "nicname", 43, BOTH, "whois" },
	{ "tacacs", 49, BOTH, NULL },
	{ "domain", 53, BOTH, NULL },
	{ "bootps", 67, BOTH, "dhcps" },
	{ "bootpc", 68, BOTH, "dhcpc" },
	{ "tftp", 69, BOTH, NULL },
	{ "gopher", 70, BOTH, NULL },
	{ "finger", 79, BOTH, NULL },
	{ "http", 80, BOTH, "www www-http" },
	{ "kerberos-sec", 88, BOTH, "kerberos" },
	{ "hostname", 101, BOTH, "hostnames" },
	{ "pop2", 109, BOTH, "postoffice" },
	{ "pop3", 110, BOTH, NULL },
	{ "sunrpc", 111, BOTH, "rpcbind" },
	{ "auth", 113, BOTH, "ident tap" },
	{ "nntp", 119, BOTH, "usenet" },
	{ "ntp", 123, BOTH, NULL },
	{ "epmap", 135, BOTH, NULL },
	{ "netbios-ns", 137, BOTH, NULL },
	{ "netbios-dgm", 138, BOTH, NULL },
	{ "netbios-ssn", 139, BOTH, NULL },
	{ "imap", 143, BOTH, "imap2 imap4" },
	{ "snmp", 161, BOTH, NULL },
	{ "snmptrap", 162, BOTH, "snmp-trap" },
	{ "bgp", 179, BOTH, NULL },
	{ "irc", 194, BOTH, NULL },
	{ "ldap", 389, BOTH, NULL },
	{ "https", 443, BOTH, NULL },
	{ "microsoft-ds", 445, BOTH, NULL },
	{ "kpasswd", 464, BOTH, "kpasswd5" },
	{ "smtps", 465, BOTH, NULL },
	{ "urd", 465, TCP, NULL },
	{ "submissions", 465, TCP, NULL },
	{ "igmpv3lite", 465, UDP, NULL },
	{ "isakmp", 500, BOTH, NULL },
	{ "exec", 512, TCP, NULL },
	{ "biff", 512, UDP, "comsat" },
	{ "login", 513, TCP, NULL },
	{ "who", 513, UDP, "whod" },
	{ "shell", 514, TCP, "cmd" },
	{ "syslog", 514, UDP, NULL },
	{ "printer", 515, BOTH, "spooler" },
	{ "efs", 520, TCP, NULL },
	{ "router", 520, UDP, "route routed" },
	{ "ripng", 521, BOTH, NULL },
	{ "uucp", 540, BOTH, "uucpd" },
	{ "klogin", 543, BOTH, NULL },
	{ "kshell", 544, BOTH, "krcmd" },
	{ "dhcpv6-client", 546, BOTH, NULL },
	{ "dhcpv6-server", 547, BOTH, NULL },
	{ "rtsp", 554, BOTH, NULL },
	{ "nntps", 563, BOTH, "snntp" },
	{ "submission", 587, BOTH, NULL },
	{ "http-alt", 591, BOTH, NULL },
	{ "ipp", 631, BOTH, "ipps" },
	{ "ldaps", 636, BOTH, "sldap" },
	{ "domain-s", 853, BOTH, NULL },
	{ "rsync", 873, BOTH, NULL },
	{ "rndc", 953, TCP, NULL },
	{ "ftps-data", 989, BOTH, NULL },
	{ "ftps", 990, BOTH, NULL },
	{ "telnets", 992, BOTH, NULL },
	{ "imaps", 993, BOTH, NULL },
	{ "ircs", 994, BOTH, NULL },
	{ "pop3s", 995, BOTH, "spop3" },
	{ "socks", 1080, BOTH, NULL },
	{ "openvpn", 1194, BOTH, NULL },
	{ "ms-sql-s", 1433, BOTH, NULL },
	{ "ms-sql-m", 1434, BOTH, NULL },
	{ "l2f", 1701, BOTH, NULL },
	{ "l2tp", 1701, BOTH, NULL },
	{ "pptp", 1723, TCP, NULL },
	{ "radius", 1812, UDP, NULL },
	{ "radacct", 1813, UDP, NULL },
	{ "ssdp", 1900, BOTH, NULL },
	{ "nfsd", 2049, BOTH, "nfs" },
	{ "cvspserver", 2401, BOTH, NULL },
	{ "mysql", 3306, BOTH, NULL },
	{ "ms-wbt-server", 3389, TCP, "rdp" },
	{ "ms-wbt-server", 3389, UDP, NULL },
	{ "svn", 3690, BOTH, NULL },
	{ "sieve", 4190, BOTH, NULL },
	{ "ipsec-nat-t", 4500, BOTH, NULL },
	{ "vxlan", 4789, UDP, NULL },
	{ "sip", 5060, BOTH, NULL },
	{ "sip-tls", 5061, BOTH, NULL },
	{ "xmpp-client", 5222, BOTH, NULL },
	{ "xmpp-server", 5269, BOTH, NULL },
	{ "mdns", 5353, BOTH, NULL },
	{ "postgresql", 5432, BOTH, NULL },
	{ "amqps", 5671, BOTH, NULL },
	{ "amqp", 5672, BOTH, NULL },
	{ "vnc-server", 5900, BOTH, NULL },
	{ "couchdb", 5984, BOTH, NULL },
	{ "x11", 6000, BOTH, NULL },
	{ "ircd", 6667, TCP, NULL },
	{ "ircs-u", 6697, TCP, NULL },
	{ "http-alt", 8080, BOTH, NULL },
	{ "puppet", 8140, TCP, NULL },
	{ "ub-dns-control", 8953, TCP, NULL },
	{ "jetdirect", 9100, TCP, NULL },
	{ "git", 9418, BOTH, NULL },
	{ "zabbix-agent", 10050, BOTH, NULL },
	{ "zabbix-trapper", 10051, BOTH, NULL },
};

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

/* Return the port of ${name} for the protocols ${proto}, or -1. */
static int
service_lookup(const char *name, unsigned proto)
{
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if ((services[i].protos & proto) == 0)
			continue;
		if (strcmp(services[i].name, name) == 0 ||
		    in_words(name, services[i].aliases))
			return (int)services[i].port;
	}
	return -1;
}

int
pf_service_port(const char *name)
{
	int port;

	if ((port = service_lookup(name, TCP)) >= 0)
		return port;
	return service_lookup(name, UDP);
}

const char *
pf_service_name(unsigned port, const char *proto)
{
	unsigned mask = strcmp(proto, "tcp") == 0 ? TCP : UDP;
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (services[i].port == port && (services[i].protos & mask))
			return services[i].name;
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

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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
