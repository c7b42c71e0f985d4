#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# po_check.sh SRC - the catalogs are complete and current: every message
# the sources mark is in po/followme.pot and translated in po/fr.po, with
# nothing untranslated, fuzzy, obsolete or left over from an older
# source, and fr.po compiles with its formats checked ("cmake --build
# build --target pot" brings both up to date).
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
: >"$tmp/cmp1"; : >"$tmp/cmp2"
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

sh "$src/po/make-pot.sh" "$src" "$tmp/now.pot" 2>"$tmp/xgettext.log" ||
	{ cat "$tmp/xgettext.log"; exit 1; }
# The same messages (msgcmp both ways: neither has one the other lacks).
msgcmp --use-untranslated "$src/po/followme.pot" "$tmp/now.pot" 2>"$tmp/cmp1" &&
	msgcmp --use-untranslated "$tmp/now.pot" "$src/po/followme.pot" 2>"$tmp/cmp2" ||
	fail "po/followme.pot is out of date with the sources: $(cat "$tmp/cmp1" "$tmp/cmp2" | head -n 5)"
# fr.po has every message of the sources translated...
msgcmp "$src/po/fr.po" "$tmp/now.pot" 2>"$tmp/cmp3" ||
	fail "po/fr.po lacks messages: $(head -n 5 "$tmp/cmp3")"
# ...and none the sources no longer have.
msgcmp --use-untranslated "$tmp/now.pot" "$src/po/fr.po" 2>"$tmp/cmp4" ||
	fail "po/fr.po has messages the sources do not: $(head -n 5 "$tmp/cmp4")"
grep -q '^#~' "$src/po/fr.po" && fail "po/fr.po keeps obsolete (#~) messages"
msgfmt --check --statistics -o /dev/null "$src/po/fr.po" 2>"$tmp/stats" ||
	fail "msgfmt --check: $(cat "$tmp/stats")"
cat "$tmp/stats"
grep -Eq 'untranslated|fuzzy' "$tmp/stats" && fail "po/fr.po: $(cat "$tmp/stats")"
[ "$fails" -eq 0 ] || exit 1
echo "ok: po/followme.pot current, po/fr.po complete"
