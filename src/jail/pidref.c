/* pidref: a process named by its pid and its start time. */
#include "jail/pidref.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

/* Fields of /proc/PID/stat: its state letter and start time. */
static unsigned long long
stat_fields(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	*state = '?';
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	*state = p[2];
	for (field = 2; *p != '\0' && field < 22; p++)
		if (*p == ' ')
			field++;
	if (field == 22)
		start = strtoull(p, NULL, 10);
	return start;
}

unsigned long long
pidref_start(pid_t pid)
{
	char state;

	return pid > 0 ? stat_fields(pid, &state) : 0;
}

bool
pidref_alive(pid_t pid, unsigned long long start)
{
	char state;

	if (pid <= 0 || start == 0)
		return false;
	return stat_fields(pid, &state) == start && state != 'Z' &&
	    state != 'X';
}

bool
pidref_terminate(pid_t pid, unsigned long long start, int wait_ms)
{
	int waited;

	if (!pidref_alive(pid, start))
		return false;
	kill(pid, SIGTERM);
	for (waited = 0; waited < wait_ms; waited += 5) {
		if (!pidref_alive(pid, start))
			return true;
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	for (waited = 0; waited < 1000 && pidref_alive(pid, start);
	    waited += 10)
		sleep_ms(10);
	return true;
}
