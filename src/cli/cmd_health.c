/*
 * jailnet health SITE: is every server answering HTTPS for the site's
 * domains, end to end, as a client sees it?
 *
 * For each server's record of each zone (an outside host's, a provider's
 * name, is not the site's to check), libcurl GETs
 * https://ZONE/ with the name pinned to that server's address (curl's
 * --resolve, CURLOPT_RESOLVE), so that DNS round robin does not choose the
 * server; TLS is verified against the site's CA, DATA_ROOT/SITE/tls/ca.crt,
 * with the domain as the name to check.  The requests run in a forked
 * child inside an outside host's network namespace (hostns.h), so they
 * cross the simulated internet and the servers' firewalls like a visitor's.
 */
#include "cli/cmd_dns.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/hostns.h"
#include "kernel/netns.h"
#include "kernel/state.h"
#include "services/dns_zone.h"
#include "cli/cli.h"

#define HEALTH_TIMEOUT_MS 2000L
#define HEALTH_WATCH_DEFAULT 2

struct health_args {
	const char *site;
	const char *from;
	bool watch;
	unsigned long every;
};

/* What the child needs: the site and where the CA is. */
struct health_job {
	const struct site *site;
	const char *ca;
};

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
usage(const char *why)
{
	return cli_usage("health", CMD_HEALTH_USAGE, "%s", why);
}

static int
parse_args(int argc, char **argv, struct health_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->every = HEALTH_WATCH_DEFAULT;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--watch") == 0) {
			a->watch = true;
			/* An optional number of seconds. */
			if (i + 1 < argc && parse_uint(argv[i + 1], 1, 3600,
			    &a->every) == 0)
				i++;
			else if (i + 1 < argc && argv[i + 1][0] >= '0' &&
			    argv[i + 1][0] <= '9') {
				fprintf(stderr, "jailnet health: --watch %s: "
				    "expected seconds from 1 to 3600\n",
				    argv[i + 1]);
				usage("");
				return -1;
			}
		} else if (strcmp(argv[i], "--from") == 0) {
			a->from = cli_option_value("health", CMD_HEALTH_USAGE, argc, argv,
			    &i, "an outside host's name");
			if (a->from == NULL)
				return -1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "jailnet health: unknown option '%s'\n",
			    argv[i]);
			usage("");
			return -1;
		} else if (a->site == NULL) {
			a->site = argv[i];
		} else {
			fprintf(stderr, "jailnet health: unexpected argument "
			    "'%s'\n", argv[i]);
			usage("");
			return -1;
		}
	}
	if (a->site == NULL) {
		usage("missing the SITE directory");
		return -1;
	}
	return 0;
}

/* Throw the body away: only the status and the time matter. */
static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/*
 * One request: GET https://ZONE/ at ${addr}.  Print the server's line to
 * ${f}; return 0 if it answered with a status below 400.
 */
static int
check_one(const struct health_job *job, const struct dns_zone *z,
    const struct dns_record *rec, FILE *f)
{
	char addr[IPADDR_STRLEN], errbuf[CURL_ERROR_SIZE], *url, *pin;
	struct curl_slist *resolve = NULL;
	curl_off_t us = 0;
	long status = 0;
	CURLcode cc;
	CURL *c;
	int rc = 1;

	ipaddr_format(&rec->addr, addr);
	url = xasprintf("https://%s/", z->name);
	pin = rec->addr.family == AF_INET6 ?
	    xasprintf("%s:443:[%s]", z->name, addr) :
	    xasprintf("%s:443:%s", z->name, addr);
	fprintf(f, "%-8s %-15s %s ", rec->name, addr, z->name);
	if ((c = curl_easy_init()) == NULL ||
	    (resolve = curl_slist_append(NULL, pin)) == NULL) {
		fprintf(f, "FAIL: cannot set up libcurl\n");
		goto out;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_CAINFO, job->ca);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, HEALTH_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "jailnet-health");
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &us);
	if (cc != CURLE_OK) {
		/* libcurl's sentence, and the system's reason if it has one. */
		long os_errno = 0;

		curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
		fprintf(f, "FAIL after %ld ms: %s", (long)(us / 1000),
		    errbuf[0] ? errbuf : curl_easy_strerror(cc));
		if (os_errno != 0)
			fprintf(f, " (%s)", strerror((int)os_errno));
		fputc('\n', f);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	rc = status >= 400 ? 1 : 0;
	fprintf(f, "%s: HTTP %ld in %ld.%ld ms\n", rc ? "FAIL" : "ok", status,
	    (long)(us / 1000), (long)(us % 1000 / 100));
out:
	curl_slist_free_all(resolve);
	if (c != NULL)
		curl_easy_cleanup(c);
	free(pin);
	free(url);
	return rc;
}

