#!/bin/sh
# Bring up the example system of the "Jails Networking" write-up on a fresh
# Debian machine, as root: its two servers, bridges, epairs, jails, the
# simulated internet and LAN, and the spiped tunnels between the servers.
# The real services (nginx, the app, PostgreSQL) and loading the firewall
# into the servers come next; until then the demo runs --no-services.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
make -s build/jailnet
jn=build/jailnet
site=examples/uxtely
echo "== jailnet check $site"
$jn check $site
echo
echo "== jailnet up $site --no-services"
$jn up $site --no-services
echo
echo "== jailnet status $site"
$jn status $site || true
echo
echo "== what pf does with a visitor's HTTPS connection to server a"
$jn pf $site --server a --test 'in on xnic tcp from 198.51.100.7 port 40000 to 192.0.2.155 port 443 flags S' || true
echo
echo "== and with a visitor trying PostgreSQL"
$jn pf $site --server a --test 'in on xnic tcp from 198.51.100.7 port 40000 to 192.0.2.155 port 5432 flags S' || true
cat <<MSG

The example is up.  Look around:
  $jn show $site
  $jn exec $site b/node_j -- ip -br addr
  $jn exec $site b/node_j -- ping -c1 192.168.56.40    # across the private LAN to server a's pg_j
  ip netns list
Take it down:
  $jn down $site
MSG
