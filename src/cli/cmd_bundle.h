/*
 * cmd_bundle: jailnet bundle, the file tree one server runs, for deploying.
 */
#ifndef JAILNET_CMD_BUNDLE_H
#define JAILNET_CMD_BUNDLE_H

#define CMD_BUNDLE_USAGE "bundle SITE --server NAME [--force] DIR"

/* What a bundle directory holds: the tree and its manifest. */
#define BUNDLE_TREE "tree"
#define BUNDLE_MANIFEST "SHA256SUMS"

/**
 * cmd_bundle(argc, argv):
 * `jailnet bundle SITE --server NAME DIR`: load and check the site (a site
 * with errors is refused), then write DIR/tree, exactly the files the
 * server sees on FreeBSD (its overlay over the common tree, as
 * fsview_list() lists them, each jail's path a directory), with their
 * modes and modification times, links as links; and DIR/SHA256SUMS, one
 * "HASH  PATH" line per regular file as sha256sum(1) writes them, PATH
 * relative to the tree.  DIR must not exist (its parent must), be empty,
 * or, with --force, be a bundle (only tree and SHA256SUMS in it), which
 * is replaced.  The new bundle is written aside in DIR and moved into
 * place when complete; on a failure nothing of it stays.  Returns 0,
 * EXIT_INVALID or EXIT_USAGE (cli.h), having printed what went wrong.
 */
int cmd_bundle(int argc, char **argv);

#endif
