/*
 * Fuzz target: procs_split_command(), the splitting of site.conf service
 * commands into words.  Checks that a split succeeds or fails cleanly, that
 * the vector is NULL-terminated with ${argc} words, and that splitting the
 * words again, each quoted with '...', gives the same words back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "jail/procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ${w} in single quotes, a quote inside written as '\'' */
static void
quote(struct strbuf *sb, const char *w)
{
	strbuf_addc(sb, '\'');
	for (; *w != '\0'; w++) {
		if (*w == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addc(sb, *w);
	}
	strbuf_addc(sb, '\'');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = { 0 };
	char *line = xstrndup((const char *)data, size);
	char **argv, **again;
	const char *why;
	size_t argc, argc2, i;

	if (procs_split_command(line, &argv, &argc, &why) == 0) {
		if (argc == 0 || argv[argc] != NULL)
			abort();
		for (i = 0; i < argc; i++) {
			if (i > 0)
				strbuf_addc(&sb, ' ');
			quote(&sb, argv[i]);
		}
		if (procs_split_command(strbuf_cstr(&sb), &again, &argc2,
		    &why) != 0 || argc2 != argc)
			abort();
		for (i = 0; i < argc; i++)
			if (strcmp(argv[i], again[i]) != 0)
				abort();
		procs_free_argv(again);
		procs_free_argv(argv);
	} else if (why == NULL || *why == '\0') {
		abort();
	}
	strbuf_free(&sb);
	free(line);
	return 0;
}
