/*
 * fuzz_ledgerwire.c - fuzz target for the ledger writer's messages: what
 * decodes must encode back to the same bytes (one encoding per message),
 * and nothing may crash or read out of bounds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/ledgerwire.h"
#include "tests/fuzz/roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_ledgerwire_request req;
	struct fm_ledgerwire_reply rep;

	FUZZ_ROUND_TRIP(fm_ledgerwire_decode_request,
	    fm_ledgerwire_encode_request, &req, data, size);
	if (FUZZ_ROUND_TRIP(fm_ledgerwire_decode_reply,
	        fm_ledgerwire_encode_reply, &rep, data, size))
		(void)fm_ledgerwire_errstr(rep.message);
	return 0;
}
