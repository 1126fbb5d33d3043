/*
 * Tests of the plan of the example site, without the kernel: the plan
 * against the model (every interface, address, member and route of the
 * model is planned in the right namespace, nothing links outside the
 * plan's namespaces), its order, and its text against
 * tests/golden/uxtely.plan, within this process and from separate runs
 * of jailnet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

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

/*
 * The jailnet binary to run: $JAILNET (tests/run.sh sets it), else the one
 * beside this binary (build/san/unit-tests and build/san/jailnet).
 * Return it, freed by the caller, or NULL.
 */
static char *
jailnet_path(void)
{
	const char *env = getenv("JAILNET");
	char self[4096], *slash;
	ssize_t n;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return NULL;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xasprintf("%s/jailnet", self);
}

/*
 * Run ${argv} in a child with the environment ${envp}, its address space
 * laid out without randomization if ${fixed_layout}; its standard output
 * and error go to ${out}.  Return its exit status, or -1 if it could not
 * run or was killed.
 */
static int
run_jailnet(char *const argv[], char *const envp[], int fixed_layout,
    struct strbuf *out)
{
	char buf[4096];
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		if (fixed_layout)
			personality(ADDR_NO_RANDOMIZE);
		dup2(fd[1], STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		n = read(fd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(out, buf, (size_t)n);
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The environment of a run: the sanitizers' options passed on (so that
 * tests/run.sh sees their reports), then ${extra}.  Freed with
 * free_env().
 */
static char **
make_env(const char *const *extra)
{
	static const char *const keep[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS" };
	char **env = xcalloc(8, sizeof(*env));
	size_t i, n = 0;
	const char *v;

	for (i = 0; i < 2; i++)
		if ((v = getenv(keep[i])) != NULL)
			env[n++] = xasprintf("%s=%s", keep[i], v);
	for (i = 0; extra[i] != NULL && n < 7; i++)
		env[n++] = xstrdup(extra[i]);
	return env;
}

static void
free_env(char **env)
{
	size_t i;

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/*
 * Determinism across processes: `up -n` (the plan and the rulesets) and
 * `show --json` of the example, run twice as separate programs that
 * differ in everything that should not matter (address-space layout, one
 * fixed and one randomized, the size of the environment, locale, time
 * zone), print the same text; and the plan is the one this process
 * builds.  A plan that followed pointer values or hash seeds would pass
 * within one process and fail here.
 */
TEST(plan_across_processes)
{
	static const char *const env_a[] = { "PATH=/usr/bin:/bin",
		"LC_ALL=C", "TZ=UTC", NULL };
	static const char *const env_b[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C.UTF-8", "TZ=Asia/Kathmandu", NULL, NULL };
	static const char *const cmds[][4] = {
		{ "up", "-n", "examples/uxtely", NULL },
		{ "show", "--json", "examples/uxtely", NULL },
	};
	struct strbuf a = { 0 }, b = { 0 }, here = { 0 };
	const char *extra_b[5];
	char **envp_a, **envp_b, *argv[5], *pad, *bin;
	struct plan *plan;
	struct pf_site *ps;
	size_t c, i;

	if ((bin = jailnet_path()) == NULL) {
		CHECK(bin != NULL);
		return;
	}
	CHECK(access(bin, X_OK) == 0);
	/* 64 KiB more environment moves the stack and what follows it. */
	pad = xcalloc(65536 + 16, 1);
	memcpy(pad, "JAILNET_PAD=", 12);
	memset(pad + 12, 'x', 65536);
	for (i = 0; env_b[i] != NULL; i++)
		extra_b[i] = env_b[i];
	extra_b[i++] = pad;
	extra_b[i] = NULL;
	envp_a = make_env(env_a);
	envp_b = make_env(extra_b);

	ps = load_example(&plan);
	if (plan != NULL) {
		plan_print(plan, &here);
		plan_print_firewalls(plan, &here);
	}
	for (c = 0; c < sizeof(cmds) / sizeof(*cmds); c++) {
		argv[0] = bin;
		for (i = 0; cmds[c][i] != NULL; i++)
			argv[i + 1] = (char *)cmds[c][i];
		argv[i + 1] = NULL;
		CHECK_INT_EQ(run_jailnet(argv, envp_a, 1, &a), 0);
		CHECK_INT_EQ(run_jailnet(argv, envp_b, 0, &b), 0);
		CHECK(a.len > 0);
		if (strcmp(strbuf_cstr(&a), strbuf_cstr(&b)) != 0)
			test_fail(__FILE__, __LINE__, "jailnet %s %s: two runs "
			    "differ", cmds[c][0], cmds[c][1]);
		if (c == 0 && plan != NULL &&
		    strcmp(strbuf_cstr(&a), strbuf_cstr(&here)) != 0)
			test_fail(__FILE__, __LINE__, "jailnet up -n differs "
			    "from the plan built in this process");
		strbuf_free(&a);
		strbuf_free(&b);
	}
	strbuf_free(&here);
	plan_free(plan);
	pf_site_free(ps);
	free_env(envp_a);
	free_env(envp_b);
	free(pad);
	free(bin);
}
