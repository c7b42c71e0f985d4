#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A held job's end: expiry by followmed's timer (file and key destroyed,
# recorded as not charged), deletion and purge by followme-admin, a
# tampered spool file refused; and the command-line checks of followmed
# and followme-admin.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
fm_write_conf "[hold]" "expire_after = 3s"

hold() { # hold UUID-SUFFIX USER: submit a job straight through the backend
	fm_hold -f "$T/doc.pdf" -u "urn:uuid:00000000-0000-0000-0000-00000000000$1" 1 "$2" "Job $1"
}
head -c 5000 /dev/urandom > "$T/doc.pdf"
chmod 644 "$T/doc.pdf"
printf '[hold]\nexpire_after = soon\n' > "$T/bad.conf"

# followmed -n: configuration check with the line at fault.
case_followmed_check_config() {
	"$FM_BUILD/release/followmed" -n -c "$FM_CONF" | grep -q "configuration OK" ||
		fm_die "followmed -n on a good file"
	if "$FM_BUILD/release/followmed" -n -c "$T/bad.conf" 2>"$T/err"; then
		fm_die "followmed -n accepted a bad file"
	fi
	grep -q "bad.conf: line 2: expire_after: expected a duration" "$T/err" ||
		fm_die "followmed -n message: $(cat "$T/err")"
	printf '[release]\nsession_sandbox = maybe\n' >"$T/bad2.conf"
	if "$FM_BUILD/release/followmed" -n -c "$T/bad2.conf" 2>"$T/err"; then
		fm_die "followmed -n accepted session_sandbox = maybe"
	fi
	grep -q "session_sandbox must be required or off" "$T/err" ||
		fm_die "followmed -n message: $(cat "$T/err")"
	"$FM_BUILD/release/followmed" -x 2>/dev/null && fm_die "followmed accepted -x"
	return 0
}

# Expiry: the one timer fires, the job ends, the file is gone, recorded as
# not charged.
case_expiry() {
	fm_ensure_followmed
	hold 1 fmalice
	[ -f "$T/state/spool/1-1" ] || fm_die "no spool file"
	for _ in $(seq 1 100); do
		[ "$(fm_held_count fmalice)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(fm_held_count fmalice)" -eq 0 ] || fm_die "job did not expire"
	[ ! -e "$T/state/spool/1-1" ] || fm_die "expired job's file still there"
	fm_admin jobs show 1 | grep -q "expired: not charged" || fm_die "expiry not recorded"
	fm_admin jobs show 1 | grep -q "data destroyed" || fm_die "document not marked destroyed"
	grep -q "job 1 expired unreleased" "$T/log/followmed.log" || fm_die "expiry not logged"
}

# A retried submission of the expired job is not held again.
case_expired_not_held_again() {
	fm_ensure_followmed
	hold 1 fmalice
	[ "$(fm_held_count fmalice)" -eq 0 ] || fm_die "expired job came back"
}
fm_needs expired_not_held_again expiry

# Tampering: one flipped bit in a spool file is detected on reading.
case_tampered_spool_file() {
	fm_stop_followmed
	fm_write_conf "[hold]" "expire_after = 1h"
	fm_start_followmed
	hold 2 fmbob
	python3 - "$T/state/spool/2-1" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(3000); b = f.read(1); f.seek(3000); f.write(bytes([b[0] ^ 0x10]))
PY
	fm_unseal 2-1 urn:uuid:00000000-0000-0000-0000-000000000002 1 >/dev/null 2>"$T/err"
	[ $? -eq 3 ] || fm_die "flipped bit not detected: $(cat "$T/err")"
	grep -q "corrupt or was tampered" "$T/err" || fm_die "tamper message"
}
# Its job is job 2: the one after case_expiry's.
fm_needs tampered_spool_file expired_not_held_again

# followme-admin jobs delete.
case_admin_delete() {
	fm_ensure_followmed
	hold 3 fmbob
	fm_admin jobs delete 3 | grep -q "Deleted job 3 of fmbob" || fm_die "delete"
	[ ! -e "$T/state/spool/3-1" ] || fm_die "deleted job's file still there"
	fm_admin jobs delete 3 2>"$T/err" && fm_die "deleting twice succeeded"
	grep -q "job 3 is deleted, not held" "$T/err" || fm_die "delete twice message"
	fm_admin jobs list --all | grep -q deleted || fm_die "list --all"
}
# Its job is job 3.
fm_needs admin_delete tampered_spool_file

# followme-admin jobs purge-expired.
case_admin_purge_expired() {
	fm_stop_followmed # so that the admin command, not the timer, expires it
	# Job 2 due now, without waiting an hour.
	fm_as followme sqlite3 "$T/state/followme.db" "UPDATE jobs SET expires_at = 1 WHERE id = 2"
	fm_admin jobs purge-expired | grep -q "Purged 1 expired job\." || fm_die "purge-expired"
	[ ! -e "$T/state/spool/2-1" ] || fm_die "purged job's file still there"
}
# Job 2 is case_tampered_spool_file's, still held.
fm_needs admin_purge_expired tampered_spool_file

