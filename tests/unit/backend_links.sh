#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# backend_links.sh BINARY - cupsd starts the followme backend once per
# document, and a burst of small jobs waits on that start: the backend
# must not load libcups, libqpdf or GnuTLS (each of whose start-up costs
# more than the rest of a small job), directly or through another
# library.  Prints what it loads; fails naming what it must not.
set -eu
bin=$1
loaded=$(ldd "$bin" | awk '{ print $1 }')
[ -n "$loaded" ] || { echo "FAIL: ldd read nothing from $bin"; exit 1; }
echo "$bin loads:" $loaded
bad=$(printf '%s\n' $loaded | grep -E '^lib(cups|qpdf|gnutls)[.-]' || true)
if [ -n "$bad" ]; then
	echo "FAIL: the backend loads" $bad
	exit 1
fi
echo "ok: none of libcups, libqpdf, GnuTLS"
