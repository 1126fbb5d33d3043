#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "conf/jailconf.h"
#include "test.h"

/* The seed's jail.conf, completed with its closing braces and "vnet;". */
static const char seed_jail_conf[] =
    "path = \"/jails/$name\";\n"
    "\n"
    "devfs_ruleset = 4;\n"
    "\n"
    "exec.start = \"/bin/sh /etc/rc\";\n"
    "exec.stop  = \"/bin/sh /etc/rc.shutdown\";\n"
    "\n"
    "pg_j {\n"
    "  sysvshm = \"new\";\n"
    "  vnet;\n"
    "  vnet.interface = pg_b, node_pg_b, ipg_b;\n"
    "}\n"
    "\n"
    "node_j {\n"
    "  vnet;\n"
    "  vnet.interface = node_b, ngx_node_b, inode_b, node_pg_a;\n"
    "}\n"
    "\n"
    "nginx_j {\n"
    "  vnet;\n"
    "  vnet.interface = ngx_b, ngx_node_a;\n"
    "}\n";

/* A parsed text with everything the checks need, freed by done(). */
struct parsed {
	struct source *src;
	struct diags diags;
	struct jail_conf *conf;
};

static void
parse(struct parsed *p, const char *text)
{
	p->src = source_new("jail.conf", text, strlen(text));
	diags_init(&p->diags);
	p->conf = jailconf_parse(p->src, &p->diags);
}

static void
done(struct parsed *p)
{
	jailconf_free(p->conf);
	diags_free(&p->diags);
	source_free(p->src);
}

/* Return "line:col: severity: message" lines for ${d}, owned by the caller. */
static char *
diag_lines(const struct diags *d)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; i < d->n; i++)
		strbuf_addf(&sb, "%u:%u: %s: %s\n", d->v[i].line, d->v[i].col,
		    d->v[i].severity == DIAG_ERROR ? "error" :
		    d->v[i].severity == DIAG_WARNING ? "warning" : "note",
		    d->v[i].msg);
	return strbuf_steal(&sb);
}

/* Check that ${text} gives exactly the diagnostics ${want}. */
#define CHECK_DIAGS(text, want)                                        \
	do {                                                           \
		struct parsed p_;                                      \
		char *lines_;                                          \
		parse(&p_, (text));                                    \
		lines_ = diag_lines(&p_.diags);                        \
		CHECK_STR_EQ(lines_, (want));                          \
		free(lines_);                                          \
		done(&p_);                                             \
	} while (0)

/* Return the canonical print of ${text}, owned by the caller. */
static char *
print_text(const char *text, size_t *nerrors)
{
	struct strbuf sb = { 0 };
	struct parsed p;

	parse(&p, text);
	jailconf_print(p.conf, &sb);
	if (nerrors != NULL)
		*nerrors = p.diags.nerrors;
	done(&p);
	return strbuf_steal(&sb);
}

#define CHECK_LOC(l, ln, cl, length)                                   \
	do {                                                           \
		struct loc l_ = (l);                                   \
		CHECK_INT_EQ(l_.line, (ln));                           \
		CHECK_INT_EQ(l_.col, (cl));                            \
		CHECK_INT_EQ(l_.len, (length));                        \
	} while (0)

static const struct jc_block *
find_block(const struct jail_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nblocks; i++) {
		if (strcmp(conf->blocks[i].name, name) == 0)
			return &conf->blocks[i];
	}
	return NULL;
}

