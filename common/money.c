/*
 * money.c - parsing and formatting amounts in minor units.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "common/money.h"

#include <inttypes.h>
#include <stdio.h>

bool
fm_money_parse(const char *buf, size_t len, bool allow_negative, int64_t *out)
{
	int64_t units = 0, cents = 0;
	size_t i = 0, digits = 0, decimals = 0;
	bool neg = false;

	if (buf == NULL || out == NULL || len == 0)
		return false;
	if (buf[0] == '-' || buf[0] == '+') {
		neg = buf[0] == '-';
		i++;
	}
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) {
		/* Checked before it can overflow: FM_MONEY_MAX / 100 is far
		 * below INT64_MAX / 10. */
		units = units * 10 + (buf[i] - '0');
		if (units > FM_MONEY_MAX / 100)
			return false;
	}
	if (digits == 0)
		return false;
	if (i < len && buf[i] == '.') {
		for (i++; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
			if (++decimals > 2)
				return false;
			cents = cents * 10 + (buf[i] - '0');
		}
		if (decimals == 0)
			return false;
		if (decimals == 1)
			cents *= 10;
	}
	if (i != len)
		return false;
	units = units * 100 + cents;
	if (units > FM_MONEY_MAX || (neg && units != 0 && !allow_negative))
		return false;
	*out = neg ? -units : units;
	return true;
}

const char *
fm_money_format(int64_t amount, char *buf, size_t size)
{
	/* Work in unsigned so that INT64_MIN has a magnitude too. */
	uint64_t mag =
	    amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;

	snprintf(buf, size, "%s%" PRIu64 ".%02" PRIu64, amount < 0 ? "-" : "",
	    mag / 100, mag % 100);
	return buf;
}
