#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# followme-terminal on its screen, end to end: the real program under
# tmux (keys typed with send-keys, the screen read with capture-pane), the
# real libnfc driver against the simulated PN532, followmed with PINs
# through pam_wrapper, and ippeveprinter as the MFP.
#
# Badge tap -> the job list -> release -> the printer got the held bytes
# -> the screen shows the charge; the PIN path and a wrong PIN; options;
# an unknown badge linked after a PIN login; hostile titles drawn safely;
# the reader pulled out and back; followmed restarted in mid-session;
# logout after inactivity.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
# count_wait: case_badge_during_counting's count may be slow on a loaded
# machine; the release must wait for it, not give up.
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"count_wait = 90s"
fm_pam_matrix fmalice:1234 fmbob:5678
fm_start_mfp
fm_ca_init
fm_admin printer add mfp1 --uri "$MFP_URI" --location "2nd floor" >/dev/null || fm_die "printer add"
fm_admin terminal add t1 --printer mfp1 >/dev/null || fm_die "terminal add"
# One price for colour and mono: the charge shown does not depend on how
# colour is decided.
for c in colour mono; do
	fm_admin price set --media A4 --colour $c --sides simplex --amount 0.10 >/dev/null || fm_die "price"
	fm_admin price set --media A4 --colour $c --sides duplex --amount 0.08 >/dev/null || fm_die "price"
done
fm_admin user add fmalice --name "Alice Martin" >/dev/null || fm_die "user add"
fm_admin user add fmbob --name "Bob Stone" >/dev/null || fm_die "user add"
fm_admin quota grant --user fmalice --amount 5.00 --reason test >/dev/null || fm_die "grant"
fm_admin quota grant --user fmbob --amount 5.00 --reason test >/dev/null || fm_die "grant"
# Bob's department pays too: his screen shows both balances together.
fm_admin dept add O10 Finance >/dev/null || fm_die "dept add"
fm_admin user set-department fmbob O10 >/dev/null || fm_die "set-department"
fm_admin quota grant --department O10 --amount 10.00 --reason test >/dev/null || fm_die "grant O10"
fm_admin badge add fmalice 04A1B2C3 >/dev/null || fm_die "badge add"
fm_copy_pki private
fm_start_followmed

gs -q -sDEVICE=pdfwrite -o "$T/three.pdf" -c "showpage showpage showpage"
chmod 644 "$T/three.pdf"
# hold N USER TITLE: a 3-page PDF held through the backend, as lp.
hold() { fm_hold -f "$T/three.pdf" "$1" "$2" "$3"; }

write_terminal_conf() { # idle_timeout [more [terminal] lines]
	fm_terminal_conf t1 followme-test "format = hex" "[terminal]" \
		"idle_timeout = $1" "result_time = 2s" "${@:2}"
}
export LIBNFC_LOG_LEVEL=0
write_terminal_conf 5m
"$FM_BUILD/terminal/followme-terminal" -n -c "$T/terminal.conf" >/dev/null ||
	fm_die "configuration refused"
fm_start_sim
fm_start_screen sh -c "exec '$FM_BUILD/terminal/followme-terminal' -v -c '$T/terminal.conf' 2>>'$T/log/terminal.log'"

case_idle_screen() {
	fm_wait_screen "Tap your badge"
	fm_wait_screen "Followme +mfp1"
	if fm_screen | grep -q "unavailable"; then
		fm_die "idle screen reports a fault: $(fm_screen)"
	fi
}

# Badge -> list -> release -> charge.
case_badge_release() {
	hold 1 fmalice "Quarterly report"
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin \(fmalice\) +Balance €5.00"
	fm_wait_screen "\[ \] Quarterly report +3 +€0.30"
	fm_keys Enter
	fm_wait_screen "1  Print"
	fm_keys 1
	fm_wait_screen "Printed 1 job, 3 pages, charged €0.30"
	fm_screen | grep -q "3 page(s) printed, charged 0.30" || fm_die "no per-job result: $(fm_screen)"
	[ "$(fm_printed_count)" -eq 1 ] || fm_die "the printer got $(fm_printed_count) jobs"
	cmp -s "$(ls -d "$T/mfp/printed/"* | head -n 1)" "$T/three.pdf" || fm_die "the printer did not get the held bytes"
	fm_admin balance user fmalice | grep -q "4.70" || fm_die "balance: $(fm_admin balance user fmalice)"
	# The header shows the balance after the charge, not before.
	fm_wait_screen "Alice Martin \(fmalice\) +Balance €4.70" 3
	# Logged out by itself after the result.
	fm_wait_screen "Tap your badge" 10
}

