/*
 * pf_parse: pf.conf statements, following pfctl's parse.y: macros,
 * options, tables, and the dispatch to rules; tokens and errors.
 */
#include "pf/pf_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

/* Tokens. */

/* Read one more token into the lookahead. */
static void
fill(struct pf_parser *p)
{
	struct pf_tok *t = &p->look[p->nlook++];

	pf_lex_next(p->lx, t);
	if ((t->kind == PF_TOK_CHAR && t->ch == ';') ||
	    (t->kind == PF_TOK_WORD && !t->quoted &&
	    strchr(t->text, ';') != NULL))
		p->semicolon = 1;
	if (t->macro >= 0 && (size_t)t->macro < p->nmacro_map)
		p->rs->macros[p->macro_map[t->macro]].used = 1;
}

const struct pf_tok *
pf_peek(struct pf_parser *p)
{
	if (p->nlook == 0)
		fill(p);
	return &p->look[0];
}

/* Never reads past the end of a line: a macro defined on it must be known
   before the next line is read. */
const struct pf_tok *
pf_peek2(struct pf_parser *p)
{
	static const struct pf_tok none = { .kind = PF_TOK_NL, .macro = -1 };

	pf_peek(p);
	if (p->look[0].kind == PF_TOK_NL || p->look[0].kind == PF_TOK_EOF)
		return &none;
	if (p->nlook < 2)
		fill(p);
	return &p->look[1];
}

void
pf_take(struct pf_parser *p, struct pf_tok *out)
{
	pf_peek(p);
	if (pf_is_char(&p->look[0], '{'))
		p->depth++;
	else if (pf_is_char(&p->look[0], '}') && p->depth > 0)
		p->depth--;
	p->last_comma = pf_is_char(&p->look[0], ',');
	*out = p->look[0];
	p->look[0] = p->look[1];
	p->nlook--;
	memset(&p->look[1], 0, sizeof(p->look[1]));
}

void
pf_advance(struct pf_parser *p)
{
	struct pf_tok t;

	pf_take(p, &t);
	pf_tok_clear(&t);
}

int
pf_is_kw(const struct pf_tok *t, const char *kw)
{
	return t->kind == PF_TOK_KEYWORD && strcmp(t->text, kw) == 0;
}

int
pf_is_char(const struct pf_tok *t, int ch)
{
	return t->kind == PF_TOK_CHAR && t->ch == ch;
}

int
pf_accept_kw(struct pf_parser *p, const char *kw)
{
	if (!pf_is_kw(pf_peek(p), kw))
		return 0;
	pf_advance(p);
	return 1;
}

int
pf_accept_char(struct pf_parser *p, int ch)
{
	if (!pf_is_char(pf_peek(p), ch))
		return 0;
	pf_advance(p);
	return 1;
}

int
pf_expect_char(struct pf_parser *p, int ch)
{
	if (pf_accept_char(p, ch))
		return 0;
	return pf_syntax_error(p);
}

/* Check that the statement ends here, before it changes anything. */
int
pf_at_end(struct pf_parser *p)
{
	const struct pf_tok *t = pf_peek(p);

	if (t->kind == PF_TOK_NL || t->kind == PF_TOK_EOF)
		return 0;
	return pf_syntax_error(p);
}

/* pfctl's optnl: newlines inside braces. */
void
pf_skip_nl(struct pf_parser *p)
{
	while (pf_peek(p)->kind == PF_TOK_NL)
		pf_advance(p);
}

/* pfctl's comma: an optional ",". */
void
pf_accept_comma(struct pf_parser *p)
{
	pf_accept_char(p, ',');
}

int
pf_parse_one_or_list(struct pf_parser *p, pf_item_parser item, void *arg)
{
	if (!pf_accept_char(p, '{'))
		return item(p, arg);
	pf_skip_nl(p);
	return pf_parse_list_rest(p, item, arg);
}

int
pf_parse_list_rest(struct pf_parser *p, pf_item_parser item, void *arg)
{
	for (;;) {
		if (item(p, arg) != 0)
			return -1;
		pf_skip_nl(p);
		if (pf_accept_char(p, '}'))
			return 0;
		pf_accept_comma(p);
	}
}

/* Errors. */

void
pf_note_macro(struct pf_parser *p, const struct pf_tok *t)
{
	if (t->macro >= 0 && t->macro_loc.src != NULL)
		diag_note(p->diags, t->macro_loc, "from macro '%s' defined "
		    "here", p->rs->macros[p->macro_map[t->macro]].name);
}

