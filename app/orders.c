#include "orders.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "conf.h"

#define MAX_AMOUNT 1000000	/* cents of an order */
#define MAX_ITEM 200		/* characters of an order's item */
#define MAX_EMAIL 254		/* characters of an address */
#define MAX_ECHO 200		/* bytes of a peer's text repeated */
#define MAX_ANSWER 65536	/* bytes of the payment API's answer */
#define MAX_CA (1024 * 1024)	/* bytes of the CA file */
#define CONNECT_TIMEOUT 3L	/* seconds to connect (TCP and TLS) */
#define TOTAL_TIMEOUT 10L	/* seconds for a whole exchange */

struct orders {
	char *payments;		/* the settings, or NULL */
	char *mail;
	char *mail_from;
	char *ca;		/* the CA file's contents, or NULL */
	size_t ca_len;
	char describe[1024];
};

/* A growing buffer of at most ${max} bytes; ${over} once more came. */
struct buf {
	char *p;
	size_t len, max;
	bool over;
};

/* What libcurl tells of an SMTP exchange: the reply that ends DATA. */
struct smtp_reply {
	bool in_data;		/* "354" seen: the next reply is the one */
	bool have;
	char line[MAX_ECHO + 4];
};

/* The message being uploaded to the SMTP server. */
struct upload {
	const char *p;
	size_t left;
};

/* Copy ${s} (${n} bytes) to ${out} as printable ASCII, cut at MAX_ECHO. */
static void
printable(char *out, size_t outlen, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < MAX_ECHO && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	if (n > MAX_ECHO && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Whether ${c} may be in an address (besides the one '@'). */
static bool
address_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("<>()[],;:\"\\@", c) == NULL;
}

bool
orders_is_address(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (at == NULL || at == s || at[1] == '\0' || n > MAX_EMAIL ||
	    s[0] == '.' || s[n - 1] == '.' || at[-1] == '.' || at[1] == '.')
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (p != at && !address_char((unsigned char)*p))
			return false;
	return true;
}

/*
 * Parse "SCHEME://HOST[:PORT]REST" into ${host} (at most ${hostlen}) and
 * *${port} (0 if not given); return REST, or NULL if it is not that form.
 */
static const char *
split_url(const char *url, const char *scheme, char *host, size_t hostlen,
    unsigned long *port)
{
	size_t sl = strlen(scheme), n;
	const char *h, *p;

	if (strncmp(url, scheme, sl) != 0 || strncmp(url + sl, "://", 3) != 0)
		return NULL;
	h = url + sl + 3;
	n = strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-");
	if (n == 0 || n >= hostlen || h[0] == '.' || h[0] == '-')
		return NULL;
	memcpy(host, h, n);
	host[n] = '\0';
	p = h + n;
	*port = 0;
	if (*p == ':') {
		size_t d = strspn(p + 1, "0123456789");
		char *end;
		if (d < 1 || d > 5)
			return NULL;
		*port = strtoul(p + 1, &end, 10);
		if (*port < 1 || *port > 65535)
			return NULL;
		p = end;
	}
	return p;
}

bool
orders_check_url(const char *url, const char *scheme)
{
	char host[256];
	unsigned long port;
	const char *rest = split_url(url, scheme, host, sizeof(host), &port);

	if (rest == NULL)
		return false;
	if (strcmp(scheme, "smtps") == 0)
		return strcmp(rest, "") == 0 || strcmp(rest, "/") == 0;
	if (rest[0] != '/')
		return false;
	for (; *rest != '\0'; rest++)
		if (*rest <= 0x20 || *rest >= 0x7f)
			return false;
	return true;
}

/* Read the CA file ${path} into ${o}; -1 with a message in ${err}. */
static int
read_ca(struct orders *o, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "ca_file %s: %s", path, strerror(errno));
		return -1;
	}
	if ((o->ca = malloc(MAX_CA + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "ca_file %s: %s", path, strerror(ENOMEM));
		return -1;
	}
	n = fread(o->ca, 1, MAX_CA + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "ca_file %s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	o->ca[n < MAX_CA ? n : MAX_CA] = '\0';
	if (n > MAX_CA) {
		snprintf(err, errlen, "ca_file %s: larger than %d bytes", path,
		    MAX_CA);
		return -1;
	}
	if (strstr(o->ca, "-----BEGIN CERTIFICATE-----") == NULL) {
		snprintf(err, errlen, "ca_file %s: no PEM certificate in it",
		    path);
		return -1;
	}
	o->ca_len = n;
	return 0;
}

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL) {
		perror("uxapp");
		exit(1);
	}
	return d;
}

