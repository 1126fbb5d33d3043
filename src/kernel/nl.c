/*
 * nl: the netlink socket, the exchange of requests and replies, batches.
 * The requests themselves are built in nl_link.c, nl_addr.c, nl_route.c.
 */
#include "kernel/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "lib/util.h"
#include "kernel/nl_internal.h"

/* Big enough for any message the kernel sends (dumps use up to 32 KiB). */
#define NL_RECV_SIZE	65536

/*
 * Requests per sendmsg(): the kernel queues all their acks before we read
 * any, so the group must fit the receive buffer.
 */
#define NL_GROUP_MAX	128
#define NL_GROUP_BYTES	32768

/* A reply that never comes is a kernel bug; do not hang on it forever. */
#define NL_RECV_TIMEOUT_S	30

/* A dump interrupted by concurrent changes is run again this often. */
#define NL_DUMP_TRIES	5

struct nl_sock {
	struct mnl_socket *mnl;
	unsigned portid;
	uint32_t seq;		/* sequence number of the next request */
	char *rbuf;		/* NL_RECV_SIZE bytes */
};

/* One queued request: its bytes in the batch's buffer and its name. */
struct nl_request {
	size_t off;
	size_t len;
	char desc[NL_DESC_MAX];
};

struct nl_batch {
	struct nl_sock *sk;
	char *msgs;		/* the requests back to back */
	size_t msgs_len, msgs_cap;
	struct nl_request *reqs;
	size_t nreqs, reqs_cap;
	int *results;		/* of the last commit */
	size_t nresults;
};

/* How one request of an exchange ended. */
struct nl_outcome {
	int result;		/* -1 while waiting; 0 or an errno value */
	bool interrupted;	/* a dump saw NLM_F_DUMP_INTR */
	bool malformed;		/* a reply message could not be parsed */
	char kmsg[256];		/* the kernel's extended-ack text, or "" */
};

/*
 * snprintf() into a message buffer, truncating silently: a message cut at
 * 511 bytes is still the best we have.
 */
static void __attribute__((format(printf, 3, 4)))
msgf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, size, fmt, ap);
	va_end(ap);
}

void
nl_error_set(struct nl_error *err, int errnum, const char *fmt, ...)
{
	char text[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	err->errnum = errnum;
	msgf(err->msg, sizeof(err->msg), "%s: %s", text, strerror(errnum));
}

/* Fill ${err} for the request ${desc} that failed with ${o}. */
static void
error_from_outcome(struct nl_error *err, const char *desc,
    const struct nl_outcome *o)
{
	if (err == NULL)
		return;
	err->errnum = o->result;
	if (o->kmsg[0] != '\0')
		snprintf(err->msg, sizeof(err->msg), "%s: %s (kernel: %s)",
		    desc, strerror(o->result), o->kmsg);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", desc,
		    strerror(o->result));
}

/* Set a socket option whose value is an int; return setsockopt's result. */
static int
set_int_opt(struct nl_sock *sk, int level, int name, int value)
{
	return setsockopt(mnl_socket_get_fd(sk->mnl), level, name, &value,
	    sizeof(value));
}

