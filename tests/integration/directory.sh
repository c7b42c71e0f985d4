#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# directory.sh - users, departments, roles and badges from a real slapd
# (Debian's, unprivileged, on loopback, with an Active-Directory-like
# schema, 5,000 users in 200 departments, a 1,000-entry size limit so
# that the sync must page, ldaps with a test CA: lib-slapd.sh) and from
# CSV files, through followme-admin directory sync|import: first sync,
# a second that writes nothing, a department move (old charges stay),
# disable / remove / restore, badge formats and conflicts, the safety
# valve, clear errors that change nothing, and the first print of a user
# Followme did not know yet, charged to their department at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
. "$(dirname "$0")/lib-slapd.sh"
export TZ=UTC

fm_start_slapd 5000 200
FM_DAEMONS="slapd:SLAPD_PID"
STATE="$T/state"
DB="$STATE/followme.db"
mkdir -m 700 "$STATE" && chown followme: "$STATE"
# The bind password: root's, readable by the followme group (0640), as
# the ingest worker's lookup runs as followme.
printf 'sync-secret\n' > "$T/bind.pw"
chgrp followme "$T/bind.pw" && chmod 640 "$T/bind.pw"
BASE="ou=People,$SLAPD_BASE"

# dir_conf [LINE...]: followme.conf with the directory section; each LINE
# "key = value" replaces the default of that key.
dir_conf() {
	local -A kv=(
		[uri]="ldaps://localhost:$SLAPDS_PORT/"
		[ca_file]="$SLAPD_DIR/ca.crt"
		[bind_dn]="cn=followme,ou=Services,$SLAPD_BASE"
		[password_file]="$T/bind.pw"
		[base_dn]="$BASE"
		[admin_group]="cn=Print Admins,ou=Groups,$SLAPD_BASE"
		[finance_group]="cn=Finance,ou=Groups,$SLAPD_BASE"
		[lookup_program]="$FM_BUILD/admin/followme-admin"
		[timeout]="5s"
	)
	local line k
	for line in "$@"; do
		k=${line%% = *}
		kv[$k]=${line#* = }
	done
	local lines=("[directory]")
	for k in "${!kv[@]}"; do lines+=("$k = ${kv[$k]}"); done
	fm_write_conf "${lines[@]}"
}
dir_conf

# expect_rc RC CMD...: followme-admin CMD exits RC; its output in $T/out
# and $T/err.
expect_rc() {
	local want=$1 rc=0
	shift
	fm_admin "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$T/out" "$T/err" >&2
		fm_die "followme-admin $* exited $rc, expected $want"
	}
}
expect_err() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fm_die "stderr lacks '$1'"; }; }
expect_out() { grep -q -- "$1" "$T/out" || { cat "$T/out" >&2; fm_die "stdout lacks '$1'"; }; }
# report KEY: a number from the last --json report in $T/out.
report() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$T/out" "$1"; }
# expect_report KEY=N...: the last --json report says so.
expect_report() {
	local kv
	for kv in "$@"; do
		[ "$(report "${kv%%=*}")" = "${kv#*=}" ] || {
			cat "$T/out" >&2
			fm_die "report: ${kv%%=*} is $(report "${kv%%=*}"), expected ${kv#*=}"
		}
	done
}
# user_field LOGIN KEY: a field of user show --json.
user_field() {
	fm_admin user show "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"
}
# dump: the store's contents, to compare before and after.
dump() { sqlite3 "$DB" .dump | sha256sum; }
# fingerprint HEXUID: what badge list shows for a badge with these UID
# bytes (the keyed hash's first 6 bytes), computed from badge.key.
fingerprint() {
	python3 -c 'import hmac,hashlib,sys; k=open(sys.argv[1],"rb").read(); print(hmac.new(k, bytes.fromhex(sys.argv[2]), hashlib.sha256).hexdigest()[:12])' \
		"$STATE/badge.key" "$1"
}
set_attr() { # set_attr CN ATTR VALUE
	printf 'dn: cn=%s,%s\nchangetype: modify\nreplace: %s\n%s: %s\n' \
		"$1" "$(dept_ou "$1")" "$2" "$2" "$3" | fm_ldapmodify
}
# dept_ou "User N": the OU the tree generator put user N in.
dept_ou() { local n=${1#User }; printf 'ou=D%03d,%s' $(((n - 1) % 200 + 1)) "$BASE"; }
charge() { fm_as followme "$FM_BUILD/tests/fm_test_charge" "$DB" 0 "$@" >/dev/null; }
ledger_depts() { sqlite3 "$DB" "SELECT dept FROM ledger WHERE user = '$1' AND kind = 'commit' ORDER BY id" | tr '\n' ' '; }

case_first_sync() {
	# The server's limit is real: one search without paging cannot
	# read the directory.
	if LDAPTLS_CACERT="$SLAPD_DIR/ca.crt" ldapsearch -x -LLL -H "ldaps://localhost:$SLAPDS_PORT/" \
		-b "$BASE" -D "cn=followme,ou=Services,$SLAPD_BASE" -w sync-secret '(objectClass=user)' dn \
		>/dev/null 2>"$T/err"; then
		fm_die "an unpaged search read all 5,000 users: the size limit is not set"
	fi
	expect_err "Size limit exceeded"
	expect_rc 0 directory test --limit 2
	expect_out "login u00001, name User 1, e-mail u00001@example.test"
	expect_out "department D001 (D001), badge 04000001, enabled, admin"
	expect_rc 0 directory sync --json
	expect_report entries=5000 users_added=5000 departments_added=200 \
		badges_added=5000 users_disabled=0 conflicts=0
	# Where the time went: every step, none more than the whole.
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["ms"]
steps=["waiting","begin","apply","end","commit","checkpoint"]
assert all(isinstance(m[k], int) and m[k] >= 0 for k in steps + ["total"]), m
assert sum(m[k] for k in steps) <= m["total"] + 1, m' "$T/out" ||
		fm_die "the report's times (ms) are missing or do not add up"
	[ "$(user_field u00001 department)" = D001 ] || fm_die "u00001's department"
	[ "$(user_field u00201 department)" = D001 ] || fm_die "u00201's department"
	[ "$(user_field u00200 department)" = D200 ] || fm_die "u00200's department"
	[ "$(user_field u00001 roles)" = admin ] || fm_die "u00001 is not admin"
	[ "$(user_field u00002 roles)" = finance ] || fm_die "u00002 is not finance"
	[ "$(user_field u00003 roles)" = "" ] || fm_die "u00003 has a role"
	[ "$(user_field u00003 email)" = u00003@example.test ] || fm_die "u00003's e-mail"
	[ "$(user_field u00003 source)" = directory ] || fm_die "u00003's source"
	expect_rc 0 badge list u00003 --json
	expect_out "\"fingerprint\":\"$(fingerprint 04000003)\""
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM badges WHERE source = 'directory'")" = 5000 ] ||
		fm_die "badges' source"
}

case_second_sync_writes_nothing() {
	before=$(dump)
	expect_rc 0 directory sync --json
	expect_report users_unchanged=5000 users_added=0 users_updated=0 \
		users_disabled=0 users_reenabled=0 departments_added=0 \
		badges_added=0 badges_removed=0 conflicts=0
	[ "$(dump)" = "$before" ] || fm_die "a sync with nothing to change changed the store"
}
fm_needs second_sync_writes_nothing first_sync

case_department_move() {
	expect_rc 0 price set --media A4 --colour mono --sides simplex --amount 0.05
	charge u00003 lobby 1 2 0 0 || fm_die "first charge"
	set_attr "User 3" department D010
	expect_rc 0 directory sync --json
	expect_report users_updated=1 users_added=0 departments_added=0
	[ "$(user_field u00003 department)" = D010 ] || fm_die "u00003 did not move"
	charge u00003 lobby 2 2 0 0 || fm_die "second charge"
	# Past charges stay with the department that paid them.
	[ "$(ledger_depts u00003)" = "D003 D010 " ] ||
		fm_die "charges by department: $(ledger_depts u00003)"
}
fm_needs department_move first_sync

case_disable_remove_restore() {
	set_attr "User 4" userAccountControl 514
	printf 'dn: cn=User 5,%s\nchangetype: delete\n' "$(dept_ou 'User 5')" | fm_ldapmodify
	expect_rc 0 directory sync --json
	expect_report users_disabled=2 users_added=0
	[ "$(user_field u00004 enabled)" = False ] || fm_die "u00004 is enabled"
	[ "$(user_field u00005 enabled)" = False ] || fm_die "u00005 is enabled"
	# Disabled, never deleted: still a user, with their history.
	expect_rc 0 user show u00005
	expect_out "state:      disabled"
	# An admin's own choice stands: a user they disabled is not
	# re-enabled by the sync.
	expect_rc 0 user disable u00006
	set_attr "User 4" userAccountControl 512
	grep -A14 '^dn: cn=User 5,' "$SLAPD_DIR/tree.ldif" | sed '/^$/q' |
		ldapadd -x -H "ldap://127.0.0.1:$SLAPD_PORT/" -D "cn=admin,$SLAPD_BASE" -w admin-secret >/dev/null ||
		fm_die "cannot put User 5 back"
	expect_rc 0 directory sync --json
	expect_report users_reenabled=2 users_disabled=0
	[ "$(user_field u00004 enabled)" = True ] || fm_die "u00004 was not re-enabled"
	[ "$(user_field u00005 enabled)" = True ] || fm_die "u00005 was not re-enabled"
	[ "$(user_field u00006 enabled)" = False ] || fm_die "the sync re-enabled a user an admin disabled"
	expect_rc 0 user enable u00006
}
fm_needs disable_remove_restore first_sync

case_badge_formats() {
	# The same UID bytes however the directory writes them: decimal of
	# the reversed bytes, 10 digits (04A1B2C3 -> 0xC3B2A104), and hex
	# with separators.
	set_attr "User 7" carLicense 3283263748
	set_attr "User 8" carLicense "0a:0b:0c:0d"
	dir_conf "badge = carLicense" "badge_format = decimal-reversed:10" "badge_bytes = 4"
	expect_rc 0 directory sync --user u00007 --json
	expect_report badges_added=1 badges_removed=1
	expect_rc 0 badge list u00007 --json
	expect_out "\"fingerprint\":\"$(fingerprint 04A1B2C3)\""
	dir_conf "badge = carLicense" "badge_format = hex"
	expect_rc 0 directory sync --user u00008 --json
	expect_rc 0 badge list u00008 --json
	expect_out "\"fingerprint\":\"$(fingerprint 0A0B0C0D)\""
	# A number the format cannot read: no badge, and said so.
	set_attr "User 9" carLicense "not-a-number"
	expect_rc 0 directory sync --user u00009 --json
	expect_out "u00009 has no badge"
	dir_conf
	expect_rc 0 directory sync --json
	expect_report badges_added=3 badges_removed=2
	expect_rc 0 badge list u00007 --json
	expect_out "\"fingerprint\":\"$(fingerprint 04000007)\""
}
fm_needs badge_formats first_sync

case_badge_conflict() {
	# A badge added by hand stays with its user through syncs.
	expect_rc 0 badge add u00012 DEADBEEF --label "spare card"
	set_attr "User 10" employeeNumber 0400000B
	expect_rc 0 directory sync --json
	expect_report conflicts=1 badges_removed=2
	expect_out "is on 2 users (u00010, u00011): given to neither"
	for u in u00010 u00011; do
		expect_rc 0 badge list $u
		expect_out "No badges."
	done
	expect_rc 0 badge list u00012 --json
	expect_out "spare card"
	set_attr "User 10" employeeNumber 0400000A
	expect_rc 0 directory sync --json
	expect_report conflicts=0 badges_added=2
}
fm_needs badge_conflict first_sync

case_valve_refuses_empty_filter() {
	before=$(dump)
	dir_conf "filter = (sAMAccountName=nobody-matches-this)"
	expect_rc 1 directory sync
	expect_err "refused: this sync would disable 5000 of the 5000 users"
	expect_err "nothing was changed"
	dir_conf
	[ "$(dump)" = "$before" ] || fm_die "a refused sync changed the store"
	[ "$(user_field u00100 enabled)" = True ] || fm_die "u00100 was disabled"
}
fm_needs valve_refuses_empty_filter first_sync

case_errors_change_nothing() {
	before=$(dump)
	printf 'wrong\n' > "$T/wrong.pw" && chmod 600 "$T/wrong.pw"
	dir_conf "password_file = $T/wrong.pw"
	expect_rc 1 directory sync
	expect_err "cannot bind to ldaps://localhost:$SLAPDS_PORT/: Invalid credentials"
	expect_err "nothing was changed"
	dir_conf "ca_file = $SLAPD_DIR/other-ca.crt"
	expect_rc 1 directory sync
	expect_err "Can't contact LDAP server"
	expect_err "certificate"
	dir_conf "uri = ldaps://127.0.0.1:$SLAPDS_PORT/"
	expect_rc 1 directory sync
	expect_err "Can't contact LDAP server"
	dead=$(fm_free_port)
	dir_conf "uri = ldaps://localhost:$dead/"
	expect_rc 1 directory sync
	expect_err "Can't contact LDAP server"
	dir_conf "filter = (((objectClass=user)"
	expect_rc 1 directory sync
	expect_err "Bad search filter"
	dir_conf "base_dn = ou=Nowhere,$SLAPD_BASE"
	expect_rc 1 directory sync
	expect_err "No such object"
	chmod 644 "$T/wrong.pw"
	dir_conf "password_file = $T/wrong.pw"
	expect_rc 1 directory sync
	expect_err "has mode 0644: refused"
	dir_conf "uri = http://localhost/"
	expect_rc 1 directory sync
	expect_err "must start with ldaps://"
	# ldap:// is StartTLS, never clear text: with the wrong CA it
	# fails too.
	dir_conf "uri = ldap://localhost:$SLAPD_PORT/" "ca_file = $SLAPD_DIR/other-ca.crt"
	expect_rc 1 directory sync
	expect_err "StartTLS failed"
	[ "$(dump)" = "$before" ] || fm_die "a failed sync changed the store"
	dir_conf "uri = ldap://localhost:$SLAPD_PORT/"
	expect_rc 0 directory sync --json
	expect_report users_unchanged=5000
	dir_conf
	# The password never shows.
	! grep -rq sync-secret "$T/out" "$T/err" || fm_die "the password was printed"
}
fm_needs errors_change_nothing first_sync

case_first_print_gets_department() {
	printf 'dn: cn=New Person,ou=D042,%s\nobjectClass: user\nobjectCategory: person\ncn: New Person\nsn: Person\nsAMAccountName: newperson\ndisplayName: New Person\ndepartment: D042\nemployeeNumber: 04ABCDEF\nuserAccountControl: 512\n' \
		"$BASE" | ldapadd -x -H "ldap://127.0.0.1:$SLAPD_PORT/" -D "cn=admin,$SLAPD_BASE" -w admin-secret >/dev/null ||
		fm_die "cannot add the new person"
	fm_ensure_followmed
	fm_hold 901 newperson "First job"
	for _ in $(seq 1 100); do
		[ "$(user_field newperson department 2>/dev/null)" = D042 ] && break
		sleep 0.1
	done
	[ "$(user_field newperson department)" = D042 ] ||
		fm_die "the first print did not bring the department (log: $(grep newperson "$T/log/followmed.log" | tail -n 3))"
	[ "$(user_field newperson source)" = directory ] || fm_die "newperson's source"
	expect_rc 0 price set --media A4 --colour mono --sides simplex --amount 0.05
	charge newperson lobby 901 1 0 0 || fm_die "charge"
	[ "$(ledger_depts newperson)" = "D042 " ] || fm_die "charged to: $(ledger_depts newperson)"
	# A first print by someone the directory does not know: held as
	# ever, no department.
	fm_hold 902 stranger "Job"
	sleep 1
	[ "$(user_field stranger department)" = "" ] || fm_die "stranger got a department"
	[ "$(user_field stranger source)" = manual ] || fm_die "stranger's source"
}

# --- CSV -------------------------------------------------------------------

csv_conf() {
	mkdir -p -m 700 "$T/csvstate" && chown followme: "$T/csvstate"
	printf '[server]\nstate_dir = %s\n' "$T/csvstate" > "$T/csv.conf"
	chmod 644 "$T/csv.conf"
}
csv_admin() { "$FM_BUILD/admin/followme-admin" -c "$T/csv.conf" "$@"; }
# csv_rc RC ARGS...: csv_admin exits RC.
csv_rc() {
	local want=$1 rc=0
	shift
	csv_admin "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$T/out" "$T/err" >&2; fm_die "followme-admin $* exited $rc, expected $want"; }
}
csv_field() {
	csv_admin user show "$1" --json | python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"
}

