#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The web console (issue 13): followme-webd on loopback with its own
# TLS certificate from the site CA, real PAM (pam_wrapper, service
# followme-web), a real store shared with followmed, and the pages in
# Debian's chromium (tests/web/console.py).  Screenshots of each
# audience's pages go to $FM_BUILD/screenshots/web.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
WPORT=$(fm_free_port) || fm_die "no free port"
PORT=$(fm_free_port) || fm_die "no free port"
URL="https://127.0.0.1:$WPORT"
SHOTS="$FM_BUILD/screenshots/web"
XSS_TITLE='<img src=x onerror=alert(1)>'
XSS_DEPT='<script>alert(1)</script>'
TODAY=$(date +%Y-%m-%d)
mkdir -p "$T/web" && cp "$FM_SRC"/web/pages/* "$T/web/" && chmod -R a+rX "$T/web" ||
	fm_die "cannot copy the pages"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"auth_max_failures = 3" "auth_lockout = 10m" \
	"[web]" "listen = 127.0.0.1:$WPORT" "pages_dir = $T/web" "workers = 2"
# Passwords for the web (service followme-web), PINs for the terminals
# (service followme): one lockout for both.
fm_pam_matrix fmalice:alice-pw:followme-web fmbob:bob-pw:followme-web \
	fmfin:fin-pw:followme-web fmnew:new-pw:followme-web fmbob:5678 \
	fmcara:cara-pw:followme-web fmdan:Dan-pw-4417:followme-web fmeve:31415926
cp "$T/pam/services/followme" "$T/pam/services/followme-web"
chmod a+r "$T/pam/services/followme-web"
fm_ca_init
fm_admin terminal add t1 --printer mfp-t1 >/dev/null || fm_die "terminal add"
fm_copy_pki
# Release from the web: a printer (ippeveprinter) people pick, and the
# console's own terminal to followmed, whose files stay on the server.
fm_start_mfp
PLACE="Bâtiment A — 2ᵉ étage <b>&"
fm_admin printer add mfp1 --uri "$MFP_URI" --location "$PLACE" >/dev/null || fm_die "printer add"
# A printer that takes 4 s over each job: a release's stages can be seen
# on the way (release_progress, the browser's).
fm_start_ippeve slow colour 4
SLOW_PID=$IPPEVE_PID
FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $SLOW_PID"
fm_admin printer add slow1 --uri "$IPPEVE_URI" --location "Salle lente" >/dev/null ||
	fm_die "printer add slow1"
fm_admin terminal add web --web >/dev/null || fm_die "terminal add --web"
cp "$T/state/web-terminal/terminal.crt" "$PKI/web.crt" &&
	cp "$T/state/web-terminal/terminal.key" "$PKI/web.key" && chmod a+r "$PKI/web.key" ||
	fm_die "cannot copy the web terminal's files"
fm_admin dept add FIN "Finance" >/dev/null || fm_die "dept add FIN"
fm_admin dept add XSS "$XSS_DEPT" >/dev/null || fm_die "dept add XSS"
fm_admin user add fmalice --name "Alice Martin" --department XSS >/dev/null || fm_die "user add"
fm_admin user add fmbob --name "Bob Durand" --department FIN >/dev/null || fm_die "user add"
fm_admin user add fmfin --name "Fanny Finance" --department FIN >/dev/null || fm_die "user add"
fm_admin user add fmcara --name "Cara Lefèvre" --department FIN >/dev/null || fm_die "user add"
fm_admin user add fmdan --name "Dan <b>Dupont</b>" --department FIN >/dev/null || fm_die "user add"
fm_admin user add fmeve --name "Eve" --department FIN >/dev/null || fm_die "user add"
fm_admin badge add fmalice 0A0B0C0D --label "blue card" >/dev/null || fm_die "badge add"
fm_admin role grant fmbob admin >/dev/null || fm_die "role grant admin"
fm_admin role grant fmfin finance >/dev/null || fm_die "role grant finance"
fm_admin price set --media A4 --colour mono --sides simplex --amount 0.05 >/dev/null ||
	fm_die "price set"
fm_start_followmed
fm_hold 1 fmalice "Procès-verbal — Hélène"
fm_hold 2 fmalice "$XSS_TITLE"
fm_hold 3 fmalice "Brouillon à jeter"
fm_hold 4 fmbob "Bob's report"
# Two one-page PDFs for fmcara, one to release by the API, one from a
# phone.
gs -q -sDEVICE=pdfwrite -o "$T/one.pdf" -c "72 72 144 144 rectfill showpage" &&
	chmod 644 "$T/one.pdf" || fm_die "cannot make a PDF"
fm_hold -f "$T/one.pdf" 5 fmcara "Note de service — Noël"
fm_hold -f "$T/one.pdf" 6 fmcara "Procès-verbal du téléphone"
fm_hold -f "$T/one.pdf" 9 fmcara "Lentement, par étapes"
fm_hold -f "$T/one.pdf" 10 fmcara "Pas à pas, lentement"
DB="$T/state/followme.db"
fm_as followme "$FM_BUILD/tests/fm_test_charge" "$DB" 0 fmalice mfp-t1 101 6 0 0 >/dev/null ||
	fm_die "charge"
fm_as followme "$FM_BUILD/tests/fm_test_charge" "$DB" 0 fmbob mfp-t1 102 3 0 0 >/dev/null ||
	fm_die "charge"
# A job charged to a project (job-account-id), for the project report.
fm_admin project add RENOV-7 >/dev/null && fm_admin project allow RENOV-7 fmbob >/dev/null &&
	fm_admin quota grant --project RENOV-7 --amount 5 --reason start >/dev/null ||
	fm_die "project RENOV-7"
fm_as followme "$FM_BUILD/tests/fm_test_charge" "$DB" 0 fmbob mfp-t1 104 2 0 0 RENOV-7 >/dev/null ||
	fm_die "charge to RENOV-7"

WEBD_PID=""
FM_DAEMONS="followme-webd:WEBD_PID"
FM_CARRY="$FM_CARRY WEBD_PID"

start_webd() {
	local before
	touch "$T/log/webd.log"
	before=$(wc -l < "$T/log/webd.log")
	# shellcheck disable=SC2086
	env $FM_PAM_ENV "$FM_BUILD/web/followme-webd" -d -c "$FM_CONF" >>"$T/log/webd.log" 2>&1 &
	WEBD_PID=$!
	fm_watch_log followme-webd "$WEBD_PID" "$T/log/webd.log" "$before"
	for _ in $(seq 1 100); do
		tail -n +"$((before + 1))" "$T/log/webd.log" | grep -q 'serving the web console' && return 0
		fm_pid_alive "$WEBD_PID" || fm_die "followme-webd exited at start"
		sleep 0.1
	done
	fm_die "followme-webd did not start"
}
start_webd

# curl_as JAR ARGS...: one request with the cookies of JAR ($T/JAR.jar).
curl_as() {
	local jar="$T/$1.jar"
	shift
	curl -sk -b "$jar" -c "$jar" "$@"
}

# login_as USER PASSWORD [JAR]: a session in JAR's cookies (USER's by
# default), the login token first, as the page gets it (or the
# session's, when logged in already); the CSRF token in $T/JAR.csrf.
login_as() {
	local jar=${3:-$1} token
	token=$(curl_as "$jar" -D - -o /dev/null "$URL/api/session" |
		tr -d '\r' | sed -n 's/^X-CSRF-Token: //p')
	[ -n "$token" ] || fm_die "no login token"
	curl_as "$jar" -D "$T/$jar.head" -o "$T/$jar.body" -H "X-CSRF-Token: $token" \
		--data-urlencode "user=$1" --data-urlencode "password=$2" "$URL/api/login" ||
		fm_die "login request failed"
	grep -q '^HTTP/1.1 200' "$T/$jar.head" || fm_die "login as $1 refused: $(cat "$T/$jar.body")"
	tr -d '\r' < "$T/$jar.head" | sed -n 's/^X-CSRF-Token: //p' > "$T/$jar.csrf"
}

# status ARGS...: the HTTP status of one request.
status() { curl_as "$@" -o /dev/null -w '%{http_code}'; }

# post JAR DATA URL: the HTTP status of a form POST with JAR's session
# and its CSRF token.
post() { status "$1" -X POST -H "X-CSRF-Token: $(cat "$T/$1.csrf")" --data "$2" "$3"; }

# release JAR ID PRINTER: a release through the API, its progress polled
# to the end: prints the POST's HTTP status; the stages the polls saw,
# one a line, in $T/JAR.stages; the POST's answer in $T/JAR.start, the
# last poll's in $T/JAR.release.
release() {
	local jar=$1 code rid i
	: > "$T/$jar.stages"
	code=$(curl_as "$jar" -o "$T/$jar.start" -w '%{http_code}' -X POST \
		-H "X-CSRF-Token: $(cat "$T/$jar.csrf")" --data "id=$2&printer=$3" \
		"$URL/api/jobs/release")
	cp "$T/$jar.start" "$T/$jar.release"
	[ "$code" = 202 ] && release_end "$jar" "$T/$jar.start" "$T/$jar.release" "$T/$jar.stages"
	echo "$code"
}

# release_end JAR START END STAGES: polls the release START (a POST's
# answer) names until it ends (a minute at most): its last answer in END,
# the stages seen appended to STAGES.
release_end() {
	local rid i
	rid=$(sed -n 's/.*"release":"\([0-9a-f]*\)".*/\1/p' "$2")
	for i in $(seq 1 300); do
		curl_as "$1" "$URL/api/jobs/release?id=$rid" > "$3"
		sed -n 's/.*"stage":"\([a-z]*\)".*/\1/p' "$3" >> "$4"
		grep -q '"finished":true' "$3" && return 0
		sleep 0.2
	done
}

browser() {
	FM_CHROME_PROFILE=$(mktemp -d "$T/chrome.XXXXXX") \
		/usr/bin/python3 "$FM_SRC/tests/web/console.py" "$URL" "$SHOTS" "$@" \
		2>>"$T/log/browser.log"
}

held() { fm_admin jobs list --user "$1" --json 2>/dev/null | grep -o '"id":' | wc -l; }

# The HTTP side reads no key, no spool file and no store; it runs as its
# own account, the store-side workers as followmed's.
case_sandbox() {
	local f
	for f in master.key badge.key ledger.key pki/ca.key pki/server.key followme.db; do
		grep -q "sandbox probe: $T/state/$f: Permission denied" "$T/log/webd.log" ||
			fm_die "$f not refused to the HTTP side"
	done
	grep "sandbox probe:" "$T/log/webd.log" | grep -q ": opened" &&
		fm_die "the HTTP side opened: $(grep 'sandbox probe:.*opened' "$T/log/webd.log")"
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$WEBD_PID/status")" = "$(id -u followme-web)" ] ||
		fm_die "the HTTP side does not run as followme-web"
	local w n=0
	for w in $(pgrep -P "$WEBD_PID"); do
		[ "$(awk '/^Uid:/ {print $2}' "/proc/$w/status")" = "$(id -u followme)" ] ||
			fm_die "worker $w does not run as followme"
		n=$((n + 1))
	done
	[ "$n" -eq 2 ] || fm_die "$n workers, not 2"
}