TEST(jailconf_seed_parses)
{
	const struct jc_param *prm;
	const struct jc_block *blk;
	const struct jc_value *v;
	struct parsed p;

	parse(&p, seed_jail_conf);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->nglobals, 4);
	CHECK_INT_EQ(p.conf->nblocks, 3);
	if (p.conf->nglobals != 4 || p.conf->nblocks != 3) {
		done(&p);
		return;
	}
	prm = &p.conf->globals[0];
	CHECK_STR_EQ(prm->name, "path");
	CHECK_LOC(prm->loc, 1, 1, 4);
	CHECK_INT_EQ(prm->op, JC_SET);
	CHECK(!prm->is_var);
	CHECK_INT_EQ(prm->nvalues, 1);
	v = &prm->values[0];
	CHECK_INT_EQ(v->quote, '"');
	CHECK_LOC(v->loc, 1, 8, 14);
	CHECK_INT_EQ(v->nsegs, 2);
	CHECK_INT_EQ(v->segs[0].kind, JC_SEG_TEXT);
	CHECK_STR_EQ(v->segs[0].text, "/jails/");
	CHECK_INT_EQ(v->segs[0].verbatim, 1);
	CHECK_LOC(v->segs[0].loc, 1, 9, 7);
	CHECK_INT_EQ(v->segs[1].kind, JC_SEG_VAR);
	CHECK_STR_EQ(v->segs[1].text, "name");
	CHECK_LOC(v->segs[1].loc, 1, 16, 5);
	CHECK_STR_EQ(p.conf->globals[1].name, "devfs_ruleset");
	CHECK_STR_EQ(p.conf->globals[1].values[0].segs[0].text, "4");
	CHECK_INT_EQ(p.conf->globals[1].values[0].quote, 0);
	CHECK_STR_EQ(p.conf->globals[3].name, "exec.stop");
	CHECK_LOC(p.conf->globals[3].values[0].loc, 6, 14, 26);

	blk = &p.conf->blocks[0];
	CHECK(blk->kind == NULL);
	CHECK_STR_EQ(blk->name, "pg_j");
	CHECK_LOC(blk->loc, 8, 1, 4);
	CHECK_INT_EQ(blk->nparams, 3);
	CHECK_STR_EQ(blk->params[1].name, "vnet");
	CHECK_INT_EQ(blk->params[1].op, JC_BOOL);
	CHECK_INT_EQ(blk->params[1].nvalues, 0);
	CHECK_LOC(blk->params[1].loc, 10, 3, 4);
	prm = &blk->params[2];
	CHECK_STR_EQ(prm->name, "vnet.interface");
	CHECK_LOC(prm->loc, 11, 3, 14);
	CHECK_INT_EQ(prm->nvalues, 3);
	CHECK_LOC(prm->values[0].loc, 11, 20, 4);
	CHECK_LOC(prm->values[1].loc, 11, 26, 9);
	CHECK_LOC(prm->values[2].loc, 11, 37, 5);
	CHECK_STR_EQ(prm->values[2].segs[0].text, "ipg_b");
	CHECK_STR_EQ(p.conf->blocks[1].name, "node_j");
	CHECK_INT_EQ(p.conf->blocks[1].params[1].nvalues, 4);
	CHECK_STR_EQ(p.conf->blocks[2].name, "nginx_j");
	CHECK_LOC(p.conf->blocks[2].loc, 19, 1, 7);
	done(&p);
}

TEST(jailconf_seed_resolves)
{
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;
	struct loc l;

	parse(&p, seed_jail_conf);
	CHECK_INT_EQ(jailconf_resolve(p.conf, find_block(p.conf, "pg_j"),
	    &params, &p.diags), 0);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(params.n, 7);
	CHECK_STR_EQ(params.v[0].name, "path");
	CHECK_STR_EQ(params.v[4].name, "sysvshm");
	CHECK_STR_EQ(params.v[6].name, "vnet.interface");

	r = jc_params_get(&params, "path");
	CHECK(r != NULL && r->nvalues == 1);
	if (r != NULL && r->nvalues == 1) {
		CHECK_STR_EQ(r->values[0].s, "/jails/pg_j");
		CHECK_LOC(r->value_locs[0], 1, 8, 14);
		CHECK_LOC(r->loc, 1, 1, 4);
		/* "/jails/" comes from the string, "pg_j" from the header. */
		l = ltext_loc(&r->values[0], 1, 5);
		CHECK_LOC(l, 1, 10, 5);
		l = ltext_loc(&r->values[0], 7, 4);
		CHECK_LOC(l, 8, 1, 4);
		l = ltext_loc(&r->values[0], 9, 2);
		CHECK_LOC(l, 8, 3, 2);
	}
	r = jc_params_get(&params, "vnet");
	CHECK(r != NULL && r->is_bool && r->nvalues == 0);
	r = jc_params_get(&params, "sysvshm");
	CHECK(r != NULL && r->nvalues == 1 && !r->is_bool);
	if (r != NULL && r->nvalues == 1)
		CHECK_STR_EQ(r->values[0].s, "new");
	r = jc_params_get(&params, "devfs_ruleset");
	CHECK(r != NULL && r->nvalues == 1 && strcmp(r->values[0].s, "4") == 0);
	r = jc_params_get(&params, "exec.start");
	CHECK(r != NULL && r->nvalues == 1 &&
	    strcmp(r->values[0].s, "/bin/sh /etc/rc") == 0);
	r = jc_params_get(&params, "vnet.interface");
	CHECK(r != NULL && r->nvalues == 3);
	if (r != NULL && r->nvalues == 3) {
		CHECK_STR_EQ(r->values[0].s, "pg_b");
		CHECK_STR_EQ(r->values[1].s, "node_pg_b");
		CHECK_STR_EQ(r->values[2].s, "ipg_b");
		CHECK_LOC(r->value_locs[0], 11, 20, 4);
		CHECK_LOC(r->value_locs[1], 11, 26, 9);
		CHECK_LOC(r->value_locs[2], 11, 37, 5);
		CHECK_LOC(ltext_loc(&r->values[1], 0, 9), 11, 26, 9);
		CHECK_LOC(ltext_loc(&r->values[1], 5, 2), 11, 31, 2);
		CHECK_LOC(r->first_loc, 11, 3, 14);
	}
	CHECK(jc_params_get(&params, "name") == NULL);
	jc_params_free(&params);
	CHECK(params.v == NULL && params.n == 0);

	CHECK_INT_EQ(jailconf_resolve(p.conf, find_block(p.conf, "node_j"),
	    &params, &p.diags), 0);
	r = jc_params_get(&params, "vnet.interface");
	CHECK(r != NULL && r->nvalues == 4);
	if (r != NULL && r->nvalues == 4)
		CHECK_STR_EQ(r->values[3].s, "node_pg_a");
	r = jc_params_get(&params, "path");
	CHECK(r != NULL && strcmp(r->values[0].s, "/jails/node_j") == 0);
	CHECK(jc_params_get(&params, "sysvshm") == NULL);
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_seed_prints)
{
	char *out = print_text(seed_jail_conf, NULL);

	CHECK_STR_EQ(out,
	    "path = \"/jails/${name}\";\n"
	    "devfs_ruleset = 4;\n"
	    "exec.start = \"/bin/sh /etc/rc\";\n"
	    "exec.stop = \"/bin/sh /etc/rc.shutdown\";\n"
	    "\n"
	    "pg_j {\n"
	    "\tsysvshm = new;\n"
	    "\tvnet;\n"
	    "\tvnet.interface = pg_b, node_pg_b, ipg_b;\n"
	    "}\n"
	    "\n"
	    "node_j {\n"
	    "\tvnet;\n"
	    "\tvnet.interface = node_b, ngx_node_b, inode_b, node_pg_a;\n"
	    "}\n"
	    "\n"
	    "nginx_j {\n"
	    "\tvnet;\n"
	    "\tvnet.interface = ngx_b, ngx_node_a;\n"
	    "}\n");
	free(out);
}

