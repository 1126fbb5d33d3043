/*
 * rcconf: the subset of sh that FreeBSD rc.conf files are written in.
 *
 * Parsing is pure: rcconf_parse() turns text into assignments whose values
 * are lists of segments (literal text, ${var} references, file reads written
 * as `/bin/cat FILE` or $(cat FILE)).  rcconf_eval() then expands them,
 * reading files through a caller-supplied reader so that the same rc.conf
 * gives each server (or jail) its own values.
 *
 * Accepted per line: blank, "# comment", NAME=VALUE [# comment].  A VALUE is
 * a concatenation of bare words, "double-quoted" (may span lines; $var,
 * ${var}, backticks and \ escapes work inside) and 'single-quoted' text.
 * A backslash-newline outside single quotes joins lines.  Anything that
 * would need a real shell (commands, pipes, ;, &&, other substitutions,
 * arithmetic, unquoted spaces in a value) is an error naming it.
 */
#ifndef JAILNET_RCCONF_H
#define JAILNET_RCCONF_H

#include <stddef.h>

#include "lib/diag.h"

enum rc_seg_kind {
	RC_SEG_TEXT,	/* literal text, escapes already removed */
	RC_SEG_VAR,	/* $name or ${name}: text is the name */
	RC_SEG_CAT,	/* `/bin/cat FILE`, `cat FILE`, $(cat FILE): text is FILE */
};

struct rc_seg {
	enum rc_seg_kind kind;
	char *text;
	struct loc loc;		/* the segment as written, quotes excluded */
	int verbatim;		/* RC_SEG_TEXT: 1 if text equals the source bytes */
};
/*
 * rcconf_parse() makes every RC_SEG_TEXT verbatim: a run of literal text
 * ends where quotes or an escape interrupt the source bytes, and the escaped
 * character starts the next run ("a\$b" is "a" then "$b" located at the
 * '$'), so each byte of a value can be located exactly.
 */

struct rc_assign {
	char *name;
	struct loc name_loc;
	struct loc value_loc;	/* the whole value as written (may be empty) */
	struct rc_seg *segs;
	size_t nsegs;
};

struct rc_conf {
	const struct source *src;	/* not owned */
	struct rc_assign *v;
	size_t n, cap;
};

/**
 * rcconf_parse(src, diags):
 * Parse the rc.conf text of ${src}.  Append every problem to ${diags}.
 * Return the assignments in file order (owned by the caller, freed with
 * rcconf_free(); it points into ${src}, which must outlive it), including
 * those of lines without errors when others had errors.  Never NULL.
 */
struct rc_conf *rcconf_parse(const struct source *src, struct diags *diags);

/**
 * rcconf_print(conf, out):
 * Append the canonical text of ${conf} to ${out}: one NAME="VALUE" line per
 * assignment in order, comments dropped, file reads written `/bin/cat FILE`,
 * variables ${name}, and \ before $ ` " \ in literal text.  Parsing that
 * text and printing it again gives the same text.
 */
struct strbuf;
void rcconf_print(const struct rc_conf *conf, struct strbuf *out);

/**
 * rcconf_free(conf):
 * Free ${conf}; does nothing if NULL.
 */
void rcconf_free(struct rc_conf *conf);

/*
 * A file reader for rcconf_eval(): return the file ${path} (an absolute
 * FreeBSD path) as a new source owned by the caller, or NULL with errno's
 * value in ${errnum}.  fsview_read() fits.
 */
typedef struct source *(*rc_reader)(void *ctx, const char *path, int *errnum);

/* One expanded variable. */
struct rc_value {
	char *name;
	struct loc name_loc;
	struct loc value_loc;	/* the value as written */
	struct ltext value;	/* expanded; each byte located at its origin */
	int used;		/* for the caller: set when a consumer reads it */
	int incomplete;		/* 1 if expanding it recorded an error; the
				   value holds what could be expanded */
};

struct rc_vars {
	struct rc_value *v;	/* one per name, in order of first assignment */
	size_t n, cap;
	struct source **files;	/* sources read for file substitutions */
	size_t nfiles, filescap;
	size_t total;		/* bytes of all the values */
};

/* The longest expanded value, in bytes (and pieces of located text). */
#define RCCONF_VALUE_MAX (64 * 1024)

/**
 * rcconf_eval(conf, read, ctx, vars, diags):
 * Expand every assignment of ${conf} in order into ${vars} (which must be
 * zeroed or hold earlier files' variables: rc.conf files read in sequence
 * see each other's values).  A later assignment replaces an earlier value of
 * the same name, with a warning if both are in the same file (unless the
 * new value uses the old one: a="$a more").  A file
 * substitution reads the file with ${read}(${ctx}, ...) and drops trailing
 * newlines, as sh does; a missing or unreadable file is an error at the
 * backtick naming the path and the reason.  ${name} of a name not assigned
 * before is an error, and so is a value that would grow past
 * RCCONF_VALUE_MAX bytes (at the segment that makes it).  An assignment whose expansion failed is still stored,
 * with what could be expanded and incomplete = 1, so that later uses of it
 * are not reported again.  Return 0 if no error was recorded, -1 otherwise.
 */
int rcconf_eval(const struct rc_conf *conf, rc_reader read, void *ctx,
    struct rc_vars *vars, struct diags *diags);

/**
 * rc_vars_get(vars, name):
 * Return the variable ${name} of ${vars}, or NULL.
 */
struct rc_value *rc_vars_get(const struct rc_vars *vars, const char *name);

/**
 * rc_vars_free(vars):
 * Release the contents of ${vars} (including the sources it read) and leave
 * it zeroed.
 */
void rc_vars_free(struct rc_vars *vars);

#endif
