/*
 * diag: source texts, locations in them, and diagnostics that point at them.
 *
 * Every parsed object remembers where it came from (file, line, column,
 * length).  Problems are collected in a list and printed together, each with
 * the offending source line and a caret under the spot, as nftables does:
 *
 *   site/common/etc/jail.conf:14:19: error: interface 'ngx_b' is handed to
 *   both nginx_j and node_j
 *     vnet.interface = ngx_b, ngx_node_b;
 *                      ^~~~~
 *
 * A diagnostic copies what it needs from the source when it is recorded, so
 * it outlives the text it points into.
 */
#ifndef JAILNET_DIAG_H
#define JAILNET_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* One text read from a file (or given by a test), NUL-terminated. */
struct source {
	char *path;	/* the name used in messages */
	char *text;
	size_t len;
	/* Where every SOURCE_MARK_LINES-th line starts (marks[k]: line
	   1 + k * SOURCE_MARK_LINES), so that a location is found without
	   reading the text from its start; NULL for a source made by hand,
	   which is then read from its start. */
	size_t *marks;
	size_t nmarks;
};

#define SOURCE_MARK_LINES 64

/**
 * source_new(path, text, len):
 * Return a source named ${path} holding a copy of the ${len} bytes at
 * ${text}; owned by the caller, freed with source_free().
 */
struct source *source_new(const char *path, const char *text, size_t len);

/**
 * source_read(fspath, path, errnum):
 * Read the file ${fspath} into a source named ${path} in messages.  Return it
 * (owned by the caller), or NULL with errno's value in ${errnum}.
 */
struct source *source_read(const char *fspath, const char *path, int *errnum);

/**
 * source_free(src):
 * Free ${src}; does nothing if NULL.
 */
void source_free(struct source *src);

/*
 * A span of source text: 1-based line and column of its first byte and its
 * length in bytes (0 is shown as a single caret).  A location with no source
 * (src == NULL) stands for "no particular place"; one with a source but
 * line 0 names only the file.
 */
struct loc {
	const struct source *src;
	unsigned line;
	unsigned col;
	unsigned len;
};

/**
 * loc_at(src, offset, len):
 * Return the location of the ${len} bytes at byte ${offset} of ${src}.
 */
struct loc loc_at(const struct source *src, size_t offset, size_t len);

/**
 * loc_file(src):
 * Return a location naming only the file of ${src}.
 */
struct loc loc_file(const struct source *src);

/**
 * loc_offset(loc):
 * Return the byte offset in its source of the first byte of ${loc}; 0 for a
 * location without line.
 */
size_t loc_offset(struct loc loc);

/*
 * Located text: a string built from pieces of several sources (a value in
 * rc.conf whose backticks were replaced by a file's contents), remembering
 * where each piece came from so that an error in the result can point at
 * its origin.
 */
struct ltext_piece {
	size_t off;		/* first byte of the piece in the string */
	struct loc loc;		/* where that byte came from */
	int verbatim;		/* 1 if the piece's bytes are the source's bytes */
};

struct ltext {
	char *s;		/* the text, NUL-terminated, never NULL once built */
	size_t len;
	size_t scap;		/* bytes allocated for s */
	struct ltext_piece *pieces;	/* ordered by off */
	size_t npieces, cap;
};

/**
 * ltext_add(lt, data, len, loc, verbatim):
 * Append ${len} bytes from ${data} to ${lt}; they came from ${loc}.  If
 * ${verbatim} is non-zero, byte k of ${data} is at column loc.col + k of
 * that line (so a word in it can be located exactly); otherwise the whole
 * piece points at ${loc}.
 */
void ltext_add(struct ltext *lt, const char *data, size_t len, struct loc loc,
    int verbatim);

/**
 * ltext_loc(lt, off, len):
 * Return the location of the ${len} bytes at ${off} in ${lt}.
 */
struct loc ltext_loc(const struct ltext *lt, size_t off, size_t len);

/**
 * ltext_copy(dst, src):
 * Make ${dst} a copy of ${src}.
 */
void ltext_copy(struct ltext *dst, const struct ltext *src);

/**
 * ltext_free(lt):
 * Release the contents of ${lt} and leave it empty.
 */
void ltext_free(struct ltext *lt);

/* A word of a located text. */
struct lword {
	char *s;
	struct loc loc;
};

/**
 * ltext_split(lt, words):
 * Split ${lt} at white space (newlines included) into a new array of
 * located words stored in ${words}.  Return the number of words; the caller
 * frees the array with lwords_free().
 */
size_t ltext_split(const struct ltext *lt, struct lword **words);

/**
 * lwords_free(words, n):
 * Free the ${n} words of ${words} and the array.
 */
void lwords_free(struct lword *words, size_t n);

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTE,
};

/* The source line of a diagnostic is quoted up to this many bytes around
   its column (a site's line may be any length), with "..." where cut. */
#define DIAG_LINE_MAX	160

/* At most this many errors and warnings (and remarks) of one file are
   printed, with their notes; then one line says how many more there are. */
#define DIAG_FILE_MAX	100

struct diag {
	enum diag_severity severity;
	char *file;		/* NULL if none */
	unsigned line, col, len;
	char *line_text;	/* the source line as quoted: at most
				   DIAG_LINE_MAX of its bytes around the
				   column, control bytes as \xHH; or NULL */
	unsigned mark, marklen;	/* the span's place in line_text */
	char *msg;
	int remark;		/* a note of its own, not about an error */
};

/* A list of diagnostics in the order they were recorded. */
struct diags {
	struct diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
	int dropping;		/* the last error or warning was a repeat */
};

/**
 * diags_init(d), diags_free(d):
 * Start an empty list; release a list's contents.
 */
void diags_init(struct diags *d);
void diags_free(struct diags *d);

/**
 * diag_error(d, loc, fmt, ...), diag_warning(...), diag_note(...):
 * Append a diagnostic about ${loc} with a printf-formatted message.  A note
 * belongs to the diagnostic recorded just before it.  An error or warning
 * identical to an earlier one (same place, same words) is dropped with its
 * notes: a file that every server shares reports its problems once.
 */
void diag_error(struct diags *d, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(struct diags *d, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(struct diags *d, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * diag_remark(d, loc, fmt, ...):
 * Append a note that belongs to no error or warning: something jailnet
 * says about a valid input (what it will do where Linux differs from
 * FreeBSD).  Commands that only read the model may leave remarks out.
 */
void diag_remark(struct diags *d, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_add(struct diags *d, enum diag_severity sev, struct loc loc,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/**
 * diags_print(d, f), diags_print_remarks(d, f, remarks):
 * Print every diagnostic of ${d} to ${f}: "file:line:col: severity: msg",
 * then the source line and a caret line under the span.  The second form
 * leaves out the remarks unless ${remarks} is non-zero.  What came from a
 * file (its name, the message, the line) is printed with its control
 * bytes escaped (see strbuf_add_printable()), tabs kept; past
 * DIAG_FILE_MAX diagnostics of one file, a last note per file counts the
 * ones left out.
 */
void diags_print(const struct diags *d, FILE *f);
void diags_print_remarks(const struct diags *d, FILE *f, int remarks);

/**
 * diags_print_errors(d, f):
 * Print the errors of ${d} to ${f} as diags_print() does, each with its
 * notes; leave out the warnings, their notes and the remarks (a command
 * other than check says how many warnings there are instead).
 */
void diags_print_errors(const struct diags *d, FILE *f);

/**
 * diags_has_errors(d):
 * Return non-zero if ${d} holds at least one error.
 */
int diags_has_errors(const struct diags *d);

#endif