# TLS 1.2 and 1.3 with AEAD suites only; the security headers.
case_tls_and_headers() {
	echo | timeout 10 openssl s_client -tls1_1 -connect "127.0.0.1:$WPORT" 2>&1 |
		grep -q 'Cipher is (NONE)' || fm_die "TLS 1.1 accepted"
	echo | timeout 10 openssl s_client -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256 \
		-connect "127.0.0.1:$WPORT" 2>&1 | grep -q 'Cipher is (NONE)' || fm_die "a CBC suite accepted"
	echo | timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$WPORT" 2>&1 |
		grep -q 'Cipher is ECDHE-ECDSA-AES256-GCM-SHA384\|Cipher is ECDHE-ECDSA-CHACHA20\|Cipher is ECDHE-ECDSA-AES128-GCM' ||
		fm_die "TLS 1.2 with an AEAD suite refused"
	echo | timeout 10 openssl s_client -tls1_3 -connect "127.0.0.1:$WPORT" 2>&1 |
		grep -q 'TLSv1.3' || fm_die "TLS 1.3 refused"
	curl -sk -D "$T/h" -o /dev/null "$URL/"
	tr -d '\r' < "$T/h" > "$T/headers"
	grep -q "^Content-Security-Policy: .*script-src 'self';.*frame-ancestors 'none'" "$T/headers" ||
		fm_die "no CSP: $(cat "$T/headers")"
	grep -q '^Strict-Transport-Security: max-age=' "$T/headers" || fm_die "no HSTS"
	grep -q '^X-Content-Type-Options: nosniff' "$T/headers" || fm_die "no nosniff"
	# The page holds no inline script for the CSP to allow.
	curl -sk "$URL/" | grep -q '<script>' && fm_die "an inline script in the page"
	[ "$(status anon "$URL/../state/followme.db")" = 404 ] || fm_die "a path outside the pages served"
	[ "$(status anon -X DELETE "$URL/api/jobs")" = 405 ] || fm_die "a wrong method not refused"
	true
}

# A login needs the login token of the page; the session cookie is
# Secure, HttpOnly, SameSite=Strict, and a new one at each login.
case_login() {
	[ "$(status nocsrf --data 'user=fmalice&password=alice-pw' "$URL/api/login")" = 403 ] ||
		fm_die "a login without the token was not refused"
	grep -q fm_session "$T/nocsrf.jar" 2>/dev/null && fm_die "a session without the token"
	login_as fmalice alice-pw
	grep -qi '^Set-Cookie: __Host-fm_session=[0-9a-f]\{64\}; Path=/; Max-Age=[0-9]*; Secure; HttpOnly; SameSite=Strict' \
		"$T/fmalice.head" || fm_die "session cookie: $(grep -i set-cookie "$T/fmalice.head")"
	local first
	first=$(grep fm_session "$T/fmalice.jar" | awk '{print $7}')
	login_as fmalice alice-pw
	[ "$(grep fm_session "$T/fmalice.jar" | awk '{print $7}')" != "$first" ] ||
		fm_die "the same session id after a new login"
	[ "$(status fmalice "$URL/api/jobs")" = 200 ] || fm_die "jobs refused after login"
	[ "$(status wrong -H 'X-CSRF-Token: x' --data 'user=fmalice&password=nope' "$URL/api/login")" = 403 ] ||
		fm_die "a login with a made-up token was not refused"
	# Someone else logging in on this browser (a user the store does
	# not know yet) gets a session of their own, not fmalice's.
	login_as fmnew new-pw fmalice
	curl_as fmalice "$URL/api/session" | grep -q '"login":"fmnew"' ||
		fm_die "the new login is not fmnew's: $(curl_as fmalice "$URL/api/session")"
}

# A staff session is refused the admin and finance APIs; a state change
# without the CSRF token changes nothing.
case_roles_and_csrf() {
	login_as fmalice alice-pw
	[ "$(status fmalice "$URL/api/admin/users")" = 403 ] || fm_die "staff reached the admin API"
	[ "$(status fmalice "$URL/api/finance/report?from=$TODAY&to=$TODAY")" = 403 ] ||
		fm_die "staff reached the finance API"
	[ "$(status fmalice "$URL/api/finance/export?from=$TODAY&to=$TODAY")" = 403 ] ||
		fm_die "staff reached the export"
	local id
	id=$(fm_admin jobs list --user fmalice --json | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
	[ "$(status fmalice -X POST --data "id=$id" "$URL/api/jobs/delete")" = 403 ] ||
		fm_die "a delete without the CSRF token was not refused"
	[ "$(status fmalice -X POST -H 'X-CSRF-Token: 0123' --data "id=$id" "$URL/api/jobs/delete")" = 403 ] ||
		fm_die "a delete with a wrong CSRF token was not refused"
	[ "$(status fmalice -X POST -H "X-CSRF-Token: $(cat "$T/fmalice.csrf")" \
		-H 'Sec-Fetch-Site: cross-site' --data "id=$id" "$URL/api/jobs/delete")" = 403 ] ||
		fm_die "a cross-site delete was not refused"
	[ "$(held fmalice)" -eq 3 ] || fm_die "a refused delete deleted"
	# Another user's job is not there for this session.
	local bobs
	bobs=$(fm_admin jobs list --user fmbob --json | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
	[ "$(post fmalice "id=$bobs" "$URL/api/jobs/delete")" = 404 ] || fm_die "deleted another user's job"
	[ "$(held fmbob)" -eq 1 ] || fm_die "bob's job is gone"
}

# Logged out or expired, a session id is refused.
case_session_end() {
	login_as fmalice alice-pw
	cp "$T/fmalice.jar" "$T/old.jar"
	[ "$(status fmalice -X POST -H "X-CSRF-Token: $(cat "$T/fmalice.csrf")" "$URL/api/logout")" = 200 ] ||
		fm_die "logout refused"
	[ "$(status old "$URL/api/jobs")" = 401 ] || fm_die "a logged-out session still works"
	login_as fmalice alice-pw
	cp "$T/fmalice.jar" "$T/idle.jar"
	fm_as followme sqlite3 "$DB" "UPDATE web_sessions SET last_seen = last_seen - 7200" ||
		fm_die "cannot age the sessions"
	[ "$(status idle "$URL/api/jobs")" = 401 ] || fm_die "an idle session still works"
	[ "$(fm_as followme sqlite3 "$DB" 'SELECT count(*) FROM web_sessions')" -eq 0 ] ||
		fm_die "expired sessions are kept"
}

# Wrong passwords at the web lock the user out, at the terminals too.
case_lockout() {
	local i code
	for i in 1 2 3; do
		curl_as lock -o /dev/null "$URL/api/session"
		code=$(status lock -H "X-CSRF-Token: $(grep fm_login "$T/lock.jar" | awk '{print $7}')" \
			--data 'user=fmbob&password=wrong' "$URL/api/login")
		[ "$code" = 401 ] || fm_die "wrong password $i: HTTP $code"
	done
	code=$(status lock -H "X-CSRF-Token: $(grep fm_login "$T/lock.jar" | awk '{print $7}')" \
		--data 'user=fmbob&password=bob-pw' "$URL/api/login")
	[ "$code" = 429 ] || fm_die "the right password after 3 wrong ones: HTTP $code, not locked"
	printf 'hello\npin fmbob 5678\n' | fm_term t1 > "$T/term.out" 2>&1
	grep -q 'Too many failed attempts' "$T/term.out" ||
		fm_die "the terminal does not see the lockout: $(cat "$T/term.out")"
	# The wrong passwords also slow down logins from this address
	# (every case logs in from 127.0.0.1): forget those first.
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	# An admin unlocks fmbob from the console.
	login_as fmfin fin-pw
	fm_admin role grant fmfin admin >/dev/null || fm_die "role grant"
	[ "$(post fmfin 'login=fmbob' "$URL/api/admin/unlock")" = 200 ] || fm_die "unlock refused"
	fm_admin role revoke fmfin admin >/dev/null || fm_die "role revoke"
	login_as fmbob bob-pw
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'auth.unlock' AND target = 'fmbob' AND actor = 'fmfin'")" -eq 1 ] ||
		fm_die "the unlock is not in the audit trail"
}

# The console's own terminal is no device gone missing: idle between
# releases (it connects for each), on the API and in followme-admin.
case_web_terminal_state() {
	login_as fmbob bob-pw
	curl_as fmbob "$URL/api/admin/terminals" > "$T/terms.json"
	python3 - "$T/terms.json" <<'PY' || fm_die "terminals: $(cat "$T/terms.json")"
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["terminals"]}
sys.exit(0 if t["web"]["state"] == "idle" and not t["web"]["online"]
         and t["t1"]["state"] in ("offline", "connected") else 1)
PY
	fm_admin terminal list | grep -q '^web .*(web console).* idle$' ||
		fm_die "terminal list: $(fm_admin terminal list)"
}

# authlog_api JAR QUERY: the authentication log as JAR's session gets it.
authlog_api() { curl_as "$1" "$URL/api/admin/authlog?$2"; }

# authlog_has FILE LOGIN WHERE METHOD OUTCOME [BY]: FILE (the API's
# answer) lists such an event.
authlog_has() {
	python3 - "$@" <<'PY'
import json, sys
f, login, where, method, outcome = sys.argv[1:6]
by = sys.argv[6] if len(sys.argv) > 6 else ""
d = json.load(open(f))
sys.exit(0 if any(e["login"] == login and e["where"] == where and e["method"] == method
                  and e["outcome"] == outcome and e["by"] == by and e["at"] > 0
                  for e in d["events"]) else 1)
PY
}

