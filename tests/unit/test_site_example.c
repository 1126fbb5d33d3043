/*
 * The example site against ../shared/SYSTEM.md, fact by fact: if the model
 * of examples/uxtely says anything else than the write-up, a test fails.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "fixture.h"
#include "test.h"

static const char *
addr_of(const struct iface *ifc, char *buf)
{
	if (ifc == NULL || ifc->naddrs == 0)
		return "-";
	return ipprefix_format(&ifc->addrs[0].prefix, buf);
}

/* Epair unit, a side, b side, owner of a (bridge or jail), owner of b. */
static const struct {
	unsigned unit;
	const char *a, *b, *a_owner, *b_owner, *b_addr;
} epairs[] = {
	{ 0, "ngx_a", "ngx_b", "xbridge", "nginx_j", "10.0.2.20/24" },
	{ 1, "node_a", "node_b", "xbridge", "node_j", "10.0.2.30/24" },
	{ 2, "pg_a", "pg_b", "xbridge", "pg_j", "10.0.2.40/24" },
	{ 3, "ngx_node_a", "ngx_node_b", "nginx_j", "node_j", "10.0.3.30/24" },
	{ 4, "node_pg_a", "node_pg_b", "node_j", "pg_j", "10.0.4.40/24" },
	{ 5, "inode_a", "inode_b", "ibridge", "node_j", NULL },
	{ 6, "ipg_a", "ipg_b", "ibridge", "pg_j", NULL },
};

static const char *
owner_of(const struct server *srv, const struct iface *ifc)
{
	if (ifc->jail != NO_INDEX)
		return srv->jails[ifc->jail].name;
	if (ifc->bridge != NO_INDEX)
		return srv->ifaces[ifc->bridge].name;
	return "host";
}

TEST(example_servers_and_nics)
{
	struct site *site = fixture_example();
	static const char *const xnic[] = { "192.0.2.155/24", "192.0.2.165/24" };
	static const char *const inic[] = { "192.168.56.110/24",
		"192.168.56.111/24" };
	char buf[IPADDR_STRLEN];
	struct server *srv;
	size_t s;

	if (site == NULL)
		return;
	CHECK_INT_EQ(site->nservers, 2);
	for (s = 0; s < 2; s++) {
		srv = &site->servers[s];
		CHECK_STR_EQ(srv->name, s == 0 ? "a" : "b");
		CHECK_STR_EQ(addr_of(server_iface(srv, "xnic"), buf), xnic[s]);
		CHECK_STR_EQ(addr_of(server_iface(srv, "inic"), buf), inic[s]);
		CHECK_INT_EQ(server_iface(srv, "inic")->vlan, 2222);
		CHECK(srv->gateway_enable);
		CHECK(srv->pf_enable);
		CHECK(srv->jail_enable);
		CHECK(srv->jail_reverse_stop);
		CHECK(srv->has_defaultrouter);
		CHECK_STR_EQ(ipaddr_format(&srv->defaultrouter, buf),
		    "192.0.2.1");
		CHECK(srv->pfil_member && srv->pfil_bridge);
	}
	site_free(site);
}

