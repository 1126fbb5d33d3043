#!/bin/sh
# bench/web.sh (make bench): requests per second and latency of the
# example's whole web path, client -> rdr -> nginx -> app -> PostgreSQL,
# with wrk, side by side in one run:
#   jailnet   a copy of examples/uxtely brought up with its services under
#             its own site name; wrk runs in the outside host client1's
#             namespace against https://192.0.2.155/api/notes (server a's
#             public address: pf's rdr to nginx_j, the jails, the epairs,
#             the firewall)
#   loopback  tools/loopback.sh: the same nginx.conf, uxapp and PostgreSQL
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
# WEB_DURATION (s, default 10), WEB_CONNS (8), WEB_THREADS (2).  Root.
# Leaves nothing behind: the copy is taken down with --purge and removed,
# loopback.sh removes what it made.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
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
if [ ! -x "$jn" ] || [ ! -x "$top/build/libexec/uxapp" ]; then
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
"$jn" pfctl "$site" --server a -t ratelimit -T expire 0 >/dev/null 2>&1
say "wrk ${dur} s from client1 to https://$ip_a/api/notes"
wrk_run "$c1" "https://$ip_a/api/notes" "$out/jailnet.wrk"
"$jn" pfctl "$site" --server a -t ratelimit -T show >"$out/ratelimit" 2>&1
"$jn" down --purge "$site" >/dev/null 2>&1

# --- loopback: the same services without jails or firewall.  The
# command runs in the harness's environment (LB_NS_A, LB_CA).
say "the same on loopback (tools/loopback.sh)"
export WEB_OUT="$out" WEB_DOM="$dom"
sh "$top/tools/loopback.sh" sh -c '
	set -e
	for i in 1 2 3 4 5; do
		ip netns exec "$LB_NS_A" curl -fsS -o /dev/null --max-time 5 \
		    --cacert "$LB_CA" --resolve "$WEB_DOM:443:10.0.2.20" \
		    -H "Content-Type: application/json" \
		    -d "{\"text\": \"bench note $i\"}" "https://$WEB_DOM/api/notes"
	done
	ip netns exec "$LB_NS_A" wrk -t "$0" -c "$1" -d "$2s" --latency \
	    -H "Host: $WEB_DOM" https://10.0.2.20/api/notes \
	    >"$WEB_OUT/loopback.wrk" 2>&1
' "$threads" "$conns" "$dur" 2>"$out/loopback.log" ||
    { tail -n 20 "$out/loopback.log" >&2; say "loopback run failed"; exit 1; }

for f in jailnet loopback; do
	echo "--- $f: wrk -t$threads -c$conns -d${dur}s --latency -H 'Host: $dom'"
	cat "$out/$f.wrk"
done

# summary FILE LABEL: one line from wrk's output.
summary() {
	awk -v label="$2" '
	/^ *Latency / && !lat { avg = $2; lat = 1 }
	$1 == "50%" { p50 = $2 } $1 == "90%" { p90 = $2 } $1 == "99%" { p99 = $2 }
	/^Requests\/sec:/ { rps = $2 }
	/^ *Non-2xx/ { bad = $NF }
	/^ *Socket errors/ { err = $0; sub(/^ *Socket errors: */, "", err) }
	END {
		printf "%-34s %9s req/s  latency avg %8s p50 %8s p90 %8s p99 %8s", \
		    label, rps, avg, p50, p90, p99
		if (bad != "") printf "  non-2xx %s", bad
		if (err != "") printf "  socket errors: %s", err
		printf "\n"
	}' "$1"
}
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }

echo
echo "web: GET /api/notes (reads PostgreSQL), TLS, $conns keep-alive connections, $threads threads, $dur s each"
summary "$out/jailnet.wrk" "jailnet (client1 -> rdr -> jails)"
summary "$out/loopback.wrk" "loopback (no jails, no firewall)"
rj=$(rps "$out/jailnet.wrk")
rl=$(rps "$out/loopback.wrk")
if [ -z "$rj" ] || [ -z "$rl" ]; then
	say "wrk printed no Requests/sec"
	exit 1
fi
awk -v j="$rj" -v l="$rl" 'BEGIN {
	printf "jailnet / loopback: %.2f of the requests per second\n", j / l }'
if grep -q '198\.51\.100\.7' "$out/ratelimit"; then
	say "client1 was put in <ratelimit> during the run: the jailnet numbers are cut short"
	exit 1
fi
