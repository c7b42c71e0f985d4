#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Attacks on terminal logins (issue 12), against followmed on loopback
# with real PAM (pam_wrapper): bursts of wrong PINs in parallel on one
# terminal certificate and on several, the right PIN inside such a burst,
# and wrong PINs under random names that must slow down PIN logins at
# the terminal without blocking its badges.  Every burst is bounded (a
# few dozen connections, each with one request) and waited for by pid.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"session_timeout = 30s" "auth_max_failures = 3" "auth_lockout = 10m" "pam_timeout = 10s"
fm_pam_matrix fmalice:1234 fmbob:5678
# While $T/pam/slow exists, every check takes 3 s (as pam_unix does after
# a failure, or a slow directory): bursts then overlap for certain.
SEC=/usr/lib/x86_64-linux-gnu/security
[ -d "$SEC" ] || SEC=$(dirname "$(find /usr/lib /lib -name pam_exec.so 2>/dev/null | head -n 1)")
printf '#!/bin/sh\n[ -e %s/pam/slow ] && sleep 3\nexit 0\n' "$T" > "$T/pam/slow.sh"
chmod 755 "$T/pam/slow.sh"
{
	printf 'auth optional %s/pam_exec.so quiet %s/pam/slow.sh\n' "$SEC" "$T"
	cat "$T/pam/services/followme"
} > "$T/pam/services/followme.new" && mv "$T/pam/services/followme.new" "$T/pam/services/followme"
chmod -R a+rX "$T/pam"

fm_ca_init
for t in t1 t2 t3 t4 t5 t6; do
	fm_admin terminal add "$t" --printer "mfp-$t" >/dev/null || fm_die "terminal add $t"
done
fm_admin user add fmalice >/dev/null || fm_die "user add"
fm_admin badge add fmalice 0A0B0C0D >/dev/null || fm_die "badge add"
fm_copy_pki
fm_start_followmed

# burst DIR TERMINAL USER PIN...: one connection per PIN, all at once,
# each logging in once as USER at TERMINAL; their replies in DIR/N.
burst() {
	local dir=$1 term=$2 user=$3 n=0 pin
	shift 3
	mkdir -p "$dir"
	for pin in "$@"; do
		n=$((n + 1))
		printf 'hello\npin %s %s\n' "$user" "$pin" | fm_term "$term" > "$dir/$n" 2>&1 &
		echo $! >> "$dir/pids"
	done
}

# burst_wait DIR: until every connection of the burst ended (each is
# bounded by followmed's answer and fm-term's 20 s reply timeout).
burst_wait() {
	local pid
	for pid in $(cat "$1/pids"); do wait "$pid" 2>/dev/null || true; done
}

# unlock_all: the store forgets every failure, so that each case starts
# clean whatever the one before left (its checks have all settled).
unlock_all() {
	local t
	for t in t1 t2 t3 t4 t5 t6; do fm_admin auth unlock --terminal "$t" >/dev/null; done
	fm_admin auth unlock --user fmalice >/dev/null
	fm_admin auth unlock --user fmbob >/dev/null
}

# 20 wrong PINs in parallel on one terminal certificate: one check at a
# time runs there, and no more than auth_max_failures are checked at all;
# the others are told to wait, none is told "wrong PIN" beyond the limit.
case_parallel_burst_one_terminal() {
	local pins=() i answered wrong
	unlock_all
	for i in $(seq 1 20); do pins+=("$((1000 + i))"); done
	touch "$T/pam/slow"
	burst "$T/b1" t1 fmbob "${pins[@]}"
	burst_wait "$T/b1"
	rm -f "$T/pam/slow"
	answered=$(cat "$T"/b1/[0-9]* | grep -c "^AUTH_FAIL")
	wrong=$(cat "$T"/b1/[0-9]* | grep -c "^AUTH_FAIL code=5")
	echo "# $answered answered, $wrong checked and wrong"
	[ "$answered" -ge 4 ] || fm_die "only $answered of 20 connections answered"
	[ "$wrong" -ge 1 ] && [ "$wrong" -le 3 ] ||
		fm_die "$wrong wrong PINs checked in a burst, at most 3 allowed"
	if cat "$T"/b1/[0-9]* | grep "^AUTH" | grep -v "^AUTH_FAIL code=[56] " | grep -q .; then
		fm_die "unexpected answers: $(cat "$T"/b1/[0-9]* | grep "^AUTH" | sort | uniq -c)"
	fi
	unlock_all
}

