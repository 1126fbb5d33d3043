#include "db.h"

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_slot {
	PGconn *conn;		/* NULL until connected */
	bool busy;
};

struct db_pool {
	char *conninfo;
	struct db_slot *slots;
	unsigned size;
	pthread_mutex_t lock;
	pthread_cond_t freed;
};

struct db_pool *
db_pool_new(const char *conninfo, unsigned size)
{
	struct db_pool *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->conninfo = strdup(conninfo)) == NULL ||
	    (p->slots = calloc(size, sizeof(*p->slots))) == NULL) {
		perror("uxapp");
		exit(1);
	}
	p->size = size;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	return p;
}

/* Chomp libpq's message (it ends with a newline) into ${err}. */
static void
pq_reason(PGconn *c, char *err, size_t errlen)
{
	size_t n;

	snprintf(err, errlen, "%s",
	    c != NULL ? PQerrorMessage(c) : "out of memory");
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
}

PGconn *
db_get(struct db_pool *p, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"connect_timeout", "application_name", "dbname", NULL
	};
	const char *values[] = { "3", "uxapp", p->conninfo, NULL };
	struct db_slot *slot = NULL;

	/* A free slot, preferring one that is already connected. */
	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (unsigned i = 0; i < p->size; i++) {
			if (p->slots[i].busy)
				continue;
			if (slot == NULL || (slot->conn == NULL &&
			    p->slots[i].conn != NULL))
				slot = &p->slots[i];
		}
		if (slot != NULL)
			break;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	slot->busy = true;
	pthread_mutex_unlock(&p->lock);

	/*
	 * An idle connection (no LISTEN, no query) has nothing to read
	 * unless the server is closing it (a restart sends FATAL, then
	 * EOF): such a connection is replaced here rather than failing the
	 * request.
	 */
	if (slot->conn != NULL) {
		struct pollfd pfd = { PQsocket(slot->conn), POLLIN, 0 };
		if (poll(&pfd, 1, 0) != 0) {
			PQfinish(slot->conn);
			slot->conn = NULL;
		}
	}
	/* (Re)connect outside the lock: it can take connect_timeout. */
	if (slot->conn != NULL && PQstatus(slot->conn) != CONNECTION_OK) {
		PQfinish(slot->conn);
		slot->conn = NULL;
	}
	if (slot->conn == NULL) {
		PGconn *c = PQconnectdbParams(keys, values, 1);
		if (c == NULL || PQstatus(c) != CONNECTION_OK) {
			pq_reason(c, err, errlen);
			PQfinish(c);
			pthread_mutex_lock(&p->lock);
			slot->busy = false;
			pthread_cond_signal(&p->freed);
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		slot->conn = c;
	}
	return slot->conn;
}

void
db_put(struct db_pool *p, PGconn *conn)
{
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->size; i++) {
		struct db_slot *s = &p->slots[i];
		if (!s->busy || s->conn != conn)
			continue;
		if (conn != NULL && (PQstatus(conn) != CONNECTION_OK ||
		    PQtransactionStatus(conn) != PQTRANS_IDLE)) {
			PQfinish(conn);
			s->conn = NULL;
		}
		s->busy = false;
		break;
	}
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

void
db_pool_free(struct db_pool *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < p->size; i++)
		PQfinish(p->slots[i].conn);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->slots);
	free(p->conninfo);
	free(p);
}
