#!/bin/sh
# bench/netsnap.sh PREFIX PLAN: what the network namespaces whose names
# start with PREFIX- hold, in a form that does not depend on how they were
# built: per namespace (sorted), its links (name, kind, MTU, up or down,
# bridge master), addresses, routes, the nftables ruleset and the value of
# every sysctl the plan (the output of `jailnet up -n`, file PLAN) sets.
# Interface indexes, MAC addresses, IPv6 link-local addresses and their
# routes (the kernel adds them when a link comes up, at its own pace) and
# routes' protocol tags (jailnet's netlink says "static",
# ip(8) "boot") are left out: they differ between two builds of the same
# network.  bench/run.sh compares
# the snapshot after `jailnet up` with the one after the ip(8)/nft(8)
# script.
set -eu
prefix=$1 plan=$2
keys=$(awk '$2 == "sysctl" { split($3, kv, "="); print kv[1] }' "$plan" |
    sort -u)
ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 { print $1 }' |
    sort | while read -r ns; do
	echo "== $ns"
	ip -n "$ns" -d -j link show | python3 -c '
import json, sys
links = json.load(sys.stdin)
for l in sorted(links, key=lambda l: l["ifname"]):
    kind = l.get("linkinfo", {}).get("info_kind", "-")
    up = "up" if "UP" in l.get("flags", []) else "down"
    print("link", l["ifname"], kind, "mtu", l["mtu"], up,
          "master", l.get("master", "-"))
'
	ip -n "$ns" -o addr show |
	    awk '$4 !~ /^fe80:/ { print "addr", $2, $3, $4 }' | sort
	ip -n "$ns" route show | sed 's/ proto [a-z]*//; s/^/route4 /' | sort
	ip -n "$ns" -6 route show | grep -v '^fe80::/64 ' |
	    sed 's/ proto [a-z]*//; s/^/route6 /' | sort
	ip netns exec "$ns" nft list ruleset | sed 's/^/nft /'
	for k in $keys; do
		printf 'sysctl %s=%s\n' "$k" \
		    "$(ip netns exec "$ns" sysctl -n "$k" 2>/dev/null || echo absent)"
	done
done
