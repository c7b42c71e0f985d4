/*
 * fuzz_termtext.c - fuzz target for the screen-safe text of titles: the
 * output never exceeds its buffer or its cells, and never holds a
 * control character.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "terminal/termtext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char out[300];
	size_t columns, cells;

	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		ready = true;
	}
	if (size < 1)
		return 0;
	columns = data[0];
	cells = fm_termtext_fit(out, sizeof(out), (const char *)data + 1,
	    size - 1, columns, (data[0] & 1) != 0);
	if (cells > columns || strlen(out) >= sizeof(out))
		abort();
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	return 0;
}
