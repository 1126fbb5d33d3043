/*
 * jailconf_parse: the lexer and recursive-descent parser of jail.conf(5).
 *
 * The lexer turns the text into tokens; a word token is one value (bare
 * words and quoted strings written next to each other) already split into
 * segments.  The parser reads statements with one token of look-ahead and,
 * after a syntax error, skips to the next ';' or '}' (stepping over whole
 * {...} groups) so that one run reports every error of a file.
 */
#include "conf/jailconf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

enum tok_kind {
	TOK_EOF,
	TOK_WORD,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_SEMI,
	TOK_COMMA,
	TOK_SET,	/* = */
	TOK_APPEND,	/* += */
};

struct token {
	enum tok_kind kind;
	struct loc loc;		/* the token as written */
	struct loc end;		/* just after its last byte, length 0 */
	struct jc_value value;	/* TOK_WORD; the token's until taken */
	bool bad;		/* TOK_WORD: an error was reported inside it */
	bool plain;		/* TOK_WORD: one bare piece, no \ or $ */
	bool is_var;		/* TOK_WORD: just a bare $name/${name} */
};

struct lexer {
	const struct source *src;
	const char *text;
	size_t len;
	size_t off;		/* next byte to read */
	unsigned line, col;	/* of that byte */
	struct diags *diags;
	bool swallowed;		/* an error ate the rest of the text */
};

/* The word being read: its value and the verbatim run being scanned. */
struct word_builder {
	struct jc_value *v;
	size_t segcap;
	size_t npieces;
	size_t run_off;		/* first byte of the verbatim run */
	struct loc run_loc;
	size_t escape_end;	/* just after the last escape segment */
	bool bad;
};

struct parser {
	struct lexer lx;
	struct token tok;	/* the next token, not yet consumed */
	struct loc prev_end;	/* just after the last consumed token */
	struct jail_conf *conf;
	struct diags *diags;
};

/* A block header read by parse_statement(), its '{' consumed. */
struct header {
	char *kind;
	struct loc kind_loc;
	char *name;
	struct loc name_loc;
};

enum stmt_end {
	STMT_DONE,	/* a statement (or an error) was consumed */
	STMT_HEADER,	/* a block header was read into the header */
};

/*
 * Lexer.
 */

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static bool
is_var_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
is_var_char(int c)
{
	return is_var_start(c) || (c >= '0' && c <= '9');
}

/* Characters of a name in ${...}: parameter names such as ip4.addr. */
static bool
is_braced_var_char(int c)
{
	return is_var_char(c) || c == '.' || c == '-';
}

/* Return the byte ${ahead} bytes after the current one, or -1 past the end. */
static int
lex_peek(const struct lexer *lx, size_t ahead)
{
	size_t i = lx->off + ahead;

	return i < lx->len ? (unsigned char)lx->text[i] : -1;
}

