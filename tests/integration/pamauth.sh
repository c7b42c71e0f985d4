#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# PIN and password checks through real PAM (pam_wrapper + pam_matrix):
# right and wrong secrets, an account PAM refuses, a stack that hangs is
# cut off at the deadline; and pam_followme.so checking print PINs set
# with followme-admin against the store.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"

SEC=/usr/lib/x86_64-linux-gnu/security
[ -d "$SEC" ] || SEC=$(dirname "$(find /usr/lib /lib -name pam_exec.so 2>/dev/null | head -n 1)")
fm_pam_matrix alice:1234 bob:s3cret:otherservice
printf 'auth required %s/pam_exec.so /bin/sleep 30\naccount required %s/pam_matrix.so passdb=%s\n' \
	"$SEC" "$(pkg-config --variable=modules pam_wrapper)" "$T/pam/passdb" > "$T/pam/services/slow"

check() { # check SERVICE USER SECRET
	# shellcheck disable=SC2086
	printf '%s\n' "$3" | env $FM_PAM_ENV "$FM_BUILD/tests/fm-pamcheck" "$1" "$2" 3000
}

# pam_followme.so: print PINs set with followme-admin, checked against
# the store by the module, as followmed's user.
fm_write_conf
mkdir -p "$T/state" && chown followme: "$T/state" && chmod 700 "$T/state"
fm_admin user add fmalice >/dev/null || fm_die "user add"
fm_admin user add fmbob >/dev/null || fm_die "user add bob"
echo 4711 | fm_admin user set-pin fmalice >/dev/null || fm_die "set-pin"
fm_admin user disable fmbob >/dev/null || fm_die "disable"
echo 5555 | fm_admin user set-pin fmbob >/dev/null || fm_die "set-pin bob"
printf 'auth required %s/release/pam_followme.so config=%s\naccount required %s/release/pam_followme.so config=%s\n' \
	"$FM_BUILD" "$FM_CONF" "$FM_BUILD" "$FM_CONF" > "$T/pam/services/followme-pin"
chmod -R a+rX "$T"
pincheck() { # pincheck USER PIN, as followme
	# shellcheck disable=SC2086
	printf '%s\n' "$2" | fm_as followme env $FM_PAM_ENV \
		"$FM_BUILD/tests/fm-pamcheck" followme-pin "$1" 5000
}

case_right_pin() {
	out=$(check followme alice 1234) || fm_die "right PIN refused: $out"
	case "$out" in "ok alice "*) ;; *) fm_die "right PIN: $out" ;; esac
}

case_wrong_pin() {
	out=$(check followme alice 9999) && fm_die "wrong PIN accepted"
	case "$out" in "denied "*) ;; *) fm_die "wrong PIN: $out" ;; esac
}

# An unknown user, and an account PAM refuses for this service.
case_unknown_user_and_refused_account() {
	out=$(check followme nobody 1234) && fm_die "unknown user accepted"
	case "$out" in "denied "*) ;; *) fm_die "unknown user: $out" ;; esac
	out=$(check followme bob s3cret) && fm_die "bob accepted for followme"
	case "$out" in "account refused "* | "denied "*) ;; *) fm_die "bob: $out" ;; esac
}

case_empty_pin() {
	out=$(check followme alice "") && fm_die "empty PIN accepted"
	return 0
}

# A hanging PAM stack is cut off at the deadline.
case_hanging_stack() {
	out=$(check slow alice 1234) && fm_die "hanging stack accepted"
	ms=${out##* }
	case "$out" in "unavailable "*) ;; *) fm_die "hanging stack: $out" ;; esac
	[ "$ms" -ge 2900 ] && [ "$ms" -lt 6000 ] || fm_die "hanging stack cut off after $ms ms, expected ~3000"
	echo "# cut off after $ms ms"
}

# followme-admin refuses a 2-digit print PIN.
case_short_pin_refused() {
	echo 12 | fm_admin user set-pin fmbob >/dev/null 2>&1 && fm_die "a 2-digit PIN was accepted"
	return 0
}

# pam_followme.so: right, wrong, unknown and disabled.
case_pam_followme() {
	out=$(pincheck fmalice 4711) || fm_die "pam_followme refused the right PIN: $out"
	case "$out" in "ok fmalice "*) ;; *) fm_die "pam_followme right PIN: $out" ;; esac
	out=$(pincheck fmalice 4712) && fm_die "pam_followme accepted a wrong PIN"
	case "$out" in "denied "*) ;; *) fm_die "pam_followme wrong PIN: $out" ;; esac
	out=$(pincheck nobody 4711) && fm_die "pam_followme accepted an unknown user"
	out=$(pincheck fmbob 5555) && fm_die "pam_followme accepted a disabled user"
	case "$out" in "account refused "* | "denied "*) ;; *) fm_die "pam_followme disabled user: $out" ;; esac
}

