// payments.js: a stand-in for the payment provider's API, on the outside
// host api.payments.example, for the example's POST /api/orders.
//
//   node payments.js --listen ADDR:PORT --cert FILE --key FILE --log FILE
//
// Serves HTTPS (the certificate and key in PEM) on ADDR:PORT (an IP
// address, [IPv6]:PORT for IPv6):
//   POST /v1/charges  a JSON object, at most 4096 bytes, with "amount" an
//                     integer > 0 (and optionally "currency", "description",
//                     "receipt_email", strings): 201 and
//                     {"id": "ch_" + 16 hex digits, "status": "succeeded",
//                      "amount", "currency", "description", "receipt_email"};
//                     one JSON line per charge appended to the log file
//                     (made 0644 if missing).  A bad body gets 400 with
//                     {"error": WHY}, a larger one 413.
// Other paths get 404, other methods on /v1/charges 405.  SIGTERM and
// SIGINT stop it with exit status 0; bad arguments print the usage and
// exit 2.  Built-in modules only.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
const net = require('net');

const MAX_BODY = 4096;
const USAGE = 'usage: node payments.js --listen ADDR:PORT --cert FILE --key FILE --log FILE\n';

function usage(why) {
	process.stderr.write('payments: ' + why + '\n' + USAGE);
	process.exit(2);
}

function die(msg) {
	process.stderr.write('payments: ' + msg + '\n');
	process.exit(1);
}

// --listen ADDR:PORT --cert FILE --key FILE --log FILE, each once.
function parseArgs(argv) {
	const opts = {};
	const known = ['--listen', '--cert', '--key', '--log'];
	for (let i = 0; i < argv.length; i += 2) {
		if (!known.includes(argv[i]))
			usage('unknown argument ' + JSON.stringify(argv[i]));
		if (i + 1 >= argv.length)
			usage(argv[i] + ' needs a value');
		if (opts[argv[i].slice(2)] !== undefined)
			usage(argv[i] + ' given twice');
		opts[argv[i].slice(2)] = argv[i + 1];
	}
	for (const k of known)
		if (opts[k.slice(2)] === undefined)
			usage('no ' + k);
	const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(opts.listen);
	const host = m && (m[1] || m[2]);
	if (!m || net.isIP(host) === 0 || +m[3] < 1 || +m[3] > 65535)
		usage('--listen must be ADDR:PORT (an IP address, [IPv6]:PORT), not ' +
		    JSON.stringify(opts.listen));
	opts.host = host;
	opts.port = +m[3];
	return opts;
}

function readPem(what, path) {
	try {
		return fs.readFileSync(path);
	} catch (e) {
		die(what + ' ' + path + ': ' + e.message);
	}
}

function main() {
	const opts = parseArgs(process.argv.slice(2));
	const cert = readPem('certificate', opts.cert);
	const key = readPem('key', opts.key);
	// The log is opened once, to fail at start if it cannot be written.
	let logFd;
	try {
		logFd = fs.openSync(opts.log, 'a', 0o644);
	} catch (e) {
		die('log ' + opts.log + ': ' + e.message);
	}

	function send(res, status, obj) {
		const body = Buffer.from(JSON.stringify(obj) + '\n', 'utf8');
		res.writeHead(status, { 'Content-Type': 'application/json',
		    'Content-Length': body.length });
		res.end(body);
	}

	function charge(req, res, body) {
		let input;
		try {
			input = JSON.parse(body.toString('utf8'));
		} catch (e) {
			return send(res, 400, { error: 'the body is not JSON: ' + e.message });
		}
		if (input === null || typeof input !== 'object' || Array.isArray(input))
			return send(res, 400, { error: 'expected a JSON object' });
		if (!Number.isInteger(input.amount) || input.amount <= 0)
			return send(res, 400, { error: "'amount' must be an integer > 0" });
		for (const k of ['currency', 'description', 'receipt_email'])
			if (input[k] !== undefined && typeof input[k] !== 'string')
				return send(res, 400, { error: "'" + k + "' must be a string" });
		const ch = {
			id: 'ch_' + crypto.randomBytes(8).toString('hex'),
			status: 'succeeded',
			amount: input.amount,
			currency: input.currency !== undefined ? input.currency : 'eur',
			description: input.description !== undefined ? input.description : '',
			receipt_email: input.receipt_email !== undefined ? input.receipt_email : null,
		};
		const line = Object.assign({ time: new Date().toISOString(),
		    from: req.socket.remoteAddress }, ch);
		try {
			fs.writeSync(logFd, JSON.stringify(line) + '\n');
		} catch (e) {
			return send(res, 500, { error: 'log ' + opts.log + ': ' + e.message });
		}
		send(res, 201, ch);
	}

	const srv = https.createServer({ cert: cert, key: key }, (req, res) => {
		const path = req.url.split('?')[0];
		if (path !== '/v1/charges')
			return send(res, 404, { error: 'no such path: ' + path });
		if (req.method !== 'POST')
			return send(res, 405, { error: req.method + ' is not allowed on ' + path });
		const chunks = [];
		let len = 0;
		req.on('data', (d) => {
			len += d.length;
			if (len <= MAX_BODY)
				chunks.push(d);
		});
		req.on('end', () => {
			if (len > MAX_BODY)
				return send(res, 413, { error: 'the body is larger than ' +
				    MAX_BODY + ' bytes' });
			charge(req, res, Buffer.concat(chunks));
		});
	});
	srv.on('error', (e) => die('cannot serve on ' + opts.listen + ': ' + e.message));
	srv.listen(opts.port, opts.host, () => {
		process.stderr.write('payments: serving https on ' + opts.listen +
		    ', charges logged to ' + opts.log + '\n');
	});

	const stop = (sig) => {
		process.stderr.write('payments: ' + sig + ', stopping\n');
		srv.close();
		srv.closeAllConnections();
		process.exit(0);
	};
	process.on('SIGTERM', () => stop('Terminated'));
	process.on('SIGINT', () => stop('Interrupt'));
}

main();