# PIN login, wrong PIN, options.
case_pin_login() {
	hold 2 fmbob "Bob's slides"
	fm_keys Enter
	fm_wait_screen "User name: _"
	fm_keys -l fmbob
	fm_keys Enter
	fm_wait_screen "PIN: +_"
	fm_keys 9 9 9 9
	fm_wait_screen "PIN: +\*\*\*\*_"
	fm_screen | grep -q 9999 && fm_die "the PIN is shown: $(fm_screen)"
	fm_keys Enter
	fm_wait_screen "Wrong user name or PIN"
	fm_keys Enter
	fm_wait_screen "Tap your badge"
	fm_keys Enter
	fm_keys -l fmbob
	fm_keys Enter
	fm_keys 5 6 7 8 Enter
	fm_wait_screen "Bob Stone \(fmbob\) +Balance €15.00"
	fm_wait_screen "Bob's slides"
	# Mark it, then options: two-sided, then Print.
	fm_keys '*'
	fm_wait_screen "\[x\] Bob's slides"
	fm_keys Enter
	fm_wait_screen "2  Print with options"
	fm_keys 2
	fm_wait_screen "Copies +< 1 >"
	fm_keys Down Enter
	fm_wait_screen "Two-sided +\[x\]"
	fm_keys Down Down Enter
	# Charged at the two-sided price: the option reached the release.
	fm_wait_screen "Printed 1 job, 3 pages, charged €0.24"
	[ "$(fm_printed_count)" -eq 2 ] || fm_die "the printer got $(fm_printed_count) jobs"
	fm_keys Enter
	fm_wait_screen "Tap your badge"
}
# The printer's second job: case_badge_release printed the first.
fm_needs pin_login badge_release

case_unknown_badge_linked() {
	fm_tap 04DEADBEEF0102
	fm_wait_screen "not linked to anyone"
	fm_keys Enter
	fm_wait_screen "Log in to link your badge"
	fm_keys -l fmbob
	fm_keys Enter 5 6 7 8 Enter
	fm_wait_screen "Your badge is now linked to you"
	fm_wait_screen "You have no jobs waiting"
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
	fm_admin badge list fmbob | grep -q "registered at terminal t1" || fm_die "badge not stored: $(fm_admin badge list fmbob)"
	fm_tap 04DEADBEEF0102
	fm_wait_screen "Bob Stone \(fmbob\)"
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
}

# A badge while the job's pages are still being counted after the hold
# (PostScript without DSC comments, counted by Ghostscript in followmed's
# analysis child, slowed down here): the list says "counting…" where the
# cost goes, Print shows the wait, and the charge is the final count.
case_badge_during_counting() {
	command -v gs >/dev/null || fm_skip "gs missing"
	printf '%%!PS\n0 1 150000000 { pop } for\nshowpage\n' > "$T/slow.ps"
	chmod 644 "$T/slow.ps"
	fm_admin badge add fmbob 04C0FFEE >/dev/null || fm_die "badge add"
	fm_hold -p -f "$T/slow.ps" 30 fmbob "Minutes du conseil"
	fm_admin jobs list --user fmbob | grep -q "counting…" || fm_die "not being counted: $(fm_admin jobs list --user fmbob)"
	fm_tap 04C0FFEE
	fm_wait_screen "Bob Stone \(fmbob\)"
	fm_wait_screen "\[ \] Minutes du conseil +\? +counting…"
	# The cost column stays where it belongs: "counting…" is 9 cells.
	row=$(fm_screen | grep "Minutes du conseil")
	[ "$(printf '%s' "$row" | wc -L)" -le 80 ] || fm_die "row wider than the screen: $row"
	fm_keys Enter
	fm_wait_screen "1  Print"
	fm_keys 1
	fm_wait_screen "Counting the pages of this job"
	fm_wait_screen "Printed 1 job, 1 page, charged €0.10" 90
	fm_keys Enter
	fm_wait_screen "Tap your badge"
}

