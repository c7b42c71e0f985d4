/*
 * name.c - plain names (name.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/name.h"

#include <string.h>

bool
fm_name_is_valid(const char *s, size_t size, const char *extra)
{
	size_t len;

	if (s == NULL || (len = strlen(s)) == 0 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		/* Spelled out, not isalnum(): the locale must not widen it. */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		        c == '-' ||
		        (extra != NULL && strchr(extra, c) != NULL)))
			return false;
	}
	return true;
}
