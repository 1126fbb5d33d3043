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
"

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
