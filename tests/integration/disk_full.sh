#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A full spool file system: the backend says RETRY (CUPS keeps the job),
# nothing partial is left, and once there is room the job is held.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
mkdir -p "$T/state"
if ! mount -t tmpfs -o size=800k,mode=0700 tmpfs "$T/state" 2>/dev/null; then
	fm_skip "cannot mount a small tmpfs here"
fi
fm_at_exit 'umount -l "$T/state" 2>/dev/null'
chown followme: "$T/state"
fm_write_conf "max_job_size = 10M"
fm_start_followmed

head -c 2000000 /dev/urandom > "$T/big.pdf"
chmod 644 "$T/big.pdf"
UUID=urn:uuid:66666666-2222-3333-4444-555555555555

# Full spool: RETRY with a clear message, nothing partial.
case_full_spool() {
	fm_backend lp 1 fmalice "Big" 1 "job-uuid=$UUID time-at-processing=1" "$T/big.pdf" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 6 ] || fm_die "disk full: exit $rc, expected 6 (RETRY): $(cat "$T/err")"
	grep -q "no space left" "$T/err" || fm_die "no clear message: $(cat "$T/err")"
	[ "$(fm_held_count fmalice)" -eq 0 ] || fm_die "a job was held on a full disk"
	[ -z "$(ls "$T/state/spool/tmp")" ] || fm_die "partial spool file left behind"
}

# Room again (a larger file system in its place): the retry lands once.
case_retry_lands_once() {
	fm_stop_followmed
	mount -o remount,size=20m "$T/state" || fm_die "remount"
	fm_start_followmed
	fm_backend lp 1 fmalice "Big" 1 "job-uuid=$UUID time-at-processing=2" "$T/big.pdf" 2>"$T/err" ||
		fm_die "retry failed: $(cat "$T/err")"
	[ "$(fm_held_count fmalice)" -eq 1 ] || fm_die "retry not held once"
}
fm_needs retry_lands_once full_spool

fm_run_cases
