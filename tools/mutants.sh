#!/bin/sh
# Usage: tools/mutants.sh [NAME...]
#
# Mutation testing where a wrong result would hurt most: pf's quick and
# last-match choice, rdr before the filter, first-match translation,
# antispoof, the connection limits and their overload, if-bound states,
# table lookups and port ranges (the static model and the nft compiler),
# the conf parsers and a server's file view, a jail's view of the host,
# the supervisor's restarts and the lockout check.  Each mutant is one
# exact textual substitution in one file of src/: the file, an original
# fragment of one line, its replacement, and the tests that must catch it.
#
# The script copies src/ and tests/unit/ into a temporary directory (the
# working tree is never edited), compiles every object once, without
# sanitizers at -O0, and links the unmutated binaries.  Every test a mutant
# names is run first on those: it must pass there (its control), since a
# test that fails anyway proves nothing.  Then for each mutant it checks
# that the fragment occurs exactly once in its file ("FAIL mutants/NAME
# (does not apply: ...)" otherwise, so that the list follows the code),
# applies it to the copy, recompiles that one object, relinks, runs the
# tests in order and restores the file.  A test catches the mutant when it
# prints a FAIL line, exits non-zero, or (a script) stops before its end
# marker; a test killed by its time limit is said so.  The script prints
# "ok mutants/NAME (caught by TEST)" or "FAIL mutants/NAME (survived: TEST
# passed)", and exits 1 if any mutant survived or could not be tried.
#
# Tests a mutant can name:
#   unit:PATTERN   the unit binary with that name filter (unit-tests PATTERN)
#   script:NAME    tests/NAME.test with JAILNET set to the mutated binary;
#                  only scripts that create no namespace (other engineers'
#                  namespace tests may run on the same machine)
#   ns:site        a small site of its own, jnmPID (one server, one outside
#                  host whose service checks what it sees and exits 3),
#                  brought up as root: the service sees no /root, /home,
#                  jailnet's state, /run/netns, the host's /var/tmp or the
#                  host's processes (the supervisor), cannot write /usr or
#                  /proc/sys, and cannot mount; the supervisor restarts
#                  it, backing off (the 5 starts span 3 s or more), until
#                  it is marked failed (5 runs, 4 restarts); down --purge
#                  leaves no namespace, process, /run or /var/lib state.
#                  Skipped without root.
#
# To add a mutant: add a line "m NAME FILE ORIGINAL REPLACEMENT TEST..."
# to the list below, run `tools/mutants.sh NAME` (only the named mutants
# and their tests' controls run), and if it survives, write the test that
# was missing; do not weaken the mutant.  MUTANTS_JOBS (default 2) is the
# number of parallel compilers, MUTANTS_TEST_TIMEOUT (default 120) the
# seconds each test may take, MUTANTS_LIST a file of "m" lines to try
# instead of the list below.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
unset JAILNET_REGEN		# a mutant must never rewrite a golden file
jobs=${MUTANTS_JOBS:-2}
only=" $* "
limit=${MUTANTS_TEST_TIMEOUT:-120}

# --- The mutants. ---

