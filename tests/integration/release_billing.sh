#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a release is charged (issue 12): by what the printer can print (a
# mono-only printer's pages are mono), by the paper size the job asks for
# (matched by its dimensions; a size without a price is refused, naming
# it), and never nothing for a document whose pages could not be
# counted.  Real followmed, ippeveprinter as a colour MFP and as a
# mono-only printer, and a CUPS queue in front of the colour one.
set -u
. "$(dirname "$0")/lib.sh"
fm_setup "$@"
PORT=$(fm_free_port) || fm_die "no free port"
fm_write_conf "[release]" "listen = 127.0.0.1:$PORT" "server_name = followme-test" \
	"session_timeout = 60s"
fm_pam_matrix fmalice:1234 fmbob:5678
fm_start_mfp
fm_start_ippeve mono mono
MONO_PID=$IPPEVE_PID MONO_URI=$IPPEVE_URI
FM_DAEMONS="mono:MONO_PID"
fm_start_cupsd
fm_printer_queue mfpq "$MFP_URI"

fm_ca_init
# t1 stands at the colour MFP, tm at the mono-only printer, tq at the
# CUPS queue to the colour MFP.
fm_admin printer add mfp1 --uri "$MFP_URI" >/dev/null || fm_die "printer add mfp1"
fm_admin printer add mono1 --uri "$MONO_URI" >/dev/null || fm_die "printer add mono1"
fm_admin terminal add t1 --printer mfp1 >/dev/null || fm_die "terminal t1"
fm_admin terminal add tm --printer mono1 >/dev/null || fm_die "terminal tm"
fm_admin terminal add tq --printer mfpq >/dev/null || fm_die "terminal tq"
# The default list: A4 colour 0.30, mono 0.15 (duplex 0.25, 0.10);
# Tabloid twice that.
for spec in "A4 colour simplex 0.30" "A4 colour duplex 0.25" "A4 mono simplex 0.15" \
	"A4 mono duplex 0.10" "Tabloid colour simplex 0.60" "Tabloid mono simplex 0.30"; do
	set -- $spec
	fm_admin price set --media "$1" --colour "$2" --sides "$3" --amount "$4" >/dev/null ||
		fm_die "price set $spec"
done
for u in fmalice fmbob; do
	fm_admin user add "$u" >/dev/null || fm_die "user add $u"
	fm_admin quota limit --user "$u" --restricted --overdraft 0 >/dev/null || fm_die "quota limit $u"
done
fm_admin quota grant --user fmalice --amount 20.00 --reason "test allocation" >/dev/null || fm_die "grant"
fm_copy_pki
fm_start_followmed

# One page with a red square (colour), and one plain page (mono).
gs -q -sDEVICE=pdfwrite -o "$T/red.pdf" -c "1 0 0 setrgbcolor 72 72 144 144 rectfill showpage"
gs -q -sDEVICE=pdfwrite -o "$T/plain.pdf" -c "/Helvetica findfont 12 scalefont setfont 72 72 moveto (mono) show showpage"
chmod 644 "$T/red.pdf" "$T/plain.pdf"
# fid N: Followme's id of the job CUPS numbered N.
fid() {
	fm_admin jobs list --all --json |
		python3 -c "import json,sys; print([j['id'] for j in json.load(sys.stdin) if j['cups_job_id'] == $1][0])"
}
# bal USER: the balance, in minor units.
bal() {
	fm_admin --json balance user "$1" |
		python3 -c 'import json,sys; print(round(float(json.load(sys.stdin)["balance"]) * 100))'
}

# Item 2: a colour page released to a mono-only printer is a mono page:
# listed at 0.15, reserved and charged 0.15, reported as mono; the same
# page at the colour MFP is 0.30.
case_mono_printer_charges_mono() {
	fm_hold -f "$T/red.pdf" 1 fmalice
	j=$(fid 1)
	b0=$(bal fmalice)
	out=$(printf 'hello\npin fmalice 1234\nlist\nrelease %s\n' "$j" | fm_term tm)
	echo "$out" | grep -q "^JOB_LIST .*\[$j|Job 1|1|1|15\]" || fm_die "mono printer's list: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=1 pages=1 charge=15 " || fm_die "reserved: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=1 charge=15 " || fm_die "charged: $out"
	[ $((b0 - $(bal fmalice))) -eq 15 ] || fm_die "balance went from $b0 to $(bal fmalice)"
	fm_admin --json report usage --by printer --from "$(date +%Y-%m-%d)" --to "$(date +%Y-%m-%d)" |
		python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin)["rows"] if x["printer"] == "mono1"][0]; sys.exit(0 if (int(r["pages_mono"]), int(r["pages_colour"])) == (1, 0) else 1)' ||
		fm_die "not reported as mono: $(fm_admin report usage --by printer --from "$(date +%Y-%m-%d)" --to "$(date +%Y-%m-%d)")"
	fm_hold -f "$T/red.pdf" 2 fmalice
	j=$(fid 2)
	out=$(printf 'hello\npin fmalice 1234\nlist\nrelease %s\n' "$j" | fm_term t1)
	echo "$out" | grep -q "^JOB_LIST .*\[$j|Job 2|1|1|30\]" || fm_die "colour printer's list: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=1 charge=30 " || fm_die "colour page at the colour MFP: $out"
}

