/*
 * pf: the pf.conf language of FreeBSD 13/14 pfctl.
 *
 * pf_parse() reads a pf.conf into a ruleset the way pfctl's grammar does:
 * macros are expanded as text, every list ({ ... } of interfaces, protocols,
 * addresses, ports, icmp types) is expanded into separate rules in pfctl's
 * order (interface, protocol, icmp type, source address, source port,
 * destination address, destination port), and pfctl's defaults are made
 * explicit (pass rules "flags S/SA keep state", block rules their
 * block-policy, nat's proxy port range, the source tracking and timeouts
 * implied by state options).  The result is what pfctl would load into the
 * kernel, rule for rule, except that whatever depends on the server's
 * interfaces stays symbolic: "xnic", "xnic:network", "self", "(xnic:0)" are
 * kept as interface addresses (PF_ADDR_IFACE, PF_ADDR_DYNIFACE), to be
 * resolved against a server later; antispoof is expanded into its two
 * block rules with such symbolic addresses.  Table files are not read by
 * the parser: a table records their paths, and pf_table_load() reads them
 * through a caller-supplied reader.
 *
 * pf_print() prints a ruleset as `pfctl -o none -nvf` does: macros, options
 * and table definitions in file order, then scrub, nat, rdr, binat and
 * filter rules, one line per expanded rule.  Parsing that text gives a
 * ruleset that prints the same text.
 *
 * Where pfctl turns one symbolic address into several rules (one per
 * address of an interface), the tree keeps one rule: rule numbers (nr) are
 * pfctl's once the caller expands such rules the same way.
 *
 * Deviations from pfctl, all in corners pfctl cannot print back itself:
 * "return-icmp(code)" keeps the ICMPv6 default code (pfctl stores its IPv4
 * one); a stateful rule left floating under "set state-policy if-bound"
 * prints "floating"; 0.0.0.0/0 in a table, or negated, prints as such, not
 * "any"; "binat ... from any" is refused; names of interfaces, hosts,
 * tables, tags and macros must be words that print back (letters, digits, "_",
 * "-", "."); a quoted string cannot end in "".
 *
 * Everything here is pure: no I/O, no global state.
 */
#ifndef JAILNET_PF_H
#define JAILNET_PF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/diag.h"

struct strbuf;

/*
 * Locations.  Every parsed element remembers where it was written (loc).
 * A value that came from a macro is located at the use of the macro
 * ("$port_nginx"), and macro_loc points at the value in the macro's
 * definition (macro_loc.src is NULL for a value written in place).
 */

/* An address as written in a rule, a table or a translation target. */
enum pf_addr_kind {
	PF_ADDR_ANY,		/* any (also an omitted from/to) */
	PF_ADDR_PREFIX,		/* 10.0.2.20, 10.0.2/24, 2001:db8::/32 */
	PF_ADDR_RANGE,		/* 10.0.0.1 - 10.0.0.9 */
	PF_ADDR_TABLE,		/* <name> */
	PF_ADDR_IFACE,		/* xnic, xnic:network, self: the interface's
				   addresses when the ruleset is loaded (a
				   name that is no interface is a host name
				   pfctl would look up in the DNS: "no IP
				   address found for NAME") */
	PF_ADDR_DYNIFACE,	/* (xnic), (xnic:0): followed as they change */
	PF_ADDR_NOROUTE,	/* no-route: no route back to the address */
	PF_ADDR_URPF_FAILED,	/* urpf-failed: reverse path check fails */
};

/* Modifiers of an interface address (PF_ADDR_IFACE, PF_ADDR_DYNIFACE). */
#define PF_IFMOD_NETWORK	0x01	/* :network, its networks */
#define PF_IFMOD_BROADCAST	0x02	/* :broadcast */
#define PF_IFMOD_PEER		0x04	/* :peer */
#define PF_IFMOD_NOALIAS	0x08	/* :0, its first address only */