# Hostile titles drawn safely.
case_hostile_titles() {
	hold 10 fmalice "$(printf '\033[2J\033[31mRED\033]0;pwned\007 end')"
	hold 11 fmalice "$(printf 'Long%.0s' $(seq 1 2600))"
	hold 12 fmalice "$(printf '\xe2\x80\xaeRTL-override txt.exe')"
	hold 13 fmalice "$(printf 'Z\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86 stack')"
	hold 14 fmalice "$(printf '\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d Hebrew')"
	fm_tap 04A1B2C3
	fm_wait_screen "Hebrew"
	screen=$(fm_screen)
	[ "$(printf '%s\n' "$screen" | wc -l)" -le 24 ] || fm_die "screen grew"
	[ "$(tmux -S "$TMUX_SOCK" display -p -t fm '#{pane_title}')" != pwned ] || fm_die "a title set the window title"
	tmux -S "$TMUX_SOCK" capture-pane -e -p -t fm | grep -q $'\033\\[31m' && fm_die "a title changed the colour"
	printf '%s\n' "$screen" | grep -q "RED" || fm_die "escape title not shown: $screen"
	# Every job row keeps its columns: 80 cells, the cost where it belongs.
	while IFS= read -r row; do
		case "$row" in *"[ ]"*) ;; *) continue ;; esac
		[ "$(printf '%s' "$row" | wc -L)" -le 80 ] || fm_die "row wider than the screen: $row"
		printf '%s\n' "$row" | grep -Eq " 3 +€0\.30 " || fm_die "row lost its columns: $row"
	done <<<"$screen"
	printf '%s\n' "$screen" | grep -q "LongLong.*…" || fm_die "long title not cut: $screen"
	printf '%s' "$screen" | grep -q $'\xe2\x80\xae' && fm_die "bidi override reached the screen"
	printf '%s' "$screen" | grep -q $'\xcc\x83' && fm_die "combining stack not trimmed"
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
}

# The reader unplugged and back; fmalice is left logged in.
case_reader_unplugged() {
	fm_sim unplug
	fm_wait_screen "Badge reader unavailable"
	fm_sim replug
	fm_wait_screen "Tap your badge" 
	for _ in $(seq 1 100); do
		fm_screen | grep -q "Badge reader unavailable" || break
		sleep 0.1
	done
	fm_screen | grep -q "Badge reader unavailable" && fm_die "reader did not come back"
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin \(fmalice\)"
}

# followmed restarted in mid-session (case_reader_unplugged's).
case_followmed_restarted() {
	fm_stop_followmed
	fm_wait_screen "connection to the print server was lost|Print server unavailable"
	# Back leaves a notice and does nothing on the idle screen.
	fm_keys BSpace
	fm_tap 04A1B2C3
	fm_wait_screen "print server is unavailable|Print server unavailable"
	fm_start_followmed
	for _ in $(seq 1 200); do
		fm_screen | grep -q "unavailable" || break
		sleep 0.1
	done
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin \(fmalice\)"
	fm_wait_screen "Hebrew"
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
}
# fmalice's list holds case_hostile_titles' jobs.
fm_needs followmed_restarted reader_unplugged hostile_titles

case_smaller_screen() {
	tmux -S "$TMUX_SOCK" resize-window -t fm -x 40 -y 12
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin"
	fm_wait_screen "Hebrew +3 +€0.30"
	screen=$(fm_screen)
	[ "$(printf '%s\n' "$screen" | wc -l)" -le 12 ] || fm_die "more than 12 lines: $screen"
	[ "$(printf '%s\n' "$screen" | wc -L)" -le 40 ] || fm_die "wider than 40: $screen"
	fm_keys BSpace
	fm_wait_screen "Tap your badge"
	tmux -S "$TMUX_SOCK" resize-window -t fm -x 80 -y 24
}
fm_needs smaller_screen hostile_titles

