#include "conf/rcconf.h"

#include <stdlib.h>
#include <string.h>

#include "conf/fsview.h"
#include "lib/util.h"

/* The longest piece of source text quoted in a message. */
#define EXCERPT_MAX 40

/* All the values of a view together (each is within RCCONF_VALUE_MAX),
   so that many variables copying a long one stay bounded too. */
#define RC_TOTAL_MAX (16u << 20)

/* Shell keywords and builtins: messages name them without "command". */
static const char *const shell_words[] = {
	"alias", "break", "case", "cd", "command", "continue", "do", "done",
	"echo", "elif", "else", "esac", "eval", "exec", "exit", "export",
	"fi", "for", "function", "getopts", "if", "local", "printf", "read",
	"readonly", "return", "set", "shift", "source", "test", "then",
	"trap", "true", "false", "type", "ulimit", "umask", "unalias",
	"unset", "until", "wait", "while",
};

/* The text being parsed and the position of the parser in it. */
struct rc_scan {
	const struct source *src;
	const char *s;
	size_t len;
	size_t pos;
	struct diags *diags;
	/* Line and column of byte loc_off, so that locating is linear. */
	size_t loc_off;
	unsigned loc_line, loc_col;
};

/* The assignment being read. */
struct rc_build {
	struct rc_assign a;
	size_t segcap;
	int has_run;		/* run_start..run_end is pending literal text */
	size_t run_start, run_end;
	int tilde_ok;		/* an unquoted '~' here would be expanded */
	int bad;		/* an error was recorded for this assignment */
};

/* The command of a command substitution, backquote escapes removed. */
struct rc_cat_cmd {
	const char *text;	/* the command text, escapes removed */
	size_t len;
	const size_t *srcoff;	/* source offset of each byte of text */
};

static int
is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Characters that end an unquoted word and start shell syntax. */
static int
is_operator(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
	    c == '(' || c == ')';
}

/*
 * Return a copy of the ${n} bytes at ${s} fit for a message: cut at the
 * first newline or NUL and at EXCERPT_MAX bytes, with "..." if cut.
 */
static char *
excerpt(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < EXCERPT_MAX; i++) {
		if (s[i] == '\n' || s[i] == '\0')
			break;
	}
	if (i < n)
		return xasprintf("%.*s...", (int)i, s);
	return xstrndup(s, n);
}

/* Return the location of ${len} bytes at ${off}; offsets mostly increase. */
static struct loc
scan_loc(struct rc_scan *sc, size_t off, size_t len)
{
	struct loc loc;

	if (off > sc->len)
		off = sc->len;
	if (off < sc->loc_off) {
		sc->loc_off = 0;
		sc->loc_line = 1;
		sc->loc_col = 1;
	}
	for (; sc->loc_off < off; sc->loc_off++) {
		if (sc->s[sc->loc_off] == '\n') {
			sc->loc_line++;
			sc->loc_col = 1;
		} else {
			sc->loc_col++;
		}
	}
	loc.src = sc->src;
	loc.line = sc->loc_line;
	loc.col = sc->loc_col;
	loc.len = (unsigned)len;
	return loc;
}

