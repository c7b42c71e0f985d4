/*
 * fuzz_pn532frame.c - fuzz target for the PN532 simulator's frame parser:
 * whatever the bytes, it must make progress and stay inside them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "tests/tools/pn532frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fm_pn532frame_kind k;
	const uint8_t *cmd;
	size_t used, cmdlen;

	for (;;) {
		cmd = NULL;
		k = fm_pn532frame_parse(data, size, &used, &cmd, &cmdlen);
		if (used > size)
			abort();
		if (k == FM_PN532FRAME_CMD &&
		    (cmd < data || cmdlen == 0 || cmd + cmdlen > data + size))
			abort();
		if (k != FM_PN532FRAME_MORE && used == 0)
			abort(); /* no progress: the simulator would spin */
		data += used;
		size -= used;
		if (k == FM_PN532FRAME_MORE)
			return 0;
	}
}
