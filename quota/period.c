/*
 * period.c - dates and period keys, in local time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int
days_in_month(int y, int m)
{
	static const int days[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static bool
digits(const char *p, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

static int64_t
local_midnight(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

bool
fm_period_parse_date(const char *buf, size_t len, int64_t *start)
{
	int y, m, d;
	int64_t t;

	if (buf == NULL || start == NULL || len != 10 || buf[4] != '-' ||
	    buf[7] != '-')
		return false;
	if (!digits(buf, 4, &y) || !digits(buf + 5, 2, &m) ||
	    !digits(buf + 8, 2, &d))
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	if ((t = local_midnight(y, m, d)) == -1)
		return false;
	*start = t;
	return true;
}

int64_t
fm_period_next_day(int64_t day_start)
{
	time_t tt = (time_t)day_start;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL)
		return day_start + 86400;
	/* mktime normalises the 32nd and copes with DST days of 23 or 25
	 * hours, which adding 86400 would not. */
	return local_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday + 1);
}

const char *
fm_period_format_date(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "?");
	return buf;
}

bool
fm_period_parse(const char *s, enum fm_period *out)
{
	for (int p = FM_PERIOD_DAILY; p <= FM_PERIOD_MONTHLY; p++)
		if (s != NULL && strcmp(s, fm_period_name(p)) == 0) {
			*out = p;
			return true;
		}
	return false;
}

const char *
fm_period_name(enum fm_period p)
{
	switch (p) {
	case FM_PERIOD_DAILY:
		return "daily";
	case FM_PERIOD_WEEKLY:
		return "weekly";
	case FM_PERIOD_MONTHLY:
		return "monthly";
	}
	return "?";
}

const char *
fm_period_key(enum fm_period p, int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	/* Literal formats, so the compiler can check them. */
	if (localtime_r(&tt, &tm) != NULL) {
		switch (p) {
		case FM_PERIOD_DAILY:
			n = strftime(buf, size, "%Y-%m-%d", &tm);
			break;
		case FM_PERIOD_WEEKLY:
			n = strftime(buf, size, "%G-W%V", &tm);
			break;
		case FM_PERIOD_MONTHLY:
			n = strftime(buf, size, "%Y-%m", &tm);
			break;
		}
	}
	if (n == 0)
		snprintf(buf, size, "?");
	return buf;
}