/* Record an error about the ${len} bytes at ${off}. */
static void
scan_error(struct rc_scan *sc, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
scan_error(struct rc_scan *sc, size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(sc->diags, DIAG_ERROR, scan_loc(sc, off, len), fmt, ap);
	va_end(ap);
}

/* Return the offset of the end of the physical line holding ${off}. */
static size_t
line_end(const struct rc_scan *sc, size_t off)
{
	while (off < sc->len && sc->s[off] != '\n')
		off++;
	return off;
}

/*
 * Return the offset of the closing ${quote} of the quoted text opened at
 * ${open}, or sc->len if there is none.  A backslash escapes the next byte
 * except in single quotes.
 */
static size_t
find_quote_end(const struct rc_scan *sc, size_t open, char quote)
{
	size_t i;

	for (i = open + 1; i < sc->len; i++) {
		if (sc->s[i] == quote)
			return i;
		if (sc->s[i] == '\\' && quote != '\'')
			i++;
	}
	return sc->len;
}

/*
 * Return the offset of the ')' closing the '(' at ${open}, skipping quoted
 * text and nested parentheses, or sc->len if there is none.
 */
static size_t
find_paren_end(const struct rc_scan *sc, size_t open)
{
	size_t i, depth = 1;
	char c;

	for (i = open + 1; i < sc->len; i++) {
		c = sc->s[i];
		if (c == '\\') {
			i++;
		} else if (c == '\'' || c == '"' || c == '`') {
			i = find_quote_end(sc, i, c);
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return i;
		}
	}
	return sc->len;
}

/*
 * Skip what is left of a line that had an error, following quotes so that a
 * quoted newline does not start a new line; an unterminated quote ends at
 * its physical line.  Stop at the newline (or the end).
 */
static void
skip_rest(struct rc_scan *sc)
{
	size_t end;
	char c;

	while (sc->pos < sc->len && sc->s[sc->pos] != '\n') {
		c = sc->s[sc->pos];
		if (c == '\\') {
			sc->pos += sc->pos + 1 < sc->len ? 2 : 1;
		} else if (c == '\'' || c == '"' || c == '`') {
			end = find_quote_end(sc, sc->pos, c);
			if (end == sc->len) {
				sc->pos = line_end(sc, sc->pos);
				return;
			}
			sc->pos = end + 1;
		} else {
			sc->pos++;
		}
	}
}

/* Turn the pending literal text into a segment. */
static void
build_flush(struct rc_scan *sc, struct rc_build *b)
{
	struct rc_seg *seg;
	size_t n = b->run_end - b->run_start;

	if (!b->has_run)
		return;
	seg = VEC_PUSH(b->a.segs, b->a.nsegs, b->segcap);
	seg->kind = RC_SEG_TEXT;
	seg->text = xstrndup(sc->s + b->run_start, n);
	seg->loc = scan_loc(sc, b->run_start, n);
	seg->verbatim = 1;
	b->has_run = 0;
}

/*
 * Append the ${n} source bytes at ${off} to the value as literal text.  The
 * text of a segment is always a run of source bytes: an escape starts a new
 * run at the escaped character, so every segment locates each of its bytes.
 */
static void
build_text(struct rc_scan *sc, struct rc_build *b, size_t off, size_t n)
{
	if (n == 0)
		return;
	if (b->has_run && b->run_end == off) {
		b->run_end += n;
		return;
	}
	build_flush(sc, b);
	b->has_run = 1;
	b->run_start = off;
	b->run_end = off + n;
}

/* Append a ${kind} segment with ${text} (taken over) at [off, off+n). */
static void
build_seg(struct rc_scan *sc, struct rc_build *b, enum rc_seg_kind kind,
    char *text, size_t off, size_t n)
{
	struct rc_seg *seg;

	build_flush(sc, b);
	seg = VEC_PUSH(b->a.segs, b->a.nsegs, b->segcap);
	seg->kind = kind;
	seg->text = text;
	seg->loc = scan_loc(sc, off, n);
	seg->verbatim = 0;
}

static void
assign_clear(struct rc_assign *a)
{
	size_t i;

	for (i = 0; i < a->nsegs; i++)
		free(a->segs[i].text);
	free(a->segs);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

/*
 * Read one word of a `cat FILE` command starting at ${*i} of ${cmd}: bare
 * characters and quoted parts, no expansions.  Return it (owned by the
 * caller) with ${*i} after it, or NULL if it holds anything that would need
 * a shell (substitutions, globs, operators).
 */
static char *
cat_word(const struct rc_cat_cmd *cmd, size_t *i)
{
	struct strbuf word = { 0 };
	size_t p = *i, end;
	char c, q;

	while (p < cmd->len && !is_blank(cmd->text[p]) &&
	    cmd->text[p] != '\n') {
		c = cmd->text[p];
		if (c == '\'' || c == '"') {
			q = c;
			for (end = p + 1; end < cmd->len &&
			    cmd->text[end] != q; end++) {
				if (q == '"' && (cmd->text[end] == '$' ||
				    cmd->text[end] == '`' ||
				    cmd->text[end] == '\\'))
					goto shell;
			}
			if (end == cmd->len)
				goto shell;
			strbuf_add(&word, cmd->text + p + 1, end - p - 1);
			p = end + 1;
			continue;
		}
		if (is_operator(c) || c == '$' || c == '`' || c == '\\' ||
		    c == '*' || c == '?' || c == '[' ||
		    ((c == '~' || c == '#') && p == *i))
			goto shell;
		strbuf_addc(&word, c);
		p++;
	}
	*i = p;
	return strbuf_steal(&word);
shell:
	strbuf_free(&word);
	return NULL;
}

/* Return non-zero if ${path} has a byte jailnet refuses in a file name. */
static int
bad_file_name(const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '"' ||
		    *p == '`' || *p == '\\')
			return 1;
	}
	return 0;
}

/*
 * Parse the command of a command substitution written at [off, off+n) of the
 * source.  Return the file of `cat FILE` (owned by the caller), or NULL
 * after recording an error.
 */
