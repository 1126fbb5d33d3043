/*
 * pflogd: what FreeBSD's pflogd(8) does, on Linux.
 *
 * It runs in a server's network namespace, takes the packets that the
 * nftables ruleset compiled from pf.conf logs to an NFLOG group ("log" in
 * pf.conf, src/pf/pf_nft_rule.c) and appends them to a pcap file with
 * FreeBSD's pflog headers (src/lib/pflog.h), which "tcpdump -n -e -r"
 * reads as it reads pflogd's.
 *
 *	pflogd [-f FILE] [-i pflogN] [-s SNAPLEN] [-m MAXBYTES]
 *	       [-n LINUX=FREEBSD]...
 *
 * -f is the file (FreeBSD's default /var/log/pflog), -i the log interface
 * whose group it binds (pflogN: group N, as "log (to pflogN)" compiles),
 * -s the bytes kept of each packet with its header (116), -m the size at
 * which the file is moved to FILE.0 and started again (0: never; default
 * 16 MiB), -n names an interface as pf.conf does (the Linux link LINUX
 * is FREEBSD in the header).  It runs in the foreground until SIGTERM or
 * SIGINT; SIGHUP reopens the file (after a rotation by someone else).
 * A file that exists but is not a pflog file is moved to FILE.bad, as
 * pflogd does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <libnetfilter_log/libnetfilter_log.h>

#include "lib/pflog.h"

#define MAX_NAMES	64

struct name_map {
	char linux_name[IF_NAMESIZE];
	char freebsd_name[PFLOG_IFNAMSIZ];
};

struct pflogd {
	const char *path;
	unsigned group;
	uint32_t snaplen;
	unsigned long long maxbytes;
	struct name_map names[MAX_NAMES];
	size_t nnames;
	int fd;
	struct nflog_g_handle *gh;	/* the bound group */
	unsigned long long size;	/* of the open file */
	char err[256];			/* the first write error */
};

static volatile sig_atomic_t got_stop, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_stop = 1;
}

/* Write all ${len} bytes; 0 or -1 with errno. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Open d->path for appending: a new file gets the pcap header, a pflog
 * file is appended to, anything else is moved to PATH.bad first.  Return
 * 0, or -1 with the reason in d->err.
 */
static int
log_open(struct pflogd *d)
{
	uint8_t hdr[PFLOG_FILEHDR_LEN];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(d->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	/* A new view may have no /var/log yet: make it, once. */
	if (fd < 0 && errno == ENOENT) {
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", d->path);
		slash = strrchr(dir, '/');
		if (slash != NULL && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0755) == 0)
				fd = open(d->path, O_RDWR | O_APPEND | O_CREAT |
				    O_CLOEXEC | O_NOFOLLOW, 0600);
			else
				errno = ENOENT;
		}
	}
	if (fd < 0)
		goto fail;
	if (fstat(fd, &st) != 0)
		goto fail_fd;
	if (st.st_size > 0) {
		n = pread(fd, hdr, sizeof(hdr), 0);
		if (n < 0)
			goto fail_fd;
		if (pflog_file_check(hdr, (size_t)n) == 0) {
			d->fd = fd;
			d->size = (unsigned long long)st.st_size;
			return 0;
		}
		/* Not ours: keep it aside, start a new one. */
		close(fd);
		{
			char bad[PATH_MAX];

			if (snprintf(bad, sizeof(bad), "%s.bad", d->path) >=
			    (int)sizeof(bad) || rename(d->path, bad) != 0) {
				snprintf(d->err, sizeof(d->err), "%s: not a "
				    "pflog file and cannot be moved aside: %s",
				    d->path, strerror(errno));
				return -1;
			}
		}
		return log_open(d);
	}
	pflog_file_header(hdr, d->snaplen);
	if (write_all(fd, hdr, sizeof(hdr)) != 0)
		goto fail_fd;
	d->fd = fd;
	d->size = sizeof(hdr);
	return 0;
fail_fd:
	close(fd);
fail:
	snprintf(d->err, sizeof(d->err), "%s: %s", d->path, strerror(errno));
	return -1;
}

