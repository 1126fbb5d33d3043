#!/bin/sh
# Run every test of jailnet on a fresh Debian machine, as root: install
# what is missing, build with ASan and UBSan, run unit, golden, fuzz-smoke
# and integration tests.  The last line is "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
exec make -s test