int
pf_error(struct pf_parser *p, struct loc loc, struct loc macro_loc,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(p->diags, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	if (macro_loc.src != NULL)
		diag_note(p->diags, macro_loc, "the value comes from this "
		    "macro");
	p->failed = 1;
	return -1;
}

/*
 * Words of FreeBSD's (and OpenBSD's) pf.conf that name a construct jailnet
 * does not model: where one stops the parser, the error names it rather
 * than saying "syntax error".
 */
static const char *const unmodelled[] = {
	"af-to", "altq", "anchor", "binat-anchor", "binat-to", "bridge-to",
	"divert-packet", "divert-reply", "divert-to", "dnpipe", "dnqueue",
	"dup-to", "endpoint-independent", "ether", "group", "hostid",
	"l3", "load", "loginterface", "map-e-portset",
	"max-pkt-rate", "max-pkt-size", "nat-anchor", "nat-to", "once", "os",
	"pflow", "prio", "probability", "queue", "rdr-anchor", "rdr-to",
	"received-on", "reply-to", "ridentifier", "route-to", "rtable",
	"scrub", "set-tos", "source-hash", "tos", "user",
};

/* Return non-zero if ${t} is one of unmodelled[]. */
static int
is_unmodelled(const struct pf_tok *t)
{
	size_t i;

	if (t->kind != PF_TOK_KEYWORD && (t->kind != PF_TOK_WORD || t->quoted))
		return 0;
	for (i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++)
		if (strcmp(t->text, unmodelled[i]) == 0)
			return 1;
	return 0;
}

/*
 * "syntax error" at the next token, with a hint: one of ${words} (or, if
 * NULL, of all keywords) for a misspelt word; but a pf keyword jailnet
 * does not model is named as such.
 */
int
pf_syntax_error_hint(struct pf_parser *p, const char *const *words,
    size_t nwords)
{
	const struct pf_tok *t = pf_peek(p);
	const char *kw = NULL;

	p->failed = 1;
	if (t->kind == PF_TOK_ERROR)
		return -1;	/* the lexer said why */
	if (is_unmodelled(t))
		return pf_unsupported(p, t);
	diag_error(p->diags, t->loc, "syntax error");
	if (t->kind == PF_TOK_WORD && !t->quoted)
		kw = words != NULL ? closest_word(t->text, words, nwords) :
		    pf_lex_closest_keyword(t->text);
	if (t->kind == PF_TOK_CHAR && t->ch == '\r')
		diag_note(p->diags, t->loc, "carriage return: pf.conf needs "
		    "Unix line endings");
	else if (p->semicolon)
		diag_note(p->diags, t->loc, "';' does not separate "
		    "statements in pf.conf: put each on its own line");
	else if (t->kind == PF_TOK_NL && p->last_comma)
		diag_note(p->diags, t->loc, "pfctl allows no line break "
		    "right after ',' in a list; end the line with '\\' or "
		    "drop the ','");
	else if (kw != NULL)
		diag_note(p->diags, t->loc, "did you mean '%s'?", kw);
	pf_note_macro(p, t);
	return -1;
}

int
pf_syntax_error(struct pf_parser *p)
{
	return pf_syntax_error_hint(p, NULL, 0);
}

int
pf_unsupported(struct pf_parser *p, const struct pf_tok *t)
{
	const char *what = t->text != NULL ? t->text : "this";
	const struct pf_tok *next;

	/* "set prio", "set tos", "set loginterface": name both words. */
	next = pf_is_kw(t, "set") && t == pf_peek(p) ? pf_peek2(p) : NULL;
	if (next != NULL && (next->kind == PF_TOK_KEYWORD ||
	    next->kind == PF_TOK_WORD) && !next->quoted)
		diag_error(p->diags, t->loc, "'set %s' is not supported by "
		    "jailnet", next->text);
	else
		diag_error(p->diags, t->loc, "'%s' is not supported by "
		    "jailnet", what);
	pf_note_macro(p, t);
	p->failed = 1;
	return -1;
}

int
pf_check_rulestate(struct pf_parser *p, enum pf_rulestate want,
    struct loc loc)
{
	if (p->require_order && p->rulestate > want) {
		diag_error(p->diags, loc, "Rules must be in order: options, "
		    "normalization, queueing, translation, filtering");
		p->failed = 1;
		return -1;
	}
	p->rulestate = want;
	return 0;
}

/* Take a STRING (a word that is not a keyword, or a quoted string). */
int
pf_take_string(struct pf_parser *p, char **out, struct loc *loc)
{
	struct pf_tok t;

	if (pf_peek(p)->kind != PF_TOK_WORD)
		return pf_syntax_error(p);
	pf_take(p, &t);
	*out = t.text;
	if (loc != NULL)
		*loc = t.loc;
	t.text = NULL;
	return 0;
}

/* Take a NUMBER in [min, max]; outside, "${what}" names the error. */
int
pf_take_number(struct pf_parser *p, long long min, long long max,
    const char *what, long long *out)
{
	const struct pf_tok *t = pf_peek(p);

	if (t->kind != PF_TOK_NUMBER)
		return pf_syntax_error(p);
	if (t->num < min || t->num > max)
		return pf_error(p, t->loc, t->macro_loc, "%s", what);
	*out = t->num;
	pf_advance(p);
	return 0;
}

/*
 * Check that ${s} can be printed back in double quotes: pfctl reads a
 * backslash before the closing quote as an escaped quote.
 */
int
pf_quotable(struct pf_parser *p, const char *s, struct loc loc)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '\\')
		return pf_error(p, loc, (struct loc){ 0 }, "a string ending "
		    "in '\\' cannot be written in pf.conf");
	return 0;
}

