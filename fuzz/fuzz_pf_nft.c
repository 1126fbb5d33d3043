/*
 * Fuzz parse + bind + compile to nftables, and lint: the input is a
 * pf.conf, bound to server a of the example site (loaded once; run from
 * the repository's root), compiled and linted (with a small bound of
 * cells per rule, so that an input stays fast).  Never loaded into a
 * kernel.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_lint.h"
#include "pf/pf_nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct site *site;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 };
	struct pf_bound *b;
	struct diags d;

	if (site == NULL) {
		diags_init(&d);
		site = site_load("examples/uxtely", &d);
		diags_free(&d);
		if (site == NULL || site->nservers == 0) {
			fprintf(stderr, "fuzz_pf_nft: run from the "
			    "repository root\n");
			abort();
		}
	}
	diags_init(&d);
	b = pf_bind_source(site, &site->servers[0],
	    source_new("pf.conf", (const char *)data, size), &d);
	if (b != NULL) {
		pf_nft_compile(b, &out, &d);
		pf_lint_with(b, 2000, &d, NULL);
	}
	pf_bound_free(b);
	strbuf_free(&out);
	diags_free(&d);
	return 0;
}
