#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# followme-terminal without a screen: a tap releases every held job,
# oldest first, within the quota, and each outcome runs its own feedback
# command -- released N, nothing to print, unknown badge, over quota,
# denied, printer error, server unavailable.  Real libnfc driver against
# the simulated PN532, real followmed, ippeveprinter as the MFP.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test"
fm_start_mfp
fm_ca_init
fm_admin printer add mfp1 --uri "$MFP_URI" >/dev/null || fm_die "printer add"
fm_admin terminal add t1 --printer mfp1 >/dev/null || fm_die "terminal add"
for c in colour mono; do
	fm_admin price set --media A4 --colour $c --sides simplex --amount 0.10 >/dev/null || fm_die "price"
done
for u in fmalice fmbob; do
	fm_admin user add "$u" >/dev/null || fm_die "user add $u"
	fm_admin quota limit --user "$u" --restricted --overdraft 0 >/dev/null || fm_die "quota limit $u"
done
fm_admin quota grant --user fmalice --amount 5.00 --reason test >/dev/null || fm_die "grant"
fm_admin quota grant --user fmbob --amount 0.20 --reason test >/dev/null || fm_die "grant"
fm_admin badge add fmalice 04A1B2C3 >/dev/null || fm_die "badge add"
fm_admin badge add fmbob 04B0B0B0 >/dev/null || fm_die "badge add"
fm_copy_pki private
fm_start_followmed

gs -q -sDEVICE=pdfwrite -o "$T/one.pdf" -c "showpage"
gs -q -sDEVICE=pdfwrite -o "$T/three.pdf" -c "showpage showpage showpage"
chmod 644 "$T/one.pdf" "$T/three.pdf"
hold() { fm_hold -f "$3" "$1" "$2"; } # hold N USER FILE

# Each outcome's command appends its name and count to one file.
fb() { echo "$1 = echo $1 \$FOLLOWME_OUTCOME \$FOLLOWME_COUNT >> $T/feedback"; }
fm_terminal_conf t1 followme-test "[terminal]" "headless = yes" "[feedback]" \
	"$(fb released)" "$(fb nothing)" "$(fb unknown_badge)" "$(fb over_quota)" \
	"$(fb printer_error)" "$(fb server_unavailable)" "$(fb denied)"
: > "$T/feedback"
export LIBNFC_LOG_LEVEL=0

fm_start_sim
"$FM_BUILD/terminal/followme-terminal" -c "$T/terminal.conf" 2>>"$T/log/terminal.log" &
TERM_PID=$!
for _ in $(seq 1 100); do
	grep -q "connected to" "$T/log/terminal.log" && break
	sleep 0.1
done
grep -q "connected to" "$T/log/terminal.log" || fm_die "the terminal did not connect: $(cat "$T/log/terminal.log")"

# expect LINE: tap, then the feedback file's next line must be LINE.  N,
# the lines seen so far, goes from case to case.
N=0
FM_CASE_VARS="N"
expect() {
	N=$((N + 1))
	for _ in $(seq 1 200); do
		[ "$(wc -l < "$T/feedback")" -ge "$N" ] && break
		sleep 0.05
	done
	got=$(sed -n "${N}p" "$T/feedback")
	[ "$got" = "$1" ] || fm_die "outcome $N: expected '$1', got '$got' ($(cat "$T/feedback"))"
	grep -q "outcome ${1%% *} " "$T/log/terminal.log" || fm_die "outcome not logged"
}

# A key others can read is refused (by a second terminal, started for
# this; the running one keeps its key).
case_readable_key_refused() {
	chmod o+r "$PKI/t1.key"
	rc=0
	"$FM_BUILD/terminal/followme-terminal" -c "$T/terminal.conf" 2>"$T/keyerr" || rc=$?
	chmod o-rwx "$PKI/t1.key"
	[ "$rc" -eq 2 ] || fm_die "a world-readable key was used (exit $rc)"
	grep -q "t1.key: readable or writable by others (mode 0644)" "$T/keyerr" || fm_die "unclear error: $(cat "$T/keyerr")"
}

case_nothing_to_print() {
	fm_tap 04A1B2C3
	expect "nothing nothing 0"
}

