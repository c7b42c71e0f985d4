#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Login timing (issue 12, item 5): how long a refused login takes must
# not tell whether the user exists, has a PIN or is disabled.  Every
# refusal of a user name and PIN at a terminal hashes the PIN as a wrong
# PIN does (PBKDF2, FM_USERS_PIN_ITERATIONS rounds), along the whole
# path a terminal uses: followmed's session, its PAM child
# (release/pamauth.c), pam_followme.so through real PAM (pam_wrapper);
# directly and through followme-pamhelper.
#
# Deterministic, not timed: fm-pbkdf2-count.so, preloaded into followmed
# and the helper, logs each PBKDF2 they run and its rounds, and every
# attempt must add exactly one line of 100000 rounds.  The times are
# printed for the record only (a shared machine makes them noisy).
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_pam_matrix fmalice:1234
SHIM="$FM_BUILD/tests/fm-pbkdf2-count.so"
LOG="$T/pbkdf2.log"
SOCK="$T/helper/pam.sock"
HELPER_PID=""
FM_DAEMONS="followme-pamhelper:HELPER_PID"
FM_CASE_VARS="MODE"
MODE=""
[ -f "$SHIM" ] || fm_die "no $SHIM"
: > "$LOG" && chown followme: "$LOG" && chmod 600 "$LOG"

# use_followmed CONF-LINE writes the rest; the CA needs server_name.
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test"
fm_ca_init
fm_admin terminal add t1 --printer ipp://localhost:9/ipp/print >/dev/null || fm_die "terminal add"
fm_admin user add fmalice >/dev/null || fm_die "user add"
fm_admin user add fmnopin >/dev/null || fm_die "user add nopin"
fm_admin user add fmoff >/dev/null || fm_die "user add off"
echo 4711 | fm_admin user set-pin fmalice >/dev/null || fm_die "set-pin"
echo 5555 | fm_admin user set-pin fmoff >/dev/null || fm_die "set-pin off"
fm_admin user disable fmoff >/dev/null || fm_die "disable"
fm_copy_pki
printf 'auth required %s/release/pam_followme.so config=%s\naccount required %s/release/pam_followme.so config=%s\n' \
	"$FM_BUILD" "$FM_CONF" "$FM_BUILD" "$FM_CONF" > "$T/pam/services/followme-pin"
chmod -R a+rX "$T/pam"
chmod a+rx "$T"
# The programs under test, with the counter preloaded after pam_wrapper.
COUNTED="$FM_PAM_ENV LD_PRELOAD=libpam_wrapper.so:$SHIM FM_TEST_PBKDF2_LOG=$LOG"

mkdir -p "$T/helper" && chmod 755 "$T/helper"
# shellcheck disable=SC2086
env $COUNTED "$FM_BUILD/release/followme-pamhelper" -s "$SOCK" -u followme -S followme-pin -t 20 \
	2>>"$T/log/helper.log" &
HELPER_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || fm_die "helper did not start"

# use_followmed direct|helper: followmed runs, checking PINs with
# pam_followme in its own PAM child, or through the helper.
use_followmed() {
	if [ "$MODE" = "$1" ] && fm_followmed_alive; then return 0; fi
	fm_stop_followmed
	local how="pam_service = followme-pin"
	[ "$1" = helper ] && how="pam_helper = $SOCK"
	fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
		"auth_max_failures = 100" "$how"
	FM_FOLLOWMED_ENV=$COUNTED
	fm_start_followmed
	MODE=$1
}

# attempt USER PIN: logs in once at t1; prints the reply (AUTH_OK, or
# AUTH_FAIL and its code), the PBKDF2 lines it added to $LOG (joined by
# commas) and the milliseconds it took.
attempt() {
	local before t0 out
	before=$(wc -l < "$LOG")
	t0=$(date +%s%N)
	out=$(printf 'hello\npin %s %s\n' "$1" "$2" | fm_term t1 | grep '^AUTH_')
	case $out in AUTH_OK*) out=AUTH_OK ;; *) out=${out%% message=*} ;; esac
	echo "$out|$(tail -n +"$((before + 1))" "$LOG" | paste -sd,)|$((($(date +%s%N) - t0) / 1000000))"
}

# check_refusals: each refusal, three rounds in turn, hashes once with
# 100000 rounds; the right PIN too.
check_refusals() {
	local round row user pin got want="AUTH_FAIL code=5|pbkdf2 100000"
	local rows="fmalice:4712 fmghost:1234 fmnopin:1234 fmoff:5555 fmalice:12 fmghost:12"
	local -A ms=()
	fm_admin auth unlock --terminal t1 >/dev/null
	for round in 1 2 3; do
		for row in $rows; do
			user=${row%%:*} pin=${row#*:}
			got=$(attempt "$user" "$pin")
			[ "${got%|*}" = "$want" ] ||
				fm_die "$1: $user with PIN $pin: '${got%|*}', expected '$want' (as a wrong PIN)"
			ms[$row]="${ms[$row]:-}${ms[$row]:+ }${got##*|}"
		done
	done
	for row in $rows; do echo "# $1: $row ${ms[$row]} ms"; done
	got=$(attempt fmalice 4711)
	[ "${got%|*}" = "AUTH_OK|pbkdf2 100000" ] || fm_die "$1: the right PIN: '${got%|*}'"
}

case_refusals_cost_the_same() {
	use_followmed direct
	check_refusals "followmed, pam_followme"
}

case_refusals_cost_the_same_through_helper() {
	use_followmed helper
	check_refusals "followmed, followme-pamhelper, pam_followme"
}

fm_run_cases