/* In the client's namespace: one request per server of every zone. */
static int
check_all(void *arg, FILE *f)
{
	const struct health_job *job = arg;
	const struct dns_zone *z;
	size_t i, k;
	int failed = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(f, "libcurl cannot start\n");
		return 1;
	}
	for (i = 0; i < job->site->nzones; i++) {
		z = &job->site->zones[i];
		for (k = 0; k < z->nrecords; k++) {
			if (z->records[k].host != NO_INDEX)
				continue;
			failed |= check_one(job, z, &z->records[k], f);
			fflush(f);
		}
	}
	curl_global_cleanup();
	return failed;
}

/* One round: print a line per server; return 0 if all answered. */
static int
round_once(const struct health_job *job, const char *client_ns)
{
	struct strbuf out = { 0 };
	struct nl_error err;
	int status;

	if (hostns_call(client_ns, check_all, (void *)job, &out, &status,
	    &err) != 0) {
		fprintf(stderr, "jailnet health: %s\n", err.msg);
		return EXIT_INVALID;
	}
	fputs(strbuf_cstr(&out), status == 127 ? stderr : stdout);
	fflush(stdout);
	strbuf_free(&out);
	return status == 0 ? 0 : EXIT_INVALID;
}

int
cmd_health(int argc, char **argv)
{
	const struct outside_host *client = NULL;
	struct health_job job;
	struct health_args a;
	struct sigaction sa;
	const struct site *site;
	struct pf_site *ps;
	char *ca = NULL, *client_ns = NULL, clock[16];
	size_t i, nrecords = 0;
	int rc = EXIT_INVALID;

	if (parse_args(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if ((ps = cli_load_site(a.site, 0)) == NULL)
		return EXIT_INVALID;
	site = ps->site;
	for (i = 0; i < site->nhosts && a.from != NULL; i++)
		if (strcmp(site->hosts[i].name, a.from) == 0)
			client = &site->hosts[i];
	if (a.from != NULL && client == NULL) {
		fprintf(stderr, "jailnet health: --from %s: site %s has no "
		    "outside host '%s'\n", a.from, site->name, a.from);
		rc = EXIT_USAGE;
		goto out;
	}
	if (a.from == NULL) {
		if ((i = hostns_default_client(site)) == NO_INDEX) {
			fprintf(stderr, "jailnet health: site %s has no outside "
			    "host on an internet network without services; "
			    "name one with --from\n", site->name);
			rc = EXIT_USAGE;
			goto out;
		}
		client = &site->hosts[i];
	}
	for (i = 0; i < site->nzones; i++)
		for (size_t k = 0; k < site->zones[i].nrecords; k++)
			nrecords += site->zones[i].records[k].host == NO_INDEX;
	if (nrecords == 0) {
		fprintf(stderr, "jailnet health: %s/site.conf has no zone with "
		    "a server's records: nothing to check\n", site->dir);
		goto out;
	}
	ca = xasprintf("%s/%s/tls/ca.crt", DATA_ROOT, site->name);
	if (access(ca, R_OK) != 0) {
		fprintf(stderr, "jailnet health: %s: %s (`jailnet up` creates "
		    "the site's CA)\n", ca, strerror(errno));
		goto out;
	}
	client_ns = hostns_name(site->name, client->name);
	if (!netns_exists(client_ns)) {
		fprintf(stderr, "jailnet health: site %s is not up (no "
		    "namespace %s for host %s)\n", site->name, client_ns,
		    client->name);
		goto out;
	}
	job.site = site;
	job.ca = ca;
	if (!a.watch) {
		rc = round_once(&job, client_ns);
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!interrupted) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
		printf("%s from %s\n", clock, client->name);
		rc = round_once(&job, client_ns);
		for (i = 0; i < a.every * 10 && !interrupted; i++)
			usleep(100000);
	}
out:
	free(client_ns);
	free(ca);
	pf_site_free(ps);
	return rc;
}
