/*
 * conf: uxapp's settings, from its configuration file and the command line.
 *
 * The file has one "key = value" per line; blank lines and lines starting
 * with '#' are ignored; the value runs to the end of the line (spaces
 * inside kept, around it trimmed).  Keys:
 *   listen  = ADDRESS:PORT    where to serve HTTP (IPv6: [ADDRESS]:PORT)
 *   server  = NAME            the server named in every response
 *   local   = CONNINFO        libpq conninfo of the database on this server
 *   primary = CONNINFO        libpq conninfo of the primary (writes)
 *   password_file = PATH      the databases' password (first line), read
 *                             before root is given up; none if unset
 *   user    = NAME            drop root privileges to this user
 *   threads = N               HTTP worker threads (1..64); also the number
 *                             of connections kept to each database
 * and for POST /api/orders (orders.h), each optional:
 *   payments = https://HOST[:PORT]/PATH   the payment API's charge URL
 *   mail    = smtps://HOST[:PORT]  the mail provider (implicit TLS, 465)
 *   mail_from = ADDRESS       the sender of order mails
 *   ca_file = PATH            the CA both are verified against, read at
 *                             start (else the system's CAs)
 */
#ifndef UXAPP_CONF_H
#define UXAPP_CONF_H

#include <sys/socket.h>

struct conf {
	char *listen;
	char *server;
	char *local;
	char *primary;
	char *user;
	char *password_file;
	char *payments;
	char *mail;
	char *mail_from;
	char *ca_file;
	unsigned threads;
	struct sockaddr_storage addr;	/* listen, parsed by conf_check() */
	socklen_t addrlen;
	unsigned short port;
};

/**
 * conf_read(conf, path, err, errlen):
 * Read the file ${path} into ${conf}, replacing the values it sets.  Return
 * 0, or -1 with a message "PATH:LINE: what is wrong" in ${err}.
 */
int conf_read(struct conf *conf, const char *path, char *err, size_t errlen);

/**
 * conf_set(conf, key, value, err, errlen):
 * Set ${key} to a copy of ${value}.  Return 0, or -1 with a message in
 * ${err} if ${key} is unknown or ${value} is not valid for it.
 */
int conf_set(struct conf *conf, const char *key, const char *value,
    char *err, size_t errlen);

/**
 * conf_check(conf, err, errlen):
 * Check that every required setting is there (listen, local, primary),
 * parse the listen address and fill in defaults (threads 4).  Return 0, or
 * -1 with a message in ${err}.
 */
int conf_check(struct conf *conf, char *err, size_t errlen);

/**
 * conf_free(conf):
 * Release the strings of ${conf}.
 */
void conf_free(struct conf *conf);

#endif
