#include "conf/ifconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lib/util.h"

/* Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
#define IFNAME_MAX 15

/* One white-space separated word of the value. */
struct ifc_token {
	size_t off, len;	/* in the value */
	char *s;
};

struct ifc_parser {
	const struct ltext *value;
	struct ifc_token *tok;
	size_t ntok, i;		/* i: the next token to read */
	struct ifc_cmd *cmd;
	struct diags *diags;
	size_t alias_tok;	/* 1 + the token that "alias" came before */
};

struct ifc_keyword;
typedef void (*ifc_handler)(struct ifc_parser *, const struct ifc_keyword *);

/* An ifconfig word that jailnet implements. */
struct ifc_keyword {
	const char *word;
	enum ifc_op op;
	ifc_handler parse;
	const char *what;	/* the argument, for "'KW' needs WHAT" */
	const char *noun;	/* a number argument, for "bad NOUN" */
	unsigned long min, max;	/* the range of a number argument */
};

/*
 * A word that FreeBSD's ifconfig or rc(8) accepts but jailnet does not
 * implement, with the number of arguments to step over after it.
 */
struct ifc_unsupported {
	const char *word;
	unsigned nargs;
	const char *why;	/* appended to the message, or NULL */
};

static void parse_family(struct ifc_parser *, const struct ifc_keyword *);
static void parse_flag(struct ifc_parser *, const struct ifc_keyword *);
static void parse_ifname(struct ifc_parser *, const struct ifc_keyword *);
static void parse_vlan(struct ifc_parser *, const struct ifc_keyword *);
static void parse_number(struct ifc_parser *, const struct ifc_keyword *);
static void parse_text(struct ifc_parser *, const struct ifc_keyword *);
static void parse_mac(struct ifc_parser *, const struct ifc_keyword *);
static void parse_broadcast(struct ifc_parser *, const struct ifc_keyword *);
static void parse_alias(struct ifc_parser *, const struct ifc_keyword *);
static void parse_addr_option(struct ifc_parser *,
    const struct ifc_keyword *);

static const struct ifc_keyword keywords[] = {
	{ "inet", IFC_ADDR, parse_family, "an IPv4 address", NULL, 0, 0 },
	{ "inet6", IFC_ADDR, parse_family, "an IPv6 address", NULL, 0, 0 },
	{ "alias", IFC_ADDR, parse_alias, NULL, NULL, 0, 0 },
	{ "netmask", IFC_ADDR, parse_addr_option, NULL, NULL, 0, 0 },
	{ "prefixlen", IFC_ADDR, parse_addr_option, NULL, NULL, 0, 0 },
	{ "up", IFC_UP, parse_flag, NULL, NULL, 0, 0 },
	{ "down", IFC_DOWN, parse_flag, NULL, NULL, 0, 0 },
	{ "addm", IFC_ADDM, parse_ifname, "an interface name", NULL, 0, 0 },
	{ "deletem", IFC_DELETEM, parse_ifname, "an interface name", NULL, 0,
	    0 },
	{ "name", IFC_NAME, parse_ifname, "an interface name", NULL, 0, 0 },
	{ "vlandev", IFC_VLANDEV, parse_ifname, "an interface name", NULL, 0,
	    0 },
	{ "vlan", IFC_VLAN, parse_vlan, "a VLAN number (1 to 4094)", NULL, 0,
	    0 },
	{ "vlanhwtag", IFC_VLANHWTAG, parse_number,
	    "a VLAN number (1 to 4094)", "VLAN number", 1, 4094 },
	{ "mtu", IFC_MTU, parse_number, "an MTU (68 to 65535)", "MTU", 68,
	    65535 },
	{ "description", IFC_DESCRIPTION, parse_text, "a text", NULL, 0, 0 },
	{ "descr", IFC_DESCRIPTION, parse_text, "a text", NULL, 0, 0 },
	{ "broadcast", IFC_BROADCAST, parse_broadcast, "an IPv4 address",
	    NULL, 0, 0 },
	{ "ether", IFC_ETHER, parse_mac, "a MAC address", NULL, 0, 0 },
	{ "lladdr", IFC_ETHER, parse_mac, "a MAC address", NULL, 0, 0 },
};

