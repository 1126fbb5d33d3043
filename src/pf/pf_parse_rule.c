/*
 * pf_parse_rule: pf.conf filter rules (pass/block, scrub, antispoof) and
 * the parts all rules share, following pfctl's parse.y: each rule is read
 * into a template rule plus lists, checked as pfctl checks it, and
 * expanded.
 */
#include "pf/pf_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/util.h"

/* Common parts. */

/* log | log ( all | user | group | to pflogN [,] ... ) */
int
pf_parse_log(struct pf_parser *p, unsigned *log, unsigned *logif)
{
	const struct pf_tok *t;
	unsigned long n;

	pf_advance(p);		/* "log" */
	*log = PF_LOG;
	*logif = 0;
	if (!pf_accept_char(p, '('))
		return 0;
	for (;;) {
		t = pf_peek(p);
		if (pf_accept_kw(p, "all")) {
			*log |= PF_LOG_ALL;
		} else if (pf_accept_kw(p, "user") ||
		    pf_accept_kw(p, "group")) {
			*log |= PF_LOG_USER;
		} else if (pf_accept_kw(p, "to")) {
			t = pf_peek(p);
			if (t->kind != PF_TOK_WORD)
				return pf_syntax_error(p);
			if (strncmp(t->text, "pflog", 5) != 0)
				return pf_error(p, t->loc, t->macro_loc,
				    "%s: should be a pflog interface",
				    t->text);
			if (parse_uint(t->text + 5, 0, 255, &n) != 0)
				return pf_error(p, t->loc, t->macro_loc,
				    "%s: invalid", t->text);
			if (n != 0)
				*logif = (unsigned)n;
			pf_advance(p);
		} else {
			return pf_syntax_error(p);
		}
		if (pf_accept_char(p, ')'))
			return 0;
		pf_accept_comma(p);
	}
}

/* logquick: [log] [quick] in either order. */
static int
parse_logquick(struct pf_parser *p, struct pf_rule *r, struct loc *quick)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct pf_tok *t = pf_peek(p);

		if (pf_is_kw(t, "log") && r->log == 0) {
			if (pf_parse_log(p, &r->log, &r->logif) != 0)
				return -1;
		} else if (pf_is_kw(t, "quick") && !r->quick) {
			if (quick != NULL)
				*quick = t->loc;
			r->quick = 1;
			pf_advance(p);
		}
	}
	return 0;
}

static void
parse_dir(struct pf_parser *p, struct pf_rule *r)
{
	if (pf_accept_kw(p, "in"))
		r->dir = PF_DIR_IN;
	else if (pf_accept_kw(p, "out"))
		r->dir = PF_DIR_OUT;
}

static void
parse_af(struct pf_parser *p, struct pf_rule *r)
{
	if (pf_accept_kw(p, "inet"))
		r->af = AF_INET;
	else if (pf_accept_kw(p, "inet6"))
		r->af = AF_INET6;
}

/* [on ...] [inet|inet6] [proto ...], the head most rules share. */
int
pf_parse_if_af_proto(struct pf_parser *p, struct pf_rule *r,
    struct pf_rule_lists *l, int route)
{
	const struct pf_tok *t;

	if (pf_is_kw(pf_peek(p), "on") && pf_parse_interface(p, &l->ifs) != 0)
		return -1;
	if (route) {
		t = pf_peek(p);
		if (pf_is_kw(t, "fastroute"))
			pf_advance(p);	/* accepted and ignored by pfctl */
		else if (pf_is_kw(t, "route-to") || pf_is_kw(t, "reply-to") ||
		    pf_is_kw(t, "dup-to"))
			return pf_unsupported(p, t);
	}
	parse_af(p, r);
	if (pf_is_kw(pf_peek(p), "proto") && pf_parse_proto(p, &l->protos) != 0)
		return -1;
	return 0;
}

/* label STRING */
static int
parse_label(struct pf_parser *p, struct pf_rule *r)
{
	struct loc kw = pf_peek(p)->loc;

	if (r->label != NULL)
		return pf_error(p, kw, (struct loc){ 0 },
		    "label cannot be redefined");
	pf_advance(p);
	if (pf_take_string(p, &r->label, &r->label_loc) != 0)
		return -1;
	if (strlen(r->label) > PF_LABEL_MAX)
		return pf_error(p, r->label_loc, (struct loc){ 0 },
		    "rule label too long (max %d chars)", PF_LABEL_MAX);
	return pf_quotable(p, r->label, r->label_loc);
}

/*
 * A tag's name (tag NAME, tagged NAME): at most 63 characters, pfctl's
 * PF_TAG_NAME_SIZE; a word, since pfctl prints it unquoted.
 */
