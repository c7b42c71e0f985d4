/*
 * reader.h - badge readers, as one stream of events for an event loop.
 *
 * A reader is opened from a struct fm_reader_config and runs in a child
 * process: libnfc calls and device reads block, and the terminal's single
 * event loop must not.  The child opens the device, polls it, debounces
 * (one tap is one CARD_PRESENT until the card is removed), reconnects with
 * backoff when the device vanishes or fails, and reports each event as one
 * message (readermsg.h).  The owner polls fm_reader_get_fd() for input and
 * calls fm_reader_read_event() when it is readable.
 *
 * Events, in the order a terminal sees them:
 *   READY               the device is open (first time; after an
 *                       UNAVAILABLE at start-up, READY too: treat READY
 *                       and BACK alike)
 *   CARD_PRESENT        a card was tapped: uid, card type, canonical id
 *   CARD_REMOVED        that card left the field (not for wedge readers,
 *                       which cannot tell)
 *   READER_UNAVAILABLE  the device is gone or failing; show it, and wait:
 *                       the child retries (backoff 100 ms doubling to 2 s)
 *   READER_BACK         the device works again
 *
 * Implementations: "nfc" (libnfc: ISO 14443A, and where enabled 14443B
 * and FeliCa) and "wedge" (a keyboard-wedge reader's evdev device, grabbed
 * exclusively with EVIOCGRAB).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_READER_H
#define FM_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "badge/readermsg.h"
#include "badge/uid.h"
#include "badge/wedgelayout.h"

typedef struct fm_reader fm_reader_t;

enum fm_reader_kind {
	FM_READER_NFC,
	FM_READER_WEDGE,
};

/* Card families a libnfc reader polls for (bit mask). */
#define FM_READER_POLL_14443A 0x1
#define FM_READER_POLL_14443B 0x2
#define FM_READER_POLL_FELICA 0x4

#define FM_READER_PATHMAX 256

struct fm_reader_config {
	enum fm_reader_kind kind;
	/* nfc: libnfc connstring ("pn532_uart:/dev/ttyUSB0"); empty = the
	 * first device libnfc finds (its config and LIBNFC_* variables). */
	char connstring[FM_READER_PATHMAX];
	unsigned poll;    /* nfc: FM_READER_POLL_* mask, 0 = 14443A */
	unsigned poll_ms; /* nfc: pause between polls; 0 = 100 */
	char device[FM_READER_PATHMAX]; /* wedge: /dev/input/eventN */
	enum fm_uid_input wedge_input;  /* wedge: what the reader types */
	/* wedge: the keyboard layout the reader is set to type for, as
	 * fm_wedgelayout_create() takes it; "" = "us" */
	char wedge_layout[FM_WEDGELAYOUT_NAMEMAX + 1];
	struct fm_uid_format format; /* canonical id of every card */
};

/*
 * 'fm_reader_kind_parse()' - "nfc" or "wedge" (len bytes) into *kind;
 * false if neither.
 */
bool fm_reader_kind_parse(
    const char *buf, size_t len, enum fm_reader_kind *kind);

/*
 * 'fm_reader_poll_parse()' - a comma-separated list of "14443a",
 * "14443b", "felica" (len bytes) into an FM_READER_POLL_* mask; false
 * for an unknown or empty item.
 */
bool fm_reader_poll_parse(const char *buf, size_t len, unsigned *mask);

/*
 * 'fm_reader_open()' - start the reader child for cfg (copied).
 *
 * Returns NULL with a static *errstr if the child cannot be started (no
 * processes, no sockets) or a wedge reader's layout is not one the XKB
 * data has (logged with the reason); a missing or broken device is not an
 * error here but a READER_UNAVAILABLE event, so that a terminal starts
 * without its reader and shows why.  The child is the caller's: it must not
 * reap it (waitpid(-1, ...)) behind fm_reader_close()'s back.
 */
fm_reader_t *fm_reader_open(
    const struct fm_reader_config *cfg, const char **errstr);

/*
 * 'fm_reader_get_fd()' - the descriptor to poll for POLLIN.
 *
 * It changes when the child had to be restarted, which only
 * fm_reader_read_event() does: fetch it again after each call.
 */
int fm_reader_get_fd(const fm_reader_t *r);

/*
 * 'fm_reader_read_event()' - read one event without blocking.
 *
 * FM_READER_GOT_EVENT with *ev filled (for CARD_PRESENT, ev->id holds the
 * uid in the configured canonical form), FM_READER_NO_EVENT, or
 * FM_READER_BROKEN with a static *errstr if the reader cannot go on.  If the
 * child died, this reports READER_UNAVAILABLE (once) and starts a new child,
 * which retries the device with backoff.  A malformed message from the child is
 * refused, logged and dropped.
 */
enum fm_reader_read {
	FM_READER_GOT_EVENT, /* *ev filled; call again, more may wait */
	FM_READER_NO_EVENT,  /* nothing waiting now */
	FM_READER_BROKEN,    /* the reader cannot go on (*errstr) */
};

enum fm_reader_read fm_reader_read_event(
    fm_reader_t *r, struct fm_reader_event *ev, const char **errstr);

/*
 * 'fm_reader_close()' - stop the child (it closes the device cleanly:
 * serial ports stay usable) and free r.  NULL is a no-op.
 */
void fm_reader_close(fm_reader_t *r);

#endif
