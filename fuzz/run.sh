#!/bin/sh
# Usage: fuzz/run.sh SECONDS FUZZER...
# Run each libFuzzer binary for SECONDS with its corpus in build/corpus/NAME,
# seeded from fuzz/seeds/NAME.  Exit non-zero at the first crash.
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
for f in "$@"; do
	name=$(basename "$f")
	corpus="$top/build/corpus/$name"
	log="$top/build/fuzz-$name.log"
	mkdir -p "$corpus"
	seeds="$top/fuzz/seeds/$name"
	[ -d "$seeds" ] || seeds=
	echo "fuzz: $name for ${secs}s"
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$top/build/$name-" \
	    "$corpus" $seeds >"$log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)' "$log"
	if [ $rc -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc), see $log"
		exit 1
	fi
done
