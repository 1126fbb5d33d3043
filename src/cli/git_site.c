/* git_site: a site directory as of a git commit (see git_site.h). */
#include "cli/git_site.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

/* Run ${argv} (no shell), its stdout into ${out} if not NULL (at most
   64 KiB), its stderr to ours.  Return its exit status, or -1. */
static int
run_prog(char *const argv[], struct strbuf *out, const sigset_t *mask)
{
	int fd[2] = { -1, -1 }, status;
	pid_t pid;

	if (out != NULL && pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		if (out != NULL) {
			close(fd[0]);
			close(fd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		if (mask != NULL)
			sigprocmask(SIG_SETMASK, mask, NULL);
		if (out != NULL) {
			dup2(fd[1], STDOUT_FILENO);
			close(fd[0]);
			close(fd[1]);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "jailnet: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	if (out != NULL) {
		char buf[4096];
		ssize_t n;

		close(fd[1]);
		while ((n = read(fd[0], buf, sizeof(buf))) > 0 ||
		    (n < 0 && errno == EINTR))
			if (n > 0 && out->len < 65536)
				strbuf_add(out, buf, (size_t)n);
		close(fd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* git's one-line answer, without its newline; NULL if git failed. */
static char *
git_line(const char *dir, const char *what, const sigset_t *mask)
{
	char *argv[] = { "git", "-C", (char *)dir, "rev-parse", (char *)what,
	    NULL };
	struct strbuf out = { 0 };
	char *s;

	if (run_prog(argv, &out, mask) != 0) {
		strbuf_free(&out);
		return NULL;
	}
	s = strbuf_steal(&out);
	if (s == NULL)
		s = xstrdup("");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

char *
git_site_extract(const char *rev, const char *site, char **tmp,
    const sigset_t *mask)
{
	const char *base = getenv("TMPDIR");
	char *real = NULL, *prefix = NULL, *top = NULL, *dir = NULL,
	    *tree = NULL, *tar = NULL;
	const char *name;
	int rc = -1;

	*tmp = NULL;
	if (rev[0] == '-') {
		fprintf(stderr, "jailnet: bad REV '%s'\n", rev);
		return NULL;
	}
	real = realpath(site, NULL);
	if (real == NULL) {
		fprintf(stderr, "jailnet: %s: %s\n", site,
		    strerror(errno));
		return NULL;
	}
	name = strrchr(real, '/') != NULL ? strrchr(real, '/') + 1 : real;
	top = git_line(real, "--show-toplevel", mask);
	prefix = git_line(real, "--show-prefix", mask);
	if (top == NULL || prefix == NULL || name[0] == '\0') {
		fprintf(stderr, "jailnet: %s is not in a git "
		    "repository\n", site);
		goto out;
	}
	*tmp = xasprintf("%s/jd.XXXXXX", base != NULL && base[0] != '\0' ?
	    base : "/tmp");
	if (mkdtemp(*tmp) == NULL) {
		fprintf(stderr, "jailnet: %s: %s\n", *tmp,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		goto out;
	}
	dir = xasprintf("%s/%s", *tmp, name);
	tar = xasprintf("%s/site.tar", *tmp);
	/* The subtree of SITE at REV, as its own root. */
	tree = xasprintf("%s:%s", rev, prefix);
	if (mkdir(dir, 0700) != 0) {
		fprintf(stderr, "jailnet: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	{
		char *archive[] = { "git", "-C", top, "archive",
		    "--format=tar", "-o", tar, tree, NULL };
		char *untar[] = { "tar", "-x", "-f", tar, "-C", dir, NULL };

		if (run_prog(archive, NULL, mask) != 0) {
			fprintf(stderr, "jailnet: git cannot give %s as "
			    "of '%s'\n", site, rev);
			goto out;
		}
		if (run_prog(untar, NULL, mask) != 0) {
			fprintf(stderr, "jailnet: cannot extract %s\n",
			    tar);
			goto out;
		}
	}
	rc = 0;
out:
	free(real);
	free(prefix);
	free(top);
	free(tree);
	free(tar);
	if (rc != 0) {
		free(dir);
		dir = NULL;
	}
	return dir;
}