# job_of UUID-SUFFIX: Followme's id of the job held by hold().
job_of() {
	fm_admin jobs list --all --json |
		python3 -c "import json,sys; print([j['id'] for j in json.load(sys.stdin) if j['uuid'].endswith('0000000$1')][0])"
}
db_sql() { fm_as followme sqlite3 "$T/state/followme.db" "$@"; }
# key_in_db HEX: whether these bytes are anywhere in the database file or
# its WAL, in any page, live or free.
key_in_db() {
	fm_as followme /usr/bin/python3 - "$1" "$T/state/followme.db" "$T/state/followme.db-wal" <<'PY'
import os, sys
key = bytes.fromhex(sys.argv[1])
found = [p for p in sys.argv[2:] if os.path.exists(p) and key in open(p, "rb").read()]
sys.exit(0 if found else 1)
PY
}

# A held document has a random key of its own, stored only wrapped in
# its row (issue 12, item 16).  Deleted (followme-admin jobs delete) or
# expired (purge-expired, the function followmed's timer runs), the key
# is erased: a copy of the spool file taken before no longer opens, even
# with master.key and the database, and the wrapped key's bytes are
# neither in the database file nor in its WAL.
case_deletion_destroys_key() {
	local job wrapped ended
	for how in delete expire; do
		fm_ensure_followmed
		case $how in delete) hold 7 fmbob ;; expire) hold 8 fmbob ;; esac
		# Nothing but this test ends the job from here on.
		fm_stop_followmed
		job=$(job_of $([ $how = delete ] && echo 7 || echo 8))
		uuid="urn:uuid:00000000-0000-0000-0000-00000000000$([ $how = delete ] && echo 7 || echo 8)"
		wrapped=$(db_sql "SELECT hex(wrapped_key) FROM documents WHERE job_id = $job AND seq = 1")
		[ ${#wrapped} -eq 122 ] || fm_die "job $job: no wrapped key in its row: '$wrapped'"
		key_in_db "$wrapped" || fm_die "the wrapped key is not in the database to begin with"
		fm_unseal "$job-1" "$uuid" 1 | cmp -s - "$T/doc.pdf" || fm_die "job $job does not open while held"
		fm_as followme cat "$T/state/spool/$job-1" > "$T/copy-$job"
		case $how in
		delete)
			fm_admin jobs delete "$job" | grep -q "Deleted job $job of fmbob" || fm_die "delete $job"
			ended=deleted ;;
		expire)
			db_sql "UPDATE jobs SET expires_at = 1 WHERE id = $job"
			fm_admin jobs purge-expired | grep -q "Purged 1 expired job\." || fm_die "purge-expired"
			ended=expired ;;
		esac
		[ ! -e "$T/state/spool/$job-1" ] || fm_die "$ended job's file still there"
		[ "$(db_sql "SELECT count(*) FROM documents WHERE job_id = $job AND wrapped_key IS NOT NULL")" = 0 ] ||
			fm_die "$ended job $job keeps a wrapped key"
		key_in_db "$wrapped" && fm_die "the $ended job's wrapped key is still in the database file or WAL"
		# The copy put back: master.key and the database do not open it.
		fm_as followme sh -c "cat > '$T/state/spool/$job-1'" < "$T/copy-$job"
		fm_unseal "$job-1" "$uuid" 1 >/dev/null 2>"$T/err"
		[ $? -eq 3 ] || fm_die "the copy of $ended job $job still opens: $(cat "$T/err")"
		fm_as followme rm -f "$T/state/spool/$job-1"
	done
}

check_usage() { # check_usage EXPECTED-RC MESSAGE ARGS...
	local want=$1 msg=$2
	shift 2
	fm_admin "$@" >/dev/null 2>"$T/err"
	local rc=$?
	[ "$rc" -eq "$want" ] || fm_die "followme-admin $*: exit $rc, expected $want"
	grep -q -- "$msg" "$T/err" || fm_die "followme-admin $*: message $(cat "$T/err")"
}

# followme-admin's bad arguments, each with its message.
case_admin_usage_errors() {
	check_usage 2 "unknown command group 'bogus'" bogus
	check_usage 2 "'jobs' needs a command" jobs
	check_usage 2 "unknown command 'jobs frob'" jobs frob
	check_usage 2 "'abc' is not a job id" jobs show abc
	check_usage 2 "'-5' is not a job id" jobs show -5
	check_usage 2 "'0' is not a job id" jobs delete 0
	check_usage 2 "expected one job id" jobs delete
	check_usage 1 "no job 999" jobs show 999
	check_usage 2 "unknown state 'nope'" jobs list --state nope
	check_usage 2 "unexpected argument 'x'" jobs list x
	"$FM_BUILD/admin/followme-admin" -c "$T/bad.conf" jobs list 2>"$T/err" && fm_die "bad config accepted"
	grep -q "line 2" "$T/err" || fm_die "admin config message"
	fm_admin --help | grep -q "jobs purge-expired" || fm_die "help"
}

fm_run_cases
