/*
 * ssh_keys: what the jails' sshd and the operators' ssh need, made once
 * per site, as the orchestration host of a real site has them.
 *
 * A jail or a server whose rc.conf enables sshd (or the port's openssh)
 * runs OpenSSH's sshd with its own sshd_config at the FreeBSD path
 * (SSH_KEYS_DIR_BASE or SSH_KEYS_DIR_PORT).  It needs a host key and an
 * authorized key:
 *   - the operator's key, DATA_ROOT/SITE/ssh/operator (and .pub), made by
 *     ssh-keygen once (ed25519, no passphrase: a test key of a closed
 *     simulation) and kept until `down --purge`;
 *   - its host key, DIR/ssh_host_ed25519_key in its files: the site's
 *     own if its tree has one (secrets.h makes it root's alone), else one
 *     made by ssh-keygen once into its generated layer,
 *     DATA_ROOT/SITE/gen/SERVER/JAIL/DIR (JAIL SITE_SERVER_SELF for a
 *     server), mode 0600;
 *   - root's /root/.ssh/authorized_keys in the generated layer: the
 *     site's own lines, if the jail has that file, then the operator's
 *     public key;
 *   - DATA_ROOT/SITE/ssh/known_hosts: one line per sshd, "SERVER/JAIL" or
 *     "SERVER" and its public host key, so that `jailnet ssh` checks the key it is
 *     shown (ssh's HostKeyAlias) rather than trusting the first one.
 *
 * ssh-keygen (openssh-client) is run with no shell, its input /dev/null.
 * Functions return 0, or -1 with ${err} filled; they never print or exit.
 */
#ifndef JAILNET_SSH_KEYS_H
#define JAILNET_SSH_KEYS_H

#include <stddef.h>

#include "kernel/nl.h"
#include "model/site.h"

/* Where sshd's configuration is: FreeBSD's base, and the port's. */
#define SSH_KEYS_DIR_BASE "/etc/ssh"
#define SSH_KEYS_DIR_PORT "/usr/local/etc/ssh"

/* The ports of one sshd: its sshd_config's Port lines, or 22. */
#define SSH_KEYS_MAX_PORTS 8

/* Where an sshd runs: a jail of a server, or the server itself. */
struct ssh_place {
	const struct server *server;
	const struct jail *jail;	/* NULL: the server's own namespace */
};

/**
 * ssh_keys_sshd_dir(site, place):
 * Return the directory of the sshd configuration of ${place} of ${site}
 * (SSH_KEYS_DIR_BASE for sshd_enable, SSH_KEYS_DIR_PORT for
 * openssh_enable: static), or NULL if its rc.conf enables neither.
 */
const char *ssh_keys_sshd_dir(const struct site *site,
    const struct ssh_place *place);

/**
 * ssh_keys_sshd_ports(place, dir, ports, nports):
 * Store in ${ports} (room for SSH_KEYS_MAX_PORTS) the ports the sshd of
 * ${place} listens on: each "Port N" of DIR/sshd_config in its files
 * (${dir} from ssh_keys_sshd_dir()), in order, or 22 if there is none or
 * the file cannot be read; ListenAddress lines are not read.  Store
 * their count in ${nports}.
 */
void ssh_keys_sshd_ports(const struct ssh_place *place, const char *dir,
    unsigned *ports, size_t *nports);

/**
 * ssh_keys_place_name(place):
 * Return "SERVER/JAIL", or "SERVER" for a server itself: the name of
 * ${place} in known_hosts and on jailnet's command lines, owned by the
 * caller.
 */
char *ssh_keys_place_name(const struct ssh_place *place);

/**
 * ssh_keys_ensure(data_root, site, err):
 * Make what is above for every server and jail of ${site} that enables
 * sshd; a file that already holds what it should is left alone.  Nothing
 * is made when none enables sshd.
 */
int ssh_keys_ensure(const char *data_root, const struct site *site,
    struct nl_error *err);

/**
 * ssh_keys_operator(data_root, site):
 * Return the path of the operator's private key of the site called
 * ${site} (it exists once ssh_keys_ensure() ran), owned by the caller.
 */
char *ssh_keys_operator(const char *data_root, const char *site);

/**
 * ssh_keys_known_hosts(data_root, site):
 * Return the path of the known_hosts file of the site called ${site},
 * owned by the caller.
 */
char *ssh_keys_known_hosts(const char *data_root, const char *site);

#endif
