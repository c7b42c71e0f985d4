/*
 * hex.c - bytes as hexadecimal text.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/hex.h"

static bool
encode(const void *buf, size_t len, char *out, size_t size, const char *digits)
{
	const uint8_t *p = buf;

	if (out == NULL)
		return false;
	/* len <= (size - 1) / 2, written so that 2 * len cannot wrap. */
	if (buf == NULL || size == 0 || len > (size - 1) / 2) {
		if (size > 0)
			out[0] = '\0';
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
	return true;
}

bool
fm_hex_encode(const void *buf, size_t len, char *out, size_t size)
{
	return encode(buf, len, out, size, "0123456789abcdef");
}

bool
fm_hex_encode_upper(const void *buf, size_t len, char *out, size_t size)
{
	return encode(buf, len, out, size, "0123456789ABCDEF");
}

bool
fm_hex_digit(char c, uint8_t *value)
{
	if (c >= '0' && c <= '9')
		*value = (uint8_t)(c - '0');
	else if (c >= 'a' && c <= 'f')
		*value = (uint8_t)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		*value = (uint8_t)(c - 'A' + 10);
	else
		return false;
	return true;
}

bool
fm_hex_decode(const char *s, uint8_t *out, size_t size)
{
	uint8_t hi, lo;

	if (s == NULL || (out == NULL && size > 0))
		return false;
	for (size_t i = 0; i < size; i++) {
		if (!fm_hex_digit(s[2 * i], &hi) ||
		    !fm_hex_digit(s[2 * i + 1], &lo))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}
