#include "fixture.h"

#include "lib/diag.h"
#include "test.h"

struct site *
fixture_example(void)
{
	struct diags d;
	struct site *site;

	diags_init(&d);
	site = site_load("examples/uxtely", &d);
	CHECK(site != NULL);
	CHECK_INT_EQ(d.nerrors, 0);
	CHECK_INT_EQ(d.nwarnings, 0);
	diags_free(&d);
	return site;
}

struct pf_site *
fixture_example_pf(void)
{
	struct diags d;
	struct pf_site *ps;

	diags_init(&d);
	ps = pf_site_load("examples/uxtely", &d);
	CHECK(ps != NULL);
	CHECK_INT_EQ(d.nerrors, 0);
	CHECK_INT_EQ(d.nwarnings, 0);
	diags_free(&d);
	return ps;
}
