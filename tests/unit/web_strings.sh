#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# web_strings.sh SRCDIR - every text the web console's pages show is in
# web/strings.c, so that the catalog translates it: the data-t and
# data-t-placeholder texts of pages/index.html and the t("...") texts of
# pages/app.js.
set -eu
src=$1
missing=$(python3 - "$src" <<'PY'
import re, sys
src = sys.argv[1]
html = open(src + "/web/pages/index.html", encoding="utf-8").read()
js = open(src + "/web/pages/app.js", encoding="utf-8").read()
# Adjacent literals ("a" "b", as clang-format splits them) are one.
strings_c = re.sub(r'"\s*\n\s*"', "",
                   open(src + "/web/strings.c", encoding="utf-8").read())
listed = set(re.findall(r'N_\("((?:[^"\\]|\\.)*)"\)', strings_c))
shown = set(re.findall(r'data-t(?:-placeholder)?="([^"]*)"', html))
shown |= set(re.findall(r'(?<![\w.])t\("((?:[^"\\]|\\.)*)"\)', js))
for text in sorted(shown - listed):
    print(text)
PY
)
if [ -n "$missing" ]; then
	echo "web/strings.c lacks these page texts:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "web_strings: every page text is in the catalog"
