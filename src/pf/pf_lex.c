/*
 * pf_lex: pf.conf tokens, following pfctl's yylex() and lgetc().
 */
#include "pf/pf_lex.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* pfctl's buffer size: longer words are an error. */
#define PF_LEX_MAXWORD	8096

#define LEX_EOF	(-1)

/* pfctl's keywords (FreeBSD 14), sorted for bsearch. */
static const char *const keywords[] = {
	"all", "allow-opts", "altq", "anchor", "antispoof", "any",
	"bandwidth", "binat", "binat-anchor", "bitmask", "block",
	"block-policy", "buckets", "cbq", "code", "codelq", "crop", "debug",
	"divert-reply", "divert-to", "dnpipe", "dnqueue", "drop", "drop-ovl",
	"dup-to", "ether", "fail-policy", "fairq", "fastroute", "file",
	"fingerprints", "flags", "floating", "flush", "for", "fragment",
	"from", "global", "group", "hfsc", "hogs", "hostid", "icmp-type",
	"icmp6-type", "if-bound", "in", "include", "inet", "inet6",
	"interval", "keep", "keepcounters", "l3", "label", "limit",
	"linkshare", "load", "log", "loginterface", "match", "max",
	"max-mss", "max-pkt-rate", "max-src-conn", "max-src-conn-rate",
	"max-src-nodes", "max-src-states", "min-ttl", "modulate", "nat",
	"nat-anchor", "no", "no-df", "no-route", "no-sync", "on",
	"optimization", "os", "out", "overload", "pass", "port", "prio",
	"priority", "priq", "probability", "proto", "qlimit", "queue",
	"quick", "random", "random-id", "rdr", "rdr-anchor", "realtime",
	"reassemble", "reply-to", "require-order", "return", "return-icmp",
	"return-icmp6", "return-rst", "ridentifier", "round-robin", "route",
	"route-to", "rtable", "rule", "ruleset-optimization", "scrub",
	"set", "set-tos", "skip", "sloppy", "source-hash", "source-track",
	"state", "state-defaults", "state-policy", "static-port",
	"sticky-address", "syncookies", "synproxy", "table", "tag",
	"tagged", "target", "tbrsize", "timeout", "to", "tos", "ttl",
	"upperlimit", "urpf-failed", "user",
};

struct lexmacro {
	char *name;
	char *value;
	size_t len;
	struct loc value_loc;
	int verbatim;
};

/* A reading position: in the file, and maybe in a macro's value. */
struct cursor {
	size_t pos;
	unsigned line, col;
	int mac;		/* the macro being read, or -1 */
	size_t mpos;
};

/* A file whose reading an include interrupted. */
struct lexframe {
	const struct source *src;
	struct cursor cur;
};

struct pf_lexer {
	const struct source *src;
	struct diags *diags;
	struct cursor cur;
	struct lexframe *stack;	/* the includers of src, outermost first */
	size_t nstack, stackcap;
	struct lexmacro *macros;
	size_t nmacros, macrocap;
	struct loc use_loc;	/* the "$name" of the macro being read */
	size_t use_pos;		/* its offset in the file */
};

static int
kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int
pf_lex_is_keyword(const char *word)
{
	return bsearch(word, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), kw_cmp) != NULL;
}

const char *
pf_lex_closest_keyword(const char *word)
{
	return closest_word(word, keywords,
	    sizeof(keywords) / sizeof(keywords[0]));
}

struct pf_lexer *
pf_lex_new(const struct source *src, struct diags *diags)
{
	struct pf_lexer *lx = xcalloc(1, sizeof(*lx));

	lx->src = src;
	lx->diags = diags;
	lx->cur.line = 1;
	lx->cur.col = 1;
	lx->cur.mac = -1;
	return lx;
}

void
pf_lex_free(struct pf_lexer *lx)
{
	size_t i;

	if (lx == NULL)
		return;
	for (i = 0; i < lx->nmacros; i++) {
		free(lx->macros[i].name);
		free(lx->macros[i].value);
	}
	free(lx->macros);
	free(lx->stack);
	free(lx);
}

void
pf_lex_push(struct pf_lexer *lx, const struct source *src)
{
	struct lexframe *f = VEC_PUSH(lx->stack, lx->nstack, lx->stackcap);

	f->src = lx->src;
	f->cur = lx->cur;
	lx->src = src;
	memset(&lx->cur, 0, sizeof(lx->cur));
	lx->cur.line = 1;
	lx->cur.col = 1;
	lx->cur.mac = -1;
}

size_t
pf_lex_depth(const struct pf_lexer *lx)
{
	return lx->nstack;
}

