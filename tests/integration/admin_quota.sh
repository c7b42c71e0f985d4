#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# admin_quota.sh - followme-admin quota, accounts and finance commands,
# end to end on a real store: setup from the CLI alone, charges, exports
# of a closed period (same bytes twice), ledger verification against a
# tampered file, clear errors and exit codes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fm_setup --any-user "$@"
export TZ=UTC

CHARGE_BIN="$FM_BUILD/tests/fm_test_charge"
STATE="$T/state"
mkdir -m 700 "$STATE"
# followme-admin drops to the configured user when run as root.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS="followme"
	chown followme "$STATE"
	as_user() { fm_as followme "$@"; }
else
	RUNAS="$(id -un)"
	as_user() { "$@"; }
fi
printf '[server]\nstate_dir = %s\nuser = %s\n' "$STATE" "$RUNAS" >"$FM_CONF"
as_user touch "$STATE/followme.db"

admin() { fm_admin "$@"; }
# expect_rc RC CMD... - run followme-admin, require exit status RC.
expect_rc() {
	local want=$1 rc=0
	shift
	admin "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$T/out" "$T/err" >&2
		fm_die "followme-admin $* exited $rc, expected $want"
	}
}
expect_err() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fm_die "stderr lacks '$1'"; }; }
expect_out() { grep -q -- "$1" "$T/out" || { cat "$T/out" >&2; fm_die "stdout lacks '$1'"; }; }
charge() { as_user "$CHARGE_BIN" "$STATE/followme.db" "$@"; }
OCT=1727740800 # 2024-10-01 00:00 UTC

# Set-up from the CLI alone.
case_cli_setup() {
	expect_rc 0 dept add O10 'Finance, "Accounts"'
	expect_rc 0 dept add O20 '=HYPERLINK("http://evil")'
	expect_rc 0 user add alice --name 'Alice, A.' --department O10
	expect_rc 0 user add bob --department O20
	expect_rc 0 printer add lobby --uri ipp://192.0.2.5/ipp/print --location 'Lobby'
	expect_rc 0 price set --media A4 --colour mono --sides simplex --amount 0.05
	expect_rc 0 price set --media A4 --colour mono --sides duplex --amount 0.04
	expect_rc 0 price set --media A4 --colour colour --sides simplex --per sheet --amount 0.25
	expect_out "version 3"
	expect_rc 0 price show --json
	expect_out '"per":"sheet","amount":"0.25"'
	expect_rc 0 price history
	expect_out "^3 "
	expect_rc 0 quota set --user alice --amount 2.00 --period monthly --cap 3.00
	expect_rc 0 quota limit --user alice --restricted --overdraft 0.10
	expect_rc 0 quota set --department O20 --amount 1.00 --period weekly
	expect_rc 0 quota run-allocations
	expect_out "Credited 2"
	expect_rc 0 quota run-allocations
	expect_out "Credited 0"
	expect_rc 0 balance user alice --json
	expect_out '"balance":"2.00"'
	expect_rc 0 quota grant --department O10 --amount 5 --reason 'opening balance'
	expect_rc 0 quota adjust --user bob --amount -0.50 --reason 'correction'
	expect_rc 0 balance user bob
	expect_out "balance:   -0.50"
	expect_rc 0 user list --json
	expect_out '"login":"alice"'
	expect_rc 0 dept show O10
	expect_out "alice"
	printf '4711\n' >"$T/pin"
	admin user set-pin alice <"$T/pin" >/dev/null || fm_die "set-pin"
	expect_rc 0 user show alice
	expect_out "PIN:        set"
	expect_rc 0 badge add alice 04:A1:B2:C3 --label blue
	expect_rc 0 badge list alice --json
	expect_out '"label":"blue"'
	[ "$(stat -c %a "$STATE/badge.key")" = 600 ] || fm_die "badge key is not 0600"
	expect_rc 0 project add P-42
	expect_rc 1 project add O10
	expect_err "exists"
	expect_rc 0 project allow P-42 bob
	expect_rc 1 project allow P-42 nobody
	expect_err "no such user"
	expect_rc 0 quota grant --project P-42 --amount 1.50 --reason 'grant'
	expect_rc 0 project list --json
	expect_out '"code":"P-42","members":1,"balance":"1.50"'
	expect_rc 0 balance project P-42
	expect_rc 0 printer list --json
	expect_out '"name":"lobby"'
}