int
nl_open(struct nl_sock **out, struct nl_error *err)
{
	struct timeval timeout = { .tv_sec = NL_RECV_TIMEOUT_S };
	struct nl_sock *sk;

	*out = NULL;
	sk = xcalloc(1, sizeof(*sk));
	sk->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (sk->mnl == NULL) {
		nl_error_set(err, errno, "open netlink route socket");
		free(sk);
		return -1;
	}
	if (mnl_socket_bind(sk->mnl, 0, MNL_SOCKET_AUTOPID) != 0) {
		nl_error_set(err, errno, "bind netlink route socket");
		goto fail;
	}
	if (setsockopt(mnl_socket_get_fd(sk->mnl), SOL_SOCKET, SO_RCVTIMEO,
	    &timeout, sizeof(timeout)) != 0) {
		nl_error_set(err, errno, "set netlink socket timeout");
		goto fail;
	}
	/*
	 * Best effort: without extended acks errors lose the kernel's text,
	 * without capped acks they echo the request, and a smaller buffer
	 * only holds fewer acks (a group of requests still fits).
	 */
	(void)set_int_opt(sk, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	(void)set_int_opt(sk, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	(void)set_int_opt(sk, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	sk->portid = mnl_socket_get_portid(sk->mnl);
	sk->seq = (uint32_t)time(NULL);
	sk->rbuf = xmalloc(NL_RECV_SIZE);
	*out = sk;
	return 0;
fail:
	mnl_socket_close(sk->mnl);
	free(sk);
	return -1;
}

int
nl_open_netns(int netns_fd, struct nl_sock **out, struct nl_error *err)
{
	int home, rc, saved;

	*out = NULL;
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home == -1) {
		nl_error_set(err, errno, "open the current network namespace");
		return -1;
	}
	if (setns(netns_fd, CLONE_NEWNET) != 0) {
		nl_error_set(err, errno, "enter network namespace (fd %d)",
		    netns_fd);
		close(home);
		return -1;
	}
	rc = nl_open(out, err);
	if (setns(home, CLONE_NEWNET) != 0) {
		saved = errno;
		nl_close(*out);
		*out = NULL;
		nl_error_set(err, saved,
		    "return to the original network namespace");
		rc = -1;
	}
	close(home);
	return rc;
}

void
nl_close(struct nl_sock *sk)
{
	if (sk == NULL)
		return;
	mnl_socket_close(sk->mnl);
	free(sk->rbuf);
	free(sk);
}

/* Store a NLMSGERR_ATTR_MSG attribute in the table ${arg}. */
static int
extack_attr(const struct nlattr *attr, void *arg)
{
	const struct nlattr **msg = arg;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = attr;
	return MNL_CB_OK;
}

/*
 * Copy the extended-ack text of the NLMSG_ERROR or NLMSG_DONE message
 * ${nlh}, whose attributes start ${off} bytes into its payload, to ${out}.
 */
static void
extack_text(const struct nlmsghdr *nlh, size_t off, char *out, size_t size)
{
	const struct nlattr *msg = NULL;

	out[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    MNL_ALIGN(off) > mnl_nlmsg_get_payload_len(nlh))
		return;
	(void)mnl_attr_parse(nlh, (unsigned)MNL_ALIGN(off), extack_attr, &msg);
	if (msg != NULL)
		snprintf(out, size, "%s", mnl_attr_get_str(msg));
}

/*
 * Record in ${o} the end of a request told by the NLMSG_ERROR message
 * ${nlh}; return -1 if it is malformed.
 */
static int
end_by_error(const struct nlmsghdr *nlh, struct nl_outcome *o)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -1;
	/* Unless capped, the request's payload is echoed before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	o->result = e->error < 0 ? -e->error : e->error;
	if (o->result != 0)
		extack_text(nlh, off, o->kmsg, sizeof(o->kmsg));
	return 0;
}

/* Record in ${o} the end of a dump told by the NLMSG_DONE message ${nlh}. */
static void
end_by_done(const struct nlmsghdr *nlh, struct nl_outcome *o)
{
	int error = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(int));
	o->result = error < 0 ? -error : error;
	if (o->result != 0)
		extack_text(nlh, sizeof(int), o->kmsg, sizeof(o->kmsg));
}

/*
 * Send the ${n} requests in ${buf} (${len} bytes) as one datagram, numbered
 * from the socket's next sequence number, and read the replies until each
 * request has ended, recording how in ${outcomes}.  Data messages go to
 * ${on_reply} (if not NULL).  Replies to older requests of this socket
 * (left over from an exchange cut short) are skipped; a reply for another
 * port or a sequence number never sent is a protocol error.  Return 0, or
 * -1 with ${err} filled if the socket fails or the protocol is broken.
 */
static int
exchange(struct nl_sock *sk, char *buf, size_t len, size_t n,
    struct nl_outcome *outcomes, nl_reply_fn *on_reply, void *arg,
    struct nl_error *err)
{
	struct nlmsghdr *req;
	uint32_t seq0 = sk->seq;
	size_t pending = n, i;
	int left;

	/* Number the requests. */
	for (i = 0; i < n; i++)
		outcomes[i].result = -1;
	left = (int)len;
	req = (struct nlmsghdr *)(void *)buf;
	for (i = 0; i < n && mnl_nlmsg_ok(req, left); i++) {
		req->nlmsg_seq = seq0 + (uint32_t)i;
		req->nlmsg_pid = 0;
		req = mnl_nlmsg_next(req, &left);
	}
	sk->seq += (uint32_t)n;
	if (mnl_socket_sendto(sk->mnl, buf, len) < 0) {
		nl_error_set(err, errno, "send netlink request");
		return -1;
	}

	while (pending > 0) {
		const struct nlmsghdr *nlh;
		ssize_t got;

		got = mnl_socket_recvfrom(sk->mnl, sk->rbuf, NL_RECV_SIZE);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			nl_error_set(err, errno, "receive netlink reply");
			return -1;
		}
		left = (int)got;
		for (nlh = (const struct nlmsghdr *)(void *)sk->rbuf;
		    mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			uint32_t rel = nlh->nlmsg_seq - seq0;
			struct nl_outcome *o;

			if ((int32_t)rel < 0)
				continue;	/* an older exchange's */
			if (nlh->nlmsg_pid != sk->portid || rel >= n) {
				nl_error_set(err, EPROTO,
				    "netlink reply for port %u seq %u, "
				    "expected port %u seq %u to %u",
				    nlh->nlmsg_pid, nlh->nlmsg_seq,
				    sk->portid, seq0,
				    seq0 + (uint32_t)n - 1);
				return -1;
			}
			o = &outcomes[rel];
			if (o->result != -1) {
				nl_error_set(err, EPROTO,
				    "netlink reply after the end of request "
				    "seq %u", nlh->nlmsg_seq);
				return -1;
			}
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				o->interrupted = true;
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_ERROR:
				if (end_by_error(nlh, o) != 0) {
					nl_error_set(err, EPROTO,
					    "short netlink error message");
					return -1;
				}
				pending--;
				break;
			case NLMSG_DONE:
				end_by_done(nlh, o);
				pending--;
				break;
			case NLMSG_OVERRUN:
				nl_error_set(err, EPROTO,
				    "netlink overrun message");
				return -1;
			default:
				if (on_reply != NULL &&
				    on_reply(nlh, arg) != 0)
					o->malformed = true;
				break;
			}
		}
		if (left != 0) {
			nl_error_set(err, EPROTO,
			    "truncated netlink message (%d bytes left)", left);
			return -1;
		}
	}
	return 0;
}

