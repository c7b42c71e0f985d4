#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The followme backend's contract with cupsd, exercised by running the
# backend directly as lp (as cupsd does), against a real followmed:
# discovery, argument checks, exit codes, data on stdin or in a file,
# idempotent retries, refusal of peers other than the CUPS user.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
fm_write_conf "max_job_size = 1M"

BACKEND="$FM_BUILD/spooler/followme"
UUID=urn:uuid:11111111-2222-3333-4444-555555555555
# What cupsd adds to a backend's environment besides fm_backend's.
FM_BACKEND_ENV="PATH=/usr/bin:/bin PRINTER=followme"

# backend_exits RC WHAT ARGS...: the backend run with ARGS as lp (or
# $BACKEND_USER) exits RC; its stderr in $T/err.
backend_exits() {
	local want=$1 what=$2 rc=0
	shift 2
	fm_backend "${BACKEND_USER:-lp}" "$@" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || fm_die "$what: exit $rc, expected $want"
}

head -c 3000 /dev/urandom > "$T/doc.pdf"
chmod 644 "$T/doc.pdf"
opts="job-uuid=$UUID job-originating-host-name=pc1 time-at-processing=100"

# Discovery: no arguments, one device line, exit 0.
case_discovery() {
	out=$(fm_backend lp) || fm_die "discovery failed"
	[ "$out" = 'direct followme "Unknown" "Followme secure print release (hold queue)"' ] ||
		fm_die "discovery line: $out"
}

case_wrong_arguments() {
	backend_exits 1 "wrong number of arguments" 1 2 3 >/dev/null
	grep -q Usage "$T/err" || fm_die "no usage message"
}

# followmed not running (never started yet): RETRY, so that CUPS keeps
# the job.
case_followmed_unreachable() {
	backend_exits 6 "followmed unreachable" 7 fmalice "Report" 1 "$opts" "$T/doc.pdf"
	grep -q "^INFO: Followme server unavailable" "$T/err" || fm_die "no INFO line: $(cat "$T/err")"
}

# Jobs that can never be held: CANCEL with an ERROR line.
case_zero_byte_job() {
	fm_ensure_followmed
	: > "$T/empty"
	chmod 644 "$T/empty"
	backend_exits 5 "zero-byte job" 8 fmalice "Empty" 1 "$opts" "$T/empty"
	grep -q "^ERROR: Job is empty" "$T/err" || fm_die "zero-byte message: $(cat "$T/err")"
}

case_job_over_max_size() {
	fm_ensure_followmed
	head -c 1048577 /dev/zero > "$T/big"
	chmod 644 "$T/big"
	backend_exits 5 "job over max_job_size (file)" 9 fmalice "Big" 1 "$opts" "$T/big"
	grep -q "^ERROR: Job is larger than the maximum" "$T/err" || fm_die "size message"
	backend_exits 5 "job over max_job_size (stdin)" 9 fmalice "Big" 1 "$opts" < "$T/big"
}

case_bad_ticket() {
	fm_ensure_followmed
	backend_exits 5 "zero copies" 10 fmalice "Report" 0 "$opts" "$T/doc.pdf"
	grep -q "^ERROR: Job cannot be held: invalid number of copies" "$T/err" || fm_die "copies message"
	backend_exits 5 "no job-uuid" 10 fmalice "Report" 1 "time-at-processing=1" "$T/doc.pdf"
}

# Held from a file argument, then the same job again (CUPS retry): one
# job, its ticket recorded, the spool file the ciphertext of the bytes.
case_held_from_file() {
	fm_ensure_followmed
	backend_exits 0 "held from a file" 11 fmalice "Report" 2 "$opts sides=two-sided-long-edge" "$T/doc.pdf"
	grep -q "^INFO: Held for fmalice" "$T/err" || fm_die "held message"
	backend_exits 0 "retried job acknowledged" 11 fmalice "Report" 2 "job-uuid=$UUID time-at-processing=200" "$T/doc.pdf"
	[ "$(fm_held_count fmalice)" -eq 1 ] || fm_die "retry created a second job"
	fm_admin jobs show 1 --json > "$T/job.json"
	python3 - "$T/job.json" <<'PY' || fm_die "job record"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["owner"] == "fmalice" and j["host"] == "pc1", j
assert j["copies"] == 2 and j["sides"] == "two-sided-long-edge", j
assert j["size"] == 3000 and j["document_count"] == 1, j
assert j["documents"][0]["size"] == 3000, j
assert j["format"] == "application/pdf" and j["title"] == "Report", j
PY
	fm_unseal 1-1 "$UUID" 1 > "$T/out" || fm_die "unseal"
	cmp -s "$T/out" "$T/doc.pdf" || fm_die "held data differs from the submitted data"
	if cmp -s "$T/state/spool/1-1" "$T/doc.pdf" || grep -q "Report" "$T/state/spool/1-1"; then
		fm_die "spool file is not ciphertext"
	fi
}

