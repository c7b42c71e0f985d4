/*
 * test_wire.c - unit tests for common/wire.c: every bound of the writer
 * and the reader, the fail-closed state, round trips.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/wire.h"
#include "tests/unit/harness.h"

static void
test_integers_big_endian(void)
{
	static const uint8_t want[] = {0x7f, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
	    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xfe};
	struct fm_wire_writer w;
	struct fm_wire_reader r;
	uint8_t buf[sizeof(want)];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u8(&w, 0x7f);
	fm_wire_put_u16(&w, 0x1234);
	fm_wire_put_u32(&w, 0xdeadbeef);
	fm_wire_put_u64(&w, 0x0102030405060708);
	fm_wire_put_i64(&w, -2);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), sizeof(want));
	ASSERT_MEM_EQ(buf, want, sizeof(want));

	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0x7f);
	ASSERT_UINT_EQ(fm_wire_get_u16(&r), 0x1234);
	ASSERT_UINT_EQ(fm_wire_get_u32(&r), 0xdeadbeef);
	ASSERT_UINT_EQ(fm_wire_get_u64(&r), 0x0102030405060708);
	ASSERT_INT_EQ(fm_wire_get_i64(&r), -2);
	ASSERT_TRUE(fm_wire_reader_end(&r));
}

static void
test_i64_extremes(void)
{
	static const int64_t v[] = {
	    INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX};
	struct fm_wire_writer w;
	struct fm_wire_reader r;
	uint8_t buf[8 * 6];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	for (size_t i = 0; i < 6; i++)
		fm_wire_put_i64(&w, v[i]);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), sizeof(buf));
	ASSERT_MEM_EQ(buf, "\x80\0\0\0\0\0\0\0", 8);
	fm_wire_reader_init(&r, buf, sizeof(buf));
	for (size_t i = 0; i < 6; i++)
		ASSERT_INT_EQ(fm_wire_get_i64(&r), v[i]);
	ASSERT_TRUE(fm_wire_reader_end(&r));
}

/* put, on a writer w, fits a buffer of exactly width bytes, not one less. */
#define ASSERT_PUT_NEEDS(width, put)                                           \
	for (size_t size = (width)-1; size <= (width); size++) {               \
		struct fm_wire_writer w;                                       \
		uint8_t b[8];                                                  \
                                                                               \
		fm_wire_writer_init(&w, b, size);                              \
		put;                                                           \
		ASSERT_UINT_EQ(                                                \
		    fm_wire_writer_end(&w), size == (width) ? (width) : 0);    \
	}

static void
test_writer_bounds(void)
{
	ASSERT_PUT_NEEDS(1, fm_wire_put_u8(&w, 1));
	ASSERT_PUT_NEEDS(2, fm_wire_put_u16(&w, 1));
	ASSERT_PUT_NEEDS(4, fm_wire_put_u32(&w, 1));
	ASSERT_PUT_NEEDS(8, fm_wire_put_u64(&w, 1));
	ASSERT_PUT_NEEDS(8, fm_wire_put_i64(&w, -1));
	ASSERT_PUT_NEEDS(2, fm_wire_put_uint(&w, 1, 2));
	ASSERT_PUT_NEEDS(3, fm_wire_put_bytes(&w, "abc", 3));
	ASSERT_PUT_NEEDS(4, fm_wire_put_text8(&w, "abc", 4));
	ASSERT_PUT_NEEDS(3, fm_wire_put_text16(&w, "a", 2));
	ASSERT_PUT_NEEDS(
	    2, fm_wire_end_length(&w, fm_wire_begin_length(&w, 2)));
}

static void
test_writer_value_ranges(void)
{
	struct fm_wire_writer w;
	uint8_t buf[16];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u8(&w, 255);
	fm_wire_put_u16(&w, 65535);
	fm_wire_put_u32(&w, UINT32_MAX);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 7);
	fm_wire_put_u8(&w, 256);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u16(&w, 65536);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u32(&w, (uint64_t)UINT32_MAX + 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
}

