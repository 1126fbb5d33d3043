/*
 * fuzz_pflog: the pflog file reader of `jailnet pflog` (src/lib/pflog.c).
 * Every input is read as a pflog file: its header checked, then its
 * records scanned and printed.  Whatever is printed must be printable
 * text (the reader never echoes bytes of the file raw), and the bytes
 * used never pass the input's end.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/pflog.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 };
	const char *bad = NULL;
	size_t used = 0, i;

	if (size >= PFLOG_FILEHDR_LEN)
		(void)pflog_file_check(data, size);
	(void)pflog_scan(data, size, &out, &used, &bad);
	if (used > size)
		abort();
	for (i = 0; i < out.len; i++)
		if (out.s[i] != '\n' && (out.s[i] < 0x20 || out.s[i] > 0x7e))
			abort();
	strbuf_free(&out);
	return 0;
}
