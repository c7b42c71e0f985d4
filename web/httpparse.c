/*
 * httpparse.c - form bodies, Accept-Language, session ids and API
 * tokens.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "web/httpparse.h"

#include <string.h>

#include "common/hex.h"

/* Decodes one form field (len bytes at s) into out (size bytes, with the
 * NUL); false on a bad escape, a decoded NUL, or no room. */
static bool
decode_field(const char *s, size_t len, char *out, size_t size, size_t *outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		uint8_t hi, lo;

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= len || !fm_hex_digit(s[i + 1], &hi) ||
			    !fm_hex_digit(s[i + 2], &lo))
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0' || n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	*outlen = n;
	return true;
}

bool
fm_web_parse_form(
    const char *buf, size_t len, struct fm_web_request *r, const char **errstr)
{
	static char name[FM_WEB_TEXTMAX], value[FM_WEB_VALUEMAX];
	size_t at = 0;

	*errstr = NULL;
	while (at < len) {
		const char *pair = buf + at, *amp, *eq;
		size_t plen, nlen, vlen;

		amp = memchr(pair, '&', len - at);
		plen = amp ? (size_t)(amp - pair) : len - at;
		at += plen + (amp ? 1 : 0);
		if (plen == 0)
			continue;
		if ((eq = memchr(pair, '=', plen)) == NULL) {
			*errstr = "a form field without a value";
			return false;
		}
		if (!decode_field(
		        pair, (size_t)(eq - pair), name, sizeof(name), &nlen) ||
		    !decode_field(eq + 1, plen - (size_t)(eq - pair) - 1, value,
		        sizeof(value), &vlen)) {
			*errstr = "a form field that cannot be decoded";
			return false;
		}
		if (nlen == 0 || !fm_web_request_add(r, name, value, vlen)) {
			*errstr = "too many or too long form fields";
			return false;
		}
	}
	return true;
}

/* Reads a weight "q=0.8" (len bytes at s) as thousandths; -1 if bad. */
static int
weight(const char *s, size_t len)
{
	int q = 0, digits = 0;
	size_t i = 2;

	if (len < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	if (s[i] != '0' && s[i] != '1')
		return -1;
	q = (s[i++] - '0') * 1000;
	if (i < len && s[i] == '.')
		for (i++; i < len && digits < 3; i++, digits++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			q += (s[i] - '0') *
			    (digits == 0          ? 100
			            : digits == 1 ? 10
			                          : 1);
		}
	if (i != len || q > 1000)
		return -1;
	return q;
}

/* Trims spaces and tabs from both ends of [*s, *s + *len). */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

const char *
fm_web_parse_language(const char *buf, size_t len)
{
	const char *best = "";
	int best_q = 0;
	size_t at = 0;

	while (buf != NULL && at < len) {
		const char *item = buf + at, *comma, *semi;
		size_t ilen, tlen;
		int q = 1000;

		comma = memchr(item, ',', len - at);
		ilen = comma ? (size_t)(comma - item) : len - at;
		at += ilen + (comma ? 1 : 0);
		semi = memchr(item, ';', ilen);
		tlen = semi ? (size_t)(semi - item) : ilen;
		if (semi != NULL) {
			const char *p = semi + 1;
			size_t plen = ilen - tlen - 1;
			trim(&p, &plen);
			if ((q = weight(p, plen)) < 0)
				continue;
		}
		trim(&item, &tlen);
		/* "fr", "fr-FR", "fr-CA": the primary tag decides. */
		if (tlen < 2 || (tlen > 2 && item[2] != '-') || q <= best_q)
			continue;
		if ((item[0] | 0x20) == 'f' && (item[1] | 0x20) == 'r')
			best = "fr", best_q = q;
		else if ((item[0] | 0x20) == 'e' && (item[1] | 0x20) == 'n')
			best = "en", best_q = q;
	}
	return best;
}

bool
fm_web_parse_id(const char *buf, size_t len, uint8_t id[FM_WEB_IDLEN])
{
	if (buf == NULL || len != 2 * FM_WEB_IDLEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		        (buf[i] >= 'a' && buf[i] <= 'f')))
			return false;
	return fm_hex_decode(buf, id, FM_WEB_IDLEN);
}

bool
fm_web_parse_release_path(const char *buf, size_t len)
{
	static const char prefix[] = "/release/";
	size_t n = sizeof(prefix) - 1;

	if (buf == NULL || len <= n || len - n > 63 ||
	    memcmp(buf, prefix, n) != 0)
		return false;
	for (size_t i = n; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		/* ASCII, whatever the locale says of letters. */
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

enum fm_web_bearer
fm_web_parse_bearer(const char *buf, size_t len, uint8_t token[FM_WEB_TOKENLEN])
{
	static const char scheme[] = "bearer";
	const size_t ns = sizeof(scheme) - 1;
	const size_t np = sizeof(FM_WEB_TOKEN_PREFIX) - 1;
	size_t i, start;

	if (buf == NULL || token == NULL || len < ns ||
	    (len > ns && buf[ns] != ' '))
		return FM_WEB_BEARER_NONE;
	for (i = 0; i < ns; i++)
		if ((buf[i] | 0x20) != scheme[i])
			return FM_WEB_BEARER_NONE;
	while (i < len && buf[i] == ' ')
		i++;
	/* What follows the token may only be spaces and tabs. */
	while (len > i && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	start = i;
	if (len - start != np + 2 * FM_WEB_TOKENLEN ||
	    memcmp(buf + start, FM_WEB_TOKEN_PREFIX, np) != 0)
		return FM_WEB_BEARER_BAD;
	for (i = start + np; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		        (buf[i] >= 'a' && buf[i] <= 'f')))
			return FM_WEB_BEARER_BAD;
	return fm_hex_decode(buf + start + np, token, FM_WEB_TOKENLEN)
	    ? FM_WEB_BEARER_TOKEN
	    : FM_WEB_BEARER_BAD;
}
