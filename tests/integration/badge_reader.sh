#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# badge_reader.sh - the libnfc badge reader path, end to end: the real
# libnfc pn532_uart driver (through followme-badgetest, which opens the
# reader exactly as followme-terminal does) against fm-pn532-sim, a
# simulated PN532 on a pseudo-terminal.  Only the hardware is simulated.
#
# Every step waits for an acknowledgement or an event line; no sleeps.
set -u

: "${FM_BUILD:?FM_BUILD must name the build directory}"
SIM="$FM_BUILD/tests/fm-pn532-sim"
BT="$FM_BUILD/badge/followme-badgetest"
WAIT=15 # seconds any single step may take on a loaded machine

T=$(mktemp -d /tmp/followme-badge.XXXXXX)
SIM_PID=""
BT_PID=""
STEP="setup"

fail() {
	printf 'FAIL (%s): %s\n' "$STEP" "$*" >&2
	exit 1
}

teardown() {
	local rc=$?
	[ -n "$BT_PID" ] && kill "$BT_PID" 2>/dev/null && wait "$BT_PID" 2>/dev/null
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	if [ "$rc" -ne 0 ]; then
		echo "---- followme-badgetest stderr" >&2
		tail -n 30 "$T/bt.log" >&2 2>/dev/null
		echo "---- simulator stderr" >&2
		tail -n 30 "$T/sim.log" >&2 2>/dev/null
	fi
	[ -n "${FM_KEEP:-}" ] || rm -rf "$T"
	exit "$rc"
}
trap teardown EXIT

# libnfc prints its own errors when the reader is pulled out: keep them
# in the log, out of the test output.
export LIBNFC_LOG_LEVEL=1

# start_sim [-b] - start the simulator, commands on fd 3, replies on 4.
start_sim() {
	local line
	rm -f "$T/sim.in" "$T/sim.out"
	mkfifo "$T/sim.in" "$T/sim.out"
	"$SIM" "$@" "$T/ttyPN532" < "$T/sim.in" > "$T/sim.out" 2>> "$T/sim.log" &
	SIM_PID=$!
	exec 3> "$T/sim.in" 4< "$T/sim.out"
	read -r -t "$WAIT" line <&4 || fail "simulator did not start"
	[ "$line" = "ok ready" ] || fail "simulator said '$line'"
	[ -L "$T/ttyPN532" ] || fail "no pty link"
}

stop_badgetest() {
	local rc
	kill -TERM "$BT_PID"
	wait "$BT_PID"
	rc=$?
	BT_PID=""
	exec 5<&-
	[ "$rc" -eq 0 ] || fail "followme-badgetest exited with $rc"
}

# sim COMMAND... - send a command, wait for its "ok".
sim() {
	local reply
	printf '%s\n' "$*" >&3 || fail "simulator gone"
	read -r -t "$WAIT" reply <&4 || fail "no reply from simulator to '$*'"
	case "$reply" in
	ok*) ;;
	*) fail "simulator refused '$*': $reply" ;;
	esac
}


# start_badgetest ARGS... - start the reader CLI with its output on fd 5.
start_badgetest() {
	rm -f "$T/bt.out"
	mkfifo "$T/bt.out"
	"$BT" -c "pn532_uart:$T/ttyPN532" "$@" > "$T/bt.out" 2>> "$T/bt.log" &
	BT_PID=$!
	exec 5< "$T/bt.out"
}

# expect LINE - the next event line must be exactly LINE.
expect() {
	local got
	read -r -t "$WAIT" got <&5 || fail "no event; expected '$1'"
	[ "$got" = "$1" ] || fail "expected '$1', got '$got'"
}

# quiet - no event may be pending.  The reader has already polled (the
# simulator acknowledged it), so an event it decided on is on its way
# within milliseconds; the grace period only bounds a loaded machine.
quiet() {
	local got
	if read -r -t 1 got <&5; then
		fail "unexpected event '$got'"
	fi
}

alive() {
	kill -0 "$SIM_PID" 2>/dev/null || fail "simulator died"
	kill -0 "$BT_PID" 2>/dev/null || fail "followme-badgetest died"
}