/* Macros. */

/*
 * name = value: the value is one or more words or numbers, joined by a
 * space (numbers as printed by %lld, as pfctl does).
 */
static int
parse_macro(struct pf_parser *p)
{
	struct strbuf value = { 0 };
	struct pf_tok name, t;
	struct pf_macro *m;
	struct pf_stmt *st;
	struct loc vloc = { 0 };
	int ntok = 0, verbatim = 0, idx;
	const char *s;

	pf_take(p, &name);
	pf_advance(p);		/* "=" */
	for (;;) {
		const struct pf_tok *pk = pf_peek(p);

		if (pk->kind != PF_TOK_WORD && pk->kind != PF_TOK_NUMBER)
			break;
		pf_take(p, &t);
		if (ntok++ > 0)
			strbuf_addc(&value, ' ');
		if (t.kind == PF_TOK_NUMBER)
			strbuf_addf(&value, "%lld", t.num);
		else
			strbuf_adds(&value, t.text);
		if (ntok == 1) {
			vloc = t.loc;
			/* The value is the source text if it was written as
			   one word, or quoted without escapes. */
			s = p->rs->src->text + loc_offset(t.loc);
			verbatim = t.macro < 0 && t.loc.len ==
			    strlen(t.text) + (t.quoted ? 2 : 0) &&
			    strncmp(s + (t.quoted ? 1 : 0), t.text,
			    strlen(t.text)) == 0;
			if (verbatim && t.quoted) {
				vloc.col++;
				vloc.len -= 2;
			}
		} else {
			verbatim = 0;
			if (t.loc.line == vloc.line && t.loc.col > vloc.col)
				vloc.len = t.loc.col + t.loc.len - vloc.col;
		}
		pf_tok_clear(&t);
	}
	if (ntok == 0 || pf_at_end(p) != 0) {
		if (!p->failed)
			pf_syntax_error(p);
		pf_tok_clear(&name);
		strbuf_free(&value);
		return -1;
	}
	for (s = name.text + 1; name.text[0] != '\0' && *s != '\0'; s++)
		if (isspace((unsigned char)*s)) {
			pf_error(p, name.loc, name.macro_loc,
			    "macro name cannot contain whitespace");
			pf_tok_clear(&name);
			strbuf_free(&value);
			return -1;
		}
	if (!pf_valid_name(name.text, 1) ||
	    pf_quotable(p, strbuf_cstr(&value), vloc) != 0) {
		if (!p->failed)
			pf_error(p, name.loc, name.macro_loc,
			    "invalid macro name '%s'", name.text);
		pf_tok_clear(&name);
		strbuf_free(&value);
		return -1;
	}
	m = VEC_PUSH(p->rs->macros, p->rs->nmacros, p->rs->macrocap);
	m->name = name.text;
	name.text = NULL;
	m->loc = name.loc;
	m->value = strbuf_steal(&value);
	m->value_loc = vloc;
	st = VEC_PUSH(p->rs->stmts, p->rs->nstmts, p->rs->stmtcap);
	st->kind = PF_STMT_MACRO;
	st->index = p->rs->nmacros - 1;
	idx = pf_lex_define(p->lx, m->name, m->value, vloc, verbatim);
	while (p->nmacro_map <= (size_t)idx)
		*(size_t *)VEC_PUSH(p->macro_map, p->nmacro_map,
		    p->macro_mapcap) = 0;
	p->macro_map[idx] = p->rs->nmacros - 1;
	pf_tok_clear(&name);
	return 0;
}

/* Options. */

static struct pf_option *
add_option(struct pf_parser *p, enum pf_option_kind kind, struct loc loc)
{
	struct pf_option *o;
	struct pf_stmt *st;

	o = VEC_PUSH(p->rs->options, p->rs->noptions, p->rs->optioncap);
	o->kind = kind;
	o->loc = loc;
	st = VEC_PUSH(p->rs->stmts, p->rs->nstmts, p->rs->stmtcap);
	st->kind = PF_STMT_OPTION;
	st->index = p->rs->noptions - 1;
	return o;
}

