/*
 * ledgerwire.c - charging process <-> ledger writer messages.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledgerwire.h"

#include <limits.h>
#include <string.h>

struct writer {
	uint8_t *buf;
	size_t size, len;
	bool ok;
};

struct reader {
	const uint8_t *buf;
	size_t len, at;
	bool ok;
};

static void
put_u8(struct writer *w, unsigned v)
{
	if (w->len + 1 > w->size || v > UINT8_MAX) {
		w->ok = false;
		return;
	}
	w->buf[w->len++] = (uint8_t)v;
}

static void
put_i64(struct writer *w, int64_t v)
{
	if (v < 0 || w->len + 8 > w->size) {
		w->ok = false;
		return;
	}
	for (int i = 0; i < 8; i++)
		w->buf[w->len++] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
}

static bool
printable(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* s must fit a field of max bytes (with its NUL) and be printable. */
static void
put_text(struct writer *w, const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n >= max || n > UINT8_MAX ||
	    !printable((const uint8_t *)s, n) || w->len + 1 + n > w->size) {
		w->ok = false;
		return;
	}
	w->buf[w->len++] = (uint8_t)n;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static unsigned
get_u8(struct reader *r)
{
	if (r->at >= r->len) {
		r->ok = false;
		return 0;
	}
	return r->buf[r->at++];
}

static int64_t
get_i64(struct reader *r)
{
	uint64_t v = 0;

	if (r->len - r->at < 8) {
		r->ok = false;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v = v << 8 | r->buf[r->at++];
	if (v > INT64_MAX) {
		r->ok = false;
		return 0;
	}
	return (int64_t)v;
}

static void
get_text(struct reader *r, char *out, size_t min, size_t max)
{
	size_t n = get_u8(r);

	out[0] = '\0';
	if (!r->ok || n < min || n >= max || n > r->len - r->at ||
	    !printable(r->buf + r->at, n)) {
		r->ok = false;
		return;
	}
	memcpy(out, r->buf + r->at, n);
	out[n] = '\0';
	r->at += n;
}

static bool
get_flag(struct reader *r)
{
	unsigned v = get_u8(r);

	if (v > 1)
		r->ok = false;
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

size_t
fm_ledgerwire_encode_request(
    const struct fm_ledgerwire_request *q, uint8_t *buf, size_t size)
{
	struct writer w = {buf, size, 0, true};

	if (q == NULL || buf == NULL)
		return 0;
	put_u8(&w, FM_LEDGERWIRE_VERSION);
	put_u8(&w, q->op);
	switch (q->op) {
	case FM_LEDGERWIRE_RESERVE:
		put_text(&w, q->user, 1, sizeof(q->user));
		put_text(&w, q->account, 0, sizeof(q->account));
		put_text(&w, q->key, 1, sizeof(q->key));
		put_i64(&w, q->amount);
		put_i64(&w, q->job_id);
		if (q->price_version > INT_MAX)
			w.ok = false;
		put_i64(&w, q->price_version);
		break;
	case FM_LEDGERWIRE_COMMIT:
	case FM_LEDGERWIRE_REFUND:
		put_text(&w, q->key, 1, sizeof(q->key));
		put_text(&w, q->printer, 0, sizeof(q->printer));
		put_text(&w, q->has_usage ? q->usage.media : "", 0,
		    sizeof(q->usage.media));
		put_i64(&w, q->reservation);
		put_i64(&w, q->amount);
		put_u8(&w, q->measured);
		put_u8(&w, q->has_usage);
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				put_i64(&w,
				    q->has_usage ? q->usage.impressions[c][d]
				                 : 0);
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				put_i64(&w,
				    q->has_usage ? q->usage.sheets[c][d] : 0);
		break;
	default:
		return 0;
	}
	return w.ok ? w.len : 0;
}

bool
fm_ledgerwire_decode_request(const uint8_t *buf, size_t len,
    struct fm_ledgerwire_request *q, const char **errstr)
{
	struct reader r = {buf, len, 0, true};

	*errstr = NULL;
	if (buf == NULL || q == NULL || len < 2 || len > FM_LEDGERWIRE_MAX) {
		*errstr = "bad request length";
		return false;
	}
	memset(q, 0, sizeof(*q));
	if (get_u8(&r) != FM_LEDGERWIRE_VERSION) {
		*errstr = "unsupported version";
		return false;
	}
	q->op = (uint8_t)get_u8(&r);
	switch (q->op) {
	case FM_LEDGERWIRE_RESERVE:
		get_text(&r, q->user, 1, sizeof(q->user));
		get_text(&r, q->account, 0, sizeof(q->account));
		get_text(&r, q->key, 1, sizeof(q->key));
		q->amount = get_i64(&r);
		q->job_id = get_i64(&r);
		q->price_version = get_i64(&r);
		if (q->price_version > INT_MAX)
			r.ok = false;
		break;
	case FM_LEDGERWIRE_COMMIT:
	case FM_LEDGERWIRE_REFUND:
		get_text(&r, q->key, 1, sizeof(q->key));
		get_text(&r, q->printer, 0, sizeof(q->printer));
		get_text(&r, q->usage.media, 0, sizeof(q->usage.media));
		q->reservation = get_i64(&r);
		q->amount = get_i64(&r);
		q->measured = get_flag(&r);
		q->has_usage = get_flag(&r);
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				q->usage.impressions[c][d] = get_i64(&r);
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < 2; d++)
				q->usage.sheets[c][d] = get_i64(&r);
		/* One encoding per request: no usage means zeros. */
		if (!q->has_usage && !usage_empty(&q->usage))
			r.ok = false;
		break;
	default:
		*errstr = "unknown operation";
		return false;
	}
	if (!r.ok || r.at != len) {
		*errstr = "malformed request";
		return false;
	}
	return true;
}

size_t
fm_ledgerwire_encode_reply(
    const struct fm_ledgerwire_reply *p, uint8_t *buf, size_t size)
{
	struct writer w = {buf, size, 0, true};

	if (p == NULL || buf == NULL)
		return 0;
	put_u8(&w, FM_LEDGERWIRE_VERSION);
	put_u8(&w, p->ok);
	put_u8(&w, p->replayed);
	put_i64(&w, p->id);
	put_i64(&w, p->amount);
	put_text(&w, p->message, 0, sizeof(p->message));
	return w.ok ? w.len : 0;
}

bool
fm_ledgerwire_decode_reply(const uint8_t *buf, size_t len,
    struct fm_ledgerwire_reply *p, const char **errstr)
{
	struct reader r = {buf, len, 0, true};

	*errstr = NULL;
	if (buf == NULL || p == NULL || len < 1 || len > FM_LEDGERWIRE_MAX) {
		*errstr = "bad reply length";
		return false;
	}
	memset(p, 0, sizeof(*p));
	if (get_u8(&r) != FM_LEDGERWIRE_VERSION) {
		*errstr = "unsupported version";
		return false;
	}
	p->ok = get_flag(&r);
	p->replayed = get_flag(&r);
	p->id = get_i64(&r);
	p->amount = get_i64(&r);
	get_text(&r, p->message, 0, sizeof(p->message));
	if (!r.ok || r.at != len) {
		*errstr = "malformed reply";
		return false;
	}
	return true;
}

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