# Item 3: paper sizes by their dimensions.  An 11x17 in job under its
# IPP name is Tabloid (0.30 a mono page, not A4's 0.15).
case_media_by_dimensions() {
	fm_hold -f "$T/plain.pdf" -o media=na_ledger_11x17in 3 fmalice
	j=$(fid 3)
	out=$(printf 'hello\npin fmalice 1234\nlist\nrelease %s\n' "$j" | fm_term t1)
	echo "$out" | grep -q "^JOB_LIST .*\[$j|Job 3|1|1|30\]" || fm_die "tabloid listed: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=1 charge=30 " || fm_die "tabloid charged: $out"
}

# Item 3: a size the price list has no price for (ISO B4) is refused at
# the printer, naming it; the job stays held and nothing is charged.
case_media_without_price_refused() {
	fm_hold -f "$T/plain.pdf" -o media=iso_b4_250x353mm 4 fmalice
	j=$(fid 4)
	b0=$(bal fmalice)
	before=$(fm_printed_count)
	out=$(printf 'hello\npin fmalice 1234\nrelease %s\n' "$j" | fm_term t1)
	echo "$out" | grep -q "^PROGRESS job=$j stage=5 .*message=Not printed: paper size B4 (250 x 353 mm) has no price here" ||
		fm_die "B4 not refused: $out"
	fm_admin jobs show "$j" | grep -q "state:    held" || fm_die "refused job not held"
	[ "$(bal fmalice)" -eq "$b0" ] || fm_die "charged for a refused job"
	[ "$(fm_printed_count)" -eq "$before" ] || fm_die "the refused job was printed"
	# RA3 too, even though it is nearly Tabloid.
	fm_hold -f "$T/plain.pdf" -o media=iso_ra3_305x430mm 5 fmalice
	out=$(printf 'hello\npin fmalice 1234\nrelease %s\n' "$(fid 5)" | fm_term t1)
	echo "$out" | grep -q "stage=5 .*paper size RA3 (305 x 430 mm) has no price" || fm_die "RA3 not refused: $out"
}

# Item 1: a document whose pages could not be counted (a PDF that needs a
# user password) is never free.  The list shows what a release sets
# aside, "up to" 25 colour pages (unknown_pages_reserve) = 7.50; a
# restricted user with 0.05 and no overdraft is refused, told why, and
# the job stays held.
case_unknown_pages_refused_when_not_covered() {
	qpdf --encrypt user owner 256 -- "$T/plain.pdf" "$T/locked.pdf" || fm_die "qpdf encrypt"
	chmod 644 "$T/locked.pdf"
	fm_admin quota grant --user fmbob --amount 0.05 --reason "test allocation" >/dev/null || fm_die "grant bob"
	fm_hold -f "$T/locked.pdf" 6 fmbob
	j=$(fid 6)
	before=$(fm_printed_count)
	out=$(printf 'hello\npin fmbob 5678\nlist\nrelease %s\n' "$j" | fm_term t1)
	echo "$out" | grep -q "^JOB_LIST .*\[$j|Job 6|1|0|750|up to\]" || fm_die "not listed as up to 7.50: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=5 .*message=Not printed: its pages could not be counted, so up to 7.50 must be available for it" ||
		fm_die "not refused with the reason: $out"
	fm_admin jobs show "$j" | grep -q "state:    held" || fm_die "refused job not held"
	[ "$(bal fmbob)" -eq 5 ] || fm_die "bob's balance is $(bal fmbob)"
	[ "$(fm_printed_count)" -eq "$before" ] || fm_die "the refused job was printed"
}