mutants() {
	# pf evaluation (the static model).
	m eval-quick-ignored src/pf/pf_eval_match.c \
	    'return r->quick != 0;' 'return false;' \
	    unit:pf_eval
	m eval-filter-before-rdr src/pf/pf_eval_match.c \
	    'r = filter_decide(ctx, dir, ifidx, p);' \
	    'r = filter_decide(ctx, dir, ifidx, &orig);' \
	    unit:pf_eval
	m eval-port-range-open src/pf/pf_eval_match.c \
	    'return port >= pp->a && port <= pp->b;' \
	    'return port >= pp->a && port < pp->b;' \
	    unit:pf_eval
	m eval-rate-threshold src/pf/pf_eval_state.c \
	    'return n->count > n->limit;' 'return n->count >= n->limit;' \
	    unit:pf_eval_seed_rate
	m eval-table-shortest-prefix src/pf/pf_eval_state.c \
	    'for (len = (int)ipaddr_bits(a); len >= 0; len--) {' \
	    'for (len = 0; len <= (int)ipaddr_bits(a); len++) {' \
	    unit:pf_eval
	m eval-table-negation-ignored src/pf/pf_eval_state.c \
	    'return !hit->neg;' 'return 1;' \
	    unit:pf_eval
	m eval-overload-not-added src/pf/pf_eval_state.c \
	    'entries_add(&t->added, &p, false, now_s);' '(void)p;' \
	    unit:pf_eval
	m eval-flush-global-per-rule src/pf/pf_eval_state.c \
	    'if (!r->state.flush_global && s->rule != r)' \
	    'if (s->rule != r)' \
	    unit:pf_eval_overload_flush_global
	m eval-rdr-last-match src/pf/pf_eval_match.c \
	    'if (!rule_match_common(ctx, r, &er[i], ifidx, p))' \
	    'if (i + 1 < rules->n || !rule_match_common(ctx, r, &er[i], ifidx, p))' \
	    unit:pf_eval_translation_first_match
	m eval-urpf-any-route src/pf/pf_eval_match.c \
	    'return ifidx == NO_INDEX || b->routes[r].iface == ifidx;' \
	    'return true;' \
	    unit:pf_eval
	m eval-max-src-conn-bound src/pf/pf_eval_state.c \
	    'r->state.max_src_conn < n->conn)' \
	    'r->state.max_src_conn <= n->conn)' \
	    unit:pf_eval_max_src_conn
	m eval-if-bound-floats src/pf/pf_eval_state.c \
	    's->kif = r != NULL && r->state.if_bound ? ifidx : NO_INDEX;' \
	    's->kif = NO_INDEX;' \
	    unit:pf_eval_if_bound_state
	# antispoof, as parsed: "block in on ! IF from IF:network".
	m antispoof-on-own-iface src/pf/pf_parse_rule.c \
	    'j->neg = 1;' 'j->neg = 0;' \
	    unit:pf_antispoof unit:pf_eval
	# The nft compiler.
	m nft-quick-last src/pf/pf_nft.c \
	    'if ((pass == 0) != (r->quick != 0))' \
	    'if ((pass == 0) == (r->quick != 0))' \
	    unit:pf_nft
	m nft-inside-range-bound src/pf/pf_nft_rule.c \
	    'strbuf_addf(e, " %s %s %u-%u", l4, field, p->a + 1,' \
	    'strbuf_addf(e, " %s %s %u-%u", l4, field, p->a,' \
	    unit:pf_nft
	m antispoof-addr-as-network src/pf/pf_parse_rule.c \
	    'a->ifmods = pass == 0 ? PF_IFMOD_NETWORK : 0;' \
	    'a->ifmods = PF_IFMOD_NETWORK;' \
	    unit:pf_antispoof unit:pf_eval
	m nft-rate-burst src/pf/pf_nft.c \
	    'so->max_src_conn_rate);' 'so->max_src_conn_rate + 1);' \
	    unit:pf_nft
	m nft-table-negation src/pf/pf_nft_rule.c \
	    'const char *ne = a->neg ? "!= " : "";' 'const char *ne = "";' \
	    unit:pf_nft
	m nft-inside-single-port src/pf/pf_nft_rule.c \
	    'if ((unsigned)p->a + 1 > (unsigned)p->b - 1 || p->b == 0)' \
	    'if ((unsigned)p->a + 1 >= (unsigned)p->b - 1 || p->b == 0)' \
	    unit:pf_nft_port_bounds
	# The conf parsers.
	m jailconf-append-replaces src/conf/jailconf_resolve.c \
	    'res->nvalues += prm->nvalues;' 'res->nvalues = prm->nvalues;' \
	    unit:jailconf
	m ifconfig-prefix-bound src/conf/ifconfig.c \
	    'if (parse_uint(slash + 1, 0, w->prefix.len, &len) != 0) {' \
	    'if (parse_uint(slash + 1, 0, w->prefix.len + 1, &len) != 0) {' \
	    script:check_golden
	m rcconf-escape-in-squote src/conf/rcconf.c \
	    "if (sc->s[i] == '\\\\' && quote != '\\'')" \
	    "if (sc->s[i] == '\\\\')" \
	    unit:rcconf
	# The site's files: a server's overlay over the common tree.
	m fsview-common-wins src/conf/fsview.c \
	    'rel = view_rel(view, i, path);' \
	    'rel = view_rel(view, view->nroots - 1 - i, path);' \
	    unit:fsview
	# A link out of the site is followed.
	m fsview-links-leave-the-site src/conf/fsview.c \
	    'how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;' \
	    'how.resolve = RESOLVE_NO_MAGICLINKS;' \
	    unit:fsview
	m fsview-dotdot-allowed src/conf/fsview.c \
	    "(n == 2 && p[0] == '.' && p[1] == '.'))" '0)' \
	    unit:fsview
	# A server's bundle: the same first-wins tree, with the files' modes.
	m bundle-common-wins src/conf/fsview.c \
	    'p = in_root(ls, k, path);' \
	    'p = in_root(ls, ls->view->nroots - 1 - k, path);' \
	    unit:fsview_list script:bundle
	m bundle-modes-dropped src/cli/cmd_bundle.c \
	    'fchmod(out, (mode_t)mode)' 'fchmod(out, (mode_t)(mode & 0) | 0644)' \
	    script:bundle
	# A jail's view of the host, and the supervisor.
	m view-host-dirs-shown src/jail/jail_view.c \
	    'rc = mask_whiteout(p, err);' 'rc = 0;' \
	    ns:site
	m view-usr-writable src/jail/jail_view.c \
	    'unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |' \
	    'unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID |' \
	    ns:site
	m view-host-var-shown src/jail/jail_view.c \
	    'rc = hide_all_but_allowed(mask, "/var", err);' 'rc = 0;' \
	    ns:site
	m view-host-etc-shown src/jail/jail_view.c \
	    'rc = hide_all_but_allowed(mask, "/etc", err);' 'rc = 0;' \
	    ns:site
	m view-host-var-tmp-shown src/jail/jail_view.c \
	    'p = xasprintf("%s/var/tmp", mask);' \
	    'p = xasprintf("%s/var/tmp-not", mask);' \
	    ns:site
	m view-proc-sys-writable src/jail/jail_view.c \
	    '"sys", "sysrq-trigger", "irq", "bus",' \
	    '"sysrq-trigger", "irq", "bus",' \
	    ns:site
	m jail-no-pid-namespace src/jail/jail_init.c \
	    'flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |' \
	    'flags = CLONE_NEWNS | CLONE_NEWUTS |' \
	    ns:site
	m jail-keeps-cap-sys-admin src/jail/jail_init.c \
	    'CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_BOOT,' \
	    'CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_BOOT,' \
	    ns:site
	m supervise-restarts-uncounted src/jail/supervise.c \
	    'sv->procs[i].restarts++;' ';' \
	    ns:site
	m supervise-no-backoff src/jail/supervise.c \
	    'delay *= 2;' 'delay *= 1;' \
	    ns:site
	m supervise-gives-up-at-once src/jail/supervise.c \
	    'if (recent >= SUPERVISE_MAX_FAILS) {' 'if (recent >= 1) {' \
	    ns:site
	# The lockout check: a lost way of managing is never passed over.
	m lockout-lost-skipped src/verify/lockout.c \
	    'if (f->gained || f->partial ||' 'if (f->gained || !f->partial ||' \
	    unit:lockout
	m lockout-any-server src/verify/lockout.c \
	    'w->nodes[dv->to].server == server)' 'true)' \
	    unit:lockout
	m lockout-first-missing src/verify/lockout.c \
	    'p = s->v[i][1] + 1;' 'p = s->v[i][1];' \
	    unit:lockout
	# The timer of up --confirm: it rolls back, counts from up's end,
	# and confirm stops it.
	m confirm-no-rollback src/jail/confirm.c \
	    'execv(rollback[0], rollback);' '_exit(0);' \
	    unit:confirm
	m confirm-restart-ignored src/jail/confirm.c \
	    'cf.deadline = boot_seconds() + (long long)cf.seconds;' ';' \
	    unit:confirm
	m confirm-stop-kills-nothing src/jail/confirm.c \
	    'alive = pidref_terminate((pid_t)cf.pid, cf.start, CONFIRM_STOP_MS);' \
	    'alive = pidref_alive((pid_t)cf.pid, cf.start);' \
	    unit:confirm
	# binat: the search follows the addresses it moves.
	m binat-shift-ignored src/verify/space.c \
	    'note_binat(sp, st);' ';' \
	    unit:verify_classes_agree_with_concrete_walks_binat
	# pf_get_translation()'s order: out binat then nat, in rdr then binat;
	# an inbound "no binat" has no pool to check.
	m binat-out-after-nat src/pf/pf_eval_match.c \
	    'int first = dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_BINAT;' \
	    'int first = dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_NAT;' \
	    unit:pf_eval_binat_order_and_state
	m binat-in-before-rdr src/pf/pf_eval_match.c \
	    'int first = dir == PF_DIR_IN ? PF_RS_RDR : PF_RS_BINAT;' \
	    'int first = dir == PF_DIR_IN ? PF_RS_BINAT : PF_RS_BINAT;' \
	    unit:pf_eval_binat_order_and_state
	m no-binat-in-needs-pool src/pf/pf_eval_match.c \
	    'return r->rpool.naddrs == 0 ||' 'return r->rpool.naddrs != 0 &&' \
	    unit:pf_eval_binat_order_and_state
}

