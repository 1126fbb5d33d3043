/*
 * pf_lex: the tokens of pf.conf, as pfctl's hand-written lexer makes them.
 *
 * Internal to the pf parser.  The lexer follows pfctl's rules exactly:
 * "\" before a newline joins lines and before any other character stands
 * for that character; "#" starts a comment; words are letters, digits and
 * most punctuation; a word of digits followed by white space, ")", ",",
 * "/", "}" or "=" is a number; "<>", "><" and "->" are operators; anything
 * else is a token of one character (so ";" is not a separator, just a
 * syntax error).  "$name" at the start of a token is replaced by the
 * macro's text, which is lexed as if it were written there; a token may run
 * from a macro's text into the file ("$ext_if:network").
 */
#ifndef JAILNET_PF_LEX_H
#define JAILNET_PF_LEX_H

#include "lib/diag.h"

enum pf_tok_kind {
	PF_TOK_EOF,
	PF_TOK_NL,		/* end of a line (statement) */
	PF_TOK_WORD,		/* a word that is not a keyword, or a quoted
				   string: pfctl's STRING */
	PF_TOK_KEYWORD,		/* a word in pfctl's keyword table */
	PF_TOK_NUMBER,
	PF_TOK_CHAR,		/* any other single character */
	PF_TOK_PORTBINARY,	/* "><" or "<>" */
	PF_TOK_ARROW,		/* "->" */
	PF_TOK_ERROR,		/* the lexer recorded an error on this line */
};

struct pf_tok {
	enum pf_tok_kind kind;
	char *text;		/* WORD, KEYWORD, NUMBER: the text (quotes
				   removed); otherwise NULL */
	int quoted;		/* WORD: written in quotes */
	long long num;		/* NUMBER */
	int ch;			/* CHAR: the character; PORTBINARY: '<' for
				   "<>", '>' for "><" */
	struct loc loc;		/* in the file; a token from a macro is at
				   the macro's use */
	struct loc macro_loc;	/* in the macro's value, or src == NULL */
	int macro;		/* index of the macro it came from, or -1 */
};

struct pf_lexer;

/**
 * pf_lex_new(src, diags):
 * Return a lexer over ${src} recording errors in ${diags}; freed with
 * pf_lex_free().
 */
struct pf_lexer *pf_lex_new(const struct source *src, struct diags *diags);

/**
 * pf_lex_free(lx):
 * Free ${lx}; does nothing if NULL.
 */
void pf_lex_free(struct pf_lexer *lx);

/**
 * pf_lex_next(lx, tok):
 * Read the next token into ${tok}, whose text the caller then owns (free
 * it with pf_tok_clear()).  An undefined macro, a bad number or an
 * unterminated string is recorded in the diagnostics and returned as a
 * PF_TOK_ERROR token, after which the rest of the line is skipped.
 */
void pf_lex_next(struct pf_lexer *lx, struct pf_tok *tok);

/**
 * pf_lex_define(lx, name, value, value_loc, verbatim):
 * Define the macro ${name} (replacing an earlier definition) for the
 * tokens read from now on.  ${value_loc} is where the value was written;
 * if ${verbatim}, byte k of the value is at column value_loc.col + k.
 * Return the macro's index (as in pf_tok.macro).
 */
int pf_lex_define(struct pf_lexer *lx, const char *name, const char *value,
    struct loc value_loc, int verbatim);

/**
 * pf_lex_push(lx, src), pf_lex_depth(lx), pf_lex_reading(lx, path):
 * Read ${src} (not owned; it must outlive the tokens) from its start,
 * then, at its end (an end of line, not of the input), go on where the
 * current file was; macros stay shared, as pfctl's include does.  Return
 * how many files are so interrupted; whether the file named ${path} is
 * being read or interrupted.
 */
void pf_lex_push(struct pf_lexer *lx, const struct source *src);
size_t pf_lex_depth(const struct pf_lexer *lx);
int pf_lex_reading(const struct pf_lexer *lx, const char *path);

/**
 * pf_lex_is_keyword(word):
 * Return non-zero if ${word} is one of pfctl's keywords.
 */
int pf_lex_is_keyword(const char *word);

/**
 * pf_lex_closest_keyword(word):
 * Return the keyword closest to ${word} if it looks like a typo of one,
 * else NULL.
 */
const char *pf_lex_closest_keyword(const char *word);

/**
 * pf_tok_clear(tok):
 * Release ${tok}'s text and zero it.
 */
void pf_tok_clear(struct pf_tok *tok);

#endif