# A title with control characters, quotes, invalid UTF-8 and 10 kB:
# held, cleaned, shortened, with an INFO line saying so.
case_hostile_title() {
	local uuid4=urn:uuid:44444444-0000-3333-4444-555555555555 title
	title=$(printf 'T\t"q"\n\033[2J\xff%s' "$(head -c 10000 /dev/zero | tr '\0' y)")
	backend_exits 0 "hostile title held" 16 fmalice "$title" 1 "job-uuid=$uuid4 media=a4$(printf '\xfe')" "$T/doc.pdf"
	grep -q "^INFO: Job title shortened to 1023 bytes" "$T/err" || fm_die "no shortened notice"
	fm_admin jobs show 2 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
t = j["title"]
assert t.startswith("T \"q\"  [2J\ufffdyyy"), repr(t[:20])
assert len(t.encode()) <= 1023, len(t.encode())
assert j["media"] == "a4\ufffd", repr(j["media"])
' || fm_die "hostile title not cleaned"
}
# Job 2 is the one after case_held_from_file's.
fm_needs hostile_title held_from_file

# Data on stdin (a pipe, as on filtered queues).
case_held_from_stdin() {
	local uuid2=urn:uuid:22222222-2222-3333-4444-555555555555
	fm_ensure_followmed
	# A pipe on stdin; not "cat | ...": a check in a pipeline's subshell
	# would not end the case.
	backend_exits 0 "held from stdin" 12 fmbob "Piped" 1 "job-uuid=$uuid2 time-at-processing=5" \
		< <(cat "$T/doc.pdf")
	[ "$(fm_held_count fmbob)" -eq 1 ] || fm_die "piped job not held"
}

# backend_pid PID: PID, or its child, once it runs the backend (a
# background function runs it in a subshell of its own).
backend_pid() {
	local p
	for _ in $(seq 1 50); do
		for p in "$1" $(pgrep -P "$1"); do
			if [ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$BACKEND")" ]; then
				echo "$p"
				return 0
			fi
		done 2>/dev/null
		sleep 0.1
	done
	return 1
}

# Cancelled (SIGTERM) while the data is still arriving: nothing held,
# nothing left behind.
case_sigterm_while_reading() {
	local uuid5=urn:uuid:55555555-2222-3333-4444-555555555555 bpid pid
	# A FIFO we hold open: the data never ends until the backend is told.
	rm -f "$T/slow"
	mkfifo "$T/slow"
	fm_backend lp 17 fmbob "Cancelled" 1 "job-uuid=$uuid5" < "$T/slow" 2>"$T/err" &
	bpid=$!
	exec 3>"$T/slow"
	head -c 1000 "$T/doc.pdf" >&3
	sleep 0.5
	# This job's backend, by pid: other people's run on this machine.
	pid=$(backend_pid "$bpid") || fm_die "backend not running"
	kill -TERM "$pid"
	wait "$bpid" 2>/dev/null
	exec 3>&-
	[ "$(fm_held_count fmbob)" -eq 1 ] || fm_die "cancelled job was held"
	fm_admin jobs list --all --json | grep -q "$uuid5" && fm_die "cancelled job recorded"
	return 0
}
# fmbob's one held job is case_held_from_stdin's.
fm_needs sigterm_while_reading held_from_stdin

# Denied user: CANCEL.
case_denied_user() {
	fm_stop_followmed
	fm_write_conf "max_job_size = 1M" "deny_users = root, fmbob"
	fm_start_followmed
	backend_exits 5 "denied user" 13 fmbob "X" 1 "job-uuid=urn:uuid:33333333-2222-3333-4444-555555555555" "$T/doc.pdf"
	grep -q "^ERROR: User fmbob may not use secure printing" "$T/err" || fm_die "deny message"
}

