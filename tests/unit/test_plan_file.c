/*
 * Tests of the plan `up` saves and `reload` compares (plan_file.h,
 * plan_diff.h), without the kernel: the example's plan read back says
 * the same, op by op, and differs from itself in nothing; a malformed
 * file is refused with its line; a changed ruleset, a removed address and
 * a new namespace are found, each of its kind, and --server keeps only
 * that server's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "kernel/plan.h"
#include "kernel/plan_diff.h"
#include "kernel/plan_file.h"
#include "fixture.h"
#include "test.h"

static struct plan *
example_plan(struct pf_site **ps)
{
	struct diags d;
	struct plan *plan;

	*ps = fixture_example_pf();
	diags_init(&d);
	plan = *ps != NULL ? plan_build(*ps, &d) : NULL;
	diags_free(&d);
	CHECK(plan != NULL);
	return plan;
}

/* Save ${plan} to a new file and read it back; the path in ${path}. */
static struct plan *
round_trip(const struct plan *plan, char *path, size_t size, char **tag)
{
	struct nl_error err;
	struct plan *back = NULL;
	int fd;

	snprintf(path, size, "/tmp/jailnet-plan-XXXXXX");
	CHECK((fd = mkstemp(path)) >= 0);
	close(fd);
	CHECK_INT_EQ(plan_save(plan, "--no-services", path, &err), 0);
	CHECK_INT_EQ(plan_load(path, &back, tag, &err), 0);
	return back;
}

static void
describe_all(const struct plan *plan, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < plan->nops; i++) {
		plan_describe_op(plan, &plan->ops[i], out);
		strbuf_addc(out, '\n');
	}
	plan_print_firewalls(plan, out);
}

TEST(plan_file_round_trip)
{
	struct strbuf a = { 0 }, b = { 0 };
	struct plan_diff d = { 0 };
	struct pf_site *ps;
	struct plan *plan = example_plan(&ps), *back;
	char path[64], *tag = NULL;

	if (plan == NULL)
		return;
	back = round_trip(plan, path, sizeof(path), &tag);
	if (back != NULL) {
		CHECK_STR_EQ(back->site, plan->site);
		CHECK_INT_EQ(back->nns, plan->nns);
		CHECK_INT_EQ(back->nops, plan->nops);
		CHECK_STR_EQ(tag, "--no-services");
		describe_all(plan, &a);
		describe_all(back, &b);
		CHECK_STR_EQ(strbuf_cstr(&b), strbuf_cstr(&a));
		plan_diff(back, plan, NULL, &d);
		CHECK_INT_EQ(d.n, 0);
		plan_diff_free(&d);
	}
	unlink(path);
	free(tag);
	strbuf_free(&a);
	strbuf_free(&b);
	plan_free(back);
	plan_free(plan);
	pf_site_free(ps);
}

TEST(plan_file_malformed)
{
	struct nl_error err;
	struct plan *back = NULL;
	char path[] = "/tmp/jailnet-plan-XXXXXX", *tag = NULL;
	const char *text = "jailnet-plan 1\nsite 3:jrl 0 - \nns 0 0 5:jrl-a \n"
	    "op 1 1 9 0 0 0 - - 2:br - - - - - - \n";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	/* Op of namespace 9 in a plan of one. */
	CHECK_INT_EQ(plan_load(path, &back, &tag, &err), -1);
	CHECK_INT_EQ(err.errnum, EINVAL);
	CHECK(strstr(err.msg, ":4: not a plan") != NULL);
	CHECK(back == NULL && tag == NULL);
	unlink(path);
	CHECK_INT_EQ(plan_load(path, &back, &tag, &err), -1);
	CHECK_INT_EQ(err.errnum, ENOENT);
}

/* The index of the first op of ${kind} in namespace ${ns}. */
static size_t
first_op(const struct plan *plan, enum op_kind kind, const char *ns)
{
	size_t i, n = plan_find_ns(plan, ns);

	for (i = 0; i < plan->nops; i++)
		if (plan->ops[i].kind == kind && plan->ops[i].ns == n)
			return i;
	return NO_INDEX;
}

TEST(plan_diff_kinds)
{
	struct plan_diff d = { 0 };
	struct strbuf text = { 0 };
	struct pf_site *ps;
	struct plan *plan = example_plan(&ps), *edited;
	char path[64], *tag = NULL;
	size_t fw, addr;
	struct plan_ns *ns;

	if (plan == NULL)
		return;
	edited = round_trip(plan, path, sizeof(path), &tag);
	unlink(path);
	if (edited == NULL)
		goto out;
	fw = first_op(edited, OP_FIREWALL, "uxtely-a");
	addr = first_op(edited, OP_ADDR, "uxtely-b");
	CHECK(fw != NO_INDEX && addr != NO_INDEX);
	if (fw == NO_INDEX || addr == NO_INDEX)
		goto out;
	/* a's ruleset changed; an address of b gone. */
	free(edited->ops[fw].text);
	edited->ops[fw].text = xstrdup("flush ruleset\n");
	edited->ops[addr].kind = OP_NOTE;
	/* A namespace added, with an op in it. */
	ns = VEC_PUSH(edited->ns, edited->nns, edited->nscap);
	memset(ns, 0, sizeof(*ns));
	ns->name = xstrdup("uxtely-host-new");
	ns->role = NS_HOST;
	edited->ops[first_op(edited, OP_NETNS, "uxtely-a")].ns =
	    edited->nns - 1;

	plan_diff(plan, edited, NULL, &d);
	plan_diff_print(&d, &text);
	CHECK(strstr(strbuf_cstr(&text), "  + firewall of server a (pf.conf "
	    "compiled, 1 lines of nft) in uxtely-a  [ruleset replaced in one "
	    "transaction]\n") != NULL);
	CHECK(strstr(strbuf_cstr(&text), "  + netns uxtely-host-new  "
	    "[topology: needs --rebuild]\n") != NULL);
	CHECK(strstr(strbuf_cstr(&text), "  - netns uxtely-a  "
	    "[topology: needs --rebuild]\n") != NULL);
	CHECK(strstr(strbuf_cstr(&text), "on xnic in uxtely-b  [removed in "
	    "place]\n") != NULL);
	CHECK_INT_EQ(d.n, 4);
	CHECK_INT_EQ(d.ntopology, 2);
	plan_diff_free(&d);

	/* --server b: only b's address; a's firewall and netns are not b's. */
	plan_diff(plan, edited, "b", &d);
	CHECK_INT_EQ(d.n, 1);
	CHECK_INT_EQ(d.ntopology, 0);
	CHECK(d.n == 1 && !d.v[0].add && d.v[0].kind == CHANGE_IN_PLACE);
	plan_diff_free(&d);
out:
	strbuf_free(&text);
	free(tag);
	plan_free(edited);
	plan_free(plan);
	pf_site_free(ps);
}
