/*
 * roundtrip.h - the one check of the codec fuzz targets whose messages
 * have exactly one encoding: whatever decodes must encode back to the
 * very bytes it came from, and nothing may crash or read out of bounds.
 *
 *	struct fm_pamwire_request req;
 *	FUZZ_ROUND_TRIP(fm_pamwire_decode_request,
 *	    fm_pamwire_encode_request, &req, data, size);
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_FUZZ_ROUNDTRIP_H
#define FM_FUZZ_ROUNDTRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger than any message these codecs write. */
static uint8_t fuzz_out[1 << 17];
static const char *fuzz_err;

/* Aborts unless the n bytes just encoded into fuzz_out are data's. */
static inline bool
fuzz_same_bytes(const uint8_t *data, size_t size, size_t n)
{
	if (n != size || memcmp(fuzz_out, data, n) != 0)
		abort();
	return true;
}

/*
 * FUZZ_ROUND_TRIP(decode, encode, msg, data, size) - decode (data, size)
 * into *msg; if that succeeds, encode *msg and abort unless it gives back
 * exactly (data, size).  True if the input decoded.
 */
#define FUZZ_ROUND_TRIP(decode, encode, msg, data, size)                       \
	((decode)((data), (size), (msg), &fuzz_err)                            \
	        ? fuzz_same_bytes((data), (size),                              \
	              (encode)((msg), fuzz_out, sizeof(fuzz_out)))             \
	        : false)

#endif
