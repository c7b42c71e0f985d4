/*
 * fuzz_wire.c - fuzz target for common/wire.c.  The input is both a
 * program and its data: each step reads an op byte, then reads a value of
 * that kind with the reader, and writes what it read back with a writer
 * the size of the input.  Whatever the reader accepts, the writer must
 * give back byte for byte, and neither may step outside its buffer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "common/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char text[65536];

/* One op of the program: read a value, write it back. */
static void
step(struct fm_wire_reader *r, struct fm_wire_writer *w)
{
	struct fm_wire_reader sub;
	struct fm_wire_mark mark;
	uint8_t op = fm_wire_get_u8(r), bytes[256];
	size_t n;

	fm_wire_put_u8(w, op);
	switch (op % 6) {
	case 0:
		/* The high bits choose the width: 1, 2, 4 or 8. */
		n = (size_t)1 << ((op >> 3) % 4);
		fm_wire_put_uint(w, fm_wire_get_uint(r, n), n);
		break;
	case 1:
		fm_wire_put_i64(w, fm_wire_get_i64(r));
		break;
	case 2:
		n = fm_wire_get_u8(r);
		fm_wire_put_u8(w, n);
		fm_wire_get_bytes(r, bytes, n);
		fm_wire_put_bytes(w, bytes, n);
		break;
	case 3:
		fm_wire_get_text8(r, text, 256);
		fm_wire_put_text8(w, text, 256);
		break;
	case 4:
		fm_wire_get_text16(r, text, sizeof(text));
		fm_wire_put_text16(w, text, sizeof(text));
		break;
	case 5:
		/* A nested block: copied as a length the writer fills in. */
		fm_wire_get_slice(r, fm_wire_get_u16(r), &sub);
		mark = fm_wire_begin_length(w, 2);
		while (fm_wire_reader_left(&sub) > 0)
			fm_wire_put_u8(w, fm_wire_get_u8(&sub));
		if (!fm_wire_reader_end(&sub))
			fm_wire_reader_fail(r);
		fm_wire_end_length(w, mark);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_wire_reader r;
	struct fm_wire_writer w;
	uint8_t *out = malloc(size + 1);
	size_t len;

	if (out == NULL)
		return 0;
	fm_wire_reader_init(&r, data, size);
	fm_wire_writer_init(&w, out, size);
	while (fm_wire_reader_left(&r) > 0)
		step(&r, &w);
	len = fm_wire_writer_end(&w);
	/* After a failed read the writer has copied zeros; only an input
	 * read to its end must come back whole. */
	if (len > size ||
	    (fm_wire_reader_end(&r) &&
	        (len != size || memcmp(out, data, size) != 0)))
		abort();
	free(out);
	return 0;
}
