#!/bin/sh
# tools/loopback.sh [COMMAND [ARG...]]
#
# Run the example site's services directly, without jails or firewall:
# for each of servers a and b, a network namespace holding the jails'
# addresses on its loopback interface (so every "cable" is lo), joined
# by a veth that stands for the private LAN; in it nginx with the site's
# nginx.conf, uxapp with the server's uxapp.conf, PostgreSQL started by the
# site's pg-start (a primary, b a standby) and the spiped pipes of the
# jails' rc.conf.  Paths are substituted (files go to a temporary
# directory); addresses and ports are the site's.  One more substitution:
# the local app reaches PostgreSQL from 10.0.4.40 here, not from node_j's
# end of the cable (10.0.4.30), so pg_hba.conf names that address.  And
# uxapp.conf's ca_file is the site CA made here (the payment and mail
# hosts it names are not run: tests/app.test starts its own).
#
# When everything answers, COMMAND runs with:
#   LB_NS_A, LB_NS_B   the namespaces of a and b (ip netns exec ...)
#   LB_CA              the site CA's certificate (made by src/services/tls_ca.c)
#   LB_DIR             the temporary directory (logs in LB_DIR/S/log/)
# and its exit status is the script's.  Without COMMAND the script waits
# until interrupted.  Everything it made (processes, namespaces, files) is
# removed on exit, also on failure.  Run as root from the repository.
#
# UXAPP names the app: the uxapp binary (default build/libexec/uxapp), or
# a Node.js script such as the example's own node_j/usr/local/www/app.js,
# which node runs with the same uxapp.conf.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
site=$top/examples/uxtely
uxapp=${UXAPP:-$top/build/libexec/uxapp}
pgbin=/usr/lib/postgresql/15/bin
id=$$
ns_a=jnlb$id-a
ns_b=jnlb$id-b
tmp=
pids=
pg_pids=

say() { echo "loopback: $*" >&2; }

# gone PID...: return once every process group is gone, SIGKILLing what
# is left after 20 s.
gone() {
	n=0
	for p in "$@"; do
		while kill -0 "-$p" 2>/dev/null; do
			n=$((n + 1))
			if [ "$n" -gt 200 ]; then
				kill -KILL "-$p" 2>/dev/null || :
				break
			fi
			sleep 0.1
		done
	done
}

cleanup() {
	status=$?
	trap - EXIT INT TERM HUP
	# All at once: spiped waits for its connections to close, and
	# PostgreSQL's fast shutdown (SIGINT) closes them.
	for p in $pids; do kill -TERM "-$p" 2>/dev/null || :; done
	for p in $pg_pids; do kill -INT "-$p" 2>/dev/null || :; done
	gone $pids $pg_pids
	wait
	ip netns del "$ns_a" 2>/dev/null || :
	ip netns del "$ns_b" 2>/dev/null || :
	[ -z "$tmp" ] || rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { say "run as root"; exit 1; }
case $uxapp in
*.js)	[ -f "$uxapp" ] || { say "no $uxapp"; exit 1; }
	app_cmd="node $uxapp" ;;
*)	[ -x "$uxapp" ] || { say "no $uxapp: run make"; exit 1; }
	app_cmd=$uxapp ;;
esac
for c in nginx spiped setpriv curl "$pgbin/postgres"; do
	command -v "$c" >/dev/null 2>&1 ||
	    { say "$c is missing: sh tools/install-deps.sh"; exit 1; }
done

tmp=$(mktemp -d /tmp/jailnet-loopback.XXXXXX)
chmod 755 "$tmp"

# run S NAME PROGRAM ARG...: start PROGRAM in server S's namespace as the
# leader of a session (and process group) of its own, output to
# LB_DIR/S/log/NAME.log.  setsid -w stays its parent, so this shell reaps
# everything it started.
run() {
	s=$1 name=$2
	shift 2
	eval "ns=\$ns_$s"
	pidf=$tmp/$s/run/$name.pid
	setsid -w sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
	    ip netns exec "$ns" "$@" >"$tmp/$s/log/$name.log" 2>&1 &
	n=0
	until [ -s "$pidf" ]; do
		n=$((n + 1))
		[ "$n" -lt 200 ] || { say "$s/$name did not start"; exit 1; }
		sleep 0.05
	done
	read -r pid <"$pidf"
	case $name in
	postgres) pg_pids="$pg_pids $pid" ;;
	*) pids="$pids $pid" ;;
	esac
}

# The network: no link to the root namespace or anything real.
ip netns add "$ns_a"
ip netns add "$ns_b"
ip -n "$ns_a" link add lan type veth peer name lan netns "$ns_b"
for s in a b; do
	eval "ns=\$ns_$s"
	ip -n "$ns" link set lo up
	for a in 10.0.2.20 10.0.3.20 10.0.3.30 10.0.4.30 10.0.4.40; do
		ip -n "$ns" addr add "$a/32" dev lo
	done
	ip -n "$ns" addr add "$(cat "$site/servers/$s/etc/ip_ipg_b")/24" dev lan
	ip -n "$ns" addr add "$(cat "$site/servers/$s/etc/ip_inode_b")/24" dev lan
	ip -n "$ns" link set lan up