TEST(jailconf_append_and_replace)
{
	static const char text[] =
	    "ip4.addr = 10.1.1.1;\n"
	    "a {\n"
	    "\tip4.addr += 10.1.1.2, 10.1.1.3;\n"
	    "\tip6.addr += ::1;\n"
	    "\tallow.mount;\n"
	    "\tallow.mount += yes;\n"
	    "}\n"
	    "b {\n"
	    "\tip4.addr += 10.1.1.9;\n"
	    "\tip4.addr = 10.2.2.2;\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->blocks[0].params[0].op, JC_APPEND);
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0], &params,
	    &p.diags), 0);
	r = jc_params_get(&params, "ip4.addr");
	CHECK(r != NULL && r->nvalues == 3);
	if (r != NULL && r->nvalues == 3) {
		CHECK_STR_EQ(r->values[0].s, "10.1.1.1");
		CHECK_STR_EQ(r->values[1].s, "10.1.1.2");
		CHECK_STR_EQ(r->values[2].s, "10.1.1.3");
		CHECK_LOC(r->value_locs[0], 1, 12, 8);
		CHECK_LOC(r->value_locs[2], 3, 24, 8);
		CHECK_LOC(r->first_loc, 1, 1, 8);
		CHECK_LOC(r->loc, 3, 2, 8);
	}
	/* += on a parameter not set yet starts a list. */
	r = jc_params_get(&params, "ip6.addr");
	CHECK(r != NULL && r->nvalues == 1 &&
	    strcmp(r->values[0].s, "::1") == 0);
	/* += on a boolean makes it a list. */
	r = jc_params_get(&params, "allow.mount");
	CHECK(r != NULL && !r->is_bool && r->nvalues == 1);
	jc_params_free(&params);

	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[1], &params,
	    &p.diags), 0);
	r = jc_params_get(&params, "ip4.addr");
	CHECK(r != NULL && r->nvalues == 1);
	if (r != NULL && r->nvalues == 1)
		CHECK_STR_EQ(r->values[0].s, "10.2.2.2");
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_variables)
{
	static const char text[] =
	    "$dom = example.org;\n"
	    "$ifs = a_b, c_b;\n"
	    "host.hostname = \"$name.${dom}\";\n"
	    "j {\n"
	    "\tip4.addr = 10.0.0.1;\n"
	    "\tdescr = \"${ifs} on ${ip4.addr}\";\n"
	    "\tpath = '/no/$name', x$name;\n"
	    "\t$dom = other.org;\n"
	    "\tmail = \"root@$dom\";\n"
	    "\tpath += ${path};\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK(p.conf->globals[0].is_var);
	CHECK_STR_EQ(p.conf->globals[0].name, "dom");
	CHECK_LOC(p.conf->globals[0].loc, 1, 1, 4);
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0], &params,
	    &p.diags), 0);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK(jc_params_get(&params, "dom") == NULL);
	CHECK(jc_params_get(&params, "ifs") == NULL);
	r = jc_params_get(&params, "host.hostname");
	CHECK(r != NULL && strcmp(r->values[0].s, "j.example.org") == 0);
	if (r != NULL) {
		/* "example.org" points at the variable's definition. */
		CHECK_LOC(ltext_loc(&r->values[0], 2, 7), 1, 8, 7);
		CHECK_LOC(ltext_loc(&r->values[0], 0, 1), 4, 1, 1);
		CHECK_LOC(ltext_loc(&r->values[0], 1, 1), 3, 23, 1);
	}
	r = jc_params_get(&params, "descr");
	CHECK(r != NULL && strcmp(r->values[0].s, "a_b, c_b on 10.0.0.1") == 0);
	if (r != NULL) {
		CHECK_LOC(ltext_loc(&r->values[0], 5, 3), 2, 13, 3);
		/* The ", " of the joined list points at the reference. */
		CHECK_LOC(ltext_loc(&r->values[0], 3, 2), 6, 11, 6);
		CHECK_LOC(ltext_loc(&r->values[0], 12, 8), 5, 13, 8);
	}
	r = jc_params_get(&params, "mail");
	CHECK(r != NULL && strcmp(r->values[0].s, "root@other.org") == 0);
	r = jc_params_get(&params, "path");
	CHECK(r != NULL && r->nvalues == 3);
	if (r != NULL && r->nvalues == 3) {
		CHECK_STR_EQ(r->values[0].s, "/no/$name");
		CHECK_STR_EQ(r->values[1].s, "xj");
		CHECK_STR_EQ(r->values[2].s, "/no/$name, xj");
	}
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_variables_shadow_parameters)
{
	static const char text[] =
	    "x = param;\n"
	    "$x = var;\n"
	    "y = $x, ${x};\n"
	    "vnet;\n"
	    "z = \"[${vnet}]\";\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(jailconf_resolve(p.conf, NULL, &params, &p.diags), 0);
	r = jc_params_get(&params, "y");
	CHECK(r != NULL && r->nvalues == 2);
	if (r != NULL && r->nvalues == 2) {
		CHECK_STR_EQ(r->values[0].s, "var");
		CHECK_STR_EQ(r->values[1].s, "var");
	}
	r = jc_params_get(&params, "z");
	CHECK(r != NULL && strcmp(r->values[0].s, "[]") == 0);
	r = jc_params_get(&params, "x");
	CHECK(r != NULL && strcmp(r->values[0].s, "param") == 0);
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_undefined_variable)
{
	static const char text[] =
	    "path = \"/jails/$name/${nope}\";\n"
	    "a {\n"
	    "\tb = \"${later}\";\n"
	    "\tlater = 1;\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;
	char *got;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0], &params,
	    &p.diags), -1);
	got = diag_lines(&p.diags);
	CHECK_STR_EQ(got,
	    "1:22: error: undefined variable 'nope'\n"
	    "3:7: error: undefined variable 'later'\n");
	free(got);
	/* The value is kept without the failed part. */
	r = jc_params_get(&params, "path");
	CHECK(r != NULL && strcmp(r->values[0].s, "/jails/a/") == 0);
	jc_params_free(&params);
	diags_free(&p.diags);

	/* Without a block, $name is an ordinary, here undefined, variable. */
	diags_init(&p.diags);
	CHECK_INT_EQ(jailconf_resolve(p.conf, NULL, &params, &p.diags), -1);
	got = diag_lines(&p.diags);
	CHECK_STR_EQ(got,
	    "1:16: error: undefined variable 'name'\n"
	    "1:22: error: undefined variable 'nope'\n");
	free(got);
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_wildcard_and_repeated_blocks)
{
	static const char text[] =
	    "a = global;\n"
	    "j {\n"
	    "\tb = own1;\n"
	    "}\n"
	    "* {\n"
	    "\ta = star;\n"
	    "\tb = star;\n"
	    "\tc = \"$name\";\n"
	    "};\n"
	    "k {\n"
	    "}\n"
	    "j {\n"
	    "\tc += own2;\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->nblocks, 4);
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0], &params,
	    &p.diags), 0);
	CHECK_INT_EQ(params.n, 3);
	r = jc_params_get(&params, "a");
	CHECK(r != NULL && strcmp(r->values[0].s, "star") == 0);
	r = jc_params_get(&params, "b");
	CHECK(r != NULL && strcmp(r->values[0].s, "own1") == 0);
	r = jc_params_get(&params, "c");
	CHECK(r != NULL && r->nvalues == 2);
	if (r != NULL && r->nvalues == 2) {
		CHECK_STR_EQ(r->values[0].s, "j");
		CHECK_STR_EQ(r->values[1].s, "own2");
	}
	jc_params_free(&params);

	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[2], &params,
	    &p.diags), 0);
	r = jc_params_get(&params, "c");
	CHECK(r != NULL && r->nvalues == 1 && strcmp(r->values[0].s, "k") == 0);
	jc_params_free(&params);

	/* The wildcard block itself: its parameters once, $name is "*". */
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[1], &params,
	    &p.diags), 0);
	r = jc_params_get(&params, "c");
	CHECK(r != NULL && r->nvalues == 1 && strcmp(r->values[0].s, "*") == 0);
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_comments)
{
	static const char text[] =
	    "# a hash comment\n"
	    "path = /jails/x//y; // a slash comment\n"
	    "/* a C comment\n"
	    "   over two lines */ a = b;# tight\n"
	    "c = /*x*/ d /**/;\n"
	    "e = \"# not // a /* comment\";\n"
	    "f = g#h\n;\n"
	    "i=j,k//l\n"
	    ";\n";
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->nglobals, 6);
	if (p.conf->nglobals == 6) {
		CHECK_STR_EQ(p.conf->globals[0].values[0].segs[0].text,
		    "/jails/x//y");
		CHECK_STR_EQ(p.conf->globals[1].name, "a");
		CHECK_LOC(p.conf->globals[1].loc, 4, 22, 1);
		CHECK_STR_EQ(p.conf->globals[2].values[0].segs[0].text, "d");
		CHECK_LOC(p.conf->globals[2].values[0].loc, 5, 11, 1);
		CHECK_STR_EQ(p.conf->globals[3].values[0].segs[0].text,
		    "# not // a /* comment");
		CHECK_STR_EQ(p.conf->globals[4].values[0].segs[0].text, "g");
		CHECK_INT_EQ(p.conf->globals[5].nvalues, 2);
		CHECK_STR_EQ(p.conf->globals[5].values[1].segs[0].text, "k//l");
	}
	done(&p);
	CHECK_DIAGS("a = b;\n  /* open\n c = d;\n",
	    "2:3: error: unterminated comment\n");
	/* A // or # ends a value that has no ';': a forgotten ';'. */
	CHECK_DIAGS("a = b # c;\nd = e;\n",
	    "1:6: error: syntax error, expected ';' after the value of 'a'\n");
}

