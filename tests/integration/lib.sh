# SPDX-License-Identifier: Apache-2.0
# lib.sh - the shared part of the integration tests, sourced by every
# script in tests/integration (and by scripts/demo and bench/): a private
# stack in a temporary directory $T -- followmed on its own state dir, a
# private cupsd (a Unix socket and a loopback port) with the followme
# backend installed, ippeveprinter as the MFP, the simulated PN532, a
# terminal in tmux -- torn down on exit; and the case runner.
#
# Needs root (cupsd runs backends as lp; followmed drops to "followme"),
# FM_BUILD (the build directory; ctest sets it) and FM_SRC (the source
# tree; by default the one holding this file).  FM_KEEP=1 keeps $T.
# FM_SETUP_QUEUE, FM_PPD and FM_POLICY name followme-setup-queue, the
# PDF queue's PPD and the cupsd policy when they are not dist/'s (the
# installed ones, for debian/tests).
#
# A script is its set-up, then its cases, one shell function each:
#
#	. "$(dirname "$0")/lib.sh"
#	fm_setup "$@"			# reads the case names asked for
#	fm_start_followmed		# set-up: a failure ends the script
#
#	# A retried submission of the expired job is not held again.
#	case_expired_not_held_again() {
#		hold 1 fmalice
#		[ "$(fm_held_count fmalice)" -eq 0 ] || fm_die "expired job came back"
#	}
#	fm_needs expired_not_held_again expiry	# case_expiry's job
#
#	fm_run_cases
#
# fm_run_cases runs the case_NAME functions in file order, each in a
# subshell: a failing check (fm_die, fm_skip; with "set -e", any failing
# command) ends that case at once, and the next case runs.  After each
# case it checks by pid that every daemon the script started still runs
# (followmed, cupsd, ippeveprinter, fm-pn532-sim, followme-terminal, and
# the script's own, named in FM_DAEMONS as NAME:PIDVAR); one that died
# fails the case and is named.  It prints "ok NAME", "FAIL NAME: reason"
# or "skip NAME: reason" per case, then a summary line listing the
# failures.  Exit status: 1 if a case failed, 77 if every case skipped,
# else 0.  A failure in the set-up (outside any case) ends the script.
#
# Cases share the stack and $T: a case that builds on what an earlier one
# left (held jobs and their ids, a balance, a stopped daemon) says so with
# fm_needs; a case that only needs a daemon starts it if it does not run
# (fm_ensure_followmed).  Shell variables a case sets die with its
# subshell, except the daemons' pids and addresses kept here (FM_CARRY,
# FM_DAEMONS' variables) and those a script lists in FM_CASE_VARS.
#
# Running one case: name it (or several) on the command line or in
# FM_CASES; the set-up runs as usual, then the named cases and, before
# them, the cases they need (fm_needs, transitively), in file order:
#
#	FM_BUILD=$PWD/build-gcc bash tests/integration/release_print.sh over_quota
#	cd build-gcc && FM_CASES=over_quota ctest -R integration/release_print -V
#
# "--list" prints a script's cases.

set -u

FM_SCRIPT=${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]}
declare -gA FM_NEEDS=()
FM_SELECTED=""
# Daemons the runner watches (NAME:PIDVAR) and the variables a case
# hands on to the next one.
FM_LIB_DAEMONS="followmed:FOLLOWMED_PID cupsd:CUPSD_PID ippeveprinter:MFP_PID fm-pn532-sim:SIM_PID followme-terminal:TERM_PID"
FM_CARRY="TMUX_SOCK FM_EXTRA_PIDS FM_FOLLOWMED_ENV CUPS_SERVER CUPS_PORT MFP_PORT MFP_URI PORT PKI"
FM_AT_EXIT=()

# fm_die MESSAGE: the check failed.  In a case, it ends the case (the
# runner prints MESSAGE); in the set-up, the script.
fm_die() { fm_end 1 FAIL "$*"; }

# fm_skip REASON: this case (or, in the set-up, the script) cannot run
# here.
fm_skip() { fm_end 77 SKIP "$*"; }

