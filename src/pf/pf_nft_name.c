/* pf_nft_name: the nft identifiers of jailnet's tables, chains and sets. */
#include "pf/pf_nft_name.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/util.h"

void
pf_nft_name(const char *prefix, const char *name, struct strbuf *out)
{
	uint32_t hash = 2166136261u;	/* FNV-1a */
	bool changed = false;
	const char *p;

	strbuf_adds(out, prefix);
	for (p = name; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_';

		hash = (hash ^ c) * 16777619u;
		strbuf_addc(out, word ? (char)c : '_');
		changed |= !word;
	}
	if (changed)
		strbuf_addf(out, "_%08x", hash);
}

void
pf_nft_table_set(const char *table, unsigned fam, struct strbuf *out)
{
	struct strbuf name = { 0 };

	pf_nft_name("t_", table, &name);
	strbuf_addf(out, "%s_%s", strbuf_cstr(&name),
	    fam == NFT_FAM_6 ? "v6" : "v4");
	strbuf_free(&name);
}
