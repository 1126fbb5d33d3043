/*
 * orders: POST /api/orders, the app's way out.
 *
 * An order {"email": "...", "amount": CENTS, "item": "..."} is charged at
 * the payment API (an HTTPS POST of {"amount", "currency": "eur",
 * "description", "receipt_email"} to the "payments" URL), then mailed to
 * its buyer from "mail_from" over SMTPS (the "mail" URL).  Both peers are
 * verified against the CA of "ca_file" (else the system's CAs), their
 * names checked, resolved by the system resolver; 3 s to connect (TCP
 * and TLS), 10 s for each exchange.  libcurl does both, one easy handle
 * per request, so any HTTP worker thread may place an order;
 * curl_global_init() must have been called before any thread starts.
 *
 * The reasons of failures are the same words app.js (the example's
 * Node.js app) uses: "connection refused", "connection timed out after
 * 3 s", "timed out after 10 s", "could not resolve HOST", "certificate
 * verify failed: ...", "HTTP N: BODY"; what a peer said is repeated as
 * printable ASCII (any other byte '?'), at most 200 bytes.
 */
#ifndef UXAPP_ORDERS_H
#define UXAPP_ORDERS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct conf;
struct orders;

/**
 * orders_check_url(url, scheme):
 * Return true if ${url} is "https://HOST[:PORT]/PATH" (${scheme} "https")
 * or "smtps://HOST[:PORT]" (${scheme} "smtps"): HOST letters, digits,
 * '.' and '-', PORT 1 to 65535, PATH printable without spaces.
 */
bool orders_check_url(const char *url, const char *scheme);

/**
 * orders_is_address(s):
 * Return true if ${s} is a plausible mail address: one '@' with something
 * on each side, printable ASCII without spaces or <>()[],;:"\, no '.' at
 * either end of either side, at most 254 characters.
 */
bool orders_is_address(const char *s);

/**
 * orders_new(conf, err, errlen):
 * Return the order settings of ${conf} (copied: payments, mail, mail_from
 * and the contents of ca_file, read now), owned by the caller and freed
 * with orders_free().  Return NULL with "ca_file PATH: why" in ${err} if
 * the CA file cannot be read or holds no PEM certificate.  Settings left
 * out are not an error: orders_post() answers 503 then.
 */
struct orders *orders_new(const struct conf *conf, char *err, size_t errlen);

/**
 * orders_describe(orders):
 * Return a static-or-owned-by-${orders} line saying where orders go
 * ("payments URL, mail URL") or "not configured", for the start message.
 */
const char *orders_describe(const struct orders *orders);

/**
 * orders_post(orders, server, body, len, status):
 * Place the order of the ${len} bytes at ${body} (a JSON object), for
 * server ${server} (named in the mail).  Return the response object, owned
 * by the caller, and set *${status}: 201 {"order": {"item", "amount",
 * "email", "payment": {"id", "status"}, "mail": {"to", "response"}}};
 * 400 {"error"} for a bad order; 503 {"error"} when a setting is missing;
 * 502 {"error": "payments URL: why"} (nothing mailed) or 502 {"error":
 * "mail URL: why", "payment": {...}} after a charge.  NULL only when out
 * of memory.
 */
json_t *orders_post(struct orders *orders, const char *server,
    const char *body, size_t len, unsigned *status);

/**
 * orders_free(orders):
 * Free ${orders}; NULL does nothing.
 */
void orders_free(struct orders *orders);

#endif