static char *
parse_cat(struct rc_scan *sc, const struct rc_cat_cmd *cmd, size_t off,
    size_t n)
{
	size_t i = 0, start, end, fstart, fsrc, fsrclen;
	char *cat, *file = NULL, *shown;

	/* Newlines around the command are white space; inside, they are not. */
	while (i < cmd->len && (is_blank(cmd->text[i]) || cmd->text[i] == '\n'))
		i++;
	start = i;
	end = cmd->len;
	while (end > start && (is_blank(cmd->text[end - 1]) ||
	    cmd->text[end - 1] == '\n'))
		end--;
	if (start == end) {
		scan_error(sc, off, n, "empty command substitution; jailnet "
		    "only reads files with `/bin/cat FILE`");
		return NULL;
	}
	cat = cat_word(cmd, &i);
	if (cat == NULL || (!str_eq(cat, "cat") && !str_eq(cat, "/bin/cat")) ||
	    i == cmd->len || !is_blank(cmd->text[i]))
		goto shell;
	while (i < cmd->len && is_blank(cmd->text[i]))
		i++;
	fstart = i;
	if ((file = cat_word(cmd, &i)) == NULL || i == fstart)
		goto shell;
	while (i < cmd->len && (is_blank(cmd->text[i]) || cmd->text[i] == '\n'))
		i++;
	if (i != cmd->len)
		goto shell;
	free(cat);
	fsrc = cmd->srcoff[fstart];
	fsrclen = cmd->srcoff[end - 1] + 1 - fsrc;
	if (bad_file_name(file)) {
		shown = excerpt(file, strlen(file));
		scan_error(sc, fsrc, fsrclen,
		    "file name '%s' has a character jailnet does not accept",
		    shown);
		free(shown);
		free(file);
		return NULL;
	}
	if (file[0] != '/') {
		shown = excerpt(file, strlen(file));
		scan_error(sc, fsrc, fsrclen, "'%s' is a relative path; "
		    "jailnet only reads files by absolute path, with "
		    "`/bin/cat /path`", shown);
		free(shown);
		free(file);
		return NULL;
	}
	return file;
shell:
	free(cat);
	free(file);
	shown = excerpt(cmd->text + start, end - start);
	scan_error(sc, off, n, "command substitution '%s' needs a shell; "
	    "jailnet only reads files with `/bin/cat FILE`", shown);
	free(shown);
	return NULL;
}

/*
 * Parse the backquoted command substitution at sc->pos, inside double
 * quotes if ${dquoted}.  Return 0 (past it, possibly after a recorded
 * error), or -1 if it is unterminated.
 */
static int
parse_backquote(struct rc_scan *sc, struct rc_build *b, int dquoted)
{
	struct strbuf text = { 0 };
	struct rc_cat_cmd cmd;
	size_t open = sc->pos, i, *srcoff = NULL, nsrc = 0, srccap = 0;
	char *file, c;

	/* Inside backquotes \` \\ \$ (and \" in double quotes) are escapes. */
	for (i = open + 1; i < sc->len && sc->s[i] != '`'; i++) {
		c = sc->s[i];
		if (c == '\\' && i + 1 < sc->len && (sc->s[i + 1] == '`' ||
		    sc->s[i + 1] == '\\' || sc->s[i + 1] == '$' ||
		    (dquoted && sc->s[i + 1] == '"')))
			c = sc->s[++i];
		strbuf_addc(&text, c);
		*VEC_PUSH(srcoff, nsrc, srccap) = i;
	}
	if (i == sc->len) {
		scan_error(sc, open, 1, "unterminated backquote");
		strbuf_free(&text);
		free(srcoff);
		return -1;
	}
	cmd.text = strbuf_cstr(&text);
	cmd.len = text.len;
	cmd.srcoff = srcoff;
	file = parse_cat(sc, &cmd, open, i + 1 - open);
	if (file != NULL)
		build_seg(sc, b, RC_SEG_CAT, file, open, i + 1 - open);
	else
		b->bad = 1;
	strbuf_free(&text);
	free(srcoff);
	sc->pos = i + 1;
	return 0;
}

/*
 * Parse the $( ... ) at sc->pos.  Return 0 (past it, possibly after a
 * recorded error), or -1 if it is unterminated.
 */
static int
parse_dollar_paren(struct rc_scan *sc, struct rc_build *b)
{
	struct rc_cat_cmd cmd;
	size_t open = sc->pos, close, i, *srcoff;
	char *file, *shown;

	close = find_paren_end(sc, open + 1);
	if (close == sc->len) {
		scan_error(sc, open, 2, "unterminated '$('");
		return -1;
	}
	sc->pos = close + 1;
	if (open + 2 < sc->len && sc->s[open + 2] == '(') {
		shown = excerpt(sc->s + open, close + 1 - open);
		scan_error(sc, open, close + 1 - open,
		    "arithmetic expansion '%s' needs a shell", shown);
		free(shown);
		b->bad = 1;
		return 0;
	}
	srcoff = xcalloc(close - open + 1, sizeof(*srcoff));
	for (i = open + 2; i < close; i++)
		srcoff[i - open - 2] = i;
	cmd.text = sc->s + open + 2;
	cmd.len = close - open - 2;
	cmd.srcoff = srcoff;
	file = parse_cat(sc, &cmd, open, close + 1 - open);
	free(srcoff);
	if (file != NULL)
		build_seg(sc, b, RC_SEG_CAT, file, open, close + 1 - open);
	else
		b->bad = 1;
	return 0;
}