static int
parse_tag_name(struct pf_parser *p, char **out, struct loc *loc)
{
	if (pf_take_string(p, out, loc) != 0)
		return -1;
	if (strlen(*out) > PF_TAG_NAME_MAX)
		return pf_error(p, *loc, (struct loc){ 0 },
		    "tag too long, max %d chars", PF_TAG_NAME_MAX);
	if (!pf_valid_name(*out, 1))
		return pf_error(p, *loc, (struct loc){ 0 }, "invalid tag "
		    "name '%s': pfctl prints it unquoted, so it must be a "
		    "word", *out);
	return 0;
}

/* [!] tagged NAME (pfctl keeps the last one given) */
static int
parse_tagged(struct pf_parser *p, struct pf_rule *r)
{
	r->tagged_neg = pf_accept_char(p, '!');
	pf_advance(p);		/* "tagged" */
	free(r->tagged);
	r->tagged = NULL;
	return parse_tag_name(p, &r->tagged, &r->tagged_loc);
}

/* Filter rules. */

/* A return-icmp code: a number, or a name of an unreachable code. */
static int
parse_reticmp(struct pf_parser *p, int af, uint16_t *out)
{
	const struct pf_tok *t = pf_peek(p);
	int type = af == AF_INET6 ? 1 : 3, code;
	unsigned long v;
	char *end;

	if (t->kind == PF_TOK_NUMBER) {
		if (t->num < 0 || t->num > 255)
			return pf_error(p, t->loc, t->macro_loc,
			    "invalid icmp code %lld", t->num);
		code = (int)t->num;
	} else if (t->kind == PF_TOK_WORD) {
		errno = 0;
		v = strtoul(t->text, &end, 0);
		if (t->text[0] != '\0' && *end == '\0' &&
		    !(errno == ERANGE && v == ULONG_MAX)) {
			if (v > 255)
				return pf_error(p, t->loc, t->macro_loc,
				    "invalid icmp code %lu", v);
			code = (int)v;
		} else if ((code = pf_icmp_code_number(type, t->text,
		    af)) < 0) {
			return pf_error(p, t->loc, t->macro_loc,
			    "unknown icmp code %s", t->text);
		}
	} else {
		return pf_syntax_error(p);
	}
	*out = (uint16_t)(type << 8 | code);
	pf_advance(p);
	return 0;
}

/* blockspec: [drop | return | return-rst [(ttl N)] | return-icmp[6] ...] */
static int
parse_blockspec(struct pf_parser *p, struct pf_rule *r)
{
	long long v;

	r->return_icmp = PF_RETURN_ICMP_DEFAULT;
	r->return_icmp6 = PF_RETURN_ICMP6_DEFAULT;
	if (pf_accept_kw(p, "drop")) {
		r->block = PF_BLOCK_DROP;
		r->return_icmp = r->return_icmp6 = 0;
	} else if (pf_accept_kw(p, "return")) {
		r->block = PF_BLOCK_RETURN;
	} else if (pf_accept_kw(p, "return-rst")) {
		r->block = PF_BLOCK_RETURN_RST;
		r->return_icmp = r->return_icmp6 = 0;
		if (!pf_accept_char(p, '('))
			return 0;
		if (!pf_accept_kw(p, "ttl"))
			return pf_syntax_error(p);
		if (pf_peek(p)->kind == PF_TOK_NUMBER &&
		    (pf_peek(p)->num < 0 || pf_peek(p)->num > 255))
			return pf_error(p, pf_peek(p)->loc,
			    pf_peek(p)->macro_loc, "illegal ttl value %lld",
			    pf_peek(p)->num);
		if (pf_take_number(p, 0, 255, "illegal ttl value", &v) != 0)
			return -1;
		r->return_ttl = (unsigned)v;
		return pf_expect_char(p, ')');
	} else if (pf_is_kw(pf_peek(p), "return-icmp") ||
	    pf_is_kw(pf_peek(p), "return-icmp6")) {
		int six = pf_is_kw(pf_peek(p), "return-icmp6");

		pf_advance(p);
		r->block = PF_BLOCK_RETURN_ICMP;
		if (!pf_accept_char(p, '('))
			return 0;
		if (parse_reticmp(p, six ? AF_INET6 : AF_INET,
		    six ? &r->return_icmp6 : &r->return_icmp) != 0)
			return -1;
		/*
		 * pfctl sets the ICMPv6 code of "return-icmp(code)" to its
		 * IPv4 default, which cannot be printed back; jailnet keeps
		 * the ICMPv6 default instead.
		 */
		if (!six && !pf_is_char(pf_peek(p), ')')) {
			pf_accept_comma(p);
			if (parse_reticmp(p, AF_INET6, &r->return_icmp6) != 0)
				return -1;
		}
		return pf_expect_char(p, ')');
	} else {
		r->block = p->block_return ? PF_BLOCK_RETURN : PF_BLOCK_DROP;
	}
	return 0;
}

/* The state options of one rule, before pfctl's implications. */
struct state_parse {
	struct pf_state_opts o;
	int srctrack;		/* 0, 1: plain, 2: global, 3: rule */
	unsigned srcflags;	/* 1: source tracking, 2: per rule */
	int statelock;		/* if-bound or floating was given */
	int adaptive;		/* an adaptive timeout was given */
};

