#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/addr.h"
#include "lib/diag.h"
#include "lib/util.h"
#include "conf/ifconfig.h"
#include "conf/rcconf.h"
#include "test.h"

/* A value written on one line of a file "v", located byte by byte. */
struct fixture {
	struct source *src;
	struct ltext value;
	struct ifc_cmd cmd;
	struct diags d;
	int rc;
};

static void
fx_parse(struct fixture *fx, const char *text)
{
	memset(fx, 0, sizeof(*fx));
	diags_init(&fx->d);
	fx->src = source_new("v", text, strlen(text));
	ltext_add(&fx->value, text, strlen(text),
	    loc_at(fx->src, 0, strlen(text)), 1);
	fx->rc = ifconfig_parse(&fx->value, &fx->cmd, &fx->d);
}

static void
fx_free(struct fixture *fx)
{
	ifc_cmd_free(&fx->cmd);
	ltext_free(&fx->value);
	source_free(fx->src);
	diags_free(&fx->d);
}

/* "FILE:LINE:COL:LEN: severity: message" of diagnostic ${i}. */
static const char *
dstr(const struct diags *d, size_t i)
{
	static char buf[1024];
	static const char *const sev[] = { "error", "warning", "note" };
	const struct diag *dg;

	if (i >= d->n)
		return "(none)";
	dg = &d->v[i];
	snprintf(buf, sizeof(buf), "%s:%u:%u:%u: %s: %s",
	    dg->file ? dg->file : "-", dg->line, dg->col, dg->len,
	    sev[dg->severity], dg->msg);
	return buf;
}

static const char *
lstr(struct loc loc)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s:%u:%u:%u",
	    loc.src ? loc.src->path : "-", loc.line, loc.col, loc.len);
	return buf;
}

static const char *
pstr(const struct ipprefix *p)
{
	static char buf[IPADDR_STRLEN];

	return ipprefix_format(p, buf);
}

/* Parse ${text} and expect exactly one diagnostic, ${want}. */
static void
expect_error(const char *text, const char *want, int line)
{
	struct fixture fx;

	fx_parse(&fx, text);
	if (fx.d.n != 1 || strcmp(dstr(&fx.d, 0), want) != 0 || fx.rc != -1)
		test_fail(__FILE__, line, "input \"%s\"\n  got:  %s (%zu "
		    "diagnostics, rc %d)\n  want: %s", text, dstr(&fx.d, 0),
		    fx.d.n, fx.rc, want);
	fx_free(&fx);
}

#define EXPECT_ERROR(text, want) expect_error(text, want, __LINE__)

TEST(ifconfig_bridge)
{
	struct fixture fx;
	const struct ifc_word *w;

	fx_parse(&fx, "inet 10.0.2.1/24 addm ngx_a addm node_a up");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 4);
	w = &fx.cmd.v[0];
	CHECK_INT_EQ(w->op, IFC_ADDR);
	CHECK_STR_EQ(pstr(&w->prefix), "10.0.2.1/24");
	CHECK_INT_EQ(w->prefix.addr.family, AF_INET);
	CHECK_INT_EQ(w->prefix_given, 1);
	CHECK_INT_EQ(w->alias, 0);
	CHECK_STR_EQ(lstr(w->loc), "v:1:1:16");
	w = &fx.cmd.v[1];
	CHECK_INT_EQ(w->op, IFC_ADDM);
	CHECK_STR_EQ(w->arg, "ngx_a");
	CHECK_STR_EQ(lstr(w->loc), "v:1:18:10");
	CHECK_STR_EQ(lstr(w->arg_loc), "v:1:23:5");
	CHECK_INT_EQ(fx.cmd.v[2].op, IFC_ADDM);
	CHECK_STR_EQ(fx.cmd.v[2].arg, "node_a");
	CHECK_INT_EQ(fx.cmd.v[3].op, IFC_UP);
	CHECK_STR_EQ(lstr(fx.cmd.v[3].loc), "v:1:41:2");
	fx_free(&fx);

	/* Words are separated by any white space, newlines included. */
	fx_parse(&fx, "\naddm inic\n\taddm  inode_a\r\ndeletem ipg_a\ndown ");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.cmd.n, 4);
	CHECK_STR_EQ(fx.cmd.v[1].arg, "inode_a");
	CHECK_STR_EQ(lstr(fx.cmd.v[1].arg_loc), "v:3:8:7");
	CHECK_INT_EQ(fx.cmd.v[2].op, IFC_DELETEM);
	CHECK_INT_EQ(fx.cmd.v[3].op, IFC_DOWN);
	fx_free(&fx);

	fx_parse(&fx, "");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.cmd.n, 0);
	fx_free(&fx);
}

