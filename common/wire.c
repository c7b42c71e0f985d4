/*
 * wire.c - the bounded, fail-closed writer and reader under every message
 * codec.
 *
 * Every access goes through room() or take(), and both through
 * advance(), the one place that compares a position with the end: a
 * codec cannot step outside its buffer whatever it asks for.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/wire.h"

#include <string.h>

#include "common/aead.h"

/*
 * Moves a position *at in a buffer of size bytes n bytes on, setting
 * *start to where it was: false, and *failed, if they are not there.
 * The one bounds check of the module, for writer and reader alike.
 */
static bool
advance(size_t size, size_t *at, bool *failed, size_t n, size_t *start)
{
	if (*failed || n > size - *at) {
		*failed = true;
		return false;
	}
	*start = *at;
	*at += n;
	return true;
}

/* The next n bytes of the writer's buffer, or NULL. */
static uint8_t *
room(struct fm_wire_writer *w, size_t n)
{
	size_t at;

	return advance(w->size, &w->len, &w->failed, n, &at) ? w->buf + at
	                                                     : NULL;
}

/* An integer member of any width the wire carries, in host order. */
union member {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
};

static bool
width_is_valid(size_t width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

static void
store_be(uint8_t *p, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

void
fm_wire_put_uint(struct fm_wire_writer *w, uint64_t v, size_t width)
{
	uint8_t *p;

	/* A value cut to fit would be a different value on the other side. */
	if (!width_is_valid(width) || (width < 8 && v >> (8 * width) != 0)) {
		w->failed = true;
		return;
	}
	if ((p = room(w, width)) != NULL)
		store_be(p, v, width);
}

void
fm_wire_writer_init(struct fm_wire_writer *w, uint8_t *buf, size_t size)
{
	w->buf = buf;
	w->size = buf != NULL ? size : 0;
	w->len = 0;
	w->failed = buf == NULL;
}

void
fm_wire_put_member(struct fm_wire_writer *w, const void *p, size_t width)
{
	union member m;
	uint64_t v;

	if (!width_is_valid(width) || p == NULL) {
		w->failed = true;
		return;
	}
	memcpy(&m, p, width);
	if (width == 1)
		v = m.u8;
	else if (width == 2)
		v = m.u16;
	else if (width == 4)
		v = m.u32;
	else
		v = m.u64;
	fm_wire_put_uint(w, v, width);
}

void
fm_wire_put_i64(struct fm_wire_writer *w, int64_t v)
{
	fm_wire_put_uint(w, (uint64_t)v, 8);
}

void
fm_wire_put_bytes(struct fm_wire_writer *w, const void *p, size_t n)
{
	uint8_t *dst;

	if (p == NULL && n > 0) {
		w->failed = true;
		return;
	}
	if ((dst = room(w, n)) != NULL && n > 0)
		memcpy(dst, p, n);
}

/* Names and keys on the wire: no control byte, and so no NUL. */
static bool
is_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void
put_text(struct fm_wire_writer *w, const char *s, size_t size, size_t width)
{
	size_t n;

	/* No NUL within the field: a string we cannot trust the end of. */
	if (s == NULL || (n = strnlen(s, size)) == size) {
		w->failed = true;
		return;
	}
	fm_wire_put_uint(w, n, width);
	fm_wire_put_bytes(w, s, n);
}

void
fm_wire_put_text8(struct fm_wire_writer *w, const char *s, size_t size)
{
	put_text(w, s, size, 1);
}

void
fm_wire_put_text16(struct fm_wire_writer *w, const char *s, size_t size)
{
	put_text(w, s, size, 2);
}

void
fm_wire_put_plain8(
    struct fm_wire_writer *w, const char *s, size_t size, size_t min)
{
	size_t n = s != NULL ? strnlen(s, size) : 0;

	if (n < min || !is_plain(s, n))
		w->failed = true;
	fm_wire_put_text8(w, s, size);
}

struct fm_wire_mark
fm_wire_begin_length(struct fm_wire_writer *w, size_t width)
{
	struct fm_wire_mark m = {0, width};

	if (width != 1 && width != 2 && width != 4) {
		w->failed = true;
		return m;
	}
	if (room(w, width) != NULL)
		m.at = w->len - width;
	return m;
}

void
fm_wire_end_length(struct fm_wire_writer *w, struct fm_wire_mark mark)
{
	size_t n;

	if (w->failed)
		return;
	/* A mark that does not lie within what was written (another
	 * writer's) is refused rather than written through. */
	if (mark.width == 0 || mark.width > 4 || mark.at > w->len ||
	    mark.width > w->len - mark.at) {
		w->failed = true;
		return;
	}
	n = w->len - mark.at - mark.width;
	if ((uint64_t)n >> (8 * mark.width) != 0) {
		w->failed = true;
		return;
	}
	store_be(w->buf + mark.at, n, mark.width);
}

void
fm_wire_writer_fail(struct fm_wire_writer *w)
{
	w->failed = true;
}

size_t
fm_wire_writer_end(const struct fm_wire_writer *w)
{
	return w->failed ? 0 : w->len;
}

size_t
fm_wire_encode(const struct fm_wire_format *f, uint8_t *buf, size_t size,
    void (*put)(struct fm_wire_writer *w, const void *msg), const void *msg)
{
	struct fm_wire_writer w;
	size_t len;

	if (put == NULL || msg == NULL)
		return 0;
	fm_wire_writer_init(&w, buf, size);
	if (f != NULL)
		fm_wire_put_u8(&w, f->version);
	put(&w, msg);
	if ((len = fm_wire_writer_end(&w)) == 0 && buf != NULL)
		fm_wipe(buf, size);
	return len;
}

/* The next n bytes of the reader's input, or NULL. */
static const uint8_t *
take(struct fm_wire_reader *r, size_t n)
{
	size_t at;

	return advance(r->len, &r->at, &r->failed, n, &at) ? r->buf + at : NULL;
}

uint64_t
fm_wire_get_uint(struct fm_wire_reader *r, size_t width)
{
	const uint8_t *p;
	uint64_t v = 0;

	if (!width_is_valid(width)) {
		r->failed = true;
		return 0;
	}
	if ((p = take(r, width)) == NULL)
		return 0;
	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

void
fm_wire_reader_init(struct fm_wire_reader *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = buf != NULL ? len : 0;
	r->at = 0;
	r->failed = buf == NULL;
}

bool
fm_wire_decode(const struct fm_wire_format *f, const uint8_t *buf, size_t len,
    const char *(*get)(struct fm_wire_reader *r, void *msg), void *msg,
    const char **errstr)
{
	struct fm_wire_reader r;
	const char *why;

	*errstr = NULL;
	if (f == NULL || get == NULL) {
		*errstr = "no message format";
		return false;
	}
	if (buf == NULL || msg == NULL || len < f->min || len > f->max) {
		*errstr = f->bad_length;
		return false;
	}
	memset(msg, 0, f->size);
	fm_wire_reader_init(&r, buf, len);
	if (!fm_wire_expect(&r, &f->version, 1)) {
		*errstr = f->bad_version;
		return false;
	}
	if ((why = get(&r, msg)) != NULL || !fm_wire_reader_end(&r)) {
		fm_wipe(msg, f->size);
		*errstr = why != NULL ? why : f->malformed;
		return false;
	}
	return true;
}

/* The widths the codecs use, by name: the same two functions each time. */
#define WIRE_UINT(bits)                                                        \
	void fm_wire_put_u##bits(struct fm_wire_writer *w, uint64_t v)         \
	{                                                                      \
		fm_wire_put_uint(w, v, (bits) / 8);                            \
	}                                                                      \
	uint##bits##_t fm_wire_get_u##bits(struct fm_wire_reader *r)           \
	{                                                                      \
		return (uint##bits##_t)fm_wire_get_uint(r, (bits) / 8);        \
	}

WIRE_UINT(8)
WIRE_UINT(16)
WIRE_UINT(32)
WIRE_UINT(64)

bool
fm_wire_get_member(struct fm_wire_reader *r, void *p, size_t width)
{
	uint64_t v = fm_wire_get_uint(r, width);
	union member m;

	if (p == NULL || !width_is_valid(width)) {
		r->failed = true;
		return false;
	}
	if (width == 1)
		m.u8 = (uint8_t)v;
	else if (width == 2)
		m.u16 = (uint16_t)v;
	else if (width == 4)
		m.u32 = (uint32_t)v;
	else
		m.u64 = v;
	memcpy(p, &m, width);
	return !r->failed;
}

int64_t
fm_wire_get_i64(struct fm_wire_reader *r)
{
	uint64_t v = fm_wire_get_uint(r, 8);

	/* Spelled out: converting an out-of-range unsigned value to a
	 * signed type is implementation-defined. */
	if (v <= INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(UINT64_MAX - v) - 1;
}

bool
fm_wire_get_bytes(struct fm_wire_reader *r, void *out, size_t n)
{
	const uint8_t *p;

	if (n == 0)
		return !r->failed;
	if (out == NULL) {
		r->failed = true;
		return false;
	}
	if ((p = take(r, n)) == NULL) {
		memset(out, 0, n);
		return false;
	}
	memcpy(out, p, n);
	return true;
}

bool
fm_wire_expect(struct fm_wire_reader *r, const void *p, size_t n)
{
	const uint8_t *got = take(r, n);

	if (got == NULL || (n > 0 && (p == NULL || memcmp(got, p, n) != 0))) {
		r->failed = true;
		return false;
	}
	return true;
}

bool
fm_wire_get_slice(
    struct fm_wire_reader *r, size_t n, struct fm_wire_reader *sub)
{
	const uint8_t *p = take(r, n);

	fm_wire_reader_init(sub, p, n);
	return p != NULL;
}

bool
fm_wire_get_text(struct fm_wire_reader *r, size_t n, char *out, size_t size)
{
	const uint8_t *p;

	if (out == NULL || size == 0) {
		r->failed = true;
		return false;
	}
	out[0] = '\0';
	if (n >= size) {
		r->failed = true;
		return false;
	}
	if ((p = take(r, n)) == NULL)
		return false;
	if (memchr(p, '\0', n) != NULL) {
		r->failed = true;
		return false;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

bool
fm_wire_get_text8(struct fm_wire_reader *r, char *out, size_t size)
{
	size_t n = fm_wire_get_u8(r);

	return fm_wire_get_text(r, n, out, size);
}

bool
fm_wire_get_text16(struct fm_wire_reader *r, char *out, size_t size)
{
	size_t n = fm_wire_get_u16(r);

	return fm_wire_get_text(r, n, out, size);
}

bool
fm_wire_get_plain8(struct fm_wire_reader *r, char *out, size_t size, size_t min)
{
	size_t n;

	if (!fm_wire_get_text8(r, out, size))
		return false;
	if ((n = strlen(out)) < min || !is_plain(out, n)) {
		r->failed = true;
		out[0] = '\0';
		return false;
	}
	return true;
}

size_t
fm_wire_reader_left(const struct fm_wire_reader *r)
{
	return r->failed ? 0 : r->len - r->at;
}

void
fm_wire_reader_fail(struct fm_wire_reader *r)
{
	r->failed = true;
}

bool
fm_wire_reader_ok(const struct fm_wire_reader *r)
{
	return !r->failed;
}

bool
fm_wire_reader_end(const struct fm_wire_reader *r)
{
	return !r->failed && r->at == r->len;
}
