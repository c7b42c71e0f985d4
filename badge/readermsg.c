/*
 * readermsg.c - reader events and their wire format.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "badge/readermsg.h"
#include "common/wire.h"

/* "FB", then the version of the format. */
#define MAGIC "FB\x01"
#define HDR 6

static bool
valid_event(unsigned type)
{
	return type >= FM_READER_READY && type <= FM_READER_BACK;
}

static bool
valid_card(unsigned card)
{
	return card >= FM_CARD_ISO14443A && card <= FM_CARD_WEDGE;
}

size_t
fm_readermsg_encode(const struct fm_reader_event *ev, uint8_t *buf, size_t size)
{
	struct fm_wire_writer w;
	size_t uidlen = 0;

	if (ev == NULL || !valid_event(ev->type))
		return 0;
	if (ev->type == FM_READER_CARD_PRESENT) {
		if (!valid_card(ev->card) || ev->uid_len == 0 ||
		    ev->uid_len > FM_UID_MAX)
			return 0;
		uidlen = ev->uid_len;
	}
	fm_wire_writer_init(&w, buf, size);
	fm_wire_put_bytes(&w, MAGIC, sizeof(MAGIC) - 1);
	fm_wire_put_u8(&w, ev->type);
	fm_wire_put_u8(&w, uidlen ? ev->card : FM_CARD_NONE);
	fm_wire_put_u8(&w, uidlen);
	fm_wire_put_bytes(&w, ev->uid, uidlen);
	return fm_wire_writer_end(&w);
}

bool
fm_readermsg_decode(const uint8_t *buf, size_t len, struct fm_reader_event *ev,
    const char **errstr)
{
	const char *err = NULL;
	struct fm_wire_reader r;
	bool magic;
	uint8_t type, card, uidlen;

	fm_wire_reader_init(&r, buf, len);
	magic = fm_wire_expect(&r, MAGIC, sizeof(MAGIC) - 1);
	type = fm_wire_get_u8(&r);
	card = fm_wire_get_u8(&r);
	uidlen = fm_wire_get_u8(&r);
	if (buf == NULL || ev == NULL)
		err = "no message";
	else if (len < HDR)
		err = "reader message too short";
	else if (!magic)
		err = "not a reader message (bad magic or version)";
	else if (!valid_event(type))
		err = "unknown reader event";
	else if (fm_wire_reader_left(&r) != uidlen)
		err = "reader message length mismatch";
	else if (type == FM_READER_CARD_PRESENT &&
	    (!valid_card(card) || uidlen == 0 || uidlen > FM_UID_MAX))
		err = "bad card in reader message";
	else if (type != FM_READER_CARD_PRESENT && (card != 0 || uidlen))
		err = "unexpected card data in reader message";
	if (err != NULL) {
		if (errstr)
			*errstr = err;
		return false;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = (enum fm_reader_event_type)type;
	ev->card = (enum fm_card_type)card;
	ev->uid_len = uidlen;
	fm_wire_get_bytes(&r, ev->uid, uidlen);
	return true;
}

const char *
fm_readermsg_event_name(enum fm_reader_event_type type)
{
	switch (type) {
	case FM_READER_READY:
		return "READER_READY";
	case FM_READER_CARD_PRESENT:
		return "CARD_PRESENT";
	case FM_READER_CARD_REMOVED:
		return "CARD_REMOVED";
	case FM_READER_UNAVAILABLE:
		return "READER_UNAVAILABLE";
	case FM_READER_BACK:
		return "READER_BACK";
	}
	return "?";
}

const char *
fm_readermsg_card_name(enum fm_card_type card)
{
	switch (card) {
	case FM_CARD_ISO14443A:
		return "iso14443a";
	case FM_CARD_ISO14443B:
		return "iso14443b";
	case FM_CARD_FELICA:
		return "felica";
	case FM_CARD_WEDGE:
		return "wedge";
	case FM_CARD_NONE:
		break;
	}
	return "?";
}
