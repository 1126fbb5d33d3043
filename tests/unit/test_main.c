#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

static struct test_case *tests;
static size_t ntests, cap;
static int current_failed, current_regen;

void
test_register(const char *name, void (*fn)(void))
{
	if (ntests == cap) {
		cap = cap ? cap * 2 : 64;
		tests = realloc(tests, cap * sizeof(*tests));
		if (tests == NULL)
			abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void
test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = 1;
	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

int
test_regen(void)
{
	const char *v = getenv("JAILNET_REGEN");

	if (v == NULL || strcmp(v, "1") != 0)
		return 0;
	current_regen = 1;
	return 1;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct test_case *)a)->name,
	    ((const struct test_case *)b)->name);
}

/*
 * Usage: unit-tests [SUBSTRING...]: run the tests whose name contains one;
 * unit-tests --count: print the number of registered tests.
 */
int
main(int argc, char **argv)
{
	size_t i, passed = 0, failed = 0;
	int j, selected;

	if (argc == 2 && strcmp(argv[1], "--count") == 0) {
		printf("%zu\n", ntests);
		free(tests);
		return 0;
	}
	qsort(tests, ntests, sizeof(*tests), by_name);
	for (i = 0; i < ntests; i++) {
		selected = argc < 2;
		for (j = 1; j < argc; j++)
			if (strstr(tests[i].name, argv[j]) != NULL)
				selected = 1;
		if (!selected)
			continue;
		current_failed = current_regen = 0;
		tests[i].fn();
		fflush(stdout);
		printf("%s unit/%s\n", current_failed ? "FAIL" :
		    current_regen ? "regen" : "ok", tests[i].name);
		if (current_failed)
			failed++;
		else if (!current_regen)
			passed++;
	}
	free(tests);
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed > 0;
}
