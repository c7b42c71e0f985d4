#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# pagecount.sh - builds the page-analysis corpus (tests/data/
# make-pagecount-corpus.sh) in the build tree and checks that
# followme-pagecount gives exactly the expected status, pages, colour
# pages, impressions, sheets and copies for every file, within a bounded
# time, and exits non-zero exactly when a file could not be counted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fm_setup --any-user "$@"
CLI=$FM_BUILD/spooler/followme-pagecount
GEN=$FM_BUILD/tests/pagecount-gen
for tool in gs qpdf perl; do
	command -v "$tool" >/dev/null || fm_skip "$tool missing"
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

# The corpus holds more than 50 files.
case_corpus_size() {
	n=$(wc -l < "$DIR/expected.tsv")
	[ "$n" -gt 50 ] || fm_die "the corpus holds $n files"
}

# Every file of the corpus counted as expected (one line per file).
case_every_file() {
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
	[ "$fail" -eq 0 ] || fm_die "$fail of $n files counted wrong"
}

fm_run_cases