#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

static const char dhcp_why[] = "jailnet runs no DHCP client; give the "
    "address with 'inet A/N'";
static const char wifi_why[] = "jailnet has no wireless interfaces";

/* rc(8) words: matched without regard to case, as rc does. */
static const struct ifc_unsupported rc_words[] = {
	{ "DHCP", 0, dhcp_why },
	{ "SYNCDHCP", 0, dhcp_why },
	{ "NOSYNCDHCP", 0, dhcp_why },
	{ "NOAUTO", 0, "jailnet configures every interface it is given" },
	{ "WPA", 0, wifi_why },
	{ "HOSTAP", 0, wifi_why },
};

static const struct ifc_unsupported ifconfig_words[] = {
	{ "-alias", 0, NULL }, { "delete", 0, NULL },
	{ "-vlanhwtag", 0, NULL }, { "-vlandev", 0, NULL },
	{ "arp", 0, NULL }, { "-arp", 0, NULL },
	{ "staticarp", 0, NULL }, { "-staticarp", 0, NULL },
	{ "promisc", 0, NULL }, { "-promisc", 0, NULL },
	{ "monitor", 0, NULL }, { "-monitor", 0, NULL },
	{ "debug", 0, NULL }, { "-debug", 0, NULL },
	{ "link0", 0, NULL }, { "-link0", 0, NULL },
	{ "link1", 0, NULL }, { "-link1", 0, NULL },
	{ "link2", 0, NULL }, { "-link2", 0, NULL },
	{ "create", 0, NULL }, { "destroy", 0, NULL },
	{ "plumb", 0, NULL }, { "unplumb", 0, NULL },
	{ "auto_linklocal", 0, NULL }, { "-auto_linklocal", 0, NULL },
	{ "accept_rtadv", 0, NULL }, { "-accept_rtadv", 0, NULL },
	{ "ifdisabled", 0, NULL }, { "-ifdisabled", 0, NULL },
	{ "no_radr", 0, NULL }, { "-no_radr", 0, NULL },
	{ "no_dad", 0, NULL }, { "-no_dad", 0, NULL },
	{ "nud", 0, NULL }, { "-nud", 0, NULL },
	{ "prefer_source", 0, NULL }, { "-prefer_source", 0, NULL },
	{ "anycast", 0, NULL }, { "tentative", 0, NULL },
	{ "-tentative", 0, NULL }, { "deprecated", 0, NULL },
	{ "-deprecated", 0, NULL }, { "autoconf", 0, NULL },
	{ "-autoconf", 0, NULL }, { "eui64", 0, NULL },
	{ "-tunnel", 0, NULL }, { "flush", 0, NULL },
	{ "flushall", 0, NULL }, { "-vnet", 1, NULL },
	{ "mode", 1, NULL },
	{ "inst", 1, NULL }, { "fib", 1, NULL },
	{ "tunnelfib", 1, NULL }, { "group", 1, NULL },
	{ "-group", 1, NULL }, { "vnet", 1, NULL },
	{ "pltime", 1, NULL }, { "vltime", 1, NULL },
	{ "vlanpcp", 1, NULL }, { "vhid", 1, NULL },
	{ "advbase", 1, NULL }, { "advskew", 1, NULL },
	{ "pass", 1, NULL }, { "state", 1, NULL },
	{ "laggport", 1, NULL }, { "-laggport", 1, NULL },
	{ "laggproto", 1, NULL }, { "ssid", 1, NULL },
	{ "channel", 1, NULL }, { "wlandev", 1, NULL },
	{ "wlanmode", 1, NULL }, { "authmode", 1, NULL },
	{ "stp", 1, NULL }, { "-stp", 1, NULL },
	{ "edge", 1, NULL }, { "-edge", 1, NULL },
	{ "autoedge", 1, NULL }, { "-autoedge", 1, NULL },
	{ "ptp", 1, NULL }, { "-ptp", 1, NULL },
	{ "autoptp", 1, NULL }, { "-autoptp", 1, NULL },
	{ "learn", 1, NULL }, { "-learn", 1, NULL },
	{ "discover", 1, NULL }, { "-discover", 1, NULL },
	{ "sticky", 1, NULL }, { "-sticky", 1, NULL },
	{ "private", 1, NULL }, { "-private", 1, NULL },
	{ "span", 1, NULL }, { "-span", 1, NULL },
	{ "maxaddr", 1, NULL }, { "timeout", 1, NULL },
	{ "maxage", 1, NULL }, { "fwddelay", 1, NULL },
	{ "hellotime", 1, NULL }, { "priority", 1, NULL },
	{ "proto", 1, NULL }, { "holdcnt", 1, NULL },
	{ "deladdr", 1, NULL }, { "ifpriority", 2, NULL },
	{ "ifpathcost", 2, NULL }, { "ifmaxaddr", 2, NULL },
	{ "static", 2, NULL }, { "tunnel", 2, NULL },
};

