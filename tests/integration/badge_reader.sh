#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# badge_reader.sh - the badge reader paths, end to end: the real libnfc
# pn532_uart driver (through followme-badgetest, which opens the reader
# exactly as followme-terminal does) against fm-pn532-sim, a simulated
# PN532 on a pseudo-terminal; and keyboard-wedge readers set for the us,
# fr and de layouts, their key events written into a FIFO standing for
# the evdev device.  Only the hardware is simulated.
#
# Every step waits for an acknowledgement or an event line; no sleeps.
# Each case starts and ends with the reader open and no card on it,
# unless it says otherwise (fm_needs).
set -u
. "$(dirname "$0")/lib.sh"
fm_setup --any-user "$@"
BT="$FM_BUILD/badge/followme-badgetest"
WAIT=15 # seconds any single step may take on a loaded machine
BT_PID=""
FM_DAEMONS="followme-badgetest:BT_PID"

# libnfc prints its own errors when the reader is pulled out: keep them
# in the log, out of the test output.
export LIBNFC_LOG_LEVEL=1

# start_sim [-b]: the simulator (fm_sim talks to it) and its pty link.
start_sim() {
	fm_start_sim "$@"
	[ -L "$T/ttyPN532" ] || fm_die "no pty link"
}

# start_badgetest ARGS...: the reader CLI with its output on fd 5.  A
# shell stays behind it to keep its exit status, which a case cannot wait
# for when the set-up started it.
start_badgetest() {
	rm -f "$T/bt.out" "$T/bt.pid" "$T/bt.rc"
	mkfifo "$T/bt.out"
	(
		"$BT" -c "pn532_uart:$T/ttyPN532" "$@" > "$T/bt.out" 2>> "$T/log/bt.log" &
		echo $! > "$T/bt.pid"
		wait $!
		echo $? > "$T/bt.rc"
	) &
	exec 5< "$T/bt.out"
	for _ in $(seq 1 100); do [ -s "$T/bt.pid" ] && break; sleep 0.05; done
	BT_PID=$(cat "$T/bt.pid")
}

# stop_badgetest: TERM, and a clean exit.
stop_badgetest() {
	local rc
	kill -TERM "$BT_PID"
	for _ in $(seq 1 $((WAIT * 20))); do [ -s "$T/bt.rc" ] && break; sleep 0.05; done
	rc=$(cat "$T/bt.rc" 2>/dev/null)
	BT_PID=""
	exec 5<&-
	[ "$rc" = 0 ] || fm_die "followme-badgetest exited with ${rc:-no status}"
}

# expect LINE - the next event line must be exactly LINE.
expect() {
	local got
	read -r -t "$WAIT" got <&5 || fm_die "no event; expected '$1'"
	[ "$got" = "$1" ] || fm_die "expected '$1', got '$got'"
}

# quiet - no event may be pending.  The reader has already polled (the
# simulator acknowledged it), so an event it decided on is on its way
# within milliseconds; the grace period only bounds a loaded machine.
quiet() {
	local got
	if read -r -t 1 got <&5; then
		fm_die "unexpected event '$got'"
	fi
}

# present [TYPE] UID SEEN - a card enters the field; the next event is
# "CARD_PRESENT SEEN".
present() {
	fm_sim tap "${@:1:$#-1}"
	expect "CARD_PRESENT ${!#}"
}

# removed - the card leaves the field, and the reader says so.
removed() {
	fm_sim remove
	expect "CARD_REMOVED"
}

alive() {
	fm_pid_alive "$SIM_PID" || fm_die "simulator died"
	fm_pid_alive "$BT_PID" || fm_die "followme-badgetest died"
}

# The reader opens.
start_sim
start_badgetest -f decimal -p 14443a,14443b,felica
expect "READER_READY"
alive

# A tap, the card held (ten more polls while it stays: any repeat event
# would come before the CARD_REMOVED expected next), then removed.
case_tap_hold_remove() {
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	fm_sim polls 10
	quiet
	removed
	alive
}

case_uid_7_bytes() {
	present 04112233445566 "iso14443a 04112233445566 1144738493519206"
	fm_sim polls 6
	quiet
	removed
}

# Two cards in turn; the second stays on the reader.
case_two_cards_in_turn() {
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	removed
	present 0102030405060708090a "iso14443a 0102030405060708090a 4759477275222530853130"
}

