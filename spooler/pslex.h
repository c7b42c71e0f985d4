/*
 * pslex.h - a tokenizer for the PostScript syntax shared by PostScript
 * programs and PDF content streams: numbers, literal names, executable
 * names (operators), literal, hexadecimal and base-85 strings, the
 * brackets of arrays, procedures and dictionaries, and comments.
 *
 * The lexer is pure and bounded: it reads only buf[0..len), allocates
 * nothing, keeps no state but its position, and each call returns the
 * next token in time proportional to the token's length.  It does not
 * interpret anything (strings are not unescaped, names not decoded), so
 * the page analysers (pagecount-ps.c, pagecount-pdf.c) decide what
 * tokens mean.  Binary data that the syntax cannot describe (PostScript
 * image data read with currentfile, PDF inline images) is skipped by the
 * caller moving pos past it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PSLEX_H
#define FM_PSLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The two syntaxes differ in numbers and strings only.  PostScript: a
 * run of regular characters is a number when strtod(3) reads all of it
 * (so 1e5 is a number and a radix number such as 16#FF a name), and
 * "<~" opens a base-85 string.  PDF (ISO 32000-1, 7.3.3): a number is a
 * sign, digits and a period, and ends where another character starts
 * the next token; "<" always opens a hexadecimal string.
 */
enum fm_pslex_dialect {
	FM_PSLEX_POSTSCRIPT,
	FM_PSLEX_PDF,
};

enum fm_pslex_kind {
	FM_PSLEX_NUMBER,      /* num holds the value */
	FM_PSLEX_NAME,        /* a literal name: "/text" (text may be "") */
	FM_PSLEX_WORD,        /* an executable name or operator: "text" */
	FM_PSLEX_STRING,      /* "(text)", text still escaped */
	FM_PSLEX_HEX,         /* "<text>" */
	FM_PSLEX_BASE85,      /* "<~text~>" (PostScript only) */
	FM_PSLEX_ARRAY_OPEN,  /* "[" */
	FM_PSLEX_ARRAY_CLOSE, /* "]" */
	FM_PSLEX_PROC_OPEN,   /* "{" */
	FM_PSLEX_PROC_CLOSE,  /* "}" */
	FM_PSLEX_DICT_OPEN,   /* "<<" */
	FM_PSLEX_DICT_CLOSE,  /* ">>" */
	FM_PSLEX_COMMENT,     /* "%text" up to the end of the line */
	FM_PSLEX_STRAY,       /* a ")" or ">" that closes nothing */
};

/* Numbers longer than this are names (PostScript) or read up to it (PDF):
 * no real writer needs more digits, and a bound keeps a token cheap. */
#define FM_PSLEX_NUMBER_MAX 31

struct fm_pslex {
	const uint8_t *buf;
	size_t len;
	/* Offset of the next byte to read.  The caller may move it forward
	 * to skip data that is not tokens; at or past len the input ends. */
	size_t pos;
	enum fm_pslex_dialect dialect;
};

struct fm_pslex_token {
	enum fm_pslex_kind kind;
	const uint8_t *text; /* inside the delimiters; points into buf */
	size_t len;          /* of text */
	size_t start;        /* offset of the token's first byte in buf */
	double num;          /* FM_PSLEX_NUMBER only */
	bool unterminated;   /* a string that runs to the end of the data */
};

/*
 * 'fm_pslex_init()' - prepares *lx to tokenize len bytes at buf in the
 * given dialect, from the start.  buf is borrowed: it must outlive the
 * lexer and the tokens.  buf may be NULL only when len is 0.
 */
void fm_pslex_init(struct fm_pslex *lx, const uint8_t *buf, size_t len,
    enum fm_pslex_dialect dialect);

/*
 * 'fm_pslex_next()' - reads the token after lx->pos (white space is
 * skipped) into *tok and moves lx->pos past it.  Returns false, leaving
 * *tok undefined, when only white space is left.  Never fails otherwise:
 * malformed input gives FM_PSLEX_STRAY tokens or unterminated strings,
 * so a caller copes with damage as it sees fit.  A copy of *lx is a
 * lookahead that leaves the original where it was.
 */
bool fm_pslex_next(struct fm_pslex *lx, struct fm_pslex_token *tok);

/*
 * 'fm_pslex_is_space()' - true for PostScript white space: NUL, tab,
 * line feed, form feed, carriage return and space.
 */
bool fm_pslex_is_space(uint8_t c);

/*
 * 'fm_pslex_is_delim()' - true for the characters that end a name or
 * number and start another token: ( ) < > [ ] { } / %.
 */
bool fm_pslex_is_delim(uint8_t c);

/*
 * 'fm_pslex_text_is()' - true when tok's text is exactly the C string
 * word (whatever the token's kind).  word must not be NULL.
 */
bool fm_pslex_text_is(const struct fm_pslex_token *tok, const char *word);

/*
 * 'fm_pslex_text_copy()' - copies tok's text into out as a C string,
 * cut to size - 1 bytes; size must be at least 1.  Returns out.  A NUL
 * byte in the text (possible only in strings and comments) cuts it.
 */
char *fm_pslex_text_copy(
    const struct fm_pslex_token *tok, char *out, size_t size);

/*
 * The numbers read since the last operator, oldest first: the operands
 * an interpreter looks at when the operator comes.  Only the last
 * FM_PSLEX_NUMBERS are kept, enough for any colour operator; the caller
 * empties it (n = 0) at each operator.
 */
#define FM_PSLEX_NUMBERS 8

struct fm_pslex_numbers {
	double v[FM_PSLEX_NUMBERS];
	int n;
};

/*
 * 'fm_pslex_numbers_push()' - appends x to *nums, dropping the oldest
 * number when it is full.  NULL nums is a no-op.
 */
void fm_pslex_numbers_push(struct fm_pslex_numbers *nums, double x);

#endif