/* Where a "set timeout" or "set limit" is, and which of the two. */
struct name_number_ctx {
	struct loc setloc;
	int limit;
};

/* STRING NUMBER or interval NUMBER, after "set timeout" / "set limit". */
static int
parse_name_number(struct pf_parser *p, void *arg)
{
	const struct name_number_ctx *ctx = arg;
	struct loc setloc = ctx->setloc;
	int limit = ctx->limit;
	static const char *const limits[] = {
		"states", "src-nodes", "frags", "table-entries",
	};
	struct pf_option *o;
	struct loc nloc;
	long long v;
	char *name;
	size_t i;
	int ok = 0;

	if (!limit && pf_is_kw(pf_peek(p), "interval")) {
		nloc = pf_peek(p)->loc;
		pf_advance(p);
		name = xstrdup("interval");
	} else if (pf_take_string(p, &name, &nloc) != 0) {
		return -1;
	}
	if (pf_check_rulestate(p, PF_STATE_OPTION, setloc) != 0 ||
	    pf_take_number(p, 0, 4294967295LL,
	    "only positive values permitted", &v) != 0) {
		free(name);
		return -1;
	}
	if (limit) {
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
			ok |= strcasecmp(name, limits[i]) == 0;
		if (!ok) {
			pf_error(p, nloc, (struct loc){ 0 },
			    "unable to set limit %s %u", name, (unsigned)v);
			free(name);
			return -1;
		}
	} else {
		for (i = 0; i < PF_TM_COUNT; i++)
			ok |= strcasecmp(name,
			    pf_timeout_name((enum pf_timeout)i)) == 0;
		if (!ok) {
			pf_error(p, nloc, (struct loc){ 0 },
			    "unknown timeout %s", name);
			free(name);
			return -1;
		}
	}
	o = add_option(p, limit ? PF_OPT_LIMIT : PF_OPT_TIMEOUT, setloc);
	o->name = name;
	o->value = (unsigned)v;
	return 0;
}

/* set timeout|limit spec | { spec [,] ... } */
static int
parse_name_numbers(struct pf_parser *p, struct loc setloc, int limit)
{
	struct name_number_ctx ctx = { setloc, limit };

	return pf_parse_one_or_list(p, parse_name_number, &ctx);
}

/* Forget the interfaces pf skips ("set skip on none"). */
static void
clear_skip(struct pf_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nskip; i++)
		free(rs->skip[i]);
	rs->nskip = 0;
}

/* set skip on IF | { IF ... }, or set skip (none). */
static int
parse_skip(struct pf_parser *p, struct loc setloc)
{
	struct pf_iflist ifs = { 0 };
	struct pf_option *o;
	size_t i, cap = 0;
	int rc = 0;

	if (pf_is_kw(pf_peek(p), "on") && pf_parse_interface(p, &ifs) != 0)
		goto out;
	for (i = 0; i < ifs.n; i++)
		if (ifs.v[i].neg) {
			rc = pf_error(p, ifs.v[i].loc, ifs.v[i].macro_loc,
			    "skip on ! <interface> is not supported");
			goto out;
		}
	if ((rc = pf_at_end(p)) != 0)
		goto out;
	o = add_option(p, PF_OPT_SKIP, setloc);
	if (ifs.n == 0 || (ifs.n == 1 && strcmp(ifs.v[0].name, "none") == 0)) {
		clear_skip(p->rs);
		goto out;
	}
	for (i = 0; i < ifs.n; i++) {
		*VEC_PUSH(o->ifnames, o->nifnames, cap) =
		    xstrdup(ifs.v[i].name);
		*VEC_PUSH(p->rs->skip, p->rs->nskip, p->rs->skipcap) =
		    xstrdup(ifs.v[i].name);
	}
out:
	for (i = 0; i < ifs.n; i++)
		free(ifs.v[i].name);
	free(ifs.v);
	return p->failed ? -1 : rc;
}

