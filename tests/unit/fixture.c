#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/util.h"
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

int
pf_fx_open(struct pf_fx *f, const char *server, const char *conf)
{
	memset(f, 0, sizeof(*f));
	diags_init(&f->d);
	f->site = site_load("examples/uxtely", &f->d);
	if (f->site == NULL)
		return -1;
	f->srv = site_server(f->site, server);
	if (f->srv == NULL)
		return -1;
	if (conf != NULL)
		f->b = pf_bind_source(f->site, f->srv,
		    source_new("test.conf", conf, strlen(conf)), &f->d);
	else
		f->b = pf_bind(f->site, f->srv, &f->d);
	if (f->b == NULL) {
		diags_print(&f->d, stderr);
		return -1;
	}
	f->ctx = pf_eval_new(f->b);
	return 0;
}

void
pf_fx_close(struct pf_fx *f)
{
	pf_eval_free(f->ctx);
	pf_bound_free(f->b);
	site_free(f->site);
	diags_free(&f->d);
}

const struct pf_eval_result *
pf_fx_run(struct pf_fx *f, const char *spec, uint64_t ms)
{
	struct pf_test t;
	char *err = NULL;

	memset(&f->res, 0, sizeof(f->res));
	if (pf_test_parse(spec, &t, &err) != 0) {
		test_fail(__FILE__, __LINE__, "bad spec '%s': %s", spec, err);
		free(err);
		f->res.fate = PF_FATE_ERROR;
		return &f->res;
	}
	pf_eval_packet(f->ctx, t.in_ifname[0] != '\0' ? t.in_ifname : NULL,
	    t.out_member, &t.pkt, ms, &f->res);
	return &f->res;
}

int
verify_fx_load(struct verify_fx *f, const char *dir)
{
	memset(f, 0, sizeof(*f));
	diags_init(&f->d);
	f->ps = pf_site_load(dir, &f->d);
	if (f->ps == NULL) {
		diags_print(&f->d, stderr);
		return -1;
	}
	return 0;
}

int
verify_fx_build(struct verify_fx *f)
{
	f->w = world_new(f->ps, &f->d);
	if (f->w == NULL)
		return -1;
	f->vs = vspace_new(f->w);
	return 0;
}

void
verify_fx_close(struct verify_fx *f)
{
	vspace_free(f->vs);
	world_free(f->w);
	pf_site_free(f->ps);
	diags_free(&f->d);
}
