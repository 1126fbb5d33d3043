/*
 * jailnet dns SITE drain|restore SERVER: take a server's record out of the
 * site's DNS zones, or put it back, and check the running DNS server.
 *
 * The DNS server of a zone is NSD on an outside host (site.conf's zone
 * `server = HOST`).  After rewriting its files this command finds the
 * main nsd process of that host and sends it SIGHUP, which makes NSD 4
 * re-read zone files whose modification time changed.  The process is
 * looked up in the supervisor's procs file (supervise_read_status()) as a
 * running "service" line of one of the host's services whose SERVER/JAIL
 * is "host HOST" (or "HOST -"); failing that, as the process named nsd in
 * the host's network namespace whose parent is not an nsd of that
 * namespace.  Either way the pid must be an "nsd" in that namespace.
 *
 * The check is a real DNS exchange: from an outside client's namespace,
 * libresolv's res_nquery() asks the zone's SOA until its serial is the new
 * one, then the A records, which must be exactly those of the servers not
 * drained.
 */
#include "cli/cmd_dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/hostns.h"
#include "kernel/netns.h"
#include "kernel/state.h"
#include "jail/jail_init.h"
#include "jail/supervise.h"
#include "services/dns_zone.h"
#include "cli/cli.h"

/* How long the check waits for nsd to serve the new serial. */
#define RELOAD_WAIT_MS 5000
#define RELOAD_POLL_MS 100

struct dns_args {
	const char *site;
	bool drain;
	const char *server;
	const char *from;
	bool wait;
};

static int
usage(const char *why)
{
	return cli_usage("dns", CMD_DNS_USAGE, "%s", why);
}

static int
parse_args(int argc, char **argv, struct dns_args *a)
{
	const char *pos[3];
	int i, npos = 0;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--wait") == 0) {
			a->wait = true;
		} else if (strcmp(argv[i], "--from") == 0) {
			a->from = cli_option_value("dns", CMD_DNS_USAGE, argc, argv,
			    &i, "an outside host's name");
			if (a->from == NULL)
				return -1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "jailnet dns: unknown option '%s'\n",
			    argv[i]);
			usage("");
			return -1;
		} else if (npos < 3) {
			pos[npos++] = argv[i];
		} else {
			fprintf(stderr, "jailnet dns: unexpected argument "
			    "'%s'\n", argv[i]);
			usage("");
			return -1;
		}
	}
	if (npos < 3) {
		usage(npos == 0 ? "missing the SITE directory" : npos == 1 ?
		    "missing drain or restore" : "missing the SERVER");
		return -1;
	}
	a->site = pos[0];
	if (strcmp(pos[1], "drain") == 0) {
		a->drain = true;
	} else if (strcmp(pos[1], "restore") != 0) {
		static const char *const actions[] = { "drain", "restore" };
		const char *hint = closest_word(pos[1], actions, 2);

		if (hint != NULL)
			fprintf(stderr, "jailnet dns: unknown action '%s'; did "
			    "you mean '%s'?\n", pos[1], hint);
		else
			fprintf(stderr, "jailnet dns: unknown action '%s' "
			    "(drain or restore)\n", pos[1]);
		usage("");
		return -1;
	}
	a->server = pos[2];
	return 0;
}

/* Does zone ${z} have a record for server ${name}? */
static bool
zone_has(const struct dns_zone *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->nrecords; i++)
		if (strcmp(z->records[i].name, name) == 0)
			return true;
	return false;
}

/* How many records of ${z} are not drained. */
static size_t
zone_live(const struct dns_zone *z, const struct dns_drained *d)
{
	size_t i, n = 0;

	for (i = 0; i < z->nrecords; i++)
		if (!dns_drained_has(d, z->records[i].name))
			n++;
	return n;
}

/* The DNS question the child asks, and how. */
struct question {
	const char *name;
	int type;		/* ns_t_soa or ns_t_a */
	struct ipaddr server;
};

/*
 * In the client's namespace: ask ${q} and print one line per answer,
 * "A ADDR" or "SOA SERIAL", or "error TEXT" and return 1.
 */