TEST(jailconf_typed_headers)
{
	static const char text[] =
	    "server a {\n"
	    "\txnic = 192.0.2.155/24;\n"
	    "}\n"
	    "network lan {\n"
	    "\tvlan = 2222;\n"
	    "}\n"
	    "host client1 { }\n"
	    "zone \"uxtely.example\" {\n"
	    "\tttl = 300;\n"
	    "}\n"
	    "server * {\n"
	    "\tos = freebsd;\n"
	    "}\n"
	    "* {\n"
	    "\tjail = yes;\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;
	char *out;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->nblocks, 6);
	if (p.conf->nblocks == 6) {
		CHECK_STR_EQ(p.conf->blocks[0].kind, "server");
		CHECK_LOC(p.conf->blocks[0].kind_loc, 1, 1, 6);
		CHECK_STR_EQ(p.conf->blocks[0].name, "a");
		CHECK_LOC(p.conf->blocks[0].loc, 1, 8, 1);
		CHECK_STR_EQ(p.conf->blocks[1].kind, "network");
		CHECK_STR_EQ(p.conf->blocks[2].name, "client1");
		CHECK_INT_EQ(p.conf->blocks[2].nparams, 0);
		CHECK_STR_EQ(p.conf->blocks[3].name, "uxtely.example");
		CHECK_LOC(p.conf->blocks[3].loc, 8, 6, 16);
		CHECK(p.conf->blocks[5].kind == NULL);
		/* "server *" applies to servers, "*" to kind-less blocks. */
		CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0],
		    &params, &p.diags), 0);
		CHECK_INT_EQ(params.n, 2);
		r = jc_params_get(&params, "os");
		CHECK(r != NULL && strcmp(r->values[0].s, "freebsd") == 0);
		CHECK(jc_params_get(&params, "jail") == NULL);
		jc_params_free(&params);
	}
	done(&p);
	out = print_text(text, NULL);
	CHECK_STR_EQ(out,
	    "server a {\n"
	    "\txnic = 192.0.2.155/24;\n"
	    "}\n"
	    "\n"
	    "network lan {\n"
	    "\tvlan = 2222;\n"
	    "}\n"
	    "\n"
	    "host client1 {\n"
	    "}\n"
	    "\n"
	    "zone uxtely.example {\n"
	    "\tttl = 300;\n"
	    "}\n"
	    "\n"
	    "server * {\n"
	    "\tos = freebsd;\n"
	    "}\n"
	    "\n"
	    "* {\n"
	    "\tjail = yes;\n"
	    "}\n");
	free(out);
}

