/*
 * Fixtures the unit tests share.
 */
#ifndef JAILNET_TEST_FIXTURE_H
#define JAILNET_TEST_FIXTURE_H

#include "site.h"

/**
 * fixture_example():
 * Load examples/uxtely (the tests run from the repository root), recording
 * a test failure if it has any error or warning.  Return the site, owned
 * by the caller, or NULL.
 */
struct site *fixture_example(void);

#endif
