#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's order: followmed first, the site CA after.  followmed
# starts its release service as soon as `ca init` has made the server
# certificate, with no restart; SIGHUP reads the configuration again
# (issue 12, item 20).
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
conf() { # conf PORT [LINE...]: followme.conf listening on PORT
	local port=$1
	shift
	fm_write_conf "[release]" "listen = 127.0.0.1:$port" \
		"server_name = followme-test" "$@"
}
conf "$PORT"
fm_start_followmed

# wait_log PATTERN: followmed logs it within 10 s.
wait_log() {
	for _ in $(seq 1 100); do
		grep -q -- "$1" "$T/log/followmed.log" && return 0
		sleep 0.1
	done
	fm_die "followmed did not log '$1': $(tail -5 "$T/log/followmed.log")"
}

# hello_ok: terminal t1 is served on $PORT.
hello_ok() {
	printf 'hello\n' | fm_term t1 | grep -q "^HELLO_OK terminal=t1"
}

# No CA yet: the service is off and says what turns it on; then `ca
# init` (which says what happens next) and a terminal, and the terminal
# is served without touching followmed.
case_ca_init_after_start() {
	grep -q "release service off: .*followme-admin ca init" "$T/log/followmed.log" ||
		fm_die "no word of what turns the release service on"
	mkdir -p "$T/state" && chown followme: "$T/state"
	fm_admin ca init >"$T/ca-init" || fm_die "ca init"
	grep -q "starts its release service within a few seconds" "$T/ca-init" ||
		fm_die "ca init does not say what happens next: $(cat "$T/ca-init")"
	grep -q "terminal add" "$T/ca-init" || fm_die "ca init does not name the next step"
	fm_admin terminal add t1 --printer mfp1 >/dev/null || fm_die "terminal add"
	fm_copy_pki
	wait_log "release service on 127.0.0.1:$PORT"
	hello_ok || fm_die "the terminal is not served after ca init"
	fm_followmed_alive || fm_die "followmed died"
}

# SIGHUP: a new listen address is taken at once; a file that does not
# load keeps the running configuration; what start-up fixed waits for a
# restart, and says so.
case_sighup_reloads() {
	local old=$PORT
	PORT=$(fm_free_port) || fm_die "no free port"
	conf "$PORT"
	kill -HUP "$FOLLOWMED_PID"
	wait_log "release service on 127.0.0.1:$PORT"
	hello_ok || fm_die "not served on the new address after SIGHUP"
	if (PORT=$old hello_ok); then fm_die "still served on the old address"; fi

	echo "no_such_setting = 1" >>"$FM_CONF"
	kill -HUP "$FOLLOWMED_PID"
	wait_log "reload: .*the running configuration stays"
	fm_followmed_alive || fm_die "a bad file on SIGHUP stopped followmed"
	hello_ok || fm_die "a bad file on SIGHUP stopped the service"

	conf "$PORT"
	sed -i "s|^state_dir = .*|state_dir = $T/elsewhere|" "$FM_CONF"
	kill -HUP "$FOLLOWMED_PID"
	wait_log "reload: state_dir changes only at a restart"
	hello_ok || fm_die "not served after a reload that changed state_dir"
	[ ! -e "$T/elsewhere" ] || fm_die "a reload moved the state"
}

fm_run_cases
