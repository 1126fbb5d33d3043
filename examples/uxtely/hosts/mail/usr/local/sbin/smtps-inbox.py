#!/usr/bin/env python3
"""smtps-inbox: a stand-in for the mail provider, on the outside host
smtp.mail.example, for the example's POST /api/orders.

    python3 smtps-inbox.py --listen ADDR:PORT --cert FILE --key FILE --maildir DIR

Speaks SMTP over implicit TLS (SMTPS, the certificate and key in PEM) on
ADDR:PORT (an IP address, [IPv6]:PORT for IPv6), accepts every message
and stores it in the Maildir DIR (made if missing), with aiosmtpd's
X-Peer, X-MailFrom and X-RcptTo headers added.  The reply to DATA is
"250 2.0.0 Ok: queued as KEY", KEY the message's name in DIR/new.  One
line per message (from, to, subject) goes to stderr.  SIGTERM and SIGINT
stop it with exit status 0; bad arguments print the usage and exit 2.

Uses Debian's python3-aiosmtpd (1.4.3 in Debian 12): its SMTP protocol
on an asyncio server made with an ssl.SSLContext, and its Mailbox handler.
"""
import argparse
import asyncio
import ipaddress
import os
import signal
import ssl
import sys

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP


def say(msg):
    print("smtps-inbox: " + msg, file=sys.stderr, flush=True)


def printable(s, limit=200):
    """${s} with what is not printable ASCII as '?', at most ${limit} long."""
    s = "".join(c if " " <= c <= "~" else "?" for c in str(s))
    return s if len(s) <= limit else s[:limit] + "..."


class Inbox(Mailbox):
    """aiosmtpd's Mailbox handler that names the stored message in its
    reply and logs it."""

    async def handle_DATA(self, server, session, envelope):
        message = self.prepare_message(session, envelope)
        key = self.mailbox.add(message)
        say("stored %s: from %s to %s subject %s" % (
            key, printable(envelope.mail_from),
            printable(", ".join(envelope.rcpt_tos)),
            printable(message.get("Subject", ""))))
        return "250 2.0.0 Ok: queued as " + key


def listen_address(s):
    """"A.B.C.D:PORT" or "[V6]:PORT" as (host, port)."""
    host, sep, port = s.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
        port = int(port, 10)
    except ValueError:
        port = 0
    if not sep or not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            "must be ADDR:PORT (an IP address, [IPv6]:PORT), not %r" % s)
    return host, port


def main():
    p = argparse.ArgumentParser(prog="smtps-inbox.py",
                                description="SMTPS into a Maildir")
    p.add_argument("--listen", required=True, type=listen_address,
                   metavar="ADDR:PORT")
    p.add_argument("--cert", required=True, metavar="FILE")
    p.add_argument("--key", required=True, metavar="FILE")
    p.add_argument("--maildir", required=True, metavar="DIR")
    args = p.parse_args()   # exits 2 with the usage on a bad argument

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(args.cert, args.key)
    except (OSError, ssl.SSLError) as e:
        say("certificate %s, key %s: %s" % (args.cert, args.key, e))
        return 1
    try:
        # mailbox.Maildir makes tmp/, new/ and cur/ only with DIR itself.
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
        handler = Inbox(args.maildir)
    except OSError as e:
        say("maildir %s: %s" % (args.maildir, e))
        return 1

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    host, port = args.listen
    try:
        server = loop.run_until_complete(loop.create_server(
            lambda: SMTP(handler, hostname="smtps-inbox", loop=loop),
            host=host, port=port, ssl=ctx))
    except OSError as e:
        say("cannot serve on %s:%d: %s" % (host, port, e))
        return 1
    stopped = []
    for sig, name in ((signal.SIGTERM, "Terminated"),
                      (signal.SIGINT, "Interrupt")):
        loop.add_signal_handler(sig, lambda n=name: (stopped.append(n),
                                                     loop.stop()))
    say("serving smtps on %s, mail stored in %s" % (
        ("[%s]:%d" if ":" in host else "%s:%d") % (host, port), args.maildir))
    loop.run_forever()
    say("%s, stopping" % (stopped[0] if stopped else "stopped"))
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