struct pf_addr {
	enum pf_addr_kind kind;
	int neg;		/* written with "!" */
	struct ipprefix prefix;	/* PREFIX: host bits cleared, as pfctl
				   does; RANGE: prefix.addr is the first */
	struct ipaddr last;	/* RANGE: the last address */
	char *name;		/* TABLE: the table; IFACE, DYNIFACE: the
				   interface (or host) name, or "self" */
	unsigned ifmods;	/* IFACE, DYNIFACE: PF_IFMOD_* */
	int mask;		/* IFACE, DYNIFACE: length given with "/N",
				   or -1 */
	struct loc loc;
	struct loc macro_loc;
};

/* A port condition.  Ports are in host order. */
enum pf_port_op {
	PF_PORT_NONE,		/* no condition */
	PF_PORT_EQ,		/* = a (also a bare port) */
	PF_PORT_NE,		/* != a */
	PF_PORT_LT,		/* < a */
	PF_PORT_LE,		/* <= a */
	PF_PORT_GT,		/* > a */
	PF_PORT_GE,		/* >= a */
	PF_PORT_RANGE,		/* a:b, a <= port <= b */
	PF_PORT_INSIDE,		/* a >< b, a < port < b */
	PF_PORT_OUTSIDE,	/* a <> b, port < a or port > b */
};

struct pf_port {
	enum pf_port_op op;
	uint16_t a, b;
	struct loc loc;
	struct loc macro_loc;
};

/* "on IF", "on ! IF"; name is NULL when the rule names no interface. */
struct pf_ifspec {
	char *name;
	int neg;
	struct loc loc;
	struct loc macro_loc;
};

enum pf_action {		/* in pfctl's order */
	PF_ACT_PASS,
	PF_ACT_BLOCK,
	PF_ACT_SCRUB,
	PF_ACT_NO_SCRUB,
	PF_ACT_NAT,
	PF_ACT_NO_NAT,
	PF_ACT_BINAT,
	PF_ACT_NO_BINAT,
	PF_ACT_RDR,
	PF_ACT_NO_RDR,
	PF_ACT_MATCH,		/* match: its actions (tag) apply, it does not
				   decide; a filter rule */
};

/* Where an expanded rule came from. */
enum pf_origin {
	PF_ORIGIN_RULE,		/* a rule of the file */
	PF_ORIGIN_ANTISPOOF_NET,	/* antispoof: block in on ! IF from
					   IF:network */
	PF_ORIGIN_ANTISPOOF_ADDR,	/* antispoof: block in from IF; pfctl
					   omits it for loopback interfaces */
};

/* What a block rule does with the packet. */
enum pf_block_how {
	PF_BLOCK_DROP,
	PF_BLOCK_RETURN,	/* TCP RST for tcp, ICMP unreachable else */
	PF_BLOCK_RETURN_RST,
	PF_BLOCK_RETURN_ICMP,
};

enum pf_dir {
	PF_DIR_INOUT,		/* no direction given: both */
	PF_DIR_IN,
	PF_DIR_OUT,
};

/* Log flags. */
#define PF_LOG		0x01
#define PF_LOG_ALL	0x02	/* log (all) */
#define PF_LOG_USER	0x04	/* log (user) */

/* TCP flags, as pfctl's "FSRPAUEW". */
#define PF_TH_FIN	0x01
#define PF_TH_SYN	0x02
#define PF_TH_RST	0x04
#define PF_TH_PUSH	0x08
#define PF_TH_ACK	0x10
#define PF_TH_URG	0x20
#define PF_TH_ECE	0x40
#define PF_TH_CWR	0x80

enum pf_keep {
	PF_KEEP_NONE,		/* no state */
	PF_KEEP_STATE,		/* keep state */
	PF_KEEP_MODULATE,	/* modulate state */
	PF_KEEP_SYNPROXY,	/* synproxy state */
};

enum pf_srctrack {
	PF_SRCTRACK_NONE,
	PF_SRCTRACK_GLOBAL,	/* one source node per source address */
	PF_SRCTRACK_RULE,	/* one per source address and rule */
};

