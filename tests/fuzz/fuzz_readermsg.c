/*
 * fuzz_readermsg.c - fuzz target for the reader event codec: whatever
 * decodes must encode back to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "badge/readermsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_reader_event ev;
	uint8_t buf[FM_READERMSG_MAX];
	const char *err = NULL;
	size_t len;

	if (!fm_readermsg_decode(data, size, &ev, &err))
		return 0;
	len = fm_readermsg_encode(&ev, buf, sizeof(buf));
	if (len != size || memcmp(buf, data, size) != 0)
		abort();
	return 0;
}
