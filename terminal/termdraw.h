/*
 * termdraw.h - drawing a release terminal's state with curses.
 *
 * Every screen fits 80x24 and shrinks to 30x8: columns are dropped, not
 * wrapped.  Everything that comes from outside (titles, names, server
 * messages) goes through fm_termtext_fit() first.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_TERMDRAW_H
#define FM_TERMDRAW_H

#include <stdbool.h>
#include <time.h>

#include "terminal/termstate.h"

/* 'fm_termdraw_open()' - set up curses on the controlling terminal; false if it
 * cannot. */
bool fm_termdraw_open(void);

/* 'fm_termdraw_close()' - put the terminal back as it was. */
void fm_termdraw_close(void);

/*
 * 'fm_termdraw_screen()' - draw t on the whole screen.  wall is the time
 * of day (job ages); utf8 says whether the screen takes UTF-8.
 */
void fm_termdraw_screen(const struct fm_termstate *t, time_t wall, bool utf8);

/*
 * 'fm_termdraw_read_key()' - the next key without waiting: true with
 * *key (and *ch for characters), false when none is waiting.  Keys that mean
 * nothing here are skipped.
 */
bool fm_termdraw_read_key(enum fm_termstate_key *key, int *ch);

#endif
