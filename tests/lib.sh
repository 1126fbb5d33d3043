# Shared by the tests/*.test scripts: result lines and golden comparison.
# Each test prints "ok NAME" or "FAIL NAME" (the runner counts them).
# JAILNET_REGEN=1 rewrites expected files instead of comparing.

ok() { echo "ok $1"; }
fail() { echo "FAIL $1"; }

# golden NAME EXPECTED_FILE ACTUAL_FILE
golden() {
	if [ "${JAILNET_REGEN:-}" = 1 ]; then
		cp "$3" "$2"
		ok "$1 (regenerated)"
	elif diff -u "$2" "$3" >"$3.diff" 2>&1; then
		ok "$1"
	else
		fail "$1"
		sed 's/^/    /' "$3.diff" | head -n 40
	fi
}
