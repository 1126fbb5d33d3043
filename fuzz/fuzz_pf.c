/*
 * fuzz_pf: the pf.conf parser and printer.  Every input is parsed; one
 * that parses without errors is printed, the text parsed again (which must
 * succeed) and printed again: the two texts must be equal.  The input is
 * also read as a table file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "pf/pf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse ${text} and print it into ${out}; return the number of errors. */
static size_t
parse_print(const char *name, const char *text, size_t len,
    struct strbuf *out, struct diags *d)
{
	struct source *src = source_new(name, text, len);
	struct pf_ruleset *rs = pf_parse(src, d);

	if (!diags_has_errors(d))
		pf_print(rs, out);
	pf_ruleset_free(rs);
	source_free(src);
	return d->nerrors;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf first = { 0 }, second = { 0 };
	struct pf_table_data td = { 0 };
	struct diags d, d2, dt;
	struct source *src;

	diags_init(&d);
	diags_init(&d2);
	diags_init(&dt);
	if (parse_print("fuzz.conf", (const char *)data, size, &first,
	    &d) == 0) {
		if (parse_print("printed.conf", strbuf_cstr(&first), first.len,
		    &second, &d2) != 0) {
			fprintf(stderr, "printed text does not parse:\n%s\n",
			    strbuf_cstr(&first));
			diags_print(&d2, stderr);
			abort();
		}
		if (strcmp(strbuf_cstr(&first), strbuf_cstr(&second)) != 0) {
			fprintf(stderr, "not a fixed point:\n--- first\n%s"
			    "--- second\n%s", strbuf_cstr(&first),
			    strbuf_cstr(&second));
			abort();
		}
	}
	src = source_new("table", (const char *)data, size);
	pf_table_file_parse(src, &td, &dt);
	pf_table_data_free(&td);
	source_free(src);
	strbuf_free(&first);
	strbuf_free(&second);
	diags_free(&d);
	diags_free(&d2);
	diags_free(&dt);
	return 0;
}