static void
lex_advance(struct lexer *lx)
{
	if (lx->off >= lx->len)
		return;
	if (lx->text[lx->off] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->off++;
}

/* Return the location of the ${len} bytes starting at the current one. */
static struct loc
lex_loc(const struct lexer *lx, size_t len)
{
	struct loc loc = { lx->src, lx->line, lx->col, (unsigned)len };

	return loc;
}

/* Return true if the current byte continues a bare word. */
static bool
lex_at_bare_char(const struct lexer *lx)
{
	int c = lex_peek(lx, 0);

	if (c == 0)
		return true;	/* reported by the piece readers */
	if (c == -1 || is_space(c) || strchr(";,{}=\"'#", c) != NULL)
		return false;
	/* "a+=b" is an append, not the word "a+". */
	return !(c == '+' && lex_peek(lx, 1) == '=');
}

/* Skip white space and comments; a comment starts only between tokens. */
static void
lex_skip_blank(struct lexer *lx)
{
	struct loc start;
	int c;

	for (;;) {
		c = lex_peek(lx, 0);
		if (c == -1)
			return;
		if (is_space(c)) {
			lex_advance(lx);
		} else if (c == '#' || (c == '/' && lex_peek(lx, 1) == '/')) {
			while ((c = lex_peek(lx, 0)) != -1 && c != '\n')
				lex_advance(lx);
		} else if (c == '/' && lex_peek(lx, 1) == '*') {
			start = lex_loc(lx, 2);
			lex_advance(lx);
			lex_advance(lx);
			while ((c = lex_peek(lx, 0)) != -1 &&
			    !(c == '*' && lex_peek(lx, 1) == '/'))
				lex_advance(lx);
			if (c == -1) {
				diag_error(lx->diags, start,
				    "unterminated comment");
				lx->swallowed = true;
				return;
			}
			lex_advance(lx);
			lex_advance(lx);
		} else {
			return;
		}
	}
}

static struct jc_seg *
word_push_seg(struct word_builder *wb, enum jc_seg_kind kind, char *text,
    struct loc loc, int verbatim)
{
	struct jc_seg *seg = VEC_PUSH(wb->v->segs, wb->v->nsegs, wb->segcap);

	seg->kind = kind;
	seg->text = text;
	seg->loc = loc;
	seg->verbatim = verbatim;
	return seg;
}

/* Start a verbatim run at the current byte. */
static void
run_start(const struct lexer *lx, struct word_builder *wb)
{
	wb->run_off = lx->off;
	wb->run_loc = lex_loc(lx, 0);
}

/* End the verbatim run before the current byte: a segment if non-empty. */
static void
run_flush(const struct lexer *lx, struct word_builder *wb)
{
	size_t n = lx->off - wb->run_off;
	struct loc loc = wb->run_loc;

	if (n == 0)
		return;
	loc.len = (unsigned)n;
	word_push_seg(wb, JC_SEG_TEXT, xstrndup(lx->text + wb->run_off, n),
	    loc, 1);
}

/*
 * Record the text produced by an escape that started at ${start} and ended
 * at the current byte; contiguous escapes share one non-verbatim segment.
 */
static void
word_add_escaped(const struct lexer *lx, struct word_builder *wb,
    size_t start_off, struct loc start, const char *text, size_t n)
{
	struct jc_seg *last = wb->v->nsegs > 0 ?
	    &wb->v->segs[wb->v->nsegs - 1] : NULL;
	size_t oldlen;

	if (last != NULL && last->kind == JC_SEG_TEXT && !last->verbatim &&
	    wb->escape_end == start_off) {
		oldlen = strlen(last->text);
		last->text = xrealloc(last->text, oldlen + n + 1);
		memcpy(last->text + oldlen, text, n);
		last->text[oldlen + n] = '\0';
		last->loc.len += (unsigned)(lx->off - start_off);
	} else if (n > 0) {
		start.len = (unsigned)(lx->off - start_off);
		word_push_seg(wb, JC_SEG_TEXT, xstrndup(text, n), start, 0);
	} else {
		return;		/* a lone line continuation: no text */
	}
	wb->escape_end = lx->off;
}

static void
lex_nul_error(struct lexer *lx, struct word_builder *wb)
{
	diag_error(lx->diags, lex_loc(lx, 1), "NUL byte in the text");
	wb->bad = true;
	lex_advance(lx);
}

/*
 * Read the backslash escape at the current byte: \n, \t, \r, a
 * backslash-newline (line continuation, no text), or \c for any other c.
 */
static void
lex_escape(struct lexer *lx, struct word_builder *wb, bool in_quotes)
{
	size_t start_off = lx->off;
	struct loc start = lex_loc(lx, 1);
	char ch;
	int c;

	lex_advance(lx);
	c = lex_peek(lx, 0);
	if (c == -1) {
		/* Inside quotes the string's own error says it all. */
		if (!in_quotes) {
			diag_error(lx->diags, start,
			    "'\\' at the end of the file");
			lx->swallowed = true;
		}
		wb->bad = true;
		return;
	}
	if (c == 0) {
		lex_nul_error(lx, wb);
		return;
	}
	if (c == '\n' || (c == '\r' && lex_peek(lx, 1) == '\n')) {
		if (c == '\r')
			lex_advance(lx);
		lex_advance(lx);
		word_add_escaped(lx, wb, start_off, start, "", 0);
		return;
	}
	ch = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : (char)c;
	lex_advance(lx);
	word_add_escaped(lx, wb, start_off, start, &ch, 1);
}

/* Read the $name or ${name} at the current byte into a JC_SEG_VAR. */
static void
lex_var(struct lexer *lx, struct word_builder *wb)
{
	size_t start_off = lx->off, name_off;
	struct loc start = lex_loc(lx, 1), loc;
	int c;

	lex_advance(lx);
	c = lex_peek(lx, 0);
	if (c == '{') {
		lex_advance(lx);
		name_off = lx->off;
		while (is_braced_var_char(lex_peek(lx, 0)))
			lex_advance(lx);
		c = lex_peek(lx, 0);
		if (c == '}' && lx->off > name_off) {
			lex_advance(lx);
			loc = start;
			loc.len = (unsigned)(lx->off - start_off);
			word_push_seg(wb, JC_SEG_VAR,
			    xstrndup(lx->text + name_off,
			    lx->off - 1 - name_off), loc, 0);
			return;
		}
		if (c == '}') {
			start.len = 3;
			diag_error(lx->diags, start, "empty variable name");
			lex_advance(lx);
		} else if (c == -1) {
			diag_error(lx->diags, lex_loc(lx, 0),
			    "expected '}' to end the variable name");
		} else {
			diag_error(lx->diags, lex_loc(lx, 1),
			    "expected '}' to end the variable name");
		}
		wb->bad = true;
		return;
	}
	if (!is_var_start(c)) {
		diag_error(lx->diags, start, "'$' must be followed by a "
		    "variable name; write '\\$' for a literal '$'");
		wb->bad = true;
		return;
	}
	name_off = lx->off;
	while (is_var_char(lex_peek(lx, 0)))
		lex_advance(lx);
	loc = start;
	loc.len = (unsigned)(lx->off - start_off);
	word_push_seg(wb, JC_SEG_VAR,
	    xstrndup(lx->text + name_off, lx->off - name_off), loc, 0);
}

/*
 * Read a quoted piece whose opening ${quote} is the next byte.  In "double
 * quotes" escapes and variables work; in 'single quotes' every byte up to
 * the closing quote is literal.
 */
static void
lex_quoted(struct lexer *lx, struct word_builder *wb, int quote)
{
	struct loc open = lex_loc(lx, 1);
	bool expands = quote == '"';
	int c;

	lex_advance(lx);
	run_start(lx, wb);
	for (;;) {
		c = lex_peek(lx, 0);
		if (c == -1) {
			diag_error(lx->diags, open, "unterminated string");
			lx->swallowed = true;
			wb->bad = true;
			return;
		}
		if (c == quote) {
			run_flush(lx, wb);
			lex_advance(lx);
			return;
		}
		if (c == 0 || (expands && (c == '\\' || c == '$'))) {
			run_flush(lx, wb);
			if (c == '\\')
				lex_escape(lx, wb, true);
			else if (c == '$')
				lex_var(lx, wb);
			else
				lex_nul_error(lx, wb);
			run_start(lx, wb);
		} else {
			lex_advance(lx);
		}
	}
}

/* Read a bare piece: escapes and variables work as in double quotes. */
static void
lex_bare(struct lexer *lx, struct word_builder *wb)
{
	int c;

	run_start(lx, wb);
	while (lex_at_bare_char(lx)) {
		c = lex_peek(lx, 0);
		if (c == '\\' || c == '$' || c == 0) {
			run_flush(lx, wb);
			if (c == '\\')
				lex_escape(lx, wb, false);
			else if (c == '$')
				lex_var(lx, wb);
			else
				lex_nul_error(lx, wb);
			run_start(lx, wb);
		} else {
			lex_advance(lx);
		}
	}
	run_flush(lx, wb);
}

/* Read a word: adjacent bare and quoted pieces make one value. */
static void
lex_word(struct lexer *lx, struct token *tok)
{
	struct word_builder wb = { .v = &tok->value };
	const struct jc_seg *seg;
	size_t start_off = lx->off;
	int c;

	tok->value.loc = lex_loc(lx, 0);
	wb.escape_end = (size_t)-1;
	for (;;) {
		c = lex_peek(lx, 0);
		if (c == '"' || c == '\'') {
			if (wb.npieces == 0)
				tok->value.quote = c;
			lex_quoted(lx, &wb, c);
		} else if (lex_at_bare_char(lx)) {
			lex_bare(lx, &wb);
		} else {
			break;
		}
		wb.npieces++;
	}
	tok->value.loc.len = (unsigned)(lx->off - start_off);
	tok->bad = wb.bad;
	seg = tok->value.nsegs == 1 ? &tok->value.segs[0] : NULL;
	tok->plain = !wb.bad && wb.npieces == 1 && tok->value.quote == 0 &&
	    seg != NULL && seg->kind == JC_SEG_TEXT && seg->verbatim &&
	    seg->loc.len == tok->value.loc.len;
	tok->is_var = !wb.bad && wb.npieces == 1 && tok->value.quote == 0 &&
	    seg != NULL && seg->kind == JC_SEG_VAR &&
	    seg->loc.len == tok->value.loc.len;
}

static void
value_free(struct jc_value *v)
{
	size_t i;

	for (i = 0; i < v->nsegs; i++)
		free(v->segs[i].text);
	free(v->segs);
	memset(v, 0, sizeof(*v));
}

/* Read the next token into ${tok}. */
static void
lex_token(struct lexer *lx, struct token *tok)
{
	size_t start_off;
	int c;

	memset(tok, 0, sizeof(*tok));
	lex_skip_blank(lx);
	start_off = lx->off;
	tok->loc = lex_loc(lx, 0);
	c = lex_peek(lx, 0);
	switch (c) {
	case -1:
		tok->kind = TOK_EOF;
		break;
	case '{':
	case '}':
	case ';':
	case ',':
	case '=':
		tok->kind = c == '{' ? TOK_LBRACE : c == '}' ? TOK_RBRACE :
		    c == ';' ? TOK_SEMI : c == ',' ? TOK_COMMA : TOK_SET;
		lex_advance(lx);
		break;
	default:
		if (c == '+' && lex_peek(lx, 1) == '=') {
			tok->kind = TOK_APPEND;
			lex_advance(lx);
			lex_advance(lx);
		} else {
			tok->kind = TOK_WORD;
			lex_word(lx, tok);
		}
		break;
	}
	tok->loc.len = (unsigned)(lx->off - start_off);
	tok->end = lex_loc(lx, 0);
}

/*
 * Parser.
 */

static void
parser_next(struct parser *p)
{
	if (p->tok.kind != TOK_EOF)
		p->prev_end = p->tok.end;
	value_free(&p->tok.value);
	lex_token(&p->lx, &p->tok);
}

/* Return the current token, moving its value out, and read the next one. */
static struct token
parser_take(struct parser *p)
{
	struct token t = p->tok;

	memset(&p->tok.value, 0, sizeof(p->tok.value));
	parser_next(p);
	return t;
}

static const char *
tok_desc(enum tok_kind kind)
{
	switch (kind) {
	case TOK_EOF:
		return "end of file";
	case TOK_WORD:
		return "word";
	case TOK_LBRACE:
		return "'{'";
	case TOK_RBRACE:
		return "'}'";
	case TOK_SEMI:
		return "';'";
	case TOK_COMMA:
		return "','";
	case TOK_SET:
		return "'='";
	case TOK_APPEND:
		return "'+='";
	}
	return "?";
}

/*
 * Report an error at the current token.  The end of the file is located
 * just after the last token, and needs no error once an unterminated string
 * or comment has been reported.
 */
static void __attribute__((format(printf, 2, 3)))
tok_error(struct parser *p, const char *fmt, ...)
{
	struct loc loc = p->tok.loc;
	va_list ap;

	if (p->tok.kind == TOK_EOF) {
		if (p->lx.swallowed)
			return;
		loc = p->prev_end;
	}
	va_start(ap, fmt);
	diag_add(p->diags, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
}

/*
 * Skip to the end of the statement in error: up to and including the next
 * ';', or up to a '}' that closes the current block, stepping over whole
 * {...} groups.
 */
static void
skip_statement(struct parser *p)
{
	unsigned depth = 0;

	for (;;) {
		switch (p->tok.kind) {
		case TOK_EOF:
			return;
		case TOK_SEMI:
			parser_next(p);
			if (depth == 0)
				return;
			break;
		case TOK_LBRACE:
			depth++;
			parser_next(p);
			break;
		case TOK_RBRACE:
			if (depth == 0)
				return;
			parser_next(p);
			if (--depth == 0)
				return;
			break;
		case TOK_WORD:
		case TOK_COMMA:
		case TOK_SET:
		case TOK_APPEND:
			parser_next(p);
			break;
		}
	}
}

/* Return the text of ${v} for messages: variables shown as ${name}. */
static char *
value_display(const struct jc_value *v)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < v->nsegs; i++) {
		if (v->segs[i].kind == JC_SEG_VAR)
			strbuf_addf(&sb, "${%s}", v->segs[i].text);
		else
			strbuf_adds(&sb, v->segs[i].text);
	}
	return strbuf_steal(&sb);
}

