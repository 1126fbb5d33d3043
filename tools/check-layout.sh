#!/bin/sh
# Check that every #include between folders of src/ points down the
# layering (README, "Development"): a folder may include only itself and
# the folders before it in LAYERS, and every include names its folder.
# Prints one line per violation; exit 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
LAYERS="lib conf model pf verify kernel jail services cli"
rank() {
	_r=0
	for _l in $LAYERS; do
		[ "$_l" = "$1" ] && { echo "$_r"; return; }
		_r=$((_r + 1))
	done
	echo -1
}
bad=0
for f in src/*/*.c src/*/*.h; do
	[ -e "$f" ] || continue
	dir=${f#src/}
	dir=${dir%%/*}
	me=$(rank "$dir")
	if [ "$me" -lt 0 ]; then
		echo "$f: folder $dir is not a layer ($LAYERS)"
		bad=1
		continue
	fi
	# Quoted includes only: system headers use <>.
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		*/*) ;;
		*)
			echo "$f: #include \"$inc\" does not name its folder"
			bad=1
			continue
			;;
		esac
		to=$(rank "${inc%%/*}")
		if [ "$to" -lt 0 ] || [ ! -e "src/$inc" ]; then
			echo "$f: #include \"$inc\": no such header in src/"
			bad=1
		elif [ "$to" -gt "$me" ]; then
			echo "$f: #include \"$inc\" points up ($dir uses ${inc%%/*})"
			bad=1
		fi
	done
done
exit "$bad"
