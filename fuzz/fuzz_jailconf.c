/*
 * fuzz_jailconf: parse arbitrary text as jail.conf, print it, parse the
 * print again and check that printing is a fixed point that parses without
 * errors; then resolve every block and the globals.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "conf/jailconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse ${text} and return its canonical print; count errors in ${nerrors}. */
static char *
parse_print(const char *text, size_t len, size_t *nerrors,
    struct source **srcp, struct jail_conf **confp)
{
	struct source *src = source_new("fuzz.conf", text, len);
	struct strbuf out = { 0 };
	struct jail_conf *conf;
	struct diags diags;

	diags_init(&diags);
	conf = jailconf_parse(src, &diags);
	jailconf_print(conf, &out);
	*nerrors = diags.nerrors;
	diags_free(&diags);
	*srcp = src;
	*confp = conf;
	return strbuf_steal(&out);
}

/*
 * Resolve every block and the globals of ${conf}; return a dump of the
 * results (names, values, error count) to compare between trees.
 */
static char *
resolve_all(const struct jail_conf *conf)
{
	struct strbuf dump = { 0 };
	struct jc_params params;
	struct diags diags;
	const struct jc_resolved *r;
	size_t i, j, k;

	for (i = 0; i <= conf->nblocks; i++) {
		memset(&params, 0, sizeof(params));
		diags_init(&diags);
		(void)jailconf_resolve(conf,
		    i < conf->nblocks ? &conf->blocks[i] : NULL, &params,
		    &diags);
		strbuf_addf(&dump, "block %zu: %zu errors\n", i, diags.nerrors);
		for (j = 0; j < params.n; j++) {
			r = &params.v[j];
			if (jc_params_get(&params, r->name) != r)
				abort();
			strbuf_addf(&dump, " %s%s", r->name,
			    r->is_bool ? ";" : " =");
			for (k = 0; k < r->nvalues; k++) {
				/* Every byte of every value is locatable. */
				if (r->values[k].s == NULL ||
				    strlen(r->values[k].s) != r->values[k].len)
					abort();
				if (r->values[k].len > 0)
					(void)ltext_loc(&r->values[k],
					    r->values[k].len - 1, 1);
				strbuf_addf(&dump, " [%s]", r->values[k].s);
			}
			strbuf_addc(&dump, '\n');
		}
		jc_params_free(&params);
		diags_free(&diags);
	}
	return strbuf_steal(&dump);
}

/* Abort unless ${loc} covers exactly ${len} bytes equal to ${text}. */
static void
check_verbatim(struct loc loc, const char *text, size_t len)
{
	size_t off = loc_offset(loc);

	if (loc.len != len || off > loc.src->len ||
	    len > loc.src->len - off ||
	    memcmp(loc.src->text + off, text, len) != 0)
		abort();
}

/* Check the locations of ${prm}'s values and verbatim segments. */
static void
check_param_locs(const struct jc_param *prm)
{
	const struct jc_value *v;
	const struct source *src;
	size_t i, j;

	if (prm->loc.src == NULL || prm->loc.len == 0)
		abort();
	for (i = 0; i < prm->nvalues; i++) {
		v = &prm->values[i];
		src = v->loc.src;
		if (v->quote != 0 && src->text[loc_offset(v->loc)] != v->quote)
			abort();
		for (j = 0; j < v->nsegs; j++) {
			if (v->segs[j].kind == JC_SEG_TEXT &&
			    v->segs[j].verbatim)
				check_verbatim(v->segs[j].loc, v->segs[j].text,
				    strlen(v->segs[j].text));
		}
	}
}

static void
check_locs(const struct jail_conf *conf)
{
	size_t i, j;

	for (i = 0; i < conf->nglobals; i++)
		check_param_locs(&conf->globals[i]);
	for (i = 0; i < conf->nblocks; i++) {
		for (j = 0; j < conf->blocks[i].nparams; j++)
			check_param_locs(&conf->blocks[i].params[j]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source *src1, *src2, *src3;
	struct jail_conf *conf1, *conf2, *conf3;
	size_t nerr1, nerr2, nerr3;
	char *once, *twice, *thrice, *res1, *res2;

	once = parse_print((const char *)data, size, &nerr1, &src1, &conf1);
	twice = parse_print(once, strlen(once), &nerr2, &src2, &conf2);
	thrice = parse_print(twice, strlen(twice), &nerr3, &src3, &conf3);
	if (nerr2 != 0 || strcmp(once, twice) != 0) {
		fprintf(stderr, "not a fixed point (%zu errors)\n--- once:\n%s"
		    "--- twice:\n%s---\n", nerr2, once, twice);
		abort();
	}
	if (nerr3 != 0 || strcmp(twice, thrice) != 0)
		abort();
	check_locs(conf1);
	check_locs(conf2);
	/* Printing keeps the meaning: both trees resolve alike. */
	res1 = resolve_all(conf1);
	res2 = resolve_all(conf2);
	if (strcmp(res1, res2) != 0) {
		fprintf(stderr, "resolves differently\n--- original:\n%s"
		    "--- reprinted:\n%s---\n", res1, res2);
		abort();
	}
	free(res1);
	free(res2);
	jailconf_free(conf1);
	jailconf_free(conf2);
	jailconf_free(conf3);
	source_free(src1);
	source_free(src2);
	source_free(src3);
	free(once);
	free(twice);
	free(thrice);
	return 0;
}
