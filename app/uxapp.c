/*
 * uxapp: the application server of the example site (node_j).
 *
 *   uxapp -c FILE [-l ADDRESS:PORT] [-s SERVER] [-L CONNINFO] [-P CONNINFO]
 *         [-u USER] [-p PASSWORD_FILE] [-t THREADS]
 *
 * Serves over HTTP (libmicrohttpd):
 *   GET  /            a page: the answering server, its database, the notes
 *   GET  /api/info    JSON: the server, the local database (address,
 *                     cluster name, in recovery or not) and the primary
 *   GET  /api/notes   JSON: the latest notes, read from the local database
 *   POST /api/notes   {"text": "..."}: insert a note into the primary
 *                     (local on the primary's server, through the N2P
 *                     tunnel on the other); 201 and the note
 *   POST /api/orders  {"email": "...", "amount": CENTS, "item": "..."}:
 *                     charge at the payment API, then mail the buyer
 *                     (orders.h); 201 and the order, 502 naming the step
 *                     that failed and why
 * Every response names the server that answered (the "server" field and
 * the X-Served-By header).  Database errors give 503 with libpq's reason.
 *
 * Options override the file (conf.h lists its settings).  Started as root,
 * it reads the password file, then drops to the configured user before it
 * serves.  SIGTERM or SIGINT stop it cleanly.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "conf.h"
#include "db.h"
#include "orders.h"

#define MAX_BODY 4096		/* bytes of a POST body */
#define MAX_NOTE 1000		/* characters of a note, as the table says */
#define LIST_NOTES 20

struct app {
	struct conf conf;
	char hostname[256];
	struct db_pool *local;
	struct db_pool *primary;	/* == local if the same conninfo */
	char *password;			/* from the password file, or NULL */
	struct orders *orders;
};

/* The body of a request being uploaded. */
struct upload {
	char buf[MAX_BODY];
	size_t len;
	bool too_big;
};

static const char *const info_sql =
    "SELECT pg_is_in_recovery(), current_setting('cluster_name'), "
    "coalesce(host(inet_server_addr()), 'unix socket'), "
    "coalesce(inet_server_port(), 0)";

static const char *const list_sql =
    "SELECT id, body, server, "
    "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM notes ORDER BY id DESC LIMIT 20";

static const char *const insert_sql =
    "INSERT INTO notes (body, server) VALUES ($1, $2) RETURNING id, "
    "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

/* Queue ${len} bytes at ${body} (taken, malloc'd) as the response. */
static enum MHD_Result
respond(struct app *app, struct MHD_Connection *c, unsigned status,
    char *body, size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Served-By", app->conf.server);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Respond with ${obj} (taken) plus the "server" field, as JSON. */
static enum MHD_Result
respond_json(struct app *app, struct MHD_Connection *c, unsigned status,
    json_t *obj)
{
	char *text;

	json_object_set_new(obj, "server", json_string(app->conf.server));
	json_object_set_new(obj, "hostname", json_string(app->hostname));
	text = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text == NULL)
		return MHD_NO;
	size_t n = strlen(text);
	char *body = realloc(text, n + 2);
	if (body == NULL) {
		free(text);
		return MHD_NO;
	}
	body[n] = '\n';
	body[n + 1] = '\0';
	return respond(app, c, status, body, n + 1, "application/json");
}

/* Respond ${status} with {"error": MESSAGE}. */
static enum MHD_Result
respond_error(struct app *app, struct MHD_Connection *c, unsigned status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum MHD_Result
respond_error(struct app *app, struct MHD_Connection *c, unsigned status,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	json_t *obj = json_object();

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_set_new(obj, "error", json_string(msg));
	return respond_json(app, c, status, obj);
}

/* libpq's message for ${res} (or the connection's), without newline. */
static void
pq_reason(PGconn *conn, PGresult *res, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(conn));
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

/*
 * Describe the database of ${conn}: {"cluster", "address", "port",
 * "in_recovery"}.  Return NULL with the reason in ${err}.
 */
static json_t *
db_describe(PGconn *conn, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, info_sql);
	json_t *obj;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pq_reason(conn, res, err, errlen);
		PQclear(res);
		return NULL;
	}
	obj = json_pack("{s:s, s:s, s:i, s:b}",
	    "cluster", PQgetvalue(res, 0, 1),
	    "address", PQgetvalue(res, 0, 2),
	    "port", atoi(PQgetvalue(res, 0, 3)),
	    "in_recovery", PQgetvalue(res, 0, 0)[0] == 't');
	PQclear(res);
	return obj;
}

