/* jailnet pflog: follow a server's pflog file as tcpdump -i pflog0 does. */
#include "cli/cmd_pflog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kernel/state.h"
#include "lib/pflog.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_site.h"

#define PFLOG_POLL_MS 200
#define PFLOG_CHUNK 65536

static int
pflog_usage(const char *fmt, const char *arg)
{
	return cli_usage("pflog", CMD_PFLOG_USAGE, fmt, arg);
}

/* Where the pflog file of ${srv} of site ${site} is. */
static char *
server_pflog_path(const char *site, const char *srv)
{
	return xasprintf("%s/%s/data/%s/%s/var/log/pflog", DATA_ROOT, site,
	    srv, SITE_SERVER_SELF);
}

/*
 * Print the file at ${path} from its start, following it unless ${once}.
 * Return 0, or EXIT_INVALID after printing why.
 */
static int
follow(const char *path, int once)
{
	struct strbuf buf = { 0 }, out = { 0 };
	struct stat st, now;
	uint8_t chunk[PFLOG_CHUNK];
	size_t used;
	const char *bad;
	off_t base = 0;		/* file offset of buf's first byte */
	int fd = -1, rc = EXIT_INVALID, header = 0;

	for (;;) {
		ssize_t n;

		if (fd < 0) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 && (errno != ENOENT || once)) {
				fprintf(stderr, "jailnet pflog: %s: %s\n", path,
				    strerror(errno));
				goto out;
			}
			if (fd < 0) {
				sleep_ms(PFLOG_POLL_MS);
				continue;
			}
			if (fstat(fd, &st) != 0)
				goto out;
			header = 0;
			base = 0;
			buf.len = 0;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			fprintf(stderr, "jailnet pflog: %s: %s\n", path,
			    strerror(errno));
			goto out;
		}
		if (n > 0)
			strbuf_add(&buf, (const char *)chunk, (size_t)n);
		if (!header && buf.len >= PFLOG_FILEHDR_LEN) {
			if (pflog_file_check((const uint8_t *)buf.s,
			    buf.len) != 0) {
				fprintf(stderr, "jailnet pflog: %s: not a pflog "
				    "file (pcap, link type 117)\n", path);
				goto out;
			}
			header = 1;
			memmove(buf.s, buf.s + PFLOG_FILEHDR_LEN, buf.len -
			    PFLOG_FILEHDR_LEN);
			buf.len -= PFLOG_FILEHDR_LEN;
			base = PFLOG_FILEHDR_LEN;
		}
		if (header) {
			if (pflog_scan((const uint8_t *)buf.s, buf.len, &out,
			    &used, &bad) != 0) {
				if (out.len > 0)
					fwrite(out.s, 1, out.len, stdout);
				fflush(stdout);
				fprintf(stderr, "jailnet pflog: %s: offset %lld: "
				    "%s\n", path, (long long)(base +
				    (off_t)used), bad);
				goto out;
			}
			if (out.len > 0)
				fwrite(out.s, 1, out.len, stdout);
			fflush(stdout);
			out.len = 0;
			memmove(buf.s, buf.s + used, buf.len - used);
			buf.len -= used;
			base += (off_t)used;
		}
		if (n > 0)
			continue;
		if (once) {
			if (!header) {
				fprintf(stderr, "jailnet pflog: %s: not a "
				    "pflog file (shorter than its header)\n",
				    path);
				goto out;
			}
			break;
		}
		sleep_ms(PFLOG_POLL_MS);
		/* Rotated (pflogd's -m, newsyslog) or truncated: reopen. */
		if (stat(path, &now) != 0 || now.st_ino != st.st_ino ||
		    now.st_dev != st.st_dev || now.st_size < base) {
			close(fd);
			fd = -1;
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	strbuf_free(&buf);
	strbuf_free(&out);
	return rc;
}

int
cmd_pflog(int argc, char **argv)
{
	struct cli_opts opts;
	struct pf_site *ps;
	const struct server *srv;
	const char *file = NULL;
	char *path;
	int once, rc, i;

	once = cli_take_flag(&argc, argv, "--once");
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--file") == 0) {
			file = cli_option_value("pflog", CMD_PFLOG_USAGE, argc,
			    argv, &i, "a file");
			if (file == NULL)
				return EXIT_USAGE;
			if (argc != 2)
				return pflog_usage("--file takes no SITE or "
				    "other option%s", "");
			return follow(file, once);
		}
	if (cli_parse("pflog", CMD_PFLOG_USAGE, CLI_SERVER, argc, argv,
	    &opts) != 0)
		return EXIT_USAGE;
	if (opts.server == NULL)
		return pflog_usage("--server NAME is needed%s", "");
	ps = cli_load_site(opts.site, 0);
	if (ps == NULL)
		return EXIT_INVALID;
	if (cli_pick_server(ps->site, opts.server, &srv) != 0) {
		pf_site_free(ps);
		return EXIT_INVALID;
	}
	path = server_pflog_path(ps->site->name, srv->name);
	pf_site_free(ps);
	rc = follow(path, once);
	free(path);
	return rc;
}