int
pf_lex_reading(const struct pf_lexer *lx, const char *path)
{
	size_t i;

	if (strcmp(lx->src->path, path) == 0)
		return 1;
	for (i = 0; i < lx->nstack; i++)
		if (strcmp(lx->stack[i].src->path, path) == 0)
			return 1;
	return 0;
}

int
pf_lex_define(struct pf_lexer *lx, const char *name, const char *value,
    struct loc value_loc, int verbatim)
{
	struct lexmacro *m = NULL;
	size_t i;

	for (i = 0; i < lx->nmacros; i++)
		if (strcmp(lx->macros[i].name, name) == 0)
			m = &lx->macros[i];
	if (m == NULL) {
		m = VEC_PUSH(lx->macros, lx->nmacros, lx->macrocap);
		m->name = xstrdup(name);
	} else {
		free(m->value);
	}
	m->value = xstrdup(value);
	m->len = strlen(value);
	m->value_loc = value_loc;
	m->verbatim = verbatim;
	return (int)(m - lx->macros);
}

void
pf_tok_clear(struct pf_tok *tok)
{
	free(tok->text);
	memset(tok, 0, sizeof(*tok));
	tok->macro = -1;
}

/*
 * Drop an exhausted macro and, unless ${raw}, the backslash-newline pairs
 * that join lines, so that ${c} is where the next character is.
 */
static void
normalize(const struct pf_lexer *lx, struct cursor *c, int raw)
{
	const char *t = lx->src->text;

	if (c->mac >= 0 && c->mpos >= lx->macros[c->mac].len)
		c->mac = -1;
	if (c->mac >= 0 || raw)
		return;
	while (c->pos + 1 < lx->src->len && t[c->pos] == '\\' &&
	    t[c->pos + 1] == '\n') {
		c->pos += 2;
		c->line++;
		c->col = 1;
	}
}

/*
 * Read one character at ${c}: from the macro being read, else from the
 * file, where (unless ${raw}, inside quotes) a backslash stands for the
 * character after it, as pfctl's lgetc() does.
 */
static int
get(const struct pf_lexer *lx, struct cursor *c, int raw)
{
	const unsigned char *t = (const unsigned char *)lx->src->text;
	int ch;

	normalize(lx, c, raw);
	if (c->mac >= 0)
		return (unsigned char)lx->macros[c->mac].value[c->mpos++];
	if (c->pos >= lx->src->len)
		return LEX_EOF;
	ch = t[c->pos];
	if (ch == '\\' && !raw) {
		if (c->pos + 1 >= lx->src->len) {
			c->pos++;
			c->col++;
			return LEX_EOF;
		}
		c->pos++;
		c->col++;
		ch = t[c->pos];
	}
	c->pos++;
	if (ch == '\n') {
		c->line++;
		c->col = 1;
	} else {
		c->col++;
	}
	return ch;
}

/* Return the location of the characters from ${start} to ${end}. */
static struct loc
span(const struct pf_lexer *lx, const struct cursor *start,
    const struct cursor *end)
{
	struct loc loc = { lx->src, start->line, start->col, 0 };
	size_t i;

	/* Stop at the end of the line: a caret cannot go further. */
	for (i = start->pos; i < end->pos && lx->src->text[i] != '\n'; i++)
		;
	loc.len = (unsigned)(i - start->pos);
	return loc;
}

/*
 * Locate the token that started at ${start} (normalized) and ended at
 * ${end}.
 */
static void
locate(const struct pf_lexer *lx, struct pf_tok *tok,
    const struct cursor *start, const struct cursor *end)
{
	const struct lexmacro *m;
	struct cursor use;
	size_t tlen;

	tok->macro = start->mac;
	memset(&tok->macro_loc, 0, sizeof(tok->macro_loc));
	if (start->mac < 0) {
		tok->loc = span(lx, start, end);
		return;
	}
	/* From a macro: at the "$name", up to the token's end in the file. */
	tok->loc = lx->use_loc;
	if (end->mac < 0 && end->pos > lx->use_pos) {
		use.pos = lx->use_pos;
		use.line = lx->use_loc.line;
		use.col = lx->use_loc.col;
		tok->loc = span(lx, &use, end);
	}
	m = &lx->macros[start->mac];
	tok->macro_loc = m->value_loc;
	if (m->verbatim) {
		tlen = (end->mac == start->mac ? end->mpos : m->len) -
		    start->mpos;
		tok->macro_loc.col += (unsigned)start->mpos;
		tok->macro_loc.len = (unsigned)tlen;
	}
}

/* pfctl's allowed_to_end_number(). */
static int
ends_number(int c)
{
	return c == LEX_EOF || isspace(c) || c == ')' || c == ',' ||
	    c == '/' || c == '}' || c == '=';
}

