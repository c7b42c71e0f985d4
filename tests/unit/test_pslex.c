/*
 * test_pslex.c - unit tests for spooler/pslex.c, the PostScript/PDF
 * tokenizer: every token kind, the two dialects' numbers and strings,
 * and that nothing is read past the length given.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include "spooler/pslex.h"
#include "tests/unit/harness.h"

/* The tokens of a C string, in a dialect, as "KIND:text" words joined
 * by spaces, so that one assertion shows a whole sequence. */
static const char *
tokens(const char *src, size_t len, enum fm_pslex_dialect dialect)
{
	static const char *const names[] = {"num", "name", "word", "str", "hex",
	    "a85", "[", "]", "{", "}", "<<", ">>", "cmt", "stray"};
	static char out[512];
	struct fm_pslex lx;
	struct fm_pslex_token tok;
	size_t n = 0;

	out[0] = '\0';
	fm_pslex_init(&lx, (const uint8_t *)src, len, dialect);
	while (fm_pslex_next(&lx, &tok) && n < sizeof(out) - 64) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s:%.*s%s",
		    n > 0 ? " " : "", names[tok.kind], (int)tok.len,
		    (const char *)tok.text, tok.unterminated ? "..." : "");
	}
	return out;
}

/* The two dialects' names in the table. */
#define PS FM_PSLEX_POSTSCRIPT
#define PDF FM_PSLEX_PDF
/* A whole C string literal as bytes and their count. */
#define ALL(s) s, sizeof(s) - 1

/*
 * Inputs and the tokens they must give.  Where len is less than the
 * literal, the bytes after len would close the token: the lexer must not
 * read them.
 */
static const struct token_case {
	enum fm_pslex_dialect dialect;
	const char *src;
	size_t len;
	const char *want;
} token_cases[] = {
    /* Every kind. */
    {PS, ALL("/Name 12 moveto (s) <4142> <~87cUR~> [ ] { } << >> %note\n) >"),
        "name:Name num:12 word:moveto str:s hex:4142 a85:87cUR [:[ ]:] "
        "{:{ }:} <<:<< >>:>> cmt:note stray:) stray:>"},
    /* Delimiters end names and words without white space. */
    {PS, ALL("/a/b{c}d[e]f(g)h<1>i%j"),
        "name:a name:b {:{ word:c }:} word:d [:[ word:e ]:] word:f str:g "
        "word:h hex:1 word:i cmt:j"},
    /* NUL is white space; a lone "/" is the empty name. */
    {PDF, "a\0b / c", 7, "word:a word:b name: word:c"},
    {PS, ALL(" \t\r\n\f"), ""},
    {PDF, NULL, 0, ""},
    /* Strings nest and escape; an unbalanced one runs to the end, and
     * says so. */
    {PS, ALL("(a(b)c) x"), "str:a(b)c word:x"},
    {PS, ALL("(a\\)b\\(c) x"), "str:a\\)b\\(c word:x"},
    {PDF, ALL("(\\\\) x"), "str:\\\\ word:x"},
    {PS, ALL("(a(b) showpage"), "str:a(b) showpage..."},
    {PS, ALL("(ends in \\"), "str:ends in \\..."},
    /* PostScript numbers: a whole run of regular characters, as strtod
     * reads it; anything else is an executable name. */
    {PS, ALL("1 -2.5 .5 +3 1e2 16#FF 1.5abc -"),
        "num:1 num:-2.5 num:.5 num:+3 num:1e2 word:16#FF word:1.5abc "
        "word:-"},
    /* PDF numbers: sign, digits and period only, ending the token. */
    {PDF, ALL("1.5abc 1e2 -"), "num:1.5 word:abc num:1 word:e2 num:-"},
    /* Base-85 data may hold ">": only "~>" ends it. */
    {PS, ALL("<~a>b~> x"), "a85:a>b word:x"},
    {PS, ALL("<~ab"), "a85:ab..."},
    /* PDF has no base-85 strings: "<" opens a hexadecimal one. */
    {PDF, ALL("<~a>b~> x"), "hex:~a word:b~ stray:> word:x"},
    {PDF, ALL("<<>><ab"), "<<:<< >>:>> hex:ab..."},
    {PS, ALL("<"), "hex:..."},
    /* Nothing is read past len. */
    {PS, "(abc)", 3, "str:ab..."},
    {PS, "<ab>", 3, "hex:ab..."},
    {PS, "<~ab~>", 5, "a85:ab~..."},
    {PDF, ">>", 1, "stray:>"},
    {PDF, "<<", 1, "hex:..."},
    {PDF, "12345", 2, "num:12"},
    {PDF, "/abc", 1, "name:"},
    {PDF, "%abc\n", 3, "cmt:ab"},
};

