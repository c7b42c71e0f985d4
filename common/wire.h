/*
 * wire.h - one bounded writer and one bounded reader for binary messages,
 * the base of every message codec (terminal protocol, ingest, ledger
 * writer, PAM helper, decryptor, reader events, sealed file headers).
 *
 * Integers are big-endian of their exact width; text is a length (u8 or
 * be16) followed by its bytes, never a NUL.
 *
 * Both sides fail closed.  A write that does not fit, a value too wide
 * for its field, a read past the end, or a codec's own refusal
 * (fm_wire_writer_fail(), fm_wire_reader_fail()) puts the writer or
 * reader into a failed state in which every later call does nothing and
 * returns zero, false, an empty string or zeroed bytes.  A codec therefore
 * writes or reads all its fields in a row and checks once, at the end:
 *
 *	fm_wire_writer_init(&w, buf, size);
 *	fm_wire_put_u8(&w, VERSION);
 *	fm_wire_put_text8(&w, m->user, sizeof(m->user));
 *	return fm_wire_writer_end(&w);         (length, or 0)
 *
 *	fm_wire_reader_init(&r, buf, len);
 *	version = fm_wire_get_u8(&r);
 *	fm_wire_get_text8(&r, m->user, sizeof(m->user));
 *	return fm_wire_reader_end(&r);         (all read, nothing left over)
 *
 * fm_wire_encode() and fm_wire_decode() run the first and last lines of
 * these around a codec's own put or get function, with the checks every
 * codec would otherwise repeat.
 *
 * The structs are plain values meant to live on the stack; their fields
 * are for this module only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_WIRE_H
#define FM_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fm_wire_writer {
	uint8_t *buf;
	size_t size, len;
	bool failed;
};

struct fm_wire_reader {
	const uint8_t *buf;
	size_t len, at;
	bool failed;
};

/*
 * A versioned message (fm_wire_decode()): its length bounds, its first
 * byte, the size of the struct it decodes into, and the static strings
 * that say why one is refused.
 */
struct fm_wire_format {
	uint8_t version;
	size_t min, max;         /* bytes, the version included */
	size_t size;             /* of the decoded struct */
	const char *bad_length;  /* outside min..max, or nothing to decode */
	const char *bad_version; /* the first byte is not version */
	const char *malformed;   /* anything else */
};

/* A length written before the bytes it counts (fm_wire_begin_length()). */
struct fm_wire_mark {
	size_t at, width;
};

/*
 * 'fm_wire_writer_init()' - start writing at the beginning of buf (size
 * bytes, owned by the caller).  A NULL buf gives a writer that has
 * already failed.
 */
void fm_wire_writer_init(struct fm_wire_writer *w, uint8_t *buf, size_t size);

/*
 * 'fm_wire_put_uint()' - append v big-endian in width bytes (1, 2, 4 or
 * 8); the writer fails if v is too large for width (never cut to fit),
 * width is another number, or the bytes do not fit.
 */
void fm_wire_put_uint(struct fm_wire_writer *w, uint64_t v, size_t width);

/*
 * 'fm_wire_put_member()' - append the integer of width bytes (1, 2, 4 or
 * 8) stored at p in host order, big-endian; a signed one goes as its two's
 * complement.  For codecs that describe a message as a table of struct
 * members (offset, size).
 */
void fm_wire_put_member(struct fm_wire_writer *w, const void *p, size_t width);

/*
 * 'fm_wire_put_u8()' - append v as one byte; the writer fails if v is
 * over 255 or the byte does not fit.
 */
void fm_wire_put_u8(struct fm_wire_writer *w, uint64_t v);

/* 'fm_wire_put_u16()' - append v as be16; fails if v is over 65535. */
void fm_wire_put_u16(struct fm_wire_writer *w, uint64_t v);

/* 'fm_wire_put_u32()' - append v as be32; fails if v is over 2^32-1. */
void fm_wire_put_u32(struct fm_wire_writer *w, uint64_t v);

/* 'fm_wire_put_u64()' - append v as be64. */
void fm_wire_put_u64(struct fm_wire_writer *w, uint64_t v);

/* 'fm_wire_put_i64()' - append v as be64, two's complement. */
void fm_wire_put_i64(struct fm_wire_writer *w, int64_t v);