/* A number for a state option: 0 to UINT_MAX. */
static int
state_number(struct pf_parser *p, unsigned *out)
{
	long long v;

	if (pf_take_number(p, 0, UINT_MAX, "only positive values permitted",
	    &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Read one state option and apply it as pfctl does. */
static int
parse_state_opt(struct pf_parser *p, struct state_parse *sp)
{
	const struct pf_tok *t = pf_peek(p);
	struct pf_state_opts *o = &sp->o;
	struct loc loc = t->loc, mloc = t->macro_loc;
	unsigned v, v2;
	int tm;

	if (pf_accept_kw(p, "max")) {
		if (state_number(p, &v) != 0)
			return -1;
		if (o->max_states)
			return pf_error(p, loc, mloc, "state option 'max' "
			    "multiple definitions");
		o->max_states = v;
	} else if (pf_accept_kw(p, "no-sync")) {
		if (o->no_sync)
			return pf_error(p, loc, mloc, "state option 'sync' "
			    "multiple definitions");
		o->no_sync = 1;
	} else if (pf_accept_kw(p, "source-track")) {
		if (sp->srctrack)
			return pf_error(p, loc, mloc, "state option "
			    "'source-track' multiple definitions");
		sp->srctrack = pf_accept_kw(p, "global") ? 2 :
		    pf_accept_kw(p, "rule") ? 3 : 1;
		sp->srcflags |= 1;
	} else if (pf_accept_kw(p, "max-src-states")) {
		if (state_number(p, &v) != 0)
			return -1;
		if (o->max_src_states)
			return pf_error(p, loc, mloc, "state option "
			    "'max-src-states' multiple definitions");
		if (v == 0)
			return pf_error(p, loc, mloc,
			    "'max-src-states' must be > 0");
		o->max_src_states = v;
		sp->srcflags |= 1;
	} else if (pf_accept_kw(p, "max-src-conn")) {
		if (state_number(p, &v) != 0)
			return -1;
		if (o->max_src_conn)
			return pf_error(p, loc, mloc, "state option "
			    "'max-src-conn' multiple definitions");
		if (v == 0)
			return pf_error(p, loc, mloc,
			    "'max-src-conn' must be > 0");
		o->max_src_conn = v;
		sp->srcflags |= 3;
	} else if (pf_accept_kw(p, "max-src-conn-rate")) {
		if (state_number(p, &v) != 0 ||
		    pf_expect_char(p, '/') != 0 || state_number(p, &v2) != 0)
			return -1;
		if (o->max_src_conn_rate)
			return pf_error(p, loc, mloc, "state option "
			    "'max-src-conn-rate' multiple definitions");
		if (v == 0 || v2 == 0)
			return pf_error(p, loc, mloc,
			    "'max-src-conn-rate' values must be > 0");
		if (v > PF_THRESHOLD_MAX)
			return pf_error(p, loc, mloc, "'max-src-conn-rate' "
			    "maximum rate must be < %u", PF_THRESHOLD_MAX);
		o->max_src_conn_rate = v;
		o->max_src_conn_secs = v2;
		sp->srcflags |= 3;
	} else if (pf_accept_kw(p, "max-src-nodes")) {
		if (state_number(p, &v) != 0)
			return -1;
		if (o->max_src_nodes)
			return pf_error(p, loc, mloc, "state option "
			    "'max-src-nodes' multiple definitions");
		if (v == 0)
			return pf_error(p, loc, mloc,
			    "'max-src-nodes' must be > 0");
		o->max_src_nodes = v;
		sp->srcflags |= 3;
	} else if (pf_accept_kw(p, "overload")) {
		char *name;
		struct loc nloc;

		if (pf_expect_char(p, '<') != 0 ||
		    pf_take_string(p, &name, &nloc) != 0)
			return -1;
		if (strlen(name) > PF_TABLE_NAME_MAX ||
		    !pf_valid_name(name, 1)) {
			pf_error(p, nloc, mloc, strlen(name) >
			    PF_TABLE_NAME_MAX ? "table name '%s' too long" :
			    "invalid table name '%s'", name);
			free(name);
			return -1;
		}
		if (pf_expect_char(p, '>') != 0) {
			free(name);
			return -1;
		}
		if (o->overload != NULL) {
			free(name);
			return pf_error(p, loc, mloc,
			    "multiple 'overload' table definitions");
		}
		o->overload = name;
		o->overload_loc = nloc;
		if (pf_accept_kw(p, "flush")) {
			o->flush = 1;
			o->flush_global = pf_accept_kw(p, "global");
		}
	} else if (pf_is_kw(t, "if-bound") || pf_is_kw(t, "floating")) {
		v = pf_is_kw(t, "if-bound");
		pf_advance(p);
		if (sp->statelock)
			return pf_error(p, loc, mloc, "state locking option: "
			    "multiple definitions");
		sp->statelock = 1;
		o->if_bound = (int)v;
	} else if (pf_accept_kw(p, "sloppy")) {
		if (o->sloppy)
			return pf_error(p, loc, mloc, "state sloppy option: "
			    "multiple definitions");
		o->sloppy = 1;
	} else if (t->kind == PF_TOK_WORD && !t->quoted &&
	    strcmp(t->text, "pflow") == 0) {
		return pf_unsupported(p, t);	/* OpenBSD's pflow(4) export */
	} else if (t->kind == PF_TOK_WORD) {
		char *name;

		if (pf_take_string(p, &name, NULL) != 0)
			return -1;
		if (state_number(p, &v) != 0) {
			free(name);
			return -1;
		}
		tm = pf_timeout_lookup(name);
		if (tm < 0 || strchr(name, '.') == NULL) {
			pf_error(p, loc, mloc, tm < 0 ? "illegal timeout "
			    "name %s" : "illegal state timeout %s", name);
			free(name);
			return -1;
		}
		free(name);
		if (tm == PF_TM_ADAPTIVE_START || tm == PF_TM_ADAPTIVE_END)
			sp->adaptive = 1;
		if (o->timeout[tm])
			return pf_error(p, loc, mloc, "state timeout %s "
			    "multiple definitions",
			    pf_timeout_name((enum pf_timeout)tm));
		o->timeout[tm] = v;
	} else {
		return pf_syntax_error(p);
	}
	return 0;
}

/* keep state | modulate state | synproxy state [( opts )] | no state */
static int
parse_keep(struct pf_parser *p, enum pf_keep *keep, struct state_parse *sp)
{
	if (pf_accept_kw(p, "no")) {
		*keep = PF_KEEP_NONE;
		return pf_accept_kw(p, "state") ? 0 : pf_syntax_error(p);
	}
	*keep = pf_accept_kw(p, "keep") ? PF_KEEP_STATE :
	    pf_accept_kw(p, "modulate") ? PF_KEEP_MODULATE :
	    (pf_advance(p), PF_KEEP_SYNPROXY);
	if (!pf_accept_kw(p, "state"))
		return pf_syntax_error(p);
	if (!pf_accept_char(p, '('))
		return 0;
	for (;;) {
		if (parse_state_opt(p, sp) != 0)
			return -1;
		if (pf_accept_char(p, ')'))
			return 0;
		pf_accept_comma(p);
	}
}

/* What filter_opts has seen. */
struct filter_opts {
	int have_flags, have_icmp, have_keep, fragment, allow_opts;
	uint8_t flags, flagset;
	enum pf_keep keep;
	struct state_parse sp;
};

static int
parse_filter_opts(struct pf_parser *p, struct pf_rule *r,
    struct pf_rule_lists *l, struct filter_opts *fo)
{
	static const char *const unsupported[] = {
		"user", "group", "prio", "tos", "set", "queue",
		"probability", "rtable", "divert-to", "scrub",
		"divert-reply", "ridentifier", "dnpipe", "dnqueue",
		"max-pkt-rate",
	};
	const struct pf_tok *t;
	size_t i;

	for (;;) {
		t = pf_peek(p);
		if ((t->kind == PF_TOK_CHAR && t->ch == '!' &&
		    pf_is_kw(pf_peek2(p), "tagged")) || pf_is_kw(t, "tagged")) {
			if (parse_tagged(p, r) != 0)
				return -1;
			continue;
		}
		if (t->kind != PF_TOK_KEYWORD)
			return 0;
		for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]);
		    i++)
			if (strcmp(t->text, unsupported[i]) == 0)
				return pf_unsupported(p, t);
		if (pf_is_kw(t, "flags")) {
			if (fo->have_flags)
				return pf_error(p, t->loc, t->macro_loc,
				    "flags cannot be redefined");
			fo->have_flags = 1;
			l->flags_loc = t->loc;
			if (pf_parse_flags(p, &fo->flags, &fo->flagset) != 0)
				return -1;
		} else if (pf_is_kw(t, "icmp-type") ||
		    pf_is_kw(t, "icmp6-type")) {
			if (fo->have_icmp)
				return pf_error(p, t->loc, t->macro_loc,
				    "icmp-type cannot be redefined");
			fo->have_icmp = 1;
			if (pf_parse_icmpspec(p, &l->icmps) != 0)
				return -1;
		} else if (pf_is_kw(t, "no") || pf_is_kw(t, "keep") ||
		    pf_is_kw(t, "modulate") || pf_is_kw(t, "synproxy")) {
			if (fo->have_keep)
				return pf_error(p, t->loc, t->macro_loc,
				    "modulate or keep cannot be redefined");
			fo->have_keep = 1;
			l->keep_loc = t->loc;
			if (parse_keep(p, &fo->keep, &fo->sp) != 0)
				return -1;
		} else if (pf_accept_kw(p, "fragment")) {
			fo->fragment = 1;
		} else if (pf_accept_kw(p, "allow-opts")) {
			fo->allow_opts = 1;
		} else if (pf_is_kw(t, "label")) {
			if (parse_label(p, r) != 0)
				return -1;
		} else if (pf_accept_kw(p, "tag")) {
			free(r->tag);
			r->tag = NULL;
			if (parse_tag_name(p, &r->tag, &r->tag_loc) != 0)
				return -1;
		} else {
			return 0;
		}
	}
}