int
nl_query(struct nl_sock *sk, struct nlmsghdr *nlh, nl_reply_fn *on_reply,
    void *arg, const char *desc, struct nl_error *err)
{
	struct nl_outcome o;
	int tries;

	/* A dump ends with NLMSG_DONE; anything else asks for an ack. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	for (tries = 1;; tries++) {
		memset(&o, 0, sizeof(o));
		(void)on_reply(NULL, arg);
		if (exchange(sk, (char *)nlh, nlh->nlmsg_len, 1, &o, on_reply,
		    arg, err) != 0) {
			/* Say which query the socket failed in. */
			if (err != NULL) {
				char why[sizeof(err->msg)];

				msgf(why, sizeof(why), "%s", err->msg);
				msgf(err->msg, sizeof(err->msg), "%s: %s",
				    desc, why);
			}
			return -1;
		}
		if (o.result != 0) {
			error_from_outcome(err, desc, &o);
			return -1;
		}
		if (o.malformed) {
			nl_error_set(err, EPROTO, "%s: malformed reply", desc);
			return -1;
		}
		if (!o.interrupted)
			return 0;
		if (tries == NL_DUMP_TRIES) {
			nl_error_set(err, EAGAIN,
			    "%s: interrupted by changes %d times", desc,
			    tries);
			return -1;
		}
	}
}

struct nlmsghdr *
nl_msg_start(union nl_msgbuf *buf, uint16_t type, uint16_t flags,
    size_t family_hdr_size)
{
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(buf->bytes);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (family_hdr_size > 0)
		(void)mnl_nlmsg_put_extra_header(nlh, family_hdr_size);
	return nlh;
}

struct nl_batch *
nl_batch_new(struct nl_sock *sk)
{
	struct nl_batch *b = xcalloc(1, sizeof(*b));

	b->sk = sk;
	return b;
}

void
nl_batch_free(struct nl_batch *b)
{
	if (b == NULL)
		return;
	free(b->msgs);
	free(b->reqs);
	free(b->results);
	free(b);
}

size_t
nl_batch_count(const struct nl_batch *b)
{
	return b->nreqs;
}

void
nl_batch_discard(struct nl_batch *b)
{
	b->nreqs = 0;
	b->msgs_len = 0;
}