/*
 * Words FreeBSD's ifconfig accepts that change nothing in the simulation:
 * accepted with their arguments stepped over, and a remark (the why) where
 * Linux differs in a way someone might look for.  The offload switches set
 * what the network card computes; the simulated interfaces have no card,
 * and the packets are the same either way.
 */
static const char media_why[] = "the simulated interfaces have no media to "
    "choose; ignored";

static const struct ifc_unsupported ifconfig_noops[] = {
	{ "-description", 0, NULL }, { "-descr", 0, NULL },
	{ "rxcsum", 0, NULL }, { "-rxcsum", 0, NULL },
	{ "txcsum", 0, NULL }, { "-txcsum", 0, NULL },
	{ "rxcsum6", 0, NULL }, { "-rxcsum6", 0, NULL },
	{ "txcsum6", 0, NULL }, { "-txcsum6", 0, NULL },
	{ "tso", 0, NULL }, { "-tso", 0, NULL },
	{ "tso4", 0, NULL }, { "-tso4", 0, NULL },
	{ "tso6", 0, NULL }, { "-tso6", 0, NULL },
	{ "lro", 0, NULL }, { "-lro", 0, NULL },
	{ "vlanmtu", 0, NULL }, { "-vlanmtu", 0, NULL },
	{ "vlanhwfilter", 0, NULL }, { "-vlanhwfilter", 0, NULL },
	{ "vlanhwtso", 0, NULL }, { "-vlanhwtso", 0, NULL },
	{ "vlanhwcsum", 0, NULL }, { "-vlanhwcsum", 0, NULL },
	{ "polling", 0, NULL }, { "-polling", 0, NULL },
	{ "wol", 0, NULL }, { "-wol", 0, NULL },
	{ "metric", 1, "Linux interfaces have no metric; ignored" },
	{ "media", 1, media_why }, { "mediaopt", 1, media_why },
	{ "-mediaopt", 1, media_why },
};

#define NRC_WORDS (sizeof(rc_words) / sizeof(rc_words[0]))
#define NIFCONFIG_NOOPS (sizeof(ifconfig_noops) / sizeof(ifconfig_noops[0]))
#define NIFCONFIG_WORDS (sizeof(ifconfig_words) / sizeof(ifconfig_words[0]))

/* inet6 words that are settings of the family rather than addresses. */
static const char *const inet6_settings[] = {
	"auto_linklocal", "-auto_linklocal", "accept_rtadv", "-accept_rtadv",
	"ifdisabled", "-ifdisabled", "no_radr", "-no_radr", "no_dad",
	"-no_dad", "nud", "-nud", "prefer_source", "-prefer_source",
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static const struct ifc_keyword *
find_keyword(const char *word)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++) {
		if (str_eq(keywords[i].word, word))
			return &keywords[i];
	}
	return NULL;
}

static const struct ifc_unsupported *
find_noop(const char *word)
{
	size_t i;

	for (i = 0; i < NIFCONFIG_NOOPS; i++) {
		if (str_eq(ifconfig_noops[i].word, word))
			return &ifconfig_noops[i];
	}
	return NULL;
}

static const struct ifc_unsupported *
find_unsupported(const char *word)
{
	size_t i;

	for (i = 0; i < NRC_WORDS; i++) {
		if (strcasecmp(rc_words[i].word, word) == 0)
			return &rc_words[i];
	}
	for (i = 0; i < NIFCONFIG_WORDS; i++) {
		if (str_eq(ifconfig_words[i].word, word))
			return &ifconfig_words[i];
	}
	return NULL;
}

