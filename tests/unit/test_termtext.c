/*
 * test_termtext.c - hostile text made safe for the terminal screen.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <locale.h>
#include <stdlib.h>

#include "harness.h"
#include "terminal/termtext.h"

static size_t
fit(char *out, size_t size, const char *in, size_t columns)
{
	return fm_termtext_fit(out, size, in, strlen(in), columns, true);
}

static void
test_plain_text_unchanged(void)
{
	char out[64];

	ASSERT_UINT_EQ(fit(out, sizeof(out), "Quarterly report", 40), 16);
	ASSERT_STR_EQ(out, "Quarterly report");
}

static void
test_escape_sequences_lose_their_escape(void)
{
	char out[64];

	fit(out, sizeof(out), "\033[2J\033[31mRED\033]0;pwned\007!", 40);
	ASSERT_TRUE(strchr(out, '\033') == NULL);
	ASSERT_TRUE(strchr(out, '\007') == NULL);
	ASSERT_STR_EQ(out, " [2J [31mRED ]0;pwned !");
	/* C1 controls (CSI as one character) too. */
	fit(out, sizeof(out),
	    "a\xc2\x9b"
	    "31mb",
	    40);
	ASSERT_STR_EQ(out, "a 31mb");
}

static void
test_bidi_controls_dropped(void)
{
	char out[64];

	fit(out, sizeof(out),
	    "\xe2\x80\xaeRTL txt.exe\xe2\x81\xa6x\xef\xbb\xbf", 40);
	ASSERT_STR_EQ(out, "RTL txt.exex");
	/* Right-to-left letters themselves are kept. */
	fit(out, sizeof(out), "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 40);
	ASSERT_STR_EQ(out, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
}

static void
test_combining_marks_limited(void)
{
	char out[64];
	size_t cells;

	/* Z and six marks: two kept. */
	cells = fit(out, sizeof(out),
	    "Z\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86!", 40);
	ASSERT_STR_EQ(out, "Z\xcc\x81\xcc\x82!");
	ASSERT_UINT_EQ(cells, 2);
	/* A mark with no base is dropped. */
	fit(out, sizeof(out), "\xcc\x81x", 40);
	ASSERT_STR_EQ(out, "x");
}

static void
test_long_text_cut_with_ellipsis(void)
{
	char in[10001], out[256];
	size_t cells;

	memset(in, 'L', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	cells = fit(out, sizeof(out), in, 30);
	ASSERT_UINT_EQ(cells, 30);
	ASSERT_UINT_EQ(strlen(out), 29 + 3);
	ASSERT_STR_CONTAINS(out, "\xe2\x80\xa6");
	/* Exactly fitting text is not cut. */
	ASSERT_UINT_EQ(fit(out, sizeof(out), "abcde", 5), 5);
	ASSERT_STR_EQ(out, "abcde");
	ASSERT_UINT_EQ(fit(out, sizeof(out), "abcdef", 5), 5);
	ASSERT_STR_EQ(out, "abcd\xe2\x80\xa6");
}

static void
test_wide_characters_count_two(void)
{
	char out[64];

	/* Four CJK characters are 8 cells: in 5 cells, two and "...". */
	ASSERT_UINT_EQ(
	    fit(out, sizeof(out),
	        "\xe6\x96\x87\xe6\x9b\xb8\xe5\x8d\xb0\xe5\x88\xb7", 5),
	    5);
	ASSERT_STR_EQ(out, "\xe6\x96\x87\xe6\x9b\xb8\xe2\x80\xa6");
}

static void
test_invalid_utf8_replaced(void)
{
	char out[64];

	fit(out, sizeof(out), "a\xff\xc0\x80z", 40);
	ASSERT_STR_EQ(out, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
}

static void
test_ascii_screen(void)
{
	char out[64];

	fm_termtext_fit(
	    out, sizeof(out), "caf\xc3\xa9 \xe6\x96\x87", 9, 40, false);
	ASSERT_STR_EQ(out, "caf? ?");
	fm_termtext_fit(out, sizeof(out), "abcdefgh", 8, 4, false);
	ASSERT_STR_EQ(out, "abc~");
}

static void
test_small_buffers_stay_terminated(void)
{
	char out[5];

	fit(out, sizeof(out), "abcdefghij", 40);
	ASSERT_TRUE(strlen(out) < sizeof(out));
	ASSERT_UINT_EQ(fm_termtext_fit(out, 0, "abc", 3, 10, true), 0);
	ASSERT_UINT_EQ(fit(out, sizeof(out), "abc", 0), 0);
	ASSERT_STR_EQ(out, "");
}

/* Display width, never bytes: what keeps the job list's columns
 * straight (issue 15). */
static void
test_width_counts_cells(void)
{
	/* Precomposed: 28 characters in 34 bytes. */
	const char *pre =
	    "H\u00e9l\u00e8ne Dupr\u00e9 \u2014 Proc\u00e8s-verbal";
	/* The same with combining accents: 33 code points, 28 cells. */
	const char *dec = "He\u0301le\u0300ne Dupre\u0301 \u2014 "
	                  "Proce\u0300s-verbal";
	/* CJK: 2 cells each ("meeting minutes"). */
	const char *cjk = "\u4f1a\u8b70\u9332 2026";
	char out[128];

	ASSERT_UINT_EQ(strlen(pre), 34);
	ASSERT_UINT_EQ(fm_termtext_width(pre, strlen(pre), true), 28);
	ASSERT_UINT_EQ(fm_termtext_width(dec, strlen(dec), true), 28);
	ASSERT_UINT_EQ(fm_termtext_width(cjk, strlen(cjk), true), 11);
	/* Money as French writes it: "0,30 €" is 6 cells in 9 bytes. */
	ASSERT_UINT_EQ(fm_termtext_width("0,30\u00a0\u20ac", 9, true), 6);
	/* The width is what fit() then draws. */
	ASSERT_UINT_EQ(fit(out, sizeof(out), cjk, 40), 11);
	ASSERT_UINT_EQ(fit(out, sizeof(out), dec, 40), 28);
	/* A CJK character never straddles the edge: 10 cells hold 4 of
	 * them and the ellipsis. */
	ASSERT_UINT_EQ(
	    fit(out, sizeof(out), "\u4f1a\u8b70\u9332\u4f1a\u8b70\u9332", 10),
	    9);
	/* Hostile text measures as it is drawn: controls one cell,
	 * bidirectional controls none. */
	ASSERT_UINT_EQ(fm_termtext_width("a\033b", 3, true), 3);
	ASSERT_UINT_EQ(fm_termtext_width("\u202eab", 5, true), 2);
	/* Not a UTF-8 screen: one '?' per character, not per byte. */
	ASSERT_UINT_EQ(fm_termtext_width(pre, strlen(pre), false), 28);
	ASSERT_UINT_EQ(fm_termtext_width(NULL, 3, true), 0);
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "no C.UTF-8 locale\n");
		return 1;
	}
	RUN(test_plain_text_unchanged);
	RUN(test_escape_sequences_lose_their_escape);
	RUN(test_bidi_controls_dropped);
	RUN(test_combining_marks_limited);
	RUN(test_long_text_cut_with_ellipsis);
	RUN(test_wide_characters_count_two);
	RUN(test_invalid_utf8_replaced);
	RUN(test_ascii_screen);
	RUN(test_small_buffers_stay_terminated);
	RUN(test_width_counts_cells);
	return harness_done();
}
