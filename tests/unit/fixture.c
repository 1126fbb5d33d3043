#include "fixture.h"

#include "diag.h"
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