# Clear errors, non-zero exits.
case_clear_errors() {
	expect_rc 2 frobnicate
	expect_rc 2 user
	expect_err "needs a command"
	expect_rc 1 user show nobody
	expect_err "no user nobody"
	expect_rc 1 balance user nobody
	expect_rc 2 quota grant --user alice --amount -5 --reason x
	expect_err "positive amount"
	expect_rc 2 quota grant --user alice --amount 5
	expect_err "reason is required"
	expect_rc 2 quota set --user alice --amount 1.234
	expect_rc 2 quota set --user alice --department O10 --amount 1
	expect_rc 2 export --by department --from 2024-02-30 --to 2024-03-01
	expect_err "is not a date"
	expect_rc 2 export --by department --from 2024-03-01 --to 2024-02-01
	expect_rc 2 export --by galaxy --from 2024-03-01 --to 2024-03-02
	expect_rc 2 price set --media B9 --colour mono --sides simplex --amount 1
	expect_rc 1 dept add O10 Again
	expect_err "already exists"
	expect_rc 1 user add carol --department NOPE
	printf '12\n' >"$T/pin"
	rc=0; admin user set-pin alice <"$T/pin" 2>"$T/err" >/dev/null || rc=$?
	[ "$rc" -eq 1 ] || fm_die "a 2-digit PIN was accepted"
	expect_rc 2 refund 5
	expect_rc 1 refund 999 --reason x
}
# The department, users and PIN rules it runs into are case_cli_setup's.
fm_needs clear_errors cli_setup

