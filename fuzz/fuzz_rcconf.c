/*
 * fuzz_rcconf: rc.conf parse, print, reparse, evaluate, ifconfig words.
 *
 * Checks, with abort() on failure: printing is a fixed point and its output
 * parses without errors; every verbatim segment and located piece holds the
 * very bytes of its source at its location.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "conf/ifconfig.h"
#include "conf/rcconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any path reads the same text, except paths naming "missing". */
static struct source *
fixed_read(void *ctx, const char *path, int *errnum)
{
	static const char text[] = "inet 192.0.2.1/24 up\n\n";

	(void)ctx;
	if (strstr(path, "missing") != NULL) {
		*errnum = ENOENT;
		return NULL;
	}
	return source_new(path, text, sizeof(text) - 1);
}

/* Abort unless the ${len} bytes at ${loc} are ${bytes}. */
static void
check_bytes_at(struct loc loc, const char *bytes, size_t len)
{
	size_t off;

	if (loc.src == NULL || loc.line == 0)
		abort();
	off = loc_offset(loc);
	if (off > loc.src->len || len > loc.src->len - off ||
	    memcmp(loc.src->text + off, bytes, len) != 0)
		abort();
}

static void
check_segments(const struct rc_conf *conf)
{
	const struct rc_seg *seg;
	size_t i, j;

	for (i = 0; i < conf->n; i++) {
		for (j = 0; j < conf->v[i].nsegs; j++) {
			seg = &conf->v[i].segs[j];
			if (seg->kind == RC_SEG_TEXT && seg->verbatim)
				check_bytes_at(seg->loc, seg->text,
				    strlen(seg->text));
		}
	}
}

static void
check_pieces(const struct ltext *lt)
{
	const struct ltext_piece *p;
	size_t i, end;

	for (i = 0; i < lt->npieces; i++) {
		p = &lt->pieces[i];
		end = i + 1 < lt->npieces ? lt->pieces[i + 1].off : lt->len;
		if (p->verbatim)
			check_bytes_at(p->loc, lt->s + p->off, end - p->off);
	}
}

/* Return print(parse(${text})), with its parse's error count. */
static char *
print_of(const char *text, size_t len, size_t *nerrors)
{
	struct source *src = source_new("fuzz", text, len);
	struct strbuf out = { 0 };
	struct rc_conf *conf;
	struct diags d;

	diags_init(&d);
	conf = rcconf_parse(src, &d);
	rcconf_print(conf, &out);
	*nerrors = d.nerrors;
	rcconf_free(conf);
	source_free(src);
	diags_free(&d);
	return strbuf_steal(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source *src = source_new("fuzz", (const char *)data, size);
	struct rc_conf *conf;
	struct rc_vars vars;
	struct ifc_cmd cmd;
	struct strbuf p1 = { 0 };
	struct diags d;
	char *p2, *out = NULL;
	size_t i, nerrors, outlen = 0;
	FILE *f;

	diags_init(&d);
	conf = rcconf_parse(src, &d);
	check_segments(conf);

	/* print(parse(print(parse(x)))) == print(parse(x)), no errors. */
	rcconf_print(conf, &p1);
	p2 = print_of(strbuf_cstr(&p1), p1.len, &nerrors);
	if (nerrors != 0 || strcmp(strbuf_cstr(&p1), p2) != 0)
		abort();
	free(p2);
	strbuf_free(&p1);

	memset(&vars, 0, sizeof(vars));
	rcconf_eval(conf, fixed_read, NULL, &vars, &d);
	for (i = 0; i < vars.n; i++) {
		check_pieces(&vars.v[i].value);
		memset(&cmd, 0, sizeof(cmd));
		ifconfig_parse(&vars.v[i].value, &cmd, &d);
		ifc_cmd_free(&cmd);
	}

	/* The carets of every diagnostic can be drawn. */
	if ((f = open_memstream(&out, &outlen)) != NULL) {
		diags_print(&d, f);
		fclose(f);
		free(out);
	}
	rc_vars_free(&vars);
	rcconf_free(conf);
	source_free(src);
	diags_free(&d);
	return 0;
}