# Item 1: a user who can cover the reservation is told "up to 7.50" is
# set aside and is charged what the printer counted (1 page, colour as
# far as we know: 0.30); on a printer that reports no count, the
# reservation, marked estimated.
case_unknown_pages_charged_as_counted() {
	[ -f "$T/locked.pdf" ] || qpdf --encrypt user owner 256 -- "$T/plain.pdf" "$T/locked.pdf"
	chmod 644 "$T/locked.pdf"
	fm_hold -f "$T/locked.pdf" 7 fmalice
	j=$(fid 7)
	b0=$(bal fmalice)
	out=$(printf 'hello\npin fmalice 1234\nrelease %s\n' "$j" | fm_term t1)
	echo "$out" | grep -q "^PROGRESS job=$j stage=1 pages=0 charge=750 .*up to 7.50 is set aside" ||
		fm_die "reservation not shown as up to: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=1 charge=30 " || fm_die "not charged the printer's count: $out"
	[ $((b0 - $(bal fmalice))) -eq 30 ] || fm_die "balance went from $b0 to $(bal fmalice)"
	fm_hold -f "$T/locked.pdf" 8 fmalice
	j=$(fid 8)
	b0=$(bal fmalice)
	touch "$T/mfp/no-count"
	out=$(printf 'hello\npin fmalice 1234\nrelease %s\n' "$j" | fm_term t1)
	rm -f "$T/mfp/no-count"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=0 charge=750 .*(estimated)" ||
		fm_die "not charged the reservation, estimated: $out"
	[ $((b0 - $(bal fmalice))) -eq 750 ] || fm_die "balance went from $b0 to $(bal fmalice)"
}

# Item 1: a commit past the overdraft can only come from the printer
# counting more than was reserved: here the MFP reports 5 impressions for
# a 1-page job (reserved 0.15, charged 0.75).  fmbob, restricted with no
# overdraft, holds exactly 0.15: the commit stands (the pages were
# printed), his balance goes to -0.60, followmed logs it and report
# overdrawn lists it.
case_overdrawn_commit_reported() {
	b=$(bal fmbob)
	amount=$((15 - b))
	fm_admin quota grant --user fmbob --amount "$((amount / 100)).$(printf '%02d' $((amount % 100)))" \
		--reason "test allocation" >/dev/null || fm_die "grant bob"
	[ "$(bal fmbob)" -eq 15 ] || fm_die "bob has $(bal fmbob)"
	fm_admin report overdrawn | grep -q "No commit went below an overdraft" ||
		fm_die "report not empty: $(fm_admin report overdrawn)"
	fm_hold -f "$T/plain.pdf" 9 fmbob
	j=$(fid 9)
	cp "$T/mfp/print-cmd" "$T/mfp/print-cmd.orig"
	printf '#!/bin/sh\necho "ATTR: job-impressions=5" >&2\necho "ATTR: job-impressions-completed=5" >&2\n' > "$T/mfp/print-cmd"
	out=$(printf 'hello\npin fmbob 5678\nrelease %s\n' "$j" | fm_term t1)
	cp "$T/mfp/print-cmd.orig" "$T/mfp/print-cmd"
	echo "$out" | grep -q "^PROGRESS job=$j stage=1 pages=1 charge=15 " || fm_die "not reserved 1 page: $out"
	echo "$out" | grep -q "^PROGRESS job=$j stage=4 pages=5 charge=75 " || fm_die "not charged the printer's 5: $out"
	[ "$(bal fmbob)" -eq -60 ] || fm_die "bob's balance is $(bal fmbob)"
	fm_admin report overdrawn | grep -E -q " $j +fmbob +fmbob +mfp1 +0\.15 +0\.75 +-0\.60 +0\.00$" ||
		fm_die "not reported: $(fm_admin report overdrawn)"
	fm_admin --json report overdrawn | python3 -c "
import json, sys
r = json.load(sys.stdin)
sys.exit(0 if len(r) == 1 and r[0]['job'] == $j and r[0]['charged'] == '0.75' and r[0]['balance_after'] == '-0.60' else 1)" ||
		fm_die "JSON: $(fm_admin --json report overdrawn)"
	for _ in $(seq 1 50); do
		grep -q "overdrawn: job $j .*user account fmbob at -0.60, below its overdraft of 0.00" "$T/log/followmed.log" && return 0
		sleep 0.1
	done
	fm_die "no log line: $(grep -i overdrawn "$T/log/followmed.log")"
}

fm_run_cases