TEST(ifconfig_addresses)
{
	struct fixture fx;
	const struct ifc_word *w;

	fx_parse(&fx, "inet 192.168.56.110 netmask 255.255.255.0 "
	    "inet 10.0.0.1 netmask 0xffff0000 alias "
	    "192.0.2.1/28 192.0.2.2 "
	    "inet6 2001:db8::1/64 inet6 2001:db8::2 prefixlen 56 alias "
	    "alias 10.1.1.1/8 up alias inet 10.2.2.2");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 9);
	w = &fx.cmd.v[0];
	CHECK_STR_EQ(pstr(&w->prefix), "192.168.56.110/24");
	CHECK_INT_EQ(w->prefix_given, 1);
	CHECK_STR_EQ(lstr(w->loc), "v:1:1:41");
	w = &fx.cmd.v[1];
	CHECK_STR_EQ(pstr(&w->prefix), "10.0.0.1/16");
	CHECK_INT_EQ(w->alias, 1);
	w = &fx.cmd.v[2];
	CHECK_STR_EQ(pstr(&w->prefix), "192.0.2.1/28");
	CHECK_INT_EQ(w->alias, 0);
	w = &fx.cmd.v[3];
	CHECK_STR_EQ(pstr(&w->prefix), "192.0.2.2/32");
	CHECK_INT_EQ(w->prefix_given, 0);
	w = &fx.cmd.v[4];
	CHECK_INT_EQ(w->prefix.addr.family, AF_INET6);
	CHECK_STR_EQ(pstr(&w->prefix), "2001:db8::1/64");
	w = &fx.cmd.v[5];
	CHECK_STR_EQ(pstr(&w->prefix), "2001:db8::2/56");
	CHECK_INT_EQ(w->prefix_given, 1);
	CHECK_INT_EQ(w->alias, 1);
	w = &fx.cmd.v[6];
	CHECK_STR_EQ(pstr(&w->prefix), "10.1.1.1/8");
	CHECK_INT_EQ(w->alias, 1);
	w = &fx.cmd.v[8];
	CHECK_STR_EQ(pstr(&w->prefix), "10.2.2.2/32");
	CHECK_INT_EQ(w->alias, 1);
	fx_free(&fx);

	fx_parse(&fx, "inet6 fe80::1");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_STR_EQ(pstr(&fx.cmd.v[0].prefix), "fe80::1/128");
	CHECK_INT_EQ(fx.cmd.v[0].prefix_given, 0);
	fx_free(&fx);
}

TEST(ifconfig_vlan_mtu_and_more)
{
	struct fixture fx;
	const struct ifc_word *w;

	fx_parse(&fx, "vlan 2222 vlandev em0 vlandev em1 vlan 5 vlandev em2 "
	    "up vlan 7 vlanhwtag 2222 mtu 9000 description private_lan "
	    "ether 02:AB:cd:0:1:2 lladdr 02:00:00:00:00:01 name inic "
	    "descr x");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 12);
	if (fx.cmd.n != 12) {
		fx_free(&fx);
		return;
	}
	w = &fx.cmd.v[0];
	CHECK_INT_EQ(w->op, IFC_VLAN);
	CHECK_INT_EQ(w->num, 2222);
	CHECK_STR_EQ(w->arg, "em0");
	CHECK_STR_EQ(lstr(w->loc), "v:1:1:21");
	CHECK_STR_EQ(lstr(w->arg_loc), "v:1:19:3");
	w = &fx.cmd.v[1];
	CHECK_INT_EQ(w->op, IFC_VLAN);
	CHECK_INT_EQ(w->num, 5);
	CHECK_STR_EQ(w->arg, "em1");
	CHECK_STR_EQ(lstr(w->loc), "v:1:23:18");
	w = &fx.cmd.v[2];
	CHECK_INT_EQ(w->op, IFC_VLANDEV);
	CHECK_STR_EQ(w->arg, "em2");
	CHECK_INT_EQ(fx.cmd.v[3].op, IFC_UP);
	w = &fx.cmd.v[4];
	CHECK_INT_EQ(w->op, IFC_VLAN);
	CHECK_INT_EQ(w->num, 7);
	CHECK(w->arg == NULL);
	w = &fx.cmd.v[5];
	CHECK_INT_EQ(w->op, IFC_VLANHWTAG);
	CHECK_INT_EQ(w->num, 2222);
	w = &fx.cmd.v[6];
	CHECK_INT_EQ(w->op, IFC_MTU);
	CHECK_INT_EQ(w->num, 9000);
	w = &fx.cmd.v[7];
	CHECK_INT_EQ(w->op, IFC_DESCRIPTION);
	CHECK_STR_EQ(w->arg, "private_lan");
	w = &fx.cmd.v[8];
	CHECK_INT_EQ(w->op, IFC_ETHER);
	CHECK_STR_EQ(w->arg, "02:ab:cd:00:01:02");
	CHECK_STR_EQ(fx.cmd.v[9].arg, "02:00:00:00:00:01");
	CHECK_INT_EQ(fx.cmd.v[10].op, IFC_NAME);
	CHECK_STR_EQ(fx.cmd.v[10].arg, "inic");
	CHECK_STR_EQ(fx.cmd.v[11].arg, "x");
	fx_free(&fx);
}

