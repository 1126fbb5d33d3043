/*
 * cmd_verify: `jailnet verify` (what can reach what, site-wide, for every
 * packet; intent files) and `jailnet trace` (one connection, hop by hop).
 */
#ifndef JAILNET_CMD_VERIFY_H
#define JAILNET_CMD_VERIFY_H

struct pf_site;
struct world;
struct vspace;

/* A site loaded for the analyses of verify, trace and diff. */
struct verify_site {
	struct pf_site *ps;
	struct world *w;
	struct vspace *vs;
};

/**
 * verify_site_open(dir, vsite), verify_site_close(vsite):
 * Load and check the site at ${dir} (its diagnostics printed), then build
 * its site-wide world and packet space into ${vsite}.  Return 0, or -1
 * when the site has errors or the world cannot be built (${vsite} then
 * holds nothing to free).  verify_site_close() frees what it holds.
 */
int verify_site_open(const char *dir, struct verify_site *vsite);
void verify_site_close(struct verify_site *vsite);

#define CMD_VERIFY_USAGE "verify SITE [--json | --live] [INTENT...]"
#define CMD_TRACE_USAGE "trace SITE FROM TO PROTO [PORT] [--sport N] " \
	"[--flags F] [--json]"

/**
 * cmd_verify(argc, argv):
 * `jailnet verify SITE [--json] [INTENT...]`.  Without an intent file,
 * print the site's reachability matrix: for each source (each outside
 * host, the internet, each server and jail) and each place it reaches,
 * the protocols and ports of the connections delivered there with their
 * replies back, exhaustively.  With intent files (intent.h), check each
 * expectation and print "ok" or "FAIL" per source and destination, with a
 * counterexample packet and its trace for each failure.  Return 0 when
 * every expectation holds, 1 when one fails or the model cannot say, or
 * the site has errors, 2 for a bad command line or intent file (located
 * errors).
 */
int cmd_verify(int argc, char **argv);

/**
 * cmd_trace(argc, argv):
 * `jailnet trace SITE FROM TO PROTO [PORT]`: follow one connection from
 * FROM (a place, "internet", or an address: an address of a place sends
 * from that place, any other arrives from the internet) to TO (a place,
 * whose first address is the destination unless some other address
 * delivers there, or an address), through every place, pf pass, pipe and
 * the reply's way back.  Return 0 when it is delivered and its reply comes
 * back, 1 when not, 2 for a bad command line.
 */
int cmd_trace(int argc, char **argv);

#endif