/* 'fm_wire_put_bytes()' - append the n bytes at p (p may be NULL if n
 * is 0). */
void fm_wire_put_bytes(struct fm_wire_writer *w, const void *p, size_t n);

/*
 * 'fm_wire_put_text8()' - append the string in s, a field of size bytes,
 * as its length u8 then its bytes.  Fails if s holds no NUL within size
 * bytes or is longer than 255 bytes.  Content rules (empty, control
 * bytes) are the codec's to check.
 */
void fm_wire_put_text8(struct fm_wire_writer *w, const char *s, size_t size);

/* 'fm_wire_put_text16()' - the same with a be16 length (up to 65535). */
void fm_wire_put_text16(struct fm_wire_writer *w, const char *s, size_t size);

/*
 * 'fm_wire_put_plain8()' - fm_wire_put_text8() of a name or key: the
 * writer fails unless s holds at least min bytes and no control byte
 * (below 0x20, or DEL).
 */
void fm_wire_put_plain8(
    struct fm_wire_writer *w, const char *s, size_t size, size_t min);

/*
 * 'fm_wire_begin_length()' - reserve a big-endian length of width bytes
 * (1, 2 or 4) for what is written after it; fm_wire_end_length() fills it
 * in.  Lets a codec nest fields without counting them first.
 */
struct fm_wire_mark fm_wire_begin_length(
    struct fm_wire_writer *w, size_t width);

/*
 * 'fm_wire_end_length()' - write into mark the number of bytes appended
 * since fm_wire_begin_length(); the writer fails if that does not fit the
 * mark's width.
 */
void fm_wire_end_length(struct fm_wire_writer *w, struct fm_wire_mark mark);

/* 'fm_wire_writer_fail()' - refuse the message: the writer fails. */
void fm_wire_writer_fail(struct fm_wire_writer *w);

/*
 * 'fm_wire_writer_end()' - the number of bytes written, or 0 if anything
 * failed (what is in the buffer is then undefined).
 */
size_t fm_wire_writer_end(const struct fm_wire_writer *w);

/*
 * 'fm_wire_encode()' - the body of a codec's encode function: a writer
 * over buf (size bytes), f->version first if f is not NULL, then
 * put(writer, msg).  Returns the length written, or 0 if msg is NULL or
 * anything failed; buf is then wiped, so that a refused message leaves
 * no secret behind.  put() refuses a message with fm_wire_writer_fail().
 */
size_t fm_wire_encode(const struct fm_wire_format *f, uint8_t *buf, size_t size,
    void (*put)(struct fm_wire_writer *w, const void *msg), const void *msg);

/*
 * 'fm_wire_decode()' - the body of a codec's decode function for a
 * message of format f: check its length and version, zero msg (f->size
 * bytes), get(reader, msg), and require that every byte was read.  get()
 * refuses a message with fm_wire_reader_fail(), or by returning a static
 * string to report instead of f->malformed; it returns NULL otherwise.
 * False with *errstr if anything is wrong (f or get NULL: "no message
 * format"), msg then wiped (secrets and all); true with *errstr NULL.
 */
bool fm_wire_decode(const struct fm_wire_format *f, const uint8_t *buf,
    size_t len, const char *(*get)(struct fm_wire_reader *r, void *msg),
    void *msg, const char **errstr);

/*
 * FM_WIRE_CODEC(type, f, put, get, encode, decode) - define a codec's two
 * exported functions for one versioned message of format f:
 *
 *	size_t encode(const type *msg, uint8_t *buf, size_t size);
 *	bool decode(const uint8_t *buf, size_t len, type *msg,
 *	    const char **errstr);
 *
 * as fm_wire_encode() with put and fm_wire_decode() with get.  The codec's
 * header declares and documents them as usual; this spares each codec the
 * same two bodies.
 */
#define FM_WIRE_CODEC(type, f, put, get, encode, decode)                       \
	size_t encode(const type *msg, uint8_t *buf, size_t size)              \
	{                                                                      \
		return fm_wire_encode(&(f), buf, size, (put), msg);            \
	}                                                                      \
	bool decode(                                                           \
	    const uint8_t *buf, size_t len, type *msg, const char **errstr)    \
	{                                                                      \
		return fm_wire_decode(&(f), buf, len, (get), msg, errstr);     \
	}