# --- The machinery. ---

tmp=$(mktemp -d /tmp/jnm-mutants.XXXXXX) || exit 1
chmod 0755 "$tmp"
site=jnm$$
sitedir=$tmp/$site
marker=/var/tmp/$site-marker	# a file of the host that ns:site must not see
ns_up=			# the binary that brought the test site up
cleanup() {
	[ -n "$ns_up" ] && ns_down "$ns_up" >/dev/null 2>&1
	rm -f "$marker"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

failed=0
pass() { echo "ok mutants/$1"; }
flunk() { echo "FAIL mutants/$1"; failed=$((failed + 1)); }

# m NAME FILE ORIGINAL REPLACEMENT TEST...: record a mutant.
m() {
	_d=$tmp/m/$1
	if [ -e "$_d" ]; then
		flunk "$1 (listed twice)"
		return
	fi
	mkdir -p "$_d"
	printf '%s\n' "$1" >>"$tmp/list"
	printf '%s\n' "$2" >"$_d/file"
	printf '%s' "$3" >"$_d/orig"
	printf '%s' "$4" >"$_d/repl"
	shift 4
	printf '%s\n' "$@" >"$_d/tests"
}

# substitute IN OUT ORIG REPL: write IN to OUT with each occurrence of the
# fragment ORIG (on one line) replaced; print the number of occurrences.
substitute() {
	MUT_ORIG=$3 MUT_REPL=$4 awk -v count="$tmp/count" '
	BEGIN { o = ENVIRON["MUT_ORIG"]; r = ENVIRON["MUT_REPL"]; n = 0 }
	{
		line = $0
		out = ""
		while (o != "" && (i = index(line, o)) > 0) {
			n++
			out = out substr(line, 1, i - 1) r
			line = substr(line, i + length(o))
		}
		print out line
	}
	END { print n >count }' "$1" >"$2"
	cat "$tmp/count"
}

# The build: the project's packages, the objects of src/ and tests/unit/.
pkgs=$(sed -n 's/^PKGS *[:+]= *//p' Makefile | tr '\n' ' ')
MUT_CFLAGS="-std=c11 -D_GNU_SOURCE -O0 -w -I$tmp/tree/src $(pkg-config --cflags $pkgs)"
# main.c's version, as the Makefile passes it (one word: no blank in VERSION).
MUT_CFLAGS="$MUT_CFLAGS -DJAILNET_VERSION=\"$(cat VERSION)\""
libs="$(pkg-config --libs $pkgs) -lresolv"
export MUT_CFLAGS

# obj SRC: the object file of the source SRC (a path in the tree).
obj() { echo "$tmp/obj/$(echo "$1" | tr / _).o"; }

# compile SRC OBJ: compile the copy of SRC into OBJ.
compile() { cc $MUT_CFLAGS -c -o "$2" "$tmp/tree/$1"; }

# link DIR [jailnet] [unit-tests]: link the binaries in DIR from the
# objects (those of $tmp/obj, or the mutated one in DIR/obj).
link() {
	_dir=$1
	shift
	_objs=
	for _s in $lib_src; do
		_o=$(obj "$_s")
		[ -e "$_dir/obj/$(basename "$_o")" ] && _o=$_dir/obj/$(basename "$_o")
		_objs="$_objs $_o"
	done
	for _b in "$@"; do
		case $_b in
		jailnet) _main=$(obj src/cli/main.c) ;;
		unit-tests) _main= ; for _s in $unit_src; do _main="$_main $(obj "$_s")"; done ;;
		esac
		# shellcheck disable=SC2086
		cc -o "$_dir/$_b" $_main $_objs $libs || return 1
	done
}