/* pfctl's allowed_in_string(). */
static int
in_word(int c)
{
	if (c == LEX_EOF)
		return 0;
	if (isalnum(c))
		return 1;
	return ispunct(c) && strchr("(){}<>!=/#,", c) == NULL;
}

/*
 * After an error on this line: skip to (not past) the end of the line and
 * return an error token.
 */
static void
error_to_eol(struct pf_lexer *lx, struct pf_tok *tok)
{
	struct cursor save;
	int c;

	for (;;) {
		save = lx->cur;
		c = get(lx, &lx->cur, 0);
		if (c == '\n') {
			lx->cur = save;
			break;
		}
		if (c == LEX_EOF)
			break;
	}
	lx->cur.mac = -1;
	free(tok->text);
	tok->text = NULL;
	tok->kind = PF_TOK_ERROR;
}

/* Read a quoted string whose opening quote ${quote} was just read. */
static void
lex_quoted(struct pf_lexer *lx, struct pf_tok *tok, int quote,
    const struct cursor *start)
{
	struct strbuf sb = { 0 };
	struct cursor save;
	int c, next;

	for (;;) {
		c = get(lx, &lx->cur, 1);
		if (c == LEX_EOF) {
			locate(lx, tok, start, &lx->cur);
			diag_error(lx->diags, tok->loc, "reached end of file "
			    "while parsing quoted string");
			strbuf_free(&sb);
			tok->kind = PF_TOK_ERROR;
			return;
		}
		if (c == '\n')
			continue;
		if (c == '\\') {
			save = lx->cur;
			next = get(lx, &lx->cur, 1);
			if (next == LEX_EOF) {
				locate(lx, tok, start, &lx->cur);
				diag_error(lx->diags, tok->loc, "reached end "
				    "of file while parsing quoted string");
				strbuf_free(&sb);
				tok->kind = PF_TOK_ERROR;
				return;
			}
			if (next == quote)
				c = next;
			else if (next == '\n')
				continue;
			else
				lx->cur = save;
		} else if (c == quote) {
			break;
		}
		if (c == '\0') {
			locate(lx, tok, start, &lx->cur);
			diag_error(lx->diags, tok->loc,
			    "NUL byte in quoted string");
			strbuf_free(&sb);
			error_to_eol(lx, tok);
			return;
		}
		if (sb.len + 1 >= PF_LEX_MAXWORD - 1) {
			locate(lx, tok, start, &lx->cur);
			diag_error(lx->diags, tok->loc, "string too long");
			strbuf_free(&sb);
			error_to_eol(lx, tok);
			return;
		}
		strbuf_addc(&sb, (char)c);
	}
	locate(lx, tok, start, &lx->cur);
	tok->kind = PF_TOK_WORD;
	tok->quoted = 1;
	tok->text = strbuf_steal(&sb);
}

/*
 * Read "$name" (the "$" was just read) and start reading the macro's
 * value.  Return 0, or -1 after an error (tok is then an error token).
 */
static int
expand_macro(struct pf_lexer *lx, struct pf_tok *tok,
    const struct cursor *dollar)
{
	struct strbuf name = { 0 };
	struct cursor save;
	size_t i;
	int c;

	for (;;) {
		save = lx->cur;
		c = get(lx, &lx->cur, 0);
		if (c == LEX_EOF) {
			strbuf_free(&name);
			tok->kind = PF_TOK_EOF;
			tok->loc = span(lx, &lx->cur, &lx->cur);
			return -1;
		}
		if (isalnum(c) || c == '_') {
			strbuf_addc(&name, (char)c);
			continue;
		}
		lx->cur = save;
		break;
	}
	lx->use_loc = span(lx, dollar, &lx->cur);
	lx->use_pos = dollar->pos;
	for (i = 0; i < lx->nmacros; i++)
		if (strcmp(lx->macros[i].name, strbuf_cstr(&name)) == 0)
			break;
	if (i == lx->nmacros) {
		diag_error(lx->diags, lx->use_loc, "macro '%s' not defined",
		    strbuf_cstr(&name));
		strbuf_free(&name);
		tok->loc = lx->use_loc;
		error_to_eol(lx, tok);
		return -1;
	}
	strbuf_free(&name);
	lx->cur.mac = (int)i;
	lx->cur.mpos = 0;
	return 0;
}

/* Read a number, or return -1 (with the cursor back after ${c}) if the
   digits do not end like a number. */
