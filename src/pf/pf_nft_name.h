/*
 * pf_nft_name: the names jailnet gives in nftables to what it compiles
 * from pf: the tables of a server ("jailnet_a"), and the sets of a pf
 * table.  The compiler (pf_nft.c, pf_nft_rule.c), the plan's firewall step
 * and the live tables of pfctl (kernel/pf_live.c) name them through here,
 * so the names agree.
 *
 * Pure.
 */
#ifndef JAILNET_PF_NFT_NAME_H
#define JAILNET_PF_NFT_NAME_H

struct strbuf;

/* Address families a pf table's sets are made for. */
#define NFT_FAM_4	0x1
#define NFT_FAM_6	0x2

/**
 * pf_nft_name(prefix, name, out):
 * Append to ${out} an nft identifier made of ${prefix} and ${name}: the
 * characters of ${name} other than letters, digits and "_" become "_", and
 * a hash of ${name} is added when any had to change, so that different
 * names stay different.  ${prefix} must start with a letter and contain
 * "_", so the identifier is never an nft keyword (such as "fwd").
 */
void pf_nft_name(const char *prefix, const char *name, struct strbuf *out);

/**
 * pf_nft_table_set(table, fam, out):
 * Append to ${out} the name of the set holding the ${fam} (NFT_FAM_4 or
 * NFT_FAM_6) addresses of the pf table named ${table} ("t_NAME_v4").
 */
void pf_nft_table_set(const char *table, unsigned fam, struct strbuf *out);

#endif
