/*
 * pslex.c - the PostScript/PDF tokenizer (pslex.h).
 *
 * Each token kind is read by one small function that starts at the
 * token's first byte and returns the offset after it; none looks past
 * len.  Strings nest and honour backslash escapes, as the PostScript
 * Language Reference (3.2.2) and ISO 32000-1 (7.3.4) define them, so a
 * ")" inside "(a\)b)" or "(a(b)c)" does not end the string.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "spooler/pslex.h"

/* Character classes: 1 white space, 2 delimiter, 0 regular. */
static const uint8_t cclass[256] = {
    [0] = 1,
    ['\t'] = 1,
    ['\n'] = 1,
    ['\f'] = 1,
    ['\r'] = 1,
    [' '] = 1,
    ['('] = 2,
    [')'] = 2,
    ['<'] = 2,
    ['>'] = 2,
    ['['] = 2,
    [']'] = 2,
    ['{'] = 2,
    ['}'] = 2,
    ['/'] = 2,
    ['%'] = 2,
};

bool
fm_pslex_is_space(uint8_t c)
{
	return cclass[c] == 1;
}

bool
fm_pslex_is_delim(uint8_t c)
{
	return cclass[c] == 2;
}

static bool
is_regular(uint8_t c)
{
	return cclass[c] == 0;
}

