# Shared by the tests/*.test scripts: result lines and golden comparison.
# Each test prints "ok NAME", "FAIL NAME" or "skip NAME (WHY)" (the runner,
# tests/run.sh, counts them); every script ends with finish, which the
# runner requires.  JAILNET_REGEN=1 (only 1) rewrites expected files
# instead of comparing, and says "regen NAME", never "ok".

ok() { echo "ok $1"; }
fail() { echo "FAIL $1"; }

# skip NAME WHY: NAME cannot run here.  Not a pass; under CI=true the
# runner counts it as a failure, since tools/install-deps.sh installs every
# tool a test needs.
skip() { echo "skip $1 ($2)"; }

# finish: the script reached its end (or stopped on purpose after a FAIL);
# a script that dies before it is failed by the runner.
finish() {
	echo "end $(basename "$0" .test)"
	exit 0
}

# golden NAME EXPECTED_FILE ACTUAL_FILE
golden() {
	if [ "${JAILNET_REGEN:-}" = 1 ]; then
		cp "$3" "$2"
		echo "regen $1"
	elif diff -u "$2" "$3" >"$3.diff" 2>&1; then
		ok "$1"
	else
		fail "$1"
		sed 's/^/    /' "$3.diff" | head -n 40
	fi
}

# wait_listening NETNS PORT...: wait (at most 10 s) until each TCP PORT
# has a listening socket in network namespace NETNS ("" for this one).
# A fixed sleep after starting a listener races a loaded machine.
wait_listening() {
	_wl_ns=$1
	shift
	for _wl_port in "$@"; do
		_wl_i=0
		while :; do
			if [ -n "$_wl_ns" ]; then
				_wl_out=$(ip netns exec "$_wl_ns" ss -Hltn \
				    "sport = :$_wl_port" 2>/dev/null)
			else
				_wl_out=$(ss -Hltn "sport = :$_wl_port" 2>/dev/null)
			fi
			[ -n "$_wl_out" ] && break
			_wl_i=$((_wl_i + 1))
			if [ "$_wl_i" -ge 200 ]; then
				echo "# nothing listens on $_wl_port in ${_wl_ns:-this namespace} after 10 s"
				return 1
			fi
			sleep 0.05
		done
	done
}
