/*
 * reader-nfc.c - the libnfc reader implementation (runs in the reader's
 * child process, see reader-impl.h).
 *
 * Every libnfc call used here is bounded: targets are found with
 * nfc_initiator_select_passive_target() and NP_INFINITE_SELECT off (one
 * InListPassiveTarget, 300 ms timeout at most), not with
 * nfc_initiator_poll_target(), whose InAutoPoll waits without a timeout
 * for as long as the chip likes.  So a SIGTERM is honoured within a poll
 * interval and the device is always closed cleanly.
 *
 * Presence: each poll turns the RF field on, lets cards power up, looks
 * for one card of each enabled family and turns the field off again.  A
 * card that lost power answers a plain poll again (a selected or halted
 * 14443 card would not), so one method works for every card type -- no
 * per-type "ping" that libnfc lacks for many cards -- and the field is
 * off while we wait (less heat, less power).  A card stays "present" as
 * long as polls find it; it is "removed" after MISSES_FOR_REMOVAL polls
 * in a row without it, so one missed poll (a card at the edge of the
 * field) does not make a second tap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <nfc/nfc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badge/reader-impl.h"
#include "common/log.h"

#define MISSES_FOR_REMOVAL 2
#define ERRORS_FOR_FAILURE 2
#define FIELD_SETTLE_MS 10 /* ISO 14443: 5 ms power-up before a poll */

struct nfcdev {
	nfc_context *ctx;
	nfc_device *pnd;
	unsigned poll, poll_ms;
	bool present;
	enum fm_card_type card;
	uint8_t uid[FM_UID_MAX];
	size_t uid_len;
	unsigned misses, errors;
};

static const struct {
	unsigned bit;
	nfc_modulation_type nmt;
	enum fm_card_type card;
} families[] = {
    {FM_READER_POLL_14443A, NMT_ISO14443A, FM_CARD_ISO14443A},
    {FM_READER_POLL_14443B, NMT_ISO14443B, FM_CARD_ISO14443B},
    {FM_READER_POLL_FELICA, NMT_FELICA, FM_CARD_FELICA},
};

/*
 * Drops the families the chip cannot poll (a PN532 without 14443B
 * firmware, say), telling the log once.  False if none is left.
 */
static bool
keep_supported(struct nfcdev *d)
{
	const nfc_modulation_type *mt = NULL;
	unsigned supported = 0;
	size_t i, j;

	if (nfc_device_get_supported_modulation(d->pnd, N_INITIATOR, &mt) < 0 ||
	    mt == NULL)
		return d->poll != 0; /* cannot tell: try them all */
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		for (j = 0; mt[j] != 0; j++)
			if (mt[j] == families[i].nmt)
				supported |= families[i].bit;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if ((d->poll & families[i].bit) &&
		    !(supported & families[i].bit))
			fm_log_info("reader: this reader cannot read %s cards",
			    fm_readermsg_card_name(families[i].card));
	d->poll &= supported;
	return d->poll != 0;
}

static void
nfc_ops_close(void *arg)
{
	struct nfcdev *d = arg;

	if (d == NULL)
		return;
	if (d->pnd != NULL)
		nfc_close(d->pnd);
	if (d->ctx != NULL)
		nfc_exit(d->ctx);
	free(d);
}

static void *
nfc_ops_open(const struct fm_reader_config *cfg, const char **errstr)
{
	/* libnfc's connstring type is a 1024-byte array: pass one. */
	nfc_connstring conn;
	struct nfcdev *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*errstr = "out of memory";
		return NULL;
	}
	memset(conn, 0, sizeof(conn));
	snprintf(conn, sizeof(conn), "%s", cfg->connstring);
	d->poll = cfg->poll;
	d->poll_ms = cfg->poll_ms;
	nfc_init(&d->ctx);
	if (d->ctx == NULL) {
		*errstr = "libnfc initialisation failed";
		goto fail;
	}
	d->pnd = nfc_open(d->ctx, conn[0] ? conn : NULL);
	if (d->pnd == NULL) {
		*errstr = "cannot open the NFC device";
		goto fail;
	}
	if (nfc_initiator_init(d->pnd) < 0) {
		*errstr = "cannot initialise the NFC device as initiator";
		goto fail;
	}
	if (!keep_supported(d)) {
		*errstr = "the reader cannot read any of the configured card "
		          "families";
		goto fail;
	}
	/* Else a select waits for a card forever. */
	if (nfc_device_set_property_bool(d->pnd, NP_INFINITE_SELECT, false) <
	    0) {
		*errstr = "cannot turn off infinite select";
		goto fail;
	}
	return d;
