#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# followmed under a service manager (issue 15, "Native to systemd"),
# without one: tests/tools/notify-listen.py is the notification socket a
# Type=notify unit gives it (NOTIFY_SOCKET), and JOURNAL_STREAM names
# its stderr as the journal's stream would.  READY=1 comes only once the
# ingest socket (and the release listener, when it can be on) accepts,
# then STATUS= lines, RELOADING=1/READY=1 around SIGHUP, STOPPING=1; and
# every log line carries its syslog priority.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test"
LISTEN_PID=""
mkdir -p "$T/notify" && chmod 777 "$T/notify"

# listen [PORT]: a fresh notification socket, its messages in $T/notify.log.
listen() {
	[ -z "$LISTEN_PID" ] || fm_stop_pid "$LISTEN_PID"
	rm -f "$T/notify/sock" "$T/notify.log"
	touch "$T/notify.log"
	python3 "$FM_SRC/tests/tools/notify-listen.py" "$T/notify/sock" \
		"$T/notify.log" "$T/run/ingest.sock" "$@" &
	LISTEN_PID=$!
	for _ in $(seq 1 50); do
		[ -S "$T/notify/sock" ] && return 0
		sleep 0.1
	done
	fm_die "notify-listen did not bind"
}
stop_listen() { fm_stop_pid "$LISTEN_PID"; LISTEN_PID=""; }
fm_at_exit stop_listen

# wait_notify PATTERN: a message matching PATTERN (grep -E) within 10 s.
wait_notify() {
	for _ in $(seq 1 100); do
		grep -qE -- "$1" "$T/notify.log" && return 0
		sleep 0.1
	done
	fm_die "no notification '$1'; got: $(tr '\n' '|' < "$T/notify.log")"
}

# start [ENV...]: followmed with the notification socket (and ENV).
start() {
	FM_FOLLOWMED_ENV="NOTIFY_SOCKET=$T/notify/sock $*" fm_start_followmed
}

# No certificate yet: READY=1 once the ingest socket accepts, a status
# that says the release service is off, one held job counted; SIGHUP is
# RELOADING=1 then READY=1; TERM is STOPPING=1.
case_ready_status_reload_stop() {
	listen
	fm_stop_followmed
	start
	wait_notify '^READY=1$'
	grep -A2 -x 'READY=1' "$T/notify.log" | grep -qx 'ingest=accepting' ||
		fm_die "READY=1 before the ingest socket accepted: $(cat "$T/notify.log")"
	grep -qx 'STATUS=release service off (see the log), 0 held jobs' "$T/notify.log" ||
		fm_die "no status with the service off: $(cat "$T/notify.log")"
	fm_hold 1 fmalice
	wait_notify '^STATUS=release service off \(see the log\), 1 held job$'
	# Nobody's name in a status anyone can read.
	if grep -q fmalice "$T/notify.log"; then fm_die "a user name in STATUS"; fi
	kill -HUP "$FOLLOWMED_PID"
	wait_notify '^RELOADING=1$'
	grep -A1 -x 'RELOADING=1' "$T/notify.log" | grep -q '^MONOTONIC_USEC=[0-9]\+$' ||
		fm_die "RELOADING=1 without MONOTONIC_USEC"
	for _ in $(seq 1 100); do
		[ "$(grep -cx 'READY=1' "$T/notify.log")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(grep -cx 'READY=1' "$T/notify.log")" -ge 2 ] ||
		fm_die "no READY=1 after the reload: $(cat "$T/notify.log")"
	grep -q "configuration reloaded" "$T/log/followmed.log" || fm_die "reload not logged"
	fm_stop_followmed
	grep -qx 'STOPPING=1' "$T/notify.log" ||
		fm_die "no STOPPING=1: $(cat "$T/notify.log")"
	grep -A1 -x 'STOPPING=1' "$T/notify.log" | grep -q '^STATUS=shutting down' ||
		fm_die "no status while stopping"
}

# With the site CA: READY=1 only once the release listener accepts too,
# and the status counts terminals.
case_ready_with_release_service() {
	fm_ca_init
	listen "$PORT"
	fm_stop_followmed
	start
	wait_notify '^READY=1$'
	grep -A3 -x 'READY=1' "$T/notify.log" | grep -qx 'release=accepting' ||
		fm_die "READY=1 before the release listener accepted: $(cat "$T/notify.log")"
	grep -A3 -x 'READY=1' "$T/notify.log" | grep -qx 'ingest=accepting' ||
		fm_die "READY=1 before the ingest socket accepted"
	grep -q '^STATUS=serving 0 terminals, [0-9]* held jobs\?$' "$T/notify.log" ||
		fm_die "no serving status: $(cat "$T/notify.log")"
}
fm_needs ready_with_release_service ready_status_reload_stop

# A NOTIFY_SOCKET that is not a socket address is said, not obeyed, and
# followmed serves anyway.
case_bad_notify_socket() {
	fm_stop_followmed
	FM_FOLLOWMED_ENV="NOTIFY_SOCKET=relative/path" fm_start_followmed
	grep -q "warning: NOTIFY_SOCKET ignored: NOTIFY_SOCKET is neither" "$T/log/followmed.log" ||
		fm_die "bad NOTIFY_SOCKET not said: $(tail -3 "$T/log/followmed.log")"
	fm_stop_followmed
}

# JOURNAL_STREAM naming followmed's stderr: every line starts with its
# priority, so `journalctl -p warning` shows the warnings.
case_journal_priorities() {
	local log="$T/log/journal.log" ds ino
	fm_stop_followmed
	rm -rf "$T/state/pki"
	: >"$log"
	ds=$(stat -c '%d:%i' "$log") || fm_die "stat"
	env JOURNAL_STREAM="$ds" "$FM_BUILD/release/followmed" -f -c "$FM_CONF" 2>>"$log" &
	FOLLOWMED_PID=$!
	fm_watch_log followmed "$FOLLOWMED_PID" "$log" 0
	for _ in $(seq 1 100); do
		grep -q ' ready: ' "$log" && break
		sleep 0.1
	done
	fm_stop_followmed
	grep -q '^<6>followmed: followmed .* ready: ingest on ' "$log" ||
		fm_die "no info line with <6>: $(cat "$log")"
	grep -q '^<4>followmed: warning: release service off: no server certificate' "$log" ||
		fm_die "no warning with <4>: $(cat "$log")"
	if grep -v '^<[0-7]>' "$log" | grep -q .; then
		fm_die "a line without its priority: $(grep -v '^<[0-7]>' "$log")"
	fi
	# A stderr that is not the stream named (followmed started by hand
	# from a unit's shell, its stderr redirected): plain lines.
	: >"$log.plain"
	env JOURNAL_STREAM="$ds" "$FM_BUILD/release/followmed" -f -c "$FM_CONF" 2>>"$log.plain" &
	FOLLOWMED_PID=$!
	fm_watch_log followmed "$FOLLOWMED_PID" "$log.plain" 0
	for _ in $(seq 1 100); do
		grep -q ' ready: ' "$log.plain" && break
		sleep 0.1
	done
	fm_stop_followmed
	grep -q '^followmed: warning: release service off' "$log.plain" ||
		fm_die "a redirected stderr got priorities: $(cat "$log.plain")"
}

fm_run_cases