static void
log_close(struct pflogd *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* Move the full file to PATH.0 and open a new one. */
static int
log_rotate(struct pflogd *d)
{
	char old[PATH_MAX];

	log_close(d);
	if (snprintf(old, sizeof(old), "%s.0", d->path) >= (int)sizeof(old) ||
	    rename(d->path, old) != 0) {
		snprintf(d->err, sizeof(d->err), "%s: cannot rotate: %s",
		    d->path, strerror(errno));
		return -1;
	}
	return log_open(d);
}

/* The FreeBSD name of Linux interface index ${ifindex} into ${out}. */
static void
iface_name(const struct pflogd *d, uint32_t ifindex,
    char out[PFLOG_IFNAMSIZ])
{
	char lname[IF_NAMESIZE];
	size_t i;

	out[0] = '\0';
	if (ifindex == 0 || if_indextoname(ifindex, lname) == NULL)
		return;
	for (i = 0; i < d->nnames; i++)
		if (strcmp(d->names[i].linux_name, lname) == 0) {
			memcpy(out, d->names[i].freebsd_name, PFLOG_IFNAMSIZ);
			return;
		}
	snprintf(out, PFLOG_IFNAMSIZ, "%s", lname);
}

/* One logged packet: append its record.  Returns 0 so the batch goes on. */
static int
on_packet(struct nflog_g_handle *gh, struct nfgenmsg *nfmsg,
    struct nflog_data *nfa, void *arg)
{
	struct pflogd *d = arg;
	struct pflog_rec rec;
	struct strbuf sb = { 0 };
	struct timeval tv;
	const char *prefix;
	char *pkt;
	int len;

	(void)gh;
	(void)nfmsg;
	memset(&rec, 0, sizeof(rec));
	prefix = nflog_get_prefix(nfa);
	len = nflog_get_payload(nfa, &pkt);
	/* Only what the compiled ruleset logs, and only IP. */
	if (d->fd < 0 || prefix == NULL || pflog_prefix_parse(prefix,
	    &rec) != 0 || len < 1)
		return 0;
	if ((pkt[0] >> 4 & 0xf) == 4)
		rec.af = PFLOG_AF_INET;
	else if ((pkt[0] >> 4 & 0xf) == 6)
		rec.af = PFLOG_AF_INET6;
	else
		return 0;
	iface_name(d, rec.dir == PFLOG_DIR_IN ? nflog_get_indev(nfa) :
	    nflog_get_outdev(nfa), rec.ifname);
	if (nflog_get_timestamp(nfa, &tv) != 0)
		gettimeofday(&tv, NULL);
	pflog_record(&sb, (uint32_t)tv.tv_sec, (uint32_t)tv.tv_usec, &rec,
	    (const uint8_t *)pkt, (size_t)len, d->snaplen);
	if (d->maxbytes && d->size + sb.len > d->maxbytes &&
	    d->size > PFLOG_FILEHDR_LEN && log_rotate(d) != 0)
		goto out;
	if (write_all(d->fd, strbuf_cstr(&sb), sb.len) != 0) {
		snprintf(d->err, sizeof(d->err), "%s: %s", d->path,
		    strerror(errno));
		log_close(d);
		goto out;
	}
	d->size += sb.len;
out:
	strbuf_free(&sb);
	return 0;
}

/* Parse a number in [lo, hi]; 0 or -1. */
static int
parse_num(const char *s, unsigned long long lo, unsigned long long hi,
    unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Parse the command line into ${d}; 0, or -1 with the reason in d->err. */
static int
parse_args(struct pflogd *d, int argc, char **argv)
{
	unsigned long long v;
	int c;

	while ((c = getopt(argc, argv, "f:i:s:m:n:")) != -1) {
		switch (c) {
		case 'f':
			d->path = optarg;
			break;
		case 'i':
			if (strncmp(optarg, "pflog", 5) != 0 ||
			    parse_num(optarg + 5, 0, 65535, &v) != 0) {
				snprintf(d->err, sizeof(d->err), "-i: want "
				    "pflogN (N from 0 to 65535)");
				return -1;
			}
			d->group = (unsigned)v;
			break;
		case 's':
			if (parse_num(optarg, PFLOG_HDRLEN + 20, 65535,
			    &v) != 0) {
				snprintf(d->err, sizeof(d->err), "-s: want a "
				    "snaplen from %d to 65535", PFLOG_HDRLEN +
				    20);
				return -1;
			}
			d->snaplen = (uint32_t)v;
			break;
		case 'm':
			if (parse_num(optarg, 0, 1ull << 40, &v) != 0 ||
			    (v != 0 && v < 4096)) {
				snprintf(d->err, sizeof(d->err), "-m: want 0 "
				    "or a size in bytes of at least 4096");
				return -1;
			}
			d->maxbytes = v;
			break;
		case 'n': {
			const char *eq = strchr(optarg, '=');
			size_t ll = eq ? (size_t)(eq - optarg) : 0;

			if (d->nnames == MAX_NAMES || eq == NULL || ll == 0 ||
			    ll >= IF_NAMESIZE || eq[1] == '\0' ||
			    strlen(eq + 1) >= PFLOG_IFNAMSIZ) {
				snprintf(d->err, sizeof(d->err), "-n: want "
				    "LINUX=FREEBSD, names under 16 bytes, at "
				    "most %d", MAX_NAMES);
				return -1;
			}
			memcpy(d->names[d->nnames].linux_name, optarg, ll);
			snprintf(d->names[d->nnames].freebsd_name,
			    PFLOG_IFNAMSIZ, "%s", eq + 1);
			d->nnames++;
			break;
		}
		default:
			snprintf(d->err, sizeof(d->err), "usage: pflogd [-f "
			    "FILE] [-i pflogN] [-s SNAPLEN] [-m MAXBYTES] "
			    "[-n LINUX=FREEBSD]...");
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(d->err, sizeof(d->err), "unexpected argument");
		return -1;
	}
	return 0;
}

/*
 * Bind NFLOG group d->group, copying d->snaplen bytes of each packet.
 * Return the handle, or NULL with the reason in d->err.
 */
static struct nflog_handle *
nflog_setup(struct pflogd *d)
{
	struct nflog_handle *h;
	struct nflog_g_handle *gh;

	h = nflog_open();
	if (h == NULL) {
		snprintf(d->err, sizeof(d->err), "nflog_open: %s",
		    strerror(errno));
		return NULL;
	}
	gh = nflog_bind_group(h, (uint16_t)d->group);
	if (gh == NULL) {
		snprintf(d->err, sizeof(d->err), "cannot bind NFLOG group %u: "
		    "%s", d->group, strerror(errno));
		goto fail;
	}
	if (nflog_set_mode(gh, NFULNL_COPY_PACKET, d->snaplen) < 0) {
		snprintf(d->err, sizeof(d->err), "cannot set NFLOG copy mode: "
		    "%s", strerror(errno));
		goto fail;
	}
	nflog_set_timeout(gh, 10);	/* a tenth of a second, batched */
	nflog_callback_register(gh, on_packet, d);
	d->gh = gh;
	return h;
fail:
	if (gh != NULL)
		nflog_unbind_group(gh);
	nflog_close(h);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct pflogd d;
	struct nflog_handle *h;
	struct sigaction sa;
	sigset_t block, empty;
	char buf[65536 + 4096];
	int rc = 1, fd;

	memset(&d, 0, sizeof(d));
	d.path = "/var/log/pflog";
	d.snaplen = PFLOG_SNAPLEN;
	d.maxbytes = 16ull << 20;
	d.fd = -1;
	if (parse_args(&d, argc, argv) != 0) {
		fprintf(stderr, "pflogd: %s\n", d.err);
		return 2;
	}

	/* The stop signals only interrupt the wait (ppoll), never a write. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &empty);
	sigdelset(&empty, SIGTERM);
	sigdelset(&empty, SIGINT);
	sigdelset(&empty, SIGHUP);

	if (log_open(&d) != 0 || (h = nflog_setup(&d)) == NULL)
		goto out;
	fd = nflog_fd(h);
	while (!got_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (got_hup) {
			got_hup = 0;
			log_close(&d);
			if (log_open(&d) != 0)
				break;
		}
		if (ppoll(&pfd, 1, NULL, &empty) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(d.err, sizeof(d.err), "poll: %s",
			    strerror(errno));
			break;
		}
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		/* The kernel dropped some: say so, go on (pflogd counts). */
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "pflogd: packets lost (socket buffer "
			    "full)\n");
			continue;
		}
		if (n < 0) {
			snprintf(d.err, sizeof(d.err), "recv: %s",
			    strerror(errno));
			break;
		}
		nflog_handle_packet(h, buf, (int)n);
		if (d.fd < 0)
			break;		/* a write failed: d.err says why */
	}
	if (got_stop && d.fd >= 0)
		rc = 0;
	nflog_unbind_group(d.gh);
	nflog_close(h);
out:
	log_close(&d);
	if (rc != 0)
		fprintf(stderr, "pflogd: %s\n", d.err[0] ? d.err : "stopped");
	return rc;
}
