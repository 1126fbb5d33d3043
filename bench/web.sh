#!/bin/sh
# bench/web.sh (make bench): requests per second and latency of the
# example's whole web path, client -> rdr -> nginx -> app -> PostgreSQL,
# with wrk, side by side in one run:
#   jailnet   a copy of examples/uxtely brought up with its services under
#             its own site name; wrk runs in the outside host client1's
#             namespace against https://192.0.2.155/api/notes (server a's
#             public address: pf's rdr to nginx_j, the jails, the epairs,
#             the firewall)
#   loopback  tools/loopback.sh: the same nginx.conf, Node.js app (app.js) and PostgreSQL
#             in a plain namespace, every "cable" on lo, no jails, no
#             firewall; wrk in that namespace against https://10.0.2.20/...
# Same URL path, Host header (uxtely.example), duration, connections and
# threads.  GET /api/notes reads the 20 newest notes from the local
# PostgreSQL (a's primary); both databases get the same 5 notes first.
# wrk does not verify certificates; the Host header picks nginx's server
# (its only TLS server, the default one, so the SNI of the bare address
# does not matter).
#
# pf's rate limit (max-src-conn-rate 100/10) cuts off a client that opens
# more than 100 connections in 10 s: wrk keeps WEB_CONNS keep-alive
# connections open and only reconnects when nginx closes one after 1,000
# requests (keepalive_requests), so keep WEB_CONNS well under 100.  The
# script checks afterwards that client1 did not land in <ratelimit>.
#
# BENCH_RUNS rounds (5), each one wrk run per side, alternating; every
# figure is the minimum, median and maximum of the rounds, the ratio that
# of each round's pair.
# WEB_DURATION (s, default 10), WEB_CONNS (8), WEB_THREADS (2).  Root.
# Leaves nothing behind: the copy is taken down with --purge and removed,
# loopback.sh removes what it made.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/spread.sh"
jn=$top/build/jailnet
dur=${WEB_DURATION:-10}
conns=${WEB_CONNS:-8}
threads=${WEB_THREADS:-2}
name=web$$
site=$top/build/bench/$name
out=$top/build/bench/$name.out
dom=uxtely.example
ip_a=192.0.2.155
c1=$name-host-client1
ca=/var/lib/jailnet/$name/tls/ca.crt