static int
ask(void *arg, FILE *f)
{
	const struct question *q = arg;
	unsigned char ans[4096];
	struct __res_state st;
	struct sockaddr_in sin;
	char name[NS_MAXDNAME], addr[INET_ADDRSTRLEN];
	const unsigned char *p, *end;
	ns_msg msg;
	ns_rr rr;
	int len, i, n, rc = 0;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0) {
		fprintf(f, "error res_ninit failed\n");
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	memcpy(&sin.sin_addr, q->server.bytes, 4);
	st.nsaddr_list[0] = sin;
	st.nscount = 1;
	st.retrans = 1;
	st.retry = 2;
	len = res_nquery(&st, q->name, ns_c_in, q->type, ans, sizeof(ans));
	if (len < 0) {
		fprintf(f, "error %s\n", hstrerror(st.res_h_errno));
		res_nclose(&st);
		return 1;
	}
	if (ns_initparse(ans, len, &msg) != 0) {
		fprintf(f, "error unparsable answer\n");
		res_nclose(&st);
		return 1;
	}
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && rc == 0; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) {
			fprintf(f, "error unparsable record\n");
			rc = 1;
			break;
		}
		p = ns_rr_rdata(rr);
		end = p + ns_rr_rdlen(rr);
		if (ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4) {
			inet_ntop(AF_INET, p, addr, sizeof(addr));
			fprintf(f, "A %s\n", addr);
		} else if (ns_rr_type(rr) == ns_t_soa) {
			/* MNAME and RNAME, then the serial. */
			int k, skip;

			for (k = 0; k < 2 && rc == 0; k++) {
				skip = dn_expand(ns_msg_base(msg),
				    ns_msg_end(msg), p, name, sizeof(name));
				if (skip < 0)
					rc = 1;
				else
					p += skip;
			}
			if (rc != 0 || end - p < 4) {
				fprintf(f, "error unparsable SOA\n");
				rc = 1;
				break;
			}
			fprintf(f, "SOA %lu\n", (unsigned long)ns_get32(p));
		}
	}
	res_nclose(&st);
	return rc;
}

/*
 * Ask ${type} for ${zone} at ${server} from ${netns}; store the answer
 * lines in ${out} (cleared first).  Return 0, or -1 with the reason in
 * ${out}.
 */
static int
query(const char *netns, const char *zone, int type,
    const struct ipaddr *server, struct strbuf *out)
{
	struct question q = { zone, type, *server };
	struct nl_error err;
	int status;

	strbuf_free(out);
	if (hostns_call(netns, ask, &q, out, &status, &err) != 0) {
		strbuf_adds(out, err.msg);
		return -1;
	}
	return status == 0 ? 0 : -1;
}

/* Is ${pid} a process called nsd in the namespace ${want}? */
static bool
is_nsd_in(long pid, const struct stat *want, long *ppid)
{
	char path[64], *text, *comm, *p;
	struct stat st;
	bool yes;

	snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
	if (stat(path, &st) != 0 || st.st_ino != want->st_ino ||
	    st.st_dev != want->st_dev)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((text = read_file(path, NULL, NULL)) == NULL)
		return false;
	/*
	 * "PID (COMM) STATE PPID ...": NSD 4.6 renames its processes
	 * "nsd: xfrd", "nsd: main", "nsd: server 1"; the one started (the
	 * supervisor's pid, and the pid file's) is the one to signal.
	 */
	comm = strchr(text, '(');
	p = strrchr(text, ')');
	yes = comm != NULL && p != NULL && p > comm &&
	    (((size_t)(p - comm) == 4 && strncmp(comm, "(nsd", 4) == 0) ||
	    strncmp(comm, "(nsd: ", 6) == 0);
	if (yes && ppid != NULL && sscanf(p + 1, " %*c %ld", ppid) != 1)
		*ppid = 0;
	free(text);
	return yes;
}

