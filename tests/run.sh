#!/bin/sh
# Run every test of jailnet with the binaries of build dir $1 (default
# build/san): unit tests, then each tests/*.test script.  Each test prints
# "ok NAME" or "FAIL NAME"; the last line is "N passed, N failed".
set -u
build=${1:-build/san}
top=$(cd "$(dirname "$0")/.." && pwd)
export JAILNET="$top/$build/jailnet" TOP="$top"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$top" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$top/$build/unit-tests" | grep -v ' passed, .* failed$' | tee -a "$log"
for t in "$top"/tests/*.test; do
	[ -e "$t" ] || continue
	sh "$t" 2>&1 | tee -a "$log"
done
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