# The authentication log: a wrong PIN at a terminal and wrong web
# passwords with their outcome, the lockout they make, the unlock from
# the API that clears and is logged, a disabled account; no PIN or
# password in the store; staff and finance refused.
case_authlog() {
	local code token i
	printf 'hello\npin fmdan 90817263\n' | fm_term t1 > "$T/al-term.out" 2>&1
	grep -q 'AUTH_FAIL' "$T/al-term.out" || fm_die "a wrong PIN logged in: $(cat "$T/al-term.out")"
	curl_as al -o /dev/null "$URL/api/session"
	token=$(grep fm_login "$T/al.jar" | awk '{print $7}')
	for i in 1 2; do
		code=$(status al -H "X-CSRF-Token: $token" --data 'user=fmdan&password=Wrong-pw-5521' "$URL/api/login")
		[ "$code" = 401 ] || fm_die "wrong password $i: HTTP $code"
	done
	code=$(status al -H "X-CSRF-Token: $token" --data 'user=fmdan&password=Dan-pw-4417' "$URL/api/login")
	[ "$code" = 429 ] || fm_die "not locked out after a wrong PIN and 2 wrong passwords: HTTP $code"
	# A name nobody has (people type passwords there too) is not kept.
	code=$(status al -H "X-CSRF-Token: $token" --data 'user=Typed-pw-6630&password=x' "$URL/api/login")
	[ "$code" = 401 ] || fm_die "an unknown user: HTTP $code"
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	login_as fmbob bob-pw
	authlog_api fmbob "login=fmdan" > "$T/al1.json"
	authlog_has "$T/al1.json" fmdan t1 pin wrong-secret || fm_die "no wrong PIN at t1: $(cat "$T/al1.json")"
	[ "$(grep -o '"outcome":"wrong-secret"' "$T/al1.json" | wc -l)" -eq 3 ] ||
		fm_die "not 3 wrong secrets: $(cat "$T/al1.json")"
	authlog_has "$T/al1.json" fmdan "web 127.0.0.1" password wrong-secret || fm_die "no wrong password"
	authlog_has "$T/al1.json" fmdan "web 127.0.0.1" password locked || fm_die "no locked-out login"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [l["login"] for l in d["locked"]] == ["fmdan"] and d["locked"][0]["failures"] == 3 and d["total"] == 4 else 1)' \
		"$T/al1.json" || fm_die "fmdan is not the one locked out, or not 4 events: $(cat "$T/al1.json")"
	authlog_api fmbob "outcome=unknown" > "$T/al2.json"
	authlog_has "$T/al2.json" "" "web 127.0.0.1" password unknown || fm_die "no unknown user: $(cat "$T/al2.json")"
	grep -q 'Typed-pw-6630' "$T/al2.json" && fm_die "the typed name is in the log"
	# Staff and finance are refused the log, and the unlock.
	login_as fmalice alice-pw
	[ "$(status fmalice "$URL/api/admin/authlog")" = 403 ] || fm_die "staff read the authentication log"
	[ "$(post fmalice 'login=fmdan' "$URL/api/admin/unlock")" = 403 ] || fm_die "staff unlocked"
	login_as fmfin fin-pw
	[ "$(status fmfin "$URL/api/admin/authlog")" = 403 ] || fm_die "finance read the authentication log"
	# Bad filters are refused with a reason.
	[ "$(status fmbob "$URL/api/admin/authlog?outcome=nope")" = 400 ] || fm_die "a bad outcome"
	[ "$(status fmbob "$URL/api/admin/authlog?from=2026-02-30")" = 400 ] || fm_die "a bad date"
	[ "$(status fmbob "$URL/api/admin/authlog?limit=100000")" = 400 ] || fm_die "a page too big"
	# The unlock clears the lockout and is logged with its admin.
	[ "$(post fmbob 'login=fmdan' "$URL/api/admin/unlock")" = 200 ] || fm_die "unlock refused"
	authlog_api fmbob "login=fmdan&from=$TODAY&to=2099-12-31" > "$T/al3.json"
	authlog_has "$T/al3.json" fmdan "web 127.0.0.1" admin unlocked fmbob || fm_die "no unlock: $(cat "$T/al3.json")"
	python3 -c 'import json,sys; sys.exit(0 if "fmdan" not in [l["login"] for l in json.load(open(sys.argv[1]))["locked"]] else 1)' \
		"$T/al3.json" || fm_die "still locked out: $(cat "$T/al3.json")"
	login_as fmdan Dan-pw-4417
	authlog_api fmbob "login=fmdan&outcome=success" > "$T/al4.json"
	authlog_has "$T/al4.json" fmdan "web 127.0.0.1" password success || fm_die "no success: $(cat "$T/al4.json")"
	# A disabled account, at the web and at a terminal by PIN.
	fm_admin user disable fmdan >/dev/null || fm_die "user disable"
	curl_as al2 -o /dev/null "$URL/api/session"
	code=$(status al2 -H "X-CSRF-Token: $(grep fm_login "$T/al2.jar" | awk '{print $7}')" \
		--data 'user=fmdan&password=Dan-pw-4417' "$URL/api/login")
	[ "$code" = 403 ] || fm_die "a disabled user: HTTP $code"
	fm_admin user enable fmdan >/dev/null || fm_die "user enable"
	fm_admin user disable fmeve >/dev/null || fm_die "user disable"
	printf 'hello\npin fmeve 31415926\n' | fm_term t1 > "$T/al-term2.out" 2>&1
	grep -q 'AUTH_FAIL code=.*may not print' "$T/al-term2.out" ||
		fm_die "a disabled user at a terminal: $(cat "$T/al-term2.out")"
	fm_admin user enable fmeve >/dev/null || fm_die "user enable"
	authlog_api fmbob "login=fmdan&outcome=disabled" > "$T/al5.json"
	authlog_has "$T/al5.json" fmdan "web 127.0.0.1" password disabled || fm_die "no disabled: $(cat "$T/al5.json")"
	authlog_api fmbob "login=fmeve" > "$T/al5.json"
	authlog_has "$T/al5.json" fmeve t1 pin disabled || fm_die "no disabled at t1: $(cat "$T/al5.json")"
	# followme-admin authlog prints the same log.
	fm_admin authlog --login fmdan > "$T/al.txt" || fm_die "followme-admin authlog"
	grep -q '^[0-9-]* [0-9:]* *fmdan *t1 *pin *wrong-secret' "$T/al.txt" || fm_die "authlog: $(cat "$T/al.txt")"
	grep -q 'admin *unlocked *fmbob' "$T/al.txt" || fm_die "authlog without the unlock: $(cat "$T/al.txt")"
	fm_admin authlog --login fmdan --since "$TODAY" --json > "$T/al.json" || fm_die "authlog --json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d) == 7 and d[-1]["outcome"] == "wrong-secret" and d[-1]["where"] == "t1" else 1)' \
		"$T/al.json" || fm_die "authlog --json: $(cat "$T/al.json")"
	fm_admin auth unlock --user fmdan >/dev/null || fm_die "auth unlock"
	[ "$(fm_admin authlog --login fmdan --outcome unlocked --json | grep -o '"by":"[^"]*"' | sort -u | wc -l)" -eq 2 ] ||
		fm_die "followme-admin's unlock is not logged with its admin: $(fm_admin authlog --login fmdan --json)"
	fm_admin authlog --since 2026-13-01 >/dev/null 2>&1 && fm_die "a bad date accepted"
	# No PIN or password, right or wrong, in the store's files.
	local secret
	for secret in 90817263 31415926 Wrong-pw-5521 Dan-pw-4417; do
		fm_as followme sh -c 'cat "$1" "$1-wal" 2>/dev/null' sh "$DB" | grep -aq -- "$secret" &&
			fm_die "$secret is in the store"
	done
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = 'Typed-pw-6630' OR place LIKE '%Typed%'")" -eq 0 ] ||
		fm_die "the typed name is in the authentication log"
	fm_admin auth unlock --terminal t1 >/dev/null || fm_die "unlock t1"
	true
}

case_browser_staff() {
	browser staff fmalice alice-pw "Procès-verbal — Hélène" "Brouillon à jeter" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	[ "$(held fmalice)" -eq 2 ] || fm_die "the job deleted in the page is still held"
	fm_admin badge list fmalice | grep -q 'blue card' && fm_die "the badge unlinked in the page is still hers"
	fm_admin jobs list --user fmalice --json | grep -q 'Brouillon' && fm_die "deleted job listed"
	true
}
fm_needs browser_staff roles_and_csrf

case_browser_french() {
	browser french fmalice alice-pw "Se connecter" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
}

# An admin moves and disables a user in the page; the store and the
# audit trail say so, and the disabled user cannot log in.
case_browser_admin() {
	local i unlocks
	# fmdan locked out by wrong PINs, for the authentication log's
	# Unlock (the terminal's own failures forgotten after).
	for i in 1 2 3; do
		printf 'hello\npin fmdan 11223344\n' | fm_term t1 >/dev/null 2>&1
	done
	fm_admin auth unlock --terminal t1 >/dev/null || fm_die "unlock t1"
	unlocks=$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = 'fmdan' AND outcome = 'unlocked' AND actor = 'fmbob'")
	browser admin fmbob bob-pw "Fanny" fmfin XSS fmdan || fm_die "$(tail -n 3 "$T/log/browser.log")"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = 'fmdan' AND outcome = 'unlocked' AND actor = 'fmbob'")" -eq $((unlocks + 1)) ] ||
		fm_die "the page's unlock is not in the authentication log"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_failures WHERE kind = 'user' AND key = 'fmdan'")" -eq 0 ] ||
		fm_die "the page's unlock left fmdan's failures"
	fm_admin user show fmfin | grep -q 'department: XSS' || fm_die "fmfin not moved"
	fm_admin user show fmfin | grep -q 'state:.*disabled' || fm_die "fmfin not disabled"
	# Their session from the lockout case ended with it.
	[ "$(status fmfin "$URL/api/session")" = 401 ] || fm_die "a disabled user's session still works"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND target = 'fmfin'")" -eq 2 ] ||
		fm_die "the audit trail lacks the two changes"
	curl_as gone -o /dev/null "$URL/api/session"
	[ "$(status gone -H "X-CSRF-Token: $(grep fm_login "$T/gone.jar" | awk '{print $7}')" \
		--data 'user=fmfin&password=fin-pw' "$URL/api/login")" = 403 ] || fm_die "a disabled user logged in"
	# Back as they were, for the finance case; an admin's change
	# without the CSRF token changes nothing.
	login_as fmbob bob-pw
	[ "$(status fmbob -X POST --data 'login=fmfin&enabled=yes' "$URL/api/admin/user")" = 403 ] ||
		fm_die "an admin change without the CSRF token"
	fm_admin user show fmfin | grep -q 'state:.*disabled' || fm_die "a refused change was made"
	for change in 'enabled=yes' 'department=FIN'; do
		[ "$(post fmbob "login=fmfin&$change" "$URL/api/admin/user")" = 200 ] || fm_die "$change refused"
	done
	# A staff member may not.
	login_as fmalice alice-pw
	[ "$(post fmalice 'login=fmalice&department=FIN' "$URL/api/admin/user")" = 403 ] ||
		fm_die "staff changed a user"
}
fm_needs browser_admin lockout