/* State timeouts, in pfctl's (and the kernel's) order. */
enum pf_timeout {
	PF_TM_TCP_FIRST,
	PF_TM_TCP_OPENING,
	PF_TM_TCP_ESTABLISHED,
	PF_TM_TCP_CLOSING,
	PF_TM_TCP_FINWAIT,
	PF_TM_TCP_CLOSED,
	PF_TM_UDP_FIRST,
	PF_TM_UDP_SINGLE,
	PF_TM_UDP_MULTIPLE,
	PF_TM_ICMP_FIRST,
	PF_TM_ICMP_ERROR,
	PF_TM_OTHER_FIRST,
	PF_TM_OTHER_SINGLE,
	PF_TM_OTHER_MULTIPLE,
	PF_TM_FRAG,
	PF_TM_INTERVAL,
	PF_TM_ADAPTIVE_START,
	PF_TM_ADAPTIVE_END,
	PF_TM_SRC_TRACK,
	PF_TM_TS_DIFF,
	PF_TM_COUNT
};

/*
 * State options of a stateful rule, with pfctl's implications applied:
 * max-src-conn, max-src-conn-rate and max-src-nodes imply source-track
 * rule, max-src-states source-track global; with source tracking,
 * timeout[PF_TM_SRC_TRACK] is at least the rate's seconds; "max N" without
 * adaptive timeouts sets adaptive.start and .end to 60% and 120% of N.
 * Zero means "not set" everywhere.
 */
struct pf_state_opts {
	unsigned max_states;
	int no_sync;
	enum pf_srctrack src_track;
	unsigned max_src_states;
	unsigned max_src_conn;
	unsigned max_src_conn_rate;	/* connections ... */
	unsigned max_src_conn_secs;	/* ... per this many seconds */
	unsigned max_src_nodes;
	char *overload;		/* overload <table>, or NULL */
	struct loc overload_loc;
	int flush;		/* overload ... flush: kill the source's
				   states of this rule */
	int flush_global;	/* flush global: all of the source's states */
	int if_bound;		/* states bound to the interface (if-bound,
				   or set state-policy if-bound) */
	int floating;		/* not if-bound although the last "set
				   state-policy" is if-bound: printed (unlike
				   pfctl) so that the text, where options
				   come first, parses back the same */
	int sloppy;
	unsigned timeout[PF_TM_COUNT];
};

/* Options of scrub rules. */
struct pf_scrub_opts {
	int no_df;
	int random_id;
	int reassemble_tcp;
	unsigned min_ttl;	/* 0: not set */
	unsigned max_mss;	/* 0: not set */
	int set_tos;		/* set-tos given, tos in tos (never set for
				   now: set-tos is refused) */
	unsigned tos;
};

enum pf_pool_type {
	PF_POOL_NONE,
	PF_POOL_BITMASK,
	PF_POOL_RANDOM,
	PF_POOL_SRCHASH,	/* never produced: source-hash is refused */
	PF_POOL_ROUNDROBIN,
};

/*
 * The translation target of nat, rdr and binat ("-> ...").
 * nat: port_lo..port_hi is the range source ports are mapped into
 * (50001..65535 unless given); 0..0 means static-port (keep the port).
 * rdr: port_lo is the new destination port (0: keep it), port_hi the end
 * of a port range (0 or equal to port_lo: a single port); a destination
 * port range a:b is mapped onto port_lo..port_lo+(b-a).
 * binat: no ports.
 */
struct pf_pool {
	struct pf_addr *addrs;
	size_t naddrs;
	uint16_t port_lo, port_hi;
	enum pf_pool_type type;	/* round-robin is implied, as pfctl does,
				   for several addresses, a table or an
				   interface that may have several */
	int sticky_address;
	struct loc loc;		/* the "->" */
};

/* One expanded rule. */
struct pf_rule {
	enum pf_action action;
	enum pf_origin origin;
	unsigned nr;		/* number in its ruleset, from 0, as the
				   kernel numbers it (pfctl -vv's @nr) */
	struct loc loc;		/* the first word of the statement */

