/*
 * pf_nft_int: what the stages of the nftables compiler share (pf_nft.c
 * assembles the script, pf_nft_rule.c turns one pf rule into nft rules).
 * Not for use outside pf_nft*.c.
 */
#ifndef JAILNET_PF_NFT_INT_H
#define JAILNET_PF_NFT_INT_H

#include "lib/util.h"
#include "pf/pf.h"
#include "pf/pf_bind.h"
#include "pf/pf_nft_name.h"

/*
 * The packet mark (meta mark), shared by the bridge and inet tables:
 * bits 0-7 the bridge port a frame came in by, bits 8-15 the port a
 * bridged frame goes out by (only bridged frames have one), bits 16-23 the
 * pf interface of the filter stage being evaluated.  Each holds an
 * interface's index in pf_bound.ifaces plus one; 0 is none.  Bit 24, in
 * an in stage of a ruleset using urpf-failed: the route back to the source
 * leaves by the stage's interface.
 */
#define NFT_MARK_INPORT		0x000000ffu
#define NFT_MARK_OUTPORT	0x0000ff00u
#define NFT_MARK_IFACE		0x00ff0000u
#define NFT_MARK_URPF		0x01000000u
#define NFT_MAX_IFACES		254
/* Bits 25-31: pf's tag, numbered by nft_tag_id(); 0 is none. */
#define NFT_MARK_TAG		0xfe000000u
#define NFT_TAG_SHIFT		25
#define NFT_MAX_TAGS		127

/*
 * The conntrack mark: bits 0-7 the rate-limited rule that passed the
 * connection, bit 8 set once its handshake has been counted, bit 9 for a
 * connection "rdr pass" lets through the inbound filter, bits 10 and 11
 * once a pass with state in (out) created pf's floating state for that
 * direction, which later stages of the same direction then match.
 */
#define NFT_CT_RATE		0x000000ffu
#define NFT_CT_COUNTED		0x00000100u
#define NFT_CT_RDRPASS		0x00000200u
#define NFT_CT_INSTATE		0x00000400u
#define NFT_CT_OUTSTATE		0x00000800u
#define NFT_MAX_RATED		255

/* Where a compiled rule is evaluated. */
enum nft_stage {
	NFT_STAGE_IN,		/* rules_in: prerouting, input, forward */
	NFT_STAGE_OUT,		/* rules_out: postrouting and forward; no
				   reject, no fib */
	NFT_STAGE_RDR,		/* nat prerouting */
	NFT_STAGE_NAT,		/* nat postrouting */
};

/* A pass rule with max-src-conn-rate: its ct mark id and families. */
struct nft_rated {
	const struct pf_rule *rule;
	unsigned id;
	unsigned fams;		/* NFT_FAM_* it was compiled for */
};

struct nft_ctx {
	const struct pf_bound *b;
	struct diags *diags;
	int error;
	struct nft_rated *rated;
	size_t nrated, ratedcap;
	bool rdr_pass;		/* some rdr rule has "pass" */
	bool tagging;		/* nft_rule() emits a rule's tag, not its
				   verdict (the tagging prologue) */
	bool uses_fib_out;	/* noted once */
};

/**
 * nft_rule(ctx, r, stage, out):
 * Append to ${out} the nft rules (each a tab-indented line, preceded by
 * "#" comment lines) that ${r} becomes in the chain of ${stage}, or
 * comments saying why it becomes none.  Records rate-limited pass rules
 * in ctx->rated and errors in ctx->diags (setting ctx->error).
 */
void nft_rule(struct nft_ctx *ctx, const struct pf_rule *r,
    enum nft_stage stage, struct strbuf *out);

/**
 * nft_tag_id(rs, name):
 * Return the mark id of tag ${name} in ${rs}: the rank of the first
 * filter rule setting it among those setting a new tag, from 1; 0 if no
 * rule sets it.
 */
unsigned nft_tag_id(const struct pf_ruleset *rs, const char *name);

/**
 * nft_iface_id(b, name):
 * Return the mark id of interface ${name} of ${b} (its index plus one),
 * or 0 if ${b} has no such interface.
 */
unsigned nft_iface_id(const struct pf_bound *b, const char *name);

/**
 * nft_linux_ifname(name):
 * Return the Linux name of the host interface ${name} ("lo" for "lo0").
 */
const char *nft_linux_ifname(const char *name);

#endif
