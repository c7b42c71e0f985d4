/*
 * period.h - calendar dates and allocation periods.
 *
 * Dates are in the site's local time zone (TZ): a period "2026-10-01 to
 * 2026-10-31" runs from local midnight on the first day to local midnight
 * after the last.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FM_PERIOD_H
#define FM_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fm_period {
	FM_PERIOD_DAILY,
	FM_PERIOD_WEEKLY, /* ISO weeks, starting on Monday */
	FM_PERIOD_MONTHLY,
};

/* Room for a period key or a date, with NUL. */
#define FM_PERIOD_STRMAX 16

/*
 * 'fm_period_parse_date()' - parse len bytes of buf as YYYY-MM-DD (a real
 * calendar date, years 1970 to 9999) and store the UNIX time of local
 * midnight at its start in *start.  False on anything else.
 */
bool fm_period_parse_date(const char *buf, size_t len, int64_t *start);

/* 'fm_period_next_day()' - the UNIX time of local midnight starting the day
 * after the one that begins at day_start. */
int64_t fm_period_next_day(int64_t day_start);

/* 'fm_period_format_date()' - format the local date of t as YYYY-MM-DD into
 * buf; returns buf. */
const char *fm_period_format_date(int64_t t, char *buf, size_t size);

/* 'fm_period_parse()' - parse "daily", "weekly" or "monthly". */
bool fm_period_parse(const char *s, enum fm_period *out);

/* 'fm_period_name()' - the name of p ("daily", ...). */
const char *fm_period_name(enum fm_period p);

/*
 * 'fm_period_key()' - the name of the period of kind p that contains t:
 * "2026-11-22" (daily), "2026-W47" (weekly, ISO week-year), "2026-11"
 * (monthly).  Allocations use it as their idempotency key.
 */
const char *fm_period_key(enum fm_period p, int64_t t, char *buf, size_t size);

#endif
