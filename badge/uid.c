/*
 * uid.c - badge identifiers: normalisation to the site's canonical text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include "badge/uid.h"
#include "common/hex.h"

static bool
has_prefix(const char *buf, size_t len, size_t *pos, const char *word)
{
	size_t n = strlen(word);

	if (len - *pos < n || memcmp(buf + *pos, word, n) != 0)
		return false;
	*pos += n;
	return true;
}

bool
fm_uid_format_parse(
    const char *buf, size_t len, struct fm_uid_format *fmt, const char **errstr)
{
	struct fm_uid_format f = {FM_UID_HEX_UPPER, false, 0};
	size_t pos = 0;
	unsigned max;

	if (buf == NULL || fmt == NULL) {
		if (errstr)
			*errstr = "no format given";
		return false;
	}
	/* "hex-lower" before "hex": the longer word wins. */
	if (has_prefix(buf, len, &pos, "hex-lower"))
		f.base = FM_UID_HEX_LOWER;
	else if (has_prefix(buf, len, &pos, "hex"))
		f.base = FM_UID_HEX_UPPER;
	else if (has_prefix(buf, len, &pos, "decimal"))
		f.base = FM_UID_DECIMAL;
	else {
		if (errstr)
			*errstr = "format must start with hex, hex-lower or "
			          "decimal";
		return false;
	}
	if (has_prefix(buf, len, &pos, "-reversed"))
		f.reversed = true;
	if (pos < len && buf[pos] == ':') {
		unsigned long n = 0;
		size_t digits = 0;

		pos++;
		while (pos < len && buf[pos] >= '0' && buf[pos] <= '9' &&
		    digits < 3) {
			n = n * 10 + (unsigned long)(buf[pos] - '0');
			pos++;
			digits++;
		}
		max = f.base == FM_UID_DECIMAL ? FM_UID_DIGITSMAX : FM_UID_MAX;
		if (digits == 0 || n == 0 || n > max) {
			if (errstr)
				*errstr = "width must be 1..16 bytes (hex) or "
				          "1..40 digits (decimal)";
			return false;
		}
		f.width = (unsigned)n;
	}
	if (pos != len) {
		if (errstr)
			*errstr = "unexpected text after the format "
			          "(expected -reversed or :N)";
		return false;
	}
	*fmt = f;
	return true;
}

/*
 * Decimal digits of the big-endian number in num[0..len-1], least
 * significant first, by repeated division by 10 (schoolbook long division
 * over bytes: at most 16 bytes, so quadratic cost does not matter).
 * Returns the digit count (at least 1).
 */
static size_t
to_decimal(const uint8_t *bytes, size_t len, char *digits, size_t max)
{
	uint8_t num[FM_UID_MAX];
	size_t n = 0, i;
	bool zero;

	memcpy(num, bytes, len);
	do {
		unsigned rem = 0;

		zero = true;
		for (i = 0; i < len; i++) {
			unsigned cur = rem * 256 + num[i];

			num[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (num[i] != 0)
				zero = false;
		}
		if (n < max)
			digits[n++] = (char)('0' + rem);
	} while (!zero);
	return n;
}

bool
fm_uid_normalise(const uint8_t *uid, size_t len,
    const struct fm_uid_format *fmt, char *out, size_t outlen)
{
	uint8_t b[FM_UID_MAX];
	char digits[FM_UID_DIGITSMAX + 8];
	size_t i, n, width, start;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (uid == NULL || fmt == NULL || out == NULL || len == 0 ||
	    len > FM_UID_MAX)
		return false;
	for (i = 0; i < len; i++)
		b[i] = fmt->reversed ? uid[len - 1 - i] : uid[i];

	if (fmt->base == FM_UID_DECIMAL) {
		/* 16 bytes have at most 39 digits: digits[] always holds all.
		 */
		n = to_decimal(b, len, digits, sizeof(digits));
		width = fmt->width ? fmt->width : n;
		if (width + 1 > outlen || width > FM_UID_DIGITSMAX + 8)
			return false;
		/* digits[] is little-endian; pad or keep the low digits. */
		for (i = 0; i < width; i++) {
			size_t d = width - 1 - i;

			out[i] = d < n ? digits[d] : '0';
		}
		out[width] = '\0';
		return true;
	}

	width = fmt->width ? fmt->width : len;
	if (width * 2 + 1 > outlen)
		return false;
	/* Left-pad with zero bytes, or keep the low (last) width bytes. */
	n = width > len ? width - len : 0;
	memset(out, '0', 2 * n);
	start = len - (width - n);
	return fmt->base == FM_UID_HEX_LOWER
	    ? fm_hex_encode(b + start, width - n, out + 2 * n, outlen - 2 * n)
	    : fm_hex_encode_upper(
	          b + start, width - n, out + 2 * n, outlen - 2 * n);
}

bool
fm_uid_from_text(const char *buf, size_t len, enum fm_uid_input in,
    uint8_t *uid, size_t *uidlen, const char **errstr)
{
	uint8_t num[FM_UID_MAX];
	size_t i, n;

	if (buf == NULL || uid == NULL || uidlen == NULL) {
		if (errstr)
			*errstr = "no text given";
		return false;
	}
	while (len > 0 && (buf[0] == ' ' || buf[0] == '\t')) {
		buf++;
		len--;
	}
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len == 0 || len > FM_UID_TEXTMAX) {
		if (errstr)
			*errstr = len == 0 ? "empty card number"
			                   : "card number too long";
		return false;
	}

	if (in == FM_UID_INPUT_HEX) {
		/* An odd count means a leading zero nibble. */
		size_t nbytes = (len + 1) / 2, odd = len % 2;

		if (nbytes > FM_UID_MAX)
			goto toolong;
		memset(uid, 0, nbytes);
		for (i = 0; i < len; i++) {
			size_t nib = i + odd;
			uint8_t v;

			if (!fm_hex_digit(buf[i], &v)) {
				if (errstr)
					*errstr = "card number is not hex";
				return false;
			}
			uid[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
		}
		*uidlen = nbytes;
		return true;
	}

	/* Decimal: num = num * 10 + digit over a big-endian byte array. */
	memset(num, 0, sizeof(num));
	for (i = 0; i < len; i++) {
		unsigned carry;
		size_t j;

		if (buf[i] < '0' || buf[i] > '9') {
			if (errstr)
				*errstr = "card number is not decimal";
			return false;
		}
		carry = (unsigned)(buf[i] - '0');
		for (j = FM_UID_MAX; j-- > 0;) {
			unsigned cur = num[j] * 10u + carry;

			num[j] = (uint8_t)(cur & 0xff);
			carry = cur >> 8;
		}
		if (carry != 0)
			goto toolong;
	}
	for (n = 0; n < FM_UID_MAX - 1 && num[n] == 0; n++)
		;
	*uidlen = FM_UID_MAX - n;
	memcpy(uid, num + n, *uidlen);
	return true;
toolong:
	if (errstr)
		*errstr = "card number too large";
	return false;
}

bool
fm_uid_input_parse(const char *buf, size_t len, enum fm_uid_input *in)
{
	if (buf == NULL || in == NULL)
		return false;
	if (len == 7 && memcmp(buf, "decimal", 7) == 0) {
		*in = FM_UID_INPUT_DECIMAL;
		return true;
	}
	if (len == 3 && memcmp(buf, "hex", 3) == 0) {
		*in = FM_UID_INPUT_HEX;
		return true;
	}
	return false;
}