# An admin's Site page: a terminal connected, then offline when it
# stops; a department and a price added through the page, in the store
# and the audit trail; every held job, without its title.
case_browser_site() {
	rm -f "$T/site.seen"
	(printf 'hello 2\n'
		for _ in $(seq 1 600); do [ -e "$T/site.seen" ] && break; sleep 0.1; done) |
		fm_term t1 > "$T/site-term.out" 2>&1 &
	browser site fmbob bob-pw t1 "$T/site.seen" LAB "Labo <i>Pasteur</i>" "Procès-verbal" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	wait
	fm_admin dept list | grep -q '^LAB .*Labo <i>Pasteur</i>' || fm_die "department not added: $(fm_admin dept list)"
	fm_admin project list | grep -q '^CHANTIER-LAB ' || fm_die "project not added: $(fm_admin project list)"
	fm_admin price show | grep -q 'A3 .*colour.*duplex.*0.12' || fm_die "price not set: $(fm_admin price show)"
	fm_admin balance department LAB | grep -q '25.00' || fm_die "allocation not made: $(fm_admin balance department LAB)"
	fm_admin ledger verify | grep -q "Ledger OK" || fm_die "the ledger does not verify after the allocation"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND action = 'quota.grant' AND target = 'department LAB'")" -eq 1 ] ||
		fm_die "the allocation is not in the audit trail"
	# A retried submission is a replay; an adjustment needs its reason.
	login_as fmbob bob-pw
	local i code
	for i in 1 2; do
		code=$(post fmbob 'kind=user&name=fmcara&as=allocation&amount=2.00&reason=bonus&request_id=r1' "$URL/api/admin/quota")
		[ "$code" = "$([ "$i" = 1 ] && echo 200 || echo 409)" ] || fm_die "quota request $i: HTTP $code"
	done
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM ledger WHERE kind = 'allocation' AND reason = 'bonus'")" -eq 1 ] ||
		fm_die "a retried allocation was made twice"
	[ "$(post fmbob 'kind=user&name=fmcara&as=adjustment&amount=-1.00&reason=' "$URL/api/admin/quota")" = 400 ] ||
		fm_die "an adjustment without a reason"
	[ "$(post fmbob 'kind=user&name=fmcara&as=allocation&amount=-1.00&reason=x' "$URL/api/admin/quota")" = 400 ] ||
		fm_die "a negative allocation"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND action IN ('dept.add', 'price.set')")" -eq 2 ] ||
		fm_die "the audit trail lacks the department or the price"
	# A user's PIN reset and a badge of theirs unlinked, audited.
	echo 4321 | fm_admin user set-pin fmfin >/dev/null || fm_die "set-pin"
	fm_admin badge add fmfin 0E0F1011 --label "spare card" >/dev/null || fm_die "badge add"
	local fp
	fp=$(curl_as fmbob "$URL/api/admin/badges?login=fmfin" |
		python3 -c 'import json,sys; b=json.load(sys.stdin)["badges"]; print(b[0]["fingerprint"] if len(b) == 1 and b[0]["label"] == "spare card" else "")')
	[ -n "$fp" ] || fm_die "fmfin's badge not listed: $(curl_as fmbob "$URL/api/admin/badges?login=fmfin")"
	[ "$(post fmbob "login=fmfin&fingerprint=$fp" "$URL/api/admin/badges/remove")" = 200 ] || fm_die "badge unlink refused"
	fm_admin badge list fmfin | grep -q 'spare card' && fm_die "the badge unlinked is still fmfin's"
	[ "$(post fmbob "login=fmfin&pin=clear" "$URL/api/admin/user")" = 200 ] || fm_die "PIN reset refused"
	fm_admin user show fmfin | grep -q 'PIN: *not set' || fm_die "the PIN was not reset"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND target = 'fmfin' AND action IN ('badge.remove', 'user.pin_reset')")" -eq 2 ] ||
		fm_die "the badge and the PIN reset are not in the audit trail"
	curl_as fmbob "$URL/api/admin/ledger" | grep -q '"ok":true' || fm_die "ledger verify: $(curl_as fmbob "$URL/api/admin/ledger")"
	# Staff may not.
	login_as fmalice alice-pw
	[ "$(status fmalice "$URL/api/admin/ledger")" = 403 ] || fm_die "staff verified the ledger"
	[ "$(status fmalice "$URL/api/admin/badges?login=fmfin")" = 403 ] || fm_die "staff listed another's badges"
	[ "$(post fmalice 'login=fmfin&pin=clear' "$URL/api/admin/user")" = 403 ] || fm_die "staff reset a PIN"
	[ "$(post fmalice 'code=HACK&name=x' "$URL/api/admin/department")" = 403 ] || fm_die "staff added a department"
	[ "$(status fmalice "$URL/api/admin/jobs")" = 403 ] || fm_die "staff listed everyone's jobs"
	[ "$(post fmalice 'kind=user&name=fmalice&as=allocation&amount=100&reason=me' "$URL/api/admin/quota")" = 403 ] ||
		fm_die "staff gave themselves money"
	[ "$(post fmalice 'media=A4&colour=mono&sides=simplex&amount=0.00' "$URL/api/admin/price")" = 403 ] ||
		fm_die "staff set a price"
}
fm_needs browser_site browser_admin

# The year's report in the page; its CSV is followme-admin export's.
case_browser_finance() {
	local yesterday
	yesterday=$(date -d yesterday +%Y-%m-%d)
	browser finance fmfin fin-pw "$TODAY" "$T/download.csv" "$XSS_DEPT" "$yesterday" \
		RENOV-7 "$T/download-project.csv" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	fm_admin export --by department --from "${TODAY:0:4}-01-01" --to "$TODAY" > "$T/admin.csv" ||
		fm_die "export"
	cmp "$T/download.csv" "$T/admin.csv" || fm_die "the downloaded CSV differs from followme-admin export"
	grep -q ',XSS,' "$T/admin.csv" || fm_die "no charge in the export"
	# By project: the page's CSV, the API's report and JSON export are
	# followme-admin's, RENOV-7 its only row.
	fm_admin export --by project --from "${TODAY:0:4}-01-01" --to "$TODAY" > "$T/admin-project.csv" ||
		fm_die "export --by project"
	cmp "$T/download-project.csv" "$T/admin-project.csv" ||
		fm_die "the project CSV differs from followme-admin export: $(cat "$T/download-project.csv")"
	[ "$(tr -d '\r' < "$T/admin-project.csv" | cut -d, -f3-5 | tail -n +2)" = "RENOV-7,1,1" ] ||
		fm_die "the project export: $(cat "$T/admin-project.csv")"
	login_as fmfin fin-pw
	curl_as fmfin "$URL/api/finance/report?from=${TODAY:0:4}-01-01&to=$TODAY&by=project" > "$T/web-project.json"
	fm_admin --json report usage --by project --from "${TODAY:0:4}-01-01" --to "$TODAY" > "$T/admin-project.json" ||
		fm_die "report usage --by project"
	cmp "$T/web-project.json" "$T/admin-project.json" ||
		fm_die "the project report differs: $(cat "$T/web-project.json")"
	curl_as fmfin "$URL/api/finance/export?from=${TODAY:0:4}-01-01&to=$TODAY&by=project&format=json" \
		> "$T/web-project-export.json"
	fm_admin export --by project --from "${TODAY:0:4}-01-01" --to "$TODAY" --format json \
		> "$T/admin-project-export.json" || fm_die "export --by project --format json"
	cmp "$T/web-project-export.json" "$T/admin-project-export.json" ||
		fm_die "the project JSON export differs: $(cat "$T/web-project-export.json")"
	[ "$(status fmfin "$URL/api/finance/report?from=$TODAY&to=$TODAY&by=galaxy")" = 400 ] ||
		fm_die "by=galaxy not refused"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT value FROM policy WHERE key = 'closed_through'")" = "$yesterday" ] ||
		fm_die "the period was not closed"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmfin' AND action = 'period.close' AND after = '$yesterday'")" -eq 1 ] ||
		fm_die "the closing is not in the audit trail"
	# Staff may not close; a day to come may not be closed.
	login_as fmalice alice-pw
	[ "$(post fmalice "to=$yesterday" \
		"$URL/api/finance/close")" = 403 ] || fm_die "staff closed a period"
	login_as fmfin fin-pw
	[ "$(post fmfin "to=$(date -d tomorrow +%Y-%m-%d)" \
		"$URL/api/finance/close")" = 409 ] || fm_die "a day to come was closed"
}
fm_needs browser_finance browser_staff browser_admin

# cara_job TITLE: the id of fmcara's held job of that title.
cara_job() {
	fm_admin jobs list --user fmcara --json |
		python3 -c "import json,sys; print([j['id'] for j in json.load(sys.stdin) if j['title'] == sys.argv[1]][0])" "$1"
}

# The printers a person may pick, with what the printer says; a release
# through followmed prints the held bytes and charges them, once.
case_release_api() {
	login_as fmcara cara-pw
	local csrf id bobs
	csrf=$(cat "$T/fmcara.csrf")
	id=$(cara_job "Note de service — Noël") || fm_die "no job to release"
	curl_as fmcara "$URL/api/printers" > "$T/printers.json"
	python3 - "$T/printers.json" "$PLACE" <<'PY' || fm_die "printers: $(cat "$T/printers.json")"
import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["printers"] if p["name"] == "mfp1"][0]
sys.exit(0 if d["release"] and p["state"] == "ready" and p["location"] == sys.argv[2] else 1)
PY
	[ "$(status fmcara -X POST --data "id=$id&printer=mfp1" "$URL/api/jobs/release")" = 403 ] ||
		fm_die "a release without the CSRF token"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data "id=$id&printer=nowhere" \
		"$URL/api/jobs/release")" = 404 ] || fm_die "a release to an unknown printer"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data "id=$id&printer=mfp1&copies=x" \
		"$URL/api/jobs/release")" = 400 ] || fm_die "copies=x not refused"
	bobs=$(fm_admin jobs list --user fmbob --json | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data "id=$bobs&printer=mfp1" \
		"$URL/api/jobs/release")" = 404 ] || fm_die "released another user's job"
	[ "$(fm_printed_count)" -eq 0 ] || fm_die "a refused release printed"
	# The release answers at once with its id; the page polls it.
	[ "$(release fmcara "$id" mfp1)" = 202 ] || fm_die "release: $(cat "$T/fmcara.start")"
	grep -q '"release":"[0-9a-f]\{64\}","job":'"$id"',"stage":"accepted","finished":false}' \
		"$T/fmcara.start" || fm_die "release started: $(cat "$T/fmcara.start")"
	cp "$T/fmcara.release" "$T/release.json"
	grep -q "\"stage\":\"done\",\"finished\":true,\"status\":200,\"result\":{\"released\":$id,\"printer\":\"mfp1\",\"pages\":1,\"charge\":\"" "$T/release.json" ||
		fm_die "release: $(cat "$T/release.json")"
	[ "$(fm_printed_count)" -eq 1 ] || fm_die "the printer got $(fm_printed_count) jobs"
	cmp -s "$(ls -d "$T/mfp/printed/"* | head -n 1)" "$T/one.pdf" || fm_die "the printer did not get the held bytes"
	fm_admin jobs show "$id" | grep -q "state:    released" || fm_die "job not released"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM ledger WHERE job_id = $id AND kind = 'commit'")" -eq 1 ] ||
		fm_die "not charged once: $(fm_as followme sqlite3 "$DB" "SELECT * FROM ledger WHERE job_id = $id")"
	fm_admin ledger verify | grep -q "Ledger OK" || fm_die "the ledger does not verify"
	# Released, it is not there to release again.
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data "id=$id&printer=mfp1" \
		"$URL/api/jobs/release")" = 404 ] || fm_die "released twice"
	[ "$(fm_printed_count)" -eq 1 ] || fm_die "printed twice"
	# The release's end stays for its owner's session, and only theirs.
	local rid
	rid=$(sed -n 's/.*"release":"\([0-9a-f]*\)".*/\1/p' "$T/fmcara.start")
	[ "$(status fmcara "$URL/api/jobs/release?id=$rid")" = 200 ] || fm_die "the end was forgotten"
	login_as fmalice alice-pw
	curl_as fmalice -o "$T/other.json" -w '%{http_code}' "$URL/api/jobs/release?id=$rid" > "$T/other.code"
	[ "$(cat "$T/other.code")" = 404 ] && grep -q '"error":"no-such-release"' "$T/other.json" ||
		fm_die "another user read the release: $(cat "$T/other.code" "$T/other.json")"
	login_as fmbob bob-pw
	[ "$(status fmbob "$URL/api/jobs/release?id=$rid")" = 404 ] || fm_die "an admin read another's release"
	[ "$(curl -sk -o /dev/null -w '%{http_code}' "$URL/api/jobs/release?id=$rid")" = 401 ] ||
		fm_die "a release read without a session"
	# Ids that are not one, or nobody's.
	curl_as fmcara -o "$T/bad.json" -w '%{http_code}' "$URL/api/jobs/release?id=xyz" > "$T/bad.code"
	[ "$(cat "$T/bad.code")" = 400 ] && grep -q '"error":"bad-request"' "$T/bad.json" ||
		fm_die "a bad release id: $(cat "$T/bad.code" "$T/bad.json")"
	[ "$(status fmcara "$URL/api/jobs/release")" = 400 ] || fm_die "no release id"
	[ "$(status fmcara "$URL/api/jobs/release?id=${rid^^}")" = 400 ] || fm_die "an upper-case id"
	[ "$(status fmcara "$URL/api/jobs/release?id=$(printf '%064d' 0)")" = 404 ] || fm_die "an unknown release"
	[ "$(status fmcara -X PUT "$URL/api/jobs/release")" = 405 ] || fm_die "PUT on a release"
}