# Charges in October 2024, then exports: a closed period exports the
# same bytes again, whatever happens later; totals equal the ledger's.
case_charges_and_exports() {
	charge $((OCT + 3600)) alice lobby 1 3 2 0 >/dev/null
	charge $((OCT + 86400)) alice lobby 2 0 4 0 >/dev/null
	charge $((OCT + 2 * 86400)) bob lobby 3 10 0 1 >/dev/null
	# alice: 2.00 + 0.10 overdraft, then the department pays (user first).
	rc=0; charge $((OCT + 3 * 86400)) alice lobby 4 100 0 0 >/dev/null || rc=$?
	[ "$rc" -eq 0 ] || fm_die "alice+O10 should cover 5.00"
	rc=0; charge $((OCT + 4 * 86400)) alice lobby 5 200 0 0 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ] || fm_die "over quota was not denied"
	grep -q "needs .* more" "$T/err" || fm_die "no denial reason"
	# bob charges project P-42 (job-account-id): only that row is in
	# the project report, bob counted as its one user.
	charge $((OCT + 5 * 86400 + 3600)) bob lobby 7 2 0 0 P-42 >/dev/null ||
		fm_die "bob could not charge P-42"
	expect_rc 0 report usage --by printer --from 2024-10-01 --to 2024-10-31
	expect_out "lobby"
	expect_rc 0 report usage --by project --from 2024-10-01 --to 2024-10-31
	expect_out "^PROJECT  *USERS"
	expect_out "^P-42  *1  *1  *2  *0 "
	expect_rc 0 export --by project --from 2024-10-01 --to 2024-10-31
	expect_out "^period_start,period_end,project,users,jobs,"
	expect_out "^2024-10-01,2024-10-31,P-42,1,1,2,0,2,2,2,0,"
	[ "$(grep -c . "$T/out")" -eq 2 ] || fm_die "more than P-42 in the project export: $(cat "$T/out")"
	expect_rc 0 report usage --by project --from 2024-10-01 --to 2024-10-05 --json
	expect_out '"by":"project","rows":\[\]}'
	expect_rc 2 report usage --by galaxy --from 2024-10-01 --to 2024-10-31
	expect_err "by is user, department, project or printer"
	expect_rc 2 export --by printer --from 2024-10-01 --to 2024-10-31
	expect_err "by is department, project or user"
	expect_rc 0 report usage --by user --from 2024-10-01 --to 2024-10-31 --json
	expect_out '"user":"alice"'
	expect_rc 0 export --by department --from 2024-10-01 --to 2024-10-31 --format csv --out "$T/open.csv"
	expect_err "period not closed"
	expect_rc 0 period close --to 2024-10-31
	for i in 1 2; do
		expect_rc 0 export --by department --from 2024-10-01 --to 2024-10-31 --format csv --out "$T/oct-$i.csv"
		expect_err "closed period"
		expect_rc 0 export --by user --from 2024-10-01 --to 2024-10-31 --format json --out "$T/oct-$i.json"
	done
	# Later activity -- a refund of an October job included -- changes nothing.
	expect_rc 0 refund 1 --reason 'paper jam'
	expect_out "Refunded 0.23"
	expect_rc 1 refund 1 --reason 'again'
	expect_err "already refunded"
	charge 0 bob lobby 6 1 0 0 >/dev/null
	expect_rc 0 export --by department --from 2024-10-01 --to 2024-10-31 --format csv --out "$T/oct-3.csv"
	expect_rc 0 export --by user --from 2024-10-01 --to 2024-10-31 --format json --out "$T/oct-3.json"
	cmp "$T/oct-1.csv" "$T/oct-2.csv" || fm_die "re-export differs"
	cmp "$T/oct-1.csv" "$T/oct-3.csv" || fm_die "export of a closed period changed"
	cmp "$T/oct-1.json" "$T/oct-3.json" || fm_die "JSON export of a closed period changed"
	cmp "$T/open.csv" "$T/oct-1.csv" || fm_die "closing changed the figures"
	grep -q "^2024-10-01,2024-10-31,O20,\"'=HYPERLINK" "$T/oct-1.csv" || fm_die "formula not neutralised"
	grep -q ',O10,"Finance, ""Accounts""",1,3,' "$T/oct-1.csv" || { cat "$T/oct-1.csv"; fm_die "O10 row"; }
	# Totals equal the ledger's.
	sum=$(tail -n +2 "$T/oct-1.csv" | tr -d '\r' | awk -F, '{ s += $NF * 100 } END { printf "%d", s }')
	ledger=$(as_user sqlite3 "$STATE/followme.db" "SELECT -sum(amount) FROM ledger WHERE kind IN ('commit','refund') AND at >= $OCT AND at < $((OCT + 31 * 86400))")
	[ "$sum" = "$ledger" ] || fm_die "export total $sum != ledger $ledger"
	expect_rc 1 period close --to 2024-09-30
	expect_err "later day is already closed"
	# stdout export works too.
	expect_rc 0 export --by department --from 2024-10-01 --to 2024-10-31 --format csv
	cmp "$T/out" "$T/oct-1.csv" || fm_die "stdout export differs from --out"
}
fm_needs charges_and_exports cli_setup

