#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Release terminals over mutual TLS: the site CA and terminal certificates
# made by followme-admin, PIN login through real PAM (pam_wrapper), the
# job list, delete and extend, lockout after failed PINs, session
# timeout, and everything a stranger or a broken peer might send.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"session_timeout = 5s" "connection_idle_timeout = 8s" \
	"auth_max_failures = 3" "auth_lockout = 10m"
fm_pam_matrix fmalice:1234 fmbob:5678

# The store and PKI exist before followmed starts, as in production.
fm_ca_init
fm_admin terminal add t1 --printer mfp1 >"$T/added" || fm_die "terminal add t1"
grep -q "Added terminal t1 for printer mfp1" "$T/added" || fm_die "terminal add t1: $(cat "$T/added")"
# It tells where the files go on the terminal: where the shipped
# terminal.conf (and the README) look for them.
dir=$(sed -n 's|^ca = \(.*\)/ca.crt$|\1|p' "$FM_SRC/dist/terminal.conf")
grep -q "$dir/ca.crt" "$T/added" || fm_die "terminal add does not say $dir: $(cat "$T/added")"
fm_admin terminal add t2 --printer mfp2 >/dev/null || fm_die "terminal add t2"
fm_admin terminal add t3 --printer mfp3 >/dev/null || fm_die "terminal add t3"
fm_copy_pki
fm_start_followmed
grep -q "release service on 127.0.0.1:$PORT" "$T/log/followmed.log" || fm_die "release service not listening"
fm_hold 1 fmalice "Report A"
fm_hold 2 fmalice "Report B"
fm_hold 3 fmbob "Bob's"

# A terminal's key is handed over once: written into a new directory for
# copying (the one named, or terminal-NAME where the admin is), root's
# alone, and not kept on the server (issue 12, item 15).
case_terminal_key_handed_over() {
	[ "$(stat -c '%U %a' "$T/terminals/t1")" = "root 700" ] ||
		fm_die "handover directory is $(stat -c '%U %a' "$T/terminals/t1")"
	[ "$(stat -c '%U %a' "$T/terminals/t1/terminal.key")" = "root 600" ] ||
		fm_die "terminal.key is $(stat -c '%U %a' "$T/terminals/t1/terminal.key")"
	[ -s "$T/terminals/t1/terminal.crt" ] && [ -s "$T/terminals/t1/ca.crt" ] ||
		fm_die "the certificates are not in the handover directory"
	if ls "$T/state/pki/terminals/" | grep -q '\.key$'; then
		fm_die "the server keeps terminal keys: $(ls "$T/state/pki/terminals/")"
	fi
	grep -q "the server keeps no copy of the key" "$T/added" || fm_die "terminal add: $(cat "$T/added")"
	mkdir -p "$T/taken"
	fm_admin terminal add t5 --printer mfp5 --out "$T/taken" 2>"$T/err" &&
		fm_die "terminal add wrote into an existing directory"
	grep -q "$T/taken: File exists" "$T/err" || fm_die "unclear error: $(cat "$T/err")"
	fm_admin terminal list | grep -q "^t5 " && fm_die "a terminal without files was registered"
	mkdir -p "$T/cwd"
	(cd "$T/cwd" && "$FM_BUILD/admin/followme-admin" -c "$FM_CONF" terminal add t6 --printer mfp6 >/dev/null) ||
		fm_die "terminal add without --out"
	[ -f "$T/cwd/terminal-t6/terminal.key" ] || fm_die "no terminal-t6/ where the admin is"
}

# The site CA and terminal certificates: a terminal name is taken once,
# and must be a name.
case_terminal_certificates() {
	fm_admin terminal add t1 --printer mfp9 2>"$T/err" && fm_die "duplicate terminal accepted"
	grep -q "already exists" "$T/err" || fm_die "duplicate terminal message"
	fm_admin terminal add 'bad name' --printer x 2>/dev/null && fm_die "bad terminal name accepted"
	fm_admin terminal list | grep -q "^t2 .*mfp2 .*offline" || fm_die "terminal list"
}

