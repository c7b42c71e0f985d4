#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# followmed_unit.sh UNIT UNITDIR - the followmed unit as installed is
# Type=notify (READY=1 from followmed itself, so Before=cups.service waits
# for the ingest socket), logs to the journal from the foreground (-f,
# where each line carries its priority), and is installed where this
# system's systemd looks (pkg-config systemd; issue 15).
set -eu
unit=$1 unitdir=$2
fails=0
has() { # has LINE WHY
	if ! grep -qx -- "$1" "$unit"; then
		echo "FAIL: $unit lacks '$1' ($2)"
		fails=$((fails + 1))
	fi
}
has 'Type=notify' 'READY=1 once the listeners are up'
has 'NotifyAccess=main' 'only followmed speaks for the service'
has 'StandardError=journal' 'lines with their priority'
grep -q '^ExecStart=.*/followmed -f$' "$unit" ||
	{ echo "FAIL: ExecStart does not run followmed -f (in the foreground)"; fails=$((fails + 1)); }
if want=$(pkg-config systemd --variable=systemdsystemunitdir 2>/dev/null) && [ -n "$want" ]; then
	[ "$unitdir" = "$want" ] ||
		{ echo "FAIL: units go to $unitdir, systemd looks in $want"; fails=$((fails + 1)); }
fi
[ "$fails" -eq 0 ] || exit 1
echo "ok: $unit is Type=notify, installed to $unitdir"
