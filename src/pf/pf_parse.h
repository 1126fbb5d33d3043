/*
 * pf_parse: internals shared by the pf.conf parser's files.
 *
 * pf_parse.c reads statements (macros, options, tables) and drives the
 * others; pf_parse_rule.c reads filter rules (pass/block, scrub,
 * antispoof) and pf_parse_nat.c translation rules (nat, rdr, binat) into
 * a template rule and lists; pf_parse_host.c reads the
 * parts that can be lists (interfaces, protocols, addresses, ports, icmp
 * types); pf_expand.c expands a template and its lists into rules, with
 * pfctl's consistency checks.
 *
 * Every parse function returns 0, or -1 after recording an error (the
 * statement is then abandoned and the parser skips to the next line).
 *
 * These five files call each other in a circle, and that is deliberate:
 * they are one recursive-descent parser split by grammar family, as
 * pfctl's parse.y is one grammar.  The driver calls the rule readers, the
 * rule readers call back the driver's token helpers (pf_accept_*,
 * pf_error) and the expander, and the expander reports through the
 * driver's pf_error.  Nothing else of pf needs these internals;
 * the parser's interface is pf.h (pf_table.c, the reader of table
 * files, also takes pf_addr_clear from here).
 */
#ifndef JAILNET_PF_PARSE_H
#define JAILNET_PF_PARSE_H

#include <stdarg.h>

#include "pf/pf.h"
#include "pf/pf_lex.h"

/* pfctl's limits (sizes minus the NUL). */
#define PF_IFNAME_MAX		15
#define PF_TABLE_NAME_MAX	31
#define PF_LABEL_MAX		63
#define PF_TAG_NAME_MAX		63
#define PF_THRESHOLD_MAX	4294967u	/* 0xffffffff / 1000 */
#define PF_NAT_PROXY_PORT_LOW	50001
#define PF_NAT_PROXY_PORT_HIGH	65535

/* pfctl's default ICMP errors for "return": port unreachable. */
#define PF_RETURN_ICMP_DEFAULT	((3 << 8) | 3)
#define PF_RETURN_ICMP6_DEFAULT	((1 << 8) | 4)

/* The order pfctl requires ("set require-order yes", the default). */
enum pf_rulestate {
	PF_STATE_NONE,
	PF_STATE_OPTION,
	PF_STATE_SCRUB,
	PF_STATE_QUEUE,
	PF_STATE_NAT,
	PF_STATE_FILTER,
};

struct pf_parser {
	struct pf_lexer *lx;
	struct diags *diags;
	struct pf_ruleset *rs;
	struct pf_tok look[2];	/* lookahead */
	int nlook;
	int failed;		/* the current statement had an error */
	struct loc stmt_loc;	/* its first token */
	int depth;		/* braces open in it */
	int semicolon;		/* a ";" was read in it */
	int last_comma;		/* the last token taken was "," */
	enum pf_rulestate rulestate;
	int require_order;
	int block_return;	/* set block-policy return */
	int if_bound;		/* set state-policy if-bound */
	size_t *macro_map;	/* lexer macro index -> rs->macros index */
	size_t nmacro_map, macro_mapcap;
	pf_host_lookup lookup;	/* host names, or NULL */
	void *lookup_ctx;
	pf_reader read;		/* included files, or NULL */
	void *read_ctx;
};

/* The lists of a rule statement, expanded into one rule per combination. */
struct pf_iflist {
	struct pf_ifspec *v;
	size_t n, cap;
};

struct pf_proto_item {
	int proto;
	struct loc loc;
	struct loc macro_loc;
};

struct pf_protolist {
	struct pf_proto_item *v;
	size_t n, cap;
};

struct pf_icmp_item {
	int type;
	int code;		/* -1: none */
	int proto;		/* IPPROTO_ICMP or IPPROTO_ICMPV6 */
	struct loc loc;
};

struct pf_icmplist {
	struct pf_icmp_item *v;
	size_t n, cap;
};

struct pf_addrlist {
	struct pf_addr *v;
	size_t n, cap;
};

struct pf_portlist {
	struct pf_port *v;
	size_t n, cap;
};

struct pf_rule_lists {
	struct pf_iflist ifs;
	struct pf_protolist protos;
	struct pf_icmplist icmps;
	struct pf_addrlist src, dst;
	struct pf_portlist sport, dport;
	struct pf_addrlist pool;	/* translation targets */
	struct loc flags_loc;		/* where "flags" was, if given */
	struct loc keep_loc;		/* where the state option was */
};