TEST(ifconfig_unsupported)
{
	EXPECT_ERROR("DHCP", "v:1:1:4: error: 'DHCP' is not supported by "
	    "jailnet: jailnet runs no DHCP client; give the address with "
	    "'inet A/N'");
	EXPECT_ERROR("up SYNCDHCP", "v:1:4:8: error: 'SYNCDHCP' is not "
	    "supported by jailnet: jailnet runs no DHCP client; give the "
	    "address with 'inet A/N'");
	EXPECT_ERROR("dhcp", "v:1:1:4: error: 'dhcp' is not supported by "
	    "jailnet: jailnet runs no DHCP client; give the address with "
	    "'inet A/N'");
	EXPECT_ERROR("NOSYNCDHCP", "v:1:1:10: error: 'NOSYNCDHCP' is not "
	    "supported by jailnet: jailnet runs no DHCP client; give the "
	    "address with 'inet A/N'");
	EXPECT_ERROR("inet 10.0.0.1/24 NOAUTO", "v:1:18:6: error: 'NOAUTO' is "
	    "not supported by jailnet: jailnet configures every interface "
	    "it is given");
	EXPECT_ERROR("WPA", "v:1:1:3: error: 'WPA' is not supported by "
	    "jailnet: jailnet has no wireless interfaces");
	EXPECT_ERROR("-vlanhwtag", "v:1:1:10: error: '-vlanhwtag' is an "
	    "ifconfig word jailnet does not support");
	EXPECT_ERROR("up -arp", "v:1:4:4: error: '-arp' is an ifconfig word "
	    "jailnet does not support");
	EXPECT_ERROR("promisc up", "v:1:1:7: error: 'promisc' is an ifconfig "
	    "word jailnet does not support");
	EXPECT_ERROR("inet6 auto_linklocal", "v:1:1:20: error: 'inet6 "
	    "auto_linklocal' is not supported by jailnet");
	EXPECT_ERROR("inet6 -ifdisabled up", "v:1:1:17: error: 'inet6 "
	    "-ifdisabled' is not supported by jailnet");
	/* The argument of an unsupported word is not read as a word. */
	EXPECT_ERROR("inet 10.0.0.1/24 mode 11g up", "v:1:18:4: "
	    "error: 'mode' is an ifconfig word jailnet does not support");
	EXPECT_ERROR("stp inic up", "v:1:1:3: error: 'stp' is an ifconfig "
	    "word jailnet does not support");
}

/*
 * Words FreeBSD accepts that change nothing in a simulation: no error, no
 * word, a remark only where Linux differs.
 */
TEST(ifconfig_no_effect_words)
{
	struct fixture fx;

	fx_parse(&fx, "inet 10.0.0.1/24 -rxcsum -txcsum tso -lro vlanhwfilter "
	    "-wol polling -description up");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 2);
	CHECK_INT_EQ(fx.cmd.v[0].op, IFC_ADDR);
	CHECK_INT_EQ(fx.cmd.v[1].op, IFC_UP);
	fx_free(&fx);

	fx_parse(&fx, "metric 5 media 1000baseT mediaopt full-duplex up");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.nerrors + fx.d.nwarnings, 0);
	CHECK_INT_EQ(fx.d.n, 3);
	CHECK_STR_EQ(dstr(&fx.d, 0), "v:1:1:6: note: 'metric': Linux "
	    "interfaces have no metric; ignored");
	CHECK_STR_EQ(dstr(&fx.d, 1), "v:1:10:5: note: 'media': the simulated "
	    "interfaces have no media to choose; ignored");
	CHECK_INT_EQ(fx.cmd.n, 1);
	CHECK_INT_EQ(fx.cmd.v[0].op, IFC_UP);
	fx_free(&fx);
}