static int
parse_option(struct pf_parser *p)
{
	static const char *const hints[] = {
		"normal", "satellite", "high-latency", "conservative",
		"aggressive",
	};
	static const char *const unsupported[] = {
		"loginterface", "hostid", "fail-policy", "fingerprints",
		"debug", "state-defaults", "syncookies", "keepcounters",
	};
	static const char *const options[] = {
		"skip", "timeout", "limit", "block-policy", "state-policy",
		"require-order", "optimization", "ruleset-optimization",
	};
	struct loc setloc = pf_peek(p)->loc, vloc;
	const struct pf_tok *t;
	struct pf_option *o;
	char *s;
	size_t i;
	int ok = 0;

	pf_advance(p);		/* "set" */
	t = pf_peek(p);
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (t->kind == PF_TOK_KEYWORD &&
		    strcmp(t->text, unsupported[i]) == 0) {
			p->failed = 1;
			diag_error(p->diags, t->loc, "'set %s' is not "
			    "supported by jailnet", t->text);
			pf_note_macro(p, t);
			return -1;
		}
	if (pf_accept_kw(p, "skip"))
		return parse_skip(p, setloc);
	if (pf_accept_kw(p, "timeout"))
		return parse_name_numbers(p, setloc, 0);
	if (pf_accept_kw(p, "limit"))
		return parse_name_numbers(p, setloc, 1);
	if (pf_accept_kw(p, "block-policy")) {
		if (!pf_is_kw(pf_peek(p), "drop") &&
		    !pf_is_kw(pf_peek(p), "return"))
			return pf_syntax_error(p);
		ok = pf_is_kw(pf_peek(p), "return");
		pf_advance(p);
		if (pf_at_end(p) != 0 ||
		    pf_check_rulestate(p, PF_STATE_OPTION, setloc) != 0)
			return -1;
		o = add_option(p, PF_OPT_BLOCK_POLICY, setloc);
		o->value = (unsigned)ok;
		p->block_return = ok;
		return 0;
	}
	if (pf_accept_kw(p, "state-policy")) {
		if (!pf_is_kw(pf_peek(p), "if-bound") &&
		    !pf_is_kw(pf_peek(p), "floating"))
			return pf_syntax_error(p);
		ok = pf_is_kw(pf_peek(p), "if-bound");
		pf_advance(p);
		if (pf_at_end(p) != 0)
			return -1;
		o = add_option(p, PF_OPT_STATE_POLICY, setloc);
		o->value = (unsigned)ok;
		p->if_bound = ok;
		return 0;
	}
	if (pf_accept_kw(p, "require-order")) {
		if (pf_accept_kw(p, "no")) {
			ok = 0;
		} else {
			if (pf_take_string(p, &s, &vloc) != 0)
				return -1;
			if (strcmp(s, "yes") != 0) {
				pf_error(p, vloc, (struct loc){ 0 },
				    "invalid value '%s', expected 'yes' or "
				    "'no'", s);
				free(s);
				return -1;
			}
			free(s);
			ok = 1;
		}
		if (pf_at_end(p) != 0)
			return -1;
		o = add_option(p, PF_OPT_REQUIRE_ORDER, setloc);
		o->value = (unsigned)ok;
		p->require_order = ok;
		return 0;
	}
	if (pf_accept_kw(p, "optimization")) {
		if (pf_take_string(p, &s, &vloc) != 0)
			return -1;
		if (pf_check_rulestate(p, PF_STATE_OPTION, setloc) != 0) {
			free(s);
			return -1;
		}
		for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
			ok |= strcasecmp(s, hints[i]) == 0;
		if (!ok) {
			pf_error(p, vloc, (struct loc){ 0 },
			    "unknown optimization %s", s);
			free(s);
			return -1;
		}
		o = add_option(p, PF_OPT_OPTIMIZATION, setloc);
		o->name = s;
		return 0;
	}
	if (pf_accept_kw(p, "ruleset-optimization")) {
		if (pf_take_string(p, &s, &vloc) != 0)
			return -1;
		if (strcmp(s, "none") != 0 && strcmp(s, "basic") != 0 &&
		    strcmp(s, "profile") != 0) {
			pf_error(p, vloc, (struct loc){ 0 },
			    "unknown ruleset-optimization %s", s);
			free(s);
			return -1;
		}
		o = add_option(p, PF_OPT_RULESET_OPTIMIZATION, setloc);
		o->name = s;
		return 0;
	}
	return pf_syntax_error_hint(p, options,
	    sizeof(options) / sizeof(options[0]));
}

/* Tables. */

/* Check that the entries of a table's list can be in a table. */
static int
check_table_addrs(struct pf_parser *p, const struct pf_addrlist *l)
{
	const struct pf_addr *a;
	const char *why = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		a = &l->v[i];
		switch (a->kind) {
		case PF_ADDR_PREFIX:
		case PF_ADDR_IFACE:
			continue;
		case PF_ADDR_ANY:
			continue;
		case PF_ADDR_RANGE:
			why = "address ranges are not permitted inside tables";
			break;
		case PF_ADDR_DYNIFACE:
			why = "dynamic addresses are not permitted inside "
			    "tables";
			break;
		case PF_ADDR_TABLE:
			why = "tables cannot contain tables";
			break;
		case PF_ADDR_NOROUTE:
			why = "\"no-route\" is not permitted inside tables";
			break;
		case PF_ADDR_URPF_FAILED:
			why = "\"urpf-failed\" is not permitted inside tables";
			break;
		}
		return pf_error(p, a->loc, a->macro_loc, "%s", why);
	}
	return 0;
}

