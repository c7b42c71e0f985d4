/*
 * wedgekeys.c - keyboard-wedge readers: key codes to card-number lines.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <linux/input-event-codes.h>
#include <string.h>

#include "badge/wedgekeys.h"

void
fm_wedgekeys_init(struct fm_wedgekeys *k, fm_wedgelayout_t *layout)
{
	if (k == NULL)
		return;
	memset(k, 0, sizeof(*k));
	k->layout = layout;
	fm_wedgelayout_reset(layout);
}

void
fm_wedgekeys_reset(struct fm_wedgekeys *k)
{
	if (k != NULL)
		fm_wedgekeys_init(k, k->layout);
}

/* Whether c may be part of a card number as readers type them. */
static bool
card_char(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Forgets the line so far, not the keys held: a reader's Shift may be
 * down across a pause. */
static void
clear_line(struct fm_wedgekeys *k)
{
	k->text[0] = '\0';
	k->len = 0;
	k->bad = false;
	k->last = 0;
}

enum fm_wedgekeys_result
fm_wedgekeys_feed(struct fm_wedgekeys *k, unsigned type, unsigned code,
    int value, uint64_t now)
{
	enum fm_wedgekeys_result r;
	uint32_t c;

	if (k == NULL || k->layout == NULL || type != EV_KEY)
		return FM_WEDGEKEYS_MORE;
	/* Releases and modifiers change the layout's state; only presses
	 * of other keys type: autorepeat would double them. */
	if (!fm_wedgelayout_key(k->layout, code, value, &c))
		return FM_WEDGEKEYS_MORE;
	if ((k->len > 0 || k->bad) && now - k->last > FM_WEDGEKEYS_GAP_MS)
		clear_line(k);
	k->last = now;
	if (c == '\n') {
		r = (k->bad || k->len == 0) ? FM_WEDGEKEYS_DISCARDED
		                            : FM_WEDGEKEYS_LINE;
		/* Keep a line's text for the caller until the next call. */
		if (r == FM_WEDGEKEYS_LINE) {
			k->len = 0;
			k->bad = false;
			k->last = 0;
		} else {
			clear_line(k);
		}
		return r;
	}
	if (!card_char(c) || k->len >= FM_UID_TEXTMAX) {
		k->bad = true;
		return FM_WEDGEKEYS_MORE;
	}
	k->text[k->len++] = (char)c;
	k->text[k->len] = '\0';
	return FM_WEDGEKEYS_MORE;
}
