/*
 * fuzz_cupsoptions.c - differential fuzz target: fm_options_parse()
 * against libcups's cupsParseOptions() on the same options string (the
 * input up to its first NUL).  Whatever libcups makes of the string, ours
 * must give the same options, in the same order, with the same names and
 * values, and find each by name as cupsGetOption() does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <cups/cups.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spooler/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libcups 2.4 leaks the array when print-quality and cupsPrintQuality
 * remove each other down to no option (cupsAddOption() then allocates a
 * new one): its leak, not ours. */
const char *
__lsan_default_suppressions(void)
{
	return "leak:cupsAddOption\n";
}

static void
differ(const char *what, const char *arg)
{
	fprintf(stderr,
	    "fm_options_parse and cupsParseOptions differ (%s) "
	    "on \"%s\"\n",
	    what, arg);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = malloc(size + 1);
	cups_option_t *cups = NULL;
	struct fm_options ours;
	const char *errstr;
	int n;

	if (arg == NULL)
		return 0;
	memcpy(arg, data, size);
	arg[size] = '\0';
	n = cupsParseOptions(arg, 0, &cups);
	/* The whole input, NUL bytes included: ours stops at the first. */
	if (fm_options_parse((const char *)data, size, &ours, &errstr)) {
		if (ours.n != (size_t)n)
			differ("number of options", arg);
		for (int i = 0; i < n; i++) {
			const char *v = fm_options_get(&ours, cups[i].name);

			if (strcmp(ours.opt[i].name, cups[i].name) != 0)
				differ("name", arg);
			if (strcmp(ours.opt[i].value, cups[i].value) != 0)
				differ("value", arg);
			if (v == NULL ||
			    strcmp(v,
			        cupsGetOption(ours.opt[i].name, n, cups)) != 0)
				differ("lookup", arg);
		}
	} else if (strlen(arg) < 2 * FM_OPTIONS_MAX) {
		/* Only the limits may refuse a string, and more than
		 * FM_OPTIONS_MAX names take at least 2 x FM_OPTIONS_MAX
		 * bytes. */
		differ("refused within the limits", arg);
	}
	fm_options_free(&ours);
	cupsFreeOptions(n, cups);
	free(arg);
	return 0;
}
