#!/bin/sh
# Bring up the example system of the "Jails Networking" write-up, on a fresh
# Debian machine, as root.  For now jailnet reads and validates the system
# and shows it; bringing it up on Linux (jailnet up) is being built.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
make -s build/jailnet
echo "== jailnet check examples/uxtely"
build/jailnet check examples/uxtely
echo
echo "== jailnet show examples/uxtely"
build/jailnet show examples/uxtely
