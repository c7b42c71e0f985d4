/*
 * fuzz_wedgekeys.c - fuzz target for keyboard-wedge line assembly: any
 * event sequence (4 bytes each: type, code, value, time step) gives only
 * lines of digits and a-f that fm_uid_from_text() accepts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "badge/wedgekeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_wedgekeys k;
	uint8_t uid[FM_UID_MAX];
	const char *err = NULL;
	uint64_t t = 0;
	size_t i, uidlen;

	fm_wedgekeys_reset(&k);
	for (i = 0; i + 4 <= size; i += 4) {
		t += (uint64_t)data[i + 3] * 16;
		if (fm_wedgekeys_feed(&k, data[i] & 3, data[i + 1],
		        (int)(data[i + 2] % 4) - 1, t) != FM_WEDGEKEYS_LINE)
			continue;
		if (strlen(k.text) == 0 || strlen(k.text) > FM_UID_TEXTMAX ||
		    strspn(k.text, "0123456789abcdefABCDEF") != strlen(k.text))
			abort();
		if (!fm_uid_from_text(k.text, strlen(k.text), FM_UID_INPUT_HEX,
		        uid, &uidlen, &err))
			abort();
	}
	return 0;
}