# A release's stages through the API, on a printer slow enough to see
# them: accepted, then followmed's (preparing, sent, printing), then the
# end with pages and charge.
case_release_progress() {
	local id
	login_as fmcara cara-pw
	id=$(cara_job "Lentement, par étapes") || fm_die "no job to release"
	[ "$(release fmcara "$id" slow1)" = 202 ] || fm_die "release: $(cat "$T/fmcara.start")"
	grep -q '"stage":"done","finished":true,"status":200,"result":{"released":'"$id"',"printer":"slow1","pages":1,"charge":"' \
		"$T/fmcara.release" || fm_die "the end: $(cat "$T/fmcara.release")"
	grep -qx printing "$T/fmcara.stages" ||
		fm_die "no printing stage seen: $(sort -u "$T/fmcara.stages" | tr '\n' ' ')"
	[ "$(ls "$T/slow/printed" | wc -l)" -eq 1 ] || fm_die "the slow printer printed $(ls "$T/slow/printed" | wc -l)"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM ledger WHERE job_id = $id AND kind = 'commit'")" -eq 1 ] ||
		fm_die "not charged once"
}
fm_needs release_progress roles_and_csrf
fm_needs release_api roles_and_csrf

# Only the web console's terminal logs people in by a web session, only
# with a live session, only at a printer an admin added.
case_release_auth_web() {
	login_as fmcara cara-pw
	local sid out
	sid=$(grep fm_session "$T/fmcara.jar" | awk '{print $7}')
	[ ${#sid} -eq 64 ] || fm_die "no session id in the jar"
	out=$(printf 'hello 2\nweb mfp1 %s\nlist\n' "$sid" | fm_term t1)
	echo "$out" | grep -q '^ERROR code=1 .*Only the web console' || fm_die "a terminal logged in by web session: $out"
	echo "$out" | grep -q '^JOB_LIST' && fm_die "a terminal listed jobs by web session: $out"
	out=$(printf 'hello 2\nweb mfp1 %064d\n' 0 | fm_term web)
	echo "$out" | grep -q '^AUTH_FAIL code=5' || fm_die "a made-up session id: $out"
	out=$(printf 'hello 2\nweb %s %s\n' "$MFP_URI" "$sid" | fm_term web)
	echo "$out" | grep -q '^ERROR code=9 .*no printer of that name' || fm_die "a URI for a printer: $out"
	out=$(printf 'hello 2\nweb mfp1 %s\nlist\n' "$sid" | fm_term web)
	echo "$out" | grep -q '^AUTH_OK user=fmcara' || fm_die "a live session refused: $out"
	echo "$out" | grep -q '^JOB_LIST' || fm_die "no list after a web login: $out"
	# Logged out, the session logs nobody in.
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $(cat "$T/fmcara.csrf")" "$URL/api/logout")" = 200 ] ||
		fm_die "logout refused"
	out=$(printf 'hello 2\nweb mfp1 %s\n' "$sid" | fm_term web)
	echo "$out" | grep -q '^AUTH_FAIL code=5' || fm_die "a logged-out session logged in: $out"
	# The authentication log has the web release's login, from the
	# browser's address, and the made-up ids with nobody's name.
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = 'fmcara' AND method = 'web' AND outcome = 'success' AND place = 'web 127.0.0.1'")" -ge 1 ] ||
		fm_die "the web release's login is not in the authentication log"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = '' AND method = 'web' AND outcome = 'unknown'")" -ge 2 ] ||
		fm_die "the refused web sessions are not in the authentication log"
}

# A print PIN from the console: the first needs only the password login,
# a change needs the old PIN, and wrong ones lock out as at a terminal.
case_pin() {
	local csrf
	login_as fmnew new-pw
	[ "$(post fmnew "new_pin=2468" "$URL/api/pin")" = 404 ] || fm_die "a PIN for a user the store does not know: $(curl_as fmnew -X POST -H "X-CSRF-Token: $(cat "$T/fmnew.csrf")" --data new_pin=2468 "$URL/api/pin")"
	login_as fmcara cara-pw
	csrf=$(cat "$T/fmcara.csrf")
	[ "$(status fmcara -X POST --data 'new_pin=2468' "$URL/api/pin")" = 403 ] ||
		fm_die "a PIN set without the CSRF token"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'new_pin=12ab' "$URL/api/pin")" = 400 ] ||
		fm_die "a PIN of letters"
	fm_admin user show fmcara | grep -q 'PIN: *not set' || fm_die "a refused PIN was set"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'new_pin=2468' "$URL/api/pin")" = 200 ] ||
		fm_die "a first PIN refused"
	fm_admin user show fmcara | grep -q 'PIN: *set' || fm_die "the first PIN not set"
	curl_as fmcara "$URL/api/session" | grep -q '"has_pin":true' || fm_die "the session does not say has_pin"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'new_pin=1357' "$URL/api/pin")" = 403 ] ||
		fm_die "a PIN changed without the old one"
	[ "$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'old_pin=2468&new_pin=1357' "$URL/api/pin")" = 200 ] ||
		fm_die "a PIN change with the right old PIN refused"
	local i code
	# The right PIN above cleared fmcara's failures but not the
	# address's, whose throttle (1 s after the third) would answer 429
	# before the user's lockout does, or not, as the clock goes: from
	# here only the user's lockout can refuse.
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	for i in 1 2 3; do
		code=$(status fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'old_pin=0000&new_pin=9999' "$URL/api/pin")
		[ "$code" = 403 ] || fm_die "wrong old PIN $i: $code"
	done
	# Three failures: fmcara is locked out, the right PIN too.
	curl_as fmcara -X POST -H "X-CSRF-Token: $csrf" --data 'old_pin=1357&new_pin=9999' \
		-o "$T/pin.json" -w '%{http_code}' "$URL/api/pin" > "$T/pin.code"
	[ "$(cat "$T/pin.code")" = 429 ] && grep -q '"error":"locked"' "$T/pin.json" ||
		fm_die "wrong PINs did not lock out: $(cat "$T/pin.code") $(cat "$T/pin.json")"
	fm_admin user show fmcara | grep -q 'PIN: *set' || fm_die "the PIN went"
	fm_admin auth unlock --user fmcara >/dev/null || fm_die "unlock"
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	grep -q '1357\|2468' "$T/log/webd.log" && fm_die "a PIN in the log"
	true
}
fm_needs pin release_api

# A phone opens the printer's QR address, logs in and prints.
case_browser_phone() {
	local before
	before=$(fm_printed_count)
	browser phone fmcara cara-pw mfp1 "Procès-verbal du téléphone" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	[ "$(fm_printed_count)" -eq $((before + 1)) ] || fm_die "the phone's release did not print"
	fm_admin jobs list --user fmcara --json | grep -q 'téléphone' && fm_die "the phone's job is still held"
	true
}
fm_needs browser_phone release_api

# On a phone, a release to a slow printer shows its stages, then the
# charge.
case_browser_progress() {
	local before
	before=$(ls "$T/slow/printed" | wc -l)
	browser progress fmcara cara-pw slow1 "Pas à pas, lentement" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	[ "$(ls "$T/slow/printed" | wc -l)" -eq $((before + 1)) ] || fm_die "the slow printer did not print it"
	fm_admin jobs list --user fmcara --json | grep -q 'Pas à pas' && fm_die "the job is still held"
	true
}

# Admins see each printer's state and its QR code label: the SVG
# followme-admin printer qr writes, byte for byte; staff may not.
case_admin_printers() {
	login_as fmbob bob-pw
	curl_as fmbob "$URL/api/admin/printers" > "$T/admin-printers.json"
	python3 - "$T/admin-printers.json" "$PLACE" "$WPORT" <<'PY' || fm_die "printers: $(cat "$T/admin-printers.json")"
import json, sys
d = json.load(open(sys.argv[1]))
p = [p for p in d["printers"] if p["name"] == "mfp1"][0]
ok = p["state"] == "ready" and p["location"] == sys.argv[2]
ok = ok and p["release_url"].startswith("https://") and p["release_url"].endswith(":%s/release/mfp1" % sys.argv[3])
sys.exit(0 if ok else 1)
PY
	local type
	type=$(curl_as fmbob -o "$T/label-web.svg" -w '%{content_type}' "$URL/api/admin/printer-label?name=mfp1")
	[ "$type" = "image/svg+xml" ] || fm_die "the label came as $type"
	(umask 022 && fm_admin printer qr mfp1 --out "$T/label-cli.svg" --force) >/dev/null ||
		fm_die "printer qr mfp1"
	cmp -s "$T/label-web.svg" "$T/label-cli.svg" || fm_die "the console's label differs from followme-admin printer qr's"
	python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T/label-web.svg" ||
		fm_die "the label is not well-formed XML (the location holds <b>&)"
	[ "$(status fmbob "$URL/api/admin/printer-label?name=nowhere")" = 404 ] || fm_die "a label for no printer"
	[ "$(status fmbob "$URL/api/admin/printer-label")" = 404 ] || fm_die "a label for no name"
	login_as fmalice alice-pw
	[ "$(status fmalice "$URL/api/admin/printers")" = 403 ] || fm_die "staff listed the admins' printers"
	[ "$(status fmalice "$URL/api/admin/printer-label?name=mfp1")" = 403 ] || fm_die "staff got a label"
}
fm_needs admin_printers roles_and_csrf