static void
test_writer_fails_closed(void)
{
	struct fm_wire_writer w;
	uint8_t buf[8] = {0};

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u32(&w, 0x01020304);
	fm_wire_put_u64(&w, 5); /* does not fit */
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	/* Nothing more is written, not even what would fit. */
	fm_wire_put_u8(&w, 6);
	fm_wire_put_bytes(&w, "x", 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	ASSERT_UINT_EQ(buf[4], 0);

	/* A codec's own refusal is final too. */
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u8(&w, 1);
	fm_wire_writer_fail(&w);
	fm_wire_put_u8(&w, 2);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);

	fm_wire_writer_init(&w, NULL, 100);
	fm_wire_put_u8(&w, 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_bytes(&w, NULL, 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_bytes(&w, NULL, 0);
	fm_wire_put_u8(&w, 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 1);
}

static void
test_text_writer(void)
{
	char field[300], unterminated[4] = {'a', 'b', 'c', 'd'};
	struct fm_wire_writer w;
	uint8_t buf[400];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text8(&w, "", 1);
	fm_wire_put_text16(&w, "hi", 8);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 1 + 2 + 2);
	ASSERT_MEM_EQ(buf, "\0\0\2hi", 5);

	/* No NUL within the field: refused. */
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text8(&w, unterminated, sizeof(unterminated));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text8(&w, NULL, 4);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);

	/* 255 bytes fit a u8 length, 256 do not (but fit be16). */
	memset(field, 'x', sizeof(field));
	field[255] = '\0';
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text8(&w, field, sizeof(field));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 256);
	field[255] = 'x';
	field[256] = '\0';
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text8(&w, field, sizeof(field));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text16(&w, field, sizeof(field));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 258);
	ASSERT_MEM_EQ(buf, "\1\0xx", 4);
}

static void
test_lengths_back_filled(void)
{
	struct fm_wire_writer w;
	struct fm_wire_mark outer, inner;
	uint8_t buf[600];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	outer = fm_wire_begin_length(&w, 4);
	fm_wire_put_u8(&w, 9);
	inner = fm_wire_begin_length(&w, 2);
	fm_wire_put_u32(&w, 7);
	fm_wire_end_length(&w, inner);
	fm_wire_end_length(&w, outer);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 4 + 1 + 2 + 4);
	ASSERT_MEM_EQ(buf, "\0\0\0\7\x09\0\4\0\0\0\7", 11);

	/* An empty block, and a u8 length that overflows. */
	fm_wire_writer_init(&w, buf, sizeof(buf));
	inner = fm_wire_begin_length(&w, 1);
	fm_wire_end_length(&w, inner);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 1);
	ASSERT_UINT_EQ(buf[0], 0);
	inner = fm_wire_begin_length(&w, 1);
	for (int i = 0; i < 255; i++)
		fm_wire_put_u8(&w, 0);
	fm_wire_end_length(&w, inner);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 257);
	inner = fm_wire_begin_length(&w, 1);
	for (int i = 0; i < 256; i++)
		fm_wire_put_u8(&w, 0);
	fm_wire_end_length(&w, inner);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);

	/* A width it cannot write, a length that does not fit, a mark that
	 * is not this writer's. */
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_begin_length(&w, 3);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, 1);
	inner = fm_wire_begin_length(&w, 2);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_u8(&w, 0);
	fm_wire_end_length(&w, (struct fm_wire_mark){5, 2});
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
}

/*
 * get, on a reader r over width bytes of 1, 2, 3...: never 0; over one
 * byte less, 0 and the reader failed.
 */
