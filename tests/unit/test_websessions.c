/*
 * test_websessions.c - the web console's sessions in the store.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "harness.h"
#include "store/websessions.h"
#include "store_fixture.h"

static const struct fm_websession_limits lim = {.idle = 1800, .max = 36000};

static void
session_for(struct fm_websession *s, const char *login)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->login, sizeof(s->login), "%s", login);
	snprintf(s->csrf, sizeof(s->csrf), "0f1e2d3c");
	snprintf(s->address, sizeof(s->address), "192.0.2.7");
}

static void
test_create_and_find(fm_store_t *s)
{
	uint8_t id[FM_WEBSESSION_HASHLEN] = {1},
	        other[FM_WEBSESSION_HASHLEN] = {2};
	struct fm_websession in, out;

	session_for(&in, "fmalice");
	ASSERT_TRUE(fm_websessions_create(s, id, &in, 1000));
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, 1010, &out), 1);
	ASSERT_STR_EQ(out.login, "fmalice");
	ASSERT_STR_EQ(out.csrf, "0f1e2d3c");
	ASSERT_STR_EQ(out.address, "192.0.2.7");
	ASSERT_INT_EQ(out.created_at, 1000);
	ASSERT_INT_EQ(fm_websessions_find(s, other, &lim, 1010, &out), 0);
	ASSERT_STR_EQ(out.login, "");
	/* The same id twice is refused: ids are random, a clash is a bug. */
	ASSERT_FALSE(fm_websessions_create(s, id, &in, 1000));
	/* No user, no session. */
	session_for(&in, "");
	ASSERT_FALSE(fm_websessions_create(s, other, &in, 1000));
}

static void
test_idle_and_max(fm_store_t *s)
{
	uint8_t id[FM_WEBSESSION_HASHLEN] = {3};
	struct fm_websession in, out;

	session_for(&in, "fmbob");
	ASSERT_TRUE(fm_websessions_create(s, id, &in, 0));
	/* Used within the idle time, over and over: alive until max. */
	for (int64_t t = 1500; t < lim.max; t += 1500)
		ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, t, &out), 1);
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, lim.max, &out), 0);
	/* Gone from the store, not only refused. */
	ASSERT_INT_EQ(fixture_int(s, "SELECT count(*) FROM web_sessions"), 0);

	ASSERT_TRUE(fm_websessions_create(s, id, &in, 0));
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, lim.idle, &out), 0);
	/* A clock that went back before the login does not revive it. */
	ASSERT_TRUE(fm_websessions_create(s, id, &in, 5000));
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, 4000, &out), 0);
}

static void
test_touch_once_a_minute(fm_store_t *s)
{
	uint8_t id[FM_WEBSESSION_HASHLEN] = {4};
	struct fm_websession in, out;

	session_for(&in, "fmalice");
	ASSERT_TRUE(fm_websessions_create(s, id, &in, 100));
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, 130, &out), 1);
	ASSERT_INT_EQ(
	    fixture_int(s, "SELECT last_seen FROM web_sessions"), 100);
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, 160, &out), 1);
	ASSERT_INT_EQ(
	    fixture_int(s, "SELECT last_seen FROM web_sessions"), 160);
	ASSERT_INT_EQ(out.last_seen, 160);
}

static void
test_end(fm_store_t *s)
{
	uint8_t a[FM_WEBSESSION_HASHLEN] = {5}, b[FM_WEBSESSION_HASHLEN] = {6},
	        c[FM_WEBSESSION_HASHLEN] = {7};
	struct fm_websession in, out;

	session_for(&in, "fmalice");
	ASSERT_TRUE(fm_websessions_create(s, a, &in, 0));
	ASSERT_TRUE(fm_websessions_create(s, b, &in, 0));
	session_for(&in, "fmbob");
	ASSERT_TRUE(fm_websessions_create(s, c, &in, 0));
	ASSERT_TRUE(fm_websessions_end(s, a));
	ASSERT_FALSE(fm_websessions_end(s, a));
	ASSERT_INT_EQ(fm_websessions_find(s, a, &lim, 10, &out), 0);
	ASSERT_INT_EQ(fm_websessions_end_user(s, "fmalice"), 1);
	ASSERT_INT_EQ(fm_websessions_find(s, b, &lim, 10, &out), 0);
	ASSERT_INT_EQ(fm_websessions_find(s, c, &lim, 10, &out), 1);
}

static void
test_language(fm_store_t *s)
{
	uint8_t id[FM_WEBSESSION_HASHLEN] = {8};
	struct fm_websession in, out;

	session_for(&in, "fmalice");
	ASSERT_TRUE(fm_websessions_create(s, id, &in, 0));
	ASSERT_TRUE(fm_websessions_set_language(s, id, "fr"));
	ASSERT_INT_EQ(fm_websessions_find(s, id, &lim, 1, &out), 1);
	ASSERT_STR_EQ(out.language, "fr");
	ASSERT_FALSE(fm_websessions_set_language(s, id, "de"));
	ASSERT_FALSE(fm_websessions_set_language(s, id, "fr'); --"));
}

int
main(void)
{
	RUN_STORE(test_create_and_find);
	RUN_STORE(test_idle_and_max);
	RUN_STORE(test_touch_once_a_minute);
	RUN_STORE(test_end);
	RUN_STORE(test_language);
	return harness_done();
}
