/*
 * pf_table: the initial contents of pf tables, from their inline lists and
 * their files (read as pfctl's pfr_buf_load() reads them).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/fsview.h"
#include "lib/util.h"
#include "pf/pf_parse.h"

/* A file of junk is reported this far. */
#define PF_TABLE_MAX_ERRORS	10

void
pf_table_data_free(struct pf_table_data *td)
{
	size_t i;

	for (i = 0; i < td->n; i++)
		pf_addr_clear(&td->v[i]);
	free(td->v);
	for (i = 0; i < td->nfiles; i++)
		source_free(td->files[i]);
	free(td->files);
	memset(td, 0, sizeof(*td));
}

/* Add the word at ${off}, ${len} bytes, of ${src} (at ${loc}) to ${out}. */
static int
add_word(const struct source *src, size_t off, size_t len, struct loc loc,
    struct pf_table_data *out, struct diags *diags)
{
	char *word = xstrndup(src->text + off, len), buf[IPADDR_STRLEN];
	const char *a = word;
	struct pf_addr *e;
	struct ipprefix pfx;
	int neg = 0, aton;

	while (*a == '!') {
		neg = !neg;
		a++;
	}
	if (pf_parse_address(a, &pfx, &aton) != 0) {
		diag_error(diags, loc, "file \"%s\" contains bad data: '%s' "
		    "is not an address", src->path, word);
		free(word);
		return -1;
	}
	if (aton)
		diag_warning(diags, loc, "'%s' is read as %s, as inet_aton(3) "
		    "reads it", a, ipaddr_format(&pfx.addr, buf));
	e = VEC_PUSH(out->v, out->n, out->cap);
	e->kind = PF_ADDR_PREFIX;
	e->neg = neg;
	e->prefix = pfx;
	e->mask = -1;
	e->loc = loc;
	free(word);
	return 0;
}

int
pf_table_file_parse(const struct source *src, struct pf_table_data *out,
    struct diags *diags)
{
	const char *t = src->text;
	size_t i = 0, start, n = src->len, linestart = 0;
	unsigned line = 1, nbad = 0;
	struct loc loc;

	for (;;) {
		/* Words are separated by white space; "#" at the start of
		   a word comments out the rest of the line. */
		while (i < n && isspace((unsigned char)t[i])) {
			if (t[i++] == '\n') {
				line++;
				linestart = i;
			}
		}
		if (i >= n)
			break;
		if (t[i] == '#') {
			while (i < n && t[i] != '\n')
				i++;
			continue;
		}
		start = i;
		while (i < n && !isspace((unsigned char)t[i]))
			i++;
		loc.src = src;
		loc.line = line;
		loc.col = (unsigned)(start - linestart + 1);
		loc.len = (unsigned)(i - start);
		if (add_word(src, start, i - start, loc, out, diags) != 0 &&
		    ++nbad == PF_TABLE_MAX_ERRORS) {
			diag_note(diags, loc, "more bad entries are not "
			    "reported");
			return -1;
		}
	}
	return nbad > 0 ? -1 : 0;
}

int
pf_table_load(const struct pf_table *table, pf_reader read, void *ctx,
    struct pf_table_data *out, struct diags *diags)
{
	const struct pf_table_init *ti;
	struct source *src;
	size_t i, j;
	int errnum = 0, rc = 0;

	for (i = 0; i < table->ninits; i++) {
		ti = &table->inits[i];
		if (ti->file == NULL) {
			for (j = 0; j < ti->naddrs; j++)
				pf_addr_copy(VEC_PUSH(out->v, out->n,
				    out->cap), &ti->addrs[j]);
			continue;
		}
		if ((src = read(ctx, ti->file, &errnum)) == NULL) {
			diag_error(diags, ti->loc, "cannot load \"%s\": %s",
			    ti->file, errnum == EINVAL ? "a \".\" or \"..\" "
			    "part is refused (it could leave the site)" :
			    fsview_strerror(errnum));
			rc = -1;
			continue;
		}
		*VEC_PUSH(out->files, out->nfiles, out->filecap) = src;
		if (pf_table_file_parse(src, out, diags) != 0)
			rc = -1;
	}
	return rc;
}
