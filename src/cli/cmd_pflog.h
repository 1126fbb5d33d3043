/*
 * cmd_pflog: `jailnet pflog SITE --server NAME [--once]` and
 * `jailnet pflog --file FILE [--once]`, what `tcpdump -n -e -i pflog0`
 * prints on FreeBSD: the packets pf.conf's `log` rules log, read from the
 * pcap file pflogd writes (/var/log/pflog in the server's view:
 * DATA_ROOT/SITE/data/SERVER/-/var/log/pflog).
 */
#ifndef JAILNET_CMD_PFLOG_H
#define JAILNET_CMD_PFLOG_H

#define CMD_PFLOG_USAGE "pflog SITE --server NAME [--once] | " \
	"pflog --file FILE [--once]"

/**
 * cmd_pflog(argc, argv):
 * Print each record of the server's pflog file (or FILE) as one line,
 * "HH:MM:SS.UUUUUU rule NR/0(match): ACTION DIR on IF: SRC > DST: ..."
 * (src/lib/pflog.h; names from the file sanitised), then follow the file
 * as it grows, a rotated file reopened, until killed; with --once, stop at
 * its end.  Return 0 (--once), EXIT_USAGE for a bad command line,
 * EXIT_INVALID for a site with errors, an unknown server, a file that
 * cannot be read or is not a pflog file (the file and offset said).
 */
int cmd_pflog(int argc, char **argv);

#endif
