/*
 * Tests of the plan of the example site, without the kernel: the plan
 * against the model (every interface, address, member and route of the
 * model is planned in the right namespace, nothing links outside the
 * plan's namespaces), its order, and its text against
 * tests/golden/uxtely.plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/site.h"
#include "kernel/plan.h"
#include "fixture.h"
#include "test.h"

static struct pf_site *
load_example(struct plan **plan)
{
	struct pf_site *ps = fixture_example_pf();
	struct diags d;

	diags_init(&d);
	*plan = ps != NULL ? plan_build(ps, &d) : NULL;
	CHECK_INT_EQ(d.nerrors, 0);
	diags_free(&d);
	CHECK(*plan != NULL);
	return ps;
}

/* Return the op of ${kind} on ${link} in namespace ${ns}, or NULL. */
static const struct op *
find_op(const struct plan *plan, enum op_kind kind, const char *ns,
    const char *link)
{
	size_t i, n = plan_find_ns(plan, ns);

	for (i = 0; i < plan->nops; i++)
		if (plan->ops[i].kind == kind && plan->ops[i].ns == n &&
		    str_eq(plan->ops[i].link, link))
			return &plan->ops[i];
	return NULL;
}

/* Is ${p} added to ${link} in ${ns}? */
static bool
has_addr(const struct plan *plan, const char *ns, const char *link,
    const struct ipprefix *p)
{
	size_t i, n = plan_find_ns(plan, ns);

	for (i = 0; i < plan->nops; i++)
		if (plan->ops[i].kind == OP_ADDR && plan->ops[i].ns == n &&
		    str_eq(plan->ops[i].link, link) &&
		    ipaddr_eq(&plan->ops[i].prefix.addr, &p->addr) &&
		    plan->ops[i].prefix.len == p->len)
			return true;
	return false;
}

TEST(plan_namespaces)
{
	struct plan *plan;
	struct pf_site *ps = load_example(&plan);

	if (plan == NULL)
		goto out;
	CHECK_INT_EQ(plan->nns, 18);
	CHECK_STR_EQ(plan->ns[0].name, "uxtely-net-internet");
	CHECK_STR_EQ(plan->ns[1].name, "uxtely-net-lan");
	CHECK(plan_find_ns(plan, "uxtely-host-orchestration") != NO_INDEX);
	/* Jails follow their server, in boot order. */
	CHECK_INT_EQ(plan_find_ns(plan, "uxtely-a-pg_j"),
	    plan_find_ns(plan, "uxtely-a") + 1);
	CHECK_INT_EQ(plan_find_ns(plan, "uxtely-a-node_j"),
	    plan_find_ns(plan, "uxtely-a") + 2);
	CHECK_INT_EQ(plan_find_ns(plan, "uxtely-a-nginx_j"),
	    plan_find_ns(plan, "uxtely-a") + 3);
	CHECK_INT_EQ(plan_find_ns(plan, "nope"), NO_INDEX);
out:
	plan_free(plan);
	pf_site_free(ps);
}

/* Every interface of the model, where the model puts it. */
TEST(plan_matches_model)
{
	struct plan *plan;
	struct pf_site *ps = load_example(&plan);
	const struct site *site = ps != NULL ? ps->site : NULL;
	char ns[64], holder[256];
	size_t s, i, a;

	if (plan == NULL)
		goto out;
	for (s = 0; s < site->nservers; s++) {
		const struct server *srv = &site->servers[s];

		snprintf(ns, sizeof(ns), "uxtely-%s", srv->name);
		CHECK(find_op(plan, OP_ROUTE, ns, NULL) != NULL);
		CHECK(find_op(plan, OP_SYSCTL, ns, NULL) != NULL);
		for (i = 0; i < srv->nifaces; i++) {
			const struct iface *ifc = &srv->ifaces[i];
			const struct iface *br = ifc->bridge != NO_INDEX ?
			    &srv->ifaces[ifc->bridge] : NULL;
			const struct op *op;

			if (ifc->jail != NO_INDEX)
				snprintf(holder, sizeof(holder), "%s-%s", ns,
				    srv->jails[ifc->jail].name);
			else
				snprintf(holder, sizeof(holder), "%s", ns);
			switch (ifc->kind) {
			case IFACE_NIC:
				CHECK(find_op(plan, OP_VETH, holder,
				    ifc->name) != NULL);
				break;
			case IFACE_BRIDGE:
				CHECK(find_op(plan, OP_BRIDGE, holder,
				    ifc->name) != NULL);
				break;
			case IFACE_EPAIR:
				if (ifc->epair_side != 'a')
					break;
				op = find_op(plan, OP_VETH, holder, ifc->name);
				CHECK(op != NULL);
				if (op != NULL)
					CHECK_STR_EQ(op->peer,
					    srv->ifaces[ifc->peer].name);
				break;
			}
			if (br != NULL) {
				op = find_op(plan, OP_MASTER, holder,
				    ifc->name);
				CHECK(op != NULL);
				if (op != NULL)
					CHECK_STR_EQ(op->master, br->name);
			}
			if (ifc->up)
				CHECK(find_op(plan, OP_UP, holder,
				    ifc->name) != NULL);
			/* inic's address goes on ibridge. */
			for (a = 0; a < ifc->naddrs; a++)
				CHECK(has_addr(plan, holder, br != NULL ?
				    br->name : ifc->name,
				    &ifc->addrs[a].prefix));
		}
		for (i = 0; i < srv->njails; i++) {
			snprintf(holder, sizeof(holder), "%s-%s", ns,
			    srv->jails[i].name);
			CHECK(find_op(plan, OP_UP, holder, "lo") != NULL);
			CHECK(find_op(plan, OP_ROUTE, holder, NULL) != NULL);
		}
	}
out:
	plan_free(plan);
	pf_site_free(ps);
}

