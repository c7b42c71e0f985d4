/*
 * readermsg.c - reader events and their wire format.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "badge/readermsg.h"

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
	size_t uidlen = 0;

	if (ev == NULL || buf == NULL || !valid_event(ev->type))
		return 0;
	if (ev->type == FM_READER_CARD_PRESENT) {
		if (!valid_card(ev->card) || ev->uid_len == 0 ||
		    ev->uid_len > FM_UID_MAX)
			return 0;
		uidlen = ev->uid_len;
	}
	if (size < HDR + uidlen)
		return 0;
	buf[0] = 'F';
	buf[1] = 'B';
	buf[2] = 1;
	buf[3] = (uint8_t)ev->type;
	buf[4] = uidlen ? (uint8_t)ev->card : 0;
	buf[5] = (uint8_t)uidlen;
	if (uidlen)
		memcpy(buf + HDR, ev->uid, uidlen);
	return HDR + uidlen;
}

bool
fm_readermsg_decode(const uint8_t *buf, size_t len, struct fm_reader_event *ev,
    const char **errstr)
{
	const char *err = NULL;

	if (buf == NULL || ev == NULL)
		err = "no message";
	else if (len < HDR)
		err = "reader message too short";
	else if (buf[0] != 'F' || buf[1] != 'B' || buf[2] != 1)
		err = "not a reader message (bad magic or version)";
	else if (!valid_event(buf[3]))
		err = "unknown reader event";
	else if (len != HDR + (size_t)buf[5])
		err = "reader message length mismatch";
	else if (buf[3] == FM_READER_CARD_PRESENT &&
	    (!valid_card(buf[4]) || buf[5] == 0 || buf[5] > FM_UID_MAX))
		err = "bad card in reader message";
	else if (buf[3] != FM_READER_CARD_PRESENT && (buf[4] != 0 || buf[5]))
		err = "unexpected card data in reader message";
	if (err != NULL) {
		if (errstr)
			*errstr = err;
		return false;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = (enum fm_reader_event_type)buf[3];
	ev->card = (enum fm_card_type)buf[4];
	ev->uid_len = buf[5];
	memcpy(ev->uid, buf + HDR, ev->uid_len);
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