case_csv_import() {
	csv_conf
	# A byte order mark, CRLF line ends, quotes, commas and a line
	# break in cells, formula-like cells kept as text.
	printf '\xef\xbb\xbflogin,full_name,email,department,department_name,badge,roles\r\n' > "$T/hr.csv"
	printf 'alice,"Martin, Alice",alice@example.test,FIN,"Finance ""Central""",04A1B2C3,admin\r\n' >> "$T/hr.csv"
	printf 'bob,"Bob\r\nSecond line",bob@example.test,FIN,,04A1B2C4,\r\n' >> "$T/hr.csv"
	printf 'carol,"=HYPERLINK(""http://x"")",+1@example.test,-3,@SUM(A1),,finance\r\n' >> "$T/hr.csv"
	csv_rc 0 directory import "$T/hr.csv" --dry-run --json
	[ "$(csv_admin user list --json)" = "[]" ] || fm_die "a dry run added users"
	csv_rc 0 directory import "$T/hr.csv" --json
	expect_report entries=3 users_added=3 departments_added=2 badges_added=2 conflicts=0
	[ "$(csv_field alice full_name)" = "Martin, Alice" ] || fm_die "alice's name"
	[ "$(csv_field alice roles)" = admin ] || fm_die "alice's role"
	[ "$(csv_field bob full_name)" = "Bob Second line" ] || [ "$(csv_field bob full_name)" = "Bob  Second line" ] ||
		fm_die "bob's name: $(csv_field bob full_name)"
	[ "$(csv_field carol full_name)" = '=HYPERLINK("http://x")' ] || fm_die "carol's name: $(csv_field carol full_name)"
	[ "$(csv_field carol email)" = "+1@example.test" ] || fm_die "carol's e-mail"
	[ "$(csv_field carol department)" = "-3" ] || fm_die "carol's department"
	[ "$(csv_field carol roles)" = finance ] || fm_die "carol's role"
	csv_rc 0 dept show FIN
	expect_out 'Finance "Central"'
	csv_rc 0 dept list --json
	expect_out '"code":"-3","name":"@SUM(A1)"'
	# The same file again: nothing to do.
	csv_rc 0 directory import "$T/hr.csv" --json
	expect_report users_unchanged=3 users_added=0 badges_added=0
}