/* Is ${name} one of the services of outside host ${h}? */
static bool
host_runs(const struct site *site, const struct outside_host *h,
    const char *name)
{
	size_t i;

	for (i = 0; i < h->nservices; i++)
		if (strcmp(site->services[h->services[i]].name, name) == 0)
			return true;
	return false;
}

/*
 * The main nsd process of outside host ${h}, whose namespace is ${netns}:
 * from the procs file, else from /proc.  Return its pid, 0 if none, -1 if
 * there are several candidates (with nothing chosen).
 */
static long
find_nsd(const struct site *site, const struct outside_host *h,
    const char *netns)
{
	struct proc_status *ps;
	struct stat want;
	struct dirent *de;
	char *path;
	long pid, ppid, found = 0;
	size_t n, i;
	DIR *dir;

	path = xasprintf("%s/%s", NETNS_DIR, netns);
	if (stat(path, &want) != 0) {
		free(path);
		return 0;
	}
	free(path);
	supervise_read_status(STATE_ROOT, site->name, &ps, &n);
	for (i = 0; i < n && found == 0; i++) {
		if (strcmp(ps[i].kind, "service") != 0 ||
		    strcmp(ps[i].state, "running") != 0 || ps[i].pid <= 0 ||
		    !host_runs(site, h, ps[i].name))
			continue;
		if (!((strcmp(ps[i].server, "host") == 0 &&
		    strcmp(ps[i].jail, h->name) == 0) ||
		    (strcmp(ps[i].server, h->name) == 0 &&
		    strcmp(ps[i].jail, SITE_SERVER_SELF) == 0)))
			continue;
		if (is_nsd_in(ps[i].pid, &want, NULL))
			found = ps[i].pid;
	}
	supervise_status_free(ps, n);
	if (found != 0)
		return found;

	if ((dir = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		ppid = 0;
		if (!is_nsd_in(pid, &want, &ppid) ||
		    (ppid > 0 && is_nsd_in(ppid, &want, NULL)))
			continue;
		if (found != 0) {
			found = -1;
			break;
		}
		found = pid;
	}
	closedir(dir);
	return found;
}

/* The addresses zone ${z} should answer with, one "A ADDR\n" each. */
static void
expected_answer(const struct dns_zone *z, const struct dns_drained *d,
    struct strbuf *out)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < z->nrecords; i++)
		if (!dns_drained_has(d, z->records[i].name) &&
		    z->records[i].addr.family == AF_INET)
			strbuf_addf(out, "A %s\n",
			    ipaddr_format(&z->records[i].addr, buf));
}

/* Do two answers hold the same lines, in any order? */
static bool
same_lines(const char *a, const char *b)
{
	const char *p, *nl;
	size_t na = 0, nb = 0;
	char *line;
	bool ok = true;

	for (p = a; *p != '\0'; p++)
		na += *p == '\n';
	for (p = b; *p != '\0'; p++)
		nb += *p == '\n';
	if (na != nb)
		return false;
	for (p = a; ok && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return strstr(b, p) != NULL;
		line = xstrndup(p, (size_t)(nl - p + 1));
		ok = strstr(b, line) != NULL;
		free(line);
	}
	return ok;
}

/*
 * Wait until ${zone}'s server, asked from ${client_ns}, serves the serial
 * ${serial}, then check that its A records are ${want}.  Return 0, or -1
 * after printing what went wrong.
 */
