/*
 * The nft compiler's port conditions, each operator at its bounds: pf's
 * "a >< b" excludes both ends (one port when b is a + 2, none when b is
 * a + 1: the rule can never match and is left out), "a <> b" is outside
 * the closed range, "a:b" inside it.  For server a of examples/uxtely.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_nft.h"
#include "test.h"

/* The compiled ruleset of server a with the one rule ${rule}, or NULL. */
static char *
compile_rule(const char *rule)
{
	struct strbuf out = { 0 };
	struct pf_bound *b = NULL;
	struct site *site;
	struct diags d;
	int rc = -1;

	diags_init(&d);
	site = site_load("examples/uxtely", &d);
	if (site != NULL && site_server(site, "a") != NULL)
		b = pf_bind_source(site, site_server(site, "a"),
		    source_new("ports.conf", rule, strlen(rule)), &d);
	if (b != NULL)
		rc = pf_nft_compile(b, &out, &d);
	if (rc != 0 || d.nerrors > 0) {
		diags_print(&d, stdout);
		strbuf_free(&out);
	}
	pf_bound_free(b);
	site_free(site);
	diags_free(&d);
	return rc == 0 ? strbuf_steal(&out) : NULL;
}

/* Does the ruleset of ${rule} hold a rule with ${cond}, ended by a space? */
static int
compiles_to(const char *rule, const char *cond)
{
	char *got = compile_rule(rule), *want = xasprintf("%s ", cond);
	int ok = got != NULL && strstr(got, want) != NULL;

	if (!ok)
		test_fail(__FILE__, __LINE__, "'%s' does not give '%s'",
		    rule, cond);
	free(want);
	free(got);
	return ok;
}

TEST(pf_nft_port_bounds)
{
	char *got;

	CHECK(compiles_to("pass in proto tcp to port 2000 >< 2003\n",
	    "tcp dport 2001-2002"));
	CHECK(compiles_to("pass in proto tcp to port 2000 >< 2002\n",
	    "tcp dport 2001"));
	CHECK(compiles_to("pass in proto tcp to port 3000 <> 4000\n",
	    "tcp dport != 3000-4000"));
	CHECK(compiles_to("pass in proto tcp to port 5000:5010\n",
	    "tcp dport 5000-5010"));
	CHECK(compiles_to("pass in proto tcp to port 5000:5000\n",
	    "tcp dport 5000"));
	CHECK(compiles_to("pass in proto udp from port < 1024\n",
	    "udp sport < 1024"));
	CHECK(compiles_to("pass in proto udp to port <= 1024\n",
	    "udp dport <= 1024"));
	CHECK(compiles_to("pass in proto tcp to port > 1024\n",
	    "tcp dport > 1024"));
	CHECK(compiles_to("pass in proto tcp to port >= 1024\n",
	    "tcp dport >= 1024"));
	CHECK(compiles_to("pass in proto tcp to port != 22\n",
	    "tcp dport != 22"));
	/* 2000 >< 2001 holds no port: no rule is compiled for it. */
	got = compile_rule("pass in proto tcp to port 2000 >< 2001\n");
	CHECK(got != NULL && strstr(got, "tcp dport") == NULL &&
	    strstr(got, "dport 2000") == NULL);
	free(got);
}
