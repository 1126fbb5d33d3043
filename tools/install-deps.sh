#!/bin/sh
# Install the Debian packages jailnet needs to build, test and run, if any
# is missing.  Idempotent; run as root.  The README says why each is here.
set -eu

PACKAGES="
build-essential
pkg-config
clang
libclang-rt-dev
libjansson-dev
libmnl-dev
libnftables-dev
libnetfilter-log-dev
nftables
iproute2
iputils-ping
procps
python3
spiped
libssl-dev
libseccomp-dev
libpq-dev
libmicrohttpd-dev
nginx
postgresql-15
openssh-client
openssh-server
curl
tcpdump
mandoc
groff-base
libcurl4-openssl-dev
nsd
openssl
graphviz
bind9-dnsutils
wrk
time
jq
debhelper
lintian
nodejs
python3-aiosmtpd
"
# python3-aiosmtpd: the SMTP server and Maildir handler of the example's
# stand-in mail provider (examples/uxtely/hosts/mail/.../smtps-inbox.py).

missing=
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "jailnet: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm, for the modules below: Debian's nodejs needs the npm package;
# nodesource's nodejs brings its own npm, which the package would clash with.
if ! command -v npm >/dev/null 2>&1; then
	echo "jailnet: installing: npm"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

# The Node.js modules of the example's app (pg, nodemailer), exactly as
# the lock file beside its app.js pins them (integrity hashes; on FreeBSD, npm ci in
# /usr/local/www uses it), under /usr/lib/jailnet, which every jail's view
# of /usr shows: installed here, never fetched while a site runs.  Again
# only when the lock file changed.
app=$(cd "$(dirname "$0")/.." && pwd)/examples/uxtely/common/jails/node_j/usr/local/www
mods=/usr/lib/jailnet
if ! cmp -s "$app/package-lock.json" "$mods/package-lock.json" ||
    [ ! -f "$mods/node_modules/pg/package.json" ]; then
	echo "jailnet: installing the Node.js modules in $mods"
	mkdir -p "$mods"
	cp "$app/package.json" "$app/package-lock.json" "$mods/"
	(cd "$mods" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
	    --loglevel=error >/dev/null)
	chmod -R a+rX "$mods"
fi