/* broadcast ADDR is a word with its address; quotes group words. */
TEST(ifconfig_broadcast_and_quotes)
{
	struct fixture fx;
	const struct ifc_word *w;

	fx_parse(&fx, "inet 10.0.0.1/24 broadcast 10.0.0.255 mtu 1400 "
	    "description \"uplink to a\" descr 'b c'");
	CHECK_INT_EQ(fx.rc, 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 5);
	w = &fx.cmd.v[1];
	CHECK_INT_EQ(w->op, IFC_BROADCAST);
	CHECK_STR_EQ(pstr(&w->prefix), "10.0.0.255/32");
	CHECK_STR_EQ(lstr(w->loc), "v:1:18:20");
	CHECK_STR_EQ(lstr(w->arg_loc), "v:1:28:10");
	CHECK_INT_EQ(fx.cmd.v[2].op, IFC_MTU);
	CHECK_INT_EQ(fx.cmd.v[2].num, 1400);
	w = &fx.cmd.v[3];
	CHECK_INT_EQ(w->op, IFC_DESCRIPTION);
	CHECK_STR_EQ(w->arg, "uplink to a");
	CHECK_STR_EQ(lstr(w->arg_loc), "v:1:60:13");
	CHECK_STR_EQ(fx.cmd.v[4].arg, "b c");
	fx_free(&fx);
}

TEST(ifconfig_unknown_words)
{
	EXPECT_ERROR("inet 10.0.0.1/24 adm inic", "v:1:18:3: error: unknown "
	    "ifconfig word 'adm'; did you mean 'addm'?");
	EXPECT_ERROR("addm inic upp", "v:1:11:3: error: unknown ifconfig word "
	    "'upp'; did you mean 'up'?");
	EXPECT_ERROR("vlanhwtg 2222", "v:1:1:8: error: unknown ifconfig word "
	    "'vlanhwtg'; did you mean 'vlanhwtag'?");
	EXPECT_ERROR("zzzzzz", "v:1:1:6: error: unknown ifconfig word "
	    "'zzzzzz'");
	EXPECT_ERROR("UP", "v:1:1:2: error: unknown ifconfig word 'UP'; did "
	    "you mean 'up'?");
}

TEST(ifconfig_missing_arguments)
{
	EXPECT_ERROR("addm", "v:1:1:4: error: 'addm' needs an interface name");
	EXPECT_ERROR("up addm\n", "v:1:4:4: error: 'addm' needs an interface "
	    "name");
	EXPECT_ERROR("addm up", "v:1:1:4: error: 'addm' needs an interface "
	    "name");
	EXPECT_ERROR("deletem", "v:1:1:7: error: 'deletem' needs an interface "
	    "name");
	EXPECT_ERROR("name", "v:1:1:4: error: 'name' needs an interface name");
	EXPECT_ERROR("inet", "v:1:1:4: error: 'inet' needs an IPv4 address");
	EXPECT_ERROR("inet up", "v:1:1:4: error: 'inet' needs an IPv4 "
	    "address");
	EXPECT_ERROR("inet6", "v:1:1:5: error: 'inet6' needs an IPv6 address");
	EXPECT_ERROR("vlan", "v:1:1:4: error: 'vlan' needs a VLAN number (1 to "
	    "4094)");
	EXPECT_ERROR("vlan 5 vlandev", "v:1:8:7: error: 'vlandev' needs an "
	    "interface name");
	EXPECT_ERROR("vlanhwtag", "v:1:1:9: error: 'vlanhwtag' needs a VLAN "
	    "number (1 to 4094)");
	EXPECT_ERROR("mtu up", "v:1:1:3: error: 'mtu' needs an MTU (68 to "
	    "65535)");
	EXPECT_ERROR("description", "v:1:1:11: error: 'description' needs a "
	    "text");
	EXPECT_ERROR("broadcast", "v:1:1:9: error: 'broadcast' needs an IPv4 "
	    "address");
	EXPECT_ERROR("broadcast up", "v:1:1:9: error: 'broadcast' needs an "
	    "IPv4 address");
	EXPECT_ERROR("inet6 2001:db8::1/64 broadcast 2001:db8::ff",
	    "v:1:32:12: error: bad broadcast address '2001:db8::ff': "
	    "expected an IPv4 address");
	EXPECT_ERROR("description \"to a", "v:1:13:5: error: unterminated "
	    "double quote in ifconfig words");
	EXPECT_ERROR("ether", "v:1:1:5: error: 'ether' needs a MAC address");
	EXPECT_ERROR("inet 10.0.0.1 netmask", "v:1:15:7: error: 'netmask' "
	    "needs a mask (255.255.255.0 or 0xffffff00)");
	EXPECT_ERROR("netmask 255.0.0.0 up", "v:1:1:7: error: 'netmask' must "
	    "follow an address");
	EXPECT_ERROR("alias up", "v:1:1:5: error: 'alias' must follow or "
	    "precede an address");
}