/*
 * Parse the ${...} at sc->pos.  Return 0 (past it, possibly after a
 * recorded error), or -1 if it is unterminated.
 */
static int
parse_dollar_brace(struct rc_scan *sc, struct rc_build *b)
{
	size_t open = sc->pos, name, end;
	char *shown;

	name = end = open + 2;
	if (end < sc->len && is_name_start(sc->s[end])) {
		while (end < sc->len && is_name_char(sc->s[end]))
			end++;
		if (end < sc->len && sc->s[end] == '}') {
			build_seg(sc, b, RC_SEG_VAR,
			    xstrndup(sc->s + name, end - name), open,
			    end + 1 - open);
			sc->pos = end + 1;
			return 0;
		}
	}
	while (end < sc->len && sc->s[end] != '}')
		end++;
	if (end == sc->len) {
		scan_error(sc, open, 2, "unterminated '${'");
		return -1;
	}
	shown = excerpt(sc->s + open, end + 1 - open);
	scan_error(sc, open, end + 1 - open, "'%s' needs a shell; jailnet only "
	    "expands ${name}", shown);
	free(shown);
	b->bad = 1;
	sc->pos = end + 1;
	return 0;
}

/*
 * Parse what starts with the '$' at sc->pos, inside double quotes if
 * ${dquoted}.  Return 0 (past it), or -1 after an error that ends the line.
 */
static int
parse_dollar(struct rc_scan *sc, struct rc_build *b, int dquoted)
{
	size_t open = sc->pos, end;
	char c;

	if (open + 1 == sc->len) {
		build_text(sc, b, open, 1);
		sc->pos++;
		return 0;
	}
	c = sc->s[open + 1];
	if (is_name_start(c)) {
		for (end = open + 1; end < sc->len &&
		    is_name_char(sc->s[end]); end++)
			;
		build_seg(sc, b, RC_SEG_VAR,
		    xstrndup(sc->s + open + 1, end - open - 1), open,
		    end - open);
		sc->pos = end;
		return 0;
	}
	if (c == '{')
		return parse_dollar_brace(sc, b);
	if (c == '(')
		return parse_dollar_paren(sc, b);
	if ((c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("@*#?$!-", c) != NULL)) {
		scan_error(sc, open, 2, "special parameter '$%c' needs a shell",
		    c);
		b->bad = 1;
		sc->pos += 2;
		return 0;
	}
	if (c == '\'' && !dquoted) {
		scan_error(sc, open, 2, "$'...' quoting needs a shell");
		b->bad = 1;
		sc->pos++;
		return 0;
	}
	/* sh keeps a '$' that starts nothing. */
	build_text(sc, b, open, 1);
	sc->pos++;
	return 0;
}

/* Record a NUL byte at sc->pos and step over it. */
static void
nul_byte(struct rc_scan *sc, struct rc_build *b)
{
	scan_error(sc, sc->pos, 1, "NUL byte in rc.conf");
	b->bad = 1;
	sc->pos++;
}

/*
 * Parse the double-quoted text opened at sc->pos.  Return 0 (past it), or -1
 * after an error that ends the line.
 */
static int
parse_dquote(struct rc_scan *sc, struct rc_build *b)
{
	size_t open = sc->pos;
	char c, next;

	sc->pos++;
	while (sc->pos < sc->len) {
		c = sc->s[sc->pos];
		if (c == '"') {
			sc->pos++;
			return 0;
		}
		if (c == '\\' && sc->pos + 1 < sc->len) {
			next = sc->s[sc->pos + 1];
			if (next == '\n') {
				sc->pos += 2;
			} else if (next == '$' || next == '`' || next == '"' ||
			    next == '\\') {
				build_text(sc, b, sc->pos + 1, 1);
				sc->pos += 2;
			} else {
				build_text(sc, b, sc->pos, 1);
				sc->pos++;
			}
		} else if (c == '$') {
			if (parse_dollar(sc, b, 1) != 0)
				return -1;
		} else if (c == '`') {
			if (parse_backquote(sc, b, 1) != 0)
				return -1;
		} else if (c == '\0') {
			nul_byte(sc, b);
		} else {
			build_text(sc, b, sc->pos, 1);
			sc->pos++;
		}
	}
	scan_error(sc, open, 1, "unterminated double quote");
	sc->pos = open;
	return -1;
}

