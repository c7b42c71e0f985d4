/*
 * readermsg.h - reader events and their wire format.
 *
 * A reader runs in a child process (reader.h) and reports each event as
 * one SOCK_SEQPACKET message to the process that owns the reader:
 *
 *   "FB" | version 1 | event type u8 | card type u8 | uid length u8 | uid
 *
 * CARD_PRESENT carries a card type and 1..FM_UID_MAX uid bytes; every
 * other event has card type 0 and no uid.  The length must match exactly;
 * anything else is refused whole.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_READERMSG_H
#define FM_READERMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge/uid.h"

enum fm_reader_event_type {
	FM_READER_READY = 1, /* first opened: taps are read from now */
	FM_READER_CARD_PRESENT = 2,
	FM_READER_CARD_REMOVED = 3,
	FM_READER_UNAVAILABLE = 4, /* unplugged or failing; retrying */
	FM_READER_BACK = 5,        /* reconnected after UNAVAILABLE */
};

enum fm_card_type {
	FM_CARD_NONE = 0,
	FM_CARD_ISO14443A = 1,
	FM_CARD_ISO14443B = 2,
	FM_CARD_FELICA = 3,
	FM_CARD_WEDGE = 4, /* typed by a keyboard-wedge reader */
};

struct fm_reader_event {
	enum fm_reader_event_type type;
	enum fm_card_type card;  /* CARD_PRESENT only */
	uint8_t uid[FM_UID_MAX]; /* CARD_PRESENT only */
	size_t uid_len;
	char id[FM_UID_STRMAX]; /* uid in the site's canonical form,
	                           filled by fm_reader_read_event() */
};

#define FM_READERMSG_MAX (6 + FM_UID_MAX)

/*
 * 'fm_readermsg_encode()' - encode ev into buf (size bytes).  Returns the
 * length, or 0 if ev is not a valid event or buf is too small.  The id
 * field is not sent: the receiver derives it.
 */
size_t fm_readermsg_encode(
    const struct fm_reader_event *ev, uint8_t *buf, size_t size);

/*
 * 'fm_readermsg_decode()' - decode one message of len bytes into *ev (id
 * set to the empty string).  False with a static *errstr if malformed.
 */
bool fm_readermsg_decode(const uint8_t *buf, size_t len,
    struct fm_reader_event *ev, const char **errstr);

/* 'fm_readermsg_event_name()' - "CARD_PRESENT" etc., or "?" (static). */
const char *fm_readermsg_event_name(enum fm_reader_event_type type);

/* 'fm_readermsg_card_name()' - "iso14443a" etc., or "?" (static). */
const char *fm_readermsg_card_name(enum fm_card_type card);

#endif
