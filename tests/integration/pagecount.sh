#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pagecount.sh - builds the page-analysis corpus (tests/data/
# make-pagecount-corpus.sh) in the build tree and checks that
# followme-pagecount gives exactly the expected status, pages, colour
# pages, impressions, sheets and copies for every file, within a bounded
# time, and exits non-zero exactly when a file could not be counted.
set -euo pipefail
: "${FM_BUILD:?}" "${FM_SRC:?}"
CLI=$FM_BUILD/spooler/followme-pagecount
GEN=$FM_BUILD/tests/pagecount-gen
for tool in gs qpdf perl; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
DIR=$FM_BUILD/pagecount-corpus
rm -rf "$DIR"
bash "$FM_SRC/tests/data/make-pagecount-corpus.sh" "$DIR" "$GEN" 2>/dev/null

field() { # field JSON NAME
	local re="\"$2\":(\"[^\"]*\"|[0-9]+)"
	[[ $1 =~ $re ]] || { echo "?"; return; }
	local v=${BASH_REMATCH[1]}
	echo "${v//\"/}"
}

fail=0 n=0
while IFS=$'\t' read -r file opts status pages color impr sheets copies; do
	n=$((n + 1))
	args=()
	[ "$opts" != - ] && read -ra args <<<"$opts"
	start=$(date +%s%N)
	set +e
	out=$(cd "$DIR" && timeout 120 "$CLI" --json "${args[@]}" "$file" 2>/dev/null)
	rc=$?
	set -e
	ms=$((($(date +%s%N) - start) / 1000000))
	got_status=$(field "$out" status)
	bad=""
	[ "$rc" -ge 124 ] && bad="$bad crashed-or-hung(rc=$rc)"
	[ "$ms" -gt 60000 ] && bad="$bad took-${ms}ms"
	if [ "$status" != - ] && [ "$got_status" != "$status" ]; then
		bad="$bad status=$got_status"
	fi
	if [ "$got_status" = ok ] && [ "$rc" != 0 ]; then bad="$bad rc=$rc"; fi
	if [ "$got_status" != ok ] && [ "$rc" != 1 ]; then bad="$bad rc=$rc"; fi
	for pair in "pages:$pages" "color_pages:$color" "impressions:$impr" \
		"sheets:$sheets" "copies:$copies"; do
		name=${pair%%:*} want=${pair#*:}
		[ "$want" = - ] && continue
		got=$(field "$out" "$name")
		[ "$got" = "$want" ] || bad="$bad $name=$got(want $want)"
	done
	if [ -n "$bad" ]; then
		echo "FAIL $file [$opts]:$bad"
		echo "     $out"
		fail=$((fail + 1))
	else
		echo "ok   $file [$opts] ${ms}ms"
	fi
done < "$DIR/expected.tsv"
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$n" -gt 50 ]