/* Describe the database of ${pool}, or {"error": ...}; set ${ok}. */
static json_t *
pool_describe(struct db_pool *pool, bool *ok)
{
	char err[512];
	PGconn *conn = db_get(pool, err, sizeof(err));
	json_t *obj = NULL;

	if (conn != NULL) {
		obj = db_describe(conn, err, sizeof(err));
		db_put(pool, conn);
	}
	*ok = obj != NULL;
	if (obj == NULL)
		obj = json_pack("{s:s}", "error", err);
	return obj;
}

/* The latest notes of ${conn} as a JSON array, or NULL with ${err}. */
static json_t *
db_notes(PGconn *conn, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, list_sql);
	json_t *arr;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pq_reason(conn, res, err, errlen);
		PQclear(res);
		return NULL;
	}
	arr = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)strtoll(PQgetvalue(res, i, 0), NULL, 10),
		    "text", PQgetvalue(res, i, 1),
		    "server", PQgetvalue(res, i, 2),
		    "created", PQgetvalue(res, i, 3)));
	PQclear(res);
	return arr;
}

static enum MHD_Result
get_info(struct app *app, struct MHD_Connection *c)
{
	bool lok, pok;	/* the primary's state is in its JSON only */
	json_t *obj = json_object();

	json_object_set_new(obj, "local", pool_describe(app->local, &lok));
	if (app->primary != app->local)
		json_object_set_new(obj, "primary",
		    pool_describe(app->primary, &pok));
	else
		json_object_set_new(obj, "primary", json_string("local"));
	return respond_json(app, c, lok ? MHD_HTTP_OK :
	    MHD_HTTP_SERVICE_UNAVAILABLE, obj);
}

static enum MHD_Result
get_notes(struct app *app, struct MHD_Connection *c)
{
	char err[512];
	PGconn *conn = db_get(app->local, err, sizeof(err));
	json_t *db = NULL, *notes = NULL, *obj;

	if (conn != NULL) {
		if ((db = db_describe(conn, err, sizeof(err))) != NULL)
			notes = db_notes(conn, err, sizeof(err));
		db_put(app->local, conn);
	}
	if (notes == NULL) {
		json_decref(db);
		return respond_error(app, c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "local database: %s", err);
	}
	obj = json_object();
	json_object_set_new(obj, "read_from", db);
	json_object_set_new(obj, "notes", notes);
	return respond_json(app, c, MHD_HTTP_OK, obj);
}

