#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "conf/rcconf.h"
#include "test.h"

/* The seed's host rc.conf, as the write-up shows it. */
static const char seed_host_rc[] =
    "# Rename and Configure the NICs \n"
    "ifconfig_xnic=\"`/bin/cat /etc/xnic`\"\n"
    "ifconfig_inic=\"`/bin/cat /etc/inic` vlanhwtag 2222\"\n"
    "\n"
    "defaultrouter=`/bin/cat /etc/gateway`\n"
    "\n"
    "# Create the Virtual Interfaces. e.g., ifconfig bridge0 create\n"
    "cloned_interfaces=\"bridge0 bridge1 epair0 epair1 epair2 epair3 "
    "epair4 epair5 epair6\"\n"
    "\n"
    "# Rename the Bridges and VNICs\n"
    "ifconfig_bridge0_name=xbridge\n"
    "ifconfig_bridge1_name=ibridge\n"
    "ifconfig_epair0a_name=ngx_a\n"
    "ifconfig_epair0b_name=ngx_b\n"
    "\n"
    "# Enable the VNICs that we don't assign IPs to\n"
    "ifconfig_ngx_a=up\n"
    "\n"
    "# Connect the NICs to the Bridges. e.g., ifconfig ibridge addm inic\n"
    "ifconfig_xbridge=\"inet 10.0.2.1/24 addm ngx_a addm node_a addm pg_a "
    "up\"\n"
    "ifconfig_ibridge=\"\n"
    "addm inic\n"
    "addm inode_a\n"
    "addm ipg_a\n"
    "up\"\n"
    "\n"
    "# Services\n"
    "jail_enable=YES\n"
    "jail_reverse_stop=YES\n"
    "gateway_enable=YES\n"
    "pf_enable=YES\n";

/* The seed's rc.conf of the pg_j jail. */
static const char seed_pg_rc[] =
    "hostname=`/bin/cat /etc/hostname`\n"
    "\n"
    "ifconfig_ipg_b=`/bin/cat /etc/ip_ipg_b`/24\n"
    "\n"
    "# Tunnels\n"
    "spiped_pipes=\"N2P PGS PGC\"\n"
    "\n"
    "spiped_pipe_N2P_source=\"[`/bin/cat /etc/ip_ipg_b`]:5433\"\n"
    "spiped_pipe_N2P_target=\"[`/bin/cat /etc/ip_ipg_b`]:5432\"\n"
    "\n"
    "spiped_pipe_PGS_source=\"[`/bin/cat /etc/ip_ipg_b`]:5434\"\n"
    "spiped_pipe_PGS_target=\"[`/bin/cat /etc/ip_ipg_b`]:5432\"\n"
    "\n"
    "spiped_pipe_PGC_source=\"[`/bin/cat /etc/ip_ipg_b`]:5435\"\n"
    "spiped_pipe_PGC_target=\"[`/bin/cat /etc/ip_peer_ipg_b`]:5434\"\n";

/* The seed's rc.conf of the node_j jail. */
static const char seed_node_rc[] =
    "hostname=`/bin/cat /etc/hostname`\n"
    "\n"
    "ifconfig_inode_b=`/bin/cat /etc/ip_inode_b`/24\n"
    "\n"
    "\n"
    "# Tunnel to Peer Database\n"
    "\n"
    "spiped_pipe_N2P_source=\"[`/bin/cat /etc/ip_inode_b`]:5432\"\n"
    "spiped_pipe_N2P_target=\"[`/bin/cat /etc/ip_peer_ipg_b`]:5433\"\n";

/* Files of server A as an in-memory view. */
static const struct {
	const char *path, *text;
} view_a[] = {
	{ "/etc/xnic", "inet 192.0.2.155/24\n" },
	{ "/etc/inic", "inet 192.168.56.110/24\n" },
	{ "/etc/gateway", "192.0.2.1\n" },
	{ "/etc/hostname", "node-a\n\n\n" },
	{ "/etc/ip_inode_b", "192.168.56.30\n" },
	{ "/etc/ip_ipg_b", "192.168.56.40\n" },
	{ "/etc/ip_peer_ipg_b", "192.168.56.41\n" },
	{ "/etc/spaces", "  a b \n" },
	{ "/etc/empty", "" },
	{ "/etc/twolines", "first\nsecond word\n" },
};

static int nreads;

static struct source *
view_a_read(void *ctx, const char *path, int *errnum)
{
	size_t i;

	(void)ctx;
	nreads++;
	for (i = 0; i < sizeof(view_a) / sizeof(view_a[0]); i++) {
		if (str_eq(view_a[i].path, path))
			return source_new(path, view_a[i].text,
			    strlen(view_a[i].text));
	}
	*errnum = ENOENT;
	return NULL;
}

struct fixture {
	struct source *src;
	struct rc_conf *conf;
	struct diags d;
};

static void
fx_parse(struct fixture *fx, const char *text)
{
	diags_init(&fx->d);
	fx->src = source_new("rc.conf", text, strlen(text));
	fx->conf = rcconf_parse(fx->src, &fx->d);
}

static void
fx_free(struct fixture *fx)
{
	rcconf_free(fx->conf);
	source_free(fx->src);
	diags_free(&fx->d);
}

/* "LINE:COL:LEN: severity: message" of diagnostic ${i}, or "(none)". */
static const char *
dstr(const struct diags *d, size_t i)
{
	static char buf[1024];
	static const char *const sev[] = { "error", "warning", "note" };
	const struct diag *dg;

	if (i >= d->n)
		return "(none)";
	dg = &d->v[i];
	snprintf(buf, sizeof(buf), "%s%s%u:%u:%u: %s: %s",
	    dg->file ? dg->file : "", dg->file ? ":" : "", dg->line, dg->col,
	    dg->len, sev[dg->severity], dg->msg);
	return buf;
}