# A terminal is shown connected while its session runs, with the
# protocol it speaks, and offline once it left.
case_terminal_presence() {
	local pid i
	(printf 'hello 2\n'; sleep 3) | fm_term t2 > "$T/presence.out" 2>&1 &
	pid=$!
	for i in $(seq 1 50); do
		fm_admin terminal list | grep -q "^t2 .*connected" && break
		sleep 0.1
	done
	fm_admin terminal list | grep -q "^t2 .*mfp2 .*connected" ||
		fm_die "a connected terminal is not shown connected: $(fm_admin terminal list)"
	fm_admin terminal list --json | grep -q '"name":"t2",[^}]*"connected":1,"protocol":2' ||
		fm_die "terminal list --json: $(fm_admin terminal list --json)"
	wait "$pid"
	for i in $(seq 1 50); do
		fm_admin terminal list | grep -q "^t2 .*offline" && break
		sleep 0.1
	done
	fm_admin terminal list | grep -q "^t2 .*offline" ||
		fm_die "a terminal that left is not shown offline: $(fm_admin terminal list)"
}

# The CA key is root's alone: followmed's account cannot open it (code
# running as followmed could otherwise mint terminals), its own key is
# its own, and it serves terminals all the same.
case_ca_key_root_only() {
	[ "$(stat -c '%U %a' "$T/state/pki/ca.key")" = "root 600" ] ||
		fm_die "ca.key is $(stat -c '%U %a' "$T/state/pki/ca.key")"
	[ "$(stat -c '%U %a' "$T/state/pki/server.key")" = "followme 600" ] ||
		fm_die "server.key is $(stat -c '%U %a' "$T/state/pki/server.key")"
	fm_as followme cat "$T/state/pki/ca.key" >/dev/null 2>&1 && fm_die "followme can read ca.key"
	grep -q "ca.key is readable" "$T/log/followmed.log" && fm_die "followmed says it can read ca.key"
	printf 'hello\n' | fm_term t1 | grep -q "^HELLO_OK terminal=t1" || fm_die "no session with the root-only CA key"
}

expect_line() { # expect_line N PATTERN
	sed -n "$1p" "$T/out1" | grep -q -- "$2" || fm_die "line $1: expected '$2', got '$(sed -n "$1p" "$T/out1")'"
}

# Protocol versions: a version 1 terminal gets AUTH_OK as it always
# did; version 2 gets the user's language and the site's currency; a
# newer terminal is answered with the version this server speaks; below
# 1 is refused (issue 15).
case_protocol_versions() {
	fm_admin user set-language fmalice fr >/dev/null || fm_die "set-language"
	out=$(printf 'hello 1\npin fmalice 1234\n' | fm_term t1)
	echo "$out" | grep -q "^HELLO_OK .* version=1$" || fm_die "hello 1: $out"
	echo "$out" | grep -q "^AUTH_OK user=fmalice name=[^=]* balance=-\{0,1\}[0-9]*$" || fm_die "v1 AUTH_OK: $out"
	out=$(printf 'hello 2\npin fmalice 1234\n' | fm_term t1)
	echo "$out" | grep -q "^HELLO_OK .* version=2$" || fm_die "hello 2: $out"
	echo "$out" | grep -q "^AUTH_OK user=fmalice .* language=fr currency=EUR$" || fm_die "v2 AUTH_OK: $out"
	out=$(printf 'hello 7\n' | fm_term t1)
	echo "$out" | grep -q "^HELLO_OK .* version=2$" || fm_die "hello 7: $out"
	out=$(printf 'hello 0\nhello 1\n' | fm_term t1)
	echo "$out" | grep -q "^ERROR code=2 " || fm_die "hello 0: $out"
	echo "$out" | grep -q "^HELLO_OK .* version=1$" || fm_die "hello again as 1: $out"
	fm_admin user set-language fmalice none >/dev/null || fm_die "set-language none"
	out=$(printf 'hello 2\npin fmalice 1234\n' | fm_term t1)
	echo "$out" | grep -q "^AUTH_OK user=fmalice .* currency=EUR$" || fm_die "v2 AUTH_OK without a language: $out"
}

# Hello, PIN login, list, extend, delete, logout.
case_session() {
	out=$(printf 'list\nhello\nlist\npin fmalice 1234\nlist\nextend 1\ndelete 2\nlist\nlogout\nlist\n' | fm_term t1)
	echo "$out" > "$T/out1"
	expect_line 1 "^CONNECTED"
	expect_line 2 "^ERROR code=1 message=Say hello first"
	expect_line 3 "^HELLO_OK terminal=t1 printer=mfp1 timeout=5"
	expect_line 4 "^ERROR code=3 message=Please log in"
	expect_line 5 "^AUTH_OK user=fmalice name=Test user fmalice"
	# mfp1 has no price list: a release would be refused, and the list says so.
	expect_line 6 "^JOB_LIST balance=0 jobs=2 \[1|Report A|1|0|0|no price\] \[2|Report B|1|0|0|no price\]"
	expect_line 7 "^OK message=Kept 1 job"
	expect_line 8 "^OK message=Deleted 1 job"
	expect_line 9 "^JOB_LIST balance=0 jobs=1 \[1|Report A"
	expect_line 10 "^OK message=Logged out"
	expect_line 11 "^ERROR code=3"
	[ ! -e "$T/state/spool/2-1" ] || fm_die "deleted job's file still there"
	fm_admin jobs show 2 | grep -q "deleted: by its owner at terminal t1" || fm_die "deletion not recorded"
	fm_admin jobs show 1 | grep -q "extended: by its owner at terminal t1" || fm_die "extension not recorded"
}

