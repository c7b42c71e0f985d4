/*
 * fuzz_decryptor.c - fuzz target for the decryptor's request decoder:
 * what decodes re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/decryptor.h"
#include "tests/fuzz/roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_decryptor_request r;

	FUZZ_ROUND_TRIP(fm_decryptor_request_decode,
	    fm_decryptor_request_encode, &r, data, size);
	return 0;
}