/*
 * Parse the single-quoted text opened at sc->pos.  Return 0 (past it), or -1
 * after an error that ends the line.
 */
static int
parse_squote(struct rc_scan *sc, struct rc_build *b)
{
	size_t open = sc->pos, close, i;

	close = find_quote_end(sc, open, '\'');
	if (close == sc->len) {
		scan_error(sc, open, 1, "unterminated single quote");
		return -1;
	}
	for (i = open + 1; i < close; i++) {
		if (sc->s[i] == '\0') {
			build_text(sc, b, open + 1, i - open - 1);
			sc->pos = i;
			nul_byte(sc, b);
			open = i;
		}
	}
	build_text(sc, b, open + 1, close - open - 1);
	sc->pos = close + 1;
	return 0;
}

/*
 * Record that the operator at sc->pos needs a shell and return -1.
 */
static int
operator_error(struct rc_scan *sc)
{
	size_t n = 1;
	char c = sc->s[sc->pos];

	if (sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == c &&
	    (c == '&' || c == '|' || c == ';' || c == '<' || c == '>'))
		n = 2;
	scan_error(sc, sc->pos, n, "'%.*s' needs a shell; rc.conf lines must "
	    "be NAME=VALUE", (int)n, sc->s + sc->pos);
	return -1;
}

/*
 * Parse the value starting at sc->pos up to the first unquoted blank or
 * newline.  Return 0, or -1 after an error that ends the line.
 */
static int
parse_value(struct rc_scan *sc, struct rc_build *b)
{
	size_t here;
	char c;

	b->tilde_ok = 1;
	while (sc->pos < sc->len) {
		c = sc->s[sc->pos];
		here = sc->pos;
		if (c == '\n' || is_blank(c))
			break;
		if (c == '"') {
			if (parse_dquote(sc, b) != 0)
				return -1;
		} else if (c == '\'') {
			if (parse_squote(sc, b) != 0)
				return -1;
		} else if (c == '`') {
			if (parse_backquote(sc, b, 0) != 0)
				return -1;
		} else if (c == '$') {
			if (parse_dollar(sc, b, 0) != 0)
				return -1;
		} else if (c == '\\') {
			/* Backslash-newline joins lines; \x is x. */
			if (sc->pos + 1 == sc->len)
				build_text(sc, b, sc->pos, 1);
			else if (sc->s[sc->pos + 1] != '\n')
				build_text(sc, b, sc->pos + 1, 1);
			sc->pos += sc->pos + 1 < sc->len ? 2 : 1;
		} else if (is_operator(c)) {
			return operator_error(sc);
		} else if (c == '\0') {
			nul_byte(sc, b);
		} else if (c == '~' && b->tilde_ok) {
			scan_error(sc, sc->pos, 1, "'~' (home directory) needs "
			    "a shell; quote it if it is meant literally");
			b->bad = 1;
			sc->pos++;
		} else {
			build_text(sc, b, sc->pos, 1);
			sc->pos++;
		}
		/* sh expands ~ at the start and after each unquoted ':'. */
		b->tilde_ok = c == ':' && sc->pos == here + 1;
	}
	return 0;
}

/*
 * After a value and blanks, report the word at sc->pos that sh would run as
 * a command (or a second assignment).  Return -1.
 */
static int
trailing_word_error(struct rc_scan *sc)
{
	size_t start = sc->pos, end = start, name;
	char *shown;

	if (is_operator(sc->s[start]))
		return operator_error(sc);
	while (end < sc->len && !is_blank(sc->s[end]) && sc->s[end] != '\n' &&
	    !is_operator(sc->s[end]))
		end++;
	shown = excerpt(sc->s + start, end - start);
	for (name = start; name < end && is_name_char(sc->s[name]); name++)
		;
	if (name > start && is_name_start(sc->s[start]) && name < end &&
	    sc->s[name] == '=')
		scan_error(sc, start, end - start, "a second assignment '%s' "
		    "on the same line; jailnet reads one NAME=VALUE per line",
		    shown);
	else
		scan_error(sc, start, end - start, "command '%s' after the "
		    "assignment needs a shell (sh would run it); quote a value "
		    "that has spaces", shown);
	free(shown);
	return -1;
}

/*
 * Report the line at sc->pos, which does not start with NAME=: name what it
 * is in sh.  The line is skipped afterwards by the caller.
 */
