/*
 * fuzz_options.c - fuzz target for building a job ticket from backend
 * arguments: the input is split at NUL bytes into user, title, copies and
 * the options string.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "spooler/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
env(const char *name)
{
	return strcmp(name, "CONTENT_TYPE") == 0 ? "application/pdf" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *parts[4] = {"", "", "", ""};
	char *argv[6];
	struct fm_ticket t;
	char err[256];
	unsigned notes;
	size_t start = 0;
	int n = 0;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && n < 4; i++) {
		if (i == size || copy[i] == '\0') {
			copy[i] = '\0';
			parts[n++] = copy + start;
			start = i + 1;
		}
	}
	argv[0] = "followme:/";
	argv[1] = "7";
	argv[2] = parts[0];
	argv[3] = parts[1];
	argv[4] = parts[2];
	argv[5] = parts[3];
	if (fm_ticket_from_backend(
	        &t, 6, argv, env, &notes, err, sizeof(err))) {
		/* What we accept must be clean text that fits. */
		if (strlen(t.title) >= sizeof(t.title) ||
		    strchr(t.title, '\n') != NULL || t.copies == 0)
			abort();
	}
	free(copy);
	return 0;
}