/* Apply pfctl's implications of the state options to ${r}. */
static int
apply_state(struct pf_parser *p, struct pf_rule *r,
    const struct pf_rule_lists *l, struct state_parse *sp)
{
	struct pf_state_opts *o = &r->state;
	const char *bad = NULL;

	*o = sp->o;
	memset(&sp->o, 0, sizeof(sp->o));
	if (!sp->adaptive && o->max_states) {
		o->timeout[PF_TM_ADAPTIVE_START] = (o->max_states / 10) * 6;
		o->timeout[PF_TM_ADAPTIVE_END] = (o->max_states / 10) * 12;
	}
	if (sp->srcflags & 1) {
		if (sp->srctrack == 2 && o->max_src_nodes)
			bad = "'max-src-nodes' is incompatible with "
			    "'source-track global'";
		else if (sp->srctrack == 2 && o->max_src_conn)
			bad = "'max-src-conn' is incompatible with "
			    "'source-track global'";
		else if (sp->srctrack == 2 && o->max_src_conn_secs)
			bad = "'max-src-conn-rate' is incompatible with "
			    "'source-track global'";
		if (bad != NULL)
			return pf_error(p, l->keep_loc, (struct loc){ 0 },
			    "%s", bad);
		if (o->timeout[PF_TM_SRC_TRACK] < o->max_src_conn_secs)
			o->timeout[PF_TM_SRC_TRACK] = o->max_src_conn_secs;
		if (sp->srctrack == 3)
			sp->srcflags |= 2;
		o->src_track = (sp->srcflags & 2) ? PF_SRCTRACK_RULE :
		    PF_SRCTRACK_GLOBAL;
	}
	if (r->keep != PF_KEEP_NONE && !sp->statelock)
		o->if_bound = p->if_bound;
	return 0;
}