static void
statement_error(struct rc_scan *sc)
{
	size_t start = sc->pos, end = start, after, i;
	char *shown;

	while (end < sc->len && is_name_char(sc->s[end]))
		end++;
	if (end > start && is_name_start(sc->s[start])) {
		after = end;
		while (after < sc->len && is_blank(sc->s[after]))
			after++;
		if (after > end && after < sc->len && sc->s[after] == '=') {
			scan_error(sc, end, after + 1 - end, "'%.*s =' with a "
			    "space is a command and needs a shell; rc.conf "
			    "lines must be NAME=VALUE without spaces around "
			    "'='", (int)(end - start), sc->s + start);
			return;
		}
		if (after < sc->len && sc->s[after] == '(') {
			scan_error(sc, start, end - start, "function "
			    "definition '%.*s()' needs a shell; rc.conf lines "
			    "must be NAME=VALUE", (int)(end - start),
			    sc->s + start);
			return;
		}
		if (after == sc->len || sc->s[after] == '\n' ||
		    is_blank(sc->s[end]) || is_operator(sc->s[end])) {
			for (i = 0; i < sizeof(shell_words) /
			    sizeof(shell_words[0]); i++) {
				if (strlen(shell_words[i]) == end - start &&
				    memcmp(shell_words[i], sc->s + start,
				    end - start) == 0) {
					scan_error(sc, start, end - start,
					    "'%s' needs a shell; rc.conf lines "
					    "must be NAME=VALUE",
					    shell_words[i]);
					return;
				}
			}
		}
	}
	if (sc->s[start] == '.' && (start + 1 == sc->len ||
	    is_blank(sc->s[start + 1]) || sc->s[start + 1] == '\n')) {
		scan_error(sc, start, 1, "'.' (reading another file) needs a "
		    "shell; rc.conf lines must be NAME=VALUE");
		return;
	}
	if (is_operator(sc->s[start])) {
		operator_error(sc);
		return;
	}
	if (sc->s[start] == '\0') {
		scan_error(sc, start, 1, "NUL byte in rc.conf");
		return;
	}
	/* Name a substitution used as a command by all of it. */
	if (sc->s[start] == '`')
		end = find_quote_end(sc, start, '`') + 1;
	else if (sc->s[start] == '$' && start + 1 < sc->len &&
	    sc->s[start + 1] == '(')
		end = find_paren_end(sc, start + 1) + 1;
	else
		end = start;
	if (end > sc->len)
		end = sc->len;
	for (; end < sc->len && !is_blank(sc->s[end]) &&
	    sc->s[end] != '\n' && !is_operator(sc->s[end]); end++)
		;
	shown = excerpt(sc->s + start, end - start);
	scan_error(sc, start, end - start, "command '%s' needs a shell; "
	    "rc.conf lines must be NAME=VALUE", shown);
	free(shown);
}

/*
 * Parse the NAME=VALUE at sc->pos (NAME checked by the caller, ${eq} is the
 * '=').  Append it to ${conf} unless an error was recorded.
 */
static void
parse_assignment(struct rc_scan *sc, struct rc_conf *conf, size_t eq)
{
	struct rc_build b;
	size_t start = sc->pos, vstart = eq + 1;
	int rc;

	memset(&b, 0, sizeof(b));
	b.a.name = xstrndup(sc->s + start, eq - start);
	b.a.name_loc = scan_loc(sc, start, eq - start);
	b.a.value_loc = scan_loc(sc, vstart, 0);
	sc->pos = vstart;
	rc = parse_value(sc, &b);
	build_flush(sc, &b);
	if (rc == 0) {
		b.a.value_loc.len = (unsigned)(sc->pos - vstart);
		while (sc->pos < sc->len && is_blank(sc->s[sc->pos]))
			sc->pos++;
		if (sc->pos < sc->len && sc->s[sc->pos] == '#')
			sc->pos = line_end(sc, sc->pos);
		else if (sc->pos < sc->len && sc->s[sc->pos] != '\n')
			rc = trailing_word_error(sc);
	}
	if (rc != 0 || b.bad) {
		skip_rest(sc);
		assign_clear(&b.a);
		return;
	}
	*VEC_PUSH(conf->v, conf->n, conf->cap) = b.a;
}

struct rc_conf *
rcconf_parse(const struct source *src, struct diags *diags)
{
	struct rc_conf *conf = xcalloc(1, sizeof(*conf));
	struct rc_scan sc;
	size_t end;
	char c;

	memset(&sc, 0, sizeof(sc));
	sc.src = src;
	sc.s = src->text;
	sc.len = src->len;
	sc.diags = diags;
	sc.loc_line = sc.loc_col = 1;
	conf->src = src;
	while (sc.pos < sc.len) {
		while (sc.pos < sc.len && is_blank(sc.s[sc.pos]))
			sc.pos++;
		if (sc.pos == sc.len)
			break;
		c = sc.s[sc.pos];
		if (c == '\n') {
			sc.pos++;
			continue;
		}
		if (c == '#') {
			sc.pos = line_end(&sc, sc.pos);
			continue;
		}
		for (end = sc.pos; end < sc.len && is_name_char(sc.s[end]);
		    end++)
			;
		if (is_name_start(c) && end < sc.len && sc.s[end] == '=') {
			parse_assignment(&sc, conf, end);
			continue;
		}
		statement_error(&sc);
		skip_rest(&sc);
	}
	return conf;
}