/*
 * Return the location of the ${len} bytes at ${off} in the value, cut at
 * the end of the piece holding ${off}: a span never runs from one source
 * into another.
 */
static struct loc
value_loc(const struct ifc_parser *p, size_t off, size_t len)
{
	const struct ltext *v = p->value;
	size_t i, end = v->len;

	for (i = 0; i < v->npieces; i++) {
		if (v->pieces[i].off > off) {
			end = v->pieces[i].off;
			break;
		}
	}
	if (off + len > end)
		len = end > off ? end - off : 0;
	return ltext_loc(v, off, len);
}

static struct loc
tok_loc(const struct ifc_parser *p, size_t t)
{
	return value_loc(p, p->tok[t].off, p->tok[t].len);
}

/* The location of tokens ${first}..${last}. */
static struct loc
span_loc(const struct ifc_parser *p, size_t first, size_t last)
{
	return value_loc(p, p->tok[first].off,
	    p->tok[last].off + p->tok[last].len - p->tok[first].off);
}

static void
tok_error(struct ifc_parser *p, size_t t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
tok_error(struct ifc_parser *p, size_t t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(p->diags, DIAG_ERROR, tok_loc(p, t), fmt, ap);
	va_end(ap);
}

/* Append an operation of ${op} made of tokens ${first}..${last}. */
static struct ifc_word *
add_word(struct ifc_parser *p, enum ifc_op op, size_t first, size_t last)
{
	struct ifc_word *w = VEC_PUSH(p->cmd->v, p->cmd->n, p->cmd->cap);

	w->op = op;
	w->loc = span_loc(p, first, last);
	return w;
}

/*
 * Return the index of the argument of the keyword token ${kw} (the next
 * token) and step past it; or record "'KW' needs WHAT" at the keyword and
 * return ${kw} if there is none, or if ${no_keyword} and the next token is
 * itself a keyword.
 */
static size_t
take_arg(struct ifc_parser *p, size_t kw, const char *what, int no_keyword)
{
	if (p->i == p->ntok || (no_keyword &&
	    find_keyword(p->tok[p->i].s) != NULL)) {
		tok_error(p, kw, "'%s' needs %s", p->tok[kw].s, what);
		return kw;
	}
	return p->i++;
}

static int
is_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IFNAME_MAX || s[0] == '-')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") == n;
}

/*
 * Parse the address token ${t} ("A" or "A/N") of ${family} (AF_INET,
 * AF_INET6, or 0 when no family word was given: inet is implied) into ${w}.
 * Return 0, or -1 after recording an error at the offending part.
 */
