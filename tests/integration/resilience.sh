#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nothing is lost and nothing is held twice when followmed is down, or is
# killed in the middle of an ingest: CUPS keeps retrying the job and it
# lands exactly once.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
fm_write_conf "max_job_size = 2G"
fm_start_cupsd
fm_add_queues

gs -q -sDEVICE=pdfwrite -o "$T/doc.pdf" -c "showpage"
chmod 644 "$T/doc.pdf"

# followmed down (not started yet): the backend says RETRY and CUPS keeps
# the job.
case_followmed_down() {
	fm_lp_as fmalice -d followme -t "While down" "$T/doc.pdf" >/dev/null || fm_die "lp"
	for _ in $(seq 1 100); do
		grep -q "Backend returned status 6 (retry job later)" "$T/log/error_log" && break
		sleep 0.1
	done
	grep -q "Backend returned status 6 (retry job later)" "$T/log/error_log" ||
		fm_die "backend did not ask CUPS to retry"
	lpstat -o followme | grep -q followme- || fm_die "CUPS dropped the job"
}

# followmed started: the queued job lands exactly once.
case_queued_job_lands_once() {
	fm_start_followmed
	fm_wait_held fmalice 1
	sleep 3 # let CUPS run any further retry it had scheduled
	[ "$(fm_held_count fmalice)" -eq 1 ] || fm_die "job held more than once"
	fm_lp_as fmalice -d followme -t "After" "$T/doc.pdf" >/dev/null
	fm_wait_held fmalice 2
}
fm_needs queued_job_lands_once followmed_down

# followmed SIGKILLed while it encrypts a large job: no partial job
# visible.
case_killed_mid_ingest() {
	fm_ensure_followmed
	head -c 400M /dev/urandom > "$T/big.bin" 2>/dev/null || head -c 419430400 /dev/urandom > "$T/big.bin"
	chmod 644 "$T/big.bin"
	fm_lp_as fmbob -d followme -t "Big" "$T/big.bin" >/dev/null || fm_die "lp big"
	killed=no
	for _ in $(seq 1 3000); do
		if ls "$T/state/spool/tmp/" 2>/dev/null | grep -q '\.part$'; then
			fm_stop_followmed KILL
			killed=yes
			break
		fi
		sleep 0.01
	done
	[ "$killed" = yes ] || fm_die "never saw the ingest in progress"
	sleep 0.5 # the worker dies with its parent
	[ "$(fm_held_count fmbob)" -eq 0 ] || fm_die "a partial job is visible"
}

# After a restart the leftover is swept and the retried job lands once,
# intact.
case_restart_after_kill() {
	fm_start_followmed
	grep -q "removed .* spool file(s) left by an interrupted" "$T/log/followmed.log" ||
		fm_die "leftover temporary file not swept"
	fm_wait_held fmbob 1 120
	sleep 3
	[ "$(fm_held_count fmbob)" -eq 1 ] || fm_die "big job held more than once"
	id=$(fm_admin jobs list --user fmbob --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	uuid=$(fm_admin jobs show "$id" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
	fm_unseal "$id-1" "$uuid" 1 | cmp -s - "$T/big.bin" || fm_die "big job data differs"
	[ -z "$(ls "$T/state/spool/tmp/")" ] || fm_die "temporary files left behind"
}
fm_needs restart_after_kill killed_mid_ingest

fm_run_cases
