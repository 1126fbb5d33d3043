/*
 * Fixtures the unit tests share.
 */
#ifndef JAILNET_TEST_FIXTURE_H
#define JAILNET_TEST_FIXTURE_H

#include "model/site.h"
#include "pf/pf_site.h"

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

#endif
