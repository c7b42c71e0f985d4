/*
 * pagecount-text.c - plain text, counted the way it will be printed.
 *
 * A text job held on the raw queue reaches the printer's queue as
 * text/plain, where CUPS runs cups-filters' texttopdf: a page is a grid
 * of columns x lines, filled character by character.  This module
 * replays that grid's cursor over the data -- no glyphs, only where the
 * cursor goes -- so the pages it counts are the pages the filter emits
 * (tests/integration/pagecount.sh compares both on the same files).  The
 * grid is texttopdf's without a PPD (FM_PAGECOUNT_TEXT_COLUMNS x
 * FM_PAGECOUNT_TEXT_LINES); a printer whose PPD has another page size
 * prints a different number, which is why the printer's own count is
 * what a release charges.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "spooler/pagecount-text.h"

bool
fm_pagecount_text_is_text(const uint8_t *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (c != 0x08 && c != '\t' && c != '\n' && c != 0x0b &&
		    c != 0x0c && c != '\r' && c != 0x1b)
			return false;
	}
	return true;
}

/*
 * The filter's reader (getutf8()): a byte below 0xc0 is a character, a
 * two- or three-byte lead takes its continuation bytes whatever they
 * are, anything longer or cut short ends the text.  Returns the
 * character, or -1 at the end.
 */
static int
next_char(const uint8_t *b, size_t len, size_t *pos)
{
	uint8_t c;

	if (*pos >= len)
		return -1;
	c = b[(*pos)++];
	if (c < 0xc0)
		return c;
	if ((c & 0xe0) == 0xc0) {
		if (*pos >= len)
			return -1;
		return ((c & 0x1f) << 6) | (b[(*pos)++] & 0x3f);
	}
	if ((c & 0xf0) == 0xe0) {
		if (*pos + 2 > len)
			return -1;
		*pos += 2;
		return 0x800; /* a character; which one does not matter */
	}
	return -1;
}

struct grid {
	unsigned line, column;
	bool raised, lowered; /* half a line up or down */
	uint64_t pages;
};

/* The cursor moved down a line: a full page is emitted. */
static void
line_down(struct grid *g)
{
	if (++g->line >= FM_PAGECOUNT_TEXT_LINES) {
		g->line = 0;
		g->pages++;
	}
}

/* The filter's ESC 7, 8 and 9, which never leave the page. */
static void
half_line(struct grid *g, int ch)
{
	if (ch == '7') {
		if (g->line > 0)
			g->line--;
	} else if (ch == '8') {
		if (g->raised && g->line > 0) {
			g->raised = false;
			g->line--;
		} else if (g->lowered) {
			g->lowered = false;
		} else {
			g->raised = true;
		}
	} else if (ch == '9') {
		if (g->lowered && g->line < FM_PAGECOUNT_TEXT_LINES - 1) {
			g->lowered = false;
			g->line++;
		} else if (g->raised) {
			g->raised = false;
		} else {
			g->lowered = true;
		}
	}
}

bool
fm_pagecount_text_scan(const uint8_t *buf, size_t len, struct fm_pagetally *t)
{
	struct grid g = {0, 0, false, false, 0};
	size_t pos = 0;
	int ch;

	while ((ch = next_char(buf, len, &pos)) >= 0) {
		switch (ch) {
		case 0x08:
			if (g.column > 0)
				g.column--;
			break;
		case '\t':
			g.column = (g.column + 8) & ~7u;
			if (g.column >= FM_PAGECOUNT_TEXT_COLUMNS) {
				g.column = 0;
				line_down(&g);
			}
			break;
		case '\r':
			g.column = 0;
			break;
		case '\n':
			g.column = 0;
			line_down(&g);
			break;
		case 0x0b:
			if (g.line > 0)
				g.line--;
			break;
		case 0x0c:
			/* A form feed ejects the page even when it is
			 * empty. */
			g.column = 0;
			g.line = 0;
			g.pages++;
			break;
		case 0x1b:
			/* ESC 7 goes up a line; ESC 8 and 9 go half a line
			 * up or down, a whole line on the second half. */
			ch = next_char(buf, len, &pos);
			if (ch < 0)
				goto end;
			half_line(&g, ch);
			break;
		default:
			if (ch < 0x20)
				break;
			if (g.column >= FM_PAGECOUNT_TEXT_COLUMNS) {
				g.column = 0;
				line_down(&g);
			}
			g.column++;
			break;
		}
	}
end:
	/* The last page is emitted only if the cursor left its top. */
	if (g.line > 0 || g.column > 0)
		g.pages++;
	for (uint64_t i = 0; i < g.pages; i++)
		fm_pagetally_add(t, false, 1);
	return true;
}
