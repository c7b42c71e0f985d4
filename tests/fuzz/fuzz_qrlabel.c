/*
 * fuzz_qrlabel.c - fuzz target for the printer label writer: any name,
 * location and base address (three lines of the input).  A base the
 * check accepts makes a label; the label's text stays text: no '<'
 * and no '&' but an entity inside the text elements, and valid UTF-8.
 * A valid base with a short address always makes a label.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/qrlabel.h"
#include "common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of the input, NUL-terminated in a copy. */
static char *
next_line(const uint8_t **data, size_t *size)
{
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t n = nl ? (size_t)(nl - *data) : *size;
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, *data, n);
	s[n] = '\0';
	*data += nl ? n + 1 : n;
	*size -= nl ? n + 1 : n;
	return s;
}

/* Checks that the SVG is valid UTF-8 and the character data of every
 * <text> element holds no markup. */
static void
check_text(const char *svg, size_t len)
{
	const char *p = svg, *end = svg + len;

	if (memchr(svg, '\0', len) != NULL)
		abort();
	for (size_t i = 0; i < len;) {
		long cp;

		i += fm_utf8_next((const unsigned char *)svg + i, len - i, &cp);
		if (cp < 0)
			abort();
	}
	while ((p = strstr(p, "<text")) != NULL) {
		const char *open = strchr(p, '>'), *close;

		if (open == NULL || (close = strstr(open, "</text>")) == NULL)
			abort();
		for (const char *c = open + 1; c < close; c++) {
			if (*c == '<' || *c == '>')
				abort();
			if (*c == '&' && strncmp(c, "&lt;", 4) != 0 &&
			    strncmp(c, "&gt;", 4) != 0 &&
			    strncmp(c, "&amp;", 5) != 0 &&
			    strncmp(c, "&quot;", 6) != 0 &&
			    strncmp(c, "&apos;", 6) != 0)
				abort();
		}
		p = close;
		if (p >= end)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = next_line(&data, &size);
	char *location = next_line(&data, &size);
	char *base = next_line(&data, &size);
	char url[FM_QRLABEL_URLMAX];
	struct fm_settings s;
	const char *errstr = NULL;
	size_t len = 0;
	char *svg;

	fm_settings_defaults(&s);
	if (fm_qrlabel_url(&s, base, "lobby", url, sizeof(url), &errstr)) {
		if (!fm_settings_url_is_valid(url, strlen(url)))
			abort();
		if ((svg = fm_qrlabel_svg(
		         name, location, url, &len, &errstr)) == NULL &&
		    strlen(url) < 200)
			abort();
		if (svg != NULL)
			check_text(svg, len);
		free(svg);
	} else if (fm_settings_url_is_valid(base, strlen(base)) &&
	    strlen(base) < 200) {
		abort();
	}
	free(name);
	free(location);
	free(base);
	return 0;
}
