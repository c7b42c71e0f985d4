#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# po/make-pot.sh SRCDIR OUT.pot - extract every message for people from
# the product's sources into a gettext template.  Run by the "pot" build
# target (which writes po/followme.pot) and by tests/unit/po_check.sh.
#
# _() and N_() mark messages, P_() singular and plural; in
# release/session.c the sentences the server sends terminals are the
# arguments of send_ok(), send_error(), auth_fail(), progress() and
# release_failed(): the terminal looks them up in this same catalog to
# translate them; followme-admin's messages are the formats of
# fm_admin_fail(), fm_admin_done() and fm_admin_usage(), and what
# fm_admin_list_end() says of an empty list; the command-line grammar's
# messages and --help's summaries are N_() in the command tables, some
# of them in headers (admin/admin.h).
set -eu
src=$1
out=$2
cd "$src"
find common proto badge store quota spooler release terminal admin web \
	\( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort >"$out.files"
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
	--keyword=_ --keyword=N_ --keyword=P_:1,2 \
	--keyword=send_ok:2 --keyword=send_error:3 --keyword=auth_fail:4 \
	--keyword=progress:6 --keyword=release_failed:3 \
	--keyword=fm_admin_fail:1 --keyword=fm_admin_done:1 \
	--keyword=fm_admin_list_end:5 --keyword=fm_admin_usage:2 \
	--flag=fm_admin_fail:1:c-format --flag=fm_admin_done:1:c-format --flag=fm_admin_usage:2:c-format \
	--flag=send_error:3:c-format --flag=progress:6:c-format --flag=release_failed:3:c-format \
	--package-name=followme --msgid-bugs-address="the Followme issue tracker" \
	--sort-by-file --no-wrap \
	--files-from="$out.files" --output="$out"
rm -f "$out.files"