TEST(example_bridges_and_epairs)
{
	struct site *site = fixture_example();
	char buf[IPADDR_STRLEN];
	const struct iface *a, *b, *xb, *ib;
	struct server *srv;
	size_t s, i, members;

	if (site == NULL)
		return;
	for (s = 0; s < site->nservers; s++) {
		srv = &site->servers[s];
		xb = server_iface(srv, "xbridge");
		ib = server_iface(srv, "ibridge");
		CHECK(xb != NULL && ib != NULL);
		if (xb == NULL || ib == NULL)
			continue;
		CHECK_STR_EQ(xb->clone_name, "bridge0");
		CHECK_STR_EQ(ib->clone_name, "bridge1");
		CHECK_STR_EQ(addr_of(xb, buf), "10.0.2.1/24");
		CHECK_INT_EQ(ib->naddrs, 0);
		/* inic is an ibridge member; xnic is on no bridge. */
		CHECK(server_iface(srv, "inic")->bridge ==
		    (size_t)(ib - srv->ifaces));
		CHECK(server_iface(srv, "xnic")->bridge == NO_INDEX);
		members = 0;
		for (i = 0; i < srv->nifaces; i++)
			if (srv->ifaces[i].bridge != NO_INDEX)
				members++;
		CHECK_INT_EQ(members, 6);
		for (i = 0; i < sizeof(epairs) / sizeof(*epairs); i++) {
			a = server_iface(srv, epairs[i].a);
			b = server_iface(srv, epairs[i].b);
			CHECK(a != NULL && b != NULL);
			if (a == NULL || b == NULL)
				continue;
			CHECK_INT_EQ(a->kind, IFACE_EPAIR);
			CHECK_INT_EQ(a->epair_unit, epairs[i].unit);
			CHECK_INT_EQ(a->epair_side, 'a');
			CHECK_INT_EQ(b->epair_side, 'b');
			CHECK(&srv->ifaces[a->peer] == b);
			CHECK_STR_EQ(owner_of(srv, a), epairs[i].a_owner);
			CHECK_STR_EQ(owner_of(srv, b), epairs[i].b_owner);
			if (epairs[i].b_addr != NULL)
				CHECK_STR_EQ(addr_of(b, buf), epairs[i].b_addr);
			CHECK(a->up && b->up);
		}
		CHECK_STR_EQ(addr_of(server_iface(srv, "ngx_node_a"), buf),
		    "10.0.3.20/24");
		CHECK_STR_EQ(addr_of(server_iface(srv, "node_pg_a"), buf),
		    "10.0.4.30/24");
		CHECK_STR_EQ(addr_of(server_iface(srv, "inode_b"), buf),
		    s == 0 ? "192.168.56.30/24" : "192.168.56.31/24");
		CHECK_STR_EQ(addr_of(server_iface(srv, "ipg_b"), buf),
		    s == 0 ? "192.168.56.40/24" : "192.168.56.41/24");
	}
	site_free(site);
}

TEST(example_jails)
{
	static const char *const order[] = { "pg_j", "node_j", "nginx_j" };
	static const char *const ifs[3][4] = {
		{ "pg_b", "node_pg_b", "ipg_b", NULL },
		{ "node_b", "ngx_node_b", "inode_b", "node_pg_a" },
		{ "ngx_b", "ngx_node_a", NULL, NULL },
	};
	static const char *const svc[] = { "postgresql", "node", "nginx" };
	struct site *site = fixture_example();
	char buf[IPADDR_STRLEN], *path;
	const struct jail *j;
	struct server *srv;
	size_t s, i, k;

	if (site == NULL)
		return;
	for (s = 0; s < site->nservers; s++) {
		srv = &site->servers[s];
		CHECK_INT_EQ(srv->njails, 3);
		for (i = 0; i < srv->njails && i < 3; i++) {
			j = &srv->jails[i];
			CHECK_STR_EQ(j->name, order[i]);
			path = xasprintf("/jails/%s", order[i]);
			CHECK_STR_EQ(j->path, path);
			free(path);
			CHECK(j->vnet);
			CHECK_INT_EQ(j->sysvshm, i == 0 ? SYSV_NEW :
			    SYSV_DISABLE);
			CHECK_STR_EQ(j->exec_start, "/bin/sh /etc/rc");
			for (k = 0; k < 4 && ifs[i][k] != NULL; k++)
				CHECK_STR_EQ(srv->ifaces[j->ifaces[k]].name,
				    ifs[i][k]);
			CHECK_INT_EQ(j->nifaces, k);
			CHECK(j->has_defaultrouter);
			CHECK_STR_EQ(ipaddr_format(&j->defaultrouter, buf),
			    "10.0.2.1");
			/* Its service, then sshd (rc.conf's order). */
			CHECK_INT_EQ(j->nservices, 2);
			if (j->nservices == 2) {
				CHECK_STR_EQ(site->services[
				    j->services[0].service].name, svc[i]);
				CHECK_STR_EQ(site->services[
				    j->services[1].service].name, "sshd");
			}
		}
	}
	site_free(site);
}