mkdir -p "$tmp/tree/tests" "$tmp/obj" "$tmp/b" "$tmp/scripts"
cp -R src "$tmp/tree/src" && cp -R tests/unit "$tmp/tree/tests/unit" || exit 1
# The scripts run in a copy of their own (tests/, examples/), so that what
# they write under build/ never meets a run of the same script in the
# real tree, e.g. the test suite's own, at the same moment.
cp -R tests examples tools data src "$tmp/scripts/" || exit 1
lib_src=
for s in src/*/*.c; do
	[ "$s" = src/cli/main.c ] || lib_src="$lib_src $s"
done
unit_src=$(echo tests/unit/*.c)
started=$(date +%s)
for s in src/cli/main.c $lib_src $unit_src; do
	echo "$s $(obj "$s")"
done | (cd "$tmp/tree" && xargs -P "$jobs" -n 2 sh -c \
    'cc $MUT_CFLAGS -c -o "$2" "$1" || echo "$1" >>"'"$tmp"'/cc-failed"' sh)
if [ -e "$tmp/cc-failed" ] || ! mkdir -p "$tmp/b/base" ||
    ! link "$tmp/b/base" jailnet unit-tests; then
	flunk "build (the unmutated copy does not build: $(cat "$tmp/cc-failed" 2>/dev/null))"
	exit 1
fi
echo "# mutants: objects built and linked in $(($(date +%s) - started)) s"

# --- The tests. ---

# The test site: one server s, one outside host h on the internet, whose
# service looks at its view (what of the host shows, what it can write or
# mount), says "checked" and exits 3.  The host's /var/tmp holds a marker
# the view must hide.
ns_write_site() {
	rm -rf "$sitedir"
	mkdir -p "$sitedir/common/etc" || return 1
	cat >"$sitedir/site.conf" <<SITE
network internet {
	kind = internet;
	router = 192.0.2.1/24;
}

server s {
	nic.xnic = internet;
}

host h {
	network = internet;
	address = 192.0.2.5/24;
	service = look;
}

service look {
	command = "/bin/sh -c 'test -e /root && echo visible /root; test -e /home && echo visible /home; test -e /var/lib/jailnet && echo visible /var/lib/jailnet; test -e /var/lib/dpkg && echo visible /var/lib/dpkg; test -e /etc/apt && echo visible /etc/apt; test -e /run/netns && echo visible /run/netns; test -e $marker && echo visible /var/tmp; touch /usr/jnm-write 2>/dev/null && echo writable /usr; (echo 0 >/proc/sys/net/ipv4/ip_forward) 2>/dev/null && echo writable /proc/sys; cat /proc/[0-9]*/comm 2>/dev/null | grep -qx jailnet-super && echo visible host processes; mount -t tmpfs jnm /tmp 2>/dev/null && echo can mount; echo checked; exit 3'";
}
SITE
	printf 'hostname="s"\nifconfig_xnic="inet 192.0.2.10/24"\n' \
	    >"$sitedir/common/etc/rc.conf"
}

