/*
 * ingestmsg.c - encoding and decoding the ingest protocol.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/ingestmsg.h"

#include <stddef.h>
#include <string.h>

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

static void
put_be(uint8_t *p, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

static uint64_t
get_be(const uint8_t *p, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

size_t
fm_ingestmsg_encode_request(
    const struct fm_ticket *t, uint8_t *buf, size_t size)
{
	size_t o = 5;

	if (t == NULL || buf == NULL || size < 5)
		return 0;
	memcpy(buf, MAGIC, 4);
	buf[4] = TYPE_REQUEST;
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		const char *p = (const char *)t + f->offset;
		size_t len =
		    f->kind == KIND_STR ? strnlen(p, f->size) : f->size;

		if (f->kind == KIND_STR && len == f->size)
			return 0; /* not NUL-terminated */
		if (o + 3 + len > size)
			return 0;
		buf[o] = f->tag;
		put_be(buf + o + 1, len, 2);
		o += 3;
		if (f->kind == KIND_STR) {
			memcpy(buf + o, p, len);
		} else if (f->kind == KIND_U32) {
			uint32_t v;
			memcpy(&v, p, sizeof(v));
			put_be(buf + o, v, 4);
		} else {
			uint64_t v;
			memcpy(&v, p, sizeof(v));
			put_be(buf + o, v, 8);
		}
		o += len;
	}
	return o;
}

static const struct field *
find_field(uint8_t tag)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (fields[i].tag == tag)
			return &fields[i];
	return NULL;
}

bool
fm_ingestmsg_decode_request(
    const uint8_t *buf, size_t len, struct fm_ticket *t, const char **errstr)
{
	bool seen[NFIELDS] = {false};
	size_t o = 5;

	if (buf == NULL || t == NULL) {
		*errstr = "no message";
		return false;
	}
	memset(t, 0, sizeof(*t));
	if (len < 5 || memcmp(buf, MAGIC, 4) != 0 || buf[4] != TYPE_REQUEST) {
		*errstr = "not an ingest request";
		return false;
	}
	if (len > FM_INGESTMSG_MAX) {
		*errstr = "request too large";
		return false;
	}
	while (o < len) {
		const struct field *f;
		size_t flen;
		char *dst;

		if (len - o < 3) {
			*errstr = "truncated field header";
			return false;
		}
		flen = (size_t)get_be(buf + o + 1, 2);
		if ((f = find_field(buf[o])) == NULL) {
			*errstr = "unknown field";
			return false;
		}
		o += 3;
		if (flen > len - o) {
			*errstr = "field runs past the end";
			return false;
		}
		if (seen[f - fields]) {
			*errstr = "field repeated";
			return false;
		}
		seen[f - fields] = true;
		dst = (char *)t + f->offset;
		if (f->kind == KIND_STR) {
			if (flen >= f->size) {
				*errstr = "text field too long";
				return false;
			}
			if (memchr(buf + o, '\0', flen) != NULL) {
				*errstr = "NUL byte in a text field";
				return false;
			}
			memcpy(dst, buf + o, flen);
			dst[flen] = '\0';
		} else if (flen != f->size) {
			*errstr = "integer field of the wrong width";
			return false;
		} else if (f->kind == KIND_U32) {
			uint32_t v = (uint32_t)get_be(buf + o, 4);
			memcpy(dst, &v, sizeof(v));
		} else {
			uint64_t v = get_be(buf + o, 8);
			memcpy(dst, &v, sizeof(v));
		}
		o += flen;
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

size_t
fm_ingestmsg_encode_reply(
    const struct fm_ingest_reply *r, uint8_t *buf, size_t size)
{
	size_t mlen;

	if (r == NULL || buf == NULL)
		return 0;
	mlen = strnlen(r->message, sizeof(r->message));
	if (mlen == sizeof(r->message) || size < 16 + mlen)
		return 0;
	memcpy(buf, MAGIC, 4);
	buf[4] = TYPE_REPLY;
	buf[5] = (uint8_t)r->status;
	put_be(buf + 6, r->job_id, 8);
	put_be(buf + 14, mlen, 2);
	memcpy(buf + 16, r->message, mlen);
	return 16 + mlen;
}

bool
fm_ingestmsg_decode_reply(const uint8_t *buf, size_t len,
    struct fm_ingest_reply *r, const char **errstr)
{
	size_t mlen;

	if (buf == NULL || r == NULL || len < 16 ||
	    memcmp(buf, MAGIC, 4) != 0 || buf[4] != TYPE_REPLY) {
		*errstr = "not an ingest reply";
		return false;
	}
	if (buf[5] > FM_INGEST_REFUSED) {
		*errstr = "unknown reply status";
		return false;
	}
	mlen = (size_t)get_be(buf + 14, 2);
	if (mlen != len - 16 || mlen >= sizeof(r->message) ||
	    memchr(buf + 16, '\0', mlen) != NULL) {
		*errstr = "bad reply message";
		return false;
	}
	r->status = (enum fm_ingest_status)buf[5];
	r->job_id = get_be(buf + 6, 8);
	memcpy(r->message, buf + 16, mlen);
	r->message[mlen] = '\0';
	return true;
}