static void
test_token_sequences(void)
{
	for (size_t i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]);
	     i++) {
		const struct token_case *c = &token_cases[i];
		ASSERT_STR_EQ(tokens(c->src, c->len, c->dialect), c->want);
	}
}

static void
test_number_values(void)
{
	struct fm_pslex lx;
	struct fm_pslex_token tok;
	static const char digits[] = "1234567890123456789012345678901234";

	fm_pslex_init(&lx, (const uint8_t *)"-2.5 1e2", 8, FM_PSLEX_POSTSCRIPT);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_TRUE(tok.num == -2.5);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_TRUE(tok.num == 100);
	ASSERT_FALSE(fm_pslex_next(&lx, &tok));

	/* Too long to be a PostScript number; PDF reads the first 31. */
	fm_pslex_init(&lx, (const uint8_t *)digits, sizeof(digits) - 1,
	    FM_PSLEX_POSTSCRIPT);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_INT_EQ(tok.kind, FM_PSLEX_WORD);
	fm_pslex_init(
	    &lx, (const uint8_t *)digits, sizeof(digits) - 1, FM_PSLEX_PDF);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_INT_EQ(tok.kind, FM_PSLEX_NUMBER);
	ASSERT_UINT_EQ(tok.len, sizeof(digits) - 1);
	ASSERT_TRUE(tok.num == strtod("1234567890123456789012345678901", NULL));
}

static void
test_positions_and_skips(void)
{
	static const char src[] = "1 image BINARY~> showpage";
	struct fm_pslex lx, ahead;
	struct fm_pslex_token tok;

	fm_pslex_init(
	    &lx, (const uint8_t *)src, sizeof(src) - 1, FM_PSLEX_POSTSCRIPT);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_UINT_EQ(tok.start, 0);
	/* A copy looks ahead without moving the original. */
	ahead = lx;
	ASSERT_TRUE(fm_pslex_next(&ahead, &tok));
	ASSERT_TRUE(fm_pslex_text_is(&tok, "image"));
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_TRUE(fm_pslex_text_is(&tok, "image"));
	ASSERT_UINT_EQ(tok.start, 2);
	ASSERT_UINT_EQ(lx.pos, 7);
	/* The caller skips data that is not tokens by moving pos. */
	lx.pos = (size_t)(strstr(src, "~>") - src) + 2;
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_TRUE(fm_pslex_text_is(&tok, "showpage"));
	ASSERT_FALSE(fm_pslex_next(&lx, &tok));
	lx.pos = 1000; /* past the end: the end */
	ASSERT_FALSE(fm_pslex_next(&lx, &tok));
	ASSERT_UINT_EQ(lx.pos, sizeof(src) - 1);
}

static void
test_text_helpers(void)
{
	struct fm_pslex lx;
	struct fm_pslex_token tok;
	char small[4];

	fm_pslex_init(&lx, (const uint8_t *)"/setrgbcolor", 12, FM_PSLEX_PDF);
	ASSERT_TRUE(fm_pslex_next(&lx, &tok));
	ASSERT_TRUE(fm_pslex_text_is(&tok, "setrgbcolor"));
	ASSERT_FALSE(fm_pslex_text_is(&tok, "setrgb"));
	ASSERT_FALSE(fm_pslex_text_is(&tok, "setrgbcolors"));
	ASSERT_STR_EQ(fm_pslex_text_copy(&tok, small, sizeof(small)), "set");
	ASSERT_TRUE(fm_pslex_is_space('\0'));
	ASSERT_FALSE(fm_pslex_is_space('a'));
	ASSERT_TRUE(fm_pslex_is_delim('%'));
	ASSERT_FALSE(fm_pslex_is_delim('#'));
}

static void
test_numbers_keep_the_last(void)
{
	struct fm_pslex_numbers nums;

	memset(&nums, 0, sizeof(nums));
	for (int i = 1; i <= FM_PSLEX_NUMBERS + 2; i++)
		fm_pslex_numbers_push(&nums, i);
	ASSERT_INT_EQ(nums.n, FM_PSLEX_NUMBERS);
	ASSERT_TRUE(nums.v[0] == 3);
	ASSERT_TRUE(nums.v[FM_PSLEX_NUMBERS - 1] == FM_PSLEX_NUMBERS + 2);
	fm_pslex_numbers_push(NULL, 1); /* no-op */
}

int
main(void)
{
	RUN(test_token_sequences);
	RUN(test_number_values);
	RUN(test_positions_and_skips);
	RUN(test_text_helpers);
	RUN(test_numbers_keep_the_last);
	return harness_done();
}