# A job printed from a French desktop: cupsd runs the backend with LANG
# from the job's attributes-natural-language, and the lines lpstat -l
# shows are in French -- on a Debian 12 where fr_FR was never generated
# too (C.UTF-8 and the catalog).
case_messages_in_french() {
	FM_BACKEND_ENV="LANG=fr_FR.UTF-8" backend_exits 5 "denied user in French" 14 fmbob "X" 1 \
		"job-uuid=urn:uuid:33333333-2222-3333-4444-666666666666" "$T/doc.pdf"
	grep -q "^ERROR: L’utilisateur fmbob n’est pas autorisé à utiliser l’impression sécurisée" "$T/err" ||
		fm_die "deny message not in French: $(cat "$T/err")"
	FM_BACKEND_ENV="LANG=fr_FR.UTF-8" backend_exits 0 "held in French" 15 fmalice "Rapport" 1 \
		"job-uuid=urn:uuid:33333333-2222-3333-4444-777777777777 time-at-processing=300" "$T/doc.pdf"
	grep -q "^INFO: Impression en attente pour fmalice : libérez-la sur n’importe quelle imprimante" "$T/err" ||
		fm_die "held message not in French: $(cat "$T/err")"
	# The same job from an English desktop stays in English.
	FM_BACKEND_ENV="LANG=C.UTF-8" backend_exits 0 "held in English" 15 fmalice "Rapport" 1 \
		"job-uuid=urn:uuid:33333333-2222-3333-4444-777777777777 time-at-processing=300" "$T/doc.pdf"
	grep -q "^INFO: Held for fmalice" "$T/err" || fm_die "held message: $(cat "$T/err")"
}
fm_needs messages_in_french denied_user

# Only the CUPS user may ingest: a local user talking to the socket is
# refused by SO_PEERCRED, and its backend run is retried, not held.
case_non_cups_peer_refused() {
	fm_ensure_followmed
	held=$(fm_held_count fmalice)
	BACKEND_USER=fmalice backend_exits 6 "ingest from a non-CUPS user refused" 14 fmalice "Sneaky" 1 "job-uuid=urn:uuid:44444444-2222-3333-4444-555555555555" "$T/doc.pdf"
	grep -q "refused a connection from uid $(id -u fmalice)" "$T/log/followmed.log" || fm_die "no refusal logged"
	# Compared with before: earlier cases hold jobs for fmalice too.
	[ "$(fm_held_count fmalice)" -eq "$held" ] || fm_die "refused peer's job was held"
}

# last_job USER: the id of USER's newest held job.
last_job() {
	fm_admin jobs list --user "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])'
}

# A PDF: the backend does not load libqpdf (nor the GnuTLS it pulls), so
# it holds the PDF pending, says its pages come once held, and followmed's
# analysis pool counts it after the hold (issue 16).
case_pdf_counted_after_hold() {
	local uuid6=urn:uuid:66666666-2222-3333-4444-555555555555 id
	fm_ensure_followmed
	gs -q -sDEVICE=pdfwrite -o "$T/three.pdf" -c "showpage showpage showpage" || fm_die "gs"
	chmod 644 "$T/three.pdf"
	backend_exits 0 "PDF held" 18 fmalice "Three" 1 "job-uuid=$uuid6" "$T/three.pdf"
	grep -q "^INFO: Pages counted once the job is held" "$T/err" || fm_die "no pending notice: $(cat "$T/err")"
	grep -q "^INFO: [0-9]* page" "$T/err" && fm_die "the backend counted the PDF: $(cat "$T/err")"
	id=$(last_job fmalice)
	fm_wait_counted fmalice 60
	fm_admin jobs show "$id" | grep -q counted || fm_die "no counted event"
	[ "$(fm_admin jobs show "$id" --json | python3 -c 'import json,sys; d=json.load(sys.stdin)["documents"][0]; print(d["count_status"], d["pages"])')" = "ok 3" ] ||
		fm_die "PDF not counted 3 pages after the hold: $(fm_admin jobs show "$id" --json)"
}

# The options string as cupsd writes it, read as libcups reads it:
# quoted values, names in any case, the last duplicate winning.
case_options_as_cups_reads_them() {
	local uuid7=urn:uuid:77777777-2222-3333-4444-555555555555 id
	fm_ensure_followmed
	backend_exits 0 "quoted options held" 19 fmalice "Quoted" 1 \
		"job-uuid=$uuid7 Sides=one-sided SIDES='two-sided-short-edge' media=\"iso a4\" nocollate" "$T/doc.pdf"
	id=$(last_job fmalice)
	fm_admin jobs show "$id" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["sides"] == "two-sided-short-edge", j["sides"]
assert j["media"] == "iso a4", j["media"]
' || fm_die "options not read as libcups reads them"
}

# A broken configuration: RETRY with the line at fault.
case_broken_configuration() {
	fm_write_conf "max_job_size = 1M" "deny_users = root, fmbob"
	echo "bogus = 1" >> "$FM_CONF"
	backend_exits 6 "broken configuration" 15 fmalice "X" 1 "$opts" "$T/doc.pdf"
	grep -q "^ERROR: Followme configuration: .*line 8: unknown setting 'bogus'" "$T/err" ||
		fm_die "config message: $(cat "$T/err")"
}

fm_run_cases
