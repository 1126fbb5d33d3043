#!/bin/sh
# tools/demo.sh [SITE_DIR]   (`make demo` runs it; root, Debian 12; SITE_DIR
# relative to the repository)
#
# Bring up the example system of the "Jails Networking" write-up with its
# real services and show it working: installs the Debian packages that are
# missing (tools/install-deps.sh), builds, runs `jailnet up` on
# examples/uxtely (or SITE_DIR), waits until `jailnet health` passes for
# every server (at most 60 s), then prints a short tour, each step a
# command and its real output: a client resolves the domain through the
# simulated DNS and fetches the page over TLS; a note written on server b
# is read on a (primary) and b (replica); a client opening more than 100
# connections in 10 s is cut off by pf and let back in; server b is drained
# from DNS and restored.  The site stays up; the end says how to look
# around and take it down.  Safe to run again: `up` on a running site says
# so and the tour runs again.
set -eu
cd "$(dirname "$0")/.."
site=${1:-examples/uxtely}
name=$(basename "$site")
jn=build/jailnet
logs=/run/jailnet/$name/log
ca=/var/lib/jailnet/$name/tls/ca.crt
c1=$name-host-client1
c2=$name-host-client2
dom=uxtely.example
ns=203.0.113.53
ip_a=192.0.2.155
ip_b=192.0.2.165

[ "$(id -u)" = 0 ] || { echo "demo: run as root" >&2; exit 1; }
sh tools/install-deps.sh
make -s build/jailnet

# step TITLE COMMAND: print the title and the command, then run it (by
# eval, so the command shown is exactly what runs).  Its failure is shown,
# not fatal: the tour goes on.
step() {
	printf '\n== %s\n# %s\n' "$1" "$2"
	eval "$2" 2>&1 || echo "(exit status $?)"
}

echo "== $jn up $site"
if ! $jn up "$site"; then
	echo "demo: jailnet up failed (above); logs in $logs/" >&2
	exit 1
fi

printf '\n== waiting until jailnet health passes (at most 60 s)\n'
n=0
until $jn health "$site" >/tmp/jailnet-demo-health.$$ 2>&1; do
	n=$((n + 1))
	if [ "$n" -ge 60 ]; then
		cat /tmp/jailnet-demo-health.$$ >&2
		rm -f /tmp/jailnet-demo-health.$$
		cat >&2 <<MSG
demo: the services did not pass the health check in 60 s.
  Their logs are in $logs/ (SERVER.JAIL.NAME.log per service and pipe);
  the site is still up: look with $jn status $site,
  take it down with $jn down $site.
MSG
		exit 1
	fi
	sleep 1
done
cat /tmp/jailnet-demo-health.$$
rm -f /tmp/jailnet-demo-health.$$
echo "(healthy after about $n s)"

step "a visitor (client1) asks the simulated DNS (nsd on host ns) for $dom" \
    "ip netns exec $c1 dig +short @$ns $dom A"
first=$(ip netns exec "$c1" dig +short @$ns $dom A | head -n 1)
[ -n "$first" ] || first=$ip_a
step "and fetches the page over TLS from the first answer, $first (the site CA is trusted)" \
    "ip netns exec $c1 curl -sS --max-time 5 --cacert $ca --resolve $dom:443:$first https://$dom/ | grep -E 'Served by|Read from'"
step "which server answered, which database it reads, in recovery or not" \
    "ip netns exec $c1 curl -sS --max-time 5 --cacert $ca --resolve $dom:443:$first https://$dom/api/info"
step "the app behind nginx: Node.js in node_j, as nobody (the built-in node service)" \
    "$jn exec $site a/node_j -- ps -C node -o user,pid,args"
step "port 80 redirects to https" \
    "ip netns exec $c1 curl -sS -o /dev/null --max-time 5 -w '%{http_code} %{redirect_url}\n' --resolve $dom:80:$first http://$dom/"

text="written on b at $(date +%H:%M:%S)"
step "a write sent to server b: its app writes to a's primary through the N2P spiped tunnel" \
    "ip netns exec $c1 curl -sS --max-time 5 --cacert $ca --resolve $dom:443:$ip_b -H 'Content-Type: application/json' -d '{\"text\": \"$text\"}' https://$dom/api/notes"