	enum pf_block_how block;	/* block rules */
	unsigned return_ttl;		/* return-rst(ttl N), 0: default */
	uint16_t return_icmp;		/* type << 8 | code, for IPv4 */
	uint16_t return_icmp6;		/* the same for IPv6 */

	enum pf_dir dir;
	unsigned log;		/* PF_LOG* */
	unsigned logif;		/* log (to pflogN): N */
	int quick;
	struct pf_ifspec ifspec;
	int af;			/* 0 (both), AF_INET or AF_INET6 */
	int proto;		/* IP protocol number, 0: any */
	struct loc proto_loc;
	struct loc proto_macro_loc;
	struct pf_addr src, dst;
	struct pf_port src_port, dst_port;
	uint8_t flags, flagset;	/* TCP flags: flags out of flagset; 0/0:
				   any (for tcp, or no protocol, only) */
	int icmp_type;		/* -1: none */
	int icmp_code;		/* -1: none */
	struct loc icmp_loc;
	enum pf_keep keep;
	struct pf_state_opts state;
	int fragment;
	int allow_opts;
	char *anchor;		/* an anchor call (anchor, nat-anchor,
				   rdr-anchor, binat-anchor "NAME"): the
				   name; NULL for a rule.  Such a rule is
				   kept in pf_ruleset.anchors, never in
				   rules: at load its anchor holds no rules
				   (an inline anchor and load anchor are
				   refused), so no packet meets it */
	struct loc anchor_loc;
	char *label;		/* NULL if none; its macros expanded */
	char *label_macros;	/* the label as written, if it had macros
				   ($if, $srcaddr ...), else NULL */
	struct loc label_loc;
	char *tag;		/* tag NAME: the packet's tag if the rule
				   matches (NULL: none) */
	struct loc tag_loc;
	char *tagged;		/* [!] tagged NAME: a condition on the tag
				   the packet carries (NULL: none) */
	int tagged_neg;
	struct loc tagged_loc;

	struct pf_scrub_opts scrub;	/* scrub rules */

	int natpass;		/* nat pass, rdr pass, binat pass */
	struct pf_pool rpool;	/* nat, rdr, binat */
};

/* The rules of one kind, in order. */
enum pf_ruleset_kind {		/* in the order pfctl loads and prints */
	PF_RS_SCRUB,
	PF_RS_NAT,
	PF_RS_RDR,
	PF_RS_BINAT,
	PF_RS_FILTER,
	PF_RS_COUNT
};

struct pf_rules {
	struct pf_rule *v;
	size_t n, cap;
};

/* A macro definition, name = "value". */
struct pf_macro {
	char *name;
	char *value;
	struct loc loc;		/* the name */
	struct loc value_loc;
	int used;		/* set when a rule uses it */
};

/* Table flags. */
#define PF_TABLE_CONST		0x01
#define PF_TABLE_PERSIST	0x02
#define PF_TABLE_COUNTERS	0x04

/* A table's initial contents: a file or a list of addresses, in order. */
struct pf_table_init {
	char *file;		/* file "path", or NULL for a list */
	struct loc loc;		/* the path, or the "{" */
	struct pf_addr *addrs;	/* PREFIX or IFACE entries, maybe negated */
	size_t naddrs;
};

struct pf_table {
	char *name;
	struct loc loc;		/* the name */
	unsigned flags;		/* PF_TABLE_* */
	int has_init;		/* a list (even empty) or file was given */
	struct pf_table_init *inits;
	size_t ninits, initcap;
};

/* Options ("set ..."). */
enum pf_option_kind {
	PF_OPT_SKIP,		/* set skip on IF | { IF ... } | none */
	PF_OPT_BLOCK_POLICY,	/* value 1: return, 0: drop */
	PF_OPT_STATE_POLICY,	/* value 1: if-bound, 0: floating */
	PF_OPT_TIMEOUT,		/* name, value: seconds */
	PF_OPT_LIMIT,		/* name, value */
	PF_OPT_OPTIMIZATION,	/* name: normal, aggressive, ... */
	PF_OPT_RULESET_OPTIMIZATION,	/* name: none, basic, profile */
	PF_OPT_REQUIRE_ORDER,	/* value 1: yes */
};

