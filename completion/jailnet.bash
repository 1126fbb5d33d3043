# bash completion for jailnet(8).  Plain bash (compgen), so that it works
# with or without the bash-completion package; installed by `make install`
# as PREFIX/share/bash-completion/completions/jailnet.

# _jailnet_servers SITE: the server names of SITE's site.conf.
_jailnet_servers()
{
	[ -r "$1/site.conf" ] || return
	sed -n 's/^[[:space:]]*server[[:space:]]\{1,\}\([A-Za-z0-9_.-]\{1,\}\).*/\1/p' \
	    "$1/site.conf"
}

_jailnet()
{
	local cur prev cmd site i opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "check show up confirm down reload status exec ssh pf pfctl pflog dns health bundle verify trace diff help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	# The site: the first word after the command that is not an option.
	site=
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--site) site=${COMP_WORDS[i+1]}; break ;;
		-f|-nvf|-vnf|-nf|-vf|--file) ((i++)) ;;
		-*) ;;
		*) site=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--server)
		COMPREPLY=($(compgen -W "$(_jailnet_servers "$site")" -- "$cur"))
		return ;;
	-T)
		COMPREPLY=($(compgen -W "show test add delete flush replace expire" -- "$cur"))
		return ;;
	--from|-t|--test|--watch|--git|--confirm)
		return ;;
	-f|-nvf|-vnf|-nf|-vf|--file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--site)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	esac
	case $cmd in
	check) opts= ;;
	show) opts="--server --json --dot" ;;
	up) opts="-n --no-services --network-only --server --host --force --confirm" ;;
	confirm) opts= ;;
	down) opts="--purge" ;;
	reload) opts="-n --server --rebuild --force" ;;
	status) opts="--json" ;;
	exec) opts="--" ;;
	ssh) opts="-n --from --" ;;
	pf) opts="-n -v -f -nvf --site --server --nft --test --lint --lint=error" ;;
	pfctl) opts="--server -t -T -f" ;;
	pflog) opts="--server --once --file" ;;
	dns) opts="drain restore --from --wait" ;;
	health) opts="--from --watch" ;;
	bundle) opts="--server --force" ;;
	verify) opts="--json --live" ;;
	trace) opts="--sport --flags --json" ;;
	diff) opts="--json --git --force" ;;
	*) return ;;
	esac
	if [[ $cur == -* ]] || [ -n "$site" ]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		# bundle's DIR and diff's NEW_SITE, after the site: a directory.
		if { [ "$cmd" = bundle ] || [ "$cmd" = diff ]; } && [[ $cur != -* ]]; then
			COMPREPLY+=($(compgen -d -- "$cur"))
		fi
	else
		COMPREPLY=($(compgen -d -- "$cur"))
	fi
}
complete -F _jailnet jailnet
