/*
 * cmd_pf: `jailnet pf` (a server's pf.conf as pfctl reads it) and
 * `jailnet pfctl` (pfctl's table commands).
 */
#ifndef JAILNET_CMD_PF_H
#define JAILNET_CMD_PF_H

#define CMD_PF_USAGE "pf [-nv] SITE [--server NAME] [--nft | --test SPEC | --lint[=error]]" \
	" | pf -nvf FILE [--site DIR [--server NAME]] [--nft | --test SPEC | --lint[=error]]"
#define CMD_PFCTL_USAGE "pfctl SITE --server NAME -t TABLE -T show|test|" \
	"add|delete|flush|replace|expire [ADDR...] [-f FILE] [SECONDS]"

/**
 * cmd_pf(argc, argv):
 * `jailnet pf [-nv] SITE [--server NAME]`: print each pf-enabled server's
 * ruleset (or only NAME's) as `pfctl -o none -nvf` does, each preceded by
 * "# server NAME" when no --server is given; -n and -v are accepted and
 * ignored (that is what the command always does).  Return 0, 1 if the site
 * has errors or NAME does not enable pf, 2 for a bad command line.
 * With --nft, print instead the nftables script of each server.
 * With --test SPEC (and --server, required): explain what the static model
 * does with the packet, then print one machine-readable last line on
 * stdout and return with it: "verdict: pass" 0, "verdict: block" 1 (a rule
 * blocks it or routing drops it), "verdict: cannot-say (REASON)" 2 (the
 * model cannot follow it, the site has errors, NAME does not enable pf, a
 * bad command line; the details on stderr).
 * With -f FILE (also -nvf FILE), FILE is read instead of the servers'
 * pf.conf: alone, as a lone pf.conf (pf_site_bare(): the interfaces it
 * names, no addresses; --test and --lint refused, a usage error); with
 * --site DIR (or the SITE argument), bound to each server (or NAME) in
 * place of its own.
 */
int cmd_pf(int argc, char **argv);

/**
 * cmd_pfctl(argc, argv):
 * `jailnet pfctl SITE --server NAME -t TABLE -T COMMAND ...`: pfctl's
 * table commands against the table's file in the server's view (until
 * the runtime exists).  show lists the entries as pfctl does; test says
 * whether each address matches ("N/M addresses match.", exit 1 unless all
 * do); add, delete, flush and replace rewrite the table's file and report
 * counts as pfctl does, on stderr ("1/1 addresses added.").  Refused (exit
 * 1): writing a file of common/ (every server reads it), a const table, a
 * table with no single file of its own; any command on a table that lives
 * only in the kernel (an overload target, a table used but not defined)
 * and expire.  Return 0, 1 as said, 2 for a bad command line.
 */
int cmd_pfctl(int argc, char **argv);

#endif