static int
verify(const char *client_ns, const char *client, const struct dns_zone *z,
    const struct ipaddr *server, uint32_t serial, const char *want)
{
	struct strbuf got = { 0 };
	char expect[32];
	int waited, rc = -1;

	snprintf(expect, sizeof(expect), "SOA %lu\n", (unsigned long)serial);
	for (waited = 0; waited <= RELOAD_WAIT_MS; waited += RELOAD_POLL_MS) {
		if (query(client_ns, z->name, ns_t_soa, server, &got) == 0 &&
		    strcmp(strbuf_cstr(&got), expect) == 0)
			break;
		usleep(RELOAD_POLL_MS * 1000);
	}
	if (waited > RELOAD_WAIT_MS) {
		/* The answer's lines end in newlines: one line here. */
		while (got.len > 0 && got.s[got.len - 1] == '\n')
			got.s[--got.len] = '\0';
		fprintf(stderr, "jailnet dns: %s still does not serve serial "
		    "%lu after %d s (asked from %s; last answer: %s)\n", z->name,
		    (unsigned long)serial, RELOAD_WAIT_MS / 1000, client,
		    got.len ? strbuf_cstr(&got) : "none");
		goto out;
	}
	if (query(client_ns, z->name, ns_t_a, server, &got) != 0) {
		fprintf(stderr, "jailnet dns: A query for %s from %s failed: "
		    "%s", z->name, client, strbuf_cstr(&got));
		goto out;
	}
	if (!same_lines(strbuf_cstr(&got), want)) {
		fprintf(stderr, "jailnet dns: %s answers from %s with\n%s"
		    "instead of\n%s", z->name, client, strbuf_cstr(&got), want);
		goto out;
	}
	rc = 0;
out:
	strbuf_free(&got);
	return rc;
}

static void
format_clock(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

/* The server's address in zone ${z}, formatted into ${buf}. */
static const char *
record_addr(const struct dns_zone *z, const char *server, char *buf)
{
	size_t i;

	for (i = 0; i < z->nrecords; i++)
		if (strcmp(z->records[i].name, server) == 0)
			return ipaddr_format(&z->records[i].addr, buf);
	return "?";
}

/*
 * The layers of a running view are fixed (jail_view.h): nsd would not see
 * a zone rewritten in the generated layer.  If host ${host} runs in a view
 * (it has an init), write ${text} as
 * /etc/nsd/ZONE.zone through the view of host ${host}, as an operator
 * editing it there would (it lands in the host's writable layer; `up`
 * drops that copy, dns_generate()).  Atomic: a temporary file renamed.
 */
static int
write_in_view(const char *site, const char *host, const char *zone,
    const char *text, struct nl_error *err)
{
	const struct state_init *in;
	struct state *st = NULL;
	struct jail_ns ns;
	int status, rc = -1;
	pid_t pid;

	if (state_read(STATE_ROOT, site, &st, err) != 0)
		return -1;
	/* No init: nsd runs without a view and reads the generated files. */
	if ((in = state_find_init(st, true, NULL, host)) == NULL) {
		rc = 0;
		goto out;
	}
	if (jail_ns_open((pid_t)in->pid, in->start, &ns, err) != 0)
		goto out;
	pid = jail_ns_fork(&ns, err);
	jail_ns_close(&ns);
	if (pid < 0)
		goto out;
	if (pid == 0) {
		char *tmp = xasprintf("/etc/nsd/.%s.zone.tmp", zone);
		char *dst = xasprintf("/etc/nsd/%s.zone", zone);
		FILE *f = fopen(tmp, "w");

		if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0 ||
		    rename(tmp, dst) != 0)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		nl_error_set(err, EIO, "writing /etc/nsd/%s.zone in host %s's "
		    "view failed", zone, host);
		goto out;
	}
	rc = 0;
out:
	state_close(st);
	return rc;
}