static enum MHD_Result
post_note(struct app *app, struct MHD_Connection *c, struct upload *up)
{
	char err[512];
	json_error_t jerr;
	json_t *in, *db = NULL, *obj;
	const char *text;
	const char *params[2];
	PGconn *conn;
	PGresult *res;

	if (up->too_big)
		return respond_error(app, c, MHD_HTTP_CONTENT_TOO_LARGE,
		    "the body is larger than %d bytes", MAX_BODY);
	in = json_loadb(up->buf, up->len, 0, &jerr);
	if (in == NULL || !json_is_object(in) ||
	    !json_is_string(json_object_get(in, "text"))) {
		json_decref(in);
		return respond_error(app, c, MHD_HTTP_BAD_REQUEST,
		    "expected a JSON object {\"text\": \"...\"}%s%s",
		    in == NULL ? ": " : "", in == NULL ? jerr.text : "");
	}
	text = json_string_value(json_object_get(in, "text"));
	if (text[0] == '\0' || json_string_length(json_object_get(in,
	    "text")) > MAX_NOTE * 4) {
		json_decref(in);
		return respond_error(app, c, MHD_HTTP_BAD_REQUEST,
		    "text must have 1 to %d characters", MAX_NOTE);
	}

	if ((conn = db_get(app->primary, err, sizeof(err))) == NULL) {
		json_decref(in);
		return respond_error(app, c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "primary database: %s", err);
	}
	params[0] = text;
	params[1] = app->conf.server;
	res = PQexecParams(conn, insert_sql, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		/* 23xxx: the note breaks a constraint (its length). */
		unsigned status = state != NULL && strncmp(state, "23", 2) == 0 ?
		    MHD_HTTP_BAD_REQUEST : MHD_HTTP_SERVICE_UNAVAILABLE;
		pq_reason(conn, res, err, sizeof(err));
		PQclear(res);
		db_put(app->primary, conn);
		json_decref(in);
		return respond_error(app, c, status, "primary database: %s",
		    err);
	}
	obj = json_object();
	json_object_set_new(obj, "note", json_pack("{s:I, s:s, s:s, s:s}",
	    "id", (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10),
	    "text", text, "server", app->conf.server,
	    "created", PQgetvalue(res, 0, 1)));
	PQclear(res);
	db = db_describe(conn, err, sizeof(err));
	db_put(app->primary, conn);
	json_object_set_new(obj, "written_to",
	    db != NULL ? db : json_pack("{s:s}", "error", err));
	json_decref(in);
	return respond_json(app, c, MHD_HTTP_CREATED, obj);
}

/* Write ${s} to ${f} with HTML's special characters escaped. */
static enum MHD_Result
post_order(struct app *app, struct MHD_Connection *c, struct upload *up)
{
	unsigned status;
	json_t *obj;

	if (up->too_big)
		return respond_error(app, c, MHD_HTTP_CONTENT_TOO_LARGE,
		    "the body is larger than %d bytes", MAX_BODY);
	if ((obj = orders_post(app->orders, app->conf.server, up->buf,
	    up->len, &status)) == NULL)
		return MHD_NO;
	return respond_json(app, c, status, obj);
}

static void
html_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

static const char page_script[] =
    "<script>\n"
    "document.getElementById('f').onsubmit = async (e) => {\n"
    "  e.preventDefault();\n"
    "  const t = document.getElementById('t').value;\n"
    "  const r = await fetch('/api/notes', {method: 'POST',\n"
    "    headers: {'Content-Type': 'application/json'},\n"
    "    body: JSON.stringify({text: t})});\n"
    "  const j = await r.json();\n"
    "  document.getElementById('r').textContent = r.ok ?\n"
    "    'written by server ' + j.server + ' to ' + j.written_to.cluster :\n"
    "    j.error;\n"
    "};\n"
    "</script>\n";

