/*
 * media.c - paper sizes from their names (media.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/media.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Ten metres: no paper is larger, and products stay far from overflow. */
#define MAX_HMM 1000000

/* Units a dimension may be written in, per 10^4 of the unit, in
 * hundredths of a millimetre: a ratio num / den. */
struct unit {
	const char *suffix;
	int64_t num, den;
};

static const struct unit mm = {"mm", 100, 10000};
static const struct unit cm = {"cm", 1000, 10000};
static const struct unit in = {"in", 2540, 10000};
static const struct unit pt = {"", 2540, 720000};

/*
 * The PPD names CUPS and its drivers use (the Adobe PPD specification's
 * and CUPS's own), in hundredths of a millimetre.  "B4" and "B5" are the
 * JIS sizes there; the ISO ones are "ISOB4" and "ISOB5".
 */
static const struct {
	const char *name;
	int32_t width, length;
} ppd_sizes[] = {
    {"A0", 84100, 118900},
    {"A1", 59400, 84100},
    {"A2", 42000, 59400},
    {"A3", 29700, 42000},
    {"A4", 21000, 29700},
    {"A5", 14800, 21000},
    {"A6", 10500, 14800},
    {"B4", 25700, 36400},
    {"B5", 18200, 25700},
    {"ISOB4", 25000, 35300},
    {"ISOB5", 17600, 25000},
    {"RA3", 30500, 43000},
    {"SRA3", 32000, 45000},
    {"RA4", 21500, 30500},
    {"SRA4", 22500, 32000},
    {"Letter", 21590, 27940},
    {"Legal", 21590, 35560},
    {"Tabloid", 27940, 43180},
    {"Ledger", 27940, 43180},
    {"11x17", 27940, 43180},
    {"Executive", 18415, 26670},
    {"Statement", 13970, 21590},
    {"EnvDL", 11000, 22000},
    {"EnvC5", 16200, 22900},
    {"Env10", 10478, 24130},
};

/* PPD suffixes that change the margins or the feed, not the size. */
static const char *const ppd_suffixes[] = {
    ".Fullbleed", ".Transverse", "Small", "Rotated"};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A decimal number ("8.5", "210") at the start of s[0..n): its value in
 * 10^-4 of its unit into *v, how many bytes it took, or 0 if none.
 * Digits beyond the fourth decimal are read and dropped.
 */