struct pf_option {
	enum pf_option_kind kind;
	struct loc loc;		/* the "set" */
	char *name;
	unsigned value;
	char **ifnames;		/* SKIP: the interfaces (none: 0 of them) */
	size_t nifnames;
};

/* The statements other than rules, in file order (pfctl -nv prints them
   as it parses). */
enum pf_stmt_kind {
	PF_STMT_MACRO,
	PF_STMT_OPTION,
	PF_STMT_TABLE,
};

struct pf_stmt {
	enum pf_stmt_kind kind;
	size_t index;		/* into macros, options or tables */
};

struct pf_ruleset {
	const struct source *src;	/* not owned */
	struct pf_macro *macros;
	size_t nmacros, macrocap;
	struct pf_option *options;
	size_t noptions, optioncap;
	struct pf_table *tables;
	size_t ntables, tablecap;
	struct pf_stmt *stmts;
	size_t nstmts, stmtcap;
	struct pf_rules rules[PF_RS_COUNT];
	/* The anchor calls of each ruleset, in order, apart from the rules
	   that decide: each takes a number (nr) among its ruleset's rules as
	   pfctl numbers them, and is printed there. */
	struct pf_rules anchors[PF_RS_COUNT];
	char **skip;		/* interfaces pf skips (set skip on) */
	size_t nskip, skipcap;
	struct source **includes;	/* the files include read, owned:
					   locations point into them */
	size_t nincludes, includecap;
};

/**
 * pf_parse(src, diags):
 * Parse the pf.conf text of ${src} as FreeBSD 13/14 pfctl does, expanding
 * macros and lists.  Append every problem to ${diags}, with pfctl's wording
 * where pfctl has one; constructs jailnet does not model (inline anchors,
 * queues, route-to, user/group, os, ...) are errors naming the construct;
 * anchors empty at load go to the ruleset's anchors, apart from its rules.
 * A statement with an error adds no rule; the others are kept.  Return the
 * ruleset, owned by the caller and freed with pf_ruleset_free(); it points
 * into ${src}, which must outlive it.  Never NULL.
 */
struct pf_ruleset *pf_parse(const struct source *src, struct diags *diags);

/*
 * A name lookup: if the interface address ${a} (PF_ADDR_IFACE: a static
 * interface, "self", or a host name) has addresses known to the caller,
 * store them as they stand in a rule (modifiers and "/len" applied; a new
 * array, freed by the caller) in ${out} and their number (at least 1) in
 * ${nout} and return 0, as pfctl's host() does at parse time; otherwise
 * return -1 and leave ${a} symbolic, to be bound later.
 */
typedef int (*pf_host_lookup)(void *ctx, const struct pf_addr *a,
    struct ipprefix **out, size_t *nout);

/**
 * pf_parse_names(src, lookup, ctx, diags):
 * The same as pf_parse(), with host names resolved as pfctl's host() does
 * at parse time: a word of an address, a table's list or a redirection
 * pool that ${lookup}(${ctx}, ...) knows becomes the list of its
 * addresses, in its order, each with the word's "!", "/len" and location,
 * so that a rule expands into one rule per address.  A NULL ${lookup}
 * resolves nothing (pf_parse()).
 */
struct pf_ruleset *pf_parse_names(const struct source *src,
    pf_host_lookup lookup, void *ctx, struct diags *diags);

/* How deep includes may nest (pfctl sets no bound; a loop is refused). */
#define PF_INCLUDE_MAX_DEPTH	10

/*
 * The reader of table files and included files: it returns the file
 * ${path} (as written in pf.conf: the caller decides what a relative path
 * is relative to) as a new source owned by the caller, or NULL with
 * errno's value in ${errnum}; it has rc_reader's type, so fsview_read()
 * (with a cast of its view) fits.
 */
typedef struct source *(*pf_reader)(void *ctx, const char *path,
    int *errnum);