/*
 * Return the name written as ${v} (a newly allocated string), or NULL after
 * reporting that ${what} cannot contain a variable.
 */
static char *
word_name(struct parser *p, const struct jc_value *v, const char *what)
{
	size_t i;

	for (i = 0; i < v->nsegs; i++) {
		if (v->segs[i].kind == JC_SEG_VAR) {
			diag_error(p->diags, v->segs[i].loc,
			    "%s cannot contain a variable", what);
			return NULL;
		}
	}
	return value_display(v);
}

static void
param_free(struct jc_param *prm)
{
	size_t i;

	free(prm->name);
	for (i = 0; i < prm->nvalues; i++)
		value_free(&prm->values[i]);
	free(prm->values);
	memset(prm, 0, sizeof(*prm));
}

/* Add ${prm} to ${blk}, or to the globals if ${blk} is NULL. */
static void
add_param(struct parser *p, struct jc_block *blk, struct jc_param *prm)
{
	if (blk != NULL)
		*VEC_PUSH(blk->params, blk->nparams, blk->cap) = *prm;
	else
		*VEC_PUSH(p->conf->globals, p->conf->nglobals,
		    p->conf->gcap) = *prm;
	memset(prm, 0, sizeof(*prm));
}

/*
 * Read the value list after ${op} ("=", "+=") into ${prm}.  Set ${bad} if a
 * value had a lexical error.  Return false after a syntax error.
 */