#define ASSERT_GET_NEEDS(width, get)                                           \
	for (size_t len = (width)-1; len <= (width); len++) {                  \
		static const uint8_t src[] = {1, 2, 3, 4, 5, 6, 7, 8};         \
		struct fm_wire_reader r;                                       \
		uint64_t got;                                                  \
                                                                               \
		fm_wire_reader_init(&r, src, len);                             \
		got = (uint64_t)(get);                                         \
		if (fm_wire_reader_end(&r) != (len == (width)) ||              \
		    (got == 0) != (len < (width)))                             \
			HARNESS_FAIL("%s from %zu bytes", #get, len);          \
	}

static void
test_reader_bounds(void)
{
	uint8_t out[5];

	ASSERT_GET_NEEDS(1, fm_wire_get_u8(&r));
	ASSERT_GET_NEEDS(2, fm_wire_get_u16(&r));
	ASSERT_GET_NEEDS(4, fm_wire_get_u32(&r));
	ASSERT_GET_NEEDS(8, fm_wire_get_u64(&r));
	ASSERT_GET_NEEDS(8, fm_wire_get_i64(&r));
	ASSERT_GET_NEEDS(2, fm_wire_get_uint(&r, 2));
	ASSERT_GET_NEEDS(3, fm_wire_get_bytes(&r, out, 3) ? out[2] : 0);
	ASSERT_GET_NEEDS(5, fm_wire_expect(&r, "\1\2\3\4\5", 5));
	ASSERT_GET_NEEDS(4, fm_wire_get_text(&r, 4, (char *)out, 5) ? 1 : 0);
}

static void
test_reader_fails_closed(void)
{
	static const uint8_t buf[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct fm_wire_reader r, sub;
	uint8_t out[4] = {9, 9, 9, 9};
	char text[8] = "old";

	fm_wire_reader_init(&r, buf, 3);
	ASSERT_UINT_EQ(fm_wire_get_u16(&r), 1);
	ASSERT_UINT_EQ(fm_wire_get_u16(&r), 0); /* one byte left */
	ASSERT_FALSE(fm_wire_reader_ok(&r));
	/* Nothing more is read, not even the byte that is there. */
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0);
	ASSERT_UINT_EQ(fm_wire_reader_left(&r), 0);
	ASSERT_FALSE(fm_wire_get_bytes(&r, out, 1));
	ASSERT_UINT_EQ(out[0], 0);
	ASSERT_FALSE(fm_wire_get_text(&r, 0, text, sizeof(text)));
	ASSERT_STR_EQ(text, "");
	ASSERT_FALSE(fm_wire_get_slice(&r, 0, &sub));
	ASSERT_FALSE(fm_wire_reader_ok(&sub));
	ASSERT_FALSE(fm_wire_expect(&r, buf, 0));
	ASSERT_FALSE(fm_wire_reader_end(&r));

	/* A codec's own refusal. */
	fm_wire_reader_init(&r, buf, sizeof(buf));
	fm_wire_reader_fail(&r);
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0);
	ASSERT_FALSE(fm_wire_reader_end(&r));

	/* Trailing bytes: ok so far, but not the end. */
	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_UINT_EQ(fm_wire_get_u64(&r), 0x0001020304050607);
	ASSERT_TRUE(fm_wire_reader_ok(&r));
	ASSERT_UINT_EQ(fm_wire_reader_left(&r), 2);
	ASSERT_FALSE(fm_wire_reader_end(&r));

	fm_wire_reader_init(&r, NULL, 10);
	ASSERT_FALSE(fm_wire_reader_ok(&r));
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0);
	fm_wire_reader_init(&r, buf, 0);
	ASSERT_TRUE(fm_wire_reader_end(&r));
	ASSERT_FALSE(fm_wire_get_bytes(&r, NULL, 1));
}

static void
test_expect(void)
{
	struct fm_wire_reader r;

	fm_wire_reader_init(&r, "FMI1\2", 5);
	ASSERT_TRUE(fm_wire_expect(&r, "FMI1", 4));
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 2);
	ASSERT_TRUE(fm_wire_reader_end(&r));
	fm_wire_reader_init(&r, "FMX1\2", 5);
	ASSERT_FALSE(fm_wire_expect(&r, "FMI1", 4));
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0);
	ASSERT_FALSE(fm_wire_reader_ok(&r));
}

static void
test_slices(void)
{
	static const uint8_t buf[] = {3, 0xaa, 0xbb, 0xcc, 0x42};
	struct fm_wire_reader r, sub;

	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_TRUE(fm_wire_get_slice(&r, fm_wire_get_u8(&r), &sub));
	ASSERT_UINT_EQ(fm_wire_get_u16(&sub), 0xaabb);
	/* Reading past the slice fails the slice, not its parent. */
	ASSERT_UINT_EQ(fm_wire_get_u16(&sub), 0);
	ASSERT_FALSE(fm_wire_reader_ok(&sub));
	ASSERT_UINT_EQ(fm_wire_get_u8(&r), 0x42);
	ASSERT_TRUE(fm_wire_reader_end(&r));
	/* A slice longer than what is left. */
	fm_wire_reader_init(&r, buf, 3);
	ASSERT_FALSE(fm_wire_get_slice(&r, fm_wire_get_u8(&r), &sub));
	ASSERT_FALSE(fm_wire_reader_ok(&r));
	ASSERT_UINT_EQ(fm_wire_reader_left(&sub), 0);
}