TEST(jailconf_segments)
{
	static const char text[] =
	    "a = \"x\\ty$z\"'l$'b\\;c;\n"
	    "m = \"one\n"
	    "two\\\n"
	    "three\";\n"
	    "e = \"\", '';\n";
	const struct jc_value *v;
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(p.diags.n, 0);
	CHECK_INT_EQ(p.conf->nglobals, 3);
	if (p.conf->nglobals != 3) {
		done(&p);
		return;
	}
	v = &p.conf->globals[0].values[0];
	CHECK_INT_EQ(v->quote, '"');
	CHECK_LOC(v->loc, 1, 5, 16);
	CHECK_INT_EQ(v->nsegs, 8);
	if (v->nsegs == 8) {
		CHECK_STR_EQ(v->segs[0].text, "x");
		CHECK_INT_EQ(v->segs[0].verbatim, 1);
		CHECK_LOC(v->segs[0].loc, 1, 6, 1);
		CHECK_STR_EQ(v->segs[1].text, "\t");
		CHECK_INT_EQ(v->segs[1].verbatim, 0);
		CHECK_LOC(v->segs[1].loc, 1, 7, 2);
		CHECK_STR_EQ(v->segs[2].text, "y");
		CHECK_INT_EQ(v->segs[3].kind, JC_SEG_VAR);
		CHECK_STR_EQ(v->segs[3].text, "z");
		CHECK_LOC(v->segs[3].loc, 1, 10, 2);
		CHECK_STR_EQ(v->segs[4].text, "l$");
		CHECK_INT_EQ(v->segs[4].verbatim, 1);
		CHECK_LOC(v->segs[4].loc, 1, 14, 2);
		CHECK_STR_EQ(v->segs[5].text, "b");
		CHECK_INT_EQ(v->segs[5].verbatim, 1);
		CHECK_STR_EQ(v->segs[6].text, ";");
		CHECK_INT_EQ(v->segs[6].verbatim, 0);
		CHECK_LOC(v->segs[6].loc, 1, 18, 2);
		CHECK_STR_EQ(v->segs[7].text, "c");
		CHECK_LOC(v->segs[7].loc, 1, 20, 1);
	}
	/* A multi-line string: verbatim across the newline, not the \<LF>. */
	v = &p.conf->globals[1].values[0];
	CHECK_INT_EQ(v->nsegs, 2);
	if (v->nsegs == 2) {
		CHECK_STR_EQ(v->segs[0].text, "one\ntwo");
		CHECK_INT_EQ(v->segs[0].verbatim, 1);
		CHECK_LOC(v->segs[0].loc, 2, 6, 7);
		CHECK_STR_EQ(v->segs[1].text, "three");
		CHECK_LOC(v->segs[1].loc, 4, 1, 5);
	}
	CHECK_LOC(v->loc, 2, 5, 16);
	v = &p.conf->globals[2].values[0];
	CHECK_INT_EQ(v->nsegs, 0);
	CHECK_INT_EQ(p.conf->globals[2].values[1].quote, '\'');
	done(&p);
}