case_released_oldest_first() {
	hold 1 fmalice "$T/three.pdf"
	sleep 1.1 # distinct creation times: oldest first must mean something
	hold 2 fmalice "$T/one.pdf"
	fm_tap 04A1B2C3
	expect "released released 2"
	[ "$(fm_printed_count)" -eq 2 ] || fm_die "the printer got $(fm_printed_count) jobs"
	first=$(ls "$T/mfp/printed" | sort | head -n 1)
	cmp -s "$T/mfp/printed/$first" "$T/three.pdf" || fm_die "the newer job printed first"
	fm_admin balance user fmalice | grep -q "4.60" || fm_die "balance: $(fm_admin balance user fmalice)"
}

case_unknown_badge() {
	fm_tap 04C0FFEE
	expect "unknown_badge unknown_badge 0"
}

case_over_quota() {
	hold 3 fmbob "$T/three.pdf"
	fm_tap 04B0B0B0
	expect "over_quota over_quota 0"
	[ "$(fm_printed_count)" -eq 2 ] || fm_die "an over-quota job printed"
	fm_admin jobs show 3 | grep -q "state:    held" || fm_die "over-quota job not held"
}
# Job 3 and the two printed are case_released_oldest_first's.
fm_needs over_quota released_oldest_first

case_over_quota_other_released() {
	hold 4 fmbob "$T/one.pdf"
	fm_tap 04B0B0B0
	expect "released released 1"
	[ "$(fm_printed_count)" -eq 3 ] || fm_die "the printer got $(fm_printed_count) jobs"
}
# The job over quota is case_over_quota's.
fm_needs over_quota_other_released over_quota

# Denied (account disabled).
case_denied() {
	fm_admin user disable fmbob >/dev/null || fm_die "user disable"
	fm_tap 04B0B0B0
	expect "denied denied 0"
}

# A printer error (the MFP stopped for good): the job stays held.
case_printer_error() {
	hold 5 fmalice "$T/one.pdf"
	fm_stop_mfp
	fm_tap 04A1B2C3
	expect "printer_error printer_error 0"
	fm_admin jobs show 5 | grep -q "state:    held" || fm_die "job not held after a printer error"
}
# Job 5 comes after case_over_quota_other_released's 4.
fm_needs printer_error over_quota_other_released

case_server_unavailable() {
	fm_stop_followmed
	for _ in $(seq 1 100); do
		grep -q "connection to .* lost" "$T/log/terminal.log" && break
		sleep 0.1
	done
	fm_tap 04A1B2C3
	expect "server_unavailable server_unavailable 0"
}

# The server back: the terminal reconnects.
case_server_back() {
	fm_start_followmed
	for _ in $(seq 1 200); do
		[ "$(grep -c "connected to" "$T/log/terminal.log")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(grep -c "connected to" "$T/log/terminal.log")" -ge 2 ] || fm_die "the terminal did not reconnect"
	kill -0 "$TERM_PID" || fm_die "the terminal died"
}
fm_needs server_back server_unavailable

# Server host silent: taps answered while connecting.  A listener whose
# queue is full drops new connections' SYNs, like a server host that is
# off: connecting hangs until connect_timeout (20 s).  The terminal must
# answer a tap meanwhile, not 20 s later.
case_server_silent() {
	fm_stop_pid "$TERM_PID"
	TERM_PID=""
	/usr/bin/python3 -c '
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(0)
c = socket.create_connection(l.getsockname())
print(l.getsockname()[1], flush=True)
time.sleep(600)' > "$T/blackhole.port" &
	FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $!"
	for _ in $(seq 1 50); do [ -s "$T/blackhole.port" ] && break; sleep 0.1; done
	PORT=$(cat "$T/blackhole.port") fm_terminal_conf t1 followme-test "[server]" "connect_timeout = 20s" \
		"[terminal]" "headless = yes" "[feedback]" "$(fb server_unavailable)"
	"$FM_BUILD/terminal/followme-terminal" -c "$T/terminal.conf" 2>>"$T/log/terminal.log" &
	TERM_PID=$!
	sleep 1
	start=$(date +%s)
	fm_tap 04A1B2C3
	expect "server_unavailable server_unavailable 0"
	[ $(($(date +%s) - start)) -lt 5 ] || fm_die "the tap waited for the connection attempt"
	kill -0 "$TERM_PID" || fm_die "the terminal died"
}

fm_run_cases
