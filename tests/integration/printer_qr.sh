#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# printer_qr.sh - followme-admin printer qr: the label is read back by a
# real QR decoder (rsvg-convert renders it, zbarimg decodes it) and by an
# XML parser; unknown printers, existing files, symlinks, --url, the
# address built from the host name, and PNG refused with a clear error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fm_setup --any-user "$@"

for tool in rsvg-convert zbarimg python3; do
	command -v "$tool" >/dev/null || fm_skip "$tool is missing (scripts/deps.sh installs it)"
done

STATE="$T/state"
mkdir -m 700 "$STATE"
# followme-admin drops to the configured user when run as root; the
# labels are written with the caller's rights, in a directory that user
# cannot write to.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS="followme"
	chown followme "$STATE"
	as_user() { fm_as followme "$@"; }
else
	RUNAS="$(id -un)"
	as_user() { "$@"; }
fi
as_user touch "$STATE/followme.db"
LABELS="$T/labels"
mkdir -m 755 "$LABELS"
# Admin text: markup, quotes and any UTF-8 stay text.
LOCATION='Bâtiment A — 2ᵉ étage <b>&amp; "Reprographie" it'"'"'s'

# write_conf [web lines...]
write_conf() {
	printf '[server]\nstate_dir = %s\nuser = %s\n[web]\n' "$STATE" "$RUNAS" >"$FM_CONF"
	local l
	for l in "$@"; do printf '%s\n' "$l" >>"$FM_CONF"; done
}

# expect_rc RC CMD... - run followme-admin in $LABELS, require status RC.
expect_rc() {
	local want=$1 rc=0
	shift
	(cd "$LABELS" && fm_admin "$@") >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || {
		cat "$T/out" "$T/err" >&2
		fm_die "followme-admin $* exited $rc, expected $want"
	}
}
expect_err() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fm_die "stderr lacks '$1'"; }; }
# no_labels: nothing was written in $LABELS (not even a temporary file).
no_labels() {
	[ -z "$(ls -A "$LABELS")" ] || fm_die "files left in the labels directory: $(ls -A "$LABELS")"
}
# decode SVG - the address the QR code of label SVG holds, as a phone
# would read it: rendered to PNG, then decoded.
decode() {
	rsvg-convert -w 600 -b white -o "$T/decode.png" "$1" ||
		fm_die "rsvg-convert cannot render $1"
	zbarimg -q --raw "$T/decode.png" 2>/dev/null || fm_die "no QR code found in $1"
}
# expect_decoded SVG URL
expect_decoded() {
	local got
	got=$(decode "$1")
	[ "$got" = "$2" ] || fm_die "the QR code of $1 holds '$got', expected '$2'"
}

case_setup() {
	write_conf 'public_url = https://print.example.org/'
	expect_rc 0 printer add lobby --uri ipp://192.0.2.5/ipp/print --location "$LOCATION"
	expect_rc 0 printer add Hall-2.b --queue hall
}