# --out appears whole or not at all: a failed export leaves the old file
# as it was and no temporary file; a symlink at the destination is
# replaced, never followed; an unwritable directory is a clear error.
case_export_out_file() {
	echo "last month" > "$T/keep.csv"
	mv "$T/followme.conf" "$T/followme.conf.saved"
	printf '[server]\nstate_dir = %s/nonexistent/state\n' "$T" > "$T/followme.conf"
	expect_rc 1 export --by department --from 2024-10-01 --to 2024-10-31 --out "$T/keep.csv"
	mv "$T/followme.conf.saved" "$T/followme.conf"
	[ "$(cat "$T/keep.csv")" = "last month" ] || fm_die "a failed export touched the file"
	ls -a "$T" | grep -q '^\.keep\.csv\.' && fm_die "a failed export left a temporary file"
	echo "precious" > "$T/victim"
	ln -s "$T/victim" "$T/link.csv"
	umask 022
	expect_rc 0 export --by department --from 2024-10-01 --to 2024-10-31 --out "$T/link.csv"
	[ "$(cat "$T/victim")" = "precious" ] || fm_die "the export followed a symlink"
	[ -L "$T/link.csv" ] && fm_die "the symlink was not replaced"
	cmp "$T/link.csv" "$T/oct-1.csv" || fm_die "export through a replaced symlink differs"
	# Exports are personal data: the caller's alone, whatever the umask.
	[ "$(stat -c %a "$T/link.csv")" = 600 ] ||
		fm_die "export --out made a file others can read: $(stat -c %a "$T/link.csv")"
	expect_rc 1 export --by department --from 2024-10-01 --to 2024-10-31 --out "$T/no/such/dir/x.csv"
	expect_err "cannot open $T/no/such/dir"
}
# The file to compare with is case_charges_and_exports' October export.
fm_needs export_out_file charges_and_exports

# Privacy: old jobs anonymised, in several transactions, none missed.
case_privacy() {
	as_user sqlite3 "$STATE/followme.db" "INSERT INTO jobs (uuid, cups_job_id, owner, host, title, state, created_at, expires_at, ended_at) VALUES ('u-old', 1, 'alice', 'pc1', 'Salary review', 'released', 1000, 2000, 1500), ('u-new', 2, 'alice', 'pc1', 'Today', 'released', $(date +%s), $(date +%s), $(date +%s))"
	# 1200 more old jobs: anonymised in several transactions, none missed.
	as_user sqlite3 "$STATE/followme.db" "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1200) INSERT INTO jobs (uuid, cups_job_id, owner, host, title, state, created_at, expires_at, ended_at) SELECT 'u-bulk-' || i, 100 + i, 'alice', 'pc2', 'Old ' || i, 'deleted', 1000, 2000, 1500 FROM c"
	expect_rc 0 privacy anonymise --older-than 30
	expect_out "Anonymised 1201"
	[ "$(as_user sqlite3 "$STATE/followme.db" "SELECT count(*) FROM jobs WHERE title != '' AND uuid != 'u-new'")" = 0 ] ||
		fm_die "old titles kept after a batched anonymise"
	[ "$(as_user sqlite3 "$STATE/followme.db" "SELECT title || host FROM jobs WHERE uuid = 'u-old'")" = "" ] || fm_die "old title kept"
	[ "$(as_user sqlite3 "$STATE/followme.db" "SELECT title FROM jobs WHERE uuid = 'u-new'")" = "Today" ] || fm_die "new title removed"
	expect_rc 2 privacy anonymise --older-than soon
}
fm_needs privacy charges_and_exports