/* "LINE:COL:LEN" of ${loc}. */
static const char *
lstr(struct loc loc)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s:%u:%u:%u",
	    loc.src ? loc.src->path : "-", loc.line, loc.col, loc.len);
	return buf;
}

/* Parse ${text} and expect exactly one diagnostic, ${want}. */
static void
expect_error(const char *text, const char *want, int line)
{
	struct fixture fx;

	fx_parse(&fx, text);
	if (fx.d.n != 1 || strcmp(dstr(&fx.d, 0), want) != 0)
		test_fail(__FILE__, line, "input \"%s\"\n  got:  %s (%zu "
		    "diagnostics)\n  want: %s", text, dstr(&fx.d, 0), fx.d.n,
		    want);
	fx_free(&fx);
}

#define EXPECT_ERROR(text, want) expect_error(text, want, __LINE__)

/* Return print(parse(${text})), owned by the caller. */
static char *
print_of(const char *text, size_t *nerrors)
{
	struct fixture fx;
	struct strbuf out = { 0 };

	fx_parse(&fx, text);
	rcconf_print(fx.conf, &out);
	if (nerrors != NULL)
		*nerrors = fx.d.nerrors;
	fx_free(&fx);
	return strbuf_steal(&out);
}

static void
expect_print(const char *text, const char *want, int line)
{
	char *got = print_of(text, NULL);

	if (strcmp(got, want) != 0)
		test_fail(__FILE__, line, "print of \"%s\"\n  got:  %s\n  "
		    "want: %s", text, got, want);
	free(got);
}

#define EXPECT_PRINT(text, want) expect_print(text, want, __LINE__)

TEST(rcconf_seed_host)
{
	struct fixture fx;
	const struct rc_assign *a;

	fx_parse(&fx, seed_host_rc);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 15);
	a = &fx.conf->v[1];
	CHECK_STR_EQ(a->name, "ifconfig_inic");
	CHECK_STR_EQ(lstr(a->name_loc), "rc.conf:3:1:13");
	CHECK_STR_EQ(lstr(a->value_loc), "rc.conf:3:15:37");
	CHECK_INT_EQ(a->nsegs, 2);
	CHECK_INT_EQ(a->segs[0].kind, RC_SEG_CAT);
	CHECK_STR_EQ(a->segs[0].text, "/etc/inic");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:3:16:20");
	CHECK_INT_EQ(a->segs[1].kind, RC_SEG_TEXT);
	CHECK_STR_EQ(a->segs[1].text, " vlanhwtag 2222");
	CHECK_STR_EQ(lstr(a->segs[1].loc), "rc.conf:3:36:15");
	CHECK_INT_EQ(a->segs[1].verbatim, 1);

	a = &fx.conf->v[2];
	CHECK_STR_EQ(a->name, "defaultrouter");
	CHECK_INT_EQ(a->nsegs, 1);
	CHECK_INT_EQ(a->segs[0].kind, RC_SEG_CAT);
	CHECK_STR_EQ(a->segs[0].text, "/etc/gateway");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:5:15:23");

	a = &fx.conf->v[4];
	CHECK_STR_EQ(a->name, "ifconfig_bridge0_name");
	CHECK_INT_EQ(a->nsegs, 1);
	CHECK_STR_EQ(a->segs[0].text, "xbridge");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:11:23:7");

	a = &fx.conf->v[10];
	CHECK_STR_EQ(a->name, "ifconfig_ibridge");
	CHECK_INT_EQ(a->nsegs, 1);
	CHECK_STR_EQ(a->segs[0].text,
	    "\naddm inic\naddm inode_a\naddm ipg_a\nup");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:21:19:37");
	CHECK_INT_EQ(a->segs[0].verbatim, 1);
	CHECK_STR_EQ(lstr(a->value_loc), "rc.conf:21:18:39");
	CHECK_STR_EQ(fx.conf->v[14].name, "pf_enable");
	fx_free(&fx);
}

TEST(rcconf_seed_jails)
{
	struct fixture fx;
	const struct rc_assign *a;

	fx_parse(&fx, seed_node_rc);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 4);
	a = &fx.conf->v[1];
	CHECK_STR_EQ(a->name, "ifconfig_inode_b");
	CHECK_INT_EQ(a->nsegs, 2);
	CHECK_INT_EQ(a->segs[0].kind, RC_SEG_CAT);
	CHECK_STR_EQ(a->segs[0].text, "/etc/ip_inode_b");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:3:18:26");
	CHECK_INT_EQ(a->segs[1].kind, RC_SEG_TEXT);
	CHECK_STR_EQ(a->segs[1].text, "/24");
	CHECK_STR_EQ(lstr(a->segs[1].loc), "rc.conf:3:44:3");
	a = &fx.conf->v[2];
	CHECK_STR_EQ(a->name, "spiped_pipe_N2P_source");
	CHECK_INT_EQ(a->nsegs, 3);
	CHECK_STR_EQ(a->segs[0].text, "[");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:8:25:1");
	CHECK_STR_EQ(a->segs[1].text, "/etc/ip_inode_b");
	CHECK_STR_EQ(lstr(a->segs[1].loc), "rc.conf:8:26:26");
	CHECK_STR_EQ(a->segs[2].text, "]:5432");
	CHECK_STR_EQ(lstr(a->segs[2].loc), "rc.conf:8:52:6");
	fx_free(&fx);

	fx_parse(&fx, seed_pg_rc);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 9);
	CHECK_STR_EQ(fx.conf->v[8].segs[1].text, "/etc/ip_peer_ipg_b");
	fx_free(&fx);
}

