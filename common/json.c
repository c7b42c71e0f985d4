/*
 * json.c - writing JSON strings and members.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/json.h"

#include <inttypes.h>
#include <string.h>

#include "common/utf8.h"

void
fm_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	len = strlen(s);
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		long cp;
		size_t n = fm_utf8_next(p + i, len - i, &cp);

		if (cp < 0)
			fputs("\\ufffd", f);
		else if (cp == '"')
			fputs("\\\"", f);
		else if (cp == '\\')
			fputs("\\\\", f);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp < 0x20 || cp == 0x7f)
			fprintf(f, "\\u%04lx", cp);
		else
			fwrite(p + i, 1, n, f);
		i += n;
	}
	fputc('"', f);
}

void
fm_json_key_string(FILE *f, const char *name, const char *value)
{
	fm_json_string(f, name);
	fputc(':', f);
	fm_json_string(f, value);
}

void
fm_json_key_int(FILE *f, const char *name, int64_t value)
{
	fm_json_string(f, name);
	fprintf(f, ":%" PRId64, value);
}