# ns_left: print what of the test site is left on the host.
ns_left() {
	ip netns list 2>/dev/null | awk -v s="$site-" 'index($1, s) == 1 { print "namespace " $1 }'
	for d in "/run/jailnet/$site" "/var/lib/jailnet/$site"; do
		[ -e "$d" ] && echo "directory $d"
	done
	ps -eo pid=,args= | awk -v d="$sitedir" 'index($0, d) > 0 && !/awk/ { print "process " $0 }'
}

# ns_down BINARY: take the test site down with BINARY, and with the
# unmutated binary if anything is left; print what is left then.
ns_down() {
	timeout -k 5 60 "$1" down --purge "$sitedir" >/dev/null 2>&1
	[ -z "$(ns_left)" ] || timeout -k 5 60 \
	    "$tmp/b/base/jailnet" down --purge "$sitedir" >/dev/null 2>&1
	ns_up=
	ns_left
}

# ns_site BINARY: the checks of ns:site; return 1 after any FAIL line.
ns_site() {
	_j=$1
	_rc=0
	ns_write_site || return 1
	[ -z "$(ns_left)" ] || ns_down "$tmp/b/base/jailnet" >/dev/null
	ns_up=$_j
	: >"$marker" || return 1
	if ! timeout -k 5 60 "$_j" up "$sitedir"; then
		echo "FAIL ns:site/up"
		ns_down "$_j"
		return 1
	fi
	# The service exits at once: started, restarted 4 times, failed.
	_procs=/run/jailnet/$site/procs
	_i=0
	until grep -q ' failed ' "$_procs" 2>/dev/null || [ $_i -ge 300 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if ! grep -qx 'host h service look 0 failed 4' "$_procs" 2>/dev/null; then
		echo "FAIL ns:site/restarted-4-times-then-failed"
		sed 's/^/    /' "$_procs" 2>/dev/null
		_rc=1
	fi
	# Waiting 0.2, 0.4, 0.8 and 1.6 s before the restarts: the five
	# starts span at least 3 s (the log's times are whole seconds).
	_span=$(awk '/ service look: started, pid / { print $1 }' \
	    "/run/jailnet/$site/supervisor.log" 2>/dev/null | sed -n '1p;$p' |
	    while read -r _t; do date -u -d "$_t" +%s; done | sed 'N;s/\n/ /' |
	    awk '{ print $2 - $1 }')
	if [ "${_span:-0}" -lt 3 ]; then
		echo "FAIL ns:site/restarts-back-off (5 starts within ${_span:-?} s)"
		_rc=1
	fi
	_log=/run/jailnet/$site/log/host.h.look.log
	_n=$(grep -c '^checked$' "$_log" 2>/dev/null)
	if [ "${_n:-0}" -ne 5 ]; then
		echo "FAIL ns:site/ran-5-times (${_n:-0})"
		_rc=1
	fi
	if [ "${_n:-0}" -eq 0 ] ||
	    grep -q '^visible \|^writable \|^can ' "$_log"; then
		echo "FAIL ns:site/view"
		grep '^visible \|^writable \|^can ' "$_log" | sort -u |
		    sed 's/^/    /'
		_rc=1
	fi
	rm -f "$marker"
	_left=$(ns_down "$_j")
	if [ -n "$_left" ]; then
		echo "FAIL ns:site/down-leaves-nothing"
		echo "$_left" | sed 's/^/    /'
		_rc=1
	fi
	[ $_rc -eq 0 ] && echo "ok ns:site"
	return $_rc
}

# run_test TEST BINDIR OUT: run TEST with the binaries of BINDIR, its
# output in OUT.  Return 0 if it passed, 1 if it failed, 2 if it was
# killed by the time limit, 3 if it cannot run here (with a reason in OUT).
run_test() {
	case $1 in
	unit:*)
		timeout -k 5 "$limit" "$2/unit-tests" "${1#unit:}" >"$3" 2>&1
		_st=$?
		echo "$_st" >"$3.status"
		[ $_st -eq 124 ] || [ $_st -eq 137 ] && return 2
		[ $_st -eq 0 ] && grep -q '^ok ' "$3" && ! grep -q '^FAIL ' "$3"
		;;
	script:*)
		_n=${1#script:}
		(cd "$tmp/scripts" && JAILNET=$2/jailnet TOP=$tmp/scripts \
		    timeout -k 5 "$limit" sh "tests/$_n.test") >"$3" 2>&1 \
		    </dev/null
		_st=$?
		echo "$_st" >"$3.status"
		[ $_st -eq 124 ] || [ $_st -eq 137 ] && return 2
		[ $_st -eq 0 ] && ! grep -q '^FAIL ' "$3" &&
		    [ "$(tail -n 1 "$3")" = "end $_n" ]
		;;
	ns:site)
		if [ "$(id -u)" != 0 ]; then
			echo "needs root" >"$3"
			return 3
		fi
		ns_site "$2/jailnet" >"$3" 2>&1
		;;
	*)
		echo "unknown kind of test" >"$3"
		return 3
		;;
	esac
}