# Another user cannot touch fmalice's job, nor see it.
case_own_jobs_only() {
	out=$(printf 'hello\npin fmbob 5678\nlist\ndelete 1\nextend 1\n' | fm_term t2)
	echo "$out" | grep -q "^JOB_LIST balance=0 jobs=1 \[3|Bob's" || fm_die "bob's list: $out"
	echo "$out" | grep -q "^ERROR code=7 message=No such job is held for you" || fm_die "bob deleted alice's job: $out"
	[ "$(echo "$out" | grep -c "code=7")" -eq 2 ] || fm_die "bob extended alice's job: $out"
	[ -e "$T/state/spool/1-1" ] || fm_die "alice's job destroyed by bob"
}

# PIN brute force: lockout of the user, with the time to wait; an admin
# unlock ends it.
case_pin_lockout() {
	out=$(printf 'hello\npin fmalice 0000\npin fmalice 1111\npin fmalice 2222\npin fmalice 1234\n' | fm_term t2)
	[ "$(echo "$out" | grep -c "^AUTH_FAIL code=5 message=Wrong user name or PIN")" -eq 3 ] || fm_die "wrong PINs: $out"
	echo "$out" | tail -n 1 | grep -q "^AUTH_FAIL code=6 retry_after=[0-9]* message=Too many failed attempts" ||
		fm_die "no lockout: $out"
	grep -q "1234" "$T/log/followmed.log" && fm_die "a PIN reached the log"
	fm_admin auth unlock --user fmalice | grep -q "Unlocked user fmalice" || fm_die "unlock user"
	fm_admin auth unlock --terminal t2 >/dev/null || fm_die "unlock terminal"
	printf 'hello\npin fmalice 1234\n' | fm_term t2 | grep -q "^AUTH_OK user=fmalice" || fm_die "login after unlock"
}

# Session timeout: logged out after 5 s idle.
case_session_timeout() {
	out=$(printf 'hello\npin fmalice 1234\nwait\nlist\n' | fm_term t1)
	echo "$out" | grep -q "^ERROR code=10 message=Logged out after inactivity" || fm_die "no session timeout: $out"
	echo "$out" | tail -n 1 | grep -q "^ERROR code=3" || fm_die "still logged in after timeout: $out"
}

# Strangers and broken peers: no certificate, TLS 1.1, another CA,
# garbage, silence, oversized and malformed frames are refused.
case_strangers_refused() {
	openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.crt" </dev/null >"$T/s1" 2>&1
	# (TLS 1.2 clients finish their side first; the server's verdict is in
	# its log.)
	grep -q "refused 127.0.0.1: TLS handshake: certificate refused: Certificate was missing" \
		"$T/log/followmed.log" || fm_die "a client without certificate was accepted"
	openssl s_client -connect "127.0.0.1:$PORT" -tls1_1 -cert "$PKI/t1.crt" -key "$PKI/t1.key" </dev/null >"$T/s2" 2>&1
	grep -q "Cipher is (NONE)" "$T/s2" || fm_die "TLS 1.1 accepted"
	grep -q "refused 127.0.0.1: TLS handshake: SSL - Handshake protocol not within min/max" \
		"$T/log/followmed.log" || fm_die "TLS 1.1 refusal not logged"
	# The same client with TLS 1.2: accepted (so the refusals above mean it).
	openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -cert "$PKI/t1.crt" -key "$PKI/t1.key" \
		-CAfile "$PKI/ca.crt" </dev/null >"$T/s3" 2>&1
	grep -q "Protocol  *: TLSv1.2" "$T/s3" && ! grep -q "Cipher is (NONE)" "$T/s3" ||
		fm_die "TLS 1.2 with a terminal certificate refused: $(grep -i error "$T/s3" | head -n 2)"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/evil.key" \
		-out "$T/evil.crt" -days 30 -subj "/CN=t1" 2>/dev/null
	mkdir -p "$T/evil" && cp "$T/evil.crt" "$T/evil/t1.crt" && cp "$T/evil.key" "$T/evil/t1.key" && cp "$PKI/ca.crt" "$T/evil/"
	chmod -R a+r "$T/evil"
	"$FM_BUILD/tests/fm-term" "$T/evil" t1 127.0.0.1 "$PORT" followme-test </dev/null | grep -q "^CONNECT-FAILED" ||
		fm_die "a certificate from another CA was accepted"
	printf 'GET / HTTP/1.0\r\n\r\n' > "/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT"; sleep 7) & # sends nothing at all
	silent=$!
	# An oversized frame (length 70000) and a malformed one.
	out=$(printf 'hello\nraw 00011170\n' | fm_term t1)
	echo "$out" | grep -q "^ERROR code=1 message=Bad message: frame too large" || fm_die "oversized frame: $out"
	out=$(printf 'hello\nraw 0000000301ff00\n' | fm_term t1)
	echo "$out" | grep -q "^ERROR code=1 message=Bad message" || fm_die "malformed frame: $out"
	wait "$silent"
	grep -q "refused 127.0.0.1" "$T/log/followmed.log" || fm_die "refusals not logged"
	fm_followmed_alive || fm_die "followmed died"
	printf 'hello\n' | fm_term t1 | grep -q "^HELLO_OK" || fm_die "followmed no longer serves terminals"
}

