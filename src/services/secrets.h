/*
 * secrets: the jails' key and password files, readable by root alone.
 *
 * A site's files are in the jail as they are on disk (layer (c) of
 * jail_view.h), mostly 0644, so a service that has dropped to an
 * unprivileged user (nobody, postgres) could read every secret of its
 * jail.  The example's services all read theirs as root before they drop
 * (spiped runs as root, uxapp and pg-start read their password files
 * first), so root alone needs them.
 *
 * A jail's secrets: the key file of each of its spiped pipes
 * (spiped_pipe_NAME_key) and each regular file of its directories in the
 * site whose name ends in ".key" or ".password", or is an sshd host key
 * (ssh_host_*_key).  Each is copied, as the
 * jail's view shows it, into the generated layer,
 * DATA_ROOT/SITE/gen/SERVER/JAIL/PATH, mode 0600, owner root, which the
 * jail sees above the site's file; the site's files are not changed.
 * A server that runs services of its own (SITE_SERVER_SELF) gets the same
 * for its view, DATA_ROOT/SITE/gen/SERVER/-/PATH: the jails' trees are in
 * it, their keys too.  A
 * directory made on the way takes the mode and owner of the site's.
 *
 * Functions return 0, or -1 with ${err} filled; they never print or exit.
 */
#ifndef JAILNET_SECRETS_H
#define JAILNET_SECRETS_H

#include "kernel/nl.h"
#include "model/site.h"

/* The mode of a secret in its jail. */
#define SECRET_MODE 0600

/**
 * secrets_ensure(data_root, site, err):
 * Copy the secrets of every jail of ${site} (and server that runs
 * services) into its generated layer
 * under ${data_root} (see above); a copy that holds the same bytes with
 * SECRET_MODE is left alone.  Return 0, or -1 with ${err} naming the file.
 */
int secrets_ensure(const char *data_root, const struct site *site,
    struct nl_error *err);

#endif