/* Return non-zero if the protocols ${l} name some, but not tcp. */
static int
lacks_tcp(const struct pf_protolist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].proto == IPPROTO_TCP)
			return 0;
	return l->n > 0;
}

/* pfctl's decide_address_family(): the family shared by all of ${l}. */
static int
decide_af(const struct pf_addrlist *l)
{
	int af;
	size_t i;

	if (l->n == 0)
		return 0;
	af = pf_addr_af(&l->v[0]);
	for (i = 1; i < l->n; i++)
		if (pf_addr_af(&l->v[i]) != af)
			return 0;
	return af;
}

static void
filter_opts_free(struct filter_opts *fo)
{
	free(fo->sp.o.overload);
}

/* The flags a filter rule or an anchor call read, checked as pfctl does. */
static int
settle_flags(struct pf_parser *p, struct pf_rule *r,
    const struct pf_rule_lists *l, const struct filter_opts *fo)
{
	r->flags = fo->flags;
	r->flagset = fo->flagset;
	if ((fo->flags & fo->flagset) != fo->flags)
		return pf_error(p, l->flags_loc, (struct loc){ 0 },
		    "flags always false");
	if ((fo->flags || fo->flagset) && lacks_tcp(&l->protos))
		return pf_error(p, l->flags_loc, (struct loc){ 0 },
		    "flags only apply to tcp");
	return 0;
}

/* pfctl's decide_address_family() for a rule with no family given. */
static void
settle_af(struct pf_rule *r, const struct pf_rule_lists *l)
{
	if (r->af == 0)
		r->af = decide_af(&l->src);
	if (r->af == 0)
		r->af = decide_af(&l->dst);
}

/* Anchor calls. */