static int
parse_table(struct pf_parser *p)
{
	struct pf_table t = { 0 }, *tp;
	struct pf_addrlist l = { 0 };
	struct pf_table_init *ti;
	struct pf_stmt *st;
	struct loc loc;
	char *s;
	size_t i;

	pf_advance(p);		/* "table" */
	if (pf_expect_char(p, '<') != 0 ||
	    pf_take_string(p, &t.name, &t.loc) != 0)
		goto err;
	if (pf_expect_char(p, '>') != 0)
		goto err;
	if (strlen(t.name) > PF_TABLE_NAME_MAX) {
		pf_error(p, t.loc, (struct loc){ 0 },
		    "table name too long, max %d chars", PF_TABLE_NAME_MAX);
		goto err;
	}
	if (!pf_valid_name(t.name, 1)) {
		pf_error(p, t.loc, (struct loc){ 0 },
		    "invalid table name '%s'", t.name);
		goto err;
	}
	for (;;) {
		const struct pf_tok *pk = pf_peek(p);

		if (pk->kind == PF_TOK_WORD) {
			if (pf_take_string(p, &s, &loc) != 0)
				goto err;
			if (strcmp(s, "const") == 0)
				t.flags |= PF_TABLE_CONST;
			else if (strcmp(s, "persist") == 0)
				t.flags |= PF_TABLE_PERSIST;
			else if (strcmp(s, "counters") == 0)
				t.flags |= PF_TABLE_COUNTERS;
			else {
				pf_error(p, loc, (struct loc){ 0 },
				    "invalid table option '%s'", s);
				free(s);
				goto err;
			}
			free(s);
		} else if (pf_is_kw(pk, "file")) {
			pf_advance(p);
			if (pf_take_string(p, &s, &loc) != 0)
				goto err;
			ti = VEC_PUSH(t.inits, t.ninits, t.initcap);
			ti->file = s;
			if (pf_quotable(p, s, loc) != 0)
				goto err;
			ti->loc = loc;
			t.has_init = 1;
		} else if (pf_is_char(pk, '{')) {
			loc = pk->loc;
			t.has_init = 1;
			pf_advance(p);
			pf_skip_nl(p);
			if (pf_accept_char(p, '}'))
				continue;	/* pfctl adds no list */
			if (pf_parse_ipspec_list(p, &l) != 0 ||
			    check_table_addrs(p, &l) != 0)
				goto err;
			ti = VEC_PUSH(t.inits, t.ninits, t.initcap);
			ti->loc = loc;
			ti->addrs = l.v;
			ti->naddrs = l.n;
			memset(&l, 0, sizeof(l));
			t.has_init = 1;
		} else {
			break;
		}
	}
	if (pf_at_end(p) != 0)
		goto err;
	for (i = 0; i < p->rs->ntables; i++)
		if (strcmp(p->rs->tables[i].name, t.name) == 0) {
			pf_error(p, t.loc, (struct loc){ 0 },
			    "table <%s> is already defined", t.name);
			diag_note(p->diags, p->rs->tables[i].loc,
			    "first defined here");
			goto err;
		}
	tp = VEC_PUSH(p->rs->tables, p->rs->ntables, p->rs->tablecap);
	*tp = t;
	st = VEC_PUSH(p->rs->stmts, p->rs->nstmts, p->rs->stmtcap);
	st->kind = PF_STMT_TABLE;
	st->index = p->rs->ntables - 1;
	return 0;
err:
	for (i = 0; i < l.n; i++)
		pf_addr_clear(&l.v[i]);
	free(l.v);
	for (i = 0; i < t.ninits; i++) {
		size_t j;

		free(t.inits[i].file);
		for (j = 0; j < t.inits[i].naddrs; j++)
			pf_addr_clear(&t.inits[i].addrs[j]);
		free(t.inits[i].addrs);
	}
	free(t.inits);
	free(t.name);
	p->failed = 1;
	return -1;
}

/* Statements. */

static int
parse_no(struct pf_parser *p)
{
	const struct pf_tok *t = pf_peek2(p);

	if (pf_is_kw(t, "scrub"))
		return pf_parse_scrubrule(p, 1);
	if (pf_is_kw(t, "nat") || pf_is_kw(t, "rdr"))
		return pf_parse_natrule(p, 1);
	if (pf_is_kw(t, "binat"))
		return pf_parse_binatrule(p, 1);
	pf_advance(p);
	return pf_syntax_error(p);
}

/*
 * include "file": read the file and parse it in place, once this line
 * ends.  The lookahead never passes the end of a line, so the next token
 * lexed is the file's first.
 */
