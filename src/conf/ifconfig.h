/*
 * ifconfig: the ifconfig(8) words of an rc.conf ifconfig_IF value.
 *
 * ifconfig_xbridge="inet 10.0.2.1/24 addm ngx_a addm node_a up" is a list of
 * words; this module turns them into located operations.  Unknown words are
 * errors, never dropped.
 */
#ifndef JAILNET_IFCONFIG_H
#define JAILNET_IFCONFIG_H

#include <stddef.h>

#include "lib/addr.h"
#include "lib/diag.h"

enum ifc_op {
	IFC_ADDR,	/* [inet|inet6] A/N | A netmask M | A prefixlen N [alias] */
	IFC_UP,		/* up */
	IFC_DOWN,	/* down */
	IFC_ADDM,	/* addm IF: add a bridge member */
	IFC_DELETEM,	/* deletem IF */
	IFC_NAME,	/* name X: rename */
	IFC_VLAN,	/* vlan N [vlandev IF]: num and (optional) arg */
	IFC_VLANDEV,	/* vlandev IF given without vlan */
	IFC_VLANHWTAG,	/* vlanhwtag N: the port's VLAN tag */
	IFC_MTU,	/* mtu N */
	IFC_DESCRIPTION,/* description TEXT */
	IFC_ETHER,	/* ether|lladdr MAC */
	IFC_BROADCAST,	/* broadcast A: prefix.addr is A */
};

struct ifc_word {
	enum ifc_op op;
	struct loc loc;		/* from the op's first word to its last */
	struct ipprefix prefix;	/* IFC_ADDR (len defaulted as below),
				   IFC_BROADCAST */
	int prefix_given;	/* IFC_ADDR: 0 if no length or mask was given */
	int alias;		/* IFC_ADDR: "alias" followed */
	unsigned long num;	/* IFC_VLAN, IFC_VLANHWTAG, IFC_MTU */
	char *arg;		/* IFC_ADDM, IFC_DELETEM, IFC_NAME, IFC_VLAN
				   (vlandev, or NULL), IFC_VLANDEV,
				   IFC_DESCRIPTION, IFC_ETHER */
	struct loc arg_loc;
};

struct ifc_cmd {
	struct ifc_word *v;
	size_t n, cap;
};

/**
 * ifconfig_parse(value, cmd, diags):
 * Split the expanded value ${value} into words (any white space, newlines
 * included) and parse them into ${cmd} (zeroed by the caller), locating each
 * word through ${value}.  An address without length or mask gets the full
 * length (/32, /128) and prefix_given = 0; the caller decides what that
 * means.  Quotes group words as rc.d's eval does (description "to a" is
 * one argument).  Unknown words, missing or bad arguments are errors;
 * words that FreeBSD accepts but jailnet does not implement (DHCP,
 * SYNCDHCP, NOAUTO, WPA, -vlanhwtag ...) are errors that say so; words
 * that change nothing here (-rxcsum, tso, metric N, media M ...) are
 * accepted and dropped, with a remark where Linux differs (metric, media).  Return 0 if no error was
 * recorded, -1 otherwise (${cmd} then holds the words that parsed).
 */
int ifconfig_parse(const struct ltext *value, struct ifc_cmd *cmd,
    struct diags *diags);

/**
 * ifc_cmd_free(cmd):
 * Release the contents of ${cmd} and leave it zeroed.
 */
void ifc_cmd_free(struct ifc_cmd *cmd);

#endif
