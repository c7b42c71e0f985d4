/*
 * wedgelayout.h - the keyboard layout a keyboard-wedge reader types in.
 *
 * A wedge reader is configured, like any keyboard, for the layout of the
 * computer it is plugged into: set to French (AZERTY), it types a hex 'A'
 * as the key that is Q on a US keyboard, and every digit with Shift.  The
 * evdev key codes it sends therefore mean nothing without that layout.
 * This module holds one layout, compiled by libxkbcommon from the
 * system's XKB data (package xkb-data), and the keyboard state (Shift,
 * AltGr, Caps Lock, Num Lock) that the reader's own modifier keys change,
 * and turns each key press into the character it types there.
 *
 * Layouts are named as XKB names them: "us", "fr", "de", "be", "ch",
 * ..., with a variant in parentheses where one is wanted ("de(nodeadkeys)",
 * "fr(azerty)").  Num Lock starts on, as readers that type on the
 * keypad expect.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WEDGELAYOUT_H
#define FM_WEDGELAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest layout name, "layout(variant)", without its NUL. */
#define FM_WEDGELAYOUT_NAMEMAX 63
#define FM_WEDGELAYOUT_DEFAULT "us"

typedef struct fm_wedgelayout fm_wedgelayout_t;

/*
 * 'fm_wedgelayout_name_parse()' - check that buf (len bytes) is a layout
 * name: "LAYOUT" or "LAYOUT(VARIANT)", each of lowercase letters, digits,
 * '-' and '_', at most FM_WEDGELAYOUT_NAMEMAX bytes in all.  On success
 * the layout and the variant ("" if none) are copied, NUL-terminated,
 * into layout and variant (FM_WEDGELAYOUT_NAMEMAX + 1 bytes each).  It
 * does not say whether the XKB data has that layout:
 * fm_wedgelayout_create() does.  Pure; false for anything else, with
 * layout and variant left empty.
 */
bool fm_wedgelayout_name_parse(
    const char *buf, size_t len, char *layout, char *variant);

/*
 * 'fm_wedgelayout_create()' - compile the layout named name (see
 * fm_wedgelayout_name_parse(); NULL or "" is FM_WEDGELAYOUT_DEFAULT) for
 * a standard 105-key keyboard, with every key up and Num Lock on.
 *
 * Returns a layout the caller frees with fm_wedgelayout_destroy(), or
 * NULL with a sentence in err (errlen bytes) when the name is malformed
 * or the XKB data has no such layout or variant.  libxkbcommon's own
 * messages go to the debug log.
 */
fm_wedgelayout_t *fm_wedgelayout_create(
    const char *name, char *err, size_t errlen);

/* 'fm_wedgelayout_destroy()' - free l; NULL is a no-op. */
void fm_wedgelayout_destroy(fm_wedgelayout_t *l);

/* 'fm_wedgelayout_get_name()' - the name l was created with (borrowed). */
const char *fm_wedgelayout_get_name(const fm_wedgelayout_t *l);

/*
 * 'fm_wedgelayout_reset()' - every key up, modifiers cleared, Num Lock
 * on: the state of a keyboard just plugged in.
 */
void fm_wedgelayout_reset(fm_wedgelayout_t *l);

/*
 * 'fm_wedgelayout_key()' - one evdev key event (code; value 1 press, 0
 * release, 2 autorepeat) into the keyboard state.
 *
 * True for the press of a key that is not a modifier: *cp is then the
 * character it types in the current state (a Unicode code point; '\n'
 * for Enter and keypad Enter), or 0 if it types none (a dead key, a
 * function key).  False for releases, autorepeat and modifier keys
 * (Shift, AltGr, Caps Lock...), whose effect is kept for the keys that
 * follow; and for a NULL l.
 */
bool fm_wedgelayout_key(
    fm_wedgelayout_t *l, unsigned code, int value, uint32_t *cp);

#endif