int
pf_parse_anchor_name(struct pf_parser *p, struct pf_rule *r)
{
	const struct pf_tok *t = pf_peek(p);
	const char *s;

	if (pf_is_char(t, '{'))
		return pf_anchor_end(p);
	if (t->kind != PF_TOK_WORD)
		return pf_error(p, t->loc, t->macro_loc, "anchors without "
		    "explicit rules must specify a name");
	if (pf_take_string(p, &r->anchor, &r->anchor_loc) != 0)
		return -1;
	if (r->anchor[0] == '_' || strstr(r->anchor, "/_") != NULL)
		return pf_error(p, r->anchor_loc, (struct loc){ 0 }, "anchor "
		    "names beginning with '_' are reserved for internal use");
	if (strlen(r->anchor) > PF_ANCHOR_MAX)
		return pf_error(p, r->anchor_loc, (struct loc){ 0 },
		    "anchor name too long (max %d chars)", PF_ANCHOR_MAX);
	for (s = r->anchor; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_./*", *s) == NULL)
			return pf_error(p, r->anchor_loc, (struct loc){ 0 },
			    "jailnet takes anchor names of letters, digits and "
			    "'-', '_', '.', '/', '*' only");
	if (r->anchor[0] == '\0')
		return pf_error(p, r->anchor_loc, (struct loc){ 0 },
		    "anchors without explicit rules must specify a name");
	return 0;
}

int
pf_anchor_end(struct pf_parser *p)
{
	const struct pf_tok *t = pf_peek(p);
	int depth = 0;

	if (!pf_is_char(t, '{'))
		return pf_at_end(p);
	pf_error(p, t->loc, t->macro_loc, "an inline anchor ('{ ... }') is "
	    "not supported by jailnet: only an anchor that is empty at load, "
	    "whose rules pfctl -a adds at run time");
	/* Its rules are the anchor's, not the main ruleset's: skip them. */
	for (;;) {
		t = pf_peek(p);
		if (t->kind == PF_TOK_EOF)
			break;
		if (pf_is_char(t, '{'))
			depth++;
		else if (pf_is_char(t, '}') && --depth == 0)
			break;
		pf_advance(p);
	}
	return -1;
}

void
pf_anchor_note(struct pf_parser *p, const struct pf_rule *r)
{
	diag_note(p->diags, r->anchor_loc, "anchor \"%s\" holds no rules "
	    "at load: jailnet models, checks and compiles the ruleset as "
	    "loaded, without the rules that pfctl -a may add to it at run "
	    "time", r->anchor);
}

/* anchor NAME dir [quick] interface af proto fromto filter_opts: pfctl's
   anchorrule, without inline rules. */
int
pf_parse_anchorrule(struct pf_parser *p)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	struct filter_opts fo;
	int rc = -1;

	memset(&fo, 0, sizeof(fo));
	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	pf_advance(p);		/* anchor */
	r.action = PF_ACT_PASS;	/* pfctl's: an anchor of the filter rules */
	if (pf_parse_anchor_name(p, &r) != 0)
		goto out;
	parse_dir(p, &r);
	if (pf_accept_kw(p, "quick"))
		r.quick = 1;
	if (pf_parse_if_af_proto(p, &r, &l, 0) != 0 ||
	    pf_parse_fromto(p, &l) != 0 ||
	    parse_filter_opts(p, &r, &l, &fo) != 0)
		goto out;
	if (fo.have_keep) {
		pf_error(p, l.keep_loc, (struct loc){ 0 },
		    "cannot specify state handling on anchors");
		goto out;
	}
	/* pf_test_rule() takes the tag of an anchor call that matches, so
	   even an empty anchor would tag: not modelled. */
	if (r.tag != NULL) {
		pf_error(p, r.tag_loc, (struct loc){ 0 }, "'tag' on an anchor "
		    "is not supported by jailnet: pf tags the packets the "
		    "anchor's own conditions match, even while it is empty");
		goto out;
	}
	if (pf_anchor_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_FILTER, r.loc) != 0 ||
	    settle_flags(p, &r, &l, &fo) != 0)
		goto out;
	r.fragment = fo.fragment;
	r.allow_opts = fo.allow_opts;
	settle_af(&r, &l);
	rc = pf_expand(p, &r, &l, PF_RS_FILTER);
	if (rc == 0)
		pf_anchor_note(p, &r);
out:
	filter_opts_free(&fo);
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}

/* action dir logquick interface route af proto fromto filter_opts, where
   action is pass, block or match */
int
pf_parse_pfrule(struct pf_parser *p)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	struct filter_opts fo;
	int rc = -1;

	memset(&fo, 0, sizeof(fo));
	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	if (pf_accept_kw(p, "pass")) {
		r.action = PF_ACT_PASS;
		r.return_icmp = PF_RETURN_ICMP_DEFAULT;
		r.return_icmp6 = PF_RETURN_ICMP6_DEFAULT;
	} else if (pf_accept_kw(p, "match")) {
		r.action = PF_ACT_MATCH;	/* no defaults, no state */
	} else {
		pf_advance(p);
		r.action = PF_ACT_BLOCK;
		if (parse_blockspec(p, &r) != 0)
			goto out;
	}
	parse_dir(p, &r);
	if (parse_logquick(p, &r, NULL) != 0 ||
	    pf_parse_if_af_proto(p, &r, &l, 1) != 0 ||
	    pf_parse_fromto(p, &l) != 0 ||
	    parse_filter_opts(p, &r, &l, &fo) != 0 || pf_at_end(p) != 0)
		goto out;
	/* pfctl checks the order once the rule is read. */
	if (pf_check_rulestate(p, PF_STATE_FILTER, r.loc) != 0)
		goto out;
	if (settle_flags(p, &r, &l, &fo) != 0)
		goto out;
	r.keep = fo.keep;
	if (r.keep == PF_KEEP_NONE && r.action == PF_ACT_PASS &&
	    !fo.have_keep)
		r.keep = PF_KEEP_STATE;
	if (apply_state(p, &r, &l, &fo.sp) != 0)
		goto out;
	if (r.action == PF_ACT_PASS && !r.flags && !r.flagset &&
	    !fo.fragment && !fo.have_flags && r.keep != PF_KEEP_NONE) {
		r.flags = PF_TH_SYN;
		r.flagset = PF_TH_SYN | PF_TH_ACK;
	}
	r.fragment = fo.fragment;
	r.allow_opts = fo.allow_opts;
	settle_af(&r, &l);
	rc = pf_expand(p, &r, &l, PF_RS_FILTER);
