# SPDX-License-Identifier: Apache-2.0
#
# check_lib.sh - sourced by the tests of the tree checkers (check_*.sh):
# a scratch directory removed at exit, and expect(), which runs a checker
# and compares its exit status and output with what is wanted.  The
# sourcing script sets src (the source tree) first.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect NAME CHECKER TREE STATUS PATTERN - runs scripts/CHECKER on TREE
# and wants exit STATUS and a line holding PATTERN; says ok or FAIL,
# counting failures in $fails.
expect() {
	rc=0
	out=$(python3 "$src/scripts/$2" "$3" 2>&1) || rc=$?
	if [ "$rc" -ne "$4" ] || ! printf '%s\n' "$out" | grep -qF -- "$5"; then
		printf 'FAIL: %s: want exit %s and "%s", got exit %s:\n%s\n' \
			"$1" "$4" "$5" "$rc" "$out"
		fails=$((fails + 1))
	else
		echo "ok: $1: exit $rc, '$5'"
	fi
}

# plant TREE [FILE TEXT]... - writes each TEXT into TREE/FILE.
plant() {
	tree=$1
	shift
	while [ $# -ge 2 ]; do
		mkdir -p "$(dirname "$tree/$1")"
		printf '%s\n' "$2" >"$tree/$1"
		shift 2
	done
}