/* Rewrite, reload and check one zone; print the outcome. */
static int
apply_zone(const struct site *site, const struct dns_zone *z,
    const struct dns_args *a, const struct dns_drained *drained,
    const struct outside_host *client, time_t *until)
{
	const struct outside_host *h = &site->hosts[z->host];
	char *dir, *path, *text, *ns_ns, *client_ns = NULL, clock[16];
	char buf[IPADDR_STRLEN];
	struct strbuf want = { 0 };
	struct nl_error err;
	uint32_t serial = 0;
	long pid;
	time_t end;
	int rc = EXIT_INVALID;

	if (dns_write_host(DATA_ROOT, site, z->host, drained, time(NULL),
	    NULL, &err) != 0) {
		fprintf(stderr, "jailnet dns: %s\n", err.msg);
		return EXIT_INVALID;
	}
	dir = dns_gen_dir(DATA_ROOT, site->name, h->name);
	path = xasprintf("%s/%s.zone", dir, z->name);
	text = read_file(path, NULL, NULL);
	if (text == NULL || dns_zone_serial(text, &serial) != 0) {
		fprintf(stderr, "jailnet dns: %s: no serial after writing it\n",
		    path);
		goto out;
	}
	ns_ns = hostns_name(site->name, h->name);
	if (netns_exists(ns_ns) && write_in_view(site->name, h->name, z->name,
	    text, &err) != 0) {
		fprintf(stderr, "jailnet dns: %s written, but not in the "
		    "running view of host %s: %s\n", path, h->name, err.msg);
		free(ns_ns);
		goto out;
	}
	if (!netns_exists(ns_ns)) {
		printf("%s %s: %s written (serial %lu); site %s is not up, nsd "
		    "on %s serves it from the next `jailnet up`\n",
		    a->drain ? "drained" : "restored", a->server, path,
		    (unsigned long)serial, site->name, h->name);
		free(ns_ns);
		rc = 0;
		goto out;
	}
	pid = find_nsd(site, h, ns_ns);
	free(ns_ns);
	if (pid <= 0) {
		fprintf(stderr, "jailnet dns: %s written, but %s nsd runs on "
		    "host %s to reload it\n", path, pid == 0 ? "no" :
		    "more than one main", h->name);
		goto out;
	}
	if (kill((pid_t)pid, SIGHUP) != 0) {
		fprintf(stderr, "jailnet dns: SIGHUP to nsd (pid %ld) of host "
		    "%s: %s\n", pid, h->name, strerror(errno));
		goto out;
	}
	if (h->addr.addr.family != AF_INET) {
		fprintf(stderr, "jailnet dns: nsd of %s reloaded (pid %ld), "
		    "but jailnet checks DNS servers over IPv4 only\n", h->name,
		    pid);
		goto out;
	}
	client_ns = hostns_name(site->name, client->name);
	expected_answer(z, drained, &want);
	if (verify(client_ns, client->name, z, &h->addr.addr, serial,
	    strbuf_cstr(&want)) != 0)
		goto out;
	end = time(NULL) + (time_t)z->ttl;
	if (end > *until)
		*until = end;
	format_clock(end, clock, sizeof(clock));
	if (a->drain)
		printf("drained %s: its record is gone from %s; resolvers may "
		    "still hand it out until %s (TTL %lu s)\n", a->server,
		    z->name, clock, z->ttl);
	else
		printf("restored %s: %s answers with %s again; resolvers that "
		    "cached the answer without it may leave it out until %s "
		    "(TTL %lu s)\n", a->server, z->name,
		    record_addr(z, a->server, buf), clock, z->ttl);
	printf("  checked: nsd of %s (pid %ld) reloaded, serial %lu; %s asks "
	    "and gets %s A", h->name, pid, (unsigned long)serial,
	    client->name, z->name);
	{
		const char *p;

		/* "A 192.0.2.155\nA 192.0.2.165\n" -> " 192.0.2.155 ..." */
		for (p = strbuf_cstr(&want); *p != '\0'; p++)
			if (*p != 'A' && *p != '\n')
				putchar(*p);
		putchar('\n');
	}
	rc = 0;
out:
	strbuf_free(&want);
	free(client_ns);
	free(text);
	free(path);
	free(dir);
	return rc;
}

/* The outside host to ask from: --from, else the default client. */
static const struct outside_host *
pick_client(const struct site *site, const char *from)
{
	size_t i;

	if (from == NULL) {
		if ((i = hostns_default_client(site)) == NO_INDEX) {
			fprintf(stderr, "jailnet dns: site %s has no outside "
			    "host on an internet network without services to "
			    "ask from; name one with --from\n", site->name);
			return NULL;
		}
		return &site->hosts[i];
	}
	for (i = 0; i < site->nhosts; i++)
		if (strcmp(site->hosts[i].name, from) == 0)
			return &site->hosts[i];
	fprintf(stderr, "jailnet dns: --from %s: site %s has no outside host "
	    "'%s'\n", from, site->name, from);
	return NULL;
}

