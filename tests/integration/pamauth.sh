#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# PIN and password checks through real PAM (pam_wrapper + pam_matrix):
# right and wrong secrets, an account PAM refuses, and a stack that hangs
# is cut off at the deadline.
set -u
T=$(mktemp -d /tmp/followme-pam.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

MOD=$(pkg-config --variable=modules pam_wrapper)
SEC=/usr/lib/x86_64-linux-gnu/security
[ -d "$SEC" ] || SEC=$(dirname "$(find /usr/lib /lib -name pam_exec.so 2>/dev/null | head -n 1)")
mkdir -p "$T/services"
printf 'alice:1234:followme\nbob:s3cret:otherservice\n' > "$T/passdb"
printf 'auth required %s/pam_matrix.so passdb=%s\naccount required %s/pam_matrix.so passdb=%s\n' \
	"$MOD" "$T/passdb" "$MOD" "$T/passdb" > "$T/services/followme"
printf 'auth required %s/pam_exec.so /bin/sleep 30\naccount required %s/pam_matrix.so passdb=%s\n' \
	"$SEC" "$MOD" "$T/passdb" > "$T/services/slow"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$T/services/other"

# pam_wrapper dlopens libpam with RTLD_DEEPBIND, which ASan refuses;
# version 1.1.4 turns that off with UID_WRAPPER_DISABLE_DEEPBIND (sic).
check() { # check SERVICE USER SECRET
	printf '%s\n' "$3" | env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 \
		UID_WRAPPER_DISABLE_DEEPBIND=1 \
		PAM_WRAPPER_SERVICE_DIR="$T/services" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$FM_BUILD/tests/fm-pamcheck" "$1" "$2" 3000
}

out=$(check followme alice 1234) || fail "right PIN refused: $out"
case "$out" in "ok alice "*) ;; *) fail "right PIN: $out" ;; esac
echo "ok - right PIN accepted"
out=$(check followme alice 9999) && fail "wrong PIN accepted"
case "$out" in "denied "*) ;; *) fail "wrong PIN: $out" ;; esac
echo "ok - wrong PIN denied"
out=$(check followme nobody 1234) && fail "unknown user accepted"
case "$out" in "denied "*) ;; *) fail "unknown user: $out" ;; esac
out=$(check followme bob s3cret) && fail "bob accepted for followme"
case "$out" in "account refused "* | "denied "*) ;; *) fail "bob: $out" ;; esac
echo "ok - unknown user and refused account"
out=$(check followme alice "") && fail "empty PIN accepted"
out=$(check slow alice 1234) && fail "hanging stack accepted"
ms=${out##* }
case "$out" in "unavailable "*) ;; *) fail "hanging stack: $out" ;; esac
[ "$ms" -ge 2900 ] && [ "$ms" -lt 6000 ] || fail "hanging stack cut off after $ms ms, expected ~3000"
echo "ok - a hanging PAM stack is cut off at the deadline ($ms ms)"
# pam_followme.so: print PINs set with followme-admin, checked against
# the store by the module, as followmed's user.
S="$T/fm"
mkdir -p "$S/state" && chmod 755 "$S" && chown followme: "$S/state" && chmod 700 "$S/state"
printf '[server]\nstate_dir = %s/state\nrun_dir = %s/run\n' "$S" "$S" > "$S/followme.conf"
chmod 644 "$S/followme.conf"
admin() { "$FM_BUILD/admin/followme-admin" -c "$S/followme.conf" "$@"; }
admin user add fmalice >/dev/null || fail "user add"
admin user add fmbob >/dev/null || fail "user add bob"
echo 4711 | admin user set-pin fmalice >/dev/null || fail "set-pin"
echo 12 | admin user set-pin fmbob >/dev/null 2>&1 && fail "a 2-digit PIN was accepted"
admin user disable fmbob >/dev/null || fail "disable"
echo 5555 | admin user set-pin fmbob >/dev/null || fail "set-pin bob"
printf 'auth required %s/release/pam_followme.so config=%s\naccount required %s/release/pam_followme.so config=%s\n' \
	"$FM_BUILD" "$S/followme.conf" "$FM_BUILD" "$S/followme.conf" > "$T/services/followme-pin"
chmod -R a+rX "$T"
pincheck() { # pincheck USER PIN, as followme
	printf '%s\n' "$2" | setpriv --reuid=followme --regid="$(id -g followme)" --clear-groups \
		env LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1 UID_WRAPPER_DISABLE_DEEPBIND=1 \
		PAM_WRAPPER_SERVICE_DIR="$T/services" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$FM_BUILD/tests/fm-pamcheck" followme-pin "$1" 5000
}
out=$(pincheck fmalice 4711) || fail "pam_followme refused the right PIN: $out"
case "$out" in "ok fmalice "*) ;; *) fail "pam_followme right PIN: $out" ;; esac
out=$(pincheck fmalice 4712) && fail "pam_followme accepted a wrong PIN"
case "$out" in "denied "*) ;; *) fail "pam_followme wrong PIN: $out" ;; esac
out=$(pincheck nobody 4711) && fail "pam_followme accepted an unknown user"
out=$(pincheck fmbob 5555) && fail "pam_followme accepted a disabled user"
case "$out" in "account refused "* | "denied "*) ;; *) fail "pam_followme disabled user: $out" ;; esac
echo "ok - pam_followme.so: right, wrong, unknown and disabled"
echo "pamauth: all checks passed"
