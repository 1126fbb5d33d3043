/*
 * pflog: the file format FreeBSD's pflogd writes, pure.
 *
 * A pcap file (link type DLT_PFLOG, 117) whose every packet starts with
 * FreeBSD's struct pfloghdr (net/if_pflog.h): 64 bytes, length 61 (the
 * header without its pad), af (AF_INET 2, AF_INET6 28), action (PF_PASS 0,
 * PF_DROP 1, PF_MATCH 12), reason, ifname[16], ruleset[16], rulenr and
 * subrulenr in network byte order, uid, pid, rule_uid and rule_pid in the
 * writer's order (amd64: little endian), dir (PF_IN 1, PF_OUT 2), pad[3].
 * The pcap headers are written little endian, as pflogd on amd64 does.
 *
 * Also the NFLOG prefix that the nftables ruleset gives a logged packet
 * (src/pf/pf_nft_rule.c): "pf @NR ACTION DIR".  Used by pflogd (the writer,
 * pflogd/) and by "jailnet pflog" (the reader).
 */
#ifndef JAILNET_PFLOG_H
#define JAILNET_PFLOG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

#define PFLOG_DLT		117
#define PFLOG_HDRLEN		64
#define PFLOG_REAL_HDRLEN	61
#define PFLOG_IFNAMSIZ		16
#define PFLOG_SNAPLEN		116	/* FreeBSD pflogd's default */
#define PFLOG_FILEHDR_LEN	24
#define PFLOG_RECHDR_LEN	16
#define PFLOG_AF_INET		2
#define PFLOG_AF_INET6		28
#define PFLOG_ACT_PASS		0
#define PFLOG_ACT_DROP		1
#define PFLOG_ACT_MATCH		12
#define PFLOG_DIR_IN		1
#define PFLOG_DIR_OUT		2

/* What a pflog header says of one packet. */
struct pflog_rec {
	uint8_t af;		/* PFLOG_AF_* */
	uint8_t action;		/* PFLOG_ACT_* */
	uint8_t dir;		/* PFLOG_DIR_* */
	char ifname[PFLOG_IFNAMSIZ];	/* NUL-terminated */
	uint32_t rulenr;
};

/**
 * pflog_prefix_parse(prefix, rec):
 * Read an NFLOG prefix "pf @NR ACTION DIR" (ACTION pass, block or match,
 * DIR in or out) into ${rec}'s rulenr, action and dir.  Return 0, or -1 if
 * ${prefix} is not one (${rec} is then unchanged).
 */
int pflog_prefix_parse(const char *prefix, struct pflog_rec *rec);

/**
 * pflog_file_header(out, snaplen):
 * Write the 24 bytes of a pcap file header of link type DLT_PFLOG with
 * ${snaplen} to ${out}.
 */
void pflog_file_header(uint8_t out[PFLOG_FILEHDR_LEN], uint32_t snaplen);

/**
 * pflog_record(out, sec, usec, rec, pkt, len, snaplen):
 * Append to ${out} one pcap record: its 16-byte header (time ${sec}.${usec},
 * the captured and the original length), the pflog header of ${rec} and the
 * first bytes of the ${len} bytes of IP packet ${pkt}, the whole at most
 * ${snaplen} bytes (at least the pflog header).
 */
void pflog_record(struct strbuf *out, uint32_t sec, uint32_t usec,
    const struct pflog_rec *rec, const uint8_t *pkt, size_t len,
    uint32_t snaplen);

/**
 * pflog_file_check(hdr, len):
 * Return 0 if the ${len} bytes at ${hdr} start a pcap file of link type
 * DLT_PFLOG in little-endian order (what pflog_file_header() writes), -1
 * otherwise.
 */
int pflog_file_check(const uint8_t *hdr, size_t len);

/**
 * pflog_record_parse(buf, len, sec, usec, caplen):
 * Read the 16-byte record header at ${buf} (${len} bytes available): its
 * time and captured length.  Return 0, or -1 if ${len} < 16 or the captured
 * length is over 65535 (no pflog file has such records).
 */
int pflog_record_parse(const uint8_t *buf, size_t len, uint32_t *sec,
    uint32_t *usec, uint32_t *caplen);

/**
 * pflog_format(out, data, len):
 * Append to ${out} what "tcpdump -n -e" prints of the ${len} captured bytes
 * ${data} of one record (a pflog header, then the IP packet): "rule
 * NR/0(match): ACTION DIR on IF: SRC > DST: PROTO ...", without a newline.
 * Names and bytes from the record are never copied raw: an interface name
 * of other than letters, digits and ".-_" is printed as '?'s.  Return 0,
 * or -1 if the record is too short for a pflog header or its length field
 * is not 61 (nothing is appended then).
 */
int pflog_format(struct strbuf *out, const uint8_t *data, size_t len);

/**
 * pflog_scan(buf, len, out, used, bad):
 * Print to ${out} each whole record among the ${len} bytes ${buf} that
 * follow a pcap file header: "HH:MM:SS.UUUUUU " (UTC) and pflog_format()'s
 * line, and a newline.  Store in ${used} the bytes of the whole records
 * read (a record cut short at the end is left for the next call).
 * Return 0, or -1 at a record that is not a pflog record (${used} is then
 * its offset and ${bad} says why, a static string).
 */
int pflog_scan(const uint8_t *buf, size_t len, struct strbuf *out,
    size_t *used, const char **bad);

#endif
