/*
 * sanitizer_probe.c - proves the sanitizer build really has ASan linked:
 * a deliberate heap overflow that an instrumented binary must report.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

int
main(int argc, char **argv)
{
	char *p = malloc(8);
	volatile size_t n = 9 + (size_t)argc - 1;

	(void)argv;
	/* A loop, not memset: _FORTIFY_SOURCE would catch memset first. */
	for (size_t i = 0; i < n; i++)
		p[i] = 'x';
	free(p);
	return 0;
}