/* The four pipes of each server, as SYSTEM.md's table has them. */
TEST(example_pipes)
{
	static const struct {
		const char *jail, *pipe, *mode;
		int src_own, dst_peer;	/* own/peer address */
		unsigned sport, dport;
		const char *src_if;	/* interface whose address listens */
	} pipes[] = {
		{ "node_j", "N2P", "encrypt", 1, 1, 5432, 5433, "inode_b" },
		{ "pg_j", "N2P", "decrypt", 1, 0, 5433, 5432, "ipg_b" },
		{ "pg_j", "PGS", "decrypt", 1, 0, 5434, 5432, "ipg_b" },
		{ "pg_j", "PGC", "encrypt", 1, 1, 5435, 5434, "ipg_b" },
	};
	struct site *site = fixture_example();
	const struct server *srv, *peer;
	const struct pipe *p = NULL;
	const struct jail *j;
	size_t s, i, k;

	if (site == NULL)
		return;
	for (s = 0; s < 2; s++) {
		srv = &site->servers[s];
		peer = &site->servers[1 - s];
		for (i = 0; i < sizeof(pipes) / sizeof(*pipes); i++) {
			j = server_jail(srv, pipes[i].jail);
			p = NULL;
			for (k = 0; j != NULL && k < j->npipes; k++)
				if (strcmp(j->pipes[k].name, pipes[i].pipe) == 0)
					p = &j->pipes[k];
			CHECK(p != NULL);
			if (p == NULL)
				continue;
			CHECK_STR_EQ(pipe_mode_name(p->mode), pipes[i].mode);
			CHECK(ipaddr_eq(&p->source.addr, &server_iface(srv,
			    pipes[i].src_if)->addrs[0].prefix.addr));
			CHECK_INT_EQ(p->source.port, pipes[i].sport);
			CHECK_INT_EQ(p->target.port, pipes[i].dport);
			/* The target is the peer's ipg_b, or our own. */
			CHECK(ipaddr_eq(&p->target.addr, &server_iface(
			    pipes[i].dst_peer ? peer : srv,
			    "ipg_b")->addrs[0].prefix.addr));
			CHECK_STR_EQ(p->key_path, "/etc/spiped.key");
		}
	}
	site_free(site);
}

TEST(example_world)
{
	struct site *site = fixture_example();
	char buf[IPADDR_STRLEN];
	const struct dns_zone *z;

	if (site == NULL)
		return;
	CHECK_INT_EQ(site->nzones, 3);
	z = &site->zones[0];
	CHECK_INT_EQ(z->ttl, 300);
	CHECK_INT_EQ(z->nrecords, 2);
	CHECK_STR_EQ(ipaddr_format(&z->records[0].addr, buf), "192.0.2.155");
	CHECK_STR_EQ(ipaddr_format(&z->records[1].addr, buf), "192.0.2.165");
	CHECK_INT_EQ(z->records[0].server, 0);
	CHECK_INT_EQ(z->records[0].host, NO_INDEX);
	/* A provider's name: the outside host's address. */
	z = &site->zones[1];
	CHECK_STR_EQ(z->name, "api.payments.example");
	CHECK_INT_EQ(z->nrecords, 1);
	CHECK_INT_EQ(z->records[0].server, NO_INDEX);
	CHECK(z->records[0].host != NO_INDEX &&
	    str_eq(site->hosts[z->records[0].host].name, "payments"));
	CHECK_STR_EQ(ipaddr_format(&z->records[0].addr, buf), "203.0.113.80");
	CHECK_INT_EQ(site->networks[1].vlan, 2222);
	CHECK_INT_EQ(site->networks[0].kind, NETWORK_INTERNET);
	CHECK(site->nhosts >= 6);
	site_free(site);
}