static bool
parse_values(struct parser *p, struct jc_param *prm, const char *op,
    bool *bad)
{
	size_t cap = 0;
	struct token t;

	for (;;) {
		if (p->tok.kind != TOK_WORD) {
			tok_error(p, "syntax error, expected a value after "
			    "'%s'", op);
			return false;
		}
		t = parser_take(p);
		*bad |= t.bad;
		*VEC_PUSH(prm->values, prm->nvalues, cap) = t.value;
		if (p->tok.kind != TOK_COMMA)
			return true;
		op = ",";
		parser_next(p);
	}
}

/* Read "name = values;" or "name += values;", ${name} read, at the operator. */
static void
parse_assignment(struct parser *p, struct jc_block *blk,
    const struct token *name)
{
	struct jc_param prm = { 0 };
	bool bad = false, keep;

	prm.op = p->tok.kind == TOK_SET ? JC_SET : JC_APPEND;
	prm.loc = name->loc;
	if (name->is_var) {
		prm.is_var = true;
		prm.name = xstrdup(name->value.segs[0].text);
	} else if ((prm.name = word_name(p, &name->value,
	    "a parameter name")) == NULL) {
		skip_statement(p);
		return;
	}
	parser_next(p);
	if (!parse_values(p, &prm, prm.op == JC_SET ? "=" : "+=", &bad)) {
		param_free(&prm);
		skip_statement(p);
		return;
	}
	if (p->tok.kind == TOK_SEMI) {
		parser_next(p);
		keep = true;
	} else {
		/* A ';' forgotten at the end of a line is shown there. */
		if (p->tok.kind != TOK_EOF &&
		    p->tok.loc.line > p->prev_end.line)
			diag_error(p->diags, p->prev_end, "syntax error, "
			    "expected ';' after the value of '%s'", prm.name);
		else
			tok_error(p, "syntax error, expected ';' after the "
			    "value of '%s'", prm.name);
		/*
		 * A '}', the end of the file or a word on the next line is
		 * most likely a forgotten ';': keep the statement and go on
		 * from there rather than skip what follows.
		 */
		keep = p->tok.kind == TOK_RBRACE || p->tok.kind == TOK_EOF ||
		    (p->tok.kind == TOK_WORD &&
		    p->tok.loc.line > p->prev_end.line);
		if (!keep)
			skip_statement(p);
	}
	if (keep && !bad)
		add_param(p, blk, &prm);
	else
		param_free(&prm);
}

