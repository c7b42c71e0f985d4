/*
 * ledgerwire.c - charging process <-> ledger writer messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledgerwire.h"

#include <limits.h>
#include <string.h>

#include "common/wire.h"

/* Money and counts are never negative on the wire. */
static void
put_count(struct fm_wire_writer *w, int64_t v)
{
	if (v < 0)
		fm_wire_writer_fail(w);
	fm_wire_put_i64(w, v);
}

static int64_t
get_count(struct fm_wire_reader *r)
{
	int64_t v = fm_wire_get_i64(r);

	if (v < 0) {
		fm_wire_reader_fail(r);
		return 0;
	}
	return v;
}

static bool
get_flag(struct fm_wire_reader *r)
{
	uint8_t v = fm_wire_get_u8(r);

	if (v > 1)
		fm_wire_reader_fail(r);
	return v == 1;
}

static bool
usage_empty(const struct fm_usage *u)
{
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++)
			if (u->impressions[c][d] != 0 || u->sheets[c][d] != 0)
				return false;
	return u->media[0] == '\0';
}

/* Impressions then sheets, [colour][duplex]; no usage goes as zeros. */
static void
put_usage(struct fm_wire_writer *w, const struct fm_usage *u)
{
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++)
			put_count(w, u != NULL ? u->impressions[c][d] : 0);
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++)
			put_count(w, u != NULL ? u->sheets[c][d] : 0);
}

static void
get_usage(struct fm_wire_reader *r, struct fm_usage *u)
{
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++)
			u->impressions[c][d] = get_count(r);
	for (int c = 0; c < 2; c++)
		for (int d = 0; d < 2; d++)
			u->sheets[c][d] = get_count(r);
}

/* The minimums decide which short messages are refused as bad lengths
 * rather than as malformed, as they always were. */
static const struct fm_wire_format reply = {FM_LEDGERWIRE_VERSION, 1,
    FM_LEDGERWIRE_MAX, sizeof(struct fm_ledgerwire_reply), "bad reply length",
    "unsupported version", "malformed reply"};
static const struct fm_wire_format request = {FM_LEDGERWIRE_VERSION, 2,
    FM_LEDGERWIRE_MAX, sizeof(struct fm_ledgerwire_request),
    "bad request length", "unsupported version", "malformed request"};

static void
put_request(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_ledgerwire_request *q = msg;

	fm_wire_put_u8(w, q->op);
	switch (q->op) {
	case FM_LEDGERWIRE_RESERVE:
		fm_wire_put_plain8(w, q->user, sizeof(q->user), 1);
		fm_wire_put_plain8(w, q->account, sizeof(q->account), 0);
		fm_wire_put_plain8(w, q->key, sizeof(q->key), 1);
		put_count(w, q->amount);
		put_count(w, q->job_id);
		if (q->price_version > INT_MAX)
			fm_wire_writer_fail(w);
		put_count(w, q->price_version);
		break;
	case FM_LEDGERWIRE_COMMIT:
	case FM_LEDGERWIRE_REFUND:
		fm_wire_put_plain8(w, q->key, sizeof(q->key), 1);
		fm_wire_put_plain8(w, q->printer, sizeof(q->printer), 0);
		fm_wire_put_plain8(w, q->has_usage ? q->usage.media : "",
		    sizeof(q->usage.media), 0);
		put_count(w, q->reservation);
		put_count(w, q->amount);
		fm_wire_put_u8(w, q->measured);
		fm_wire_put_u8(w, q->has_usage);
		put_usage(w, q->has_usage ? &q->usage : NULL);
		break;
	default:
		fm_wire_writer_fail(w);
	}
}

static const char *
get_request(struct fm_wire_reader *r, void *msg)
{
	struct fm_ledgerwire_request *q = msg;

	q->op = fm_wire_get_u8(r);
	switch (q->op) {
	case FM_LEDGERWIRE_RESERVE:
		fm_wire_get_plain8(r, q->user, sizeof(q->user), 1);
		fm_wire_get_plain8(r, q->account, sizeof(q->account), 0);
		fm_wire_get_plain8(r, q->key, sizeof(q->key), 1);
		q->amount = get_count(r);
		q->job_id = get_count(r);
		q->price_version = get_count(r);
		if (q->price_version > INT_MAX)
			fm_wire_reader_fail(r);
		break;
	case FM_LEDGERWIRE_COMMIT:
	case FM_LEDGERWIRE_REFUND:
		fm_wire_get_plain8(r, q->key, sizeof(q->key), 1);
		fm_wire_get_plain8(r, q->printer, sizeof(q->printer), 0);
		fm_wire_get_plain8(
		    r, q->usage.media, sizeof(q->usage.media), 0);
		q->reservation = get_count(r);
		q->amount = get_count(r);
		q->measured = get_flag(r);
		q->has_usage = get_flag(r);
		get_usage(r, &q->usage);
		/* One encoding per request: no usage means zeros. */
		if (!q->has_usage && !usage_empty(&q->usage))
			fm_wire_reader_fail(r);
		break;
	default:
		return "unknown operation";
	}
	return NULL;
}

static void
put_reply(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_ledgerwire_reply *p = msg;

	fm_wire_put_u8(w, p->ok);
	fm_wire_put_u8(w, p->replayed);
	put_count(w, p->id);
	put_count(w, p->amount);
	fm_wire_put_plain8(w, p->message, sizeof(p->message), 0);
}

static const char *
get_reply(struct fm_wire_reader *r, void *msg)
{
	struct fm_ledgerwire_reply *p = msg;

	p->ok = get_flag(r);
	p->replayed = get_flag(r);
	p->id = get_count(r);
	p->amount = get_count(r);
	fm_wire_get_plain8(r, p->message, sizeof(p->message), 0);
	return NULL;
}

FM_WIRE_CODEC(struct fm_ledgerwire_request, request, put_request, get_request,
    fm_ledgerwire_encode_request, fm_ledgerwire_decode_request)

FM_WIRE_CODEC(struct fm_ledgerwire_reply, reply, put_reply, get_reply,
    fm_ledgerwire_encode_reply, fm_ledgerwire_decode_reply)

const char *
fm_ledgerwire_errstr(const char *message)
{
	/* What settle() in ledger.c and the writer itself may say. */
	static const char *const known[] = {
	    "bad arguments",
	    "cannot lock the database",
	    "database error",
	    "idempotency key already used for another operation",
	    "no such reservation",
	    "reservation already settled",
	    "cannot write the ledger",
	    "cannot commit",
	    "cannot sync the database",
	    "server error",
	};

	for (size_t i = 0;
	     message != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(message, known[i]) == 0)
			return known[i];
	return "ledger writer error";
}