# Projects from the Site page: added, a person let charge one, audited;
# a taken code and an unknown login refused; staff may not.
case_admin_projects() {
	login_as fmbob bob-pw
	[ "$(post fmbob 'code=AUDIT-2027' "$URL/api/admin/project")" = 200 ] || fm_die "project add refused"
	[ "$(post fmbob 'code=AUDIT-2027' "$URL/api/admin/project")" = 409 ] || fm_die "a project added twice"
	[ "$(post fmbob 'code=AUDIT-2027&login=fmcara' "$URL/api/admin/project")" = 200 ] || fm_die "project allow refused"
	[ "$(post fmbob 'code=AUDIT-2027&login=nobody' "$URL/api/admin/project")" = 409 ] || fm_die "an unknown login allowed"
	[ "$(post fmbob 'code=NOPE&login=fmcara' "$URL/api/admin/project")" = 409 ] || fm_die "no such project, allowed"
	[ "$(post fmbob 'code=' "$URL/api/admin/project")" = 400 ] || fm_die "an empty code"
	[ "$(status fmbob -X POST --data 'code=CSRF' "$URL/api/admin/project")" = 403 ] || fm_die "a project without the CSRF token"
	curl_as fmbob "$URL/api/admin/projects" | grep -q '"code":"AUDIT-2027","members":1,' ||
		fm_die "projects: $(curl_as fmbob "$URL/api/admin/projects")"
	fm_admin project list | grep -q '^AUDIT-2027 .* 1 ' || fm_die "project list: $(fm_admin project list)"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND target = 'AUDIT-2027' AND action IN ('project.add', 'project.allow')")" -eq 2 ] ||
		fm_die "the project's changes are not in the audit trail"
	login_as fmalice alice-pw
	[ "$(status fmalice "$URL/api/admin/projects")" = 403 ] || fm_die "staff listed the projects"
	[ "$(post fmalice 'code=MINE' "$URL/api/admin/project")" = 403 ] || fm_die "staff added a project"
}
fm_needs admin_projects roles_and_csrf

# bearer TOKEN ARGS...: one request with an API token and no cookie.
bearer() {
	local tok=$1
	shift
	curl -sk -H "Authorization: Bearer $tok" "$@"
}