TEST(rcconf_lines_and_comments)
{
	struct fixture fx;

	fx_parse(&fx, "\n   # indented comment\n\t a=1 # trailing\n"
	    "b=2#not-a-comment\n  \t\nc=\nd=  # empty\n#e=5");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 4);
	CHECK_STR_EQ(fx.conf->v[0].name, "a");
	CHECK_STR_EQ(lstr(fx.conf->v[0].name_loc), "rc.conf:3:3:1");
	CHECK_STR_EQ(fx.conf->v[0].segs[0].text, "1");
	CHECK_STR_EQ(fx.conf->v[1].segs[0].text, "2#not-a-comment");
	CHECK_INT_EQ(fx.conf->v[2].nsegs, 0);
	CHECK_STR_EQ(lstr(fx.conf->v[2].value_loc), "rc.conf:6:3:0");
	CHECK_INT_EQ(fx.conf->v[3].nsegs, 0);
	fx_free(&fx);

	/* No newline at the end; CR is kept as sh keeps it. */
	fx_parse(&fx, "x=1\r\ny=2");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 2);
	CHECK_STR_EQ(fx.conf->v[0].segs[0].text, "1\r");
	CHECK_STR_EQ(fx.conf->v[1].segs[0].text, "2");
	fx_free(&fx);
}

TEST(rcconf_quotes_and_escapes)
{
	struct fixture fx;
	const struct rc_assign *a;

	/* Escapes start a new run at the escaped byte, located there. */
	fx_parse(&fx, "a=\"x\\$y\\`\\\"\\\\z\\n\"\n");
	CHECK_INT_EQ(fx.d.n, 0);
	a = &fx.conf->v[0];
	CHECK_INT_EQ(a->nsegs, 5);
	CHECK_STR_EQ(a->segs[0].text, "x");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:1:4:1");
	CHECK_STR_EQ(a->segs[1].text, "$y");
	CHECK_STR_EQ(lstr(a->segs[1].loc), "rc.conf:1:6:2");
	CHECK_STR_EQ(a->segs[2].text, "`");
	CHECK_STR_EQ(a->segs[3].text, "\"");
	CHECK_STR_EQ(a->segs[4].text, "\\z\\n");
	CHECK_STR_EQ(lstr(a->segs[4].loc), "rc.conf:1:13:4");
	fx_free(&fx);

	/* Single quotes are literal and may span lines. */
	fx_parse(&fx, "a='$x `y` \\\n\"z\"'\n");
	CHECK_INT_EQ(fx.d.n, 0);
	a = &fx.conf->v[0];
	CHECK_INT_EQ(a->nsegs, 1);
	CHECK_STR_EQ(a->segs[0].text, "$x `y` \\\n\"z\"");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:1:4:12");
	fx_free(&fx);

	/* Unquoted: \x is x, backslash-newline joins, parts concatenate. */
	fx_parse(&fx, "a=a\\ b\\\nc\"d e\"'f'\nb=2\n");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 2);
	a = &fx.conf->v[0];
	CHECK_INT_EQ(a->nsegs, 5);
	CHECK_STR_EQ(a->segs[0].text, "a");
	CHECK_STR_EQ(a->segs[1].text, " b");
	CHECK_STR_EQ(lstr(a->segs[1].loc), "rc.conf:1:5:2");
	CHECK_STR_EQ(a->segs[2].text, "c");
	CHECK_STR_EQ(lstr(a->segs[2].loc), "rc.conf:2:1:1");
	CHECK_STR_EQ(a->segs[3].text, "d e");
	CHECK_STR_EQ(a->segs[4].text, "f");
	CHECK_STR_EQ(lstr(a->value_loc), "rc.conf:1:3:15");
	fx_free(&fx);

	/* Backslash-newline inside double quotes is removed too. */
	fx_parse(&fx, "a=\"x\\\ny\"\n");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->v[0].nsegs, 2);
	CHECK_STR_EQ(fx.conf->v[0].segs[1].text, "y");
	CHECK_STR_EQ(lstr(fx.conf->v[0].segs[1].loc), "rc.conf:2:1:1");
	fx_free(&fx);

	/* A '$' that starts nothing is literal; '~' inside words too. */
	fx_parse(&fx, "a=5$ b=$\nc=x~y d=\"~\" e=$/x\n");
	CHECK_INT_EQ(fx.d.nerrors, 2);	/* two assignments per line */
	fx_free(&fx);
	fx_parse(&fx, "a=5$\nb=$\nc=x~y\nd=\"~\"\ne=$/x\nf='~'\n");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.conf->n, 6);
	CHECK_STR_EQ(fx.conf->v[0].segs[0].text, "5$");
	CHECK_STR_EQ(fx.conf->v[1].segs[0].text, "$");
	CHECK_STR_EQ(fx.conf->v[2].segs[0].text, "x~y");
	CHECK_STR_EQ(fx.conf->v[4].segs[0].text, "$/x");
	fx_free(&fx);
}