/* Read "name;", ${name} read, at the ';'. */
static void
parse_boolean(struct parser *p, struct jc_block *blk,
    const struct token *name)
{
	struct jc_param prm = { 0 };

	if (name->is_var) {
		tok_error(p, "syntax error, expected '=' or '+=' after "
		    "'$%s'", name->value.segs[0].text);
		parser_next(p);
		return;
	}
	prm.name = word_name(p, &name->value, "a parameter name");
	parser_next(p);
	if (prm.name == NULL)
		return;
	prm.op = JC_BOOL;
	prm.loc = name->loc;
	add_param(p, blk, &prm);
}

/*
 * Read the header "[kind] name {", at the '{', into ${hdr}.  Inside block
 * ${blk} (blocks do not nest) it also means that ${blk} lacks its '}'.
 */
static enum stmt_end
parse_header(struct parser *p, const struct jc_block *blk,
    const struct token *kind, const struct token *name, struct header *hdr)
{
	char *kindstr = NULL, *namestr;

	if ((kind != NULL && (kindstr = word_name(p, &kind->value,
	    "a block kind")) == NULL) ||
	    (namestr = word_name(p, &name->value, "a block name")) == NULL) {
		free(kindstr);
		skip_statement(p);
		return STMT_DONE;
	}
	if (blk != NULL) {
		diag_error(p->diags, kind != NULL ? kind->loc : name->loc,
		    "missing '}' for block '%s'", blk->name);
		diag_note(p->diags, blk->loc, "block '%s' opened here",
		    blk->name);
	}
	memset(hdr, 0, sizeof(*hdr));
	hdr->kind = kindstr;
	if (kind != NULL)
		hdr->kind_loc = kind->loc;
	hdr->name = namestr;
	hdr->name_loc = name->loc;
	parser_next(p);
	return STMT_HEADER;
}