# Scripts with per-person API tokens: a token acts as its owner with the
# owner's roles of the moment, without cookie or CSRF token, and only
# through the API; bad ones are refused and slow the address down; no
# token is written to any log.
case_api_tokens() {
	local fin staff role dis id year hex
	year="${TODAY:0:4}-01-01"
	fin=$(fm_admin token add fmfin --name "monthly export" 2>"$T/token.err") ||
		fm_die "token add: $(cat "$T/token.err")"
	[[ $fin =~ ^fmt_[0-9a-f]{64}$ ]] || fm_die "not a token: $fin"
	grep -q 'shown only now' "$T/token.err" || fm_die "no word that it is shown once"
	# The finance export with a token: followme-admin export's bytes.
	[ "$(bearer "$fin" -o "$T/token.csv" -w '%{http_code}' \
		"$URL/api/finance/export?from=$year&to=$TODAY&by=department&format=csv")" = 200 ] ||
		fm_die "the export refused a finance token: $(cat "$T/token.csv")"
	fm_admin export --by department --from "$year" --to "$TODAY" > "$T/token-admin.csv" ||
		fm_die "export"
	cmp "$T/token.csv" "$T/token-admin.csv" || fm_die "the token's CSV differs from followme-admin export"
	grep -q ',XSS,' "$T/token.csv" || fm_die "no charge in the token's export"
	bearer "$fin" "$URL/api/finance/export?from=$year&to=$TODAY&by=department&format=json" \
		> "$T/token.json" || fm_die "json export"
	fm_admin export --by department --from "$year" --to "$TODAY" --format json > "$T/token-admin.json" ||
		fm_die "export --format json"
	cmp "$T/token.json" "$T/token-admin.json" || fm_die "the token's JSON differs from followme-admin export"
	bearer "$fin" "$URL/api/session" | grep -q '"login":"fmfin".*"finance"' ||
		fm_die "the token is not fmfin's: $(bearer "$fin" "$URL/api/session")"
	# Its uses are in the authentication log once a minute at most, as
	# its last-use stamp is: three requests, one event.
	tokenuses() {
		fm_as followme sqlite3 "$DB" "SELECT count(*) FROM auth_events WHERE login = 'fmfin'
			AND method = 'token' AND outcome = 'success' AND place = 'web 127.0.0.1'"
	}
	[ "$(tokenuses)" -eq 1 ] || fm_die "token uses logged: $(tokenuses), not 1"
	fm_as followme sqlite3 "$DB" "UPDATE api_tokens SET last_used = last_used - 61 WHERE owner = 'fmfin'" ||
		fm_die "cannot age the last use"
	bearer "$fin" -o /dev/null "$URL/api/session"
	bearer "$fin" -o /dev/null "$URL/api/session"
	[ "$(tokenuses)" -eq 2 ] || fm_die "a minute later, token uses logged: $(tokenuses), not 2"
	# The admins see them in the Logins page's API and followme-admin.
	login_as fmbob bob-pw
	authlog_api fmbob "login=fmfin" > "$T/al-token.json"
	authlog_has "$T/al-token.json" fmfin "web 127.0.0.1" token success ||
		fm_die "no token use in the API's log: $(cat "$T/al-token.json")"
	fm_admin authlog --login fmfin > "$T/al-token.txt" || fm_die "followme-admin authlog"
	grep -q '^[0-9-]* [0-9:]* *fmfin *web 127.0.0.1 *token *success' "$T/al-token.txt" ||
		fm_die "followme-admin authlog: $(cat "$T/al-token.txt")"
	# A staff token: staff's API, not the admins'; a POST without CSRF.
	staff=$(fm_admin token add fmalice --name laptop 2>/dev/null) || fm_die "token add fmalice"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' "$URL/api/admin/users")" = 403 ] ||
		fm_die "a staff token reached the admin API"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' "$URL/api/finance/report?from=$TODAY&to=$TODAY")" = 403 ] ||
		fm_die "a staff token reached the finance API"
	id=$(fm_admin jobs list --user fmalice --json | grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2)
	[ -n "$id" ] || fm_die "fmalice has no held job"
	[ "$(bearer "$staff" -o "$T/keep.json" -w '%{http_code}' -X POST --data "id=$id" "$URL/api/jobs/keep")" = 200 ] ||
		fm_die "a POST with a token and no CSRF token refused: $(cat "$T/keep.json")"
	# What a token may not do.
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' -X POST --data "name=more" "$URL/api/tokens/add")" = 403 ] ||
		fm_die "a token made a token"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' -X POST --data "new_pin=4321" "$URL/api/pin")" = 403 ] ||
		fm_die "a token changed a PIN"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' -X POST "$URL/api/logout")" = 403 ] ||
		fm_die "a token logged out"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' -X POST --data "id=$id&printer=mfp1" "$URL/api/jobs/release")" = 403 ] ||
		fm_die "a token released a job"
	[ "$(bearer "$staff" -o /dev/null -w '%{http_code}' "$URL/")" = 403 ] || fm_die "a token reached a page"
	# A cookie session still needs its CSRF token, whatever tokens do.
	login_as fmalice alice-pw
	[ "$(status fmalice -X POST --data "id=$id" "$URL/api/jobs/keep")" = 403 ] ||
		fm_die "a session's POST without the CSRF token was not refused"
	# The roles of the moment: a role taken back stops working.
	fm_admin user add fmrole --name "Rôle Repris" --department FIN >/dev/null || fm_die "user add fmrole"
	fm_admin role grant fmrole finance >/dev/null || fm_die "role grant fmrole"
	role=$(fm_admin token add fmrole --name cron 2>/dev/null) || fm_die "token add fmrole"
	[ "$(bearer "$role" -o /dev/null -w '%{http_code}' "$URL/api/finance/report?from=$TODAY&to=$TODAY")" = 200 ] ||
		fm_die "a finance token refused the report"
	fm_admin role revoke fmrole finance >/dev/null || fm_die "role revoke"
	[ "$(bearer "$role" -o /dev/null -w '%{http_code}' "$URL/api/finance/report?from=$TODAY&to=$TODAY")" = 403 ] ||
		fm_die "a token kept a role taken back"
	# A disabled user's token is refused.
	fm_admin user add fmdis --name "Dis Abled" >/dev/null || fm_die "user add fmdis"
	dis=$(fm_admin token add fmdis --name x 2>/dev/null) || fm_die "token add fmdis"
	fm_admin user disable fmdis >/dev/null || fm_die "user disable"
	[ "$(bearer "$dis" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 403 ] ||
		fm_die "a disabled user's token was not refused"
	# Revoked and expired: 401, a clear error, WWW-Authenticate.
	fm_admin token revoke "$(fm_admin token list fmrole --json | grep -o '"id":[0-9]*' | cut -d: -f2)" \
		>/dev/null || fm_die "token revoke"
	bearer "$role" -D "$T/rev.head" -o "$T/rev.json" "$URL/api/jobs"
	grep -q '^HTTP/1.1 401' "$T/rev.head" || fm_die "a revoked token: $(head -n 1 "$T/rev.head")"
	grep -qi '^WWW-Authenticate: Bearer' "$T/rev.head" || fm_die "no WWW-Authenticate for a revoked token"
	grep -q '"error":"token-revoked"' "$T/rev.json" || fm_die "revoked: $(cat "$T/rev.json")"
	fm_as followme sqlite3 "$DB" "UPDATE api_tokens SET expires_at = 1 WHERE owner = 'fmdis'" ||
		fm_die "cannot age the token"
	fm_admin user enable fmdis >/dev/null || fm_die "user enable"
	bearer "$dis" -o "$T/exp.json" "$URL/api/jobs"
	grep -q '"error":"token-expired"' "$T/exp.json" || fm_die "expired: $(cat "$T/exp.json")"
	fm_admin token list fmdis | grep -q expired || fm_die "token list does not say expired"
	# followme-admin's refusals, each with its reason.
	fm_admin token add nobody-here --name x >/dev/null 2>"$T/e" && fm_die "a token for an unknown user"
	grep -q 'no user nobody-here' "$T/e" || fm_die "unknown user: $(cat "$T/e")"
	fm_admin token add fmfin --expires 0 >/dev/null 2>"$T/e"
	[ $? -eq 2 ] && grep -q 'expires is a number of days' "$T/e" || fm_die "--expires 0: $(cat "$T/e")"
	fm_admin token add fmfin --name "$(printf 'a\tb')" >/dev/null 2>"$T/e"
	[ $? -eq 2 ] && grep -q 'control' "$T/e" || fm_die "a name with a tab: $(cat "$T/e")"
	fm_admin token revoke 99999 2>"$T/e" && fm_die "revoked no token"
	grep -q 'no token 99999' "$T/e" || fm_die "no such token: $(cat "$T/e")"
	fm_admin token revoke "$(fm_admin token list fmrole --json | grep -o '"id":[0-9]*' | cut -d: -f2)" \
		2>"$T/e" && fm_die "revoked twice"
	grep -q 'revoked already' "$T/e" || fm_die "revoked twice: $(cat "$T/e")"
	fm_admin token revoke abc 2>"$T/e"
	[ $? -eq 2 ] && grep -q "'abc' is not a token id" "$T/e" || fm_die "a bad id: $(cat "$T/e")"
	# list shows the last use, and no secret.
	fm_admin token list fmfin --json > "$T/list.json" || fm_die "token list"
	grep -q '"last_used":[1-9]' "$T/list.json" || fm_die "no last use: $(cat "$T/list.json")"
	grep -q '"name":"monthly export"' "$T/list.json" || fm_die "no name: $(cat "$T/list.json")"
	grep -q "${fin#fmt_}" "$T/list.json" && fm_die "the list shows the token"
	# The audit trail has the changes, without the secret.
	login_as fmbob bob-pw
	curl_as fmbob "$URL/api/admin/audit" > "$T/audit.json"
	grep -q '"action":"token.add"' "$T/audit.json" && grep -q '"action":"token.revoke"' "$T/audit.json" ||
		fm_die "token changes not audited: $(head -c 600 "$T/audit.json")"
	grep -q 'fmt_' "$T/audit.json" && fm_die "a token in the audit trail"
	for hex in "${fin#fmt_}" "${staff#fmt_}" "${role#fmt_}" "${dis#fmt_}"; do
		grep -rlF "$hex" "$T/log" "$T/state" 2>/dev/null && fm_die "a token in a log or state file"
	done
	true
}

# The Logins page names a token's use, in English and in French.
case_browser_authlog_token() {
	browser authlog_token fmbob bob-pw fmfin en-GB "API token" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	browser authlog_token fmbob bob-pw fmfin fr-FR "Jeton d’API" ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
}
fm_needs browser_authlog_token api_tokens

# Tokens in the console: a person makes, lists and revokes their own; an
# admin revokes anyone's; nobody else's.
case_api_tokens_web() {
	local tok tid
	login_as fmalice alice-pw
	[ "$(post fmalice "name=Mon+script" "$URL/api/tokens/add")" = 200 ] || fm_die "token add on the web"
	curl_as fmalice -X POST -H "X-CSRF-Token: $(cat "$T/fmalice.csrf")" --data "name=Second&expires=30" \
		"$URL/api/tokens/add" > "$T/add.json"
	tok=$(grep -o '"token":"fmt_[0-9a-f]*"' "$T/add.json" | cut -d'"' -f4)
	tid=$(grep -o '"id":[0-9]*' "$T/add.json" | cut -d: -f2)
	[[ $tok =~ ^fmt_[0-9a-f]{64}$ ]] || fm_die "no token in $(cat "$T/add.json")"
	[ "$(bearer "$tok" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 200 ] || fm_die "the web's token refused"
	[ "$(status fmalice -X POST --data "name=x" "$URL/api/tokens/add")" = 403 ] ||
		fm_die "a token made without the CSRF token"
	[ "$(post fmalice "name=" "$URL/api/tokens/add")" = 400 ] || fm_die "a token without a name"
	[ "$(post fmalice "name=x&expires=abc" "$URL/api/tokens/add")" = 400 ] || fm_die "a bad expiry"
	curl_as fmalice "$URL/api/tokens" > "$T/mine.json"
	grep -q '"name":"Second"' "$T/mine.json" && grep -q '"name":"Mon script"' "$T/mine.json" ||
		fm_die "my tokens: $(cat "$T/mine.json")"
	grep -q 'fmt_' "$T/mine.json" && fm_die "the list shows a secret"
	[ "$(status fmalice "$URL/api/tokens?login=fmfin")" = 403 ] || fm_die "staff listed another's tokens"
	# Someone else's token: not there for a non-admin.
	login_as fmcara cara-pw
	[ "$(post fmcara "id=$tid" "$URL/api/tokens/revoke")" = 404 ] || fm_die "revoked another's token"
	[ "$(bearer "$tok" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 200 ] || fm_die "the token went"
	# An admin revokes anyone's.
	login_as fmbob bob-pw
	curl_as fmbob "$URL/api/tokens?login=fmalice" | grep -q '"name":"Second"' || fm_die "an admin cannot list"
	[ "$(post fmbob "id=$tid" "$URL/api/tokens/revoke")" = 200 ] || fm_die "an admin cannot revoke"
	[ "$(bearer "$tok" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 401 ] || fm_die "a revoked token works"
	[ "$(post fmbob "id=$tid" "$URL/api/tokens/revoke")" = 404 ] || fm_die "revoked twice"
	grep -rlF "${tok#fmt_}" "$T/log" "$T/state" 2>/dev/null && fm_die "a token in a log or state file"
	true
}

# Bad tokens: garbage, an over-long header, unknown: 401 and counted
# against the address like wrong passwords, until it must wait (429),
# a good token too; an admin's unlock of the address ends it.
case_api_token_guessing() {
	local good n401=0 code i
	# The count starts from none, whatever the cases before left.
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	good=$(fm_admin token add fmfin --name guessing 2>/dev/null) || fm_die "token add"
	code=$(bearer "garbage" -o "$T/g.json" -D "$T/g.head" -w '%{http_code}' "$URL/api/jobs")
	[ "$code" = 401 ] || fm_die "a garbage token: $code"
	grep -q '"error":"token-invalid"' "$T/g.json" || fm_die "garbage: $(cat "$T/g.json")"
	grep -qi '^WWW-Authenticate: Bearer.*invalid_token' "$T/g.head" || fm_die "no WWW-Authenticate"
	[ "$(bearer "fmt_$(printf 'ab%.0s' $(seq 1 3000))" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 401 ] ||
		fm_die "an over-long token not refused"
	n401=2
	for i in $(seq 1 60); do
		code=$(bearer "fmt_$(printf '%064x' "$i")" -o /dev/null -w '%{http_code}' "$URL/api/jobs")
		case $code in
		401) n401=$((n401 + 1)) ;;
		429) ;;
		*) fm_die "an unknown token: $code" ;;
		esac
		[ "$n401" -ge 5 ] && [ "$code" = 429 ] && break
		sleep 0.25
	done
	[ "$code" = 429 ] || fm_die "bad tokens were never slowed down ($n401 refused)"
	[ "$(bearer "$good" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 429 ] ||
		fm_die "a good token was looked up while the address waits"
	fm_admin auth unlock --terminal "web 127.0.0.1" >/dev/null || fm_die "unlock the address"
	[ "$(bearer "$good" -o /dev/null -w '%{http_code}' "$URL/api/jobs")" = 200 ] ||
		fm_die "the good token after the unlock"
	# Another scheme (a reverse proxy's Basic) is not a token: the
	# cookie decides.
	login_as fmalice alice-pw
	curl_as fmalice -H "Authorization: Basic Zm1hbGljZTp4" "$URL/api/session" | grep -q '"login":"fmalice"' ||
		fm_die "a Basic header was taken for a token"
	# A cookie beside a token is not looked at.
	login_as fmalice alice-pw
	curl_as fmalice -H "Authorization: Bearer $good" "$URL/api/session" | grep -q '"login":"fmfin"' ||
		fm_die "the cookie won over the token"
	true
}

# The account page's API tokens in the browser, with screenshots.
case_browser_tokens() {
	browser tokens fmalice alice-pw "Tableur de Noël" || fm_die "$(tail -n 3 "$T/log/browser.log")"
	fm_admin token list fmalice | grep 'Tableur de Noël' | grep -q revoked ||
		fm_die "the token revoked in the page: $(fm_admin token list fmalice)"
	# An admin revokes someone else's in the users' page.
	fm_admin token add fmalice --name "Vieux script" >/dev/null 2>&1 || fm_die "token add"
	browser admin_tokens fmbob bob-pw fmalice "Vieux script" || fm_die "$(tail -n 3 "$T/log/browser.log")"
	fm_admin token list fmalice | grep 'Vieux script' | grep -q revoked ||
		fm_die "the token the admin revoked: $(fm_admin token list fmalice)"
	grep -rl 'fmt_[0-9a-f]\{64\}' "$T/log" 2>/dev/null && fm_die "a token in a log"
	true
}

# An unrestricted account shows no limit (it showed INT64_MAX as money);
# a restricted one what it may still spend.
case_balance_limit() {
	login_as fmalice alice-pw
	curl_as fmalice "$URL/api/balance" | grep -q '"user":{[^}]*"available":null,"restricted":false}' ||
		fm_die "unrestricted: $(curl_as fmalice "$URL/api/balance")"
	fm_admin quota limit --user fmalice --restricted --overdraft 1.00 >/dev/null || fm_die "quota limit"
	# -€0.30 (six pages at €0.05) and €1.00 of overdraft
	curl_as fmalice "$URL/api/balance" | grep -q '"user":{[^}]*"available":"€0.70","restricted":true}' ||
		fm_die "restricted: $(curl_as fmalice "$URL/api/balance")"
	fm_admin quota limit --user fmalice --unrestricted >/dev/null || fm_die "quota limit"
}
fm_needs balance_limit login

# printer_add JAR NAME URI [LOCATION]: POST /api/admin/printer with
# JAR's session: prints the HTTP status and the answer's error code.
printer_add() {
	local code
	code=$(curl_as "$1" -o "$T/printer-add.json" -w '%{http_code}' -X POST \
		-H "X-CSRF-Token: $(cat "$T/$1.csrf")" --data-urlencode "name=$2" \
		--data-urlencode "uri=$3" --data-urlencode "location=${4:-}" "$URL/api/admin/printer")
	echo "$code $(sed -n 's/.*"error":"\([a-z-]*\)".*/\1/p' "$T/printer-add.json")"
}

# Printers added from the console: followme-admin printer add's checks
# (shared, not copied: the command says the same), each bad value a 400
# naming it, a taken name a 409; at once in the admins' list and the
# release page's; audited; staff and requests without the CSRF token
# refused.
case_admin_printer_add() {
	local long got
	login_as fmbob bob-pw
	got=$(printer_add fmbob lobby2 "$MFP_URI" "Hall B <i>rez</i> — côté cour")
	[ "$got" = "200 " ] || fm_die "printer add: $got $(cat "$T/printer-add.json")"
	[ "$(printer_add fmbob lobby2 "$MFP_URI")" = "409 taken" ] || fm_die "a name added twice"
	[ "$(printer_add fmbob 'lobby 3' "$MFP_URI")" = "400 bad-name" ] || fm_die "a name with a space"
	long=$(printf 'p%.0s' $(seq 1 64))
	[ "$(printer_add fmbob "$long" "$MFP_URI")" = "400 name-too-long" ] || fm_die "a 64-character name"
	[ "$(printer_add fmbob lobby3 'http://127.0.0.1/ipp/print')" = "400 bad-uri" ] || fm_die "an http:// URI"
	[ "$(printer_add fmbob lobby3 'ipp://')" = "400 bad-uri-form" ] || fm_die "an ipp:// URI without a host"
	[ "$(printer_add fmbob lobby3 'ipp://host /ipp')" = "400 bad-uri-form" ] || fm_die "a URI with a space"
	[ "$(printer_add fmbob lobby3 "ipp://h/$(printf 'u%.0s' $(seq 1 260))")" = "400 uri-too-long" ] ||
		fm_die "a 268-character URI"
	[ "$(printer_add fmbob lobby3 "$MFP_URI" "$(printf 'x%.0s' $(seq 1 128))")" = "400 location-too-long" ] ||
		fm_die "a 128-byte location"
	[ "$(printer_add fmbob lobby3 "$MFP_URI" "$(printf 'two\nlines')")" = "400 bad-location" ] ||
		fm_die "a location on two lines"
	[ "$(post fmbob 'name=lobby3' "$URL/api/admin/printer")" = 400 ] || fm_die "a printer without its URI"
	printer_add fmbob lobby3 'ipp://' >/dev/null
	grep -q '"message":"The printer.s URI needs a host' "$T/printer-add.json" ||
		fm_die "no clear message: $(cat "$T/printer-add.json")"
	# followme-admin printer add says the same: one check for both.
	fm_admin printer add lobby3 --uri 'ipp://' 2>&1 | grep -q "URI needs a host after ipp://" ||
		fm_die "printer add (the command): $(fm_admin printer add lobby3 --uri 'ipp://' 2>&1)"
	[ "$(status fmbob -X POST --data-urlencode name=lobby4 --data-urlencode "uri=$MFP_URI" "$URL/api/admin/printer")" = 403 ] ||
		fm_die "a printer added without the CSRF token"
	fm_admin printer list | grep -q '^lobby3 \|^lobby4 \|^pp' && fm_die "a refused printer was added"
	fm_admin printer list | grep -q '^lobby2 ' || fm_die "printer list: $(fm_admin printer list)"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND action = 'printer.add' AND target = 'lobby2' AND before = '' AND after = '$MFP_URI at Hall B <i>rez</i> — côté cour'")" -eq 1 ] ||
		fm_die "the printer is not in the audit trail: $(fm_as followme sqlite3 "$DB" "SELECT * FROM audit WHERE action = 'printer.add'")"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'printer.add'")" -eq 1 ] ||
		fm_die "a refused printer is in the audit trail"
	curl_as fmbob "$URL/api/admin/printers" > "$T/lobby2.json"
	python3 - "$T/lobby2.json" <<'PY' || fm_die "admins' printers: $(cat "$T/lobby2.json")"
import json, sys
p = [p for p in json.load(open(sys.argv[1]))["printers"] if p["name"] == "lobby2"]
sys.exit(0 if p and p[0]["location"] == "Hall B <i>rez</i> — côté cour" and p[0]["state"] == "ready" else 1)
PY
	# The release page's list, a staff member's.
	login_as fmalice alice-pw
	curl_as fmalice "$URL/api/printers" | grep -q '"name":"lobby2"' ||
		fm_die "release page's printers: $(curl_as fmalice "$URL/api/printers")"
	[ "$(printer_add fmalice lobby5 "$MFP_URI")" = "403 forbidden" ] || fm_die "staff added a printer"
}
fm_needs admin_printer_add roles_and_csrf

# A terminal removed from the console: refused by followmed from then on
# (test helper fm-term with its certificate), audited; unknown or
# removed already is 404; the console's own terminal is kept (409);
# staff and requests without the CSRF token refused.  In the browser:
# the Remove button, and the command that adds one.
case_admin_terminal_remove() {
	local t
	for t in t8 t9; do
		fm_admin terminal add "$t" --printer mfp1 >/dev/null || fm_die "terminal add $t"
	done
	fm_copy_pki
	for t in t8 t9; do
		printf 'hello\n' | fm_term "$t" | grep -q '^HELLO_OK' || fm_die "$t not served before its removal"
	done
	login_as fmalice alice-pw
	[ "$(post fmalice 'name=t9' "$URL/api/admin/terminal/remove")" = 403 ] || fm_die "staff removed a terminal"
	login_as fmbob bob-pw
	[ "$(status fmbob -X POST --data 'name=t9' "$URL/api/admin/terminal/remove")" = 403 ] ||
		fm_die "a terminal removed without the CSRF token"
	printf 'hello\n' | fm_term t9 | grep -q '^HELLO_OK' || fm_die "t9 removed by a refused request"
	[ "$(post fmbob 'name=web' "$URL/api/admin/terminal/remove")" = 409 ] || fm_die "the console's own terminal removed"
	curl_as fmbob -X POST -H "X-CSRF-Token: $(cat "$T/fmbob.csrf")" --data 'name=web' "$URL/api/admin/terminal/remove" |
		grep -q '"error":"web-terminal","message":"This is the web console.s own connection' ||
		fm_die "no clear refusal for the console's terminal"
	fm_admin terminal list | grep -q '^web ' || fm_die "the console's terminal is gone: $(fm_admin terminal list)"
	[ "$(post fmbob 'name=nowhere' "$URL/api/admin/terminal/remove")" = 404 ] || fm_die "an unknown terminal removed"
	[ "$(post fmbob 'name=' "$URL/api/admin/terminal/remove")" = 400 ] || fm_die "no name"
	[ "$(post fmbob 'name=t9' "$URL/api/admin/terminal/remove")" = 200 ] || fm_die "terminal remove refused"
	[ "$(post fmbob 'name=t9' "$URL/api/admin/terminal/remove")" = 404 ] || fm_die "a terminal removed twice"
	if printf 'hello\n' | fm_term t9 | grep -q '^HELLO_OK'; then
		fm_die "a removed terminal is still served"
	fi
	grep -q "certificate of an unknown or removed terminal" "$T/log/followmed.log" ||
		fm_die "followmed did not log the removed terminal"
	curl_as fmbob "$URL/api/admin/terminals" | grep -q '"name":"t9"' && fm_die "a removed terminal is listed"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE actor = 'fmbob' AND action = 'terminal.remove' AND target = 't9' AND before LIKE 'at mfp1, certificate %' AND after = 'removed'")" -eq 1 ] ||
		fm_die "the removal is not in the audit trail: $(fm_as followme sqlite3 "$DB" "SELECT * FROM audit WHERE action = 'terminal.remove'")"
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'terminal.remove'")" -eq 1 ] ||
		fm_die "a refused removal is in the audit trail"
	# The page: a printer added, a bad one refused with its message; t8
	# removed with its button (the console's own has none); the command
	# that adds a terminal written out.
	browser site_changes fmbob bob-pw atrium "$MFP_URI" "Atrium — 1er étage" t8 t10 ||
		fm_die "$(tail -n 3 "$T/log/browser.log")"
	fm_admin printer list | grep -q '^atrium ' || fm_die "the page's printer is not added"
	fm_admin terminal list | grep -q '^t8 ' && fm_die "t8 still listed: $(fm_admin terminal list)"
	if printf 'hello\n' | fm_term t8 | grep -q '^HELLO_OK'; then
		fm_die "t8, removed from the page, is still served"
	fi
	true
}
fm_needs admin_terminal_remove roles_and_csrf

