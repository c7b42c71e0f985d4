/*
 * wedgekeys.h - keyboard-wedge readers: key codes to card-number lines.
 *
 * A keyboard-wedge reader (a USB HID "keyboard") types the card number and
 * Enter.  This module is the pure part of reading one: it turns Linux
 * evdev key events (type, code, value, time) into characters and
 * assembles them into lines.  Only digits and the letters a-f count; a
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

#define FM_WEDGEKEYS_GAP_MS 1000

struct fm_wedgekeys {
	char text[FM_UID_TEXTMAX + 1]; /* the line so far, NUL-terminated */
	size_t len;
	bool bad;      /* a key that is not part of a card number */
	bool shift;    /* a shift key is held */
	uint64_t last; /* time of the last key, ms */
};

enum fm_wedgekeys_result {
	FM_WEDGEKEYS_MORE,      /* nothing complete yet */
	FM_WEDGEKEYS_LINE,      /* text holds a complete line */
	FM_WEDGEKEYS_DISCARDED, /* Enter ended a line that was not valid */
};

/* 'fm_wedgekeys_reset()' - forget any partial line (and shift state). */
void fm_wedgekeys_reset(struct fm_wedgekeys *k);

/*
 * 'fm_wedgekeys_char()' - the character key code types (with shift held
 * or not): '0'-'9', 'a'-'f' ('A'-'F' shifted), '\n' for Enter and keypad
 * Enter, or 0 for any other key.  Keypad digits count as digits.
 */
char fm_wedgekeys_char(unsigned code, bool shift);

/*
 * 'fm_wedgekeys_feed()' - feed one evdev event (struct input_event's
 * type, code and value; now in ms, monotonic).  Returns LINE when Enter
 * completes a valid line: k->text holds it until the next call.
 */
enum fm_wedgekeys_result fm_wedgekeys_feed(struct fm_wedgekeys *k,
    unsigned type, unsigned code, int value, uint64_t now);

#endif