static size_t
number(const char *s, size_t n, int64_t *v)
{
	size_t i = 0;
	int64_t x = 0;
	int decimals = -1;

	for (; i < n && (is_digit(s[i]) || (s[i] == '.' && decimals < 0));
	     i++) {
		if (s[i] == '.') {
			decimals = 0;
			continue;
		}
		if (decimals >= 4)
			continue;
		if (x > INT64_C(1) << 40)
			return 0; /* far past any paper */
		x = x * 10 + (s[i] - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (i == 0 || !is_digit(s[0]) || !is_digit(s[i - 1]))
		return 0;
	for (int d = decimals < 0 ? 0 : decimals; d < 4; d++)
		x *= 10;
	*v = x;
	return i;
}

/* v (10^-4 of unit u) in hundredths of a millimetre, rounded; -1 when
 * out of range. */
static int32_t
to_hmm(int64_t v, const struct unit *u)
{
	int64_t h;

	if (v > INT64_C(1) << 40)
		return -1;
	h = (v * u->num + u->den / 2) / u->den;
	return h <= 0 || h > MAX_HMM ? -1 : (int32_t)h;
}

/* "WxH" followed by exactly one of units (NULL-terminated), the whole of
 * s[0..n); the default unit when units has "" and nothing follows. */
static bool
dimensions(const char *s, size_t n, const struct unit *const *units, int32_t *w,
    int32_t *h)
{
	int64_t a, b;
	size_t i, j;

	if ((i = number(s, n, &a)) == 0 || i >= n ||
	    (s[i] != 'x' && s[i] != 'X'))
		return false;
	i++;
	if ((j = number(s + i, n - i, &b)) == 0)
		return false;
	i += j;
	for (; *units != NULL; units++) {
		size_t ul = strlen((*units)->suffix);
		if (n - i == ul &&
		    strncasecmp(s + i, (*units)->suffix, ul) == 0) {
			*w = to_hmm(a, *units);
			*h = to_hmm(b, *units);
			return *w > 0 && *h > 0;
		}
	}
	return false;
}

/* The short side first. */
static void
set_size(struct fm_media *m, int32_t w, int32_t h)
{
	m->width = w < h ? w : h;
	m->length = w < h ? h : w;
}

/* A name for people from a self-describing name's middle part: "a4",
 * "ra3", "b4" read as "A4", "RA3", "B4"; "ledger" as "Ledger". */
static void
pwg_name(const char *s, size_t n, char *out, size_t size)
{
	size_t letters = 0, i;
	bool series;

	if (n >= size)
		n = size - 1;
	while (letters < n && s[letters] >= 'a' && s[letters] <= 'z')
		letters++;
	series = letters >= 1 && letters <= 3 && letters < n;
	for (i = letters; series && i < n; i++)
		series = is_digit(s[i]);
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((series || i == 0) && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		/* Only what a screen shows safely. */
		out[i] = (c > ' ' && c < 0x7f) ? c : '?';
	}
	out[n] = '\0';
}

/* A self-describing name: class_name_WxH(mm|in). */
static bool
parse_pwg(const char *s, size_t n, struct fm_media *out)
{
	static const struct unit *const units[] = {&mm, &in, NULL};
	const char *first = memchr(s, '_', n), *last = NULL;
	int32_t w, h;

	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '_') {
			last = s + i - 1;
			break;
		}
	if (first == NULL || last == first || first == s ||
	    !dimensions(last + 1, (size_t)(s + n - last - 1), units, &w, &h))
		return false;
	set_size(out, w, h);
	pwg_name(first + 1, (size_t)(last - first - 1), out->name,
	    sizeof(out->name));
	return true;
}

/* CUPS's custom size: Custom.WxH, in points unless a unit follows. */
static bool
parse_custom(const char *s, size_t n, struct fm_media *out)
{
	static const struct unit *const units[] = {&mm, &cm, &in, &pt, NULL};
	int32_t w, h;

	if (n < 7 || strncasecmp(s, "Custom.", 7) != 0 ||
	    !dimensions(s + 7, n - 7, units, &w, &h))
		return false;
	set_size(out, w, h);
	snprintf(out->name, sizeof(out->name), "Custom");
	return true;
}

static bool
parse_ppd(const char *s, size_t n, struct fm_media *out)
{
	for (size_t k = 0; k < sizeof(ppd_suffixes) / sizeof(*ppd_suffixes);
	     k++) {
		size_t sl = strlen(ppd_suffixes[k]);
		if (n > sl &&
		    strncasecmp(s + n - sl, ppd_suffixes[k], sl) == 0) {
			n -= sl;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(ppd_sizes) / sizeof(*ppd_sizes); i++)
		if (strlen(ppd_sizes[i].name) == n &&
		    strncasecmp(s, ppd_sizes[i].name, n) == 0) {
			set_size(out, ppd_sizes[i].width, ppd_sizes[i].length);
			snprintf(out->name, sizeof(out->name), "%s",
			    ppd_sizes[i].name);
			return true;
		}
	return false;
}

bool
fm_media_parse(const char *buf, size_t len, struct fm_media *out)
{
	struct fm_media m;
	size_t at = 0;

	if (buf == NULL || out == NULL)
		return false;
	while (at < len) {
		const char *s = buf + at;
		const char *comma = memchr(s, ',', len - at);
		size_t n = comma ? (size_t)(comma - s) : len - at;

		memset(&m, 0, sizeof(m));
		if (n > 0 && memchr(s, '\0', n) == NULL &&
		    (parse_pwg(s, n, &m) || parse_custom(s, n, &m) ||
		        parse_ppd(s, n, &m))) {
			*out = m;
			return true;
		}
		at += n + 1;
	}
	return false;
}

/* Hundredths of a millimetre as "210" or "215.9". */
static void
mm_text(int32_t hmm, char *buf, size_t size)
{
	int32_t tenths = (hmm + 5) / 10;

	if (tenths % 10 == 0)
		snprintf(buf, size, "%d", tenths / 10);
	else
		snprintf(buf, size, "%d.%d", tenths / 10, tenths % 10);
}

const char *
fm_media_describe(const struct fm_media *m, char *buf, size_t size)
{
	char w[16], l[16];

	if (buf == NULL || size == 0)
		return buf;
	if (m == NULL) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	mm_text(m->width, w, sizeof(w));
	mm_text(m->length, l, sizeof(l));
	snprintf(buf, size, "%s (%s x %s mm)", m->name, w, l);
	return buf;
}