static int
parse_addr(struct ifc_parser *p, size_t t, int family, struct ifc_word *w)
{
	const struct ifc_token *tok = &p->tok[t];
	const char *slash = strchr(tok->s, '/'), *fam_name;
	size_t alen = slash ? (size_t)(slash - tok->s) : strlen(tok->s);
	char *addr = xstrndup(tok->s, alen);
	unsigned long len;
	int rc;

	rc = ipaddr_parse(addr, &w->prefix.addr);
	fam_name = family == AF_INET6 || (family == 0 &&
	    strchr(addr, ':') != NULL) ? "IPv6" : "IPv4";
	if (rc != 0) {
		diag_error(p->diags, value_loc(p, tok->off, alen),
		    "bad %s address '%s'", fam_name, addr);
		free(addr);
		return -1;
	}
	free(addr);
	if (family == 0 && w->prefix.addr.family == AF_INET6) {
		tok_error(p, t, "'%s' is an IPv6 address: write 'inet6 %s'",
		    tok->s, tok->s);
		return -1;
	}
	if (family != 0 && w->prefix.addr.family != family) {
		tok_error(p, t, "'%s' is not an %s address", tok->s,
		    family == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	w->prefix.len = ipaddr_bits(&w->prefix.addr);
	if (slash != NULL) {
		if (parse_uint(slash + 1, 0, w->prefix.len, &len) != 0) {
			diag_error(p->diags, value_loc(p, tok->off + alen,
			    tok->len - alen), "bad prefix length '%s': "
			    "expected /0 to /%u", slash, w->prefix.len);
			return -1;
		}
		w->prefix.len = (unsigned)len;
		w->prefix_given = 1;
	}
	return 0;
}

/*
 * Parse what may follow an address: netmask M, prefixlen N, alias.  Return
 * the index of the last token used, ${last} if none; -1 via ${failed} after
 * an error.
 */
static size_t
parse_addr_options(struct ifc_parser *p, struct ifc_word *w, size_t last,
    int *failed)
{
	const char *word;
	unsigned long n;
	unsigned mask;
	size_t kw, arg;

	while (p->i < p->ntok) {
		word = p->tok[p->i].s;
		/* A second "alias" belongs to the next address. */
		if (str_eq(word, "alias") && !w->alias) {
			w->alias = 1;
			last = p->i++;
			continue;
		}
		if (!str_eq(word, "netmask") && !str_eq(word, "prefixlen"))
			break;
		kw = p->i++;
		if ((arg = take_arg(p, kw, str_eq(word, "netmask") ?
		    "a mask (255.255.255.0 or 0xffffff00)" :
		    "a prefix length", 1)) == kw) {
			*failed = 1;
			return kw;
		}
		last = arg;
		if (w->prefix_given) {
			tok_error(p, kw, "the address already has a prefix "
			    "length; give it once");
			*failed = 1;
		} else if (str_eq(word, "netmask")) {
			if (w->prefix.addr.family != AF_INET) {
				tok_error(p, kw, "'netmask' is for IPv4; "
				    "use 'prefixlen' or A/N for IPv6");
				*failed = 1;
			} else if (ipmask_parse(p->tok[arg].s, &mask) != 0) {
				tok_error(p, arg, "bad netmask '%s'",
				    p->tok[arg].s);
				*failed = 1;
			} else {
				w->prefix.len = mask;
				w->prefix_given = 1;
			}
		} else if (w->prefix.addr.family != AF_INET6) {
			tok_error(p, kw, "'prefixlen' is for IPv6; use "
			    "'netmask' or A/N for IPv4");
			*failed = 1;
		} else if (parse_uint(p->tok[arg].s, 0, 128, &n) != 0) {
			tok_error(p, arg, "bad prefix length '%s': expected "
			    "0 to 128", p->tok[arg].s);
			*failed = 1;
		} else {
			w->prefix.len = (unsigned)n;
			w->prefix_given = 1;
		}
	}
	return last;
}

/*
 * Parse an address at token ${t}, the first token of the operation being
 * ${first}, and its options; append it unless an error was recorded.
 */
static void
parse_address(struct ifc_parser *p, size_t first, size_t t, int family)
{
	struct ifc_word w;
	size_t last;
	int failed = 0;

	memset(&w, 0, sizeof(w));
	w.alias = p->alias_tok == first + 1;
	if (parse_addr(p, t, family, &w) != 0)
		return;
	last = parse_addr_options(p, &w, t, &failed);
	if (failed)
		return;
	w.op = IFC_ADDR;
	w.loc = span_loc(p, first, last);
	*VEC_PUSH(p->cmd->v, p->cmd->n, p->cmd->cap) = w;
}

static void
parse_family(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	size_t t = p->i - 1, arg, i;
	int family = str_eq(kw->word, "inet6") ? AF_INET6 : AF_INET;

	if (family == AF_INET6 && p->i < p->ntok) {
		for (i = 0; i < sizeof(inet6_settings) /
		    sizeof(inet6_settings[0]); i++) {
			if (str_eq(p->tok[p->i].s, inet6_settings[i])) {
				diag_error(p->diags, span_loc(p, t, p->i),
				    "'inet6 %s' is not supported by jailnet",
				    p->tok[p->i].s);
				p->i++;
				return;
			}
		}
	}
	if ((arg = take_arg(p, t, kw->what, 1)) == t)
		return;
	parse_address(p, t, arg, family);
}

static void
parse_alias(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	size_t t = p->i - 1;

	(void)kw;
	/* "alias inet A" and "alias A" name the address that follows. */
	if (p->i < p->ntok && (str_eq(p->tok[p->i].s, "inet") ||
	    str_eq(p->tok[p->i].s, "inet6") ||
	    strchr(p->tok[p->i].s, '.') != NULL ||
	    strchr(p->tok[p->i].s, ':') != NULL)) {
		p->alias_tok = p->i + 1;
		return;
	}
	tok_error(p, t, "'alias' must follow or precede an address");
}

static void
parse_addr_option(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	tok_error(p, p->i - 1, "'%s' must follow an address", kw->word);
	/* Step over its argument unless it is a word of its own. */
	if (p->i < p->ntok && find_keyword(p->tok[p->i].s) == NULL)
		p->i++;
}

static void
parse_flag(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	add_word(p, kw->op, p->i - 1, p->i - 1);
}

/* Record a bad interface name at token ${t} unless it is good. */
static int
check_ifname(struct ifc_parser *p, size_t t)
{
	if (is_ifname(p->tok[t].s))
		return 0;
	tok_error(p, t, "bad interface name '%s': expected 1 to %d letters, "
	    "digits, '_', '.' or '-'", p->tok[t].s, IFNAME_MAX);
	return -1;
}

/*
 * Parse a VLAN number at token ${t}.  Return 0, or -1 after an error.
 */
static int
vlan_number(struct ifc_parser *p, size_t t, unsigned long *num)
{
	if (parse_uint(p->tok[t].s, 1, 4094, num) == 0)
		return 0;
	tok_error(p, t, "bad VLAN number '%s': expected 1 to 4094",
	    p->tok[t].s);
	return -1;
}

static void
parse_ifname(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	unsigned long num = 0;
	size_t t = p->i - 1, arg, vlan = 0, vnum = 0;

	if ((arg = take_arg(p, t, kw->what, 1)) == t ||
	    check_ifname(p, arg) != 0)
		return;
	/* "vlandev IF vlan N" is "vlan N vlandev IF". */
	if (kw->op == IFC_VLANDEV && p->i < p->ntok &&
	    str_eq(p->tok[p->i].s, "vlan")) {
		vlan = p->i++;
		if ((vnum = take_arg(p, vlan, "a VLAN number (1 to 4094)",
		    1)) == vlan || vlan_number(p, vnum, &num) != 0)
			return;
	}
	w = add_word(p, vlan ? IFC_VLAN : kw->op, t, vlan ? vnum : arg);
	w->arg = xstrdup(p->tok[arg].s);
	w->arg_loc = tok_loc(p, arg);
	w->num = num;
}

static void
parse_vlan(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	unsigned long num;
	size_t t = p->i - 1, arg, dev = 0, devarg = 0;

	if ((arg = take_arg(p, t, kw->what, 1)) == t ||
	    vlan_number(p, arg, &num) != 0)
		return;
	if (p->i < p->ntok && str_eq(p->tok[p->i].s, "vlandev")) {
		dev = p->i++;
		if ((devarg = take_arg(p, dev, "an interface name", 1)) ==
		    dev || check_ifname(p, devarg) != 0)
			return;
	}
	w = add_word(p, IFC_VLAN, t, dev ? devarg : arg);
	w->num = num;
	if (dev) {
		w->arg = xstrdup(p->tok[devarg].s);
		w->arg_loc = tok_loc(p, devarg);
	}
}

static void
parse_number(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	unsigned long num;
	size_t t = p->i - 1, arg;

	if ((arg = take_arg(p, t, kw->what, 1)) == t)
		return;
	if (parse_uint(p->tok[arg].s, kw->min, kw->max, &num) != 0) {
		tok_error(p, arg, "bad %s '%s': expected %lu to %lu", kw->noun,
		    p->tok[arg].s, kw->min, kw->max);
		return;
	}
	w = add_word(p, kw->op, t, arg);
	w->num = num;
}

static void
parse_text(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	size_t t = p->i - 1, arg;

	if ((arg = take_arg(p, t, kw->what, 0)) == t)
		return;
	w = add_word(p, kw->op, t, arg);
	w->arg = xstrdup(p->tok[arg].s);
	w->arg_loc = tok_loc(p, arg);
}

static void
parse_broadcast(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	struct ipaddr a;
	size_t t = p->i - 1, arg;

	if ((arg = take_arg(p, t, kw->what, 1)) == t)
		return;
	if (ipaddr_parse(p->tok[arg].s, &a) != 0 || a.family != AF_INET) {
		tok_error(p, arg, "bad broadcast address '%s': expected an "
		    "IPv4 address", p->tok[arg].s);
		return;
	}
	w = add_word(p, kw->op, t, arg);
	w->prefix.addr = a;
	w->prefix.len = 32;
	w->arg_loc = tok_loc(p, arg);
}

/*
 * Parse the MAC address ${s} (six groups of one or two hex digits separated
 * by ':') into ${mac}.  Return 0, or -1 if it is not one.
 */
static int
mac_parse(const char *s, unsigned char mac[6])
{
	const char *hex = "0123456789abcdef", *d;
	int i, n;

	for (i = 0; i < 6; i++) {
		mac[i] = 0;
		for (n = 0; n < 2 && *s != '\0' &&
		    (d = strchr(hex, *s >= 'A' && *s <= 'F' ?
		    *s - 'A' + 'a' : *s)) != NULL; n++, s++)
			mac[i] = (unsigned char)(mac[i] * 16 + (d - hex));
		if (n == 0)
			return -1;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

static void
parse_mac(struct ifc_parser *p, const struct ifc_keyword *kw)
{
	struct ifc_word *w;
	unsigned char mac[6];
	size_t t = p->i - 1, arg;

	if ((arg = take_arg(p, t, kw->what, 1)) == t)
		return;
	if (mac_parse(p->tok[arg].s, mac) != 0) {
		tok_error(p, arg, "bad MAC address '%s': expected "
		    "xx:xx:xx:xx:xx:xx", p->tok[arg].s);
		return;
	}
	if (mac[0] & 1) {
		tok_error(p, arg, "'%s' is a multicast MAC address; an "
		    "interface needs a unicast one", p->tok[arg].s);
		return;
	}
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
		tok_error(p, arg, "'%s' is not a usable MAC address",
		    p->tok[arg].s);
		return;
	}
	w = add_word(p, kw->op, t, arg);
	w->arg = xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	w->arg_loc = tok_loc(p, arg);
}

/* Return non-zero if ${s} is meant as an address (digits with . or :). */
static int
looks_like_address(const char *s)
{
	return strpbrk(s, "0123456789") != NULL &&
	    strpbrk(s, ".:") != NULL &&
	    strspn(s, "0123456789abcdefABCDEF.:/") == strlen(s);
}

/* Return non-zero if ${word} is within two bytes of length ${len}. */
static int
len_near(const char *word, size_t len)
{
	size_t n = strlen(word);

	return n <= len + 2 && len <= n + 2;
}

/* Report the unknown word at token ${t}, with a hint if one is close. */
static void
unknown_word(struct ifc_parser *p, size_t t)
{
	const char **words;
	const char *hint;
	char *lower;
	size_t i, n = 0, len = strlen(p->tok[t].s);

	/*
	 * Only words within two letters of its length can be within the
	 * distance closest_word() accepts; leave the others out, it is slow.
	 */
	words = xcalloc(NKEYWORDS + NIFCONFIG_WORDS + NIFCONFIG_NOOPS,
	    sizeof(*words));
	for (i = 0; i < NKEYWORDS; i++) {
		if (len_near(keywords[i].word, len))
			words[n++] = keywords[i].word;
	}
	for (i = 0; i < NIFCONFIG_WORDS; i++) {
		if (len_near(ifconfig_words[i].word, len))
			words[n++] = ifconfig_words[i].word;
	}
	for (i = 0; i < NIFCONFIG_NOOPS; i++) {
		if (len_near(ifconfig_noops[i].word, len))
			words[n++] = ifconfig_noops[i].word;
	}
	/* ifconfig words are lower case: "UP" is meant as "up". */
	lower = xstrdup(p->tok[t].s);
	for (i = 0; lower[i] != '\0'; i++) {
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	}
	hint = closest_word(lower, words, n);
	free(lower);
	if (hint != NULL)
		tok_error(p, t, "unknown ifconfig word '%s'; did you mean "
		    "'%s'?", p->tok[t].s, hint);
	else
		tok_error(p, t, "unknown ifconfig word '%s'", p->tok[t].s);
	free(words);
	/* What follows up to the next known word is its argument. */
	while (p->i < p->ntok && find_keyword(p->tok[p->i].s) == NULL &&
	    find_unsupported(p->tok[p->i].s) == NULL &&
	    find_noop(p->tok[p->i].s) == NULL &&
	    !looks_like_address(p->tok[p->i].s))
		p->i++;
}

/* Parse the word at token p->i and what belongs to it. */
static void
parse_word(struct ifc_parser *p)
{
	const struct ifc_keyword *kw;
	const struct ifc_unsupported *un;
	size_t t = p->i++, n;

	if (memchr(p->value->s + p->tok[t].off, '\0', p->tok[t].len) != NULL) {
		tok_error(p, t, "NUL byte in an ifconfig word");
		return;
	}
	if ((kw = find_keyword(p->tok[t].s)) != NULL) {
		kw->parse(p, kw);
		return;
	}
	if ((un = find_noop(p->tok[t].s)) != NULL) {
		if (un->why != NULL)
			diag_remark(p->diags, tok_loc(p, t), "'%s': %s",
			    p->tok[t].s, un->why);
		for (n = 0; n < un->nargs && p->i < p->ntok &&
		    find_keyword(p->tok[p->i].s) == NULL; n++)
			p->i++;
		return;
	}
	if ((un = find_unsupported(p->tok[t].s)) != NULL) {
		if (un->why != NULL)
			tok_error(p, t, "'%s' is not supported by jailnet: %s",
			    p->tok[t].s, un->why);
		else
			tok_error(p, t, "'%s' is an ifconfig word jailnet "
			    "does not support", p->tok[t].s);
		for (n = 0; n < un->nargs && p->i < p->ntok &&
		    find_keyword(p->tok[p->i].s) == NULL; n++)
			p->i++;
		return;
	}
	if (looks_like_address(p->tok[t].s)) {
		parse_address(p, t, t, 0);
		return;
	}
	unknown_word(p, t);
}

int
ifconfig_parse(const struct ltext *value, struct ifc_cmd *cmd,
    struct diags *diags)
{
	struct ifc_parser p;
	struct ifc_token *tok;
	size_t i = 0, start, ntokcap = 0, nerrors = diags->nerrors;
	const char *s = value->s ? value->s : "";
	struct strbuf word;
	char quote;

	memset(&p, 0, sizeof(p));
	p.value = value;
	p.cmd = cmd;
	p.diags = diags;
	while (i < value->len) {
		while (i < value->len && is_space(s[i]))
			i++;
		if (i == value->len)
			break;
		/*
		 * rc.d/netif runs "eval ifconfig IF $value": quotes in the
		 * value group words (description "uplink to a") and go.
		 */
		word = (struct strbuf){ 0 };
		strbuf_add(&word, "", 0);
		for (start = i; i < value->len && !is_space(s[i]); i++) {
			if (s[i] != '"' && s[i] != '\'') {
				strbuf_add(&word, s + i, 1);
				continue;
			}
			quote = s[i];
			for (i++; i < value->len && s[i] != quote; i++)
				strbuf_add(&word, s + i, 1);
			if (i == value->len) {
				diag_error(diags, value_loc(&p, start,
				    i - start), "unterminated %s quote in "
				    "ifconfig words", quote == '"' ? "double" :
				    "single");
				break;
			}
		}
		tok = VEC_PUSH(p.tok, p.ntok, ntokcap);
		tok->off = start;
		tok->len = i - start;
		tok->s = word.s;
	}
	while (p.i < p.ntok)
		parse_word(&p);
	for (i = 0; i < p.ntok; i++)
		free(p.tok[i].s);
	free(p.tok);
	return diags->nerrors > nerrors ? -1 : 0;
}

void
ifc_cmd_free(struct ifc_cmd *cmd)
{
	size_t i;

	for (i = 0; i < cmd->n; i++)
		free(cmd->v[i].arg);
	free(cmd->v);
	memset(cmd, 0, sizeof(*cmd));
}
