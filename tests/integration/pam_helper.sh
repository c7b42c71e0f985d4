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
fm_setup
USER_T=fmpamtest
PASS_T='correct horse 7'
userdel "$USER_T" >/dev/null 2>&1
useradd --no-create-home --shell /usr/sbin/nologin "$USER_T" || fm_die "useradd"
echo "$USER_T:$PASS_T" | chpasswd || fm_die "chpasswd"
HELPER_PID=""
SERVICE="followme-test-$$"
cleanup() {
	local rc=$?
	[ -n "$HELPER_PID" ] && kill "$HELPER_PID" 2>/dev/null && wait "$HELPER_PID" 2>/dev/null
	if [ "$rc" -ne 0 ]; then
		echo "---- helper log" >&2
		cat "$T/log/helper.log" >&2 2>/dev/null
	fi
	userdel "$USER_T" >/dev/null 2>&1
	rm -f "/etc/pam.d/$SERVICE"
	(exit "$rc")
	fm_teardown
}
trap cleanup EXIT

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
[ "$(stat -c '%a %U %G' "$SOCK")" = "660 root followme" ] ||
	fm_die "socket permissions: $(stat -c '%a %U %G' "$SOCK")"

check_as() { # check_as ACCOUNT USER SECRET [GROUP] -> fm-pamcheck's result
	printf '%s\n' "$3" | setpriv --reuid="$1" --regid="$(id -g "${4:-$1}")" --clear-groups \
		"$FM_BUILD/tests/fm-pamcheck" followme "$2" 15000 "$SOCK" | awk '{print $1, ($1 == "ok") ? $2 : ""}'
}

STEP="right password"
[ "$(check_as followme "$USER_T" "$PASS_T")" = "ok $USER_T" ] || fm_die "right password refused: $(check_as followme "$USER_T" "$PASS_T")"
STEP="wrong password"
[ "$(check_as followme "$USER_T" "wrong")" = "denied " ] || fm_die "wrong password not denied"
STEP="unknown user"
[ "$(check_as followme nosuchuser123 "$PASS_T")" = "denied " ] || fm_die "unknown user not denied"
STEP="another account may not ask"
# The socket's mode keeps others out; one in followmed's group is
# refused by its uid.
[ "$(check_as lp "$USER_T" "$PASS_T")" = "unavailable " ] || fm_die "a peer other than followme was served"
[ "$(check_as lp "$USER_T" "$PASS_T" followme)" = "unavailable " ] || fm_die "a peer in the group was served"
grep -q "refusing a peer that is not uid $(id -u followme)" "$T/log/helper.log" || fm_die "refusal not logged"
STEP="malformed request"
setpriv --reuid=followme --regid="$(id -g followme)" --clear-groups /usr/bin/python3 - "$SOCK" <<'PY' || fm_die "malformed request not answered as unavailable"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"\x01\xffgarbage")
r = s.recv(100)
sys.exit(0 if r[:2] == b"\x01\x03" else 1)
PY
grep -q "refusing a request: malformed request" "$T/log/helper.log" || fm_die "malformed request not logged"
STEP="still serving"
[ "$(check_as followme "$USER_T" "$PASS_T")" = "ok $USER_T" ] || fm_die "helper stopped serving"
grep -q "$PASS_T" "$T/log/helper.log" && fm_die "a password reached the log"

STEP="terminal login through followmed"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"pam_helper = $SOCK"
mkdir -p "$T/state" && chown followme: "$T/state" && chmod 700 "$T/state"
fm_admin ca init >/dev/null || fm_die "ca init"
fm_admin terminal add t1 --printer ipp://localhost:9/ipp/print >/dev/null || fm_die "terminal add"
fm_copy_pki
# followmed itself gets no PAM configuration at all: the helper decides.
fm_start_followmed
out=$(printf 'hello\npin %s wrongpass\n' "$USER_T" |
	"$FM_BUILD/tests/fm-term" "$PKI" t1 127.0.0.1 "$PORT" followme-test)
echo "$out" | grep -q "^AUTH_FAIL code=5" || fm_die "wrong password not refused: $out"
# fm-term reads space-separated words: a password without spaces.
echo "$USER_T:Horse7Battery" | chpasswd || fm_die "chpasswd"
out=$(printf 'hello\npin %s Horse7Battery\nlist\n' "$USER_T" |
	"$FM_BUILD/tests/fm-term" "$PKI" t1 127.0.0.1 "$PORT" followme-test)
echo "$out" | grep -q "^AUTH_OK user=$USER_T" || fm_die "login through the helper failed: $out"
echo "$out" | grep -q "^JOB_LIST" || fm_die "no list after login: $out"
fm_followmed_alive || fm_die "followmed died"
echo "PASS: pam_helper"
