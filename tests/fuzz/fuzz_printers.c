/*
 * fuzz_printers.c - fuzz target for the checks of a printer to add
 * (fm_printers_check(), shared by followme-admin printer add and the web
 * console's POST /api/admin/printer): the input is the name, the URI and
 * the location, separated by NUL bytes.  A printer found fine fits the
 * store's fields, names a destination and has a one-line location; a
 * fault always comes with its reason.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/printers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[3] = {"", "", ""}, *why = NULL;
	enum fm_printers_fault f;
	char *buf;
	size_t n = 0;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	field[0] = buf;
	for (size_t i = 0; i < size && n < 2; i++)
		if (buf[i] == '\0')
			field[++n] = buf + i + 1;
	f = fm_printers_check(field[0], field[1], field[2], &why);
	if ((f == FM_PRINTERS_FINE) != (why == NULL))
		abort();
	if (f == FM_PRINTERS_FINE) {
		if (strlen(field[0]) >= FM_PRINTERS_NAMEMAX ||
		    strlen(field[1]) >= FM_PRINTERS_URIMAX ||
		    strlen(field[2]) >= FM_PRINTERS_LOCATIONMAX ||
		    strchr(field[1], ' ') != NULL || field[1][0] == '\0')
			abort();
		for (const char *p = field[2]; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				abort();
	}
	free(buf);
	return 0;
}