static int
parse_include(struct pf_parser *p)
{
	struct source *src;
	struct loc loc;
	char *path;
	int errnum = 0;

	pf_advance(p);		/* "include" */
	if (pf_peek(p)->kind != PF_TOK_WORD || !pf_peek(p)->quoted)
		return pf_syntax_error(p);
	if (pf_take_string(p, &path, &loc) != 0)
		return -1;
	if (pf_at_end(p) != 0) {
		free(path);
		return -1;
	}
	if (p->read == NULL) {
		pf_error(p, loc, (struct loc){ 0 }, "failed to include file "
		    "%s: include is read only for a server's pf.conf", path);
	} else if (pf_lex_depth(p->lx) >= PF_INCLUDE_MAX_DEPTH) {
		pf_error(p, loc, (struct loc){ 0 }, "failed to include file "
		    "%s: includes nest deeper than %d", path,
		    PF_INCLUDE_MAX_DEPTH);
	} else if ((src = p->read(p->read_ctx, path, &errnum)) == NULL) {
		pf_error(p, loc, (struct loc){ 0 }, "failed to include file "
		    "%s: %s", path, strerror(errnum));
	} else if (pf_lex_reading(p->lx, src->path)) {
		pf_error(p, loc, (struct loc){ 0 }, "failed to include file "
		    "%s: it is being read already (an include loop)", path);
		source_free(src);
	} else {
		*VEC_PUSH(p->rs->includes, p->rs->nincludes,
		    p->rs->includecap) = src;
		pf_lex_push(p->lx, src);
	}
	free(path);
	return p->failed ? -1 : 0;
}

static const char *const statements[] = {
	"anchor", "antispoof", "binat", "binat-anchor", "block", "match",
	"nat", "nat-anchor", "no", "pass", "rdr", "rdr-anchor", "scrub",
	"set", "table",
};

static int
parse_statement(struct pf_parser *p)
{
	static const char *const unsupported[] = {
		"altq", "ether", "queue",
	};
	const struct pf_tok *t = pf_peek(p);
	size_t i;

	switch (t->kind) {
	case PF_TOK_WORD:
		if (pf_is_char(pf_peek2(p), '='))
			return parse_macro(p);
		return pf_syntax_error_hint(p, statements,
		    sizeof(statements) / sizeof(statements[0]));
	case PF_TOK_KEYWORD:
		break;
	case PF_TOK_CHAR:
		if (t->ch == '{') {
			diag_error(p->diags, t->loc, "'{' (an inline anchor) "
			    "is not supported by jailnet");
			p->failed = 1;
			return -1;
		}
		return pf_syntax_error(p);
	case PF_TOK_EOF:
	case PF_TOK_NL:
		return 0;
	case PF_TOK_NUMBER:
	case PF_TOK_PORTBINARY:
	case PF_TOK_ARROW:
	case PF_TOK_ERROR:
		return pf_syntax_error(p);
	}
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (strcmp(t->text, unsupported[i]) == 0)
			return pf_unsupported(p, t);
	if (pf_is_kw(t, "load"))
		return pf_error(p, t->loc, t->macro_loc, "'load anchor' is not "
		    "supported by jailnet: an anchor's rules read from a file "
		    "at load");
	if (pf_is_kw(t, "set"))
		return parse_option(p);
	if (pf_is_kw(t, "table"))
		return parse_table(p);
	if (pf_is_kw(t, "scrub"))
		return pf_parse_scrubrule(p, 0);
	if (pf_is_kw(t, "nat") || pf_is_kw(t, "rdr"))
		return pf_parse_natrule(p, 0);
	if (pf_is_kw(t, "binat"))
		return pf_parse_binatrule(p, 0);
	if (pf_is_kw(t, "no"))
		return parse_no(p);
	if (pf_is_kw(t, "pass") || pf_is_kw(t, "block") ||
	    pf_is_kw(t, "match"))
		return pf_parse_pfrule(p);
	if (pf_is_kw(t, "antispoof"))
		return pf_parse_antispoof(p);
	if (pf_is_kw(t, "anchor"))
		return pf_parse_anchorrule(p);
	if (pf_is_kw(t, "nat-anchor") || pf_is_kw(t, "rdr-anchor") ||
	    pf_is_kw(t, "binat-anchor"))
		return pf_parse_natanchor(p);
	if (pf_is_kw(t, "include"))
		return parse_include(p);
	return pf_syntax_error_hint(p, statements,
	    sizeof(statements) / sizeof(statements[0]));
}