# fm_end STATUS WORD MESSAGE: the ending of fm_die and fm_skip.
fm_end() {
	if [ -n "${FM_CASE:-}" ]; then
		printf '%s\n' "$3" >> "$T/.case.reason"
	else
		printf '%s: %s\n' "$2" "$3" >&2
	fi
	exit "$1"
}

fm_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		fm_skip "integration tests need root (private cupsd, lp)"
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

# --- processes, by pid only -------------------------------------------------

# fm_pid_alive PID: PID runs (a zombie does not).
fm_pid_alive() {
	local stat
	[ -n "${1:-}" ] || return 1
	{ read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# fm_stop_pid PID [SIGNAL]: signal PID (TERM by default) and wait until it
# is gone, 10 s at most, then KILL it.  A process a case started is not
# this shell's child, so waiting is polling; a child is reaped as well.
# A daemon fm_watch_log watches has its log searched once it is gone
# (fm_check_log): a sanitizer's report there fails the case (the script,
# at teardown).
fm_stop_pid() {
	local pid=${1:-} sig=${2:-TERM}
	[ -n "$pid" ] || return 0
	if kill -"$sig" "$pid" 2>/dev/null; then
		for _ in $(seq 1 200); do
			fm_pid_alive "$pid" || break
			sleep 0.05
		done
		if fm_pid_alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" 2>/dev/null || true
	fm_check_log "$pid"
}

# --- sanitizer reports in the daemons' logs ---------------------------------
#
# In a sanitizer build, a daemon and its children end through
# LeakSanitizer's check (common/leakcheck.h); what it finds, and what
# AddressSanitizer finds in a child that dies of it while the daemon goes
# on, is only written to the daemon's log.  A report there, or
# LeakSanitizer saying it could not check, fails the test.

FM_SANITIZER_RE='==[0-9]+==ERROR: [A-Za-z]*Sanitizer|Sanitizer has encountered a fatal error'

# fm_watch_log NAME PID LOG FROM: PID (a daemon just started, NAME in
# messages) writes to LOG, whose lines after line FROM are its own; when
# fm_stop_pid has stopped it they are searched.  Kept in a file under $T:
# a case, which is a subshell, starts daemons too.
fm_watch_log() {
	printf '%s\n%s\n%s\n' "$1" "$3" "${4:-0}" > "$T/.watch.$2"
}

# fm_symbolize: stdin to stdout; a stack frame left as "(PROGRAM+0xOFF)"
# (a confined session cannot read its own program to name it), PROGRAM
# under $FM_BUILD, gets its function and line from llvm-symbolizer when
# there is one.
fm_symbolize() {
	local line off re='#([0-9]+) 0x[0-9a-f]+ +\((/[^+()]*)\+(0x[0-9a-f]+)\)'
	while IFS= read -r line; do
		if [[ $line =~ $re ]] && [[ ${BASH_REMATCH[2]} == "$FM_BUILD"/* ]] &&
			command -v llvm-symbolizer >/dev/null; then
			# A return address: the call is the byte before.
			off=${BASH_REMATCH[3]}
			[ "${BASH_REMATCH[1]}" -eq 0 ] || off=$(printf '0x%x' $((off - 1)))
			line="$line $(llvm-symbolizer --obj="${BASH_REMATCH[2]}" "$off" 2>/dev/null |
				head -n 2 | tr '\n' ' ')"
		fi
		printf '%s\n' "$line"
	done
}

# fm_check_log PID: if PID is watched (fm_watch_log), forget it and
# search its log.  A report fails the case (fm_die), or outside a case
# prints FAIL and sets FM_SANITIZER_FAILED, which makes the script fail
# at teardown; its first 40 lines go to stderr.
fm_check_log() {
	local f="$T/.watch.${1:-}" name log from at msg
	[ -n "${1:-}" ] && [ -f "$f" ] || return 0
	{ read -r name; read -r log; read -r from; } < "$f"
	rm -f "$f"
	at=$(tail -n +"$((from + 1))" "$log" 2>/dev/null | grep -n -m 1 -E "$FM_SANITIZER_RE") || return 0
	at=$((from + ${at%%:*}))
	msg="$name (pid $1): a sanitizer report in ${log##*/}, line $at: $(sed -n "${at}p" "$log" | cut -c 1-200)"
	{
		echo "---- ${log##*/} from line $at (40 lines at most)"
		tail -n +"$at" "$log" | head -n 40 | fm_symbolize
	} >&2
	[ -z "${FM_CASE:-}" ] || fm_die "$msg"
	echo "FAIL: $msg" >&2
	FM_SANITIZER_FAILED=1
	return 1
}

# fm_as USER[:GROUP] COMMAND...: COMMAND as USER (with USER's or GROUP's
# group, no supplementary groups).
fm_as() {
	local user=${1%%:*} group=${1#*:}
	shift
	setpriv --reuid="$user" --regid="$(id -g "$group")" --clear-groups "$@"
}

# fm_at_exit COMMAND: run COMMAND (eval'd) at teardown, after the
# processes are stopped and before $T is removed; the last added first.
fm_at_exit() { FM_AT_EXIT=("$1" "${FM_AT_EXIT[@]}"); }

# --- set-up and teardown ---------------------------------------------------

# fm_case_names: the script's cases (its case_NAME functions), in order.
fm_case_names() {
	sed -n 's/^case_\([A-Za-z0-9_]*\) *() *{.*/\1/p' "$FM_SCRIPT"
}

# fm_setup [--any-user] [--list | CASE...]: the temp dir T and a cleanup
# trap; the cases named (and FM_CASES) are the ones fm_run_cases will
# run.  --any-user: the script does not need root.
fm_setup() {
	local any_user=no arg all listed=${FM_CASES:-}
	if [ "${1:-}" = --any-user ]; then
		any_user=yes
		shift
	fi
	all=" $(fm_case_names | tr '\n' ' ') "
	for arg in "$@" ${listed//,/ }; do
		case $arg in
		--list) fm_case_names; exit 0 ;;
		-*)
			echo "usage: $FM_SCRIPT [--list | CASE...]" >&2
			exit 2 ;;
		esac
		if [[ $all != *" $arg "* ]]; then
			echo "$FM_SCRIPT: no case '$arg' (--list lists them)" >&2
			exit 2
		fi
		FM_SELECTED="$FM_SELECTED $arg"
	done
	[ "$any_user" = yes ] || fm_require_root
	: "${FM_BUILD:?FM_BUILD must name the build directory}"
	FM_BUILD=$(cd "$FM_BUILD" && pwd) || exit 2
	FM_SRC=${FM_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
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
	local rc=$? d pid f
	set +e
	trap - EXIT
	if [ -n "$TMUX_SOCK" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "---- terminal screen" >&2
			fm_screen >&2
		fi
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	fi
	fm_stop_pid "$TERM_PID"
	fm_stop_pid "$SIM_PID"
	# FM_EXTRA_PIDS: helpers a test started itself; FM_DAEMONS: its
	# own daemons.
	for pid in ${FM_EXTRA_PIDS:-}; do fm_stop_pid "$pid"; done
	for d in ${FM_DAEMONS:-}; do
		d=${d#*:}
		fm_stop_pid "${!d:-}"
	done
	fm_stop_followmed
	fm_stop_mfp 2>/dev/null
	fm_stop_pid "$CUPSD_PID"
	for d in "${FM_AT_EXIT[@]}"; do eval "$d"; done
	# A daemon that is gone by itself, or that the script started and
	# stopped without fm_stop_pid.
	for f in "$T"/.watch.*; do
		[ -f "$f" ] && fm_check_log "${f##*.}"
	done
	if [ -n "${FM_SANITIZER_FAILED:-}" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; }; then
		rc=1
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for f in "$T"/log/*.log; do
			[ -s "$f" ] || continue
			echo "---- ${f##*/} (tail)" >&2
			tail -n 40 "$f" >&2
		done
		if [ -s "$T/log/error_log" ]; then
			echo "---- cupsd error_log (tail)" >&2
			grep -E 'followme|Job|job' "$T/log/error_log" | tail -n 40 >&2
		fi
	fi
	[ -n "${FM_KEEP:-}" ] || rm -rf "$T"
	exit "$rc"
}

# --- the case runner -------------------------------------------------------

# fm_needs CASE NEEDED...: CASE builds on the state the NEEDED cases
# leave; running CASE alone runs them first.
fm_needs() {
	local c=$1
	shift
	FM_NEEDS[$c]="${FM_NEEDS[$c]:-} $*"
}

# fm_want CASE...: CASE and what it needs, transitively, into FM_WANT.
fm_want() {
	local c
	for c in "$@"; do
		[ -z "${FM_WANT[$c]:-}" ] || continue
		FM_WANT[$c]=1
		# shellcheck disable=SC2086
		fm_want ${FM_NEEDS[$c]:-}
	done
}

# fm_daemons_check: FM_DEAD names the watched daemons whose pid is set
# but that no longer run; their pids are forgotten, so that a death is
# reported once.
fm_daemons_check() {
	local d var
	FM_DEAD=""
	for d in $FM_LIB_DAEMONS ${FM_DAEMONS:-}; do
		var=${d#*:}
		[ -n "${!var:-}" ] || continue
		fm_pid_alive "${!var}" && continue
		FM_DEAD="${FM_DEAD:+$FM_DEAD, }${d%%:*} (pid ${!var}) died"
		printf -v "$var" '%s' ""
	done
}

# fm_case_exit: the EXIT trap of a case's subshell.  Hands the carried
# variables to the runner, and a reason for a failure fm_die did not
# explain.
fm_case_exit() {
	local rc=$? v decl flags
	[ "$BASHPID" = "$FM_CASE_PID" ] || return "$rc"
	set +e
	for v in $FM_CARRY ${FM_CASE_VARS:-} $FM_LIB_DAEMONS ${FM_DAEMONS:-}; do
		v=${v#*:}
		decl=$(declare -p "$v" 2>/dev/null) || continue
		flags=${decl#declare -}
		flags=${flags%% *}
		flags=${flags//[!x]/}
		printf 'declare -g%s %s=%q\n' "$flags" "$v" "${!v}"
	done > "$T/.case.vars"
	if [ "$rc" -ne 0 ] && [ ! -s "$T/.case.reason" ]; then
		echo "${FM_CASE_ERR:-exit status $rc}" > "$T/.case.reason"
	fi
}

# fm_run_case NAME: runs case_NAME in a subshell and prints its result;
# FM_RESULT is ok, fail or skip.
fm_run_case() {
	local fm_name=$1 fm_opts=$- fm_rc fm_reason
	: > "$T/.case.reason"
	rm -f "$T/.case.vars"
	set +e
	(
		FM_CASE=$fm_name
		FM_CASE_PID=$BASHPID
		trap fm_case_exit EXIT
		if [[ $fm_opts == *e* ]]; then
			set -eE
			trap 'FM_CASE_ERR="status $? from: $BASH_COMMAND"' ERR
		fi
		"case_$fm_name"
		fm_ret=$?
		# A case ends well when it ends: not by fm_die, not by a last
		# command that failed.
		[ "$fm_ret" -eq 0 ] || fm_die "its last command failed (status $fm_ret)"
	)
	fm_rc=$?
	if [ -f "$T/.case.vars" ]; then
		. "$T/.case.vars"
	fi
	fm_reason=$(tail -n 1 "$T/.case.reason")
	fm_daemons_check
	if [ -n "$FM_DEAD" ]; then
		[ "$fm_rc" -eq 0 ] && fm_reason=$FM_DEAD || fm_reason="$fm_reason; $FM_DEAD"
		fm_rc=1
	fi
	case $fm_rc in
	0) FM_RESULT=ok; echo "ok $fm_name" ;;
	77) FM_RESULT=skip; echo "skip $fm_name: $fm_reason" ;;
	*)
		FM_RESULT=fail
		echo "FAIL $fm_name: $fm_reason"
		if [ -n "$TMUX_SOCK" ]; then
			echo "---- terminal screen after $fm_name" >&2
			fm_screen >&2
		fi ;;
	esac
	[[ $fm_opts != *e* ]] || set -e
}

# fm_run_cases: runs the script's cases (see the top of this file) and
# exits with their verdict.
fm_run_cases() {
	local fm_names fm_name fm_script fm_failed="" fm_n=0 fm_skipped=0 fm_status=0
	declare -gA FM_WANT=()
	fm_names=$(fm_case_names)
	[ -n "$fm_names" ] || fm_die "$FM_SCRIPT has no case_NAME functions"
	for fm_name in $(declare -F | sed -n 's/^declare -f case_//p'); do
		grep -qx -- "$fm_name" <<<"$fm_names" ||
			fm_die "case_$fm_name is not written as 'case_$fm_name() {' at the start of a line"
	done
	for fm_name in "${!FM_NEEDS[@]}" ${FM_NEEDS[@]+${FM_NEEDS[@]}}; do
		grep -qx -- "$fm_name" <<<"$fm_names" || fm_die "fm_needs names no case '$fm_name'"
	done
	if [ -n "$FM_SELECTED" ]; then
		# shellcheck disable=SC2086
		fm_want $FM_SELECTED
	else
		for fm_name in $fm_names; do FM_WANT[$fm_name]=1; done
	fi
	for fm_name in $fm_names; do
		[ -n "${FM_WANT[$fm_name]:-}" ] || continue
		fm_n=$((fm_n + 1))
		fm_run_case "$fm_name"
		case $FM_RESULT in
		fail) fm_failed="$fm_failed $fm_name" ;;
		skip) fm_skipped=$((fm_skipped + 1)) ;;
		esac
	done
	fm_script=$(basename "$FM_SCRIPT" .sh)
	if [ -n "$fm_failed" ]; then
		echo "# $fm_script: $fm_n case(s), failed:$fm_failed"
		fm_status=1
	elif [ "$fm_skipped" -eq "$fm_n" ]; then
		echo "# $fm_script: all $fm_n case(s) skipped"
		fm_status=77
	else
		echo "# $fm_script: $((fm_n - fm_skipped)) case(s) passed, $fm_skipped skipped"
	fi
	exit "$fm_status"
}

# --- followmed and cupsd ---------------------------------------------------

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

# fm_ca_init: the state dir as followmed's, and the site CA in it (what
# the release service needs before followmed starts).
fm_ca_init() {
	mkdir -p "$T/state" && chown followme: "$T/state" && chmod 700 "$T/state"
	fm_admin ca init >/dev/null || fm_die "ca init"
}

# fm_copy_pki [private]: the site CA and the terminals' certificates and
# keys, as a terminal would hold them, in $PKI ($T/pki) as NAME.crt and
# NAME.key, readable by the test clients; with "private", keys closed to
# others, as followme-terminal insists (a terminal's key is its
# identity).  The files come from the directories terminal add wrote
# under $T/terminals (fm_admin's default --out): the server keeps no key.
fm_copy_pki() {
	local d name
	PKI="$T/pki"
	mkdir -p "$PKI" && cp "$T/state/pki/ca.crt" "$PKI/" || fm_die "cannot copy the site CA"
	for d in "$T"/terminals/*/; do
		[ -f "$d/terminal.key" ] || continue
		name=$(basename "$d")
		cp "$d/terminal.crt" "$PKI/$name.crt" && cp "$d/terminal.key" "$PKI/$name.key" ||
			fm_die "cannot copy terminal $name's files"
	done
	chmod -R a+r "$PKI" || fm_die "cannot open the terminal PKI to the test clients"
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
	fm_watch_log followmed "$FOLLOWMED_PID" "$T/log/followmed.log" "$before"
	for _ in $(seq 1 100); do
		tail -n +"$((before + 1))" "$T/log/followmed.log" | grep -q ' ready: ' && return 0
		fm_pid_alive "$FOLLOWMED_PID" || fm_die "followmed exited at start"
		sleep 0.1
	done
	fm_die "followmed did not become ready"
}

# fm_stop_followmed [SIGNAL]: TERM, or e.g. KILL for a crash.
fm_stop_followmed() {
	local pid=${FOLLOWMED_PID:-}
	# Forgotten first: a report in its log (fm_check_log) ends the case
	# here, and the runner is not to say it died.
	FOLLOWMED_PID=""
	fm_stop_pid "$pid" "${1:-TERM}"
}

fm_followmed_alive() { fm_pid_alive "${FOLLOWMED_PID:-}"; }

# fm_ensure_followmed: followmed runs (for a case that needs it, and not
# what an earlier case did with it).
fm_ensure_followmed() { fm_followmed_alive || fm_start_followmed; }

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
	cat "${FM_POLICY:-$FM_SRC/dist/cups/followme-policy.conf}" >> "$T/cupsd.conf"
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

# fm_add_queues: "followme" (raw) and "followme-pdf", with the policy.
fm_add_queues() {
	"${FM_SETUP_QUEUE:-$FM_SRC/dist/followme-setup-queue}" --cupsd-conf "$T/cupsd.conf" \
		--ppd "${FM_PPD:-$FM_SRC/dist/cups/followme-pdf.ppd}" >/dev/null ||
		fm_die "queue setup failed"
}

# fm_printer_queue NAME URI: a CUPS queue NAME to the IPP Everywhere
# printer at URI (lpadmin asks the printer, which may still be starting),
# and followmed pointed at this cupsd, for terminals bound to the queue.
fm_printer_queue() {
	for _ in 1 2 3 4 5; do
		lpadmin -p "$1" -E -v "$2" -m everywhere 2>"$T/lpadmin.err" && break
		sleep 1
	done
	lpstat -v "$1" >/dev/null 2>&1 || fm_die "CUPS queue $1 to $2: $(cat "$T/lpadmin.err")"
	FM_FOLLOWMED_ENV="${FM_FOLLOWMED_ENV:-} CUPS_SERVER=$CUPS_SERVER"
}

# fm_admin ARGS...: followme-admin on the test's configuration.  A
# "terminal add NAME" without --out writes the terminal's files to
# $T/terminals/NAME, where fm_copy_pki looks for them.
fm_admin() {
	if [ "${1:-}" = terminal ] && [ "${2:-}" = add ] && [ $# -ge 3 ] &&
		! printf '%s\n' "$@" | grep -q '^--out$\|^--web$'; then
		mkdir -p "$T/terminals" && rm -rf "$T/terminals/$3"
		set -- "$@" --out "$T/terminals/$3"
	fi
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

# fm_held_count USER: number of held jobs of USER in the store.
fm_held_count() {
	fm_admin jobs list --user "$1" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# fm_wait_held USER COUNT [SECONDS]: until USER has COUNT held jobs (60 s
# at most by default).
fm_wait_held() {
	for _ in $(seq 1 $((${3:-60} * 5))); do
		[ "$(fm_held_count "$1")" -ge "$2" ] && return 0
		sleep 0.2
	done
	fm_die "$1 has $(fm_held_count "$1") held jobs, expected $2"
}

# fm_unseal SPOOL_FILE UUID SEQ: decrypt a held document to stdout, as the
# daemon's user (the spool is 0700 and must stay so).
fm_unseal() {
	fm_as followme "$FM_BUILD/tests/fm-unseal" "$T/state" "$@"
}

# fm_pam_matrix "user:secret[:service]" ...: PAM services in
# $T/pam/services through pam_wrapper and pam_matrix (no root, no real
# accounts touched): "followme" for the users allowed it (the default
# service), "other" denying all.  Sets FM_PAM_ENV, the environment that
# points a program at them, and gives it to followmed.
fm_pam_matrix() {
	local mod entry
	mod=$(pkg-config --variable=modules pam_wrapper)
	mkdir -p "$T/pam/services"
	: > "$T/pam/passdb"
	for entry in "$@"; do
		case $entry in
		*:*:*) echo "$entry" ;;
		*) echo "$entry:followme" ;;
		esac >> "$T/pam/passdb"
	done
	printf 'auth required %s/pam_matrix.so passdb=%s\naccount required %s/pam_matrix.so passdb=%s\n' \
		"$mod" "$T/pam/passdb" "$mod" "$T/pam/passdb" > "$T/pam/services/followme"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$T/pam/services/other"
	chmod -R a+rX "$T/pam"
	# pam_wrapper dlopens libpam with RTLD_DEEPBIND, which ASan refuses;
	# 1.1.4 turns that off with UID_WRAPPER_DISABLE_DEEPBIND (sic).
	FM_PAM_ENV="LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam/services UID_WRAPPER_DISABLE_DEEPBIND=1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	FM_FOLLOWMED_ENV=$FM_PAM_ENV
}

# fm_backend USER ARGS...: the followme backend as cupsd runs it, as USER
# (lp), for a PDF; FM_BACKEND_ENV adds to its environment.
fm_backend() {
	local user=$1
	shift
	# shellcheck disable=SC2086
	fm_as "$user" env -i FOLLOWME_CONF="$FM_CONF" TMPDIR=/tmp CONTENT_TYPE=application/pdf \
		${FM_BACKEND_ENV:-} "$FM_BUILD/spooler/followme" "$@"
}

# fm_hold [-f FILE] [-n COPIES] [-u UUID] [-o OPTION=VALUE] [-p] N USER
# [TITLE]: hold CUPS job N of USER straight through the backend, as lp:
# FILE (3000 random bytes by default), COPIES (1), TITLE ("Job N"), UUID
# (made from N), and one more job option.  A PDF or PostScript FILE may be
# held "pending" and counted after the hold by followmed: fm_hold waits
# for USER's counts (fm_wait_counted), unless -p leaves them pending.
fm_hold() {
	local file="$T/hold.pdf" copies=1 uuid="" more="" wait=1 opt OPTIND=1
	while getopts f:n:u:o:p opt; do
		case $opt in
		f) file=$OPTARG ;;
		n) copies=$OPTARG ;;
		u) uuid=$OPTARG ;;
		o) more=" $OPTARG" ;;
		p) wait=0 ;;
		*) fm_die "fm_hold: bad option" ;;
		esac
	done
	shift $((OPTIND - 1))
	local n=$1 user=$2 title=${3:-Job $1}
	[ -n "$uuid" ] || uuid="urn:uuid:$(printf '%08d' "$n")-0000-0000-0000-000000000000"
	if [ "$file" = "$T/hold.pdf" ] && [ ! -f "$file" ]; then
		head -c 3000 /dev/urandom > "$file"
		chmod 644 "$file"
	fi
	fm_backend lp "$n" "$user" "$title" "$copies" "job-uuid=$uuid$more" "$file" 2>/dev/null ||
		fm_die "backend refused job $n"
	if [ "$wait" = 1 ]; then
		case $(head -c 4 "$file") in
		%PDF | %!*) fm_wait_counted "$user" ;;
		esac
	fi
}

# fm_wait_counted USER [SECONDS]: until none of USER's held jobs is still
# being counted after the hold (60 s at most by default).
fm_wait_counted() {
	for _ in $(seq 1 $((${2:-60} * 5))); do
		fm_admin jobs list --user "$1" --json | python3 -c '
import json, sys
sys.exit(any(j["counting"] for j in json.load(sys.stdin)))' && return 0
		sleep 0.2
	done
	fm_die "$1 still has jobs being counted after ${2:-60} s"
}

# --- the release service ---------------------------------------------------

# fm_term NAME < commands: one fm-term connection as terminal NAME (its
# certificate in $PKI) to followmed's release service on $PORT.
fm_term() {
	"$FM_BUILD/tests/fm-term" "$PKI" "$1" 127.0.0.1 "$PORT" followme-test
}

# fm_start_mfp [CMD-SLEEP]: ippeveprinter as the stand-in MFP, a colour
# printer, on a free port, with a private D-Bus (it needs one).  Its
# print command reports the impressions (qpdf pages x copies) and keeps
# what it printed in $T/mfp/printed/ in arrival order.  Sets MFP_URI.
fm_start_mfp() {
	mkdir -p "$T/mfp"
	# Its std streams must not hold our caller's pipes open.
	dbus-daemon --session --address="unix:path=$T/mfp/dbus.sock" --fork \
		--print-pid > "$T/mfp/dbus.pid" 2>/dev/null </dev/null
	fm_start_ippeve mfp colour "${1:-0}"
	MFP_PID=$IPPEVE_PID MFP_PORT=$IPPEVE_PORT MFP_URI=$IPPEVE_URI
}

# fm_start_ippeve DIR colour|mono [CMD-SLEEP]: another stand-in printer
# (after fm_start_mfp, whose D-Bus it shares), printing in colour or
# only in black and white, its files in $T/DIR as the MFP's are in
# $T/mfp.  While $T/DIR/no-count exists it reports no page count, as
# some printers do not.  Sets IPPEVE_PID, IPPEVE_PORT and IPPEVE_URI.
fm_start_ippeve() {
	local dir="$T/$1" speed=10,10
	[ "$2" = mono ] && speed=10
	mkdir -p "$dir/spool" "$dir/printed"
	cat > "$dir/print-cmd" <<CMD
#!/bin/sh
# Stand-in printer: count, keep, report.
n=\$(qpdf --show-npages "\$1" 2>/dev/null || echo 1)
c=\${IPP_COPIES:-1}
sleep ${3:-0}
cp "\$1" "$dir/printed/\$(date +%s%N)"
[ -e "$dir/no-count" ] && exit 0
echo "ATTR: job-impressions=\$((n * c))" >&2
echo "ATTR: job-impressions-completed=\$((n * c))" >&2
CMD
	chmod 755 "$dir/print-cmd"
	IPPEVE_PORT=$(fm_free_port) || fm_die "no free port"
	DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/mfp/dbus.sock" \
		ippeveprinter -p "$IPPEVE_PORT" -r off -n localhost -s "$speed" \
		-f application/pdf,application/postscript,image/pwg-raster \
		-2 -k -d "$dir/spool" -c "$dir/print-cmd" "Followme Test $1" \
		> "$T/log/$1.log" 2>&1 &
	IPPEVE_PID=$!
	IPPEVE_URI="ipp://localhost:$IPPEVE_PORT/ipp/print"
	for _ in $(seq 1 100); do
		ipptool -q "$IPPEVE_URI" get-printer-attributes.test 2>/dev/null && return 0
		sleep 0.1
	done
	fm_die "ippeveprinter did not start"
}

fm_stop_mfp() {
	fm_stop_pid "${MFP_PID:-}"
	MFP_PID=""
	if [ -f "$T/mfp/dbus.pid" ]; then
		fm_stop_pid "$(cat "$T/mfp/dbus.pid")"
		rm -f "$T/mfp/dbus.pid"
	fi
}

# fm_printed_count: how many jobs the stand-in MFP printed.
fm_printed_count() { ls "$T/mfp/printed" | wc -l; }

# --- the simulated badge reader and the terminal screen -------------------

# fm_start_sim [SIM-OPTIONS]: fm-pn532-sim on $T/ttyPN532 (libnfc
# connstring pn532_uart:$T/ttyPN532); commands go to fd 7, answers come
# on fd 8.  (Started in a case, it ends with that case's subshell: the
# case must stop it, with fm_stop_sim.)
fm_start_sim() {
	local line
	rm -f "$T/sim.in" "$T/sim.out" "$T/ttyPN532"
	mkfifo "$T/sim.in" "$T/sim.out"
	"$FM_BUILD/tests/fm-pn532-sim" ${FM_SIM_TRACE:+-v} "$@" "$T/ttyPN532" \
		< "$T/sim.in" > "$T/sim.out" 2>> "$T/log/sim.log" &
	SIM_PID=$!
	exec 7> "$T/sim.in" 8< "$T/sim.out"
	read -r -t 15 line <&8 || fm_die "simulator did not start"
	[ "$line" = "ok ready" ] || fm_die "simulator said '$line'"
}

# fm_stop_sim: the simulator told to quit, and gone.
fm_stop_sim() {
	# In a subshell: a simulator already gone would SIGPIPE this shell.
	(echo quit >&7) 2>/dev/null || true
	fm_stop_pid "$SIM_PID"
	SIM_PID=""
	exec 7>&- 8<&-
}

# fm_sim COMMAND...: one simulator command, waiting until it took effect.
fm_sim() {
	local line
	(echo "$*" >&7) 2>/dev/null || fm_die "simulator gone"
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
