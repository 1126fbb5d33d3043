/*
 * Fuzz the whole `jailnet check` path: parse and model a site whose one
 * file (chosen by the first byte) is replaced by the input.  The example
 * site is copied once into a private directory under /dev/shm.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/util.h"
#include "model/site.h"
#include "pf/pf_site.h"

static const char *const files[] = {
	"site.conf",
	"common/etc/rc.conf",
	"common/etc/jail.conf",
	"common/jails/pg_j/etc/rc.conf",
	"common/jails/node_j/etc/rc.conf",
	"servers/a/etc/inic",
	"servers/b/jails/node_j/etc/ip_inode_b",
};
#define NFILES (sizeof(files) / sizeof(*files))

static char *dir;
static char *originals[NFILES];
static size_t original_lens[NFILES];

static void
cleanup(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_site: could not remove %s\n", dir);
	free(cmd);
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len) {
		perror(path);
		abort();
	}
	fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *example = getenv("JAILNET_FUZZ_SITE");
	char *cmd, *path;
	size_t i;
	int err;

	(void)argc;
	(void)argv;
	dir = xasprintf("/dev/shm/jailnet-fuzz-site-%ld", (long)getpid());
	cmd = xasprintf("rm -rf '%s' && cp -R '%s' '%s'", dir,
	    example ? example : "examples/uxtely", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz_site: cannot copy the example site "
		    "(run from the repository root)\n");
		abort();
	}
	free(cmd);
	atexit(cleanup);
	for (i = 0; i < NFILES; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		originals[i] = read_file(path, &original_lens[i], &err);
		if (originals[i] == NULL)
			abort();
		free(path);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags diags;
	struct pf_site *ps;
	size_t which;
	char *path;

	if (size < 1)
		return 0;
	which = data[0] % NFILES;
	path = xasprintf("%s/%s", dir, files[which]);
	write_file(path, (const char *)data + 1, size - 1);
	diags_init(&diags);
	ps = pf_site_load(dir, &diags);
	/* Printing exercises every location and caret. */
	{
		FILE *devnull = fopen("/dev/null", "w");

		diags_print(&diags, devnull);
		fclose(devnull);
	}
	pf_site_free(ps);
	diags_free(&diags);
	write_file(path, originals[which], original_lens[which]);
	free(path);
	return 0;
}
