/*
 * plan_file: the plan a running site was brought up with, saved by `up`
 * in ROOT/SITE/plan so that `reload` can compare it with the plan of the
 * edited site (plan_diff.h).
 *
 * The file is text: a header, one line per namespace and one per
 * operation, every string written as LENGTH:BYTES (so that a firewall's
 * nft script, which spans lines, needs no quoting) and "-" for none.
 * Locations are not kept: a loaded plan's ops have no place in the files.
 *
 * Functions that can fail return 0, or -1 with ${err} filled; they never
 * print or exit.
 */
#ifndef JAILNET_PLAN_FILE_H
#define JAILNET_PLAN_FILE_H

#include "kernel/nl.h"
#include "kernel/plan.h"

/**
 * plan_file_path(root, site):
 * Return ROOT/SITE/plan, owned by the caller.
 */
char *plan_file_path(const char *root, const char *site);

/**
 * plan_save(plan, tag, path, err):
 * Write ${plan} and the string ${tag} (how the caller applied it, kept
 * for it; may be NULL) to the file ${path}, replacing it atomically
 * (write_file_atomic()).
 */
int plan_save(const struct plan *plan, const char *tag, const char *path,
    struct nl_error *err);

/**
 * plan_load(path, out, tag, err):
 * Read the plan that plan_save() wrote to ${path} into a new plan stored
 * in ${out} (owned by the caller, freed with plan_free()), and its tag
 * into ${tag} (owned by the caller, NULL if none).  ENOENT if there is no
 * such file, EINVAL naming the line if it is malformed.
 */
int plan_load(const char *path, struct plan **out, char **tag,
    struct nl_error *err);

/**
 * plan_file_remove(root, site, err):
 * Remove ROOT/SITE/plan; a missing file is not an error.
 */
int plan_file_remove(const char *root, const char *site,
    struct nl_error *err);

#endif