# --- The run. ---

# MUTANTS_LIST=FILE: the "m" lines of FILE instead of the list above
# (tests/mutants.test plants mutants that must not pass).
if [ -n "${MUTANTS_LIST:-}" ]; then
	# shellcheck source=/dev/null
	. "$MUTANTS_LIST"
else
	mutants
fi
selected=
for n in $(cat "$tmp/list"); do
	case $only in
	"  ") selected="$selected $n" ;;
	*" $n "*) selected="$selected $n" ;;
	esac
done
for n in $only; do
	grep -qx "$n" "$tmp/list" || flunk "$n (no such mutant)"
done

# The controls: each test named, on the unmutated binaries.
tests=$(for n in $selected; do cat "$tmp/m/$n/tests"; done | sort -u)
: >"$tmp/good"
: >"$tmp/cannot"
for t in $tests; do
	run_test "$t" "$tmp/b/base" "$tmp/control.out"
	case $? in
	0)	echo "$t" >>"$tmp/good"
		pass "control/$t (passes unmutated)" ;;
	3)	echo "$t" >>"$tmp/cannot"
		echo "skip mutants/control/$t ($(cat "$tmp/control.out"))" ;;
	*)	flunk "control/$t (fails unmutated: it cannot judge a mutant)"
		sed 's/^/    /' "$tmp/control.out" | grep -v '^    ok ' | head -n 20 ;;
	esac
