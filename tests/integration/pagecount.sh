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

# Plain text: the pages counted are the pages cups-filters' texttopdf
# (the filter a printer's queue runs on text/plain) prints, on texts that
# wrap long lines, break on form feeds, tab past the margin, overwrite
# with CR and backspace, and on an empty file (no page, and not counted).
case_text_matches_texttopdf() {
	local filter=/usr/lib/cups/filter/texttopdf dir=$T/text f want got
	[ -x "$filter" ] || fm_skip "texttopdf missing"
	mkdir -p "$dir"
	python3 - "$dir" <<'PY'
import random, sys
random.seed(12)
d = sys.argv[1]
def w(name, data):
    open(d + "/" + name, "wb").write(data)
w("long-lines.txt", b"".join(b"x" * random.randint(0, 400) + b"\n" for _ in range(90)))
w("form-feeds.txt", b"a\n" * 59 + b"\f" + b"b\n" * 61 + b"\f\f" + b"c" * 81)
w("leading-ff.txt", b"\fa\n\f")
w("tabs.txt", b"".join(b"\t" * random.randint(0, 12) + b"ab\tc" * random.randint(0, 20) + b"\n" for _ in range(150)))
w("cr-bs.txt", b"".join(b"abc\rdef\x08\x08g" * 30 + b"\r\n" for _ in range(70)))
w("utf8.txt", ("\u00e9\u20ac" * 50 + "\n").encode() * 65)
w("exact-page.txt", b"z\n" * 60)
w("one-over.txt", b"z\n" * 60 + b"z")
w("empty.txt", b"")
PY
	for f in "$dir"/*.txt; do
		"$filter" 1 user title 1 "" "$f" > "$f.pdf" 2>/dev/null
		if [ -s "$f.pdf" ]; then
			want=$(qpdf --show-npages "$f.pdf")
		else
			want=0
		fi
		got=$(field "$("$CLI" --json "$f" 2>/dev/null || true)" pages)
		echo "$(basename "$f"): texttopdf $want, counted $got"
		if [ "$want" = 0 ]; then
			# Nothing printed: no count claimed (and the backend
			# refuses an empty job).
			[ "$got" = 0 ] || fm_die "$f: counted $got pages of nothing"
		else
			[ "$got" = "$want" ] || fm_die "$f: $got pages, texttopdf prints $want"
		fi
	done
}

fm_run_cases
