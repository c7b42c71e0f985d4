/*
 * fuzz_ledgerwire.c - fuzz target for the ledger writer's messages: what
 * decodes must encode back to the same bytes (one encoding per message),
 * and nothing may crash or read out of bounds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "quota/ledgerwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_ledgerwire_request req;
	struct fm_ledgerwire_reply rep;
	uint8_t out[FM_LEDGERWIRE_MAX];
	const char *err;
	size_t n;

	if (fm_ledgerwire_decode_request(data, size, &req, &err)) {
		n = fm_ledgerwire_encode_request(&req, out, sizeof(out));
		if (n != size || memcmp(out, data, n) != 0)
			abort();
	}
	if (fm_ledgerwire_decode_reply(data, size, &rep, &err)) {
		n = fm_ledgerwire_encode_reply(&rep, out, sizeof(out));
		if (n != size || memcmp(out, data, n) != 0)
			abort();
		(void)fm_ledgerwire_errstr(rep.message);
	}
	return 0;
}