static enum MHD_Result
get_page(struct app *app, struct MHD_Connection *c)
{
	char err[512] = "";
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	PGconn *conn = db_get(app->local, err, sizeof(err));
	json_t *db = NULL, *notes = NULL;
	unsigned status = MHD_HTTP_OK;

	if (f == NULL) {
		db_put(app->local, conn);
		return MHD_NO;
	}
	if (conn != NULL) {
		if ((db = db_describe(conn, err, sizeof(err))) != NULL)
			notes = db_notes(conn, err, sizeof(err));
		db_put(app->local, conn);
	}
	fputs("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>uxtely</title></head>\n<body>\n<h1>uxtely</h1>\n"
	    "<p>Served by server <b id=\"server\">", f);
	html_text(f, app->conf.server);
	fputs("</b> (", f);
	html_text(f, app->hostname);
	fputs(").</p>\n", f);
	if (notes == NULL) {
		status = MHD_HTTP_SERVICE_UNAVAILABLE;
		fputs("<p>The local database is unavailable: ", f);
		html_text(f, err);
		fputs("</p>\n", f);
	} else {
		fputs("<p>Read from database <b>", f);
		html_text(f, json_string_value(json_object_get(db, "cluster")));
		fprintf(f, "</b> (%s).</p>\n<ul>\n",
		    json_is_true(json_object_get(db, "in_recovery")) ?
		    "a hot standby" : "the primary");
		size_t i;
		json_t *n;
		json_array_foreach(notes, i, n) {
			fputs("<li>", f);
			html_text(f, json_string_value(json_object_get(n,
			    "text")));
			fputs(" <small>(server ", f);
			html_text(f, json_string_value(json_object_get(n,
			    "server")));
			fputs(", ", f);
			html_text(f, json_string_value(json_object_get(n,
			    "created")));
			fputs(")</small></li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("<form id=\"f\"><input id=\"t\" maxlength=\"1000\">"
	    "<button>Add a note</button> <span id=\"r\"></span></form>\n", f);
	fputs(page_script, f);
	fputs("</body></html>\n", f);
	json_decref(db);
	json_decref(notes);
	if (fclose(f) != 0) {
		free(body);
		return MHD_NO;
	}
	return respond(app, c, status, body, len, "text/html; charset=utf-8");
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct app *app = cls;
	struct upload *up = *con_cls;
	bool is_get = strcmp(method, "GET") == 0 ||
	    strcmp(method, "HEAD") == 0;
	bool is_post = strcmp(method, "POST") == 0;

	(void)version;
	if (is_post && (strcmp(url, "/api/notes") == 0 ||
	    strcmp(url, "/api/orders") == 0)) {
		/* Gather the body; answer on the last call. */
		if (up == NULL) {
			if ((up = calloc(1, sizeof(*up))) == NULL)
				return MHD_NO;
			*con_cls = up;
			return MHD_YES;
		}
		if (*upload_data_size > 0) {
			if (up->len + *upload_data_size > sizeof(up->buf))
				up->too_big = true;
			else {
				memcpy(up->buf + up->len, upload_data,
				    *upload_data_size);
				up->len += *upload_data_size;
			}
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (strcmp(url, "/api/orders") == 0)
			return post_order(app, c, up);
		return post_note(app, c, up);
	}
	if (strcmp(url, "/api/orders") == 0)
		return respond_error(app, c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "%s is not allowed on %s", method, url);
	if (strcmp(url, "/") == 0 || strcmp(url, "/api/info") == 0 ||
	    strcmp(url, "/api/notes") == 0) {
		if (!is_get)
			return respond_error(app, c,
			    MHD_HTTP_METHOD_NOT_ALLOWED,
			    "%s is not allowed on %s", method, url);
		if (strcmp(url, "/") == 0)
			return get_page(app, c);
		if (strcmp(url, "/api/info") == 0)
			return get_info(app, c);
		return get_notes(app, c);
	}
	return respond_error(app, c, MHD_HTTP_NOT_FOUND, "no such page: %s",
	    url);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static void
usage(void)
{
	fputs("usage: uxapp -c FILE [-l ADDRESS:PORT] [-s SERVER] "
	    "[-L LOCAL_CONNINFO]\n"
	    "             [-P PRIMARY_CONNINFO] [-u USER] [-p PASSWORD_FILE] "
	    "[-t THREADS]\n", stderr);
	exit(2);
}

/* Read the first line of ${path}: the databases' password. */
static char *
read_password(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (f == NULL) {
		fprintf(stderr, "uxapp: password file %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	if (fgets(line, sizeof(line), f) == NULL) {
		fprintf(stderr, "uxapp: password file %s is empty\n", path);
		exit(1);
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

/* Become ${user} if root. */
static void
drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		fprintf(stderr, "uxapp: no user '%s'\n", user);
		exit(1);
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return;
		fprintf(stderr, "uxapp: cannot become user '%s': not root\n",
		    user);
		exit(1);
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "uxapp: cannot become user '%s': %s\n", user,
		    strerror(errno));
		exit(1);
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "uxapp: still root after becoming '%s'\n",
		    user);
		exit(1);
	}
}

/* Append password=... to ${conninfo} as libpq's key/value form. */
static char *
with_password(const char *conninfo, const char *password)
{
	size_t n = strlen(conninfo), m = strlen(password);
	char *s = malloc(n + 2 * m + 16), *p;

	if (s == NULL) {
		perror("uxapp");
		exit(1);
	}
	p = s + sprintf(s, "%s password='", conninfo);
	for (const char *q = password; *q != '\0'; q++) {
		if (*q == '\'' || *q == '\\')
			*p++ = '\\';
		*p++ = *q;
	}
	strcpy(p, "'");
	return s;
}

int
main(int argc, char **argv)
{
	static struct app app;
	struct conf over;
	char err[1024];
	const char *file = NULL;
	sigset_t stop;
	struct MHD_Daemon *d;
	int opt, sig;

	memset(&over, 0, sizeof(over));
	while ((opt = getopt(argc, argv, "c:l:s:L:P:u:p:t:")) != -1) {
		static const char *const keys[] = {
			['l'] = "listen", ['s'] = "server", ['L'] = "local",
			['P'] = "primary", ['u'] = "user", ['t'] = "threads",
			['p'] = "password_file",
		};
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'l': case 'p': case 's': case 'L': case 'P': case 'u': case 't':
			if (conf_set(&over, keys[opt], optarg, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "uxapp: -%c: %s\n", opt, err);
				return 2;
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (file != NULL && conf_read(&app.conf, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "uxapp: %s\n", err);
		return 1;
	}
#define OVERRIDE(f) if (over.f) { free(app.conf.f); app.conf.f = over.f; }
	OVERRIDE(listen) OVERRIDE(server) OVERRIDE(local) OVERRIDE(primary)
	OVERRIDE(user) OVERRIDE(password_file)
	if (over.threads != 0)
		app.conf.threads = over.threads;
	if (conf_check(&app.conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "uxapp: %s\n", err);
		return 1;
	}
	if (gethostname(app.hostname, sizeof(app.hostname) - 1) != 0)
		snprintf(app.hostname, sizeof(app.hostname), "unknown");
	if (app.conf.server == NULL)
		app.conf.server = strdup(app.hostname);

	/* Secrets and the CA are read as root; then root is given up. */
	if (app.conf.password_file != NULL)
		app.password = read_password(app.conf.password_file);
	if ((app.orders = orders_new(&app.conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "uxapp: %s\n", err);
		return 1;
	}
	/* Once, before any thread: libcurl's global state. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "uxapp: curl_global_init failed\n");
		return 1;
	}
	if (app.conf.user != NULL)
		drop_privileges(app.conf.user);

	bool same = strcmp(app.conf.local, app.conf.primary) == 0;
	char *li = app.password != NULL ?
	    with_password(app.conf.local, app.password) :
	    strdup(app.conf.local);
	char *pi = app.password != NULL ?
	    with_password(app.conf.primary, app.password) :
	    strdup(app.conf.primary);
	app.local = db_pool_new(li, app.conf.threads);
	app.primary = same ? app.local : db_pool_new(pi, app.conf.threads);
	free(li);
	free(pi);

	/* The workers must not take the stop signals: main waits for them. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    app.conf.port, NULL, NULL, handle, &app,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&app.conf.addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app.conf.threads,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    /* Longer than nginx's upstream keepalive_timeout (60 s), so
	     * that nginx, not uxapp, closes its idle connections. */
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "uxapp: cannot serve on %s (address in use, "
		    "or not an address of this host)\n", app.conf.listen);
		return 1;
	}
	fprintf(stderr, "uxapp: server %s serving on %s, %u threads; "
	    "local database: %s; primary: %s; orders: %s\n", app.conf.server,
	    app.conf.listen, app.conf.threads, app.conf.local,
	    same ? "the local one" : app.conf.primary,
	    orders_describe(app.orders));

	while (sigwait(&stop, &sig) != 0)
		;
	fprintf(stderr, "uxapp: %s, stopping\n", strsignal(sig));
	MHD_stop_daemon(d);
	if (app.primary != app.local)
		db_pool_free(app.primary);
	db_pool_free(app.local);
	free(app.password);
	orders_free(app.orders);
	curl_global_cleanup();
	conf_free(&app.conf);
	return 0;
}
