/*
 * jailconf_print: the canonical text of a parsed jail.conf.
 *
 * Every choice here keeps print(parse(text)) a fixed point: a word is
 * printed bare only if the lexer reads it back as the same single bare word,
 * otherwise in double quotes where only " \ $ and a few control characters
 * need escapes.
 */
#include "conf/jailconf.h"

#include <string.h>

#include "lib/util.h"

/* Characters of a value that may be printed without quotes. */
static bool
is_value_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("_./:@+%-", c) != NULL;
}

/* Names also have "*" (the wildcard block, allow.* parameters). */
static bool
is_name_char(char c)
{
	return is_value_char(c) || c == '*';
}

/*
 * Return true if ${s} can be printed bare: non-empty, made of safe
 * characters, and not the start of a comment.
 */
static bool
is_bare(const char *s, bool (*safe)(char))
{
	const char *p;

	if (*s == '\0' || (s[0] == '/' && (s[1] == '/' || s[1] == '*')))
		return false;
	for (p = s; *p != '\0'; p++) {
		if (!safe(*p))
			return false;
	}
	return true;
}

/* Append ${s} as the inside of a double-quoted string. */
static void
print_escaped(struct strbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
		case '\\':
		case '$':
			strbuf_addc(out, '\\');
			strbuf_addc(out, *s);
			break;
		case '\n':
			strbuf_adds(out, "\\n");
			break;
		case '\t':
			strbuf_adds(out, "\\t");
			break;
		case '\r':
			strbuf_adds(out, "\\r");
			break;
		default:
			strbuf_addc(out, *s);
			break;
		}
	}
}

/*
 * Append the name ${s}: bare if possible; a leading "." is quoted so that
 * a parameter named ".include" does not read back as the directive.
 */
static void
print_name(struct strbuf *out, const char *s)
{
	if (s[0] != '.' && is_bare(s, is_name_char)) {
		strbuf_adds(out, s);
		return;
	}
	strbuf_addc(out, '"');
	print_escaped(out, s);
	strbuf_addc(out, '"');
}

static void
print_value(struct strbuf *out, const struct jc_value *v)
{
	struct strbuf text = { 0 };
	bool has_var = false;
	size_t i;

	for (i = 0; i < v->nsegs; i++) {
		switch (v->segs[i].kind) {
		case JC_SEG_TEXT:
			strbuf_adds(&text, v->segs[i].text);
			break;
		case JC_SEG_VAR:
			has_var = true;
			break;
		}
	}
	if (!has_var && is_bare(strbuf_cstr(&text), is_value_char)) {
		strbuf_adds(out, strbuf_cstr(&text));
		strbuf_free(&text);
		return;
	}
	strbuf_free(&text);
	strbuf_addc(out, '"');
	for (i = 0; i < v->nsegs; i++) {
		switch (v->segs[i].kind) {
		case JC_SEG_TEXT:
			print_escaped(out, v->segs[i].text);
			break;
		case JC_SEG_VAR:
			strbuf_addf(out, "${%s}", v->segs[i].text);
			break;
		}
	}
	strbuf_addc(out, '"');
}

/* Return true if ${s} can follow a plain "$" (else it needs braces). */
static bool
is_plain_var_name(const char *s)
{
	const char *p;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return false;
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	}
	return true;
}

static void
print_param(struct strbuf *out, const struct jc_param *prm, bool indent)
{
	size_t i;

	if (indent)
		strbuf_addc(out, '\t');
	if (prm->is_var && is_plain_var_name(prm->name))
		strbuf_addf(out, "$%s", prm->name);
	else if (prm->is_var)
		strbuf_addf(out, "${%s}", prm->name);
	else
		print_name(out, prm->name);
	switch (prm->op) {
	case JC_SET:
		strbuf_adds(out, " = ");
		break;
	case JC_APPEND:
		strbuf_adds(out, " += ");
		break;
	case JC_BOOL:
		strbuf_adds(out, ";\n");
		return;
	}
	for (i = 0; i < prm->nvalues; i++) {
		if (i > 0)
			strbuf_adds(out, ", ");
		print_value(out, &prm->values[i]);
	}
	strbuf_adds(out, ";\n");
}

void
jailconf_print(const struct jail_conf *conf, struct strbuf *out)
{
	const struct jc_block *blk;
	size_t i, j;

	for (i = 0; i < conf->nglobals; i++)
		print_param(out, &conf->globals[i], false);
	for (i = 0; i < conf->nblocks; i++) {
		blk = &conf->blocks[i];
		if (i > 0 || conf->nglobals > 0)
			strbuf_addc(out, '\n');
		if (blk->kind != NULL) {
			print_name(out, blk->kind);
			strbuf_addc(out, ' ');
		}
		print_name(out, blk->name);
		strbuf_adds(out, " {\n");
		for (j = 0; j < blk->nparams; j++)
			print_param(out, &blk->params[j], true);
		strbuf_adds(out, "}\n");
	}
}
