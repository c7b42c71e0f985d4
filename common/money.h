/*
 * money.h - amounts of money as int64 minor units (cents), never floats.
 *
 * A site has one currency with two decimal places; "1.25" is 125.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_MONEY_H
#define FM_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest amount accepted from text: 10^15 minor units. */
#define FM_MONEY_MAX INT64_C(1000000000000000)

/* Room for any formatted amount, with sign and NUL. */
#define FM_MONEY_STRMAX 32

/*
 * 'fm_money_parse()' - parse len bytes of buf as an amount: an optional
 * sign, digits, and optionally '.' and one or two more digits ("3",
 * "-0.4", "12.05").  Nothing else is allowed (no spaces, exponents or
 * thousands separators).  Negative amounts only if allow_negative.
 * Returns false, leaving *out alone, on anything else or if the amount
 * exceeds FM_MONEY_MAX.
 */
bool fm_money_parse(
    const char *buf, size_t len, bool allow_negative, int64_t *out);

/*
 * 'fm_money_format()' - write amount as "-12.05" into buf (at least
 * FM_MONEY_STRMAX bytes) and return buf.
 */
const char *fm_money_format(int64_t amount, char *buf, size_t size);

#endif