# A card swapped for another without a gap.
case_card_swapped() {
	fm_sim tap 04112233445566
	expect "CARD_REMOVED"
	expect "CARD_PRESENT iso14443a 04112233445566 1144738493519206"
	removed
	alive
}
# The card swapped out is case_two_cards_in_turn's.
fm_needs card_swapped two_cards_in_turn

case_14443b_and_felica() {
	present b 01020304 "iso14443b 01020304 16909060"
	fm_sim polls 6
	quiet
	fm_sim tap felica 0102030405060708
	expect "CARD_REMOVED"
	expect "CARD_PRESENT felica 0102030405060708 72623859790382856"
	fm_sim polls 6
	quiet
	removed
}

# The reader unplugged, and left so.
case_reader_unplugged() {
	start=$SECONDS
	fm_sim unplug
	expect "READER_UNAVAILABLE"
	[ $((SECONDS - start)) -le 5 ] || fm_die "unavailable only after $((SECONDS - start)) s"
	alive
}

case_reader_replugged() {
	fm_sim replug
	expect "READER_BACK"
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	removed
}
fm_needs reader_replugged reader_unplugged

case_unplugged_with_a_card() {
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	fm_sim unplug
	expect "READER_UNAVAILABLE"
	fm_sim remove
	fm_sim replug
	expect "READER_BACK"
	# The card left while the reader was away: the next tap is a new tap.
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	removed
}

case_reader_stops_answering() {
	fm_sim hang
	expect "READER_UNAVAILABLE"
	fm_sim unhang
	expect "READER_BACK"
	present 04112233445566 "iso14443a 04112233445566 1144738493519206"
	removed
	alive
}

# The reader process killed: the owner notices, says so, and starts a new
# reader process.  (libnfc marks a serial port it holds with a private
# termios flag, and a killed process cannot remove it; Linux ttys drop
# that bit, so this works.)
case_reader_process_killed() {
	child=$(pgrep -P "$BT_PID")
	[ -n "$child" ] || fm_die "no reader process under followme-badgetest"
	kill -KILL "$child"
	expect "READER_UNAVAILABLE"
	expect "READER_BACK"
	newchild=$(pgrep -P "$BT_PID")
	[ -n "$newchild" ] && [ "$newchild" != "$child" ] || fm_die "no new reader process"
	present 04a1b2c3 "iso14443a 04a1b2c3 77705923"
	removed
	alive
}

# followme-badgetest stops cleanly on TERM.
case_clean_shutdown() {
	stop_badgetest
}

# A new reader opens the port at once.  This run also checks the site
# format and that only 14443A is polled by default.
case_reopen() {
	start_badgetest -f hex-reversed:8
	expect "READER_READY"
	present 04a1b2c3 "iso14443a 04a1b2c3 00000000C3B2A104"
	fm_sim tap b 01020304
	expect "CARD_REMOVED"
	present 04a1b2c3 "iso14443a 04a1b2c3 00000000C3B2A104"
	alive
	stop_badgetest
}
# The port is free once case_clean_shutdown's reader is gone.
fm_needs reopen clean_shutdown

# A reader without 14443B: the family is reported unsupported and not
# polled; a reader with no family it can read is unavailable.  (This
# case's simulator and readers stop with it.)
case_without_14443b() {
	fm_sim quit
	fm_stop_sim
	start_sim -b
	: > "$T/log/bt.log"
	start_badgetest -p 14443a,14443b
	expect "READER_READY"
	grep -q "this reader cannot read iso14443b cards" "$T/log/bt.log" ||
		fm_die "unsupported family not reported"
	fm_sim tap b 01020304
	fm_sim polls 4
	quiet
	present 04a1b2c3 "iso14443a 04a1b2c3 04A1B2C3"
	stop_badgetest
	start_badgetest -p 14443b
	expect "READER_UNAVAILABLE"
	grep -q "cannot read any of the configured card families" "$T/log/bt.log" ||
		fm_die "reason not logged"
	alive
	fm_stop_pid "$BT_PID"
	BT_PID=""
	fm_stop_sim
}
fm_needs without_14443b clean_shutdown

# --- Keyboard-wedge readers and their layouts ---------------------------
# The same path followme-terminal takes (the reader child, the layout
# through libxkbcommon, the UID): only the evdev device is a FIFO carrying
# the kernel's struct input_event records (test builds read one; these
# machines have no uinput).  Output on fd 7, key events written to fd 6.
WEDGE_PID=""

