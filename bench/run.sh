#!/bin/sh
# make bench: time `jailnet up` + `jailnet down` of the example and of
# generated sites of 10, 50 and 100 servers (network and firewall, no
# services), side by side with the same network built by a script of ip(8)
# and nft(8) commands, in one run.
# Prints the ratio and the cost per server.  Root; leaves nothing behind.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jn=$top/build/jailnet
work=$top/build/bench
mkdir -p "$work"
cleanup() {
	for s in benchex bench10 bench50 bench100; do
		"$jn" down --purge "$work/$s" >/dev/null 2>&1 || true
		ip netns list 2>/dev/null | awk -v p="$s-" 'index($1, p) == 1 {print $1}' |
		    while read -r n; do ip netns del "$n"; done
	done
}
trap cleanup EXIT INT TERM
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# bench_site NAME DIR SERVERS
bench_site() {
	name=$1 dir=$2 n=$3
	"$jn" up -n "$dir" 2>/dev/null | awk -v dir="$work" -f "$top/bench/plan2ip.awk" >"$work/$name.up.sh"
	"$jn" up -n "$dir" 2>/dev/null | awk '$2 == "netns" { print "ip netns del " $3 }' >"$work/$name.down.sh"
	t0=$(now_ms)
	"$jn" up "$dir" --network-only >/dev/null 2>&1
	t1=$(now_ms)
	"$jn" down --purge "$dir" >/dev/null 2>&1
	t2=$(now_ms)
	sh -e "$work/$name.up.sh"
	t3=$(now_ms)
	sh -e "$work/$name.down.sh"
	t4=$(now_ms)
	jn_ms=$((t2 - t0))
	ip_ms=$((t4 - t2))
	steps=$(grep -c . "$work/$name.up.sh")
	printf '%-10s %4d servers %5d steps  jailnet up %6d ms down %5d ms  |  ip script up %6d ms down %5d ms  |  %5.1fx faster, jailnet %5.1f ms/server\n' \
	    "$name" "$n" "$steps" $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3)) \
	    "$(echo "$ip_ms $jn_ms" | awk '{ printf "%.1f", $1 / ($2 ? $2 : 1) }')" \
	    "$(echo "$jn_ms $n" | awk '{ printf "%.1f", $1 / $2 }')"
}

cp -R "$top/examples/uxtely" "$work/benchex.tmp" 2>/dev/null || true
rm -rf "$work/benchex" && mv "$work/benchex.tmp" "$work/benchex"
echo "jailnet up+down vs a script of ip and nft commands (network and firewall, services off; one run, same machine)"
bench_site example "$work/benchex" 2
for n in 10 50 100; do
	sh "$top/tools/gen-site.sh" "$n" "$work/bench$n"
	bench_site "bench$n" "$work/bench$n" "$n"
done