/* Append ${text} to ${out}, with \ before the bytes special in "...". */
static void
print_escaped(struct strbuf *out, const char *text)
{
	for (; *text != '\0'; text++) {
		if (*text == '$' || *text == '`' || *text == '"' ||
		    *text == '\\')
			strbuf_addc(out, '\\');
		strbuf_addc(out, *text);
	}
}

/* Return non-zero if ${path} can be written in `cat PATH` without quotes. */
static int
path_is_plain(const char *path)
{
	const char *p;

	if (*path == '~' || *path == '#')
		return 0;
	for (p = path; *p != '\0'; p++) {
		if (!is_name_char(*p) && strchr("./+,:@%=-", *p) == NULL)
			return 0;
	}
	return 1;
}

void
rcconf_print(const struct rc_conf *conf, struct strbuf *out)
{
	const struct rc_assign *a;
	const struct rc_seg *seg;
	size_t i, j;

	for (i = 0; i < conf->n; i++) {
		a = &conf->v[i];
		strbuf_addf(out, "%s=\"", a->name);
		for (j = 0; j < a->nsegs; j++) {
			seg = &a->segs[j];
			switch (seg->kind) {
			case RC_SEG_TEXT:
				print_escaped(out, seg->text);
				break;
			case RC_SEG_VAR:
				strbuf_addf(out, "${%s}", seg->text);
				break;
			case RC_SEG_CAT:
				/* Parsed paths never hold a single quote. */
				if (path_is_plain(seg->text))
					strbuf_addf(out, "`/bin/cat %s`",
					    seg->text);
				else
					strbuf_addf(out, "`/bin/cat '%s'`",
					    seg->text);
				break;
			}
		}
		strbuf_adds(out, "\"\n");
	}
}

void
rcconf_free(struct rc_conf *conf)
{
	size_t i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->n; i++)
		assign_clear(&conf->v[i]);
	free(conf->v);
	free(conf);
}

struct rc_value *
rc_vars_get(const struct rc_vars *vars, const char *name)
{
	size_t i;

	for (i = 0; i < vars->n; i++) {
		if (str_eq(vars->v[i].name, name))
			return &vars->v[i];
	}
	return NULL;
}

/*
 * Append the located text of ${from} to ${lt}, keeping its origins.  Empty
 * pieces locate no byte and are left out: a="$a$a" on an empty value would
 * otherwise double the pieces at each step with no text to show for it.
 */
static void
ltext_append(struct ltext *lt, const struct ltext *from)
{
	const struct ltext_piece *p;
	size_t i, end;

	for (i = 0; i < from->npieces; i++) {
		p = &from->pieces[i];
		end = i + 1 < from->npieces ? from->pieces[i + 1].off :
		    from->len;
		if (end > p->off)
			ltext_add(lt, from->s + p->off, end - p->off, p->loc,
			    p->verbatim);
	}
}

/*
 * Whether ${len} more bytes in ${npieces} pieces keep the value of ${a}
 * in ${lt} within RCCONF_VALUE_MAX.  If not, record an error at ${at}
 * (unless ${diags} is NULL):
 * a value that doubles itself (a="$a$a" forty times) would otherwise
 * take all memory and time.
 */
static int
value_fits(const struct rc_assign *a, const struct ltext *lt, size_t len,
    size_t npieces, struct loc at, struct diags *diags)
{
	if (len <= RCCONF_VALUE_MAX - lt->len &&
	    npieces <= RCCONF_VALUE_MAX - lt->npieces)
		return 1;
	if (diags == NULL)
		return 0;
	diag_error(diags, at, "the value of '%s' grows past %u KiB here; "
	    "rc.conf values are limited to that", a->name,
	    RCCONF_VALUE_MAX / 1024);
	return 0;
}

/*
 * Expand the file read of ${seg} into ${lt}.  Return 0, or -1 after
 * recording why the file cannot be read.
 */
static int
eval_cat(const struct rc_assign *a, const struct rc_seg *seg,
    rc_reader read, void *ctx,
    struct rc_vars *vars, struct ltext *lt, struct diags *diags)
{
	struct source *file;
	size_t n;
	int errnum = 0;