STEP="open"
start_sim
start_badgetest -f decimal -p 14443a,14443b,felica
expect "READER_READY"
alive

STEP="tap"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"

STEP="hold"
# Ten more polls while the card stays: any repeat event would come
# before the CARD_REMOVED expected next.
sim polls 10
quiet
STEP="remove"
sim remove
expect "CARD_REMOVED"
alive

STEP="7-byte uid"
sim tap 04112233445566
expect "CARD_PRESENT iso14443a 04112233445566 1144738493519206"
sim polls 6
quiet
sim remove
expect "CARD_REMOVED"

STEP="two cards in turn"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"
sim remove
expect "CARD_REMOVED"
sim tap 0102030405060708090a
expect "CARD_PRESENT iso14443a 0102030405060708090a 4759477275222530853130"

STEP="card swapped without a gap"
sim tap 04112233445566
expect "CARD_REMOVED"
expect "CARD_PRESENT iso14443a 04112233445566 1144738493519206"
sim remove
expect "CARD_REMOVED"
alive

STEP="14443B and FeliCa"
sim tap b 01020304
expect "CARD_PRESENT iso14443b 01020304 16909060"
sim polls 6
quiet
sim tap felica 0102030405060708
expect "CARD_REMOVED"
expect "CARD_PRESENT felica 0102030405060708 72623859790382856"
sim polls 6
quiet
sim remove
expect "CARD_REMOVED"

STEP="reader unplugged"
start=$SECONDS
sim unplug
expect "READER_UNAVAILABLE"
[ $((SECONDS - start)) -le 5 ] || fail "unavailable only after $((SECONDS - start)) s"
alive
STEP="reader replugged"
sim replug
expect "READER_BACK"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"
sim remove
expect "CARD_REMOVED"

STEP="unplugged with a card on it"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"
sim unplug
expect "READER_UNAVAILABLE"
sim remove
sim replug
expect "READER_BACK"
# The card left while the reader was away: the next tap is a new tap.
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"
sim remove
expect "CARD_REMOVED"

STEP="reader stops answering"
sim hang
expect "READER_UNAVAILABLE"
sim unhang
expect "READER_BACK"
sim tap 04112233445566
expect "CARD_PRESENT iso14443a 04112233445566 1144738493519206"
sim remove
expect "CARD_REMOVED"
alive

STEP="reader process killed"
# The owner notices, says so, and starts a new reader process.  (libnfc
# marks a serial port it holds with a private termios flag, and a killed
# process cannot remove it; Linux ttys drop that bit, so this works.)
child=$(pgrep -P "$BT_PID")
[ -n "$child" ] || fail "no reader process under followme-badgetest"
kill -KILL "$child"
expect "READER_UNAVAILABLE"
expect "READER_BACK"
newchild=$(pgrep -P "$BT_PID")
[ -n "$newchild" ] && [ "$newchild" != "$child" ] || fail "no new reader process"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 77705923"
sim remove
expect "CARD_REMOVED"
alive

STEP="clean shutdown"
stop_badgetest

# A new reader opens the port at once.  This run also checks the site
# format and that only 14443A is polled by default.
STEP="reopen"
start_badgetest -f hex-reversed:8
expect "READER_READY"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 00000000C3B2A104"
sim tap b 01020304
expect "CARD_REMOVED"
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 00000000C3B2A104"
alive
stop_badgetest

STEP="reader without 14443B"
sim quit
wait "$SIM_PID"
SIM_PID=""
start_sim -b
: > "$T/bt.log"
start_badgetest -p 14443a,14443b
expect "READER_READY"
grep -q "this reader cannot read iso14443b cards" "$T/bt.log" ||
	fail "unsupported family not reported"
sim tap b 01020304
sim polls 4
quiet
sim tap 04a1b2c3
expect "CARD_PRESENT iso14443a 04a1b2c3 04A1B2C3"
stop_badgetest
start_badgetest -p 14443b
expect "READER_UNAVAILABLE"
grep -q "cannot read any of the configured card families" "$T/bt.log" ||
	fail "reason not logged"
alive

echo "badge_reader: all steps passed"
