/*
 * fuzz_pslex.c - fuzz target for the PostScript/PDF tokenizer
 * (spooler/pslex.c): tokenizes the input in both dialects and checks
 * that every token lies inside the input, that the position only moves
 * forward, and that a lookahead copy sees the same token.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spooler/pslex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const uint8_t *data, size_t size, enum fm_pslex_dialect dialect)
{
	struct fm_pslex lx, ahead;
	struct fm_pslex_token tok, peek;
	struct fm_pslex_numbers nums;
	bool more;

	memset(&nums, 0, sizeof(nums));
	fm_pslex_init(&lx, data, size, dialect);
	do {
		size_t before = lx.pos;
		ahead = lx;
		more = fm_pslex_next(&lx, &tok);
		if (fm_pslex_next(&ahead, &peek) != more)
			abort();
		if (!more)
			break;
		if (lx.pos <= before || lx.pos > size || tok.start < before ||
		    tok.start >= lx.pos || tok.text < data ||
		    tok.text + tok.len > data + lx.pos ||
		    memcmp(&tok, &peek, sizeof(tok)) != 0)
			abort();
		if (tok.kind == FM_PSLEX_NUMBER)
			fm_pslex_numbers_push(&nums, tok.num);
		else if (tok.kind == FM_PSLEX_WORD)
			nums.n = 0;
		if (nums.n < 0 || nums.n > FM_PSLEX_NUMBERS)
			abort();
	} while (more);
	if (lx.pos != size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size, FM_PSLEX_POSTSCRIPT);
	walk(data, size, FM_PSLEX_PDF);
	return 0;
}