/* Closed world, phases in order, names Linux accepts, notes said. */
TEST(plan_invariants)
{
	struct plan *plan;
	struct pf_site *ps = load_example(&plan);
	size_t i, nveth = 0, nnotes = 0, nnetns = 0, nfw = 0;
	bool vlan_note = false;

	if (plan == NULL)
		goto out;
	for (i = 0; i < plan->nops; i++) {
		const struct op *op = &plan->ops[i];

		if (i > 0)
			CHECK(plan->ops[i - 1].phase <= op->phase);
		if (op->link != NULL)
			CHECK(strlen(op->link) <= PLAN_IFNAMSIZ);
		switch (op->kind) {
		case OP_NETNS:
			CHECK_INT_EQ(op->ns, nnetns);
			nnetns++;
			break;
		case OP_VETH:
			nveth++;
			CHECK(op->ns < plan->nns);
			CHECK(op->peer_ns < plan->nns);
			CHECK(op->peer != NULL && strlen(op->peer) <=
			    PLAN_IFNAMSIZ);
			break;
		case OP_NOTE:
			nnotes++;
			if (strstr(op->text, "VLAN 2222") != NULL)
				vlan_note = true;
			break;
		case OP_FIREWALL:
			/* One per server, in its own namespace, after every
			   link it names exists. */
			nfw++;
			CHECK(op->ns < plan->nns);
			CHECK(plan->ns[op->ns].role == NS_SERVER);
			CHECK(strstr(op->text, "table inet jailnet_") != NULL);
			CHECK(i > 0 && plan->ops[i - 1].phase >= PHASE_SYSCTL);
			break;
		case OP_RENAME:
			/* Only in a --host plan. */
			CHECK(plan->host);
			break;
		case OP_BRIDGE:
		case OP_MASTER:
		case OP_MTU:
		case OP_ADDR:
		case OP_UP:
		case OP_ROUTE:
		case OP_SYSCTL:
			CHECK(op->ns < plan->nns);
			break;
		}
		CHECK(op->loc.src != NULL);
	}
	CHECK_INT_EQ(nnetns, plan->nns);
	/* 8 hosts, 2 x (2 NICs + 7 epairs). */
	CHECK_INT_EQ(nveth, 8 + 2 * 9);
	CHECK_INT_EQ(nnotes, 3);
	CHECK_INT_EQ(nfw, 2);
	CHECK(vlan_note);
	CHECK(find_op(plan, OP_SYSCTL, "uxtely-a", NULL) != NULL);
	CHECK(find_op(plan, OP_SYSCTL, "uxtely-net-internet", NULL) != NULL);
	CHECK_STR_EQ(find_op(plan, OP_VETH, "uxtely-a", "xnic")->peer,
	    "a.xnic");
	CHECK_STR_EQ(find_op(plan, OP_MASTER, "uxtely-net-internet",
	    "a.xnic")->master, "rt0");
	CHECK_STR_EQ(find_op(plan, OP_MASTER, "uxtely-net-internet",
	    "client1")->master, "rt1");
	CHECK_STR_EQ(find_op(plan, OP_MASTER, "uxtely-net-lan",
	    "b.inic")->master, "sw");
out:
	plan_free(plan);
	pf_site_free(ps);
}

/* The text (`up -n`: steps, then the rulesets) is deterministic and
   equals the golden file. */
TEST(plan_golden)
{
	struct plan *plan, *again;
	struct pf_site *ps = load_example(&plan), *ps2;
	struct strbuf a = { 0 }, b = { 0 };
	char *want;
	int errnum;

	if (plan == NULL)
		goto out;
	ps2 = load_example(&again);
	if (again != NULL) {
		plan_print(plan, &a);
		plan_print_firewalls(plan, &a);
		plan_print(again, &b);
		plan_print_firewalls(again, &b);
		CHECK_STR_EQ(strbuf_cstr(&a), strbuf_cstr(&b));
	}
	want = read_file("tests/golden/uxtely.plan", NULL, &errnum);
	CHECK(want != NULL);
	if (want != NULL)
		CHECK(strcmp(strbuf_cstr(&a), want) == 0);
	free(want);
	strbuf_free(&a);
	strbuf_free(&b);
	plan_free(again);
	pf_site_free(ps2);
out:
	plan_free(plan);
	pf_site_free(ps);
}
