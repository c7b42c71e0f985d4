#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_includes.sh SRC - scripts/check-includes passes on the tree and
# fails, naming the include or call, on small trees with a forbidden
# edge, a cycle between folders and a cycle between modules.
set -eu
src=$1
. "$(dirname "$0")/check_lib.sh"

# planted NAME STATUS PATTERN [FILE TEXT]... - write the files into a
# fresh tree NAME (none: the source tree itself), run the check on it and
# expect its exit STATUS and a line matching PATTERN.
planted() {
	name=$1 want=$2 pattern=$3
	shift 3
	tree=$tmp/$name
	[ "$name" = source ] && tree=$src
	plant "$tree" "$@"
	expect "$name" check-includes "$tree" "$want" "$pattern"
}

planted source 0 "order respected"
# common may use nothing above it.
planted forbidden 1 'common/a.c:1: #include "store/b.h"  (common may not use store)' \
	common/a.c '#include "store/b.h"' store/b.h '/* b */'
# The terminal never reaches the server side.
planted terminal 1 'terminal may not use quota' \
	terminal/t.c '#include "quota/money.h"' quota/money.h '/* m */'
# store -> quota is forbidden, and with quota -> store it is a cycle.
planted cycle 1 'cycle between folders: quota -> store -> quota' \
	store/s.c '#include "quota/q.h"' quota/q.c '#include "store/s.h"' \
	quota/q.h '/* q */' store/s.h '/* s */'
# Two modules of one folder calling each other.
planted modules 1 'cycle between modules: quota/ledger -> quota/ledgerd -> quota/ledger' \
	quota/ledger.c 'int
fm_ledger_reserve(void) { return fm_ledgerd_call(1); }' \
	quota/ledgerd.c 'int
fm_ledgerd_call(int x) { return fm_ledger_reserve(); }'
# A file of another folder with the same name defines no fm_ledger_*:
# it must not hide the cycle.
planted masked 1 'cycle between modules: quota/ledger -> quota/ledgerd -> quota/ledger' \
	quota/ledger.c 'int
fm_ledger_reserve(void) { return fm_ledgerd_call(1); }' \
	quota/ledgerd.c 'int
fm_ledgerd_call(int x) { return fm_ledger_reserve(); }' \
	admin/ledger.c 'static int f(void) { return 0; }'
# SQL stays in store/ and quota/.
planted sql 1 'release/r.c:1: #include "sqlite3.h"  (only store, quota may include it)' \
	release/r.c '#include <sqlite3.h>'
# A call in a comment is no call.
planted comment 0 "order respected" \
	quota/ledger.c 'int
fm_ledger_reserve(void) { return fm_ledgerd_call(1); }' \
	quota/ledgerd.c '/* fm_ledger_reserve() is called by ... */
int
fm_ledgerd_call(int x) { return x; }'

[ "$fails" -eq 0 ] || exit 1