step "read back on server a (the primary); newest note first" \
    "ip netns exec $c1 curl -sS --max-time 5 --cacert $ca --resolve $dom:443:$ip_a https://$dom/api/notes | head -n 14"
# The standby replays it within moments; wait at most 10 s for it.
n=0
while [ "$n" -lt 20 ] && ! ip netns exec "$c1" curl -sS --max-time 2 \
    --cacert "$ca" --resolve "$dom:443:$ip_b" "https://$dom/api/notes" 2>/dev/null |
    grep -q "$text"; do
	n=$((n + 1))
	sleep 0.5
done
step "and on server b, from its hot standby (streamed from a through PGC -> PGS)" \
    "ip netns exec $c1 curl -sS --max-time 5 --cacert $ca --resolve $dom:443:$ip_b https://$dom/api/notes | head -n 14"
step "an order on server b: its app resolves the providers through ns, charges at payments (HTTPS) and mails the buyer by mail (SMTPS), each through b's pf and nat" \
    "ip netns exec $c1 curl -sS --max-time 20 --cacert $ca --resolve $dom:443:$ip_b -H 'Content-Type: application/json' -d '{\"email\": \"ann@example.org\", \"amount\": 1250, \"item\": \"a mug\"}' https://$dom/api/orders"
step "what the payment provider logged (the charge came from b's public address)" \
    "tail -n 1 /var/lib/jailnet/$name/data/host/payments/var/log/payments.log"
step "with payments taken out of a's <payments> table, a's pf drops the app's way out, and the app says so" \
    "$jn pfctl $site --server a -t payments -T delete 203.0.113.80; ip netns exec $c1 curl -sS --max-time 20 --cacert $ca --resolve $dom:443:$ip_a -H 'Content-Type: application/json' -d '{\"email\": \"ann@example.org\", \"amount\": 1250, \"item\": \"a mug\"}' https://$dom/api/orders; $jn pfctl $site --server a -t payments -T add 203.0.113.80"

# Let client2 in, should an interrupted earlier run have left it listed.
$jn pfctl "$site" --server a -t ratelimit -T expire 0 >/dev/null 2>&1 || :
step "the rate limit: client2 opens up to 110 connections to server a as fast as one curl can, stopping at the first without an answer (pf allows 100 in 10 s); status codes counted" \
    "timeout 60 ip netns exec $c2 curl -s -o /dev/null -w '%{http_code}\n' --fail-early --connect-timeout 1 --max-time 2 -H 'Connection: close' --resolve $dom:80:$ip_a 'http://$dom/?n=[1-110]' | sort | uniq -c"
step "pf put client2 in its <ratelimit> table (a live nftables set)" \
    "$jn pfctl $site --server a -t ratelimit -T show"
step "client2 is cut off (000: no answer); client1 is still served" \
    "ip netns exec $c2 curl -s -o /dev/null --connect-timeout 1 --max-time 2 -w 'client2: %{http_code}\n' --cacert $ca --resolve $dom:443:$ip_a https://$dom/; ip netns exec $c1 curl -s -o /dev/null --connect-timeout 1 --max-time 2 -w 'client1: %{http_code}\n' --cacert $ca --resolve $dom:443:$ip_a https://$dom/"
step "expire every entry older than 0 s: client2 is back" \
    "$jn pfctl $site --server a -t ratelimit -T expire 0; ip netns exec $c2 curl -s -o /dev/null --connect-timeout 1 --max-time 2 -w 'client2: %{http_code}\n' --cacert $ca --resolve $dom:443:$ip_a https://$dom/"

step "drain server b: its A record leaves the zone (resolvers may keep it for the TTL)" \
    "$jn dns $site drain b"
step "new lookups get only a" \
    "ip netns exec $c1 dig +short @$ns $dom A"
step "restore b" \
    "$jn dns $site restore b"
step "both again" \
    "ip netns exec $c1 dig +short @$ns $dom A"

cat <<MSG

== the example is up; look around
  $jn status $site
  $jn health $site --watch
  $jn show $site --dot | dot -Tsvg >$name.svg
  $jn exec $site b/pg_j -- ps ax
  $jn pf $site --server a
  ls $logs/
  ip netns exec $c1 curl --cacert $ca --resolve $dom:443:$ip_b https://$dom/
Take it down (the notes and databases stay in /var/lib/jailnet/$name for
the next up; --purge deletes them):
  $jn down $site
  $jn down --purge $site
MSG