# The code holds public_url (its '/' dropped) + /release/NAME; the file
# is NAME.svg where the command ran, readable by all.
case_decodes() {
	rm -f "$LABELS"/*
	(umask 022 && cd "$LABELS" && fm_admin printer qr lobby) >"$T/out" 2>"$T/err" ||
		{ cat "$T/err" >&2; fm_die "printer qr lobby failed"; }
	grep -q "https://print.example.org/release/lobby" "$T/out" || fm_die "the address is not shown: $(cat "$T/out")"
	[ -f "$LABELS/lobby.svg" ] || fm_die "no lobby.svg: $(ls "$LABELS")"
	[ "$(stat -c %a "$LABELS/lobby.svg")" = 644 ] ||
		fm_die "the label's mode is $(stat -c %a "$LABELS/lobby.svg"), expected 644"
	[ "$(stat -c %u "$LABELS/lobby.svg")" = "$(id -u)" ] || fm_die "the label is not the caller's"
	expect_decoded "$LABELS/lobby.svg" "https://print.example.org/release/lobby"
	# A name keeps its case and its dots; no location, no location line.
	expect_rc 0 printer qr Hall-2.b
	expect_decoded "$LABELS/Hall-2.b.svg" "https://print.example.org/release/Hall-2.b"
	# For people to look at, beside the console's screenshots.
	mkdir -p "$FM_BUILD/screenshots/labels"
	cp "$LABELS/lobby.svg" "$FM_BUILD/screenshots/labels/lobby.svg"
	rsvg-convert -w 600 -b white -o "$FM_BUILD/screenshots/labels/lobby.png" "$LABELS/lobby.svg"
}
fm_needs decodes setup

# The location is text: the SVG parses as XML, and the text nodes are the
# name, the location and the address, as given.
case_location_text() {
	expect_rc 0 printer qr lobby --out "$T/lobby-text.svg"
	python3 - "$T/lobby-text.svg" "$LOCATION" <<'EOF' || fm_die "the label's text is not what was given"
import sys
import xml.etree.ElementTree as ET

svg, location = sys.argv[1], sys.argv[2]
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(svg).getroot()
assert root.tag == ns + "svg", root.tag
texts = {t.get("id"): t for t in root.iter(ns + "text")}
want = {"name": "lobby", "location": location,
        "url": "https://print.example.org/release/lobby"}
for key, value in want.items():
    t = texts.get(key)
    assert t is not None, "no text " + key
    assert len(t) == 0, key + " holds elements: " + repr(list(t))
    assert t.text == value, "%s: %r != %r" % (key, t.text, value)
assert len(texts) == 3, sorted(texts)
# The code itself: one path of dark modules in a 4-module quiet zone
# (10 units a module), on a white background.
path = root.find(ns + "path")
assert path is not None and path.get("d", "").startswith("M40 40h"), "no code at the quiet zone's edge"
EOF
	expect_rc 0 printer qr Hall-2.b --out "$T/hall-text.svg"
	python3 -c '
import sys, xml.etree.ElementTree as ET
ids = [t.get("id") for t in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}text")]
assert ids == ["name", "url"], ids
' "$T/hall-text.svg" || fm_die "a printer without a location has a location line"
}
fm_needs location_text setup

# An unknown printer (or a name no printer can have): a clear error, a
# non-zero status, and no file.
case_unknown_printer() {
	rm -f "$LABELS"/*
	expect_rc 1 printer qr nosuch
	expect_err "no printer nosuch"
	expect_rc 1 printer qr "../etc"
	expect_err "no printer ../etc"
	expect_rc 1 printer qr nosuch --out "$LABELS/x.svg" --force
	no_labels
	expect_rc 2 printer qr
	expect_rc 2 printer qr lobby Hall-2.b
	no_labels
}
fm_needs unknown_printer setup

# An existing file is left alone without --force, replaced whole with it;
# a symlink is never followed.
case_existing_file() {
	rm -f "$LABELS"/*
	echo "the old label" >"$LABELS/lobby.svg"
	expect_rc 1 printer qr lobby
	expect_err "lobby.svg exists (--force replaces it)"
	[ "$(cat "$LABELS/lobby.svg")" = "the old label" ] || fm_die "an existing label was overwritten"
	expect_rc 0 printer qr lobby --force
	expect_decoded "$LABELS/lobby.svg" "https://print.example.org/release/lobby"
	[ "$(ls -A "$LABELS")" = lobby.svg ] || fm_die "--force left files behind: $(ls -A "$LABELS")"
	echo "precious" >"$T/victim"
	ln -s "$T/victim" "$LABELS/link.svg"
	expect_rc 1 printer qr lobby --out link.svg
	expect_err "link.svg exists"
	[ "$(cat "$T/victim")" = precious ] || fm_die "the label followed a symlink"
	expect_rc 0 printer qr lobby --out link.svg --force
	[ "$(cat "$T/victim")" = precious ] || fm_die "--force followed a symlink"
	[ -L "$LABELS/link.svg" ] && fm_die "--force did not replace the symlink"
	expect_decoded "$LABELS/link.svg" "https://print.example.org/release/lobby"
	expect_rc 1 printer qr lobby --out "$T/no/such/dir/x.svg"
	expect_err "cannot open $T/no/such/dir"
}
fm_needs existing_file setup

# --url overrides public_url for one label; a bad one is refused.
case_url_option() {
	rm -f "$LABELS"/*
	expect_rc 0 printer qr lobby --url http://10.0.0.7:8080/followme// --out a.svg
	expect_decoded "$LABELS/a.svg" "http://10.0.0.7:8080/followme/release/lobby"
	for bad in 'javascript:alert(1)' 'https://a b' 'https://x/"><script>' 'ftp://x' 'https://' ''; do
		expect_rc 2 printer qr lobby --url "$bad" --out b.svg
		expect_err "url"
	done
	[ "$(ls -A "$LABELS")" = a.svg ] || fm_die "a refused --url wrote a file: $(ls -A "$LABELS")"
}
fm_needs url_option setup

# Without public_url: https://HOST:PORT, the host name and [web] listen's
# port, ":443" left out.
case_host_address() {
	rm -f "$LABELS"/*
	write_conf 'listen = 0.0.0.0:8443'
	expect_rc 0 printer qr lobby --out a.svg
	expect_decoded "$LABELS/a.svg" "https://$(hostname):8443/release/lobby"
	write_conf 'listen = 127.0.0.1:443'
	expect_rc 0 printer qr lobby --out b.svg
	expect_decoded "$LABELS/b.svg" "https://$(hostname)/release/lobby"
	write_conf 'public_url = https://print.example.org/'
}
fm_needs host_address setup

# Labels are SVG; PNG is refused with the way to make one, and no file.
case_png_refused() {
	rm -f "$LABELS"/*
	expect_rc 1 printer qr lobby --format png
	expect_err "rsvg-convert"
	expect_rc 1 printer qr lobby --out lobby.PNG
	expect_err "SVG"
	expect_rc 2 printer qr lobby --format pdf
	expect_err "svg or png"
	no_labels
	# --format svg wins over the name's extension.
	expect_rc 0 printer qr lobby --format svg --out label.png
	expect_decoded "$LABELS/label.png" "https://print.example.org/release/lobby"
}
fm_needs png_refused setup

# In French, the messages are.
case_in_french() {
	rm -f "$LABELS"/*
	LANG=fr_FR.UTF-8 expect_rc 1 printer qr nosuch
	expect_err "aucune imprimante nosuch"
	echo x >"$LABELS/lobby.svg"
	LANG=fr_FR.UTF-8 expect_rc 1 printer qr lobby
	expect_err "existe déjà"
	LANG=fr_FR.UTF-8 expect_rc 0 printer qr lobby --force
	grep -q "Étiquette de l’imprimante lobby écrite" "$T/out" || fm_die "not in French: $(cat "$T/out")"
}
fm_needs in_french setup

fm_run_cases