TEST(ifconfig_bad_arguments)
{
	EXPECT_ERROR("vlan 0", "v:1:6:1: error: bad VLAN number '0': expected "
	    "1 to 4094");
	EXPECT_ERROR("vlan 4095", "v:1:6:4: error: bad VLAN number '4095': "
	    "expected 1 to 4094");
	EXPECT_ERROR("vlan x vlandev em0", "v:1:6:1: error: bad VLAN number "
	    "'x': expected 1 to 4094");
	EXPECT_ERROR("vlanhwtag 5000", "v:1:11:4: error: bad VLAN number "
	    "'5000': expected 1 to 4094");
	EXPECT_ERROR("vlanhwtag -1", "v:1:11:2: error: bad VLAN number '-1': "
	    "expected 1 to 4094");
	EXPECT_ERROR("mtu 67", "v:1:5:2: error: bad MTU '67': expected 68 to "
	    "65535");
	EXPECT_ERROR("mtu 0x100", "v:1:5:5: error: bad MTU '0x100': expected "
	    "68 to 65535");
	EXPECT_ERROR("inet 10.0.2/24", "v:1:6:6: error: bad IPv4 address "
	    "'10.0.2'");
	EXPECT_ERROR("inet 10.0.0.1/33 up", "v:1:14:3: error: bad prefix "
	    "length '/33': expected /0 to /32");
	EXPECT_ERROR("10.0.0.256", "v:1:1:10: error: bad IPv4 address "
	    "'10.0.0.256'");
	EXPECT_ERROR("192.168.56.110/", "v:1:15:1: error: bad prefix length "
	    "'/': expected /0 to /32");
	EXPECT_ERROR("inet 2001:db8::1/64", "v:1:6:14: error: "
	    "'2001:db8::1/64' is not an IPv4 address");
	EXPECT_ERROR("inet6 10.0.0.1", "v:1:7:8: error: '10.0.0.1' is not an "
	    "IPv6 address");
	EXPECT_ERROR("inet6 2001:zz::1", "v:1:7:10: error: bad IPv6 address "
	    "'2001:zz::1'");
	EXPECT_ERROR("2001:db8::1/64", "v:1:1:14: error: '2001:db8::1/64' is "
	    "an IPv6 address: write 'inet6 2001:db8::1/64'");
	EXPECT_ERROR("inet 10.0.0.1 netmask 255.0.255.0", "v:1:23:11: error: "
	    "bad netmask '255.0.255.0'");
	EXPECT_ERROR("inet 10.0.0.1/24 netmask 255.0.0.0", "v:1:18:7: error: "
	    "the address already has a prefix length; give it once");
	EXPECT_ERROR("inet 10.0.0.1 prefixlen 8", "v:1:15:9: error: "
	    "'prefixlen' is for IPv6; use 'netmask' or A/N for IPv4");
	EXPECT_ERROR("inet6 ::1 netmask 255.0.0.0", "v:1:11:7: error: "
	    "'netmask' is for IPv4; use 'prefixlen' or A/N for IPv6");
	EXPECT_ERROR("inet6 ::1 prefixlen 129", "v:1:21:3: error: bad prefix "
	    "length '129': expected 0 to 128");
	EXPECT_ERROR("addm averyveryverylongname", "v:1:6:21: error: bad "
	    "interface name 'averyveryverylongname': expected 1 to 15 "
	    "letters, digits, '_', '.' or '-'");
	EXPECT_ERROR("name a/b", "v:1:6:3: error: bad interface name 'a/b': "
	    "expected 1 to 15 letters, digits, '_', '.' or '-'");
	EXPECT_ERROR("ether 02:00:00:00:00", "v:1:7:14: error: bad MAC "
	    "address '02:00:00:00:00': expected xx:xx:xx:xx:xx:xx");
	EXPECT_ERROR("ether 02:00:00:00:00:001", "v:1:7:18: error: bad MAC "
	    "address '02:00:00:00:00:001': expected xx:xx:xx:xx:xx:xx");
	EXPECT_ERROR("lladdr 01:00:5e:00:00:01", "v:1:8:17: error: "
	    "'01:00:5e:00:00:01' is a multicast MAC address; an interface "
	    "needs a unicast one");
	EXPECT_ERROR("ether 0:0:0:0:0:0", "v:1:7:11: error: '0:0:0:0:0:0' is "
	    "not a usable MAC address");
}