# Badges: an unknown badge is refused with a way forward; after a PIN
# login the user registers it; then the badge alone logs in, and a badge
# registered by an admin too.  Badges are stored only as keyed hashes.
case_badges() {
	out=$(printf 'hello\nbadge 04a1b2c3d4e5f6\npin fmbob 5678\nassociate 04a1b2c3d4e5f6\nlogout\nbadge 04a1b2c3d4e5f6\nlist\n' | fm_term t1)
	echo "$out" | grep -q "^AUTH_FAIL code=4 message=Unknown badge. Log in with your user name and PIN" || fm_die "unknown badge: $out"
	echo "$out" | grep -q "^OK message=Badge registered" || fm_die "associate: $out"
	[ "$(echo "$out" | grep -c "^AUTH_OK user=fmbob")" -eq 2 ] || fm_die "badge login: $out"
	echo "$out" | tail -n 1 | grep -q "^JOB_LIST balance=0 jobs=1 \[3|Bob's" || fm_die "list after badge login: $out"
	fm_admin badge add fmalice 0A0B0C0D >/dev/null || fm_die "badge add"
	printf 'hello\nbadge 0a0b0c0d\n' | fm_term t1 | grep -q "^AUTH_OK user=fmalice" || fm_die "admin-added badge"
	out=$(printf 'hello\nbadgepin 0a0b0c0d 9999\nbadgepin 0a0b0c0d 1234\n' | fm_term t1)
	echo "$out" | grep -q "^AUTH_FAIL code=5 message=Wrong PIN" || fm_die "badge + wrong PIN: $out"
	echo "$out" | tail -n 1 | grep -q "^AUTH_OK user=fmalice" || fm_die "badge + PIN: $out"
	fm_admin auth unlock --user fmalice >/dev/null
	sqlite3 "$T/state/followme.db" "SELECT count(*) FROM badges" >/dev/null 2>&1 || true
	if grep -rqi "04a1b2c3d4e5f6" "$T/state/followme.db" "$T/log/followmed.log" 2>/dev/null; then
		fm_die "a badge UID is stored or logged in clear"
	fi
	printf 'hello\npin fmalice 1234\nassociate 04a1b2c3d4e5f6\n' | fm_term t1 | grep -q "^ERROR code=1 message=This badge cannot be registered" ||
		fm_die "a badge was registered twice"
}

# A failed login ends the login before it: the terminal is not left
# serving the previous user (issue 12).
case_failed_login_logs_out() {
	fm_admin auth unlock --terminal t1 >/dev/null
	out=$(printf 'hello\npin fmbob 5678\nlist\npin fmbob 0000\nlist\npin fmbob 5678\nbadge 0e0e0e0e\nlist\n' | fm_term t1)
	echo "$out" > "$T/out1"
	expect_line 3 "^AUTH_OK user=fmbob"
	expect_line 4 "^JOB_LIST"
	expect_line 5 "^AUTH_FAIL code=5"
	expect_line 6 "^ERROR code=3 message=Please log in"
	expect_line 7 "^AUTH_OK user=fmbob"
	expect_line 8 "^AUTH_FAIL code=4"
	expect_line 9 "^ERROR code=3 message=Please log in"
	fm_admin auth unlock --user fmbob >/dev/null
	fm_admin auth unlock --terminal t1 >/dev/null
}