struct nl_sock *
nl_batch_sock(const struct nl_batch *b)
{
	return b->sk;
}

void
nl_batch_add(struct nl_batch *b, const struct nlmsghdr *nlh,
    const char *desc)
{
	struct nl_request *r;
	size_t len = MNL_ALIGN(nlh->nlmsg_len);

	while (b->msgs_len + len > b->msgs_cap) {
		b->msgs_cap = b->msgs_cap ? b->msgs_cap * 2 : 4096;
		b->msgs = xrealloc(b->msgs, b->msgs_cap);
	}
	memcpy(b->msgs + b->msgs_len, nlh, nlh->nlmsg_len);
	memset(b->msgs + b->msgs_len + nlh->nlmsg_len, 0,
	    len - nlh->nlmsg_len);
	((struct nlmsghdr *)(void *)(b->msgs + b->msgs_len))->nlmsg_flags |=
	    NLM_F_ACK;
	r = VEC_PUSH(b->reqs, b->nreqs, b->reqs_cap);
	r->off = b->msgs_len;
	r->len = len;
	snprintf(r->desc, sizeof(r->desc), "%s", desc);
	b->msgs_len += len;
}

int
nl_batch_commit(struct nl_batch *b, struct nl_error *err)
{
	struct nl_outcome *outcomes;
	struct nl_error sockerr;
	size_t first, end, bytes, i;
	bool failed = false;
	int sent;

	free(b->results);
	b->nresults = b->nreqs;
	b->results = xmalloc(b->nreqs * sizeof(*b->results));
	for (i = 0; i < b->nreqs; i++)
		b->results[i] = -1;
	outcomes = xcalloc(NL_GROUP_MAX, sizeof(*outcomes));

	for (first = 0; first < b->nreqs && !failed; first = end) {
		/* A group: up to NL_GROUP_MAX requests and NL_GROUP_BYTES. */
		bytes = b->reqs[first].len;
		for (end = first + 1; end < b->nreqs &&
		    end - first < NL_GROUP_MAX &&
		    bytes + b->reqs[end].len <= NL_GROUP_BYTES; end++)
			bytes += b->reqs[end].len;
		memset(outcomes, 0, NL_GROUP_MAX * sizeof(*outcomes));
		sent = exchange(b->sk, b->msgs + b->reqs[first].off, bytes,
		    end - first, outcomes, NULL, NULL, &sockerr);
		for (i = first; i < end; i++) {
			struct nl_outcome *o = &outcomes[i - first];

			/* After a socket failure, an unended request is -1. */
			b->results[i] = o->result;
			if (o->result > 0 && !failed) {
				error_from_outcome(err, b->reqs[i].desc, o);
				failed = true;
			}
		}
		if (sent != 0 && !failed) {
			if (err != NULL)
				*err = sockerr;
			failed = true;
		}
	}
	free(outcomes);
	nl_batch_discard(b);
	return failed ? -1 : 0;
}

int
nl_batch_result(const struct nl_batch *b, size_t i)
{
	return i < b->nresults ? b->results[i] : -1;
}

int
nl_ifname_check(const char *name, const char *desc, struct nl_error *err)
{
	const char *p;
	const char *why = NULL;

	if (name == NULL || name[0] == '\0')
		why = "empty interface name";
	else if (strlen(name) >= IFNAMSIZ)
		why = "interface name longer than 15 bytes";
	else if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		why = "interface name \".\" or \"..\"";
	else
		for (p = name; *p != '\0'; p++)
			if (*p == '/' || *p == ':' || *p == ' ' ||
			    *p == '\t' || *p == '\n')
				why = "interface name with '/', ':' or a space";
	if (why == NULL)
		return 0;
	if (err != NULL) {
		err->errnum = EINVAL;
		snprintf(err->msg, sizeof(err->msg), "%s: %s (%s)", desc,
		    strerror(EINVAL), why);
	}
	return -1;
}

const char *
nl_link_label(const char *ifname, int ifindex, char *buf, size_t size)
{
	if (ifname != NULL)
		snprintf(buf, size, "%s", ifname);
	else
		snprintf(buf, size, "ifindex %d", ifindex);
	return buf;
}

int
nl_attr_ipaddr(const struct nlattr *attr, int family, struct ipaddr *out)
{
	size_t size = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(attr) != size)
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->bytes, mnl_attr_get_payload(attr), size);
	return 0;
}