TEST(ifconfig_keeps_going)
{
	struct fixture fx;

	fx_parse(&fx, "addm inic DHCP adm x vlan 9999 addm ipg_a up");
	CHECK_INT_EQ(fx.rc, -1);
	/* An unknown word's argument is not reported again. */
	CHECK_INT_EQ(fx.d.nerrors, 3);
	CHECK_STR_EQ(dstr(&fx.d, 1), "v:1:16:3: error: unknown ifconfig word "
	    "'adm'; did you mean 'addm'?");
	CHECK_STR_EQ(dstr(&fx.d, 2), "v:1:27:4: error: bad VLAN number "
	    "'9999': expected 1 to 4094");
	CHECK_INT_EQ(fx.cmd.n, 3);
	CHECK_STR_EQ(fx.cmd.v[0].arg, "inic");
	CHECK_STR_EQ(fx.cmd.v[1].arg, "ipg_a");
	CHECK_INT_EQ(fx.cmd.v[2].op, IFC_UP);
	fx_free(&fx);
}

TEST(ifconfig_nul_byte)
{
	static const char text[] = "up\0x down";
	struct source *src = source_new("v", text, sizeof(text) - 1);
	struct ltext value;
	struct ifc_cmd cmd;
	struct diags d;

	memset(&value, 0, sizeof(value));
	memset(&cmd, 0, sizeof(cmd));
	diags_init(&d);
	ltext_add(&value, text, sizeof(text) - 1, loc_at(src, 0, 0), 1);
	CHECK_INT_EQ(ifconfig_parse(&value, &cmd, &d), -1);
	CHECK_STR_EQ(dstr(&d, 0), "v:1:1:4: error: NUL byte in an ifconfig "
	    "word");
	CHECK_INT_EQ(cmd.n, 1);
	CHECK_INT_EQ(cmd.v[0].op, IFC_DOWN);
	ifc_cmd_free(&cmd);
	ifc_cmd_free(&cmd);
	ltext_free(&value);
	source_free(src);
	diags_free(&d);
}

/* Files of a server, for values read through rc.conf. */
static struct source *
view_read(void *ctx, const char *path, int *errnum)
{
	static const struct {
		const char *path, *text;
	} files[] = {
		{ "/etc/inic", "inet 192.168.56.110/24\n" },
		{ "/etc/badinic", "\ninet 192.168.56.300/24\n" },
		{ "/etc/ip_inode_b", "192.168.56.30\n" },
		{ "/etc/ip_bad", "192.168.56\n" },
	};
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (str_eq(files[i].path, path))
			return source_new(path, files[i].text,
			    strlen(files[i].text));
	}
	*errnum = ENOENT;
	return NULL;
}

/* An rc.conf, its variables and the ifconfig words of one of them. */
struct rc_fixture {
	struct source *src;
	struct rc_conf *conf;
	struct rc_vars vars;
	struct ifc_cmd cmd;
	struct diags d;
};

/*
 * Parse and evaluate the rc.conf ${text}, then parse the ifconfig words of
 * its variable ${name}.  Return what ifconfig_parse() returns, -1 if it was
 * not reached.
 */