# The module's prompt is in the language of the program that loads it
# (LANGUAGE=fr with C.UTF-8: no locale to generate).
case_pam_followme_prompt_in_french() {
	# shellcheck disable=SC2086
	out=$(printf '4711\n' | fm_as followme env $FM_PAM_ENV LANG=C.UTF-8 LANGUAGE=fr \
		"$FM_BUILD/tests/fm-pamprompt" followme-pin fmalice) || fm_die "in French: $out"
	[ "$out" = "$(printf 'prompt: Code PIN : \nok')" ] || fm_die "prompt not in French: $out"
	# shellcheck disable=SC2086
	out=$(printf '4711\n' | fm_as followme env $FM_PAM_ENV LANG=C.UTF-8 \
		"$FM_BUILD/tests/fm-pamprompt" followme-pin fmalice) || fm_die "in English: $out"
	[ "$out" = "$(printf 'prompt: PIN: \nok')" ] || fm_die "prompt: $out"
}
fm_needs pam_followme_prompt_in_french pam_followme

# pam_followme.so runs inside other programs (su, sudo, screen lockers):
# FOLLOWME_CONF in their environment must not point it at a store of the
# caller's, holding a PIN the caller chose (issue 12).  The service names
# no config=, so only the default configuration may count.
case_pam_followme_ignores_environment() {
	mkdir -p "$T/evil/state" && chown followme: "$T/evil/state" && chmod 700 "$T/evil/state"
	printf '[server]\nstate_dir = %s/evil/state\nrun_dir = %s/evil/run\n' "$T" "$T" > "$T/evil/followme.conf"
	chmod -R a+rX "$T/evil"
	"$FM_BUILD/admin/followme-admin" -c "$T/evil/followme.conf" user add fmalice >/dev/null || fm_die "evil user add"
	echo 2468 | "$FM_BUILD/admin/followme-admin" -c "$T/evil/followme.conf" user set-pin fmalice >/dev/null ||
		fm_die "evil set-pin"
	printf 'auth required %s/release/pam_followme.so\naccount required %s/release/pam_followme.so\n' \
		"$FM_BUILD" "$FM_BUILD" > "$T/pam/services/followme-pin-default"
	chmod a+r "$T/pam/services/followme-pin-default"
	# shellcheck disable=SC2086
	out=$(printf '2468\n' | fm_as followme env $FM_PAM_ENV FOLLOWME_CONF="$T/evil/followme.conf" \
		"$FM_BUILD/tests/fm-pamcheck" followme-pin-default fmalice 5000) &&
		fm_die "pam_followme took its store from FOLLOWME_CONF: $out"
	case "$out" in ok*) fm_die "pam_followme took its store from FOLLOWME_CONF: $out" ;; esac
	# config= is the way to name another configuration.
	out=$(printf '2468\n' | fm_as followme env $FM_PAM_ENV "$FM_BUILD/tests/fm-pamcheck" followme-pin fmalice 5000) &&
		fm_die "the evil PIN works in the real store: $out"
	return 0
}

# followme-pamhelper's own attempt limit (issue 12, item 10): whatever
# followmed does, past -m checks that did not end well in -w seconds the
# helper answers "unavailable" without running PAM, the right password
# too; successes do not count; after the window it checks again.  The
# helper is the real one, on pam_matrix through pam_wrapper, with a
# socket of its own, stopped by pid at the end.
case_helper_attempt_limit() {
	local sock="$T/lhelper/pam.sock" pid i out t0 t1
	mkdir -p "$T/lhelper" && chmod 755 "$T/lhelper"
	# shellcheck disable=SC2086
	env $FM_PAM_ENV "$FM_BUILD/release/followme-pamhelper" -s "$sock" -u followme -S followme \
		-m 3 -w 10 2>>"$T/log/lhelper.log" &
	pid=$!
	FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $pid"
	for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
	[ -S "$sock" ] || fm_die "helper did not start"
	hcheck() { printf '%s\n' "$2" | fm_as followme "$FM_BUILD/tests/fm-pamcheck" followme "$1" 15000 "$sock" | cut -d' ' -f1; }
	for i in 1 2 3 4 5; do
		[ "$(hcheck alice 1234)" = ok ] || fm_die "right PIN $i refused: successes must not count"
	done
	t0=$(date +%s)
	for i in 1 2 3; do
		[ "$(hcheck alice 99$i)" = denied ] || fm_die "wrong PIN $i not denied"
	done
	out=$(hcheck alice 1234)
	[ "$out" = unavailable ] || fm_die "after 3 failures the helper still checks: '$out'"
	t1=$(date +%s)
	[ $((t1 - t0)) -lt 9 ] || fm_skip "the failures took longer than the window"
	[ "$(grep -c "ok for alice" "$T/log/lhelper.log")" -eq 5 ] || fm_die "PAM ran past the limit"
	grep -q "attempt limit: 3 failed or running checks in the last 10 s; refusing checks" "$T/log/lhelper.log" ||
		fm_die "the refusal is not logged"
	# The last failure was counted by t1: the window has passed at t1+11.
	sleep $((t1 + 11 - $(date +%s)))
	out=$(hcheck alice 1234)
	[ "$out" = ok ] || fm_die "after the window the helper does not check again: '$out'"
	grep -q "attempt limit: checking again, after refusing 1" "$T/log/lhelper.log" ||
		fm_die "the end of the refusals is not logged"
	fm_stop_pid "$pid"
}

fm_run_cases
