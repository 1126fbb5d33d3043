#include "lib/diag.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Fill ${src}'s marks: one pass over its text. */
static void
source_mark(struct source *src)
{
	const char *p = src->text, *end = src->text + src->len;
	size_t cap = 0, line = 1;

	*VEC_PUSH(src->marks, src->nmarks, cap) = 0;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p++;
		if (++line % SOURCE_MARK_LINES == 1)
			*VEC_PUSH(src->marks, src->nmarks, cap) =
			    (size_t)(p - src->text);
	}
}

struct source *
source_new(const char *path, const char *text, size_t len)
{
	struct source *src = xcalloc(1, sizeof(*src));

	src->path = xstrdup(path);
	src->text = xmalloc(len + 1);
	memcpy(src->text, text, len);
	src->text[len] = '\0';
	src->len = len;
	source_mark(src);
	return src;
}

struct source *
source_read(const char *fspath, const char *path, int *errnum)
{
	struct source *src;
	size_t len;
	char *text;

	if ((text = read_file(fspath, &len, errnum)) == NULL)
		return NULL;
	src = xcalloc(1, sizeof(*src));
	src->path = xstrdup(path);
	src->text = text;
	src->len = len;
	source_mark(src);
	return src;
}

void
source_free(struct source *src)
{
	if (src == NULL)
		return;
	free(src->path);
	free(src->text);
	free(src->marks);
	free(src);
}

/*
 * The offset in ${src} where line ${line} (from 1) starts, found from the
 * nearest mark before it; its end of text if the source has fewer lines,
 * with ${*found} the last line number reached.
 */
static size_t
line_start(const struct source *src, unsigned line, unsigned *found)
{
	const char *p = src->text, *end = src->text + src->len, *nl;
	size_t k = line > 0 ? (line - 1) / SOURCE_MARK_LINES : 0;
	unsigned n = 1;

	if (src->marks != NULL && src->nmarks > 0) {
		if (k >= src->nmarks)
			k = src->nmarks - 1;
		p += src->marks[k];
		n = (unsigned)(1 + k * SOURCE_MARK_LINES);
	}
	while (n < line && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			p = end;
			break;
		}
		p = nl + 1;
		n++;
	}
	*found = n;
	return (size_t)(p - src->text);
}

struct loc
loc_at(const struct source *src, size_t offset, size_t len)
{
	struct loc loc = { src, 1, 1, (unsigned)len };
	size_t i = 0, lo = 0, hi;

	if (offset > src->len)
		offset = src->len;
	/* The last mark at or before ${offset}. */
	if (src->marks != NULL && src->nmarks > 0) {
		hi = src->nmarks;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (src->marks[mid] <= offset)
				lo = mid;
			else
				hi = mid;
		}
		i = src->marks[lo];
		loc.line = (unsigned)(1 + lo * SOURCE_MARK_LINES);
	}
	for (; i < offset; i++) {
		if (src->text[i] == '\n') {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
	}
	return loc;
}

struct loc
loc_file(const struct source *src)
{
	struct loc loc = { src, 0, 0, 0 };

	return loc;
}

size_t
loc_offset(struct loc loc)
{
	unsigned found;

	if (loc.src == NULL || loc.line == 0)
		return 0;
	return line_start(loc.src, loc.line, &found) + loc.col - 1;
}

void
ltext_add(struct ltext *lt, const char *data, size_t len, struct loc loc,
    int verbatim)
{
	struct ltext_piece *p = VEC_PUSH(lt->pieces, lt->npieces, lt->cap);
	struct strbuf sb = { lt->s, lt->len, lt->scap };

	p->off = lt->len;
	p->loc = loc;
	p->verbatim = verbatim;
	strbuf_add(&sb, data, len);
	lt->s = sb.s;
	lt->len = sb.len;
	lt->scap = sb.cap;
}

struct loc
ltext_loc(const struct ltext *lt, size_t off, size_t len)
{
	const struct ltext_piece *p = NULL;
	struct loc loc = { 0 };
	size_t i;

	for (i = 0; i < lt->npieces && lt->pieces[i].off <= off; i++)
		p = &lt->pieces[i];
	if (p == NULL)
		return loc;
	loc = p->loc;
	if (p->verbatim && loc.line > 0) {
		/* A verbatim piece may span lines (a quoted multi-line value). */
		return loc_at(loc.src, loc_offset(loc) + (off - p->off), len);
	}
	return loc;
}

void
ltext_copy(struct ltext *dst, const struct ltext *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->s = xmalloc(src->len + 1);
	if (src->len > 0)
		memcpy(dst->s, src->s, src->len);
	dst->s[src->len] = '\0';
	dst->len = src->len;
	dst->scap = src->len + 1;
	dst->npieces = dst->cap = src->npieces;
	dst->pieces = xcalloc(src->npieces, sizeof(*dst->pieces));
	if (src->npieces > 0)
		memcpy(dst->pieces, src->pieces,
		    src->npieces * sizeof(*dst->pieces));
}

