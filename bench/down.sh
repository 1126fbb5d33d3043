#!/bin/sh
# bench/down.sh [JAILNET...]: time `jailnet down` of the example with its
# services (spiped pipes, PostgreSQL, the Node.js app, nginx, NSD), BENCH_RUNS (5)
# rounds per binary (default build/jailnet), minimum, median and maximum.
# Each round: `up`, wait until every process runs and both PostgreSQL
# clusters answer, then `down`, timed; then check that both clusters were
# shut down cleanly (pg_controldata: "shut down" / "shut down in
# recovery") and that no namespace of the site is left.  Give two binaries
# (before, after) to see them side by side.  Root; leaves nothing behind.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/bench
runs=${BENCH_RUNS:-5}
site=$work/benchdown
pgctl=$(ls /usr/lib/postgresql/*/bin/pg_controldata | tail -n 1)
[ $# -gt 0 ] || set -- "$top/build/jailnet"
mkdir -p "$work"
cleanup() {
	"$1" down --purge "$site" >/dev/null 2>&1 || true
}
trap 'cleanup "$jn"' EXIT INT TERM
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rm -rf "$site"
cp -R "$top/examples/uxtely" "$site"
for jn in "$@"; do
	cleanup "$jn"
	: >"$work/down.t"
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$jn" up "$site" >/dev/null
		# Every process running, both clusters accepting connections.
		k=0
		until n=$(grep -c ' running ' /run/jailnet/benchdown/procs 2>/dev/null) ||
		    true; [ "${n:-0}" -eq 15 ] &&
		    ip netns exec benchdown-a-pg_j ss -Hltn 'sport = :5432' | grep -q . &&
		    ip netns exec benchdown-b-pg_j ss -Hltn 'sport = :5432' | grep -q .; do
			k=$((k + 1))
			[ "$k" -lt 600 ] || { echo "bench: site not up after 30 s" >&2; exit 1; }
			sleep 0.05
		done
		t0=$(now_ms)
		"$jn" down "$site" >/dev/null
		t1=$(now_ms)
		echo $((t1 - t0)) >>"$work/down.t"
		for s in a b; do
			d=/var/lib/jailnet/benchdown/data/$s/pg_j/var/db/postgres/data15
			state=$("$pgctl" "$d" | sed -n 's/^Database cluster state: *//p')
			case $state in
			"shut down"|"shut down in recovery") ;;
			*) echo "bench: $s's PostgreSQL not shut down cleanly: $state" >&2; exit 1 ;;
			esac
		done
		if ip netns list | grep -q '^benchdown-'; then
			echo "bench: namespaces left after down" >&2; exit 1
		fi
		i=$((i + 1))
	done
	sort -n "$work/down.t" | awk -v jn="$jn" -v n="$runs" '
	    { t[NR] = $1 } END { printf "down of the example with services (%s): min %d ms, median %d ms, max %d ms over %d rounds; PostgreSQL shut down cleanly on a and b every round, no namespace left\n", jn, t[1], t[int((NR + 1) / 2)], t[NR], n }'
done
cleanup "$jn"
rm -rf "$site"