TEST(rcconf_variables)
{
	struct fixture fx;
	const struct rc_assign *a;

	fx_parse(&fx, "a=$x/${y_1}\"$z.${w}\"\n");
	CHECK_INT_EQ(fx.d.n, 0);
	a = &fx.conf->v[0];
	CHECK_INT_EQ(a->nsegs, 6);
	CHECK_INT_EQ(a->segs[0].kind, RC_SEG_VAR);
	CHECK_STR_EQ(a->segs[0].text, "x");
	CHECK_STR_EQ(lstr(a->segs[0].loc), "rc.conf:1:3:2");
	CHECK_STR_EQ(a->segs[1].text, "/");
	CHECK_INT_EQ(a->segs[2].kind, RC_SEG_VAR);
	CHECK_STR_EQ(a->segs[2].text, "y_1");
	CHECK_STR_EQ(lstr(a->segs[2].loc), "rc.conf:1:6:6");
	CHECK_STR_EQ(a->segs[3].text, "z");
	CHECK_STR_EQ(a->segs[4].text, ".");
	CHECK_STR_EQ(a->segs[5].text, "w");
	CHECK_STR_EQ(lstr(a->segs[5].loc), "rc.conf:1:16:4");
	fx_free(&fx);
}

TEST(rcconf_file_reads)
{
	static const char *const forms[] = {
		"a=`/bin/cat /etc/x`", "a=`cat /etc/x`", "a=$(cat /etc/x)",
		"a=$(/bin/cat /etc/x)", "a=\"`cat /etc/x`\"",
		"a=\"$(cat /etc/x)\"", "a=`  cat\t /etc/x  `",
		"a=$( cat \"/etc/x\" )", "a=`cat '/etc/x'`",
		"a=\"$(cat \"/etc/x\")\"", "a=`cat /etc/\"x\"`",
		"a=\"$(\n  cat /etc/x\n)\"",
	};
	struct fixture fx;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		fx_parse(&fx, forms[i]);
		if (fx.d.n != 0)
			test_fail(__FILE__, __LINE__, "%s: %s", forms[i],
			    dstr(&fx.d, 0));
		CHECK_INT_EQ(fx.conf->n, 1);
		if (fx.conf->n == 1) {
			CHECK_INT_EQ(fx.conf->v[0].nsegs, 1);
			CHECK_INT_EQ(fx.conf->v[0].segs[0].kind, RC_SEG_CAT);
			CHECK_STR_EQ(fx.conf->v[0].segs[0].text, "/etc/x");
		}
		fx_free(&fx);
	}
	fx_parse(&fx, "a=\"$(cat /etc/x)\"\n");
	CHECK_STR_EQ(lstr(fx.conf->v[0].segs[0].loc), "rc.conf:1:4:13");
	fx_free(&fx);
	/* A quoted path may hold characters printed back quoted. */
	fx_parse(&fx, "a=`cat '/etc/a b'`\n");
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_STR_EQ(fx.conf->v[0].segs[0].text, "/etc/a b");
	fx_free(&fx);
}

TEST(rcconf_errors_statements)
{
	EXPECT_ERROR("export X=1\n", "rc.conf:1:1:6: error: 'export' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=1\n  readonly a\n", "rc.conf:2:3:8: error: 'readonly' "
	    "needs a shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("NAME = x\n", "rc.conf:1:5:2: error: 'NAME =' with a "
	    "space is a command and needs a shell; rc.conf lines must be "
	    "NAME=VALUE without spaces around '='");
	EXPECT_ERROR("NAME\t=x\n", "rc.conf:1:5:2: error: 'NAME =' with a "
	    "space is a command and needs a shell; rc.conf lines must be "
	    "NAME=VALUE without spaces around '='");
	EXPECT_ERROR(". /etc/foo\n", "rc.conf:1:1:1: error: '.' (reading "
	    "another file) needs a shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("if [ -f /etc/x ]; then\n", "rc.conf:1:1:2: error: 'if' "
	    "needs a shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("fi\n", "rc.conf:1:1:2: error: 'fi' needs a shell; "
	    "rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("ls -l /etc\n", "rc.conf:1:1:2: error: command 'ls' "
	    "needs a shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("$((1+2))\n", "rc.conf:1:1:8: error: command '$((1+2))' "
	    "needs a shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("f() { a=1; }\n", "rc.conf:1:1:1: error: function "
	    "definition 'f()' needs a shell; rc.conf lines must be "
	    "NAME=VALUE");
	EXPECT_ERROR("a+=1\n", "rc.conf:1:1:4: error: command 'a+=1' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("  ; a=1\n", "rc.conf:1:3:1: error: ';' needs a shell; "
	    "rc.conf lines must be NAME=VALUE");
}

TEST(rcconf_errors_operators)
{
	EXPECT_ERROR("a=b; c=d\n", "rc.conf:1:4:1: error: ';' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b && c=d\n", "rc.conf:1:5:2: error: '&&' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b&&c=d\n", "rc.conf:1:4:2: error: '&&' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b | c\n", "rc.conf:1:5:1: error: '|' needs a shell; "
	    "rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b || c\n", "rc.conf:1:5:2: error: '||' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b >/tmp/x\n", "rc.conf:1:5:1: error: '>' needs a "
	    "shell; rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=(1 2)\n", "rc.conf:1:3:1: error: '(' needs a shell; "
	    "rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b &\n", "rc.conf:1:5:1: error: '&' needs a shell; "
	    "rc.conf lines must be NAME=VALUE");
	EXPECT_ERROR("a=b c\n", "rc.conf:1:5:1: error: command 'c' after the "
	    "assignment needs a shell (sh would run it); quote a value that "
	    "has spaces");
	EXPECT_ERROR("a=\"x\"   /sbin/ifconfig em0 up\n", "rc.conf:1:9:14: "
	    "error: command '/sbin/ifconfig' after the assignment needs a "
	    "shell (sh would run it); quote a value that has spaces");
	EXPECT_ERROR("a=b c=d\n", "rc.conf:1:5:3: error: a second assignment "
	    "'c=d' on the same line; jailnet reads one NAME=VALUE per line");
}