done

# The site's CA and certificate, by jailnet's own module.
mkdir -p "$tmp/tls"
cc -std=c11 -D_GNU_SOURCE -I"$top/src" -o "$tmp/tlsmake" \
    "$top/tests/tools/tlsmake.c" "$top/src/services/tls_ca.c" "$top/src/lib/util.c" \
    $(pkg-config --cflags --libs libcrypto)
"$tmp/tlsmake" "$tmp/tls" uxtely uxtely.example

key=$site/common/jails/pg_j/etc/spiped.key
for s in a b; do
	d=$tmp/$s
	mkdir -p "$d/etc" "$d/log" "$d/nginx" "$d/run"
	jp=$site/servers/$s/jails/pg_j/etc
	cp "$jp/hostname" "$jp/ip_ipg_b" "$jp/pg_role" "$d/etc/"
	sed -e "s|^etc=.*|etc=$d/etc|" \
	    -e "s|^pgdata=.*|pgdata=$d/pgdata|" \
	    -e "s|^socket_dir=.*|socket_dir=$d/pgsock|" \
	    -e "s|^app_addr=.*|app_addr=10.0.4.40|" \
	    -e "s|^secrets=.*|secrets=$site/common/jails/pg_j/usr/local/etc/postgresql|" \
	    "$site/common/jails/pg_j/usr/local/etc/postgresql/pg-start.conf" \
	    >"$d/pg-start.conf"
	sed -e "s|^password_file = .*|password_file = $site/common/jails/node_j/usr/local/etc/uxapp.password|" \
	    -e "s|^ca_file = .*|ca_file = $tmp/tls/ca.crt|" \
	    "$site/servers/$s/jails/node_j/usr/local/etc/uxapp.conf" \
	    >"$d/uxapp.conf"
	sed -e "s|/usr/local/etc/nginx/tls/|$tmp/tls/|" \
	    -e "s|/run/nginx.pid|$d/nginx/nginx.pid|" \
	    -e "s|/var/log/nginx/|$d/log/|" \
	    -e "s|/tmp/nginx-|$d/nginx/|" \
	    "$site/common/jails/nginx_j/usr/local/etc/nginx/nginx.conf" \
	    >"$d/nginx/nginx.conf"

	# spiped_pipe_* of node_j's and pg_j's rc.conf.
	ipg=$(cat "$site/servers/$s/etc/ip_ipg_b")
	inode=$(cat "$site/servers/$s/etc/ip_inode_b")
	peer_ipg=$(cat "$site/servers/$s/etc/ip_peer_ipg_b")
	run $s spiped-N2P-node spiped -e -s "[$inode]:5432" \
	    -t "[$peer_ipg]:5433" -k "$key" -F
	run $s spiped-N2P-pg spiped -d -s "[$ipg]:5433" -t "[$ipg]:5432" \
	    -k "$key" -F
	run $s spiped-PGS spiped -d -s "[$ipg]:5434" -t "[$ipg]:5432" \
	    -k "$key" -F
	run $s spiped-PGC spiped -e -s "[$ipg]:5435" -t "[$peer_ipg]:5434" \
	    -k "$key" -F

	run $s postgres /bin/sh \
	    "$site/common/jails/pg_j/usr/local/sbin/pg-start" "$d/pg-start.conf"
	# shellcheck disable=SC2086
	run $s uxapp $app_cmd -c "$d/uxapp.conf"
	run $s nginx nginx -c "$d/nginx/nginx.conf" -e stderr -g 'daemon off;'
done

# Ready when both databases answer through the app.
say "waiting for the services (logs in $tmp/*/log)"
for s in a b; do
	eval "ns=\$ns_$s"
	n=0
	until ip netns exec "$ns" curl -fsS -o /dev/null --max-time 3 \
	    --cacert "$tmp/tls/ca.crt" \
	    --resolve uxtely.example:443:10.0.2.20 \
	    https://uxtely.example/api/notes 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" -ge 120 ]; then
			say "server $s did not come up in 120 s; its logs:"
			tail -n 20 "$tmp/$s"/log/*.log >&2
			exit 1
		fi
		sleep 1
	done
done
say "up: a primary, b standby"

export LB_NS_A=$ns_a LB_NS_B=$ns_b LB_CA=$tmp/tls/ca.crt LB_DIR=$tmp
if [ $# -gt 0 ]; then
	set +e
	"$@"
	rc=$?
	set -e
	exit "$rc"
fi
say "running; Ctrl-C stops and cleans up"
while :; do sleep 1; done
