/*
 * fuzz_admission.c - fuzz target for the admission messages between a
 * session and followmed: what decodes re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "release/admission.h"
#include "tests/fuzz/roundtrip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_admission_request req;
	struct fm_admission_reply rep;

	FUZZ_ROUND_TRIP(fm_admission_decode_request,
	    fm_admission_encode_request, &req, data, size);
	FUZZ_ROUND_TRIP(fm_admission_decode_reply, fm_admission_encode_reply,
	    &rep, data, size);
	return 0;
}