static void
test_text_reader(void)
{
	struct fm_wire_reader r;
	char out[4] = "old";

	fm_wire_reader_init(&r, "\3abc", 4);
	ASSERT_TRUE(fm_wire_get_text8(&r, out, sizeof(out)));
	ASSERT_STR_EQ(out, "abc");
	ASSERT_TRUE(fm_wire_reader_end(&r));
	/* Three bytes and the NUL fill out; a fourth byte does not fit. */
	fm_wire_reader_init(&r, "\4abcd", 5);
	ASSERT_FALSE(fm_wire_get_text8(&r, out, sizeof(out)));
	ASSERT_STR_EQ(out, "");
	fm_wire_reader_init(&r, "\0\3a\0c", 5);
	ASSERT_FALSE(fm_wire_get_text16(&r, out, sizeof(out)));
	ASSERT_STR_EQ(out, "");
	fm_wire_reader_init(&r, "\0\3ab", 4); /* runs past the end */
	ASSERT_FALSE(fm_wire_get_text16(&r, out, sizeof(out)));
	fm_wire_reader_init(&r, "\0", 1);
	ASSERT_TRUE(fm_wire_get_text8(&r, out, sizeof(out)));
	ASSERT_STR_EQ(out, "");
	ASSERT_TRUE(fm_wire_reader_end(&r));
	fm_wire_reader_init(&r, "\0", 1);
	ASSERT_FALSE(fm_wire_get_text8(&r, out, 0));
	ASSERT_FALSE(fm_wire_get_text8(&r, NULL, 4));
}

static void
test_text_round_trip(void)
{
	char in[300], out[300];
	struct fm_wire_writer w;
	struct fm_wire_reader r;
	uint8_t buf[600];

	for (size_t i = 0; i < 299; i++)
		in[i] = (char)(1 + i % 255);
	in[299] = '\0';
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_text16(&w, in, sizeof(in));
	in[200] = '\0';
	fm_wire_put_text8(&w, in, sizeof(in));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 2 + 299 + 1 + 200);
	fm_wire_reader_init(&r, buf, fm_wire_writer_end(&w));
	ASSERT_TRUE(fm_wire_get_text16(&r, out, sizeof(out)));
	ASSERT_UINT_EQ(strlen(out), 299);
	ASSERT_TRUE(fm_wire_get_text8(&r, out, sizeof(out)));
	ASSERT_STR_EQ(out, in);
	ASSERT_TRUE(fm_wire_reader_end(&r));
}

static void
test_members(void)
{
	struct {
		uint8_t a;
		uint16_t b;
		uint32_t c;
		int64_t d;
	} in = {0xab, 0x1234, 0xdeadbeef, -2}, out;
	static const uint8_t want[] = {0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
	struct fm_wire_writer w;
	struct fm_wire_reader r;
	uint8_t buf[sizeof(want)];

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_member(&w, &in.a, sizeof(in.a));
	fm_wire_put_member(&w, &in.b, sizeof(in.b));
	fm_wire_put_member(&w, &in.c, sizeof(in.c));
	fm_wire_put_member(&w, &in.d, sizeof(in.d));
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), sizeof(want));
	ASSERT_MEM_EQ(buf, want, sizeof(want));

	memset(&out, 0x5a, sizeof(out));
	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_TRUE(fm_wire_get_member(&r, &out.a, sizeof(out.a)));
	ASSERT_TRUE(fm_wire_get_member(&r, &out.b, sizeof(out.b)));
	ASSERT_TRUE(fm_wire_get_member(&r, &out.c, sizeof(out.c)));
	ASSERT_TRUE(fm_wire_get_member(&r, &out.d, sizeof(out.d)));
	ASSERT_TRUE(fm_wire_reader_end(&r));
	ASSERT_UINT_EQ(out.a, in.a);
	ASSERT_UINT_EQ(out.b, in.b);
	ASSERT_UINT_EQ(out.c, in.c);
	ASSERT_INT_EQ(out.d, in.d);

	/* Past the end: the member is zeroed.  Widths other than 1, 2, 4
	 * and 8, and NULL, are refused. */
	ASSERT_FALSE(fm_wire_get_member(&r, &out.c, sizeof(out.c)));
	ASSERT_UINT_EQ(out.c, 0);
	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_FALSE(fm_wire_get_member(&r, &out.c, 3));
	fm_wire_reader_init(&r, buf, sizeof(buf));
	ASSERT_FALSE(fm_wire_get_member(&r, NULL, 4));
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_member(&w, &in.c, 3);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_member(&w, NULL, 4);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
}

