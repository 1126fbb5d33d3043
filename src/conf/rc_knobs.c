/* Lookups in the table of FreeBSD's rc.conf knobs (rc_knobs_table.c). */
#include "conf/rc_knobs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"

const struct rc_knob *
rc_knob_find(const char *name)
{
	unsigned i;

	for (i = 0; i < rc_knob_table_len; i++)
		if (strcmp(rc_knob_table[i].name, name) == 0)
			return &rc_knob_table[i];
	return NULL;
}

int
rc_yesno(const char *value)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return 1;
		if (strcasecmp(value, no[i]) == 0)
			return 0;
	}
	return -1;
}

int
rc_knob_is_default(const char *name, const char *value)
{
	const struct rc_knob *k = rc_knob_find(name);
	int a, b;

	if (k == NULL || k->value == NULL)
		return 0;
	if (strcmp(k->value, value) == 0)
		return 1;
	a = rc_yesno(k->value);
	b = rc_yesno(value);
	return a >= 0 && a == b;
}

const char *
rc_knob_hint(const char *name, const char *const *extra, size_t nextra)
{
	const char **words, *hint;
	size_t i, n = 0;

	words = xcalloc(rc_knob_table_len + nextra, sizeof(*words));
	for (i = 0; i < rc_knob_table_len; i++)
		words[n++] = rc_knob_table[i].name;
	for (i = 0; i < nextra; i++)
		words[n++] = extra[i];
	hint = closest_word(name, words, n);
	free(words);
	return hint;
}