static int
rc_ifconfig(struct rc_fixture *fx, const char *text, const char *name)
{
	struct rc_value *v;

	memset(fx, 0, sizeof(*fx));
	diags_init(&fx->d);
	fx->src = source_new("rc.conf", text, strlen(text));
	fx->conf = rcconf_parse(fx->src, &fx->d);
	if (rcconf_eval(fx->conf, view_read, NULL, &fx->vars, &fx->d) != 0 ||
	    (v = rc_vars_get(&fx->vars, name)) == NULL)
		return -1;
	return ifconfig_parse(&v->value, &fx->cmd, &fx->d);
}

static void
rc_fixture_free(struct rc_fixture *fx)
{
	ifc_cmd_free(&fx->cmd);
	rc_vars_free(&fx->vars);
	rcconf_free(fx->conf);
	source_free(fx->src);
	diags_free(&fx->d);
}

TEST(ifconfig_through_rcconf)
{
	struct rc_fixture fx;

	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_inic=\"`/bin/cat /etc/inic` "
	    "vlanhwtag 2222\"\n", "ifconfig_inic"), 0);
	CHECK_INT_EQ(fx.d.n, 0);
	CHECK_INT_EQ(fx.cmd.n, 2);
	CHECK_STR_EQ(pstr(&fx.cmd.v[0].prefix), "192.168.56.110/24");
	CHECK_STR_EQ(lstr(fx.cmd.v[0].loc), "/etc/inic:1:1:22");
	CHECK_INT_EQ(fx.cmd.v[1].op, IFC_VLANHWTAG);
	CHECK_INT_EQ(fx.cmd.v[1].num, 2222);
	CHECK_STR_EQ(lstr(fx.cmd.v[1].loc), "rc.conf:1:37:14");
	rc_fixture_free(&fx);

	/* A word made of a file's text and rc.conf text. */
	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_inode_b=`/bin/cat "
	    "/etc/ip_inode_b`/24\n", "ifconfig_inode_b"), 0);
	CHECK_INT_EQ(fx.cmd.n, 1);
	CHECK_STR_EQ(pstr(&fx.cmd.v[0].prefix), "192.168.56.30/24");
	CHECK_INT_EQ(fx.cmd.v[0].prefix_given, 1);
	CHECK_STR_EQ(lstr(fx.cmd.v[0].loc), "/etc/ip_inode_b:1:1:13");
	rc_fixture_free(&fx);

	/* The seed's multi-line bridge value. */
	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_ibridge=\"\naddm inic\n"
	    "addm inode_a\naddm ipg_a\nup\"\n", "ifconfig_ibridge"), 0);
	CHECK_INT_EQ(fx.cmd.n, 4);
	CHECK_STR_EQ(lstr(fx.cmd.v[1].loc), "rc.conf:3:1:12");
	CHECK_STR_EQ(lstr(fx.cmd.v[2].arg_loc), "rc.conf:4:6:5");
	CHECK_STR_EQ(lstr(fx.cmd.v[3].loc), "rc.conf:5:1:2");
	rc_fixture_free(&fx);
}

TEST(ifconfig_errors_located_in_files)
{
	struct rc_fixture fx;

	/* A bad address in the file is reported in the file. */
	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_inic=\"`/bin/cat /etc/badinic` "
	    "vlanhwtag 5000\"\n", "ifconfig_inic"), -1);
	CHECK_INT_EQ(fx.d.nerrors, 2);
	CHECK_STR_EQ(dstr(&fx.d, 0), "/etc/badinic:2:6:14: error: bad IPv4 "
	    "address '192.168.56.300'");
	CHECK_STR_EQ(dstr(&fx.d, 1), "rc.conf:1:50:4: error: bad VLAN number "
	    "'5000': expected 1 to 4094");
	rc_fixture_free(&fx);

	/* The bad part of a word made of file and rc.conf text. */
	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_inode_b=`/bin/cat "
	    "/etc/ip_inode_b`/33\n", "ifconfig_inode_b"), -1);
	CHECK_STR_EQ(dstr(&fx.d, 0), "rc.conf:1:44:3: error: bad prefix length "
	    "'/33': expected /0 to /32");
	rc_fixture_free(&fx);
	CHECK_INT_EQ(rc_ifconfig(&fx, "ifconfig_inode_b=`/bin/cat /etc/ip_bad`"
	    "/24\n", "ifconfig_inode_b"), -1);
	CHECK_STR_EQ(dstr(&fx.d, 0), "/etc/ip_bad:1:1:10: error: bad IPv4 "
	    "address '192.168.56'");
	rc_fixture_free(&fx);
}
