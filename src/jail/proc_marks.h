/*
 * proc_marks: what each process of a running site was started with, so
 * that `reload` restarts only the processes whose command or files
 * changed.
 *
 * A process's mark is two SHA-256 digests (libcrypto): of its command
 * (the program found and the argument vector) and of its files.  The
 * files of a service are its jail's whole site tree (every path, kind,
 * link target and file content of the jail's fsview: a configuration
 * file and whatever it includes); those of a spiped pipe are the regular
 * files its arguments name (its key), so that a service's edit does not
 * cut the pipes of its jail; those of a built-in service with a directory
 * of its own (sshd's /etc/ssh: procs.h's files_dir) are that directory's,
 * and no other service of the jail counts them, so that an edit of
 * nginx.conf does not cut the operator's ssh sessions; a service of an
 * outside host has none.
 * `up` saves the marks in ROOT/SITE/services, one line per process:
 * "SERVER JAIL KIND NAME CMD FILES" (hex).
 *
 * Functions that can fail return 0, or -1 with ${err} filled; they never
 * print or exit.
 */
#ifndef JAILNET_PROC_MARKS_H
#define JAILNET_PROC_MARKS_H

#include <stddef.h>

#include "kernel/nl.h"
#include "jail/procs.h"

#define PROC_MARK_HEX 65	/* a SHA-256 in hex and its NUL */

struct proc_mark {
	char *server, *jail, *kind, *name;
	char cmd[PROC_MARK_HEX];	/* its command */
	char files[PROC_MARK_HEX];	/* its files */
};

struct proc_marks {
	struct proc_mark *v;
	size_t n, cap;
};

/**
 * proc_marks_of(list, out, err):
 * Fill ${out} (zeroed by the caller, freed with proc_marks_free()) with
 * the marks of the processes of ${list}, whose programs procs_resolve()
 * found, in ${list}'s order.  Reads their files (each at most
 * FSVIEW_FILE_MAX bytes, beneath the site).  Fails naming the file that
 * cannot be read or listed.
 */
int proc_marks_of(const struct proc_list *list, struct proc_marks *out,
    struct nl_error *err);

/**
 * proc_marks_save(marks, root, site, err):
 * Write ${marks} to ROOT/SITE/services, replaced atomically.
 */
int proc_marks_save(const struct proc_marks *marks, const char *root,
    const char *site, struct nl_error *err);

/**
 * proc_marks_load(root, site, out, err):
 * Read ROOT/SITE/services into ${out} (zeroed by the caller).  ENOENT if
 * there is none; a malformed line is an error (EINVAL, naming the line).
 */
int proc_marks_load(const char *root, const char *site,
    struct proc_marks *out, struct nl_error *err);

/**
 * proc_marks_find(marks, server, jail, kind, name):
 * Return the mark of ${marks} of that process, or NULL.
 */
const struct proc_mark *proc_marks_find(const struct proc_marks *marks,
    const char *server, const char *jail, const char *kind,
    const char *name);

/**
 * proc_marks_set(marks, m):
 * Give the mark of ${marks} of the same process as ${m} the digests of
 * ${m}; add a copy of ${m} if there is none.
 */
void proc_marks_set(struct proc_marks *marks, const struct proc_mark *m);

/**
 * proc_marks_remove(root, site, err):
 * Remove ROOT/SITE/services; a missing file is not an error.
 */
int proc_marks_remove(const char *root, const char *site,
    struct nl_error *err);

/**
 * proc_marks_free(marks):
 * Free what ${marks} holds and zero it.
 */
void proc_marks_free(struct proc_marks *marks);

#endif
