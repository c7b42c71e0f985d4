/*
 * fuzz_ingestmsg.c - fuzz target for the ingest protocol decoders.  The
 * first byte chooses request or reply; a decoded request must re-encode
 * to the same bytes it came from, modulo field order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "spooler/ingestmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_ticket t, again;
	struct fm_ingest_reply r;
	uint8_t buf[FM_INGESTMSG_MAX];
	const char *err;
	size_t len;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		fm_ingestmsg_decode_reply(data + 1, size - 1, &r, &err);
		return 0;
	}
	if (!fm_ingestmsg_decode_request(data + 1, size - 1, &t, &err))
		return 0;
	len = fm_ingestmsg_encode_request(&t, buf, sizeof(buf));
	if (len == 0 || !fm_ingestmsg_decode_request(buf, len, &again, &err) ||
	    memcmp(&t, &again, sizeof(t)) != 0)
		abort();
	return 0;
}