/* A put function for fm_wire_encode(): a u16, refused if it is 0. */
static void
put_nonzero(struct fm_wire_writer *w, const void *msg)
{
	const uint16_t *v = msg;

	if (*v == 0)
		fm_wire_writer_fail(w);
	fm_wire_put_u16(w, *v);
}

static void
test_encode(void)
{
	uint16_t v = 0x0102;
	uint8_t buf[2];

	ASSERT_UINT_EQ(
	    fm_wire_encode(NULL, buf, sizeof(buf), put_nonzero, &v), 2);
	ASSERT_MEM_EQ(buf, "\1\2", 2);
	ASSERT_UINT_EQ(fm_wire_encode(NULL, buf, 1, put_nonzero, &v), 0);
	ASSERT_UINT_EQ(fm_wire_encode(NULL, NULL, 2, put_nonzero, &v), 0);
	ASSERT_UINT_EQ(
	    fm_wire_encode(NULL, buf, sizeof(buf), put_nonzero, NULL), 0);
	ASSERT_UINT_EQ(fm_wire_encode(NULL, buf, sizeof(buf), NULL, &v), 0);
	v = 0;
	ASSERT_UINT_EQ(
	    fm_wire_encode(NULL, buf, sizeof(buf), put_nonzero, &v), 0);
}

/* Names and keys: at least min bytes, no control byte, both ways. */
static void
test_plain_text(void)
{
	static const char *const bad[] = {"a\tb", "a\x7f", "\x1f", "x\n"};
	struct fm_wire_writer w;
	struct fm_wire_reader r;
	uint8_t buf[32];
	char out[16] = "old";

	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_plain8(&w, "alice ~ \xc3\xa9", 16, 1);
	fm_wire_put_plain8(&w, "", 16, 0);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 1 + 10 + 1);
	fm_wire_reader_init(&r, buf, 12);
	ASSERT_TRUE(fm_wire_get_plain8(&r, out, sizeof(out), 1));
	ASSERT_STR_EQ(out, "alice ~ \xc3\xa9");
	ASSERT_TRUE(fm_wire_get_plain8(&r, out, sizeof(out), 0));
	ASSERT_TRUE(fm_wire_reader_end(&r));

	/* Too short for min, either way. */
	fm_wire_writer_init(&w, buf, sizeof(buf));
	fm_wire_put_plain8(&w, "", 16, 1);
	ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
	fm_wire_reader_init(&r, "\0", 1);
	ASSERT_FALSE(fm_wire_get_plain8(&r, out, sizeof(out), 1));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i]);

		fm_wire_writer_init(&w, buf, sizeof(buf));
		fm_wire_put_plain8(&w, bad[i], 16, 0);
		ASSERT_UINT_EQ(fm_wire_writer_end(&w), 0);
		/* The same bytes as a text8 the reader refuses. */
		buf[0] = (uint8_t)n;
		memcpy(buf + 1, bad[i], n);
		strcpy(out, "old");
		fm_wire_reader_init(&r, buf, 1 + n);
		ASSERT_FALSE(fm_wire_get_plain8(&r, out, sizeof(out), 0));
		ASSERT_STR_EQ(out, "");
		ASSERT_FALSE(fm_wire_reader_ok(&r));
	}
}

int
main(void)
{
	RUN(test_integers_big_endian);
	RUN(test_i64_extremes);
	RUN(test_writer_bounds);
	RUN(test_writer_value_ranges);
	RUN(test_writer_fails_closed);
	RUN(test_text_writer);
	RUN(test_lengths_back_filled);
	RUN(test_reader_bounds);
	RUN(test_reader_fails_closed);
	RUN(test_expect);
	RUN(test_slices);
	RUN(test_text_reader);
	RUN(test_text_round_trip);
	RUN(test_members);
	RUN(test_encode);
	RUN(test_plain_text);
	return harness_done();
}