# Wrong PINs in parallel from five terminals, then the right one while
# they are being checked: the attempts are counted before PAM runs, so
# the burst used up the user's attempts and the right PIN is refused.
case_right_pin_inside_burst() {
	local wrong
	unlock_all
	touch "$T/pam/slow"
	for t in t2 t3 t4 t5 t6; do burst "$T/b2/$t" "$t" fmalice 1111 2222; done
	sleep 1.5
	out=$(printf 'hello\npin fmalice 1234\n' | fm_term t1)
	for t in t2 t3 t4 t5 t6; do burst_wait "$T/b2/$t"; done
	rm -f "$T/pam/slow"
	echo "$out" | tail -n 1 | grep -q "^AUTH_FAIL code=6 retry_after=[0-9]* message=Too many failed attempts" ||
		fm_die "the right PIN inside a burst of wrong ones: $out"
	wrong=$(cat "$T"/b2/*/[0-9]* | grep -c "^AUTH_FAIL code=5")
	[ "$wrong" -le 3 ] || fm_die "$wrong wrong PINs checked for one user, at most 3 allowed"
	unlock_all
	printf 'hello\npin fmalice 1234\n' | fm_term t1 | grep -q "^AUTH_OK user=fmalice" ||
		fm_die "no login after the unlock"
}

# Wrong PINs under random names at one terminal slow down its PIN logins
# (a wait that grows), but never block a badge there, alone or with its
# PIN; once the wait is over, PINs are checked again.
case_wrong_pins_do_not_block_badges() {
	local after
	unlock_all
	out=$(printf 'hello\npin rnd1 1111\npin rnd2 1111\npin rnd3 1111\npin rnd4 1111\npin rnd5 1111\nbadge 0a0b0c0d\nbadgepin 0a0b0c0d 1234\n' | fm_term t1)
	echo "$out" > "$T/out3"
	[ "$(grep -c "^AUTH_FAIL code=5" "$T/out3")" -ge 3 ] || fm_die "wrong PINs: $out"
	grep -q "^AUTH_FAIL code=6 retry_after=[0-9]* message=Too many failed logins at this terminal" "$T/out3" ||
		fm_die "PIN logins at the terminal not slowed down: $out"
	sed -n 8p "$T/out3" | grep -q "^AUTH_OK user=fmalice" ||
		fm_die "a badge was blocked by wrong PINs typed at the terminal: $out"
	sed -n 9p "$T/out3" | grep -q "^AUTH_OK user=fmalice" ||
		fm_die "a badge with its PIN was blocked by wrong PINs typed at the terminal: $out"
	# The wait runs out: a PIN is checked again, and the next wait is
	# longer.
	after=$(grep -o "retry_after=[0-9]*" "$T/out3" | tail -n 1 | cut -d= -f2)
	[ "$after" -le 10 ] || fm_die "first waits should be short: $out"
	sleep "$((after + 1))"
	out=$(printf 'hello\npin rnd6 1111\npin rnd7 1111\nbadge 0a0b0c0d\n' | fm_term t1)
	echo "$out" | sed -n 3p | grep -q "^AUTH_FAIL code=5" || fm_die "PIN not checked after the wait: $out"
	echo "$out" | sed -n 4p | grep -q "^AUTH_FAIL code=6 retry_after=" || fm_die "no wait after another failure: $out"
	echo "$out" | sed -n 5p | grep -q "^AUTH_OK user=fmalice" || fm_die "badge blocked: $out"
	# Another terminal is not concerned.
	printf 'hello\npin fmalice 1234\n' | fm_term t2 | grep -q "^AUTH_OK user=fmalice" ||
		fm_die "another terminal was slowed down"
	unlock_all
}

# The lockout of a user stays: after auth_max_failures wrong PINs, the
# right one is refused at any terminal until an admin unlocks the user,
# and a login with the user's badge alone does not end it.
case_user_lockout_stays() {
	unlock_all
	out=$(printf 'hello\npin fmbob 0001\npin fmbob 0002\npin fmbob 0003\npin fmbob 5678\n' | fm_term t3)
	echo "$out" | tail -n 1 | grep -q "^AUTH_FAIL code=6 retry_after=[0-9]* message=Too many failed attempts" ||
		fm_die "no lockout of the user: $out"
	printf 'hello\npin fmbob 5678\n' | fm_term t4 | tail -n 1 | grep -q "^AUTH_FAIL code=6" ||
		fm_die "the user's lockout does not hold at another terminal"
	fm_admin auth unlock --user fmbob >/dev/null
	printf 'hello\npin fmbob 5678\n' | fm_term t4 | grep -q "^AUTH_OK user=fmbob" ||
		fm_die "no login after the unlock"
	# Whoever holds the badge cannot wipe its owner's failed PINs by
	# logging in with it between guesses.
	out=$(printf 'hello\npin fmalice 0001\npin fmalice 0002\nbadge 0a0b0c0d\npin fmalice 0003\n' | fm_term t5)
	echo "$out" | sed -n 5p | grep -q "^AUTH_OK user=fmalice" || fm_die "badge login: $out"
	out=$(printf 'hello\npin fmalice 1234\n' | fm_term t6)
	echo "$out" | tail -n 1 | grep -q "^AUTH_FAIL code=6 retry_after=[0-9]* message=Too many failed attempts" ||
		fm_die "a badge login forgot its owner's failed PINs: $out"
	unlock_all
}

fm_run_cases
