/*
 * db: a small pool of libpq connections to one database.
 *
 * Each HTTP worker thread takes a connection for the time of a request and
 * gives it back.  Connections are opened when first needed and reopened
 * after a failure, so the app starts before its databases do and survives
 * their restarts.
 */
#ifndef UXAPP_DB_H
#define UXAPP_DB_H

#include <libpq-fe.h>

struct db_pool;

/**
 * db_pool_new(conninfo, size):
 * Return a pool of at most ${size} connections to the database of the
 * libpq ${conninfo} (copied; connect_timeout defaults to 3 s).  Nothing is
 * connected yet.  Freed with db_pool_free().
 */
struct db_pool *db_pool_new(const char *conninfo, unsigned size);

/**
 * db_get(pool, err, errlen):
 * Wait for a free slot of ${pool} and return its connection, connecting if
 * needed (also when the server closed the slot's connection while it
 * was idle).  Return NULL with libpq's reason in ${err} if it cannot connect
 * (the slot is free again).  Give the connection back with db_put().
 */
PGconn *db_get(struct db_pool *pool, char *err, size_t errlen);

/**
 * db_put(pool, conn):
 * Give ${conn} back to ${pool}; a broken connection is closed so that the
 * next db_get() opens a new one.
 */
void db_put(struct db_pool *pool, PGconn *conn);

/**
 * db_pool_free(pool):
 * Close every connection of ${pool} and free it; NULL does nothing.
 */
void db_pool_free(struct db_pool *pool);

#endif