TEST(rcconf_errors_substitutions)
{
	EXPECT_ERROR("a=$((1+2))\n", "rc.conf:1:3:8: error: arithmetic "
	    "expansion '$((1+2))' needs a shell");
	EXPECT_ERROR("a=$(ls)\n", "rc.conf:1:3:5: error: command substitution "
	    "'ls' needs a shell; jailnet only reads files with `/bin/cat "
	    "FILE`");
	EXPECT_ERROR("a=`ls -l`\n", "rc.conf:1:3:7: error: command "
	    "substitution 'ls -l' needs a shell; jailnet only reads files "
	    "with `/bin/cat FILE`");
	EXPECT_ERROR("x=\"`/usr/bin/head -1 /etc/x`\"\n", "rc.conf:1:4:25: "
	    "error: command substitution '/usr/bin/head -1 /etc/x' needs a "
	    "shell; jailnet only reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=`cat /etc/a /etc/b`\n", "rc.conf:1:3:19: error: "
	    "command substitution 'cat /etc/a /etc/b' needs a shell; jailnet "
	    "only reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=`cat /etc/x | head -1`\n", "rc.conf:1:3:22: error: "
	    "command substitution 'cat /etc/x | head -1' needs a shell; "
	    "jailnet only reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=`cat /etc/ip*`\n", "rc.conf:1:3:14: error: command "
	    "substitution 'cat /etc/ip*' needs a shell; jailnet only reads "
	    "files with `/bin/cat FILE`");
	EXPECT_ERROR("a=`cat $HOME/x`\n", "rc.conf:1:3:13: error: command "
	    "substitution 'cat $HOME/x' needs a shell; jailnet only reads "
	    "files with `/bin/cat FILE`");
	EXPECT_ERROR("a=\"$(cat\n/etc/x)\"\n", "rc.conf:1:4:13: error: "
	    "command substitution 'cat...' needs a shell; jailnet only "
	    "reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=\"$(cat /etc/x\nls)\"\n", "rc.conf:1:4:16: error: "
	    "command substitution 'cat /etc/x...' needs a shell; jailnet only "
	    "reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=`cat`\n", "rc.conf:1:3:5: error: command substitution "
	    "'cat' needs a shell; jailnet only reads files with `/bin/cat "
	    "FILE`");
	EXPECT_ERROR("a=`cat   `\n", "rc.conf:1:3:8: error: command "
	    "substitution 'cat' needs a shell; jailnet only reads files with "
	    "`/bin/cat FILE`");
	EXPECT_ERROR("a=` `\n", "rc.conf:1:3:3: error: empty command "
	    "substitution; jailnet only reads files with `/bin/cat FILE`");
	EXPECT_ERROR("a=\"`/bin/cat etc/inic`\"\n", "rc.conf:1:14:8: error: "
	    "'etc/inic' is a relative path; jailnet only reads files by "
	    "absolute path, with `/bin/cat /path`");
	EXPECT_ERROR("a=$(cat 'x y')\n", "rc.conf:1:9:5: error: 'x y' is a "
	    "relative path; jailnet only reads files by absolute path, with "
	    "`/bin/cat /path`");
	EXPECT_ERROR("a=`cat '/etc/a\"b'`\n", "rc.conf:1:8:10: error: file "
	    "name '/etc/a\"b' has a character jailnet does not accept");
	EXPECT_ERROR("a=${x:-def}\n", "rc.conf:1:3:9: error: '${x:-def}' "
	    "needs a shell; jailnet only expands ${name}");
	EXPECT_ERROR("a=\"${#x}\"\n", "rc.conf:1:4:5: error: '${#x}' needs a "
	    "shell; jailnet only expands ${name}");
	EXPECT_ERROR("a=${}\n", "rc.conf:1:3:3: error: '${}' needs a shell; "
	    "jailnet only expands ${name}");
	EXPECT_ERROR("a=$1\n", "rc.conf:1:3:2: error: special parameter '$1' "
	    "needs a shell");
	EXPECT_ERROR("a=\"x$?\"\n", "rc.conf:1:5:2: error: special parameter "
	    "'$?' needs a shell");
	EXPECT_ERROR("a=$'\\n'\n", "rc.conf:1:3:2: error: $'...' quoting "
	    "needs a shell");
	EXPECT_ERROR("a=~/x\n", "rc.conf:1:3:1: error: '~' (home directory) "
	    "needs a shell; quote it if it is meant literally");
	EXPECT_ERROR("PATH=/bin:~/bin\n", "rc.conf:1:11:1: error: '~' (home "
	    "directory) needs a shell; quote it if it is meant literally");
}

TEST(rcconf_errors_unterminated)
{
	EXPECT_ERROR("a=1\nb=\"abc\nc=2\n", "rc.conf:2:3:1: error: "
	    "unterminated double quote");
	EXPECT_ERROR("b=x'abc\n", "rc.conf:1:4:1: error: unterminated single "
	    "quote");
	EXPECT_ERROR("b=\"`cat /etc/x\"\n", "rc.conf:1:4:1: error: "
	    "unterminated backquote");
	EXPECT_ERROR("b=$(cat /etc/x\n", "rc.conf:1:3:2: error: unterminated "
	    "'$('");
	EXPECT_ERROR("b=${x\n", "rc.conf:1:3:2: error: unterminated '${'");
}