/**
 * pf_parse_files(src, lookup, lctx, read, rctx, diags):
 * The same as pf_parse_names(), with include "file" read by
 * ${read}(${rctx}, path, &errnum) and parsed in its place, as pfctl does
 * (macros are shared; the ruleset keeps the files).  A file that cannot
 * be read, an include of a file being read (a loop) or nested deeper
 * than PF_INCLUDE_MAX_DEPTH is an error at the include's path.  A NULL
 * ${read} makes every include an error.
 */
struct pf_ruleset *pf_parse_files(const struct source *src,
    pf_host_lookup lookup, void *lctx, pf_reader read, void *rctx,
    struct diags *diags);

/**
 * pf_ruleset_free(rs):
 * Free ${rs}; does nothing if NULL.
 */
void pf_ruleset_free(struct pf_ruleset *rs);

/**
 * pf_ruleset_table(rs, name):
 * Return the table <${name}> defined in ${rs}, or NULL.
 */
const struct pf_table *pf_ruleset_table(const struct pf_ruleset *rs,
    const char *name);

/**
 * pf_addr_af(a):
 * Return the address family of ${a}: that of its address for PREFIX and
 * RANGE, 0 for every other kind (unknown until interfaces are resolved).
 */
int pf_addr_af(const struct pf_addr *a);

/**
 * pf_rule_copy(dst, src), pf_rule_clear(r):
 * Make ${dst} a deep copy of ${src}; release what ${r} owns and zero it.
 */
void pf_rule_copy(struct pf_rule *dst, const struct pf_rule *src);
void pf_rule_clear(struct pf_rule *r);

/**
 * pf_addr_copy(dst, src), pf_addr_clear(a):
 * Make ${dst} a deep copy of ${src}; release what ${a} owns and zero it.
 */
void pf_addr_copy(struct pf_addr *dst, const struct pf_addr *src);
void pf_addr_clear(struct pf_addr *a);

/**
 * pf_print(rs, out):
 * Append to ${out} the text `pfctl -o none -nvf` prints for ${rs}: macros
 * ("name = \"value\""), options and table definitions in file order, then
 * the scrub, nat, rdr, binat and filter rules, one line each.  Symbolic
 * interface addresses print as written ("xnic:network", "(xnic:0)").
 */
void pf_print(const struct pf_ruleset *rs, struct strbuf *out);

/**
 * pf_label_expand(r, tmpl):
 * Return the label ${tmpl} with its macros expanded for ${r}, as pfctl
 * does, in its order: $if (the interface or "any"), $srcaddr, $dstaddr
 * ("any", ADDR, ADDR/LEN, <table>, (if), no-route, urpf-failed, "?" for
 * a range, "! " before a negated one), $srcport, $dstport (numbers,
 * empty for none or a:b), $proto (its name, "ip" for none), $nr.  The
 * string is the caller's, freed with free().
 */
char *pf_label_expand(const struct pf_rule *r, const char *tmpl);

/**
 * pf_print_with(rs, rule, arg, out):
 * As pf_print(), but each rule is printed by rule(r, ${arg}, ${out}),
 * which appends its lines, each ending in a newline.
 */
void pf_print_with(const struct pf_ruleset *rs, void (*rule)(const struct
    pf_rule *, void *, struct strbuf *), void *arg, struct strbuf *out);

/**
 * pf_action_name(a):
 * Return the pf.conf words of action ${a} ("rdr", "no binat", ...), a
 * static string.
 */
const char *pf_action_name(enum pf_action a);

/**
 * pf_print_rule(r, out):
 * Append ${r} as pfctl prints it, without a newline.
 */
void pf_print_rule(const struct pf_rule *r, struct strbuf *out);

/**
 * pf_print_addr(a, af, out):
 * Append the address ${a} as pfctl prints it in a rule of family ${af}
 * (without its "!"; an all-zero prefix without "!" prints as "any").
 */
void pf_print_addr(const struct pf_addr *a, int af, struct strbuf *out);

/**
 * pf_print_flags(f, out):
 * Append the TCP flags ${f} to ${out} as pfctl writes them ("S", "SA",
 * nothing for none), in the order FSRPAUEW.
 */