done

for n in $selected; do
	d=$tmp/m/$n
	file=$(cat "$d/file")
	orig=$(cat "$d/orig")
	repl=$(cat "$d/repl")
	t0=$(date +%s)
	if [ ! -f "$tmp/tree/$file" ]; then
		flunk "$n (does not apply: no file $file)"
		continue
	fi
	k=$(substitute "$top/$file" "$tmp/tree/$file" "$orig" "$repl")
	if [ "$k" -ne 1 ]; then
		cp "$top/$file" "$tmp/tree/$file"
		flunk "$n (does not apply: '$orig' occurs $k times in $file)"
		continue
	fi
	mkdir -p "$d/obj"
	need="jailnet unit-tests"
	grep -q '^unit:' "$d/tests" && ! grep -qv '^unit:' "$d/tests" && need=unit-tests
	grep -q '^unit:' "$d/tests" || need=jailnet
	if ! compile "$file" "$d/obj/$(basename "$(obj "$file")")" >"$d/cc.out" 2>&1 ||
	    ! link "$d" $need >>"$d/cc.out" 2>&1; then
		cp "$top/$file" "$tmp/tree/$file"
		flunk "$n (does not build)"
		sed 's/^/    /' "$d/cc.out" | head -n 10
		continue
	fi
	cp "$top/$file" "$tmp/tree/$file"
	verdict=
	survivor=
	skipped=
	for t in $(cat "$d/tests"); do
		if grep -qx "$t" "$tmp/cannot"; then
			skipped=$t
			continue
		fi
		grep -qx "$t" "$tmp/good" || continue
		rm -f "$d/test.out.status"
		run_test "$t" "$d" "$d/test.out"
		case $? in
		0)	survivor=${survivor:-$t} ;;
		1)	verdict=caught
			by=$t
			break ;;
		2)	verdict=caught
			by="$t, killed after $limit s"
			break ;;
		esac
	done
	if [ -z "$verdict" ]; then
		if [ -n "$survivor" ]; then
			verdict=survived
		elif [ -n "$skipped" ]; then
			verdict=skip
		fi
	fi
	secs=$(($(date +%s) - t0))
	case $verdict in
	caught)	pass "$n (caught by $by; ${secs} s)"
		# What caught it, so that a reader can judge the reason.
		grep '^ *FAIL \|^  [^ ].*:[0-9]*: \|^    [a-z]' "$d/test.out" |
		    head -n 4 | sed 's/^ */    /'
		if [ -s "$d/test.out.status" ] &&
		    [ "$(cat "$d/test.out.status")" -ne 0 ] &&
		    ! grep -q '^ *FAIL ' "$d/test.out"; then
			echo "    (no FAIL line: exit status $(cat "$d/test.out.status"))"
		fi ;;
	survived) flunk "$n (survived: $survivor passed)" ;;
	skip)	echo "skip mutants/$n (its tests cannot run here)" ;;
	*)	flunk "$n (no test of it passes its control)" ;;
	esac
done
echo "# mutants: $(($(date +%s) - started)) s in all"
[ "$failed" -eq 0 ]