/* Read a statement of two words, ${w1} read and the second one current. */
static enum stmt_end
parse_two_words(struct parser *p, const struct jc_block *blk,
    const struct token *w1, struct header *hdr)
{
	enum stmt_end end = STMT_DONE;
	struct token w2 = parser_take(p);
	char *s;

	if (w2.bad) {
		skip_statement(p);
	} else if (p->tok.kind == TOK_LBRACE) {
		end = parse_header(p, blk, w1, &w2, hdr);
	} else if (p->tok.kind == TOK_WORD) {
		tok_error(p, "a block header has at most two words");
		skip_statement(p);
	} else {
		s = value_display(&w1->value);
		diag_error(p->diags, w2.loc, "syntax error, expected '=', "
		    "'+=', ';' or '{' after '%s'", s);
		free(s);
		skip_statement(p);
	}
	value_free(&w2.value);
	return end;
}

/* Report that the current token cannot follow the name ${w1}. */
static void
expected_after_name(struct parser *p, const struct token *w1)
{
	char *s = value_display(&w1->value);

	tok_error(p, "syntax error, expected '=', '+=', ';' or '{' after '%s'",
	    s);
	free(s);
}

/*
 * Read one statement of block ${blk} (NULL at the top level): a parameter,
 * added to ${blk} or the globals, or a block header, returned in ${hdr}.
 * The caller handles a '}' that closes ${blk} and the end of the file.
 */
