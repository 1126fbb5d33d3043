#!/bin/sh
# Run every test of jailnet with the binaries of build dir $1 (default
# build/san): the unit tests, then each tests/*.test script (or only the
# scripts named after $1, e.g. `tests/run.sh build/san tests/pf_cli.test`).
#
# Each test prints "ok NAME", "FAIL NAME" or "skip NAME (WHY)"; the runner
# also fails, by name:
#   - a binary or script that exits with a status other than 0 (a crash, a
#     kill, a sanitizer's exit) even if it printed only "ok" lines;
#   - a script that stops before its end marker (lib.sh's finish);
#   - a unit binary that reports fewer tests than it has registered;
#   - any AddressSanitizer, LeakSanitizer or UBSan report, written to the
#     log directory that ASAN_OPTIONS and UBSAN_OPTIONS name;
#   - under CI=true, any skip (every tool the tests need is installed by
#     tools/install-deps.sh) and any regeneration of a golden file.
# Scripts marked "# lane: beside" (no namespaces, listeners or names of
# the machine) run in a second lane at the same time as the others.
# The last line is "N passed, N failed, N skipped".
set -u
build=${1:-build/san}
[ $# -gt 0 ] && shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
results=$(mktemp -d /tmp/jailnet-tests.XXXXXX)
trap 'rm -rf "$results"' EXIT
chmod 0777 "$results"
export JAILNET="$top/$build/jailnet" TOP="$top"
# Reports go to files (DIR/asan.PID) the runner reads, whatever the test
# does with stderr; exit codes alone cannot tell a report from a refusal.
# Each binary and script gets its own DIR, so that reports are told apart
# when two scripts run at once.
# A report also exits 86 (ASan) or 87 (UBSan), never 1 or 2, which are
# the answers jailnet's commands give (a refusal, pf --test's block).
asan_base=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
ubsan_base=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}

# sanitize NAME CMD...: run CMD with its sanitizer reports in san-NAME.
sanitize() {
	_d=$results/san-$1
	shift
	mkdir -p "$_d" && chmod 0777 "$_d"
	ASAN_OPTIONS="$asan_base:log_path=$_d/asan" \
	    UBSAN_OPTIONS="$ubsan_base:log_path=$_d/ubsan" "$@"
}

passed=0
failed=0
skipped=0

# tally FILE: count FILE's result lines into the totals.
tally() {
	_p=$(grep -c '^ok ' "$1")
	_f=$(grep -c '^FAIL ' "$1")
	_s=$(grep -c '^skip \|^regen ' "$1")
	passed=$((passed + _p))
	failed=$((failed + _f))
	skipped=$((skipped + _s))
}

# verdict NAME: print and count one failure of the runner's own.
runner_fail() {
	echo "FAIL $1"
	echo "FAIL $1" >>"$results/runner.fails"
	failed=$((failed + 1))
}

# sanitizer_reports NAME: fail NAME for every report its binaries wrote,
# showing the first lines.
sanitizer_reports() {
	for _r in "$results/san-$1"/*; do
		[ -f "$_r" ] || continue
		runner_fail "$1/sanitizer-report ($(basename "$_r"))"
		sed -n '1,30s/^/    /p' "$_r"
	done
}

# The unit tests: every registered test must report, and the binary exit
# 0, or 1 with FAIL lines.
unit=$top/$build/unit-tests
if [ $# -eq 0 ]; then
	sanitize unit "$unit" >"$results/unit.out" 2>&1
	status=$?
	grep -v '^[0-9]* passed, [0-9]* failed$' "$results/unit.out"
	tally "$results/unit.out"
	want=$(sanitize unit "$unit" --count 2>/dev/null)
	got=$(grep -c '^\(ok\|FAIL\|regen\) unit/' "$results/unit.out")
	if [ "$got" != "$want" ]; then
		runner_fail "unit/all-reported ($got of ${want:-?} registered tests reported)"
	fi
	nfail=$(grep -c '^FAIL unit/' "$results/unit.out")
	if [ "$status" -ne 0 ] && ! { [ "$status" -eq 1 ] && [ "$nfail" -gt 0 ]; }; then
		runner_fail "unit/exit-status ($status)"
	fi
	sanitizer_reports unit
fi

if [ $# -gt 0 ]; then
	scripts=$*
else
	scripts=$(ls "$top"/tests/*.test)
fi
# run_script PATH: run one script, its output and exit status kept.
run_script() {
	_name=$(basename "$1" .test)
	sanitize "$_name" sh "$1" >"$results/$_name.out" 2>&1 </dev/null
	echo $? >"$results/$_name.status"
}

# report PATH: print one script's output and count it, with the runner's
# own verdicts on its exit status, end marker and sanitizer reports.
report() {
	name=$(basename "$1" .test)
	out=$results/$name.out
	status=$(cat "$results/$name.status")
	cat "$out"
	tally "$out"
	if [ "$status" -ne 0 ]; then
		runner_fail "$name/exit-status ($status)"
	fi
	if [ "$(tail -n 1 "$out")" != "end $name" ]; then
		runner_fail "$name/reached-its-end (the script stopped early)"
	fi
	sanitizer_reports "$name"
}

# Scripts that create no namespace, no process outside themselves and no
# listener (a line "# lane: beside" in their header says so) run one after
# another in a second lane, beside the namespace tests, which run one at a
# time: those share the machine's names and ports.
beside=
alone=
for t in $scripts; do
	if grep -q '^# lane: beside$' "$t"; then
		beside="$beside $t"
	else
		alone="$alone $t"
	fi
done
( for t in $beside; do run_script "$t"; done ) &
lane=$!
for t in $alone; do
	run_script "$t"
	report "$t"
done
wait "$lane"
for t in $beside; do
	report "$t"
done

if [ "${CI:-}" = true ]; then
	for f in "$results"/*.out; do
		grep '^skip \|^regen ' "$f"
	done | while read -r _ what; do
		echo "FAIL $what (under CI=true: tools/install-deps.sh installs what it needs)"
	done >"$results/ci.out"
	cat "$results/ci.out"
	n=$(grep -c '^FAIL ' "$results/ci.out")
	failed=$((failed + n))
fi
# The failures again, just above the totals: a CI log is often seen only
# by its head and tail, and the lines above may be thousands long.
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	cat "$results"/*.out "$results/runner.fails" 2>/dev/null |
	    grep '^FAIL ' | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