TEST(rcconf_error_recovery)
{
	struct fixture fx;

	/* Good lines around bad ones are kept; each bad line reported. */
	fx_parse(&fx, "a=1\nexport b=2\nc=`ls`\nd=\"x\ny\" e\nf='unterminated\n"
	    "g=4\nh=`cat rel` ${x:-y}\ni=5\n");
	CHECK_INT_EQ(fx.d.nerrors, 6);
	CHECK_STR_EQ(dstr(&fx.d, 3), "rc.conf:6:3:1: error: unterminated "
	    "single quote");
	CHECK_STR_EQ(dstr(&fx.d, 4), "rc.conf:8:8:3: error: 'rel' is a "
	    "relative path; jailnet only reads files by absolute path, with "
	    "`/bin/cat /path`");
	CHECK_STR_EQ(dstr(&fx.d, 5), "rc.conf:8:13:7: error: command "
	    "'${x:-y}' after the assignment needs a shell (sh would run it); "
	    "quote a value that has spaces");
	CHECK_INT_EQ(fx.conf->n, 3);
	CHECK_STR_EQ(fx.conf->v[0].name, "a");
	CHECK_STR_EQ(fx.conf->v[1].name, "g");
	CHECK_STR_EQ(fx.conf->v[2].name, "i");
	fx_free(&fx);

	/* A quoted newline after an error does not start a new line. */
	fx_parse(&fx, "a=b; c=\"\nexport x\n\"\nd=1\n");
	CHECK_INT_EQ(fx.d.nerrors, 1);
	CHECK_INT_EQ(fx.conf->n, 1);
	CHECK_STR_EQ(fx.conf->v[0].name, "d");
	fx_free(&fx);

	/* Two errors in one value are both reported. */
	fx_parse(&fx, "a=`ls`$1\n");
	CHECK_INT_EQ(fx.d.nerrors, 2);
	CHECK_INT_EQ(fx.conf->n, 0);
	fx_free(&fx);
}

TEST(rcconf_nul_byte)
{
	static const char text[] = "a=x\0y\nb=1\n\0\nc=\"\0\"\nd='\0'\n";
	struct source *src = source_new("rc.conf", text, sizeof(text) - 1);
	struct rc_conf *conf;
	struct diags d;

	diags_init(&d);
	conf = rcconf_parse(src, &d);
	CHECK_INT_EQ(d.nerrors, 4);
	CHECK_STR_EQ(dstr(&d, 0), "rc.conf:1:4:1: error: NUL byte in rc.conf");
	CHECK_INT_EQ(conf->n, 1);
	CHECK_STR_EQ(conf->v[0].name, "b");
	rcconf_free(conf);
	source_free(src);
	diags_free(&d);
}

TEST(rcconf_print_canonical)
{
	EXPECT_PRINT("a=1\n", "a=\"1\"\n");
	EXPECT_PRINT("# c\n  a=x y\n", "");
	EXPECT_PRINT("a='$x \"y\" `z` \\'\n", "a=\"\\$x \\\"y\\\" \\`z\\` "
	    "\\\\\"\n");
	EXPECT_PRINT("a=$x${y}\"$z\"\n", "a=\"${x}${y}${z}\"\n");
	EXPECT_PRINT("a=`cat /etc/x`/24 b=2\n", "");
	EXPECT_PRINT("a=`cat /etc/x`/24\nb=$(/bin/cat \"/etc/y\")\n",
	    "a=\"`/bin/cat /etc/x`/24\"\nb=\"`/bin/cat /etc/y`\"\n");
	EXPECT_PRINT("a=`cat '/etc/a b'`\n", "a=\"`/bin/cat '/etc/a b'`\"\n");
	EXPECT_PRINT("a=\nb=''\"\"\n", "a=\"\"\nb=\"\"\n");
	EXPECT_PRINT("a=\"x\ny\"\n", "a=\"x\ny\"\n");
	EXPECT_PRINT("a=x\\\ny\\ z\n", "a=\"xy z\"\n");
	EXPECT_PRINT("a=\"\\a\\$\"\n", "a=\"\\\\a\\$\"\n");
	EXPECT_PRINT(seed_node_rc,
	    "hostname=\"`/bin/cat /etc/hostname`\"\n"
	    "ifconfig_inode_b=\"`/bin/cat /etc/ip_inode_b`/24\"\n"
	    "spiped_pipe_N2P_source=\"[`/bin/cat /etc/ip_inode_b`]:5432\"\n"
	    "spiped_pipe_N2P_target=\"[`/bin/cat /etc/ip_peer_ipg_b`]:5433"
	    "\"\n");
}

TEST(rcconf_print_fixed_point)
{
	static const char *const inputs[] = {
		seed_host_rc, seed_pg_rc, seed_node_rc,
		"a=1\n", "a='$x \"y\" `z` \\'\n", "a=$x${y}\"$z\"\n",
		"a=`cat /etc/x`/24\nb=$(/bin/cat \"/etc/y\")\n",
		"a=`cat '/etc/a b'`\n", "a=`cat '/etc/$x'`\n",
		"a=`cat '/etc/a*b'`\n", "a=`cat /etc/a=b,c:d@e%f+g`\n",
		"a=\nb=''\"\"\n", "a=\"x\ny\"\n", "a=x\\\ny\\ z\n",
		"a=\"\\a\\$\"\n", "a=\\\\\\\n", "a=x\\", "a=$", "a=5$ \n",
		"a=\"x\\\n\"\n", "a='\\\n'\n", "a=\"${a}b\"\n",
		"a=\"\n\n\"\n", "a=\"a\\\\\nb\"\n", "a=\"#x\"\n",
		"a=\"~/x\"\n", "a=\\~\n", "a=\"\\`cat /etc/x\\`\"\n",
		"a=\"$\"'\"'\n", "a=\"\\\"`cat /x`\\\"\"\n",
		"a=\t\n", "a=x:y:z\n", "a=\"\x01\x7f\xff\"\n",
	};
	size_t i, n1;
	char *p1, *p2;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		p1 = print_of(inputs[i], NULL);
		p2 = print_of(p1, &n1);
		if (strcmp(p1, p2) != 0 || n1 != 0)
			test_fail(__FILE__, __LINE__, "input %zu \"%s\": "
			    "print \"%s\" reprints \"%s\" (%zu errors)", i,
			    inputs[i], p1, p2, n1);
		free(p1);
		free(p2);
	}
}