static int
lex_number(struct pf_lexer *lx, struct pf_tok *tok, int c,
    const struct cursor *start, const struct cursor *after_first)
{
	char buf[PF_LEX_MAXWORD];
	struct cursor save;
	size_t n = 0;
	long long v;
	char *end;

	buf[n++] = (char)c;
	for (;;) {
		save = lx->cur;
		c = get(lx, &lx->cur, 0);
		if (c != LEX_EOF && isdigit(c) && n < sizeof(buf) - 1) {
			buf[n++] = (char)c;
			continue;
		}
		lx->cur = save;
		break;
	}
	buf[n] = '\0';
	if ((n == 1 && buf[0] == '-') || !ends_number(c)) {
		lx->cur = *after_first;
		return -1;
	}
	locate(lx, tok, start, &lx->cur);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno == ERANGE || *end != '\0') {
		diag_error(lx->diags, tok->loc, "\"%s\" invalid number: %s",
		    buf, errno != ERANGE ? "invalid" :
		    buf[0] == '-' ? "too small" : "too large");
		error_to_eol(lx, tok);
		return 0;
	}
	tok->kind = PF_TOK_NUMBER;
	tok->num = v;
	tok->text = xstrdup(buf);
	return 0;
}

void
pf_lex_next(struct pf_lexer *lx, struct pf_tok *tok)
{
	struct cursor start, save, after;
	struct strbuf sb = { 0 };
	int c, next;

	memset(tok, 0, sizeof(*tok));
	tok->macro = -1;
top:
	for (;;) {
		normalize(lx, &lx->cur, 0);
		start = lx->cur;
		c = get(lx, &lx->cur, 0);
		if (c != ' ' && c != '\t')
			break;
	}
	if (c == '#') {
		for (;;) {
			normalize(lx, &lx->cur, 0);
			start = lx->cur;
			c = get(lx, &lx->cur, 0);
			if (c == '\n' || c == LEX_EOF)
				break;
		}
	}
	if (c == '$' && start.mac < 0) {
		if (expand_macro(lx, tok, &start) != 0)
			return;
		goto top;
	}
	after = lx->cur;
	switch (c) {
	case '\'':
	case '"':
		lex_quoted(lx, tok, c, &start);
		return;
	case '<':
	case '>':
	case '-':
		save = lx->cur;
		next = get(lx, &lx->cur, 0);
		if ((c == '<' && next == '>') || (c == '>' && next == '<')) {
			locate(lx, tok, &start, &lx->cur);
			tok->kind = PF_TOK_PORTBINARY;
			tok->ch = c;
			return;
		}
		if (c == '-' && next == '>') {
			locate(lx, tok, &start, &lx->cur);
			tok->kind = PF_TOK_ARROW;
			return;
		}
		lx->cur = save;
		break;
	default:
		break;
	}
	if (c == '-' || (c != LEX_EOF && isdigit(c))) {
		if (lex_number(lx, tok, c, &start, &after) == 0)
			return;
		if (c == '-') {
			locate(lx, tok, &start, &lx->cur);
			tok->kind = PF_TOK_CHAR;
			tok->ch = c;
			return;
		}
	}
	if (c != LEX_EOF && (isalnum(c) || c == ':' || c == '_')) {
		strbuf_addc(&sb, (char)c);
		for (;;) {
			save = lx->cur;
			c = get(lx, &lx->cur, 0);
			if (!in_word(c)) {
				lx->cur = save;
				break;
			}
			if (sb.len + 1 >= PF_LEX_MAXWORD) {
				locate(lx, tok, &start, &lx->cur);
				diag_error(lx->diags, tok->loc,
				    "string too long");
				strbuf_free(&sb);
				error_to_eol(lx, tok);
				return;
			}
			strbuf_addc(&sb, (char)c);
		}
		locate(lx, tok, &start, &lx->cur);
		tok->text = strbuf_steal(&sb);
		tok->kind = pf_lex_is_keyword(tok->text) ? PF_TOK_KEYWORD :
		    PF_TOK_WORD;
		return;
	}
	locate(lx, tok, &start, &lx->cur);
	if (c == LEX_EOF && lx->nstack > 0) {
		/* The end of an included file ends its last line; reading
		   goes on after the include. */
		lx->nstack--;
		lx->src = lx->stack[lx->nstack].src;
		lx->cur = lx->stack[lx->nstack].cur;
		tok->kind = PF_TOK_NL;
		tok->loc.len = 0;
	} else if (c == LEX_EOF) {
		tok->kind = PF_TOK_EOF;
		tok->loc.len = 0;
	} else if (c == '\n') {
		tok->kind = PF_TOK_NL;
		tok->loc.len = 0;
	} else {
		tok->kind = PF_TOK_CHAR;
		tok->ch = c;
	}
}
