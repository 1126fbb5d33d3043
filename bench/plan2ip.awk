# Turn the plan printed by `jailnet up -n` into the shell script a person
# would write by hand with ip(8) and nft(8): one command per step.  The
# benchmark runs that script beside `jailnet up` to compare the same
# network.  The rulesets that follow the steps are written to
# DIR/fw-STEP.nft (awk -v dir=DIR), which the firewall steps load.
/^# step [0-9]+: the firewall of server / {
	fw = dir "/fw-" substr($3, 1, length($3) - 1) ".nft"
	printf "" >fw
	next
}
fw != "" {
	print >fw
	next
}
$1 ~ /^[0-9]+$/ {
	op = $2
	if (op == "netns")
		print "ip netns add " $3
	else if (op == "bridge")
		print "ip -n " $5 " link add " $3 " type bridge"
	else if (op == "veth")
		print "ip -n " $5 " link add " $3 " type veth peer name " $7 " netns " $9
	else if (op == "master")
		print "ip -n " $7 " link set " $3 " master " $5
	else if (op == "addr")
		print "ip -n " $7 " addr add " $3 " dev " $5
	else if (op == "up")
		print "ip -n " $5 " link set " $3 " up"
	else if (op == "mtu")
		print "ip -n " $7 " link set " $3 " mtu " $5
	else if (op == "route" && $3 == "default")
		print "ip -n " $7 " route add default via " $5
	else if (op == "firewall")
		print "ip netns exec " $(NF - 1) " nft -f " dir "/fw-" $1 ".nft"
	else if (op == "sysctl")
		print "ip netns exec " $5 " sysctl -qw " $3
	else if (op != "note:")
		print "echo 'plan2ip: unknown step: " $0 "' >&2; exit 1"
}
