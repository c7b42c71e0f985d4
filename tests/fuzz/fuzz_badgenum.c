/*
 * fuzz_badgenum.c - fuzz target for badge numbers from the directory: the
 * first byte picks a format (badge/uid.h) and a UID length, the rest is
 * the number.  A number read is at most FM_UID_MAX bytes, and what the
 * reader's normalisation writes for it reads back to the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directory/badgenum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const specs[] = {"hex", "hex-lower", "hex-reversed",
    "decimal", "decimal-reversed", "decimal:10", "hex:4", "hex-lower:7"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_uid_format fmt;
	uint8_t uid[FM_UID_MAX], back[FM_UID_MAX];
	char text[FM_UID_STRMAX];
	size_t len = 0, len2 = 0;
	const char *errstr = NULL, *spec;
	unsigned bytes;

	if (size == 0)
		return 0;
	spec = specs[data[0] % 8];
	bytes = (data[0] >> 3) % 11; /* 0, or 1..10 bytes */
	if (!fm_uid_format_parse(spec, strlen(spec), &fmt, &errstr))
		abort();
	if (!fm_badgenum_parse((const char *)data + 1, size - 1, &fmt, bytes,
	        uid, &len, &errstr)) {
		if (errstr == NULL)
			abort();
		return 0;
	}
	if (len == 0 || len > FM_UID_MAX || (bytes > 0 && len != bytes))
		abort();
	if (fm_uid_normalise(uid, len, &fmt, text, sizeof(text)) &&
	    fm_badgenum_parse(text, strlen(text), &fmt, (unsigned)len, back,
	        &len2, &errstr) &&
	    (len2 != len || memcmp(uid, back, len) != 0))
		abort();
	return 0;
}
