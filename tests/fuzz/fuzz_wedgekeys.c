/*
 * fuzz_wedgekeys.c - fuzz target for keyboard-wedge line assembly in each
 * keyboard layout: the first byte picks the layout (us, fr, de, be); any
 * event sequence after it (4 bytes each: type, code, value, time step)
 * gives only lines of digits and a-f that fm_uid_from_text() accepts.  The
 * whole input is also tried as a layout name (fm_wedgelayout_name_parse).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "badge/wedgekeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NLAYOUTS 4

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[NLAYOUTS] = {"us", "fr", "de", "be"};
	/* Compiled once: a keymap takes milliseconds, an input microseconds. */
	static fm_wedgelayout_t *layouts[NLAYOUTS];
	char layout[FM_WEDGELAYOUT_NAMEMAX + 1];
	char variant[FM_WEDGELAYOUT_NAMEMAX + 1];
	struct fm_wedgekeys k;
	uint8_t uid[FM_UID_MAX];
	const char *err = NULL;
	char why[256];
	uint64_t t = 0;
	size_t i, uidlen, which;

	if (fm_wedgelayout_name_parse(
	        (const char *)data, size, layout, variant) &&
	    (strlen(layout) == 0 || strlen(layout) > FM_WEDGELAYOUT_NAMEMAX ||
	        strspn(layout, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
	            strlen(layout)))
		abort();
	if (size == 0)
		return 0;
	which = data[0] % NLAYOUTS;
	if (layouts[which] == NULL &&
	    (layouts[which] = fm_wedgelayout_create(
	         names[which], why, sizeof(why))) == NULL)
		abort();
	fm_wedgekeys_init(&k, layouts[which]);
	for (i = 1; i + 4 <= size; i += 4) {
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
