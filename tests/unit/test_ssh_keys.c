/*
 * ssh_keys_ensure(): for the example, whose two servers and six jails
 * enable sshd, one operator key, a host key per sshd in its generated
 * layer (root's, 0600), root's authorized_keys holding the operator's
 * key, and a known_hosts naming each server and jail with its key; a second run makes no new
 * key.  The sshd directory and ports of a jail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "lib/util.h"
#include "services/ssh_keys.h"
#include "test.h"

/* The contents of ${root}/uxtely/${rel}, or NULL. */
static char *
read_rel(const char *root, const char *rel)
{
	char *p = xasprintf("%s/uxtely/%s", root, rel), *text;
	int e;

	text = read_file(p, NULL, &e);
	free(p);
	return text;
}

/* The number of lines of ${text}. */
static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

TEST(ssh_keys_example)
{
	/* Each sshd: its generated layer, its name in known_hosts (the
	   servers' own, whose host rc.conf enables sshd, too). */
	static const char *const places[][2] = {
		{ "a/-", "a" }, { "a/pg_j", "a/pg_j" },
		{ "a/node_j", "a/node_j" }, { "a/nginx_j", "a/nginx_j" },
		{ "b/-", "b" }, { "b/pg_j", "b/pg_j" },
		{ "b/node_j", "b/node_j" }, { "b/nginx_j", "b/nginx_j" },
	};
	char root[] = "/tmp/jnm-ssh-XXXXXX";
	struct nl_error err = { 0, "" };
	struct site *site = fixture_example();
	char *p, *op, *known, *again, *line, *pub, *auth;
	struct stat st;
	size_t i;

	CHECK(site != NULL && mkdtemp(root) != NULL);
	if (site == NULL || geteuid() != 0 ||
	    access("/usr/bin/ssh-keygen", X_OK) != 0) {
		site_free(site);
		rmdir(root);
		return;
	}
	{
		struct ssh_place jail = { &site->servers[0],
			&site->servers[0].jails[0] };

		CHECK_STR_EQ(ssh_keys_sshd_dir(site, &jail),
		    SSH_KEYS_DIR_BASE);
	}
	CHECK_INT_EQ(ssh_keys_ensure(root, site, &err), 0);
	CHECK_STR_EQ(err.msg, "");
	p = ssh_keys_operator(root, "uxtely");
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0600);
	free(p);
	op = read_rel(root, "ssh/operator.pub");
	CHECK(op != NULL && str_has_prefix(op, "ssh-ed25519 "));
	known = read_rel(root, "ssh/known_hosts");
	CHECK(known != NULL);
	/* One line per sshd, nothing else. */
	CHECK(known != NULL && count_lines(known) == NELEM(places));
	for (i = 0; op != NULL && known != NULL && i < NELEM(places); i++) {
		p = xasprintf("gen/%s/etc/ssh/ssh_host_ed25519_key",
		    places[i][0]);
		line = xasprintf("%s/uxtely/%s", root, p);
		CHECK(lstat(line, &st) == 0 && (st.st_mode & 07777) == 0600 &&
		    st.st_uid == 0);
		free(line);
		line = xasprintf("%s.pub", p);
		pub = read_rel(root, line);
		free(line);
		free(p);
		/* known_hosts: "SERVER/JAIL KEY" (or "SERVER KEY"), its
		   public key. */
		CHECK(pub != NULL);
		if (pub != NULL) {
			pub[strcspn(pub, "\n")] = '\0';
			line = xasprintf("%s %s\n", places[i][1], pub);
			CHECK(strstr(known, line) != NULL);
			free(line);
		}
		free(pub);
		p = xasprintf("gen/%s/root/.ssh/authorized_keys",
		    places[i][0]);
		auth = read_rel(root, p);
		CHECK(auth != NULL && strcmp(auth, op) == 0);
		free(auth);
		free(p);
		p = xasprintf("%s/uxtely/gen/%s/root/.ssh", root,
		    places[i][0]);
		CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0700);
		free(p);
	}
	/* A second run makes no new key. */
	CHECK_INT_EQ(ssh_keys_ensure(root, site, &err), 0);
	again = read_rel(root, "ssh/known_hosts");
	CHECK(again != NULL && known != NULL && strcmp(again, known) == 0);
	free(again);
	again = read_rel(root, "ssh/operator.pub");
	CHECK(again != NULL && op != NULL && strcmp(again, op) == 0);
	free(again);
	free(known);
	free(op);
	CHECK_INT_EQ(remove_tree(root), 0);
	site_free(site);
}

TEST(ssh_keys_ports_default)
{
	struct site *site = fixture_example();
	unsigned ports[SSH_KEYS_MAX_PORTS];
	size_t n;

	if (site == NULL)
		return;
	/* The example's sshd_config has no Port line. */
	struct ssh_place jail = { &site->servers[0],
		&site->servers[0].jails[0] };

	ssh_keys_sshd_ports(&jail, SSH_KEYS_DIR_BASE, ports, &n);
	CHECK_INT_EQ(n, 1);
	CHECK_INT_EQ(ports[0], 22);
	site_free(site);
}
