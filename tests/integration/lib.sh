# SPDX-License-Identifier: Apache-2.0
# lib.sh - sourced by integration tests and scripts/demo: starts a private
# stack in a temporary directory -- followmed on its own state dir and a
# private cupsd (Unix socket and a loopback port) with the followme
# backend installed -- and tears it down on exit.
#
# Needs root (cupsd runs backends as lp; followmed drops to "followme"),
# FM_BUILD (the build directory) and FM_SRC (the source tree).

set -u

fm_log() { printf '%s\n' "$*" >&2; }
fm_die() { printf "FAIL: %s\n" "$*" >&2; exit 1; }

fm_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: integration tests need root (private cupsd, lp)" >&2
		exit 77
	fi
}

fm_free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# fm_setup: the temp dir T and a cleanup trap.
fm_setup() {
	fm_require_root
	: "${FM_BUILD:?FM_BUILD must name the build directory}"
	: "${FM_SRC:?FM_SRC must name the source tree}"
	T=$(mktemp -d /tmp/followme-test.XXXXXX)
	# Backends run as lp and must reach the files in here.
	chmod 755 "$T"
	mkdir -p "$T/log"
	FM_CONF="$T/followme.conf"
	FOLLOWMED_PID=""
	CUPSD_PID=""
	MFP_PID=""
	SIM_PID=""
	TMUX_SOCK=""
	TERM_PID=""
	trap fm_teardown EXIT
}