TEST(jailconf_multiline_value_locates)
{
	static const char text[] =
	    "j {\n"
	    "\texec.start = \"a\n"
	    "b 10.0.0.300\";\n"
	    "}\n";
	const struct jc_resolved *r;
	struct jc_params params = { 0 };
	struct parsed p;

	parse(&p, text);
	CHECK_INT_EQ(jailconf_resolve(p.conf, &p.conf->blocks[0], &params,
	    &p.diags), 0);
	r = jc_params_get(&params, "exec.start");
	CHECK(r != NULL && strcmp(r->values[0].s, "a\nb 10.0.0.300") == 0);
	if (r != NULL)
		CHECK_LOC(ltext_loc(&r->values[0], 4, 10), 3, 3, 10);
	jc_params_free(&params);
	done(&p);
}

TEST(jailconf_syntax_errors)
{
	CHECK_DIAGS("path = /jails/x\ndevfs_ruleset = 4;\n",
	    "1:16: error: syntax error, expected ';' after the value of "
	    "'path'\n");
	CHECK_DIAGS("path = /jails/x devfs;\nok;\n",
	    "1:17: error: syntax error, expected ';' after the value of "
	    "'path'\n");
	CHECK_DIAGS("a {\n\tb = c\n}\n",
	    "2:7: error: syntax error, expected ';' after the value of 'b'\n");
	CHECK_DIAGS("a = b",
	    "1:6: error: syntax error, expected ';' after the value of 'a'\n");
	CHECK_DIAGS("a = \"abc;\nb = c;\n",
	    "1:5: error: unterminated string\n");
	CHECK_DIAGS("a {\n\tb = 'abc;\n}\n",
	    "2:6: error: unterminated string\n");
	CHECK_DIAGS("a = b;\n}\nc = d;\n",
	    "2:1: error: unexpected '}'\n");
	CHECK_DIAGS("pg_j {\n\tvnet;\n",
	    "2:7: error: missing '}' for block 'pg_j'\n"
	    "1:1: note: block 'pg_j' opened here\n");
	CHECK_DIAGS("pg_j {\n\tvnet;\nnode_j {\n\tvnet;\n}\n",
	    "3:1: error: missing '}' for block 'pg_j'\n"
	    "1:1: note: block 'pg_j' opened here\n");
	CHECK_DIAGS("server a b {\n\tx = 1;\n}\nc;\n",
	    "1:10: error: a block header has at most two words\n");
	CHECK_DIAGS(".include \"/etc/jail.conf.d/*.conf\";\na;\n",
	    "1:1: error: '.include' is not supported by jailnet\n");
	CHECK_DIAGS("a = ;\n", "1:5: error: syntax error, expected a value "
	    "after '='\n");
	CHECK_DIAGS("a += x, ;\n", "1:9: error: syntax error, expected a value "
	    "after ','\n");
	CHECK_DIAGS("a += }\n", "1:6: error: syntax error, expected a value "
	    "after '+='\n"
	    "1:6: error: unexpected '}'\n");
	CHECK_DIAGS("= 1;\n", "1:1: error: syntax error, expected a "
	    "parameter name before '='\n");
	CHECK_DIAGS("{ a = 1; }\nb;\n", "1:1: error: syntax error, expected a "
	    "block name before '{'\n");
	CHECK_DIAGS("a b;\n", "1:3: error: syntax error, expected '=', '+=', "
	    "';' or '{' after 'a'\n");
	CHECK_DIAGS("a {\n\tvnet\n\tpath = x;\n}\n",
	    "3:2: error: syntax error, expected '=', '+=', ';' or '{' after "
	    "'vnet'\n");
	CHECK_DIAGS("a {\n\tvnet }\n",
	    "2:7: error: syntax error, expected '=', '+=', ';' or '{' after "
	    "'vnet'\n");
	CHECK_DIAGS("a , b;\n", "1:3: error: syntax error, expected '=', '+=', "
	    "';' or '{' after 'a'\n");
	CHECK_DIAGS("$x;\n", "1:3: error: syntax error, expected '=' or '+=' "
	    "after '$x'\n");
	CHECK_DIAGS("\"$x\" = 1;\n$y { }\n",
	    "1:2: error: a parameter name cannot contain a variable\n"
	    "2:1: error: a block name cannot contain a variable\n");
	CHECK_DIAGS("a = x$1;\n", "1:6: error: '$' must be followed by a "
	    "variable name; write '\\$' for a literal '$'\n");
	CHECK_DIAGS("a = \"${}\";\n", "1:6: error: empty variable name\n");
	CHECK_DIAGS("a = \"${a b}\";\n", "1:9: error: expected '}' to end the "
	    "variable name\n");
	CHECK_DIAGS("a = x\\", "1:6: error: '\\' at the end of the file\n");
	CHECK_DIAGS("a = \"x\\", "1:5: error: unterminated string\n");
}