/* The server's name checked against the site; hint on a typo. */
static int
check_server(const struct site *site, const char *name)
{
	const char **names;
	const char *hint;
	size_t i;

	if (site_server(site, name) != NULL)
		return 0;
	names = xcalloc(site->nservers + 1, sizeof(*names));
	for (i = 0; i < site->nservers; i++)
		names[i] = site->servers[i].name;
	hint = closest_word(name, names, site->nservers);
	if (hint != NULL)
		fprintf(stderr, "jailnet dns: site %s has no server '%s'; did "
		    "you mean '%s'?\n", site->name, name, hint);
	else
		fprintf(stderr, "jailnet dns: site %s has no server '%s'\n",
		    site->name, name);
	free(names);
	return -1;
}

int
cmd_dns(int argc, char **argv)
{
	struct dns_drained drained = { 0 };
	const struct outside_host *client;
	struct dns_args a;
	struct nl_error err;
	const struct site *site;
	struct pf_site *ps;
	time_t until = 0;
	char clock[16];
	size_t i, nzones = 0;
	int lock_fd = -1, rc = EXIT_INVALID;

	if (parse_args(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if ((ps = cli_load_site(a.site, 0)) == NULL)
		return EXIT_INVALID;
	site = ps->site;
	if (check_server(site, a.server) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((client = pick_client(site, a.from)) == NULL) {
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < site->nzones; i++)
		nzones += zone_has(&site->zones[i], a.server);
	if (nzones == 0) {
		fprintf(stderr, "jailnet dns: server %s has no record in any zone "
		    "of %s/site.conf\n", a.server, site->dir);
		goto out;
	}
	if (dns_lock(DATA_ROOT, site->name, &lock_fd, &err) != 0 ||
	    dns_state_read(DATA_ROOT, site->name, &drained, &err) != 0) {
		fprintf(stderr, "jailnet dns: %s\n", err.msg);
		goto out;
	}
	if (a.drain && !dns_drained_add(&drained, a.server)) {
		fprintf(stderr, "jailnet dns: server %s is already drained "
		    "(`jailnet dns %s restore %s` brings it back)\n", a.server,
		    a.site, a.server);
		goto out;
	}
	if (!a.drain && !dns_drained_remove(&drained, a.server)) {
		fprintf(stderr, "jailnet dns: server %s is not drained\n",
		    a.server);
		goto out;
	}
	for (i = 0; i < site->nzones; i++) {
		if (zone_has(&site->zones[i], a.server) &&
		    zone_live(&site->zones[i], &drained) == 0) {
			fprintf(stderr, "jailnet dns: draining %s would leave "
			    "%s with no address; restore another server "
			    "first\n", a.server, site->zones[i].name);
			goto out;
		}
	}
	if (dns_state_write(DATA_ROOT, site->name, &drained, &err) != 0) {
		fprintf(stderr, "jailnet dns: %s\n", err.msg);
		goto out;
	}
	rc = 0;
	for (i = 0; i < site->nzones; i++)
		if (zone_has(&site->zones[i], a.server) &&
		    apply_zone(site, &site->zones[i], &a, &drained, client,
		    &until) != 0)
			rc = EXIT_INVALID;
	close(lock_fd);
	lock_fd = -1;
	if (rc == 0 && a.wait && until != 0) {
		fflush(stdout);
		while (time(NULL) < until)
			sleep((unsigned)(until - time(NULL)));
		format_clock(until, clock, sizeof(clock));
		if (a.drain)
			printf("%s: the TTL has run out: no resolver should "
			    "hand out %s's record any more\n", clock, a.server);
		else
			printf("%s: the TTL has run out: every resolver "
			    "hands out %s's record again\n", clock, a.server);
	}
out:
	if (lock_fd >= 0)
		close(lock_fd);
	dns_drained_free(&drained);
	pf_site_free(ps);
	return rc;
}
