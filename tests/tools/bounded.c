/*
 * bounded SECONDS MEGABYTES COMMAND [ARG...]: run COMMAND in its own
 * process group and stop it (SIGKILL to the group) when it runs longer
 * than SECONDS or its resident memory grows past MEGABYTES (looked at
 * every 10 ms, and its peak from wait4() at the end).  Exit with the
 * command's status (128 + the signal that killed it), 124 when it ran out
 * of time, 125 when it used too much memory, 126 when it could not run;
 * the reason is written to stderr.  A limit on the address space would
 * not do: a sanitizer's build reserves terabytes it never touches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The resident set of ${pid} in kB, or -1. */
static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int
main(int argc, char **argv)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 }, t0, now;
	long seconds, mb, kb;
	struct rusage ru;
	int status, why = 0;
	pid_t pid;

	if (argc < 4 || (seconds = atol(argv[1])) <= 0 ||
	    (mb = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: bounded SECONDS MEGABYTES COMMAND...\n");
		return 126;
	}
	if ((pid = fork()) < 0) {
		perror("bounded: fork");
		return 126;
	}
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "bounded: %s: %s\n", argv[3], strerror(errno));
		_exit(126);
	}
	setpgid(pid, pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = wait4(pid, &status, WNOHANG, &ru);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("bounded: wait4");
			return 126;
		}
		kb = rss_kb(pid);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec + (now.tv_nsec - t0.tv_nsec) /
		    1e9 >= (double)seconds)
			why = 124;
		else if (kb > mb * 1024)
			why = 125;
		if (why != 0) {
			kill(-pid, SIGKILL);
			wait4(pid, &status, 0, &ru);
			break;
		}
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);	/* anything it left in its group */
	if (why == 0 && ru.ru_maxrss > mb * 1024)
		why = 125;
	if (why == 124)
		fprintf(stderr, "bounded: %s ran longer than %ld s\n", argv[3],
		    seconds);
	else if (why == 125)
		fprintf(stderr, "bounded: %s used more than %ld MB\n", argv[3],
		    mb);
	if (why != 0)
		return why;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
