/*
 * wedgekeys.c - keyboard-wedge readers: key codes to card-number lines.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <linux/input-event-codes.h>
#include <string.h>

#include "badge/wedgekeys.h"

void
fm_wedgekeys_reset(struct fm_wedgekeys *k)
{
	if (k != NULL)
		memset(k, 0, sizeof(*k));
}

char
fm_wedgekeys_char(unsigned code, bool shift)
{
	/* Top-row digits are consecutive codes, KEY_1 .. KEY_9, KEY_0. */
	if (code >= KEY_1 && code <= KEY_9)
		return (char)('1' + (code - KEY_1));
	switch (code) {
	case KEY_0:
	case KEY_KP0:
		return '0';
	case KEY_KP1:
		return '1';
	case KEY_KP2:
		return '2';
	case KEY_KP3:
		return '3';
	case KEY_KP4:
		return '4';
	case KEY_KP5:
		return '5';
	case KEY_KP6:
		return '6';
	case KEY_KP7:
		return '7';
	case KEY_KP8:
		return '8';
	case KEY_KP9:
		return '9';
	case KEY_A:
		return shift ? 'A' : 'a';
	case KEY_B:
		return shift ? 'B' : 'b';
	case KEY_C:
		return shift ? 'C' : 'c';
	case KEY_D:
		return shift ? 'D' : 'd';
	case KEY_E:
		return shift ? 'E' : 'e';
	case KEY_F:
		return shift ? 'F' : 'f';
	case KEY_ENTER:
	case KEY_KPENTER:
		return '\n';
	}
	return 0;
}

enum fm_wedgekeys_result
fm_wedgekeys_feed(struct fm_wedgekeys *k, unsigned type, unsigned code,
    int value, uint64_t now)
{
	enum fm_wedgekeys_result r;
	char c;

	if (k == NULL || type != EV_KEY)
		return FM_WEDGEKEYS_MORE;
	if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
		k->shift = value != 0;
		return FM_WEDGEKEYS_MORE;
	}
	/* Only presses count: releases and autorepeat would double keys. */
	if (value != 1)
		return FM_WEDGEKEYS_MORE;
	if ((k->len > 0 || k->bad) && now - k->last > FM_WEDGEKEYS_GAP_MS) {
		bool shift = k->shift;

		fm_wedgekeys_reset(k);
		k->shift = shift;
	}
	k->last = now;
	c = fm_wedgekeys_char(code, k->shift);
	if (c == '\n') {
		bool shift = k->shift;

		r = (k->bad || k->len == 0) ? FM_WEDGEKEYS_DISCARDED
		                            : FM_WEDGEKEYS_LINE;
		if (r == FM_WEDGEKEYS_LINE) {
			/* Keep the text for the caller; clear the state. */
			k->bad = false;
			k->shift = shift;
			k->last = 0;
			k->len = 0;
			return r;
		}
		fm_wedgekeys_reset(k);
		k->shift = shift;
		return r;
	}
	if (c == 0 || k->len >= FM_UID_TEXTMAX) {
		k->bad = true;
		return FM_WEDGEKEYS_MORE;
	}
	k->text[k->len++] = c;
	k->text[k->len] = '\0';
	return FM_WEDGEKEYS_MORE;
}
