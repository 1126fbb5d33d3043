/*
 * pidref: a process named by its pid and its start time (field 22 of
 * /proc/PID/stat), so that a recorded supervisor or jail init is never
 * confused with a later process that got its pid.  The supervisor
 * (supervise.h) and the jails' inits (jail_init.h) both stop and watch
 * their processes through it.
 */
#ifndef JAILNET_PIDREF_H
#define JAILNET_PIDREF_H

#include <stdbool.h>
#include <sys/types.h>

/**
 * pidref_start(pid):
 * Return the start time of ${pid} (field 22 of /proc/PID/stat), or 0 if
 * there is no such process.
 */
unsigned long long pidref_start(pid_t pid);

/**
 * pidref_alive(pid, start):
 * Return true if the process ${pid} is alive (not a zombie) and started at
 * ${start}: it is the recorded process, not a later one with its pid.
 */
bool pidref_alive(pid_t pid, unsigned long long start);

/**
 * pidref_terminate(pid, start, wait_ms):
 * If the process ${pid} of ${start} is alive, send it SIGTERM, wait up to
 * ${wait_ms} for it to go, then SIGKILL it and wait up to a second more.
 * Return true if it was alive.  supervise_stop() with the supervisor's
 * delay; jail_init_stop() with an init's.
 */
bool pidref_terminate(pid_t pid, unsigned long long start, int wait_ms);

#endif
