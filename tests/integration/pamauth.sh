#!/usr/bin/env bash
# PIN and password checks through real PAM (pam_wrapper + pam_matrix):
# right and wrong secrets, an account PAM refuses, and a stack that hangs
# is cut off at the deadline.
set -u
T=$(mktemp -d /tmp/followme-pam.XXXXXX)
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
pgrep -f "sleep 30" >/dev/null && pkill -f "sleep 30"
echo "ok - a hanging PAM stack is cut off at the deadline ($ms ms)"
echo "pamauth: all checks passed"
