#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Jobs printed with the real lp through a private cupsd land held, under
# the right owner, with their ticket and their exact bytes, encrypted;
# peers of the ingest socket that send nothing, or a pipe nobody writes
# to, hold no worker for long.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
fm_write_conf "request_timeout = 2s"
fm_start_followmed
fm_start_cupsd
fm_add_queues

gs -q -sDEVICE=pdfwrite -o "$T/three.pdf" -c "showpage showpage showpage"
printf '%%!PS-Adobe-3.0\n%%%%Pages: 2\n%%%%EndComments\n%%%%Page: 1 1\nshowpage\n%%%%Page: 2 2\nshowpage\n%%%%EOF\n' > "$T/two.ps"
chmod 644 "$T"/*.pdf "$T"/*.ps

# job_field ID EXPR: a Python expression over the job's JSON "j".
job_field() {
	fm_admin jobs show "$1" --json | python3 -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

# last_job USER: the id of USER's newest held job.
last_job() {
	fm_admin jobs list --user "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])'
}

# PDF on the raw queue, with options: exact bytes, ticket.
case_pdf_raw_queue() {
	out=$(fm_lp_as fmalice -d followme -t "Quarterly report" -n 2 \
		-o sides=two-sided-long-edge -o job-account-id=O10 "$T/three.pdf") || fm_die "lp failed"
	fm_wait_held fmalice 1 30
	id=$(last_job fmalice)
	[ "$(job_field "$id" 'j["title"]')" = "Quarterly report" ] || fm_die "title"
	[ "$(job_field "$id" 'j["copies"]')" = 2 ] || fm_die "copies"
	[ "$(job_field "$id" 'j["sides"]')" = two-sided-long-edge ] || fm_die "sides"
	[ "$(job_field "$id" 'j["account"]')" = O10 ] || fm_die "account"
	[ "$(job_field "$id" 'j["host"]')" = localhost ] || fm_die "host"
	[ "$(job_field "$id" 'j["format"]')" = application/pdf ] || fm_die "format"
	# The raw queue must not stamp jobs monochrome (cupsd would, by default).
	[ "$(job_field "$id" 'j["color_mode"]')" = auto ] || fm_die "colour mode $(job_field "$id" 'j["color_mode"]')"
	[ "$(job_field "$id" 'j["size"]')" = "$(stat -c %s "$T/three.pdf")" ] || fm_die "size"
	# The backend does not load libqpdf: the PDF is held pending and
	# counted after the hold by followmed's pool, which records it.
	fm_wait_counted fmalice 60
	fm_admin jobs show "$id" | grep -q counted || fm_die "PDF not counted after the hold"
	[ "$(job_field "$id" 'j["documents"][0]["pages"]')" = 3 ] || fm_die "pages not stored"
	[ "$(job_field "$id" 'j["documents"][0]["color_pages"]')" = 0 ] || fm_die "blank pages counted as colour"
	[ "$(job_field "$id" 'j["documents"][0]["count_status"]')" = ok ] || fm_die "count status"
	uuid=$(job_field "$id" 'j["uuid"]')
	fm_unseal "$id-1" "$uuid" 1 > "$T/out" || fm_die "unseal"
	cmp -s "$T/out" "$T/three.pdf" || fm_die "held bytes differ (raw PDF)"
}

# PostScript on the raw queue keeps the original PostScript.
case_postscript_raw_queue() {
	fm_lp_as fmbob -d followme -t "Memo" "$T/two.ps" >/dev/null || fm_die "lp ps"
	fm_wait_held fmbob 1 30
	id=$(last_job fmbob)
	[ "$(job_field "$id" 'j["format"]')" = application/postscript ] || fm_die "ps format"
	fm_unseal "$id-1" "$(job_field "$id" 'j["uuid"]')" 1 > "$T/out" || fm_die "unseal ps"
	cmp -s "$T/out" "$T/two.ps" || fm_die "held bytes differ (raw PS)"
}

# Two documents in one job on the PDF queue: one held job with two
# documents.
case_two_documents() {
	fm_lp_as fmalice -d followme-pdf -t "Two docs" "$T/three.pdf" "$T/two.ps" >/dev/null || fm_die "lp two docs"
	fm_wait_held fmalice 2 30
	id=$(last_job fmalice)
	for _ in $(seq 1 100); do
		[ "$(job_field "$id" 'j["document_count"]')" = 2 ] && break
		sleep 0.1
	done
	[ "$(job_field "$id" 'j["document_count"]')" = 2 ] || fm_die "two-document job has $(job_field "$id" 'j["document_count"]') documents"
	[ "$(job_field "$id" 'j["documents"][1]["format"]')" = application/pdf ] || fm_die "PDF queue format"
	uuid=$(job_field "$id" 'j["uuid"]')
	fm_unseal "$id-2" "$uuid" 2 | head -c 5 | grep -q '%PDF-' || fm_die "second document is not the converted PDF"
	[ "$(fm_held_count fmalice)" -eq 2 ] || fm_die "two-document job split into several jobs"
}
# fmalice's first held job is case_pdf_raw_queue's.
fm_needs two_documents pdf_raw_queue

# Hostile titles.  cupsd itself replaces titles it finds invalid (control
# characters, over 255 bytes: "Untitled"; the backend's own cleaning is
# tested in backend_contract); what it passes on -- quotes, right-to-left
# and combining characters -- we keep exactly; all are held, cleaned.
case_hostile_titles() {
	title=$(printf 'Evil "q" \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d e\xcc\x81')
	fm_lp_as fmbob -d followme -t "$title" "$T/two.ps" >/dev/null || fm_die "lp hostile title"
	fm_wait_held fmbob 2 30
	id=$(last_job fmbob)
	got=$(job_field "$id" 'j["title"]')
	want=$title
	[ "$got" = "$want" ] || fm_die "hostile title: got '$got' want '$want'"
	fm_lp_as fmbob -d followme -t "$(printf 'a\033[2Jb')" "$T/two.ps" >/dev/null ||
		fm_die "lp title with escape"
	fm_wait_held fmbob 3 30
	fm_admin jobs list --user fmbob | grep -q $'\033' && fm_die "escape sequence reaches the terminal"
	fm_lp_as fmbob -d followme -t "$(head -c 10000 /dev/zero | tr '\0' x)" "$T/two.ps" >/dev/null ||
		fm_die "lp long title"
	fm_wait_held fmbob 4 30
	# A right-to-left override shows "invoice<RLO>gpj.exe" as
	# "invoiceexe.jpg": kept as sent, never shown to an admin.
	rlo=$(printf 'invoice\xe2\x80\xaegpj.exe')
	fm_lp_as fmbob -d followme -t "$rlo" "$T/two.ps" >/dev/null || fm_die "lp RLO title"
	fm_wait_held fmbob 5 30
	[ "$(job_field "$(last_job fmbob)" 'j["title"]')" = "$rlo" ] || fm_die "RLO title not kept as sent"
	fm_admin jobs list --user fmbob | grep -q 'invoicegpj.exe' || fm_die "RLO title not listed"
	fm_admin jobs list --user fmbob | grep -q $'\xe2\x80\xae' && fm_die "RLO reaches the admin's terminal"
	fm_admin jobs show "$(last_job fmbob)" | grep -q $'\xe2\x80\xae' && fm_die "RLO in jobs show"
	return 0
}
# fmbob's first held job is case_postscript_raw_queue's.
fm_needs hostile_titles postscript_raw_queue

# Non-UTF-8 bytes in options never stop a job from being held.
case_non_utf8_option() {
	fm_lp_as fmbob -d followme -o "job-billing=caf$(printf '\351')" "$T/two.ps" >/dev/null ||
		fm_die "lp non-UTF-8 option"
	fm_wait_held fmbob 5 30
}
fm_needs non_utf8_option hostile_titles

# Impersonation: lp -U is refused by the shipped policy.
case_impersonation_refused() {
	if fm_lp_as fmalice -d followme -U fmbob "$T/two.ps" > "$T/lp.out" 2>&1; then
		fm_die "lp -U fmbob as fmalice was accepted: $(cat "$T/lp.out")"
	fi
	grep -q Unauthorized "$T/lp.out" || fm_die "impersonation: $(cat "$T/lp.out")"
}

# ingest_peers silent|fifo COUNT SECONDS: COUNT misbehaving connections
# to the ingest socket, as lp, in the background (PEERS, its pid); their
# report in $T/peers.out.  Returns once they are all open.
ingest_peers() {
	fm_as lp "$FM_BUILD/tests/fm-ingest-peer" "$1" "$T/run/ingest.sock" "$2" "$3" \
		> "$T/peers.out" 2>&1 &
	PEERS=$!
	FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $PEERS"
	for _ in $(seq 1 50); do
		grep -q "^connected $2" "$T/peers.out" && return 0
		fm_pid_alive "$PEERS" || break
		sleep 0.1
	done
	fm_die "misbehaving peers did not connect: $(cat "$T/peers.out")"
}

# 40 connections that send nothing (followmed runs 32 workers): a real
# job is still held within seconds, and each silent connection is closed
# after request_timeout (2 s here) with RETRY.
case_silent_ingest_peers() {
	before=$(fm_held_count fmalice)
	ingest_peers silent 40 20
	fm_hold 901 fmalice "Behind silent peers" &
	hold=$!
	FM_EXTRA_PIDS="$FM_EXTRA_PIDS $hold"
	fm_wait_held fmalice $((before + 1)) 8
	wait "$hold" || fm_die "the backend did not exit OK"
	wait "$PEERS" || fm_die "silent connections not closed in time: $(cat "$T/peers.out")"
	[ "$(grep -c '^reply 2 no request in time' "$T/peers.out")" -eq 40 ] ||
		fm_die "silent connections not told to retry: $(cat "$T/peers.out")"
	grep -q "ingest: no request within 2 s; connection closed" "$T/log/followmed.log" ||
		fm_die "silent connections not logged"
}

# A request whose data is a pipe nobody writes to is refused at once,
# not read forever.
case_fifo_refused() {
	ingest_peers fifo 2 10
	wait "$PEERS" || fm_die "a pipe's job got no answer: $(cat "$T/peers.out")"
	[ "$(grep -c '^reply 3 print data is not a regular file' "$T/peers.out")" -eq 2 ] ||
		fm_die "pipe not refused: $(cat "$T/peers.out")"
	fm_admin jobs list --all --json | grep -q '00000000fifo' && fm_die "a job with a pipe for data was recorded"
	return 0
}

fm_run_cases
