/*
 * fuzz_readermsg.c - fuzz target for the reader event codec: whatever
 * decodes must encode back to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "badge/readermsg.h"
#include "tests/fuzz/roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_reader_event ev;

	FUZZ_ROUND_TRIP(
	    fm_readermsg_decode, fm_readermsg_encode, &ev, data, size);
	return 0;
}