fail:
	nfc_ops_close(d);
	return NULL;
}

/*
 * Looks for a card of one family.  Returns 1 with the uid, 0 for none, -1
 * for a device error.
 */
static int
select_one(
    struct nfcdev *d, nfc_modulation_type nmt, uint8_t *uid, size_t *uidlen)
{
	nfc_modulation nm = {.nmt = nmt, .nbr = NBR_106};
	nfc_target nt;
	int res;

	if (nmt == NMT_FELICA)
		nm.nbr = NBR_212;
	memset(&nt, 0, sizeof(nt));
	res = nfc_initiator_select_passive_target(d->pnd, nm, NULL, 0, &nt);
	if (res == NFC_EIO || res == NFC_ETIMEOUT || res == NFC_ENOTSUCHDEV ||
	    res == NFC_ESOFT)
		return -1;
	if (res <= 0)
		return 0; /* none, or an RF-level error: no card this time */
	switch (nmt) {
	case NMT_ISO14443A:
		if (nt.nti.nai.szUidLen == 0 ||
		    nt.nti.nai.szUidLen > sizeof(nt.nti.nai.abtUid))
			return 0;
		*uidlen = nt.nti.nai.szUidLen;
		memcpy(uid, nt.nti.nai.abtUid, *uidlen);
		break;
	case NMT_ISO14443B:
		*uidlen = sizeof(nt.nti.nbi.abtPupi);
		memcpy(uid, nt.nti.nbi.abtPupi, *uidlen);
		break;
	case NMT_FELICA:
		*uidlen = sizeof(nt.nti.nfi.abtId);
		memcpy(uid, nt.nti.nfi.abtId, *uidlen);
		break;
	default:
		return 0;
	}
	return 1;
}

/* One scan over the families; 1 found, 0 none, -1 device error. */
static int
scan(struct nfcdev *d, enum fm_card_type *card, uint8_t *uid, size_t *uidlen)
{
	size_t i;
	int res = 0;

	if (nfc_device_set_property_bool(d->pnd, NP_ACTIVATE_FIELD, true) < 0)
		return -1;
	poll(NULL, 0, FIELD_SETTLE_MS);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (!(d->poll & families[i].bit))
			continue;
		res = select_one(d, families[i].nmt, uid, uidlen);
		if (res != 0) {
			*card = families[i].card;
			break;
		}
	}
	if (res >= 0 &&
	    nfc_device_set_property_bool(d->pnd, NP_ACTIVATE_FIELD, false) < 0)
		return -1;
	return res;
}

static int
nfc_ops_next(void *arg, struct fm_reader_event *ev, const char **errstr)
{
	struct nfcdev *d = arg;
	enum fm_card_type card = FM_CARD_NONE;
	uint8_t uid[FM_UID_MAX];
	size_t uidlen = 0;
	int n = 0, res;

	res = scan(d, &card, uid, &uidlen);
	if (res < 0) {
		/* A failing device answers nothing at all; one bad exchange
		 * on a serial line is forgiven. */
		if (++d->errors >= ERRORS_FOR_FAILURE) {
			*errstr = nfc_strerror(d->pnd);
			return -1;
		}
		return 0;
	}
	d->errors = 0;
	if (res == 1 && d->present && card == d->card && uidlen == d->uid_len &&
	    memcmp(uid, d->uid, uidlen) == 0) {
		d->misses = 0; /* the same card, still held */
	} else if (res == 1) {
		if (d->present) {
			memset(&ev[n], 0, sizeof(ev[n]));
			ev[n++].type = FM_READER_CARD_REMOVED;
		}
		d->present = true;
		d->card = card;
		d->uid_len = uidlen;
		memcpy(d->uid, uid, uidlen);
		d->misses = 0;
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n].type = FM_READER_CARD_PRESENT;
		ev[n].card = card;
		ev[n].uid_len = uidlen;
		memcpy(ev[n].uid, uid, uidlen);
		n++;
	} else if (d->present && ++d->misses >= MISSES_FOR_REMOVAL) {
		d->present = false;
		d->misses = 0;
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n++].type = FM_READER_CARD_REMOVED;
	}
	if (n == 0)
		poll(NULL, 0, (int)d->poll_ms);
	return n;
}

const struct fm_reader_ops fm_reader_nfc_ops = {
    "nfc",
    nfc_ops_open,
    nfc_ops_next,
    nfc_ops_close,
};