TEST(jailconf_errors_all_reported)
{
	static const char text[] =
	    "path = \"/jails/$name\"\n"
	    "devfs_ruleset = 4;\n"
	    "pg_j {\n"
	    "\tsysvshm = ;\n"
	    "\tvnet.interface = pg_b, node_pg_b ipg_b;\n"
	    "\tvnet;\n"
	    "}\n"
	    "}\n"
	    "node_j {\n"
	    "\t.include \"x\";\n"
	    "\tvnet;\n";
	struct parsed p;
	char *got;

	parse(&p, text);
	got = diag_lines(&p.diags);
	CHECK_STR_EQ(got,
	    "1:22: error: syntax error, expected ';' after the value of "
	    "'path'\n"
	    "4:12: error: syntax error, expected a value after '='\n"
	    "5:35: error: syntax error, expected ';' after the value of "
	    "'vnet.interface'\n"
	    "8:1: error: unexpected '}'\n"
	    "10:2: error: '.include' is not supported by jailnet\n"
	    "11:7: error: missing '}' for block 'node_j'\n"
	    "9:1: note: block 'node_j' opened here\n");
	free(got);
	/* What could be read is kept. */
	CHECK_INT_EQ(p.conf->nglobals, 2);
	CHECK_INT_EQ(p.conf->nblocks, 2);
	CHECK_INT_EQ(p.conf->blocks[0].nparams, 1);
	CHECK_STR_EQ(p.conf->blocks[0].params[0].name, "vnet");
	CHECK_INT_EQ(p.conf->blocks[1].nparams, 1);
	done(&p);
}

TEST(jailconf_nul_byte)
{
	static const char text[] = "a = b\0c;\nd = \"e\0\";\nf = g;\n";
	struct source *src = source_new("jail.conf", text, sizeof(text) - 1);
	struct diags d;
	struct jail_conf *conf;
	char *got;

	diags_init(&d);
	conf = jailconf_parse(src, &d);
	got = diag_lines(&d);
	CHECK_STR_EQ(got, "1:6: error: NUL byte in the text\n"
	    "2:7: error: NUL byte in the text\n");
	free(got);
	CHECK_INT_EQ(conf->nglobals, 1);
	jailconf_free(conf);
	diags_free(&d);
	source_free(src);
}

