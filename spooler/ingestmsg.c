/*
 * ingestmsg.c - encoding and decoding the ingest protocol.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/ingestmsg.h"

#include <stddef.h>
#include <string.h>

#include "common/wire.h"

#define MAGIC "FMI1"
#define TYPE_REQUEST 1
#define TYPE_REPLY 2

enum field_kind { KIND_U32, KIND_U64, KIND_STR };

struct field {
	uint8_t tag;
	enum field_kind kind;
	size_t offset, size; /* within struct fm_ticket */
};

#define STR(tag, f)                                                            \
	{                                                                      \
		tag, KIND_STR, offsetof(struct fm_ticket, f),                  \
		    sizeof(((struct fm_ticket *)0)->f)                         \
	}
#define U32(tag, f)                                                            \
	{                                                                      \
		tag, KIND_U32, offsetof(struct fm_ticket, f), 4                \
	}
#define U64(tag, f)                                                            \
	{                                                                      \
		tag, KIND_U64, offsetof(struct fm_ticket, f), 8                \
	}

/* Tags are part of the protocol: never renumber, only add. */
static const struct field fields[] = {
    U32(1, cups_job_id),
    STR(2, uuid),
    STR(3, attempt),
    STR(4, owner),
    STR(5, host),
    STR(6, title),
    STR(7, queue),
    U32(8, copies),
    STR(9, sides),
    U32(10, number_up),
    STR(11, color_mode),
    STR(12, media),
    STR(13, account),
    STR(14, format),
    STR(15, doc_name),
    STR(16, options),
    U64(17, size),
    U32(18, pages),
    STR(19, count_status),
    U32(20, color_pages),
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Every field is tag u8 | length be16 | value. */
static void
put_field(struct fm_wire_writer *w, const struct field *f, const void *t)
{
	const char *p = (const char *)t + f->offset;

	fm_wire_put_u8(w, f->tag);
	switch (f->kind) {
	case KIND_STR:
		/* A text field's length is a text16's. */
		fm_wire_put_text16(w, p, f->size);
		break;
	case KIND_U32:
	case KIND_U64:
		fm_wire_put_u16(w, f->size);
		fm_wire_put_member(w, p, f->size);
		break;
	}
}

/* Every message starts "FMI1" | type. */
static void
put_start(struct fm_wire_writer *w, uint8_t type)
{
	fm_wire_put_bytes(w, MAGIC, 4);
	fm_wire_put_u8(w, type);
}

static void
put_request(struct fm_wire_writer *w, const void *msg)
{
	put_start(w, TYPE_REQUEST);
	for (size_t i = 0; i < NFIELDS; i++)
		put_field(w, &fields[i], msg);
}

size_t
fm_ingestmsg_encode_request(
    const struct fm_ticket *t, uint8_t *buf, size_t size)
{
	return fm_wire_encode(NULL, buf, size, put_request, t);
}

static const struct field *
find_field(uint8_t tag)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].tag == tag)
			return &fields[i];
	return NULL;
}

/* Reads one field's value, the whole of v, into t. */
static bool
get_field(const struct field *f, struct fm_wire_reader *v, struct fm_ticket *t,
    const char **errstr)
{
	size_t flen = fm_wire_reader_left(v);
	char *dst = (char *)t + f->offset;

	if (f->kind == KIND_STR) {
		if (flen >= f->size) {
			*errstr = "text field too long";
			return false;
		}
		if (!fm_wire_get_text(v, flen, dst, f->size)) {
			*errstr = "NUL byte in a text field";
			return false;
		}
	} else if (flen != f->size) {
		*errstr = "integer field of the wrong width";
		return false;
	} else {
		fm_wire_get_member(v, dst, f->size);
	}
	return true;
}

bool
fm_ingestmsg_decode_request(
    const uint8_t *buf, size_t len, struct fm_ticket *t, const char **errstr)
{
	bool seen[NFIELDS] = {false};
	struct fm_wire_reader r;

	if (buf == NULL || t == NULL) {
		*errstr = "no message";
		return false;
	}
	memset(t, 0, sizeof(*t));
	fm_wire_reader_init(&r, buf, len);
	if (!fm_wire_expect(&r, MAGIC, 4) ||
	    fm_wire_get_u8(&r) != TYPE_REQUEST) {
		*errstr = "not an ingest request";
		return false;
	}
	if (len > FM_INGESTMSG_MAX) {
		*errstr = "request too large";
		return false;
	}
	while (fm_wire_reader_left(&r) > 0) {
		const struct field *f;
		struct fm_wire_reader v;
		size_t flen;

		if (fm_wire_reader_left(&r) < 3) {
			*errstr = "truncated field header";
			return false;
		}
		f = find_field(fm_wire_get_u8(&r));
		flen = fm_wire_get_u16(&r);
		if (f == NULL) {
			*errstr = "unknown field";
			return false;
		}
		if (!fm_wire_get_slice(&r, flen, &v)) {
			*errstr = "field runs past the end";
			return false;
		}
		if (seen[f - fields]) {
			*errstr = "field repeated";
			return false;
		}
		seen[f - fields] = true;
		if (!get_field(f, &v, t, errstr))
			return false;
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (!seen[i]) {
			*errstr = "field missing";
			return false;
		}
	}
	if (t->uuid[0] == '\0' || t->owner[0] == '\0') {
		*errstr = "job uuid or owner is empty";
		return false;
	}
	if (t->copies == 0 || t->number_up == 0) {
		*errstr = "copies and number-up must be at least 1";
		return false;
	}
	return true;
}

static void
put_reply(struct fm_wire_writer *w, const void *msg)
{
	const struct fm_ingest_reply *r = msg;

	put_start(w, TYPE_REPLY);
	fm_wire_put_u8(w, (uint8_t)r->status);
	fm_wire_put_u64(w, r->job_id);
	fm_wire_put_text16(w, r->message, sizeof(r->message));
}

size_t
fm_ingestmsg_encode_reply(
    const struct fm_ingest_reply *r, uint8_t *buf, size_t size)
{
	return fm_wire_encode(NULL, buf, size, put_reply, r);
}

bool
fm_ingestmsg_decode_reply(const uint8_t *buf, size_t len,
    struct fm_ingest_reply *r, const char **errstr)
{
	struct fm_wire_reader rd;
	struct fm_ingest_reply got;

	fm_wire_reader_init(&rd, buf, len);
	if (r == NULL || len < 16 || !fm_wire_expect(&rd, MAGIC, 4) ||
	    fm_wire_get_u8(&rd) != TYPE_REPLY) {
		*errstr = "not an ingest reply";
		return false;
	}
	if ((got.status = fm_wire_get_u8(&rd)) > FM_INGEST_REFUSED) {
		*errstr = "unknown reply status";
		return false;
	}
	got.job_id = fm_wire_get_u64(&rd);
	/* The message is the rest of the reply, exactly. */
	if (!fm_wire_get_text16(&rd, got.message, sizeof(got.message)) ||
	    !fm_wire_reader_end(&rd)) {
		*errstr = "bad reply message";
		return false;
	}
	/* r is written only now, and only as far as the message goes. */
	r->status = got.status;
	r->job_id = got.job_id;
	memcpy(r->message, got.message, strlen(got.message) + 1);
	return true;
}