void pf_print_flags(uint8_t f, struct strbuf *out);

/*
 * Table files, read with a pf_reader (above).
 */

/* The addresses of a table: PREFIX entries (maybe negated), and IFACE
   entries of an inline list, left for the caller to resolve. */
struct pf_table_data {
	struct pf_addr *v;	/* each located in its file or pf.conf */
	size_t n, cap;
	struct source **files;	/* the files read, which the locations
				   point into */
	size_t nfiles, filecap;
};

/**
 * pf_table_load(table, read, ctx, out, diags):
 * Append the initial contents of ${table} to ${out} (zeroed, or holding
 * earlier contents): its inline addresses, and the addresses of each of
 * its files read with ${read}(${ctx}, path, &errnum).  A file that cannot
 * be read is an error at its path in pf.conf ("cannot load ..."), a bad
 * entry an error at the entry in the file.  Return 0 if no error was
 * recorded, -1 otherwise.
 */
int pf_table_load(const struct pf_table *table, pf_reader read, void *ctx,
    struct pf_table_data *out, struct diags *diags);

/**
 * pf_table_file_parse(src, out, diags):
 * Append the addresses in the table file text ${src} to ${out}: words
 * separated by white space, each an address or CIDR prefix (pfctl's short
 * forms such as 10.0.2/24 included) with an optional "!", and comments
 * from a "#" starting a word to the end of the line.  ${src} must outlive
 * ${out}'s locations (it is not added to out->files).  The first ten bad
 * entries are reported.  Return 0 if no error was recorded, -1 otherwise.
 */
int pf_table_file_parse(const struct source *src, struct pf_table_data *out,
    struct diags *diags);

/**
 * pf_table_data_free(td):
 * Release the contents of ${td} (including the files it read) and leave it
 * zeroed.
 */
void pf_table_data_free(struct pf_table_data *td);

/*
 * Name tables (pf_services.c): FreeBSD's /etc/services, the part of its
 * /etc/protocols, and of pfctl's ICMP and timeout names, that pf.conf
 * files use.
 */

/**
 * pf_service_lookup(name, proto):
 * Return the port of the service ${name} (its first name or one of its
 * aliases) for ${proto} ("tcp" or "udp"), as getservbyname(3) does, or -1
 * if FreeBSD's /etc/services has no such line.
 */
int pf_service_lookup(const char *name, const char *proto);

/**
 * pf_service_port(name):
 * Return the port of the service ${name}, looked up for tcp first, then
 * for udp, as pfctl's getservice() does whatever the rule's protocol, or
 * -1.
 */
int pf_service_port(const char *name);

/**
 * pf_service_name(port, proto):
 * Return the first name of ${port} for ${proto} ("tcp" or "udp"), as
 * getservbyport(3) does, or NULL.
 */
const char *pf_service_name(unsigned port, const char *proto);

/**
 * pf_proto_number(name), pf_proto_name(number):
 * Return the IP protocol number of ${name} (or -1), the name of ${number}
 * (or NULL).
 */
int pf_proto_number(const char *name);
const char *pf_proto_name(int number);

/**
 * pf_icmp_type_number(name, af), pf_icmp_type_name(type, af):
 * Return the ICMP (AF_INET6: ICMPv6) type named ${name} (or -1), the name
 * of ${type} (or NULL).
 */
int pf_icmp_type_number(const char *name, int af);
const char *pf_icmp_type_name(int type, int af);

/**
 * pf_icmp_code_number(type, name, af), pf_icmp_code_name(type, code, af):
 * Return the code named ${name} of ICMP type ${type} (or -1), the name of
 * code ${code} of ${type} (or NULL).
 */
int pf_icmp_code_number(int type, const char *name, int af);
const char *pf_icmp_code_name(int type, int code, int af);

/**
 * pf_timeout_lookup(name), pf_timeout_name(t):
 * Return the timeout named ${name} ("tcp.established") or -1; the name of
 * timeout ${t}.
 */
int pf_timeout_lookup(const char *name);
const char *pf_timeout_name(enum pf_timeout t);

#endif
