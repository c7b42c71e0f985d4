#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# terminal_links.sh BINARY - followme-terminal runs on a small computer
# beside the printer: it must not link the server's libraries (SQLite,
# libcups, libqpdf, PAM).  Prints what it links; fails naming any of them.
set -eu
bin=$1
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "FAIL: no NEEDED entries read from $bin"; exit 1; }
echo "$bin links:" $needed
bad=$(printf '%s\n' $needed | grep -E '^lib(sqlite3|cups|qpdf|pam)[.-]' || true)
if [ -n "$bad" ]; then
	echo "FAIL: followme-terminal links server libraries:" $bad
	exit 1
fi
echo "ok: no server library"
