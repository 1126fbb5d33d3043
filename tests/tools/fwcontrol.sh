# Shared by tests/firewall.test and tests/host.test (sourced, after
# lib.sh; needs $JAILNET): the controls that let a firewall check fail.
#
#   nft_norm                 stdin, an `nft list ruleset` listing; stdout,
#                            one line per rule or set property, "WHERE<TAB>
#                            TEXT", in a form that does not depend on what
#                            the kernel is free to change
#   nft_ref NS FILE OUT      load the nft script FILE (`jailnet pf --nft`)
#                            in a scratch namespace NS and write its
#                            normalized listing to OUT
#   nft_live NS OUT          the normalized listing of namespace NS
#   pf_rule SITE SERVER SPEC the pf rule that the model says decides SPEC
#                            (`jailnet pf --test`): "N LINE", or nothing
#   nft_rule_delete NS CHAIN COMMENT
#                            delete the one rule of CHAIN (table inet
#                            jailnet_*) whose comment is COMMENT; remember
#                            it for nft_rule_restore
#   nft_rule_restore         put that rule back where it was
#
# Each returns non-zero, with a "# ..." line saying why, when it cannot do
# its job.

# The kernel lists what it holds in its own words, so a compiled script is
# compared with a live ruleset only once both have been through the kernel
# (nft_ref).  Normalized away: handles and counters; the order of chains,
# sets and set elements (the order of the rules inside a chain is kept:
# it is what decides); the elements of dynamic sets (<ratelimit>, the rate
# meters), which are what the traffic wrote, not what was loaded.
nft_norm() {
	LC_ALL=C awk '
	function out(key, text) { printf "%s\t%s\n", key, text }
	function elements(s,   n, i, e, parts) {
		sub(/^elements = \{/, "", s)
		sub(/\}[ \t]*$/, "", s)
		n = split(s, parts, ",")
		for (i = 1; i <= n; i++) {
			e = parts[i]
			gsub(/^[ \t]+|[ \t]+$/, "", e)
			sub(/ (timeout|expires) .*/, "", e)
			if (e != "" && !dynamic)
				out(table "|" obj "|elem " e, "")
		}
	}
	{
		line = $0
		sub(/[ \t]*# handle [0-9]+$/, "", line)
		gsub(/counter packets [0-9]+ bytes [0-9]+ */, "", line)
		gsub(/^[ \t]+|[ \t]+$/, "", line)
	}
	inelem {
		acc = acc " " line
		if (line ~ /\}$/) { inelem = 0; elements(acc) }
		next
	}
	line ~ /^table / { table = line; sub(/ *\{$/, "", table); obj = ""; next }
	line ~ /^(chain|set|map|flowtable) / {
		obj = line; sub(/ *\{$/, "", obj); dynamic = 0; next
	}
	line == "}" { obj = ""; next }
	line == "" { next }
	obj ~ /^set / && line ~ /^flags .*dynamic/ { dynamic = 1 }
	obj ~ /^set / && line ~ /^elements = \{/ {
		if (line ~ /\}$/) elements(line)
		else { inelem = 1; acc = line }
		next
	}
	{ out(table "|" obj, line) }
	' | LC_ALL=C sort -s -t "$(printf '\t')" -k1,1
}

nft_ref() {
	_nr_ok=0
	ip netns del "$1" 2>/dev/null
	if ip netns add "$1" &&
	    ip netns exec "$1" nft -f "$2" &&
	    ip netns exec "$1" nft list ruleset | nft_norm >"$3"; then
		_nr_ok=1
	fi
	ip netns del "$1" 2>/dev/null
	[ "$_nr_ok" = 1 ] && [ -s "$3" ] ||
	    { echo "# cannot load $2 in a scratch namespace"; return 1; }
}

nft_live() {
	ip netns exec "$1" nft list ruleset | nft_norm >"$2" && [ -s "$2" ] ||
	    { echo "# cannot list the ruleset of $1"; return 1; }
}

pf_rule() {
	"$JAILNET" pf "$1" --server "$2" --test "$3" 2>&1 | sed -n \
	    's/.* by rule \([0-9][0-9]*\) (.*:\([0-9][0-9]*\)).*/\1 \2/p' |
	    head -n 1
}

nft_rule_delete() {
	# "TABLE HANDLE RULE" for each rule of CHAIN, in the chain's order.
	_nd_list=$(ip netns exec "$1" nft -a list ruleset | awk -v c="$2" '
	    $1 == "table" { t = ($2 == "inet" && $3 ~ /^jailnet_/) ? $3 : "" }
	    $1 == "chain" { ch = $2; next }
	    $1 == "}" { ch = ""; next }
	    ch == c && t != "" && NF > 3 && $(NF - 1) == "handle" {
		r = $0; sub(/^[ \t]+/, "", r); sub(/ # handle [0-9]+$/, "", r)
		print t, $NF, r }')
	_nd_n=$(printf '%s\n' "$_nd_list" | grep -cF "comment \"$3\"")
	if [ "$_nd_n" != 1 ]; then
		echo "# $_nd_n rules of chain $2 in $1 have comment \"$3\""
		return 1
	fi
	_nd_line=$(printf '%s\n' "$_nd_list" | grep -F "comment \"$3\"")
	nd_ns=$1 nd_chain=$2
	nd_table=$(echo "$_nd_line" | cut -d' ' -f1)
	_nd_handle=$(echo "$_nd_line" | cut -d' ' -f2)
	nd_text=$(echo "$_nd_line" | cut -d' ' -f3-)
	# The rule before it (none if it is the first), where it goes back.
	nd_prev=$(printf '%s\n' "$_nd_list" | awk -v h="$_nd_handle" '
	    $2 == h { print p; exit } { p = $2 }')
	ip netns exec "$1" nft delete rule inet "$nd_table" "$2" \
	    handle "$_nd_handle" ||
	    { echo "# cannot delete handle $_nd_handle of $2 in $1"; return 1; }
}

nft_rule_restore() {
	if [ -n "$nd_prev" ]; then
		ip netns exec "$nd_ns" nft "add rule inet $nd_table $nd_chain" \
		    "position $nd_prev $nd_text"
	else
		ip netns exec "$nd_ns" nft "insert rule inet $nd_table" \
		    "$nd_chain $nd_text"
	fi || { echo "# cannot put back: $nd_text"; return 1; }
}