static enum stmt_end
parse_statement(struct parser *p, struct jc_block *blk, struct header *hdr)
{
	enum stmt_end end = STMT_DONE;
	struct token w1;

	switch (p->tok.kind) {
	case TOK_WORD:
		break;
	case TOK_EOF:
		return STMT_DONE;
	case TOK_SEMI:
		/* Empty statements, as after a block's '}', are harmless. */
		parser_next(p);
		return STMT_DONE;
	case TOK_RBRACE:
		tok_error(p, "unexpected '}'");
		parser_next(p);
		return STMT_DONE;
	case TOK_LBRACE:
		tok_error(p, "syntax error, expected a block name before '{'");
		skip_statement(p);
		return STMT_DONE;
	case TOK_COMMA:
	case TOK_SET:
	case TOK_APPEND:
		tok_error(p, "syntax error, expected a parameter name before "
		    "%s", tok_desc(p->tok.kind));
		skip_statement(p);
		return STMT_DONE;
	}
	w1 = parser_take(p);
	if (w1.bad) {
		skip_statement(p);
	} else if (w1.plain && strcmp(w1.value.segs[0].text, ".include") == 0) {
		diag_error(p->diags, w1.loc,
		    "'.include' is not supported by jailnet");
		skip_statement(p);
	} else {
		switch (p->tok.kind) {
		case TOK_SET:
		case TOK_APPEND:
			parse_assignment(p, blk, &w1);
			break;
		case TOK_SEMI:
			parse_boolean(p, blk, &w1);
			break;
		case TOK_LBRACE:
			end = parse_header(p, blk, NULL, &w1, hdr);
			break;
		case TOK_WORD:
			/* A header is on one line; else a ';' is missing. */
			if (p->tok.loc.line == w1.end.line)
				end = parse_two_words(p, blk, &w1, hdr);
			else
				expected_after_name(p, &w1);
			break;
		case TOK_EOF:
		case TOK_RBRACE:
		case TOK_COMMA:
			expected_after_name(p, &w1);
			if (p->tok.kind == TOK_COMMA)
				skip_statement(p);
			break;
		}
	}
	value_free(&w1.value);
	return end;
}

static struct jc_block *
add_block(struct parser *p, struct header *hdr)
{
	struct jail_conf *conf = p->conf;
	struct jc_block *blk = VEC_PUSH(conf->blocks, conf->nblocks,
	    conf->bcap);

	blk->kind = hdr->kind;
	blk->kind_loc = hdr->kind_loc;
	blk->name = hdr->name;
	blk->loc = hdr->name_loc;
	memset(hdr, 0, sizeof(*hdr));
	return blk;
}

/*
 * Read the statements of ${blk} up to its '}'.  Return STMT_HEADER if a new
 * block header ended it (its '}' is missing), with the header in ${hdr}.
 */
static enum stmt_end
parse_block_body(struct parser *p, struct jc_block *blk, struct header *hdr)
{
	for (;;) {
		switch (p->tok.kind) {
		case TOK_RBRACE:
			parser_next(p);
			return STMT_DONE;
		case TOK_EOF:
			if (!p->lx.swallowed) {
				diag_error(p->diags, p->prev_end,
				    "missing '}' for block '%s'", blk->name);
				diag_note(p->diags, blk->loc,
				    "block '%s' opened here", blk->name);
			}
			return STMT_DONE;
		case TOK_WORD:
		case TOK_LBRACE:
		case TOK_SEMI:
		case TOK_COMMA:
		case TOK_SET:
		case TOK_APPEND:
			if (parse_statement(p, blk, hdr) == STMT_HEADER)
				return STMT_HEADER;
			break;
		}
	}
}

struct jail_conf *
jailconf_parse(const struct source *src, struct diags *diags)
{
	struct parser p;
	struct header hdr;
	struct jc_block *blk;
	enum stmt_end end;

	memset(&p, 0, sizeof(p));
	p.conf = xcalloc(1, sizeof(*p.conf));
	p.conf->src = src;
	p.diags = diags;
	p.lx.src = src;
	p.lx.text = src->text;
	p.lx.len = src->len;
	p.lx.line = 1;
	p.lx.col = 1;
	p.lx.diags = diags;
	p.prev_end = loc_at(src, 0, 0);
	lex_token(&p.lx, &p.tok);
	while (p.tok.kind != TOK_EOF) {
		end = parse_statement(&p, NULL, &hdr);
		/* Blocks do not nest, so one left open is followed here. */
		while (end == STMT_HEADER) {
			blk = add_block(&p, &hdr);
			end = parse_block_body(&p, blk, &hdr);
		}
	}
	value_free(&p.tok.value);
	return p.conf;
}

void
jailconf_free(struct jail_conf *conf)
{
	size_t i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nglobals; i++)
		param_free(&conf->globals[i]);
	free(conf->globals);
	for (i = 0; i < conf->nblocks; i++) {
		free(conf->blocks[i].kind);
		free(conf->blocks[i].name);
		for (j = 0; j < conf->blocks[i].nparams; j++)
			param_free(&conf->blocks[i].params[j]);
		free(conf->blocks[i].params);
	}
	free(conf->blocks);
	free(conf);
}