fm_teardown() {
	local rc=$?
	if [ -n "$TMUX_SOCK" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "---- terminal screen" >&2
			fm_screen >&2
			echo "---- terminal log" >&2
			tail -n 30 "$T/log/terminal.log" >&2 2>/dev/null
		fi
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	fi
	if [ -n "$TERM_PID" ]; then
		kill "$TERM_PID" 2>/dev/null && wait "$TERM_PID" 2>/dev/null
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "---- terminal log" >&2
			tail -n 30 "$T/log/terminal.log" >&2 2>/dev/null
		fi
	fi
	[ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
	# FM_EXTRA_PIDS: helpers a test started itself.
	for pid in ${FM_EXTRA_PIDS:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
	fm_stop_followmed
	fm_stop_mfp 2>/dev/null
	[ -n "$CUPSD_PID" ] && kill "$CUPSD_PID" 2>/dev/null && wait "$CUPSD_PID" 2>/dev/null
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "---- followmed log" >&2
		tail -n 40 "$T/log/followmed.log" >&2 2>/dev/null
		echo "---- cupsd error_log (tail)" >&2
		grep -E 'followme|Job|job' "$T/log/error_log" 2>/dev/null | tail -n 40 >&2
	fi
	[ -n "${FM_KEEP:-}" ] || rm -rf "$T"
	exit "$rc"
}

# fm_write_conf [extra ini lines...]
fm_write_conf() {
	{
		echo "[server]"
		echo "state_dir = $T/state"
		echo "run_dir = $T/run"
		echo "[ingest]"
		echo "cups_user = lp"
		for line in "$@"; do echo "$line"; done
	} > "$FM_CONF"
	chmod 644 "$FM_CONF"
}

# fm_copy_pki [private]: the site CA and the terminals' certificates and
# keys, as a terminal would hold them, in $PKI ($T/pki), readable by the
# test clients; with "private", keys closed to others, as
# followme-terminal insists (a terminal's key is its identity).
fm_copy_pki() {
	PKI="$T/pki"
	mkdir -p "$PKI" && cp "$T/state/pki/ca.crt" "$T/state/pki/terminals/"* "$PKI/" &&
		chmod -R a+r "$PKI" || fm_die "cannot copy the terminal PKI"
	if [ "${1:-}" = private ]; then chmod o-rwx "$PKI"/*.key; fi
}

fm_start_followmed() {
	local before
	[ -f "$FM_CONF" ] || fm_write_conf
	touch "$T/log/followmed.log"
	before=$(wc -l < "$T/log/followmed.log")
	# FM_FOLLOWMED_ENV: extra environment (e.g. pam_wrapper's).
	# shellcheck disable=SC2086
	env ${FM_FOLLOWMED_ENV:-} "$FM_BUILD/release/followmed" -f -d -c "$FM_CONF" \
		>>"$T/log/followmed.log" 2>&1 &
	FOLLOWMED_PID=$!
	for _ in $(seq 1 100); do
		tail -n +"$((before + 1))" "$T/log/followmed.log" | grep -q ' ready: ' && return 0
		kill -0 "$FOLLOWMED_PID" 2>/dev/null || fm_die "followmed exited at start"
		sleep 0.1
	done
	fm_die "followmed did not become ready"
}

fm_stop_followmed() {
	if [ -n "${FOLLOWMED_PID:-}" ]; then
		kill "$FOLLOWMED_PID" 2>/dev/null
		wait "$FOLLOWMED_PID" 2>/dev/null
		FOLLOWMED_PID=""
	fi
}

fm_followmed_alive() {
	[ -n "$FOLLOWMED_PID" ] && kill -0 "$FOLLOWMED_PID" 2>/dev/null
}

# fm_start_cupsd: private cupsd with the followme backend and policy.
fm_start_cupsd() {
	local c="$T/cups" d
	CUPS_PORT=$(fm_free_port) || fm_die "no free port"
	mkdir -p "$c/conf" "$c/spool" "$c/cache" "$c/state" "$c/bin/backend"
	for d in daemon filter cgi-bin driver monitor notifier; do
		ln -s "/usr/lib/cups/$d" "$c/bin/$d"
	done
	# cupsd refuses backends that are group/other-writable; 0755 makes
	# it run ours as lp, as in production.
	install -m 0755 "$FM_BUILD/spooler/followme" "$c/bin/backend/followme"
	# The ipp backend too, for queues that lead to the stand-in MFP.
	ln -s /usr/lib/cups/backend/ipp "$c/bin/backend/ipp"
	cat > "$T/cups-files.conf" <<CONF
ServerRoot $c/conf
RequestRoot $c/spool
CacheDir $c/cache
StateDir $c/state
ServerBin $c/bin
DataDir /usr/share/cups
ErrorLog $T/log/error_log
AccessLog $T/log/access_log
PageLog $T/log/page_log
User lp
Group lp
SystemGroup root
FileDevice Yes
SetEnv FOLLOWME_CONF $FM_CONF
CONF
	cat > "$T/cupsd.conf" <<CONF
Listen $T/cups.sock
Listen 127.0.0.1:$CUPS_PORT
Browsing No
WebInterface No
LogLevel debug
MaxLogSize 0
JobRetryInterval 2
JobRetryLimit 1000
PreserveJobHistory Yes
DefaultAuthType Basic
# PeerCred needs a matching Location (cupsd's "best" location).
<Location />
Order allow,deny
Allow all
</Location>
<Policy default>
<Limit All>
Order deny,allow
</Limit>
</Policy>
CONF
	cat "$FM_SRC/dist/cups/followme-policy.conf" >> "$T/cupsd.conf"
	cupsd -t -c "$T/cupsd.conf" -s "$T/cups-files.conf" >/dev/null 2>&1 ||
		fm_die "cupsd rejects the test configuration"
	cupsd -f -c "$T/cupsd.conf" -s "$T/cups-files.conf" &
	CUPSD_PID=$!
	export CUPS_SERVER="$T/cups.sock"
	# Ready means it answers a real request, not just that it runs.
	for _ in $(seq 1 100); do
		lpstat -r >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fm_die "cupsd did not start"
}

fm_cupsd_alive() {
	[ -n "$CUPSD_PID" ] && kill -0 "$CUPSD_PID" 2>/dev/null
}

# fm_add_queues: "followme" (raw) and "followme-pdf", with the policy.
fm_add_queues() {
	"$FM_SRC/dist/followme-setup-queue" --cupsd-conf "$T/cupsd.conf" \
		--ppd "$FM_SRC/dist/cups/followme-pdf.ppd" >/dev/null ||
		fm_die "queue setup failed"
}

fm_admin() {
	"$FM_BUILD/admin/followme-admin" -c "$FM_CONF" "$@"
}

# fm_lp_as USER lp-args... : submit as a local user (PeerCred).
fm_lp_as() {
	local user=$1
	shift
	# setpriv, not su: arguments pass through untouched by any shell.
	setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
		env HOME=/ CUPS_SERVER="$CUPS_SERVER" lp "$@"
}

# fm_cups_job_id "request id is q-12 (1 file(s))" -> 12
fm_cups_job_id() { sed -n 's/^request id is .*-\([0-9]*\) .*/\1/p'; }

# fm_wait_cups_job ID STATE-WORD [seconds]: until lpstat shows the job in
# completed (or not-completed) jobs.
fm_wait_job_completed() {
	local id=$1 secs=${2:-30}
	for _ in $(seq 1 $((secs * 10))); do
		lpstat -W completed -o 2>/dev/null | grep -q -- "-$id " && return 0
		sleep 0.1
	done
	return 1
}

# fm_job_state ID: CUPS job-state keyword (pending, held, processing,
# stopped, canceled, aborted, completed) via ipptool.
fm_job_state() {
	local id=$1
	cat > "$T/gja.test" <<TEST
{
	OPERATION Get-Job-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri \$uri
	ATTR integer job-id $id
	ATTR name requesting-user-name root
	ATTR keyword requested-attributes job-state
	DISPLAY job-state
}
TEST
	ipptool -c "ipp://127.0.0.1:$CUPS_PORT/printers/followme" "$T/gja.test" 2>/dev/null |
		tail -n 1
}

# fm_held_count USER: number of held jobs of USER in the store.
fm_held_count() {
	fm_admin jobs list --user "$1" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

fm_check_alive() {
	fm_followmed_alive || fm_die "followmed died"
	fm_cupsd_alive || fm_die "cupsd died"
}

# fm_unseal SPOOL_FILE UUID SEQ: decrypt a held document to stdout, as the
# daemon's user (the spool is 0700 and must stay so).
fm_unseal() {
	setpriv --reuid=followme --regid="$(id -g followme)" --clear-groups \
		"$FM_BUILD/tests/fm-unseal" "$T/state" "$@"
}

# fm_pam_matrix "user:secret" ...: a PAM service "followme" for followmed
# through pam_wrapper and pam_matrix (no root, no real accounts touched).
fm_pam_matrix() {
	local mod entry
	mod=$(pkg-config --variable=modules pam_wrapper)
	mkdir -p "$T/pam/services"
	: > "$T/pam/passdb"
	for entry in "$@"; do echo "$entry:followme" >> "$T/pam/passdb"; done
	printf 'auth required %s/pam_matrix.so passdb=%s\naccount required %s/pam_matrix.so passdb=%s\n' \
		"$mod" "$T/pam/passdb" "$mod" "$T/pam/passdb" > "$T/pam/services/followme"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$T/pam/services/other"
	chmod -R a+rX "$T/pam"
	# pam_wrapper dlopens libpam with RTLD_DEEPBIND, which ASan refuses;
	# 1.1.4 turns that off with UID_WRAPPER_DISABLE_DEEPBIND (sic).
	FM_FOLLOWMED_ENV="LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam/services UID_WRAPPER_DISABLE_DEEPBIND=1 ASAN_OPTIONS=verify_asan_link_order=0"
}

# fm_hold N USER [TITLE]: hold a job straight through the backend, as lp.
fm_hold() {
	local n=$1 user=$2 title=${3:-Job $1}
	[ -f "$T/hold.pdf" ] || { head -c 3000 /dev/urandom > "$T/hold.pdf"; chmod 644 "$T/hold.pdf"; }
	setpriv --reuid=lp --regid="$(id -g lp)" --clear-groups \
		env -i FOLLOWME_CONF="$FM_CONF" TMPDIR=/tmp CONTENT_TYPE=application/pdf \
		"$FM_BUILD/spooler/followme" "$n" "$user" "$title" 1 \
		"job-uuid=urn:uuid:$(printf '%08d' "$n")-0000-0000-0000-000000000000" \
		"$T/hold.pdf" 2>/dev/null || fm_die "backend refused job $n"
}

# fm_start_mfp [CMD-SLEEP]: ippeveprinter as the stand-in MFP on a free
# port, with a private D-Bus (it needs one).  Its print command reports
# the impressions (qpdf pages x copies) and keeps what it printed in
# $T/mfp/printed/ in arrival order.  Sets MFP_URI.
fm_start_mfp() {
	local sleep_s=${1:-0}
	mkdir -p "$T/mfp/spool" "$T/mfp/printed"
	# Its std streams must not hold our caller's pipes open.
	dbus-daemon --session --address="unix:path=$T/mfp/dbus.sock" --fork \
		--print-pid > "$T/mfp/dbus.pid" 2>/dev/null </dev/null
	cat > "$T/mfp/print-cmd" <<CMD
#!/bin/sh
# Stand-in MFP: count, keep, report.
n=\$(qpdf --show-npages "\$1" 2>/dev/null || echo 1)
c=\${IPP_COPIES:-1}
sleep $sleep_s
cp "\$1" "$T/mfp/printed/\$(date +%s%N)"
echo "ATTR: job-impressions=\$((n * c))" >&2
echo "ATTR: job-impressions-completed=\$((n * c))" >&2
CMD
	chmod 755 "$T/mfp/print-cmd"
	MFP_PORT=$(fm_free_port) || fm_die "no free port"
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/mfp/dbus.sock" \
		ippeveprinter -p "$MFP_PORT" -r off -n localhost \
		-f application/pdf,application/postscript,image/pwg-raster \
		-2 -k -d "$T/mfp/spool" -c "$T/mfp/print-cmd" "Followme Test MFP" \
		> "$T/log/mfp.log" 2>&1 &
	MFP_PID=$!
	MFP_URI="ipp://localhost:$MFP_PORT/ipp/print"
	for _ in $(seq 1 100); do
		ipptool -q "$MFP_URI" get-printer-attributes.test 2>/dev/null && return 0
		sleep 0.1
	done
	fm_die "ippeveprinter did not start"
}

fm_stop_mfp() {
	[ -n "${MFP_PID:-}" ] && kill "$MFP_PID" 2>/dev/null && wait "$MFP_PID" 2>/dev/null
	[ -f "$T/mfp/dbus.pid" ] && kill "$(cat "$T/mfp/dbus.pid")" 2>/dev/null
	MFP_PID=""
}

# --- the simulated badge reader and the terminal screen -------------------

# fm_start_sim: fm-pn532-sim on $T/ttyPN532 (libnfc connstring
# pn532_uart:$T/ttyPN532); commands go to fd 7, answers come on fd 8.
fm_start_sim() {
	local line
	rm -f "$T/sim.in" "$T/sim.out" "$T/ttyPN532"
	mkfifo "$T/sim.in" "$T/sim.out"
	"$FM_BUILD/tests/fm-pn532-sim" ${FM_SIM_TRACE:+-v} "$T/ttyPN532" < "$T/sim.in" > "$T/sim.out" \
		2>> "$T/log/sim.log" &
	SIM_PID=$!
	exec 7> "$T/sim.in" 8< "$T/sim.out"
	read -r -t 15 line <&8 || fm_die "simulator did not start"
	[ "$line" = "ok ready" ] || fm_die "simulator said '$line'"
}

# fm_sim COMMAND...: one simulator command, waiting until it took effect.
fm_sim() {
	local line
	echo "$*" >&7
	read -r -t 15 line <&8 || fm_die "simulator: no answer to '$*'"
	echo "$(date +%T.%N) $* -> $line" >> "$T/log/simcmd.log"
	case "$line" in ok*) ;; *) fm_die "simulator: '$*' answered '$line'" ;; esac
}

# fm_tap UID: a card held on the reader until the terminal saw it, then
# taken away until the reader saw that too (it debounces: a card lifted
# for less than two polls is the same tap).
fm_tap() {
	fm_sim tap "$1"
	fm_sim polls 3
	fm_sim remove
	fm_sim polls 3
}

# fm_start_screen CMD...: CMD in a detached 80x24 tmux session, UTF-8.
fm_start_screen() {
	local try
	TMUX_SOCK="$T/tmux.sock"
	# A server still going away on the same socket makes the first try
	# fail ("server exited unexpectedly"): try again.
	for try in 1 2 3; do
		tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s fm -x 80 -y 24 \
			env LANG=C.UTF-8 TERM=screen "$@" 2>>"$T/log/tmux.log" && return 0
		sleep 0.5
	done
	fm_die "tmux did not start: $(tail -n 1 "$T/log/tmux.log")"
}

# fm_screen: what the screen shows now, as text.
fm_screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t fm 2>/dev/null; }

# fm_keys KEY...: type keys (tmux send-keys names: Enter, Up, BSpace...).
fm_keys() { tmux -S "$TMUX_SOCK" send-keys -t fm "$@"; }

# fm_wait_screen REGEX [SECONDS]: until the screen matches; fails with
# the screen shown.
fm_wait_screen() {
	local i
	for i in $(seq 1 $((${2:-20} * 20))); do
		fm_screen | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	fm_die "screen never showed /$1/"
}

# fm_terminal_conf NAME SERVER-NAME [LINES...]: $T/terminal.conf for
# terminal NAME (its certificate in $PKI) against followmed on $PORT,
# reading the simulated PN532; LINES (sections included) are appended.
fm_terminal_conf() {
	local name=$1 server=$2 line
	shift 2
	{
		echo "[server]"
		echo "address = 127.0.0.1:$PORT"
		echo "server_name = $server"
		echo "ca = $PKI/ca.crt"
		echo "certificate = $PKI/$name.crt"
		echo "key = $PKI/$name.key"
		echo "[reader]"
		echo "type = nfc"
		echo "connstring = pn532_uart:$T/ttyPN532"
		for line in "$@"; do echo "$line"; done
	} > "$T/terminal.conf"
}