out:
	filter_opts_free(&fo);
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}

/* Scrub rules. */

static int
parse_scrub_opts(struct pf_parser *p, struct pf_rule *r)
{
	int fragcache = 0;
	const struct pf_tok *t;
	long long v;
	char *s;
	struct loc loc;

	for (;;) {
		t = pf_peek(p);
		loc = t->loc;
		if (pf_accept_kw(p, "no-df")) {
			if (r->scrub.no_df)
				return pf_error(p, loc, (struct loc){ 0 },
				    "no-df cannot be respecified");
			r->scrub.no_df = 1;
		} else if (pf_accept_kw(p, "min-ttl")) {
			if (r->scrub.min_ttl)
				return pf_error(p, loc, (struct loc){ 0 },
				    "min-ttl cannot be respecified");
			t = pf_peek(p);
			if (t->kind == PF_TOK_NUMBER &&
			    (t->num < 0 || t->num > 255))
				return pf_error(p, t->loc, t->macro_loc,
				    "illegal min-ttl value %lld", t->num);
			if (pf_take_number(p, 0, 255, "illegal min-ttl",
			    &v) != 0)
				return -1;
			r->scrub.min_ttl = (unsigned)v;
		} else if (pf_accept_kw(p, "max-mss")) {
			if (r->scrub.max_mss)
				return pf_error(p, loc, (struct loc){ 0 },
				    "max-mss cannot be respecified");
			t = pf_peek(p);
			if (t->kind == PF_TOK_NUMBER &&
			    (t->num < 0 || t->num > 65535))
				return pf_error(p, t->loc, t->macro_loc,
				    "illegal max-mss value %lld", t->num);
			if (pf_take_number(p, 0, 65535, "illegal max-mss",
			    &v) != 0)
				return -1;
			r->scrub.max_mss = (unsigned)v;
		} else if (pf_accept_kw(p, "fragment")) {
			if (!pf_accept_kw(p, "reassemble") &&
			    !pf_accept_kw(p, "crop") &&
			    !pf_accept_kw(p, "drop-ovl"))
				return pf_syntax_error(p);
			if (fragcache)
				return pf_error(p, loc, (struct loc){ 0 },
				    "fragcache cannot be respecified");
			fragcache = 1;
		} else if (pf_accept_kw(p, "reassemble")) {
			if (pf_take_string(p, &s, &loc) != 0)
				return -1;
			if (strcasecmp(s, "tcp") != 0) {
				pf_error(p, loc, (struct loc){ 0 },
				    "scrub reassemble supports only tcp, "
				    "not '%s'", s);
				free(s);
				return -1;
			}
			free(s);
			if (r->scrub.reassemble_tcp)
				return pf_error(p, loc, (struct loc){ 0 },
				    "reassemble tcp cannot be respecified");
			r->scrub.reassemble_tcp = 1;
		} else if (pf_accept_kw(p, "random-id")) {
			if (r->scrub.random_id)
				return pf_error(p, loc, (struct loc){ 0 },
				    "random-id cannot be respecified");
			r->scrub.random_id = 1;
		} else if (pf_is_kw(t, "set-tos") || pf_is_kw(t, "rtable") ||
		    pf_is_kw(t, "tagged")) {
			return pf_unsupported(p, t);
		} else if (pf_is_char(t, '!') &&
		    pf_is_kw(pf_peek2(p), "tagged")) {
			return pf_unsupported(p, pf_peek2(p));
		} else {
			return 0;
		}
	}
}

/* [no] scrub dir logquick interface af proto fromto scrub_opts */
int
pf_parse_scrubrule(struct pf_parser *p, int no)
{
	struct pf_rule r;
	struct pf_rule_lists l = { 0 };
	struct loc quick = { 0 };
	int rc = -1;

	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	if (no)
		pf_advance(p);
	pf_advance(p);		/* "scrub" */
	r.action = no ? PF_ACT_NO_SCRUB : PF_ACT_SCRUB;
	parse_dir(p, &r);
	if (parse_logquick(p, &r, &quick) != 0)
		goto out;
	if (r.quick) {
		pf_error(p, quick, (struct loc){ 0 },
		    "scrub rules do not support 'quick'");
		goto out;
	}
	if (pf_parse_if_af_proto(p, &r, &l, 0) != 0 ||
	    pf_parse_fromto(p, &l) != 0 || parse_scrub_opts(p, &r) != 0 ||
	    pf_at_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_SCRUB, r.loc) != 0)
		goto out;
	if (r.scrub.reassemble_tcp && r.dir != PF_DIR_INOUT) {
		pf_error(p, r.loc, (struct loc){ 0 },
		    "reassemble tcp rules can not specify direction");
		goto out;
	}
	rc = pf_expand(p, &r, &l, PF_RS_SCRUB);
