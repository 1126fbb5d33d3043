#!/bin/sh
# make bench: the pf model's evaluations per second and the nft compiler,
# on the example's server a and on a generated 10,000-rule ruleset with
# two 100,000-entry tables, and the nft rule count against table size
# (tables stay sets, so it does not grow).  Then, as root with nft(8), the
# generated script is loaded into a throw-away network namespace and the
# kernel's own rule and set element counts are printed.  build/pf_bench is
# built by make.  Leaves nothing behind.  -q: a quick run, small sizes.
# Every figure: minimum, median and maximum of BENCH_RUNS runs (5).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/pf_bench
if [ ! -x "$bin" ]; then
	echo "pf.sh: $bin missing; run make build/pf_bench" >&2
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pf_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
. "$top/bench/spread.sh"
"$bin" -r "$runs" "$@" -o "$work/generated.nft" "$top/examples/uxtely" a

if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null 2>&1; then
	echo "kernel check skipped (needs root and nft)"
	exit 0
fi
# unshare -n, not -rn: in a user namespace nft cannot raise its netlink
# buffer, and a large batch fails with "Message too long".  Each run is a
# fresh namespace.
i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(date +%s%N)
	unshare -n sh -c 'nft -f "$1" && nft -a list ruleset' sh \
	    "$work/generated.nft" >"$work/listed.txt"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >>"$work/load.ms"
	i=$((i + 1))
done
awk -v ms="$(spread %d <"$work/load.ms")" -v runs="$runs" '
	/elements = \{/ { inset = 1 }
	inset { n = gsub(/,/, ","); elems += n; if (/\}/) { elems++; inset = 0 } next }
	/# handle/ && !/^[ \t]*(table|chain|set) / { rules++ }
	END { printf "kernel (nft -f in a new netns, %s ms over %d runs): %d rules, %d set elements after auto-merge\n", ms, runs, rules, elems }
' "$work/listed.txt"
