#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_comments.sh SRC - scripts/check-comments passes on the tree, and
# fails on a header whose function has no contract comment naming it or
# whose opening comment lacks its SPDX line.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# header NAME STATUS PATTERN TEXT - common/NAME.h holding TEXT, checked.
header() {
	rm -rf "$tmp/common"
	mkdir -p "$tmp/common"
	printf '%s\n' "$4" >"$tmp/common/$1.h"
	rc=0
	out=$(python3 "$src/scripts/check-comments" "$tmp" 2>&1) || rc=$?
	if [ "$rc" -ne "$2" ] || ! printf '%s\n' "$out" | grep -qF -- "$3"; then
		printf 'FAIL: %s: want exit %s and "%s", got %s:\n%s\n' \
			"$1" "$2" "$3" "$rc" "$out"
		fails=$((fails + 1))
	else
		echo "ok: $1: exit $rc"
	fi
}

rc=0
python3 "$src/scripts/check-comments" "$src" || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: the tree"; fails=$((fails + 1)); }

header good 0 "every exported function documented" '/*
 * good.h - a module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* '"'"'fm_good_run()'"'"' - run it; false on error. */
bool fm_good_run(int x);'
header bare 1 "fm_bad_run() has no comment naming it" '/*
 * bad.h - a module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* Runs it; false on error. */
bool fm_bad_run(int x);'
header nospdx 1 "no opening comment ending with its SPDX line" '/*
 * nospdx.h - a module.
 */
/* '"'"'fm_nospdx_run()'"'"' - run it. */
bool fm_nospdx_run(int x);'

[ "$fails" -eq 0 ] || exit 1
