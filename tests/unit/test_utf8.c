/*
 * test_utf8.c - cleaning untrusted text (common/utf8.h): what is stored
 * keeps right-to-left text exactly; what is shown loses the characters
 * that reorder or hide it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "common/utf8.h"
#include "harness.h"

static const struct {
	const char *in, *stored, *shown;
} cases[] = {
    /* "invoice\u202egpj.exe" reads "invoiceexe.jpg" on a screen. */
    {"invoice\xe2\x80\xaegpj.exe", "invoice\xe2\x80\xaegpj.exe",
        "invoicegpj.exe"},
    /* Isolates, marks and the BOM go too; letters of a right-to-left
     * script and combining accents stay. */
    {"\xe2\x81\xa6"
     "a\xe2\x80\x8f"
     "b\xef\xbb\xbf",
        "\xe2\x81\xa6"
        "a\xe2\x80\x8f"
        "b\xef\xbb\xbf",
        "ab"},
    {"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d e\xcc\x81",
        "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d e\xcc\x81",
        "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d e\xcc\x81"},
    /* Controls become spaces and bad bytes U+FFFD, in both. */
    {"a\x1b[2Jb\xff", "a [2Jb\xef\xbf\xbd", "a [2Jb\xef\xbf\xbd"},
};

static void
test_stored_and_shown(void)
{
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].in);

		ASSERT_TRUE(fm_utf8_clean(out, sizeof(out), cases[i].in, len));
		ASSERT_STR_EQ(out, cases[i].stored);
		ASSERT_TRUE(
		    fm_utf8_clean_shown(out, sizeof(out), cases[i].in, len));
		ASSERT_STR_EQ(out, cases[i].shown);
	}
}

static void
test_bounds(void)
{
	char out[4];

	/* Cut on a character boundary, never in the middle of one. */
	ASSERT_FALSE(fm_utf8_clean(out, sizeof(out), "ab\xc3\xa9", 4));
	ASSERT_STR_EQ(out, "ab");
	ASSERT_FALSE(fm_utf8_clean_shown(out, 0, "a", 1));
	ASSERT_FALSE(fm_utf8_clean_shown(NULL, 4, "a", 1));
	ASSERT_TRUE(fm_utf8_clean_shown(out, sizeof(out), "", 0));
	ASSERT_STR_EQ(out, "");
	ASSERT_TRUE(fm_utf8_is_invisible(0x202e));
	ASSERT_FALSE(fm_utf8_is_invisible(0x05d0));
}

int
main(void)
{
	RUN(test_stored_and_shown);
	RUN(test_bounds);
	return harness_done();
}
