/*
 * A minimal unit-test harness: TEST(name) { ... } registers a test; CHECK*
 * record failures without stopping the test.  The runner prints "ok NAME",
 * "FAIL NAME" or "regen NAME" per test and "N passed, N failed" at the end;
 * `unit-tests --count` prints how many tests are registered, which
 * tests/run.sh compares with the lines it gets.
 */
#ifndef JAILNET_TEST_H
#define JAILNET_TEST_H

#include <string.h>

void test_register(const char *name, void (*fn)(void));
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * test_regen():
 * Return 1 if golden files are to be rewritten (JAILNET_REGEN is exactly
 * "1"), marking the running test as regenerated: it then reports "regen",
 * never "ok".  Return 0 otherwise.
 */
int test_regen(void);

#define TEST(name)                                                     \
	static void test_##name(void);                                 \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                              \
		test_register(#name, test_##name);                     \
	}                                                              \
	static void test_##name(void)

#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond))                                           \
			test_fail(__FILE__, __LINE__, "%s", #cond);    \
	} while (0)

#define CHECK_STR_EQ(got, want)                                        \
	do {                                                           \
		const char *got_ = (got), *want_ = (want);             \
		if (got_ == NULL || want_ == NULL ?                    \
		    got_ != want_ : strcmp(got_, want_) != 0)          \
			test_fail(__FILE__, __LINE__,                  \
			    "%s\n  got:  \"%s\"\n  want: \"%s\"", #got,   \
			    got_ ? got_ : "(null)",                    \
			    want_ ? want_ : "(null)");                 \
	} while (0)

#define CHECK_INT_EQ(got, want)                                        \
	do {                                                           \
		long long got_ = (long long)(got);                     \
		long long want_ = (long long)(want);                   \
		if (got_ != want_)                                     \
			test_fail(__FILE__, __LINE__,                  \
			    "%s: got %lld, want %lld", #got, got_,     \
			    want_);                                    \
	} while (0)

#endif