struct orders *
orders_new(const struct conf *conf, char *err, size_t errlen)
{
	struct orders *o = calloc(1, sizeof(*o));

	if (o == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	o->payments = dup_or_null(conf->payments);
	o->mail = dup_or_null(conf->mail);
	o->mail_from = dup_or_null(conf->mail_from);
	if (conf->ca_file != NULL && read_ca(o, conf->ca_file, err,
	    errlen) != 0) {
		orders_free(o);
		return NULL;
	}
	if (o->payments != NULL && o->mail != NULL && o->mail_from != NULL)
		snprintf(o->describe, sizeof(o->describe), "payments %s, "
		    "mail %s", o->payments, o->mail);
	else
		snprintf(o->describe, sizeof(o->describe), "not configured");
	return o;
}

const char *
orders_describe(const struct orders *o)
{
	return o->describe;
}

void
orders_free(struct orders *o)
{
	if (o == NULL)
		return;
	free(o->payments);
	free(o->mail);
	free(o->mail_from);
	free(o->ca);
	free(o);
}

/* An {"error": MESSAGE} object; set *${status}. */
static json_t *
error(unsigned *status, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static json_t *
error(unsigned *status, unsigned code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*status = code;
	return json_pack("{s:s}", "error", msg);
}

/* Store what libcurl received in the struct buf ${ud}. */
static size_t
on_write(char *data, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t len = size * n;
	char *p;

	if (b->len + len > b->max) {
		b->over = true;
		return 0;
	}
	if ((p = realloc(b->p, b->len + len + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, len);
	b->p = p;
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

/* Give libcurl the next part of the struct upload ${ud}. */
static size_t
on_read(char *out, size_t size, size_t n, void *ud)
{
	struct upload *u = ud;
	size_t len = size * n < u->left ? size * n : u->left;

	memcpy(out, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

/* Keep the SMTP server's reply that follows "354" (see struct smtp_reply). */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
	struct smtp_reply *r = ud;
	const char *p = data, *end = data + size;

	(void)h;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* The last line of a reply: three digits and a space. */
		if (n >= 4 && isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) && p[3] == ' ') {
			if (strncmp(p, "354", 3) == 0)
				r->in_data = true;
			else if (r->in_data && !r->have) {
				printable(r->line, sizeof(r->line), p, n);
				r->have = true;
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return 0;
}

/* The options both exchanges share: TLS verified, timeouts, no signals. */
static void
common_options(struct orders *o, CURL *h, const char *protocol, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocol);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca != NULL) {
		struct curl_blob blob = { o->ca, o->ca_len, CURL_BLOB_COPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
}

/* The reason of a failed exchange with ${host}, as app.js words it. */
static void
curl_reason(CURL *h, CURLcode rc, const char *errbuf, const char *host,
    bool over, char *out, size_t outlen)
{
	const char *msg = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
	static const char cert_prefix[] = "SSL certificate problem: ";
	char text[MAX_ECHO + 4];
	long os_errno = 0;
	curl_off_t tls_time = 0;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(out, outlen, "could not resolve %s", host);
		return;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == ECONNREFUSED) {
			snprintf(out, outlen, "connection refused");
			return;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &tls_time);
		if (tls_time == 0)
			snprintf(out, outlen, "connection timed out after %ld s",
			    CONNECT_TIMEOUT);
		else
			snprintf(out, outlen, "timed out after %ld s",
			    TOTAL_TIMEOUT);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		if (strncmp(msg, cert_prefix, sizeof(cert_prefix) - 1) == 0)
			msg += sizeof(cert_prefix) - 1;
		printable(text, sizeof(text), msg, strlen(msg));
		snprintf(out, outlen, "certificate verify failed: %s", text);
		return;
	case CURLE_WRITE_ERROR:
		if (over) {
			snprintf(out, outlen, "the answer is larger than %d "
			    "bytes", MAX_ANSWER);
			return;
		}
		break;
	default:
		break;
	}
	printable(out, outlen, msg, strlen(msg));
}

/*
 * Charge ${amount} cents for ${item} to ${email}; return the payment
 * {"id", "status"}, or NULL with the reason in ${why}.
 */
static json_t *
charge(struct orders *o, json_int_t amount, const char *item,
    const char *email, char *why, size_t whylen)
{
	char errbuf[CURL_ERROR_SIZE] = "", host[256], text[MAX_ECHO + 4];
	struct buf answer = { NULL, 0, MAX_ANSWER, false };
	struct curl_slist *headers = NULL;
	json_t *req, *res = NULL, *payment = NULL;
	const char *id, *status;
	char *body;
	unsigned long port;
	long code = 0;
	CURL *h;
	CURLcode rc;

	split_url(o->payments, "https", host, sizeof(host), &port);
	req = json_pack("{s:I, s:s, s:s, s:s}", "amount", amount,
	    "currency", "eur", "description", item, "receipt_email", email);
	body = req != NULL ? json_dumps(req, JSON_COMPACT |
	    JSON_PRESERVE_ORDER) : NULL;
	json_decref(req);
	if (body == NULL || (h = curl_easy_init()) == NULL) {
		free(body);
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return NULL;
	}
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Accept: application/json");
	common_options(o, h, "https", errbuf);
	curl_easy_setopt(h, CURLOPT_URL, o->payments);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		curl_reason(h, rc, errbuf, host, answer.over, why, whylen);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	printable(text, sizeof(text), answer.p != NULL ? answer.p : "",
	    answer.len);
	if (code < 200 || code > 299) {
		snprintf(why, whylen, "HTTP %ld: %s", code, text);
		goto out;
	}
	res = json_loadb(answer.p != NULL ? answer.p : "", answer.len, 0, NULL);
	id = json_string_value(json_object_get(res, "id"));
	status = json_string_value(json_object_get(res, "status"));
	if (!json_is_object(res) || id == NULL || status == NULL) {
		snprintf(why, whylen, "HTTP %ld without a JSON object with "
		    "'id' and 'status': %s", code, text);
		goto out;
	}
	if (strlen(id) < 1 || strlen(id) > 100 || strspn(id,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
	    != strlen(id)) {
		printable(text, sizeof(text), id, strlen(id));
		snprintf(why, whylen, "a bad payment id '%s'", text);
		goto out;
	}
	printable(text, sizeof(text), status, strlen(status));
	payment = json_pack("{s:s, s:s}", "id", id, "status", text);
out:
	json_decref(res);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	free(answer.p);
	free(body);
	return payment;
}

/* The mail of an order, headers and body, CRLF-ended lines; malloc'd. */
static char *
order_mail(struct orders *o, const char *server, const char *email,
    json_int_t amount, const char *item, json_t *payment)
{
	const char *id = json_string_value(json_object_get(payment, "id"));
	const char *domain = strrchr(o->mail_from, '@') + 1;
	unsigned char rnd[16];
	char date[64], mid[33];
	struct tm tm;
	time_t now = time(NULL);
	char *text = NULL;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(mid + 2 * i, 3, "%02x", rnd[i]);
	if (asprintf(&text,
	    "Date: %s\r\n"
	    "From: %s\r\n"
	    "To: %s\r\n"
	    "Subject: Your uxtely order %s\r\n"
	    "Message-ID: <%s@%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "Thank you for your order.\r\n"
	    "\r\n"
	    "Item: %s\r\n"
	    "Amount: %lld.%02lld EUR\r\n"
	    "Payment: %s (%s)\r\n"
	    "\r\n"
	    "uxtely, server %s\r\n",
	    date, o->mail_from, email, id, mid, domain, item,
	    (long long)(amount / 100), (long long)(amount % 100), id,
	    json_string_value(json_object_get(payment, "status")),
	    server) < 0)
		return NULL;
	return text;
}

/*
 * Mail ${text} to ${email}; return 0 with the server's reply to DATA in
 * ${reply}, or -1 with the reason in ${why}.
 */
static int
send_mail(struct orders *o, const char *email, const char *text,
    char *reply, size_t replylen, char *why, size_t whylen)
{
	char errbuf[CURL_ERROR_SIZE] = "", host[256], me[256], url[1024];
	char from[MAX_EMAIL + 3], to[MAX_EMAIL + 3];
	struct smtp_reply r = { false, false, "" };
	struct upload up = { text, strlen(text) };
	struct curl_slist *rcpt = NULL;
	unsigned long port;
	long code = 0;
	CURL *h;
	CURLcode rc;

	split_url(o->mail, "smtps", host, sizeof(host), &port);
	if (gethostname(me, sizeof(me) - 1) != 0)
		snprintf(me, sizeof(me), "localhost");
	me[sizeof(me) - 1] = '\0';
	/* The URL's path is the name uxapp greets with (EHLO). */
	snprintf(url, sizeof(url), "smtps://%s:%lu/%s", host,
	    port != 0 ? port : 465UL, me);
	snprintf(from, sizeof(from), "<%s>", o->mail_from);
	snprintf(to, sizeof(to), "<%s>", email);
	if ((h = curl_easy_init()) == NULL ||
	    (rcpt = curl_slist_append(NULL, to)) == NULL) {
		curl_easy_cleanup(h);
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	common_options(o, h, "smtps", errbuf);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left);
	/* The replies come through the debug callback only. */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &r);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		curl_reason(h, rc, errbuf, host, false, why, whylen);
	} else if (r.have) {
		snprintf(reply, replylen, "%s", r.line);
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		snprintf(reply, replylen, "%ld", code);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

/* The number of characters (UTF-8 code points) of ${s}. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Whether ${s} has a control character (C0 or DEL). */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

json_t *
orders_post(struct orders *o, const char *server, const char *body,
    size_t len, unsigned *status)
{
	static const char expected[] = "expected a JSON object {\"email\": "
	    "\"...\", \"amount\": CENTS, \"item\": \"...\"}";
	char why[1024], reply[MAX_ECHO + 4];
	const char *missing = o->payments == NULL ? "payments" :
	    o->mail == NULL ? "mail" : o->mail_from == NULL ? "mail_from" : NULL;
	const char *email, *item;
	json_t *in, *jamount, *payment, *out;
	json_error_t jerr;
	json_int_t amount;
	char *text;

	if (missing != NULL)
		return error(status, 503, "orders are not configured: no '%s' "
		    "setting", missing);
	in = json_loadb(body, len, 0, &jerr);
	if (in == NULL)
		return error(status, 400, "%s: %s", expected, jerr.text);
	if (!json_is_object(in)) {
		json_decref(in);
		return error(status, 400, "%s", expected);
	}
	email = json_string_value(json_object_get(in, "email"));
	item = json_string_value(json_object_get(in, "item"));
	jamount = json_object_get(in, "amount");
	if (email == NULL || strlen(email) != json_string_length(
	    json_object_get(in, "email")) || !orders_is_address(email)) {
		json_decref(in);
		return error(status, 400, "email must be a mail address (one "
		    "'@', no spaces or control characters, at most %d "
		    "characters)", MAX_EMAIL);
	}
	/* An integer; 5.0 too, as JavaScript's numbers have it. */
	amount = json_is_integer(jamount) ? json_integer_value(jamount) :
	    json_is_real(jamount) && json_real_value(jamount) >= 1 &&
	    json_real_value(jamount) <= MAX_AMOUNT &&
	    json_real_value(jamount) == (double)(json_int_t)json_real_value(
	    jamount) ? (json_int_t)json_real_value(jamount) : 0;
	if (amount < 1 || amount > MAX_AMOUNT) {
		json_decref(in);
		return error(status, 400, "amount must be an integer number "
		    "of cents from 1 to %d", MAX_AMOUNT);
	}
	if (item == NULL || item[0] == '\0' || strlen(item) !=
	    json_string_length(json_object_get(in, "item")) ||
	    utf8_chars(item) > MAX_ITEM || has_control(item)) {
		json_decref(in);
		return error(status, 400, "item must have 1 to %d characters "
		    "(no control characters)", MAX_ITEM);
	}

	/* The charge; nothing is mailed if it fails. */
	if ((payment = charge(o, amount, item, email, why,
	    sizeof(why))) == NULL) {
		json_decref(in);
		return error(status, 502, "payments %s: %s", o->payments, why);
	}

	/* The mail. */
	if ((text = order_mail(o, server, email, amount, item,
	    payment)) == NULL) {
		snprintf(why, sizeof(why), "%s", strerror(ENOMEM));
		goto mail_failed;
	}
	if (send_mail(o, email, text, reply, sizeof(reply), why,
	    sizeof(why)) != 0) {
		free(text);
		goto mail_failed;
	}
	free(text);
	out = json_pack("{s:{s:s, s:I, s:s, s:o, s:{s:s, s:s}}}", "order",
	    "item", item, "amount", amount, "email", email, "payment", payment,
	    "mail", "to", email, "response", reply);
	json_decref(in);
	*status = 201;
	return out;
mail_failed:
	out = error(status, 502, "mail %s: %s", o->mail, why);
	json_object_set_new(out, "payment", payment);
	json_decref(in);
	return out;
}
