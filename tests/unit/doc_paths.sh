#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# doc_paths.sh SRC - the README, the manual pages and the shipped files
# name the same places: where the CUPS policy is installed, and where a
# terminal keeps its certificate and key.
set -eu
src=$1
fails=0
same() { # same WHAT PATH FILE...: PATH appears in every FILE
	what=$1 path=$2
	shift 2
	for f in "$@"; do
		if ! grep -qF -- "$path" "$src/$f"; then
			echo "FAIL: $f does not name $what as $path"
			fails=$((fails + 1))
		fi
	done
}

policy=$(sed -n 's|.*cat \(/[^ ]*followme-policy.conf\).*|\1|p' "$src/README.md" | head -n 1)
[ -n "$policy" ] || { echo "FAIL: README.md names no policy file"; exit 1; }
same "the CUPS policy" "$policy" docs/followme-setup-queue.8

termdir=$(sed -n 's|^ca = \(.*\)/ca.crt$|\1|p' "$src/dist/terminal.conf")
[ -n "$termdir" ] || { echo "FAIL: dist/terminal.conf names no ca"; exit 1; }
same "the terminal's certificates" "$termdir/" README.md docs/followme-terminal.8

[ "$fails" -eq 0 ] || exit 1
echo "ok: $policy, $termdir/ named alike everywhere"