# start_wedge ARGS...: followme-badgetest on the wedge FIFO.
start_wedge() {
	grep -q "FM_TEST_HOOKS:BOOL=ON" "$FM_BUILD/CMakeCache.txt" ||
		fm_skip "needs a build with -DFM_TEST_HOOKS=ON (scripts/test's)"
	rm -f "$T/wedge" "$T/wedge.out"
	mkfifo "$T/wedge" "$T/wedge.out"
	# Held open read-write: the reader sees a device with nothing to
	# read yet, not a writer gone.
	exec 6<> "$T/wedge"
	"$BT" -w "$T/wedge" -i hex "$@" > "$T/wedge.out" 2>> "$T/log/wedge.log" &
	WEDGE_PID=$!
	exec 7< "$T/wedge.out"
}

stop_wedge() {
	kill -TERM "$WEDGE_PID"
	wait "$WEDGE_PID" || fm_die "followme-badgetest -w exited with $?"
	WEDGE_PID=""
	exec 6>&- 7<&-
}

# wedge_expect LINE - the wedge reader's next line must be LINE.
wedge_expect() {
	local got
	read -r -t "$WAIT" got <&7 || fm_die "no wedge event; expected '$1'"
	[ "$got" = "$1" ] || fm_die "expected '$1', got '$got'"
}

# wedge_keys SPEC...: what a USB keyboard's evdev device delivers for each
# key, Tcode a tap, Scode a tap with Left Shift held (codes from
# linux/input-event-codes.h): the scan code (EV_MSC), the key, a SYN per
# press and release.
wedge_keys() {
	python3 -c '
import struct, sys, time
out = bytearray()
def edge(code, value):
    t = time.time()
    sec, usec = int(t), int((t - int(t)) * 1e6)
    for ev in ((4, 4, 0x70000 + code), (1, code, value), (0, 0, 0)):
        out.extend(struct.pack("qqHHi", sec, usec, *ev))
for spec in sys.argv[1:]:
    code = int(spec[1:])
    if spec[0] == "S":
        edge(42, 1)
    edge(code, 1)
    edge(code, 0)
    if spec[0] == "S":
        edge(42, 0)
sys.stdout.buffer.write(out)
' "$@" >&6
}

# One badge, UID 04 a1 b2 c3, as readers set for each layout type it in
# capitals: us and de press the same keys (de ends with keypad Enter); fr
# shifts every digit, and its A is the key US keyboards label Q.
BADGE_US="T11 T5 S30 T2 S48 T3 S46 T4 T28"
BADGE_DE="T11 T5 S30 T2 S48 T3 S46 T4 T96"
BADGE_FR="S11 S5 S16 S2 S48 S3 S46 S4 T28"

case_wedge_layouts() {
	local layout keys
	for layout in us fr de; do
		case $layout in
		us) keys=$BADGE_US ;; fr) keys=$BADGE_FR ;; de) keys=$BADGE_DE ;;
		esac
		start_wedge -l "$layout" -f decimal
		wedge_expect "READER_READY"
		# shellcheck disable=SC2086
		wedge_keys $keys
		wedge_expect "CARD_PRESENT wedge 04a1b2c3 77705923"
		stop_wedge
	done
}

# Read in another layout than the reader's, a badge is refused (and
# logged), not misread; the next badge in the right layout is read.
case_wedge_wrong_layout() {
	start_wedge
	wedge_expect "READER_READY"
	# shellcheck disable=SC2086
	wedge_keys $BADGE_FR
	# shellcheck disable=SC2086
	wedge_keys $BADGE_US
	wedge_expect "CARD_PRESENT wedge 04a1b2c3 04A1B2C3"
	grep -q "ignored a line that is not a card number" "$T/log/wedge.log" ||
		fm_die "the refused badge was not logged"
	stop_wedge
}

# An unknown layout is refused at once, naming it.
case_wedge_unknown_layout() {
	local rc=0
	"$BT" -w "$T/nowhere" -l qwertz > "$T/unknown.out" 2> "$T/unknown.err" || rc=$?
	[ "$rc" = 1 ] || fm_die "exit status $rc, expected 1"
	grep -q "keyboard layout 'qwertz': the XKB data (xkb-data) has no such layout" \
		"$T/unknown.err" || fm_die "no reason given: $(cat "$T/unknown.err")"
}

fm_run_cases