out:
	pf_rule_clear(&r);
	pf_lists_free(&l);
	return rc;
}

/* Antispoof. */

/* An antispoof's interfaces, and for each whether it was "(IF)". */
struct antispoof_ifs {
	struct pf_iflist ifs;
	struct pf_addrlist dyn;
};

/* antispoof_if: if_item | ( if_item ) */
static int
parse_antispoof_if(struct pf_parser *p, void *arg)
{
	struct pf_iflist *ifs = &((struct antispoof_ifs *)arg)->ifs;
	struct pf_addrlist *dyn = &((struct antispoof_ifs *)arg)->dyn;
	struct pf_ifspec *i = VEC_PUSH(ifs->v, ifs->n, ifs->cap);
	struct pf_addr *d = VEC_PUSH(dyn->v, dyn->n, dyn->cap);

	d->kind = PF_ADDR_ANY;
	if (!pf_accept_char(p, '('))
		return pf_parse_if_item(p, i);
	d->kind = PF_ADDR_DYNIFACE;	/* marks "(IF)" */
	if (pf_parse_if_item(p, i) != 0)
		return -1;
	return pf_expect_char(p, ')');
}

/*
 * Return non-zero if ${name} is a loopback interface: FreeBSD's lo(4)
 * clones, lo0, lo1 ...  (pfctl asks the interface's IFF_LOOPBACK flag).
 */
static int
is_loopback(const char *name)
{
	size_t n;

	if (strncmp(name, "lo", 2) != 0 || name[2] == '\0')
		return 0;
	n = strspn(name + 2, "0123456789");
	return name[2 + n] == '\0';
}

/* antispoof logquick for IF | { IF ... } af [label "..."] */
int
pf_parse_antispoof(struct pf_parser *p)
{
	struct antispoof_ifs as = { 0 };
	struct pf_rule r;
	struct pf_rule_lists l;
	const struct pf_tok *t;
	struct pf_addr *a;
	size_t i;
	int rc = -1, pass;

	pf_rule_init(&r);
	r.loc = pf_peek(p)->loc;
	pf_advance(p);		/* "antispoof" */
	if (parse_logquick(p, &r, NULL) != 0)
		goto out;
	if (!pf_accept_kw(p, "for")) {
		pf_syntax_error(p);
		goto out;
	}
	if (pf_parse_one_or_list(p, parse_antispoof_if, &as) != 0)
		goto out;
	parse_af(p, &r);
	for (;;) {
		t = pf_peek(p);
		if (pf_is_kw(t, "label")) {
			if (parse_label(p, &r) != 0)
				goto out;
		} else if (pf_is_kw(t, "rtable")) {
			pf_unsupported(p, t);
			goto out;
		} else {
			break;
		}
	}
	if (pf_at_end(p) != 0 ||
	    pf_check_rulestate(p, PF_STATE_FILTER, r.loc) != 0)
		goto out;
	r.action = PF_ACT_BLOCK;
	r.block = PF_BLOCK_DROP;
	r.dir = PF_DIR_IN;
	for (i = 0; i < as.ifs.n; i++) {
		/* block in on ! IF from IF:network, then block in from IF
		   (pfctl leaves the second out for loopback interfaces:
		   their addresses arrive on them). */
		for (pass = 0; pass < (is_loopback(as.ifs.v[i].name) ? 1 : 2);
		    pass++) {
			memset(&l, 0, sizeof(l));
			if (pass == 0) {
				struct pf_ifspec *j = VEC_PUSH(l.ifs.v,
				    l.ifs.n, l.ifs.cap);

				j->name = xstrdup(as.ifs.v[i].name);
				j->neg = 1;
				j->loc = as.ifs.v[i].loc;
				j->macro_loc = as.ifs.v[i].macro_loc;
			}
			a = VEC_PUSH(l.src.v, l.src.n, l.src.cap);
			a->kind = as.dyn.v[i].kind == PF_ADDR_DYNIFACE ?
			    PF_ADDR_DYNIFACE : PF_ADDR_IFACE;
			a->name = xstrdup(as.ifs.v[i].name);
			a->ifmods = pass == 0 ? PF_IFMOD_NETWORK : 0;
			a->mask = -1;
			a->loc = as.ifs.v[i].loc;
			a->macro_loc = as.ifs.v[i].macro_loc;
			r.origin = pass == 0 ? PF_ORIGIN_ANTISPOOF_NET :
			    PF_ORIGIN_ANTISPOOF_ADDR;
			rc = pf_expand(p, &r, &l, PF_RS_FILTER);
			pf_lists_free(&l);
			if (rc != 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < as.ifs.n; i++)
		free(as.ifs.v[i].name);
	free(as.ifs.v);
	free(as.dyn.v);
	pf_rule_clear(&r);
	return rc;
}
