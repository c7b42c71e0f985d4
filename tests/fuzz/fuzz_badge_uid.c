/*
 * fuzz_badge_uid.c - fuzz target for the badge UID parser.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "store/badges.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t uid[FM_BADGES_UIDMAX];
	size_t len = 0;

	if (fm_badges_parse_uid((const char *)data, size, uid, &len) &&
	    (len < 4 || len > FM_BADGES_UIDMAX))
		abort();
	return 0;
}
