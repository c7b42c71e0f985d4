#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_comments.sh SRC - scripts/check-comments passes on the tree, and
# fails on a header whose function has no contract comment naming it or
# whose opening comment lacks its SPDX line.
set -eu
src=$1
. "$(dirname "$0")/check_lib.sh"

# header NAME STATUS PATTERN TEXT - common/NAME.h holding TEXT, alone in a
# tree, checked.
header() {
	rm -rf "$tmp/common"
	plant "$tmp" "common/$1.h" "$4"
	expect "$1" check-comments "$tmp" "$2" "$3"
}

expect tree check-comments "$src" 0 "every exported function documented"
header good 0 "every exported function documented" '/*
 * good.h - a module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* '"'"'fm_good_run()'"'"' - run it; false on error. */
bool fm_good_run(int x);'
header bare 1 "fm_bad_run() has no comment naming it" '/*
 * bad.h - a module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* Runs it; false on error. */
bool fm_bad_run(int x);'
header nospdx 1 "no opening comment ending with its SPDX line" '/*
 * nospdx.h - a module.
 */
/* '"'"'fm_nospdx_run()'"'"' - run it. */
bool fm_nospdx_run(int x);'
header inline 0 "every exported function documented" '/*
 * inline.h - a header-only module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* '"'"'fm_inline_run()'"'"' - run it; false on error. */
static inline bool
fm_inline_run(int x)
{
	return x > 0;
}'
header inlinebare 1 "fm_inline_go() has no comment naming it" '/*
 * inlinebare.h - a header-only module.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
static inline bool
fm_inline_go(int x)
{
	return x > 0;
}'

[ "$fails" -eq 0 ] || exit 1
