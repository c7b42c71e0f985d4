/*
 * wedgekeys.h - keyboard-wedge readers: key codes to card-number lines.
 *
 * A keyboard-wedge reader (a USB HID "keyboard") types the card number and
 * Enter.  This module is the part of reading one that touches no device:
 * it turns Linux evdev key events (type, code, value, time) into
 * characters in the reader's keyboard layout (wedgelayout.h: the same
 * badge gives the same line whether the reader types for a US, French or
 * German keyboard) and assembles them into lines.  Only digits and the
 * letters a-f (either case) count; a
 * line holding anything else, a line longer than FM_UID_TEXTMAX, or keys
 * left pending for longer than FM_WEDGEKEYS_GAP_MS (someone typing by
 * hand, a half-read badge) is discarded, never delivered.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEDGEKEYS_H
#define FM_WEDGEKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge/uid.h"
#include "badge/wedgelayout.h"

#define FM_WEDGEKEYS_GAP_MS 1000

struct fm_wedgekeys {
	char text[FM_UID_TEXTMAX + 1]; /* the line so far, NUL-terminated */
	size_t len;
	bool bad;                 /* a key that is not part of a card number */
	uint64_t last;            /* time of the last key, ms */
	fm_wedgelayout_t *layout; /* borrowed: the reader's layout and the
	                             keys it holds down */
};

enum fm_wedgekeys_result {
	FM_WEDGEKEYS_MORE,      /* nothing complete yet */
	FM_WEDGEKEYS_LINE,      /* text holds a complete line */
	FM_WEDGEKEYS_DISCARDED, /* Enter ended a line that was not valid */
};

/*
 * 'fm_wedgekeys_init()' - start reading lines typed in layout (borrowed:
 * it must outlive k), with no partial line and every key up.
 */
void fm_wedgekeys_init(struct fm_wedgekeys *k, fm_wedgelayout_t *layout);

/*
 * 'fm_wedgekeys_reset()' - forget any partial line, and release every
 * key of the layout (Shift held included).
 */
void fm_wedgekeys_reset(struct fm_wedgekeys *k);

/*
 * 'fm_wedgekeys_feed()' - feed one evdev event (struct input_event's
 * type, code and value; now in ms, monotonic).  Returns LINE when Enter
 * completes a valid line: k->text holds it until the next call.  Events
 * other than keys (EV_SYN, EV_MSC scan codes) are ignored; without a
 * layout, so is everything.
 */
enum fm_wedgekeys_result fm_wedgekeys_feed(struct fm_wedgekeys *k,
    unsigned type, unsigned code, int value, uint64_t now);

#endif
