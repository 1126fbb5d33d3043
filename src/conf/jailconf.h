/*
 * jailconf: the jail.conf(5) grammar, also used for jailnet's site.conf.
 *
 * A file is a sequence of parameters ("name = value;", "name += value;",
 * "name;" for a true boolean, "$var = value;" for a variable that is not a
 * parameter) and blocks ("name { parameters }").  Values are comma lists of
 * words and "double" or 'single' quoted strings; $name and ${name} are
 * expanded in double-quoted strings and bare words, not in single quotes.
 * Comments: #, // and C-style.  jailnet's site.conf also needs typed blocks
 * ("server a { ... }"): a block header may be one word (jail.conf) or a kind
 * word and a name; jail.conf's reader rejects kinds.
 *
 * Parsing is pure.  Resolution (which parameters a given jail ends up with,
 * expanding variables against that jail) is a separate step.
 *
 * Lexical details.  A bare word runs up to white space or one of ; , { } =
 * " ' # (and "+=" ends it); "#", "//" and C-style comments start only where a
 * token may start, so /jails/x//y is one word.  In bare words and double
 * quotes, \n \t \r stand for newline, tab and carriage return, a
 * backslash-newline joins lines, and \c is c for any other c (\" \\ \$);
 * $name is [A-Za-z_][A-Za-z0-9_]* and ${name} also allows . and - (e.g.
 * ${ip4.addr}).  Single quotes are literal.  A "$" not followed by a name
 * and NUL bytes are errors.  ".include" (FreeBSD 14) is reported as not
 * supported.
 */
#ifndef JAILNET_JAILCONF_H
#define JAILNET_JAILCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

enum jc_seg_kind {
	JC_SEG_TEXT,	/* literal text, escapes removed */
	JC_SEG_VAR,	/* $name or ${name}: text is the name */
};

/*
 * A segment of a value.  A TEXT segment is either a run of source bytes
 * copied as they are (verbatim, loc covers exactly those bytes, which may
 * span lines inside quotes) or the text of contiguous escapes (not
 * verbatim, loc covers the escapes).  A VAR's loc covers "$name"/"${name}".
 */
struct jc_seg {
	enum jc_seg_kind kind;
	char *text;
	struct loc loc;
	int verbatim;	/* JC_SEG_TEXT: 1 if text equals the source bytes */
};

/* One element of a value list, e.g. the "pg_b" in "pg_b, node_pg_b". */
struct jc_value {
	struct jc_seg *segs;
	size_t nsegs;
	struct loc loc;		/* the element as written, quotes included */
	int quote;		/* 0, '"' or '\'': its first piece's quote */
};

enum jc_op {
	JC_SET,		/* name = v1, v2; */
	JC_APPEND,	/* name += v; */
	JC_BOOL,	/* name; */
};

struct jc_param {
	char *name;		/* without the $ for a variable */
	struct loc loc;		/* the name as written, $ included */
	enum jc_op op;
	bool is_var;		/* $name = ...; */
	struct jc_value *values;
	size_t nvalues;
};

struct jc_block {
	char *kind;		/* NULL for a one-word header */
	struct loc kind_loc;
	char *name;		/* "*" for the wildcard block */
	struct loc loc;		/* the name as written, with quotes */
	struct jc_param *params;
	size_t nparams, cap;
};

struct jail_conf {
	const struct source *src;	/* not owned */
	struct jc_param *globals;	/* parameters outside any block */
	size_t nglobals, gcap;
	struct jc_block *blocks;	/* in file order */
	size_t nblocks, bcap;
};

/**
 * jailconf_parse(src, diags):
 * Parse ${src}.  Append every problem to ${diags} (syntax errors say what was
 * expected, at the offending token).  Return the syntax tree, owned by the
 * caller and freed with jailconf_free(); it points into ${src}, which must
 * outlive it.  Never NULL: after an error the parser skips to the next ';'
 * or '}' (over whole {...} groups) and goes on, so that all errors of a file
 * are reported at once.  A statement with an error is left out of the tree;
 * a missing ';' before a '}', the end of the file or a new line is reported
 * but the statement is kept.  Blocks do not nest: a block header inside a
 * block is reported as that block's missing '}' and starts a new block.
 * The end of the file is located just after the last token.
 */
struct jail_conf *jailconf_parse(const struct source *src,
    struct diags *diags);

/**
 * jailconf_print(conf, out):
 * Append the canonical text of ${conf} to ${out}: globals first, one per
 * line, then each block with its parameters indented by a tab; comments
 * dropped; a value printed bare if it is a simple word, otherwise in double
 * quotes with \ before " \ $ and newline-escapes; variables as ${name}.
 * Parsing that text and printing it again gives the same text.
 *
 * Precisely: a value is bare if it has no variable and its text is
 * non-empty, made of [A-Za-z0-9_./:@+%-] and does not start with "//";
 * names (and kinds) may also contain "*" but are quoted if they start with
 * "."; escapes are \" \\ \$ \n \t \r.  A variable definition prints as
 * $name, or ${name} when the name needs braces.  Blocks are separated from
 * what precedes them by an empty line.
 */
struct strbuf;
void jailconf_print(const struct jail_conf *conf, struct strbuf *out);

/**
 * jailconf_free(conf):
 * Free ${conf}; does nothing if NULL.
 */
void jailconf_free(struct jail_conf *conf);

/* One parameter as a block ends up with it. */
struct jc_resolved {
	char *name;
	struct loc loc;		/* its last assignment */
	struct loc first_loc;	/* its first assignment */
	bool is_bool;		/* set with "name;" */
	struct ltext *values;	/* expanded list elements */
	struct loc *value_locs;	/* each element as written */
	size_t nvalues;
};

struct jc_params {
	struct jc_resolved *v;	/* in order of first assignment */
	size_t n, cap;
};

/**
 * jailconf_resolve(conf, blk, params, diags):
 * Compute the parameters that block ${blk} of ${conf} ends up with, into
 * ${params} (zeroed by the caller): the globals, then every "*" block, then
 * ${blk}'s own parameters, in that order; "=" replaces, "+=" appends,
 * "name;" sets a boolean.  $name / ${name} expand to the block's name;
 * ${x} to parameter or variable x as set so far (a list is joined with
 * ", "); an unknown variable is an error at its use.  Variables ($x = ...)
 * are not included in ${params}.  ${blk} may be NULL for the globals alone.
 * Return 0 if no error was recorded, -1 otherwise.
 *
 * Details: "*" blocks count when their kind equals ${blk}'s (both NULL for
 * jail.conf); ${blk}'s own parameters are those of every block with its kind
 * and name, in file order.  ${x} looks up variable $x first, then parameter
 * x; a boolean expands to "".  With ${blk} NULL, $name is an ordinary
 * variable.  Each piece of an expanded value points at the text it came
 * from: the segment, the block name, or the pieces of the referenced value;
 * the ", " of a joined list points at the reference.  After an error the
 * value is kept without the failed part.  One resolution expands at most
 * 1 MiB of text (an error past that), so self-doubling variables cannot
 * exhaust memory.  Globals are expanded anew for each block, so an error in
 * one is reported once per resolution.
 */
int jailconf_resolve(const struct jail_conf *conf, const struct jc_block *blk,
    struct jc_params *params, struct diags *diags);

/**
 * jc_params_get(params, name):
 * Return the parameter ${name} of ${params}, or NULL.
 */
const struct jc_resolved *jc_params_get(const struct jc_params *params,
    const char *name);

/**
 * jc_params_free(params):
 * Release the contents of ${params} and leave it zeroed.
 */
void jc_params_free(struct jc_params *params);

#endif