# Department names from a CODE,NAME file when the entries have none:
# looked up by code (the first line of a code that comes twice); a code
# the file lacks is its own name.
case_csv_department_names() {
	mkdir -p -m 700 "$T/namestate" && chown followme: "$T/namestate"
	printf 'OPS,Opérations\nFIN,Finance first\nFIN,Finance second\nZZZ,Last\n' > "$T/names.csv"
	printf '[server]\nstate_dir = %s\n[directory]\ndepartment_names = %s\n' \
		"$T/namestate" "$T/names.csv" > "$T/names.conf"
	chmod 644 "$T/names.conf" "$T/names.csv"
	printf 'login,department\nnina,FIN\nomar,OPS\npia,LAB\nquinn,ZZZ\n' > "$T/people.csv"
	"$FM_BUILD/admin/followme-admin" -c "$T/names.conf" directory import "$T/people.csv" >/dev/null ||
		fm_die "import with a names file"
	"$FM_BUILD/admin/followme-admin" -c "$T/names.conf" dept list --json > "$T/out" || fm_die "dept list"
	expect_out '"code":"FIN","name":"Finance first"'
	expect_out '"code":"OPS","name":"Opérations"'
	expect_out '"code":"LAB","name":"LAB"'
	expect_out '"code":"ZZZ","name":"Last"'
}

