/*
 * fuzz_pamwire.c - fuzz target for followme-pamhelper's messages: what
 * decodes re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "release/pamwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_pamwire_request req;
	struct fm_pamwire_reply rep;
	uint8_t out[FM_PAMWIRE_MAX];
	const char *err;
	size_t n;

	if (fm_pamwire_decode_request(data, size, &req, &err)) {
		n = fm_pamwire_encode_request(&req, out, sizeof(out));
		if (n != size || memcmp(out, data, n) != 0)
			abort();
	}
	if (fm_pamwire_decode_reply(data, size, &rep, &err)) {
		n = fm_pamwire_encode_reply(&rep, out, sizeof(out));
		if (n != size || memcmp(out, data, n) != 0)
			abort();
	}
	return 0;
}