static bool
is_number_start(uint8_t c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

void
fm_pslex_init(struct fm_pslex *lx, const uint8_t *buf, size_t len,
    enum fm_pslex_dialect dialect)
{
	if (lx == NULL)
		return;
	lx->buf = buf;
	lx->len = buf != NULL ? len : 0;
	lx->pos = 0;
	lx->dialect = dialect;
}

static size_t
skip_regular(const struct fm_pslex *lx, size_t p)
{
	while (p < lx->len && is_regular(lx->buf[p]))
		p++;
	return p;
}

/* strtod() of at most FM_PSLEX_NUMBER_MAX bytes; *used gets how many it
 * read. */
static double
read_number(const uint8_t *d, size_t n, size_t *used)
{
	char num[FM_PSLEX_NUMBER_MAX + 1];
	char *end;
	double v;

	if (n > FM_PSLEX_NUMBER_MAX)
		n = FM_PSLEX_NUMBER_MAX;
	memcpy(num, d, n);
	num[n] = '\0';
	v = strtod(num, &end);
	*used = (size_t)(end - num);
	return v;
}

/*
 * A run of regular characters.  PostScript calls it a number only when
 * all of it reads as one; PDF numbers stop at the first character that
 * cannot be part of one, which then starts the next token.
 */
static size_t
lex_regular(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	const uint8_t *d = lx->buf;
	size_t used, end;

	tok->kind = FM_PSLEX_WORD;
	tok->text = d + p;
	if (lx->dialect == FM_PSLEX_PDF && is_number_start(d[p])) {
		end = p;
		while (end < lx->len && is_number_start(d[end]))
			end++;
		tok->kind = FM_PSLEX_NUMBER;
		tok->num = read_number(d + p, end - p, &used);
		tok->len = end - p;
		return end;
	}
	end = skip_regular(lx, p);
	tok->len = end - p;
	if (lx->dialect == FM_PSLEX_POSTSCRIPT && is_number_start(d[p]) &&
	    end - p <= FM_PSLEX_NUMBER_MAX) {
		double v = read_number(d + p, end - p, &used);
		if (used == end - p) {
			tok->kind = FM_PSLEX_NUMBER;
			tok->num = v;
		}
	}
	return end;
}

static size_t
lex_name(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	size_t end = skip_regular(lx, p + 1);

	tok->kind = FM_PSLEX_NAME;
	tok->text = lx->buf + p + 1;
	tok->len = end - p - 1;
	return end;
}

/* A literal string from its "(": nested parentheses balance, and a
 * backslash takes the next byte whatever it is. */
static size_t
lex_string(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	const uint8_t *d = lx->buf;
	size_t depth = 0;

	tok->kind = FM_PSLEX_STRING;
	tok->text = d + p + 1;
	for (; p < lx->len; p++) {
		if (d[p] == '\\') {
			p++;
			continue;
		}
		if (d[p] == '(') {
			depth++;
		} else if (d[p] == ')' && --depth == 0) {
			tok->len = p - tok->start - 1;
			return p + 1;
		}
	}
	tok->unterminated = true;
	tok->len = lx->len - tok->start - 1;
	return lx->len;
}

/* From "<": a dictionary bracket, a hexadecimal string or (PostScript)
 * a base-85 one. */
static size_t
lex_angle(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	const uint8_t *d = lx->buf, *e;
	size_t rest = lx->len - p - 1;

	if (rest > 0 && d[p + 1] == '<') {
		tok->kind = FM_PSLEX_DICT_OPEN;
		tok->text = d + p;
		tok->len = 2;
		return p + 2;
	}
	if (lx->dialect == FM_PSLEX_POSTSCRIPT && rest > 0 && d[p + 1] == '~') {
		tok->kind = FM_PSLEX_BASE85;
		tok->text = d + p + 2;
		e = memmem(d + p + 2, rest - 1, "~>", 2);
		if (e == NULL) {
			tok->unterminated = true;
			tok->len = rest - 1;
			return lx->len;
		}
		tok->len = (size_t)(e - tok->text);
		return (size_t)(e - d) + 2;
	}
	tok->kind = FM_PSLEX_HEX;
	tok->text = d + p + 1;
	e = memchr(d + p + 1, '>', rest);
	if (e == NULL) {
		tok->unterminated = true;
		tok->len = rest;
		return lx->len;
	}
	tok->len = (size_t)(e - tok->text);
	return (size_t)(e - d) + 1;
}

static size_t
lex_comment(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	tok->kind = FM_PSLEX_COMMENT;
	tok->text = lx->buf + p + 1;
	p++;
	while (p < lx->len && lx->buf[p] != '\n' && lx->buf[p] != '\r')
		p++;
	tok->len = p - tok->start - 1;
	return p;
}

/* A one- or two-byte bracket, or a closing byte that closes nothing. */
static size_t
lex_bracket(const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok)
{
	static const char single[] = "[]{}";
	static const enum fm_pslex_kind kinds[] = {FM_PSLEX_ARRAY_OPEN,
	    FM_PSLEX_ARRAY_CLOSE, FM_PSLEX_PROC_OPEN, FM_PSLEX_PROC_CLOSE};
	const char *k = memchr(single, lx->buf[p], 4);

	tok->text = lx->buf + p;
	tok->len = 1;
	if (k != NULL) {
		tok->kind = kinds[k - single];
	} else if (lx->buf[p] == '>' && p + 1 < lx->len &&
	    lx->buf[p + 1] == '>') {
		tok->kind = FM_PSLEX_DICT_CLOSE;
		tok->len = 2;
	} else {
		tok->kind = FM_PSLEX_STRAY;
	}
	return p + tok->len;
}

/* The reader of a token by its first byte; a regular byte starts a name
 * or a number (lex_regular). */
typedef size_t lex_fn(
    const struct fm_pslex *lx, size_t p, struct fm_pslex_token *tok);

static lex_fn *const lexers[256] = {
    ['/'] = lex_name,
    ['('] = lex_string,
    ['<'] = lex_angle,
    ['%'] = lex_comment,
    [')'] = lex_bracket,
    ['>'] = lex_bracket,
    ['['] = lex_bracket,
    [']'] = lex_bracket,
    ['{'] = lex_bracket,
    ['}'] = lex_bracket,
};

bool
fm_pslex_next(struct fm_pslex *lx, struct fm_pslex_token *tok)
{
	lex_fn *lex;
	size_t p;

	if (lx == NULL || tok == NULL)
		return false;
	p = lx->pos;
	while (p < lx->len && fm_pslex_is_space(lx->buf[p]))
		p++;
	if (p >= lx->len) {
		lx->pos = lx->len;
		return false;
	}
	memset(tok, 0, sizeof(*tok));
	tok->start = p;
	lex = lexers[lx->buf[p]] != NULL ? lexers[lx->buf[p]] : lex_regular;
	lx->pos = lex(lx, p, tok);
	return true;
}

bool
fm_pslex_text_is(const struct fm_pslex_token *tok, const char *word)
{
	size_t n;

	if (tok == NULL || word == NULL)
		return false;
	n = strlen(word);
	return tok->len == n && memcmp(tok->text, word, n) == 0;
}

char *
fm_pslex_text_copy(const struct fm_pslex_token *tok, char *out, size_t size)
{
	size_t n;

	if (out == NULL || size == 0)
		return out;
	n = tok != NULL ? tok->len : 0;
	if (n > size - 1)
		n = size - 1;
	if (n > 0)
		memcpy(out, tok->text, n);
	out[n] = '\0';
	return out;
}

void
fm_pslex_numbers_push(struct fm_pslex_numbers *nums, double x)
{
	if (nums == NULL)
		return;
	if (nums->n >= FM_PSLEX_NUMBERS) {
		memmove(nums->v, nums->v + 1,
		    (FM_PSLEX_NUMBERS - 1) * sizeof(nums->v[0]));
		nums->n = FM_PSLEX_NUMBERS - 1;
	}
	nums->v[nums->n++] = x;
}