void
ltext_free(struct ltext *lt)
{
	free(lt->s);
	free(lt->pieces);
	memset(lt, 0, sizeof(*lt));
}

size_t
ltext_split(const struct ltext *lt, struct lword **words)
{
	size_t n = 0, cap = 0, i = 0, start;
	struct lword *w;

	*words = NULL;
	while (i < lt->len) {
		while (i < lt->len && strchr(" \t\n\r\v\f", lt->s[i]) != NULL)
			i++;
		if (i >= lt->len)
			break;
		start = i;
		while (i < lt->len && strchr(" \t\n\r\v\f", lt->s[i]) == NULL)
			i++;
		w = VEC_PUSH(*words, n, cap);
		w->s = xstrndup(lt->s + start, i - start);
		w->loc = ltext_loc(lt, start, i - start);
	}
	return n;
}

void
lwords_free(struct lword *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(words[i].s);
	free(words);
}

void
diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void
diags_free(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].line_text);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/*
 * Quote line ${line} (1-based) of ${src} into ${dg}: the DIAG_LINE_MAX
 * bytes of it around ${dg}'s span (a quarter of them before it), escaped,
 * with "..." where cut, and where the span falls in that text.  Leaves
 * ${dg}->line_text NULL if the source has no such line.
 */
static void
quote_line(struct diag *dg, const struct source *src, unsigned line)
{
	const char *p, *end = src->text + src->len, *eol;
	struct strbuf sb = { 0 };
	size_t len, s0, e0, ws, we;
	unsigned n;

	p = src->text + line_start(src, line, &n);
	if (n < line)
		return;
	for (eol = p; eol < end && *eol != '\n'; eol++)
		;
	len = (size_t)(eol - p);
	s0 = dg->col > 0 ? dg->col - 1 : 0;
	if (s0 > len)
		s0 = len;
	e0 = s0 + (dg->len > 0 ? dg->len : 1);
	if (e0 > len)
		e0 = len;
	ws = 0;
	we = len;
	if (len > DIAG_LINE_MAX) {
		ws = s0 > DIAG_LINE_MAX / 4 ? s0 - DIAG_LINE_MAX / 4 : 0;
		if (ws > len - DIAG_LINE_MAX)
			ws = len - DIAG_LINE_MAX;
		we = ws + DIAG_LINE_MAX;
	}
	if (ws > 0)
		strbuf_adds(&sb, "...");
	/* Before, in and after the span, each escaped as a whole (a UTF-8
	   character is kept whole unless the span cuts it). */
	if (s0 < ws)
		s0 = ws;
	if (s0 > we)
		s0 = we;
	if (e0 < s0)
		e0 = s0;
	if (e0 > we)
		e0 = we;
	strbuf_add_printable(&sb, p + ws, s0 - ws, "\t");
	dg->mark = (unsigned)sb.len;
	strbuf_add_printable(&sb, p + s0, e0 - s0, "\t");
	dg->marklen = (unsigned)sb.len - dg->mark;
	strbuf_add_printable(&sb, p + e0, we - e0, "\t");
	if (dg->marklen == 0)
		dg->marklen = 1;
	if (we < len)
		strbuf_adds(&sb, "...");
	dg->line_text = strbuf_steal(&sb);
}

/* Return 1 if ${dg} says the same as an earlier diagnostic of ${d}. */
static int
is_repeat(const struct diags *d, const struct diag *dg)
{
	const struct diag *o;
	size_t i;

	for (i = 0; i + 1 < d->n; i++) {
		o = &d->v[i];
		if (o->severity == dg->severity && o->line == dg->line &&
		    o->col == dg->col && str_eq(o->file, dg->file) &&
		    strcmp(o->msg, dg->msg) == 0)
			return 1;
	}
	return 0;
}

void
diag_add(struct diags *d, enum diag_severity sev, struct loc loc,
    const char *fmt, va_list ap)
{
	struct diag *dg;

	/* The notes of a diagnostic dropped as a repeat go with it. */
	if (sev == DIAG_NOTE && d->dropping)
		return;
	dg = VEC_PUSH(d->v, d->n, d->cap);
	dg->severity = sev;
	dg->msg = xvasprintf(fmt, ap);
	if (loc.src != NULL) {
		dg->file = xstrdup(loc.src->path);
		dg->line = loc.line;
		dg->col = loc.col;
		dg->len = loc.len;
		if (loc.line > 0)
			quote_line(dg, loc.src, loc.line);
	}
	/*
	 * A file shared by every server (common/etc/rc.conf) is read once per
	 * server; the same problem in it is reported once.
	 */
	if (sev != DIAG_NOTE) {
		d->dropping = is_repeat(d, dg);
		if (d->dropping) {
			free(dg->file);
			free(dg->line_text);
			free(dg->msg);
			d->n--;
			return;
		}
	}
	if (sev == DIAG_ERROR)
		d->nerrors++;
	else if (sev == DIAG_WARNING)
		d->nwarnings++;
}

