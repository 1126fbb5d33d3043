# Sourced by the benchmarks: every figure is measured BENCH_RUNS times
# (default 5, at least 5 unless set lower by hand for a quick look) and
# printed as minimum, median and maximum.
runs=${BENCH_RUNS:-5}
case $runs in
''|*[!0-9]*) echo "BENCH_RUNS=$runs: not a number" >&2; exit 2 ;;
esac
[ "$runs" -ge 1 ] && [ "$runs" -le 50 ] ||
    { echo "BENCH_RUNS=$runs: from 1 to 50" >&2; exit 2; }

# spread FORMAT: the numbers on stdin, one per line, as
# "min X median Y max Z" with printf FORMAT (e.g. %.0f) for each.
spread() {
	sort -g | awk -v f="$1" '
	{ v[NR] = $1 }
	END {
		if (NR == 0) { print "no runs"; exit 1 }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "min " f " median " f " max " f "\n", v[1], m, v[NR]
	}'
}
