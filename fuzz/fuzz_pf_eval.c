/*
 * Fuzz the static pf model: the input is lines of `--test` specifications,
 * each parsed and, if valid, evaluated in one context on server a of the
 * example site (loaded once; run from the repository's root), 700 ms apart
 * so that states, rate counters and overload interact.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct site *site;
static struct pf_bound *bound;

static void
load(void)
{
	struct diags d;

	diags_init(&d);
	site = site_load("examples/uxtely", &d);
	if (site != NULL && site->nservers > 0)
		bound = pf_bind(site, &site->servers[0], &d);
	diags_free(&d);
	if (bound == NULL) {
		fprintf(stderr, "fuzz_pf_eval: run from the repository root\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *line, *save = NULL;
	struct pf_eval *ctx;
	struct pf_eval_result res;
	struct strbuf sb = { 0 };
	struct pf_test t;
	uint64_t now = 0;
	char *err;

	if (bound == NULL)
		load();
	ctx = pf_eval_new(bound);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (pf_test_parse(line, &t, &err) != 0) {
			free(err);
			continue;
		}
		pf_eval_packet(ctx, t.in_ifname[0] != '\0' ? t.in_ifname :
		    NULL, t.out_member, &t.pkt, now, &res);
		pf_eval_explain(&res, &sb);
		now += 700;
	}
	pf_eval_table_expire(ctx, "ratelimit", 1, now);
	strbuf_free(&sb);
	pf_eval_free(ctx);
	free(text);
	return 0;
}
