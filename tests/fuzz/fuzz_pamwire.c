/*
 * fuzz_pamwire.c - fuzz target for followme-pamhelper's messages: what
 * decodes re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/pamwire.h"
#include "tests/fuzz/roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pamwire_request req;
	struct fm_pamwire_reply rep;

	FUZZ_ROUND_TRIP(fm_pamwire_decode_request, fm_pamwire_encode_request,
	    &req, data, size);
	FUZZ_ROUND_TRIP(
	    fm_pamwire_decode_reply, fm_pamwire_encode_reply, &rep, data, size);
	return 0;
}