say() { echo "bench/web: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
for c in wrk curl nginx; do
	command -v "$c" >/dev/null 2>&1 ||
	    { say "$c is missing: sh tools/install-deps.sh"; exit 1; }
done
if [ ! -x "$jn" ]; then
	say "build first: make"
	exit 1
fi
[ "$conns" -lt 100 ] ||
    { say "WEB_CONNS=$conns: pf cuts off 100 connections in 10 s"; exit 1; }

cleanup() {
	status=$?
	trap - EXIT INT TERM HUP
	"$jn" down --purge "$site" >/dev/null 2>&1 || :
	rm -rf "$site" "$out"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$out"
rm -rf "$site"
cp -R "$top/examples/uxtely" "$site"

# wrk_run NETNS URL FILE: the measurement.
wrk_run() {
	ip netns exec "$1" wrk -t "$threads" -c "$conns" -d "${dur}s" \
	    --latency -H "Host: $dom" "$2" >"$3" 2>&1
}

# seed NETNS ADDRESS CA: 5 notes written through nginx.
seed() {
	for i in 1 2 3 4 5; do
		ip netns exec "$1" curl -fsS -o /dev/null --max-time 5 \
		    --cacert "$3" --resolve "$dom:443:$2" \
		    -H 'Content-Type: application/json' \
		    -d "{\"text\": \"bench note $i\"}" "https://$dom/api/notes" ||
		    return 1
	done
}

# --- jailnet: the copy up with its services.
say "up $name (a copy of examples/uxtely) with its services"
"$jn" up "$site" >"$out/up.log" 2>&1 || { cat "$out/up.log" >&2; exit 1; }
n=0
until "$jn" health "$site" >"$out/health.log" 2>&1; do
	n=$((n + 1))
	if [ "$n" -ge 60 ]; then
		cat "$out/health.log" >&2
		say "$name not healthy in 60 s; logs in /run/jailnet/$name/log/"
		exit 1
	fi
	sleep 1
done
seed "$c1" "$ip_a" "$ca" || { say "writing notes on $name failed"; exit 1; }

# --- loopback: the same services without jails or firewall, up beside
# the jailnet copy.  The command runs in the harness's environment
# (LB_NS_A, LB_CA) and alternates the two sides, round by round, so that
# both meet the same moments of a noisy machine.  Before each jailnet
# round <ratelimit> is emptied; after it, checked.
say "the same on loopback (tools/loopback.sh); $runs rounds of ${dur} s each side"
export WEB_OUT="$out" WEB_DOM="$dom" WEB_JN="$jn" WEB_SITE="$site" \
    WEB_C1="$c1" WEB_IP_A="$ip_a" WEB_RUNS="$runs"
# The app the jails run: the example's Node.js one.
UXAPP=$top/examples/uxtely/common/jails/node_j/usr/local/www/app.js \
    sh "$top/tools/loopback.sh" sh -c '
	set -e
	for i in 1 2 3 4 5; do
		ip netns exec "$LB_NS_A" curl -fsS -o /dev/null --max-time 5 \
		    --cacert "$LB_CA" --resolve "$WEB_DOM:443:10.0.2.20" \
		    -H "Content-Type: application/json" \
		    -d "{\"text\": \"bench note $i\"}" "https://$WEB_DOM/api/notes"
	done
	i=1
	while [ "$i" -le "$WEB_RUNS" ]; do
		"$WEB_JN" pfctl "$WEB_SITE" --server a -t ratelimit -T expire 0 \
		    >/dev/null 2>&1
		ip netns exec "$WEB_C1" wrk -t "$0" -c "$1" -d "$2s" --latency \
		    -H "Host: $WEB_DOM" "https://$WEB_IP_A/api/notes" \
		    >"$WEB_OUT/jailnet.$i.wrk" 2>&1
		"$WEB_JN" pfctl "$WEB_SITE" --server a -t ratelimit -T show \
		    >>"$WEB_OUT/ratelimit" 2>&1
		ip netns exec "$LB_NS_A" wrk -t "$0" -c "$1" -d "$2s" --latency \
		    -H "Host: $WEB_DOM" https://10.0.2.20/api/notes \
		    >"$WEB_OUT/loopback.$i.wrk" 2>&1
		i=$((i + 1))
	done
' "$threads" "$conns" "$dur" 2>"$out/loopback.log" ||
    { tail -n 20 "$out/loopback.log" >&2; say "loopback run failed"; exit 1; }
"$jn" down --purge "$site" >/dev/null 2>&1

for f in jailnet loopback; do
	echo "--- $f, round 1 of $runs: wrk -t$threads -c$conns -d${dur}s --latency -H 'Host: $dom'"
	cat "$out/$f.1.wrk"
done

# figure SIDE FIELD: FIELD of every round of SIDE's wrk output, one per
# line (rps; avg, p50, p90, p99 in ms).  wrk prints latencies with units.
figure() {
	i=1
	while [ "$i" -le "$runs" ]; do
		awk -v want="$2" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/^ *Latency / && !lat { avg = ms($2); lat = 1 }
		$1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/^Requests\/sec:/ { rps = $2 }
		/^ *Non-2xx/ { bad += $NF }
		/^ *Socket errors/ { err = 1 }
		END {
			if (rps == "") exit 1
			if (want == "rps") print rps
			else if (want == "avg") print avg
			else if (want == "p50") print p50
			else if (want == "p90") print p90
			else if (want == "p99") print p99
			else if (want == "bad") print bad + 0
		}' "$out/$1.$i.wrk" || { say "$1 round $i: wrk printed no Requests/sec"; exit 1; }
		i=$((i + 1))
	done
}

echo
echo "web: GET /api/notes (reads PostgreSQL), TLS, $conns keep-alive connections, $threads threads, $dur s per round, $runs rounds each side, alternating"
for side in jailnet loopback; do
	if [ "$side" = jailnet ]; then label="jailnet (client1 -> rdr -> jails)"
	else label="loopback (no jails, no firewall)"; fi
	echo "$label"
	printf '  %-12s %s\n' "req/s" "$(figure "$side" rps | spread %.0f)"
	for f in avg p50 p90 p99; do
		printf '  %-12s %s ms\n' "latency $f" "$(figure "$side" "$f" | spread %.2f)"
	done
	bad=$(figure "$side" bad | awk '{ s += $1 } END { print s + 0 }')
	[ "$bad" -eq 0 ] || say "$side: $bad non-2xx responses"
done
figure jailnet rps >"$out/rj"
figure loopback rps >"$out/rl"
printf 'jailnet / loopback, requests per second of each round'"'"'s pair: %s\n' \
    "$(paste "$out/rj" "$out/rl" | awk '{ printf "%.3f\n", $1 / $2 }' | spread %.2f)"
if grep -q '198\.51\.100\.7' "$out/ratelimit"; then
	say "client1 was put in <ratelimit> during a round: the jailnet numbers are cut short"
	exit 1
fi
