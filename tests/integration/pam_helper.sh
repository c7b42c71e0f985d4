#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# followme-pamhelper: system passwords through the real pam_unix module,
# which needs root, while followmed stays unprivileged.  A temporary
# account with a password is created for the test and removed after.
#
# The helper (root) runs a PAM service of the test's own, holding
# pam_unix, from /etc/pam.d (removed after); followmed asks the helper
# over its socket.
# Checked: right and wrong passwords, an unknown user, a peer that is not
# followmed's account, a malformed request, and a terminal login end to
# end through followmed.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
# An account of this run's own: runs in other checkouts on the machine
# at the same time must not delete or re-password it under us.
USER_T="fmpam$$"
PASS_T='correct horse 7'
SERVICE="followme-test-$$"
HELPER_PID=""
FM_DAEMONS="followme-pamhelper:HELPER_PID"
fm_at_exit 'userdel "$USER_T" >/dev/null 2>&1; rm -f "/etc/pam.d/$SERVICE"'
useradd --no-create-home --shell /usr/sbin/nologin "$USER_T" || fm_die "useradd"
echo "$USER_T:$PASS_T" | chpasswd || fm_die "chpasswd"

mkdir -p "$T/helper"
printf 'auth required pam_unix.so\naccount required pam_unix.so\n' > "/etc/pam.d/$SERVICE"
chmod 755 "$T/helper"
SOCK="$T/helper/pam.sock"
# libcrypt preloaded: ASan's crypt_r interceptor finds no real crypt_r
# when pam_unix brings libcrypt in by dlopen (a sanitizer limitation;
# harmless without ASan).
LD_PRELOAD=libcrypt.so.1 \
	"$FM_BUILD/release/followme-pamhelper" -s "$SOCK" -u followme -S "$SERVICE" -t 20 \
	2>>"$T/log/helper.log" &
HELPER_PID=$!
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || fm_die "helper did not start"

# followmed, for the terminal login; it gets no PAM configuration at all:
# the helper decides.
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"pam_helper = $SOCK"
fm_ca_init
fm_admin terminal add t1 --printer ipp://localhost:9/ipp/print >/dev/null || fm_die "terminal add"
fm_copy_pki
fm_start_followmed

check_as() { # check_as ACCOUNT[:GROUP] USER SECRET -> fm-pamcheck's result
	printf '%s\n' "$3" | fm_as "$1" \
		"$FM_BUILD/tests/fm-pamcheck" followme "$2" 15000 "$SOCK" | awk '{print $1, ($1 == "ok") ? $2 : ""}'
}

case_socket_permissions() {
	[ "$(stat -c '%a %U %G' "$SOCK")" = "660 root followme" ] ||
		fm_die "socket permissions: $(stat -c '%a %U %G' "$SOCK")"
}

case_right_password() {
	[ "$(check_as followme "$USER_T" "$PASS_T")" = "ok $USER_T" ] || fm_die "right password refused: $(check_as followme "$USER_T" "$PASS_T")"
}

case_wrong_password() {
	[ "$(check_as followme "$USER_T" "wrong")" = "denied " ] || fm_die "wrong password not denied"
}

case_unknown_user() {
	[ "$(check_as followme nosuchuser123 "$PASS_T")" = "denied " ] || fm_die "unknown user not denied"
}

# Another account may not ask.  The socket's mode keeps others out; one in
# followmed's group is refused by its uid.
case_other_account_refused() {
	[ "$(check_as lp "$USER_T" "$PASS_T")" = "unavailable " ] || fm_die "a peer other than followme was served"
	[ "$(check_as lp:followme "$USER_T" "$PASS_T")" = "unavailable " ] || fm_die "a peer in the group was served"
	grep -q "refusing a peer that is not uid $(id -u followme)" "$T/log/helper.log" || fm_die "refusal not logged"
}

case_malformed_request() {
	fm_as followme /usr/bin/python3 - "$SOCK" <<'PY' || fm_die "malformed request not answered as unavailable"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"\x01\xffgarbage")
r = s.recv(100)
sys.exit(0 if r[:2] == b"\x01\x03" else 1)
PY
	grep -q "refusing a request: malformed request" "$T/log/helper.log" || fm_die "malformed request not logged"
}

# Still serving after the malformed request; no password in the log.
case_still_serving() {
	[ "$(check_as followme "$USER_T" "$PASS_T")" = "ok $USER_T" ] || fm_die "helper stopped serving"
	grep -q "$PASS_T" "$T/log/helper.log" && fm_die "a password reached the log"
	return 0
}
fm_needs still_serving malformed_request

