/*
 * Fixtures the unit tests share.
 */
#ifndef JAILNET_TEST_FIXTURE_H
#define JAILNET_TEST_FIXTURE_H

#include <stdint.h>

#include "lib/diag.h"
#include "model/site.h"
#include "pf/pf_bind.h"
#include "pf/pf_eval.h"
#include "pf/pf_site.h"
#include "verify/space.h"
#include "verify/world.h"

/**
 * fixture_example():
 * Load examples/uxtely (the tests run from the repository root), recording
 * a test failure if it has any error or warning.  Return the site, owned
 * by the caller, or NULL.
 */
struct site *fixture_example(void);

/**
 * fixture_example_pf():
 * Like fixture_example(), with every server's pf.conf bound (pf_site.h).
 * Return it, owned by the caller, or NULL.
 */
struct pf_site *fixture_example_pf(void);

/* A server of the example with a bound ruleset and a model context: the
   pf model's tests evaluate packets against it. */
struct pf_fx {
	struct site *site;
	struct server *srv;
	struct pf_bound *b;
	struct pf_eval *ctx;
	struct diags d;
	struct pf_eval_result res;
};

/**
 * pf_fx_open(f, server, conf):
 * Load examples/uxtely into ${f} and bind server ${server}'s pf.conf, or,
 * if ${conf} is not NULL, the ruleset text ${conf} instead; make a fresh
 * context.  Return 0, or -1 (diagnostics printed) with ${f} still safe to
 * pf_fx_close().
 */
int pf_fx_open(struct pf_fx *f, const char *server, const char *conf);

/** pf_fx_close(f): free what pf_fx_open() made. */
void pf_fx_close(struct pf_fx *f);

/**
 * pf_fx_run(f, spec, ms):
 * Evaluate the `pf --test` spec ${spec} at time ${ms} in ${f}'s context.
 * Return the result (in ${f}); a spec that does not parse records a test
 * failure and gives PF_FATE_ERROR.
 */
const struct pf_eval_result *pf_fx_run(struct pf_fx *f, const char *spec,
    uint64_t ms);

/* A site with its site-wide world and packet space: the verify tests'. */
struct verify_fx {
	struct diags d;
	struct pf_site *ps;
	struct world *w;
	struct vspace *vs;
};

/**
 * verify_fx_load(f, dir), verify_fx_build(f), verify_fx_close(f):
 * Load the site at ${dir} into ${f}; build its world and space (after the
 * test has changed the model, if it does); free what they made.  Each
 * returns 0, or -1 with ${f} still safe to verify_fx_close().
 */
int verify_fx_load(struct verify_fx *f, const char *dir);
int verify_fx_build(struct verify_fx *f);
void verify_fx_close(struct verify_fx *f);

#endif
