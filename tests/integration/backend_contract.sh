#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The followme backend's contract with cupsd, exercised by running the
# backend directly as lp (as cupsd does), against a real followmed:
# discovery, argument checks, exit codes, data on stdin or in a file,
# idempotent retries, refusal of peers other than the CUPS user.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup
fm_write_conf "max_job_size = 1M"

BACKEND="$FM_BUILD/spooler/followme"
UUID=urn:uuid:11111111-2222-3333-4444-555555555555

# run_backend USER ARGS... with FOLLOWME_CONF, as cupsd would.
run_backend() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
		env -i PATH=/usr/bin:/bin FOLLOWME_CONF="$FM_CONF" TMPDIR=/tmp \
		CONTENT_TYPE=application/pdf PRINTER=followme \
		"$BACKEND" "$@"
}

expect_rc() {
	local want=$1 got=$2 what=$3
	[ "$got" -eq "$want" ] || fm_die "$what: exit $got, expected $want"
	echo "ok - $what (exit $got)"
}

# Discovery: no arguments, one device line, exit 0.
out=$(run_backend lp) || fm_die "discovery failed"
[ "$out" = 'direct followme "Unknown" "Followme secure print release (hold queue)"' ] ||
	fm_die "discovery line: $out"
echo "ok - discovery"

run_backend lp 1 2 3 >/dev/null 2>"$T/err"
expect_rc 1 $? "wrong number of arguments"
grep -q Usage "$T/err" || fm_die "no usage message"

head -c 3000 /dev/urandom > "$T/doc.pdf"
chmod 644 "$T/doc.pdf"
opts="job-uuid=$UUID job-originating-host-name=pc1 time-at-processing=100"

# followmed not running: RETRY, so that CUPS keeps the job.
run_backend lp 7 fmalice "Report" 1 "$opts" "$T/doc.pdf" 2>"$T/err"
expect_rc 6 $? "followmed unreachable"
grep -q "^INFO: Followme server unavailable" "$T/err" || fm_die "no INFO line: $(cat "$T/err")"

fm_start_followmed

# Jobs that can never be held: CANCEL with an ERROR line.
: > "$T/empty"
chmod 644 "$T/empty"
run_backend lp 8 fmalice "Empty" 1 "$opts" "$T/empty" 2>"$T/err"
expect_rc 5 $? "zero-byte job"
grep -q "^ERROR: Job is empty" "$T/err" || fm_die "zero-byte message: $(cat "$T/err")"

head -c 1048577 /dev/zero > "$T/big"
chmod 644 "$T/big"
run_backend lp 9 fmalice "Big" 1 "$opts" "$T/big" 2>"$T/err"
expect_rc 5 $? "job over max_job_size (file)"
grep -q "^ERROR: Job is larger than the maximum" "$T/err" || fm_die "size message"
run_backend lp 9 fmalice "Big" 1 "$opts" < "$T/big" 2>"$T/err"
expect_rc 5 $? "job over max_job_size (stdin)"

run_backend lp 10 fmalice "Report" 0 "$opts" "$T/doc.pdf" 2>"$T/err"
expect_rc 5 $? "zero copies"
grep -q "^ERROR: Job cannot be held: invalid number of copies" "$T/err" || fm_die "copies message"
run_backend lp 10 fmalice "Report" 1 "time-at-processing=1" "$T/doc.pdf" 2>"$T/err"
expect_rc 5 $? "no job-uuid"

# Held from a file argument, then the same job again (CUPS retry): one job.
run_backend lp 11 fmalice "Report" 2 "$opts sides=two-sided-long-edge" "$T/doc.pdf" 2>"$T/err"
expect_rc 0 $? "held from a file"
grep -q "^INFO: Held for fmalice" "$T/err" || fm_die "held message"
run_backend lp 11 fmalice "Report" 2 "job-uuid=$UUID time-at-processing=200" "$T/doc.pdf" 2>"$T/err"
expect_rc 0 $? "retried job acknowledged"
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
echo "ok - ticket recorded"
fm_unseal 1-1 "$UUID" 1 > "$T/out" || fm_die "unseal"
cmp -s "$T/out" "$T/doc.pdf" || fm_die "held data differs from the submitted data"
if cmp -s "$T/state/spool/1-1" "$T/doc.pdf" || grep -q "Report" "$T/state/spool/1-1"; then
	fm_die "spool file is not ciphertext"