# A terminal login through followmed and the helper.
case_terminal_login() {
	out=$(printf 'hello\npin %s wrongpass\n' "$USER_T" | fm_term t1)
	echo "$out" | grep -q "^AUTH_FAIL code=5" || fm_die "wrong password not refused: $out"
	# fm-term reads space-separated words: a password without spaces.
	echo "$USER_T:Horse7Battery" | chpasswd || fm_die "chpasswd"
	out=$(printf 'hello\npin %s Horse7Battery\nlist\n' "$USER_T" | fm_term t1)
	echo "$out" | grep -q "^AUTH_OK user=$USER_T" || fm_die "login through the helper failed: $out"
	echo "$out" | grep -q "^JOB_LIST" || fm_die "no list after login: $out"
}

# The socket is 0660 root:followme from the moment it exists, whatever
# the umask (issue 12, item 10): its mode is set on the descriptor and
# its group given as bind() creates it, never by chmod()/chown() on the
# path after (a window in which anyone could connect, and a path that
# could be swapped).  strace holds the helper 3 s right after bind(), and
# the node is looked at then; under umask 000 and 077.
case_socket_mode_from_creation() {
	local mask sock pid helper at_bind final
	command -v strace >/dev/null || fm_skip "strace is not installed"
	mkdir -p "$T/shelper" && chmod 755 "$T/shelper"
	for mask in 000 077; do
		sock="$T/shelper/pam-$mask.sock"
		(
			umask "$mask"
			# LeakSanitizer cannot run under ptrace.
			exec env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				strace -qq -o /dev/null -e trace=bind -e inject=bind:delay_exit=3000000 \
				"$FM_BUILD/release/followme-pamhelper" -s "$sock" -u followme -S "$SERVICE" \
				2>>"$T/log/shelper.log"
		) &
		pid=$!
		FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $pid"
		for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.02; done
		at_bind=$(stat -c '%a %U %G' "$sock" 2>&1)
		for _ in $(seq 1 100); do grep -q "ready on $sock" "$T/log/shelper.log" && break; sleep 0.05; done
		final=$(stat -c '%a %U %G' "$sock" 2>&1)
		# The helper is strace's child: stopping strace would leave it.
		helper=$(ps -o pid= --ppid "$pid" | tr -d ' ')
		[ -n "$helper" ] && kill -TERM "$helper"
		fm_stop_pid "$pid"
		[ "$at_bind" = "660 root followme" ] ||
			fm_die "umask $mask: the socket was '$at_bind' when bind() created it"
		[ "$final" = "660 root followme" ] || fm_die "umask $mask: the socket is '$final'"
	done
}

# Under systemd the listening socket comes on standard input (Accept=no:
# one process sees every check, for the attempt limit); a connected
# socket there (Accept=yes, one process per check) is refused.  The
# helper runs with no capabilities but the unit's CapabilityBoundingSet,
# and pam_unix still checks the password.
case_listening_socket_on_stdin() {
	local sock="$T/stdin-helper/pam.sock" caps
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$FM_SRC/dist/systemd/followme-pamhelper.service.in" |
		tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	[ -n "$caps" ] || fm_die "the unit has no CapabilityBoundingSet"
	# terminal_login changed it.
	echo "$USER_T:$PASS_T" | chpasswd || fm_die "chpasswd"
	mkdir -p "$T/stdin-helper" && chmod 755 "$T/stdin-helper"
	/usr/bin/python3 - "$sock" "$FM_BUILD/release/followme-pamhelper" "$SERVICE" "$T/log/stdin-helper.log" \
		"$FM_BUILD/tests/fm-pamcheck" "$USER_T" "$PASS_T" "-all,$caps" <<'PY' || fm_die "the helper on a listening socket on standard input failed"
import os, socket, subprocess, sys
sock, helper, service, log, check, user, password, caps = sys.argv[1:]
l = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
l.bind(sock)
os.chmod(sock, 0o666)
l.listen(4)
# libcrypt preloaded as for the helper above (ASan and pam_unix).
env = dict(os.environ, LD_PRELOAD="libcrypt.so.1")
with open(log, "ab") as err:
    p = subprocess.Popen(["setpriv", "--bounding-set=" + caps, helper, "-u", "followme", "-S", service],
                         stdin=l.fileno(), stderr=err, env=env)
l.close()
try:
    r = subprocess.run(["setpriv", "--reuid=followme", "--regid=followme", "--clear-groups",
                        check, "followme", user, "15000", sock],
                       input=(password + "\n").encode(), capture_output=True, timeout=30)
    ok = r.stdout.split()[:2] == [b"ok", user.encode()]
    print("# listening socket on stdin, capabilities " + caps + ":", r.stdout.decode().strip())
finally:
    p.terminate()
    p.wait(timeout=10)
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
r = subprocess.run([helper, "-u", "followme", "-S", service], stdin=a.fileno(), capture_output=True, timeout=10)
print("# connected socket on stdin:", r.returncode, r.stderr.decode().strip())
sys.exit(0 if ok and r.returncode == 2 and b"not a listening socket" in r.stderr else 1)
PY
}

fm_run_cases
