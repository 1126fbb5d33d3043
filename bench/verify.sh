#!/bin/sh
# The site-wide analysis: the example's whole matrix (every connection of
# every source, exhaustive) and its intent, then a generated 50-server
# site's matrix, then the example's `pf --lint` (its topology search),
# each BENCH_RUNS times (min, median, max of the wall time and of the
# peak memory).  Pure: no namespaces.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/spread.sh"
jn=$top/build/jailnet
work=$(mktemp -d /tmp/jnbench-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
sh "$top/tools/gen-site.sh" 50 "$work/bench50" >/dev/null

# measure FILE NAME ARGS...: wall ms and peak KiB of `jailnet ARGS` per run.
measure() {
	f=$1 name=$2
	shift 2
	i=0
	: >"$work/$f.ms"
	: >"$work/$f.kb"
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$work/t" "$jn" "$@" >"$work/out" 2>&1 ||
		    [ $? -eq 1 ]
		awk '{ printf "%d\n", $1 * 1000 }' "$work/t" >>"$work/$f.ms"
		awk '{ print $2 }' "$work/t" >>"$work/$f.kb"
		i=$((i + 1))
	done
	printf '  %-40s %s ms, %s KiB\n' "$name" "$(spread %d <"$work/$f.ms")" \
	    "$(spread %d <"$work/$f.kb")"
	tail -n 1 "$work/out" | sed 's/^/    /'
}

echo "verify ($runs runs each):"
measure matrix "verify examples/uxtely (matrix)" verify "$top/examples/uxtely"
measure intent "verify examples/uxtely intent" verify "$top/examples/uxtely" \
    "$top/examples/uxtely/intent"
measure bench50 "verify bench50 (matrix)" verify "$work/bench50"
# The lint's topology search builds the same site-wide model.
measure lint "pf examples/uxtely --lint" pf "$top/examples/uxtely" --lint
