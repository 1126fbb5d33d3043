// uxapp: the application server of node_j, in Node.js as in the write-up.
//
//   node /usr/local/www/app.js [-c FILE]      (FILE: /usr/local/etc/uxapp.conf)
//
// Serves over HTTP (nginx_j proxies to it):
//   GET  /            a page: the answering server, its database, the notes
//   GET  /api/info    JSON: the server, the local database (address,
//                     cluster name, in recovery or not) and the primary
//   GET  /api/notes   JSON: the latest notes, read from the local database
//   POST /api/notes   {"text": "..."}: insert a note into the primary
//                     (local on the primary's server, through the N2P
//                     tunnel on the other); 201 and the note
//   POST /api/orders  {"email": "...", "amount": CENTS, "item": "..."}:
//                     charge at the payment API, then mail the buyer;
//                     201 and the order (payment id, the mail server's
//                     reply), 502 naming the step that failed and why
// Every response names the server that answered (the "server" field and
// the X-Served-By header).  Database errors give 503 with the reason.
//
// The file has one "key = value" per line ('#' starts a comment line):
//   listen = ADDRESS:PORT, server = NAME, local = CONNINFO (reads),
//   primary = CONNINFO (writes), password_file = PATH (read as root),
//   user = NAME (root is given up for it), threads = N (connections kept
//   to each database, 1 to 64).  CONNINFO is libpq's keyword = value form
//   (host, port, dbname, user, connect_timeout, application_name).
// For orders (optional; without the first three POST /api/orders is 503):
//   payments = https://HOST[:PORT]/PATH (the payment API's charge URL),
//   mail = smtps://HOST[:PORT] (the mail provider, implicit TLS, port 465
//   by default), mail_from = ADDRESS, ca_file = PATH (the CA that both
//   must be verified against, read at start; else the system's CAs).
// Host names are resolved by the system resolver (getaddrinfo).
//
// The pg and nodemailer modules are found beside the app (npm ci in
// /usr/local/www, as on a FreeBSD deployment), else in
// /usr/lib/jailnet/node_modules, where jailnet's tools/install-deps.sh
// installs them for its simulated jails.
'use strict';

const dns = require('dns');
const fs = require('fs');
const http = require('http');
const https = require('https');
const net = require('net');
const os = require('os');

const MAX_BODY = 4096;		// bytes of a POST body
const MAX_NOTE = 1000;		// characters of a note, as the table says
const MAX_AMOUNT = 1000000;	// cents of an order
const MAX_ITEM = 200;		// characters of an order's item
const MAX_EMAIL = 254;		// characters of an address
const MAX_ECHO = 200;		// bytes of a peer's text repeated in an error
const MAX_ANSWER = 65536;	// bytes of the payment API's answer
const CONNECT_TIMEOUT = 3;	// seconds to connect (TCP and TLS) to a peer
const TOTAL_TIMEOUT = 10;	// seconds for a whole exchange with a peer

const INFO_SQL = "SELECT pg_is_in_recovery(), current_setting('cluster_name'), " +
    "coalesce(host(inet_server_addr()), 'unix socket'), " +
    'coalesce(inet_server_port(), 0)';
const LIST_SQL = 'SELECT id, body, server, ' +
    "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') " +
    'FROM notes ORDER BY id DESC LIMIT 20';
const INSERT_SQL = 'INSERT INTO notes (body, server) VALUES ($1, $2) RETURNING id, ' +
    "to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

function die(msg) {
	process.stderr.write('uxapp: ' + msg + '\n');
	process.exit(1);
}