/*
 * 'fm_wire_reader_init()' - start reading the len bytes at buf (borrowed
 * for the reader's life).  A NULL buf gives a reader that has already
 * failed.
 */
void fm_wire_reader_init(struct fm_wire_reader *r, const void *buf, size_t len);

/*
 * 'fm_wire_get_uint()' - the next width bytes (1, 2, 4 or 8) as a
 * big-endian number; 0, and the reader fails, if fewer are left or width
 * is another number.
 */
uint64_t fm_wire_get_uint(struct fm_wire_reader *r, size_t width);

/*
 * 'fm_wire_get_member()' - the next width bytes (1, 2, 4 or 8), big-endian,
 * into the integer of that width at p, in host order; it is zeroed if the
 * reader fails.  The reverse of fm_wire_put_member().
 */
bool fm_wire_get_member(struct fm_wire_reader *r, void *p, size_t width);

/* 'fm_wire_get_u8()' - the next byte; 0 (and the reader fails) if none. */
uint8_t fm_wire_get_u8(struct fm_wire_reader *r);

/* 'fm_wire_get_u16()' - the next be16; 0 if fewer than 2 bytes are left. */
uint16_t fm_wire_get_u16(struct fm_wire_reader *r);

/* 'fm_wire_get_u32()' - the next be32; 0 if fewer than 4 bytes are left. */
uint32_t fm_wire_get_u32(struct fm_wire_reader *r);

/* 'fm_wire_get_u64()' - the next be64; 0 if fewer than 8 bytes are left. */
uint64_t fm_wire_get_u64(struct fm_wire_reader *r);

/* 'fm_wire_get_i64()' - the next be64 as two's complement; 0 if short. */
int64_t fm_wire_get_i64(struct fm_wire_reader *r);

/*
 * 'fm_wire_get_bytes()' - copy the next n bytes into out (n bytes).  False
 * if fewer are left or the reader had failed; out is then zeroed.
 */
bool fm_wire_get_bytes(struct fm_wire_reader *r, void *out, size_t n);

/*
 * 'fm_wire_expect()' - consume the next n bytes; the reader fails unless
 * they equal the n bytes at p (a magic number, a version).  Returns
 * whether they did.
 */
bool fm_wire_expect(struct fm_wire_reader *r, const void *p, size_t n);

/*
 * 'fm_wire_get_slice()' - consume the next n bytes and set *sub to a
 * reader over just them, for a nested value whose length came first.
 * False if fewer are left or r had failed; *sub is then a failed reader.
 */
bool fm_wire_get_slice(
    struct fm_wire_reader *r, size_t n, struct fm_wire_reader *sub);

/*
 * 'fm_wire_get_text()' - consume the next n bytes as a string into out
 * (size bytes, always NUL-terminated).  The reader fails, leaving out
 * empty, if fewer are left, n is not below size, or a byte is NUL.
 */
bool fm_wire_get_text(
    struct fm_wire_reader *r, size_t n, char *out, size_t size);

/* 'fm_wire_get_text8()' - a u8 length, then fm_wire_get_text(). */
bool fm_wire_get_text8(struct fm_wire_reader *r, char *out, size_t size);

/* 'fm_wire_get_text16()' - a be16 length, then fm_wire_get_text(). */
bool fm_wire_get_text16(struct fm_wire_reader *r, char *out, size_t size);

/*
 * 'fm_wire_get_plain8()' - fm_wire_get_text8() of a name or key: the
 * reader fails, leaving out empty, unless it holds at least min bytes and
 * no control byte (below 0x20, or DEL).
 */
bool fm_wire_get_plain8(
    struct fm_wire_reader *r, char *out, size_t size, size_t min);

/* 'fm_wire_reader_left()' - bytes not yet read; 0 once failed. */
size_t fm_wire_reader_left(const struct fm_wire_reader *r);

/* 'fm_wire_reader_fail()' - refuse the message: the reader fails. */
void fm_wire_reader_fail(struct fm_wire_reader *r);

/* 'fm_wire_reader_ok()' - true if nothing has failed so far. */
bool fm_wire_reader_ok(const struct fm_wire_reader *r);

/*
 * 'fm_wire_reader_end()' - true if nothing failed and every byte was
 * read: a message with trailing bytes is as malformed as a short one.
 */
bool fm_wire_reader_end(const struct fm_wire_reader *r);

#endif