/* Return true if ${t} can start a statement. */
static int
starts_statement(struct pf_parser *p, const struct pf_tok *t)
{
	static const char *const starts[] = {
		"altq", "anchor", "antispoof", "binat", "binat-anchor",
		"block", "ether", "include", "load", "match", "nat",
		"nat-anchor", "no", "pass", "queue", "rdr", "rdr-anchor",
		"scrub", "set", "table",
	};
	size_t i;

	if (t->kind == PF_TOK_WORD)
		return pf_is_char(pf_peek2(p), '=');
	if (t->kind != PF_TOK_KEYWORD)
		return t->kind == PF_TOK_EOF;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (strcmp(t->text, starts[i]) == 0)
			return 1;
	return 0;
}

/*
 * After an error: skip to the end of the line, and on over the lines of a
 * list left open, unless one of them starts a statement.
 */
static void
recover(struct pf_parser *p)
{
	for (;;) {
		const struct pf_tok *t = pf_peek(p);

		if (t->kind == PF_TOK_EOF)
			return;
		if (t->kind == PF_TOK_NL) {
			pf_advance(p);
			if (p->depth == 0 || starts_statement(p, pf_peek(p)))
				return;
			continue;
		}
		pf_advance(p);
	}
}

/* What a statement may add, to be taken back if it fails. */
struct snapshot {
	size_t nrules[PF_RS_COUNT];
	size_t nstmts, noptions;
};

static void
take_snapshot(const struct pf_ruleset *rs, struct snapshot *s)
{
	size_t k;

	for (k = 0; k < PF_RS_COUNT; k++)
		s->nrules[k] = rs->rules[k].n;
	s->nstmts = rs->nstmts;
	s->noptions = rs->noptions;
}

/* Undo what the failed statement added: rules and options.  (Macros,
   tables and the skip list are added only once a statement is done.) */
static void
rollback(struct pf_ruleset *rs, const struct snapshot *s)
{
	struct pf_option *o;
	size_t k;

	for (k = 0; k < PF_RS_COUNT; k++)
		while (rs->rules[k].n > s->nrules[k])
			pf_rule_clear(&rs->rules[k].v[--rs->rules[k].n]);
	while (rs->noptions > s->noptions) {
		o = &rs->options[--rs->noptions];
		free(o->name);
		for (k = 0; k < o->nifnames; k++)
			free(o->ifnames[k]);
		free(o->ifnames);
	}
	rs->nstmts = s->nstmts;
}

/*
 * Mark the stateful rules that are not bound to an interface although the
 * last state-policy is if-bound: printed, they must say "floating" to be
 * read back the same, since all options print before the rules.
 */
static void
mark_floating(struct pf_ruleset *rs, int if_bound)
{
	struct pf_rule *r;
	size_t i;

	for (i = 0; i < rs->rules[PF_RS_FILTER].n; i++) {
		r = &rs->rules[PF_RS_FILTER].v[i];
		r->state.floating = if_bound && r->keep != PF_KEEP_NONE &&
		    !r->state.if_bound;
	}
}

struct pf_ruleset *
pf_parse(const struct source *src, struct diags *diags)
{
	return pf_parse_names(src, NULL, NULL, diags);
}

struct pf_ruleset *
pf_parse_names(const struct source *src, pf_host_lookup lookup, void *ctx,
    struct diags *diags)
{
	return pf_parse_files(src, lookup, ctx, NULL, NULL, diags);
}

struct pf_ruleset *
pf_parse_files(const struct source *src, pf_host_lookup lookup, void *lctx,
    pf_reader read, void *rctx, struct diags *diags)
{
	struct snapshot snap;
	struct pf_parser p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.lookup = lookup;
	p.lookup_ctx = lctx;
	p.read = read;
	p.read_ctx = rctx;
	p.rs = xcalloc(1, sizeof(*p.rs));
	p.rs->src = src;
	p.diags = diags;
	p.lx = pf_lex_new(src, diags);
	p.require_order = 1;
	for (;;) {
		const struct pf_tok *t = pf_peek(&p);

		if (t->kind == PF_TOK_EOF)
			break;
		p.failed = 0;
		p.depth = 0;
		p.semicolon = 0;
		p.stmt_loc = t->loc;
		take_snapshot(p.rs, &snap);
		if (parse_statement(&p) != 0)
			p.failed = 1;
		if (!p.failed) {
			t = pf_peek(&p);
			if (t->kind == PF_TOK_NL)
				pf_advance(&p);
			else if (t->kind != PF_TOK_EOF)
				pf_syntax_error(&p);
		}
		if (p.failed) {
			rollback(p.rs, &snap);
			recover(&p);
		}
	}
	mark_floating(p.rs, p.if_bound);
	for (i = 0; i < (size_t)p.nlook; i++)
		pf_tok_clear(&p.look[i]);
	pf_lex_free(p.lx);
	free(p.macro_map);
	return p.rs;
}
