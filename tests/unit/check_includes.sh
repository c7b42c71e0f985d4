#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_includes.sh SRC - scripts/check-includes passes on the tree and
# fails, naming the include or call, on small trees with a forbidden
# edge, a cycle between folders and a cycle between modules.
set -eu
src=$1
check=$src/scripts/check-includes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

expect() { # expect STATUS PATTERN TREE
	set +e
	out=$(python3 "$check" "$3" 2>&1)
	rc=$?
	set -e
	if [ "$rc" -ne "$1" ] || ! printf '%s\n' "$out" | grep -q -- "$2"; then
		echo "FAIL: $3: want exit $1 and '$2', got exit $rc:"
		printf '%s\n' "$out"
		fails=$((fails + 1))
	else
		echo "ok: $(basename "$3"): exit $rc, '$2'"
	fi
}

put() { # put TREE FILE TEXT
	mkdir -p "$(dirname "$1/$2")"
	printf '%s\n' "$3" >"$1/$2"
}

expect 0 "order respected" "$src"

# common may use nothing above it.
t=$tmp/forbidden
put "$t" common/a.c '#include "store/b.h"'
put "$t" store/b.h '/* b */'
expect 1 'common/a.c:1: #include "store/b.h"  (common may not use store)' "$t"

# The terminal never reaches the server side.
t=$tmp/terminal
put "$t" terminal/t.c '#include "quota/money.h"'
put "$t" quota/money.h '/* m */'
expect 1 'terminal may not use quota' "$t"

# store -> quota is forbidden, and with quota -> store it is a cycle.
t=$tmp/cycle
put "$t" store/s.c '#include "quota/q.h"'
put "$t" quota/q.c '#include "store/s.h"'
put "$t" quota/q.h '/* q */'
put "$t" store/s.h '/* s */'
expect 1 'cycle between folders: quota -> store -> quota' "$t"

# Two modules of one folder calling each other.
t=$tmp/modules
put "$t" quota/ledger.c 'void f(void) { fm_ledgerd_call(1); }'
put "$t" quota/ledgerd.c 'void g(void) { fm_ledger_reserve(2); }'
expect 1 'cycle between modules: quota/ledger -> quota/ledgerd -> quota/ledger' "$t"

# SQL stays in store/ and quota/.
t=$tmp/sql
put "$t" release/r.c '#include <sqlite3.h>'
expect 1 'release/r.c:1: #include "sqlite3.h"  (only store, quota may include it)' "$t"

# A call in a comment is no call.
t=$tmp/comment
put "$t" quota/ledger.c 'void f(void) { fm_ledgerd_call(1); }'
put "$t" quota/ledgerd.c '/* fm_ledger_reserve() is called by ... */'
expect 0 "order respected" "$t"

[ "$fails" -eq 0 ] || exit 1