# Registering a badge takes the user's PIN: whoever holds a badge may not
# add badges of their own to its owner (issue 12).
case_badge_only_cannot_associate() {
	fm_admin auth unlock --terminal t1 >/dev/null
	fm_admin badge add fmbob 0B0B0B0B >/dev/null || fm_die "badge add"
	out=$(printf 'hello\nbadge 0b0b0b0b\nassociate 0c0c0c0c\nlogout\nbadge 0c0c0c0c\n' | fm_term t1)
	echo "$out" > "$T/out1"
	expect_line 3 "^AUTH_OK user=fmbob"
	expect_line 4 "^ERROR code=5 message=Log in with your user name and PIN to register a badge"
	expect_line 6 "^AUTH_FAIL code=4"
	# With the PIN (alone, or with the badge), it is allowed.
	out=$(printf 'hello\npin fmbob 5678\nassociate 0c0c0c0c\nlogout\nbadgepin 0b0b0b0b 5678\nassociate 0d0d0d0d\nlogout\nbadge 0c0c0c0c\nbadge 0d0d0d0d\n' | fm_term t1)
	echo "$out" > "$T/out1"
	expect_line 4 "^OK message=Badge registered"
	expect_line 6 "^AUTH_OK user=fmbob"
	expect_line 7 "^OK message=Badge registered"
	expect_line 9 "^AUTH_OK user=fmbob"
	expect_line 10 "^AUTH_OK user=fmbob"
	fm_admin auth unlock --terminal t1 >/dev/null
}

# A removed terminal is refused at once.
case_removed_terminal() {
	fm_admin terminal remove t2 | grep -q "Removed terminal t2" || fm_die "terminal remove"
	if printf 'hello\n' | fm_term t2 | grep -q "^HELLO_OK"; then
		fm_die "removed terminal still served"
	fi
	grep -q "certificate of an unknown or removed terminal" "$T/log/followmed.log" || fm_die "removed terminal not logged"
}

# A terminal removed while connected is cut off within seconds: told
# why, then closed, though it is idle and its user logged in.
case_removed_terminal_cut_off() {
	{
		printf 'hello\npin fmalice 1234\nlist\n'
		sleep 1
		date +%s%N >"$T/removed_at"
		fm_admin terminal remove t3 >/dev/null
		printf 'wait\nlist\n'
	} | fm_term t3 >"$T/out3"
	end=$(date +%s%N)
	took=$(((end - $(cat "$T/removed_at")) / 1000000))
	grep -q "^JOB_LIST" "$T/out3" || fm_die "no list before removal: $(cat "$T/out3")"
	grep -q "^ERROR code=13 message=This terminal was removed" "$T/out3" ||
		fm_die "removed terminal not told: $(cat "$T/out3")"
	tail -n 1 "$T/out3" | grep -q "^CLOSED\|^SEND-FAILED\|^RECV-FAILED" ||
		fm_die "removed terminal still served: $(cat "$T/out3")"
	grep -c "^JOB_LIST" "$T/out3" | grep -qx 1 || fm_die "listed after removal: $(cat "$T/out3")"
	[ "$took" -lt 5000 ] || fm_die "cut off $took ms after removal"
	grep -q "terminal t3 was removed: its connection from 127.0.0.1 is closed" \
		"$T/log/followmed.log" || fm_die "cut-off not logged"
}

# An idle connection closes after connection_idle_timeout (8 s), with a
# user logged in (logged out at 5 s first) or without.
case_idle_connection_closed() {
	start=$(date +%s)
	printf 'hello\npin fmalice 1234\nwait\nwait\n' | fm_term t1 >"$T/out4"
	took=$(($(date +%s) - start))
	grep -q "^ERROR code=10 message=Logged out after inactivity" "$T/out4" ||
		fm_die "no logout: $(cat "$T/out4")"
	grep -q "^ERROR code=10 message=Connection closed after inactivity" "$T/out4" ||
		fm_die "idle connection not closed: $(cat "$T/out4")"
	[ "$took" -ge 7 ] && [ "$took" -le 12 ] || fm_die "closed after $took s, not 8"
	start=$(date +%s)
	printf 'hello\nwait\n' | fm_term t1 >"$T/out5"
	took=$(($(date +%s) - start))
	grep -q "^ERROR code=10 message=Connection closed after inactivity" "$T/out5" ||
		fm_die "idle connection without a user not closed: $(cat "$T/out5")"
	[ "$took" -ge 7 ] && [ "$took" -le 12 ] || fm_die "closed after $took s, not 8"
}

fm_run_cases
