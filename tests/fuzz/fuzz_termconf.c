/*
 * fuzz_termconf.c - fuzz target for the terminal's configuration parser.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>

#include "terminal/termconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fm_termconf c;
	char err[FM_CONF_ERRMAX];

	fm_termconf_parse((const char *)data, size, &c, err, sizeof(err));
	return 0;
}
