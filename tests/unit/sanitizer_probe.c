/*
 * sanitizer_probe.c - proves the sanitizer build really has ASan linked:
 * a deliberate heap overflow that an instrumented binary must report.
 */
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char *p = malloc(8);
	volatile size_t n = 9 + (size_t)argc - 1;

	(void)argv;
	memset(p, 'x', n);
	free(p);
	return 0;
}