/*
 * pf_parse.c: tokens and errors.
 *
 * pf_peek(p), pf_peek2(p): the next token, the one after it (never past
 * the end of a line: a macro defined on it must be known before the next
 * line is read; past it pf_peek2() shows an end of line).
 * pf_take(p, out): move the next token into ${out} (the caller frees it
 * with pf_tok_clear()); pf_advance(p): drop it.
 * pf_is_kw(t, kw), pf_is_char(t, ch): whether ${t} is that keyword or
 * character.  pf_accept_kw(), pf_accept_char(): take it if it is.
 * pf_expect_char(): take it, or record a syntax error and return -1.
 * pf_skip_nl(): skip newlines (pfctl's optnl, inside braces).
 * pf_accept_comma(): take an optional "," (pfctl's comma).
 * pf_at_end(p): return 0 if the statement ends here, else a syntax error.
 * pf_parse_one_or_list(p, item, arg): pfctl's "ITEM | { ITEM [,] ... }",
 * newlines allowed inside the braces; ${item} parses one item into
 * ${arg}.  pf_parse_list_rest(): the items and the "}" of such a list,
 * after its "{" and newlines.  Both return 0, or -1 with the error that
 * ${item} or a syntax error recorded.
 */
typedef int (*pf_item_parser)(struct pf_parser *p, void *arg);
const struct pf_tok *pf_peek(struct pf_parser *p);
const struct pf_tok *pf_peek2(struct pf_parser *p);
void pf_advance(struct pf_parser *p);
void pf_take(struct pf_parser *p, struct pf_tok *out);
int pf_is_kw(const struct pf_tok *t, const char *kw);
int pf_is_char(const struct pf_tok *t, int ch);
int pf_accept_kw(struct pf_parser *p, const char *kw);
int pf_accept_char(struct pf_parser *p, int ch);
int pf_expect_char(struct pf_parser *p, int ch);
void pf_skip_nl(struct pf_parser *p);
void pf_accept_comma(struct pf_parser *p);
int pf_at_end(struct pf_parser *p);
int pf_parse_one_or_list(struct pf_parser *p, pf_item_parser item, void *arg);
int pf_parse_list_rest(struct pf_parser *p, pf_item_parser item, void *arg);

/*
 * Each of these records an error, marks the statement as failed and
 * returns -1.
 * pf_syntax_error(p): "syntax error" at the next token, with a hint for a
 * ";", a carriage return, a line break after "," or a misspelt keyword;
 * pf_syntax_error_hint() takes the hint from ${words}.
 * pf_unsupported(p, t): the construct ${t} is not supported by jailnet.
 * pf_error(p, loc, macro_loc, fmt, ...): a message at ${loc}, with a note
 * at ${macro_loc} if the value came from a macro.
 * pf_check_rulestate(p, want, loc): fails only if an earlier statement
 * belongs after ${want} (pfctl's require-order); otherwise records that
 * the file is now at ${want} and returns 0.
 * pf_quotable(p, s, loc): fails only if ${s} could not be printed back in
 * quotes.
 */
int pf_syntax_error(struct pf_parser *p);
int pf_syntax_error_hint(struct pf_parser *p, const char *const *words,
    size_t nwords);
