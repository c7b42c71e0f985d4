/*
 * test_payers.c - who pays and how much (quota/payers.h), without a
 * store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "quota/payers.h"

static struct fm_account
account(int64_t id, bool restricted, int64_t balance, int64_t held,
    int64_t overdraft)
{
	struct fm_account a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.restricted = restricted;
	a.balance = balance;
	a.held = held;
	a.overdraft = overdraft;
	return a;
}

static void
test_choose(void)
{
	struct fm_account own = account(1, true, 0, 0, 0);
	struct fm_account dept = account(2, true, 0, 0, 0);
	struct fm_account proj = account(3, true, 0, 0, 0);
	struct fm_account out[FM_PAYERS_MAX];

	ASSERT_INT_EQ(fm_payers_choose(&own, NULL, false, NULL, out), 1);
	ASSERT_INT_EQ(out[0].id, 1);
	ASSERT_INT_EQ(fm_payers_choose(&own, &dept, false, NULL, out), 2);
	ASSERT_INT_EQ(out[0].id, 1);
	ASSERT_INT_EQ(out[1].id, 2);
	ASSERT_INT_EQ(fm_payers_choose(&own, &dept, true, NULL, out), 2);
	ASSERT_INT_EQ(out[0].id, 2);
	ASSERT_INT_EQ(out[1].id, 1);
	/* A chosen account pays alone. */
	ASSERT_INT_EQ(fm_payers_choose(&own, &dept, true, &proj, out), 1);
	ASSERT_INT_EQ(out[0].id, 3);
}

static void
test_split(void)
{
	struct fm_account p[FM_PAYERS_MAX];
	int64_t take[FM_PAYERS_MAX];

	/* The first covers what it can (balance - held + overdraft). */
	p[0] = account(1, true, 100, 30, 10);
	p[1] = account(2, true, 500, 0, 0);
	ASSERT_INT_EQ(fm_payers_split(p, 2, 200, take), 0);
	ASSERT_INT_EQ(take[0], 80);
	ASSERT_INT_EQ(take[1], 120);
	/* Covered by the first: the second takes nothing. */
	ASSERT_INT_EQ(fm_payers_split(p, 2, 50, take), 0);
	ASSERT_INT_EQ(take[0], 50);
	ASSERT_INT_EQ(take[1], 0);
	/* Not covered: the shortfall. */
	p[1] = account(2, true, 20, 0, 0);
	ASSERT_INT_EQ(fm_payers_split(p, 2, 200, take), 100);
	/* An account in the red gives nothing; unrestricted covers all. */
	p[0] = account(1, true, -50, 0, 0);
	p[1] = account(2, false, -1000, 0, 0);
	ASSERT_INT_EQ(fm_payers_split(p, 2, 70, take), 0);
	ASSERT_INT_EQ(take[0], 0);
	ASSERT_INT_EQ(take[1], 70);
	/* A zero charge is covered by nobody's money. */
	ASSERT_INT_EQ(fm_payers_split(p, 1, 0, take), 0);
	ASSERT_INT_EQ(take[0], 0);
}

int
main(void)
{
	RUN(test_choose);
	RUN(test_split);
	return harness_done();
}
