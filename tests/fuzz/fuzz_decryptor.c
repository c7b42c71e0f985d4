/*
 * fuzz_decryptor.c - fuzz target for the decryptor's request decoder:
 * what decodes re-encodes to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "release/decryptor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_decryptor_request r;
	uint8_t out[FM_DECRYPTOR_REQUESTMAX];
	const char *err;
	size_t n;

	if (fm_decryptor_request_decode(data, size, &r, &err)) {
		n = fm_decryptor_request_encode(&r, out, sizeof(out));
		if (n != size || memcmp(out, data, n) != 0)
			abort();
	}
	return 0;
}