int pf_unsupported(struct pf_parser *p, const struct pf_tok *t);
int pf_error(struct pf_parser *p, struct loc loc, struct loc macro_loc,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pf_check_rulestate(struct pf_parser *p, enum pf_rulestate want,
    struct loc loc);
int pf_quotable(struct pf_parser *p, const char *s, struct loc loc);

/*
 * pf_note_macro(p, t): if ${t} came from a macro, a note at its value.
 * pf_take_string(p, out, loc): take a STRING (a word that is not a
 * keyword, or a quoted string) into ${out} (owned by the caller).
 * pf_take_number(p, min, max, what, out): take a number in [min, max];
 * outside, the error message is ${what}.
 */
void pf_note_macro(struct pf_parser *p, const struct pf_tok *t);
int pf_take_string(struct pf_parser *p, char **out, struct loc *loc);
int pf_take_number(struct pf_parser *p, long long min, long long max,
    const char *what, long long *out);

/*
 * pf_parse_host.c: the parts of rules.  Each pf_parse_X() reads pfctl's
 * grammar symbol X at the next token and appends what it read to ${out}.
 *
 * pf_valid_name(name, digit): whether ${name} can name an interface, a
 * host or (with ${digit}, which allows a leading digit) a table or macro.
 * pf_parse_interface(): "on" if_item | "on" { ... }.
 * pf_parse_if_item(): one interface name.
 * pf_parse_proto(): "proto" item | "proto" { ... }.
 * pf_parse_ipspec(): any | ["!"] host | { ... } ("any" adds nothing);
 * pf_parse_ipspec_list(): the rest of a list after "{" and newlines.
 * pf_parse_host(): one address, range, table, or (dynamic) interface.
 * pf_parse_portspec(): port item | { ... }.
 * pf_parse_portrange(p, star, a, b, range, loc): a port, a:b (range 1),
 * or with ${star} a:* (range 2).
 * pf_parse_fromto(): all | [from ...] [to ...], into ${l}'s lists.
 * pf_parse_icmpspec(): icmp-type | icmp6-type, one or a list.
 * pf_parse_flags(): flags F/M | flags /M | flags any.
 * pf_parse_address(text, out, aton): a literal address or prefix (see
 * pf_parse_host.c), no diagnostics; 0 or -1.
 * pf_host_from_text(p, text, allow_mask, out): pfctl's host() on a word.
 * pf_host_names(p, l, i): put the addresses of ${l}->v[${i}] in its place
 * if it is a host name the parser's lookup knows (see pf_parse_names()).
 */
int pf_valid_name(const char *name, int digit);
int pf_parse_interface(struct pf_parser *p, struct pf_iflist *out);
int pf_parse_if_item(struct pf_parser *p, struct pf_ifspec *out);
int pf_parse_proto(struct pf_parser *p, struct pf_protolist *out);
int pf_parse_ipspec(struct pf_parser *p, struct pf_addrlist *out);
int pf_parse_ipspec_list(struct pf_parser *p, struct pf_addrlist *out);
int pf_parse_host(struct pf_parser *p, struct pf_addr *out);
int pf_parse_portspec(struct pf_parser *p, struct pf_portlist *out);
int pf_parse_portrange(struct pf_parser *p, int star, uint16_t *a,
    uint16_t *b, int *range, struct loc *loc);
int pf_parse_fromto(struct pf_parser *p, struct pf_rule_lists *l);
int pf_parse_icmpspec(struct pf_parser *p, struct pf_icmplist *out);
int pf_parse_flags(struct pf_parser *p, uint8_t *flags, uint8_t *flagset);
int pf_parse_address(const char *text, struct ipprefix *out, int *aton);
int pf_host_from_text(struct pf_parser *p, const char *text, int allow_mask,
    struct pf_addr *out);
void pf_host_names(struct pf_parser *p, struct pf_addrlist *l, size_t i);

/*
 * pf_parse_rule.c: filter rules and the parts rules share.  A statement
 * parser reads from its first keyword to (not past) the end of the line
 * and adds its expanded rules.
 *
 * pf_parse_log(p, log, logif): log | log ( ... ).
 * pf_parse_if_af_proto(p, r, l, route): [on ...] [route-to: refused, if
 * ${route}] [inet|inet6] [proto ...].
 */
int pf_parse_log(struct pf_parser *p, unsigned *log, unsigned *logif);
int pf_parse_if_af_proto(struct pf_parser *p, struct pf_rule *r,
    struct pf_rule_lists *l, int route);
int pf_parse_pfrule(struct pf_parser *p);

/*
 * Anchor calls (anchor, nat-anchor, rdr-anchor, binat-anchor): jailnet
 * takes an anchor that is empty at load (the rules a jail manager or
 * fail2ban adds at run time with pfctl -a); its inline rules are refused.
 * pf_parse_anchorrule(p): anchor NAME dir [quick] interface af proto
 * fromto filter_opts.  pf_parse_natanchor(p): nat-anchor, rdr-anchor or
 * binat-anchor NAME interface af proto fromto.
 * pf_parse_anchor_name(p, r): the name into ${r}->anchor, checked as
 * pfctl does ('_' is pfctl's own); an inline anchor is refused.
 * pf_anchor_end(p): the end of the statement; '{' there is refused.
 * pf_anchor_note(p, r): the note that anchor ${r} holds no rules at load.
 * Each returns 0, or -1 after an error.
 */
#define PF_ANCHOR_MAX		1023
int pf_parse_anchorrule(struct pf_parser *p);
int pf_parse_natanchor(struct pf_parser *p);
int pf_parse_anchor_name(struct pf_parser *p, struct pf_rule *r);
int pf_anchor_end(struct pf_parser *p);
void pf_anchor_note(struct pf_parser *p, const struct pf_rule *r);
int pf_parse_scrubrule(struct pf_parser *p, int no);
int pf_parse_antispoof(struct pf_parser *p);

/* pf_parse_nat.c: nat, rdr (${no}: "no nat", "no rdr") and binat. */
int pf_parse_natrule(struct pf_parser *p, int no);
int pf_parse_binatrule(struct pf_parser *p, int no);

/*
 * pf_expand.c: expansion into rules.
 *
 * pf_expand(p, tmpl, l, kind): add one copy of ${tmpl} per combination of
 * ${l}'s lists to the ${kind} rules, in pfctl's order, with its checks;
 * 0, or -1 after an error.
 * pf_add_rule(p, kind, r): append a deep copy of ${r}, numbered.
 * pf_rule_init(r): zero ${r} with no icmp type and no masks.
 * pf_lists_free(l): release and zero ${l}.
 */
int pf_expand(struct pf_parser *p, const struct pf_rule *tmpl,
    const struct pf_rule_lists *l, enum pf_ruleset_kind kind);
struct pf_rule *pf_add_rule(struct pf_parser *p, enum pf_ruleset_kind kind,
    const struct pf_rule *r);
void pf_rule_init(struct pf_rule *r);
void pf_lists_free(struct pf_rule_lists *l);

#endif
