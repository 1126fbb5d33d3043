#!/bin/sh
# make bench: time `jailnet up` + `jailnet down` of the example and of
# generated sites of 10, 50 and 100 servers (network and firewall, no
# services), side by side with the same network built by a script of ip(8)
# and nft(8) commands (bench/plan2ip.awk turns the plan into it), in one
# run.  First, for each site, both builds are snapshotted
# (bench/netsnap.sh: links, addresses, routes, nft rulesets, sysctls) and
# must be identical, else the benchmark stops: a faster build of another
# network proves nothing.  Then BENCH_RUNS (5) rounds, each timing jailnet
# up, down, the script's up and down in turn; every figure is printed as
# minimum, median and maximum of the rounds, the ratio from each round's
# own pair.  Root; leaves nothing behind.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jn=$top/build/jailnet
work=$top/build/bench
. "$top/bench/spread.sh"
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

# same_network NAME DIR: build the network both ways once and compare.
same_network() {
	name=$1 dir=$2 prefix=$(basename "$2")
	"$jn" up "$dir" --network-only >/dev/null 2>&1 ||
	    { echo "bench: jailnet up $dir failed" >&2; exit 1; }
	sh "$top/bench/netsnap.sh" "$prefix" "$work/$name.plan" >"$work/$name.jn.snap"
	"$jn" down --purge "$dir" >/dev/null 2>&1
	sh -e "$work/$name.up.sh"
	sh "$top/bench/netsnap.sh" "$prefix" "$work/$name.plan" >"$work/$name.ip.snap"
	sh -e "$work/$name.down.sh"
	if ! cmp -s "$work/$name.jn.snap" "$work/$name.ip.snap"; then
		echo "bench: $name: the ip/nft script does not build the network jailnet builds:" >&2
		diff "$work/$name.jn.snap" "$work/$name.ip.snap" | head -n 20 >&2
		exit 1
	fi
	awk '/^== / { ns++ } /^link / { l++ } /^addr / { a++ }
	    /^route/ { r++ } /^nft / { n++ }
	    END { printf "  same network both ways: %d namespaces, %d links, %d addresses, %d routes, %d lines of nft rulesets (bench/netsnap.sh)\n", ns, l, a, r, n }' \
	    "$work/$name.jn.snap"
}

# bench_site NAME DIR SERVERS
bench_site() {
	name=$1 dir=$2 n=$3
	"$jn" up -n "$dir" 2>/dev/null >"$work/$name.plan"
	awk -v dir="$work" -f "$top/bench/plan2ip.awk" "$work/$name.plan" >"$work/$name.up.sh"
	awk '$2 == "netns" { print "ip netns del " $3 }' "$work/$name.plan" >"$work/$name.down.sh"
	steps=$(grep -c . "$work/$name.up.sh")
	echo "$name: $n servers, $steps steps"
	same_network "$name" "$dir"
	rm -f "$work/$name".t-*
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now_ms)
		"$jn" up "$dir" --network-only >/dev/null 2>&1
		t1=$(now_ms)
		"$jn" down --purge "$dir" >/dev/null 2>&1
		t2=$(now_ms)
		sh -e "$work/$name.up.sh"
		t3=$(now_ms)
		sh -e "$work/$name.down.sh"
		t4=$(now_ms)
		echo $((t1 - t0)) >>"$work/$name.t-jnup"
		echo $((t2 - t1)) >>"$work/$name.t-jndown"
		echo $((t3 - t2)) >>"$work/$name.t-ipup"
		echo $((t4 - t3)) >>"$work/$name.t-ipdown"
		awk -v i=$((t4 - t2)) -v j=$((t2 - t0)) \
		    'BEGIN { printf "%.2f\n", i / (j ? j : 1) }' >>"$work/$name.t-ratio"
		awk -v j=$((t2 - t0)) -v n="$n" \
		    'BEGIN { printf "%.1f\n", j / n }' >>"$work/$name.t-perserver"
		i=$((i + 1))
	done
	printf '  %-36s %s ms\n' "jailnet up" "$(spread %d <"$work/$name.t-jnup")"
	printf '  %-36s %s ms\n' "jailnet down" "$(spread %d <"$work/$name.t-jndown")"
	printf '  %-36s %s ms\n' "ip script up" "$(spread %d <"$work/$name.t-ipup")"
	printf '  %-36s %s ms\n' "ip script down" "$(spread %d <"$work/$name.t-ipdown")"
	printf '  %-36s %s x\n' "script / jailnet (up+down, per round)" "$(spread %.1f <"$work/$name.t-ratio")"
	printf '  %-36s %s ms\n' "jailnet per server (up+down)" "$(spread %.1f <"$work/$name.t-perserver")"
}

cp -R "$top/examples/uxtely" "$work/benchex.tmp" 2>/dev/null || true
rm -rf "$work/benchex" && mv "$work/benchex.tmp" "$work/benchex"
echo "jailnet up+down vs a script of ip and nft commands (network and firewall, services off; $runs rounds each, same machine, one run)"
bench_site example "$work/benchex" 2
for n in 10 50 100; do
	sh "$top/tools/gen-site.sh" "$n" "$work/bench$n"
	bench_site "bench$n" "$work/bench$n" "$n"
done