TEST(jailconf_crlf_and_odd_spacing)
{
	static const char text[] =
	    "a=b;\r\nc+=d,e;\r\nj{x;}\r\n;;\r\nk{y=\"1\\\r\n2\";};\r\n";
	char *out;
	size_t nerr;

	out = print_text(text, &nerr);
	CHECK_INT_EQ(nerr, 0);
	CHECK_STR_EQ(out,
	    "a = b;\n"
	    "c += d, e;\n"
	    "\n"
	    "j {\n"
	    "\tx;\n"
	    "}\n"
	    "\n"
	    "k {\n"
	    "\ty = 12;\n"
	    "}\n");
	free(out);
}

TEST(jailconf_print_quoting)
{
	static const char text[] =
	    "\"my name\" = \"two words\", '', \"//x\", 'a\"b\\c$d', "
	    "\"tab\\there\\nnl\", *, a+b, 10.0.2.0/24, [::1]:5432;\n"
	    "\".include\" = x;\n"
	    "${ip4.addr} = 1;\n"
	    "$v = \"${ip4.addr}$name\";\n"
	    "allow.* = 1;\n"
	    "x = y+;\n";
	char *out;
	size_t nerr;

	out = print_text(text, &nerr);
	CHECK_INT_EQ(nerr, 0);
	CHECK_STR_EQ(out,
	    "\"my name\" = \"two words\", \"\", \"//x\", \"a\\\"b\\\\c\\$d\", "
	    "\"tab\\there\\nnl\", \"*\", a+b, 10.0.2.0/24, \"[::1]:5432\";\n"
	    "\".include\" = x;\n"
	    "${ip4.addr} = 1;\n"
	    "$v = \"${ip4.addr}${name}\";\n"
	    "allow.* = 1;\n"
	    "x = y+;\n");
	free(out);
}

/* Inputs whose canonical print must be a fixed point, errors or not. */
static const char *const fixed_point_inputs[] = {
	seed_jail_conf,
	"",
	"# only a comment\n",
	"a;b;c=d;",
	"x = \"\\\\\\\"\\$\";",
	"x = a\"b\"'c'd, \"e\nf\";",
	"$a = 1; ${b.c} = \"$a${b.c}\"; d = $a;",
	"* { x; } j { y = 1; }; k { }",
	"a = \"/*\", \"//\", '#', \"a b\", \"a,b\", \"a;b\",",
	"a = \"{\", \"}\", \"=\", \"+=\", \"a+\", \"$\", \"\\\\\";",
	"a+ = 1; b+ += 2; c+;",
	"\"\" = \"\"; \"\" { \"\"; }",
	"server a { } host \"a b\" { x = y; }",
	"a = \"\x01\x7f\xc3\xa9\v\f\r\";",
	"\".x\" = 1; \".include\" { }",
	"a = b c; d = e;",
	"a { b { c = 1; } }",
	"a b c d { e = f; } g = h;",
	"a = \"unterminated",
	"a = b; /* open",
	"} } a = 1; { b = 2; }",
	"a = \\\\x\\y\\\nz;",
	"a = ${x}y$z_1-2;",
	"a = x/*y, //z;",
};

TEST(jailconf_fixed_point)
{
	size_t i, nerr;
	char *once, *twice;

	for (i = 0; i < sizeof(fixed_point_inputs) /
	    sizeof(fixed_point_inputs[0]); i++) {
		once = print_text(fixed_point_inputs[i], NULL);
		twice = print_text(once, &nerr);
		if (strcmp(once, twice) != 0 || nerr != 0)
			test_fail(__FILE__, __LINE__, "input %zu: \"%s\"\n"
			    "  once:  \"%s\"\n  twice: \"%s\" (%zu errors)",
			    i, fixed_point_inputs[i], once, twice, nerr);
		free(once);
		free(twice);
	}
}

TEST(jailconf_expansion_is_bounded)
{
	struct strbuf sb = { 0 };
	struct jc_params params = { 0 };
	struct parsed p;
	char *got;
	int i;

	strbuf_adds(&sb, "$a = xxxxxxxxxxxxxxxx;\n");
	for (i = 0; i < 40; i++)
		strbuf_adds(&sb, "$a = \"$a$a\";\n");
	strbuf_adds(&sb, "b = $a;\n");
	parse(&p, strbuf_cstr(&sb));
	CHECK_INT_EQ(jailconf_resolve(p.conf, NULL, &params, &p.diags), -1);
	got = diag_lines(&p.diags);
	CHECK_STR_EQ(got, "17:1: error: values grow beyond 1048576 bytes when "
	    "variables are expanded\n");
	free(got);
	jc_params_free(&params);
	done(&p);
	strbuf_free(&sb);
}

TEST(jailconf_free_null)
{
	struct jc_params params = { 0 };

	jailconf_free(NULL);
	jc_params_free(&params);
	CHECK(params.v == NULL);
}
