#include "conf.h"
#include "orders.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replace *${slot} by a copy of ${value}. */
static void
set_str(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL) {
		perror("uxapp");
		exit(1);
	}
	free(*slot);
	*slot = copy;
}

int
conf_set(struct conf *conf, const char *key, const char *value, char *err,
    size_t errlen)
{
	if (strcmp(key, "listen") == 0)
		set_str(&conf->listen, value);
	else if (strcmp(key, "server") == 0)
		set_str(&conf->server, value);
	else if (strcmp(key, "local") == 0)
		set_str(&conf->local, value);
	else if (strcmp(key, "primary") == 0)
		set_str(&conf->primary, value);
	else if (strcmp(key, "user") == 0)
		set_str(&conf->user, value);
	else if (strcmp(key, "password_file") == 0)
		set_str(&conf->password_file, value);
	else if (strcmp(key, "payments") == 0) {
		if (!orders_check_url(value, "https")) {
			snprintf(err, errlen, "payments must be "
			    "https://HOST[:PORT]/PATH, not '%s'", value);
			return -1;
		}
		set_str(&conf->payments, value);
	} else if (strcmp(key, "mail") == 0) {
		if (!orders_check_url(value, "smtps")) {
			snprintf(err, errlen, "mail must be smtps://HOST[:PORT], "
			    "not '%s'", value);
			return -1;
		}
		set_str(&conf->mail, value);
	} else if (strcmp(key, "mail_from") == 0) {
		if (!orders_is_address(value)) {
			snprintf(err, errlen, "mail_from must be a mail address, "
			    "not '%s'", value);
			return -1;
		}
		set_str(&conf->mail_from, value);
	} else if (strcmp(key, "ca_file") == 0)
		set_str(&conf->ca_file, value);
	else if (strcmp(key, "threads") == 0) {
		char *end;
		unsigned long n;
		errno = 0;
		n = strtoul(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end != '\0' ||
		    errno != 0 || n < 1 || n > 64) {
			snprintf(err, errlen, "threads must be a number from "
			    "1 to 64, not '%s'", value);
			return -1;
		}
		conf->threads = (unsigned)n;
	} else {
		snprintf(err, errlen, "unknown setting '%s' (known: listen, "
		    "server, local, primary, password_file, user, threads, "
		    "payments, mail, mail_from, ca_file)", key);
		return -1;
	}
	return 0;
}

/* Strip white space from both ends of ${s} in place; return it. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
conf_read(struct conf *conf, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], why[512];
	unsigned lineno = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *key, *eq, *value;
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path,
			    lineno);
			goto fail;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%u: expected 'key = value'",
			    path, lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (conf_set(conf, key, value, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

/* Parse "A.B.C.D:PORT" or "[V6]:PORT" into ${conf}'s address. */
static int
parse_listen(struct conf *conf, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *s = conf->listen, *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t n;

	if (colon == NULL)
		goto bad;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		goto bad;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!isdigit((unsigned char)colon[1]) || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535)
		goto bad;
	memset(&conf->addr, 0, sizeof(conf->addr));
	if (strchr(host, ':') == NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&conf->addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			goto bad;
		conf->addrlen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&conf->addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			goto bad;
		conf->addrlen = sizeof(*sin6);
	}
	conf->port = (unsigned short)port;
	return 0;
bad:
	snprintf(err, errlen, "listen must be ADDRESS:PORT (an IP address, "
	    "[IPv6]:PORT), not '%s'", conf->listen);
	return -1;
}

int
conf_check(struct conf *conf, char *err, size_t errlen)
{
	const char *missing = conf->listen == NULL ? "listen" :
	    conf->local == NULL ? "local" :
	    conf->primary == NULL ? "primary" : NULL;

	if (missing != NULL) {
		snprintf(err, errlen, "no '%s' setting (in the file given "
		    "with -c, or as an option)", missing);
		return -1;
	}
	if (conf->threads == 0)
		conf->threads = 4;
	return parse_listen(conf, err, errlen);
}

void
conf_free(struct conf *conf)
{
	free(conf->listen);
	free(conf->server);
	free(conf->local);
	free(conf->primary);
	free(conf->user);
	free(conf->password_file);
	free(conf->payments);
	free(conf->mail);
	free(conf->mail_from);
	free(conf->ca_file);
	memset(conf, 0, sizeof(*conf));
}