case_csv_refused() {
	csv_conf
	before=$(sqlite3 "$T/csvstate/followme.db" .dump 2>/dev/null | sha256sum)
	printf 'login,full_name\nanne,Anne\nrene,Ren\xe9\n' > "$T/cp1252.csv"
	csv_rc 1 directory import "$T/cp1252.csv"
	expect_err "line 3: not UTF-8"
	expect_err "nothing was changed"
	printf 'full_name,department\nAnne,FIN\n' > "$T/nologin.csv"
	csv_rc 1 directory import "$T/nologin.csv"
	expect_err "line 1: the header has no login column"
	printf 'login,full_name,department\nanne,Anne,FIN\nbob,Bob\n' > "$T/short.csv"
	csv_rc 1 directory import "$T/short.csv"
	expect_err "line 3: 2 fields where the header has 3"
	printf 'login,fullname\nanne,Anne\n' > "$T/typo.csv"
	csv_rc 1 directory import "$T/typo.csv"
	expect_err "unknown column 'fullname'"
	printf 'login,full_name\nanne,"Anne\n' > "$T/open.csv"
	csv_rc 1 directory import "$T/open.csv"
	expect_err "line 2: a quoted field is not closed"
	[ "$(sqlite3 "$T/csvstate/followme.db" .dump 2>/dev/null | sha256sum)" = "$before" ] ||
		fm_die "a refused import changed the store"
}
fm_needs csv_refused csv_import

fm_run_cases
