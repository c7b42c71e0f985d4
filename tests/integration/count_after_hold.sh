#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Documents only Ghostscript can count (PostScript without DSC comments)
# are held first and counted after, in followmed's analysis children:
# the backend's job ends at the hold, the document is "pending" until
# its count lands, a restart of followmed resumes the count, and an
# analysis child that dies marks its own document alone (issue 16).
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
command -v gs >/dev/null || fm_skip "gs missing"
# One analysis child at a time, so a second document waits its turn.
fm_write_conf "[hold]" "analysis_workers = 1"
fm_start_followmed
fm_start_cupsd
fm_add_queues

# One page, no DSC, and some 15 s of Ghostscript's time (a busy loop):
# long enough to see the document held and not yet counted, even with
# the suite's other tests sharing the cores.
printf '%%!PS\n0 1 300000000 { pop } for\nshowpage\n' > "$T/slow.ps"
printf '%%!PS\nshowpage showpage\n' > "$T/quick.ps"
chmod 644 "$T"/*.ps

# job_field ID EXPR: a Python expression over the job's JSON "j".
job_field() {
	fm_admin jobs show "$1" --json | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

# last_job USER: the id of USER's newest held job.
last_job() {
	fm_admin jobs list --user "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])'
}

# wait_status ID STATUS [SECONDS]: until job ID's first document has
# count status STATUS (120 s at most).
wait_status() {
	for _ in $(seq 1 $((${3:-120} * 5))); do
		[ "$(job_field "$1" 'j["documents"][0]["count_status"]')" = "$2" ] && return 0
		sleep 0.2
	done
	fm_die "job $1: count status $(job_field "$1" 'j["documents"][0]["count_status"]'), expected $2"
}

# counters: the pids of followmed's analysis children, one a line.
counters() {
	ps --ppid "$FOLLOWMED_PID" -o pid=,comm= | awk '$2 == "followme-count" { print $1 }'
}

# wait_counter: until an analysis child runs (10 s at most).
wait_counter() {
	for _ in $(seq 1 50); do
		[ -n "$(counters)" ] && return 0
		sleep 0.2
	done
	fm_die "no analysis child started"
}

# wait_reading: until the analysis child has read its document and
# handed it to its own limited child (which runs Ghostscript), 30 s at
# most. An analysis child that is merely forked may not have opened the
# spool yet.
wait_reading() {
	for _ in $(seq 1 150); do
		for c in $(counters); do
			[ -n "$(ps --ppid "$c" -o pid=)" ] && return 0
		done
		sleep 0.2
	done
	fm_die "no analysis child reached its document"
}

# Through cupsd and lp: held (the CUPS job completed) before it is
# counted, pending and listed as "counting…" meanwhile, then with its one
# page.
case_held_before_counted() {
	out=$(fm_lp_as fmalice -d followme -t "No DSC" "$T/slow.ps") || fm_die "lp failed"
	fm_wait_held fmalice 1 30
	id=$(last_job fmalice)
	# One snapshot: the status and the pages together.
	got=$(job_field "$id" 'j["documents"][0]["count_status"], j["documents"][0]["pages"]')
	[ "$got" = "pending -1" ] || fm_die "held with count status and pages $got, not pending -1"
	# followme-admin jobs list says so, in its table and its JSON.
	fm_admin jobs list --user fmalice | grep -q "counting…" || fm_die "jobs list does not show counting…"
	[ "$(job_field "$id" 'j["counting"]')" = True ] || fm_die "JSON counting is not true"
	wait_status "$id" ok
	[ "$(job_field "$id" 'j["counting"]')" = False ] || fm_die "JSON counting still true"
	fm_admin jobs list --user fmalice | grep -q "counting…" && fm_die "jobs list still shows counting…"
	[ "$(job_field "$id" 'j["documents"][0]["pages"]')" = 1 ] ||
		fm_die "counted $(job_field "$id" 'j["documents"][0]["pages"]') pages, not 1"
	[ "$(job_field "$id" 'j["pages"]')" = 1 ] || fm_die "the job's pages are not the count"
	fm_admin jobs show "$id" | grep -q counted || fm_die "no counted event"
}

# followmed killed while it counts: the document stays pending and the
# next followmed counts it.
case_restart_resumes() {
	fm_hold -p -f "$T/slow.ps" 2 fmbob
	id=$(last_job fmbob)
	wait_counter
	fm_stop_followmed KILL
	[ "$(job_field "$id" 'j["documents"][0]["count_status"]')" = pending ] || fm_die "not pending after the kill"
	fm_start_followmed
	wait_status "$id" ok
	[ "$(job_field "$id" 'j["documents"][0]["pages"]')" = 1 ] || fm_die "resumed count wrong"
}

# An analysis child that dies marks its document alone; the next one,
# which waited for the only place, is counted.
case_child_crash_marks_one() {
	fm_ensure_followmed
	fm_hold -p -f "$T/slow.ps" 3 fmalice "Crash"
	a=$(last_job fmalice)
	fm_hold -p -f "$T/quick.ps" 4 fmalice "Quick"
	b=$(last_job fmalice)
	wait_counter
	[ "$(counters | wc -l)" -eq 1 ] || fm_die "more analysis children than analysis_workers"
	[ "$(job_field "$b" 'j["documents"][0]["count_status"]')" = pending ] || fm_die "second document not queued"
	kill -KILL "$(counters)"
	wait_status "$a" too-complex
	[ "$(job_field "$a" 'j["documents"][0]["pages"]')" = -1 ] || fm_die "crashed count has pages"
	wait_status "$b" ok
	[ "$(job_field "$b" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "second document miscounted"
	fm_followmed_alive || fm_die "followmed died with its analysis child"
}

# An analysis child that cannot run at all (here: the spool directory's
# mode is wrong, which every spool user refuses) leaves its document
# pending and holds the next ones back for 1 s, 2 s, 4 s...: followmed
# does not fork a child after another in a loop. Once the spool is
# right again the document is counted.
case_cannot_run_backs_off() {
	fm_ensure_followmed
	fm_hold -p -f "$T/slow.ps" 5 fmbob "Blocks the place"
	a=$(last_job fmbob)
	# The second after the first child began: not in its batch.
	wait_reading
	fm_hold -p -f "$T/quick.ps" 6 fmbob "Waits its turn"
	b=$(last_job fmbob)
	chmod 0750 "$T/state/spool"
	before=$(grep -c "the analysis could not run" "$T/log/followmed.log")
	# The first child reads its document before it counts: it finishes.
	wait_status "$a" ok
	sleep 6
	after=$(grep -c "the analysis could not run" "$T/log/followmed.log")
	tries=$((after - before))
	chmod 0700 "$T/state/spool"
	[ "$tries" -ge 1 ] || fm_die "the failing analysis was not reported"
	# 1 + 2 + 4 s: at most 4 tries in 6 s (hundreds without a pause).
	[ "$tries" -le 4 ] || fm_die "$tries tries in 6 s: no backoff"
	[ "$(job_field "$b" 'j["documents"][0]["count_status"]')" = pending ] || fm_die "the document did not stay pending"
	wait_status "$b" ok 90
	[ "$(job_field "$b" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "miscounted after the pause"
	fm_followmed_alive || fm_die "followmed died"
}

# gs_pids: the Ghostscript runs of followmed's analysis children (each
# under the child's own limited child).
gs_pids() {
	local c i
	for c in $(counters); do
		for i in $(ps --ppid "$c" -o pid=); do
			ps --ppid "$i" -o pid=,comm= | awk '$2 == "gs" { print $1 }'
		done
	done
}

# kill_gs_after SECONDS: sends SIGSEGV, a crash, to the first Ghostscript
# run seen to have used SECONDS of CPU time (the quick documents' use a
# fraction of one however loaded the machine), 120 s at most.
kill_gs_after() {
	local g t
	for _ in $(seq 1 600); do
		for g in $(gs_pids); do
			t=$(ps -o times= -p "$g" | tr -d ' ')
			if [ -n "$t" ] && [ "$t" -ge "$1" ]; then
				kill -SEGV "$g" && return 0
			fi
		done
		sleep 0.2
	done
	fm_die "no Ghostscript run used $1 s of CPU"
}

# One analysis child counts the documents waiting when it starts, several
# in a row; Ghostscript crashing on one of them marks that one alone, and
# the child goes on with the next.  The first slow document takes the
# only place while the three others are held, so that they wait together.
case_batch_one_crash() {
	fm_ensure_followmed
	fm_hold -p -f "$T/slow.ps" 7 fmbob "Takes the place"
	first=$(last_job fmbob)
	wait_reading
	fm_hold -p -f "$T/quick.ps" 8 fmbob "Before"
	a=$(last_job fmbob)
	fm_hold -p -f "$T/slow.ps" 9 fmbob "Crashes"
	b=$(last_job fmbob)
	fm_hold -p -f "$T/quick.ps" 10 fmbob "After"
	c=$(last_job fmbob)
	before=$(grep -c "(3 document(s)) ended" "$T/log/followmed.log")
	kill_gs_after 0
	wait_status "$first" too-complex
	# The second child's slow Ghostscript run, not the quick one's.
	kill_gs_after 1
	wait_status "$b" too-complex
	job_field "$b" 'j["documents"][0]["pages"]' | grep -qx -- -1 || fm_die "crashed count has pages"
	wait_status "$a" ok
	wait_status "$c" ok
	[ "$(job_field "$a" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "document before the crash miscounted"
	[ "$(job_field "$c" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "document after the crash miscounted"
	after=$(grep -c "(3 document(s)) ended" "$T/log/followmed.log")
	[ "$after" -eq $((before + 1)) ] || fm_die "the three documents were not counted by one child"
	grep -q "job $b document 1: .*signal" "$T/log/followmed.log" &&
		fm_die "a Ghostscript crash was taken for the analysis child's"
	fm_followmed_alive || fm_die "followmed died"
}

# The analysis child itself dying while it counts the second of its three
# documents (its progress pipe says which): that one alone is marked, the
# first and the third are counted (by the next child if not recorded yet).
case_batch_child_killed() {
	fm_ensure_followmed
	fm_hold -p -f "$T/slow.ps" 11 fmalice "Takes the place"
	first=$(last_job fmalice)
	wait_reading
	fm_hold -p -f "$T/quick.ps" 12 fmalice "Before"
	a=$(last_job fmalice)
	fm_hold -p -f "$T/slow.ps" 13 fmalice "Killed on"
	b=$(last_job fmalice)
	fm_hold -p -f "$T/quick.ps" 14 fmalice "After"
	c=$(last_job fmalice)
	kill_gs_after 0
	wait_status "$first" too-complex
	# Once the second document's Ghostscript runs, its child is on it.
	for _ in $(seq 1 600); do
		[ -n "$(gs_pids | while read -r g; do ps -o times= -p "$g"; done | awk '$1 >= 1')" ] && break
		sleep 0.2
	done
	[ "$(counters | wc -l)" -eq 1 ] || fm_die "not one analysis child"
	kill -KILL "$(counters)"
	wait_status "$b" too-complex
	grep -q "job $b document 1: analysis child killed by signal 9" "$T/log/followmed.log" ||
		fm_die "the killed child's document was not the one marked"
	wait_status "$a" ok
	wait_status "$c" ok
	[ "$(job_field "$a" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "document before miscounted"
	[ "$(job_field "$c" 'j["documents"][0]["pages"]')" = 2 ] || fm_die "document after miscounted"
	fm_followmed_alive || fm_die "followmed died"
}

fm_run_cases
