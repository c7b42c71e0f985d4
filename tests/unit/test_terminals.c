/*
 * test_terminals.c - unit tests for store/terminals.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "store/terminals.h"
#include "tests/unit/harness.h"
#include "tests/unit/store_fixture.h"

static struct fixture fx;

/* A registered terminal is found by its name and certificate serial;
 * once removed it is not, and its row says so to the connection still
 * served for it. */
static void
test_state_follows_removal(void)
{
	struct fm_terminal t, other;

	ASSERT_TRUE(fm_terminals_add(fx.store, "t1", "mfp1", "0a0b", 100));
	ASSERT_TRUE(fm_terminals_find_active(fx.store, "t1", "0a0b", &t));
	ASSERT_FALSE(fm_terminals_find_active(fx.store, "t1", "0c0d", &other));
	ASSERT_INT_EQ(fm_terminals_state(fx.store, t.id), FM_TERMINAL_ACTIVE);
	ASSERT_TRUE(fm_terminals_remove(fx.store, "t1", 200));
	ASSERT_INT_EQ(fm_terminals_state(fx.store, t.id), FM_TERMINAL_REMOVED);
	ASSERT_FALSE(fm_terminals_remove(fx.store, "t1", 300));
	/* The name again, with a new certificate: a new terminal; the old
	 * connection's stays removed. */
	struct fm_terminal again;
	ASSERT_TRUE(fm_terminals_add(fx.store, "t1", "mfp1", "0e0f", 400));
	ASSERT_TRUE(fm_terminals_find_active(fx.store, "t1", "0e0f", &again));
	ASSERT_TRUE(again.id != t.id);
	ASSERT_INT_EQ(fm_terminals_state(fx.store, t.id), FM_TERMINAL_REMOVED);
	ASSERT_INT_EQ(
	    fm_terminals_state(fx.store, again.id), FM_TERMINAL_ACTIVE);
	ASSERT_INT_EQ(fm_terminals_state(fx.store, 999), FM_TERMINAL_REMOVED);
	ASSERT_INT_EQ(fm_terminals_state(NULL, t.id), FM_TERMINAL_UNKNOWN);
}

int
main(void)
{
	if (fixture_open(&fx) == NULL)
		return 1;
	RUN(test_state_follows_removal);
	fixture_close(&fx);
	return harness_done();
}