// ${v} in single quotes, its control characters escaped.
function quote(v) {
	return "'" + JSON.stringify(String(v)).slice(1, -1).replace(/\\"/g, '"') + "'";
}

// What went wrong with a file, as strerror says it.
function why(e) {
	const m = /^[A-Z]+: ([^,]*)/.exec(e.message);
	return m ? m[1][0].toUpperCase() + m[1].slice(1) : e.message;
}

function loadModule(name) {
	const where = [__dirname, '/usr/lib/jailnet'];
	let path;
	try {
		path = require.resolve(name, { paths: where });
	} catch (e) {
		die('no ' + name + ' module in ' +
		    where.map((d) => d + '/node_modules').join(' or ') +
		    ' (npm ci beside the app, or jailnet\'s tools/install-deps.sh)');
	}
	return require(path);
}

// Whether ${s} is a plausible mail address: one '@' with something on
// each side, printable ASCII without spaces or <>()[],;:"\, at most 254.
function isAddress(s) {
	return typeof s === 'string' && s.length <= MAX_EMAIL &&
	    /^[!#-'*-+\-./0-9=?A-Z^-~]+@[!#-'*-+\-./0-9=?A-Z^-~]+$/.test(s) &&
	    !/^[.]|[.]$|@[.]|[.]@/.test(s);
}

// ${url} ("https://HOST[:PORT]/PATH" or "smtps://HOST[:PORT]") as
// {host, port}, or null.
function parsePeerUrl(url, scheme) {
	const re = scheme === 'https' ?
	    /^https:\/\/([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(\/[!-~]*)$/ :
	    /^smtps:\/\/([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?\/?$/;
	const m = re.exec(url);
	if (!m || m[1].startsWith('.') || m[1].startsWith('-') ||
	    (m[2] !== undefined && (+m[2] < 1 || +m[2] > 65535)))
		return null;
	return { host: m[1], port: m[2] !== undefined ? +m[2] :
	    scheme === 'https' ? 443 : 465, path: m[3] };
}

// The settings of ${path}; exits with "PATH:LINE: what is wrong".
function readConf(path) {
	const known = ['listen', 'server', 'local', 'primary', 'password_file', 'user', 'threads',
	    'payments', 'mail', 'mail_from', 'ca_file'];
	const conf = { threads: 4 };
	let text;
	try {
		text = fs.readFileSync(path, 'utf8');
	} catch (e) {
		die(path + ': ' + why(e));
	}
	text.split('\n').forEach((raw, i) => {
		const line = raw.trim();
		const where = path + ':' + (i + 1) + ': ';
		if (line === '' || line.startsWith('#'))
			return;
		const eq = line.indexOf('=');
		if (eq < 0)
			die(where + "expected 'key = value'");
		const key = line.slice(0, eq).trim(), value = line.slice(eq + 1).trim();
		if (!known.includes(key))
			die(where + 'unknown setting ' + quote(key) + ' (known: ' +
			    known.join(', ') + ')');
		if (key === 'threads') {
			if (!/^[0-9]+$/.test(value) || +value < 1 || +value > 64)
				die(where + 'threads must be a number from 1 to 64, not ' +
				    quote(value));
			conf.threads = +value;
		} else {
			conf[key] = value;
		}
		if (key === 'local' || key === 'primary')
			conf[key + '_pg'] = parseConninfo(value, where);
		if (key === 'listen')
			conf.addr = parseListen(value, where);
		if (key === 'payments' &&
		    (conf.payments_url = parsePeerUrl(value, 'https')) === null)
			die(where + 'payments must be https://HOST[:PORT]/PATH, not ' +
			    quote(value));
		if (key === 'mail' && (conf.mail_url = parsePeerUrl(value, 'smtps')) === null)
			die(where + 'mail must be smtps://HOST[:PORT], not ' + quote(value));
		if (key === 'mail_from' && !isAddress(value))
			die(where + 'mail_from must be a mail address, not ' + quote(value));
	});
	for (const k of ['listen', 'local', 'primary'])
		if (conf[k] === undefined)
			die(path + ": no '" + k + "' setting");
	return conf;
}

// libpq's "key = value ..." (values may be 'quoted', \' and \\ inside)
// as the pg driver's settings.
function parseConninfo(s, where) {
	const keys = { host: 'host', port: 'port', dbname: 'database', user: 'user',
	    connect_timeout: 'connect_timeout', application_name: 'application_name' };
	const out = { connect_timeout: '3', application_name: 'uxapp' };
	const re = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']+))/y;
	let m, end = 0;
	while (end < s.length && (m = re.exec(s)) !== null) {
		if (!(m[1] in keys))
			die(where + 'unknown conninfo keyword ' + quote(m[1]) +
			    ' (known: ' + Object.keys(keys).join(', ') + ')');
		out[keys[m[1]]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
		end = re.lastIndex;
	}
	if (s.slice(end).trim() !== '')
		die(where + 'expected keyword = value at ' + quote(s.slice(end).trim()));
	if (!/^[0-9]+$/.test(out.connect_timeout) ||
	    (out.port !== undefined && !/^[0-9]+$/.test(out.port)))
		die(where + 'port and connect_timeout must be numbers');
	return {
		host: out.host, port: out.port !== undefined ? +out.port : undefined,
		database: out.database, user: out.user,
		application_name: out.application_name,
		connectionTimeoutMillis: 1000 * out.connect_timeout,
	};
}

// "A.B.C.D:PORT" or "[V6]:PORT".
function parseListen(s, where) {
	const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):([0-9]{1,5})$/.exec(s);
	const host = m && (m[1] || m[2]);
	if (!m || net.isIP(host) === 0 || +m[3] < 1 || +m[3] > 65535)
		die(where + 'listen must be ADDRESS:PORT (an IP address, [IPv6]:PORT), not ' +
		    quote(s));
	return { host: host, port: +m[3] };
}

function readPassword(path) {
	let text;
	try {
		text = fs.readFileSync(path, 'utf8');
	} catch (e) {
		die('password file ' + path + ': ' + why(e));
	}
	const line = text.split('\n')[0].replace(/\r$/, '');
	if (text === '')
		die('password file ' + path + ' is empty');
	return line;
}

// Become ${user} if root (its ids from the jail's /etc/passwd).
function dropPrivileges(user) {
	let pw;
	try {
		pw = fs.readFileSync('/etc/passwd', 'utf8').split('\n')
		    .map((l) => l.split(':')).find((f) => f[0] === user);
	} catch (e) {
		die('/etc/passwd: ' + why(e));
	}
	if (pw === undefined)
		die("no user '" + user + "'");
	const uid = +pw[2], gid = +pw[3];
	if (process.geteuid() !== 0) {
		if (process.geteuid() === uid)
			return;
		die("cannot become user '" + user + "': not root");
	}
	try {
		process.setgroups([]);
		process.setgid(gid);
		process.setuid(uid);
	} catch (e) {
		die("cannot become user '" + user + "': " + e.message);
	}
	let still = true;
	try {
		process.setuid(0);
	} catch (e) {
		still = false;
	}
	if (still)
		die("still root after becoming '" + user + "'");
}

function reason(e) {
	return String(e && e.message ? e.message : e).replace(/\s+$/, '');
}

// {"cluster", "address", "port", "in_recovery"} of ${client}'s database.
async function describe(client) {
	const r = await client.query({ text: INFO_SQL, rowMode: 'array' });
	const row = r.rows[0];
	return { cluster: row[1], address: row[2], port: Number(row[3]), in_recovery: row[0] };
}

async function notes(client) {
	const r = await client.query({ text: LIST_SQL, rowMode: 'array' });
	return r.rows.map((row) => ({ id: Number(row[0]), text: row[1], server: row[2],
	    created: row[3] }));
}

// Run ${fn}(client) on a connection of ${pool}: its value, or {error}.
async function withClient(pool, fn) {
	let client;
	try {
		client = await pool.connect();
	} catch (e) {
		return { error: reason(e) };
	}
	try {
		const value = await fn(client);
		client.release();
		return { value: value };
	} catch (e) {
		client.release(true);	// closed: the next request opens another
		return { error: reason(e), code: e.code };
	}
}

function htmlText(s) {
	return String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;',
	    '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]);
}

const PAGE_SCRIPT = '<script>\n' +
    "document.getElementById('f').onsubmit = async (e) => {\n" +
    '  e.preventDefault();\n' +
    "  const t = document.getElementById('t').value;\n" +
    "  const r = await fetch('/api/notes', {method: 'POST',\n" +
    "    headers: {'Content-Type': 'application/json'},\n" +
    '    body: JSON.stringify({text: t})});\n' +
    '  const j = await r.json();\n' +
    "  document.getElementById('r').textContent = r.ok ?\n" +
    "    'written by server ' + j.server + ' to ' + j.written_to.cluster :\n" +
    '    j.error;\n' +
    '};\n' +
    '</script>\n';

// ${s} (a string or Buffer) as printable ASCII, each other byte '?', at
// most MAX_ECHO bytes ("..." after a cut): what a peer said, to repeat.
function printable(s) {
	const b = Buffer.isBuffer(s) ? s : Buffer.from(String(s), 'utf8');
	let out = '';
	for (let i = 0; i < b.length && i < MAX_ECHO; i++)
		out += b[i] >= 0x20 && b[i] <= 0x7e ? String.fromCharCode(b[i]) : '?';
	return b.length > MAX_ECHO ? out + '...' : out;
}

// The reason of a failed exchange with ${host}, in the words uxapp (C)
// uses for the same failure.
function peerReason(e, host) {
	const code = e.code || '';
	const msg = String(e.message || e);
	if (e.uxReason !== undefined)
		return e.uxReason;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' ||
	    /getaddrinfo/.test(msg))
		return 'could not resolve ' + host;
	if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg))
		return 'connection refused';
	if (/CERT|SELF_SIGNED|ALTNAME|HOSTNAME|UNABLE_TO/.test(code) ||
	    /certificate|altnames/i.test(msg))
		return 'certificate verify failed: ' + printable(msg.replace(/^Hostname\/IP/, 'hostname'));
	return printable(msg);
}

// A promise of the first address of ${host} (getaddrinfo, as libcurl).
function resolve(host) {
	return new Promise((ok, fail) => dns.lookup(host, (e, address) =>
	    e ? fail(e) : ok(address)));
}

// POST ${body} (JSON) to ${conf}'s payments URL, verified against ${ca}:
// a promise of {status, body} (a Buffer), or a rejection with a reason.
function httpsPost(conf, ca, body) {
	return new Promise((ok, fail) => {
		const u = conf.payments_url;
		let done = false, connected = false;
		const finish = (e, v) => {
			if (done)
				return;
			done = true;
			clearTimeout(connectTimer);
			clearTimeout(totalTimer);
			if (e) {
				req.destroy();
				fail(e);
			} else {
				ok(v);
			}
		};
		const timeout = (why) => Object.assign(new Error(why), { uxReason: why });
		const req = https.request({ host: u.host, port: u.port, path: u.path,
		    method: 'POST', ca: ca, rejectUnauthorized: true, agent: false,
		    headers: { 'Content-Type': 'application/json',
		    'Content-Length': Buffer.byteLength(body), 'Accept': 'application/json' } });
		const connectTimer = setTimeout(() => connected || finish(timeout(
		    'connection timed out after ' + CONNECT_TIMEOUT + ' s')), 1000 * CONNECT_TIMEOUT);
		const totalTimer = setTimeout(() => finish(timeout('timed out after ' +
		    TOTAL_TIMEOUT + ' s')), 1000 * TOTAL_TIMEOUT);
		req.on('socket', (sock) => sock.on('secureConnect', () => { connected = true; }));
		req.on('error', (e) => finish(e));
		req.on('response', (res) => {
			const chunks = [];
			let len = 0;
			res.on('data', (d) => {
				len += d.length;
				if (len > MAX_ANSWER)
					finish(timeout('the answer is larger than ' + MAX_ANSWER + ' bytes'));
				else
					chunks.push(d);
			});
			res.on('end', () => finish(null, { status: res.statusCode,
			    body: Buffer.concat(chunks) }));
			res.on('error', (e) => finish(e));
		});
		req.end(body);
	});
}

// The text of the mail of an order: the subject and the body.
function orderMail(order, payment, server) {
	const cents = String(order.amount % 100).padStart(2, '0');
	return {
		subject: 'Your uxtely order ' + payment.id,
		text: 'Thank you for your order.\n\n' +
		    'Item: ' + order.item + '\n' +
		    'Amount: ' + Math.floor(order.amount / 100) + '.' + cents + ' EUR\n' +
		    'Payment: ' + payment.id + ' (' + payment.status + ')\n\n' +
		    'uxtely, server ' + server + '\n',
	};
}

// Send the mail of an order over SMTPS: a promise of the server's reply
// to DATA, or a rejection.
async function sendMail(nodemailer, conf, ca, to, mail) {
	const u = conf.mail_url;
	// The system resolver, not nodemailer's own DNS queries; the name is
	// still what the certificate must carry.
	const address = await resolve(u.host);
	const transport = nodemailer.createTransport({
		host: address, port: u.port, secure: true, name: os.hostname(),
		connectionTimeout: 1000 * CONNECT_TIMEOUT,
		greetingTimeout: 1000 * CONNECT_TIMEOUT,
		socketTimeout: 1000 * TOTAL_TIMEOUT,
		tls: { servername: u.host, ca: ca, rejectUnauthorized: true },
	});
	let timer;
	try {
		const info = await Promise.race([
			transport.sendMail({ from: conf.mail_from, to: to,
			    subject: mail.subject, text: mail.text }),
			new Promise((ok, fail) => {
				timer = setTimeout(() => fail(Object.assign(new Error(),
				    { uxReason: 'timed out after ' + TOTAL_TIMEOUT + ' s' })),
				    1000 * TOTAL_TIMEOUT);
			}),
		]);
		return printable(info.response);
	} catch (e) {
		if (e.code === 'ETIMEDOUT' && /^(Connection|Greeting)/.test(e.message || ''))
			e.uxReason = 'connection timed out after ' + CONNECT_TIMEOUT + ' s';
		else if (e.responseCode !== undefined && e.response !== undefined)
			e.uxReason = 'the server said ' + printable(e.response);
		throw e;
	} finally {
		clearTimeout(timer);
		transport.close();
	}
}

function main() {
	const args = process.argv.slice(2);
	let file = '/usr/local/etc/uxapp.conf';
	if (args.length === 2 && args[0] === '-c')
		file = args[1];
	else if (args.length !== 0) {
		process.stderr.write('usage: node app.js [-c FILE]\n');
		process.exit(2);
	}
	const pg = loadModule('pg');
	const nodemailer = loadModule('nodemailer');
	const conf = readConf(file);
	const hostname = os.hostname();
	const server = conf.server !== undefined ? conf.server : hostname;

	// Secrets are read as root; then root is given up.
	const password = conf.password_file !== undefined ?
	    readPassword(conf.password_file) : undefined;
	let ca;
	if (conf.ca_file !== undefined) {
		try {
			ca = fs.readFileSync(conf.ca_file);
		} catch (e) {
			die('ca_file ' + conf.ca_file + ': ' + why(e));
		}
		if (!ca.includes('-----BEGIN CERTIFICATE-----'))
			die('ca_file ' + conf.ca_file + ': no PEM certificate in it');
	}
	if (conf.user !== undefined)
		dropPrivileges(conf.user);

	const poolOf = (c) => {
		const pool = new pg.Pool(Object.assign({}, c, { password: password,
		    max: conf.threads, idleTimeoutMillis: 0 }));
		// A server closing an idle connection (a restart): the pool
		// drops it and the next request opens another.
		pool.on('error', () => {});
		return pool;
	};
	const same = conf.local === conf.primary;
	const local = poolOf(conf.local_pg);
	const primary = same ? local : poolOf(conf.primary_pg);

	function respond(res, status, body, type) {
		const buf = Buffer.from(body, 'utf8');
		res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length,
		    'X-Served-By': server, 'Cache-Control': 'no-store' });
		res.end(buf);
	}
	function respondJson(res, status, obj) {
		obj.server = server;
		obj.hostname = hostname;
		respond(res, status, JSON.stringify(obj, null, 2) + '\n', 'application/json');
	}
	function respondError(res, status, msg) {
		respondJson(res, status, { error: msg });
	}

	async function getInfo(res) {
		const l = await withClient(local, describe);
		const obj = { local: l.error === undefined ? l.value : { error: l.error } };
		if (same) {
			obj.primary = 'local';
		} else {
			const p = await withClient(primary, describe);
			obj.primary = p.error === undefined ? p.value : { error: p.error };
		}
		respondJson(res, l.error === undefined ? 200 : 503, obj);
	}

	const readLocal = (c) => describe(c).then((db) => notes(c).then((n) => ({ db: db, notes: n })));

	async function getNotes(res) {
		const r = await withClient(local, readLocal);
		if (r.error !== undefined)
			return respondError(res, 503, 'local database: ' + r.error);
		respondJson(res, 200, { read_from: r.value.db, notes: r.value.notes });
	}

	async function getPage(res) {
		const r = await withClient(local, readLocal);
		let html = '<!doctype html>\n<html><head><meta charset="utf-8">' +
		    '<title>uxtely</title></head>\n<body>\n<h1>uxtely</h1>\n' +
		    '<p>Served by server <b id="server">' + htmlText(server) + '</b> (' +
		    htmlText(hostname) + ').</p>\n';
		if (r.error !== undefined) {
			html += '<p>The local database is unavailable: ' + htmlText(r.error) + '</p>\n';
		} else {
			html += '<p>Read from database <b>' + htmlText(r.value.db.cluster) + '</b> (' +
			    (r.value.db.in_recovery ? 'a hot standby' : 'the primary') + ').</p>\n<ul>\n';
			for (const n of r.value.notes)
				html += '<li>' + htmlText(n.text) + ' <small>(server ' +
				    htmlText(n.server) + ', ' + htmlText(n.created) + ')</small></li>\n';
			html += '</ul>\n';
		}
		html += '<form id="f"><input id="t" maxlength="1000">' +
		    '<button>Add a note</button> <span id="r"></span></form>\n' +
		    PAGE_SCRIPT + '</body></html>\n';
		respond(res, r.error === undefined ? 200 : 503, html, 'text/html; charset=utf-8');
	}

	// The JSON object of a POST ${body}; else a 400 saying ${expected},
	// and why if it does not parse, and undefined.
	function bodyObject(res, body, expected) {
		let input;
		try {
			input = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
		} catch (e) {
			respondError(res, 400, expected + ': ' + e.message);
			return undefined;
		}
		if (input === null || typeof input !== 'object' || Array.isArray(input)) {
			respondError(res, 400, expected);
			return undefined;
		}
		return input;
	}

	async function postNote(res, body) {
		const expected = 'expected a JSON object {"text": "..."}';
		const input = bodyObject(res, body, expected);
		if (input === undefined)
			return;
		if (typeof input.text !== 'string')
			return respondError(res, 400, expected);
		const text = input.text;
		if (text === '' || [...text].length > MAX_NOTE || text.includes('\0'))
			return respondError(res, 400, 'text must have 1 to ' + MAX_NOTE +
			    ' characters (no NUL)');
		const r = await withClient(primary, async (c) => {
			const ins = await c.query({ text: INSERT_SQL, values: [text, server],
			    rowMode: 'array' });
			let db;
			try {
				db = await describe(c);
			} catch (e) {
				db = { error: reason(e) };
			}
			return { row: ins.rows[0], db: db };
		});
		if (r.error !== undefined)
			// 23xxx: the note breaks a constraint (its length).
			return respondError(res, /^23/.test(r.code || '') ? 400 : 503,
			    'primary database: ' + r.error);
		respondJson(res, 201, {
			note: { id: Number(r.value.row[0]), text: text, server: server,
			    created: r.value.row[1] },
			written_to: r.value.db,
		});
	}

	async function postOrder(res, body) {
		for (const k of ['payments', 'mail', 'mail_from'])
			if (conf[k] === undefined)
				return respondError(res, 503, "orders are not configured: no '" +
				    k + "' setting");
		const input = bodyObject(res, body, 'expected a JSON object ' +
		    '{"email": "...", "amount": CENTS, "item": "..."}');
		if (input === undefined)
			return;
		if (!isAddress(input.email))
			return respondError(res, 400, 'email must be a mail address (one \'@\', ' +
			    'no spaces or control characters, at most ' + MAX_EMAIL + ' characters)');
		if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > MAX_AMOUNT)
			return respondError(res, 400, 'amount must be an integer number of cents ' +
			    'from 1 to ' + MAX_AMOUNT);
		if (typeof input.item !== 'string' || input.item === '' ||
		    [...input.item].length > MAX_ITEM || /[\x00-\x1f\x7f]/.test(input.item))
			return respondError(res, 400, 'item must have 1 to ' + MAX_ITEM +
			    ' characters (no control characters)');
		const order = { item: input.item, amount: input.amount, email: input.email };

		// The charge.
		const pay = 'payments ' + conf.payments + ': ';
		let answer;
		try {
			answer = await httpsPost(conf, ca, JSON.stringify({ amount: order.amount,
			    currency: 'eur', description: order.item, receipt_email: order.email }));
		} catch (e) {
			return respondError(res, 502, pay + peerReason(e, conf.payments_url.host));
		}
		if (answer.status < 200 || answer.status > 299)
			return respondError(res, 502, pay + 'HTTP ' + answer.status + ': ' +
			    printable(answer.body));
		let charge;
		try {
			charge = JSON.parse(answer.body.toString('utf8'));
		} catch (e) {
			charge = null;
		}
		if (charge === null || typeof charge !== 'object' ||
		    typeof charge.id !== 'string' || typeof charge.status !== 'string')
			return respondError(res, 502, pay + "HTTP " + answer.status +
			    " without a JSON object with 'id' and 'status': " + printable(answer.body));
		if (!/^[A-Za-z0-9_-]{1,100}$/.test(charge.id))
			return respondError(res, 502, pay + 'a bad payment id ' + quote(printable(charge.id)));
		const payment = { id: charge.id, status: printable(charge.status) };

		// The mail.
		let reply;
		try {
			reply = await sendMail(nodemailer, conf, ca, order.email,
			    orderMail(order, payment, server));
		} catch (e) {
			return respondJson(res, 502, { error: 'mail ' + conf.mail + ': ' +
			    peerReason(e, conf.mail_url.host), payment: payment });
		}
		order.payment = payment;
		order.mail = { to: order.email, response: reply };
		respondJson(res, 201, { order: order });
	}

	function handle(req, res) {
		const url = req.url.split('?')[0];
		const isGet = req.method === 'GET' || req.method === 'HEAD';
		if (req.method === 'POST' && (url === '/api/notes' || url === '/api/orders')) {
			const chunks = [];
			let len = 0;
			req.on('data', (d) => {
				len += d.length;
				if (len <= MAX_BODY)
					chunks.push(d);
			});
			req.on('end', () => {
				if (len > MAX_BODY)
					return respondError(res, 413, 'the body is larger than ' +
					    MAX_BODY + ' bytes');
				(url === '/api/notes' ? postNote : postOrder)(res,
				    Buffer.concat(chunks)).catch((e) => respondError(res, 500, reason(e)));
			});
			return;
		}
		const pages = { '/': getPage, '/api/info': getInfo, '/api/notes': getNotes };
		if (url === '/api/orders')
			return respondError(res, 405, req.method + ' is not allowed on ' + url);
		if (!Object.prototype.hasOwnProperty.call(pages, url))
			return respondError(res, 404, 'no such page: ' + url);
		if (!isGet)
			return respondError(res, 405, req.method + ' is not allowed on ' + url);
		pages[url](res).catch((e) => respondError(res, 500, reason(e)));
	}

	const srv = http.createServer(handle);
	// Longer than nginx's upstream keepalive_timeout (60 s), so that
	// nginx, not the app, closes its idle connections.
	srv.keepAliveTimeout = 120000;
	srv.headersTimeout = 121000;
	srv.on('error', (e) => die('cannot serve on ' + conf.listen + ': ' + e.message));
	srv.listen(conf.addr.port, conf.addr.host, () => {
		process.stderr.write('uxapp: server ' + server + ' serving on ' + conf.listen +
		    ' (Node.js ' + process.version + '), ' + conf.threads +
		    ' connections per database; local database: ' + conf.local +
		    '; primary: ' + (same ? 'the local one' : conf.primary) + '; orders: ' +
		    (conf.payments !== undefined && conf.mail !== undefined &&
		    conf.mail_from !== undefined ? 'payments ' + conf.payments + ', mail ' +
		    conf.mail : 'not configured') + '\n');
	});

	const stop = (sig) => {
		process.stderr.write('uxapp: ' + sig + ', stopping\n');
		srv.close();
		srv.closeAllConnections();
		Promise.all(same ? [local.end()] : [local.end(), primary.end()])
		    .then(() => process.exit(0), () => process.exit(0));
	};
	// As strsignal(3) names them.
	process.on('SIGTERM', () => stop('Terminated'));
	process.on('SIGINT', () => stop('Interrupt'));
}

main();