#define DIAG_FN(fn, sev)                                                \
	void fn(struct diags *d, struct loc loc, const char *fmt, ...)  \
	{                                                               \
		va_list ap;                                             \
		va_start(ap, fmt);                                      \
		diag_add(d, sev, loc, fmt, ap);                         \
		va_end(ap);                                             \
	}

DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warning, DIAG_WARNING)
DIAG_FN(diag_note, DIAG_NOTE)

void
diag_remark(struct diags *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	size_t n = d->n;

	/* A remark is checked for repeats like an error, not like a note. */
	d->dropping = 0;
	va_start(ap, fmt);
	diag_add(d, DIAG_NOTE, loc, fmt, ap);
	va_end(ap);
	if (d->n > n) {
		d->v[d->n - 1].remark = 1;
		if (is_repeat(d, &d->v[d->n - 1])) {
			d->n--;
			free(d->v[d->n].file);
			free(d->v[d->n].line_text);
			free(d->v[d->n].msg);
		}
	}
}

static const char *
severity_name(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "?";
}

/* Print the quoted source line and a caret line under the span. */
static void
print_caret(FILE *f, const struct diag *dg)
{
	unsigned i;

	fprintf(f, "  %s\n  ", dg->line_text);
	/* Keep tabs so the caret lines up under tab-indented text. */
	for (i = 0; i < dg->mark && dg->line_text[i] != '\0'; i++)
		fputc(dg->line_text[i] == '\t' ? '\t' : ' ', f);
	fputc('^', f);
	for (i = 1; i < dg->marklen; i++)
		fputc('~', f);
	fputc('\n', f);
}

/* Print ${s} (from a site's files, maybe) with its control bytes escaped. */
static void
print_text(FILE *f, const char *s)
{
	struct strbuf sb = { 0 };

	strbuf_add_printable(&sb, s, strlen(s), "\t");
	fputs(strbuf_cstr(&sb), f);
	strbuf_free(&sb);
}

/* How many diagnostics of one file were printed and left out. */
struct file_count {
	const char *file;
	size_t shown, left;
};

/* Return the count of ${file} in ${v} (${n} of them), adding it if new. */
static struct file_count *
file_count(struct file_count **v, size_t *n, size_t *cap, const char *file)
{
	struct file_count *fc;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].file, file) == 0)
			return &(*v)[i];
	fc = VEC_PUSH(*v, *n, *cap);
	fc->file = file;
	fc->shown = fc->left = 0;
	return fc;
}

void
diags_print(const struct diags *d, FILE *f)
{
	diags_print_remarks(d, f, 1);
}

static void
print_one(FILE *f, const struct diag *dg)
{
	if (dg->file == NULL) {
		fprintf(f, "jailnet: ");
	} else {
		print_text(f, dg->file);
		if (dg->line != 0)
			fprintf(f, ":%u:%u", dg->line, dg->col);
		fputs(": ", f);
	}
	fprintf(f, "%s: ", severity_name(dg->severity));
	print_text(f, dg->msg);
	fputc('\n', f);
	if (dg->line_text != NULL)
		print_caret(f, dg);
}

/*
 * Print the diagnostics of ${d}: the remarks only if ${remarks}, only the
 * errors (with their notes) if ${errors_only}; at most DIAG_FILE_MAX per
 * file, then how many more there are.
 */
static void
print_some(const struct diags *d, FILE *f, int remarks, int errors_only)
{
	struct file_count *counts = NULL, *fc;
	size_t i, ncounts = 0, cap = 0;
	const struct diag *dg;
	int skipping = 0, in_error = 0;

	for (i = 0; i < d->n; i++) {
		dg = &d->v[i];
		if (dg->remark && !remarks)
			continue;
		/* A note goes with the diagnostic before it. */
		if (dg->severity != DIAG_NOTE)
			in_error = dg->severity == DIAG_ERROR;
		if (errors_only && !in_error)
			continue;
		if (dg->severity == DIAG_NOTE && !dg->remark) {
			if (skipping)
				continue;
		} else if (dg->file != NULL) {
			fc = file_count(&counts, &ncounts, &cap, dg->file);
			skipping = fc->shown >= DIAG_FILE_MAX;
			if (skipping) {
				fc->left++;
				continue;
			}
			fc->shown++;
		} else {
			skipping = 0;
		}
		print_one(f, dg);
	}
	for (i = 0; i < ncounts; i++) {
		if (counts[i].left == 0)
			continue;
		print_text(f, counts[i].file);
		fprintf(f, ": note: ... and %zu more %s in this file (the "
		    "first %u are shown)\n", counts[i].left, errors_only ?
		    "errors" : "errors and warnings", DIAG_FILE_MAX);
	}
	free(counts);
}

void
diags_print_remarks(const struct diags *d, FILE *f, int remarks)
{
	print_some(d, f, remarks, 0);
}

void
diags_print_errors(const struct diags *d, FILE *f)
{
	print_some(d, f, 0, 1);
}

int
diags_has_errors(const struct diags *d)
{
	return d->nerrors > 0;
}