# check_columns SCREEN: in every job row the pages and the cost end in
# the same cell as the heading's cost, whatever the title: accented
# (precomposed or with combining marks), CJK (two cells a character) or
# plain.  Cells are
# counted as a terminal does, from the Unicode tables.
check_columns() {
	python3 - "$1" <<'PY' || fm_die "columns not aligned: $1"
import re, sys, unicodedata
def cells(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
cost = re.compile(r" (\d+|\?) +(?:max\. |up to )?\u20ac?\d+[.,]\d\d(?:\u00a0\u20ac)?")
ends = set()
for row in sys.argv[1].split("\n"):
    # The heading's "Cost" ends where the costs do.
    for head in ("Co\u00fbt", "Cost"):
        if " Pages " in row and head in row:
            ends.add(cells(row[:row.index(head) + len(head)]))
    if "[ ]" not in row and "[x]" not in row:
        continue
    m = cost.search(row)
    if m is None:
        sys.exit("no cost in: " + row)
    ends.add(cells(row[:m.end()]))
if len(ends) != 1:
    sys.exit("cost columns end at cells %s" % sorted(ends))
PY
}

# A French user at an English terminal: the user name and PIN screens
# are the terminal's, the list and the result the user's, and the next
# person finds the terminal in English again.
case_user_prefers_french() {
	fm_admin user set-language fmbob fr >/dev/null || fm_die "set-language"
	fm_admin user show fmbob | grep -q "language: *fr" || fm_die "language not stored: $(fm_admin user show fmbob)"
	hold 20 fmbob "Hélène Dupré — Procès-verbal"
	fm_wait_screen "Tap your badge"
	fm_keys Enter
	fm_wait_screen "User name: _"
	fm_keys -l fmbob
	fm_keys Enter 5 6 7 8 Enter
	fm_wait_screen "Bob Stone \(fmbob\) +Solde [0-9,]+.€"
	fm_wait_screen "Document +Pages +Coût +Couleur +Âge"
	fm_wait_screen "Procès-verbal +3 +0,30.€"
	fm_wait_screen "Haut/Bas \(8/2\) déplacer"
	echo "--- screen: fmbob (prefers fr) at an en terminal"
	fm_screen
	fm_keys Enter
	fm_wait_screen "1  Imprimer"
	fm_keys 1
	fm_wait_screen "Imprimé : 1 document, 3 pages, 0,30.€ débité"
	fm_screen | grep -q "3 pages imprimées, 0,30.€ débité" || fm_die "per-job result not translated: $(fm_screen)"
	echo "--- screen: fmbob's result"
	fm_screen
	fm_keys Enter
	fm_wait_screen "Tap your badge"
	fm_screen | grep -q "Solde\|Présentez" && fm_die "French left behind: $(fm_screen)"
	fm_admin user set-language fmbob none >/dev/null || fm_die "set-language none"
}

# A terminal set to French (language = fr): every screen in French, the
# job list's columns aligned by display width.
case_french_terminal() {
	hold 21 fmalice "Hélène Dupré — Procès-verbal"
	hold 22 fmalice "$(printf 'He\xcc\x81le\xcc\x80ne Dupre\xcc\x81 \xe2\x80\x94 Proce\xcc\x80s-verbal')"
	hold 23 fmalice "会議録 第3回 — 予算"
	hold 24 fmalice "Plain ASCII title"
	tmux -S "$TMUX_SOCK" kill-server
	write_terminal_conf 5m "language = fr"
	fm_start_screen sh -c "exec '$FM_BUILD/terminal/followme-terminal' -c '$T/terminal.conf' 2>>'$T/log/terminal.log'"
	fm_wait_screen "Présentez votre badge"
	fm_wait_screen "Entrée : connexion par code PIN"
	fm_wait_screen "Followme +mfp1"
	echo "--- screen: idle, language = fr"
	fm_screen
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin \(fmalice\) +Solde [0-9,]+.€"
	fm_wait_screen "Plain ASCII title"
	screen=$(fm_screen)
	echo "--- screen: job list, language = fr"
	printf '%s\n' "$screen"
	check_columns "$screen"
	printf '%s\n' "$screen" | grep -Eq "会議録 第3回 — 予算 +3 +0,30.€" || fm_die "CJK title: $screen"
	fm_keys Enter
	fm_wait_screen "2  Imprimer avec options"
	fm_keys 2
	fm_wait_screen "Copies +< 1 >"
	fm_wait_screen "Recto verso +\[ \]"
	fm_wait_screen "Noir et blanc +\[ \]"
	echo "--- screen: options, language = fr"
	fm_screen
	fm_keys BSpace BSpace BSpace
	fm_wait_screen "Présentez votre badge"
}
fm_needs french_terminal hostile_titles

case_logout_after_inactivity() {
	tmux -S "$TMUX_SOCK" kill-server
	write_terminal_conf 5s
	fm_start_screen sh -c "exec '$FM_BUILD/terminal/followme-terminal' -c '$T/terminal.conf' 2>>'$T/log/terminal.log'"
	fm_wait_screen "Tap your badge"
	fm_tap 04A1B2C3
	fm_wait_screen "Alice Martin \(fmalice\)"
	fm_wait_screen "Tap your badge" 20
	grep -q "fmalice logged out at terminal t1" "$T/log/followmed.log" ||
		fm_die "the server did not see the logout"
}

# A terminal without a badge reader does not offer badges.
case_no_reader() {
	tmux -S "$TMUX_SOCK" kill-server
	write_terminal_conf 5m
	sed -i 's/^type = nfc$/type = none/' "$T/terminal.conf"
	fm_start_screen sh -c "exec '$FM_BUILD/terminal/followme-terminal' -c '$T/terminal.conf' 2>>'$T/log/terminal.log'"
	fm_wait_screen "Press Enter to log in"
	fm_screen | grep -q "badge" && fm_die "a terminal without a reader offers badges: $(fm_screen)"
	fm_keys Enter
	fm_wait_screen "User name"
}

fm_run_cases