# Printers that accept connections and never answer (the last case: the
# printers listed after it would wait for them).  A release holds its
# worker until the printer has printed: however many are under way, one
# worker (of the two here) stays for the pages.
case_slow_printers() {
	local hole csrf id1 id2 r1 r2 code
	hole=$(fm_free_port) || fm_die "no free port"
	python3 - "$hole" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
s.settimeout(1)
held, end = [], time.time() + 120
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PY
	HOLE_PID=$!
	FM_EXTRA_PIDS="${FM_EXTRA_PIDS:-} $HOLE_PID"
	local i
	for i in "" 2 3 4 5 6; do
		fm_admin printer add "stuck$i" --uri "ipp://127.0.0.1:$hole/ipp/print" >/dev/null ||
			fm_die "printer add stuck$i"
	done
	# The printers are asked at once: six that never answer (1.5 s each)
	# are all answered for within the list's 6 s.
	login_as fmbob bob-pw
	curl_as fmbob "$URL/api/admin/printers" > "$T/stuck-printers.json"
	python3 - "$T/stuck-printers.json" <<'PY' || fm_die "printers: $(cat "$T/stuck-printers.json")"
import json, sys
p = {p["name"]: p["state"] for p in json.load(open(sys.argv[1]))["printers"]}
stuck = [n for n in p if n.startswith("stuck")]
sys.exit(0 if len(stuck) == 6 and p["mfp1"] == "ready" and
         all(p[n] in ("stopped", "unreachable") for n in stuck) else 1)
PY
	fm_hold 7 fmcara "Bloqué un"
	fm_hold 8 fmcara "Bloqué deux"
	login_as fmcara cara-pw
	login_as fmalice alice-pw
	csrf=$(cat "$T/fmcara.csrf")
	id1=$(cara_job "Bloqué un") && id2=$(cara_job "Bloqué deux") || fm_die "no jobs to release"
	curl_as fmcara -o "$T/stuck1.json" -w '%{http_code}' -X POST -H "X-CSRF-Token: $csrf" \
		--data "id=$id1&printer=stuck" "$URL/api/jobs/release" > "$T/stuck1.code" &
	r1=$!
	sleep 1
	curl_as fmcara -o "$T/stuck2.json" -w '%{http_code}' -X POST -H "X-CSRF-Token: $csrf" \
		--data "id=$id2&printer=stuck" "$URL/api/jobs/release" > "$T/stuck2.code" &
	r2=$!
	sleep 1
	code=$(status fmalice --max-time 10 "$URL/api/jobs")
	# The first release, under way, is read without a worker: the poll
	# answers at once while the second release waits for one.
	curl_as fmcara --max-time 5 "$URL/api/jobs/release?id=$(sed -n 's/.*"release":"\([0-9a-f]*\)".*/\1/p' "$T/stuck1.json")" \
		> "$T/stuck1.poll"
	grep -q '"stage":"[a-z]*","finished":false}' "$T/stuck1.poll" ||
		fm_die "a release under way: $(cat "$T/stuck1.json" "$T/stuck1.poll")"
	fm_stop_pid "$HOLE_PID"
	wait "$r1" "$r2"
	[ "$code" = 200 ] || fm_die "with two releases under way, the pages got HTTP $code"
	# Both were under way (202); their ends come by polling.
	[ "$(cat "$T/stuck1.code")" = 202 ] && [ "$(cat "$T/stuck2.code")" = 202 ] ||
		fm_die "the releases: $(cat "$T/stuck1.code" "$T/stuck1.json" "$T/stuck2.code" "$T/stuck2.json")"
	release_end fmcara "$T/stuck1.json" "$T/stuck1.end" /dev/null
	release_end fmcara "$T/stuck2.json" "$T/stuck2.end" /dev/null
	# Both releases were answered (the printer failed): nothing printed,
	# nothing charged, both jobs still held.
	[ "$(fm_as followme sqlite3 "$DB" "SELECT count(*) FROM ledger WHERE job_id IN ($id1, $id2) AND kind = 'commit'")" -eq 0 ] ||
		fm_die "a release that did not print was charged"
	[ "$(held fmcara)" -ge 2 ] || fm_die "a job released to a printer that never answered is gone"
	grep -q '"finished":true,"status":[45][0-9][0-9],"result":{"error"' "$T/stuck1.end" &&
		grep -q '"finished":true,"status":[45][0-9][0-9],"result":{"error"' "$T/stuck2.end" ||
		fm_die "the releases' ends: $(cat "$T/stuck1.end" "$T/stuck2.end")"
}
fm_needs slow_printers roles_and_csrf

fm_run_cases
