#!/bin/sh
# Usage: tools/gen-site.sh N DIR
# Write into DIR a site of N servers (s1..sN) shaped like examples/uxtely:
# the same common tree, one overlay per server, servers paired for their
# tunnels (s1<->s2, s3<->s4, ...).  Server K uses 192.0.2.(10+K) and the
# private 192.168.K.0/24.  For benchmarks and scale tests.
set -eu
n=$1
dir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$n" -ge 1 ] && [ "$n" -le 200 ] || { echo "gen-site: N must be 1..200" >&2; exit 2; }
rm -rf "$dir"
mkdir -p "$dir"
cp -R "$top/examples/uxtely/common" "$dir/common"
# site.conf: the example's world, with the servers replaced.
awk '/^server [ab] \{/ { skip = 1 } skip && /^\}/ { skip = 0; next } !skip' \
    "$top/examples/uxtely/site.conf" | sed 's/records = a, b;/records = s1;/' >"$dir/site.conf"
k=1
while [ "$k" -le "$n" ]; do
	if [ $((k % 2)) -eq 1 ]; then peer=$((k + 1)); else peer=$((k - 1)); fi
	[ "$peer" -le "$n" ] || peer=$k
	printf 'server s%d {\n\tnic.xnic = internet;\n\tnic.inic = lan;\n}\n\n' "$k" >>"$dir/site.conf"
	s=$dir/servers/s$k
	mkdir -p "$s/etc" "$s/jails/nginx_j/etc" "$s/jails/node_j/etc" "$s/jails/pg_j/etc"
	echo "s$k.uxtely.example" >"$s/etc/hostname"
	echo "inet 192.0.2.$((k + 10))/24" >"$s/etc/xnic"
	echo "inet 192.168.$k.110/24" >"$s/etc/inic"
	echo 192.0.2.1 >"$s/etc/gateway"
	echo 203.0.113.10 >"$s/etc/ips_xnic_peers"
	for f in ip_ipg_b:40 ip_inode_b:30; do
		echo "192.168.$k.${f#*:}" >"$s/etc/${f%:*}"
	done
	echo "192.168.$peer.40" >"$s/etc/ip_peer_ipg_b"
	echo "192.168.$peer.30" >"$s/etc/ip_peer_inode_b"
	for j in nginx_j node_j pg_j; do
		echo "$j.s$k.uxtely.example" >"$s/jails/$j/etc/hostname"
	done
	echo "192.168.$k.30" >"$s/jails/node_j/etc/ip_inode_b"
	echo "192.168.$peer.40" >"$s/jails/node_j/etc/ip_peer_ipg_b"
	echo "192.168.$k.40" >"$s/jails/pg_j/etc/ip_ipg_b"
	echo "192.168.$peer.40" >"$s/jails/pg_j/etc/ip_peer_ipg_b"
	k=$((k + 1))
done
