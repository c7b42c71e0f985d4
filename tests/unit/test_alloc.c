/*
 * test_alloc.c - unit tests for quota/alloc.c: periods, caps, idempotency.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "quota/accounts.h"
#include "quota/alloc.h"
#include "quota/depts.h"
#include "quota/ledger.h"
#include "quota/users.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

#define MON INT64_C(1763942400) /* 2025-11-24, a Monday, 00:00 UTC */
#define DAY INT64_C(86400)

static int64_t
balance(fm_store_t *s, int64_t id)
{
	struct fm_account a;

	return fm_accounts_get(s, id, &a) ? a.balance : -999999;
}

static int64_t
account(fm_store_t *s, const char *login)
{
	struct fm_account a;
	const char *errstr;

	if (!fm_users_add(s, login, "", NULL, &errstr))
		return -1;
	return fm_accounts_find(s, "user", login, &a) ? a.id : -1;
}

static bool
run(fm_store_t *s, int64_t now, int *credited)
{
	const char *errstr = NULL;

	fm_store_set_now(s, now);
	return fm_alloc_run(s, now, credited, &errstr);
}

static void
test_periods(fm_store_t *s)
{
	const char *errstr = NULL;
	int64_t d, w, m;
	int n = -1;

	ASSERT_TRUE((d = account(s, "daily")) > 0);
	ASSERT_TRUE((w = account(s, "weekly")) > 0);
	ASSERT_TRUE((m = account(s, "monthly")) > 0);
	ASSERT_TRUE(fm_alloc_set(s, d, 100, FM_PERIOD_DAILY, 0, &errstr));
	ASSERT_TRUE(fm_alloc_set(s, w, 1000, FM_PERIOD_WEEKLY, 0, &errstr));
	ASSERT_TRUE(fm_alloc_set(s, m, 5000, FM_PERIOD_MONTHLY, 0, &errstr));
	ASSERT_TRUE(run(s, MON + 3600, &n));
	ASSERT_INT_EQ(n, 3);
	/* Twice in the same period: nothing more. */
	ASSERT_TRUE(run(s, MON + 7200, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(balance(s, d), 100);
	/* Every day of the week: daily credits each day, weekly once. */
	for (int i = 1; i < 7; i++)
		ASSERT_TRUE(run(s, MON + i * DAY + 60, &n));
	ASSERT_INT_EQ(balance(s, d), 700);
	ASSERT_INT_EQ(balance(s, w), 1000);
	ASSERT_INT_EQ(balance(s, m), 5000);
	/* The last second of November, then 2025-12-01: a new week and a
	 * new month. */
	ASSERT_TRUE(run(s, MON + 7 * DAY - 1, &n));
	ASSERT_INT_EQ(balance(s, m), 5000);
	ASSERT_INT_EQ(balance(s, w), 1000);
	ASSERT_TRUE(run(s, MON + 7 * DAY, &n));
	ASSERT_INT_EQ(balance(s, w), 2000);
	ASSERT_INT_EQ(balance(s, m), 10000);
	ASSERT_TRUE(run(s, MON + 8 * DAY, &n)); /* 2025-12-02 */
	ASSERT_INT_EQ(balance(s, m), 10000);
	ASSERT_INT_EQ(balance(s, d), 900);
}

static void
test_cap(fm_store_t *s)
{
	const char *errstr = NULL;
	int64_t a;
	int n;

	ASSERT_TRUE((a = account(s, "capped")) > 0);
	ASSERT_TRUE(fm_alloc_set(s, a, 400, FM_PERIOD_DAILY, 1000, &errstr));
	ASSERT_TRUE(run(s, MON, &n));
	ASSERT_TRUE(run(s, MON + DAY, &n));
	ASSERT_INT_EQ(balance(s, a), 800);
	/* Only 200 of room left under the cap. */
	ASSERT_TRUE(run(s, MON + 2 * DAY, &n));
	ASSERT_INT_EQ(balance(s, a), 1000);
	ASSERT_TRUE(run(s, MON + 3 * DAY, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(balance(s, a), 1000);
	/* Spending makes room again. */
	ASSERT_TRUE(fm_ledger_adjust(
	    s, a, -700, false, "spent", "test", NULL, NULL, &errstr));
	ASSERT_TRUE(run(s, MON + 4 * DAY, &n));
	ASSERT_INT_EQ(balance(s, a), 700);
	/* Bad values. */
	ASSERT_FALSE(fm_alloc_set(s, a, -1, FM_PERIOD_DAILY, 0, &errstr));
	ASSERT_FALSE(fm_alloc_set(s, a, 1, FM_PERIOD_DAILY, -1, &errstr));
	ASSERT_FALSE(fm_alloc_set(s, 999, 1, FM_PERIOD_DAILY, 0, &errstr));
}

/* A raise within a period waits for the next one, unless topped up. */
static void
test_raise_within_a_period(fm_store_t *s)
{
	const char *errstr = NULL;
	int64_t m, got = -1, credited = -1;
	int n = -1;

	ASSERT_TRUE((m = account(s, "raised")) > 0);
	ASSERT_TRUE(fm_alloc_set(s, m, 1000, FM_PERIOD_MONTHLY, 0, &errstr));
	/* Not credited yet: a top-up is the period's own credit. */
	ASSERT_TRUE(fm_alloc_credited(s, m, MON, &got));
	ASSERT_INT_EQ(got, 0);
	ASSERT_TRUE(run(s, MON, &n));
	ASSERT_INT_EQ(balance(s, m), 1000);
	ASSERT_TRUE(fm_alloc_credited(s, m, MON, &got));
	ASSERT_INT_EQ(got, 1000);
	/* Raised to 15.00: run-allocations credits nothing more this month. */
	ASSERT_TRUE(fm_alloc_set(s, m, 1500, FM_PERIOD_MONTHLY, 0, &errstr));
	ASSERT_TRUE(run(s, MON + DAY, &n));
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(balance(s, m), 1000);
	/* The top-up credits the difference, once. */
	ASSERT_TRUE(fm_alloc_top_up(s, m, MON + DAY, &credited, &errstr));
	ASSERT_INT_EQ(credited, 500);
	ASSERT_INT_EQ(balance(s, m), 1500);
	ASSERT_TRUE(fm_alloc_top_up(s, m, MON + DAY, &credited, &errstr));
	ASSERT_INT_EQ(credited, 0);
	ASSERT_TRUE(fm_alloc_credited(s, m, MON + DAY, &got));
	ASSERT_INT_EQ(got, 1500);
	/* A second raise tops up again; a cap still holds. */
	ASSERT_TRUE(fm_alloc_set(s, m, 3000, FM_PERIOD_MONTHLY, 2000, &errstr));
	ASSERT_TRUE(fm_alloc_top_up(s, m, MON + DAY, &credited, &errstr));
	ASSERT_INT_EQ(credited, 500);
	ASSERT_INT_EQ(balance(s, m), 2000);
	/* Next month: the new amount, as run-allocations always gives it
	 * (up to the cap from a balance of 20.00: nothing). */
	ASSERT_TRUE(run(s, MON + 8 * DAY, &n));
	ASSERT_INT_EQ(balance(s, m), 2000);
	ASSERT_TRUE(fm_alloc_credited(s, m, MON + 8 * DAY, &got));
	ASSERT_INT_EQ(got, 0);
	ASSERT_FALSE(fm_alloc_top_up(NULL, m, MON, &credited, &errstr));
	ASSERT_FALSE(fm_alloc_credited(s, 999999, MON, &got));
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	RUN_STORE(test_periods);
	RUN_STORE(test_cap);
	RUN_STORE(test_raise_within_a_period);
	return harness_done();
}