	if ((file = read(ctx, seg->text, &errnum)) == NULL) {
		diag_error(diags, seg->loc, "cannot read '%s' in this view: %s",
		    seg->text, fsview_strerror(errnum));
		return -1;
	}
	*VEC_PUSH(vars->files, vars->nfiles, vars->filescap) = file;
	/* Command substitution drops trailing newlines, nothing else. */
	n = file->len;
	while (n > 0 && file->text[n - 1] == '\n')
		n--;
	if (!value_fits(a, lt, n, 1, seg->loc, diags))
		return -1;
	ltext_add(lt, file->text, n, loc_at(file, 0, n), 1);
	return 0;
}

/*
 * Expand ${a} into ${lt}.  Return 0, or -1 if an error was recorded (${lt}
 * then holds what could be expanded).
 */
static int
eval_assign(const struct rc_assign *a, rc_reader read, void *ctx,
    struct rc_vars *vars, struct ltext *lt, struct diags *diags)
{
	const struct rc_seg *seg;
	const struct rc_value *var;
	size_t i;
	int rc = 0;

	/* An empty value is still a value: "" located at the '='. */
	ltext_add(lt, "", 0, a->value_loc, 0);
	for (i = 0; i < a->nsegs; i++) {
		seg = &a->segs[i];
		switch (seg->kind) {
		case RC_SEG_TEXT:
			if (!value_fits(a, lt, strlen(seg->text), 1, seg->loc,
			    diags))
				return -1;
			ltext_add(lt, seg->text, strlen(seg->text), seg->loc,
			    seg->verbatim);
			break;
		case RC_SEG_VAR:
			if ((var = rc_vars_get(vars, seg->text)) == NULL) {
				diag_error(diags, seg->loc, "undefined "
				    "variable '%s'", seg->text);
				rc = -1;
				break;
			}
			if (var->incomplete)
				rc = -1;
			/* A value already cut was reported where it was. */
			if (var->incomplete && !value_fits(a, lt,
			    var->value.len, var->value.npieces, seg->loc, NULL))
				return -1;
			if (!value_fits(a, lt, var->value.len,
			    var->value.npieces, seg->loc, diags))
				return -1;
			ltext_append(lt, &var->value);
			break;
		case RC_SEG_CAT:
			if (eval_cat(a, seg, read, ctx, vars, lt, diags) != 0)
				rc = -1;
			break;
		}
	}
	return rc;
}

/* Whether the value of ${a} uses the variable ${name}. */
static int
refers_to(const struct rc_assign *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nsegs; i++)
		if (a->segs[i].kind == RC_SEG_VAR &&
		    strcmp(a->segs[i].text, name) == 0)
			return 1;
	return 0;
}

int
rcconf_eval(const struct rc_conf *conf, rc_reader read, void *ctx,
    struct rc_vars *vars, struct diags *diags)
{
	const struct rc_assign *a;
	struct rc_value *var;
	struct ltext lt;
	size_t i, nerrors = diags->nerrors;
	int incomplete;

	for (i = 0; i < conf->n; i++) {
		a = &conf->v[i];
		memset(&lt, 0, sizeof(lt));
		incomplete = eval_assign(a, read, ctx, vars, &lt, diags) != 0;
		var = rc_vars_get(vars, a->name);
		if (var != NULL)
			vars->total -= var->value.len;
		if (vars->total + lt.len > RC_TOTAL_MAX) {
			diag_error(diags, a->name_loc, "the values of rc.conf "
			    "add up to more than %u MiB; '%s' and what "
			    "follows it are not read", RC_TOTAL_MAX >> 20,
			    a->name);
			if (var != NULL)
				vars->total += var->value.len;
			ltext_free(&lt);
			break;
		}
		vars->total += lt.len;
		if (var != NULL) {
			if (var->name_loc.src == conf->src &&
			    !refers_to(a, a->name)) {
				diag_warning(diags, a->name_loc, "'%s' is "
				    "assigned again; the earlier value is "
				    "replaced", a->name);
				diag_note(diags, var->name_loc, "the earlier "
				    "value was assigned here");
			}
			ltext_free(&var->value);
		} else {
			var = VEC_PUSH(vars->v, vars->n, vars->cap);
			var->name = xstrdup(a->name);
		}
		var->name_loc = a->name_loc;
		var->value_loc = a->value_loc;
		var->value = lt;
		var->incomplete = incomplete;
	}
	return diags->nerrors > nerrors ? -1 : 0;
}

void
rc_vars_free(struct rc_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->n; i++) {
		free(vars->v[i].name);
		ltext_free(&vars->v[i].value);
	}
	free(vars->v);
	for (i = 0; i < vars->nfiles; i++)
		source_free(vars->files[i]);
	free(vars->files);
	memset(vars, 0, sizeof(*vars));
}