/* Evaluate ${text} as rc.conf into ${vars} with the view of server A. */
static int
eval_text(struct fixture *fx, const char *text, struct rc_vars *vars)
{
	fx_parse(fx, text);
	return rcconf_eval(fx->conf, view_a_read, NULL, vars, &fx->d);
}

/* The value of ${name}, or "(unset)". */
static const char *
value_of(const struct rc_vars *vars, const char *name)
{
	const struct rc_value *v = rc_vars_get(vars, name);

	return v == NULL ? "(unset)" : v->value.s;
}

TEST(rcconf_eval_seed)
{
	struct rc_vars vars;
	struct fixture fx;
	const struct rc_value *v;
	const char *s;

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, seed_host_rc, &vars), 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(vars.n, 15);
	CHECK_INT_EQ(vars.nfiles, 3);
	CHECK_STR_EQ(value_of(&vars, "ifconfig_inic"),
	    "inet 192.168.56.110/24 vlanhwtag 2222");
	CHECK_STR_EQ(value_of(&vars, "defaultrouter"), "192.0.2.1");
	CHECK_STR_EQ(value_of(&vars, "ifconfig_bridge0_name"), "xbridge");
	CHECK_STR_EQ(value_of(&vars, "nope"), "(unset)");
	v = rc_vars_get(&vars, "ifconfig_inic");
	CHECK_STR_EQ(lstr(v->name_loc), "rc.conf:3:1:13");
	/* The address is located in /etc/inic, vlanhwtag in rc.conf. */
	s = v->value.s;
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 5, 14)), "/etc/inic:1:6:14");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value,
	    (size_t)(strstr(s, "2222") - s), 4)), "rc.conf:3:47:4");
	v = rc_vars_get(&vars, "ifconfig_ibridge");
	s = v->value.s;
	CHECK_STR_EQ(lstr(ltext_loc(&v->value,
	    (size_t)(strstr(s, "ipg_a") - s), 5)), "rc.conf:24:6:5");
	CHECK_STR_EQ(lstr(v->value_loc), "rc.conf:21:18:39");
	rc_vars_free(&vars);
	CHECK_INT_EQ(vars.n, 0);
	fx_free(&fx);
}

TEST(rcconf_eval_jail_values)
{
	struct rc_vars vars;
	struct fixture fx;
	const struct rc_value *v;

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, seed_node_rc, &vars), 0);
	CHECK_STR_EQ(value_of(&vars, "hostname"), "node-a");
	CHECK_STR_EQ(value_of(&vars, "ifconfig_inode_b"), "192.168.56.30/24");
	CHECK_STR_EQ(value_of(&vars, "spiped_pipe_N2P_source"),
	    "[192.168.56.30]:5432");
	CHECK_STR_EQ(value_of(&vars, "spiped_pipe_N2P_target"),
	    "[192.168.56.41]:5433");
	v = rc_vars_get(&vars, "ifconfig_inode_b");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 0, 13)),
	    "/etc/ip_inode_b:1:1:13");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 13, 3)), "rc.conf:3:44:3");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 14, 2)), "rc.conf:3:45:2");
	v = rc_vars_get(&vars, "spiped_pipe_N2P_source");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 0, 1)), "rc.conf:8:25:1");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 4, 3)),
	    "/etc/ip_inode_b:1:4:3");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 15, 4)), "rc.conf:8:53:4");
	rc_vars_free(&vars);
	fx_free(&fx);
}

TEST(rcconf_eval_files)
{
	struct rc_vars vars;
	struct fixture fx;
	const struct rc_value *v;

	memset(&vars, 0, sizeof(vars));
	nreads = 0;
	CHECK_INT_EQ(eval_text(&fx, "a=`cat /etc/spaces`\n"
	    "b=x`cat /etc/empty`y\nc=`cat /etc/twolines`\nd=\"\"\n", &vars), 0);
	CHECK_INT_EQ(nreads, 3);
	/* Only trailing newlines go, as in sh. */
	CHECK_STR_EQ(value_of(&vars, "a"), "  a b ");
	CHECK_STR_EQ(value_of(&vars, "b"), "xy");
	CHECK_STR_EQ(value_of(&vars, "c"), "first\nsecond word");
	CHECK_STR_EQ(value_of(&vars, "d"), "");
	v = rc_vars_get(&vars, "b");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 1, 1)), "rc.conf:2:20:1");
	v = rc_vars_get(&vars, "c");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 13, 4)), "/etc/twolines:2:8:4");
	v = rc_vars_get(&vars, "d");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 0, 0)), "rc.conf:4:3:2");
	rc_vars_free(&vars);
	fx_free(&fx);
}