fi
echo "ok - spool file is ciphertext of the submitted bytes"

# A title with control characters, quotes, invalid UTF-8 and 10 kB:
# held, cleaned, shortened, with an INFO line saying so.
UUID4=urn:uuid:44444444-0000-3333-4444-555555555555
title=$(printf 'T\t"q"\n\033[2J\xff%s' "$(head -c 10000 /dev/zero | tr '\0' y)")
run_backend lp 16 fmalice "$title" 1 "job-uuid=$UUID4 media=a4$(printf '\xfe')" "$T/doc.pdf" 2>"$T/err"
expect_rc 0 $? "hostile title held"
grep -q "^INFO: Job title shortened to 1023 bytes" "$T/err" || fm_die "no shortened notice"
fm_admin jobs show 2 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
t = j["title"]
assert t.startswith("T \"q\"  [2J\ufffdyyy"), repr(t[:20])
assert len(t.encode()) <= 1023, len(t.encode())
assert j["media"] == "a4\ufffd", repr(j["media"])
' || fm_die "hostile title not cleaned"

# Data on stdin (a pipe, as on filtered queues).
UUID2=urn:uuid:22222222-2222-3333-4444-555555555555
cat "$T/doc.pdf" | run_backend lp 12 fmbob "Piped" 1 "job-uuid=$UUID2 time-at-processing=5" 2>"$T/err"
expect_rc 0 $? "held from stdin"
[ "$(fm_held_count fmbob)" -eq 1 ] || fm_die "piped job not held"

# Cancelled (SIGTERM) while the data is still arriving: nothing held,
# nothing left behind.
UUID5=urn:uuid:55555555-2222-3333-4444-555555555555
# A FIFO we hold open: the data never ends until the backend is told.
mkfifo "$T/slow"
run_backend lp 17 fmbob "Cancelled" 1 "job-uuid=$UUID5" < "$T/slow" 2>"$T/err" &
bpid=$!
exec 3>"$T/slow"
head -c 1000 "$T/doc.pdf" >&3
sleep 0.5
pkill -TERM -f "followme 17 fmbob" || fm_die "backend not running"
wait "$bpid" 2>/dev/null
exec 3>&-
[ "$(fm_held_count fmbob)" -eq 1 ] || fm_die "cancelled job was held"
fm_admin jobs list --all --json | grep -q "$UUID5" && fm_die "cancelled job recorded"
echo "ok - SIGTERM while reading leaves no job"

# Denied user: CANCEL.
fm_stop_followmed
fm_write_conf "max_job_size = 1M" "deny_users = root, fmbob"
fm_start_followmed
UUID3=urn:uuid:33333333-2222-3333-4444-555555555555
run_backend lp 13 fmbob "X" 1 "job-uuid=$UUID3" "$T/doc.pdf" 2>"$T/err"
expect_rc 5 $? "denied user"
grep -q "^ERROR: User fmbob may not use secure printing" "$T/err" || fm_die "deny message"

# Only the CUPS user may ingest: a local user talking to the socket is
# refused by SO_PEERCRED, and its backend run is retried, not held.
run_backend fmalice 14 fmalice "Sneaky" 1 "job-uuid=urn:uuid:44444444-2222-3333-4444-555555555555" "$T/doc.pdf" 2>"$T/err"
expect_rc 6 $? "ingest from a non-CUPS user refused"
grep -q "refused a connection from uid $(id -u fmalice)" "$T/log/followmed.log" || fm_die "no refusal logged"
[ "$(fm_held_count fmalice)" -eq 2 ] || fm_die "refused peer's job was held"

# A broken configuration: RETRY with the line at fault.
echo "bogus = 1" >> "$FM_CONF"
run_backend lp 15 fmalice "X" 1 "$opts" "$T/doc.pdf" 2>"$T/err"
expect_rc 6 $? "broken configuration"
grep -q "^ERROR: Followme configuration: .*line 8: unknown setting 'bogus'" "$T/err" ||
	fm_die "config message: $(cat "$T/err")"

fm_followmed_alive || fm_die "followmed died"
echo "backend contract: all checks passed"