# forge_chain DB [--edit ID] [--drop-keying | --move-keying]: what
# someone with the database but not ledger.key can do: change a row (and
# its account's cached balance to match), then recompute the chain as
# plain SHA-256 from the first row, head included, as the unkeyed ledger
# was computed.
forge_chain() {
	as_user /usr/bin/python3 - "$@" <<'PY'
import hashlib, sqlite3, struct, sys
db, args = sys.argv[1], sys.argv[2:]
c = sqlite3.connect(db)
c.executescript("DROP TRIGGER IF EXISTS ledger_no_update;"
                "DROP TRIGGER IF EXISTS ledger_no_delete;")
if "--edit" in args:
    rid = int(args[args.index("--edit") + 1])
    acc, = c.execute("SELECT account_id FROM ledger WHERE id = ?", (rid,)).fetchone()
    c.execute("UPDATE ledger SET amount = amount + 100 WHERE id = ?", (rid,))
    c.execute("UPDATE accounts SET balance = balance + 100 WHERE id = ?", (acc,))
def i64(v): return struct.pack(">q", v)
def st(v): return i64(-1) if v is None else i64(len(v.encode())) + v.encode()
prev = bytes(32)
for r in c.execute("SELECT id, at, account_id, kind, amount, held, user, dept,"
                   " printer, coalesce(job_id, 0), coalesce(reservation, 0),"
                   " coalesce(price_version, 0), measured, media, mono_simplex,"
                   " mono_duplex, colour_simplex, colour_duplex, sheets,"
                   " idem_key, reason, admin FROM ledger ORDER BY id").fetchall():
    h = hashlib.sha256(prev)
    for k, v in enumerate(r):
        h.update(st(v) if k in (3, 6, 7, 8, 13, 19, 20, 21) else i64(v))
    c.execute("UPDATE ledger SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h.digest(), r[0]))
    prev, last = h.digest(), r[0]
c.execute("UPDATE ledger_head SET last_id = ?, hash = ?", (last, prev))
if "--drop-keying" in args:
    c.execute("DELETE FROM ledger_keying")
if "--move-keying" in args:
    c.execute("UPDATE ledger_keying SET keyed_from = ?", (last + 1,))
c.commit()
PY
}
db_save() { as_user sqlite3 "$STATE/followme.db" ".backup $STATE/saved.db"; }
db_restore() { as_user sqlite3 "$STATE/followme.db" ".restore $STATE/saved.db"; }

# The per-day aggregates that exports read (issue 13): tampered, ledger
# verify names the day and tells how to mend them, in French too, and
# the export shows the tampered figure; rebuild-aggregates restores the
# export the ledger gives.
case_ledger_aggregates() {
	expect_rc 0 ledger verify
	expect_rc 0 export --by user --from 2024-10-01 --to 2024-10-31 --format csv
	cp "$T/out" "$T/agg-before.csv"
	as_user sqlite3 "$STATE/followme.db" "UPDATE ledger_days SET amount = amount - 100 WHERE user = 'bob' AND day = 20241003"
	expect_rc 0 export --by user --from 2024-10-01 --to 2024-10-31 --format csv
	cmp -s "$T/out" "$T/agg-before.csv" && fm_die "the export does not read the aggregates"
	expect_rc 1 ledger verify
	expect_err "^followme-admin: LEDGER VERIFICATION FAILED$"
	expect_err "^per-day aggregates of 2024-10-03, department 'O20', user 'bob', printer 'lobby', account [0-9]* differ from the ledger$"
	expect_err "^1 difference in the per-day aggregates; followme-admin ledger rebuild-aggregates recomputes them"
	LANGUAGE=fr LANG=C.UTF-8 expect_rc 1 ledger verify
	expect_err "^agrégats journaliers du 2024-10-03, service « O20 », utilisateur « bob », imprimante « lobby », compte [0-9]* différents du grand livre$"
	expect_rc 0 ledger rebuild-aggregates
	expect_out "^Rebuilt the per-day aggregates from the ledger: [0-9]* rows\.$"
	expect_rc 0 ledger verify
	expect_rc 0 export --by user --from 2024-10-01 --to 2024-10-31 --format csv
	cmp "$T/out" "$T/agg-before.csv" || fm_die "the rebuilt aggregates export other figures"
}
fm_needs ledger_aggregates charges_and_exports

# The chain is keyed (issue 12, item 17): a row rewritten with the whole
# chain recomputed as unkeyed SHA-256 -- and the keying record removed,
# or moved past the end to call every row unkeyed -- is caught by
# ledger verify; without its key (missing, or readable by others)
# verify fails clearly.
case_ledger_forged_chain() {
	expect_rc 0 ledger verify
	db_save
	forge_chain "$STATE/followme.db" --edit 6
	expect_rc 1 ledger verify
	expect_err "row 6: content does not match its MAC"
	forge_chain "$STATE/followme.db" --drop-keying
	expect_rc 1 ledger verify
	expect_err "no row is keyed"
	db_restore
	forge_chain "$STATE/followme.db" --edit 6 --move-keying
	expect_rc 1 ledger verify
	expect_err "does not carry the key's MAC"
	db_restore
	expect_rc 0 ledger verify
	as_user mv "$STATE/ledger.key" "$STATE/ledger.key.saved"
	expect_rc 1 ledger verify
	expect_err "ledger.key: the key file does not exist"
	[ ! -e "$STATE/ledger.key" ] || fm_die "ledger verify created a ledger key"
	as_user mv "$STATE/ledger.key.saved" "$STATE/ledger.key"
	as_user chmod 640 "$STATE/ledger.key"
	expect_rc 1 ledger verify
	expect_err "ledger.key: the key file is readable by others"
	as_user chmod 600 "$STATE/ledger.key"
	expect_rc 0 ledger verify
	expect_out "keyed chain, balances and aggregates verified"
}
fm_needs ledger_forged_chain charges_and_exports

# A ledger written before it was keyed (as before an upgrade: an
# unkeyed chain, no key, no keying record) stays verifiable: the first
# command that writes creates the key and keys every later row; verify
# proves those and names the unkeyed prefix.
case_ledger_unkeyed_prefix() {
	db_save
	as_user mv "$STATE/ledger.key" "$STATE/ledger.key.saved"
	forge_chain "$STATE/followme.db" --drop-keying
	rows=$(as_user sqlite3 "$STATE/followme.db" "SELECT count(*) FROM ledger")
	expect_rc 0 quota grant --department O10 --amount 1 --reason 'after the upgrade'
	[ "$(stat -c %a "$STATE/ledger.key")" = 600 ] || fm_die "ledger.key mode $(stat -c %a "$STATE/ledger.key")"
	expect_rc 0 ledger verify
	expect_out "rows 1 to $rows were written before the ledger was keyed"
	db_restore
	as_user mv -f "$STATE/ledger.key.saved" "$STATE/ledger.key"
	expect_rc 0 ledger verify
}
fm_needs ledger_unkeyed_prefix charges_and_exports

# Ledger verification, in English and French, then against a tampered row.
case_ledger_verify() {
	expect_rc 0 ledger verify
	expect_out "^Ledger OK: [0-9][0-9]* rows\{0,1\}, keyed chain, balances and aggregates verified\.$"
	# In French too (LANG=fr_FR.UTF-8, generated or not).
	LANG=fr_FR.UTF-8 expect_rc 0 ledger verify
	expect_out "^Grand livre correct : [0-9][0-9]* lignes\{0,1\}, chaîne à clé, soldes et agrégats vérifiés\.$"
	as_user sqlite3 "$STATE/followme.db" "DROP TRIGGER ledger_no_update; UPDATE ledger SET amount = amount + 1 WHERE id = 6"
	expect_rc 1 ledger verify
	expect_err "^followme-admin: LEDGER VERIFICATION FAILED$"
	expect_err "row 6: content does not match"
	LANGUAGE=fr LANG=C.UTF-8 expect_rc 1 ledger verify
	expect_err "^followme-admin: ÉCHEC DE LA VÉRIFICATION DU GRAND LIVRE$"
}
# Row 6 is one of case_charges_and_exports'.
fm_needs ledger_verify charges_and_exports

# The man page documents every command.
case_man_page() {
	admin --help | sed -n 's/^  \([a-z-]*\)\( \([a-z][a-z-]*\)\)\{0,1\}.*/\1 \3/p' | while read -r group verb; do
		[ -n "$group" ] || continue
		pat="$group${verb:+ $verb}"
		grep -q -- "^\\.B followme-admin.* $pat\\b\\|^\\.SS \"$pat\\b\\|^\\.SS $pat\\b" "$FM_SRC/docs/followme-admin.8" ||
			fm_die "docs/followme-admin.8 does not document '$pat'"
	done
}

# A raise within a month that was already credited says so, and --now
# credits the difference once.
case_quota_raise() {
	expect_rc 0 dept add O30 Legal
	expect_rc 0 quota set --department O30 --amount 10.00
	expect_rc 0 quota run-allocations
	expect_rc 0 quota set --department O30 --amount 15.00
	expect_out "This period already got 10.00"
	expect_out "(5.00) now, run this again with --now"
	expect_rc 0 quota run-allocations
	expect_rc 0 balance department O30 --json
	expect_out '"balance":"10.00"'
	expect_rc 0 quota set --department O30 --amount 15.00 --now
	expect_out "Credited 5.00 now"
	expect_rc 0 quota set --department O30 --amount 15.00 --now
	expect_out "Credited 0.00 now"
	expect_rc 0 balance department O30 --json
	expect_out '"balance":"15.00"'
}
fm_needs quota_raise cli_setup

# An admin in French (LANG=fr_FR.UTF-8, a locale this system may never
# have generated): messages, headings, amounts with the site's currency
# and dates in French, columns aligned by cells; JSON and the exports are
# the same bytes in every language.
case_in_french() {
	LANG=fr_FR.UTF-8 expect_rc 0 dept add O40 'Ressources humaines'
	expect_out "^Service O40 ajouté\.$"
	LANG=fr_FR.UTF-8 expect_rc 1 user show nobody
	expect_err "^followme-admin: aucun utilisateur nobody$"
	LANG=fr_FR.UTF-8 expect_rc 0 user list
	echo "--- followme-admin user list, LANG=fr_FR.UTF-8"
	cat "$T/out"
	expect_out "^IDENTIFIANT  *SERVICE  *ÉTAT  *SOLDE"
	expect_out "^alice .* activé .* [0-9],[0-9][0-9].€"
	python3 - "$T/out" <<'PY' || fm_die "French table not aligned: $(cat "$T/out")"
import sys, unicodedata
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
def cells(s):
    return sum(0 if unicodedata.combining(c) else 1 for c in s)
# The balance column ends in the same cell on every line, heading included.
head = rows[0]
end = cells(head[:head.index("SOLDE") + len("SOLDE")])
for r in rows[1:]:
    i = r.index("\u20ac") + 1
    if cells(r[:i]) != end:
        sys.exit("row %r ends its balance at %d, not %d" % (r, cells(r[:i]), end))
PY
	LANG=fr_FR.UTF-8 expect_rc 0 user show alice
	expect_out "^  solde :  *-\{0,1\}[0-9],[0-9][0-9].€$"
	expect_out "^  limite :  *restreint, découvert 0,10.€$"
	expect_out "^  créé le :  *[0-3][0-9]/[01][0-9]/20[0-9][0-9] "
	# Amounts in French lines, never in JSON.
	LANG=fr_FR.UTF-8 expect_rc 0 balance user alice
	expect_out "^  solde :  *-\{0,1\}[0-9],[0-9][0-9].€$"
	LANG=fr_FR.UTF-8 expect_rc 0 balance user alice --json
	grep -q '€' "$T/out" && fm_die "balance --json has a French amount: $(cat "$T/out")"
	LANG=fr_FR.UTF-8 expect_rc 0 price history
	expect_out "^VERSION  *CRÉÉ  *PAR"
	expect_out "^1  *[0-3][0-9]/[01][0-9]/20[0-9][0-9] [0-2][0-9]:"
	for what in "user list --json" "price show --json" \
		"export --by department --from 2024-10-01 --to 2024-10-31 --format csv" \
		"export --by user --from 2024-10-01 --to 2024-10-31 --format json"; do
		# shellcheck disable=SC2086
		LANG=fr_FR.UTF-8 expect_rc 0 $what
		cp "$T/out" "$T/fr.out"
		# shellcheck disable=SC2086
		LANG=C.UTF-8 expect_rc 0 $what
		cmp -s "$T/fr.out" "$T/out" || fm_die "$what differs in French"
	done
	# A directory import's report (a dry run: nothing changes) in
	# French, its figures aligned by cells; in English, byte for byte
	# as before.
	printf 'login,full_name,department\nzoe,Zoé Roux,O40\nyann,Yann Le Gall,O77\n' >"$T/hr.csv"
	chmod 644 "$T/hr.csv"
	LANG=fr_FR.UTF-8 expect_rc 0 directory import "$T/hr.csv" --dry-run
	echo "--- followme-admin directory import --dry-run, LANG=fr_FR.UTF-8"
	cat "$T/out"
	expect_out ": 2 entrées (simulation : rien n’a été modifié)$"
	expect_out "^utilisateurs ajoutés :  *2$"
	expect_out "^services ajoutés :  *1$"
	expect_out "^conflits :  *0$"
	python3 - "$T/out" <<'PY' || fm_die "French report not aligned: $(cat "$T/out")"
import sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:11]
# Every figure starts in the same cell, one after the widest label.
starts = {len(r.rstrip("0123456789")) for r in rows}
widest = max(len(r.split(" :")[0]) + 2 for r in rows)
if len(rows) != 10 or starts != {widest + 1}:
    sys.exit("figures start at %s, not %d" % (sorted(starts), widest + 1))
PY
	LANG=C.UTF-8 expect_rc 0 directory import "$T/hr.csv" --dry-run
	expect_out ": 2 entries (dry run: nothing was changed)$"
	expect_out "^users added:         2$"
	expect_out "^departments added:   1$"
	expect_out "^departments renamed: 0$"
	expect_out "^conflicts:           0$"
	expect_rc 0 user list --json
	grep -q '"zoe"' "$T/out" && fm_die "a dry run added a user"
	LANGUAGE=fr LANG=C.UTF-8 expect_rc 0 dept add O41 Juridique
	expect_out "^Service O41 ajouté\.$"
	LANG=C.UTF-8 expect_rc 0 dept add O42 Legal
	expect_out "^Added department O42\.$"
	# --help and the parser's errors in French; command and option
	# names stay as they are typed.
	LANG=fr_FR.UTF-8 expect_rc 0 --help
	expect_out "^utilisation : followme-admin \[-c FILE\] \[--json\] GROUP VERB"
	expect_out "^  quota grant --user L"
	expect_out "^      créditer un compte$"
	# GROUP VERB --help: the command's options, their help in one
	# column; GROUP --help: the group's commands.
	LANG=fr_FR.UTF-8 expect_rc 0 quota grant --help
	expect_out "^utilisation : followme-admin \[-c FILE\] \[--json\] quota grant \[ARGS\]$"
	expect_out "^        --reason                 le motif, pour le grand livre$"
	expect_out "^        --department, --project  le compte d’un service ou d’un projet$"
	LANG=C.UTF-8 expect_rc 0 quota --help
	expect_out "^usage: followme-admin \[-c FILE\] \[--json\] quota VERB \[ARGS\]$"
	expect_out "^  quota run-allocations $"
	expect_out "^        --reason                 why, for the ledger$"
	grep -q "^  jobs" "$T/out" && fm_die "quota --help lists other groups"
	LANG=fr_FR.UTF-8 expect_rc 2 quota set --user alice --amount notanumber
	expect_err "^followme-admin: --amount doit être un montant positif ou nul, comme 10\.00$"
	expect_err "^utilisation : followme-admin quota set --user L"
	LANG=fr_FR.UTF-8 expect_rc 2 balance user
	expect_err "^followme-admin: « user LOGIN », « department CODE » ou « project CODE » attendu$"
	LANG=C.UTF-8 expect_rc 2 quota set --user alice --amount notanumber
	expect_err "^followme-admin: --amount must be an amount of 0 or more, like 10\.00$"
	expect_err "^usage: followme-admin quota set --user L"
}
fm_needs in_french charges_and_exports

fm_run_cases