TEST(rcconf_eval_missing_file)
{
	struct rc_vars vars;
	struct fixture fx;

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, "x=1\nifconfig_inic=\"`/bin/cat /etc/inic"
	    "x` up\"\ny=\"$ifconfig_inic\"\n", &vars), -1);
	CHECK_INT_EQ(fx.d.n, 1);
	CHECK_STR_EQ(dstr(&fx.d, 0), "rc.conf:2:16:21: error: cannot read "
	    "'/etc/inicx' in this view: No such file or directory");
	/* The value keeps what could be read and says it is incomplete. */
	CHECK_STR_EQ(value_of(&vars, "ifconfig_inic"), " up");
	CHECK_INT_EQ(rc_vars_get(&vars, "ifconfig_inic")->incomplete, 1);
	CHECK_INT_EQ(rc_vars_get(&vars, "y")->incomplete, 1);
	CHECK_INT_EQ(rc_vars_get(&vars, "x")->incomplete, 0);
	rc_vars_free(&vars);
	fx_free(&fx);
}

TEST(rcconf_eval_variables)
{
	struct rc_vars vars;
	struct fixture fx;
	const struct rc_value *v;

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, "ip=`cat /etc/ip_inode_b`\n"
	    "net=\"$ip/24\"\nboth=${net},${ip}\n", &vars), 0);
	CHECK_STR_EQ(value_of(&vars, "net"), "192.168.56.30/24");
	CHECK_STR_EQ(value_of(&vars, "both"),
	    "192.168.56.30/24,192.168.56.30");
	/* Text copied from a variable is located where it was written. */
	v = rc_vars_get(&vars, "both");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 0, 3)),
	    "/etc/ip_inode_b:1:1:3");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 13, 3)), "rc.conf:2:9:3");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 16, 1)), "rc.conf:3:12:1");
	CHECK_STR_EQ(lstr(ltext_loc(&v->value, 20, 3)),
	    "/etc/ip_inode_b:1:4:3");
	rc_vars_free(&vars);
	fx_free(&fx);

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, "a=\"${b}x\"\nb=1\nc=$a$b\n", &vars), -1);
	CHECK_INT_EQ(fx.d.n, 1);
	CHECK_STR_EQ(dstr(&fx.d, 0), "rc.conf:1:4:4: error: undefined "
	    "variable 'b'");
	CHECK_STR_EQ(value_of(&vars, "c"), "x1");
	rc_vars_free(&vars);
	fx_free(&fx);
}

TEST(rcconf_eval_reassign)
{
	struct rc_vars vars;
	struct fixture fx, fx2;
	const struct rc_value *v;

	memset(&vars, 0, sizeof(vars));
	CHECK_INT_EQ(eval_text(&fx, "a=1\nb=2\n  a=3\na=\"${a}4\"\n", &vars),
	    0);
	/* a="${a}4" extends the value it replaces: no warning for it. */
	CHECK_INT_EQ(fx.d.nwarnings, 1);
	CHECK_STR_EQ(dstr(&fx.d, 0), "rc.conf:3:3:1: warning: 'a' is assigned "
	    "again; the earlier value is replaced");
	CHECK_STR_EQ(dstr(&fx.d, 1), "rc.conf:1:1:1: note: the earlier value "
	    "was assigned here");
	CHECK_STR_EQ(dstr(&fx.d, 2), "(none)");
	CHECK_STR_EQ(value_of(&vars, "a"), "34");
	CHECK_INT_EQ(vars.n, 2);
	CHECK_STR_EQ(vars.v[0].name, "a");
	v = rc_vars_get(&vars, "a");
	CHECK_STR_EQ(lstr(v->name_loc), "rc.conf:4:1:1");

	/* A second file sees the first one's values and may replace them. */
	CHECK_INT_EQ(eval_text(&fx2, "b=\"$a$b\"\n", &vars), 0);
	CHECK_INT_EQ(fx2.d.n, 0);
	CHECK_STR_EQ(value_of(&vars, "b"), "342");
	rc_vars_free(&vars);
	fx_free(&fx);
	fx_free(&fx2);
}

TEST(rcconf_free_null)
{
	struct rc_vars vars;

	rcconf_free(NULL);
	memset(&vars, 0, sizeof(vars));
	rc_vars_free(&vars);
	CHECK(vars.v == NULL);
}

/* A value that doubles itself is stopped at RCCONF_VALUE_MAX, located. */
TEST(rcconf_eval_value_bound)
{
	struct rc_vars vars;
	struct fixture fx;
	struct strbuf text = { 0 };
	const struct rc_value *v;
	int i;

	memset(&vars, 0, sizeof(vars));
	strbuf_adds(&text, "a=x\n");
	for (i = 0; i < 40; i++)
		strbuf_adds(&text, "a=\"$a$a\"\n");
	strbuf_adds(&text, "e=\"\"\n");
	for (i = 0; i < 40; i++)
		strbuf_adds(&text, "e=\"$e$e\"\n");
	CHECK_INT_EQ(eval_text(&fx, strbuf_cstr(&text), &vars), -1);
	/* The 16th doubling (line 17) reaches the bound (its 2^16 pieces). */
	CHECK_INT_EQ(fx.d.nerrors, 1);
	CHECK_INT_EQ(fx.d.nwarnings, 0);
	CHECK_STR_EQ(dstr(&fx.d, 0), "rc.conf:17:6:2: error: the value of 'a' "
	    "grows past 64 KiB here; rc.conf values are limited to that");
	v = rc_vars_get(&vars, "a");
	CHECK(v != NULL && v->incomplete && v->value.len <= RCCONF_VALUE_MAX);
	/* An empty value doubled keeps one piece, not 2^40. */
	v = rc_vars_get(&vars, "e");
	CHECK(v != NULL && !v->incomplete && v->value.len == 0 &&
	    v->value.npieces < 4);
	rc_vars_free(&vars);
	fx_free(&fx);
	strbuf_free(&text);
}
